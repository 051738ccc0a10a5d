//! Synthetic schemas of any size, for benchmarks and scale tests: each table has 10 columns,
//! 2 foreign keys (to the previous table and to the one at half its index) and 2 indexes.

use schemactl::diag::Diagnostics;
use schemactl::dsl::*;
use schemactl::model::Schema;

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

/// A schema shaped like a real multi-tenant one, `n` tables: a tenant root table, then per
/// table 12 columns (text id, the tenant column, name, integer with default, numeric(12,2),
/// boolean with default, an enum, jsonb, two timestamptz one defaulting to now(), two
/// optional tenant refs to earlier tables), unique (tenant, id), an FK to the tenant table,
/// the 2 composite tenant FKs, a partial unique on (tenant, name) WHERE deleted_at IS NULL, an
/// index on (tenant, created_at) and one check; n/5 enums of 4 to 6 labels.
pub fn tenant_shaped_schema(n: usize) -> Result<Schema, Diagnostics> {
    let names = table_names(n);
    let enums = leaked_enums(n / 5 + 1);
    tenant_shaped_schema_named(&names, &enums)
}

/// [`tenant_shaped_schema`] over given names and enums (repeated builds leak nothing more).
pub fn tenant_shaped_schema_named(
    names: &[&'static str],
    enums: &[EnumDef],
) -> Result<Schema, Diagnostics> {
    const BIZES: TableRef = TableRef::new("bizes");
    let mut s = SchemaBuilder::new();
    for e in enums {
        s.enumeration(*e);
    }
    s.table(BIZES)
        .doc("The tenants.")
        .global("tenant root")
        .id_tagged("biz")
        .col("name", text());
    for (i, name) in names.iter().enumerate() {
        let a = TableRef::new(names[i.saturating_sub(1)]);
        let b = TableRef::new(names[i / 2]);
        s.table(TableRef::new(name))
            .doc("A synthetic tenant table.")
            .tenant_scoped()
            .id_tagged("row")
            .col("name", text())
            .col("qty", integer().default_int(0))
            .col("amount", money())
            .col("active", boolean().default_bool(true))
            .col("kind", enum_of(enums[i % enums.len()]))
            .col("payload", jsonb())
            .col("created_at", timestamptz().default_now())
            .col("deleted_at", timestamptz().null())
            .tenant_ref_opt("a_id", a)
            .tenant_ref_opt("b_id", b)
            .unique_where(["biz_id", "name"], "deleted_at IS NULL")
            .index(["biz_id", "created_at"]);
    }
    s.build()
}

/// `n` enums of 4 to 6 labels, leaked for `EnumDef`'s static names.
pub fn leaked_enums(n: usize) -> Vec<EnumDef> {
    const LABELS: [&str; 6] = ["draft", "open", "held", "done", "void", "lost"];
    (0..n)
        .map(|i| {
            let name: &'static str = Box::leak(format!("kind{i:05}").into_boxed_str());
            let labels: &'static [&'static str] = &LABELS[..4 + i % 3];
            EnumDef::new(name, labels)
        })
        .collect()
}
