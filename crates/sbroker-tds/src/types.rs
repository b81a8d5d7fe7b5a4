//! TYPE_INFO and values [MS-TDS 2.2.5.4–2.2.5.6]: how a column's or parameter's type is
//! described on the wire, and how one value of it is encoded.
//!
//! The server describes every result column with a nullable ("N") variant or a variable-length
//! type; values larger than 8 000 bytes (`max` types and `xml`) travel as PLP chunks
//! [MS-TDS 2.2.5.2.3]. Decoding also accepts the fixed-length types clients use for
//! parameters.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use sbroker_types::encoding::{decode_cp1252, encode_cp1252};
use sbroker_types::{Decimal, SqlType, StrLen, Uuid, Value};

use crate::buf::{Reader, decode_utf16, put_utf16};
use crate::{DEFAULT_COLLATION, Error, Result};

/// Type tokens [MS-TDS 2.2.5.4].
pub mod tag {
    /// NULL type (parameters only).
    pub const NULL: u8 = 0x1F;
    /// tinyint, fixed.
    pub const INT1: u8 = 0x30;
    /// bit, fixed.
    pub const BIT: u8 = 0x32;
    /// smallint, fixed.
    pub const INT2: u8 = 0x34;
    /// int, fixed.
    pub const INT4: u8 = 0x38;
    /// smalldatetime, fixed.
    pub const DATETIM4: u8 = 0x3A;
    /// real, fixed.
    pub const FLT4: u8 = 0x3B;
    /// money, fixed.
    pub const MONEY: u8 = 0x3C;
    /// datetime, fixed.
    pub const DATETIME: u8 = 0x3D;
    /// float, fixed.
    pub const FLT8: u8 = 0x3E;
    /// smallmoney, fixed.
    pub const MONEY4: u8 = 0x7A;
    /// bigint, fixed.
    pub const INT8: u8 = 0x7F;
    /// uniqueidentifier.
    pub const GUID: u8 = 0x24;
    /// Integers of 1, 2, 4 or 8 bytes, nullable.
    pub const INTN: u8 = 0x26;
    /// decimal, nullable.
    pub const DECIMALN: u8 = 0x6A;
    /// numeric, nullable.
    pub const NUMERICN: u8 = 0x6C;
    /// bit, nullable.
    pub const BITN: u8 = 0x68;
    /// float / real, nullable.
    pub const FLTN: u8 = 0x6D;
    /// money / smallmoney, nullable.
    pub const MONEYN: u8 = 0x6E;
    /// datetime / smalldatetime, nullable.
    pub const DATETIMN: u8 = 0x6F;
    /// date.
    pub const DATEN: u8 = 0x28;
    /// time(n).
    pub const TIMEN: u8 = 0x29;
    /// datetime2(n).
    pub const DATETIME2N: u8 = 0x2A;
    /// datetimeoffset(n).
    pub const DATETIMEOFFSETN: u8 = 0x2B;
    /// varbinary.
    pub const BIGVARBIN: u8 = 0xA5;
    /// varchar.
    pub const BIGVARCHR: u8 = 0xA7;
    /// binary.
    pub const BIGBINARY: u8 = 0xAD;
    /// char.
    pub const BIGCHAR: u8 = 0xAF;
    /// nvarchar.
    pub const NVARCHAR: u8 = 0xE7;
    /// nchar.
    pub const NCHAR: u8 = 0xEF;
    /// xml.
    pub const XML: u8 = 0xF1;
}

/// The length value that marks a `max` type (its values travel as PLP).
pub const MAX_LEN: u32 = 0xFFFF;
/// PLP total length of a NULL.
const PLP_NULL: u64 = u64::MAX;
/// PLP total length when the sender does not know it up front.
const PLP_UNKNOWN: u64 = u64::MAX - 1;
/// Chunk size used when writing PLP values.
const PLP_CHUNK_BYTES: usize = 8000;

/// A column's or parameter's type on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TypeInfo {
    /// The type token (see [`tag`]).
    pub tag: u8,
    /// Length: bytes of the value for fixed-size N types, maximum bytes for character and
    /// binary types ([`MAX_LEN`] for `max`).
    pub len: u32,
    /// Precision (decimal / numeric).
    pub precision: u8,
    /// Scale (decimal / numeric; fractional digits of time, datetime2).
    pub scale: u8,
    /// Collation of character types.
    pub collation: [u8; 5],
}

impl TypeInfo {
    fn new(tag: u8, len: u32) -> Self {
        Self {
            tag,
            len,
            precision: 0,
            scale: 0,
            collation: DEFAULT_COLLATION,
        }
    }

