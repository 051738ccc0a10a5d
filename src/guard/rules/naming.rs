//! SG112 naming: constraint and index names follow `<table>_<what><suffix>`.

use crate::guard::{Family, Finding, Level, RuleInfo, SchemaCx};
use crate::model::Origin;

pub const INFO: RuleInfo = RuleInfo {
    code: "SG112",
    name: "naming",
    family: Family::Schema,
    default_level: Level::Warning,
    dialects: crate::guard::EVERY_DIALECT,
    summary: "A constraint or index name does not follow the naming convention",
    flags: "A primary key, unique constraint, index, foreign key, check or exclusion constraint whose \
            name does not start with `<table>_` or does not end with its kind's suffix \
            (`guard.naming`: `_pkey`, `_unique`, `_idx` (unique indexes may use `_unique`), `_fk`, \
            `_check`, `_excl`). Names cut to 63 bytes with a hash suffix by the DSL are accepted.",
    why: "Error messages, drift reports and `pg_stat` views name constraints and indexes, not \
          columns: a predictable name tells you the table and the kind at a glance, and lets \
          tooling match declared objects with live ones.",
    fix: "Drop the custom name and let the DSL name it, or rename it to `<table>_<columns>_<suffix>` \
          (see `src/dsl/names.rs`).",
};

/// A name the DSL cut to fit: `..._<8 hex>` at the maximum length.
fn hashed(name: &str, max: usize) -> bool {
    name.len() == max
        && name.len() > 9
        && name.as_bytes()[name.len() - 9] == b'_'
        && name.as_bytes()[name.len() - 8..]
            .iter()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b))
}

pub fn check(cx: &SchemaCx<'_>, out: &mut Vec<Finding>) {
    let n = &cx.config.naming;
    let max = cx.config.max_identifier_bytes;
    for t in &cx.schema.tables {
        let prefix = format!("{}_", t.name.name);
        let mut check = |name: &str, kind: &str, suffixes: &[&str], origin: &Origin| {
            let ok = if hashed(name, max) && name.is_char_boundary(name.len() - 9) {
                name.starts_with(&prefix) || prefix.starts_with(&name[..name.len() - 9])
            } else {
                (!n.table_prefix || name.starts_with(&prefix))
                    && suffixes.iter().any(|s| name.ends_with(s))
            };
            if !ok {
                let expected = format!("{prefix}<what>{}", suffixes[0]);
                out.push(
                    Finding::new(format!(
                        "{kind} `{name}` on `{}` does not follow the naming convention `{expected}`",
                        t.name
                    ))
                    .at(if origin.is_known() { origin } else { &t.origin })
                    .table(&t.name)
                    .help("let the DSL name it (drop `.named(..)`) or rename it to the convention"),
                );
            }
        };
        if let Some(pk) = &t.primary_key {
            check(
                &pk.name,
                "primary key",
                &[n.primary_key.as_str()],
                &pk.origin,
            );
        }
        for u in &t.uniques {
            check(
                &u.name,
                "unique constraint",
                &[n.unique.as_str()],
                &u.origin,
            );
        }
        for ix in &t.indexes {
            if ix.unique {
                check(
                    &ix.name,
                    "unique index",
                    &[n.unique.as_str(), n.index.as_str()],
                    &ix.origin,
                );
            } else {
                check(&ix.name, "index", &[n.index.as_str()], &ix.origin);
            }
        }
        for fk in &t.foreign_keys {
            check(
                &fk.name,
                "foreign key",
                &[n.foreign_key.as_str()],
                &fk.origin,
            );
        }
        for c in &t.checks {
            check(&c.name, "check", &[n.check.as_str()], &c.origin);
        }
        for x in &t.excludes {
            check(
                &x.name,
                "exclusion constraint",
                &[n.exclude.as_str()],
                &x.origin,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::dsl::*;
    use crate::guard::testing::*;

    #[test]
    fn fires_on_custom_names() {
        let mut s = base();
        s.table(TableRef::new("docs"))
            .global("x")
            .id_tagged("d")
            .col("owner_id", text())
            .fk_with(["owner_id"], USERS, ["id"], |f| f.named("owner_fkey"))
            .index_with(["owner_id"], |i| i.named("docs_by_owner"));
        let ds = run("SG112", &build(s));
        assert_at(&ds, &[".fk_with(", ".index_with("]);
        insta::assert_snapshot!(snap(&ds));
    }

    #[test]
    fn quiet_on_generated_names_even_when_cut_to_fit() {
        let mut s = base();
        s.table(TableRef::new("enterprise_intercompany_settlement_runs"))
            .global("x")
            .id_tagged("d")
            .col("counterparty_account_reference_id", text())
            .fk(["counterparty_account_reference_id"], USERS, ["id"])
            .index(["counterparty_account_reference_id"])
            .unique_where(["counterparty_account_reference_id"], "id IS NOT NULL");
        assert!(run("SG112", &build(s)).is_empty());
    }
}
