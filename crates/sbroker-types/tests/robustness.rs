//! Conversions, comparisons and arithmetic must never panic on user data.

use proptest::prelude::*;
use sbroker_types::xml::{check_well_formed, decode_xml_bytes};
use sbroker_types::{SqlType, StrLen, Value, convert};

fn targets() -> Vec<SqlType> {
    vec![
        SqlType::Bit,
        SqlType::TinyInt,
        SqlType::SmallInt,
        SqlType::Int,
        SqlType::BigInt,
        SqlType::Decimal {
            precision: 38,
            scale: 10,
        },
        SqlType::Decimal {
            precision: 5,
            scale: 2,
        },
        SqlType::Money,
        SqlType::Float,
        SqlType::Real,
        SqlType::Char(3),
        SqlType::VarChar(StrLen::Len(5)),
        SqlType::VarChar(StrLen::Max),
        SqlType::NChar(3),
        SqlType::NVarChar(StrLen::Max),
        SqlType::NVarChar(StrLen::Len(2)),
        SqlType::Binary(4),
        SqlType::VarBinary(StrLen::Max),
        SqlType::UniqueIdentifier,
        SqlType::Xml,
        SqlType::Date,
        SqlType::Time,
        SqlType::DateTime,
        SqlType::DateTime2(3),
        SqlType::SmallDateTime,
        SqlType::Sysname,
    ]
}

fn exercise(v: &Value) {
    for t in targets() {
        for style in [
            None,
            Some(0),
            Some(1),
            Some(2),
            Some(3),
            Some(101),
            Some(120),
            Some(126),
        ] {
            if let Ok(c) = convert(v, &t, style) {
                let _ = c.to_json();
                let _ = c.to_display_string();
                let _ = c.to_bytes_for_body();
                let _ = c.compare(v);
                let _ = c.add(v);
                let _ = v.sub(&c);
                let _ = c.mul(v);
                let _ = v.div(&c);
                let _ = c.modulo(v);
                let _ = c.bit_and(v);
                let _ = c.neg();
                let _ = c.bit_not();
            }
        }
        let _ = v.assign_to(&t);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn strings_never_panic(s in "\\PC{0,40}") {
        exercise(&Value::NVarChar(s.clone()));
        exercise(&Value::VarChar(s));
    }

    #[test]
    fn numeric_like_strings_never_panic(s in "[-+ 0-9.eE:/T]{0,30}") {
        exercise(&Value::VarChar(s));
    }

    #[test]
    fn bytes_never_panic(b in proptest::collection::vec(any::<u8>(), 0..40)) {
        let _ = check_well_formed(&b);
        let _ = decode_xml_bytes(&b);
        exercise(&Value::Binary(b));
    }

    #[test]
    fn numbers_never_panic(i in any::<i64>(), f in any::<f64>()) {
        exercise(&Value::BigInt(i));
        exercise(&Value::Int(i as i32));
        if f.is_finite() {
            exercise(&Value::Float(f));
        }
    }
}

#[test]
fn extreme_values_never_panic() {
    let big = Value::VarChar("9".repeat(38));
    let values = [
        Value::Int(i32::MIN),
        Value::BigInt(i64::MIN),
        Value::Float(f64::MAX),
        Value::Float(f64::MIN_POSITIVE),
        Value::VarChar("9999-12-31 23:59:59.9999999".into()),
        Value::VarChar("0001-01-01".into()),
        Value::VarChar("<a><b></a>".into()),
        Value::VarChar("<?xml version=\"1.0\"?>".into()),
        Value::VarChar("<?xml".into()),
        big.clone(),
        big.cast(&SqlType::Decimal {
            precision: 38,
            scale: 0,
        })
        .unwrap(),
        Value::VarChar(format!("0.{}", "1".repeat(60))),
    ];
    for v in &values {
        exercise(v);
    }
}
