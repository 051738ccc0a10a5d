//! Every dependency a workspace member declares is used by that member's code: a dead
//! dependency costs build time and adds code nobody reviews. A crate counts as used when its
//! sources name it as a path root (`name::`), in `use name` or in `extern crate name`.
//! `[dependencies]` are looked for in `src/` (and `build.rs`), `[dev-dependencies]` in every
//! source of the member (tests, fixtures, benches), `[build-dependencies]` in `build.rs`.

use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Normal,
    Dev,
    Build,
}

impl Kind {
    fn section(self) -> &'static str {
        match self {
            Kind::Normal => "[dependencies]",
            Kind::Dev => "[dev-dependencies]",
            Kind::Build => "[build-dependencies]",
        }
    }
}

/// The dependencies a manifest declares: `[dependencies]`, `[dev-dependencies]`,
/// `[build-dependencies]`, their `[target.'cfg(..)'.*]` forms, and `[dependencies.name]` tables.
fn dependencies(manifest: &str) -> Vec<(Kind, String)> {
    let kind_of = |table: &str| {
        let last = table.rsplit('.').next().unwrap_or(table);
        match last {
            "dependencies" => Some(Kind::Normal),
            "dev-dependencies" => Some(Kind::Dev),
            "build-dependencies" => Some(Kind::Build),
            _ => None,
        }
    };
    let mut out = Vec::new();
    let mut section: Option<Kind> = None;
    for line in manifest.lines() {
        let line = line.split(" #").next().unwrap_or(line).trim_end();
        if let Some(table) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            let table = table.trim();
            section = kind_of(table);
            // `[dependencies.name]`: the table is one dependency.
            if section.is_none() {
                if let Some((head, name)) = table.rsplit_once('.') {
                    if let Some(kind) = kind_of(head) {
                        out.push((kind, name.trim_matches('"').to_string()));
                    }
                }
            }
            continue;
        }
        let Some(kind) = section else { continue };
        // A key starts its line; continuation lines of a multi-line value are indented.
        if !line.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '"') {
            continue;
        }
        let Some((key, _)) = line.split_once('=') else {
            continue;
        };
        let name = key.trim().split('.').next().unwrap_or("").trim_matches('"');
        if !name.is_empty() {
            out.push((kind, name.to_string()));
        }
    }
    out
}

/// Whether `text` names the crate `ident` as a path root, in `use` or in `extern crate`.
fn uses(text: &str, ident: &str) -> bool {
    let bytes = text.as_bytes();
    let is_ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    text.match_indices(ident).any(|(at, _)| {
        let before = &bytes[..at];
        let after = &text[at + ident.len()..];
        let starts_word = before.last().is_none_or(|&b| !is_ident(b));
        // `crate::sql::postgres::x` is a module path, not the `postgres` crate.
        let path_root = !before.ends_with(b"::") || before.ends_with(b" ::");
        let ends_word = !after.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_');
        let preceded = |word: &str| {
            text[..at]
                .trim_end()
                .strip_suffix(word)
                .is_some_and(|s| s.is_empty() || s.ends_with(|c: char| !c.is_alphanumeric()))
        };
        starts_word
            && ends_word
            && ((path_root && after.starts_with("::"))
                || preceded("use")
                || preceded("extern crate"))
    })
}

