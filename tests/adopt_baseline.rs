//! Adopting a live database: each tool's tracking table is created on a real PostgreSQL (and
//! SQLite where the tool runs there) in that tool's shape, the migrations it "ran" are run,
//! then `apply --baseline auto` records exactly those and runs only what is new; a database
//! and folder that disagree are refused with the exact list and nothing recorded.

mod support;

use schemactl_testkit::{PgServer, TestDb};
use sha2::Digest;
use std::fs;
use std::path::{Path, PathBuf};
use support::{flat, Run};

fn fixture(layout: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/import")
        .join(layout)
}

fn run_in(root: &Path, args: &[&str]) -> Run {
    support::schemactl()
        .current_dir(root)
        .args(args)
        .output()
        .expect("run schemactl")
        .into()
}

/// Imports a fixture into `<root>/out`.
fn import(root: &Path, src: &Path, layout: &str) {
    let run = run_in(
        root,
        &[
            "--migrations",
            "out",
            "import",
            "--from",
            layout,
            src.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn read(p: PathBuf) -> String {
    fs::read_to_string(p).unwrap()
}

/// The report with the test server's address (its port changes) and database name replaced.
fn redact_url(report: &str, db: &str) -> String {
    let report = report.replace(db, "<db>");
    match (report.find("postgres://"), report.find("/<db>")) {
        (Some(a), Some(b)) if a < b => format!("{}<server>{}", &report[..a], &report[b..]),
        _ => report,
    }
}

fn count(db: &TestDb, sql: &str) -> i64 {
    db.client().query_one(sql, &[]).unwrap().get(0)
}

fn baseline_auto(root: &Path, url: &str) -> Run {
    run_in(
        root,
        &[
            "--migrations",
            "out",
            "apply",
            "--baseline",
            "auto",
            "--database-url",
            url,
        ],
    )
}

/// Runs `sql` as the old tool did: one file at a time.
fn old_tool_ran(db: &TestDb, files: &[String]) {
    let mut c = db.client();
    for sql in files {
        c.batch_execute(sql).unwrap();
    }
}

fn tracked(db: &TestDb) -> Vec<String> {
    db.client()
        .query(
            "SELECT name FROM schemactl_migrations ORDER BY version",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect()
}

fn no_tracking_table(db: &TestDb) -> bool {
    count(
        db,
        "SELECT count(*) FROM pg_class WHERE relname = 'schemactl_migrations'",
    ) == 0
}

#[test]
fn diesel_rows_are_matched_by_version() {
    let root = tempfile::tempdir().unwrap();
    import(root.path(), &fixture("diesel"), "diesel");
    let db = PgServer::shared().create_database("adopt_diesel");
    let src = fixture("diesel");
    old_tool_ran(
        &db,
        &[
            read(src.join("00000000000000_setup_extensions/up.sql")),
            read(src.join("2024-01-15-093000_create_shelters/up.sql")),
            "CREATE TABLE __diesel_schema_migrations (version VARCHAR(50) PRIMARY KEY NOT NULL, run_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP);
             INSERT INTO __diesel_schema_migrations (version) VALUES ('00000000000000'), ('20240115093000');"
                .into(),
        ],
    );
    let run = baseline_auto(root.path(), &db.url);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("read __diesel_schema_migrations (Diesel): it ran 2 migration(s)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("applied 2 migration(s)"),
        "{}",
        run.stdout
    );
    assert_eq!(
        tracked(&db),
        [
            "00000000000000_setup_extensions",
            "2024-01-15-093000_create_shelters",
            "2024-02-02-110500_create_kennels",
            "2024-02-20-150000_index_kennel_size"
        ]
    );
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM pg_indexes WHERE indexname = 'kennels_size_idx'"
        ),
        1
    );
}

#[test]
fn sqlx_rows_are_matched_by_version_and_checksum() {
    let root = tempfile::tempdir().unwrap();
    import(root.path(), &fixture("sqlx"), "sqlx");
    let src = fixture("sqlx");
    let first = read(src.join("20240301120000_create_members.sql"));
    let setup = format!(
        "CREATE TABLE _sqlx_migrations (version BIGINT PRIMARY KEY, description TEXT NOT NULL, installed_on TIMESTAMPTZ NOT NULL DEFAULT now(), success BOOLEAN NOT NULL, checksum BYTEA NOT NULL, execution_time BIGINT NOT NULL);
         INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES (20240301120000, 'create members', true, '\\x{}', 3);",
        hex(&sha2::Sha384::digest(first.as_bytes()))
    );
    let db = PgServer::shared().create_database("adopt_sqlx");
    old_tool_ran(&db, &[first.clone(), setup.clone()]);
    let run = baseline_auto(root.path(), &db.url);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        tracked(&db),
        ["create_members", "add_member_email", "index_member_email"]
    );

    // The same database shape, but the file was edited after sqlx ran it.
    let edited = PgServer::shared().create_database("adopt_sqlx_edited");
    old_tool_ran(&edited, &[first, setup]);
    let out = root.path().join("out");
    fs::write(
        out.join("20240301120000_create_members.sql"),
        "CREATE TABLE members (id bigint PRIMARY KEY);\n",
    )
    .unwrap();
    let rehash = run_in(
        root.path(),
        &["--migrations", "out", "migrations", "rehash"],
    );
    assert_eq!(rehash.code, 0, "{}", rehash.stderr);
    let run = baseline_auto(root.path(), &edited.url);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let report = flat(&run.stderr);
    assert!(
        report.contains("apply::baseline-mismatch")
            && report.contains("`20240301120000_create_members.sql` differs from the version 20240301120000 sqlx ran"),
        "{report}"
    );
    assert!(no_tracking_table(&edited), "nothing is recorded");
}

#[test]
fn golang_migrate_one_row_means_everything_up_to_it() {
    let root = tempfile::tempdir().unwrap();
    import(root.path(), &fixture("golang-migrate"), "golang-migrate");
    let src = fixture("golang-migrate");
    let db = PgServer::shared().create_database("adopt_golang");
    old_tool_ran(
        &db,
        &[
            read(src.join("000001_create_teams.up.sql")),
            read(src.join("000002_add_team_slug.up.sql")),
            "CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL);
             INSERT INTO schema_migrations VALUES (2, false);"
                .into(),
        ],
    );
    let run = baseline_auto(root.path(), &db.url);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("(golang-migrate)"), "{}", run.stdout);
    assert_eq!(
        tracked(&db),
        ["create_teams", "add_team_slug", "create_players"]
    );

    let dirty = PgServer::shared().create_database("adopt_golang_dirty");
    old_tool_ran(
        &dirty,
        &[
            read(src.join("000001_create_teams.up.sql")),
            "CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL);
             INSERT INTO schema_migrations VALUES (2, true);"
                .into(),
        ],
    );
    let run = baseline_auto(root.path(), &dirty.url);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        flat(&run.stderr).contains("left version 2 dirty"),
        "{}",
        run.stderr
    );
    assert!(no_tracking_table(&dirty));
}

