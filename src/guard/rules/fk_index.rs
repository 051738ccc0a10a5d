//! SG111 fk-index: every foreign key's columns lead some index or key.

use crate::guard::{Family, Finding, Level, RuleInfo, SchemaCx};
use crate::model::{ForeignKey, IndexMethod, Name, Table};

pub const INFO: RuleInfo = RuleInfo {
    code: "SG111",
    name: "fk-index",
    family: Family::Schema,
    default_level: Level::Warning,
    dialects: crate::guard::EVERY_DIALECT,
    summary: "A foreign key's columns are not the leading columns of any index or key",
    flags: "A foreign key whose columns (in any order) are not the first columns of the primary key, \
            a unique constraint, or a full (non-partial) btree or hash index of its table. Foreign \
            keys made only of `guard.fk_index_ignore` columns (default the audit `*_by` columns) are \
            skipped.",
    why: "Deleting or updating a parent row makes PostgreSQL look up child rows by these columns; \
          without an index that is a sequential scan per parent row, under lock. Joins from parent \
          to children scan too.",
    fix: "Add `.index([..the FK columns..])`; `.references(..)` and `.tenant_ref(..)` add it for you.",
};

/// True when `cols` (as a set) are the leading columns of `lead`.
fn leads(lead: &[&str], cols: &[Name]) -> bool {
    lead.len() >= cols.len()
        && cols
            .iter()
            .all(|c| lead[..cols.len()].contains(&c.as_str()))
}

fn as_strs(v: &[Name]) -> Vec<&str> {
    v.iter().map(Name::as_str).collect()
}

fn served(t: &Table, fk: &ForeignKey) -> bool {
    t.primary_key
        .as_ref()
        .is_some_and(|pk| leads(&as_strs(&pk.columns), &fk.columns))
        || t.uniques
            .iter()
            .any(|u| leads(&as_strs(&u.columns), &fk.columns))
        || t.indexes.iter().any(|ix| {
            ix.predicate.is_none()
                && matches!(ix.method, IndexMethod::Btree | IndexMethod::Hash)
                && leads(&ix.leading_columns(), &fk.columns)
        })
}

pub fn check(cx: &SchemaCx<'_>, out: &mut Vec<Finding>) {
    for t in &cx.schema.tables {
        for fk in &t.foreign_keys {
            if fk.columns.is_empty()
                || fk
                    .columns
                    .iter()
                    .all(|c| cx.config.fk_index_ignore.iter().any(|x| x == c))
            {
                continue;
            }
            if !served(t, fk) {
                out.push(
                    Finding::new(format!(
                        "foreign key `{}` on `{}` ({}) has no index leading with its columns",
                        fk.name,
                        t.name,
                        fk.columns.join(", ")
                    ))
                    .at(&fk.origin)
                    .table(&t.name)
                    .help(format!(
                        "add `.index([{}])`",
                        fk.columns
                            .iter()
                            .map(|c| format!("\"{c}\""))
                            .collect::<Vec<_>>()
                            .join(", ")
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
    fn fires_on_unindexed_fk() {
        let mut s = base();
        s.table(TableRef::new("docs"))
            .global("x")
            .id_tagged("d")
            .col("owner_id", text())
            .fk(["owner_id"], USERS, ["id"])
            .col("editor_id", text())
            .fk(["editor_id"], USERS, ["id"])
            .index_with(["editor_id"], |i| i.filter("editor_id IS NOT NULL"));
        let ds = run("SG111", &build(s));
        assert_at(&ds, &[".fk([\"owner_id\"]", ".fk([\"editor_id\"]"]);
        insta::assert_snapshot!(snap(&ds));
    }

    #[test]
    fn quiet_when_an_index_or_key_leads_with_the_columns() {
        let mut s = base();
        s.table(TableRef::new("docs"))
            .global("x")
            .id_tagged("d")
            .references("owner_id", USERS, text())
            .col("editor_id", text())
            .fk(["editor_id"], USERS, ["id"])
            .index(["editor_id", "id"])
            .audited();
        assert!(run("SG111", &build(s)).is_empty());
    }
}
