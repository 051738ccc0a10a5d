//! Layering rules of the code base that the compiler does not enforce by itself.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The lines of `section` (`[dependencies]`, ...) of a Cargo.toml.
fn section<'a>(manifest: &'a str, name: &str) -> Vec<&'a str> {
    let mut inside = false;
    let mut lines = Vec::new();
    for line in manifest.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            inside = trimmed == name;
        } else if inside {
            lines.push(trimmed);
        }
    }
    lines
}

#[test]
fn production_code_does_not_depend_on_test_support() {
    // The library and the schema crates that ship binaries.
    for member in [".", "schema", "systems"] {
        let manifest = std::fs::read_to_string(root().join(member).join("Cargo.toml")).unwrap();
        assert!(
            !section(&manifest, "[dependencies]")
                .iter()
                .any(|l| l.starts_with("schemactl-testkit")),
            "{member}/Cargo.toml: schemactl-testkit is test support: list it under [dev-dependencies] only"
        );
    }
    let manifest = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    assert!(
        section(&manifest, "[dev-dependencies]")
            .iter()
            .any(|l| l.starts_with("schemactl-testkit")),
        "the tests reach the test server through the schemactl-testkit dev-dependency"
    );
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    let offenders: Vec<String> = files
        .iter()
        .filter(|f| {
            let text = std::fs::read_to_string(f).unwrap();
            text.contains("schemactl_testkit") || text.contains("testkit::")
        })
        .map(|f| f.display().to_string())
        .collect();
    assert!(
        offenders.is_empty(),
        "production code names the test support: {offenders:?}"
    );
}

#[test]
fn the_section_reader_sees_what_a_manifest_declares() {
    // The check above is only as good as this reader.
    let manifest = "[package]\nname = \"x\"\n\n[dependencies]\nschemactl-testkit = { path = \"t\" }\n\n[dev-dependencies]\ninsta = \"1\"\n";
    assert_eq!(
        section(manifest, "[dependencies]"),
        ["schemactl-testkit = { path = \"t\" }", ""]
    );
    assert_eq!(section(manifest, "[dev-dependencies]"), ["insta = \"1\""]);
}

#[test]
fn only_the_cli_prints() {
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    let cli = root().join("src").join("cli");
    let offenders: Vec<String> = files
        .iter()
        .filter(|f| !f.starts_with(&cli) && !f.ends_with("main.rs"))
        .filter(|f| {
            let text = std::fs::read_to_string(f).unwrap();
            // Unit tests may print what they measured.
            let production = text.split("#[cfg(test)]").next().unwrap_or("");
            ["println!(", "eprintln!(", "print!(", "eprint!("]
                .iter()
                .any(|m| production.contains(m))
        })
        .map(|f| f.display().to_string())
        .collect();
    assert!(
        offenders.is_empty(),
        "the library returns outcomes and diagnostics; only src/cli/ prints: {offenders:?}"
    );
}
