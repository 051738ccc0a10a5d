//! Drift: how a live schema differs from the one its migrations describe.
//!
//! Both sides are models read back from a database (the target, and a scratch database that
//! ran the migrations), so every definition is in the server's own spelling and a difference
//! is a real one. Each object is compared by name through its canonical definition text.

use crate::apply::{self, Target};
use crate::diag::Diagnostics;
use crate::diff::Spelling;
use crate::migrate::MigrationDir;
use crate::model::*;
use crate::scratch::{inspect_target, not_compared_target, Scratch};
use crate::sql::normalize_schema;
use serde::Serialize;
use std::collections::BTreeMap;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// Expected by the migrations, absent from the database.
    Missing,
    /// In the database, not in the migrations.
    Unexpected,
    /// Both have it, with different definitions.
    Changed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Difference {
    pub change: Change,
    /// What the object is: `table orders`, `index orders_x on orders`, ...
    pub object: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub found: Option<String>,
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.change {
            Change::Missing => write!(
                f,
                "missing    {}: expected `{}`",
                self.object,
                self.expected.as_deref().unwrap_or("")
            ),
            Change::Unexpected => write!(
                f,
                "unexpected {}: found `{}`",
                self.object,
                self.found.as_deref().unwrap_or("")
            ),
            Change::Changed => write!(
                f,
                "changed    {}:\n             expected `{}`\n             found    `{}`",
                self.object,
                self.expected.as_deref().unwrap_or(""),
                self.found.as_deref().unwrap_or("")
            ),
        }
    }
}

fn compare_maps(
    out: &mut Vec<Difference>,
    what: &str,
    expected: BTreeMap<String, String>,
    found: BTreeMap<String, String>,
) {
    for (name, e) in &expected {
        match found.get(name) {
            None => out.push(Difference {
                change: Change::Missing,
                object: format!("{what} {name}"),
                expected: Some(e.clone()),
                found: None,
            }),
            Some(f) if f != e => out.push(Difference {
                change: Change::Changed,
                object: format!("{what} {name}"),
                expected: Some(e.clone()),
                found: Some(f.clone()),
            }),
            Some(_) => {}
        }
    }
    for (name, f) in &found {
        if !expected.contains_key(name) {
            out.push(Difference {
                change: Change::Unexpected,
                object: format!("{what} {name}"),
                expected: None,
                found: Some(f.clone()),
            });
        }
    }
}

