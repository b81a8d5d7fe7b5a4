//! Client requests after login [MS-TDS 2.2.6]: SQL batch, RPC and transaction manager
//! requests, each starting with ALL_HEADERS (TDS 7.2 and later).

use sbroker_types::Value;

use crate::buf::{Reader, decode_utf16, put_utf16};
use crate::types::{TypeInfo, read_value};
use crate::{Error, Result};

/// ALL_HEADERS longer than this are refused.
const ALL_HEADERS_BYTES_MAX: usize = 4096;
/// Parameters of one RPC call, at most (SQL Server allows 2 100).
pub const RPC_PARAMS_MAX: usize = 2100;
/// RPC parameter status bit: passed by reference (OUTPUT).
pub const PARAM_BY_REF: u8 = 0x01;
/// RPC parameter status bit: use the default value.
pub const PARAM_DEFAULT: u8 = 0x02;

/// The transaction descriptor a client sends in ALL_HEADERS (0 outside a transaction).
pub type TransactionDescriptor = [u8; 8];

/// Skips ALL_HEADERS and returns the transaction descriptor found there, if any
/// [MS-TDS 2.2.5.3].
pub fn read_all_headers(r: &mut Reader<'_>) -> Result<Option<TransactionDescriptor>> {
    let total = r.u32_le("ALL_HEADERS length")? as usize;
    if !(4..=ALL_HEADERS_BYTES_MAX).contains(&total) {
        return Err(Error::Malformed(format!("ALL_HEADERS length {total}")));
    }
    let headers = r.take(total - 4, "ALL_HEADERS")?;
    let mut h = Reader::new(headers);
    let mut descriptor = None;
    while !h.is_empty() {
        let len = h.u32_le("header length")? as usize;
        if len < 6 {
            return Err(Error::Malformed(format!("header length {len}")));
        }
        let ty = h.u16_le("header type")?;
        let data = h.take(len - 6, "header data")?;
        // Type 2: transaction descriptor (8 bytes) + outstanding request count (4 bytes).
        if ty == 2 && data.len() >= 8 {
            let mut d = [0u8; 8];
            d.copy_from_slice(data.get(..8).unwrap_or(&[0; 8]));
            descriptor = Some(d);
        }
    }
    Ok(descriptor)
}

/// Appends ALL_HEADERS holding a transaction descriptor header.
pub fn write_all_headers(out: &mut Vec<u8>, descriptor: TransactionDescriptor) {
    out.extend_from_slice(&22u32.to_le_bytes());
    out.extend_from_slice(&18u32.to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&descriptor);
    out.extend_from_slice(&1u32.to_le_bytes());
}

/// The text of a SQL batch request. `headers` says whether ALL_HEADERS precede it (TDS 7.2+).
pub fn decode_sql_batch(payload: &[u8], headers: bool) -> Result<String> {
    let mut r = Reader::new(payload);
    if headers {
        read_all_headers(&mut r)?;
    }
    let rest = r.take(r.remaining(), "batch text")?;
    Ok(decode_utf16(rest))
}

/// A SQL batch request (client side).
pub fn encode_sql_batch(text: &str, descriptor: TransactionDescriptor) -> Vec<u8> {
    let mut out = Vec::with_capacity(22 + text.len() * 2);
    write_all_headers(&mut out, descriptor);
    put_utf16(&mut out, text);
    out
}

/// Which procedure an RPC calls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RpcProc {
    /// A well-known procedure by number (10 = sp_executesql, 12 = sp_execute, …).
    Id(u16),
    /// A procedure by name.
    Name(String),
}

impl RpcProc {
    /// The procedure name, well-known ids spelled out [MS-TDS 2.2.6.6].
    pub fn name(&self) -> String {
        match self {
            RpcProc::Name(n) => n.clone(),
            RpcProc::Id(id) => match id {
                1 => "sp_cursor",
                2 => "sp_cursoropen",
                3 => "sp_cursorprepare",
                4 => "sp_cursorexecute",
                5 => "sp_cursorprepexec",
                6 => "sp_cursorunprepare",
                7 => "sp_cursorfetch",
                8 => "sp_cursoroption",
                9 => "sp_cursorclose",
                10 => "sp_executesql",
                11 => "sp_prepare",
                12 => "sp_execute",
                13 => "sp_prepexec",
                14 => "sp_prepexecrpc",
                15 => "sp_unprepare",
                _ => "sp_unknown",
            }
            .to_string(),
        }
    }
}

