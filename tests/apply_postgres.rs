//! `schemactl apply` and `status` against a real PostgreSQL: fresh databases, concurrency,
//! failures, crashes, terminated connections, edited files and bad input.

mod support;

use schemactl_testkit::{PgServer, TestDb};
use std::fs;
use std::time::{Duration, Instant};
use support::*;

fn db(name: &str) -> TestDb {
    PgServer::shared().create_database(name)
}

fn apply(dir: &std::path::Path, db: &TestDb) -> Run {
    run(&[
        "apply",
        "--migrations",
        dir.to_str().unwrap(),
        "--database-url",
        &db.url,
    ])
}

fn count(db: &TestDb, sql: &str) -> i64 {
    db.client().query_one(sql, &[]).unwrap().get(0)
}

fn table_exists(db: &TestDb, name: &str) -> bool {
    count(
        db,
        &format!(
            "SELECT count(*) FROM pg_class WHERE relname = '{name}' AND relkind IN ('r', 'p')"
        ),
    ) == 1
}

/// Waits until a backend of this database runs a statement containing `needle`.
fn wait_for_query(db: &TestDb, needle: &str) -> i32 {
    let start = Instant::now();
    loop {
        let rows = db
            .client()
            .query("SELECT pid FROM pg_stat_activity WHERE datname = $1 AND query LIKE $2 AND pid <> pg_backend_pid()", &[&db.name, &format!("%{needle}%")])
            .unwrap();
        if let Some(r) = rows.first() {
            return r.get(0);
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "no backend ran {needle}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn fresh_database_is_migrated_once_and_then_up_to_date() {
    let tmp = tempfile::tempdir().unwrap();
    let db = db("fresh");
    let dir = folder(
        tmp.path(),
        &[
            ("0001_accounts.sql", "CREATE TABLE accounts (id bigint PRIMARY KEY, name text NOT NULL);\n"),
            ("0002_seed.sql", "INSERT INTO accounts VALUES (1, 'first');\nCREATE INDEX accounts_name_idx ON accounts (name);\n"),
        ],
    );
    let first = apply(&dir, &db);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(
        first.stdout.contains("applied 2 migration(s)"),
        "{}",
        first.stdout
    );
    assert!(
        first.stderr.contains("applying 0001_accounts.sql"),
        "progress on stderr: {}",
        first.stderr
    );
    let second = apply(&dir, &db);
    assert_eq!(second.code, 0);
    assert!(
        second.stdout.contains("nothing to apply"),
        "{}",
        second.stdout
    );
    assert_eq!(
        count(&db, "SELECT count(*) FROM accounts"),
        1,
        "the seed ran once"
    );
    let status = run(&[
        "status",
        "--migrations",
        dir.to_str().unwrap(),
        "--database-url",
        &db.url,
        "--format",
        "json",
    ]);
    assert_eq!(status.code, 0, "{}{}", status.stdout, status.stderr);
    let v: serde_json::Value = serde_json::from_str(&status.stdout).unwrap();
    assert_eq!(v["up_to_date"], true);
    let row = db.client().query_one("SELECT name, checksum, tool_version, applied_by FROM schemactl_migrations WHERE version = 1", &[]).unwrap();
    assert_eq!(row.get::<_, String>(0), "accounts");
    assert!(row.get::<_, String>(1).starts_with("sha256:"));
    assert_eq!(row.get::<_, String>(2), env!("CARGO_PKG_VERSION"));
}

#[test]
fn status_exits_one_while_migrations_are_pending() {
    let tmp = tempfile::tempdir().unwrap();
    let db = db("pending");
    let dir = folder(
        tmp.path(),
        &[
            ("0001_a.sql", "CREATE TABLE a (id int);\n"),
            ("0002_b.sql", "CREATE TABLE b (id int);\n"),
        ],
    );
    let r = run(&[
        "apply",
        "--migrations",
        dir.to_str().unwrap(),
        "--database-url",
        &db.url,
        "--to",
        "1",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let s = run(&[
        "status",
        "--migrations",
        dir.to_str().unwrap(),
        "--database-url",
        &db.url,
    ]);
    assert_eq!(s.code, 1, "{}", s.stdout);
    assert!(
        s.stdout.contains("pending") && s.stdout.contains("0002_b.sql"),
        "{}",
        s.stdout
    );
    let dry = run(&[
        "apply",
        "--migrations",
        dir.to_str().unwrap(),
        "--database-url",
        &db.url,
        "--dry-run",
    ]);
    assert_eq!(dry.code, 0);
    assert!(dry.stdout.contains("CREATE TABLE b"), "{}", dry.stdout);
    assert!(!table_exists(&db, "b"), "a dry run changes nothing");
}

#[test]
fn eight_concurrent_applies_apply_each_migration_exactly_once() {
    let tmp = tempfile::tempdir().unwrap();
    let db = db("concurrent");
    let mut files = vec![(
        "0001_log.sql".to_string(),
        "CREATE TABLE applied_log (version text NOT NULL);\n".to_string(),
    )];
    for v in 2..=6 {
        files.push((format!("{v:04}_step.sql"), format!("CREATE TABLE step_{v} (id int);\nINSERT INTO applied_log VALUES ('{v}');\nSELECT pg_sleep(0.1);\n")));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let dir = folder(tmp.path(), &refs);
    let children: Vec<_> = (0..8)
        .map(|_| {
            spawn(&[
                "apply",
                "--migrations",
                dir.to_str().unwrap(),
                "--database-url",
                &db.url,
            ])
        })
        .collect();
    let mut applied_by_someone = 0;
    for child in children {
        let out: Run = child.wait_with_output().unwrap().into();
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert!(
            out.stdout.contains("applied ") || out.stdout.contains("nothing to apply"),
            "{}",
            out.stdout
        );
        if out.stdout.contains("applied ") {
            applied_by_someone += 1;
        }
    }
    assert!(applied_by_someone >= 1);
    assert_eq!(
        count(&db, "SELECT count(*) FROM applied_log"),
        5,
        "every data step ran once"
    );
    assert_eq!(
        count(&db, "SELECT count(DISTINCT version) FROM applied_log"),
        5
    );
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM schemactl_migrations WHERE statements_done IS NULL"
        ),
        6
    );
}

#[test]
fn a_failing_statement_rolls_back_its_file_only_and_apply_resumes_after_the_fix() {
    let tmp = tempfile::tempdir().unwrap();
    let db = db("failing");
    let dir = folder(
        tmp.path(),
        &[
            ("0001_good.sql", "CREATE TABLE good (id int);\n"),
            ("0002_bad.sql", "CREATE TABLE half (id int);\n\nINSERT INTO half\n  SELECT id FROM no_such_table;\n"),
        ],
    );
    let r = apply(&dir, &db);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(
        r.stderr.contains("0002_bad.sql"),
        "names the file: {}",
        r.stderr
    );
    assert!(
        r.stderr.contains("0002_bad.sql:4"),
        "names the line of the error: {}",
        r.stderr
    );
    assert!(
        flat(&r.stderr).contains("relation \"no_such_table\" does not exist"),
        "the database's message: {}",
        r.stderr
    );
    assert!(r.stderr.contains("rolled back"), "{}", r.stderr);
    assert!(table_exists(&db, "good"), "earlier migrations are kept");
    assert!(
        !table_exists(&db, "half"),
        "the failed file is rolled back completely"
    );
    assert_eq!(count(&db, "SELECT count(*) FROM schemactl_migrations"), 1);

    fs::write(dir.join("0002_bad.sql"), "CREATE TABLE half (id int);\n").unwrap();
    rehash(&dir);
    let r = apply(&dir, &db);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("applied 1 migration(s)"), "{}", r.stdout);
    assert!(table_exists(&db, "half"));
}

#[test]
fn kill_9_during_a_migration_leaves_the_old_state_and_the_next_apply_completes() {
    let tmp = tempfile::tempdir().unwrap();
    let db = db("killed");
    let dir = folder(
        tmp.path(),
        &[(
            "0001_slow.sql",
            "CREATE TABLE slow (id int);\nSELECT pg_sleep(2);\nCREATE TABLE after_slow (id int);\n",
        )],
    );
    let mut child = spawn(&[
        "apply",
        "--migrations",
        dir.to_str().unwrap(),
        "--database-url",
        &db.url,
    ]);
    wait_for_query(&db, "pg_sleep(2)");
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    // The server notices the dead client and rolls its transaction back.
    let start = Instant::now();
    while count(&db, &format!("SELECT count(*) FROM pg_stat_activity WHERE datname = '{}' AND pid <> pg_backend_pid()", db.name)) > 0 {
        assert!(start.elapsed() < Duration::from_secs(10), "the killed run's backends must end");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        !table_exists(&db, "slow"),
        "old state: nothing of the killed migration"
    );
    assert_eq!(
        count(&db, "SELECT count(*) FROM schemactl_migrations"),
        0,
        "tracking agrees"
    );
    let r = apply(&dir, &db);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(table_exists(&db, "slow") && table_exists(&db, "after_slow"));
}

#[test]
fn a_killed_no_transaction_migration_resumes_where_it_stopped() {
    let tmp = tempfile::tempdir().unwrap();
    let db = db("resume");
    let dir = folder(
        tmp.path(),
        &[
            ("0001_base.sql", "CREATE TABLE items (id int, sku text);\n"),
            (
                "0002_index.sql",
                "-- schemactl:no-transaction\nCREATE INDEX CONCURRENTLY items_id_idx ON items (id);\nSELECT pg_sleep(2);\nCREATE INDEX CONCURRENTLY items_sku_idx ON items (sku);\n",
            ),
        ],
    );
    let mut child = spawn(&[
        "apply",
        "--migrations",
        dir.to_str().unwrap(),
        "--database-url",
        &db.url,
    ]);
    wait_for_query(&db, "pg_sleep(2)");
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM pg_class WHERE relname = 'items_id_idx'"
        ),
        1,
        "the finished statement stays"
    );
    assert_eq!(
        count(
            &db,
            "SELECT statements_done::bigint FROM schemactl_migrations WHERE version = 2"
        ),
        1,
        "progress recorded"
    );
    let s = run(&[
        "status",
        "--migrations",
        dir.to_str().unwrap(),
        "--database-url",
        &db.url,
    ]);
    assert_eq!(s.code, 1);
    assert!(s.stdout.contains("partial"), "{}", s.stdout);
    let r = apply(&dir, &db);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("resuming at statement 2 of 3"),
        "{}",
        r.stderr
    );
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM pg_class WHERE relname = 'items_sku_idx'"
        ),
        1
    );
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM schemactl_migrations WHERE statements_done IS NULL"
        ),
        2
    );
}

