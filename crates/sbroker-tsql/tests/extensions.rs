//! sbroker's documented T-SQL extensions parse and print back to the same AST.

use sbroker_tsql::{StmtKind, parse_batch};

fn round_trip(sql: &str) -> StmtKind {
    let stmts = parse_batch(sql).expect("parses");
    let printed = stmts
        .iter()
        .map(|s| s.to_string())
        .collect::<Vec<_>>()
        .join(";\n");
    let again = parse_batch(&printed).expect("printed text parses");
    assert_eq!(stmts, again, "round trip of {sql}\nprinted: {printed}");
    stmts
        .into_iter()
        .next()
        .map(|s| s.kind)
        .expect("one statement")
}

#[test]
fn dead_letter_queue_option() {
    let k = round_trip(
        "ALTER QUEUE q WITH POISON_MESSAGE_HANDLING (STATUS = ON, DEAD_LETTER_QUEUE = dbo.dlq)",
    );
    let StmtKind::AlterQueue(a) = k else {
        panic!("not ALTER QUEUE")
    };
    let sbroker_tsql::AlterQueueAction::With(o) = a.action else {
        panic!("not WITH")
    };
    assert_eq!(o.poison_message_handling, Some(Some(true)));
    assert_eq!(
        o.dead_letter_queue.flatten().map(|n| n.to_string()),
        Some("dbo.dlq".into())
    );
    round_trip("CREATE QUEUE q WITH POISON_MESSAGE_HANDLING (DEAD_LETTER_QUEUE = NONE)");
}
