//! Bad declarations are reported when the model is built: all at once, each at its DSL line,
//! and `generate` writes nothing.

use schemactl::diag::{render_all, Style};
use schemactl::prelude::*;
use std::path::Path;

const PARENTS: TableRef = TableRef::new("parents");
const CHILDREN: TableRef = TableRef::new("children");
const MISSING: TableRef = TableRef::new("prents");

fn parents(s: &mut SchemaBuilder) {
    s.table(PARENTS)
        .doc("parent")
        .id_tagged("parent")
        .col("code", integer());
}

/// The 1-based line of this file holding `needle` (once), so tests name lines by content.
fn line_of(needle: &str) -> u32 {
    let src = include_str!("dsl_errors.rs");
    let hits: Vec<usize> = src
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains(needle) && !l.contains("line_of("))
        .map(|(i, _)| i + 1)
        .collect();
    assert_eq!(hits.len(), 1, "`{needle}` must occur once");
    hits[0] as u32
}

/// The rendered report of a schema that must fail to build.
fn report(result: Result<Schema, Diagnostics>) -> (Diagnostics, String) {
    let ds = result.expect_err("the schema must be rejected");
    let text = render_all(&ds, Path::new(env!("CARGO_MANIFEST_DIR")), Style::Plain);
    (ds, text)
}

fn missing_table() -> Result<Schema, Diagnostics> {
    let mut s = SchemaBuilder::new();
    parents(&mut s);
    s.table(CHILDREN)
        .doc("child")
        .id_tagged("child")
        .col("parent_id", text())
        .fk(["parent_id"], MISSING, ["id"]);
    s.build()
}

#[test]
fn reference_to_a_missing_table_names_the_dsl_line() {
    let (ds, text) = report(missing_table());
    assert_eq!(ds.len(), 1);
    let d = &ds.0[0];
    assert_eq!(d.code, "schema::missing-table");
    let loc = d.location.as_ref().unwrap();
    assert_eq!(loc.file, "tests/dsl_errors.rs");
    assert_eq!(loc.line, line_of(".fk([\"parent_id\"], MISSING"));
    insta::assert_snapshot!(text);
}

fn bad_columns_everywhere() -> Result<Schema, Diagnostics> {
    let mut s = SchemaBuilder::new();
    parents(&mut s);
    s.table(CHILDREN)
        .doc("child")
        .id_tagged("child")
        .col("parent_id", text())
        .col("parent_code", text())
        .fk(["parent_id"], PARENTS, ["idd"])
        .fk(["parent_code"], PARENTS, ["code"])
        .index(["parnt_id"]);
    s.build()
}

#[test]
fn missing_columns_type_mismatch_and_non_unique_targets_are_all_reported() {
    let (ds, text) = report(bad_columns_everywhere());
    let codes: Vec<&str> = ds.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(
        codes,
        [
            "schema::missing-column",       // index on parnt_id
            "schema::missing-column",       // fk to parents.idd
            "schema::fk-type-mismatch",     // text -> integer
            "schema::fk-target-not-unique"  // parents.code is not a key
        ],
        "{text}"
    );
    let lines: Vec<u32> = ds
        .iter()
        .map(|d| d.location.as_ref().unwrap().line)
        .collect();
    let fk_idd = line_of("PARENTS, [\"idd\"]");
    let fk_code = line_of("PARENTS, [\"code\"]");
    assert_eq!(lines, [line_of("[\"parnt_id\"]"), fk_idd, fk_code, fk_code]);
    insta::assert_snapshot!(text);
}

fn arity_mismatch() -> Result<Schema, Diagnostics> {
    let mut s = SchemaBuilder::new();
    parents(&mut s);
    s.table(CHILDREN)
        .doc("child")
        .id_tagged("child")
        .col("parent_id", text())
        .push_fk_for_test();
    s.build()
}

trait ArityProbe {
    fn push_fk_for_test(&mut self) -> &mut Self;
}

impl ArityProbe for TableBuilder<'_> {
    #[track_caller]
    fn push_fk_for_test(&mut self) -> &mut Self {
        // Const generics make a mismatched arity a compile error in `.fk(..)`; the spec
        // builder is the way to get one past the compiler, so it must be caught at build.
        self.fk_spec(FkSpec::new(&["parent_id"], PARENTS, &["id", "code"]))
    }
}

#[test]
fn foreign_key_arity_mismatch_is_reported() {
    let (ds, _) = report(arity_mismatch());
    assert_eq!(ds.0[0].code, "schema::fk-arity");
    assert_eq!(
        ds.0[0].location.as_ref().unwrap().line,
        line_of(".push_fk_for_test();")
    );
}