#[test]
fn a_terminated_connection_is_a_clear_error_with_no_partial_state() {
    let tmp = tempfile::tempdir().unwrap();
    let db = db("terminated");
    let dir = folder(
        tmp.path(),
        &[(
            "0001_slow.sql",
            "CREATE TABLE doomed (id int);\nSELECT pg_sleep(20);\n",
        )],
    );
    let child = spawn(&[
        "apply",
        "--migrations",
        dir.to_str().unwrap(),
        "--database-url",
        &db.url,
    ]);
    let pid = wait_for_query(&db, "pg_sleep(20)");
    db.client()
        .execute("SELECT pg_terminate_backend($1)", &[&pid])
        .unwrap();
    let out: Run = child.wait_with_output().unwrap().into();
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(
        flat(&out.stderr).contains("connection to the database was lost"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("0001_slow.sql"), "{}", out.stderr);
    // The file went in one round trip: which statement was running is not known, and the
    // report must not guess the first one.
    assert!(!out.stderr.contains("statement 1"), "{}", out.stderr);
    assert!(!table_exists(&db, "doomed"));
    assert_eq!(count(&db, "SELECT count(*) FROM schemactl_migrations"), 0);
}

#[test]
fn an_applied_migration_edited_afterwards_is_refused_by_apply_and_status() {
    let tmp = tempfile::tempdir().unwrap();
    let db = db("edited");
    let dir = folder(tmp.path(), &[("0001_a.sql", "CREATE TABLE a (id int);\n")]);
    assert_eq!(apply(&dir, &db).code, 0);
    fs::write(dir.join("0001_a.sql"), "CREATE TABLE a (id bigint);\n").unwrap();
    rehash(&dir);
    fs::write(dir.join("0002_b.sql"), "CREATE TABLE b (id int);\n").unwrap();
    rehash(&dir);
    let r = apply(&dir, &db);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("`0001_a.sql` was applied") && r.stderr.contains("edited"),
        "{}",
        r.stderr
    );
    assert!(
        !table_exists(&db, "b"),
        "nothing runs while the history is in doubt"
    );
    let s = run(&[
        "status",
        "--migrations",
        dir.to_str().unwrap(),
        "--database-url",
        &db.url,
    ]);
    assert_eq!(s.code, 1);
    assert!(
        s.stdout.contains("modified") && s.stdout.contains("0001_a.sql"),
        "{}",
        s.stdout
    );
}

