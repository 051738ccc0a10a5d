//! Applying migrations to a real database, safely.
//!
//! The folder is checked against its sum file first, then every applied migration against its
//! file. Each pending file runs in its own transaction together with its tracking row, so a
//! crash leaves the database at the old or the new state of that file and the tracking table
//! agrees. A `-- schemactl:no-transaction` file runs statement by statement and records its
//! progress after each one, so a failed or killed run resumes at the statement that did not
//! finish. Concurrent runs serialize on a lock (an advisory lock on PostgreSQL, an immediate
//! write lock on SQLite) and re-read the tracking table once they hold it.
//!
//! While a no-transaction file is part-way, its tracking row records how many statements ran
//! (`statements_done`) and, in `checksum`, a checksum of those statements' text
//! (`statements-sha256:...`), not of the file: the statements after them may then be fixed
//! (and the folder rehashed) and the run resumed, while an edit to a statement that already
//! ran is refused. A `BEGIN ... COMMIT` block in such a file runs as one transaction, its
//! progress recorded inside it. A dry run, `status`, `drift` and `diff` only read: they open
//! SQLite files read-only and PostgreSQL sessions read-only, and never create the tracking
//! table (a database without one has nothing applied yet).

pub mod bookkeeping;
pub(crate) mod postgres_driver;
pub(crate) mod sqlite_driver;
pub mod target;
pub mod tracking;

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

impl AppliedMigration {
    /// Whether the row records the whole file (a no-transaction file that stopped part-way
    /// is recorded, but not complete).
    pub fn is_complete(&self) -> bool {
        self.statements_done.is_none()
    }
}

/// The last version applied whole.
pub fn last_complete(applied: &[AppliedMigration]) -> Option<u64> {
    applied
        .iter()
        .filter(|a| a.is_complete())
        .map(|a| a.version)
        .max()
}

/// The versions `target` has applied whole, read on a read-only connection. A database
/// schemactl never migrated has no tracking table: none.
pub fn complete_versions(target: &Target, timeout: Duration) -> Result<Vec<u64>, Diagnostics> {
    let mut db = connect_read_only(target, timeout).map_err(Diagnostics::from)?;
    Ok(db
        .applied()
        .map_err(Diagnostics::from)?
        .iter()
        .filter(|a| a.is_complete())
        .map(|a| a.version)
        .collect())
}

/// What a run records about a file.
#[derive(Debug, Clone)]
pub struct Record<'a> {
    pub file: &'a MigrationFile,
    pub duration_ms: i64,
    pub applied_by: String,
    /// The checksum the row records: the file's once it is complete, the statements' that ran
    /// while a no-transaction file is part-way ([`statements_checksum`]).
    pub checksum: String,
}

impl<'a> Record<'a> {
    pub fn new(file: &'a MigrationFile, applied_by: &str) -> Self {
        Record {
            file,
            duration_ms: 0,
            applied_by: applied_by.to_string(),
            checksum: file.checksum.clone(),
        }
    }
}

/// The prefix a part-way row's checksum carries.
pub const STATEMENTS_CHECKSUM_PREFIX: &str = "statements-sha256:";

/// The checksum of the first `n` statements of a script, by their text: what a part-way
/// no-transaction file records, so a fix to the statements after them is accepted.
pub fn statements_checksum(script: &SqlScript, n: usize) -> String {
    let mut h = StatementsHasher::default();
    for st in script.statements.iter().take(n) {
        h.add(st);
    }
    h.value()
}

/// [`statements_checksum`] built one statement at a time.
#[derive(Clone, Default)]
struct StatementsHasher(sha2::Sha256);

impl StatementsHasher {
    fn add(&mut self, st: &crate::sql::split::SqlStatement) {
        use sha2::Digest;
        self.0.update(st.text.as_bytes());
        self.0.update(b";\n");
    }

    fn value(&self) -> String {
        use sha2::Digest;
        let digest = self.0.clone().finalize();
        let mut s = String::from(STATEMENTS_CHECKSUM_PREFIX);
        for b in digest {
            s.push_str(&format!("{b:02x}"));
        }
        s
    }
}

