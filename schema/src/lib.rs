//! The Bizing canonical v0 schema, declared in the schemactl DSL.
//!
//! One module per canonical domain module; [`build`] declares them all in dependency-free
//! order (the renderer orders tables by their foreign keys, so module order is for readers).

use schemactl::prelude::*;

pub mod enums;
pub mod identity;
pub mod supply;

/// Builds the whole canonical schema, checking it.
pub fn build() -> Result<Schema, Diagnostics> {
    let mut s = SchemaBuilder::new();
    identity::declare(&mut s);
    supply::declare(&mut s);
    s.build()
}