    /// The wire type that carries values of `ty`.
    pub fn of(ty: &SqlType) -> Self {
        let var = |tag: u8, n: &StrLen, unit: u32| match n {
            StrLen::Len(n) => Self::new(tag, (n * unit).min(8000)),
            StrLen::Max => Self::new(tag, MAX_LEN),
        };
        match ty {
            SqlType::Bit => Self::new(tag::BITN, 1),
            SqlType::TinyInt => Self::new(tag::INTN, 1),
            SqlType::SmallInt => Self::new(tag::INTN, 2),
            SqlType::Int => Self::new(tag::INTN, 4),
            SqlType::BigInt => Self::new(tag::INTN, 8),
            SqlType::Decimal { precision, scale } | SqlType::Numeric { precision, scale } => {
                let t = if matches!(ty, SqlType::Numeric { .. }) {
                    tag::NUMERICN
                } else {
                    tag::DECIMALN
                };
                Self {
                    precision: *precision,
                    scale: *scale,
                    ..Self::new(t, u32::from(decimal_len(*precision)))
                }
            }
            SqlType::Float => Self::new(tag::FLTN, 8),
            SqlType::Real => Self::new(tag::FLTN, 4),
            SqlType::Money => Self::new(tag::MONEYN, 8),
            SqlType::Char(n) => Self::new(tag::BIGCHAR, (*n).clamp(1, 8000)),
            SqlType::VarChar(n) => var(tag::BIGVARCHR, n, 1),
            SqlType::NChar(n) => Self::new(tag::NCHAR, (n * 2).clamp(2, 8000)),
            SqlType::NVarChar(n) => var(tag::NVARCHAR, n, 2),
            SqlType::Sysname => Self::new(tag::NVARCHAR, 256),
            SqlType::Binary(n) => Self::new(tag::BIGBINARY, (*n).clamp(1, 8000)),
            SqlType::VarBinary(n) => var(tag::BIGVARBIN, n, 1),
            SqlType::UniqueIdentifier => Self::new(tag::GUID, 16),
            SqlType::Xml => Self::new(tag::XML, MAX_LEN),
            SqlType::Date => Self::new(tag::DATEN, 3),
            SqlType::Time => Self {
                scale: 7,
                ..Self::new(tag::TIMEN, 5)
            },
            SqlType::DateTime => Self::new(tag::DATETIMN, 8),
            SqlType::SmallDateTime => Self::new(tag::DATETIMN, 4),
            SqlType::DateTime2(s) => Self {
                scale: (*s).min(7),
                ..Self::new(tag::DATETIME2N, u32::from(time_len((*s).min(7))) + 3)
            },
        }
    }

    /// The SQL type this wire type carries.
    pub fn sql_type(&self) -> SqlType {
        let var = |unit: u32| {
            if self.len == MAX_LEN {
                StrLen::Max
            } else {
                StrLen::Len((self.len / unit).max(1))
            }
        };
        match self.tag {
            tag::BIT | tag::BITN => SqlType::Bit,
            tag::INT1 => SqlType::TinyInt,
            tag::INT2 => SqlType::SmallInt,
            tag::INT4 => SqlType::Int,
            tag::INT8 => SqlType::BigInt,
            tag::INTN => match self.len {
                1 => SqlType::TinyInt,
                2 => SqlType::SmallInt,
                4 => SqlType::Int,
                _ => SqlType::BigInt,
            },
            tag::DECIMALN => SqlType::Decimal {
                precision: self.precision,
                scale: self.scale,
            },
            tag::NUMERICN => SqlType::Numeric {
                precision: self.precision,
                scale: self.scale,
            },
            tag::FLT4 => SqlType::Real,
            tag::FLT8 => SqlType::Float,
            tag::FLTN if self.len == 4 => SqlType::Real,
            tag::FLTN => SqlType::Float,
            tag::MONEY | tag::MONEY4 | tag::MONEYN => SqlType::Money,
            tag::DATETIME => SqlType::DateTime,
            tag::DATETIM4 => SqlType::SmallDateTime,
            tag::DATETIMN if self.len == 4 => SqlType::SmallDateTime,
            tag::DATETIMN => SqlType::DateTime,
            tag::GUID => SqlType::UniqueIdentifier,
            tag::DATEN => SqlType::Date,
            tag::TIMEN => SqlType::Time,
            tag::DATETIME2N | tag::DATETIMEOFFSETN => SqlType::DateTime2(self.scale),
            tag::BIGVARBIN => SqlType::VarBinary(var(1)),
            tag::BIGBINARY => SqlType::Binary(self.len.max(1)),
            tag::BIGVARCHR => SqlType::VarChar(var(1)),
            tag::BIGCHAR => SqlType::Char(self.len.max(1)),
            tag::NVARCHAR => SqlType::NVarChar(var(2)),
            tag::NCHAR => SqlType::NChar((self.len / 2).max(1)),
            tag::XML => SqlType::Xml,
            // NULL-typed parameters: any type will do.
            _ => SqlType::Int,
        }
    }

