//! The diff engine: model A to model B as a list of typed, classified changes.
//!
//! Both models should be normalized first (`sql::normalize::normalize_schema`) so that
//! formatting is never a change. Objects are matched by name; a column's `renamed_from` hint
//! turns a drop-and-add into a rename (renames are never guessed).

pub mod plan;
pub mod sqlite;

use crate::dialect::postgres as pg;
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
    AddEnumValue {
        name: QName,
        value: String,
        after: Option<String>,
    },
    DropEnum {
        name: QName,
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
}

impl Change {
    pub fn risk(&self) -> Risk {
        match self {
            Change::DropTable { .. } | Change::DropColumn { .. } | Change::DropEnum { .. } => {
                Risk::Destructive
            }
            Change::RenameColumn { .. } => Risk::BackwardIncompatible,
            Change::SetNotNull { .. }
            | Change::AlterColumnType { .. }
            | Change::AddConstraint { .. } => Risk::DataDependent,
            Change::DropConstraint { .. }
            | Change::DropIndex { .. }
            | Change::SetRls { .. }
            | Change::AddTrigger { .. }
            | Change::DropTrigger { .. } => Risk::Locking,
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
            Change::DropEnum { name } => format!("drop enum {name}"),
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
        }
    }
}

/// Normalization drops `renamed_from`; put the hints of `source` back so a diff renames
/// instead of dropping and adding.
pub fn restore_rename_hints(normalized: &mut Schema, source: &Schema) {
    let tables: HashMap<&QName, &Table> = source.tables.iter().map(|t| (&t.name, t)).collect();
    for t in &mut normalized.tables {
        let Some(src) = tables.get(&t.name) else {
            continue;
        };
        for c in &mut t.columns {
            c.renamed_from = src.column(&c.name).and_then(|s| s.renamed_from.clone());
        }
    }
}

/// Every constraint of a table by name, with its definition text for comparison.
pub(crate) fn constraints(t: &Table) -> BTreeMap<String, String> {
    use crate::dialect::postgres as pg;
    let mut m = BTreeMap::new();
    if let Some(pk) = &t.primary_key {
        m.insert(pk.name.clone(), pg::primary_key_def(pk));
    }
    for u in &t.uniques {
        m.insert(u.name.clone(), pg::unique_def(u));
    }
    for c in &t.checks {
        m.insert(c.name.clone(), pg::check_def(c));
    }
    for x in &t.excludes {
        m.insert(x.name.clone(), pg::exclude_def(x));
    }
    for fk in &t.foreign_keys {
        m.insert(fk.name.clone(), pg::foreign_key_def(fk));
    }
    m
}

/// The changes that turn `from` into `to`, in a stable order (the planner re-orders them).
pub fn diff(from: &Schema, to: &Schema) -> Vec<Change> {
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
            Some(old) => {
                for (i, v) in e.values.iter().enumerate() {
                    if !old.values.contains(v) {
                        out.push(Change::AddEnumValue {
                            name: e.name.clone(),
                            value: v.clone(),
                            after: i.checked_sub(1).map(|j| e.values[j].clone()),
                        });
                    }
                }
            }
        }
    }
    for f in &to.functions {
        if !from.functions.iter().any(|x| x.name == f.name) {
            out.push(Change::CreateFunction {
                name: f.name.clone(),
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
        diff_table(&mut out, old, t);
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
    out
}

fn diff_table(out: &mut Vec<Change>, old: &Table, new: &Table) {
    let name = &new.name;
    let mut renamed_from: Vec<&str> = Vec::new();
    for c in &new.columns {
        let previous = old.column(&c.name).or_else(|| {
            let from = c.renamed_from.as_deref()?;
            let col = old.column(from)?;
            renamed_from.push(from);
            out.push(Change::RenameColumn {
                table: name.clone(),
                from: from.to_string(),
                to: c.name.clone(),
            });
            Some(col)
        });
        let Some(o) = previous else {
            out.push(Change::AddColumn {
                table: name.clone(),
                column: c.name.clone(),
            });
            continue;
        };
        if o.ty != c.ty {
            out.push(Change::AlterColumnType {
                table: name.clone(),
                column: c.name.clone(),
                from: pg::column_type(&o.ty),
                to: pg::column_type(&c.ty),
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
                table: name.clone(),
                column: c.name.clone(),
            });
        } else if !was_null && is_null {
            out.push(Change::DropNotNull {
                table: name.clone(),
                column: c.name.clone(),
            });
        }
        if o.default != c.default {
            out.push(match c.default {
                Some(_) => Change::SetDefault {
                    table: name.clone(),
                    column: c.name.clone(),
                },
                None => Change::DropDefault {
                    table: name.clone(),
                    column: c.name.clone(),
                },
            });
        }
        if o.doc != c.doc {
            out.push(Change::SetColumnComment {
                table: name.clone(),
                column: c.name.clone(),
            });
        }
    }
    for c in &old.columns {
        if !new.has_column(&c.name) && !renamed_from.contains(&c.name.as_str()) {
            out.push(Change::DropColumn {
                table: name.clone(),
                column: c.name.clone(),
            });
        }
    }
    let (oc, nc) = (constraints(old), constraints(new));
    for (n, def) in &oc {
        if nc.get(n) != Some(def) {
            out.push(Change::DropConstraint {
                table: name.clone(),
                name: n.clone(),
            });
        }
    }
    for (n, def) in &nc {
        if oc.get(n) != Some(def) {
            out.push(Change::AddConstraint {
                table: name.clone(),
                name: n.clone(),
            });
        }
    }
    let idx = |t: &Table| -> BTreeMap<String, String> {
        t.indexes
            .iter()
            .map(|i| (i.name.clone(), pg::create_index(&t.name, i)))
            .collect()
    };
    let (oi, ni) = (idx(old), idx(new));
    for (n, def) in &oi {
        if ni.get(n) != Some(def) {
            out.push(Change::DropIndex {
                table: name.clone(),
                name: n.clone(),
            });
        }
    }
    for (n, def) in &ni {
        if oi.get(n) != Some(def) {
            out.push(Change::AddIndex {
                table: name.clone(),
                name: n.clone(),
            });
        }
    }
    if old.rls != new.rls {
        out.push(Change::SetRls {
            table: name.clone(),
        });
    }
    let pol = |t: &Table| -> BTreeMap<String, String> {
        t.policies
            .iter()
            .map(|p| (p.name.clone(), pg::create_policy(&t.name, p)))
            .collect()
    };
    let (op, np) = (pol(old), pol(new));
    for (n, def) in &op {
        if np.get(n) != Some(def) {
            out.push(Change::DropPolicy {
                table: name.clone(),
                name: n.clone(),
            });
        }
    }
    for (n, def) in &np {
        if op.get(n) != Some(def) {
            out.push(Change::AddPolicy {
                table: name.clone(),
                name: n.clone(),
            });
        }
    }
    let trg = |t: &Table| -> BTreeMap<String, String> {
        t.triggers
            .iter()
            .map(|x| (x.name.clone(), x.sql.clone()))
            .collect()
    };
    let (ot, nt) = (trg(old), trg(new));
    for (n, def) in &ot {
        if nt.get(n) != Some(def) {
            out.push(Change::DropTrigger {
                table: name.clone(),
                name: n.clone(),
            });
        }
    }
    for (n, def) in &nt {
        if ot.get(n) != Some(def) {
            out.push(Change::AddTrigger {
                table: name.clone(),
                name: n.clone(),
            });
        }
    }
    if old.doc != new.doc {
        out.push(Change::SetTableComment {
            table: name.clone(),
        });
    }
}
