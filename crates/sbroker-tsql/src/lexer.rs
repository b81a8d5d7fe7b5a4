//! The T-SQL tokenizer: turns batch text into [`Token`]s with 1-based
//! line/column positions, skipping whitespace and comments. Also owns the
//! list of reserved keywords.

use crate::ast::QuoteStyle;
use crate::error::ParseError;

/// Punctuation and operator symbols.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sym {
    Eq,
    Ne,
    Lt,
    Gt,
    Le,
    Ge,
    NotLt,
    NotGt,
    Plus,
    Minus,
    Star,
    Slash,
    Percent,
    Amp,
    Pipe,
    Caret,
    Tilde,
    PlusEq,
    MinusEq,
    StarEq,
    SlashEq,
    PercentEq,
    AmpEq,
    PipeEq,
    CaretEq,
    Dot,
    Comma,
    Semi,
    LParen,
    RParen,
    Colon,
    DoubleColon,
}

/// Token kinds.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    /// Identifier or keyword (keywords are undelimited words).
    Word { value: String, quote: QuoteStyle },
    /// `@name` (value includes `@`).
    Var(String),
    /// `@@name` (value includes `@@`).
    GlobalVar(String),
    /// String literal.
    Str { value: String, national: bool },
    /// Numeric literal as written.
    Number(String),
    /// `0x…` literal.
    Binary(Vec<u8>),
    /// Operator / punctuation.
    Sym(Sym),
    /// End of input.
    Eof,
}

/// A token with its position.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Token {
    pub tok: Tok,
    pub line: u32,
    pub col: u32,
    /// Byte range in the source.
    pub start: usize,
    pub end: usize,
}

/// T-SQL reserved keywords (sorted, upper case).
const RESERVED: &[&str] = &[
    "ADD",
    "ALL",
    "ALTER",
    "AND",
    "ANY",
    "AS",
    "ASC",
    "AUTHORIZATION",
    "BACKUP",
    "BEGIN",
    "BETWEEN",
    "BREAK",
    "BROWSE",
    "BULK",
    "BY",
    "CASCADE",
    "CASE",
    "CHECK",
    "CHECKPOINT",
    "CLOSE",
    "CLUSTERED",
    "COALESCE",
    "COLLATE",
    "COLUMN",
    "COMMIT",
    "COMPUTE",
    "CONSTRAINT",
    "CONTAINS",
    "CONTAINSTABLE",
    "CONTINUE",
    "CONVERT",
    "CREATE",
    "CROSS",
    "CURRENT",
    "CURRENT_DATE",
    "CURRENT_TIME",
    "CURRENT_TIMESTAMP",
    "CURRENT_USER",
    "CURSOR",
    "DATABASE",
    "DBCC",
    "DEALLOCATE",
    "DECLARE",
    "DEFAULT",
    "DELETE",
    "DENY",
    "DESC",
    "DISK",
    "DISTINCT",
    "DISTRIBUTED",
    "DOUBLE",
    "DROP",
    "DUMP",
    "ELSE",
    "END",
    "ERRLVL",
    "ESCAPE",
    "EXCEPT",
    "EXEC",
    "EXECUTE",
    "EXISTS",
    "EXIT",
    "EXTERNAL",
    "FETCH",
    "FILE",
    "FILLFACTOR",
    "FOR",
    "FOREIGN",
    "FREETEXT",
    "FREETEXTTABLE",
    "FROM",
    "FULL",
    "FUNCTION",
    "GOTO",
    "GRANT",
    "GROUP",
    "HAVING",
    "HOLDLOCK",
    "IDENTITY",
    "IDENTITYCOL",
    "IDENTITY_INSERT",
    "IF",
    "IN",
    "INDEX",
    "INNER",
    "INSERT",
    "INTERSECT",
    "INTO",
    "IS",
    "JOIN",
    "KEY",
    "KILL",
    "LEFT",
    "LIKE",
    "LINENO",
    "LOAD",
    "MERGE",
    "NATIONAL",
    "NOCHECK",
    "NONCLUSTERED",
    "NOT",
    "NULL",
    "NULLIF",
    "OF",
    "OFF",
    "OFFSETS",
    "ON",
    "OPEN",
    "OPENDATASOURCE",
    "OPENQUERY",
    "OPENROWSET",
    "OPENXML",
    "OPTION",
    "OR",
    "ORDER",
    "OUTER",
    "OVER",
    "PERCENT",
    "PIVOT",
    "PLAN",
    "PRECISION",
    "PRIMARY",
    "PRINT",
    "PROC",
    "PROCEDURE",
    "PUBLIC",
    "RAISERROR",
    "READ",
    "READTEXT",
    "RECONFIGURE",
    "REFERENCES",
    "REPLICATION",
    "RESTORE",
    "RESTRICT",
    "RETURN",
    "REVERT",
    "REVOKE",
    "RIGHT",
    "ROLLBACK",
    "ROWCOUNT",
    "ROWGUIDCOL",
    "RULE",
    "SAVE",
    "SCHEMA",
    "SECURITYAUDIT",
    "SELECT",
    "SESSION_USER",
    "SET",
    "SETUSER",
    "SHUTDOWN",
    "SOME",
    "STATISTICS",
    "SYSTEM_USER",
    "TABLE",
    "TABLESAMPLE",
    "TEXTSIZE",
    "THEN",
    "TO",
    "TOP",
    "TRAN",
    "TRANSACTION",
    "TRIGGER",
    "TRUNCATE",
    "TRY_CONVERT",
    "TSEQUAL",
    "UNION",
    "UNIQUE",
    "UNPIVOT",
    "UPDATE",
    "UPDATETEXT",
    "USE",
    "USER",
    "VALUES",
    "VARYING",
    "VIEW",
    "WAITFOR",
    "WHEN",
    "WHERE",
    "WHILE",
    "WITH",
    "WRITETEXT",
];

