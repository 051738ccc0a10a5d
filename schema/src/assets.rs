//! Assets: bookable things. Identity and profile only; schedulability lives on resources.

use crate::enums::LIFECYCLE_STATUS;
use crate::locations::LOCATIONS;
use schemactl::prelude::*;

pub const ASSET_CATEGORIES: TableRef = TableRef::new("asset_categories");
pub const ASSETS: TableRef = TableRef::new("assets");

pub fn declare(s: &mut SchemaBuilder) {
    s.domain("assets");

    s.table(ASSET_CATEGORIES)
        .doc("A kind of asset (kayak, projector, van) used to group assets and to match requirements.")
        .tenant_scoped()
        .id_tagged("asset_category")
        .col("name", text())
        .col("slug", text())
        .col("status", enum_of(LIFECYCLE_STATUS).default_enum("active"))
        .unique(["biz_id", "slug"])
        .audited();

    s.table(ASSETS)
        .doc("A bookable thing (equipment, vehicle, kit). Lean identity/profile row; its schedulable twin is the one live `asset` resource that wraps it.")
        .tenant_scoped()
        .id_tagged("asset")
        .tenant_ref_opt("category_id", ASSET_CATEGORIES)
        .tenant_ref_opt("location_id", LOCATIONS)
        .col("name", text())
        .col("serial_number", text().null())
        .col("acquired_on", date().null())
        .col("attributes", jsonb().default_sql("'{}'::jsonb"))
        .col("status", enum_of(LIFECYCLE_STATUS).default_enum("active"))
        .audited();
}
