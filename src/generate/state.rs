//! Where `generate` learns what the folder builds: by reading its SQL, or by running it.

use super::{render_script, Notes};
use crate::apply::Target;
use crate::diag::{Diagnostic, Diagnostics};
use crate::dialect::DialectKind;
use crate::migrate::MigrationDir;
use crate::model::Schema;
use crate::scratch::Scratch;
use crate::sql::{import_files, normalize_schema};

pub(super) enum StateSource {
    Replay(DialectKind),
    /// A scratch database ran the folder; the plan is proven on the same database.
    Database {
        scratch: Box<Scratch>,
        folder_db: Target,
        /// What `dev.prelude` alone builds, left out of both sides.
        prelude: Option<Schema>,
    },
}

impl StateSource {
    /// The folder's state (normalized) and where it came from. Reading the SQL is the default;
    /// statements it cannot follow send the folder to a scratch database instead, with a note.
    pub(super) fn read(
        dir: &MigrationDir,
        dialect: DialectKind,
        dev_url: Option<&str>,
        prelude: Vec<(String, String)>,
        notes: &mut Notes,
    ) -> Result<(StateSource, Schema), Diagnostics> {
        if !prelude.is_empty() {
            notes.push("dev.prelude is set, so the migrations run on a scratch database after it (--dev-url names a PostgreSQL server to use; without it a throwaway local one is started)".to_string());
        }
        if dev_url.is_none() && prelude.is_empty() {
            match replay(dir, dialect) {
                Ok(s) => return Ok((StateSource::Replay(dialect), normalize_schema(&s, dialect))),
                Err(ds) if crate::scratch::only_unreplayable(&ds.0) => {
                    notes.push(crate::scratch::fallback_note(&ds.0))
                }
                Err(ds) => return Err(ds),
            }
        }
        let timeout = std::time::Duration::from_secs(10);
        let mut scratch = Box::new(Scratch::open(dialect, dev_url, timeout)?.with_prelude(prelude));
        let prelude = scratch.prelude_schema()?;
        let folder_db = scratch.database("folder")?;
        scratch.migrate(&folder_db, dir, None)?;
        let mut current = scratch.inspect(&folder_db)?;
        crate::scratch::without_prelude(&mut current, prelude.as_ref());
        let current = normalize_schema(&current, dialect);
        Ok((
            StateSource::Database {
                scratch,
                folder_db,
                prelude,
            },
            current,
        ))
    }

    /// The declared schema as the source spells it: as the dialect stores it for replay; for a
    /// database, what the server makes of its rendered script, so both sides of the diff are
    /// read alike.
    pub(super) fn declared(&mut self, schema: &Schema) -> Result<Schema, Diagnostics> {
        let mut desired = match self {
            StateSource::Replay(dialect) => {
                normalize_schema(&dialect.dialect().stored(schema), *dialect)
            }
            StateSource::Database {
                scratch,
                folder_db,
                prelude,
            } => {
                let dialect = folder_db.dialect();
                let script = render_script(schema, dialect)?;
                let db = scratch.database("declared")?;
                scratch.migrate(&db, &MigrationDir::of_scripts([script.as_str()]), None)?;
                let mut declared = scratch.inspect(&db)?;
                crate::scratch::without_prelude(&mut declared, prelude.as_ref());
                normalize_schema(&declared, dialect)
            }
        };
        crate::diff::restore_rename_hints(&mut desired, schema);
        Ok(desired)
    }

    /// What the folder plus the planned files build (`with_plan` is the folder with them).
    pub(super) fn with_plan(&mut self, with_plan: &MigrationDir) -> Result<Schema, Diagnostics> {
        match self {
            StateSource::Replay(dialect) => {
                Ok(normalize_schema(&replay(with_plan, *dialect)?, *dialect))
            }
            StateSource::Database {
                scratch,
                folder_db,
                prelude,
            } => {
                // The folder's files are applied already; this runs only the planned ones.
                scratch.migrate(folder_db, with_plan, None).map_err(|mut ds| {
                    ds.0.insert(0, Diagnostic::error(
                        "generate::plan-failed",
                        "the planned migration fails on the scratch database; nothing was written",
                    ).help("this is a schemactl bug worth reporting; meanwhile write the change by hand and run `schemactl migrations rehash`"));
                    ds
                })?;
                let dialect = folder_db.dialect();
                let mut reached = scratch.inspect(folder_db)?;
                crate::scratch::without_prelude(&mut reached, prelude.as_ref());
                Ok(normalize_schema(&reached, dialect))
            }
        }
    }
}

/// The schema the migration folder builds, replayed from its SQL.
fn replay(dir: &MigrationDir, dialect: DialectKind) -> Result<Schema, Diagnostics> {
    let names: Vec<String> = dir
        .files
        .iter()
        .map(|f| f.path.display().to_string())
        .collect();
    import_files(
        names
            .iter()
            .zip(&dir.files)
            .map(|(n, f)| (n.as_str(), f.sql.as_str())),
        dialect,
    )
}