/// True when `word` (undelimited) is a T-SQL reserved keyword.
pub(crate) fn is_reserved(word: &str) -> bool {
    let upper = word.to_ascii_uppercase();
    RESERVED.binary_search(&upper.as_str()).is_ok()
}

/// True when `s` can be printed as a regular (undelimited) identifier that
/// re-lexes to the same word.
pub(crate) fn is_regular_ident(s: &str) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if c.is_alphabetic() || c == '_' || c == '#' => {}
        _ => return false,
    }
    chars.all(|c| c.is_alphanumeric() || c == '_' || c == '#' || c == '$' || c == '@')
}

struct Lexer<'a> {
    src: &'a str,
    chars: Vec<(usize, char)>,
    i: usize,
    line: u32,
    col: u32,
}

impl<'a> Lexer<'a> {
    fn peek(&self, n: usize) -> Option<char> {
        self.chars.get(self.i + n).map(|&(_, c)| c)
    }

    fn offset(&self) -> usize {
        self.chars
            .get(self.i)
            .map(|&(o, _)| o)
            .unwrap_or(self.src.len())
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.chars.get(self.i).map(|&(_, c)| c)?;
        self.i += 1;
        if c == '\n' {
            self.line += 1;
            self.col = 1;
        } else {
            self.col += 1;
        }
        Some(c)
    }

    fn skip_trivia(&mut self) -> Result<(), ParseError> {
        loop {
            match (self.peek(0), self.peek(1)) {
                (Some(c), _) if c.is_whitespace() => {
                    self.bump();
                }
                (Some('-'), Some('-')) => {
                    while let Some(c) = self.peek(0) {
                        if c == '\n' {
                            break;
                        }
                        self.bump();
                    }
                }
                (Some('/'), Some('*')) => {
                    let (line, col) = (self.line, self.col);
                    self.bump();
                    self.bump();
                    let mut depth = 1usize;
                    while depth > 0 {
                        match (self.peek(0), self.peek(1)) {
                            (None, _) => {
                                return Err(ParseError::new(
                                    113,
                                    "Missing end comment mark '*/'.",
                                    line,
                                    col,
                                ));
                            }
                            (Some('/'), Some('*')) => {
                                self.bump();
                                self.bump();
                                depth += 1;
                            }
                            (Some('*'), Some('/')) => {
                                self.bump();
                                self.bump();
                                depth -= 1;
                            }
                            _ => {
                                self.bump();
                            }
                        }
                    }
                }
                _ => return Ok(()),
            }
        }
    }

