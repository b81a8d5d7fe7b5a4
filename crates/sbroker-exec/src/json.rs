//! JSON functions over serde_json: ISJSON, JSON_VALUE, JSON_QUERY, JSON_MODIFY, OPENJSON
//! (default schema and WITH), STRING_SPLIT, and FOR JSON PATH / AUTO.
//!
//! Paths: `[lax | strict] $[.key | ."quoted key" | [n]]…`. In lax mode (the default) a
//! missing property or a value of the wrong kind gives NULL; in strict mode an error.

use sbroker_tsql::ast;
use sbroker_types::{ServerError, SqlType, StrLen, Value};
use serde_json::Value as Json;

use crate::Executor;
use crate::expr::{RowCtx, sql_type_of};
use crate::query::{Relation, col};

fn not_json() -> ServerError {
    ServerError::new(13609, "JSON text is not properly formatted.")
}

fn path_error(path: &str) -> ServerError {
    ServerError::new(
        13607,
        format!("JSON path is not properly formatted. Unexpected character found in '{path}'."),
    )
}

enum Seg {
    Key(String),
    Index(usize),
}

/// Parses a JSON path: (strict, segments).
fn parse_path(path: &str) -> Result<(bool, Vec<Seg>), ServerError> {
    let mut p = path.trim();
    let mut strict = false;
    if let Some(rest) = p.strip_prefix("strict") {
        strict = true;
        p = rest.trim_start();
    } else if let Some(rest) = p.strip_prefix("lax") {
        p = rest.trim_start();
    }
    let mut rest = p.strip_prefix('$').ok_or_else(|| path_error(path))?;
    let mut segs = Vec::new();
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('.') {
            if let Some(r) = r.strip_prefix('"') {
                let end = r.find('"').ok_or_else(|| path_error(path))?;
                segs.push(Seg::Key(r[..end].to_string()));
                rest = &r[end + 1..];
            } else {
                let end = r.find(['.', '[']).unwrap_or(r.len());
                if end == 0 {
                    return Err(path_error(path));
                }
                segs.push(Seg::Key(r[..end].to_string()));
                rest = &r[end..];
            }
        } else if let Some(r) = rest.strip_prefix('[') {
            let end = r.find(']').ok_or_else(|| path_error(path))?;
            let n = r[..end].trim().parse().map_err(|_| path_error(path))?;
            segs.push(Seg::Index(n));
            rest = &r[end + 1..];
        } else {
            return Err(path_error(path));
        }
    }
    Ok((strict, segs))
}

fn walk<'a>(doc: &'a Json, segs: &[Seg]) -> Option<&'a Json> {
    let mut cur = doc;
    for s in segs {
        cur = match s {
            Seg::Key(k) => cur.as_object()?.get(k)?,
            Seg::Index(i) => cur.as_array()?.get(*i)?,
        };
    }
    Some(cur)
}

fn parse_doc(text: &str) -> Result<Json, ServerError> {
    serde_json::from_str(text).map_err(|_| not_json())
}

/// A JSON scalar as T-SQL text (`true`/`false` for booleans).
fn scalar_text(v: &Json) -> Option<String> {
    match v {
        Json::String(s) => Some(s.clone()),
        Json::Number(n) => Some(n.to_string()),
        Json::Bool(b) => Some(b.to_string()),
        Json::Null | Json::Array(_) | Json::Object(_) => None,
    }
}

fn text_arg(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        other => Some(other.to_display_string()),
    }
}

/// ISJSON(text): 1 for an object or array (or any JSON value), 0 otherwise.
pub(crate) fn isjson(v: &Value) -> Value {
    match text_arg(v) {
        None => Value::Null,
        Some(t) => Value::Int(i32::from(serde_json::from_str::<Json>(&t).is_ok())),
    }
}

