//! sqlcmd-mode scripting: a preprocessor that turns a script written for the
//! `sqlcmd` utility (or SSMS "SQLCMD mode") into the ordered list of batches
//! to execute.
//!
//! Supported commands (case-insensitive, recognized only at the start of a
//! line, leading whitespace allowed, and never inside a multi-line comment,
//! string or delimited identifier):
//!
//! * `GO [n]` — batch separator, same rules as [`crate::split_batches`].
//! * `:setvar NAME [value]` — defines a scripting variable (value may be
//!   `"quoted"`, with `""` for an embedded quote); without a value the variable
//!   is removed.
//! * `$(NAME)` — substituted everywhere in batch text (including inside string
//!   literals, as sqlcmd does) except inside comments, and in the arguments of
//!   `:r` and `:setvar`. Referencing an undefined variable is an error
//!   (`'NAME' scripting variable not defined.`).
//! * `:r path` — includes another file at that point (path relative to the
//!   including file's directory; nested includes allowed up to depth 32; include
//!   cycles are an error).
//! * `:on error exit|ignore` — recorded per batch in
//!   [`ScriptBatch::on_error_exit`].
//! * `:reset` clears the statement cache; `:exit`/`:quit` stop reading the script
//!   (`:exit()` and `:exit(query)` first queue the pending batch).
//! * `:connect`, `:out`, `:error`, `:perftrace`, `:serverlist`, `:listvar`,
//!   `:list`, `:ed`, `:help`, `:xml` and `!!` shell commands are accepted and
//!   ignored; each produces a [`SqlcmdNote`] in [`Preprocessed::warnings`].
//!
//! Variable precedence follows the sqlcmd documentation ("Variable Precedence
//! (Low to High)": environment variables, `-v X=Y`, `:setvar X Y`): values
//! given in [`SqlcmdOptions::vars`] (`-v`) are the initial values, and a
//! `:setvar` in the script overrides them from that point on. Environment
//! variables are deliberately not consulted.
//!
//! Command lines are replaced by empty lines in the batch text, so a line
//! number `n` inside a batch maps to line `start_line + n - 1` of
//! [`ScriptBatch::file`] (unless the batch spans an `:r` include).

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// Maximum `:r` nesting depth.
pub const MAX_INCLUDE_DEPTH: usize = 32;

/// Options of [`preprocess`] (the sqlcmd command line).
#[derive(Debug, Clone, Default)]
pub struct SqlcmdOptions {
    /// Variables given with `-v name=value`, in order (a later duplicate wins).
    pub vars: Vec<(String, String)>,
    /// Directory used to resolve relative `:r` paths of the top-level script.
    /// Empty means the current directory.
    pub base_dir: PathBuf,
    /// Initial `:on error` setting (`true` = exit), e.g. carried over from
    /// [`Preprocessed::on_error_exit`] of the previous file of the same run.
    pub on_error_exit: bool,
}

/// One batch to execute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptBatch {
    /// Batch text after variable substitution, without the `GO` line.
    pub text: String,
    /// 1-based line where the batch text starts in [`ScriptBatch::file`].
    pub start_line: u32,
    /// How many times to execute the batch (`GO n`); 1 when no count is given.
    pub count: u32,
    /// Name of the file the batch text starts in (the `file_name` passed to
    /// [`preprocess`], or the path of an `:r` include as written).
    pub file: String,
    /// Whether `:on error exit` is in effect when this batch runs: if the batch
    /// fails, the script must stop (no further batches, no further files).
    pub on_error_exit: bool,
}

/// A note about an accepted-but-ignored command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqlcmdNote {
    /// File the command appeared in.
    pub file: String,
    /// 1-based line of the command.
    pub line: u32,
    /// Human-readable explanation.
    pub message: String,
}

impl fmt::Display for SqlcmdNote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

