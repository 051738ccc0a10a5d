//! Reading SQL: split files into statements, parse them, replay DDL into a model, normalize.
//!
//! The parser seam: every reader of SQL (the guard lint, replay, inspect) reads
//! [`ast`] statements, never a parser's own tree. Each dialect has its reader:
//! [`postgres`] (libpg_query, PostgreSQL's own grammar) and [`sqlite`] (sqlparser's SQLite
//! dialect).
//!
//! - [`split()`] cuts a file into [`SqlStatement`]s with exact source spans, lines, the parsed
//!   statement (or the parser's error) and `-- schemactl:` directives; guard rules read these.
//! - [`import_sql`] / [`import_files`] ([`replay`]) replay DDL into a
//!   [`crate::model::Schema`]: how `generate` rebuilds the state a migration folder produces,
//!   how a SQL schema file is read, and how a catalog written out as DDL is read back.
//! - [`normalize_schema`] puts a schema in canonical form; both sides of every comparison go
//!   through it.

pub mod ast;
pub mod column_refs;
pub mod normalize;
pub mod postgres;
pub mod replay;
pub mod split;
pub mod sqlite;

pub use normalize::{differences, normalize_expr, normalize_schema};
pub use replay::{import_files, import_sql, Replayer};
pub use split::{split, Directive, SqlScript, SqlStatement};
