//! Synthetic schemas of any size, for benchmarks and scale tests: each table has 10 columns,
//! 2 foreign keys (to the previous table and to the one at half its index) and 2 indexes.

use crate::diag::Diagnostics;
use crate::dsl::*;
use crate::model::Schema;

const STATUS: EnumDef = EnumDef::new("synthetic_status", &["draft", "active", "archived"]);

/// Leaks the table names so they can be `TableRef`s; fine for a benchmark process.
fn table_names(n: usize) -> Vec<&'static str> {
    (0..n)
        .map(|i| &*Box::leak(format!("t{i:05}").into_boxed_str()))
        .collect()
}

pub fn synthetic_schema(tables: usize) -> Result<Schema, Diagnostics> {
    let names = table_names(tables);
    synthetic_schema_named(&names)
}

/// The same shape over given names (so repeated builds in one process do not leak again).
pub fn synthetic_schema_named(names: &[&'static str]) -> Result<Schema, Diagnostics> {
    let mut s = SchemaBuilder::new();
    for (i, name) in names.iter().enumerate() {
        let prev = TableRef::new(names[i.saturating_sub(1)]);
        let half = TableRef::new(names[i / 2]);
        s.table(TableRef::new(name))
            .doc("A synthetic table.")
            .global("synthetic")
            .id_tagged("row")
            .col("name", text())
            .col("status", enum_of(STATUS).default_enum("draft"))
            .col("amount", money().default_number("0.00"))
            .col("created_at", timestamptz().default_now())
            .col("prev_id", text().null())
            .col("half_id", text().null())
            .col("note", text().null())
            .col("flag", boolean().default_bool(false))
            .col("counter", integer().default_int(0))
            .fk(["prev_id"], prev, ["id"])
            .fk(["half_id"], half, ["id"])
            .index(["prev_id"])
            .index(["half_id"]);
    }
    s.build()
}

/// Leaked names for [`synthetic_schema_named`].
pub fn leaked_names(n: usize) -> Vec<&'static str> {
    table_names(n)
}