/// The result of [`preprocess`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Preprocessed {
    /// Batches in execution order.
    pub batches: Vec<ScriptBatch>,
    /// Notes about ignored commands (`:connect`, `:out`, `!!`, ...).
    pub warnings: Vec<SqlcmdNote>,
    /// Whether the script ended with `:exit`/`:quit`.
    pub exited: bool,
    /// The `:on error` setting at the end of the script (to carry into the
    /// next file of the same run, as sqlcmd keeps it per session).
    pub on_error_exit: bool,
    /// Scripting variables at the end of the script (names upper-cased),
    /// sorted by name.
    pub vars: Vec<(String, String)>,
}

/// A fatal sqlcmd error: the script must not run at all (sqlcmd stops at it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqlcmdError {
    /// File the error occurred in.
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// Message, e.g. `'X' scripting variable not defined.`.
    pub message: String,
}

impl fmt::Display for SqlcmdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Sqlcmd: Error: {}, line {}: {}",
            self.file, self.line, self.message
        )
    }
}

impl std::error::Error for SqlcmdError {}

/// Decodes a script file's bytes: strips a UTF-8 BOM, decodes UTF-16 LE/BE
/// with a BOM, otherwise UTF-8 with invalid sequences replaced.
pub fn decode_script(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return String::from_utf8_lossy(rest).into_owned();
    }
    let utf16 = |rest: &[u8], le: bool| {
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|c| {
                if le {
                    u16::from_le_bytes([c[0], c[1]])
                } else {
                    u16::from_be_bytes([c[0], c[1]])
                }
            })
            .collect();
        String::from_utf16_lossy(&units)
    };
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return utf16(rest, true);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return utf16(rest, false);
    }
    String::from_utf8_lossy(bytes).into_owned()
}

/// Reads and preprocesses a script file; relative `:r` paths resolve against
/// the file's directory (`opts.base_dir` is ignored).
pub fn preprocess_file(path: &Path, opts: &SqlcmdOptions) -> Result<Preprocessed, SqlcmdError> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| SqlcmdError {
        file: name.clone(),
        line: 0,
        message: format!("cannot read file: {e}"),
    })?;
    let text = decode_script(&bytes);
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let opts = SqlcmdOptions {
        vars: opts.vars.clone(),
        base_dir: dir,
        on_error_exit: opts.on_error_exit,
    };
    let mut p = Pre::new(&opts);
    if let Ok(canon) = std::fs::canonicalize(path) {
        p.stack.push(canon);
    }
    p.run(&text, &name, &opts.base_dir, 0)?;
    Ok(p.finish())
}

/// Preprocesses a sqlcmd-mode script. `file_name` is used in batch locations
/// and messages; relative `:r` paths resolve against `opts.base_dir`.
///
/// Returns an error (and no batches) for an undefined variable, a malformed
/// or unknown command, an unreadable or cyclic `:r` include, or includes
/// nested deeper than [`MAX_INCLUDE_DEPTH`].
pub fn preprocess(
    script: &str,
    file_name: &str,
    opts: &SqlcmdOptions,
) -> Result<Preprocessed, SqlcmdError> {
    let script = script.strip_prefix('\u{feff}').unwrap_or(script);
    let mut p = Pre::new(opts);
    p.run(script, file_name, &opts.base_dir, 0)?;
    Ok(p.finish())
}

/// Heuristic: does the script contain a sqlcmd command line (`:setvar`, `:r`,
/// `:on error`, ...) or a `$(name)` reference outside comments? Plain T-SQL
/// scripts can then be run without the preprocessor.
pub fn uses_sqlcmd_syntax(script: &str) -> bool {
    let mut st = State::Normal;
    for line in script.split_inclusive('\n') {
        let l = line.trim_end_matches(['\n', '\r']);
        if st == State::Normal {
            let t = l.trim_start();
            if t.starts_with("!!") {
                return true;
            }
            if let Some(rest) = t.strip_prefix(':')
                && !rest.starts_with(':')
                && command_word(rest).is_some_and(|w| KNOWN.contains(&w.as_str()))
            {
                return true;
            }
        }
        let mut found = false;
        st = scan_line(line, st, |s, e| {
            let seg = &line[s..e];
            if seg
                .match_indices("$(")
                .any(|(i, _)| var_ref_at(seg, i).is_some())
            {
                found = true;
            }
        });
        if found {
            return true;
        }
    }
    false
}

