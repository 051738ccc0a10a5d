//! Checks over the canonical model itself (no database): documentation, tenancy, size and the
//! conventions every table follows.

mod common;

use common::*;
use schemactl::model::{ColumnType, Scope};

const TENANT: &str = "biz_id";

fn is_tenant(t: &schemactl::model::Table) -> bool {
    matches!(t.meta.scope, Scope::Tenant { .. })
}

#[test]
fn the_canonical_schema_has_at_least_250_tables() {
    let n = schema().tables.len();
    assert!(n >= 250, "only {n} tables");
}

#[test]
fn every_table_says_what_it_is() {
    let missing: Vec<String> = schema()
        .tables
        .iter()
        .filter(|t| t.doc.as_deref().unwrap_or("").len() < 40)
        .map(|t| t.name.to_string())
        .collect();
    assert!(
        missing.is_empty(),
        "these tables need a doc saying what they are, why and how they connect: {missing:?}"
    );
}

#[test]
fn every_table_is_tenant_scoped_or_declared_global() {
    for t in &schema().tables {
        match &t.meta.scope {
            Scope::Tenant { column } => {
                assert_eq!(column, TENANT, "`{}`", t.name);
                assert!(t.has_column(TENANT), "`{}` lacks {TENANT}", t.name);
                assert!(
                    t.foreign_keys
                        .iter()
                        .any(|fk| fk.columns == [TENANT] && fk.ref_table.name == "bizes"),
                    "`{}` does not reference bizes",
                    t.name
                );
                assert!(
                    t.has_unique_key(&[TENANT.to_string(), "id".to_string()]),
                    "`{}` lacks the ({TENANT}, id) unique composite FKs need",
                    t.name
                );
            }
            Scope::Global { reason } => {
                assert!(
                    !reason.trim().is_empty(),
                    "`{}` is global without a reason",
                    t.name
                );
                assert!(
                    !t.has_column(TENANT),
                    "global `{}` carries {TENANT}",
                    t.name
                );
            }
            other => panic!(
                "`{}` is neither tenant-scoped nor global: {other:?}",
                t.name
            ),
        }
    }
}

#[test]
fn references_into_tenant_tables_are_composite_and_tenant_safe() {
    let s = schema();
    for t in &s.tables {
        for fk in &t.foreign_keys {
            let target = s.table(&fk.ref_table).expect("validated");
            if !is_tenant(target) {
                continue;
            }
            assert!(
                fk.ref_columns.first().map(|c| c.as_str()) == Some(TENANT),
                "`{}`.{} references tenant table `{}` without {TENANT}: {:?}",
                t.name,
                fk.name,
                target.name,
                fk.ref_columns
            );
            // Within a tenant, the child's own tenant column leads the FK; only the
            // marketplace's deliberate cross-biz links use another biz column.
            let lead = fk.columns[0].as_str();
            assert!(
                lead == TENANT
                    || (t.name.name == "cross_biz_order_lines" && lead == "fulfilling_biz_id"),
                "`{}`.{} crosses tenants via `{lead}`",
                t.name,
                fk.name
            );
        }
    }
}

#[test]
fn ids_are_tagged_text_primary_keys() {
    for t in &schema().tables {
        let pk = t
            .primary_key
            .as_ref()
            .unwrap_or_else(|| panic!("`{}` has no primary key", t.name));
        assert_eq!(pk.columns, ["id"], "`{}`", t.name);
        assert!(
            matches!(t.column("id").unwrap().ty, ColumnType::Text),
            "`{}`",
            t.name
        );
        assert!(
            t.checks.iter().any(|c| c.name.ends_with("_id_tag_check")),
            "`{}`",
            t.name
        );
    }
}

#[test]
fn one_lifecycle_control_and_classifiers_are_enums() {
    for t in &schema().tables {
        assert!(
            !(t.has_column("status") && t.has_column("is_active")),
            "`{}` has both status and is_active",
            t.name
        );
        for name in ["status", "type", "visibility", "kind"] {
            if let Some(c) = t.column(name) {
                assert!(
                    matches!(c.ty, ColumnType::Enum { .. }),
                    "`{}.{name}` is a classifier but not an enum",
                    t.name
                );
            }
        }
    }
}

