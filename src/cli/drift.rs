//! `schemactl drift`: what in a live database differs from what its migrations describe.

use super::apply::{DatabaseArgs, OutputFormat};
use super::{Context, EXIT_ERROR, EXIT_FOUND, EXIT_OK};
use crate::apply::{self, ApplyOptions, Progress, Target, TRACKING_TABLE};
use crate::diag::{Diagnostic, Diagnostics};
use crate::drift::{compare, Difference};
use crate::migrate::{MigrationDir, MigrationFile};
use crate::model::Schema;
use std::time::Duration;

#[derive(Debug, clap::Args)]
pub struct DriftArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// A PostgreSQL server where schemactl may create (and then drop) a scratch database to
    /// replay the migrations in. Default: a throwaway local server from the installed binaries.
    #[arg(long, value_name = "URL")]
    pub dev_url: Option<String>,
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
}

struct Quiet;

impl Progress for Quiet {
    fn starting(&mut self, _: &MigrationFile, _: usize, _: usize) {}
    fn finished(&mut self, _: &MigrationFile, _: Duration) {}
}

pub fn run(ctx: &Context, args: &DriftArgs) -> u8 {
    match drift(ctx, args) {
        Ok(diffs) => {
            match args.format {
                OutputFormat::Json => {
                    let v = serde_json::json!({ "drift": !diffs.is_empty(), "differences": diffs });
                    println!(
                        "{}",
                        serde_json::to_string_pretty(&v).expect("drift serializes")
                    );
                }
                OutputFormat::Text => {
                    for d in &diffs {
                        println!("{d}");
                    }
                    if diffs.is_empty() {
                        println!("no drift: the database matches its migrations");
                    } else {
                        println!(
                            "{} difference(s) between the database and its migrations",
                            diffs.len()
                        );
                    }
                }
            }
            if diffs.is_empty() {
                EXIT_OK
            } else {
                EXIT_FOUND
            }
        }
        Err(ds) => {
            ctx.report(&ds);
            EXIT_ERROR
        }
    }
}

fn drift(ctx: &Context, args: &DriftArgs) -> Result<Vec<Difference>, Diagnostics> {
    let target = Target::parse(&args.db.database_url, &|k| std::env::var(k).ok())
        .map_err(Diagnostics::from)?;
    let path = &ctx.config.migrations;
    if !path.is_dir() {
        return Err(Diagnostic::error(
            "drift::no-migrations",
            format!("migration folder `{}` does not exist", path.display()),
        )
        .into());
    }
    let dir = MigrationDir::load(path)?;
    let scripts = apply::prepare(&dir, target.dialect())?;
    let timeout = Duration::from_secs(args.db.connect_timeout);
    // Compare with the migrations the database has applied, so pending files are not drift.
    let applied_up_to = {
        let mut db = apply::connect(&target, timeout).map_err(Diagnostics::from)?;
        db.applied().ok().and_then(|rows| {
            rows.iter()
                .filter(|r| r.statements_done.is_none())
                .map(|r| r.version)
                .max()
        })
    };
    let opts = ApplyOptions {
        to: Some(applied_up_to.unwrap_or(0)),
        lock_timeout: Duration::from_secs(60),
        ..ApplyOptions::default()
    };
    let (expected, found) = match &target {
        Target::Postgres(config) => {
            let mut live = apply::postgres_driver::connect_client(config, &target, timeout)?;
            let found = crate::inspect::postgres::inspect(&mut live, TRACKING_TABLE)?;
            let expected = scratch_postgres(args, &dir, &scripts, &opts, timeout)?;
            (expected, found)
        }
        Target::Sqlite(path) => {
            if !path.is_file() {
                return Err(Diagnostic::error(
                    "drift::no-database",
                    format!("sqlite:{} does not exist", path.display()),
                )
                .into());
            }
            let live = rusqlite::Connection::open(path).map_err(|e| {
                Diagnostics::from(Diagnostic::error(
                    "drift::connect",
                    format!("cannot open sqlite:{}: {e}", path.display()),
                ))
            })?;
            let found = crate::inspect::sqlite::inspect(&live, TRACKING_TABLE)?;
            let expected = scratch_sqlite(&dir, &scripts, &opts)?;
            (expected, found)
        }
    };
    Ok(compare(&expected, &found))
}

