//! Planned migrations on a real PostgreSQL: apply schema A, then the planned A-to-B files;
//! the catalog must equal the catalog of B created from nothing.

mod support;

use schemactl::dialect::postgres::plan::plan;
use schemactl::dsl::*;
use schemactl::model::Schema;
use schemactl_testkit::PgServer;
use support::*;

const PARENTS: TableRef = TableRef::new("parents");
const CHILDREN: TableRef = TableRef::new("children");
const TOYS: TableRef = TableRef::new("toys");
const GONE: TableRef = TableRef::new("gone");
const MOOD: EnumDef = EnumDef::new("mood", &["calm", "busy"]);
const MOOD_MORE: EnumDef = EnumDef::new("mood", &["calm", "cheerful", "busy"]);

fn schema_a() -> Result<Schema, schemactl::Diagnostics> {
    let mut s = SchemaBuilder::new();
    s.table(PARENTS)
        .doc("parents")
        .global("test")
        .id_tagged("parent")
        .col("name", text())
        .col("nick", text().null())
        .col("mood", enum_of(MOOD).default_enum("calm"))
        .index(["name"]);
    s.table(CHILDREN)
        .doc("children")
        .global("test")
        .id_tagged("child")
        .col("parent_id", text())
        .col("age", integer().null())
        .col("old_name", text().null())
        .fk(["parent_id"], PARENTS, ["id"])
        .index_with(["age"], |i| i.filter("age > 3"));
    s.table(GONE)
        .doc("dropped in B")
        .global("test")
        .id_tagged("gone");
    s.build()
}

fn schema_b() -> Result<Schema, schemactl::Diagnostics> {
    let mut s = SchemaBuilder::new();
    s.table(PARENTS)
        .doc("parents, revised")
        .global("test")
        .id_tagged("parent")
        .col("name", text())
        .col("mood", enum_of(MOOD_MORE).default_enum("cheerful"))
        .col("email", text().null())
        .col("score", integer().default_int(0))
        .index(["name"])
        .index(["email"])
        .check("score_positive", "score >= 0")
        .rls(false)
        .policy("parents_all", |p| p.using("true"));
    s.table(CHILDREN)
        .doc("children")
        .global("test")
        .id_tagged("child")
        .col("parent_id", text())
        .col("age", integer())
        .col("new_name", text().null().renamed_from("old_name"))
        .col("nickname", text())
        .fk_with(["parent_id"], PARENTS, ["id"], |f| {
            f.on_delete(schemactl::model::FkAction::Cascade)
        })
        .index_with(["age"], |i| i.filter("age > 5"));
    s.table(TOYS)
        .doc("new in B")
        .global("test")
        .id_tagged("toy")
        .col("child_id", text())
        .fk(["child_id"], CHILDREN, ["id"])
        .index(["child_id"]);
    s.build()
}

/// A DSL declaration, as a schema crate's `build`.
type Declared = fn() -> Result<Schema, schemactl::Diagnostics>;

