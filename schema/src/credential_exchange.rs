//! User-owned credential wallet shared with bizes through explicit, scoped consent.

use crate::users::USERS;
use schemactl::prelude::*;

pub const USER_CREDENTIAL_RECORDS: TableRef = TableRef::new("user_credential_records");
pub const USER_CREDENTIAL_DOCUMENTS: TableRef = TableRef::new("user_credential_documents");
pub const USER_CREDENTIAL_FACTS: TableRef = TableRef::new("user_credential_facts");
pub const BIZ_CREDENTIAL_SHARE_GRANTS: TableRef = TableRef::new("biz_credential_share_grants");
pub const BIZ_CREDENTIAL_SHARE_GRANT_SELECTORS: TableRef =
    TableRef::new("biz_credential_share_grant_selectors");
pub const BIZ_CREDENTIAL_REQUESTS: TableRef = TableRef::new("biz_credential_requests");
pub const BIZ_CREDENTIAL_REQUEST_ITEMS: TableRef = TableRef::new("biz_credential_request_items");
pub const CREDENTIAL_DISCLOSURE_EVENTS: TableRef = TableRef::new("credential_disclosure_events");

const CREDENTIAL_TYPE: EnumDef = EnumDef::new(
    "credential_type",
    &[
        "license",
        "certification",
        "background_check",
        "insurance",
        "education",
        "identity",
        "other",
    ],
);
const CREDENTIAL_STATUS: EnumDef = EnumDef::new(
    "credential_status",
    &[
        "unverified",
        "pending_verification",
        "verified",
        "expired",
        "revoked",
    ],
);
const FACT_SOURCE: EnumDef = EnumDef::new(
    "credential_fact_source",
    &[
        "self_reported",
        "document_extracted",
        "issuer_verified",
        "staff_verified",
    ],
);
const SHARE_GRANT_STATUS: EnumDef = EnumDef::new(
    "share_grant_status",
    &["active", "paused", "revoked", "expired"],
);
const SHARE_DATA_LEVEL: EnumDef = EnumDef::new(
    "share_data_level",
    &["existence_only", "summary", "facts", "full_documents"],
);
const SHARE_SELECTOR_TYPE: EnumDef = EnumDef::new(
    "share_selector_type",
    &["credential_type", "credential_record"],
);
const CREDENTIAL_REQUEST_STATUS: EnumDef = EnumDef::new(
    "credential_request_status",
    &[
        "draft",
        "sent",
        "partially_fulfilled",
        "fulfilled",
        "declined",
        "expired",
        "cancelled",
    ],
);
const DISCLOSURE_ACTION: EnumDef = EnumDef::new(
    "credential_disclosure_action",
    &["shared", "viewed", "downloaded", "verified", "revoked"],
);