#[test]
fn bad_targets_fail_with_one_clear_error_and_no_password() {
    let server = PgServer::shared();
    let tmp = tempfile::tempdir().unwrap();
    let dir = folder(tmp.path(), &[("0001_a.sql", "CREATE TABLE a (id int);\n")]);
    let d = dir.to_str().unwrap();
    let db = db("badinput");
    let wrong_password = db.url.replace(&server.password, "WrongSecret123");
    let closed_port = format!(
        "postgres://postgres:{}@127.0.0.1:1/{}",
        server.password, db.name
    );
    let cases: Vec<(String, &str)> = vec![
        (wrong_password.clone(), "password authentication failed"),
        (closed_port, "cannot connect"),
        (
            format!(
                "postgres://postgres:{}@no-such-host.invalid:5432/x",
                server.password
            ),
            "cannot connect",
        ),
        (
            format!("mysql://root:{}@localhost/db", server.password),
            "not a database URL",
        ),
        (
            db.url.replace(&db.name, "no_such_database"),
            "does not exist",
        ),
    ];
    for (url, expected) in cases {
        let r = run(&[
            "apply",
            "--migrations",
            d,
            "--database-url",
            &url,
            "--connect-timeout",
            "3",
        ]);
        assert_eq!(r.code, 2, "{url}: {}", r.stderr);
        assert!(
            flat(&r.stderr).contains(expected),
            "{expected}: {}",
            r.stderr
        );
        let all = format!("{}{}", r.stdout, r.stderr);
        assert!(
            !all.contains(&server.password) && !all.contains("WrongSecret123"),
            "password leaked: {all}"
        );
        assert_eq!(r.stderr.matches("× ").count(), 1, "one error: {}", r.stderr);
    }
    // The URL may come from DATABASE_URL too, and is redacted there as well.
    let out: Run = schemactl()
        .args(["apply", "--migrations", d])
        .env("DATABASE_URL", &wrong_password)
        .output()
        .unwrap()
        .into();
    assert_eq!(out.code, 2);
    assert!(!out.stderr.contains("WrongSecret123"));

    let r = run(&[
        "apply",
        "--migrations",
        tmp.path().join("nope").to_str().unwrap(),
        "--database-url",
        &db.url,
    ]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("does not exist"), "{}", r.stderr);

    fs::write(dir.join("notes.txt"), "not sql").unwrap();
    let r = run(&["apply", "--migrations", d, "--database-url", &db.url]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("notes.txt") && r.stderr.contains("not a migration file name"),
        "{}",
        r.stderr
    );
}

