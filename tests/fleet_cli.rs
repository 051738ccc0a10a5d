//! `--fleet` through the binary without a server: fleets of real SQLite files, and hostile
//! fleet configs (each refused with exit 2, a diagnostic that says what to do, no password in
//! any output, nothing written).

mod support;

use std::path::Path;
use support::*;

const SECRET: &str = "Sekrit-Fleet-42";

fn project(root: &Path) -> std::path::PathBuf {
    folder(
        root,
        &[
            ("0001_notes.sql", "CREATE TABLE notes (id integer PRIMARY KEY, body text NOT NULL);\n"),
            ("0002_tags.sql", "CREATE TABLE tags (id integer PRIMARY KEY, note_id integer NOT NULL REFERENCES notes (id));\n"),
        ],
    )
}

fn in_dir(root: &Path, args: &[&str]) -> Run {
    let r: Run = schemactl()
        .current_dir(root)
        .env("FLEET_SECRET", SECRET)
        .env_remove("PGPASSWORD")
        .args(args)
        .output()
        .unwrap()
        .into();
    assert!(
        !r.stdout.contains(SECRET) && !r.stderr.contains(SECRET),
        "a password leaked:\n{}\n{}",
        r.stdout,
        r.stderr
    );
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    r
}

/// The output with durations (`123 ms`) replaced by `N ms`, for snapshots.
fn stable(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find(" ms") {
        let head = &rest[..i];
        let digits = head.len() - head.trim_end_matches(|c: char| c.is_ascii_digit()).len();
        if digits > 0 {
            out.push_str(&head[..head.len() - digits]);
            out.push('N');
        } else {
            out.push_str(head);
        }
        out.push_str(" ms");
        rest = &rest[i + 3..];
    }
    out.push_str(rest);
    // Column widths follow the durations' digits: one space between cells.
    out.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_fleet_of_sqlite_files_rolls_out_in_waves_and_reports_a_table() {
    let tmp = tempfile::tempdir().unwrap();
    project(tmp.path());
    std::fs::write(
        tmp.path().join("schemactl.yaml"),
        "migrations: migrations\ndialect: sqlite\nfleet:\n  max_parallel: 2\n  waves:\n    - {name: canary, labels: {ring: canary}}\n    - {name: rest}\n  targets:\n    - {name: alpha, url: 'sqlite:alpha.db'}\n    - {name: beta, url: 'sqlite:beta.db', labels: {ring: canary}}\n    - {name: gamma, url: 'sqlite:gamma.db'}\n",
    )
    .unwrap();
    let r = in_dir(tmp.path(), &["status", "--fleet"]);
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    // gamma already has a `tags` table: 0002 fails there.
    let gamma = rusqlite::Connection::open(tmp.path().join("gamma.db")).unwrap();
    gamma.execute_batch("CREATE TABLE tags (x int);").unwrap();
    drop(gamma);
    let r = in_dir(tmp.path(), &["apply", "--fleet"]);
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    insta::assert_snapshot!("sqlite_fleet_failed", stable(&r.stdout));
    // The canary wave ran first.
    let beta = r.stderr.find("beta at version 2").unwrap();
    let alpha = r.stderr.find("alpha at version 2").unwrap();
    assert!(beta < alpha, "{}", r.stderr);
    let gamma = rusqlite::Connection::open(tmp.path().join("gamma.db")).unwrap();
    gamma.execute_batch("DROP TABLE tags;").unwrap();
    drop(gamma);
    let r = in_dir(tmp.path(), &["apply", "--fleet"]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    insta::assert_snapshot!("sqlite_fleet_resumed", stable(&r.stdout));
    let r = in_dir(tmp.path(), &["status", "--fleet", "--format", "json"]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["complete"], true);
    assert_eq!(v["last_version"], 2);
    for t in v["targets"].as_array().unwrap() {
        assert_eq!(t["version"], 2, "{t}");
        assert_eq!(t["state"], "up_to_date");
    }
}

#[test]
fn hostile_fleets_exit_2_say_what_to_do_and_write_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    project(tmp.path());
    let cases: &[(&str, &str, &str)] = &[
        (
            "password in the url",
            "targets:\n  - {name: eu, url: 'postgres://deploy:Sekrit-Fleet-42@db.example/app'}\n",
            "fleet::password-in-url",
        ),
        (
            "password in key=value form",
            "targets:\n  - {name: eu, url: 'host=db.example password=Sekrit-Fleet-42 dbname=app'}\n",
            "fleet::password-in-url",
        ),
        (
            "a password where the variable name goes",
            "targets:\n  - {name: eu, url: 'postgres://deploy@db.example/app', password_env: Sekrit-Fleet-42}\n",
            "fleet::bad-password-env",
        ),
        (
            "a variable that is not set",
            "targets:\n  - {name: eu, url: 'postgres://deploy@db.example/app', password_env: NOT_SET_ANYWHERE}\n",
            "fleet::missing-password",
        ),
        (
            "unknown key holding a secret",
            "targets:\n  - name: eu\n    url: sqlite:a.db\n    password: Sekrit-Fleet-42\n",
            "fleet::invalid",
        ),
        ("no targets", "targets: []\n", "fleet::no-targets"),
        (
            "parallel zero",
            "max_parallel: 0\ntargets: [{name: a, url: 'sqlite:a.db'}]\n",
            "fleet::bad-parallel",
        ),
        (
            "hostile schema name",
            "targets: [{name: a, url: 'postgres://u@h/db', schemas: ['t\"; DROP SCHEMA public; --']}]\n",
            "fleet::bad-schema-name",
        ),
        (
            "schemas on sqlite",
            "targets: [{name: a, url: 'sqlite:a.db', schemas: [t1]}]\n",
            "fleet::schemas-on-sqlite",
        ),
        (
            "mixed dialects",
            "targets: [{name: a, url: 'sqlite:a.db'}, {name: b, url: 'postgres://u@h/db'}]\n",
            "fleet::mixed-dialects",
        ),
        (
            "a target in no wave",
            "waves: [{name: canary, labels: {ring: canary}}]\ntargets: [{name: a, url: 'sqlite:a.db'}]\n",
            "fleet::no-wave",
        ),
        (
            "same database twice",
            "targets: [{name: a, url: 'sqlite:a.db'}, {name: b, url: 'sqlite:a.db'}]\n",
            "fleet::duplicate-target",
        ),
        (
            "not yaml",
            "targets: [{name: a, url: 'sqlite:a.db'\n",
            "fleet::invalid",
        ),
    ];
    let mut report = String::new();
    for (what, yaml, code) in cases {
        std::fs::write(tmp.path().join("fleet.yaml"), yaml).unwrap();
        for cmd in ["apply", "status"] {
            let r = in_dir(
                tmp.path(),
                &[cmd, "--migrations", "migrations", "--fleet", "fleet.yaml"],
            );
            assert_eq!(r.code, 2, "{what} ({cmd}): {}\n{}", r.stdout, r.stderr);
            assert!(r.stderr.contains(code), "{what} ({cmd}): {}", r.stderr);
            assert!(
                r.stderr.contains("help:"),
                "{what}: says what to do: {}",
                r.stderr
            );
            assert!(r.stdout.is_empty(), "{what}: {}", r.stdout);
        }
        let r = in_dir(
            tmp.path(),
            &[
                "apply",
                "--migrations",
                "migrations",
                "--fleet",
                "fleet.yaml",
            ],
        );
        report.push_str(&format!("## {what}\n{}\n", flat(&r.stderr)));
    }
    insta::assert_snapshot!("hostile_fleets", report);
    let written: Vec<String> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".db"))
        .collect();
    assert!(written.is_empty(), "nothing written: {written:?}");
}

