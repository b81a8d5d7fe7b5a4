//! Golden tests: every `tests/scripts/*.sql` (workspace root) is run by the real binary
//! (`sbroker run --format json --data <fresh dir> FILE`) and its normalized output is
//! compared with `tests/scripts/<name>.expected.jsonl`.
//!
//! Normalization: each distinct GUID becomes `<guid1>`, `<guid2>`, … in order of first
//! appearance; ISO-8601 datetimes (`2026-11-21T15:04:05.123`) become `<datetime>`. A final
//! line `{"exit": <code>}` records the exit status.
//!
//! The README's examples in [`EXAMPLES`] are checked the same way, against
//! `tests/examples/<name>.expected.jsonl`. (`examples/internal-activation.sql` ends with a
//! look at the activation DMVs, whose rows depend on timing; its deterministic part is
//! `tests/scripts/tutorial_internal_activation.sql`.)
//!
//! The same scripts run a second time over TDS (`golden_scripts_over_tds`): a fresh
//! `sbroker serve --listen 127.0.0.1:0` per script and `sbroker sql -i FILE --format json`
//! against it must print exactly what `sbroker run` prints.
//!
//! `UPDATE_GOLDEN=1 cargo test -p sbroker --test golden` (re)writes the expected files.
//! Scripts listed in `tests/scripts/KNOWN_FAILURES` (`file.sql  # reason`) are skipped:
//! their expected files hold the SQL-Server-correct output that sbroker does not yet
//! produce.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Longest a single script may run.
const SCRIPT_TIMEOUT: Duration = Duration::from_secs(120);
/// Worker threads.
const THREADS: usize = 3;

/// Examples (under `examples/`) whose output is checked.
const EXAMPLES: &[&str] = &["single-database.sql", "two-databases.sql"];

fn workspace_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn scripts_dir() -> PathBuf {
    workspace_dir().join("tests/scripts")
}

/// Where a script's expected output lives: next to it for `tests/scripts`, under
/// `tests/examples` for the examples.
fn expected_path(script: &Path) -> PathBuf {
    if script.parent().and_then(Path::file_name) == Some("examples".as_ref()) {
        let stem = script.file_stem().and_then(|n| n.to_str()).unwrap_or("?");
        workspace_dir().join(format!("tests/examples/{stem}.expected.jsonl"))
    } else {
        script.with_extension("expected.jsonl")
    }
}

