//! SG421 bind-parameter: DDL holding a `$1`-style bind parameter, which no migration fills in.

use crate::guard::lint::ast::stored_expressions;
use crate::guard::lint::StmtCx;
use crate::guard::{Family, Finding, Level, RuleInfo};

pub const INFO: RuleInfo = RuleInfo {
    code: "SG421",
    name: "bind-parameter",
    family: Family::Sql,
    default_level: Level::Error,
    dialects: crate::guard::POSTGRES_ONLY,
    summary: "A schema statement holds a bind parameter (`$1`), which PostgreSQL rejects",
    flags: "A `$1`-style parameter in an expression a DDL statement stores: a `CHECK`, a \
            `DEFAULT`, a generated column, an index or exclusion expression or predicate, a \
            policy, a type change's `USING`. Reported once per statement. Function bodies, \
            where `$1` is an argument, are not concerned.",
    why: "A bind parameter is a hole a driver fills in when it sends a query with values. A \
          migration sends none, so PostgreSQL rejects the statement (`there is no parameter \
          $1`); the constraint the author meant (`x BETWEEN 0 AND 100`) never exists. Query \
          builders and ORMs write these when a schema expression goes through their query path.",
    fix: "Write the values into the statement (`CHECK (x >= 0 AND x <= 100)`), and fix the \
          generator that wrote the placeholder.",
};

pub fn check(cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
    if cx.embedded.is_some() {
        return;
    }
    let Some(stmt) = cx.parsed() else {
        return;
    };
    if let Some(e) = stored_expressions(stmt).into_iter().find(|e| e.has_param) {
        out.push(
            cx.finding(format!(
                "`{}` holds a bind parameter in `{}`: no value is ever bound to it, so \
                 PostgreSQL rejects the statement",
                stmt.tag(),
                crate::diag::truncate(&e.text, 80)
            ))
            .help("write the values themselves into the statement"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::guard::lint::test_support::*;

    #[test]
    fn fires_on_placeholders_in_ddl() {
        let sql =
            "ALTER TABLE scores ADD CONSTRAINT scores_range_check CHECK (x >= $1 AND x <= $2);\n\
                   CREATE TABLE t (n int DEFAULT $1, CHECK (n > 0));\n\
                   CREATE INDEX t_live_idx ON t (n) WHERE n > $1;\n\
                   CREATE POLICY p ON t USING (n = $1);\n\
                   ALTER TABLE t ALTER COLUMN n SET DEFAULT $3;\n";
        insta::assert_snapshot!(snap(&lint("SG421", sql)));
    }

    #[test]
    fn quiet_on_values_functions_and_dollar_quotes() {
        let sql =
            "ALTER TABLE scores ADD CONSTRAINT scores_range_check CHECK (x >= 0 AND x <= 100);\n\
                   CREATE FUNCTION f(int) RETURNS int LANGUAGE sql AS $$ SELECT $1 + 1 $$;\n\
                   CREATE TABLE t (price text DEFAULT '$1', CHECK (price <> '$2'));\n\
                   DO $$ BEGIN PERFORM 1; END $$;\n";
        let ds = lint("SG421", sql);
        assert!(ds.is_empty(), "{}", snap(&ds));
    }
}
