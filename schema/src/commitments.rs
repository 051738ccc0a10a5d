//! Commitments and secured settlements: assurance contracts, obligations, release milestones,
//! secured-balance accounts with an immutable ledger, allocations, and claims.

use crate::fulfillment::{BOOKING_ORDERS, FULFILLMENT_UNITS};
use crate::payments::PAYMENT_TRANSACTIONS;
use crate::users::USERS;
use schemactl::prelude::*;

pub const COMMITMENT_CONTRACTS: TableRef = TableRef::new("commitment_contracts");
pub const COMMITMENT_OBLIGATIONS: TableRef = TableRef::new("commitment_obligations");
pub const COMMITMENT_MILESTONES: TableRef = TableRef::new("commitment_milestones");
pub const SECURED_BALANCE_ACCOUNTS: TableRef = TableRef::new("secured_balance_accounts");
pub const SECURED_BALANCE_LEDGER_ENTRIES: TableRef =
    TableRef::new("secured_balance_ledger_entries");
pub const SECURED_BALANCE_ALLOCATIONS: TableRef = TableRef::new("secured_balance_allocations");
pub const COMMITMENT_CLAIMS: TableRef = TableRef::new("commitment_claims");
pub const COMMITMENT_CLAIM_EVENTS: TableRef = TableRef::new("commitment_claim_events");

const CONTRACT_TYPE: EnumDef = EnumDef::new(
    "commitment_contract_type",
    &[
        "deposit",
        "escrow",
        "retainer",
        "security_deposit",
        "performance_bond",
    ],
);
const CONTRACT_STATUS: EnumDef = EnumDef::new(
    "commitment_contract_status",
    &[
        "draft",
        "active",
        "fulfilled",
        "breached",
        "cancelled",
        "closed",
    ],
);
const OBLIGATION_PARTY: EnumDef =
    EnumDef::new("obligation_party", &["biz", "customer", "third_party"]);
const OBLIGATION_STATUS: EnumDef =
    EnumDef::new("obligation_status", &["pending", "met", "missed", "waived"]);
const MILESTONE_STATUS: EnumDef = EnumDef::new(
    "milestone_status",
    &["pending", "reached", "released", "cancelled"],
);
const SECURED_ENTRY_TYPE: EnumDef = EnumDef::new(
    "secured_entry_type",
    &["fund", "hold", "release", "forfeit", "refund", "adjustment"],
);
const CLAIM_STATUS: EnumDef = EnumDef::new(
    "claim_status",
    &[
        "filed",
        "under_review",
        "approved",
        "partially_approved",
        "rejected",
        "withdrawn",
    ],
);
const CLAIM_EVENT_TYPE: EnumDef = EnumDef::new(
    "claim_event_type",
    &[
        "filed",
        "evidence_added",
        "responded",
        "decided",
        "appealed",
        "closed",
    ],
);