/// One parameter of an RPC call.
#[derive(Debug, Clone, PartialEq)]
pub struct RpcParam {
    /// Name with its `@`, or empty for a positional parameter.
    pub name: String,
    /// Status bits (`PARAM_BY_REF`, `PARAM_DEFAULT`).
    pub status: u8,
    /// Its wire type.
    pub ty: TypeInfo,
    /// Its value.
    pub value: Value,
}

impl RpcParam {
    /// True for an OUTPUT parameter.
    pub fn is_output(&self) -> bool {
        self.status & PARAM_BY_REF != 0
    }
}

/// One call of an RPC request.
#[derive(Debug, Clone, PartialEq)]
pub struct RpcCall {
    /// The procedure.
    pub proc: RpcProc,
    /// OptionFlags (bit 0x01: WITH RECOMPILE; 0x02: no metadata).
    pub flags: u16,
    /// Parameters in order.
    pub params: Vec<RpcParam>,
}

/// Parses an RPC request: one or more calls separated by the batch flag byte
/// [MS-TDS 2.2.6.6]. Values over `value_bytes_max` are refused.
pub fn decode_rpc(payload: &[u8], headers: bool, value_bytes_max: usize) -> Result<Vec<RpcCall>> {
    let mut r = Reader::new(payload);
    if headers {
        read_all_headers(&mut r)?;
    }
    let mut calls = Vec::new();
    loop {
        let name_len = r.u16_le("rpc name length")?;
        let proc = if name_len == 0xFFFF {
            RpcProc::Id(r.u16_le("rpc proc id")?)
        } else {
            RpcProc::Name(r.utf16(usize::from(name_len), "rpc name")?)
        };
        let flags = r.u16_le("rpc option flags")?;
        let mut params = Vec::new();
        loop {
            match r.peek() {
                None => {
                    calls.push(RpcCall {
                        proc,
                        flags,
                        params,
                    });
                    return Ok(calls);
                }
                // BatchFlag (7.2+: 0xFF; NoExecFlag 0xFE): another call follows.
                Some(0xFF | 0xFE | 0x80) => {
                    r.u8("batch flag")?;
                    break;
                }
                Some(_) => {}
            }
            if params.len() >= RPC_PARAMS_MAX {
                return Err(Error::Malformed("too many RPC parameters".into()));
            }
            let name = r.b_varchar("param name")?;
            let status = r.u8("param status")?;
            let ty = TypeInfo::decode(&mut r)?;
            let value = read_value(&mut r, &ty, value_bytes_max)?;
            params.push(RpcParam {
                name,
                status,
                ty,
                value,
            });
        }
        calls.push(RpcCall {
            proc,
            flags,
            params,
        });
    }
}

/// Encodes an RPC request with one call (client side and tests).
pub fn encode_rpc(call: &RpcCall, descriptor: TransactionDescriptor) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    write_all_headers(&mut out, descriptor);
    match &call.proc {
        RpcProc::Id(id) => {
            out.extend_from_slice(&0xFFFFu16.to_le_bytes());
            out.extend_from_slice(&id.to_le_bytes());
        }
        RpcProc::Name(n) => {
            let units = u16::try_from(n.encode_utf16().count())
                .map_err(|_| Error::Malformed("procedure name too long".into()))?;
            out.extend_from_slice(&units.to_le_bytes());
            put_utf16(&mut out, n);
        }
    }
    out.extend_from_slice(&call.flags.to_le_bytes());
    for p in &call.params {
        crate::buf::put_b_varchar(&mut out, &p.name);
        out.push(p.status);
        p.ty.encode(&mut out);
        crate::types::write_value(&mut out, &p.ty, &p.value)?;
    }
    Ok(out)
}

