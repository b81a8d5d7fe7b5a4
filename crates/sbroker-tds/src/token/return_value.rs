//! RETURNSTATUS and RETURNVALUE [MS-TDS 2.2.7.18, 2.2.7.19]: a procedure's status and the
//! values of its OUTPUT parameters.

use sbroker_types::Value;

use super::VALUE_BYTES_MAX;
use crate::Result;
use crate::buf::{Reader, put_b_varchar};
use crate::types::{TypeInfo, read_value, write_value};

/// An OUTPUT parameter's value.
#[derive(Debug, Clone, PartialEq)]
pub struct ReturnValue {
    /// Ordinal of the parameter.
    pub ordinal: u16,
    /// Name with `@`.
    pub name: String,
    /// Value.
    pub value: Value,
}

/// Writes a RETURNSTATUS token.
pub fn encode_return_status(out: &mut Vec<u8>, status: i32) {
    out.push(super::kind::RETURN_STATUS);
    out.extend_from_slice(&status.to_le_bytes());
}

/// Writes a RETURNVALUE token.
pub fn encode_return_value(
    out: &mut Vec<u8>,
    ordinal: u16,
    name: &str,
    ty: &TypeInfo,
    value: &Value,
) -> Result<()> {
    out.push(super::kind::RETURN_VALUE);
    out.extend_from_slice(&ordinal.to_le_bytes());
    put_b_varchar(out, name);
    // Status 0x01: an OUTPUT parameter's value.
    out.push(0x01);
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(&0x0001u16.to_le_bytes());
    ty.encode(out);
    write_value(out, ty, value)
}

pub(super) fn decode(r: &mut Reader<'_>) -> Result<ReturnValue> {
    let ordinal = r.u16_le("param ordinal")?;
    let name = r.b_varchar("param name")?;
    r.u8("return value status")?;
    r.u32_le("user type")?;
    r.u16_le("flags")?;
    let ty = TypeInfo::decode(r)?;
    let value = read_value(r, &ty, VALUE_BYTES_MAX)?;
    Ok(ReturnValue {
        ordinal,
        name,
        value,
    })
}
