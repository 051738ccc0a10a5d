//! The diff engine: model A to model B as a list of typed, classified changes.
//!
//! Both models should be normalized first (`sql::normalize::normalize_schema`) so that
//! formatting is never a change. Objects are matched by name; a column's `renamed_from` hint
//! turns a drop-and-add into a rename (renames are never guessed).

pub mod plan;

use crate::model::*;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// How risky a change is for a live database, most severe last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Risk {
    Safe,
    /// Takes a lock that blocks reads or writes while it runs.
    Locking,
    /// May fail on existing rows (a new NOT NULL, a new unique, a check).
    DataDependent,
    /// Breaks readers or writers still using the old shape (renames).
    BackwardIncompatible,
    /// Loses data.
    Destructive,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Change {
    CreateExtension {
        name: String,
    },
    CreateNamespace {
        name: String,
    },
    CreateEnum {
        name: QName,
    },
    /// A new label, placed after `after` (or before `before` when it comes first).
    AddEnumValue {
        name: QName,
        value: String,
        after: Option<String>,
        before: Option<String>,
    },
    /// A label renamed in place, from a DSL hint.
    RenameEnumValue {
        name: QName,
        from: String,
        to: String,
    },
    /// Labels removed (or reordered, `removed` empty): PostgreSQL can do neither in place, so
    /// the type is swapped for a new one and every column using it is converted.
    SwapEnum {
        name: QName,
        removed: Vec<String>,
    },
    DropEnum {
        name: QName,
    },
    DropExtension {
        name: String,
    },
    DropNamespace {
        name: String,
    },
    DropFunction {
        name: QName,
    },
    /// The same function with another body.
    ReplaceFunction {
        name: QName,
    },
    /// A generated column's expression changed (or a plain column became generated).
    AlterGenerated {
        table: QName,
        column: String,
    },
    /// A generated column became a plain one, keeping its values.
    DropGenerated {
        table: QName,
        column: String,
    },
    CreateTable {
        table: QName,
    },
    DropTable {
        table: QName,
    },
    AddColumn {
        table: QName,
        column: String,
    },
    DropColumn {
        table: QName,
        column: String,
    },
    RenameColumn {
        table: QName,
        from: String,
        to: String,
    },
    AlterColumnType {
        table: QName,
        column: String,
        from: String,
        to: String,
    },
    /// A new `COLLATE` on a column whose type stays: `from` and `to` name the collations
    /// (`default` for the type's own).
    AlterColumnCollation {
        table: QName,
        column: String,
        from: String,
        to: String,
    },
    SetNotNull {
        table: QName,
        column: String,
    },
    DropNotNull {
        table: QName,
        column: String,
    },
    SetDefault {
        table: QName,
        column: String,
    },
    DropDefault {
        table: QName,
        column: String,
    },
    AddConstraint {
        table: QName,
        name: String,
    },
    DropConstraint {
        table: QName,
        name: String,
    },
    AddIndex {
        table: QName,
        name: String,
    },
    DropIndex {
        table: QName,
        name: String,
    },
    SetRls {
        table: QName,
    },
    AddPolicy {
        table: QName,
        name: String,
    },
    DropPolicy {
        table: QName,
        name: String,
    },
    AddTrigger {
        table: QName,
        name: String,
    },
    DropTrigger {
        table: QName,
        name: String,
    },
    SetTableComment {
        table: QName,
    },
    SetColumnComment {
        table: QName,
        column: String,
    },
    CreateFunction {
        name: QName,
    },
    CreateView {
        name: QName,
    },
    DropView {
        name: QName,
        materialized: bool,
    },
    /// The same view with another definition: dropped and created again.
    ReplaceView {
        name: QName,
        materialized: bool,
    },
}

