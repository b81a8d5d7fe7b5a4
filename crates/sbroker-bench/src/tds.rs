//! W5: W1 through the TDS server, as a SQL Server client application would run it: 4
//! client connections each send one message per batch (`SEND` in autocommit, so one
//! transaction and one durable commit per batch), 2 client connections run
//! `BEGIN TRAN; WAITFOR (RECEIVE TOP (100) …), TIMEOUT 50; COMMIT` in a loop. The server
//! runs in process on an ephemeral 127.0.0.1 port with real sockets; the clients are the
//! blocking client of `sbroker sql`. Messages/s end to end and latency from the batch that
//! sent a message to the commit of the batch that received it.

use std::net::TcpListener;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use sbroker_engine::ServerError;
use sbroker_exec::{CollectSink, Value};
use sbroker_server::{Client, ClientConfig, ServerConfig};

use crate::{
    BenchOptions, BenchResult, CONSUMERS, DB, PRODUCERS, RECEIVE_TOP, REQ, TARGET_Q, Workload, bar,
    dialog, join_all, percentile, ratio, session, setup, stamp,
};

fn client_error(e: sbroker_server::ClientError) -> ServerError {
    ServerError::new(50000, format!("TDS client: {e}"))
}

fn connect(port: u16) -> Result<Client, ServerError> {
    Client::connect(&ClientConfig {
        server: format!("127.0.0.1:{port}"),
        database: DB.into(),
        ..ClientConfig::default()
    })
    .map_err(client_error)
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02X}")).collect()
}

/// Runs one batch; its first error becomes the benchmark's error.
fn run(c: &mut Client, sql: &str) -> Result<CollectSink, ServerError> {
    let mut sink = CollectSink::default();
    c.execute(sql, &mut sink).map_err(client_error)?;
    match sink.errors.first() {
        Some(e) => Err(e.clone()),
        None => Ok(sink),
    }
}

pub(crate) fn one_way_tds(opts: &BenchOptions, dir: &Path) -> Result<BenchResult, ServerError> {
    let inst = setup(dir)?;
    let listener = TcpListener::bind("127.0.0.1:0")
        .map_err(|e| ServerError::new(50000, format!("bind: {e}")))?;
    let port = listener
        .local_addr()
        .map_err(|e| ServerError::new(50000, e.to_string()))?
        .port();
    let server_stop = Arc::new(AtomicBool::new(false));
    {
        let inst = inst.clone();
        let stop = Arc::clone(&server_stop);
        std::thread::spawn(move || {
            sbroker_server::run(listener, inst, ServerConfig::default(), stop)
        });
    }
    let before = inst.store_stats();
    let stop = Arc::new(AtomicBool::new(false));
    let producers_done = Arc::new(AtomicBool::new(false));
    let produced = Arc::new(AtomicU64::new(0));
    let consumed = Arc::new(AtomicU64::new(0));
    let last_recv_us = Arc::new(AtomicU64::new(0));
    let base = Instant::now();
    let mut producers = Vec::new();
    for _ in 0..PRODUCERS {
        let h = dialog(&mut session(&inst)?)?;
        let mut c = connect(port)?;
        let stop = Arc::clone(&stop);
        let produced = Arc::clone(&produced);
        producers.push(std::thread::spawn(
            move || -> Result<Vec<u64>, ServerError> {
                while !stop.load(Ordering::Relaxed) {
                    let us = base.elapsed().as_micros() as u64;
                    let mut body = us.to_le_bytes().to_vec();
                    body.resize(100, b'x');
                    let sql = format!(
                        "DECLARE @h uniqueidentifier = '{h}';\n\
                     SEND ON CONVERSATION @h MESSAGE TYPE [{REQ}] (0x{});",
                        hex(&body)
                    );
                    run(&mut c, &sql)?;
                    produced.fetch_add(1, Ordering::Relaxed);
                }
                Ok(Vec::new())
            },
        ));
    }
    let mut consumers = Vec::new();
    for _ in 0..CONSUMERS {
        let mut c = connect(port)?;
        let producers_done = Arc::clone(&producers_done);
        let produced = Arc::clone(&produced);
        let consumed = Arc::clone(&consumed);
        let last = Arc::clone(&last_recv_us);
        consumers.push(std::thread::spawn(move || -> Result<Vec<u64>, ServerError> {
            let sql = format!(
                "BEGIN TRANSACTION;\n\
                 WAITFOR (RECEIVE TOP ({RECEIVE_TOP}) message_body FROM dbo.[{TARGET_Q}]), TIMEOUT 50;\n\
                 COMMIT;"
            );
            let mut lat = Vec::new();
            let mut stopped_at: Option<Instant> = None;
            loop {
                if producers_done.load(Ordering::SeqCst) {
                    if consumed.load(Ordering::SeqCst) >= produced.load(Ordering::SeqCst) {
                        break;
                    }
                    let at = *stopped_at.get_or_insert_with(Instant::now);
                    if at.elapsed() > Duration::from_secs(120) {
                        return Err(ServerError::new(50000, "consumers could not drain"));
                    }
                }
                let sink = run(&mut c, &sql)?;
                let Some((_, rows)) = sink.result_sets.first() else {
                    continue;
                };
                if rows.is_empty() {
                    continue;
                }
                let now = base.elapsed().as_micros() as u64;
                for r in rows {
                    if let Some(Value::Binary(b)) = r.first()
                        && let Some(t) = stamp(Some(b))
                    {
                        lat.push(now.saturating_sub(t));
                    }
                }
                consumed.fetch_add(rows.len() as u64, Ordering::SeqCst);
                last.fetch_max(now, Ordering::SeqCst);
            }
            Ok(lat)
        }));
    }
    let w = Workload::W5;
    let pb = bar(opts, w.name(), opts.duration.as_millis() as u64);
    while base.elapsed() < opts.duration {
        std::thread::sleep(Duration::from_millis(100));
        pb.set_position(base.elapsed().as_millis() as u64);
        pb.set_message(format!(
            "sent {} received {}",
            produced.load(Ordering::Relaxed),
            consumed.load(Ordering::Relaxed)
        ));
    }
    stop.store(true, Ordering::SeqCst);
    let prod = join_all(producers);
    producers_done.store(true, Ordering::SeqCst);
    let lat = join_all(consumers);
    server_stop.store(true, Ordering::SeqCst);
    let mut lat = lat?;
    prod?;
    pb.finish_and_clear();
    let after = inst.store_stats();
    let n = consumed.load(Ordering::SeqCst);
    let secs = last_recv_us.load(Ordering::SeqCst) as f64 / 1e6;
    lat.sort_unstable();
    let commits = after.commits - before.commits;
    let fsyncs = after.batches - before.batches;
    Ok(BenchResult {
        workload: w.name().into(),
        description: w.description().into(),
        messages: n,
        seconds: secs,
        rate: if secs > 0.0 { n as f64 / secs } else { 0.0 },
        unit: "msgs/s".into(),
        p50_ms: percentile(&lat, 50.0),
        p99_ms: percentile(&lat, 99.0),
        commits,
        fsyncs,
        commits_per_fsync: ratio(commits, fsyncs),
        target: None,
        met: None,
    })
}
