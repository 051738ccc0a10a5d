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