#[test]
fn dbmate_rows_are_matched_by_version() {
    let root = tempfile::tempdir().unwrap();
    import(root.path(), &fixture("dbmate"), "dbmate");
    let db = PgServer::shared().create_database("adopt_dbmate");
    let out = root.path().join("out");
    old_tool_ran(
        &db,
        &[
            read(out.join("20240110083000_create_venues.sql")),
            "CREATE TABLE schema_migrations (version varchar(128) PRIMARY KEY);
             INSERT INTO schema_migrations VALUES ('20240110083000');"
                .into(),
        ],
    );
    let run = baseline_auto(root.path(), &db.url);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("(dbmate)"), "{}", run.stdout);
    assert_eq!(
        tracked(&db),
        ["create_venues", "index_venue_city", "create_shows"]
    );
}

#[test]
fn flyway_rows_are_matched_by_version_with_their_checksum() {
    let root = tempfile::tempdir().unwrap();
    import(root.path(), &fixture("flyway"), "flyway");
    let src = fixture("flyway");
    let v1 = read(src.join("V1__create_warehouses.sql"));
    let v11 = read(src.join("V1.1__add_region.sql"));
    let crc = schemactl::apply::bookkeeping::flyway_checksum;
    let db = PgServer::shared().create_database("adopt_flyway");
    old_tool_ran(
        &db,
        &[
            v1.clone(),
            v11.clone(),
            read(src.join("R__warehouse_summary.sql")).replace("bins b", "(SELECT 1 AS id, 1 AS warehouse_id) b"),
            format!(
                "CREATE TABLE flyway_schema_history (installed_rank INT NOT NULL PRIMARY KEY, version VARCHAR(50), description VARCHAR(200) NOT NULL, type VARCHAR(20) NOT NULL, script VARCHAR(1000) NOT NULL, checksum INT, installed_by VARCHAR(100) NOT NULL, installed_on TIMESTAMP NOT NULL DEFAULT now(), execution_time INT NOT NULL, success BOOLEAN NOT NULL);
                 INSERT INTO flyway_schema_history VALUES
                   (1, '1', 'create warehouses', 'SQL', 'V1__create_warehouses.sql', {}, 'app', now(), 5, true),
                   (2, '1.1', 'add region', 'SQL', 'V1.1__add_region.sql', {}, 'app', now(), 2, true),
                   (3, NULL, 'warehouse summary', 'SQL', 'R__warehouse_summary.sql', 12345, 'app', now(), 2, true);",
                crc(&v1),
                crc(&v11)
            ),
        ],
    );
    let run = baseline_auto(root.path(), &db.url);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("(Flyway): it ran 2"), "{}", run.stdout);
    assert_eq!(
        tracked(&db),
        [
            "V1__create_warehouses",
            "V1.1__add_region",
            "V1_2__add_capacity",
            "V2__create_bins",
            "V10__add_bin_depth"
        ]
    );
}

