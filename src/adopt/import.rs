//! `schemactl import --from <layout> DIR`: another tool's migration folder, read by that
//! tool's own rules, written as a schemactl folder with each file's SQL unchanged.
//!
//! Ordering follows the source tool: Diesel and Atlas sort by version text, sqlx and
//! golang-migrate by version number, dbmate by file name, Flyway by its dotted version parts,
//! drizzle-kit by its journal. Versions are kept when they are distinct integers in that order
//! (so `__diesel_schema_migrations`, `_sqlx_migrations`, `schema_migrations` and
//! `atlas_schema_revisions` rows name our versions directly); otherwise the folder is numbered
//! 1..N in the tool's order and each file keeps the tool's own stem as its name. Anomalies
//! (duplicate versions, files a journal does not list, journal and file order that disagree,
//! journal time going backwards, repeatable migrations, edited files under a sum) are
//! warnings that say what was decided and why; unreadable input is an error, and then nothing
//! is written.

use crate::diag::{Diagnostic, Diagnostics, Severity};
use crate::files::read_regular_file;
use crate::migrate::{self, checksum, read_error, SumFile, MAX_FILE_BYTES};
use crate::model::Origin;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// The first line an imported file gains when its tool said "no transaction" in its own way
/// (sqlx `-- no-transaction`, dbmate `transaction:false`, Atlas `txmode none`, Diesel
/// `run_in_transaction = false`); the rest of the file is the tool's text, byte for byte.
pub use crate::migrate::NO_TRANSACTION_LINE;

/// A migration tool's folder layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Layout {
    /// `<timestamp>_<name>/up.sql` (+ `down.sql`, `metadata.toml`)
    Diesel,
    /// `<version>_<name>.sql`, or `.up.sql` / `.down.sql`
    Sqlx,
    /// `<version>_<name>.up.sql` / `.down.sql`
    GolangMigrate,
    /// `<version>_<name>.sql` with `-- migrate:up` / `-- migrate:down` sections
    Dbmate,
    /// `V<version>__<description>.sql` (`U` undo, `R__` repeatable)
    Flyway,
    /// `meta/_journal.json` plus `<tag>.sql`
    #[value(alias = "drizzle")]
    DrizzleKit,
    /// `<version>_<name>.sql` plus `atlas.sum`
    Atlas,
}

impl Layout {
    pub const ALL: [Layout; 7] = [
        Layout::Diesel,
        Layout::Sqlx,
        Layout::GolangMigrate,
        Layout::Dbmate,
        Layout::Flyway,
        Layout::DrizzleKit,
        Layout::Atlas,
    ];

    /// The name `--from` takes.
    pub fn flag(self) -> &'static str {
        match self {
            Layout::Diesel => "diesel",
            Layout::Sqlx => "sqlx",
            Layout::GolangMigrate => "golang-migrate",
            Layout::Dbmate => "dbmate",
            Layout::Flyway => "flyway",
            Layout::DrizzleKit => "drizzle-kit",
            Layout::Atlas => "atlas",
        }
    }

    /// The tool's own ordering rule, as reports state it.
    pub fn ordering_rule(self) -> &'static str {
        match self {
            Layout::Diesel => "Diesel runs folders in the order of their version text (the name before the first `_`, dashes removed)",
            Layout::Sqlx => "sqlx runs files in the order of their version number",
            Layout::GolangMigrate => "golang-migrate runs files in the order of their version number",
            Layout::Dbmate => "dbmate runs files in the order of their file names",
            Layout::Flyway => "Flyway runs versioned files in the order of their version parts (1.2 < 1.10 < 2)",
            Layout::DrizzleKit => "drizzle-orm runs the files meta/_journal.json lists, in its order",
            Layout::Atlas => "Atlas runs files in the order of their file names, as atlas.sum lists them",
        }
    }
}

impl std::fmt::Display for Layout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.flag())
    }
}

/// One migration as it will be written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportedMigration {
    pub version: u64,
    pub name: String,
    /// `NNNN_name.sql`
    pub file_name: String,
    /// The file's text: the tool's SQL unchanged (after [`NO_TRANSACTION_LINE`] when the tool
    /// said so).
    pub sql: String,
    pub down: Option<String>,
    /// Where it came from, relative to the source folder.
    pub source: String,
    /// The version the old tool records for it (drizzle-kit: the journal tag).
    pub source_version: String,
}

/// A folder read from another tool's layout: what will be written, and every anomaly.
#[derive(Debug, Clone)]
pub struct Import {
    pub layout: Layout,
    pub source: PathBuf,
    pub migrations: Vec<ImportedMigration>,
    /// The folder is numbered 1..N (the tool's versions were not usable as ours).
    pub renumbered: bool,
    /// Anomalies and decisions (warnings), in a stable order.
    pub notes: Vec<Diagnostic>,
}

impl Import {
    /// The files to write, relative to the target folder (migrations, `down/` files, the sum),
    /// in a stable order: the same source gives the same bytes.
    pub fn files(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        for m in &self.migrations {
            out.push((m.file_name.clone(), m.sql.clone()));
        }
        for m in &self.migrations {
            if let Some(down) = &m.down {
                out.push((format!("down/{}", m.file_name), down.clone()));
            }
        }
        let sum = SumFile::of(
            self.migrations
                .iter()
                .map(|m| (m.file_name.clone(), checksum(m.sql.as_bytes()))),
        );
        out.push((migrate::SUM_FILE.to_string(), sum.render()));
        out
    }

    /// The imported folder in memory, for baselining before anything is written.
    pub fn as_dir(&self, label: &Path) -> migrate::MigrationDir {
        let files: Vec<(String, String)> = self
            .migrations
            .iter()
            .map(|m| (m.file_name.clone(), m.sql.clone()))
            .collect();
        migrate::MigrationDir::in_memory(label, &files)
    }
}

/// A migration found in the source, before versions are decided.
struct Candidate {
    /// Relative path of the up file (or folder).
    source: String,
    /// The tool's version text.
    version: String,
    /// The version as a number, when the tool's version is one.
    number: Option<u64>,
    /// The key two files collide on (the normalized version).
    key: String,
    /// Name when the version is kept (the part after the version).
    name: String,
    /// Name when the folder is renumbered (the tool's whole stem).
    stem: String,
    up: String,
    down: Option<String>,
    /// The tool's own "no transaction" marker, when it had one: what it was.
    no_transaction: Option<String>,
}

