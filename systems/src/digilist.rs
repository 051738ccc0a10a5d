//! Digilist (PostgreSQL): two PostgreSQL schemas in one database. `platform` is the
//! product-agnostic SaaS foundation; `digilist` is the listing-booking product. Foreign keys
//! go from digilist to platform only (guard's layering rule says so), every tenant table
//! carries `tenant_id` (listing management also `org_id`), and row-level security isolates
//! tenants by `app.tenant_id`. The audit log is partitioned by time.

use schemactl::model::Origin;
use schemactl::prelude::*;

const P: &str = "platform";
const D: &str = "digilist";

// Platform: identity, tenancy, RBAC, licensing, compliance, integrations, system.
pub const TENANTS: TableRef = TableRef::in_schema(P, "tenants");
pub const ORGANIZATIONS: TableRef = TableRef::in_schema(P, "organizations");
pub const USERS: TableRef = TableRef::in_schema(P, "users");
pub const SESSIONS: TableRef = TableRef::in_schema(P, "sessions");
pub const OAUTH_ACCOUNTS: TableRef = TableRef::in_schema(P, "oauth_accounts");
pub const MEMBERSHIPS: TableRef = TableRef::in_schema(P, "memberships");
pub const TENANT_SETTINGS: TableRef = TableRef::in_schema(P, "tenant_settings");
pub const ROLES: TableRef = TableRef::in_schema(P, "roles");
pub const PERMISSIONS: TableRef = TableRef::in_schema(P, "permissions");
pub const ROLE_PERMISSIONS: TableRef = TableRef::in_schema(P, "role_permissions");
pub const USER_ROLES: TableRef = TableRef::in_schema(P, "user_roles");
pub const PLANS: TableRef = TableRef::in_schema(P, "plans");
pub const SUBSCRIPTIONS: TableRef = TableRef::in_schema(P, "subscriptions");
pub const ENTITLEMENTS: TableRef = TableRef::in_schema(P, "entitlements");
pub const USAGE_LIMITS: TableRef = TableRef::in_schema(P, "usage_limits");
pub const AUDIT_LOGS: TableRef = TableRef::in_schema(P, "audit_logs");
pub const GDPR_CONSENTS: TableRef = TableRef::in_schema(P, "gdpr_consents");
pub const DATA_SUBJECT_REQUESTS: TableRef = TableRef::in_schema(P, "data_subject_requests");
pub const INTEGRATION_CONFIGS: TableRef = TableRef::in_schema(P, "integration_configs");
pub const WEBHOOK_ENDPOINTS: TableRef = TableRef::in_schema(P, "webhook_endpoints");
pub const FEATURE_FLAGS: TableRef = TableRef::in_schema(P, "feature_flags");
pub const SYSTEM_CONFIGS: TableRef = TableRef::in_schema(P, "system_configs");

// Digilist: listings, bookings, approvals, pricing, payments, notifications, rules.
pub const LISTING_TYPES: TableRef = TableRef::in_schema(D, "listing_types");
pub const LISTINGS: TableRef = TableRef::in_schema(D, "listings");
pub const ZONES: TableRef = TableRef::in_schema(D, "zones");
pub const BOOKINGS: TableRef = TableRef::in_schema(D, "bookings");
pub const RECURRING_BOOKINGS: TableRef = TableRef::in_schema(D, "recurring_bookings");
pub const BOOKING_HISTORY: TableRef = TableRef::in_schema(D, "booking_history");
pub const APPROVAL_WORKFLOWS: TableRef = TableRef::in_schema(D, "approval_workflows");
pub const BOOKING_APPROVALS: TableRef = TableRef::in_schema(D, "booking_approvals");
pub const PRICING_RULES: TableRef = TableRef::in_schema(D, "pricing_rules");
pub const DISCOUNT_CODES: TableRef = TableRef::in_schema(D, "discount_codes");
pub const INVOICES: TableRef = TableRef::in_schema(D, "invoices");
pub const PAYMENTS: TableRef = TableRef::in_schema(D, "payments");
pub const REFUNDS: TableRef = TableRef::in_schema(D, "refunds");
pub const NOTIFICATION_TEMPLATES: TableRef = TableRef::in_schema(D, "notification_templates");
pub const NOTIFICATIONS: TableRef = TableRef::in_schema(D, "notifications");
pub const BOOKING_RULES: TableRef = TableRef::in_schema(D, "booking_rules");
pub const AVAILABILITY_RULES: TableRef = TableRef::in_schema(D, "availability_rules");