const KNOWN: &[&str] = &[
    "setvar",
    "r",
    "on",
    "connect",
    "out",
    "error",
    "perftrace",
    "serverlist",
    "listvar",
    "list",
    "ed",
    "help",
    "xml",
    "reset",
    "exit",
    "quit",
];

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum State {
    Normal,
    Str,
    Bracket,
    Quoted,
    Block(u32),
}

/// Scans one line (including its newline) from lexical state `st`, calling
/// `code` with every maximal non-comment slice start offset (slices where
/// variable substitution applies). Returns the state after the line.
fn scan_line(line: &str, st: State, mut code: impl FnMut(usize, usize)) -> State {
    let mut out_st = st;
    let mut seg_start: Option<usize> = if matches!(st, State::Block(_)) {
        None
    } else {
        Some(0)
    };
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (pos, c) = chars[i];
        let n = chars.get(i + 1).map(|x| x.1);
        match out_st {
            State::Normal => match (c, n) {
                ('-', Some('-')) => {
                    if let Some(s) = seg_start.take() {
                        code(s, pos);
                    }
                    return State::Normal;
                }
                ('/', Some('*')) => {
                    if let Some(s) = seg_start.take() {
                        code(s, pos);
                    }
                    out_st = State::Block(1);
                    i += 1;
                }
                ('\'', _) => out_st = State::Str,
                ('[', _) => out_st = State::Bracket,
                ('"', _) => out_st = State::Quoted,
                _ => {}
            },
            State::Str | State::Bracket | State::Quoted => {
                let close = match out_st {
                    State::Str => '\'',
                    State::Bracket => ']',
                    _ => '"',
                };
                if c == close {
                    if n == Some(close) {
                        i += 1;
                    } else {
                        out_st = State::Normal;
                    }
                }
            }
            State::Block(d) => match (c, n) {
                ('/', Some('*')) => {
                    out_st = State::Block(d.saturating_add(1));
                    i += 1;
                }
                ('*', Some('/')) => {
                    if d <= 1 {
                        out_st = State::Normal;
                        seg_start = chars.get(i + 2).map(|x| x.0).or(Some(line.len()));
                    } else {
                        out_st = State::Block(d - 1);
                    }
                    i += 1;
                }
                _ => {}
            },
        }
        i += 1;
    }
    if let Some(s) = seg_start {
        code(s, line.len());
    }
    out_st
}

/// If `s[at..]` starts with `$(name)`, returns (name, length of the reference).
fn var_ref_at(s: &str, at: usize) -> Option<(&str, usize)> {
    let rest = s.get(at..)?;
    let inner = rest.strip_prefix("$(")?;
    let end = inner.find(')')?;
    let name = &inner[..end];
    if name.is_empty()
        || !name.chars().all(|c| {
            c.is_alphanumeric() || c == '_' || c == '-' || c == '.' || c == '@' || c == '#'
        })
    {
        // Also catches a bare "$(" with no ')' on the line.
        return None;
    }
    Some((name, end + 3))
}

/// The command word after ':' (letters only, lower-cased).
fn command_word(rest: &str) -> Option<String> {
    let w: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect::<String>()
        .to_ascii_lowercase();
    if w.is_empty() { None } else { Some(w) }
}

