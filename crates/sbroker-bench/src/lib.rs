//! Benchmarks of sbroker (DESIGN §6), in process through the engine's Rust API with
//! durable commits (SQLite backend, `synchronous=FULL`).
//!
//! * `fsync`: the machine's single-fsync rate with the same storage: one thread doing
//!   one-row commits through a bare [`sbroker_storage::Store`]; commits/s = fsyncs/s.
//! * `W1`: 4 producers, one message per transaction, 100-byte bodies; 2 consumers
//!   RECEIVE TOP(100) in a transaction and COMMIT; messages/s end to end.
//! * `W2`: as W1 with 100 messages per producer transaction.
//! * `W3`: request/reply on 16 concurrent dialogs: each initiator thread SENDs a request
//!   and waits (WAITFOR RECEIVE … WHERE conversation_handle = h) for the reply; target
//!   threads RECEIVE and reply in one transaction. Round trips/s, p50/p99 latency.
//! * `W4`: as W1 with 4 KiB bodies.
//! * `W5`: W1 through the TDS server: client connections send one message per batch and
//!   receive with `WAITFOR (RECEIVE TOP (100) …)` batches over real sockets (`tds.rs`).
//!
//! The "group-commit limit" of W1 is the single-fsync rate × the 4 concurrent producers:
//! the best a group-committing engine can do when each producer waits for its fsync.
//!
//! [`run`] runs the chosen workloads and returns one [`BenchResult`] each (plus the fsync
//! row first); [`print_table`] renders them; [`main_with`] is the command-line entry used by
//! `sbroker-bench` and `sbroker bench`.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use sbroker_engine::{
    BeginDialog, Instance, QueueName, QueueOptions, Receive, ReceiveFilter, SentBy, ServerError,
    Session, Validation, Wait,
};
use sbroker_storage::{SqliteBackend, Store, Table, WriteSet};
use serde::Serialize;

mod net;
mod tds;

const DB: &str = "bench";
const REQ: &str = "//sbroker/bench/Request";
const REPLY: &str = "//sbroker/bench/Reply";
const CONTRACT: &str = "//sbroker/bench/Contract";
const INIT_Q: &str = "BenchInitQ";
const TARGET_Q: &str = "BenchTargetQ";
const INIT_SVC: &str = "//sbroker/bench/Init";
const TARGET_SVC: &str = "//sbroker/bench/Target";

/// Producers of the one-way workloads.
pub const PRODUCERS: usize = 4;
/// Consumers of the one-way workloads.
pub const CONSUMERS: usize = 2;
/// RECEIVE TOP (n) of the consumers.
pub const RECEIVE_TOP: u64 = 100;

/// A workload of DESIGN §6.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Workload {
    /// One-way, one message per transaction, 100-byte bodies.
    W1,
    /// One-way, 100 messages per transaction, 100-byte bodies.
    W2,
    /// Request/reply on 16 dialogs.
    W3,
    /// One-way, one message per transaction, 4 KiB bodies.
    W4,
    /// W1 through the TDS server and client.
    W5,
    /// W1 from one instance to another over the broker transport.
    W6,
}

impl Workload {
    /// Every workload this crate runs.
    pub const ALL: [Workload; 6] = [
        Workload::W1,
        Workload::W2,
        Workload::W3,
        Workload::W4,
        Workload::W5,
        Workload::W6,
    ];

    /// `W1` … `W4`.
    pub fn name(self) -> &'static str {
        match self {
            Workload::W1 => "W1",
            Workload::W2 => "W2",
            Workload::W3 => "W3",
            Workload::W4 => "W4",
            Workload::W5 => "W5",
            Workload::W6 => "W6",
        }
    }

    /// One line describing it.
    pub fn description(self) -> &'static str {
        match self {
            Workload::W1 => "one-way, 4 producers x 1 msg/txn, 2 consumers TOP(100), 100 B",
            Workload::W2 => "one-way, 4 producers x 100 msgs/txn, 2 consumers TOP(100), 100 B",
            Workload::W3 => "request/reply, 16 dialogs, target receives+replies in one txn",
            Workload::W4 => "one-way, 4 producers x 1 msg/txn, 2 consumers TOP(100), 4 KiB",
            Workload::W5 => {
                "W1 over TDS: 4 client connections SEND 1 msg/batch, 2 RECEIVE TOP(100)"
            }
            Workload::W6 => "W1 from one instance to another over the broker transport, TLS on",
        }
    }
}

