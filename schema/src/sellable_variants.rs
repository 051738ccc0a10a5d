//! Variant matrices for sellables: dimensions, values, variants and selections.

use crate::enums::LIFECYCLE_STATUS;
use crate::fulfillment::BOOKING_ORDER_LINES;
use crate::product_commerce::SELLABLES;
use schemactl::prelude::*;

pub const VARIANT_DIMENSIONS: TableRef = TableRef::new("variant_dimensions");
pub const VARIANT_DIMENSION_VALUES: TableRef = TableRef::new("variant_dimension_values");
pub const SELLABLE_VARIANTS: TableRef = TableRef::new("sellable_variants");
pub const SELLABLE_VARIANT_VALUES: TableRef = TableRef::new("sellable_variant_values");
pub const SELLABLE_VARIANT_SELECTIONS: TableRef = TableRef::new("sellable_variant_selections");

pub fn declare(s: &mut SchemaBuilder) {
    s.domain("sellable_variants");

    s.table(VARIANT_DIMENSIONS)
        .doc("An axis along which a sellable varies (size, duration, level), defined once per sellable.")
        .tenant_scoped()
        .id_tagged("variant_dim")
        .tenant_ref("sellable_id", SELLABLES)
        .col("key", text())
        .col("name", text())
        .col("sort_order", integer().default_int(0))
        .unique(["biz_id", "sellable_id", "key"])
        .audited();

    s.table(VARIANT_DIMENSION_VALUES)
        .doc("One value of a variant dimension (S/M/L, 30/60/90 minutes).")
        .tenant_scoped()
        .id_tagged("variant_value")
        .tenant_ref("dimension_id", VARIANT_DIMENSIONS)
        .col("key", text())
        .col("label", text())
        .col("sort_order", integer().default_int(0))
        .unique(["biz_id", "dimension_id", "key"])
        .audited();

    s.table(SELLABLE_VARIANTS)
        .doc("One concrete combination of dimension values of a sellable, with its own price and SKU: variant matrices without cloning vertical schemas.")
        .tenant_scoped()
        .id_tagged("variant")
        .tenant_ref("sellable_id", SELLABLES)
        .col("sku", text().null())
        .col("price", money())
        .currency("currency")
        .col("status", enum_of(LIFECYCLE_STATUS).default_enum("active"))
        .check("price_non_negative", "price >= 0")
        .audited();

    s.table(SELLABLE_VARIANT_VALUES)
        .doc("The dimension values that define a sellable variant (one per dimension).")
        .tenant_scoped()
        .id_tagged("variant_value_link")
        .tenant_ref("variant_id", SELLABLE_VARIANTS)
        .tenant_ref("dimension_id", VARIANT_DIMENSIONS)
        .tenant_ref("value_id", VARIANT_DIMENSION_VALUES)
        .unique(["biz_id", "variant_id", "dimension_id"])
        .audited();

    s.table(SELLABLE_VARIANT_SELECTIONS)
        .doc("The variant a customer chose on an order line, with the price at the time.")
        .tenant_scoped()
        .id_tagged("variant_selection")
        .tenant_ref("booking_order_line_id", BOOKING_ORDER_LINES)
        .tenant_ref("variant_id", SELLABLE_VARIANTS)
        .col("price_at_selection", money())
        .currency("currency")
        .unique(["biz_id", "booking_order_line_id", "variant_id"])
        .audited();
}
