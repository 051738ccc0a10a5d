//! Reading SQL: split files into statements, normalize expressions, replay DDL into a model.

pub mod import;
pub mod normalize;
pub mod split;

pub use import::{import_files, import_sql, Replayer};
pub use normalize::{normalize_expr, normalize_schema};
pub use split::{split, Directive, SqlScript, SqlStatement};
