//! Unified operations: one identity layer over demands and assignments from any source.

use crate::fulfillment::{FULFILLMENT_ASSIGNMENTS, FULFILLMENT_UNITS};
use crate::locations::LOCATIONS;
use crate::resources::RESOURCES;
use crate::supply::STAFFING_DEMANDS;
use crate::work_management::WORK_RUNS;
use schemactl::prelude::*;

pub const OPERATIONAL_DEMANDS: TableRef = TableRef::new("operational_demands");
pub const OPERATIONAL_ASSIGNMENTS: TableRef = TableRef::new("operational_assignments");
pub const DISPATCH_BOARDS: TableRef = TableRef::new("dispatch_boards");

const DEMAND_SOURCE: EnumDef = EnumDef::new(
    "operational_demand_source",
    &[
        "fulfillment_unit",
        "staffing_demand",
        "work_run",
        "custom_subject",
    ],
);
const OPERATIONAL_STATUS: EnumDef = EnumDef::new(
    "operational_status",
    &["open", "assigned", "in_progress", "done", "cancelled"],
);
const OPERATIONAL_ASSIGNMENT_SOURCE: EnumDef = EnumDef::new(
    "operational_assignment_source",
    &[
        "fulfillment_assignment",
        "staffing_response",
        "work_run",
        "manual",
    ],
);

pub fn declare(s: &mut SchemaBuilder) {
    s.domain("operations_backbone");

    s.table(OPERATIONAL_DEMANDS)
        .doc("Canonical identity of anything that needs doing, whatever its source (fulfillment unit, staffing demand, work run, plugin subject), so dispatch and analytics query one graph.")
        .tenant_scoped()
        .id_tagged("op_demand")
        .col("source", enum_of(DEMAND_SOURCE))
        .tenant_ref_opt("fulfillment_unit_id", FULFILLMENT_UNITS)
        .tenant_ref_opt("staffing_demand_id", STAFFING_DEMANDS)
        .tenant_ref_opt("work_run_id", WORK_RUNS)
        .subject_ref("custom", true)
        .tenant_ref_opt("location_id", LOCATIONS)
        .window("needed_from", "needed_until", Window::Optional)
        .col("priority", smallint().default_int(3))
        .col("status", enum_of(OPERATIONAL_STATUS).default_enum("open"))
        .exactly_one_by(
            "source",
            &[
                ("fulfillment_unit", "fulfillment_unit_id"),
                ("staffing_demand", "staffing_demand_id"),
                ("work_run", "work_run_id"),
                ("custom_subject", "custom_subject_id"),
            ],
        )
        .check("priority_range", "priority BETWEEN 1 AND 5")
        .audited();

    s.table(OPERATIONAL_ASSIGNMENTS)
        .doc("Canonical identity of a resource assigned to an operational demand, pointing back to the source assignment when there is one.")
        .tenant_scoped()
        .id_tagged("op_assignment")
        .tenant_ref("demand_id", OPERATIONAL_DEMANDS)
        .tenant_ref("resource_id", RESOURCES)
        .col("source", enum_of(OPERATIONAL_ASSIGNMENT_SOURCE))
        .tenant_ref_opt("fulfillment_assignment_id", FULFILLMENT_ASSIGNMENTS)
        .window("starts_at", "ends_at", Window::Optional)
        .col("status", enum_of(OPERATIONAL_STATUS).default_enum("assigned"))
        .check("source_shape", "(source = 'fulfillment_assignment') = (fulfillment_assignment_id IS NOT NULL)")
        .audited();

    s.table(DISPATCH_BOARDS)
        .doc("A dispatcher's saved view over operational demands (by location, capability, time horizon).")
        .tenant_scoped()
        .id_tagged("dispatch_board")
        .col("name", text())
        .tenant_ref_opt("location_id", LOCATIONS)
        .col("filters", jsonb().default_sql("'{}'::jsonb"))
        .col("horizon_hours", integer().default_int(24))
        .col("is_active", boolean().default_bool(true))
        .audited();
}
