//! The migration folder: numbered SQL files plus `schemactl.sum`, which together are the
//! state of a schema's history. No snapshot files, no journal.

mod sum;

use crate::files::special_kind;
use crate::files::{read_regular_file, ReadError};

/// The first line of a migration that runs outside a transaction, statement by statement.
pub const NO_TRANSACTION_LINE: &str = "-- schemactl:no-transaction\n";
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
    checksum_of(Sha256::new_with_prefix(bytes))
}

/// [`checksum`] of what `hasher` was given.
fn checksum_of(hasher: Sha256) -> String {
    let digest = hasher.finalize();
    let mut s = String::with_capacity(7 + 64);
    s.push_str("sha256:");
    for b in digest {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

fn file_origin(path: &Path) -> Origin {
    Origin {
        file: path.display().to_string().into(),
        line: 1,
        column: 1,
    }
}

/// The largest migration or sum file schemactl reads (a 50 MB generated migration is well
/// inside it); a larger one is refused rather than read into memory.
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// The largest version number: the tracking table stores versions as PostgreSQL `bigint`.
pub const MAX_VERSION: u64 = i64::MAX as u64;

/// Splits `0003_add_users.sql` into `(3, "add_users")`. `None` for anything that is not a
/// usable migration file name ([`file_name_problem`] says why).
pub fn parse_file_name(file_name: &str) -> Option<(u64, String)> {
    if file_name_problem(file_name).is_some() {
        return None;
    }
    let stem = file_name.strip_suffix(".sql")?;
    let (number, name) = stem.split_once('_').unwrap_or((stem, ""));
    Some((number.parse().ok()?, name.to_string()))
}

/// Why `file_name` is not a migration file name, or `None` when it is one.
pub fn file_name_problem(file_name: &str) -> Option<String> {
    let pattern = || Some("migration files are named `NNNN_name.sql`".to_string());
    let Some(stem) = file_name.strip_suffix(".sql") else {
        return pattern();
    };
    let (number, _) = stem.split_once('_').unwrap_or((stem, ""));
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
        return pattern();
    }
    file_name_detail(file_name)
}

/// For a name shaped `NNNN_name.sql`, what still makes it unusable: characters the sum file
/// and shells trip over, or a version too large to record. `None` when there is nothing.
pub fn file_name_detail(file_name: &str) -> Option<String> {
    if let Some(c) = file_name
        .chars()
        .find(|c| c.is_whitespace() || c.is_control() || matches!(c, '/' | '\\'))
    {
        let what = match c {
            ' ' => "a space".to_string(),
            '/' | '\\' => format!("a path separator `{c}`"),
            c if c.is_whitespace() => "whitespace".to_string(),
            c => format!("the control character U+{:04X}", c as u32),
        };
        return Some(format!(
            "a migration file name cannot hold {what}; use `_` between words"
        ));
    }
    let number: String = file_name
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    match number.parse::<u64>() {
        Ok(v) if v <= MAX_VERSION => None,
        _ if number.is_empty() => None,
        _ => Some(format!(
            "its version number is larger than {MAX_VERSION}, the largest a database can record"
        )),
    }
}

/// A diagnostic for a file that could not be read.
pub fn read_error(path: &Path, e: &ReadError) -> Diagnostic {
    let help = match e {
        ReadError::NotRegular(_) => {
            "migration folders hold regular files only; move it out of the folder"
        }
        ReadError::TooLarge { .. } => "split it into several migrations",
        ReadError::Io(_) => "check that the file exists and is readable",
    };
    Diagnostic::error("io", format!("cannot read `{}`: {e}", path.display())).help(help)
}

impl MigrationDir {
    /// Reads a folder that must exist: for every command but `generate`, a folder that is
    /// named but missing is a typo, not an empty history.
    pub fn open(path: &Path) -> Result<Self, Diagnostics> {
        if path.as_os_str().is_empty() {
            return Err(Diagnostic::error(
                "migrations::missing-folder",
                "the migration folder is given as an empty path",
            )
            .help("name the folder with --migrations DIR or `migrations:` in schemactl.yaml")
            .into());
        }
        if !path.exists() {
            return Err(missing_folder(path).into());
        }
        Self::load(path)
    }

    /// Reads the folder. A missing folder is an empty history; unreadable files, names that
    /// are not `NNNN_name.sql`, and two files with one number are errors.
    pub fn load(path: &Path) -> Result<Self, Diagnostics> {
        let Scan { mut dir, problems } = Self::scan(path)?;
        let mut errors = Diagnostics::default();
        for problem in problems {
            errors.push(problem.into_error(path));
        }
        dir.files.retain(|f| match f.sql.find('\0') {
            Some(at) => {
                errors.push(nul_byte(f, at));
                false
            }
            None => true,
        });
        for pair in dir.files.windows(2) {
            if pair[0].version == pair[1].version {
                errors.push(duplicate_version(&dir, &pair[0], &pair[1]));
            }
        }
        if errors.is_empty() {
            Ok(dir)
        } else {
            Err(errors)
        }
    }

    /// Reads every file of the folder without stopping at a problem: each is kept, in the
    /// order found, for the caller to refuse ([`MigrationDir::load`]) or report (guard's
    /// folder rules). A missing folder is empty; only a path that is no directory, or one
    /// that cannot be listed, is an error.
    pub fn scan(path: &Path) -> Result<Scan, Diagnostics> {
        let mut dir = MigrationDir {
            path: path.to_path_buf(),
            files: Vec::new(),
            sum: None,
        };
        let mut problems = Vec::new();
        if !path.exists() {
            return Ok(Scan { dir, problems });
        }
        if !path.is_dir() {
            return Err(Diagnostic::error(
                "migrations::not-a-directory",
                format!("`{}` is not a directory", path.display()),
            )
            .help("point `migrations:` in schemactl.yaml (or --migrations) at the migration folder")
            .into());
        }
        let mut names: Vec<String> = Vec::new();
        for entry in fs::read_dir(path).map_err(|e| io_error(path, &e))? {
            let entry = entry.map_err(|e| io_error(path, &e))?;
            match entry.file_name().into_string() {
                Ok(name) => names.push(name),
                // Named by its lossy spelling; never opened.
                Err(raw) => problems.push(ScanProblem::NonUtf8Name(
                    path.join(raw.to_string_lossy().as_ref()),
                )),
            }
        }
        names.sort();
        for file_name in names {
            let full = path.join(&file_name);
            if file_name == SUM_FILE {
                match read_text(&full) {
                    Ok(Some(text)) => match SumFile::parse(&text) {
                        Ok(sum) => dir.sum = Some(sum),
                        Err((line, msg)) => problems.push(ScanProblem::BadSum(line, msg)),
                    },
                    Ok(None) => problems.push(ScanProblem::BadSum(
                        1,
                        format!("{SUM_FILE} is not UTF-8 text"),
                    )),
                    Err(d) => problems.push(ScanProblem::Unreadable(d)),
                }
                continue;
            }
            // Sub-folders (`down/`) are skipped, unless named like a migration: a folder
            // `0004_x.sql` is a mistake to report, not a file to skip.
            if file_name.starts_with('.') || (is_subfolder(&full) && !file_name.ends_with(".sql")) {
                continue;
            }
            let Some((version, name)) = parse_file_name(&file_name) else {
                problems.push(ScanProblem::BadName(full));
                continue;
            };
            match read_text(&full) {
                Ok(Some(sql)) => dir.files.push(MigrationFile {
                    version,
                    name,
                    file_name,
                    path: full,
                    checksum: checksum(sql.as_bytes()),
                    sql,
                }),
                Ok(None) => problems.push(ScanProblem::NotUtf8(full)),
                Err(d) => problems.push(ScanProblem::Unreadable(d)),
            }
        }
        dir.files.sort_by(|a, b| {
            a.version
                .cmp(&b.version)
                .then(a.file_name.cmp(&b.file_name))
        });
        Ok(Scan { dir, problems })
    }

    /// The sum file this folder's files should have.
    pub fn expected_sum(&self) -> SumFile {
        self.sum_with(None)
    }

    /// The sum file this folder's files and `new` (file name, checksum) should have.
    fn sum_with(&self, new: Option<(String, String)>) -> SumFile {
        SumFile::of(
            self.files
                .iter()
                .map(|f| (f.file_name.clone(), f.checksum.clone()))
                .chain(new),
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

    /// A folder in memory only, holding `scripts` as its files: a script run as a migration.
    pub fn of_scripts<'a>(scripts: impl IntoIterator<Item = &'a str>) -> MigrationDir {
        MigrationDir {
            path: PathBuf::from("<scratch>"),
            files: Vec::new(),
            sum: None,
        }
        .with_planned(scripts)
    }

    pub fn next_version(&self) -> u64 {
        self.files.last().map_or(1, |f| f.version + 1)
    }

    /// Writes a new migration and the updated sum file; on any failure nothing is left behind.
    pub fn write_migration(&mut self, name: &str, sql: &str) -> Result<PathBuf, Diagnostics> {
        let mut paths = self.write_owned(vec![(name, sql.to_string())])?;
        Ok(paths.remove(0))
    }

    /// [`MigrationDir::write_migration`] for a script `render` hands over piece by piece (an
    /// initial migration can be tens of megabytes). The pieces are hashed and written on a
    /// second thread while the next ones are rendered; the piece strings go back and forth,
    /// so a few buffers carry the whole script. The folder is given up, as it would not hold
    /// the new file's text.
    pub fn write_migration_in_pieces(
        self,
        name: &str,
        render: impl FnOnce(&mut dyn FnMut(&mut String)) -> Result<(), Diagnostics>,
    ) -> Result<PathBuf, Diagnostics> {
        fs::create_dir_all(&self.path).map_err(|e| io_error(&self.path, &e))?;
        let file_name = format!("{:04}_{name}.sql", self.next_version());
        let path = self.path.join(&file_name);
        let mut staged = Staged::default();
        let mut hashed = None;
        let mut rendered = Ok(());
        staged
            .stage_with(&path, |file| {
                let hasher = std::thread::scope(|scope| {
                    let (to_write, written) = std::sync::mpsc::sync_channel::<String>(2);
                    let (give_back, spare) = std::sync::mpsc::channel::<String>();
                    let writer = std::thread::Builder::new().spawn_scoped(
                        scope,
                        move || -> std::io::Result<Sha256> {
                            let mut hasher = Sha256::new();
                            let mut offset = 0;
                            for mut piece in written {
                                hasher.update(piece.as_bytes());
                                file.write_all(piece.as_bytes())?;
                                start_writeback(file, offset, piece.len());
                                offset += piece.len() as u64;
                                piece.clear();
                                // The renderer may be done and gone; the buffer is then freed.
                                let _ = give_back.send(piece);
                            }
                            Ok(hasher)
                        },
                    )?;
                    rendered = render(&mut |piece: &mut String| {
                        let room = piece.capacity();
                        let next = spare
                            .try_recv()
                            .ok()
                            .filter(|s| s.capacity() >= room)
                            .unwrap_or_else(|| String::with_capacity(room));
                        // A writer that failed has stopped taking pieces; its error is
                        // what is reported, once it is joined.
                        let _ = to_write.send(std::mem::replace(piece, next));
                    });
                    drop(to_write);
                    writer
                        .join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                })?;
                hashed = Some(hasher);
                Ok(())
            })
            .map_err(|(path, e)| io_error(&path, &e))?;
        rendered?;
        let hasher = hashed.expect("a staged file was hashed");
        let sum = self.sum_with(Some((file_name, checksum_of(hasher))));
        // The sum goes last, as in `write_owned`.
        staged
            .stage(&self.path.join(SUM_FILE), sum.render().as_bytes())
            .and_then(|()| staged.commit())
            .map_err(|(failed, e)| {
                let _ = fs::remove_file(&path);
                io_error(&failed, &e)
            })?;
        Ok(path)
    }

    /// Writes several new migrations (numbered in order) and then the sum file, all or
    /// nothing: on any failure the files already written are removed again.
    pub fn write_migrations(
        &mut self,
        files: &[(&str, &str)],
    ) -> Result<Vec<PathBuf>, Diagnostics> {
        self.write_owned(
            files
                .iter()
                .map(|&(name, sql)| (name, sql.to_string()))
                .collect(),
        )
    }

    fn write_owned(&mut self, files: Vec<(&str, String)>) -> Result<Vec<PathBuf>, Diagnostics> {
        fs::create_dir_all(&self.path).map_err(|e| io_error(&self.path, &e))?;
        let first = self.next_version();
        let named: Vec<(u64, String, PathBuf)> = (first..)
            .zip(&files)
            .map(|(version, (name, _))| {
                let file_name = format!("{version:04}_{name}.sql");
                let path = self.path.join(&file_name);
                (version, file_name, path)
            })
            .collect();
        // The files are hashed (for the sum) while they are written: a large initial
        // migration takes as long to hash as to hand to the kernel.
        let mut staged = Staged::default();
        let checksums = std::thread::scope(|scope| {
            let hash_all = || -> Vec<String> {
                files
                    .iter()
                    .map(|(_, sql)| checksum(sql.as_bytes()))
                    .collect()
            };
            let hashing = std::thread::Builder::new()
                .spawn_scoped(scope, hash_all)
                .ok();
            for ((_, _, path), (_, sql)) in named.iter().zip(&files) {
                staged.stage(path, sql.as_bytes())?;
            }
            Ok(match hashing {
                Some(handle) => handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                None => hash_all(),
            })
        })
        .map_err(|(path, e): (PathBuf, std::io::Error)| io_error(&path, &e))?;
        let before = self.files.len();
        for (((version, file_name, path), (name, sql)), checksum) in
            named.into_iter().zip(files).zip(checksums)
        {
            self.files.push(MigrationFile {
                version,
                name: name.to_string(),
                file_name,
                path,
                checksum,
                sql,
            });
        }
        let sum = self.expected_sum();
        let sum_path = self.path.join(SUM_FILE);
        // The sum goes last: until it is in place, the folder reads as the old one plus
        // unrecorded files, never as a sum naming files that are missing.
        let committed = staged
            .stage(&sum_path, sum.render().as_bytes())
            .and_then(|()| staged.commit());
        if let Err((path, e)) = committed {
            for f in self.files.drain(before..) {
                let _ = fs::remove_file(&f.path);
            }
            return Err(io_error(&path, &e));
        }
        self.sum = Some(sum);
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

/// Whether `path` is a folder (`down/`), which a migration folder may hold and schemactl
/// skips; a symlink is followed, a broken one is not a folder.
fn is_subfolder(path: &Path) -> bool {
    fs::metadata(path).is_ok_and(|m| m.is_dir())
}

/// A folder read by [`MigrationDir::scan`]: the files it could read, and what it could not.
pub struct Scan {
    pub dir: MigrationDir,
    pub problems: Vec<ScanProblem>,
}

/// A problem a folder scan found.
pub enum ScanProblem {
    /// A name that is not UTF-8, by its lossy spelling.
    NonUtf8Name(PathBuf),
    /// A name that is not `NNNN_name.sql`.
    BadName(PathBuf),
    /// A migration that is not UTF-8 text.
    NotUtf8(PathBuf),
    /// A migration or the sum file that could not be read.
    Unreadable(Diagnostic),
    /// The sum file is not UTF-8 or does not parse: line and message.
    BadSum(u32, String),
}

impl ScanProblem {
    /// The problem as the error that refuses the folder (`folder`: the folder scanned).
    fn into_error(self, folder: &Path) -> Diagnostic {
        let lossy = |p: &Path| {
            p.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        };
        match self {
            ScanProblem::NonUtf8Name(path) => Diagnostic::error(
                "migrations::bad-file-name",
                format!(
                    "`{}` in the migration folder has a name that is not UTF-8",
                    lossy(&path)
                ),
            )
            .help("rename it to `NNNN_name.sql` in plain characters, or move it out of the folder"),
            ScanProblem::BadName(path) => {
                let file_name = lossy(&path);
                let why = file_name_detail(&file_name)
                    .map(|w| format!(": {w}"))
                    .unwrap_or_default();
                Diagnostic::error("migrations::bad-file-name", format!("`{}` is not a migration file name{why}", file_name.escape_debug()))
                    .at(&file_origin(&path))
                    .help("migration files are named `NNNN_name.sql`; rename it, or move other files out of the folder")
            }
            ScanProblem::NotUtf8(path) => Diagnostic::error(
                "migrations::not-utf8",
                format!("`{}` is not UTF-8 text", lossy(&path)),
            )
            .at(&file_origin(&path))
            .help("save the file as UTF-8"),
            ScanProblem::Unreadable(d) => d,
            ScanProblem::BadSum(line, msg) => Diagnostic::error("migrations::bad-sum-file", msg)
                .at(&Origin {
                    file: folder.join(SUM_FILE).display().to_string().into(),
                    line,
                    column: 1,
                })
                .help(
                    "check the migration files, then regenerate it with `schemactl migrations rehash`",
                ),
        }
    }
}

/// A file's text: `None` when it is not UTF-8.
fn read_text(path: &Path) -> Result<Option<String>, Diagnostic> {
    let bytes = read_regular_file(path, MAX_FILE_BYTES).map_err(|e| read_error(path, &e))?;
    Ok(String::from_utf8(bytes).ok())
}

/// The error for a migration that holds a NUL byte at byte `at`.
fn nul_byte(f: &MigrationFile, at: usize) -> Diagnostic {
    let line = f.sql[..at].matches('\n').count() as u32 + 1;
    Diagnostic::error(
        "migrations::nul-byte",
        format!("`{}` holds a NUL byte (line {line}): SQL text cannot, and a database would stop reading at it or refuse the file", f.file_name),
    )
    .at(&Origin { file: f.path.display().to_string().into(), line, column: 1 })
    .help("remove it; the file was probably saved in another encoding (UTF-16?) or corrupted")
}

/// The error for a migration folder that does not exist.
pub fn missing_folder(path: &Path) -> Diagnostic {
    Diagnostic::error(
        "migrations::missing-folder",
        format!("migration folder `{}` does not exist", path.display()),
    )
    .help("check --migrations or `migrations:` in schemactl.yaml (relative to the config file); `schemactl generate` writes the first migration into a new folder")
}

/// Two files with one version.
fn duplicate_version(dir: &MigrationDir, a: &MigrationFile, b: &MigrationFile) -> Diagnostic {
    Diagnostic::error(
        "migrations::duplicate-version",
        format!(
            "`{}` and `{}` share version {}",
            a.file_name, b.file_name, a.version
        ),
    )
    .at(&file_origin(&b.path))
    .help(duplicate_version_help(dir.sum.as_ref(), a, b))
}

/// What to do about two files with one version. The one the sum file does not list is the
/// newcomer that should move; when the sum file cannot tell, both are named, with the warning
/// that an applied migration must keep its number.
pub fn duplicate_version_help(
    sum: Option<&SumFile>,
    a: &MigrationFile,
    b: &MigrationFile,
) -> String {
    let listed =
        |f: &MigrationFile| sum.is_some_and(|s| s.entries.iter().any(|(n, _)| n == &f.file_name));
    let newer = match (listed(a), listed(b)) {
        (true, false) => Some(b),
        (false, true) => Some(a),
        _ => None,
    };
    match newer {
        Some(f) => format!(
            "`{}` is the one {SUM_FILE} does not list, so it is the newer: move it after the others with `schemactl migrations renumber {}` (it also rehashes)",
            f.file_name, f.file_name
        ),
        None => format!(
            "two branches each added a migration with this number: move the one no database has applied after the others, `schemactl migrations renumber {}` (or `schemactl migrations renumber {}` if that is the unapplied one); never renumber an applied migration",
            b.file_name, a.file_name
        ),
    }
}

/// Moves `file_name` after every other migration (the next free number, same name) and
/// rewrites the sum file: the fix when two branches added the same number. Works on a folder
/// that has duplicate numbers, which [`MigrationDir::load`] refuses.
pub fn renumber(dir: &Path, file_name: &str) -> Result<PathBuf, Diagnostics> {
    if !dir.is_dir() {
        return Err(missing_folder(dir).into());
    }
    let Some((_, name)) = parse_file_name(file_name) else {
        let why = file_name_problem(file_name).unwrap_or_default();
        return Err(Diagnostic::error(
            "migrations::bad-file-name",
            format!("`{file_name}` is not a migration file name: {why}"),
        )
        .help("name the file as it is in the migration folder, e.g. `schemactl migrations renumber 0007_add_invoices.sql`")
        .into());
    };
    let from = dir.join(file_name);
    match fs::symlink_metadata(&from) {
        Err(_) => {
            return Err(Diagnostic::error(
                "migrations::missing-file",
                format!("`{}` does not exist", from.display()),
            )
            .help("name a file of the migration folder (`--migrations DIR` says which folder)")
            .into())
        }
        Ok(m) if !m.is_file() => {
            return Err(read_error(
                &from,
                &ReadError::NotRegular(
                    special_kind(&m.file_type()).unwrap_or("not a regular file"),
                ),
            )
            .into())
        }
        Ok(_) => {}
    }
    let mut max = 0;
    for entry in fs::read_dir(dir).map_err(|e| io_error(dir, &e))? {
        let entry = entry.map_err(|e| io_error(dir, &e))?;
        if let Some((v, _)) = parse_file_name(&entry.file_name().to_string_lossy()) {
            max = max.max(v);
        }
    }
    if max >= MAX_VERSION {
        return Err(Diagnostic::error(
            "migrations::version-overflow",
            format!("no version is left after {max}"),
        )
        .into());
    }
    let to = dir.join(format!("{:04}_{name}.sql", max + 1));
    // Check the rest of the folder before moving anything: the move must not leave a folder
    // that cannot be rehashed.
    fs::rename(&from, &to).map_err(|e| io_error(&from, &e))?;
    let mut loaded = match MigrationDir::load(dir) {
        Ok(d) => d,
        Err(ds) => {
            let _ = fs::rename(&to, &from);
            return Err(ds);
        }
    };
    loaded.write_sum()?;
    Ok(to)
}

/// Writes through a temporary file and a rename, so a crash never leaves half a file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut staged = Staged::default();
    staged
        .stage(path, bytes)
        .and_then(|()| staged.commit())
        .map_err(|(_, e)| e)
}

/// Files written under temporary names beside their targets, to be flushed to disk and
/// renamed into place together by [`Staged::commit`], in the order staged. On failure no
/// temporary file is left; files already renamed are the caller's to remove. What is not
/// committed is removed when this drops.
#[derive(Default)]
struct Staged {
    /// Target, temporary file, and the open file.
    files: Vec<(PathBuf, PathBuf, fs::File)>,
}

impl Staged {
    fn stage(&mut self, path: &Path, bytes: &[u8]) -> Result<(), (PathBuf, std::io::Error)> {
        self.stage_with(path, |f| f.write_all(bytes))
    }

    /// Stages the file `write` writes.
    fn stage_with(
        &mut self,
        path: &Path,
        write: impl FnOnce(&mut fs::File) -> std::io::Result<()>,
    ) -> Result<(), (PathBuf, std::io::Error)> {
        let tmp = temporary_path(path);
        match fs::File::create(&tmp).and_then(|mut f| write(&mut f).map(|()| f)) {
            Ok(file) => {
                self.files.push((path.to_path_buf(), tmp, file));
                Ok(())
            }
            Err(e) => {
                let _ = fs::remove_file(&tmp);
                Err((path.to_path_buf(), e))
            }
        }
    }

    /// Flushes every file to disk, side by side (each waits on the disk, not the processor),
    /// and only then renames them, in the order staged.
    fn commit(mut self) -> Result<(), (PathBuf, std::io::Error)> {
        let synced: Vec<std::io::Result<()>> = std::thread::scope(|scope| {
            let Some(((_, _, first), rest)) = self.files.split_first() else {
                return Vec::new();
            };
            let others: Vec<_> = rest
                .iter()
                .map(|(_, _, f)| {
                    let flush = std::thread::Builder::new().spawn_scoped(scope, || f.sync_all());
                    (f, flush)
                })
                .collect();
            let mut results = vec![first.sync_all()];
            for (f, flush) in others {
                results.push(match flush {
                    Ok(handle) => handle.join().unwrap_or_else(|_| {
                        Err(std::io::Error::other("flushing the file to disk failed"))
                    }),
                    // No thread to spare: flush it here.
                    Err(_) => f.sync_all(),
                });
            }
            results
        });
        for ((path, _, _), result) in self.files.iter().zip(synced) {
            result.map_err(|e| (path.clone(), e))?;
        }
        let mut in_order = std::mem::take(&mut self.files).into_iter();
        while let Some((path, tmp, file)) = in_order.next() {
            drop(file);
            if let Err(e) = fs::rename(&tmp, &path) {
                let _ = fs::remove_file(&tmp);
                for (_, later, _) in in_order {
                    let _ = fs::remove_file(later);
                }
                return Err((path, e));
            }
        }
        Ok(())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        for (_, tmp, _) in &self.files {
            let _ = fs::remove_file(tmp);
        }
    }
}

/// Asks the kernel to start writing `len` bytes at `offset` of `file` to disk now, so the
/// flush before the rename finds little left to write (a large first migration's flush
/// otherwise waits for all of it). Only a hint: the flush is what makes the file durable.
#[cfg(target_os = "linux")]
fn start_writeback(file: &fs::File, offset: u64, len: usize) {
    use std::os::fd::AsRawFd;
    let (Ok(offset), Ok(len)) = (i64::try_from(offset), i64::try_from(len)) else {
        return;
    };
    // SAFETY: the descriptor is open for the call's length (borrowed from `file`), and the
    // call only schedules I/O on it; no memory is passed.
    unsafe {
        libc::sync_file_range(file.as_raw_fd(), offset, len, libc::SYNC_FILE_RANGE_WRITE);
    }
}

#[cfg(not(target_os = "linux"))]
fn start_writeback(_: &fs::File, _: u64, _: usize) {}

/// The temporary file beside `path` that [`Staged::commit`] renames into place.
fn temporary_path(path: &Path) -> PathBuf {
    let dir = path.parent().unwrap_or(Path::new("."));
    dir.join(format!(
        ".{}.tmp-{}",
        path.file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("schemactl"),
        std::process::id()
    ))
}

pub fn io_error(path: &Path, e: &std::io::Error) -> Diagnostics {
    Diagnostic::error(
        "io",
        format!("cannot read or write `{}`: {e}", path.display()),
    )
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Stages `files` in order and commits them; the error names the file that failed.
    fn write_all(files: &[(&Path, &[u8])]) -> Result<(), (PathBuf, std::io::Error)> {
        let mut staged = Staged::default();
        for (path, bytes) in files {
            staged.stage(path, bytes)?;
        }
        staged.commit()
    }

    fn temporaries(dir: &Path) -> Vec<String> {
        fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.contains(".tmp-"))
            .collect()
    }

    #[test]
    fn files_written_together_are_all_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a.sql"), dir.path().join("b.sql"));
        write_all(&[(&a, b"one"), (&b, b"two")]).unwrap();
        assert_eq!(fs::read_to_string(&a).unwrap(), "one");
        assert_eq!(fs::read_to_string(&b).unwrap(), "two");
        assert_eq!(temporaries(dir.path()), Vec::<String>::new());
    }

    /// A rename that fails stops the ones after it and leaves no temporary file; what was
    /// renamed before it stays for the caller to remove.
    #[test]
    fn a_failed_rename_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.sql");
        let blocked = dir.path().join("b.sql");
        fs::create_dir(&blocked).unwrap();
        fs::write(blocked.join("inside"), "x").unwrap();
        let c = dir.path().join("c.sql");
        let (failed, _) = write_all(&[(&a, b"a"), (&blocked, b"b"), (&c, b"c")])
            .expect_err("a file cannot replace a folder");
        assert_eq!(failed, blocked);
        assert_eq!(fs::read_to_string(&a).unwrap(), "a");
        assert!(!c.exists());
        assert_eq!(temporaries(dir.path()), Vec::<String>::new());
    }

    /// A file that cannot be written stops everything before any rename.
    #[test]
    fn a_failed_write_renames_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.sql");
        let b = dir.path().join("b.sql");
        fs::create_dir(temporary_path(&b)).unwrap();
        let (failed, _) =
            write_all(&[(&a, b"a"), (&b, b"b")]).expect_err("the temporary is a folder");
        assert_eq!(failed, b);
        assert!(!a.exists());
        // Only the folder in the way is left.
        assert_eq!(
            temporaries(dir.path()),
            vec![format!(".b.sql.tmp-{}", std::process::id())]
        );
    }
}
