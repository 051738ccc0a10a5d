//! Adoption: bringing a project that another migration tool kept into schemactl.
//!
//! [`import`] reads a folder in another tool's layout (Diesel, sqlx, golang-migrate, dbmate,
//! Flyway, drizzle-kit, Atlas), orders it by that tool's own rule, reports every anomaly
//! with what was decided, and writes a schemactl folder and its sum with each file's SQL
//! unchanged. [`bookkeeping`] reads the old tool's tracking table in a live database and
//! says which migrations of the folder it already ran, for `apply --baseline auto` and
//! `import --database-url`.

pub use crate::apply::bookkeeping;
pub mod import;

pub use bookkeeping::{adopted_versions, Adoption};
pub use import::{detect, import_dir, write_import, Import, ImportedMigration, Layout};

use crate::apply::{self, ApplyOptions, ApplyReport, Target};
use crate::diag::Diagnostics;
use crate::migrate::MigrationDir;
use std::time::Duration;

/// Records in `target` the migrations of `dir` that another tool's tracking table says it
/// ran, and runs nothing: what `import --database-url` does after writing the folder. With
/// `check_only` the database is opened read-only and only the match is made (refusing with
/// the exact list when the database and the folder disagree).
pub fn adopt_database(
    target: &Target,
    dir: &MigrationDir,
    connect_timeout: Duration,
    check_only: bool,
) -> Result<ApplyReport, Diagnostics> {
    let scripts = apply::prepare(dir, target.dialect())?;
    let opts = ApplyOptions {
        baseline_auto: true,
        record_only: true,
        dry_run: check_only,
        lock_timeout: Duration::from_secs(60),
        ..ApplyOptions::default()
    };
    let mut db = if check_only {
        apply::connect_read_only(target, connect_timeout)
    } else {
        apply::connect(target, connect_timeout)
    }
    .map_err(Diagnostics::from)?;
    apply::apply(
        db.as_mut(),
        target,
        dir,
        &scripts,
        &opts,
        &mut apply::Silent,
    )
}
