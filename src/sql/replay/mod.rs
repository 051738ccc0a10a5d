//! Replays SQL DDL into a [`Schema`]: how `generate` rebuilds the current state from the
//! migration folder, and how a schema given as a SQL file (or a catalog written out as DDL)
//! is read.
//!
//! Replay is a model-level interpreter, not a database: it reads [`crate::sql::ast`]
//! statements (whichever parser produced them) and applies what they do to the model. A
//! statement it cannot follow is a `replay::unsupported` diagnostic at its file and line; the
//! way around it is running the migrations on a scratch database and reading the catalog.
//!
//! - `table`: CREATE/ALTER TABLE, columns, constraints, CREATE INDEX.
//! - `types`: column types and defaults as the model names them.
//! - `edits`: what the database does to a table when a column or constraint goes away or is
//!   renamed.
//! - this file: the other objects, `DO` blocks, and the driver.
//!
//! Skipped without a diagnostic, because they cannot change what the model describes: rows
//! (INSERT, UPDATE, DELETE, COPY, SELECT), transaction control, SET, privileges, owners,
//! statistics, sequences, views and other objects the model does not describe (statements on
//! them are followed just enough to skip what targets them later).

mod edits;
mod table;
mod types;

pub use edits::{rename_column, rename_ref_column};
pub use types::{builtin_type, column_type, default_value};

use super::ast::{self, ActionKind, CommentTarget, EnumChange, Guard, ObjectKind, Stmt};
use super::split::{split_for_replay, SqlStatement};
use crate::diag::{Diagnostic, Diagnostics};
use crate::model::DialectKind;
use crate::model::*;
use std::collections::{HashMap, HashSet};
use types::qname;

/// The code of a statement replay cannot follow; a caller may run the folder on a real
/// database instead (see `scratch`).
pub const UNSUPPORTED: &str = "replay::unsupported";

/// The code of a statement the database itself would reject.
pub const REJECTED: &str = "replay::rejected";

/// The code of a statement that creates what an earlier one already created (the same
/// column added by two migrations): it fails where it runs, unless something replay could
/// not follow removed the first one.
pub const CONFLICT: &str = "replay::conflict";

const HELP_UNSUPPORTED: &str = "schemactl rebuilds the schema by reading the DDL itself; write \
this change as plain DDL it understands, or replay the migrations in a throwaway database and \
compare its catalog instead";

/// A function's definition without `OR REPLACE`: how it was created (or replaced) is not
/// part of what it is, so a replaced function equals the one declared.
pub fn without_or_replace(sql: &str) -> String {
    let trimmed = sql.trim_start();
    let mut words = trimmed.split_whitespace();
    let first_three = [words.next(), words.next(), words.next()];
    let [Some(create), Some(or), Some(replace)] = first_three else {
        return sql.to_string();
    };
    if !(create.eq_ignore_ascii_case("create")
        && or.eq_ignore_ascii_case("or")
        && replace.eq_ignore_ascii_case("replace"))
    {
        return sql.to_string();
    }
    let after =
        trimmed[create.len()..].trim_start()[or.len()..].trim_start()[replace.len()..].trim_start();
    format!("{create} {after}")
}

/// Replays one SQL text. `file` names it in origins and diagnostics.
pub fn import_sql(sql: &str, file: &str, dialect: DialectKind) -> Result<Schema, Diagnostics> {
    let mut r = Replayer::new(dialect);
    r.replay(sql, file);
    r.finish()
}

/// Replays several files in order (a migration folder), as `(file name, text)` pairs.
pub fn import_files<'a>(
    files: impl IntoIterator<Item = (&'a str, &'a str)>,
    dialect: DialectKind,
) -> Result<Schema, Diagnostics> {
    let mut r = Replayer::new(dialect);
    for (file, sql) in files {
        r.replay(sql, file);
    }
    r.finish()
}

/// Replays statements into a schema, collecting every problem instead of stopping.
pub struct Replayer {
    dialect: DialectKind,
    schema: Schema,
    diags: Diagnostics,
    /// Table name -> position in `schema.tables`; rebuilt when tables are dropped or renamed.
    tables: HashMap<QName, usize>,
    /// Relations the model does not describe (views, sequences, temporary tables): later
    /// statements on them are skipped too.
    unmodeled: HashSet<QName>,
    /// The statement runs under an existence guard (`IF NOT EXISTS (...)`, a handler for
    /// `duplicate_object`): "already exists" and "does not exist" are not errors.
    idempotent: bool,
}

