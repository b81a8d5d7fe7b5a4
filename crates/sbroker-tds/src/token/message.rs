//! ERROR and INFO [MS-TDS 2.2.7.10, 2.2.7.13]: the same layout, different token byte.

use crate::buf::{Reader, put_b_varchar, put_us_varchar};
use crate::{Error, Result};

/// An error or informational message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerMessage {
    /// Message number.
    pub number: i32,
    /// State.
    pub state: u8,
    /// Class (severity).
    pub class: u8,
    /// Text.
    pub text: String,
    /// Server name.
    pub server: String,
    /// Procedure name, empty outside one.
    pub procedure: String,
    /// Line number within the batch or procedure.
    pub line: u32,
}

/// Writes an ERROR (`kind::ERROR`) or INFO (`kind::INFO`) token.
pub fn encode_message(out: &mut Vec<u8>, kind: u8, m: &ServerMessage) {
    let mut body = Vec::with_capacity(64 + m.text.len() * 2);
    body.extend_from_slice(&m.number.to_le_bytes());
    body.push(m.state);
    body.push(m.class);
    put_us_varchar(&mut body, &m.text);
    put_b_varchar(&mut body, &m.server);
    put_b_varchar(&mut body, &m.procedure);
    body.extend_from_slice(&m.line.to_le_bytes());
    out.push(kind);
    out.extend_from_slice(&u16::try_from(body.len()).unwrap_or(u16::MAX).to_le_bytes());
    out.extend_from_slice(&body);
}

pub(super) fn decode(r: &mut Reader<'_>) -> Result<ServerMessage> {
    let len = usize::from(r.u16_le("message length")?);
    let body = r.take(len, "message")?;
    let mut b = Reader::new(body);
    let m = ServerMessage {
        number: b.i32_le("message number")?,
        state: b.u8("message state")?,
        class: b.u8("message class")?,
        text: b.us_varchar("message text")?,
        server: b.b_varchar("server name")?,
        procedure: b.b_varchar("procedure name")?,
        line: b.u32_le("line number")?,
    };
    if !b.is_empty() {
        return Err(Error::Malformed("trailing bytes in a message token".into()));
    }
    Ok(m)
}
