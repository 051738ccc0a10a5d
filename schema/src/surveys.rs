//! Surveys: templates, questions, invitations, responses and answers.

use crate::enums::LIFECYCLE_STATUS;
use crate::fulfillment::{BOOKING_ORDERS, FULFILLMENT_UNITS};
use crate::users::USERS;
use schemactl::prelude::*;

pub const SURVEY_TEMPLATES: TableRef = TableRef::new("survey_templates");
pub const SURVEY_QUESTIONS: TableRef = TableRef::new("survey_questions");
pub const SURVEY_INVITATIONS: TableRef = TableRef::new("survey_invitations");
pub const SURVEY_RESPONSES: TableRef = TableRef::new("survey_responses");
pub const SURVEY_ANSWERS: TableRef = TableRef::new("survey_answers");

const QUESTION_TYPE: EnumDef = EnumDef::new(
    "survey_question_type",
    &[
        "rating",
        "nps",
        "single_choice",
        "multi_choice",
        "free_text",
    ],
);
const SURVEY_INVITATION_STATUS: EnumDef = EnumDef::new(
    "survey_invitation_status",
    &["scheduled", "sent", "opened", "completed", "expired"],
);

pub fn declare(s: &mut SchemaBuilder) {
    s.domain("surveys");

    s.table(SURVEY_TEMPLATES)
        .doc("A survey (post-visit NPS, course feedback) sent after bookings or on demand.")
        .tenant_scoped()
        .id_tagged("survey")
        .col("name", text())
        .col("send_delay_minutes", integer().default_int(60))
        .col("status", enum_of(LIFECYCLE_STATUS).default_enum("draft"))
        .audited();

    s.table(SURVEY_QUESTIONS)
        .doc("One question of a survey, in order, with its type and choices.")
        .tenant_scoped()
        .id_tagged("survey_question")
        .tenant_ref("survey_id", SURVEY_TEMPLATES)
        .col("sequence", integer())
        .col("type", enum_of(QUESTION_TYPE))
        .col("prompt", text())
        .col("choices", jsonb().default_sql("'[]'::jsonb"))
        .col("is_required", boolean().default_bool(false))
        .unique(["biz_id", "survey_id", "sequence"])
        .audited();

    s.table(SURVEY_INVITATIONS)
        .doc("A survey sent to a person about an order or session.")
        .tenant_scoped()
        .id_tagged("survey_invite")
        .tenant_ref("survey_id", SURVEY_TEMPLATES)
        .references("user_id", USERS, text().null())
        .col("recipient_email", text().null())
        .tenant_ref_opt("booking_order_id", BOOKING_ORDERS)
        .tenant_ref_opt("fulfillment_unit_id", FULFILLMENT_UNITS)
        .col("token_hash", text().unique())
        .col("sent_at", timestamptz().null())
        .col(
            "status",
            enum_of(SURVEY_INVITATION_STATUS).default_enum("scheduled"),
        )
        .check(
            "has_recipient",
            "user_id IS NOT NULL OR recipient_email IS NOT NULL",
        )
        .audited();

    s.table(SURVEY_RESPONSES)
        .doc("A completed response to a survey invitation, with its overall score.")
        .tenant_scoped()
        .id_tagged("survey_response")
        .tenant_ref("invitation_id", SURVEY_INVITATIONS)
        .col("submitted_at", timestamptz().default_now())
        .col("score", numeric(5, 2).null())
        .unique(["biz_id", "invitation_id"])
        .audited();

    s.table(SURVEY_ANSWERS)
        .doc("The answer to one question in a survey response.")
        .tenant_scoped()
        .id_tagged("survey_answer")
        .tenant_ref("response_id", SURVEY_RESPONSES)
        .tenant_ref("question_id", SURVEY_QUESTIONS)
        .col("numeric_value", numeric(8, 2).null())
        .col("text_value", text().null())
        .col("choice_values", array(text()).null())
        .check(
            "has_value",
            "numeric_value IS NOT NULL OR text_value IS NOT NULL OR choice_values IS NOT NULL",
        )
        .unique(["biz_id", "response_id", "question_id"])
        .audited();
}
