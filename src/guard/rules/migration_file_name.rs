//! SG307 migration-file-name: the folder holds only `NNNN_name.sql` files in UTF-8.

use crate::guard::migrations::MigrationCx;
use crate::guard::{Family, Finding, Level, RuleInfo};

pub const INFO: RuleInfo = RuleInfo {
    code: "SG307",
    name: "migration-file-name",
    family: Family::Migrations,
    default_level: Level::Error,
    dialects: crate::guard::EVERY_DIALECT,
    summary: "A file in the migration folder is not a `NNNN_name.sql` UTF-8 migration",
    flags: "A file in the migration folder (other than `schemactl.sum` and dot-files) whose name is \
            not digits, `_`, a name and `.sql`, or whose content is not UTF-8.",
    why: "Tools disagree on what to do with such files: some skip them silently, some apply them. \
          A misnamed migration (`add_users.sql`, `0003-add-users.sql`) is a migration that never runs.",
    fix: "Rename it to `NNNN_name.sql`, or move notes and scripts out of the migration folder.",
};

pub fn check(cx: &MigrationCx<'_>, out: &mut Vec<Finding>) {
    for p in &cx.bad_names {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default();
        let why = crate::migrate::file_name_detail(&name)
            .map(|w| format!(": {w}"))
            .unwrap_or_default();
        out.push(
            Finding::new(format!(
                "`{name}` in the migration folder is not a migration file name{why}"
            ))
            .at(&MigrationCx::file_origin(p))
            .help("name migrations `NNNN_name.sql`; move other files out of the folder"),
        );
    }
    for p in &cx.not_utf8 {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default();
        out.push(
            Finding::new(format!("`{name}` is not UTF-8 text"))
                .at(&MigrationCx::file_origin(p))
                .help("save the file as UTF-8"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::guard::migrations::test_support::*;
    use crate::guard::MigrationInput;

    #[test]
    fn fires_on_misnamed_and_binary_files() {
        let tmp = folder(&[("0001_a.sql", "SELECT 1;\n")]);
        std::fs::write(tmp.path().join("0002-add-users.sql"), "SELECT 2;\n").unwrap();
        std::fs::write(tmp.path().join("0003_blob.sql"), [0xff, 0xfe, 0x00]).unwrap();
        std::fs::write(tmp.path().join("0004_with space.sql"), "SELECT 4;\n").unwrap();
        std::fs::write(tmp.path().join("9223372036854775808_x.sql"), "SELECT 5;\n").unwrap();
        let ds = run("SG307", tmp.path(), &MigrationInput::default());
        insta::assert_snapshot!(snap(&ds, tmp.path()));
    }

    #[test]
    fn quiet_on_proper_names_and_hidden_files() {
        let tmp = folder(&[("0001_a.sql", "SELECT 1;\n")]);
        std::fs::write(tmp.path().join(".gitkeep"), "").unwrap();
        assert!(run("SG307", tmp.path(), &MigrationInput::default()).is_empty());
    }
}
