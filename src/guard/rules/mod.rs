//! Every guard rule, one file each (the SQL lint rules, SG4xx, live in `guard/lint/`). Add a rule: write `rules/<name>.rs` with `INFO`, `check`
//! and tests, list it in [`ALL`], and regenerate STYLE_GUIDE.md (`SCHEMACTL_BLESS=1 cargo test
//! -p schemactl --lib guard::docs`).

pub mod audit_columns;
pub mod classifier_typed;
pub mod distribution_exclusion;
pub mod distribution_fk;
pub mod distribution_placement;
pub mod distribution_unique;
pub mod domain_layering;
pub mod duplicate_version;
pub mod edited_migration;
pub mod fk_cycle;
pub mod fk_index;
pub mod fk_target_key;
pub mod folder_replay;
pub mod identifier_length;
pub mod migration_file_name;
pub mod migration_order;
pub mod missing_migration;
pub mod money_numeric;
pub mod naming;
pub mod polymorphic_shape;
pub mod reference_to_distributed;
pub mod required_columns;
pub mod schema_not_migrated;
pub mod single_lifecycle;
pub mod sum_file;
pub mod suppression;
pub mod table_documented;
pub mod tenant_boundary;
pub mod tenant_safe_fk;
pub mod timestamptz;
pub mod unlisted_migration;
pub mod unreachable_table;

use super::lint::{self as sql, SqlCheck};
use super::{Check, Rule};

const fn lint(info: super::RuleInfo, check: SqlCheck) -> Rule {
    Rule {
        info,
        check: Check::Sql(check),
    }
}

const fn schema(info: super::RuleInfo, check: super::SchemaCheck) -> Rule {
    Rule {
        info,
        check: Check::Schema(check),
    }
}

const fn folder(info: super::RuleInfo, check: super::MigrationCheck) -> Rule {
    Rule {
        info,
        check: Check::Migrations(check),
    }
}

/// The registry, in code order.
pub const ALL: &[Rule] = &[
    Rule {
        info: suppression::INFO,
        check: Check::Meta,
    },
    schema(tenant_boundary::INFO, tenant_boundary::check),
    schema(tenant_safe_fk::INFO, tenant_safe_fk::check),
    schema(single_lifecycle::INFO, single_lifecycle::check),
    schema(classifier_typed::INFO, classifier_typed::check),
    schema(audit_columns::INFO, audit_columns::check),
    schema(required_columns::INFO, required_columns::check),
    schema(table_documented::INFO, table_documented::check),
    schema(polymorphic_shape::INFO, polymorphic_shape::check),
    schema(money_numeric::INFO, money_numeric::check),
    schema(timestamptz::INFO, timestamptz::check),
    schema(fk_index::INFO, fk_index::check),
    schema(naming::INFO, naming::check),
    schema(identifier_length::INFO, identifier_length::check),
    schema(fk_cycle::INFO, fk_cycle::check),
    schema(fk_target_key::INFO, fk_target_key::check),
    schema(domain_layering::INFO, domain_layering::check),
    schema(unreachable_table::INFO, unreachable_table::check),
    folder(sum_file::INFO, sum_file::check),
    folder(edited_migration::INFO, edited_migration::check),
    folder(missing_migration::INFO, missing_migration::check),
    folder(unlisted_migration::INFO, unlisted_migration::check),
    folder(duplicate_version::INFO, duplicate_version::check),
    folder(migration_order::INFO, migration_order::check),
    folder(migration_file_name::INFO, migration_file_name::check),
    folder(schema_not_migrated::INFO, schema_not_migrated::check),
    folder(folder_replay::INFO, folder_replay::check),
    lint(sql::suppression::INFO, sql::suppression::check),
    lint(sql::unparseable::INFO, sql::unparseable::check),
    lint(
        sql::index_not_concurrent::INFO,
        sql::index_not_concurrent::check,
    ),
    lint(
        sql::concurrently_in_transaction::INFO,
        sql::concurrently_in_transaction::check,
    ),
    lint(sql::check_not_valid::INFO, sql::check_not_valid::check),
    lint(
        sql::foreign_key_not_valid::INFO,
        sql::foreign_key_not_valid::check,
    ),
    lint(
        sql::unique_on_existing_table::INFO,
        sql::unique_on_existing_table::check,
    ),
    lint(sql::set_not_null::INFO, sql::set_not_null::check),
    lint(
        sql::not_null_column_without_default::INFO,
        sql::not_null_column_without_default::check,
    ),
    lint(
        sql::column_type_change::INFO,
        sql::column_type_change::check,
    ),
    lint(sql::volatile_default::INFO, sql::volatile_default::check),
    lint(sql::destructive_drop::INFO, sql::destructive_drop::check),
    lint(sql::rename::INFO, sql::rename::check),
    lint(
        sql::enum_value_in_transaction::INFO,
        sql::enum_value_in_transaction::check,
    ),
    lint(sql::lock_timeout::INFO, sql::lock_timeout::check),
    lint(
        sql::identifier_too_long::INFO,
        sql::identifier_too_long::check,
    ),
    lint(sql::prefer_text::INFO, sql::prefer_text::check),
    lint(
        sql::prefer_timestamptz::INFO,
        sql::prefer_timestamptz::check,
    ),
    lint(sql::prefer_bigint::INFO, sql::prefer_bigint::check),
    lint(sql::dynamic_sql::INFO, sql::dynamic_sql::check),
    lint(
        sql::migration_time_default::INFO,
        sql::migration_time_default::check,
    ),
    lint(sql::bind_parameter::INFO, sql::bind_parameter::check),
    lint(
        sql::transaction_control::INFO,
        sql::transaction_control::check,
    ),
    schema(distribution_unique::INFO, distribution_unique::check),
    schema(distribution_fk::INFO, distribution_fk::check),
    schema(
        reference_to_distributed::INFO,
        reference_to_distributed::check,
    ),
    schema(distribution_exclusion::INFO, distribution_exclusion::check),
    schema(distribution_placement::INFO, distribution_placement::check),
];
