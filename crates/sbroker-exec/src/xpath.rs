//! The XQuery subset T-SQL code uses with xml methods, evaluated over `roxmltree`:
//! prolog `declare namespace p="…";` / `declare default element namespace "…";`, WITH
//! XMLNAMESPACES prefixes, paths of child (`/`), descendant (`//`), attribute (`@a`),
//! `text()`, `.`, `*`, `local-name()`-free name tests with prefixes, positional predicates
//! `[n]`, value predicates `[@a="v"]` / `[name="v"]`, parenthesised paths `(path)[1]`, and
//! `sql:variable("@v")` in predicate values. Anything else is reported as error 2389-style.

use roxmltree::{Document, Node};
use sbroker_types::{ServerError, Value};

use crate::Executor;

fn xq_error(msg: &str) -> ServerError {
    ServerError::new(2389, format!("XQuery: {msg}"))
}

struct Ns {
    prefixes: Vec<(String, String)>,
    default: Option<String>,
}

fn parse_prolog(src: &str, with: &[(Option<String>, String)]) -> (Ns, String) {
    let mut ns = Ns {
        prefixes: Vec::new(),
        default: None,
    };
    for (p, uri) in with {
        match p {
            Some(p) => ns.prefixes.push((p.clone(), uri.clone())),
            None => ns.default = Some(uri.clone()),
        }
    }
    let mut rest = src.trim().to_string();
    loop {
        let t = rest.trim_start();
        let lower = t.to_ascii_lowercase();
        if !lower.starts_with("declare") {
            break;
        }
        let Some(semi) = t.find(';') else { break };
        let decl = t.get(..semi).unwrap_or_default();
        let quoted = decl
            .split(['"', '\''])
            .nth(1)
            .unwrap_or_default()
            .to_string();
        let dl = decl.to_ascii_lowercase();
        if dl.contains("default element namespace") {
            ns.default = Some(quoted);
        } else if let Some(i) = dl.find("namespace") {
            let after = decl.get(i + "namespace".len()..).unwrap_or_default();
            let prefix = after
                .split('=')
                .next()
                .unwrap_or_default()
                .trim()
                .to_string();
            ns.prefixes.push((prefix, quoted));
        }
        rest = t.get(semi + 1..).unwrap_or_default().to_string();
    }
    (ns, rest.trim().to_string())
}

#[derive(Debug, Clone)]
enum Pred {
    Pos(usize),
    Exists(Vec<Step>),
    /// `a op b` (general comparison: true when some pair of values compares so).
    Cmp(Operand, CmpOp, Operand),
    And(Box<Pred>, Box<Pred>),
    Or(Box<Pred>, Box<Pred>),
    Not(Box<Pred>),
}

#[derive(Debug, Clone)]
enum Operand {
    Path(Vec<Step>),
    Str(String),
    Num(f64),
    /// `local-name()` of the context node.
    LocalName,
    /// `name()` (prefix:local as written) of the context node.
    Name,
    /// `string()` / `.`: the context node's value.
    Context,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone)]
enum Test {
    Name(Option<String>, String),
    Any,
    Text,
    Attr(String),
    SelfNode,
    Parent,
}

