//! User tables: definitions, row encoding, and the in-memory tables used for table
//! variables and `#temp` tables.
//!
//! Permanent tables live in the engine so they commit and roll back with SEND/RECEIVE: the
//! definition is an engine object of kind `U` (JSON), each row an engine user row encoded
//! by [`encode_row`].

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use sbroker_types::{Decimal, ServerError, SqlType, TypeArg, Uuid, Value};
use serde::{Deserialize, Serialize};

/// Engine object kind of table definitions.
pub const KIND_TABLE: &str = "U";
/// Engine object kind of procedures.
pub const KIND_PROC: &str = "P";
/// Engine object kind of schemas.
pub const KIND_SCHEMA: &str = "SCHEMA";

/// A type as stored: name plus arguments (`-1` = MAX).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct StoredType {
    /// Type name.
    pub name: String,
    /// Arguments; −1 means MAX.
    pub args: Vec<i64>,
}

impl StoredType {
    /// The SQL type.
    pub fn sql_type(&self) -> Result<SqlType, ServerError> {
        let args: Vec<TypeArg> = self
            .args
            .iter()
            .map(|a| {
                if *a < 0 {
                    TypeArg::Max
                } else {
                    TypeArg::Number(*a)
                }
            })
            .collect();
        SqlType::from_name(&self.name, &args)
    }
}

/// A column of a user table.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ColumnDef {
    /// Name.
    pub name: String,
    /// Type.
    pub ty: StoredType,
    /// NULL allowed.
    pub nullable: bool,
    /// IDENTITY (seed, increment).
    pub identity: Option<(i64, i64)>,
    /// DEFAULT expression text.
    pub default: Option<String>,
}

/// A user table definition.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TableDef {
    /// object_id.
    pub object_id: i32,
    /// Schema.
    pub schema: String,
    /// Name.
    pub name: String,
    /// Columns.
    pub columns: Vec<ColumnDef>,
    /// Primary key column indexes.
    pub primary_key: Vec<usize>,
    /// Next identity value.
    pub next_identity: i64,
    /// Next row id.
    pub next_row: i64,
    /// Creation time (µs since epoch).
    pub create_ts: i64,
    /// Named constraints (for ALTER TABLE … DROP / CHECK CONSTRAINT).
    #[serde(default)]
    pub constraints: Vec<NamedConstraint>,
    /// Indexes (CREATE INDEX and UNIQUE constraints); a unique one is enforced.
    #[serde(default)]
    pub indexes: Vec<IndexDef>,
}

/// An index of a user table.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct IndexDef {
    /// Name.
    pub name: String,
    /// UNIQUE.
    pub unique: bool,
    /// CLUSTERED.
    pub clustered: bool,
    /// Key column names.
    pub columns: Vec<String>,
    /// Made by a UNIQUE constraint (its violations are 2627, not 2601).
    pub constraint: bool,
}

/// A named table constraint.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct NamedConstraint {
    /// Name.
    pub name: String,
    /// sys.objects type: `PK`, `UQ`, `F`, `C` or `D`.
    pub kind: String,
    /// The column of a DEFAULT constraint.
    pub column: Option<String>,
    /// The condition of a CHECK constraint (T-SQL text).
    #[serde(default)]
    pub check: Option<String>,
    /// Turned off by `ALTER TABLE … NOCHECK CONSTRAINT`.
    #[serde(default)]
    pub disabled: bool,
}

impl TableDef {
    /// Column index by name (case-insensitive).
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns
            .iter()
            .position(|c| c.name.eq_ignore_ascii_case(name))
    }

    /// SQL types of all columns.
    pub fn types(&self) -> Result<Vec<SqlType>, ServerError> {
        self.columns.iter().map(|c| c.ty.sql_type()).collect()
    }
}

/// A table kept in memory (table variable or #temp table).
#[derive(Debug, Clone)]
pub struct MemTable {
    /// Definition.
    pub def: TableDef,
    /// Rows by row id.
    pub rows: BTreeMap<i64, Vec<Value>>,
}

