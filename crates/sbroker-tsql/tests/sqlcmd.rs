//! sqlcmd-mode preprocessing (`sbroker_tsql::sqlcmd`).

use std::path::{Path, PathBuf};

use sbroker_tsql::split_batches;
use sbroker_tsql::sqlcmd::{
    Preprocessed, SqlcmdOptions, decode_script, preprocess, preprocess_file, uses_sqlcmd_syntax,
};

fn opts() -> SqlcmdOptions {
    SqlcmdOptions::default()
}

fn run(s: &str) -> Preprocessed {
    preprocess(s, "test.sql", &opts()).expect("preprocess")
}

fn texts(p: &Preprocessed) -> Vec<String> {
    p.batches
        .iter()
        .map(|b| b.text.trim().to_string())
        .collect()
}

/// A fresh temporary directory (no tempfile dependency in this crate).
fn tmpdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("sbroker-sqlcmd-{}-{}", name, std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("mkdir");
    d
}

fn write(dir: &Path, name: &str, text: &str) {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(p, text).expect("write");
}

// ----- GO splitting -----

#[test]
fn go_splitting_matches_split_batches() {
    let scripts = [
        "SELECT 1\nGO\nSELECT 2\ngo\nSELECT 3",
        "PRINT 1\n   Go 5   \nPRINT 2\n\tGO\t\n",
        "PRINT 1\nGO -- done\nPRINT 2\nGO 2 -- twice\nPRINT 3\nGO--x\n",
        "/* comment\nGO\n*/ PRINT 1\nGO\nPRINT 'a\nGO\nb'\nGO\n",
        "SELECT [x\nGO\n] FROM t\nGO\nSELECT \"y\nGO\n\"\n",
        "/* a /* nested\nGO\n*/ still\nGO\n*/ SELECT 1\r\nGO\r\nSELECT 2\r\n",
        "GOTO x\nGO\nGOx\nGO 1x\n",
        "\n\n   \nGO\n\nGO\n",
    ];
    for s in scripts {
        let a = split_batches(s);
        let b = run(s);
        assert_eq!(a.len(), b.batches.len(), "script {s:?}");
        for (x, y) in a.iter().zip(&b.batches) {
            assert_eq!(x.text, y.text, "script {s:?}");
            assert_eq!(x.start_line, y.start_line, "script {s:?}");
            assert_eq!(x.count, y.count, "script {s:?}");
            assert_eq!(y.file, "test.sql");
            assert!(!y.on_error_exit);
        }
    }
}

#[test]
fn go_count() {
    let p = run("PRINT 1\nGO 3\n");
    assert_eq!(p.batches.len(), 1);
    assert_eq!(p.batches[0].count, 3);
}

// ----- :setvar and $(var) -----

#[test]
fn setvar_and_substitution() {
    let p = run(":setvar DB Sales\n:SETVAR Q \"My Queue\"\nUSE $(DB);\nRECEIVE * FROM [$(q)]\n");
    assert_eq!(texts(&p), vec!["USE Sales;\nRECEIVE * FROM [My Queue]"]);
    // The command lines became empty lines, so line numbers are preserved.
    assert_eq!(p.batches[0].start_line, 1);
    assert_eq!(p.batches[0].text.lines().nth(2), Some("USE Sales;"));
}

#[test]
fn substitution_inside_strings_but_not_comments() {
    let p = run(
        ":setvar X abc\nPRINT '$(X)' -- $(UNDEFINED)\n/* $(ALSO_UNDEFINED)\n $(NOPE) */ PRINT N'$(X)'\n",
    );
    let t = &p.batches[0].text;
    assert!(t.contains("PRINT 'abc' -- $(UNDEFINED)"), "{t}");
    assert!(
        t.contains("/* $(ALSO_UNDEFINED)\n $(NOPE) */ PRINT N'abc'"),
        "{t}"
    );
}

#[test]
fn quoted_value_with_escaped_quote() {
    let p = run(":setvar V \"a \"\"b\"\" c\"\nPRINT '$(V)'\n");
    assert_eq!(texts(&p), vec!["PRINT 'a \"b\" c'"]);
}

#[test]
fn variable_names_are_case_insensitive() {
    let p = run(":setvar MyVar 1\nSELECT $(MYVAR) + $(myvar)\n");
    assert_eq!(texts(&p), vec!["SELECT 1 + 1"]);
}

