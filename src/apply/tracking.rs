//! Our tracking table, spelled once for both backends with sea-query: the drivers send what
//! these functions build and bind the values they return, in order.

use super::TRACKING_TABLE;
use sea_query::{
    Alias, ColumnDef, Expr, ExprTrait, Func, InsertStatement, OnConflict, PostgresQueryBuilder,
    Query, SqliteQueryBuilder, Table, TableName, Values,
};

/// Which database a statement is built for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Sqlite,
}

/// The timestamp text `applied_at` is read as: ISO 8601 in UTC, on both backends.
const PG_APPLIED_AT: &str =
    r#"to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')"#;
const SQLITE_NOW: &str = "(strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))";

/// The table, in a tenant schema when `schema` names one (PostgreSQL only).
fn table(schema: Option<&str>) -> TableName {
    match schema {
        Some(s) => (Alias::new(s), Alias::new(TRACKING_TABLE)).into(),
        None => Alias::new(TRACKING_TABLE).into(),
    }
}

fn now(b: Backend) -> Expr {
    match b {
        Backend::Postgres => Expr::cust("now()"),
        Backend::Sqlite => Expr::cust(SQLITE_NOW),
    }
}

/// `CREATE TABLE IF NOT EXISTS schemactl_migrations (...)`.
pub fn create_table(b: Backend, schema: Option<&str>) -> String {
    let mut t = Table::create();
    t.table(table(schema)).if_not_exists();
    let mut version = ColumnDef::new("version");
    match b {
        // INTEGER PRIMARY KEY is SQLite's rowid alias, as the table always had.
        Backend::Sqlite => version.custom("INTEGER"),
        Backend::Postgres => version.big_integer(),
    };
    t.col(version.primary_key());
    t.col(ColumnDef::new("name").text().not_null());
    t.col(ColumnDef::new("checksum").text().not_null());
    let mut applied_at = ColumnDef::new("applied_at");
    match b {
        Backend::Postgres => applied_at.custom("timestamptz"),
        Backend::Sqlite => applied_at.text(),
    };
    t.col(applied_at.not_null().default(now(b)));
    t.col(
        ColumnDef::new("duration_ms")
            .big_integer()
            .not_null()
            .default(0),
    );
    t.col(ColumnDef::new("applied_by").text().not_null());
    t.col(ColumnDef::new("tool_version").text().not_null());
    t.col(ColumnDef::new("statements_done").integer().null());
    match b {
        Backend::Postgres => t.to_string(PostgresQueryBuilder),
        Backend::Sqlite => t.to_string(SqliteQueryBuilder),
    }
}

/// Whether the table exists (one row, one column: true or 1 when it does).
pub fn exists(b: Backend, schema: Option<&str>) -> String {
    match b {
        Backend::Postgres => {
            let name = match schema {
                Some(s) => format!(
                    "{}.{TRACKING_TABLE}",
                    crate::dialect::postgres::quote_ident(s)
                ),
                None => TRACKING_TABLE.to_string(),
            };
            Query::select()
                .expr(Func::cust("to_regclass").arg(name).is_not_null())
                .to_string(PostgresQueryBuilder)
        }
        Backend::Sqlite => Query::select()
            .expr(Expr::cust("1"))
            .from("sqlite_master")
            .and_where(Expr::col("type").eq("table"))
            .and_where(Expr::col("name").eq(TRACKING_TABLE))
            .to_string(SqliteQueryBuilder),
    }
}

/// Every row: version, name, checksum, applied_at (ISO 8601 UTC text), statements_done.
pub fn select_applied(b: Backend, schema: Option<&str>) -> String {
    let mut q = Query::select();
    q.columns(["version", "name", "checksum"]);
    match b {
        Backend::Postgres => q.expr(Expr::cust(PG_APPLIED_AT)),
        Backend::Sqlite => q.column("applied_at"),
    };
    q.column("statements_done")
        .from(table(schema))
        .order_by("version", sea_query::Order::Asc);
    match b {
        Backend::Postgres => q.to_string(PostgresQueryBuilder),
        Backend::Sqlite => q.to_string(SqliteQueryBuilder),
    }
}

/// `SELECT 1 ... WHERE version = <param>`: whether another run recorded the file first.
pub fn version_recorded(b: Backend, version: i64) -> (String, Values) {
    let mut q = Query::select();
    q.expr(Expr::cust("1"))
        .from(TRACKING_TABLE)
        .and_where(Expr::col("version").eq(version));
    match b {
        Backend::Postgres => q.build(PostgresQueryBuilder),
        Backend::Sqlite => q.build(SqliteQueryBuilder),
    }
}

