//! Service products: services packaged for sale (packs, memberships of sessions, add-ons).

use crate::enums::{LIFECYCLE_STATUS, VISIBILITY};
use crate::services::SERVICES;
use schemactl::prelude::*;

pub const SERVICE_PRODUCTS: TableRef = TableRef::new("service_products");
pub const SERVICE_PRODUCT_SERVICES: TableRef = TableRef::new("service_product_services");
pub const SERVICE_PRODUCT_ADDONS: TableRef = TableRef::new("service_product_addons");

const SERVICE_PRODUCT_TYPE: EnumDef = EnumDef::new(
    "service_product_type",
    &["single_session", "session_pack", "package", "add_on"],
);

pub fn declare(s: &mut SchemaBuilder) {
    s.domain("service_products");

    s.table(SERVICE_PRODUCTS)
        .doc("A service packaged for sale: a single session, a pack of sessions or a multi-service package. Sold through a sellable via sellable_service_products.")
        .tenant_scoped()
        .id_tagged("service_product")
        .col("type", enum_of(SERVICE_PRODUCT_TYPE))
        .col("name", text())
        .col("slug", text())
        .col("description", text().null())
        .col("session_count", integer().default_int(1))
        .col("validity_days", integer().null())
        .col("visibility", enum_of(VISIBILITY).default_enum("public"))
        .col("status", enum_of(LIFECYCLE_STATUS).default_enum("draft"))
        .check("session_count_positive", "session_count > 0")
        .unique(["biz_id", "slug"])
        .audited();

    s.table(SERVICE_PRODUCT_SERVICES)
        .doc("The services a service product includes, with how many times each may be redeemed.")
        .tenant_scoped()
        .id_tagged("sp_service")
        .tenant_ref("service_product_id", SERVICE_PRODUCTS)
        .tenant_ref("service_id", SERVICES)
        .col("quantity", integer().default_int(1))
        .col("sort_order", integer().default_int(0))
        .check("quantity_positive", "quantity > 0")
        .unique(["biz_id", "service_product_id", "service_id"])
        .audited();

    s.table(SERVICE_PRODUCT_ADDONS)
        .doc("An add-on service product offered alongside a base service product (e.g. hot stones with a massage).")
        .tenant_scoped()
        .id_tagged("sp_addon")
        .tenant_ref("service_product_id", SERVICE_PRODUCTS)
        .tenant_ref("addon_service_product_id", SERVICE_PRODUCTS)
        .col("is_default_selected", boolean().default_bool(false))
        .col("is_active", boolean().default_bool(true))
        .no_self_loop("service_product_id", "addon_service_product_id")
        .unique(["biz_id", "service_product_id", "addon_service_product_id"])
        .audited();
}
