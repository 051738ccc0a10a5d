//! Audit trail: streams, immutable events and integrity checkpoints.

use crate::users::USERS;
use schemactl::prelude::*;

pub const AUDIT_STREAMS: TableRef = TableRef::new("audit_streams");
pub const AUDIT_EVENTS: TableRef = TableRef::new("audit_events");
pub const AUDIT_INTEGRITY_CHECKPOINTS: TableRef = TableRef::new("audit_integrity_checkpoints");

const AUDIT_ACTION: EnumDef = EnumDef::new(
    "audit_action",
    &[
        "create",
        "update",
        "delete",
        "restore",
        "read",
        "export",
        "login",
        "permission_change",
    ],
);
const ACTOR_TYPE: EnumDef = EnumDef::new("actor_type", &["user", "api_key", "extension", "system"]);

pub fn declare(s: &mut SchemaBuilder) {
    s.domain("audit");

    s.table(AUDIT_STREAMS)
        .doc("A named audit stream of a biz (security, finance, data access) with its retention; events belong to one stream.")
        .tenant_scoped()
        .id_tagged("audit_stream")
        .col("key", text())
        .col("retention_days", integer().default_int(2555))
        .col("is_active", boolean().default_bool(true))
        .check("retention_positive", "retention_days > 0")
        .unique(["biz_id", "key"])
        .audited();

    s.table(AUDIT_EVENTS)
        .doc("Immutable audit event: who did what to which entity, with before/after snapshots. Never updated or deleted; each row chains to the previous hash.")
        .tenant_scoped()
        .id_tagged("audit_event")
        .tenant_ref("stream_id", AUDIT_STREAMS)
        .col("action", enum_of(AUDIT_ACTION))
        .col("actor_type", enum_of(ACTOR_TYPE))
        .references("actor_user_id", USERS, text().null())
        .col("entity_table", text())
        .col("entity_id", text())
        .col("before", jsonb().null())
        .col("after", jsonb().null())
        .col("request_id", text().null())
        .col("ip_address", inet().null())
        .col("occurred_at", timestamptz().default_now())
        .col("previous_hash", text().null())
        .col("event_hash", text())
        .index(["biz_id", "entity_table", "entity_id"])
        .recorded()
        .append_only();

    s.table(AUDIT_INTEGRITY_CHECKPOINTS)
        .doc("A periodic signed checkpoint over a stream's hash chain, proving no audit event was altered since.")
        .tenant_scoped()
        .id_tagged("audit_checkpoint")
        .tenant_ref("stream_id", AUDIT_STREAMS)
        .tenant_ref("last_event_id", AUDIT_EVENTS)
        .col("chain_hash", text())
        .col("signature", text())
        .col("events_covered", bigint())
        .recorded()
        .append_only();
}
