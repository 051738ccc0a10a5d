//! Other tools' tracking tables: which migrations of the folder a database already ran.
//!
//! `apply --baseline auto` (and `import --database-url`) look for the one tracking table the
//! old tool left, read it, and match its rows to the folder's files: Diesel, dbmate, Atlas
//! and sqlx rows by version (sqlx's SHA-384 checksum must match the file), golang-migrate's
//! one row as "everything up to this version", Flyway's by version with its CRC32 checksum
//! checked (a BASELINE row counts for everything up to it), drizzle-orm's by the SHA-256 of
//! the file. The matched files must be the folder's first N files: any row no file matches,
//! any file that was edited since, any gap, or a failed or dirty run is refused with the exact
//! list. Every query is built with sea-query, once for both backends.

use super::tracking::Backend;
use super::Driver;
use crate::diag::{Diagnostic, Diagnostics};
use crate::migrate::{MigrationDir, MigrationFile, NO_TRANSACTION_LINE};
use sea_query::{
    Alias, Expr, ExprTrait, Func, Order, PostgresQueryBuilder, Query, SelectStatement,
    SqliteQueryBuilder,
};
use serde::Serialize;

/// A tool whose tracking table `--baseline auto` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Tool {
    Diesel,
    Sqlx,
    GolangMigrate,
    Dbmate,
    Flyway,
    DrizzleKit,
    Atlas,
}

impl Tool {
    pub fn label(self) -> &'static str {
        match self {
            Tool::Diesel => "Diesel",
            Tool::Sqlx => "sqlx",
            Tool::GolangMigrate => "golang-migrate",
            Tool::Dbmate => "dbmate",
            Tool::Flyway => "Flyway",
            Tool::DrizzleKit => "drizzle-orm",
            Tool::Atlas => "Atlas",
        }
    }
}

/// A tracking table found in a database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Found {
    pub tool: Tool,
    pub schema: Option<String>,
    pub table: String,
}

impl Found {
    pub fn qualified(&self) -> String {
        match &self.schema {
            Some(s) => format!("{s}.{}", self.table),
            None => self.table.clone(),
        }
    }
}

/// What the old tool ran, in the folder's terms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Adoption {
    pub tool: Tool,
    /// The table read, schema-qualified where it has one.
    pub table: String,
    /// The folder's files the old tool ran: always its first N files.
    pub applied: Vec<String>,
    /// The last of them: `--baseline` at this version records exactly them.
    pub baseline: Option<u64>,
}

/// The tables looked for: (tool, schema, table). `schema_migrations` is golang-migrate's when
/// it has a `dirty` column, dbmate's otherwise.
const CANDIDATES: &[(Tool, Option<&str>, &str)] = &[
    (Tool::Diesel, None, "__diesel_schema_migrations"),
    (Tool::Sqlx, None, "_sqlx_migrations"),
    (Tool::Dbmate, None, "schema_migrations"),
    (Tool::Flyway, None, "flyway_schema_history"),
    (Tool::DrizzleKit, Some("drizzle"), "__drizzle_migrations"),
    (Tool::DrizzleKit, None, "__drizzle_migrations"),
    (
        Tool::Atlas,
        Some("atlas_schema_revisions"),
        "atlas_schema_revisions",
    ),
    (Tool::Atlas, None, "atlas_schema_revisions"),
];

fn build(q: &SelectStatement, b: Backend) -> String {
    match b {
        Backend::Postgres => q.to_string(PostgresQueryBuilder),
        Backend::Sqlite => q.to_string(SqliteQueryBuilder),
    }
}

