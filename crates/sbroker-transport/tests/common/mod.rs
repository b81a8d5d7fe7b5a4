//! Helpers of the broker network tests: instances in this process, each with its own data
//! directory and transport on a 127.0.0.1 port, set up with T-SQL as the official
//! tutorial does (master key, endpoint certificate, logins for the far certificates).
// NOTE: each test binary uses a different part of these helpers.
#![allow(dead_code)]

use std::io::Read;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use sbroker_engine::Instance;
use sbroker_exec::{CollectSink, Executor, Value};
use sbroker_transport::{Registry, TcpNetwork, Transport, Tuning};

pub struct Node {
    pub name: String,
    exec: Executor,
    pub port: u16,
    stop: Arc<AtomicBool>,
    pub registry: Arc<Registry>,
    certs: PathBuf,
    _dir: tempfile::TempDir,
}

impl Drop for Node {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub fn node(name: &str, certs: &Path) -> Node {
    node_tuned(name, certs, Tuning::default())
}

/// A node whose transport uses `tuning`.
pub fn node_tuned(name: &str, certs: &Path, tuning: Tuning) -> Node {
    let dir = tempfile::tempdir().unwrap();
    let instance = Instance::open(dir.path()).unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let transport = Transport::new(instance.clone(), Arc::new(TcpNetwork)).with_tuning(tuning);
    let registry = transport.registry();
    {
        let stop = Arc::clone(&stop);
        std::thread::spawn(move || transport.run(stop));
    }
    let exec = Executor::new(&instance);
    Node {
        name: name.to_string(),
        exec,
        port: free_port(),
        stop,
        registry,
        certs: certs.to_path_buf(),
        _dir: dir,
    }
}

impl Node {
    pub fn try_sql(&mut self, text: &str) -> CollectSink {
        let mut sink = CollectSink::default();
        self.exec.execute_script(text, &mut sink);
        sink
    }

    pub fn sql(&mut self, text: &str) -> CollectSink {
        let sink = self.try_sql(text);
        assert!(sink.errors.is_empty(), "{text}\n{:?}", sink.errors);
        sink
    }

    pub fn scalar(&mut self, text: &str) -> Value {
        let sink = self.sql(text);
        sink.result_sets
            .last()
            .and_then(|(_, rows)| rows.first())
            .and_then(|r| r.first())
            .cloned()
            .unwrap_or(Value::Null)
    }

    /// Polls `text` (a one-value query) until it returns `want`.
    pub fn wait_for(&mut self, text: &str, want: Value) {
        let start = Instant::now();
        loop {
            let got = self.scalar(text);
            if got == want {
                return;
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "{text}: got {got:?}, want {want:?}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Lesson 1 of the tutorial: master key, the endpoint's certificate (exported for the
    /// other instance) and the endpoint itself.
    pub fn endpoint(&mut self, encryption: &str) {
        let (name, port) = (self.name.clone(), self.port);
        let file = self.certs.join(format!("{name}.cer"));
        self.sql(&format!(
            "USE master;
             CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'M4ster!key';
             CREATE CERTIFICATE {name}Cert WITH SUBJECT = '{name} transport', EXPIRY_DATE = '20991231';
             BACKUP CERTIFICATE {name}Cert TO FILE = '{}';
             CREATE ENDPOINT BrokerEndpoint STATE = STARTED
               AS TCP (LISTENER_PORT = {port}, LISTENER_IP = (127.0.0.1))
               FOR SERVICE_BROKER (AUTHENTICATION = CERTIFICATE {name}Cert, ENCRYPTION = {encryption});",
            file.display()
        ));
    }

    /// Lesson 2–4: a login and user for the far instance, its certificate owned by that
    /// user, and (when `grant`) CONNECT on the endpoint.
    pub fn trust(&mut self, far: &str, grant: bool) {
        let file = self.certs.join(format!("{far}.cer"));
        self.sql(&format!(
            "USE master;
             CREATE LOGIN {far}Login WITH PASSWORD = 'L0gin!pass';
             CREATE USER {far}User FOR LOGIN {far}Login;
             CREATE CERTIFICATE {far}Cert AUTHORIZATION {far}User FROM FILE = '{}';",
            file.display()
        ));
        if grant {
            self.sql(&format!(
                "USE master; GRANT CONNECT ON ENDPOINT::BrokerEndpoint TO {far}Login;"
            ));
        }
    }

    /// Lesson 3: the broker objects and a route to the far service.
    pub fn services(&mut self, db: &str, my_service: &str, far_service: &str, far_port: u16) {
        self.sql(&format!(
            "CREATE DATABASE {db};
             GO
             USE {db};
             CREATE MESSAGE TYPE [//net/Req] VALIDATION = WELL_FORMED_XML;
             CREATE MESSAGE TYPE [//net/Reply] VALIDATION = WELL_FORMED_XML;
             CREATE CONTRACT [//net/C] ([//net/Req] SENT BY INITIATOR, [//net/Reply] SENT BY TARGET);
             CREATE QUEUE dbo.Q;
             CREATE SERVICE [{my_service}] ON QUEUE dbo.Q ([//net/C]);
             CREATE ROUTE FarRoute WITH SERVICE_NAME = '{far_service}',
               ADDRESS = 'TCP://127.0.0.1:{far_port}';
             GO"
        ));
    }
}

/// Two instances `A` and `B` that trust each other, with services //net/Init in InitDb
/// on A and //net/Target in TargetDb on B.
pub fn pair(certs: &Path, enc_a: &str, enc_b: &str, b_grants: bool) -> (Node, Node) {
    let mut a = node("A", certs);
    let mut b = node("B", certs);
    a.endpoint(enc_a);
    b.endpoint(enc_b);
    a.trust("B", true);
    b.trust("A", b_grants);
    let (pa, pb) = (a.port, b.port);
    a.services("InitDb", "//net/Init", "//net/Target", pb);
    b.services("TargetDb", "//net/Target", "//net/Init", pa);
    (a, b)
}

pub fn send_one(a: &mut Node, body: &str) {
    a.sql(&format!(
        "USE InitDb;
         DECLARE @h uniqueidentifier;
         BEGIN DIALOG @h FROM SERVICE [//net/Init] TO SERVICE '//net/Target'
           ON CONTRACT [//net/C] WITH ENCRYPTION = OFF;
         SEND ON CONVERSATION @h MESSAGE TYPE [//net/Req] (N'{body}');"
    ));
}

pub fn status_like(a: &mut Node, pattern: &str) {
    a.wait_for(
        &format!(
            "USE InitDb; SELECT COUNT(*) FROM sys.transmission_queue WHERE transmission_status LIKE '{pattern}'"
        ),
        Value::Int(1),
    );
}

pub fn raw(port: u16) -> TcpStream {
    // The listener opens within a poll of the endpoint's state.
    let start = Instant::now();
    let s = loop {
        match TcpStream::connect(("127.0.0.1", port)) {
            Ok(s) => break s,
            Err(e) => assert!(start.elapsed() < Duration::from_secs(10), "{e}"),
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    s.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
    s
}

/// Reads until the server closes; returns what it sent.
pub fn drain(mut s: TcpStream) -> Vec<u8> {
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    while let Ok(n) = s.read(&mut buf) {
        if n == 0 {
            break;
        }
        out.extend_from_slice(&buf[..n]);
    }
    out
}
