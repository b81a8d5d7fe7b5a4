//! PRELOGIN [MS-TDS 2.2.6.5]: the first exchange, an option table (token, offset, length)
//! followed by the option data. Client and server use the same layout.

use crate::buf::Reader;
use crate::{Error, Result};

/// ENCRYPTION values.
pub mod encryption {
    /// Encryption available but off (login-only TLS).
    pub const OFF: u8 = 0;
    /// Encryption on.
    pub const ON: u8 = 1;
    /// Encryption not available: the whole connection is clear text.
    pub const NOT_SUP: u8 = 2;
    /// Encryption required.
    pub const REQ: u8 = 3;
}

const OPT_VERSION: u8 = 0x00;
const OPT_ENCRYPTION: u8 = 0x01;
const OPT_INSTOPT: u8 = 0x02;
const OPT_THREADID: u8 = 0x03;
const OPT_MARS: u8 = 0x04;
const OPT_TERMINATOR: u8 = 0xFF;
/// Options a client may send; more than this many entries is malformed.
const OPTIONS_MAX: usize = 16;

/// The PRELOGIN options sbroker reads and writes; others are skipped.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PreLogin {
    /// VERSION: major, minor, build (BE u16), sub-build (BE u16).
    pub version: Option<[u8; 6]>,
    /// ENCRYPTION.
    pub encryption: Option<u8>,
    /// INSTOPT: instance name, NUL-terminated.
    pub instance: Option<Vec<u8>>,
    /// THREADID.
    pub thread_id: Option<u32>,
    /// MARS.
    pub mars: Option<u8>,
}

impl PreLogin {
    /// Parses a PRELOGIN payload.
    pub fn decode(payload: &[u8]) -> Result<Self> {
        let mut table = Reader::new(payload);
        let mut out = PreLogin::default();
        for _ in 0..=OPTIONS_MAX {
            let token = table.u8("prelogin option")?;
            if token == OPT_TERMINATOR {
                return Ok(out);
            }
            let offset = usize::from(table.u16_be("prelogin offset")?);
            let len = usize::from(table.u16_be("prelogin length")?);
            let data = payload
                .get(offset..offset + len)
                .ok_or(Error::Truncated("prelogin option data"))?;
            let mut d = Reader::new(data);
            match token {
                OPT_VERSION => {
                    let mut v = [0u8; 6];
                    v.copy_from_slice(d.take(6, "prelogin version")?);
                    out.version = Some(v);
                }
                OPT_ENCRYPTION => out.encryption = Some(d.u8("prelogin encryption")?),
                OPT_INSTOPT => out.instance = Some(data.to_vec()),
                OPT_THREADID if len >= 4 => {
                    out.thread_id = Some(d.u32_be("prelogin thread id")?);
                }
                OPT_MARS => out.mars = Some(d.u8("prelogin mars")?),
                _ => {}
            }
        }
        Err(Error::Malformed("too many PRELOGIN options".into()))
    }

    /// Encodes the options that are set.
    pub fn encode(&self) -> Vec<u8> {
        let mut opts: Vec<(u8, Vec<u8>)> = Vec::new();
        if let Some(v) = self.version {
            opts.push((OPT_VERSION, v.to_vec()));
        }
        if let Some(e) = self.encryption {
            opts.push((OPT_ENCRYPTION, vec![e]));
        }
        if let Some(i) = &self.instance {
            opts.push((OPT_INSTOPT, i.clone()));
        }
        if let Some(t) = self.thread_id {
            opts.push((OPT_THREADID, t.to_be_bytes().to_vec()));
        }
        if let Some(m) = self.mars {
            opts.push((OPT_MARS, vec![m]));
        }
        let mut table = Vec::new();
        let mut data = Vec::new();
        let table_len = opts.len() * 5 + 1;
        for (token, bytes) in &opts {
            table.push(*token);
            let offset = u16::try_from(table_len + data.len()).unwrap_or(u16::MAX);
            table.extend_from_slice(&offset.to_be_bytes());
            table.extend_from_slice(&u16::try_from(bytes.len()).unwrap_or(0).to_be_bytes());
            data.extend_from_slice(bytes);
        }
        table.push(OPT_TERMINATOR);
        table.extend_from_slice(&data);
        table
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let p = PreLogin {
            version: Some([16, 0, 0x0F, 0xA0, 0, 0]),
            encryption: Some(encryption::NOT_SUP),
            instance: Some(vec![0]),
            thread_id: Some(1234),
            mars: Some(0),
        };
        let bytes = p.encode();
        assert_eq!(PreLogin::decode(&bytes).unwrap(), p);
    }

    /// A client PRELOGIN written out by hand from [MS-TDS 2.2.6.5] in the shape FreeTDS
    /// sends: version, encryption OFF, instance "MSSQLServer", thread id, MARS.
    #[test]
    fn decodes_a_client_prelogin() {
        let bytes = [
            0x00, 0x00, 0x1A, 0x00, 0x06, 0x01, 0x00, 0x20, 0x00, 0x01, 0x02, 0x00, 0x21, 0x00,
            0x0C, 0x03, 0x00, 0x2D, 0x00, 0x04, 0x04, 0x00, 0x31, 0x00, 0x01, 0xFF, 0x01, 0x03,
            0x00, 0x11, 0x00, 0x00, 0x00, 0x4D, 0x53, 0x53, 0x51, 0x4C, 0x53, 0x65, 0x72, 0x76,
            0x65, 0x72, 0x00, 0x00, 0x00, 0x12, 0x34, 0x00,
        ];
        let p = PreLogin::decode(&bytes).unwrap();
        assert_eq!(p.encryption, Some(encryption::OFF));
        assert_eq!(p.instance.as_deref(), Some(&b"MSSQLServer\0"[..]));
        assert_eq!(p.thread_id, Some(0x1234));
        assert_eq!(p.mars, Some(0));
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(PreLogin::decode(&[]).is_err());
        assert!(PreLogin::decode(&[0x01, 0x00, 0xFF, 0x00, 0x01]).is_err());
        assert!(PreLogin::decode(&[0x01; 200]).is_err());
    }
}