impl Change {
    pub fn risk(&self) -> Risk {
        match self {
            Change::DropTable { .. }
            | Change::DropColumn { .. }
            | Change::DropEnum { .. }
            | Change::DropExtension { .. }
            | Change::DropNamespace { .. } => Risk::Destructive,
            Change::RenameColumn { .. }
            | Change::RenameEnumValue { .. }
            | Change::DropFunction { .. }
            | Change::DropView { .. }
            | Change::ReplaceView { .. } => Risk::BackwardIncompatible,
            Change::SetNotNull { .. }
            | Change::AlterColumnType { .. }
            | Change::AddConstraint { .. }
            | Change::SwapEnum { .. } => Risk::DataDependent,
            Change::DropConstraint { .. }
            | Change::DropIndex { .. }
            | Change::SetRls { .. }
            | Change::AddTrigger { .. }
            | Change::DropTrigger { .. }
            | Change::AlterGenerated { .. }
            | Change::AlterColumnCollation { .. } => Risk::Locking,
            _ => Risk::Safe,
        }
    }

    /// A sentence for reviews.
    pub fn describe(&self) -> String {
        match self {
            Change::CreateExtension { name } => format!("create extension {name}"),
            Change::CreateNamespace { name } => format!("create schema {name}"),
            Change::CreateEnum { name } => format!("create enum {name}"),
            Change::AddEnumValue { name, value, .. } => {
                format!("add value '{value}' to enum {name}")
            }
            Change::RenameEnumValue { name, from, to } => {
                format!("rename value '{from}' of enum {name} to '{to}'")
            }
            Change::SwapEnum { name, removed } if removed.is_empty() => {
                format!("reorder the values of enum {name} (a new type replaces it)")
            }
            Change::SwapEnum { name, removed } => format!(
                "remove value(s) {} from enum {name} (a new type replaces it)",
                removed
                    .iter()
                    .map(|v| format!("'{v}'"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Change::DropEnum { name } => format!("drop enum {name}"),
            Change::DropExtension { name } => format!("drop extension {name}"),
            Change::DropNamespace { name } => format!("drop schema {name}"),
            Change::DropFunction { name } => format!("drop function {name}"),
            Change::ReplaceFunction { name } => format!("replace the body of function {name}"),
            Change::AlterGenerated { table, column } => {
                format!("change the generation expression of {table}.{column}")
            }
            Change::DropGenerated { table, column } => {
                format!("make {table}.{column} a plain column (values kept)")
            }
            Change::CreateTable { table } => format!("create table {table}"),
            Change::DropTable { table } => format!("drop table {table}"),
            Change::AddColumn { table, column } => format!("add column {table}.{column}"),
            Change::DropColumn { table, column } => format!("drop column {table}.{column}"),
            Change::RenameColumn { table, from, to } => {
                format!("rename column {table}.{from} to {to}")
            }
            Change::AlterColumnType {
                table,
                column,
                from,
                to,
            } => format!("change type of {table}.{column} from {from} to {to}"),
            Change::AlterColumnCollation {
                table,
                column,
                from,
                to,
            } => format!("change the collation of {table}.{column} from {from} to {to}"),
            Change::SetNotNull { table, column } => format!("make {table}.{column} NOT NULL"),
            Change::DropNotNull { table, column } => format!("make {table}.{column} nullable"),
            Change::SetDefault { table, column } => format!("set the default of {table}.{column}"),
            Change::DropDefault { table, column } => {
                format!("drop the default of {table}.{column}")
            }
            Change::AddConstraint { table, name } => format!("add constraint {name} on {table}"),
            Change::DropConstraint { table, name } => format!("drop constraint {name} on {table}"),
            Change::AddIndex { table, name } => format!("create index {name} on {table}"),
            Change::DropIndex { table, name } => format!("drop index {name} on {table}"),
            Change::SetRls { table } => format!("change row-level security of {table}"),
            Change::AddPolicy { table, name } => format!("create policy {name} on {table}"),
            Change::DropPolicy { table, name } => format!("drop policy {name} on {table}"),
            Change::AddTrigger { table, name } => format!("create trigger {name} on {table}"),
            Change::DropTrigger { table, name } => format!("drop trigger {name} on {table}"),
            Change::SetTableComment { table } => format!("change the comment of {table}"),
            Change::SetColumnComment { table, column } => {
                format!("change the comment of {table}.{column}")
            }
            Change::CreateFunction { name } => format!("create function {name}"),
            Change::CreateView { name } => format!("create view {name}"),
            Change::DropView { name, .. } => format!("drop view {name}"),
            Change::ReplaceView { name, .. } => {
                format!("replace view {name} (dropped and created again)")
            }
        }
    }
}

/// `schema` without the DSL's rename hints: what a database built from it reads back as.
pub fn without_rename_hints(schema: &Schema) -> Schema {
    let mut s = schema.clone();
    for e in &mut s.enums {
        e.renamed_values.clear();
    }
    for t in &mut s.tables {
        for c in &mut t.columns {
            c.set_renamed_from(None);
        }
    }
    s
}

/// Normalization drops `renamed_from`; put the hints of `source` back so a diff renames
/// instead of dropping and adding.
pub fn restore_rename_hints(normalized: &mut Schema, source: &Schema) {
    for e in &mut normalized.enums {
        if let Some(src) = source.enum_type(&e.name) {
            e.renamed_values = src.renamed_values.clone();
        }
    }
    let tables: HashMap<&QName, &Table> = source.tables.iter().map(|t| (&t.name, t)).collect();
    for t in &mut normalized.tables {
        let Some(src) = tables.get(&t.name) else {
            continue;
        };
        for c in &mut t.columns {
            let from = src.column(&c.name).and_then(|s| s.renamed_from());
            c.set_renamed_from(from.map(Box::from));
        }
    }
}

/// What kind of named table object a definition is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ObjectKind {
    Column,
    PrimaryKey,
    Unique,
    Check,
    Exclusion,
    ForeignKey,
    Index,
    Policy,
    Trigger,
}

impl ObjectKind {
    /// The kind as reports name it.
    pub fn noun(self) -> &'static str {
        match self {
            ObjectKind::Column => "column",
            ObjectKind::PrimaryKey => "primary key",
            ObjectKind::Unique => "unique constraint",
            ObjectKind::Check => "check",
            ObjectKind::Exclusion => "exclusion constraint",
            ObjectKind::ForeignKey => "foreign key",
            ObjectKind::Index => "index",
            ObjectKind::Policy => "policy",
            ObjectKind::Trigger => "trigger",
        }
    }

    pub fn is_constraint(self) -> bool {
        matches!(
            self,
            ObjectKind::PrimaryKey
                | ObjectKind::Unique
                | ObjectKind::Check
                | ObjectKind::Exclusion
                | ObjectKind::ForeignKey
        )
    }
}

/// A named object of a table with the definition text it is compared by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableObject<'t> {
    pub kind: ObjectKind,
    pub name: &'t str,
    pub definition: String,
}

