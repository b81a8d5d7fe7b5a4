//! Prepared statements of the RPC interface: sp_prepare, sp_execute, sp_prepexec and
//! sp_unprepare, which ODBC, JDBC and ADO.NET use for parameterized commands. A prepared
//! statement is its parameter declaration and text, kept per connection under an int
//! handle; executing it is sp_executesql with the same statement and declaration.

use std::collections::HashMap;

use sbroker_tds::request::RpcParam;
use sbroker_tds::types::TypeInfo;
use sbroker_types::{ServerError, SqlType, StrLen, Value};

/// Prepared statements one connection may hold.
const PREPARED_MAX: usize = 65_536;

/// What an RPC call turns into.
pub(crate) enum Plan {
    /// Run `name` with `args`, each with its position in the client's parameter list.
    Run {
        name: String,
        args: Vec<(usize, RpcParam)>,
        /// The handle to return in the OUTPUT parameter at this position (sp_prepexec).
        handle_out: Option<(usize, String, i32)>,
    },
    /// Nothing to run; maybe a handle to return (sp_prepare, sp_unprepare).
    Done {
        handle_out: Option<(usize, String, i32)>,
    },
    /// The call is wrong.
    Error(ServerError),
}

/// The prepared statements of a connection.
#[derive(Default)]
pub(crate) struct Prepared {
    next: i32,
    stmts: HashMap<i32, (Value, Value)>,
}

fn text(p: Option<&RpcParam>) -> Value {
    match p.map(|p| &p.value) {
        Some(v @ (Value::NVarChar(_) | Value::VarChar(_))) => v.clone(),
        _ => Value::NVarChar(String::new()),
    }
}

fn handle_of(p: Option<&RpcParam>) -> Option<i32> {
    match p.map(|p| &p.value) {
        Some(Value::Int(h)) => Some(*h),
        Some(Value::SmallInt(h)) => Some(i32::from(*h)),
        Some(Value::TinyInt(h)) => Some(i32::from(*h)),
        Some(Value::BigInt(h)) => i32::try_from(*h).ok(),
        _ => None,
    }
}

fn nvarchar_param(v: Value) -> RpcParam {
    RpcParam {
        name: String::new(),
        status: 0,
        ty: TypeInfo::of(&SqlType::NVarChar(StrLen::Max)),
        value: v,
    }
}

fn not_found(h: i32) -> ServerError {
    ServerError::new(
        8179,
        format!("Could not find prepared statement with handle {h}."),
    )
}

impl Prepared {
    fn add(&mut self, decl: Value, stmt: Value) -> Result<i32, ServerError> {
        if self.stmts.len() >= PREPARED_MAX {
            return Err(ServerError::new(
                8179,
                "Too many prepared statements on this connection.",
            ));
        }
        self.next += 1;
        self.stmts.insert(self.next, (decl, stmt));
        Ok(self.next)
    }

    /// Turns a call into a plan: prepared-statement procedures are rewritten, anything
    /// else runs as sent.
    pub(crate) fn plan(&mut self, proc_name: &str, params: Vec<RpcParam>) -> Plan {
        let name = proc_name.to_ascii_lowercase();
        let name = name
            .rsplit('.')
            .next()
            .unwrap_or_default()
            .trim_matches(['[', ']']);
        match name {
            // @handle OUTPUT, @params, @stmt [, @options]
            "sp_prepare" => {
                let handle_name = params.first().map(|p| p.name.clone()).unwrap_or_default();
                match self.add(text(params.get(1)), text(params.get(2))) {
                    Ok(h) => Plan::Done {
                        handle_out: Some((0, handle_name, h)),
                    },
                    Err(e) => Plan::Error(e),
                }
            }
            // @handle OUTPUT, @params, @stmt, then the statement's parameters.
            "sp_prepexec" => {
                let handle_name = params.first().map(|p| p.name.clone()).unwrap_or_default();
                let decl = text(params.get(1));
                let stmt = text(params.get(2));
                let h = match self.add(decl.clone(), stmt.clone()) {
                    Ok(h) => h,
                    Err(e) => return Plan::Error(e),
                };
                let mut args = vec![(2, nvarchar_param(stmt)), (1, nvarchar_param(decl))];
                args.extend(params.into_iter().enumerate().skip(3));
                Plan::Run {
                    name: "sp_executesql".into(),
                    args,
                    handle_out: Some((0, handle_name, h)),
                }
            }
            // @handle, then the statement's parameters.
            "sp_execute" => {
                let Some(h) = handle_of(params.first()) else {
                    return Plan::Error(not_found(0));
                };
                let Some((decl, stmt)) = self.stmts.get(&h).cloned() else {
                    return Plan::Error(not_found(h));
                };
                let mut args = vec![(0, nvarchar_param(stmt)), (0, nvarchar_param(decl))];
                args.extend(params.into_iter().enumerate().skip(1));
                Plan::Run {
                    name: "sp_executesql".into(),
                    args,
                    handle_out: None,
                }
            }
            "sp_unprepare" => {
                let h = handle_of(params.first()).unwrap_or(0);
                if self.stmts.remove(&h).is_none() {
                    return Plan::Error(not_found(h));
                }
                Plan::Done { handle_out: None }
            }
            _ => Plan::Run {
                name: proc_name.to_string(),
                args: params.into_iter().enumerate().collect(),
                handle_out: None,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(name: &str, v: Value) -> RpcParam {
        RpcParam {
            name: name.into(),
            status: 0,
            ty: TypeInfo::of(&v.sql_type()),
            value: v,
        }
    }

    #[test]
    fn prepare_execute_unprepare() {
        let mut pr = Prepared::default();
        let Plan::Done {
            handle_out: Some((0, _, h)),
        } = pr.plan(
            "sp_prepare",
            vec![
                p("@handle", Value::Null),
                p("@params", Value::NVarChar("@P1 int".into())),
                p("@stmt", Value::NVarChar("SELECT @P1".into())),
            ],
        )
        else {
            panic!("sp_prepare returns a handle");
        };
        let Plan::Run { name, args, .. } = pr.plan(
            "sp_execute",
            vec![p("", Value::Int(h)), p("@P1", Value::Int(5))],
        ) else {
            panic!("sp_execute runs");
        };
        assert_eq!(name, "sp_executesql");
        assert_eq!(args[0].1.value, Value::NVarChar("SELECT @P1".into()));
        assert_eq!(args[2], (1, p("@P1", Value::Int(5))));
        assert!(matches!(
            pr.plan("sp_unprepare", vec![p("", Value::Int(h))]),
            Plan::Done { handle_out: None }
        ));
        assert!(matches!(
            pr.plan("sp_execute", vec![p("", Value::Int(h))]),
            Plan::Error(e) if e.number == 8179
        ));
    }
}