/// Where the statement being replayed sits.
struct At<'a> {
    stmt: &'a SqlStatement,
    /// The statement's own text (inside a `DO` block, the embedded statement's).
    text: &'a str,
    origin: Origin,
}

impl Replayer {
    pub fn new(dialect: DialectKind) -> Self {
        Replayer {
            dialect,
            schema: Schema::default(),
            diags: Diagnostics::default(),
            tables: HashMap::new(),
            unmodeled: HashSet::new(),
            idempotent: false,
        }
    }

    pub fn replay(&mut self, sql: &str, file: &str) {
        let script = split_for_replay(sql, self.dialect);
        for stmt in &script.statements {
            let at = At {
                stmt,
                text: &stmt.text,
                origin: Origin {
                    file: file.to_owned().into(),
                    line: stmt.line,
                    column: stmt.column,
                },
            };
            match (&stmt.parsed, &stmt.parse_error) {
                (Some(parsed), _) => self.statement(parsed, &at),
                (None, Some(e)) if self.dialect == DialectKind::Postgres => {
                    let at = At {
                        stmt,
                        text: &stmt.text,
                        origin: Origin {
                            line: e.line,
                            column: e.column,
                            ..at.origin.clone()
                        },
                    };
                    self.rejected(&at, &e.message)
                }
                (None, Some(e)) => {
                    let msg = format!("sqlparser cannot read it ({})", e.message);
                    self.unsupported(&at, &msg)
                }
                // Rows written by INSERT/UPDATE/DELETE: the split did not parse them.
                (None, None) => {}
            }
        }
    }

    pub fn finish(self) -> Result<Schema, Diagnostics> {
        if self.diags.is_empty() {
            Ok(self.schema)
        } else {
            Err(self.diags)
        }
    }

    fn unsupported(&mut self, at: &At, why: &str) {
        self.diags.push(
            Diagnostic::error(
                UNSUPPORTED,
                format!(
                    "cannot replay `{}` at {}:{}: {why}",
                    at.stmt.leading_words(3),
                    at.origin.file,
                    at.origin.line
                ),
            )
            .at(&at.origin)
            .help(HELP_UNSUPPORTED),
        );
    }

    fn conflict(&mut self, at: &At, what: &str) {
        self.diags.push(
            Diagnostic::error(
                CONFLICT,
                format!(
                    "`{}` at {}:{} fails: {what}",
                    at.stmt.leading_words(3),
                    at.origin.file,
                    at.origin.line
                ),
            )
            .at(&at.origin)
            .help("migrations replay in order: an earlier migration already made it (drop it first, or use IF NOT EXISTS)"),
        );
    }

    fn rejected(&mut self, at: &At, message: &str) {
        self.diags.push(
            Diagnostic::error(
                REJECTED,
                format!(
                    "PostgreSQL would reject `{}` at {}:{}:{}: {message}",
                    at.stmt.leading_words(3),
                    at.origin.file,
                    at.origin.line,
                    at.origin.column
                ),
            )
            .at(&at.origin)
            .help("fix the statement: the migration cannot run as written"),
        );
    }

    fn unknown(&mut self, at: &At, what: &str) {
        self.diags.push(
            Diagnostic::error(
                "replay::unknown-object",
                format!(
                    "{what} does not exist at {}:{}",
                    at.origin.file, at.origin.line
                ),
            )
            .at(&at.origin)
            .help("migrations replay in order: an earlier migration must create it (or use IF EXISTS)"),
        );
    }

    fn reindex(&mut self) {
        self.tables = self
            .schema
            .tables
            .iter()
            .enumerate()
            .map(|(i, t)| (t.name.clone(), i))
            .collect();
    }

    fn table_mut(&mut self, name: &QName) -> Option<&mut Table> {
        let i = *self.tables.get(name)?;
        self.schema.tables.get_mut(i)
    }