/// The query for a table's column names (no rows when it does not exist).
pub fn columns_query(b: Backend, schema: Option<&str>, table: &str) -> String {
    let mut q = Query::select();
    match b {
        Backend::Postgres => {
            q.column("column_name")
                .from(("information_schema", "columns"))
                .and_where(Expr::col("table_name").eq(table));
            match schema {
                Some(s) => q.and_where(Expr::col("table_schema").eq(s)),
                None => q.and_where(Expr::col("table_schema").eq(Expr::cust("current_schema()"))),
            };
            q.order_by("ordinal_position", Order::Asc);
        }
        Backend::Sqlite => {
            q.column("name")
                .from_function(Func::cust("pragma_table_info").arg(table), "t")
                .order_by("cid", Order::Asc);
        }
    }
    build(&q, b)
}

/// The query that reads a tool's rows, in the order the tool applied them.
pub fn rows_query(b: Backend, found: &Found) -> String {
    let mut q = Query::select();
    match &found.schema {
        Some(s) => q.from((Alias::new(s.clone()), Alias::new(found.table.clone()))),
        None => q.from(Alias::new(found.table.clone())),
    };
    match found.tool {
        Tool::Diesel | Tool::Dbmate => {
            q.column("version").order_by("version", Order::Asc);
        }
        Tool::GolangMigrate => {
            q.columns(["version", "dirty"]);
        }
        Tool::Sqlx => {
            q.columns(["version", "success", "checksum"])
                .order_by("version", Order::Asc);
        }
        Tool::Flyway => {
            q.columns(["version", "script", "checksum", "type", "success"])
                .order_by("installed_rank", Order::Asc);
        }
        Tool::DrizzleKit => {
            q.columns(["hash", "created_at"])
                .order_by("created_at", Order::Asc)
                .order_by("id", Order::Asc);
        }
        Tool::Atlas => {
            q.columns(["version", "type", "applied", "total", "error"])
                .order_by("version", Order::Asc);
        }
    }
    build(&q, b)
}

/// Every known tracking table the database holds.
pub fn find_tables(db: &mut dyn Driver, b: Backend) -> Result<Vec<Found>, Diagnostic> {
    let mut out: Vec<Found> = Vec::new();
    for (tool, schema, table) in CANDIDATES {
        if b == Backend::Sqlite && schema.is_some() {
            continue;
        }
        let cols: Vec<String> = db
            .rows(&columns_query(b, *schema, table))?
            .into_iter()
            .filter_map(|r| r.into_iter().next().flatten())
            .collect();
        if cols.is_empty() {
            continue;
        }
        let tool = if *table == "schema_migrations" && cols.iter().any(|c| c == "dirty") {
            Tool::GolangMigrate
        } else {
            *tool
        };
        // One drizzle or Atlas table is found once, under its own schema first.
        if out.iter().any(|f| f.tool == tool && f.table == *table) {
            continue;
        }
        out.push(Found {
            tool,
            schema: schema.map(str::to_string),
            table: table.to_string(),
        });
    }
    Ok(out)
}

/// `schema` without other tools' tracking tables (which `pull` must not declare).
pub fn without_bookkeeping(mut schema: crate::model::Schema) -> crate::model::Schema {
    schema.tables.retain(|t| {
        !CANDIDATES.iter().any(|(_, s, name)| {
            t.name.name == *name && (s.is_none() || t.name.schema.as_deref() == *s)
        })
    });
    schema
        .namespaces
        .retain(|n| !matches!(n.name.as_str(), "drizzle" | "atlas_schema_revisions"));
    schema
}

