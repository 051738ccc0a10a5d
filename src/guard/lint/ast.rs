//! Small readers over [`crate::sql::ast`] shared by the SQL rules: type classification and
//! what fills a column's values.

use crate::sql::ast::{
    AlterOp, ColumnDef, Constraint, ConstraintKind, Expr, KeyPart, Shape, Stmt, TypeName,
};

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

/// Whether changing a column's type from `old` to `new` keeps every stored value as it is, so
/// that PostgreSQL neither rewrites the table nor rebuilds its indexes: the same type, a
/// binary-coercible pair (`varchar` to `text`, `cidr` to `inet`), or a type modifier that only
/// widens (`varchar(20)` to `varchar(40)`, `numeric(10,2)` to `numeric(12,2)`, a timestamp's
/// precision raised or dropped). `tests/guard_rewrites.rs` proves each case on a real server.
pub fn keeps_stored_values(old: &TypeName, new: &TypeName) -> bool {
    // citext (an extension's type, often schema-qualified) is text as far as storage goes.
    let user_type = |t: &TypeName| t.name.parts.len() > 1 && t.base() != "citext";
    if old.is_array() || new.is_array() || user_type(old) || user_type(new) {
        // An array changes element by element; a user type is whatever it is.
        return old.name == new.name
            && old.modifiers == new.modifiers
            && old.array_dims == new.array_dims;
    }
    let modifier = |t: &TypeName, i: usize| {
        t.modifiers
            .get(i)
            .and_then(|m| m.trim().parse::<i64>().ok())
    };
    let widens = || match (modifier(old, 0), modifier(new, 0)) {
        _ if new.modifiers.is_empty() => true,
        (Some(o), Some(n)) => n >= o,
        _ => false,
    };
    match (old.base(), new.base()) {
        (a, b) if a == b && old.modifiers == new.modifiers => true,
        ("varchar", "varchar") | ("varbit", "varbit") => widens(),
        ("varchar", "text") | ("cidr", "inet") => true,
        ("text" | "varchar", "citext") | ("citext", "text") => true,
        ("text", "varchar") => new.modifiers.is_empty(),
        // The scale must stay; the precision may grow.
        ("numeric", "numeric") => {
            new.modifiers.is_empty()
                || (!old.modifiers.is_empty()
                    && modifier(new, 0) >= modifier(old, 0)
                    && modifier(new, 1).unwrap_or(0) == modifier(old, 1).unwrap_or(0))
        }
        // No precision means the most (6): raising it to 6, or dropping it, is widening.
        ("timestamp", "timestamp")
        | ("timestamptz", "timestamptz")
        | ("time", "time")
        | ("timetz", "timetz") => widens() || modifier(new, 0).is_some_and(|n| n >= 6),
        _ => false,
    }
}

/// Whether a value-keeping type change still sorts the values differently, so PostgreSQL
/// rebuilds the indexes on the column (case-insensitive `citext` against `text`).
pub fn changes_sort_order(old: &TypeName, new: &TypeName) -> bool {
    (old.base() == "citext") != (new.base() == "citext")
}

/// Whether a `USING` expression hands the column's values over unchanged: the column itself,
/// or the column cast to the new type (the cast is then the binary-coercible one).
pub fn using_keeps_values(using: &Expr, column: &str, new: &TypeName) -> bool {
    match &using.shape {
        Shape::Column(c) => c == column,
        _ => {
            let mut plain = String::new();
            let _ = crate::sql::ast::write_ident(&mut plain, column);
            using.text == format!("{plain}::{}", new.text)
        }
    }
}

/// Every expression a DDL statement stores in the catalog: defaults, generated columns,
/// checks, exclusion and index expressions and predicates, policies, a type change's `USING`.
pub fn stored_expressions(stmt: &Stmt) -> Vec<&Expr> {
    fn constraint<'a>(c: &'a Constraint, out: &mut Vec<&'a Expr>) {
        match &c.kind {
            ConstraintKind::Default(e)
            | ConstraintKind::Generated(e)
            | ConstraintKind::Check(e) => out.push(e),
            ConstraintKind::Exclude {
                elements,
                predicate,
                ..
            } => {
                out.extend(elements.iter().filter_map(|x| match &x.element.key {
                    KeyPart::Expression(e) => Some(e),
                    KeyPart::Column(_) => None,
                }));
                out.extend(predicate);
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    match stmt {
        Stmt::CreateTable(ct) => {
            for c in ct.columns.iter().flat_map(|c| &c.constraints) {
                constraint(c, &mut out);
            }
            for c in &ct.constraints {
                constraint(c, &mut out);
            }
        }
        Stmt::AlterTable(at) => {
            for op in &at.ops {
                match op {
                    AlterOp::AddColumn { column, .. } => {
                        for c in &column.constraints {
                            constraint(c, &mut out);
                        }
                    }
                    AlterOp::AddConstraint(c) => constraint(c, &mut out),
                    AlterOp::AlterType { using, .. } => out.extend(using),
                    AlterOp::SetDefault(_, e) | AlterOp::SetExpression(_, e) => out.push(e),
                    _ => {}
                }
            }
        }
        Stmt::CreateIndex(ci) => {
            out.extend(ci.elements.iter().filter_map(|x| match &x.key {
                KeyPart::Expression(e) => Some(e),
                KeyPart::Column(_) => None,
            }));
            out.extend(&ci.predicate);
        }
        Stmt::CreatePolicy(p) => {
            out.extend(&p.using);
            out.extend(&p.with_check);
        }
        Stmt::AlterPolicy {
            using, with_check, ..
        } => {
            out.extend(using);
            out.extend(with_check);
        }
        Stmt::CreateSchema { elements, .. } => {
            for e in elements {
                out.extend(stored_expressions(e));
            }
        }
        _ => {}
    }
    out
}