fn warning(code: &str, message: String, decision: String) -> Diagnostic {
    let mut d = Diagnostic::error(code, message).help(decision);
    d.severity = Severity::Warning;
    d
}

fn origin(path: &Path) -> Origin {
    Origin {
        file: path.display().to_string().into(),
        line: 1,
        column: 1,
    }
}

/// A name our file names can hold: whitespace, control characters and slashes become `_`.
fn clean_name(s: &str) -> String {
    let cleaned: String = s
        .chars()
        .map(|c| {
            if c.is_whitespace() || c.is_control() || matches!(c, '/' | '\\') {
                '_'
            } else {
                c
            }
        })
        .collect();
    if cleaned.is_empty() {
        "migration".to_string()
    } else {
        cleaned
    }
}

/// Reads a source file as UTF-8 text without NUL bytes.
fn read_text(path: &Path, errors: &mut Diagnostics) -> Option<String> {
    let bytes = match read_regular_file(path, MAX_FILE_BYTES) {
        Ok(b) => b,
        Err(e) => {
            errors.push(read_error(path, &e).help("fix or remove the file, then import again"));
            return None;
        }
    };
    let Ok(text) = String::from_utf8(bytes) else {
        errors.push(
            Diagnostic::error(
                "import::not-utf8",
                format!("`{}` is not UTF-8 text", path.display()),
            )
            .at(&origin(path))
            .help("save it as UTF-8, then import again"),
        );
        return None;
    };
    if let Some(at) = text.find('\0') {
        let line = text[..at].matches('\n').count() as u32 + 1;
        errors.push(
            Diagnostic::error(
                "import::nul-byte",
                format!("`{}` holds a NUL byte (line {line})", path.display()),
            )
            .at(&Origin {
                file: path.display().to_string().into(),
                line,
                column: 1,
            })
            .help(
                "remove it (the file was probably saved as UTF-16 or corrupted), then import again",
            ),
        );
        return None;
    }
    Some(text)
}

/// The entries of a folder (names sorted), UTF-8 names only; others are errors.
fn entries(dir: &Path, errors: &mut Diagnostics) -> Vec<(String, PathBuf)> {
    let read = match fs::read_dir(dir) {
        Ok(r) => r,
        Err(e) => {
            errors.push(
                Diagnostic::error(
                    "import::unreadable-folder",
                    format!("cannot read `{}`: {e}", dir.display()),
                )
                .help("check the path and its permissions"),
            );
            return Vec::new();
        }
    };
    let mut out = Vec::new();
    for entry in read.flatten() {
        match entry.file_name().into_string() {
            Ok(name) if name.starts_with('.') => {}
            Ok(name) => out.push((name, entry.path())),
            Err(raw) => errors.push(
                Diagnostic::error(
                    "import::bad-file-name",
                    format!(
                        "`{}` in `{}` has a name that is not UTF-8",
                        raw.to_string_lossy(),
                        dir.display()
                    ),
                )
                .help("rename it in plain characters or move it out, then import again"),
            ),
        }
    }
    out.sort();
    out
}

fn is_dir(p: &Path) -> bool {
    fs::metadata(p).is_ok_and(|m| m.is_dir())
}

/// Guesses the layout of `dir` from its files. The second value is a note when the guess
/// had to choose between layouts that look alike.
pub fn detect(dir: &Path) -> Result<(Layout, Option<Diagnostic>), Diagnostics> {
    check_source(dir)?;
    let mut errors = Diagnostics::default();
    let list = entries(dir, &mut errors);
    if !errors.is_empty() {
        return Err(errors);
    }
    if dir.join("meta").join("_journal.json").exists() {
        return Ok((Layout::DrizzleKit, None));
    }
    if dir.join("atlas.sum").exists() {
        return Ok((Layout::Atlas, None));
    }
    if dir.join(migrate::SUM_FILE).exists() {
        return Err(Diagnostic::error(
            "import::already-schemactl",
            format!(
                "`{}` is already a schemactl migration folder (it has {})",
                dir.display(),
                migrate::SUM_FILE
            ),
        )
        .help("point --migrations at it instead of importing it")
        .into());
    }
    if list
        .iter()
        .any(|(_, p)| is_dir(p) && p.join("up.sql").exists())
    {
        return Ok((Layout::Diesel, None));
    }
    let sql: Vec<&String> = list
        .iter()
        .filter(|(n, p)| n.ends_with(".sql") && !is_dir(p))
        .map(|(n, _)| n)
        .collect();
    let flyway = |n: &str| {
        (n.starts_with('V') || n.starts_with('R') || n.starts_with('U')) && n.contains("__")
    };
    if !sql.is_empty() && sql.iter().all(|n| flyway(n)) {
        return Ok((Layout::Flyway, None));
    }
    if !sql.is_empty() && has_flyway_file(dir) && sql.iter().any(|n| flyway(n)) {
        return Ok((Layout::Flyway, None));
    }
    let updown: Vec<&&String> = sql
        .iter()
        .filter(|n| n.ends_with(".up.sql") || n.ends_with(".down.sql"))
        .collect();
    if !updown.is_empty() {
        // sqlx (`sqlx migrate add -r`) and golang-migrate name files alike and order them
        // alike; only the tracking table differs, and `--baseline auto` reads whichever
        // exists. Timestamps (14 digits and more) are sqlx's default.
        let timestamps = updown
            .iter()
            .all(|n| n.chars().take_while(|c| c.is_ascii_digit()).count() >= 14);
        let layout = if timestamps {
            Layout::Sqlx
        } else {
            Layout::GolangMigrate
        };
        let note = warning(
            "import::layout-guess",
            format!(
                "`{}` holds `.up.sql`/`.down.sql` files, which sqlx and golang-migrate both write; read as {}",
                dir.display(),
                layout.flag()
            ),
            format!(
                "both order by version number, so the folder is the same either way; {} because the versions {} timestamps. Pass --from sqlx or --from golang-migrate to say which",
                layout.flag(),
                if timestamps { "are" } else { "are not" }
            ),
        );
        return Ok((layout, Some(note)));
    }
    let mut dbmate = false;
    for (n, p) in &list {
        if n.ends_with(".sql") && !is_dir(p) {
            if let Ok(bytes) = read_regular_file(p, MAX_FILE_BYTES) {
                if String::from_utf8_lossy(&bytes)
                    .lines()
                    .any(|l| l.trim_start().starts_with("-- migrate:up"))
                {
                    dbmate = true;
                    break;
                }
            }
        }
    }
    if dbmate {
        return Ok((Layout::Dbmate, None));
    }
    if sql
        .iter()
        .any(|n| n.chars().next().is_some_and(|c| c.is_ascii_digit()))
    {
        return Ok((Layout::Sqlx, None));
    }
    Err(Diagnostic::error(
        "import::unknown-layout",
        format!(
            "cannot tell which tool wrote `{}`: it has no meta/_journal.json, atlas.sum, `<version>_<name>/up.sql` folders, `V<version>__<name>.sql`, `.up.sql` or numbered `.sql` files",
            dir.display()
        ),
    )
    .help(format!(
        "name the layout with --from ({}), or check that DIR is the folder holding the migrations",
        Layout::ALL.map(|l| l.flag()).join(", ")
    ))
    .into())
}

