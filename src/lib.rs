//! schemactl: schema-as-code migrations and guard rails for multi-tenant PostgreSQL and SQLite.
//!
//! See ARCHITECTURE.md for where everything lives. In short: [`dsl`] builds a [`model::Schema`],
//! [`dialect`] renders it, [`migrate`] keeps the migration folder, [`cli`] is a thin layer.

pub mod adopt;
pub mod apply;
pub mod cli;
pub mod config;
pub mod diag;
pub mod dialect;
pub mod diff;
pub mod drift;
pub mod dsl;
pub mod explain;
pub mod files;
pub mod fleet;
pub mod generate;
pub mod graph;
pub mod guard;
pub mod init;
pub mod inspect;
pub mod migrate;
pub mod model;
pub mod pull;
pub mod review;
pub mod scratch;
pub mod secret;
pub mod sql;
pub mod validate;

pub use diag::{Diagnostic, Diagnostics};
pub use model::Schema;

/// Everything a schema declaration needs: `use schemactl::prelude::*;`.
pub mod prelude {
    pub use crate::dsl::*;
    pub use crate::model::{
        CustomTypeKind, Deferrable, FkAction, IndexMethod, PartitionStrategy, PolicyCommand,
        RangeKind,
    };
    pub use crate::{Diagnostics, Schema};
}