/// What a tracking row records.
pub struct Row<'a> {
    pub version: i64,
    pub name: &'a str,
    pub checksum: &'a str,
    pub duration_ms: i64,
    pub applied_by: &'a str,
    pub statements_done: Option<i32>,
}

/// Records a file, as SQL text with its values written in: it travels in the file's own round
/// trip. Without ON CONFLICT: a row already there is a run that got there first.
pub fn insert_text(b: Backend, schema: Option<&str>, r: &Row) -> String {
    let q = insert(schema, r);
    match b {
        Backend::Postgres => q.to_string(PostgresQueryBuilder),
        Backend::Sqlite => q.to_string(SqliteQueryBuilder),
    }
}

/// Records a file (or its progress). A later row for the same version (a resumed file) takes
/// over its name and checksum: after a fix, the row records the file as it finally ran.
pub fn upsert(b: Backend, schema: Option<&str>, r: &Row) -> (String, Values) {
    let mut q = insert(schema, r);
    q.on_conflict(
        OnConflict::column("version")
            .update_columns(["statements_done", "name", "checksum", "duration_ms"])
            .value("applied_at", now(b))
            .to_owned(),
    );
    match b {
        Backend::Postgres => q.build(PostgresQueryBuilder),
        Backend::Sqlite => q.build(SqliteQueryBuilder),
    }
}

fn insert(schema: Option<&str>, r: &Row) -> InsertStatement {
    let mut q = Query::insert();
    q.into_table(table(schema))
        .columns([
            "version",
            "name",
            "checksum",
            "duration_ms",
            "applied_by",
            "tool_version",
            "statements_done",
        ])
        .values_panic([
            r.version.into(),
            r.name.into(),
            r.checksum.into(),
            r.duration_ms.into(),
            r.applied_by.into(),
            env!("CARGO_PKG_VERSION").into(),
            r.statements_done.into(),
        ]);
    q
}

/// The values of a built statement as PostgreSQL parameters.
pub fn pg_params(values: &Values) -> Vec<Box<dyn postgres::types::ToSql + Sync>> {
    use sea_query::Value;
    values
        .iter()
        .map(|v| -> Box<dyn postgres::types::ToSql + Sync> {
            match v {
                Value::Int(i) => Box::new(*i),
                Value::BigInt(i) => Box::new(*i),
                Value::String(s) => Box::new(s.clone()),
                Value::Bool(b) => Box::new(*b),
                other => unreachable!("the tracking table binds no {other:?}"),
            }
        })
        .collect()
}

/// The values of a built statement as SQLite parameters.
pub fn sqlite_params(values: &Values) -> Vec<rusqlite::types::Value> {
    use rusqlite::types::Value as V;
    use sea_query::Value;
    values
        .iter()
        .map(|v| match v {
            Value::Int(i) => i.map_or(V::Null, |i| V::Integer(i.into())),
            Value::BigInt(i) => i.map_or(V::Null, V::Integer),
            Value::String(s) => s.clone().map_or(V::Null, V::Text),
            Value::Bool(b) => b.map_or(V::Null, |b| V::Integer(b.into())),
            other => unreachable!("the tracking table binds no {other:?}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_for_both_backends() {
        // The tool version is the crate's: a release must not change the snapshot.
        let sql = format!(
            "{}\n\n{}\n\n{}\n\n{}\n\n{}\n\n{}\n\n{}\n\n{}\n\n{}\n\n{}",
            create_table(Backend::Postgres, None),
            create_table(Backend::Sqlite, None),
            select_applied(Backend::Postgres, Some("tenant_a")),
            select_applied(Backend::Sqlite, None),
            exists(Backend::Postgres, Some("tenant_a")),
            exists(Backend::Sqlite, None),
            upsert(
                Backend::Postgres,
                Some("tenant_a"),
                &Row {
                    version: 1,
                    name: "x",
                    checksum: "c",
                    duration_ms: 0,
                    applied_by: "me",
                    statements_done: None
                }
            )
            .0,
            upsert(
                Backend::Sqlite,
                None,
                &Row {
                    version: 1,
                    name: "x",
                    checksum: "c",
                    duration_ms: 0,
                    applied_by: "me",
                    statements_done: None
                }
            )
            .0,
            exists(Backend::Postgres, Some("Tenant 'A'")),
            insert_text(
                Backend::Postgres,
                Some("Tenant 'A'"),
                &Row {
                    version: 2,
                    name: "o'neil\\path",
                    checksum: "c",
                    duration_ms: 5,
                    applied_by: "me",
                    statements_done: Some(3)
                }
            ),
        );
        insta::assert_snapshot!(
            sql.replace(&format!("'{}'", env!("CARGO_PKG_VERSION")), "'<version>'")
        );
    }
}
