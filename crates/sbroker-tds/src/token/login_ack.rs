//! LOGINACK [MS-TDS 2.2.7.14]: the login succeeded.

use crate::Result;
use crate::buf::{Reader, put_b_varchar};

/// A LOGINACK.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginAck {
    /// Interface (1 = T-SQL).
    pub interface: u8,
    /// TDS version agreed (big-endian on the wire).
    pub tds_version: u32,
    /// Server program name.
    pub prog_name: String,
    /// Server version: major, minor, build high, build low.
    pub version: [u8; 4],
}

/// Writes a LOGINACK token.
pub fn encode_login_ack(out: &mut Vec<u8>, a: &LoginAck) {
    let mut body = Vec::new();
    body.push(a.interface);
    body.extend_from_slice(&a.tds_version.to_be_bytes());
    put_b_varchar(&mut body, &a.prog_name);
    body.extend_from_slice(&a.version);
    out.push(super::kind::LOGIN_ACK);
    out.extend_from_slice(&u16::try_from(body.len()).unwrap_or(u16::MAX).to_le_bytes());
    out.extend_from_slice(&body);
}

pub(super) fn decode(r: &mut Reader<'_>) -> Result<LoginAck> {
    let len = usize::from(r.u16_le("loginack length")?);
    let mut b = Reader::new(r.take(len, "loginack")?);
    let interface = b.u8("interface")?;
    let tds_version = b.u32_be("tds version")?;
    let prog_name = b.b_varchar("prog name")?;
    let mut version = [0u8; 4];
    version.copy_from_slice(b.take(4, "prog version")?);
    Ok(LoginAck {
        interface,
        tds_version,
        prog_name,
        version,
    })
}
