//! The events/marketplace platform (SQLite, single operator): the tables its data model names,
//! state-transition (status history) tables instead of hard deletes, uniqueness enforced by
//! the database, and an append-only `audit_log` (SQLite triggers reject UPDATE and DELETE).
//!
//! The document's `app_migrations` tracking table is schemactl's `schemactl_migrations`, and
//! its "no pending migrations" precondition is `schemactl status` exiting 0.

use schemactl::prelude::*;

macro_rules! tables {
    ($($c:ident = $n:literal;)*) => { $(pub const $c: TableRef = TableRef::new($n);)* };
}

tables! {
    USERS = "users"; ROLES = "roles"; USER_ROLES = "user_roles"; SERVICE_TOKENS = "service_tokens";
    AUDIT_LOG = "audit_log";
    EVENTS = "events"; EVENT_REGISTRATIONS = "event_registrations";
    OFFERS = "offers"; OFFER_PACKAGES = "offer_packages";
    INTAKE_REQUESTS = "intake_requests"; INTAKE_STATUS_HISTORY = "intake_status_history";
    EVENT_DELIVERY = "event_delivery";
    INSTRUCTORS = "instructors"; INSTRUCTOR_AVAILABILITY = "instructor_availability";
    ASSIGNMENTS = "event_instructor_assignments";
    ASSIGNMENT_HISTORY = "event_instructor_assignment_history";
    PROPOSALS = "proposals"; PROPOSAL_STATUS_HISTORY = "proposal_status_history";
    INVOICES = "invoices"; INVOICE_STATUS_HISTORY = "invoice_status_history";
    PAYMENTS = "payments";
    ENGAGEMENT_SESSIONS = "engagement_sessions"; ACTION_ITEMS = "engagement_action_items";
    ACTION_ITEM_REMINDERS = "engagement_action_item_reminders";
    EVENT_ENGAGEMENT = "event_engagement";
    DEALS = "deals"; DEAL_STATUS_HISTORY = "deal_status_history"; DEAL_PAYMENTS = "deal_payments";
    LEDGER_ENTRIES = "ledger_entries";
    NEWSLETTER_SUBSCRIBERS = "newsletter_subscribers"; NEWSLETTER_ISSUES = "newsletter_issues";
    NEWSLETTER_BLOCKS = "newsletter_blocks";
    NEWSLETTER_FIELD_REPORTS = "newsletter_issue_field_reports";
    NEWSLETTER_RESEARCH_SOURCES = "newsletter_issue_research_sources";
    NEWSLETTER_SEND_RUNS = "newsletter_send_runs";
    NEWSLETTER_DELIVERY_EVENTS = "newsletter_delivery_events";
    REFERRAL_CODES = "referral_codes"; REFERRAL_CLICKS = "referral_clicks";
    REFERRAL_CONVERSIONS = "referral_conversions";
    APPRENTICE_PROFILES = "apprentice_profiles";
    ENTITLEMENTS = "entitlements"; USER_DISCORD_ACCOUNTS = "user_discord_accounts";
    STRIPE_WEBHOOK_EVENTS = "stripe_webhook_events";
    STRIPE_CONNECT_ACCOUNTS = "stripe_connect_accounts";
}

pub const USER_STATUS: EnumDef = EnumDef::new("user_status", &["active", "disabled"]);
pub const TOKEN_STATUS: EnumDef = EnumDef::new("token_status", &["active", "revoked"]);
pub const EVENT_STATUS: EnumDef = EnumDef::new(
    "event_status",
    &["draft", "published", "cancelled", "completed"],
);
pub const REGISTRATION_STATUS: EnumDef = EnumDef::new(
    "registration_status",
    &["registered", "waitlisted", "cancelled", "attended"],
);
pub const PUBLISH_STATUS: EnumDef = EnumDef::new("publish_status", &["draft", "active", "retired"]);
pub const DELIVERY_MODE: EnumDef =
    EnumDef::new("delivery_mode", &["in_person", "online", "hybrid"]);
pub const INTAKE_STATUS: EnumDef = EnumDef::new(
    "intake_status",
    &["new", "triaged", "scheduled", "closed", "spam"],
);
pub const INSTRUCTOR_STATUS: EnumDef = EnumDef::new("instructor_status", &["active", "inactive"]);
pub const ASSIGNMENT_STATUS: EnumDef = EnumDef::new(
    "assignment_status",
    &["proposed", "confirmed", "declined", "completed"],
);
pub const PROPOSAL_STATUS: EnumDef = EnumDef::new(
    "proposal_status",
    &["draft", "sent", "accepted", "rejected", "expired"],
);
pub const INVOICE_STATUS: EnumDef =
    EnumDef::new("invoice_status", &["draft", "issued", "paid", "void"]);
