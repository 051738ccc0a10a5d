//! SG304 unlisted-migration: a migration file the sum file does not record.

use crate::guard::migrations::MigrationCx;
use crate::guard::{Family, Finding, Level, RuleInfo};
use crate::migrate::parse_file_name;

pub const INFO: RuleInfo = RuleInfo {
    code: "SG304",
    name: "unlisted-migration",
    family: Family::Migrations,
    default_level: Level::Error,
    dialects: crate::guard::EVERY_DIALECT,
    summary: "A migration file is not recorded in the sum file (added by hand or out of order)",
    flags:
        "A `NNNN_name.sql` file that `schemactl.sum` does not list. When its number is below the \
            newest recorded migration it was added out of order, typically by a merged branch.",
    why:
        "Hand-written files missing from the record were one of Bizing's real failures: tools skip \
          them or apply them in a different order on different databases. An out-of-order file \
          never runs on databases already past its number.",
    fix:
        "Generate migrations with `schemactl generate` so the sum file is updated. After a merge, \
          renumber the branch's file after the newest one and rehash.",
};

pub fn check(cx: &MigrationCx<'_>, out: &mut Vec<Finding>) {
    let newest = cx.dir.sum.as_ref().and_then(|s| {
        s.entries
            .iter()
            .filter_map(|(n, _)| parse_file_name(n))
            .map(|(v, _)| v)
            .max()
    });
    for mut f in cx.sum_findings("migrations::unlisted-file") {
        let version = cx
            .dir
            .files
            .iter()
            .find(|file| f.message.contains(&format!("`{}`", file.file_name)))
            .map(|file| file.version);
        if let (Some(v), Some(n)) = (version, newest) {
            if v < n {
                f.message.push_str(&format!(
                    ", and it is numbered below the newest recorded migration ({n:04}): added out of order"
                ));
                f.help = Some(format!(
                    "renumber it after {n:04} so databases past {n:04} still run it, then rehash"
                ));
            }
        }
        out.push(f);
    }
}

#[cfg(test)]
mod tests {
    use crate::guard::migrations::test_support::*;
    use crate::guard::MigrationInput;

    #[test]
    fn fires_on_hand_added_and_out_of_order_files() {
        let tmp = folder(&[
            ("0001_initial.sql", "SELECT 1;\n"),
            ("0003_more.sql", "SELECT 3;\n"),
        ]);
        std::fs::write(tmp.path().join("0002_branch.sql"), "SELECT 2;\n").unwrap();
        std::fs::write(tmp.path().join("0004_hand.sql"), "SELECT 4;\n").unwrap();
        let ds = run("SG304", tmp.path(), &MigrationInput::default());
        insta::assert_snapshot!(snap(&ds, tmp.path()));
    }

    #[test]
    fn quiet_when_every_file_is_recorded() {
        let tmp = folder(&[("0001_initial.sql", "SELECT 1;\n")]);
        assert!(run("SG304", tmp.path(), &MigrationInput::default()).is_empty());
    }
}
