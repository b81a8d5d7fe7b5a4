//! HASHBYTES, and FORMAT(value, format [, culture]) for the en-US culture: .NET standard numeric formats
//! (N, F, D, P, C, X), custom numeric patterns made of `0 # , .`, and custom date/time
//! patterns (`yyyy MM dd HH mm ss fff tt MMM MMMM ddd dddd …`, quoted literals).

use chrono::{Datelike, NaiveDateTime, Timelike};
use sbroker_types::{ServerError, SqlType, Value};

/// Formats a number with `decimals` digits after the point and optional thousands groups.
fn fixed(x: f64, decimals: usize, groups: bool, min_int: usize) -> String {
    // Midpoints round away from zero, as .NET formats them.
    let scale = 10f64.powi(decimals.min(15) as i32);
    let rounded = (x.abs() * scale).round() / scale;
    let s = format!("{:.*}", decimals, rounded);
    let (int, frac) = s.split_once('.').unwrap_or((s.as_str(), ""));
    let mut int = int.to_string();
    while int.len() < min_int {
        int.insert(0, '0');
    }
    if groups {
        let mut g = String::new();
        for (i, c) in int.chars().enumerate() {
            if i > 0 && (int.len() - i) % 3 == 0 {
                g.push(',');
            }
            g.push(c);
        }
        int = g;
    }
    let sign = if x < 0.0 && s.chars().any(|c| c.is_ascii_digit() && c != '0') {
        "-"
    } else {
        ""
    };
    if frac.is_empty() {
        format!("{sign}{int}")
    } else {
        format!("{sign}{int}.{frac}")
    }
}

fn number(v: &Value, fmt: &str) -> Option<String> {
    let x: f64 = match v.cast(&SqlType::Float).ok()? {
        Value::Float(f) => f,
        _ => return None,
    };
    let mut chars = fmt.chars();
    let kind = chars.next()?;
    let rest: String = chars.collect();
    let prec = |d: usize| -> Option<usize> {
        if rest.is_empty() {
            Some(d)
        } else {
            rest.parse().ok()
        }
    };
    if rest.chars().all(|c| c.is_ascii_digit()) {
        match kind.to_ascii_uppercase() {
            'N' => return Some(fixed(x, prec(2)?, true, 1)),
            'F' => return Some(fixed(x, prec(2)?, false, 1)),
            'P' => return Some(format!("{} %", fixed(x * 100.0, prec(2)?, true, 1))),
            'C' => {
                let s = fixed(x.abs(), prec(2)?, true, 1);
                return Some(if x < 0.0 {
                    format!("(${s})")
                } else {
                    format!("${s}")
                });
            }
            'D' if x.fract() == 0.0 => return Some(fixed(x, 0, false, prec(0)?)),
            'X' if x.fract() == 0.0 && x >= 0.0 => {
                let h = format!("{:0width$X}", x as u64, width = prec(0)?);
                return Some(if kind == 'x' { h.to_lowercase() } else { h });
            }
            _ => {}
        }
    }
    // Custom numeric pattern: 0 # , . only.
    if fmt.chars().all(|c| matches!(c, '0' | '#' | ',' | '.')) {
        let (int, frac) = fmt.split_once('.').unwrap_or((fmt, ""));
        let decimals = frac.chars().filter(|c| matches!(c, '0' | '#')).count();
        let min_int = int.chars().filter(|c| *c == '0').count();
        let mut s = fixed(x, decimals, int.contains(','), min_int);
        // Optional decimals (#) drop trailing zeros.
        let required = frac.chars().filter(|c| *c == '0').count();
        if decimals > required && s.contains('.') {
            while s.ends_with('0') && s.split_once('.').is_some_and(|(_, f)| f.len() > required) {
                s.pop();
            }
            if s.ends_with('.') {
                s.pop();
            }
        }
        if min_int == 0 && s.starts_with("0.") {
            s.remove(0);
        }
        return Some(s);
    }
    None
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

fn datetime(d: &NaiveDateTime, fmt: &str) -> String {
    let fmt = match fmt {
        "d" => "M/d/yyyy",
        "D" => "dddd, MMMM d, yyyy",
        "t" => "h:mm tt",
        "T" => "h:mm:ss tt",
        "g" => "M/d/yyyy h:mm tt",
        "G" => "M/d/yyyy h:mm:ss tt",
        "s" => "yyyy-MM-ddTHH:mm:ss",
        "o" | "O" => "yyyy-MM-ddTHH:mm:ss.fffffff",
        other => other,
    };
    let chars: Vec<char> = fmt.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' || c == '"' {
            let end = chars[i + 1..]
                .iter()
                .position(|x| *x == c)
                .map_or(chars.len(), |p| i + 1 + p);
            out.extend(&chars[i + 1..end.min(chars.len())]);
            i = end + 1;
            continue;
        }
        if c == '\\' {
            if let Some(n) = chars.get(i + 1) {
                out.push(*n);
            }
            i += 2;
            continue;
        }
        let run = chars[i..].iter().take_while(|x| **x == c).count();
        let h12 = match d.hour() % 12 {
            0 => 12,
            h => h,
        };
        let text = match (c, run) {
            ('y', 1) => (d.year() % 100).to_string(),
            ('y', 2) => format!("{:02}", d.year() % 100),
            ('y', _) => format!("{:0width$}", d.year(), width = run),
            ('M', 1) => d.month().to_string(),
            ('M', 2) => format!("{:02}", d.month()),
            ('M', 3) => MONTHS[d.month0() as usize][..3].to_string(),
            ('M', _) => MONTHS[d.month0() as usize].to_string(),
            ('d', 1) => d.day().to_string(),
            ('d', 2) => format!("{:02}", d.day()),
            ('d', 3) => DAYS[d.weekday().num_days_from_monday() as usize][..3].to_string(),
            ('d', _) => DAYS[d.weekday().num_days_from_monday() as usize].to_string(),
            ('H', 1) => d.hour().to_string(),
            ('H', _) => format!("{:02}", d.hour()),
            ('h', 1) => h12.to_string(),
            ('h', _) => format!("{h12:02}"),
            ('m', 1) => d.minute().to_string(),
            ('m', _) => format!("{:02}", d.minute()),
            ('s', 1) => d.second().to_string(),
            ('s', _) => format!("{:02}", d.second()),
            ('f' | 'F', n) => {
                let digits = format!("{:09}", d.nanosecond());
                let s = digits[..n.min(9)].to_string();
                if c == 'F' {
                    s.trim_end_matches('0').to_string()
                } else {
                    s
                }
            }
            ('t', 1) => (if d.hour() < 12 { "A" } else { "P" }).to_string(),
            ('t', _) => (if d.hour() < 12 { "AM" } else { "PM" }).to_string(),
            _ => chars[i..i + run].iter().collect(),
        };
        out.push_str(&text);
        i += run;
    }
    out
}