#[test]
fn business_tables_are_audited_or_append_only() {
    for t in schema().tables.iter().filter(|t| is_tenant(t)) {
        if t.meta.append_only {
            assert!(
                t.has_column("created_at") && t.has_column("created_by"),
                "`{}`",
                t.name
            );
            assert!(
                !t.has_column("deleted_at"),
                "append-only `{}` has soft delete",
                t.name
            );
        } else {
            for c in [
                "created_at",
                "updated_at",
                "deleted_at",
                "created_by",
                "updated_by",
                "deleted_by",
            ] {
                assert!(t.has_column(c), "`{}` is not audited (no {c})", t.name);
            }
        }
    }
}

#[test]
fn ledgers_and_event_logs_are_append_only() {
    let must = [
        "payment_transactions",
        "compensation_ledger_entries",
        "secured_balance_ledger_entries",
        "stock_movements",
        "audit_events",
        "lifecycle_events",
        "policy_breach_events",
        "policy_consequence_events",
        "phi_access_events",
        "phi_disclosure_events",
        "credential_disclosure_events",
        "entitlement_ledger_entries",
        "discount_ledger_entries",
        "leave_ledger_entries",
        "workflow_decisions",
        "queue_events",
    ];
    for name in must {
        assert!(
            table_of(name).meta.append_only,
            "`{name}` must be append-only"
        );
    }
}

#[test]
fn money_sits_beside_a_checked_currency_code() {
    let money = ColumnType::Numeric {
        precision: Some(12),
        scale: Some(2),
    };
    for t in &schema().tables {
        if !t.columns.iter().any(|c| c.ty == money) {
            continue;
        }
        let currency = t
            .columns
            .iter()
            .find(|c| c.name.ends_with("currency"))
            .unwrap_or_else(|| panic!("`{}` holds money but no currency", t.name));
        assert_eq!(currency.ty, ColumnType::Char { length: 3 }, "`{}`", t.name);
        assert!(
            t.checks.iter().any(|c| c.expression.contains("^[A-Z]{3}$")),
            "`{}` does not check its currency code",
            t.name
        );
    }
}

#[test]
fn every_canonical_module_declares_tables() {
    let modules = [
        "bizes",
        "users",
        "auth",
        "memberships",
        "group_accounts",
        "locations",
        "subjects",
        "services",
        "service_products",
        "products",
        "product_commerce",
        "assets",
        "venues",
        "resources",
        "offers",
        "supply",
        "time_availability",
        "calendar_sync",
        "credential_exchange",
        "fulfillment",
        "payments",
        "compensation",
        "sellable_variants",
        "demand_pricing",
        "entitlements",
        "channels",
        "intelligence",
        "education",
        "progression",
        "audit",
        "extensions",
        "access_rights",
        "checkout",
        "session_interactions",
        "interaction_forms",
        "communications",
        "surveys",
        "promotions",
        "work_management",
        "notes",
        "queue",
        "transportation",
        "marketplace",
        "operations_backbone",
        "enterprise",
        "governance",
        "hipaa",
        "workflows",
        "ar",
        "commitments",
        "sla",
        "tax_fx",
        "leave",
        "offline",
        "reporting",
        "stripe",
    ];
    for m in modules {
        assert!(
            schema()
                .tables
                .iter()
                .any(|t| t.meta.domain.as_deref() == Some(m)),
            "module `{m}` declares no table"
        );
    }
}

#[test]
fn only_root_and_user_owned_tables_are_global() {
    let mut global: Vec<&str> = schema()
        .tables
        .iter()
        .filter(|t| matches!(t.meta.scope, Scope::Global { .. }))
        .map(|t| t.name.name.as_str())
        .collect();
    global.sort_unstable();
    assert_eq!(
        global,
        [
            "auth_accounts",
            "auth_api_keys",
            "auth_mfa_factors",
            "auth_sessions",
            "auth_verification_tokens",
            "bizes",
            "extension_definitions",
            "extension_permission_definitions",
            "stripe_webhook_events",
            "user_contact_methods",
            "user_credential_documents",
            "user_credential_facts",
            "user_credential_records",
            "user_profiles",
            "users",
        ]
    );
}
