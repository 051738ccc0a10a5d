//! Interaction forms and checklists: intake forms, waivers, signatures and item-level checklists.

use crate::enums::LIFECYCLE_STATUS;
use crate::fulfillment::{BOOKING_ORDERS, FULFILLMENT_UNITS};
use crate::users::USERS;
use schemactl::prelude::*;

pub const INTERACTION_TEMPLATES: TableRef = TableRef::new("interaction_templates");
pub const INTERACTION_ASSIGNMENTS: TableRef = TableRef::new("interaction_assignments");
pub const INTERACTION_SUBMISSIONS: TableRef = TableRef::new("interaction_submissions");
pub const INTERACTION_SIGNATURES: TableRef = TableRef::new("interaction_signatures");
pub const CHECKLIST_TEMPLATES: TableRef = TableRef::new("checklist_templates");
pub const CHECKLIST_TEMPLATE_ITEMS: TableRef = TableRef::new("checklist_template_items");
pub const CHECKLIST_INSTANCES: TableRef = TableRef::new("checklist_instances");
pub const CHECKLIST_INSTANCE_ITEMS: TableRef = TableRef::new("checklist_instance_items");

const INTERACTION_TEMPLATE_TYPE: EnumDef = EnumDef::new(
    "interaction_template_type",
    &[
        "intake_form",
        "waiver",
        "consent",
        "questionnaire",
        "feedback",
    ],
);
const INTERACTION_ASSIGNMENT_STATUS: EnumDef = EnumDef::new(
    "interaction_assignment_status",
    &[
        "pending",
        "in_progress",
        "submitted",
        "expired",
        "cancelled",
    ],
);
const SIGNATURE_METHOD: EnumDef =
    EnumDef::new("signature_method", &["typed", "drawn", "click_to_accept"]);
const CHECKLIST_STATUS: EnumDef = EnumDef::new(
    "checklist_status",
    &["not_started", "in_progress", "completed", "cancelled"],
);
const CHECKLIST_ITEM_STATUS: EnumDef = EnumDef::new(
    "checklist_item_status",
    &["open", "done", "skipped", "failed"],
);

pub fn declare(s: &mut SchemaBuilder) {
    s.domain("interaction_forms");

    s.table(INTERACTION_TEMPLATES)
        .doc("A versioned form definition (intake form, liability waiver, consent) customers fill in before or after a booking.")
        .tenant_scoped()
        .id_tagged("interaction_template")
        .col("type", enum_of(INTERACTION_TEMPLATE_TYPE))
        .col("name", text())
        .col("version", integer().default_int(1))
        .col("schema", jsonb())
        .col("requires_signature", boolean().default_bool(false))
        .col("status", enum_of(LIFECYCLE_STATUS).default_enum("draft"))
        .audited();

    s.table(INTERACTION_ASSIGNMENTS)
        .doc("A form assigned to a person for an order or session, with its due date.")
        .tenant_scoped()
        .id_tagged("interaction_assignment")
        .tenant_ref("template_id", INTERACTION_TEMPLATES)
        .references("assignee_user_id", USERS, text().null())
        .col("assignee_email", text().null())
        .tenant_ref_opt("booking_order_id", BOOKING_ORDERS)
        .tenant_ref_opt("fulfillment_unit_id", FULFILLMENT_UNITS)
        .col("due_at", timestamptz().null())
        .col(
            "status",
            enum_of(INTERACTION_ASSIGNMENT_STATUS).default_enum("pending"),
        )
        .check(
            "has_assignee",
            "assignee_user_id IS NOT NULL OR assignee_email IS NOT NULL",
        )
        .audited();

    s.table(INTERACTION_SUBMISSIONS)
        .doc("The answers submitted for an assignment, frozen with the template version they answered.")
        .tenant_scoped()
        .id_tagged("interaction_submission")
        .tenant_ref("assignment_id", INTERACTION_ASSIGNMENTS)
        .col("template_version", integer())
        .col("answers", jsonb())
        .col("submitted_at", timestamptz().default_now())
        .audited();

    s.table(INTERACTION_SIGNATURES)
        .doc("A signature on a submission (typed, drawn or click-to-accept) with signer identity and evidence.")
        .tenant_scoped()
        .id_tagged("signature")
        .tenant_ref("submission_id", INTERACTION_SUBMISSIONS)
        .references("signer_user_id", USERS, text().null())
        .col("signer_name", text())
        .col("method", enum_of(SIGNATURE_METHOD))
        .col("signature_ref", text().null())
        .col("ip_address", inet().null())
        .col("signed_at", timestamptz().default_now())
        .audited();

    s.table(CHECKLIST_TEMPLATES)
        .doc("A reusable checklist (room turnover, vehicle inspection, opening duties).")
        .tenant_scoped()
        .id_tagged("checklist_template")
        .col("name", text())
        .col("description", text().null())
        .col("status", enum_of(LIFECYCLE_STATUS).default_enum("active"))
        .audited();

    s.table(CHECKLIST_TEMPLATE_ITEMS)
        .doc("One item of a checklist template, in order, optionally requiring a photo or note.")
        .tenant_scoped()
        .id_tagged("checklist_template_item")
        .tenant_ref("template_id", CHECKLIST_TEMPLATES)
        .col("label", text())
        .col("sort_order", integer().default_int(0))
        .col("requires_evidence", boolean().default_bool(false))
        .audited();

    s.table(CHECKLIST_INSTANCES)
        .doc("A checklist being worked for a fulfillment unit or on its own, by an assignee.")
        .tenant_scoped()
        .id_tagged("checklist")
        .tenant_ref("template_id", CHECKLIST_TEMPLATES)
        .tenant_ref_opt("fulfillment_unit_id", FULFILLMENT_UNITS)
        .references("assignee_user_id", USERS, text().null())
        .col("completed_at", timestamptz().null())
        .col(
            "status",
            enum_of(CHECKLIST_STATUS).default_enum("not_started"),
        )
        .audited();

    s.table(CHECKLIST_INSTANCE_ITEMS)
        .doc("Item-level status of a checklist instance, with who completed it and evidence.")
        .tenant_scoped()
        .id_tagged("checklist_item")
        .tenant_ref("checklist_id", CHECKLIST_INSTANCES)
        .tenant_ref("template_item_id", CHECKLIST_TEMPLATE_ITEMS)
        .references("completed_by_user_id", USERS, text().null())
        .col("completed_at", timestamptz().null())
        .col("note", text().null())
        .col("evidence_ref", text().null())
        .col(
            "status",
            enum_of(CHECKLIST_ITEM_STATUS).default_enum("open"),
        )
        .unique(["biz_id", "checklist_id", "template_item_id"])
        .audited();
}
