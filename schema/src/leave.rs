//! Staff leave: policies, balances, requests and the immutable leave ledger.

use crate::enums::{APPROVAL_STATUS, LIFECYCLE_STATUS};
use crate::resources::RESOURCES;
use crate::users::USERS;
use schemactl::prelude::*;

pub const LEAVE_POLICIES: TableRef = TableRef::new("leave_policies");
pub const LEAVE_BALANCES: TableRef = TableRef::new("leave_balances");
pub const LEAVE_REQUESTS: TableRef = TableRef::new("leave_requests");
pub const LEAVE_LEDGER_ENTRIES: TableRef = TableRef::new("leave_ledger_entries");

const LEAVE_KIND: EnumDef = EnumDef::new(
    "leave_kind",
    &[
        "vacation",
        "sick",
        "parental",
        "unpaid",
        "bereavement",
        "other",
    ],
);
const LEAVE_ENTRY_TYPE: EnumDef = EnumDef::new(
    "leave_entry_type",
    &["accrual", "taken", "adjustment", "carry_over", "expiry"],
);

pub fn declare(s: &mut SchemaBuilder) {
    s.domain("leave");

    s.table(LEAVE_POLICIES)
        .doc("A leave policy (vacation accrues 1.5 days a month, carry over up to 5) staff resources are enrolled in.")
        .tenant_scoped()
        .id_tagged("leave_policy")
        .col("kind", enum_of(LEAVE_KIND))
        .col("name", text())
        .col("accrual_hours_per_month", numeric(6, 2).default_number("0"))
        .col("max_carry_over_hours", numeric(6, 2).null())
        .col("status", enum_of(LIFECYCLE_STATUS).default_enum("active"))
        .audited();

    s.table(LEAVE_BALANCES)
        .doc("A resource's current balance under a leave policy; a cache of the leave ledger.")
        .tenant_scoped()
        .id_tagged("leave_balance")
        .tenant_ref("policy_id", LEAVE_POLICIES)
        .tenant_ref("resource_id", RESOURCES)
        .col("balance_hours", numeric(8, 2).default_number("0"))
        .col("as_of", timestamptz().default_now())
        .unique(["biz_id", "policy_id", "resource_id"])
        .audited();

    s.table(LEAVE_REQUESTS)
        .doc("A request for time off; when approved it blocks the resource's availability for the window.")
        .tenant_scoped()
        .id_tagged("leave_request")
        .tenant_ref("policy_id", LEAVE_POLICIES)
        .tenant_ref("resource_id", RESOURCES)
        .window("starts_at", "ends_at", Window::Closed)
        .col("hours_requested", numeric(8, 2))
        .col("reason", text().null())
        .references("decided_by_user_id", USERS, text().null())
        .col("status", enum_of(APPROVAL_STATUS).default_enum("pending"))
        .check("hours_positive", "hours_requested > 0")
        .audited();

    s.table(LEAVE_LEDGER_ENTRIES)
        .doc("Immutable leave ledger: accruals, leave taken, adjustments and expiries per resource and policy.")
        .tenant_scoped()
        .id_tagged("leave_entry")
        .tenant_ref("policy_id", LEAVE_POLICIES)
        .tenant_ref("resource_id", RESOURCES)
        .col("type", enum_of(LEAVE_ENTRY_TYPE))
        .col("hours_delta", numeric(8, 2))
        .tenant_ref_opt("leave_request_id", LEAVE_REQUESTS)
        .col("occurred_at", timestamptz().default_now())
        .check("delta_non_zero", "hours_delta <> 0")
        .recorded()
        .append_only();
}
