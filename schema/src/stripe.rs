//! Stripe mirror: selected provider objects for webhook idempotency and reconciliation, linked
//! to canonical commercial entities.

use crate::fulfillment::BOOKING_ORDERS;
use crate::marketplace::CROSS_BIZ_ORDERS;
use crate::payments::{PAYMENT_INTENTS, PAYMENT_TRANSACTIONS, PAYOUTS};
use crate::users::USERS;
use schemactl::prelude::*;

pub const STRIPE_ACCOUNTS: TableRef = TableRef::new("stripe_accounts");
pub const STRIPE_CUSTOMERS: TableRef = TableRef::new("stripe_customers");
pub const STRIPE_PAYMENT_INTENTS: TableRef = TableRef::new("stripe_payment_intents");
pub const STRIPE_CHARGES: TableRef = TableRef::new("stripe_charges");
pub const STRIPE_REFUNDS: TableRef = TableRef::new("stripe_refunds");
pub const STRIPE_PAYOUTS: TableRef = TableRef::new("stripe_payouts");
pub const STRIPE_WEBHOOK_EVENTS: TableRef = TableRef::new("stripe_webhook_events");

const STRIPE_ACCOUNT_STATUS: EnumDef = EnumDef::new(
    "stripe_account_status",
    &["onboarding", "active", "restricted", "disabled"],
);
const WEBHOOK_PROCESSING_STATUS: EnumDef = EnumDef::new(
    "webhook_processing_status",
    &["received", "processed", "ignored", "failed"],
);

pub fn declare(s: &mut SchemaBuilder) {
    s.domain("stripe");

    s.table(STRIPE_ACCOUNTS)
        .doc("The biz's connected Stripe account and its onboarding/capability state.")
        .tenant_scoped()
        .id_tagged("stripe_account")
        .col("stripe_account_id", text().unique())
        .col("charges_enabled", boolean().default_bool(false))
        .col("payouts_enabled", boolean().default_bool(false))
        .currency("default_currency")
        .col(
            "status",
            enum_of(STRIPE_ACCOUNT_STATUS).default_enum("onboarding"),
        )
        .audited();

    s.table(STRIPE_CUSTOMERS)
        .doc("A Stripe customer object mirrored for a user in a biz's connected account.")
        .tenant_scoped()
        .id_tagged("stripe_customer")
        .tenant_ref("stripe_account_ref_id", STRIPE_ACCOUNTS)
        .references("user_id", USERS, text())
        .col("stripe_customer_id", text())
        .col("raw", jsonb().default_sql("'{}'::jsonb"))
        .unique(["biz_id", "stripe_customer_id"])
        .audited();

    s.table(STRIPE_PAYMENT_INTENTS)
        .doc("A mirrored Stripe PaymentIntent, linked to the canonical payment intent, booking order or cross-biz order it collects for.")
        .tenant_scoped()
        .id_tagged("stripe_pi")
        .tenant_ref("stripe_account_ref_id", STRIPE_ACCOUNTS)
        .col("stripe_payment_intent_id", text())
        .tenant_ref_opt("payment_intent_ref_id", PAYMENT_INTENTS)
        .tenant_ref_opt("booking_order_id", BOOKING_ORDERS)
        .tenant_ref_opt("cross_biz_order_id", CROSS_BIZ_ORDERS)
        .col("amount", money())
        .currency("currency")
        .col("stripe_status", text())
        .allow("SG104", "mirrors Stripe's own status strings, which Stripe extends without notice")
        .col("raw", jsonb().default_sql("'{}'::jsonb"))
        .unique(["biz_id", "stripe_payment_intent_id"])
        .audited();

    s.table(STRIPE_CHARGES)
        .doc("A mirrored Stripe charge, linked to the canonical payment transaction it produced.")
        .tenant_scoped()
        .id_tagged("stripe_charge")
        .tenant_ref("stripe_payment_intent_ref_id", STRIPE_PAYMENT_INTENTS)
        .col("stripe_charge_id", text())
        .tenant_ref_opt("payment_transaction_ref_id", PAYMENT_TRANSACTIONS)
        .col("amount", money())
        .amounts(&["amount_refunded"])
        .currency("currency")
        .col("stripe_status", text())
        .allow(
            "SG104",
            "mirrors Stripe's own status strings, which Stripe extends without notice",
        )
        .col("raw", jsonb().default_sql("'{}'::jsonb"))
        .unique(["biz_id", "stripe_charge_id"])
        .audited();

    s.table(STRIPE_REFUNDS)
        .doc("A mirrored Stripe refund, linked to the canonical refund transaction.")
        .tenant_scoped()
        .id_tagged("stripe_refund")
        .tenant_ref("stripe_charge_ref_id", STRIPE_CHARGES)
        .col("stripe_refund_id", text())
        .tenant_ref_opt("payment_transaction_ref_id", PAYMENT_TRANSACTIONS)
        .col("amount", money())
        .currency("currency")
        .col("stripe_status", text())
        .allow(
            "SG104",
            "mirrors Stripe's own status strings, which Stripe extends without notice",
        )
        .unique(["biz_id", "stripe_refund_id"])
        .audited();

    s.table(STRIPE_PAYOUTS)
        .doc("A mirrored Stripe payout, linked to the canonical payout.")
        .tenant_scoped()
        .id_tagged("stripe_payout")
        .tenant_ref("stripe_account_ref_id", STRIPE_ACCOUNTS)
        .col("stripe_payout_id", text())
        .tenant_ref_opt("payout_ref_id", PAYOUTS)
        .col("amount", money())
        .currency("currency")
        .col("arrival_date", date().null())
        .col("stripe_status", text())
        .allow(
            "SG104",
            "mirrors Stripe's own status strings, which Stripe extends without notice",
        )
        .unique(["biz_id", "stripe_payout_id"])
        .audited();

    s.table(STRIPE_WEBHOOK_EVENTS)
        .doc("Inbox of Stripe webhook events, unique by Stripe event id for idempotent processing; the biz is resolved from the connected account after receipt.")
        .global("webhooks arrive on one platform endpoint before the tenant is known; biz_id is resolved later")
        .id_tagged("stripe_event")
        .col("stripe_event_id", text().unique())
        .col("stripe_account_id", text().null())
        .references("resolved_biz_id", crate::bizes::BIZES, text().null())
        .col("event_type", text())
        .col("payload", jsonb())
        .col("received_at", timestamptz().default_now())
        .col("processed_at", timestamptz().null())
        .col("attempt_count", integer().default_int(0))
        .col("error", text().null())
        .col("status", enum_of(WEBHOOK_PROCESSING_STATUS).default_enum("received"))
        .audited();
}
