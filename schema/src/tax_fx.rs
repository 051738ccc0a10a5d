//! Tax and foreign exchange: jurisdictions, rates, calculations and FX snapshots.

use crate::enums::LIFECYCLE_STATUS;
use crate::fulfillment::{BOOKING_ORDERS, BOOKING_ORDER_LINES};
use crate::locations::LOCATIONS;
use schemactl::prelude::*;

pub const TAX_JURISDICTIONS: TableRef = TableRef::new("tax_jurisdictions");
pub const TAX_RATES: TableRef = TableRef::new("tax_rates");
pub const TAX_CALCULATIONS: TableRef = TableRef::new("tax_calculations");
pub const TAX_CALCULATION_LINES: TableRef = TableRef::new("tax_calculation_lines");
pub const FX_RATE_SNAPSHOTS: TableRef = TableRef::new("fx_rate_snapshots");

const TAX_KIND: EnumDef = EnumDef::new("tax_kind", &["sales", "vat", "gst", "service", "excise"]);
const TAX_ENGINE: EnumDef = EnumDef::new("tax_engine", &["internal", "stripe_tax", "avalara"]);

const FX_SOURCE: EnumDef = EnumDef::new(
    "fx_rate_source",
    &[
        "payment_processor",
        "central_bank",
        "rate_provider",
        "manual",
    ],
);

pub fn declare(s: &mut SchemaBuilder) {
    s.domain("tax_fx");

    s.table(TAX_JURISDICTIONS)
        .doc("A taxing jurisdiction a biz collects for (state, country VAT), tied to the locations it covers.")
        .tenant_scoped()
        .id_tagged("tax_jurisdiction")
        .col("code", text())
        .col("name", text())
        .col("country_code", char_(2))
        .col("region_code", text().null())
        .tenant_ref_opt("location_id", LOCATIONS)
        .col("registration_number", text().null())
        .col("status", enum_of(LIFECYCLE_STATUS).default_enum("active"))
        .unique(["biz_id", "code"])
        .audited();

    s.table(TAX_RATES)
        .doc("An effective-dated tax rate of a jurisdiction for a tax category.")
        .tenant_scoped()
        .id_tagged("tax_rate")
        .tenant_ref("jurisdiction_id", TAX_JURISDICTIONS)
        .col("kind", enum_of(TAX_KIND))
        .col("tax_category", text().default_text("standard"))
        .col("rate_percent", numeric(7, 4))
        .col("is_inclusive", boolean().default_bool(false))
        .window("effective_from", "effective_until", Window::OpenEnded)
        .check("rate_range", "rate_percent >= 0 AND rate_percent <= 100")
        .audited();

    s.table(TAX_CALCULATIONS)
        .doc("A frozen tax calculation for an order, with the engine that computed it, so invoices and refunds reuse exactly what was charged.")
        .tenant_scoped()
        .id_tagged("tax_calc")
        .tenant_ref("booking_order_id", BOOKING_ORDERS)
        .col("engine", enum_of(TAX_ENGINE).default_enum("internal"))
        .col("engine_ref", text().null())
        .amounts(&["taxable_amount", "tax_amount"])
        .currency("currency")
        .col("calculated_at", timestamptz().default_now())
        .audited();

    s.table(TAX_CALCULATION_LINES)
        .doc("Tax on one order line under one rate, within a frozen tax calculation; refunds and invoices reuse these amounts line by line.")
        .tenant_scoped()
        .id_tagged("tax_calc_line")
        .tenant_ref("calculation_id", TAX_CALCULATIONS)
        .tenant_ref("booking_order_line_id", BOOKING_ORDER_LINES)
        .tenant_ref_opt("tax_rate_id", TAX_RATES)
        .col("rate_percent", numeric(7, 4))
        .amounts(&["taxable_amount", "tax_amount"])
        .currency("currency")
        .audited();

    s.table(FX_RATE_SNAPSHOTS)
        .doc("An exchange rate captured at a moment (from the processor or a rate provider), cited by multi-currency reporting and intercompany entries.")
        .tenant_scoped()
        .id_tagged("fx_rate")
        .currency("base_currency")
        .currency("quote_currency")
        .col("rate", numeric(18, 8))
        .col("source", enum_of(FX_SOURCE))
        .col("captured_at", timestamptz().default_now())
        .check("rate_positive", "rate > 0")
        .check("distinct_currencies", "base_currency <> quote_currency")
        .unique(["biz_id", "base_currency", "quote_currency", "captured_at"])
        .audited();
}
