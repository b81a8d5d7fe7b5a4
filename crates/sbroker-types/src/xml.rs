//! XML handling as SQL Server's untyped `xml` does it: byte decoding (UTF-16LE / UTF-8 /
//! single-byte, BOMs, the `encoding` declaration), well-formedness checks that accept
//! fragments, and the Service Broker `Error` message body.

use crate::ServerError;
use crate::encoding::{decode_cp1252, decode_utf16be, decode_utf16le, encode_utf16le};

/// Namespace of Service Broker error message bodies.
pub const BROKER_ERROR_NS: &str = "http://schemas.microsoft.com/SQL/ServiceBroker/Error";

/// Name of the synthetic root element that wraps fragments for checking.
const WRAP: &str = "__sbroker_fragment_root";

/// An XML parsing failure with a 1-based position in the checked text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmlError {
    /// SQL Server message number (9400 family).
    pub number: i32,
    /// 1-based line.
    pub line: u32,
    /// 1-based character within the line.
    pub column: u32,
    /// What went wrong (SQL Server style wording where known).
    pub description: String,
}

impl XmlError {
    /// The text SQL Server prints: `XML parsing: line 1, character 5, unexpected end of input`.
    pub fn message(&self) -> String {
        format!(
            "XML parsing: line {}, character {}, {}",
            self.line, self.column, self.description
        )
    }

    /// As a `ServerError`.
    pub fn to_server_error(&self) -> ServerError {
        ServerError::new(self.number, self.message())
    }
}

/// How the bytes of an XML value were (or must be) encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum XmlSource {
    /// Two bytes per character (nvarchar, UTF-16 binary).
    Utf16,
    /// One or more bytes per character (varchar, UTF-8 or single-byte binary).
    EightBit,
}

fn looks_utf16le(b: &[u8]) -> bool {
    if b.len() < 2 || b[1] != 0 || b[0] == 0 {
        return false;
    }
    let pairs = b.len() / 2;
    let zero_odd = b.chunks_exact(2).filter(|c| c[1] == 0).count();
    zero_odd * 2 >= pairs
}

/// Reads the `encoding="…"` of a leading `<?xml …?>` declaration, lowercased.
fn declared_encoding(text: &str) -> Option<String> {
    let decl = declaration_len(text).map(|n| &text[..n])?;
    let i = decl.find("encoding")?;
    let rest = decl[i + "encoding".len()..]
        .trim_start()
        .strip_prefix('=')?
        .trim_start();
    let q = rest.chars().next()?;
    if q != '"' && q != '\'' {
        return None;
    }
    let end = rest[1..].find(q)?;
    Some(rest[1..1 + end].to_ascii_lowercase())
}

/// Length in bytes of a leading `<?xml …?>` declaration, if the text starts with one.
fn declaration_len(text: &str) -> Option<usize> {
    let rest = text.strip_prefix("<?xml")?;
    if !rest.starts_with(|c: char| c.is_ascii_whitespace()) {
        return None;
    }
    rest.find("?>").map(|i| i + 5 + 2)
}

fn is_utf16_name(e: &str) -> bool {
    matches!(e, "utf-16" | "utf16" | "ucs-2" | "utf-16le" | "unicode")
}

fn is_single_byte_name(e: &str) -> bool {
    matches!(
        e,
        "iso-8859-1" | "latin1" | "windows-1252" | "cp1252" | "us-ascii" | "ascii" | "iso8859-1"
    )
}

/// Decodes XML bytes to text: `FF FE` (or bytes that look like UTF-16LE) → UTF-16LE, `FE FF` →
/// UTF-16BE, `EF BB BF` or anything else → UTF-8 (or single-byte when the declaration says
/// `iso-8859-1`/`windows-1252`). The BOM is removed, the declaration kept. A declaration that
/// contradicts the byte width is an error, as in SQL Server.
pub fn decode_xml_bytes(body: &[u8]) -> Result<String, String> {
    decode_xml_bytes_inner(body)
        .map(|(s, _)| s)
        .map_err(|e| e.message())
}

