//! `sbroker run` understands sqlcmd scripting: `:setvar`, `$(var)`, `-v name=value`, `:r`
//! includes relative to the including file, and `:on error exit`.

use std::process::Command;

#[test]
fn sqlcmd_variables_includes_and_on_error_exit() {
    let dir = tempfile::tempdir().expect("tmp");
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
    let out = Command::new(env!("CARGO_BIN_EXE_sbroker"))
        .args(["run", "--format", "json", "--data"])
        .arg(dir.path().join("data"))
        .args(["-v", "Greeting=hello"])
        .arg(&main)
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains(r#""rows":[[1]]"#),
        "the :r include ran: {stdout}"
    );
    assert!(
        stdout.contains(r#"["hello","SqlcmdDb"]"#),
        "-v and :setvar substituted: {stdout}"
    );
    assert!(stdout.contains(r#""number":8134"#), "{stdout}");
    assert!(
        !stdout.contains("not reached"),
        ":on error exit stops the run: {stdout}"
    );
}

#[test]
fn undefined_variable_is_an_error() {
    let dir = tempfile::tempdir().expect("tmp");
    let main = dir.path().join("main.sql");
    std::fs::write(&main, "SELECT '$(Nope)';\nGO\n").expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_sbroker"))
        .args(["run", "--data"])
        .arg(dir.path().join("data"))
        .arg(&main)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("'Nope' scripting variable not defined"));
}
