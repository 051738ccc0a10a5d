//! `schemactl import`: every layout's fixture through the real binary, its anomaly report,
//! determinism, the SQL left unchanged, and bad input refused with nothing written.

mod support;

use std::fs;
use std::path::{Path, PathBuf};
use support::{flat, Run};

const LAYOUTS: [&str; 7] = [
    "diesel",
    "sqlx",
    "golang-migrate",
    "dbmate",
    "flyway",
    "drizzle",
    "atlas",
];

fn fixture(layout: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/import")
        .join(layout)
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let dest = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &dest);
        } else {
            fs::copy(entry.path(), dest).unwrap();
        }
    }
}

/// Runs schemactl in `root` (so reports show relative paths).
fn run_in(root: &Path, args: &[&str]) -> Run {
    support::schemactl()
        .current_dir(root)
        .args(args)
        .output()
        .expect("run schemactl")
        .into()
}

/// Every file under `dir`, relative path and bytes, sorted.
fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
        let Ok(read) = fs::read_dir(dir) else {
            return;
        };
        for e in read {
            let path = e.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path.strip_prefix(root).unwrap().display().to_string();
                out.push((rel, fs::read(&path).unwrap()));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// Imports the fixture of `layout` into `out` under a fresh root; returns the root and run.
fn import(layout: &str, from: &str) -> (tempfile::TempDir, Run) {
    let root = tempfile::tempdir().unwrap();
    copy_dir(&fixture(layout), &root.path().join("src"));
    let run = run_in(
        root.path(),
        &["--migrations", "out", "import", "--from", from, "src"],
    );
    (root, run)
}

#[test]
fn every_layout_imports_into_a_verified_folder_with_its_report() {
    for layout in LAYOUTS {
        let from = if layout == "drizzle" {
            "drizzle-kit"
        } else {
            layout
        };
        let (root, run) = import(layout, from);
        assert_eq!(run.code, 0, "{layout}: {}", run.stderr);
        let out = root.path().join("out");
        // The folder verifies: its sum matches its files.
        let dir = schemactl::migrate::MigrationDir::open(&out).expect("a schemactl folder");
        assert!(dir.verify().is_empty(), "{layout}: {:?}", dir.verify());
        let listing: Vec<String> = tree(&out).into_iter().map(|(n, _)| n).collect();
        insta::assert_snapshot!(
            format!("import_{}", layout.replace('-', "_")),
            format!(
                "$ schemactl import --from {from} src\n--- files\n{}\n--- stdout\n{}--- stderr\n{}",
                listing.join("\n"),
                run.stdout,
                run.stderr
            )
        );
    }
}

#[test]
fn the_same_input_gives_a_byte_identical_folder() {
    for layout in LAYOUTS {
        let (a, ra) = import(layout, "auto");
        let (b, rb) = import(layout, "auto");
        assert_eq!((ra.code, rb.code), (0, 0), "{layout}: {}", ra.stderr);
        assert_eq!(ra.stderr, rb.stderr, "{layout}: the report is stable");
        assert_eq!(
            tree(&a.path().join("out")),
            tree(&b.path().join("out")),
            "{layout}"
        );
    }
}

#[test]
fn auto_detects_each_layout() {
    for (layout, want) in [
        ("diesel", "(diesel)"),
        ("sqlx", "(sqlx)"),
        ("golang-migrate", "(golang-migrate)"),
        ("dbmate", "(dbmate)"),
        ("flyway", "(flyway)"),
        ("drizzle", "(drizzle-kit)"),
        ("atlas", "(atlas)"),
    ] {
        let (_root, run) = import(layout, "auto");
        assert_eq!(run.code, 0, "{layout}: {}", run.stderr);
        assert!(run.stdout.contains(want), "{layout}: {}", run.stdout);
    }
}

#[test]
fn the_sql_is_the_tools_own_text() {
    // Diesel: up.sql byte for byte; the no-transaction folder gains only the directive line.
    let (root, _) = import("diesel", "diesel");
    let out = root.path().join("out");
    let src = fixture("diesel");
    assert_eq!(
        fs::read(out.join("0002_2024-01-15-093000_create_shelters.sql")).unwrap(),
        fs::read(src.join("2024-01-15-093000_create_shelters/up.sql")).unwrap()
    );
    assert_eq!(
        fs::read_to_string(out.join("down/0002_2024-01-15-093000_create_shelters.sql")).unwrap(),
        fs::read_to_string(src.join("2024-01-15-093000_create_shelters/down.sql")).unwrap()
    );
    let indexed =
        fs::read_to_string(out.join("0004_2024-02-20-150000_index_kennel_size.sql")).unwrap();
    let original =
        fs::read_to_string(src.join("2024-02-20-150000_index_kennel_size/up.sql")).unwrap();
    assert_eq!(indexed, format!("-- schemactl:no-transaction\n{original}"));
    // drizzle-kit: journal order, renumbered, the tag kept, the stray file left out.
    let (root, run) = import("drizzle", "drizzle-kit");
    let out = root.path().join("out");
    let names: Vec<String> = tree(&out).into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        names,
        [
            "0001_0000_quiet_otter.sql",
            "0002_0001_amber_falcon.sql",
            "0003_0002_brisk_heron.sql",
            "0004_0003_mellow_crane.sql",
            "0005_0002_lucky_lynx.sql",
            "0006_0004_tidy_marten.sql",
            "schemactl.sum"
        ]
    );
    assert_eq!(
        fs::read(out.join("0005_0002_lucky_lynx.sql")).unwrap(),
        fs::read(fixture("drizzle").join("0002_lucky_lynx.sql")).unwrap()
    );
    let report = flat(&run.stderr);
    for code in [
        "import::duplicate-version",
        "import::not-in-journal",
        "import::journal-order",
        "import::journal-time",
    ] {
        assert!(report.contains(code), "{code} missing: {report}");
    }
    // dbmate: the up section only.
    let (root, _) = import("dbmate", "dbmate");
    let up = fs::read_to_string(root.path().join("out/20240110083000_create_venues.sql")).unwrap();
    assert!(
        up.starts_with("CREATE TABLE venues") && !up.contains("migrate:down"),
        "{up}"
    );
}

