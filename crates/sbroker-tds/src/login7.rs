//! LOGIN7 [MS-TDS 2.2.6.4]: a fixed 94-byte header, then the variable data that its
//! offset/length table points into (UTF-16LE strings counted in characters).

use crate::buf::{Reader, decode_utf16, put_utf16};
use crate::{Error, Result};

/// Length of the fixed part (TDS 7.2 and later).
const FIXED_LEN: usize = 94;
/// OptionFlags3 bit: a FEATUREEXT block follows.
pub const FEATURE_EXT: u8 = 0x10;
/// A LOGIN7 longer than this is refused (the spec caps it at 128 KiB with SSPI).
pub const LOGIN7_BYTES_MAX: usize = 128 * 1024;

/// The fields of a LOGIN7 that matter here.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Login7 {
    /// TDS version the client speaks.
    pub tds_version: u32,
    /// Requested packet size.
    pub packet_size: u32,
    /// Client program version.
    pub client_prog_version: u32,
    /// Client process id.
    pub client_pid: u32,
    /// OptionFlags1.
    pub option_flags1: u8,
    /// OptionFlags2 (bit 0x80: integrated security).
    pub option_flags2: u8,
    /// TypeFlags.
    pub type_flags: u8,
    /// OptionFlags3 (bit 0x10: FEATUREEXT present).
    pub option_flags3: u8,
    /// Client machine name.
    pub hostname: String,
    /// Login name.
    pub username: String,
    /// Password (de-obfuscated).
    pub password: String,
    /// Application name.
    pub app_name: String,
    /// Server name the client dialed.
    pub server_name: String,
    /// Client library name.
    pub library_name: String,
    /// Initial language.
    pub language: String,
    /// Initial database.
    pub database: String,
}

/// Password bytes on the wire: each byte has its nibbles swapped, then is XORed with 0xA5.
fn obfuscate(b: u8) -> u8 {
    b.rotate_left(4) ^ 0xA5
}

fn clarify(b: u8) -> u8 {
    (b ^ 0xA5).rotate_left(4)
}

impl Login7 {
    /// Parses a LOGIN7 payload.
    pub fn decode(payload: &[u8]) -> Result<Self> {
        if payload.len() > LOGIN7_BYTES_MAX {
            return Err(Error::Malformed("LOGIN7 too long".into()));
        }
        let mut r = Reader::new(payload);
        let length = r.u32_le("login7 length")? as usize;
        if length > payload.len() || length < FIXED_LEN {
            return Err(Error::Malformed(format!("LOGIN7 length {length}")));
        }
        let tds_version = r.u32_le("login7 version")?;
        let packet_size = r.u32_le("login7 packet size")?;
        let client_prog_version = r.u32_le("login7 prog version")?;
        let client_pid = r.u32_le("login7 pid")?;
        let _connection_id = r.u32_le("login7 connection id")?;
        let option_flags1 = r.u8("login7 flags1")?;
        let option_flags2 = r.u8("login7 flags2")?;
        let type_flags = r.u8("login7 type flags")?;
        let option_flags3 = r.u8("login7 flags3")?;
        let _time_zone = r.i32_le("login7 time zone")?;
        let _lcid = r.u32_le("login7 lcid")?;
        let data = payload.get(..length).unwrap_or(payload);
        let field = |r: &mut Reader<'_>, what: &'static str| -> Result<Vec<u8>> {
            let off = usize::from(r.u16_le(what)?);
            let chars = usize::from(r.u16_le(what)?);
            if chars == 0 {
                return Ok(Vec::new());
            }
            data.get(off..off + chars * 2)
                .map(<[u8]>::to_vec)
                .ok_or(Error::Truncated(what))
        };
        let hostname = decode_utf16(&field(&mut r, "login7 hostname")?);
        let username = decode_utf16(&field(&mut r, "login7 username")?);
        let password_raw = field(&mut r, "login7 password")?;
        let password: Vec<u8> = password_raw.iter().map(|b| clarify(*b)).collect();
        let password = decode_utf16(&password);
        let app_name = decode_utf16(&field(&mut r, "login7 app name")?);
        let server_name = decode_utf16(&field(&mut r, "login7 server name")?);
        // ibExtension/cbExtension: bytes, not characters; not needed beyond the flag.
        r.skip(4, "login7 extension")?;
        let library_name = decode_utf16(&field(&mut r, "login7 library")?);
        let language = decode_utf16(&field(&mut r, "login7 language")?);
        let database = decode_utf16(&field(&mut r, "login7 database")?);
        Ok(Self {
            tds_version,
            packet_size,
            client_prog_version,
            client_pid,
            option_flags1,
            option_flags2,
            type_flags,
            option_flags3,
            hostname,
            username,
            password,
            app_name,
            server_name,
            library_name,
            language,
            database,
        })
    }

