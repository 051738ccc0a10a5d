//! The migration folder: numbered SQL files plus `schemactl.sum`, which together are the
//! state of a schema's history. No snapshot files, no journal.

mod sum;

pub use sum::{SumFile, SUM_FILE};

use crate::diag::{Diagnostic, Diagnostics};
use crate::model::Origin;
use sha2::{Digest, Sha256};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// One migration file, `NNNN_name.sql`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationFile {
    pub version: u64,
    /// The part after the number, without `.sql`.
    pub name: String,
    pub file_name: String,
    pub path: PathBuf,
    pub sql: String,
    /// `sha256:<hex>` of the file's bytes.
    pub checksum: String,
}

/// A migration folder as found on disk, files in version order.
#[derive(Debug, Clone)]
pub struct MigrationDir {
    pub path: PathBuf,
    pub files: Vec<MigrationFile>,
    /// The sum file, if present.
    pub sum: Option<SumFile>,
}

pub fn checksum(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut s = String::with_capacity(7 + 64);
    s.push_str("sha256:");
    for b in digest {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

fn file_origin(path: &Path) -> Origin {
    Origin {
        file: path.display().to_string(),
        line: 1,
        column: 1,
    }
}

/// Splits `0003_add_users.sql` into `(3, "add_users")`.
pub fn parse_file_name(file_name: &str) -> Option<(u64, String)> {
    let stem = file_name.strip_suffix(".sql")?;
    let (number, name) = stem.split_once('_').unwrap_or((stem, ""));
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((number.parse().ok()?, name.to_string()))
}

impl MigrationDir {
    /// Reads the folder. A missing folder is an empty history; unreadable files, names that
    /// are not `NNNN_name.sql`, and two files with one number are errors.
    pub fn load(path: &Path) -> Result<Self, Diagnostics> {
        let mut dir = MigrationDir {
            path: path.to_path_buf(),
            files: Vec::new(),
            sum: None,
        };
        if !path.exists() {
            return Ok(dir);
        }
        if !path.is_dir() {
            return Err(Diagnostic::error(
                "migrations::not-a-directory",
                format!("`{}` is not a directory", path.display()),
            )
            .help("point `migrations:` in schemactl.yaml (or --migrations) at the migration folder")
            .into());
        }
        let mut errors = Diagnostics::default();
        let entries = fs::read_dir(path).map_err(|e| io_error(path, &e))?;
        let mut names: Vec<String> = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| io_error(path, &e))?;
            names.push(entry.file_name().to_string_lossy().into_owned());
        }
        names.sort();
        for file_name in names {
            let full = path.join(&file_name);
            if file_name == SUM_FILE {
                let text = fs::read_to_string(&full).map_err(|e| io_error(&full, &e))?;
                match SumFile::parse(&text) {
                    Ok(sum) => dir.sum = Some(sum),
                    Err((line, msg)) => errors.push(
                        Diagnostic::error("migrations::bad-sum-file", msg)
                            .at(&Origin { file: full.display().to_string(), line, column: 1 })
                            .help("regenerate it with `schemactl migrations rehash` after checking the files"),
                    ),
                }
                continue;
            }
            if file_name.starts_with('.') || full.is_dir() {
                continue;
            }
            let Some((version, name)) = parse_file_name(&file_name) else {
                errors.push(
                    Diagnostic::error("migrations::bad-file-name", format!("`{file_name}` is not a migration file name"))
                        .at(&file_origin(&full))
                        .help("migration files are named `NNNN_name.sql`; move other files out of the folder"),
                );
                continue;
            };
            let bytes = fs::read(&full).map_err(|e| io_error(&full, &e))?;
            let sql = match String::from_utf8(bytes) {
                Ok(s) => s,
                Err(_) => {
                    errors.push(
                        Diagnostic::error(
                            "migrations::not-utf8",
                            format!("`{file_name}` is not UTF-8 text"),
                        )
                        .at(&file_origin(&full)),
                    );
                    continue;
                }
            };
            dir.files.push(MigrationFile {
                version,
                name,
                file_name,
                path: full,
                checksum: checksum(sql.as_bytes()),
                sql,
            });
        }
        dir.files.sort_by(|a, b| {
            a.version
                .cmp(&b.version)
                .then(a.file_name.cmp(&b.file_name))
        });
        for pair in dir.files.windows(2) {
            if pair[0].version == pair[1].version {
                errors.push(
                    Diagnostic::error(
                        "migrations::duplicate-version",
                        format!("`{}` and `{}` share version {}", pair[0].file_name, pair[1].file_name, pair[0].version),
                    )
                    .at(&file_origin(&pair[1].path))
                    .help(format!(
                        "two branches each added a migration with this number: move yours after the others with `schemactl migrations renumber {}` (it also rehashes)",
                        pair[1].file_name
                    )),
                );
            }
        }
        if errors.is_empty() {
            Ok(dir)
        } else {
            Err(errors)
        }
    }

    /// The sum file this folder's files should have.
    pub fn expected_sum(&self) -> SumFile {
        SumFile::of(
            self.files
                .iter()
                .map(|f| (f.file_name.clone(), f.checksum.clone())),
        )
    }

    /// Compares the folder with its sum file: every edited, missing, extra or reordered file.
    pub fn verify(&self) -> Vec<Diagnostic> {
        let sum_path = self.path.join(SUM_FILE);
        let Some(sum) = &self.sum else {
            if self.files.is_empty() {
                return Vec::new();
            }
            return vec![Diagnostic::error("migrations::missing-sum", format!("`{}` is missing", sum_path.display()))
                .help("`schemactl generate` writes it; if the files are as intended, `schemactl migrations rehash` recreates it")];
        };
        sum.compare(&self.expected_sum(), &self.path)
    }

    /// A folder that exists only in memory (files as `(file name, text)`, e.g. read from git),
    /// with the sum its files have, so it can be applied to a scratch database.
    pub fn in_memory(label: &Path, files: &[(String, String)]) -> MigrationDir {
        let mut dir = MigrationDir {
            path: label.to_path_buf(),
            files: files
                .iter()
                .filter_map(|(file_name, sql)| {
                    let (version, name) = parse_file_name(file_name)?;
                    Some(MigrationFile {
                        version,
                        name,
                        file_name: file_name.clone(),
                        path: label.join(file_name),
                        sql: sql.clone(),
                        checksum: checksum(sql.as_bytes()),
                    })
                })
                .collect(),
            sum: None,
        };
        dir.files.sort_by_key(|f| f.version);
        dir.sum = Some(dir.expected_sum());
        dir
    }

    /// This folder with `scripts` appended as the next numbered files, in memory only (the
    /// sum is recomputed so the copy verifies): how a plan is proven before it is written.
    pub fn with_planned<'a>(&self, scripts: impl IntoIterator<Item = &'a str>) -> MigrationDir {
        let mut copy = self.clone();
        for sql in scripts {
            let version = copy.next_version();
            let file_name = format!("{version:04}_planned.sql");
            copy.files.push(MigrationFile {
                version,
                name: "planned".into(),
                path: copy.path.join(&file_name),
                file_name,
                sql: sql.to_string(),
                checksum: checksum(sql.as_bytes()),
            });
        }
        copy.sum = Some(copy.expected_sum());
        copy
    }

    pub fn next_version(&self) -> u64 {
        self.files.last().map_or(1, |f| f.version + 1)
    }

    /// Writes a new migration and the updated sum file; on any failure nothing is left behind.
    pub fn write_migration(&mut self, name: &str, sql: &str) -> Result<PathBuf, Diagnostics> {
        let mut paths = self.write_migrations(&[(name, sql)])?;
        Ok(paths.remove(0))
    }

    /// Writes several new migrations (numbered in order) and then the sum file, all or
    /// nothing: on any failure the files already written are removed again.
    pub fn write_migrations(
        &mut self,
        files: &[(&str, &str)],
    ) -> Result<Vec<PathBuf>, Diagnostics> {
        fs::create_dir_all(&self.path).map_err(|e| io_error(&self.path, &e))?;
        let before = self.files.len();
        let undo = |dir: &mut MigrationDir| {
            for f in dir.files.drain(before..) {
                let _ = fs::remove_file(&f.path);
            }
        };
        for (name, sql) in files {
            let version = self.next_version();
            let file_name = format!("{version:04}_{name}.sql");
            let path = self.path.join(&file_name);
            if let Err(e) = write_atomic(&path, sql.as_bytes()) {
                undo(self);
                return Err(io_error(&path, &e));
            }
            self.files.push(MigrationFile {
                version,
                name: name.to_string(),
                file_name,
                path,
                sql: sql.to_string(),
                checksum: checksum(sql.as_bytes()),
            });
        }
        if let Err(e) = self.write_sum() {
            undo(self);
            return Err(e);
        }
        Ok(self.files[before..]
            .iter()
            .map(|f| f.path.clone())
            .collect())
    }

    /// Rewrites the sum file from the files as they are.
    pub fn write_sum(&mut self) -> Result<(), Diagnostics> {
        let sum = self.expected_sum();
        let path = self.path.join(SUM_FILE);
        write_atomic(&path, sum.render().as_bytes()).map_err(|e| io_error(&path, &e))?;
        self.sum = Some(sum);
        Ok(())
    }
}

