//! Tokens of the tabular result stream [MS-TDS 2.2.7]: what the server answers with.
//!
//! Each token has a file that owns its encoder (server side) and decoder (client side).
//! [`TokenDecoder`] reads a whole response; it keeps the last COLMETADATA because ROW
//! tokens can only be read with it.

mod col_metadata;
mod done;
mod env_change;
mod login_ack;
mod message;
mod return_value;
mod row;

pub use col_metadata::{ColumnMeta, encode_col_metadata};
pub use done::{Done, done_status, encode_done};
pub use env_change::{EnvChange, encode_env_change};
pub use login_ack::{LoginAck, encode_login_ack};
pub use message::{ServerMessage, encode_message};
pub use return_value::{ReturnValue, encode_return_status, encode_return_value};
pub use row::encode_row;

use crate::buf::Reader;
use crate::types::TypeInfo;
use crate::{Error, Result};

/// Token type bytes.
pub mod kind {
    /// RETURNSTATUS.
    pub const RETURN_STATUS: u8 = 0x79;
    /// COLMETADATA.
    pub const COL_METADATA: u8 = 0x81;
    /// ORDER.
    pub const ORDER: u8 = 0xA9;
    /// ERROR.
    pub const ERROR: u8 = 0xAA;
    /// INFO.
    pub const INFO: u8 = 0xAB;
    /// RETURNVALUE.
    pub const RETURN_VALUE: u8 = 0xAC;
    /// LOGINACK.
    pub const LOGIN_ACK: u8 = 0xAD;
    /// FEATUREEXTACK.
    pub const FEATURE_EXT_ACK: u8 = 0xAE;
    /// ROW.
    pub const ROW: u8 = 0xD1;
    /// NBCROW.
    pub const NBC_ROW: u8 = 0xD2;
    /// ENVCHANGE.
    pub const ENV_CHANGE: u8 = 0xE3;
    /// DONE.
    pub const DONE: u8 = 0xFD;
    /// DONEPROC.
    pub const DONE_PROC: u8 = 0xFE;
    /// DONEINPROC.
    pub const DONE_IN_PROC: u8 = 0xFF;
}

/// A decoded token.
#[derive(Debug, Clone, PartialEq)]
pub enum Token {
    /// Column descriptions of the next rows.
    ColMetadata(Vec<ColumnMeta>),
    /// A row of the current result set.
    Row(Vec<sbroker_types::Value>),
    /// End of a statement (DONE / DONEINPROC / DONEPROC).
    Done(Done),
    /// An error message.
    Error(ServerMessage),
    /// An informational message (PRINT, …).
    Info(ServerMessage),
    /// A change of session state (database, packet size, transaction, …).
    EnvChange(EnvChange),
    /// Login accepted.
    LoginAck(LoginAck),
    /// FEATUREEXTACK (contents skipped).
    FeatureExtAck,
    /// A procedure's return status.
    ReturnStatus(i32),
    /// An OUTPUT parameter's value.
    ReturnValue(ReturnValue),
    /// ORDER (column numbers of ORDER BY; skipped).
    Order,
}

/// Value bytes a decoder accepts in one value (the server's own limit is the same).
pub const VALUE_BYTES_MAX: usize = 1 << 30;

/// Decodes a response token by token.
#[derive(Debug, Default)]
pub struct TokenDecoder {
    columns: Vec<TypeInfo>,
}

impl TokenDecoder {
    /// A decoder with no result set open.
    pub fn new() -> Self {
        Self::default()
    }

