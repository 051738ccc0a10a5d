//! The dialect-neutral schema model.
//!
//! Every source (the Rust DSL, SQL files, a live database) produces a [`Schema`], and every
//! consumer (render, diff, guard, apply) reads one. Nothing here knows about SQL text layout,
//! quoting or a particular database; expressions (CHECK bodies, predicates, defaults) are kept
//! as SQL fragments because they are the user's words and are compared in normalized form.

pub mod fast_hash;
pub mod names;
mod table;
mod types;

pub use table::*;
pub use types::*;

use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::fmt;

/// Which database a schema, a folder or a URL is for. A plain name, so that readers and rules
/// can ask it without depending on the dialects; `DialectKind::dialect` (in `dialect`) gives
/// the implementation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum DialectKind {
    #[default]
    Postgres,
    Sqlite,
}

/// Where an object was declared: a Rust `file:line:column` for the DSL, or a SQL file position.
///
/// An origin never takes part in equality: the same table declared in the DSL and replayed
/// from a migration file is the same table.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct Origin {
    /// Borrowed for the DSL (a Rust source path lives as long as the program), owned for a
    /// SQL file: a large DSL schema makes one origin per object.
    pub file: Cow<'static, str>,
    pub line: u32,
    pub column: u32,
}

impl Origin {
    /// The caller's location; call from a `#[track_caller]` function.
    #[track_caller]
    pub fn caller() -> Self {
        let loc = std::panic::Location::caller();
        Origin {
            file: if loc.file().contains('\\') {
                Cow::Owned(loc.file().replace('\\', "/"))
            } else {
                Cow::Borrowed(loc.file())
            },
            line: loc.line(),
            column: loc.column(),
        }
    }

    pub fn is_known(&self) -> bool {
        !self.file.is_empty()
    }
}

/// A definition's text as its author wrote it, kept so output repeats it, where the object's
/// `sql` holds the form that is compared (see `sql::normalize`). Like [`Origin`], it never
/// takes part in equality.
#[derive(Debug, Clone, Default)]
pub struct AsWritten(pub Option<String>);

impl PartialEq for AsWritten {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for AsWritten {}

impl PartialEq for Origin {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for Origin {}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// An identifier as the model keeps it (a table, a column, a constraint): inline up to 24
/// bytes, so the many short names of a large schema take no allocation each.
pub type Name = compact_str::CompactString;

/// A possibly schema-qualified name. `schema: None` means the default search path (`public`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct QName {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<Name>,
    pub name: Name,
}

impl QName {
    /// Parses `name` or `schema.name`.
    pub fn parse(s: &str) -> Self {
        match s.split_once('.') {
            Some((schema, name)) => QName {
                schema: Some(schema.into()),
                name: name.into(),
            },
            None => QName {
                schema: None,
                name: s.into(),
            },
        }
    }

    /// The schema as PostgreSQL resolves it: `public` when unqualified.
    pub fn schema_or_public(&self) -> &str {
        self.schema.as_deref().unwrap_or("public")
    }
}

impl fmt::Display for QName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.schema {
            Some(s) => write!(f, "{s}.{}", self.name),
            None => f.write_str(&self.name),
        }
    }
}

impl From<&str> for QName {
    fn from(s: &str) -> Self {
        QName::parse(s)
    }
}

/// A whole schema: everything one migration folder describes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Schema {
    pub extensions: Vec<Extension>,
    pub namespaces: Vec<Namespace>,
    pub enums: Vec<EnumType>,
    pub custom_types: Vec<CustomType>,
    pub functions: Vec<Function>,
    pub tables: Vec<Table>,
    /// Views and materialized views, in the order they are created (a view may read another).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub views: Vec<View>,
}

impl Schema {
    pub fn table(&self, name: &QName) -> Option<&Table> {
        self.tables.iter().find(|t| &t.name == name)
    }

    pub fn enum_type(&self, name: &QName) -> Option<&EnumType> {
        self.enums.iter().find(|e| &e.name == name)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extension {
    pub name: String,
    #[serde(skip)]
    pub origin: Origin,
}

/// A PostgreSQL schema (namespace) other than `public`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Namespace {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
    #[serde(skip)]
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnumType {
    pub name: QName,
    pub values: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
    /// DSL hints `(old, new)`: a value that was renamed, not removed and added. Only the
    /// differ reads them; normalization clears them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub renamed_values: Vec<(String, String)>,
    #[serde(skip)]
    pub origin: Origin,
}

/// A type the model does not interpret (a domain, a composite): kept as its definition SQL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomType {
    pub name: QName,
    /// Everything after `CREATE TYPE <name>` or `CREATE DOMAIN <name>`, e.g. `AS (x int, y int)`.
    pub definition: String,
    pub kind: CustomTypeKind,
    #[serde(skip)]
    pub origin: Origin,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CustomTypeKind {
    Type,
    Domain,
}

/// A view (or materialized view) kept as SQL: the complete `CREATE [MATERIALIZED] VIEW`
/// statement. Compared through its parse tree, so formatting is never a difference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct View {
    pub name: QName,
    pub materialized: bool,
    /// The complete statement, without a trailing semicolon.
    pub sql: String,
    #[serde(skip)]
    pub written: AsWritten,
    #[serde(skip)]
    pub origin: Origin,
}

impl View {
    /// The statement to write out: as its author wrote it when known.
    pub fn statement(&self) -> &str {
        self.written.0.as_deref().unwrap_or(&self.sql)
    }
}

/// A function kept as opaque SQL: the model names it and orders it, never parses its body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Function {
    pub name: QName,
    /// The complete `CREATE [OR REPLACE] FUNCTION ...` statement, without a trailing semicolon.
    pub sql: String,
    #[serde(skip)]
    pub written: AsWritten,
    #[serde(skip)]
    pub origin: Origin,
}

impl Function {
    /// The statement to write out: as its author wrote it when known.
    pub fn statement(&self) -> &str {
        self.written.0.as_deref().unwrap_or(&self.sql)
    }
}