/// A statement that failed, with what the database said.
#[derive(Debug, Clone)]
pub struct StatementFailure {
    /// Index of the statement in its file, when known (a file sent whole whose connection
    /// dropped cannot say which statement was running).
    pub index: Option<usize>,
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
    /// Runs a read-only query and returns its rows with every value as text (NULL as None,
    /// bytes as lowercase hex): how another tool's tracking table is read.
    fn rows(&mut self, sql: &str) -> Result<Vec<Vec<Option<String>>>, Diagnostic>;
    fn applied(&mut self) -> Result<Vec<AppliedMigration>, Diagnostic>;
    /// Runs every statement and records the file, in one transaction. Returns false when
    /// another run recorded the file first (the work was rolled back, nothing was done twice).
    fn run_in_transaction(
        &mut self,
        script: &SqlScript,
        record: &Record,
    ) -> Result<bool, StatementFailure>;
    /// Runs one statement outside a transaction and records `index + 1` statements of
    /// progress (or the file as complete).
    fn run_step(
        &mut self,
        script: &SqlScript,
        index: usize,
        record: &Record,
        complete: bool,
    ) -> Result<(), StatementFailure>;
    /// Runs a no-transaction file's `BEGIN ... COMMIT` block (`block` spans both) as the one
    /// transaction it says, with its progress recorded inside it: all of it or none.
    fn run_block(
        &mut self,
        script: &SqlScript,
        block: std::ops::Range<usize>,
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

/// Opens the database a target names, to migrate it.
pub fn connect(target: &Target, connect_timeout: Duration) -> Result<Box<dyn Driver>, Diagnostic> {
    match target {
        Target::Postgres(_) => Ok(Box::new(postgres_driver::PgDriver::connect(
            target,
            connect_timeout,
        )?)),
        Target::Sqlite(path) => Ok(Box::new(sqlite_driver::SqliteDriver::open(path)?)),
    }
}

/// Opens the database a target names, only to read it: a SQLite file must exist and is opened
/// read-only; PostgreSQL sessions are read-only. Nothing on the target changes.
pub fn connect_read_only(
    target: &Target,
    connect_timeout: Duration,
) -> Result<Box<dyn Driver>, Diagnostic> {
    match target {
        Target::Postgres(_) => Ok(Box::new(postgres_driver::PgDriver::connect(
            &target.read_only(),
            connect_timeout,
        )?)),
        Target::Sqlite(path) => Ok(Box::new(sqlite_driver::SqliteDriver::open_read_only(path)?)),
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
    /// Applied (or part-way) under another file name with the same version.
    Renamed,
}

#[derive(Debug, Clone, Serialize)]
pub struct StatusRow {
    pub version: u64,
    pub name: String,
    pub state: State,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub applied_at: Option<String>,
}

/// Compares the folder with the tracking table. `dialect` splits the files that stopped
/// part-way, whose finished statements are compared rather than the whole file.
pub fn status(
    dir: &MigrationDir,
    applied: &[AppliedMigration],
    dialect: crate::dialect::DialectKind,
) -> Vec<StatusRow> {
    let max_applied = last_complete(applied);
    let mut rows: Vec<StatusRow> = dir
        .files
        .iter()
        .map(|f| {
            let record = applied.iter().find(|a| a.version == f.version);
            let state = match record {
                Some(a) if !same_content(a, f, dialect) => State::Modified,
                Some(a) if a.name != f.name => State::Renamed,
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
                name: recorded_file_name(a),
                state: State::Missing,
                applied_at: Some(a.applied_at.clone()),
            });
        }
    }
    rows.sort_by_key(|r| r.version);
    rows
}

/// The file name a tracking row stands for.
fn recorded_file_name(a: &AppliedMigration) -> String {
    if a.name.is_empty() {
        format!("{:04}.sql", a.version)
    } else {
        format!("{:04}_{}.sql", a.version, a.name)
    }
}

/// Whether `f` still holds what `a` recorded: the whole file for a finished one; for a
/// no-transaction file that stopped part-way, the statements that ran (the rest may change).
fn same_content(
    a: &AppliedMigration,
    f: &MigrationFile,
    dialect: crate::dialect::DialectKind,
) -> bool {
    if a.checksum == f.checksum {
        return true;
    }
    let Some(done) = a.statements_done else {
        return false;
    };
    if !a.checksum.starts_with(STATEMENTS_CHECKSUM_PREFIX) {
        return false;
    }
    let script = script_of(f, dialect);
    script.no_transaction
        && script.statements.len() >= done as usize
        && statements_checksum(&script, done as usize) == a.checksum
}

#[derive(Debug, Clone, Default)]
pub struct ApplyOptions {
    pub to: Option<u64>,
    pub baseline: Option<u64>,
    /// `--baseline auto`: the baseline is what another tool's tracking table says it ran
    /// (see [`bookkeeping`]).
    pub baseline_auto: bool,
    /// Record the baseline and run nothing (`import --database-url`).
    pub record_only: bool,
    /// Change nothing: the caller connected read-only ([`connect_read_only`]); no lock is
    /// taken and no tracking table created.
    pub dry_run: bool,
    pub lock_timeout: Duration,
    pub allow_modified: bool,
    pub allow_missing: bool,
    pub allow_out_of_order: bool,
    /// The target is a scratch database (drift, diff, generate): failures say so, and that
    /// no live database was touched.
    pub scratch: bool,
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
    /// What `--baseline auto` read: the old tool and its table.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub adopted: Option<bookkeeping::Adoption>,
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
    Ok(dir.files.iter().map(|f| script_of(f, dialect)).collect())
}

/// A file's statements as apply runs them. A leading byte-order mark (editors on Windows
/// write one) is not SQL: neither server accepts it, so it is left out of the first statement
/// (the checksum still covers the file's bytes as they are).
fn script_of(f: &MigrationFile, dialect: crate::dialect::DialectKind) -> SqlScript {
    split_unparsed(f.sql.strip_prefix('\u{feff}').unwrap_or(&f.sql), dialect)
}

/// Checks `--to` and `--baseline` against the folder, before anything connects: each must
/// name a file's version (`apply` itself also takes a `to` between versions, as scratch runs
/// up to what a database applied do).
pub fn check_options(dir: &MigrationDir, opts: &ApplyOptions) -> Result<(), Diagnostics> {
    let versions = || match (dir.files.first(), dir.files.last()) {
        (Some(a), Some(b)) if a.version != b.version => {
            format!("the folder has versions {} to {}", a.version, b.version)
        }
        (Some(a), _) => format!("the folder has only version {}", a.version),
        _ => "the folder has no migrations".to_string(),
    };
    let mut out = Vec::new();
    for (flag, v) in [("--to", opts.to), ("--baseline", opts.baseline)] {
        if let Some(v) = v {
            if !dir.files.iter().any(|f| f.version == v) {
                out.push(
                    Diagnostic::error(
                        "apply::bad-version",
                        format!("{flag} {v} names no migration in the folder"),
                    )
                    .help(format!(
                        "{}; give the version of one of its files (the number its name starts with)",
                        versions()
                    )),
                );
            }
        }
    }
    if let (Some(to), Some(baseline)) = (opts.to, opts.baseline) {
        if to < baseline {
            out.push(
                Diagnostic::error(
                    "apply::bad-version",
                    format!("--to {to} is below --baseline {baseline}: the baseline alone records more than --to allows"),
                )
                .help("--baseline records versions up to it as applied, --to then applies up to its version: give a --to at or above the baseline, or leave one out"),
            );
        }
    }
    if out.is_empty() {
        Ok(())
    } else {
        Err(Diagnostics(out))
    }
}

/// A transaction-control statement, by its leading words (apply parses nothing).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TxControl {
    Begin,
    Commit,
    Rollback,
    /// Two-phase commit or `AND CHAIN`: nothing a migration should do.
    Unsupported,
}

fn tx_control(text: &str) -> Option<TxControl> {
    let words: Vec<String> = text
        .split(|c: char| c.is_whitespace() || c == ';')
        .filter(|w| !w.is_empty())
        .take(4)
        .map(|w| w.to_ascii_lowercase())
        .collect();
    let first = words.first()?.as_str();
    let has = |w: &str| words.iter().skip(1).any(|x| x == w);
    let chained = has("chain") && !has("no");
    match first {
        "begin" => Some(TxControl::Begin),
        "start" if has("transaction") => Some(TxControl::Begin),
        "commit" | "end" if has("prepared") || chained => Some(TxControl::Unsupported),
        "commit" | "end" => Some(TxControl::Commit),
        // `ROLLBACK TO [SAVEPOINT] x` stays inside the transaction.
        "rollback" | "abort" if has("to") => None,
        "rollback" | "abort" if has("prepared") || chained => Some(TxControl::Unsupported),
        "rollback" | "abort" => Some(TxControl::Rollback),
        "prepare" if has("transaction") => Some(TxControl::Unsupported),
        _ => None,
    }
}

/// What a no-transaction file runs as: single statements, and `BEGIN ... COMMIT` blocks as
/// one transaction each (as ranges over the statements, COMMIT included).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Unit {
    Statement(usize),
    Block(std::ops::Range<usize>),
}