pub const TENANT_STATUS: EnumDef =
    EnumDef::in_schema(P, "tenant_status", &["active", "suspended", "closed"]);
pub const USER_STATUS: EnumDef =
    EnumDef::in_schema(P, "user_status", &["invited", "active", "disabled"]);
pub const SUBSCRIPTION_STATUS: EnumDef = EnumDef::in_schema(
    P,
    "subscription_status",
    &["trialing", "active", "past_due", "cancelled"],
);
pub const AUDIT_ACTION: EnumDef = EnumDef::in_schema(
    P,
    "audit_action",
    &["create", "update", "delete", "login", "access_denied"],
);
pub const CONSENT_STATUS: EnumDef =
    EnumDef::in_schema(P, "consent_status", &["granted", "withdrawn"]);
pub const DSR_STATUS: EnumDef = EnumDef::in_schema(
    P,
    "data_subject_request_status",
    &["received", "in_progress", "completed", "rejected"],
);
pub const DSR_KIND: EnumDef = EnumDef::in_schema(
    P,
    "data_subject_request_kind",
    &["access", "erasure", "rectification", "portability"],
);
pub const INTEGRATION_STATUS: EnumDef =
    EnumDef::in_schema(P, "integration_status", &["enabled", "disabled"]);

pub const LISTING_STATUS: EnumDef =
    EnumDef::in_schema(D, "listing_status", &["draft", "published", "archived"]);
pub const BOOKING_STATUS: EnumDef = EnumDef::in_schema(
    D,
    "booking_status",
    &["pending", "approved", "rejected", "cancelled", "completed"],
);
pub const APPROVAL_STATUS: EnumDef =
    EnumDef::in_schema(D, "approval_status", &["pending", "approved", "rejected"]);
pub const RULE_STATUS: EnumDef = EnumDef::in_schema(D, "rule_status", &["active", "inactive"]);
pub const PAYMENT_STATUS: EnumDef = EnumDef::in_schema(
    D,
    "payment_status",
    &["pending", "captured", "failed", "refunded"],
);
pub const INVOICE_STATUS: EnumDef =
    EnumDef::in_schema(D, "invoice_status", &["draft", "issued", "paid", "void"]);
pub const REFUND_STATUS: EnumDef =
    EnumDef::in_schema(D, "refund_status", &["requested", "completed", "failed"]);
pub const NOTIFICATION_STATUS: EnumDef = EnumDef::in_schema(
    D,
    "notification_status",
    &["queued", "sent", "failed", "read"],
);
pub const CHANNEL: EnumDef =
    EnumDef::in_schema(D, "notification_channel", &["email", "sms", "push"]);

/// The tenant-isolation predicate: a session sees and writes only rows of `app.tenant_id`
/// (unset means no rows, not all rows).
pub const TENANT_PREDICATE: &str =
    "tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid";

/// A tenant table: `tenant_id` (FK, `(tenant_id, id)` unique), a UUID key, row-level security
/// with the tenant-isolation policy, and audit columns with tenant-safe user references.
#[track_caller]
fn tenant_table<'a>(s: &'a mut SchemaBuilder, t: TableRef, doc: &str) -> TableBuilder<'a> {
    let origin = Origin::caller();
    let mut b = s.table(t);
    let policy = format!("{}_tenant_isolation", t.name);
    b.doc(doc)
        .id_uuid()
        .tenant_scoped()
        .rls(true)
        .policy(&policy, |p| {
            p.using(TENANT_PREDICATE).with_check(TENANT_PREDICATE)
        })
        .col("created_at", timestamptz().default_now())
        .col("updated_at", timestamptz().default_now());
    b.col("created_by", uuid().null())
        .col("updated_by", uuid().null())
        .tenant_fk(&["created_by"], USERS, &["id"], origin.clone())
        .tenant_fk(&["updated_by"], USERS, &["id"], origin);
    b
}

