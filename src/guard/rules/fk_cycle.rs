//! SG201 fk-cycle: tables that reference each other in a loop.

use crate::guard::{Family, Finding, Level, RuleInfo, SchemaCx};
use crate::model::{ForeignKey, QName};
use std::collections::{HashMap, HashSet, VecDeque};

pub const INFO: RuleInfo = RuleInfo {
    code: "SG201",
    name: "fk-cycle",
    family: Family::Graph,
    default_level: Level::Error,
    dialects: crate::guard::EVERY_DIALECT,
    summary: "Foreign keys form a cycle between tables",
    flags: "Each group of tables whose foreign keys reference each other in a loop, reported once \
            with one loop's path (`a.fk -> b`, `b.fk -> a`). A table referencing itself (a tree) is \
            allowed unless `guard.graph.allow_self_references: false`; intended cycles are listed \
            in `guard.graph.allowed_cycles` as sets of tables.",
    why: "A cycle means no insertion order works without nullable or deferred foreign keys, the \
          tables cannot be created, truncated, copied or deleted one at a time, and tenant data \
          cannot be exported in dependency order.",
    fix: "Break the loop: drop the back-reference and derive it (e.g. a `first_edge` as a query or a \
          flag on the child), or make one side a nullable `DEFERRABLE INITIALLY DEFERRED` key and \
          declare the cycle in `guard.graph.allowed_cycles`.",
};

pub fn check(cx: &SchemaCx<'_>, out: &mut Vec<Finding>) {
    let graph_cfg = &cx.config.graph;
    let allowed: Vec<Vec<String>> = graph_cfg
        .allowed_cycles
        .iter()
        .map(|set| {
            let mut v: Vec<String> = set.iter().map(|s| QName::parse(s).to_string()).collect();
            v.sort();
            v
        })
        .collect();
    for group in cx.graph().cycles() {
        if group.len() == 1 && graph_cfg.allow_self_references {
            continue;
        }
        let names: Vec<String> = group.iter().map(|q| q.to_string()).collect();
        if allowed.contains(&names) {
            continue;
        }
        let path = cycle_path(cx, &group);
        // Long loops are shortened: the first steps locate it, the count sizes it.
        const SHOWN: usize = 12;
        let mut steps: Vec<String> = path
            .iter()
            .take(SHOWN)
            .map(|(from, fk)| format!("`{from}`.`{}` -> `{}`", fk.name, fk.ref_table))
            .collect();
        if path.len() > SHOWN {
            steps.push(format!("... {} more steps", path.len() - SHOWN));
        }
        let mut f = Finding::new(format!(
            "foreign keys form a cycle through {} table{}: {}",
            group.len(),
            if group.len() == 1 { "" } else { "s" },
            steps.join(", ")
        ))
        .help(if names.len() <= SHOWN {
            format!(
                "break the loop, or declare it in guard.graph.allowed_cycles: [[{}]]",
                names.join(", ")
            )
        } else {
            "break the loop, or declare it in guard.graph.allowed_cycles".to_string()
        });
        if let Some((_, fk)) = path.first() {
            f = f.at(&fk.origin);
        }
        for q in &group {
            f = f.table(q);
        }
        out.push(f);
    }
}

/// The shortest loop from the group's first table back to itself, as `(table, fk)` steps.
fn cycle_path<'a>(cx: &SchemaCx<'a>, group: &[&'a QName]) -> Vec<(&'a QName, &'a ForeignKey)> {
    let members: HashSet<&QName> = group.iter().copied().collect();
    let start = group[0];
    let mut came_from: HashMap<&QName, (&QName, &ForeignKey)> = HashMap::new();
    let mut queue = VecDeque::from([start]);
    let mut seen: HashSet<&QName> = HashSet::from([start]);
    while let Some(at) = queue.pop_front() {
        let Some(t) = cx.table(at) else { continue };
        for fk in &t.foreign_keys {
            let Some(target) = cx.table(&fk.ref_table).map(|t| &t.name) else {
                continue;
            };
            if !members.contains(target) {
                continue;
            }
            if target == start {
                // Walk back from `at` to the start.
                let mut steps = vec![(at, fk)];
                let mut cur = at;
                while cur != start {
                    let Some(&(prev, prev_fk)) = came_from.get(cur) else {
                        break;
                    };
                    steps.push((prev, prev_fk));
                    cur = prev;
                }
                steps.reverse();
                return steps;
            }
            if seen.insert(target) {
                came_from.insert(target, (at, fk));
                queue.push_back(target);
            }
        }
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use crate::dsl::*;
    use crate::guard::testing::*;
    use crate::guard::GuardConfig;

    const NODES: TableRef = TableRef::new("nodes");
    const EDGES: TableRef = TableRef::new("edges");

    fn graph(s: &mut SchemaBuilder) {
        s.table(NODES)
            .global("x")
            .id_tagged("n")
            .references("parent_id", NODES, text().null())
            .references("first_edge_id", EDGES, text().null());
        s.table(EDGES)
            .global("x")
            .id_tagged("e")
            .references("from_id", NODES, text());
    }

    #[test]
    fn fires_with_the_cycle_path() {
        let mut s = base();
        graph(&mut s);
        let ds = run("SG201", &build(s));
        insta::assert_snapshot!(snap(&ds));
    }

    #[test]
    fn self_references_are_reported_when_not_allowed() {
        let mut s = base();
        s.table(NODES)
            .global("x")
            .id_tagged("n")
            .references("parent_id", NODES, text().null());
        let schema = build(s);
        assert!(run("SG201", &schema).is_empty());
        let mut c = GuardConfig::default();
        c.graph.allow_self_references = false;
        // `nodes.parent_id`, and `users` through its own audit columns.
        let ds = run_with("SG201", &schema, c);
        assert_eq!(ds.len(), 2, "{ds:?}");
        assert!(ds
            .iter()
            .any(|d| d.message.contains("`nodes`.`nodes_parent_id_fk`")));
    }

    #[test]
    fn quiet_when_the_cycle_is_declared() {
        let mut s = base();
        graph(&mut s);
        let mut c = GuardConfig::default();
        c.graph.allowed_cycles = vec![vec!["nodes".into(), "edges".into()]];
        assert!(run_with("SG201", &build(s), c).is_empty());
    }
}
