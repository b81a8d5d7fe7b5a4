//! Date and time helpers: SQL Server rounding (datetime's 1/300 s), string parsing
//! and the `CONVERT` styles.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Timelike};

use crate::ServerError;

/// Which temporal type a value has; decides precision and default formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TemporalKind {
    /// `datetime` (3 fractional digits, 1/300 s).
    DateTime,
    /// `smalldatetime` (minutes).
    SmallDateTime,
    /// `datetime2(scale)`.
    DateTime2(u8),
    /// `date`.
    Date,
    /// `time` (7 digits).
    Time,
}

impl TemporalKind {
    fn frac_digits(self) -> usize {
        match self {
            TemporalKind::DateTime => 3,
            TemporalKind::SmallDateTime | TemporalKind::Date => 0,
            TemporalKind::DateTime2(s) => s.min(7) as usize,
            TemporalKind::Time => 7,
        }
    }
}

/// 1900-01-01 00:00:00, the zero of `datetime`.
pub fn base_datetime() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(1900, 1, 1)
        .unwrap_or_default()
        .and_time(NaiveTime::MIN)
}

/// The error SQL Server raises for an unparsable date/time string (241).
pub fn parse_error() -> ServerError {
    ServerError::new(
        241,
        "Conversion failed when converting date and/or time from character string.",
    )
}

/// Rounds to datetime's 1/300 s ticks: milliseconds end in 0, 3 or 7.
pub fn round_datetime(dt: NaiveDateTime) -> NaiveDateTime {
    let secs = dt.time().num_seconds_from_midnight() as u64;
    let nanos = (dt.time().nanosecond() as u64).min(999_999_999);
    let ticks_in_sec = (nanos * 300 + 500_000_000) / 1_000_000_000; // 0..=300
    let total_ticks = secs * 300 + ticks_in_sec;
    let day_secs = total_ticks / 300;
    let rem = total_ticks % 300;
    let ms = (rem * 10 + 1) / 3;
    let date = dt.date();
    let (date, day_secs, ms) = if day_secs >= 86_400 {
        match date.succ_opt() {
            Some(next) => (next, day_secs - 86_400, ms),
            // 9999-12-31 23:59:59.999 has nowhere to round up to: keep the last tick.
            None => (date, 86_399, 997),
        }
    } else {
        (date, day_secs, ms)
    };
    let time =
        NaiveTime::from_num_seconds_from_midnight_opt(day_secs as u32, (ms * 1_000_000) as u32)
            .unwrap_or(NaiveTime::MIN);
    date.and_time(time)
}

/// Rounds to whole minutes as smalldatetime does (29.998 s and up round up).
pub fn round_smalldatetime(dt: NaiveDateTime) -> NaiveDateTime {
    let dt = round_datetime(dt);
    let base = dt
        .with_second(0)
        .and_then(|d| d.with_nanosecond(0))
        .unwrap_or(dt);
    let sub_minute = dt.second() as u64 * 1000 + (dt.nanosecond() / 1_000_000) as u64;
    if sub_minute >= 29_998 {
        base.checked_add_signed(Duration::minutes(1))
            .unwrap_or(base)
    } else {
        base
    }
}

/// Rounds the fraction of seconds to `scale` digits (datetime2/time).
pub fn round_fraction(dt: NaiveDateTime, scale: u8) -> NaiveDateTime {
    let unit = 10u64.pow(9 - scale.min(7) as u32);
    let nanos = (dt.nanosecond() as u64).min(999_999_999);
    let rounded = (nanos + unit / 2) / unit * unit;
    let base = dt.with_nanosecond(0).unwrap_or(dt);
    base.checked_add_signed(Duration::nanoseconds(rounded as i64))
        .unwrap_or_else(|| {
            dt.with_nanosecond((999_999_999 / unit * unit) as u32)
                .unwrap_or(dt)
        })
}

/// Rounds a value to what `kind` can hold.
pub fn round_for(dt: NaiveDateTime, kind: TemporalKind) -> NaiveDateTime {
    match kind {
        TemporalKind::DateTime => round_datetime(dt),
        TemporalKind::SmallDateTime => round_smalldatetime(dt),
        TemporalKind::DateTime2(s) => round_fraction(dt, s),
        TemporalKind::Time => round_fraction(dt, 7),
        TemporalKind::Date => dt.date().and_time(NaiveTime::MIN),
    }
}

