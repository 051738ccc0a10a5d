//! SG405 foreign-key-not-valid: a FK added to an existing table validates in place.

use crate::guard::lint::StmtCx;
use crate::guard::{Family, Finding, Level, RuleInfo};
use crate::sql::ast::{AlterOp, Constraint, ConstraintKind, Stmt};

pub const INFO: RuleInfo = RuleInfo {
    code: "SG405",
    name: "foreign-key-not-valid",
    family: Family::Sql,
    default_level: Level::Error,
    dialects: crate::guard::POSTGRES_ONLY,
    summary: "A foreign key is added to an existing table and validated in place",
    flags: "`ALTER TABLE ... ADD [CONSTRAINT ...] FOREIGN KEY ...` without `NOT VALID` on a table \
            not created earlier in the same file, and a `VALIDATE CONSTRAINT` in the same \
            transaction as the `ADD ... NOT VALID` it validates.",
    why: "Validating the key scans the whole table while holding SHARE ROW EXCLUSIVE on both \
          tables, blocking writes to the table and to the table it references, and fails the \
          deploy on any orphan row.",
    fix: "Add the key `NOT VALID` (new rows are checked at once), then `ALTER TABLE ... VALIDATE \
          CONSTRAINT` in a later migration, which lets writes through.",
};

pub fn check(cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
    for (name, fk) in crate::guard::lint::validated_in_same_transaction(cx) {
        if fk {
            out.push(
                cx.finding(format!(
                    "foreign key `{name}` is validated in the transaction that added it NOT VALID, so the \
                     scan still runs under the ADD's SHARE ROW EXCLUSIVE locks"
                ))
                .help("move VALIDATE CONSTRAINT to a later migration"),
            );
        }
    }
    let Some(Stmt::AlterTable(at)) = cx.parsed() else {
        return;
    };
    if !cx.file.existing_table(at.name.last()) {
        return;
    }
    for op in &at.ops {
        if let AlterOp::AddConstraint(Constraint {
            name,
            kind: ConstraintKind::ForeignKey { ref_table, .. },
            not_valid: false,
            ..
        }) = op
        {
            out.push(
                cx.finding(format!(
                    "foreign key{} from existing table `{}` to `{}` is validated in place, \
                     blocking writes to both tables during the scan",
                    name.as_ref().map(|n| format!(" `{n}`")).unwrap_or_default(),
                    at.name,
                    ref_table
                ))
                .help("add it NOT VALID, then VALIDATE CONSTRAINT in a later migration"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::guard::lint::test_support::*;

    #[test]
    fn fires_on_a_validating_foreign_key() {
        let ds = lint(
            "SG405",
            "ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);\n",
        );
        insta::assert_snapshot!(snap(&ds));
    }

    #[test]
    fn quiet_on_not_valid() {
        let sql = "ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\n";
        assert!(lint("SG405", sql).is_empty());
        assert!(lint(
            "SG405",
            "ALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;\n"
        )
        .is_empty());
        // Without a transaction, each statement commits (and releases its lock) on its own.
        let sql = format!("-- schemactl:no-transaction\n{sql}ALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;\n");
        assert!(lint("SG405", &sql).is_empty());
    }

    #[test]
    fn fires_on_validation_in_the_adding_transaction() {
        let sql = "ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\n\
                   ALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;\n";
        insta::assert_snapshot!(snap(&lint("SG405", sql)));
    }
}
