//! `schemactl generate` through the CLI: the first migration, idempotence, integrity, errors.

include!("../fixtures/kitchen_sink/schema.rs");

use std::fs;
use std::path::Path;
use std::process::{Command, ExitCode};

fn generate(migrations: &Path, extra: &[&str]) -> ExitCode {
    let mut args = vec![
        "schemactl",
        "--color",
        "never",
        "generate",
        "--migrations",
        migrations.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    schemactl::cli::run(args, Some(kitchen_sink))
}

fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn first_run_writes_the_initial_migration_and_the_sum_file() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("migrations");
    assert_eq!(generate(&dir, &[]), ExitCode::from(0));
    assert_eq!(listing(&dir), ["0001_initial.sql", "schemactl.sum"]);
    let sql = fs::read_to_string(dir.join("0001_initial.sql")).unwrap();
    let expected = schemactl::generate::render_script(
        &kitchen_sink().unwrap(),
        schemactl::dialect::DialectKind::Postgres,
    )
    .unwrap();
    assert_eq!(sql, expected);
    let loaded = schemactl::migrate::MigrationDir::load(&dir).unwrap();
    assert!(
        loaded.verify().is_empty(),
        "the sum file matches what was written"
    );
}

#[test]
fn second_run_without_changes_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("migrations");
    assert_eq!(generate(&dir, &[]), ExitCode::from(0));
    let before: Vec<Vec<u8>> = listing(&dir)
        .iter()
        .map(|f| fs::read(dir.join(f)).unwrap())
        .collect();
    assert_eq!(generate(&dir, &[]), ExitCode::from(0));
    assert_eq!(generate(&dir, &["--check"]), ExitCode::from(0));
    let after: Vec<Vec<u8>> = listing(&dir)
        .iter()
        .map(|f| fs::read(dir.join(f)).unwrap())
        .collect();
    assert_eq!(before, after);
    assert_eq!(listing(&dir), ["0001_initial.sql", "schemactl.sum"]);
}

#[test]
fn check_mode_reports_missing_migrations_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("migrations");
    assert_eq!(generate(&dir, &["--check"]), ExitCode::from(1));
    assert!(!dir.exists());
}

#[test]
fn a_tampered_migration_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("migrations");
    assert_eq!(generate(&dir, &[]), ExitCode::from(0));
    let file = dir.join("0001_initial.sql");
    let mut sql = fs::read_to_string(&file).unwrap();
    sql.push_str("DROP TABLE rooms;\n");
    fs::write(&file, sql).unwrap();
    assert_eq!(generate(&dir, &[]), ExitCode::from(2));
    let errors = schemactl::migrate::MigrationDir::load(&dir)
        .unwrap()
        .verify();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].code, "migrations::edited-file");
    assert!(errors[0].message.contains("0001_initial.sql"));
}

#[test]
fn sum_file_catches_missing_extra_and_duplicate_files() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("migrations");
    assert_eq!(generate(&dir, &[]), ExitCode::from(0));
    fs::write(dir.join("0002_by_hand.sql"), "SELECT 1;\n").unwrap();
    let errors = schemactl::migrate::MigrationDir::load(&dir)
        .unwrap()
        .verify();
    assert_eq!(
        errors.iter().map(|d| d.code.as_str()).collect::<Vec<_>>(),
        ["migrations::unlisted-file"]
    );

    fs::write(dir.join("0002_other_branch.sql"), "SELECT 2;\n").unwrap();
    let err = schemactl::migrate::MigrationDir::load(&dir).unwrap_err();
    assert_eq!(err.0[0].code, "migrations::duplicate-version");

    fs::remove_file(dir.join("0002_by_hand.sql")).unwrap();
    fs::remove_file(dir.join("0002_other_branch.sql")).unwrap();
    fs::remove_file(dir.join("0001_initial.sql")).unwrap();
    let errors = schemactl::migrate::MigrationDir::load(&dir)
        .unwrap()
        .verify();
    assert_eq!(errors[0].code, "migrations::missing-file");
}

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_schemactl"))
}

#[test]
fn help_teaches_and_exits_zero() {
    let out = bin().arg("--help").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("generate"), "{text}");
    assert!(text.contains("Exit codes"), "{text}");
}

#[test]
fn usage_errors_exit_two() {
    let out = bin()
        .args(["generate", "--name", "Bad Name"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("lowercase letters"), "{err}");
}

#[test]
fn the_plain_binary_without_a_schema_says_how_to_get_one() {
    let tmp = tempfile::tempdir().unwrap();
    let out = bin()
        .current_dir(tmp.path())
        .args(["--color", "never", "generate"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("needs a declared schema"), "{err}");
    assert_eq!(
        fs::read_dir(tmp.path()).unwrap().count(),
        0,
        "nothing written"
    );
}

#[test]
fn a_broken_config_file_is_reported_at_its_line() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("schemactl.yaml"),
        "migrations: db/migrations\ndialect: oracle\n",
    )
    .unwrap();
    let out = bin()
        .current_dir(tmp.path())
        .args(["--color", "never", "generate"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("schemactl.yaml:2"), "{err}");
    assert!(err.contains("oracle"), "{err}");
}

#[test]
fn two_branches_with_the_same_number_are_caught_and_renumbered() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("migrations");
    assert_eq!(generate(&dir, &[]), ExitCode::from(0));
    // Each branch added its own 0002; the merge holds both.
    fs::write(
        dir.join("0002_add_invoices.sql"),
        "CREATE TABLE invoices (id text PRIMARY KEY);\n",
    )
    .unwrap();
    fs::write(
        dir.join("0002_add_notes.sql"),
        "CREATE TABLE notes (id text PRIMARY KEY);\n",
    )
    .unwrap();
    let d = dir.to_str().unwrap();
    let out = bin()
        .args([
            "--color",
            "never",
            "migrations",
            "rehash",
            "--migrations",
            d,
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("share version 2")
            && err.contains("schemactl migrations renumber 0002_add_notes.sql"),
        "{err}"
    );
    let out = bin()
        .args([
            "migrations",
            "renumber",
            "0002_add_notes.sql",
            "--migrations",
            d,
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        listing(&dir),
        [
            "0001_initial.sql",
            "0002_add_invoices.sql",
            "0003_add_notes.sql",
            "schemactl.sum"
        ]
    );
    assert!(schemactl::migrate::MigrationDir::load(&dir)
        .unwrap()
        .verify()
        .is_empty());
}
