//! The PostgreSQL driver: statements over the simple query protocol (any statement, DO blocks
//! included), an advisory lock held on its own connection for the whole run.

use super::target::TlsPolicy;
use super::{
    line_of_position, AppliedMigration, Driver, Record, StatementFailure, Target, TRACKING_TABLE,
};
use crate::diag::Diagnostic;
use crate::migrate::MigrationFile;
use crate::sql::split::SqlScript;
use postgres::{Client, Config};
use std::time::{Duration, Instant};

/// `hashtext('schemactl')`-like constant: every schemactl run on a database takes this lock.
const LOCK_KEY: i64 = 0x5343_4845_4d41_4354; // "SCHEMACT"

pub struct PgDriver {
    client: Client,
    lock_client: Option<Client>,
    target: Target,
    connect_timeout: Duration,
}

pub(crate) fn connect_client(target: &Target, timeout: Duration) -> Result<Client, Diagnostic> {
    let Target::Postgres(pg) = target else {
        unreachable!("the PostgreSQL driver connects to PostgreSQL targets")
    };
    let mut config = pg.config.clone();
    config.connect_timeout(timeout);
    connect_with_tls(&config, &pg.tls).map_err(|msg| {
        let help = if msg.contains("password") || msg.contains("authentication") {
            "check the user and password (PGPASSWORD or the URL)"
        } else if msg.contains("does not exist") {
            "check the database name; schemactl does not create databases"
        } else if msg.contains("certificate") {
            "sslmode=verify-ca and verify-full check the server's certificate against the system's CAs and sslrootcert=FILE (the CA's PEM); sslmode=require encrypts without checking"
        } else {
            "check that the server is running and reachable at that host and port"
        };
        Diagnostic::error(
            "apply::connect",
            format!(
                "cannot connect to {}: {}",
                target.display(),
                target.redact(&msg)
            ),
        )
        .help(help)
    })
}

fn describe(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => db.message().to_string(),
        // The TLS layer's reason (an untrusted certificate, a wrong host) is in the source.
        None => match std::error::Error::source(e) {
            Some(cause) => format!("{e}: {cause}"),
            None => e.to_string(),
        },
    }
}

#[cfg(feature = "tls")]
fn connect_with_tls(config: &Config, policy: &TlsPolicy) -> Result<Client, String> {
    if config.get_ssl_mode() == postgres::config::SslMode::Disable {
        return config.connect(postgres::NoTls).map_err(|e| describe(&e));
    }
    let mut builder = native_tls::TlsConnector::builder();
    if let Some(path) = &policy.root_cert {
        let pem = std::fs::read(path)
            .map_err(|e| format!("cannot read sslrootcert {}: {e}", path.display()))?;
        let cert = native_tls::Certificate::from_pem(&pem).map_err(|e| {
            format!(
                "sslrootcert {} is not a PEM certificate: {e}",
                path.display()
            )
        })?;
        builder.add_root_certificate(cert);
    }
    // libpq's rules: without verify-* or a CA file, TLS only encrypts.
    let verify_chain = policy.verify_chain || policy.root_cert.is_some();
    builder
        .danger_accept_invalid_certs(!verify_chain)
        .danger_accept_invalid_hostnames(!policy.verify_host);
    let tls = builder
        .build()
        .map_err(|e| format!("cannot set up TLS: {e}"))?;
    config
        .connect(postgres_native_tls::MakeTlsConnector::new(tls))
        .map_err(|e| describe(&e))
}

#[cfg(not(feature = "tls"))]
fn connect_with_tls(config: &Config, _: &TlsPolicy) -> Result<Client, String> {
    config.connect(postgres::NoTls).map_err(|e| describe(&e))
}

impl PgDriver {
    pub fn connect(target: &Target, connect_timeout: Duration) -> Result<Self, Diagnostic> {
        let client = connect_client(target, connect_timeout)?;
        Ok(PgDriver {
            client,
            lock_client: None,
            target: target.clone(),
            connect_timeout,
        })
    }

