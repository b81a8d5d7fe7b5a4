//! Parse check over an external corpus of `.sql` files (see `tools/corpus/`).
//!
//! Ignored by default. Run with
//! `SBROKER_CORPUS_DIR=/tmp/corpus cargo test -p sbroker-tsql --test corpus_parse -- --ignored --nocapture`.
//! Optional `SBROKER_CORPUS_OUT=file.tsv` writes one row per file:
//! `file, status, batches, batches_ok, error, error_line_text`.
//!
//! Files using sqlcmd syntax (`:setvar`, `:r`, `$(var)`) are preprocessed with
//! `sbroker_tsql::sqlcmd` first (variables that are not defined make the file
//! fail with the sqlcmd error).

use std::fmt::Write as _;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use sbroker_tsql::sqlcmd::{SqlcmdOptions, decode_script, preprocess, uses_sqlcmd_syntax};
use sbroker_tsql::{parse_batch, split_batches};

struct Row {
    file: String,
    ok: bool,
    batches: usize,
    batches_ok: usize,
    error: String,
    line_text: String,
    /// Every failing batch: (error, offending line text).
    batch_errors: Vec<(String, String)>,
}

fn clean(s: &str) -> String {
    s.replace(['\t', '\n', '\r'], " ").trim().to_string()
}

fn check_file(path: &Path) -> Row {
    let file = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut row = Row {
        file,
        ok: true,
        batches: 0,
        batches_ok: 0,
        error: String::new(),
        line_text: String::new(),
        batch_errors: Vec::new(),
    };
    let text = match std::fs::read(path) {
        Ok(b) => decode_script(&b),
        Err(e) => {
            row.ok = false;
            row.error = format!("read error: {e}");
            return row;
        }
    };
    let batches: Vec<(String, u32)> = if uses_sqlcmd_syntax(&text) {
        let opts = SqlcmdOptions {
            vars: Vec::new(),
            base_dir: path.parent().map(Path::to_path_buf).unwrap_or_default(),
            ..Default::default()
        };
        match preprocess(&text, &row.file, &opts) {
            Ok(p) => p
                .batches
                .into_iter()
                .map(|b| (b.text, b.start_line))
                .collect(),
            Err(e) => {
                row.ok = false;
                row.error = format!("sqlcmd: {}", e.message);
                return row;
            }
        }
    } else {
        split_batches(&text)
            .into_iter()
            .map(|b| (b.text, b.start_line))
            .collect()
    };
    row.batches = batches.len();
    for (b, start) in &batches {
        let r = catch_unwind(AssertUnwindSafe(|| parse_batch(b)));
        match r {
            Ok(Ok(_)) => row.batches_ok += 1,
            Ok(Err(e)) => {
                let lt = clean(
                    b.lines()
                        .nth(e.line.saturating_sub(1) as usize)
                        .unwrap_or(""),
                );
                row.batch_errors
                    .push((format!("Msg {}: {}", e.number, e.message), lt));
                if row.ok {
                    row.ok = false;
                    row.error = format!(
                        "line {}: Msg {}: {}",
                        start + e.line.saturating_sub(1),
                        e.number,
                        e.message
                    );
                    row.line_text = clean(
                        b.lines()
                            .nth(e.line.saturating_sub(1) as usize)
                            .unwrap_or(""),
                    );
                }
            }
            Err(_) => {
                row.batch_errors.push(("PANIC".to_string(), String::new()));
                if row.ok {
                    row.ok = false;
                    row.error = format!("PANIC in batch starting at line {start}");
                }
            }
        }
    }
    row
}

#[test]
#[ignore = "needs SBROKER_CORPUS_DIR"]
fn corpus_parse() {
    let Ok(dir) = std::env::var("SBROKER_CORPUS_DIR") else {
        eprintln!("SBROKER_CORPUS_DIR not set; nothing to do");
        return;
    };
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("read SBROKER_CORPUS_DIR")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("sql")))
        .collect();
    paths.sort();
    let rows: Vec<Row> = paths.iter().map(|p| check_file(p)).collect();
    let mut tsv = String::from("file\tstatus\tbatches\tbatches_ok\terror\terror_line_text\n");
    for r in &rows {
        println!(
            "{} {} ({}/{} batches){}{}",
            if r.ok { "OK  " } else { "FAIL" },
            r.file,
            r.batches_ok,
            r.batches,
            if r.error.is_empty() { "" } else { ": " },
            r.error
        );
        let _ = writeln!(
            tsv,
            "{}\t{}\t{}\t{}\t{}\t{}",
            r.file,
            if r.ok { "OK" } else { "FAIL" },
            r.batches,
            r.batches_ok,
            clean(&r.error),
            r.line_text
        );
    }
    let files_ok = rows.iter().filter(|r| r.ok).count();
    let batches: usize = rows.iter().map(|r| r.batches).sum();
    let batches_ok: usize = rows.iter().map(|r| r.batches_ok).sum();
    let pct = |a: usize, b: usize| {
        if b == 0 {
            0.0
        } else {
            100.0 * a as f64 / b as f64
        }
    };
    println!(
        "SUMMARY files {files_ok}/{} parse ({:.1}%), batches {batches_ok}/{batches} parse ({:.1}%)",
        rows.len(),
        pct(files_ok, rows.len()),
        pct(batches_ok, batches)
    );
    if let Ok(out) = std::env::var("SBROKER_CORPUS_OUT") {
        std::fs::write(&out, tsv).expect("write SBROKER_CORPUS_OUT");
        // Every failing batch, for tallying failure causes.
        let mut b = String::from("file\terror\terror_line_text\n");
        for r in &rows {
            for (e, l) in &r.batch_errors {
                let _ = writeln!(b, "{}\t{}\t{}", r.file, clean(e), l);
            }
        }
        std::fs::write(format!("{out}.batches.tsv"), b).expect("write batch errors");
    }
}
