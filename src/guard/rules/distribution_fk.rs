//! SG502 distribution-fk: a foreign key between two distributed tables joins them on the
//! distribution column.

use crate::guard::distribution::{placement, Placement, UNTESTED};
use crate::guard::{Family, Finding, Level, RuleInfo, SchemaCx};

pub const INFO: RuleInfo = RuleInfo {
    code: "SG502",
    name: "distribution-fk",
    family: Family::Distribution,
    default_level: Level::Error,
    dialects: crate::guard::EVERY_DIALECT,
    summary: "A foreign key between distributed tables does not pair their distribution columns",
    flags: "A foreign key from a distributed table to another distributed table (the tenant root \
            included, distributed by its key) whose column list does not map the child's \
            distribution column onto the parent's, e.g. `(resource_id) REFERENCES resources (id)` \
            instead of `(biz_id, resource_id) REFERENCES resources (biz_id, id)`.",
    why: "A sharded cluster such as Citus enforces a foreign key between distributed tables only \
          inside a shard: both tables must be co-located (sharded by the same column type, so a \
          tenant's rows of both land on the same node) and the key must contain the \
          distribution column on both sides. Any other foreign key between distributed tables is \
          refused, because checking it would need a lookup on another node for every write.",
    fix: "Make the key tenant-safe: include the distribution column on both sides, `(biz_id, x_id) \
          REFERENCES parent (biz_id, id)` (`.tenant_ref()` in the DSL does this, with the `(biz_id, \
          id)` unique it needs). A reference to a shared catalog belongs on a reference table.",
};

pub fn check(cx: &SchemaCx<'_>, out: &mut Vec<Finding>) {
    for t in &cx.schema.tables {
        let Some(Placement::Distributed(child)) = placement(cx, t) else {
            continue;
        };
        for fk in &t.foreign_keys {
            let Some(parent_table) = cx.table(&fk.ref_table) else {
                continue;
            };
            let Some(Placement::Distributed(parent)) = placement(cx, parent_table) else {
                continue;
            };
            let paired = fk
                .columns
                .iter()
                .zip(&fk.ref_columns)
                .any(|(c, r)| c == child && r == parent);
            if !paired {
                out.push(
                    Finding::new(format!(
                        "foreign key `{}` from distributed table `{}` ({}) to distributed table `{}` ({}) does not pair `{child}` with `{parent}`",
                        fk.name,
                        t.name,
                        fk.columns.join(", "),
                        fk.ref_table,
                        fk.ref_columns.join(", ")
                    ))
                    .at(if fk.origin.is_known() { &fk.origin } else { &t.origin })
                    .table(&t.name)
                    .table(&fk.ref_table)
                    .help(format!(
                        "reference ({child}, ...) REFERENCES {} ({parent}, ...), so the check stays inside one tenant's shard {UNTESTED}",
                        fk.ref_table
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
    fn plain_fks_between_distributed_tables_are_flagged_tenant_safe_ones_pass() {
        let mut s = base();
        let resources = TableRef::new("resources");
        s.table(resources)
            .doc("x")
            .tenant_scoped()
            .id_tagged("resource")
            .audited();
        s.table(TableRef::new("bookings"))
            .doc("x")
            .tenant_scoped()
            .id_tagged("booking")
            .tenant_ref("resource_id", resources)
            .col("other_id", text())
            .fk(["other_id"], resources, ["id"])
            .index(["other_id"])
            .audited();
        let ds = run_with(
            "SG502",
            &build(s),
            super::super::distribution_unique::tests::distributed("biz_id", &["users"]),
        );
        insta::assert_snapshot!(snap(&ds));
        assert_eq!(ds.len(), 1, "{ds:#?}");
        assert!(
            ds[0].message.contains("bookings_other_id_fk"),
            "{}",
            ds[0].message
        );
    }
}
