//! Core identity and tenancy: bizes, users, locations, subjects.

use crate::enums::LIFECYCLE_STATUS;
use schemactl::prelude::*;

pub const BIZES: TableRef = TableRef::new("bizes");
pub const USERS: TableRef = TableRef::new("users");
pub const LOCATIONS: TableRef = TableRef::new("locations");
pub const SUBJECTS: TableRef = TableRef::new("subjects");

pub fn declare(s: &mut SchemaBuilder) {
    s.domain("identity");

    s.table(USERS)
        .doc("A person who can sign in. Global: one user may work with many bizes.")
        .global("users exist across bizes; memberships tie them to a tenant")
        .id_tagged("user")
        .col("email", text().unique())
        .col("display_name", text())
        .col("status", enum_of(LIFECYCLE_STATUS).default_enum("active"))
        .audited();

    s.table(BIZES)
        .doc("The tenant root: a business using Bizing. Every business table carries its id as biz_id.")
        .global("the tenant root itself")
        .id_tagged("biz")
        .col("name", text())
        .col("slug", text().unique())
        .col("status", enum_of(LIFECYCLE_STATUS).default_enum("active"))
        .audited();

    s.table(LOCATIONS)
        .doc("A physical or virtual place a biz operates from; scopes availability and rollout.")
        .tenant_scoped()
        .id_tagged("location")
        .col("name", text())
        .col("timezone", text().default_text("UTC"))
        .col("status", enum_of(LIFECYCLE_STATUS).default_enum("active"))
        .unique(["biz_id", "name"])
        .audited();

    s.table(SUBJECTS)
        .doc("Registry of extensible identities (plugin entities included), so custom-subject links are integrity-checked.")
        .tenant_scoped()
        .id_tagged("subject")
        .col("subject_type", text())
        .col("subject_id", text())
        .col("display_name", text().null())
        .unique(["biz_id", "subject_type", "subject_id"])
        .audited();
}
