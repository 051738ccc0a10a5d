//! Checkout sessions and abandonment recovery across service and product checkout.

use crate::fulfillment::BOOKING_ORDERS;
use crate::product_commerce::SELLABLES;
use crate::users::USERS;
use schemactl::prelude::*;

pub const CHECKOUT_SESSIONS: TableRef = TableRef::new("checkout_sessions");
pub const CHECKOUT_SESSION_ITEMS: TableRef = TableRef::new("checkout_session_items");
pub const CHECKOUT_SESSION_EVENTS: TableRef = TableRef::new("checkout_session_events");
pub const CHECKOUT_RECOVERY_LINKS: TableRef = TableRef::new("checkout_recovery_links");

const CHECKOUT_STATUS: EnumDef = EnumDef::new(
    "checkout_status",
    &[
        "open",
        "awaiting_payment",
        "completed",
        "abandoned",
        "expired",
        "recovered",
    ],
);
const CHECKOUT_CHANNEL: EnumDef = EnumDef::new(
    "checkout_channel",
    &["web", "mobile_app", "point_of_sale", "partner_channel"],
);
const CHECKOUT_EVENT_TYPE: EnumDef = EnumDef::new(
    "checkout_event_type",
    &[
        "started",
        "item_added",
        "item_removed",
        "details_entered",
        "payment_started",
        "payment_failed",
        "completed",
        "abandoned",
    ],
);
const RECOVERY_STATUS: EnumDef = EnumDef::new(
    "recovery_status",
    &["pending", "sent", "clicked", "converted", "expired"],
);

pub fn declare(s: &mut SchemaBuilder) {
    s.domain("checkout");

    s.table(CHECKOUT_SESSIONS)
        .doc("A customer's checkout in progress: cart, contact details and state; becomes a booking order when completed, or a recovery target when abandoned.")
        .tenant_scoped()
        .id_tagged("checkout")
        .references("user_id", USERS, text().null())
        .col("contact_email", text().null())
        .col("channel", enum_of(CHECKOUT_CHANNEL).default_enum("web"))
        .amounts(&["subtotal_amount"])
        .currency("currency")
        .col("last_activity_at", timestamptz().default_now())
        .col("expires_at", timestamptz())
        .tenant_ref_opt("booking_order_id", BOOKING_ORDERS)
        .col("status", enum_of(CHECKOUT_STATUS).default_enum("open"))
        .check("completed_has_order", "status NOT IN ('completed', 'recovered') OR booking_order_id IS NOT NULL")
        .audited();

    s.table(CHECKOUT_SESSION_ITEMS)
        .doc("A sellable in a checkout cart, with quantity, requested time and quoted price.")
        .tenant_scoped()
        .id_tagged("checkout_item")
        .tenant_ref("checkout_session_id", CHECKOUT_SESSIONS)
        .tenant_ref("sellable_id", SELLABLES)
        .col("quantity", integer().default_int(1))
        .col("unit_price", money())
        .currency("currency")
        .col("requested_starts_at", timestamptz().null())
        .check("quantity_positive", "quantity > 0")
        .audited();

    s.table(CHECKOUT_SESSION_EVENTS)
        .doc("Immutable funnel events of a checkout session, the input of abandonment detection and conversion analytics.")
        .tenant_scoped()
        .id_tagged("checkout_event")
        .tenant_ref("checkout_session_id", CHECKOUT_SESSIONS)
        .col("type", enum_of(CHECKOUT_EVENT_TYPE))
        .col("details", jsonb().default_sql("'{}'::jsonb"))
        .col("occurred_at", timestamptz().default_now())
        .recorded()
        .append_only();

    s.table(CHECKOUT_RECOVERY_LINKS)
        .doc("A recovery message/link sent for an abandoned checkout and whether it converted.")
        .tenant_scoped()
        .id_tagged("recovery_link")
        .tenant_ref("checkout_session_id", CHECKOUT_SESSIONS)
        .col("token_hash", text().unique())
        .col("sent_at", timestamptz().null())
        .col("clicked_at", timestamptz().null())
        .col("converted_at", timestamptz().null())
        .col("expires_at", timestamptz())
        .col("status", enum_of(RECOVERY_STATUS).default_enum("pending"))
        .audited();
}