#[derive(Debug, Clone)]
struct Step {
    descendant: bool,
    test: Test,
    preds: Vec<Pred>,
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
    ex: &'a mut Executor,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }
    fn ws(&mut self) {
        while self.peek().is_some_and(|c| c.is_ascii_whitespace()) {
            self.i += 1;
        }
    }
    fn name(&mut self) -> String {
        let start = self.i;
        while self.peek().is_some_and(|c| {
            c.is_ascii_alphanumeric()
                || c == b'_'
                || c == b'-'
                || c == b'.'
                || c == b':'
                || c >= 0x80
        }) {
            self.i += 1;
        }
        String::from_utf8_lossy(self.s.get(start..self.i).unwrap_or_default()).into_owned()
    }
    fn path(&mut self) -> Result<Vec<Step>, ServerError> {
        let mut steps = Vec::new();
        self.ws();
        let mut first = true;
        loop {
            self.ws();
            let mut descendant = false;
            if self.peek() == Some(b'/') {
                self.i += 1;
                if self.peek() == Some(b'/') {
                    self.i += 1;
                    descendant = true;
                }
            } else if !first {
                break;
            }
            first = false;
            self.ws();
            let test = match self.peek() {
                Some(b'@') => {
                    self.i += 1;
                    let n = self.name();
                    Test::Attr(n.rsplit(':').next().unwrap_or_default().to_string())
                }
                Some(b'*') => {
                    self.i += 1;
                    Test::Any
                }
                Some(b'.') if self.s.get(self.i + 1) == Some(&b'.') => {
                    self.i += 2;
                    Test::Parent
                }
                Some(b'.') => {
                    self.i += 1;
                    Test::SelfNode
                }
                Some(c) if c.is_ascii_alphabetic() || c == b'_' => {
                    let n = self.name();
                    if n == "text" && self.peek() == Some(b'(') {
                        self.i += 1;
                        self.ws();
                        if self.peek() == Some(b')') {
                            self.i += 1;
                        }
                        Test::Text
                    } else {
                        match n.split_once(':') {
                            Some((p, l)) => Test::Name(Some(p.to_string()), l.to_string()),
                            None => Test::Name(None, n),
                        }
                    }
                }
                _ => break,
            };
            let mut preds = Vec::new();
            loop {
                self.ws();
                if self.peek() != Some(b'[') {
                    break;
                }
                self.i += 1;
                preds.push(self.pred()?);
            }
            steps.push(Step {
                descendant,
                test,
                preds,
            });
        }
        Ok(steps)
    }
    /// `[ n ]` or `[ expr ]` with `or`, `and`, `not(…)`, comparisons (`= != < <= > >=`)
    /// between paths, literals, `local-name()`, `name()` and `.`.
    fn pred(&mut self) -> Result<Pred, ServerError> {
        self.ws();
        let save = self.i;
        if self.peek().is_some_and(|c| c.is_ascii_digit()) {
            let start = self.i;
            while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                self.i += 1;
            }
            self.ws();
            if self.peek() == Some(b']') {
                let n: usize = std::str::from_utf8(self.s.get(start..self.i).unwrap_or_default())
                    .ok()
                    .and_then(|x| x.trim().parse().ok())
                    .unwrap_or(1);
                self.i += 1;
                return Ok(Pred::Pos(n));
            }
            self.i = save;
        }
        let p = self.or_expr()?;
        self.ws();
        if self.peek() == Some(b']') {
            self.i += 1;
            Ok(p)
        } else {
            Err(xq_error("unsupported predicate"))
        }
    }
    fn keyword(&mut self, kw: &str) -> bool {
        self.ws();
        let end = self.i + kw.len();
        if self.s.get(self.i..end) == Some(kw.as_bytes())
            && !self
                .s
                .get(end)
                .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'-')
        {
            self.i = end;
            true
        } else {
            false
        }
    }
    fn or_expr(&mut self) -> Result<Pred, ServerError> {
        let mut left = self.and_expr()?;
        while self.keyword("or") {
            let right = self.and_expr()?;
            left = Pred::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }
    fn and_expr(&mut self) -> Result<Pred, ServerError> {
        let mut left = self.cmp_expr()?;
        while self.keyword("and") {
            let right = self.cmp_expr()?;
            left = Pred::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }
    fn cmp_expr(&mut self) -> Result<Pred, ServerError> {
        self.ws();
        if self.peek() == Some(b'(') {
            self.i += 1;
            let p = self.or_expr()?;
            self.ws();
            if self.peek() != Some(b')') {
                return Err(xq_error("expected ')'"));
            }
            self.i += 1;
            return Ok(p);
        }
        if self.keyword("not") {
            self.ws();
            if self.peek() != Some(b'(') {
                return Err(xq_error("expected '(' after not"));
            }
            self.i += 1;
            let p = self.or_expr()?;
            self.ws();
            if self.peek() != Some(b')') {
                return Err(xq_error("expected ')'"));
            }
            self.i += 1;
            return Ok(Pred::Not(Box::new(p)));
        }
        let left = self.operand()?;
        self.ws();
        let op = match (self.peek(), self.s.get(self.i + 1).copied()) {
            (Some(b'!'), Some(b'=')) => Some((CmpOp::Ne, 2)),
            (Some(b'<'), Some(b'=')) => Some((CmpOp::Le, 2)),
            (Some(b'>'), Some(b'=')) => Some((CmpOp::Ge, 2)),
            (Some(b'='), _) => Some((CmpOp::Eq, 1)),
            (Some(b'<'), _) => Some((CmpOp::Lt, 1)),
            (Some(b'>'), _) => Some((CmpOp::Gt, 1)),
            _ => None,
        };
        let op = match op {
            Some((op, len)) => {
                self.i += len;
                op
            }
            None => {
                // XQuery value comparisons: eq ne lt le gt ge.
                let words = [
                    ("eq", CmpOp::Eq),
                    ("ne", CmpOp::Ne),
                    ("lt", CmpOp::Lt),
                    ("le", CmpOp::Le),
                    ("gt", CmpOp::Gt),
                    ("ge", CmpOp::Ge),
                ];
                match words.iter().find(|(w, _)| self.keyword(w)) {
                    Some((_, op)) => *op,
                    None => {
                        return match left {
                            Operand::Path(p) => Ok(Pred::Exists(p)),
                            _ => Err(xq_error("unsupported predicate")),
                        };
                    }
                }
            }
        };
        let right = self.operand()?;
        Ok(Pred::Cmp(left, op, right))
    }
    fn operand(&mut self) -> Result<Operand, ServerError> {
        self.ws();
        match self.peek() {
            Some(b'"' | b'\'') => Ok(Operand::Str(self.literal()?)),
            Some(c) if c.is_ascii_digit() || c == b'-' => {
                let v = self.literal()?;
                v.parse()
                    .map(Operand::Num)
                    .map_err(|_| xq_error("invalid number"))
            }
            _ if self.s[self.i..]
                .to_ascii_lowercase()
                .starts_with(b"sql:variable") =>
            {
                // The variable's SQL type decides: numbers compare as numbers.
                self.name();
                self.ws();
                self.i += 1;
                self.ws();
                let var = self.literal()?;
                self.ws();
                if self.peek() == Some(b')') {
                    self.i += 1;
                }
                let v = self.ex.get_var(&var)?;
                Ok(match v {
                    Value::Null => Operand::Str(String::new()),
                    Value::TinyInt(_)
                    | Value::SmallInt(_)
                    | Value::Int(_)
                    | Value::BigInt(_)
                    | Value::Float(_)
                    | Value::Real(_)
                    | Value::Decimal(_) => v
                        .to_display_string()
                        .parse()
                        .map_or_else(|_| Operand::Str(v.to_display_string()), Operand::Num),
                    other => Operand::Str(other.to_display_string()),
                })
            }
            _ => {
                for (f, op) in [
                    ("local-name", Operand::LocalName),
                    ("name", Operand::Name),
                    ("string", Operand::Context),
                ] {
                    let save = self.i;
                    if self.keyword(f) {
                        self.ws();
                        if self.peek() == Some(b'(') {
                            self.i += 1;
                            self.ws();
                            if self.peek() == Some(b'.') {
                                self.i += 1;
                                self.ws();
                            }
                            if self.peek() == Some(b')') {
                                self.i += 1;
                                return Ok(op);
                            }
                        }
                        self.i = save;
                    }
                }
                if self.peek() == Some(b'.') && self.s.get(self.i + 1) != Some(&b'.') {
                    let save = self.i;
                    self.i += 1;
                    if !matches!(self.peek(), Some(b'/' | b'[')) {
                        return Ok(Operand::Context);
                    }
                    self.i = save;
                }
                let path = self.path()?;
                if path.is_empty() {
                    return Err(xq_error("unsupported predicate"));
                }
                Ok(Operand::Path(path))
            }
        }
    }
    fn literal(&mut self) -> Result<String, ServerError> {
        match self.peek() {
            Some(q @ (b'"' | b'\'')) => {
                self.i += 1;
                let start = self.i;
                while self.peek().is_some_and(|c| c != q) {
                    self.i += 1;
                }
                let v = String::from_utf8_lossy(self.s.get(start..self.i).unwrap_or_default())
                    .into_owned();
                self.i += 1;
                Ok(v)
            }
            Some(c) if c.is_ascii_digit() || c == b'-' => {
                let start = self.i;
                self.i += 1;
                while self.peek().is_some_and(|c| c.is_ascii_digit() || c == b'.') {
                    self.i += 1;
                }
                Ok(
                    String::from_utf8_lossy(self.s.get(start..self.i).unwrap_or_default())
                        .into_owned(),
                )
            }
            _ => {
                let n = self.name();
                if n.eq_ignore_ascii_case("sql:variable") {
                    self.ws();
                    self.i += 1;
                    self.ws();
                    let var = self.literal()?;
                    self.ws();
                    if self.peek() == Some(b')') {
                        self.i += 1;
                    }
                    let v = self.ex.get_var(&var)?;
                    return Ok(match v {
                        Value::Null => String::new(),
                        other => other.to_display_string(),
                    });
                }
                Err(xq_error("unsupported value in predicate"))
            }
        }
    }
}

/// A parsed expression: a path, possibly `(path)[n]`.
struct Expr {
    steps: Vec<Step>,
    outer_pos: Option<usize>,
    /// Starts with `/`: evaluated from the document, not from the context node.
    absolute: bool,
}

fn parse_expr(src: &str, ex: &mut Executor) -> Result<Expr, ServerError> {
    let s = src.trim();
    let absolute = s.trim_start_matches('(').trim_start().starts_with('/');
    let mut p = Parser {
        s: s.as_bytes(),
        i: 0,
        ex,
    };
    p.ws();
    if p.peek() == Some(b'(') {
        p.i += 1;
        let steps = p.path()?;
        p.ws();
        if p.peek() != Some(b')') {
            return Err(xq_error("expected ')'"));
        }
        p.i += 1;
        p.ws();
        let mut outer_pos = None;
        if p.peek() == Some(b'[') {
            p.i += 1;
            if let Pred::Pos(n) = p.pred()? {
                outer_pos = Some(n);
            }
        }
        return Ok(Expr {
            steps,
            outer_pos,
            absolute,
        });
    }
    let steps = p.path()?;
    p.ws();
    if p.i < s.len() {
        return Err(xq_error(&format!("unsupported expression '{s}'")));
    }
    Ok(Expr {
        steps,
        outer_pos: None,
        absolute,
    })
}

#[derive(Clone, Copy)]
enum Item<'a, 'i> {
    Node(Node<'a, 'i>),
    Attr(&'a str),
}

fn name_matches(n: &Node<'_, '_>, prefix: &Option<String>, local: &str, ns: &Ns) -> bool {
    if !n.is_element() || n.tag_name().name() != local {
        return false;
    }
    let want = match prefix {
        Some(p) => ns
            .prefixes
            .iter()
            .find(|(x, _)| x == p)
            .map(|(_, u)| u.as_str()),
        None => ns.default.as_deref(),
    };
    match want {
        Some(uri) => n.tag_name().namespace() == Some(uri),
        None => n.tag_name().namespace().is_none() || prefix.is_none() && ns.default.is_none(),
    }
}

fn step_items<'a, 'i>(ctx: Item<'a, 'i>, step: &Step, ns: &Ns) -> Vec<Item<'a, 'i>> {
    let Item::Node(node) = ctx else {
        return Vec::new();
    };
    let candidates: Vec<Node<'a, 'i>> = if step.descendant {
        node.descendants().skip(1).collect()
    } else {
        node.children().collect()
    };
    let mut out = Vec::new();
    match &step.test {
        Test::Attr(a) => {
            let targets: Vec<Node<'a, 'i>> = if step.descendant {
                node.descendants().collect()
            } else {
                vec![node]
            };
            for t in targets {
                for at in t.attributes() {
                    if at.name() == a {
                        out.push(Item::Attr(at.value()));
                    }
                }
            }
        }
        Test::SelfNode => out.push(ctx),
        Test::Parent => {
            if let Some(p) = node.parent() {
                out.push(Item::Node(p));
            }
        }
        Test::Text => out.extend(
            candidates
                .into_iter()
                .filter(|n| n.is_text())
                .map(Item::Node),
        ),
        Test::Any => out.extend(
            candidates
                .into_iter()
                .filter(|n| n.is_element())
                .map(Item::Node),
        ),
        Test::Name(p, l) => out.extend(
            candidates
                .into_iter()
                .filter(|n| name_matches(n, p, l, ns))
                .map(Item::Node),
        ),
    }
    out
}

/// Whether a (non-positional) predicate holds for one context item.
fn pred_holds(i: Item<'_, '_>, p: &Pred, ns: &Ns) -> bool {
    match p {
        Pred::Pos(_) => true,
        Pred::Exists(path) => !eval_steps(vec![i], path, ns).is_empty(),
        Pred::And(a, b) => pred_holds(i, a, ns) && pred_holds(i, b, ns),
        Pred::Or(a, b) => pred_holds(i, a, ns) || pred_holds(i, b, ns),
        Pred::Not(a) => !pred_holds(i, a, ns),
        Pred::Cmp(a, op, b) => {
            let numeric = matches!(a, Operand::Num(_))
                || matches!(b, Operand::Num(_))
                || !matches!(op, CmpOp::Eq | CmpOp::Ne);
            let left = operand_values(i, a, ns);
            let right = operand_values(i, b, ns);
            left.iter().any(|x| {
                right.iter().any(|y| {
                    let ord = if numeric {
                        match (x.trim().parse::<f64>(), y.trim().parse::<f64>()) {
                            (Ok(x), Ok(y)) => x.partial_cmp(&y),
                            _ => None,
                        }
                    } else {
                        Some(x.cmp(y))
                    };
                    match (ord, op) {
                        (None, _) => false,
                        (Some(o), CmpOp::Eq) => o.is_eq(),
                        (Some(o), CmpOp::Ne) => o.is_ne(),
                        (Some(o), CmpOp::Lt) => o.is_lt(),
                        (Some(o), CmpOp::Le) => o.is_le(),
                        (Some(o), CmpOp::Gt) => o.is_gt(),
                        (Some(o), CmpOp::Ge) => o.is_ge(),
                    }
                })
            })
        }
    }
}

fn operand_values(i: Item<'_, '_>, o: &Operand, ns: &Ns) -> Vec<String> {
    match o {
        Operand::Path(p) => eval_steps(vec![i], p, ns).iter().map(item_string).collect(),
        Operand::Str(s) => vec![s.clone()],
        Operand::Num(n) => vec![n.to_string()],
        Operand::Context => vec![item_string(&i)],
        Operand::LocalName => match i {
            Item::Node(n) if n.is_element() => vec![n.tag_name().name().to_string()],
            _ => vec![String::new()],
        },
        Operand::Name => match i {
            Item::Node(n) if n.is_element() => {
                let local = n.tag_name().name();
                let prefix = n.tag_name().namespace().and_then(|u| n.lookup_prefix(u));
                vec![match prefix {
                    Some(p) if !p.is_empty() => format!("{p}:{local}"),
                    _ => local.to_string(),
                }]
            }
            _ => vec![String::new()],
        },
    }
}

fn item_string(i: &Item<'_, '_>) -> String {
    match i {
        Item::Attr(v) => (*v).to_string(),
        Item::Node(n) if n.is_text() => n.text().unwrap_or_default().to_string(),
        Item::Node(n) => n
            .descendants()
            .filter(|d| d.is_text())
            .filter_map(|d| d.text())
            .collect(),
    }
}

fn eval_steps<'a, 'i>(start: Vec<Item<'a, 'i>>, steps: &[Step], ns: &Ns) -> Vec<Item<'a, 'i>> {
    let mut cur = start;
    for step in steps {
        let mut next = Vec::new();
        for c in &cur {
            let mut items = step_items(*c, step, ns);
            for p in &step.preds {
                items = match p {
                    Pred::Pos(n) => items
                        .get(n.saturating_sub(1))
                        .copied()
                        .into_iter()
                        .collect(),
                    other => items
                        .into_iter()
                        .filter(|i| pred_holds(*i, other, ns))
                        .collect(),
                };
            }
            next.extend(items);
        }
        cur = next;
    }
    cur
}

fn with_doc<T>(
    xml: &str,
    f: impl FnOnce(&Document<'_>) -> Result<T, ServerError>,
) -> Result<T, ServerError> {
    // Fragments are allowed in xml values: parse under a synthetic root and start there.
    let wrapped = format!("<sbroker-root>{xml}</sbroker-root>");
    let doc = Document::parse(&wrapped)
        .map_err(|e| ServerError::new(9400, format!("XML parsing: {e}")))?;
    f(&doc)
}

fn select<'a, 'i>(doc: &'a Document<'i>, e: &Expr, ns: &Ns) -> Vec<Item<'a, 'i>> {
    let root = doc.root_element();
    // A relative path starts at the context node: the single element of a fragment made
    // by nodes() (`T.c.value('@id', 'int')`), else the document.
    let start = if e.absolute {
        root
    } else {
        let elems: Vec<Node<'a, 'i>> = root.children().filter(|n| n.is_element()).collect();
        let text = root
            .children()
            .any(|n| n.is_text() && !n.text().unwrap_or_default().trim().is_empty());
        match elems.as_slice() {
            [only] if !text => *only,
            _ => root,
        }
    };
    let mut items = eval_steps(vec![Item::Node(start)], &e.steps, ns);
    if let Some(n) = e.outer_pos {
        items = items
            .get(n.saturating_sub(1))
            .copied()
            .into_iter()
            .collect();
    }
    items
}

/// `.value(path, type)`: the string value of the single selected item.
pub(crate) fn value(
    xml: &str,
    path: &str,
    with: &[(Option<String>, String)],
    ex: &mut Executor,
) -> Result<Option<String>, ServerError> {
    let (ns, body) = parse_prolog(path, with);
    // A few XPath functions around a path: count(), local-name(), name(), string(), data().
    for f in ["count", "local-name", "name", "string", "data", "sum"] {
        let Some(inner) = body
            .strip_prefix(f)
            .map(str::trim_start)
            .and_then(|r| r.strip_prefix('('))
            .and_then(|r| r.strip_suffix(')'))
        else {
            continue;
        };
        let inner = if inner.trim().is_empty() { "." } else { inner };
        let e = parse_expr(inner, ex)?;
        return with_doc(xml, |doc| {
            let items = select(doc, &e, &ns);
            Ok(match f {
                "count" => Some(items.len().to_string()),
                "sum" => Some(
                    items
                        .iter()
                        .filter_map(|i| item_string(i).trim().parse::<f64>().ok())
                        .sum::<f64>()
                        .to_string(),
                ),
                "local-name" | "name" => items.first().map(|i| match i {
                    Item::Node(n) if n.is_element() => n.tag_name().name().to_string(),
                    _ => String::new(),
                }),
                _ => items.first().map(item_string),
            })
        });
    }
    let e = parse_expr(&body, ex)?;
    with_doc(xml, |doc| {
        let items = select(doc, &e, &ns);
        if items.len() > 1 {
            return Err(ServerError::new(
                2389,
                "XQuery [value()]: 'value()' requires a singleton (or empty sequence).",
            ));
        }
        Ok(items.first().map(item_string))
    })
}

/// `.query(path)` / `.nodes(path)` / `.exist(path)`: the selected items as XML text.
pub(crate) fn nodes(
    xml: &str,
    path: &str,
    with: &[(Option<String>, String)],
    ex: &mut Executor,
) -> Result<Vec<String>, ServerError> {
    let (ns, body) = parse_prolog(path, with);
    let e = parse_expr(&body, ex)?;
    let wrapped = format!("<sbroker-root>{xml}</sbroker-root>");
    with_doc(xml, |doc| {
        Ok(select(doc, &e, &ns)
            .iter()
            .map(|i| match i {
                Item::Attr(v) => sbroker_types::xml::escape_xml(v),
                Item::Node(n) => {
                    with_inherited_namespaces(*n, wrapped.get(n.range()).unwrap_or_default())
                }
            })
            .collect())
    })
}

/// An element's text as a standalone fragment: the namespace declarations it inherits from
/// its ancestors are added to its start tag, so `T.c.value('ns:x', …)` on a row of
/// `.nodes()` still resolves the prefixes.
fn with_inherited_namespaces(n: Node<'_, '_>, text: &str) -> String {
    if !n.is_element() {
        return text.to_string();
    }
    let head_end = text.find('>').unwrap_or(text.len());
    let head = &text[..head_end];
    let mut decls = String::new();
    for ns in n.namespaces() {
        let attr = match ns.name() {
            Some("xml") => continue,
            Some(p) => format!("xmlns:{p}="),
            None => "xmlns=".to_string(),
        };
        if !head.contains(&attr) {
            decls.push(' ');
            decls.push_str(&attr);
            decls.push('"');
            decls.push_str(&sbroker_types::xml::escape_xml(ns.uri()).replace('"', "&quot;"));
            decls.push('"');
        }
    }
    if decls.is_empty() {
        return text.to_string();
    }
    // After the element name: the first whitespace, '/' or '>' following '<'.
    let name_end = text[1..]
        .find(|c: char| c.is_whitespace() || c == '/' || c == '>')
        .map_or(text.len(), |i| i + 1);
    format!("{}{}{}", &text[..name_end], decls, &text[name_end..])
}
