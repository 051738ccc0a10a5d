//! SG203 domain-layering: references follow the declared direction between domains.

use crate::guard::{Family, Finding, Level, RuleInfo, SchemaCx};

pub const INFO: RuleInfo = RuleInfo {
    code: "SG203",
    name: "domain-layering",
    family: Family::Graph,
    default_level: Level::Error,
    dialects: crate::guard::EVERY_DIALECT,
    summary: "A foreign key crosses domains against the declared layering",
    flags: "A foreign key from a table of domain A to a table of domain B (A ≠ B) when \
            `guard.graph.layers` declares A and does not list B among the domains A may reference. \
            A table's domain is its `.domain(..)` in the DSL, or else its PostgreSQL schema. \
            Domains not declared in `layers` are not checked; empty by default.",
    why: "Layers keep the dependency graph acyclic at the module level: if platform tables \
          reference product tables, platform cannot be deployed, tested or extracted without the \
          product, and every product change can break the platform.",
    fix: "Reverse the reference (the lower layer stays unaware of the higher one, the higher one \
          references down), move the table to the right domain, or add the direction to \
          `guard.graph.layers` if it is intended.",
};

pub fn check(cx: &SchemaCx<'_>, out: &mut Vec<Finding>) {
    let layers = &cx.config.graph.layers;
    if layers.is_empty() {
        return;
    }
    for t in &cx.schema.tables {
        let Some(from) = SchemaCx::domain(t) else {
            continue;
        };
        let Some(allowed) = layers.get(from) else {
            continue;
        };
        for fk in &t.foreign_keys {
            let Some(target) = cx.table(&fk.ref_table) else {
                continue;
            };
            let Some(to) = SchemaCx::domain(target) else {
                continue;
            };
            if to != from && !allowed.iter().any(|a| a == to) {
                out.push(
                    Finding::new(format!(
                        "`{}` (domain `{from}`) references `{}` (domain `{to}`) through `{}`, but `{from}` may only reference {}",
                        t.name,
                        target.name,
                        fk.name,
                        if allowed.is_empty() {
                            "itself".to_string()
                        } else {
                            allowed.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join(", ")
                        }
                    ))
                    .at(&fk.origin)
                    .table(&t.name)
                    .help(format!(
                        "reverse the reference, move the table, or allow `{from}` -> `{to}` in guard.graph.layers"
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
    use crate::guard::GuardConfig;

    const PLANS: TableRef = TableRef::new("plans");
    const FEATURES: TableRef = TableRef::new("features");

    fn config() -> GuardConfig {
        let mut c = GuardConfig::default();
        c.graph.layers.insert("platform".into(), vec![]);
        c.graph
            .layers
            .insert("product".into(), vec!["platform".into()]);
        c
    }

    #[test]
    fn fires_when_platform_references_product() {
        let mut s = base();
        s.domain("product");
        s.table(FEATURES).global("x").id_tagged("f");
        s.domain("platform");
        s.table(PLANS)
            .global("x")
            .id_tagged("p")
            .references("feature_id", FEATURES, text());
        let ds = run_with("SG203", &build(s), config());
        assert_at(&ds, &[".references(\"feature_id\""]);
        insta::assert_snapshot!(snap(&ds));
    }

    #[test]
    fn quiet_when_product_references_platform() {
        let mut s = base();
        s.domain("platform");
        s.table(PLANS).global("x").id_tagged("p");
        s.domain("product");
        s.table(FEATURES)
            .global("x")
            .id_tagged("f")
            .references("plan_id", PLANS, text());
        assert!(run_with("SG203", &build(s), config()).is_empty());
    }
}
