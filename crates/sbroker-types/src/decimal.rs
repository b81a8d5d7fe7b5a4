//! Exact `decimal(p, s)` numbers: an `i128` mantissa (up to 38 digits) with a scale,
//! and the arithmetic SQL Server does on them (result precision/scale rules, rounding half
//! away from zero, overflow errors).

use std::cmp::Ordering;
use std::fmt;

use crate::ServerError;

/// Largest precision of a SQL Server decimal.
pub const MAX_PRECISION: u8 = 38;

/// A SQL Server `decimal(precision, scale)` value: `mantissa / 10^scale`.
#[derive(Debug, Clone, Copy)]
pub struct Decimal {
    mantissa: i128,
    precision: u8,
    scale: u8,
}

fn pow10(n: u32) -> u128 {
    10u128.pow(n)
}

fn digits(v: u128) -> u8 {
    if v == 0 {
        return 1;
    }
    let mut n = 0;
    let mut x = v;
    while x > 0 {
        x /= 10;
        n += 1;
    }
    n
}

/// Arithmetic overflow error for a numeric result.
pub(crate) fn numeric_overflow() -> ServerError {
    ServerError::new(
        8115,
        "Arithmetic overflow error converting expression to data type numeric.",
    )
}

impl Decimal {
    /// Builds a decimal from its parts; the mantissa must fit the precision.
    pub fn new(mantissa: i128, precision: u8, scale: u8) -> Result<Decimal, ServerError> {
        if precision == 0 || precision > MAX_PRECISION || scale > precision {
            return Err(numeric_overflow());
        }
        if mantissa.unsigned_abs() >= pow10(precision as u32) {
            return Err(numeric_overflow());
        }
        Ok(Decimal {
            mantissa,
            precision,
            scale,
        })
    }

    /// The integer mantissa (value × 10^scale).
    pub fn mantissa(&self) -> i128 {
        self.mantissa
    }

    /// Declared precision.
    pub fn precision(&self) -> u8 {
        self.precision
    }

    /// Declared scale.
    pub fn scale(&self) -> u8 {
        self.scale
    }

    /// A decimal with the smallest precision holding this integer (scale 0).
    pub fn from_i128(v: i128) -> Decimal {
        let p = digits(v.unsigned_abs()).min(MAX_PRECISION);
        Decimal {
            mantissa: v,
            precision: p,
            scale: 0,
        }
    }

    /// An integer as a decimal with a given precision (e.g. int → decimal(10,0)).
    pub fn from_int_with_precision(v: i64, precision: u8) -> Decimal {
        Decimal {
            mantissa: v as i128,
            precision,
            scale: 0,
        }
    }

    /// True when the value is zero.
    pub fn is_zero(&self) -> bool {
        self.mantissa == 0
    }

    /// Parses a T-SQL style decimal string (`-12.50`, `+.5`, `7`); no exponent.
    /// The precision/scale are the natural ones of the literal. `None` when malformed.
    pub fn parse(s: &str) -> Option<Decimal> {
        let t = s.trim();
        let (neg, body) = match t.as_bytes().first()? {
            b'-' => (true, &t[1..]),
            b'+' => (false, &t[1..]),
            _ => (false, t),
        };
        let (int_part, frac_part) = match body.find('.') {
            Some(i) => (&body[..i], &body[i + 1..]),
            None => (body, ""),
        };
        if int_part.is_empty() && frac_part.is_empty() {
            return None;
        }
        if !int_part.bytes().all(|b| b.is_ascii_digit())
            || !frac_part.bytes().all(|b| b.is_ascii_digit())
        {
            return None;
        }
        let int_trim = int_part.trim_start_matches('0');
        if int_trim.len() + frac_part.len() > MAX_PRECISION as usize {
            // Too many digits: keep what fits by rounding the fraction, else give up.
            if int_trim.len() > MAX_PRECISION as usize {
                return None;
            }
            let keep = MAX_PRECISION as usize - int_trim.len();
            let digits_str = format!("{int_trim}{}", &frac_part[..keep]);
            let mut m: u128 = if digits_str.is_empty() {
                0
            } else {
                digits_str.parse().ok()?
            };
            if frac_part.as_bytes()[keep] >= b'5' {
                m += 1;
            }
            let m = if neg { -(m as i128) } else { m as i128 };
            return Some(Decimal {
                mantissa: m,
                precision: MAX_PRECISION,
                scale: keep as u8,
            });
        }
        let digits_str = format!("{int_trim}{frac_part}");
        let m: u128 = if digits_str.is_empty() {
            0
        } else {
            digits_str.parse().ok()?
        };
        let scale = frac_part.len() as u8;
        let precision = (int_trim.len() as u8 + scale).max(1).max(scale);
        let m = if neg { -(m as i128) } else { m as i128 };
        Some(Decimal {
            mantissa: m,
            precision,
            scale,
        })
    }

