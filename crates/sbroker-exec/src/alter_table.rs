//! ALTER TABLE: add, drop and change columns, add and drop named constraints, CHECK /
//! NOCHECK CONSTRAINT, ENABLE / DISABLE TRIGGER and SET options. Every change rewrites the
//! definition and the stored rows inside the current transaction, so it commits or rolls
//! back with it.

use sbroker_tsql::ast;
use sbroker_types::{ServerError, SqlType, Value};

use crate::Executor;
use crate::expr::sql_type_of;
use crate::modules::{KIND_TRIGGER, StoredModule};
use crate::query::TableRef;
use crate::stmt::{columns_to_def, parse_expr};
use crate::tables::{self, NamedConstraint, TableDef};

/// A column's index; 1911 when the table has no such column.
fn column_of(def: &TableDef, name: &str) -> Result<usize, ServerError> {
    def.column_index(name).ok_or_else(|| {
        ServerError::new(
            1911,
            format!("Column name '{name}' does not exist in the target table or view."),
        )
    })
}

fn not_a_constraint(name: &str) -> ServerError {
    ServerError::new(
        3728,
        format!("'{name}' is not a constraint. Could not drop constraint. See previous errors."),
    )
}

impl Executor {
    /// Stores a changed definition (user or #temp table).
    fn put_def(&mut self, t: &TableRef, def: &TableDef) -> Result<(), ServerError> {
        match t {
            TableRef::User(db, _) => self.save_table_def(*db, def),
            TableRef::Temp(key) => {
                if let Some(tt) = self.temp_tables.get_mut(key) {
                    tt.def = def.clone();
                }
                Ok(())
            }
            TableRef::Var(_) => Err(ServerError::new(
                102,
                "Incorrect syntax near the table variable: ALTER TABLE cannot change it.",
            )),
        }
    }