/// The drizzle fixture's files in journal order, as import numbers them.
fn drizzle_files() -> Vec<(String, String)> {
    let src = fixture("drizzle");
    [
        ("0000_quiet_otter", 1714000000000i64),
        ("0001_amber_falcon", 1714100000000),
        ("0002_brisk_heron", 1714200000000),
        ("0003_mellow_crane", 1714300000000),
        ("0002_lucky_lynx", 1714250000000),
        ("0004_tidy_marten", 1714400000000),
    ]
    .iter()
    .map(|(tag, when)| (read(src.join(format!("{tag}.sql"))), when.to_string()))
    .collect()
}

fn drizzle_table(rows: &[&(String, String)]) -> String {
    let mut sql = "CREATE SCHEMA drizzle; CREATE TABLE drizzle.__drizzle_migrations (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint);\n".to_string();
    for (text, when) in rows {
        sql.push_str(&format!(
            "INSERT INTO drizzle.__drizzle_migrations (hash, created_at) VALUES ('{}', {when});\n",
            hex(&sha2::Sha256::digest(text.as_bytes()))
        ));
    }
    sql
}

fn run_drizzle(db: &TestDb, files: &[&(String, String)]) {
    let mut c = db.client();
    for (text, _) in files {
        for st in text.split("--> statement-breakpoint") {
            c.batch_execute(st).unwrap();
        }
    }
    c.batch_execute(&drizzle_table(files)).unwrap();
}

#[test]
fn drizzle_rows_are_matched_by_hash_and_a_skipped_migration_is_refused() {
    let root = tempfile::tempdir().unwrap();
    import(root.path(), &fixture("drizzle"), "drizzle-kit");
    let files = drizzle_files();

    // A database drizzle-orm migrated through the journal's first four entries.
    let db = PgServer::shared().create_database("adopt_drizzle");
    run_drizzle(&db, &files[..4].iter().collect::<Vec<_>>());
    let run = baseline_auto(root.path(), &db.url);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("read drizzle.__drizzle_migrations (drizzle-orm): it ran 4"),
        "{}",
        run.stdout
    );
    assert_eq!(tracked(&db).len(), 6);
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM pg_class WHERE relname = 'shelves'"
        ),
        1
    );

    // A database that had run 0003 before 0002_lucky_lynx was added with an older stamp:
    // drizzle-orm skipped it and went on to 0004. Refused, naming the file.
    let skipped = PgServer::shared().create_database("adopt_drizzle_skipped");
    let ran: Vec<&(String, String)> = [0, 1, 2, 3, 5].iter().map(|i| &files[*i]).collect();
    run_drizzle(&skipped, &ran);
    let run = baseline_auto(root.path(), &skipped.url);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let report = flat(&run.stderr);
    assert!(
        report.contains("apply::baseline-mismatch")
            && report.contains("drizzle-orm never ran `0005_0002_lucky_lynx.sql` although it ran `0006_0004_tidy_marten.sql` after it"),
        "{report}"
    );
    assert!(no_tracking_table(&skipped), "nothing is recorded");
    insta::assert_snapshot!(redact_url(&flat(&run.stderr), &skipped.name));
}