    /// Rescales to `scale` (rounding half away from zero) and checks the value fits `precision`.
    pub fn rescale(&self, precision: u8, scale: u8) -> Result<Decimal, ServerError> {
        let m = rescale_mantissa(self.mantissa, self.scale, scale).ok_or_else(numeric_overflow)?;
        Decimal::new(m, precision, scale)
    }

    /// Truncates toward zero to an integer.
    pub fn trunc_to_i128(&self) -> i128 {
        self.mantissa / pow10(self.scale as u32) as i128
    }

    /// Rounds half away from zero to an integer.
    pub fn round_to_i128(&self) -> i128 {
        rescale_mantissa(self.mantissa, self.scale, 0).unwrap_or(0)
    }

    /// Nearest `f64`.
    pub fn to_f64(&self) -> f64 {
        self.to_string().parse().unwrap_or(0.0)
    }

    /// Converts a float to `decimal(precision, scale)`, rounding; overflow is error 8115.
    pub fn from_f64(v: f64, precision: u8, scale: u8) -> Result<Decimal, ServerError> {
        if !v.is_finite() || v.abs() >= 1e38 {
            return Err(ServerError::new(
                8115,
                "Arithmetic overflow error converting float to data type numeric.",
            ));
        }
        // Shortest round-trip digits, then exact decimal rounding (half away from zero).
        let sci = format!("{:e}", v.abs());
        let (mant, exp) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
        let exp: i32 = exp.parse().unwrap_or(0);
        let (ip, fp) = mant.split_once('.').unwrap_or((mant, ""));
        let digit_str = format!("{ip}{fp}");
        let m: i128 = digit_str.parse().unwrap_or(0);
        let exp10 = exp - fp.len() as i32;
        let d = if exp10 >= 0 {
            let m = scale_up(m, exp10.min(255) as u8).ok_or_else(numeric_overflow)?;
            Decimal {
                mantissa: m,
                precision: MAX_PRECISION,
                scale: 0,
            }
        } else if -exp10 > 76 {
            Decimal {
                mantissa: 0,
                precision: MAX_PRECISION,
                scale: 0,
            }
        } else {
            let from = (-exp10) as u8;
            let to = from.min(scale).min(MAX_PRECISION);
            let m = rescale_mantissa(m, from, to).unwrap_or(0);
            Decimal {
                mantissa: m,
                precision: MAX_PRECISION,
                scale: to,
            }
        };
        let d = if v < 0.0 { d.neg() } else { d };
        d.rescale(precision, scale).map_err(|_| {
            ServerError::new(
                8115,
                "Arithmetic overflow error converting float to data type numeric.",
            )
        })
    }

    /// Negation (same precision and scale).
    pub fn neg(&self) -> Decimal {
        Decimal {
            mantissa: -self.mantissa,
            ..*self
        }
    }

    /// Numeric comparison regardless of scale.
    pub fn cmp_value(&self, other: &Decimal) -> Ordering {
        let s = self.scale.max(other.scale);
        let a = scale_up(self.mantissa, s - self.scale);
        let b = scale_up(other.mantissa, s - other.scale);
        match (a, b) {
            (Some(a), Some(b)) => a.cmp(&b),
            // One side overflowed when scaled: compare the integral parts first, then precisely.
            _ => {
                let (ai, bi) = (self.trunc_to_i128(), other.trunc_to_i128());
                if ai != bi {
                    return ai.cmp(&bi);
                }
                self.to_f64()
                    .partial_cmp(&other.to_f64())
                    .unwrap_or(Ordering::Equal)
            }
        }
    }

