//! SG504 distribution-exclusion: an exclusion constraint on a distributed table compares the
//! distribution column with `=`.

use crate::guard::distribution::{placement, Placement, UNTESTED};
use crate::guard::{Family, Finding, Level, RuleInfo, SchemaCx};

pub const INFO: RuleInfo = RuleInfo {
    code: "SG504",
    name: "distribution-exclusion",
    family: Family::Distribution,
    default_level: Level::Error,
    dialects: crate::guard::EVERY_DIALECT,
    summary: "An exclusion constraint on a distributed table does not compare the distribution column with =",
    flags: "An `EXCLUDE` constraint on a distributed table without an element `<distribution column> \
            WITH =`.",
    why: "An exclusion constraint is a generalised unique constraint, and a sharded cluster such as \
          Citus checks it inside one shard only. It can only be enforced when two conflicting rows \
          are certain to be on the same node, which is the case when the constraint says they \
          conflict only if their distribution column is equal.",
    fix: "Add `<distribution column> WITH =` to the constraint (the DSL's `.no_overlap()` starts \
          with the tenant column), which also keeps the no-overlap rule per tenant.",
};

pub fn check(cx: &SchemaCx<'_>, out: &mut Vec<Finding>) {
    for t in &cx.schema.tables {
        let Some(Placement::Distributed(dc)) = placement(cx, t) else {
            continue;
        };
        for ex in &t.excludes {
            let ok = ex
                .elements
                .iter()
                .any(|e| e.operator.trim() == "=" && e.expression.trim().trim_matches('"') == dc);
            if !ok {
                out.push(
                    Finding::new(format!(
                        "exclusion constraint `{}` of distributed table `{}` does not include `{dc} WITH =`",
                        ex.name, t.name
                    ))
                    .at(if ex.origin.is_known() { &ex.origin } else { &t.origin })
                    .table(&t.name)
                    .help(format!(
                        "add `{dc} WITH =` as an element, so conflicting rows are always in the same shard {UNTESTED}"
                    )),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::dsl::*;
    use crate::guard::testing::*;
    use crate::model::IndexMethod;

    #[test]
    fn exclusions_without_the_column_are_flagged() {
        let mut s = base();
        s.table(TableRef::new("slots"))
            .doc("x")
            .tenant_scoped()
            .id_tagged("slot")
            .col("room", text())
            .col("during", tstzrange())
            .exclude(
                "room",
                IndexMethod::Gist,
                &[("room", "="), ("during", "&&")],
                None,
            )
            .exclude(
                "tenant_room",
                IndexMethod::Gist,
                &[("biz_id", "="), ("room", "="), ("during", "&&")],
                None,
            )
            .audited();
        let ds = run_with(
            "SG504",
            &build(s),
            super::super::distribution_unique::tests::distributed("biz_id", &["users"]),
        );
        insta::assert_snapshot!(snap(&ds));
        assert_eq!(ds.len(), 1, "{ds:#?}");
    }
}
