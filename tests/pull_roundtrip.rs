//! `schemactl pull`: a database built by a migration folder is pulled into a Rust DSL crate;
//! the crate compiles (offline, against this checkout) and its `generate --check` over the
//! same folder says "up to date". On the Bizing schema, the four other systems, the kitchen
//! sink, and a database with RLS policies, partitions, an exclusion constraint, a domain and
//! a view with an option.

mod support;

include!("../fixtures/kitchen_sink/schema.rs");

use schemactl_testkit::PgServer;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use support::Run;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
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

fn schemactl(args: &[&str]) -> Run {
    support::run(args)
}

/// Where the pulled crates are built: shared by every run, so schemactl and its
/// dependencies compile once.
fn build_target() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("scaffold-target")
}

/// Builds the crate at `dir` offline against this checkout; returns its binary.
pub fn cargo_build(dir: &Path, bin: &str) -> PathBuf {
    // The same dependency versions as this repository, without the network.
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

struct Case {
    name: &'static str,
    migrations: PathBuf,
    sqlite: bool,
}

/// A migration folder from SQL text.
fn sql_folder(root: &Path, name: &str, sql: &str) -> PathBuf {
    let dir = root.join(name);
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("0001_initial.sql"), sql).unwrap();
    support::rehash(&dir);
    dir
}

/// RLS policies, a partitioned table, an exclusion constraint, a domain and a view with an
/// option, by hand.
const CATALOG_FEATURES: &str = "CREATE EXTENSION IF NOT EXISTS btree_gist;
CREATE DOMAIN email_address AS text CHECK (VALUE ~ '^[^@]+@[^@]+$');
CREATE TABLE tenants (id uuid PRIMARY KEY, name text NOT NULL, contact email_address);
COMMENT ON TABLE tenants IS 'Who owns the rows.';
CREATE TABLE rooms (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    label text NOT NULL
);
CREATE TABLE room_bookings (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    room_id bigint NOT NULL REFERENCES rooms (id),
    during tstzrange NOT NULL,
    CONSTRAINT room_bookings_no_double_booking EXCLUDE USING gist (room_id WITH =, during WITH &&)
);
ALTER TABLE rooms ENABLE ROW LEVEL SECURITY;
CREATE POLICY rooms_tenant ON rooms USING (tenant_id = current_setting('app.tenant_id', true)::uuid);
CREATE TABLE events_log (
    at timestamptz NOT NULL,
    tenant_id uuid NOT NULL,
    payload jsonb NOT NULL DEFAULT '{}'::jsonb
) PARTITION BY RANGE (at);
CREATE TABLE events_log_2025 PARTITION OF events_log FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE events_log_2026 PARTITION OF events_log FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
CREATE INDEX events_log_tenant_at ON events_log (tenant_id, at DESC);
CREATE UNIQUE INDEX rooms_label_lower ON rooms (tenant_id, lower(label));
CREATE VIEW rooms_visible WITH (security_barrier) AS SELECT id, label FROM rooms;
";

#[test]
fn pulled_crates_compile_and_are_up_to_date_with_their_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let kitchen = schemactl::generate::render_script(
        &kitchen_sink().unwrap(),
        schemactl::dialect::DialectKind::Postgres,
    )
    .unwrap();
    let cases = vec![
        Case {
            name: "bizing",
            migrations: repo().join("schema/migrations"),
            sqlite: false,
        },
        Case {
            name: "renoz",
            migrations: repo().join("systems/renoz/migrations"),
            sqlite: false,
        },
        Case {
            name: "digilist",
            migrations: repo().join("systems/digilist/migrations"),
            sqlite: false,
        },
        Case {
            name: "studiovault",
            migrations: repo().join("systems/studiovault/migrations"),
            sqlite: true,
        },
        Case {
            name: "events",
            migrations: repo().join("systems/events/migrations"),
            sqlite: true,
        },
        Case {
            name: "kitchen-sink",
            migrations: sql_folder(root, "kitchen-sink-folder", &kitchen),
            sqlite: false,
        },
        Case {
            name: "catalog-features",
            migrations: sql_folder(root, "catalog-features-folder", CATALOG_FEATURES),
            sqlite: false,
        },
    ];
    let server = PgServer::shared();
    let dev = server.conninfo("postgres");
    let mut crates = Vec::new();
    let mut dbs = Vec::new();
    for case in &cases {
        let dialect = if case.sqlite { "sqlite" } else { "postgres" };
        let url = if case.sqlite {
            format!(
                "sqlite:{}",
                root.join(format!("{}.db", case.name)).display()
            )
        } else {
            let db = server.create_database(&format!("pull_{}", case.name.replace('-', "_")));
            let url = db.url.clone();
            dbs.push(db);
            url
        };
        let migrations = case.migrations.to_str().unwrap();
        let r = schemactl(&[
            "--migrations",
            migrations,
            "--dialect",
            dialect,
            "apply",
            "--database-url",
            &url,
        ]);
        assert_eq!(r.code, 0, "{}: {}", case.name, r.stderr);
        let out = root.join("crates").join(case.name);
        let crate_name = format!("pulled-{}", case.name);
        let r = schemactl(&[
            "--dialect",
            dialect,
            "pull",
            "--database-url",
            &url,
            "--out",
            out.to_str().unwrap(),
            "--crate-name",
            &crate_name,
            "--schemactl-path",
            repo().to_str().unwrap(),
        ]);
        assert_eq!(r.code, 0, "{}: {}", case.name, r.stderr);
        // Deterministic: a second pull of the same database is byte-identical.
        let again = root.join("again").join(case.name);
        let r2 = schemactl(&[
            "--dialect",
            dialect,
            "pull",
            "--database-url",
            &url,
            "--out",
            again.to_str().unwrap(),
            "--crate-name",
            &crate_name,
            "--schemactl-path",
            repo().to_str().unwrap(),
        ]);
        assert_eq!(r2.code, 0, "{}", r2.stderr);
        for f in ["src/lib.rs", "Cargo.toml"] {
            assert_eq!(
                fs::read(out.join(f)).unwrap(),
                fs::read(again.join(f)).unwrap(),
                "{}: {f}",
                case.name
            );
        }
        copy_dir(&case.migrations, &out.join("migrations"));
        crates.push((case, out, crate_name, url));
    }
    for (case, out, crate_name, _) in &crates {
        let bin = cargo_build(out, crate_name);
        let mut args = vec!["--color", "never", "generate", "--check"];
        if !case.sqlite {
            args.extend(["--dev-url", &dev]);
        }
        let run: Run = Command::new(&bin)
            .current_dir(out)
            .args(&args)
            .output()
            .unwrap()
            .into();
        assert_eq!(
            run.code,
            0,
            "{}: generate --check over the pulled crate:\n{}\n{}\n--- src/lib.rs\n{}",
            case.name,
            run.stdout,
            run.stderr,
            fs::read_to_string(out.join("src/lib.rs")).unwrap()
        );
        assert!(
            format!("{}{}", run.stdout, run.stderr).contains("up to date"),
            "{}: {}{}",
            case.name,
            run.stdout,
            run.stderr
        );
    }
}

