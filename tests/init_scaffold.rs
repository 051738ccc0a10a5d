//! `schemactl init` from an empty directory, then `cargo build` (offline, against this
//! checkout), then `guard` and `generate --check`: a green first run. Also completions and
//! man pages.

mod support;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use support::{flat, run, Run};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Shared with the pull round trip, so schemactl and its dependencies compile once.
fn build_target() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("scaffold-target")
}

fn cargo_build(dir: &Path, bin: &str) -> PathBuf {
    fs::copy(repo().join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    let out = Command::new(env!("CARGO"))
        .current_dir(dir)
        .args(["build", "--offline", "--quiet"])
        .env("CARGO_TARGET_DIR", build_target())
        .env("CARGO_INCREMENTAL", "0")
        .env("CARGO_PROFILE_DEV_DEBUG", "0")
        .output()
        .expect("run cargo");
    assert!(
        out.status.success(),
        "cargo build of {} failed:\n{}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    build_target().join("debug").join(bin)
}

fn run_bin(bin: &Path, dir: &Path, args: &[&str]) -> Run {
    Command::new(bin)
        .current_dir(dir)
        .arg("--color")
        .arg("never")
        .args(args)
        .output()
        .unwrap()
        .into()
}

#[test]
fn init_then_build_then_guard_is_green() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("shop-schema");
    fs::create_dir_all(&dir).unwrap();
    let r = run(&[
        "init",
        dir.to_str().unwrap(),
        "--schemactl-path",
        repo().to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for f in [
        "Cargo.toml",
        ".cargo/config.toml",
        "schemactl.yaml",
        "src/lib.rs",
        "src/example.rs",
        "src/main.rs",
        "migrations/0001_initial.sql",
        "migrations/schemactl.sum",
        ".github/workflows/schema.yml",
    ] {
        assert!(dir.join(f).is_file(), "{f} missing");
    }
    let workflow = fs::read_to_string(dir.join(".github/workflows/schema.yml")).unwrap();
    for step in [
        "guard --format sarif",
        "upload-sarif",
        "generate --check",
        "diff --base",
        "gh pr comment",
    ] {
        assert!(workflow.contains(step), "{step} missing from the workflow");
    }
    let bin = cargo_build(&dir, "shop-schema");
    let guard = run_bin(&bin, &dir, &["guard"]);
    assert_eq!(guard.code, 0, "guard:\n{}{}", guard.stdout, guard.stderr);
    let check = run_bin(&bin, &dir, &["generate", "--check"]);
    assert_eq!(
        check.code, 0,
        "generate --check:\n{}{}",
        check.stdout, check.stderr
    );
    // The same scaffold twice is byte-identical.
    let again = tmp.path().join("again");
    let r = run(&[
        "init",
        again.to_str().unwrap(),
        "--name",
        "shop-schema",
        "--schemactl-path",
        repo().to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for f in [
        "src/example.rs",
        "migrations/0001_initial.sql",
        "Cargo.toml",
    ] {
        assert_eq!(
            fs::read(dir.join(f)).unwrap(),
            fs::read(again.join(f)).unwrap(),
            "{f}"
        );
    }
}

#[test]
fn init_refuses_a_folder_with_files_and_a_bad_name() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("notes.txt"), "mine").unwrap();
    let r = run(&["init", tmp.path().to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        flat(&r.stderr).contains("init::target-not-empty"),
        "{}",
        r.stderr
    );
    assert_eq!(
        fs::read_dir(tmp.path()).unwrap().count(),
        1,
        "nothing written"
    );
    let r = run(&[
        "init",
        tmp.path().join("x").to_str().unwrap(),
        "--name",
        "9 lives",
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(flat(&r.stderr).contains("init::bad-name"), "{}", r.stderr);
    assert!(!tmp.path().join("x").exists());
}

#[test]
fn completions_and_man_pages_cover_every_command() {
    let r = run(&["completions", "bash"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for word in ["import", "pull", "init", "--baseline"] {
        assert!(
            r.stdout.contains(word),
            "{word} missing from bash completions"
        );
    }
    let r = run(&["completions", "zsh"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("#compdef schemactl"));
    let r = run(&["man"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with(".ie") || r.stdout.contains(".TH schemactl"));
    let tmp = tempfile::tempdir().unwrap();
    let r = run(&["man", "--out", tmp.path().to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for page in [
        "schemactl.1",
        "schemactl-import.1",
        "schemactl-pull.1",
        "schemactl-apply.1",
    ] {
        assert!(tmp.path().join(page).is_file(), "{page} missing");
    }
    let r = run(&["completions", "tcsh"]);
    assert_eq!(r.code, 2);
}
