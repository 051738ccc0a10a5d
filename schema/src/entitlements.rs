//! Entitlements: memberships plans, subscriptions, wallets of credits and their ledger.

use crate::enums::{LIFECYCLE_STATUS, RUN_STATUS};
use crate::fulfillment::{BOOKING_ORDER_LINES, FULFILLMENT_UNITS};
use crate::product_commerce::SELLABLES;
use crate::users::USERS;
use schemactl::prelude::*;

pub const MEMBERSHIP_PLANS: TableRef = TableRef::new("membership_plans");
pub const MEMBERSHIP_SUBSCRIPTIONS: TableRef = TableRef::new("membership_subscriptions");
pub const ENTITLEMENT_GRANTS: TableRef = TableRef::new("entitlement_grants");
pub const ENTITLEMENT_WALLETS: TableRef = TableRef::new("entitlement_wallets");
pub const ENTITLEMENT_LEDGER_ENTRIES: TableRef = TableRef::new("entitlement_ledger_entries");
pub const ENTITLEMENT_ROLLOVER_RUNS: TableRef = TableRef::new("entitlement_rollover_runs");

const BILLING_INTERVAL: EnumDef =
    EnumDef::new("billing_interval", &["week", "month", "quarter", "year"]);
const SUBSCRIPTION_STATUS: EnumDef = EnumDef::new(
    "subscription_status",
    &[
        "trialing",
        "active",
        "past_due",
        "paused",
        "cancelled",
        "expired",
    ],
);
const ENTITLEMENT_UNIT: EnumDef = EnumDef::new(
    "entitlement_unit",
    &["credit", "session", "minute", "money"],
);
const ENTITLEMENT_ENTRY_TYPE: EnumDef = EnumDef::new(
    "entitlement_entry_type",
    &[
        "grant",
        "consume",
        "refund",
        "expire",
        "rollover",
        "adjustment",
    ],
);

pub fn declare(s: &mut SchemaBuilder) {
    s.domain("entitlements");

    s.table(MEMBERSHIP_PLANS)
        .doc("A recurring membership a biz sells (10 classes a month, unlimited gym), priced per billing interval and granting entitlements.")
        .tenant_scoped()
        .id_tagged("membership_plan")
        .tenant_ref_opt("sellable_id", SELLABLES)
        .col("name", text())
        .col("interval", enum_of(BILLING_INTERVAL).default_enum("month"))
        .col("price", money())
        .currency("currency")
        .col("trial_days", integer().default_int(0))
        .col("status", enum_of(LIFECYCLE_STATUS).default_enum("draft"))
        .check("price_non_negative", "price >= 0")
        .audited();

    s.table(MEMBERSHIP_SUBSCRIPTIONS)
        .doc("A customer's subscription to a membership plan, with its current billing period.")
        .tenant_scoped()
        .id_tagged("subscription")
        .tenant_ref("plan_id", MEMBERSHIP_PLANS)
        .references("user_id", USERS, text())
        .col("current_period_start", timestamptz())
        .col("current_period_end", timestamptz())
        .col("cancel_at_period_end", boolean().default_bool(false))
        .col(
            "status",
            enum_of(SUBSCRIPTION_STATUS).default_enum("active"),
        )
        .check("period_order", "current_period_end > current_period_start")
        .audited();

    s.table(ENTITLEMENT_GRANTS)
        .doc("What a plan or purchase grants per period (8 class credits, 120 minutes), and which sellables it can be spent on.")
        .tenant_scoped()
        .id_tagged("entitlement_grant")
        .tenant_ref_opt("plan_id", MEMBERSHIP_PLANS)
        .tenant_ref_opt("booking_order_line_id", BOOKING_ORDER_LINES)
        .col("unit", enum_of(ENTITLEMENT_UNIT))
        .col("quantity", numeric(10, 2))
        .col("applies_to_sellable_ids", array(text()).default_sql("'{}'::text[]"))
        .col("rollover_max", numeric(10, 2).null())
        .col("is_active", boolean().default_bool(true))
        .check("source_present", "(plan_id IS NOT NULL)::int + (booking_order_line_id IS NOT NULL)::int = 1")
        .check("quantity_positive", "quantity > 0")
        .audited();

    s.table(ENTITLEMENT_WALLETS)
        .doc("A customer's balance of one entitlement unit; a cache of the entitlement ledger.")
        .tenant_scoped()
        .id_tagged("entitlement_wallet")
        .references("user_id", USERS, text())
        .col("unit", enum_of(ENTITLEMENT_UNIT))
        .col("balance", numeric(10, 2).default_number("0"))
        .col("expires_at", timestamptz().null())
        .col("is_active", boolean().default_bool(true))
        .check("balance_non_negative", "balance >= 0")
        .unique(["biz_id", "user_id", "unit"])
        .audited();

    s.table(ENTITLEMENT_LEDGER_ENTRIES)
        .doc("Immutable entitlement ledger: every grant, consumption, refund, expiry and rollover of a wallet.")
        .tenant_scoped()
        .id_tagged("entitlement_entry")
        .tenant_ref("wallet_id", ENTITLEMENT_WALLETS)
        .col("type", enum_of(ENTITLEMENT_ENTRY_TYPE))
        .col("quantity_delta", numeric(10, 2))
        .tenant_ref_opt("grant_id", ENTITLEMENT_GRANTS)
        .tenant_ref_opt("fulfillment_unit_id", FULFILLMENT_UNITS)
        .col("occurred_at", timestamptz().default_now())
        .check("delta_non_zero", "quantity_delta <> 0")
        .recorded()
        .append_only();

    s.table(ENTITLEMENT_ROLLOVER_RUNS)
        .doc("A period-end job that expires or rolls over unused entitlements.")
        .tenant_scoped()
        .id_tagged("rollover_run")
        .col("period_end", timestamptz())
        .col("wallets_processed", integer().default_int(0))
        .col("status", enum_of(RUN_STATUS).default_enum("queued"))
        .audited();
}
