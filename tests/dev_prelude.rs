//! `dev.prelude` in schemactl.yaml: SQL run before the folder in every scratch database
//! (`generate`, `drift`, `diff`), never by `apply`, and what it creates left out of every
//! comparison. The case: a hosted platform's `auth.users`, referenced by a migration, and
//! another tool's bookkeeping table in the live database.

mod support;

use schemactl_testkit::PgServer;
use std::fs;
use std::path::Path;
use support::{flat, Run};

const PRELUDE: &str = "-- What the platform provides, for scratch databases only.
CREATE SCHEMA auth;
CREATE TABLE auth.users (id uuid PRIMARY KEY, email text);
CREATE TABLE __diesel_schema_migrations (version varchar(50) PRIMARY KEY, run_on timestamp NOT NULL DEFAULT now());
";

const MIGRATION: &str = "CREATE TABLE profiles (
    id uuid PRIMARY KEY REFERENCES auth.users (id),
    display_name text NOT NULL
);
";

fn run_in(root: &Path, args: &[&str]) -> Run {
    support::schemactl()
        .current_dir(root)
        .args(args)
        .output()
        .expect("run schemactl")
        .into()
}

/// A project whose migration needs `auth.users`; `with_prelude` says whether its config
/// names the prelude.
fn project(with_prelude: bool) -> tempfile::TempDir {
    let root = tempfile::tempdir().unwrap();
    support::folder(root.path(), &[("0001_profiles.sql", MIGRATION)]);
    fs::create_dir_all(root.path().join("dev")).unwrap();
    fs::write(root.path().join("dev/platform.sql"), PRELUDE).unwrap();
    let mut config = "migrations: migrations\ndialect: postgres\n".to_string();
    if with_prelude {
        config.push_str("dev:\n  prelude: [dev/platform.sql]\n");
    }
    fs::write(root.path().join("schemactl.yaml"), config).unwrap();
    root
}

#[test]
fn drift_and_diff_run_the_prelude_first_and_leave_its_objects_out() {
    let server = PgServer::shared();
    let dev = server.conninfo("postgres");
    // The live database: the platform's schema (with a column the prelude does not bother
    // to declare) and Diesel's table, then our migration.
    let live = server.create_database("prelude_live");
    live.client()
        .batch_execute(
            "CREATE SCHEMA auth;
             CREATE TABLE auth.users (id uuid PRIMARY KEY, email text, last_sign_in timestamptz);
             CREATE TABLE __diesel_schema_migrations (version varchar(50) PRIMARY KEY, run_on timestamp NOT NULL DEFAULT now());",
        )
        .unwrap();
    let with = project(true);
    let r = run_in(with.path(), &["apply", "--database-url", &live.url]);
    assert_eq!(r.code, 0, "{}", r.stderr);

    // Without the prelude the scratch database cannot run the migration.
    let without = project(false);
    let r = run_in(
        without.path(),
        &["drift", "--database-url", &live.url, "--dev-url", &dev],
    );
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    assert!(flat(&r.stderr).contains("auth.users"), "{}", r.stderr);

    // With it: no drift, though the live auth.users has a column the prelude lacks.
    let r = run_in(
        with.path(),
        &["drift", "--database-url", &live.url, "--dev-url", &dev],
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("no drift"), "{}", r.stdout);

    // A real drift still shows, and the prelude's objects do not.
    live.client()
        .batch_execute("ALTER TABLE profiles ADD COLUMN bio text;")
        .unwrap();
    let r = run_in(
        with.path(),
        &["drift", "--database-url", &live.url, "--dev-url", &dev],
    );
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("bio"), "{}", r.stdout);
    assert!(!r.stdout.contains("auth.users"), "{}", r.stdout);
    assert!(
        !r.stdout.contains("__diesel_schema_migrations"),
        "{}",
        r.stdout
    );

    // diff of the folder against the live database goes through scratch databases too.
    let r = run_in(
        with.path(),
        &[
            "diff",
            "--from-database",
            &live.url,
            "--dev-url",
            &dev,
            "--format",
            "text",
        ],
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(!r.stdout.contains("auth.users"), "{}", r.stdout);
}

#[test]
fn generate_runs_the_prelude_and_apply_never_does() {
    let server = PgServer::shared();
    let dev = server.conninfo("postgres");
    let root = project(true);
    // The declared schema as SQL: the migration plus a new column.
    fs::write(
        root.path().join("schema.sql"),
        format!("{MIGRATION}ALTER TABLE profiles ADD COLUMN avatar_url text;\n"),
    )
    .unwrap();
    let r = run_in(
        root.path(),
        &[
            "--schema-sql",
            "schema.sql",
            "generate",
            "--check",
            "--dev-url",
            &dev,
        ],
    );
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    let all = format!("{}{}", r.stdout, r.stderr);
    assert!(all.contains("avatar_url"), "{all}");
    assert!(!all.contains("auth.users"), "{all}");

    // apply on a database without the platform's schema fails on the migration itself:
    // the prelude is for scratch databases only.
    let fresh = server.create_database("prelude_fresh");
    let r = run_in(root.path(), &["apply", "--database-url", &fresh.url]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let n: i64 = fresh
        .client()
        .query_one(
            "SELECT count(*) FROM pg_namespace WHERE nspname = 'auth'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(n, 0, "apply never runs the prelude");
}

#[test]
fn a_missing_prelude_file_is_named() {
    let root = project(true);
    fs::write(root.path().join("schema.sql"), MIGRATION).unwrap();
    fs::remove_file(root.path().join("dev/platform.sql")).unwrap();
    let r = run_in(
        root.path(),
        &["--schema-sql", "schema.sql", "generate", "--check"],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    let report = flat(&r.stderr);
    assert!(
        report.contains("config::prelude") && report.contains("dev/platform.sql"),
        "{report}"
    );
}