/// How `file` runs, or why it cannot: a transactional file must not hold transaction control
/// (its own transaction includes the tracking row); a no-transaction file's blocks must be
/// whole and not nested.
fn units(file: &MigrationFile, script: &SqlScript) -> Result<Vec<Unit>, Diagnostic> {
    let at = |line: u32| Origin {
        file: file.path.display().to_string().into(),
        line,
        column: 1,
    };
    let err = |line: u32, msg: String, help: &str| {
        Diagnostic::error("apply::transaction-control", msg)
            .at(&at(line))
            .help(help.to_string())
    };
    let mut out = Vec::new();
    let mut open: Option<usize> = None;
    for (i, st) in script.statements.iter().enumerate() {
        let Some(kind) = tx_control(&st.text) else {
            if open.is_none() {
                out.push(Unit::Statement(i));
            }
            continue;
        };
        let words = st.leading_words(2);
        if !script.no_transaction {
            return Err(err(
                st.line,
                format!("`{}` runs in one transaction together with its tracking row, so it cannot hold its own `{words}` (line {})", file.file_name, st.line),
                "remove the transaction control and let schemactl's transaction hold the file; or put `-- schemactl:no-transaction` at its top, which runs the file statement by statement and each BEGIN ... COMMIT block in it as one transaction",
            ));
        }
        match (kind, open) {
            (TxControl::Begin, None) => open = Some(i),
            (TxControl::Begin, Some(b)) => {
                return Err(err(
                    st.line,
                    format!("`{words}` at line {} opens a transaction inside the one opened at line {}", st.line, script.statements[b].line),
                    "close the first block with COMMIT before the next BEGIN",
                ))
            }
            (TxControl::Commit, Some(b)) => {
                out.push(Unit::Block(b..i + 1));
                open = None;
            }
            (TxControl::Commit, None) | (TxControl::Rollback, None) => {
                return Err(err(
                    st.line,
                    format!("`{words}` at line {} ends a transaction no BEGIN opened", st.line),
                    "remove it, or open the block with BEGIN",
                ))
            }
            (TxControl::Rollback, Some(_)) => {
                return Err(err(
                    st.line,
                    format!("the block ends in `{words}` (line {}): everything in it would be undone on every run", st.line),
                    "end the block with COMMIT, or delete the block",
                ))
            }
            (TxControl::Unsupported, _) => {
                return Err(err(
                    st.line,
                    format!("`{}` (line {}) is not something a migration can do", st.leading_words(3), st.line),
                    "two-phase commit and AND CHAIN have no place in a migration: use BEGIN ... COMMIT",
                ))
            }
        }
    }
    if let Some(b) = open {
        let st = &script.statements[b];
        return Err(err(
            st.line,
            format!(
                "the `{}` at line {} has no COMMIT after it",
                st.leading_words(2),
                st.line
            ),
            "end the block with COMMIT; a block left open would be rolled back when the run ends",
        ));
    }
    Ok(out)
}

