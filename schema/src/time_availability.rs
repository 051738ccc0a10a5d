//! Availability as a first-class system: calendars, bindings, overlays, rules, capacity pools.

use crate::enums::LIFECYCLE_STATUS;
use crate::resources::RESOURCES;
use schemactl::prelude::*;

pub const CALENDARS: TableRef = TableRef::new("calendars");
pub const CALENDAR_BINDINGS: TableRef = TableRef::new("calendar_bindings");
pub const CALENDAR_OVERLAYS: TableRef = TableRef::new("calendar_overlays");
pub const AVAILABILITY_RULES: TableRef = TableRef::new("availability_rules");
pub const CAPACITY_POOLS: TableRef = TableRef::new("capacity_pools");
pub const CAPACITY_POOL_MEMBERS: TableRef = TableRef::new("capacity_pool_members");
pub const CAPACITY_HOLDS: TableRef = TableRef::new("capacity_holds");

const CALENDAR_BINDING_TARGET: EnumDef = EnumDef::new(
    "calendar_binding_target",
    &["resource", "location", "offer_version", "custom_subject"],
);
const OVERLAY_TYPE: EnumDef = EnumDef::new(
    "calendar_overlay_type",
    &[
        "closure",
        "extra_opening",
        "holiday",
        "maintenance",
        "capacity_change",
    ],
);
const AVAILABILITY_RULE_TYPE: EnumDef = EnumDef::new(
    "availability_rule_type",
    &["weekly", "date_range", "specific_date"],
);
const AVAILABILITY_EFFECT: EnumDef =
    EnumDef::new("availability_effect", &["available", "unavailable"]);
const CAPACITY_POOL_MEMBER_TYPE: EnumDef =
    EnumDef::new("capacity_pool_member_type", &["resource", "custom_subject"]);
const CAPACITY_HOLD_STATUS: EnumDef = EnumDef::new(
    "capacity_hold_status",
    &["held", "converted", "released", "expired"],
);

pub fn declare(s: &mut SchemaBuilder) {
    s.domain("time_availability");

    s.table(CALENDARS)
        .doc("A named availability calendar (timezone, slot granularity) that rules and overlays hang off; bound to resources, locations or offer versions through calendar_bindings.")
        .tenant_scoped()
        .id_tagged("calendar")
        .col("name", text())
        .col("timezone", text().default_text("UTC"))
        .col("slot_minutes", integer().default_int(15))
        .col("status", enum_of(LIFECYCLE_STATUS).default_enum("active"))
        .check("slot_minutes_positive", "slot_minutes > 0")
        .audited();

    s.table(CALENDAR_BINDINGS)
        .doc("Attaches a calendar to what it governs: a resource, a location, an offer version or a custom subject (exactly one, by target_type).")
        .tenant_scoped()
        .id_tagged("calendar_binding")
        .tenant_ref("calendar_id", CALENDARS)
        .col("target_type", enum_of(CALENDAR_BINDING_TARGET))
        .tenant_ref_opt("resource_id", RESOURCES)
        .tenant_ref_opt("location_id", crate::locations::LOCATIONS)
        .tenant_ref_opt("offer_version_id", crate::offers::OFFER_VERSIONS)
        .subject_ref("custom", true)
        .col("priority", integer().default_int(0))
        .col("is_active", boolean().default_bool(true))
        .exactly_one_by(
            "target_type",
            &[
                ("resource", "resource_id"),
                ("location", "location_id"),
                ("offer_version", "offer_version_id"),
                ("custom_subject", "custom_subject_id"),
            ],
        )
        .audited();

    s.table(CALENDAR_OVERLAYS)
        .doc("A dated exception layered over a calendar's rules: closures, holidays, extra openings, capacity changes.")
        .tenant_scoped()
        .id_tagged("overlay")
        .tenant_ref("calendar_id", CALENDARS)
        .col("type", enum_of(OVERLAY_TYPE))
        .window("starts_at", "ends_at", Window::Closed)
        .col("capacity_delta", integer().null())
        .col("reason", text().null())
        .audited();

    s.table(AVAILABILITY_RULES)
        .doc("A recurring or dated availability rule of a calendar (weekly hours, seasonal ranges), evaluated in priority order.")
        .tenant_scoped()
        .id_tagged("availability_rule")
        .tenant_ref("calendar_id", CALENDARS)
        .col("type", enum_of(AVAILABILITY_RULE_TYPE))
        .col("effect", enum_of(AVAILABILITY_EFFECT).default_enum("available"))
        .col("weekday", smallint().null())
        .col("start_time", time())
        .col("end_time", time())
        .col("valid_from", date().null())
        .col("valid_until", date().null())
        .col("priority", integer().default_int(0))
        .col("is_active", boolean().default_bool(true))
        .check("weekday_shape", "(type = 'weekly') = (weekday IS NOT NULL) AND (weekday IS NULL OR weekday BETWEEN 0 AND 6)")
        .check("time_order", "end_time > start_time")
        .check("date_order", "valid_until IS NULL OR valid_from IS NULL OR valid_until >= valid_from")
        .audited();

    s.table(CAPACITY_POOLS)
        .doc("Shared capacity across several resources or subjects (e.g. 3 instructors across 5 lanes); bookings draw from the pool, not one member.")
        .tenant_scoped()
        .id_tagged("capacity_pool")
        .col("name", text())
        .col("capacity", integer())
        .col("status", enum_of(LIFECYCLE_STATUS).default_enum("active"))
        .check("capacity_positive", "capacity > 0")
        .audited();

    s.table(CAPACITY_POOL_MEMBERS)
        .doc("A resource or custom subject that contributes to a capacity pool, with its weight.")
        .tenant_scoped()
        .id_tagged("pool_member")
        .tenant_ref("capacity_pool_id", CAPACITY_POOLS)
        .col("member_type", enum_of(CAPACITY_POOL_MEMBER_TYPE))
        .tenant_ref_opt("resource_id", RESOURCES)
        .subject_ref("custom", true)
        .col("weight", integer().default_int(1))
        .col("is_active", boolean().default_bool(true))
        .exactly_one_by(
            "member_type",
            &[
                ("resource", "resource_id"),
                ("custom_subject", "custom_subject_id"),
            ],
        )
        .check("weight_positive", "weight > 0")
        .audited();

    s.table(CAPACITY_HOLDS)
        .doc("A short-lived hold on pool capacity while a checkout completes; converted into a fulfillment unit or released.")
        .tenant_scoped()
        .id_tagged("capacity_hold")
        .tenant_ref("capacity_pool_id", CAPACITY_POOLS)
        .window("starts_at", "ends_at", Window::Closed)
        .col("quantity", integer().default_int(1))
        .col("expires_at", timestamptz())
        .col("status", enum_of(CAPACITY_HOLD_STATUS).default_enum("held"))
        .check("quantity_positive", "quantity > 0")
        .audited();
}
