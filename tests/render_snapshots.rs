//! The kitchen-sink fixture's SQL, snapshotted, and the renderer's determinism.

include!("../fixtures/kitchen_sink/schema.rs");

use schemactl::dialect::{to_script, DialectKind};

#[test]
fn kitchen_sink_postgres_sql() {
    let schema = kitchen_sink().expect("fixture builds");
    let sql = to_script(&DialectKind::Postgres.dialect().create(&schema).unwrap());
    insta::assert_snapshot!(sql);
}

#[test]
fn rendering_is_byte_identical_across_runs() {
    let a = to_script(&DialectKind::Postgres.dialect().create(&kitchen_sink().unwrap()).unwrap());
    let b = to_script(&DialectKind::Postgres.dialect().create(&kitchen_sink().unwrap()).unwrap());
    assert_eq!(a, b);
}
