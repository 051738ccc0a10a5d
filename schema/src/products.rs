//! Physical and digital products and their bundles.

use crate::enums::{LIFECYCLE_STATUS, VISIBILITY};
use schemactl::prelude::*;

pub const PRODUCT_CATEGORIES: TableRef = TableRef::new("product_categories");
pub const PRODUCTS: TableRef = TableRef::new("products");
pub const PRODUCT_BUNDLES: TableRef = TableRef::new("product_bundles");
pub const PRODUCT_BUNDLE_ITEMS: TableRef = TableRef::new("product_bundle_items");

const PRODUCT_TYPE: EnumDef = EnumDef::new(
    "product_type",
    &["physical", "digital", "gift_card", "subscription"],
);

pub fn declare(s: &mut SchemaBuilder) {
    s.domain("products");

    s.table(PRODUCT_CATEGORIES)
        .doc("A hierarchical product category for catalog navigation and reporting.")
        .tenant_scoped()
        .id_tagged("product_category")
        .tenant_ref_opt("parent_category_id", PRODUCT_CATEGORIES)
        .col("name", text())
        .col("slug", text())
        .col("status", enum_of(LIFECYCLE_STATUS).default_enum("active"))
        .unique(["biz_id", "slug"])
        .audited();

    s.table(PRODUCTS)
        .doc("A physical or digital good a biz sells (retail item, download, gift card). Sold through a sellable via sellable_products; stock lives in stock_items.")
        .tenant_scoped()
        .id_tagged("product")
        .tenant_ref_opt("category_id", PRODUCT_CATEGORIES)
        .col("type", enum_of(PRODUCT_TYPE))
        .col("name", text())
        .col("sku", text().null())
        .col("description", text().null())
        .col("is_shippable", boolean().default_bool(false))
        .col("weight_grams", integer().null())
        .col("visibility", enum_of(VISIBILITY).default_enum("public"))
        .col("status", enum_of(LIFECYCLE_STATUS).default_enum("draft"))
        .unique_where(["biz_id", "sku"], "sku IS NOT NULL AND deleted_at IS NULL")
        .audited();

    s.table(PRODUCT_BUNDLES)
        .doc("A bundle that sells several products together at one price; its lines are product_bundle_items.")
        .tenant_scoped()
        .id_tagged("bundle")
        .col("name", text())
        .col("description", text().null())
        .col("status", enum_of(LIFECYCLE_STATUS).default_enum("draft"))
        .audited();

    s.table(PRODUCT_BUNDLE_ITEMS)
        .doc("One product and quantity inside a bundle, with its share of the bundle price for line-level revenue attribution.")
        .tenant_scoped()
        .id_tagged("bundle_item")
        .tenant_ref("bundle_id", PRODUCT_BUNDLES)
        .tenant_ref("product_id", PRODUCTS)
        .col("quantity", integer().default_int(1))
        .col("price_allocation_pct", numeric(5, 2).null())
        .check("quantity_positive", "quantity > 0")
        .check("allocation_range", "price_allocation_pct IS NULL OR price_allocation_pct BETWEEN 0 AND 100")
        .unique(["biz_id", "bundle_id", "product_id"])
        .audited();
}