    /// Encodes a LOGIN7 (client side; no SSPI, no FEATUREEXT).
    pub fn encode(&self) -> Vec<u8> {
        let strings: [(&str, bool); 5] = [
            (&self.hostname, false),
            (&self.username, false),
            (&self.password, true),
            (&self.app_name, false),
            (&self.server_name, false),
        ];
        let tail: [&str; 3] = [&self.library_name, &self.language, &self.database];
        let mut data = Vec::new();
        let mut table = Vec::new();
        let add = |s: &str, secret: bool, data: &mut Vec<u8>, table: &mut Vec<u8>| {
            let off = u16::try_from(FIXED_LEN + data.len()).unwrap_or(u16::MAX);
            let mut bytes = Vec::new();
            put_utf16(&mut bytes, s);
            if secret {
                bytes.iter_mut().for_each(|b| *b = obfuscate(*b));
            }
            table.extend_from_slice(&off.to_le_bytes());
            let chars = u16::try_from(bytes.len() / 2).unwrap_or(u16::MAX);
            table.extend_from_slice(&chars.to_le_bytes());
            data.extend_from_slice(&bytes);
        };
        for (s, secret) in strings {
            add(s, secret, &mut data, &mut table);
        }
        // Extension (unused).
        table.extend_from_slice(&[0, 0, 0, 0]);
        for s in tail {
            add(s, false, &mut data, &mut table);
        }
        // ClientID (6 bytes), SSPI (empty), AtchDBFile (empty), ChangePassword (empty),
        // cbSSPILong.
        table.extend_from_slice(&[0; 6]);
        let end = u16::try_from(FIXED_LEN + data.len()).unwrap_or(u16::MAX);
        for _ in 0..3 {
            table.extend_from_slice(&end.to_le_bytes());
            table.extend_from_slice(&[0, 0]);
        }
        table.extend_from_slice(&[0; 4]);

        let mut out = Vec::with_capacity(FIXED_LEN + data.len());
        let total = u32::try_from(FIXED_LEN + data.len()).unwrap_or(u32::MAX);
        out.extend_from_slice(&total.to_le_bytes());
        out.extend_from_slice(&self.tds_version.to_le_bytes());
        out.extend_from_slice(&self.packet_size.to_le_bytes());
        out.extend_from_slice(&self.client_prog_version.to_le_bytes());
        out.extend_from_slice(&self.client_pid.to_le_bytes());
        out.extend_from_slice(&0u32.to_le_bytes());
        out.push(self.option_flags1);
        out.push(self.option_flags2);
        out.push(self.type_flags);
        out.push(self.option_flags3);
        out.extend_from_slice(&0i32.to_le_bytes());
        out.extend_from_slice(&0x0409u32.to_le_bytes());
        out.extend_from_slice(&table);
        debug_assert_eq!(out.len(), FIXED_LEN);
        out.extend_from_slice(&data);
        out
    }

    /// True when OptionFlags3 announces a FEATUREEXT block (the server must answer with a
    /// FEATUREEXTACK token).
    pub fn has_feature_ext(&self) -> bool {
        self.option_flags3 & FEATURE_EXT != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let l = Login7 {
            tds_version: crate::TDS_7_4,
            packet_size: 4096,
            client_prog_version: 7,
            client_pid: 42,
            option_flags1: 0xE0,
            option_flags2: 0x03,
            type_flags: 0,
            option_flags3: 0,
            hostname: "host".into(),
            username: "sa".into(),
            password: "Pässw0rd!".into(),
            app_name: "sbroker sql".into(),
            server_name: "127.0.0.1".into(),
            library_name: "sbroker".into(),
            language: String::new(),
            database: "master".into(),
        };
        let bytes = l.encode();
        assert_eq!(Login7::decode(&bytes).unwrap(), l);
    }

    #[test]
    fn password_obfuscation_matches_the_spec_example() {
        // [MS-TDS 2.2.6.4]: 'a' (0x61) → 0xB3 after swap (0x16) and XOR 0xA5.
        assert_eq!(obfuscate(0x61), 0xB3);
        assert_eq!(clarify(0xB3), 0x61);
    }

    #[test]
    fn bad_offsets_are_errors() {
        let mut bytes = Login7::default().encode();
        // Point the user name past the end.
        bytes[40] = 0xFF;
        bytes[41] = 0x7F;
        bytes[42] = 10;
        assert!(Login7::decode(&bytes).is_err());
        assert!(Login7::decode(&bytes[..50]).is_err());
    }
}
