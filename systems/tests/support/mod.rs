//! Runs the systems' real binaries and checks the steps every system shares.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn expect(self, code: i32, what: &str) -> Run {
        assert_eq!(
            self.code, code,
            "{what}: exit {} (wanted {code})\nstdout:\n{}\nstderr:\n{}",
            self.code, self.stdout, self.stderr
        );
        self
    }
}

fn binary(system: &str) -> &'static str {
    match system {
        "renoz" => env!("CARGO_BIN_EXE_renoz"),
        "digilist" => env!("CARGO_BIN_EXE_digilist"),
        "studiovault" => env!("CARGO_BIN_EXE_studiovault"),
        "events" => env!("CARGO_BIN_EXE_events"),
        other => panic!("no system `{other}`"),
    }
}

/// The system's folder (`systems/<name>`), holding its schemactl.yaml and migrations.
pub fn home(system: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(system)
}

/// Runs `<system> --config systems/<system>/schemactl.yaml <args>`.
pub fn run(system: &str, args: &[&str]) -> Run {
    let config = home(system).join("schemactl.yaml");
    let out = Command::new(binary(system))
        .arg("--color")
        .arg("never")
        .arg("--config")
        .arg(&config)
        .args(args)
        .env_remove("DATABASE_URL")
        .stdin(Stdio::null())
        .output()
        .expect("run the system's binary");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `generate` into an empty folder writes a first migration that builds the declared schema,
/// the committed folder holds every declared change (`generate --check`, which runs folders
/// with procedural migrations on a scratch database), and guard is clean on it.
pub fn generate_is_current_and_guard_is_clean(system: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let fresh = tmp.path().join("migrations");
    std::fs::create_dir_all(&fresh).unwrap();
    run(
        system,
        &["--migrations", fresh.to_str().unwrap(), "generate"],
    )
    .expect(0, "generate");
    run(
        system,
        &[
            "--migrations",
            fresh.to_str().unwrap(),
            "generate",
            "--check",
        ],
    )
    .expect(0, "generate --check on what generate wrote");
    run(system, &["generate", "--check"]).expect(0, "generate --check on the committed folder");
    let r = run(system, &["guard"]).expect(0, "guard");
    assert!(r.stderr.contains("0 errors, 0 warnings"), "{}", r.stderr);
}

pub fn sqlite_url(path: &Path) -> String {
    format!("sqlite:{}", path.display())
}
