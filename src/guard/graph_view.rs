//! `schemactl graph`: the FK graph as Graphviz DOT or Mermaid, deterministic (tables sorted by
//! name, edges by table then FK name), grouped by domain, optionally limited to one domain.

use super::SchemaCx;
use crate::model::{QName, Schema, Table};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GraphFormat {
    Dot,
    Mermaid,
}

struct View<'a> {
    /// Nodes by domain ("" when none), each sorted.
    groups: BTreeMap<&'a str, BTreeSet<&'a QName>>,
    /// `(child, parent, fk name, columns)` sorted.
    edges: Vec<(&'a QName, &'a QName, &'a str, String)>,
    /// Referenced tables shown for context but outside the selected domain.
    outside: BTreeSet<&'a QName>,
}

fn view<'a>(schema: &'a Schema, domain: Option<&str>) -> View<'a> {
    let tables: BTreeMap<&QName, &Table> = schema.tables.iter().map(|t| (&t.name, t)).collect();
    let selected = |t: &Table| domain.is_none_or(|d| SchemaCx::domain(t) == Some(d));
    let mut groups: BTreeMap<&str, BTreeSet<&QName>> = BTreeMap::new();
    let mut edges = Vec::new();
    let mut outside = BTreeSet::new();
    for (name, t) in &tables {
        if !selected(t) {
            continue;
        }
        groups
            .entry(SchemaCx::domain(t).unwrap_or(""))
            .or_default()
            .insert(name);
        for fk in &t.foreign_keys {
            let Some(parent) = tables.get(&fk.ref_table) else {
                continue;
            };
            if !selected(parent) {
                outside.insert(&parent.name);
            }
            edges.push((*name, &parent.name, fk.name.as_str(), fk.columns.join(", ")));
        }
    }
    edges.sort();
    View {
        groups,
        edges,
        outside,
    }
}

fn dot_quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

pub fn dot(schema: &Schema, domain: Option<&str>) -> String {
    let v = view(schema, domain);
    let mut s = String::from(
        "digraph schema {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n",
    );
    for (d, names) in &v.groups {
        let indent = if d.is_empty() { "  " } else { "    " };
        if !d.is_empty() {
            s.push_str(&format!(
                "  subgraph {} {{\n    label={};\n",
                dot_quote(&format!("cluster_{d}")),
                dot_quote(d)
            ));
        }
        for n in names {
            s.push_str(&format!("{indent}{};\n", dot_quote(&n.to_string())));
        }
        if !d.is_empty() {
            s.push_str("  }\n");
        }
    }
    for n in &v.outside {
        s.push_str(&format!(
            "  {} [style=dashed];\n",
            dot_quote(&n.to_string())
        ));
    }
    for (child, parent, fk, cols) in &v.edges {
        s.push_str(&format!(
            "  {} -> {} [label={}, tooltip={}];\n",
            dot_quote(&child.to_string()),
            dot_quote(&parent.to_string()),
            dot_quote(cols),
            dot_quote(fk)
        ));
    }
    s.push_str("}\n");
    s
}

pub fn mermaid(schema: &Schema, domain: Option<&str>) -> String {
    let v = view(schema, domain);
    // Mermaid ids must be plain: number the nodes in sorted order.
    let mut all: BTreeSet<&QName> = v.outside.clone();
    for names in v.groups.values() {
        all.extend(names.iter().copied());
    }
    let ids: BTreeMap<&QName, String> = all
        .iter()
        .enumerate()
        .map(|(i, n)| (*n, format!("t{i}")))
        .collect();
    let label = |n: &QName| n.to_string().replace('"', "#quot;");
    let mut s = String::from("flowchart LR\n");
    for (d, names) in &v.groups {
        let indent = if d.is_empty() { "  " } else { "    " };
        if !d.is_empty() {
            s.push_str(&format!("  subgraph {}[\"{}\"]\n", sanitize(d), d));
        }
        for n in names {
            s.push_str(&format!("{indent}{}[\"{}\"]\n", ids[n], label(n)));
        }
        if !d.is_empty() {
            s.push_str("  end\n");
        }
    }
    for n in &v.outside {
        s.push_str(&format!("  {}[\"{}\"]:::outside\n", ids[n], label(n)));
    }
    for (child, parent, _, cols) in &v.edges {
        s.push_str(&format!(
            "  {} -->|\"{}\"| {}\n",
            ids[child],
            cols.replace('"', "#quot;"),
            ids[parent]
        ));
    }
    if !v.outside.is_empty() {
        s.push_str("  classDef outside stroke-dasharray: 5 5\n");
    }
    s
}

fn sanitize(s: &str) -> String {
    let body: String = s
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    format!("d_{body}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dsl::*;
    use crate::guard::testing::*;

    fn schema() -> Schema {
        let mut s = SchemaBuilder::new();
        s.domain("identity");
        s.table(USERS).global("x").id_tagged("user");
        s.table(BIZES).global("x").id_tagged("biz");
        s.domain("supply");
        s.table(TableRef::new("rooms"))
            .tenant_scoped()
            .id_tagged("room")
            .references("owner_id", USERS, text());
        build(s)
    }

    #[test]
    fn dot_is_grouped_and_sorted() {
        insta::assert_snapshot!(dot(&schema(), None));
    }

    #[test]
    fn mermaid_limited_to_a_domain_shows_outside_targets() {
        insta::assert_snapshot!(mermaid(&schema(), Some("supply")));
    }

    #[test]
    fn output_is_deterministic() {
        assert_eq!(dot(&schema(), None), dot(&schema(), None));
        assert_eq!(mermaid(&schema(), None), mermaid(&schema(), None));
    }
}