pub const PAYMENT_STATUS: EnumDef = EnumDef::new(
    "payment_status",
    &["pending", "succeeded", "failed", "refunded"],
);
pub const SESSION_STATUS: EnumDef =
    EnumDef::new("session_status", &["scheduled", "held", "cancelled"]);
pub const ACTION_STATUS: EnumDef = EnumDef::new("action_item_status", &["open", "done"]);
pub const DEAL_STATUS: EnumDef = EnumDef::new(
    "deal_status",
    &["open", "won", "lost", "paid_out", "cancelled"],
);
pub const LEDGER_STATUS: EnumDef =
    EnumDef::new("ledger_status", &["earned", "approved", "paid", "void"]);
pub const SUBSCRIBER_STATUS: EnumDef = EnumDef::new(
    "subscriber_status",
    &["subscribed", "unsubscribed", "bounced"],
);
pub const ISSUE_STATUS: EnumDef = EnumDef::new("issue_status", &["draft", "scheduled", "sent"]);
pub const RUN_STATUS: EnumDef =
    EnumDef::new("send_run_status", &["running", "completed", "failed"]);
pub const DELIVERY_EVENT_KIND: EnumDef = EnumDef::new(
    "delivery_event_kind",
    &["delivered", "opened", "clicked", "bounced", "complained"],
);
pub const CONNECT_STATUS: EnumDef = EnumDef::new(
    "connect_status",
    &["pending", "onboarding", "active", "restricted"],
);

/// A TEXT primary key `id`.
fn id(t: &mut TableBuilder<'_>) {
    t.col("id", text()).primary_key(["id"]);
}

/// `created_at` and `updated_at`, as ISO-8601 text.
fn stamped(t: &mut TableBuilder<'_>) {
    t.col("created_at", timestamptz().default_now())
        .col("updated_at", timestamptz().default_now());
}

/// A state-transition table for `parent`: rows are never changed or removed, so the history
/// is the record of every status the parent passed through.
fn history(
    s: &mut SchemaBuilder,
    table: TableRef,
    parent_col: &str,
    parent: TableRef,
    status: EnumDef,
    doc: &str,
) {
    s.table(table)
        .doc(doc)
        .with(id)
        .references(parent_col, parent, text())
        .col("from_status", enum_of(status).null())
        .col("to_status", enum_of(status))
        .references("changed_by_user_id", USERS, text().null())
        .col("note", text().null())
        .col("created_at", timestamptz().default_now())
        .append_only();
}

pub fn build() -> Result<Schema, Diagnostics> {
    let mut s = SchemaBuilder::new();
    identity(&mut s);
    events(&mut s);
    commercial(&mut s);
    newsletter(&mut s);
    growth(&mut s);
    s.build()
}

fn identity(s: &mut SchemaBuilder) {
    s.domain("identity");
    s.table(USERS)
        .doc("User accounts.")
        .with(id)
        .col("email", text().unique())
        .col("status", enum_of(USER_STATUS).default_enum("active"))
        .with(stamped);
    s.table(ROLES)
        .doc("Role names.")
        .with(id)
        .col("name", text().unique());
    s.table(USER_ROLES)
        .doc("Which users hold which roles.")
        .references("user_id", USERS, text())
        .references("role_id", ROLES, text())
        .primary_key(["user_id", "role_id"])
        .col("created_at", timestamptz().default_now());
    s.table(SERVICE_TOKENS)
        .doc("Operator/MCP service tokens: only the hash is stored.")
        .with(id)
        .col("name", text())
        .col("token_hash", text().unique())
        .col("status", enum_of(TOKEN_STATUS).default_enum("active"))
        .col("revoked_at", timestamptz().null())
        .col("last_used_at", timestamptz().null())
        .references("created_by_user_id", USERS, text().null())
        .with(stamped);
    s.domain("audit");
    s.table(AUDIT_LOG)
        .doc("Append-only operational audit log: who did what to which target, correlated by request.")
        .with(id)
        .col("actor_type", text())
        .col("actor_id", text().null())
        .col("action", text().doc("Namespaced action, e.g. api.auth.login"))
        .col("target_type", text().null())
        .col("target_id", text().null())
        .col("metadata", json().null())
        .col("request_id", text().null())
        .col("created_at", timestamptz().default_now())
        .index(["actor_type", "actor_id"])
        .index(["target_type", "target_id"])
        .index(["request_id"])
        .allow(
            "SG108",
            "actor and target name rows of any table; the log must outlive them",
        )
        .allow("SG204", "linked by (type, id) values on purpose, never by foreign keys")
        .append_only();
}