/// FORMAT(value, format): NULL when the value is NULL or the format does not apply.
pub(crate) fn format(v: &Value, fmt: &Value) -> Result<Value, ServerError> {
    let (Value::NVarChar(f) | Value::VarChar(f)) = fmt else {
        return Ok(Value::Null);
    };
    let s = match v {
        Value::Null => None,
        Value::DateTime(d) | Value::DateTime2(d) => Some(datetime(d, f)),
        Value::Date(d) => d.and_hms_opt(0, 0, 0).map(|d| datetime(&d, f)),
        Value::Time(t) => chrono::NaiveDate::from_ymd_opt(1900, 1, 1)
            .map(|d| datetime(&d.and_time(*t), &f.replace("hh", "HH"))),
        other => number(other, f),
    };
    Ok(s.map_or(Value::Null, Value::NVarChar))
}

/// HASHBYTES(algorithm, input): SHA1 / SHA2_256 / SHA2_512 of the input's bytes (UTF-16LE
/// for nvarchar, as SQL Server hashes them).
pub(crate) fn hashbytes(alg: &Value, input: &Value) -> Result<Value, ServerError> {
    use aws_lc_rs::digest;
    let a = match alg {
        Value::Null => return Ok(Value::Null),
        other => other.to_display_string(),
    };
    let bytes: Vec<u8> = match input {
        Value::Null => return Ok(Value::Null),
        Value::NVarChar(s) => s.encode_utf16().flat_map(u16::to_le_bytes).collect(),
        Value::VarChar(s) => s.as_bytes().to_vec(),
        Value::Binary(b) => b.clone(),
        other => other.to_display_string().into_bytes(),
    };
    let algorithm = match a.to_ascii_uppercase().as_str() {
        "SHA1" | "SHA" => &digest::SHA1_FOR_LEGACY_USE_ONLY,
        "SHA2_256" => &digest::SHA256,
        "SHA2_512" => &digest::SHA512,
        _ => {
            return Err(ServerError::new(
                40000,
                format!(
                    "HASHBYTES algorithm '{a}' is not supported by this version of sbroker (SHA1, SHA2_256, SHA2_512 are)."
                ),
            ));
        }
    };
    Ok(Value::Binary(
        digest::digest(algorithm, &bytes).as_ref().to_vec(),
    ))
}