impl MemTable {
    /// An empty table.
    pub fn new(def: TableDef) -> Self {
        Self {
            def,
            rows: BTreeMap::new(),
        }
    }
}

/// Key of a table definition object: `schema.name` lowercased.
pub fn table_key(schema: &str, name: &str) -> String {
    format!(
        "{}.{}",
        schema.to_ascii_lowercase(),
        name.to_ascii_lowercase()
    )
}

fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
    out.extend_from_slice(&(b.len() as u32).to_le_bytes());
    out.extend_from_slice(b);
}

/// Encodes a row of values.
pub fn encode_row(vals: &[Value]) -> Vec<u8> {
    let mut out = Vec::with_capacity(16 * vals.len());
    for v in vals {
        match v {
            Value::Null => out.push(0),
            Value::Bit(b) => {
                out.push(1);
                out.push(u8::from(*b));
            }
            Value::TinyInt(x) => {
                out.push(2);
                out.push(*x);
            }
            Value::SmallInt(x) => {
                out.push(3);
                out.extend_from_slice(&x.to_le_bytes());
            }
            Value::Int(x) => {
                out.push(4);
                out.extend_from_slice(&x.to_le_bytes());
            }
            Value::BigInt(x) => {
                out.push(5);
                out.extend_from_slice(&x.to_le_bytes());
            }
            Value::Decimal(d) => {
                out.push(6);
                out.extend_from_slice(&d.mantissa().to_le_bytes());
                out.push(d.precision());
                out.push(d.scale());
            }
            Value::Float(f) => {
                out.push(7);
                out.extend_from_slice(&f.to_le_bytes());
            }
            Value::Real(f) => {
                out.push(8);
                out.extend_from_slice(&f.to_le_bytes());
            }
            Value::VarChar(s) => {
                out.push(9);
                put_bytes(&mut out, s.as_bytes());
            }
            Value::NVarChar(s) => {
                out.push(10);
                put_bytes(&mut out, s.as_bytes());
            }
            Value::Binary(b) => {
                out.push(11);
                put_bytes(&mut out, b);
            }
            Value::Guid(g) => {
                out.push(12);
                out.extend_from_slice(g.as_bytes());
            }
            Value::Xml(s) => {
                out.push(13);
                put_bytes(&mut out, s.as_bytes());
            }
            Value::DateTime(dt) => {
                out.push(14);
                out.extend_from_slice(&dt.and_utc().timestamp_micros().to_le_bytes());
            }
            Value::DateTime2(dt) => {
                out.push(15);
                let nanos = dt.and_utc().timestamp_nanos_opt().unwrap_or(0);
                out.extend_from_slice(&nanos.to_le_bytes());
            }
            Value::Date(d) => {
                out.push(16);
                out.extend_from_slice(&d.num_days_from_ce_compat().to_le_bytes());
            }
            Value::Time(t) => {
                out.push(17);
                let nanos = t
                    .signed_duration_since(NaiveTime::MIN)
                    .num_nanoseconds()
                    .unwrap_or(0);
                out.extend_from_slice(&nanos.to_le_bytes());
            }
        }
    }
    out
}

trait DaysCompat {
    fn num_days_from_ce_compat(&self) -> i32;
}

impl DaysCompat for NaiveDate {
    fn num_days_from_ce_compat(&self) -> i32 {
        use chrono::Datelike;
        self.num_days_from_ce()
    }
}

struct Reader<'a> {
    b: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], ServerError> {
        let s = self.b.get(self.at..self.at + n).ok_or_else(corrupt)?;
        self.at += n;
        Ok(s)
    }
    fn arr<const N: usize>(&mut self) -> Result<[u8; N], ServerError> {
        self.take(N)?.try_into().map_err(|_| corrupt())
    }
    fn bytes(&mut self) -> Result<Vec<u8>, ServerError> {
        let n = u32::from_le_bytes(self.arr::<4>()?) as usize;
        Ok(self.take(n)?.to_vec())
    }
    fn string(&mut self) -> Result<String, ServerError> {
        String::from_utf8(self.bytes()?).map_err(|_| corrupt())
    }
}

