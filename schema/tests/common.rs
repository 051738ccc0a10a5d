//! Shared helpers for the canonical schema tests on real PostgreSQL.

#![allow(dead_code)]

use schemactl::model::Schema;
use schemactl_testkit::{PgServer, TestDb};
use std::sync::OnceLock;

/// The committed initial migration of the canonical schema.
pub const MIGRATION: &str = include_str!("../migrations/0001_initial.sql");

/// The canonical schema model, built once per test binary.
pub fn schema() -> &'static Schema {
    static SCHEMA: OnceLock<Schema> = OnceLock::new();
    SCHEMA.get_or_init(|| match bizing_schema::build() {
        Ok(s) => s,
        Err(ds) => panic!("the canonical schema does not build:\n{ds:?}"),
    })
}

/// A fresh database with the initial migration applied in one run.
pub fn migrated_db(name: &str) -> (TestDb, postgres::Client) {
    let db = PgServer::shared().create_database(name);
    let mut client = db.client();
    client
        .batch_execute(MIGRATION)
        .unwrap_or_else(|e| panic!("the initial migration does not apply: {e:?}"));
    (db, client)
}

/// The name of the foreign key on `table` over exactly `cols`, as the model declares it.
pub fn fk_name(table: &str, cols: &[&str]) -> String {
    let t = table_of(table);
    t.foreign_keys
        .iter()
        .find(|fk| {
            fk.columns
                .iter()
                .map(|c| c.as_str())
                .eq(cols.iter().copied())
        })
        .unwrap_or_else(|| panic!("`{table}` has no foreign key over {cols:?}"))
        .name
        .to_string()
}

/// The name of the index on `table` whose key columns are exactly `cols`.
pub fn index_name(table: &str, cols: &[&str], unique: bool) -> String {
    let t = table_of(table);
    t.indexes
        .iter()
        .find(|ix| {
            ix.unique == unique
                && ix
                    .parts
                    .iter()
                    .map(|p| match &p.key {
                        schemactl::model::IndexKey::Column(c) => c.as_str(),
                        schemactl::model::IndexKey::Expression(e) => e.as_str(),
                    })
                    .eq(cols.iter().copied())
        })
        .unwrap_or_else(|| panic!("`{table}` has no index over {cols:?}"))
        .name
        .to_string()
}

/// The name of a CHECK on `table` whose name ends with `suffix`.
pub fn check_name(table: &str, suffix: &str) -> String {
    let t = table_of(table);
    t.checks
        .iter()
        .find(|c| c.name.ends_with(suffix))
        .unwrap_or_else(|| panic!("`{table}` has no check ending in {suffix}"))
        .name
        .to_string()
}

/// The name of the exclusion constraint on `table`.
pub fn exclude_name(table: &str) -> String {
    table_of(table).excludes[0].name.clone()
}

pub fn table_of(name: &str) -> &'static schemactl::model::Table {
    schema()
        .tables
        .iter()
        .find(|t| t.name.name == name)
        .unwrap_or_else(|| panic!("no table `{name}` in the canonical schema"))
}

/// Runs `sql` expecting success.
#[track_caller]
pub fn ok(client: &mut postgres::Client, sql: &str) {
    if let Err(e) = client.batch_execute(sql) {
        panic!("expected this to be accepted:\n{sql}\nbut PostgreSQL said: {e:?}");
    }
}

/// Runs `sql` expecting PostgreSQL to reject it because of `constraint`; returns the message.
#[track_caller]
pub fn rejected_by(client: &mut postgres::Client, sql: &str, constraint: &str) -> String {
    let err = match client.batch_execute(sql) {
        Ok(()) => panic!("expected `{constraint}` to reject:\n{sql}\nbut it was accepted"),
        Err(e) => e,
    };
    let db = err
        .as_db_error()
        .unwrap_or_else(|| panic!("expected a database error, got {err:?}"));
    let named = db.constraint() == Some(constraint) || db.message().contains(constraint);
    assert!(
        named,
        "expected `{constraint}` to reject:\n{sql}\nbut the error was: {} (constraint {:?})",
        db.message(),
        db.constraint()
    );
    db.message().to_string()
}

/// Two bizes and a user for them to reference: `biz_a`, `biz_b`, `user_owner`.
pub const SEED: &str = "
INSERT INTO users (id, email, display_name) VALUES
    ('user_owner', 'owner@example.com', 'Owner'),
    ('user_host1', 'host1@example.com', 'Host One'),
    ('user_host2', 'host2@example.com', 'Host Two');
INSERT INTO bizes (id, name, slug) VALUES
    ('biz_a', 'Biz A', 'biz-a'),
    ('biz_b', 'Biz B', 'biz-b');
";
