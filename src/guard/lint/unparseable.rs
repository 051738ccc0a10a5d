//! SG401 unparseable-statement: a statement the SQL parser cannot read is reported, not skipped.

use crate::guard::lint::{Fallback, StmtCx};
use crate::guard::{Family, Finding, Level, RuleInfo};

pub const INFO: RuleInfo = RuleInfo {
    code: "SG401",
    name: "unparseable-statement",
    family: Family::Sql,
    default_level: Level::Warning,
    summary: "A migration statement could not be parsed, so it was not linted",
    flags: "A statement that schemactl's SQL parser cannot read, such as a `DO $$ ... $$` block \
            or text cut off by an unterminated string. Known parser gaps whose meaning is plain \
            (`DROP INDEX CONCURRENTLY`, `COMMENT ON CONSTRAINT`) are understood and not reported.",
    why: "The lint cannot see locks, rewrites or drops inside a statement it cannot read. Saying \
          so keeps a silent gap from passing for a clean result.",
    fix: "Review the statement by hand. Prefer plain DDL over `DO` blocks where possible; if the \
          statement is fine, suppress it with a reason.",
};

pub fn check(cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
    if *cx.fallback != Fallback::Unknown {
        return;
    }
    let why = cx.stmt.parse_error.as_deref().unwrap_or("unknown error");
    out.push(
        cx.finding(format!(
            "`{}` could not be parsed ({why}), so it was not checked",
            cx.stmt.leading_words(4)
        ))
        .help("review it by hand; suppress with `-- schemactl:allow SG401 <reason>` once reviewed"),
    );
}

#[cfg(test)]
mod tests {
    use crate::guard::lint::test_support::*;

    #[test]
    fn fires_on_a_do_block_and_on_an_untokenizable_file() {
        let ds = lint(
            "SG401",
            "SET lock_timeout = '1s';\n\nDO $$ BEGIN PERFORM 1; END $$;\n",
        );
        insta::assert_snapshot!(snap(&ds));
        let ds = lint("SG401", "SELECT 1;\nSELECT 'open\n");
        assert_eq!(ds.len(), 1);
        assert_eq!(ds[0].location.as_ref().unwrap().line, 2);
    }

    #[test]
    fn quiet_on_known_parser_gaps() {
        let sql = "DROP INDEX CONCURRENTLY IF EXISTS ix;\nCOMMENT ON CONSTRAINT c ON t IS 'x';\n";
        assert!(lint("SG401", sql).is_empty());
    }
}