/// Moves `file_name` after every other migration (the next free number, same name) and
/// rewrites the sum file: the fix when two branches added the same number. Works on a folder
/// that has duplicate numbers, which [`MigrationDir::load`] refuses.
pub fn renumber(dir: &Path, file_name: &str) -> Result<PathBuf, Diagnostics> {
    let from = dir.join(file_name);
    let Some((_, name)) = parse_file_name(file_name) else {
        return Err(Diagnostic::error(
            "migrations::bad-file-name",
            format!("`{file_name}` is not a migration file name"),
        )
        .into());
    };
    if !from.is_file() {
        return Err(Diagnostic::error(
            "migrations::missing-file",
            format!("`{}` does not exist", from.display()),
        )
        .into());
    }
    let mut max = 0;
    for entry in fs::read_dir(dir).map_err(|e| io_error(dir, &e))? {
        let entry = entry.map_err(|e| io_error(dir, &e))?;
        if let Some((v, _)) = parse_file_name(&entry.file_name().to_string_lossy()) {
            max = max.max(v);
        }
    }
    let to = dir.join(format!("{:04}_{name}.sql", max + 1));
    fs::rename(&from, &to).map_err(|e| io_error(&from, &e))?;
    let mut loaded = MigrationDir::load(dir)?;
    loaded.write_sum()?;
    Ok(to)
}

/// Writes through a temporary file and a rename, so a crash never leaves half a file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let tmp = dir.join(format!(
        ".{}.tmp-{}",
        path.file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("schemactl"),
        std::process::id()
    ));
    let result = (|| {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

pub fn io_error(path: &Path, e: &std::io::Error) -> Diagnostics {
    Diagnostic::error(
        "io",
        format!("cannot read or write `{}`: {e}", path.display()),
    )
    .into()
}
