//! SG412 rename: renaming a table, column or enum value breaks deployed code.

use crate::guard::lint::{ast, StmtCx};
use crate::guard::{Family, Finding, Level, RuleInfo};
use sqlparser::ast::{AlterTableOperation, AlterTypeOperation, RenameTableNameKind, Statement};

pub const INFO: RuleInfo = RuleInfo {
    code: "SG412",
    name: "rename",
    family: Family::Sql,
    default_level: Level::Error,
    summary: "A table, column, type or enum value is renamed (backward incompatible)",
    flags: "`ALTER TABLE ... RENAME TO`, `ALTER TABLE ... RENAME COLUMN`, `ALTER TABLE ... RENAME \
            TO` via `RENAME TABLE`, `ALTER TYPE ... RENAME [VALUE]` on objects not created earlier \
            in the same file.",
    why: "During a deploy the old application version keeps running against the new schema: every \
          query it sends with the old name fails until the rollout finishes, and a rollback \
          breaks the new version the same way.",
    fix: "Expand and contract: add the new column (or a view with the new name), write both, \
          backfill, move readers, then drop the old name in a later release. If no deployed code \
          uses the name, suppress with that reason.",
};

pub fn check(cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
    let help = "expand and contract: add the new name, migrate readers and writers, drop the old name later";
    match cx.parsed() {
        Some(Statement::AlterTable(at)) if cx.file.existing_table(&ast::name_key(&at.name)) => {
            for op in &at.operations {
                let msg = match op {
                    AlterTableOperation::RenameColumn {
                        old_column_name,
                        new_column_name,
                    } => format!(
                        "renaming column `{}.{old_column_name}` to `{new_column_name}` breaks code \
                         still using the old name",
                        at.name
                    ),
                    AlterTableOperation::RenameTable { table_name } => {
                        let (RenameTableNameKind::As(n) | RenameTableNameKind::To(n)) = table_name;
                        format!(
                            "renaming table `{}` to `{n}` breaks code still using the old name",
                            at.name
                        )
                    }
                    _ => continue,
                };
                out.push(cx.finding(msg).help(help));
            }
        }
        Some(Statement::RenameTable(rs)) => {
            for r in rs {
                if cx.file.existing_table(&ast::name_key(&r.old_name)) {
                    out.push(
                        cx.finding(format!(
                            "renaming table `{}` to `{}` breaks code still using the old name",
                            r.old_name, r.new_name
                        ))
                        .help(help),
                    );
                }
            }
        }
        Some(Statement::AlterType(at))
            if !cx.file.created_types.contains(&ast::name_key(&at.name)) =>
        {
            let msg = match &at.operation {
                AlterTypeOperation::Rename(r) => format!(
                    "renaming type `{}` to `{}` breaks code still using the old name",
                    at.name, r.new_name
                ),
                AlterTypeOperation::RenameValue(v) => format!(
                    "renaming enum value {} of `{}` to {} breaks code still sending the old value",
                    v.from, at.name, v.to
                ),
                AlterTypeOperation::AddValue(_) => return,
            };
            out.push(cx.finding(msg).help(help));
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use crate::guard::lint::test_support::*;

    #[test]
    fn fires_on_renames() {
        let sql = "ALTER TABLE orders RENAME COLUMN note TO remark;\nALTER TABLE orders RENAME TO purchases;\n\
                   ALTER TYPE mood RENAME VALUE 'sad' TO 'blue';\n";
        insta::assert_snapshot!(snap(&lint("SG412", sql)));
    }

    #[test]
    fn quiet_on_new_tables() {
        let sql = "CREATE TABLE n (x int);\nALTER TABLE n RENAME COLUMN x TO y;\nALTER TABLE n RENAME TO m;\n\
                   ALTER TABLE m RENAME COLUMN y TO z;\n";
        let ds = lint("SG412", sql);
        assert!(ds.is_empty(), "{}", snap(&ds));
    }
}