/// Same rules as `split_batches`: `GO`, optional count, optional `--comment`.
fn go_line(line: &str) -> Option<u32> {
    let t = line.trim();
    t.get(..2).filter(|h| h.eq_ignore_ascii_case("go"))?;
    let after = t.get(2..)?;
    if let Some(c) = after.chars().next()
        && !c.is_whitespace()
        && !after.starts_with("--")
    {
        return None;
    }
    let mut after = after.trim_start();
    if let Some(i) = after.find("--") {
        after = after.get(..i)?;
    }
    let after = after.trim();
    if after.is_empty() {
        return Some(1);
    }
    if after.bytes().all(|b| b.is_ascii_digit()) {
        return Some(after.parse().unwrap_or(u32::MAX));
    }
    None
}

/// Parses a command argument: `"quoted ""text"""` or a bare token (up to the
/// end of the line, trimmed). Returns (value, rest of line).
fn parse_arg(s: &str) -> Result<(String, &str), String> {
    let s = s.trim_start();
    if let Some(inner) = s.strip_prefix('"') {
        let mut out = String::new();
        let mut it = inner.char_indices().peekable();
        while let Some((i, c)) = it.next() {
            if c == '"' {
                if let Some(&(_, '"')) = it.peek() {
                    it.next();
                    out.push('"');
                } else {
                    return Ok((out, &inner[i + 1..]));
                }
            } else {
                out.push(c);
            }
        }
        return Err("unterminated quoted value".to_string());
    }
    Ok((s.trim_end().to_string(), ""))
}

struct Pre {
    vars: HashMap<String, String>,
    out: Preprocessed,
    st: State,
    cur: String,
    cur_file: String,
    cur_start: u32,
    on_error_exit: bool,
    exited: bool,
    stack: Vec<PathBuf>,
}

impl Pre {
    fn new(opts: &SqlcmdOptions) -> Self {
        let mut vars = HashMap::new();
        for (k, v) in &opts.vars {
            vars.insert(k.trim().to_uppercase(), v.clone());
        }
        Pre {
            vars,
            out: Preprocessed::default(),
            st: State::Normal,
            cur: String::new(),
            cur_file: String::new(),
            cur_start: 1,
            on_error_exit: opts.on_error_exit,
            exited: false,
            stack: Vec::new(),
        }
    }

    fn finish(mut self) -> Preprocessed {
        if !self.exited {
            self.flush(1);
        }
        self.out.exited = self.exited;
        self.out.on_error_exit = self.on_error_exit;
        let mut vars: Vec<(String, String)> = self.vars.into_iter().collect();
        vars.sort();
        self.out.vars = vars;
        self.out
    }

    fn flush(&mut self, count: u32) {
        if !self.cur.trim().is_empty() {
            self.out.batches.push(ScriptBatch {
                text: std::mem::take(&mut self.cur),
                start_line: self.cur_start,
                count,
                file: self.cur_file.clone(),
                on_error_exit: self.on_error_exit,
            });
        } else {
            self.cur.clear();
        }
    }

    /// Appends one line to the statement cache, noting where the batch starts.
    fn append(&mut self, text: &str, file: &str, line: u32) {
        if self.cur.trim().is_empty() && (self.cur.is_empty() || self.cur_file != file) {
            self.cur.clear();
            self.cur_file = file.to_string();
            self.cur_start = line;
        }
        self.cur.push_str(text);
    }

    fn err(file: &str, line: u32, message: impl Into<String>) -> SqlcmdError {
        SqlcmdError {
            file: file.to_string(),
            line,
            message: message.into(),
        }
    }

    fn note(&mut self, file: &str, line: u32, message: impl Into<String>) {
        self.out.warnings.push(SqlcmdNote {
            file: file.to_string(),
            line,
            message: message.into(),
        });
    }

    /// Substitutes `$(name)` references in `s` (no comment awareness).
    fn subst(&self, s: &str, file: &str, line: u32) -> Result<String, SqlcmdError> {
        let mut out = String::with_capacity(s.len());
        let mut i = 0;
        while i < s.len() {
            if let Some((name, len)) = var_ref_at(s, i) {
                match self.vars.get(&name.to_uppercase()) {
                    Some(v) => out.push_str(v),
                    None => {
                        return Err(Self::err(
                            file,
                            line,
                            format!("'{name}' scripting variable not defined."),
                        ));
                    }
                }
                i += len;
            } else {
                let c = s[i..].chars().next().unwrap_or(' ');
                out.push(c);
                i += c.len_utf8().max(1);
            }
        }
        Ok(out)
    }

