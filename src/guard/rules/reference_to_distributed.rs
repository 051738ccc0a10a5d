//! SG503 reference-to-distributed: a reference table has no foreign key to a distributed
//! table.

use crate::guard::distribution::{placement, Placement, UNTESTED};
use crate::guard::{Family, Finding, Level, RuleInfo, SchemaCx};

pub const INFO: RuleInfo = RuleInfo {
    code: "SG503",
    name: "reference-to-distributed",
    family: Family::Distribution,
    default_level: Level::Error,
    dialects: crate::guard::EVERY_DIALECT,
    summary: "A reference table has a foreign key to a distributed table",
    flags: "A foreign key from a table listed in `guard.distribution.reference_tables` to a \
            distributed table (one carrying the distribution column, or the tenant root).",
    why: "A reference table is copied whole to every node, while a distributed table's rows are \
          spread over the nodes by tenant. A copy on one node cannot check that a row exists on \
          another, so a sharded cluster such as Citus does not allow foreign keys from reference \
          tables to distributed tables. (The other direction, distributed to reference, is fine: \
          every node has the whole reference table.)",
    fix: "Turn the reference around (let the distributed table point at the reference table), \
          drop the foreign key and check it in the application, or give the table the \
          distribution column so it is distributed itself.",
};

pub fn check(cx: &SchemaCx<'_>, out: &mut Vec<Finding>) {
    for t in &cx.schema.tables {
        if placement(cx, t) != Some(Placement::Reference) {
            continue;
        }
        for fk in &t.foreign_keys {
            let Some(parent) = cx.table(&fk.ref_table) else {
                continue;
            };
            if let Some(Placement::Distributed(_)) = placement(cx, parent) {
                out.push(
                    Finding::new(format!(
                        "foreign key `{}` from reference table `{}` points at distributed table `{}`",
                        fk.name, t.name, fk.ref_table
                    ))
                    .at(if fk.origin.is_known() { &fk.origin } else { &t.origin })
                    .table(&t.name)
                    .help(format!(
                        "a reference table is copied to every node and cannot check rows that live on one: reverse or drop the reference, or distribute `{}` too {UNTESTED}",
                        t.name
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

    #[test]
    fn a_reference_table_pointing_at_a_tenant_table_is_flagged() {
        let mut s = base();
        let plans = TableRef::new("plans");
        s.table(plans).doc("x").global("catalog").id_tagged("plan");
        s.table(TableRef::new("plan_owners"))
            .doc("x")
            .global("catalog")
            .id_tagged("owner")
            .col("biz_ref", text())
            .fk(["biz_ref"], BIZES, ["id"])
            .index(["biz_ref"])
            .col("plan_id", text())
            .fk(["plan_id"], plans, ["id"])
            .index(["plan_id"]);
        let ds = run_with(
            "SG503",
            &build(s),
            super::super::distribution_unique::tests::distributed(
                "biz_id",
                &["users", "plans", "plan_owners"],
            ),
        );
        insta::assert_snapshot!(snap(&ds));
        // To the tenant root (distributed by its key): flagged; to another reference table: fine.
        assert_eq!(ds.len(), 1, "{ds:#?}");
    }
}
