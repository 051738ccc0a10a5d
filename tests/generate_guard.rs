//! `generate` then `guard`: for every case of `support/kinds.rs`, on PostgreSQL and (where the
//! case means something there) SQLite, the migrations `generate` writes pass `guard` with
//! warnings counted as errors, and `generate --check` and guard's SG308 agree the folder holds
//! the declared schema. Both run through the CLI with the case's schemas declared, as a schema
//! crate's binary would.

#[path = "support/kinds.rs"]
mod kinds;
mod support;

use schemactl::dialect::DialectKind;
use schemactl::guard::Family;
use schemactl::model::Schema;
use schemactl::Diagnostics;
use std::cell::RefCell;
use std::path::Path;
use std::process::ExitCode;

thread_local! {
    /// The schema the CLI declares, per test thread.
    static DECLARED: RefCell<Option<Schema>> = const { RefCell::new(None) };
}

fn declared() -> Result<Schema, Diagnostics> {
    DECLARED.with(|d| Ok(d.borrow().clone().expect("a declared schema")))
}

fn cli(config: &Path, schema: &Schema, args: &[&str]) -> ExitCode {
    DECLARED.with(|d| *d.borrow_mut() = Some(schema.clone()));
    let config = config.display().to_string();
    let mut all = vec!["schemactl", "--color", "never", "--config", config.as_str()];
    all.extend(args);
    schemactl::cli::run(all, Some(declared))
}

/// A project whose guard runs the migration-folder rules and the SQL lint: the schema style
/// and graph rules judge the test schemas, not what generate wrote.
fn project(root: &Path, dialect: DialectKind) -> std::path::PathBuf {
    let off: Vec<String> = schemactl::guard::registry()
        .iter()
        .filter(|r| matches!(r.info.family, Family::Schema | Family::Graph))
        .map(|r| format!("{}: off", r.info.code))
        .collect();
    let config = root.join("schemactl.yaml");
    let dialect = match dialect {
        DialectKind::Postgres => "postgres",
        DialectKind::Sqlite => "sqlite",
    };
    std::fs::write(
        &config,
        format!(
            "migrations: {}\ndialect: {dialect}\nguard:\n  severity: {{{}}}\n",
            root.join("migrations").display(),
            off.join(", ")
        ),
    )
    .unwrap();
    config
}

/// What the folder holds, for failure messages.
fn folder_text(root: &Path) -> String {
    let mut names: Vec<_> = std::fs::read_dir(root.join("migrations"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "sql"))
        .collect();
    names.sort();
    names
        .iter()
        .map(|p| {
            format!(
                "== {}\n{}",
                p.file_name().unwrap().to_string_lossy(),
                std::fs::read_to_string(p).unwrap()
            )
        })
        .collect()
}

/// Runs the case; `Err` says which step failed, with the folder.
fn generate_then_guard(case: &kinds::Case, dialect: DialectKind) -> Result<(), String> {
    let tmp = tempfile::tempdir().unwrap();
    let config = project(tmp.path(), dialect);
    let steps: [(&Schema, &[&str], &str); 4] = [
        (
            &case.a,
            &["generate", "--name", "initial"],
            "the initial migration",
        ),
        (&case.b, &["generate", "--name", "change"], "generate"),
        (
            &case.b,
            &["guard", "--warnings-as-errors"],
            "guard rejects what generate wrote",
        ),
        (&case.b, &["generate", "--check"], "generate --check"),
    ];
    for (schema, args, what) in steps {
        if cli(&config, schema, args) != ExitCode::SUCCESS {
            return Err(format!(
                "{} ({dialect:?}): {what}\n{}",
                case.name,
                folder_text(tmp.path())
            ));
        }
    }
    Ok(())
}

fn all_pass(dialect: DialectKind, cases: &[kinds::Case]) {
    let failed: Vec<String> = cases
        .iter()
        .filter_map(|c| generate_then_guard(c, dialect).err())
        .collect();
    assert!(failed.is_empty(), "{}", failed.join("\n\n"));
}

#[test]
fn guard_passes_what_generate_writes_for_postgres() {
    all_pass(DialectKind::Postgres, &kinds::cases());
}

#[test]
fn guard_passes_what_generate_writes_for_sqlite() {
    let cases: Vec<kinds::Case> = kinds::cases()
        .into_iter()
        .filter(|c| !c.postgres_only)
        .collect();
    all_pass(DialectKind::Sqlite, &cases);
}

/// The other way round: a declared change no migration holds fails guard (SG308) exactly
/// when `generate --check` fails, with more than one file in the folder.
#[test]
fn guard_and_generate_check_agree_on_a_pending_change() {
    let pending = ExitCode::from(1);
    for dialect in [DialectKind::Postgres, DialectKind::Sqlite] {
        let tmp = tempfile::tempdir().unwrap();
        let config = project(tmp.path(), dialect);
        let with_size = kinds::group("column").remove(0).b;
        assert_eq!(
            cli(&config, &kinds::plain(), &["generate"]),
            ExitCode::SUCCESS
        );
        assert_eq!(
            cli(&config, &with_size, &["generate", "--name", "size"]),
            ExitCode::SUCCESS
        );
        assert_eq!(
            cli(&config, &with_size, &["generate", "--check"]),
            ExitCode::SUCCESS
        );
        assert_eq!(
            cli(&config, &with_size, &["guard"]),
            ExitCode::SUCCESS,
            "{dialect:?}"
        );
        // Declared: `big` instead of `size`, which no migration holds.
        let changed = kinds::group("column_type").remove(0).b;
        assert_eq!(
            cli(&config, &changed, &["generate", "--check"]),
            pending,
            "{dialect:?}"
        );
        assert_eq!(cli(&config, &changed, &["guard"]), pending, "{dialect:?}");
    }
}
