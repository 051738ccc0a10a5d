//! SG419 dynamic-sql: a `DO` block runs SQL built at run time, which no reader can check.

use crate::guard::lint::StmtCx;
use crate::guard::{Family, Finding, Level, RuleInfo};
use crate::sql::ast::{ActionKind, Stmt};

pub const INFO: RuleInfo = RuleInfo {
    code: "SG419",
    name: "dynamic-sql",
    family: Family::Sql,
    default_level: Level::Warning,
    dialects: crate::guard::POSTGRES_ONLY,
    summary: "A DO block runs SQL built at run time, which cannot be checked before it runs",
    flags: "A PL/pgSQL `DO` block with an `EXECUTE` (or `FOR ... IN EXECUTE`) whose SQL is not \
            a string literal: built with `format()`, `||` or a variable. Reported once per \
            block, at the first such `EXECUTE`. The static SQL of the block, and `EXECUTE` of a \
            literal, are linted like any other statement.",
    why: "Nothing but running it tells what that SQL does: which tables it locks, rewrites or \
          drops. A reviewer has to read the code, and `generate` and `diff` have to run the \
          folder on a scratch database to know what it builds.",
    fix: "Write the statements out when their set is known (one per table or partition), or keep \
          the block and suppress with `-- schemactl:allow SG419 <what it does>` once reviewed.",
};

pub fn check(cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
    if cx.embedded.is_some() {
        return;
    }
    let Some(Stmt::Do(block)) = cx.parsed() else {
        return;
    };
    let Some(program) = &block.program else {
        return;
    };
    let dynamic: Vec<_> = program
        .actions
        .iter()
        .filter_map(|a| match &a.kind {
            ActionKind::Dynamic { expr } => Some((a, expr)),
            _ => None,
        })
        .collect();
    let Some((first, expr)) = dynamic.first() else {
        return;
    };
    let (line, column) = cx
        .stmt
        .body_position(block.offset, first.line, first.column);
    let short: String = expr.chars().take(60).collect();
    let more = match dynamic.len() {
        1 => String::new(),
        n => format!(" (and {} more in this block)", n - 1),
    };
    out.push(
        cx.finding_at(
            line,
            column,
            format!("`EXECUTE {short}` runs SQL built at run time, so it was not checked{more}"),
        )
        .help("read it by hand; write the statements out when their set is known"),
    );
}

#[cfg(test)]
mod tests {
    use crate::guard::lint::test_support::*;

    #[test]
    fn fires_once_per_block_at_the_first_dynamic_execute() {
        let sql = "DO $$\nDECLARE t text;\nBEGIN\n  EXECUTE 'ALTER TABLE a ADD COLUMN b int';\n  FOR t IN SELECT tablename FROM pg_tables LOOP\n    EXECUTE format('GRANT SELECT ON %I TO reader', t);\n    EXECUTE 'ANALYZE ' || quote_ident(t);\n  END LOOP;\nEND $$;\n";
        insta::assert_snapshot!(snap(&lint("SG419", sql)));
    }

    #[test]
    fn quiet_on_static_sql_and_literal_executes() {
        let sql = "DO $$ BEGIN\n  EXECUTE 'CREATE TABLE x (id int)';\n  CREATE INDEX ON x (id);\nEND $$;\n";
        assert!(lint("SG419", sql).is_empty());
    }
}
