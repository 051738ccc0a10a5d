//! Helpers for rule tests: a small clean base schema, running one rule, stable snapshot text.

use super::{check_schema, registry, GuardConfig, Level};
use crate::diag::Diagnostic;
use crate::dsl::*;
use crate::model::Schema;

pub const BIZES: TableRef = TableRef::new("bizes");
pub const USERS: TableRef = TableRef::new("users");

/// `users` and `bizes`, declared the way every rule likes them.
pub fn base() -> SchemaBuilder {
    let mut s = SchemaBuilder::new();
    s.table(USERS)
        .doc("A person who signs in.")
        .global("users span bizes")
        .id_tagged("user")
        .col("email", text().unique())
        .audited();
    s.table(BIZES)
        .doc("The tenant root.")
        .global("the tenant root")
        .id_tagged("biz")
        .col("name", text())
        .audited();
    s
}

/// Builds, panicking with the diagnostics when the model itself is invalid.
pub fn build(s: SchemaBuilder) -> Schema {
    match s.build() {
        Ok(schema) => schema,
        Err(ds) => panic!("test schema does not build:\n{ds}"),
    }
}

/// The config with every rule but `code` turned off.
pub fn only(code: &str, mut config: GuardConfig) -> GuardConfig {
    for r in registry() {
        if r.info.code != code {
            config.severity.insert(r.info.code.to_string(), Level::Off);
        }
    }
    config
}

/// Runs one rule with the default config.
pub fn run(code: &str, schema: &Schema) -> Vec<Diagnostic> {
    run_with(code, schema, GuardConfig::default())
}

pub fn run_with(code: &str, schema: &Schema, config: GuardConfig) -> Vec<Diagnostic> {
    check_schema(schema, &only(code, config))
}

/// Stable text for snapshots: no line numbers, so editing a rule's code above its tests does
/// not churn every snapshot (tests assert the line separately where it matters).
pub fn text(ds: &[Diagnostic]) -> String {
    let mut s = String::new();
    for d in ds {
        s.push_str(&format!("{:?} [{}] {}\n", d.severity, d.code, d.message));
        if let Some(l) = &d.location {
            let file = l.file.rsplit('/').next().unwrap_or(&l.file);
            s.push_str(&format!("  at {file}\n"));
        }
        if let Some(h) = &d.help {
            s.push_str(&format!("  help: {h}\n"));
        }
    }
    s
}

/// The line the diagnostics point at, in order.
pub fn lines(ds: &[Diagnostic]) -> Vec<u32> {
    ds.iter()
        .map(|d| d.location.as_ref().map_or(0, |l| l.line))
        .collect()
}
