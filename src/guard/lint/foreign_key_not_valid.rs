//! SG405 foreign-key-not-valid: a FK added to an existing table validates in place.

use crate::guard::lint::{ast, StmtCx};
use crate::guard::{Family, Finding, Level, RuleInfo};
use sqlparser::ast::{AlterTableOperation, Statement, TableConstraint};

pub const INFO: RuleInfo = RuleInfo {
    code: "SG405",
    name: "foreign-key-not-valid",
    family: Family::Sql,
    default_level: Level::Error,
    summary: "A foreign key is added to an existing table and validated in place",
    flags: "`ALTER TABLE ... ADD [CONSTRAINT ...] FOREIGN KEY ...` without `NOT VALID` on a table \
            not created earlier in the same file.",
    why: "Validating the key scans the whole table while holding SHARE ROW EXCLUSIVE on both \
          tables, blocking writes to the table and to the table it references, and fails the \
          deploy on any orphan row.",
    fix: "Add the key `NOT VALID` (new rows are checked at once), then `ALTER TABLE ... VALIDATE \
          CONSTRAINT` in a later migration, which lets writes through.",
};

pub fn check(cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
    let Some(Statement::AlterTable(at)) = cx.parsed() else {
        return;
    };
    if !cx.file.existing_table(&ast::name_key(&at.name)) {
        return;
    }
    for op in &at.operations {
        if let AlterTableOperation::AddConstraint {
            constraint: TableConstraint::ForeignKey(fk),
            not_valid: false,
        } = op
        {
            out.push(
                cx.finding(format!(
                    "foreign key{} from existing table `{}` to `{}` is validated in place, \
                     blocking writes to both tables during the scan",
                    fk.name
                        .as_ref()
                        .map(|n| format!(" `{n}`"))
                        .unwrap_or_default(),
                    at.name,
                    fk.foreign_table
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
        let sql = "ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\n\
                   ALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;\n";
        assert!(lint("SG405", sql).is_empty());
    }
}
