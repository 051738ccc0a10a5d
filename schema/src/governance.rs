//! Generic policy and consequence backbone, plus data retention and legal holds.

use crate::enums::{LIFECYCLE_STATUS, SCOPE_KIND};
use crate::fulfillment::BOOKING_ORDERS;
use crate::locations::LOCATIONS;
use crate::payments::PAYMENT_TRANSACTIONS;
use crate::users::USERS;
use crate::workflows::WORKFLOW_INSTANCES;
use schemactl::prelude::*;

pub const POLICY_TEMPLATES: TableRef = TableRef::new("policy_templates");
pub const POLICY_RULES: TableRef = TableRef::new("policy_rules");
pub const POLICY_BINDINGS: TableRef = TableRef::new("policy_bindings");
pub const POLICY_BREACH_EVENTS: TableRef = TableRef::new("policy_breach_events");
pub const POLICY_CONSEQUENCE_EVENTS: TableRef = TableRef::new("policy_consequence_events");
pub const DATA_RETENTION_POLICIES: TableRef = TableRef::new("data_retention_policies");
pub const LEGAL_HOLDS: TableRef = TableRef::new("legal_holds");

const POLICY_DOMAIN: EnumDef = EnumDef::new(
    "policy_domain",
    &[
        "cancellation",
        "no_show",
        "late_arrival",
        "conduct",
        "payment",
        "safety",
        "custom",
    ],
);
const BREACH_SEVERITY: EnumDef = EnumDef::new(
    "breach_severity",
    &["minor", "moderate", "major", "critical"],
);
const CONSEQUENCE_TYPE: EnumDef = EnumDef::new(
    "consequence_type",
    &[
        "fee_charged",
        "deposit_forfeited",
        "credit_revoked",
        "warning_issued",
        "booking_restricted",
        "account_suspended",
        "waived",
    ],
);
const RETENTION_ACTION: EnumDef =
    EnumDef::new("retention_action", &["anonymize", "delete", "archive"]);
const LEGAL_HOLD_STATUS: EnumDef = EnumDef::new("legal_hold_status", &["active", "released"]);

pub fn declare(s: &mut SchemaBuilder) {
    s.domain("governance");

    s.table(POLICY_TEMPLATES)
        .doc("A reusable rulebook (cancellation policy, no-show policy, conduct code) instead of industry-specific penalty tables.")
        .tenant_scoped()
        .id_tagged("policy_template")
        .col("domain", enum_of(POLICY_DOMAIN))
        .col("name", text())
        .col("description", text().null())
        .col("version", integer().default_int(1))
        .col("status", enum_of(LIFECYCLE_STATUS).default_enum("draft"))
        .audited();

    s.table(POLICY_RULES)
        .doc("One rule of a policy template: a condition (e.g. cancelled < 24h before start) and the consequence it prescribes.")
        .tenant_scoped()
        .id_tagged("policy_rule")
        .tenant_ref("template_id", POLICY_TEMPLATES)
        .col("sequence", integer())
        .col("condition", jsonb())
        .col("consequence", enum_of(CONSEQUENCE_TYPE))
        .col("fee_amount", money().null())
        .col("fee_percent", numeric(5, 2).null())
        .currency("currency")
        .col("severity", enum_of(BREACH_SEVERITY).default_enum("minor"))
        .check("fee_shape", "consequence <> 'fee_charged' OR (fee_amount IS NOT NULL)::int + (fee_percent IS NOT NULL)::int = 1")
        .unique(["biz_id", "template_id", "sequence"])
        .audited();

    s.table(POLICY_BINDINGS)
        .doc("Attaches a policy template to where it applies: the biz, a location, or a custom subject (offer, service, plugin entity).")
        .tenant_scoped()
        .id_tagged("policy_binding")
        .tenant_ref("template_id", POLICY_TEMPLATES)
        .col("scope", enum_of(SCOPE_KIND))
        .tenant_ref_opt("location_id", LOCATIONS)
        .subject_ref("custom", true)
        .window("effective_from", "effective_until", Window::OpenEnded)
        .col("is_active", boolean().default_bool(true))
        .check(
            "scope_shape",
            "scope IN ('biz', 'location', 'custom_subject') \
             AND (scope = 'location') = (location_id IS NOT NULL) \
             AND (scope = 'custom_subject') = (custom_subject_id IS NOT NULL)",
        )
        .audited();

    s.table(POLICY_BREACH_EVENTS)
        .doc("Immutable violation ledger: a rule was breached by someone, on what, when, with evidence.")
        .tenant_scoped()
        .id_tagged("policy_breach")
        .tenant_ref("rule_id", POLICY_RULES)
        .references("subject_user_id", USERS, text().null())
        .tenant_ref_opt("booking_order_id", BOOKING_ORDERS)
        .col("severity", enum_of(BREACH_SEVERITY))
        .col("evidence", jsonb().default_sql("'{}'::jsonb"))
        .col("occurred_at", timestamptz().default_now())
        .recorded()
        .append_only();

    s.table(POLICY_CONSEQUENCE_EVENTS)
        .doc("Immutable consequence/remediation ledger for a breach (fee charged, warning, waiver), with optional deep links into finance and workflow artifacts.")
        .tenant_scoped()
        .id_tagged("policy_consequence")
        .tenant_ref("breach_id", POLICY_BREACH_EVENTS)
        .col("type", enum_of(CONSEQUENCE_TYPE))
        .col("amount", money().null())
        .currency("currency")
        .tenant_ref_opt("payment_transaction_id", PAYMENT_TRANSACTIONS)
        .tenant_ref_opt("workflow_instance_id", WORKFLOW_INSTANCES)
        .col("note", text().null())
        .col("occurred_at", timestamptz().default_now())
        .recorded()
        .append_only();

    s.table(DATA_RETENTION_POLICIES)
        .doc("How long a biz keeps a class of records before purge or anonymization.")
        .tenant_scoped()
        .id_tagged("retention_policy")
        .col("record_class", text())
        .col("retain_days", integer())
        .col(
            "action",
            enum_of(RETENTION_ACTION).default_enum("anonymize"),
        )
        .col("is_active", boolean().default_bool(true))
        .check("retain_days_positive", "retain_days > 0")
        .unique(["biz_id", "record_class"])
        .audited();

    s.table(LEGAL_HOLDS)
        .doc("A legal hold suspending retention purges for a subject while litigation or investigation runs.")
        .tenant_scoped()
        .id_tagged("legal_hold")
        .subject_ref("target", false)
        .col("matter", text())
        .col("placed_at", timestamptz().default_now())
        .col("released_at", timestamptz().null())
        .col("status", enum_of(LEGAL_HOLD_STATUS).default_enum("active"))
        .check("released_shape", "(status = 'released') = (released_at IS NOT NULL)")
        .audited();
}
