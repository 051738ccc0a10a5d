//! `schemactl drift` on real PostgreSQL and SQLite: nothing after a clean apply; every hand
//! change named after one.

mod support;

include!("../fixtures/kitchen_sink/schema.rs");

use schemactl_testkit::PgServer;
use support::*;

fn kitchen_sink_folder(root: &std::path::Path) -> std::path::PathBuf {
    let sql = schemactl::generate::render_script(
        &kitchen_sink().unwrap(),
        schemactl::dialect::DialectKind::Postgres,
    )
    .unwrap();
    folder(root, &[("0001_initial.sql", &sql)])
}

#[test]
fn postgres_drift_is_empty_after_apply_and_names_every_hand_change() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = kitchen_sink_folder(tmp.path());
    let d = dir.to_str().unwrap();
    let db = PgServer::shared().create_database("drift");
    let dev = PgServer::shared().conninfo("postgres");
    let r = run(&["apply", "--migrations", d, "--database-url", &db.url]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(&[
        "drift",
        "--migrations",
        d,
        "--database-url",
        &db.url,
        "--dev-url",
        &dev,
    ]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("no drift"), "{}", r.stdout);

    db.client()
        .batch_execute(
            "DROP INDEX rooms_features_idx;
             ALTER TABLE rooms DROP CONSTRAINT rooms_price_positive_check;
             ALTER TABLE rooms ADD CONSTRAINT rooms_price_positive_check CHECK (price >= 0);
             DROP INDEX orders_tenant_id_kind_unique;
             CREATE UNIQUE INDEX orders_tenant_id_kind_unique ON orders (tenant_id, kind);
             ALTER TABLE edges DROP CONSTRAINT edges_from_id_fk;
             ALTER TABLE edges ADD CONSTRAINT edges_from_id_fk FOREIGN KEY (from_id) REFERENCES nodes (id);
             DROP POLICY rooms_read_only ON rooms;
             ALTER TABLE members ALTER COLUMN email DROP NOT NULL;
             CREATE TABLE stray (id int);",
        )
        .unwrap();
    let r = run(&[
        "drift",
        "--migrations",
        d,
        "--database-url",
        &db.url,
        "--dev-url",
        &dev,
        "--format",
        "json",
    ]);
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let found: Vec<(String, String)> = v["differences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["change"].as_str().unwrap().to_string(),
                d["object"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expect = [
        ("missing", "index rooms_features_idx on rooms"),
        ("changed", "check rooms_price_positive_check on rooms"),
        ("changed", "index orders_tenant_id_kind_unique on orders"),
        ("changed", "foreign key edges_from_id_fk on edges"),
        ("missing", "policy rooms_read_only on rooms"),
        ("changed", "column email on members"),
        ("unexpected", "table stray"),
    ];
    for (change, object) in expect {
        assert!(
            found.contains(&(change.to_string(), object.to_string())),
            "{change} {object} not in {found:#?}"
        );
    }
    assert_eq!(found.len(), expect.len(), "nothing else: {found:#?}");
}

#[test]
fn sqlite_drift_is_empty_after_apply_and_names_hand_changes() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = folder(
        tmp.path(),
        &[(
            "0001_initial.sql",
            "CREATE TABLE users (id TEXT PRIMARY KEY, email TEXT NOT NULL UNIQUE, status TEXT NOT NULL CHECK (status IN ('active', 'suspended')));\n\
             CREATE INDEX users_status_idx ON users (status) WHERE status = 'active';\n",
        )],
    );
    let d = dir.to_str().unwrap();
    let url = format!("sqlite:{}", tmp.path().join("app.db").display());
    assert_eq!(
        run(&["apply", "--migrations", d, "--database-url", &url]).code,
        0
    );
    let r = run(&["drift", "--migrations", d, "--database-url", &url]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);

    let conn = rusqlite::Connection::open(tmp.path().join("app.db")).unwrap();
    conn.execute_batch(
        "DROP INDEX users_status_idx; CREATE INDEX users_status_idx ON users (status);",
    )
    .unwrap();
    drop(conn);
    let r = run(&["drift", "--migrations", d, "--database-url", &url]);
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout
            .contains("changed    index users_status_idx on users"),
        "{}",
        r.stdout
    );
}

