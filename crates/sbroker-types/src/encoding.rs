//! Byte encodings used by conversions: Windows-1252 (varchar), UTF-16LE (nvarchar) and hex.

/// Windows-1252 code points for bytes 0x80..=0x9F (unassigned bytes map to the C1 control).
const CP1252_HIGH: [char; 32] = [
    '\u{20AC}', '\u{0081}', '\u{201A}', '\u{0192}', '\u{201E}', '\u{2026}', '\u{2020}', '\u{2021}',
    '\u{02C6}', '\u{2030}', '\u{0160}', '\u{2039}', '\u{0152}', '\u{008D}', '\u{017D}', '\u{008F}',
    '\u{0090}', '\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}', '\u{2022}', '\u{2013}', '\u{2014}',
    '\u{02DC}', '\u{2122}', '\u{0161}', '\u{203A}', '\u{0153}', '\u{009D}', '\u{017E}', '\u{0178}',
];

/// Encodes one character as Windows-1252, `None` when it has no single-byte form.
pub fn cp1252_byte(c: char) -> Option<u8> {
    let u = c as u32;
    if u < 0x80 || (0xA0..=0xFF).contains(&u) {
        return Some(u as u8);
    }
    CP1252_HIGH
        .iter()
        .position(|&h| h == c)
        .map(|i| 0x80 + i as u8)
}

/// Encodes a string as Windows-1252; characters without a single-byte form become `?`.
pub fn encode_cp1252(s: &str) -> Vec<u8> {
    s.chars().map(|c| cp1252_byte(c).unwrap_or(b'?')).collect()
}

/// Decodes Windows-1252 bytes (every byte maps to a character).
pub fn decode_cp1252(b: &[u8]) -> String {
    b.iter()
        .map(|&x| {
            if (0x80..0xA0).contains(&x) {
                CP1252_HIGH[(x - 0x80) as usize]
            } else {
                x as char
            }
        })
        .collect()
}

/// Replaces characters that varchar cannot hold with `?` (what assigning to varchar does).
pub fn to_varchar_repertoire(s: &str) -> String {
    if s.is_ascii() {
        return s.to_string();
    }
    s.chars()
        .map(|c| if cp1252_byte(c).is_some() { c } else { '?' })
        .collect()
}

/// UTF-16LE bytes without BOM.
pub fn encode_utf16le(s: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len() * 2);
    for u in s.encode_utf16() {
        out.extend_from_slice(&u.to_le_bytes());
    }
    out
}

/// Decodes UTF-16LE; an odd trailing byte is dropped, unpaired surrogates become U+FFFD.
pub fn decode_utf16le(b: &[u8]) -> String {
    let units = b.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]]));
    char::decode_utf16(units)
        .map(|r| r.unwrap_or('\u{FFFD}'))
        .collect()
}

/// Decodes UTF-16BE (same error handling as [`decode_utf16le`]).
pub fn decode_utf16be(b: &[u8]) -> String {
    let units = b.chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]]));
    char::decode_utf16(units)
        .map(|r| r.unwrap_or('\u{FFFD}'))
        .collect()
}

/// Number of UTF-16 code units of a string (the nvarchar length).
pub fn utf16_len(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

/// Keeps at most `n` UTF-16 code units (never splitting a surrogate pair).
pub fn truncate_utf16(s: &str, n: usize) -> String {
    let mut used = 0;
    let mut end = 0;
    for (i, c) in s.char_indices() {
        if used + c.len_utf16() > n {
            return s[..i].to_string();
        }
        used += c.len_utf16();
        end = i + c.len_utf8();
    }
    s[..end].to_string()
}

/// Keeps at most `n` characters.
pub fn truncate_chars(s: &str, n: usize) -> String {
    match s.char_indices().nth(n) {
        Some((i, _)) => s[..i].to_string(),
        None => s.to_string(),
    }
}

/// Uppercase hex digits without prefix.
pub fn hex_upper(b: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut s = String::with_capacity(b.len() * 2);
    for &x in b {
        s.push(HEX[(x >> 4) as usize] as char);
        s.push(HEX[(x & 15) as usize] as char);
    }
    s
}

/// `0x` followed by uppercase hex (just `0x` for no bytes).
pub fn hex_literal(b: &[u8]) -> String {
    format!("0x{}", hex_upper(b))
}

/// Parses hex digits (no prefix, even count); `None` when malformed.
pub fn parse_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    let digit = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    s.as_bytes()
        .chunks_exact(2)
        .map(|p| Some(digit(p[0])? << 4 | digit(p[1])?))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cp1252_round_trip_and_replacement() {
        assert_eq!(
            encode_cp1252("héllo€"),
            vec![b'h', 0xE9, b'l', b'l', b'o', 0x80]
        );
        assert_eq!(decode_cp1252(&[b'h', 0xE9, 0x80]), "hé€");
        assert_eq!(encode_cp1252("a☃"), b"a?".to_vec());
        assert_eq!(to_varchar_repertoire("é☃"), "é?");
    }

    #[test]
    fn utf16_helpers() {
        assert_eq!(encode_utf16le("hé"), vec![b'h', 0, 0xE9, 0]);
        assert_eq!(decode_utf16le(&[b'h', 0, 0xE9, 0, 0x41]), "hé");
        assert_eq!(decode_utf16le(&[0x00, 0xD8, b'a', 0]), "\u{FFFD}a");
        assert_eq!(truncate_utf16("a😀b", 2), "a");
        assert_eq!(truncate_utf16("a😀b", 3), "a😀");
        assert_eq!(utf16_len("a😀"), 3);
    }

    #[test]
    fn hex_helpers() {
        assert_eq!(hex_literal(&[]), "0x");
        assert_eq!(hex_literal(&[0xAB, 1]), "0xAB01");
        assert_eq!(parse_hex("ab01"), Some(vec![0xAB, 1]));
        assert_eq!(parse_hex("abc"), None);
        assert_eq!(parse_hex("zz"), None);
    }
}