/// How a dialect spells what the diff and drift compare: two objects differ when their
/// definitions do. Each dialect implements it, so neither the diff nor drift spells SQL.
pub trait Spelling: Sync {
    /// A column type as the dialect writes it (`numeric(12,2)`, `text[]`).
    fn column_type(&self, ty: &ColumnType) -> String;

    /// A column's type with its own collation (`text COLLATE "C"`).
    fn collated_type(&self, c: &Column) -> String;

    /// A column's own collation (`"C"`), or `default` for its type's.
    fn collation(&self, c: &Column) -> String;

    /// The columns, constraints, indexes, policies and triggers of `t` of the kinds `want`
    /// selects (only those are spelled), in declaration order by kind, with their definitions.
    fn table_objects<'t>(&self, t: &'t Table, want: fn(ObjectKind) -> bool)
        -> Vec<TableObject<'t>>;
}

/// Every constraint of a table by name, with its definition text for comparison.
pub(crate) fn constraints(spelling: &dyn Spelling, t: &Table) -> BTreeMap<String, String> {
    spelling
        .table_objects(t, ObjectKind::is_constraint)
        .into_iter()
        .map(|o| (o.name.to_string(), o.definition))
        .collect()
}

/// A table's objects other than columns, by what the diff compares them as, each by name
/// with its definition. Spelled once per table: the diff's cost is mostly spelling.
#[derive(Default)]
struct Objects {
    constraints: BTreeMap<String, String>,
    indexes: BTreeMap<String, String>,
    policies: BTreeMap<String, String>,
    triggers: BTreeMap<String, String>,
}

