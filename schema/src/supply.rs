//! Supply: capabilities resources hold, and staffing demand/response for open shifts and gigs.

use crate::enums::{APPROVAL_STATUS, LIFECYCLE_STATUS};
use crate::locations::LOCATIONS;
use crate::resources::RESOURCES;
use schemactl::prelude::*;

pub const CAPABILITY_DEFINITIONS: TableRef = TableRef::new("capability_definitions");
pub const RESOURCE_CAPABILITY_BINDINGS: TableRef = TableRef::new("resource_capability_bindings");
pub const STAFFING_DEMANDS: TableRef = TableRef::new("staffing_demands");
pub const STAFFING_RESPONSES: TableRef = TableRef::new("staffing_responses");

const STAFFING_DEMAND_STATUS: EnumDef = EnumDef::new(
    "staffing_demand_status",
    &["open", "partially_filled", "filled", "cancelled", "expired"],
);

pub fn declare(s: &mut SchemaBuilder) {
    s.domain("supply");

    s.table(CAPABILITY_DEFINITIONS)
        .doc("A generic capability dictionary entry (certified lifeguard, 4x4 vehicle, wheelchair accessible) that requirements and selectors match against instead of vertical-specific columns.")
        .tenant_scoped()
        .id_tagged("capability")
        .col("key", text())
        .col("name", text())
        .col("description", text().null())
        .col("status", enum_of(LIFECYCLE_STATUS).default_enum("active"))
        .unique(["biz_id", "key"])
        .audited();

    s.table(RESOURCE_CAPABILITY_BINDINGS)
        .doc("A capability a resource holds, with proficiency and validity (e.g. a certification that expires).")
        .tenant_scoped()
        .id_tagged("resource_capability")
        .tenant_ref("resource_id", RESOURCES)
        .tenant_ref("capability_id", CAPABILITY_DEFINITIONS)
        .col("proficiency", smallint().null())
        .window("valid_from", "valid_until", Window::OpenEnded)
        .col("is_active", boolean().default_bool(true))
        .check("proficiency_range", "proficiency IS NULL OR proficiency BETWEEN 1 AND 5")
        .unique_where(["biz_id", "resource_id", "capability_id"], "deleted_at IS NULL")
        .audited();

    s.table(STAFFING_DEMANDS)
        .doc("An open shift or gig needing supply with a capability at a time and place; resources respond through staffing_responses.")
        .tenant_scoped()
        .id_tagged("staffing_demand")
        .tenant_ref_opt("location_id", LOCATIONS)
        .tenant_ref_opt("capability_id", CAPABILITY_DEFINITIONS)
        .col("title", text())
        .window("starts_at", "ends_at", Window::Closed)
        .col("headcount", integer().default_int(1))
        .amounts(&["offered_pay"])
        .currency("currency")
        .col("status", enum_of(STAFFING_DEMAND_STATUS).default_enum("open"))
        .check("headcount_positive", "headcount > 0")
        .audited();

    s.table(STAFFING_RESPONSES)
        .doc("A resource's application for a staffing demand and the decision on it.")
        .tenant_scoped()
        .id_tagged("staffing_response")
        .tenant_ref("staffing_demand_id", STAFFING_DEMANDS)
        .tenant_ref("resource_id", RESOURCES)
        .col("note", text().null())
        .col("decided_at", timestamptz().null())
        .col("status", enum_of(APPROVAL_STATUS).default_enum("pending"))
        .unique(["biz_id", "staffing_demand_id", "resource_id"])
        .audited();
}
