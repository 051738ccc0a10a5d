//! `schemactl drift`: what in a live database differs from what its migrations describe.

use super::apply::{DatabaseArgs, OutputFormat};
use super::{Context, EXIT_ERROR, EXIT_FOUND, EXIT_OK};
use crate::diag::Diagnostics;
use crate::drift::Drift;
use crate::migrate::MigrationDir;
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
    crate::drift::check(
        &target,
        &dir,
        args.dev_url.as_deref(),
        ctx.config.prelude()?,
        Duration::from_secs(args.db.connect_timeout),
    )
}
