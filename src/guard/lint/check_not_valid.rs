//! SG404 check-not-valid: a CHECK added to an existing table scans it under an exclusive lock.

use crate::guard::lint::StmtCx;
use crate::guard::{Family, Finding, Level, RuleInfo};
use crate::sql::ast::{AlterOp, Constraint, ConstraintKind, Stmt};

pub const INFO: RuleInfo = RuleInfo {
    code: "SG404",
    name: "check-not-valid",
    family: Family::Sql,
    default_level: Level::Error,
    dialects: crate::guard::POSTGRES_ONLY,
    summary: "A CHECK constraint is added to an existing table without NOT VALID",
    flags: "`ALTER TABLE ... ADD CONSTRAINT ... CHECK (...)` without `NOT VALID` on a table not \
            created earlier in the same file, and a `VALIDATE CONSTRAINT` in the same transaction \
            as the `ADD ... NOT VALID` it validates.",
    why: "Adding a validated CHECK scans every row while holding ACCESS EXCLUSIVE, blocking reads \
          and writes for the whole scan, and fails the deploy if any existing row violates it.",
    fix:
        "Add it `NOT VALID` (instant; new rows are checked), then `VALIDATE CONSTRAINT` in a later \
          migration: validation only takes SHARE UPDATE EXCLUSIVE, which lets traffic through.",
};

pub fn check(cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
    for (name, fk) in crate::guard::lint::validated_in_same_transaction(cx) {
        if !fk {
            out.push(
                cx.finding(format!(
                    "CHECK `{name}` is validated in the transaction that added it NOT VALID, so the \
                     scan still runs under the ADD's ACCESS EXCLUSIVE lock"
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
        if let AlterOp::AddConstraint(
            c @ Constraint {
                kind: ConstraintKind::Check(_),
                not_valid: false,
                ..
            },
        ) = op
        {
            out.push(
                cx.finding(format!(
                    "CHECK{} added to existing table `{}` without NOT VALID scans it under an \
                     ACCESS EXCLUSIVE lock",
                    c.name
                        .as_ref()
                        .map(|n| format!(" `{n}`"))
                        .unwrap_or_default(),
                    at.name
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
    fn fires_on_a_validating_check() {
        let ds = lint(
            "SG404",
            "ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0);\n",
        );
        insta::assert_snapshot!(snap(&ds));
    }

    #[test]
    fn quiet_on_not_valid_and_new_tables() {
        let sql = "ALTER TABLE orders ADD CONSTRAINT c CHECK (total >= 0) NOT VALID;\n\
                   CREATE TABLE n (x int);\nALTER TABLE n ADD CONSTRAINT d CHECK (x > 0);\n\
                   ALTER TABLE n ADD CONSTRAINT e CHECK (x > 1) NOT VALID;\n\
                   ALTER TABLE n VALIDATE CONSTRAINT e;\n";
        assert!(lint("SG404", sql).is_empty());
        assert!(lint("SG404", "ALTER TABLE orders VALIDATE CONSTRAINT c;\n").is_empty());
    }

    #[test]
    fn fires_on_validation_in_the_adding_transaction() {
        let sql = "ALTER TABLE orders ADD CONSTRAINT c CHECK (total >= 0) NOT VALID;\n\
                   ALTER TABLE orders VALIDATE CONSTRAINT c;\n";
        insta::assert_snapshot!(snap(&lint("SG404", sql)));
    }
}
