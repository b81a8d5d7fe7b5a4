//! The server's output side: a packet writer over the socket, and the [`ResultSink`] that
//! turns the interpreter's results into TDS tokens.

use std::sync::atomic::{AtomicBool, Ordering};

use sbroker_exec::{Column, ResultSink, ServerError, Value};
use sbroker_tds::packet::{self, HEADER_LEN, PacketType};
use sbroker_tds::token::{
    ColumnMeta, ServerMessage, done_status, encode_col_metadata, encode_done, encode_message, kind,
};
use sbroker_tds::types::{self, MAX_LEN, TypeInfo};
use sbroker_types::{SqlType, StrLen};

use crate::tls::Wire;

/// Writes one response message as packets; full packets go out as soon as they fill, so a
/// large result streams instead of waiting for the batch to end.
pub(crate) struct PacketWriter {
    pub(crate) wire: Wire,
    packet_size: usize,
    packet_id: u8,
    pub(crate) buf: Vec<u8>,
    /// The first write error; later writes are skipped and the connection closes.
    pub(crate) failed: Option<std::io::Error>,
}

impl PacketWriter {
    pub(crate) fn new(wire: Wire) -> Self {
        Self {
            wire,
            packet_size: packet::PACKET_SIZE_DEFAULT,
            packet_id: 1,
            buf: Vec::new(),
            failed: None,
        }
    }

    pub(crate) fn set_packet_size(&mut self, n: usize) {
        self.packet_size = n.clamp(packet::PACKET_SIZE_MIN, packet::PACKET_SIZE_MAX);
    }

    fn send(&mut self, bytes: &[u8]) {
        if self.failed.is_none()
            && let Err(e) = self.wire.write_all(bytes)
        {
            self.failed = Some(e);
        }
    }

    /// Sends the full packets buffered so far (not the last, partial one).
    pub(crate) fn flush_full(&mut self) {
        let body = self.packet_size - HEADER_LEN;
        if self.buf.len() <= body {
            return;
        }
        let whole = (self.buf.len() - 1) / body * body;
        let mut wire = Vec::with_capacity(whole + whole / body * HEADER_LEN);
        let rest = self.buf.split_off(whole);
        packet::frame(
            PacketType::TabularResult,
            &self.buf,
            self.packet_size,
            false,
            &mut self.packet_id,
            &mut wire,
        );
        self.buf = rest;
        self.send(&wire);
    }

    /// Ends the message: sends what is buffered with the EOM bit.
    pub(crate) fn finish(&mut self) {
        let mut wire = Vec::with_capacity(self.buf.len() + 64);
        packet::frame(
            PacketType::TabularResult,
            &self.buf,
            self.packet_size,
            true,
            &mut self.packet_id,
            &mut wire,
        );
        self.buf.clear();
        self.packet_id = 1;
        self.send(&wire);
    }
}

/// A [`ResultSink`] writing TDS tokens.
pub(crate) struct TdsSink<'a> {
    pub(crate) w: &'a mut PacketWriter,
    /// Inside an RPC: statements end with DONEINPROC instead of DONE.
    pub(crate) in_proc: bool,
    pub(crate) cancel: &'a AtomicBool,
    pub(crate) server_name: &'a str,
    /// A result set was sent and its DONE not yet: the interpreter reports the row count
    /// (rows_affected) right after, unless SET NOCOUNT is on.
    pub(crate) open_result: bool,
}

impl<'a> TdsSink<'a> {
    pub(crate) fn new(
        w: &'a mut PacketWriter,
        in_proc: bool,
        cancel: &'a AtomicBool,
        server_name: &'a str,
    ) -> Self {
        Self {
            w,
            in_proc,
            cancel,
            server_name,
            open_result: false,
        }
    }

    /// Ends an open result set without a count (SET NOCOUNT ON), as SQL Server does.
    pub(crate) fn close(&mut self) {
        if self.open_result {
            self.open_result = false;
            self.done(done_status::MORE, 0);
        }
    }

    fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::SeqCst)
    }

    fn done(&mut self, status: u16, rows: u64) {
        let k = if self.in_proc {
            kind::DONE_IN_PROC
        } else {
            kind::DONE
        };
        encode_done(&mut self.w.buf, k, status, rows);
        self.w.flush_full();
    }
}

/// The wire types of a result set's columns: each column's own type, widened to `max` when
/// a value is longer than the declared length, and `nvarchar(max)` text for a column whose
/// values do not convert to its type (the interpreter's type inference is not exact for
/// every expression, and a wrong byte on the wire would break the client).
fn column_types(columns: &[Column], rows: &[Vec<Value>]) -> Vec<(TypeInfo, bool)> {
    columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let mut ti = TypeInfo::of(&c.ty);
            let mut as_text = false;
            let mut scratch = Vec::new();
            for row in rows {
                let Some(v) = row.get(i) else { continue };
                if matches!(v, Value::Null) {
                    continue;
                }
                if ti.len != MAX_LEN && types::wire_bytes(&ti, v) > ti.len as usize {
                    ti.len = MAX_LEN;
                }
                scratch.clear();
                if types::write_value(&mut scratch, &ti, v).is_err()
                    && v.cast(&c.ty)
                        .ok()
                        .is_none_or(|cv| types::write_value(&mut scratch, &ti, &cv).is_err())
                {
                    as_text = true;
                    break;
                }
            }
            if as_text {
                (TypeInfo::of(&SqlType::NVarChar(StrLen::Max)), true)
            } else {
                (ti, false)
            }
        })
        .collect()
}

impl ResultSink for TdsSink<'_> {
    fn result_set(&mut self, columns: &[Column], rows: &[Vec<Value>]) {
        if self.cancelled() {
            return;
        }
        self.close();
        let types = column_types(columns, rows);
        let metas: Vec<ColumnMeta> = columns
            .iter()
            .zip(&types)
            .map(|(c, (ty, _))| ColumnMeta {
                name: c.name.clone(),
                ty: *ty,
            })
            .collect();
        encode_col_metadata(&mut self.w.buf, &metas);
        for row in rows {
            if self.cancelled() {
                return;
            }
            // Each value goes straight into the buffer; one that does not fit its column's
            // wire type as it is goes in converted (column_types checked that one of the
            // two works, and a failed write writes nothing).
            self.w.buf.push(kind::ROW);
            for (i, (c, (ti, as_text))) in columns.iter().zip(&types).enumerate() {
                let v = row.get(i).unwrap_or(&Value::Null);
                let buf = &mut self.w.buf;
                if *as_text && !matches!(v, Value::Null) {
                    let _ = types::write_value(buf, ti, &Value::NVarChar(v.to_display_string()));
                } else if types::write_value(buf, ti, v).is_err() {
                    let _ = types::write_value(buf, ti, &v.cast(&c.ty).unwrap_or(Value::Null));
                }
            }
            self.w.flush_full();
        }
        self.open_result = true;
    }

    fn message(&mut self, number: i32, severity: u8, text: &str) {
        if self.cancelled() {
            return;
        }
        self.close();
        let m = ServerMessage {
            number,
            state: 1,
            class: severity,
            text: text.to_string(),
            server: self.server_name.to_string(),
            procedure: String::new(),
            line: 1,
        };
        encode_message(&mut self.w.buf, kind::INFO, &m);
        self.w.flush_full();
    }

    fn error(&mut self, err: &ServerError) {
        if self.cancelled() {
            return;
        }
        self.close();
        let m = ServerMessage {
            number: err.number,
            state: err.state,
            class: err.severity,
            text: err.message.clone(),
            server: self.server_name.to_string(),
            procedure: err.procedure.clone().unwrap_or_default(),
            line: err.line.unwrap_or(1),
        };
        encode_message(&mut self.w.buf, kind::ERROR, &m);
        self.done(done_status::MORE | done_status::ERROR, 0);
    }

    fn rows_affected(&mut self, rows: u64) {
        if self.cancelled() {
            return;
        }
        self.open_result = false;
        self.done(done_status::MORE | done_status::COUNT, rows);
    }
}