    fn statement(&mut self, s: &Stmt, at: &At) {
        match s {
            Stmt::CreateExtension { name, .. } => self.create_extension(name, at),
            Stmt::CreateSchema {
                name,
                if_not_exists,
                elements,
            } => self.create_schema(name, *if_not_exists, elements, at),
            Stmt::CreateEnum { name, labels } => self.create_enum(name, labels, at),
            Stmt::CreateType {
                name,
                kind,
                definition,
            } => self.create_type(name, *kind, definition, at),
            Stmt::AlterEnum { name, change } => self.alter_enum(name, change, at),
            Stmt::CreateFunction(f) => self.create_function(f, at),
            Stmt::CreateTable(ct) => self.create_table(ct, at),
            Stmt::CreateIndex(ci) => self.create_index(ci, at),
            Stmt::AlterTable(a) => match a.kind {
                ast::RelationKind::Table | ast::RelationKind::ForeignTable => {
                    self.alter_table(a, at)
                }
                // Index, sequence, view and type options: not in the model.
                _ => {}
            },
            Stmt::Rename(r) => self.rename(r, at),
            Stmt::Comment { target, text } => self.comment(target, text.clone(), at),
            Stmt::CreatePolicy(p) => self.create_policy(p, at),
            Stmt::AlterPolicy {
                name,
                table,
                roles,
                using,
                with_check,
            } => self.alter_policy(
                name,
                table,
                roles.as_deref(),
                using.as_ref(),
                with_check.as_ref(),
                at,
            ),
            Stmt::CreateTrigger(tr) => self.create_trigger(tr, at),
            Stmt::Drop(d) => self.drop(d, at),
            Stmt::CreateSequence { name, .. } => {
                self.unmodeled.insert(qname(name));
            }
            Stmt::CreateView {
                name,
                or_replace,
                materialized,
            } => self.create_view(name, *or_replace, *materialized, at),
            Stmt::CreateTableAs {
                name, materialized, ..
            } => {
                if *materialized {
                    self.create_view(name, false, true, at);
                } else {
                    self.unsupported(
                        at,
                        "CREATE TABLE ... AS takes its columns from a query replay does not run",
                    );
                }
            }
            Stmt::Do(block) => self.do_block(block, at),
            // See the module documentation.
            Stmt::Set { .. }
            | Stmt::Transaction(_)
            | Stmt::Rows { .. }
            | Stmt::Truncate { .. }
            | Stmt::Other { .. } => {}
        }
    }

    fn create_extension(&mut self, name: &str, at: &At) {
        if !self.schema.extensions.iter().any(|x| x.name == name) {
            self.schema.extensions.push(Extension {
                name: name.to_string(),
                origin: at.origin.clone(),
            });
        }
    }

    /// A schema (`public` always exists), then the statements `CREATE SCHEMA` itself holds.
    fn create_schema(&mut self, name: &str, if_not_exists: bool, elements: &[Stmt], at: &At) {
        if self.schema.namespaces.iter().any(|n| n.name == name) {
            if !if_not_exists && !self.idempotent {
                self.conflict(at, &format!("schema `{name}` already exists"));
            }
        } else if name != "public" {
            self.schema.namespaces.push(Namespace {
                name: name.to_string(),
                doc: None,
                origin: at.origin.clone(),
            });
        }
        for e in elements {
            self.statement(e, at);
        }
    }

    fn create_enum(&mut self, name: &ast::Name, labels: &[String], at: &At) {
        let q = qname(name);
        if self.schema.enums.iter().any(|e| e.name == q) {
            if !self.idempotent {
                self.conflict(at, &format!("type `{q}` already exists"));
            }
            return;
        }
        self.schema.enums.push(EnumType {
            name: q,
            values: labels.to_vec(),
            doc: None,
            renamed_values: Vec::new(),
            origin: at.origin.clone(),
        });
    }

    /// A composite, range or base type, or a domain: kept as its definition.
    fn create_type(&mut self, name: &ast::Name, kind: ast::TypeKind, definition: &str, at: &At) {
        let q = qname(name);
        if self.schema.custom_types.iter().any(|t| t.name == q) {
            if !self.idempotent {
                self.conflict(at, &format!("type `{q}` already exists"));
            }
            return;
        }
        self.schema.custom_types.push(CustomType {
            name: q,
            definition: definition.to_string(),
            kind: if kind == ast::TypeKind::Domain {
                CustomTypeKind::Domain
            } else {
                CustomTypeKind::Type
            },
            origin: at.origin.clone(),
        });
    }