#[test]
fn fleet_flags_are_checked_and_explained() {
    let tmp = tempfile::tempdir().unwrap();
    project(tmp.path());
    let r = in_dir(
        tmp.path(),
        &["apply", "--migrations", "migrations", "--fleet"],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("fleet::none"), "{}", r.stderr);
    let r = in_dir(tmp.path(), &["apply", "--fleet", "nope.yaml"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("fleet::unreadable"), "{}", r.stderr);
    std::fs::write(
        tmp.path().join("fleet.yaml"),
        "targets: [{name: a, url: 'sqlite:a.db'}]\n",
    )
    .unwrap();
    for extra in [["--dry-run", ""], ["--baseline", "1"]] {
        let mut args = vec![
            "apply",
            "--migrations",
            "migrations",
            "--fleet",
            "fleet.yaml",
        ];
        args.extend(extra.iter().filter(|a| !a.is_empty()));
        let r = in_dir(tmp.path(), &args);
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert!(r.stderr.contains("cli::fleet-option"), "{}", r.stderr);
    }
    let r = in_dir(
        tmp.path(),
        &[
            "apply",
            "--fleet",
            "fleet.yaml",
            "--database-url",
            "sqlite:b.db",
        ],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("cli::fleet-option"), "{}", r.stderr);
    // DATABASE_URL in the environment does not get in the way of --fleet.
    let r: Run = schemactl()
        .current_dir(tmp.path())
        .env("DATABASE_URL", "sqlite:other.db")
        .args([
            "status",
            "--migrations",
            "migrations",
            "--fleet",
            "fleet.yaml",
        ])
        .output()
        .unwrap()
        .into();
    assert_eq!(r.code, 1, "{}", r.stderr);
    let r = in_dir(tmp.path(), &["apply", "--help"]);
    assert_eq!(r.code, 0);
    for want in [
        "--fleet [<FILE>]",
        "fleet:",
        "on_failure",
        "exit 0 when every target",
    ] {
        assert!(flat(&r.stdout).contains(want), "{want}: {}", r.stdout);
    }
}
