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
pub fn snap(ds: &[Diagnostic]) -> String {
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

/// Asserts each diagnostic points at a source line containing the matching snippet: robust to
/// reformatting, unlike line numbers.
pub fn assert_at(ds: &[Diagnostic], snippets: &[&str]) {
    assert_eq!(ds.len(), snippets.len(), "{ds:#?}");
    let base = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for (d, want) in ds.iter().zip(snippets) {
        let loc = d.location.as_ref().expect("the diagnostic has a location");
        let path = crate::diag::resolve_file(&loc.file, base).expect("source file resolves");
        let text = std::fs::read_to_string(path).expect("source file reads");
        let line = text.lines().nth(loc.line as usize - 1).unwrap_or_default();
        assert!(
            line.contains(want),
            "{} points at `{}`, expected a line with `{want}`",
            d.code,
            line.trim()
        );
    }
}