    /// Substitutes variables outside comments of one batch line, advancing
    /// the lexical state.
    fn subst_line(&mut self, line: &str, file: &str, no: u32) -> Result<String, SqlcmdError> {
        if !line.contains("$(") {
            self.st = scan_line(line, self.st, |_, _| {});
            return Ok(line.to_string());
        }
        let mut segs: Vec<(usize, usize)> = Vec::new();
        self.st = scan_line(line, self.st, |s, e| segs.push((s, e)));
        let mut out = String::with_capacity(line.len());
        let mut last = 0;
        for (s, e) in segs {
            out.push_str(&line[last..s]);
            out.push_str(&self.subst(&line[s..e], file, no)?);
            last = e;
        }
        out.push_str(&line[last..]);
        Ok(out)
    }

    fn run(&mut self, text: &str, file: &str, dir: &Path, depth: usize) -> Result<(), SqlcmdError> {
        let mut no = 0u32;
        for raw in text.split_inclusive('\n') {
            if self.exited {
                return Ok(());
            }
            no = no.saturating_add(1);
            let line = raw.trim_end_matches(['\n', '\r']);
            if self.st == State::Normal {
                if let Some(count) = go_line(line) {
                    self.flush(count);
                    continue;
                }
                let t = line.trim_start();
                if t.starts_with("!!") {
                    self.note(file, no, "shell command (!!) ignored");
                    self.append("\n", file, no);
                    continue;
                }
                if let Some(rest) = t.strip_prefix(':')
                    && !rest.starts_with(':')
                {
                    self.command(rest, file, no, dir, depth)?;
                    if !self.exited {
                        self.append("\n", file, no);
                    }
                    continue;
                }
            }
            let l = self.subst_line(raw, file, no)?;
            self.append(&l, file, no);
        }
        Ok(())
    }