    /// `self + other` with SQL Server's result precision/scale.
    pub fn add(&self, other: &Decimal) -> Result<Decimal, ServerError> {
        let s = self.scale.max(other.scale) as u32;
        let int = (self.precision - self.scale).max(other.precision - other.scale) as u32;
        let (p, s) = reduce(s + int + 1, s);
        let a = rescale_mantissa(self.mantissa, self.scale, s).ok_or_else(numeric_overflow)?;
        let b = rescale_mantissa(other.mantissa, other.scale, s).ok_or_else(numeric_overflow)?;
        let m = a.checked_add(b).ok_or_else(numeric_overflow)?;
        Decimal::new(m, p, s)
    }

    /// `self - other`.
    pub fn sub(&self, other: &Decimal) -> Result<Decimal, ServerError> {
        self.add(&other.neg())
    }

    /// `self * other`: precision p1+p2+1, scale s1+s2 (reduced above 38).
    pub fn mul(&self, other: &Decimal) -> Result<Decimal, ServerError> {
        let p = self.precision as u32 + other.precision as u32 + 1;
        let s = self.scale as u32 + other.scale as u32;
        let (p, s) = reduce(p, s);
        let neg = (self.mantissa < 0) != (other.mantissa < 0);
        let prod = U256::mul(self.mantissa.unsigned_abs(), other.mantissa.unsigned_abs());
        let exact_scale = self.scale as u32 + other.scale as u32;
        let m = div_round(prod, U256::from_pow10(exact_scale - s as u32))
            .ok_or_else(numeric_overflow)?;
        let m = to_signed(m, neg)?;
        Decimal::new(m, p, s)
    }

    /// `self / other`: scale max(6, s1+p2+1); division by zero is error 8134.
    pub fn div(&self, other: &Decimal) -> Result<Decimal, ServerError> {
        if other.mantissa == 0 {
            return Err(divide_by_zero());
        }
        let s = 6u32.max(self.scale as u32 + other.precision as u32 + 1);
        let p = (self.precision - self.scale) as u32 + other.scale as u32 + s;
        let (p, s) = reduce(p, s);
        // result = m1 * 10^(s + s2 - s1) / m2
        let up = s as i32 + other.scale as i32 - self.scale as i32;
        let neg = (self.mantissa < 0) != (other.mantissa < 0);
        let (num, den) = if up >= 0 {
            (
                U256::from_pow10(up as u32).mul_u128(self.mantissa.unsigned_abs()),
                Some(U256::from_u128(other.mantissa.unsigned_abs())),
            )
        } else {
            (
                Some(U256::from_u128(self.mantissa.unsigned_abs())),
                U256::from_pow10((-up) as u32).mul_u128(other.mantissa.unsigned_abs()),
            )
        };
        let (num, den) = match (num, den) {
            (Some(n), Some(d)) => (n, d),
            _ => return Err(numeric_overflow()),
        };
        let m = div_round(num, den).ok_or_else(numeric_overflow)?;
        Decimal::new(to_signed(m, neg)?, p, s)
    }

    /// `self % other` (sign of the dividend); division by zero is error 8134.
    pub fn rem(&self, other: &Decimal) -> Result<Decimal, ServerError> {
        if other.mantissa == 0 {
            return Err(divide_by_zero());
        }
        let s = self.scale.max(other.scale);
        let int = (self.precision - self.scale).min(other.precision - other.scale);
        let (p, s) = reduce(int as u32 + s as u32, s as u32);
        let a = scale_up(self.mantissa, s - self.scale.min(s)).ok_or_else(numeric_overflow)?;
        let b = scale_up(other.mantissa, s - other.scale.min(s)).ok_or_else(numeric_overflow)?;
        Decimal::new(a % b, p.max(1), s)
    }
}

pub(crate) fn divide_by_zero() -> ServerError {
    ServerError::new(8134, "Divide by zero error encountered.")
}

fn to_signed(m: u128, neg: bool) -> Result<i128, ServerError> {
    let v = i128::try_from(m).map_err(|_| numeric_overflow())?;
    Ok(if neg { -v } else { v })
}