pub fn build() -> Result<Schema, Diagnostics> {
    let mut s = SchemaBuilder::with_conventions(Conventions {
        tenant_column: "tenant_id",
        tenant_table: TENANTS,
        user_table: USERS,
        subject_table: TableRef::in_schema(P, "subjects"),
        uuid_keys: true,
    });
    s.namespace(
        P,
        "PLATFORM: the product-agnostic multi-tenant SaaS foundation",
    )
    .namespace(
        D,
        "DIGILIST: the listing-booking product; references platform only",
    );
    platform(&mut s);
    digilist(&mut s);
    s.build()
}

fn platform(s: &mut SchemaBuilder) {
    s.table(TENANTS)
        .doc("The tenant root: a customer of the platform (e.g. a municipality).")
        .global("the tenant root")
        .id_uuid()
        .col("name", text())
        .col("slug", text().unique())
        .col("status", enum_of(TENANT_STATUS).default_enum("active"))
        .col("created_at", timestamptz().default_now())
        .col("updated_at", timestamptz().default_now());
    tenant_table(s, ORGANIZATIONS, "An organization inside a tenant.")
        .col("name", text())
        .tenant_ref_opt("parent_org_id", ORGANIZATIONS);
    // Organizations reference their creators, so users reach organizations through
    // memberships only: a `users.org_id` would close a cycle.
    tenant_table(
        s,
        USERS,
        "A user of a tenant; memberships place it in organizations.",
    )
    .col("email", text())
    .col("status", enum_of(USER_STATUS).default_enum("invited"))
    .unique(["tenant_id", "email"]);
    tenant_table(s, SESSIONS, "A signed-in session.")
        .tenant_ref("user_id", USERS)
        .col("token_hash", text().unique())
        .col("expires_at", timestamptz());
    tenant_table(
        s,
        OAUTH_ACCOUNTS,
        "A user's linked identity-provider account.",
    )
    .tenant_ref("user_id", USERS)
    .col("provider", text())
    .col("provider_account_id", text())
    .unique(["tenant_id", "provider", "provider_account_id"]);
    tenant_table(s, MEMBERSHIPS, "A user's membership in an organization.")
        .tenant_ref("org_id", ORGANIZATIONS)
        .tenant_ref("user_id", USERS)
        .unique(["tenant_id", "org_id", "user_id"]);
    tenant_table(s, TENANT_SETTINGS, "Key/value settings of a tenant.")
        .col("key", text())
        .col("value", jsonb())
        .unique(["tenant_id", "key"]);
    tenant_table(
        s,
        ROLES,
        "A role of a tenant (product roles are rows, not schema).",
    )
    .col("name", text())
    .unique(["tenant_id", "name"]);
    s.table(PERMISSIONS)
        .doc("The product-agnostic permission catalog.")
        .global("a catalog shared by every tenant")
        .id_uuid()
        .col("key", text().unique())
        .col("description", text());
    tenant_table(s, ROLE_PERMISSIONS, "A permission granted to a role.")
        .tenant_ref("role_id", ROLES)
        .references("permission_id", PERMISSIONS, uuid())
        .unique(["tenant_id", "role_id", "permission_id"]);
    tenant_table(s, USER_ROLES, "A role held by a user.")
        .tenant_ref("user_id", USERS)
        .tenant_ref("role_id", ROLES)
        .unique(["tenant_id", "user_id", "role_id"]);
    s.table(PLANS)
        .doc("A licensing plan; module keys and limits are product-agnostic.")
        .global("a catalog shared by every tenant")
        .id_uuid()
        .col("key", text().unique())
        .col("name", text())
        .col("monthly_price", money());
    tenant_table(s, SUBSCRIPTIONS, "A tenant's subscription to a plan.")
        .references("plan_id", PLANS, uuid())
        .col(
            "status",
            enum_of(SUBSCRIPTION_STATUS).default_enum("trialing"),
        )
        .window("starts_at", "ends_at", Window::OpenEnded);
    tenant_table(s, ENTITLEMENTS, "A module a subscription unlocks.")
        .tenant_ref("subscription_id", SUBSCRIPTIONS)
        .col("module_key", text())
        .unique(["tenant_id", "subscription_id", "module_key"]);
    tenant_table(s, USAGE_LIMITS, "A usage limit of a subscription.")
        .tenant_ref("subscription_id", SUBSCRIPTIONS)
        .col("limit_key", text())
        .col("limit_value", bigint())
        .unique(["tenant_id", "subscription_id", "limit_key"]);
    tenant_table(
        s,
        GDPR_CONSENTS,
        "A user's consent to a processing purpose.",
    )
    .tenant_ref("user_id", USERS)
    .col("purpose", text())
    .col("status", enum_of(CONSENT_STATUS));
    tenant_table(s, DATA_SUBJECT_REQUESTS, "A GDPR data subject request.")
        .tenant_ref("user_id", USERS)
        .col("kind", enum_of(DSR_KIND))
        .col("status", enum_of(DSR_STATUS).default_enum("received"));
    tenant_table(
        s,
        INTEGRATION_CONFIGS,
        "A tenant's configured third-party integration.",
    )
    .col("provider", text())
    .col(
        "status",
        enum_of(INTEGRATION_STATUS).default_enum("enabled"),
    )
    .col("settings", jsonb().default_sql("'{}'::jsonb"))
    .unique(["tenant_id", "provider"]);
    tenant_table(s, WEBHOOK_ENDPOINTS, "A URL the platform posts events to.")
        .col("url", text())
        .col("secret_hash", text())
        .col("events", array(text()));
    s.table(FEATURE_FLAGS)
        .allow(
            "SG204",
            "platform configuration read by code, referenced by no row",
        )
        .doc("Platform-wide feature flags.")
        .global("platform configuration above tenants")
        .id_uuid()
        .col("key", text().unique())
        .col("enabled", boolean().default_bool(false));
    s.table(SYSTEM_CONFIGS)
        .allow(
            "SG204",
            "platform configuration read by code, referenced by no row",
        )
        .doc("Platform-wide configuration values.")
        .global("platform configuration above tenants")
        .id_uuid()
        .col("key", text().unique())
        .col("value", jsonb());
    s.table(AUDIT_LOGS)
        .doc("Append-only audit trail of every tenant, partitioned by year of `created_at`.")
        .col("id", uuid().default_random_uuid())
        .col("tenant_id", uuid())
        .col("actor_user_id", uuid().null())
        .col("action", enum_of(AUDIT_ACTION))
        .col("target_table", text())
        .col("target_id", uuid().null())
        .col("changes", jsonb().default_sql("'{}'::jsonb"))
        .col("created_at", timestamptz().default_now())
        .primary_key(["id", "created_at"])
        .fk(["tenant_id"], TENANTS, ["id"])
        .index(["tenant_id", "created_at"])
        .tenant_fk(&["actor_user_id"], USERS, &["id"], Origin::caller())
        .partition_by(PartitionStrategy::Range, &["created_at"])
        .partition(
            "audit_logs_2026",
            "FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')",
        )
        .partition(
            "audit_logs_2027",
            "FOR VALUES FROM ('2027-01-01') TO ('2028-01-01')",
        )
        .partition("audit_logs_default", "DEFAULT")
        .rls(true)
        .policy("audit_logs_tenant_isolation", |p| {
            p.using(TENANT_PREDICATE).with_check(TENANT_PREDICATE)
        })
        .append_only();
}

