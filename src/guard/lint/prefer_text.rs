//! SG416 prefer-text: varchar(n)/char(n) in migration SQL.

use crate::guard::lint::{ast, ast::data_types, StmtCx};
use crate::guard::{Family, Finding, Level, RuleInfo};

pub const INFO: RuleInfo = RuleInfo {
    code: "SG416",
    name: "prefer-text",
    family: Family::Sql,
    default_level: Level::Warning,
    dialects: crate::guard::POSTGRES_ONLY,
    summary: "A column is declared varchar(n) or char(n) instead of text",
    flags: "A column created or retyped as `varchar(n)`, `character varying(n)`, `char(n)` or \
            `character(n)`.",
    why: "In PostgreSQL these are text with an extra check: no faster, and the length limit can \
          only be raised later by an ALTER that takes an ACCESS EXCLUSIVE lock. char(n) also pads \
          with spaces, which surprises comparisons.",
    fix: "Use `text`, with `CHECK (char_length(c) <= n)` if the limit is a real business rule \
          (a CHECK can be replaced NOT VALID, without a rewrite).",
};

pub fn check(cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
    let Some(stmt) = cx.parsed() else {
        return;
    };
    for (col, ty) in data_types(stmt) {
        if ast::is_bounded_text(ty) {
            out.push(
                cx.finding(format!("column `{col}` is `{ty}`; prefer `text`"))
                    .help("use text, plus a CHECK on char_length if the limit is a business rule"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::guard::lint::test_support::*;

    #[test]
    fn fires_on_varchar_and_char() {
        let sql = "CREATE TABLE t (id bigint, code char(3), name varchar(80));\n";
        insta::assert_snapshot!(snap(&lint("SG416", sql)));
    }

    #[test]
    fn quiet_on_text_and_unbounded_varchar() {
        let sql = "CREATE TABLE t (id bigint, name text, other varchar);\n";
        assert!(lint("SG416", sql).is_empty());
    }
}
