//! The PostgreSQL driver: statements over the simple query protocol (any statement, DO blocks
//! included), an advisory lock held on its own connection for the whole run.

use super::target::TlsPolicy;
use super::tracking::{self, Backend};
use super::{line_of_position, AppliedMigration, Driver, Record, StatementFailure, Target};
use crate::diag::Diagnostic;
use crate::dialect::postgres::quote_ident;
use crate::migrate::MigrationFile;
use crate::sql::split::SqlScript;
use postgres::types::ToSql;
use postgres::{Client, Config};
use std::time::{Duration, Instant};

/// `hashtext('schemactl')`-like constant: every schemactl run on a database takes this lock.
const LOCK_KEY: i64 = 0x5343_4845_4d41_4354; // "SCHEMACT"

pub struct PgDriver {
    client: Client,
    lock_client: Option<Client>,
    target: Target,
    connect_timeout: Duration,
    lock_key: i64,
}

/// The migration lock of a target: the database's, or a tenant schema's own (so the tenants of
/// one database migrate in parallel), from a stable hash of the schema name.
fn lock_key(schema: Option<&str>) -> i64 {
    match schema {
        None => LOCK_KEY,
        Some(s) => {
            // FNV-1a: the same key for the same schema in every schemactl version.
            let mut h: u64 = 0xcbf2_9ce4_8422_2325;
            for b in s.bytes() {
                h ^= u64::from(b);
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
            LOCK_KEY ^ (h as i64) ^ 1
        }
    }
}

pub(crate) fn connect_client(target: &Target, timeout: Duration) -> Result<Client, Diagnostic> {
    let Target::Postgres(pg) = target else {
        unreachable!("the PostgreSQL driver connects to PostgreSQL targets")
    };
    let mut config = pg.config.clone();
    config.connect_timeout(timeout);
    let mut extra = Vec::new();
    if pg.read_only {
        extra.push("-c default_transaction_read_only=on".to_string());
    }
    if let Some(schema) = &pg.schema {
        // Names are checked (`target::check_schema_name`): no spaces or backslashes, which
        // the startup options would split on.
        extra.push(format!("-c search_path={},public", quote_ident(schema)));
    }
    if !extra.is_empty() {
        let mut options = config.get_options().unwrap_or("").to_string();
        for e in extra {
            if !options.is_empty() {
                options.push(' ');
            }
            options.push_str(&e);
        }
        config.options(&options);
    }
    connect_within(&config, &pg.tls, timeout).map_err(|failure| {
        let msg = failure.message();
        let missing_sockets: Vec<String> = config
            .get_hosts()
            .iter()
            .filter_map(|h| match h {
                postgres::config::Host::Unix(dir) if !dir.is_dir() => {
                    Some(dir.display().to_string())
                }
                _ => None,
            })
            .collect();
        let help = if let ConnectFailure::TimedOut(_) = failure {
            format!("the server took the connection but did not finish the TLS and startup handshake within {} s: check that host and port are PostgreSQL's (not a proxy or another service), or raise --connect-timeout", timeout.as_secs())
        } else if !missing_sockets.is_empty() {
            format!("the socket directory `{}` does not exist: check host= (or PGHOST) and that the server runs with that unix_socket_directories", missing_sockets.join("`, `"))
        } else if msg.contains("password") || msg.contains("authentication") {
            "check the user and password (PGPASSWORD or the URL)".to_string()
        } else if msg.contains("does not exist") {
            "check the database name; schemactl does not create databases".to_string()
        } else if msg.contains("does not support TLS") {
            "the server takes no TLS on this connection (PostgreSQL never uses it over a Unix socket): connect over TCP (host=NAME) for TLS, or use sslmode=prefer or disable".to_string()
        } else if msg.contains("certificate") {
            "sslmode=verify-ca and verify-full check the server's certificate against the system's CAs and sslrootcert=FILE (the CA's PEM); sslmode=require encrypts without checking".to_string()
        } else if msg.contains("sslrootcert") {
            "sslrootcert names a PEM file with the CA certificate to trust".to_string()
        } else {
            "check that the server is running and reachable at that host and port".to_string()
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

/// Why a connection could not be made.
enum ConnectFailure {
    Failed(String),
    /// No answer within the timeout (the `postgres` crate's own timeout covers only the TCP
    /// connect, not TLS and the startup handshake).
    TimedOut(Duration),
}

impl ConnectFailure {
    fn message(&self) -> String {
        match self {
            ConnectFailure::Failed(m) => m.clone(),
            ConnectFailure::TimedOut(t) => format!(
                "timed out after {} s waiting for the server to answer",
                t.as_secs()
            ),
        }
    }
}

/// Connects within `timeout`, the TLS and startup handshake included. The attempt runs on its
/// own thread; one that outlives the deadline is abandoned there (it ends when the server
/// closes the socket or the process exits), so a server that accepts and never answers
/// cannot hold schemactl.
fn connect_within(
    config: &Config,
    tls: &TlsPolicy,
    timeout: Duration,
) -> Result<Client, ConnectFailure> {
    let (tx, rx) = std::sync::mpsc::channel();
    let (config, tls) = (config.clone(), tls.clone());
    std::thread::Builder::new()
        .name("schemactl-connect".into())
        .spawn(move || {
            let _ = tx.send(connect_with_tls(&config, &tls));
        })
        .map_err(|e| ConnectFailure::Failed(format!("cannot start a thread: {e}")))?;
    match rx.recv_timeout(timeout) {
        Ok(result) => result.map_err(ConnectFailure::Failed),
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => Err(ConnectFailure::TimedOut(timeout)),
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => Err(ConnectFailure::Failed(
            "the connection attempt ended without an answer".into(),
        )),
    }
}

fn describe(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => db.message().to_string(),
        // The TLS layer's reason (an untrusted certificate, a wrong host) is in the source.
        None => match std::error::Error::source(e) {
            // TLS could not be set up: no handshake was tried.
            #[cfg(feature = "tls")]
            Some(cause) if cause.is::<tls::SetupFailed>() => cause.to_string(),
            Some(cause) => format!("{e}: {cause}"),
            None => e.to_string(),
        },
    }
}

#[cfg(feature = "tls")]
fn connect_with_tls(config: &Config, policy: &TlsPolicy) -> Result<Client, String> {
    // The server never takes TLS over a Unix socket (it answers the request with "no"), so
    // none is set up for one.
    let hosts = config.get_hosts();
    let unix_only = !hosts.is_empty()
        && hosts
            .iter()
            .all(|h| matches!(h, postgres::config::Host::Unix(_)));
    if config.get_ssl_mode() == postgres::config::SslMode::Disable || unix_only {
        return config.connect(postgres::NoTls).map_err(|e| describe(&e));
    }
    config
        .connect(tls::OnAcceptance {
            policy: policy.clone(),
        })
        .map_err(|e| describe(&e))
}

/// TLS set up only once a server accepts it, and once per process for each policy.
///
/// Setting up a connector loads the system's CA certificates, whether or not they are used:
/// about 40 ms, which was most of a connection's time. A server without TLS under the default
/// `prefer` never needs it, and the connections of a fleet, or an apply's lock connection,
/// share the first one's.
#[cfg(feature = "tls")]
mod tls {
    use super::TlsPolicy;
    use postgres::tls::{MakeTlsConnect, TlsConnect};
    use postgres::Socket;
    use std::future::Future;
    use std::pin::Pin;
    use std::sync::Mutex;

    type BoxError = Box<dyn std::error::Error + Send + Sync>;

    /// The connectors made so far; a process sees one policy, or a few.
    static MADE: Mutex<Vec<(TlsPolicy, native_tls::TlsConnector)>> = Mutex::new(Vec::new());

    /// Why a connector could not be made (an unreadable `sslrootcert`, say).
    #[derive(Debug)]
    pub(super) struct SetupFailed(String);

    impl std::fmt::Display for SetupFailed {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(&self.0)
        }
    }

    impl std::error::Error for SetupFailed {}

    pub(super) struct OnAcceptance {
        pub(super) policy: TlsPolicy,
    }

    pub(super) struct Handshake {
        policy: TlsPolicy,
        domain: String,
    }

    impl MakeTlsConnect<Socket> for OnAcceptance {
        type Stream = postgres_native_tls::TlsStream<Socket>;
        type TlsConnect = Handshake;
        type Error = BoxError;

        fn make_tls_connect(&mut self, domain: &str) -> Result<Handshake, BoxError> {
            Ok(Handshake {
                policy: self.policy.clone(),
                domain: domain.to_string(),
            })
        }
    }

    impl TlsConnect<Socket> for Handshake {
        type Stream = postgres_native_tls::TlsStream<Socket>;
        type Error = BoxError;
        type Future = Pin<Box<dyn Future<Output = Result<Self::Stream, BoxError>> + Send>>;

        fn connect(self, stream: Socket) -> Self::Future {
            let connector = match connector(&self.policy) {
                Ok(c) => c,
                Err(e) => return Box::pin(std::future::ready(Err(SetupFailed(e).into()))),
            };
            let handshake = postgres_native_tls::TlsConnector::new(connector, &self.domain);
            let handshake = TlsConnect::<Socket>::connect(handshake, stream);
            Box::pin(async move { handshake.await.map_err(BoxError::from) })
        }
    }

    /// The connector for `policy`: made on first use, then shared (it is reference counted).
    fn connector(policy: &TlsPolicy) -> Result<native_tls::TlsConnector, String> {
        // Held while a connector is made, so parallel connections wait for one rather than
        // each loading the certificates.
        let mut made = MADE.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some((_, c)) = made.iter().find(|(p, _)| p == policy) {
            return Ok(c.clone());
        }
        let c = make(policy)?;
        made.push((policy.clone(), c.clone()));
        Ok(c)
    }

    fn make(policy: &TlsPolicy) -> Result<native_tls::TlsConnector, String> {
        let mut builder = native_tls::TlsConnector::builder();
        if let Some(path) = &policy.root_cert {
            let pem = crate::files::read_regular_file(path, 16 * 1024 * 1024)
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
        builder
            .build()
            .map_err(|e| format!("cannot set up TLS: {e}"))
    }
}

#[cfg(not(feature = "tls"))]
fn connect_with_tls(config: &Config, _: &TlsPolicy) -> Result<Client, String> {
    config.connect(postgres::NoTls).map_err(|e| describe(&e))
}

impl PgDriver {
    pub fn connect(target: &Target, connect_timeout: Duration) -> Result<Self, Diagnostic> {
        let client = connect_client(target, connect_timeout)?;
        let schema = target.schema();
        Ok(PgDriver {
            client,
            lock_client: None,
            target: target.clone(),
            connect_timeout,
            lock_key: lock_key(schema),
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
        let mut f = statement_failure(script, 0, batch_error, &self.target);
        f.index = None;
        f.line = 1;
        f
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
        index: Some(index),
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
                .query_one("SELECT pg_try_advisory_lock($1)", &[&self.lock_key])
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
            let _ = c.query_one("SELECT pg_advisory_unlock($1)", &[&self.lock_key]);
        }
    }

    fn rows(&mut self, sql: &str) -> Result<Vec<Vec<Option<String>>>, Diagnostic> {
        let messages = self
            .client
            .simple_query(sql)
            .map_err(|e| self.query_error("cannot read another tool's tracking table", e))?;
        Ok(messages
            .iter()
            .filter_map(|m| match m {
                postgres::SimpleQueryMessage::Row(r) => Some(
                    (0..r.len())
                        .map(|i| {
                            r.get(i).map(|v| {
                                // bytea comes as `\x<hex>`: the hex is what is compared.
                                v.strip_prefix("\\x").unwrap_or(v).to_string()
                            })
                        })
                        .collect(),
                ),
                _ => None,
            })
            .collect())
    }

    fn ensure_tracking_table(&mut self) -> Result<(), Diagnostic> {
        // A tenant schema is created with its tracking table: until it exists, the files'
        // unqualified objects would land in `public`, next on the search_path.
        let schema = match self.target.schema() {
            Some(s) => format!("CREATE SCHEMA IF NOT EXISTS {};\n", quote_ident(s)),
            None => String::new(),
        };
        self.client
            .batch_execute(&format!(
                "{schema}{}",
                tracking::create_table(Backend::Postgres, self.target.schema())
            ))
            .map_err(|e| self.query_error("cannot create the tracking table", e))
    }

    fn applied(&mut self) -> Result<Vec<AppliedMigration>, Diagnostic> {
        // Read-only commands never create it: no table means nothing applied yet.
        let exists: bool = self
            .client
            .query_one(
                &tracking::exists(Backend::Postgres, self.target.schema()),
                &[],
            )
            .map_err(|e| self.query_error("cannot read the tracking table", e))?
            .get(0);
        if !exists {
            return Ok(Vec::new());
        }
        let rows = self
            .client
            .query(
                &tracking::select_applied(Backend::Postgres, self.target.schema()),
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
        // The whole file in one round trip, its tracking row first in the same transaction:
        // a large migration is thousands of statements, and a chain of small files is round
        // trips, which is what made apply slower than psql. The row has no ON CONFLICT: if
        // another run recorded the version first, its primary key stops this transaction
        // before the file runs.
        let batch = format!(
            "BEGIN;\n{};\n{}COMMIT;",
            tracking::insert_text(Backend::Postgres, self.target.schema(), &row(record, None)),
            joined(script)
        );
        let Err(e) = self.client.batch_execute(&batch) else {
            return Ok(true);
        };
        // The file went whole: if the connection went, which statement was running is
        // unknown, and the server rolled the transaction back.
        let gone = |e: &postgres::Error| StatementFailure {
            index: None,
            message: target.redact(&error_text(e)),
            line: 1,
            connection_lost: true,
        };
        if e.is_closed()
            || e.as_db_error()
                .is_some_and(|d| d.code() == &postgres::error::SqlState::ADMIN_SHUTDOWN)
        {
            return Err(gone(&e));
        }
        // The session is inside the failed transaction block: end it.
        if self.client.batch_execute("ROLLBACK").is_err() {
            return Err(gone(&e));
        }
        let recorded_first = e.as_db_error().is_some_and(|d| {
            d.code() == &postgres::error::SqlState::UNIQUE_VIOLATION
                && d.table() == Some(super::TRACKING_TABLE)
                && d.schema()
                    .is_some_and(|s| self.target.schema().is_none_or(|t| t == s))
        });
        if recorded_first {
            return Ok(false);
        }
        Err(self.locate_failure(script, &e))
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
        let line = script.statements.get(index).map_or(1, |s| s.line);
        let failed = |e: postgres::Error| StatementFailure {
            index: Some(index),
            message: format!(
                "the statement ran, but recording its progress failed: {}",
                target.redact(&error_text(&e))
            ),
            line,
            connection_lost: e.is_closed(),
        };
        let schema = self.target.schema().map(str::to_string);
        let mut tx = self.client.transaction().map_err(failed)?;
        let result =
            insert_record(&mut tx, schema.as_deref(), record, done).and_then(|_| tx.commit());
        result.map_err(failed)
    }

    fn run_block(
        &mut self,
        script: &SqlScript,
        block: std::ops::Range<usize>,
        record: &Record,
        complete: bool,
    ) -> Result<(), StatementFailure> {
        // The file's own BEGIN (with its isolation level) and COMMIT, the progress row between.
        for i in block.start..block.end - 1 {
            if let Err(e) = self.client.batch_execute(&script.statements[i].text) {
                let _ = self.client.batch_execute("ROLLBACK");
                return Err(statement_failure(script, i, &e, &self.target));
            }
        }
        let done = if complete {
            None
        } else {
            Some(block.end as i32)
        };
        let commit = block.end - 1;
        let schema = self.target.schema().map(str::to_string);
        if let Err(e) = insert_record(&mut self.client, schema.as_deref(), record, done) {
            let _ = self.client.batch_execute("ROLLBACK");
            return Err(statement_failure(script, commit, &e, &self.target));
        }
        self.client
            .batch_execute(&script.statements[commit].text)
            .map_err(|e| statement_failure(script, commit, &e, &self.target))
    }

    fn record_baseline(
        &mut self,
        files: &[&MigrationFile],
        applied_by: &str,
    ) -> Result<(), Diagnostic> {
        let target = self.target.clone();
        let failed = |e: postgres::Error| {
            Diagnostic::error(
                "apply::database",
                format!(
                    "cannot record the baseline: {}",
                    target.redact(&error_text(&e))
                ),
            )
        };
        let schema = self.target.schema().map(str::to_string);
        let mut tx = self.client.transaction().map_err(failed)?;
        for f in files {
            insert_record(
                &mut tx,
                schema.as_deref(),
                &Record::new(f, applied_by),
                None,
            )
            .map_err(failed)?;
        }
        tx.commit().map_err(failed)
    }
}

fn borrow(params: &[Box<dyn ToSql + Sync>]) -> Vec<&(dyn ToSql + Sync)> {
    params.iter().map(|p| p.as_ref()).collect()
}

fn row<'a>(r: &'a Record, done: Option<i32>) -> tracking::Row<'a> {
    tracking::Row {
        version: r.file.version as i64,
        name: &r.file.name,
        checksum: &r.checksum,
        duration_ms: r.duration_ms,
        applied_by: &r.applied_by,
        statements_done: done,
    }
}

/// Records a file (or its progress): see [`tracking::upsert`].
fn insert_record(
    tx: &mut impl postgres::GenericClient,
    schema: Option<&str>,
    r: &Record,
    done: Option<i32>,
) -> Result<(), postgres::Error> {
    let (sql, values) = tracking::upsert(Backend::Postgres, schema, &row(r, done));
    tx.execute(&sql, &borrow(&tracking::pg_params(&values)))
        .map(|_| ())
}
