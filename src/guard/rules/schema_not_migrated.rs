//! SG308 schema-not-migrated: the declared schema has changes no migration holds.

use crate::guard::migrations::MigrationCx;
use crate::guard::{Family, Finding, Level, RuleInfo};

pub const INFO: RuleInfo = RuleInfo {
    code: "SG308",
    name: "schema-not-migrated",
    family: Family::Migrations,
    default_level: Level::Error,
    summary: "The declared schema changed but no migration was generated",
    flags: "A declared schema whose changes are not in the migration folder: the folder is empty, or \
            (today) its single initial migration differs from the script `schemactl generate` would \
            write. With a SQL replay available, the schema the folder produces is compared with the \
            declared one instead, for any number of files. Needs a declared schema (`cargo schemactl`).",
    why: "A schema change merged without its migration reaches production only when someone \
          generates it later, mixed with unrelated changes, or never; CI is the place to catch it.",
    fix: "Run `schemactl generate` and commit the new migration with the schema change.",
};

pub fn check(cx: &MigrationCx<'_>, out: &mut Vec<Finding>) {
    let shown = cx.dir.path.display().to_string();
    let folder = shown.strip_prefix("./").unwrap_or(&shown);
    let help = "run `schemactl generate` and commit the migration with the schema change";
    // With a replay, compare models; the model's equality ignores declaration origins.
    if let (Some(replay), Some(declared)) = (cx.input.replay, cx.input.declared) {
        match replay(&cx.dir) {
            Ok(replayed) if &replayed == declared => {}
            Ok(_) => out.push(
                Finding::new(format!(
                    "the declared schema differs from what the migrations in {folder} produce"
                ))
                .help(help),
            ),
            Err(ds) => out.push(
                Finding::new(format!(
                    "the migrations in {folder} could not be replayed to compare with the declared schema: {}",
                    ds.0.first().map(|d| d.message.as_str()).unwrap_or("unknown error")
                ))
                .help("fix the migration files so they replay, then rerun guard"),
            ),
        }
        return;
    }
    let Some(script) = cx.input.expected_script else {
        return; // no declared schema: nothing to compare
    };
    match cx.dir.files.as_slice() {
        [] => out.push(
            Finding::new(format!(
                "the declared schema has no migration yet: {folder} has no migration files"
            ))
            .help(help),
        ),
        [only] if only.sql != script => out.push(
            Finding::new(format!(
                "the declared schema differs from the migration `{}`",
                only.file_name
            ))
            .at(&MigrationCx::file_origin(&only.path))
            .help(help),
        ),
        // Several files need the SQL replay to compare; until then SG308 stays silent here.
        _ => {}
    }
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
    fn a_replay_compares_models() {
        fn replay_empty(
            _: &crate::migrate::MigrationDir,
        ) -> Result<crate::Schema, crate::Diagnostics> {
            Ok(crate::Schema::default())
        }
        let tmp = folder(&[("0001_a.sql", "SELECT 1;\n"), ("0002_b.sql", "SELECT 2;\n")]);
        let declared = crate::Schema::default();
        let input = MigrationInput {
            expected_script: Some("whatever"),
            declared: Some(&declared),
            replay: Some(replay_empty),
        };
        assert!(run("SG308", tmp.path(), &input).is_empty());
        let mut other = crate::Schema::default();
        other.extensions.push(crate::model::Extension {
            name: "x".into(),
            origin: Default::default(),
        });
        let input = MigrationInput {
            declared: Some(&other),
            ..input
        };
        assert_eq!(run("SG308", tmp.path(), &input).len(), 1);
    }
}