/// JSON_VALUE(text, path): a scalar as nvarchar(4000).
pub(crate) fn json_value(v: &Value, path: &Value) -> Result<Value, ServerError> {
    let (Some(t), Some(p)) = (text_arg(v), text_arg(path)) else {
        return Ok(Value::Null);
    };
    let doc = parse_doc(&t)?;
    let (strict, segs) = parse_path(&p)?;
    match walk(&doc, &segs).map(|x| (x, scalar_text(x))) {
        Some((_, Some(s))) => Ok(Value::NVarChar(s)),
        Some((Json::Null, None)) => Ok(Value::Null),
        _ if strict => Err(ServerError::new(
            13608,
            "Property cannot be found on the specified JSON path.",
        )),
        _ => Ok(Value::Null),
    }
}

/// JSON_QUERY(text [, path]): an object or array as JSON text.
pub(crate) fn json_query(v: &Value, path: Option<&Value>) -> Result<Value, ServerError> {
    let Some(t) = text_arg(v) else {
        return Ok(Value::Null);
    };
    let p = path.and_then(text_arg).unwrap_or_else(|| "$".into());
    let doc = parse_doc(&t)?;
    let (strict, segs) = parse_path(&p)?;
    match walk(&doc, &segs) {
        Some(x @ (Json::Object(_) | Json::Array(_))) => Ok(Value::NVarChar(x.to_string())),
        _ if strict => Err(ServerError::new(
            13608,
            "Property cannot be found on the specified JSON path.",
        )),
        _ => Ok(Value::Null),
    }
}

/// A T-SQL value as a JSON value (numbers stay numbers, bits become booleans).
fn to_json(v: &Value) -> Json {
    match v {
        Value::Null => Json::Null,
        Value::Bit(b) => Json::Bool(*b),
        Value::TinyInt(_) | Value::SmallInt(_) | Value::Int(_) | Value::BigInt(_) => v
            .to_display_string()
            .parse::<i64>()
            .map_or(Json::Null, Json::from),
        Value::Float(_) | Value::Real(_) | Value::Decimal(_) => {
            let s = v.to_display_string();
            serde_json::from_str::<Json>(&s).unwrap_or(Json::String(s))
        }
        other => Json::String(other.to_display_string()),
    }
}

/// JSON_MODIFY(text, path, value): sets (or, with NULL in lax mode, removes) a property or
/// array element; `append` before the path adds to an array.
pub(crate) fn json_modify(v: &Value, path: &Value, new: &Value) -> Result<Value, ServerError> {
    let (Some(t), Some(p)) = (text_arg(v), text_arg(path)) else {
        return Ok(Value::Null);
    };
    let mut doc = parse_doc(&t)?;
    let (append, p) = match p.trim_start().strip_prefix("append") {
        Some(rest) => (true, rest.trim_start().to_string()),
        None => (false, p),
    };
    let (strict, segs) = parse_path(&p)?;
    let Some((last, parents)) = segs.split_last() else {
        return Err(path_error(&p));
    };
    let mut cur = &mut doc;
    for s in parents {
        cur = match s {
            Seg::Key(k) => cur
                .as_object_mut()
                .and_then(|o| o.get_mut(k))
                .ok_or_else(|| path_error(&p))?,
            Seg::Index(i) => cur
                .as_array_mut()
                .and_then(|a| a.get_mut(*i))
                .ok_or_else(|| path_error(&p))?,
        };
    }
    let value = to_json(new);
    match last {
        Seg::Key(k) => {
            let obj = cur.as_object_mut().ok_or_else(|| path_error(&p))?;
            if append {
                match obj.get_mut(k).and_then(Json::as_array_mut) {
                    Some(a) => a.push(value),
                    None if strict => return Err(path_error(&p)),
                    None => {}
                }
            } else if value.is_null() && !strict {
                obj.remove(k);
            } else {
                obj.insert(k.clone(), value);
            }
        }
        Seg::Index(i) => {
            let arr = cur.as_array_mut().ok_or_else(|| path_error(&p))?;
            match arr.get_mut(*i) {
                Some(slot) => *slot = value,
                None if strict => return Err(path_error(&p)),
                None => {}
            }
        }
    }
    Ok(Value::NVarChar(doc.to_string()))
}

