//! SG107 table-documented: every table says what it is.

use crate::guard::{Family, Finding, Level, RuleInfo, SchemaCx};

pub const INFO: RuleInfo = RuleInfo {
    code: "SG107",
    name: "table-documented",
    family: Family::Schema,
    default_level: Level::Warning,
    dialects: crate::guard::EVERY_DIALECT,
    summary: "A table has no documentation",
    flags: "A table without `.doc(..)` or with a blank one.",
    why: "The doc becomes `COMMENT ON TABLE`, the one description every SQL client, ERD tool and new \
          teammate sees. In a schema of hundreds of tables, undocumented ones get misused or duplicated.",
    fix: "Add `.doc(\"what a row is, why the table exists, how it connects\")`.",
};

pub fn check(cx: &SchemaCx<'_>, out: &mut Vec<Finding>) {
    for t in &cx.schema.tables {
        if t.doc.as_deref().is_none_or(|d| d.trim().is_empty()) {
            out.push(
                Finding::new(format!("table `{}` is not documented", t.name))
                    .at(&t.origin)
                    .table(&t.name)
                    .help("add `.doc(\"what a row is and why the table exists\")`"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::dsl::*;
    use crate::guard::testing::*;

    #[test]
    fn fires_on_undocumented_table() {
        let mut s = base();
        s.table(TableRef::new("docs"))
            .global("x")
            .id_tagged("doc")
            .doc("  ");
        let ds = run("SG107", &build(s));
        assert_at(&ds, &["TableRef::new(\"docs\")"]);
        insta::assert_snapshot!(snap(&ds));
    }

    #[test]
    fn quiet_on_documented_table() {
        let mut s = base();
        s.table(TableRef::new("docs"))
            .global("x")
            .id_tagged("doc")
            .doc("A document.");
        assert!(run("SG107", &build(s)).is_empty());
    }
}