    /// A function is kept as its statement; a later definition replaces an earlier one.
    fn create_function(&mut self, f: &ast::CreateFunction, at: &At) {
        let q = qname(&f.name);
        let func = Function {
            name: q.clone(),
            sql: without_or_replace(at.text),
            written: AsWritten::default(),
            origin: at.origin.clone(),
        };
        match self.schema.functions.iter_mut().find(|x| x.name == q) {
            Some(existing) => *existing = func,
            None => self.schema.functions.push(func),
        }
    }

    fn create_policy(&mut self, p: &ast::CreatePolicy, at: &At) {
        let table = qname(&p.table);
        let policy = Policy {
            name: p.name.clone(),
            command: match p.command {
                ast::PolicyCommand::All => PolicyCommand::All,
                ast::PolicyCommand::Select => PolicyCommand::Select,
                ast::PolicyCommand::Insert => PolicyCommand::Insert,
                ast::PolicyCommand::Update => PolicyCommand::Update,
                ast::PolicyCommand::Delete => PolicyCommand::Delete,
            },
            permissive: p.permissive,
            roles: public_dropped(&p.roles),
            using: p.using.as_ref().map(|e| e.text.clone()),
            with_check: p.with_check.as_ref().map(|e| e.text.clone()),
            origin: at.origin.clone(),
        };
        let idempotent = self.idempotent;
        match self.table_mut(&table) {
            Some(t) if t.policies.iter().any(|x| x.name == policy.name) => {
                if !idempotent {
                    let msg = format!("policy `{}` on `{table}` already exists", policy.name);
                    self.conflict(at, &msg);
                }
            }
            Some(t) => t.policies.push(policy),
            None => self.unknown(at, &format!("table `{table}`")),
        }
    }

    /// `ALTER POLICY`: only what it names changes.
    fn alter_policy(
        &mut self,
        name: &str,
        table: &ast::Name,
        roles: Option<&[String]>,
        using: Option<&ast::Expr>,
        with_check: Option<&ast::Expr>,
        at: &At,
    ) {
        let table = qname(table);
        let found = self
            .table_mut(&table)
            .and_then(|t| t.policies.iter_mut().find(|p| p.name == name));
        match found {
            Some(p) => {
                if let Some(r) = roles {
                    p.roles = public_dropped(r);
                }
                if let Some(u) = using {
                    p.using = Some(u.text.clone());
                }
                if let Some(w) = with_check {
                    p.with_check = Some(w.text.clone());
                }
            }
            None => self.unknown(at, &format!("policy `{name}` on `{table}`")),
        }
    }

    /// A trigger is kept as its statement, replacing one of the same name on its table.
    fn create_trigger(&mut self, tr: &ast::CreateTrigger, at: &At) {
        let table = qname(&tr.table);
        if self.unmodeled.contains(&table) {
            return;
        }
        let trigger = Trigger {
            name: tr.name.clone(),
            sql: at.text.to_string(),
            written: AsWritten::default(),
            origin: at.origin.clone(),
        };
        match self.table_mut(&table) {
            Some(t) => {
                t.triggers.retain(|x| x.name != trigger.name);
                t.triggers.push(trigger);
            }
            None => self.unknown(at, &format!("table `{table}`")),
        }
    }

    /// A view is kept as its statement; statements on it (indexes of a materialized view,
    /// comments) are skipped like those on other relations the model does not describe.
    fn create_view(&mut self, name: &ast::Name, or_replace: bool, materialized: bool, at: &At) {
        let q = qname(name);
        let view = View {
            name: q.clone(),
            materialized,
            sql: at.text.to_string(),
            written: AsWritten::default(),
            origin: at.origin.clone(),
        };
        match self.schema.views.iter_mut().find(|v| v.name == q) {
            Some(v) if or_replace => *v = view,
            Some(_) if self.idempotent => {}
            Some(_) => self.unsupported(at, &format!("view `{q}` already exists")),
            None => self.schema.views.push(view),
        }
        self.unmodeled.insert(q);
    }

