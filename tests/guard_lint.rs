//! The SQL safety lint (SG4xx) over whole migration folders: `fixtures/lint/unsafe/` yields
//! exactly the expected findings, `fixtures/lint/safe/` (the same changes written safely) none.

use schemactl::diag::Diagnostic;
use schemactl::guard::{self, GuardConfig, MigrationInput};
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn findings(dir: &str) -> Vec<Diagnostic> {
    findings_with(dir, &GuardConfig::default())
}

fn findings_with(dir: &str, config: &GuardConfig) -> Vec<Diagnostic> {
    guard::check_migrations(&root().join(dir), &MigrationInput::default(), config)
        .expect("fixture folder loads")
}

/// One line per finding with the path relative to the crate, plus its help.
fn text(ds: &[Diagnostic]) -> String {
    let base = format!("{}/", root().display());
    let mut s = String::new();
    for d in ds {
        s.push_str(&format!("{d}\n").replace(&base, ""));
        if let Some(h) = &d.help {
            s.push_str(&format!("    help: {h}\n"));
        }
    }
    s
}

#[test]
fn unsafe_fixture_yields_exactly_the_expected_findings() {
    let ds = findings("fixtures/lint/unsafe");
    insta::assert_snapshot!(text(&ds));
    // Every SQL rule is exercised by the fixture.
    let mut codes: Vec<&str> = ds.iter().map(|d| d.code.as_str()).collect();
    codes.sort();
    codes.dedup();
    let all: Vec<&str> = guard::registry()
        .iter()
        .map(|r| r.info.code)
        .filter(|c| c.starts_with("SG4"))
        .collect();
    assert_eq!(codes, all);
    // Deterministic, locations included.
    assert_eq!(text(&ds), text(&findings("fixtures/lint/unsafe")));
}

#[test]
fn safe_fixture_yields_nothing() {
    let ds = findings("fixtures/lint/safe");
    assert!(ds.is_empty(), "{}", text(&ds));
}

#[test]
fn every_finding_points_at_its_statement_line() {
    for d in findings("fixtures/lint/unsafe") {
        let loc = d.location.as_ref().expect("lint findings have a location");
        let sql = std::fs::read_to_string(loc.file.as_ref()).expect("points at a real file");
        let line = sql.lines().nth(loc.line as usize - 1).unwrap_or_default();
        assert!(
            !line.trim().is_empty(),
            "{} points at an empty line",
            d.code
        );
        if d.code != "SG400" {
            assert!(
                !line.trim_start().starts_with("--"),
                "{d} points at a comment"
            );
        }
    }
}

#[test]
fn json_through_the_binary() {
    let o = Command::new(env!("CARGO_BIN_EXE_schemactl"))
        .current_dir(root())
        .args([
            "--config",
            "fixtures/lint/schemactl.yaml",
            "guard",
            "--migrations",
            "fixtures/lint/unsafe",
            "--format",
            "json",
        ])
        .env("NO_COLOR", "1")
        .output()
        .expect("run schemactl");
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    let v: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    assert_eq!(v["summary"]["errors"], 26);
    assert_eq!(v["summary"]["warnings"], 7);
    insta::assert_snapshot!(out);
    let safe = Command::new(env!("CARGO_BIN_EXE_schemactl"))
        .current_dir(root())
        .args([
            "--config",
            "fixtures/lint/schemactl.yaml",
            "guard",
            "--migrations",
            "fixtures/lint/safe",
        ])
        .output()
        .expect("run schemactl");
    assert_eq!(safe.status.code(), Some(0));
}

#[test]
fn rules_can_be_turned_off_or_allowed_project_wide() {
    let mut config = GuardConfig::default();
    config.severity.insert("SG411".into(), guard::Level::Off);
    config.allow.push(guard::config::ConfigAllow {
        code: "SG412".into(),
        table: None,
        reason: "renames are coordinated by the release train".into(),
    });
    let ds = findings_with("fixtures/lint/unsafe", &config);
    assert!(!ds.iter().any(|d| d.code == "SG411" || d.code == "SG412"));
    // The reasonless allow for SG411 is still reported; it is just not "unused".
    assert_eq!(ds.iter().filter(|d| d.code == "SG400").count(), 1);
}

#[test]
fn sqlite_projects_only_get_the_dialect_neutral_rules() {
    let config = GuardConfig {
        dialect: schemactl::dialect::DialectKind::Sqlite,
        ..GuardConfig::default()
    };
    let ds = findings_with("fixtures/lint/unsafe", &config);
    assert!(
        ds.iter().all(|d| d.code == "SG400" || d.code == "SG401"),
        "{}",
        text(&ds)
    );
}

/// `lint_sql` on one big string: the benchmark entry point. Prints the throughput.
#[test]
fn lint_sql_on_a_big_string() {
    let dir = root().join("fixtures/lint/unsafe");
    let mut names: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "sql"))
        .collect();
    names.sort();
    let one: String = names
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    let big = one.repeat(300);
    let config = GuardConfig::default();
    let start = std::time::Instant::now();
    let ds = guard::lint_sql("big.sql", &big, &config);
    let took = start.elapsed();
    eprintln!(
        "lint_sql: {} bytes, {} findings in {took:?} ({:.1} MB/s, unoptimised)",
        big.len(),
        ds.len(),
        big.len() as f64 / 1e6 / took.as_secs_f64()
    );
    assert!(!ds.is_empty());
    assert!(Path::new("big.sql") == Path::new(ds[0].location.as_ref().unwrap().file.as_ref()));
    assert_eq!(ds.len(), guard::lint_sql("big.sql", &big, &config).len());
}
