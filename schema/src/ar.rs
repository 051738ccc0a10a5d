//! Accounts receivable: billing accounts, invoices, payment applications, credit memos, dunning.

use crate::fulfillment::{BOOKING_ORDERS, BOOKING_ORDER_LINES};
use crate::group_accounts::GROUP_ACCOUNTS;
use crate::payments::PAYMENT_TRANSACTIONS;
use crate::users::USERS;
use schemactl::prelude::*;

pub const BILLING_ACCOUNTS: TableRef = TableRef::new("billing_accounts");
pub const INVOICES: TableRef = TableRef::new("invoices");
pub const INVOICE_LINES: TableRef = TableRef::new("invoice_lines");
pub const AR_PAYMENT_APPLICATIONS: TableRef = TableRef::new("ar_payment_applications");
pub const CREDIT_MEMOS: TableRef = TableRef::new("credit_memos");
pub const DUNNING_EVENTS: TableRef = TableRef::new("dunning_events");

const BILLING_ACCOUNT_STATUS: EnumDef =
    EnumDef::new("billing_account_status", &["active", "on_hold", "closed"]);
const INVOICE_STATUS: EnumDef = EnumDef::new(
    "invoice_status",
    &[
        "draft",
        "issued",
        "partially_paid",
        "paid",
        "overdue",
        "void",
        "written_off",
    ],
);
const CREDIT_MEMO_STATUS: EnumDef = EnumDef::new(
    "credit_memo_status",
    &["draft", "issued", "applied", "void"],
);
const DUNNING_ACTION: EnumDef = EnumDef::new(
    "dunning_action",
    &[
        "reminder_sent",
        "final_notice",
        "late_fee_applied",
        "service_paused",
        "sent_to_collections",
    ],
);

pub fn declare(s: &mut SchemaBuilder) {
    s.domain("ar");

    s.table(BILLING_ACCOUNTS)
        .doc("A customer account billed on terms (net 30) rather than paid at checkout: a person or a group account.")
        .tenant_scoped()
        .id_tagged("billing_account")
        .references("user_id", USERS, text().null())
        .tenant_ref_opt("group_account_id", GROUP_ACCOUNTS)
        .col("name", text())
        .col("payment_terms_days", integer().default_int(30))
        .col("credit_limit", money().null())
        .currency("currency")
        .col("status", enum_of(BILLING_ACCOUNT_STATUS).default_enum("active"))
        .check("one_holder", "(user_id IS NOT NULL)::int + (group_account_id IS NOT NULL)::int = 1")
        .check("terms_non_negative", "payment_terms_days >= 0")
        .audited();

    s.table(INVOICES)
        .doc("An invoice issued to a billing account, usually for booking orders, with due date and balance.")
        .tenant_scoped()
        .id_tagged("invoice")
        .tenant_ref("billing_account_id", BILLING_ACCOUNTS)
        .tenant_ref_opt("booking_order_id", BOOKING_ORDERS)
        .col("invoice_number", text())
        .col("issued_on", date().null())
        .col("due_on", date().null())
        .amounts(&["subtotal_amount", "tax_amount", "total_amount", "amount_paid"])
        .currency("currency")
        .col("status", enum_of(INVOICE_STATUS).default_enum("draft"))
        .check("paid_within_total", "amount_paid <= total_amount")
        .check("due_after_issue", "due_on IS NULL OR issued_on IS NULL OR due_on >= issued_on")
        .unique(["biz_id", "invoice_number"])
        .audited();

    s.table(INVOICE_LINES)
        .doc("One line of an invoice, linked to the order line it bills.")
        .tenant_scoped()
        .id_tagged("invoice_line")
        .tenant_ref("invoice_id", INVOICES)
        .tenant_ref_opt("booking_order_line_id", BOOKING_ORDER_LINES)
        .col("description", text())
        .col("quantity", numeric(10, 2).default_number("1"))
        .col("unit_price", money())
        .col("line_total", money())
        .currency("currency")
        .check("quantity_positive", "quantity > 0")
        .audited();

    s.table(AR_PAYMENT_APPLICATIONS)
        .doc("Applies part of a payment transaction to an invoice, so one payment can settle several invoices.")
        .tenant_scoped()
        .id_tagged("ar_application")
        .tenant_ref("invoice_id", INVOICES)
        .tenant_ref("payment_transaction_id", PAYMENT_TRANSACTIONS)
        .col("amount", money())
        .currency("currency")
        .col("applied_at", timestamptz().default_now())
        .check("amount_positive", "amount > 0")
        .audited();

    s.table(CREDIT_MEMOS)
        .doc("A credit issued against an invoice (goodwill, correction) that reduces what is owed.")
        .tenant_scoped()
        .id_tagged("credit_memo")
        .tenant_ref("billing_account_id", BILLING_ACCOUNTS)
        .tenant_ref_opt("invoice_id", INVOICES)
        .col("amount", money())
        .currency("currency")
        .col("reason", text())
        .col("status", enum_of(CREDIT_MEMO_STATUS).default_enum("draft"))
        .check("amount_positive", "amount > 0")
        .audited();

    s.table(DUNNING_EVENTS)
        .doc(
            "Immutable collection steps taken on an overdue invoice (reminders, late fees, pause).",
        )
        .tenant_scoped()
        .id_tagged("dunning")
        .tenant_ref("invoice_id", INVOICES)
        .col("action", enum_of(DUNNING_ACTION))
        .col("occurred_at", timestamptz().default_now())
        .col("details", jsonb().default_sql("'{}'::jsonb"))
        .recorded()
        .append_only();
}
