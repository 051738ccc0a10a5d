//! The SQLite driver: each file in an IMMEDIATE transaction (SQLite's write lock), which also
//! serializes concurrent runs; the tracking table is re-read inside it so no file runs twice.

use super::tracking::{self, Backend};
use super::{AppliedMigration, Driver, Record, StatementFailure};
use crate::diag::Diagnostic;
use crate::migrate::MigrationFile;
use crate::sql::split::SqlScript;
use rusqlite::{params_from_iter, Connection, OptionalExtension, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::time::Duration;

pub struct SqliteDriver {
    conn: Connection,
    path: PathBuf,
}

fn db_error(path: &Path, what: &str, e: rusqlite::Error) -> Diagnostic {
    Diagnostic::error(
        "apply::database",
        format!("{what} ({}): {e}", path.display()),
    )
}

/// Refuses a path that exists but is not a regular file (a FIFO would block the open, a
/// directory or device is no database).
fn check_regular(path: &Path) -> Result<(), Diagnostic> {
    match std::fs::metadata(path) {
        Ok(m) if !m.is_file() => Err(Diagnostic::error(
            "apply::connect",
            format!(
                "cannot open sqlite:{}: it is not a regular file",
                path.display()
            ),
        )
        .help("sqlite:PATH names the database file; check the path")),
        _ => Ok(()),
    }
}

impl SqliteDriver {
    /// Opens an existing database file read-only, for commands that must not change it: a
    /// missing file is an error (a typo must not make a new database).
    pub fn open_read_only(path: &Path) -> Result<Self, Diagnostic> {
        if !path.exists() {
            return Err(Diagnostic::error(
                "apply::connect",
                format!("sqlite:{} does not exist", path.display()),
            )
            .help("check the path; `schemactl apply` creates the database file on its first run"));
        }
        check_regular(path)?;
        let conn = Connection::open_with_flags(
            path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| {
            Diagnostic::error(
                "apply::connect",
                format!("cannot open sqlite:{}: {e}", path.display()),
            )
            .help("check the path and its permissions")
        })?;
        Ok(SqliteDriver {
            conn,
            path: path.to_path_buf(),
        })
    }

    pub fn open(path: &Path) -> Result<Self, Diagnostic> {
        check_regular(path)?;
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            if !parent.is_dir() {
                return Err(Diagnostic::error(
                    "apply::connect",
                    format!(
                        "cannot open sqlite:{}: folder `{}` does not exist",
                        path.display(),
                        parent.display()
                    ),
                )
                .help("create the folder, or fix the path"));
            }
        }
        let conn = Connection::open(path).map_err(|e| {
            Diagnostic::error(
                "apply::connect",
                format!("cannot open sqlite:{}: {e}", path.display()),
            )
            .help("check the path and its permissions")
        })?;
        Ok(SqliteDriver {
            conn,
            path: path.to_path_buf(),
        })
    }

    /// A private in-memory database: scratch runs that prove a plan the way `apply` would run it.
    pub(crate) fn in_memory() -> Result<Self, Diagnostic> {
        let conn = Connection::open_in_memory().map_err(|e| {
            Diagnostic::error(
                "apply::connect",
                format!("cannot open an in-memory SQLite database: {e}"),
            )
        })?;
        Ok(SqliteDriver {
            conn,
            path: PathBuf::from(":memory:"),
        })
    }

    pub(crate) fn connection(&self) -> &Connection {
        &self.conn
    }

    fn failure(&self, script: &SqlScript, index: usize, e: rusqlite::Error) -> StatementFailure {
        let line = script.statements.get(index).map_or(1, |s| s.line);
        StatementFailure {
            index: Some(index),
            message: e.to_string(),
            line,
            connection_lost: false,
        }
    }
}

impl Driver for SqliteDriver {
    fn lock(&mut self, timeout: Duration) -> Result<(), Diagnostic> {
        // Writers queue on SQLite's own lock; wait as long as the caller allows.
        self.conn
            .busy_timeout(timeout)
            .map_err(|e| db_error(&self.path, "cannot set the busy timeout", e))
    }

    fn unlock(&mut self) {}

