//! The foreign-key dependency graph: creation order for the renderer, cycles for guard.

use crate::model::fast_hash::{map_with_capacity, FastMap};
use crate::model::{ForeignKey, QName, Schema};
use petgraph::algo::kosaraju_scc;
use petgraph::graph::{DiGraph, NodeIndex};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Tables as nodes (in declaration order) and an edge `parent -> child` per foreign key.
pub struct FkGraph<'a> {
    pub graph: DiGraph<&'a QName, &'a ForeignKey>,
    pub nodes: FastMap<&'a QName, NodeIndex>,
    /// For each node, the index of its table in `Schema::tables`.
    pub tables: Vec<usize>,
    /// The node each foreign key references (none outside the schema), every table's in
    /// turn, so a renderer walking the keys need not look each target up by name again.
    targets: Vec<Option<NodeIndex>>,
    /// Where each table's keys start in `targets`, by index in `Schema::tables`.
    first_target: Vec<usize>,
}

impl<'a> FkGraph<'a> {
    pub fn new(schema: &'a Schema) -> Self {
        let mut graph = DiGraph::with_capacity(schema.tables.len(), schema.tables.len() * 2);
        let mut nodes = map_with_capacity(schema.tables.len());
        let mut tables = Vec::with_capacity(schema.tables.len());
        for (i, t) in schema.tables.iter().enumerate() {
            nodes.entry(&t.name).or_insert_with(|| {
                tables.push(i);
                graph.add_node(&t.name)
            });
        }
        let mut targets = Vec::new();
        let mut first_target = Vec::with_capacity(schema.tables.len());
        for t in &schema.tables {
            first_target.push(targets.len());
            let child = nodes[&t.name];
            for fk in &t.foreign_keys {
                let parent = nodes.get(&fk.ref_table).copied();
                if let Some(parent) = parent {
                    graph.add_edge(parent, child, fk);
                }
                targets.push(parent);
            }
        }
        FkGraph {
            graph,
            nodes,
            tables,
            targets,
            first_target,
        }
    }

    /// The node each foreign key of the `table`th table references, in the table's order.
    pub fn fk_targets(&self, table: usize) -> &[Option<NodeIndex>] {
        let end = self
            .first_target
            .get(table + 1)
            .copied()
            .unwrap_or(self.targets.len());
        &self.targets[self.first_target[table]..end]
    }

    /// The table a node stands for.
    pub fn table<'s>(&self, schema: &'s Schema, node: NodeIndex) -> &'s crate::model::Table {
        &schema.tables[self.tables[node.index()]]
    }

    /// Groups of tables that reference each other in a cycle (self-references included),
    /// each sorted by name, the groups sorted too.
    pub fn cycles(&self) -> Vec<Vec<&'a QName>> {
        let mut groups: Vec<Vec<&QName>> = kosaraju_scc(&self.graph)
            .into_iter()
            .filter(|scc| scc.len() > 1 || self.graph.contains_edge(scc[0], scc[0]))
            .map(|scc| {
                let mut names: Vec<&QName> = scc.iter().map(|&n| self.graph[n]).collect();
                names.sort();
                names
            })
            .collect();
        groups.sort();
        groups
    }

    /// A creation order: every table after the tables it references, ties broken by
    /// declaration order. Where a cycle blocks progress, the earliest-declared table of the
    /// cycle goes first and its FKs to not-yet-created tables are created afterwards.
    pub fn creation_order(&self) -> Vec<NodeIndex> {
        let n = self.graph.node_count();
        let mut pending: Vec<usize> = vec![0; n];
        for e in self.graph.edge_indices() {
            let (a, b) = self.graph.edge_endpoints(e).expect("edge exists");
            if a != b {
                pending[b.index()] += 1;
            }
        }
        let mut ready: BinaryHeap<Reverse<usize>> =
            (0..n).filter(|&i| pending[i] == 0).map(Reverse).collect();
        let mut placed = vec![false; n];
        let mut order = Vec::with_capacity(n);
        let mut next_unplaced = 0;
        while order.len() < n {
            let i = match ready.pop() {
                Some(Reverse(i)) if !placed[i] => i,
                Some(_) => continue,
                None => {
                    // A cycle: break it at the earliest-declared table still waiting.
                    while placed[next_unplaced] {
                        next_unplaced += 1;
                    }
                    next_unplaced
                }
            };
            placed[i] = true;
            order.push(NodeIndex::new(i));
            for child in self.graph.neighbors(NodeIndex::new(i)) {
                let c = child.index();
                if c != i && !placed[c] {
                    pending[c] -= 1;
                    if pending[c] == 0 {
                        ready.push(Reverse(c));
                    }
                }
            }
        }
        order
    }
}
