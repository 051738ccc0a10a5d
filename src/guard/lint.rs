//! Seam for `SG4xx`: the SQL safety lint of migration files (locks, rewrites, destructive or
//! might-fail statements), reserved for the engineer writing `src/sql/split.rs`.
//!
//! The plan: split each migration file with `crate::sql::split` (statements with their byte
//! spans), run `SG4xx` rules per statement with the file's [`super::migrations::MigrationCx`],
//! and register them in [`super::rules::ALL`] as `Check::Migrations` rules so levels,
//! suppressions, output formats and STYLE_GUIDE.md work unchanged. No splitter lives here on
//! purpose: one splitter for the whole tool.

/// The code family the SQL lint uses.
pub const FAMILY_PREFIX: &str = "SG4";
