//! `schemactl apply` and `schemactl status`: the deploy side.

use super::{Context, EXIT_ERROR, EXIT_FOUND, EXIT_OK};
use crate::apply::{self, ApplyOptions, Progress, State, Target};
use crate::diag::{Diagnostic, Diagnostics};
use crate::migrate::{MigrationDir, MigrationFile};
use std::time::Duration;

#[derive(Debug, Clone, clap::Args)]
pub struct DatabaseArgs {
    /// Database to migrate: postgres://user@host:port/db, a key=value string, or sqlite:path.
    /// PG* variables (PGHOST, PGUSER, PGPASSWORD, ...) fill what a PostgreSQL URL leaves out.
    #[arg(
        long,
        env = "DATABASE_URL",
        hide_env_values = true,
        value_name = "URL",
        required_unless_present = "fleet"
    )]
    pub database_url: Option<String>,
    /// Every target of a fleet instead of one database: `--fleet` alone reads the `fleet:`
    /// section of schemactl.yaml, `--fleet FILE` a fleet file of the same keys (targets by URL,
    /// by a query on a control database, or tenant schemas; waves, max_parallel, on_failure;
    /// see README.md). Prints a table per target (or JSON with --format json); exit 0 when
    /// every target succeeded, 1 when any failed or was not reached, 2 when the fleet is wrong
    #[arg(
        long,
        value_name = "FILE",
        num_args = 0..=1,
        default_missing_value = ""
    )]
    pub fleet: Option<String>,
    /// Seconds to wait for a connection, TLS and the startup handshake included (1 to 86400)
    #[arg(long, default_value_t = 10, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub connect_timeout: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    Text,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct ApplyArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// Apply up to and including this version only (a version of the folder)
    #[arg(long, value_name = "VERSION")]
    pub to: Option<u64>,
    /// Record migrations up to VERSION as applied without running them (an existing database);
    /// `auto` reads the tracking table another tool left (Diesel, sqlx, golang-migrate, dbmate,
    /// Flyway, drizzle-orm, Atlas) and records exactly the migrations it ran, refusing with the
    /// list when the database and the folder disagree
    #[arg(long, value_name = "VERSION|auto", value_parser = parse_baseline)]
    pub baseline: Option<Baseline>,
    /// Print what would run, change nothing (the database is opened read-only)
    #[arg(long)]
    pub dry_run: bool,
    /// Seconds to wait for another run's migration lock (0 to 86400)
    #[arg(long, default_value_t = 60, value_name = "SECS", value_parser = clap::value_parser!(u64).range(0..=86_400))]
    pub lock_timeout: u64,
    /// Apply although an applied migration's file was edited
    #[arg(long)]
    pub allow_modified: bool,
    /// Apply although an applied migration's file is gone
    #[arg(long)]
    pub allow_missing: bool,
    /// Apply a file whose version is below the last applied one
    #[arg(long)]
    pub allow_out_of_order: bool,
    /// Summary format on stdout (progress always goes to stderr)
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
}

#[derive(Debug, clap::Args)]
pub struct StatusArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
}

/// `--baseline VERSION` or `--baseline auto`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Baseline {
    Version(u64),
    Auto,
}

fn parse_baseline(s: &str) -> Result<Baseline, String> {
    if s == "auto" {
        return Ok(Baseline::Auto);
    }
    s.parse().map(Baseline::Version).map_err(|_| {
        format!("`{s}` is neither a version number nor `auto` (which reads the tracking table another tool left)")
    })
}

struct StderrProgress;

impl Progress for StderrProgress {
    fn starting(&mut self, file: &MigrationFile, resume_at: usize, total: usize) {
        if resume_at > 0 {
            eprintln!(
                "applying {} (resuming at statement {} of {total})",
                file.file_name,
                resume_at + 1
            );
        } else {
            eprintln!("applying {} ({total} statements)", file.file_name);
        }
    }

    fn finished(&mut self, file: &MigrationFile, elapsed: Duration) {
        eprintln!("  done {} in {} ms", file.file_name, elapsed.as_millis());
    }
}

/// The target the arguments name, checked against the project's stated dialect.
pub(super) fn target(ctx: &Context, args: &DatabaseArgs) -> Result<Target, Diagnostics> {
    let Some(url) = &args.database_url else {
        return Err(Diagnostic::error(
            "cli::no-database",
            "no database: give --database-url URL (or DATABASE_URL), or --fleet",
        )
        .into());
    };
    let target = Target::parse(url, &|k| std::env::var(k).ok()).map_err(Diagnostics::from)?;
    ctx.check_dialect(&target)?;
    Ok(target)
}

