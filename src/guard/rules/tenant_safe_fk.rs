//! SG102 tenant-safe-fk: a reference between two tenant tables includes the tenant column.

use crate::guard::{Family, Finding, Level, RuleInfo, SchemaCx};

pub const INFO: RuleInfo = RuleInfo {
    code: "SG102",
    name: "tenant-safe-fk",
    family: Family::Schema,
    default_level: Level::Error,
    dialects: crate::guard::EVERY_DIALECT,
    summary: "A foreign key between two tenant tables does not include the tenant column",
    flags: "A foreign key from a tenant table to another tenant table (not the tenant root) whose \
            columns do not pair the child's tenant column with the parent's, e.g. \
            `(room_id) -> rooms (id)` instead of `(biz_id, room_id) -> rooms (biz_id, id)`.",
    why: "A single-column FK only proves the parent row exists somewhere: a row of tenant A can point \
          at tenant B's row and every join leaks across tenants. Including the tenant column makes the \
          database prove both rows belong to the same tenant.",
    fix: "Use `.tenant_ref(col, PARENT)` / `.tenant_ref_opt(..)` (composite FK plus its index), or \
          `.tenant_fk(..)` on existing columns; the parent needs the `(tenant, id)` unique that \
          `.tenant_scoped()` declares.",
};

pub fn check(cx: &SchemaCx<'_>, out: &mut Vec<Finding>) {
    let tc = cx.tenant_column();
    for t in &cx.schema.tables {
        if !cx.is_tenant(t) {
            continue;
        }
        for fk in &t.foreign_keys {
            let Some(parent) = cx.table(&fk.ref_table) else {
                continue;
            };
            if !cx.is_tenant(parent) {
                continue;
            }
            let paired = fk
                .columns
                .iter()
                .zip(&fk.ref_columns)
                .any(|(c, r)| c == tc && r == tc);
            if !paired {
                out.push(
                    Finding::new(format!(
                        "foreign key `{}` from tenant table `{}` to tenant table `{}` does not include `{tc}`",
                        fk.name, t.name, parent.name
                    ))
                    .at(&fk.origin)
                    .table(&t.name)
                    .help(format!(
                        "reference `({tc}, {cols}) -> {p} ({tc}, {refs})`, e.g. with `.tenant_ref(..)`, so both rows share a tenant",
                        cols = fk.columns.join(", "),
                        p = parent.name,
                        refs = fk.ref_columns.join(", ")
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

    const ROOMS: TableRef = TableRef::new("rooms");

    fn rooms(s: &mut SchemaBuilder) {
        s.table(ROOMS).tenant_scoped().id_tagged("room");
    }

    #[test]
    fn fires_on_single_column_fk_between_tenant_tables() {
        let mut s = base();
        rooms(&mut s);
        s.table(TableRef::new("bookings"))
            .tenant_scoped()
            .id_tagged("bk")
            .references("room_id", ROOMS, text());
        let ds = run("SG102", &build(s));
        assert_at(&ds, &[".references(\"room_id\""]);
        insta::assert_snapshot!(snap(&ds));
    }

    #[test]
    fn quiet_on_composite_fk_and_on_global_parents() {
        let mut s = base();
        rooms(&mut s);
        s.table(TableRef::new("bookings"))
            .tenant_scoped()
            .id_tagged("bk")
            .tenant_ref("room_id", ROOMS)
            .references("owner_id", USERS, text());
        assert!(run("SG102", &build(s)).is_empty());
    }
}
