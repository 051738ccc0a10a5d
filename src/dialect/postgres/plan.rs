//! The planner: changes in dependency order, written the safe way where a safe way exists.
//!
//! A plan has up to three files: enum values first (a new label cannot be used in the
//! transaction that adds it); the main, transactional file; and a `no-transaction` file for
//! what must not hold locks for long (CREATE/DROP INDEX CONCURRENTLY, VALIDATE CONSTRAINT,
//! NOT NULL through a validated CHECK).
//!
//! Every planned file passes `schemactl guard`: where a change has no safe recipe (a drop, a
//! rename, a rewriting type change), the planner says why in a `-- schemactl:allow CODE
//! <reason>` comment before the statement, and only where the lint really reports it
//! ([`annotate`] lints the planned files to find out).

use super::{self as pg, quote_ident, quote_qname};
use crate::dialect::quote_literal;
use crate::diff::plan::{Plan, PlannedFile};
use crate::diff::{constraints, Change};
use crate::model::*;
use std::collections::HashMap;

/// How long a migration statement may wait for a lock before it gives up, rather than queue
/// every other query on the table behind it.
const LOCK_TIMEOUT: &str = "SET lock_timeout = '5s'";

/// Why a planned statement takes a risk the lint reports (`code`), when no safe recipe exists.
struct Why {
    statement: String,
    code: &'static str,
    reason: String,
}

/// Records that `statement` may be reported as `code`, and why that is the way to do it.
fn accept(why: &mut Vec<Why>, statement: &str, code: &'static str, reason: impl Into<String>) {
    why.push(Why {
        statement: statement.to_string(),
        code,
        reason: reason.into(),
    });
}

/// Pushes `statement` and records why it may be reported as `code`.
fn push_accepted(
    out: &mut Vec<String>,
    why: &mut Vec<Why>,
    statement: String,
    code: &'static str,
    reason: impl Into<String>,
) {
    accept(why, &statement, code, reason);
    out.push(statement);
}

