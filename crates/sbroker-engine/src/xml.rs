//! XML helpers of the engine: WELL_FORMED_XML validation of message bodies and the body of
//! broker Error messages (spec 04 §2).

/// Decodes a message body to text: UTF-16LE when it starts with the FF FE mark or looks
/// like UTF-16LE (zero high bytes), otherwise UTF-8 (an EF BB BF mark is skipped).
pub fn decode_body_text(body: &[u8]) -> Result<String, String> {
    let utf16 = body.starts_with(&[0xFF, 0xFE])
        || (body.len() >= 2
            && body.len().is_multiple_of(2)
            && body.get(1) == Some(&0)
            && body.first() != Some(&0));
    if utf16 {
        let start = if body.starts_with(&[0xFF, 0xFE]) {
            2
        } else {
            0
        };
        let units: Vec<u16> = body
            .get(start..)
            .unwrap_or_default()
            .chunks_exact(2)
            .map(|c| {
                u16::from_le_bytes([
                    c.first().copied().unwrap_or(0),
                    c.get(1).copied().unwrap_or(0),
                ])
            })
            .collect();
        return String::from_utf16(&units).map_err(|_| "invalid UTF-16 text".to_string());
    }
    let b = body.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(body);
    match std::str::from_utf8(b) {
        Ok(s) => Ok(s.to_string()),
        // Single-byte code page text: map each byte to the same code point (Latin-1).
        Err(_) => Ok(b.iter().map(|&c| char::from(c)).collect()),
    }
}

/// Strips a leading XML declaration.
fn strip_declaration(s: &str) -> &str {
    let t = s.trim_start_matches('\u{feff}').trim_start();
    if t.starts_with("<?xml")
        && let Some(end) = t.find("?>")
    {
        return t.get(end + 2..).unwrap_or_default();
    }
    t
}

/// Checks that a body is well-formed XML (a document or a fragment, as SQL Server's `xml`
/// type accepts). An empty body is valid.
pub fn check_well_formed(body: &[u8]) -> Result<(), String> {
    let text = decode_body_text(body)?;
    let inner = strip_declaration(&text);
    if inner.trim().is_empty() {
        return Ok(());
    }
    let wrapped = format!("<sbroker-fragment>{inner}</sbroker-fragment>");
    roxmltree::Document::parse(&wrapped)
        .map(|_| ())
        .map_err(|e| format!("XML parsing: {e}"))
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

/// The body of an Error message: UTF-16LE with a BOM, root `Error` in the
/// `…/ServiceBroker/Error` namespace with `Code` and `Description`.
pub fn error_body(code: i32, description: &str) -> Vec<u8> {
    let xml = format!(
        "<Error xmlns=\"http://schemas.microsoft.com/SQL/ServiceBroker/Error\"><Code>{code}</Code><Description>{}</Description></Error>",
        escape(description)
    );
    let mut out = vec![0xFF, 0xFE];
    for u in xml.encode_utf16() {
        out.extend_from_slice(&u.to_le_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(s: &str) -> Vec<u8> {
        s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect()
    }

    #[test]
    fn well_formed_accepts_documents_fragments_and_encodings() {
        assert!(check_well_formed(b"<a><b/></a>").is_ok());
        assert!(check_well_formed(b"<a/><b/>text").is_ok());
        assert!(
            check_well_formed(&utf16(
                "<RequestMsg>Message for Target service.</RequestMsg>"
            ))
            .is_ok()
        );
        assert!(check_well_formed(b"<?xml version=\"1.0\"?><a/>").is_ok());
        assert!(check_well_formed(b"").is_ok());
        assert!(check_well_formed(b"<a>").is_err());
        assert!(check_well_formed(&utf16("<a><b></a>")).is_err());
    }

    #[test]
    fn error_body_is_well_formed_utf16_with_bom() {
        let b = error_body(
            -8489,
            "The dialog has exceeded the specified LIFETIME & more.",
        );
        assert!(b.starts_with(&[0xFF, 0xFE]));
        let text = decode_body_text(&b).expect("decode");
        let doc = roxmltree::Document::parse(&text).expect("parse");
        let root = doc.root_element();
        assert_eq!(
            root.tag_name().namespace(),
            Some("http://schemas.microsoft.com/SQL/ServiceBroker/Error")
        );
        let code = root
            .children()
            .find(|n| n.has_tag_name("Code"))
            .and_then(|n| n.text());
        assert_eq!(code, Some("-8489"));
    }
}
