//! Applying migrations to a real database, safely.
//!
//! The folder is checked against its sum file first, then every applied migration against its
//! file. Each pending file runs in its own transaction together with its tracking row, so a
//! crash leaves the database at the old or the new state of that file and the tracking table
//! agrees. A `-- schemactl:no-transaction` file runs statement by statement and records its
//! progress after each one, so a failed or killed run resumes at the statement that did not
//! finish. Concurrent runs serialize on a lock (an advisory lock on PostgreSQL, an immediate
//! write lock on SQLite) and re-read the tracking table once they hold it.

pub(crate) mod postgres_driver;
pub(crate) mod sqlite_driver;
pub mod target;

use crate::diag::{Diagnostic, Diagnostics};
use crate::migrate::{MigrationDir, MigrationFile};
use crate::model::Origin;
use crate::sql::split::{split_unparsed, SqlScript};
use serde::Serialize;
use std::time::{Duration, Instant};
pub use target::Target;

pub const TRACKING_TABLE: &str = "schemactl_migrations";

/// A row of the tracking table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AppliedMigration {
    pub version: u64,
    pub name: String,
    pub checksum: String,
    pub applied_at: String,
    /// For a no-transaction file that stopped part-way: how many statements completed.
    pub statements_done: Option<u32>,
}

/// What a run records about a file.
#[derive(Debug, Clone)]
pub struct Record<'a> {
    pub file: &'a MigrationFile,
    pub duration_ms: i64,
    pub applied_by: String,
}

/// A statement that failed, with what the database said.
#[derive(Debug, Clone)]
pub struct StatementFailure {
    /// Index of the statement in its file.
    pub index: usize,
    pub message: String,
    /// 1-based line in the file of the error (the statement's line, or the exact line when the
    /// database gave a position).
    pub line: u32,
    /// The connection is gone (terminated, network): nothing more can run.
    pub connection_lost: bool,
}

/// The operations `apply` needs from a database.
pub trait Driver {
    /// Takes the run-wide lock, waiting up to `timeout`.
    fn lock(&mut self, timeout: Duration) -> Result<(), Diagnostic>;
    fn unlock(&mut self);
    fn ensure_tracking_table(&mut self) -> Result<(), Diagnostic>;
    fn applied(&mut self) -> Result<Vec<AppliedMigration>, Diagnostic>;
    /// Runs every statement and records the file, in one transaction. Returns false when
    /// another run recorded the file first (the work was rolled back, nothing was done twice).
    fn run_in_transaction(
        &mut self,
        script: &SqlScript,
        record: &Record,
    ) -> Result<bool, StatementFailure>;
    /// Runs one statement outside a transaction and records `done` statements of progress.
    fn run_step(
        &mut self,
        script: &SqlScript,
        index: usize,
        record: &Record,
        complete: bool,
    ) -> Result<(), StatementFailure>;
    /// Records files as applied without running them (`--baseline`).
    fn record_baseline(
        &mut self,
        files: &[&MigrationFile],
        applied_by: &str,
    ) -> Result<(), Diagnostic>;
}