impl Objects {
    fn of(spelling: &dyn Spelling, t: &Table) -> Self {
        let mut out = Objects::default();
        for o in spelling.table_objects(t, |k| k != ObjectKind::Column) {
            let map = match o.kind {
                ObjectKind::Index => &mut out.indexes,
                ObjectKind::Policy => &mut out.policies,
                ObjectKind::Trigger => &mut out.triggers,
                _ => &mut out.constraints,
            };
            map.insert(o.name.to_string(), o.definition);
        }
        out
    }
}

/// The changes that turn `from` into `to`, in a stable order (the planner re-orders them).
pub fn diff(from: &Schema, to: &Schema, spelling: &dyn Spelling) -> Vec<Change> {
    let mut out = Vec::new();
    for e in &to.extensions {
        if !from.extensions.iter().any(|x| x.name == e.name) {
            out.push(Change::CreateExtension {
                name: e.name.clone(),
            });
        }
    }
    for n in &to.namespaces {
        if !from.namespaces.iter().any(|x| x.name == n.name) {
            out.push(Change::CreateNamespace {
                name: n.name.clone(),
            });
        }
    }
    for e in &to.enums {
        match from.enum_type(&e.name) {
            None => out.push(Change::CreateEnum {
                name: e.name.clone(),
            }),
            Some(old) => diff_enum(&mut out, old, e),
        }
    }
    for f in &to.functions {
        match from.functions.iter().find(|x| x.name == f.name) {
            None => out.push(Change::CreateFunction {
                name: f.name.clone(),
            }),
            Some(old)
                if crate::sql::normalize::normalize_tokens(&old.sql)
                    != crate::sql::normalize::normalize_tokens(&f.sql) =>
            {
                out.push(Change::ReplaceFunction {
                    name: f.name.clone(),
                })
            }
            Some(_) => {}
        }
    }
    for v in &to.views {
        match from.views.iter().find(|x| x.name == v.name) {
            None => out.push(Change::CreateView {
                name: v.name.clone(),
            }),
            Some(old) if old.sql != v.sql || old.materialized != v.materialized => {
                out.push(Change::ReplaceView {
                    name: v.name.clone(),
                    materialized: old.materialized,
                })
            }
            Some(_) => {}
        }
    }
    for v in &from.views {
        if !to.views.iter().any(|x| x.name == v.name) {
            out.push(Change::DropView {
                name: v.name.clone(),
                materialized: v.materialized,
            });
        }
    }
    let old_tables: HashMap<&QName, &Table> = from.tables.iter().map(|t| (&t.name, t)).collect();
    for t in &to.tables {
        let Some(old) = old_tables.get(&t.name) else {
            out.push(Change::CreateTable {
                table: t.name.clone(),
            });
            continue;
        };
        diff_table(&mut out, spelling, old, t);
    }
    let new_names: std::collections::HashSet<&QName> = to.tables.iter().map(|t| &t.name).collect();
    for t in &from.tables {
        if !new_names.contains(&t.name) {
            out.push(Change::DropTable {
                table: t.name.clone(),
            });
        }
    }
    for e in &from.enums {
        if to.enum_type(&e.name).is_none() {
            out.push(Change::DropEnum {
                name: e.name.clone(),
            });
        }
    }
    for f in &from.functions {
        if !to.functions.iter().any(|x| x.name == f.name) {
            out.push(Change::DropFunction {
                name: f.name.clone(),
            });
        }
    }
    for n in &from.namespaces {
        if !to.namespaces.iter().any(|x| x.name == n.name) {
            out.push(Change::DropNamespace {
                name: n.name.clone(),
            });
        }
    }
    for e in &from.extensions {
        if !to.extensions.iter().any(|x| x.name == e.name) {
            out.push(Change::DropExtension {
                name: e.name.clone(),
            });
        }
    }
    out
}