/// The file's text as the old tool saw it: without the directive line import adds.
fn original(f: &MigrationFile) -> &str {
    f.sql.strip_prefix(NO_TRANSACTION_LINE).unwrap_or(&f.sql)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Flyway's checksum: CRC-32 over the UTF-8 bytes of each line without its line break (a
/// leading byte-order mark dropped), as a signed 32-bit number.
pub fn flyway_checksum(text: &str) -> i32 {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut crc = Crc32::default();
    let mut rest = text;
    while !rest.is_empty() {
        let end = rest.find(['\n', '\r']).unwrap_or(rest.len());
        crc.update(&rest.as_bytes()[..end]);
        let mut next = end;
        if rest[next..].starts_with("\r\n") {
            next += 2;
        } else if next < rest.len() {
            next += 1;
        }
        rest = &rest[next..];
    }
    crc.value() as i32
}

/// CRC-32 (IEEE), as java.util.zip.CRC32 computes it.
struct Crc32(u32);

impl Default for Crc32 {
    fn default() -> Self {
        Crc32(0xFFFF_FFFF)
    }
}

impl Crc32 {
    fn update(&mut self, bytes: &[u8]) {
        for &b in bytes {
            let mut c = (self.0 ^ b as u32) & 0xFF;
            for _ in 0..8 {
                c = if c & 1 != 0 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
            }
            self.0 = (self.0 >> 8) ^ c;
        }
    }

    fn value(&self) -> u32 {
        !self.0
    }
}

/// The version a file had in its old tool: ours when import kept it, else the number its name
/// starts with (dashes removed; a Flyway stem `V1_2__x` gives `1.2`).
fn source_versions(f: &MigrationFile) -> Vec<String> {
    let mut out = vec![f.version.to_string()];
    let token = f.name.split('_').next().unwrap_or("").replace('-', "");
    if !token.is_empty() && token.chars().all(|c| c.is_ascii_digit()) {
        out.push(token.trim_start_matches('0').to_string());
    }
    if let Some(v) = f.name.strip_prefix('V').and_then(|r| r.split_once("__")) {
        out.push(normalize_dotted(&v.0.replace('_', ".")));
    }
    out
}

/// `0001.0` and `1` are one version: leading zeros and trailing `.0` parts do not count.
fn normalize_dotted(v: &str) -> String {
    let mut parts: Vec<String> = v
        .split('.')
        .map(|p| {
            let t = p.trim_start_matches('0');
            if t.is_empty() { "0" } else { t }.to_string()
        })
        .collect();
    while parts.len() > 1 && parts.last().is_some_and(|p| p == "0") {
        parts.pop();
    }
    parts.join(".")
}

/// The file a tool's version names: ours when import kept the versions, else the one whose
/// name carries it. Flyway folders renumbered for dotted versions are matched by name first.
fn find_by_version<'a>(dir: &'a MigrationDir, v: &str) -> Option<&'a MigrationFile> {
    let want = normalize_dotted(v.trim());
    let exact = || {
        dir.files
            .iter()
            .find(|f| normalize_dotted(&f.version.to_string()) == want)
    };
    let by_name = || {
        dir.files.iter().find(|f| {
            source_versions(f)
                .iter()
                .skip(1)
                .any(|s| normalize_dotted(s) == want)
        })
    };
    let flyway_names = dir
        .files
        .iter()
        .any(|f| f.name.starts_with('V') && f.name.contains("__"));
    if flyway_names {
        by_name().or_else(exact)
    } else {
        exact().or_else(by_name)
    }
}

fn is_true(v: &Option<String>) -> bool {
    matches!(v.as_deref(), Some("t" | "true" | "1" | "TRUE"))
}

