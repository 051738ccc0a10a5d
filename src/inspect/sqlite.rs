//! SQLite: `sqlite_master` already holds each object's DDL; replay it.

use crate::diag::{Diagnostic, Diagnostics};
use crate::dialect::DialectKind;
use crate::model::Schema;
use rusqlite::Connection;

pub fn catalog_ddl(db: &Connection, skip_table: &str) -> Result<String, Diagnostics> {
    let err = |e: rusqlite::Error| {
        Diagnostics::from(Diagnostic::error(
            "inspect::query",
            format!("cannot read sqlite_master: {e}"),
        ))
    };
    let mut stmt = db
        .prepare("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' AND tbl_name <> ?1 ORDER BY type = 'table' DESC, name")
        .map_err(err)?;
    let rows = stmt
        .query_map([skip_table], |r| r.get::<_, String>(0))
        .map_err(err)?;
    let mut out = String::new();
    for r in rows {
        out.push_str(&r.map_err(err)?);
        out.push_str(";\n");
    }
    Ok(out)
}

pub fn inspect(db: &Connection, skip_table: &str) -> Result<Schema, Diagnostics> {
    let ddl = catalog_ddl(db, skip_table)?;
    crate::sql::import_sql(&ddl, "<sqlite_master>", DialectKind::Sqlite)
}
