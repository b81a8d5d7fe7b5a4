//! Third-party drivers against `sbroker serve`: pytds (pure Python), Microsoft's ODBC
//! Driver 18 through mssql-python, and FreeTDS `tsql` run `tests/interop/drivers.py`.
//!
//! `.ci/run` installs all three and sets `SBROKER_INTEROP=1`, which makes each of them
//! required here. Without it (a developer machine) the drivers that are installed run and
//! the others are reported as skipped.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

fn available(driver: &str) -> bool {
    let probe = match driver {
        "pytds" => Command::new("python3")
            .args(["-c", "import pytds"])
            .output(),
        "odbc" => Command::new("python3")
            .args(["-c", "import mssql_python"])
            .output(),
        _ => Command::new("tsql").arg("-C").output(),
    };
    probe.is_ok_and(|o| o.status.success())
}

#[test]
fn third_party_drivers() {
    let required = std::env::var("SBROKER_INTEROP").is_ok_and(|v| v == "1");
    let mut drivers = Vec::new();
    for d in ["pytds", "odbc", "tsql"] {
        if available(d) {
            drivers.push(d);
        } else if required {
            panic!("SBROKER_INTEROP=1 but driver {d} is not installed");
        } else {
            eprintln!("interop: {d} not installed, skipped");
        }
    }
    if drivers.is_empty() {
        return;
    }
    let dir = tempfile::tempdir().expect("tmp");
    let mut server = Command::new(env!("CARGO_BIN_EXE_sbroker"))
        .arg("serve")
        .arg("--data")
        .arg(dir.path())
        .args(["--listen", "127.0.0.1:0"])
        .env_remove("SBROKER_SA_PASSWORD")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("serve");
    let stderr = server.stderr.take().expect("stderr");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(a) = line.strip_prefix("sbroker: listening for TDS on ") {
                let _ = tx.send(a.trim().to_string());
            }
        }
    });
    let addr = rx.recv_timeout(Duration::from_secs(30)).expect("address");
    let port = addr.rsplit(':').next().expect("port").to_string();
    let script =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/interop/drivers.py");
    let out = Command::new("python3")
        .env("SBROKER_TDS_CERT", dir.path().join("tds-certificate.cer"))
        .arg(script)
        .arg(&port)
        .args(&drivers)
        .output()
        .expect("python3");
    let _ = server.kill();
    let _ = server.wait();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("all drivers passed"), "{stdout}");
    if drivers.contains(&"odbc") {
        // Clear text, TLS inside PRELOGIN and TDS 8 strict all ran.
        assert!(
            stdout.contains("ok   odbc: encrypted connection"),
            "{stdout}"
        );
        assert!(stdout.contains("ok   odbc: TDS 8 strict"), "{stdout}");
    }
}
