//! MERGE: matches source rows to target rows on the ON condition, then runs the first
//! applicable WHEN clause for each pair (MATCHED), each unmatched source row (NOT MATCHED
//! [BY TARGET]) and each unmatched target row (NOT MATCHED BY SOURCE).

use std::collections::HashMap;

use sbroker_tsql::ast::{self, MergeAction, MergeMatch};
use sbroker_types::{ServerError, Value};

use crate::expr::{RelCol, RowCtx};
use crate::{Executor, ResultSink};

impl Executor {
    pub(crate) fn exec_merge(
        &mut self,
        m: &ast::Merge,
        sink: &mut dyn ResultSink,
    ) -> Result<i64, ServerError> {
        let t = self.dml_target(&m.target)?;
        let (def, rows) = self.table_rows(&t)?;
        let types = def.types()?;
        let target_name = match (&m.alias, &m.target) {
            (Some(a), _) => a.value.to_ascii_lowercase(),
            (None, ast::DmlTarget::Table(n)) => n
                .name()
                .map(|i| i.value.to_ascii_lowercase())
                .unwrap_or_default(),
            (None, ast::DmlTarget::Variable(v)) => v.to_ascii_lowercase(),
        };
        let source = self.merge_source(&m.source)?;
        // The combined row: target columns, then source columns.
        let mut cols: Vec<RelCol> = def
            .columns
            .iter()
            .zip(&types)
            .map(|(c, ty)| RelCol {
                table: Some(target_name.clone()),
                name: c.name.clone(),
                ty: *ty,
            })
            .collect();
        cols.extend(source.cols.iter().cloned());
        let tw = def.columns.len();
        let sw = source.cols.len();
        let combine = |t: Option<&Vec<Value>>, s: Option<&Vec<Value>>| -> Vec<Value> {
            let mut v = t.cloned().unwrap_or_else(|| vec![Value::Null; tw]);
            v.extend(s.cloned().unwrap_or_else(|| vec![Value::Null; sw]));
            v
        };
        // Which target rows each source row matches.
        let mut matched_target: HashMap<i64, usize> = HashMap::new();
        let mut pairs: Vec<(i64, usize)> = Vec::new();
        let mut source_matched = vec![false; source.rows.len()];
        for (si, s) in source.rows.iter().enumerate() {
            for (id, r) in &rows {
                let vals = combine(Some(r), Some(s));
                let ctx = RowCtx {
                    cols: &cols,
                    vals: &vals,
                    group: None,
                    outer: None,
                };
                if self.eval_pred(&m.on, &ctx)? == Some(true) {
                    source_matched[si] = true;
                    pairs.push((*id, si));
                    *matched_target.entry(*id).or_default() += 1;
                }
            }
        }
        let by_id: HashMap<i64, Vec<Value>> = rows.iter().cloned().collect();
        let mut updates: Vec<(i64, Vec<Value>, Vec<Value>)> = Vec::new();
        let mut deletes: Vec<(i64, Vec<Value>)> = Vec::new();
        let mut inserts: Vec<Vec<Value>> = Vec::new();
        let mut insert_columns: Option<Vec<String>> = None;
        let clauses = |kind: MergeMatch| m.clauses.iter().filter(move |c| c.kind == kind);
        // WHEN MATCHED: a target row may be changed by one source row only.
        for (id, si) in &pairs {
            let target_row = &by_id[id];
            let vals = combine(Some(target_row), source.rows.get(*si));
            let ctx = RowCtx {
                cols: &cols,
                vals: &vals,
                group: None,
                outer: None,
            };
            for c in clauses(MergeMatch::Matched) {
                if let Some(cond) = &c.condition
                    && self.eval_pred(cond, &ctx)? != Some(true)
                {
                    continue;
                }
                if matched_target.get(id).copied().unwrap_or(0) > 1 {
                    return Err(ServerError::new(
                        8672,
                        "The MERGE statement attempted to UPDATE or DELETE the same row more than once. This happens when a target row matches more than one source row. A MERGE statement cannot UPDATE/DELETE the same row of the target table multiple times. Refine the ON clause to ensure a target row matches at most one source row, or use the GROUP BY clause to group the source rows.",
                    ));
                }
                match &c.action {
                    MergeAction::Update(a) => {
                        let new = self.apply_assignments(&def, &types, target_row, a, &ctx)?;
                        updates.push((*id, target_row.clone(), new));
                    }
                    MergeAction::Delete => deletes.push((*id, target_row.clone())),
                    MergeAction::Insert { .. } => {}
                }
                break;
            }
        }
        // WHEN NOT MATCHED [BY TARGET]: insert from the source row.
        for (si, s) in source.rows.iter().enumerate() {
            if source_matched[si] {
                continue;
            }
            let vals = combine(None, Some(s));
            let ctx = RowCtx {
                cols: &cols,
                vals: &vals,
                group: None,
                outer: None,
            };
            for c in clauses(MergeMatch::NotMatchedByTarget) {
                if let Some(cond) = &c.condition
                    && self.eval_pred(cond, &ctx)? != Some(true)
                {
                    continue;
                }
                if let MergeAction::Insert { columns, values } = &c.action {
                    let names: Vec<String> = columns.iter().map(|i| i.value.clone()).collect();
                    let mut row = Vec::new();
                    for e in values.iter().flatten() {
                        row.push(self.eval(e, &ctx)?);
                    }
                    // One INSERT shape per statement (SQL Server allows one such clause).
                    insert_columns.get_or_insert(names);
                    inserts.push(row);
                }
                break;
            }
        }
        // WHEN NOT MATCHED BY SOURCE: target rows no source row matched.
        for (id, r) in &rows {
            if matched_target.contains_key(id) {
                continue;
            }
            let vals = combine(Some(r), None);
            let ctx = RowCtx {
                cols: &cols,
                vals: &vals,
                group: None,
                outer: None,
            };
            for c in clauses(MergeMatch::NotMatchedBySource) {
                if let Some(cond) = &c.condition
                    && self.eval_pred(cond, &ctx)? != Some(true)
                {
                    continue;
                }
                match &c.action {
                    MergeAction::Update(a) => {
                        let new = self.apply_assignments(&def, &types, r, a, &ctx)?;
                        updates.push((*id, r.clone(), new));
                    }
                    MergeAction::Delete => deletes.push((*id, r.clone())),
                    MergeAction::Insert { .. } => {}
                }
                break;
            }
        }
        // Keys are checked on the table as the statement leaves it before anything changes.
        let mut fin: std::collections::BTreeMap<i64, Vec<Value>> = rows.into_iter().collect();
        for (id, _) in &deletes {
            fin.remove(id);
        }
        for (id, _, new) in &updates {
            fin.insert(*id, new.clone());
        }
        for (_, _, new) in &updates {
            self.check_constraints(&def, new, "MERGE")?;
        }
        for (id, _, new) in &updates {
            crate::stmt::check_unique(
                &def,
                new,
                fin.iter().filter(|(k, _)| *k != id).map(|(_, v)| v),
            )?;
        }
        for (id, _) in &deletes {
            self.delete_row(&t, *id)?;
        }
        for (id, _, new) in &updates {
            self.update_row(&t, *id, new.clone())?;
        }
        let inserted = if inserts.is_empty() {
            Vec::new()
        } else {
            self.insert_values(&t, &insert_columns.unwrap_or_default(), inserts)?
        };
        let n = (updates.len() + deletes.len() + inserted.len()) as i64;
        if let Some(out) = &m.output {
            let mut ins = Vec::new();
            let mut del = Vec::new();
            for (_, old, new) in &updates {
                ins.push(new.clone());
                del.push(old.clone());
            }
            for (_, old) in &deletes {
                ins.push(vec![Value::Null; tw]);
                del.push(old.clone());
            }
            for new in &inserted {
                ins.push(new.clone());
                del.push(vec![Value::Null; tw]);
            }
            self.output_clause(out, &def, &ins, &del, sink)?;
        }
        let (olds, news): (Vec<_>, Vec<_>) = updates.into_iter().map(|(_, o, n)| (o, n)).unzip();
        if !inserted.is_empty() {
            self.fire_triggers(&t, "INSERT", inserted, Vec::new(), sink)?;
        }
        if !news.is_empty() {
            self.fire_triggers(&t, "UPDATE", news, olds, sink)?;
        }
        if !deletes.is_empty() {
            let gone = deletes.into_iter().map(|(_, r)| r).collect();
            self.fire_triggers(&t, "DELETE", Vec::new(), gone, sink)?;
        }
        Ok(n)
    }
}