/// `type` column of OPENJSON's default schema.
fn json_type(v: &Json) -> i32 {
    match v {
        Json::Null => 0,
        Json::String(_) => 1,
        Json::Number(_) => 2,
        Json::Bool(_) => 3,
        Json::Array(_) => 4,
        Json::Object(_) => 5,
    }
}

impl Executor {
    /// STRING_SPLIT and OPENJSON in FROM; `None` for any other function.
    pub(crate) fn builtin_table_function(
        &mut self,
        expr: &ast::Expr,
        row: &RowCtx<'_>,
        schema: &[ast::JsonColumn],
    ) -> Result<Option<Relation>, ServerError> {
        let ast::Expr::Function(f) = expr else {
            return Ok(None);
        };
        if f.name.parts.len() != 1 {
            return Ok(None);
        }
        let name = f
            .name
            .name()
            .map(|i| i.value.to_ascii_uppercase())
            .unwrap_or_default();
        let mut args = Vec::with_capacity(f.args.len());
        match name.as_str() {
            "STRING_SPLIT" | "OPENJSON" => {
                for a in &f.args {
                    args.push(self.eval(a, row)?);
                }
            }
            _ => return Ok(None),
        }
        if name == "STRING_SPLIT" {
            let mut rel = Relation::new(vec![col("value", SqlType::NVarChar(StrLen::Len(4000)))]);
            let sep = args.get(1).and_then(text_arg).unwrap_or_default();
            if sep.chars().count() != 1 {
                return Err(ServerError::new(
                    214,
                    "Procedure expects parameter 'separator' of type 'nchar(1)/nvarchar(1)'.",
                ));
            }
            if let Some(t) = args.first().and_then(text_arg) {
                rel.rows = t
                    .split(sep.as_str())
                    .map(|p| vec![Value::NVarChar(p.to_string())])
                    .collect();
            }
            return Ok(Some(rel));
        }
        // OPENJSON(text [, path]).
        let Some(text) = args.first().and_then(text_arg) else {
            return Ok(Some(self.openjson_relation(schema, Vec::new())?));
        };
        let doc = parse_doc(&text)?;
        let path = args.get(1).and_then(text_arg).unwrap_or_else(|| "$".into());
        let (strict, segs) = parse_path(&path)?;
        let target = match walk(&doc, &segs) {
            Some(t) => t.clone(),
            None if strict => {
                return Err(ServerError::new(
                    13608,
                    "Property cannot be found on the specified JSON path.",
                ));
            }
            None => Json::Null,
        };
        let items: Vec<(String, Json)> = match target {
            Json::Object(o) => o.into_iter().collect(),
            Json::Array(a) => a
                .into_iter()
                .enumerate()
                .map(|(i, v)| (i.to_string(), v))
                .collect(),
            _ => Vec::new(),
        };
        Ok(Some(self.openjson_relation(schema, items)?))
    }