    fn rows(&mut self, sql: &str) -> Result<Vec<Vec<Option<String>>>, Diagnostic> {
        use rusqlite::types::ValueRef;
        let read = |e| db_error(&self.path, "cannot read another tool's tracking table", e);
        let mut stmt = self.conn.prepare(sql).map_err(read)?;
        let n = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                (0..n)
                    .map(|i| {
                        Ok(match r.get_ref(i)? {
                            ValueRef::Null => None,
                            ValueRef::Integer(v) => Some(v.to_string()),
                            ValueRef::Real(v) => Some(v.to_string()),
                            ValueRef::Text(t) => Some(String::from_utf8_lossy(t).into_owned()),
                            ValueRef::Blob(b) => {
                                Some(b.iter().map(|x| format!("{x:02x}")).collect())
                            }
                        })
                    })
                    .collect::<Result<Vec<_>, rusqlite::Error>>()
            })
            .and_then(|it| it.collect::<Result<Vec<_>, _>>())
            .map_err(read)?;
        Ok(rows)
    }

    fn ensure_tracking_table(&mut self) -> Result<(), Diagnostic> {
        self.conn
            .execute_batch(&tracking::create_table(Backend::Sqlite, None))
            .map_err(|e| db_error(&self.path, "cannot create the tracking table", e))
    }

    fn applied(&mut self) -> Result<Vec<AppliedMigration>, Diagnostic> {
        // Read-only commands never create it: no table means nothing applied yet.
        let exists = self
            .conn
            .query_row(&tracking::exists(Backend::Sqlite, None), [], |_| Ok(()))
            .optional()
            .map_err(|e| db_error(&self.path, "cannot read the tracking table", e))?
            .is_some();
        if !exists {
            return Ok(Vec::new());
        }
        let mut stmt = self
            .conn
            .prepare(&tracking::select_applied(Backend::Sqlite, None))
            .map_err(|e| db_error(&self.path, "cannot read the tracking table", e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(AppliedMigration {
                    version: r.get::<_, i64>(0)? as u64,
                    name: r.get(1)?,
                    checksum: r.get(2)?,
                    applied_at: r.get(3)?,
                    statements_done: r.get::<_, Option<i64>>(4)?.map(|n| n as u32),
                })
            })
            .and_then(|it| it.collect::<Result<Vec<_>, _>>())
            .map_err(|e| db_error(&self.path, "cannot read the tracking table", e))?;
        Ok(rows)
    }

    /// SQLite's table-rebuild recipe (create new, copy, drop old, rename) breaks foreign keys
    /// mid-way, and `PRAGMA foreign_keys` is ignored inside a transaction: so enforcement is
    /// switched off around the file's transaction, and `foreign_key_check` must come back
    /// clean before it commits.
    fn run_in_transaction(
        &mut self,
        script: &SqlScript,
        record: &Record,
    ) -> Result<bool, StatementFailure> {
        self.conn
            .execute_batch("PRAGMA foreign_keys = OFF")
            .map_err(|e| plain(&e))?;
        let result = self.run_file(script, record);
        let restored = self
            .conn
            .execute_batch("PRAGMA foreign_keys = ON")
            .map_err(|e| plain(&e));
        let applied = result?;
        restored?;
        Ok(applied)
    }

    fn run_step(
        &mut self,
        script: &SqlScript,
        index: usize,
        record: &Record,
        complete: bool,
    ) -> Result<(), StatementFailure> {
        if let Some(stmt) = script.statements.get(index) {
            if let Err(e) = self.conn.execute_batch(&stmt.text) {
                return Err(self.failure(script, index, e));
            }
        }
        let done = if complete {
            None
        } else {
            Some(index as i64 + 1)
        };
        insert_record(&self.conn, record, done).map_err(|e| self.failure(script, index, e))
    }

    fn run_block(
        &mut self,
        script: &SqlScript,
        block: std::ops::Range<usize>,
        record: &Record,
        complete: bool,
    ) -> Result<(), StatementFailure> {
        // The file's own BEGIN (DEFERRED, IMMEDIATE or EXCLUSIVE) and COMMIT, the progress
        // row between.
        for i in block.start..block.end - 1 {
            if let Err(e) = self.conn.execute_batch(&script.statements[i].text) {
                if !self.conn.is_autocommit() {
                    let _ = self.conn.execute_batch("ROLLBACK");
                }
                return Err(self.failure(script, i, e));
            }
        }
        let commit = block.end - 1;
        let done = if complete {
            None
        } else {
            Some(block.end as i64)
        };
        if let Err(e) = insert_record(&self.conn, record, done) {
            if !self.conn.is_autocommit() {
                let _ = self.conn.execute_batch("ROLLBACK");
            }
            return Err(self.failure(script, commit, e));
        }
        let committed = self.conn.execute_batch(&script.statements[commit].text);
        if let Err(e) = committed {
            if !self.conn.is_autocommit() {
                let _ = self.conn.execute_batch("ROLLBACK");
            }
            return Err(self.failure(script, commit, e));
        }
        Ok(())
    }

    fn record_baseline(
        &mut self,
        files: &[&MigrationFile],
        applied_by: &str,
    ) -> Result<(), Diagnostic> {
        let tx = self
            .conn
            .transaction()
            .map_err(|e| db_error(&self.path, "cannot record the baseline", e))?;
        for f in files {
            insert_record(&tx, &Record::new(f, applied_by), None)
                .map_err(|e| db_error(&self.path, "cannot record the baseline", e))?;
        }
        tx.commit()
            .map_err(|e| db_error(&self.path, "cannot record the baseline", e))
    }
}