    pub(crate) fn alter_table(&mut self, a: &ast::AlterTable) -> Result<(), ServerError> {
        let t = self.table_ref(&a.name)?;
        let (mut def, rows) = self.table_rows(&t)?;
        match &a.action {
            ast::AlterTableAction::Add {
                columns,
                constraints,
            } => {
                let added = columns_to_def(columns, &[], &def.name, &def.schema, 0, 0)?;
                let mut new_rows = rows;
                for c in &added.columns {
                    if def.column_index(&c.name).is_some() {
                        return Err(ServerError::new(
                            2705,
                            format!(
                                "Column names in each table must be unique. Column name '{}' in table '{}' is specified more than once.",
                                c.name, def.name
                            ),
                        ));
                    }
                    if c.identity.is_some() && def.columns.iter().any(|x| x.identity.is_some()) {
                        return Err(ServerError::new(
                            2744,
                            format!(
                                "Multiple identity columns specified for table '{}'. Only one identity column per table is allowed.",
                                def.name
                            ),
                        ));
                    }
                    let ty = c.ty.sql_type()?;
                    // Existing rows get NULL, the default of a NOT NULL column, or the next
                    // identity values (SQL Server's rule for adding a column).
                    let default = match (&c.default, c.nullable) {
                        (Some(d), false) => Some(self.eval0(&parse_expr(d)?)?.assign_to(&ty)?),
                        _ => None,
                    };
                    if !c.nullable
                        && default.is_none()
                        && c.identity.is_none()
                        && !new_rows.is_empty()
                    {
                        return Err(ServerError::new(
                            4901,
                            format!(
                                "ALTER TABLE only allows columns to be added that can contain nulls, or have a DEFAULT definition specified, or the column being added is an identity or timestamp column, or alternatively if none of the previous conditions are satisfied the table must be empty to allow addition of this column. Column '{}' cannot be added to non-empty table '{}' because it does not satisfy these conditions.",
                                c.name, def.name
                            ),
                        ));
                    }
                    if let Some((seed, inc)) = c.identity {
                        def.next_identity = seed;
                        for (_, r) in new_rows.iter_mut() {
                            r.push(Value::BigInt(def.next_identity).assign_to(&ty)?);
                            def.next_identity += inc;
                        }
                    } else {
                        for (_, r) in new_rows.iter_mut() {
                            r.push(default.clone().unwrap_or(Value::Null));
                        }
                    }
                    def.columns.push(c.clone());
                }
                let (checks_before, indexes_before) = (def.constraints.len(), def.indexes.len());
                let had_pk = !def.primary_key.is_empty();
                for k in constraints {
                    self.add_constraint(&mut def, k)?;
                }
                // WITH CHECK (the default) checks the rows already there against the new
                // CHECK, UNIQUE and PRIMARY KEY constraints (only those); WITH NOCHECK
                // trusts them.
                if a.with_check != Some(false) && !constraints.is_empty() {
                    let probe = TableDef {
                        constraints: def.constraints[checks_before..].to_vec(),
                        indexes: def.indexes[indexes_before..].to_vec(),
                        primary_key: if had_pk {
                            Vec::new()
                        } else {
                            def.primary_key.clone()
                        },
                        ..def.clone()
                    };
                    for (n, (_, r)) in new_rows.iter().enumerate() {
                        self.check_constraints(&probe, r, "ALTER TABLE")?;
                        if let Err(e) = crate::stmt::check_unique(
                            &probe,
                            r,
                            new_rows[n + 1..].iter().map(|(_, o)| o),
                        ) {
                            let dup = e
                                .message
                                .rsplit("The duplicate key value is ")
                                .next()
                                .unwrap_or("")
                                .to_string();
                            return Err(ServerError::new(
                                1505,
                                format!(
                                    "The CREATE UNIQUE INDEX statement terminated because a duplicate key was found for the object name '{}.{}'. The duplicate key value is {dup}",
                                    def.schema, def.name
                                ),
                            ));
                        }
                    }
                }
                let mut names = added.constraints;
                names.retain(|n| {
                    !def.constraints
                        .iter()
                        .any(|x| x.name.eq_ignore_ascii_case(&n.name))
                });
                def.constraints.extend(names);
                self.put_def(&t, &def)?;
                if !columns.is_empty() {
                    for (id, r) in new_rows {
                        self.update_row(&t, id, r)?;
                    }
                }
            }
            ast::AlterTableAction::DropColumns(cols) => {
                let mut new_rows = rows;
                for c in cols {
                    let i = def.column_index(&c.value).ok_or_else(|| {
                        ServerError::new(
                            4924,
                            format!(
                                "ALTER TABLE DROP COLUMN failed because column '{}' does not exist in table '{}'.",
                                c.value, def.name
                            ),
                        )
                    })?;
                    if def.primary_key.contains(&i) {
                        let pk = def
                            .constraints
                            .iter()
                            .find(|k| k.kind == "PK")
                            .map_or_else(|| format!("PK_{}", def.name), |k| k.name.clone());
                        return Err(ServerError::new(
                            5074,
                            format!(
                                "The object '{pk}' is dependent on column '{}'. ALTER TABLE DROP COLUMN {} failed because one or more objects access this column.",
                                c.value, c.value
                            ),
                        ));
                    }
                    if let Some(d) = def.constraints.iter().find(|k| {
                        k.column
                            .as_deref()
                            .is_some_and(|x| x.eq_ignore_ascii_case(&c.value))
                    }) {
                        return Err(ServerError::new(
                            5074,
                            format!(
                                "The object '{}' is dependent on column '{}'. ALTER TABLE DROP COLUMN {} failed because one or more objects access this column.",
                                d.name, c.value, c.value
                            ),
                        ));
                    }
                    def.columns.remove(i);
                    def.primary_key = def
                        .primary_key
                        .iter()
                        .map(|&k| if k > i { k - 1 } else { k })
                        .collect();
                    for (_, r) in new_rows.iter_mut() {
                        if i < r.len() {
                            r.remove(i);
                        }
                    }
                }
                self.put_def(&t, &def)?;
                for (id, r) in new_rows {
                    self.update_row(&t, id, r)?;
                }
            }
            ast::AlterTableAction::DropConstraints(names) => {
                for n in names {
                    let pos = def
                        .constraints
                        .iter()
                        .position(|k| k.name.eq_ignore_ascii_case(&n.value))
                        .ok_or_else(|| not_a_constraint(&n.value))?;
                    let k = def.constraints.remove(pos);
                    match k.kind.as_str() {
                        "PK" => def.primary_key.clear(),
                        "UQ" => def
                            .indexes
                            .retain(|x| !(x.constraint && x.name.eq_ignore_ascii_case(&k.name))),
                        "D" => {
                            if let Some(i) = k.column.as_deref().and_then(|c| def.column_index(c))
                                && let Some(col) = def.columns.get_mut(i)
                            {
                                col.default = None;
                            }
                        }
                        _ => {}
                    }
                }
                self.put_def(&t, &def)?;
            }
            ast::AlterTableAction::AlterColumn {
                name,
                data_type,
                nullable,
            } => {
                let i = def.column_index(&name.value).ok_or_else(|| {
                    ServerError::new(
                        4902,
                        format!(
                            "Cannot find the object \"{}\" because it does not exist or you do not have permissions.",
                            name.value
                        ),
                    )
                })?;
                let ty: SqlType = sql_type_of(data_type, false)?;
                let not_null = *nullable == Some(false) || def.primary_key.contains(&i);
                let mut new_rows = rows;
                for (_, r) in new_rows.iter_mut() {
                    if let Some(v) = r.get_mut(i) {
                        if v.is_null() && not_null {
                            return Err(ServerError::new(
                                515,
                                format!(
                                    "Cannot insert the value NULL into column '{}', table '{}'; column does not allow nulls. UPDATE fails.",
                                    name.value, def.name
                                ),
                            ));
                        }
                        *v = v.assign_to(&ty)?;
                    }
                }
                if let Some(c) = def.columns.get_mut(i) {
                    c.ty = crate::stmt::type_to_stored(data_type);
                    c.nullable = !not_null;
                }
                self.put_def(&t, &def)?;
                for (id, r) in new_rows {
                    self.update_row(&t, id, r)?;
                }
            }
            ast::AlterTableAction::CheckConstraints { check, names } => {
                // CHECK constraints are enforced while enabled; FOREIGN KEYs are recorded.
                for n in names {
                    if !def
                        .constraints
                        .iter()
                        .any(|k| k.name.eq_ignore_ascii_case(&n.value))
                    {
                        return Err(not_a_constraint(&n.value));
                    }
                }
                for k in def.constraints.iter_mut() {
                    if names.is_empty()
                        || names.iter().any(|n| n.value.eq_ignore_ascii_case(&k.name))
                    {
                        k.disabled = !check;
                    }
                }
                self.put_def(&t, &def)?;
            }
            ast::AlterTableAction::Triggers { enable, names } => {
                self.enable_triggers(&t, &def, names, *enable)?;
            }
            // LOCK_ESCALATION and other storage options have no meaning here.
            ast::AlterTableAction::SetOptions(_) => {}
        }
        Ok(())
    }

