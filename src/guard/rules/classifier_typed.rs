//! SG104 classifier-typed: classifier columns hold a closed set of values.

use crate::guard::config::matches_any;
use crate::guard::{column_origin, mentions, Family, Finding, Level, RuleInfo, SchemaCx};
use crate::model::ColumnType;

pub const INFO: RuleInfo = RuleInfo {
    code: "SG104",
    name: "classifier-typed",
    family: Family::Schema,
    default_level: Level::Error,
    dialects: crate::guard::EVERY_DIALECT,
    summary: "A classifier column (status, type, kind, ...) is free text",
    flags: "A column matching `guard.classifier_columns` (default `status`, `type`, `kind`, \
            `visibility`, `*_status`, `*_kind`) that is not an enum, is not named by any CHECK of \
            its table, and is not part of a foreign key to a dictionary table.",
    why: "Code branches on classifier values. Free text accepts typos (`'canceled'` vs \
          `'cancelled'`) that no query matches, and nobody can list the valid states.",
    fix:
        "Make it an enum (`enum_of(..)`), add a CHECK listing the values \
          (`.check(\"status_values\", \"status IN ('a', 'b')\")`), or reference a dictionary table.",
};

pub fn check(cx: &SchemaCx<'_>, out: &mut Vec<Finding>) {
    for t in &cx.schema.tables {
        for c in &t.columns {
            if !matches_any(&cx.config.classifier_columns, &c.name) {
                continue;
            }
            let backed = matches!(c.ty, ColumnType::Enum { .. })
                || t.checks.iter().any(|k| mentions(&k.expression, &c.name))
                || t.foreign_keys.iter().any(|fk| fk.columns.contains(&c.name))
                // A dictionary table's own key is the closed set others reference.
                || t.primary_key.as_ref().is_some_and(|pk| pk.columns.contains(&c.name));
            if !backed {
                out.push(
                    Finding::new(format!(
                        "classifier column `{}.{}` accepts any value: it is not an enum, checked or a reference",
                        t.name, c.name
                    ))
                    .at(column_origin(t, c))
                    .table(&t.name)
                    .help("use `enum_of(..)`, a CHECK listing the values, or an FK to a dictionary table"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::dsl::*;
    use crate::guard::testing::*;

    #[test]
    fn fires_on_free_text_status() {
        let mut s = base();
        s.table(TableRef::new("docs"))
            .global("x")
            .id_tagged("doc")
            .col("status", text())
            .col("doc_kind", text());
        let ds = run("SG104", &build(s));
        assert_at(&ds, &[".col(\"status\"", ".col(\"doc_kind\""]);
        insta::assert_snapshot!(snap(&ds));
    }

    #[test]
    fn quiet_on_enum_check_or_reference() {
        const ST: EnumDef = EnumDef::new("doc_status", &["a", "b"]);
        let mut s = base();
        s.table(TableRef::new("kinds"))
            .global("dictionary")
            .col("kind", text())
            .primary_key(["kind"]);
        s.table(TableRef::new("docs"))
            .global("x")
            .id_tagged("doc")
            .col("status", enum_of(ST))
            .col("type", text())
            .check("type_values", "type IN ('a', 'b')")
            .col("kind", text())
            .fk(["kind"], TableRef::new("kinds"), ["kind"]);
        assert!(run("SG104", &build(s)).is_empty());
    }
}
