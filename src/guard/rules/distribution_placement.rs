//! SG505 distribution-placement: every table a distributed table references is distributed
//! or a reference table, and the reference-table list names real tables without the column.

use crate::guard::distribution::{column, is_reference, placement, Placement, UNTESTED};
use crate::guard::{Family, Finding, Level, RuleInfo, SchemaCx};

pub const INFO: RuleInfo = RuleInfo {
    code: "SG505",
    name: "distribution-placement",
    family: Family::Distribution,
    default_level: Level::Error,
    dialects: crate::guard::EVERY_DIALECT,
    summary: "A distributed table references a table that would stay local, or the reference-table list is wrong",
    flags: "A foreign key from a distributed table to a table that is neither distributed (no \
            distribution column) nor listed in `guard.distribution.reference_tables`; a reference \
            table that carries the distribution column; a name in `reference_tables` that is not \
            a table of the schema.",
    why: "In a sharded cluster such as Citus a table that is neither distributed nor a reference \
          table stays on the coordinator node, and the worker nodes that hold a distributed \
          table's shards cannot check a foreign key against it. Shared lookups (users, \
          currencies, catalogs) have to be reference tables, copied to every node. A table with \
          the distribution column is tenant data and would be copied to every node for nothing.",
    fix: "List the referenced shared table in `guard.distribution.reference_tables`, or give it \
          the distribution column. Remove tenant tables and typos from the list.",
};

pub fn check(cx: &SchemaCx<'_>, out: &mut Vec<Finding>) {
    let Some(dc) = column(cx) else {
        return;
    };
    if let Some(d) = &cx.config.distribution {
        for name in &d.reference_tables {
            if !cx
                .schema
                .tables
                .iter()
                .any(|t| *name == t.name.to_string() || *name == t.name.name)
            {
                out.push(
                    Finding::new(format!(
                        "guard.distribution.reference_tables names `{}`, which is not a table of the schema",
                        crate::diag::truncate(name, 80)
                    ))
                    .help("fix the name (`name` or `schema.name`) or remove it"),
                );
            }
        }
    }
    for t in &cx.schema.tables {
        if is_reference(cx, t) && t.has_column(dc) && !cx.is_tenant_root(t) {
            out.push(
                Finding::new(format!(
                    "reference table `{}` carries the distribution column `{dc}`: it is tenant data",
                    t.name
                ))
                .at(&t.origin)
                .table(&t.name)
                .help(format!(
                    "remove it from reference_tables so it is distributed by `{dc}` {UNTESTED}"
                )),
            );
        }
        let Some(Placement::Distributed(_)) = placement(cx, t) else {
            continue;
        };
        for fk in &t.foreign_keys {
            let Some(parent) = cx.table(&fk.ref_table) else {
                continue;
            };
            if placement(cx, parent) == Some(Placement::Local) {
                out.push(
                    Finding::new(format!(
                        "foreign key `{}` from distributed table `{}` points at `{}`, which is neither distributed nor a reference table",
                        fk.name, t.name, fk.ref_table
                    ))
                    .at(if fk.origin.is_known() { &fk.origin } else { &t.origin })
                    .table(&t.name)
                    .table(&fk.ref_table)
                    .help(format!(
                        "list `{}` in guard.distribution.reference_tables (copied to every node), or give it `{dc}` {UNTESTED}",
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
    fn fks_to_local_tables_and_a_wrong_reference_list_are_flagged() {
        let mut s = base();
        let currencies = TableRef::new("currencies");
        s.table(currencies)
            .doc("x")
            .global("catalog")
            .id_tagged("cur");
        s.table(TableRef::new("invoices"))
            .doc("x")
            .tenant_scoped()
            .id_tagged("inv")
            .col("currency_id", text())
            .fk(["currency_id"], currencies, ["id"])
            .index(["currency_id"])
            .audited();
        let schema = build(s);
        let config = |reference: &[&str]| {
            super::super::distribution_unique::tests::distributed("biz_id", reference)
        };
        // A tenant table and a typo in the list; then `currencies` left out of it.
        let mut ds = run_with("SG505", &schema, config(&["users", "invoices", "nope"]));
        assert_eq!(ds.len(), 2, "{ds:#?}");
        ds.extend(run_with("SG505", &schema, config(&["users"])));
        insta::assert_snapshot!(snap(&ds));
        assert_eq!(ds.len(), 3, "{ds:#?}");
        assert!(
            ds[2].message.contains("`invoices_currency_id_fk`"),
            "{}",
            ds[2].message
        );
        assert!(run_with("SG505", &schema, config(&["users", "currencies"])).is_empty());
    }
}
