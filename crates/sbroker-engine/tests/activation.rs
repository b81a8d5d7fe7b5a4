//! Internal activation through the engine API with a Rust activator: tasks start when
//! messages arrive, never more than MAX_QUEUE_READERS run, nothing starts while activation
//! or the queue is off, and ACTIVATION (STATUS = ON) with a backlog starts a reader.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use sbroker_engine::*;
use sbroker_storage::MemoryBackend;

/// Receives one message per transaction, slowly, until the queue is empty.
struct SlowReader {
    started: AtomicUsize,
    running: Arc<AtomicUsize>,
    max_seen: Arc<AtomicUsize>,
    received: Arc<AtomicUsize>,
}

impl Activator for SlowReader {
    fn start(&self, instance: &Instance, task: ActivationTask) {
        self.started.fetch_add(1, Ordering::SeqCst);
        let now = self.running.fetch_add(1, Ordering::SeqCst) + 1;
        self.max_seen.fetch_max(now, Ordering::SeqCst);
        let (inst, running, received) = (
            instance.clone(),
            self.running.clone(),
            self.received.clone(),
        );
        std::thread::spawn(move || {
            let mut s = inst.session();
            s.set_database_id(task.db);
            inst.activation_started(task.id, s.spid());
            loop {
                s.begin_transaction().expect("begin");
                let mut r = Receive::from("qt");
                r.top = Some(1);
                r.wait = Wait::For(Duration::from_millis(300));
                let rows = s.receive(&r).expect("receive");
                s.commit().expect("commit");
                if rows.is_empty() {
                    break;
                }
                received.fetch_add(rows.len(), Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(20));
            }
            running.fetch_sub(1, Ordering::SeqCst);
            inst.activation_finished(task.id, false);
        });
    }
}

fn setup(max_readers: i64, status: bool) -> (Instance, Session, Arc<SlowReader>) {
    let opts = Options {
        background: true,
        ..Default::default()
    };
    let inst = Instance::open_with(Arc::new(MemoryBackend::new()), opts).expect("open");
    let reader = Arc::new(SlowReader {
        started: AtomicUsize::new(0),
        running: Arc::default(),
        max_seen: Arc::default(),
        received: Arc::default(),
    });
    inst.set_activator(reader.clone());
    let mut s = inst.session();
    s.create_database("app").expect("db");
    s.use_database("app").expect("use");
    s.create_queue("dbo", "qi", &QueueOptions::default())
        .expect("q");
    let act = QueueOptions {
        activation_given: true,
        activation_status: Some(status),
        activation_procedure: Some("[app].[dbo].[p]".into()),
        max_readers: Some(max_readers),
        ..Default::default()
    };
    s.create_queue("dbo", "qt", &act).expect("q");
    s.create_service("si", "qi", &[]).expect("s");
    s.create_service("st", "qt", &["DEFAULT".into()])
        .expect("s");
    (inst, s, reader)
}

fn send_many(s: &mut Session, dialogs: usize, per: usize) {
    for _ in 0..dialogs {
        let h = s
            .begin_dialog(&BeginDialog::new("si", "st", None))
            .expect("dialog");
        for i in 0..per {
            s.send(&[h], None, Some(vec![i as u8])).expect("send");
        }
    }
}

fn wait_until(limit: Duration, f: impl Fn() -> bool) -> bool {
    let end = Instant::now() + limit;
    while Instant::now() < end {
        if f() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    f()
}

#[test]
fn readers_start_on_arrival_and_respect_the_limit() {
    let (inst, mut s, reader) = setup(2, true);
    send_many(&mut s, 20, 3);
    assert!(
        wait_until(Duration::from_secs(20), || reader
            .received
            .load(Ordering::SeqCst)
            == 60),
        "every message was received by activated readers"
    );
    assert!(reader.started.load(Ordering::SeqCst) >= 1);
    assert!(
        reader.max_seen.load(Ordering::SeqCst) <= 2,
        "never more than MAX_QUEUE_READERS"
    );
    assert!(wait_until(Duration::from_secs(5), || inst
        .queue_monitors()
        .iter()
        .all(|(_, m)| m.tasks.is_empty())));
}

#[test]
fn nothing_starts_while_off_and_turning_on_drains_the_backlog() {
    let (_inst, mut s, reader) = setup(3, false);
    send_many(&mut s, 3, 2);
    std::thread::sleep(Duration::from_millis(400));
    assert_eq!(
        reader.started.load(Ordering::SeqCst),
        0,
        "activation STATUS = OFF starts nothing"
    );
    let on = QueueOptions {
        activation_given: true,
        activation_status: Some(true),
        ..Default::default()
    };
    s.alter_queue(&QueueName::new("qt"), &on).expect("alter");
    assert!(
        wait_until(Duration::from_secs(10), || reader
            .received
            .load(Ordering::SeqCst)
            == 6),
        "backlog drained after STATUS = ON"
    );
}
