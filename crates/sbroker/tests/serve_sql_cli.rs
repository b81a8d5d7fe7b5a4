//! `sbroker serve` and `sbroker sql` as real processes on 127.0.0.1: sqlcmd scripting and
//! exit statuses over TDS, SQL authentication, trust mode staying on loopback, standard
//! input, and durability: what a COMMIT acknowledged over TDS survives `kill -9` of the
//! server.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

struct Serve {
    child: Child,
    addr: String,
    /// The HTTP address, when started with `--http`.
    http: Option<String>,
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(data: &Path, extra: &[&str], env: &[(&str, &str)]) -> Serve {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sbroker"));
    cmd.arg("serve")
        .arg("--data")
        .arg(data)
        .args(["--listen", "127.0.0.1:0"])
        .args(extra)
        .env_remove("SBROKER_SA_PASSWORD")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("spawn serve");
    let stderr = child.stderr.take().expect("stderr");
    let (tx, rx) = mpsc::channel();
    let (http_tx, http_rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(a) = line.strip_prefix("sbroker: listening for TDS on ") {
                let _ = tx.send(a.trim().to_string());
            }
            if let Some(a) = line.strip_prefix("sbroker: dashboard and metrics on http://") {
                let _ = http_tx.send(a.trim().trim_end_matches('/').to_string());
            }
        }
    });
    let addr = rx
        .recv_timeout(Duration::from_secs(30))
        .expect("serve prints its address");
    let http = http_rx.try_recv().ok();
    Serve { child, addr, http }
}

/// A plain HTTP/1.0 GET: (status line, body).
fn http_get(addr: &str, path: &str) -> (String, String) {
    use std::io::Read;
    let mut s = std::net::TcpStream::connect(addr).expect("connect http");
    write!(s, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").expect("write");
    let mut text = String::new();
    s.read_to_string(&mut text).expect("read");
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    (
        head.lines().next().unwrap_or("").to_string(),
        body.to_string(),
    )
}

fn sql(addr: &str, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sbroker"))
        .args(["sql", "-S", addr])
        .args(args)
        .env_remove("SQLCMDPASSWORD")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn sql");
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(text.as_bytes())
            .expect("write stdin");
    }
    child.wait_with_output().expect("sql output")
}