    fn command(
        &mut self,
        rest: &str,
        file: &str,
        no: u32,
        dir: &Path,
        depth: usize,
    ) -> Result<(), SqlcmdError> {
        let Some(word) = command_word(rest) else {
            return Err(Self::err(
                file,
                no,
                format!("Syntax error near command ':{}'.", rest.trim()),
            ));
        };
        let args = &rest[word.len()..];
        let sep_ok = args.is_empty() || args.starts_with(char::is_whitespace);
        match word.as_str() {
            "setvar" if sep_ok => {
                let args = args.trim();
                let name_end = args.find(char::is_whitespace).unwrap_or(args.len());
                let name = &args[..name_end];
                if name.is_empty()
                    || !name
                        .chars()
                        .all(|c| c.is_alphanumeric() || c == '_' || c == '-' || c == '.')
                {
                    return Err(Self::err(
                        file,
                        no,
                        format!("Syntax error in ':setvar {args}': invalid variable name."),
                    ));
                }
                let value_text = self.subst(&args[name_end..], file, no)?;
                if value_text.trim().is_empty() {
                    self.vars.remove(&name.to_uppercase());
                    return Ok(());
                }
                let (value, tail) = parse_arg(&value_text).map_err(|m| {
                    Self::err(file, no, format!("Syntax error in ':setvar {name}': {m}."))
                })?;
                if !tail.trim().is_empty() {
                    return Err(Self::err(
                        file,
                        no,
                        format!("Syntax error in ':setvar {name}': unexpected text after value."),
                    ));
                }
                self.vars.insert(name.to_uppercase(), value);
                Ok(())
            }
            "r" if sep_ok || args.starts_with('"') => {
                let a = self.subst(args, file, no)?;
                let (path, _) = parse_arg(&a)
                    .map_err(|m| Self::err(file, no, format!("Syntax error in ':r': {m}.")))?;
                if path.is_empty() {
                    return Err(Self::err(file, no, "Syntax error: ':r' needs a file name."));
                }
                self.include(&path, file, no, dir, depth)
            }
            "on" if sep_ok => {
                let mut parts = args.split_whitespace();
                let (a, b) = (parts.next(), parts.next());
                let extra = parts.next();
                match (a, b, extra) {
                    (Some(a), Some(b), None) if a.eq_ignore_ascii_case("error") => {
                        if b.eq_ignore_ascii_case("exit") {
                            self.on_error_exit = true;
                            Ok(())
                        } else if b.eq_ignore_ascii_case("ignore") {
                            self.on_error_exit = false;
                            Ok(())
                        } else {
                            Err(Self::err(
                                file,
                                no,
                                format!("Syntax error: ':on error {b}' (expected exit or ignore)."),
                            ))
                        }
                    }
                    _ => Err(Self::err(
                        file,
                        no,
                        format!("Syntax error near command ':on{args}'."),
                    )),
                }
            }
            "reset" if sep_ok => {
                self.cur.clear();
                Ok(())
            }
            "exit" | "quit" => {
                let a = args.trim();
                if word == "quit" || a.is_empty() {
                    self.cur.clear();
                } else if let Some(inner) = a.strip_prefix('(').and_then(|x| x.strip_suffix(')')) {
                    self.flush(1);
                    if !inner.trim().is_empty() {
                        let q = self.subst(inner, file, no)?;
                        self.append(&q, file, no);
                        self.flush(1);
                        self.note(file, no, ":exit(query): the exit code value is ignored");
                    }
                } else {
                    return Err(Self::err(
                        file,
                        no,
                        format!("Syntax error near command ':{word}{args}'."),
                    ));
                }
                self.exited = true;
                Ok(())
            }
            "connect" | "out" | "error" | "perftrace" | "serverlist" | "listvar" | "list"
            | "ed" | "help" | "xml"
                if sep_ok =>
            {
                self.note(
                    file,
                    no,
                    format!(":{word} is not supported by sbroker and was ignored"),
                );
                Ok(())
            }
            _ => Err(Self::err(
                file,
                no,
                format!("Syntax error near command ':{}'.", rest.trim()),
            )),
        }
    }

    fn include(
        &mut self,
        path: &str,
        file: &str,
        no: u32,
        dir: &Path,
        depth: usize,
    ) -> Result<(), SqlcmdError> {
        if depth + 1 > MAX_INCLUDE_DEPTH {
            return Err(Self::err(
                file,
                no,
                format!(":r nesting is deeper than {MAX_INCLUDE_DEPTH} levels"),
            ));
        }
        let p = Path::new(path);
        let full = if p.is_absolute() {
            p.to_path_buf()
        } else {
            dir.join(p)
        };
        let canon = std::fs::canonicalize(&full).map_err(|e| {
            Self::err(
                file,
                no,
                format!("cannot open ':r' file '{}': {e}", full.display()),
            )
        })?;
        if self.stack.contains(&canon) {
            return Err(Self::err(
                file,
                no,
                format!(
                    ":r include cycle: '{}' is already being read",
                    full.display()
                ),
            ));
        }
        let bytes = std::fs::read(&canon).map_err(|e| {
            Self::err(
                file,
                no,
                format!("cannot read ':r' file '{}': {e}", full.display()),
            )
        })?;
        let text = decode_script(&bytes);
        let sub_dir = full.parent().map(Path::to_path_buf).unwrap_or_default();
        let name = full.display().to_string();
        self.stack.push(canon);
        let r = self.run(&text, &name, &sub_dir, depth + 1);
        self.stack.pop();
        r?;
        // A line that is still open at the end of the included file ends there.
        if !text.is_empty() && !text.ends_with('\n') {
            self.cur.push('\n');
        }
        Ok(())
    }
}