/// `drift`, `diff --from-database` and `--dev-url` print targets and errors without the
/// password, on success and on failure; a migration that fails on the scratch database is
/// reported as the scratch run's failure, never as if the live database had changed.
#[test]
fn passwords_never_appear_in_drift_or_diff_output() {
    let server = PgServer::shared();
    let tmp = tempfile::tempdir().unwrap();
    let db = server.create_database("drift_secret");
    let dir = folder(tmp.path(), &[("0001_a.sql", "CREATE TABLE a (id int);\n")]);
    let d = dir.to_str().unwrap();
    let dev = server.url("postgres");
    let r = run(&["apply", "--migrations", d, "--database-url", &db.url]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let wrong = dev.replace(&server.password, "WrongDevSecret9");
    let wrong_db = db.url.replace(&server.password, "WrongDbSecret9");
    let cases: Vec<(Vec<&str>, i32, &str)> = vec![
        (
            vec![
                "drift",
                "--migrations",
                d,
                "--database-url",
                &db.url,
                "--dev-url",
                &dev,
            ],
            0,
            "no drift",
        ),
        (
            vec![
                "drift",
                "--migrations",
                d,
                "--database-url",
                &db.url,
                "--dev-url",
                &wrong,
            ],
            2,
            "password authentication failed",
        ),
        (
            vec![
                "drift",
                "--migrations",
                d,
                "--database-url",
                &wrong_db,
                "--dev-url",
                &dev,
            ],
            2,
            "password authentication failed",
        ),
        (
            vec![
                "drift",
                "--migrations",
                d,
                "--database-url",
                &db.url,
                "--dev-url",
                "postgres://u:DevUrlSecret9@h:x/db",
            ],
            2,
            "port `x`",
        ),
        (
            vec![
                "diff",
                "--migrations",
                d,
                "--from-database",
                &db.url,
                "--dev-url",
                &dev,
            ],
            0,
            "No schema changes",
        ),
        (
            vec![
                "diff",
                "--migrations",
                d,
                "--from-database",
                &wrong_db,
                "--dev-url",
                &dev,
            ],
            2,
            "password authentication failed",
        ),
        (
            vec!["diff", "--migrations", d, "--from", d, "--dev-url", &wrong],
            2,
            "password authentication failed",
        ),
        (
            vec![
                "diff",
                "--migrations",
                d,
                "--from-database",
                &db.url,
                "--to-database",
                &wrong_db,
                "--dev-url",
                &dev,
            ],
            2,
            "password authentication failed",
        ),
    ];
    for (args, code, expect) in cases {
        let r = run(&args);
        let all = format!("{}{}", r.stdout, r.stderr);
        assert_eq!(r.code, code, "{args:?}: {all}");
        assert!(flat(&all).contains(expect), "{args:?}: {all}");
        for secret in [
            server.password.as_str(),
            "WrongDevSecret9",
            "WrongDbSecret9",
            "DevUrlSecret9",
        ] {
            assert!(!all.contains(secret), "{args:?} leaked {secret}: {all}");
        }
    }

    // The live database has a table made by hand that a migration relies on: the folder
    // does not run on a fresh database.
    let db2 = server.create_database("drift_replay_fails");
    db2.client()
        .batch_execute("CREATE TABLE made_by_hand (id int)")
        .unwrap();
    let dir2 = tmp.path().join("second");
    std::fs::create_dir_all(&dir2).unwrap();
    std::fs::write(dir2.join("0001_a.sql"), "CREATE TABLE a (id int);\n").unwrap();
    std::fs::write(
        dir2.join("0002_idx.sql"),
        "CREATE INDEX made_by_hand_id_idx ON made_by_hand (id);\n",
    )
    .unwrap();
    rehash(&dir2);
    let d2 = dir2.to_str().unwrap();
    let r = run(&["apply", "--migrations", d2, "--database-url", &db2.url]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(&[
        "drift",
        "--migrations",
        d2,
        "--database-url",
        &db2.url,
        "--dev-url",
        &dev,
    ]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    let text = flat(&r.stderr);
    assert!(
        text.contains("replayed on a scratch database")
            && text.contains("no live database was changed"),
        "{}",
        r.stderr
    );
    assert!(!text.contains("applied and kept"), "{}", r.stderr);
    assert!(!r.stderr.contains(&server.password));
}

/// `drift` of the database at `url` against the folder `dir`, replayed on the server `dev`.
fn drift_on_dev(dir: &str, url: &str, dev: &str, format: &str) -> Run {
    run(&[
        "drift",
        "--migrations",
        dir,
        "--database-url",
        url,
        "--dev-url",
        dev,
        "--format",
        format,
    ])
}

/// Every kind of object a real database holds reads back (PL/pgSQL and SQL-standard
/// functions, procedures, triggers, views, materialized views, sequences, domains, composite
/// and range types, generated and identity columns, partitions): drift is clean after apply,
/// lists what it does not compare, and names a changed function body, a dropped trigger and
/// a changed view.
#[test]
fn postgres_drift_reads_every_object_kind_and_names_changed_definitions() {
    let tmp = tempfile::tempdir().unwrap();
    let sql = "CREATE SCHEMA app;
CREATE DOMAIN app.positive AS integer CHECK (VALUE > 0);
CREATE TYPE app.money_pair AS (amount numeric(12, 2), currency char(3));
CREATE TYPE app.float_range AS RANGE (subtype = float8);
CREATE SEQUENCE app.invoice_numbers AS bigint START 1000 INCREMENT 5 CACHE 10;
CREATE TABLE app.accounts (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL,
    balance numeric(12, 2) NOT NULL DEFAULT 0,
    name_upper text GENERATED ALWAYS AS (upper(name)) STORED,
    quota app.positive,
    updated_at timestamptz
);
CREATE TABLE app.events (
    id bigint GENERATED BY DEFAULT AS IDENTITY,
    at timestamptz NOT NULL,
    PRIMARY KEY (id, at)
) PARTITION BY RANGE (at);
CREATE TABLE app.events_2025 PARTITION OF app.events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE app.events_rest PARTITION OF app.events DEFAULT;
CREATE FUNCTION app.touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- stamp the row
  NEW.updated_at := now();
  RETURN NEW;
END
$$;
CREATE FUNCTION app.double(x integer) RETURNS integer LANGUAGE sql IMMUTABLE
BEGIN ATOMIC
  SELECT x * 2;
END;
CREATE PROCEDURE app.reset_balances() LANGUAGE sql
BEGIN ATOMIC
  UPDATE app.accounts SET balance = 0;
END;
CREATE TRIGGER accounts_touch BEFORE UPDATE ON app.accounts FOR EACH ROW EXECUTE FUNCTION app.touch();
CREATE VIEW app.rich AS SELECT id, name FROM app.accounts WHERE balance > 1000;
CREATE MATERIALIZED VIEW app.totals AS SELECT count(*) AS n, sum(balance) AS total FROM app.accounts WITH NO DATA;
";
    let dir = folder(tmp.path(), &[("0001_everything.sql", sql)]);
    let d = dir.to_str().unwrap();
    let db = PgServer::shared().create_database("drift_kinds");
    let dev = PgServer::shared().conninfo("postgres");
    let r = run(&["apply", "--migrations", d, "--database-url", &db.url]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let drift = |format: &str| drift_on_dev(d, &db.url, &dev, format);
    let r = drift("text");
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("no drift"), "{}", r.stdout);
    assert!(
        r.stdout
            .contains("not compared (schemactl does not model these kinds): 1 sequence"),
        "{}",
        r.stdout
    );

    // Formatting is no difference; a body, a trigger and a view are.
    db.client()
        .batch_execute(
            "CREATE OR REPLACE FUNCTION app.double(x integer) RETURNS integer LANGUAGE sql IMMUTABLE BEGIN ATOMIC SELECT (x * 2); END;
             CREATE OR REPLACE FUNCTION app.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at := clock_timestamp(); RETURN NEW; END $$;
             DROP TRIGGER accounts_touch ON app.accounts;
             CREATE OR REPLACE VIEW app.rich AS SELECT id, name FROM app.accounts WHERE balance > 5000;",
        )
        .unwrap();
    let r = drift("json");
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let found: Vec<(String, String)> = v["differences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["change"].as_str().unwrap().to_string(),
                d["object"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("changed".to_string(), "function app.touch".to_string()),
            ("changed".to_string(), "view app.rich".to_string()),
            (
                "missing".to_string(),
                "trigger accounts_touch on app.accounts".to_string()
            ),
        ],
        "{}",
        r.stdout
    );
    assert_eq!(v["not_compared"][0], "1 sequence");
}

/// What a real database holds and the model has no place for (aggregates, operators, casts,
/// collations, text search configurations, storage parameters, indexes on materialized views)
/// is named, kind by kind, by drift (not compared) and by pull (not in the crate), never
/// dropped in silence. A view's options and a column's COLLATE are read with the view and the
/// column: pulled with them, and a changed one is drift.
#[test]
fn drift_and_pull_name_every_kind_the_model_does_not_hold() {
    let tmp = tempfile::tempdir().unwrap();
    let sql = "CREATE SCHEMA app;
CREATE COLLATION app.bytewise FROM \"C\";
CREATE TABLE app.accounts (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email text COLLATE app.bytewise NOT NULL,
    code text COLLATE \"C\",
    nick text,
    payload jsonb
) WITH (fillfactor = 90);
CREATE AGGREGATE app.merged(jsonb) (SFUNC = jsonb_concat, STYPE = jsonb, INITCOND = '{}');
CREATE FUNCTION app.same_code(a text, b text) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT lower(a) = lower(b)';
CREATE OPERATOR app.=~= (LEFTARG = text, RIGHTARG = text, FUNCTION = app.same_code);
CREATE CAST (jsonb AS app.accounts) WITH INOUT;
CREATE TEXT SEARCH CONFIGURATION app.plain (COPY = pg_catalog.simple);
CREATE VIEW app.visible WITH (security_barrier) AS SELECT id, email FROM app.accounts;
CREATE VIEW app.positive WITH (check_option = local, security_invoker = true) AS SELECT id FROM app.accounts WHERE id > 0;
CREATE MATERIALIZED VIEW app.per_code WITH (fillfactor = 70) AS SELECT code, count(*) AS n FROM app.accounts GROUP BY code WITH NO DATA;
CREATE UNIQUE INDEX per_code_code ON app.per_code (code);
";
    let dir = folder(tmp.path(), &[("0001_unmodeled.sql", sql)]);
    let d = dir.to_str().unwrap();
    let db = PgServer::shared().create_database("unmodeled_kinds");
    let dev = PgServer::shared().conninfo("postgres");
    let r = run(&["apply", "--migrations", d, "--database-url", &db.url]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let named = "1 aggregate, 1 operator, 1 cast, 1 collation, 1 text search configuration, \
                 1 table with storage parameters, 1 index on a materialized view";

    let drift = || drift_on_dev(d, &db.url, &dev, "text");
    let r = drift();
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains(&format!(
            "not compared (schemactl does not model these kinds): {named}"
        )),
        "{}",
        r.stdout
    );

    let out = tmp.path().join("pulled");
    let r = run(&[
        "pull",
        "--database-url",
        &db.url,
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let said = r.stderr.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        said.contains(&format!(
            "not in the crate, as schemactl does not model these kinds (keep the migrations that make them, and change them in migrations you write): {named}"
        )),
        "{}",
        r.stderr
    );
    let app = std::fs::read_to_string(out.join("src/app.rs")).unwrap();
    for collated in [
        r#".col("email", text().collate("app.bytewise"))"#,
        r#".col("code", text().null().collate("C"))"#,
    ] {
        assert!(app.contains(collated), "{collated}:\n{app}");
    }
    let lib = std::fs::read_to_string(out.join("src/lib.rs")).unwrap();
    for with in [
        "CREATE VIEW app.visible WITH (security_barrier=true) AS",
        "CREATE VIEW app.positive WITH (check_option=local, security_invoker=true) AS",
        "CREATE MATERIALIZED VIEW app.per_code WITH (fillfactor=70) AS",
    ] {
        assert!(lib.contains(with), "{with}:\n{lib}");
    }

    db.client()
        .batch_execute(
            "ALTER VIEW app.visible SET (security_barrier = false);
             ALTER TABLE app.accounts ALTER COLUMN nick TYPE text COLLATE \"POSIX\";",
        )
        .unwrap();
    let r = drift();
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("found    `nick text COLLATE \"POSIX\"`"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("changed    view app.visible"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("found    `CREATE VIEW app.visible WITH (security_barrier=false) AS"),
        "{}",
        r.stdout
    );
}