fn corrupt() -> ServerError {
    ServerError::new(824, "A stored row could not be decoded.").with_severity(24)
}

/// Decodes a row encoded by [`encode_row`].
pub fn decode_row(b: &[u8]) -> Result<Vec<Value>, ServerError> {
    let mut r = Reader { b, at: 0 };
    let mut out = Vec::new();
    while r.at < b.len() {
        let tag = r.take(1)?.first().copied().unwrap_or(0);
        let v = match tag {
            0 => Value::Null,
            1 => Value::Bit(r.take(1)?.first() == Some(&1)),
            2 => Value::TinyInt(r.take(1)?.first().copied().unwrap_or(0)),
            3 => Value::SmallInt(i16::from_le_bytes(r.arr()?)),
            4 => Value::Int(i32::from_le_bytes(r.arr()?)),
            5 => Value::BigInt(i64::from_le_bytes(r.arr()?)),
            6 => {
                let m = i128::from_le_bytes(r.arr()?);
                let p = r.take(1)?.first().copied().unwrap_or(18);
                let s = r.take(1)?.first().copied().unwrap_or(0);
                Value::Decimal(Decimal::new(m, p, s)?)
            }
            7 => Value::Float(f64::from_le_bytes(r.arr()?)),
            8 => Value::Real(f32::from_le_bytes(r.arr()?)),
            9 => Value::VarChar(r.string()?),
            10 => Value::NVarChar(r.string()?),
            11 => Value::Binary(r.bytes()?),
            12 => Value::Guid(Uuid::from_bytes(r.arr()?)),
            13 => Value::Xml(r.string()?),
            14 => {
                let us = i64::from_le_bytes(r.arr()?);
                Value::DateTime(
                    chrono::DateTime::from_timestamp_micros(us)
                        .ok_or_else(corrupt)?
                        .naive_utc(),
                )
            }
            15 => {
                let ns = i64::from_le_bytes(r.arr()?);
                Value::DateTime2(chrono::DateTime::from_timestamp_nanos(ns).naive_utc())
            }
            16 => {
                let d = i32::from_le_bytes(r.arr()?);
                Value::Date(NaiveDate::from_num_days_from_ce_opt(d).ok_or_else(corrupt)?)
            }
            17 => {
                let ns = i64::from_le_bytes(r.arr()?);
                Value::Time(NaiveTime::MIN + chrono::Duration::nanoseconds(ns))
            }
            _ => return Err(corrupt()),
        };
        out.push(v);
    }
    Ok(out)
}

/// Converts engine microseconds to a `datetime` value.
pub fn ts_to_datetime(ts: i64) -> Value {
    match chrono::DateTime::from_timestamp_micros(ts) {
        Some(dt) => Value::DateTime(sbroker_types::datetime::round_datetime(dt.naive_utc())),
        None => Value::Null,
    }
}

/// `datetime` value for "no timer" / far future.
pub fn datetime_or_sentinel(ts: Option<i64>) -> Value {
    match ts {
        Some(t) if t < i64::MAX / 2 => ts_to_datetime(t),
        Some(_) => Value::DateTime(NaiveDateTime::new(
            NaiveDate::from_ymd_opt(9999, 12, 31).unwrap_or_default(),
            NaiveTime::from_hms_opt(23, 59, 59).unwrap_or_default(),
        )),
        None => Value::DateTime(sbroker_types::datetime::base_datetime()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_round_trip() {
        let row = vec![
            Value::Null,
            Value::Int(-5),
            Value::BigInt(1 << 40),
            Value::NVarChar("héllo".into()),
            Value::VarChar("x".into()),
            Value::Binary(vec![0, 1, 255]),
            Value::Guid(Uuid::new_v4()),
            Value::Bit(true),
            Value::Float(1.5),
            Value::Xml("<a/>".into()),
            Value::Decimal(Decimal::new(1250, 10, 2).expect("dec")),
        ];
        assert_eq!(decode_row(&encode_row(&row)).expect("decode"), row);
    }
}
