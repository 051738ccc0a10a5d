//! The planner: changes in dependency order, written the safe way where a safe way exists.
//!
//! A plan has up to three files: enum values first (a new label cannot be used in the
//! transaction that adds it); the main, transactional file; and a `no-transaction` file for
//! what must not hold locks for long (CREATE/DROP INDEX CONCURRENTLY, VALIDATE CONSTRAINT,
//! NOT NULL through a validated CHECK).

use super::{constraints, Change, Risk};
use crate::dialect::postgres::{self as pg, quote_ident, quote_qname};
use crate::dialect::quote_literal;
use crate::model::*;
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedFile {
    /// Appended to the migration name: "" for the main file.
    pub suffix: &'static str,
    pub no_transaction: bool,
    pub statements: Vec<String>,
}

impl PlannedFile {
    /// The file's text: the generated-file header, the directive when it needs one, statements.
    pub fn script(&self, header: &str) -> String {
        let mut s = String::from(header);
        if self.no_transaction {
            s.push_str("-- schemactl:no-transaction\n");
        }
        for st in &self.statements {
            s.push_str(st);
            s.push_str(";\n");
        }
        s
    }
}

#[derive(Debug, Clone)]
pub struct Plan {
    pub changes: Vec<Change>,
    pub files: Vec<PlannedFile>,
}

impl Plan {
    /// Nothing to change and nothing to run. Both count: the SQLite planner rebuilds a table
    /// for differences the change list has no kind for (a generated column's expression).
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty() && self.files.is_empty()
    }

    pub fn max_risk(&self) -> Risk {
        self.changes
            .iter()
            .map(Change::risk)
            .max()
            .unwrap_or(Risk::Safe)
    }
}

/// How long a migration statement may wait for a lock before it gives up, rather than queue
/// every other query on the table behind it.
const LOCK_TIMEOUT: &str = "SET lock_timeout = '5s'";

