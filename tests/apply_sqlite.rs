//! `schemactl apply` and `status` on real SQLite files.

mod support;

use rusqlite::Connection;
use support::*;

fn url(root: &std::path::Path) -> String {
    format!("sqlite:{}", root.join("app.db").display())
}

fn one(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn fresh_file_is_migrated_once_then_up_to_date() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = folder(tmp.path(), &[("0001_users.sql", "CREATE TABLE users (id TEXT PRIMARY KEY, email TEXT NOT NULL UNIQUE);\nINSERT INTO users VALUES ('usr_1', 'a@example.com');\n")]);
    let d = dir.to_str().unwrap();
    let u = url(tmp.path());
    let r = run(&["apply", "--migrations", d, "--database-url", &u]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(&["apply", "--migrations", d, "--database-url", &u]);
    assert!(r.stdout.contains("nothing to apply"), "{}", r.stdout);
    assert_eq!(
        run(&["status", "--migrations", d, "--database-url", &u]).code,
        0
    );
    let conn = Connection::open(tmp.path().join("app.db")).unwrap();
    assert_eq!(one(&conn, "SELECT count(*) FROM users"), 1);
    fs_add(&dir, "0002_more.sql", "CREATE TABLE more (id INTEGER);\n");
    assert_eq!(
        run(&["status", "--migrations", d, "--database-url", &u]).code,
        1,
        "pending"
    );
}

fn fs_add(dir: &std::path::Path, name: &str, sql: &str) {
    std::fs::write(dir.join(name), sql).unwrap();
    rehash(dir);
}

#[test]
fn a_failing_statement_rolls_back_its_file_only() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = folder(
        tmp.path(),
        &[
            ("0001_a.sql", "CREATE TABLE a (id INTEGER);\n"),
            (
                "0002_b.sql",
                "CREATE TABLE b (id INTEGER);\nINSERT INTO nowhere VALUES (1);\n",
            ),
        ],
    );
    let r = run(&[
        "apply",
        "--migrations",
        dir.to_str().unwrap(),
        "--database-url",
        &url(tmp.path()),
    ]);
    assert_eq!(r.code, 2);
    let text = flat(&r.stderr);
    assert!(
        text.contains("0002_b.sql:2") && text.contains("no such table: nowhere"),
        "{}",
        r.stderr
    );
    let conn = Connection::open(tmp.path().join("app.db")).unwrap();
    assert_eq!(
        one(&conn, "SELECT count(*) FROM sqlite_master WHERE name = 'a'"),
        1
    );
    assert_eq!(
        one(&conn, "SELECT count(*) FROM sqlite_master WHERE name = 'b'"),
        0
    );
    assert_eq!(one(&conn, "SELECT count(*) FROM schemactl_migrations"), 1);
}

