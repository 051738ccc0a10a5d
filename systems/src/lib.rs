//! The four other seed systems, each declared in the schemactl DSL: one module per system, one
//! binary per system, one `systems/<name>/schemactl.yaml` per system whose `guard:` section
//! states that system's own rules. Nothing here forks schemactl's code.

pub mod digilist;
pub mod events;
pub mod renoz;
pub mod studiovault;
