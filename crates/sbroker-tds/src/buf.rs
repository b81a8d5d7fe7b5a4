//! Bounds-checked reading of TDS primitives from a byte slice, and the matching writers.
//!
//! TDS integers are little-endian unless a section says otherwise; strings are UTF-16LE with a
//! character count in front (`B_VARCHAR`: one byte, `US_VARCHAR`: two bytes) [MS-TDS 2.2.5.1].

use crate::{Error, Result};

/// A cursor over a byte slice. Every read checks the length first.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    /// A reader at the start of `buf`.
    pub fn new(buf: &'a [u8]) -> Self {
        Self { buf, pos: 0 }
    }

    /// Bytes consumed so far.
    pub fn position(&self) -> usize {
        self.pos
    }

    /// Bytes left.
    pub fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    /// True when everything was read.
    pub fn is_empty(&self) -> bool {
        self.remaining() == 0
    }

    /// The next `n` bytes.
    pub fn take(&mut self, n: usize, what: &'static str) -> Result<&'a [u8]> {
        let end = self.pos.checked_add(n).ok_or(Error::Truncated(what))?;
        let s = self.buf.get(self.pos..end).ok_or(Error::Truncated(what))?;
        self.pos = end;
        Ok(s)
    }

    /// The next byte, without consuming it.
    pub fn peek(&self) -> Option<u8> {
        self.buf.get(self.pos).copied()
    }

    /// Skips `n` bytes.
    pub fn skip(&mut self, n: usize, what: &'static str) -> Result<()> {
        self.take(n, what).map(|_| ())
    }

    fn array<const N: usize>(&mut self, what: &'static str) -> Result<[u8; N]> {
        let s = self.take(N, what)?;
        let mut a = [0u8; N];
        a.copy_from_slice(s);
        Ok(a)
    }

    /// A byte.
    pub fn u8(&mut self, what: &'static str) -> Result<u8> {
        Ok(self.array::<1>(what)?[0])
    }

    /// A little-endian u16.
    pub fn u16_le(&mut self, what: &'static str) -> Result<u16> {
        Ok(u16::from_le_bytes(self.array(what)?))
    }

    /// A big-endian u16.
    pub fn u16_be(&mut self, what: &'static str) -> Result<u16> {
        Ok(u16::from_be_bytes(self.array(what)?))
    }

    /// A little-endian u32.
    pub fn u32_le(&mut self, what: &'static str) -> Result<u32> {
        Ok(u32::from_le_bytes(self.array(what)?))
    }

    /// A big-endian u32.
    pub fn u32_be(&mut self, what: &'static str) -> Result<u32> {
        Ok(u32::from_be_bytes(self.array(what)?))
    }

    /// A little-endian i32.
    pub fn i32_le(&mut self, what: &'static str) -> Result<i32> {
        Ok(i32::from_le_bytes(self.array(what)?))
    }

    /// A little-endian u64.
    pub fn u64_le(&mut self, what: &'static str) -> Result<u64> {
        Ok(u64::from_le_bytes(self.array(what)?))
    }

    /// `n` UTF-16LE code units as a string (unpaired surrogates become U+FFFD).
    pub fn utf16(&mut self, chars: usize, what: &'static str) -> Result<String> {
        let bytes = self.take(chars.checked_mul(2).ok_or(Error::Truncated(what))?, what)?;
        Ok(decode_utf16(bytes))
    }

    /// `B_VARCHAR`: a one-byte character count, then UTF-16LE.
    pub fn b_varchar(&mut self, what: &'static str) -> Result<String> {
        let n = self.u8(what)?;
        self.utf16(usize::from(n), what)
    }

    /// `US_VARCHAR`: a two-byte character count, then UTF-16LE.
    pub fn us_varchar(&mut self, what: &'static str) -> Result<String> {
        let n = self.u16_le(what)?;
        self.utf16(usize::from(n), what)
    }

    /// `B_VARBYTE`: a one-byte length, then bytes.
    pub fn b_varbyte(&mut self, what: &'static str) -> Result<&'a [u8]> {
        let n = self.u8(what)?;
        self.take(usize::from(n), what)
    }
}

/// UTF-16LE bytes to a string; an odd trailing byte is dropped.
pub fn decode_utf16(bytes: &[u8]) -> String {
    let units = bytes
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]));
    char::decode_utf16(units)
        .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

/// Appends a string as UTF-16LE.
pub fn put_utf16(out: &mut Vec<u8>, s: &str) {
    for u in s.encode_utf16() {
        out.extend_from_slice(&u.to_le_bytes());
    }
}

/// Truncates to at most `max` UTF-16 code units (never splitting a surrogate pair).
fn clip_utf16(s: &str, max: usize) -> &str {
    let mut units = 0;
    for (i, c) in s.char_indices() {
        units += c.len_utf16();
        if units > max {
            return s.get(..i).unwrap_or_default();
        }
    }
    s
}

/// Appends a `B_VARCHAR` (strings longer than 255 code units are cut).
pub fn put_b_varchar(out: &mut Vec<u8>, s: &str) {
    let s = clip_utf16(s, 255);
    out.push(u8::try_from(s.encode_utf16().count()).unwrap_or(u8::MAX));
    put_utf16(out, s);
}

/// Appends a `US_VARCHAR` (strings longer than 65 535 code units are cut).
pub fn put_us_varchar(out: &mut Vec<u8>, s: &str) {
    let s = clip_utf16(s, usize::from(u16::MAX));
    out.extend_from_slice(
        &u16::try_from(s.encode_utf16().count())
            .unwrap_or(u16::MAX)
            .to_le_bytes(),
    );
    put_utf16(out, s);
}

/// Appends a `B_VARBYTE` (at most 255 bytes).
pub fn put_b_varbyte(out: &mut Vec<u8>, b: &[u8]) {
    let b = b.get(..b.len().min(255)).unwrap_or_default();
    out.push(u8::try_from(b.len()).unwrap_or(u8::MAX));
    out.extend_from_slice(b);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varchar_round_trip() {
        let mut out = Vec::new();
        put_b_varchar(&mut out, "héllo 😀");
        put_us_varchar(&mut out, "wörld");
        let mut r = Reader::new(&out);
        assert_eq!(r.b_varchar("a").unwrap(), "héllo 😀");
        assert_eq!(r.us_varchar("b").unwrap(), "wörld");
        assert!(r.is_empty());
    }

    #[test]
    fn long_b_varchar_is_cut_on_a_char_boundary() {
        let s = "😀".repeat(200);
        let mut out = Vec::new();
        put_b_varchar(&mut out, &s);
        let back = Reader::new(&out).b_varchar("x").unwrap();
        assert_eq!(back.chars().count(), 127);
    }

    #[test]
    fn truncated_reads_fail() {
        let mut r = Reader::new(&[1, 2, 3]);
        assert!(r.u32_le("x").is_err());
        assert_eq!(r.u16_le("y").unwrap(), 0x0201);
        assert!(r.b_varchar("z").is_err());
    }
}
