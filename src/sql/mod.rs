//! Reading SQL: split files into statements, normalize expressions, replay DDL into a model.
//!
//! - [`split()`] cuts a file into [`SqlStatement`]s with exact source spans, lines, parsed
//!   ASTs (or the parse error) and `-- schemactl:` directives; guard rules read these.
//! - [`import_sql`] / [`import_files`] replay DDL into a [`crate::model::Schema`]: how
//!   `generate` rebuilds the state a migration folder produces, and how a SQL schema file is read.
//! - [`normalize_schema`] puts a schema in canonical form; both sides of every comparison go
//!   through it.

pub mod import;
pub mod normalize;
pub mod split;

pub use import::{import_files, import_sql, Replayer};
pub use normalize::{differences, normalize_expr, normalize_schema};
pub use split::{split, Directive, SqlScript, SqlStatement};
