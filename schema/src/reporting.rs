//! Reporting: report definitions, runs, exports and daily fact tables.

use crate::enums::{LIFECYCLE_STATUS, RUN_STATUS};
use crate::locations::LOCATIONS;
use crate::resources::RESOURCES;
use crate::users::USERS;
use schemactl::prelude::*;

pub const REPORT_DEFINITIONS: TableRef = TableRef::new("report_definitions");
pub const REPORT_SCHEDULES: TableRef = TableRef::new("report_schedules");
pub const REPORT_RUNS: TableRef = TableRef::new("report_runs");
pub const FACT_BOOKINGS_DAILY: TableRef = TableRef::new("fact_bookings_daily");
pub const FACT_RESOURCE_UTILIZATION_DAILY: TableRef =
    TableRef::new("fact_resource_utilization_daily");

const REPORT_FORMAT: EnumDef = EnumDef::new("report_format", &["csv", "xlsx", "pdf", "json"]);

pub fn declare(s: &mut SchemaBuilder) {
    s.domain("reporting");

    s.table(REPORT_DEFINITIONS)
        .doc("A saved report: dataset, filters, columns and grouping.")
        .tenant_scoped()
        .id_tagged("report")
        .col("name", text())
        .col("dataset", text())
        .col("definition", jsonb())
        .references("owner_user_id", USERS, text().null())
        .col("status", enum_of(LIFECYCLE_STATUS).default_enum("active"))
        .audited();

    s.table(REPORT_SCHEDULES)
        .doc("A recurring delivery of a report to recipients in a format.")
        .tenant_scoped()
        .id_tagged("report_schedule")
        .tenant_ref("report_id", REPORT_DEFINITIONS)
        .col("cron", text())
        .col("timezone", text().default_text("UTC"))
        .col("format", enum_of(REPORT_FORMAT).default_enum("csv"))
        .col("recipients", array(text()))
        .col("is_active", boolean().default_bool(true))
        .audited();

    s.table(REPORT_RUNS)
        .doc("One execution of a report, with the produced file and row count.")
        .tenant_scoped()
        .id_tagged("report_run")
        .tenant_ref("report_id", REPORT_DEFINITIONS)
        .tenant_ref_opt("schedule_id", REPORT_SCHEDULES)
        .col("format", enum_of(REPORT_FORMAT))
        .col("row_count", integer().null())
        .col("file_ref", text().null())
        .col("started_at", timestamptz().default_now())
        .col("finished_at", timestamptz().null())
        .col("status", enum_of(RUN_STATUS).default_enum("queued"))
        .audited();

    s.table(FACT_BOOKINGS_DAILY)
        .doc("Read-model fact: bookings, cancellations, no-shows and revenue per location per day.")
        .tenant_scoped()
        .id_tagged("fact_bookings")
        .tenant_ref_opt("location_id", LOCATIONS)
        .col("day", date())
        .col("bookings_count", integer().default_int(0))
        .col("cancellations_count", integer().default_int(0))
        .col("no_show_count", integer().default_int(0))
        .amounts(&["revenue_amount"])
        .currency("currency")
        .col("refreshed_at", timestamptz().default_now())
        .unique(["biz_id", "location_id", "day", "currency"])
        .audited();

    s.table(FACT_RESOURCE_UTILIZATION_DAILY)
        .doc("Read-model fact: available versus booked minutes of a resource per day.")
        .tenant_scoped()
        .id_tagged("fact_utilization")
        .tenant_ref("resource_id", RESOURCES)
        .col("day", date())
        .col("available_minutes", integer().default_int(0))
        .col("booked_minutes", integer().default_int(0))
        .col("refreshed_at", timestamptz().default_now())
        .check(
            "minutes_non_negative",
            "available_minutes >= 0 AND booked_minutes >= 0",
        )
        .unique(["biz_id", "resource_id", "day"])
        .audited();
}
