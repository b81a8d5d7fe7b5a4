//! DONE, DONEPROC and DONEINPROC [MS-TDS 2.2.7.6–2.2.7.8]: the end of a statement or
//! request, with a status and a row count.

use crate::Result;
use crate::buf::Reader;

/// Status bits.
pub mod done_status {
    /// The last DONE of the response.
    pub const FINAL: u16 = 0x00;
    /// More results follow.
    pub const MORE: u16 = 0x01;
    /// The statement failed.
    pub const ERROR: u16 = 0x02;
    /// A transaction is in progress.
    pub const IN_XACT: u16 = 0x04;
    /// The row count is valid.
    pub const COUNT: u16 = 0x10;
    /// Acknowledges an attention.
    pub const ATTN: u16 = 0x20;
    /// A severe error ended the request.
    pub const SRVERROR: u16 = 0x100;
}

/// A decoded DONE-family token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Done {
    /// Which token (`kind::DONE`, `DONE_PROC`, `DONE_IN_PROC`).
    pub kind: u8,
    /// Status bits.
    pub status: u16,
    /// Current command token.
    pub cur_cmd: u16,
    /// Rows affected (valid with `COUNT`).
    pub rows: u64,
}

/// Writes a DONE-family token (TDS 7.2+: 64-bit row count).
pub fn encode_done(out: &mut Vec<u8>, kind: u8, status: u16, rows: u64) {
    out.push(kind);
    out.extend_from_slice(&status.to_le_bytes());
    // CurCmd 0xC1 = SELECT; clients do not act on it.
    let cur_cmd: u16 = if status & done_status::COUNT != 0 {
        0xC1
    } else {
        0
    };
    out.extend_from_slice(&cur_cmd.to_le_bytes());
    out.extend_from_slice(&rows.to_le_bytes());
}

pub(super) fn decode(r: &mut Reader<'_>, kind: u8) -> Result<Done> {
    Ok(Done {
        kind,
        status: r.u16_le("done status")?,
        cur_cmd: r.u16_le("done curcmd")?,
        rows: r.u64_le("done rowcount")?,
    })
}
