//! SG407 set-not-null: SET NOT NULL on an existing column scans the table under a lock.

use crate::guard::lint::StmtCx;
use crate::guard::{Family, Finding, Level, RuleInfo};
use crate::sql::ast::{AlterOp, Stmt};

pub const INFO: RuleInfo = RuleInfo {
    code: "SG407",
    name: "set-not-null",
    family: Family::Sql,
    default_level: Level::Error,
    dialects: crate::guard::POSTGRES_ONLY,
    summary: "SET NOT NULL on an existing column without a validated IS NOT NULL check",
    flags: "`ALTER TABLE ... ALTER COLUMN c SET NOT NULL` on a table not created earlier in the \
            same file, unless an earlier statement (in this or an earlier migration) validated a \
            `CHECK (c IS NOT NULL)` constraint on that table.",
    why: "SET NOT NULL scans every row under ACCESS EXCLUSIVE, blocking reads and writes, and \
          fails the deploy if any row is NULL. PostgreSQL 12+ skips the scan when a validated \
          CHECK already proves the column non-null.",
    fix: "Add `CONSTRAINT c_not_null CHECK (c IS NOT NULL) NOT VALID`, run `VALIDATE CONSTRAINT \
          c_not_null` in a later migration, then `SET NOT NULL` (instant) and drop the check.",
};

pub fn check(cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
    let Some(Stmt::AlterTable(at)) = cx.parsed() else {
        return;
    };
    let table = at.name.last().to_string();
    if !cx.file.existing_table(&table) {
        return;
    }
    for op in &at.ops {
        if let AlterOp::SetNotNull(column_name) = op {
            let proven = cx
                .folder
                .validated_not_null
                .contains(&(table.clone(), column_name.clone()));
            if !proven {
                out.push(
                    cx.finding(format!(
                        "SET NOT NULL on `{}.{column_name}` scans existing table `{}` under an \
                         ACCESS EXCLUSIVE lock and fails if any row is NULL",
                        at.name, at.name
                    ))
                    .help(format!(
                        "first add CHECK ({column_name} IS NOT NULL) NOT VALID and VALIDATE it in \
                         a separate migration; SET NOT NULL then skips the scan"
                    )),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::guard::lint::lint_sql;
    use crate::guard::lint::test_support::*;
    use crate::guard::testing::only;
    use crate::guard::GuardConfig;

    #[test]
    fn fires_on_a_bare_set_not_null() {
        let ds = lint(
            "SG407",
            "ALTER TABLE orders ALTER COLUMN note SET NOT NULL;\n",
        );
        insta::assert_snapshot!(snap(&ds));
    }

    #[test]
    fn quiet_after_a_validated_check() {
        let sql = "ALTER TABLE orders ADD CONSTRAINT orders_note_nn CHECK (note IS NOT NULL) NOT VALID;\n\
                   ALTER TABLE orders VALIDATE CONSTRAINT orders_note_nn;\n\
                   ALTER TABLE orders ALTER COLUMN note SET NOT NULL;\n";
        assert!(lint("SG407", sql).is_empty());
        // The check from an earlier migration counts too (the folder is linted in order).
        let ds = lint_sql(
            "x.sql",
            "ALTER TABLE orders ALTER COLUMN other SET NOT NULL;\n",
            &only("SG407", GuardConfig::default()),
        );
        assert_eq!(ds.len(), 1);
    }
}
