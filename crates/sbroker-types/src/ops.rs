//! Comparison and arithmetic on [`Value`]s with T-SQL data type precedence, NULL propagation
//! and SQL Server's error numbers (8115 overflow, 8134 divide by zero, 245 conversion, 402/8117
//! incompatible operands).

use std::cmp::Ordering;

use chrono::NaiveDateTime;

use crate::ServerError;
use crate::convert::check_implicit;
use crate::datetime::{base_datetime, datetime_in_range, from_days_f64, to_days_f64};
use crate::decimal::{Decimal, divide_by_zero};
use crate::types::{SqlType, StrLen};
use crate::value::Value;

/// A binary arithmetic or bitwise operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArithOp {
    /// `+` (also string and binary concatenation).
    Add,
    /// `-`.
    Sub,
    /// `*`.
    Mul,
    /// `/`.
    Div,
    /// `%`.
    Mod,
    /// `&`.
    BitAnd,
    /// `|`.
    BitOr,
    /// `^`.
    BitXor,
}

impl ArithOp {
    /// The operator's name as SQL Server's messages spell it.
    pub fn name(self) -> &'static str {
        match self {
            ArithOp::Add => "add",
            ArithOp::Sub => "subtract",
            ArithOp::Mul => "multiply",
            ArithOp::Div => "divide",
            ArithOp::Mod => "modulo",
            ArithOp::BitAnd => "&",
            ArithOp::BitOr => "|",
            ArithOp::BitXor => "^",
        }
    }

    fn is_bitwise(self) -> bool {
        matches!(self, ArithOp::BitAnd | ArithOp::BitOr | ArithOp::BitXor)
    }
}

fn invalid_operand(type_name: &str, op: &str) -> ServerError {
    ServerError::new(
        8117,
        format!("Operand data type {type_name} is invalid for {op} operator."),
    )
}

fn incompatible(a: &Value, b: &Value, op: &str) -> ServerError {
    ServerError::new(
        402,
        format!(
            "The data types {} and {} are incompatible in the {op} operator.",
            a.type_name(),
            b.type_name()
        ),
    )
}

fn overflow(t: &SqlType, v: i128) -> ServerError {
    match t {
        SqlType::TinyInt | SqlType::SmallInt => ServerError::new(
            220,
            format!(
                "Arithmetic overflow error for data type {}, value = {v}.",
                t.json_type_name()
            ),
        ),
        _ => ServerError::new(
            8115,
            format!(
                "Arithmetic overflow error converting expression to data type {}.",
                t.json_type_name()
            ),
        ),
    }
}

/// A number pulled out of a value for arithmetic.
#[derive(Debug, Clone, Copy)]
enum Num {
    /// Integer with its type (bit/tinyint/smallint/int/bigint).
    Int(i128, SqlType),
    Dec(Decimal),
    Float(f64, bool),
}

fn as_num(v: &Value) -> Option<Num> {
    Some(match v {
        Value::Bit(b) => Num::Int(*b as i128, SqlType::Bit),
        Value::TinyInt(x) => Num::Int(*x as i128, SqlType::TinyInt),
        Value::SmallInt(x) => Num::Int(*x as i128, SqlType::SmallInt),
        Value::Int(x) => Num::Int(*x as i128, SqlType::Int),
        Value::BigInt(x) => Num::Int(*x as i128, SqlType::BigInt),
        Value::Decimal(d) => Num::Dec(*d),
        Value::Float(f) => Num::Float(*f, false),
        Value::Real(f) => Num::Float(*f as f64, true),
        _ => return None,
    })
}

fn int_as_decimal(v: i128, t: &SqlType) -> Decimal {
    let p = match t {
        SqlType::Bit => 1,
        SqlType::TinyInt => 3,
        SqlType::SmallInt => 5,
        SqlType::Int => 10,
        _ => 19,
    };
    Decimal::from_int_with_precision(v as i64, p)
}

fn num_to_dec(n: Num) -> Decimal {
    match n {
        Num::Int(v, t) => int_as_decimal(v, &t),
        Num::Dec(d) => d,
        Num::Float(f, _) => Decimal::from_f64(f, 38, 10).unwrap_or(Decimal::from_i128(0)),
    }
}