/// Every non-directory entry under `dir`, `depth` levels deep at most, sorted; linked
/// folders are not entered (no loops).
fn files_under(dir: &Path, depth: usize) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(read) = fs::read_dir(dir) else {
        return out;
    };
    for entry in read.flatten() {
        let path = entry.path();
        match fs::symlink_metadata(&path) {
            Ok(m) if m.is_dir() => {
                if depth > 0 {
                    out.extend(files_under(&path, depth - 1));
                }
            }
            Ok(_) => out.push(path),
            Err(_) => {}
        }
    }
    out.sort();
    out
}

/// Flyway scans sub-folders too.
fn has_flyway_file(dir: &Path) -> bool {
    files_under(dir, 6).iter().any(|p| {
        let n = p
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default();
        n.starts_with('V') && n.contains("__") && n.ends_with(".sql")
    })
}

fn check_source(dir: &Path) -> Result<(), Diagnostics> {
    if dir.as_os_str().is_empty() || !dir.exists() {
        return Err(Diagnostic::error(
            "import::missing-folder",
            format!("the folder to import, `{}`, does not exist", dir.display()),
        )
        .help("give the folder the old tool keeps its migrations in, e.g. `schemactl import --from diesel migrations`")
        .into());
    }
    if !is_dir(dir) {
        return Err(Diagnostic::error(
            "import::not-a-directory",
            format!("`{}` is not a directory", dir.display()),
        )
        .help("give the folder holding the migrations, not a file in it")
        .into());
    }
    Ok(())
}