/// Every object of a table with its definition text, keyed by `kind name`: what the dialect
/// spells (columns, constraints, indexes, policies, triggers), then partitions, RLS and the
/// comment.
fn table_objects(spelling: &dyn Spelling, t: &Table) -> Vec<(&'static str, String, String)> {
    let on = format!(" on {}", t.name);
    let mut v: Vec<(&'static str, String, String)> = spelling
        .table_objects(t, |_| true)
        .into_iter()
        .map(|o| (o.kind.noun(), format!("{}{on}", o.name), o.definition))
        .collect();
    for p in &t.partitions {
        v.push(("partition", format!("{}{on}", p.name), p.bound.clone()));
    }
    v.push((
        "row-level security",
        t.name.to_string(),
        format!("enabled: {}, forced: {}", t.rls.enabled, t.rls.forced),
    ));
    v.push((
        "comment",
        format!("on table {}", t.name),
        t.doc.clone().unwrap_or_default(),
    ));
    v
}

fn by_kind(
    objects: Vec<(&'static str, String, String)>,
) -> BTreeMap<&'static str, BTreeMap<String, String>> {
    let mut m: BTreeMap<&'static str, BTreeMap<String, String>> = BTreeMap::new();
    for (kind, name, def) in objects {
        m.entry(kind).or_default().insert(name, def);
    }
    m
}

fn tables_by_name(s: &Schema) -> BTreeMap<String, &Table> {
    s.tables.iter().map(|t| (t.name.to_string(), t)).collect()
}

/// Every difference between what was `expected` and what was `found`, in a stable order.
pub fn compare(expected: &Schema, found: &Schema, spelling: &dyn Spelling) -> Vec<Difference> {
    let mut out = Vec::new();
    let names = |s: &Schema| -> BTreeMap<String, String> {
        s.extensions
            .iter()
            .map(|e| (e.name.clone(), e.name.clone()))
            .collect()
    };
    compare_maps(&mut out, "extension", names(expected), names(found));
    let enums = |s: &Schema| -> BTreeMap<String, String> {
        s.enums
            .iter()
            .map(|e| (e.name.to_string(), e.values.join(", ")))
            .collect()
    };
    compare_maps(&mut out, "enum", enums(expected), enums(found));
    let schemas = |s: &Schema| -> BTreeMap<String, String> {
        s.namespaces
            .iter()
            .map(|n| (n.name.clone(), n.doc.clone().unwrap_or_default()))
            .collect()
    };
    compare_maps(&mut out, "schema", schemas(expected), schemas(found));
    let types = |s: &Schema| -> BTreeMap<String, String> {
        s.custom_types
            .iter()
            .map(|t| {
                let kind = match t.kind {
                    CustomTypeKind::Type => "type",
                    CustomTypeKind::Domain => "domain",
                };
                (t.name.to_string(), format!("{kind} {}", t.definition))
            })
            .collect()
    };
    compare_maps(&mut out, "type", types(expected), types(found));
    let functions = |s: &Schema| -> BTreeMap<String, String> {
        s.functions
            .iter()
            .map(|f| (f.name.to_string(), f.sql.clone()))
            .collect()
    };
    compare_maps(&mut out, "function", functions(expected), functions(found));
    let views = |s: &Schema| -> BTreeMap<String, String> {
        s.views
            .iter()
            .map(|v| (v.name.to_string(), v.sql.clone()))
            .collect()
    };
    compare_maps(&mut out, "view", views(expected), views(found));
    let (te, tf) = (tables_by_name(expected), tables_by_name(found));
    for (name, t) in &te {
        match tf.get(name) {
            None => out.push(Difference {
                change: Change::Missing,
                object: format!("table {name}"),
                expected: Some(format!("{} columns", t.columns.len())),
                found: None,
            }),
            Some(f) => {
                let (mut e_objs, mut f_objs) = (
                    by_kind(table_objects(spelling, t)),
                    by_kind(table_objects(spelling, f)),
                );
                let kinds: Vec<&'static str> = e_objs
                    .keys()
                    .chain(f_objs.keys())
                    .copied()
                    .collect::<std::collections::BTreeSet<_>>()
                    .into_iter()
                    .collect();
                for kind in kinds {
                    compare_maps(
                        &mut out,
                        kind,
                        e_objs.remove(kind).unwrap_or_default(),
                        f_objs.remove(kind).unwrap_or_default(),
                    );
                }
            }
        }
    }
    for (name, t) in &tf {
        if !te.contains_key(name) {
            out.push(Difference {
                change: Change::Unexpected,
                object: format!("table {name}"),
                expected: None,
                found: Some(format!("{} columns", t.columns.len())),
            });
        }
    }
    out
}

/// What `drift` found.
pub struct Drift {
    pub differences: Vec<Difference>,
    /// Objects of kinds the model does not describe (`2 sequences`).
    pub not_compared: Vec<String>,
}

/// The drift pipeline: the migrations `target` has applied run on a scratch database, both
/// are inspected (so both are spelled by the same server), what `prelude` stands in for is
/// left out of both, and the two are compared. Only reads the target.
pub fn check(
    target: &Target,
    dir: &MigrationDir,
    dev_url: Option<&str>,
    prelude: Vec<(String, String)>,
    timeout: Duration,
) -> Result<Drift, Diagnostics> {
    // A tampered folder is refused before any database is touched.
    apply::prepare(dir, target.dialect())?;
    // Compare with the migrations the database has applied, so pending files are not drift.
    let applied_up_to = apply::complete_versions(target, timeout)?.into_iter().max();
    let dialect = target.dialect();
    let mut found = inspect_target(target, timeout)?;
    let not_compared = not_compared_target(target, timeout)?;
    let mut scratch = Scratch::open(dialect, dev_url, timeout)?.with_prelude(prelude);
    // What dev.prelude stands in for (a platform's schemas, another tool's table) is theirs,
    // not drift.
    let prelude = scratch.prelude_schema()?;
    let replayed = scratch.database("drift")?;
    scratch.migrate(&replayed, dir, Some(applied_up_to.unwrap_or(0)))?;
    let mut expected = scratch.inspect(&replayed)?;
    crate::scratch::without_prelude(&mut expected, prelude.as_ref());
    crate::scratch::without_prelude(&mut found, prelude.as_ref());
    Ok(Drift {
        differences: compare_inspected(&expected, &found, dialect),
        not_compared,
    })
}

/// The differences between two inspected models, each normalized first.
pub fn compare_inspected(
    expected: &Schema,
    found: &Schema,
    dialect: DialectKind,
) -> Vec<Difference> {
    compare(
        &normalize_schema(expected, dialect),
        &normalize_schema(found, dialect),
        dialect.dialect(),
    )
}
