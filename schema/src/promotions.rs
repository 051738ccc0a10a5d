//! Promotions: discount campaigns, codes, redemptions and the immutable discount ledger.

use crate::enums::LIFECYCLE_STATUS;
use crate::fulfillment::{BOOKING_ORDERS, BOOKING_ORDER_LINES};
use crate::users::USERS;
use schemactl::prelude::*;

pub const DISCOUNT_CAMPAIGNS: TableRef = TableRef::new("discount_campaigns");
pub const DISCOUNT_CODES: TableRef = TableRef::new("discount_codes");
pub const DISCOUNT_REDEMPTIONS: TableRef = TableRef::new("discount_redemptions");
pub const DISCOUNT_LEDGER_ENTRIES: TableRef = TableRef::new("discount_ledger_entries");

const DISCOUNT_TYPE: EnumDef = EnumDef::new(
    "discount_type",
    &["percent", "fixed_amount", "free_item", "first_visit"],
);
const REDEMPTION_STATUS: EnumDef = EnumDef::new("redemption_status", &["applied", "reversed"]);
const DISCOUNT_ENTRY_TYPE: EnumDef = EnumDef::new(
    "discount_entry_type",
    &["applied", "reversed", "budget_adjustment"],
);

pub fn declare(s: &mut SchemaBuilder) {
    s.domain("promotions");

    s.table(DISCOUNT_CAMPAIGNS)
        .doc("A discount offer (20% off first visit, 10 off weekday classes) with eligibility, budget and validity.")
        .tenant_scoped()
        .id_tagged("discount_campaign")
        .col("name", text())
        .col("type", enum_of(DISCOUNT_TYPE))
        .col("percent_off", numeric(5, 2).null())
        .col("amount_off", money().null())
        .currency("currency")
        .col("budget_amount", money().null())
        .col("eligibility", jsonb().default_sql("'{}'::jsonb"))
        .window("starts_at", "ends_at", Window::Optional)
        .col("status", enum_of(LIFECYCLE_STATUS).default_enum("draft"))
        .check("value_shape", "(type = 'percent') = (percent_off IS NOT NULL) AND (type = 'fixed_amount') = (amount_off IS NOT NULL)")
        .check("percent_range", "percent_off IS NULL OR percent_off BETWEEN 0 AND 100")
        .audited();

    s.table(DISCOUNT_CODES)
        .doc("A code customers enter to claim a discount campaign, with per-code and per-customer limits.")
        .tenant_scoped()
        .id_tagged("discount_code")
        .tenant_ref("campaign_id", DISCOUNT_CAMPAIGNS)
        .col("code", text())
        .col("max_redemptions", integer().null())
        .col("max_per_customer", integer().default_int(1))
        .col("redemption_count", integer().default_int(0))
        .col("is_active", boolean().default_bool(true))
        .check("redemptions_within_max", "max_redemptions IS NULL OR redemption_count <= max_redemptions")
        .check("code_upper_case", "code = upper(code)")
        .unique(["biz_id", "code"])
        .audited();

    s.table(DISCOUNT_REDEMPTIONS)
        .doc("A discount applied to an order (by code or automatically), with the amount it took off.")
        .tenant_scoped()
        .id_tagged("redemption")
        .tenant_ref("campaign_id", DISCOUNT_CAMPAIGNS)
        .tenant_ref_opt("code_id", DISCOUNT_CODES)
        .tenant_ref("booking_order_id", BOOKING_ORDERS)
        .references("user_id", USERS, text().null())
        .col("amount", money())
        .currency("currency")
        .col("status", enum_of(REDEMPTION_STATUS).default_enum("applied"))
        .check("amount_positive", "amount > 0")
        .audited();

    s.table(DISCOUNT_LEDGER_ENTRIES)
        .doc("Immutable discount ledger: every discount applied or reversed per order line, so campaign spend and budgets reconcile.")
        .tenant_scoped()
        .id_tagged("discount_entry")
        .tenant_ref("campaign_id", DISCOUNT_CAMPAIGNS)
        .tenant_ref_opt("redemption_id", DISCOUNT_REDEMPTIONS)
        .tenant_ref_opt("booking_order_line_id", BOOKING_ORDER_LINES)
        .col("type", enum_of(DISCOUNT_ENTRY_TYPE))
        .col("amount", money())
        .currency("currency")
        .col("occurred_at", timestamptz().default_now())
        .check("amount_non_zero", "amount <> 0")
        .recorded()
        .append_only();
}
