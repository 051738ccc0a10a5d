//! Catalog and supply: assets, venues and the resources that wrap them.

use crate::enums::{LIFECYCLE_STATUS, RESOURCE_TYPE};
use crate::identity::{LOCATIONS, USERS};
use schemactl::prelude::*;

pub const ASSETS: TableRef = TableRef::new("assets");
pub const VENUES: TableRef = TableRef::new("venues");
pub const RESOURCES: TableRef = TableRef::new("resources");

pub fn declare(s: &mut SchemaBuilder) {
    s.domain("supply");

    s.table(ASSETS)
        .doc("A bookable thing (equipment, vehicle, room kit). Identity only; schedulability lives on resources.")
        .tenant_scoped()
        .id_tagged("asset")
        .col("name", text())
        .col("status", enum_of(LIFECYCLE_STATUS).default_enum("active"))
        .tenant_ref_opt("location_id", LOCATIONS)
        .audited();

    s.table(VENUES)
        .doc("A bookable space. Identity only; schedulability lives on resources.")
        .tenant_scoped()
        .id_tagged("venue")
        .col("name", text())
        .col("status", enum_of(LIFECYCLE_STATUS).default_enum("active"))
        .tenant_ref_opt("location_id", LOCATIONS)
        .audited();

    s.table(RESOURCES)
        .doc("Schedulable supply pivot: exactly one live row wraps each host user, asset or venue, so scheduling identity is deterministic.")
        .tenant_scoped()
        .id_tagged("resource")
        .col("type", enum_of(RESOURCE_TYPE))
        .col("name", text())
        .col("slug", text())
        .col("capacity", integer().default_int(1))
        .fk_with(["host_user_id"], USERS, ["id"], |f| f)
        .col("host_user_id", text().null())
        .tenant_ref_opt("asset_id", ASSETS)
        .tenant_ref_opt("venue_id", VENUES)
        .exactly_one_by("type", &[("host", "host_user_id"), ("asset", "asset_id"), ("venue", "venue_id")])
        .one_live_wrapper("host_user_id", "type = 'host'")
        .one_live_wrapper("asset_id", "type = 'asset'")
        .one_live_wrapper("venue_id", "type = 'venue'")
        .unique(["biz_id", "slug"])
        .check("capacity_positive", "capacity > 0")
        .audited();
}