/// SQL Server's precision/scale reduction when the computed precision exceeds 38.
fn reduce(p: u32, s: u32) -> (u8, u8) {
    if p <= MAX_PRECISION as u32 {
        return (p.max(1) as u8, s as u8);
    }
    let int = p - s;
    let s = if int < 32 {
        s.min(MAX_PRECISION as u32 - int)
    } else if s < 6 {
        s
    } else {
        6
    };
    (MAX_PRECISION, s as u8)
}

fn scale_up(m: i128, by: u8) -> Option<i128> {
    if by > 38 {
        return if m == 0 { Some(0) } else { None };
    }
    m.checked_mul(pow10(by as u32) as i128)
}

/// Changes the scale of a mantissa, rounding half away from zero when it shrinks.
fn rescale_mantissa(m: i128, from: u8, to: u8) -> Option<i128> {
    match to.cmp(&from) {
        Ordering::Equal => Some(m),
        Ordering::Greater => scale_up(m, to - from),
        Ordering::Less => {
            let by = (from - to) as u32;
            if by > 38 {
                return Some(0);
            }
            let d = pow10(by) as i128;
            let q = m / d;
            let r = (m % d).abs();
            let q = if r * 2 >= d {
                if m < 0 { q - 1 } else { q + 1 }
            } else {
                q
            };
            Some(q)
        }
    }
}

/// A minimal unsigned 256-bit integer for exact decimal multiplication and division.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct U256 {
    hi: u128,
    lo: u128,
}

impl U256 {
    const ZERO: U256 = U256 { hi: 0, lo: 0 };

    fn from_u128(v: u128) -> U256 {
        U256 { hi: 0, lo: v }
    }

    fn from_pow10(n: u32) -> U256 {
        let mut r = U256::from_u128(1);
        for _ in 0..n {
            r = r.mul_u128(10).unwrap_or(U256 {
                hi: u128::MAX,
                lo: u128::MAX,
            });
        }
        r
    }

    fn mul(a: u128, b: u128) -> U256 {
        let mask = u64::MAX as u128;
        let (a0, a1) = (a & mask, a >> 64);
        let (b0, b1) = (b & mask, b >> 64);
        let p00 = a0 * b0;
        let p01 = a0 * b1;
        let p10 = a1 * b0;
        let p11 = a1 * b1;
        let mid = (p00 >> 64) + (p01 & mask) + (p10 & mask);
        let lo = (p00 & mask) | ((mid & mask) << 64);
        let hi = p11 + (p01 >> 64) + (p10 >> 64) + (mid >> 64);
        U256 { hi, lo }
    }

    fn mul_u128(self, b: u128) -> Option<U256> {
        let low = U256::mul(self.lo, b);
        let high = U256::mul(self.hi, b);
        if high.hi != 0 {
            return None;
        }
        let hi = low.hi.checked_add(high.lo)?;
        Some(U256 { hi, lo: low.lo })
    }

    fn shl1(self) -> U256 {
        U256 {
            hi: (self.hi << 1) | (self.lo >> 127),
            lo: self.lo << 1,
        }
    }

    fn sub(self, o: U256) -> U256 {
        let (lo, borrow) = self.lo.overflowing_sub(o.lo);
        let hi = self.hi.wrapping_sub(o.hi).wrapping_sub(borrow as u128);
        U256 { hi, lo }
    }

    fn bit(self, i: u32) -> bool {
        if i >= 128 {
            (self.hi >> (i - 128)) & 1 == 1
        } else {
            (self.lo >> i) & 1 == 1
        }
    }

    fn set_bit(&mut self, i: u32) {
        if i >= 128 {
            self.hi |= 1 << (i - 128);
        } else {
            self.lo |= 1 << i;
        }
    }

    /// (quotient, remainder); `d` must be non-zero.
    fn divrem(self, d: U256) -> (U256, U256) {
        let mut q = U256::ZERO;
        let mut r = U256::ZERO;
        for i in (0..256).rev() {
            let top = r.hi >> 127;
            r = r.shl1();
            if self.bit(i) {
                r.lo |= 1;
            }
            if top == 1 || r >= d {
                r = r.sub(d);
                q.set_bit(i);
            }
        }
        (q, r)
    }
}