    fn alter_enum(&mut self, name: &ast::Name, change: &EnumChange, at: &At) {
        let q = qname(name);
        let idempotent = self.idempotent;
        let Some(e) = self.schema.enums.iter_mut().find(|e| e.name == q) else {
            return self.unknown(at, &format!("enum type `{q}`"));
        };
        match change {
            EnumChange::AddValue {
                value,
                neighbour,
                if_not_exists,
            } => {
                if e.values.contains(value) {
                    if !if_not_exists && !idempotent {
                        let msg = format!("enum `{q}` already has the value `{value}`");
                        self.conflict(at, &msg);
                    }
                    return;
                }
                let pos = match neighbour {
                    None => Some(e.values.len()),
                    Some((true, b)) => e.values.iter().position(|x| x == b),
                    Some((false, a)) => e.values.iter().position(|x| x == a).map(|i| i + 1),
                };
                match pos {
                    Some(i) => e.values.insert(i, value.clone()),
                    None => self.unknown(at, &format!("the neighbour value in enum `{q}`")),
                }
            }
            EnumChange::RenameValue { from, to } => {
                match e.values.iter_mut().find(|x| *x == from) {
                    Some(x) => *x = to.clone(),
                    None => {
                        let msg = format!("value `{from}` of enum `{q}`");
                        self.unknown(at, &msg)
                    }
                }
            }
        }
    }

    fn rename(&mut self, r: &ast::Rename, at: &At) {
        let object = qname(&r.object);
        if self.unmodeled.contains(&object) {
            if r.sub.is_none() {
                let new = QName {
                    schema: object.schema.clone(),
                    name: r.new_name.clone().into(),
                };
                if let Some(v) = self.schema.views.iter_mut().find(|v| v.name == object) {
                    v.name = new.clone();
                }
                self.unmodeled.remove(&object);
                self.unmodeled.insert(new);
            }
            return;
        }
        match (r.kind, r.object_kind, &r.sub) {
            (ObjectKind::Table, _, None)
                if self.tables.contains_key(&object) || !(r.if_exists || self.idempotent) =>
            {
                self.rename_table(&object, &r.new_name, at)
            }
            (ObjectKind::Column, ObjectKind::Table, Some(old)) => {
                self.rename_column(&object, old, &r.new_name, at)
            }
            (ObjectKind::Constraint, ObjectKind::Table, Some(old)) => {
                self.rename_constraint(&object, old, &r.new_name, at)
            }
            (ObjectKind::Index, _, None) => match self.find_index(&object.name) {
                Some((t, i)) => self.schema.tables[t].indexes[i].name = r.new_name.clone().into(),
                None if r.if_exists => {}
                None => self.unknown(at, &format!("index `{object}`")),
            },
            (ObjectKind::Type | ObjectKind::Domain, _, None) => {
                let new = QName {
                    schema: object.schema.clone(),
                    name: r.new_name.clone().into(),
                };
                if let Some(e) = self.schema.enums.iter_mut().find(|e| e.name == object) {
                    e.name = new.clone();
                    for t in &mut self.schema.tables {
                        for c in &mut t.columns {
                            edits::rename_enum_in_type(&mut c.ty, &object, &new);
                        }
                    }
                } else if let Some(ct) = self
                    .schema
                    .custom_types
                    .iter_mut()
                    .find(|t| t.name == object)
                {
                    ct.name = new;
                } else {
                    self.unknown(at, &format!("type `{object}`"));
                }
            }
            (ObjectKind::Trigger, _, Some(old)) => {
                match self
                    .table_mut(&object)
                    .and_then(|t| t.triggers.iter_mut().find(|x| &x.name == old))
                {
                    Some(tr) => tr.name = r.new_name.clone(),
                    None => self.unknown(at, &format!("trigger `{old}` on `{object}`")),
                }
            }
            (ObjectKind::Policy, _, Some(old)) => {
                match self
                    .table_mut(&object)
                    .and_then(|t| t.policies.iter_mut().find(|x| &x.name == old))
                {
                    Some(p) => p.name = r.new_name.clone(),
                    None => self.unknown(at, &format!("policy `{old}` on `{object}`")),
                }
            }
            (ObjectKind::Function | ObjectKind::Procedure, _, None) => {
                if let Some(f) = self.schema.functions.iter_mut().find(|f| f.name == object) {
                    f.name.name = r.new_name.clone().into();
                }
            }
            (ObjectKind::Schema, _, None) => self.rename_schema(&r.object, &r.new_name),
            // Sequences, views, statistics, rules, roles, columns of views: not modeled.
            _ => {}
        }
    }

