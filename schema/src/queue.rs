//! Walk-in queues and waitlists: queues, entries, immutable events and counters.

use crate::enums::LIFECYCLE_STATUS;
use crate::fulfillment::FULFILLMENT_UNITS;
use crate::locations::LOCATIONS;
use crate::offers::OFFER_VERSIONS;
use crate::resources::RESOURCES;
use crate::users::USERS;
use schemactl::prelude::*;

pub const QUEUES: TableRef = TableRef::new("queues");
pub const QUEUE_ENTRIES: TableRef = TableRef::new("queue_entries");
pub const QUEUE_EVENTS: TableRef = TableRef::new("queue_events");
pub const QUEUE_COUNTERS: TableRef = TableRef::new("queue_counters");

const QUEUE_TYPE: EnumDef = EnumDef::new("queue_type", &["walk_in", "waitlist", "virtual_line"]);
const QUEUE_ENTRY_STATUS: EnumDef = EnumDef::new(
    "queue_entry_status",
    &[
        "waiting", "called", "serving", "served", "left", "no_show", "expired",
    ],
);
const QUEUE_EVENT_TYPE: EnumDef = EnumDef::new(
    "queue_event_type",
    &[
        "joined",
        "position_changed",
        "called",
        "serving",
        "served",
        "left",
        "no_show",
        "offered_slot",
    ],
);

pub fn declare(s: &mut SchemaBuilder) {
    s.domain("queue");

    s.table(QUEUES)
        .doc("A walk-in line, waitlist or virtual queue at a location or for an offer version.")
        .tenant_scoped()
        .id_tagged("queue")
        .col("type", enum_of(QUEUE_TYPE))
        .col("name", text())
        .tenant_ref_opt("location_id", LOCATIONS)
        .tenant_ref_opt("offer_version_id", OFFER_VERSIONS)
        .col("max_size", integer().null())
        .col("status", enum_of(LIFECYCLE_STATUS).default_enum("active"))
        .audited();

    s.table(QUEUE_ENTRIES)
        .doc("A person waiting in a queue: ticket number, position, estimated wait and the unit that eventually served them.")
        .tenant_scoped()
        .id_tagged("queue_entry")
        .tenant_ref("queue_id", QUEUES)
        .references("user_id", USERS, text().null())
        .col("guest_name", text().null())
        .col("ticket_number", integer())
        .col("party_size", integer().default_int(1))
        .col("estimated_wait_minutes", integer().null())
        .col("joined_at", timestamptz().default_now())
        .tenant_ref_opt("served_by_resource_id", RESOURCES)
        .tenant_ref_opt("fulfillment_unit_id", FULFILLMENT_UNITS)
        .col("status", enum_of(QUEUE_ENTRY_STATUS).default_enum("waiting"))
        .check("party_size_positive", "party_size > 0")
        .check("has_identity", "user_id IS NOT NULL OR guest_name IS NOT NULL")
        .audited();

    s.table(QUEUE_EVENTS)
        .doc("Immutable history of a queue entry (joined, called, served, left) for wait-time analytics.")
        .tenant_scoped()
        .id_tagged("queue_event")
        .tenant_ref("entry_id", QUEUE_ENTRIES)
        .col("type", enum_of(QUEUE_EVENT_TYPE))
        .col("position", integer().null())
        .col("occurred_at", timestamptz().default_now())
        .recorded()
        .append_only();

    s.table(QUEUE_COUNTERS)
        .doc("The next ticket number of a queue per service day, incremented atomically.")
        .tenant_scoped()
        .id_tagged("queue_counter")
        .tenant_ref("queue_id", QUEUES)
        .col("service_date", date())
        .col("next_ticket_number", integer().default_int(1))
        .unique(["biz_id", "queue_id", "service_date"])
        .audited();
}
