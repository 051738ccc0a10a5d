//! The subject graph: an extensible identity registry, its location rollout and relationships.

use crate::enums::LIFECYCLE_STATUS;
use crate::locations::LOCATIONS;
use schemactl::prelude::*;

pub const SUBJECTS: TableRef = TableRef::new("subjects");
pub const SUBJECT_LOCATION_BINDINGS: TableRef = TableRef::new("subject_location_bindings");
pub const SUBJECT_RELATIONSHIPS: TableRef = TableRef::new("subject_relationships");

const SUBJECT_RELATIONSHIP_TYPE: EnumDef = EnumDef::new(
    "subject_relationship_type",
    &[
        "parent_of",
        "depends_on",
        "substitutes",
        "bundles",
        "related_to",
        "custom",
    ],
);

pub fn declare(s: &mut SchemaBuilder) {
    s.domain("subjects");

    s.table(SUBJECTS)
        .doc("Registry of extensible identities (core entities and plugin entities) keyed by (biz_id, subject_type, subject_id), so custom-subject links elsewhere are integrity-checked.")
        .tenant_scoped()
        .id_tagged("subject")
        .col("subject_type", text())
        .col("subject_id", text())
        .col("display_name", text().null())
        .col("owner_extension_key", text().null())
        .col("status", enum_of(LIFECYCLE_STATUS).default_enum("active"))
        .unique(["biz_id", "subject_type", "subject_id"])
        .audited();

    s.table(SUBJECT_LOCATION_BINDINGS)
        .doc("Rollout map: which locations offer a subject (service, service product, offer version or plugin entity), replacing per-domain location join tables.")
        .tenant_scoped()
        .id_tagged("subject_location")
        .subject_ref("target", false)
        .tenant_ref("location_id", LOCATIONS)
        .window("effective_from", "effective_until", Window::OpenEnded)
        .col("is_active", boolean().default_bool(true))
        .unique_where(
            ["biz_id", "target_subject_type", "target_subject_id", "location_id"],
            "deleted_at IS NULL",
        )
        .audited();

    s.table(SUBJECT_RELATIONSHIPS)
        .doc("A typed, tenant-safe edge between two subjects: one reusable graph layer instead of many one-off join tables.")
        .tenant_scoped()
        .id_tagged("subject_rel")
        .subject_ref("from", false)
        .subject_ref("to", false)
        .col("type", enum_of(SUBJECT_RELATIONSHIP_TYPE))
        .col("custom_type_key", text().null())
        .col("attributes", jsonb().default_sql("'{}'::jsonb"))
        .col("is_active", boolean().default_bool(true))
        .check(
            "no_self_loop",
            "(from_subject_type, from_subject_id) <> (to_subject_type, to_subject_id)",
        )
        .check("custom_type_key", "(type = 'custom') = (custom_type_key IS NOT NULL)")
        .audited();
}