impl std::str::FromStr for Workload {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Workload::ALL
            .into_iter()
            .find(|w| w.name().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| format!("unknown workload {s:?} (expected W1, W2, W3, W4, W5 or W6)"))
    }
}

/// What to run.
#[derive(Debug, Clone)]
pub struct BenchOptions {
    /// Workloads, in this order.
    pub workloads: Vec<Workload>,
    /// How long producers (or initiators) run in each workload; consumers then drain.
    pub duration: Duration,
    /// How long the single-fsync measurement runs (zero skips it).
    pub fsync_duration: Duration,
    /// Where data directories go (a fresh subdirectory per workload); a temporary
    /// directory when `None`.
    pub data_dir: Option<PathBuf>,
    /// Show progress bars on stderr.
    pub progress: bool,
    /// Concurrent dialogs (initiator threads) of W3.
    pub w3_dialogs: usize,
    /// Target threads of W3.
    pub w3_targets: usize,
}

impl Default for BenchOptions {
    fn default() -> Self {
        Self {
            workloads: Workload::ALL.to_vec(),
            duration: Duration::from_secs(10),
            fsync_duration: Duration::from_secs(3),
            data_dir: None,
            progress: true,
            w3_dialogs: 16,
            w3_targets: 4,
        }
    }
}

/// One measured workload.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BenchResult {
    /// `fsync`, `W1` … `W4`.
    pub workload: String,
    /// What ran.
    pub description: String,
    /// Messages received end to end (round trips for W3, commits for fsync).
    pub messages: u64,
    /// Wall-clock seconds from the first send to the last receive commit.
    pub seconds: f64,
    /// `messages / seconds`.
    pub rate: f64,
    /// Unit of `rate`.
    pub unit: String,
    /// Median latency (send to received commit; round trip for W3), milliseconds.
    pub p50_ms: Option<f64>,
    /// 99th percentile latency, milliseconds.
    pub p99_ms: Option<f64>,
    /// Durable commits (write sets) during the run.
    pub commits: u64,
    /// Backend batches (one fsync each) during the run.
    pub fsyncs: u64,
    /// `commits / fsyncs`: how well group commit shares fsyncs.
    pub commits_per_fsync: f64,
    /// The target for this workload, in words.
    pub target: Option<String>,
    /// Whether the target was met.
    pub met: Option<bool>,
}

impl BenchResult {
    /// A workload's result: `n` units in `secs`, latencies in µs (any order), and the
    /// store's counters before and after.
    fn measured(
        w: Workload,
        n: u64,
        secs: f64,
        unit: &str,
        mut lat: Vec<u64>,
        before: sbroker_storage::StoreStats,
        after: sbroker_storage::StoreStats,
    ) -> Self {
        lat.sort_unstable();
        let commits = after.commits - before.commits;
        let fsyncs = after.batches - before.batches;
        Self {
            workload: w.name().into(),
            description: w.description().into(),
            messages: n,
            seconds: secs,
            rate: if secs > 0.0 { n as f64 / secs } else { 0.0 },
            unit: unit.into(),
            p50_ms: percentile(&lat, 50.0),
            p99_ms: percentile(&lat, 99.0),
            commits,
            fsyncs,
            commits_per_fsync: ratio(commits, fsyncs),
            target: None,
            met: None,
        }
    }
}

/// Value of the group-commit limit for W1: single-fsync rate × concurrent producers.
pub fn group_commit_limit(fsync_rate: f64) -> f64 {
    fsync_rate * PRODUCERS as f64
}

fn style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar())
}

fn bar(opts: &BenchOptions, name: &str, len_ms: u64) -> ProgressBar {
    let pb = ProgressBar::new(len_ms);
    if !opts.progress {
        pb.set_draw_target(ProgressDrawTarget::hidden());
    }
    pb.set_style(style(
        "{prefix:>6} [{elapsed_precise}] {bar:30.cyan/blue} {msg}",
    ));
    pb.set_prefix(name.to_string());
    pb
}

fn percentile(sorted: &[u64], p: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let idx = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted
        .get(idx.min(sorted.len() - 1))
        .map(|us| *us as f64 / 1000.0)
}

