//! Commercial contract (booking orders and lines) and execution graph (fulfillment units,
//! dependencies, assignments, checkpoints).

use crate::enums::CONFLICT_POLICY;
use crate::group_accounts::GROUP_ACCOUNTS;
use crate::locations::LOCATIONS;
use crate::offers::{OFFER_COMPONENTS, OFFER_VERSIONS};
use crate::product_commerce::SELLABLES;
use crate::resources::RESOURCES;
use crate::users::USERS;
use schemactl::prelude::*;

pub const BOOKING_ORDERS: TableRef = TableRef::new("booking_orders");
pub const BOOKING_ORDER_LINES: TableRef = TableRef::new("booking_order_lines");
pub const BOOKING_ORDER_LINE_SELLABLES: TableRef = TableRef::new("booking_order_line_sellables");
pub const BOOKING_PARTICIPANTS: TableRef = TableRef::new("booking_participants");
pub const FULFILLMENT_UNITS: TableRef = TableRef::new("fulfillment_units");
pub const FULFILLMENT_UNIT_DEPENDENCIES: TableRef = TableRef::new("fulfillment_unit_dependencies");
pub const FULFILLMENT_ASSIGNMENTS: TableRef = TableRef::new("fulfillment_assignments");
pub const FULFILLMENT_CHECKPOINTS: TableRef = TableRef::new("fulfillment_checkpoints");

const BOOKING_ORDER_STATUS: EnumDef = EnumDef::new(
    "booking_order_status",
    &[
        "draft",
        "pending_payment",
        "confirmed",
        "in_progress",
        "completed",
        "cancelled",
        "refunded",
    ],
);
const ORDER_LINE_STATUS: EnumDef = EnumDef::new(
    "order_line_status",
    &["pending", "confirmed", "fulfilled", "cancelled", "refunded"],
);
const PARTICIPANT_STATUS: EnumDef = EnumDef::new(
    "participant_status",
    &["invited", "confirmed", "checked_in", "no_show", "cancelled"],
);
const FULFILLMENT_UNIT_STATUS: EnumDef = EnumDef::new(
    "fulfillment_unit_status",
    &[
        "planned",
        "scheduled",
        "in_progress",
        "completed",
        "cancelled",
        "failed",
    ],
);
const DEPENDENCY_TYPE: EnumDef = EnumDef::new(
    "fulfillment_dependency_type",
    &["finish_to_start", "start_to_start", "finish_to_finish"],
);
const ASSIGNMENT_STATUS: EnumDef = EnumDef::new(
    "fulfillment_assignment_status",
    &[
        "proposed",
        "reserved",
        "confirmed",
        "in_progress",
        "completed",
        "cancelled",
        "released",
    ],
);
const ASSIGNMENT_ROLE: EnumDef = EnumDef::new(
    "assignment_role",
    &["primary", "assistant", "space", "equipment"],
);
const CHECKPOINT_TYPE: EnumDef = EnumDef::new(
    "fulfillment_checkpoint_type",
    &[
        "check_in",
        "started",
        "paused",
        "resumed",
        "completed",
        "no_show",
        "signed_off",
    ],
);

/// The assignment statuses that hold a resource's time.
pub const ACTIVE_ASSIGNMENT_STATUSES: &str = "status IN ('reserved', 'confirmed', 'in_progress')";