#[test]
fn flyway_orders_by_version_parts_and_reports_repeatables() {
    let (root, run) = import("flyway", "flyway");
    let names: Vec<String> = tree(&root.path().join("out"))
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert_eq!(
        names,
        [
            "0001_V1__create_warehouses.sql",
            "0002_V1.1__add_region.sql",
            "0003_V1_2__add_capacity.sql",
            "0004_V2__create_bins.sql",
            "0005_V10__add_bin_depth.sql",
            "down/0004_V2__create_bins.sql",
            "schemactl.sum"
        ]
    );
    let report = flat(&run.stderr);
    assert!(report.contains("import::repeatable"), "{report}");
    assert!(report.contains("R__warehouse_summary"), "{report}");
}

#[test]
fn atlas_reports_a_file_edited_after_hashing() {
    let root = tempfile::tempdir().unwrap();
    copy_dir(&fixture("atlas"), &root.path().join("src"));
    fs::write(
        root.path().join("src/20240402000000_create_entries.sql"),
        "CREATE TABLE entries (id bigint PRIMARY KEY);\n",
    )
    .unwrap();
    let run = run_in(root.path(), &["--migrations", "out", "import", "src"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = flat(&run.stderr);
    assert!(
        report.contains("import::edited-file")
            && report.contains("20240402000000_create_entries.sql"),
        "{report}"
    );
}

#[test]
fn bad_input_is_refused_and_nothing_is_written() {
    type Setup = Box<dyn Fn(&Path)>;
    let cases: Vec<(&str, Setup, Vec<&str>, &str)> = vec![
        (
            "missing folder",
            Box::new(|_: &Path| {}),
            vec!["import", "--from", "diesel", "nope"],
            "import::missing-folder",
        ),
        (
            "a file, not a folder",
            Box::new(|r: &Path| fs::write(r.join("src"), "x").unwrap()),
            vec!["import", "src"],
            "import::not-a-directory",
        ),
        (
            "unknown layout",
            Box::new(|r: &Path| {
                fs::create_dir_all(r.join("src")).unwrap();
                fs::write(r.join("src/readme.txt"), "hi").unwrap();
            }),
            vec!["import", "src"],
            "import::unknown-layout",
        ),
        (
            "broken journal",
            Box::new(|r: &Path| {
                fs::create_dir_all(r.join("src/meta")).unwrap();
                fs::write(r.join("src/meta/_journal.json"), "{\"entries\": [").unwrap();
            }),
            vec!["import", "--from", "drizzle-kit", "src"],
            "import::bad-journal",
        ),
        (
            "journal names a missing file",
            Box::new(|r: &Path| {
                copy_dir(&fixture("drizzle"), &r.join("src"));
                fs::remove_file(r.join("src/0001_amber_falcon.sql")).unwrap();
            }),
            vec!["import", "src"],
            "import::missing-file",
        ),
        (
            "dbmate file without an up section",
            Box::new(|r: &Path| {
                copy_dir(&fixture("dbmate"), &r.join("src"));
                fs::write(
                    r.join("src/20240130000000_broken.sql"),
                    "-- migrate:up\nSELECT 1;\n",
                )
                .unwrap();
                fs::write(
                    r.join("src/20240131000000_no_marker.sql"),
                    "CREATE TABLE t (a int);\n",
                )
                .unwrap();
            }),
            vec!["import", "--from", "dbmate", "src"],
            "import::no-up-section",
        ),
        (
            "Diesel folder without up.sql",
            Box::new(|r: &Path| {
                copy_dir(&fixture("diesel"), &r.join("src"));
                fs::create_dir_all(r.join("src/2024-03-01-000000_empty")).unwrap();
            }),
            vec!["import", "--from", "diesel", "src"],
            "import::missing-file",
        ),
        (
            "not UTF-8",
            Box::new(|r: &Path| {
                copy_dir(&fixture("sqlx"), &r.join("src"));
                fs::write(r.join("src/20240401000000_latin1.sql"), b"-- caf\xe9\n").unwrap();
            }),
            vec!["import", "--from", "sqlx", "src"],
            "import::not-utf8",
        ),
        (
            "target not empty",
            Box::new(|r: &Path| {
                copy_dir(&fixture("sqlx"), &r.join("src"));
                fs::create_dir_all(r.join("out")).unwrap();
                fs::write(r.join("out/keep.txt"), "mine").unwrap();
            }),
            vec!["import", "src"],
            "import::target-not-empty",
        ),
        (
            "importing a folder onto itself",
            Box::new(|r: &Path| copy_dir(&fixture("sqlx"), &r.join("out"))),
            vec!["import", "out"],
            "import::target-not-empty",
        ),
        (
            "bad database URL",
            Box::new(|r: &Path| copy_dir(&fixture("sqlx"), &r.join("src"))),
            vec![
                "import",
                "src",
                "--database-url",
                "postgres://app:Hunter2secret@:bad/db",
            ],
            "apply::",
        ),
    ];
    for (what, setup, args, code) in cases {
        let root = tempfile::tempdir().unwrap();
        setup(root.path());
        let before = tree(root.path());
        let mut all = vec!["--migrations", "out"];
        all.extend(args);
        let run = run_in(root.path(), &all);
        assert_eq!(run.code, 2, "{what}: {}", run.stderr);
        assert!(flat(&run.stderr).contains(code), "{what}: {}", run.stderr);
        assert!(!run.stderr.contains("panicked"), "{what}");
        assert!(!run.stderr.contains("Hunter2secret"), "{what}");
        assert_eq!(tree(root.path()), before, "{what}: something was written");
    }
}

#[test]
fn dry_run_lists_the_mapping_and_writes_nothing() {
    let root = tempfile::tempdir().unwrap();
    copy_dir(&fixture("golang-migrate"), &root.path().join("src"));
    let run = run_in(
        root.path(),
        &["--migrations", "out", "import", "src", "--dry-run"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("0001_create_teams.sql  <-  000001_create_teams.up.sql"),
        "{}",
        run.stdout
    );
    assert!(!root.path().join("out").exists());
}

#[test]
fn guard_on_a_folder_without_a_sum_says_so_once_and_lints_everything() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("migrations");
    fs::create_dir_all(&dir).unwrap();
    fs::write(
        dir.join("0001_create.sql"),
        "CREATE TABLE a (id bigint PRIMARY KEY, b text);\n",
    )
    .unwrap();
    fs::write(
        dir.join("0002_index.sql"),
        "CREATE INDEX a_b_idx ON a (b);\n",
    )
    .unwrap();
    let run = run_in(root.path(), &["guard"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report = flat(&run.stderr);
    assert_eq!(report.matches("SG301").count(), 1, "{report}");
    assert!(report.contains("migrations rehash"), "{report}");
    assert!(report.contains("schemactl import"), "{report}");
    // The lint still ran on every file.
    assert!(report.contains("SG402"), "{report}");
    insta::assert_snapshot!(run.stderr);
}
