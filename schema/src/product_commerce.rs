//! Canonical sellables with their typed bridges, and inventory / physical fulfillment.

use crate::enums::{LIFECYCLE_STATUS, SELLABLE_KIND};
use crate::fulfillment::{BOOKING_ORDERS, BOOKING_ORDER_LINES};
use crate::locations::LOCATIONS;
use crate::offers::OFFER_VERSIONS;
use crate::products::PRODUCTS;
use crate::resources::RESOURCE_RATES;
use crate::service_products::SERVICE_PRODUCTS;
use schemactl::prelude::*;

pub const SELLABLES: TableRef = TableRef::new("sellables");
pub const SELLABLE_PRODUCTS: TableRef = TableRef::new("sellable_products");
pub const SELLABLE_SERVICE_PRODUCTS: TableRef = TableRef::new("sellable_service_products");
pub const SELLABLE_OFFER_VERSIONS: TableRef = TableRef::new("sellable_offer_versions");
pub const SELLABLE_RESOURCE_RATES: TableRef = TableRef::new("sellable_resource_rates");
pub const STOCK_LOCATIONS: TableRef = TableRef::new("stock_locations");
pub const STOCK_ITEMS: TableRef = TableRef::new("stock_items");
pub const STOCK_MOVEMENTS: TableRef = TableRef::new("stock_movements");
pub const STOCK_RESERVATIONS: TableRef = TableRef::new("stock_reservations");
pub const SHIPMENTS: TableRef = TableRef::new("shipments");
pub const SHIPMENT_LINES: TableRef = TableRef::new("shipment_lines");
pub const PICKUP_RECORDS: TableRef = TableRef::new("pickup_records");

const STOCK_MOVEMENT_TYPE: EnumDef = EnumDef::new(
    "stock_movement_type",
    &[
        "receipt",
        "sale",
        "return",
        "adjustment",
        "transfer_in",
        "transfer_out",
        "shrinkage",
    ],
);
const STOCK_RESERVATION_STATUS: EnumDef = EnumDef::new(
    "stock_reservation_status",
    &["held", "committed", "released", "expired"],
);
const SHIPMENT_STATUS: EnumDef = EnumDef::new(
    "shipment_status",
    &[
        "pending",
        "packed",
        "shipped",
        "delivered",
        "returned",
        "cancelled",
    ],
);
const PICKUP_STATUS: EnumDef = EnumDef::new(
    "pickup_status",
    &["ready", "picked_up", "expired", "cancelled"],
);

