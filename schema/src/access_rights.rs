//! Unified access rights: licenses, downloads, tickets and content access in one auditable model.

use crate::fulfillment::{BOOKING_ORDER_LINES, FULFILLMENT_UNITS};
use crate::product_commerce::SELLABLES;
use crate::users::USERS;
use schemactl::prelude::*;

pub const ACCESS_ARTIFACTS: TableRef = TableRef::new("access_artifacts");
pub const ACCESS_ARTIFACT_LINKS: TableRef = TableRef::new("access_artifact_links");
pub const ACCESS_ARTIFACT_EVENTS: TableRef = TableRef::new("access_artifact_events");
pub const ACCESS_ACTIVITY_LOGS: TableRef = TableRef::new("access_activity_logs");
pub const ACCESS_USAGE_WINDOWS: TableRef = TableRef::new("access_usage_windows");
pub const ACCESS_DELIVERY_LINKS: TableRef = TableRef::new("access_delivery_links");

const ARTIFACT_TYPE: EnumDef = EnumDef::new(
    "access_artifact_type",
    &["ticket", "license", "download", "content_pass", "door_code"],
);
const ARTIFACT_STATUS: EnumDef = EnumDef::new(
    "access_artifact_status",
    &[
        "issued",
        "active",
        "suspended",
        "revoked",
        "expired",
        "consumed",
    ],
);
const ARTIFACT_LINK_TYPE: EnumDef = EnumDef::new(
    "access_link_type",
    &["order_line", "fulfillment_unit", "sellable"],
);
const ARTIFACT_EVENT_TYPE: EnumDef = EnumDef::new(
    "access_event_type",
    &[
        "issued",
        "activated",
        "suspended",
        "reinstated",
        "revoked",
        "expired",
        "transferred",
    ],
);
const ACTIVITY_TYPE: EnumDef = EnumDef::new(
    "access_activity_type",
    &["scan", "download", "stream", "unlock", "denied"],
);

pub fn declare(s: &mut SchemaBuilder) {
    s.domain("access_rights");

    s.table(ACCESS_ARTIFACTS)
        .doc("One access right held by a person: a ticket, license key, download entitlement, content pass or door code, with its usage limit and validity.")
        .tenant_scoped()
        .id_tagged("access_artifact")
        .col("type", enum_of(ARTIFACT_TYPE))
        .references("holder_user_id", USERS, text().null())
        .col("code_hash", text())
        .col("max_uses", integer().null())
        .col("use_count", integer().default_int(0))
        .window("valid_from", "valid_until", Window::Optional)
        .col("status", enum_of(ARTIFACT_STATUS).default_enum("issued"))
        .check("uses_within_max", "use_count >= 0 AND (max_uses IS NULL OR use_count <= max_uses)")
        .unique(["biz_id", "code_hash"])
        .audited();

    s.table(ACCESS_ARTIFACT_LINKS)
        .doc("What an access artifact grants access to: an order line, a fulfillment unit (a session), or a sellable (content).")
        .tenant_scoped()
        .id_tagged("access_link")
        .tenant_ref("artifact_id", ACCESS_ARTIFACTS)
        .col("link_type", enum_of(ARTIFACT_LINK_TYPE))
        .tenant_ref_opt("booking_order_line_id", BOOKING_ORDER_LINES)
        .tenant_ref_opt("fulfillment_unit_id", FULFILLMENT_UNITS)
        .tenant_ref_opt("sellable_id", SELLABLES)
        .exactly_one_by(
            "link_type",
            &[
                ("order_line", "booking_order_line_id"),
                ("fulfillment_unit", "fulfillment_unit_id"),
                ("sellable", "sellable_id"),
            ],
        )
        .audited();

    s.table(ACCESS_ARTIFACT_EVENTS)
        .doc("Immutable lifecycle history of an access artifact (issued, revoked, transferred).")
        .tenant_scoped()
        .id_tagged("access_event")
        .tenant_ref("artifact_id", ACCESS_ARTIFACTS)
        .col("type", enum_of(ARTIFACT_EVENT_TYPE))
        .col("reason", text().null())
        .col("occurred_at", timestamptz().default_now())
        .recorded()
        .append_only();

    s.table(ACCESS_ACTIVITY_LOGS)
        .doc("Immutable log of each use or denied use of an access artifact (gate scan, download, stream start).")
        .tenant_scoped()
        .id_tagged("access_activity")
        .tenant_ref("artifact_id", ACCESS_ARTIFACTS)
        .col("activity", enum_of(ACTIVITY_TYPE))
        .col("device_ref", text().null())
        .col("ip_address", inet().null())
        .col("occurred_at", timestamptz().default_now())
        .recorded()
        .append_only();

    s.table(ACCESS_USAGE_WINDOWS)
        .doc("A time window in which an artifact may be used (event day, streaming rental period).")
        .tenant_scoped()
        .id_tagged("access_window")
        .tenant_ref("artifact_id", ACCESS_ARTIFACTS)
        .window("starts_at", "ends_at", Window::Closed)
        .col("max_uses", integer().null())
        .audited();

    s.table(ACCESS_DELIVERY_LINKS)
        .doc("A signed, expiring URL that delivers an artifact's content, with its own download count.")
        .tenant_scoped()
        .id_tagged("delivery_link")
        .tenant_ref("artifact_id", ACCESS_ARTIFACTS)
        .col("token_hash", text().unique())
        .col("expires_at", timestamptz())
        .col("download_count", integer().default_int(0))
        .col("max_downloads", integer().default_int(5))
        .col("is_active", boolean().default_bool(true))
        .check("downloads_within_max", "download_count <= max_downloads")
        .audited();
}
