//! Enums shared by several modules.

use schemactl::prelude::*;

pub const LIFECYCLE_STATUS: EnumDef = EnumDef::new(
    "lifecycle_status",
    &["draft", "active", "inactive", "archived"],
);
pub const RESOURCE_TYPE: EnumDef =
    EnumDef::new("resource_type", &["host", "company_host", "asset", "venue"]);