    fn rename_schema(&mut self, old: &ast::Name, new: &str) {
        let old = old.last();
        for n in &mut self.schema.namespaces {
            if n.name == old {
                n.name = new.to_string();
            }
        }
        let moved = |q: &mut QName| {
            if q.schema.as_deref() == Some(old) {
                q.schema = Some(new.into());
            }
        };
        for t in &mut self.schema.tables {
            moved(&mut t.name);
            for fk in &mut t.foreign_keys {
                moved(&mut fk.ref_table);
            }
        }
        for e in &mut self.schema.enums {
            moved(&mut e.name);
        }
        for c in &mut self.schema.custom_types {
            moved(&mut c.name);
        }
        for f in &mut self.schema.functions {
            moved(&mut f.name);
        }
        self.reindex();
    }

    fn comment(&mut self, target: &CommentTarget, doc: Option<String>, at: &At) {
        match target {
            CommentTarget::Table(name) => {
                let q = qname(name);
                if self.unmodeled.contains(&q) || self.is_partition(&q) {
                    return;
                }
                match self.table_mut(&q) {
                    Some(t) => t.doc = doc,
                    None => self.unknown(at, &format!("table `{q}`")),
                }
            }
            CommentTarget::Column { table, column } => {
                let q = qname(table);
                if self.unmodeled.contains(&q) || self.is_partition(&q) {
                    return;
                }
                match self
                    .table_mut(&q)
                    .and_then(|t| t.columns.iter_mut().find(|c| c.name == column))
                {
                    Some(c) => c.set_doc(doc.map(String::into_boxed_str)),
                    None => self.unknown(at, &format!("column `{q}.{column}`")),
                }
            }
            CommentTarget::Schema(n) => {
                match self.schema.namespaces.iter_mut().find(|x| &x.name == n) {
                    Some(ns) => ns.doc = doc,
                    None if n == "public" => {}
                    None => self.unknown(at, &format!("schema `{n}`")),
                }
            }
            CommentTarget::Type(name) => {
                let q = qname(name);
                if let Some(e) = self.schema.enums.iter_mut().find(|e| e.name == q) {
                    e.doc = doc;
                }
            }
            CommentTarget::Other(_) => {}
        }
    }

    /// A table that became a partition of another (`PARTITION OF`, `ATTACH PARTITION`): the
    /// model keeps it in its parent's list, not as a table of its own.
    fn is_partition(&self, name: &QName) -> bool {
        self.schema
            .tables
            .iter()
            .any(|t| t.partitions.iter().any(|p| &p.name == name))
    }

    fn find_index(&self, name: &str) -> Option<(usize, usize)> {
        self.schema.tables.iter().enumerate().find_map(|(ti, t)| {
            t.indexes
                .iter()
                .position(|i| i.name == name)
                .map(|ii| (ti, ii))
        })
    }

