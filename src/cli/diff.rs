//! `schemactl diff`: what a change does to the schema, for a pull request or a terminal.

use super::{Context, EXIT_ERROR, EXIT_OK};
use crate::diag::{Diagnostic, Diagnostics};
use crate::migrate::MigrationDir;
use crate::model::Schema;
use crate::review::Review;
use crate::sql::{import_files, normalize_schema};
use std::path::Path;
use std::process::Command;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReviewFormat {
    Markdown,
    Text,
}

#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// Compare with the migration folder as it is at this git revision (e.g. origin/main)
    #[arg(long, value_name = "REV", conflicts_with = "from")]
    pub base: Option<String>,
    /// Compare with another migration folder
    #[arg(long, value_name = "DIR")]
    pub from: Option<std::path::PathBuf>,
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

/// `(file name, text)` of a folder's migrations.
type Files = Vec<(String, String)>;

fn review(ctx: &Context, args: &DiffArgs) -> Result<String, Diagnostics> {
    let dialect = ctx.config.dialect;
    let to_dir = MigrationDir::load(&ctx.config.migrations)?;
    let to_files: Files = to_dir
        .files
        .iter()
        .map(|f| (f.file_name.clone(), f.sql.clone()))
        .collect();
    let from_files: Files = match (&args.base, &args.from) {
        (Some(rev), _) => files_at_revision(&ctx.config.migrations, rev)?,
        (None, Some(dir)) => MigrationDir::load(dir)?
            .files
            .iter()
            .map(|f| (f.file_name.clone(), f.sql.clone()))
            .collect(),
        (None, None) => {
            return Err(Diagnostic::error(
                "diff::no-base",
                "say what to compare with: --base REV (a git revision) or --from DIR",
            )
            .help("in CI on a pull request: schemactl diff --base origin/main --format markdown")
            .into())
        }
    };
    let replay = |files: &Files| -> Result<Schema, Diagnostics> {
        import_files(files.iter().map(|(n, s)| (n.as_str(), s.as_str())), dialect)
    };
    let before = normalize_schema(&replay(&from_files)?);
    let replayed_after = replay(&to_files)?;
    let mut after = normalize_schema(&replayed_after);
    // Renames the replayed migrations made show as renames, not as a drop and an add.
    crate::diff::restore_rename_hints(&mut after, &replayed_after);
    let changes = crate::diff::diff(&before, &after);
    let added: Files = to_files
        .iter()
        .filter(|(n, _)| !from_files.iter().any(|(m, _)| m == n))
        .cloned()
        .collect();
    let review = Review {
        changes: &changes,
        after: &after,
        files: &added,
    };
    Ok(match args.format {
        ReviewFormat::Markdown => review.markdown(),
        ReviewFormat::Text => review.text(),
    })
}

/// The migration files as they are at `rev`, read with git.
fn files_at_revision(dir: &Path, rev: &str) -> Result<Files, Diagnostics> {
    let git = |args: &[&str]| -> Result<String, Diagnostics> {
        let out = Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(args)
            .output()
            .map_err(|e| {
                Diagnostics::from(
                    Diagnostic::error("diff::git", format!("cannot run git: {e}"))
                        .help("--base needs git on PATH; use --from DIR instead"),
                )
            })?;
        if !out.status.success() {
            return Err(Diagnostic::error("diff::git", format!("git {}: {}", args.join(" "), String::from_utf8_lossy(&out.stderr).trim()))
                .help("check the revision name (e.g. origin/main) and that the migration folder is inside a git repository")
                .into());
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let mut files = Vec::new();
    for name in git(&["ls-tree", "--name-only", rev, "--", "."])?.lines() {
        if crate::migrate::parse_file_name(name).is_some() {
            let text = git(&["show", &format!("{rev}:./{name}")])?;
            files.push((name.to_string(), text));
        }
    }
    files.sort_by_key(|(n, _)| crate::migrate::parse_file_name(n).map(|(v, _)| v));
    Ok(files)
}