/// The migration folder, which must exist for apply and status.
pub(super) fn folder(ctx: &Context) -> Result<MigrationDir, Diagnostics> {
    MigrationDir::open(&ctx.config.migrations)
}

pub fn run_apply(ctx: &Context, args: &ApplyArgs) -> u8 {
    if args.db.fleet.is_some() {
        return super::fleet::apply(ctx, args);
    }
    match apply_inner(ctx, args) {
        Ok(code) => code,
        Err(ds) => {
            ctx.report(&ds);
            EXIT_ERROR
        }
    }
}

fn apply_inner(ctx: &Context, args: &ApplyArgs) -> Result<u8, Diagnostics> {
    let target = target(ctx, &args.db)?;
    let dir = folder(ctx)?;
    let scripts = apply::prepare(&dir, target.dialect())?;
    let opts = ApplyOptions {
        to: args.to,
        baseline: match args.baseline {
            Some(Baseline::Version(v)) => Some(v),
            _ => None,
        },
        baseline_auto: args.baseline == Some(Baseline::Auto),
        record_only: false,
        dry_run: args.dry_run,
        lock_timeout: Duration::from_secs(args.lock_timeout),
        allow_modified: args.allow_modified,
        allow_missing: args.allow_missing,
        allow_out_of_order: args.allow_out_of_order,
        scratch: false,
    };
    // Bad --to/--baseline are refused before anything connects (or creates a SQLite file).
    apply::check_options(&dir, &opts)?;
    let timeout = Duration::from_secs(args.db.connect_timeout);
    let new_sqlite_file = match &target {
        Target::Sqlite(path) if !args.dry_run && !path.exists() => Some(path.clone()),
        _ => None,
    };
    let mut db = if args.dry_run {
        match &target {
            // A dry run for a database file that does not exist yet shows what apply would
            // do to a new one, and creates nothing.
            Target::Sqlite(path) if !path.exists() => {
                note_missing_sqlite(path);
                Ok(Box::new(apply::sqlite_driver::SqliteDriver::in_memory()?)
                    as Box<dyn apply::Driver>)
            }
            _ => apply::connect_read_only(&target, timeout),
        }
    } else {
        apply::connect(&target, timeout)
    }
    .map_err(Diagnostics::from)?;
    let result = apply::apply(
        db.as_mut(),
        &target,
        &dir,
        &scripts,
        &opts,
        &mut StderrProgress,
    );
    drop(db);
    let report = match result {
        Ok(r) => r,
        Err(ds) => {
            // A SQLite file this run created and left with nothing applied goes again, so a
            // refused or failed first run leaves no empty database behind.
            if let Some(path) = new_sqlite_file {
                remove_if_nothing_applied(&path, timeout);
            }
            return Err(ds);
        }
    };
    match args.format {
        OutputFormat::Json => println!(
            "{}",
            serde_json::to_string_pretty(&report).expect("report serializes")
        ),
        OutputFormat::Text => {
            if let Some(sql) = &report.dry_run_sql {
                print!("{sql}");
                eprintln!(
                    "dry run: {} migration(s) would be applied to {}; nothing was changed",
                    report.skipped.len(),
                    report.target
                );
            } else if !report.baselined.is_empty() {
                if let Some(a) = &report.adopted {
                    println!(
                        "read {} ({}): it ran {} migration(s) of the folder",
                        a.table,
                        a.tool.label(),
                        a.applied.len()
                    );
                }
                println!(
                    "baselined {} migration(s) on {} (recorded, not run)",
                    report.baselined.len(),
                    report.target
                );
            }
            if !args.dry_run {
                let at = report
                    .version
                    .map_or("no migrations".to_string(), |v| format!("version {v}"));
                if report.applied.is_empty() {
                    println!("nothing to apply: {} is up to date at {at}", report.target);
                } else {
                    let ms: i64 = report.applied.iter().map(|a| a.duration_ms).sum();
                    println!(
                        "applied {} migration(s) to {} in {ms} ms; now at {at}",
                        report.applied.len(),
                        report.target
                    );
                }
            }
        }
    }
    Ok(EXIT_OK)
}

pub fn run_status(ctx: &Context, args: &StatusArgs) -> u8 {
    if args.db.fleet.is_some() {
        return super::fleet::status(ctx, args);
    }
    match status_inner(ctx, args) {
        Ok(code) => code,
        Err(ds) => {
            ctx.report(&ds);
            EXIT_ERROR
        }
    }
}

/// Says, on stderr, that a SQLite database file is not there (a typo, or a database apply
/// has not created yet).
fn note_missing_sqlite(path: &std::path::Path) {
    eprintln!(
        "note: sqlite:{} does not exist yet, so nothing is applied there; `schemactl apply` creates it (check the path if the database should already exist)",
        path.display()
    );
}

