//! The extension/plugin backbone: catalog, installs, permissions, lifecycle event bus, reliable
//! deliveries, idempotency, extension state, projection checkpoints and custom fields.

use crate::enums::{LIFECYCLE_STATUS, SCOPE_KIND};
use crate::locations::LOCATIONS;
use crate::users::USERS;
use schemactl::prelude::*;

pub const EXTENSION_DEFINITIONS: TableRef = TableRef::new("extension_definitions");
pub const EXTENSION_PERMISSION_DEFINITIONS: TableRef =
    TableRef::new("extension_permission_definitions");
pub const BIZ_EXTENSION_INSTALLS: TableRef = TableRef::new("biz_extension_installs");
pub const BIZ_EXTENSION_PERMISSION_GRANTS: TableRef =
    TableRef::new("biz_extension_permission_grants");
pub const BIZ_EXTENSION_INSTALL_EVENTS: TableRef = TableRef::new("biz_extension_install_events");
pub const LIFECYCLE_EVENTS: TableRef = TableRef::new("lifecycle_events");
pub const LIFECYCLE_EVENT_SUBSCRIPTIONS: TableRef = TableRef::new("lifecycle_event_subscriptions");
pub const LIFECYCLE_EVENT_DELIVERIES: TableRef = TableRef::new("lifecycle_event_deliveries");
pub const IDEMPOTENCY_KEYS: TableRef = TableRef::new("idempotency_keys");
pub const EXTENSION_STATE_DOCUMENTS: TableRef = TableRef::new("extension_state_documents");
pub const PROJECTION_CHECKPOINTS: TableRef = TableRef::new("projection_checkpoints");
pub const CUSTOM_FIELD_DEFINITIONS: TableRef = TableRef::new("custom_field_definitions");
pub const CUSTOM_FIELD_VALUES: TableRef = TableRef::new("custom_field_values");

const EXTENSION_KIND: EnumDef = EnumDef::new(
    "extension_kind",
    &["first_party", "partner", "private", "community"],
);
const INSTALL_STATUS: EnumDef = EnumDef::new(
    "extension_install_status",
    &[
        "installing",
        "active",
        "suspended",
        "uninstalling",
        "uninstalled",
        "failed",
    ],
);
const PERMISSION_RISK: EnumDef = EnumDef::new("permission_risk", &["low", "medium", "high"]);
const GRANT_EFFECT: EnumDef = EnumDef::new("grant_effect", &["allow", "deny"]);
const INSTALL_EVENT_TYPE: EnumDef = EnumDef::new(
    "extension_install_event_type",
    &[
        "installed",
        "upgraded",
        "configured",
        "suspended",
        "resumed",
        "uninstalled",
        "permission_changed",
    ],
);
const SUBSCRIBER_TYPE: EnumDef =
    EnumDef::new("subscriber_type", &["extension", "webhook", "internal"]);
const DELIVERY_STATUS: EnumDef = EnumDef::new(
    "delivery_status",
    &[
        "pending",
        "in_flight",
        "succeeded",
        "retry_scheduled",
        "dead_lettered",
        "skipped",
    ],
);
const IDEMPOTENCY_STATUS: EnumDef = EnumDef::new(
    "idempotency_status",
    &["in_progress", "completed", "failed"],
);
const PROJECTION_HEALTH: EnumDef = EnumDef::new(
    "projection_health",
    &["healthy", "lagging", "stalled", "rebuilding", "failed"],
);
const CUSTOM_FIELD_TYPE: EnumDef = EnumDef::new(
    "custom_field_type",
    &[
        "text",
        "number",
        "boolean",
        "date",
        "datetime",
        "single_select",
        "multi_select",
        "json",
    ],
);

