//! ROW and NBCROW [MS-TDS 2.2.7.19, 2.2.7.17]: one row of the current result set.

use sbroker_types::Value;

use super::ColumnMeta;
use super::VALUE_BYTES_MAX;
use crate::Result;
use crate::buf::Reader;
use crate::types::{TypeInfo, read_value, write_value};

/// Writes a ROW token; each value must already have its column's type.
pub fn encode_row(out: &mut Vec<u8>, cols: &[ColumnMeta], values: &[Value]) -> Result<()> {
    out.push(super::kind::ROW);
    for (c, v) in cols.iter().zip(values) {
        write_value(out, &c.ty, v)?;
    }
    Ok(())
}

pub(super) fn decode(r: &mut Reader<'_>, cols: &[TypeInfo], nbc: bool) -> Result<Vec<Value>> {
    let bitmap = if nbc {
        r.take(cols.len().div_ceil(8), "null bitmap")?.to_vec()
    } else {
        Vec::new()
    };
    let mut out = Vec::with_capacity(cols.len());
    for (i, ty) in cols.iter().enumerate() {
        let null = bitmap.get(i / 8).is_some_and(|b| b & (1 << (i % 8)) != 0);
        if null {
            out.push(Value::Null);
        } else {
            out.push(read_value(r, ty, VALUE_BYTES_MAX)?);
        }
    }
    Ok(out)
}
