//! Payments as a ledger/event model: intents, tenders, transactions, disputes, settlements, payouts.

use crate::enums::RUN_STATUS;
use crate::fulfillment::BOOKING_ORDERS;
use crate::users::USERS;
use schemactl::prelude::*;

pub const PAYMENT_METHODS: TableRef = TableRef::new("payment_methods");
pub const PAYMENT_INTENTS: TableRef = TableRef::new("payment_intents");
pub const PAYMENT_INTENT_TENDERS: TableRef = TableRef::new("payment_intent_tenders");
pub const PAYMENT_TRANSACTIONS: TableRef = TableRef::new("payment_transactions");
pub const PAYMENT_DISPUTES: TableRef = TableRef::new("payment_disputes");
pub const PAYMENT_SETTLEMENT_BATCHES: TableRef = TableRef::new("payment_settlement_batches");
pub const PAYMENT_SETTLEMENT_ENTRIES: TableRef = TableRef::new("payment_settlement_entries");
pub const PAYOUTS: TableRef = TableRef::new("payouts");
pub const PAYOUT_ITEMS: TableRef = TableRef::new("payout_items");

const PAYMENT_METHOD_TYPE: EnumDef = EnumDef::new(
    "payment_method_type",
    &[
        "card",
        "bank_account",
        "wallet",
        "cash",
        "gift_card",
        "account_credit",
    ],
);
const PAYMENT_PROCESSOR: EnumDef =
    EnumDef::new("payment_processor", &["stripe", "manual", "internal"]);
const PAYMENT_INTENT_STATUS: EnumDef = EnumDef::new(
    "payment_intent_status",
    &[
        "requires_payment_method",
        "requires_confirmation",
        "processing",
        "requires_capture",
        "succeeded",
        "cancelled",
        "failed",
    ],
);
const TENDER_STATUS: EnumDef = EnumDef::new(
    "tender_status",
    &["pending", "authorized", "captured", "voided", "failed"],
);
const PAYMENT_TRANSACTION_TYPE: EnumDef = EnumDef::new(
    "payment_transaction_type",
    &[
        "authorization",
        "capture",
        "sale",
        "refund",
        "void",
        "chargeback",
        "chargeback_reversal",
        "fee",
        "adjustment",
    ],
);
const DISPUTE_STATUS: EnumDef = EnumDef::new(
    "dispute_status",
    &["needs_response", "under_review", "won", "lost", "accepted"],
);
const PAYOUT_STATUS: EnumDef = EnumDef::new(
    "payout_status",
    &["pending", "in_transit", "paid", "failed", "cancelled"],
);