#[test]
fn undefined_variable_is_an_error() {
    let e = preprocess("PRINT 1\nGO\nSELECT $(Missing)\n", "x.sql", &opts()).unwrap_err();
    assert_eq!(e.message, "'Missing' scripting variable not defined.");
    assert_eq!(e.line, 3);
    assert_eq!(e.file, "x.sql");
    assert!(e.to_string().contains("scripting variable not defined"));
}

#[test]
fn setvar_without_value_removes_the_variable() {
    let e = preprocess(":setvar A 1\n:setvar A\nPRINT $(A)\n", "x.sql", &opts()).unwrap_err();
    assert!(e.message.contains("'A' scripting variable not defined"));
}

#[test]
fn setvar_applies_from_its_line_on() {
    let p = run(":setvar A 1\nPRINT $(A)\n:setvar A 2\nPRINT $(A)\nGO\nPRINT $(A)\n");
    assert_eq!(texts(&p), vec!["PRINT 1\n\nPRINT 2", "PRINT 2"]);
}

#[test]
fn command_line_vars_are_used() {
    let o = SqlcmdOptions {
        vars: vec![("dbname".into(), "Orders".into())],
        base_dir: PathBuf::new(),
        ..Default::default()
    };
    let p = preprocess("USE $(DbName)\n", "x.sql", &o).unwrap();
    assert_eq!(texts(&p), vec!["USE Orders"]);
}

#[test]
fn setvar_overrides_command_line_var() {
    // Documented precedence (low to high): environment, -v X=Y, :setvar X Y.
    let o = SqlcmdOptions {
        vars: vec![("DB".into(), "FromCli".into())],
        base_dir: PathBuf::new(),
        ..Default::default()
    };
    let p = preprocess(
        "PRINT '$(DB)'\n:setvar DB FromScript\nPRINT '$(DB)'\n",
        "x.sql",
        &o,
    )
    .unwrap();
    assert_eq!(texts(&p), vec!["PRINT 'FromCli'\n\nPRINT 'FromScript'"]);
    assert!(
        p.vars
            .contains(&("DB".to_string(), "FromScript".to_string()))
    );
}

#[test]
fn malformed_setvar_is_an_error() {
    assert!(preprocess(":setvar\n", "x", &opts()).is_err());
    assert!(preprocess(":setvar A \"unterminated\n", "x", &opts()).is_err());
    assert!(preprocess(":setvar A \"x\" junk\n", "x", &opts()).is_err());
    assert!(preprocess(":setvar A$ 1\n", "x", &opts()).is_err());
}

#[test]
fn dollar_without_valid_reference_is_left_alone() {
    let p = run("SELECT '$', '$(', '$( x)', '$()' , 5$\n");
    assert_eq!(texts(&p), vec!["SELECT '$', '$(', '$( x)', '$()' , 5$"]);
}

// ----- recognition rules -----

#[test]
fn commands_only_at_line_start_and_outside_comments_and_strings() {
    let p = run(
        "PRINT ':setvar A 1'\n/*\n:setvar B 2\n*/\nPRINT 'x\n:on error exit\n'\n   :SetVar C 3\nPRINT '$(C)'\n",
    );
    let t = &p.batches[0].text;
    assert!(t.contains("PRINT ':setvar A 1'"));
    assert!(t.contains("\n:setvar B 2\n"), "{t}");
    assert!(t.contains("\n:on error exit\n"), "{t}");
    assert!(t.contains("PRINT '3'"), "{t}");
    assert!(!p.batches[0].on_error_exit);
}

#[test]
fn double_colon_is_tsql() {
    let p = run("SELECT *\n::fn_helpcollations()\n");
    assert!(p.batches[0].text.contains("::fn_helpcollations()"));
}

#[test]
fn unknown_command_is_an_error() {
    let e = preprocess("PRINT 1\n:frobnicate now\n", "x.sql", &opts()).unwrap_err();
    assert_eq!(e.line, 2);
    assert!(e.message.contains("Syntax error"), "{}", e.message);
    assert!(preprocess(":on error maybe\n", "x", &opts()).is_err());
    assert!(preprocess(":on failure exit\n", "x", &opts()).is_err());
}

// ----- :on error -----