/// Reads `dir` as `layout`, in the tool's order, deciding versions and noting every anomaly.
pub fn import_dir(dir: &Path, layout: Layout) -> Result<Import, Diagnostics> {
    check_source(dir)?;
    let mut errors = Diagnostics::default();
    let mut notes = Vec::new();
    let candidates = match layout {
        Layout::Diesel => diesel(dir, &mut errors, &mut notes),
        Layout::Sqlx => updown(dir, layout, &mut errors, &mut notes),
        Layout::GolangMigrate => updown(dir, layout, &mut errors, &mut notes),
        Layout::Dbmate => dbmate(dir, &mut errors, &mut notes),
        Layout::Flyway => flyway(dir, &mut errors, &mut notes),
        Layout::DrizzleKit => drizzle(dir, &mut errors, &mut notes),
        Layout::Atlas => atlas(dir, &mut errors, &mut notes),
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    if candidates.is_empty() {
        return Err(Diagnostic::error(
            "import::empty",
            format!("`{}` holds no {} migrations", dir.display(), layout.flag()),
        )
        .help("check the folder and --from; `--from auto` guesses the layout from the files")
        .into());
    }
    Ok(assemble(dir, layout, candidates, notes))
}

/// Decides versions and names, and notes duplicate versions, renumbering and directives.
fn assemble(
    dir: &Path,
    layout: Layout,
    candidates: Vec<Candidate>,
    mut notes: Vec<Diagnostic>,
) -> Import {
    // Duplicates, in order of first appearance.
    let mut by_key: BTreeMap<&str, Vec<&Candidate>> = BTreeMap::new();
    for c in &candidates {
        by_key.entry(&c.key).or_default().push(c);
    }
    let mut duplicates = false;
    for c in &candidates {
        let group = &by_key[c.key.as_str()];
        if group.len() > 1 && std::ptr::eq(group[0], c) {
            duplicates = true;
            let names: Vec<String> = group.iter().map(|c| format!("`{}`", c.source)).collect();
            let what = match layout {
                Layout::DrizzleKit => "drizzle-orm orders by the journal, not by number, so it runs them all; they are imported in journal order".to_string(),
                Layout::Flyway => "Flyway refuses to run a folder with one version twice; they are imported in file-name order so nothing is lost, and one of them cannot have been applied by Flyway".to_string(),
                Layout::Diesel | Layout::Sqlx | Layout::GolangMigrate | Layout::Dbmate | Layout::Atlas => format!(
                    "{} records one row per version, so at most one of them can have been applied; both are imported in file-name order so nothing is lost",
                    layout.flag()
                ),
            };
            notes.push(
                warning(
                    "import::duplicate-version",
                    format!("{} share version {}", names.join(" and "), c.key),
                    format!(
                        "{what}, and the folder is numbered 1..N because schemactl versions are unique; check which one your databases ran before `apply --baseline auto`"
                    ),
                )
                .at(&origin(&dir.join(&group[1].source))),
            );
        }
    }
    let kept = layout != Layout::DrizzleKit
        && !duplicates
        && candidates.iter().all(|c| c.number.is_some_and(|n| n > 0))
        && candidates
            .windows(2)
            .all(|w| w[0].number.unwrap_or(0) < w[1].number.unwrap_or(0));
    if !kept && !duplicates && layout != Layout::DrizzleKit {
        let why = if candidates.iter().any(|c| c.number.is_none()) {
            let odd = candidates
                .iter()
                .find(|c| c.number.is_none())
                .map(|c| c.version.clone())
                .unwrap_or_default();
            format!("its versions are not all whole numbers (`{odd}`)")
        } else if let Some(zero) = candidates.iter().find(|c| c.number == Some(0)) {
            format!(
                "`{}` has version {}, and schemactl versions start at 1",
                c_source(zero),
                zero.version
            )
        } else {
            "the numeric order of its versions is not the order it runs them in".to_string()
        };
        notes.push(warning(
            "import::renumbered",
            format!(
                "the folder is numbered 1..N in {}'s order: {why}",
                layout.flag()
            ),
            "each file keeps the tool's own name after its new number, and `apply --baseline auto` matches the old tool's rows by that name or by checksum".to_string(),
        ));
    }
    let mut migrations = Vec::new();
    for (i, c) in candidates.into_iter().enumerate() {
        let (version, name) = if kept {
            (c.number.unwrap_or(0), clean_name(&c.name))
        } else {
            (i as u64 + 1, clean_name(&c.stem))
        };
        let file_name = format!("{version:04}_{name}.sql");
        let sql = match &c.no_transaction {
            Some(marker) => {
                notes.push(warning(
                    "import::no-transaction",
                    format!("`{}` says it must run outside a transaction ({marker})", c.source),
                    format!("`{file_name}` starts with `-- schemactl:no-transaction`, which is how schemactl says it; the rest of the file is unchanged"),
                ));
                format!("{NO_TRANSACTION_LINE}{}", c.up)
            }
            None => c.up,
        };
        migrations.push(ImportedMigration {
            version,
            name,
            file_name,
            sql,
            down: c.down,
            source: c.source,
            source_version: c.version,
        });
    }
    Import {
        layout,
        source: dir.to_path_buf(),
        migrations,
        renumbered: !kept,
        notes,
    }
}

fn c_source(c: &Candidate) -> &str {
    &c.source
}

fn ignored(path: &Path, layout: Layout, why: &str) -> Diagnostic {
    warning(
        "import::ignored-file",
        format!(
            "`{}` is not a {} migration: {why}",
            path.display(),
            layout.flag()
        ),
        format!("not imported ({} skips it too)", layout.flag()),
    )
    .at(&origin(path))
}

/// Diesel: `<version>_<name>/up.sql`, the version being the text before the first `_` with
/// dashes removed; `down.sql` next to it; `metadata.toml` may say `run_in_transaction = false`.
fn diesel(dir: &Path, errors: &mut Diagnostics, notes: &mut Vec<Diagnostic>) -> Vec<Candidate> {
    let mut out = Vec::new();
    for (name, path) in entries(dir, errors) {
        if !is_dir(&path) {
            if name != "README.md" && name != ".keep" {
                notes.push(ignored(
                    &path,
                    Layout::Diesel,
                    "Diesel reads sub-folders only",
                ));
            }
            continue;
        }
        let up_path = path.join("up.sql");
        if !up_path.exists() {
            errors.push(
                Diagnostic::error(
                    "import::missing-file",
                    format!("the Diesel migration `{name}` has no up.sql"),
                )
                .at(&origin(&path))
                .help("Diesel refuses such a folder too: add its up.sql or remove the folder, then import again"),
            );
            continue;
        }
        let (raw_version, rest) = name.split_once('_').unwrap_or((&name, ""));
        let version = raw_version.replace('-', "");
        let Some(up) = read_text(&up_path, errors) else {
            continue;
        };
        let down_path = path.join("down.sql");
        let down = if down_path.exists() {
            read_text(&down_path, errors)
        } else {
            None
        };
        let meta = path.join("metadata.toml");
        let no_transaction = if meta.exists() {
            read_text(&meta, errors).and_then(|m| {
                m.lines()
                    .map(|l| l.split('#').next().unwrap_or("").replace(' ', ""))
                    .any(|l| l == "run_in_transaction=false")
                    .then(|| "metadata.toml: run_in_transaction = false".to_string())
            })
        } else {
            None
        };
        out.push(Candidate {
            source: format!("{name}/up.sql"),
            number: version.parse().ok().filter(|v| *v <= migrate::MAX_VERSION),
            key: version.clone(),
            version,
            name: if rest.is_empty() {
                name.clone()
            } else {
                rest.to_string()
            },
            stem: name.clone(),
            up,
            down,
            no_transaction,
        });
    }
    out.sort_by(|a, b| a.key.cmp(&b.key).then(a.source.cmp(&b.source)));
    out
}

/// sqlx (`<version>_<name>.sql`, `.up.sql`/`.down.sql`, `-- no-transaction` as first line)
/// and golang-migrate (`<version>_<name>.up.sql`/`.down.sql`): numeric version order.
fn updown(
    dir: &Path,
    layout: Layout,
    errors: &mut Diagnostics,
    notes: &mut Vec<Diagnostic>,
) -> Vec<Candidate> {
    let mut ups: Vec<(u64, String, String, PathBuf)> = Vec::new(); // (version, stem, name)
    let mut downs: BTreeMap<String, PathBuf> = BTreeMap::new();
    for (name, path) in entries(dir, errors) {
        if is_dir(&path) {
            continue;
        }
        let Some(base) = name.strip_suffix(".sql") else {
            notes.push(ignored(&path, layout, "it does not end in .sql"));
            continue;
        };
        let (stem, kind) = if let Some(s) = base.strip_suffix(".up") {
            (s, "up")
        } else if let Some(s) = base.strip_suffix(".down") {
            (s, "down")
        } else if layout == Layout::Sqlx {
            (base, "up")
        } else {
            notes.push(ignored(
                &path,
                layout,
                "golang-migrate files end in .up.sql or .down.sql",
            ));
            continue;
        };
        let (num, rest) = stem.split_once('_').unwrap_or((stem, ""));
        let Some(version) = num
            .parse::<u64>()
            .ok()
            .filter(|v| *v <= migrate::MAX_VERSION)
        else {
            errors.push(
                Diagnostic::error(
                    "import::bad-version",
                    format!("`{name}` does not start with a version number {} can read", layout.flag()),
                )
                .at(&origin(&path))
                .help(format!("{} names files `<version>_<name>.up.sql`; rename it or move it out, then import again", layout.flag())),
            );
            continue;
        };
        if kind == "down" {
            downs.insert(stem.to_string(), path);
        } else {
            ups.push((version, stem.to_string(), rest.to_string(), path));
        }
    }
    ups.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut out = Vec::new();
    for (version, stem, rest, path) in ups {
        let Some(up) = read_text(&path, errors) else {
            continue;
        };
        let down = match downs.remove(&stem) {
            Some(p) => read_text(&p, errors),
            None => None,
        };
        let no_transaction = (layout == Layout::Sqlx && up.starts_with("-- no-transaction"))
            .then(|| "sqlx's `-- no-transaction` first line".to_string());
        out.push(Candidate {
            source: path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            version: version.to_string(),
            number: Some(version),
            key: version.to_string(),
            name: if rest.is_empty() { stem.clone() } else { rest },
            stem,
            up,
            down,
            no_transaction,
        });
    }
    for path in downs.values() {
        notes.push(
            warning(
                "import::unpaired-down",
                format!("`{}` has no up file", path.display()),
                "not imported: a down file is only kept beside the migration it reverses".into(),
            )
            .at(&origin(path)),
        );
    }
    out
}

/// dbmate: `<version>_<name>.sql` in file-name order, with `-- migrate:up [transaction:false]`
/// and `-- migrate:down` sections.
fn dbmate(dir: &Path, errors: &mut Diagnostics, notes: &mut Vec<Diagnostic>) -> Vec<Candidate> {
    let mut out = Vec::new();
    for (name, path) in entries(dir, errors) {
        if is_dir(&path) {
            continue;
        }
        let Some(stem) = name.strip_suffix(".sql") else {
            notes.push(ignored(&path, Layout::Dbmate, "it does not end in .sql"));
            continue;
        };
        let digits: String = stem.chars().take_while(|c| c.is_ascii_digit()).collect();
        if digits.is_empty() {
            notes.push(ignored(
                &path,
                Layout::Dbmate,
                "its name does not start with a version number",
            ));
            continue;
        }
        let Some(text) = read_text(&path, errors) else {
            continue;
        };
        let Some(sections) = dbmate_sections(&text) else {
            errors.push(
                Diagnostic::error(
                    "import::no-up-section",
                    format!("`{name}` has no `-- migrate:up` line"),
                )
                .at(&origin(&path))
                .help("dbmate refuses such a file too: add the line before its SQL, then import again"),
            );
            continue;
        };
        let rest = stem[digits.len()..].trim_start_matches('_');
        out.push(Candidate {
            source: name.clone(),
            number: digits.parse().ok().filter(|v| *v <= migrate::MAX_VERSION),
            key: digits.clone(),
            version: digits,
            name: if rest.is_empty() {
                stem.to_string()
            } else {
                rest.to_string()
            },
            stem: stem.to_string(),
            up: sections.0,
            down: sections.1,
            no_transaction: sections
                .2
                .then(|| "dbmate's `-- migrate:up transaction:false`".to_string()),
        });
    }
    out
}

/// The up section, the down section (when it has one) and whether the up section says
/// `transaction:false`; `None` without a `-- migrate:up` line.
fn dbmate_sections(text: &str) -> Option<(String, Option<String>, bool)> {
    let mut up_start = None;
    let mut up_line = 0;
    let mut down_start = None;
    let mut no_tx = false;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        if t.starts_with("-- migrate:up") && up_start.is_none() {
            up_start = Some(offset + line.len());
            up_line = offset;
            no_tx = t.contains("transaction:false");
        } else if t.starts_with("-- migrate:down") && down_start.is_none() {
            down_start = Some((offset, offset + line.len()));
        }
        offset += line.len();
    }
    let up_start = up_start?;
    match down_start {
        Some((line_start, body)) if line_start >= up_start => Some((
            text[up_start..line_start].to_string(),
            Some(text[body..].to_string()),
            no_tx,
        )),
        Some((_, body)) => Some((
            text[up_start..].to_string(),
            Some(text[body..up_line.max(body)].to_string()),
            no_tx,
        )),
        None => Some((text[up_start..].to_string(), None, no_tx)),
    }
}

