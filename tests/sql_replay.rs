//! Replaying SQL into the model: the kitchen sink survives render -> replay, and replay
//! problems are reported where they are.

include!("../fixtures/kitchen_sink/schema.rs");

use schemactl::dialect::postgres::Postgres;
use schemactl::dialect::{to_script, Dialect, DialectKind};
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
    let (a, b) = (
        normalize_schema(&replayed, schemactl::dialect::DialectKind::Postgres),
        normalize_schema(
            &Postgres.stored(&declared),
            schemactl::dialect::DialectKind::Postgres,
        ),
    );
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
    let sql = "CREATE TABLE t (id int);\n\n-- one column per event table\nDO $$\nDECLARE name text;\nBEGIN\n  UPDATE t SET id = 1;\n  FOR name IN SELECT tablename FROM pg_tables WHERE tablename LIKE 'events_%' LOOP\n    EXECUTE format('ALTER TABLE %I ADD COLUMN note text', name);\n  END LOOP;\nEND\n$$;\nCREATE TABLE copy AS SELECT id FROM t;\n";
    let ds = import_sql(sql, "migrations/0002_backfill.sql", DialectKind::Postgres).unwrap_err();
    insta::assert_yaml_snapshot!(ds.0);
}

#[test]
fn replay_diagnostic_renders_with_the_sql_line() {
    let tmp = tempfile::tempdir().unwrap();
    let sql = "CREATE TABLE t (id int);\nDO $$ BEGIN EXECUTE 'CREATE TABLE ' || 'x' || ' (id int)'; END $$;\n";
    std::fs::create_dir(tmp.path().join("migrations")).unwrap();
    std::fs::write(tmp.path().join("migrations/0002_backfill.sql"), sql).unwrap();
    let ds = import_sql(sql, "migrations/0002_backfill.sql", DialectKind::Postgres).unwrap_err();
    let text = schemactl::diag::render_all(&ds, tmp.path(), schemactl::diag::Style::Plain);
    insta::assert_snapshot!(text);
}

#[test]
fn rendering_a_replayed_schema_replays_to_the_same_model() {
    let once = import_sql(&kitchen_sink_sql(), "a.sql", DialectKind::Postgres).unwrap();
    let script = to_script(&DialectKind::Postgres.dialect().create(&once).unwrap());
    let twice =
        import_sql(&script, "b.sql", DialectKind::Postgres).unwrap_or_else(|ds| panic!("{ds}"));
    assert_eq!(
        normalize_schema(&twice, schemactl::dialect::DialectKind::Postgres),
        normalize_schema(&once, schemactl::dialect::DialectKind::Postgres)
    );
}

mod cli {
    use super::*;
    use schemactl::cli::run;
    use std::process::ExitCode;

    fn changed() -> Result<Schema, Diagnostics> {
        let mut s = kitchen_sink()?;
        let mut col = s.tables[0].columns[0].clone();
        col.name = "added_later".into();
        s.tables[0].columns.push(col);
        Ok(s)
    }

    fn generate(
        dir: &std::path::Path,
        extra: &[&str],
        schema: Option<schemactl::cli::SchemaFn>,
    ) -> ExitCode {
        let mut args = vec![
            "schemactl",
            "--color",
            "never",
            "--migrations",
            dir.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        run(args, schema)
    }

    #[test]
    fn generate_compares_the_replayed_folder_with_the_declared_schema() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("migrations");
        assert_eq!(
            generate(&dir, &["generate"], Some(kitchen_sink)),
            ExitCode::from(0)
        );
        // Up to date: plain and --check both succeed and write nothing.
        assert_eq!(
            generate(&dir, &["generate"], Some(kitchen_sink)),
            ExitCode::from(0)
        );
        assert_eq!(
            generate(&dir, &["generate", "--check"], Some(kitchen_sink)),
            ExitCode::from(0)
        );
        // A hand-written follow-up that changes nothing the model sees still counts as up to date.
        std::fs::write(
            dir.join("0002_data.sql"),
            "INSERT INTO tenants (id) VALUES ('tenant_x');\n",
        )
        .unwrap();
        schemactl::migrate::MigrationDir::load(&dir)
            .unwrap()
            .write_sum()
            .unwrap();
        assert_eq!(
            generate(&dir, &["generate", "--check"], Some(kitchen_sink)),
            ExitCode::from(0)
        );
        // A declared change no migration holds: --check finds it, generate writes it.
        assert_eq!(
            generate(&dir, &["generate", "--check"], Some(changed)),
            ExitCode::from(1)
        );
        let before = std::fs::read_dir(&dir).unwrap().count();
        assert_eq!(before, 3, "0001, 0002 and schemactl.sum");
        assert_eq!(
            generate(&dir, &["generate"], Some(changed)),
            ExitCode::from(0)
        );
        assert!(dir.join("0003_schema_changes.sql").is_file());
        assert_eq!(
            generate(&dir, &["generate", "--check"], Some(changed)),
            ExitCode::from(0)
        );
    }

    #[test]
    fn the_plain_binary_reads_a_sql_schema() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("migrations");
        let schema_sql = tmp.path().join("schema.sql");
        std::fs::write(&schema_sql, kitchen_sink_sql()).unwrap();
        assert_eq!(
            generate(&dir, &["generate"], Some(kitchen_sink)),
            ExitCode::from(0)
        );
        let flag = [
            "--schema-sql",
            schema_sql.to_str().unwrap(),
            "generate",
            "--check",
        ];
        assert_eq!(generate(&dir, &flag, None), ExitCode::from(0));
        let missing = [
            "--schema-sql",
            "/nonexistent/schema.sql",
            "generate",
            "--check",
        ];
        assert_eq!(generate(&dir, &missing, None), ExitCode::from(2));
    }
}
