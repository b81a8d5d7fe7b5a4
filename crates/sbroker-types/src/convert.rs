//! `CAST`/`CONVERT` and implicit (assignment) conversions between SQL values, with SQL
//! Server's rules and error numbers.

use chrono::{Datelike, Duration, NaiveDateTime, NaiveTime, Timelike};
use uuid::Uuid;

use crate::datetime::{
    TemporalKind, base_datetime, datetime_in_range, format_temporal, from_days_f64,
    parse_datetime_str, parse_error, round_for, smalldatetime_in_range, to_days_f64,
};
use crate::decimal::Decimal;
use crate::encoding::{
    decode_cp1252, decode_utf16le, encode_cp1252, encode_utf16le, hex_literal, hex_upper,
    parse_hex, to_varchar_repertoire, truncate_chars, truncate_utf16, utf16_len,
};
use crate::types::SqlType;
use crate::value::{Value, format_float_g, format_float_sci};
use crate::xml::{XmlSource, parse_xml_text, xml_from_bytes, xml_to_bytes};
use crate::{ServerError, guid_string};

impl Value {
    /// `CAST(self AS to)`.
    pub fn cast(&self, to: &SqlType) -> Result<Value, ServerError> {
        convert(self, to, None)
    }

    /// Implicit conversion for assignment (`SET @v = …`, parameters, `INSERT`): strings and
    /// binary are truncated to the target length; conversions SQL Server allows only
    /// explicitly fail with 257, impossible ones with 206.
    pub fn assign_to(&self, to: &SqlType) -> Result<Value, ServerError> {
        if self.is_null() {
            return Ok(Value::Null);
        }
        check_implicit(&self.sql_type(), to)?;
        convert(self, to, None)
    }
}