/// Flyway's version parts: `1.2_3` is [1, 2, 3]; trailing zeros do not count (1.0 = 1).
fn flyway_parts(v: &str) -> Option<Vec<u64>> {
    let mut parts: Vec<u64> = v
        .split(['.', '_'])
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    while parts.len() > 1 && parts.last() == Some(&0) {
        parts.pop();
    }
    Some(parts)
}

/// Flyway: `V<version>__<description>.sql` anywhere under the folder, ordered by version
/// parts; `U<version>__...` undo files become down files; `R__` repeatables are reported.
fn flyway(dir: &Path, errors: &mut Diagnostics, notes: &mut Vec<Diagnostic>) -> Vec<Candidate> {
    let mut found: Vec<(Vec<u64>, String, String, String, PathBuf)> = Vec::new();
    let mut undo: BTreeMap<Vec<u64>, PathBuf> = BTreeMap::new();
    let mut repeatables = Vec::new();
    for path in files_under(dir, 16) {
        let rel = path
            .strip_prefix(dir)
            .unwrap_or(&path)
            .display()
            .to_string();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if name.starts_with('.') {
            continue;
        }
        let Some(stem) = name.strip_suffix(".sql") else {
            notes.push(ignored(&path, Layout::Flyway, "it does not end in .sql"));
            continue;
        };
        if let Some(desc) = stem.strip_prefix("R__") {
            repeatables.push((rel, desc.to_string()));
            continue;
        }
        let prefix = stem.chars().next().unwrap_or(' ');
        let Some((version, desc)) = stem
            .get(1..)
            .and_then(|s| s.split_once("__"))
            .filter(|_| matches!(prefix, 'V' | 'U' | 'B'))
        else {
            notes.push(ignored(
                &path,
                Layout::Flyway,
                "Flyway names files `V<version>__<description>.sql`",
            ));
            continue;
        };
        let Some(parts) = flyway_parts(version) else {
            errors.push(
                Diagnostic::error(
                    "import::bad-version",
                    format!("`{rel}` has a version Flyway cannot read: `{version}`"),
                )
                .at(&origin(&path))
                .help("Flyway versions are numbers separated by `.` or `_` (V1_2__name.sql); rename it, then import again"),
            );
            continue;
        };
        match prefix {
            'U' => {
                undo.insert(parts, path);
            }
            'B' => notes.push(
                warning(
                    "import::baseline-migration",
                    format!("`{rel}` is a Flyway baseline migration"),
                    "not imported: it recreates what the versioned files before it built, for new databases only; schemactl runs the versioned files instead".into(),
                )
                .at(&origin(&path)),
            ),
            _ => found.push((parts, version.to_string(), desc.to_string(), rel, path)),
        }
    }
    found.sort_by(|a, b| a.0.cmp(&b.0).then(a.3.cmp(&b.3)));
    for (rel, desc) in &repeatables {
        notes.push(
            warning(
                "import::repeatable",
                format!("`{rel}` is a Flyway repeatable migration (`R__{desc}`), which Flyway re-runs whenever it changes"),
                "not imported: schemactl has no repeatable migrations. Declare what it creates (a view, a function) in the schema, or copy it into a new numbered migration after the import and rehash".into(),
            )
            .at(&origin(&dir.join(rel))),
        );
    }
    let mut out = Vec::new();
    for (parts, version, desc, rel, path) in found {
        let Some(up) = read_text(&path, errors) else {
            continue;
        };
        let down = match undo.remove(&parts) {
            Some(p) => read_text(&p, errors),
            None => None,
        };
        let key = parts
            .iter()
            .map(|p| p.to_string())
            .collect::<Vec<_>>()
            .join(".");
        out.push(Candidate {
            number: (parts.len() == 1)
                .then_some(parts[0])
                .filter(|v| *v <= migrate::MAX_VERSION),
            key: key.clone(),
            version: version.replace('_', "."),
            name: desc,
            stem: path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default(),
            up,
            down,
            source: rel,
            no_transaction: None,
        });
    }
    for path in undo.values() {
        notes.push(
            warning(
                "import::unpaired-down",
                format!("`{}` undoes a version no V file has", path.display()),
                "not imported: a down file is only kept beside the migration it reverses".into(),
            )
            .at(&origin(path)),
        );
    }
    out
}

