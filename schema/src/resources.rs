//! Resources: the schedulable supply pivot over hosts, company hosts, assets and venues.

use crate::assets::ASSETS;
use crate::enums::{CONFLICT_POLICY, LIFECYCLE_STATUS, RESOURCE_TYPE};
use crate::group_accounts::GROUP_ACCOUNTS;
use crate::locations::LOCATIONS;
use crate::users::USERS;
use crate::venues::VENUES;
use schemactl::prelude::*;

pub const RESOURCE_STATUS_DEFINITIONS: TableRef = TableRef::new("resource_status_definitions");
pub const RESOURCES: TableRef = TableRef::new("resources");
pub const RESOURCE_RATES: TableRef = TableRef::new("resource_rates");
pub const RESOURCE_BLACKOUTS: TableRef = TableRef::new("resource_blackouts");

const RESOURCE_STATUS_CATEGORY: EnumDef = EnumDef::new(
    "resource_status_category",
    &["available", "limited", "unavailable", "retired"],
);
const RATE_UNIT: EnumDef = EnumDef::new(
    "rate_unit",
    &["per_minute", "per_hour", "per_day", "per_booking"],
);

pub fn declare(s: &mut SchemaBuilder) {
    s.domain("resources");

    s.table(RESOURCE_STATUS_DEFINITIONS)
        .doc("Biz-defined operational states of resources (In service, Under repair...), each mapped to a fixed category the scheduler understands.")
        .tenant_scoped()
        .id_tagged("resource_status")
        .col("key", text())
        .col("name", text())
        .col("category", enum_of(RESOURCE_STATUS_CATEGORY))
        .col("is_schedulable", boolean().default_bool(true))
        .col("status", enum_of(LIFECYCLE_STATUS).default_enum("active"))
        .unique(["biz_id", "key"])
        .audited();

    s.table(RESOURCES)
        .doc("Schedulable supply pivot: exactly one live row wraps each host user, group account (company host), asset or venue, so scheduling identity is deterministic. Capacity, overlap policy and buffers live here, not on the wrapped rows.")
        .tenant_scoped()
        .id_tagged("resource")
        .col("type", enum_of(RESOURCE_TYPE))
        .col("name", text())
        .col("slug", text())
        .references("host_user_id", USERS, text().null())
        .tenant_ref_opt("group_account_id", GROUP_ACCOUNTS)
        .tenant_ref_opt("asset_id", ASSETS)
        .tenant_ref_opt("venue_id", VENUES)
        .tenant_ref_opt("location_id", LOCATIONS)
        .tenant_ref_opt("status_definition_id", RESOURCE_STATUS_DEFINITIONS)
        .col("capacity", integer().default_int(1))
        .col("conflict_policy", enum_of(CONFLICT_POLICY).default_enum("enforce_no_overlap"))
        .col("buffer_before_minutes", integer().default_int(0))
        .col("buffer_after_minutes", integer().default_int(0))
        .col("timezone", text().null())
        .exactly_one_by(
            "type",
            &[
                ("host", "host_user_id"),
                ("company_host", "group_account_id"),
                ("asset", "asset_id"),
                ("venue", "venue_id"),
            ],
        )
        .one_live_wrapper("host_user_id", "type = 'host'")
        .one_live_wrapper("group_account_id", "type = 'company_host'")
        .one_live_wrapper("asset_id", "type = 'asset'")
        .one_live_wrapper("venue_id", "type = 'venue'")
        .unique(["biz_id", "slug"])
        .check("capacity_positive", "capacity > 0")
        .check("buffers_non_negative", "buffer_before_minutes >= 0 AND buffer_after_minutes >= 0")
        .audited();

    s.table(RESOURCE_RATES)
        .doc("A price for time on a resource (court at 40/hour, van at 120/day); sold through a sellable via sellable_resource_rates.")
        .tenant_scoped()
        .id_tagged("resource_rate")
        .tenant_ref("resource_id", RESOURCES)
        .col("name", text())
        .col("unit", enum_of(RATE_UNIT))
        .col("amount", money())
        .currency("currency")
        .col("min_units", integer().default_int(1))
        .window("effective_from", "effective_until", Window::OpenEnded)
        .col("status", enum_of(LIFECYCLE_STATUS).default_enum("active"))
        .check("amount_non_negative", "amount >= 0")
        .check("min_units_positive", "min_units > 0")
        .audited();

    s.table(RESOURCE_BLACKOUTS)
        .doc("A period a resource cannot be booked at all (maintenance, vacation), beyond calendar overlays; the scheduler subtracts it from availability.")
        .tenant_scoped()
        .id_tagged("blackout")
        .tenant_ref("resource_id", RESOURCES)
        .window("starts_at", "ends_at", Window::Closed)
        .col("reason", text().null())
        .audited();
}