pub fn declare(s: &mut SchemaBuilder) {
    s.domain("commitments");

    s.table(COMMITMENT_CONTRACTS)
        .doc("A generic assurance contract (deposit, escrow, retainer, security deposit) securing an order's obligations between biz and customer.")
        .tenant_scoped()
        .id_tagged("commitment")
        .col("type", enum_of(CONTRACT_TYPE))
        .tenant_ref_opt("booking_order_id", BOOKING_ORDERS)
        .references("counterparty_user_id", USERS, text().null())
        .col("secured_amount", money())
        .currency("currency")
        .col("terms", jsonb().default_sql("'{}'::jsonb"))
        .col("status", enum_of(CONTRACT_STATUS).default_enum("draft"))
        .check("secured_amount_positive", "secured_amount > 0")
        .audited();

    s.table(COMMITMENT_OBLIGATIONS)
        .doc("Something a party must do under a commitment (return equipment undamaged, deliver by a date).")
        .tenant_scoped()
        .id_tagged("obligation")
        .tenant_ref("contract_id", COMMITMENT_CONTRACTS)
        .col("party", enum_of(OBLIGATION_PARTY))
        .col("description", text())
        .col("due_at", timestamptz().null())
        .tenant_ref_opt("fulfillment_unit_id", FULFILLMENT_UNITS)
        .col("status", enum_of(OBLIGATION_STATUS).default_enum("pending"))
        .audited();

    s.table(COMMITMENT_MILESTONES)
        .doc("A release milestone: when reached, part of the secured balance is released.")
        .tenant_scoped()
        .id_tagged("milestone")
        .tenant_ref("contract_id", COMMITMENT_CONTRACTS)
        .col("sequence", integer())
        .col("description", text())
        .col("release_amount", money())
        .currency("currency")
        .col("reached_at", timestamptz().null())
        .col("status", enum_of(MILESTONE_STATUS).default_enum("pending"))
        .check("release_amount_positive", "release_amount > 0")
        .unique(["biz_id", "contract_id", "sequence"])
        .audited();

    s.table(SECURED_BALANCE_ACCOUNTS)
        .doc("The held balance of a commitment contract; its balance is a cache of the secured ledger.")
        .tenant_scoped()
        .id_tagged("secured_account")
        .tenant_ref("contract_id", COMMITMENT_CONTRACTS)
        .amounts(&["balance"])
        .currency("currency")
        .col("is_active", boolean().default_bool(true))
        .unique(["biz_id", "contract_id", "currency"])
        .audited();

    s.table(SECURED_BALANCE_LEDGER_ENTRIES)
        .doc("Immutable secured ledger: funding, holds, releases, forfeits and refunds of a secured balance, each tied to the payment transaction that moved money.")
        .tenant_scoped()
        .id_tagged("secured_entry")
        .tenant_ref("account_id", SECURED_BALANCE_ACCOUNTS)
        .col("type", enum_of(SECURED_ENTRY_TYPE))
        .col("amount", money())
        .currency("currency")
        .tenant_ref_opt("payment_transaction_id", PAYMENT_TRANSACTIONS)
        .tenant_ref_opt("milestone_id", COMMITMENT_MILESTONES)
        .col("occurred_at", timestamptz().default_now())
        .check("amount_non_zero", "amount <> 0")
        .recorded()
        .append_only();

    s.table(SECURED_BALANCE_ALLOCATIONS)
        .doc("Allocation lineage: which part of a funding entry a later release or forfeit consumed, so every unit of secured money is traceable.")
        .tenant_scoped()
        .id_tagged("secured_alloc")
        .tenant_ref("source_entry_id", SECURED_BALANCE_LEDGER_ENTRIES)
        .tenant_ref("target_entry_id", SECURED_BALANCE_LEDGER_ENTRIES)
        .col("amount", money())
        .currency("currency")
        .no_self_loop("source_entry_id", "target_entry_id")
        .check("amount_positive", "amount > 0")
        .recorded()
        .append_only();

    s.table(COMMITMENT_CLAIMS)
        .doc("A claim against a secured balance (damage, no-show, non-delivery) and its decision.")
        .tenant_scoped()
        .id_tagged("claim")
        .tenant_ref("contract_id", COMMITMENT_CONTRACTS)
        .tenant_ref_opt("obligation_id", COMMITMENT_OBLIGATIONS)
        .references("claimant_user_id", USERS, text().null())
        .col("claimed_amount", money())
        .col("approved_amount", money().null())
        .currency("currency")
        .col("reason", text())
        .col("status", enum_of(CLAIM_STATUS).default_enum("filed"))
        .check("claimed_positive", "claimed_amount > 0")
        .check("approved_within_claim", "approved_amount IS NULL OR (approved_amount >= 0 AND approved_amount <= claimed_amount)")
        .audited();

    s.table(COMMITMENT_CLAIM_EVENTS)
        .doc("Immutable dispute/claim timeline: filings, evidence, responses, decisions and appeals.")
        .tenant_scoped()
        .id_tagged("claim_event")
        .tenant_ref("claim_id", COMMITMENT_CLAIMS)
        .col("type", enum_of(CLAIM_EVENT_TYPE))
        .references("actor_user_id", USERS, text().null())
        .col("body", text().null())
        .col("attachments", jsonb().default_sql("'[]'::jsonb"))
        .col("occurred_at", timestamptz().default_now())
        .recorded()
        .append_only();
}