#[test]
fn baseline_records_an_existing_schema_and_json_summarizes_the_run() {
    let tmp = tempfile::tempdir().unwrap();
    let db = db("baseline");
    // A database built before schemactl: the first migration's objects already exist.
    db.client()
        .batch_execute("CREATE TABLE legacy (id int)")
        .unwrap();
    let dir = folder(
        tmp.path(),
        &[
            ("0001_legacy.sql", "CREATE TABLE legacy (id int);\n"),
            ("0002_new.sql", "CREATE TABLE fresh (id int);\n"),
        ],
    );
    let d = dir.to_str().unwrap();
    let r = run(&[
        "apply",
        "--migrations",
        d,
        "--database-url",
        &db.url,
        "--baseline",
        "1",
        "--format",
        "json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["baselined"], serde_json::json!(["0001_legacy.sql"]));
    assert_eq!(v["applied"][0]["name"], "0002_new.sql");
    assert_eq!(v["version"], 2);
    assert!(
        !r.stdout.contains(&PgServer::shared().password),
        "the JSON target is redacted"
    );
    assert!(table_exists(&db, "fresh"));
    // Baseline is for a database schemactl has never touched.
    let again = run(&[
        "apply",
        "--migrations",
        d,
        "--database-url",
        &db.url,
        "--baseline",
        "1",
    ]);
    assert_eq!(again.code, 2);
    assert!(
        flat(&again.stderr).contains("only for a database schemactl has never applied to"),
        "{}",
        again.stderr
    );
}

/// TLS as libpq does it, against a server that refuses unencrypted TCP: `prefer` (the
/// default) and `require` encrypt without checking the self-signed certificate; `verify-full`
/// refuses it until `sslrootcert` names it; `disable` is turned away by the server.
#[test]
fn tls_modes_against_a_server_that_requires_tls() {
    let server = PgServer::start_tls().unwrap_or_else(|e| panic!("{e}"));
    let cert = server.tls_cert().expect("the TLS server has a certificate");
    let db = server.create_database("tls");
    let tmp = tempfile::tempdir().unwrap();
    let dir = folder(
        tmp.path(),
        &[("0001_init.sql", "CREATE TABLE t (id int);\n")],
    );
    let d = dir.to_str().unwrap();
    let with = |params: &str| format!("{}{params}", db.url);
    let r = run(&["apply", "--migrations", d, "--database-url", &db.url]);
    assert_eq!(r.code, 0, "default sslmode (prefer):\n{}", r.stderr);
    assert!(table_exists(&db, "t"));
    let status = |url: &str| run(&["status", "--migrations", d, "--database-url", url]);
    let r = status(&with("?sslmode=require"));
    assert_eq!(r.code, 0, "require:\n{}", r.stderr);

    let r = status(&with("?sslmode=disable"));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(flat(&r.stderr).contains("no encryption"), "{}", r.stderr);

    let r = status(&with("?sslmode=verify-full"));
    assert_eq!(r.code, 2, "{}", r.stderr);
    let msg = flat(&r.stderr);
    assert!(msg.contains("certificate"), "{}", r.stderr);
    assert!(
        msg.contains("sslrootcert"),
        "the help names the fix:\n{}",
        r.stderr
    );
    assert!(!r.stderr.contains(&server.password), "{}", r.stderr);

    let trusted = with(&format!(
        "?sslmode=verify-full&sslrootcert={}",
        cert.display()
    ));
    let r = status(&trusted);
    assert_eq!(r.code, 0, "verify-full with the CA:\n{}", r.stderr);
    // The certificate names localhost and 127.0.0.1: reached under another name, verify-full
    // refuses it and verify-ca (the chain only) accepts it.
    let other_name = |mode: &str| {
        format!(
            "host=db.example hostaddr=127.0.0.1 port={} user=postgres password={} dbname={} sslmode={mode} sslrootcert={}",
            server.port,
            server.password,
            db.name,
            cert.display()
        )
    };
    let r = status(&other_name("verify-full"));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        flat(&r.stderr).contains("hostname mismatch"),
        "{}",
        r.stderr
    );
    let r = status(&other_name("verify-ca"));
    assert_eq!(r.code, 0, "verify-ca:\n{}", r.stderr);
}

/// TLS never runs over a Unix socket: the default (prefer) connects without it, and require
/// is refused with the reason.
#[test]
fn over_a_unix_socket_prefer_connects_plainly_and_require_is_refused() {
    let db = db("unix_socket_tls");
    assert!(db.conninfo.contains("host=/"), "{}", db.conninfo);
    let tmp = tempfile::tempdir().unwrap();
    let dir = folder(
        tmp.path(),
        &[("0001_init.sql", "CREATE TABLE t (id int);\n")],
    );
    let d = dir.to_str().unwrap();
    let r = run(&["apply", "--migrations", d, "--database-url", &db.conninfo]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(table_exists(&db, "t"));
    let require = format!("{} sslmode=require", db.conninfo);
    let r = run(&["status", "--migrations", d, "--database-url", &require]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let msg = flat(&r.stderr);
    assert!(msg.contains("does not support TLS"), "{}", r.stderr);
    assert!(
        msg.contains("over TCP"),
        "the help names the fix:\n{}",
        r.stderr
    );
}

/// TLS is set up only once a server takes it: under `prefer`, a server without TLS is reached
/// in the clear and the CA file is never read (setting TLS up loads the system's
/// certificates, which was most of a connection's time). Against a server that takes TLS,
/// the same unreadable file is an error that names it.
#[test]
fn tls_is_set_up_only_when_the_server_takes_it() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = folder(
        tmp.path(),
        &[("0001_init.sql", "CREATE TABLE t (id int);\n")],
    );
    let d = dir.to_str().unwrap();
    let missing = tmp.path().join("no-such-ca.pem");
    let params = format!("?sslmode=prefer&sslrootcert={}", missing.display());

    let plain = db("tls_only_when_taken");
    let url = format!("{}{params}", plain.url);
    let r = run(&["apply", "--migrations", d, "--database-url", &url]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(table_exists(&plain, "t"));

    // Hostile CA files, each named in its own diagnostic, with no password in sight: missing,
    // a folder, and text that is not PEM.
    let server = PgServer::start_tls().unwrap_or_else(|e| panic!("{e}"));
    let encrypted = server.create_database("tls_only_when_taken");
    let not_pem = tmp.path().join("not-pem.crt");
    std::fs::write(&not_pem, "hello\n").unwrap();
    for (ca, says) in [
        (missing.clone(), "cannot read sslrootcert"),
        (tmp.path().to_path_buf(), "cannot read sslrootcert"),
        (not_pem, "is not a PEM certificate"),
    ] {
        let url = format!(
            "{}?sslmode=prefer&sslrootcert={}",
            encrypted.url,
            ca.display()
        );
        let r = run(&["status", "--migrations", d, "--database-url", &url]);
        assert_eq!(r.code, 2, "{}", r.stderr);
        let msg = flat(&r.stderr);
        assert!(msg.contains(says), "{}", r.stderr);
        let name = ca.file_name().unwrap().to_str().unwrap();
        assert!(msg.contains(name), "{}", r.stderr);
        assert!(!r.stderr.contains(&server.password), "{}", r.stderr);
    }
}

fn status(dir: &std::path::Path, db: &TestDb) -> Run {
    run(&[
        "status",
        "--migrations",
        dir.to_str().unwrap(),
        "--database-url",
        &db.url,
    ])
}

fn tracking_row(db: &TestDb, version: i64) -> (String, Option<i32>) {
    let row = db
        .client()
        .query_one(
            "SELECT checksum, statements_done FROM schemactl_migrations WHERE version = $1",
            &[&version],
        )
        .unwrap();
    (row.get(0), row.get(1))
}

/// The recovery `apply` prints for a failed no-transaction file works as printed: fix the
/// statement, rehash, apply again, and the run resumes at it. The statements that already
/// ran must stay as they ran.
#[test]
fn a_failed_no_transaction_file_resumes_after_a_fix_to_the_statements_not_yet_run() {
    let tmp = tempfile::tempdir().unwrap();
    let db = db("resume_fix");
    let first = "CREATE INDEX CONCURRENTLY items_id_idx ON items (id);\n";
    let broken = format!("-- schemactl:no-transaction\n{first}CREATE INDEX CONCURRENTLY items_sku_idx ON items (no_such_column);\nCREATE INDEX CONCURRENTLY items_both_idx ON items (id, sku);\n");
    let dir = folder(
        tmp.path(),
        &[
            ("0001_base.sql", "CREATE TABLE items (id int, sku text);\n"),
            ("0002_index.sql", &broken),
        ],
    );
    let r = apply(&dir, &db);
    assert_eq!(r.code, 2, "{}", r.stdout);
    let text = flat(&r.stderr);
    assert!(text.contains("0002_index.sql:3"), "{}", r.stderr);
    assert!(
        text.contains("rehash"),
        "the recovery is printed: {}",
        r.stderr
    );
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM pg_class WHERE relname = 'items_id_idx'"
        ),
        1
    );
    assert_eq!(tracking_row(&db, 2).1, Some(1));
    assert_eq!(status(&dir, &db).code, 1);

    // Editing a statement that already ran is refused: it ran as it was.
    let edited = broken.replace("items (id);", "items (id, sku);");
    fs::write(dir.join("0002_index.sql"), &edited).unwrap();
    rehash(&dir);
    let r = apply(&dir, &db);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        flat(&r.stderr).contains("statements that already ran were edited"),
        "{}",
        r.stderr
    );
    assert!(status(&dir, &db).stdout.contains("modified"));

    // Fixing the failed statement, and only that, resumes.
    let fixed = broken.replace("no_such_column", "sku");
    fs::write(dir.join("0002_index.sql"), &fixed).unwrap();
    rehash(&dir);
    let s = status(&dir, &db);
    assert!(s.stdout.contains("partial"), "{}", s.stdout);
    let r = apply(&dir, &db);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("resuming at statement 2 of 3"),
        "{}",
        r.stderr
    );
    for idx in ["items_id_idx", "items_sku_idx", "items_both_idx"] {
        assert_eq!(
            count(
                &db,
                &format!("SELECT count(*) FROM pg_class WHERE relname = '{idx}'")
            ),
            1,
            "{idx}"
        );
    }
    let (checksum, done) = tracking_row(&db, 2);
    assert_eq!(done, None, "complete");
    assert_eq!(
        checksum,
        schemactl::migrate::checksum(fixed.as_bytes()),
        "the row records the file as it ran"
    );
    let s = status(&dir, &db);
    assert_eq!(s.code, 0, "{}{}", s.stdout, s.stderr);
}