    fn add_constraint(
        &mut self,
        def: &mut TableDef,
        k: &ast::TableConstraint,
    ) -> Result<(), ServerError> {
        if let Some(n) = &k.name
            && def
                .constraints
                .iter()
                .any(|x| x.name.eq_ignore_ascii_case(&n.value))
        {
            return Err(ServerError::new(
                2714,
                format!(
                    "There is already an object named '{}' in the database.",
                    n.value
                ),
            ));
        }
        match &k.kind {
            ast::TableConstraintKind::PrimaryKey { columns, .. } => {
                if !def.primary_key.is_empty() {
                    return Err(ServerError::new(
                        1779,
                        format!(
                            "Table '{}' already has a primary key defined on it.",
                            def.name
                        ),
                    ));
                }
                let mut pk = Vec::new();
                for ic in columns {
                    let i = column_of(def, &ic.name.value)?;
                    pk.push(i);
                }
                def.primary_key = pk;
                for &i in &def.primary_key {
                    if let Some(c) = def.columns.get_mut(i) {
                        c.nullable = false;
                    }
                }
            }
            ast::TableConstraintKind::Unique { clustered, columns } => {
                let mut cols = Vec::new();
                for ic in columns {
                    let i = column_of(def, &ic.name.value)?;
                    cols.push(def.columns[i].name.clone());
                }
                def.indexes.push(tables::IndexDef {
                    name: k.name.as_ref().map_or_else(
                        || format!("UQ__{}__{}", def.name, def.indexes.len() + 1),
                        |n| n.value.clone(),
                    ),
                    unique: true,
                    clustered: *clustered == Some(true),
                    columns: cols,
                    constraint: true,
                });
            }
            ast::TableConstraintKind::Default { value, column } => {
                let i = column_of(def, &column.value)?;
                if let Some(c) = def.columns.get_mut(i) {
                    if c.default.is_some() {
                        return Err(ServerError::new(
                            1781,
                            "Column already has a DEFAULT bound to it.",
                        ));
                    }
                    c.default = Some(value.to_string());
                }
            }
            _ => {}
        }
        let kind = match &k.kind {
            ast::TableConstraintKind::PrimaryKey { .. } => "PK",
            ast::TableConstraintKind::Unique { .. } => "UQ",
            ast::TableConstraintKind::ForeignKey { .. } => "F",
            ast::TableConstraintKind::Check(_) => "C",
            ast::TableConstraintKind::Default { .. } => "D",
        };
        let column = match &k.kind {
            ast::TableConstraintKind::Default { column, .. } => Some(column.value.clone()),
            _ => None,
        };
        let name = k.name.as_ref().map_or_else(
            || format!("{kind}__{}__{}", def.name, def.constraints.len() + 1),
            |n| n.value.clone(),
        );
        let check = match &k.kind {
            ast::TableConstraintKind::Check(e) => Some(e.to_string()),
            _ => None,
        };
        def.constraints.push(NamedConstraint {
            name,
            kind: kind.into(),
            column,
            check,
            disabled: false,
        });
        Ok(())
    }

