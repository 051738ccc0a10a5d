//! Service level agreements: policies, measured metrics, breaches and credits.

use crate::enums::LIFECYCLE_STATUS;
use crate::fulfillment::{BOOKING_ORDERS, FULFILLMENT_UNITS};
use crate::group_accounts::GROUP_ACCOUNTS;
use schemactl::prelude::*;

pub const SLA_POLICIES: TableRef = TableRef::new("sla_policies");
pub const SLA_METRICS: TableRef = TableRef::new("sla_metrics");
pub const SLA_BREACH_EVENTS: TableRef = TableRef::new("sla_breach_events");
pub const SLA_CREDITS: TableRef = TableRef::new("sla_credits");

const SLA_METRIC_KIND: EnumDef = EnumDef::new(
    "sla_metric_kind",
    &[
        "response_time",
        "arrival_time",
        "completion_time",
        "uptime",
        "first_time_fix",
    ],
);
const SLA_CREDIT_STATUS: EnumDef =
    EnumDef::new("sla_credit_status", &["pending", "issued", "void"]);

pub fn declare(s: &mut SchemaBuilder) {
    s.domain("sla");

    s.table(SLA_POLICIES)
        .doc("A service level promised to a customer (on-site within 4 hours), optionally per group account, with the credit owed on breach.")
        .tenant_scoped()
        .id_tagged("sla_policy")
        .tenant_ref_opt("group_account_id", GROUP_ACCOUNTS)
        .col("name", text())
        .col("metric", enum_of(SLA_METRIC_KIND))
        .col("target_minutes", integer())
        .col("credit_percent", numeric(5, 2).default_number("0"))
        .col("status", enum_of(LIFECYCLE_STATUS).default_enum("draft"))
        .check("target_positive", "target_minutes > 0")
        .check("credit_range", "credit_percent BETWEEN 0 AND 100")
        .audited();

    s.table(SLA_METRICS)
        .doc("A measured SLA value for one fulfillment unit against its policy.")
        .tenant_scoped()
        .id_tagged("sla_metric")
        .tenant_ref("policy_id", SLA_POLICIES)
        .tenant_ref("fulfillment_unit_id", FULFILLMENT_UNITS)
        .col("measured_minutes", integer())
        .col("is_met", boolean())
        .col("measured_at", timestamptz().default_now())
        .unique(["biz_id", "policy_id", "fulfillment_unit_id"])
        .audited();

    s.table(SLA_BREACH_EVENTS)
        .doc("Immutable record of a missed service level, the trigger for credits and escalation.")
        .tenant_scoped()
        .id_tagged("sla_breach")
        .tenant_ref("metric_id", SLA_METRICS)
        .col("overage_minutes", integer())
        .col("occurred_at", timestamptz().default_now())
        .check("overage_positive", "overage_minutes > 0")
        .recorded()
        .append_only();

    s.table(SLA_CREDITS)
        .doc("A credit owed to the customer for an SLA breach, applied to their order or invoice.")
        .tenant_scoped()
        .id_tagged("sla_credit")
        .tenant_ref("breach_id", SLA_BREACH_EVENTS)
        .tenant_ref_opt("booking_order_id", BOOKING_ORDERS)
        .col("amount", money())
        .currency("currency")
        .col("status", enum_of(SLA_CREDIT_STATUS).default_enum("pending"))
        .check("amount_positive", "amount > 0")
        .audited();
}
