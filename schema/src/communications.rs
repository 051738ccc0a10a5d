//! Communications: consent, quiet hours, templates, sends with telemetry, campaigns and journeys.

use crate::enums::{CHANNEL_KIND, LIFECYCLE_STATUS};
use crate::users::USERS;
use schemactl::prelude::*;

pub const COMMUNICATION_CONSENTS: TableRef = TableRef::new("communication_consents");
pub const QUIET_HOUR_POLICIES: TableRef = TableRef::new("quiet_hour_policies");
pub const MESSAGE_TEMPLATES: TableRef = TableRef::new("message_templates");
pub const OUTBOUND_MESSAGES: TableRef = TableRef::new("outbound_messages");
pub const OUTBOUND_MESSAGE_EVENTS: TableRef = TableRef::new("outbound_message_events");
pub const MARKETING_CAMPAIGNS: TableRef = TableRef::new("marketing_campaigns");
pub const CAMPAIGN_JOURNEYS: TableRef = TableRef::new("campaign_journeys");
pub const JOURNEY_STEPS: TableRef = TableRef::new("journey_steps");
pub const JOURNEY_ENROLLMENTS: TableRef = TableRef::new("journey_enrollments");

const CONSENT_PURPOSE: EnumDef = EnumDef::new(
    "consent_purpose",
    &["transactional", "marketing", "reminders", "surveys"],
);
const CONSENT_SOURCE: EnumDef = EnumDef::new(
    "consent_source",
    &["checkout", "signup_form", "staff_entry", "import", "api"],
);
const CONSENT_STATUS: EnumDef = EnumDef::new("consent_status", &["granted", "withdrawn"]);
const MESSAGE_STATUS: EnumDef = EnumDef::new(
    "message_status",
    &[
        "queued",
        "deferred_quiet_hours",
        "sent",
        "delivered",
        "bounced",
        "failed",
        "suppressed",
    ],
);
const MESSAGE_EVENT_TYPE: EnumDef = EnumDef::new(
    "message_event_type",
    &[
        "queued",
        "sent",
        "delivered",
        "opened",
        "clicked",
        "bounced",
        "complained",
        "unsubscribed",
        "failed",
    ],
);
const CAMPAIGN_STATUS: EnumDef = EnumDef::new(
    "campaign_status",
    &[
        "draft",
        "scheduled",
        "running",
        "paused",
        "completed",
        "cancelled",
    ],
);
const JOURNEY_STEP_TYPE: EnumDef = EnumDef::new(
    "journey_step_type",
    &["send_message", "wait", "branch", "apply_discount", "exit"],
);
const JOURNEY_ENROLLMENT_STATUS: EnumDef = EnumDef::new(
    "journey_enrollment_status",
    &["active", "completed", "exited", "failed"],
);