#[test]
fn eight_concurrent_applies_apply_each_migration_exactly_once() {
    let tmp = tempfile::tempdir().unwrap();
    let mut files = vec![(
        "0001_log.sql".to_string(),
        "CREATE TABLE applied_log (version TEXT NOT NULL);\n".to_string(),
    )];
    for v in 2..=6 {
        files.push((
            format!("{v:04}_step.sql"),
            format!(
                "CREATE TABLE step_{v} (id INTEGER);\nINSERT INTO applied_log VALUES ('{v}');\n"
            ),
        ));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let dir = folder(tmp.path(), &refs);
    let u = url(tmp.path());
    let children: Vec<_> = (0..8)
        .map(|_| {
            spawn(&[
                "apply",
                "--migrations",
                dir.to_str().unwrap(),
                "--database-url",
                &u,
            ])
        })
        .collect();
    for child in children {
        let out: Run = child.wait_with_output().unwrap().into();
        assert_eq!(out.code, 0, "{}", out.stderr);
    }
    let conn = Connection::open(tmp.path().join("app.db")).unwrap();
    assert_eq!(one(&conn, "SELECT count(*) FROM applied_log"), 5);
    assert_eq!(one(&conn, "SELECT count(*) FROM schemactl_migrations"), 6);
}

const PARENT_CHILD: &str = "CREATE TABLE clients (id TEXT PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE projects (id TEXT PRIMARY KEY, client_id TEXT NOT NULL REFERENCES clients (id));
INSERT INTO clients VALUES ('cli_1', 'Ann'), ('cli_2', 'Bo');
INSERT INTO projects VALUES ('prj_1', 'cli_1'), ('prj_2', 'cli_2');
";

#[test]
fn a_table_rebuild_keeps_every_row_and_foreign_key() {
    let tmp = tempfile::tempdir().unwrap();
    let rebuild = "CREATE TABLE clients_new (id TEXT PRIMARY KEY, name TEXT NOT NULL, version INTEGER NOT NULL DEFAULT 1);
INSERT INTO clients_new (id, name) SELECT id, name FROM clients;
DROP TABLE clients;
ALTER TABLE clients_new RENAME TO clients;
";
    let dir = folder(
        tmp.path(),
        &[
            ("0001_base.sql", PARENT_CHILD),
            ("0002_rebuild_clients.sql", rebuild),
        ],
    );
    let r = run(&[
        "apply",
        "--migrations",
        dir.to_str().unwrap(),
        "--database-url",
        &url(tmp.path()),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let conn = Connection::open(tmp.path().join("app.db")).unwrap();
    assert_eq!(
        one(&conn, "SELECT count(*) FROM clients WHERE version = 1"),
        2
    );
    assert_eq!(one(&conn, "SELECT count(*) FROM projects"), 2);
    assert_eq!(
        one(&conn, "SELECT count(*) FROM pragma_foreign_key_check"),
        0
    );
    assert_eq!(
        one(
            &conn,
            "SELECT count(*) FROM pragma_foreign_key_list('projects') WHERE \"table\" = 'clients'"
        ),
        1
    );
}

#[test]
fn a_rebuild_that_loses_referenced_rows_is_rolled_back() {
    let tmp = tempfile::tempdir().unwrap();
    let lossy = "CREATE TABLE clients_new (id TEXT PRIMARY KEY, name TEXT NOT NULL);
INSERT INTO clients_new SELECT id, name FROM clients WHERE id = 'cli_1';
DROP TABLE clients;
ALTER TABLE clients_new RENAME TO clients;
";
    let dir = folder(
        tmp.path(),
        &[("0001_base.sql", PARENT_CHILD), ("0002_lossy.sql", lossy)],
    );
    let r = run(&[
        "apply",
        "--migrations",
        dir.to_str().unwrap(),
        "--database-url",
        &url(tmp.path()),
    ]);
    assert_eq!(r.code, 2);
    assert!(
        flat(&r.stderr).contains("foreign key check failed"),
        "{}",
        r.stderr
    );
    let conn = Connection::open(tmp.path().join("app.db")).unwrap();
    assert_eq!(one(&conn, "SELECT count(*) FROM clients"), 2, "rolled back");
    assert_eq!(one(&conn, "SELECT count(*) FROM schemactl_migrations"), 1);
}

mod incremental {
    use super::*;
    use schemactl::dsl::*;
    use schemactl::model::Schema;
    use std::process::ExitCode;

    const SHOPS: TableRef = TableRef::new("shops");
    const ITEMS: TableRef = TableRef::new("items");

    fn before() -> Result<Schema, schemactl::Diagnostics> {
        let mut s = SchemaBuilder::new();
        s.table(SHOPS)
            .doc("shops")
            .global("test")
            .col("id", text())
            .primary_key(["id"])
            .col("name", text());
        s.table(ITEMS)
            .doc("items")
            .global("test")
            .col("id", text())
            .primary_key(["id"])
            .col("shop_id", text())
            .col("title", text())
            .col("price", integer().null())
            .fk(["shop_id"], SHOPS, ["id"])
            .index(["shop_id"]);
        s.build()
    }

    /// An added column SQLite adds in place, a renamed column, and a new NOT NULL with a check
    /// that only a table rebuild can give.
    fn after() -> Result<Schema, schemactl::Diagnostics> {
        let mut s = SchemaBuilder::new();
        s.table(SHOPS)
            .doc("shops")
            .global("test")
            .col("id", text())
            .primary_key(["id"])
            .col("name", text())
            .col("city", text().null());
        s.table(ITEMS)
            .doc("items")
            .global("test")
            .col("id", text())
            .primary_key(["id"])
            .col("shop_id", text())
            .col("name", text().renamed_from("title"))
            .col("price", integer().default_int(0))
            .check("price_positive", "price >= 0")
            .fk(["shop_id"], SHOPS, ["id"])
            .index(["shop_id"]);
        s.build()
    }

    fn gen(
        dir: &str,
        f: fn() -> Result<Schema, schemactl::Diagnostics>,
        extra: &[&str],
    ) -> ExitCode {
        let mut args = vec![
            "schemactl",
            "--color",
            "never",
            "--dialect",
            "sqlite",
            "generate",
            "--migrations",
            dir,
        ];
        args.extend_from_slice(extra);
        schemactl::cli::run(args, Some(f))
    }

    #[test]
    fn generate_plans_sqlite_changes_that_apply_on_rows() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("migrations");
        let d = dir.to_str().unwrap();
        let u = url(tmp.path());
        assert_eq!(gen(d, before, &[]), ExitCode::from(0));
        let r = run(&["apply", "--migrations", d, "--database-url", &u]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let conn = Connection::open(tmp.path().join("app.db")).unwrap();
        conn.execute_batch(
            "INSERT INTO shops VALUES ('s1', 'Corner');
             INSERT INTO items VALUES ('i1', 's1', 'Tea', 3), ('i2', 's1', 'Cake', NULL);",
        )
        .unwrap();

        assert_eq!(
            gen(d, after, &["--check"]),
            ExitCode::from(1),
            "changes pending"
        );
        assert_eq!(gen(d, after, &["--name", "items_v2"]), ExitCode::from(0));
        let sql = std::fs::read_to_string(dir.join("0002_items_v2.sql")).unwrap();
        assert!(
            sql.contains("ALTER TABLE shops ADD COLUMN city TEXT"),
            "{sql}"
        );
        assert!(sql.contains("INSERT INTO"), "items is rebuilt:\n{sql}");
        assert!(!dir.join("down").exists(), "no down file for SQLite");

        // A NULL price breaks the new NOT NULL: the whole file rolls back.
        let r = run(&["apply", "--migrations", d, "--database-url", &u]);
        assert_eq!(r.code, 2, "{}", r.stdout);
        assert_eq!(
            one(
                &conn,
                "SELECT count(*) FROM pragma_table_info('items') WHERE name = 'title'"
            ),
            1
        );
        conn.execute_batch("UPDATE items SET price = 0 WHERE price IS NULL")
            .unwrap();
        let r = run(&["apply", "--migrations", d, "--database-url", &u]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let names: Vec<String> = conn
            .prepare("SELECT name FROM items ORDER BY id")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(names, ["Tea", "Cake"], "the renamed column kept its values");
        assert!(
            conn.execute_batch("UPDATE items SET price = -1").is_err(),
            "the new check holds"
        );
        assert_eq!(gen(d, after, &["--check"]), ExitCode::from(0), "up to date");
    }
}

fn tracking(conn: &Connection, version: i64) -> (String, Option<i64>) {
    conn.query_row(
        "SELECT checksum, statements_done FROM schemactl_migrations WHERE version = ?1",
        [version],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .unwrap()
}

/// The printed recovery for a failed no-transaction file works on SQLite too: fix the
/// statement, rehash, apply again; the statements that ran may not change.
#[test]
fn a_failed_no_transaction_file_resumes_after_a_fix() {
    let tmp = tempfile::tempdir().unwrap();
    let broken = "-- schemactl:no-transaction\nCREATE TABLE a2 (id INTEGER);\nINSERT INTO nowhere VALUES (1);\nCREATE TABLE c (id INTEGER);\n";
    let dir = folder(
        tmp.path(),
        &[
            ("0001_a.sql", "CREATE TABLE a (id INTEGER);\n"),
            ("0002_nt.sql", broken),
        ],
    );
    let d = dir.to_str().unwrap();
    let u = url(tmp.path());
    let r = run(&["apply", "--migrations", d, "--database-url", &u]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(flat(&r.stderr).contains("0002_nt.sql:3"), "{}", r.stderr);
    let conn = Connection::open(tmp.path().join("app.db")).unwrap();
    assert_eq!(tracking(&conn, 2).1, Some(1));

    std::fs::write(
        dir.join("0002_nt.sql"),
        broken.replace("a2 (id INTEGER)", "a2 (id TEXT)"),
    )
    .unwrap();
    rehash(&dir);
    let r = run(&["apply", "--migrations", d, "--database-url", &u]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(
        flat(&r.stderr).contains("statements that already ran were edited"),
        "{}",
        r.stderr
    );

    let fixed = broken.replace("INSERT INTO nowhere", "INSERT INTO a2");
    std::fs::write(dir.join("0002_nt.sql"), &fixed).unwrap();
    rehash(&dir);
    let s = run(&["status", "--migrations", d, "--database-url", &u]);
    assert!(s.stdout.contains("partial"), "{}", s.stdout);
    let r = run(&["apply", "--migrations", d, "--database-url", &u]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("resuming at statement 2 of 3"),
        "{}",
        r.stderr
    );
    assert_eq!(one(&conn, "SELECT count(*) FROM a2"), 1);
    assert_eq!(
        one(&conn, "SELECT count(*) FROM sqlite_master WHERE name = 'c'"),
        1
    );
    assert_eq!(
        tracking(&conn, 2),
        (schemactl::migrate::checksum(fixed.as_bytes()), None)
    );
    assert_eq!(
        run(&["status", "--migrations", d, "--database-url", &u]).code,
        0
    );
}

#[test]
fn a_block_in_a_no_transaction_file_is_all_or_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let broken = "-- schemactl:no-transaction\nCREATE TABLE before_block (id INTEGER);\nBEGIN IMMEDIATE;\nCREATE TABLE ledger (id INTEGER);\nINSERT INTO ledger VALUES (1);\nINSERT INTO nowhere VALUES (1);\nCOMMIT;\nCREATE TABLE after_block (id INTEGER);\n";
    let dir = folder(tmp.path(), &[("0001_block.sql", broken)]);
    let d = dir.to_str().unwrap();
    let u = url(tmp.path());
    let r = run(&["apply", "--migrations", d, "--database-url", &u]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(flat(&r.stderr).contains("0001_block.sql:6"), "{}", r.stderr);
    let conn = Connection::open(tmp.path().join("app.db")).unwrap();
    let exists = |t: &str| {
        one(
            &conn,
            &format!("SELECT count(*) FROM sqlite_master WHERE name = '{t}'"),
        )
    };
    assert_eq!(exists("before_block"), 1);
    assert_eq!(
        exists("ledger"),
        0,
        "nothing of the failed block is committed"
    );
    assert_eq!(tracking(&conn, 1).1, Some(1));
    std::fs::write(
        dir.join("0001_block.sql"),
        broken.replace("INSERT INTO nowhere VALUES (1);\n", ""),
    )
    .unwrap();
    rehash(&dir);
    let r = run(&["apply", "--migrations", d, "--database-url", &u]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(one(&conn, "SELECT count(*) FROM ledger"), 1);
    assert_eq!(exists("after_block"), 1);
    assert_eq!(tracking(&conn, 1).1, None);
}

/// A typo in a SQLite path must not make a new database, and reading a database schemactl
/// never migrated must not add its tracking table.
#[test]
fn read_only_commands_never_create_or_change_a_database_file() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = folder(
        tmp.path(),
        &[("0001_a.sql", "CREATE TABLE a (id INTEGER);\n")],
    );
    let d = dir.to_str().unwrap();
    let typo = format!("sqlite:{}", tmp.path().join("ap.db").display());
    // status: nothing applied there yet (exit 1, as before any apply); a dry run: what apply
    // would do to a new file; drift has nothing to compare. None of them makes the file.
    for (args, code) in [
        (
            vec!["status", "--migrations", d, "--database-url", &typo],
            1,
        ),
        (
            vec![
                "apply",
                "--migrations",
                d,
                "--database-url",
                &typo,
                "--dry-run",
            ],
            0,
        ),
        (vec!["drift", "--migrations", d, "--database-url", &typo], 2),
    ] {
        let r = run(&args);
        assert_eq!(r.code, code, "{args:?}: {}{}", r.stdout, r.stderr);
        assert!(r.stderr.contains("does not exist"), "{}", r.stderr);
        assert!(
            !tmp.path().join("ap.db").exists(),
            "{args:?} created the file"
        );
    }
    let path = tmp.path().join("app.db");
    Connection::open(&path)
        .unwrap()
        .execute_batch("CREATE TABLE legacy (id INTEGER);")
        .unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let u = url(tmp.path());
    let s = run(&["status", "--migrations", d, "--database-url", &u]);
    assert_eq!(s.code, 1, "{}", s.stderr);
    assert!(s.stdout.contains("nothing applied yet"), "{}", s.stdout);
    let r = run(&[
        "apply",
        "--migrations",
        d,
        "--database-url",
        &u,
        "--dry-run",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        std::fs::read(&path).unwrap(),
        bytes,
        "the file is unchanged"
    );
}

/// A first apply that fails leaves no new database file behind.
#[test]
fn a_failed_first_apply_leaves_no_file() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = folder(
        tmp.path(),
        &[(
            "0001_bad.sql",
            "CREATE TABLE a (id INTEGER);\nINSERT INTO nowhere VALUES (1);\n",
        )],
    );
    let r = run(&[
        "apply",
        "--migrations",
        dir.to_str().unwrap(),
        "--database-url",
        &url(tmp.path()),
    ]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(!tmp.path().join("app.db").exists());
}