/// Removes a SQLite database file (and its journal) that holds no applied migration.
fn remove_if_nothing_applied(path: &std::path::Path, timeout: Duration) {
    let empty = apply::connect_read_only(&Target::Sqlite(path.to_path_buf()), timeout)
        .and_then(|mut db| db.applied())
        .is_ok_and(|rows| rows.is_empty());
    if empty {
        for suffix in ["", "-journal", "-wal", "-shm"] {
            let mut p = path.as_os_str().to_owned();
            p.push(suffix);
            let _ = std::fs::remove_file(std::path::PathBuf::from(p));
        }
    }
}

fn status_inner(ctx: &Context, args: &StatusArgs) -> Result<u8, Diagnostics> {
    let target = target(ctx, &args.db)?;
    let dir = folder(ctx)?;
    let tampered = dir.verify();
    // Status only reads: a SQLite file is opened read-only (and one that does not exist is
    // not created), a PostgreSQL session is read-only, and a database without the tracking
    // table has nothing applied yet.
    let applied = match &target {
        Target::Sqlite(path) if !path.exists() => {
            note_missing_sqlite(path);
            Vec::new()
        }
        _ => apply::connect_read_only(&target, Duration::from_secs(args.db.connect_timeout))
            .and_then(|mut db| db.applied())
            .map_err(Diagnostics::from)?,
    };
    let rows = apply::status(&dir, &applied, target.dialect());
    let clean = tampered.is_empty() && rows.iter().all(|r| r.state == State::Applied);
    match args.format {
        OutputFormat::Json => {
            let out = serde_json::json!({ "target": target.display(), "migrations": rows, "up_to_date": clean });
            println!(
                "{}",
                serde_json::to_string_pretty(&out).expect("status serializes")
            );
        }
        OutputFormat::Text => {
            println!("{}", target.display());
            for r in &rows {
                let state = serde_json::to_value(r.state)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default();
                println!(
                    "  {:<12} {:<40} {}",
                    state,
                    r.name,
                    r.applied_at.as_deref().unwrap_or("")
                );
            }
            let pending = rows
                .iter()
                .filter(|r| matches!(r.state, State::Pending | State::Partial | State::OutOfOrder))
                .count();
            if applied.is_empty() && !dir.files.is_empty() {
                println!(
                    "nothing applied yet: {} migration(s) pending",
                    dir.files.len()
                );
            } else if clean {
                println!("up to date: every migration is applied");
            } else {
                println!(
                    "{pending} pending; {} problem(s)",
                    rows.iter()
                        .filter(|r| matches!(
                            r.state,
                            State::Modified | State::Missing | State::Renamed
                        ))
                        .count()
                        + tampered.len()
                );
            }
        }
    }
    if !tampered.is_empty() {
        ctx.report(&Diagnostics(tampered));
    }
    let refused: Vec<Diagnostic> = rows
        .iter()
        .filter_map(|r| match r.state {
            State::Modified => Some(Diagnostic::error(
                "apply::modified",
                format!("`{}` was applied and has been edited since", r.name),
            )),
            State::Missing => Some(Diagnostic::error(
                "apply::missing",
                format!("`{}` was applied but is missing from the folder", r.name),
            )),
            State::Renamed => Some(Diagnostic::error(
                "apply::renamed",
                format!(
                    "`{}` was applied under another name (same version and content)",
                    r.name
                ),
            )),
            _ => None,
        })
        .collect();
    if !refused.is_empty() {
        ctx.report(&Diagnostics(refused));
    }
    Ok(if clean { EXIT_OK } else { EXIT_FOUND })
}

/// `schemactl migrations rehash`: rewrite the sum file after a deliberate edit or renumber.
pub fn run_rehash(ctx: &Context) -> u8 {
    let result = MigrationDir::open(&ctx.config.migrations).and_then(|mut dir| {
        dir.write_sum()?;
        Ok(dir)
    });
    match result {
        Ok(dir) => {
            println!(
                "rehashed {} file(s) into {}",
                dir.files.len(),
                dir.path.join(crate::migrate::SUM_FILE).display()
            );
            EXIT_OK
        }
        Err(ds) => {
            ctx.report(&ds);
            EXIT_ERROR
        }
    }
}

/// `schemactl migrations renumber FILE`.
pub fn run_renumber(ctx: &Context, file: &str) -> u8 {
    match crate::migrate::renumber(&ctx.config.migrations, file) {
        Ok(to) => {
            println!("moved {file} to {} and rehashed", to.display());
            EXIT_OK
        }
        Err(ds) => {
            ctx.report(&ds);
            EXIT_ERROR
        }
    }
}
