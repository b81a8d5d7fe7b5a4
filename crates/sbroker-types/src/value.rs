//! `Value`: one SQL value as the interpreter computes with it, plus output formatting
//! (JSON, sqlcmd-like text) and the message-body conversion.
//!
//! Conversions live in [`crate::convert`], comparison and arithmetic in [`crate::ops`].

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use uuid::Uuid;

use crate::datetime::{TemporalKind, iso_json};
use crate::decimal::Decimal;
use crate::encoding::{hex_literal, utf16_len};
use crate::types::{SqlType, StrLen};
use crate::{ServerError, guid_string};

/// A SQL value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `NULL` (untyped).
    Null,
    /// `bit`.
    Bit(bool),
    /// `tinyint`.
    TinyInt(u8),
    /// `smallint`.
    SmallInt(i16),
    /// `int`.
    Int(i32),
    /// `bigint`.
    BigInt(i64),
    /// `decimal`/`numeric`/`money` (money is `decimal(19,4)`).
    Decimal(Decimal),
    /// `float`.
    Float(f64),
    /// `real`.
    Real(f32),
    /// `varchar`/`char`: single-byte (Windows-1252) semantics; holds only representable chars
    /// once it went through a conversion.
    VarChar(String),
    /// `nvarchar`/`nchar`/`sysname`.
    NVarChar(String),
    /// `varbinary`/`binary`.
    Binary(Vec<u8>),
    /// `uniqueidentifier`.
    Guid(Uuid),
    /// `xml`: the text without its XML declaration.
    Xml(String),
    /// `datetime` (and `smalldatetime`), already rounded to 1/300 s.
    DateTime(NaiveDateTime),
    /// `datetime2`.
    DateTime2(NaiveDateTime),
    /// `date`.
    Date(NaiveDate),
    /// `time`.
    Time(NaiveTime),
}

fn var_len(n: usize, max: usize) -> StrLen {
    if n > max {
        StrLen::Max
    } else {
        StrLen::Len(n.max(1) as u32)
    }
}

impl Value {
    /// True for `NULL`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The natural type of the value (`NULL` reports `int`, as an untyped NULL literal does).
    pub fn sql_type(&self) -> SqlType {
        match self {
            Value::Null | Value::Int(_) => SqlType::Int,
            Value::Bit(_) => SqlType::Bit,
            Value::TinyInt(_) => SqlType::TinyInt,
            Value::SmallInt(_) => SqlType::SmallInt,
            Value::BigInt(_) => SqlType::BigInt,
            Value::Decimal(d) => SqlType::Decimal {
                precision: d.precision(),
                scale: d.scale(),
            },
            Value::Float(_) => SqlType::Float,
            Value::Real(_) => SqlType::Real,
            Value::VarChar(s) => SqlType::VarChar(var_len(s.chars().count(), 8000)),
            Value::NVarChar(s) => SqlType::NVarChar(var_len(utf16_len(s), 4000)),
            Value::Binary(b) => SqlType::VarBinary(var_len(b.len(), 8000)),
            Value::Guid(_) => SqlType::UniqueIdentifier,
            Value::Xml(_) => SqlType::Xml,
            Value::DateTime(_) => SqlType::DateTime,
            Value::DateTime2(_) => SqlType::DateTime2(7),
            Value::Date(_) => SqlType::Date,
            Value::Time(_) => SqlType::Time,
        }
    }