pub fn declare(s: &mut SchemaBuilder) {
    s.domain("product_commerce");

    s.table(SELLABLES)
        .doc("Unified commercial identity: anything that can be put on an order line (product, service product, offer version, resource rate). `kind` says which typed bridge maps it to its source.")
        .tenant_scoped()
        .id_tagged("sellable")
        .col("kind", enum_of(SELLABLE_KIND))
        .col("name", text())
        .amounts(&["list_price"])
        .currency("currency")
        .col("is_taxable", boolean().default_bool(true))
        .col("status", enum_of(LIFECYCLE_STATUS).default_enum("draft"))
        .unique(["biz_id", "id", "kind"])
        .audited();

    s.table(SELLABLE_PRODUCTS)
        .doc("Typed bridge: this sellable sells this product. The kind is pinned to `product`, so the DB rejects mapping a sellable of another kind.")
        .tenant_scoped()
        .id_tagged("sellable_product")
        .typed_bridge("sellable_id", SELLABLES, "sellable_kind", SELLABLE_KIND, "product")
        .tenant_ref("product_id", PRODUCTS)
        .unique(["product_id"])
        .audited();

    s.table(SELLABLE_SERVICE_PRODUCTS)
        .doc("Typed bridge: this sellable sells this service product (kind pinned to `service_product`).")
        .tenant_scoped()
        .id_tagged("sellable_sp")
        .typed_bridge("sellable_id", SELLABLES, "sellable_kind", SELLABLE_KIND, "service_product")
        .tenant_ref("service_product_id", SERVICE_PRODUCTS)
        .unique(["service_product_id"])
        .audited();

    s.table(SELLABLE_OFFER_VERSIONS)
        .doc("Typed bridge: this sellable sells this published offer version (kind pinned to `offer_version`).")
        .tenant_scoped()
        .id_tagged("sellable_ov")
        .typed_bridge("sellable_id", SELLABLES, "sellable_kind", SELLABLE_KIND, "offer_version")
        .tenant_ref("offer_version_id", OFFER_VERSIONS)
        .unique(["offer_version_id"])
        .audited();

    s.table(SELLABLE_RESOURCE_RATES)
        .doc("Typed bridge: this sellable sells time on a resource at a rate (kind pinned to `resource_rate`).")
        .tenant_scoped()
        .id_tagged("sellable_rr")
        .typed_bridge("sellable_id", SELLABLES, "sellable_kind", SELLABLE_KIND, "resource_rate")
        .tenant_ref("resource_rate_id", RESOURCE_RATES)
        .unique(["resource_rate_id"])
        .audited();

    s.table(STOCK_LOCATIONS)
        .doc("A place stock is kept (back room, warehouse bin, van), optionally at a biz location.")
        .tenant_scoped()
        .id_tagged("stock_location")
        .tenant_ref_opt("location_id", LOCATIONS)
        .col("name", text())
        .col("is_active", boolean().default_bool(true))
        .unique(["biz_id", "name"])
        .audited();

    s.table(STOCK_ITEMS)
        .doc("On-hand and reserved quantity of one product at one stock location; a cache of the stock_movements ledger.")
        .tenant_scoped()
        .id_tagged("stock_item")
        .tenant_ref("product_id", PRODUCTS)
        .tenant_ref("stock_location_id", STOCK_LOCATIONS)
        .col("quantity_on_hand", integer().default_int(0))
        .col("quantity_reserved", integer().default_int(0))
        .col("reorder_point", integer().null())
        .check("reserved_within_range", "quantity_reserved >= 0 AND quantity_reserved <= GREATEST(quantity_on_hand, 0)")
        .unique(["biz_id", "product_id", "stock_location_id"])
        .audited();

    s.table(STOCK_MOVEMENTS)
        .doc("Immutable stock ledger: every receipt, sale, return, adjustment and transfer of a stock item, with the order line that caused it.")
        .tenant_scoped()
        .id_tagged("stock_move")
        .tenant_ref("stock_item_id", STOCK_ITEMS)
        .col("type", enum_of(STOCK_MOVEMENT_TYPE))
        .col("quantity_delta", integer())
        .tenant_ref_opt("booking_order_line_id", BOOKING_ORDER_LINES)
        .col("reason", text().null())
        .col("occurred_at", timestamptz().default_now())
        .check("delta_non_zero", "quantity_delta <> 0")
        .recorded()
        .append_only();

    s.table(STOCK_RESERVATIONS)
        .doc("Stock held for an order line until it is committed (shipped or picked up) or released.")
        .tenant_scoped()
        .id_tagged("stock_hold")
        .tenant_ref("stock_item_id", STOCK_ITEMS)
        .tenant_ref("booking_order_line_id", BOOKING_ORDER_LINES)
        .col("quantity", integer())
        .col("expires_at", timestamptz().null())
        .col("status", enum_of(STOCK_RESERVATION_STATUS).default_enum("held"))
        .check("quantity_positive", "quantity > 0")
        .audited();

    s.table(SHIPMENTS)
        .doc("A parcel sent to a customer for an order, with carrier tracking.")
        .tenant_scoped()
        .id_tagged("shipment")
        .tenant_ref("booking_order_id", BOOKING_ORDERS)
        .tenant_ref_opt("from_stock_location_id", STOCK_LOCATIONS)
        .col("carrier", text().null())
        .col("tracking_number", text().null())
        .col("ship_to", jsonb())
        .amounts(&["shipping_cost"])
        .currency("currency")
        .col("shipped_at", timestamptz().null())
        .col("delivered_at", timestamptz().null())
        .col("status", enum_of(SHIPMENT_STATUS).default_enum("pending"))
        .audited();

    s.table(SHIPMENT_LINES)
        .doc("Which order line and how many units travel in a shipment.")
        .tenant_scoped()
        .id_tagged("shipment_line")
        .tenant_ref("shipment_id", SHIPMENTS)
        .tenant_ref("booking_order_line_id", BOOKING_ORDER_LINES)
        .col("quantity", integer())
        .check("quantity_positive", "quantity > 0")
        .audited();

    s.table(PICKUP_RECORDS)
        .doc("An order prepared for in-person pickup at a location, and who collected it.")
        .tenant_scoped()
        .id_tagged("pickup")
        .tenant_ref("booking_order_id", BOOKING_ORDERS)
        .tenant_ref("location_id", LOCATIONS)
        .col("ready_at", timestamptz().null())
        .col("picked_up_at", timestamptz().null())
        .col("picked_up_by_name", text().null())
        .col("status", enum_of(PICKUP_STATUS).default_enum("ready"))
        .audited();
}