/// Directives apply does not understand: `-- schemactl: no-transaction` (with a space) is
/// one, and running such a file as a transactional one is exactly the mistake to stop.
fn unknown_directives(file: &MigrationFile, script: &SqlScript) -> Vec<Diagnostic> {
    script
        .stray_directives
        .iter()
        .filter_map(|d| match d {
            crate::sql::split::Directive::Unknown { text, line } => Some(
                Diagnostic::error(
                    "apply::unknown-directive",
                    format!(
                        "`{}` has a directive schemactl does not know: `-- {}`",
                        file.file_name,
                        crate::diag::truncate(text, 80)
                    ),
                )
                .at(&Origin {
                    file: file.path.display().to_string().into(),
                    line: *line,
                    column: 1,
                })
                .help("directives are written exactly `-- schemactl:no-transaction` or `-- schemactl:allow SG4xx <reason>` (no space after the colon); guard reports it as SG400"),
            ),
            _ => None,
        })
        .collect()
}

/// Applies pending migrations. The caller has connected; this takes and releases the lock
/// (a dry run takes none and changes nothing).
pub fn apply(
    db: &mut dyn Driver,
    target: &Target,
    dir: &MigrationDir,
    scripts: &[SqlScript],
    opts: &ApplyOptions,
    progress: &mut dyn Progress,
) -> Result<ApplyReport, Diagnostics> {
    if opts.dry_run {
        return apply_locked(db, target, dir, scripts, opts, progress);
    }
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
    // `--baseline auto` reads the other tool's table first: a refusal leaves no trace.
    if !opts.dry_run && !opts.baseline_auto {
        db.ensure_tracking_table().map_err(Diagnostics::from)?;
    }
    let applied = db.applied().map_err(Diagnostics::from)?;
    let mut report = ApplyReport {
        target: target.display(),
        ..ApplyReport::default()
    };
    let by = applied_by();

    let mut baseline = opts.baseline;
    if opts.baseline_auto {
        if !applied.is_empty() {
            return Err(Diagnostic::error(
                "apply::baseline-on-tracked",
                "--baseline auto is only for a database schemactl has never applied to",
            )
            .help("this database already has a tracking table with rows; drop --baseline")
            .into());
        }
        let backend = match target.dialect() {
            crate::dialect::DialectKind::Postgres => tracking::Backend::Postgres,
            crate::dialect::DialectKind::Sqlite => tracking::Backend::Sqlite,
        };
        let adoption = bookkeeping::adopted_versions(db, backend, dir, &target.display())?;
        baseline = adoption.baseline;
        report.adopted = Some(adoption);
        if !opts.dry_run {
            db.ensure_tracking_table().map_err(Diagnostics::from)?;
        }
    }
    if opts.record_only && baseline.is_none() {
        return Ok(report);
    }

    if let Some(baseline) = baseline {
        if !applied.is_empty() {
            return Err(Diagnostic::error(
                "apply::baseline-on-tracked",
                "--baseline is only for a database schemactl has never applied to",
            )
            .help("this database already has a tracking table with rows; drop --baseline")
            .into());
        }
        let files: Vec<&MigrationFile> =
            dir.files.iter().filter(|f| f.version <= baseline).collect();
        check_runnable(dir, scripts, &applied, opts, Some(baseline))?;
        if !opts.dry_run {
            db.record_baseline(&files, &by).map_err(Diagnostics::from)?;
        }
        report.baselined = files.iter().map(|f| f.file_name.clone()).collect();
        if opts.record_only {
            report.version = Some(baseline);
            return Ok(report);
        }
        return finish(db, dir, scripts, opts, progress, report, &by);
    }

    let problems = refusals(dir, &applied, opts, target.dialect());
    if !problems.is_empty() {
        return Err(Diagnostics(problems));
    }
    check_runnable(dir, scripts, &applied, opts, None)?;
    finish(db, dir, scripts, opts, progress, report, &by)
}