/// Replays the migrations into a fresh scratch database and reads it back.
fn scratch_postgres(
    args: &DriftArgs,
    dir: &MigrationDir,
    scripts: &[crate::sql::split::SqlScript],
    opts: &ApplyOptions,
    timeout: Duration,
) -> Result<Schema, Diagnostics> {
    let db_name = format!("schemactl_drift_{}", std::process::id());
    let (admin_url, _server) = match &args.dev_url {
        Some(url) => (url.clone(), None),
        None => {
            let server = crate::testkit::PgServer::start().map_err(|e| {
                Diagnostics::from(
                    Diagnostic::error("drift::no-dev-database", "drift needs a scratch PostgreSQL to replay the migrations in")
                        .help(format!("pass --dev-url postgres://... (a server where schemactl may create a database); starting a local one failed: {e}")),
                )
            })?;
            (server.conninfo("postgres"), Some(server))
        }
    };
    let admin_target =
        Target::parse(&admin_url, &|k| std::env::var(k).ok()).map_err(Diagnostics::from)?;
    let Target::Postgres(admin_config) = &admin_target else {
        return Err(
            Diagnostic::error("drift::bad-dev-url", "--dev-url must be a PostgreSQL URL").into(),
        );
    };
    let mut admin = apply::postgres_driver::connect_client(admin_config, &admin_target, timeout)?;
    let q = crate::dialect::postgres::quote_ident(&db_name);
    // Two calls: CREATE DATABASE cannot run inside the implicit transaction of a batch.
    for sql in [
        format!("DROP DATABASE IF EXISTS {q}"),
        format!("CREATE DATABASE {q}"),
    ] {
        admin.batch_execute(&sql).map_err(|e| {
            Diagnostics::from(
                Diagnostic::error(
                    "drift::dev-database",
                    format!(
                        "cannot create the scratch database: {}",
                        admin_target.redact(&apply::postgres_driver::error_text(&e))
                    ),
                )
                .help("--dev-url must name a server where this user may create databases"),
            )
        })?;
    }
    let mut config = (**admin_config).clone();
    config.dbname(&db_name);
    let scratch = Target::Postgres(Box::new(config.clone()));
    let result = (|| {
        let mut db = apply::connect(&scratch, timeout).map_err(Diagnostics::from)?;
        apply::apply(db.as_mut(), &scratch, dir, scripts, opts, &mut Quiet)?;
        drop(db);
        let mut client = apply::postgres_driver::connect_client(&config, &scratch, timeout)?;
        crate::inspect::postgres::inspect(&mut client, TRACKING_TABLE)
    })();
    let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {q} WITH (FORCE)"));
    result
}

fn scratch_sqlite(
    dir: &MigrationDir,
    scripts: &[crate::sql::split::SqlScript],
    opts: &ApplyOptions,
) -> Result<Schema, Diagnostics> {
    let path = std::env::temp_dir().join(format!("schemactl-drift-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let scratch = Target::Sqlite(path.clone());
    let result = (|| {
        let mut db =
            apply::connect(&scratch, Duration::from_secs(10)).map_err(Diagnostics::from)?;
        apply::apply(db.as_mut(), &scratch, dir, scripts, opts, &mut Quiet)?;
        drop(db);
        let conn = rusqlite::Connection::open(&path)
            .map_err(|e| Diagnostics::from(Diagnostic::error("drift::scratch", e.to_string())))?;
        crate::inspect::sqlite::inspect(&conn, TRACKING_TABLE)
    })();
    let _ = std::fs::remove_file(&path);
    result
}