fn decode_xml_bytes_inner(body: &[u8]) -> Result<(String, XmlSource), XmlError> {
    let (text, source) = if let Some(rest) = body.strip_prefix(&[0xFF, 0xFE]) {
        (decode_utf16le(rest), XmlSource::Utf16)
    } else if let Some(rest) = body.strip_prefix(&[0xFE, 0xFF]) {
        (decode_utf16be(rest), XmlSource::Utf16)
    } else if let Some(rest) = body.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        let s = std::str::from_utf8(rest).map_err(|e| utf8_error(rest, e.valid_up_to()))?;
        (s.to_string(), XmlSource::EightBit)
    } else if looks_utf16le(body) {
        (decode_utf16le(body), XmlSource::Utf16)
    } else {
        match std::str::from_utf8(body) {
            Ok(s) => (s.to_string(), XmlSource::EightBit),
            Err(e) => {
                // Not UTF-8: accept it as single-byte only when declared so.
                let latin = decode_cp1252(body);
                match declared_encoding(&latin) {
                    Some(enc) if is_single_byte_name(&enc) => {
                        return Ok((latin, XmlSource::EightBit));
                    }
                    _ => return Err(utf8_error(body, e.valid_up_to())),
                }
            }
        }
    };
    check_declared_encoding(&text, source)?;
    Ok((text, source))
}

fn utf8_error(bytes: &[u8], valid: usize) -> XmlError {
    let prefix = String::from_utf8_lossy(&bytes[..valid]);
    let (line, column) = line_col_at_end(&prefix);
    XmlError {
        number: 9420,
        line,
        column: column + 1,
        description: "illegal xml character".to_string(),
    }
}

fn line_col_at_end(s: &str) -> (u32, u32) {
    let line = s.matches('\n').count() as u32 + 1;
    let col = s
        .rsplit('\n')
        .next()
        .map(|l| l.chars().count())
        .unwrap_or(0) as u32;
    (line, col)
}

/// Checks a declaration's `encoding` against the width the text came in.
fn check_declared_encoding(text: &str, source: XmlSource) -> Result<(), XmlError> {
    let Some(enc) = declared_encoding(text) else {
        return Ok(());
    };
    let ok = match source {
        XmlSource::Utf16 => is_utf16_name(&enc),
        XmlSource::EightBit => !is_utf16_name(&enc),
    };
    if ok {
        Ok(())
    } else {
        let col = declaration_len(text)
            .map(|n| text[..n].chars().count())
            .unwrap_or(1) as u32;
        Err(XmlError {
            number: 9402,
            line: 1,
            column: col,
            description: "unable to switch the encoding".to_string(),
        })
    }
}

/// Checks XML text (fragments allowed) and returns what an `xml` value stores: the text
/// without its XML declaration. `source` says how the text arrived, for the declaration check
/// (`None` skips it).
pub fn parse_xml_text(text: &str, source: Option<XmlSource>) -> Result<String, XmlError> {
    if let Some(src) = source {
        check_declared_encoding(text, src)?;
    }
    let decl_len = declaration_len(text).unwrap_or(0);
    if text.starts_with("<?xml")
        && decl_len == 0
        && text[5..].starts_with(|c: char| c.is_ascii_whitespace())
    {
        let (line, column) = line_col_at_end(text);
        return Err(XmlError {
            number: 9400,
            line,
            column,
            description: "unexpected end of input".into(),
        });
    }
    let content = &text[decl_len..];
    check_fragment(content).map_err(|mut e| {
        // Shift positions on the first line past the declaration.
        if e.line == 1 {
            e.column += text[..decl_len].chars().count() as u32;
        }
        e
    })?;
    Ok(content.to_string())
}