    /// Decodes the next token; `Ok(None)` at the end of the input.
    pub fn next(&mut self, r: &mut Reader<'_>) -> Result<Option<Token>> {
        let Some(k) = r.peek() else {
            return Ok(None);
        };
        r.u8("token")?;
        let t = match k {
            kind::COL_METADATA => {
                let cols = col_metadata::decode(r)?;
                self.columns = cols.iter().map(|c| c.ty).collect();
                Token::ColMetadata(cols)
            }
            kind::ROW => Token::Row(row::decode(r, &self.columns, false)?),
            kind::NBC_ROW => Token::Row(row::decode(r, &self.columns, true)?),
            kind::DONE | kind::DONE_PROC | kind::DONE_IN_PROC => Token::Done(done::decode(r, k)?),
            kind::ERROR => Token::Error(message::decode(r)?),
            kind::INFO => Token::Info(message::decode(r)?),
            kind::ENV_CHANGE => Token::EnvChange(env_change::decode(r)?),
            kind::LOGIN_ACK => Token::LoginAck(login_ack::decode(r)?),
            kind::FEATURE_EXT_ACK => {
                // FeatureId (1 byte), then a u32 length and data, until 0xFF.
                loop {
                    let id = r.u8("feature id")?;
                    if id == 0xFF {
                        break;
                    }
                    let len = r.u32_le("feature ack length")? as usize;
                    r.skip(len, "feature ack data")?;
                }
                Token::FeatureExtAck
            }
            kind::RETURN_STATUS => Token::ReturnStatus(r.i32_le("return status")?),
            kind::RETURN_VALUE => Token::ReturnValue(return_value::decode(r)?),
            kind::ORDER => {
                let len = usize::from(r.u16_le("order length")?);
                r.skip(len, "order")?;
                Token::Order
            }
            other => return Err(Error::Unsupported(format!("token 0x{other:02X}"))),
        };
        Ok(Some(t))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sbroker_types::{SqlType, StrLen, Value};

    /// A whole response as the server writes it decodes back to the same tokens.
    #[test]
    fn response_round_trip() {
        let cols = vec![
            ColumnMeta {
                name: "id".into(),
                ty: TypeInfo::of(&SqlType::Int),
            },
            ColumnMeta {
                name: "body".into(),
                ty: TypeInfo::of(&SqlType::NVarChar(StrLen::Max)),
            },
        ];
        let rows = vec![
            vec![Value::Int(1), Value::NVarChar("a".into())],
            vec![Value::Null, Value::Null],
        ];
        let mut out = Vec::new();
        encode_env_change(
            &mut out,
            &EnvChange::Database {
                new: "db1".into(),
                old: "master".into(),
            },
        );
        encode_message(
            &mut out,
            kind::INFO,
            &ServerMessage {
                number: 0,
                state: 1,
                class: 0,
                text: "hello".into(),
                server: "sbroker".into(),
                procedure: String::new(),
                line: 1,
            },
        );
        encode_col_metadata(&mut out, &cols);
        for r in &rows {
            encode_row(&mut out, &cols, r).unwrap();
        }
        encode_done(
            &mut out,
            kind::DONE_IN_PROC,
            done_status::MORE | done_status::COUNT,
            2,
        );
        encode_return_status(&mut out, 0);
        encode_return_value(
            &mut out,
            1,
            "@P1",
            &TypeInfo::of(&SqlType::Int),
            &Value::Int(9),
        )
        .unwrap();
        encode_message(
            &mut out,
            kind::ERROR,
            &ServerMessage {
                number: 8429,
                state: 1,
                class: 16,
                text: "bad".into(),
                server: "sbroker".into(),
                procedure: "p".into(),
                line: 3,
            },
        );
        encode_login_ack(
            &mut out,
            &LoginAck {
                interface: 1,
                tds_version: crate::TDS_7_4,
                prog_name: "sbroker".into(),
                version: [0, 1, 0, 0],
            },
        );
        out.extend_from_slice(&[kind::FEATURE_EXT_ACK, 0xFF]);
        encode_done(&mut out, kind::DONE, done_status::ERROR, 0);

        let mut r = Reader::new(&out);
        let mut d = TokenDecoder::new();
        let mut toks = Vec::new();
        while let Some(t) = d.next(&mut r).unwrap() {
            toks.push(t);
        }
        assert_eq!(toks.len(), 12);
        assert!(
            matches!(&toks[0], Token::EnvChange(EnvChange::Database { new, .. }) if new == "db1")
        );
        assert!(matches!(&toks[1], Token::Info(m) if m.text == "hello"));
        assert_eq!(toks[2], Token::ColMetadata(cols));
        assert_eq!(toks[3], Token::Row(rows[0].clone()));
        assert_eq!(toks[4], Token::Row(rows[1].clone()));
        assert!(
            matches!(&toks[5], Token::Done(d) if d.rows == 2 && d.status & done_status::COUNT != 0)
        );
        assert_eq!(toks[6], Token::ReturnStatus(0));
        assert!(
            matches!(&toks[7], Token::ReturnValue(v) if v.value == Value::Int(9) && v.name == "@P1")
        );
        assert!(
            matches!(&toks[8], Token::Error(m) if m.number == 8429 && m.line == 3 && m.procedure == "p")
        );
        assert!(matches!(&toks[9], Token::LoginAck(a) if a.tds_version == crate::TDS_7_4));
        assert_eq!(toks[10], Token::FeatureExtAck);
        assert!(
            matches!(&toks[11], Token::Done(d) if d.kind == kind::DONE && d.status == done_status::ERROR)
        );
    }

    #[test]
    fn rows_without_metadata_and_unknown_tokens_are_errors() {
        let mut d = TokenDecoder::new();
        let bytes = [kind::ROW, 1, 2, 3];
        let mut r = Reader::new(&bytes);
        // No columns: an empty row, then the stray bytes are an unknown token.
        assert_eq!(d.next(&mut r).unwrap(), Some(Token::Row(vec![])));
        assert!(d.next(&mut r).is_err());
    }
}