/// `n / d` rounded half away from zero, if it fits in u128.
fn div_round(n: U256, d: U256) -> Option<u128> {
    if d == U256::ZERO {
        return None;
    }
    let (q, r) = n.divrem(d);
    let twice = if r.hi >> 127 == 1 {
        None
    } else {
        Some(r.shl1())
    };
    let q = match twice {
        Some(t) if t < d => q,
        _ => {
            let (lo, c) = q.lo.overflowing_add(1);
            U256 {
                hi: q.hi.saturating_add(c as u128),
                lo,
            }
        }
    };
    if q.hi != 0 { None } else { Some(q.lo) }
}

impl fmt::Display for Decimal {
    /// Prints with exactly `scale` decimals: `12.50`, `-0.05`, `7`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let abs = self.mantissa.unsigned_abs();
        let sign = if self.mantissa < 0 { "-" } else { "" };
        if self.scale == 0 {
            return write!(f, "{sign}{abs}");
        }
        let d = pow10(self.scale as u32);
        write!(
            f,
            "{sign}{}.{:0width$}",
            abs / d,
            abs % d,
            width = self.scale as usize
        )
    }
}

impl PartialEq for Decimal {
    fn eq(&self, other: &Self) -> bool {
        self.cmp_value(other) == Ordering::Equal
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::parse(s).unwrap()
    }

    #[test]
    fn parse_and_print() {
        assert_eq!(d("12.50").to_string(), "12.50");
        assert_eq!(d("-0.05").to_string(), "-0.05");
        assert_eq!(d("+.5").to_string(), "0.5");
        assert_eq!(d("7").to_string(), "7");
        assert_eq!((d("1.50").precision(), d("1.50").scale()), (3, 2));
        assert_eq!((d("0.5").precision(), d("0.5").scale()), (1, 1));
        assert!(Decimal::parse("1e5").is_none());
        assert!(Decimal::parse("abc").is_none());
        assert!(Decimal::parse(".").is_none());
    }

    #[test]
    fn rescale_rounds_half_away() {
        assert_eq!(d("1.555").rescale(10, 2).unwrap().to_string(), "1.56");
        assert_eq!(d("-1.555").rescale(10, 2).unwrap().to_string(), "-1.56");
        assert_eq!(d("1.5").rescale(10, 4).unwrap().to_string(), "1.5000");
        assert_eq!(d("123.4").rescale(3, 1).unwrap_err().number, 8115);
    }

    #[test]
    fn arithmetic_rules() {
        let r = d("1.50").add(&d("2.255")).unwrap();
        assert_eq!(r.to_string(), "3.755");
        assert_eq!(d("1.5").sub(&d("2")).unwrap().to_string(), "-0.5");
        let m = d("1.50").mul(&d("2.5")).unwrap();
        assert_eq!(
            (m.to_string(), m.precision(), m.scale()),
            ("3.750".into(), 6, 3)
        );
        let q = d("2.0").div(&d("3")).unwrap();
        assert_eq!(q.to_string(), "0.666667");
        let q = d("1").div(&d("3")).unwrap();
        assert_eq!(q.to_string(), "0.333333");
        assert_eq!(d("1").div(&d("0")).unwrap_err().number, 8134);
        assert_eq!(d("7.5").rem(&d("2")).unwrap().to_string(), "1.5");
        // Big operands: 38-digit multiply stays exact through the 256-bit path.
        let big = d("12345678901234567890.123456789");
        let prod = big.mul(&d("1000")).unwrap();
        assert_eq!(prod.to_string(), "12345678901234567890123.456789000");
        let huge = d("99999999999999999999999999999999999999");
        assert_eq!(huge.add(&huge).unwrap_err().number, 8115);
        assert_eq!(huge.mul(&huge).unwrap_err().number, 8115);
    }

    #[test]
    fn float_round_trip() {
        assert_eq!(Decimal::from_f64(1.25, 10, 1).unwrap().to_string(), "1.3");
        assert_eq!(Decimal::from_f64(1e40, 38, 0).unwrap_err().number, 8115);
        assert!((d("2.5").to_f64() - 2.5).abs() < 1e-12);
    }
}
