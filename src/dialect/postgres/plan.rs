//! The planner: changes in dependency order, written the safe way where a safe way exists.
//!
//! A plan has up to three files: enum values first (a new label cannot be used in the
//! transaction that adds it); the main, transactional file; and a `no-transaction` file for
//! what must not hold locks for long (CREATE/DROP INDEX CONCURRENTLY, VALIDATE CONSTRAINT,
//! NOT NULL through a validated CHECK).
//!
//! Where a change has no safe recipe (a drop, a rename, a rewriting type change), the planner
//! says why (`Plan::accepted`); `generate::annotate` turns that into `-- schemactl:allow CODE
//! <reason>` comments where the lint really reports the statement, so every planned file
//! passes `schemactl guard`.

use super::{self as pg, quote_ident, quote_qname};
use crate::dialect::quote_literal;
use crate::diff::plan::{Accepted, Plan, PlannedFile};
use crate::diff::{constraints, Change};
use crate::model::*;
use std::collections::HashMap;

/// How long a migration statement may wait for a lock before it gives up, rather than queue
/// every other query on the table behind it.
const LOCK_TIMEOUT: &str = "SET lock_timeout = '5s'";

/// Records that `statement` may be reported as `code`, and why that is the way to do it.
fn accept(why: &mut Vec<Accepted>, statement: &str, code: &'static str, reason: impl Into<String>) {
    why.push(Accepted {
        statement: statement.to_string(),
        code,
        reason: reason.into(),
    });
}

/// Pushes `statement` and records why it may be reported as `code`.
fn push_accepted(
    out: &mut Vec<String>,
    why: &mut Vec<Accepted>,
    statement: String,
    code: &'static str,
    reason: impl Into<String>,
) {
    accept(why, &statement, code, reason);
    out.push(statement);
}

/// The migration from `from` to `to`, both normalized.
pub fn plan(from: &Schema, to: &Schema) -> Plan {
    let changes = crate::diff::diff(from, to, &pg::Postgres);
    let mut p = Planner {
        from,
        to,
        changes: &changes,
        tables: to.tables.iter().map(|t| (&t.name, t)).collect(),
        old_tables: from.tables.iter().map(|t| (&t.name, t)).collect(),
        enum_values: Vec::new(),
        main: Vec::new(),
        late: Vec::new(),
        concurrent: Vec::new(),
        new_tables: Vec::new(),
        why: Vec::new(),
        rebuilt_views: views_in_the_way(&changes, to),
    };
    // Drops of changed or removed objects come first so their names are free again.
    p.drop_dependents();
    p.drop_constraints();
    let swapped_out: Vec<QName> = changes
        .iter()
        .filter_map(|c| match c {
            Change::SwapEnum { name, .. } => Some(p.swap_enum(name)),
            _ => None,
        })
        .collect();
    for c in &changes {
        p.change(c);
    }
    p.create_new_tables();
    p.create_views();
    p.drop_columns_and_tables();
    p.drop_types(swapped_out);
    p.drop_namespaces_and_extensions();
    let Planner {
        enum_values,
        main,
        concurrent,
        why,
        ..
    } = p;
    Plan {
        changes,
        files: files(enum_values, main, concurrent),
        accepted: why,
    }
}

/// The planned files, each only when it has statements; the lock timeout opens those that
/// take locks.
fn files(
    enum_values: Vec<String>,
    mut main: Vec<String>,
    mut concurrent: Vec<String>,
) -> Vec<PlannedFile> {
    let mut files = Vec::new();
    if !enum_values.is_empty() {
        files.push(PlannedFile {
            suffix: "_enum_values",
            no_transaction: false,
            statements: enum_values,
        });
    }
    if !main.is_empty() {
        main.insert(0, LOCK_TIMEOUT.to_string());
        files.push(PlannedFile {
            suffix: "",
            no_transaction: false,
            statements: main,
        });
    }
    if !concurrent.is_empty() {
        concurrent.insert(0, LOCK_TIMEOUT.to_string());
        files.push(PlannedFile {
            suffix: "_concurrently",
            no_transaction: true,
            statements: concurrent,
        });
    }
    files
}

/// The plan being written: the two schemas, their change list, and the statements so far,
/// by where they go.
struct Planner<'a> {
    from: &'a Schema,
    to: &'a Schema,
    changes: &'a [Change],
    tables: HashMap<&'a QName, &'a Table>,
    old_tables: HashMap<&'a QName, &'a Table>,
    /// The enum-values file: a new label cannot be used in the transaction that adds it.
    enum_values: Vec<String>,
    main: Vec<String>,
    /// Statements of the main file that must come after the rest (comments, RLS, policies,
    /// triggers, constraints added NOT VALID).
    late: Vec<String>,
    /// The no-transaction file.
    concurrent: Vec<String>,
    new_tables: Vec<Table>,
    why: Vec<Accepted>,
    /// Unchanged views dropped first and created again last, because a change below them
    /// cannot go through while they stand (see [`views_in_the_way`]).
    rebuilt_views: Vec<&'a View>,
}