#[derive(serde::Deserialize)]
struct Journal {
    #[serde(default)]
    dialect: Option<String>,
    entries: Vec<JournalEntry>,
}

#[derive(serde::Deserialize)]
struct JournalEntry {
    #[serde(default)]
    idx: Option<i64>,
    when: i64,
    tag: String,
    #[serde(default)]
    breakpoints: Option<bool>,
}

/// The number a drizzle tag starts with (`0005_brave_fox` -> `0005`).
fn tag_number(tag: &str) -> String {
    tag.split_once('_').map_or(tag, |(n, _)| n).to_string()
}

/// drizzle-kit: `meta/_journal.json` lists the migrations drizzle-orm runs, in its order;
/// `<tag>.sql` next to it. Files the journal does not list are reported and left out (no
/// database drizzle migrated ran them); journal order that differs from file order, reused
/// numbers and `when` going backwards (drizzle-orm then skips the entry on databases that
/// ran a later-stamped one) are reported.
fn drizzle(dir: &Path, errors: &mut Diagnostics, notes: &mut Vec<Diagnostic>) -> Vec<Candidate> {
    let Some(journal) = read_journal(dir, errors) else {
        return Vec::new();
    };
    let files: BTreeSet<String> = entries(dir, errors)
        .into_iter()
        .filter(|(n, p)| n.ends_with(".sql") && !is_dir(p))
        .map(|(n, _)| n)
        .collect();
    let mut seen = BTreeSet::new();
    let out = journal_candidates(dir, &journal, &files, &mut seen, errors, notes);
    note_journal_order(&journal, &out, notes);
    note_files_not_in_journal(dir, &files, &seen, &out, notes);
    out
}

/// A drizzle-kit journal, with its path and text for the reports.
struct JournalFile {
    path: PathBuf,
    text: String,
    journal: Journal,
}

impl JournalFile {
    /// Where an entry's tag stands in the journal.
    fn at_tag(&self, tag: &str) -> Origin {
        let needle = format!("\"{tag}\"");
        let line = self
            .text
            .find(&needle)
            .map_or(1, |i| self.text[..i].matches('\n').count() as u32 + 1);
        Origin {
            file: self.path.display().to_string().into(),
            line,
            column: 1,
        }
    }
}

/// Reads `meta/_journal.json`; one that does not parse, or is for a dialect schemactl does
/// not support, is an error.
fn read_journal(dir: &Path, errors: &mut Diagnostics) -> Option<JournalFile> {
    let journal_path = dir.join("meta").join("_journal.json");
    let text = read_text(&journal_path, errors)?;
    let journal: Journal = match serde_json::from_str(&text) {
        Ok(j) => j,
        Err(e) => {
            errors.push(
                Diagnostic::error(
                    "import::bad-journal",
                    format!("meta/_journal.json is not a drizzle-kit journal: {e}"),
                )
                .at(&Origin {
                    file: journal_path.display().to_string().into(),
                    line: e.line().max(1) as u32,
                    column: e.column().max(1) as u32,
                })
                .help("it should be `{\"entries\": [{\"idx\": 0, \"when\": <ms>, \"tag\": \"0000_name\"}, ...]}`; restore it from version control, then import again"),
            );
            return None;
        }
    };
    if let Some(d) = journal.dialect.as_deref() {
        if !matches!(d, "postgresql" | "postgres" | "sqlite" | "turso") {
            errors.push(
                Diagnostic::error(
                    "import::unsupported-dialect",
                    format!(
                        "the drizzle-kit journal is for `{d}`, which schemactl does not support"
                    ),
                )
                .at(&origin(&journal_path))
                .help("schemactl supports PostgreSQL and SQLite folders"),
            );
            return None;
        }
    }
    Some(JournalFile {
        path: journal_path,
        text,
        journal,
    })
}

/// The files the journal lists, in its order; `seen` collects their tags.
fn journal_candidates(
    dir: &Path,
    journal: &JournalFile,
    files: &BTreeSet<String>,
    seen: &mut BTreeSet<String>,
    errors: &mut Diagnostics,
    notes: &mut Vec<Diagnostic>,
) -> Vec<Candidate> {
    let mut out = Vec::new();
    let mut latest: Option<(i64, String)> = None;
    for (pos, entry) in journal.journal.entries.iter().enumerate() {
        let file = format!("{}.sql", entry.tag);
        if !entry_names_a_file(pos, entry, &file, files, seen, &journal.path, errors) {
            continue;
        }
        note_entry_stamps(pos, entry, &mut latest, journal, notes);
        let path = dir.join(&file);
        let Some(up) = read_text(&path, errors) else {
            continue;
        };
        let _ = entry.breakpoints;
        out.push(Candidate {
            source: file,
            version: entry.tag.clone(),
            number: None,
            key: tag_number(&entry.tag),
            name: entry.tag.clone(),
            stem: entry.tag.clone(),
            up,
            down: None,
            no_transaction: None,
        });
    }
    out
}