#[test]
fn on_error_setting_is_recorded_per_batch() {
    let p = run(
        "PRINT 1\nGO\n:on error exit\nPRINT 2\nGO\n:ON ERROR IGNORE\nPRINT 3\nGO\nPRINT 4\n:on error exit\n",
    );
    let flags: Vec<bool> = p.batches.iter().map(|b| b.on_error_exit).collect();
    // The setting in effect when the batch is sent (at GO / end of script) applies.
    assert_eq!(flags, vec![false, true, false, true]);
    assert!(p.on_error_exit);
}

// ----- ignored commands, :reset, :exit -----

#[test]
fn ignored_commands_produce_warnings() {
    let p = run(
        ":connect server1 -U sa\n:out stdout\n:error stderr\n!! dir\n:perftrace stdout\n:listvar\nPRINT 1\n",
    );
    assert_eq!(texts(&p), vec!["PRINT 1"]);
    assert_eq!(p.warnings.len(), 6);
    assert!(p.warnings[0].message.contains(":connect"));
    assert_eq!(p.warnings[3].line, 4);
    assert_eq!(p.batches[0].start_line, 1);
}

#[test]
fn reset_clears_the_pending_batch() {
    let p = run("PRINT 1\n:reset\nPRINT 2\nGO\n");
    assert_eq!(texts(&p), vec!["PRINT 2"]);
}

#[test]
fn exit_and_quit_stop_reading() {
    let p = run("PRINT 1\nGO\nPRINT 2\n:quit\nPRINT 3\nGO\n");
    assert_eq!(texts(&p), vec!["PRINT 1"]);
    assert!(p.exited);
    let p = run("PRINT 1\n:exit()\nPRINT 3\n");
    assert_eq!(texts(&p), vec!["PRINT 1"]);
    let p = run("PRINT 1\n:EXIT(SELECT 5)\nPRINT 3\n");
    assert_eq!(texts(&p), vec!["PRINT 1", "SELECT 5"]);
    assert_eq!(p.warnings.len(), 1);
}

// ----- :r -----

