//! Services: what a biz does for customers, independent of how it is sold.

use crate::enums::{LIFECYCLE_STATUS, VISIBILITY};
use crate::supply::CAPABILITY_DEFINITIONS;
use schemactl::prelude::*;

pub const SERVICE_GROUPS: TableRef = TableRef::new("service_groups");
pub const SERVICES: TableRef = TableRef::new("services");
pub const SERVICE_RESOURCE_REQUIREMENTS: TableRef = TableRef::new("service_resource_requirements");

const SERVICE_TYPE: EnumDef = EnumDef::new(
    "service_type",
    &[
        "appointment",
        "class",
        "event",
        "rental",
        "on_site",
        "virtual",
    ],
);
const REQUIREMENT_MODE: EnumDef =
    EnumDef::new("requirement_mode", &["required", "optional", "one_of"]);

pub fn declare(s: &mut SchemaBuilder) {
    s.domain("services");

    s.table(SERVICE_GROUPS)
        .doc(
            "A menu section grouping services for display and reporting (e.g. Haircuts, Massages).",
        )
        .tenant_scoped()
        .id_tagged("service_group")
        .col("name", text())
        .col("slug", text())
        .col("sort_order", integer().default_int(0))
        .col("status", enum_of(LIFECYCLE_STATUS).default_enum("active"))
        .unique(["biz_id", "slug"])
        .audited();

    s.table(SERVICES)
        .doc("A unit of work a biz performs (a 60-minute massage, a group class); the execution template that service products and offers sell.")
        .tenant_scoped()
        .id_tagged("service")
        .tenant_ref_opt("service_group_id", SERVICE_GROUPS)
        .col("type", enum_of(SERVICE_TYPE))
        .col("name", text())
        .col("slug", text())
        .col("description", text().null())
        .col("duration_minutes", integer())
        .col("buffer_before_minutes", integer().default_int(0))
        .col("buffer_after_minutes", integer().default_int(0))
        .col("max_participants", integer().default_int(1))
        .col("visibility", enum_of(VISIBILITY).default_enum("public"))
        .col("status", enum_of(LIFECYCLE_STATUS).default_enum("draft"))
        .check("duration_positive", "duration_minutes > 0")
        .check("buffers_non_negative", "buffer_before_minutes >= 0 AND buffer_after_minutes >= 0")
        .check("participants_positive", "max_participants > 0")
        .unique(["biz_id", "slug"])
        .audited();

    s.table(SERVICE_RESOURCE_REQUIREMENTS)
        .doc("Which supply a service needs: a count of resources holding a capability (two hosts, one room), matched against resources at booking time.")
        .tenant_scoped()
        .id_tagged("service_req")
        .tenant_ref("service_id", SERVICES)
        .tenant_ref("capability_id", CAPABILITY_DEFINITIONS)
        .col("mode", enum_of(REQUIREMENT_MODE).default_enum("required"))
        .col("quantity", integer().default_int(1))
        .check("quantity_positive", "quantity > 0")
        .audited();
}