pub fn plan(from: &Schema, to: &Schema) -> Plan {
    let changes = super::diff(from, to);
    let tables: HashMap<&QName, &Table> = to.tables.iter().map(|t| (&t.name, t)).collect();
    let old_tables: HashMap<&QName, &Table> = from.tables.iter().map(|t| (&t.name, t)).collect();
    let mut enum_values = Vec::new();
    let mut main = Vec::new();
    let mut late = Vec::new(); // statements of the main file that must come after the rest
    let mut concurrent = Vec::new();
    let mut new_tables = Vec::new();

    // Drops of changed or removed objects come first so their names are free again; views
    // first of all, since they hold on to the columns and tables they read.
    for c in &changes {
        if let Change::DropView { name, materialized }
        | Change::ReplaceView { name, materialized } = c
        {
            let kind = if *materialized {
                "MATERIALIZED VIEW"
            } else {
                "VIEW"
            };
            main.push(format!("DROP {kind} {}", quote_qname(name)));
        }
    }
    for c in &changes {
        match c {
            Change::DropPolicy { table, name } => main.push(format!(
                "DROP POLICY {} ON {}",
                quote_ident(name),
                quote_qname(table)
            )),
            Change::DropTrigger { table, name } => main.push(format!(
                "DROP TRIGGER {} ON {}",
                quote_ident(name),
                quote_qname(table)
            )),
            _ => {}
        }
    }
    // Foreign keys before other constraints: a unique may be what an FK leans on.
    let mut drops: Vec<&Change> = changes
        .iter()
        .filter(|c| matches!(c, Change::DropConstraint { .. }))
        .collect();
    drops.sort_by_key(|c| match c {
        Change::DropConstraint { table, name } => !old_tables
            .get(table)
            .is_some_and(|t| t.foreign_keys.iter().any(|f| &f.name == name)),
        _ => true,
    });
    for c in drops {
        if let Change::DropConstraint { table, name } = c {
            main.push(format!(
                "ALTER TABLE {} DROP CONSTRAINT {}",
                quote_qname(table),
                quote_ident(name)
            ));
        }
    }

    let mut swapped_out = Vec::new();
    for c in &changes {
        if let Change::SwapEnum { name, .. } = c {
            swapped_out.push(swap_enum(&mut main, &changes, from, to, name));
        }
    }

    for c in &changes {
        match c {
            Change::CreateExtension { name } => main.push(format!(
                "CREATE EXTENSION IF NOT EXISTS {}",
                quote_ident(name)
            )),
            Change::CreateNamespace { name } => {
                main.push(format!("CREATE SCHEMA {}", quote_ident(name)));
                if let Some(doc) = to
                    .namespaces
                    .iter()
                    .find(|n| &n.name == name)
                    .and_then(|n| n.doc.as_ref())
                {
                    main.push(format!(
                        "COMMENT ON SCHEMA {} IS {}",
                        quote_ident(name),
                        quote_literal(doc)
                    ));
                }
            }
            Change::CreateEnum { name } => {
                let e = to.enum_type(name).expect("diffed enum exists");
                let values: Vec<String> = e.values.iter().map(|v| quote_literal(v)).collect();
                main.push(format!(
                    "CREATE TYPE {} AS ENUM ({})",
                    quote_qname(name),
                    values.join(", ")
                ));
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
                enum_values.push(format!(
                    "ALTER TYPE {} ADD VALUE {}{position}",
                    quote_qname(name),
                    quote_literal(value)
                ));
            }
            // With the new labels: a label is renamed before another is placed next to it.
            Change::RenameEnumValue { name, from, to } => enum_values.push(format!(
                "ALTER TYPE {} RENAME VALUE {} TO {}",
                quote_qname(name),
                quote_literal(from),
                quote_literal(to)
            )),
            Change::CreateFunction { name } => {
                if let Some(f) = to.functions.iter().find(|f| &f.name == name) {
                    main.push(f.statement().to_string());
                }
            }
            Change::ReplaceFunction { name } => {
                if let Some(f) = to.functions.iter().find(|f| &f.name == name) {
                    main.push(or_replace(f.statement()));
                }
            }
            Change::AlterGenerated { table, column } => {
                recreate_column(&mut main, &changes, tables[table], column)
            }
            Change::DropGenerated { table, column } => main.push(format!(
                "ALTER TABLE {} ALTER COLUMN {} DROP EXPRESSION",
                quote_qname(table),
                quote_ident(column)
            )),
            Change::CreateTable { table } => new_tables.push(tables[table].clone()),
            Change::RenameColumn { table, from, to } => main.push(format!(
                "ALTER TABLE {} RENAME COLUMN {} TO {}",
                quote_qname(table),
                quote_ident(from),
                quote_ident(to)
            )),
            Change::AddColumn { table, column } => {
                let t = tables[table];
                let col = t.column(column).expect("diffed column exists");
                if !col.nullable
                    && col.default.is_none()
                    && col.generated.is_none()
                    && col.identity.is_none()
                {
                    // Added nullable; NOT NULL follows through a validated CHECK once rows are filled.
                    let mut nullable = col.clone();
                    nullable.nullable = true;
                    main.push(format!(
                        "ALTER TABLE {} ADD COLUMN {}",
                        quote_qname(table),
                        pg::column_def(&nullable)
                    ));
                    set_not_null(&mut concurrent, table, column);
                } else {
                    main.push(format!(
                        "ALTER TABLE {} ADD COLUMN {}",
                        quote_qname(table),
                        pg::column_def(col)
                    ));
                }
            }
            Change::AlterColumnType {
                table, column, to, ..
            } => {
                let q = quote_ident(column);
                let t = quote_qname(table);
                // An old default may not cast to the new type: take it off, change the type,
                // and let the new default (a SetDefault change, when there is one) follow.
                if old_tables[table]
                    .column(column)
                    .is_some_and(|c| c.default.is_some())
                {
                    main.push(format!("ALTER TABLE {t} ALTER COLUMN {q} DROP DEFAULT"));
                }
                // Enums have no cast to other types but through text.
                let is_enum =
                    |c: Option<&Column>| c.is_some_and(|c| matches!(c.ty, ColumnType::Enum { .. }));
                let via = if is_enum(old_tables[table].column(column))
                    || is_enum(tables[table].column(column))
                {
                    "::text"
                } else {
                    ""
                };
                main.push(format!(
                    "ALTER TABLE {t} ALTER COLUMN {q} TYPE {to} USING {q}{via}::{to}"
                ));
                // The new default follows here unless a SetDefault change sets it anyway.
                let default_changes = changes.iter().any(|c| {
                    matches!(c, Change::SetDefault { table: tt, column: cc } if tt == table && cc == column)
                });
                if let Some(d) = tables[table]
                    .column(column)
                    .and_then(|c| c.default.as_ref())
                    .filter(|_| !default_changes)
                {
                    main.push(format!(
                        "ALTER TABLE {t} ALTER COLUMN {q} SET DEFAULT {}",
                        pg::default_value(d)
                    ));
                }
            }
            Change::SetNotNull { table, column } => set_not_null(&mut concurrent, table, column),
            Change::DropNotNull { table, column } => main.push(format!(
                "ALTER TABLE {} ALTER COLUMN {} DROP NOT NULL",
                quote_qname(table),
                quote_ident(column)
            )),
            Change::SetDefault { table, column } => {
                let col = tables[table].column(column).expect("diffed column exists");
                let d = col
                    .default
                    .as_ref()
                    .map(pg::default_value)
                    .unwrap_or_default();
                main.push(format!(
                    "ALTER TABLE {} ALTER COLUMN {} SET DEFAULT {d}",
                    quote_qname(table),
                    quote_ident(column)
                ));
            }
            Change::DropDefault { table, column } => main.push(format!(
                "ALTER TABLE {} ALTER COLUMN {} DROP DEFAULT",
                quote_qname(table),
                quote_ident(column)
            )),
            Change::SetColumnComment { table, column } => {
                let doc = tables[table].column(column).and_then(|c| c.doc.clone());
                late.push(format!(
                    "COMMENT ON COLUMN {}.{} IS {}",
                    quote_qname(table),
                    quote_ident(column),
                    doc.map_or("NULL".into(), |d| quote_literal(&d))
                ));
            }
            Change::SetTableComment { table } => {
                let doc = tables[table].doc.clone();
                late.push(format!(
                    "COMMENT ON TABLE {} IS {}",
                    quote_qname(table),
                    doc.map_or("NULL".into(), |d| quote_literal(&d))
                ));
            }
            Change::AddConstraint { table, name } => {
                add_constraint(&mut late, &mut concurrent, tables[table], name)
            }
            Change::DropIndex { name, table } => {
                let schema = table
                    .schema
                    .as_ref()
                    .map(|s| format!("{}.", quote_ident(s)))
                    .unwrap_or_default();
                concurrent.insert(
                    0,
                    format!(
                        "DROP INDEX CONCURRENTLY IF EXISTS {schema}{}",
                        quote_ident(name)
                    ),
                );
            }
            Change::AddIndex { table, name } => {
                let ix = tables[table]
                    .indexes
                    .iter()
                    .find(|i| &i.name == name)
                    .expect("diffed index exists");
                concurrent.push(pg::create_index(table, ix).replacen(
                    "INDEX ",
                    "INDEX CONCURRENTLY ",
                    1,
                ));
            }
            Change::SetRls { table } => {
                let (o, n) = (old_tables[table].rls, tables[table].rls);
                let q = quote_qname(table);
                if o.enabled != n.enabled {
                    late.push(format!(
                        "ALTER TABLE {q} {} ROW LEVEL SECURITY",
                        if n.enabled { "ENABLE" } else { "DISABLE" }
                    ));
                }
                if o.forced != n.forced {
                    late.push(format!(
                        "ALTER TABLE {q} {} ROW LEVEL SECURITY",
                        if n.forced { "FORCE" } else { "NO FORCE" }
                    ));
                }
            }
            Change::AddPolicy { table, name } => {
                let p = tables[table]
                    .policies
                    .iter()
                    .find(|p| &p.name == name)
                    .expect("diffed policy exists");
                late.push(pg::create_policy(table, p));
            }
            Change::AddTrigger { table, name } => {
                let t = tables[table]
                    .triggers
                    .iter()
                    .find(|t| &t.name == name)
                    .expect("diffed trigger exists");
                late.push(t.statement().to_string());
            }
            _ => {}
        }
    }
    if !new_tables.is_empty() {
        let sub = Schema {
            tables: new_tables,
            ..Schema::default()
        };
        let created = crate::dialect::Dialect::create(&pg::Postgres, &sub)
            .expect("PostgreSQL renders every model");
        main.extend(created.into_iter().map(|s| s.sql));
    }
    main.append(&mut late);
    // Views last, in the order the schema declares them (a view may read another).
    for v in &to.views {
        let created = changes.iter().any(|c| {
            matches!(c, Change::CreateView { name } | Change::ReplaceView { name, .. } if name == &v.name)
        });
        if created {
            main.push(v.statement().to_string());
        }
    }
    for c in &changes {
        if let Change::DropColumn { table, column } = c {
            main.push(format!(
                "ALTER TABLE {} DROP COLUMN {}",
                quote_qname(table),
                quote_ident(column)
            ));
        }
    }
    // Dropped tables go children first: a dropped table may still reference another.
    let graph = crate::graph::FkGraph::new(from);
    for node in graph.creation_order().into_iter().rev() {
        let t = graph.table(from, node);
        if changes
            .iter()
            .any(|c| matches!(c, Change::DropTable { table } if table == &t.name))
        {
            main.push(format!("DROP TABLE {}", quote_qname(&t.name)));
        }
    }
    // Functions before types (a function may use one), schemas and extensions last.
    for c in &changes {
        if let Change::DropFunction { name } = c {
            main.push(format!("DROP FUNCTION {}", quote_qname(name)));
        }
    }
    for c in &changes {
        if let Change::DropEnum { name } = c {
            main.push(format!("DROP TYPE {}", quote_qname(name)));
        }
    }
    for old_type in swapped_out {
        main.push(format!("DROP TYPE {}", quote_qname(&old_type)));
    }
    for c in &changes {
        match c {
            Change::DropNamespace { name } => {
                main.push(format!("DROP SCHEMA {}", quote_ident(name)))
            }
            Change::DropExtension { name } => {
                main.push(format!("DROP EXTENSION {}", quote_ident(name)))
            }
            _ => {}
        }
    }

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
    Plan { changes, files }
}

