//! COLMETADATA [MS-TDS 2.2.7.4]: the columns of the rows that follow.

use crate::buf::{Reader, put_b_varchar};
use crate::types::TypeInfo;
use crate::{Error, Result};

/// Columns in one result set, at most (SQL Server's limit is 4 096).
pub const COLUMNS_MAX: usize = 4096;
/// Column flag: nullable.
const FLAG_NULLABLE: u16 = 0x0001;

/// One column of a result set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnMeta {
    /// Name (may be empty).
    pub name: String,
    /// Wire type.
    pub ty: TypeInfo,
}

/// Writes a COLMETADATA token. Every column is described as nullable.
pub fn encode_col_metadata(out: &mut Vec<u8>, cols: &[ColumnMeta]) {
    out.push(super::kind::COL_METADATA);
    out.extend_from_slice(&u16::try_from(cols.len()).unwrap_or(u16::MAX).to_le_bytes());
    for c in cols {
        // UserType (4 bytes in 7.2+), Flags, TYPE_INFO, ColName.
        out.extend_from_slice(&0u32.to_le_bytes());
        out.extend_from_slice(&FLAG_NULLABLE.to_le_bytes());
        c.ty.encode(out);
        put_b_varchar(out, &c.name);
    }
}

pub(super) fn decode(r: &mut Reader<'_>) -> Result<Vec<ColumnMeta>> {
    let n = r.u16_le("column count")?;
    // 0xFFFF: "no metadata" (a NBCROW-less response to an RPC that asked for none).
    if n == 0xFFFF {
        return Ok(Vec::new());
    }
    if usize::from(n) > COLUMNS_MAX {
        return Err(Error::Malformed(format!("{n} columns")));
    }
    let mut cols = Vec::with_capacity(usize::from(n));
    for _ in 0..n {
        r.u32_le("user type")?;
        r.u16_le("column flags")?;
        let ty = TypeInfo::decode(r)?;
        let name = r.b_varchar("column name")?;
        cols.push(ColumnMeta { name, ty });
    }
    Ok(cols)
}