/// Every file this run would run must be runnable as written: known directives, whole
/// transaction blocks. Checked for all of them before the first one runs. A scratch replay
/// runs the history as it is (files a live database applied before these checks existed
/// included), so it is not refused there.
fn check_runnable(
    dir: &MigrationDir,
    scripts: &[SqlScript],
    applied: &[AppliedMigration],
    opts: &ApplyOptions,
    baseline: Option<u64>,
) -> Result<(), Diagnostics> {
    if opts.scratch {
        return Ok(());
    }
    let mut out = Vec::new();
    for (file, script) in dir.files.iter().zip(scripts) {
        let done = applied
            .iter()
            .any(|a| a.version == file.version && a.is_complete());
        if done
            || baseline.is_some_and(|b| file.version <= b)
            || opts.to.is_some_and(|to| file.version > to)
        {
            continue;
        }
        out.extend(unknown_directives(file, script));
        if let Err(d) = units(file, script) {
            out.push(d);
        }
    }
    if out.is_empty() {
        Ok(())
    } else {
        Err(Diagnostics(out))
    }
}

/// Why apply must not run: edited, renamed, missing or out-of-order migrations, unless
/// overridden.
fn refusals(
    dir: &MigrationDir,
    applied: &[AppliedMigration],
    opts: &ApplyOptions,
    dialect: crate::dialect::DialectKind,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for row in status(dir, applied, dialect) {
        let file = dir.files.iter().find(|f| f.version == row.version);
        let record = applied.iter().find(|a| a.version == row.version);
        let at = |d: Diagnostic| match file {
            Some(f) => d.at(&Origin {
                file: f.path.display().to_string().into(),
                line: 1,
                column: 1,
            }),
            None => d,
        };
        let when = row.applied_at.clone().unwrap_or_default();
        match row.state {
            State::Modified if !opts.allow_modified => {
                let partial = record.and_then(|a| a.statements_done);
                out.push(at(match partial {
                    Some(done) => Diagnostic::error(
                        "apply::modified",
                        format!("`{}` stopped after statement {done} (a no-transaction file, {when}), and the statements that already ran were edited since", row.name),
                    )
                    .help(format!("statements 1 to {done} ran as they were: restore them; only the statements after them may be fixed before the run resumes (--allow-modified resumes anyway)")),
                    None => Diagnostic::error(
                        "apply::modified",
                        format!("`{}` was applied at {when} and has been edited since (its checksum differs)", row.name),
                    )
                    .help("restore the applied version and put the change in a new migration (--allow-modified skips this check)"),
                }))
            }
            State::Renamed if !opts.allow_modified => out.push(at(Diagnostic::error(
                "apply::renamed",
                format!(
                    "`{}` was applied at {when} as `{}`: same version and content, another name",
                    row.name,
                    record.map(recorded_file_name).unwrap_or_default()
                ),
            )
            .help("an applied migration keeps its name: rename it back and rehash (`schemactl migrations rehash`), or pass --allow-modified"))),
            State::Missing if !opts.allow_missing => out.push(
                Diagnostic::error("apply::missing", format!("`{}` was applied to this database at {when} but is missing from the folder", row.name))
                    .help("restore the file from version control (--allow-missing skips this check)"),
            ),
            State::OutOfOrder if !opts.allow_out_of_order => out.push(at(Diagnostic::error(
                "apply::out-of-order",
                format!("`{}` is not applied, but later migrations are: it was added out of order", row.name),
            )
            .help("renumber it after the last applied migration and rehash (`schemactl migrations renumber FILE`), or pass --allow-out-of-order"))),
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
        if report.baselined.contains(&file.file_name) {
            continue;
        }
        let record = applied.iter().find(|a| a.version == file.version);
        let resume_at = match record {
            Some(a) => match a.statements_done {
                Some(done) => done as usize,
                None => continue,
            },
            None => 0,
        };
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
        let mut rec = Record::new(file, by);
        let outcome = if !script.no_transaction {
            db.run_in_transaction(script, &rec)
        } else if resume_at >= total {
            // Nothing left to run (an empty file, or every statement done): mark it complete.
            db.run_step(script, total, &rec, true).map(|_| true)
        } else {
            run_no_transaction(db, file, script, resume_at, &mut rec, start)
                .map_err(|e| *e)
                .map(|_| true)
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
            Err(f) => return Err(failure(file, script, &f, &report, opts).into()),
        }
    }
    if opts.dry_run {
        report.dry_run_sql = Some(dry_sql);
    }
    report.version = db.applied().ok().and_then(|a| last_complete(&a));
    Ok(report)
}

/// Runs a no-transaction file from statement `resume_at`: statement by statement, each block
/// as one transaction, progress recorded after each with the checksum of what ran.
fn run_no_transaction(
    db: &mut dyn Driver,
    file: &MigrationFile,
    script: &SqlScript,
    resume_at: usize,
    rec: &mut Record,
    start: Instant,
) -> Result<(), Box<StatementFailure>> {
    let total = script.statements.len();
    let plan = units(file, script).map_err(|d| {
        Box::new(StatementFailure {
            index: None,
            message: d.message,
            line: d.location.map_or(1, |l| l.line),
            connection_lost: false,
        })
    })?;
    let mut hasher = StatementsHasher::default();
    for st in &script.statements[..resume_at] {
        hasher.add(st);
    }
    let mut hashed = resume_at;
    for unit in plan {
        let range = match &unit {
            Unit::Statement(i) => *i..*i + 1,
            Unit::Block(r) => r.clone(),
        };
        // Progress from an older run may stop inside a block only if the block was added
        // since; such a block runs whole again from its start.
        if range.end <= resume_at {
            continue;
        }
        for st in &script.statements[hashed.max(range.start)..range.end] {
            hasher.add(st);
        }
        hashed = range.end;
        let complete = range.end == total;
        rec.duration_ms = start.elapsed().as_millis() as i64;
        rec.checksum = if complete {
            file.checksum.clone()
        } else {
            hasher.value()
        };
        let result = match unit {
            Unit::Statement(i) => db.run_step(script, i, rec, complete),
            Unit::Block(r) => db.run_block(script, r, rec, complete),
        };
        result.map_err(Box::new)?;
    }
    Ok(())
}

fn failure(
    file: &MigrationFile,
    script: &SqlScript,
    f: &StatementFailure,
    report: &ApplyReport,
    opts: &ApplyOptions,
) -> Diagnostic {
    let kept = if report.applied.is_empty() || opts.scratch {
        String::new()
    } else {
        format!(
            " The {} migration(s) before it were applied and kept.",
            report.applied.len()
        )
    };
    let where_ = match f.index {
        Some(i) => format!(" (statement {})", i + 1),
        None => String::new(),
    };
    if opts.scratch {
        return Diagnostic::error(
            "apply::failed",
            format!(
                "`{}` fails when the migrations are replayed on a scratch database{where_}: {}",
                file.file_name, f.message
            ),
        )
        .at(&Origin {
            file: file.path.display().to_string().into(),
            line: f.line,
            column: 1,
        })
        .help("the migrations do not run on a fresh database as they are; the scratch database is dropped and no live database was changed");
    }
    let (what, help) = if f.connection_lost {
        (
            "the connection to the database was lost".to_string(),
            format!("nothing of `{}` was kept unless it is a no-transaction file, whose finished statements are recorded; run apply again to resume.{kept}", file.file_name),
        )
    } else if script.no_transaction {
        (
            "a statement failed".to_string(),
            format!("the statements before it stay applied and recorded; fix this statement or the ones after it (not those that ran), rehash (`schemactl migrations rehash`) and apply again to resume at it.{kept}"),
        )
    } else {
        (
            "a statement failed".to_string(),
            format!("`{}` was rolled back completely; fix it, rehash (`schemactl migrations rehash`) and apply again.{kept}", file.file_name),
        )
    };
    Diagnostic::error(
        "apply::failed",
        format!(
            "{} while applying `{}`{where_}: {}",
            what, file.file_name, f.message
        ),
    )
    .at(&Origin {
        file: file.path.display().to_string().into(),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dialect::DialectKind;

    fn file(name: &str, sql: &str) -> MigrationFile {
        let (version, n) = crate::migrate::parse_file_name(name).unwrap();
        MigrationFile {
            version,
            name: n,
            file_name: name.into(),
            path: name.into(),
            sql: sql.into(),
            checksum: crate::migrate::checksum(sql.as_bytes()),
        }
    }

    fn units_of(sql: &str) -> Result<Vec<Unit>, String> {
        let f = file("0001_x.sql", sql);
        units(&f, &split_unparsed(sql, DialectKind::Postgres)).map_err(|d| d.message)
    }

    #[test]
    fn blocks_in_no_transaction_files_run_whole() {
        let sql = "-- schemactl:no-transaction\nCREATE INDEX CONCURRENTLY i ON t (a);\nBEGIN;\nCREATE TABLE a (id int);\nINSERT INTO a VALUES (1);\nCOMMIT;\nSELECT 1;\n";
        assert_eq!(
            units_of(sql).unwrap(),
            vec![Unit::Statement(0), Unit::Block(1..5), Unit::Statement(5)]
        );
        let savepoints = "-- schemactl:no-transaction\nSTART TRANSACTION ISOLATION LEVEL SERIALIZABLE;\nSAVEPOINT s;\nROLLBACK TO SAVEPOINT s;\nEND;\n";
        assert_eq!(units_of(savepoints).unwrap(), vec![Unit::Block(0..4)]);
    }

    #[test]
    fn broken_blocks_and_transaction_control_in_transactional_files_are_refused() {
        let nt = "-- schemactl:no-transaction\n";
        for (sql, want) in [
            (
                format!("{nt}BEGIN;\nCREATE TABLE a (id int);\n"),
                "has no COMMIT",
            ),
            (
                format!("{nt}BEGIN;\nBEGIN;\nCOMMIT;\n"),
                "inside the one opened",
            ),
            (format!("{nt}COMMIT;\n"), "no BEGIN opened"),
            (
                format!("{nt}BEGIN;\nSELECT 1;\nROLLBACK;\n"),
                "undone on every run",
            ),
            (
                format!("{nt}BEGIN;\nCOMMIT AND CHAIN;\n"),
                "not something a migration can do",
            ),
            (
                format!("{nt}PREPARE TRANSACTION 'x';\n"),
                "not something a migration can do",
            ),
            (
                "BEGIN;\nCREATE TABLE a (id int);\nCOMMIT;\n".to_string(),
                "cannot hold its own `BEGIN`",
            ),
        ] {
            let e = units_of(&sql).unwrap_err();
            assert!(e.contains(want), "{sql}: {e}");
        }
        assert!(units_of("CREATE TABLE a (id int);\nSAVEPOINT s;\nRELEASE s;\n").is_ok());
    }

    #[test]
    fn a_part_way_file_accepts_fixes_after_the_statements_that_ran() {
        let before = "-- schemactl:no-transaction\nCREATE TABLE a (id int);\nCREATE INDEX CONCURRENTLY i ON nope (x);\n";
        let fixed = "-- schemactl:no-transaction\nCREATE TABLE a (id int);\nCREATE INDEX CONCURRENTLY i ON a (id);\n";
        let edited = "-- schemactl:no-transaction\nCREATE TABLE a (id bigint);\nCREATE INDEX CONCURRENTLY i ON a (id);\n";
        let row = AppliedMigration {
            version: 1,
            name: "x".into(),
            checksum: statements_checksum(&split_unparsed(before, DialectKind::Postgres), 1),
            applied_at: "t".into(),
            statements_done: Some(1),
        };
        let state = |sql: &str| {
            let dir = MigrationDir::in_memory(
                std::path::Path::new("m"),
                &[("0001_x.sql".into(), sql.into())],
            );
            status(&dir, std::slice::from_ref(&row), DialectKind::Postgres)[0].state
        };
        assert_eq!(state(before), State::Partial);
        assert_eq!(state(fixed), State::Partial);
        assert_eq!(state(edited), State::Modified);
        let dir = MigrationDir::in_memory(
            std::path::Path::new("m"),
            &[("0001_y.sql".into(), fixed.into())],
        );
        assert_eq!(
            status(&dir, std::slice::from_ref(&row), DialectKind::Postgres)[0].state,
            State::Renamed
        );
    }
}