/// Opens the database a target names.
pub fn connect(target: &Target, connect_timeout: Duration) -> Result<Box<dyn Driver>, Diagnostic> {
    match target {
        Target::Postgres(_) => Ok(Box::new(postgres_driver::PgDriver::connect(
            target,
            connect_timeout,
        )?)),
        Target::Sqlite(path) => Ok(Box::new(sqlite_driver::SqliteDriver::open(path)?)),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Applied,
    Pending,
    /// A no-transaction file that stopped part-way; the next apply resumes it.
    Partial,
    /// Applied, but the file changed since.
    Modified,
    /// Applied, but the file is gone.
    Missing,
    /// Not applied, but a later version is: it was added out of order.
    OutOfOrder,
}

#[derive(Debug, Clone, Serialize)]
pub struct StatusRow {
    pub version: u64,
    pub name: String,
    pub state: State,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub applied_at: Option<String>,
}

/// Compares the folder with the tracking table.
pub fn status(dir: &MigrationDir, applied: &[AppliedMigration]) -> Vec<StatusRow> {
    let max_applied = applied
        .iter()
        .filter(|a| a.statements_done.is_none())
        .map(|a| a.version)
        .max();
    let mut rows: Vec<StatusRow> = dir
        .files
        .iter()
        .map(|f| {
            let record = applied.iter().find(|a| a.version == f.version);
            let state = match record {
                Some(a) if a.checksum != f.checksum => State::Modified,
                Some(a) if a.statements_done.is_some() => State::Partial,
                Some(_) => State::Applied,
                None if max_applied.is_some_and(|m| m > f.version) => State::OutOfOrder,
                None => State::Pending,
            };
            StatusRow {
                version: f.version,
                name: f.file_name.clone(),
                state,
                applied_at: record.map(|a| a.applied_at.clone()),
            }
        })
        .collect();
    for a in applied {
        if !dir.files.iter().any(|f| f.version == a.version) {
            rows.push(StatusRow {
                version: a.version,
                name: format!("{:04}_{}.sql", a.version, a.name),
                state: State::Missing,
                applied_at: Some(a.applied_at.clone()),
            });
        }
    }
    rows.sort_by_key(|r| r.version);
    rows
}

#[derive(Debug, Clone, Default)]
pub struct ApplyOptions {
    pub to: Option<u64>,
    pub baseline: Option<u64>,
    pub dry_run: bool,
    pub lock_timeout: Duration,
    pub allow_modified: bool,
    pub allow_missing: bool,
    pub allow_out_of_order: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct AppliedFile {
    pub version: u64,
    pub name: String,
    pub duration_ms: i64,
    /// Statements run in this run (a resumed no-transaction file runs only the rest).
    pub statements: usize,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct ApplyReport {
    pub target: String,
    pub applied: Vec<AppliedFile>,
    /// Files this run would apply (dry run) or found already applied by a concurrent run.
    pub skipped: Vec<String>,
    pub baselined: Vec<String>,
    pub dry_run_sql: Option<String>,
    pub version: Option<u64>,
}

/// Progress lines for humans; the CLI prints them on stderr.
pub trait Progress {
    fn starting(&mut self, file: &MigrationFile, resume_at: usize, total: usize);
    fn finished(&mut self, file: &MigrationFile, elapsed: Duration);
}

/// Progress nobody watches: runs on scratch databases.
pub struct Silent;

impl Progress for Silent {
    fn starting(&mut self, _: &MigrationFile, _: usize, _: usize) {}
    fn finished(&mut self, _: &MigrationFile, _: Duration) {}
}

/// Loads, checks and splits the folder: everything that needs no database.
pub fn prepare(
    dir: &MigrationDir,
    dialect: crate::dialect::DialectKind,
) -> Result<Vec<SqlScript>, Diagnostics> {
    let tampered = dir.verify();
    if !tampered.is_empty() {
        return Err(Diagnostics(tampered));
    }
    // Statements the parser cannot read still run: the database is the judge of its own SQL.
    Ok(dir
        .files
        .iter()
        .map(|f| split_unparsed(&f.sql, dialect))
        .collect())
}

/// Applies pending migrations. The caller has connected; this takes and releases the lock.
pub fn apply(
    db: &mut dyn Driver,
    target: &Target,
    dir: &MigrationDir,
    scripts: &[SqlScript],
    opts: &ApplyOptions,
    progress: &mut dyn Progress,
) -> Result<ApplyReport, Diagnostics> {
    db.lock(opts.lock_timeout).map_err(Diagnostics::from)?;
    let result = apply_locked(db, target, dir, scripts, opts, progress);
    db.unlock();
    result
}

fn applied_by() -> String {
    let user = std::env::var("USER").unwrap_or_else(|_| "unknown".into());
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_default();
    if host.is_empty() {
        user
    } else {
        format!("{user}@{host}")
    }
}

fn apply_locked(
    db: &mut dyn Driver,
    target: &Target,
    dir: &MigrationDir,
    scripts: &[SqlScript],
    opts: &ApplyOptions,
    progress: &mut dyn Progress,
) -> Result<ApplyReport, Diagnostics> {
    db.ensure_tracking_table().map_err(Diagnostics::from)?;
    let applied = db.applied().map_err(Diagnostics::from)?;
    let mut report = ApplyReport {
        target: target.display(),
        ..ApplyReport::default()
    };
    let by = applied_by();

    if let Some(baseline) = opts.baseline {
        if !applied.is_empty() {
            return Err(Diagnostic::error(
                "apply::baseline-on-tracked",
                "--baseline is only for a database schemactl has never applied to",
            )
            .help("this database already has a tracking table with rows; drop --baseline")
            .into());
        }
        if !dir.files.iter().any(|f| f.version == baseline) {
            return Err(Diagnostic::error(
                "apply::bad-baseline",
                format!("--baseline {baseline} names no migration in the folder"),
            )
            .into());
        }
        let files: Vec<&MigrationFile> =
            dir.files.iter().filter(|f| f.version <= baseline).collect();
        if !opts.dry_run {
            db.record_baseline(&files, &by).map_err(Diagnostics::from)?;
        }
        report.baselined = files.iter().map(|f| f.file_name.clone()).collect();
        return finish(db, dir, scripts, opts, progress, report, &by);
    }

    let problems = refusals(dir, &applied, opts);
    if !problems.is_empty() {
        return Err(Diagnostics(problems));
    }
    finish(db, dir, scripts, opts, progress, report, &by)
}

/// Why apply must not run: edited, missing or out-of-order migrations, unless overridden.
fn refusals(
    dir: &MigrationDir,
    applied: &[AppliedMigration],
    opts: &ApplyOptions,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for row in status(dir, applied) {
        let file = dir.files.iter().find(|f| f.version == row.version);
        let at = |d: Diagnostic| match file {
            Some(f) => d.at(&Origin {
                file: f.path.display().to_string(),
                line: 1,
                column: 1,
            }),
            None => d,
        };
        match row.state {
            State::Modified if !opts.allow_modified => out.push(at(Diagnostic::error(
                "apply::modified",
                format!("`{}` was applied at {} and has been edited since (its checksum differs)", row.name, row.applied_at.clone().unwrap_or_default()),
            )
            .help("restore the applied version and put the change in a new migration (--allow-modified skips this check)"))),
            State::Missing if !opts.allow_missing => out.push(
                Diagnostic::error("apply::missing", format!("`{}` was applied to this database but is missing from the folder", row.name))
                    .help("restore the file from version control (--allow-missing skips this check)"),
            ),
            State::OutOfOrder if !opts.allow_out_of_order => out.push(at(Diagnostic::error(
                "apply::out-of-order",
                format!("`{}` is not applied, but later migrations are: it was added out of order", row.name),
            )
            .help("renumber it after the last applied migration and rehash, or pass --allow-out-of-order"))),
            _ => {}
        }
    }
    out
}

fn finish(
    db: &mut dyn Driver,
    dir: &MigrationDir,
    scripts: &[SqlScript],
    opts: &ApplyOptions,
    progress: &mut dyn Progress,
    mut report: ApplyReport,
    by: &str,
) -> Result<ApplyReport, Diagnostics> {
    let applied = db.applied().map_err(Diagnostics::from)?;
    let mut dry_sql = String::new();
    for (file, script) in dir.files.iter().zip(scripts) {
        if opts.to.is_some_and(|to| file.version > to) {
            break;
        }
        let record = applied.iter().find(|a| a.version == file.version);
        let resume_at = match record {
            Some(a) => match a.statements_done {
                Some(done) => done as usize,
                None => continue,
            },
            None => 0,
        };
        if report.baselined.contains(&file.file_name) {
            continue;
        }
        if opts.dry_run {
            dry_sql.push_str(&format!(
                "-- {} ({})\n",
                file.file_name,
                if script.no_transaction {
                    "no transaction"
                } else {
                    "one transaction"
                }
            ));
            for s in &script.statements[resume_at.min(script.statements.len())..] {
                dry_sql.push_str(&s.text);
                dry_sql.push_str(";\n");
            }
            dry_sql.push('\n');
            report.skipped.push(file.file_name.clone());
            continue;
        }
        let total = script.statements.len();
        progress.starting(file, resume_at, total);
        let start = Instant::now();
        let mut rec = Record {
            file,
            duration_ms: 0,
            applied_by: by.to_string(),
        };
        let outcome = if !script.no_transaction {
            db.run_in_transaction(script, &rec)
        } else if resume_at >= total {
            // Nothing left to run (an empty file, or every statement done): mark it complete.
            db.run_step(script, total, &rec, true).map(|_| true)
        } else {
            let mut result = Ok(true);
            for i in resume_at..total {
                rec.duration_ms = start.elapsed().as_millis() as i64;
                if let Err(e) = db.run_step(script, i, &rec, i + 1 == total) {
                    result = Err(e);
                    break;
                }
            }
            result
        };
        match outcome {
            Ok(true) => {
                progress.finished(file, start.elapsed());
                report.applied.push(AppliedFile {
                    version: file.version,
                    name: file.file_name.clone(),
                    duration_ms: start.elapsed().as_millis() as i64,
                    statements: total - resume_at,
                });
            }
            Ok(false) => report.skipped.push(file.file_name.clone()),
            Err(f) => return Err(failure(file, script, &f, &report).into()),
        }
    }
    if opts.dry_run {
        report.dry_run_sql = Some(dry_sql);
    }
    report.version = db.applied().ok().and_then(|a| {
        a.iter()
            .filter(|r| r.statements_done.is_none())
            .map(|r| r.version)
            .max()
    });
    Ok(report)
}

fn failure(
    file: &MigrationFile,
    script: &SqlScript,
    f: &StatementFailure,
    report: &ApplyReport,
) -> Diagnostic {
    let kept = if report.applied.is_empty() {
        String::new()
    } else {
        format!(
            " The {} migration(s) before it were applied and kept.",
            report.applied.len()
        )
    };
    let (what, help) = if f.connection_lost {
        (
            "the connection to the database was lost".to_string(),
            format!("nothing of `{}` was kept unless it is a no-transaction file, whose finished statements are recorded; run apply again to resume.{kept}", file.file_name),
        )
    } else if script.no_transaction {
        (
            "a statement failed".to_string(),
            format!("the statements before it stay applied and recorded; fix the statement, rehash (`schemactl migrations rehash`) and apply again to resume at it.{kept}"),
        )
    } else {
        (
            "a statement failed".to_string(),
            format!("`{}` was rolled back completely; fix it, rehash (`schemactl migrations rehash`) and apply again.{kept}", file.file_name),
        )
    };
    let stmt_no = f.index + 1;
    Diagnostic::error(
        "apply::failed",
        format!(
            "{} while applying `{}` (statement {stmt_no}): {}",
            what, file.file_name, f.message
        ),
    )
    .at(&Origin {
        file: file.path.display().to_string(),
        line: f.line,
        column: 1,
    })
    .help(help)
}

/// The line in the file of byte `position` (1-based, in characters as PostgreSQL counts)
/// within a statement that starts at `line`.
pub fn line_of_position(text: &str, line: u32, position: usize) -> u32 {
    let upto: usize = text
        .char_indices()
        .nth(position.saturating_sub(1))
        .map_or(text.len(), |(i, _)| i);
    line + text[..upto].matches('\n').count() as u32
}
