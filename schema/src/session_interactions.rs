//! Session engagement: chat, Q&A, polls and replay telemetry for live and virtual sessions.

use crate::fulfillment::FULFILLMENT_UNITS;
use crate::users::USERS;
use schemactl::prelude::*;

pub const SESSION_INTERACTION_EVENTS: TableRef = TableRef::new("session_interaction_events");
pub const SESSION_POLLS: TableRef = TableRef::new("session_polls");
pub const SESSION_INTERACTION_AGGREGATES: TableRef =
    TableRef::new("session_interaction_aggregates");

const INTERACTION_TYPE: EnumDef = EnumDef::new(
    "session_interaction_type",
    &[
        "joined",
        "left",
        "chat_message",
        "question",
        "answer",
        "poll_vote",
        "reaction",
        "replay_view",
    ],
);
const POLL_STATUS: EnumDef = EnumDef::new("session_poll_status", &["draft", "open", "closed"]);

pub fn declare(s: &mut SchemaBuilder) {
    s.domain("session_interactions");

    s.table(SESSION_POLLS)
        .doc("A poll run during a session, with its options; votes arrive as interaction events.")
        .tenant_scoped()
        .id_tagged("session_poll")
        .tenant_ref("fulfillment_unit_id", FULFILLMENT_UNITS)
        .col("question", text())
        .col("options", jsonb())
        .col("opened_at", timestamptz().null())
        .col("closed_at", timestamptz().null())
        .col("status", enum_of(POLL_STATUS).default_enum("draft"))
        .audited();

    s.table(SESSION_INTERACTION_EVENTS)
        .doc("Immutable participation telemetry of a session: joins, chat, questions, poll votes, reactions and replay views.")
        .tenant_scoped()
        .id_tagged("session_event")
        .tenant_ref("fulfillment_unit_id", FULFILLMENT_UNITS)
        .references("user_id", USERS, text().null())
        .col("type", enum_of(INTERACTION_TYPE))
        .tenant_ref_opt("poll_id", SESSION_POLLS)
        .col("body", text().null())
        .col("payload", jsonb().default_sql("'{}'::jsonb"))
        .col("occurred_at", timestamptz().default_now())
        .check("vote_has_poll", "type <> 'poll_vote' OR poll_id IS NOT NULL")
        .recorded()
        .append_only();

    s.table(SESSION_INTERACTION_AGGREGATES)
        .doc("Read model: per-participant engagement totals of a session, rebuilt from interaction events.")
        .tenant_scoped()
        .id_tagged("session_aggregate")
        .tenant_ref("fulfillment_unit_id", FULFILLMENT_UNITS)
        .references("user_id", USERS, text())
        .col("minutes_present", integer().default_int(0))
        .col("messages_count", integer().default_int(0))
        .col("questions_count", integer().default_int(0))
        .col("poll_votes_count", integer().default_int(0))
        .col("replay_minutes", integer().default_int(0))
        .col("last_event_at", timestamptz().null())
        .unique(["biz_id", "fulfillment_unit_id", "user_id"])
        .audited();
}