#[test]
fn sqlcmd_scripting_and_exit_status_over_tds() {
    let dir = tempfile::tempdir().expect("tmp");
    let server = serve(&dir.path().join("data"), &[], &[]);
    let main = dir.path().join("main.sql");
    std::fs::write(
        &main,
        ":setvar DbName SqlcmdDb\n:on error exit\nCREATE DATABASE $(DbName);\nGO\nUSE $(DbName);\nGO\n:r inc.sql\nSELECT '$(Greeting)' AS greeting, DB_NAME() AS db;\nGO\nSELECT 1/0;\nGO\nSELECT 'not reached' AS x;\nGO\n",
    )
    .expect("write");
    std::fs::write(
        dir.path().join("inc.sql"),
        "CREATE TABLE t (x INT); INSERT t VALUES (1); SELECT COUNT(*) AS n FROM t;\nGO\n",
    )
    .expect("write");
    let main_s = main.to_str().expect("utf-8 path");
    let out = sql(
        &server.addr,
        &["--format", "json", "-v", "Greeting=hello", "-i", main_s],
        None,
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains(r#""rows":[[1]]"#), "{stdout}");
    assert!(stdout.contains(r#"["hello","SqlcmdDb"]"#), "{stdout}");
    assert!(stdout.contains(r#""number":8134"#), "{stdout}");
    assert!(!stdout.contains("not reached"), "{stdout}");

    // A clean script exits 0; the table format prints like `sbroker run`.
    let out = sql(
        &server.addr,
        &["-d", "SqlcmdDb"],
        Some("SELECT x FROM t;\nGO\n"),
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("(1 row affected)"), "{stdout}");

    // An error caught by TRY/CATCH does not fail the run.
    let out = sql(
        &server.addr,
        &[],
        Some("BEGIN TRY SELECT 1/0; END TRY BEGIN CATCH PRINT ERROR_NUMBER(); END CATCH\nGO\n"),
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("8134"));
}

#[test]
fn sql_authentication_and_trust_mode() {
    let dir = tempfile::tempdir().expect("tmp");
    // Trust mode never listens beyond loopback.
    let out = Command::new(env!("CARGO_BIN_EXE_sbroker"))
        .arg("serve")
        .arg("--data")
        .arg(dir.path().join("d0"))
        .args(["--listen", "0.0.0.0:0"])
        .env_remove("SBROKER_SA_PASSWORD")
        .output()
        .expect("serve");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("loopback"));

    let server = serve(
        &dir.path().join("d1"),
        &[],
        &[("SBROKER_SA_PASSWORD", "S3cret!")],
    );
    let out = sql(
        &server.addr,
        &["-U", "sa", "-P", "wrong"],
        Some("SELECT 1\nGO\n"),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("18456"));
    let out = sql(
        &server.addr,
        &["-U", "sa", "-P", "S3cret!"],
        Some("SELECT 1\nGO\n"),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn commits_acknowledged_over_tds_survive_kill_9() {
    let dir = tempfile::tempdir().expect("tmp");
    let data = dir.path().join("data");
    let server = serve(&data, &[], &[]);
    let setup = "CREATE DATABASE dur;\nGO\nUSE dur;\nCREATE TABLE dbo.acked (n int);\n\
        CREATE QUEUE dbo.q; CREATE SERVICE s ON QUEUE dbo.q ([DEFAULT]);\nGO\n";
    let out = sql(&server.addr, &[], Some(setup));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // 40 transactions, each acknowledged before the next starts; each sends one message.
    let mut script = String::from("USE dur;\nGO\n");
    for n in 1..=40 {
        script.push_str(&format!(
            "BEGIN TRAN; INSERT dbo.acked VALUES ({n}); DECLARE @h uniqueidentifier; \
             BEGIN DIALOG @h FROM SERVICE s TO SERVICE 's' WITH ENCRYPTION = OFF; \
             SEND ON CONVERSATION @h (CAST({n} AS varbinary(4))); COMMIT;\nGO\n"
        ));
    }
    // A transaction left open when the server dies must vanish.
    script.push_str("BEGIN TRAN; INSERT dbo.acked VALUES (-1);\nGO\n");
    let out = sql(&server.addr, &[], Some(&script));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let mut server = server;
    // SIGKILL: no shutdown code runs.
    server.child.kill().expect("kill -9");
    server.child.wait().expect("wait");

    let again = serve(&data, &[], &[]);
    let out = sql(
        &again.addr,
        &["--format", "json", "-d", "dur"],
        Some("SELECT COUNT(*), SUM(n), MIN(n) FROM dbo.acked;\nSELECT COUNT(*) FROM dbo.q;\nGO\n"),
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains(r#""rows":[[40,820,1]]"#), "{stdout}");
    assert!(stdout.contains(r#""rows":[[40]]"#), "{stdout}");
}

#[test]
fn http_dashboard_metrics_and_status() {
    let dir = tempfile::tempdir().expect("tmp");
    let server = serve(&dir.path().join("data"), &["--http", "127.0.0.1:0"], &[]);
    let http = server.http.clone().expect("serve prints the HTTP address");
    let setup = "CREATE DATABASE web;\nGO\nUSE web;\nCREATE QUEUE dbo.q; \
        CREATE SERVICE s ON QUEUE dbo.q ([DEFAULT]);\nGO\nDECLARE @h uniqueidentifier; \
        BEGIN DIALOG @h FROM SERVICE s TO SERVICE 's' WITH ENCRYPTION = OFF; \
        SEND ON CONVERSATION @h (0x01); SEND ON CONVERSATION @h (0x02);\nGO\n";
    let out = sql(&server.addr, &[], Some(setup));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    let (status, body) = http_get(&http, "/metrics");
    assert!(status.contains("200"), "{status}");
    assert!(
        body.contains(r#"sbroker_queue_messages{database="web",queue="dbo.q"} 2"#),
        "{body}"
    );
    // The setup's connection was counted.
    let accepted: u64 = body
        .lines()
        .find_map(|l| l.strip_prefix("sbroker_tds_connections_total "))
        .and_then(|n| n.trim().parse().ok())
        .expect("connection counter");
    assert!(accepted >= 1, "{body}");
    let (_, body) = http_get(&http, "/api/status");
    let v: serde_json::Value = serde_json::from_str(&body).expect("json");
    let web = v["databases"]
        .as_array()
        .expect("databases")
        .iter()
        .find(|d| d["name"] == "web")
        .expect("web database")
        .clone();
    let q = web["queues"]
        .as_array()
        .expect("queues")
        .iter()
        .find(|q| q["name"] == "q")
        .expect("queue q")
        .clone();
    assert_eq!(q["messages"], 2);
    assert_eq!(q["ready"], 2);
    assert_eq!(web["broker_enabled"], true);
    let (status, body) = http_get(&http, "/");
    assert!(status.contains("200"));
    assert!(body.contains("<table>") && body.contains("dbo.q"), "{body}");
    let (status, _) = http_get(&http, "/nope");
    assert!(status.contains("404"), "{status}");
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

/// Runs one query through `sbroker sql` and returns its single value as JSON text.
fn sql_value(addr: &str, db: &str, query: &str) -> String {
    let out = sql(
        addr,
        &["--format", "json", "-d", db],
        Some(&format!("{query}\nGO\n")),
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    stdout
        .lines()
        .find_map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).ok()?;
            Some(v["resultset"]["rows"][0][0].to_string())
        })
        .unwrap_or_default()
}

fn run_ok(addr: &str, script: &str) {
    let out = sql(addr, &[], Some(script));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// Transport security as in the between-instances tutorial: a master key, the endpoint's
/// certificate (exported to `certs`) and the endpoint.
fn endpoint_with_certificate(addr: &str, port: u16, me: &str, certs: &Path) {
    run_ok(
        addr,
        &format!(
            "USE master;\nCREATE MASTER KEY ENCRYPTION BY PASSWORD = 'M4ster!key';\n\
             CREATE CERTIFICATE {me}Cert WITH SUBJECT = '{me}', EXPIRY_DATE = '20991231';\n\
             BACKUP CERTIFICATE {me}Cert TO FILE = '{}';\n\
             CREATE ENDPOINT ep STATE = STARTED AS TCP (LISTENER_PORT = {port}, LISTENER_IP = (127.0.0.1))\n\
             FOR SERVICE_BROKER (AUTHENTICATION = CERTIFICATE {me}Cert);\nGO\n",
            certs.join(format!("{me}.cer")).display()
        ),
    );
}

/// The far instance's certificate under a login with CONNECT on this endpoint.
fn trust_far(addr: &str, far: &str, certs: &Path) {
    run_ok(
        addr,
        &format!(
            "USE master;\nCREATE LOGIN {far}Login WITH PASSWORD = 'L0gin!pass';\n\
             CREATE USER {far}User FOR LOGIN {far}Login;\n\
             CREATE CERTIFICATE {far}Cert AUTHORIZATION {far}User FROM FILE = '{}';\n\
             GRANT CONNECT ON ENDPOINT::ep TO {far}Login;\nGO\n",
            certs.join(format!("{far}.cer")).display()
        ),
    );
}

/// Polls a one-value query until it returns at least `n`.
fn wait_at_least(addr: &str, db: &str, query: &str, n: i64, secs: u64) -> i64 {
    let start = std::time::Instant::now();
    loop {
        let got: i64 = sql_value(addr, db, query).parse().unwrap_or(0);
        if got >= n {
            return got;
        }
        assert!(
            start.elapsed() < Duration::from_secs(secs),
            "{query}: {got} of {n}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// F-EP-10: the target instance is killed with SIGKILL in the middle of a stream of
/// messages and started again on the same data; every message arrives exactly once, in
/// order, without user action, and the sender's transmission queue drains.
#[test]
fn messages_between_instances_survive_kill_9_of_the_target() {
    let dir = tempfile::tempdir().expect("tmp");
    let (pa, pb) = (free_port(), free_port());
    let a = serve(&dir.path().join("a"), &[], &[]);
    let b_data = dir.path().join("b");
    let b = serve(&b_data, &[], &[]);
    let certs = dir.path().join("certs");
    std::fs::create_dir_all(&certs).expect("certs dir");
    let services = |addr: &str, db: &str, me: &str, far: &str, far_port: u16| {
        run_ok(
            addr,
            &format!(
                "CREATE DATABASE {db};\nGO\nUSE {db};\n\
                 CREATE QUEUE dbo.q; CREATE SERVICE [{me}] ON QUEUE dbo.q ([DEFAULT]);\n\
                 CREATE ROUTE r WITH SERVICE_NAME = '{far}', ADDRESS = 'TCP://127.0.0.1:{far_port}';\nGO\n"
            ),
        );
    };
    endpoint_with_certificate(&a.addr, pa, "A", &certs);
    endpoint_with_certificate(&b.addr, pb, "B", &certs);
    trust_far(&a.addr, "B", &certs);
    trust_far(&b.addr, "A", &certs);
    services(&a.addr, "da", "//k/A", "//k/B", pb);
    services(&b.addr, "db", "//k/B", "//k/A", pa);
    // A backlog first (the target's endpoint stopped), so the stream is long enough to
    // kill the target in the middle of it.
    let out = sql(
        &b.addr,
        &[],
        Some("ALTER ENDPOINT ep STATE = STOPPED;\nGO\n"),
    );
    assert_eq!(out.status.code(), Some(0));
    // 2000 messages, each SEND its own transaction.
    let send = "DECLARE @h uniqueidentifier, @i int = 0;\n\
        BEGIN DIALOG @h FROM SERVICE [//k/A] TO SERVICE '//k/B' WITH ENCRYPTION = OFF;\n\
        WHILE @i < 2000 BEGIN SEND ON CONVERSATION @h (CAST(@i AS varbinary(4))); SET @i += 1; END\nGO\n";
    let out = sql(&a.addr, &["-d", "da"], Some(send));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let out = sql(
        &b.addr,
        &[],
        Some("ALTER ENDPOINT ep STATE = STARTED;\nGO\n"),
    );
    assert_eq!(out.status.code(), Some(0));
    // Kill the target once part of the stream is in.
    let start = std::time::Instant::now();
    let at_kill = loop {
        let n: i64 = sql_value(&b.addr, "db", "SELECT COUNT(*) FROM dbo.q")
            .parse()
            .unwrap_or(0);
        if n >= 50 {
            break n;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "no messages arrived"
        );
        std::thread::sleep(Duration::from_millis(10));
    };
    let mut b = b;
    b.child.kill().expect("kill -9");
    b.child.wait().expect("wait");
    drop(b);
    assert!(
        at_kill < 2000,
        "the stream ended before the kill ({at_kill})"
    );
    std::thread::sleep(Duration::from_millis(300));
    let b = serve(&b_data, &[], &[]);
    let start = std::time::Instant::now();
    loop {
        let n: i64 = sql_value(&b.addr, "db", "SELECT COUNT(*) FROM dbo.q")
            .parse()
            .unwrap_or(0);
        if n >= 2000 {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "only {n} of 2000 arrived"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    // Exactly once and in order: 2000 rows, sequence numbers 0..1999, bodies matching.
    let check = sql_value(
        &b.addr,
        "db",
        "SELECT CASE WHEN COUNT(*) = 2000 AND COUNT(DISTINCT message_sequence_number) = 2000 \
           AND MIN(message_sequence_number) = 0 AND MAX(message_sequence_number) = 1999 \
           AND SUM(CASE WHEN CAST(message_body AS int) = message_sequence_number THEN 1 ELSE 0 END) = 2000 \
         THEN 1 ELSE 0 END FROM dbo.q",
    );
    assert_eq!(check, "1");
    let start = std::time::Instant::now();
    while sql_value(&a.addr, "da", "SELECT COUNT(*) FROM sys.transmission_queue") != "0" {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "sender queue not drained"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// `examples/two-instances/`: lessons 1–6 of the official between-instances tutorial, as
/// the README there runs them, against two `sbroker serve` processes with certificate
/// transport security: the request reaches the target, the reply comes back, and both
/// conversation endpoints end.
#[test]
fn the_two_instance_tutorial_runs() {
    let dir = tempfile::tempdir().expect("tmp");
    let certs = dir.path().join("certs");
    std::fs::create_dir_all(&certs).expect("certs dir");
    let target = serve(&dir.path().join("target"), &[], &[]);
    let initiator = serve(&dir.path().join("initiator"), &[], &[]);
    let vars = [
        "-v".to_string(),
        format!("TargetPort={}", free_port()),
        "-v".to_string(),
        format!("InitiatorPort={}", free_port()),
        "-v".to_string(),
        format!("CertDir={}", certs.display()),
    ];
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/two-instances");
    let lesson = |server: &Serve, file: &str| -> String {
        let path = examples.join(file);
        let mut args: Vec<&str> = vars.iter().map(String::as_str).collect();
        let path = path.to_string_lossy().to_string();
        args.extend(["--format", "json", "-i", &path]);
        let out = sql(&server.addr, &args, None);
        let stdout = String::from_utf8_lossy(&out.stdout).to_string();
        assert_eq!(out.status.code(), Some(0), "{file}: {stdout}");
        stdout
    };
    lesson(&target, "lesson1-target.sql");
    lesson(&initiator, "lesson2-initiator.sql");
    lesson(&target, "lesson3-target.sql");
    lesson(&initiator, "lesson3-initiator.sql");
    let sent = lesson(&initiator, "lesson4-begin.sql");
    assert!(
        sent.contains("<RequestMsg>Message for Target service.</RequestMsg>"),
        "{sent}"
    );
    let got = lesson(&target, "lesson5-target-reply.sql");
    assert!(
        got.contains("<RequestMsg>Message for Target service.</RequestMsg>"),
        "{got}"
    );
    assert!(
        got.contains("<ReplyMsg>Message for Initiator service.</ReplyMsg>"),
        "{got}"
    );
    let reply = lesson(&initiator, "lesson6-initiator-end.sql");
    assert!(
        reply.contains("<ReplyMsg>Message for Initiator service.</ReplyMsg>"),
        "{reply}"
    );
    // Both sides end: the initiator's endpoint goes once the target acknowledged its
    // EndDialog; the target's is CLOSED.
    let start = std::time::Instant::now();
    while sql_value(
        &initiator.addr,
        "InstInitiatorDB",
        "SELECT COUNT(*) FROM sys.conversation_endpoints",
    ) != "0"
    {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "initiator endpoint left"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(
        sql_value(
            &target.addr,
            "InstTargetDB",
            "SELECT COUNT(*) FROM sys.conversation_endpoints WHERE state_desc = 'CLOSED'"
        ),
        "1"
    );
}

/// A forwarder killed with SIGKILL in the middle of a stream loses nothing: it holds
/// messages only in memory and acknowledges none itself, so the initiator keeps each until
/// the target has it; after the forwarder restarts, all 2 000 arrive exactly once, in order.
#[test]
fn messages_through_a_forwarder_survive_kill_9_of_the_forwarder() {
    let dir = tempfile::tempdir().expect("tmp");
    let certs = dir.path().join("certs");
    std::fs::create_dir_all(&certs).expect("certs dir");
    let (pi, pf, pt) = (free_port(), free_port(), free_port());
    let i = serve(&dir.path().join("i"), &[], &[]);
    let f_data = dir.path().join("f");
    let f = serve(&f_data, &[], &[]);
    let t = serve(&dir.path().join("t"), &[], &[]);
    endpoint_with_certificate(&i.addr, pi, "I", &certs);
    endpoint_with_certificate(&f.addr, pf, "F", &certs);
    endpoint_with_certificate(&t.addr, pt, "T", &certs);
    trust_far(&i.addr, "F", &certs);
    trust_far(&f.addr, "I", &certs);
    trust_far(&f.addr, "T", &certs);
    trust_far(&t.addr, "F", &certs);
    let db = |addr: &str, name: &str, me: &str, far: &str| {
        run_ok(
            addr,
            &format!(
                "CREATE DATABASE {name};\nGO\nUSE {name};\n\
                 CREATE QUEUE dbo.q; CREATE SERVICE [{me}] ON QUEUE dbo.q ([DEFAULT]);\n\
                 CREATE ROUTE r WITH SERVICE_NAME = '{far}', ADDRESS = 'TCP://127.0.0.1:{pf}';\nGO\n"
            ),
        );
    };
    db(&i.addr, "di", "//k/I", "//k/T");
    db(&t.addr, "dt", "//k/T", "//k/I");
    run_ok(
        &f.addr,
        &format!(
            "ALTER ENDPOINT ep FOR SERVICE_BROKER (MESSAGE_FORWARDING = ENABLED);\nGO\n\
             USE msdb;\n\
             CREATE ROUTE toT WITH SERVICE_NAME = '//k/T', ADDRESS = 'TCP://127.0.0.1:{pt}';\n\
             CREATE ROUTE toI WITH SERVICE_NAME = '//k/I', ADDRESS = 'TCP://127.0.0.1:{pi}';\nGO\n\
             ALTER ENDPOINT ep STATE = STOPPED;\nGO\n"
        ),
    );
    // A backlog at the initiator while the forwarder is stopped.
    let send = "DECLARE @h uniqueidentifier, @i int = 0;\n\
        BEGIN DIALOG @h FROM SERVICE [//k/I] TO SERVICE '//k/T' WITH ENCRYPTION = OFF;\n\
        WHILE @i < 2000 BEGIN SEND ON CONVERSATION @h (CAST(@i AS varbinary(4))); SET @i += 1; END\nGO\n";
    let out = sql(&i.addr, &["-d", "di"], Some(send));
    assert_eq!(out.status.code(), Some(0));
    run_ok(&f.addr, "ALTER ENDPOINT ep STATE = STARTED;\nGO\n");
    let at_kill = wait_at_least(&t.addr, "dt", "SELECT COUNT(*) FROM dbo.q", 50, 60);
    let mut f = f;
    f.child.kill().expect("kill -9");
    f.child.wait().expect("wait");
    drop(f);
    assert!(
        at_kill < 2000,
        "the stream ended before the kill ({at_kill})"
    );
    let _f = serve(&f_data, &[], &[]);
    wait_at_least(&t.addr, "dt", "SELECT COUNT(*) FROM dbo.q", 2000, 120);
    let check = sql_value(
        &t.addr,
        "dt",
        "SELECT CASE WHEN COUNT(*) = 2000 AND COUNT(DISTINCT message_sequence_number) = 2000 \
           AND MIN(message_sequence_number) = 0 AND MAX(message_sequence_number) = 1999 \
           AND SUM(CASE WHEN CAST(message_body AS int) = message_sequence_number THEN 1 ELSE 0 END) = 2000 \
         THEN 1 ELSE 0 END FROM dbo.q",
    );
    assert_eq!(check, "1");
    let start = std::time::Instant::now();
    while sql_value(&i.addr, "di", "SELECT COUNT(*) FROM sys.transmission_queue") != "0" {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "initiator queue not drained"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Transport security between two `sbroker serve` processes (F-EP-07): the target has the
/// initiator's certificate but its login lacks CONNECT, so the link is refused and the
/// initiator's transmission_status says why; a stranger on a raw socket gets nothing into
/// the queue; after GRANT CONNECT the message is delivered.
#[test]
fn serve_processes_refuse_a_peer_without_connect_and_strangers() {
    use std::io::Read;
    let dir = tempfile::tempdir().expect("tmp");
    let certs = dir.path().join("certs");
    std::fs::create_dir_all(&certs).expect("certs dir");
    let (pa, pb) = (free_port(), free_port());
    let a = serve(&dir.path().join("a"), &[], &[]);
    let b = serve(&dir.path().join("b"), &[], &[]);
    endpoint_with_certificate(&a.addr, pa, "A", &certs);
    endpoint_with_certificate(&b.addr, pb, "B", &certs);
    trust_far(&a.addr, "B", &certs);
    run_ok(
        &b.addr,
        &format!(
            "USE master;\nCREATE LOGIN ALogin WITH PASSWORD = 'L0gin!pass';\n\
             CREATE USER AUser FOR LOGIN ALogin;\n\
             CREATE CERTIFICATE ACert AUTHORIZATION AUser FROM FILE = '{}';\nGO\n",
            certs.join("A.cer").display()
        ),
    );
    let db = |addr: &str, name: &str, me: &str, far: &str, port: u16| {
        run_ok(
            addr,
            &format!(
                "CREATE DATABASE {name};\nGO\nUSE {name};\n\
                 CREATE QUEUE dbo.q; CREATE SERVICE [{me}] ON QUEUE dbo.q ([DEFAULT]);\n\
                 CREATE ROUTE r WITH SERVICE_NAME = '{far}', ADDRESS = 'TCP://127.0.0.1:{port}';\nGO\n"
            ),
        );
    };
    db(&a.addr, "da", "//p/A", "//p/B", pb);
    db(&b.addr, "db", "//p/B", "//p/A", pa);
    let send = "DECLARE @h uniqueidentifier;\n\
        BEGIN DIALOG @h FROM SERVICE [//p/A] TO SERVICE '//p/B' WITH ENCRYPTION = OFF;\n\
        SEND ON CONVERSATION @h (0x0102);\nGO\n";
    let out = sql(&a.addr, &["-d", "da"], Some(send));
    assert_eq!(out.status.code(), Some(0));
    wait_at_least(
        &a.addr,
        "da",
        "SELECT COUNT(*) FROM sys.transmission_queue \
         WHERE transmission_status LIKE '%does not have CONNECT permission%'",
        1,
        30,
    );
    // A stranger: garbage, then a forged frame where TLS should start.
    for bytes in [
        b"\x16\x03\x01\x00\x05garbage".to_vec(),
        b"SBRK\x01\x01\x00\x00\x00\x00\x00\x02\x00\x00\x00\x00\x01\x01".to_vec(),
    ] {
        let mut s = std::net::TcpStream::connect(("127.0.0.1", pb)).expect("connect");
        s.set_read_timeout(Some(Duration::from_secs(15)))
            .expect("timeout");
        s.write_all(&bytes).expect("write");
        let mut sink = Vec::new();
        let _ = s.read_to_end(&mut sink);
    }
    assert_eq!(sql_value(&b.addr, "db", "SELECT COUNT(*) FROM dbo.q"), "0");
    run_ok(&b.addr, "GRANT CONNECT ON ENDPOINT::ep TO ALogin;\nGO\n");
    wait_at_least(&b.addr, "db", "SELECT COUNT(*) FROM dbo.q", 1, 30);
}