pub fn declare(s: &mut SchemaBuilder) {
    s.domain("fulfillment");

    s.table(BOOKING_ORDERS)
        .doc("The commercial contract with a customer: who bought, totals and payment state. Its lines say what was sold; fulfillment units say how it is delivered.")
        .tenant_scoped()
        .id_tagged("booking_order")
        .col("order_number", text())
        .references("customer_user_id", USERS, text().null())
        .tenant_ref_opt("customer_group_account_id", GROUP_ACCOUNTS)
        .tenant_ref_opt("location_id", LOCATIONS)
        .amounts(&["subtotal_amount", "discount_amount", "tax_amount", "total_amount"])
        .currency("currency")
        .col("placed_at", timestamptz().null())
        .col("notes", text().null())
        .col("status", enum_of(BOOKING_ORDER_STATUS).default_enum("draft"))
        .check("has_customer", "customer_user_id IS NOT NULL OR customer_group_account_id IS NOT NULL")
        .unique(["biz_id", "order_number"])
        .audited();

    s.table(BOOKING_ORDER_LINES)
        .doc("One line of a booking order: what offer version or item was sold, quantity, price and the requested time window.")
        .tenant_scoped()
        .id_tagged("order_line")
        .tenant_ref("booking_order_id", BOOKING_ORDERS)
        .tenant_ref_opt("offer_version_id", OFFER_VERSIONS)
        .col("description", text())
        .col("quantity", integer().default_int(1))
        .amounts(&["unit_price", "discount_amount", "tax_amount", "line_total"])
        .currency("currency")
        .window("requested_starts_at", "requested_ends_at", Window::Optional)
        .col("status", enum_of(ORDER_LINE_STATUS).default_enum("pending"))
        .check("quantity_positive", "quantity > 0")
        .audited();

    s.table(BOOKING_ORDER_LINE_SELLABLES)
        .doc("Commercial attribution: which canonical sellable (and share of the line amount) an order line sold; bundles attribute one line to several sellables.")
        .tenant_scoped()
        .id_tagged("line_sellable")
        .tenant_ref("booking_order_line_id", BOOKING_ORDER_LINES)
        .tenant_ref("sellable_id", SELLABLES)
        .col("quantity", integer().default_int(1))
        .amounts(&["allocated_amount"])
        .currency("currency")
        .check("quantity_positive", "quantity > 0")
        .unique(["biz_id", "booking_order_line_id", "sellable_id"])
        .audited();

    s.table(BOOKING_PARTICIPANTS)
        .doc("A person attending under an order line (the buyer, a guest, a child), with attendance state.")
        .tenant_scoped()
        .id_tagged("participant")
        .tenant_ref("booking_order_line_id", BOOKING_ORDER_LINES)
        .references("user_id", USERS, text().null())
        .col("guest_name", text().null())
        .col("guest_email", text().null())
        .col("status", enum_of(PARTICIPANT_STATUS).default_enum("confirmed"))
        .check("has_identity", "user_id IS NOT NULL OR guest_name IS NOT NULL")
        .audited();

    s.table(FULFILLMENT_UNITS)
        .doc("A unit of execution (a session, a leg of a trip, a setup task) delivering an order line or offer component; the node of the execution graph.")
        .tenant_scoped()
        .id_tagged("fulfillment_unit")
        .tenant_ref_opt("booking_order_line_id", BOOKING_ORDER_LINES)
        .tenant_ref_opt("offer_component_id", OFFER_COMPONENTS)
        .tenant_ref_opt("location_id", LOCATIONS)
        .col("title", text())
        .window("starts_at", "ends_at", Window::Optional)
        .col("status", enum_of(FULFILLMENT_UNIT_STATUS).default_enum("planned"))
        .audited();

    s.table(FULFILLMENT_UNIT_DEPENDENCIES)
        .doc("An ordering edge between two fulfillment units (setup before session, pickup before drop-off), with lag.")
        .tenant_scoped()
        .id_tagged("fu_dependency")
        .tenant_ref("predecessor_unit_id", FULFILLMENT_UNITS)
        .tenant_ref("successor_unit_id", FULFILLMENT_UNITS)
        .col("type", enum_of(DEPENDENCY_TYPE).default_enum("finish_to_start"))
        .col("lag_minutes", integer().default_int(0))
        .no_self_loop("predecessor_unit_id", "successor_unit_id")
        .unique(["biz_id", "predecessor_unit_id", "successor_unit_id"])
        .audited();

    s.table(FULFILLMENT_ASSIGNMENTS)
        .doc("A resource assigned to a fulfillment unit for a window. Active assignments under `enforce_no_overlap` can never double-book a resource: the database excludes overlapping windows.")
        .tenant_scoped()
        .id_tagged("assignment")
        .tenant_ref("fulfillment_unit_id", FULFILLMENT_UNITS)
        .tenant_ref("resource_id", RESOURCES)
        .col("role", enum_of(ASSIGNMENT_ROLE).default_enum("primary"))
        .window("starts_at", "ends_at", Window::Optional)
        .col("conflict_policy", enum_of(CONFLICT_POLICY).default_enum("enforce_no_overlap"))
        .col("status", enum_of(ASSIGNMENT_STATUS).default_enum("proposed"))
        .no_overlap(
            "resource_window",
            OverlapSpec {
                keys: &["resource_id"],
                starts_at: "starts_at",
                ends_at: "ends_at",
                only_when: &format!(
                    "conflict_policy = 'enforce_no_overlap' AND {ACTIVE_ASSIGNMENT_STATUSES}"
                ),
            },
        )
        .audited();

    s.table(FULFILLMENT_CHECKPOINTS)
        .doc("A progress mark on a fulfillment unit (checked in, started, signed off) with who recorded it and where.")
        .tenant_scoped()
        .id_tagged("checkpoint")
        .tenant_ref("fulfillment_unit_id", FULFILLMENT_UNITS)
        .col("type", enum_of(CHECKPOINT_TYPE))
        .col("occurred_at", timestamptz().default_now())
        .references("recorded_by_user_id", USERS, text().null())
        .col("notes", text().null())
        .col("evidence", jsonb().default_sql("'{}'::jsonb"))
        .audited();
}
