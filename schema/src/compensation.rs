//! Payroll-grade compensation: role templates, versioned plans and rules, immutable ledger, pay runs.

use crate::enums::{LIFECYCLE_STATUS, RUN_STATUS};
use crate::fulfillment::{BOOKING_ORDER_LINES, FULFILLMENT_ASSIGNMENTS};
use crate::resources::RESOURCES;
use schemactl::prelude::*;

pub const COMPENSATION_ROLE_TEMPLATES: TableRef = TableRef::new("compensation_role_templates");
pub const COMPENSATION_PLANS: TableRef = TableRef::new("compensation_plans");
pub const COMPENSATION_PLAN_VERSIONS: TableRef = TableRef::new("compensation_plan_versions");
pub const COMPENSATION_RULES: TableRef = TableRef::new("compensation_rules");
pub const COMPENSATION_ASSIGNMENTS: TableRef = TableRef::new("compensation_assignments");
pub const COMPENSATION_LEDGER_ENTRIES: TableRef = TableRef::new("compensation_ledger_entries");
pub const PAY_RUNS: TableRef = TableRef::new("pay_runs");
pub const PAY_RUN_ITEMS: TableRef = TableRef::new("pay_run_items");

const PLAN_VERSION_STATUS: EnumDef = EnumDef::new(
    "plan_version_status",
    &["draft", "active", "superseded", "retired"],
);
const COMPENSATION_RULE_TYPE: EnumDef = EnumDef::new(
    "compensation_rule_type",
    &[
        "hourly",
        "per_session",
        "percent_of_revenue",
        "flat_bonus",
        "tiered_commission",
    ],
);
const COMPENSATION_ENTRY_TYPE: EnumDef = EnumDef::new(
    "compensation_entry_type",
    &[
        "earning",
        "tip",
        "bonus",
        "deduction",
        "reversal",
        "adjustment",
    ],
);

pub fn declare(s: &mut SchemaBuilder) {
    s.domain("compensation");

    s.table(COMPENSATION_ROLE_TEMPLATES)
        .doc("A reusable compensation role (lead instructor, assistant, driver) that plans target.")
        .tenant_scoped()
        .id_tagged("comp_role")
        .col("key", text())
        .col("name", text())
        .col("status", enum_of(LIFECYCLE_STATUS).default_enum("active"))
        .unique(["biz_id", "key"])
        .audited();

    s.table(COMPENSATION_PLANS)
        .doc("A named pay plan for a role; its rules change only through new plan versions.")
        .tenant_scoped()
        .id_tagged("comp_plan")
        .tenant_ref("role_template_id", COMPENSATION_ROLE_TEMPLATES)
        .col("name", text())
        .col("status", enum_of(LIFECYCLE_STATUS).default_enum("draft"))
        .audited();

    s.table(COMPENSATION_PLAN_VERSIONS)
        .doc("One effective-dated version of a pay plan; ledger entries cite the version they were computed under.")
        .tenant_scoped()
        .id_tagged("comp_plan_version")
        .tenant_ref("plan_id", COMPENSATION_PLANS)
        .col("version", integer())
        .window("effective_from", "effective_until", Window::OpenEnded)
        .col("status", enum_of(PLAN_VERSION_STATUS).default_enum("draft"))
        .unique(["biz_id", "plan_id", "version"])
        .audited();

    s.table(COMPENSATION_RULES)
        .doc("One pay rule of a plan version: hourly rate, per-session amount or revenue percentage, optionally narrowed by a filter.")
        .tenant_scoped()
        .id_tagged("comp_rule")
        .tenant_ref("plan_version_id", COMPENSATION_PLAN_VERSIONS)
        .col("type", enum_of(COMPENSATION_RULE_TYPE))
        .col("amount", money().null())
        .col("percent", numeric(5, 2).null())
        .currency("currency")
        .col("applies_to", jsonb().default_sql("'{}'::jsonb"))
        .col("priority", integer().default_int(0))
        .check("amount_or_percent", "(amount IS NOT NULL)::int + (percent IS NOT NULL)::int = 1")
        .check("percent_range", "percent IS NULL OR percent BETWEEN 0 AND 100")
        .audited();

    s.table(COMPENSATION_ASSIGNMENTS)
        .doc("Which resource is paid under which plan for which period.")
        .tenant_scoped()
        .id_tagged("comp_assignment")
        .tenant_ref("resource_id", RESOURCES)
        .tenant_ref("plan_id", COMPENSATION_PLANS)
        .window("effective_from", "effective_until", Window::OpenEnded)
        .col("is_active", boolean().default_bool(true))
        .audited();

    s.table(COMPENSATION_LEDGER_ENTRIES)
        .doc("Immutable compensation ledger: each earning, tip, bonus or deduction of a resource, citing the rule and the work that produced it. Reversals are new rows.")
        .tenant_scoped()
        .id_tagged("comp_entry")
        .tenant_ref("resource_id", RESOURCES)
        .col("type", enum_of(COMPENSATION_ENTRY_TYPE))
        .col("amount", money())
        .currency("currency")
        .tenant_ref_opt("rule_id", COMPENSATION_RULES)
        .tenant_ref_opt("fulfillment_assignment_id", FULFILLMENT_ASSIGNMENTS)
        .tenant_ref_opt("booking_order_line_id", BOOKING_ORDER_LINES)
        .tenant_ref_opt("reverses_entry_id", COMPENSATION_LEDGER_ENTRIES)
        .col("earned_at", timestamptz())
        .check("amount_non_zero", "amount <> 0")
        .recorded()
        .append_only();

    s.table(PAY_RUNS)
        .doc("A payroll period close: collects unpaid ledger entries into pay run items and exports them.")
        .tenant_scoped()
        .id_tagged("pay_run")
        .col("period_start", date())
        .col("period_end", date())
        .currency("currency")
        .amounts(&["total_amount"])
        .col("approved_at", timestamptz().null())
        .col("status", enum_of(RUN_STATUS).default_enum("queued"))
        .check("period_order", "period_end >= period_start")
        .audited();

    s.table(PAY_RUN_ITEMS)
        .doc("One resource's total in a pay run, with the ledger entries it settles.")
        .tenant_scoped()
        .id_tagged("pay_run_item")
        .tenant_ref("pay_run_id", PAY_RUNS)
        .tenant_ref("resource_id", RESOURCES)
        .col("gross_amount", money())
        .amounts(&["deductions_amount"])
        .col("net_amount", money())
        .currency("currency")
        .col(
            "ledger_entry_ids",
            array(text()).default_sql("'{}'::text[]"),
        )
        .unique(["biz_id", "pay_run_id", "resource_id"])
        .audited();
}
