//! The one place where wire types and engine types meet (STYLE: wire types are never
//! engine types).

use sbroker_broker_wire::{CHUNK_BYTES_MAX, Fragment, Frame, Message, WireKind};
use sbroker_engine::records::MessageKind;
use sbroker_engine::{RemoteMessage, Uuid};

/// The frames of one outgoing message: a MESSAGE with the first chunk, then FRAGMENTs.
pub fn frames_of(m: &RemoteMessage) -> Vec<Frame> {
    let body = m.body.as_deref().unwrap_or(&[]);
    let body_length = u32::try_from(body.len()).expect("bodies are under 2 GiB");
    let first = body.len().min(CHUNK_BYTES_MAX);
    let kind = match m.kind {
        MessageKind::User | MessageKind::DialogTimer => WireKind::User,
        MessageKind::EndDialog => WireKind::EndDialog,
        MessageKind::Error => WireKind::Error,
    };
    let mut out = vec![Frame::Message(Message {
        conversation_id: *m.conversation_id.as_bytes(),
        from_initiator: m.from_initiator,
        sequence: m.seq,
        kind,
        priority: m.priority.clamp(1, 10),
        hops_remaining: m.hops_remaining,
        lifetime: m.lifetime,
        encryption: m.encryption,
        from_service: m.from_service.clone(),
        from_broker_instance: m.from_broker_instance.clone(),
        to_service: m.to_service.clone(),
        to_broker_instance: m.to_broker_instance.clone(),
        contract: m.contract.clone(),
        message_type: m.message_type.clone(),
        body_present: m.body.is_some(),
        body_length,
        chunk: body[..first].to_vec(),
    })];
    let mut offset = first;
    while offset < body.len() {
        let end = (offset + CHUNK_BYTES_MAX).min(body.len());
        out.push(Frame::Fragment(Fragment {
            conversation_id: *m.conversation_id.as_bytes(),
            from_initiator: m.from_initiator,
            sequence: m.seq,
            offset: u32::try_from(offset).expect("bodies are under 2 GiB"),
            chunk: body[offset..end].to_vec(),
        }));
        offset = end;
    }
    out
}

/// The engine's message from a complete wire message and its whole body.
pub fn remote_message(m: Message, body: Option<Vec<u8>>) -> RemoteMessage {
    RemoteMessage {
        conversation_id: Uuid::from_bytes(m.conversation_id),
        from_initiator: m.from_initiator,
        from_service: m.from_service,
        from_broker_instance: m.from_broker_instance,
        to_service: m.to_service,
        to_broker_instance: m.to_broker_instance,
        contract: m.contract,
        message_type: m.message_type,
        kind: match m.kind {
            WireKind::User => MessageKind::User,
            WireKind::EndDialog => MessageKind::EndDialog,
            WireKind::Error => MessageKind::Error,
        },
        body,
        seq: m.sequence,
        lifetime: m.lifetime,
        encryption: m.encryption,
        priority: m.priority,
        hops_remaining: m.hops_remaining,
    }
}
