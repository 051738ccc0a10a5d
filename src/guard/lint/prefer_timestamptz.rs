//! SG417 prefer-timestamptz: timestamp without time zone in migration SQL.

use crate::guard::lint::{ast, ast::data_types, StmtCx};
use crate::guard::{Family, Finding, Level, RuleInfo};

pub const INFO: RuleInfo = RuleInfo {
    code: "SG417",
    name: "prefer-timestamptz",
    family: Family::Sql,
    default_level: Level::Warning,
    dialects: crate::guard::POSTGRES_ONLY,
    summary: "A column is declared timestamp (without time zone) instead of timestamptz",
    flags: "A column created or retyped as `timestamp` or `timestamp without time zone`.",
    why: "A timestamp without time zone is a wall-clock reading with no zone: the same instant is \
          stored differently depending on the writer's session, and daylight-saving changes make \
          values ambiguous. timestamptz stores an instant and costs the same 8 bytes.",
    fix: "Use `timestamptz` (`timestamp with time zone`).",
};

pub fn check(cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
    let Some(stmt) = cx.parsed() else {
        return;
    };
    for (col, ty) in data_types(stmt) {
        if ast::is_zoneless_timestamp(ty) {
            out.push(
                cx.finding(format!("column `{col}` is `{ty}`; prefer `timestamptz`"))
                    .help("timestamptz stores an instant; timestamp stores a zone-less wall-clock reading"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::guard::lint::test_support::*;

    #[test]
    fn fires_on_timestamp() {
        let sql = "ALTER TABLE orders ADD COLUMN shipped_at timestamp;\n";
        insta::assert_snapshot!(snap(&lint("SG417", sql)));
    }

    #[test]
    fn quiet_on_timestamptz() {
        let sql = "CREATE TABLE t (a timestamptz, b timestamp with time zone);\n";
        assert!(lint("SG417", sql).is_empty());
    }
}
