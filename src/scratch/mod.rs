//! Scratch databases: a migration folder replayed on a real database and read back.
//!
//! Reading the SQL (`sql::replay`) is fast and needs no server, but it cannot follow procedural
//! code (a `DO` block, a function with side effects). Where it cannot, or where both sides of a
//! comparison must be spelled by the same server (drift), the folder runs in a scratch
//! database instead: on a server the user names (`--dev-url`), or on a throwaway local
//! PostgreSQL started from the installed binaries. Every scratch database is dropped when the
//! [`Scratch`] that made it is.

mod local_server;

pub use local_server::{stop_server, LocalServer};

use crate::apply::{self, ApplyOptions, Target, TRACKING_TABLE};
use crate::diag::{Diagnostic, Diagnostics};
use crate::dialect::postgres::quote_ident;
use crate::dialect::DialectKind;
use crate::migrate::MigrationDir;
use crate::model::Schema;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

/// Where scratch databases are made.
pub struct Scratch {
    kind: Kind,
    timeout: Duration,
    /// `dev.prelude`: (file, SQL) run in every new scratch database before anything else.
    prelude: Vec<(String, String)>,
}

enum Kind {
    Postgres {
        admin_target: Target,
        admin: Box<postgres::Client>,
        created: Vec<String>,
        /// Kept alive while its databases are in use; stopped and deleted on drop.
        _local: Option<LocalServer>,
    },
    Sqlite {
        created: Vec<PathBuf>,
    },
}

static NEXT: AtomicU32 = AtomicU32::new(0);

fn unique_suffix(tag: &str) -> String {
    format!(
        "{tag}_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst)
    )
}

impl Scratch {
    /// Opens the place scratch databases live. For PostgreSQL: the server at `dev_url` (where
    /// the user may create databases), else a throwaway local server. SQLite needs no server:
    /// scratch databases are temporary files.
    pub fn open(
        dialect: DialectKind,
        dev_url: Option<&str>,
        timeout: Duration,
    ) -> Result<Scratch, Diagnostics> {
        let kind = match dialect {
            DialectKind::Sqlite if dev_url.is_some() => return Err(Diagnostic::error(
                "scratch::bad-dev-url",
                "--dev-url names a PostgreSQL server; SQLite scratch databases are temporary files",
            )
            .help("leave out --dev-url for SQLite migrations")
            .into()),
            DialectKind::Sqlite => Kind::Sqlite {
                created: Vec::new(),
            },
            DialectKind::Postgres => {
                let (url, local) = match dev_url {
                    Some(url) => (url.to_string(), None),
                    None => {
                        let server = LocalServer::start().map_err(|e| {
                            Diagnostics::from(
                                Diagnostic::error(
                                    "scratch::no-dev-database",
                                    "replaying the migrations needs a scratch PostgreSQL, and none could be started",
                                )
                                .help(format!(
                                    "pass --dev-url postgres://... (a server where schemactl may create and drop a database); starting a local one failed: {e}"
                                )),
                            )
                        })?;
                        (server.conninfo("postgres"), Some(server))
                    }
                };
                let admin_target =
                    Target::parse(&url, &|k| std::env::var(k).ok()).map_err(Diagnostics::from)?;
                let Target::Postgres(_) = &admin_target else {
                    return Err(Diagnostic::error(
                        "scratch::bad-dev-url",
                        "--dev-url must be a PostgreSQL URL (postgres://user@host/db)",
                    )
                    .into());
                };
                let admin = apply::postgres_driver::connect_client(&admin_target, timeout)?;
                Kind::Postgres {
                    admin_target,
                    admin: Box::new(admin),
                    created: Vec::new(),
                    _local: local,
                }
            }
        };
        Ok(Scratch {
            kind,
            timeout,
            prelude: Vec::new(),
        })
    }

    /// Runs `prelude` (`dev.prelude`: file name and SQL) in every scratch database this makes,
    /// before the folder.
    pub fn with_prelude(mut self, prelude: Vec<(String, String)>) -> Self {
        self.prelude = prelude;
        self
    }

    /// What the prelude alone builds (None without a prelude): the objects every comparison
    /// leaves out, since they belong to the platform or tool the prelude stands in for.
    pub fn prelude_schema(&mut self) -> Result<Option<Schema>, Diagnostics> {
        if self.prelude.is_empty() {
            return Ok(None);
        }
        let db = self.database("prelude")?;
        self.inspect(&db).map(Some)
    }