    /// Lowercase base type name (`int`, `nvarchar`, `varbinary`, …) for messages.
    pub fn type_name(&self) -> &'static str {
        self.sql_type().json_type_name()
    }

    /// The value for JSON output: NULL → null, integers → numbers, bit → bool, guid →
    /// uppercase string, binary → `"0x…"`, strings/xml → string, temporal → ISO-8601 string,
    /// decimal → string keeping its scale, float/real → number.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match self {
            Value::Null => J::Null,
            Value::Bit(b) => J::Bool(*b),
            Value::TinyInt(v) => J::from(*v),
            Value::SmallInt(v) => J::from(*v),
            Value::Int(v) => J::from(*v),
            Value::BigInt(v) => J::from(*v),
            Value::Decimal(d) => J::String(d.to_string()),
            Value::Float(f) => serde_json::Number::from_f64(*f)
                .map(J::Number)
                .unwrap_or(J::Null),
            Value::Real(f) => {
                let v: f64 = f.to_string().parse().unwrap_or(*f as f64);
                serde_json::Number::from_f64(v)
                    .map(J::Number)
                    .unwrap_or(J::Null)
            }
            Value::VarChar(s) | Value::NVarChar(s) | Value::Xml(s) => J::String(s.clone()),
            Value::Binary(b) => J::String(hex_literal(b)),
            Value::Guid(g) => J::String(guid_string(g)),
            Value::DateTime(dt) => J::String(iso_json(dt, TemporalKind::DateTime)),
            Value::DateTime2(dt) => J::String(iso_json(dt, TemporalKind::DateTime2(7))),
            Value::Date(d) => J::String(d.format("%Y-%m-%d").to_string()),
            Value::Time(t) => J::String(iso_json(
                &NaiveDate::default().and_time(*t),
                TemporalKind::Time,
            )),
        }
    }

    /// Text for table output as sqlcmd shows it: `NULL`, `1`/`0` for bit, `0x…` for binary,
    /// `2026-11-21 15:04:05.123` for datetime, uppercase GUIDs.
    pub fn to_display_string(&self) -> String {
        match self {
            Value::Null => "NULL".to_string(),
            Value::Bit(b) => if *b { "1" } else { "0" }.to_string(),
            Value::TinyInt(v) => v.to_string(),
            Value::SmallInt(v) => v.to_string(),
            Value::Int(v) => v.to_string(),
            Value::BigInt(v) => v.to_string(),
            Value::Decimal(d) => d.to_string(),
            Value::Float(f) => display_float(*f),
            Value::Real(f) => {
                let v: f64 = f.to_string().parse().unwrap_or(*f as f64);
                display_float(v)
            }
            Value::VarChar(s) | Value::NVarChar(s) | Value::Xml(s) => s.clone(),
            Value::Binary(b) => hex_literal(b),
            Value::Guid(g) => guid_string(g),
            Value::DateTime(dt) => dt.format("%Y-%m-%d %H:%M:%S%.3f").to_string(),
            Value::DateTime2(dt) => iso_json(dt, TemporalKind::DateTime2(7)).replace('T', " "),
            Value::Date(d) => d.format("%Y-%m-%d").to_string(),
            Value::Time(t) => iso_json(&NaiveDate::default().and_time(*t), TemporalKind::Time),
        }
    }

    /// Implicit conversion to `varbinary(max)` for a Service Broker message body: NULL → `None`,
    /// nvarchar → UTF-16LE, varchar → single-byte, xml → `FF FE` + UTF-16LE, binary as is,
    /// int → 4 bytes big-endian (other numbers their SQL Server binary form), guid → 16 bytes.
    pub fn to_bytes_for_body(&self) -> Result<Option<Vec<u8>>, ServerError> {
        match crate::convert::convert(self, &SqlType::VarBinary(StrLen::Max), None)? {
            Value::Null => Ok(None),
            Value::Binary(b) => Ok(Some(b)),
            other => Err(ServerError::new(
                257,
                format!(
                    "Implicit conversion from data type {} to varbinary(max) is not allowed.",
                    other.type_name()
                ),
            )),
        }
    }
}

/// Float text for display: plain digits for ordinary magnitudes, scientific otherwise.
fn display_float(f: f64) -> String {
    if f == 0.0 {
        return "0".to_string();
    }
    let a = f.abs();
    if (1e-5..1e15).contains(&a) {
        format!("{f}")
    } else {
        format!("{f:e}")
    }
}

/// Formats a float like C's `%g` with `sig` significant digits and a 3-digit exponent,
/// which is what SQL Server's `CAST(float AS varchar)` (style 0) prints: `1.5`, `123456`,
/// `1.23457e+006`, `1e-005`.
pub fn format_float_g(v: f64, sig: usize) -> String {
    if v == 0.0 {
        return "0".to_string();
    }
    let sig = sig.max(1);
    let sci = format!("{:.*e}", sig - 1, v);
    let (mant, exp) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if exp < -4 || exp >= sig as i32 {
        let mant = strip_zeros(mant);
        format!("{mant}e{}{:03}", if exp < 0 { '-' } else { '+' }, exp.abs())
    } else {
        let decimals = (sig as i32 - 1 - exp).max(0) as usize;
        strip_zeros(&format!("{v:.decimals$}"))
    }
}

/// Scientific form with a fixed number of digits after the point (CONVERT styles 1 and 2):
/// `1.2345670e+006`.
pub fn format_float_sci(v: f64, decimals: usize) -> String {
    let sci = format!("{v:.decimals$e}");
    let (mant, exp) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    format!("{mant}e{}{:03}", if exp < 0 { '-' } else { '+' }, exp.abs())
}

