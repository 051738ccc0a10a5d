//! `schemactl diff`: what a change does to the schema, for a pull request or a terminal.

use super::{Context, EXIT_ERROR, EXIT_OK};
use crate::apply::{self, Target};
use crate::diag::{Diagnostic, Diagnostics};
use crate::dialect::DialectKind;
use crate::migrate::MigrationDir;
use crate::model::Schema;
use crate::review::Review;
use crate::scratch::{fallback_note, inspect_target, only_unreplayable, Scratch};
use crate::sql::{import_files, normalize_schema};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

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

/// `(file name, text)` of a folder's migrations.
type Files = Vec<(String, String)>;

/// One side of the comparison.
enum Side {
    /// Migration files (a folder, or a folder at a git revision), named by `label`.
    Folder {
        label: PathBuf,
        files: Files,
    },
    Database(Target),
}

fn review(ctx: &Context, args: &DiffArgs) -> Result<String, Diagnostics> {
    let folder = &ctx.config.migrations;
    let parse = |url: &str| -> Result<Target, Diagnostics> {
        let target = Target::parse(url, &|k| std::env::var(k).ok()).map_err(Diagnostics::from)?;
        ctx.check_dialect(&target)?;
        Ok(target)
    };
    let before = match (&args.base, &args.from, &args.from_database) {
        (Some(rev), _, _) => Side::Folder {
            label: folder.join(format!("@{rev}")),
            files: files_at_revision(folder, rev)?,
        },
        (None, Some(dir), _) => Side::Folder {
            label: dir.clone(),
            files: folder_files(&MigrationDir::open(dir)?),
        },
        (None, None, Some(url)) => Side::Database(parse(url)?),
        (None, None, None) => {
            return Err(Diagnostic::error(
                "diff::no-base",
                "say what to compare with: --base REV (a git revision), --from DIR or --from-database URL",
            )
            .help("in CI on a pull request: schemactl diff --base origin/main --format markdown")
            .into())
        }
    };
    let after = match &args.to_database {
        Some(url) => Side::Database(parse(url)?),
        None => Side::Folder {
            label: folder.clone(),
            files: folder_files(&MigrationDir::open(folder)?),
        },
    };
    // The SQL that will run: the files the after side adds. Against a database, the files
    // it has not applied yet.
    let added: Files = match (&before, &after) {
        (Side::Folder { files: old, .. }, Side::Folder { files: new, .. }) => new
            .iter()
            .filter(|(n, _)| !old.iter().any(|(m, _)| m == n))
            .cloned()
            .collect(),
        (Side::Database(target), Side::Folder { files, .. }) => {
            let applied = applied_versions(target)?;
            files
                .iter()
                .filter(|(n, _)| {
                    crate::migrate::parse_file_name(n).is_some_and(|(v, _)| !applied.contains(&v))
                })
                .cloned()
                .collect()
        }
        (_, Side::Database(_)) => Vec::new(),
    };
    let (before, replayed_after) = read_sides(
        ctx.config.dialect,
        &before,
        &after,
        args,
        ctx.config.prelude()?,
    )?;
    let mut after = normalize_schema(&replayed_after, ctx.config.dialect);
    // Renames the replayed migrations made show as renames, not as a drop and an add.
    crate::diff::restore_rename_hints(&mut after, &replayed_after);
    let changes = crate::diff::diff(&before, &after, ctx.config.dialect.dialect());
    let review = Review {
        changes: &changes,
        after: &after,
        files: &added,
        spelling: ctx.config.dialect.dialect(),
    };
    Ok(match args.format {
        ReviewFormat::Markdown => review.markdown(),
        ReviewFormat::Text => review.text(),
    })
}

fn folder_files(dir: &MigrationDir) -> Files {
    dir.files
        .iter()
        .map(|f| (f.file_name.clone(), f.sql.clone()))
        .collect()
}

fn applied_versions(target: &Target) -> Result<Vec<u64>, Diagnostics> {
    // Only reads. A database schemactl never migrated has no tracking table: nothing is
    // applied.
    let mut db = apply::connect_read_only(target, TIMEOUT).map_err(Diagnostics::from)?;
    Ok(db
        .applied()
        .map_err(Diagnostics::from)?
        .iter()
        .filter(|r| r.statements_done.is_none())
        .map(|r| r.version)
        .collect())
}

const TIMEOUT: Duration = Duration::from_secs(10);

/// Both sides as models (the before side normalized). Folders are read by replaying their
/// SQL, unless a side is a database or replay cannot follow a statement: then every folder
/// runs on a scratch database, so both sides are spelled by the same server.
fn read_sides(
    dialect: DialectKind,
    before: &Side,
    after: &Side,
    args: &DiffArgs,
    prelude: Vec<(String, String)>,
) -> Result<(Schema, Schema), Diagnostics> {
    let on_database = args.dev_url.is_some()
        || !prelude.is_empty()
        || matches!(before, Side::Database(_))
        || matches!(after, Side::Database(_));
    if !on_database {
        let replay = |side: &Side| match side {
            Side::Folder { files, .. } => {
                import_files(files.iter().map(|(n, s)| (n.as_str(), s.as_str())), dialect)
            }
            Side::Database(_) => unreachable!("only folders are replayed"),
        };
        match (replay(before), replay(after)) {
            (Ok(b), Ok(a)) => return Ok((normalize_schema(&b, dialect), a)),
            (b, a) => {
                let errors: Vec<Diagnostic> = [b.err(), a.err()]
                    .into_iter()
                    .flatten()
                    .flat_map(|ds| ds.0)
                    .collect();
                if !only_unreplayable(&errors) {
                    return Err(Diagnostics(errors));
                }
                eprintln!("note: {}", fallback_note(&errors));
            }
        }
    }
    let dialect = match (before, after) {
        (Side::Database(t), _) | (_, Side::Database(t)) => t.dialect(),
        _ => dialect,
    };
    let mut scratch =
        Scratch::open(dialect, args.dev_url.as_deref(), TIMEOUT)?.with_prelude(prelude);
    let prelude = scratch.prelude_schema()?;
    let mut read = |side: &Side, tag: &str| -> Result<Schema, Diagnostics> {
        let mut s = match side {
            Side::Database(target) => inspect_target(target, TIMEOUT)?,
            Side::Folder { label, files } => {
                let db = scratch.database(tag)?;
                scratch.migrate(&db, &MigrationDir::in_memory(label, files), None)?;
                scratch.inspect(&db)?
            }
        };
        crate::scratch::without_prelude(&mut s, prelude.as_ref());
        Ok(s)
    };
    let b = read(before, "before")?;
    let a = read(after, "after")?;
    Ok((normalize_schema(&b, dialect), a))
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
