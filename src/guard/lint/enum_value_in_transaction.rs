//! SG413 enum-value-in-transaction: a new enum label used before its transaction commits.

use crate::guard::lint::StmtCx;
use crate::guard::{Family, Finding, Level, RuleInfo};
use crate::sql::ast::Stmt;

pub const INFO: RuleInfo = RuleInfo {
    code: "SG413",
    name: "enum-value-in-transaction",
    family: Family::Sql,
    default_level: Level::Error,
    dialects: crate::guard::POSTGRES_ONLY,
    summary: "An enum value is added and used in the same transaction",
    flags: "`ALTER TYPE ... ADD VALUE 'x'` followed, in the same transaction, by a statement \
            that mentions the literal `'x'`. What shares a transaction depends on `guard.runner`: \
            with schemactl's own, a file without `-- schemactl:no-transaction` or an explicit \
            `BEGIN ... COMMIT` block; with `psql`, only explicit blocks; with \
            `one-transaction` (drizzle-kit), every later file too. A `COMMIT` ends the block in a \
            file the runner does not wrap.",
    why: "PostgreSQL refuses to use an enum value before the transaction that added it commits \
          (`unsafe use of new value`), so the migration fails at deploy time.",
    fix: "Add the value in one migration and use it (defaults, backfills, CHECKs) in a later \
          one, or make the file `-- schemactl:no-transaction` so each statement commits alone.",
};

pub fn check(cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
    if cx.file.tx.added_labels.is_empty() || matches!(cx.parsed(), Some(Stmt::AlterEnum { .. })) {
        return;
    }
    for added in &cx.file.tx.added_labels {
        if cx.text.contains(added.literal.as_str()) {
            let (label, ty) = (&added.literal, &added.ty);
            let message = if added.file == cx.file.file {
                format!(
                    "enum value {label} is used before the transaction that added it to `{ty}` \
                     commits, which PostgreSQL rejects"
                )
            } else {
                format!(
                    "enum value {label} was added to `{ty}` by `{}` in the same transaction: \
                     {}, so PostgreSQL rejects its use before that transaction commits",
                    std::path::Path::new(&added.file)
                        .file_name()
                        .map_or(added.file.as_str(), |n| n.to_str().unwrap_or_default()),
                    cx.file.runner.describe_wrap()
                )
            };
            out.push(
                cx.finding(message)
                    .help("use the new value in a later migration, after a COMMIT"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::guard::lint::test_support::*;

    #[test]
    fn fires_when_the_new_label_is_used() {
        let sql = "ALTER TYPE order_status ADD VALUE 'refunded';\n\
                   UPDATE orders SET status = 'refunded' WHERE refunded_at IS NOT NULL;\n";
        insta::assert_snapshot!(snap(&lint("SG413", sql)));
    }

    #[test]
    fn quiet_without_a_transaction_or_without_use() {
        let sql = "-- schemactl:no-transaction\nALTER TYPE order_status ADD VALUE 'refunded';\n\
                   UPDATE orders SET status = 'refunded';\n";
        assert!(lint("SG413", sql).is_empty());
        let sql =
            "ALTER TYPE order_status ADD VALUE 'refunded';\nUPDATE orders SET status = 'paid';\n";
        assert!(lint("SG413", sql).is_empty());
        let sql = "CREATE TYPE s AS ENUM ('a');\nALTER TYPE s ADD VALUE 'b';\nCREATE TABLE t (x s DEFAULT 'b');\n";
        assert!(lint("SG413", sql).is_empty());
    }
}