fn strip_zeros(s: &str) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn dt(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f").unwrap()
    }

    #[test]
    fn float_g_format() {
        assert_eq!(format_float_g(1.5, 6), "1.5");
        assert_eq!(format_float_g(1234567.0, 6), "1.23457e+006");
        assert_eq!(format_float_g(123456.0, 6), "123456");
        assert_eq!(format_float_g(0.0001, 6), "0.0001");
        assert_eq!(format_float_g(0.00001, 6), "1e-005");
        assert_eq!(format_float_g(-2.0, 6), "-2");
        assert_eq!(format_float_sci(1234567.0, 7), "1.2345670e+006");
    }

    #[test]
    fn json_contract() {
        let g = Uuid::parse_str("6f9619ff-8b86-d011-b42d-00c04fc964ff").unwrap();
        assert_eq!(Value::Null.to_json(), json!(null));
        assert_eq!(Value::Int(5).to_json(), json!(5));
        assert_eq!(Value::TinyInt(5).to_json(), json!(5));
        assert_eq!(Value::BigInt(-5).to_json(), json!(-5));
        assert_eq!(Value::Bit(true).to_json(), json!(true));
        assert_eq!(
            Value::Guid(g).to_json(),
            json!("6F9619FF-8B86-D011-B42D-00C04FC964FF")
        );
        assert_eq!(Value::Binary(vec![]).to_json(), json!("0x"));
        assert_eq!(Value::Binary(vec![0xAB, 0x01]).to_json(), json!("0xAB01"));
        assert_eq!(Value::NVarChar("hé".into()).to_json(), json!("hé"));
        assert_eq!(Value::Xml("<a/>".into()).to_json(), json!("<a/>"));
        assert_eq!(
            Value::DateTime(dt("2026-11-21 15:04:05.123")).to_json(),
            json!("2026-11-21T15:04:05.123")
        );
        assert_eq!(
            Value::DateTime2(dt("2026-11-21 15:04:05.1234567")).to_json(),
            json!("2026-11-21T15:04:05.1234567")
        );
        assert_eq!(
            Value::Date(dt("2026-11-21 00:00:00").date()).to_json(),
            json!("2026-11-21")
        );
        assert_eq!(
            Value::Decimal(Decimal::parse("12.50").unwrap()).to_json(),
            json!("12.50")
        );
        assert_eq!(Value::Float(1.5).to_json(), json!(1.5));
        assert_eq!(Value::Real(0.1).to_json(), json!(0.1));
    }

    #[test]
    fn display_strings() {
        assert_eq!(Value::Null.to_display_string(), "NULL");
        assert_eq!(Value::Bit(true).to_display_string(), "1");
        assert_eq!(Value::Binary(vec![1, 2]).to_display_string(), "0x0102");
        assert_eq!(
            Value::DateTime(dt("2026-11-21 15:04:05.123")).to_display_string(),
            "2026-11-21 15:04:05.123"
        );
        assert_eq!(
            Value::DateTime2(dt("2026-11-21 15:04:05")).to_display_string(),
            "2026-11-21 15:04:05.0000000"
        );
        let g = Uuid::parse_str("6f9619ff-8b86-d011-b42d-00c04fc964ff").unwrap();
        assert_eq!(
            Value::Guid(g).to_display_string(),
            "6F9619FF-8B86-D011-B42D-00C04FC964FF"
        );
        assert_eq!(Value::Float(1.5).to_display_string(), "1.5");
    }

    #[test]
    fn natural_types() {
        assert_eq!(
            Value::NVarChar("abc".into()).sql_type(),
            SqlType::NVarChar(StrLen::Len(3))
        );
        assert_eq!(
            Value::Binary(vec![0; 9000]).sql_type(),
            SqlType::VarBinary(StrLen::Max)
        );
        assert_eq!(
            Value::Decimal(Decimal::parse("1.50").unwrap()).sql_type(),
            SqlType::Decimal {
                precision: 3,
                scale: 2
            }
        );
    }

    #[test]
    fn body_bytes() {
        assert_eq!(Value::Null.to_bytes_for_body().unwrap(), None);
        assert_eq!(
            Value::NVarChar("hi".into()).to_bytes_for_body().unwrap(),
            Some(vec![b'h', 0, b'i', 0])
        );
        assert_eq!(
            Value::VarChar("hé".into()).to_bytes_for_body().unwrap(),
            Some(vec![b'h', 0xE9])
        );
        assert_eq!(
            Value::Xml("<a/>".into()).to_bytes_for_body().unwrap(),
            Some(vec![0xFF, 0xFE, b'<', 0, b'a', 0, b'/', 0, b'>', 0])
        );
        assert_eq!(
            Value::Binary(vec![1, 2, 3]).to_bytes_for_body().unwrap(),
            Some(vec![1, 2, 3])
        );
        assert_eq!(
            Value::Int(1).to_bytes_for_body().unwrap(),
            Some(vec![0, 0, 0, 1])
        );
    }
}