pub fn declare(s: &mut SchemaBuilder) {
    s.domain("credential_exchange");

    s.table(USER_CREDENTIAL_RECORDS)
        .doc("One credential in a user's portable wallet (license, certification, background check), owned by the user across all bizes.")
        .global("credential wallet is user-owned across bizes; bizes see it only through share grants")
        .id_tagged("credential")
        .references("user_id", USERS, text())
        .col("type", enum_of(CREDENTIAL_TYPE))
        .col("title", text())
        .col("issuer_name", text().null())
        .col("identifier_masked", text().null())
        .col("issued_on", date().null())
        .col("expires_on", date().null())
        .col("verified_at", timestamptz().null())
        .col("status", enum_of(CREDENTIAL_STATUS).default_enum("unverified"))
        .check("expiry_after_issue", "expires_on IS NULL OR issued_on IS NULL OR expires_on >= issued_on")
        .audited();

    s.table(USER_CREDENTIAL_DOCUMENTS)
        .doc("A file backing a credential record (scan, certificate PDF), stored by reference with its content hash.")
        .global("part of the user-owned credential wallet")
        .id_tagged("credential_doc")
        .references("credential_record_id", USER_CREDENTIAL_RECORDS, text())
        .col("file_name", text())
        .col("storage_key", text())
        .col("content_type", text())
        .col("sha256", text())
        .col("byte_size", bigint())
        .check("byte_size_positive", "byte_size > 0")
        .audited();

    s.table(USER_CREDENTIAL_FACTS)
        .doc("A structured fact extracted from a credential (license class, CPR level, expiry) so bizes can match requirements without reading documents.")
        .global("part of the user-owned credential wallet")
        .id_tagged("credential_fact")
        .references("credential_record_id", USER_CREDENTIAL_RECORDS, text())
        .col("fact_key", text())
        .col("fact_value", jsonb())
        .col("source", enum_of(FACT_SOURCE).default_enum("self_reported"))
        .unique(["credential_record_id", "fact_key"])
        .audited();

    s.table(BIZ_CREDENTIAL_SHARE_GRANTS)
        .doc("A user's explicit consent contract to share wallet credentials with one biz, at a data level, until revoked or expired.")
        .tenant_scoped()
        .id_tagged("share_grant")
        .references("user_id", USERS, text())
        .col("data_level", enum_of(SHARE_DATA_LEVEL).default_enum("summary"))
        .col("purpose", text())
        .col("granted_at", timestamptz().default_now())
        .col("expires_at", timestamptz().null())
        .col("revoked_at", timestamptz().null())
        .col("status", enum_of(SHARE_GRANT_STATUS).default_enum("active"))
        .audited();

    s.table(BIZ_CREDENTIAL_SHARE_GRANT_SELECTORS)
        .doc("Which credentials a share grant covers: every credential of a type, or one specific record.")
        .tenant_scoped()
        .id_tagged("share_selector")
        .tenant_ref("share_grant_id", BIZ_CREDENTIAL_SHARE_GRANTS)
        .col("type", enum_of(SHARE_SELECTOR_TYPE))
        .col("credential_type", enum_of(CREDENTIAL_TYPE).null())
        .references("credential_record_id", USER_CREDENTIAL_RECORDS, text().null())
        .exactly_one_by(
            "type",
            &[("credential_type", "credential_type"), ("credential_record", "credential_record_id")],
        )
        .audited();

    s.table(BIZ_CREDENTIAL_REQUESTS)
        .doc("A biz asking a person for credentials (onboarding, a gig opening), possibly before they have a membership; addressed by user or email.")
        .tenant_scoped()
        .id_tagged("credential_request")
        .references("user_id", USERS, text().null())
        .col("recipient_email", text().null())
        .col("title", text())
        .col("due_at", timestamptz().null())
        .col("status", enum_of(CREDENTIAL_REQUEST_STATUS).default_enum("draft"))
        .check("has_recipient", "user_id IS NOT NULL OR recipient_email IS NOT NULL")
        .audited();

    s.table(BIZ_CREDENTIAL_REQUEST_ITEMS)
        .doc("One credential asked for in a request, and the wallet record that fulfilled it.")
        .tenant_scoped()
        .id_tagged("credential_req_item")
        .tenant_ref("request_id", BIZ_CREDENTIAL_REQUESTS)
        .col("credential_type", enum_of(CREDENTIAL_TYPE))
        .col("requirement_note", text().null())
        .col("is_required", boolean().default_bool(true))
        .references(
            "fulfilled_by_record_id",
            USER_CREDENTIAL_RECORDS,
            text().null(),
        )
        .col("fulfilled_at", timestamptz().null())
        .audited();

    s.table(CREDENTIAL_DISCLOSURE_EVENTS)
        .doc("Immutable explainability trail: who shared, viewed, downloaded or verified which credential in which biz, under which grant, and when.")
        .tenant_scoped()
        .id_tagged("credential_disclosure")
        .references("credential_record_id", USER_CREDENTIAL_RECORDS, text())
        .tenant_ref_opt("share_grant_id", BIZ_CREDENTIAL_SHARE_GRANTS)
        .references("actor_user_id", USERS, text().null())
        .col("action", enum_of(DISCLOSURE_ACTION))
        .col("data_level", enum_of(SHARE_DATA_LEVEL))
        .col("occurred_at", timestamptz().default_now())
        .col("ip_address", inet().null())
        .recorded()
        .append_only();
}
