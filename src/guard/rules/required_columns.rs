//! SG106 required-columns: project-specific columns some class of tables must carry.

use crate::guard::config::TableClass;
use crate::guard::{Family, Finding, Level, RuleInfo, SchemaCx};
use crate::model::Scope;

pub const INFO: RuleInfo = RuleInfo {
    code: "SG106",
    name: "required-columns",
    family: Family::Schema,
    default_level: Level::Error,
    dialects: crate::guard::EVERY_DIALECT,
    summary: "A table lacks a column the project requires for its class of tables",
    flags: "A table missing a column listed in `guard.required_columns`, e.g. \
            `{column: version, tables: mutable}` (every table that is not append-only has \
            `version`). Classes: `all`, `tenant`, `global`, `mutable`. Empty by default.",
    why:
        "Cross-cutting mechanisms (optimistic locking, sync cursors, row versions) only work when \
          every table in scope has the column; one table without it breaks the mechanism silently.",
    fix: "Add the column (ideally through a shared building block used with `.with(..)`).",
};

pub fn check(cx: &SchemaCx<'_>, out: &mut Vec<Finding>) {
    for t in &cx.schema.tables {
        for req in &cx.config.required_columns {
            let applies = match req.tables {
                TableClass::All => true,
                TableClass::Tenant => cx.is_tenant(t),
                TableClass::Global => matches!(t.meta.scope, Scope::Global { .. }),
                TableClass::Mutable => !t.meta.append_only,
            };
            if applies && !t.has_column(&req.column) {
                out.push(
                    Finding::new(format!(
                        "table `{}` lacks required column `{}`",
                        t.name, req.column
                    ))
                    .at(&t.origin)
                    .table(&t.name)
                    .help(format!(
                        "guard.required_columns asks for `{}` on {} tables",
                        req.column,
                        req.tables.as_str()
                    )),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::dsl::*;
    use crate::guard::config::{RequiredColumn, TableClass};
    use crate::guard::testing::*;
    use crate::guard::GuardConfig;

    fn config() -> GuardConfig {
        let mut c = GuardConfig::default();
        c.required_columns.push(RequiredColumn {
            column: "version".into(),
            tables: TableClass::Mutable,
        });
        c
    }

    #[test]
    fn fires_on_mutable_table_without_version() {
        let mut s = SchemaBuilder::new();
        s.table(TableRef::new("docs")).global("x").id_tagged("doc");
        let ds = run_with("SG106", &build(s), config());
        assert_at(&ds, &["TableRef::new(\"docs\")"]);
        insta::assert_snapshot!(snap(&ds));
    }

    #[test]
    fn quiet_with_version_or_append_only() {
        let mut s = SchemaBuilder::new();
        s.table(TableRef::new("docs"))
            .global("x")
            .id_tagged("doc")
            .col("version", integer());
        s.table(TableRef::new("log"))
            .global("x")
            .id_tagged("log")
            .append_only();
        assert!(run_with("SG106", &build(s), config()).is_empty());
    }
}