/// Replaces GUIDs and ISO datetimes.
fn normalize(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut guids: HashMap<String, usize> = HashMap::new();
    let mut i = 0;
    while i < chars.len() {
        if let Some(len) = guid_at(&chars, i) {
            let key: String = chars[i..i + len].iter().collect::<String>().to_uppercase();
            let next = guids.len() + 1;
            let n = *guids.entry(key).or_insert(next);
            out.push_str(&format!("<guid{n}>"));
            i += len;
        } else if let Some(len) = datetime_at(&chars, i) {
            out.push_str("<datetime>");
            i += len;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

fn is_hex(c: char) -> bool {
    c.is_ascii_hexdigit()
}

/// Length of a GUID (8-4-4-4-12 hex digits) starting at `i`, if any, not glued to other
/// hex digits.
fn guid_at(chars: &[char], i: usize) -> Option<usize> {
    if i > 0 && (is_hex(chars[i - 1]) || chars[i - 1] == '-') {
        return None;
    }
    let groups = [8, 4, 4, 4, 12];
    let mut p = i;
    for (g, n) in groups.iter().enumerate() {
        if g > 0 {
            if chars.get(p) != Some(&'-') {
                return None;
            }
            p += 1;
        }
        for _ in 0..*n {
            if !chars.get(p).is_some_and(|c| is_hex(*c)) {
                return None;
            }
            p += 1;
        }
    }
    if chars.get(p).is_some_and(|c| is_hex(*c) || *c == '-') {
        return None;
    }
    Some(p - i)
}

/// Length of an ISO datetime `YYYY-MM-DDTHH:MM:SS[.fff…]` starting at `i`, if any.
fn datetime_at(chars: &[char], i: usize) -> Option<usize> {
    if i > 0 && chars[i - 1].is_ascii_digit() {
        return None;
    }
    let pattern = "dddd-dd-ddTdd:dd:dd";
    let mut p = i;
    for pc in pattern.chars() {
        let c = *chars.get(p)?;
        let ok = if pc == 'd' {
            c.is_ascii_digit()
        } else {
            c == pc
        };
        if !ok {
            return None;
        }
        p += 1;
    }
    if chars.get(p) == Some(&'.') && chars.get(p + 1).is_some_and(char::is_ascii_digit) {
        p += 1;
        while chars.get(p).is_some_and(char::is_ascii_digit) {
            p += 1;
        }
    }
    Some(p - i)
}

/// How a script is run.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// `sbroker run` on an embedded instance.
    Embedded,
    /// `sbroker sql` against `sbroker serve`.
    Tds,
}

/// A `sbroker serve` process on a free loopback port, killed when dropped.
struct ServeProcess {
    child: std::process::Child,
    addr: String,
    /// Everything the server printed, for failure reports.
    log: std::sync::Arc<Mutex<Vec<String>>>,
}

impl ServeProcess {
    fn log_text(&self) -> String {
        self.log.lock().map(|l| l.join("\n")).unwrap_or_default()
    }
}

impl Drop for ServeProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `sbroker serve` on `data` and waits for its "listening" line.
fn start_server(data: &Path) -> Result<ServeProcess, String> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sbroker"))
        .arg("serve")
        .arg("--data")
        .arg(data)
        .arg("--listen")
        .arg("127.0.0.1:0")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("spawn serve: {e}"))?;
    let stderr = child.stderr.take().ok_or("no stderr")?;
    let (tx, rx) = std::sync::mpsc::channel();
    let log = std::sync::Arc::new(Mutex::new(Vec::new()));
    let log_w = std::sync::Arc::clone(&log);
    std::thread::spawn(move || {
        use std::io::BufRead;
        let mut sent = false;
        for line in std::io::BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if !sent && let Some(addr) = line.strip_prefix("sbroker: listening for TDS on ") {
                let _ = tx.send(addr.trim().to_string());
                sent = true;
            }
            if let Ok(mut l) = log_w.lock() {
                l.push(line);
            }
        }
    });
    let mut server = ServeProcess {
        child,
        addr: String::new(),
        log,
    };
    server.addr = rx
        .recv_timeout(Duration::from_secs(60))
        .map_err(|_| format!("sbroker serve did not start:\n{}", server.log_text()))?;
    Ok(server)
}

/// Runs one script with a fresh data directory; returns normalized output.
fn run_script(path: &Path, mode: Mode) -> Result<String, String> {
    let data = tempfile::tempdir().map_err(|e| format!("tempdir: {e}"))?;
    let mut server = None;
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sbroker"));
    match mode {
        Mode::Embedded => {
            cmd.arg("run")
                .arg("--data")
                .arg(data.path())
                .arg("--format")
                .arg("json")
                .arg(path);
        }
        Mode::Tds => {
            let s = start_server(data.path())?;
            cmd.arg("sql")
                .arg("-S")
                .arg(&s.addr)
                .arg("--format")
                .arg("json")
                .arg("-i")
                .arg(path);
            server = Some(s);
        }
    }
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("spawn: {e}"))?;
    // Read the pipes on their own threads so a chatty script cannot block on a full pipe.
    let mut stdout = child.stdout.take().ok_or("no stdout")?;
    let mut stderr = child.stderr.take().ok_or("no stderr")?;
    let out_t = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = std::io::Read::read_to_end(&mut stdout, &mut s);
        s
    });
    let err_t = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = std::io::Read::read_to_end(&mut stderr, &mut s);
        s
    });
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(st)) => break st,
            Ok(None) => {
                if start.elapsed() > SCRIPT_TIMEOUT {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(format!("timed out after {SCRIPT_TIMEOUT:?}"));
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(e) => return Err(format!("wait: {e}")),
        }
    };
    // The server's own log, shown when the run went wrong.
    let server_log = server.as_mut().map(|s| {
        let _ = s.child.kill();
        let _ = s.child.wait();
        s.log_text()
    });
    drop(server);
    let out = out_t.join().map_err(|_| "stdout reader panicked")?;
    let err = err_t.join().map_err(|_| "stderr reader panicked")?;
    let code = status.code().unwrap_or(-1);
    let mut text = String::from_utf8_lossy(&out).into_owned();
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    let mut normalized = normalize(&text);
    normalized.push_str(&format!("{{\"exit\": {code}}}\n"));
    if code != 0 && code != 1 {
        return Err(format!(
            "unexpected exit code {code}; stderr:\n{}\nserver log:\n{}",
            String::from_utf8_lossy(&err),
            server_log.unwrap_or_default()
        ));
    }
    Ok(normalized)
}

