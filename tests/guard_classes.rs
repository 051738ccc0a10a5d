//! The classes of SQL guard used to misjudge, side by side (`fixtures/lint/classes/<class>/`):
//! `safe/` is the form PostgreSQL runs without rewriting or failing, `unsafe/` the form it
//! rewrites, rejects or fails on. Guard finds no error in each safe folder and the expected
//! codes in each unsafe one (snapshot per class), and each safe folder runs on a real
//! PostgreSQL the way its runner runs it, without failing and without rewriting any table or
//! index that existed before the file (`pg_relation_filenode` unchanged). Where the unsafe
//! form's harm is a rewrite or a failure, that is shown on PostgreSQL too, so the proof can
//! tell the two apart.

mod support;

use schemactl::diag::{Diagnostic, Severity};
use schemactl::dialect::DialectKind;
use schemactl::guard::{self, GuardConfig, MigrationInput, Runner};
use schemactl::migrate::MigrationDir;
use schemactl::sql::split::split_unparsed;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What the unsafe form does on PostgreSQL, beyond what guard says.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Harm {
    /// Shown by guard alone (a lock held, a name broken, a runner-specific failure).
    Reported,
    /// Every ALTER TABLE of the last file rewrites its table.
    Rewrites,
    /// The folder fails where guard says it does.
    Fails,
}

struct Class {
    name: &'static str,
    /// Who runs the safe folder; the unsafe one is judged (and run) by `unsafe_runner`.
    safe_runner: Runner,
    unsafe_runner: Runner,
    /// Error codes guard must report on the unsafe folder.
    codes: &'static [&'static str],
    harm: Harm,
}

const CLASSES: &[Class] = &[
    Class {
        name: "binary_coercible",
        safe_runner: Runner::Schemactl,
        unsafe_runner: Runner::Schemactl,
        codes: &["SG409"],
        harm: Harm::Rewrites,
    },
    Class {
        name: "stable_default",
        safe_runner: Runner::Schemactl,
        unsafe_runner: Runner::Schemactl,
        codes: &["SG410"],
        harm: Harm::Rewrites,
    },
    Class {
        name: "created_in_file",
        safe_runner: Runner::Schemactl,
        unsafe_runner: Runner::Schemactl,
        codes: &["SG411", "SG412"],
        harm: Harm::Reported,
    },
    Class {
        name: "compatibility_view",
        safe_runner: Runner::Schemactl,
        unsafe_runner: Runner::Schemactl,
        codes: &["SG412"],
        harm: Harm::Reported,
    },
    Class {
        name: "transaction_blocks",
        safe_runner: Runner::Schemactl,
        unsafe_runner: Runner::Schemactl,
        codes: &["SG403", "SG413"],
        harm: Harm::Fails,
    },
    Class {
        name: "runner",
        safe_runner: Runner::Psql,
        unsafe_runner: Runner::OneTransaction,
        codes: &["SG403", "SG413", "SG422"],
        harm: Harm::Reported,
    },
    Class {
        name: "bind_parameter",
        safe_runner: Runner::Schemactl,
        unsafe_runner: Runner::Schemactl,
        codes: &["SG421"],
        harm: Harm::Fails,
    },
    Class {
        name: "folder_replay",
        safe_runner: Runner::Schemactl,
        unsafe_runner: Runner::Schemactl,
        codes: &["SG309"],
        harm: Harm::Fails,
    },
];

fn folder(class: &str, side: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/lint/classes")
        .join(class)
        .join(side)
}

fn findings(dir: &Path, runner: Runner) -> Vec<Diagnostic> {
    let config = GuardConfig {
        runner,
        ..GuardConfig::default()
    };
    guard::check_migrations(dir, &MigrationInput::default(), &config).expect("fixture loads")
}

fn text(ds: &[Diagnostic], dir: &Path) -> String {
    let base = format!("{}/", dir.display());
    ds.iter()
        .map(|d| format!("{:?} {d}\n", d.severity).replace(&base, ""))
        .collect()
}

#[test]
fn guard_tells_each_safe_form_from_its_unsafe_one() {
    for class in CLASSES {
        let safe_dir = folder(class.name, "safe");
        let unsafe_dir = folder(class.name, "unsafe");
        let safe = findings(&safe_dir, class.safe_runner);
        let flagged = findings(&unsafe_dir, class.unsafe_runner);
        let errors: Vec<&Diagnostic> = safe
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .collect();
        assert!(
            errors.is_empty(),
            "{}: false errors on the safe form:\n{}",
            class.name,
            text(&safe, &safe_dir)
        );
        for code in class.codes {
            assert!(
                flagged
                    .iter()
                    .any(|d| d.code == *code && d.severity == Severity::Error),
                "{}: {code} missing on the unsafe form:\n{}",
                class.name,
                text(&flagged, &unsafe_dir)
            );
        }
        insta::assert_snapshot!(
            class.name,
            format!(
                "safe ({}):\n{}\nunsafe ({}):\n{}",
                class.safe_runner.as_str(),
                text(&safe, &safe_dir),
                class.unsafe_runner.as_str(),
                text(&flagged, &unsafe_dir)
            )
        );
    }
}