pub fn declare(s: &mut SchemaBuilder) {
    s.domain("payments");

    s.table(PAYMENT_METHODS)
        .doc("A stored way to pay (tokenized card, bank account, wallet) of a customer in a biz; only processor references, never raw numbers.")
        .tenant_scoped()
        .id_tagged("payment_method")
        .references("user_id", USERS, text().null())
        .col("type", enum_of(PAYMENT_METHOD_TYPE))
        .col("processor", enum_of(PAYMENT_PROCESSOR))
        .col("processor_ref", text().null())
        .col("brand", text().null())
        .col("last4", char_(4).null())
        .col("expires_month", smallint().null())
        .col("expires_year", smallint().null())
        .col("is_active", boolean().default_bool(true))
        .audited();

    s.table(PAYMENT_INTENTS)
        .doc("The intention to collect an amount for a booking order; tenders split it across payment methods and transactions record what happened.")
        .tenant_scoped()
        .id_tagged("payment_intent")
        .tenant_ref_opt("booking_order_id", BOOKING_ORDERS)
        .col("amount", money())
        .amounts(&["amount_captured", "amount_refunded"])
        .currency("currency")
        .col("processor", enum_of(PAYMENT_PROCESSOR).default_enum("stripe"))
        .col("idempotency_key", text())
        .col("status", enum_of(PAYMENT_INTENT_STATUS).default_enum("requires_payment_method"))
        .check("amount_positive", "amount > 0")
        .check("captured_within_amount", "amount_captured <= amount AND amount_refunded <= amount_captured")
        .unique(["biz_id", "idempotency_key"])
        .audited();

    s.table(PAYMENT_INTENT_TENDERS)
        .doc("One payment method's share of a payment intent (split tender: gift card plus card).")
        .tenant_scoped()
        .id_tagged("tender")
        .tenant_ref("payment_intent_id", PAYMENT_INTENTS)
        .tenant_ref("payment_method_id", PAYMENT_METHODS)
        .col("amount", money())
        .currency("currency")
        .col("status", enum_of(TENDER_STATUS).default_enum("pending"))
        .check("amount_positive", "amount > 0")
        .audited();

    s.table(PAYMENT_TRANSACTIONS)
        .doc("Immutable payment ledger: every authorization, capture, refund, chargeback and fee, signed amounts in one currency. Corrections are new rows.")
        .tenant_scoped()
        .id_tagged("payment_txn")
        .tenant_ref("payment_intent_id", PAYMENT_INTENTS)
        .tenant_ref_opt("tender_id", PAYMENT_INTENT_TENDERS)
        .col("type", enum_of(PAYMENT_TRANSACTION_TYPE))
        .col("amount", money())
        .currency("currency")
        .col("processor_ref", text().null())
        .col("occurred_at", timestamptz().default_now())
        .col("details", jsonb().default_sql("'{}'::jsonb"))
        .check("amount_non_zero", "amount <> 0")
        .recorded()
        .append_only();

    s.table(PAYMENT_DISPUTES)
        .doc("A chargeback or inquiry on a captured transaction, with evidence deadline and outcome.")
        .tenant_scoped()
        .id_tagged("dispute")
        .tenant_ref("payment_transaction_id", PAYMENT_TRANSACTIONS)
        .col("amount", money())
        .currency("currency")
        .col("reason", text())
        .col("evidence_due_at", timestamptz().null())
        .col("evidence", jsonb().default_sql("'{}'::jsonb"))
        .col("status", enum_of(DISPUTE_STATUS).default_enum("needs_response"))
        .check("amount_positive", "amount > 0")
        .audited();

    s.table(PAYMENT_SETTLEMENT_BATCHES)
        .doc("A processor settlement report: the batch of transactions the processor settled into the biz's balance for a period.")
        .tenant_scoped()
        .id_tagged("settlement")
        .col("processor", enum_of(PAYMENT_PROCESSOR))
        .col("processor_ref", text())
        .col("period_start", timestamptz())
        .col("period_end", timestamptz())
        .amounts(&["gross_amount", "fee_amount"])
        .col("net_amount", money())
        .currency("currency")
        .col("status", enum_of(RUN_STATUS).default_enum("queued"))
        .check("period_order", "period_end > period_start")
        .unique(["biz_id", "processor", "processor_ref"])
        .audited();

    s.table(PAYMENT_SETTLEMENT_ENTRIES)
        .doc("One transaction's line in a settlement batch, for reconciliation of ledger against processor.")
        .tenant_scoped()
        .id_tagged("settlement_entry")
        .tenant_ref("settlement_batch_id", PAYMENT_SETTLEMENT_BATCHES)
        .tenant_ref("payment_transaction_id", PAYMENT_TRANSACTIONS)
        .col("gross_amount", money())
        .amounts(&["fee_amount"])
        .currency("currency")
        .unique(["biz_id", "payment_transaction_id"])
        .audited();

    s.table(PAYOUTS)
        .doc("Money sent from the processor balance to the biz's bank account.")
        .tenant_scoped()
        .id_tagged("payout")
        .col("amount", money())
        .currency("currency")
        .col("processor", enum_of(PAYMENT_PROCESSOR))
        .col("processor_ref", text().null())
        .col("arrival_date", date().null())
        .col("status", enum_of(PAYOUT_STATUS).default_enum("pending"))
        .check("amount_positive", "amount > 0")
        .audited();

    s.table(PAYOUT_ITEMS)
        .doc("A settlement batch included in a payout, so each payout traces back to transactions.")
        .tenant_scoped()
        .id_tagged("payout_item")
        .tenant_ref("payout_id", PAYOUTS)
        .tenant_ref("settlement_batch_id", PAYMENT_SETTLEMENT_BATCHES)
        .col("amount", money())
        .currency("currency")
        .unique(["biz_id", "settlement_batch_id"])
        .audited();
}