/// Runs the benchmark suite.
pub fn run(opts: &BenchOptions) -> Vec<BenchResult> {
    let tmp;
    let root: PathBuf = match &opts.data_dir {
        Some(d) => d.clone(),
        None => {
            tmp = tempfile::tempdir().ok();
            match &tmp {
                Some(t) => t.path().to_path_buf(),
                None => std::env::temp_dir().join(format!("sbroker-bench-{}", std::process::id())),
            }
        }
    };
    let mut results = Vec::new();
    let mut fsync_rate = None;
    if !opts.fsync_duration.is_zero() {
        let dir = root.join("fsync");
        match measure_fsync(opts, &dir) {
            Ok(r) => {
                fsync_rate = Some(r.rate);
                results.push(r);
            }
            Err(e) => eprintln!("fsync measurement failed: {e}"),
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
    for w in &opts.workloads {
        let dir = root.join(w.name().to_lowercase());
        let _ = std::fs::remove_dir_all(&dir);
        let r = match w {
            Workload::W1 => one_way(opts, *w, &dir, 1, 100),
            Workload::W2 => one_way(opts, *w, &dir, 100, 100),
            Workload::W4 => one_way(opts, *w, &dir, 1, 4096),
            Workload::W3 => request_reply(opts, &dir),
            Workload::W5 => tds::one_way_tds(opts, &dir),
            Workload::W6 => net::one_way_net(opts, &dir),
        };
        match r {
            Ok(mut r) => {
                judge(&mut r, *w, fsync_rate);
                results.push(r);
            }
            Err(e) => eprintln!("{} failed: {} {}", w.name(), e.number, e.message),
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
    results
}

fn judge(r: &mut BenchResult, w: Workload, fsync_rate: Option<f64>) {
    let (target, met) = match w {
        Workload::W1 => match fsync_rate {
            Some(f) => {
                let limit = group_commit_limit(f);
                (
                    format!(">= 80% of group-commit limit {limit:.0} msgs/s"),
                    Some(r.rate >= 0.8 * limit),
                )
            }
            None => ("within 20% of group-commit limit".into(), None),
        },
        Workload::W2 => (">= 100000 msgs/s".into(), Some(r.rate >= 100_000.0)),
        Workload::W3 => (
            ">= 5000 round trips/s, p99 <= 10 ms".into(),
            Some(r.rate >= 5000.0 && r.p99_ms.is_some_and(|p| p <= 10.0)),
        ),
        Workload::W4 => (">= 10000 msgs/s".into(), Some(r.rate >= 10_000.0)),
        // No DESIGN target: it shows what the wire costs next to W1.
        Workload::W5 => return,
        // DESIGN's goal is relative (>= 50% of W5 in the same run); the table shows both.
        Workload::W6 => return,
    };
    r.target = Some(target);
    r.met = met;
}

/// Single-fsync rate: one thread, one-row commits through a bare store over SQLite.
fn measure_fsync(opts: &BenchOptions, dir: &Path) -> Result<BenchResult, String> {
    let _ = std::fs::remove_dir_all(dir);
    let backend = SqliteBackend::open(dir).map_err(|e| e.to_string())?;
    let store = Store::new(Arc::new(backend));
    let pb = bar(opts, "fsync", opts.fsync_duration.as_millis() as u64);
    let start = Instant::now();
    let mut n: u64 = 0;
    let mut lat = Vec::new();
    while start.elapsed() < opts.fsync_duration {
        let mut ws = WriteSet::new();
        ws.put(Table::UserRow, n.to_be_bytes().to_vec(), vec![0x5a; 100]);
        let t0 = Instant::now();
        store
            .submit(ws)
            .and_then(|t| t.wait())
            .map_err(|e| e.to_string())?;
        lat.push(t0.elapsed().as_micros() as u64);
        n += 1;
        if n.is_multiple_of(16) {
            pb.set_position(start.elapsed().as_millis() as u64);
            pb.set_message(format!("{n} commits"));
        }
    }
    let secs = start.elapsed().as_secs_f64();
    pb.finish_and_clear();
    lat.sort_unstable();
    let stats = store.stats();
    Ok(BenchResult {
        workload: "fsync".into(),
        description: "1 thread, 1-row commits, bare Store over SQLite (commits/s = fsyncs/s)"
            .into(),
        messages: n,
        seconds: secs,
        rate: n as f64 / secs,
        unit: "commits/s".into(),
        p50_ms: percentile(&lat, 50.0),
        p99_ms: percentile(&lat, 99.0),
        commits: stats.commits,
        fsyncs: stats.batches,
        commits_per_fsync: ratio(stats.commits, stats.batches),
        target: None,
        met: None,
    })
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// Opens a fresh instance in `dir` with the benchmark's objects.
fn setup(dir: &Path) -> Result<Instance, ServerError> {
    let inst = Instance::open(dir)?;
    let mut s = inst.session();
    s.create_database(DB)?;
    s.use_database(DB)?;
    s.create_message_type(REQ, Validation::None)?;
    s.create_message_type(REPLY, Validation::None)?;
    s.create_contract(
        CONTRACT,
        &[
            (REQ.into(), SentBy::Initiator),
            (REPLY.into(), SentBy::Target),
        ],
    )?;
    s.create_queue("dbo", INIT_Q, &QueueOptions::default())?;
    s.create_queue("dbo", TARGET_Q, &QueueOptions::default())?;
    s.create_service(INIT_SVC, INIT_Q, &[])?;
    s.create_service(TARGET_SVC, TARGET_Q, &[CONTRACT.into()])?;
    Ok(inst)
}

fn session(inst: &Instance) -> Result<Session, ServerError> {
    let mut s = inst.session();
    s.use_database(DB)?;
    Ok(s)
}

fn dialog(s: &mut Session) -> Result<sbroker_engine::Uuid, ServerError> {
    s.begin_dialog(&BeginDialog::new(INIT_SVC, TARGET_SVC, Some(CONTRACT)))
}

/// A body of `size` bytes starting with the send time (µs since `base`).
fn body(base: Instant, size: usize) -> Vec<u8> {
    let mut b = vec![b'x'; size.max(8)];
    let us = base.elapsed().as_micros() as u64;
    b[..8].copy_from_slice(&us.to_le_bytes());
    b
}

fn stamp(body: Option<&[u8]>) -> Option<u64> {
    let b = body?.get(..8)?;
    Some(u64::from_le_bytes(b.try_into().ok()?))
}

type Worker = std::thread::JoinHandle<Result<Vec<u64>, ServerError>>;

fn join_all(threads: Vec<Worker>) -> Result<Vec<u64>, ServerError> {
    let mut all = Vec::new();
    let mut first_err = None;
    for t in threads {
        match t.join() {
            Ok(Ok(v)) => all.extend(v),
            Ok(Err(e)) => {
                first_err.get_or_insert(e);
            }
            Err(_) => {
                first_err.get_or_insert(ServerError::new(50000, "benchmark thread panicked"));
            }
        }
    }
    match first_err {
        Some(e) => Err(e),
        None => Ok(all),
    }
}

/// The counters a one-way workload's producers and consumers share, and its clock.
#[derive(Clone)]
pub(crate) struct Flow {
    pub(crate) stop: Arc<AtomicBool>,
    pub(crate) producers_done: Arc<AtomicBool>,
    pub(crate) produced: Arc<AtomicU64>,
    pub(crate) consumed: Arc<AtomicU64>,
    pub(crate) last_recv_us: Arc<AtomicU64>,
    pub(crate) base: Instant,
}

impl Flow {
    pub(crate) fn new() -> Self {
        Self {
            stop: Arc::new(AtomicBool::new(false)),
            producers_done: Arc::new(AtomicBool::new(false)),
            produced: Arc::new(AtomicU64::new(0)),
            consumed: Arc::new(AtomicU64::new(0)),
            last_recv_us: Arc::new(AtomicU64::new(0)),
            base: Instant::now(),
        }
    }

    /// For a consumer: true once the producers stopped and everything they sent was
    /// received; an error when draining takes more than two minutes.
    pub(crate) fn drained(&self, stopped_at: &mut Option<Instant>) -> Result<bool, ServerError> {
        if !self.producers_done.load(Ordering::SeqCst) {
            return Ok(false);
        }
        if self.consumed.load(Ordering::SeqCst) >= self.produced.load(Ordering::SeqCst) {
            return Ok(true);
        }
        if stopped_at.get_or_insert_with(Instant::now).elapsed() > Duration::from_secs(120) {
            return Err(ServerError::new(50000, "consumers could not drain"));
        }
        Ok(false)
    }

    /// For a consumer: `n` messages received now; their latencies from the body stamps.
    pub(crate) fn received<'a>(
        &self,
        bodies: impl Iterator<Item = Option<&'a [u8]>>,
        lat: &mut Vec<u64>,
    ) {
        let now = self.base.elapsed().as_micros() as u64;
        let mut n = 0;
        for b in bodies {
            n += 1;
            if let Some(t) = stamp(b) {
                lat.push(now.saturating_sub(t));
            }
        }
        self.consumed.fetch_add(n, Ordering::SeqCst);
        self.last_recv_us.fetch_max(now, Ordering::SeqCst);
    }

    /// Runs the producers for the configured duration with a progress bar, stops them,
    /// waits for the consumers to drain, and measures.
    pub(crate) fn finish(
        &self,
        opts: &BenchOptions,
        w: Workload,
        inst: &Instance,
        before: sbroker_storage::StoreStats,
        producers: Vec<Worker>,
        consumers: Vec<Worker>,
    ) -> Result<BenchResult, ServerError> {
        let pb = bar(opts, w.name(), opts.duration.as_millis() as u64);
        while self.base.elapsed() < opts.duration {
            std::thread::sleep(Duration::from_millis(100));
            pb.set_position(self.base.elapsed().as_millis() as u64);
            pb.set_message(format!(
                "sent {} received {}",
                self.produced.load(Ordering::Relaxed),
                self.consumed.load(Ordering::Relaxed)
            ));
        }
        self.stop.store(true, Ordering::SeqCst);
        let prod = join_all(producers);
        self.producers_done.store(true, Ordering::SeqCst);
        pb.set_message(format!(
            "draining: sent {} received {}",
            self.produced.load(Ordering::Relaxed),
            self.consumed.load(Ordering::Relaxed)
        ));
        let lat = join_all(consumers)?;
        prod?;
        pb.finish_and_clear();
        let n = self.consumed.load(Ordering::SeqCst);
        let secs = self.last_recv_us.load(Ordering::SeqCst) as f64 / 1e6;
        Ok(BenchResult::measured(
            w,
            n,
            secs,
            "msgs/s",
            lat,
            before,
            inst.store_stats(),
        ))
    }
}

/// The producers of a one-way workload: each on its own dialog from the initiator service,
/// `batch` messages of `size` bytes per transaction, until the flow stops.
pub(crate) fn producers(
    inst: &Instance,
    flow: &Flow,
    batch: usize,
    size: usize,
) -> Result<Vec<Worker>, ServerError> {
    let mut producers = Vec::new();
    for _ in 0..PRODUCERS {
        let mut s = session(inst)?;
        let h = dialog(&mut s)?;
        let flow = flow.clone();
        producers.push(std::thread::spawn(
            move || -> Result<Vec<u64>, ServerError> {
                while !flow.stop.load(Ordering::Relaxed) {
                    s.begin_transaction()?;
                    for _ in 0..batch {
                        s.send(&[h], Some(REQ), Some(body(flow.base, size)))?;
                    }
                    s.commit()?;
                    flow.produced.fetch_add(batch as u64, Ordering::Relaxed);
                }
                Ok(Vec::new())
            },
        ));
    }
    Ok(producers)
}

/// The consumers of a one-way workload: RECEIVE TOP (100) from the target queue of `inst`
/// until the flow is drained; each returns its latencies.
pub(crate) fn consumers(inst: &Instance, flow: &Flow) -> Result<Vec<Worker>, ServerError> {
    let mut consumers = Vec::new();
    for _ in 0..CONSUMERS {
        let mut s = session(inst)?;
        let flow = flow.clone();
        consumers.push(std::thread::spawn(
            move || -> Result<Vec<u64>, ServerError> {
                let args = Receive {
                    queue: QueueName::new(TARGET_Q),
                    top: Some(RECEIVE_TOP),
                    filter: ReceiveFilter::None,
                    wait: Wait::For(Duration::from_millis(50)),
                };
                let mut lat = Vec::new();
                let mut stopped_at: Option<Instant> = None;
                while !flow.drained(&mut stopped_at)? {
                    s.begin_transaction()?;
                    let rows = s.receive(&args)?;
                    s.commit()?;
                    if !rows.is_empty() {
                        flow.received(rows.iter().map(|r| r.message_body.as_deref()), &mut lat);
                    }
                }
                Ok(lat)
            },
        ));
    }
    Ok(consumers)
}

/// W1, W2, W4: producers send `batch` messages of `size` bytes per transaction for the
/// configured duration; consumers drain; rate = messages / (first send … last receive).
fn one_way(
    opts: &BenchOptions,
    w: Workload,
    dir: &Path,
    batch: usize,
    size: usize,
) -> Result<BenchResult, ServerError> {
    let inst = setup(dir)?;
    let before = inst.store_stats();
    let flow = Flow::new();
    let producers = producers(&inst, &flow, batch, size)?;
    let consumers = consumers(&inst, &flow)?;
    flow.finish(opts, w, &inst, before, producers, consumers)
}

/// W3: request/reply on `w3_dialogs` dialogs.
fn request_reply(opts: &BenchOptions, dir: &Path) -> Result<BenchResult, ServerError> {
    let inst = setup(dir)?;
    let before = inst.store_stats();
    let stop = Arc::new(AtomicBool::new(false));
    let initiators_done = Arc::new(AtomicBool::new(false));
    let trips = Arc::new(AtomicU64::new(0));
    let base = Instant::now();
    let mut targets = Vec::new();
    for _ in 0..opts.w3_targets.max(1) {
        let mut s = session(&inst)?;
        let done = Arc::clone(&initiators_done);
        targets.push(std::thread::spawn(
            move || -> Result<Vec<u64>, ServerError> {
                let args = Receive {
                    queue: QueueName::new(TARGET_Q),
                    top: Some(RECEIVE_TOP),
                    filter: ReceiveFilter::None,
                    wait: Wait::For(Duration::from_millis(50)),
                };
                while !done.load(Ordering::SeqCst) {
                    s.begin_transaction()?;
                    let rows = s.receive(&args)?;
                    for r in &rows {
                        s.send(
                            &[r.conversation_handle],
                            Some(REPLY),
                            r.message_body.clone(),
                        )?;
                    }
                    s.commit()?;
                }
                Ok(Vec::new())
            },
        ));
    }
    let mut initiators = Vec::new();
    for _ in 0..opts.w3_dialogs.max(1) {
        let mut s = session(&inst)?;
        let h = dialog(&mut s)?;
        let stop = Arc::clone(&stop);
        let trips = Arc::clone(&trips);
        initiators.push(std::thread::spawn(
            move || -> Result<Vec<u64>, ServerError> {
                let args = Receive {
                    queue: QueueName::new(INIT_Q),
                    top: Some(1),
                    filter: ReceiveFilter::Conversation(h),
                    wait: Wait::For(Duration::from_secs(30)),
                };
                let mut lat = Vec::new();
                while !stop.load(Ordering::Relaxed) {
                    let t0 = Instant::now();
                    s.begin_transaction()?;
                    s.send(&[h], Some(REQ), Some(vec![b'r'; 100]))?;
                    s.commit()?;
                    s.begin_transaction()?;
                    let rows = s.receive(&args)?;
                    s.commit()?;
                    if rows.len() != 1 {
                        return Err(ServerError::new(50000, "no reply within 30 s"));
                    }
                    lat.push(t0.elapsed().as_micros() as u64);
                    trips.fetch_add(1, Ordering::Relaxed);
                }
                Ok(lat)
            },
        ));
    }
    let pb = bar(opts, "W3", opts.duration.as_millis() as u64);
    while base.elapsed() < opts.duration {
        std::thread::sleep(Duration::from_millis(100));
        pb.set_position(base.elapsed().as_millis() as u64);
        pb.set_message(format!("round trips {}", trips.load(Ordering::Relaxed)));
    }
    stop.store(true, Ordering::SeqCst);
    let lat = join_all(initiators);
    let secs = base.elapsed().as_secs_f64();
    initiators_done.store(true, Ordering::SeqCst);
    let tgt = join_all(targets);
    pb.finish_and_clear();
    let lat = lat?;
    tgt?;
    let n = lat.len() as u64;
    Ok(BenchResult::measured(
        Workload::W3,
        n,
        secs,
        "round trips/s",
        lat,
        before,
        inst.store_stats(),
    ))
}

fn ms(v: Option<f64>) -> String {
    v.map_or_else(|| "-".into(), |v| format!("{v:.2}"))
}

/// Renders results as a table.
pub fn table(results: &[BenchResult]) -> comfy_table::Table {
    let mut t = comfy_table::Table::new();
    t.load_preset(comfy_table::presets::ASCII_MARKDOWN);
    t.set_header(vec![
        "workload",
        "messages",
        "seconds",
        "rate",
        "unit",
        "p50 ms",
        "p99 ms",
        "commits/fsync",
        "target",
        "met",
    ]);
    for r in results {
        t.add_row(vec![
            r.workload.clone(),
            r.messages.to_string(),
            format!("{:.2}", r.seconds),
            format!("{:.0}", r.rate),
            r.unit.clone(),
            ms(r.p50_ms),
            ms(r.p99_ms),
            format!("{:.2}", r.commits_per_fsync),
            r.target.clone().unwrap_or_default(),
            match r.met {
                Some(true) => "yes".into(),
                Some(false) => "NO".into(),
                None => "-".into(),
            },
        ]);
    }
    t
}

/// Prints the table and the derived group-commit limit to stdout.
pub fn print_table(results: &[BenchResult]) {
    println!("{}", table(results));
    if let Some(f) = results.iter().find(|r| r.workload == "fsync") {
        println!(
            "single-fsync rate: {:.0} commits/s; group-commit limit for W1 ({} producers): {:.0} msgs/s",
            f.rate,
            PRODUCERS,
            group_commit_limit(f.rate)
        );
    }
}

/// Command-line arguments of `sbroker bench` / `sbroker-bench`.
#[derive(Debug, Clone, clap::Args)]
pub struct BenchArgs {
    /// Workloads to run, comma-separated (W1,W2,W3,W4,W5,W6).
    #[arg(long, value_delimiter = ',', default_value = "W1,W2,W3,W4,W5,W6")]
    pub workloads: Vec<Workload>,
    /// Seconds each workload's producers (W3: initiators) run.
    #[arg(long, default_value_t = 10.0)]
    pub duration: f64,
    /// Seconds of the single-fsync measurement (0 skips it).
    #[arg(long, default_value_t = 3.0)]
    pub fsync_seconds: f64,
    /// Data directory (a temporary directory by default).
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
    /// Concurrent dialogs of W3.
    #[arg(long, default_value_t = 16)]
    pub w3_dialogs: usize,
    /// Target threads of W3.
    #[arg(long, default_value_t = 4)]
    pub w3_targets: usize,
    /// Print results as JSON instead of a table (no progress bars).
    #[arg(long)]
    pub json: bool,
    /// No progress bars.
    #[arg(long)]
    pub no_progress: bool,
}

impl BenchArgs {
    /// The options these arguments ask for.
    pub fn options(&self) -> BenchOptions {
        BenchOptions {
            workloads: self.workloads.clone(),
            duration: Duration::from_secs_f64(self.duration.max(0.1)),
            fsync_duration: Duration::from_secs_f64(self.fsync_seconds.max(0.0)),
            data_dir: self.data_dir.clone(),
            progress: !self.json && !self.no_progress,
            w3_dialogs: self.w3_dialogs,
            w3_targets: self.w3_targets,
        }
    }
}

/// Runs the suite and prints it (table or JSON); returns the process exit code
/// (0 when every requested workload produced a result).
pub fn main_with(args: &BenchArgs) -> i32 {
    let opts = args.options();
    let results = run(&opts);
    if args.json {
        match serde_json::to_string_pretty(&results) {
            Ok(s) => println!("{s}"),
            Err(e) => {
                eprintln!("{e}");
                return 1;
            }
        }
    } else {
        print_table(&results);
    }
    let measured = results.iter().filter(|r| r.workload != "fsync").count();
    if measured == opts.workloads.len() {
        0
    } else {
        1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quick_suite_produces_a_result_per_workload() {
        let opts = BenchOptions {
            duration: Duration::from_millis(300),
            fsync_duration: Duration::from_millis(200),
            progress: false,
            w3_dialogs: 4,
            w3_targets: 2,
            ..Default::default()
        };
        let results = run(&opts);
        let names: Vec<&str> = results.iter().map(|r| r.workload.as_str()).collect();
        assert_eq!(names, vec!["fsync", "W1", "W2", "W3", "W4", "W5", "W6"]);
        for r in &results {
            assert!(r.messages > 0, "{r:?}");
            assert!(r.rate > 0.0, "{r:?}");
        }
        assert!(table(&results).to_string().contains("W3"));
    }

    #[test]
    fn workload_names_parse() {
        assert_eq!("w3".parse::<Workload>(), Ok(Workload::W3));
        assert!("W9".parse::<Workload>().is_err());
    }
}
