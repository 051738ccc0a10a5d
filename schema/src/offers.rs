//! Offers: what a customer books, versioned, composed of services, products and resources.

use crate::enums::{LIFECYCLE_STATUS, VISIBILITY};
use crate::supply::CAPABILITY_DEFINITIONS;
use schemactl::prelude::*;

pub const OFFERS: TableRef = TableRef::new("offers");
pub const OFFER_VERSIONS: TableRef = TableRef::new("offer_versions");
pub const OFFER_COMPONENTS: TableRef = TableRef::new("offer_components");
pub const OFFER_COMPONENT_SELECTORS: TableRef = TableRef::new("offer_component_selectors");

const OFFER_VERSION_STATUS: EnumDef = EnumDef::new(
    "offer_version_status",
    &["draft", "published", "superseded", "retired"],
);
const OFFER_COMPONENT_TYPE: EnumDef = EnumDef::new(
    "offer_component_type",
    &["service", "product", "resource_requirement", "add_on"],
);
const SELECTOR_TYPE: EnumDef = EnumDef::new(
    "offer_selector_type",
    &["capability", "resource", "location", "custom_subject"],
);

pub fn declare(s: &mut SchemaBuilder) {
    s.domain("offers");

    s.table(OFFERS)
        .doc("A bookable offer as customers see it (e.g. Private lesson). Its terms live in immutable, published offer_versions so past orders keep the terms they were sold under.")
        .tenant_scoped()
        .id_tagged("offer")
        .col("name", text())
        .col("slug", text())
        .col("summary", text().null())
        .col("visibility", enum_of(VISIBILITY).default_enum("public"))
        .col("status", enum_of(LIFECYCLE_STATUS).default_enum("draft"))
        .unique(["biz_id", "slug"])
        .audited();

    s.table(OFFER_VERSIONS)
        .doc("One version of an offer's terms: duration, capacity, booking window and policy snapshot. Sold via sellable_offer_versions; rolled out via subject_location_bindings.")
        .tenant_scoped()
        .id_tagged("offer_version")
        .tenant_ref("offer_id", OFFERS)
        .col("version", integer())
        .col("duration_minutes", integer())
        .col("min_participants", integer().default_int(1))
        .col("max_participants", integer().default_int(1))
        .col("booking_lead_minutes", integer().default_int(0))
        .col("booking_horizon_days", integer().default_int(90))
        .col("cancellation_policy", jsonb().default_sql("'{}'::jsonb"))
        .col("published_at", timestamptz().null())
        .col("status", enum_of(OFFER_VERSION_STATUS).default_enum("draft"))
        .check("duration_positive", "duration_minutes > 0")
        .check("participants_range", "min_participants > 0 AND max_participants >= min_participants")
        .unique(["biz_id", "offer_id", "version"])
        .unique_where(["biz_id", "offer_id"], "status = 'published' AND deleted_at IS NULL")
        .audited();

    s.table(OFFER_COMPONENTS)
        .doc("A building block of an offer version: a service to perform, a product to hand over, or a resource requirement to satisfy.")
        .tenant_scoped()
        .id_tagged("offer_component")
        .tenant_ref("offer_version_id", OFFER_VERSIONS)
        .col("type", enum_of(OFFER_COMPONENT_TYPE))
        .col("label", text())
        .col("quantity", integer().default_int(1))
        .col("offset_minutes", integer().default_int(0))
        .col("duration_minutes", integer().null())
        .col("is_optional", boolean().default_bool(false))
        .check("quantity_positive", "quantity > 0")
        .audited();

    s.table(OFFER_COMPONENT_SELECTORS)
        .doc("How an offer component picks its supply: by capability, specific resource, location or custom subject. Generic selectors instead of vertical-specific tag columns.")
        .tenant_scoped()
        .id_tagged("offer_selector")
        .tenant_ref("offer_component_id", OFFER_COMPONENTS)
        .col("type", enum_of(SELECTOR_TYPE))
        .tenant_ref_opt("capability_id", CAPABILITY_DEFINITIONS)
        .tenant_ref_opt("resource_id", crate::resources::RESOURCES)
        .tenant_ref_opt("location_id", crate::locations::LOCATIONS)
        .subject_ref("custom", true)
        .col("is_exclusion", boolean().default_bool(false))
        .exactly_one_by(
            "type",
            &[
                ("capability", "capability_id"),
                ("resource", "resource_id"),
                ("location", "location_id"),
                ("custom_subject", "custom_subject_id"),
            ],
        )
        .audited();
}