fn num_to_f64(n: Num) -> f64 {
    match n {
        Num::Int(v, _) => v as f64,
        Num::Dec(d) => d.to_f64(),
        Num::Float(f, _) => f,
    }
}

fn make_int(v: i128, t: &SqlType) -> Result<Value, ServerError> {
    let (lo, hi) = match t {
        SqlType::Bit => (0, 1),
        SqlType::TinyInt => (0, 255),
        SqlType::SmallInt => (i16::MIN as i128, i16::MAX as i128),
        SqlType::Int => (i32::MIN as i128, i32::MAX as i128),
        _ => (i64::MIN as i128, i64::MAX as i128),
    };
    if v < lo || v > hi {
        return Err(overflow(t, v));
    }
    Ok(match t {
        SqlType::Bit => Value::Bit(v != 0),
        SqlType::TinyInt => Value::TinyInt(v as u8),
        SqlType::SmallInt => Value::SmallInt(v as i16),
        SqlType::Int => Value::Int(v as i32),
        _ => Value::BigInt(v as i64),
    })
}

/// Converts `v` to the type `target` for a mixed-type comparison or arithmetic, as SQL Server's
/// implicit conversion does (strings to numbers keep their natural decimal precision).
fn coerce(v: &Value, target: &SqlType) -> Result<Value, ServerError> {
    let to = match target {
        SqlType::NVarChar(_) | SqlType::NChar(_) | SqlType::Sysname => {
            SqlType::NVarChar(StrLen::Max)
        }
        SqlType::VarChar(_) | SqlType::Char(_) => SqlType::VarChar(StrLen::Max),
        SqlType::VarBinary(_) | SqlType::Binary(_) => SqlType::VarBinary(StrLen::Max),
        SqlType::Decimal { .. } | SqlType::Numeric { .. } | SqlType::Money => {
            if let Value::VarChar(s) | Value::NVarChar(s) = v {
                return Decimal::parse(s).map(Value::Decimal).ok_or_else(|| {
                    ServerError::new(
                        8114,
                        format!("Error converting data type {} to numeric.", v.type_name()),
                    )
                });
            }
            SqlType::Decimal {
                precision: 38,
                scale: 10,
            }
        }
        SqlType::DateTime2(_) => SqlType::DateTime2(7),
        other => *other,
    };
    v.cast(&to)
}

impl Value {
    /// `self + other`: numbers by type precedence, string concatenation (nvarchar if either side
    /// is), binary concatenation, `datetime + number` = days.
    pub fn add(&self, other: &Value) -> Result<Value, ServerError> {
        arith(ArithOp::Add, self, other)
    }

    /// `self - other`.
    pub fn sub(&self, other: &Value) -> Result<Value, ServerError> {
        arith(ArithOp::Sub, self, other)
    }

    /// `self * other`.
    pub fn mul(&self, other: &Value) -> Result<Value, ServerError> {
        arith(ArithOp::Mul, self, other)
    }

    /// `self / other` (integer division truncates; zero divisor is error 8134).
    pub fn div(&self, other: &Value) -> Result<Value, ServerError> {
        arith(ArithOp::Div, self, other)
    }

    /// `self % other` (sign of the dividend; not defined for float).
    pub fn modulo(&self, other: &Value) -> Result<Value, ServerError> {
        arith(ArithOp::Mod, self, other)
    }

    /// `self & other` (integer types and bit).
    pub fn bit_and(&self, other: &Value) -> Result<Value, ServerError> {
        arith(ArithOp::BitAnd, self, other)
    }

    /// `self | other`.
    pub fn bit_or(&self, other: &Value) -> Result<Value, ServerError> {
        arith(ArithOp::BitOr, self, other)
    }

    /// `self ^ other`.
    pub fn bit_xor(&self, other: &Value) -> Result<Value, ServerError> {
        arith(ArithOp::BitXor, self, other)
    }