/// NOT NULL without a long exclusive lock: a CHECK added NOT VALID, validated under a weaker
/// lock, lets SET NOT NULL skip its full-table scan; then the CHECK goes.
fn set_not_null(out: &mut Vec<String>, table: &QName, column: &str) {
    let t = quote_qname(table);
    let c = quote_ident(column);
    let check = quote_ident(&crate::dsl::names::check(
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

/// CHECK and FOREIGN KEY go in NOT VALID and are validated outside the main transaction;
/// the others (keys, exclusions) cannot be, and are added directly.
fn add_constraint(main: &mut Vec<String>, concurrent: &mut Vec<String>, t: &Table, name: &str) {
    let q = quote_qname(&t.name);
    let def = constraints(t)
        .remove(name)
        .expect("diffed constraint exists");
    let validatable =
        t.checks.iter().any(|c| c.name == name) || t.foreign_keys.iter().any(|f| f.name == name);
    if validatable {
        main.push(format!("ALTER TABLE {q} ADD {def} NOT VALID"));
        concurrent.push(format!(
            "ALTER TABLE {q} VALIDATE CONSTRAINT {}",
            quote_ident(name)
        ));
    } else {
        main.push(format!("ALTER TABLE {q} ADD {def}"));
    }
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

/// Whether `sql` names `column`.
fn mentions(sql: &str, column: &str) -> bool {
    crate::sql::normalize::column_refs(sql)
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

/// PostgreSQL 15 cannot change a generation expression: the column is dropped and added with
/// the new one (its values are computed again), and the indexes and checks it took with it
/// come back.
fn recreate_column(main: &mut Vec<String>, changes: &[Change], t: &Table, column: &str) {
    let q = quote_qname(&t.name);
    let col = t.column(column).expect("diffed column exists");
    main.push(format!(
        "ALTER TABLE {q} DROP COLUMN {}",
        quote_ident(column)
    ));
    main.push(format!(
        "ALTER TABLE {q} ADD COLUMN {}",
        pg::column_def(col)
    ));
    if let Some(doc) = &col.doc {
        main.push(format!(
            "COMMENT ON COLUMN {q}.{} IS {}",
            quote_ident(column),
            quote_literal(doc)
        ));
    }
    for c in &t.checks {
        if mentions(&c.expression, column) && !added_anyway(changes, &t.name, &c.name) {
            main.push(format!("ALTER TABLE {q} ADD {}", pg::check_def(c)));
        }
    }
    for ix in &t.indexes {
        let uses = ix.parts.iter().any(|p| match &p.key {
            IndexKey::Column(c) => c == column,
            IndexKey::Expression(e) => mentions(e, column),
        }) || ix.predicate.as_deref().is_some_and(|p| mentions(p, column))
            || ix.include.iter().any(|c| c == column);
        if uses && !added_anyway(changes, &t.name, &ix.name) {
            main.push(pg::create_index(&t.name, ix));
        }
    }
}

/// Replaces enum `name` by a new type with the declared labels: the old type is renamed
/// away, the new one created under the name, every column converted through text (a row that
/// holds a removed label fails the migration), and what spells the old type in an expression
/// (a check, a partial or expression index, a policy) dropped before and created after.
/// Returns the old type's temporary name, dropped at the end of the file.
fn swap_enum(
    main: &mut Vec<String>,
    changes: &[Change],
    from: &Schema,
    to: &Schema,
    name: &QName,
) -> QName {
    let e = to.enum_type(name).expect("swapped enum exists");
    let old_name = QName {
        schema: name.schema.clone(),
        name: crate::dsl::names::fit(format!("{}_old", name.name)),
    };
    main.push(format!(
        "ALTER TYPE {} RENAME TO {}",
        quote_qname(name),
        quote_ident(&old_name.name)
    ));
    let values: Vec<String> = e.values.iter().map(|v| quote_literal(v)).collect();
    main.push(format!(
        "CREATE TYPE {} AS ENUM ({})",
        quote_qname(name),
        values.join(", ")
    ));
    let is_it = |ty: &ColumnType| match ty {
        ColumnType::Enum { name: n } => n == name,
        ColumnType::Array { element } => {
            matches!(&**element, ColumnType::Enum { name: n } if n == name)
        }
        _ => false,
    };
    let dropped = |table: &QName, what: &str| {
        changes.iter().any(|c| match c {
            Change::DropConstraint { table: t, name: n }
            | Change::DropPolicy { table: t, name: n } => t == table && n == what,
            _ => false,
        })
    };
    for old in &from.tables {
        let Some(new) = to.tables.iter().find(|t| t.name == old.name) else {
            continue; // dropped with its table
        };
        let q = quote_qname(&old.name);
        // Columns of the type on both sides (renamed ones by their new name): a column whose
        // type changes goes through AlterColumnType instead.
        let columns: Vec<(&Column, &Column)> = old
            .columns
            .iter()
            .filter(|c| is_it(&c.ty))
            .filter_map(|o| {
                let n = new.column(&o.name).or_else(|| {
                    new.columns
                        .iter()
                        .find(|n| n.renamed_from.as_deref() == Some(o.name.as_str()))
                })?;
                is_it(&n.ty).then_some((o, n))
            })
            .collect();
        if columns.is_empty() {
            continue;
        }
        let spells = |sql: &str| columns.iter().any(|(o, _)| mentions(sql, &o.name));
        let checks: Vec<&Check> = old
            .checks
            .iter()
            .filter(|c| spells(&c.expression) && !dropped(&old.name, &c.name))
            .collect();
        let indexes: Vec<&Index> = old
            .indexes
            .iter()
            .filter(|ix| {
                ix.predicate.as_deref().is_some_and(spells)
                    || ix.parts.iter().any(|p| match &p.key {
                        IndexKey::Expression(e) => spells(e),
                        IndexKey::Column(_) => false,
                    })
            })
            .collect();
        let policies: Vec<&Policy> = old
            .policies
            .iter()
            .filter(|p| {
                (p.using.as_deref().is_some_and(spells)
                    || p.with_check.as_deref().is_some_and(spells))
                    && !dropped(&old.name, &p.name)
            })
            .collect();
        for c in &checks {
            main.push(format!(
                "ALTER TABLE {q} DROP CONSTRAINT {}",
                quote_ident(&c.name)
            ));
        }
        for ix in &indexes {
            let schema = old
                .name
                .schema
                .as_ref()
                .map(|s| format!("{}.", quote_ident(s)))
                .unwrap_or_default();
            main.push(format!(
                "DROP INDEX IF EXISTS {schema}{}",
                quote_ident(&ix.name)
            ));
        }
        for p in &policies {
            main.push(format!("DROP POLICY {} ON {q}", quote_ident(&p.name)));
        }
        for (o, n) in &columns {
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
            main.push(format!(
                "ALTER TABLE {q} ALTER COLUMN {c} TYPE {ty} USING {c}::text{array}::{ty}"
            ));
            // The declared default: the old one may name a label that is gone.
            if let Some(d) = &n.default {
                main.push(format!(
                    "ALTER TABLE {q} ALTER COLUMN {c} SET DEFAULT {}",
                    pg::default_value(d)
                ));
            }
        }
        // What was dropped comes back as declared, unless the plan creates it anyway.
        for c in new
            .checks
            .iter()
            .filter(|c| checks.iter().any(|o| o.name == c.name))
        {
            if !added_anyway(changes, &new.name, &c.name) {
                main.push(format!("ALTER TABLE {q} ADD {}", pg::check_def(c)));
            }
        }
        for ix in new
            .indexes
            .iter()
            .filter(|i| indexes.iter().any(|o| o.name == i.name))
        {
            if !added_anyway(changes, &new.name, &ix.name) {
                main.push(pg::create_index(&new.name, ix));
            }
        }
        for p in new
            .policies
            .iter()
            .filter(|p| policies.iter().any(|o| o.name == p.name))
        {
            if !added_anyway(changes, &new.name, &p.name) {
                main.push(pg::create_policy(&new.name, p));
            }
        }
    }
    old_name
}