    /// True when values travel as PLP chunks.
    pub fn is_plp(&self) -> bool {
        self.tag == tag::XML
            || (self.len == MAX_LEN
                && matches!(self.tag, tag::BIGVARBIN | tag::BIGVARCHR | tag::NVARCHAR))
    }

    /// Reads a TYPE_INFO.
    pub fn decode(r: &mut Reader<'_>) -> Result<Self> {
        let t = r.u8("type token")?;
        let mut ti = Self::new(t, 0);
        match t {
            tag::NULL => {}
            tag::INT1 | tag::BIT => ti.len = 1,
            tag::INT2 => ti.len = 2,
            tag::INT4 | tag::DATETIM4 | tag::FLT4 | tag::MONEY4 => ti.len = 4,
            tag::MONEY | tag::DATETIME | tag::FLT8 | tag::INT8 => ti.len = 8,
            tag::GUID | tag::INTN | tag::BITN | tag::FLTN | tag::MONEYN | tag::DATETIMN => {
                ti.len = u32::from(r.u8("type length")?);
            }
            tag::DECIMALN | tag::NUMERICN => {
                ti.len = u32::from(r.u8("decimal length")?);
                ti.precision = r.u8("decimal precision")?;
                ti.scale = r.u8("decimal scale")?;
                if ti.precision == 0 || ti.precision > 38 || ti.scale > ti.precision {
                    return Err(Error::Malformed(format!(
                        "decimal({}, {})",
                        ti.precision, ti.scale
                    )));
                }
            }
            tag::DATEN => ti.len = 3,
            tag::TIMEN | tag::DATETIME2N | tag::DATETIMEOFFSETN => {
                ti.scale = r.u8("time scale")?;
                if ti.scale > 7 {
                    return Err(Error::Malformed(format!("time scale {}", ti.scale)));
                }
                ti.len = u32::from(time_len(ti.scale))
                    + match t {
                        tag::DATETIME2N => 3,
                        tag::DATETIMEOFFSETN => 5,
                        _ => 0,
                    };
            }
            tag::BIGVARBIN | tag::BIGBINARY => ti.len = u32::from(r.u16_le("binary length")?),
            tag::BIGVARCHR | tag::BIGCHAR | tag::NVARCHAR | tag::NCHAR => {
                ti.len = u32::from(r.u16_le("char length")?);
                let c = r.take(5, "collation")?;
                ti.collation.copy_from_slice(c);
            }
            tag::XML => {
                ti.len = MAX_LEN;
                if r.u8("xml schema present")? != 0 {
                    // A typed xml parameter: database, owning schema, collection name.
                    r.b_varchar("xml db")?;
                    r.b_varchar("xml schema")?;
                    r.us_varchar("xml collection")?;
                }
            }
            other => {
                return Err(Error::Unsupported(format!("data type 0x{other:02X}")));
            }
        }
        Ok(ti)
    }

    /// Writes this TYPE_INFO.
    pub fn encode(&self, out: &mut Vec<u8>) {
        out.push(self.tag);
        match self.tag {
            tag::GUID | tag::INTN | tag::BITN | tag::FLTN | tag::MONEYN | tag::DATETIMN => {
                out.push(u8::try_from(self.len).unwrap_or(8));
            }
            tag::DECIMALN | tag::NUMERICN => {
                out.push(u8::try_from(self.len).unwrap_or(17));
                out.push(self.precision);
                out.push(self.scale);
            }
            tag::TIMEN | tag::DATETIME2N | tag::DATETIMEOFFSETN => out.push(self.scale),
            tag::BIGVARBIN | tag::BIGBINARY => {
                out.extend_from_slice(&u16::try_from(self.len).unwrap_or(0xFFFF).to_le_bytes());
            }
            tag::BIGVARCHR | tag::BIGCHAR | tag::NVARCHAR | tag::NCHAR => {
                out.extend_from_slice(&u16::try_from(self.len).unwrap_or(0xFFFF).to_le_bytes());
                out.extend_from_slice(&self.collation);
            }
            tag::XML => out.push(0),
            _ => {}
        }
    }
}

