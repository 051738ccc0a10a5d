//! The requirement graph: reusable prerequisite/eligibility sets for education, compliance and access.

use crate::enums::LIFECYCLE_STATUS;
use crate::users::USERS;
use schemactl::prelude::*;

pub const REQUIREMENT_SETS: TableRef = TableRef::new("requirement_sets");
pub const REQUIREMENT_NODES: TableRef = TableRef::new("requirement_nodes");
pub const REQUIREMENT_EDGES: TableRef = TableRef::new("requirement_edges");
pub const REQUIREMENT_EVALUATIONS: TableRef = TableRef::new("requirement_evaluations");
pub const REQUIREMENT_EVIDENCE_LINKS: TableRef = TableRef::new("requirement_evidence_links");

const REQUIREMENT_NODE_TYPE: EnumDef = EnumDef::new(
    "requirement_node_type",
    &[
        "all_of",
        "any_of",
        "n_of",
        "credential",
        "attendance",
        "assessment",
        "custom",
    ],
);
const EVALUATION_RESULT: EnumDef = EnumDef::new(
    "requirement_evaluation_result",
    &["satisfied", "unsatisfied", "pending", "waived"],
);
const EVIDENCE_TYPE: EnumDef = EnumDef::new(
    "requirement_evidence_type",
    &[
        "credential_record",
        "attendance_record",
        "survey_response",
        "document",
        "custom_subject",
    ],
);

pub fn declare(s: &mut SchemaBuilder) {
    s.domain("progression");

    s.table(REQUIREMENT_SETS)
        .doc("A reusable set of requirements (prerequisites for an advanced class, onboarding for a contractor); a graph of nodes and edges.")
        .tenant_scoped()
        .id_tagged("requirement_set")
        .col("key", text())
        .col("name", text())
        .subject_ref("target", true)
        .col("status", enum_of(LIFECYCLE_STATUS).default_enum("draft"))
        .unique(["biz_id", "key"])
        .audited();

    s.table(REQUIREMENT_NODES)
        .doc("A node of a requirement graph: a leaf check (credential, attendance, assessment) or a combinator (all of, any of, n of).")
        .tenant_scoped()
        .id_tagged("requirement_node")
        .tenant_ref("requirement_set_id", REQUIREMENT_SETS)
        .col("type", enum_of(REQUIREMENT_NODE_TYPE))
        .col("label", text())
        .col("min_children", integer().null())
        .col("config", jsonb().default_sql("'{}'::jsonb"))
        .col("is_root", boolean().default_bool(false))
        .check("n_of_shape", "(type = 'n_of') = (min_children IS NOT NULL)")
        .unique_where(["biz_id", "requirement_set_id"], "is_root AND deleted_at IS NULL")
        .audited();

    s.table(REQUIREMENT_EDGES)
        .doc("A parent-child edge between requirement nodes of one set.")
        .tenant_scoped()
        .id_tagged("requirement_edge")
        .tenant_ref("parent_node_id", REQUIREMENT_NODES)
        .tenant_ref("child_node_id", REQUIREMENT_NODES)
        .col("sort_order", integer().default_int(0))
        .no_self_loop("parent_node_id", "child_node_id")
        .unique(["biz_id", "parent_node_id", "child_node_id"])
        .audited();

    s.table(REQUIREMENT_EVALUATIONS)
        .doc("The result of evaluating a requirement node for a user at a time (satisfied, pending, waived).")
        .tenant_scoped()
        .id_tagged("requirement_eval")
        .tenant_ref("node_id", REQUIREMENT_NODES)
        .references("user_id", USERS, text())
        .col("result", enum_of(EVALUATION_RESULT))
        .col("evaluated_at", timestamptz().default_now())
        .col("valid_until", timestamptz().null())
        .references("waived_by_user_id", USERS, text().null())
        .check("waiver_shape", "(result = 'waived') = (waived_by_user_id IS NOT NULL)")
        .audited();

    s.table(REQUIREMENT_EVIDENCE_LINKS)
        .doc("Evidence behind an evaluation: a credential, attendance record, survey response, document or custom subject.")
        .tenant_scoped()
        .id_tagged("requirement_evidence")
        .tenant_ref("evaluation_id", REQUIREMENT_EVALUATIONS)
        .col("evidence_type", enum_of(EVIDENCE_TYPE))
        .col("evidence_ref_id", text())
        .col("note", text().null())
        .audited();
}
