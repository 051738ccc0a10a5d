//! Enterprise control plane: scopes, relationship graph, inheritance, delegation, intercompany
//! accounting, contract packs, identity providers, staged rollouts and executive facts.
//!
//! These tables are tenant-scoped to the biz that owns the enterprise network (the parent or
//! franchisor); scopes name the member bizes, locations or subjects a row applies to.

use crate::bizes::BIZES;
use crate::enums::{LIFECYCLE_STATUS, RUN_STATUS, SCOPE_KIND};
use crate::locations::LOCATIONS;
use crate::users::USERS;
use schemactl::prelude::*;

pub const ENTERPRISE_SCOPES: TableRef = TableRef::new("enterprise_scopes");
pub const ENTERPRISE_RELATIONSHIP_TEMPLATES: TableRef =
    TableRef::new("enterprise_relationship_templates");
pub const ENTERPRISE_RELATIONSHIPS: TableRef = TableRef::new("enterprise_relationships");
pub const ENTERPRISE_INHERITANCE_STRATEGIES: TableRef =
    TableRef::new("enterprise_inheritance_strategies");
pub const ENTERPRISE_INHERITANCE_RESOLUTIONS: TableRef =
    TableRef::new("enterprise_inheritance_resolutions");
pub const ENTERPRISE_ADMIN_DELEGATIONS: TableRef = TableRef::new("enterprise_admin_delegations");
pub const ENTERPRISE_APPROVAL_AUTHORITY_LIMITS: TableRef =
    TableRef::new("enterprise_approval_authority_limits");
pub const ENTERPRISE_INTERCOMPANY_ACCOUNTS: TableRef =
    TableRef::new("enterprise_intercompany_accounts");
pub const ENTERPRISE_INTERCOMPANY_ENTRIES: TableRef =
    TableRef::new("enterprise_intercompany_entries");
pub const ENTERPRISE_INTERCOMPANY_SETTLEMENT_RUNS: TableRef =
    TableRef::new("enterprise_intercompany_settlement_runs");
pub const ENTERPRISE_CONTRACT_PACK_TEMPLATES: TableRef =
    TableRef::new("enterprise_contract_pack_templates");
pub const ENTERPRISE_CONTRACT_PACK_VERSIONS: TableRef =
    TableRef::new("enterprise_contract_pack_versions");
pub const ENTERPRISE_CONTRACT_PACK_BINDINGS: TableRef =
    TableRef::new("enterprise_contract_pack_bindings");
pub const ENTERPRISE_IDENTITY_PROVIDERS: TableRef = TableRef::new("enterprise_identity_providers");
pub const ENTERPRISE_SCIM_SYNC_STATES: TableRef = TableRef::new("enterprise_scim_sync_states");
pub const ENTERPRISE_EXTERNAL_DIRECTORY_LINKS: TableRef =
    TableRef::new("enterprise_external_directory_links");
pub const ENTERPRISE_CHANGE_ROLLOUT_PROGRAMS: TableRef =
    TableRef::new("enterprise_change_rollout_programs");
pub const ENTERPRISE_CHANGE_ROLLOUT_TARGETS: TableRef =
    TableRef::new("enterprise_change_rollout_targets");
pub const ENTERPRISE_CHANGE_ROLLOUT_RESULTS: TableRef =
    TableRef::new("enterprise_change_rollout_results");
pub const FACT_ENTERPRISE_REVENUE_DAILY: TableRef = TableRef::new("fact_enterprise_revenue_daily");
pub const FACT_ENTERPRISE_UTILIZATION_DAILY: TableRef =
    TableRef::new("fact_enterprise_utilization_daily");

const RELATIONSHIP_KIND: EnumDef = EnumDef::new(
    "enterprise_relationship_kind",
    &[
        "parent_subsidiary",
        "franchisor_franchisee",
        "region_member",
        "shared_service",
        "partner",
    ],
);
const RELATIONSHIP_STATUS: EnumDef = EnumDef::new(
    "enterprise_relationship_status",
    &["proposed", "active", "suspended", "terminated"],
);
const INHERITANCE_MODE: EnumDef = EnumDef::new(
    "inheritance_mode",
    &["enforce", "default_overridable", "suggest", "none"],
);
const INTERCOMPANY_ENTRY_TYPE: EnumDef = EnumDef::new(
    "intercompany_entry_type",
    &[
        "royalty",
        "shared_service_fee",
        "transfer",
        "reimbursement",
        "adjustment",
    ],
);
const IDP_PROTOCOL: EnumDef = EnumDef::new("idp_protocol", &["saml", "oidc"]);
const ROLLOUT_WAVE_STATUS: EnumDef = EnumDef::new(
    "rollout_target_status",
    &[
        "pending",
        "applying",
        "applied",
        "failed",
        "rolled_back",
        "skipped",
    ],
);
const ROLLOUT_PROGRAM_STATUS: EnumDef = EnumDef::new(
    "rollout_program_status",
    &[
        "draft",
        "scheduled",
        "in_progress",
        "paused",
        "completed",
        "aborted",
    ],
);

