//! Test support, never a dependency of schemactl's production code: one throwaway
//! PostgreSQL server per test process (a [`schemactl::scratch::LocalServer`]), with a
//! database per test so tests run in parallel without seeing each other, and synthetic
//! schemas for benchmarks.
//!
//! If no server binaries are installed, [`PgServer::shared`] panics with how to install them:
//! a test that needs PostgreSQL never passes without one.

pub mod synthetic;

use schemactl::scratch::LocalServer;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, OnceLock};

/// A local server for tests: everything a [`LocalServer`] is, plus a database per test.
pub struct PgServer(LocalServer);

impl std::ops::Deref for PgServer {
    type Target = LocalServer;
    fn deref(&self) -> &LocalServer {
        &self.0
    }
}

/// A database created for one test.
pub struct TestDb {
    pub name: String,
    /// key=value connection string over the Unix socket.
    pub conninfo: String,
    /// A `postgres://` URL over TCP on 127.0.0.1.
    pub url: String,
}

impl TestDb {
    pub fn client(&self) -> postgres::Client {
        postgres::Client::connect(&self.conninfo, postgres::NoTls)
            .unwrap_or_else(|e| panic!("cannot connect to test database {}: {e}", self.name))
    }
}

static SHARED: OnceLock<PgServer> = OnceLock::new();
static STOP_PATHS: Mutex<Option<(std::path::PathBuf, std::path::PathBuf, bool)>> = Mutex::new(None);
static NEXT_DB: AtomicU32 = AtomicU32::new(0);

impl PgServer {
    /// The process-wide server, started on first use and stopped at process exit (a static
    /// is never dropped).
    pub fn shared() -> &'static PgServer {
        SHARED.get_or_init(|| {
            let server = PgServer::start().unwrap_or_else(|e| panic!("{e}"));
            *STOP_PATHS.lock().unwrap() = Some(server.stop_paths());
            extern "C" fn stop_at_exit() {
                if let Ok(mut guard) = STOP_PATHS.lock() {
                    if let Some((bin, root, as_pg)) = guard.take() {
                        schemactl::scratch::stop_server(&bin, &root, as_pg);
                    }
                }
            }
            // SAFETY: registering a plain extern "C" function with no arguments.
            unsafe {
                libc::atexit(stop_at_exit);
            }
            server
        })
    }

    /// A server of its own, stopped and deleted when dropped.
    pub fn start() -> Result<PgServer, String> {
        LocalServer::start().map(PgServer)
    }

    /// A server of its own that accepts TCP connections only over TLS.
    pub fn start_tls() -> Result<PgServer, String> {
        LocalServer::start_tls().map(PgServer)
    }

    /// Creates an empty database for one test.
    pub fn create_database(&self, prefix: &str) -> TestDb {
        let slug: String = prefix
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '_'
                }
            })
            .take(40)
            .collect();
        let name = format!(
            "{slug}_{}_{}",
            std::process::id(),
            NEXT_DB.fetch_add(1, Ordering::SeqCst)
        );
        let mut admin = postgres::Client::connect(&self.conninfo("postgres"), postgres::NoTls)
            .unwrap_or_else(|e| panic!("cannot connect to the test server: {e}"));
        admin
            .batch_execute(&format!("CREATE DATABASE \"{name}\""))
            .unwrap_or_else(|e| panic!("cannot create database {name}: {e}"));
        TestDb {
            conninfo: self.conninfo(&name),
            url: self.url(&name),
            name,
        }
    }
}