    fn query_error(&self, what: &str, e: postgres::Error) -> Diagnostic {
        Diagnostic::error(
            "apply::database",
            format!("{what}: {}", self.target.redact(&error_text(&e))),
        )
    }
}

pub(crate) fn error_text(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => {
            let mut s = format!("{}: {}", db.severity(), db.message());
            if let Some(d) = db.detail() {
                s.push_str(&format!(" ({d})"));
            }
            s
        }
        None => e.to_string(),
    }
}

/// A file's statements as one simple-query string.
fn joined(script: &SqlScript) -> String {
    let mut sql = String::with_capacity(script.statements.iter().map(|s| s.text.len() + 2).sum());
    for st in &script.statements {
        sql.push_str(&st.text);
        sql.push_str(";\n");
    }
    sql
}

impl PgDriver {
    /// After a file failed as one batch (and rolled back): runs it again statement by
    /// statement in a transaction that is rolled back too, so the error names its statement
    /// and line.
    fn locate_failure(
        &mut self,
        script: &SqlScript,
        batch_error: &postgres::Error,
    ) -> StatementFailure {
        if let Ok(mut tx) = self.client.transaction() {
            for (i, stmt) in script.statements.iter().enumerate() {
                if let Err(e) = tx.batch_execute(&stmt.text) {
                    return statement_failure(script, i, &e, &self.target);
                }
            }
        }
        // One by one it did not fail (a race with another session): report the batch error.
        statement_failure(script, 0, batch_error, &self.target)
    }
}

fn statement_failure(
    script: &SqlScript,
    index: usize,
    e: &postgres::Error,
    target: &Target,
) -> StatementFailure {
    let stmt = &script.statements[index];
    let line = match e.as_db_error().and_then(|d| d.position()) {
        Some(postgres::error::ErrorPosition::Original(pos)) => {
            line_of_position(&stmt.text, stmt.line, *pos as usize)
        }
        _ => stmt.line,
    };
    StatementFailure {
        index,
        message: target.redact(&error_text(e)),
        line,
        connection_lost: e.is_closed()
            || e.as_db_error()
                .is_some_and(|d| d.code() == &postgres::error::SqlState::ADMIN_SHUTDOWN),
    }
}