/// Every table, index and materialized view outside the system schemas -> its file node.
fn filenodes(client: &mut postgres::Client) -> BTreeMap<String, u32> {
    client
        .query(
            "SELECT c.oid::regclass::text, pg_relation_filenode(c.oid)::oid \
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') \
               AND c.relkind IN ('r', 'i', 'm')",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
}

/// The relations of `before` whose file node changed (a rewrite or a rebuild).
fn rewritten(before: &BTreeMap<String, u32>, after: &BTreeMap<String, u32>) -> Vec<String> {
    before
        .iter()
        .filter(|(rel, node)| after.get(*rel).is_some_and(|n| n != *node))
        .map(|(rel, _)| rel.clone())
        .collect()
}

/// Runs one file the way `runner` does: one transaction around it, or statement by statement.
fn run_file(client: &mut postgres::Client, runner: Runner, sql: &str) -> Result<(), (u32, String)> {
    let script = split_unparsed(sql, DialectKind::Postgres);
    let fail = |line: u32, e: postgres::Error| {
        (
            line,
            e.as_db_error()
                .map_or(e.to_string(), |d| d.message().to_string()),
        )
    };
    if runner.wraps(script.no_transaction) {
        client.batch_execute("BEGIN").unwrap();
        for st in &script.statements {
            if let Err(e) = client.batch_execute(&st.text) {
                client.batch_execute("ROLLBACK").unwrap();
                return Err(fail(st.line, e));
            }
        }
        client.batch_execute("COMMIT").map_err(|e| fail(0, e))
    } else {
        for st in &script.statements {
            client
                .batch_execute(&st.text)
                .map_err(|e| fail(st.line, e))?;
        }
        Ok(())
    }
}

#[test]
fn safe_forms_run_on_postgresql_without_rewriting_anything() {
    for class in CLASSES {
        let dir = MigrationDir::load(&folder(class.name, "safe")).unwrap();
        let db = schemactl_testkit::PgServer::shared().create_database(class.name);
        let mut client = db.client();
        client
            .batch_execute("CREATE EXTENSION IF NOT EXISTS pgcrypto")
            .unwrap();
        for f in &dir.files {
            let before = filenodes(&mut client);
            if let Err((line, msg)) = run_file(&mut client, class.safe_runner, &f.sql) {
                panic!("{}: {}:{line} fails: {msg}", class.name, f.file_name);
            }
            let changed = rewritten(&before, &filenodes(&mut client));
            assert!(
                changed.is_empty(),
                "{}: {} rewrote {changed:?}",
                class.name,
                f.file_name
            );
        }
    }
}

#[test]
fn unsafe_forms_rewrite_or_fail_on_postgresql_as_guard_says() {
    for class in CLASSES {
        let dir = MigrationDir::load(&folder(class.name, "unsafe")).unwrap();
        let db = schemactl_testkit::PgServer::shared().create_database(class.name);
        let mut client = db.client();
        client
            .batch_execute("CREATE EXTENSION IF NOT EXISTS pgcrypto")
            .unwrap();
        match class.harm {
            Harm::Reported => {}
            Harm::Rewrites => {
                let (last, earlier) = dir.files.split_last().unwrap();
                for f in earlier {
                    run_file(&mut client, class.unsafe_runner, &f.sql).unwrap();
                }
                for st in split_unparsed(&last.sql, DialectKind::Postgres).statements {
                    let before = filenodes(&mut client);
                    client.batch_execute(&st.text).unwrap();
                    if st.text.starts_with("ALTER TABLE") {
                        assert!(
                            !rewritten(&before, &filenodes(&mut client)).is_empty(),
                            "{}: `{}` rewrote nothing",
                            class.name,
                            st.text
                        );
                    }
                }
            }
            Harm::Fails => {
                let flagged = findings(&folder(class.name, "unsafe"), class.unsafe_runner);
                let at = flagged
                    .iter()
                    .find(|d| class.codes.contains(&d.code.as_str()))
                    .and_then(|d| d.location.clone())
                    .expect("the finding has a location");
                let failed = dir.files.iter().find_map(|f| {
                    run_file(&mut client, class.unsafe_runner, &f.sql)
                        .err()
                        .map(|(line, msg)| (f.path.display().to_string(), line, msg))
                });
                let (file, line, msg) = failed.unwrap_or_else(|| {
                    panic!("{}: the unsafe form runs without failing", class.name)
                });
                assert_eq!((file.as_str(), line), (at.file.as_ref(), at.line), "{msg}");
            }
        }
    }
}
