//! Where a biz operates: locations and their opening hours.

use crate::enums::LIFECYCLE_STATUS;
use schemactl::prelude::*;

pub const LOCATIONS: TableRef = TableRef::new("locations");
pub const LOCATION_OPERATING_HOURS: TableRef = TableRef::new("location_operating_hours");

const LOCATION_TYPE: EnumDef = EnumDef::new("location_type", &["physical", "virtual", "mobile"]);

pub fn declare(s: &mut SchemaBuilder) {
    s.domain("locations");

    s.table(LOCATIONS)
        .doc("A physical, virtual or mobile place a biz operates from; scopes availability, rollout (subject_location_bindings), stock and reporting.")
        .tenant_scoped()
        .id_tagged("location")
        .col("type", enum_of(LOCATION_TYPE).default_enum("physical"))
        .col("name", text())
        .col("slug", text())
        .col("timezone", text().default_text("UTC"))
        .col("address", jsonb().null())
        .col("latitude", numeric(9, 6).null())
        .col("longitude", numeric(9, 6).null())
        .col("status", enum_of(LIFECYCLE_STATUS).default_enum("active"))
        .unique(["biz_id", "slug"])
        .audited();

    s.table(LOCATION_OPERATING_HOURS)
        .doc("Weekly opening hours of a location (one row per weekday interval); the default frame availability rules refine.")
        .tenant_scoped()
        .id_tagged("location_hours")
        .tenant_ref("location_id", LOCATIONS)
        .col("weekday", smallint())
        .col("opens_at", time())
        .col("closes_at", time())
        .check("weekday_range", "weekday BETWEEN 0 AND 6")
        .check("closes_after_opens", "closes_at > opens_at")
        .audited();
}
