//! SG501 distribution-unique-key: every primary key, unique constraint and unique index
//! (partial ones included) of a distributed table includes the distribution column.

use crate::guard::distribution::{placement, Placement, UNTESTED};
use crate::guard::{Family, Finding, Level, RuleInfo, SchemaCx};
use crate::model::{IndexKey, Name};

pub const INFO: RuleInfo = RuleInfo {
    code: "SG501",
    name: "distribution-unique-key",
    family: Family::Distribution,
    default_level: Level::Error,
    dialects: crate::guard::EVERY_DIALECT,
    summary: "A primary key or unique constraint or index of a distributed table leaves out the distribution column",
    flags: "On a table that carries the distribution column (`guard.distribution.column`): a \
            primary key, a unique constraint, or a unique index (partial or not) whose columns do \
            not include that column as a plain key column. Runs only when `guard.distribution` \
            names a column.",
    why: "A sharded cluster such as Citus checks uniqueness inside one shard only: each node \
          sees the rows of its own tenants and cannot tell whether another node already holds a \
          key. So Citus refuses to distribute a table whose primary key or unique constraints \
          do not contain the distribution column, and a unique index that leaves it out cannot \
          be created on a distributed table; the same holds for a unique index with a WHERE \
          clause.",
    fix: "Put the distribution column first in the key, e.g. `PRIMARY KEY (biz_id, id)`; a \
          tenant-scoped table already has the `(biz_id, id)` unique that can become its key. \
          Uniqueness that must hold across tenants (a global slug, an email) belongs on a \
          reference or local table, or is checked by the application.",
};

pub fn check(cx: &SchemaCx<'_>, out: &mut Vec<Finding>) {
    for t in &cx.schema.tables {
        let Some(Placement::Distributed(dc)) = placement(cx, t) else {
            continue;
        };
        let help = || {
            format!("put `{dc}` in the key, e.g. ({dc}, ...); a sharded cluster checks uniqueness inside one tenant's shard only {UNTESTED}")
        };
        let missing = |cols: &[Name]| !cols.iter().any(|c| c == dc);
        if let Some(pk) = &t.primary_key {
            if missing(&pk.columns) {
                out.push(
                    Finding::new(format!(
                        "primary key `{}` of distributed table `{}` is ({}), without the distribution column `{dc}`",
                        pk.name,
                        t.name,
                        pk.columns.join(", ")
                    ))
                    .at(if pk.origin.is_known() { &pk.origin } else { &t.origin })
                    .table(&t.name)
                    .help(help()),
                );
            }
        }
        for u in &t.uniques {
            if missing(&u.columns) {
                out.push(
                    Finding::new(format!(
                        "unique constraint `{}` of distributed table `{}` is ({}), without the distribution column `{dc}`",
                        u.name,
                        t.name,
                        u.columns.join(", ")
                    ))
                    .at(if u.origin.is_known() { &u.origin } else { &t.origin })
                    .table(&t.name)
                    .help(help()),
                );
            }
        }
        for ix in t.indexes.iter().filter(|ix| ix.unique) {
            let cols: Vec<Name> = ix
                .parts
                .iter()
                .filter_map(|p| match &p.key {
                    IndexKey::Column(c) => Some(c.clone()),
                    IndexKey::Expression(_) => None,
                })
                .collect();
            if missing(&cols) {
                let partial = if ix.predicate.is_some() {
                    "partial unique index"
                } else {
                    "unique index"
                };
                out.push(
                    Finding::new(format!(
                        "{partial} `{}` of distributed table `{}` does not include the distribution column `{dc}`",
                        ix.name, t.name
                    ))
                    .at(if ix.origin.is_known() { &ix.origin } else { &t.origin })
                    .table(&t.name)
                    .help(help()),
                );
            }
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use crate::dsl::*;
    use crate::guard::distribution::DistributionConfig;
    use crate::guard::testing::*;
    use crate::guard::GuardConfig;

    pub fn distributed(column: &str, reference: &[&str]) -> GuardConfig {
        GuardConfig {
            distribution: Some(DistributionConfig {
                column: Some(column.into()),
                reference_tables: reference.iter().map(|s| s.to_string()).collect(),
                not_applicable: None,
            }),
            ..GuardConfig::default()
        }
    }

    #[test]
    fn keys_without_the_distribution_column_are_flagged() {
        let mut s = base();
        s.table(TableRef::new("sellables"))
            .doc("x")
            .tenant_scoped()
            .id_tagged("sellable")
            .col("slug", text())
            .col("kind", text())
            .unique(["slug"])
            .unique_where(["kind"], "deleted_at IS NULL")
            .audited();
        let ds = run_with("SG501", &build(s), distributed("biz_id", &["users"]));
        insta::assert_snapshot!(snap(&ds));
        // The primary key (id), the unique on slug and the partial unique on kind.
        assert_eq!(ds.len(), 3, "{ds:#?}");
    }

    #[test]
    fn quiet_when_keys_lead_with_the_column_or_the_rules_do_not_apply() {
        let mut s = base();
        s.table(TableRef::new("notes"))
            .doc("x")
            .col("biz_id", text())
            .col("n", integer())
            .primary_key(["biz_id", "n"])
            .fk(["biz_id"], BIZES, ["id"])
            .index(["biz_id"]);
        let schema = build(s);
        assert!(run_with("SG501", &schema, distributed("biz_id", &["users"])).is_empty());
        // No `guard.distribution`: the rules do not run at all.
        assert!(run("SG501", &schema).is_empty());
        let c = GuardConfig {
            distribution: Some(DistributionConfig {
                column: None,
                reference_tables: vec![],
                not_applicable: Some("SQLite".into()),
            }),
            ..GuardConfig::default()
        };
        let mut s = base();
        s.table(TableRef::new("x")).tenant_scoped().id_tagged("x");
        assert!(run_with("SG501", &build(s), c).is_empty());
    }
}