    /// ENABLE / DISABLE TRIGGER on a user table (`names` empty = ALL).
    pub(crate) fn enable_triggers(
        &mut self,
        t: &TableRef,
        def: &TableDef,
        names: &[ast::Ident],
        enable: bool,
    ) -> Result<(), ServerError> {
        let TableRef::User(db, _) = t else {
            return Ok(());
        };
        let table_key = tables::table_key(&def.schema, &def.name);
        let mods: Vec<(String, StoredModule)> = self.session.with_state(|st| {
            st.db(*db)
                .map(|d| {
                    d.objects
                        .iter()
                        .filter(|((k, _), _)| k == KIND_TRIGGER)
                        .filter_map(|((_, key), v)| {
                            serde_json::from_slice::<StoredModule>(v)
                                .ok()
                                .map(|m| (key.clone(), m))
                        })
                        .filter(|(_, m)| m.table.as_deref() == Some(table_key.as_str()))
                        .collect()
                })
                .unwrap_or_default()
        });
        for n in names {
            if !mods
                .iter()
                .any(|(_, m)| m.name.eq_ignore_ascii_case(&n.value))
            {
                return Err(ServerError::new(
                    3701,
                    format!(
                        "Cannot find the object '{}', because it does not exist or you do not have permission.",
                        n.value
                    ),
                ));
            }
        }
        for (key, mut m) in mods {
            if names.is_empty() || names.iter().any(|n| n.value.eq_ignore_ascii_case(&m.name)) {
                m.disabled = !enable;
                let bytes =
                    serde_json::to_vec(&m).map_err(|e| ServerError::new(40000, e.to_string()))?;
                self.session
                    .put_object(*db, KIND_TRIGGER, &key, Some(bytes))?;
            }
        }
        Ok(())
    }
}