/// An enum that exists on both sides: renamed labels (from hints), then new labels placed
/// where they belong; when labels go away or the order cannot be reached by adding, a swap.
fn diff_enum(out: &mut Vec<Change>, old: &EnumType, new: &EnumType) {
    let renames: Vec<&(String, String)> = new
        .renamed_values
        .iter()
        .filter(|(from, to)| old.values.contains(from) && !old.values.contains(to))
        .collect();
    let renamed: Vec<String> = old
        .values
        .iter()
        .map(|v| {
            renames
                .iter()
                .find(|(from, _)| from == v)
                .map_or(v.clone(), |(_, to)| to.clone())
        })
        .collect();
    for (from, to) in &renames {
        out.push(Change::RenameEnumValue {
            name: new.name.clone(),
            from: from.clone(),
            to: to.clone(),
        });
    }
    let removed: Vec<String> = renamed
        .iter()
        .filter(|v| !new.values.contains(v))
        .cloned()
        .collect();
    // Adding can only insert: the labels kept must already be in the declared order.
    let kept: Vec<&String> = new.values.iter().filter(|v| renamed.contains(v)).collect();
    let in_order = renamed
        .iter()
        .filter(|v| new.values.contains(v))
        .eq(kept.iter().copied());
    if !removed.is_empty() || !in_order {
        out.push(Change::SwapEnum {
            name: new.name.clone(),
            removed,
        });
        return;
    }
    for (i, v) in new.values.iter().enumerate() {
        if !renamed.contains(v) {
            out.push(Change::AddEnumValue {
                name: new.name.clone(),
                value: v.clone(),
                after: i.checked_sub(1).map(|j| new.values[j].clone()),
                before: if i == 0 {
                    new.values.get(1).cloned()
                } else {
                    None
                },
            });
        }
    }
}

fn diff_table(out: &mut Vec<Change>, spelling: &dyn Spelling, old: &Table, new: &Table) {
    let renamed_from = diff_columns(out, spelling, old, new);
    for c in &old.columns {
        if !new.has_column(&c.name) && !renamed_from.contains(&c.name.as_str()) {
            out.push(Change::DropColumn {
                table: new.name.clone(),
                column: c.name.to_string(),
            });
        }
    }
    let table = &new.name;
    let (o, n) = (Objects::of(spelling, old), Objects::of(spelling, new));
    push_replaced(
        out,
        table,
        (&o.constraints, &n.constraints),
        |table, name| Change::DropConstraint { table, name },
        |table, name| Change::AddConstraint { table, name },
    );
    push_replaced(
        out,
        table,
        (&o.indexes, &n.indexes),
        |table, name| Change::DropIndex { table, name },
        |table, name| Change::AddIndex { table, name },
    );
    if old.rls != new.rls {
        out.push(Change::SetRls {
            table: table.clone(),
        });
    }
    push_replaced(
        out,
        table,
        (&o.policies, &n.policies),
        |table, name| Change::DropPolicy { table, name },
        |table, name| Change::AddPolicy { table, name },
    );
    push_replaced(
        out,
        table,
        (&o.triggers, &n.triggers),
        |table, name| Change::DropTrigger { table, name },
        |table, name| Change::AddTrigger { table, name },
    );
    if old.doc != new.doc {
        out.push(Change::SetTableComment {
            table: table.clone(),
        });
    }
}