/// `schemactl generate --migrations DIR EXTRA...` in this process, declaring `schema`.
fn generate(dir: &std::path::Path, schema: Declared, extra: &[&str]) -> std::process::ExitCode {
    let mut args = vec![
        "schemactl",
        "--color",
        "never",
        "generate",
        "--migrations",
        dir.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    schemactl::cli::run(args, Some(schema))
}

#[test]
fn planned_migration_reaches_the_target_catalog() {
    let (a, b) = (schema_a().unwrap(), schema_b().unwrap());
    let mut p = plan(&a, &b);
    schemactl::generate::annotate::annotate(&mut p, &a);
    let header = schemactl::generate::HEADER;
    let initial_a =
        schemactl::generate::render_script(&a, schemactl::dialect::DialectKind::Postgres).unwrap();
    let mut files = vec![("0001_a.sql".to_string(), initial_a)];
    for (i, f) in p.files.iter().enumerate() {
        files.push((
            format!("{:04}_to_b{}.sql", i + 2, f.suffix),
            f.script(header),
        ));
    }
    insta::assert_snapshot!(files[1..]
        .iter()
        .map(|(n, s)| format!("== {n}\n{s}"))
        .collect::<String>());

    let tmp = tempfile::tempdir().unwrap();
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(n, s)| (n.as_str(), s.as_str()))
        .collect();
    let dir = folder(tmp.path(), &refs[..1]);
    let db = PgServer::shared().create_database("diff_plan");
    let r = run(&[
        "apply",
        "--migrations",
        dir.to_str().unwrap(),
        "--database-url",
        &db.url,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Rows in A's tables, so NOT NULL and checks meet existing data the way they would in production.
    db.client()
        .batch_execute("INSERT INTO parents (id, name) VALUES ('parent_1', 'p'); INSERT INTO children (id, parent_id, age) VALUES ('child_1', 'parent_1', 7);")
        .unwrap();
    for (name, sql) in &files[1..] {
        std::fs::write(dir.join(name), sql).unwrap();
    }
    rehash(&dir);
    // The new NOT NULL column needs its backfill between the files, as a person would write it.
    let r = run(&[
        "apply",
        "--migrations",
        dir.to_str().unwrap(),
        "--database-url",
        &db.url,
        "--to",
        "3",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    db.client()
        .batch_execute("UPDATE children SET nickname = 'kid'")
        .unwrap();
    let r = run(&[
        "apply",
        "--migrations",
        dir.to_str().unwrap(),
        "--database-url",
        &db.url,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);

    let expected_db = PgServer::shared().create_database("diff_expected");
    expected_db
        .client()
        .batch_execute(
            &schemactl::generate::render_script(&b, schemactl::dialect::DialectKind::Postgres)
                .unwrap(),
        )
        .unwrap();
    let found =
        schemactl::inspect::postgres::inspect(&mut db.client(), "schemactl_migrations").unwrap();
    let expected =
        schemactl::inspect::postgres::inspect(&mut expected_db.client(), "schemactl_migrations")
            .unwrap();
    let diffs =
        schemactl::drift::compare(&expected, &found, &schemactl::dialect::postgres::Postgres);
    assert!(
        diffs.is_empty(),
        "{}",
        diffs
            .iter()
            .map(|d| d.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert_eq!(
        db.client()
            .query_one("SELECT count(*) FROM children WHERE new_name IS NULL", &[])
            .unwrap()
            .get::<_, i64>(0),
        1,
        "renamed, not dropped"
    );
}

#[test]
fn generate_writes_the_next_migrations_and_then_reports_no_changes() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("migrations");
    let gen = |f: Declared, extra: &[&str]| generate(&dir, f, extra);
    use std::process::ExitCode;
    assert_eq!(gen(schema_a, &[]), ExitCode::from(0));
    assert_eq!(
        gen(schema_b, &["--check"]),
        ExitCode::from(1),
        "changes pending"
    );
    assert_eq!(gen(schema_b, &["--name", "to_b"]), ExitCode::from(0));
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "0001_initial.sql",
            "0002_to_b_enum_values.sql",
            "0003_to_b.sql",
            "0004_to_b_concurrently.sql",
            "down",
            "schemactl.sum"
        ]
    );
    let down = std::fs::read_to_string(dir.join("down/0002_to_b.sql")).unwrap();
    assert!(down.contains("IRREVERSIBLE in part"), "{down}");
    assert!(
        down.contains("drop table gone: the structure comes back, its data does not"),
        "{down}"
    );
    assert!(
        down.contains("going back swaps the type")
            && down.contains("ALTER TYPE mood RENAME TO mood_old"),
        "{down}"
    );
    assert!(
        down.contains("CREATE TABLE gone") && down.contains("DROP TABLE toys"),
        "{down}"
    );
    assert_eq!(gen(schema_b, &[]), ExitCode::from(0));
    assert_eq!(
        gen(schema_b, &["--check"]),
        ExitCode::from(0),
        "the folder now builds schema B"
    );
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        6,
        "nothing more written"
    );
}

/// The pull-request review of a realistic multi-change branch, read from git.
#[test]
fn diff_reviews_a_branch_against_its_base_revision() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path();
    let dir = repo.join("migrations");
    let d = dir.to_str().unwrap();
    let git = |args: &[&str]| {
        let out = std::process::Command::new("git")
            .arg("-C")
            .arg(repo)
            .args([
                "-c",
                "user.email=dev@example.com",
                "-c",
                "user.name=dev",
                "-c",
                "commit.gpgsign=false",
            ])
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    git(&["init", "-q", "-b", "main"]);
    let gen = |f: Declared| generate(&dir, f, &["--name", "to_b"]);
    assert_eq!(gen(schema_a), std::process::ExitCode::from(0));
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "schema A"]);
    assert_eq!(gen(schema_b), std::process::ExitCode::from(0));

    let r = run(&[
        "diff",
        "--migrations",
        d,
        "--base",
        "main",
        "--format",
        "markdown",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    insta::assert_snapshot!(r.stdout);
    let text = run(&["diff", "--migrations", d, "--base", "main"]);
    assert!(
        text.stdout
            .contains("drop table gone  [destructive: loses data]"),
        "{}",
        text.stdout
    );
    let bad = run(&["diff", "--migrations", d, "--base", "no-such-branch"]);
    assert_eq!(bad.code, 2);
    assert!(
        flat(&bad.stderr).contains("check the revision name"),
        "{}",
        bad.stderr
    );
}

/// A column declared between existing ones can only be appended by ALTER TABLE; the folder
/// then builds the same table with another physical order, which is not a difference.
#[test]
fn a_column_declared_in_the_middle_is_added_and_then_up_to_date() {
    fn before() -> Result<Schema, schemactl::Diagnostics> {
        let mut s = SchemaBuilder::new();
        s.table(TOYS)
            .doc("toys")
            .global("test")
            .id_tagged("toy")
            .col("name", text())
            .col("created_at", timestamptz().default_now());
        s.build()
    }
    fn after() -> Result<Schema, schemactl::Diagnostics> {
        let mut s = SchemaBuilder::new();
        s.table(TOYS)
            .doc("toys")
            .global("test")
            .id_tagged("toy")
            .col("name", text())
            .col("colour", text().null())
            .col("created_at", timestamptz().default_now());
        s.build()
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("migrations");
    let gen = |f: Declared, extra: &[&str]| generate(&dir, f, extra);
    use std::process::ExitCode;
    assert_eq!(gen(before, &[]), ExitCode::from(0));
    assert_eq!(gen(after, &["--name", "colour"]), ExitCode::from(0));
    let sql = std::fs::read_to_string(dir.join("0002_colour.sql")).unwrap();
    assert!(sql.contains("ADD COLUMN colour text"), "{sql}");
    assert_eq!(gen(after, &["--check"]), ExitCode::from(0), "up to date");
}

/// A hand-written migration with procedural code cannot be read, only run: generate runs the
/// folder on a scratch database (the server of `--dev-url`, else a throwaway local one) and
/// plans from its catalog.
#[test]
fn a_do_block_sends_the_folder_to_a_scratch_database() {
    fn before() -> Result<Schema, schemactl::Diagnostics> {
        let mut s = SchemaBuilder::new();
        s.table(TOYS)
            .doc("toys")
            .global("test")
            .id_tagged("toy")
            .col("name", text());
        s.build()
    }
    fn after() -> Result<Schema, schemactl::Diagnostics> {
        let mut s = SchemaBuilder::new();
        s.table(TOYS)
            .doc("toys")
            .global("test")
            .id_tagged("toy")
            .col("name", text())
            .col("colour", text().null())
            .col("size", integer().null())
            .index(["size"]);
        s.build()
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("migrations");
    let gen = |f: Declared, extra: &[&str]| generate(&dir, f, extra);
    use std::process::ExitCode;
    assert_eq!(gen(before, &[]), ExitCode::from(0));
    // What replay cannot follow: the column comes from dynamic SQL.
    std::fs::write(
        dir.join("0002_colour.sql"),
        "DO $$\nBEGIN\n    EXECUTE 'ALTER TABLE toys ADD COLUMN colour text';\nEND\n$$;\n",
    )
    .unwrap();
    rehash(&dir);
    let files_before = std::fs::read_dir(&dir).unwrap().count();
    assert_eq!(
        gen(after, &["--dev-url", "postgres://nobody@127.0.0.1:1/x"]),
        ExitCode::from(2),
        "an unreachable scratch server is an error"
    );
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        files_before,
        "nothing written"
    );
    let dev_url = PgServer::shared().url("postgres");
    assert_eq!(
        gen(after, &["--name", "size", "--dev-url", &dev_url]),
        ExitCode::from(0)
    );
    let written = std::fs::read_to_string(dir.join("0003_size.sql")).unwrap();
    assert!(written.contains("ADD COLUMN size integer"), "{written}");
    assert!(
        !written.contains("colour"),
        "the DO block's column exists already:\n{written}"
    );
    let concurrently = std::fs::read_to_string(dir.join("0004_size_concurrently.sql")).unwrap();
    assert!(
        concurrently.contains("CREATE INDEX CONCURRENTLY"),
        "{concurrently}"
    );
    // Without --dev-url the DO block sends the folder to a throwaway local server.
    assert_eq!(gen(after, &["--check"]), ExitCode::from(0), "up to date");
    assert_eq!(gen(before, &["--check"]), ExitCode::from(1), "changes");
    // No scratch database of generate's (tagged `folder` and `declared`) is left behind;
    // other tests of this binary make their own scratch databases on the same server.
    let mut client = PgServer::shared().create_database("probe").client();
    let left: i64 = client
        .query_one(
            "SELECT count(*) FROM pg_database WHERE datname LIKE 'schemactl\\_scratch\\_folder\\_%' \
             OR datname LIKE 'schemactl\\_scratch\\_declared\\_%'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(left, 0);
}

/// `diff` against live databases: what deploying the folder changes in one (and which files
/// would run there), and what a database holds beyond a folder.
#[test]
fn diff_compares_a_folder_with_live_databases() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("migrations");
    let d = dir.to_str().unwrap();
    let gen = |f: Declared, name: &str| generate(&dir, f, &["--name", name]);
    assert_eq!(gen(schema_a, "initial"), std::process::ExitCode::from(0));
    let a_only = tmp.path().join("a_only");
    std::fs::create_dir_all(&a_only).unwrap();
    for f in ["0001_initial.sql", "schemactl.sum"] {
        std::fs::copy(dir.join(f), a_only.join(f)).unwrap();
    }
    let db = PgServer::shared().create_database("diff_live");
    let dev_url = PgServer::shared().url("postgres");
    let r = run(&["apply", "--migrations", d, "--database-url", &db.url]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(gen(schema_b, "to_b"), std::process::ExitCode::from(0));

    let r = run(&[
        "diff",
        "--migrations",
        d,
        "--from-database",
        &db.url,
        "--dev-url",
        &dev_url,
        "--format",
        "markdown",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for expected in ["drop table gone", "create table toys", "0003_to_b.sql"] {
        assert!(r.stdout.contains(expected), "{expected}:\n{}", r.stdout);
    }
    assert!(
        !r.stdout.contains("0001_initial.sql"),
        "an applied file is not SQL that will run:\n{}",
        r.stdout
    );

    let r = run(&["apply", "--migrations", d, "--database-url", &db.url]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(&[
        "diff",
        "--migrations",
        d,
        "--from-database",
        &db.url,
        "--dev-url",
        &dev_url,
    ]);
    assert_eq!(
        (r.code, r.stdout.as_str()),
        (0, "No schema changes.\n"),
        "{}",
        r.stderr
    );
    // The other way: a folder at A against the database now at B.
    let r = run(&[
        "diff",
        "--migrations",
        a_only.to_str().unwrap(),
        "--from",
        a_only.to_str().unwrap(),
        "--to-database",
        &db.url,
        "--dev-url",
        &dev_url,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("drop table gone  [destructive: loses data]"),
        "{}",
        r.stdout
    );
    let bad = run(&[
        "diff",
        "--migrations",
        d,
        "--from-database",
        "postgres://nobody@127.0.0.1:1/x",
    ]);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
}

/// The first migration, written as it is rendered, is also all or nothing: when its file
/// cannot be written, neither it nor a sum is left, and the next run writes both.
#[test]
fn a_failed_first_write_leaves_the_folder_empty() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("migrations");
    std::fs::create_dir(&dir).unwrap();
    let blocker = dir.join(format!(".0001_initial.sql.tmp-{}", std::process::id()));
    std::fs::create_dir(&blocker).unwrap();
    assert_eq!(
        generate(&dir, schema_a, &[]),
        std::process::ExitCode::from(2)
    );
    std::fs::remove_dir(&blocker).unwrap();
    let left: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
    assert!(left.is_empty(), "{left:?}");
    assert_eq!(
        generate(&dir, schema_a, &[]),
        std::process::ExitCode::from(0)
    );
    assert!(dir.join("0001_initial.sql").is_file());
    assert!(dir.join("schemactl.sum").is_file());
    assert_eq!(
        generate(&dir, schema_a, &["--check"]),
        std::process::ExitCode::from(0)
    );
}

/// A plan of several files is written all or nothing: when the second file cannot be
/// written, the first one and the down file are removed again and the sum is untouched.
#[test]
fn a_failed_write_leaves_the_folder_as_it_was() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("migrations");
    assert_eq!(
        generate(&dir, schema_a, &[]),
        std::process::ExitCode::from(0)
    );
    let sum_before = std::fs::read_to_string(dir.join("schemactl.sum")).unwrap();
    // A directory where the plan's second file is written first (its temporary file; this
    // test runs generate in its own process) makes that write fail after planning.
    let blocker = dir.join(format!(".0003_to_b.sql.tmp-{}", std::process::id()));
    std::fs::create_dir(&blocker).unwrap();
    assert_eq!(
        generate(&dir, schema_b, &["--name", "to_b"]),
        std::process::ExitCode::from(2)
    );
    assert!(!dir.join("0002_to_b_enum_values.sql").exists());
    assert!(!dir.join("down/0002_to_b.sql").exists());
    assert!(
        !dir.join("down").exists(),
        "the down folder it made goes too"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("schemactl.sum")).unwrap(),
        sum_before
    );
    std::fs::remove_dir(&blocker).unwrap();
    assert_eq!(
        generate(&dir, schema_b, &["--name", "to_b"]),
        std::process::ExitCode::from(0)
    );
    assert!(dir.join("0003_to_b.sql").is_file());
}
