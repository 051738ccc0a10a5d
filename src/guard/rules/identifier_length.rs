//! SG113 identifier-length: identifiers fit PostgreSQL's 63 bytes.

use crate::guard::{Family, Finding, Level, RuleInfo, SchemaCx};
use crate::model::Origin;

pub const INFO: RuleInfo = RuleInfo {
    code: "SG113",
    name: "identifier-length",
    family: Family::Schema,
    default_level: Level::Error,
    dialects: crate::guard::EVERY_DIALECT,
    summary: "An identifier is longer than PostgreSQL's 63-byte limit",
    flags: "A table, column, enum, enum label, constraint, index, policy, trigger or partition name \
            longer than `guard.max_identifier_bytes` (63) bytes (not characters).",
    why: "PostgreSQL truncates longer identifiers silently: the database then holds a different name \
          than the schema declares, two long names can collide after truncation, and every later \
          diff sees a rename that never happened.",
    fix: "Shorten the name; DSL-generated constraint and index names are already cut with a stable \
          hash suffix.",
};

pub fn check(cx: &SchemaCx<'_>, out: &mut Vec<Finding>) {
    let max = cx.config.max_identifier_bytes;
    let mut emit =
        |what: &str, name: &str, origin: &Origin, table: Option<&crate::model::QName>| {
            if name.len() > max {
                let mut f = Finding::new(format!(
                    "{what} name `{name}` is {} bytes, over the {max}-byte limit",
                    name.len()
                ))
                .at(origin)
                .help("PostgreSQL would truncate it silently; shorten it");
                if let Some(t) = table {
                    f = f.table(t);
                }
                out.push(f);
            }
        };
    for e in &cx.schema.enums {
        emit("enum", &e.name.name, &e.origin, None);
        for v in &e.values {
            emit("enum label", v, &e.origin, None);
        }
    }
    for t in &cx.schema.tables {
        let q = Some(&t.name);
        emit("table", &t.name.name, &t.origin, q);
        for c in &t.columns {
            emit("column", &c.name, &c.origin, q);
        }
        if let Some(pk) = &t.primary_key {
            emit("primary key", &pk.name, &pk.origin, q);
        }
        for u in &t.uniques {
            emit("unique constraint", &u.name, &u.origin, q);
        }
        for ix in &t.indexes {
            emit("index", &ix.name, &ix.origin, q);
        }
        for fk in &t.foreign_keys {
            emit("foreign key", &fk.name, &fk.origin, q);
        }
        for c in &t.checks {
            emit("check", &c.name, &c.origin, q);
        }
        for x in &t.excludes {
            emit("exclusion constraint", &x.name, &x.origin, q);
        }
        for p in &t.policies {
            emit("policy", &p.name, &p.origin, q);
        }
        for tr in &t.triggers {
            emit("trigger", &tr.name, &tr.origin, q);
        }
        for p in &t.partitions {
            emit("partition", &p.name.name, &p.origin, q);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::dsl::*;
    use crate::guard::testing::*;

    #[test]
    fn fires_on_long_column_name() {
        // The DSL's own validation refuses this model, so build it and lengthen a name after.
        let mut s = base();
        s.table(TableRef::new("docs"))
            .global("x")
            .id_tagged("d")
            .col("short", text());
        let mut schema = build(s);
        let t = schema
            .tables
            .iter_mut()
            .find(|t| t.name.name == "docs")
            .unwrap();
        t.columns[1].name =
            "a_column_name_that_goes_on_and_on_well_past_the_sixty_three_byte_limit".into();
        let ds = run("SG113", &schema);
        insta::assert_snapshot!(snap(&ds));
    }

    #[test]
    fn quiet_on_short_names() {
        let mut s = base();
        s.table(TableRef::new("docs"))
            .global("x")
            .id_tagged("d")
            .col("short", text());
        assert!(run("SG113", &build(s)).is_empty());
    }
}
