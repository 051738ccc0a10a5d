//! Intelligence: forecasts, recommendations and anomaly alerts computed over operations.

use crate::enums::RUN_STATUS;
use crate::locations::LOCATIONS;
use crate::product_commerce::SELLABLES;
use crate::resources::RESOURCES;
use crate::users::USERS;
use schemactl::prelude::*;

pub const INTELLIGENCE_MODEL_RUNS: TableRef = TableRef::new("intelligence_model_runs");
pub const DEMAND_FORECASTS: TableRef = TableRef::new("demand_forecasts");
pub const STAFFING_FORECASTS: TableRef = TableRef::new("staffing_forecasts");
pub const RECOMMENDATIONS: TableRef = TableRef::new("recommendations");
pub const ANOMALY_ALERTS: TableRef = TableRef::new("anomaly_alerts");

const MODEL_KIND: EnumDef = EnumDef::new(
    "intelligence_model_kind",
    &[
        "demand_forecast",
        "staffing_forecast",
        "churn_risk",
        "recommendation",
        "anomaly_detection",
    ],
);
const RECOMMENDATION_STATUS: EnumDef = EnumDef::new(
    "recommendation_status",
    &["open", "accepted", "dismissed", "expired"],
);
const RECOMMENDATION_KIND: EnumDef = EnumDef::new(
    "recommendation_kind",
    &[
        "open_capacity",
        "reprice",
        "retain_customer",
        "restock",
        "reschedule",
    ],
);
const ALERT_SEVERITY: EnumDef = EnumDef::new("alert_severity", &["info", "warning", "critical"]);
const ALERT_STATUS: EnumDef = EnumDef::new(
    "alert_status",
    &["open", "acknowledged", "resolved", "false_positive"],
);

pub fn declare(s: &mut SchemaBuilder) {
    s.domain("intelligence");

    s.table(INTELLIGENCE_MODEL_RUNS)
        .doc("One execution of an analytics model (forecast, churn, anomaly) with its version and parameters; outputs cite the run.")
        .tenant_scoped()
        .id_tagged("model_run")
        .col("model_kind", enum_of(MODEL_KIND))
        .col("model_version", text())
        .col("parameters", jsonb().default_sql("'{}'::jsonb"))
        .col("started_at", timestamptz().default_now())
        .col("finished_at", timestamptz().null())
        .col("status", enum_of(RUN_STATUS).default_enum("queued"))
        .audited();

    s.table(DEMAND_FORECASTS)
        .doc("Forecast bookings of a sellable at a location for a time bucket, with a confidence band.")
        .tenant_scoped()
        .id_tagged("demand_forecast")
        .tenant_ref("model_run_id", INTELLIGENCE_MODEL_RUNS)
        .tenant_ref_opt("sellable_id", SELLABLES)
        .tenant_ref_opt("location_id", LOCATIONS)
        .col("bucket_start", timestamptz())
        .col("bucket_minutes", integer())
        .col("expected_bookings", numeric(10, 2))
        .col("lower_bound", numeric(10, 2))
        .col("upper_bound", numeric(10, 2))
        .check("band_order", "lower_bound <= expected_bookings AND expected_bookings <= upper_bound")
        .audited();

    s.table(STAFFING_FORECASTS)
        .doc("Forecast headcount needed at a location per time bucket, derived from demand forecasts.")
        .tenant_scoped()
        .id_tagged("staffing_forecast")
        .tenant_ref("model_run_id", INTELLIGENCE_MODEL_RUNS)
        .tenant_ref("location_id", LOCATIONS)
        .col("bucket_start", timestamptz())
        .col("required_headcount", numeric(8, 2))
        .col("scheduled_headcount", numeric(8, 2).default_number("0"))
        .audited();

    s.table(RECOMMENDATIONS)
        .doc("An actionable suggestion for staff (open more slots, reprice, contact at-risk customer) and what was done with it.")
        .tenant_scoped()
        .id_tagged("recommendation")
        .tenant_ref_opt("model_run_id", INTELLIGENCE_MODEL_RUNS)
        .col("kind", enum_of(RECOMMENDATION_KIND))
        .col("title", text())
        .col("rationale", text())
        .tenant_ref_opt("resource_id", RESOURCES)
        .tenant_ref_opt("sellable_id", SELLABLES)
        .references("decided_by_user_id", USERS, text().null())
        .col("status", enum_of(RECOMMENDATION_STATUS).default_enum("open"))
        .audited();

    s.table(ANOMALY_ALERTS)
        .doc("A detected anomaly (no-show spike, refund surge, sync failure streak) for someone to acknowledge and resolve.")
        .tenant_scoped()
        .id_tagged("anomaly")
        .tenant_ref_opt("model_run_id", INTELLIGENCE_MODEL_RUNS)
        .col("metric_key", text())
        .col("severity", enum_of(ALERT_SEVERITY))
        .col("observed_value", numeric(14, 4))
        .col("expected_value", numeric(14, 4).null())
        .col("detected_at", timestamptz().default_now())
        .col("status", enum_of(ALERT_STATUS).default_enum("open"))
        .audited();
}
