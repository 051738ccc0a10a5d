//! The real-world corpus (`fixtures/corpus/`): migration folders in the styles real projects
//! use, and PostgreSQL's own catalog SQL. Every file must split exactly as PostgreSQL's
//! grammar splits it, lint without SG401 (nothing PostgreSQL would reject), and replay
//! without a scratch database, except the files the manifest lists as building SQL at run
//! time.

use schemactl::dialect::DialectKind;
use schemactl::guard::{lint_sql, GuardConfig};
use schemactl::sql::split::split;
use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Deserialize)]
struct Manifest {
    projects: Vec<Project>,
}

#[derive(Deserialize)]
struct Project {
    name: String,
    style: String,
    prelude: bool,
    dynamic: Vec<String>,
}

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/corpus")
}

fn manifest() -> Manifest {
    let text = std::fs::read_to_string(corpus().join("manifest.yaml")).expect("manifest");
    serde_yaml_ng::from_str(&text).expect("manifest parses")
}

/// `(file name, text)` of a project's migrations in order, the prelude first.
fn files(p: &Project) -> Vec<(String, String)> {
    let dir = corpus().join(&p.name);
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("project folder")
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".sql") && n != "prelude.sql")
        .collect();
    names.sort();
    if p.prelude {
        names.insert(0, "prelude.sql".into());
    }
    names
        .into_iter()
        .map(|n| {
            let text = std::fs::read_to_string(dir.join(&n)).expect("readable file");
            (n, text)
        })
        .collect()
}

/// A statement's text without leading comments and whitespace, as both splitters agree to
/// cut it.
fn significant(s: &str) -> String {
    let mut rest = s.trim_start_matches('\u{feff}').trim();
    loop {
        if let Some(r) = rest.strip_prefix("--") {
            rest = r.split_once('\n').map_or("", |(_, tail)| tail).trim_start();
        } else if rest.starts_with("/*") {
            rest = rest
                .split_once("*/")
                .map_or("", |(_, tail)| tail)
                .trim_start();
        } else {
            return rest.trim_end().to_string();
        }
    }
}

#[test]
fn the_manifest_lists_every_folder_and_the_corpus_is_large_enough() {
    let m = manifest();
    let mut listed: Vec<&str> = m.projects.iter().map(|p| p.name.as_str()).collect();
    listed.sort();
    let mut on_disk: Vec<String> = std::fs::read_dir(corpus())
        .unwrap()
        .filter_map(|e| {
            let e = e.unwrap();
            e.file_type()
                .unwrap()
                .is_dir()
                .then(|| e.file_name().to_string_lossy().into_owned())
        })
        .collect();
    on_disk.sort();
    assert_eq!(listed, on_disk);
    let total: usize = m.projects.iter().map(|p| files(p).len()).sum();
    assert!(total >= 100, "only {total} files");
    let styles: std::collections::BTreeSet<&str> =
        m.projects.iter().map(|p| p.style.as_str()).collect();
    for style in [
        "drizzle-kit",
        "diesel",
        "rails-structure",
        "hosted-rls",
        "pg-dump",
        "backfill",
    ] {
        assert!(styles.contains(style), "no {style} project");
    }
}

#[test]
fn every_file_splits_as_postgresql_splits_it() {
    for p in manifest().projects {
        for (name, text) in files(&p) {
            let ours: Vec<String> = split(&text, DialectKind::Postgres)
                .statements
                .iter()
                .map(|s| significant(&s.text))
                .collect();
            let without_bom = text.trim_start_matches('\u{feff}');
            let theirs: Vec<String> = pg_query::split_with_parser(without_bom)
                .unwrap_or_else(|e| panic!("{}/{name}: PostgreSQL rejects it: {e}", p.name))
                .into_iter()
                .map(significant)
                .filter(|s| !s.is_empty())
                .collect();
            assert_eq!(ours, theirs, "{}/{name}", p.name);
        }
    }
}

#[test]
fn no_file_holds_a_statement_postgresql_would_reject() {
    let config = GuardConfig::default();
    let mut checked = 0;
    for p in manifest().projects {
        for (name, text) in files(&p) {
            let file = format!("{}/{name}", p.name);
            let rejected: Vec<String> = lint_sql(&file, &text, &config)
                .into_iter()
                .filter(|d| d.code == "SG401")
                .map(|d| format!("{:?}: {}", d.location, d.message))
                .collect();
            assert!(rejected.is_empty(), "{file}: {rejected:#?}");
            checked += 1;
        }
    }
    assert!(checked >= 100);
}

#[test]
fn every_folder_replays_offline_except_sql_built_at_run_time() {
    for p in manifest().projects {
        let files = files(&p);
        let result = schemactl::sql::import_files(
            files.iter().map(|(n, t)| (n.as_str(), t.as_str())),
            DialectKind::Postgres,
        );
        let Err(ds) = result else { continue };
        for d in ds.iter() {
            let file = d
                .location
                .as_ref()
                .map(|l| l.file.to_string())
                .unwrap_or_default();
            assert!(
                d.code == schemactl::sql::replay::UNSUPPORTED && p.dynamic.contains(&file),
                "{}: {}: {}",
                p.name,
                d.code,
                d.message
            );
        }
    }
}

/// PostgreSQL's own SQL: every view of `pg_catalog` and `information_schema` and every
/// SQL-language function of a live server, as the server prints them.
#[test]
fn the_catalog_s_own_views_and_functions_read_and_lint() {
    let server = schemactl_testkit::PgServer::shared();
    let db = server.create_database("corpus_catalog");
    let mut client = db.client();
    let mut texts: Vec<(String, String)> = Vec::new();
    for row in client
        .query(
            "SELECT format('%I.%I', n.nspname, c.relname), pg_get_viewdef(c.oid) \
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE c.relkind IN ('v', 'm') AND n.nspname IN ('pg_catalog', 'information_schema') \
             ORDER BY 1",
            &[],
        )
        .unwrap()
    {
        let name: String = row.get(0);
        let def: String = row.get(1);
        texts.push((name.clone(), format!("CREATE VIEW {name} AS {def}")));
    }
    let views = texts.len();
    for row in client
        .query(
            "SELECT p.oid::regprocedure::text, pg_get_functiondef(p.oid) FROM pg_proc p \
             JOIN pg_language l ON l.oid = p.prolang \
             WHERE l.lanname = 'sql' AND p.prokind IN ('f', 'p') ORDER BY 1",
            &[],
        )
        .unwrap()
    {
        texts.push((row.get(0), row.get(1)));
    }
    let functions = texts.len() - views;
    assert!(
        views > 100 && functions > 50,
        "{views} views, {functions} functions"
    );
    let config = GuardConfig::default();
    for (name, sql) in &texts {
        let script = split(sql, DialectKind::Postgres);
        assert_eq!(script.statements.len(), 1, "{name}");
        let st = &script.statements[0];
        assert!(st.parsed.is_some(), "{name}: {:?}", st.parse_error);
        let rejected: Vec<_> = lint_sql(name, sql, &config)
            .into_iter()
            .filter(|d| d.code == "SG401")
            .collect();
        assert!(rejected.is_empty(), "{name}: {rejected:?}");
    }
}