pub fn declare(s: &mut SchemaBuilder) {
    s.domain("enterprise");

    s.table(ENTERPRISE_SCOPES)
        .doc("The shared \"where does this apply?\" primitive: the whole network, one member biz, one location, or a custom subject. Every enterprise module points at a scope instead of carrying its own scope columns.")
        .tenant_scoped()
        .id_tagged("ent_scope")
        .col("kind", enum_of(SCOPE_KIND))
        .references("target_biz_id", BIZES, text().null())
        .tenant_ref_opt("location_id", LOCATIONS)
        .subject_ref("custom", true)
        .col("label", text())
        .check(
            "kind_shape",
            "(kind = 'network' AND target_biz_id IS NULL AND location_id IS NULL AND custom_subject_id IS NULL) \
             OR (kind = 'biz' AND target_biz_id IS NOT NULL AND location_id IS NULL AND custom_subject_id IS NULL) \
             OR (kind = 'location' AND target_biz_id IS NULL AND location_id IS NOT NULL AND custom_subject_id IS NULL) \
             OR (kind = 'custom_subject' AND target_biz_id IS NULL AND location_id IS NULL AND custom_subject_id IS NOT NULL)",
        )
        .audited();

    s.table(ENTERPRISE_RELATIONSHIP_TEMPLATES)
        .doc("A kind of relationship a network uses (franchise agreement, regional membership) with its default terms.")
        .tenant_scoped()
        .id_tagged("ent_rel_template")
        .col("kind", enum_of(RELATIONSHIP_KIND))
        .col("name", text())
        .col("default_terms", jsonb().default_sql("'{}'::jsonb"))
        .col("status", enum_of(LIFECYCLE_STATUS).default_enum("active"))
        .audited();

    s.table(ENTERPRISE_RELATIONSHIPS)
        .doc("An edge of the enterprise topology: the owning biz relates to a member biz under a template (parent, franchise, region, shared service).")
        .tenant_scoped()
        .id_tagged("ent_rel")
        .tenant_ref("template_id", ENTERPRISE_RELATIONSHIP_TEMPLATES)
        .references("member_biz_id", BIZES, text())
        .window("effective_from", "effective_until", Window::OpenEnded)
        .col("status", enum_of(RELATIONSHIP_STATUS).default_enum("proposed"))
        .check("not_self", "member_biz_id <> biz_id")
        .unique_where(["biz_id", "member_biz_id", "template_id"], "deleted_at IS NULL")
        .audited();

    s.table(ENTERPRISE_INHERITANCE_STRATEGIES)
        .doc("How a setting namespace flows from the network to members within a scope: enforced, overridable default, or suggestion.")
        .tenant_scoped()
        .id_tagged("ent_inherit")
        .tenant_ref("scope_id", ENTERPRISE_SCOPES)
        .col("setting_namespace", text())
        .col("mode", enum_of(INHERITANCE_MODE))
        .col("value", jsonb())
        .col("priority", integer().default_int(0))
        .col("is_active", boolean().default_bool(true))
        .unique(["biz_id", "scope_id", "setting_namespace"])
        .audited();

    s.table(ENTERPRISE_INHERITANCE_RESOLUTIONS)
        .doc("A replayable snapshot of the resolved setting for a member after global->local override evaluation.")
        .tenant_scoped()
        .id_tagged("ent_resolution")
        .tenant_ref("strategy_id", ENTERPRISE_INHERITANCE_STRATEGIES)
        .references("member_biz_id", BIZES, text())
        .col("resolved_value", jsonb())
        .col("inputs_hash", text())
        .col("resolved_at", timestamptz().default_now())
        .recorded()
        .append_only();

    s.table(ENTERPRISE_ADMIN_DELEGATIONS)
        .doc("Delegated administration: a user may administer a scope with listed permissions until an expiry.")
        .tenant_scoped()
        .id_tagged("ent_delegation")
        .tenant_ref("scope_id", ENTERPRISE_SCOPES)
        .references("delegate_user_id", USERS, text())
        .col("permissions", array(text()))
        .window("starts_at", "ends_at", Window::OpenEnded)
        .col("is_active", boolean().default_bool(true))
        .audited();

    s.table(ENTERPRISE_APPROVAL_AUTHORITY_LIMITS)
        .doc("An approval cap: up to what amount a role or user may approve an action within a scope.")
        .tenant_scoped()
        .id_tagged("ent_authority")
        .tenant_ref("scope_id", ENTERPRISE_SCOPES)
        .references("user_id", USERS, text().null())
        .col("role_key", text().null())
        .col("action_key", text())
        .col("max_amount", money())
        .currency("currency")
        .col("is_active", boolean().default_bool(true))
        .check("has_holder", "(user_id IS NOT NULL)::int + (role_key IS NOT NULL)::int = 1")
        .check("max_amount_positive", "max_amount > 0")
        .audited();

    s.table(ENTERPRISE_INTERCOMPANY_ACCOUNTS)
        .doc("A due-to/due-from account between the owning biz and a counterparty member biz.")
        .tenant_scoped()
        .id_tagged("ic_account")
        .references("counterparty_biz_id", BIZES, text())
        .col("name", text())
        .currency("currency")
        .col("is_active", boolean().default_bool(true))
        .check("not_self", "counterparty_biz_id <> biz_id")
        .unique(["biz_id", "counterparty_biz_id", "currency"])
        .audited();

    s.table(ENTERPRISE_INTERCOMPANY_SETTLEMENT_RUNS)
        .doc("A periodic settlement of intercompany balances, netting entries into transfers.")
        .tenant_scoped()
        .id_tagged("ic_settlement")
        .col("period_start", date())
        .col("period_end", date())
        .amounts(&["net_amount"])
        .currency("currency")
        .col("status", enum_of(RUN_STATUS).default_enum("queued"))
        .check("period_order", "period_end >= period_start")
        .audited();

    s.table(ENTERPRISE_INTERCOMPANY_ENTRIES)
        .doc("Immutable finance-grade trace of one cross-biz charge (royalty, shared-service fee, transfer) on an intercompany account.")
        .tenant_scoped()
        .id_tagged("ic_entry")
        .tenant_ref("account_id", ENTERPRISE_INTERCOMPANY_ACCOUNTS)
        .col("type", enum_of(INTERCOMPANY_ENTRY_TYPE))
        .col("amount", money())
        .currency("currency")
        .col("source_ref", text().null())
        .tenant_ref_opt("settlement_run_id", ENTERPRISE_INTERCOMPANY_SETTLEMENT_RUNS)
        .col("occurred_at", timestamptz().default_now())
        .check("amount_non_zero", "amount <> 0")
        .recorded()
        .append_only();

    s.table(ENTERPRISE_CONTRACT_PACK_TEMPLATES)
        .doc("A standard bundle of policies and commercial terms (franchise agreement pack, brand standards) the network rolls out.")
        .tenant_scoped()
        .id_tagged("contract_pack")
        .col("key", text())
        .col("name", text())
        .col("status", enum_of(LIFECYCLE_STATUS).default_enum("draft"))
        .unique(["biz_id", "key"])
        .audited();

    s.table(ENTERPRISE_CONTRACT_PACK_VERSIONS)
        .doc("An immutable-once-published version of a contract pack's contents.")
        .tenant_scoped()
        .id_tagged("contract_pack_version")
        .tenant_ref("template_id", ENTERPRISE_CONTRACT_PACK_TEMPLATES)
        .col("version", integer())
        .col("contents", jsonb())
        .col("published_at", timestamptz().null())
        .unique(["biz_id", "template_id", "version"])
        .audited();

    s.table(ENTERPRISE_CONTRACT_PACK_BINDINGS)
        .doc("Applies a contract pack version to a scope, with scoped exceptions, without duplicating scope columns.")
        .tenant_scoped()
        .id_tagged("contract_binding")
        .tenant_ref("version_id", ENTERPRISE_CONTRACT_PACK_VERSIONS)
        .tenant_ref("scope_id", ENTERPRISE_SCOPES)
        .col("exceptions", jsonb().default_sql("'{}'::jsonb"))
        .window("effective_from", "effective_until", Window::OpenEnded)
        .col("is_active", boolean().default_bool(true))
        .audited();

    s.table(ENTERPRISE_IDENTITY_PROVIDERS)
        .doc("An SSO identity provider (SAML/OIDC) for the network's staff, with verified email domains.")
        .tenant_scoped()
        .id_tagged("idp")
        .col("protocol", enum_of(IDP_PROTOCOL))
        .col("name", text())
        .col("issuer", text())
        .col("metadata", jsonb())
        .col("email_domains", array(text()).default_sql("'{}'::text[]"))
        .col("status", enum_of(LIFECYCLE_STATUS).default_enum("draft"))
        .unique(["biz_id", "issuer"])
        .audited();

    s.table(ENTERPRISE_SCIM_SYNC_STATES)
        .doc("SCIM provisioning state of an identity provider: token reference, cursor and last result.")
        .tenant_scoped()
        .id_tagged("scim_state")
        .tenant_ref("identity_provider_id", ENTERPRISE_IDENTITY_PROVIDERS)
        .col("token_ref", text())
        .col("cursor", text().null())
        .col("last_synced_at", timestamptz().null())
        .col("last_error", text().null())
        .col("status", enum_of(RUN_STATUS).default_enum("queued"))
        .unique(["biz_id", "identity_provider_id"])
        .audited();

    s.table(ENTERPRISE_EXTERNAL_DIRECTORY_LINKS)
        .doc("Maps an external directory identity (SCIM user/group) to a Bizing user, for lifecycle provisioning.")
        .tenant_scoped()
        .id_tagged("directory_link")
        .tenant_ref("identity_provider_id", ENTERPRISE_IDENTITY_PROVIDERS)
        .col("external_id", text())
        .references("user_id", USERS, text())
        .col("external_groups", array(text()).default_sql("'{}'::text[]"))
        .col("is_active", boolean().default_bool(true))
        .unique(["biz_id", "identity_provider_id", "external_id"])
        .audited();

    s.table(ENTERPRISE_CHANGE_ROLLOUT_PROGRAMS)
        .doc("A staged change across a large network (new price book, policy update) rolled out in waves with a halt threshold.")
        .tenant_scoped()
        .id_tagged("rollout")
        .col("name", text())
        .col("change_payload", jsonb())
        .col("failure_threshold_pct", numeric(5, 2).default_number("5"))
        .col("scheduled_at", timestamptz().null())
        .col("status", enum_of(ROLLOUT_PROGRAM_STATUS).default_enum("draft"))
        .audited();

    s.table(ENTERPRISE_CHANGE_ROLLOUT_TARGETS)
        .doc("One scope in a rollout program's wave plan.")
        .tenant_scoped()
        .id_tagged("rollout_target")
        .tenant_ref("program_id", ENTERPRISE_CHANGE_ROLLOUT_PROGRAMS)
        .tenant_ref("scope_id", ENTERPRISE_SCOPES)
        .col("wave", integer())
        .col(
            "status",
            enum_of(ROLLOUT_WAVE_STATUS).default_enum("pending"),
        )
        .check("wave_positive", "wave > 0")
        .unique(["biz_id", "program_id", "scope_id"])
        .audited();

    s.table(ENTERPRISE_CHANGE_ROLLOUT_RESULTS)
        .doc("Immutable outcome of applying a rollout to a target (applied, failed, rolled back) with diagnostics.")
        .tenant_scoped()
        .id_tagged("rollout_result")
        .tenant_ref("target_id", ENTERPRISE_CHANGE_ROLLOUT_TARGETS)
        .col("outcome", enum_of(ROLLOUT_WAVE_STATUS))
        .col("details", jsonb().default_sql("'{}'::jsonb"))
        .col("occurred_at", timestamptz().default_now())
        .recorded()
        .append_only();

    s.table(FACT_ENTERPRISE_REVENUE_DAILY)
        .doc("Read-model fact: revenue per member biz per day for executive reporting, rebuilt from payment ledgers.")
        .tenant_scoped()
        .id_tagged("fact_ent_rev")
        .references("member_biz_id", BIZES, text())
        .col("day", date())
        .amounts(&["gross_amount", "refund_amount", "net_amount"])
        .currency("currency")
        .col("order_count", integer().default_int(0))
        .col("refreshed_at", timestamptz().default_now())
        .unique(["biz_id", "member_biz_id", "day", "currency"])
        .audited();

    s.table(FACT_ENTERPRISE_UTILIZATION_DAILY)
        .doc("Read-model fact: booked versus available resource hours per member biz per day.")
        .tenant_scoped()
        .id_tagged("fact_ent_util")
        .references("member_biz_id", BIZES, text())
        .col("day", date())
        .col("available_hours", numeric(10, 2).default_number("0"))
        .col("booked_hours", numeric(10, 2).default_number("0"))
        .col("refreshed_at", timestamptz().default_now())
        .check(
            "hours_non_negative",
            "available_hours >= 0 AND booked_hours >= 0",
        )
        .unique(["biz_id", "member_biz_id", "day"])
        .audited();
}