/// The `.rs` files under `dir`, leaving out `skip` (build output, other members).
fn rust_files(dir: &Path, skip: &[PathBuf], out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        let hidden = path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        if hidden || skip.contains(&path) {
            continue;
        }
        if path.is_dir() {
            rust_files(&path, skip, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The sources a dependency of `kind` of the member at `dir` may be used in.
fn sources(dir: &Path, kind: Kind, skip: &[PathBuf]) -> String {
    let mut files = Vec::new();
    match kind {
        Kind::Normal => rust_files(&dir.join("src"), skip, &mut files),
        Kind::Dev => rust_files(dir, skip, &mut files),
        Kind::Build => {}
    }
    if dir.join("build.rs").is_file() && kind != Kind::Dev {
        files.push(dir.join("build.rs"));
    }
    files
        .iter()
        .map(|f| without_comments(&std::fs::read_to_string(f).unwrap_or_default()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `text` without `//` comments (a `://` in a URL is not one), so a crate only mentioned in
/// a doc comment does not count as used.
fn without_comments(text: &str) -> String {
    text.lines()
        .map(|l| {
            let cut = l
                .match_indices("//")
                .find(|(at, _)| !l[..*at].ends_with(':'))
                .map_or(l.len(), |(at, _)| at);
            &l[..cut]
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The workspace members, as directories (`members = [...]` in the root manifest).
fn members(root: &Path) -> Vec<PathBuf> {
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    let start = manifest
        .find("members")
        .expect("a [workspace] with members");
    let list = &manifest[start..];
    let list = &list[list.find('[').unwrap() + 1..list.find(']').unwrap()];
    list.split(',')
        .map(|m| m.trim().trim_matches('"'))
        .filter(|m| !m.is_empty())
        .map(|m| root.join(m))
        .collect()
}

/// Every dependency of the member at `dir` its sources do not use, as report lines.
fn unused(dir: &Path, skip: &[PathBuf]) -> Vec<String> {
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
    let manifest_path = dir.join("Cargo.toml");
    let manifest_path = manifest_path
        .strip_prefix(env!("CARGO_MANIFEST_DIR"))
        .unwrap_or(&manifest_path);
    let mut out = Vec::new();
    for (kind, name) in dependencies(&manifest) {
        let ident = name.replace('-', "_");
        if !uses(&sources(dir, kind, skip), &ident) {
            out.push(format!(
                "{}: `{name}` in {} is never used (no `{ident}::`, `use {ident}` or `extern crate {ident}`): remove it{}",
                manifest_path.display(),
                kind.section(),
                if kind == Kind::Normal {
                    ", or move it to [dev-dependencies] if only tests use it"
                } else {
                    ""
                }
            ));
        }
    }
    out
}

#[test]
fn every_declared_dependency_is_used() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let members = members(root);
    assert!(members.len() >= 2, "members: {members:?}");
    // Other members and build output are not this member's sources.
    let mut skip: Vec<PathBuf> = members.iter().filter(|m| *m != root).cloned().collect();
    skip.push(root.join("target"));
    let mut problems = Vec::new();
    for m in &members {
        problems.extend(unused(m, &skip));
    }
    assert!(
        problems.is_empty(),
        "unused dependencies:\n{}",
        problems.join("\n")
    );
    // The manifest was read (a parser that finds nothing would pass the above).
    let root_deps = dependencies(&std::fs::read_to_string(root.join("Cargo.toml")).unwrap());
    for (kind, name) in [(Kind::Normal, "clap"), (Kind::Dev, "insta")] {
        assert!(
            root_deps.iter().any(|(k, n)| *k == kind && n == name),
            "{name} not found: {root_deps:?}"
        );
    }
}

#[test]
fn the_manifest_reader_finds_every_form() {
    let manifest = r#"
[package]
name = "p"
version = "0.1.0"

[dependencies]
plain = "1"
with-dash = { version = "1", features = ["a",
    "b"] }
"quoted" = "1"
inherited.workspace = true

[dependencies.table-form]
version = "1"

[target.'cfg(unix)'.dependencies]
unix-only = "1"

[dev-dependencies]
tester = "1" # a comment

[build-dependencies]
builder = "1"

[features]
default = ["plain"]
"#;
    let found = dependencies(manifest);
    assert_eq!(
        found,
        [
            (Kind::Normal, "plain".to_string()),
            (Kind::Normal, "with-dash".to_string()),
            (Kind::Normal, "quoted".to_string()),
            (Kind::Normal, "inherited".to_string()),
            (Kind::Normal, "table-form".to_string()),
            (Kind::Normal, "unix-only".to_string()),
            (Kind::Dev, "tester".to_string()),
            (Kind::Build, "builder".to_string()),
        ]
    );
}

#[test]
fn a_crate_is_used_only_when_named_as_a_crate() {
    assert!(uses("use serde::Serialize;", "serde"));
    assert!(uses("fn f() { clap::Parser::parse(); }", "clap"));
    assert!(uses("extern crate libc;", "libc"));
    assert!(uses("use proptest;", "proptest"));
    assert!(uses("let x = ::sha2::Sha256::new();", "sha2"));
    assert!(uses("x(insta::assert_snapshot!(y))", "insta"));
    // A module of the same name, a longer name, or text that only mentions it.
    assert!(!uses("use crate::sql::postgres::expr;", "postgres"));
    assert!(!uses("tokio_postgres::connect()", "postgres"));
    assert!(!uses("postgres_driver::connect()", "postgres"));
    assert!(!uses("a postgres server", "postgres"));
    assert!(!uses("reuse serde", "serde"));
}

#[test]
fn a_dead_dependency_is_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::create_dir_all(dir.join("tests")).unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        "[package]\nname = \"m\"\n\n[dependencies]\nused-one = \"1\"\ndead = \"1\"\ntest-only = \"1\"\n\n[dev-dependencies]\ndev-used = \"1\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("src/lib.rs"),
        "use used_one::X;\n/// Not [`dead::x`]: a comment is no use.\nconst U: &str = \"https://example.com\"; fn f() { dead_not::x(); }\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("tests/t.rs"),
        "use test_only::Y;\nfn t() { dev_used::z(); }\n",
    )
    .unwrap();
    let found = unused(dir, &[]);
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(
        found[0].contains("`dead` in [dependencies] is never used"),
        "{found:?}"
    );
    assert!(
        found[1].contains("`test-only` in [dependencies] is never used")
            && found[1].contains("move it to [dev-dependencies]"),
        "{found:?}"
    );
}