/// Value bytes of decimal(p): sign byte plus 4, 8, 12 or 16 bytes of magnitude.
fn decimal_len(precision: u8) -> u8 {
    match precision {
        0..=9 => 5,
        10..=19 => 9,
        20..=28 => 13,
        _ => 17,
    }
}

/// Bytes of a time value at `scale` fractional digits.
fn time_len(scale: u8) -> u8 {
    match scale {
        0..=2 => 3,
        3..=4 => 4,
        _ => 5,
    }
}

fn date_base() -> NaiveDate {
    NaiveDate::from_ymd_opt(1, 1, 1).unwrap_or(NaiveDate::MIN)
}

fn base_1900() -> NaiveDate {
    NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(NaiveDate::MIN)
}

/// Reads one value of type `ti`. Values over `bytes_max` are refused before they are
/// allocated.
pub fn read_value(r: &mut Reader<'_>, ti: &TypeInfo, bytes_max: usize) -> Result<Value> {
    if ti.is_plp() {
        let Some(bytes) = read_plp(r, bytes_max)? else {
            return Ok(Value::Null);
        };
        return Ok(bytes_to_value(ti, bytes));
    }
    let len = match ti.tag {
        tag::NULL => return Ok(Value::Null),
        tag::INT1 | tag::BIT | tag::INT2 | tag::INT4 | tag::DATETIM4 | tag::FLT4 => ti.len as usize,
        tag::MONEY4 | tag::MONEY | tag::DATETIME | tag::FLT8 | tag::INT8 => ti.len as usize,
        tag::BIGVARBIN
        | tag::BIGBINARY
        | tag::BIGVARCHR
        | tag::BIGCHAR
        | tag::NVARCHAR
        | tag::NCHAR => {
            let n = r.u16_le("value length")?;
            if n == 0xFFFF {
                return Ok(Value::Null);
            }
            usize::from(n)
        }
        _ => {
            let n = r.u8("value length")?;
            if n == 0 {
                return Ok(Value::Null);
            }
            usize::from(n)
        }
    };
    let bytes = r.take(len, "value")?;
    let mut v = Reader::new(bytes);
    let bad = || Error::Malformed(format!("value of {len} bytes for type 0x{:02X}", ti.tag));
    Ok(match ti.tag {
        tag::BIT | tag::BITN => Value::Bit(v.u8("bit")? != 0),
        tag::INT1 | tag::INT2 | tag::INT4 | tag::INT8 | tag::INTN => match len {
            1 => Value::TinyInt(v.u8("int")?),
            2 => Value::SmallInt(v.u16_le("int")? as i16),
            4 => Value::Int(v.i32_le("int")?),
            8 => Value::BigInt(v.u64_le("int")? as i64),
            _ => return Err(bad()),
        },
        tag::FLT4 | tag::FLT8 | tag::FLTN => match len {
            4 => Value::Real(f32::from_bits(v.u32_le("real")?)),
            8 => Value::Float(f64::from_bits(v.u64_le("float")?)),
            _ => return Err(bad()),
        },
        tag::MONEY | tag::MONEY4 | tag::MONEYN => {
            let units = match len {
                4 => i64::from(v.i32_le("smallmoney")?),
                8 => {
                    let hi = i64::from(v.i32_le("money")?);
                    let lo = i64::from(v.u32_le("money")?);
                    (hi << 32) | lo
                }
                _ => return Err(bad()),
            };
            Value::Decimal(
                Decimal::new(i128::from(units), 19, 4).map_err(|e| Error::Malformed(e.message))?,
            )
        }
        tag::DATETIME | tag::DATETIM4 | tag::DATETIMN => match len {
            4 => {
                let days = i64::from(v.u16_le("smalldatetime")?);
                let mins = i64::from(v.u16_le("smalldatetime")?);
                let dt = base_1900().and_time(NaiveTime::MIN)
                    + Duration::days(days)
                    + Duration::minutes(mins);
                Value::DateTime(dt)
            }
            8 => {
                let days = i64::from(v.i32_le("datetime")?);
                let ticks = i64::from(v.u32_le("datetime")?);
                let ms = (ticks * 10 + 1) / 3;
                let dt = base_1900()
                    .and_time(NaiveTime::MIN)
                    .checked_add_signed(Duration::days(days))
                    .and_then(|d| d.checked_add_signed(Duration::milliseconds(ms)))
                    .ok_or_else(bad)?;
                Value::DateTime(dt)
            }
            _ => return Err(bad()),
        },
        tag::DECIMALN | tag::NUMERICN => {
            if !(2..=17).contains(&len) {
                return Err(bad());
            }
            let sign = v.u8("decimal sign")?;
            let mut mag = [0u8; 16];
            let body = v.take(len - 1, "decimal")?;
            mag.get_mut(..body.len())
                .ok_or_else(bad)?
                .copy_from_slice(body);
            let m = i128::try_from(u128::from_le_bytes(mag)).map_err(|_| bad())?;
            let m = if sign == 0 { -m } else { m };
            Value::Decimal(
                Decimal::new(m, ti.precision, ti.scale).map_err(|e| Error::Malformed(e.message))?,
            )
        }
        tag::GUID => {
            let b = v.take(16, "guid")?;
            let mut a = [0u8; 16];
            a.copy_from_slice(b);
            Value::Guid(Uuid::from_bytes_le(a))
        }
        tag::DATEN => Value::Date(read_date(&mut v)?),
        tag::TIMEN => Value::Time(read_time(&mut v, ti.scale, len)?),
        tag::DATETIME2N | tag::DATETIMEOFFSETN => {
            let tlen = usize::from(time_len(ti.scale));
            let time = read_time(&mut v, ti.scale, tlen)?;
            let date = read_date(&mut v)?;
            let mut dt = date.and_time(time);
            if ti.tag == tag::DATETIMEOFFSETN {
                // The stored date and time are UTC; the offset only says how to show them.
                let _offset = v.u16_le("offset")?;
            }
            dt = NaiveDateTime::new(dt.date(), dt.time());
            Value::DateTime2(dt)
        }
        _ => bytes_to_value(ti, bytes.to_vec()),
    })
}

