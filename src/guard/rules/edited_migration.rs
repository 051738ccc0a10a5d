//! SG302 edited-migration: a recorded migration file was changed.

use crate::guard::migrations::MigrationCx;
use crate::guard::{Family, Finding, Level, RuleInfo};

pub const INFO: RuleInfo = RuleInfo {
    code: "SG302",
    name: "edited-migration",
    family: Family::Migrations,
    default_level: Level::Error,
    dialects: crate::guard::EVERY_DIALECT,
    summary: "A migration file was edited after it was recorded in the sum file",
    flags: "A migration whose SHA-256 differs from the checksum `schemactl.sum` records for it.",
    why: "Databases that already applied the file never see the edit: they silently diverge from \
          fresh ones, and the next generated migration is computed against a history that exists \
          nowhere.",
    fix: "Restore the file and put the change in a new migration. If the file has never been \
          applied anywhere, `schemactl migrations rehash` accepts the edit.",
};

pub fn check(cx: &MigrationCx<'_>, out: &mut Vec<Finding>) {
    out.extend(cx.sum_findings("migrations::edited-file"));
}

#[cfg(test)]
mod tests {
    use crate::guard::migrations::test_support::*;
    use crate::guard::MigrationInput;

    #[test]
    fn fires_on_an_edited_file() {
        let tmp = folder(&[("0001_initial.sql", "CREATE TABLE a (id int);\n")]);
        std::fs::write(
            tmp.path().join("0001_initial.sql"),
            "CREATE TABLE a (id bigint);\n",
        )
        .unwrap();
        let ds = run("SG302", tmp.path(), &MigrationInput::default());
        insta::assert_snapshot!(snap(&ds, tmp.path()));
    }

    #[test]
    fn quiet_on_untouched_files() {
        let tmp = folder(&[("0001_initial.sql", "CREATE TABLE a (id int);\n")]);
        assert!(run("SG302", tmp.path(), &MigrationInput::default()).is_empty());
    }
}
