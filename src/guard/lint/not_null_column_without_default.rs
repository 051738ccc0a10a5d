//! SG408 not-null-column-without-default: fails on any table that has rows.

use crate::guard::lint::{ast, StmtCx};
use crate::guard::{Family, Finding, Level, RuleInfo};
use crate::sql::ast::ConstraintKind;

pub const INFO: RuleInfo = RuleInfo {
    code: "SG408",
    name: "not-null-column-without-default",
    family: Family::Sql,
    default_level: Level::Error,
    dialects: crate::guard::POSTGRES_ONLY,
    summary: "A NOT NULL column is added to an existing table without a default",
    flags: "`ALTER TABLE ... ADD COLUMN c type NOT NULL` (or `PRIMARY KEY`) with no `DEFAULT`, \
            identity or generated value, on a table not created earlier in the same file.",
    why: "Existing rows would get NULL in a NOT NULL column, so the migration fails on every \
          database where the table has rows: it passes on an empty development database and \
          breaks in production.",
    fix: "Add a constant `DEFAULT` (instant since PostgreSQL 11), or add the column nullable, \
          backfill it in batches, and make it NOT NULL through a validated CHECK (see SG407).",
};

pub fn check(cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
    let Some(stmt) = cx.parsed() else {
        return;
    };
    for c in stmt.new_columns() {
        if c.in_create || !cx.file.existing_table(c.table.last()) {
            continue;
        }
        let not_null = c.def.has(|k| {
            matches!(
                k,
                ConstraintKind::NotNull | ConstraintKind::PrimaryKey { .. }
            )
        });
        if not_null && c.def.default().is_none() && !ast::self_filled(c.def) {
            out.push(
                cx.finding(format!(
                    "NOT NULL column `{}` added to existing table `{}` without a default fails if \
                     the table has any row",
                    c.def.name, c.table
                ))
                .help("give it a constant DEFAULT, or add it nullable, backfill, then enforce NOT NULL"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::guard::lint::test_support::*;

    #[test]
    fn fires_on_not_null_without_default() {
        let ds = lint(
            "SG408",
            "ALTER TABLE orders ADD COLUMN region text NOT NULL;\n",
        );
        insta::assert_snapshot!(snap(&ds));
    }

    #[test]
    fn quiet_with_a_default_identity_or_new_table() {
        let sql = "ALTER TABLE orders ADD COLUMN region text NOT NULL DEFAULT 'eu';\n\
                   ALTER TABLE orders ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY;\n\
                   ALTER TABLE orders ADD COLUMN maybe text;\n\
                   CREATE TABLE n (x int);\nALTER TABLE n ADD COLUMN y text NOT NULL;\n";
        let ds = lint("SG408", sql);
        assert!(ds.is_empty(), "{}", snap(&ds));
    }
}
