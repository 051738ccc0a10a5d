//! SG303 missing-migration: a recorded migration file is gone.

use crate::guard::migrations::MigrationCx;
use crate::guard::{Family, Finding, Level, RuleInfo};
use crate::model::Origin;

pub const INFO: RuleInfo = RuleInfo {
    code: "SG303",
    name: "missing-migration",
    family: Family::Migrations,
    default_level: Level::Error,
    dialects: crate::guard::EVERY_DIALECT,
    summary: "A migration recorded in the sum file is missing from the folder",
    flags: "An entry of `schemactl.sum` with no file of that name in the folder.",
    why: "Applied history must never disappear: a fresh database built from the folder lacks \
          whatever the file created, and later migrations that depend on it fail.",
    fix: "Restore the file from version control. Squashing history is a deliberate rebaseline, \
          not a deletion.",
};

pub fn check(cx: &MigrationCx<'_>, out: &mut Vec<Finding>) {
    let sum_file = cx.sum_path().display().to_string();
    let entries = cx
        .dir
        .sum
        .as_ref()
        .map(|s| s.entries.as_slice())
        .unwrap_or(&[]);
    for f in cx.sum_findings("migrations::missing-file") {
        // Point at the sum-file line that records the file (line 1 is the total).
        let line = entries
            .iter()
            .position(|(name, _)| f.message.contains(&format!("`{name}`")))
            .map_or(1, |i| i as u32 + 2);
        out.push(f.at(&Origin {
            file: sum_file.clone().into(),
            line,
            column: 1,
        }));
    }
}

#[cfg(test)]
mod tests {
    use crate::guard::migrations::test_support::*;
    use crate::guard::MigrationInput;

    #[test]
    fn fires_on_a_deleted_file() {
        let tmp = folder(&[
            ("0001_initial.sql", "SELECT 1;\n"),
            ("0002_more.sql", "SELECT 2;\n"),
        ]);
        std::fs::remove_file(tmp.path().join("0002_more.sql")).unwrap();
        let ds = run("SG303", tmp.path(), &MigrationInput::default());
        insta::assert_snapshot!(snap(&ds, tmp.path()));
    }

    #[test]
    fn quiet_when_every_file_is_there() {
        let tmp = folder(&[
            ("0001_initial.sql", "SELECT 1;\n"),
            ("0002_more.sql", "SELECT 2;\n"),
        ]);
        assert!(run("SG303", tmp.path(), &MigrationInput::default()).is_empty());
    }
}
