//! Enums shared by several modules. Enums used by one table live beside it.

use schemactl::prelude::*;

/// The light lifecycle of catalog-like rows (definitions, templates, catalog entries).
pub const LIFECYCLE_STATUS: EnumDef = EnumDef::new(
    "lifecycle_status",
    &["draft", "active", "inactive", "archived"],
);

/// What a `resources` row wraps.
pub const RESOURCE_TYPE: EnumDef =
    EnumDef::new("resource_type", &["host", "company_host", "asset", "venue"]);

/// What a `sellables` row sells; the typed bridges pin one value each.
pub const SELLABLE_KIND: EnumDef = EnumDef::new(
    "sellable_kind",
    &[
        "product",
        "service_product",
        "offer_version",
        "resource_rate",
    ],
);

/// Who may see a row outside the biz's staff.
pub const VISIBILITY: EnumDef = EnumDef::new("visibility", &["private", "internal", "public"]);

/// The common lifecycle of an asynchronous run (sync, report, payout, pay run...).
pub const RUN_STATUS: EnumDef = EnumDef::new(
    "run_status",
    &["queued", "running", "succeeded", "failed", "cancelled"],
);

/// The lifecycle of a request someone must approve.
pub const APPROVAL_STATUS: EnumDef = EnumDef::new(
    "approval_status",
    &["pending", "approved", "rejected", "withdrawn", "expired"],
);

/// Where a scoped rule applies (enterprise scopes, extension state, policy bindings).
pub const SCOPE_KIND: EnumDef = EnumDef::new(
    "scope_kind",
    &["network", "biz", "location", "custom_subject"],
);

/// The outbound transport of a message or delivery.
pub const CHANNEL_KIND: EnumDef = EnumDef::new(
    "message_channel",
    &["email", "sms", "push", "in_app", "webhook", "voice"],
);

/// How a resource or assignment treats overlapping bookings.
pub const CONFLICT_POLICY: EnumDef = EnumDef::new(
    "conflict_policy",
    &["enforce_no_overlap", "allow_overlap", "capacity_based"],
);