/// The unchanged views PostgreSQL would not let the plan past: those reading a table a column
/// of which changes type or collation ("cannot alter type of a column used by a view"), or
/// reading a view that is replaced, and the views reading those in turn. In the schema's
/// order. A view is taken to read a table or view its text names.
fn views_in_the_way<'s>(changes: &[Change], to: &'s Schema) -> Vec<&'s View> {
    let mut names: Vec<&str> = Vec::new();
    for c in changes {
        match c {
            Change::AlterColumnType { table, .. } | Change::AlterColumnCollation { table, .. } => {
                names.push(&table.name)
            }
            Change::ReplaceView { name, .. } => names.push(&name.name),
            _ => {}
        }
    }
    if names.is_empty() {
        return Vec::new();
    }
    let touched = |name: &QName| {
        changes.iter().any(|c| {
            matches!(c, Change::CreateView { name: n }
                | Change::ReplaceView { name: n, .. }
                | Change::DropView { name: n, .. } if n == name)
        })
    };
    let kept: Vec<(&View, Vec<String>)> = to
        .views
        .iter()
        .filter(|v| !touched(&v.name))
        .map(|v| (v, crate::sql::column_refs::column_refs(&v.sql)))
        .collect();
    let mut rebuilt = vec![false; kept.len()];
    // Each round adds the views reading what the last one added, until none does.
    loop {
        let mut grew = false;
        for (i, (v, words)) in kept.iter().enumerate() {
            if !rebuilt[i] && words.iter().any(|w| names.contains(&w.as_str())) {
                rebuilt[i] = true;
                names.push(&v.name.name);
                grew = true;
            }
        }
        if !grew {
            break;
        }
    }
    kept.into_iter()
        .zip(rebuilt)
        .filter_map(|((v, _), r)| r.then_some(v))
        .collect()
}

fn drop_view(name: &QName, materialized: bool) -> String {
    let kind = if materialized {
        "MATERIALIZED VIEW"
    } else {
        "VIEW"
    };
    format!("DROP {kind} {}", quote_qname(name))
}