    fn openjson_relation(
        &mut self,
        schema: &[ast::JsonColumn],
        items: Vec<(String, Json)>,
    ) -> Result<Relation, ServerError> {
        if schema.is_empty() {
            let mut rel = Relation::new(vec![
                col("key", SqlType::NVarChar(StrLen::Len(4000))),
                col("value", SqlType::NVarChar(StrLen::Max)),
                col("type", SqlType::TinyInt),
            ]);
            for (k, v) in items {
                let value = match &v {
                    Json::Null => Value::Null,
                    Json::String(s) => Value::NVarChar(s.clone()),
                    other => Value::NVarChar(other.to_string()),
                };
                rel.rows.push(vec![
                    Value::NVarChar(k),
                    value,
                    Value::TinyInt(json_type(&v) as u8),
                ]);
            }
            return Ok(rel);
        }
        let mut types = Vec::with_capacity(schema.len());
        let mut paths = Vec::with_capacity(schema.len());
        for c in schema {
            types.push(sql_type_of(&c.data_type, false)?);
            let p = c
                .path
                .clone()
                .unwrap_or_else(|| format!("$.\"{}\"", c.name.value));
            paths.push(parse_path(&p)?);
        }
        let mut rel = Relation::new(
            schema
                .iter()
                .zip(&types)
                .map(|(c, t)| col(&c.name.value, *t))
                .collect(),
        );
        for (_, item) in items {
            let mut row = Vec::with_capacity(schema.len());
            for ((c, ty), (strict, segs)) in schema.iter().zip(&types).zip(&paths) {
                let found = walk(&item, segs);
                let v = match found {
                    None if *strict => {
                        return Err(ServerError::new(
                            13608,
                            "Property cannot be found on the specified JSON path.",
                        ));
                    }
                    None | Some(Json::Null) => Value::Null,
                    Some(x @ (Json::Object(_) | Json::Array(_))) => {
                        if c.as_json {
                            Value::NVarChar(x.to_string())
                        } else {
                            Value::Null
                        }
                    }
                    // AS JSON on a scalar gives NULL.
                    Some(_) if c.as_json => Value::Null,
                    Some(x) => match scalar_text(x) {
                        Some(s) => Value::NVarChar(s).cast(ty)?,
                        None => Value::Null,
                    },
                };
                row.push(v);
            }
            rel.rows.push(row);
        }
        Ok(rel)
    }
}

/// Sets `a.b.c` in nested objects (PATH mode column names).
fn insert_nested(obj: &mut serde_json::Map<String, Json>, parts: &[&str], value: Json) {
    match parts {
        [] => {}
        [last] => {
            obj.insert((*last).to_string(), value);
        }
        [first, rest @ ..] => {
            let entry = obj
                .entry((*first).to_string())
                .or_insert_with(|| Json::Object(serde_json::Map::new()));
            if !entry.is_object() {
                *entry = Json::Object(serde_json::Map::new());
            }
            if let Json::Object(next) = entry {
                insert_nested(next, rest, value);
            }
        }
    }
}

/// FOR JSON PATH / AUTO: one nvarchar(max) column with the rows as a JSON array (PATH
/// nests `a.b` column names into objects; NULLs are left out unless INCLUDE_NULL_VALUES).
pub(crate) fn for_json(rel: &Relation, fj: &ast::ForJson) -> Result<Relation, ServerError> {
    let mut rows = Vec::with_capacity(rel.rows.len());
    for r in &rel.rows {
        let mut obj = serde_json::Map::new();
        for (c, v) in rel.cols.iter().zip(r) {
            if v.is_null() && !fj.include_nulls {
                continue;
            }
            let value = match v {
                // Nested FOR JSON / JSON_QUERY results are JSON, not strings.
                Value::NVarChar(s) | Value::VarChar(s)
                    if (s.starts_with('{') || s.starts_with('['))
                        && serde_json::from_str::<Json>(s).is_ok()
                        && c.ty == SqlType::NVarChar(StrLen::Max) =>
                {
                    serde_json::from_str(s).unwrap_or(Json::Null)
                }
                other => to_json(other),
            };
            if fj.path && c.name.contains('.') {
                let parts: Vec<&str> = c.name.split('.').collect();
                insert_nested(&mut obj, &parts, value);
            } else {
                obj.insert(c.name.clone(), value);
            }
        }
        rows.push(Json::Object(obj));
    }
    let text = if fj.without_array_wrapper {
        rows.iter()
            .map(Json::to_string)
            .collect::<Vec<_>>()
            .join(",")
    } else {
        let arr = Json::Array(rows).to_string();
        match &fj.root {
            Some(name) => {
                let n = name.clone().unwrap_or_else(|| "root".into());
                serde_json::json!({ n: serde_json::from_str::<Json>(&arr).unwrap_or(Json::Null) })
                    .to_string()
            }
            None => arr,
        }
    };
    Ok(Relation {
        cols: vec![col(
            "JSON_F52E2B61-18A1-11d1-B105-00805F49916B",
            SqlType::NVarChar(StrLen::Max),
        )],
        rows: vec![vec![Value::NVarChar(text)]],
    })
}
