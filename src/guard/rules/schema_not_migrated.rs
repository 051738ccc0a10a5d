//! SG308 schema-not-migrated: the declared schema has changes no migration holds.

use crate::guard::migrations::MigrationCx;
use crate::guard::{Family, Finding, Level, RuleInfo};

pub const INFO: RuleInfo = RuleInfo {
    code: "SG308",
    name: "schema-not-migrated",
    family: Family::Migrations,
    default_level: Level::Error,
    dialects: crate::guard::EVERY_DIALECT,
    summary: "The declared schema changed but no migration was generated",
    flags: "A declared schema with changes the migration folder does not hold, found the way \
            `schemactl generate --check` finds them (the two always agree): the folder is \
            replayed into the schema it builds and compared with the declared one, for any \
            number of files. A folder replay cannot follow (a `DO` block) runs on a scratch \
            database as for `generate` (`--dev-url`, else a throwaway local PostgreSQL). A folder \
            that does not replay is SG309's. Needs a declared schema (`cargo schemactl guard`, \
            or `--schema-sql`).",
    why: "A schema change merged without its migration reaches production only when someone \
          generates it later, mixed with unrelated changes, or never; CI is the place to catch it.",
    fix: "Run `schemactl generate` and commit the new migration with the schema change.",
};

/// How many pending changes a finding lists.
const SHOWN: usize = 5;

pub fn check(cx: &MigrationCx<'_>, out: &mut Vec<Finding>) {
    let shown = cx.dir.path.display().to_string();
    let folder = shown.strip_prefix("./").unwrap_or(&shown);
    let help = "run `schemactl generate` and commit the migration with the schema change";
    if cx.input.expected_script.is_none() && cx.input.declared.is_none() {
        return; // no declared schema: nothing to compare
    }
    if cx.dir.files.is_empty() {
        out.push(
            Finding::new(format!(
                "the declared schema has no migration yet: {folder} has no migration files"
            ))
            .help(help),
        );
        return;
    }
    if let Some(compare) = cx.input.compare {
        match compare(&cx.dir) {
            Ok(changes) if changes.is_empty() => {}
            Ok(changes) => {
                let mut list: Vec<String> = changes.iter().take(SHOWN).cloned().collect();
                if changes.len() > SHOWN {
                    list.push(format!("and {} more", changes.len() - SHOWN));
                }
                out.push(
                    Finding::new(format!(
                        "the declared schema has {} change(s) no migration in {folder} holds: {}",
                        changes.len(),
                        list.join("; ")
                    ))
                    .help(help),
                );
            }
            // A folder that does not run is SG309's (and a rejected statement SG401's).
            Err(ds) if ds.0.iter().any(|d| folder_fault(&d.code)) => {}
            Err(ds) => {
                out.push(
                    Finding::new(format!(
                    "the migrations in {folder} could not be compared with the declared schema: {}",
                    ds.0.first().map(|d| d.message.as_str()).unwrap_or("unknown error")
                ))
                    .help(
                        ds.0.first()
                            .and_then(|d| d.help.clone())
                            .unwrap_or_else(|| help.to_string()),
                    ),
                )
            }
        }
        return;
    }
    let Some(script) = cx.input.expected_script else {
        return;
    };
    // Without a comparison, a single initial migration can still be compared by its text.
    if let [only] = cx.dir.files.as_slice() {
        if only.sql != script {
            out.push(
                Finding::new(format!(
                    "the declared schema differs from the migration `{}`",
                    only.file_name
                ))
                .at(&MigrationCx::file_origin(&only.path))
                .help(help),
            );
        }
    }
}

/// Errors that come from the folder itself rather than from comparing it.
fn folder_fault(code: &str) -> bool {
    code.starts_with("replay::") || code == "apply::failed" || code == "apply::transaction-control"
}

#[cfg(test)]
mod tests {
    use crate::guard::migrations::test_support::*;
    use crate::guard::MigrationInput;

    #[test]
    fn fires_when_the_schema_moved_on() {
        let tmp = folder(&[("0001_initial.sql", "CREATE TABLE a (id int);\n")]);
        let input = MigrationInput {
            expected_script: Some("CREATE TABLE a (id int, name text);\n"),
            ..Default::default()
        };
        let changed = run("SG308", tmp.path(), &input);
        let empty = tempfile::tempdir().unwrap();
        let none = run("SG308", empty.path(), &input);
        let mut text_all = snap(&changed, tmp.path());
        text_all.push_str(&snap(&none, empty.path()));
        insta::assert_snapshot!(text_all);
    }

    #[test]
    fn quiet_when_the_migration_matches() {
        let sql = "CREATE TABLE a (id int);\n";
        let tmp = folder(&[("0001_initial.sql", sql)]);
        let input = MigrationInput {
            expected_script: Some(sql),
            ..Default::default()
        };
        assert!(run("SG308", tmp.path(), &input).is_empty());
        // Without a declared schema there is nothing to compare.
        assert!(run("SG308", tmp.path(), &MigrationInput::default()).is_empty());
    }

    #[test]
    fn a_comparison_finds_changes_in_any_number_of_files() {
        let tmp = folder(&[("0001_a.sql", "SELECT 1;\n"), ("0002_b.sql", "SELECT 2;\n")]);
        let declared = crate::Schema::default();
        let none = |_: &crate::migrate::MigrationDir| Ok(Vec::new());
        let input = MigrationInput {
            expected_script: Some("whatever"),
            declared: Some(&declared),
            compare: Some(&none),
            ..Default::default()
        };
        assert!(run("SG308", tmp.path(), &input).is_empty());
        let some = |_: &crate::migrate::MigrationDir| {
            Ok((1..=7).map(|i| format!("add column `t.c{i}`")).collect())
        };
        let input = MigrationInput {
            compare: Some(&some),
            ..input
        };
        let ds = run("SG308", tmp.path(), &input);
        assert_eq!(ds.len(), 1);
        assert!(ds[0].message.contains("7 change(s)"), "{}", ds[0].message);
        assert!(ds[0].message.ends_with("and 2 more"), "{}", ds[0].message);
        // A folder that does not replay is SG309's business; a missing server is reported.
        let broken = |_: &crate::migrate::MigrationDir| {
            Err(crate::diag::Diagnostic::error("replay::conflict", "x").into())
        };
        let input = MigrationInput {
            compare: Some(&broken),
            ..input
        };
        assert!(run("SG308", tmp.path(), &input).is_empty());
        let no_server = |_: &crate::migrate::MigrationDir| {
            Err(crate::diag::Diagnostic::error("scratch::no-dev-database", "no server").into())
        };
        let input = MigrationInput {
            compare: Some(&no_server),
            ..input
        };
        assert_eq!(run("SG308", tmp.path(), &input).len(), 1);
    }
}