impl Planner<'_> {
    /// Views first of all, since they hold on to the columns and tables they read (those in
    /// the way of a change last declared, first dropped); then the policies and triggers that
    /// go.
    fn drop_dependents(&mut self) {
        for v in self.rebuilt_views.iter().rev() {
            self.main.push(drop_view(&v.name, v.materialized));
        }
        for c in self.changes {
            if let Change::DropView { name, materialized }
            | Change::ReplaceView { name, materialized } = c
            {
                self.main.push(drop_view(name, *materialized));
            }
        }
        for c in self.changes {
            match c {
                Change::DropPolicy { table, name } => self.main.push(format!(
                    "DROP POLICY {} ON {}",
                    quote_ident(name),
                    quote_qname(table)
                )),
                Change::DropTrigger { table, name } => self.main.push(format!(
                    "DROP TRIGGER {} ON {}",
                    quote_ident(name),
                    quote_qname(table)
                )),
                _ => {}
            }
        }
    }

    /// Foreign keys before other constraints: a unique may be what an FK leans on.
    fn drop_constraints(&mut self) {
        let mut drops: Vec<(&QName, &String)> = self
            .changes
            .iter()
            .filter_map(|c| match c {
                Change::DropConstraint { table, name } => Some((table, name)),
                _ => None,
            })
            .collect();
        drops.sort_by_key(|(table, name)| {
            !self
                .old_tables
                .get(table)
                .is_some_and(|t| t.foreign_keys.iter().any(|f| f.name == *name))
        });
        for (table, name) in drops {
            self.main.push(format!(
                "ALTER TABLE {} DROP CONSTRAINT {}",
                quote_qname(table),
                quote_ident(name)
            ));
        }
    }

    /// One change in the list's order (the drops and swaps before have their own passes).
    fn change(&mut self, c: &Change) {
        match c {
            Change::CreateExtension { .. }
            | Change::CreateNamespace { .. }
            | Change::CreateEnum { .. }
            | Change::AddEnumValue { .. }
            | Change::RenameEnumValue { .. }
            | Change::CreateFunction { .. }
            | Change::ReplaceFunction { .. } => self.type_or_function(c),
            Change::AlterGenerated { .. }
            | Change::DropGenerated { .. }
            | Change::CreateTable { .. }
            | Change::RenameColumn { .. }
            | Change::AddColumn { .. }
            | Change::AlterColumnType { .. }
            | Change::AlterColumnCollation { .. }
            | Change::SetNotNull { .. }
            | Change::DropNotNull { .. }
            | Change::SetDefault { .. }
            | Change::DropDefault { .. } => self.table_or_column(c),
            _ => self.table_object(c),
        }
    }

    fn type_or_function(&mut self, c: &Change) {
        match c {
            Change::CreateExtension { name } => self.main.push(format!(
                "CREATE EXTENSION IF NOT EXISTS {}",
                quote_ident(name)
            )),
            Change::CreateNamespace { name } => {
                self.main
                    .push(format!("CREATE SCHEMA {}", quote_ident(name)));
                let doc = self.to.namespaces.iter().find(|n| &n.name == name);
                if let Some(doc) = doc.and_then(|n| n.doc.as_ref()) {
                    self.late.push(format!(
                        "COMMENT ON SCHEMA {} IS {}",
                        quote_ident(name),
                        quote_literal(doc)
                    ));
                }
            }
            Change::CreateEnum { name } => {
                let e = self.to.enum_type(name).expect("diffed enum exists");
                self.main.push(create_enum(name, e));
            }
            Change::AddEnumValue {
                name,
                value,
                after,
                before,
            } => {
                let position = match (after, before) {
                    (Some(a), _) => format!(" AFTER {}", quote_literal(a)),
                    (None, Some(b)) => format!(" BEFORE {}", quote_literal(b)),
                    (None, None) => String::new(),
                };
                self.enum_values.push(format!(
                    "ALTER TYPE {} ADD VALUE {}{position}",
                    quote_qname(name),
                    quote_literal(value)
                ));
            }
            // With the new labels: a label is renamed before another is placed next to it.
            Change::RenameEnumValue { name, from, to } => push_accepted(
                &mut self.enum_values,
                &mut self.why,
                format!(
                    "ALTER TYPE {} RENAME VALUE {} TO {}",
                    quote_qname(name),
                    quote_literal(from),
                    quote_literal(to)
                ),
                "SG412",
                format!(
                    "declared as a rename (enum_value_renamed {from} to {to}): rows keep their \
                     value under the new label, and a label has no other way to change its \
                     name; deploy code that accepts both labels first"
                ),
            ),
            Change::CreateFunction { name } => {
                if let Some(f) = self.to.functions.iter().find(|f| &f.name == name) {
                    self.main.push(f.statement().to_string());
                }
            }
            Change::ReplaceFunction { name } => {
                if let Some(f) = self.to.functions.iter().find(|f| &f.name == name) {
                    self.main.push(or_replace(f.statement()));
                }
            }
            _ => {}
        }
    }

    fn table_or_column(&mut self, c: &Change) {
        match c {
            Change::AlterGenerated { table, column } => self.recreate_column(table, column),
            Change::DropGenerated { table, column } => self.main.push(format!(
                "ALTER TABLE {} ALTER COLUMN {} DROP EXPRESSION",
                quote_qname(table),
                quote_ident(column)
            )),
            Change::CreateTable { table } => self.new_tables.push(self.tables[table].clone()),
            Change::RenameColumn { table, from, to } => push_accepted(
                &mut self.main,
                &mut self.why,
                format!(
                    "ALTER TABLE {} RENAME COLUMN {} TO {}",
                    quote_qname(table),
                    quote_ident(from),
                    quote_ident(to)
                ),
                "SG412",
                format!(
                    "declared as a rename (renamed_from {from}): the data stays, and keeping \
                     both names needs application releases in between that one migration \
                     cannot hold; deploy code that no longer uses {from} first"
                ),
            ),
            Change::AddColumn { table, column } => self.add_column(table, column),
            Change::AlterColumnType {
                table, column, to, ..
            } => self.alter_column_type(table, column, to),
            Change::AlterColumnCollation { table, column, .. } => {
                self.alter_column_collation(table, column)
            }
            Change::SetNotNull { table, column } => {
                set_not_null(&mut self.concurrent, table, column)
            }
            Change::DropNotNull { table, column } => self.main.push(format!(
                "ALTER TABLE {} ALTER COLUMN {} DROP NOT NULL",
                quote_qname(table),
                quote_ident(column)
            )),
            Change::SetDefault { table, column } => {
                let col = self.tables[table]
                    .column(column)
                    .expect("diffed column exists");
                let d = col
                    .default
                    .as_ref()
                    .map(pg::default_value)
                    .unwrap_or_default();
                self.main.push(format!(
                    "ALTER TABLE {} ALTER COLUMN {} SET DEFAULT {d}",
                    quote_qname(table),
                    quote_ident(column)
                ));
            }
            Change::DropDefault { table, column } => self.main.push(format!(
                "ALTER TABLE {} ALTER COLUMN {} DROP DEFAULT",
                quote_qname(table),
                quote_ident(column)
            )),
            _ => {}
        }
    }

    fn add_column(&mut self, table: &QName, column: &str) {
        let col = self.tables[table]
            .column(column)
            .expect("diffed column exists");
        if !col.nullable
            && col.default.is_none()
            && col.generated().is_none()
            && col.identity.is_none()
        {
            // Added nullable; NOT NULL follows through a validated CHECK once rows are filled.
            let mut nullable = col.clone();
            nullable.nullable = true;
            self.main.push(format!(
                "ALTER TABLE {} ADD COLUMN {}",
                quote_qname(table),
                pg::column_def(&nullable)
            ));
            set_not_null(&mut self.concurrent, table, column);
        } else {
            let statement = format!(
                "ALTER TABLE {} ADD COLUMN {}",
                quote_qname(table),
                pg::column_def(col)
            );
            accept_added_column(&mut self.why, &statement, col);
            self.main.push(statement);
        }
    }

    /// The values stay; the indexes on them sort anew, so they are rebuilt.
    fn alter_column_collation(&mut self, table: &QName, column: &str) {
        let col = self.tables[table]
            .column(column)
            .expect("diffed column exists");
        let statement = format!(
            "ALTER TABLE {} ALTER COLUMN {} TYPE {}",
            quote_qname(table),
            quote_ident(column),
            pg::collated_type(col)
        );
        if indexed(self.old_tables[table], column) {
            push_accepted(
                &mut self.main,
                &mut self.why,
                statement,
                "SG409",
                format!(
                    "a new collation sorts {column} differently, so PostgreSQL rebuilds the \
                     indexes on it under the table's lock; a new index built CONCURRENTLY \
                     with the collation, then a switch, spans application releases one \
                     migration cannot hold"
                ),
            );
        } else {
            self.main.push(statement);
        }
    }

    fn alter_column_type(&mut self, table: &QName, column: &str, to: &str) {
        let q = quote_ident(column);
        let t = quote_qname(table);
        let old = self.old_tables[table].column(column);
        let new = self.tables[table].column(column);
        // An old default may not cast to the new type: take it off, change the type, and let
        // the new default (a SetDefault change, when there is one) follow.
        if old.is_some_and(|c| c.default.is_some()) {
            self.main
                .push(format!("ALTER TABLE {t} ALTER COLUMN {q} DROP DEFAULT"));
        }
        // Enums have no cast to other types but through text.
        let is_enum =
            |c: Option<&Column>| c.is_some_and(|c| matches!(c.ty, ColumnType::Enum { .. }));
        let via = if is_enum(old) || is_enum(new) {
            "::text"
        } else {
            ""
        };
        let from_type = old.map(|c| pg::column_type(&c.ty)).unwrap_or_default();
        push_accepted(
            &mut self.main,
            &mut self.why,
            format!("ALTER TABLE {t} ALTER COLUMN {q} TYPE {to} USING {q}{via}::{to}"),
            "SG409",
            format!(
                "{from_type} to {to} changes how the values are stored, so PostgreSQL \
                 rewrites the table; the lock-free way (a new column, a backfill, a \
                 switch) spans application releases one migration cannot hold"
            ),
        );
        // The new default follows here unless a SetDefault change sets it anyway.
        let default_changes = self.changes.iter().any(|c| {
            matches!(c, Change::SetDefault { table: tt, column: cc } if tt == table && cc == column)
        });
        if let Some(d) = new
            .and_then(|c| c.default.as_ref())
            .filter(|_| !default_changes)
        {
            self.main.push(format!(
                "ALTER TABLE {t} ALTER COLUMN {q} SET DEFAULT {}",
                pg::default_value(d)
            ));
        }
    }

    /// Comments, constraints, indexes, RLS, policies and triggers.
    fn table_object(&mut self, c: &Change) {
        match c {
            Change::SetColumnComment { table, column } => {
                let doc = self.tables[table].column(column).and_then(|c| c.doc());
                self.late.push(format!(
                    "COMMENT ON COLUMN {}.{} IS {}",
                    quote_qname(table),
                    quote_ident(column),
                    doc.map_or("NULL".into(), quote_literal)
                ));
            }
            Change::SetTableComment { table } => {
                let doc = self.tables[table].doc.clone();
                self.late.push(format!(
                    "COMMENT ON TABLE {} IS {}",
                    quote_qname(table),
                    doc.map_or("NULL".into(), |d| quote_literal(&d))
                ));
            }
            Change::AddConstraint { table, name } => self.add_constraint(table, name),
            Change::DropIndex { name, table } => self.concurrent.insert(
                0,
                format!(
                    "DROP INDEX CONCURRENTLY IF EXISTS {}{}",
                    schema_prefix(table),
                    quote_ident(name)
                ),
            ),
            Change::AddIndex { table, name } => {
                let ix = self.tables[table]
                    .indexes
                    .iter()
                    .find(|i| i.name == name)
                    .expect("diffed index exists");
                self.concurrent.push(pg::create_index(table, ix).replacen(
                    "INDEX ",
                    "INDEX CONCURRENTLY ",
                    1,
                ));
            }
            Change::SetRls { table } => self.set_rls(table),
            Change::AddPolicy { table, name } => {
                let p = self.tables[table]
                    .policies
                    .iter()
                    .find(|p| &p.name == name)
                    .expect("diffed policy exists");
                self.late.push(pg::create_policy(table, p));
            }
            Change::AddTrigger { table, name } => {
                let t = self.tables[table]
                    .triggers
                    .iter()
                    .find(|t| &t.name == name)
                    .expect("diffed trigger exists");
                self.late.push(t.statement().to_string());
            }
            _ => {}
        }
    }

    fn set_rls(&mut self, table: &QName) {
        let (o, n) = (self.old_tables[table].rls, self.tables[table].rls);
        let q = quote_qname(table);
        if o.enabled != n.enabled {
            self.late.push(format!(
                "ALTER TABLE {q} {} ROW LEVEL SECURITY",
                if n.enabled { "ENABLE" } else { "DISABLE" }
            ));
        }
        if o.forced != n.forced {
            self.late.push(format!(
                "ALTER TABLE {q} {} ROW LEVEL SECURITY",
                if n.forced { "FORCE" } else { "NO FORCE" }
            ));
        }
    }

    /// The new tables as the renderer writes them, then what had to wait for the rest.
    fn create_new_tables(&mut self) {
        if !self.new_tables.is_empty() {
            let sub = Schema {
                tables: std::mem::take(&mut self.new_tables),
                ..Schema::default()
            };
            let created = crate::dialect::Dialect::create(&pg::Postgres, &sub)
                .expect("PostgreSQL renders every model");
            self.main.extend(created.into_iter().map(|s| s.sql));
        }
        self.main.append(&mut self.late);
    }

    /// Views last, in the order the schema declares them (a view may read another).
    fn create_views(&mut self) {
        for v in &self.to.views {
            let created = self.rebuilt_views.iter().any(|r| r.name == v.name)
                || self.changes.iter().any(|c| {
                    matches!(c, Change::CreateView { name } | Change::ReplaceView { name, .. } if name == &v.name)
                });
            if created {
                self.main.push(v.statement().to_string());
            }
        }
    }

    /// Dropped tables go children first: a dropped table may still reference another.
    fn drop_columns_and_tables(&mut self) {
        for c in self.changes {
            if let Change::DropColumn { table, column } = c {
                push_accepted(
                    &mut self.main,
                    &mut self.why,
                    format!(
                        "ALTER TABLE {} DROP COLUMN {}",
                        quote_qname(table),
                        quote_ident(column)
                    ),
                    "SG411",
                    dropped_reason(&format!("column {table}.{column}")),
                );
            }
        }
        let graph = crate::graph::FkGraph::new(self.from);
        for node in graph.creation_order().into_iter().rev() {
            let t = graph.table(self.from, node);
            if self
                .changes
                .iter()
                .any(|c| matches!(c, Change::DropTable { table } if table == &t.name))
            {
                push_accepted(
                    &mut self.main,
                    &mut self.why,
                    format!("DROP TABLE {}", quote_qname(&t.name)),
                    "SG411",
                    dropped_reason(&format!("table {}", t.name)),
                );
            }
        }
    }

    /// Functions before types (a function may use one); a swapped enum's old type last.
    fn drop_types(&mut self, swapped_out: Vec<QName>) {
        for c in self.changes {
            if let Change::DropFunction { name } = c {
                self.main
                    .push(format!("DROP FUNCTION {}", quote_qname(name)));
            }
        }
        for c in self.changes {
            if let Change::DropEnum { name } = c {
                push_accepted(
                    &mut self.main,
                    &mut self.why,
                    format!("DROP TYPE {}", quote_qname(name)),
                    "SG411",
                    dropped_reason(&format!("enum {name}")),
                );
            }
        }
        for old_type in swapped_out {
            push_accepted(
                &mut self.main,
                &mut self.why,
                format!("DROP TYPE {}", quote_qname(&old_type)),
                "SG411",
                "the type swap's leftover: every column was converted to the new type above, so \
                 no row holds it any more",
            );
        }
    }

    /// Schemas and extensions last: everything in them is gone by now.
    fn drop_namespaces_and_extensions(&mut self) {
        for c in self.changes {
            match c {
                Change::DropNamespace { name } => push_accepted(
                    &mut self.main,
                    &mut self.why,
                    format!("DROP SCHEMA {}", quote_ident(name)),
                    "SG411",
                    dropped_reason(&format!("schema {name}")),
                ),
                Change::DropExtension { name } => self
                    .main
                    .push(format!("DROP EXTENSION {}", quote_ident(name))),
                _ => {}
            }
        }
    }
}