fn check_fragment(content: &str) -> Result<(), XmlError> {
    let prefix = format!("<{WRAP}>");
    let wrapped = format!("{prefix}{content}</{WRAP}>");
    let Err(err) = roxmltree::Document::parse(&wrapped) else {
        return Ok(());
    };
    let (end_line, end_col) = line_col_at_end(content);
    let at_end = XmlError {
        number: 9400,
        line: end_line,
        column: end_col + 1,
        description: "unexpected end of input".to_string(),
    };
    use roxmltree::Error as E;
    let pos = match &err {
        E::UnexpectedEndOfStream | E::NoRootNode | E::UnclosedRootNode => return Err(at_end),
        E::UnexpectedCloseTag(_, actual, _) if actual == WRAP => return Err(at_end),
        other => other.pos(),
    };
    let mut line = pos.row;
    let mut column = pos.col;
    if line == 1 {
        column = column.saturating_sub(prefix.chars().count() as u32).max(1);
    }
    if (line, column) > (end_line, end_col + 1) {
        line = end_line;
        column = end_col + 1;
    }
    let (number, description) = match &err {
        E::UnexpectedCloseTag(..) => (9436, "end tag does not match start tag".to_string()),
        E::UnknownNamespace(p, _) => (9459, format!("undeclared prefix '{p}'")),
        E::DuplicatedAttribute(a, _) => (9437, format!("duplicate attribute '{a}'")),
        E::UnknownEntityReference(n, _) => {
            (9411, format!("well formed check: undeclared entity '{n}'"))
        }
        E::DtdDetected => (9400, "DTD is not allowed in a fragment".to_string()),
        other => {
            let text = other.to_string();
            let text = match text.rfind(" at ") {
                Some(i) => text[..i].to_string(),
                None => text,
            };
            (9400, text)
        }
    };
    Err(XmlError {
        number,
        line,
        column,
        description,
    })
}

/// Checks a message body for `VALIDATION = WELL_FORMED_XML`: decodes it (see
/// [`decode_xml_bytes`]) and checks well-formedness, allowing fragments. A zero-length body
/// is valid. The error text is SQL Server style (`XML parsing: line …`).
pub fn check_well_formed(body: &[u8]) -> Result<(), String> {
    if body.is_empty() {
        return Ok(());
    }
    let (text, _) = decode_xml_bytes_inner(body).map_err(|e| e.message())?;
    parse_xml_text(&text, None)
        .map(|_| ())
        .map_err(|e| e.message())
}

/// Parses XML bytes into the stored text of an `xml` value (declaration removed).
pub fn xml_from_bytes(body: &[u8]) -> Result<String, ServerError> {
    if body.is_empty() {
        return Ok(String::new());
    }
    let (text, _) = decode_xml_bytes_inner(body).map_err(|e| e.to_server_error())?;
    parse_xml_text(&text, None).map_err(|e| e.to_server_error())
}

/// Escapes `&`, `<`, `>`, `"` and `'` for XML text or attribute values.
pub fn escape_xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// Escapes `&`, `<` and `>` for XML element text (quotes need no escaping there, and
/// SQL Server does not escape them).
pub fn escape_xml_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// The body of a Service Broker `http://schemas.microsoft.com/SQL/ServiceBroker/Error` message:
/// `<Error xmlns="…"><Code>-8489</Code><Description>…</Description></Error>` as UTF-16LE with
/// the `FF FE` byte order mark, no XML declaration.
pub fn error_message_body(code: i32, description: &str) -> Vec<u8> {
    let text = format!(
        "<Error xmlns=\"{BROKER_ERROR_NS}\"><Code>{code}</Code><Description>{}</Description></Error>",
        escape_xml_text(description)
    );
    let mut out = vec![0xFF, 0xFE];
    out.extend(encode_utf16le(&text));
    out
}