/// Checks the range of `datetime` (1753-01-01 .. 9999-12-31).
pub fn datetime_in_range(dt: &NaiveDateTime) -> bool {
    (1753..=9999).contains(&dt.year())
}

/// Checks the range of `smalldatetime` (1900-01-01 .. 2079-06-06 23:59).
pub fn smalldatetime_in_range(dt: &NaiveDateTime) -> bool {
    let max = NaiveDate::from_ymd_opt(2079, 6, 6).and_then(|d| d.and_hms_opt(23, 59, 0));
    *dt >= base_datetime() && max.is_some_and(|m| *dt <= m)
}

/// A parsed date/time string: the date (if written), the time (if written) and the
/// number of fractional-second digits written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParsedDateTime {
    /// Date part, `None` when only a time was written.
    pub date: Option<NaiveDate>,
    /// Time part, `None` when only a date was written.
    pub time: Option<NaiveTime>,
    /// Count of fractional-second digits in the input.
    pub frac_digits: usize,
}

impl ParsedDateTime {
    /// Combines into a timestamp (missing date = 1900-01-01, missing time = midnight).
    pub fn to_naive(&self) -> NaiveDateTime {
        self.date
            .unwrap_or(base_datetime().date())
            .and_time(self.time.unwrap_or(NaiveTime::MIN))
    }
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];
const MONTH_NAMES: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn month_from_name(s: &str) -> Option<u32> {
    let l = s.trim_end_matches(',').to_ascii_lowercase();
    if l.len() < 3 {
        return None;
    }
    let full = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    MONTHS
        .iter()
        .zip(full.iter())
        .position(|(a, f)| l == *a || l == *f)
        .map(|i| i as u32 + 1)
}

fn num(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 9 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn year(s: &str) -> Option<i32> {
    let y = num(s)? as i32;
    match s.len() {
        4 => Some(y),
        1 | 2 => Some(if y < 50 { 2000 + y } else { 1900 + y }),
        _ => None,
    }
}

/// Parses a date/time string as SQL Server accepts it: ISO `yyyy-mm-dd[Thh:mi:ss[.f]]`,
/// `yyyymmdd [time]`, `mm/dd/yyyy [time]` (or `dd/mm/yyyy` when `dmy`), `yyyy/mm/dd`,
/// month names (`Nov 21 2026 3:04PM`, `21 Nov 2026`), or a time alone.
/// An empty string means 1900-01-01.
pub fn parse_datetime_str(input: &str, dmy: bool) -> Option<ParsedDateTime> {
    let s = input.trim();
    if s.is_empty() {
        return Some(ParsedDateTime {
            date: Some(base_datetime().date()),
            time: None,
            frac_digits: 0,
        });
    }
    // ISO 8601 with 'T'.
    if s.len() > 11 && s.as_bytes()[10] == b'T' && s.is_char_boundary(10) {
        let date = parse_date_part(&s[..10], dmy)?;
        let t = s[11..].trim_end_matches('Z');
        let (time, frac) = parse_time_part(t)?;
        return Some(ParsedDateTime {
            date: Some(date),
            time: Some(time),
            frac_digits: frac,
        });
    }
    let tokens: Vec<&str> = s.split_whitespace().collect();
    let is_time_start = |t: &str| {
        let u = t.to_ascii_uppercase();
        t.contains(':')
            || ((u.ends_with("AM") || u.ends_with("PM"))
                && t.as_bytes().first().is_some_and(u8::is_ascii_digit))
    };
    let split = tokens
        .iter()
        .position(|t| is_time_start(t))
        .unwrap_or(tokens.len());
    let date_tokens = &tokens[..split];
    let time_text: String = tokens[split..].concat();
    let date = if date_tokens.is_empty() {
        None
    } else if date_tokens.len() == 1 {
        Some(parse_date_part(date_tokens[0], dmy)?)
    } else {
        Some(parse_named_month(date_tokens)?)
    };
    let (time, frac) = if time_text.is_empty() {
        (None, 0)
    } else {
        parse_time_part(&time_text).map(|(t, f)| (Some(t), f))?
    };
    if date.is_none() && time.is_none() {
        return None;
    }
    Some(ParsedDateTime {
        date,
        time,
        frac_digits: frac,
    })
}

fn parse_date_part(s: &str, dmy: bool) -> Option<NaiveDate> {
    if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
        return NaiveDate::from_ymd_opt(num(&s[..4])? as i32, num(&s[4..6])?, num(&s[6..])?);
    }
    if s.len() == 6 && s.bytes().all(|b| b.is_ascii_digit()) {
        return NaiveDate::from_ymd_opt(year(&s[..2])?, num(&s[2..4])?, num(&s[4..])?);
    }
    let sep = s.chars().find(|c| matches!(c, '-' | '/' | '.'))?;
    let parts: Vec<&str> = s.split(sep).collect();
    match parts.as_slice() {
        [a, b, c] if a.len() == 4 => NaiveDate::from_ymd_opt(year(a)?, num(b)?, num(c)?),
        [a, b, c] => {
            let (m, d) = if dmy {
                (num(b)?, num(a)?)
            } else {
                (num(a)?, num(b)?)
            };
            NaiveDate::from_ymd_opt(year(c)?, m, d)
        }
        [a, b] if a.len() == 4 => NaiveDate::from_ymd_opt(year(a)?, num(b)?, 1),
        _ => None,
    }
}

