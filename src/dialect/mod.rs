//! Dialects: everything that depends on the database behind one trait.
//!
//! A dialect turns the model into statements. The model and its consumers never spell SQL
//! themselves; they ask the dialect.

pub mod postgres;
pub mod sqlite;

use crate::diag::Diagnostics;
use crate::diff::plan::Plan;
use crate::diff::Spelling;
use crate::model::Schema;
use std::borrow::Cow;
use std::fmt;

pub use crate::model::DialectKind;

impl DialectKind {
    pub fn dialect(self) -> &'static dyn Dialect {
        match self {
            DialectKind::Postgres => &postgres::Postgres,
            DialectKind::Sqlite => &sqlite::Sqlite,
        }
    }
}

impl fmt::Display for DialectKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.dialect().name())
    }
}

/// One SQL statement, without its trailing semicolon.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub sql: String,
    /// A heading written as a `--` comment before the statement, to group a script for readers.
    pub section: Option<String>,
}

impl Statement {
    pub fn new(sql: impl Into<String>) -> Self {
        Statement {
            sql: sql.into(),
            section: None,
        }
    }
}

/// A database: how it spells what is compared ([`Spelling`]), how it creates a schema and
/// how it changes one.
pub trait Dialect: Spelling {
    fn name(&self) -> &'static str;

    /// `declared` as this database stores it: the facts the model records that the database
    /// enforces with objects of its own (an append-only table's trigger and the function it
    /// calls) written out as those objects, so it compares with a schema read from SQL or from
    /// a database. [`Dialect::create`] renders this form.
    fn stored<'s>(&self, declared: &'s Schema) -> Cow<'s, Schema> {
        Cow::Borrowed(declared)
    }

    /// The inverse of [`Dialect::stored`], for a schema read from SQL or from a database: the
    /// objects `stored` writes for a fact, found exactly so, become the fact again (`pull`
    /// writes it back as the DSL's call). Objects in any other shape stay as they are.
    fn fold<'s>(&self, found: &'s Schema) -> Cow<'s, Schema> {
        Cow::Borrowed(found)
    }

    /// The statements that create `schema` in an empty database, in dependency order.
    fn create(&self, schema: &Schema) -> Result<Vec<Statement>, Diagnostics>;

    /// The same statements as [`Dialect::create`], appended to `out` as [`write_script`]
    /// lays them out; a dialect may write them there directly instead of one `String` each.
    fn create_script(&self, schema: &Schema, out: &mut String) -> Result<(), Diagnostics> {
        write_script(out, &self.create(schema)?);
        Ok(())
    }

    /// [`Dialect::create_script`] handed to `spill` piece by piece as it is written, so a
    /// large schema's script need not be held whole; the pieces joined are the script.
    /// `spill` may take a piece's `String` (leaving an empty one, ideally with room): the
    /// text is then handed on without a copy.
    fn create_script_in_pieces(
        &self,
        schema: &Schema,
        spill: &mut dyn FnMut(&mut String),
    ) -> Result<(), Diagnostics> {
        let mut out = String::new();
        self.create_script(schema, &mut out)?;
        spill(&mut out);
        Ok(())
    }

    /// The migration from `current` (the folder's state, normalized) to `declared`, written
    /// the safe way this database allows. What it cannot express is refused with diagnostics.
    fn plan(&self, current: &Schema, declared: &Schema) -> Result<Plan, Diagnostics>;
}

/// Joins statements into a script: each ends with `;`, groups separated by their headings.
pub fn to_script(statements: &[Statement]) -> String {
    let mut out = String::new();
    write_script(&mut out, statements);
    out
}

/// Appends the script of `statements` to `out` (no intermediate copy for large schemas).
pub fn write_script(out: &mut String, statements: &[Statement]) {
    out.reserve(statements.iter().map(|s| s.sql.len() + 2).sum());
    for s in statements {
        if let Some(section) = &s.section {
            if !out.is_empty() && !out.ends_with("\n\n") {
                out.push('\n');
            }
            out.push_str("-- ");
            out.push_str(section);
            out.push('\n');
        }
        out.push_str(&s.sql);
        out.push_str(";\n");
    }
}

/// A SQL string literal with embedded quotes doubled.
pub fn quote_literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}
