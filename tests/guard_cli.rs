//! `schemactl guard` through the real binary (migration-folder rules, --explain, formats,
//! exit codes) and in-process with the kitchen-sink schema (schema rules, graph).

include!("../fixtures/kitchen_sink/schema.rs");

use schemactl::guard::{self, GuardConfig};
use schemactl::migrate::{checksum, SumFile, SUM_FILE};
use std::path::Path;
use std::process::{Command, ExitCode, Output};

fn schemactl(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_schemactl"))
        .current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run schemactl")
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exit code")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A project folder with `migrations/` holding `files` and their sum file.
fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("migrations");
    std::fs::create_dir(&dir).unwrap();
    for (n, sql) in files {
        std::fs::write(dir.join(n), sql).unwrap();
    }
    let sum = SumFile::of(
        files
            .iter()
            .map(|(n, s)| (n.to_string(), checksum(s.as_bytes()))),
    );
    std::fs::write(dir.join(SUM_FILE), sum.render()).unwrap();
    tmp
}

const FILES: &[(&str, &str)] = &[
    ("0001_initial.sql", "CREATE TABLE a (id bigint);\n"),
    ("0002_more.sql", "CREATE TABLE b (id bigint);\n"),
];

#[test]
fn clean_folder_exits_zero_with_summary() {
    let p = project(FILES);
    let o = schemactl(p.path(), &["guard"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("0 errors, 0 warnings"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("only the migration-folder rules"));
}

#[test]
fn edited_migration_exits_one_in_every_format() {
    let p = project(FILES);
    std::fs::write(
        p.path().join("migrations/0001_initial.sql"),
        "CREATE TABLE a (id bigint, note text);\n",
    )
    .unwrap();

    let human = schemactl(p.path(), &["guard"]);
    assert_eq!(code(&human), 1);
    assert!(stderr(&human).contains("SG302"), "{}", stderr(&human));
    assert!(stderr(&human).contains("1 error, 0 warnings"));

    let json = schemactl(p.path(), &["guard", "--format", "json"]);
    assert_eq!(code(&json), 1);
    let v: serde_json::Value = serde_json::from_str(&stdout(&json)).expect("valid json");
    assert_eq!(v["version"], 1);
    assert_eq!(v["summary"]["errors"], 1);
    assert_eq!(v["findings"][0]["code"], "SG302");
    assert_eq!(v["findings"][0]["rule"], "edited-migration");
    assert_eq!(v["findings"][0]["line"], 1);

    let gh = schemactl(p.path(), &["guard", "--format", "github"]);
    assert_eq!(code(&gh), 1);
    let first = stdout(&gh).lines().next().unwrap_or_default().to_string();
    assert!(
        first.starts_with(
            "::error file=migrations/0001_initial.sql,line=1,col=1,title=SG302 edited-migration::"
        ),
        "{first}"
    );

    let sarif = schemactl(p.path(), &["guard", "--format", "sarif"]);
    assert_eq!(code(&sarif), 1);
    let v: serde_json::Value = serde_json::from_str(&stdout(&sarif)).expect("valid sarif");
    assert_eq!(v["version"], "2.1.0");
    assert_eq!(v["runs"][0]["results"][0]["ruleId"], "SG302");
}

#[test]
fn duplicate_and_unlisted_files_are_reported_together() {
    let p = project(FILES);
    std::fs::write(p.path().join("migrations/0002_other.sql"), "SELECT 1;\n").unwrap();
    std::fs::write(p.path().join("migrations/notes.txt"), "hi\n").unwrap();
    let o = schemactl(p.path(), &["guard", "--format", "json"]);
    assert_eq!(code(&o), 1);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let mut codes: Vec<String> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect();
    codes.sort();
    assert_eq!(codes, ["SG304", "SG305", "SG307"]);
}

#[test]
fn levels_and_warnings_as_errors() {
    let p = project(FILES);
    std::fs::write(p.path().join("migrations/0001_initial.sql"), "-- edited\n").unwrap();
    std::fs::write(
        p.path().join("schemactl.yaml"),
        "guard:\n  severity: {SG302: warning}\n",
    )
    .unwrap();
    let o = schemactl(p.path(), &["guard"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stderr(&o).contains("0 errors, 1 warning"));
    let o = schemactl(p.path(), &["guard", "--warnings-as-errors"]);
    assert_eq!(code(&o), 1);
    std::fs::write(
        p.path().join("schemactl.yaml"),
        "guard:\n  allow: [{code: SG302, reason: 'comment-only edit, reviewed'}]\n",
    )
    .unwrap();
    assert_eq!(code(&schemactl(p.path(), &["guard"])), 0);
}

#[test]
fn bad_config_and_bad_folder_exit_two() {
    let p = project(FILES);
    std::fs::write(
        p.path().join("schemactl.yaml"),
        "guard:\n  tenant_column: x\n",
    )
    .unwrap();
    let o = schemactl(p.path(), &["guard"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    std::fs::write(
        p.path().join("schemactl.yaml"),
        "guard:\n  severity: {SG999: off}\n",
    )
    .unwrap();
    assert_eq!(code(&schemactl(p.path(), &["guard"])), 2);
    // Machine formats still print a parseable document for the failure.
    let o = schemactl(p.path(), &["guard", "--format", "json"]);
    assert_eq!(code(&o), 2);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("valid json");
    assert_eq!(v["findings"][0]["code"], "config::unknown-rule");
    std::fs::remove_file(p.path().join("schemactl.yaml")).unwrap();
    let o = schemactl(
        p.path(),
        &["guard", "--migrations", "migrations/0001_initial.sql"],
    );
    assert_eq!(code(&o), 2);
    assert_eq!(code(&schemactl(p.path(), &["guard", "--format", "xml"])), 2);
}

#[test]
fn explain_and_list() {
    let tmp = tempfile::tempdir().unwrap();
    let o = schemactl(tmp.path(), &["guard", "--explain", "sg101"]);
    assert_eq!(code(&o), 0);
    let text = stdout(&o);
    for part in [
        "SG101 tenant-boundary",
        "What it flags:",
        "Why:",
        "How to fix:",
        "How to suppress:",
    ] {
        assert!(text.contains(part), "{part} missing in:\n{text}");
    }
    assert_eq!(
        code(&schemactl(tmp.path(), &["guard", "--explain", "SG999"])),
        2
    );
    let list = stdout(&schemactl(tmp.path(), &["guard", "--list"]));
    for r in guard::registry() {
        assert!(list.contains(r.info.code), "{} not listed", r.info.code);
    }
}

#[test]
fn graph_needs_a_schema() {
    let tmp = tempfile::tempdir().unwrap();
    assert_eq!(code(&schemactl(tmp.path(), &["graph"])), 2);
}

fn exit(c: ExitCode) -> String {
    format!("{c:?}")
}

#[test]
fn in_process_with_the_kitchen_sink_schema() {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = tmp.path().join("schemactl.yaml");
    let migrations = tmp.path().join("migrations");
    std::fs::write(
        &cfg,
        format!(
            "migrations: {}\nguard:\n  tenant: {{column: tenant_id, table: tenants}}\n",
            migrations.display()
        ),
    )
    .unwrap();
    let cfg = cfg.display().to_string();
    // A folder the config names must exist (a missing one is a typo, exit 2).
    std::fs::create_dir_all(&migrations).unwrap();
    // The kitchen sink breaks several rules on purpose (a cycle, float columns, ...) and has
    // no migration yet.
    let found = schemactl::cli::run(
        ["schemactl", "--config", &cfg, "guard", "--format", "json"],
        Some(kitchen_sink),
    );
    assert_eq!(exit(found), exit(ExitCode::from(1)));
    let graph = schemactl::cli::run(
        [
            "schemactl",
            "--config",
            &cfg,
            "graph",
            "--format",
            "mermaid",
        ],
        Some(kitchen_sink),
    );
    assert_eq!(exit(graph), exit(ExitCode::from(0)));
}

#[test]
fn kitchen_sink_findings_through_the_library() {
    let schema = kitchen_sink().unwrap();
    let mut config = GuardConfig::default();
    config.tenant.column = "tenant_id".into();
    config.tenant.table = "tenants".into();
    config.graph.roots = vec!["tenants".into(), "members".into()];
    let ds = guard::check_schema(&schema, &config);
    let text: String = ds.iter().map(|d| format!("{d}\n")).collect();
    insta::assert_snapshot!(text);
    // Deterministic.
    assert_eq!(ds, guard::check_schema(&schema, &config));
}

/// `guard.runner` in schemactl.yaml decides which statements share a transaction: the same
/// folder is clean when psql runs it and fails when schemactl or drizzle-kit would.
#[test]
fn the_runner_setting_judges_the_folder_by_who_runs_it() {
    let p = project(&[
        ("0001_initial.sql", "CREATE TYPE s AS ENUM ('a');\nCREATE TABLE t (id bigint, st s);\n"),
        ("0002_value.sql", "ALTER TYPE s ADD VALUE 'b';\n"),
        (
            "0003_use.sql",
            "SET lock_timeout = '5s';\nUPDATE t SET st = 'b';\nBEGIN;\nUPDATE t SET st = 'a';\nCOMMIT;\nCREATE INDEX CONCURRENTLY t_id_idx ON t (id);\n",
        ),
    ]);
    let mut out = String::new();
    for runner in ["psql", "schemactl", "drizzle-kit", "flyway"] {
        std::fs::write(
            p.path().join("schemactl.yaml"),
            format!("guard:\n  runner: {runner}\n"),
        )
        .unwrap();
        let o = schemactl(
            p.path(),
            &["--color", "never", "guard", "--format", "github"],
        );
        out.push_str(&format!(
            "== runner: {runner} (exit {})\n{}",
            code(&o),
            stdout(&o)
        ));
        if code(&o) == 2 {
            out.push_str(&stderr(&o));
        }
    }
    insta::assert_snapshot!(out);
}

/// `guard --dev-url` runs the folder on a scratch database of that server and names the
/// first statement PostgreSQL refuses, even one replay cannot judge.
#[test]
fn dev_url_runs_the_folder_on_a_real_server() {
    let p = project(&[
        ("0001_initial.sql", "CREATE TABLE a (id bigint);\n"),
        (
            "0002_dynamic.sql",
            "DO $$ BEGIN EXECUTE format('CREATE INDEX %I ON %I (id)', 'a_id_idx', 'a'); END $$;\n",
        ),
        (
            "0003_again.sql",
            "-- schemactl:allow SG402 a is empty in every environment\nCREATE INDEX a_id_idx ON a (id);\n",
        ),
    ]);
    // Offline, replay cannot tell what the DO block built: nothing to report.
    let offline = schemactl(p.path(), &["--color", "never", "guard", "--format", "json"]);
    assert!(!stdout(&offline).contains("SG309"), "{}", stdout(&offline));
    let url = schemactl_testkit::PgServer::shared().url("postgres");
    let o = schemactl(
        p.path(),
        &[
            "--color",
            "never",
            "guard",
            "--format",
            "json",
            "--dev-url",
            &url,
        ],
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let found: Vec<&serde_json::Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "SG309")
        .collect();
    assert_eq!(found.len(), 1, "{}", stdout(&o));
    assert!(found[0]["file"]
        .as_str()
        .unwrap()
        .ends_with("0003_again.sql"));
    assert_eq!(found[0]["line"], 2);
    let message = found[0]["message"].as_str().unwrap();
    assert!(message.contains("already exists"), "{message}");
    // A server that cannot be reached is an error of the run, not a finding.
    let o = schemactl(
        p.path(),
        &[
            "guard",
            "--dev-url",
            "postgres://nobody@127.0.0.1:1/x?connect_timeout=2",
        ],
    );
    assert_eq!(code(&o), 2, "{}", stderr(&o));
}
