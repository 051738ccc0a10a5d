//! Reading a live database back into the model.
//!
//! The catalog is turned into DDL (with the database's own spelling of every definition:
//! `pg_get_constraintdef`, `pg_get_indexdef`, ...) and replayed by [`crate::sql::replay`], so a
//! live database and a migration folder become the same kind of [`Schema`]. Comparing two
//! inspected databases (the target and a scratch one that ran the migrations) then compares
//! like with like: both definitions were normalized by the same server.

pub mod postgres;
pub mod sqlite;

use crate::model::{QName, Schema};

/// `public.x` and `x` are the same table; inspected DDL is fully qualified, declared DDL is not.
pub fn unqualify_public(mut schema: Schema) -> Schema {
    fn fix(q: &mut QName) {
        if q.schema.as_deref() == Some("public") {
            q.schema = None;
        }
    }
    for e in &mut schema.enums {
        fix(&mut e.name);
    }
    for f in &mut schema.functions {
        fix(&mut f.name);
    }
    for v in &mut schema.views {
        fix(&mut v.name);
    }
    for t in &mut schema.tables {
        fix(&mut t.name);
        for fk in &mut t.foreign_keys {
            fix(&mut fk.ref_table);
        }
        for p in &mut t.partitions {
            fix(&mut p.name);
        }
        for c in &mut t.columns {
            if let crate::model::ColumnType::Enum { name } = &mut c.ty {
                fix(name);
            }
        }
    }
    schema
}