/// A line diff (longest common subsequence), `-` expected, `+` actual.
fn diff(expected: &str, actual: &str) -> String {
    let a: Vec<&str> = expected.lines().collect();
    let b: Vec<&str> = actual.lines().collect();
    let (n, m) = (a.len(), b.len());
    let mut lcs = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let mut out = String::new();
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            out.push_str(&format!("  {}\n", a[i]));
            i += 1;
            j += 1;
        } else if j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j]) {
            out.push_str(&format!("+ {}\n", b[j]));
            j += 1;
        } else {
            out.push_str(&format!("- {}\n", a[i]));
            i += 1;
        }
    }
    out
}

fn known_failures(dir: &Path) -> HashSet<String> {
    let Ok(text) = std::fs::read_to_string(dir.join("KNOWN_FAILURES")) else {
        return HashSet::new();
    };
    text.lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

#[test]
fn golden_scripts() {
    check_scripts(Mode::Embedded);
}

#[test]
fn golden_scripts_over_tds() {
    check_scripts(Mode::Tds);
}

fn check_scripts(mode: Mode) {
    let dir = scripts_dir();
    // Expected files are written from the embedded run only.
    let update = mode == Mode::Embedded && std::env::var("UPDATE_GOLDEN").is_ok_and(|v| v == "1");
    let known = known_failures(&dir);
    let mut scripts: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/scripts exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "sql"))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| !known.contains(n))
        })
        .collect();
    scripts.sort();
    assert!(!scripts.is_empty(), "no scripts in {}", dir.display());
    scripts.extend(
        EXAMPLES
            .iter()
            .map(|e| workspace_dir().join("examples").join(e)),
    );

    let next = AtomicUsize::new(0);
    let failures: Mutex<Vec<(String, String)>> = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..THREADS {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(script) = scripts.get(i) else { break };
                    let name = script
                        .file_name()
                        .and_then(|n| n.to_str())
                        .unwrap_or("?")
                        .to_string();
                    let expected_path = expected_path(script);
                    let report = match run_script(script, mode) {
                        Err(e) => Some(e),
                        Ok(actual) if update => std::fs::write(&expected_path, &actual)
                            .err()
                            .map(|e| format!("cannot write {}: {e}", expected_path.display())),
                        Ok(actual) => match std::fs::read_to_string(&expected_path) {
                            Err(e) => Some(format!(
                                "cannot read {}: {e} (run with UPDATE_GOLDEN=1)",
                                expected_path.display()
                            )),
                            Ok(expected) if expected == actual => None,
                            Ok(expected) => Some(diff(&expected, &actual)),
                        },
                    };
                    if let Some(r) = report {
                        failures
                            .lock()
                            .unwrap_or_else(|p| p.into_inner())
                            .push((name, r));
                    }
                }
            });
        }
    });
    let mut failures = failures.into_inner().unwrap_or_else(|p| p.into_inner());
    failures.sort();
    for (name, report) in &failures {
        eprintln!("=== {name} (- expected, + actual)\n{report}");
    }
    let names: Vec<&str> = failures.iter().map(|(n, _)| n.as_str()).collect();
    assert!(
        failures.is_empty(),
        "{} of {} golden scripts failed: {}",
        failures.len(),
        scripts.len(),
        names.join(", ")
    );
}

#[test]
fn normalize_replaces_guids_and_datetimes() {
    let s = r#"["0f8fad5b-d9cb-469f-a165-70867728950e","2026-11-21T15:04:05.123","0F8FAD5B-D9CB-469F-A165-70867728950E","7c9e6679-7425-40de-944b-e07fc1f90ae7","2026-11-21T15:04:05"]"#;
    assert_eq!(
        normalize(s),
        r#"["<guid1>","<datetime>","<guid1>","<guid2>","<datetime>"]"#
    );
}
