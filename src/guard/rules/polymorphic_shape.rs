//! SG108 polymorphic-shape: polymorphic references are held in shape by a constraint.

use crate::guard::config::matches_any;
use crate::guard::{column_origin, mentions, Family, Finding, Level, RuleInfo, SchemaCx};
use crate::model::{ColumnType, Table};

pub const INFO: RuleInfo = RuleInfo {
    code: "SG108",
    name: "polymorphic-shape",
    family: Family::Schema,
    default_level: Level::Warning,
    dialects: crate::guard::EVERY_DIALECT,
    summary: "A polymorphic reference is not covered by a shape check",
    flags: "(a) A `<p>_type` + `<p>_id` column pair that no foreign key covers together and no CHECK \
            names together (a unique key holding both, as in a registry table, is fine). (b) An enum \
            selector column (`guard.polymorphic.selectors`, default `type`, `kind`, `*_type`, `*_kind`) \
            whose labels name two or more nullable foreign-key columns (label `asset` names \
            `asset_id`, label `host` names `host_user_id`), where some of those columns appear in no \
            CHECK that also names the selector. References no label names are not the selector's \
            targets and are not counted; neither are columns in `guard.fk_index_ignore` (audit `*_by`).",
    why: "Without a shape check a row can say `type = 'room'` and point at a member, or set two \
          targets at once, or none; every reader then has to guess which column is authoritative.",
    fix: "Reference a registry with a composite FK (`.subject_ref(..)`), or add the shape check with \
          `.exactly_one_by(\"type\", &[(\"room\", \"room_id\"), ..])`.",
};

pub fn check(cx: &SchemaCx<'_>, out: &mut Vec<Finding>) {
    let poly = &cx.config.polymorphic;
    for t in &cx.schema.tables {
        // (a) `<p>_type` + `<p>_id` pairs.
        for c in &t.columns {
            let Some(prefix) = c.name.strip_suffix(poly.type_suffix.as_str()) else {
                continue;
            };
            if prefix.is_empty() {
                continue;
            }
            let id = format!("{prefix}{}", poly.id_suffix);
            if !t.has_column(&id) {
                continue;
            }
            let by_fk = t
                .foreign_keys
                .iter()
                .any(|fk| fk.columns.contains(&c.name) && fk.columns.iter().any(|x| *x == id));
            let by_check = t
                .checks
                .iter()
                .any(|k| mentions(&k.expression, &c.name) && mentions(&k.expression, &id));
            // A registry's own `(type, id)` key is what others reference, not a reference.
            let by_key = t
                .uniques
                .iter()
                .map(|u| &u.columns)
                .chain(t.primary_key.as_ref().map(|pk| &pk.columns))
                .any(|cols| cols.contains(&c.name) && cols.iter().any(|x| *x == id));
            if !by_fk && !by_check && !by_key {
                out.push(
                    Finding::new(format!(
                        "polymorphic pair `{}.{}` + `{id}` is held by no foreign key and no check",
                        t.name, c.name
                    ))
                    .at(column_origin(t, c))
                    .table(&t.name)
                    .help("reference a registry with a composite FK (`.subject_ref(..)`) or add a CHECK tying the type to the id"),
                );
            }
        }
        // (b) an enum selector choosing among the nullable references its labels name.
        let all_refs = nullable_refs(cx, t);
        if all_refs.len() < 2 {
            continue;
        }
        for c in &t.columns {
            if !matches_any(&poly.selectors, &c.name) || all_refs.contains(&c.name.as_str()) {
                continue;
            }
            let ColumnType::Enum { name } = &c.ty else {
                continue;
            };
            let Some(labels) = cx.schema.enum_type(name).map(|e| &e.values) else {
                continue;
            };
            let refs: Vec<&str> = all_refs
                .iter()
                .copied()
                .filter(|r| labels.iter().any(|l| r.starts_with(&format!("{l}_"))))
                // The type half of a `<p>_type` + `<p>_id` pair is covered with its id, by (a).
                .filter(|r| {
                    r.strip_suffix(poly.type_suffix.as_str()).is_none_or(|p| {
                        !all_refs.contains(&format!("{p}{}", poly.id_suffix).as_str())
                    })
                })
                .collect();
            if refs.len() < 2 {
                continue;
            }
            let uncovered: Vec<&str> = refs
                .iter()
                .copied()
                .filter(|r| {
                    !t.checks
                        .iter()
                        .any(|k| mentions(&k.expression, &c.name) && mentions(&k.expression, r))
                })
                .collect();
            if !uncovered.is_empty() {
                out.push(
                    Finding::new(format!(
                        "`{}.{}` selects among nullable references {}, but no check ties {} to it",
                        t.name,
                        c.name,
                        quoted(&refs),
                        quoted(&uncovered)
                    ))
                    .at(column_origin(t, c))
                    .table(&t.name)
                    .help(format!(
                        "add `.exactly_one_by(\"{}\", &[(\"<value>\", \"<column>\"), ..])` so each value sets exactly its column",
                        c.name
                    )),
                );
            }
        }
    }
}

