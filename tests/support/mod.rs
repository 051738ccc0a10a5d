//! Helpers shared by the CLI integration tests.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Self {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

pub fn schemactl() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_schemactl"));
    c.arg("--color")
        .arg("never")
        .env_remove("DATABASE_URL")
        .stdin(Stdio::null());
    c
}

pub fn run(args: &[&str]) -> Run {
    schemactl()
        .args(args)
        .output()
        .expect("run schemactl")
        .into()
}

pub fn spawn(args: &[&str]) -> Child {
    schemactl()
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn schemactl")
}

/// A migration folder with the given files and a matching sum file.
pub fn folder(root: &Path, files: &[(&str, &str)]) -> PathBuf {
    let dir = root.join("migrations");
    fs::create_dir_all(&dir).unwrap();
    for (name, sql) in files {
        fs::write(dir.join(name), sql).unwrap();
    }
    rehash(&dir);
    dir
}

pub fn rehash(dir: &Path) {
    schemactl::migrate::MigrationDir::load(dir)
        .unwrap()
        .write_sum()
        .unwrap();
}

/// A report with miette's line wrapping undone, for substring checks.
pub fn flat(report: &str) -> String {
    report
        .lines()
        .map(|l| l.trim_start().trim_start_matches('│').trim())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Runs `scripts` in a new database of the shared test server, statement by statement, and
/// reads its catalog back. A failing statement panics with the database's message; `label`
/// names the database and the failure.
pub fn pg_catalog_after(label: &str, scripts: &[String]) -> schemactl::model::Schema {
    use schemactl::dialect::DialectKind;
    let db = schemactl_testkit::PgServer::shared().create_database(label);
    let mut client = db.client();
    for sql in scripts {
        for st in schemactl::sql::split::split_unparsed(sql, DialectKind::Postgres).statements {
            if let Err(e) = client.batch_execute(&st.text) {
                let msg = e
                    .as_db_error()
                    .map_or(e.to_string(), |d| d.message().to_string());
                panic!("{label}: {msg}\n{}\nin:\n{}", st.text, scripts.join("\n"));
            }
        }
    }
    schemactl::inspect::postgres::inspect(&mut client, "schemactl_migrations").unwrap()
}