/// `CREATE TYPE ... AS ENUM (...)` with the enum's labels.
fn create_enum(name: &QName, e: &EnumType) -> String {
    let values: Vec<String> = e.values.iter().map(|v| quote_literal(v)).collect();
    format!(
        "CREATE TYPE {} AS ENUM ({})",
        quote_qname(name),
        values.join(", ")
    )
}

/// `schema.` for a qualified name's schema, empty for an unqualified one (an index is named
/// in its table's schema).
fn schema_prefix(table: &QName) -> String {
    table
        .schema
        .as_ref()
        .map(|s| format!("{}.", quote_ident(s)))
        .unwrap_or_default()
}

/// Why a drop is planned as it is: the declared schema asks for it, and no form of a drop
/// keeps the data.
fn dropped_reason(what: &str) -> String {
    format!(
        "{what} is no longer declared: dropping it is the change itself, and no form of it keeps \
         the data; deploy code that no longer uses it first"
    )
}

/// Why an added column's value is computed for every existing row (SG410), or why existing
/// rows get the migration's time (SG420), when the declared column asks for it.
fn accept_added_column(why: &mut Vec<Accepted>, statement: &str, col: &Column) {
    let computed = if col.generated().is_some() {
        Some(
            "a stored generated column is computed for every existing row when it is added, \
              and there is no form that fills it later"
                .to_string(),
        )
    } else if col.identity.is_some() {
        Some(
            "an identity column numbers every existing row from its sequence when it is \
              added, and there is no form that fills it later"
                .to_string(),
        )
    } else {
        col.default.as_ref().map(|d| {
            format!(
                "every existing row needs its own value of {}, which PostgreSQL computes while \
                 it rewrites the table; filling it without the rewrite takes batches between \
                 releases",
                pg::default_value(d)
            )
        })
    };
    if let Some(reason) = computed {
        accept(why, statement, "SG410", reason);
    }
    if let Some(d) = &col.default {
        accept(
            why,
            statement,
            "SG420",
            format!(
                "the declared default {} gives existing rows the time this migration runs; the \
                 schema declares no other value for them",
                pg::default_value(d)
            ),
        );
    }
}