pub fn plan(from: &Schema, to: &Schema) -> Plan {
    let changes = crate::diff::diff(from, to);
    let tables: HashMap<&QName, &Table> = to.tables.iter().map(|t| (&t.name, t)).collect();
    let old_tables: HashMap<&QName, &Table> = from.tables.iter().map(|t| (&t.name, t)).collect();
    let mut enum_values = Vec::new();
    let mut main = Vec::new();
    let mut late = Vec::new(); // statements of the main file that must come after the rest
    let mut concurrent = Vec::new();
    let mut new_tables = Vec::new();
    let mut why: Vec<Why> = Vec::new();

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
            swapped_out.push(swap_enum(&mut main, &mut why, &changes, from, to, name));
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
                let doc = to.namespaces.iter().find(|n| &n.name == name);
                if let Some(doc) = doc.and_then(|n| n.doc.as_ref()) {
                    late.push(format!(
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
            Change::RenameEnumValue { name, from, to } => push_accepted(
                &mut enum_values,
                &mut why,
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
                recreate_column(&mut main, &mut why, &changes, tables[table], column)
            }
            Change::DropGenerated { table, column } => main.push(format!(
                "ALTER TABLE {} ALTER COLUMN {} DROP EXPRESSION",
                quote_qname(table),
                quote_ident(column)
            )),
            Change::CreateTable { table } => new_tables.push(tables[table].clone()),
            Change::RenameColumn { table, from, to } => push_accepted(
                &mut main,
                &mut why,
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
                    let statement = format!(
                        "ALTER TABLE {} ADD COLUMN {}",
                        quote_qname(table),
                        pg::column_def(col)
                    );
                    accept_added_column(&mut why, &statement, col);
                    main.push(statement);
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
                let from_type = old_tables[table]
                    .column(column)
                    .map(|c| pg::column_type(&c.ty))
                    .unwrap_or_default();
                push_accepted(
                    &mut main,
                    &mut why,
                    format!("ALTER TABLE {t} ALTER COLUMN {q} TYPE {to} USING {q}{via}::{to}"),
                    "SG409",
                    format!(
                        "{from_type} to {to} changes how the values are stored, so PostgreSQL \
                         rewrites the table; the lock-free way (a new column, a backfill, a \
                         switch) spans application releases one migration cannot hold"
                    ),
                );
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
            Change::AddConstraint { table, name } => add_constraint(
                &mut main,
                &mut late,
                &mut concurrent,
                &mut why,
                &changes,
                to,
                old_tables.get(table).copied(),
                tables[table],
                name,
            ),
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
            push_accepted(
                &mut main,
                &mut why,
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
    // Dropped tables go children first: a dropped table may still reference another.
    let graph = crate::graph::FkGraph::new(from);
    for node in graph.creation_order().into_iter().rev() {
        let t = graph.table(from, node);
        if changes
            .iter()
            .any(|c| matches!(c, Change::DropTable { table } if table == &t.name))
        {
            push_accepted(
                &mut main,
                &mut why,
                format!("DROP TABLE {}", quote_qname(&t.name)),
                "SG411",
                dropped_reason(&format!("table {}", t.name)),
            );
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
            push_accepted(
                &mut main,
                &mut why,
                format!("DROP TYPE {}", quote_qname(name)),
                "SG411",
                dropped_reason(&format!("enum {name}")),
            );
        }
    }
    for old_type in swapped_out {
        push_accepted(
            &mut main,
            &mut why,
            format!("DROP TYPE {}", quote_qname(&old_type)),
            "SG411",
            "the type swap's leftover: every column was converted to the new type above, so \
             no row holds it any more",
        );
    }
    for c in &changes {
        match c {
            Change::DropNamespace { name } => push_accepted(
                &mut main,
                &mut why,
                format!("DROP SCHEMA {}", quote_ident(name)),
                "SG411",
                dropped_reason(&format!("schema {name}")),
            ),
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
    if !why.is_empty() {
        annotate(&mut files, &why, from, &changes);
    }
    Plan { changes, files }
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
fn accept_added_column(why: &mut Vec<Why>, statement: &str, col: &Column) {
    let computed = if col.generated.is_some() {
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

/// Writes the `-- schemactl:allow` comments: lints the planned files (after the tables they
/// change, so type changes are judged against the old types) and, for each finding the
/// planner gave a reason for, puts the allow before its statement. Findings without one are
/// left for guard to report.
fn annotate(files: &mut [PlannedFile], why: &[Why], from: &Schema, changes: &[Change]) {
    use crate::guard::lint::{lint_with, FolderState};
    use crate::guard::GuardConfig;
    let mut folder = FolderState::default();
    // The lint needs the old column types only for the tables whose columns change type.
    let retyped: Vec<&QName> = changes
        .iter()
        .filter_map(|c| match c {
            Change::AlterColumnType { table, .. } => Some(table),
            _ => None,
        })
        .collect();
    let history = Schema {
        tables: from
            .tables
            .iter()
            .filter(|t| retyped.contains(&&t.name))
            .cloned()
            .collect(),
        ..Schema::default()
    };
    if let Ok(statements) = crate::dialect::Dialect::create(&pg::Postgres, &history) {
        let mut sql = String::new();
        crate::dialect::write_script(&mut sql, &statements);
        folder.learn(&sql, crate::dialect::DialectKind::Postgres);
    }
    let config = GuardConfig::default();
    for f in files.iter_mut() {
        // The line each statement starts on in the file's text.
        let mut starts = Vec::with_capacity(f.statements.len());
        let mut line = 1 + u32::from(f.no_transaction);
        for st in &f.statements {
            starts.push(line);
            line += 1 + st.matches('\n').count() as u32;
        }
        let found = lint_with(&mut folder, "planned.sql", &f.script(""), &config);
        let mut allows: Vec<Vec<(&str, &str)>> = vec![Vec::new(); f.statements.len()];
        for d in &found {
            let Some(i) = d
                .location
                .as_ref()
                .and_then(|l| starts.iter().rposition(|&s| s <= l.line))
            else {
                continue;
            };
            let reason = why
                .iter()
                .find(|w| w.code == d.code && w.statement == f.statements[i]);
            if let Some(w) = reason {
                if !allows[i].iter().any(|(c, _)| *c == w.code) {
                    allows[i].push((w.code, &w.reason));
                }
            }
        }
        for (st, allows) in f.statements.iter_mut().zip(allows) {
            let mut head = String::new();
            for (code, reason) in allows {
                head.push_str(&format!("-- schemactl:allow {code} {reason}\n"));
            }
            st.insert_str(0, &head);
        }
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

/// CHECK and FOREIGN KEY go in NOT VALID and are validated outside the main transaction. A
/// unique key (or a primary key over columns already NOT NULL) is built as an index
/// CONCURRENTLY and attached, unless a foreign key this plan adds leans on it; exclusion
/// constraints have no concurrent build.
#[allow(clippy::too_many_arguments)]
fn add_constraint(
    main: &mut Vec<String>,
    late: &mut Vec<String>,
    concurrent: &mut Vec<String>,
    why: &mut Vec<Why>,
    changes: &[Change],
    to: &Schema,
    old: Option<&Table>,
    t: &Table,
    name: &str,
) {
    let q = quote_qname(&t.name);
    let def = constraints(t)
        .remove(name)
        .expect("diffed constraint exists");
    let validatable =
        t.checks.iter().any(|c| c.name == name) || t.foreign_keys.iter().any(|f| f.name == name);
    if validatable {
        late.push(format!("ALTER TABLE {q} ADD {def} NOT VALID"));
        concurrent.push(format!(
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
    let needed = !columns.is_empty() && leaned_on(changes, to, &t.name, &columns);
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
        concurrent.push(format!(
            "CREATE UNIQUE INDEX CONCURRENTLY {ix} ON {q} ({}){nulls}",
            cols.join(", ")
        ));
        let kind = if key.is_some() {
            "PRIMARY KEY"
        } else {
            "UNIQUE"
        };
        concurrent.push(format!(
            "ALTER TABLE {q} ADD CONSTRAINT {ix} {kind} USING INDEX {ix}"
        ));
        return;
    };
    push_accepted(
        if needed { main } else { late },
        why,
        statement,
        "SG406",
        reason,
    );
}

/// Whether a foreign key this plan adds (on its own or with a new table) references
/// `table (columns)`.
fn leaned_on(changes: &[Change], to: &Schema, table: &QName, columns: &[String]) -> bool {
    let mut wanted: Vec<&String> = columns.iter().collect();
    wanted.sort();
    let references = |fk: &ForeignKey| {
        let mut cols: Vec<&String> = fk.ref_columns.iter().collect();
        cols.sort();
        &fk.ref_table == table && cols == wanted
    };
    changes.iter().any(|c| match c {
        Change::AddConstraint { table: t, name } => to
            .tables
            .iter()
            .filter(|x| &x.name == t)
            .flat_map(|x| &x.foreign_keys)
            .any(|fk| &fk.name == name && references(fk)),
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

/// PostgreSQL 15 cannot change a generation expression: the column is dropped and added with
/// the new one (its values are computed again), and the indexes and checks it took with it
/// come back.
fn recreate_column(
    main: &mut Vec<String>,
    why: &mut Vec<Why>,
    changes: &[Change],
    t: &Table,
    column: &str,
) {
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
    if let Some(doc) = &col.doc {
        main.push(format!(
            "COMMENT ON COLUMN {q}.{} IS {}",
            quote_ident(column),
            quote_literal(doc)
        ));
    }
    let rebuilt = "rebuilt with the regenerated column, in the transaction whose rewrite holds \
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

/// Replaces enum `name` by a new type with the declared labels: the old type is renamed
/// away, the new one created under the name, every column converted through text (a row that
/// holds a removed label fails the migration), and what spells the old type in an expression
/// (a check, a partial or expression index, a policy) dropped before and created after.
/// Returns the old type's temporary name, dropped at the end of the file.
fn swap_enum(
    main: &mut Vec<String>,
    why: &mut Vec<Why>,
    changes: &[Change],
    from: &Schema,
    to: &Schema,
    name: &QName,
) -> QName {
    let e = to.enum_type(name).expect("swapped enum exists");
    let old_name = QName {
        schema: name.schema.clone(),
        name: crate::model::names::fit(format!("{}_old", name.name)),
    };
    push_accepted(
        main,
        why,
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
    let rebuilt = "it spells the enum, so it is rebuilt around the type swap, in the \
                   transaction whose rewrite holds ACCESS EXCLUSIVE on the table anyway";
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
            push_accepted(
                main,
                why,
                format!("DROP INDEX IF EXISTS {schema}{}", quote_ident(&ix.name)),
                "SG402",
                rebuilt,
            );
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
            push_accepted(
                main,
                why,
                format!("ALTER TABLE {q} ALTER COLUMN {c} TYPE {ty} USING {c}::text{array}::{ty}"),
                "SG409",
                "an enum that loses or reorders labels cannot change in place: every row is \
                 converted to the new type, which rewrites the table",
            );
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
                push_accepted(
                    main,
                    why,
                    format!("ALTER TABLE {q} ADD {}", pg::check_def(c)),
                    "SG404",
                    rebuilt,
                );
            }
        }
        for ix in new
            .indexes
            .iter()
            .filter(|i| indexes.iter().any(|o| o.name == i.name))
        {
            if !added_anyway(changes, &new.name, &ix.name) {
                let statement = pg::create_index(&new.name, ix);
                accept(why, &statement, "SG406", rebuilt);
                push_accepted(main, why, statement, "SG402", rebuilt);
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