#[test]
fn atlas_rows_are_matched_by_version_and_partial_runs_refused() {
    let root = tempfile::tempdir().unwrap();
    import(root.path(), &fixture("atlas"), "atlas");
    let src = fixture("atlas");
    let table = "CREATE SCHEMA atlas_schema_revisions; CREATE TABLE atlas_schema_revisions.atlas_schema_revisions (version character varying NOT NULL PRIMARY KEY, description character varying NOT NULL, type bigint NOT NULL DEFAULT 2, applied bigint NOT NULL DEFAULT 0, total bigint NOT NULL DEFAULT 0, executed_at timestamptz NOT NULL, execution_time bigint NOT NULL, error text NULL, error_stmt text NULL, hash character varying NOT NULL, partial_hashes jsonb NULL, operator_version character varying NOT NULL);";
    let db = PgServer::shared().create_database("adopt_atlas");
    old_tool_ran(
        &db,
        &[
            read(src.join("20240401000000_create_ledgers.sql")),
            format!("{table} INSERT INTO atlas_schema_revisions.atlas_schema_revisions VALUES ('20240401000000', 'create_ledgers', 2, 1, 1, now(), 10, NULL, NULL, 'h', NULL, 'Atlas CLI v0.20');"),
        ],
    );
    let run = baseline_auto(root.path(), &db.url);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(tracked(&db).len(), 3);

    let partial = PgServer::shared().create_database("adopt_atlas_partial");
    old_tool_ran(
        &partial,
        &[format!("{table} INSERT INTO atlas_schema_revisions.atlas_schema_revisions VALUES ('20240401000000', 'create_ledgers', 2, 0, 1, now(), 10, 'relation exists', 'CREATE TABLE', 'h', NULL, 'Atlas CLI v0.20');")],
    );
    let run = baseline_auto(root.path(), &partial.url);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(flat(&run.stderr).contains("part-way"), "{}", run.stderr);
}

#[test]
fn no_bookkeeping_or_two_tools_are_refused() {
    let root = tempfile::tempdir().unwrap();
    import(root.path(), &fixture("dbmate"), "dbmate");
    let db = PgServer::shared().create_database("adopt_none");
    let run = baseline_auto(root.path(), &db.url);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        flat(&run.stderr).contains("apply::no-bookkeeping"),
        "{}",
        run.stderr
    );
    assert!(no_tracking_table(&db));

    let two = PgServer::shared().create_database("adopt_two");
    old_tool_ran(
        &two,
        &["CREATE TABLE schema_migrations (version varchar(128) PRIMARY KEY); CREATE TABLE __diesel_schema_migrations (version VARCHAR(50) PRIMARY KEY);".into()],
    );
    let run = baseline_auto(root.path(), &two.url);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        flat(&run.stderr).contains("apply::ambiguous-bookkeeping"),
        "{}",
        run.stderr
    );
}

