//! SG306 migration-order: files are in the order the sum file records.

use crate::guard::migrations::MigrationCx;
use crate::guard::{Family, Finding, Level, RuleInfo};
use crate::migrate::parse_file_name;

pub const INFO: RuleInfo = RuleInfo {
    code: "SG306",
    name: "migration-order",
    family: Family::Migrations,
    default_level: Level::Error,
    dialects: crate::guard::EVERY_DIALECT,
    summary: "Migration files were renumbered or the recorded order is not monotonic",
    flags: "A folder whose files sort into another order than `schemactl.sum` records (files were \
            renumbered), or a sum file whose entries' numbers do not strictly increase.",
    why: "Order is part of the history: databases applied the files in the recorded order, so a \
          renumbering makes fresh databases run them differently from existing ones.",
    fix: "Restore the original numbers. If nothing was applied anywhere yet, rehash to accept the new order.",
};

pub fn check(cx: &MigrationCx<'_>, out: &mut Vec<Finding>) {
    let at = MigrationCx::file_origin(&cx.sum_path());
    out.extend(cx.sum_findings("migrations::reordered").map(|f| f.at(&at)));
    let Some(sum) = &cx.dir.sum else { return };
    let versions: Vec<(u64, &str)> = sum
        .entries
        .iter()
        .filter_map(|(n, _)| parse_file_name(n).map(|(v, _)| (v, n.as_str())))
        .collect();
    for pair in versions.windows(2) {
        if pair[1].0 <= pair[0].0 {
            out.push(
                Finding::new(format!(
                    "{} records `{}` after `{}`: version numbers must increase",
                    crate::migrate::SUM_FILE,
                    pair[1].1,
                    pair[0].1
                ))
                .at(&at)
                .help("the sum file was edited by hand or merged badly; restore it and rehash"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::guard::migrations::test_support::*;
    use crate::guard::MigrationInput;

    #[test]
    fn fires_on_renumbered_files() {
        let tmp = folder(&[("0001_a.sql", "SELECT 1;\n"), ("0002_b.sql", "SELECT 2;\n")]);
        // Swap the numbers: same names and contents, another order.
        std::fs::rename(tmp.path().join("0001_a.sql"), tmp.path().join("tmp")).unwrap();
        std::fs::rename(tmp.path().join("0002_b.sql"), tmp.path().join("0001_b.sql")).unwrap();
        std::fs::rename(tmp.path().join("tmp"), tmp.path().join("0002_a.sql")).unwrap();
        let sum = crate::migrate::SumFile::of([
            (
                "0002_a.sql".to_string(),
                crate::migrate::checksum(b"SELECT 1;\n"),
            ),
            (
                "0001_b.sql".to_string(),
                crate::migrate::checksum(b"SELECT 2;\n"),
            ),
        ]);
        std::fs::write(tmp.path().join("schemactl.sum"), sum.render()).unwrap();
        let ds = run("SG306", tmp.path(), &MigrationInput::default());
        insta::assert_snapshot!(snap(&ds, tmp.path()));
    }

    #[test]
    fn quiet_on_recorded_order() {
        let tmp = folder(&[("0001_a.sql", "SELECT 1;\n"), ("0002_b.sql", "SELECT 2;\n")]);
        assert!(run("SG306", tmp.path(), &MigrationInput::default()).is_empty());
    }
}
