//! Generic work management: templates, runs, steps, entries, artifacts, approvals, time segments.

use crate::enums::{APPROVAL_STATUS, LIFECYCLE_STATUS};
use crate::locations::LOCATIONS;
use crate::resources::RESOURCES;
use crate::users::USERS;
use schemactl::prelude::*;

pub const WORK_TEMPLATES: TableRef = TableRef::new("work_templates");
pub const WORK_TEMPLATE_STEPS: TableRef = TableRef::new("work_template_steps");
pub const WORK_RUNS: TableRef = TableRef::new("work_runs");
pub const WORK_RUN_STEPS: TableRef = TableRef::new("work_run_steps");
pub const WORK_ENTRIES: TableRef = TableRef::new("work_entries");
pub const WORK_ARTIFACTS: TableRef = TableRef::new("work_artifacts");
pub const WORK_APPROVALS: TableRef = TableRef::new("work_approvals");
pub const WORK_TIME_SEGMENTS: TableRef = TableRef::new("work_time_segments");

const WORK_KIND: EnumDef = EnumDef::new(
    "work_kind",
    &[
        "field_job",
        "inspection",
        "timesheet",
        "maintenance",
        "sign_off",
        "custom",
    ],
);
const WORK_RUN_STATUS: EnumDef = EnumDef::new(
    "work_run_status",
    &[
        "planned",
        "in_progress",
        "blocked",
        "awaiting_approval",
        "completed",
        "cancelled",
    ],
);
const WORK_STEP_STATUS: EnumDef = EnumDef::new(
    "work_step_status",
    &["pending", "in_progress", "done", "skipped", "failed"],
);
const WORK_ENTRY_TYPE: EnumDef = EnumDef::new(
    "work_entry_type",
    &["note", "measurement", "material_used", "issue", "reading"],
);
const WORK_ARTIFACT_TYPE: EnumDef = EnumDef::new(
    "work_artifact_type",
    &["photo", "document", "signature", "video"],
);
const TIME_SEGMENT_TYPE: EnumDef =
    EnumDef::new("time_segment_type", &["work", "travel", "break", "standby"]);

pub fn declare(s: &mut SchemaBuilder) {
    s.domain("work_management");

    s.table(WORK_TEMPLATES)
        .doc("A reusable definition of a piece of work (field job, inspection, timesheet) so field ops need no industry-specific tables.")
        .tenant_scoped()
        .id_tagged("work_template")
        .col("kind", enum_of(WORK_KIND))
        .col("name", text())
        .col("requires_approval", boolean().default_bool(false))
        .col("status", enum_of(LIFECYCLE_STATUS).default_enum("active"))
        .audited();

    s.table(WORK_TEMPLATE_STEPS)
        .doc("An ordered step of a work template with its expected duration.")
        .tenant_scoped()
        .id_tagged("work_template_step")
        .tenant_ref("template_id", WORK_TEMPLATES)
        .col("sequence", integer())
        .col("title", text())
        .col("expected_minutes", integer().null())
        .unique(["biz_id", "template_id", "sequence"])
        .audited();

    s.table(WORK_RUNS)
        .doc("One execution of work from a template, assigned to a resource at a location, optionally linked to any subject it serves.")
        .tenant_scoped()
        .id_tagged("work_run")
        .tenant_ref("template_id", WORK_TEMPLATES)
        .tenant_ref_opt("resource_id", RESOURCES)
        .tenant_ref_opt("location_id", LOCATIONS)
        .subject_ref("target", true)
        .col("scheduled_for", timestamptz().null())
        .col("completed_at", timestamptz().null())
        .col("status", enum_of(WORK_RUN_STATUS).default_enum("planned"))
        .audited();

    s.table(WORK_RUN_STEPS)
        .doc("The state of one template step within a run.")
        .tenant_scoped()
        .id_tagged("work_run_step")
        .tenant_ref("run_id", WORK_RUNS)
        .tenant_ref("template_step_id", WORK_TEMPLATE_STEPS)
        .col("started_at", timestamptz().null())
        .col("finished_at", timestamptz().null())
        .col("status", enum_of(WORK_STEP_STATUS).default_enum("pending"))
        .unique(["biz_id", "run_id", "template_step_id"])
        .audited();

    s.table(WORK_ENTRIES)
        .doc("A record made during a run (note, measurement, material used, issue), optionally tied to a step.")
        .tenant_scoped()
        .id_tagged("work_entry")
        .tenant_ref("run_id", WORK_RUNS)
        .tenant_ref_opt("run_step_id", WORK_RUN_STEPS)
        .col("type", enum_of(WORK_ENTRY_TYPE))
        .col("body", text().null())
        .col("value", numeric(14, 4).null())
        .col("unit", text().null())
        .audited();

    s.table(WORK_ARTIFACTS)
        .doc("A file captured during a run (photo, document, signature) stored by reference.")
        .tenant_scoped()
        .id_tagged("work_artifact")
        .tenant_ref("run_id", WORK_RUNS)
        .tenant_ref_opt("entry_id", WORK_ENTRIES)
        .col("type", enum_of(WORK_ARTIFACT_TYPE))
        .col("storage_key", text())
        .col("sha256", text())
        .audited();

    s.table(WORK_APPROVALS)
        .doc(
            "A sign-off requested from an approver on a run; multi-party sign-off is several rows.",
        )
        .tenant_scoped()
        .id_tagged("work_approval")
        .tenant_ref("run_id", WORK_RUNS)
        .references("approver_user_id", USERS, text())
        .col("decided_at", timestamptz().null())
        .col("comment", text().null())
        .col("status", enum_of(APPROVAL_STATUS).default_enum("pending"))
        .unique(["biz_id", "run_id", "approver_user_id"])
        .audited();

    s.table(WORK_TIME_SEGMENTS)
        .doc("A span of time a resource spent on a run (work, travel, break): the source of timesheets and payroll hours.")
        .tenant_scoped()
        .id_tagged("time_segment")
        .tenant_ref("run_id", WORK_RUNS)
        .tenant_ref("resource_id", RESOURCES)
        .col("type", enum_of(TIME_SEGMENT_TYPE).default_enum("work"))
        .window("starts_at", "ends_at", Window::OpenEnded)
        .audited();
}
