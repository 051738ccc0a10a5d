//! SG103 single-lifecycle: one lifecycle control per table.

use crate::guard::{column_origin, Family, Finding, Level, RuleInfo, SchemaCx};

pub const INFO: RuleInfo = RuleInfo {
    code: "SG103",
    name: "single-lifecycle",
    family: Family::Schema,
    default_level: Level::Error,
    dialects: crate::guard::EVERY_DIALECT,
    summary: "A table has more than one lifecycle control (e.g. both `status` and `is_active`)",
    flags: "A table carrying two or more of the columns in `guard.lifecycle_columns` \
            (default `status`, `is_active`).",
    why: "Two controls drift apart: a row that is `status = 'archived'` but `is_active = true` means \
          different things to different queries, and no constraint says which one wins.",
    fix: "Keep one: a `status` enum for real state machines, `is_active` only for a light toggle. \
          Fold the other into it and drop the column.",
};

pub fn check(cx: &SchemaCx<'_>, out: &mut Vec<Finding>) {
    for t in &cx.schema.tables {
        let present: Vec<_> = t
            .columns
            .iter()
            .filter(|c| cx.config.lifecycle_columns.iter().any(|x| *x == c.name))
            .collect();
        if present.len() > 1 {
            let names: Vec<String> = present.iter().map(|c| format!("`{}`", c.name)).collect();
            out.push(
                Finding::new(format!(
                    "table `{}` has {} lifecycle controls: {}",
                    t.name,
                    present.len(),
                    names.join(", ")
                ))
                .at(column_origin(t, present[1]))
                .table(&t.name)
                .help("keep a single lifecycle column: a `status` enum, or `is_active` for a plain toggle"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::dsl::*;
    use crate::guard::testing::*;

    const STATUS: EnumDef = EnumDef::new("doc_status", &["draft", "live"]);

    #[test]
    fn fires_on_status_and_is_active() {
        let mut s = base();
        let t = TableRef::new("docs");
        s.table(t)
            .global("x")
            .id_tagged("doc")
            .col("status", enum_of(STATUS));
        s.table(TableRef::new("pages"))
            .global("x")
            .id_tagged("p")
            .col("status", enum_of(STATUS))
            .col("is_active", boolean());
        let ds = run("SG103", &build(s));
        assert_at(&ds, &[".col(\"is_active\""]);
        insta::assert_snapshot!(snap(&ds));
    }

    #[test]
    fn quiet_on_one_control() {
        let mut s = base();
        s.table(TableRef::new("docs"))
            .global("x")
            .id_tagged("doc")
            .col("is_active", boolean());
        assert!(run("SG103", &build(s)).is_empty());
    }
}