/// Whether a journal entry names a file of the folder, once; an error says why not.
fn entry_names_a_file(
    pos: usize,
    entry: &JournalEntry,
    file: &str,
    files: &BTreeSet<String>,
    seen: &mut BTreeSet<String>,
    journal_path: &Path,
    errors: &mut Diagnostics,
) -> bool {
    if entry.tag.is_empty() || entry.tag.contains(['/', '\\']) || entry.tag.starts_with('.') {
        errors.push(
            Diagnostic::error(
                "import::bad-journal",
                format!(
                    "journal entry {pos} has the tag `{}`, which is not a file name",
                    entry.tag.escape_debug()
                ),
            )
            .at(&origin(journal_path))
            .help(
                "each tag names a .sql file next to the journal; fix the entry, then import again",
            ),
        );
        return false;
    }
    if !seen.insert(entry.tag.clone()) {
        errors.push(
            Diagnostic::error(
                "import::bad-journal",
                format!("the journal lists `{}` twice", entry.tag),
            )
            .at(&origin(journal_path))
            .help(
                "drizzle-orm would run the file twice: remove the second entry, then import again",
            ),
        );
        return false;
    }
    if !files.contains(file) {
        errors.push(
            Diagnostic::error(
                "import::missing-file",
                format!("the journal lists `{}`, which is not in the folder", entry.tag),
            )
            .at(&origin(journal_path))
            .help("drizzle-orm fails on it too: restore the file from version control, or remove the entry, then import again"),
        );
        return false;
    }
    true
}

/// Notes an entry whose `idx` is not its place, or whose `when` is not later than the latest
/// before it (`latest` follows the newest stamp).
fn note_entry_stamps(
    pos: usize,
    entry: &JournalEntry,
    latest: &mut Option<(i64, String)>,
    journal: &JournalFile,
    notes: &mut Vec<Diagnostic>,
) {
    if let Some(idx) = entry.idx {
        if idx != pos as i64 {
            notes.push(warning(
                "import::journal-index",
                format!("journal entry {pos} (`{}`) says idx {idx}", entry.tag),
                "drizzle-orm ignores idx and runs entries in the journal's order; so does the import".into(),
            ));
        }
    }
    if let Some((when, tag)) = &latest {
        if entry.when <= *when {
            notes.push(
                warning(
                    "import::journal-time",
                    format!(
                        "`{}` is stamped {} in the journal, not later than `{tag}` ({when}) before it",
                        entry.tag, entry.when
                    ),
                    format!(
                        "drizzle-orm runs an entry only when its time is later than the newest it recorded, so a database that ran `{tag}` before `{}` was added never ran it. Imported in journal order; `apply --baseline auto` checks by hash which of them each database holds and refuses to guess",
                        entry.tag
                    ),
                )
                .at(&journal.at_tag(&entry.tag)),
            );
        }
    }
    if latest.as_ref().is_none_or(|(w, _)| entry.when > *w) {
        *latest = Some((entry.when, entry.tag.clone()));
    }
}

/// Notes where the journal's order differs from the file names' order.
fn note_journal_order(journal: &JournalFile, out: &[Candidate], notes: &mut Vec<Diagnostic>) {
    let journal_order: Vec<&String> = out.iter().map(|c| &c.source).collect();
    let mut file_order = journal_order.clone();
    file_order.sort();
    if journal_order != file_order {
        let first = journal_order
            .iter()
            .zip(&file_order)
            .position(|(a, b)| a != b)
            .unwrap_or(0);
        notes.push(
            warning(
                "import::journal-order",
                format!(
                    "the journal runs `{}` where the file names would put `{}`",
                    journal_order[first], file_order[first]
                ),
                "drizzle-orm follows the journal, so the import does too; the new numbers follow the journal's order".into(),
            )
            .at(&journal.at_tag(journal_order[first].trim_end_matches(".sql"))),
        );
    }
}

/// Notes each `.sql` file the journal does not list: it is left out.
fn note_files_not_in_journal(
    dir: &Path,
    files: &BTreeSet<String>,
    seen: &BTreeSet<String>,
    out: &[Candidate],
    notes: &mut Vec<Diagnostic>,
) {
    for f in files {
        let tag = f.trim_end_matches(".sql");
        if !seen.contains(tag) {
            // A stray file often reuses the number of one the journal lists.
            let number = tag_number(tag);
            let twin = out
                .iter()
                .find(|c| c.key == number)
                .map(|c| {
                    format!(
                        " (its number {number} is also `{}`'s, which the journal lists)",
                        c.source
                    )
                })
                .unwrap_or_default();
            notes.push(
                warning(
                    "import::not-in-journal",
                    format!("`{f}` is not in meta/_journal.json{twin}"),
                    "not imported: drizzle-orm only runs what the journal lists, so no database it migrated ran this file. If it belongs to the history, add its entry to the journal and import again; if it was run by hand, add it as a new migration after the import".into(),
                )
                .at(&origin(&dir.join(f))),
            );
        }
    }
}

/// Atlas's `h1:` hashes: each file's is the running SHA-256 over every earlier name and
/// text, base64; the first line is the hash of all names and hashes.
pub fn atlas_sum(files: &[(String, String)]) -> String {
    use base64::Engine;
    use sha2::{Digest, Sha256};
    let mut running = Sha256::new();
    let mut lines = Vec::new();
    for (name, text) in files {
        running.update(name.as_bytes());
        running.update(text.as_bytes());
        let h = base64::engine::general_purpose::STANDARD.encode(running.clone().finalize());
        lines.push((name.clone(), h));
    }
    let mut total = Sha256::new();
    for (n, h) in &lines {
        total.update(n.as_bytes());
        total.update(h.as_bytes());
    }
    let mut out = format!(
        "h1:{}\n",
        base64::engine::general_purpose::STANDARD.encode(total.finalize())
    );
    for (n, h) in lines {
        out.push_str(&format!("{n} h1:{h}\n"));
    }
    out
}