#[test]
fn pull_writes_our_helpers_where_the_catalog_has_their_shape() {
    // The Bizing schema uses them all; its pulled resources module says so.
    let tmp = tempfile::tempdir().unwrap();
    let db = PgServer::shared().create_database("pull_helpers");
    let migrations = repo().join("schema/migrations");
    let r = schemactl(&[
        "--migrations",
        migrations.to_str().unwrap(),
        "apply",
        "--database-url",
        &db.url,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = tmp.path().join("pulled");
    let r = schemactl(&[
        "pull",
        "--database-url",
        &db.url,
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let code = fs::read_to_string(out.join("src/public.rs")).unwrap();
    for helper in [
        ".tenant_scoped()",
        ".tenant_ref(",
        ".tenant_ref_opt(",
        ".one_live_wrapper(",
        ".audited()",
        ".id_tagged(",
        ".doc(",
        "pub const RESOURCES: TableRef",
    ] {
        assert!(code.contains(helper), "{helper} missing");
    }
    let lib = fs::read_to_string(out.join("src/lib.rs")).unwrap();
    assert!(lib.contains("tenant_column: \"biz_id\""), "{lib}");
    // A bad source and a non-empty target are refused, with nothing written.
    let r = schemactl(&["pull", "--out", tmp.path().join("x").to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("pull::no-source"), "{}", r.stderr);
    assert!(!tmp.path().join("x").exists());
    let r = schemactl(&[
        "pull",
        "--database-url",
        &db.url,
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("pull::target-not-empty"), "{}", r.stderr);
}

#[test]
fn pull_from_a_database_that_cannot_be_reached_names_it_without_the_password() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("pulled");
    let r = schemactl(&[
        "pull",
        "--database-url",
        "postgres://app:Sekrit-Pa55@127.0.0.1:1/app",
        "--connect-timeout",
        "2",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(!r.stderr.contains("Sekrit-Pa55"), "{}", r.stderr);
    assert!(r.stderr.contains("127.0.0.1"), "{}", r.stderr);
    assert!(!out.exists(), "nothing is written");
}

/// The Rust `pull` writes for the kitchen sink (read from its SQL, no server): every file,
/// reviewed as a snapshot.
#[test]
fn pulled_kitchen_sink_code() {
    let tmp = tempfile::tempdir().unwrap();
    let sql = schemactl::generate::render_script(
        &kitchen_sink().unwrap(),
        schemactl::dialect::DialectKind::Postgres,
    )
    .unwrap();
    fs::write(tmp.path().join("schema.sql"), sql).unwrap();
    let r = support::schemactl()
        .current_dir(tmp.path())
        .args([
            "--schema-sql",
            "schema.sql",
            "pull",
            "--out",
            "kitchen",
            "--crate-name",
            "kitchen-sink",
        ])
        .output()
        .unwrap();
    let r: Run = r.into();
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut all = String::new();
    for f in [
        "Cargo.toml",
        ".cargo/config.toml",
        "schemactl.yaml",
        "src/lib.rs",
        "src/main.rs",
        "src/platform.rs",
        "src/public.rs",
    ] {
        all.push_str(&format!(
            "==> {f}\n{}\n",
            fs::read_to_string(tmp.path().join("kitchen").join(f)).unwrap()
        ));
    }
    insta::assert_snapshot!(all.replace(env!("CARGO_PKG_VERSION"), "<version>"));
}
