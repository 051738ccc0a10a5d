//! Two-way sync with external calendars (Google, Microsoft, iCal).

use crate::enums::RUN_STATUS;
use crate::resources::RESOURCES;
use crate::time_availability::CALENDARS;
use crate::users::USERS;
use schemactl::prelude::*;

pub const CALENDAR_CONNECTIONS: TableRef = TableRef::new("calendar_connections");
pub const CALENDAR_SYNC_RUNS: TableRef = TableRef::new("calendar_sync_runs");
pub const EXTERNAL_CALENDAR_EVENTS: TableRef = TableRef::new("external_calendar_events");

const CALENDAR_PROVIDER: EnumDef = EnumDef::new(
    "calendar_provider",
    &["google", "microsoft", "apple", "ical"],
);
const CONNECTION_STATUS: EnumDef = EnumDef::new(
    "calendar_connection_status",
    &["connected", "needs_reauth", "paused", "disconnected"],
);

pub fn declare(s: &mut SchemaBuilder) {
    s.domain("calendar_sync");

    s.table(CALENDAR_CONNECTIONS)
        .doc("A link between a resource's availability and an external calendar account, with the sync cursor and token reference.")
        .tenant_scoped()
        .id_tagged("calendar_conn")
        .tenant_ref("resource_id", RESOURCES)
        .tenant_ref_opt("calendar_id", CALENDARS)
        .references("owner_user_id", USERS, text())
        .col("provider", enum_of(CALENDAR_PROVIDER))
        .col("external_calendar_id", text())
        .col("credential_ref", text())
        .col("sync_cursor", text().null())
        .col("push_bookings", boolean().default_bool(true))
        .col("last_synced_at", timestamptz().null())
        .col("status", enum_of(CONNECTION_STATUS).default_enum("connected"))
        .unique(["biz_id", "resource_id", "provider", "external_calendar_id"])
        .audited();

    s.table(CALENDAR_SYNC_RUNS)
        .doc("One pull/push sync pass of a calendar connection, for monitoring and retry.")
        .tenant_scoped()
        .id_tagged("calendar_sync")
        .tenant_ref("connection_id", CALENDAR_CONNECTIONS)
        .col("started_at", timestamptz().default_now())
        .col("finished_at", timestamptz().null())
        .col("events_pulled", integer().default_int(0))
        .col("events_pushed", integer().default_int(0))
        .col("error", text().null())
        .col("status", enum_of(RUN_STATUS).default_enum("queued"))
        .audited();

    s.table(EXTERNAL_CALENDAR_EVENTS)
        .doc("A busy block imported from an external calendar; treated as unavailability of the connected resource.")
        .tenant_scoped()
        .id_tagged("ext_event")
        .tenant_ref("connection_id", CALENDAR_CONNECTIONS)
        .col("external_event_id", text())
        .window("starts_at", "ends_at", Window::Closed)
        .col("is_all_day", boolean().default_bool(false))
        .col("is_busy", boolean().default_bool(true))
        .col("etag", text().null())
        .unique(["biz_id", "connection_id", "external_event_id"])
        .audited();
}