fn parse_named_month(tokens: &[&str]) -> Option<NaiveDate> {
    let toks: Vec<&str> = tokens.iter().map(|t| t.trim_end_matches(',')).collect();
    match toks.as_slice() {
        [m, d, y] if month_from_name(m).is_some() => {
            NaiveDate::from_ymd_opt(year(y)?, month_from_name(m)?, num(d)?)
        }
        [d, m, y] if month_from_name(m).is_some() => {
            NaiveDate::from_ymd_opt(year(y)?, month_from_name(m)?, num(d)?)
        }
        [m, y] if month_from_name(m).is_some() => {
            NaiveDate::from_ymd_opt(year(y)?, month_from_name(m)?, 1)
        }
        _ => None,
    }
}

/// Parses `h:mi[:ss[.fffffff|:fff]][AM|PM]` or `hAM`; returns the time and fraction digit count.
fn parse_time_part(s: &str) -> Option<(NaiveTime, usize)> {
    let u = s.trim().to_ascii_uppercase();
    let (body, ampm) = if let Some(b) = u.strip_suffix("AM") {
        (b.trim_end(), Some(false))
    } else if let Some(b) = u.strip_suffix("PM") {
        (b.trim_end(), Some(true))
    } else {
        (u.as_str(), None)
    };
    let parts: Vec<&str> = body.split(':').collect();
    let (h, mi, sec_part, ms_part) = match parts.as_slice() {
        [h] if ampm.is_some() => (num(h)?, 0, None, None),
        [h, m] => (num(h)?, num(m)?, None, None),
        [h, m, s] => (num(h)?, num(m)?, Some(*s), None),
        [h, m, s, f] => (num(h)?, num(m)?, Some(*s), Some(*f)),
        _ => return None,
    };
    let mut h = h;
    if let Some(pm) = ampm {
        if h > 12 || h == 0 && pm {
            return None;
        }
        if h == 12 {
            h = 0;
        }
        if pm {
            h += 12;
        }
    }
    let (sec, mut nanos, mut frac) = match sec_part {
        None => (0, 0, 0),
        Some(sp) => match sp.split_once('.') {
            Some((ss, f)) => {
                let (n, d) = parse_fraction(f)?;
                (num(ss)?, n, d)
            }
            None => (num(sp)?, 0, 0),
        },
    };
    if let Some(f) = ms_part {
        // Legacy `hh:mi:ss:mmm` milliseconds.
        if frac != 0 || f.is_empty() || f.len() > 3 {
            return None;
        }
        nanos = num(f)? * 1_000_000;
        frac = f.len();
    }
    if h > 23 || mi > 59 || sec > 59 {
        return None;
    }
    Some((NaiveTime::from_hms_nano_opt(h, mi, sec, nanos)?, frac))
}

/// Fraction digits (up to 9 kept, beyond that ignored) as nanoseconds, with digit count.
fn parse_fraction(f: &str) -> Option<(u32, usize)> {
    if !f.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if f.is_empty() {
        return Some((0, 0));
    }
    let kept: String = f.chars().take(9).collect();
    let n: u32 = kept.parse().ok()?;
    Some((n * 10u32.pow(9 - kept.len() as u32), f.len()))
}