    fn drop(&mut self, d: &ast::Drop, at: &At) {
        for n in &d.names {
            let q = qname(n);
            if self.unmodeled.remove(&q) {
                self.schema.views.retain(|v| v.name != q);
                continue;
            }
            let found = match d.kind {
                ObjectKind::Table => {
                    let partition = self.is_partition(&q);
                    let before = self.schema.tables.len();
                    self.schema.tables.retain(|t| t.name != q);
                    for t in &mut self.schema.tables {
                        t.partitions.retain(|p| p.name != q);
                        if d.cascade {
                            // CASCADE drops the foreign keys that reference it.
                            t.foreign_keys.retain(|fk| fk.ref_table != q);
                        }
                    }
                    self.reindex();
                    partition || before != self.schema.tables.len()
                }
                ObjectKind::Index => match self.find_index(&q.name) {
                    Some((t, i)) => {
                        self.schema.tables[t].indexes.remove(i);
                        true
                    }
                    None => false,
                },
                ObjectKind::Type | ObjectKind::Domain => {
                    let (e, c) = (self.schema.enums.len(), self.schema.custom_types.len());
                    self.schema.enums.retain(|x| x.name != q);
                    self.schema.custom_types.retain(|x| x.name != q);
                    e != self.schema.enums.len() || c != self.schema.custom_types.len()
                }
                ObjectKind::Schema => {
                    let before = self.schema.namespaces.len();
                    self.schema.namespaces.retain(|x| x.name != q.name);
                    before != self.schema.namespaces.len()
                }
                ObjectKind::Extension => {
                    self.schema.extensions.retain(|x| x.name != q.name);
                    true
                }
                ObjectKind::Function | ObjectKind::Procedure => {
                    self.schema.functions.retain(|x| x.name != q);
                    true
                }
                ObjectKind::Trigger | ObjectKind::Policy => {
                    // `table.name`; SQLite's DROP TRIGGER names no table.
                    let table = (n.parts.len() >= 2).then(|| qname(&n.parent()));
                    let name = n.last().to_string();
                    let trigger = d.kind == ObjectKind::Trigger;
                    let mut found = table.as_ref().is_some_and(|t| self.unmodeled.contains(t));
                    for t in &mut self.schema.tables {
                        if table.as_ref().is_some_and(|q| *q != t.name) {
                            continue;
                        }
                        let before = t.triggers.len() + t.policies.len();
                        if trigger {
                            t.triggers.retain(|x| x.name != name);
                        } else {
                            t.policies.retain(|x| x.name != name);
                        }
                        found |= before != t.triggers.len() + t.policies.len();
                    }
                    found
                }
                // Views, sequences, roles, rules, statistics, ...: not modeled.
                _ => true,
            };
            if !found && !d.if_exists && !self.idempotent {
                self.unknown(at, &format!("{} `{q}`", d.kind.sql().to_lowercase()));
            }
        }
    }

    /// A PL/pgSQL `DO` block: its static statements are replayed in order (statements under
    /// an existence guard tolerantly); anything whose effect depends on data or on SQL built
    /// at run time is reported as unsupported, naming the statement.
    fn do_block(&mut self, block: &ast::DoBlock, at: &At) {
        let Some(program) = &block.program else {
            let msg = format!(
                "a DO block in language `{}` runs code replay cannot follow",
                block.language
            );
            return self.unsupported(at, &msg);
        };
        if let Some(e) = &program.error {
            return self.rejected(at, e);
        }
        for a in &program.actions {
            let (line, column) = at.stmt.body_position(block.offset, a.line, a.column);
            let text = match &a.kind {
                ActionKind::Sql { text, .. } | ActionKind::Rejected { text, .. } => text.as_str(),
                ActionKind::Dynamic { expr } => expr.as_str(),
            };
            let inner = At {
                stmt: at.stmt,
                text,
                origin: Origin {
                    line,
                    column,
                    ..at.origin.clone()
                },
            };
            match &a.kind {
                ActionKind::Dynamic { expr } => {
                    let short: String = expr.chars().take(60).collect();
                    self.unsupported(
                        &inner,
                        &format!("the DO block runs SQL built at run time (`EXECUTE {short}`)"),
                    );
                }
                ActionKind::Rejected { message, .. } => self.rejected(&inner, message),
                ActionKind::Sql { stmt, .. } if !changes_schema(stmt) => {}
                ActionKind::Sql { stmt, .. } if a.guard == Guard::Conditional => self.unsupported(
                    &inner,
                    &format!(
                        "the DO block runs `{}` only under a condition that depends on data",
                        stmt.tag()
                    ),
                ),
                ActionKind::Sql { stmt, .. } => {
                    let before = self.idempotent;
                    self.idempotent = a.guard == Guard::Idempotent;
                    self.statement(stmt, &inner);
                    self.idempotent = before;
                }
            }
        }
    }
}

/// Whether a statement can change what the model describes.
fn changes_schema(s: &Stmt) -> bool {
    !matches!(
        s,
        Stmt::Set { .. }
            | Stmt::Transaction(_)
            | Stmt::Rows { .. }
            | Stmt::Truncate { .. }
            | Stmt::Other { .. }
    )
}

/// Policy roles without `PUBLIC`, which is what no role list means.
fn public_dropped(roles: &[String]) -> Vec<String> {
    roles
        .iter()
        .filter(|r| !r.eq_ignore_ascii_case("public"))
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests;