    /// Unary minus.
    pub fn neg(&self) -> Result<Value, ServerError> {
        Ok(match self {
            Value::Null => Value::Null,
            Value::TinyInt(v) => Value::Int(-(*v as i32)),
            Value::SmallInt(v) => make_int(-(*v as i128), &SqlType::SmallInt)?,
            Value::Int(v) => make_int(-(*v as i128), &SqlType::Int)?,
            Value::BigInt(v) => make_int(-(*v as i128), &SqlType::BigInt)?,
            Value::Decimal(d) => Value::Decimal(d.neg()),
            Value::Float(f) => Value::Float(-f),
            Value::Real(f) => Value::Real(-f),
            other => return Err(invalid_operand(other.type_name(), "minus")),
        })
    }

    /// Bitwise NOT `~`.
    pub fn bit_not(&self) -> Result<Value, ServerError> {
        Ok(match self {
            Value::Null => Value::Null,
            Value::Bit(b) => Value::Bit(!b),
            Value::TinyInt(v) => Value::TinyInt(!v),
            Value::SmallInt(v) => Value::SmallInt(!v),
            Value::Int(v) => Value::Int(!v),
            Value::BigInt(v) => Value::BigInt(!v),
            other => return Err(invalid_operand(other.type_name(), "~")),
        })
    }

    /// Compares two values under the default collation (SQL_Latin1_General_CP1_CI_AS: strings
    /// case-insensitive, trailing spaces ignored), converting the operand of lower type
    /// precedence first. `Ok(None)` when either side is NULL.
    pub fn compare(&self, other: &Value) -> Result<Option<Ordering>, ServerError> {
        compare_impl(self, other, false)
    }

    /// Like [`Value::compare`] but strings compare by exact code points (a binary collation);
    /// trailing spaces are still ignored.
    pub fn compare_binary(&self, other: &Value) -> Result<Option<Ordering>, ServerError> {
        compare_impl(self, other, true)
    }

    /// `self = other` under the default collation; `None` when either side is NULL.
    pub fn sql_eq(&self, other: &Value) -> Result<Option<bool>, ServerError> {
        Ok(self.compare(other)?.map(|o| o == Ordering::Equal))
    }
}

/// Applies a binary arithmetic/bitwise operator with NULL propagation and type precedence.
pub fn arith(op: ArithOp, a: &Value, b: &Value) -> Result<Value, ServerError> {
    if a.is_null() || b.is_null() {
        return Ok(Value::Null);
    }
    let (ta, tb) = (a.sql_type(), b.sql_type());
    for (v, t) in [(a, &ta), (b, &tb)] {
        if matches!(t, SqlType::Xml | SqlType::UniqueIdentifier) {
            return Err(invalid_operand(v.type_name(), op.name()));
        }
    }
    // Strings and binary: concatenation.
    let a_text = ta.is_string() || ta.is_binary();
    let b_text = tb.is_string() || tb.is_binary();
    if a_text && b_text {
        if op != ArithOp::Add {
            if ta.is_binary() && tb.is_binary() && op.is_bitwise() {
                return Err(incompatible(a, b, op.name()));
            }
            return Err(invalid_operand(a.type_name(), op.name()));
        }
        return Ok(match (a, b) {
            (Value::Binary(x), Value::Binary(y)) => {
                let mut out = x.clone();
                out.extend_from_slice(y);
                Value::Binary(out)
            }
            _ => {
                let unicode = ta.is_unicode() || tb.is_unicode();
                let target = if unicode {
                    SqlType::NVarChar(StrLen::Max)
                } else {
                    SqlType::VarChar(StrLen::Max)
                };
                let text = |v: &Value| -> Result<String, ServerError> {
                    match v.cast(&target)? {
                        Value::VarChar(s) | Value::NVarChar(s) => Ok(s),
                        _ => Ok(String::new()),
                    }
                };
                let s = text(a)? + &text(b)?;
                if unicode {
                    Value::NVarChar(s)
                } else {
                    Value::VarChar(s)
                }
            }
        });
    }
    // Date and time.
    if ta.is_temporal() || tb.is_temporal() {
        return temporal_arith(op, a, b, &ta, &tb);
    }
    // Numbers (a string or binary operand converts to the other operand's numeric type).
    let na = match as_num(a) {
        Some(n) => n,
        None => {
            check_implicit(&ta, &tb).map_err(|_| incompatible(a, b, op.name()))?;
            as_num(&coerce(a, &tb)?).ok_or_else(|| incompatible(a, b, op.name()))?
        }
    };
    let nb = match as_num(b) {
        Some(n) => n,
        None => {
            check_implicit(&tb, &ta).map_err(|_| incompatible(a, b, op.name()))?;
            as_num(&coerce(b, &ta)?).ok_or_else(|| incompatible(a, b, op.name()))?
        }
    };
    numeric_arith(op, na, nb, a, b)
}

