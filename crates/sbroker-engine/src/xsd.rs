//! VALID_XML WITH SCHEMA COLLECTION: XSD validation of message bodies with libxml2's
//! validator (behind the `xsd` feature), and the schema collections of a database.
//!
//! A collection holds one or more `<xs:schema>` documents. A body is valid when it is
//! well-formed and validates against the schema whose target namespace is the namespace of
//! the body's root element (SQL Server picks the schema the same way).

use sbroker_types::ServerError;

/// Splits the XML text given to CREATE XML SCHEMA COLLECTION into its schema documents and
/// returns each with its target namespace. Fails (error 2378-class) if there is none or the
/// text is not XML.
pub fn split_schemas(text: &str) -> Result<Vec<(Option<String>, String)>, ServerError> {
    let wrapped = format!("<sbroker-schemas>{}</sbroker-schemas>", strip_decl(text));
    let doc = roxmltree::Document::parse(&wrapped)
        .map_err(|e| ServerError::new(2370, format!("XML Validation: invalid schema text: {e}")))?;
    let mut out = Vec::new();
    for n in doc.root_element().children().filter(|n| n.is_element()) {
        if n.tag_name().name() != "schema" || n.tag_name().namespace() != Some(XS_NS) {
            return Err(ServerError::new(
                2378,
                "XML Validation: an <xs:schema> element was expected in the schema collection text.",
            ));
        }
        let tns = n.attribute("targetNamespace").map(str::to_string);
        let range = n.range();
        out.push((tns, wrapped.get(range).unwrap_or_default().to_string()));
    }
    if out.is_empty() {
        return Err(ServerError::new(
            2378,
            "XML Validation: the schema collection text holds no schema.",
        ));
    }
    // Each schema must compile.
    for (_, s) in &out {
        compile_check(s)?;
    }
    Ok(out)
}

const XS_NS: &str = "http://www.w3.org/2001/XMLSchema";

fn strip_decl(s: &str) -> &str {
    let t = s.trim_start_matches('\u{feff}').trim_start();
    if t.starts_with("<?xml")
        && let Some(e) = t.find("?>")
    {
        return t.get(e + 2..).unwrap_or_default();
    }
    t
}

#[cfg(feature = "xsd")]
fn compile_check(schema: &str) -> Result<(), ServerError> {
    use libxml::schemas::{SchemaParserContext, SchemaValidationContext};
    let schema = schema.to_string();
    let r = std::panic::catch_unwind(move || {
        let mut p = SchemaParserContext::from_buffer(schema.as_bytes());
        SchemaValidationContext::from_parser(&mut p)
            .map(|_| ())
            .map_err(|errs| {
                errs.iter()
                    .filter_map(|e| e.message.clone())
                    .collect::<Vec<_>>()
                    .join("; ")
            })
    });
    match r {
        Ok(Ok(())) => Ok(()),
        Ok(Err(msg)) => Err(ServerError::new(
            2370,
            format!("XML Validation: invalid schema: {}", msg.trim()),
        )),
        Err(_) => Err(ServerError::new(
            2370,
            "XML Validation: the schema could not be compiled.",
        )),
    }
}

#[cfg(not(feature = "xsd"))]
fn compile_check(_schema: &str) -> Result<(), ServerError> {
    Err(ServerError::new(
        40000,
        "VALID_XML needs sbroker built with the `xsd` feature.",
    ))
}

/// Validates a body (already known to be well-formed) against a collection's schemas.
#[cfg(feature = "xsd")]
pub fn validate(schemas: &[(Option<String>, String)], body_text: &str) -> Result<(), String> {
    use libxml::parser::Parser;
    use libxml::schemas::{SchemaParserContext, SchemaValidationContext};
    let inner = strip_decl(body_text).to_string();
    let root_ns = roxmltree::Document::parse(&inner)
        .map_err(|e| format!("XML parsing: {e}"))?
        .root_element()
        .tag_name()
        .namespace()
        .map(str::to_string);
    let Some((_, schema)) = schemas.iter().find(|(ns, _)| *ns == root_ns) else {
        return Err(format!(
            "XML Validation: Declaration not found for element in namespace '{}'.",
            root_ns.unwrap_or_default()
        ));
    };
    let schema = schema.clone();
    let r = std::panic::catch_unwind(move || -> Result<(), String> {
        let doc = Parser::default()
            .parse_string(&inner)
            .map_err(|e| format!("XML parsing: {e:?}"))?;
        let mut p = SchemaParserContext::from_buffer(schema.as_bytes());
        let mut ctx = SchemaValidationContext::from_parser(&mut p)
            .map_err(|_| "XML Validation: the schema could not be compiled.".to_string())?;
        ctx.validate_document(&doc).map_err(|errs| {
            let msgs: Vec<String> = errs
                .iter()
                .filter_map(|e| e.message.clone())
                .map(|m| m.trim().to_string())
                .collect();
            format!("XML Validation: {}", msgs.join("; "))
        })
    });
    r.unwrap_or_else(|_| Err("XML Validation: the validator failed.".to_string()))
}

/// Without the `xsd` feature nothing validates.
#[cfg(not(feature = "xsd"))]
pub fn validate(_schemas: &[(Option<String>, String)], _body_text: &str) -> Result<(), String> {
    Err("XML Validation: sbroker was built without the `xsd` feature.".into())
}

#[cfg(all(test, feature = "xsd"))]
mod tests {
    use super::*;

    const SCHEMA: &str = r#"<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:orders" xmlns="urn:orders" elementFormDefault="qualified">
  <xs:element name="order"><xs:complexType><xs:sequence><xs:element name="qty" type="xs:int"/></xs:sequence></xs:complexType></xs:element>
</xs:schema>"#;

    #[test]
    fn validates_against_the_schema_of_the_root_namespace() {
        let schemas = split_schemas(SCHEMA).expect("schemas");
        assert_eq!(schemas[0].0.as_deref(), Some("urn:orders"));
        assert!(
            validate(
                &schemas,
                r#"<order xmlns="urn:orders"><qty>3</qty></order>"#
            )
            .is_ok()
        );
        let bad = validate(
            &schemas,
            r#"<order xmlns="urn:orders"><qty>many</qty></order>"#,
        )
        .unwrap_err();
        assert!(bad.contains("many") || bad.contains("int"), "{bad}");
        assert!(validate(&schemas, "<other/>").is_err());
        assert!(split_schemas("<notaschema/>").is_err());
    }
}