fn events(s: &mut SchemaBuilder) {
    s.domain("events");
    s.table(EVENTS)
        .doc("An event: lifecycle, time window and capacity.")
        .with(id)
        .col("slug", text().unique())
        .col("title", text())
        .col("status", enum_of(EVENT_STATUS).default_enum("draft"))
        .col("capacity", integer().null())
        .references("offer_id", OFFERS, text().null())
        .window("starts_at", "ends_at", Window::Closed)
        .check("capacity_positive", "capacity IS NULL OR capacity > 0")
        .with(stamped);
    s.table(EVENT_REGISTRATIONS)
        .doc("A user's registration for an event; cancelled by status, never deleted.")
        .with(id)
        .references("event_id", EVENTS, text())
        .references("user_id", USERS, text())
        .col(
            "status",
            enum_of(REGISTRATION_STATUS).default_enum("registered"),
        )
        .unique(["event_id", "user_id"])
        .with(stamped);
    s.table(EVENT_DELIVERY)
        .doc("How an event is delivered (1:1 with the event).")
        .references("event_id", EVENTS, text())
        .primary_key(["event_id"])
        .col("delivery_mode", enum_of(DELIVERY_MODE))
        .col("location", text().null())
        .col("meeting_link", text().null())
        .with(stamped);
    s.table(INSTRUCTORS)
        .doc("Instructor directory.")
        .with(id)
        .references("user_id", USERS, text().null())
        .col("name", text())
        .col("status", enum_of(INSTRUCTOR_STATUS).default_enum("active"))
        .with(stamped);
    s.table(INSTRUCTOR_AVAILABILITY)
        .doc("Availability slots of an instructor.")
        .with(id)
        .references("instructor_id", INSTRUCTORS, text())
        .window("starts_at", "ends_at", Window::Closed)
        .with(stamped);
    s.table(ASSIGNMENTS)
        .doc("Per-event instructor assignment state machine.")
        .with(id)
        .references("event_id", EVENTS, text())
        .references("instructor_id", INSTRUCTORS, text())
        .col(
            "status",
            enum_of(ASSIGNMENT_STATUS).default_enum("proposed"),
        )
        .unique(["event_id", "instructor_id"])
        .with(stamped);
    history(
        s,
        ASSIGNMENT_HISTORY,
        "assignment_id",
        ASSIGNMENTS,
        ASSIGNMENT_STATUS,
        "Assignment change history.",
    );
    s.domain("catalog");
    s.table(OFFERS)
        .doc("Standardized offer definitions.")
        .with(id)
        .col("slug", text().unique())
        .col("title", text())
        .col("audience", text())
        .col("delivery_mode", enum_of(DELIVERY_MODE))
        .col("status", enum_of(PUBLISH_STATUS).default_enum("draft"))
        .col("booking_url", text().null())
        .with(stamped);
    s.table(OFFER_PACKAGES)
        .doc("Packages of an offer.")
        .with(id)
        .references("offer_id", OFFERS, text())
        .col("name", text())
        .col("scope", text())
        .col("price_label", text())
        .col("sort_order", integer().default_int(0))
        .unique(["offer_id", "name"])
        .with(stamped);
    s.domain("intake");
    s.table(INTAKE_REQUESTS)
        .doc("Inbound consult/service requests.")
        .with(id)
        .col("email", text())
        .col("name", text())
        .col("message", text())
        .col("status", enum_of(INTAKE_STATUS).default_enum("new"))
        .references("offer_id", OFFERS, text().null())
        .references("user_id", USERS, text().null())
        .with(stamped);
    history(
        s,
        INTAKE_STATUS_HISTORY,
        "intake_request_id",
        INTAKE_REQUESTS,
        INTAKE_STATUS,
        "State transitions of intake triage.",
    );
}

