//! SG101 tenant-boundary: every business table carries the tenant column; exceptions are
//! declared global with a reason.

use crate::guard::{Family, Finding, Level, RuleInfo, SchemaCx};
use crate::model::Scope;

pub const INFO: RuleInfo = RuleInfo {
    code: "SG101",
    name: "tenant-boundary",
    family: Family::Schema,
    default_level: Level::Error,
    dialects: crate::guard::EVERY_DIALECT,
    summary: "A table neither carries the tenant column nor is declared global with a reason",
    flags: "A table without the tenant column (`guard.tenant.column`, default `biz_id`) that is not \
            declared global; a global table with an empty reason; a global table that carries the \
            tenant column anyway; a tenant-scoped table whose declared column is not the tenant column; a \
            tenant column without a foreign key to the tenant root. The tenant root (`guard.tenant.table`) is exempt.",
    why: "Tenant isolation is only as strong as its weakest table: one business table without the \
          tenant column cannot be filtered, row-level-secured or referenced tenant-safely, and rows \
          from every tenant mix in it.",
    fix: "Declare the table with `.tenant_scoped()` (adds the column, its FK and the `(tenant, id)` \
          unique), or `.global(\"<why it spans tenants>\")` for roots, catalogs and user-owned data. \
          Schemas read from SQL can list global tables in `guard.tenant.global_tables`.",
};

pub fn check(cx: &SchemaCx<'_>, out: &mut Vec<Finding>) {
    let tc = cx.tenant_column();
    for t in &cx.schema.tables {
        if cx.is_tenant_root(t) {
            continue;
        }
        let has = t.has_column(tc);
        let f = |msg: String| Finding::new(msg).at(&t.origin).table(&t.name);
        match (&t.meta.scope, cx.global_reason(t)) {
            (Scope::Tenant { column }, _) if column != tc || !has => out.push(
                f(format!(
                    "table `{}` is tenant-scoped by `{column}`, but the project's tenant column is `{tc}`",
                    t.name
                ))
                .help(format!("scope it by `{tc}` or set `guard.tenant.column`")),
            ),
            (Scope::Tenant { .. }, _) => {}
            (_, Some(reason)) if reason.trim().is_empty() => out.push(
                f(format!("table `{}` is declared global without a reason", t.name))
                    .help("say why it spans tenants: `.global(\"<reason>\")`"),
            ),
            (_, Some(_)) if has => out.push(
                f(format!(
                    "table `{}` is declared global but carries the tenant column `{tc}`",
                    t.name
                ))
                .help(format!(
                    "either it belongs to a tenant (`.tenant_scoped()`) or `{tc}` does not belong on it"
                )),
            ),
            (_, Some(_)) => {}
            (_, None) if !has => out.push(
                f(format!(
                    "business table `{}` has no `{tc}` column and is not declared global",
                    t.name
                ))
                .help(format!(
                    "add `.tenant_scoped()` to carry `{tc}`, or `.global(\"<reason>\")` if it spans tenants"
                )),
            ),
            (_, None) => {}
        }
        // A tenant column without its FK to the tenant root accepts tenants that do not exist.
        if cx.is_tenant(t) && has {
            let root = cx.config.tenant.table.as_str();
            let linked = t.foreign_keys.iter().any(|fk| {
                fk.columns.len() == 1
                    && fk.columns[0] == tc
                    && (fk.ref_table.to_string() == root || fk.ref_table.name == root)
            });
            if !linked {
                out.push(
                    f(format!(
                        "tenant column `{}.{tc}` has no foreign key to the tenant root `{root}`",
                        t.name
                    ))
                    .help(format!(
                        "`.tenant_scoped()` declares `{tc}` with its FK to `{root}`"
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
    use crate::guard::GuardConfig;

    #[test]
    fn fires_on_unscoped_table_and_global_with_tenant_column() {
        let mut s = base();
        s.table(TableRef::new("invoices")).doc("x").id_tagged("inv");
        s.table(TableRef::new("odd")).global("").id_tagged("odd");
        s.table(TableRef::new("loose"))
            .id_tagged("loose")
            .col("biz_id", text());
        s.table(TableRef::new("mixed"))
            .global("catalog")
            .id_tagged("mixed")
            .col("biz_id", text());
        let ds = run("SG101", &build(s));
        assert_eq!(ds.len(), 4);
        assert_at(&ds[..1], &["TableRef::new(\"invoices\")"]);
        insta::assert_snapshot!(snap(&ds));
    }

    #[test]
    fn quiet_on_tenant_scoped_and_reasoned_global() {
        let mut s = base();
        s.table(TableRef::new("invoices"))
            .tenant_scoped()
            .id_tagged("inv");
        s.table(TableRef::new("currencies"))
            .global("shared catalog")
            .id_tagged("cur");
        assert!(run("SG101", &build(s)).is_empty());
    }

    #[test]
    fn config_can_declare_global_tables_and_another_tenant_column() {
        let mut s = base();
        s.table(TableRef::new("currencies")).id_tagged("cur");
        s.table(TableRef::new("docs"))
            .id_tagged("doc")
            .col("tenant_id", text())
            .fk(["tenant_id"], BIZES, ["id"])
            .index(["tenant_id"]);
        let mut c = GuardConfig::default();
        c.tenant.column = "tenant_id".into();
        c.tenant
            .global_tables
            .insert("currencies".into(), "catalog".into());
        assert!(run_with("SG101", &build(s), c).is_empty());
    }
}