fn bytes_to_value(ti: &TypeInfo, bytes: Vec<u8>) -> Value {
    match ti.tag {
        tag::BIGVARCHR | tag::BIGCHAR => Value::VarChar(decode_cp1252(&bytes)),
        tag::NVARCHAR | tag::NCHAR => Value::NVarChar(decode_utf16(&bytes)),
        tag::XML => {
            let mut s = decode_utf16(&bytes);
            if s.starts_with('\u{FEFF}') {
                s.remove(0);
            }
            Value::Xml(s)
        }
        _ => Value::Binary(bytes),
    }
}

fn read_date(v: &mut Reader<'_>) -> Result<NaiveDate> {
    let b = v.take(3, "date")?;
    let days = i64::from(u32::from_le_bytes([b[0], b[1], b[2], 0]));
    date_base()
        .checked_add_signed(Duration::days(days))
        .ok_or_else(|| Error::Malformed("date out of range".into()))
}

fn read_time(v: &mut Reader<'_>, scale: u8, len: usize) -> Result<NaiveTime> {
    let b = v.take(len, "time")?;
    let mut a = [0u8; 8];
    a.get_mut(..b.len())
        .ok_or_else(|| Error::Malformed("time length".into()))?
        .copy_from_slice(b);
    let units = u64::from_le_bytes(a);
    let per_sec = 10u64.pow(u32::from(scale));
    let secs = units / per_sec;
    let nanos = (units % per_sec) * 10u64.pow(9 - u32::from(scale));
    NaiveTime::from_num_seconds_from_midnight_opt(
        u32::try_from(secs).unwrap_or(u32::MAX),
        u32::try_from(nanos).unwrap_or(0),
    )
    .ok_or_else(|| Error::Malformed("time out of range".into()))
}

/// Reads a PLP value: `None` for NULL.
fn read_plp(r: &mut Reader<'_>, bytes_max: usize) -> Result<Option<Vec<u8>>> {
    let total = r.u64_le("plp length")?;
    if total == PLP_NULL {
        return Ok(None);
    }
    if total != PLP_UNKNOWN && total > bytes_max as u64 {
        return Err(Error::Malformed(format!(
            "value of {total} bytes is too large"
        )));
    }
    let mut out = Vec::new();
    loop {
        let n = r.u32_le("plp chunk length")? as usize;
        if n == 0 {
            return Ok(Some(out));
        }
        if out.len() + n > bytes_max {
            return Err(Error::Malformed("value too large".into()));
        }
        out.extend_from_slice(r.take(n, "plp chunk")?);
    }
}

fn write_plp(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
    for chunk in bytes.chunks(PLP_CHUNK_BYTES) {
        out.extend_from_slice(&u32::try_from(chunk.len()).unwrap_or(0).to_le_bytes());
        out.extend_from_slice(chunk);
    }
    out.extend_from_slice(&0u32.to_le_bytes());
}