    /// Reads a delimited run ending at `close` where a doubled `close` is an
    /// escaped character. The opening delimiter has been consumed.
    fn delimited(&mut self, close: char, line: u32, col: u32) -> Result<String, ParseError> {
        let mut out = String::new();
        loop {
            match self.bump() {
                None => {
                    return Err(ParseError::new(
                        105,
                        format!("Unclosed quotation mark after the character string '{out}'."),
                        line,
                        col,
                    ));
                }
                Some(c) if c == close => {
                    if self.peek(0) == Some(close) {
                        self.bump();
                        out.push(close);
                    } else {
                        return Ok(out);
                    }
                }
                Some(c) => out.push(c),
            }
        }
    }

    fn word_chars(&mut self, out: &mut String) {
        while let Some(c) = self.peek(0) {
            if c.is_alphanumeric() || c == '_' || c == '#' || c == '$' || c == '@' {
                out.push(c);
                self.bump();
            } else {
                break;
            }
        }
    }

    fn number(&mut self) -> Tok {
        let mut s = String::new();
        while let Some(c) = self.peek(0).filter(|c| c.is_ascii_digit()) {
            s.push(c);
            self.bump();
        }
        if self.peek(0) == Some('.') {
            s.push('.');
            self.bump();
            while let Some(c) = self.peek(0).filter(|c| c.is_ascii_digit()) {
                s.push(c);
                self.bump();
            }
        }
        if matches!(self.peek(0), Some('e' | 'E')) {
            let digit_at = |n: usize| self.peek(n).is_some_and(|c| c.is_ascii_digit());
            let take = if digit_at(1) {
                Some(1)
            } else if matches!(self.peek(1), Some('+' | '-')) && digit_at(2) {
                Some(2)
            } else {
                None
            };
            if let Some(n) = take {
                for _ in 0..n {
                    if let Some(c) = self.bump() {
                        s.push(c);
                    }
                }
                while let Some(c) = self.peek(0).filter(|c| c.is_ascii_digit()) {
                    s.push(c);
                    self.bump();
                }
            }
        }
        Tok::Number(s)
    }

    fn next_token(&mut self) -> Result<Token, ParseError> {
        self.skip_trivia()?;
        let (line, col, start) = (self.line, self.col, self.offset());
        let Some(c) = self.peek(0) else {
            return Ok(Token {
                tok: Tok::Eof,
                line,
                col,
                start,
                end: start,
            });
        };
        let tok = match c {
            '\'' => {
                self.bump();
                let value = self.delimited('\'', line, col)?;
                Tok::Str {
                    value,
                    national: false,
                }
            }
            'N' | 'n' if self.peek(1) == Some('\'') => {
                self.bump();
                self.bump();
                let value = self.delimited('\'', line, col)?;
                Tok::Str {
                    value,
                    national: true,
                }
            }
            '[' => {
                self.bump();
                let value = self.delimited(']', line, col)?;
                Tok::Word {
                    value,
                    quote: QuoteStyle::Bracket,
                }
            }
            '"' => {
                self.bump();
                let value = self.delimited('"', line, col)?;
                Tok::Word {
                    value,
                    quote: QuoteStyle::DoubleQuote,
                }
            }
            '0' if matches!(self.peek(1), Some('x' | 'X')) => {
                self.bump();
                self.bump();
                let mut digits = Vec::new();
                while let Some(d) = self.peek(0).and_then(|c| c.to_digit(16)) {
                    digits.push(d as u8);
                    self.bump();
                }
                if digits.len() % 2 == 1 {
                    digits.insert(0, 0);
                }
                Tok::Binary(digits.chunks_exact(2).map(|p| (p[0] << 4) | p[1]).collect())
            }
            c if c.is_ascii_digit() => self.number(),
            '.' if self.peek(1).is_some_and(|c| c.is_ascii_digit()) => self.number(),
            '@' => {
                self.bump();
                let mut s = String::from("@");
                let global = self.peek(0) == Some('@');
                if global {
                    self.bump();
                    s.push('@');
                }
                let before = s.len();
                self.word_chars(&mut s);
                // `@` alone is a valid local variable name (`DECLARE @ INT`); `@@` is not.
                if global && s.len() == before {
                    return Err(ParseError::near(&s, line, col));
                }
                if global {
                    Tok::GlobalVar(s)
                } else {
                    Tok::Var(s)
                }
            }
            c if c.is_alphabetic() || c == '_' || c == '#' => {
                let mut s = String::new();
                self.word_chars(&mut s);
                Tok::Word {
                    value: s,
                    quote: QuoteStyle::None,
                }
            }
            _ => {
                self.bump();
                let next = self.peek(0);
                let two = |l: &mut Self, s: Sym| {
                    l.bump();
                    s
                };
                let sym = match (c, next) {
                    ('<', Some('>')) => two(self, Sym::Ne),
                    ('<', Some('=')) => two(self, Sym::Le),
                    ('>', Some('=')) => two(self, Sym::Ge),
                    ('!', Some('=')) => two(self, Sym::Ne),
                    ('!', Some('<')) => two(self, Sym::NotLt),
                    ('!', Some('>')) => two(self, Sym::NotGt),
                    ('+', Some('=')) => two(self, Sym::PlusEq),
                    ('-', Some('=')) => two(self, Sym::MinusEq),
                    ('*', Some('=')) => two(self, Sym::StarEq),
                    ('/', Some('=')) => two(self, Sym::SlashEq),
                    ('%', Some('=')) => two(self, Sym::PercentEq),
                    ('&', Some('=')) => two(self, Sym::AmpEq),
                    ('|', Some('=')) => two(self, Sym::PipeEq),
                    ('^', Some('=')) => two(self, Sym::CaretEq),
                    (':', Some(':')) => two(self, Sym::DoubleColon),
                    ('=', _) => Sym::Eq,
                    ('<', _) => Sym::Lt,
                    ('>', _) => Sym::Gt,
                    ('+', _) => Sym::Plus,
                    ('-', _) => Sym::Minus,
                    ('*', _) => Sym::Star,
                    ('/', _) => Sym::Slash,
                    ('%', _) => Sym::Percent,
                    ('&', _) => Sym::Amp,
                    ('|', _) => Sym::Pipe,
                    ('^', _) => Sym::Caret,
                    ('~', _) => Sym::Tilde,
                    ('.', _) => Sym::Dot,
                    (',', _) => Sym::Comma,
                    (';', _) => Sym::Semi,
                    ('(', _) => Sym::LParen,
                    (')', _) => Sym::RParen,
                    (':', _) => Sym::Colon,
                    _ => return Err(ParseError::near(&c.to_string(), line, col)),
                };
                Tok::Sym(sym)
            }
        };
        Ok(Token {
            tok,
            line,
            col,
            start,
            end: self.offset(),
        })
    }
}