/// XML text as an `xml` → `varbinary` conversion gives it: `FF FE` + UTF-16LE.
pub fn xml_to_bytes(text: &str) -> Vec<u8> {
    let mut out = vec![0xFF, 0xFE];
    out.extend(encode_utf16le(text));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(s: &str) -> Vec<u8> {
        encode_utf16le(s)
    }

    #[test]
    fn accepts_documents_and_fragments() {
        assert!(check_well_formed(b"<a/>").is_ok());
        assert!(check_well_formed(b"<a>1</a><b x='2'/>text").is_ok());
        assert!(check_well_formed(b"just text").is_ok());
        assert!(check_well_formed(b"").is_ok());
        assert!(check_well_formed(b"<?xml version=\"1.0\"?><a/>").is_ok());
        assert!(check_well_formed(b"\xEF\xBB\xBF<a>\xC3\xA9</a>").is_ok());
        assert!(check_well_formed(&utf16("<a>é</a>")).is_ok());
        let mut bom = vec![0xFF, 0xFE];
        bom.extend(utf16("<?xml version=\"1.0\" encoding=\"utf-16\"?><a/>"));
        assert!(check_well_formed(&bom).is_ok());
        assert!(
            check_well_formed(b"<?xml version=\"1.0\" encoding=\"iso-8859-1\"?><a>\xE9</a>")
                .is_ok()
        );
    }

    #[test]
    fn rejects_malformed_with_position() {
        let e = check_well_formed(b"<a>").unwrap_err();
        assert!(
            e.starts_with("XML parsing: line 1, character 4, unexpected end of input"),
            "{e}"
        );
        let e = check_well_formed(b"<a></b>").unwrap_err();
        assert!(e.starts_with("XML parsing: line 1,"), "{e}");
        assert!(e.contains("end tag does not match start tag"), "{e}");
        let e = check_well_formed(b"<a>\n<b x=1/></a>").unwrap_err();
        assert!(e.starts_with("XML parsing: line 2,"), "{e}");
        assert!(check_well_formed(b"<p:a/>").is_err());
        assert!(check_well_formed(b"<a>&bogus;</a>").is_err());
        assert!(check_well_formed(b" <?xml version=\"1.0\"?><a/>").is_err());
        assert!(check_well_formed(b"<a>\xFF\xFE\xFD</a>").is_err());
        // utf-8 bytes claiming utf-16
        let e = check_well_formed(b"<?xml version=\"1.0\" encoding=\"utf-16\"?><a/>").unwrap_err();
        assert!(e.contains("unable to switch the encoding"), "{e}");
    }

    #[test]
    fn decode_strips_bom_keeps_declaration() {
        let mut b = vec![0xFF, 0xFE];
        b.extend(utf16("<?xml version=\"1.0\"?><a/>"));
        assert_eq!(decode_xml_bytes(&b).unwrap(), "<?xml version=\"1.0\"?><a/>");
        assert_eq!(decode_xml_bytes(b"\xEF\xBB\xBF<a/>").unwrap(), "<a/>");
        assert_eq!(xml_from_bytes(&b).unwrap(), "<a/>");
    }

    #[test]
    fn error_body_round_trips() {
        let body = error_message_body(-8489, "Bad <thing> & 'stuff'");
        assert_eq!(&body[..2], &[0xFF, 0xFE]);
        let text = crate::encoding::decode_utf16le(&body[2..]);
        let doc = roxmltree::Document::parse(&text).unwrap();
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "Error");
        assert_eq!(root.tag_name().namespace(), Some(BROKER_ERROR_NS));
        let code = root
            .children()
            .find(|n| n.has_tag_name((BROKER_ERROR_NS, "Code")))
            .unwrap();
        assert_eq!(code.text(), Some("-8489"));
        let desc = root
            .children()
            .find(|n| n.has_tag_name((BROKER_ERROR_NS, "Description")))
            .unwrap();
        assert_eq!(desc.text(), Some("Bad <thing> & 'stuff'"));
        assert!(check_well_formed(&body).is_ok());
    }
}