/// The bytes a character or binary value takes on the wire (for sizing columns).
pub fn wire_bytes(ti: &TypeInfo, v: &Value) -> usize {
    match (ti.tag, v) {
        (tag::NVARCHAR | tag::NCHAR, Value::NVarChar(s) | Value::VarChar(s)) => {
            s.encode_utf16().count() * 2
        }
        (tag::BIGVARCHR | tag::BIGCHAR, Value::NVarChar(s) | Value::VarChar(s)) => {
            s.chars().count()
        }
        (tag::BIGVARBIN | tag::BIGBINARY, Value::Binary(b)) => b.len(),
        _ => 0,
    }
}

/// Writes `v` as a value of type `ti`. The value must already be of the SQL type
/// `ti.sql_type()` (or NULL); anything else is an error, not a silent conversion.
pub fn write_value(out: &mut Vec<u8>, ti: &TypeInfo, v: &Value) -> Result<()> {
    if ti.is_plp() {
        let bytes = match v {
            Value::Null => {
                out.extend_from_slice(&PLP_NULL.to_le_bytes());
                return Ok(());
            }
            Value::NVarChar(s) | Value::Xml(s) if ti.tag != tag::BIGVARCHR => {
                let mut b = Vec::with_capacity(s.len() * 2);
                put_utf16(&mut b, s);
                b
            }
            Value::VarChar(s) | Value::NVarChar(s) if ti.tag == tag::BIGVARCHR => encode_cp1252(s),
            Value::Binary(b) if ti.tag == tag::BIGVARBIN => b.clone(),
            other => return Err(mismatch(ti, other)),
        };
        write_plp(out, &bytes);
        return Ok(());
    }
    let short_len = matches!(
        ti.tag,
        tag::BIGVARBIN
            | tag::BIGBINARY
            | tag::BIGVARCHR
            | tag::BIGCHAR
            | tag::NVARCHAR
            | tag::NCHAR
    );
    if matches!(v, Value::Null) {
        if short_len {
            out.extend_from_slice(&0xFFFFu16.to_le_bytes());
        } else {
            out.push(0);
        }
        return Ok(());
    }
    let mut body = Vec::with_capacity(16);
    match (ti.tag, v) {
        (tag::BITN, Value::Bit(b)) => body.push(u8::from(*b)),
        (tag::INTN, Value::TinyInt(i)) if ti.len == 1 => body.push(*i),
        (tag::INTN, Value::SmallInt(i)) if ti.len == 2 => body.extend_from_slice(&i.to_le_bytes()),
        (tag::INTN, Value::Int(i)) if ti.len == 4 => body.extend_from_slice(&i.to_le_bytes()),
        (tag::INTN, Value::BigInt(i)) if ti.len == 8 => body.extend_from_slice(&i.to_le_bytes()),
        (tag::FLTN, Value::Real(f)) if ti.len == 4 => body.extend_from_slice(&f.to_le_bytes()),
        (tag::FLTN, Value::Float(f)) if ti.len == 8 => body.extend_from_slice(&f.to_le_bytes()),
        (tag::MONEYN, Value::Decimal(d)) => {
            let units = d
                .rescale(19, 4)
                .map_err(|e| Error::Malformed(e.message))?
                .mantissa();
            let units = i64::try_from(units).map_err(|_| mismatch(ti, v))?;
            body.extend_from_slice(&((units >> 32) as i32).to_le_bytes());
            body.extend_from_slice(&(units as u32).to_le_bytes());
        }
        (tag::DECIMALN | tag::NUMERICN, Value::Decimal(d)) => {
            let d = d
                .rescale(ti.precision, ti.scale)
                .map_err(|e| Error::Malformed(e.message))?;
            let m = d.mantissa();
            body.push(u8::from(m >= 0));
            let mag = m.unsigned_abs().to_le_bytes();
            let n = usize::from(decimal_len(ti.precision)) - 1;
            body.extend_from_slice(mag.get(..n).unwrap_or(&mag));
        }
        (tag::GUID, Value::Guid(g)) => body.extend_from_slice(&g.to_bytes_le()),
        (tag::DATETIMN, Value::DateTime(dt)) if ti.len == 8 => {
            let days = (dt.date() - base_1900()).num_days();
            let t = dt.time();
            let ticks = i64::from(t.num_seconds_from_midnight()) * 300
                + (i64::from(t.nanosecond()) * 300 + 500_000_000) / 1_000_000_000;
            body.extend_from_slice(&i32::try_from(days).unwrap_or(0).to_le_bytes());
            body.extend_from_slice(&u32::try_from(ticks).unwrap_or(0).to_le_bytes());
        }
        (tag::DATETIMN, Value::DateTime(dt)) if ti.len == 4 => {
            let days = (dt.date() - base_1900()).num_days();
            let mins = dt.time().num_seconds_from_midnight() / 60;
            body.extend_from_slice(&u16::try_from(days).unwrap_or(0).to_le_bytes());
            body.extend_from_slice(&u16::try_from(mins).unwrap_or(0).to_le_bytes());
        }
        (tag::DATEN, Value::Date(d)) => put_date(&mut body, *d),
        (tag::TIMEN, Value::Time(t)) => put_time(&mut body, *t, ti.scale),
        (tag::DATETIME2N, Value::DateTime2(dt) | Value::DateTime(dt)) => {
            put_time(&mut body, dt.time(), ti.scale);
            put_date(&mut body, dt.date());
        }
        (tag::NVARCHAR | tag::NCHAR, Value::NVarChar(s) | Value::VarChar(s)) => {
            put_utf16(&mut body, s);
        }
        (tag::BIGVARCHR | tag::BIGCHAR, Value::VarChar(s) | Value::NVarChar(s)) => {
            body = encode_cp1252(s);
        }
        (tag::BIGVARBIN | tag::BIGBINARY, Value::Binary(b)) => body.clone_from(b),
        _ => return Err(mismatch(ti, v)),
    }
    if short_len {
        if body.len() > 8000 {
            return Err(Error::Malformed(format!(
                "a value of {} bytes in a column of at most 8000",
                body.len()
            )));
        }
        out.extend_from_slice(&u16::try_from(body.len()).unwrap_or(0).to_le_bytes());
    } else {
        out.push(u8::try_from(body.len()).unwrap_or(0));
    }
    out.extend_from_slice(&body);
    Ok(())
}