/// Tokenizes a whole batch. The returned vector always ends with an
/// [`Tok::Eof`] token.
pub(crate) fn tokenize(src: &str) -> Result<Vec<Token>, ParseError> {
    let mut lx = Lexer {
        src,
        chars: src.char_indices().collect(),
        i: 0,
        line: 1,
        col: 1,
    };
    let mut out = Vec::new();
    loop {
        let t = lx.next_token()?;
        let eof = t.tok == Tok::Eof;
        out.push(t);
        if eof {
            return Ok(out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_sorted() {
        let mut v = RESERVED.to_vec();
        v.sort_unstable();
        assert_eq!(v, RESERVED);
    }

    #[test]
    fn lex_basics() {
        let t = tokenize(
            "SELECT [a]]b], N'x''y', 0x0AF, 1.5e3, @v, @@ROWCOUNT /* /* */ */ -- c\n <> != ::",
        )
        .unwrap();
        let kinds: Vec<_> = t.iter().map(|t| t.tok.clone()).collect();
        assert_eq!(
            kinds[1],
            Tok::Word {
                value: "a]b".into(),
                quote: QuoteStyle::Bracket
            }
        );
        assert_eq!(
            kinds[3],
            Tok::Str {
                value: "x'y".into(),
                national: true
            }
        );
        assert_eq!(kinds[5], Tok::Binary(vec![0x00, 0xAF]));
        assert_eq!(kinds[7], Tok::Number("1.5e3".into()));
        assert_eq!(kinds[9], Tok::Var("@v".into()));
        assert_eq!(kinds[11], Tok::GlobalVar("@@ROWCOUNT".into()));
        assert_eq!(kinds[12], Tok::Sym(Sym::Ne));
        assert_eq!(kinds[13], Tok::Sym(Sym::Ne));
        assert_eq!(kinds[14], Tok::Sym(Sym::DoubleColon));
        assert_eq!(t[12].line, 2);
    }
}