fn numeric_arith(
    op: ArithOp,
    na: Num,
    nb: Num,
    a: &Value,
    b: &Value,
) -> Result<Value, ServerError> {
    match (na, nb) {
        (Num::Float(..), _) | (_, Num::Float(..)) => {
            if op == ArithOp::Mod || op.is_bitwise() {
                return Err(incompatible(a, b, op.name()));
            }
            let both_real = matches!((na, nb), (Num::Float(_, true), Num::Float(_, true)))
                || matches!(
                    (na, nb),
                    (Num::Float(_, true), Num::Int(..)) | (Num::Int(..), Num::Float(_, true))
                );
            let (x, y) = (num_to_f64(na), num_to_f64(nb));
            let r = match op {
                ArithOp::Add => x + y,
                ArithOp::Sub => x - y,
                ArithOp::Mul => x * y,
                _ => {
                    if y == 0.0 {
                        return Err(divide_by_zero());
                    }
                    x / y
                }
            };
            let name = if both_real { "real" } else { "float" };
            if !r.is_finite() || (both_real && !(r as f32).is_finite()) {
                return Err(ServerError::new(
                    8115,
                    format!("Arithmetic overflow error converting expression to data type {name}."),
                ));
            }
            Ok(if both_real {
                Value::Real(r as f32)
            } else {
                Value::Float(r)
            })
        }
        (Num::Dec(_), _) | (_, Num::Dec(_)) => {
            if op.is_bitwise() {
                return Err(incompatible(a, b, op.name()));
            }
            let (x, y) = (num_to_dec(na), num_to_dec(nb));
            let r = match op {
                ArithOp::Add => x.add(&y),
                ArithOp::Sub => x.sub(&y),
                ArithOp::Mul => x.mul(&y),
                ArithOp::Div => x.div(&y),
                _ => x.rem(&y),
            }?;
            Ok(Value::Decimal(r))
        }
        (Num::Int(x, tx), Num::Int(y, ty)) => {
            let t = if tx.precedence() >= ty.precedence() {
                tx
            } else {
                ty
            };
            if t == SqlType::Bit && !op.is_bitwise() {
                return Err(incompatible(a, b, op.name()));
            }
            let r = match op {
                ArithOp::Add => x + y,
                ArithOp::Sub => x - y,
                ArithOp::Mul => x * y,
                ArithOp::Div => {
                    if y == 0 {
                        return Err(divide_by_zero());
                    }
                    x / y
                }
                ArithOp::Mod => {
                    if y == 0 {
                        return Err(divide_by_zero());
                    }
                    x % y
                }
                ArithOp::BitAnd => x & y,
                ArithOp::BitOr => x | y,
                ArithOp::BitXor => x ^ y,
            };
            if op.is_bitwise() && t == SqlType::TinyInt {
                return Ok(Value::TinyInt((r & 0xFF) as u8));
            }
            make_int(r, &t)
        }
    }
}

