//! SG402 index-not-concurrent: CREATE/DROP INDEX on an existing table blocks writes.

use crate::guard::lint::StmtCx;
use crate::guard::{Family, Finding, Level, RuleInfo};
use crate::sql::ast::{ObjectKind, Stmt};

pub const INFO: RuleInfo = RuleInfo {
    code: "SG402",
    name: "index-not-concurrent",
    family: Family::Sql,
    default_level: Level::Error,
    dialects: crate::guard::POSTGRES_ONLY,
    summary: "CREATE INDEX or DROP INDEX on an existing table without CONCURRENTLY",
    flags: "`CREATE INDEX` (non-unique; unique ones are SG406) on a table not created earlier in \
            the same file, and `DROP INDEX` of an index not created earlier in the same file, \
            without `CONCURRENTLY`.",
    why: "A plain CREATE INDEX holds a SHARE lock for the whole build, blocking every INSERT, \
          UPDATE and DELETE on the table; DROP INDEX takes ACCESS EXCLUSIVE, blocking reads too. \
          On a large table that is an outage.",
    fix: "Use `CREATE INDEX CONCURRENTLY` / `DROP INDEX CONCURRENTLY` in a migration file of its \
          own that starts with `-- schemactl:no-transaction` (CONCURRENTLY cannot run in a \
          transaction, see SG403).",
};

pub fn check(cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
    match cx.parsed() {
        Some(Stmt::CreateIndex(ci))
            if !ci.concurrently && !ci.unique && cx.file.existing_table(ci.table.last()) =>
        {
            out.push(
                cx.finding(format!(
                    "CREATE INDEX{} on existing table `{}` without CONCURRENTLY blocks writes \
                         to it for the whole build",
                    ci.name
                        .as_ref()
                        .map(|n| format!(" `{n}`"))
                        .unwrap_or_default(),
                    ci.table
                ))
                .help("use CREATE INDEX CONCURRENTLY in a `-- schemactl:no-transaction` file"),
            );
        }
        Some(Stmt::Drop(d)) if d.kind == ObjectKind::Index && !d.concurrently => {
            for n in &d.names {
                if !cx.file.created_indexes.contains(n.last()) {
                    out.push(
                        cx.finding(format!(
                            "DROP INDEX `{n}` without CONCURRENTLY locks its table against reads \
                             and writes"
                        ))
                        .help(
                            "use DROP INDEX CONCURRENTLY in a `-- schemactl:no-transaction` file",
                        ),
                    );
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use crate::guard::lint::test_support::*;

    #[test]
    fn fires_on_plain_create_and_drop() {
        let ds = lint(
            "SG402",
            "CREATE INDEX orders_note_idx ON orders (note);\nDROP INDEX old_idx;\n",
        );
        insta::assert_snapshot!(snap(&ds));
    }

    #[test]
    fn quiet_on_concurrent_forms_and_new_tables() {
        let sql = "-- schemactl:no-transaction\n\
                   CREATE INDEX CONCURRENTLY orders_note_idx ON orders (note);\n\
                   DROP INDEX CONCURRENTLY IF EXISTS old_idx;\n";
        assert!(lint("SG402", sql).is_empty());
        let sql = "CREATE TABLE n (id bigint, x text);\nCREATE INDEX n_x_idx ON n (x);\nDROP INDEX n_x_idx;\n";
        assert!(lint("SG402", sql).is_empty());
    }
}
