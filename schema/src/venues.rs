//! Venues: bookable spaces. Identity and profile only; schedulability lives on resources.

use crate::enums::LIFECYCLE_STATUS;
use crate::locations::LOCATIONS;
use schemactl::prelude::*;

pub const VENUES: TableRef = TableRef::new("venues");
pub const VENUE_AMENITIES: TableRef = TableRef::new("venue_amenities");

const VENUE_TYPE: EnumDef = EnumDef::new(
    "venue_type",
    &["room", "hall", "court", "studio", "outdoor", "virtual_room"],
);

pub fn declare(s: &mut SchemaBuilder) {
    s.domain("venues");

    s.table(VENUES)
        .doc("A bookable space (room, court, studio). Lean identity/profile row; its schedulable twin is the one live `venue` resource that wraps it.")
        .tenant_scoped()
        .id_tagged("venue")
        .tenant_ref_opt("location_id", LOCATIONS)
        .col("type", enum_of(VENUE_TYPE))
        .col("name", text())
        .col("seated_capacity", integer().null())
        .col("floor_area_sqm", numeric(8, 2).null())
        .col("status", enum_of(LIFECYCLE_STATUS).default_enum("active"))
        .audited();

    s.table(VENUE_AMENITIES)
        .doc("An amenity a venue offers (projector, shower, step-free access), for search and requirement matching.")
        .tenant_scoped()
        .id_tagged("venue_amenity")
        .tenant_ref("venue_id", VENUES)
        .col("amenity_key", text())
        .col("details", text().null())
        .col("is_active", boolean().default_bool(true))
        .unique(["biz_id", "venue_id", "amenity_key"])
        .audited();
}
