//! SG409 column-type-change: changing a column's type usually rewrites the table.

use crate::guard::lint::StmtCx;
use crate::guard::{Family, Finding, Level, RuleInfo};

pub const INFO: RuleInfo = RuleInfo {
    code: "SG409",
    name: "column-type-change",
    family: Family::Sql,
    default_level: Level::Error,
    summary: "A column's type is changed on an existing table, which usually rewrites it",
    flags:
        "`ALTER TABLE ... ALTER COLUMN c [SET DATA] TYPE ...` on a table not created earlier in \
            the same file.",
    why: "Most type changes rewrite the table and rebuild its indexes under ACCESS EXCLUSIVE, \
          blocking reads and writes for minutes on a large table; old application code may also \
          not understand the new type. Only a few changes are free (varchar(n) to text or to a \
          longer varchar, numeric to unconstrained numeric).",
    fix: "Add a new column of the new type, backfill it in batches, switch readers and writers, \
          then drop the old column. If the change is one of the binary-compatible ones, suppress \
          with that reason.",
};

pub fn check(cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
    let Some(stmt) = cx.parsed() else {
        return;
    };
    for t in stmt.type_changes() {
        if cx.file.existing_table(t.table.last()) {
            out.push(
                cx.finding(format!(
                    "changing `{}.{}` to `{}` may rewrite existing table `{}` under an ACCESS \
                     EXCLUSIVE lock",
                    t.table, t.column, t.ty, t.table
                ))
                .help("add a new column, backfill it, switch over, then drop the old one"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::guard::lint::test_support::*;

    #[test]
    fn fires_on_a_type_change() {
        let ds = lint(
            "SG409",
            "ALTER TABLE orders ALTER COLUMN total TYPE numeric(12, 2);\n",
        );
        insta::assert_snapshot!(snap(&ds));
    }

    #[test]
    fn quiet_on_new_tables() {
        let sql = "CREATE TABLE n (x int);\nALTER TABLE n ALTER COLUMN x TYPE bigint;\n";
        assert!(lint("SG409", sql).is_empty());
    }
}