    fn run_prelude(&self, target: &Target) -> Result<(), Diagnostics> {
        for (file, sql) in &self.prelude {
            let failed = |e: String| {
                Diagnostics::from(
                    Diagnostic::error(
                        "scratch::prelude",
                        format!("the dev.prelude file `{file}` failed in a scratch database: {e}"),
                    )
                    .help("fix the file (it runs before the migrations in every scratch database, never on a live one)"),
                )
            };
            match target {
                Target::Postgres(_) => {
                    let mut client = apply::postgres_driver::connect_client(target, self.timeout)?;
                    client.batch_execute(sql).map_err(|e| {
                        failed(target.redact(&apply::postgres_driver::error_text(&e)))
                    })?;
                }
                Target::Sqlite(path) => {
                    let conn =
                        rusqlite::Connection::open(path).map_err(|e| failed(e.to_string()))?;
                    conn.execute_batch(sql).map_err(|e| failed(e.to_string()))?;
                }
            }
        }
        Ok(())
    }

    /// A new scratch database, empty but for the prelude; `tag` says what it is for in its
    /// name.
    pub fn database(&mut self, tag: &str) -> Result<Target, Diagnostics> {
        let target = self.empty_database(tag)?;
        self.run_prelude(&target)?;
        Ok(target)
    }

    fn empty_database(&mut self, tag: &str) -> Result<Target, Diagnostics> {
        match &mut self.kind {
            Kind::Sqlite { created } => {
                let path = std::env::temp_dir()
                    .join(format!("schemactl_scratch_{}.db", unique_suffix(tag)));
                let _ = std::fs::remove_file(&path);
                created.push(path.clone());
                Ok(Target::Sqlite(path))
            }
            Kind::Postgres {
                admin_target,
                admin,
                created,
                ..
            } => {
                let name = format!("schemactl_scratch_{}", unique_suffix(tag));
                // CREATE DATABASE cannot run inside the implicit transaction of a batch.
                admin
                    .batch_execute(&format!("CREATE DATABASE {}", quote_ident(&name)))
                    .map_err(|e| {
                        Diagnostics::from(
                            Diagnostic::error(
                                "scratch::create-database",
                                format!(
                                    "cannot create a scratch database: {}",
                                    admin_target.redact(&apply::postgres_driver::error_text(&e))
                                ),
                            )
                            .help(
                                "--dev-url must name a server where this user may create databases",
                            ),
                        )
                    })?;
                created.push(name.clone());
                let Target::Postgres(admin_pg) = &*admin_target else {
                    unreachable!("a PostgreSQL scratch has a PostgreSQL admin target")
                };
                let mut pg = (**admin_pg).clone();
                pg.config.dbname(&name);
                Ok(Target::Postgres(Box::new(pg)))
            }
        }
    }

    /// Applies the folder's migrations (up to `to`, all when `None`) to `target`, the way
    /// `apply` would, so hand-written procedural migrations run for real.
    pub fn migrate(
        &self,
        target: &Target,
        dir: &MigrationDir,
        to: Option<u64>,
    ) -> Result<(), Diagnostics> {
        let scripts = apply::prepare(dir, target.dialect())?;
        let opts = ApplyOptions {
            to,
            lock_timeout: Duration::from_secs(60),
            scratch: true,
            ..ApplyOptions::default()
        };
        let mut db = apply::connect(target, self.timeout).map_err(Diagnostics::from)?;
        apply::apply(
            db.as_mut(),
            target,
            dir,
            &scripts,
            &opts,
            &mut apply::Silent,
        )?;
        Ok(())
    }

    /// The schema of a scratch database, read back from its catalog.
    pub fn inspect(&self, target: &Target) -> Result<Schema, Diagnostics> {
        inspect_target(target, self.timeout)
    }
}