/// Atlas: `<version>_<name>.sql` in file-name order, checked against `atlas.sum`.
fn atlas(dir: &Path, errors: &mut Diagnostics, notes: &mut Vec<Diagnostic>) -> Vec<Candidate> {
    let mut out = Vec::new();
    let mut texts = Vec::new();
    for (name, path) in entries(dir, errors) {
        if is_dir(&path) || name == "atlas.sum" {
            continue;
        }
        let Some(stem) = name.strip_suffix(".sql") else {
            notes.push(ignored(&path, Layout::Atlas, "it does not end in .sql"));
            continue;
        };
        let Some(up) = read_text(&path, errors) else {
            continue;
        };
        let (version, rest) = stem.split_once('_').unwrap_or((stem, ""));
        let no_transaction = up
            .lines()
            .take_while(|l| l.trim().is_empty() || l.trim_start().starts_with("--"))
            .any(|l| l.replace(' ', "").starts_with("--atlas:txmodenone"))
            .then(|| "Atlas's `-- atlas:txmode none`".to_string());
        texts.push((name.clone(), up.clone()));
        out.push(Candidate {
            source: name.clone(),
            version: version.to_string(),
            number: version.parse().ok().filter(|v| *v <= migrate::MAX_VERSION),
            key: version.to_string(),
            name: if rest.is_empty() {
                stem.to_string()
            } else {
                rest.to_string()
            },
            stem: stem.to_string(),
            up,
            down: None,
            no_transaction,
        });
    }
    let sum_path = dir.join("atlas.sum");
    let Some(sum) = read_text(&sum_path, errors) else {
        return out;
    };
    let expected = atlas_sum(&texts);
    if sum.trim_end() != expected.trim_end() {
        let listed: BTreeMap<String, String> = sum
            .lines()
            .skip(1)
            .filter_map(|l| l.rsplit_once(' '))
            .map(|(n, h)| (n.to_string(), h.to_string()))
            .collect();
        let computed: BTreeMap<String, String> = expected
            .lines()
            .skip(1)
            .filter_map(|l| l.rsplit_once(' '))
            .map(|(n, h)| (n.to_string(), h.to_string()))
            .collect();
        let mut specific = false;
        for name in computed.keys() {
            if !listed.contains_key(name) {
                specific = true;
                notes.push(warning(
                    "import::not-in-sum",
                    format!("`{name}` is not in atlas.sum"),
                    "imported in file-name order as Atlas would run it; Atlas itself refuses the folder until `atlas migrate hash`, so check that it is meant to be there".into(),
                ).at(&origin(&dir.join(name))));
            }
        }
        for name in listed.keys() {
            if !computed.contains_key(name) {
                specific = true;
                notes.push(warning(
                    "import::missing-file",
                    format!("atlas.sum lists `{name}`, which is not in the folder"),
                    "the folder is imported as it is; a database that ran that file holds what it built, which `drift` will show".into(),
                ).at(&origin(&sum_path)));
            }
        }
        if let Some(first) = computed
            .iter()
            .find(|(n, h)| listed.get(*n).is_some_and(|l| l != *h))
        {
            specific = true;
            notes.push(warning(
                "import::edited-file",
                format!("`{}` (or a file before it) differs from what atlas.sum recorded", first.0),
                "imported as the files are now; Atlas would refuse the folder until `atlas migrate hash`. If that file ran on a database before the edit, `drift` will show the difference".into(),
            ).at(&origin(&dir.join(first.0))));
        }
        if !specific {
            notes.push(
                warning(
                    "import::edited-file",
                    "atlas.sum's total hash does not match its own lines".into(),
                    "the files are imported as they are; schemactl.sum replaces atlas.sum".into(),
                )
                .at(&origin(&sum_path)),
            );
        }
    }
    out
}

/// Writes `import` into `target`, which must not exist or be empty: the files, the `down/`
/// files and the sum, built in a temporary sibling folder and renamed into place, so it is
/// all there or nothing is.
pub fn write_import(import: &Import, target: &Path) -> Result<Vec<PathBuf>, Diagnostics> {
    if target.exists() {
        let non_empty = fs::read_dir(target)
            .map(|mut r| r.next().is_some())
            .unwrap_or(true);
        if !is_dir(target) || non_empty {
            return Err(Diagnostic::error(
                "import::target-not-empty",
                format!(
                    "`{}` already exists and is not an empty folder; import writes a new folder",
                    target.display()
                ),
            )
            .help("choose another folder with --migrations DIR (and name it in schemactl.yaml as `migrations:`), or move the old one away")
            .into());
        }
    }
    let parent = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(parent).map_err(|e| migrate::io_error(parent, &e))?;
    let tmp = parent.join(format!(
        ".{}.import-{}",
        target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "migrations".into()),
        std::process::id()
    ));
    let _ = fs::remove_dir_all(&tmp);
    let result = (|| -> Result<Vec<PathBuf>, Diagnostics> {
        fs::create_dir_all(tmp.join("down")).map_err(|e| migrate::io_error(&tmp, &e))?;
        let files = import.files();
        let mut written = Vec::new();
        for (rel, text) in &files {
            let path = tmp.join(rel);
            migrate::write_atomic(&path, text.as_bytes())
                .map_err(|e| migrate::io_error(&path, &e))?;
            written.push(target.join(rel));
        }
        if !import.migrations.iter().any(|m| m.down.is_some()) {
            let _ = fs::remove_dir(tmp.join("down"));
        }
        if target.exists() {
            fs::remove_dir(target).map_err(|e| migrate::io_error(target, &e))?;
        }
        fs::rename(&tmp, target).map_err(|e| migrate::io_error(target, &e))?;
        Ok(written)
    })();
    if result.is_err() {
        let _ = fs::remove_dir_all(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dbmate_sections_split_at_the_markers() {
        let (up, down, no_tx) = dbmate_sections(
            "-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY i ON t (a);\n\n-- migrate:down\nDROP INDEX i;\n",
        )
        .unwrap();
        assert_eq!(up, "CREATE INDEX CONCURRENTLY i ON t (a);\n\n");
        assert_eq!(down.as_deref(), Some("DROP INDEX i;\n"));
        assert!(no_tx);
        assert!(dbmate_sections("CREATE TABLE t (a int);\n").is_none());
    }

    #[test]
    fn flyway_versions_compare_by_parts() {
        let mut v = ["1.10", "1.2", "2", "1_1", "1.0.0"].map(|s| flyway_parts(s).unwrap());
        v.sort();
        assert_eq!(v[0], vec![1]);
        assert_eq!(v[1], vec![1, 1]);
        assert_eq!(v[2], vec![1, 2]);
        assert_eq!(v[3], vec![1, 10]);
        assert_eq!(v[4], vec![2]);
        assert!(flyway_parts("1.a").is_none());
    }

    #[test]
    fn names_lose_what_file_names_cannot_hold() {
        assert_eq!(clean_name("add users\ttable/x"), "add_users_table_x");
        assert_eq!(clean_name(""), "migration");
    }
}