/// NOT NULL without a long exclusive lock: a CHECK added NOT VALID, validated under a weaker
/// lock, lets SET NOT NULL skip its full-table scan; then the CHECK goes.
fn set_not_null(out: &mut Vec<String>, table: &QName, column: &str) {
    let t = quote_qname(table);
    let c = quote_ident(column);
    let check = quote_ident(&crate::model::names::check(
        &table.name,
        &format!("{column}_not_null"),
    ));
    out.push(format!(
        "ALTER TABLE {t} ADD CONSTRAINT {check} CHECK ({c} IS NOT NULL) NOT VALID"
    ));
    out.push(format!("ALTER TABLE {t} VALIDATE CONSTRAINT {check}"));
    out.push(format!("ALTER TABLE {t} ALTER COLUMN {c} SET NOT NULL"));
    out.push(format!("ALTER TABLE {t} DROP CONSTRAINT {check}"));
}

impl Planner<'_> {
    /// CHECK and FOREIGN KEY go in NOT VALID and are validated outside the main transaction.
    /// A unique key (or a primary key over columns already NOT NULL) is built as an index
    /// CONCURRENTLY and attached, unless a foreign key this plan adds leans on it; exclusion
    /// constraints have no concurrent build.
    fn add_constraint(&mut self, table: &QName, name: &str) {
        let (t, old) = (self.tables[table], self.old_tables.get(table).copied());
        let q = quote_qname(&t.name);
        let def = constraints(&pg::Postgres, t)
            .remove(name)
            .expect("diffed constraint exists");
        let validatable = t.checks.iter().any(|c| c.name == name)
            || t.foreign_keys.iter().any(|f| f.name == name);
        if validatable {
            self.late
                .push(format!("ALTER TABLE {q} ADD {def} NOT VALID"));
            self.concurrent.push(format!(
                "ALTER TABLE {q} VALIDATE CONSTRAINT {}",
                quote_ident(name)
            ));
            return;
        }
        let unique = t.uniques.iter().find(|u| u.name == name);
        let key = t.primary_key.as_ref().filter(|k| k.name == name);
        let columns = unique
            .map(|u| &u.columns)
            .or(key.map(|k| &k.columns))
            .cloned()
            .unwrap_or_default();
        let statement = format!("ALTER TABLE {q} ADD {def}");
        // A key new foreign keys lean on goes before the tables the plan creates and the keys
        // it adds; the others after them, with the rest of the constraints.
        let needed = !columns.is_empty() && leaned_on(self.changes, self.to, &t.name, &columns);
        let reason = if columns.is_empty() {
            "an exclusion constraint has no concurrent build: its index is built under ACCESS \
             EXCLUSIVE"
                .to_string()
        } else if needed {
            "a foreign key added by this migration needs this key to exist first, and a \
             concurrent build can only run after the migration's transaction"
                .to_string()
        } else if key.is_some()
            && !columns
                .iter()
                .all(|c| old.and_then(|o| o.column(c)).is_some_and(|c| !c.nullable))
        {
            "the key's columns become NOT NULL with it, which scans the table under its lock"
                .to_string()
        } else {
            // Built without blocking writes, then attached (instant).
            let cols: Vec<String> = columns.iter().map(|c| quote_ident(c)).collect();
            let nulls = if unique.is_some_and(|u| u.nulls_not_distinct) {
                " NULLS NOT DISTINCT"
            } else {
                ""
            };
            let ix = quote_ident(name);
            self.concurrent.push(format!(
                "CREATE UNIQUE INDEX CONCURRENTLY {ix} ON {q} ({}){nulls}",
                cols.join(", ")
            ));
            let kind = if key.is_some() {
                "PRIMARY KEY"
            } else {
                "UNIQUE"
            };
            self.concurrent.push(format!(
                "ALTER TABLE {q} ADD CONSTRAINT {ix} {kind} USING INDEX {ix}"
            ));
            return;
        };
        let out = if needed {
            &mut self.main
        } else {
            &mut self.late
        };
        push_accepted(out, &mut self.why, statement, "SG406", reason);
    }
}

