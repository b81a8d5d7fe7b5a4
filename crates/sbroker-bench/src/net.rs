//! W6: W1's workload from one instance to another over the broker transport, TLS on
//! (both endpoints ENCRYPTION = REQUIRED, certificate authentication as in the
//! between-instances tutorial). Both instances run in this process on 127.0.0.1 ports, each
//! with its own data directory, transport and fsyncs; producers SEND on instance A, and
//! consumers RECEIVE on instance B. The rate counts messages received at B; latency is from
//! the SEND to the RECEIVE that got it (one clock, one process).

use std::net::TcpListener;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use sbroker_engine::{Instance, ServerError};
use sbroker_exec::{CollectSink, Executor};

use crate::{
    BenchOptions, BenchResult, CONTRACT, DB, Flow, INIT_Q, INIT_SVC, REQ, TARGET_Q, TARGET_SVC,
    Workload,
};

fn port() -> Result<u16, ServerError> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| ServerError::new(50000, format!("no free port: {e}")))
}

fn script(inst: &Instance, text: &str) -> Result<(), ServerError> {
    let mut sink = CollectSink::default();
    Executor::new(inst).execute_script(text, &mut sink);
    match sink.errors.into_iter().next() {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// One side: endpoint with its certificate (exported to `certs`), the database, and a
/// route for the far service.
fn side(
    dir: &Path,
    certs: &Path,
    me: &str,
    my_port: u16,
    (my_queue, my_service, contract): (&str, &str, &str),
    (far_service, far_port): (&str, u16),
) -> Result<Instance, ServerError> {
    let inst = Instance::open(dir)?;
    script(
        &inst,
        &format!(
            "USE master;
             CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'B3nch!key';
             CREATE CERTIFICATE {me}Cert WITH SUBJECT = '{me}', EXPIRY_DATE = '20991231';
             BACKUP CERTIFICATE {me}Cert TO FILE = '{cert}';
             CREATE ENDPOINT BenchEndpoint STATE = STARTED
               AS TCP (LISTENER_PORT = {my_port}, LISTENER_IP = (127.0.0.1))
               FOR SERVICE_BROKER (AUTHENTICATION = CERTIFICATE {me}Cert, ENCRYPTION = REQUIRED);
             GO
             CREATE DATABASE {DB};
             GO
             USE {DB};
             CREATE MESSAGE TYPE [{REQ}];
             CREATE CONTRACT [{CONTRACT}] ([{REQ}] SENT BY INITIATOR);
             CREATE QUEUE dbo.{my_queue};
             CREATE SERVICE [{my_service}] ON QUEUE dbo.{my_queue} {contract};
             CREATE ROUTE Far WITH SERVICE_NAME = '{far_service}', ADDRESS = 'TCP://127.0.0.1:{far_port}';",
            cert = certs.join(format!("{me}.cer")).display(),
        ),
    )?;
    Ok(inst)
}

fn trust(inst: &Instance, certs: &Path, far: &str) -> Result<(), ServerError> {
    script(
        inst,
        &format!(
            "USE master;
             CREATE LOGIN {far}Login WITH PASSWORD = 'B3nch!login';
             CREATE USER {far}User FOR LOGIN {far}Login;
             CREATE CERTIFICATE {far}Cert AUTHORIZATION {far}User FROM FILE = '{}';
             GRANT CONNECT ON ENDPOINT::BenchEndpoint TO {far}Login;",
            certs.join(format!("{far}.cer")).display()
        ),
    )
}

/// Runs W6.
pub(crate) fn one_way_net(opts: &BenchOptions, dir: &Path) -> Result<BenchResult, ServerError> {
    let certs = dir.join("certs");
    std::fs::create_dir_all(&certs)
        .map_err(|e| ServerError::new(50000, format!("cannot create {}: {e}", certs.display())))?;
    let (pa, pb) = (port()?, port()?);
    let a = side(
        &dir.join("a"),
        &certs,
        "A",
        pa,
        (INIT_Q, INIT_SVC, ""),
        (TARGET_SVC, pb),
    )?;
    let contract = format!("([{CONTRACT}])");
    let b = side(
        &dir.join("b"),
        &certs,
        "B",
        pb,
        (TARGET_Q, TARGET_SVC, &contract),
        (INIT_SVC, pa),
    )?;
    trust(&a, &certs, "B")?;
    trust(&b, &certs, "A")?;
    let shutdown = Arc::new(AtomicBool::new(false));
    for inst in [&a, &b] {
        let (i, s) = (inst.clone(), Arc::clone(&shutdown));
        std::thread::spawn(move || sbroker_transport::run(i, s));
    }
    let before = b.store_stats();
    let flow = Flow::new();
    let producers = crate::producers(&a, &flow, 1, 100)?;
    let consumers = crate::consumers(&b, &flow)?;
    let r = flow.finish(opts, Workload::W6, &b, before, producers, consumers);
    shutdown.store(true, Ordering::SeqCst);
    // Let the transports see the flag before the data directories go.
    std::thread::sleep(Duration::from_millis(300));
    r
}
