//! `schemactl drift`: what in a live database differs from what its migrations describe.

use super::apply::{DatabaseArgs, OutputFormat};
use super::{Context, EXIT_ERROR, EXIT_FOUND, EXIT_OK};
use crate::apply;
use crate::diag::Diagnostics;
use crate::drift::{compare, Difference};
use crate::migrate::MigrationDir;
use crate::scratch::{inspect_target, not_compared_target, Scratch};
use crate::sql::normalize_schema;
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

pub fn run(ctx: &Context, args: &DriftArgs) -> u8 {
    if args.db.fleet.is_some() {
        return super::fleet::drift(ctx, args);
    }
    match drift(ctx, args) {
        Ok(Drift {
            differences: diffs,
            not_compared,
        }) => {
            match args.format {
                OutputFormat::Json => {
                    let v = serde_json::json!({
                        "drift": !diffs.is_empty(),
                        "differences": diffs,
                        "not_compared": not_compared,
                    });
                    println!(
                        "{}",
                        serde_json::to_string_pretty(&v).expect("drift serializes")
                    );
                }
                OutputFormat::Text => {
                    for d in &diffs {
                        println!("{d}");
                    }
                    if !not_compared.is_empty() {
                        println!(
                            "not compared (schemactl does not model these kinds): {}",
                            not_compared.join(", ")
                        );
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

fn drift(ctx: &Context, args: &DriftArgs) -> Result<Drift, Diagnostics> {
    let target = super::apply::target(ctx, &args.db)?;
    let dir = MigrationDir::open(&ctx.config.migrations)?;
    // A tampered folder is refused before any database is touched.
    apply::prepare(&dir, target.dialect())?;
    let timeout = Duration::from_secs(args.db.connect_timeout);
    // Compare with the migrations the database has applied, so pending files are not drift.
    // Only read: a missing SQLite file is an error, a PostgreSQL session is read-only.
    let applied_up_to = {
        let mut db = apply::connect_read_only(&target, timeout).map_err(Diagnostics::from)?;
        db.applied()
            .map_err(Diagnostics::from)?
            .iter()
            .filter(|r| r.statements_done.is_none())
            .map(|r| r.version)
            .max()
    };
    let dialect = target.dialect();
    let mut found = inspect_target(&target, timeout)?;
    let not_compared = not_compared_target(&target, timeout)?;
    let mut scratch = Scratch::open(dialect, args.dev_url.as_deref(), timeout)?
        .with_prelude(ctx.config.prelude()?);
    // What dev.prelude stands in for (a platform's schemas, another tool's table) is theirs,
    // not drift.
    let prelude = scratch.prelude_schema()?;
    let replayed = scratch.database("drift")?;
    scratch.migrate(&replayed, &dir, Some(applied_up_to.unwrap_or(0)))?;
    let mut expected = scratch.inspect(&replayed)?;
    crate::scratch::without_prelude(&mut expected, prelude.as_ref());
    crate::scratch::without_prelude(&mut found, prelude.as_ref());
    let found = normalize_schema(&found, dialect);
    let expected = normalize_schema(&expected, dialect);
    Ok(Drift {
        differences: compare(&expected, &found, dialect.dialect()),
        not_compared,
    })
}

/// What `drift` found.
struct Drift {
    differences: Vec<Difference>,
    /// Objects of kinds the model does not describe (`2 sequences`).
    not_compared: Vec<String>,
}