/// A transaction manager request [MS-TDS 2.2.6.9].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TmRequest {
    /// TM_BEGIN_XACT (5), with an optional transaction name.
    Begin(String),
    /// TM_COMMIT_XACT (7), optionally beginning a new transaction after it.
    Commit {
        /// Begin a new transaction after committing.
        begin_new: bool,
    },
    /// TM_ROLLBACK_XACT (8), optionally to a savepoint name, optionally beginning anew.
    Rollback {
        /// Savepoint name (empty: the whole transaction).
        name: String,
        /// Begin a new transaction after rolling back.
        begin_new: bool,
    },
    /// TM_SAVE_XACT (9).
    Save(String),
    /// Another request type (DTC enlistment, …).
    Other(u16),
}

/// Parses a transaction manager request.
pub fn decode_tm(payload: &[u8], headers: bool) -> Result<TmRequest> {
    let mut r = Reader::new(payload);
    if headers {
        read_all_headers(&mut r)?;
    }
    let ty = r.u16_le("tm request type")?;
    Ok(match ty {
        5 => {
            let _isolation = r.u8("isolation level")?;
            let name = if r.is_empty() {
                String::new()
            } else {
                r.b_varchar("transaction name")?
            };
            TmRequest::Begin(name)
        }
        7 | 8 => {
            let name = if r.is_empty() {
                String::new()
            } else {
                r.b_varchar("transaction name")?
            };
            let flags = if r.is_empty() { 0 } else { r.u8("tm flags")? };
            let begin_new = flags & 0x01 != 0;
            if ty == 7 {
                TmRequest::Commit { begin_new }
            } else {
                TmRequest::Rollback { name, begin_new }
            }
        }
        9 => TmRequest::Save(r.b_varchar("savepoint name")?),
        other => TmRequest::Other(other),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use sbroker_types::{SqlType, StrLen};

    #[test]
    fn sql_batch_round_trip() {
        let bytes = encode_sql_batch("SELECT N'ü' -- 😀", [0; 8]);
        assert_eq!(decode_sql_batch(&bytes, true).unwrap(), "SELECT N'ü' -- 😀");
    }

    #[test]
    fn rpc_round_trip() {
        let nv = TypeInfo::of(&SqlType::NVarChar(StrLen::Max));
        let call = RpcCall {
            proc: RpcProc::Id(10),
            flags: 0,
            params: vec![
                RpcParam {
                    name: String::new(),
                    status: 0,
                    ty: nv,
                    value: Value::NVarChar("SELECT @P1".into()),
                },
                RpcParam {
                    name: "@P1".into(),
                    status: PARAM_BY_REF,
                    ty: TypeInfo::of(&SqlType::Int),
                    value: Value::Int(7),
                },
            ],
        };
        let bytes = encode_rpc(&call, [0; 8]).unwrap();
        let calls = decode_rpc(&bytes, true, 1 << 20).unwrap();
        assert_eq!(calls, vec![call.clone()]);
        assert_eq!(calls[0].proc.name(), "sp_executesql");
        assert!(calls[0].params[1].is_output());
        let named = RpcCall {
            proc: RpcProc::Name("dbo.usp_send".into()),
            ..call
        };
        let bytes = encode_rpc(&named, [1; 8]).unwrap();
        assert_eq!(decode_rpc(&bytes, true, 1 << 20).unwrap(), vec![named]);
    }

    #[test]
    fn tm_requests() {
        let mut b = Vec::new();
        write_all_headers(&mut b, [0; 8]);
        b.extend_from_slice(&5u16.to_le_bytes());
        b.push(0);
        b.push(0);
        assert_eq!(
            decode_tm(&b, true).unwrap(),
            TmRequest::Begin(String::new())
        );
        let mut b = Vec::new();
        write_all_headers(&mut b, [0; 8]);
        b.extend_from_slice(&7u16.to_le_bytes());
        b.push(0);
        b.push(0);
        assert_eq!(
            decode_tm(&b, true).unwrap(),
            TmRequest::Commit { begin_new: false }
        );
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(decode_rpc(&[], true, 100).is_err());
        assert!(decode_rpc(&[0xFF, 0xFF, 0xFF, 0xFF], true, 100).is_err());
        assert!(decode_sql_batch(&[1, 0, 0, 0], true).is_err());
        let mut b = Vec::new();
        write_all_headers(&mut b, [0; 8]);
        b.extend_from_slice(&[0xFF, 0xFF, 10, 0, 0, 0, 3, b'@', 0]);
        assert!(decode_rpc(&b, true, 100).is_err());
    }
}
