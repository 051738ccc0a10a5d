//! Marketplace: cross-biz listings and orders, referrals and commissions.

use crate::bizes::BIZES;
use crate::enums::{LIFECYCLE_STATUS, VISIBILITY};
use crate::fulfillment::BOOKING_ORDERS;
use crate::product_commerce::SELLABLES;
use crate::users::USERS;
use schemactl::prelude::*;

pub const MARKETPLACE_LISTINGS: TableRef = TableRef::new("marketplace_listings");
pub const CROSS_BIZ_ORDERS: TableRef = TableRef::new("cross_biz_orders");
pub const CROSS_BIZ_ORDER_LINES: TableRef = TableRef::new("cross_biz_order_lines");
pub const REFERRAL_ATTRIBUTIONS: TableRef = TableRef::new("referral_attributions");
pub const MARKETPLACE_COMMISSIONS: TableRef = TableRef::new("marketplace_commissions");

const CROSS_BIZ_ORDER_STATUS: EnumDef = EnumDef::new(
    "cross_biz_order_status",
    &[
        "pending",
        "confirmed",
        "partially_fulfilled",
        "fulfilled",
        "cancelled",
    ],
);
const REFERRAL_SOURCE: EnumDef = EnumDef::new(
    "referral_source",
    &[
        "referral_link",
        "referral_code",
        "partner_widget",
        "marketplace_search",
    ],
);
const COMMISSION_STATUS: EnumDef = EnumDef::new(
    "commission_status",
    &["accrued", "invoiced", "paid", "voided"],
);

pub fn declare(s: &mut SchemaBuilder) {
    s.domain("marketplace");

    s.table(MARKETPLACE_LISTINGS)
        .doc("A sellable a biz publishes to the Bizing marketplace (or a partner biz's storefront) with commission terms.")
        .tenant_scoped()
        .id_tagged("listing")
        .tenant_ref("sellable_id", SELLABLES)
        .col("title", text())
        .col("commission_pct", numeric(5, 2).default_number("0"))
        .col("visibility", enum_of(VISIBILITY).default_enum("public"))
        .col("status", enum_of(LIFECYCLE_STATUS).default_enum("draft"))
        .check("commission_range", "commission_pct BETWEEN 0 AND 100")
        .audited();

    s.table(CROSS_BIZ_ORDERS)
        .doc("A customer order placed through a selling biz (the tenant) for items fulfilled by other bizes; each line becomes a booking order in the fulfilling biz.")
        .tenant_scoped()
        .id_tagged("cross_biz_order")
        .references("customer_user_id", USERS, text())
        .amounts(&["total_amount"])
        .currency("currency")
        .col("status", enum_of(CROSS_BIZ_ORDER_STATUS).default_enum("pending"))
        .audited();

    s.table(CROSS_BIZ_ORDER_LINES)
        .doc("One listing bought in a cross-biz order, pointing at the fulfilling biz and the booking order created there (an intentional cross-tenant link, checked by the application).")
        .allow("SG102", "the listing and booking order belong to the fulfilling biz by design; the FKs are scoped by fulfilling_biz_id instead")
        .tenant_scoped()
        .id_tagged("cross_biz_line")
        .tenant_ref("cross_biz_order_id", CROSS_BIZ_ORDERS)
        .references("fulfilling_biz_id", BIZES, text())
        .col("listing_id", text())
        .fk(["fulfilling_biz_id", "listing_id"], MARKETPLACE_LISTINGS, ["biz_id", "id"])
        .index(["fulfilling_biz_id", "listing_id"])
        .col("fulfilling_booking_order_id", text().null())
        .fk(["fulfilling_biz_id", "fulfilling_booking_order_id"], BOOKING_ORDERS, ["biz_id", "id"])
        .index(["fulfilling_biz_id", "fulfilling_booking_order_id"])
        .col("amount", money())
        .currency("currency")
        .check("amount_non_negative", "amount >= 0")
        .audited();

    s.table(REFERRAL_ATTRIBUTIONS)
        .doc("Credits a referrer (user or partner biz) for bringing a customer order, for commissions and analytics.")
        .tenant_scoped()
        .id_tagged("referral")
        .tenant_ref("booking_order_id", BOOKING_ORDERS)
        .references("referrer_user_id", USERS, text().null())
        .references("referrer_biz_id", BIZES, text().null())
        .col("source", enum_of(REFERRAL_SOURCE))
        .col("attributed_at", timestamptz().default_now())
        .check("one_referrer", "(referrer_user_id IS NOT NULL)::int + (referrer_biz_id IS NOT NULL)::int = 1")
        .audited();

    s.table(MARKETPLACE_COMMISSIONS)
        .doc("Commission owed by the fulfilling biz on a marketplace or referral sale.")
        .tenant_scoped()
        .id_tagged("commission")
        .tenant_ref_opt("cross_biz_order_line_id", CROSS_BIZ_ORDER_LINES)
        .tenant_ref_opt("referral_id", REFERRAL_ATTRIBUTIONS)
        .col("amount", money())
        .currency("currency")
        .col("status", enum_of(COMMISSION_STATUS).default_enum("accrued"))
        .check("amount_positive", "amount > 0")
        .check(
            "has_source",
            "(cross_biz_order_line_id IS NOT NULL)::int + (referral_id IS NOT NULL)::int = 1",
        )
        .audited();
}
