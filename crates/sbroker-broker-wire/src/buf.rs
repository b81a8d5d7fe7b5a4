//! Bounds-checked reading of the protocol's primitives from a byte slice, and the writers.
//!
//! Integers are big-endian (network order). A string is a u16 byte count and UTF-8; a byte
//! string is a u32 count; an optional value is a presence byte (0 or 1) and the value. Every
//! count is checked against the bytes that are there before anything is allocated.

use crate::error::{Result, WireError, malformed};

/// A cursor over a payload. Every read checks the length first.
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

    /// Bytes left.
    pub fn remaining(&self) -> usize {
        self.buf.len().saturating_sub(self.pos)
    }

    /// The next `n` bytes.
    pub fn take(&mut self, n: usize, what: &'static str) -> Result<&'a [u8]> {
        let end = self.pos.checked_add(n).ok_or(WireError::Truncated(what))?;
        let s = self
            .buf
            .get(self.pos..end)
            .ok_or(WireError::Truncated(what))?;
        self.pos = end;
        Ok(s)
    }

    fn array<const N: usize>(&mut self, what: &'static str) -> Result<[u8; N]> {
        let mut a = [0u8; N];
        a.copy_from_slice(self.take(N, what)?);
        Ok(a)
    }

    /// A byte.
    pub fn u8(&mut self, what: &'static str) -> Result<u8> {
        Ok(u8::from_be_bytes(self.array(what)?))
    }

    /// A u16.
    pub fn u16(&mut self, what: &'static str) -> Result<u16> {
        Ok(u16::from_be_bytes(self.array(what)?))
    }

    /// A u32.
    pub fn u32(&mut self, what: &'static str) -> Result<u32> {
        Ok(u32::from_be_bytes(self.array(what)?))
    }

    /// An i32.
    pub fn i32(&mut self, what: &'static str) -> Result<i32> {
        Ok(i32::from_be_bytes(self.array(what)?))
    }

    /// A u64.
    pub fn u64(&mut self, what: &'static str) -> Result<u64> {
        Ok(u64::from_be_bytes(self.array(what)?))
    }

    /// An i64.
    pub fn i64(&mut self, what: &'static str) -> Result<i64> {
        Ok(i64::from_be_bytes(self.array(what)?))
    }

    /// Sixteen bytes (a GUID in RFC 4122 byte order).
    pub fn guid(&mut self, what: &'static str) -> Result<[u8; 16]> {
        self.array(what)
    }

    /// A boolean byte: 0 or 1, anything else is malformed.
    pub fn bool(&mut self, what: &'static str) -> Result<bool> {
        match self.u8(what)? {
            0 => Ok(false),
            1 => Ok(true),
            b => Err(malformed(what, format!("boolean byte {b}"))),
        }
    }

    /// A string: u16 byte count, UTF-8, at most `max_bytes`.
    pub fn string(&mut self, what: &'static str, max_bytes: usize) -> Result<String> {
        let n = usize::from(self.u16(what)?);
        if n > max_bytes {
            return Err(malformed(what, format!("{n} bytes, limit {max_bytes}")));
        }
        let raw = self.take(n, what)?;
        String::from_utf8(raw.to_vec()).map_err(|_| malformed(what, "not UTF-8"))
    }

    /// A byte string: u32 count, at most `max_bytes`.
    pub fn bytes(&mut self, what: &'static str, max_bytes: usize) -> Result<Vec<u8>> {
        let n = usize::try_from(self.u32(what)?).map_err(|_| malformed(what, "length"))?;
        if n > max_bytes {
            return Err(malformed(what, format!("{n} bytes, limit {max_bytes}")));
        }
        Ok(self.take(n, what)?.to_vec())
    }

    /// An optional string.
    pub fn opt_string(&mut self, what: &'static str, max_bytes: usize) -> Result<Option<String>> {
        if self.bool(what)? {
            Ok(Some(self.string(what, max_bytes)?))
        } else {
            Ok(None)
        }
    }

    /// Fails unless every byte was read: a frame with trailing bytes is malformed.
    pub fn finish(&self, what: &'static str) -> Result<()> {
        if self.remaining() == 0 {
            Ok(())
        } else {
            Err(malformed(
                what,
                format!("{} trailing bytes", self.remaining()),
            ))
        }
    }
}

/// Appends the protocol's primitives to a buffer.
#[derive(Debug, Default)]
pub struct Writer {
    /// The bytes written.
    pub buf: Vec<u8>,
}

impl Writer {
    /// A byte.
    pub fn u8(&mut self, v: u8) {
        self.buf.push(v);
    }
    /// A u16.
    pub fn u16(&mut self, v: u16) {
        self.buf.extend_from_slice(&v.to_be_bytes());
    }
    /// A u32.
    pub fn u32(&mut self, v: u32) {
        self.buf.extend_from_slice(&v.to_be_bytes());
    }
    /// An i32.
    pub fn i32(&mut self, v: i32) {
        self.buf.extend_from_slice(&v.to_be_bytes());
    }
    /// A u64.
    pub fn u64(&mut self, v: u64) {
        self.buf.extend_from_slice(&v.to_be_bytes());
    }
    /// An i64.
    pub fn i64(&mut self, v: i64) {
        self.buf.extend_from_slice(&v.to_be_bytes());
    }
    /// A GUID.
    pub fn guid(&mut self, v: &[u8; 16]) {
        self.buf.extend_from_slice(v);
    }
    /// A boolean.
    pub fn bool(&mut self, v: bool) {
        self.buf.push(u8::from(v));
    }
    /// A string. Callers keep strings under 64 KiB (names are at most 256 characters);
    /// a longer one is a caller bug, so it is asserted, not truncated.
    pub fn string(&mut self, v: &str) {
        let n = u16::try_from(v.len()).expect("wire strings are under 64 KiB");
        self.u16(n);
        self.buf.extend_from_slice(v.as_bytes());
    }
    /// A byte string (under 4 GiB; frames are far smaller, see `Limits`).
    pub fn bytes(&mut self, v: &[u8]) {
        let n = u32::try_from(v.len()).expect("wire byte strings are under 4 GiB");
        self.u32(n);
        self.buf.extend_from_slice(v);
    }
    /// An optional string.
    pub fn opt_string(&mut self, v: Option<&str>) {
        self.bool(v.is_some());
        if let Some(s) = v {
            self.string(s);
        }
    }
}