/// Whether SQL Server converts `from` to `to` without an explicit CAST/CONVERT
/// (`Ok`), only explicitly (error 257) or never (error 206).
pub fn check_implicit(from: &SqlType, to: &SqlType) -> Result<(), ServerError> {
    use Cat::*;
    let (f, t) = (cat(from), cat(to));
    let allowed = match (f, t) {
        (a, b) if a == b => !matches!(
            (from, to),
            (SqlType::Date, SqlType::Time) | (SqlType::Time, SqlType::Date)
        ),
        (Xml, _) => false,
        (Str, Bin) => false,
        (Str, _) | (_, Str) => true,
        (Bin, Num) => !matches!(to, SqlType::Float | SqlType::Real),
        (Num, Bin) => !matches!(from, SqlType::Float | SqlType::Real),
        (Bin, Guid) | (Guid, Bin) | (Bin, Xml) => true,
        (Bin, Temporal) => matches!(to, SqlType::DateTime | SqlType::SmallDateTime),
        (Num, Temporal) => matches!(to, SqlType::DateTime | SqlType::SmallDateTime),
        _ => false,
    };
    if allowed {
        return Ok(());
    }
    if explicit_allowed(from, to) {
        Err(ServerError::new(
            257,
            format!(
                "Implicit conversion from data type {} to {} is not allowed. Use the CONVERT function to run this query.",
                from.json_type_name(),
                to
            ),
        ))
    } else {
        Err(ServerError::new(
            206,
            format!(
                "Operand type clash: {} is incompatible with {}",
                from.json_type_name(),
                to.json_type_name()
            ),
        ))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cat {
    Num,
    Str,
    Bin,
    Guid,
    Xml,
    Temporal,
}

fn cat(t: &SqlType) -> Cat {
    if t.is_numeric() {
        Cat::Num
    } else if t.is_string() {
        Cat::Str
    } else if t.is_binary() {
        Cat::Bin
    } else if t.is_temporal() {
        Cat::Temporal
    } else if matches!(t, SqlType::Xml) {
        Cat::Xml
    } else {
        Cat::Guid
    }
}

fn explicit_allowed(from: &SqlType, to: &SqlType) -> bool {
    use Cat::*;
    match (cat(from), cat(to)) {
        (a, b) if a == b => true,
        (Str, _) | (_, Str) => true,
        (Bin, Num) => !matches!(to, SqlType::Float | SqlType::Real),
        (Num, Bin) => true,
        (Bin, Guid) | (Guid, Bin) | (Bin, Xml) | (Xml, Bin) => true,
        (Bin, Temporal) | (Temporal, Bin) => true,
        (Num, Temporal) => matches!(to, SqlType::DateTime | SqlType::SmallDateTime),
        (Temporal, Num) => matches!(from, SqlType::DateTime | SqlType::SmallDateTime),
        _ => false,
    }
}

fn not_allowed(v: &Value, to: &SqlType) -> ServerError {
    ServerError::new(
        529,
        format!(
            "Explicit conversion from data type {} to {} is not allowed.",
            v.type_name(),
            to.json_type_name()
        ),
    )
}

/// `CONVERT(to, value, style)`; `style = None` is `CAST`. Styles: date/time styles for
/// temporal ↔ string, 1/2 (hex with/without `0x`) for binary ↔ string, 0/1/2/3 for float → string.
pub fn convert(value: &Value, to: &SqlType, style: Option<i32>) -> Result<Value, ServerError> {
    if value.is_null() {
        return Ok(Value::Null);
    }
    match to {
        SqlType::Char(_)
        | SqlType::VarChar(_)
        | SqlType::NChar(_)
        | SqlType::NVarChar(_)
        | SqlType::Sysname => to_string_value(value, to, style),
        SqlType::Binary(_) | SqlType::VarBinary(_) => to_binary_value(value, to, style),
        SqlType::Bit
        | SqlType::TinyInt
        | SqlType::SmallInt
        | SqlType::Int
        | SqlType::BigInt
        | SqlType::Decimal { .. }
        | SqlType::Numeric { .. }
        | SqlType::Money
        | SqlType::Float
        | SqlType::Real => to_numeric_value(value, to),
        SqlType::UniqueIdentifier => to_guid(value, to),
        SqlType::Xml => to_xml(value, to),
        SqlType::Date
        | SqlType::Time
        | SqlType::DateTime
        | SqlType::DateTime2(_)
        | SqlType::SmallDateTime => to_temporal(value, to, style),
    }
}

// ---------------------------------------------------------------- strings

fn to_string_value(value: &Value, to: &SqlType, style: Option<i32>) -> Result<Value, ServerError> {
    let unicode = to.is_unicode();
    let target = to.json_type_name();
    let text = match value {
        Value::Null => return Ok(Value::Null),
        Value::Bit(b) => (if *b { "1" } else { "0" }).to_string(),
        Value::TinyInt(v) => v.to_string(),
        Value::SmallInt(v) => v.to_string(),
        Value::Int(v) => v.to_string(),
        Value::BigInt(v) => v.to_string(),
        Value::Decimal(d) => d.to_string(),
        Value::Float(f) => float_text(*f, style, 6),
        Value::Real(f) => float_text(*f as f64, style, 6),
        Value::VarChar(s) | Value::NVarChar(s) | Value::Xml(s) => s.clone(),
        Value::Binary(b) => match style.unwrap_or(0) {
            0 => {
                if unicode {
                    decode_utf16le(b)
                } else {
                    decode_cp1252(b)
                }
            }
            1 => hex_literal(b),
            2 => hex_upper(b),
            s => return Err(bad_binary_style(s)),
        },
        Value::Guid(g) => guid_string(g),
        Value::DateTime(dt) => format_temporal(dt, TemporalKind::DateTime, style)?,
        Value::DateTime2(dt) => format_temporal(dt, TemporalKind::DateTime2(7), style)?,
        Value::Date(d) => format_temporal(&d.and_time(NaiveTime::MIN), TemporalKind::Date, style)?,
        Value::Time(t) => format_temporal(
            &base_datetime().date().and_time(*t),
            TemporalKind::Time,
            style,
        )?,
    };
    let text = if unicode {
        text
    } else {
        to_varchar_repertoire(&text)
    };
    let len = if unicode {
        utf16_len(&text)
    } else {
        text.chars().count()
    };
    let text = match to.max_len() {
        Some(n) if len > n => match value {
            Value::Bit(_)
            | Value::TinyInt(_)
            | Value::SmallInt(_)
            | Value::Int(_)
            | Value::BigInt(_) => {
                if unicode {
                    return Err(ServerError::new(
                        8115,
                        format!(
                            "Arithmetic overflow error converting expression to data type {target}."
                        ),
                    ));
                }
                "*".to_string()
            }
            Value::Decimal(_) | Value::Float(_) | Value::Real(_) => {
                return Err(ServerError::new(
                    8115,
                    format!(
                        "Arithmetic overflow error converting {} to data type {target}.",
                        numeric_word(value)
                    ),
                ));
            }
            Value::Guid(_) => {
                return Err(ServerError::new(
                    8170,
                    format!(
                        "Insufficient result space to convert uniqueidentifier value to {}.",
                        if unicode { "nchar" } else { "char" }
                    ),
                ));
            }
            _ => {
                if unicode {
                    truncate_utf16(&text, n)
                } else {
                    truncate_chars(&text, n)
                }
            }
        },
        _ => text,
    };
    let text = match to {
        SqlType::Char(n) | SqlType::NChar(n) => {
            let have = if unicode {
                utf16_len(&text)
            } else {
                text.chars().count()
            };
            let mut t = text;
            t.extend(std::iter::repeat_n(' ', (*n as usize).saturating_sub(have)));
            t
        }
        _ => text,
    };
    Ok(if unicode {
        Value::NVarChar(text)
    } else {
        Value::VarChar(text)
    })
}

fn numeric_word(v: &Value) -> &'static str {
    match v {
        Value::Float(_) => "float",
        Value::Real(_) => "real",
        _ => "numeric",
    }
}

fn float_text(f: f64, style: Option<i32>, sig: usize) -> String {
    match style.unwrap_or(0) {
        1 => format_float_sci(f, 7),
        2 => format_float_sci(f, 15),
        3 => {
            let s = format!("{f:e}");
            let (mant, exp) = s.split_once('e').unwrap_or((s.as_str(), "0"));
            let exp: i32 = exp.parse().unwrap_or(0);
            format!("{mant}E{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs())
        }
        _ => format_float_g(f, sig),
    }
}

fn bad_binary_style(style: i32) -> ServerError {
    ServerError::new(
        9809,
        format!(
            "The style {style} is not supported for conversions from varbinary to varchar/nvarchar."
        ),
    )
}

// ---------------------------------------------------------------- binary

fn int_bytes(v: &Value) -> Option<Vec<u8>> {
    Some(match v {
        Value::Bit(b) => vec![*b as u8],
        Value::TinyInt(x) => vec![*x],
        Value::SmallInt(x) => x.to_be_bytes().to_vec(),
        Value::Int(x) => x.to_be_bytes().to_vec(),
        Value::BigInt(x) => x.to_be_bytes().to_vec(),
        Value::Float(f) => f.to_be_bytes().to_vec(),
        Value::Real(f) => f.to_be_bytes().to_vec(),
        Value::Decimal(d) => decimal_bytes(d),
        Value::DateTime(dt) => datetime_bytes(dt),
        _ => return None,
    })
}

/// SQL Server's binary form of a decimal: precision, scale, 0, sign (1 = positive), then the
/// magnitude little-endian in 4/8/12/16 bytes.
fn decimal_bytes(d: &Decimal) -> Vec<u8> {
    let width = match d.precision() {
        0..=9 => 4,
        10..=19 => 8,
        20..=28 => 12,
        _ => 16,
    };
    let mut out = vec![d.precision(), d.scale(), 0, (d.mantissa() >= 0) as u8];
    out.extend_from_slice(&d.mantissa().unsigned_abs().to_le_bytes()[..width]);
    out
}

fn decimal_from_bytes(b: &[u8]) -> Option<Decimal> {
    if b.len() < 8 {
        return None;
    }
    let (p, s, sign) = (b[0], b[1], b[3]);
    let mut mag = [0u8; 16];
    let body = &b[4..b.len().min(20)];
    mag[..body.len()].copy_from_slice(body);
    let m = i128::try_from(u128::from_le_bytes(mag)).ok()?;
    Decimal::new(if sign == 0 { -m } else { m }, p, s).ok()
}

/// datetime as 8 bytes: days since 1900-01-01 (i32 BE), then 1/300 s ticks since midnight (i32 BE).
fn datetime_bytes(dt: &NaiveDateTime) -> Vec<u8> {
    let days = dt
        .date()
        .signed_duration_since(base_datetime().date())
        .num_days() as i32;
    let t = dt.time();
    let ticks = t.num_seconds_from_midnight() as i64 * 300
        + (t.nanosecond() as i64 * 300 + 500_000_000) / 1_000_000_000;
    let mut out = days.to_be_bytes().to_vec();
    out.extend_from_slice(&(ticks as i32).to_be_bytes());
    out
}

fn datetime_from_bytes(b: &[u8]) -> Option<NaiveDateTime> {
    let mut buf = [0u8; 8];
    let take = b.len().min(8);
    buf[8 - take..].copy_from_slice(&b[b.len() - take..]);
    let days = i32::from_be_bytes([buf[0], buf[1], buf[2], buf[3]]) as i64;
    let ticks = i32::from_be_bytes([buf[4], buf[5], buf[6], buf[7]]) as i64;
    let ms = (ticks * 10 + 1) / 3;
    let dt = base_datetime()
        .checked_add_signed(Duration::days(days))?
        .checked_add_signed(Duration::milliseconds(ms))?;
    datetime_in_range(&dt).then_some(dt)
}

fn to_binary_value(value: &Value, to: &SqlType, style: Option<i32>) -> Result<Value, ServerError> {
    let style = style.unwrap_or(0);
    let target = to.json_type_name();
    let (bytes, numeric) = match value {
        Value::Null => return Ok(Value::Null),
        Value::VarChar(s) | Value::NVarChar(s) => match style {
            0 => (
                if matches!(value, Value::NVarChar(_)) {
                    encode_utf16le(s)
                } else {
                    encode_cp1252(s)
                },
                false,
            ),
            1 | 2 => {
                let body = if style == 1 {
                    s.strip_prefix("0x").or_else(|| s.strip_prefix("0X"))
                } else {
                    Some(s.as_str())
                };
                let bytes = body.and_then(parse_hex).ok_or_else(|| {
                    ServerError::new(
                        8114,
                        format!(
                            "Error converting data type {} to {target}.",
                            value.type_name()
                        ),
                    )
                })?;
                (bytes, false)
            }
            s => {
                return Err(ServerError::new(
                    9809,
                    format!(
                        "The style {s} is not supported for conversions from varchar to varbinary."
                    ),
                ));
            }
        },
        Value::Binary(b) => (b.clone(), false),
        Value::Guid(g) => (g.to_bytes_le().to_vec(), false),
        Value::Xml(x) => (xml_to_bytes(x), false),
        other => match int_bytes(other) {
            Some(b) => (b, true),
            None => return Err(not_allowed(value, to)),
        },
    };
    let bytes = match to {
        SqlType::Binary(n) => fit_bytes(bytes, *n as usize, numeric, true),
        _ => match to.max_len() {
            Some(n) => fit_bytes(bytes, n, numeric, false),
            None => bytes,
        },
    };
    Ok(Value::Binary(bytes))
}

/// Truncates/pads binary data: numbers keep their rightmost bytes and pad on the left,
/// everything else keeps the leftmost bytes and pads on the right (padding only for `binary(n)`).
fn fit_bytes(mut b: Vec<u8>, n: usize, numeric: bool, pad: bool) -> Vec<u8> {
    if b.len() > n {
        if numeric {
            b.drain(..b.len() - n);
        } else {
            b.truncate(n);
        }
    } else if pad && b.len() < n {
        if numeric {
            let mut out = vec![0; n - b.len()];
            out.extend(b);
            return out;
        }
        b.resize(n, 0);
    }
    b
}

// ---------------------------------------------------------------- numbers

enum Num {
    Int(i128),
    Dec(Decimal),
    Float(f64),
}

fn int_range(to: &SqlType) -> (i128, i128) {
    match to {
        SqlType::TinyInt => (0, 255),
        SqlType::SmallInt => (i16::MIN as i128, i16::MAX as i128),
        SqlType::Int => (i32::MIN as i128, i32::MAX as i128),
        _ => (i64::MIN as i128, i64::MAX as i128),
    }
}

fn int_overflow(to: &SqlType, v: impl std::fmt::Display) -> ServerError {
    match to {
        SqlType::TinyInt | SqlType::SmallInt => ServerError::new(
            220,
            format!(
                "Arithmetic overflow error for data type {}, value = {v}.",
                to.json_type_name()
            ),
        ),
        _ => ServerError::new(
            8115,
            format!(
                "Arithmetic overflow error converting expression to data type {}.",
                to.json_type_name()
            ),
        ),
    }
}

fn make_int(v: i128, to: &SqlType) -> Value {
    match to {
        SqlType::TinyInt => Value::TinyInt(v as u8),
        SqlType::SmallInt => Value::SmallInt(v as i16),
        SqlType::Int => Value::Int(v as i32),
        _ => Value::BigInt(v as i64),
    }
}

fn dec_target(to: &SqlType) -> (u8, u8) {
    match to {
        SqlType::Decimal { precision, scale } | SqlType::Numeric { precision, scale } => {
            (*precision, *scale)
        }
        _ => (19, 4),
    }
}

/// Parses the integer syntax SQL Server accepts in strings (`' -12 '`, `'+3'`, `''` = 0).
fn parse_int_str(s: &str) -> Option<Result<i128, ()>> {
    let t = s.trim();
    if t.is_empty() {
        return Some(Ok(0));
    }
    let (neg, digits) = match t.as_bytes()[0] {
        b'-' => (true, &t[1..]),
        b'+' => (false, &t[1..]),
        _ => (false, t),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let digits = digits.trim_start_matches('0');
    if digits.len() > 30 {
        return Some(Err(()));
    }
    let v: i128 = if digits.is_empty() {
        0
    } else {
        digits.parse().ok()?
    };
    Some(Ok(if neg { -v } else { v }))
}

fn parse_float_str(s: &str) -> Option<f64> {
    let t = s.trim();
    if t.is_empty() {
        return Some(0.0);
    }
    let ok = t
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.' | b'e' | b'E'));
    if !ok {
        return None;
    }
    t.parse::<f64>().ok().filter(|f| f.is_finite())
}

fn conversion_failed(value: &Value, s: &str, to: &SqlType) -> ServerError {
    ServerError::new(
        245,
        format!(
            "Conversion failed when converting the {} value '{}' to data type {}.",
            value.type_name(),
            s,
            to.json_type_name()
        ),
    )
}

fn to_numeric_value(value: &Value, to: &SqlType) -> Result<Value, ServerError> {
    let num = match value {
        Value::Null => return Ok(Value::Null),
        Value::Bit(b) => Num::Int(*b as i128),
        Value::TinyInt(v) => Num::Int(*v as i128),
        Value::SmallInt(v) => Num::Int(*v as i128),
        Value::Int(v) => Num::Int(*v as i128),
        Value::BigInt(v) => Num::Int(*v as i128),
        Value::Decimal(d) => Num::Dec(*d),
        Value::Float(f) => Num::Float(*f),
        Value::Real(f) => Num::Float(*f as f64),
        Value::VarChar(s) | Value::NVarChar(s) => return string_to_number(value, s, to),
        Value::Binary(b) => match to {
            SqlType::Float | SqlType::Real => return Err(not_allowed(value, to)),
            SqlType::Decimal { .. } | SqlType::Numeric { .. } | SqlType::Money => {
                let d = decimal_from_bytes(b).ok_or_else(|| {
                    ServerError::new(8114, "Error converting data type varbinary to numeric.")
                })?;
                Num::Dec(d)
            }
            _ => {
                let width = match to {
                    SqlType::Bit | SqlType::TinyInt => 1,
                    SqlType::SmallInt => 2,
                    SqlType::Int => 4,
                    _ => 8,
                };
                let take = b.len().min(width);
                let mut buf = [0u8; 8];
                buf[8 - take..].copy_from_slice(&b[b.len() - take..]);
                let raw = u64::from_be_bytes(buf);
                let v: i128 = match width {
                    1 => raw as u8 as i128,
                    2 => raw as u16 as i16 as i128,
                    4 => raw as u32 as i32 as i128,
                    _ => raw as i64 as i128,
                };
                Num::Int(v)
            }
        },
        Value::DateTime(dt) => {
            let days = to_days_f64(dt);
            match to {
                SqlType::Float
                | SqlType::Real
                | SqlType::Decimal { .. }
                | SqlType::Numeric { .. }
                | SqlType::Money => Num::Float(days),
                // datetime → integer rounds to the nearest day.
                _ => Num::Int(days.round() as i128),
            }
        }
        _ => return Err(not_allowed(value, to)),
    };
    number_to(num, to, value)
}

fn number_to(num: Num, to: &SqlType, source: &Value) -> Result<Value, ServerError> {
    let src_name = match source {
        Value::VarChar(_) | Value::NVarChar(_) => source.type_name(),
        Value::Float(_) => "float",
        Value::Real(_) => "real",
        Value::Decimal(_) => "numeric",
        _ => "expression",
    };
    match to {
        SqlType::Bit => Ok(Value::Bit(match num {
            Num::Int(v) => v != 0,
            Num::Dec(d) => !d.is_zero(),
            Num::Float(f) => f != 0.0,
        })),
        SqlType::TinyInt | SqlType::SmallInt | SqlType::Int | SqlType::BigInt => {
            let v = match num {
                Num::Int(v) => v,
                Num::Dec(d) => d.trunc_to_i128(),
                Num::Float(f) => {
                    let t = f.trunc();
                    if t.abs() > 1e30 {
                        return Err(int_overflow(to, f));
                    }
                    t as i128
                }
            };
            let (lo, hi) = int_range(to);
            if v < lo || v > hi {
                return Err(int_overflow(to, v));
            }
            Ok(make_int(v, to))
        }
        SqlType::Decimal { .. } | SqlType::Numeric { .. } | SqlType::Money => {
            let (p, s) = dec_target(to);
            let overflow = || {
                ServerError::new(
                    8115,
                    format!(
                        "Arithmetic overflow error converting {src_name} to data type numeric."
                    ),
                )
            };
            let d = match num {
                Num::Int(v) => Decimal::from_i128(v)
                    .rescale(p, s)
                    .map_err(|_| overflow())?,
                Num::Dec(d) => d.rescale(p, s).map_err(|_| overflow())?,
                Num::Float(f) => Decimal::from_f64(f, p, s)?,
            };
            Ok(Value::Decimal(d))
        }
        SqlType::Float | SqlType::Real => {
            let f = match num {
                Num::Int(v) => v as f64,
                Num::Dec(d) => d.to_f64(),
                Num::Float(f) => f,
            };
            if matches!(to, SqlType::Real) {
                let r = f as f32;
                if !r.is_finite() {
                    return Err(ServerError::new(
                        8115,
                        "Arithmetic overflow error converting expression to data type real.",
                    ));
                }
                Ok(Value::Real(r))
            } else {
                Ok(Value::Float(f))
            }
        }
        _ => Err(not_allowed(source, to)),
    }
}

fn string_to_number(value: &Value, s: &str, to: &SqlType) -> Result<Value, ServerError> {
    let kind = value.type_name();
    match to {
        SqlType::Bit => {
            let t = s.trim();
            if t.eq_ignore_ascii_case("true") {
                return Ok(Value::Bit(true));
            }
            if t.eq_ignore_ascii_case("false") {
                return Ok(Value::Bit(false));
            }
            match parse_int_str(t) {
                Some(Ok(v)) => Ok(Value::Bit(v != 0)),
                Some(Err(())) => Ok(Value::Bit(true)),
                None => match Decimal::parse(t) {
                    Some(d) => Ok(Value::Bit(!d.is_zero())),
                    None => Err(conversion_failed(value, s, to)),
                },
            }
        }
        SqlType::TinyInt | SqlType::SmallInt | SqlType::Int | SqlType::BigInt => {
            let overflow = || {
                let article = if matches!(to, SqlType::Int) {
                    "an"
                } else {
                    "a"
                };
                ServerError::new(
                    248,
                    format!(
                        "The conversion of the {kind} value '{}' overflowed {article} {} column. Use a larger integer column.",
                        s,
                        to.json_type_name()
                    ),
                )
            };
            match parse_int_str(s) {
                None => Err(conversion_failed(value, s, to)),
                Some(Err(())) => Err(overflow()),
                Some(Ok(v)) => {
                    let (lo, hi) = int_range(to);
                    if v < lo || v > hi {
                        return Err(overflow());
                    }
                    Ok(make_int(v, to))
                }
            }
        }
        SqlType::Decimal { .. } | SqlType::Numeric { .. } | SqlType::Money => {
            let t = s.trim();
            let t = if matches!(to, SqlType::Money) {
                t.trim_start_matches('$')
            } else {
                t
            };
            let d = Decimal::parse(t).ok_or_else(|| {
                ServerError::new(
                    8114,
                    format!("Error converting data type {kind} to numeric."),
                )
            })?;
            let (p, sc) = dec_target(to);
            let d = d.rescale(p, sc).map_err(|_| {
                ServerError::new(
                    8115,
                    format!("Arithmetic overflow error converting {kind} to data type numeric."),
                )
            })?;
            Ok(Value::Decimal(d))
        }
        SqlType::Float | SqlType::Real => {
            let f = parse_float_str(s).ok_or_else(|| {
                ServerError::new(
                    8114,
                    format!(
                        "Error converting data type {kind} to {}.",
                        to.json_type_name()
                    ),
                )
            })?;
            if matches!(to, SqlType::Real) {
                Ok(Value::Real(f as f32))
            } else {
                Ok(Value::Float(f))
            }
        }
        _ => Err(not_allowed(value, to)),
    }
}

// ---------------------------------------------------------------- guid, xml

/// Parses a uniqueidentifier string: hyphenated, optionally in braces, any case.
pub fn parse_guid(s: &str) -> Option<Uuid> {
    let t = s.trim();
    let t = match t.strip_prefix('{') {
        Some(inner) => inner.strip_suffix('}')?,
        None => t,
    };
    if t.len() != 36 {
        return None;
    }
    let b = t.as_bytes();
    if b[8] != b'-' || b[13] != b'-' || b[18] != b'-' || b[23] != b'-' {
        return None;
    }
    Uuid::parse_str(t).ok()
}

fn to_guid(value: &Value, to: &SqlType) -> Result<Value, ServerError> {
    match value {
        Value::Guid(g) => Ok(Value::Guid(*g)),
        Value::VarChar(s) | Value::NVarChar(s) => parse_guid(s).map(Value::Guid).ok_or_else(|| {
            ServerError::new(
                8169,
                "Conversion failed when converting from a character string to uniqueidentifier.",
            )
        }),
        Value::Binary(b) => {
            let mut buf = [0u8; 16];
            let n = b.len().min(16);
            buf[..n].copy_from_slice(&b[..n]);
            Ok(Value::Guid(Uuid::from_bytes_le(buf)))
        }
        _ => Err(not_allowed(value, to)),
    }
}

fn to_xml(value: &Value, to: &SqlType) -> Result<Value, ServerError> {
    match value {
        Value::Xml(x) => Ok(Value::Xml(x.clone())),
        Value::NVarChar(s) => parse_xml_text(s, Some(XmlSource::Utf16))
            .map(Value::Xml)
            .map_err(|e| e.to_server_error()),
        Value::VarChar(s) => parse_xml_text(s, Some(XmlSource::EightBit))
            .map(Value::Xml)
            .map_err(|e| e.to_server_error()),
        Value::Binary(b) => xml_from_bytes(b).map(Value::Xml),
        _ => Err(not_allowed(value, to)),
    }
}

// ---------------------------------------------------------------- date and time

fn temporal_kind(to: &SqlType) -> TemporalKind {
    match to {
        SqlType::DateTime => TemporalKind::DateTime,
        SqlType::SmallDateTime => TemporalKind::SmallDateTime,
        SqlType::DateTime2(s) => TemporalKind::DateTime2(*s),
        SqlType::Date => TemporalKind::Date,
        _ => TemporalKind::Time,
    }
}

fn finish_temporal(dt: NaiveDateTime, to: &SqlType, from_name: &str) -> Result<Value, ServerError> {
    let kind = temporal_kind(to);
    let dt = round_for(dt, kind);
    let out_of_range = || {
        ServerError::new(
            242,
            format!(
                "The conversion of a {from_name} data type to a {} data type resulted in an out-of-range value.",
                to.json_type_name()
            ),
        )
    };
    Ok(match kind {
        TemporalKind::DateTime => {
            if !datetime_in_range(&dt) {
                return Err(out_of_range());
            }
            Value::DateTime(dt)
        }
        TemporalKind::SmallDateTime => {
            if !smalldatetime_in_range(&dt) {
                return Err(out_of_range());
            }
            Value::DateTime(dt)
        }
        TemporalKind::DateTime2(_) | TemporalKind::Date if dt.year() > 9999 => {
            return Err(out_of_range());
        }
        TemporalKind::DateTime2(_) => Value::DateTime2(dt),
        TemporalKind::Date => Value::Date(dt.date()),
        TemporalKind::Time => Value::Time(dt.time()),
    })
}

fn to_temporal(value: &Value, to: &SqlType, style: Option<i32>) -> Result<Value, ServerError> {
    let name = value.type_name();
    match value {
        Value::VarChar(s) | Value::NVarChar(s) => {
            let dmy = matches!(
                style,
                Some(3 | 103 | 4 | 104 | 5 | 105 | 6 | 106 | 13 | 113)
            );
            let p = parse_datetime_str(s, dmy).ok_or_else(parse_error)?;
            let max_digits = match to {
                SqlType::DateTime | SqlType::SmallDateTime => 3,
                _ => 7,
            };
            if p.frac_digits > max_digits {
                return Err(parse_error());
            }
            if matches!(to, SqlType::Time) {
                return Ok(Value::Time(
                    round_for(p.to_naive(), TemporalKind::Time).time(),
                ));
            }
            finish_temporal(p.to_naive(), to, name)
        }
        Value::DateTime(dt) | Value::DateTime2(dt) => {
            if matches!(to, SqlType::Time) {
                return Ok(Value::Time(round_for(*dt, TemporalKind::Time).time()));
            }
            finish_temporal(*dt, to, name)
        }
        Value::Date(d) => match to {
            SqlType::Time => Err(not_allowed(value, to)),
            _ => finish_temporal(d.and_time(NaiveTime::MIN), to, name),
        },
        Value::Time(t) => match to {
            SqlType::Date => Err(not_allowed(value, to)),
            SqlType::Time => Ok(Value::Time(*t)),
            _ => finish_temporal(base_datetime().date().and_time(*t), to, name),
        },
        Value::Bit(_)
        | Value::TinyInt(_)
        | Value::SmallInt(_)
        | Value::Int(_)
        | Value::BigInt(_)
        | Value::Decimal(_)
        | Value::Float(_)
        | Value::Real(_)
            if matches!(to, SqlType::DateTime | SqlType::SmallDateTime) =>
        {
            let days = match value {
                Value::Decimal(d) => d.to_f64(),
                Value::Float(f) => *f,
                Value::Real(f) => *f as f64,
                Value::Bit(b) => *b as i64 as f64,
                Value::TinyInt(v) => *v as f64,
                Value::SmallInt(v) => *v as f64,
                Value::Int(v) => *v as f64,
                Value::BigInt(v) => *v as f64,
                _ => 0.0,
            };
            let overflow = || {
                ServerError::new(
                    8115,
                    format!(
                        "Arithmetic overflow error converting expression to data type {}.",
                        to.json_type_name()
                    ),
                )
            };
            let dt = from_days_f64(days).ok_or_else(overflow)?;
            finish_temporal(dt, to, name).map_err(|_| overflow())
        }
        Value::Binary(b) if matches!(to, SqlType::DateTime | SqlType::SmallDateTime) => {
            let dt = datetime_from_bytes(b).ok_or_else(|| {
                ServerError::new(
                    8115,
                    "Arithmetic overflow error converting expression to data type datetime.",
                )
            })?;
            finish_temporal(dt, to, name)
        }
        _ => Err(not_allowed(value, to)),
    }
}

/// Year/month/day of a temporal value (for DATEPART-like helpers).
pub fn date_parts(v: &Value) -> Option<(i32, u32, u32)> {
    let d = match v {
        Value::DateTime(dt) | Value::DateTime2(dt) => dt.date(),
        Value::Date(d) => *d,
        _ => return None,
    };
    Some((d.year(), d.month(), d.day()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::StrLen;

    fn nv(s: &str) -> Value {
        Value::NVarChar(s.into())
    }
    fn vc(s: &str) -> Value {
        Value::VarChar(s.into())
    }
    const VBMAX: SqlType = SqlType::VarBinary(StrLen::Max);
    const NVMAX: SqlType = SqlType::NVarChar(StrLen::Max);
    const VCMAX: SqlType = SqlType::VarChar(StrLen::Max);
    fn dt(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f").unwrap()
    }

    #[test]
    fn nvarchar_varbinary_round_trip() {
        let b = nv("héllo").cast(&VBMAX).unwrap();
        assert_eq!(
            b,
            Value::Binary(vec![b'h', 0, 0xE9, 0, b'l', 0, b'l', 0, b'o', 0])
        );
        assert_eq!(b.cast(&NVMAX).unwrap(), nv("héllo"));
        // odd trailing byte dropped, lone surrogate replaced
        assert_eq!(
            Value::Binary(vec![b'a', 0, b'b']).cast(&NVMAX).unwrap(),
            nv("a")
        );
        assert_eq!(
            Value::Binary(vec![0x00, 0xD8, b'a', 0])
                .cast(&NVMAX)
                .unwrap(),
            nv("\u{FFFD}a")
        );
        // emoji survives
        assert_eq!(
            nv("a😀").cast(&VBMAX).unwrap().cast(&NVMAX).unwrap(),
            nv("a😀")
        );
    }

    #[test]
    fn varchar_varbinary_single_byte() {
        let b = vc("héllo").cast(&VBMAX).unwrap();
        assert_eq!(b, Value::Binary(vec![b'h', 0xE9, b'l', b'l', b'o']));
        assert_eq!(b.cast(&VCMAX).unwrap(), vc("héllo"));
        assert_eq!(nv("a☃").cast(&VCMAX).unwrap(), vc("a?"));
        assert_eq!(
            nv("a☃").cast(&VCMAX).unwrap().cast(&VBMAX).unwrap(),
            Value::Binary(b"a?".to_vec())
        );
    }

    #[test]
    fn xml_conversions() {
        let x = nv("<?xml version=\"1.0\" encoding=\"utf-16\"?><a>é</a>")
            .cast(&SqlType::Xml)
            .unwrap();
        assert_eq!(x, Value::Xml("<a>é</a>".into()));
        assert_eq!(x.cast(&NVMAX).unwrap(), nv("<a>é</a>"));
        let bytes = x.cast(&VBMAX).unwrap();
        let Value::Binary(b) = &bytes else { panic!() };
        assert_eq!(&b[..4], &[0xFF, 0xFE, b'<', 0]);
        assert_eq!(bytes.cast(&SqlType::Xml).unwrap(), x);
        // UTF-16LE without BOM
        assert_eq!(
            Value::Binary(encode_utf16le("<b/>"))
                .cast(&SqlType::Xml)
                .unwrap(),
            Value::Xml("<b/>".into())
        );
        // UTF-8 with BOM
        assert_eq!(
            Value::Binary(b"\xEF\xBB\xBF<c>\xC3\xA9</c>".to_vec())
                .cast(&SqlType::Xml)
                .unwrap(),
            Value::Xml("<c>é</c>".into())
        );
        // fragments
        assert_eq!(
            vc("<a/><b/>txt").cast(&SqlType::Xml).unwrap(),
            Value::Xml("<a/><b/>txt".into())
        );
        let e = vc("<a>").cast(&SqlType::Xml).unwrap_err();
        assert_eq!(e.number, 9400);
        assert!(
            e.message.starts_with("XML parsing: line 1, character 4"),
            "{}",
            e.message
        );
        assert_eq!(
            nv("<?xml version=\"1.0\" encoding=\"utf-8\"?><a/>")
                .cast(&SqlType::Xml)
                .unwrap_err()
                .number,
            9402
        );
        assert_eq!(Value::Int(1).cast(&SqlType::Xml).unwrap_err().number, 529);
        assert_eq!(x.cast(&SqlType::Int).unwrap_err().number, 529);
        assert_eq!(x.assign_to(&NVMAX).unwrap_err().number, 257);
        assert_eq!(
            nv("<a/>").assign_to(&SqlType::Xml).unwrap(),
            Value::Xml("<a/>".into())
        );
    }

    #[test]
    fn lengths_truncate() {
        assert_eq!(
            nv("abcdef")
                .cast(&SqlType::NVarChar(StrLen::Len(3)))
                .unwrap(),
            nv("abc")
        );
        assert_eq!(
            vc("abcdef")
                .assign_to(&SqlType::VarChar(StrLen::Len(2)))
                .unwrap(),
            vc("ab")
        );
        assert_eq!(
            Value::Binary(vec![1, 2, 3])
                .cast(&SqlType::VarBinary(StrLen::Len(2)))
                .unwrap(),
            Value::Binary(vec![1, 2])
        );
        assert_eq!(nv("ab").cast(&SqlType::NChar(4)).unwrap(), nv("ab  "));
        assert_eq!(
            Value::Binary(vec![1]).cast(&SqlType::Binary(3)).unwrap(),
            Value::Binary(vec![1, 0, 0])
        );
        assert_eq!(
            Value::Int(1).cast(&SqlType::Binary(8)).unwrap(),
            Value::Binary(vec![0, 0, 0, 0, 0, 0, 0, 1])
        );
        assert_eq!(
            Value::Int(0x0102).cast(&SqlType::Binary(1)).unwrap(),
            Value::Binary(vec![2])
        );
        let long = "x".repeat(40);
        let cast30 = SqlType::from_name_for_cast("nvarchar", &[]).unwrap();
        assert_eq!(nv(&long).cast(&cast30).unwrap(), nv(&"x".repeat(30)));
        assert_eq!(
            Value::Int(12345)
                .cast(&SqlType::VarChar(StrLen::Len(3)))
                .unwrap(),
            vc("*")
        );
        assert_eq!(
            Value::Int(12345)
                .cast(&SqlType::NVarChar(StrLen::Len(3)))
                .unwrap_err()
                .number,
            8115
        );
    }

    #[test]
    fn implicit_rules() {
        assert_eq!(
            Value::Int(5)
                .assign_to(&SqlType::NVarChar(StrLen::Len(10)))
                .unwrap(),
            nv("5")
        );
        assert_eq!(nv("42").assign_to(&SqlType::Int).unwrap(), Value::Int(42));
        assert_eq!(
            Value::Binary(vec![b'h', 0]).assign_to(&NVMAX).unwrap(),
            nv("h")
        );
        assert_eq!(nv("x").assign_to(&VBMAX).unwrap_err().number, 257);
        assert_eq!(
            Value::Int(1)
                .assign_to(&SqlType::UniqueIdentifier)
                .unwrap_err()
                .number,
            206
        );
        assert_eq!(Value::Null.assign_to(&SqlType::Int).unwrap(), Value::Null);
        assert_eq!(
            Value::Int(1).assign_to(&SqlType::DateTime).unwrap(),
            Value::DateTime(dt("1900-01-02 00:00:00"))
        );
    }

    #[test]
    fn guid_conversions() {
        let g = nv("{6f9619ff-8b86-d011-b42d-00c04fc964ff}")
            .cast(&SqlType::UniqueIdentifier)
            .unwrap();
        let g2 = vc("6F9619FF-8B86-D011-B42D-00C04FC964FF")
            .cast(&SqlType::UniqueIdentifier)
            .unwrap();
        assert_eq!(g, g2);
        assert_eq!(
            g.cast(&NVMAX).unwrap(),
            nv("6F9619FF-8B86-D011-B42D-00C04FC964FF")
        );
        let b = g.cast(&SqlType::Binary(16)).unwrap();
        assert_eq!(
            b,
            Value::Binary(vec![
                0xFF, 0x19, 0x96, 0x6F, 0x86, 0x8B, 0x11, 0xD0, 0xB4, 0x2D, 0x00, 0xC0, 0x4F, 0xC9,
                0x64, 0xFF
            ])
        );
        assert_eq!(b.cast(&SqlType::UniqueIdentifier).unwrap(), g);
        assert_eq!(
            vc("nope")
                .cast(&SqlType::UniqueIdentifier)
                .unwrap_err()
                .number,
            8169
        );
        assert_eq!(
            g.cast(&SqlType::VarChar(StrLen::Len(10)))
                .unwrap_err()
                .number,
            8170
        );
        assert_eq!(g.cast(&SqlType::Int).unwrap_err().number, 529);
    }

    #[test]
    fn numbers_and_strings() {
        let d = Value::Decimal(Decimal::parse("1.50").unwrap());
        assert_eq!(
            d.cast(&SqlType::from_name_for_cast("nvarchar", &[]).unwrap())
                .unwrap(),
            nv("1.50")
        );
        assert_eq!(Value::Float(1.5).cast(&VCMAX).unwrap(), vc("1.5"));
        assert_eq!(
            Value::Float(1234567.0).cast(&VCMAX).unwrap(),
            vc("1.23457e+006")
        );
        assert_eq!(
            convert(&Value::Float(1234567.0), &VCMAX, Some(1)).unwrap(),
            vc("1.2345670e+006")
        );
        assert_eq!(
            vc("abc").cast(&SqlType::Int).unwrap_err().message,
            "Conversion failed when converting the varchar value 'abc' to data type int."
        );
        assert_eq!(vc("abc").cast(&SqlType::Int).unwrap_err().number, 245);
        assert_eq!(vc(" 12 ").cast(&SqlType::Int).unwrap(), Value::Int(12));
        assert_eq!(vc("").cast(&SqlType::Int).unwrap(), Value::Int(0));
        assert_eq!(vc("1.5").cast(&SqlType::Int).unwrap_err().number, 245);
        assert_eq!(
            vc("3000000000").cast(&SqlType::Int).unwrap_err().number,
            248
        );
        assert_eq!(
            vc("3000000000").cast(&SqlType::BigInt).unwrap(),
            Value::BigInt(3_000_000_000)
        );
        assert_eq!(
            vc("1.555")
                .cast(&SqlType::Decimal {
                    precision: 10,
                    scale: 2
                })
                .unwrap()
                .to_display_string(),
            "1.56"
        );
        assert_eq!(
            vc("x")
                .cast(&SqlType::Decimal {
                    precision: 10,
                    scale: 2
                })
                .unwrap_err()
                .number,
            8114
        );
        assert_eq!(
            vc("1e3").cast(&SqlType::Float).unwrap(),
            Value::Float(1000.0)
        );
        assert_eq!(vc("x").cast(&SqlType::Float).unwrap_err().number, 8114);
        assert_eq!(vc("true").cast(&SqlType::Bit).unwrap(), Value::Bit(true));
        assert_eq!(vc("FALSE").cast(&SqlType::Bit).unwrap(), Value::Bit(false));
        assert_eq!(vc("1").cast(&SqlType::Bit).unwrap(), Value::Bit(true));
        assert_eq!(vc("0").cast(&SqlType::Bit).unwrap(), Value::Bit(false));
        assert_eq!(vc("maybe").cast(&SqlType::Bit).unwrap_err().number, 245);
        assert_eq!(Value::Int(7).cast(&SqlType::Bit).unwrap(), Value::Bit(true));
        assert_eq!(
            Value::Int(0).cast(&SqlType::Bit).unwrap(),
            Value::Bit(false)
        );
    }

    #[test]
    fn numeric_conversions_and_overflow() {
        assert_eq!(
            Value::BigInt(3_000_000_000)
                .cast(&SqlType::Int)
                .unwrap_err()
                .number,
            8115
        );
        assert_eq!(
            Value::Int(300).cast(&SqlType::TinyInt).unwrap_err().number,
            220
        );
        assert_eq!(
            Value::Int(-1).cast(&SqlType::TinyInt).unwrap_err().number,
            220
        );
        assert_eq!(
            Value::Decimal(Decimal::parse("1.9").unwrap())
                .cast(&SqlType::Int)
                .unwrap(),
            Value::Int(1)
        );
        assert_eq!(
            Value::Float(-1.9).cast(&SqlType::Int).unwrap(),
            Value::Int(-1)
        );
        assert_eq!(
            Value::Float(1e20).cast(&SqlType::Int).unwrap_err().number,
            8115
        );
        assert_eq!(
            Value::Int(1000)
                .cast(&SqlType::Decimal {
                    precision: 3,
                    scale: 0
                })
                .unwrap_err()
                .number,
            8115
        );
        assert_eq!(
            Value::Int(5)
                .cast(&SqlType::Money)
                .unwrap()
                .to_display_string(),
            "5.0000"
        );
        assert_eq!(
            Value::Int(5).cast(&SqlType::Float).unwrap(),
            Value::Float(5.0)
        );
        assert_eq!(
            Value::Binary(vec![0, 0, 1, 0]).cast(&SqlType::Int).unwrap(),
            Value::Int(256)
        );
        assert_eq!(
            Value::Binary(vec![0xFF; 4]).cast(&SqlType::Int).unwrap(),
            Value::Int(-1)
        );
        let d = Value::Decimal(Decimal::parse("-12.34").unwrap());
        assert_eq!(
            d.cast(&VBMAX)
                .unwrap()
                .cast(&SqlType::Decimal {
                    precision: 4,
                    scale: 2
                })
                .unwrap(),
            d
        );
        assert_eq!(
            Value::Binary(vec![1])
                .cast(&SqlType::Float)
                .unwrap_err()
                .number,
            529
        );
    }

    #[test]
    fn binary_hex_styles() {
        let b = Value::Binary(vec![0xAB, 0x01]);
        assert_eq!(convert(&b, &VCMAX, Some(1)).unwrap(), vc("0xAB01"));
        assert_eq!(convert(&b, &VCMAX, Some(2)).unwrap(), vc("AB01"));
        assert_eq!(convert(&vc("0xab01"), &VBMAX, Some(1)).unwrap(), b);
        assert_eq!(convert(&vc("AB01"), &VBMAX, Some(2)).unwrap(), b);
        assert_eq!(
            convert(&vc("AB0"), &VBMAX, Some(2)).unwrap_err().number,
            8114
        );
        assert_eq!(
            convert(&vc("AB01"), &VBMAX, Some(1)).unwrap_err().number,
            8114
        );
    }

    #[test]
    fn datetime_conversions() {
        let v = vc("2026-11-21 15:04:05.123")
            .cast(&SqlType::DateTime)
            .unwrap();
        assert_eq!(v, Value::DateTime(dt("2026-11-21 15:04:05.123")));
        assert_eq!(v.cast(&VCMAX).unwrap(), vc("Nov 21 2026  3:04PM"));
        assert_eq!(
            convert(&v, &VCMAX, Some(120)).unwrap(),
            vc("2026-11-21 15:04:05")
        );
        assert_eq!(
            convert(&v, &VCMAX, Some(121)).unwrap(),
            vc("2026-11-21 15:04:05.123")
        );
        assert_eq!(
            convert(&v, &VCMAX, Some(126)).unwrap(),
            vc("2026-11-21T15:04:05.123")
        );
        assert_eq!(convert(&v, &VCMAX, Some(112)).unwrap(), vc("20261121"));
        assert_eq!(convert(&v, &VCMAX, Some(108)).unwrap(), vc("15:04:05"));
        assert_eq!(convert(&v, &VCMAX, Some(103)).unwrap(), vc("21/11/2026"));
        assert_eq!(
            convert(&v, &SqlType::VarChar(StrLen::Len(10)), Some(120)).unwrap(),
            vc("2026-11-21")
        );
        assert_eq!(
            vc("2026-01-01 00:00:00.002")
                .cast(&SqlType::DateTime)
                .unwrap(),
            Value::DateTime(dt("2026-01-01 00:00:00.003"))
        );
        assert_eq!(
            vc("2026-01-01 00:00:00.1234")
                .cast(&SqlType::DateTime)
                .unwrap_err()
                .number,
            241
        );
        assert_eq!(
            vc("2026-01-01 00:00:00.1234567")
                .cast(&SqlType::DateTime2(7))
                .unwrap(),
            Value::DateTime2(dt("2026-01-01 00:00:00.1234567"))
        );
        assert_eq!(
            vc("garbage").cast(&SqlType::DateTime).unwrap_err().number,
            241
        );
        assert_eq!(
            vc("garbage").cast(&SqlType::DateTime).unwrap_err().message,
            "Conversion failed when converting date and/or time from character string."
        );
        assert_eq!(
            vc("1600-01-01")
                .cast(&SqlType::DateTime)
                .unwrap_err()
                .number,
            242
        );
        assert_eq!(
            convert(&vc("21/11/2026"), &SqlType::DateTime, Some(103)).unwrap(),
            Value::DateTime(dt("2026-11-21 00:00:00"))
        );
        assert_eq!(
            vc("11/21/2026").cast(&SqlType::Date).unwrap(),
            Value::Date(dt("2026-11-21 00:00:00").date())
        );
        assert_eq!(
            v.cast(&SqlType::Date).unwrap(),
            Value::Date(dt("2026-11-21 00:00:00").date())
        );
        assert_eq!(v.cast(&SqlType::Int).unwrap(), Value::Int(46346));
        assert_eq!(
            Value::Int(1).cast(&SqlType::DateTime).unwrap(),
            Value::DateTime(dt("1900-01-02 00:00:00"))
        );
        assert_eq!(
            Value::Int(1)
                .cast(&SqlType::DateTime2(7))
                .unwrap_err()
                .number,
            529
        );
        let bytes = v.cast(&VBMAX).unwrap();
        assert_eq!(bytes.cast(&SqlType::DateTime).unwrap(), v);
        assert_eq!(
            Value::Date(dt("2026-11-21 00:00:00").date())
                .cast(&VCMAX)
                .unwrap(),
            vc("2026-11-21")
        );
        assert_eq!(
            vc("15:04:05").cast(&SqlType::Time).unwrap(),
            Value::Time(dt("2026-01-01 15:04:05").time())
        );
        assert_eq!(
            vc("2026-11-21 10:00:40")
                .cast(&SqlType::SmallDateTime)
                .unwrap(),
            Value::DateTime(dt("2026-11-21 10:01:00"))
        );
    }
}