pub fn declare(s: &mut SchemaBuilder) {
    s.domain("extensions");

    s.table(EXTENSION_DEFINITIONS)
        .doc("Catalog of extensions (plugins) available to bizes: key, publisher, current version and manifest.")
        .global("the extension catalog is shared by every biz")
        .id_tagged("extension")
        .col("key", text().unique())
        .col("name", text())
        .col("publisher", text())
        .col("kind", enum_of(EXTENSION_KIND))
        .col("current_version", text())
        .col("manifest", jsonb())
        .col("status", enum_of(LIFECYCLE_STATUS).default_enum("draft"))
        .audited();

    s.table(EXTENSION_PERMISSION_DEFINITIONS)
        .doc("A permission an extension may request (e.g. `bookings.read`), declared globally in the catalog with its risk level.")
        .global("permission contracts belong to the global extension catalog")
        .id_tagged("ext_permission")
        .references("extension_id", EXTENSION_DEFINITIONS, text())
        .col("permission_key", text())
        .col("description", text())
        .col("risk", enum_of(PERMISSION_RISK).default_enum("low"))
        .col("is_active", boolean().default_bool(true))
        .unique(["extension_id", "permission_key"])
        .audited();

    s.table(BIZ_EXTENSION_INSTALLS)
        .doc("An extension installed in a biz, with installed version and configuration; the tenant anchor of grants, subscriptions and state.")
        .tenant_scoped()
        .id_tagged("ext_install")
        .references("extension_id", EXTENSION_DEFINITIONS, text())
        .col("installed_version", text())
        .col("config", jsonb().default_sql("'{}'::jsonb"))
        .references("installed_by_user_id", USERS, text().null())
        .col("status", enum_of(INSTALL_STATUS).default_enum("installing"))
        .unique_where(["biz_id", "extension_id"], "deleted_at IS NULL AND status <> 'uninstalled'")
        .audited();

    s.table(BIZ_EXTENSION_PERMISSION_GRANTS)
        .doc("A biz's allow/deny decision on one permission for one install, optionally scoped to a location.")
        .tenant_scoped()
        .id_tagged("ext_grant")
        .tenant_ref("install_id", BIZ_EXTENSION_INSTALLS)
        .references("permission_definition_id", EXTENSION_PERMISSION_DEFINITIONS, text())
        .col("effect", enum_of(GRANT_EFFECT).default_enum("allow"))
        .tenant_ref_opt("location_id", LOCATIONS)
        .references("decided_by_user_id", USERS, text().null())
        .col("decided_at", timestamptz().default_now())
        .unique(["biz_id", "install_id", "permission_definition_id"])
        .audited();

    s.table(BIZ_EXTENSION_INSTALL_EVENTS)
        .doc("Immutable lifecycle history of an install: installed, upgraded, configured, suspended, uninstalled.")
        .tenant_scoped()
        .id_tagged("ext_install_event")
        .tenant_ref("install_id", BIZ_EXTENSION_INSTALLS)
        .col("type", enum_of(INSTALL_EVENT_TYPE))
        .col("from_version", text().null())
        .col("to_version", text().null())
        .col("details", jsonb().default_sql("'{}'::jsonb"))
        .col("occurred_at", timestamptz().default_now())
        .recorded()
        .append_only();

    s.table(LIFECYCLE_EVENTS)
        .doc("The domain event bus: every business event (booking created, payment captured) appended once, with correlation and causation ids for tracing. Subscriptions fan it out.")
        .tenant_scoped()
        .id_tagged("lifecycle_event")
        .col("event_type", text())
        .col("entity_table", text())
        .col("entity_id", text())
        .col("payload", jsonb())
        .col("correlation_id", text().null())
        .col("causation_id", text().null())
        .col("occurred_at", timestamptz().default_now())
        .index(["biz_id", "event_type", "occurred_at"])
        .recorded()
        .append_only();

    s.table(LIFECYCLE_EVENT_SUBSCRIPTIONS)
        .doc("A subscriber (extension, webhook, internal handler) to event types, with its retry policy.")
        .tenant_scoped()
        .id_tagged("event_subscription")
        .col("subscriber_type", enum_of(SUBSCRIBER_TYPE))
        .tenant_ref_opt("install_id", BIZ_EXTENSION_INSTALLS)
        .col("handler_key", text())
        .col("event_types", array(text()))
        .col("target_url", text().null())
        .col("max_attempts", integer().default_int(8))
        .col("is_active", boolean().default_bool(true))
        .check("extension_shape", "(subscriber_type = 'extension') = (install_id IS NOT NULL)")
        .check("webhook_shape", "subscriber_type <> 'webhook' OR target_url IS NOT NULL")
        .check("max_attempts_positive", "max_attempts > 0")
        .audited();

    s.table(LIFECYCLE_EVENT_DELIVERIES)
        .doc("Per-subscription delivery state of one event: attempts, next retry and dead-lettering drive reliable execution.")
        .tenant_scoped()
        .id_tagged("event_delivery")
        .tenant_ref("event_id", LIFECYCLE_EVENTS)
        .tenant_ref("subscription_id", LIFECYCLE_EVENT_SUBSCRIPTIONS)
        .col("attempt_count", integer().default_int(0))
        .col("max_attempts", integer().default_int(8))
        .col("next_attempt_at", timestamptz().null())
        .col("last_error", text().null())
        .col("last_response_code", integer().null())
        .col("delivered_at", timestamptz().null())
        .col("status", enum_of(DELIVERY_STATUS).default_enum("pending"))
        .check("attempts_within_max", "attempt_count >= 0 AND attempt_count <= max_attempts")
        .check("retry_has_time", "status <> 'retry_scheduled' OR next_attempt_at IS NOT NULL")
        .unique(["biz_id", "event_id", "subscription_id"])
        .index(["status", "next_attempt_at"])
        .audited();

    s.table(IDEMPOTENCY_KEYS)
        .doc("Cross-domain idempotency: a key seen once per biz and scope, with the stored response so retries are safe.")
        .tenant_scoped()
        .id_tagged("idempotency")
        .col("scope", text())
        .col("key", text())
        .col("request_hash", text())
        .col("response", jsonb().null())
        .col("expires_at", timestamptz())
        .col("status", enum_of(IDEMPOTENCY_STATUS).default_enum("in_progress"))
        .unique(["biz_id", "scope", "key"])
        .audited();

    s.table(EXTENSION_STATE_DOCUMENTS)
        .doc("Durable extension-owned state: namespaced documents scoped to the biz, a location or a custom subject, with optimistic revision and the last lifecycle event applied.")
        .tenant_scoped()
        .id_tagged("ext_state")
        .tenant_ref("install_id", BIZ_EXTENSION_INSTALLS)
        .col("namespace", text())
        .col("document_key", text())
        .col("scope", enum_of(SCOPE_KIND).default_enum("biz"))
        .tenant_ref_opt("location_id", LOCATIONS)
        .subject_ref("custom", true)
        .col("document", jsonb())
        .col("revision", bigint().default_int(1))
        .tenant_ref_opt("last_lifecycle_event_id", LIFECYCLE_EVENTS)
        .check("scope_shape", "scope IN ('biz', 'location', 'custom_subject') AND (scope = 'location') = (location_id IS NOT NULL) AND (scope = 'custom_subject') = (custom_subject_id IS NOT NULL)")
        .check("revision_positive", "revision > 0")
        .unique(["biz_id", "install_id", "namespace", "document_key"])
        .audited();

    s.table(PROJECTION_CHECKPOINTS)
        .doc("Control-plane state of an internal or extension projection: last event processed, lag and health, for replay and monitoring.")
        .tenant_scoped()
        .id_tagged("projection")
        .tenant_ref_opt("install_id", BIZ_EXTENSION_INSTALLS)
        .col("projection_key", text())
        .tenant_ref_opt("last_event_id", LIFECYCLE_EVENTS)
        .col("last_event_at", timestamptz().null())
        .col("lag_seconds", integer().default_int(0))
        .col("health", enum_of(PROJECTION_HEALTH).default_enum("healthy"))
        .col("error", text().null())
        .unique(["biz_id", "projection_key"])
        .audited();

    s.table(CUSTOM_FIELD_DEFINITIONS)
        .doc("A biz- or extension-defined extra field on a subject type (e.g. `pet_name` on customers), with type and validation.")
        .tenant_scoped()
        .id_tagged("custom_field")
        .tenant_ref_opt("install_id", BIZ_EXTENSION_INSTALLS)
        .col("target_subject_type", text())
        .col("key", text())
        .col("label", text())
        .col("field_type", enum_of(CUSTOM_FIELD_TYPE))
        .col("options", jsonb().default_sql("'[]'::jsonb"))
        .col("is_required", boolean().default_bool(false))
        .col("status", enum_of(LIFECYCLE_STATUS).default_enum("active"))
        .unique(["biz_id", "target_subject_type", "key"])
        .audited();

    s.table(CUSTOM_FIELD_VALUES)
        .doc("The value of a custom field for one subject, stored as JSON checked against the definition by the application.")
        .tenant_scoped()
        .id_tagged("custom_value")
        .tenant_ref("field_id", CUSTOM_FIELD_DEFINITIONS)
        .subject_ref("target", false)
        .col("value", jsonb())
        .unique(["biz_id", "field_id", "target_subject_type", "target_subject_id"])
        .audited();
}