fn temporal_arith(
    op: ArithOp,
    a: &Value,
    b: &Value,
    ta: &SqlType,
    tb: &SqlType,
) -> Result<Value, ServerError> {
    let (hi, other_t) = if ta.precedence() >= tb.precedence() {
        (ta, tb)
    } else {
        (tb, ta)
    };
    if !matches!(op, ArithOp::Add | ArithOp::Sub) {
        let culprit = if ta.is_temporal() {
            a.type_name()
        } else {
            b.type_name()
        };
        return Err(invalid_operand(culprit, op.name()));
    }
    if !matches!(hi, SqlType::DateTime | SqlType::SmallDateTime) {
        if other_t.is_temporal() {
            return Err(invalid_operand(hi.json_type_name(), op.name()));
        }
        return Err(ServerError::new(
            206,
            format!(
                "Operand type clash: {} is incompatible with {}",
                hi.json_type_name(),
                other_t.json_type_name()
            ),
        ));
    }
    let days = |v: &Value| -> Result<f64, ServerError> {
        match v {
            Value::DateTime(dt) => Ok(to_days_f64(dt)),
            Value::VarChar(_) | Value::NVarChar(_) => match v.cast(&SqlType::DateTime)? {
                Value::DateTime(dt) => Ok(to_days_f64(&dt)),
                _ => Ok(0.0),
            },
            other => match as_num(other) {
                Some(n) => Ok(num_to_f64(n)),
                None => Err(incompatible(a, b, op.name())),
            },
        }
    };
    let (x, y) = (days(a)?, days(b)?);
    let r = if op == ArithOp::Add { x + y } else { x - y };
    let overflow = || {
        ServerError::new(
            8115,
            "Arithmetic overflow error converting expression to data type datetime.",
        )
    };
    let dt: NaiveDateTime = from_days_f64(r).ok_or_else(overflow)?;
    if !datetime_in_range(&dt) {
        return Err(overflow());
    }
    Ok(Value::DateTime(dt))
}

/// Compares strings as the default CI_AS collation does: case-insensitive, trailing
/// spaces ignored (accents significant).
pub fn collate_cmp(a: &str, b: &str) -> Ordering {
    let a = a.trim_end_matches(' ');
    let b = b.trim_end_matches(' ');
    a.chars()
        .flat_map(char::to_lowercase)
        .cmp(b.chars().flat_map(char::to_lowercase))
}

fn binary_cmp(a: &[u8], b: &[u8]) -> Ordering {
    let n = a.len().max(b.len());
    let at = |x: &[u8], i: usize| x.get(i).copied().unwrap_or(0);
    (0..n)
        .map(|i| at(a, i).cmp(&at(b, i)))
        .find(|o| *o != Ordering::Equal)
        .unwrap_or(Ordering::Equal)
}

/// SQL Server's uniqueidentifier ordering (bytes 10..16 first, then 8-9, 6-7, 4-5, 0-3 of
/// the little-endian layout).
fn guid_cmp(a: &uuid::Uuid, b: &uuid::Uuid) -> Ordering {
    const ORDER: [usize; 16] = [10, 11, 12, 13, 14, 15, 8, 9, 6, 7, 4, 5, 0, 1, 2, 3];
    let (x, y) = (a.to_bytes_le(), b.to_bytes_le());
    ORDER
        .iter()
        .map(|&i| x[i].cmp(&y[i]))
        .find(|o| *o != Ordering::Equal)
        .unwrap_or(Ordering::Equal)
}

fn temporal_of(v: &Value) -> Option<NaiveDateTime> {
    match v {
        Value::DateTime(dt) | Value::DateTime2(dt) => Some(*dt),
        Value::Date(d) => Some(d.and_time(chrono::NaiveTime::MIN)),
        Value::Time(t) => Some(base_datetime().date().and_time(*t)),
        _ => None,
    }
}

