//! Small readers over [`crate::sql::ast`] shared by the SQL rules: type classification and
//! what fills a column's values.

use crate::sql::ast::{ColumnDef, ConstraintKind, Stmt, TypeName};

/// Values come from the database itself: identity, generated, or a serial type.
pub fn self_filled(def: &ColumnDef) -> bool {
    def.has(|k| {
        matches!(
            k,
            ConstraintKind::Identity(_) | ConstraintKind::Generated(_)
        )
    }) || serial_name(&def.ty).is_some()
}

/// `serial`, `bigserial`, ...: the name as written.
pub fn serial_name(t: &TypeName) -> Option<&str> {
    let n = t.base();
    (t.name.parts.len() == 1
        && t.modifiers.is_empty()
        && !t.is_array()
        && matches!(
            n,
            "serial" | "serial4" | "smallserial" | "serial2" | "bigserial" | "serial8"
        ))
    .then_some(n)
}

/// 16- or 32-bit integer types (PostgreSQL's internal names, and SQLite's spellings).
pub fn is_small_int(t: &TypeName) -> bool {
    !t.is_array() && matches!(t.base(), "int4" | "int2" | "int" | "integer" | "smallint")
}

/// `varchar(n)` and `char(n)`.
pub fn is_bounded_text(t: &TypeName) -> bool {
    !t.is_array()
        && match t.base() {
            "varchar" | "character varying" => !t.modifiers.is_empty(),
            "bpchar" | "char" | "character" => true,
            _ => false,
        }
}

/// `timestamp` without a time zone.
pub fn is_zoneless_timestamp(t: &TypeName) -> bool {
    !t.is_array() && matches!(t.base(), "timestamp" | "timestamp without time zone")
}

/// Every data type a statement writes: new columns and column type changes.
pub fn data_types(stmt: &Stmt) -> Vec<(&str, &TypeName)> {
    let mut out: Vec<(&str, &TypeName)> = stmt
        .new_columns()
        .into_iter()
        .map(|c| (c.def.name.as_str(), &c.def.ty))
        .collect();
    out.extend(stmt.type_changes().into_iter().map(|t| (t.column, t.ty)));
    out
}
