//! HIPAA-grade governance: BAAs, minimum-necessary policies, PHI access and disclosure
//! accounting, break-glass review, incidents, breach notifications and patient authorizations.

use crate::users::USERS;
use schemactl::prelude::*;

pub const BUSINESS_ASSOCIATE_AGREEMENTS: TableRef = TableRef::new("business_associate_agreements");
pub const PHI_ACCESS_POLICIES: TableRef = TableRef::new("phi_access_policies");
pub const PHI_ACCESS_EVENTS: TableRef = TableRef::new("phi_access_events");
pub const BREAK_GLASS_REVIEWS: TableRef = TableRef::new("break_glass_reviews");
pub const PHI_DISCLOSURE_EVENTS: TableRef = TableRef::new("phi_disclosure_events");
pub const SECURITY_INCIDENTS: TableRef = TableRef::new("security_incidents");
pub const BREACH_NOTIFICATIONS: TableRef = TableRef::new("breach_notifications");
pub const HIPAA_AUTHORIZATIONS: TableRef = TableRef::new("hipaa_authorizations");

const BAA_STATUS: EnumDef = EnumDef::new(
    "baa_status",
    &[
        "draft",
        "pending_signature",
        "active",
        "terminated",
        "expired",
    ],
);
const PHI_ACCESS_PURPOSE: EnumDef = EnumDef::new(
    "phi_access_purpose",
    &[
        "treatment",
        "payment",
        "operations",
        "break_glass",
        "patient_request",
    ],
);
const PHI_ACCESS_ACTION: EnumDef = EnumDef::new(
    "phi_access_action",
    &["view", "create", "update", "export", "print"],
);
const REVIEW_OUTCOME: EnumDef = EnumDef::new(
    "break_glass_outcome",
    &["pending", "justified", "unjustified", "escalated"],
);
const INCIDENT_SEVERITY: EnumDef =
    EnumDef::new("incident_severity", &["low", "medium", "high", "critical"]);
const INCIDENT_STATUS: EnumDef = EnumDef::new(
    "incident_status",
    &[
        "reported",
        "investigating",
        "contained",
        "resolved",
        "closed",
    ],
);
const NOTIFICATION_RECIPIENT: EnumDef = EnumDef::new(
    "breach_notification_recipient",
    &["individual", "hhs", "media", "business_associate"],
);
const NOTIFICATION_STATUS: EnumDef = EnumDef::new(
    "breach_notification_status",
    &["planned", "sent", "acknowledged"],
);
const NOTIFICATION_METHOD: EnumDef = EnumDef::new(
    "breach_notification_method",
    &[
        "mail",
        "email",
        "phone",
        "website_notice",
        "press_release",
        "portal",
    ],
);
const AUTHORIZATION_STATUS: EnumDef = EnumDef::new(
    "hipaa_authorization_status",
    &["active", "revoked", "expired"],
);

