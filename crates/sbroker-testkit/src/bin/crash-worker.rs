//! `crash-worker DIR [SENDERS] [RECEIVERS]`: runs the crash workload on the instance in
//! `DIR` until killed, printing one stdout line per acknowledged (committed) message:
//!
//! ```text
//! START <run>
//! SENT <initiator handle> <sequence> <run.thread.counter>
//! RECV <target handle> <sequence> <run.thread.counter>
//! ```
//!
//! A line is printed only after COMMIT returned Ok, so the log is a lower bound of what is
//! durable. See the `sbroker_testkit` crate documentation for the workload.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use sbroker_engine::{
    BeginDialog, Instance, QueueName, Receive, ReceiveFilter, ServerError, Session, Uuid, Wait,
};
use sbroker_testkit::{
    ACK, CONTRACT, INIT_SVC, MAX_SENDS_PER_TXN, RECEIVE_TOP, REQ, TARGET_Q, TARGET_SVC, setup,
};

/// Messages sent on one dialog before the sender begins a new one.
const PER_DIALOG: i64 = 25;

fn emit(text: &str) {
    let out = std::io::stdout();
    let mut lock = out.lock();
    // One write per transaction, then flush: the line is the acknowledgement.
    if lock.write_all(text.as_bytes()).is_err() || lock.flush().is_err() {
        std::process::exit(3);
    }
}

fn fatal(what: &str, e: &ServerError) -> ! {
    eprintln!("crash-worker: {what}: {} {}", e.number, e.message);
    std::process::exit(2);
}

fn sender(mut s: Session, run: &str, thread: u32) {
    // (handle, next sequence number) of the current dialog.
    let mut dialog: Option<(Uuid, i64)> = None;
    let mut counter: u64 = 0;
    loop {
        let n = 1 + (counter % MAX_SENDS_PER_TXN);
        let attempt = (|| -> Result<(Uuid, i64, String), ServerError> {
            s.begin_transaction()?;
            let (h, first_seq) = match dialog {
                Some((h, seq)) if seq < PER_DIALOG => (h, seq),
                _ => {
                    let h =
                        s.begin_dialog(&BeginDialog::new(INIT_SVC, TARGET_SVC, Some(CONTRACT)))?;
                    (h, 0)
                }
            };
            let mut lines = String::new();
            for i in 0..n {
                let seq = first_seq + i as i64;
                let payload = format!("{run}.{thread}.{}", counter + i);
                s.send(&[h], Some(REQ), Some(payload.clone().into_bytes()))?;
                lines.push_str(&format!("SENT {h} {seq} {payload}\n"));
            }
            Ok((h, first_seq + n as i64, lines))
        })();
        match attempt {
            Ok((h, next, lines)) => match s.commit() {
                Ok(()) => {
                    emit(&lines);
                    dialog = Some((h, next));
                    counter += n;
                }
                Err(e) => fatal("commit of sends failed", &e),
            },
            Err(e) => {
                eprintln!(
                    "crash-worker: send failed, rolling back: {} {}",
                    e.number, e.message
                );
                if s.in_transaction() {
                    let _ = s.rollback();
                }
                if e.number == 3314 {
                    fatal("storage", &e);
                }
            }
        }
    }
}

fn receiver(mut s: Session) {
    let args = Receive {
        queue: QueueName::new(TARGET_Q),
        top: Some(RECEIVE_TOP),
        filter: ReceiveFilter::None,
        wait: Wait::For(Duration::from_millis(100)),
    };
    loop {
        let attempt = (|| -> Result<String, ServerError> {
            s.begin_transaction()?;
            let rows = s.receive(&args)?;
            let mut lines = String::new();
            let mut by_conv: Vec<(Uuid, Vec<String>)> = Vec::new();
            for r in &rows {
                let body = String::from_utf8_lossy(r.message_body.as_deref().unwrap_or_default())
                    .into_owned();
                if r.message_type_name != REQ {
                    eprintln!("crash-worker: unexpected {} received", r.message_type_name);
                    continue;
                }
                lines.push_str(&format!(
                    "RECV {} {} {body}\n",
                    r.conversation_handle, r.message_sequence_number
                ));
                match by_conv
                    .iter_mut()
                    .find(|(h, _)| *h == r.conversation_handle)
                {
                    Some((_, v)) => v.push(body),
                    None => by_conv.push((r.conversation_handle, vec![body])),
                }
            }
            for (h, payloads) in by_conv {
                s.send(&[h], Some(ACK), Some(payloads.join(",").into_bytes()))?;
            }
            Ok(lines)
        })();
        match attempt {
            Ok(lines) => match s.commit() {
                Ok(()) => {
                    if !lines.is_empty() {
                        emit(&lines);
                    }
                }
                Err(e) => fatal("commit of receive failed", &e),
            },
            Err(e) => {
                eprintln!(
                    "crash-worker: receive failed, rolling back: {} {}",
                    e.number, e.message
                );
                if s.in_transaction() {
                    let _ = s.rollback();
                }
                if e.number == 3314 {
                    fatal("storage", &e);
                }
            }
        }
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(dir) = args.first() else {
        eprintln!("usage: crash-worker DIR [SENDERS] [RECEIVERS]");
        return ExitCode::from(64);
    };
    let senders: u32 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(3);
    let receivers: u32 = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(2);
    let inst = match Instance::open(dir) {
        Ok(i) => i,
        Err(e) => fatal("open", &e),
    };
    let mut s = inst.session();
    if let Err(e) = setup(&mut s) {
        fatal("setup", &e);
    }
    let run = Uuid::new_v4().simple().to_string()[..12].to_string();
    emit(&format!("START {run}\n"));
    let mut threads = Vec::new();
    for t in 0..senders {
        let mut s = inst.session();
        if let Err(e) = s.use_database(sbroker_testkit::DB) {
            fatal("use", &e);
        }
        let run = run.clone();
        threads.push(std::thread::spawn(move || sender(s, &run, t)));
    }
    for _ in 0..receivers {
        let mut s = inst.session();
        if let Err(e) = s.use_database(sbroker_testkit::DB) {
            fatal("use", &e);
        }
        threads.push(std::thread::spawn(move || receiver(s)));
    }
    for t in threads {
        let _ = t.join();
    }
    ExitCode::SUCCESS
}
