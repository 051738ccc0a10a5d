//! SG204 unreachable-table: every table connects to a declared root through foreign keys.

use crate::guard::{Family, Finding, Level, RuleInfo, SchemaCx};
use crate::model::QName;

pub const INFO: RuleInfo = RuleInfo {
    code: "SG204",
    name: "unreachable-table",
    family: Family::Graph,
    default_level: Level::Warning,
    dialects: crate::guard::EVERY_DIALECT,
    summary: "A table is not connected to any declared root table",
    flags:
        "A table from which no chain of foreign keys, followed in either direction, leads to one \
            of `guard.graph.roots` (default `bizes`, `users`). Also reported once when none of the \
            configured roots exists.",
    why: "An island of tables is data nobody can reach from a tenant or a user: it cannot be \
          exported, deleted with its tenant (GDPR), or secured by tenant policies, and is often a \
          leftover or a missing reference.",
    fix:
        "Add the missing reference (usually `.tenant_scoped()` or a reference to a user), add the \
          table to `guard.graph.roots` if it is a root of its own, or suppress it with a reason.",
};

pub fn check(cx: &SchemaCx<'_>, out: &mut Vec<Finding>) {
    let roots = &cx.config.graph.roots;
    if roots.is_empty() || cx.schema.tables.is_empty() {
        return;
    }
    let graph = cx.graph();
    let starts: Vec<_> = roots
        .iter()
        .filter_map(|r| graph.nodes.get(&QName::parse(r)).copied())
        .collect();
    if starts.is_empty() {
        out.push(
            Finding::new(format!(
                "none of the root tables in guard.graph.roots ({}) exists in the schema",
                roots.join(", ")
            ))
            .help("set guard.graph.roots to the schema's root tables (tenant root, users)"),
        );
        return;
    }
    let mut seen = vec![false; graph.graph.node_count()];
    let mut stack = starts;
    for s in &stack {
        seen[s.index()] = true;
    }
    while let Some(n) = stack.pop() {
        for m in graph.graph.neighbors_undirected(n) {
            if !seen[m.index()] {
                seen[m.index()] = true;
                stack.push(m);
            }
        }
    }
    for t in &cx.schema.tables {
        let Some(&n) = graph.nodes.get(&t.name) else {
            continue;
        };
        if !seen[n.index()] {
            out.push(
                Finding::new(format!(
                    "table `{}` is not connected to any root table ({}) through foreign keys",
                    t.name,
                    roots.join(", ")
                ))
                .at(&t.origin)
                .table(&t.name)
                .help("add the missing reference (e.g. `.tenant_scoped()`), or list it in guard.graph.roots"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::dsl::*;
    use crate::guard::testing::*;

    #[test]
    fn fires_on_an_island() {
        let mut s = base();
        s.table(TableRef::new("scratch")).global("x").id_tagged("s");
        s.table(TableRef::new("scratch_items"))
            .global("x")
            .id_tagged("si")
            .references("scratch_id", TableRef::new("scratch"), text());
        let ds = run("SG204", &build(s));
        assert_at(
            &ds,
            &[
                "TableRef::new(\"scratch\")",
                "TableRef::new(\"scratch_items\")",
            ],
        );
        insta::assert_snapshot!(snap(&ds));
    }

    #[test]
    fn quiet_when_connected_in_either_direction() {
        let mut s = base();
        s.table(TableRef::new("currencies"))
            .global("catalog")
            .id_tagged("c");
        s.table(TableRef::new("invoices"))
            .tenant_scoped()
            .id_tagged("inv")
            .references("currency_id", TableRef::new("currencies"), text());
        assert!(run("SG204", &build(s)).is_empty());
    }
}