/// Whether a foreign key this plan adds (on its own or with a new table) references
/// `table (columns)`.
fn leaned_on(changes: &[Change], to: &Schema, table: &QName, columns: &[Name]) -> bool {
    let mut wanted: Vec<&Name> = columns.iter().collect();
    wanted.sort();
    let references = |fk: &ForeignKey| {
        let mut cols: Vec<&Name> = fk.ref_columns.iter().collect();
        cols.sort();
        &fk.ref_table == table && cols == wanted
    };
    changes.iter().any(|c| match c {
        Change::AddConstraint { table: t, name } => to
            .tables
            .iter()
            .filter(|x| &x.name == t)
            .flat_map(|x| &x.foreign_keys)
            .any(|fk| fk.name == name && references(fk)),
        Change::CreateTable { table: t } => to
            .tables
            .iter()
            .filter(|x| &x.name == t)
            .flat_map(|x| &x.foreign_keys)
            .any(references),
        _ => false,
    })
}

/// `CREATE FUNCTION` as `CREATE OR REPLACE FUNCTION`, so a new body replaces the old one.
fn or_replace(sql: &str) -> String {
    let words: Vec<&str> = sql.split_whitespace().take(3).collect();
    let already = words.len() == 3
        && words[1].eq_ignore_ascii_case("OR")
        && words[2].eq_ignore_ascii_case("REPLACE");
    if already {
        return sql.to_string();
    }
    let rest = sql.trim_start()["CREATE".len()..].to_string();
    format!("CREATE OR REPLACE{rest}")
}

/// Whether an index or key of `t` covers `column`: the columns it names, or those its
/// expressions mention (as the lint reads them).
fn indexed(t: &Table, column: &str) -> bool {
    let part = |p: &IndexPart| match &p.key {
        IndexKey::Column(c) => c == column,
        IndexKey::Expression(e) => mentions(e, column),
    };
    t.primary_key
        .as_ref()
        .is_some_and(|k| k.columns.iter().any(|c| c == column))
        || t.uniques
            .iter()
            .any(|u| u.columns.iter().any(|c| c == column))
        || t.indexes.iter().any(|i| i.parts.iter().any(part))
        || t.excludes
            .iter()
            .any(|x| x.elements.iter().any(|e| mentions(&e.expression, column)))
}

