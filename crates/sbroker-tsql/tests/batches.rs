//! `split_batches` behaviour.

use sbroker_tsql::{Batch, split_batches};

fn texts(v: &[Batch]) -> Vec<String> {
    v.iter().map(|b| b.text.trim().to_string()).collect()
}

#[test]
fn splits_on_go() {
    let b = split_batches("SELECT 1\nGO\nSELECT 2\ngo\nSELECT 3");
    assert_eq!(texts(&b), vec!["SELECT 1", "SELECT 2", "SELECT 3"]);
    assert_eq!(
        b.iter().map(|b| b.start_line).collect::<Vec<_>>(),
        vec![1, 3, 5]
    );
    assert!(b.iter().all(|b| b.count == 1));
}

#[test]
fn go_with_count_and_whitespace() {
    let b = split_batches("PRINT 1\n   Go 5   \nPRINT 2\n\tGO\t\n");
    assert_eq!(texts(&b), vec!["PRINT 1", "PRINT 2"]);
    assert_eq!(b[0].count, 5);
    assert_eq!(b[1].count, 1);
}

#[test]
fn go_with_trailing_comment() {
    let b = split_batches("PRINT 1\nGO -- done\nPRINT 2\nGO 2 -- twice\nPRINT 3\nGO--x\n");
    assert_eq!(texts(&b), vec!["PRINT 1", "PRINT 2", "PRINT 3"]);
    assert_eq!(b[1].count, 2);
}

#[test]
fn go_inside_block_comment_not_split() {
    let b = split_batches(
        "PRINT 1\n/* comment\nGO\n /* nested\nGO\n*/ still\nGO\n*/\nPRINT 2\nGO\nPRINT 3",
    );
    assert_eq!(b.len(), 2);
    assert!(b[0].text.contains("PRINT 2"));
    assert_eq!(b[1].start_line, 11);
}

#[test]
fn go_inside_string_not_split() {
    let b = split_batches("PRINT 'line1\nGO\nit''s\nGO'\nGO\nPRINT 2");
    assert_eq!(b.len(), 2);
    assert!(b[0].text.contains("it''s"));
    let b = split_batches("SELECT [a\nGO\n]\nGO\nPRINT 2");
    assert_eq!(b.len(), 2);
}

#[test]
fn go_after_line_comment_is_split() {
    let b = split_batches("PRINT 1 -- 'not a string\nGO\nPRINT 2");
    assert_eq!(b.len(), 2);
}

#[test]
fn not_go_lines() {
    let b = split_batches("SELECT 1 AS GOAL\nGOTO x\nGO x\nGO;\nx: PRINT 1");
    assert_eq!(b.len(), 1);
}

#[test]
fn empty_batches_dropped_and_crlf() {
    let b = split_batches("GO\r\n\r\nGO\r\nSELECT 1\r\nGO\r\n");
    assert_eq!(b.len(), 1);
    assert_eq!(b[0].text, "SELECT 1\r\n");
    assert_eq!(b[0].start_line, 4);
    assert!(split_batches("").is_empty());
}

#[test]
fn batches_parse() {
    let script = "CREATE QUEUE q;\nGO\nCREATE SERVICE s ON QUEUE q ([DEFAULT]);\nGO 2\n";
    for b in split_batches(script) {
        sbroker_tsql::parse_batch(&b.text).unwrap();
    }
}
