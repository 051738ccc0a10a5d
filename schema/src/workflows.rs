//! Workflows: definitions, instances, steps, immutable decisions and review queues.

use crate::enums::LIFECYCLE_STATUS;
use crate::users::USERS;
use schemactl::prelude::*;

pub const WORKFLOW_DEFINITIONS: TableRef = TableRef::new("workflow_definitions");
pub const WORKFLOW_INSTANCES: TableRef = TableRef::new("workflow_instances");
pub const WORKFLOW_STEPS: TableRef = TableRef::new("workflow_steps");
pub const WORKFLOW_DECISIONS: TableRef = TableRef::new("workflow_decisions");
pub const REVIEW_QUEUE_ITEMS: TableRef = TableRef::new("review_queue_items");

const WORKFLOW_INSTANCE_STATUS: EnumDef = EnumDef::new(
    "workflow_instance_status",
    &["running", "waiting", "completed", "failed", "cancelled"],
);
const WORKFLOW_STEP_STATUS: EnumDef = EnumDef::new(
    "workflow_step_status",
    &[
        "pending",
        "running",
        "waiting_for_decision",
        "completed",
        "failed",
        "skipped",
    ],
);
const DECISION_OUTCOME: EnumDef = EnumDef::new(
    "workflow_decision_outcome",
    &["approve", "reject", "request_changes", "escalate", "auto"],
);
const REVIEW_ITEM_STATUS: EnumDef = EnumDef::new(
    "review_item_status",
    &["open", "claimed", "resolved", "dismissed"],
);

pub fn declare(s: &mut SchemaBuilder) {
    s.domain("workflows");

    s.table(WORKFLOW_DEFINITIONS)
        .doc("A versioned workflow (refund approval, onboarding, dispute handling) as a step graph triggered by lifecycle events.")
        .tenant_scoped()
        .id_tagged("workflow_def")
        .col("key", text())
        .col("version", integer().default_int(1))
        .col("name", text())
        .col("trigger_event_type", text().null())
        .col("graph", jsonb())
        .col("status", enum_of(LIFECYCLE_STATUS).default_enum("draft"))
        .unique(["biz_id", "key", "version"])
        .audited();

    s.table(WORKFLOW_INSTANCES)
        .doc("One run of a workflow definition about a subject, with its context.")
        .tenant_scoped()
        .id_tagged("workflow")
        .tenant_ref("definition_id", WORKFLOW_DEFINITIONS)
        .subject_ref("target", true)
        .col("context", jsonb().default_sql("'{}'::jsonb"))
        .col("started_at", timestamptz().default_now())
        .col("finished_at", timestamptz().null())
        .col(
            "status",
            enum_of(WORKFLOW_INSTANCE_STATUS).default_enum("running"),
        )
        .audited();

    s.table(WORKFLOW_STEPS)
        .doc("The state of one step of a workflow instance, with attempt count and assignee for human steps.")
        .tenant_scoped()
        .id_tagged("workflow_step")
        .tenant_ref("instance_id", WORKFLOW_INSTANCES)
        .col("step_key", text())
        .references("assignee_user_id", USERS, text().null())
        .col("attempt_count", integer().default_int(0))
        .col("due_at", timestamptz().null())
        .col("status", enum_of(WORKFLOW_STEP_STATUS).default_enum("pending"))
        .unique(["biz_id", "instance_id", "step_key"])
        .audited();

    s.table(WORKFLOW_DECISIONS)
        .doc("Immutable decision record on a workflow step: who decided what and why.")
        .tenant_scoped()
        .id_tagged("workflow_decision")
        .tenant_ref("step_id", WORKFLOW_STEPS)
        .references("decided_by_user_id", USERS, text().null())
        .col("outcome", enum_of(DECISION_OUTCOME))
        .col("reason", text().null())
        .col("decided_at", timestamptz().default_now())
        .check(
            "human_or_auto",
            "(outcome = 'auto') = (decided_by_user_id IS NULL)",
        )
        .recorded()
        .append_only();

    s.table(REVIEW_QUEUE_ITEMS)
        .doc("An item waiting for human review (flagged booking, suspicious payment, workflow step), claimable by staff.")
        .tenant_scoped()
        .id_tagged("review_item")
        .col("queue_key", text())
        .tenant_ref_opt("workflow_step_id", WORKFLOW_STEPS)
        .subject_ref("target", true)
        .col("priority", smallint().default_int(3))
        .references("claimed_by_user_id", USERS, text().null())
        .col("claimed_at", timestamptz().null())
        .col("status", enum_of(REVIEW_ITEM_STATUS).default_enum("open"))
        .check("claimed_shape", "(status = 'claimed') <= (claimed_by_user_id IS NOT NULL)")
        .audited();
}