impl SqliteDriver {
    fn run_file(&mut self, script: &SqlScript, record: &Record) -> Result<bool, StatementFailure> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| plain(&e))?;
        let (sql, values) = tracking::version_recorded(Backend::Sqlite, record.file.version as i64);
        let exists = tx
            .query_row(
                &sql,
                params_from_iter(tracking::sqlite_params(&values)),
                |_| Ok(()),
            )
            .optional()
            .map_err(|e| plain(&e))?
            .is_some();
        if exists {
            return Ok(false);
        }
        for (i, stmt) in script.statements.iter().enumerate() {
            if let Err(e) = tx.execute_batch(&stmt.text) {
                let line = stmt.line;
                return Err(StatementFailure {
                    index: Some(i),
                    message: e.to_string(),
                    line,
                    connection_lost: false,
                });
            }
        }
        insert_record(&tx, record, None).map_err(|e| plain(&e))?;
        let violations = foreign_key_violations(&tx).map_err(|e| plain(&e))?;
        if !violations.is_empty() {
            return Err(StatementFailure {
                index: Some(script.statements.len().saturating_sub(1)),
                message: format!(
                    "foreign key check failed after the migration: {}",
                    violations.join("; ")
                ),
                line: script.statements.last().map_or(1, |s| s.line),
                connection_lost: false,
            });
        }
        tx.commit().map_err(|e| plain(&e))?;
        Ok(true)
    }
}

fn plain(e: &rusqlite::Error) -> StatementFailure {
    StatementFailure {
        index: None,
        message: e.to_string(),
        line: 1,
        connection_lost: false,
    }
}

/// Rows whose foreign keys point nowhere, as `table rowid N -> parent`.
fn foreign_key_violations(conn: &Connection) -> Result<Vec<String>, rusqlite::Error> {
    let mut stmt =
        conn.prepare("SELECT \"table\", rowid, parent FROM pragma_foreign_key_check LIMIT 20")?;
    let rows = stmt.query_map([], |r| {
        Ok(format!(
            "{} rowid {} -> {}",
            r.get::<_, String>(0)?,
            r.get::<_, Option<i64>>(1)?.unwrap_or(0),
            r.get::<_, String>(2)?
        ))
    })?;
    rows.collect()
}

fn insert_record(conn: &Connection, r: &Record, done: Option<i64>) -> Result<(), rusqlite::Error> {
    let (sql, values) = tracking::upsert(
        Backend::Sqlite,
        None,
        &tracking::Row {
            version: r.file.version as i64,
            name: &r.file.name,
            checksum: &r.checksum,
            duration_ms: r.duration_ms,
            applied_by: &r.applied_by,
            statements_done: done.map(|d| d as i32),
        },
    );
    conn.execute(&sql, params_from_iter(tracking::sqlite_params(&values)))
        .map(|_| ())
}
