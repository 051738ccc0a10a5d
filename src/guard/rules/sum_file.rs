//! SG301 sum-file: the folder has a readable, consistent `schemactl.sum`.

use crate::guard::migrations::MigrationCx;
use crate::guard::{Family, Finding, Level, RuleInfo};
use crate::model::Origin;

pub const INFO: RuleInfo = RuleInfo {
    code: "SG301",
    name: "sum-file",
    family: Family::Migrations,
    default_level: Level::Error,
    dialects: crate::guard::EVERY_DIALECT,
    summary: "The migration folder's sum file is missing, unreadable or inconsistent",
    flags:
        "A folder with migrations but no `schemactl.sum`, a sum file that does not parse, or one \
            whose total does not match its own entries.",
    why: "The sum file is what proves the folder is the history that was reviewed and applied: \
          without it, edits, deletions and merges of migration files go unnoticed until a database \
          disagrees.",
    fix:
        "`schemactl generate` writes it. If the files are exactly as intended and not yet applied \
          anywhere, recreate it with `schemactl migrations rehash`; never hand-edit it.",
};

pub fn check(cx: &MigrationCx<'_>, out: &mut Vec<Finding>) {
    if let Some((line, msg)) = &cx.sum_error {
        out.push(
            Finding::new(format!("{} is unreadable: {msg}", crate::migrate::SUM_FILE))
                .at(&Origin {
                    file: cx.sum_path().display().to_string().into(),
                    line: *line,
                    column: 1,
                })
                .help("restore it from version control, or recreate it with `schemactl migrations rehash`"),
        );
    }
    // A folder without a sum file (one written by hand or by another tool): said once, with
    // what it costs and the two ways out; every other check and the SQL lint still run.
    out.extend(cx.sum_findings("migrations::missing-sum").map(|_| {
        let n = cx.dir.files.len();
        Finding::new(format!(
            "{} is missing, so the integrity checks (edited, missing, unlisted and reordered \
             files: SG302-SG306) cannot run; the other checks and the SQL lint ran on every \
             migration file ({n})",
            crate::migrate::SUM_FILE,
        ))
        .at(&MigrationCx::file_origin(&cx.sum_path()))
        .help(
            "if the files are as intended, `schemactl migrations rehash` records them; a folder \
             another tool wrote (Diesel, sqlx, golang-migrate, dbmate, Flyway, drizzle-kit, Atlas) \
             is brought in with `schemactl import --from <layout> DIR`",
        )
    }));
    out.extend(
        cx.sum_findings("migrations::bad-total")
            .map(|f| f.at(&MigrationCx::file_origin(&cx.sum_path()))),
    );
}

#[cfg(test)]
mod tests {
    use crate::guard::migrations::test_support::*;
    use crate::guard::MigrationInput;

    #[test]
    fn fires_on_missing_and_garbled_sum() {
        let tmp = folder(&[("0001_initial.sql", "CREATE TABLE a (id int);\n")]);
        std::fs::remove_file(tmp.path().join("schemactl.sum")).unwrap();
        let missing = run("SG301", tmp.path(), &MigrationInput::default());
        std::fs::write(tmp.path().join("schemactl.sum"), "nonsense\n").unwrap();
        let garbled = run("SG301", tmp.path(), &MigrationInput::default());
        insta::assert_snapshot!(snap(&[missing, garbled].concat(), tmp.path()));
    }

    #[test]
    fn quiet_on_an_intact_folder() {
        let tmp = folder(&[("0001_initial.sql", "CREATE TABLE a (id int);\n")]);
        assert!(run("SG301", tmp.path(), &MigrationInput::default()).is_empty());
        let empty = tempfile::tempdir().unwrap();
        assert!(run("SG301", empty.path(), &MigrationInput::default()).is_empty());
    }
}
