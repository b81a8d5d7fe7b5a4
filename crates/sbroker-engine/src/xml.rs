//! XML helpers of the engine: WELL_FORMED_XML validation of message bodies and the body of
//! broker Error messages (spec 04 §2). Thin wrappers over `sbroker_types::xml`, which owns
//! the decoding rules (UTF-16 / UTF-8 / declared encodings) shared with the interpreter.

/// Decodes a message body to text (UTF-16LE with or without BOM, UTF-8, declared encodings).
pub fn decode_body_text(body: &[u8]) -> Result<String, String> {
    sbroker_types::xml::decode_xml_bytes(body)
}

/// Checks that a body is well-formed XML (a document or a fragment, as SQL Server's `xml`
/// type accepts). An empty body is valid. Errors read like SQL Server's (`XML parsing: …`).
pub fn check_well_formed(body: &[u8]) -> Result<(), String> {
    sbroker_types::xml::check_well_formed(body)
}

/// The body of an Error message: UTF-16LE with a BOM, root `Error` in the
/// `…/ServiceBroker/Error` namespace with `Code` and `Description`.
pub fn error_body(code: i32, description: &str) -> Vec<u8> {
    sbroker_types::xml::error_message_body(code, description)
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
        let e = check_well_formed(b"<a>").unwrap_err();
        assert!(
            !e.contains("sbroker"),
            "no internal names leak into the text: {e}"
        );
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
        let doc = roxmltree::Document::parse(text.trim_start_matches('\u{feff}')).expect("parse");
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