/// A `BEGIN ... COMMIT` block in a no-transaction file is one transaction: a failure inside
/// it leaves nothing of it, and the run resumes at the block.
#[test]
fn a_block_in_a_no_transaction_file_is_all_or_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let db = db("nt_block");
    let broken = "-- schemactl:no-transaction\nCREATE TABLE items (id int);\nCREATE INDEX CONCURRENTLY items_id_idx ON items (id);\nBEGIN;\nCREATE TABLE ledger (id int);\nINSERT INTO ledger VALUES (1);\nINSERT INTO no_such_table VALUES (1);\nCOMMIT;\nCREATE INDEX CONCURRENTLY ledger_id_idx ON ledger (id);\n";
    let dir = folder(tmp.path(), &[("0001_block.sql", broken)]);
    let r = apply(&dir, &db);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(flat(&r.stderr).contains("0001_block.sql:7"), "{}", r.stderr);
    assert!(
        table_exists(&db, "items"),
        "statements before the block stay"
    );
    assert!(
        !table_exists(&db, "ledger"),
        "nothing of the failed block is committed"
    );
    assert_eq!(tracking_row(&db, 1).1, Some(2));
    let fixed = broken.replace("INSERT INTO no_such_table VALUES (1);\n", "");
    fs::write(dir.join("0001_block.sql"), fixed).unwrap();
    rehash(&dir);
    let r = apply(&dir, &db);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(count(&db, "SELECT count(*) FROM ledger"), 1);
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM pg_class WHERE relname = 'ledger_id_idx'"
        ),
        1
    );
    assert_eq!(tracking_row(&db, 1).1, None);
}

