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
    let a = to_script(
        &DialectKind::Postgres
            .dialect()
            .create(&kitchen_sink().unwrap())
            .unwrap(),
    );
    let b = to_script(
        &DialectKind::Postgres
            .dialect()
            .create(&kitchen_sink().unwrap())
            .unwrap(),
    );
    assert_eq!(a, b);
}

#[test]
fn the_script_is_written_as_the_statements_join() {
    let schema = kitchen_sink().unwrap();
    let dialect = DialectKind::Postgres.dialect();
    let mut direct = String::from("-- header\n\n");
    dialect.create_script(&schema, &mut direct).unwrap();
    let mut joined = String::from("-- header\n\n");
    schemactl::dialect::write_script(&mut joined, &dialect.create(&schema).unwrap());
    assert_eq!(direct, joined);
    let tenant = schemactl_testkit::synthetic::tenant_shaped_schema(40).unwrap();
    let mut direct = String::new();
    dialect.create_script(&tenant, &mut direct).unwrap();
    assert_eq!(direct, to_script(&dialect.create(&tenant).unwrap()));
}

/// The script a large initial migration is written from, handed over in pieces, is the
/// script: the pieces join to it byte for byte, in both dialects, even when each piece's
/// `String` is taken from the renderer.
#[test]
fn the_script_in_pieces_joins_to_the_script() {
    let tenant = schemactl_testkit::synthetic::tenant_shaped_schema(600).unwrap();
    for kind in [DialectKind::Postgres, DialectKind::Sqlite] {
        let dialect = kind.dialect();
        let mut whole = String::new();
        dialect.create_script(&tenant, &mut whole).unwrap();
        let mut pieces = Vec::new();
        dialect
            .create_script_in_pieces(&tenant, &mut |piece| pieces.push(std::mem::take(piece)))
            .unwrap();
        assert_eq!(pieces.concat(), whole, "{kind:?}");
        if kind == DialectKind::Postgres {
            assert!(
                pieces.len() > 2,
                "{} bytes came in {} pieces",
                whole.len(),
                pieces.len()
            );
        }
    }
}