#[test]
fn include_relative_to_including_file() {
    let d = tmpdir("include");
    write(
        &d,
        "main.sql",
        ":setvar Q jobs\n:r sub/a.sql\nPRINT 'after'\nGO\n",
    );
    write(
        &d,
        "sub/a.sql",
        "CREATE QUEUE $(Q)\nGO\n:r \"b file.sql\"\n",
    );
    write(&d, "sub/b file.sql", "PRINT 'b'\n");
    let p = preprocess_file(&d.join("main.sql"), &opts()).unwrap();
    assert_eq!(
        texts(&p),
        vec!["CREATE QUEUE jobs", "PRINT 'b'\n\n\nPRINT 'after'"]
    );
    assert!(
        p.batches[0].file.ends_with("a.sql"),
        "{}",
        p.batches[0].file
    );
    assert_eq!(p.batches[0].start_line, 1);
    assert!(
        p.batches[1].file.ends_with("b file.sql"),
        "{}",
        p.batches[1].file
    );
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn include_with_base_dir_and_variable_path() {
    let d = tmpdir("basedir");
    write(&d, "setup.sql", "PRINT 'setup'\n");
    let o = SqlcmdOptions {
        vars: vec![("Name".into(), "setup".into())],
        base_dir: d.clone(),
        ..Default::default()
    };
    let p = preprocess(":R $(Name).sql\nGO\nPRINT 'x'\n", "main.sql", &o).unwrap();
    assert_eq!(texts(&p), vec!["PRINT 'setup'", "PRINT 'x'"]);
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn include_cycle_is_an_error() {
    let d = tmpdir("cycle");
    write(&d, "a.sql", "PRINT 'a'\n:r b.sql\n");
    write(&d, "b.sql", "PRINT 'b'\n:r a.sql\n");
    let e = preprocess_file(&d.join("a.sql"), &opts()).unwrap_err();
    assert!(e.message.contains("cycle"), "{}", e.message);
    let e = preprocess(
        ":r a.sql\n",
        "top.sql",
        &SqlcmdOptions {
            vars: vec![],
            base_dir: d.clone(),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(e.message.contains("cycle"), "{}", e.message);
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn include_depth_is_limited() {
    let d = tmpdir("depth");
    for i in 0..40 {
        write(
            &d,
            &format!("f{i}.sql"),
            &format!("PRINT {i}\n:r f{}.sql\n", i + 1),
        );
    }
    write(&d, "f40.sql", "PRINT 40\n");
    let e = preprocess_file(&d.join("f0.sql"), &opts()).unwrap_err();
    assert!(e.message.contains("deeper than 32"), "{}", e.message);
    // 30 levels are fine.
    write(&d, "f30.sql", "PRINT 30\n");
    let p = preprocess_file(&d.join("f0.sql"), &opts()).unwrap();
    assert_eq!(p.batches.len(), 1);
    assert!(p.batches[0].text.contains("PRINT 30"));
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn missing_include_is_an_error() {
    let e = preprocess(":r /nonexistent/dir/x.sql\n", "m.sql", &opts()).unwrap_err();
    assert_eq!(e.line, 1);
    assert!(e.message.contains("cannot open"), "{}", e.message);
    assert!(preprocess(":r\n", "m.sql", &opts()).is_err());
}

#[test]
fn include_without_trailing_newline_ends_its_line() {
    let d = tmpdir("nonl");
    write(&d, "x.sql", "PRINT 'x'");
    let o = SqlcmdOptions {
        vars: vec![],
        base_dir: d.clone(),
        ..Default::default()
    };
    let p = preprocess(":r x.sql\nGO\n", "m.sql", &o).unwrap();
    assert_eq!(texts(&p), vec!["PRINT 'x'"]);
    let _ = std::fs::remove_dir_all(&d);
}

// ----- misc -----

#[test]
fn decode_handles_boms() {
    assert_eq!(decode_script(b"\xEF\xBB\xBFPRINT 1"), "PRINT 1");
    let mut le = vec![0xFF, 0xFE];
    for u in "PRINT 2".encode_utf16() {
        le.extend_from_slice(&u.to_le_bytes());
    }
    assert_eq!(decode_script(&le), "PRINT 2");
    let mut be = vec![0xFE, 0xFF];
    for u in "PRINT 3".encode_utf16() {
        be.extend_from_slice(&u.to_be_bytes());
    }
    assert_eq!(decode_script(&be), "PRINT 3");
    assert_eq!(decode_script(b"\xFF\xFE\x41"), "");
}

#[test]
fn detects_sqlcmd_syntax() {
    assert!(uses_sqlcmd_syntax(":setvar A 1\n"));
    assert!(uses_sqlcmd_syntax("  :r x.sql\n"));
    assert!(uses_sqlcmd_syntax("PRINT '$(X)'\n"));
    assert!(!uses_sqlcmd_syntax("PRINT 1\nGO\n"));
    assert!(!uses_sqlcmd_syntax("-- $(X)\n/* :setvar A 1\n*/\n"));
    assert!(!uses_sqlcmd_syntax("SELECT * FROM\n::fn_x()\n"));
}

#[test]
fn never_panics_on_odd_input() {
    let inputs = [
        "",
        ":",
        "::",
        ":r",
        ":r \"",
        ":setvar \"",
        "$(",
        "$(a",
        "$()",
        "/*",
        "'",
        "[",
        "\"",
        ":on",
        ":on error",
        ":exit(",
        ":exit(x",
        "GO 99999999999999999999",
        "\u{feff}:setvar A é\nPRINT '$(A)'",
        "é$(é)",
        ":setvar é ü\nSELECT $(É)",
        "\r\n\r\n:setvar A 1\r\nPRINT $(A)\r\n",
        "*/ */ /* /*",
    ];
    for s in inputs {
        let _ = preprocess(s, "odd.sql", &opts());
        let _ = uses_sqlcmd_syntax(s);
    }
    let p = run("\u{feff}:setvar A é\nPRINT '$(A)'");
    assert!(p.batches.is_empty() || p.batches[0].text.contains('é'));
    let p = run("\r\n:setvar A 1\r\nPRINT $(A)\r\nGO\r\n");
    assert_eq!(texts(&p), vec!["PRINT 1"]);
}

#[test]
fn initial_on_error_setting_and_vars_carry_over() {
    let first = run(":on error exit\n:setvar Db Sales\nPRINT 1\n");
    let o = SqlcmdOptions {
        vars: first.vars.clone(),
        on_error_exit: first.on_error_exit,
        ..Default::default()
    };
    let second = preprocess("USE $(DB)\nGO\n:on error ignore\nPRINT 2\n", "b.sql", &o).unwrap();
    assert_eq!(texts(&second), vec!["USE Sales", "PRINT 2"]);
    let flags: Vec<bool> = second.batches.iter().map(|b| b.on_error_exit).collect();
    assert_eq!(flags, vec![true, false]);
}