#[test]
fn import_with_a_database_url_records_what_the_old_tool_ran_or_writes_nothing() {
    let files = drizzle_files();
    // Consistent: the folder is written and the four are recorded; nothing runs.
    let root = tempfile::tempdir().unwrap();
    let db = PgServer::shared().create_database("adopt_import_ok");
    run_drizzle(&db, &files[..4].iter().collect::<Vec<_>>());
    let run = run_in(
        root.path(),
        &[
            "--migrations",
            "out",
            "import",
            fixture("drizzle").to_str().unwrap(),
            "--database-url",
            &db.url,
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(root.path().join("out/schemactl.sum").exists());
    assert_eq!(tracked(&db).len(), 4);
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM pg_class WHERE relname = 'shelves'"
        ),
        0,
        "import runs nothing"
    );
    // Disagreeing: refused before anything is written.
    let root = tempfile::tempdir().unwrap();
    let skipped = PgServer::shared().create_database("adopt_import_bad");
    let ran: Vec<&(String, String)> = [0, 1, 2, 3, 5].iter().map(|i| &files[*i]).collect();
    run_drizzle(&skipped, &ran);
    let run = run_in(
        root.path(),
        &[
            "--migrations",
            "out",
            "import",
            fixture("drizzle").to_str().unwrap(),
            "--database-url",
            &skipped.url,
        ],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(!root.path().join("out").exists(), "no folder is written");
    assert!(no_tracking_table(&skipped));
}

#[test]
fn sqlite_sqlx_and_drizzle_tables_are_read_too() {
    // sqlx on SQLite: `_sqlx_migrations` with a BLOB checksum.
    let root = tempfile::tempdir().unwrap();
    let src = root.path().join("src");
    fs::create_dir_all(&src).unwrap();
    let a = "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);\n";
    let b = "ALTER TABLE notes ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0;\n";
    fs::write(src.join("20240101000000_create_notes.sql"), a).unwrap();
    fs::write(src.join("20240102000000_pin_notes.sql"), b).unwrap();
    import(root.path(), &src, "sqlx");
    let path = root.path().join("app.db");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(a).unwrap();
        conn.execute_batch("CREATE TABLE _sqlx_migrations (version BIGINT PRIMARY KEY, description TEXT NOT NULL, installed_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, success BOOLEAN NOT NULL, checksum BLOB NOT NULL, execution_time BIGINT NOT NULL);").unwrap();
        conn.execute(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES (20240101000000, 'create notes', 1, ?1, 1)",
            [sha2::Sha384::digest(a.as_bytes()).to_vec()],
        )
        .unwrap();
    }
    let url = format!("sqlite:{}", path.display());
    let run = run_in(
        root.path(),
        &[
            "--migrations",
            "out",
            "--dialect",
            "sqlite",
            "apply",
            "--baseline",
            "auto",
            "--database-url",
            &url,
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("(sqlx): it ran 1"), "{}", run.stdout);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let n: i64 = conn
        .query_row("SELECT count(*) FROM schemactl_migrations", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(n, 2);
    let pinned: i64 = conn
        .query_row(
            "SELECT count(*) FROM pragma_table_info('notes') WHERE name = 'pinned'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(pinned, 1, "the new migration ran");

    // drizzle on SQLite: `__drizzle_migrations` in the main schema, matched by hash.
    let root = tempfile::tempdir().unwrap();
    let src = root.path().join("src");
    fs::create_dir_all(src.join("meta")).unwrap();
    let a = "CREATE TABLE `tasks` (\n\t`id` integer PRIMARY KEY NOT NULL,\n\t`title` text NOT NULL\n);\n";
    let b = "ALTER TABLE `tasks` ADD `done` integer DEFAULT 0 NOT NULL;";
    fs::write(src.join("0000_calm_ibis.sql"), a).unwrap();
    fs::write(src.join("0001_swift_kite.sql"), b).unwrap();
    fs::write(
        src.join("meta/_journal.json"),
        r#"{"version":"7","dialect":"sqlite","entries":[{"idx":0,"version":"6","when":1715000000000,"tag":"0000_calm_ibis","breakpoints":true},{"idx":1,"version":"6","when":1715100000000,"tag":"0001_swift_kite","breakpoints":true}]}"#,
    )
    .unwrap();
    import(root.path(), &src, "drizzle-kit");
    let path = root.path().join("app.db");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(a).unwrap();
        conn.execute_batch("CREATE TABLE `__drizzle_migrations` (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at numeric);").unwrap();
        conn.execute(
            "INSERT INTO __drizzle_migrations (hash, created_at) VALUES (?1, 1715000000000)",
            [hex(&sha2::Sha256::digest(a.as_bytes()))],
        )
        .unwrap();
    }
    let url = format!("sqlite:{}", path.display());
    let run = run_in(
        root.path(),
        &[
            "--migrations",
            "out",
            "--dialect",
            "sqlite",
            "apply",
            "--baseline",
            "auto",
            "--database-url",
            &url,
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("(drizzle-orm): it ran 1"),
        "{}",
        run.stdout
    );
}

/// Every version-keyed tool on SQLite too: the first migration "ran" with the tool's table
/// recording it; `--baseline auto` records it and runs the second.
#[test]
fn sqlite_tracking_tables_of_every_version_keyed_tool() {
    let a = "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n";
    let b = "ALTER TABLE items ADD COLUMN price INTEGER;\n";
    type Layout = Box<dyn Fn(&Path)>;
    let cases: Vec<(&str, Layout, String, &str)> = vec![
        (
            "diesel",
            Box::new(move |src: &Path| {
                for (dir, sql) in [("2024-01-01-000000_items", a), ("2024-01-02-000000_price", b)] {
                    fs::create_dir_all(src.join(dir)).unwrap();
                    fs::write(src.join(dir).join("up.sql"), sql).unwrap();
                }
            }),
            "CREATE TABLE __diesel_schema_migrations (version VARCHAR(50) PRIMARY KEY NOT NULL, run_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP);
             INSERT INTO __diesel_schema_migrations (version) VALUES ('20240101000000');".into(),
            "(Diesel): it ran 1",
        ),
        (
            "golang-migrate",
            Box::new(move |src: &Path| {
                fs::write(src.join("1_items.up.sql"), a).unwrap();
                fs::write(src.join("2_price.up.sql"), b).unwrap();
            }),
            "CREATE TABLE schema_migrations (version uint64, dirty bool); INSERT INTO schema_migrations VALUES (1, 0);".into(),
            "(golang-migrate): it ran 1",
        ),
        (
            "dbmate",
            Box::new(move |src: &Path| {
                fs::write(src.join("20240101000000_items.sql"), format!("-- migrate:up\n{a}\n-- migrate:down\nDROP TABLE items;\n")).unwrap();
                fs::write(src.join("20240102000000_price.sql"), format!("-- migrate:up\n{b}")).unwrap();
            }),
            "CREATE TABLE schema_migrations (version varchar(128) primary key); INSERT INTO schema_migrations VALUES ('20240101000000');".into(),
            "(dbmate): it ran 1",
        ),
        (
            "flyway",
            Box::new(move |src: &Path| {
                fs::write(src.join("V1__items.sql"), a).unwrap();
                fs::write(src.join("V2__price.sql"), b).unwrap();
            }),
            format!(
                "CREATE TABLE flyway_schema_history (installed_rank INT NOT NULL PRIMARY KEY, version VARCHAR(50), description VARCHAR(200) NOT NULL, type VARCHAR(20) NOT NULL, script VARCHAR(1000) NOT NULL, checksum INT, installed_by VARCHAR(100) NOT NULL, installed_on TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP, execution_time INT NOT NULL, success BOOLEAN NOT NULL);
                 INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum, installed_by, execution_time, success) VALUES (1, '1', 'items', 'SQL', 'V1__items.sql', {}, 'app', 1, 1);",
                schemactl::apply::bookkeeping::flyway_checksum(a)
            ),
            "(Flyway): it ran 1",
        ),
        (
            "atlas",
            Box::new(move |src: &Path| {
                let files = [
                    ("20240101000000_items.sql".to_string(), a.to_string()),
                    ("20240102000000_price.sql".to_string(), b.to_string()),
                ];
                for (n, t) in &files {
                    fs::write(src.join(n), t).unwrap();
                }
                fs::write(src.join("atlas.sum"), schemactl::adopt::import::atlas_sum(&files)).unwrap();
            }),
            "CREATE TABLE atlas_schema_revisions (version text NOT NULL PRIMARY KEY, description text NOT NULL, type integer NOT NULL DEFAULT 2, applied integer NOT NULL DEFAULT 0, total integer NOT NULL DEFAULT 0, executed_at datetime NOT NULL, execution_time integer NOT NULL, error text NULL, error_stmt text NULL, hash text NOT NULL, partial_hashes json NULL, operator_version text NOT NULL);
             INSERT INTO atlas_schema_revisions VALUES ('20240101000000', 'items', 2, 1, 1, CURRENT_TIMESTAMP, 1, NULL, NULL, 'h', NULL, 'Atlas CLI');".into(),
            "(Atlas): it ran 1",
        ),
    ];
    for (layout, make, table, want) in cases {
        let root = tempfile::tempdir().unwrap();
        let src = root.path().join("src");
        fs::create_dir_all(&src).unwrap();
        make(&src);
        import(root.path(), &src, layout);
        let path = root.path().join("app.db");
        {
            let conn = rusqlite::Connection::open(&path).unwrap();
            conn.execute_batch(a).unwrap();
            conn.execute_batch(&table).unwrap();
        }
        let url = format!("sqlite:{}", path.display());
        let run = run_in(
            root.path(),
            &[
                "--migrations",
                "out",
                "--dialect",
                "sqlite",
                "apply",
                "--baseline",
                "auto",
                "--database-url",
                &url,
            ],
        );
        assert_eq!(run.code, 0, "{layout}: {}", run.stderr);
        assert!(run.stdout.contains(want), "{layout}: {}", run.stdout);
        let conn = rusqlite::Connection::open(&path).unwrap();
        let n: i64 = conn
            .query_row("SELECT count(*) FROM schemactl_migrations", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(n, 2, "{layout}");
        let price: i64 = conn
            .query_row(
                "SELECT count(*) FROM pragma_table_info('items') WHERE name = 'price'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(price, 1, "{layout}: the new migration ran");
    }
}