fn mismatch(ti: &TypeInfo, v: &Value) -> Error {
    Error::Malformed(format!(
        "a {} value in a {} column",
        v.sql_type().json_type_name(),
        ti.sql_type().json_type_name()
    ))
}

fn put_date(out: &mut Vec<u8>, d: NaiveDate) {
    let days = u32::try_from(d.num_days_from_ce() - 1).unwrap_or(0);
    out.extend_from_slice(days.to_le_bytes().get(..3).unwrap_or_default());
}

fn put_time(out: &mut Vec<u8>, t: NaiveTime, scale: u8) {
    let scale = scale.min(7);
    let nanos = u64::from(t.num_seconds_from_midnight()) * 1_000_000_000
        + u64::from(t.nanosecond().min(999_999_999));
    let units = nanos / 10u64.pow(9 - u32::from(scale));
    let n = usize::from(time_len(scale));
    out.extend_from_slice(units.to_le_bytes().get(..n).unwrap_or_default());
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn round_trip(ty: SqlType, v: Value) {
        let ti = TypeInfo::of(&ty);
        let mut bytes = Vec::new();
        ti.encode(&mut bytes);
        write_value(&mut bytes, &ti, &v).unwrap();
        let mut r = Reader::new(&bytes);
        let back_ti = TypeInfo::decode(&mut r).unwrap();
        assert_eq!(back_ti, ti);
        let back = read_value(&mut r, &back_ti, 1 << 24).unwrap();
        assert!(r.is_empty(), "{ty:?}: {} bytes left", r.remaining());
        assert_eq!(back, v, "{ty:?}");
        assert_eq!(back_ti.sql_type().json_type_name(), ty.json_type_name());
    }

    fn dt(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f").unwrap()
    }

    #[test]
    fn every_result_type_round_trips() {
        round_trip(SqlType::Bit, Value::Bit(true));
        round_trip(SqlType::TinyInt, Value::TinyInt(200));
        round_trip(SqlType::SmallInt, Value::SmallInt(-3));
        round_trip(SqlType::Int, Value::Int(-123_456));
        round_trip(SqlType::BigInt, Value::BigInt(i64::MIN + 1));
        let d = Decimal::parse("-12345.678")
            .unwrap()
            .rescale(18, 3)
            .unwrap();
        round_trip(
            SqlType::Decimal {
                precision: 18,
                scale: 3,
            },
            Value::Decimal(d),
        );
        let big = Decimal::parse("12345678901234567890123456789.123456789")
            .unwrap()
            .rescale(38, 9)
            .unwrap();
        round_trip(
            SqlType::Numeric {
                precision: 38,
                scale: 9,
            },
            Value::Decimal(big),
        );
        round_trip(SqlType::Float, Value::Float(1.5e300));
        round_trip(SqlType::Real, Value::Real(-2.25));
        let money = Decimal::parse("-922337203685477.5808").unwrap();
        round_trip(SqlType::Money, Value::Decimal(money));
        round_trip(
            SqlType::NVarChar(StrLen::Len(20)),
            Value::NVarChar("héllo 😀".into()),
        );
        round_trip(
            SqlType::NVarChar(StrLen::Max),
            Value::NVarChar("x".repeat(20_000)),
        );
        round_trip(
            SqlType::VarChar(StrLen::Len(10)),
            Value::VarChar("café".into()),
        );
        round_trip(
            SqlType::VarChar(StrLen::Max),
            Value::VarChar("€".repeat(9000)),
        );
        round_trip(SqlType::NChar(2), Value::NVarChar("X ".into()));
        round_trip(SqlType::Char(3), Value::VarChar("ab ".into()));
        round_trip(SqlType::Sysname, Value::NVarChar("dbo".into()));
        round_trip(
            SqlType::VarBinary(StrLen::Max),
            Value::Binary(vec![7; 100_000]),
        );
        round_trip(SqlType::VarBinary(StrLen::Len(4)), Value::Binary(vec![]));
        round_trip(SqlType::Binary(6), Value::Binary(vec![1, 2, 3, 4, 5, 6]));
        round_trip(SqlType::UniqueIdentifier, Value::Guid(Uuid::new_v4()));
        round_trip(SqlType::Xml, Value::Xml("<a b=\"1\">ü</a>".into()));
        round_trip(
            SqlType::Date,
            Value::Date(NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()),
        );
        round_trip(
            SqlType::Time,
            Value::Time(NaiveTime::from_hms_nano_opt(23, 59, 59, 999_999_900).unwrap()),
        );
        round_trip(
            SqlType::DateTime,
            Value::DateTime(dt("2026-11-22 10:11:12.997")),
        );
        round_trip(
            SqlType::SmallDateTime,
            Value::DateTime(dt("2026-11-22 10:11:00")),
        );
        round_trip(
            SqlType::DateTime2(7),
            Value::DateTime2(dt("0001-01-01 00:00:00.1234567")),
        );
        round_trip(
            SqlType::DateTime2(3),
            Value::DateTime2(dt("9999-12-31 23:59:59.999")),
        );
        for ty in [
            SqlType::Int,
            SqlType::NVarChar(StrLen::Max),
            SqlType::NVarChar(StrLen::Len(5)),
            SqlType::Xml,
            SqlType::Decimal {
                precision: 5,
                scale: 2,
            },
            SqlType::Date,
            SqlType::DateTime2(7),
        ] {
            round_trip(ty, Value::Null);
        }
    }

    /// The GUID byte order on the wire: the first three groups little-endian
    /// [MS-TDS 2.2.5.5.1.5 / SQL Server's uniqueidentifier storage].
    #[test]
    fn guid_bytes_are_mixed_endian() {
        let g = Uuid::parse_str("00112233-4455-6677-8899-AABBCCDDEEFF").unwrap();
        let mut out = Vec::new();
        write_value(
            &mut out,
            &TypeInfo::of(&SqlType::UniqueIdentifier),
            &Value::Guid(g),
        )
        .unwrap();
        assert_eq!(
            out,
            [
                16, 0x33, 0x22, 0x11, 0x00, 0x55, 0x44, 0x77, 0x66, 0x88, 0x99, 0xAA, 0xBB, 0xCC,
                0xDD, 0xEE, 0xFF
            ]
        );
    }

    #[test]
    fn a_mismatched_value_is_an_error() {
        let mut out = Vec::new();
        let ti = TypeInfo::of(&SqlType::Int);
        assert!(write_value(&mut out, &ti, &Value::NVarChar("x".into())).is_err());
    }

    proptest! {
        #[test]
        fn decoding_garbage_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            let mut r = Reader::new(&bytes);
            if let Ok(ti) = TypeInfo::decode(&mut r) {
                let _ = read_value(&mut r, &ti, 1 << 16);
            }
        }

        #[test]
        fn strings_round_trip(s in "\\PC{0,300}") {
            round_trip(SqlType::NVarChar(StrLen::Max), Value::NVarChar(s.clone()));
        }

        #[test]
        fn ints_round_trip(i in any::<i64>()) {
            round_trip(SqlType::BigInt, Value::BigInt(i));
        }
    }
}