fn commercial(s: &mut SchemaBuilder) {
    s.domain("commercial");
    s.table(PROPOSALS)
        .doc("A proposal to a client.")
        .with(id)
        .references("intake_request_id", INTAKE_REQUESTS, text().null())
        .references("client_user_id", USERS, text())
        .col("status", enum_of(PROPOSAL_STATUS).default_enum("draft"))
        .col("total_amount", money())
        .with(stamped);
    history(
        s,
        PROPOSAL_STATUS_HISTORY,
        "proposal_id",
        PROPOSALS,
        PROPOSAL_STATUS,
        "State transitions of proposals.",
    );
    s.table(INVOICES)
        .doc("An invoice for accepted work.")
        .with(id)
        .col("number", text().unique())
        .references("proposal_id", PROPOSALS, text().null())
        .references("client_user_id", USERS, text())
        .col("status", enum_of(INVOICE_STATUS).default_enum("draft"))
        .col("amount", money())
        .col("due_on", date().null())
        .with(stamped);
    history(
        s,
        INVOICE_STATUS_HISTORY,
        "invoice_id",
        INVOICES,
        INVOICE_STATUS,
        "State transitions of invoices.",
    );
    s.table(PAYMENTS)
        .doc("A payment against an invoice.")
        .with(id)
        .references("invoice_id", INVOICES, text())
        .col("status", enum_of(PAYMENT_STATUS).default_enum("pending"))
        .col("amount", money())
        .col("stripe_payment_intent_id", text().null().unique())
        .with(stamped);
    s.table(ENGAGEMENT_SESSIONS)
        .doc("A working session of an engagement.")
        .with(id)
        .references("proposal_id", PROPOSALS, text())
        .col("status", enum_of(SESSION_STATUS).default_enum("scheduled"))
        .window("starts_at", "ends_at", Window::Optional)
        .with(stamped);
    s.table(ACTION_ITEMS)
        .doc("An action item out of an engagement session.")
        .with(id)
        .references("session_id", ENGAGEMENT_SESSIONS, text())
        .references("owner_user_id", USERS, text().null())
        .col("title", text())
        .col("status", enum_of(ACTION_STATUS).default_enum("open"))
        .col("due_at", timestamptz().null())
        .with(stamped);
    s.table(ACTION_ITEM_REMINDERS)
        .doc("Reminders sent for an action item.")
        .with(id)
        .references("action_item_id", ACTION_ITEMS, text())
        .col("remind_at", timestamptz())
        .col("sent_at", timestamptz().null())
        .unique(["action_item_id", "remind_at"])
        .with(stamped);
    s.table(EVENT_ENGAGEMENT)
        .doc("Links an event to the engagement (proposal) it delivers.")
        .references("event_id", EVENTS, text())
        .references("proposal_id", PROPOSALS, text())
        .primary_key(["event_id", "proposal_id"])
        .col("created_at", timestamptz().default_now());
    s.table(DEALS)
        .doc("A managed-marketplace deal between a client and an instructor.")
        .with(id)
        .references("proposal_id", PROPOSALS, text().null())
        .references("instructor_id", INSTRUCTORS, text().null())
        .col("status", enum_of(DEAL_STATUS).default_enum("open"))
        .col("total_amount", money())
        .with(stamped);
    history(
        s,
        DEAL_STATUS_HISTORY,
        "deal_id",
        DEALS,
        DEAL_STATUS,
        "State transitions of deals.",
    );
    s.table(DEAL_PAYMENTS)
        .doc("A payment received for a deal.")
        .with(id)
        .references("deal_id", DEALS, text())
        .references("payment_id", PAYMENTS, text().null())
        .col("amount", money())
        .with(stamped);
    s.table(LEDGER_ENTRIES)
        .doc("The canonical money-movement ledger: a new row per movement, none ever changed.")
        .with(id)
        .references("deal_id", DEALS, text().null())
        .references("user_id", USERS, text().null())
        .col("status", enum_of(LEDGER_STATUS))
        .col("amount", money())
        .col("created_at", timestamptz().default_now())
        .append_only();
}

