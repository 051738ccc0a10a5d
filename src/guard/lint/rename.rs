//! SG412 rename: renaming a table, column or enum value breaks deployed code.

use crate::guard::lint::{Later, StmtCx};
use crate::guard::{Family, Finding, Level, RuleInfo};
use crate::sql::ast::{EnumChange, ObjectKind, Stmt};

pub const INFO: RuleInfo = RuleInfo {
    code: "SG412",
    name: "rename",
    family: Family::Sql,
    default_level: Level::Error,
    dialects: crate::guard::POSTGRES_ONLY,
    summary: "A table, column, type or enum value is renamed (backward incompatible)",
    flags: "`ALTER TABLE ... RENAME TO`, `ALTER TABLE ... RENAME COLUMN`, `ALTER TYPE ... RENAME \
            [VALUE]` on objects not created earlier in the same file. A table rename followed in \
            the same file by a view under the old name (a compatibility view) is not flagged.",
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
        Some(Stmt::Rename(r)) if r.object_kind == ObjectKind::Table => {
            if !cx.file.existing_table(r.object.last()) {
                return;
            }
            match (r.kind, &r.sub) {
                (ObjectKind::Column, Some(old))
                    if cx.file.existing_column(r.object.last(), old) =>
                {
                    out.push(
                        cx.finding(format!(
                            "renaming column `{}.{old}` to `{}` breaks code still using the old name",
                            r.object, r.new_name
                        ))
                        .help(help),
                    );
                }
                // A view under the old name later in the file keeps old readers working.
                (ObjectKind::Table, None) => out.push(
                    cx.finding(format!(
                        "renaming table `{}` to `{}` breaks code still using the old name",
                        r.object, r.new_name
                    ))
                    .help(
                        "expand and contract, or keep the old name working: create a view under \
                         it in the same file (`CREATE VIEW old AS SELECT * FROM new`)",
                    )
                    .unless_later(Later::ViewNamed(r.object.clone())),
                ),
                _ => {}
            }
        }
        Some(Stmt::Rename(r))
            if r.kind == ObjectKind::Type && !cx.file.created_types.contains(r.object.last()) =>
        {
            out.push(
                cx.finding(format!(
                    "renaming type `{}` to `{}` breaks code still using the old name",
                    r.object, r.new_name
                ))
                .help(help),
            );
        }
        Some(Stmt::AlterEnum {
            name,
            change: EnumChange::RenameValue { from, to },
        }) if !cx.file.created_types.contains(name.last()) => {
            out.push(
                cx.finding(format!(
                    "renaming enum value '{from}' of `{name}` to '{to}' breaks code still sending the old value"
                ))
                .help(help),
            );
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
        let sql = "ALTER TABLE orders ADD COLUMN note text;\nALTER TABLE orders RENAME COLUMN note TO remark;\n";
        let ds = lint("SG412", sql);
        assert!(ds.is_empty(), "{}", snap(&ds));
    }

    #[test]
    fn a_compatibility_view_under_the_old_name_keeps_readers_working() {
        let sql = "ALTER TABLE orders RENAME TO purchases;\nCREATE VIEW orders AS SELECT * FROM purchases;\n";
        let ds = lint("SG412", sql);
        assert!(ds.is_empty(), "{}", snap(&ds));
        let sql = "ALTER TABLE app.orders RENAME TO purchases;\nCREATE OR REPLACE VIEW app.orders AS SELECT * FROM app.purchases;\n";
        assert!(lint("SG412", sql).is_empty());
        // Another name, a materialized view (a copy, not the table), or no view: flagged.
        for later in [
            "CREATE VIEW order_list AS SELECT * FROM purchases;\n",
            "CREATE MATERIALIZED VIEW orders AS SELECT * FROM purchases;\n",
            "CREATE VIEW other.orders AS SELECT * FROM purchases;\n",
            "",
        ] {
            let sql = format!("ALTER TABLE app.orders RENAME TO purchases;\n{later}");
            let ds = lint("SG412", &sql);
            assert_eq!(ds.len(), 1, "{sql}");
            assert_eq!(ds[0].location.as_ref().unwrap().line, 1);
        }
    }
}
