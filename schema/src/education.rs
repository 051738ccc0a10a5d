//! Education: programs, cohorts, enrollments, attendance and certificates.

use crate::enums::LIFECYCLE_STATUS;
use crate::fulfillment::{BOOKING_ORDER_LINES, FULFILLMENT_UNITS};
use crate::offers::OFFERS;
use crate::users::USERS;
use schemactl::prelude::*;

pub const PROGRAMS: TableRef = TableRef::new("programs");
pub const PROGRAM_COHORTS: TableRef = TableRef::new("program_cohorts");
pub const PROGRAM_SESSIONS: TableRef = TableRef::new("program_sessions");
pub const PROGRAM_ENROLLMENTS: TableRef = TableRef::new("program_enrollments");
pub const ATTENDANCE_RECORDS: TableRef = TableRef::new("attendance_records");
pub const CERTIFICATES: TableRef = TableRef::new("certificates");

const COHORT_STATUS: EnumDef = EnumDef::new(
    "cohort_status",
    &["planned", "enrolling", "running", "completed", "cancelled"],
);
const ENROLLMENT_STATUS: EnumDef = EnumDef::new(
    "enrollment_status",
    &["waitlisted", "enrolled", "withdrawn", "completed", "failed"],
);
const ATTENDANCE_STATUS: EnumDef = EnumDef::new(
    "attendance_status",
    &["present", "late", "absent", "excused"],
);
const CERTIFICATE_STATUS: EnumDef =
    EnumDef::new("certificate_status", &["issued", "revoked", "expired"]);

pub fn declare(s: &mut SchemaBuilder) {
    s.domain("education");

    s.table(PROGRAMS)
        .doc("A multi-session learning program (a course, a certification track) built on an offer; progression requirements gate completion.")
        .tenant_scoped()
        .id_tagged("program")
        .tenant_ref_opt("offer_id", OFFERS)
        .col("name", text())
        .col("description", text().null())
        .col("total_sessions", integer())
        .col("status", enum_of(LIFECYCLE_STATUS).default_enum("draft"))
        .check("sessions_positive", "total_sessions > 0")
        .audited();

    s.table(PROGRAM_COHORTS)
        .doc("One running instance of a program with a start date and seat limit.")
        .tenant_scoped()
        .id_tagged("cohort")
        .tenant_ref("program_id", PROGRAMS)
        .col("name", text())
        .col("starts_on", date())
        .col("ends_on", date().null())
        .col("seat_limit", integer().null())
        .col("status", enum_of(COHORT_STATUS).default_enum("planned"))
        .check("date_order", "ends_on IS NULL OR ends_on >= starts_on")
        .audited();

    s.table(PROGRAM_SESSIONS)
        .doc("A scheduled session of a cohort, delivered by a fulfillment unit.")
        .tenant_scoped()
        .id_tagged("program_session")
        .tenant_ref("cohort_id", PROGRAM_COHORTS)
        .tenant_ref_opt("fulfillment_unit_id", FULFILLMENT_UNITS)
        .col("sequence", integer())
        .col("title", text())
        .unique(["biz_id", "cohort_id", "sequence"])
        .audited();

    s.table(PROGRAM_ENROLLMENTS)
        .doc("A learner's enrollment in a cohort, linked to the order line that paid for it.")
        .tenant_scoped()
        .id_tagged("enrollment")
        .tenant_ref("cohort_id", PROGRAM_COHORTS)
        .references("learner_user_id", USERS, text())
        .tenant_ref_opt("booking_order_line_id", BOOKING_ORDER_LINES)
        .col("enrolled_at", timestamptz().default_now())
        .col("completed_at", timestamptz().null())
        .col(
            "status",
            enum_of(ENROLLMENT_STATUS).default_enum("enrolled"),
        )
        .unique_where(
            ["biz_id", "cohort_id", "learner_user_id"],
            "deleted_at IS NULL",
        )
        .audited();

    s.table(ATTENDANCE_RECORDS)
        .doc("Whether an enrolled learner attended a program session.")
        .tenant_scoped()
        .id_tagged("attendance")
        .tenant_ref("enrollment_id", PROGRAM_ENROLLMENTS)
        .tenant_ref("session_id", PROGRAM_SESSIONS)
        .col("status", enum_of(ATTENDANCE_STATUS))
        .col("minutes_attended", integer().null())
        .unique(["biz_id", "enrollment_id", "session_id"])
        .audited();

    s.table(CERTIFICATES)
        .doc("A completion certificate issued for an enrollment, verifiable by its code.")
        .tenant_scoped()
        .id_tagged("certificate")
        .tenant_ref("enrollment_id", PROGRAM_ENROLLMENTS)
        .col("verification_code", text().unique())
        .col("issued_at", timestamptz().default_now())
        .col("expires_at", timestamptz().null())
        .col("status", enum_of(CERTIFICATE_STATUS).default_enum("issued"))
        .audited();
}