pub fn declare(s: &mut SchemaBuilder) {
    s.domain("hipaa");

    s.table(BUSINESS_ASSOCIATE_AGREEMENTS)
        .doc("A business associate agreement (BAA) between the biz and a vendor handling PHI, through its lifecycle.")
        .tenant_scoped()
        .id_tagged("baa")
        .col("counterparty_name", text())
        .col("document_ref", text().null())
        .col("signed_at", timestamptz().null())
        .window("effective_from", "effective_until", Window::OpenEnded)
        .col("status", enum_of(BAA_STATUS).default_enum("draft"))
        .check("active_is_signed", "status <> 'active' OR signed_at IS NOT NULL")
        .audited();

    s.table(PHI_ACCESS_POLICIES)
        .doc("A minimum-necessary rule: which role may access which PHI categories for which purposes.")
        .tenant_scoped()
        .id_tagged("phi_policy")
        .col("role_key", text())
        .col("phi_categories", array(text()))
        .col("purposes", array(enum_of(PHI_ACCESS_PURPOSE)))
        .col("is_active", boolean().default_bool(true))
        .unique(["biz_id", "role_key"])
        .audited();

    s.table(PHI_ACCESS_EVENTS)
        .doc("Immutable PHI access log: who accessed whose PHI, what, why and under which policy; break-glass access is flagged for review.")
        .tenant_scoped()
        .id_tagged("phi_access")
        .references("actor_user_id", USERS, text())
        .references("patient_user_id", USERS, text())
        .tenant_ref_opt("policy_id", PHI_ACCESS_POLICIES)
        .col("purpose", enum_of(PHI_ACCESS_PURPOSE))
        .col("action", enum_of(PHI_ACCESS_ACTION))
        .col("resource_table", text())
        .col("resource_id", text())
        .col("is_break_glass", boolean().default_bool(false))
        .col("justification", text().null())
        .col("occurred_at", timestamptz().default_now())
        .check("break_glass_justified", "(purpose = 'break_glass') = is_break_glass AND (NOT is_break_glass OR justification IS NOT NULL)")
        .recorded()
        .append_only();

    s.table(BREAK_GLASS_REVIEWS)
        .doc("The after-the-fact review of an emergency (break-glass) PHI access.")
        .tenant_scoped()
        .id_tagged("break_glass_review")
        .tenant_ref("access_event_id", PHI_ACCESS_EVENTS)
        .references("reviewer_user_id", USERS, text().null())
        .col("outcome", enum_of(REVIEW_OUTCOME).default_enum("pending"))
        .col("notes", text().null())
        .col("reviewed_at", timestamptz().null())
        .unique(["biz_id", "access_event_id"])
        .audited();

    s.table(PHI_DISCLOSURE_EVENTS)
        .doc("Immutable accounting of disclosures: PHI of a patient disclosed to a recipient, for what purpose, under which authorization.")
        .tenant_scoped()
        .id_tagged("phi_disclosure")
        .references("patient_user_id", USERS, text())
        .col("recipient_name", text())
        .col("purpose", text())
        .col("phi_description", text())
        .tenant_ref_opt("authorization_id", HIPAA_AUTHORIZATIONS)
        .tenant_ref_opt("baa_id", BUSINESS_ASSOCIATE_AGREEMENTS)
        .col("disclosed_at", timestamptz().default_now())
        .recorded()
        .append_only();

    s.table(SECURITY_INCIDENTS)
        .doc("A suspected or confirmed security incident, investigated and possibly escalated to a breach.")
        .tenant_scoped()
        .id_tagged("incident")
        .col("title", text())
        .col("description", text())
        .col("severity", enum_of(INCIDENT_SEVERITY))
        .col("discovered_at", timestamptz())
        .col("is_phi_breach", boolean().default_bool(false))
        .col("affected_individuals", integer().default_int(0))
        .references("owner_user_id", USERS, text().null())
        .col("status", enum_of(INCIDENT_STATUS).default_enum("reported"))
        .audited();

    s.table(BREACH_NOTIFICATIONS)
        .doc("A breach notification owed or sent for an incident (to individuals, HHS, media) with its statutory deadline.")
        .tenant_scoped()
        .id_tagged("breach_notice")
        .tenant_ref("incident_id", SECURITY_INCIDENTS)
        .col("recipient", enum_of(NOTIFICATION_RECIPIENT))
        .col("due_at", timestamptz())
        .col("sent_at", timestamptz().null())
        .col("method", enum_of(NOTIFICATION_METHOD).null())
        .col("status", enum_of(NOTIFICATION_STATUS).default_enum("planned"))
        .check("sent_shape", "(status = 'planned') = (sent_at IS NULL)")
        .audited();

    s.table(HIPAA_AUTHORIZATIONS)
        .doc("A patient's signed authorization to use or disclose their PHI for a stated purpose until expiry or revocation.")
        .tenant_scoped()
        .id_tagged("hipaa_auth")
        .references("patient_user_id", USERS, text())
        .col("purpose", text())
        .col("recipient_description", text())
        .col("signed_at", timestamptz())
        .col("expires_at", timestamptz().null())
        .col("revoked_at", timestamptz().null())
        .col("status", enum_of(AUTHORIZATION_STATUS).default_enum("active"))
        .audited();
}
