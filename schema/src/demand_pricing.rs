//! Demand-driven automated pricing: signals, scoped policies, weighted bindings, tiers, ledgers.

use crate::enums::{LIFECYCLE_STATUS, SCOPE_KIND};
use crate::locations::LOCATIONS;
use crate::product_commerce::SELLABLES;
use schemactl::prelude::*;

pub const DEMAND_SIGNAL_DEFINITIONS: TableRef = TableRef::new("demand_signal_definitions");
pub const DEMAND_SIGNAL_OBSERVATIONS: TableRef = TableRef::new("demand_signal_observations");
pub const DEMAND_PRICING_POLICIES: TableRef = TableRef::new("demand_pricing_policies");
pub const DEMAND_PRICING_SIGNAL_BINDINGS: TableRef =
    TableRef::new("demand_pricing_signal_bindings");
pub const DEMAND_PRICING_SCORE_TIERS: TableRef = TableRef::new("demand_pricing_score_tiers");
pub const DEMAND_PRICING_EVALUATIONS: TableRef = TableRef::new("demand_pricing_evaluations");
pub const DEMAND_PRICING_APPLICATIONS: TableRef = TableRef::new("demand_pricing_applications");

const SIGNAL_SOURCE: EnumDef = EnumDef::new(
    "demand_signal_source",
    &[
        "utilization",
        "lead_time",
        "waitlist",
        "search_volume",
        "weather",
        "external",
    ],
);
const PRICE_ADJUSTMENT_TYPE: EnumDef = EnumDef::new(
    "price_adjustment_type",
    &["percent", "fixed_amount", "set_price"],
);
const PRICING_APPLICATION_STATUS: EnumDef = EnumDef::new(
    "pricing_application_status",
    &["proposed", "applied", "rejected", "rolled_back"],
);

pub fn declare(s: &mut SchemaBuilder) {
    s.domain("demand_pricing");

    s.table(DEMAND_SIGNAL_DEFINITIONS)
        .doc("A demand signal the pricing engine can read (utilization, lead time, waitlist length), with its normalization range.")
        .tenant_scoped()
        .id_tagged("demand_signal")
        .col("key", text())
        .col("name", text())
        .col("source", enum_of(SIGNAL_SOURCE))
        .col("min_value", numeric(14, 4).default_number("0"))
        .col("max_value", numeric(14, 4).default_number("1"))
        .col("status", enum_of(LIFECYCLE_STATUS).default_enum("active"))
        .check("range_order", "max_value > min_value")
        .unique(["biz_id", "key"])
        .audited();

    s.table(DEMAND_SIGNAL_OBSERVATIONS)
        .doc("A measured value of a signal for a sellable/location and time bucket; the input of pricing evaluations.")
        .tenant_scoped()
        .id_tagged("signal_obs")
        .tenant_ref("signal_id", DEMAND_SIGNAL_DEFINITIONS)
        .tenant_ref_opt("sellable_id", SELLABLES)
        .tenant_ref_opt("location_id", LOCATIONS)
        .col("bucket_start", timestamptz())
        .col("value", numeric(14, 4))
        .col("observed_at", timestamptz().default_now())
        .index(["biz_id", "signal_id", "bucket_start"])
        .recorded()
        .append_only();

    s.table(DEMAND_PRICING_POLICIES)
        .doc("A scoped automated-pricing policy: which sellables it prices, bounds on adjustments and how often it evaluates.")
        .tenant_scoped()
        .id_tagged("pricing_policy")
        .col("name", text())
        .col("scope", enum_of(SCOPE_KIND).default_enum("biz"))
        .tenant_ref_opt("location_id", LOCATIONS)
        .tenant_ref_opt("sellable_id", SELLABLES)
        .col("max_increase_pct", numeric(5, 2).default_number("0"))
        .col("max_decrease_pct", numeric(5, 2).default_number("0"))
        .col("evaluation_interval_minutes", integer().default_int(60))
        .col("status", enum_of(LIFECYCLE_STATUS).default_enum("draft"))
        .check("bounds_range", "max_increase_pct BETWEEN 0 AND 500 AND max_decrease_pct BETWEEN 0 AND 100")
        .check("scope_shape", "(scope <> 'location' OR location_id IS NOT NULL)")
        .audited();

    s.table(DEMAND_PRICING_SIGNAL_BINDINGS)
        .doc("A signal feeding a policy with a weight; the weighted sum is the demand score.")
        .tenant_scoped()
        .id_tagged("pricing_binding")
        .tenant_ref("policy_id", DEMAND_PRICING_POLICIES)
        .tenant_ref("signal_id", DEMAND_SIGNAL_DEFINITIONS)
        .col("weight", numeric(6, 4))
        .check("weight_range", "weight BETWEEN -1 AND 1")
        .unique(["biz_id", "policy_id", "signal_id"])
        .audited();

    s.table(DEMAND_PRICING_SCORE_TIERS)
        .doc("A demand-score band of a policy and the price adjustment it applies.")
        .tenant_scoped()
        .id_tagged("pricing_tier")
        .tenant_ref("policy_id", DEMAND_PRICING_POLICIES)
        .col("min_score", numeric(6, 4))
        .col("max_score", numeric(6, 4))
        .col("adjustment_type", enum_of(PRICE_ADJUSTMENT_TYPE))
        .col("adjustment_value", numeric(12, 4))
        .check("score_order", "max_score > min_score")
        .audited();

    s.table(DEMAND_PRICING_EVALUATIONS)
        .doc("Immutable evaluation ledger: the score a policy computed for a sellable at a time, with the inputs used, for explainability.")
        .tenant_scoped()
        .id_tagged("pricing_eval")
        .tenant_ref("policy_id", DEMAND_PRICING_POLICIES)
        .tenant_ref("sellable_id", SELLABLES)
        .col("score", numeric(6, 4))
        .tenant_ref_opt("tier_id", DEMAND_PRICING_SCORE_TIERS)
        .col("inputs", jsonb())
        .col("evaluated_at", timestamptz().default_now())
        .recorded()
        .append_only();

    s.table(DEMAND_PRICING_APPLICATIONS)
        .doc(
            "A price change proposed from an evaluation and whether it was applied or rolled back.",
        )
        .tenant_scoped()
        .id_tagged("pricing_apply")
        .tenant_ref("evaluation_id", DEMAND_PRICING_EVALUATIONS)
        .tenant_ref("sellable_id", SELLABLES)
        .col("previous_price", money())
        .col("new_price", money())
        .currency("currency")
        .window("effective_from", "effective_until", Window::OpenEnded)
        .col(
            "status",
            enum_of(PRICING_APPLICATION_STATUS).default_enum("proposed"),
        )
        .check(
            "prices_non_negative",
            "previous_price >= 0 AND new_price >= 0",
        )
        .audited();
}
