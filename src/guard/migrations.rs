//! What migration-folder rules (SG3xx) read: the folder loaded leniently (every problem is kept
//! as data for its rule instead of stopping at the first), the sum-file comparison, and the
//! declared schema to compare with.
//!
//! Seam for SQL replay: today "the schema changed but no migration was generated" (SG308)
//! compares the rendered initial script with a single-file folder. Once `src/sql/` can replay a
//! folder into a [`Schema`], pass it as [`MigrationInput::replay`] and SG308 compares models,
//! which works for any number of files.

use crate::diag::{Diagnostic, Diagnostics};
use crate::migrate::{
    checksum, parse_file_name, read_error, read_regular_file, MigrationDir, MigrationFile, SumFile,
    MAX_FILE_BYTES, SUM_FILE,
};
use crate::model::{Origin, Schema};
use std::fs;
use std::path::{Path, PathBuf};

/// Replays a migration folder into the schema it produces (provided by `src/sql/` later).
pub type Replay = fn(&MigrationDir) -> Result<Schema, Diagnostics>;

/// What the declared side looks like, when there is a declared schema.
#[derive(Default, Clone, Copy)]
pub struct MigrationInput<'a> {
    /// The script `schemactl generate` would write into an empty folder.
    pub expected_script: Option<&'a str>,
    /// The declared schema, compared with the replayed folder when `replay` is given.
    pub declared: Option<&'a Schema>,
    pub replay: Option<Replay>,
}

pub struct MigrationCx<'a> {
    pub dir: MigrationDir,
    pub input: MigrationInput<'a>,
    /// False when the folder does not exist (an empty history).
    pub exists: bool,
    /// Files in the folder that are not `NNNN_name.sql`.
    pub bad_names: Vec<PathBuf>,
    pub not_utf8: Vec<PathBuf>,
    /// The sum file could not be parsed: line and message.
    pub sum_error: Option<(u32, String)>,
    /// Differences between the folder and its sum file (codes `migrations::*`).
    pub sum_diffs: Vec<Diagnostic>,
}

fn io(path: &Path, e: &std::io::Error) -> Vec<Diagnostic> {
    crate::migrate::io_error(path, e).0
}

impl<'a> MigrationCx<'a> {
    /// Reads the folder at `path`. Only I/O problems are errors; everything else is a finding.
    pub fn load(path: &Path, input: &MigrationInput<'a>) -> Result<Self, Vec<Diagnostic>> {
        let mut cx = MigrationCx {
            dir: MigrationDir {
                path: path.to_path_buf(),
                files: Vec::new(),
                sum: None,
            },
            input: *input,
            exists: path.exists(),
            bad_names: Vec::new(),
            not_utf8: Vec::new(),
            sum_error: None,
            sum_diffs: Vec::new(),
        };
        if !cx.exists {
            return Ok(cx);
        }
        if !path.is_dir() {
            return Err(vec![Diagnostic::error(
                "migrations::not-a-directory",
                format!("`{}` is not a directory", path.display()),
            )
            .help(
                "point `migrations:` in schemactl.yaml (or --migrations) at the migration folder",
            )]);
        }
        let mut names = Vec::new();
        for entry in fs::read_dir(path).map_err(|e| io(path, &e))? {
            let entry = entry.map_err(|e| io(path, &e))?;
            match entry.file_name().into_string() {
                Ok(name) => names.push(name),
                // Reported by its lossy spelling; never opened.
                Err(raw) => cx.bad_names.push(path.join(raw.to_string_lossy().as_ref())),
            }
        }
        names.sort();
        let mut unreadable = Vec::new();
        for file_name in names {
            let full = path.join(&file_name);
            if file_name == SUM_FILE {
                let text = match read_regular_file(&full, MAX_FILE_BYTES) {
                    Ok(bytes) => String::from_utf8(bytes),
                    Err(e) => {
                        unreadable.push(read_error(&full, &e));
                        continue;
                    }
                };
                match text {
                    Ok(text) => match SumFile::parse(&text) {
                        Ok(sum) => cx.dir.sum = Some(sum),
                        Err(e) => cx.sum_error = Some(e),
                    },
                    Err(_) => cx.sum_error = Some((1, format!("{SUM_FILE} is not UTF-8 text"))),
                }
                continue;
            }
            if file_name.starts_with('.')
                || (fs::metadata(&full).is_ok_and(|m| m.is_dir()) && !file_name.ends_with(".sql"))
            {
                continue;
            }
            let Some((version, name)) = parse_file_name(&file_name) else {
                cx.bad_names.push(full);
                continue;
            };
            let bytes = match read_regular_file(&full, MAX_FILE_BYTES) {
                Ok(b) => b,
                Err(e) => {
                    unreadable.push(read_error(&full, &e));
                    continue;
                }
            };
            let Ok(sql) = String::from_utf8(bytes) else {
                cx.not_utf8.push(full);
                continue;
            };
            cx.dir.files.push(MigrationFile {
                version,
                name,
                file_name,
                path: full,
                checksum: checksum(sql.as_bytes()),
                sql,
            });
        }
        if !unreadable.is_empty() {
            return Err(unreadable);
        }
        cx.dir.files.sort_by(|a, b| {
            a.version
                .cmp(&b.version)
                .then(a.file_name.cmp(&b.file_name))
        });
        if cx.sum_error.is_none() {
            cx.sum_diffs = cx.dir.verify();
        }
        Ok(cx)
    }

    /// The sum-file differences with the given `migrations::` code, as findings.
    pub fn sum_findings(&self, code: &str) -> impl Iterator<Item = super::Finding> + '_ {
        let code = code.to_string();
        self.sum_diffs
            .iter()
            .filter(move |d| d.code == code)
            .map(|d| super::Finding {
                message: d.message.clone(),
                origin: d.location.clone(),
                help: d.help.clone(),
                tables: Vec::new(),
            })
    }

    pub fn sum_path(&self) -> PathBuf {
        self.dir.path.join(SUM_FILE)
    }

    /// A file's origin (line 1).
    pub fn file_origin(path: &Path) -> Origin {
        Origin {
            file: path.display().to_string(),
            line: 1,
            column: 1,
        }
    }
}

#[cfg(test)]
pub(crate) mod test_support {
    use super::*;
    use crate::guard::{check_migrations, testing::only, GuardConfig};

    /// A folder with `files` and a sum file made from them, to be tampered with by tests.
    pub fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
        let tmp = tempfile::tempdir().expect("temp dir");
        let sum = SumFile::of(
            files
                .iter()
                .map(|(n, sql)| (n.to_string(), checksum(sql.as_bytes()))),
        );
        for (n, sql) in files {
            fs::write(tmp.path().join(n), sql).expect("write migration");
        }
        fs::write(tmp.path().join(SUM_FILE), sum.render()).expect("write sum");
        tmp
    }

    pub fn run(code: &str, dir: &Path, input: &MigrationInput<'_>) -> Vec<Diagnostic> {
        check_migrations(dir, input, &only(code, GuardConfig::default())).expect("folder loads")
    }

    /// Snapshot text with the temp folder replaced by `<dir>`.
    pub fn snap(ds: &[Diagnostic], dir: &Path) -> String {
        let mut s = String::new();
        let d = dir.display().to_string();
        for x in ds {
            s.push_str(&format!("{:?} [{}] {}\n", x.severity, x.code, x.message));
            if let Some(l) = &x.location {
                s.push_str(&format!("  at {}:{}\n", l.file, l.line));
            }
            if let Some(h) = &x.help {
                s.push_str(&format!("  help: {h}\n"));
            }
        }
        s.replace(&d, "<dir>")
    }
}