fn frac_string(dt: &NaiveDateTime, digits: usize) -> String {
    let n = format!("{:09}", dt.nanosecond().min(999_999_999));
    n[..digits.min(9)].to_string()
}

fn hour12(h: u32) -> (u32, &'static str) {
    let ampm = if h < 12 { "AM" } else { "PM" };
    let h12 = match h % 12 {
        0 => 12,
        x => x,
    };
    (h12, ampm)
}

/// Formats a temporal value with a `CONVERT` style (`None` = the default of `CAST`).
/// Unknown styles are error 281.
pub fn format_temporal(
    dt: &NaiveDateTime,
    kind: TemporalKind,
    style: Option<i32>,
) -> Result<String, ServerError> {
    let (y, mo, d) = (dt.year(), dt.month(), dt.day());
    let (h, mi, s) = (dt.hour(), dt.minute(), dt.second());
    let fd = kind.frac_digits();
    let mon = MONTH_NAMES[(mo - 1) as usize];
    let dot_frac = |digits: usize| {
        if digits == 0 {
            String::new()
        } else {
            format!(".{}", frac_string(dt, digits))
        }
    };
    let only_date = kind == TemporalKind::Date;
    let only_time = kind == TemporalKind::Time;
    let style = match style {
        None => match kind {
            TemporalKind::DateTime | TemporalKind::SmallDateTime => 0,
            _ => 121,
        },
        Some(st) => st,
    };
    let yy = |century: bool| {
        if century {
            format!("{y:04}")
        } else {
            format!("{:02}", y.rem_euclid(100))
        }
    };
    let century = style >= 100;
    let base = if century { style - 100 } else { style };
    let out = match style {
        0 | 100 => {
            let (h12, ap) = hour12(h);
            let date = format!("{mon} {d:>2} {y:04}");
            let time = format!("{h12:>2}:{mi:02}{ap}");
            join(only_date, only_time, date, time)
        }
        9 | 109 => {
            let (h12, ap) = hour12(h);
            let date = format!("{mon} {d:>2} {y:04}");
            let frac = if fd == 0 {
                String::new()
            } else {
                format!(":{}", frac_string(dt, fd.max(3)))
            };
            let time = format!("{h12:>2}:{mi:02}:{s:02}{frac}{ap}");
            join(only_date, only_time, date, time)
        }
        13 | 113 => {
            let date = format!("{d:02} {mon} {y:04}");
            let frac = if fd == 0 {
                String::new()
            } else {
                format!(":{}", frac_string(dt, fd.max(3)))
            };
            let time = format!("{h:02}:{mi:02}:{s:02}{frac}");
            join(only_date, only_time, date, time)
        }
        20 | 120 => join(
            only_date,
            only_time,
            format!("{y:04}-{mo:02}-{d:02}"),
            format!("{h:02}:{mi:02}:{s:02}"),
        ),
        21 | 25 | 121 => join(
            only_date,
            only_time,
            format!("{y:04}-{mo:02}-{d:02}"),
            format!("{h:02}:{mi:02}:{s:02}{}", dot_frac(fd)),
        ),
        126 | 127 => {
            let frac = if dt.nanosecond() == 0 {
                String::new()
            } else {
                dot_frac(fd)
            };
            let date = format!("{y:04}-{mo:02}-{d:02}");
            let time = format!("{h:02}:{mi:02}:{s:02}{frac}");
            if only_date {
                date
            } else if only_time {
                time
            } else {
                format!("{date}T{time}")
            }
        }
        8 | 24 | 108 => format!("{h:02}:{mi:02}:{s:02}"),
        14 | 114 => format!("{h:02}:{mi:02}:{s:02}:{}", frac_string(dt, 3)),
        _ if (1..=12).contains(&base) => {
            let yr = yy(century);
            match base {
                1 => format!("{mo:02}/{d:02}/{yr}"),
                2 => format!("{yr}.{mo:02}.{d:02}"),
                3 => format!("{d:02}/{mo:02}/{yr}"),
                4 => format!("{d:02}.{mo:02}.{yr}"),
                5 => format!("{d:02}-{mo:02}-{yr}"),
                6 => format!("{d:02} {mon} {yr}"),
                7 => format!("{mon} {d:02}, {yr}"),
                10 => format!("{mo:02}-{d:02}-{yr}"),
                11 => format!("{yr}/{mo:02}/{d:02}"),
                12 => format!("{yr}{mo:02}{d:02}"),
                _ => return Err(bad_style(style)),
            }
        }
        _ => return Err(bad_style(style)),
    };
    Ok(out)
}