/// Nullable single-table FK columns, audit references excluded, in column order.
fn nullable_refs<'a>(cx: &SchemaCx<'_>, t: &'a Table) -> Vec<&'a str> {
    t.columns
        .iter()
        .filter(|c| c.nullable && !cx.config.fk_index_ignore.iter().any(|x| *x == c.name))
        .filter(|c| t.foreign_keys.iter().any(|fk| fk.columns.contains(&c.name)))
        .map(|c| c.name.as_str())
        .collect()
}

fn quoted(cols: &[&str]) -> String {
    cols.iter()
        .map(|c| format!("`{c}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use crate::dsl::*;
    use crate::guard::testing::*;

    const ROOMS: TableRef = TableRef::new("rooms");
    const DESKS: TableRef = TableRef::new("desks");
    const HOLD_KIND: EnumDef = EnumDef::new("hold_kind", &["room", "desk"]);
    const MEMBER_KIND: EnumDef = EnumDef::new("member_kind", &["staff", "client"]);

    fn parents(s: &mut SchemaBuilder) {
        s.table(ROOMS).tenant_scoped().id_tagged("room");
        s.table(DESKS).tenant_scoped().id_tagged("desk");
    }

    #[test]
    fn fires_on_unchecked_pair_and_selector() {
        let mut s = base();
        parents(&mut s);
        s.table(TableRef::new("notes"))
            .tenant_scoped()
            .id_tagged("n")
            .col("owner_type", text())
            .col("owner_id", text());
        s.table(TableRef::new("holds"))
            .tenant_scoped()
            .id_tagged("h")
            .col("kind", enum_of(HOLD_KIND))
            .tenant_ref_opt("room_id", ROOMS)
            .tenant_ref_opt("desk_id", DESKS);
        let ds = run("SG108", &build(s));
        assert_at(&ds, &[".col(\"owner_type\"", ".col(\"kind\""]);
        insta::assert_snapshot!(snap(&ds));
    }

    #[test]
    fn quiet_with_shape_check_or_composite_fk() {
        let mut s = base();
        parents(&mut s);
        s.table(TableRef::new("subjects"))
            .tenant_scoped()
            .id_tagged("subject")
            .col("subject_type", text())
            .col("subject_id", text())
            .unique(["biz_id", "subject_type", "subject_id"]);
        s.table(TableRef::new("notes"))
            .tenant_scoped()
            .id_tagged("n")
            .subject_ref("owner", true);
        s.table(TableRef::new("holds"))
            .tenant_scoped()
            .id_tagged("h")
            .col("kind", enum_of(HOLD_KIND))
            .tenant_ref_opt("room_id", ROOMS)
            .tenant_ref_opt("desk_id", DESKS)
            .exactly_one_by("kind", &[("room", "room_id"), ("desk", "desk_id")]);
        // A classifier whose labels name none of the references is not a selector.
        s.table(TableRef::new("members"))
            .tenant_scoped()
            .id_tagged("m")
            .col("kind", enum_of(MEMBER_KIND))
            .tenant_ref_opt("room_id", ROOMS)
            .tenant_ref_opt("desk_id", DESKS);
        assert!(run("SG108", &build(s)).is_empty());
    }
}