fn digilist(s: &mut SchemaBuilder) {
    tenant_table(
        s,
        LISTING_TYPES,
        "A kind of listing (hall, room, field...).",
    )
    .col("name", text())
    .unique(["tenant_id", "name"]);
    tenant_table(
        s,
        LISTINGS,
        "A bookable physical location managed by an organization.",
    )
    .tenant_ref("org_id", ORGANIZATIONS)
    .tenant_ref("listing_type_id", LISTING_TYPES)
    .col("name", text())
    .col("status", enum_of(LISTING_STATUS).default_enum("draft"));
    tenant_table(s, ZONES, "A bookable part of a listing.")
        .tenant_ref("org_id", ORGANIZATIONS)
        .tenant_ref("listing_id", LISTINGS)
        .col("name", text())
        .col("capacity", integer().null());
    tenant_table(s, BOOKINGS, "A reservation of a zone by a user.")
        .tenant_ref("zone_id", ZONES)
        .tenant_ref("user_id", USERS)
        .col("status", enum_of(BOOKING_STATUS).default_enum("pending"))
        .window("starts_at", "ends_at", Window::Closed)
        .index(["tenant_id", "status"]);
    tenant_table(s, RECURRING_BOOKINGS, "A booking series.")
        .tenant_ref("zone_id", ZONES)
        .tenant_ref("user_id", USERS)
        .col("rrule", text())
        .col("status", enum_of(BOOKING_STATUS).default_enum("pending"));
    s.table(BOOKING_HISTORY)
        .doc("Status changes of bookings; never updated or deleted.")
        .id_uuid()
        .tenant_scoped()
        .rls(true)
        .policy("booking_history_tenant_isolation", |p| {
            p.using(TENANT_PREDICATE).with_check(TENANT_PREDICATE)
        })
        .tenant_ref("booking_id", BOOKINGS)
        .col("from_status", enum_of(BOOKING_STATUS).null())
        .col("to_status", enum_of(BOOKING_STATUS))
        .col("created_at", timestamptz().default_now())
        .append_only();
    tenant_table(
        s,
        APPROVAL_WORKFLOWS,
        "How bookings of an organization are reviewed.",
    )
    .tenant_ref("org_id", ORGANIZATIONS)
    .col("name", text())
    .col("steps", jsonb());
    tenant_table(s, BOOKING_APPROVALS, "A review decision on a booking.")
        .tenant_ref("booking_id", BOOKINGS)
        .tenant_ref("workflow_id", APPROVAL_WORKFLOWS)
        .col("status", enum_of(APPROVAL_STATUS).default_enum("pending"))
        .tenant_ref_opt("decided_by", USERS);
    tenant_table(s, PRICING_RULES, "A price rule of a zone.")
        .tenant_ref("org_id", ORGANIZATIONS)
        .tenant_ref("zone_id", ZONES)
        .col("hourly_price", money())
        .col("status", enum_of(RULE_STATUS).default_enum("active"));
    tenant_table(s, DISCOUNT_CODES, "A discount code of an organization.")
        .tenant_ref("org_id", ORGANIZATIONS)
        .col("code", text())
        .col("percent_off", numeric(5, 2))
        .unique(["tenant_id", "code"])
        .check("percent_range", "percent_off > 0 AND percent_off <= 100");
    tenant_table(s, INVOICES, "An invoice for bookings.")
        .tenant_ref("booking_id", BOOKINGS)
        .col("status", enum_of(INVOICE_STATUS).default_enum("draft"))
        .col("total_amount", money());
    tenant_table(
        s,
        PAYMENTS,
        "A payment, validated against the tenant's subscription.",
    )
    .tenant_ref("invoice_id", INVOICES)
    .tenant_ref_opt("subscription_id", SUBSCRIPTIONS)
    .col("status", enum_of(PAYMENT_STATUS).default_enum("pending"))
    .col("amount", money());
    tenant_table(s, REFUNDS, "A refund of a payment.")
        .tenant_ref("payment_id", PAYMENTS)
        .col("status", enum_of(REFUND_STATUS).default_enum("requested"))
        .col("amount", money());
    tenant_table(s, NOTIFICATION_TEMPLATES, "A message template.")
        .col("key", text())
        .col("channel", enum_of(CHANNEL))
        .col("body", text())
        .unique(["tenant_id", "key", "channel"]);
    tenant_table(
        s,
        NOTIFICATIONS,
        "A message sent to a user about a booking.",
    )
    .tenant_ref("user_id", USERS)
    .tenant_ref_opt("booking_id", BOOKINGS)
    .tenant_ref_opt("template_id", NOTIFICATION_TEMPLATES)
    .col("channel", enum_of(CHANNEL))
    .col(
        "status",
        enum_of(NOTIFICATION_STATUS).default_enum("queued"),
    );
    tenant_table(
        s,
        BOOKING_RULES,
        "A validation rule bookings of a listing must pass.",
    )
    .tenant_ref("org_id", ORGANIZATIONS)
    .tenant_ref("listing_id", LISTINGS)
    .col("rule", jsonb())
    .col("status", enum_of(RULE_STATUS).default_enum("active"));
    tenant_table(s, AVAILABILITY_RULES, "When a zone can be booked.")
        .tenant_ref("org_id", ORGANIZATIONS)
        .tenant_ref("zone_id", ZONES)
        .col("weekday", smallint())
        .col("opens_at", time())
        .col("closes_at", time())
        .check("weekday_range", "weekday BETWEEN 0 AND 6");
}
