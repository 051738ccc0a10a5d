//! What the distribution-readiness rules (SG5xx) share: the `guard.distribution` settings and
//! how each table would be placed when the database is sharded by the tenant key, Citus style.
//!
//! - **Distributed**: a table carrying the distribution column (`guard.distribution.column`),
//!   sharded by it; the tenant root (`guard.tenant.table`) is distributed by its own
//!   single-column primary key, so its rows sit with the rows that reference them.
//! - **Reference**: a table listed in `guard.distribution.reference_tables`, copied whole to
//!   every node.
//! - **Local**: anything else, which stays on the coordinator node only.

use super::SchemaCx;
use crate::model::Table;
use serde::Deserialize;

/// `guard.distribution`: the rules run only when it names a column.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct DistributionConfig {
    /// The column every distributed table is sharded by (the tenant key, e.g. `biz_id`).
    #[serde(default)]
    pub column: Option<String>,
    /// Tables replicated to every node (`name` or `schema.name`).
    #[serde(default)]
    pub reference_tables: Vec<String>,
    /// The project cannot be distributed this way at all, and why (a SQLite database, a
    /// single-operator system): the rules report nothing.
    #[serde(default)]
    pub not_applicable: Option<String>,
}

impl DistributionConfig {
    /// Mistakes in the section itself.
    pub fn problems(&self) -> Vec<crate::diag::Diagnostic> {
        let bad = |msg: &str, help: &str| {
            crate::diag::Diagnostic::error("config::bad-distribution", msg.to_string())
                .help(help.to_string())
        };
        let mut out = Vec::new();
        match (&self.column, &self.not_applicable) {
            (Some(_), Some(_)) => out.push(bad(
                "guard.distribution has both a column and not_applicable",
                "either the schema is to be distributed by that column, or the rules do not apply (with the reason): keep one",
            )),
            (None, None) => out.push(bad(
                "guard.distribution names no column",
                "give the distribution column (`column: biz_id`), or say why the rules do not apply (`not_applicable: <reason>`)",
            )),
            (Some(c), None) if c.trim().is_empty() => out.push(bad(
                "guard.distribution.column is empty",
                "name the tenant column the tables would be sharded by, e.g. `column: biz_id`",
            )),
            (None, Some(r)) if r.trim().is_empty() => out.push(bad(
                "guard.distribution.not_applicable has no reason",
                "say why the schema is not to be distributed, so reviewers can judge it",
            )),
            _ => {}
        }
        if self.column.is_none() && !self.reference_tables.is_empty() {
            out.push(bad(
                "guard.distribution lists reference_tables but no column",
                "reference tables only mean something next to a distribution column",
            ));
        }
        out
    }
}

/// How a table would be placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement<'a> {
    /// Sharded by this column.
    Distributed(&'a str),
    Reference,
    Local,
}

impl Placement<'_> {
    pub fn word(self) -> &'static str {
        match self {
            Placement::Distributed(_) => "distributed",
            Placement::Reference => "reference",
            Placement::Local => "local",
        }
    }
}

/// The distribution column when the rules apply.
pub fn column<'a>(cx: &SchemaCx<'a>) -> Option<&'a str> {
    let d = cx.config.distribution.as_ref()?;
    if d.not_applicable.is_some() {
        return None;
    }
    d.column.as_deref().filter(|c| !c.trim().is_empty())
}

pub fn is_reference(cx: &SchemaCx<'_>, t: &Table) -> bool {
    cx.config.distribution.as_ref().is_some_and(|d| {
        d.reference_tables
            .iter()
            .any(|r| *r == t.name.to_string() || *r == t.name.name)
    })
}

/// Where `t` would go; `None` when the rules do not apply.
pub fn placement<'a>(cx: &SchemaCx<'a>, t: &'a Table) -> Option<Placement<'a>> {
    let column = column(cx)?;
    if is_reference(cx, t) {
        return Some(Placement::Reference);
    }
    if cx.is_tenant_root(t) {
        if let Some(pk) = &t.primary_key {
            if pk.columns.len() == 1 {
                return Some(Placement::Distributed(pk.columns[0].as_str()));
            }
        }
    }
    if t.has_column(column) {
        return Some(Placement::Distributed(column));
    }
    Some(Placement::Local)
}

/// A note every SG5xx help ends with.
pub const UNTESTED: &str =
    "(checked against Citus's documented restrictions; schemactl is not tested on a Citus cluster)";