fn newsletter(s: &mut SchemaBuilder) {
    s.domain("newsletter");
    s.table(NEWSLETTER_SUBSCRIBERS)
        .doc("Newsletter subscribers.")
        .with(id)
        .col("email", text().unique())
        .references("user_id", USERS, text().null())
        .col(
            "status",
            enum_of(SUBSCRIBER_STATUS).default_enum("subscribed"),
        )
        .with(stamped);
    s.table(NEWSLETTER_ISSUES)
        .doc("A newsletter issue.")
        .with(id)
        .col("slug", text().unique())
        .col("title", text())
        .col("status", enum_of(ISSUE_STATUS).default_enum("draft"))
        .references("author_user_id", USERS, text().null())
        .with(stamped);
    s.table(NEWSLETTER_BLOCKS)
        .doc("An ordered content block of an issue.")
        .with(id)
        .references("issue_id", NEWSLETTER_ISSUES, text())
        .col("position", integer())
        .col("body", text())
        .unique(["issue_id", "position"])
        .with(stamped);
    s.table(NEWSLETTER_FIELD_REPORTS)
        .doc("A field report featured in an issue.")
        .with(id)
        .references("issue_id", NEWSLETTER_ISSUES, text())
        .references("event_id", EVENTS, text().null())
        .col("body", text())
        .with(stamped);
    s.table(NEWSLETTER_RESEARCH_SOURCES)
        .doc("A research source cited by an issue.")
        .with(id)
        .references("issue_id", NEWSLETTER_ISSUES, text())
        .col("url", text())
        .unique(["issue_id", "url"])
        .with(stamped);
    s.table(NEWSLETTER_SEND_RUNS)
        .doc("One send of an issue.")
        .with(id)
        .references("issue_id", NEWSLETTER_ISSUES, text())
        .col("status", enum_of(RUN_STATUS).default_enum("running"))
        .with(stamped);
    s.table(NEWSLETTER_DELIVERY_EVENTS)
        .doc("Provider events about one delivery of a send run.")
        .with(id)
        .references("send_run_id", NEWSLETTER_SEND_RUNS, text())
        .references("subscriber_id", NEWSLETTER_SUBSCRIBERS, text())
        .col("kind", enum_of(DELIVERY_EVENT_KIND))
        .col("provider_event_id", text().unique())
        .col("created_at", timestamptz().default_now())
        .append_only();
}

fn growth(s: &mut SchemaBuilder) {
    s.domain("referrals");
    s.table(REFERRAL_CODES)
        .doc("Referral codes of users.")
        .with(id)
        .references("user_id", USERS, text())
        .col("code", text().unique())
        .with(stamped);
    s.table(REFERRAL_CLICKS)
        .doc("Clicks on a referral code.")
        .with(id)
        .references("referral_code_id", REFERRAL_CODES, text())
        .col("landing_path", text().null())
        .col("created_at", timestamptz().default_now())
        .append_only();
    s.table(REFERRAL_CONVERSIONS)
        .doc("A conversion (e.g. an intake) attributed to a referral code.")
        .with(id)
        .references("referral_code_id", REFERRAL_CODES, text())
        .references("intake_request_id", INTAKE_REQUESTS, text().null())
        .unique(["referral_code_id", "intake_request_id"])
        .col("created_at", timestamptz().default_now())
        .append_only();
    s.domain("people");
    s.table(APPRENTICE_PROFILES)
        .doc("Apprentice public/profile data (one per user).")
        .with(id)
        .references("user_id", USERS, text())
        .unique(["user_id"])
        .col("headline", text().null())
        .col("bio", text().null())
        .with(stamped);
    s.table(ENTITLEMENTS)
        .doc("What a user is entitled to (e.g. a community tier).")
        .with(id)
        .references("user_id", USERS, text())
        .col("entitlement_key", text())
        .col("granted_at", timestamptz().default_now())
        .col("revoked_at", timestamptz().null())
        .unique(["user_id", "entitlement_key"])
        .with(stamped);
    s.table(USER_DISCORD_ACCOUNTS)
        .doc("A user's linked Discord account.")
        .with(id)
        .references("user_id", USERS, text())
        .col("discord_user_id", text().unique())
        .unique(["user_id"])
        .with(stamped);
    s.domain("stripe");
    s.table(STRIPE_WEBHOOK_EVENTS)
        .doc("Idempotency store: each processed Stripe event once.")
        .with(id)
        .col("stripe_event_id", text().unique())
        .col("event_type", text())
        .col("processed_at", timestamptz().default_now())
        .allow(
            "SG204",
            "an idempotency store, keyed by Stripe's ids, not by ours",
        )
        .append_only();
    s.table(STRIPE_CONNECT_ACCOUNTS)
        .doc("Stripe Connect onboarding state of an instructor.")
        .with(id)
        .references("user_id", USERS, text())
        .col("stripe_account_id", text().unique())
        .col("status", enum_of(CONNECT_STATUS).default_enum("pending"))
        .unique(["user_id"])
        .with(stamped);
}
