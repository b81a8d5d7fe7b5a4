//! Script splitting on `GO` separator lines (a client-side convention, not
//! T-SQL): see [`split_batches`].

/// One batch of a script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    /// The batch text (without the `GO` line).
    pub text: String,
    /// 1-based line number in the script where the batch text starts.
    pub start_line: u32,
    /// How many times to execute the batch (`GO n`); 1 when no count is given.
    pub count: u32,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Normal,
    Str,
    Bracket,
    Quoted,
    Block(u32),
}

/// If `line` is a `GO` separator (`GO`, optional count, optional `--comment`),
/// returns the count.
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

/// Advances the lexical state across one line (including its newline).
fn scan(line: &str, mut st: State) -> State {
    let b: Vec<char> = line.chars().collect();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let n = b.get(i + 1).copied();
        match st {
            State::Normal => match (c, n) {
                ('-', Some('-')) => return State::Normal,
                ('/', Some('*')) => {
                    st = State::Block(1);
                    i += 1;
                }
                ('\'', _) => st = State::Str,
                ('[', _) => st = State::Bracket,
                ('"', _) => st = State::Quoted,
                _ => {}
            },
            State::Str => {
                if c == '\'' {
                    if n == Some('\'') {
                        i += 1;
                    } else {
                        st = State::Normal;
                    }
                }
            }
            State::Bracket => {
                if c == ']' {
                    if n == Some(']') {
                        i += 1;
                    } else {
                        st = State::Normal;
                    }
                }
            }
            State::Quoted => {
                if c == '"' {
                    if n == Some('"') {
                        i += 1;
                    } else {
                        st = State::Normal;
                    }
                }
            }
            State::Block(d) => match (c, n) {
                ('/', Some('*')) => {
                    st = State::Block(d + 1);
                    i += 1;
                }
                ('*', Some('/')) => {
                    st = if d <= 1 {
                        State::Normal
                    } else {
                        State::Block(d - 1)
                    };
                    i += 1;
                }
                _ => {}
            },
        }
        i += 1;
    }
    st
}

/// Splits a script into batches on lines holding only `GO` (case-insensitive,
/// optional surrounding whitespace, optional count `GO 5`, optional trailing
/// `--comment`). Never splits inside `/* */` comments or string literals /
/// delimited identifiers spanning lines. Batches consisting only of whitespace
/// are dropped.
pub fn split_batches(script: &str) -> Vec<Batch> {
    let mut out = Vec::new();
    let mut st = State::Normal;
    let mut cur = String::new();
    let mut cur_start = 1u32;
    let mut line_no = 0u32;
    let push = |out: &mut Vec<Batch>, text: &mut String, start: u32, count: u32| {
        if !text.trim().is_empty() {
            out.push(Batch {
                text: std::mem::take(text),
                start_line: start,
                count,
            });
        } else {
            text.clear();
        }
    };
    for line in script.split_inclusive('\n') {
        line_no += 1;
        if st == State::Normal
            && let Some(count) = go_line(line.trim_end_matches(['\n', '\r']))
        {
            push(&mut out, &mut cur, cur_start, count);
            cur_start = line_no + 1;
            continue;
        }
        st = scan(line, st);
        cur.push_str(line);
    }
    push(&mut out, &mut cur, cur_start, 1);
    out
}