impl Executor {
    /// CREATE [UNIQUE] [CLUSTERED | NONCLUSTERED] INDEX: recorded on the table (sys.indexes);
    /// a UNIQUE index is checked against the rows now and enforced on every later write.
    pub(crate) fn create_index(&mut self, i: &ast::CreateIndex) -> Result<(), ServerError> {
        let t = self.table_ref(&i.table)?;
        let (mut def, rows) = self.table_rows(&t)?;
        let object = format!("{}.{}", def.schema, def.name);
        if def
            .indexes
            .iter()
            .any(|x| x.name.eq_ignore_ascii_case(&i.name.value))
        {
            return Err(ServerError::new(
                1913,
                format!(
                    "The operation failed because an index or statistics with name '{}' already exists on table '{object}'.",
                    i.name.value
                ),
            ));
        }
        if i.clustered == Some(true)
            && (def.indexes.iter().any(|x| x.clustered)
                || def.constraints.iter().any(|k| k.kind == "PK"))
        {
            return Err(ServerError::new(
                1902,
                format!(
                    "Cannot create more than one clustered index on table '{object}'. Drop the existing clustered index before creating another."
                ),
            ));
        }
        let mut columns = Vec::new();
        for c in &i.columns {
            let idx = column_of(&def, &c.name.value)?;
            columns.push(def.columns[idx].name.clone());
        }
        let ix = tables::IndexDef {
            name: i.name.value.clone(),
            unique: i.unique,
            clustered: i.clustered == Some(true),
            columns,
            constraint: false,
        };
        if ix.unique && i.filter.is_none() {
            let probe = TableDef {
                indexes: vec![ix.clone()],
                primary_key: Vec::new(),
                ..def.clone()
            };
            for (n, (_, r)) in rows.iter().enumerate() {
                if let Err(e) =
                    crate::stmt::check_unique(&probe, r, rows[n + 1..].iter().map(|(_, o)| o))
                {
                    let dup = e
                        .message
                        .rsplit("The duplicate key value is ")
                        .next()
                        .unwrap_or("");
                    return Err(ServerError::new(
                        1505,
                        format!(
                            "The CREATE UNIQUE INDEX statement terminated because a duplicate key was found for the object name '{object}' and the index name '{}'. The duplicate key value is {dup}",
                            i.name.value
                        ),
                    ));
                }
            }
        }
        def.indexes.push(ix);
        self.put_def(&t, &def)
    }

    /// DROP INDEX name ON table | DROP INDEX table.name.
    pub(crate) fn drop_index(
        &mut self,
        name: &ast::ObjectName,
        on: Option<&ast::ObjectName>,
        if_exists: bool,
    ) -> Result<(), ServerError> {
        let (table, index) = match on {
            Some(t) => (
                t.clone(),
                name.name().map(|i| i.value.clone()).unwrap_or_default(),
            ),
            None => {
                let mut parts = name.parts.clone();
                let index = parts.pop().map(|i| i.value).unwrap_or_default();
                (ast::ObjectName { parts }, index)
            }
        };
        let missing = || {
            ServerError::new(
                3701,
                format!(
                    "Cannot drop the index '{}.{index}', because it does not exist or you do not have permission.",
                    table.name().map(|i| i.value.clone()).unwrap_or_default()
                ),
            )
        };
        let t = match self.table_ref(&table) {
            Ok(t) => t,
            Err(_) if if_exists => return Ok(()),
            Err(_) => return Err(missing()),
        };
        let (mut def, _) = self.table_rows(&t)?;
        let before = def.indexes.len();
        def.indexes
            .retain(|x| x.constraint || !x.name.eq_ignore_ascii_case(&index));
        if def.indexes.len() == before {
            return if if_exists { Ok(()) } else { Err(missing()) };
        }
        self.put_def(&t, &def)
    }
}
