//! Crash test: kill -9 the worker under load, restart it on the same directory, and check
//! after every kill that exactly the acknowledged work is durable (see `sbroker_testkit`).

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use rand::Rng;
use sbroker_engine::{QueueName, Receive, ReceiveFilter, Wait};
use sbroker_testkit::{AckLog, DB, Payload, RECEIVE_TOP, REQ, TARGET_Q, open_quiet, verify};

const ROUNDS: usize = 24;
const RECEIVERS: u64 = 2;

/// Runs the worker once for `ms` milliseconds, kills it with SIGKILL and returns every
/// complete line it wrote.
fn one_round(dir: &std::path::Path, ms: u64) -> Vec<String> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_crash-worker"))
        .arg(dir)
        .arg("3")
        .arg(RECEIVERS.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn crash-worker");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel::<String>();
    let reader = std::thread::spawn(move || {
        let mut r = BufReader::new(stdout);
        loop {
            let mut line = String::new();
            match r.read_line(&mut line) {
                Ok(0) | Err(_) => break,
                // A line cut short by the kill is not an acknowledgement.
                Ok(_) if line.ends_with('\n') => {
                    if tx.send(line.trim_end().to_string()).is_err() {
                        break;
                    }
                }
                Ok(_) => break,
            }
        }
    });
    // Wait for the worker to be up (setup done), then let it run for `ms`.
    let mut lines = Vec::new();
    match rx.recv_timeout(Duration::from_secs(20)) {
        Ok(l) => lines.push(l),
        Err(e) => panic!("worker wrote nothing: {e}"),
    }
    let until = Instant::now() + Duration::from_millis(ms);
    while let Some(left) = until.checked_duration_since(Instant::now()) {
        match rx.recv_timeout(left) {
            Ok(l) => lines.push(l),
            Err(mpsc::RecvTimeoutError::Timeout) => break,
            Err(mpsc::RecvTimeoutError::Disconnected) => panic!("worker died by itself"),
        }
    }
    child.kill().expect("SIGKILL");
    let status = child.wait().expect("wait");
    assert!(!status.success(), "worker must die from the signal");
    reader.join().expect("reader");
    lines.extend(rx.try_iter());
    lines
}

#[test]
fn kill9_under_load_keeps_exactly_the_acknowledged_work() {
    let started = Instant::now();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut log = AckLog::default();
    let mut rng = rand::rng();
    let mut prev_unacked_recv = 0usize;
    for round in 0..ROUNDS {
        let ms = rng.random_range(50..=400);
        let lines = one_round(dir.path(), ms);
        assert!(
            lines.first().is_some_and(|l| l.starts_with("START ")),
            "round {round}: first line {:?}",
            lines.first()
        );
        for l in &lines {
            log.add_line(l)
                .unwrap_or_else(|e| panic!("round {round}: {e}"));
        }
        let inst = open_quiet(dir.path()).expect("reopen after kill");
        let report = verify(&inst, &log).unwrap_or_else(|e| panic!("round {round}: {e}"));
        // Only the receive transactions in flight at this kill may be durable without an
        // acknowledgement.
        let grew = report
            .durable_unacked_receives
            .saturating_sub(prev_unacked_recv);
        assert!(
            grew as u64 <= RECEIVERS * RECEIVE_TOP,
            "round {round}: {grew} unacknowledged receives became durable"
        );
        prev_unacked_recv = report.durable_unacked_receives;
        eprintln!(
            "round {round:2}: ran {ms:3} ms, {:5} lines, {report:?}",
            lines.len()
        );
        drop(inst);
    }
    assert!(
        log.sent.len() > 100 && !log.received.is_empty(),
        "the worker did too little work to prove anything: {} sent, {} received",
        log.sent.len(),
        log.received.len()
    );

    // Finally drain the target queue through RECEIVE and compare with the log.
    let inst = open_quiet(dir.path()).expect("final reopen");
    let before = verify(&inst, &log).expect("final verify");
    let mut s = inst.session();
    s.use_database(DB).expect("use");
    let mut drained: Vec<Payload> = Vec::new();
    loop {
        let rows = s
            .receive(&Receive {
                queue: QueueName::new(TARGET_Q),
                top: None,
                filter: ReceiveFilter::None,
                wait: Wait::No,
            })
            .expect("receive");
        if rows.is_empty() {
            break;
        }
        for r in rows {
            assert_eq!(r.message_type_name, REQ);
            let text = String::from_utf8(r.message_body.unwrap_or_default()).expect("utf8");
            drained.push(Payload::parse(&text).expect("payload"));
        }
    }
    let unique: std::collections::HashSet<&Payload> = drained.iter().collect();
    assert_eq!(
        unique.len(),
        drained.len(),
        "RECEIVE returned a message twice"
    );
    assert_eq!(
        drained.len(),
        before.in_target_queue,
        "RECEIVE must return exactly the queued messages"
    );
    for (p, _) in log
        .sent
        .iter()
        .filter(|(p, _)| !log.received.contains_key(*p))
    {
        assert!(
            unique.contains(p) || before.acked_in_init_queue > 0,
            "{p} neither queued nor received"
        );
    }
    for p in log.received.keys() {
        assert!(!unique.contains(p), "{p} was received twice");
    }
    eprintln!(
        "{} rounds, {} acknowledged sends, {} acknowledged receives, {} drained at the end, {:.1} s",
        ROUNDS,
        log.sent.len(),
        log.received.len(),
        drained.len(),
        started.elapsed().as_secs_f64()
    );
}