fn compare_impl(a: &Value, b: &Value, exact: bool) -> Result<Option<Ordering>, ServerError> {
    if a.is_null() || b.is_null() {
        return Ok(None);
    }
    if matches!(a, Value::Xml(_)) || matches!(b, Value::Xml(_)) {
        return Err(ServerError::new(
            305,
            "The XML data type cannot be compared or sorted, except when using the IS NULL operator.",
        ));
    }
    match (a, b) {
        (Value::VarChar(x) | Value::NVarChar(x), Value::VarChar(y) | Value::NVarChar(y)) => {
            return Ok(Some(if exact {
                x.trim_end_matches(' ').cmp(y.trim_end_matches(' '))
            } else {
                collate_cmp(x, y)
            }));
        }
        (Value::Binary(x), Value::Binary(y)) => return Ok(Some(binary_cmp(x, y))),
        (Value::Guid(x), Value::Guid(y)) => return Ok(Some(guid_cmp(x, y))),
        _ => {}
    }
    if let (Some(x), Some(y)) = (as_num(a), as_num(b)) {
        return Ok(Some(num_cmp(x, y)));
    }
    if let (Some(x), Some(y)) = (temporal_of(a), temporal_of(b)) {
        return Ok(Some(x.cmp(&y)));
    }
    // Mixed families: convert the lower-precedence side to the other's type.
    let (ta, tb) = (a.sql_type(), b.sql_type());
    let clash = || incompatible(a, b, "equal to");
    if ta.precedence() >= tb.precedence() {
        check_implicit(&tb, &ta).map_err(|_| clash())?;
        let b2 = coerce(b, &ta)?;
        if std::mem::discriminant(&b2) == std::mem::discriminant(b) {
            return Err(clash());
        }
        compare_impl(a, &b2, exact)
    } else {
        check_implicit(&ta, &tb).map_err(|_| clash())?;
        let a2 = coerce(a, &tb)?;
        if std::mem::discriminant(&a2) == std::mem::discriminant(a) {
            return Err(clash());
        }
        compare_impl(&a2, b, exact)
    }
}

