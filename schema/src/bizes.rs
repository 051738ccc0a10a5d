//! The tenant root: bizes, their settings and domains.

use crate::enums::LIFECYCLE_STATUS;
use crate::users::USERS;
use schemactl::prelude::*;

pub const BIZES: TableRef = TableRef::new("bizes");
pub const BIZ_SETTINGS: TableRef = TableRef::new("biz_settings");
pub const BIZ_DOMAINS: TableRef = TableRef::new("biz_domains");

const BIZ_DOMAIN_STATUS: EnumDef = EnumDef::new(
    "biz_domain_status",
    &["pending_verification", "verified", "failed", "revoked"],
);

pub fn declare(s: &mut SchemaBuilder) {
    s.domain("bizes");

    s.table(BIZES)
        .doc("The tenant root: one business using Bizing. Every business table carries its id as biz_id and references it.")
        .global("the tenant root itself")
        .id_tagged("biz")
        .col("name", text())
        .col("slug", text().unique())
        .col("legal_name", text().null())
        .col("timezone", text().default_text("UTC"))
        .currency("default_currency")
        .col("country_code", char_(2).null())
        .references("owner_user_id", USERS, text().null())
        .col("status", enum_of(LIFECYCLE_STATUS).default_enum("active"))
        .audited();

    s.table(BIZ_SETTINGS)
        .doc("Namespaced configuration documents of one biz (booking defaults, branding, notification preferences), one row per namespace.")
        .tenant_scoped()
        .id_tagged("biz_setting")
        .col("namespace", text())
        .col("settings", jsonb().default_sql("'{}'::jsonb"))
        .col("revision", integer().default_int(1))
        .unique(["biz_id", "namespace"])
        .audited();

    s.table(BIZ_DOMAINS)
        .doc("Custom hostnames a biz serves its booking site from, with DNS verification state.")
        .tenant_scoped()
        .id_tagged("biz_domain")
        .col("hostname", text().unique())
        .col("verification_token", text())
        .col(
            "status",
            enum_of(BIZ_DOMAIN_STATUS).default_enum("pending_verification"),
        )
        .col("verified_at", timestamptz().null())
        .col("is_primary", boolean().default_bool(false))
        .audited();
}