/// Whether `sql` names `column`.
fn mentions(sql: &str, column: &str) -> bool {
    crate::sql::column_refs::column_refs(sql)
        .iter()
        .any(|w| w == column)
}

/// Whether a change in the list already (re)creates the object `name` of `table`.
fn added_anyway(changes: &[Change], table: &QName, name: &str) -> bool {
    changes.iter().any(|c| match c {
        Change::AddConstraint { table: t, name: n }
        | Change::AddIndex { table: t, name: n }
        | Change::AddPolicy { table: t, name: n } => t == table && n == name,
        _ => false,
    })
}

impl Planner<'_> {
    /// PostgreSQL 15 cannot change a generation expression: the column is dropped and added
    /// with the new one (its values are computed again), and the indexes and checks it took
    /// with it come back.
    fn recreate_column(&mut self, table: &QName, column: &str) {
        let (main, why, changes, t) = (
            &mut self.main,
            &mut self.why,
            self.changes,
            self.tables[table],
        );
        let q = quote_qname(&t.name);
        let col = t.column(column).expect("diffed column exists");
        push_accepted(
            main,
            why,
            format!("ALTER TABLE {q} DROP COLUMN {}", quote_ident(column)),
            "SG411",
            "PostgreSQL 15 cannot change a generation expression: the column is dropped and added \
             again with the new one, and its values are computed again from the other columns",
        );
        let add = format!("ALTER TABLE {q} ADD COLUMN {}", pg::column_def(col));
        accept_added_column(why, &add, col);
        main.push(add);
        if let Some(doc) = col.doc() {
            main.push(format!(
                "COMMENT ON COLUMN {q}.{} IS {}",
                quote_ident(column),
                quote_literal(doc)
            ));
        }
        let rebuilt =
            "rebuilt with the regenerated column, in the transaction whose rewrite holds \
                       ACCESS EXCLUSIVE on the table anyway";
        for c in &t.checks {
            if mentions(&c.expression, column) && !added_anyway(changes, &t.name, &c.name) {
                push_accepted(
                    main,
                    why,
                    format!("ALTER TABLE {q} ADD {}", pg::check_def(c)),
                    "SG404",
                    rebuilt,
                );
            }
        }
        for ix in &t.indexes {
            let uses = ix.parts.iter().any(|p| match &p.key {
                IndexKey::Column(c) => c == column,
                IndexKey::Expression(e) => mentions(e, column),
            }) || ix.predicate.as_deref().is_some_and(|p| mentions(p, column))
                || ix.include.iter().any(|c| c == column);
            if uses && !added_anyway(changes, &t.name, &ix.name) {
                let statement = pg::create_index(&t.name, ix);
                accept(why, &statement, "SG406", rebuilt);
                push_accepted(main, why, statement, "SG402", rebuilt);
            }
        }
    }
}

impl Planner<'_> {
    /// Replaces enum `name` by a new type with the declared labels: the old type is renamed
    /// away, the new one created under the name, every column converted through text (a row
    /// that holds a removed label fails the migration), and what spells the old type in an
    /// expression (a check, a partial or expression index, a policy) dropped before and
    /// created after. Returns the old type's temporary name, dropped at the end of the file.
    fn swap_enum(&mut self, name: &QName) -> QName {
        let e = self.to.enum_type(name).expect("swapped enum exists");
        let old_name = QName {
            schema: name.schema.clone(),
            name: crate::model::names::fit(format!("{}_old", name.name)).into(),
        };
        push_accepted(
            &mut self.main,
            &mut self.why,
            format!(
                "ALTER TYPE {} RENAME TO {}",
                quote_qname(name),
                quote_ident(&old_name.name)
            ),
            "SG412",
            format!(
                "the type swap moves the old type aside in this transaction; the new one takes \
                 the name {} at once, so no reader sees it missing",
                name.name
            ),
        );
        self.main.push(create_enum(name, e));
        for old in &self.from.tables {
            let Some(new) = self.tables.get(&old.name).copied() else {
                continue; // dropped with its table
            };
            let columns = enum_columns(old, new, name);
            if columns.is_empty() {
                continue;
            }
            let spellers = Spellers::of(old, &columns, self.changes);
            spellers.drop(&mut self.main, &mut self.why, old);
            convert_columns(&mut self.main, &mut self.why, &old.name, &columns, name);
            spellers.recreate(&mut self.main, &mut self.why, self.changes, new);
        }
        old_name
    }
}

/// Why what spells a swapped enum may be rebuilt as it is.
const REBUILT_AROUND_SWAP: &str = "it spells the enum, so it is rebuilt around the type swap, \
                                   in the transaction whose rewrite holds ACCESS EXCLUSIVE on \
                                   the table anyway";