fn join(only_date: bool, only_time: bool, date: String, time: String) -> String {
    if only_date {
        date
    } else if only_time {
        time
    } else {
        format!("{date} {time}")
    }
}

fn bad_style(style: i32) -> ServerError {
    ServerError::new(
        281,
        format!(
            "{style} is not a valid style number when converting from datetime to a character string."
        ),
    )
}

/// Days (with fraction) since 1900-01-01, as `CAST(datetime AS float)` gives.
pub fn to_days_f64(dt: &NaiveDateTime) -> f64 {
    let d = dt.signed_duration_since(base_datetime());
    d.num_milliseconds() as f64 / 86_400_000.0
}

/// `1900-01-01 + days` (fractional days allowed), rounded to datetime precision.
pub fn from_days_f64(days: f64) -> Option<NaiveDateTime> {
    if !days.is_finite() || days.abs() > 3_000_000.0 {
        return None;
    }
    let ms = (days * 86_400_000.0).round() as i64;
    let dt = base_datetime().checked_add_signed(Duration::milliseconds(ms))?;
    Some(round_datetime(dt))
}

/// ISO-8601 text for JSON: `2026-11-21T15:04:05.123` (datetime), 7 digits for datetime2,
/// `2026-11-21` for date, `15:04:05.1234567` for time.
pub fn iso_json(dt: &NaiveDateTime, kind: TemporalKind) -> String {
    let date = dt.format("%Y-%m-%d").to_string();
    let digits = match kind {
        TemporalKind::DateTime => 3,
        TemporalKind::SmallDateTime => 0,
        TemporalKind::DateTime2(_) | TemporalKind::Time => 7,
        TemporalKind::Date => return date,
    };
    let frac = if digits == 0 {
        String::new()
    } else {
        format!(".{}", frac_string(dt, digits))
    };
    let time = format!("{}{frac}", dt.format("%H:%M:%S"));
    if kind == TemporalKind::Time {
        time
    } else {
        format!("{date}T{time}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dt(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f").unwrap()
    }

    #[test]
    fn datetime_rounding_to_300ths() {
        assert_eq!(
            round_datetime(dt("2026-01-01 00:00:00.001")),
            dt("2026-01-01 00:00:00.000")
        );
        assert_eq!(
            round_datetime(dt("2026-01-01 00:00:00.002")),
            dt("2026-01-01 00:00:00.003")
        );
        assert_eq!(
            round_datetime(dt("2026-01-01 00:00:00.005")),
            dt("2026-01-01 00:00:00.007")
        );
        assert_eq!(
            round_datetime(dt("2026-01-01 00:00:00.123")),
            dt("2026-01-01 00:00:00.123")
        );
        assert_eq!(
            round_datetime(dt("2026-01-01 23:59:59.999")),
            dt("2026-01-02 00:00:00.000")
        );
        assert_eq!(
            round_smalldatetime(dt("2026-01-01 10:00:30")),
            dt("2026-01-01 10:01:00")
        );
        // SQL Server rounds this past 9999 and reports out-of-range (242).
        assert!(!datetime_in_range(&round_datetime(dt(
            "9999-12-31 23:59:59.999"
        ))));
        assert_eq!(
            round_fraction(dt("2026-01-01 10:00:00.123456789"), 3),
            dt("2026-01-01 10:00:00.123")
        );
    }

    #[test]
    fn parses_common_formats() {
        let p = |s: &str| parse_datetime_str(s, false).map(|p| p.to_naive());
        assert_eq!(p("2026-11-21"), Some(dt("2026-11-21 00:00:00")));
        assert_eq!(
            p("2026-11-21T15:04:05.123"),
            Some(dt("2026-11-21 15:04:05.123"))
        );
        assert_eq!(p("2026-11-21 15:04"), Some(dt("2026-11-21 15:04:00")));
        assert_eq!(p("20261121"), Some(dt("2026-11-21 00:00:00")));
        assert_eq!(p("20261121 15:04:05"), Some(dt("2026-11-21 15:04:05")));
        assert_eq!(p("11/21/2026"), Some(dt("2026-11-21 00:00:00")));
        assert_eq!(p("11/21/2026 3:04 PM"), Some(dt("2026-11-21 15:04:00")));
        assert_eq!(p("Nov 21 2026  3:04PM"), Some(dt("2026-11-21 15:04:00")));
        assert_eq!(p("21 November 2026"), Some(dt("2026-11-21 00:00:00")));
        assert_eq!(p("15:04:05"), Some(dt("1900-01-01 15:04:05")));
        assert_eq!(p("12:00AM"), Some(dt("1900-01-01 00:00:00")));
        assert_eq!(
            p("2026-11-21 15:04:05:123"),
            Some(dt("2026-11-21 15:04:05.123"))
        );
        assert_eq!(p(""), Some(dt("1900-01-01 00:00:00")));
        assert_eq!(
            parse_datetime_str("21/11/2026", true).map(|p| p.to_naive()),
            Some(dt("2026-11-21 00:00:00"))
        );
        assert_eq!(p("abc"), None);
        assert_eq!(p("2026-13-01"), None);
        assert_eq!(p("2026-02-30"), None);
        assert_eq!(p("25:00"), None);
    }

    #[test]
    fn styles() {
        let v = dt("2026-11-21 15:04:05.123");
        let f = |st: i32| format_temporal(&v, TemporalKind::DateTime, Some(st)).unwrap();
        assert_eq!(
            format_temporal(&v, TemporalKind::DateTime, None).unwrap(),
            "Nov 21 2026  3:04PM"
        );
        assert_eq!(f(100), "Nov 21 2026  3:04PM");
        assert_eq!(f(120), "2026-11-21 15:04:05");
        assert_eq!(f(20), "2026-11-21 15:04:05");
        assert_eq!(f(121), "2026-11-21 15:04:05.123");
        assert_eq!(f(126), "2026-11-21T15:04:05.123");
        assert_eq!(f(127), "2026-11-21T15:04:05.123");
        assert_eq!(f(112), "20261121");
        assert_eq!(f(101), "11/21/2026");
        assert_eq!(f(1), "11/21/26");
        assert_eq!(f(103), "21/11/2026");
        assert_eq!(f(104), "21.11.2026");
        assert_eq!(f(108), "15:04:05");
        assert_eq!(f(114), "15:04:05:123");
        assert_eq!(f(113), "21 Nov 2026 15:04:05:123");
        assert_eq!(
            format_temporal(
                &dt("2026-11-01 00:00:00"),
                TemporalKind::DateTime,
                Some(126)
            )
            .unwrap(),
            "2026-11-01T00:00:00"
        );
        assert_eq!(
            format_temporal(&dt("2026-11-01 09:00:00"), TemporalKind::DateTime, Some(0)).unwrap(),
            "Nov  1 2026  9:00AM"
        );
        assert_eq!(
            format_temporal(&v, TemporalKind::DateTime, Some(999))
                .unwrap_err()
                .number,
            281
        );
        assert_eq!(
            format_temporal(&v, TemporalKind::Date, None).unwrap(),
            "2026-11-21"
        );
        assert_eq!(
            format_temporal(&v, TemporalKind::DateTime2(7), None).unwrap(),
            "2026-11-21 15:04:05.1230000"
        );
        assert_eq!(
            format_temporal(&v, TemporalKind::Time, None).unwrap(),
            "15:04:05.1230000"
        );
    }

    #[test]
    fn days_and_json() {
        assert_eq!(from_days_f64(1.5), Some(dt("1900-01-02 12:00:00")));
        assert!((to_days_f64(&dt("1900-01-02 12:00:00")) - 1.5).abs() < 1e-9);
        let v = dt("2026-11-21 15:04:05.1234567");
        assert_eq!(
            iso_json(&v, TemporalKind::DateTime2(7)),
            "2026-11-21T15:04:05.1234567"
        );
        assert_eq!(
            iso_json(&round_datetime(v), TemporalKind::DateTime),
            "2026-11-21T15:04:05.123"
        );
        assert_eq!(iso_json(&v, TemporalKind::Date), "2026-11-21");
    }
}
