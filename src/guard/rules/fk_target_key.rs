//! SG202 fk-target-key: a foreign key's target columns are a key of the target.

use crate::guard::{Family, Finding, Level, RuleInfo, SchemaCx};
use crate::model::IndexKey;

pub const INFO: RuleInfo = RuleInfo {
    code: "SG202",
    name: "fk-target-key",
    family: Family::Graph,
    default_level: Level::Error,
    dialects: crate::guard::EVERY_DIALECT,
    summary: "A foreign key's target columns have no matching primary key or unique",
    flags: "A foreign key (typically a tenant-safe composite one such as `(biz_id, room_id) -> \
            rooms (biz_id, id)`) whose referenced columns are not exactly the target's primary key, \
            a unique constraint, or a full unique index. A partial unique index does not count.",
    why: "PostgreSQL refuses to create the foreign key, so the migration fails on a clean database \
          even though the schema \"looked fine\" (Bizing hit exactly this when it first bootstrapped \
          from scratch); a partial unique index cannot back a foreign key at all.",
    fix: "Declare the key on the target: `.tenant_scoped()` adds `(tenant, id)` unique; otherwise \
          `.unique([..the referenced columns..])`.",
};

pub fn check(cx: &SchemaCx<'_>, out: &mut Vec<Finding>) {
    for t in &cx.schema.tables {
        for fk in &t.foreign_keys {
            let Some(target) = cx.table(&fk.ref_table) else {
                continue; // a missing table is a model error, reported by validation
            };
            if target.has_unique_key(&fk.ref_columns) {
                continue;
            }
            let partial = target.indexes.iter().any(|ix| {
                ix.unique
                    && ix.predicate.is_some()
                    && ix.parts.len() == fk.ref_columns.len()
                    && ix.parts.iter().all(|p| match &p.key {
                        IndexKey::Column(c) => fk.ref_columns.contains(c),
                        IndexKey::Expression(_) => false,
                    })
            });
            let cols = fk.ref_columns.join(", ");
            out.push(
                Finding::new(format!(
                    "foreign key `{}` on `{}` references `{}` ({cols}), which is not a primary key or unique there{}",
                    fk.name,
                    t.name,
                    target.name,
                    if partial { " (only a partial unique index covers it)" } else { "" }
                ))
                .at(&fk.origin)
                .table(&t.name)
                .help(format!(
                    "declare `.unique([{}])` on `{}` (or `.tenant_scoped()` for `(tenant, id)`)",
                    fk.ref_columns
                        .iter()
                        .map(|c| format!("\"{c}\""))
                        .collect::<Vec<_>>()
                        .join(", "),
                    target.name
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::dsl::*;
    use crate::guard::testing::*;

    const ROOMS: TableRef = TableRef::new("rooms");

    fn schema(keep_unique: bool) -> crate::model::Schema {
        let mut s = base();
        s.table(ROOMS).tenant_scoped().id_tagged("room");
        s.table(TableRef::new("bookings"))
            .tenant_scoped()
            .id_tagged("bk")
            .tenant_ref("room_id", ROOMS);
        let mut schema = build(s);
        if !keep_unique {
            // What a schema read from SQL can look like: the `(biz_id, id)` unique was lost
            // or declared only as a partial index.
            let rooms = schema
                .tables
                .iter_mut()
                .find(|t| t.name.name == "rooms")
                .unwrap();
            rooms.uniques.clear();
            rooms.indexes.push(crate::model::Index {
                name: "rooms_biz_id_id_unique".into(),
                parts: ["biz_id", "id"]
                    .iter()
                    .map(|c| crate::model::IndexPart {
                        key: crate::model::IndexKey::Column((*c).into()),
                        opclass: None,
                        descending: false,
                    })
                    .collect(),
                unique: true,
                method: Default::default(),
                predicate: Some("deleted_at IS NULL".into()),
                include: vec![],
                nulls_not_distinct: false,
                origin: Default::default(),
            });
        }
        schema
    }

    #[test]
    fn fires_when_the_target_lacks_the_composite_unique() {
        let ds = run("SG202", &schema(false));
        insta::assert_snapshot!(snap(&ds));
    }

    #[test]
    fn quiet_when_the_target_has_the_key() {
        assert!(run("SG202", &schema(true)).is_empty());
    }
}