/// The columns of enum `name` (or arrays of it) on both sides, renamed ones by their new
/// name: a column whose type changes goes through AlterColumnType instead.
fn enum_columns<'t>(old: &'t Table, new: &'t Table, name: &QName) -> Vec<(&'t Column, &'t Column)> {
    let is_it = |ty: &ColumnType| match ty {
        ColumnType::Enum { name: n } => **n == *name,
        ColumnType::Array { element } => {
            matches!(&**element, ColumnType::Enum { name: n } if **n == *name)
        }
        _ => false,
    };
    old.columns
        .iter()
        .filter(|c| is_it(&c.ty))
        .filter_map(|o| {
            let n = new.column(&o.name).or_else(|| {
                new.columns
                    .iter()
                    .find(|n| n.renamed_from() == Some(o.name.as_str()))
            })?;
            is_it(&n.ty).then_some((o, n))
        })
        .collect()
}

/// What spells a swapped enum's columns in an expression, and so must not exist while they
/// change type: checks, partial or expression indexes, policies (those the plan drops anyway
/// excepted).
struct Spellers<'t> {
    checks: Vec<&'t Check>,
    indexes: Vec<&'t Index>,
    policies: Vec<&'t Policy>,
}

impl<'t> Spellers<'t> {
    fn of(old: &'t Table, columns: &[(&Column, &Column)], changes: &[Change]) -> Self {
        let spells = |sql: &str| columns.iter().any(|(o, _)| mentions(sql, &o.name));
        let dropped = |what: &str| {
            changes.iter().any(|c| match c {
                Change::DropConstraint { table: t, name: n }
                | Change::DropPolicy { table: t, name: n } => t == &old.name && n == what,
                _ => false,
            })
        };
        Spellers {
            checks: old
                .checks
                .iter()
                .filter(|c| spells(&c.expression) && !dropped(&c.name))
                .collect(),
            indexes: old
                .indexes
                .iter()
                .filter(|ix| {
                    ix.predicate.as_deref().is_some_and(spells)
                        || ix.parts.iter().any(|p| match &p.key {
                            IndexKey::Expression(e) => spells(e),
                            IndexKey::Column(_) => false,
                        })
                })
                .collect(),
            policies: old
                .policies
                .iter()
                .filter(|p| {
                    (p.using.as_deref().is_some_and(spells)
                        || p.with_check.as_deref().is_some_and(spells))
                        && !dropped(&p.name)
                })
                .collect(),
        }
    }

    fn drop(&self, main: &mut Vec<String>, why: &mut Vec<Accepted>, old: &Table) {
        let q = quote_qname(&old.name);
        for c in &self.checks {
            main.push(format!(
                "ALTER TABLE {q} DROP CONSTRAINT {}",
                quote_ident(&c.name)
            ));
        }
        for ix in &self.indexes {
            push_accepted(
                main,
                why,
                format!(
                    "DROP INDEX IF EXISTS {}{}",
                    schema_prefix(&old.name),
                    quote_ident(&ix.name)
                ),
                "SG402",
                REBUILT_AROUND_SWAP,
            );
        }
        for p in &self.policies {
            main.push(format!("DROP POLICY {} ON {q}", quote_ident(&p.name)));
        }
    }

    /// What was dropped comes back as declared, unless the plan creates it anyway.
    fn recreate(
        &self,
        main: &mut Vec<String>,
        why: &mut Vec<Accepted>,
        changes: &[Change],
        new: &Table,
    ) {
        let q = quote_qname(&new.name);
        for c in new
            .checks
            .iter()
            .filter(|c| self.checks.iter().any(|o| o.name == c.name))
        {
            if !added_anyway(changes, &new.name, &c.name) {
                push_accepted(
                    main,
                    why,
                    format!("ALTER TABLE {q} ADD {}", pg::check_def(c)),
                    "SG404",
                    REBUILT_AROUND_SWAP,
                );
            }
        }
        for ix in new
            .indexes
            .iter()
            .filter(|i| self.indexes.iter().any(|o| o.name == i.name))
        {
            if !added_anyway(changes, &new.name, &ix.name) {
                let statement = pg::create_index(&new.name, ix);
                accept(why, &statement, "SG406", REBUILT_AROUND_SWAP);
                push_accepted(main, why, statement, "SG402", REBUILT_AROUND_SWAP);
            }
        }
        for p in new
            .policies
            .iter()
            .filter(|p| self.policies.iter().any(|o| o.name == p.name))
        {
            if !added_anyway(changes, &new.name, &p.name) {
                main.push(pg::create_policy(&new.name, p));
            }
        }
    }
}

/// Each column of the swapped enum converted to the new type through text, with the declared
/// default (the old one may name a label that is gone).
fn convert_columns(
    main: &mut Vec<String>,
    why: &mut Vec<Accepted>,
    table: &QName,
    columns: &[(&Column, &Column)],
    name: &QName,
) {
    let q = quote_qname(table);
    for (o, n) in columns {
        let c = quote_ident(&o.name);
        if o.default.is_some() {
            main.push(format!("ALTER TABLE {q} ALTER COLUMN {c} DROP DEFAULT"));
        }
        let array = if matches!(o.ty, ColumnType::Array { .. }) {
            "[]"
        } else {
            ""
        };
        let ty = format!("{}{array}", quote_qname(name));
        push_accepted(
            main,
            why,
            format!("ALTER TABLE {q} ALTER COLUMN {c} TYPE {ty} USING {c}::text{array}::{ty}"),
            "SG409",
            "an enum that loses or reorders labels cannot change in place: every row is \
             converted to the new type, which rewrites the table",
        );
        if let Some(d) = &n.default {
            main.push(format!(
                "ALTER TABLE {q} ALTER COLUMN {c} SET DEFAULT {}",
                pg::default_value(d)
            ));
        }
    }
}
