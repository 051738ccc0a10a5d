//! SG105 audit-columns: business tables carry the audit columns.

use crate::guard::{Family, Finding, Level, RuleInfo, SchemaCx};

pub const INFO: RuleInfo = RuleInfo {
    code: "SG105",
    name: "audit-columns",
    family: Family::Schema,
    default_level: Level::Warning,
    dialects: crate::guard::EVERY_DIALECT,
    summary: "A business table lacks audit columns",
    flags: "A tenant table missing any of `guard.audit_columns` (default `created_at`, `updated_at`, \
            `deleted_at`, `created_by`, `updated_by`, `deleted_by`); append-only tables need only \
            `guard.append_only_audit_columns` (default `created_at`).",
    why: "Support, billing disputes and compliance all start with \"who changed this row and when\"; \
          soft delete (`deleted_at`) keeps history that hard deletes lose. Columns added later have \
          no history for old rows.",
    fix: "Add `.audited()` to the table (timestamps, soft delete and the `*_by` references).",
};

pub fn check(cx: &SchemaCx<'_>, out: &mut Vec<Finding>) {
    for t in &cx.schema.tables {
        if !cx.is_tenant(t) {
            continue;
        }
        let wanted = if t.meta.append_only {
            &cx.config.append_only_audit_columns
        } else {
            &cx.config.audit_columns
        };
        let missing: Vec<String> = wanted
            .iter()
            .filter(|c| !t.has_column(c))
            .map(|c| format!("`{c}`"))
            .collect();
        if !missing.is_empty() {
            out.push(
                Finding::new(format!(
                    "business table `{}` lacks audit column{} {}",
                    t.name,
                    if missing.len() == 1 { "" } else { "s" },
                    missing.join(", ")
                ))
                .at(&t.origin)
                .table(&t.name)
                .help(
                    "add `.audited()`, or set `guard.audit_columns` to the project's audit columns",
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::dsl::*;
    use crate::guard::testing::*;

    #[test]
    fn fires_on_unaudited_business_table() {
        let mut s = base();
        s.table(TableRef::new("invoices"))
            .tenant_scoped()
            .id_tagged("inv")
            .col("created_at", timestamptz());
        let ds = run("SG105", &build(s));
        assert_at(&ds, &["TableRef::new(\"invoices\")"]);
        insta::assert_snapshot!(snap(&ds));
    }

    #[test]
    fn quiet_on_audited_and_append_only_tables() {
        let mut s = base();
        s.table(TableRef::new("invoices"))
            .tenant_scoped()
            .id_tagged("inv")
            .audited();
        s.table(TableRef::new("ledger"))
            .tenant_scoped()
            .id_tagged("led")
            .col("created_at", timestamptz().default_now())
            .append_only();
        assert!(run("SG105", &build(s)).is_empty());
    }
}
