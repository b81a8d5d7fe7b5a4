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
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use sbroker_engine::ServerError;
use sbroker_exec::{CollectSink, Value};
use sbroker_server::{Client, ClientConfig, ServerConfig};

use crate::{
    BenchOptions, BenchResult, CONSUMERS, DB, Flow, PRODUCERS, RECEIVE_TOP, REQ, TARGET_Q,
    Workload, dialog, session, setup,
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
    let flow = Flow::new();
    let base = flow.base;
    let mut producers = Vec::new();
    for _ in 0..PRODUCERS {
        let h = dialog(&mut session(&inst)?)?;
        let mut c = connect(port)?;
        let flow = flow.clone();
        producers.push(std::thread::spawn(
            move || -> Result<Vec<u64>, ServerError> {
                while !flow.stop.load(Ordering::Relaxed) {
                    let us = base.elapsed().as_micros() as u64;
                    let mut body = us.to_le_bytes().to_vec();
                    body.resize(100, b'x');
                    let sql = format!(
                        "DECLARE @h uniqueidentifier = '{h}';\n\
                     SEND ON CONVERSATION @h MESSAGE TYPE [{REQ}] (0x{});",
                        hex(&body)
                    );
                    run(&mut c, &sql)?;
                    flow.produced.fetch_add(1, Ordering::Relaxed);
                }
                Ok(Vec::new())
            },
        ));
    }
    let mut consumers = Vec::new();
    for _ in 0..CONSUMERS {
        let mut c = connect(port)?;
        let flow = flow.clone();
        consumers.push(std::thread::spawn(move || -> Result<Vec<u64>, ServerError> {
            let sql = format!(
                "BEGIN TRANSACTION;\n\
                 WAITFOR (RECEIVE TOP ({RECEIVE_TOP}) message_body FROM dbo.[{TARGET_Q}]), TIMEOUT 50;\n\
                 COMMIT;"
            );
            let mut lat = Vec::new();
            let mut stopped_at: Option<Instant> = None;
            while !flow.drained(&mut stopped_at)? {
                let sink = run(&mut c, &sql)?;
                let Some((_, rows)) = sink.result_sets.first() else {
                    continue;
                };
                if !rows.is_empty() {
                    let bodies = rows.iter().map(|r| match r.first() {
                        Some(Value::Binary(b)) => Some(b.as_slice()),
                        _ => None,
                    });
                    flow.received(bodies, &mut lat);
                }
            }
            Ok(lat)
        }));
    }
    let result = flow.finish(opts, Workload::W5, &inst, before, producers, consumers);
    server_stop.store(true, Ordering::SeqCst);
    result
}
