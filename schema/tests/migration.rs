//! The canonical schema's initial migration: fresh, complete, and applicable in one run.

mod common;

use common::*;
use schemactl::dialect::{to_script, DialectKind};

#[test]
fn initial_migration_applies_to_a_fresh_database_in_one_run() {
    let (_db, mut client) = migrated_db("canonical_apply");
    let row = client
        .query_one(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'",
            &[],
        )
        .unwrap();
    let tables: i64 = row.get(0);
    assert_eq!(tables as usize, schema().tables.len());

    // Every table's doc became its COMMENT ON TABLE.
    let row = client
        .query_one(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE n.nspname = 'public' AND c.relkind = 'r' AND obj_description(c.oid, 'pg_class') IS NULL",
            &[],
        )
        .unwrap();
    let undocumented: i64 = row.get(0);
    assert_eq!(undocumented, 0, "tables without COMMENT ON TABLE");

    // The exclusion constraint and the one-wrapper partial uniques exist as declared.
    let row = client
        .query_one(
            "SELECT count(*) FROM pg_constraint WHERE contype = 'x' AND conname = $1",
            &[&exclude_name("fulfillment_assignments")],
        )
        .unwrap();
    assert_eq!(row.get::<_, i64>(0), 1);
    let row = client
        .query_one(
            "SELECT count(*) FROM pg_indexes WHERE tablename = 'resources' \
             AND indexdef LIKE 'CREATE UNIQUE INDEX%WHERE%deleted_at IS NULL%'",
            &[],
        )
        .unwrap();
    assert_eq!(
        row.get::<_, i64>(0),
        4,
        "one live-wrapper partial unique per wrapped kind"
    );
}

#[test]
fn committed_migration_matches_the_declared_schema() {
    let statements = DialectKind::Postgres
        .dialect()
        .create(schema())
        .expect("the canonical schema renders");
    let script = to_script(&statements);
    assert!(
        MIGRATION.ends_with(&script),
        "schema/migrations/0001_initial.sql is stale: delete schema/migrations and run `cargo schemactl generate`"
    );
}

/// The migration folder is the state: replaying it must rebuild exactly the declared model.
#[test]
fn replaying_the_migrations_rebuilds_the_declared_model() {
    use schemactl::sql::{import_files, normalize_schema};
    let replayed = import_files(
        [("schema/migrations/0001_initial.sql", MIGRATION)],
        DialectKind::Postgres,
    )
    .unwrap_or_else(|e| panic!("the canonical migration replays:\n{e}"));
    let (replayed, declared) = (
        normalize_schema(&replayed, schemactl::dialect::DialectKind::Postgres),
        // The declared schema as PostgreSQL stores it (append-only tables' triggers and the
        // function they call).
        normalize_schema(
            &schemactl::dialect::Dialect::stored(&schemactl::dialect::postgres::Postgres, schema()),
            schemactl::dialect::DialectKind::Postgres,
        ),
    );
    assert_eq!(replayed.tables.len(), declared.tables.len());
    let gaps = schemactl::drift::compare(
        &declared,
        &replayed,
        &schemactl::dialect::postgres::Postgres,
    );
    assert!(
        gaps.is_empty(),
        "{}",
        gaps.iter()
            .map(|g| g.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(
        replayed == declared,
        "models differ beyond what compare shows"
    );
}
