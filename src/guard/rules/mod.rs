//! Every guard rule but the SQL lint's, one file each (the SQL rules, SG4xx, live in
//! `guard/lint/` and register there). Add a rule: write `rules/<name>.rs` with `INFO`, `check`
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

use super::{Check, Rule};

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

/// The schema, graph and folder rules, in code order (the SQL rules register in
/// [`super::lint::RULES`]).
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
    schema(distribution_unique::INFO, distribution_unique::check),
    schema(distribution_fk::INFO, distribution_fk::check),
    schema(
        reference_to_distributed::INFO,
        reference_to_distributed::check,
    ),
    schema(distribution_exclusion::INFO, distribution_exclusion::check),
    schema(distribution_placement::INFO, distribution_placement::check),
];
