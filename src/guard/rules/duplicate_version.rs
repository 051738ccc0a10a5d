//! SG305 duplicate-version: two migration files share a number.

use crate::guard::migrations::MigrationCx;
use crate::guard::{Family, Finding, Level, RuleInfo};

pub const INFO: RuleInfo = RuleInfo {
    code: "SG305",
    name: "duplicate-version",
    family: Family::Migrations,
    default_level: Level::Error,
    dialects: crate::guard::EVERY_DIALECT,
    summary: "Two migration files share one version number",
    flags: "Two or more files whose `NNNN` prefixes are the same number (`0007_a.sql`, `0007_b.sql`, \
            also `7_a.sql` next to `0007_b.sql`).",
    why: "Which of them runs first depends on the tool and the file system; a history table keyed by \
          version records only one, so the other is skipped on some databases. Bizing shipped two \
          files with one number.",
    fix: "Move the file that has not been applied anywhere (usually your branch's, the one \
          `schemactl.sum` does not list yet) after the newest migration with `schemactl migrations \
          renumber <file>`, which also rehashes. Never renumber an applied migration.",
};

pub fn check(cx: &MigrationCx<'_>, out: &mut Vec<Finding>) {
    for pair in cx.dir.files.windows(2) {
        if pair[0].version == pair[1].version {
            out.push(
                Finding::new(format!(
                    "`{}` and `{}` share version {}",
                    pair[0].file_name, pair[1].file_name, pair[0].version
                ))
                .at(&MigrationCx::file_origin(&pair[1].path))
                .help(crate::migrate::duplicate_version_help(
                    cx.dir.sum.as_ref(),
                    &pair[0],
                    &pair[1],
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::guard::migrations::test_support::*;
    use crate::guard::MigrationInput;

    #[test]
    fn fires_on_a_shared_number() {
        let tmp = folder(&[("0001_a.sql", "SELECT 1;\n"), ("0001_b.sql", "SELECT 2;\n")]);
        let ds = run("SG305", tmp.path(), &MigrationInput::default());
        insta::assert_snapshot!(snap(&ds, tmp.path()));
    }

    #[test]
    fn names_the_file_the_sum_does_not_list_as_the_one_to_move() {
        let tmp = folder(&[("0001_a.sql", "SELECT 1;\n")]);
        std::fs::write(tmp.path().join("0001_b.sql"), "SELECT 2;\n").unwrap();
        let ds = run("SG305", tmp.path(), &MigrationInput::default());
        let help = ds[0].help.as_deref().unwrap_or_default();
        assert!(
            help.contains("renumber 0001_b.sql") && !help.contains("renumber 0001_a.sql"),
            "{help}"
        );
    }

    #[test]
    fn quiet_on_distinct_numbers() {
        let tmp = folder(&[("0001_a.sql", "SELECT 1;\n"), ("0002_b.sql", "SELECT 2;\n")]);
        assert!(run("SG305", tmp.path(), &MigrationInput::default()).is_empty());
    }
}
