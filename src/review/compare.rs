//! The `schemactl diff` pipeline: both sides of a change read as models, their changes, and
//! the SQL the change adds. The CLI turns the arguments into a [`Request`] and prints the
//! [`Review`](super::Review) of what this returns.

use crate::apply::{self, Target};
use crate::diag::{Diagnostic, Diagnostics};
use crate::diff::Change;
use crate::migrate::MigrationDir;
use crate::model::{DialectKind, Schema};
use crate::scratch::{fallback_note, inspect_target, only_unreplayable, Scratch};
use crate::sql::{import_files, normalize_schema};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// `(file name, text)` of a folder's migrations.
pub type Files = Vec<(String, String)>;

/// What the change is compared with.
pub enum Base {
    /// The migration folder as it is at a git revision.
    Revision(String),
    /// Another migration folder.
    Folder(PathBuf),
    /// A live database: what deploying the folder would change there.
    Database(Target),
}

pub struct Request<'a> {
    /// The project's migration folder: the side after the change, unless `after_database`.
    pub folder: &'a Path,
    pub dialect: DialectKind,
    pub base: Base,
    /// The side after the change, when it is a live database.
    pub after_database: Option<Target>,
    pub dev_url: Option<&'a str>,
    pub prelude: Vec<(String, String)>,
}

/// Both sides compared.
pub struct Compared {
    pub changes: Vec<Change>,
    /// The side after the change, normalized, with the renames its migrations made.
    pub after: Schema,
    /// The SQL that will run: the files the after side adds (against a database, the files
    /// it has not applied yet).
    pub added: Files,
    /// Notes for the reader (a fallback to scratch databases and why).
    pub notes: Vec<String>,
}

/// One side of the comparison.
enum Side {
    /// Migration files (a folder, or a folder at a git revision), named by `label`.
    Folder {
        label: PathBuf,
        files: Files,
    },
    Database(Target),
}

const TIMEOUT: Duration = Duration::from_secs(10);

/// Reads both sides and diffs them.
pub fn compare(req: Request<'_>) -> Result<Compared, Diagnostics> {
    let folder = req.folder;
    let before = match req.base {
        Base::Revision(rev) => Side::Folder {
            label: folder.join(format!("@{rev}")),
            files: files_at_revision(folder, &rev)?,
        },
        Base::Folder(dir) => Side::Folder {
            files: folder_files(&MigrationDir::open(&dir)?),
            label: dir,
        },
        Base::Database(target) => Side::Database(target),
    };
    let after = match req.after_database {
        Some(target) => Side::Database(target),
        None => Side::Folder {
            label: folder.to_path_buf(),
            files: folder_files(&MigrationDir::open(folder)?),
        },
    };
    let added = added_files(&before, &after)?;
    let mut notes = Vec::new();
    let (before, replayed_after) = read_sides(
        req.dialect,
        &before,
        &after,
        req.dev_url,
        req.prelude,
        &mut notes,
    )?;
    let mut after = normalize_schema(&replayed_after, req.dialect);
    // Renames the replayed migrations made show as renames, not as a drop and an add.
    crate::diff::restore_rename_hints(&mut after, &replayed_after);
    let changes = crate::diff::diff(&before, &after, req.dialect.dialect());
    Ok(Compared {
        changes,
        after,
        added,
        notes,
    })
}

/// The files the after side adds; against a database, the files it has not applied yet.
fn added_files(before: &Side, after: &Side) -> Result<Files, Diagnostics> {
    Ok(match (before, after) {
        (Side::Folder { files: old, .. }, Side::Folder { files: new, .. }) => new
            .iter()
            .filter(|(n, _)| !old.iter().any(|(m, _)| m == n))
            .cloned()
            .collect(),
        (Side::Database(target), Side::Folder { files, .. }) => {
            let applied = apply::complete_versions(target, TIMEOUT)?;
            files
                .iter()
                .filter(|(n, _)| {
                    crate::migrate::parse_file_name(n).is_some_and(|(v, _)| !applied.contains(&v))
                })
                .cloned()
                .collect()
        }
        (_, Side::Database(_)) => Vec::new(),
    })
}

fn folder_files(dir: &MigrationDir) -> Files {
    dir.files
        .iter()
        .map(|f| (f.file_name.clone(), f.sql.clone()))
        .collect()
}

/// Both sides as models (the before side normalized). Folders are read by replaying their
/// SQL, unless a side is a database or replay cannot follow a statement: then every folder
/// runs on a scratch database, so both sides are spelled by the same server.
fn read_sides(
    dialect: DialectKind,
    before: &Side,
    after: &Side,
    dev_url: Option<&str>,
    prelude: Vec<(String, String)>,
    notes: &mut Vec<String>,
) -> Result<(Schema, Schema), Diagnostics> {
    let on_database = dev_url.is_some()
        || !prelude.is_empty()
        || matches!(before, Side::Database(_))
        || matches!(after, Side::Database(_));
    if !on_database {
        match replay_sides(dialect, before, after) {
            Ok(sides) => return Ok(sides),
            Err(errors) if only_unreplayable(&errors) => notes.push(fallback_note(&errors)),
            Err(errors) => return Err(Diagnostics(errors)),
        }
    }
    let dialect = match (before, after) {
        (Side::Database(t), _) | (_, Side::Database(t)) => t.dialect(),
        _ => dialect,
    };
    let mut scratch = Scratch::open(dialect, dev_url, TIMEOUT)?.with_prelude(prelude);
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

/// Both folders replayed (the before side normalized), or every error replay gave.
fn replay_sides(
    dialect: DialectKind,
    before: &Side,
    after: &Side,
) -> Result<(Schema, Schema), Vec<Diagnostic>> {
    let replay = |side: &Side| match side {
        Side::Folder { files, .. } => {
            import_files(files.iter().map(|(n, s)| (n.as_str(), s.as_str())), dialect)
        }
        Side::Database(_) => unreachable!("only folders are replayed"),
    };
    match (replay(before), replay(after)) {
        (Ok(b), Ok(a)) => Ok((normalize_schema(&b, dialect), a)),
        (b, a) => Err([b.err(), a.err()]
            .into_iter()
            .flatten()
            .flat_map(|ds| ds.0)
            .collect()),
    }
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
