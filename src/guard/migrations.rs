//! What migration-folder rules (SG3xx) read: the folder loaded leniently (every problem is kept
//! as data for its rule instead of stopping at the first), the sum-file comparison, the
//! folder's replay, and what the declared schema needs compared with it.

use crate::diag::{Diagnostic, Diagnostics};
use crate::migrate::{MigrationDir, ScanProblem, SUM_FILE};
use crate::model::DialectKind;
use crate::model::{Origin, Schema};
use std::cell::OnceCell;
use std::path::{Path, PathBuf};

/// The changes the declared schema has that the folder does not hold, as `generate --check`
/// finds them (their descriptions; empty when the folder is up to date).
pub type Compare<'a> = &'a dyn Fn(&MigrationDir) -> Result<Vec<String>, Diagnostics>;

/// Runs the folder on a real database (`guard --dev-url`); `Err` holds the first failure.
pub type RunFolder<'a> = &'a dyn Fn(&MigrationDir) -> Result<(), Diagnostics>;

/// What the declared side looks like, when there is a declared schema.
#[derive(Default, Clone, Copy)]
pub struct MigrationInput<'a> {
    /// The script `schemactl generate` would write into an empty folder.
    pub expected_script: Option<&'a str>,
    /// The declared schema.
    pub declared: Option<&'a Schema>,
    /// How `generate --check` compares the folder with the declared schema (SG308 for any
    /// number of files; without it only a single initial migration is compared, by text).
    pub compare: Option<Compare<'a>>,
    /// Runs the folder on a real server instead of replaying it offline (SG309).
    pub run_folder: Option<RunFolder<'a>>,
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
    /// The dialect the folder is written in.
    pub dialect: DialectKind,
    replayed: OnceCell<Result<Schema, Diagnostics>>,
}

impl<'a> MigrationCx<'a> {
    /// Reads the folder at `path`. Only I/O problems are errors; everything else is a finding.
    pub fn load(path: &Path, input: &MigrationInput<'a>) -> Result<Self, Vec<Diagnostic>> {
        let scan = MigrationDir::scan(path).map_err(|ds| ds.0)?;
        let mut cx = MigrationCx {
            dir: scan.dir,
            input: *input,
            exists: path.exists(),
            bad_names: Vec::new(),
            not_utf8: Vec::new(),
            sum_error: None,
            sum_diffs: Vec::new(),
            dialect: DialectKind::Postgres,
            replayed: OnceCell::new(),
        };
        let mut unreadable = Vec::new();
        for problem in scan.problems {
            match problem {
                ScanProblem::NonUtf8Name(p) | ScanProblem::BadName(p) => cx.bad_names.push(p),
                ScanProblem::NotUtf8(p) => cx.not_utf8.push(p),
                ScanProblem::BadSum(line, msg) => cx.sum_error = Some((line, msg)),
                ScanProblem::Unreadable(d) => unreadable.push(d),
            }
        }
        if !unreadable.is_empty() {
            return Err(unreadable);
        }
        if cx.sum_error.is_none() {
            cx.sum_diffs = cx.dir.verify();
        }
        Ok(cx)
    }

    /// The folder read offline into the schema it builds (once, for every rule that asks).
    pub fn replayed(&self) -> &Result<Schema, Diagnostics> {
        self.replayed.get_or_init(|| {
            let names: Vec<String> = self
                .dir
                .files
                .iter()
                .map(|f| f.path.display().to_string())
                .collect();
            crate::sql::import_files(
                names
                    .iter()
                    .zip(&self.dir.files)
                    .map(|(n, f)| (n.as_str(), f.sql.as_str())),
                self.dialect,
            )
        })
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
                unless_later: None,
            })
    }

    pub fn sum_path(&self) -> PathBuf {
        self.dir.path.join(SUM_FILE)
    }

    /// A file's origin (line 1).
    pub fn file_origin(path: &Path) -> Origin {
        Origin {
            file: path.display().to_string().into(),
            line: 1,
            column: 1,
        }
    }
}

#[cfg(test)]
pub(crate) mod test_support {
    use super::*;
    use crate::guard::{check_migrations, testing::only, GuardConfig};
    use crate::migrate::{checksum, SumFile};
    use std::fs;

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

    pub fn run_as(
        code: &str,
        dir: &Path,
        input: &MigrationInput<'_>,
        dialect: DialectKind,
    ) -> Vec<Diagnostic> {
        let config = GuardConfig {
            dialect,
            ..only(code, GuardConfig::default())
        };
        check_migrations(dir, input, &config).expect("folder loads")
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