/// A server that takes the TCP connection and never answers (a wrong port, a stuck proxy):
/// `--connect-timeout` bounds the whole connect, TLS and the startup handshake included.
#[test]
fn a_handshake_that_never_answers_gives_up_within_the_connect_timeout() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let held = std::thread::spawn(move || {
        let mut open = Vec::new();
        for stream in listener.incoming().take(4) {
            open.push(stream);
        }
        std::thread::sleep(Duration::from_secs(30));
    });
    let tmp = tempfile::tempdir().unwrap();
    let dir = folder(tmp.path(), &[("0001_a.sql", "CREATE TABLE a (id int);\n")]);
    let d = dir.to_str().unwrap();
    for (mode, command) in [
        ("prefer", "status"),
        ("disable", "apply"),
        ("require", "drift"),
    ] {
        let url = format!("postgres://u:NeverSecret42@127.0.0.1:{port}/db?sslmode={mode}");
        let start = Instant::now();
        let r = run(&[
            command,
            "--migrations",
            d,
            "--database-url",
            &url,
            "--connect-timeout",
            "2",
        ]);
        let took = start.elapsed();
        assert_eq!(r.code, 2, "{command}: {}", r.stderr);
        assert!(took < Duration::from_secs(6), "{command} took {took:?}");
        assert!(
            flat(&r.stderr).contains("timed out after 2 s"),
            "{}",
            r.stderr
        );
        assert!(!r.stderr.contains("NeverSecret42"), "{}", r.stderr);
    }
    drop(held);
}