/// Reads the old tool's tracking table and says which files of `dir` it ran.
pub fn adopted_versions(
    db: &mut dyn Driver,
    backend: Backend,
    dir: &MigrationDir,
    target: &str,
) -> Result<Adoption, Diagnostics> {
    let found = the_one_tracking_table(db, backend, target)?;
    let rows = db
        .rows(&rows_query(backend, &found))
        .map_err(Diagnostics::from)?;
    let table = found.qualified();
    let tool = found.tool;
    let mut runs = Runs::default();
    match tool {
        Tool::Diesel | Tool::Dbmate => runs.read_versions(dir, &table, &rows),
        Tool::GolangMigrate => runs.read_golang_migrate(dir, &table, &rows),
        Tool::Sqlx => runs.read_sqlx(dir, &table, &rows),
        Tool::Flyway => runs.read_flyway(dir, &table, &rows),
        Tool::DrizzleKit => runs.read_drizzle(dir, &table, &rows),
        Tool::Atlas => runs.read_atlas(dir, &table, &rows),
    }
    let Runs {
        mut ran,
        upto,
        mut problems,
    } = runs;
    if let Some(last) = upto {
        for f in &dir.files {
            if f.version <= last.version && !ran.iter().any(|r| r.file_name == f.file_name) {
                ran.push(f);
            }
        }
    }
    let last = last_of_first_n(dir, tool, &ran, &mut problems);
    if !problems.is_empty() {
        return Err(Diagnostic::error(
            "apply::baseline-mismatch",
            format!(
                "{target} and the migration folder disagree about what {} ran ({table}):\n{}",
                tool.label(),
                problems.iter().map(|p| format!("  - {p}")).collect::<Vec<_>>().join("\n")
            ),
        )
        .help("nothing was recorded. Make the folder hold what the database ran (restore the files, or fix the journal and import again); or, once each listed migration is brought in line by hand, name the last one the database holds with --baseline VERSION")
        .into());
    }
    let applied: Vec<String> = dir
        .files
        .iter()
        .filter(|f| ran.iter().any(|r| r.file_name == f.file_name))
        .map(|f| f.file_name.clone())
        .collect();
    let baseline = last.map(|i| dir.files[i].version);
    Ok(Adoption {
        tool,
        table,
        applied,
        baseline,
    })
}