fn num_cmp(x: Num, y: Num) -> Ordering {
    match (x, y) {
        (Num::Int(a, _), Num::Int(b, _)) => a.cmp(&b),
        (Num::Float(..), _) | (_, Num::Float(..)) => num_to_f64(x)
            .partial_cmp(&num_to_f64(y))
            .unwrap_or(Ordering::Equal),
        _ => num_to_dec(x).cmp_value(&num_to_dec(y)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn nv(s: &str) -> Value {
        Value::NVarChar(s.into())
    }
    fn vc(s: &str) -> Value {
        Value::VarChar(s.into())
    }
    fn dec(s: &str) -> Value {
        Value::Decimal(Decimal::parse(s).unwrap())
    }
    fn dt(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f").unwrap()
    }

    #[test]
    fn null_comparisons() {
        assert_eq!(Value::Null.compare(&Value::Int(1)).unwrap(), None);
        assert_eq!(Value::Int(1).compare(&Value::Null).unwrap(), None);
        assert_eq!(Value::Null.compare(&Value::Null).unwrap(), None);
        assert_eq!(Value::Null.sql_eq(&nv("x")).unwrap(), None);
    }

    #[test]
    fn case_insensitive_strings() {
        assert_eq!(vc("abc").sql_eq(&vc("ABC ")).unwrap(), Some(true));
        assert_eq!(nv("Hello").sql_eq(&vc("hello")).unwrap(), Some(true));
        assert_eq!(nv("é").sql_eq(&nv("e")).unwrap(), Some(false));
        assert_eq!(vc("a").compare(&vc("B")).unwrap(), Some(Ordering::Less));
        assert_eq!(
            vc("abc").compare_binary(&vc("ABC")).unwrap(),
            Some(Ordering::Greater)
        );
        assert_eq!(
            vc("abc").compare_binary(&vc("abc  ")).unwrap(),
            Some(Ordering::Equal)
        );
    }

    #[test]
    fn precedence_in_comparisons() {
        assert_eq!(
            Value::Int(10).compare(&vc("9")).unwrap(),
            Some(Ordering::Greater)
        );
        assert_eq!(
            vc("10").compare(&Value::Int(10)).unwrap(),
            Some(Ordering::Equal)
        );
        assert_eq!(Value::Int(1).compare(&vc("abc")).unwrap_err().number, 245);
        assert_eq!(
            dec("1.50").compare(&Value::Int(1)).unwrap(),
            Some(Ordering::Greater)
        );
        assert_eq!(
            dec("1.50").compare(&dec("1.5")).unwrap(),
            Some(Ordering::Equal)
        );
        assert_eq!(
            Value::Float(1.5).compare(&dec("1.5")).unwrap(),
            Some(Ordering::Equal)
        );
        assert_eq!(
            dec("2.5").compare(&vc("2.50")).unwrap(),
            Some(Ordering::Equal)
        );
        let g = Uuid::parse_str("6f9619ff-8b86-d011-b42d-00c04fc964ff").unwrap();
        assert_eq!(
            Value::Guid(g)
                .compare(&vc("6F9619FF-8B86-D011-B42D-00C04FC964FF"))
                .unwrap(),
            Some(Ordering::Equal)
        );
        assert_eq!(
            Value::Guid(g).compare(&Value::Int(1)).unwrap_err().number,
            402
        );
        assert_eq!(
            Value::DateTime(dt("2026-01-01 00:00:00"))
                .compare(&vc("2026-01-01"))
                .unwrap(),
            Some(Ordering::Equal)
        );
        assert_eq!(
            Value::Binary(vec![1])
                .compare(&Value::Binary(vec![1, 0]))
                .unwrap(),
            Some(Ordering::Equal)
        );
        assert_eq!(
            Value::Xml("<a/>".into())
                .compare(&Value::Xml("<a/>".into()))
                .unwrap_err()
                .number,
            305
        );
        assert_eq!(
            Value::Bit(true).compare(&Value::Int(1)).unwrap(),
            Some(Ordering::Equal)
        );
    }

    #[test]
    fn guid_ordering_is_sql_server_order() {
        let a = Uuid::parse_str("00000000-0000-0000-0000-000000000001").unwrap();
        let b = Uuid::parse_str("01000000-0000-0000-0000-000000000000").unwrap();
        // The node bytes dominate.
        assert_eq!(
            Value::Guid(a).compare(&Value::Guid(b)).unwrap(),
            Some(Ordering::Greater)
        );
    }

    #[test]
    fn integer_arithmetic_and_errors() {
        assert_eq!(Value::Int(2).add(&Value::Int(3)).unwrap(), Value::Int(5));
        assert_eq!(Value::Int(7).div(&Value::Int(2)).unwrap(), Value::Int(3));
        assert_eq!(Value::Int(-7).div(&Value::Int(2)).unwrap(), Value::Int(-3));
        assert_eq!(
            Value::Int(-7).modulo(&Value::Int(2)).unwrap(),
            Value::Int(-1)
        );
        let e = Value::Int(i32::MAX).add(&Value::Int(1)).unwrap_err();
        assert_eq!(
            (e.number, e.message.as_str()),
            (
                8115,
                "Arithmetic overflow error converting expression to data type int."
            )
        );
        assert_eq!(
            Value::Int(i32::MIN)
                .div(&Value::Int(-1))
                .unwrap_err()
                .number,
            8115
        );
        let e = Value::Int(1).div(&Value::Int(0)).unwrap_err();
        assert_eq!(
            (e.number, e.message.as_str()),
            (8134, "Divide by zero error encountered.")
        );
        assert_eq!(
            Value::Int(1).modulo(&Value::Int(0)).unwrap_err().number,
            8134
        );
        assert_eq!(
            Value::Int(1).add(&Value::BigInt(i64::MAX - 1)).unwrap(),
            Value::BigInt(i64::MAX)
        );
        assert_eq!(
            Value::BigInt(i64::MAX)
                .add(&Value::Int(1))
                .unwrap_err()
                .number,
            8115
        );
        assert_eq!(
            Value::TinyInt(255)
                .add(&Value::TinyInt(1))
                .unwrap_err()
                .number,
            220
        );
        assert_eq!(Value::Int(i32::MIN).neg().unwrap_err().number, 8115);
        assert_eq!(Value::Int(5).neg().unwrap(), Value::Int(-5));
        assert_eq!(
            Value::Int(6).bit_and(&Value::Int(3)).unwrap(),
            Value::Int(2)
        );
        assert_eq!(Value::Int(6).bit_or(&Value::Int(3)).unwrap(), Value::Int(7));
        assert_eq!(
            Value::Int(6).bit_xor(&Value::Int(3)).unwrap(),
            Value::Int(5)
        );
        assert_eq!(Value::Int(0).bit_not().unwrap(), Value::Int(-1));
        assert_eq!(Value::Bit(true).bit_not().unwrap(), Value::Bit(false));
        assert_eq!(
            Value::Bit(true).bit_and(&Value::Bit(false)).unwrap(),
            Value::Bit(false)
        );
        assert_eq!(Value::Bit(true).add(&Value::Int(1)).unwrap(), Value::Int(2));
    }

    #[test]
    fn null_propagation() {
        assert_eq!(Value::Null.add(&Value::Int(1)).unwrap(), Value::Null);
        assert_eq!(nv("a").add(&Value::Null).unwrap(), Value::Null);
        assert_eq!(Value::Int(1).div(&Value::Null).unwrap(), Value::Null);
        assert_eq!(Value::Null.neg().unwrap(), Value::Null);
    }

    #[test]
    fn decimal_and_float_arithmetic() {
        assert_eq!(
            dec("1.50").add(&Value::Int(1)).unwrap().to_display_string(),
            "2.50"
        );
        assert_eq!(
            dec("10").div(&Value::Int(4)).unwrap().to_display_string(),
            "2.50000000000"
        );
        assert_eq!(dec("1").div(&Value::Int(0)).unwrap_err().number, 8134);
        assert_eq!(
            Value::Float(1.5).mul(&Value::Int(2)).unwrap(),
            Value::Float(3.0)
        );
        assert_eq!(
            Value::Float(1.0)
                .div(&Value::Float(0.0))
                .unwrap_err()
                .number,
            8134
        );
        assert_eq!(
            Value::Float(1.0).modulo(&Value::Int(1)).unwrap_err().number,
            402
        );
        assert_eq!(
            Value::Float(1e308)
                .mul(&Value::Float(10.0))
                .unwrap_err()
                .number,
            8115
        );
    }

    #[test]
    fn strings_in_arithmetic() {
        assert_eq!(vc("ab").add(&vc("cd")).unwrap(), vc("abcd"));
        assert_eq!(vc("ab").add(&nv("cd")).unwrap(), nv("abcd"));
        assert_eq!(vc("5").add(&Value::Int(1)).unwrap(), Value::Int(6));
        assert_eq!(Value::Int(1).add(&vc("5")).unwrap(), Value::Int(6));
        let e = vc("abc").add(&Value::Int(1)).unwrap_err();
        assert_eq!(e.number, 245);
        assert_eq!(
            vc("1.5").add(&dec("1.0")).unwrap().to_display_string(),
            "2.5"
        );
        assert_eq!(vc("a").sub(&vc("b")).unwrap_err().number, 8117);
        assert_eq!(
            Value::Binary(vec![1]).add(&Value::Binary(vec![2])).unwrap(),
            Value::Binary(vec![1, 2])
        );
        assert_eq!(
            Value::Binary(vec![b'h', 0]).add(&nv("i")).unwrap(),
            nv("hi")
        );
        let g = Uuid::nil();
        assert_eq!(Value::Guid(g).add(&nv("x")).unwrap_err().number, 8117);
    }

    #[test]
    fn datetime_arithmetic() {
        let d = Value::DateTime(dt("2026-11-21 15:04:05.123"));
        assert_eq!(
            d.add(&Value::Int(1)).unwrap(),
            Value::DateTime(dt("2026-11-22 15:04:05.123"))
        );
        assert_eq!(
            d.sub(&Value::Int(21)).unwrap(),
            Value::DateTime(dt("2026-10-31 15:04:05.123"))
        );
        assert_eq!(
            Value::Int(1).add(&d).unwrap(),
            Value::DateTime(dt("2026-11-22 15:04:05.123"))
        );
        assert_eq!(
            d.add(&Value::Float(0.5)).unwrap(),
            Value::DateTime(dt("2026-11-22 03:04:05.123"))
        );
        assert_eq!(
            d.sub(&Value::DateTime(dt("2026-11-20 15:04:05.123")))
                .unwrap(),
            Value::DateTime(dt("1900-01-02 00:00:00"))
        );
        assert_eq!(d.mul(&Value::Int(2)).unwrap_err().number, 8117);
        assert_eq!(
            Value::DateTime2(dt("2026-01-01 00:00:00"))
                .add(&Value::Int(1))
                .unwrap_err()
                .number,
            206
        );
        assert_eq!(
            Value::DateTime(dt("9999-12-31 00:00:00"))
                .add(&Value::Int(1))
                .unwrap_err()
                .number,
            8115
        );
    }
}