#[test]
fn missing_and_out_of_order_migrations_are_refused_naming_them() {
    let tmp = tempfile::tempdir().unwrap();
    let db = db("missing_ooo");
    let dir = folder(
        tmp.path(),
        &[
            ("0001_a.sql", "CREATE TABLE a (id int);\n"),
            ("0003_c.sql", "CREATE TABLE c (id int);\n"),
        ],
    );
    assert_eq!(apply(&dir, &db).code, 0);
    // A branch merged late: its 0002 sorts before the applied 0003.
    fs::write(dir.join("0002_b.sql"), "CREATE TABLE b (id int);\n").unwrap();
    rehash(&dir);
    let r = apply(&dir, &db);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(
        flat(&r.stderr).contains("`0002_b.sql` is not applied, but later migrations are"),
        "{}",
        r.stderr
    );
    assert!(!table_exists(&db, "b"));
    let s = status(&dir, &db);
    assert!(
        s.stdout.contains("out_of_order") && s.code == 1,
        "{}",
        s.stdout
    );
    let d = dir.to_str().unwrap();
    let r = run(&[
        "apply",
        "--migrations",
        d,
        "--database-url",
        &db.url,
        "--allow-out-of-order",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(table_exists(&db, "b"));

    // An applied file deleted from the folder.
    fs::remove_file(dir.join("0001_a.sql")).unwrap();
    rehash(&dir);
    fs::write(dir.join("0004_d.sql"), "CREATE TABLE d (id int);\n").unwrap();
    rehash(&dir);
    let r = apply(&dir, &db);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(
        flat(&r.stderr).contains("`0001_a.sql` was applied to this database"),
        "{}",
        r.stderr
    );
    assert!(
        !table_exists(&db, "d"),
        "nothing runs while the history is in doubt"
    );
    let s = status(&dir, &db);
    assert!(s.stdout.contains("missing") && s.code == 1, "{}", s.stdout);
    let r = run(&[
        "apply",
        "--migrations",
        d,
        "--database-url",
        &db.url,
        "--allow-missing",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(table_exists(&db, "d"));

    // A file renamed after it was applied: same version and content, another name.
    fs::rename(dir.join("0003_c.sql"), dir.join("0003_renamed.sql")).unwrap();
    rehash(&dir);
    let r = run(&[
        "apply",
        "--migrations",
        d,
        "--database-url",
        &db.url,
        "--allow-missing",
    ]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(flat(&r.stderr).contains("as `0003_c.sql`"), "{}", r.stderr);
    let s = status(&dir, &db);
    assert!(s.stdout.contains("renamed") && s.code == 1, "{}", s.stdout);
}

/// `status`, `apply --dry-run`, `drift` and `diff` only read: a database schemactl never
/// migrated gets no tracking table from them, and is reported as having nothing applied.
#[test]
fn read_only_commands_never_write_to_the_target() {
    let tmp = tempfile::tempdir().unwrap();
    let db = db("read_only");
    db.client()
        .batch_execute("CREATE TABLE legacy (id int)")
        .unwrap();
    let dir = folder(tmp.path(), &[("0001_a.sql", "CREATE TABLE a (id int);\n")]);
    let d = dir.to_str().unwrap();
    let dev = PgServer::shared().url("postgres");
    let catalog = |db: &TestDb| {
        count(
            db,
            "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace",
        )
    };
    let before = catalog(&db);
    let s = status(&dir, &db);
    assert_eq!(s.code, 1, "{}", s.stderr);
    assert!(s.stdout.contains("nothing applied yet"), "{}", s.stdout);
    let r = run(&[
        "apply",
        "--migrations",
        d,
        "--database-url",
        &db.url,
        "--dry-run",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("CREATE TABLE a"), "{}", r.stdout);
    let r = run(&[
        "drift",
        "--migrations",
        d,
        "--database-url",
        &db.url,
        "--dev-url",
        &dev,
    ]);
    assert_eq!(
        r.code, 1,
        "the hand-made table is drift: {}{}",
        r.stdout, r.stderr
    );
    let r = run(&[
        "diff",
        "--migrations",
        d,
        "--from-database",
        &db.url,
        "--dev-url",
        &dev,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!table_exists(&db, "schemactl_migrations"));
    assert!(!table_exists(&db, "a"));
    assert_eq!(catalog(&db), before, "nothing was created");
}
