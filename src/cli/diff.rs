//! `schemactl diff`: what a change does to the schema, for a pull request or a terminal.

use super::{Context, EXIT_ERROR, EXIT_OK};
use crate::apply::Target;
use crate::diag::{Diagnostic, Diagnostics};
use crate::review::compare::{compare, Base, Request};
use crate::review::Review;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReviewFormat {
    Markdown,
    Text,
}

#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// Compare with the migration folder as it is at this git revision (e.g. origin/main)
    #[arg(long, value_name = "REV", conflicts_with_all = ["from", "from_database"])]
    pub base: Option<String>,
    /// Compare with another migration folder
    #[arg(long, value_name = "DIR", conflicts_with = "from_database")]
    pub from: Option<PathBuf>,
    /// Compare with a live database (what deploying the folder would change there)
    #[arg(long, value_name = "URL")]
    pub from_database: Option<String>,
    /// The side after the change: a live database instead of the migration folder
    #[arg(long, value_name = "URL")]
    pub to_database: Option<String>,
    /// A PostgreSQL server where schemactl may create (and then drop) scratch databases, to run
    /// folders on when a database is compared or a migration holds statements replay cannot
    /// follow. Default: a throwaway local server from the installed binaries
    #[arg(long, value_name = "URL")]
    pub dev_url: Option<String>,
    /// Markdown for a pull-request comment, or text for a terminal
    #[arg(long, value_enum, default_value_t = ReviewFormat::Text)]
    pub format: ReviewFormat,
}

pub fn run(ctx: &Context, args: &DiffArgs) -> u8 {
    match review(ctx, args) {
        Ok(text) => {
            print!("{text}");
            EXIT_OK
        }
        Err(ds) => {
            ctx.report(&ds);
            EXIT_ERROR
        }
    }
}

fn review(ctx: &Context, args: &DiffArgs) -> Result<String, Diagnostics> {
    let parse = |url: &str| -> Result<Target, Diagnostics> {
        let target = Target::parse(url, &|k| std::env::var(k).ok()).map_err(Diagnostics::from)?;
        ctx.check_dialect(&target)?;
        Ok(target)
    };
    let base = match (&args.base, &args.from, &args.from_database) {
        (Some(rev), _, _) => Base::Revision(rev.clone()),
        (None, Some(dir), _) => Base::Folder(dir.clone()),
        (None, None, Some(url)) => Base::Database(parse(url)?),
        (None, None, None) => {
            return Err(Diagnostic::error(
                "diff::no-base",
                "say what to compare with: --base REV (a git revision), --from DIR or --from-database URL",
            )
            .help("in CI on a pull request: schemactl diff --base origin/main --format markdown")
            .into())
        }
    };
    let after_database = args.to_database.as_deref().map(parse).transpose()?;
    let compared = compare(Request {
        folder: &ctx.config.migrations,
        dialect: ctx.config.dialect,
        base,
        after_database,
        dev_url: args.dev_url.as_deref(),
        prelude: ctx.config.prelude()?,
    })?;
    for note in &compared.notes {
        eprintln!("note: {note}");
    }
    let review = Review {
        changes: &compared.changes,
        after: &compared.after,
        files: &compared.added,
        spelling: ctx.config.dialect.dialect(),
    };
    Ok(match args.format {
        ReviewFormat::Markdown => review.markdown(),
        ReviewFormat::Text => review.text(),
    })
}
