//! Transportation: fleet vehicles, routes with stops, trips and stop events.

use crate::assets::ASSETS;
use crate::enums::LIFECYCLE_STATUS;
use crate::fulfillment::FULFILLMENT_UNITS;
use crate::resources::RESOURCES;
use schemactl::prelude::*;

pub const FLEET_VEHICLES: TableRef = TableRef::new("fleet_vehicles");
pub const TRANSPORT_ROUTES: TableRef = TableRef::new("transport_routes");
pub const TRANSPORT_ROUTE_STOPS: TableRef = TableRef::new("transport_route_stops");
pub const TRANSPORT_TRIPS: TableRef = TableRef::new("transport_trips");
pub const TRANSPORT_TRIP_STOP_EVENTS: TableRef = TableRef::new("transport_trip_stop_events");

const TRIP_STATUS: EnumDef = EnumDef::new(
    "trip_status",
    &[
        "scheduled",
        "boarding",
        "in_transit",
        "completed",
        "cancelled",
    ],
);
const STOP_EVENT_TYPE: EnumDef = EnumDef::new(
    "stop_event_type",
    &["arrived", "departed", "skipped", "delayed"],
);

pub fn declare(s: &mut SchemaBuilder) {
    s.domain("transportation");

    s.table(FLEET_VEHICLES)
        .doc("Transport profile of an asset that is a vehicle: plate, seats, accessibility. Scheduling still goes through the asset's resource.")
        .tenant_scoped()
        .id_tagged("vehicle")
        .tenant_ref("asset_id", ASSETS)
        .col("plate_number", text())
        .col("seat_count", integer())
        .col("is_wheelchair_accessible", boolean().default_bool(false))
        .col("status", enum_of(LIFECYCLE_STATUS).default_enum("active"))
        .check("seat_count_positive", "seat_count > 0")
        .unique(["biz_id", "asset_id"])
        .unique(["biz_id", "plate_number"])
        .audited();

    s.table(TRANSPORT_ROUTES)
        .doc("A named route (airport shuttle loop, tour circuit) made of ordered stops.")
        .tenant_scoped()
        .id_tagged("route")
        .col("name", text())
        .col("description", text().null())
        .col("status", enum_of(LIFECYCLE_STATUS).default_enum("active"))
        .audited();

    s.table(TRANSPORT_ROUTE_STOPS)
        .doc("One stop of a route, in order, with its offset from departure.")
        .tenant_scoped()
        .id_tagged("route_stop")
        .tenant_ref("route_id", TRANSPORT_ROUTES)
        .col("sequence", integer())
        .col("name", text())
        .col("address", jsonb().null())
        .col("offset_minutes", integer().default_int(0))
        .unique(["biz_id", "route_id", "sequence"])
        .audited();

    s.table(TRANSPORT_TRIPS)
        .doc("One run of a route by a vehicle and driver resource, delivering a fulfillment unit.")
        .tenant_scoped()
        .id_tagged("trip")
        .tenant_ref("route_id", TRANSPORT_ROUTES)
        .tenant_ref_opt("vehicle_id", FLEET_VEHICLES)
        .tenant_ref_opt("driver_resource_id", RESOURCES)
        .tenant_ref_opt("fulfillment_unit_id", FULFILLMENT_UNITS)
        .window("departs_at", "arrives_at", Window::OpenEnded)
        .col("status", enum_of(TRIP_STATUS).default_enum("scheduled"))
        .audited();

    s.table(TRANSPORT_TRIP_STOP_EVENTS)
        .doc("Immutable arrival/departure record of a trip at a stop, for on-time reporting and rider notifications.")
        .tenant_scoped()
        .id_tagged("trip_stop_event")
        .tenant_ref("trip_id", TRANSPORT_TRIPS)
        .tenant_ref("route_stop_id", TRANSPORT_ROUTE_STOPS)
        .col("type", enum_of(STOP_EVENT_TYPE))
        .col("occurred_at", timestamptz().default_now())
        .col("latitude", numeric(9, 6).null())
        .col("longitude", numeric(9, 6).null())
        .recorded()
        .append_only();
}