fn duplicates() -> Result<Schema, Diagnostics> {
    let mut s = SchemaBuilder::new();
    parents(&mut s);
    s.table(PARENTS).doc("again").id_tagged("parent");
    s.table(CHILDREN)
        .doc("child")
        .id_tagged("child")
        .col("name", text())
        .col("name", text()) // declared twice
        .index_with(["name"], |i| i.named("parents_pkey"));
    s.build()
}

#[test]
fn duplicate_tables_columns_and_relation_names_are_reported() {
    let (ds, text) = report(duplicates());
    let found: Vec<(&str, u32)> = ds
        .iter()
        .map(|d| (d.code.as_str(), d.location.as_ref().unwrap().line))
        .collect();
    assert!(
        found.contains(&("schema::duplicate", line_of("doc(\"again\")"))),
        "{text}"
    );
    assert!(
        found.contains(&("schema::duplicate", line_of("declared twice"))),
        "{text}"
    );
    assert!(
        found.contains(&("schema::duplicate", line_of("named(\"parents_pkey\")"))),
        "{text}"
    );
    insta::assert_snapshot!(text);
}

const TOO_LONG: TableRef =
    TableRef::new("a_table_whose_name_is_far_too_long_for_postgresql_to_keep_it_whole");

fn long_identifier() -> Result<Schema, Diagnostics> {
    let mut s = SchemaBuilder::new();
    s.table(TOO_LONG)
        .doc("long")
        .global("test")
        .col("id", text());
    s.build()
}

#[test]
fn identifiers_over_63_bytes_are_reported() {
    let (ds, text) = report(long_identifier());
    assert!(
        ds.iter().any(|d| d.code == "schema::identifier-too-long"
            && d.location.as_ref().unwrap().line == line_of("s.table(TOO_LONG)")),
        "{text}"
    );
}

fn tenant_ref_to_global_table() -> Result<Schema, Diagnostics> {
    let mut s = SchemaBuilder::new();
    s.table(TableRef::new("bizes"))
        .doc("tenants")
        .global("root")
        .id_tagged("biz");
    s.table(TableRef::new("users"))
        .doc("users")
        .global("root")
        .id_tagged("user");
    s.table(CHILDREN)
        .doc("child")
        .tenant_scoped()
        .id_tagged("child")
        .tenant_ref("owner_id", TableRef::new("users"));
    s.build()
}

#[test]
fn tenant_reference_to_a_table_without_the_tenant_key_is_refused() {
    let (ds, text) = report(tenant_ref_to_global_table());
    let codes: Vec<&str> = ds.iter().map(|d| d.code.as_str()).collect();
    assert!(
        codes.contains(&"schema::tenant-ref-to-untenanted"),
        "{text}"
    );
    assert!(
        ds.iter()
            .all(|d| d.location.as_ref().unwrap().line == line_of("tenant_ref(\"owner_id\"")),
        "{text}"
    );
}

#[test]
fn generate_writes_nothing_when_the_schema_is_invalid() {
    let dir = tempfile::tempdir().unwrap();
    let migrations = dir.path().join("migrations");
    let code = schemactl::cli::run(
        [
            "schemactl",
            "--color",
            "never",
            "generate",
            "--migrations",
            migrations.to_str().unwrap(),
        ],
        Some(missing_table),
    );
    assert_eq!(code, std::process::ExitCode::from(2));
    assert!(!migrations.exists(), "nothing may be written");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

/// A COLLATE names a collation, on a column that sorts text: both slips are named at their
/// DSL lines, and a text column's collation passes.
#[test]
fn a_collation_on_a_number_or_naming_nothing_is_refused() {
    let mut s = SchemaBuilder::new();
    s.table(PARENTS)
        .doc("parent")
        .id_tagged("parent")
        .col("code", integer().collate("C"))
        .col("label", text().collate(""))
        .col("tags", array(text()).collate("C"));
    let (ds, text) = report(s.build());
    let found: Vec<(&str, u32)> =
        ds.0.iter()
            .map(|d| (d.code.as_ref(), d.location.as_ref().unwrap().line))
            .collect();
    assert_eq!(
        found,
        [
            (
                "schema::bad-collation",
                line_of(".col(\"code\", integer().collate")
            ),
            (
                "schema::bad-collation",
                line_of(".col(\"label\", text().collate")
            ),
        ],
        "{text}"
    );
    assert!(
        text.contains("column `parents.code` has a collation, but its type does not sort text"),
        "{text}"
    );
    assert!(
        text.contains("column `parents.label` names no collation"),
        "{text}"
    );
}
