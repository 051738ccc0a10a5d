//! Replaying SQL into the model: the kitchen sink survives render -> replay, and replay
//! problems are reported where they are.

include!("../fixtures/kitchen_sink/schema.rs");

use schemactl::dialect::{to_script, DialectKind};
use schemactl::sql::{import_files, import_sql, normalize_schema};

fn kitchen_sink_sql() -> String {
    let schema = kitchen_sink().expect("fixture builds");
    to_script(&DialectKind::Postgres.dialect().create(&schema).unwrap())
}

#[test]
fn kitchen_sink_round_trips_through_sql() {
    let declared = kitchen_sink().expect("fixture builds");
    let replayed = import_sql(
        &kitchen_sink_sql(),
        "0001_initial.sql",
        DialectKind::Postgres,
    )
    .unwrap_or_else(|ds| panic!("replay failed:\n{ds}"));
    let (a, b) = (normalize_schema(&replayed), normalize_schema(&declared));
    // Compare piecewise first so a failure names the table that differs.
    assert_eq!(a.extensions, b.extensions);
    assert_eq!(a.namespaces, b.namespaces);
    assert_eq!(a.enums, b.enums);
    assert_eq!(a.custom_types, b.custom_types);
    assert_eq!(a.functions, b.functions);
    assert_eq!(a.tables.len(), b.tables.len());
    for (x, y) in a.tables.iter().zip(&b.tables) {
        assert_eq!(x, y, "table {}", y.name);
    }
    assert_eq!(a, b);
}

#[test]
fn replayed_origins_point_at_the_sql() {
    let replayed = import_sql(
        &kitchen_sink_sql(),
        "m/0001_initial.sql",
        DialectKind::Postgres,
    )
    .unwrap();
    let rooms = replayed.table(&"rooms".into()).unwrap();
    assert_eq!(rooms.origin.file, "m/0001_initial.sql");
    assert!(rooms.origin.line > 1);
    let price = rooms.column("price").unwrap();
    assert_eq!(price.origin.line, rooms.origin.line);
}

#[test]
fn a_folder_replays_in_order() {
    let first = "CREATE TABLE users (id bigint NOT NULL, CONSTRAINT users_pkey PRIMARY KEY (id));";
    let second =
        "ALTER TABLE users ADD COLUMN email text;\nCREATE INDEX users_email_idx ON users (email);";
    let s = import_files(
        [("0001_a.sql", first), ("0002_b.sql", second)],
        DialectKind::Postgres,
    )
    .unwrap();
    let users = s.table(&"users".into()).unwrap();
    assert_eq!(users.columns.len(), 2);
    assert_eq!(users.indexes[0].origin.file, "0002_b.sql");
    assert_eq!(users.indexes[0].origin.line, 2);
}

#[test]
fn replay_diagnostic_snapshot() {
    let sql = "CREATE TABLE t (id int);\n\n-- backfill\nDO $$\nBEGIN\n  UPDATE t SET id = 1;\nEND\n$$;\nCREATE VIEW v AS SELECT id FROM t;\n";
    let ds = import_sql(sql, "migrations/0002_backfill.sql", DialectKind::Postgres).unwrap_err();
    insta::assert_yaml_snapshot!(ds.0);
}