/// `schema` without what `prelude` (a database that ran only `dev.prelude`) holds: its
/// tables, types, functions, extensions and schemas.
pub fn without_prelude(schema: &mut Schema, prelude: Option<&Schema>) {
    let Some(p) = prelude else {
        return;
    };
    schema.tables.retain(|t| p.table(&t.name).is_none());
    schema
        .enums
        .retain(|e| !p.enums.iter().any(|x| x.name == e.name));
    schema
        .custom_types
        .retain(|e| !p.custom_types.iter().any(|x| x.name == e.name));
    schema
        .functions
        .retain(|e| !p.functions.iter().any(|x| x.name == e.name));
    schema
        .extensions
        .retain(|e| !p.extensions.iter().any(|x| x.name == e.name));
    schema
        .namespaces
        .retain(|e| !p.namespaces.iter().any(|x| x.name == e.name));
    schema
        .views
        .retain(|e| !p.views.iter().any(|x| x.name == e.name));
}

/// Whether every error is a statement `sql::replay` cannot follow, which a scratch database
/// can run (an "already exists" conflict included: something replay could not follow may
/// have removed the first one); anything else (a missing table, a typo) is a real error.
pub fn only_unreplayable(errors: &[Diagnostic]) -> bool {
    errors.iter().all(|d| {
        d.code == crate::sql::replay::UNSUPPORTED || d.code == crate::sql::replay::CONFLICT
    })
}

/// Which statements send the folder to a scratch database, as a note for the user.
pub fn fallback_note(errors: &[Diagnostic]) -> String {
    let mut note = format!(
        "schemactl cannot follow {} statement(s) of the migrations by reading them, so it runs the migrations on a scratch database instead (--dev-url names a PostgreSQL server to use; without it a throwaway local one is started):",
        errors.len()
    );
    for d in errors {
        note.push_str("\n  ");
        note.push_str(&d.message);
    }
    note
}

/// The schema a fresh in-memory SQLite database holds after the SQLite driver ran `dir`'s
/// files the way `apply` runs them.
pub fn sqlite_in_memory(dir: &MigrationDir) -> Result<Schema, Diagnostics> {
    let scripts: Vec<_> = dir
        .files
        .iter()
        .map(|f| crate::sql::split::split_unparsed(&f.sql, DialectKind::Sqlite))
        .collect();
    let mut db = apply::sqlite_driver::SqliteDriver::in_memory()?;
    let opts = ApplyOptions {
        lock_timeout: Duration::from_secs(5),
        ..ApplyOptions::default()
    };
    let target = Target::Sqlite(PathBuf::from(":memory:"));
    apply::apply(&mut db, &target, dir, &scripts, &opts, &mut apply::Silent)?;
    crate::inspect::sqlite::inspect(db.connection(), TRACKING_TABLE)
}

/// Objects of the database whose kinds the model does not describe, counted per kind.
pub fn not_compared_target(target: &Target, timeout: Duration) -> Result<Vec<String>, Diagnostics> {
    match target {
        Target::Postgres(_) => {
            let mut client = apply::postgres_driver::connect_client(&target.read_only(), timeout)?;
            crate::inspect::postgres::not_compared(&mut client)
        }
        Target::Sqlite(_) => Ok(Vec::new()),
    }
}

/// The schema of any database, read back from its catalog (the tracking table left out).
/// Only reads: a read-only session, a SQLite file opened read-only.
pub fn inspect_target(target: &Target, timeout: Duration) -> Result<Schema, Diagnostics> {
    match target {
        Target::Postgres(_) => {
            let mut client = apply::postgres_driver::connect_client(&target.read_only(), timeout)?;
            crate::inspect::postgres::inspect(&mut client, TRACKING_TABLE)
        }
        Target::Sqlite(path) => {
            let conn = rusqlite::Connection::open_with_flags(
                path,
                rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
            )
            .map_err(|e| {
                Diagnostics::from(Diagnostic::error(
                    "inspect::connect",
                    format!("cannot open sqlite:{}: {e}", path.display()),
                ))
            })?;
            crate::inspect::sqlite::inspect(&conn, TRACKING_TABLE)
        }
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        match &mut self.kind {
            Kind::Postgres { admin, created, .. } => {
                for name in created.drain(..) {
                    let _ = admin.batch_execute(&format!(
                        "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                        quote_ident(&name)
                    ));
                }
            }
            Kind::Sqlite { created } => {
                for path in created.drain(..) {
                    let _ = std::fs::remove_file(path);
                }
            }
        }
    }
}
