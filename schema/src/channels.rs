//! Sales/distribution channels: external marketplaces and booking partners.

use crate::enums::{LIFECYCLE_STATUS, RUN_STATUS};
use schemactl::prelude::*;

pub const CHANNEL_ACCOUNTS: TableRef = TableRef::new("channel_accounts");
pub const CHANNEL_ENTITY_LINKS: TableRef = TableRef::new("channel_entity_links");
pub const CHANNEL_SYNC_RUNS: TableRef = TableRef::new("channel_sync_runs");
pub const CHANNEL_INBOUND_EVENTS: TableRef = TableRef::new("channel_inbound_events");

const CHANNEL_PROVIDER: EnumDef = EnumDef::new(
    "channel_provider",
    &[
        "google_reserve",
        "classpass",
        "airbnb",
        "instagram",
        "custom_api",
    ],
);
const CHANNEL_ENTITY_TYPE: EnumDef = EnumDef::new(
    "channel_entity_type",
    &["offer", "resource", "location", "booking_order", "customer"],
);
const SYNC_DIRECTION: EnumDef = EnumDef::new("sync_direction", &["push", "pull"]);
const INBOUND_EVENT_STATUS: EnumDef = EnumDef::new(
    "inbound_event_status",
    &["received", "processed", "ignored", "failed"],
);

pub fn declare(s: &mut SchemaBuilder) {
    s.domain("channels");

    s.table(CHANNEL_ACCOUNTS)
        .doc("A biz's connection to a distribution channel (Reserve with Google, ClassPass) with credentials by reference.")
        .tenant_scoped()
        .id_tagged("channel_account")
        .col("provider", enum_of(CHANNEL_PROVIDER))
        .col("external_account_id", text())
        .col("credential_ref", text().null())
        .col("settings", jsonb().default_sql("'{}'::jsonb"))
        .col("status", enum_of(LIFECYCLE_STATUS).default_enum("active"))
        .unique(["biz_id", "provider", "external_account_id"])
        .audited();

    s.table(CHANNEL_ENTITY_LINKS)
        .doc("Maps a local entity (offer, resource, order, customer) to its id on a channel, so syncs are idempotent.")
        .tenant_scoped()
        .id_tagged("channel_link")
        .tenant_ref("channel_account_id", CHANNEL_ACCOUNTS)
        .col("entity_type", enum_of(CHANNEL_ENTITY_TYPE))
        .col("local_id", text())
        .col("external_id", text())
        .col("last_synced_at", timestamptz().null())
        .unique(["biz_id", "channel_account_id", "entity_type", "external_id"])
        .audited();

    s.table(CHANNEL_SYNC_RUNS)
        .doc("One push/pull of inventory and bookings with a channel.")
        .tenant_scoped()
        .id_tagged("channel_sync")
        .tenant_ref("channel_account_id", CHANNEL_ACCOUNTS)
        .col("direction", enum_of(SYNC_DIRECTION))
        .col("started_at", timestamptz().default_now())
        .col("finished_at", timestamptz().null())
        .col("items_processed", integer().default_int(0))
        .col("error", text().null())
        .col("status", enum_of(RUN_STATUS).default_enum("queued"))
        .audited();

    s.table(CHANNEL_INBOUND_EVENTS)
        .doc("A webhook or poll result received from a channel, deduplicated by its external event id.")
        .tenant_scoped()
        .id_tagged("channel_event")
        .tenant_ref("channel_account_id", CHANNEL_ACCOUNTS)
        .col("external_event_id", text())
        .col("event_type", text())
        .col("payload", jsonb())
        .col("received_at", timestamptz().default_now())
        .col("processed_at", timestamptz().null())
        .col("status", enum_of(INBOUND_EVENT_STATUS).default_enum("received"))
        .unique(["biz_id", "channel_account_id", "external_event_id"])
        .audited();
}