/// The changes for `table`'s objects of one kind that go (gone or changed: `drop`), then
/// those that come (new or changed: `add`), each by name in name order.
fn push_replaced(
    out: &mut Vec<Change>,
    table: &QName,
    (old, new): (&BTreeMap<String, String>, &BTreeMap<String, String>),
    drop: fn(QName, String) -> Change,
    add: fn(QName, String) -> Change,
) {
    for (name, def) in old {
        if new.get(name) != Some(def) {
            out.push(drop(table.clone(), name.clone()));
        }
    }
    for (name, def) in new {
        if old.get(name) != Some(def) {
            out.push(add(table.clone(), name.clone()));
        }
    }
}

/// The changes to `new`'s columns, in its column order; returns the old names of renamed
/// columns (they are not dropped).
fn diff_columns<'o>(
    out: &mut Vec<Change>,
    spelling: &dyn Spelling,
    old: &'o Table,
    new: &Table,
) -> Vec<&'o str> {
    let name = &new.name;
    let mut renamed_from: Vec<&str> = Vec::new();
    for c in &new.columns {
        let previous = old.column(&c.name).or_else(|| {
            let from = c.renamed_from()?;
            let col = old.column(from)?;
            renamed_from.push(col.name.as_str());
            out.push(Change::RenameColumn {
                table: name.clone(),
                from: from.to_string(),
                to: c.name.to_string(),
            });
            Some(col)
        });
        match previous {
            Some(o) => diff_column(out, spelling, (old, o), (new, c)),
            None => out.push(Change::AddColumn {
                table: name.clone(),
                column: c.name.to_string(),
            }),
        }
    }
    renamed_from
}

/// The changes to one column that exists on both sides (under its old name on the old one).
fn diff_column(
    out: &mut Vec<Change>,
    spelling: &dyn Spelling,
    (old, o): (&Table, &Column),
    (new, c): (&Table, &Column),
) {
    let table = || new.name.clone();
    let column = || c.name.to_string();
    if o.generated() != c.generated() {
        out.push(match c.generated() {
            Some(_) => Change::AlterGenerated {
                table: table(),
                column: column(),
            },
            None => Change::DropGenerated {
                table: table(),
                column: column(),
            },
        });
        // Dropped and added again, the column takes the new type with it.
        if c.generated().is_some() {
            return;
        }
    }
    if o.ty != c.ty {
        // The new type takes the column's collation with it.
        out.push(Change::AlterColumnType {
            table: table(),
            column: column(),
            from: spelling.collated_type(o),
            to: spelling.collated_type(c),
        });
    } else if o.collation() != c.collation() {
        out.push(Change::AlterColumnCollation {
            table: table(),
            column: column(),
            from: spelling.collation(o),
            to: spelling.collation(c),
        });
    }
    let pk = |t: &Table, col: &str| {
        t.primary_key
            .as_ref()
            .is_some_and(|p| p.columns.iter().any(|x| x == col))
    };
    let (was_null, is_null) = (
        o.nullable && !pk(old, &o.name),
        c.nullable && !pk(new, &c.name),
    );
    if was_null && !is_null {
        out.push(Change::SetNotNull {
            table: table(),
            column: column(),
        });
    } else if !was_null && is_null {
        out.push(Change::DropNotNull {
            table: table(),
            column: column(),
        });
    }
    if o.default != c.default {
        out.push(match c.default {
            Some(_) => Change::SetDefault {
                table: table(),
                column: column(),
            },
            None => Change::DropDefault {
                table: table(),
                column: column(),
            },
        });
    }
    if o.doc() != c.doc() {
        out.push(Change::SetColumnComment {
            table: table(),
            column: column(),
        });
    }
}