/// The single tracking table `--baseline auto` reads; none or several is an error.
fn the_one_tracking_table(
    db: &mut dyn Driver,
    backend: Backend,
    target: &str,
) -> Result<Found, Diagnostics> {
    let found = find_tables(db, backend).map_err(Diagnostics::from)?;
    match found.as_slice() {
        [] => Err(Diagnostic::error(
            "apply::no-bookkeeping",
            format!(
                "--baseline auto found no other tool's tracking table in {target} (looked for {})",
                CANDIDATES
                    .iter()
                    .map(|(_, s, t)| s.map_or(t.to_string(), |s| format!("{s}.{t}")))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
        .help("for a database another tool did not migrate, name the last migration it already holds with --baseline VERSION, or drop --baseline for a new database")
        .into()),
        [one] => Ok(one.clone()),
        many => Err(Diagnostic::error(
            "apply::ambiguous-bookkeeping",
            format!(
                "--baseline auto found more than one tool's tracking table in {target}: {}",
                many.iter()
                    .map(|f| format!("{} ({})", f.qualified(), f.tool.label()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
        .help("drop the tables of the tool that no longer migrates this database, or name the last applied migration with --baseline VERSION")
        .into()),
    }
}

/// Column `i` of a tracking table row.
fn cell(r: &[Option<String>], i: usize) -> Option<String> {
    r.get(i).cloned().flatten()
}

/// What a tracking table's rows say, in the folder's files.
#[derive(Default)]
struct Runs<'a> {
    /// Files the old tool ran, one by one.
    ran: Vec<&'a MigrationFile>,
    /// A file the old tool ran everything up to (golang-migrate's version, a baseline).
    upto: Option<&'a MigrationFile>,
    /// Rows that do not fit the folder, said for the user.
    problems: Vec<String>,
}

impl<'a> Runs<'a> {
    /// Diesel and dbmate: one row per version run.
    fn read_versions(&mut self, dir: &'a MigrationDir, table: &str, rows: &[Vec<Option<String>>]) {
        for r in rows {
            let v = cell(r, 0).unwrap_or_default();
            match find_by_version(dir, &v) {
                Some(f) => self.ran.push(f),
                None => self.problems.push(format!(
                    "{table} records version {v}, which no file in the folder has"
                )),
            }
        }
    }

    /// golang-migrate: the version the database is at, and whether that run failed.
    fn read_golang_migrate(
        &mut self,
        dir: &'a MigrationDir,
        table: &str,
        rows: &[Vec<Option<String>>],
    ) {
        for r in rows {
            let v = cell(r, 0).unwrap_or_default();
            if is_true(&cell(r, 1)) {
                self.problems.push(format!("golang-migrate left version {v} dirty: it failed part-way, so the database is between two versions (fix it by hand, then `migrate force {v}`)"));
            }
            match find_by_version(dir, &v) {
                Some(f) => self.upto = Some(f),
                None => self.problems.push(format!(
                    "{table} is at version {v}, which no file in the folder has"
                )),
            }
        }
    }

    /// sqlx: version, success and the SHA-384 of the file it ran.
    fn read_sqlx(&mut self, dir: &'a MigrationDir, table: &str, rows: &[Vec<Option<String>>]) {
        for r in rows {
            let v = cell(r, 0).unwrap_or_default();
            if !is_true(&cell(r, 1)) {
                self.problems.push(format!("sqlx recorded version {v} as failed (success = false): the database is part-way through it"));
                continue;
            }
            match find_by_version(dir, &v) {
                Some(f) => {
                    use sha2::Digest;
                    let sum = hex(&sha2::Sha384::digest(original(f).as_bytes()));
                    let recorded = cell(r, 2).unwrap_or_default().to_ascii_lowercase();
                    if sum != recorded {
                        self.problems.push(format!("`{}` differs from the version {v} sqlx ran (its SHA-384 checksum does not match)", f.file_name));
                    }
                    self.ran.push(f);
                }
                None => self.problems.push(format!(
                    "{table} records version {v}, which no file in the folder has"
                )),
            }
        }
    }

    /// Flyway: version, script, CRC32 checksum, type (a BASELINE counts for everything up to
    /// it) and success.
    fn read_flyway(&mut self, dir: &'a MigrationDir, table: &str, rows: &[Vec<Option<String>>]) {
        for r in rows {
            let kind = cell(r, 3).unwrap_or_default();
            let script = cell(r, 1).unwrap_or_default();
            let Some(v) = cell(r, 0) else {
                // Repeatable migrations have no version; import reported them.
                continue;
            };
            if !is_true(&cell(r, 4)) {
                self.problems.push(format!("Flyway recorded {script} (version {v}) as failed: the database is part-way through it"));
                continue;
            }
            let Some(f) = find_by_version(dir, &v) else {
                if kind == "BASELINE" {
                    self.problems.push(format!("{table} has a Flyway baseline at version {v}, which no file in the folder has"));
                } else {
                    self.problems.push(format!(
                        "{table} records {script} (version {v}), which no file in the folder is"
                    ));
                }
                continue;
            };
            if kind == "BASELINE" {
                self.upto = Some(f);
                continue;
            }
            if let Some(recorded) = cell(r, 2) {
                if recorded.trim() != flyway_checksum(original(f)).to_string() {
                    self.problems.push(format!("`{}` differs from {script}, which Flyway ran (checksum {recorded}, the file's is {})", f.file_name, flyway_checksum(original(f))));
                }
            }
            self.ran.push(f);
        }
    }

    /// drizzle-orm: the SHA-256 of each file's SQL, no version.
    fn read_drizzle(&mut self, dir: &'a MigrationDir, table: &str, rows: &[Vec<Option<String>>]) {
        use sha2::Digest;
        for r in rows {
            let hash = cell(r, 0).unwrap_or_default();
            let at = cell(r, 1).unwrap_or_default();
            match dir
                .files
                .iter()
                .find(|f| hex(&sha2::Sha256::digest(original(f).as_bytes())) == hash)
            {
                Some(f) => self.ran.push(f),
                None => self.problems.push(format!("{table} records a migration (created_at {at}, hash {}…) whose SQL no file in the folder has: a file edited after it ran, or one the journal no longer lists", hash.get(..12).unwrap_or(&hash))),
            }
        }
    }

    /// Atlas: version, type (bit 1: a baseline), statements applied of total, and any error.
    fn read_atlas(&mut self, dir: &'a MigrationDir, table: &str, rows: &[Vec<Option<String>>]) {
        for r in rows {
            let v = cell(r, 0).unwrap_or_default();
            let kind: u64 = cell(r, 1).and_then(|t| t.parse().ok()).unwrap_or(0);
            let applied: i64 = cell(r, 2).and_then(|t| t.parse().ok()).unwrap_or(0);
            let total: i64 = cell(r, 3).and_then(|t| t.parse().ok()).unwrap_or(0);
            if cell(r, 4).is_some_and(|e| !e.is_empty()) || applied < total {
                self.problems.push(format!("Atlas ran version {v} part-way ({applied} of {total} statements): fix the database, then `atlas migrate set` or finish it"));
                continue;
            }
            match find_by_version(dir, &v) {
                Some(f) if kind & 1 == 1 => self.upto = Some(f),
                Some(f) => self.ran.push(f),
                None => self.problems.push(format!(
                    "{table} records version {v}, which no file in the folder has"
                )),
            }
        }
    }
}

/// The index in `dir` of the last file `tool` ran; a file before it that did not run (the
/// files it ran must be the folder's first N) is added to `problems`.
fn last_of_first_n(
    dir: &MigrationDir,
    tool: Tool,
    ran: &[&MigrationFile],
    problems: &mut Vec<String>,
) -> Option<usize> {
    let last = dir
        .files
        .iter()
        .rposition(|f| ran.iter().any(|r| r.file_name == f.file_name));
    if let Some(last) = last {
        let gaps: Vec<&str> = dir.files[..last]
            .iter()
            .filter(|f| !ran.iter().any(|r| r.file_name == f.file_name))
            .map(|f| f.file_name.as_str())
            .collect();
        if !gaps.is_empty() {
            problems.push(format!(
                "{} never ran {} although it ran `{}` after {}",
                tool.label(),
                gaps.iter()
                    .map(|g| format!("`{g}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                dir.files[last].file_name,
                if gaps.len() == 1 { "it" } else { "them" }
            ));
        }
    }
    last
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flyway_checksum_ignores_line_breaks_and_bom() {
        let a = flyway_checksum("CREATE TABLE a (id int);\nINSERT INTO a VALUES (1);\n");
        assert_eq!(
            a,
            flyway_checksum("\u{feff}CREATE TABLE a (id int);\r\nINSERT INTO a VALUES (1);")
        );
        assert_ne!(a, flyway_checksum("CREATE TABLE a (id bigint);\n"));
        // CRC-32 of "123456789" is the standard check value 0xCBF43926.
        assert_eq!(flyway_checksum("123456789"), 0xCBF4_3926_u32 as i32);
    }

    #[test]
    fn queries_for_both_backends() {
        let drizzle = Found {
            tool: Tool::DrizzleKit,
            schema: Some("drizzle".into()),
            table: "__drizzle_migrations".into(),
        };
        insta::assert_snapshot!(format!(
            "{}\n{}\n{}\n{}",
            columns_query(Backend::Postgres, Some("drizzle"), "__drizzle_migrations"),
            columns_query(Backend::Sqlite, None, "_sqlx_migrations"),
            rows_query(Backend::Postgres, &drizzle),
            rows_query(
                Backend::Sqlite,
                &Found {
                    tool: Tool::Flyway,
                    schema: None,
                    table: "flyway_schema_history".into()
                }
            ),
        ));
    }

    #[test]
    fn dotted_versions_compare_as_flyway_does() {
        assert_eq!(normalize_dotted("1.0"), "1");
        assert_eq!(normalize_dotted("0001"), "1");
        assert_eq!(normalize_dotted("1.10"), "1.10");
        assert_eq!(normalize_dotted("00000000000000"), "0");
    }
}