pub fn declare(s: &mut SchemaBuilder) {
    s.domain("communications");

    s.table(COMMUNICATION_CONSENTS)
        .doc("A person's consent (or withdrawal) to be contacted by a biz on a channel for a purpose, with the evidence of how it was given.")
        .tenant_scoped()
        .id_tagged("consent")
        .references("user_id", USERS, text().null())
        .col("address", text())
        .col("channel", enum_of(CHANNEL_KIND))
        .col("purpose", enum_of(CONSENT_PURPOSE))
        .col("source", enum_of(CONSENT_SOURCE))
        .col("recorded_at", timestamptz().default_now())
        .col("status", enum_of(CONSENT_STATUS).default_enum("granted"))
        .unique_where(["biz_id", "address", "channel", "purpose"], "deleted_at IS NULL")
        .audited();

    s.table(QUIET_HOUR_POLICIES)
        .doc("Hours during which non-urgent messages are deferred, per channel, in the recipient's timezone.")
        .tenant_scoped()
        .id_tagged("quiet_hours")
        .col("channel", enum_of(CHANNEL_KIND))
        .col("starts_at_local", time())
        .col("ends_at_local", time())
        .col("applies_to_transactional", boolean().default_bool(false))
        .col("is_active", boolean().default_bool(true))
        .audited();

    s.table(MESSAGE_TEMPLATES)
        .doc("A reusable message (booking confirmation, reminder, campaign email) per channel and locale.")
        .tenant_scoped()
        .id_tagged("message_template")
        .col("key", text())
        .col("channel", enum_of(CHANNEL_KIND))
        .col("locale", text().default_text("en"))
        .col("subject", text().null())
        .col("body", text())
        .col("status", enum_of(LIFECYCLE_STATUS).default_enum("active"))
        .unique(["biz_id", "key", "channel", "locale"])
        .audited();

    s.table(OUTBOUND_MESSAGES)
        .doc("One message sent (or deferred or suppressed) to one recipient, with the template and consent it relied on.")
        .tenant_scoped()
        .id_tagged("message")
        .tenant_ref_opt("template_id", MESSAGE_TEMPLATES)
        .tenant_ref_opt("consent_id", COMMUNICATION_CONSENTS)
        .tenant_ref_opt("campaign_id", MARKETING_CAMPAIGNS)
        .references("recipient_user_id", USERS, text().null())
        .col("recipient_address", text())
        .col("channel", enum_of(CHANNEL_KIND))
        .col("rendered_subject", text().null())
        .col("rendered_body", text())
        .col("provider_message_id", text().null())
        .col("scheduled_for", timestamptz().default_now())
        .col("sent_at", timestamptz().null())
        .col("status", enum_of(MESSAGE_STATUS).default_enum("queued"))
        .audited();

    s.table(OUTBOUND_MESSAGE_EVENTS)
        .doc("Immutable delivery telemetry of a message: sent, delivered, opened, clicked, bounced, unsubscribed.")
        .tenant_scoped()
        .id_tagged("message_event")
        .tenant_ref("message_id", OUTBOUND_MESSAGES)
        .col("type", enum_of(MESSAGE_EVENT_TYPE))
        .col("details", jsonb().default_sql("'{}'::jsonb"))
        .col("occurred_at", timestamptz().default_now())
        .recorded()
        .append_only();

    s.table(MARKETING_CAMPAIGNS)
        .doc("A marketing campaign: audience, schedule and goal; sends messages directly or through journeys.")
        .tenant_scoped()
        .id_tagged("campaign")
        .col("name", text())
        .col("audience_filter", jsonb().default_sql("'{}'::jsonb"))
        .col("scheduled_at", timestamptz().null())
        .col("status", enum_of(CAMPAIGN_STATUS).default_enum("draft"))
        .audited();

    s.table(CAMPAIGN_JOURNEYS)
        .doc(
            "A multi-step automated journey (welcome series, win-back) triggered by an event type.",
        )
        .tenant_scoped()
        .id_tagged("journey")
        .tenant_ref_opt("campaign_id", MARKETING_CAMPAIGNS)
        .col("name", text())
        .col("trigger_event_type", text())
        .col("status", enum_of(LIFECYCLE_STATUS).default_enum("draft"))
        .audited();

    s.table(JOURNEY_STEPS)
        .doc("One step of a journey (send, wait, branch, discount, exit), in sequence.")
        .tenant_scoped()
        .id_tagged("journey_step")
        .tenant_ref("journey_id", CAMPAIGN_JOURNEYS)
        .col("sequence", integer())
        .col("type", enum_of(JOURNEY_STEP_TYPE))
        .tenant_ref_opt("template_id", MESSAGE_TEMPLATES)
        .col("wait_minutes", integer().null())
        .col("config", jsonb().default_sql("'{}'::jsonb"))
        .check(
            "send_has_template",
            "type <> 'send_message' OR template_id IS NOT NULL",
        )
        .check(
            "wait_has_minutes",
            "type <> 'wait' OR (wait_minutes IS NOT NULL AND wait_minutes > 0)",
        )
        .unique(["biz_id", "journey_id", "sequence"])
        .audited();

    s.table(JOURNEY_ENROLLMENTS)
        .doc("A person moving through a journey: current step and when the next one runs.")
        .tenant_scoped()
        .id_tagged("journey_enrollment")
        .tenant_ref("journey_id", CAMPAIGN_JOURNEYS)
        .references("user_id", USERS, text())
        .tenant_ref_opt("current_step_id", JOURNEY_STEPS)
        .col("next_run_at", timestamptz().null())
        .col(
            "status",
            enum_of(JOURNEY_ENROLLMENT_STATUS).default_enum("active"),
        )
        .unique_where(
            ["biz_id", "journey_id", "user_id"],
            "status = 'active' AND deleted_at IS NULL",
        )
        .audited();
}