impl Driver for PgDriver {
    fn lock(&mut self, timeout: Duration) -> Result<(), Diagnostic> {
        let mut lock_client = connect_client(&self.target, self.connect_timeout)?;
        let start = Instant::now();
        loop {
            let row = lock_client
                .query_one("SELECT pg_try_advisory_lock($1)", &[&LOCK_KEY])
                .map_err(|e| self.query_error("cannot take the migration lock", e))?;
            if row.get::<_, bool>(0) {
                self.lock_client = Some(lock_client);
                return Ok(());
            }
            if start.elapsed() >= timeout {
                return Err(Diagnostic::error(
                    "apply::lock-timeout",
                    format!(
                        "another schemactl run holds the migration lock on {} (waited {} s)",
                        self.target.display(),
                        timeout.as_secs()
                    ),
                )
                .help("wait for it to finish, or raise --lock-timeout"));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn unlock(&mut self) {
        if let Some(mut c) = self.lock_client.take() {
            let _ = c.query_one("SELECT pg_advisory_unlock($1)", &[&LOCK_KEY]);
        }
    }

    fn ensure_tracking_table(&mut self) -> Result<(), Diagnostic> {
        self.client
            .batch_execute(&format!(
                "CREATE TABLE IF NOT EXISTS {TRACKING_TABLE} (
                    version bigint PRIMARY KEY,
                    name text NOT NULL,
                    checksum text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now(),
                    duration_ms bigint NOT NULL DEFAULT 0,
                    applied_by text NOT NULL,
                    tool_version text NOT NULL,
                    statements_done integer
                )"
            ))
            .map_err(|e| self.query_error("cannot create the tracking table", e))
    }

    fn applied(&mut self) -> Result<Vec<AppliedMigration>, Diagnostic> {
        let rows = self
            .client
            .query(
                &format!("SELECT version, name, checksum, to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), statements_done FROM {TRACKING_TABLE} ORDER BY version"),
                &[],
            )
            .map_err(|e| self.query_error("cannot read the tracking table", e))?;
        Ok(rows
            .iter()
            .map(|r| AppliedMigration {
                version: r.get::<_, i64>(0) as u64,
                name: r.get(1),
                checksum: r.get(2),
                applied_at: r.get(3),
                statements_done: r.get::<_, Option<i32>>(4).map(|n| n as u32),
            })
            .collect())
    }

    fn run_in_transaction(
        &mut self,
        script: &SqlScript,
        record: &Record,
    ) -> Result<bool, StatementFailure> {
        let target = self.target.clone();
        let lost = |e: postgres::Error| StatementFailure {
            index: 0,
            message: target.redact(&error_text(&e)),
            line: 1,
            connection_lost: e.is_closed(),
        };
        let mut tx = self.client.transaction().map_err(lost)?;
        let version = record.file.version as i64;
        let exists = tx
            .query_opt(
                &format!("SELECT 1 FROM {TRACKING_TABLE} WHERE version = $1"),
                &[&version],
            )
            .map_err(lost)?
            .is_some();
        if exists {
            return Ok(false);
        }
        // The whole file in one round trip: a large migration is thousands of statements, and
        // a round trip each is what made apply slower than psql.
        if let Err(e) = tx.batch_execute(&joined(script)) {
            if e.is_closed() {
                return Err(statement_failure(script, 0, &e, &self.target));
            }
            drop(tx);
            return Err(self.locate_failure(script, &e));
        }
        insert_record(&mut tx, record, None).map_err(lost)?;
        tx.commit().map_err(lost)?;
        Ok(true)
    }

    fn run_step(
        &mut self,
        script: &SqlScript,
        index: usize,
        record: &Record,
        complete: bool,
    ) -> Result<(), StatementFailure> {
        if let Some(stmt) = script.statements.get(index) {
            if let Err(e) = self.client.batch_execute(&stmt.text) {
                return Err(statement_failure(script, index, &e, &self.target));
            }
        }
        let done = if complete {
            None
        } else {
            Some(index as i32 + 1)
        };
        let target = self.target.clone();
        let mut tx = self.client.transaction().map_err(|e| StatementFailure {
            index,
            message: target.redact(&error_text(&e)),
            line: 1,
            connection_lost: e.is_closed(),
        })?;
        let result = insert_record(&mut tx, record, done).and_then(|_| tx.commit());
        result.map_err(|e| StatementFailure {
            index,
            message: target.redact(&error_text(&e)),
            line: 1,
            connection_lost: e.is_closed(),
        })
    }

    fn record_baseline(
        &mut self,
        files: &[&MigrationFile],
        applied_by: &str,
    ) -> Result<(), Diagnostic> {
        let mut tx = self
            .client
            .transaction()
            .map_err(|e| Diagnostic::error("apply::database", e.to_string()))?;
        for f in files {
            let record = Record {
                file: f,
                duration_ms: 0,
                applied_by: applied_by.to_string(),
            };
            insert_record(&mut tx, &record, None)
                .map_err(|e| Diagnostic::error("apply::database", error_text(&e)))?;
        }
        tx.commit()
            .map_err(|e| Diagnostic::error("apply::database", error_text(&e)))
    }
}

fn insert_record(
    tx: &mut postgres::Transaction,
    r: &Record,
    done: Option<i32>,
) -> Result<(), postgres::Error> {
    tx.execute(
        &format!(
            "INSERT INTO {TRACKING_TABLE} (version, name, checksum, duration_ms, applied_by, tool_version, statements_done)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (version) DO UPDATE SET statements_done = EXCLUDED.statements_done,
                 duration_ms = EXCLUDED.duration_ms, applied_at = now()"
        ),
        &[
            &(r.file.version as i64),
            &r.file.name,
            &r.file.checksum,
            &r.duration_ms,
            &r.applied_by,
            &env!("CARGO_PKG_VERSION"),
            &done,
        ],
    )
    .map(|_| ())
}
