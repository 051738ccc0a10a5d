//! Small readers over sqlparser's AST shared by the SQL rules: normalized names, the column
//! definitions a statement introduces, and type classification.

use sqlparser::ast::{
    AlterColumnOperation, AlterTableOperation, ColumnDef, ColumnOption, DataType, Expr, Ident,
    ObjectName, Statement, TableConstraint,
};

/// How PostgreSQL folds an identifier: quoted stays as written, unquoted is lower-cased.
pub fn ident_key(i: &Ident) -> String {
    if i.quote_style.is_some() {
        i.value.clone()
    } else {
        i.value.to_lowercase()
    }
}

/// The object's own name (last part), folded; schema qualification is ignored on purpose so
/// `public.t` and `t` are the same table within a file.
pub fn name_key(n: &ObjectName) -> String {
    n.0.last()
        .and_then(|p| p.as_ident())
        .map(ident_key)
        .unwrap_or_else(|| n.to_string().to_lowercase())
}

/// [`name_key`] for a name read from raw text (`"Quoted"`, `schema.name`).
pub fn text_key(s: &str) -> String {
    let last = s.rsplit('.').next().unwrap_or(s);
    if last.len() >= 2 && last.starts_with('"') && last.ends_with('"') {
        last[1..last.len() - 1].replace("\"\"", "\"")
    } else {
        last.to_lowercase()
    }
}

/// `col IS NOT NULL` (possibly parenthesized): the column.
pub fn is_not_null_check(e: &Expr) -> Option<String> {
    match e {
        Expr::Nested(inner) => is_not_null_check(inner),
        Expr::IsNotNull(inner) => match inner.as_ref() {
            Expr::Identifier(i) => Some(ident_key(i)),
            Expr::CompoundIdentifier(parts) => parts.last().map(ident_key),
            Expr::Nested(x) => match x.as_ref() {
                Expr::Identifier(i) => Some(ident_key(i)),
                _ => None,
            },
            _ => None,
        },
        _ => None,
    }
}

/// A column definition a statement introduces, with its table.
pub struct NewColumn<'a> {
    pub table: &'a ObjectName,
    pub def: &'a ColumnDef,
    /// Part of a CREATE TABLE (rather than ALTER TABLE ADD COLUMN).
    pub in_create: bool,
    /// Declared as (part of) the primary key, inline or by a table constraint.
    pub primary_key: bool,
}

/// The columns created by CREATE TABLE or ALTER TABLE ... ADD COLUMN.
pub fn new_columns(stmt: &Statement) -> Vec<NewColumn<'_>> {
    let mut out = Vec::new();
    match stmt {
        Statement::CreateTable(ct) => {
            let pk_cols: Vec<String> = ct
                .constraints
                .iter()
                .filter_map(|c| match c {
                    TableConstraint::PrimaryKey(pk) => Some(pk),
                    _ => None,
                })
                .flat_map(|pk| {
                    pk.columns
                        .iter()
                        .map(|c| c.column.expr.to_string().to_lowercase())
                })
                .collect();
            for def in &ct.columns {
                let inline = has_option(def, |o| matches!(o, ColumnOption::PrimaryKey(_)));
                out.push(NewColumn {
                    table: &ct.name,
                    def,
                    in_create: true,
                    primary_key: inline || pk_cols.contains(&ident_key(&def.name)),
                });
            }
        }
        Statement::AlterTable(at) => {
            for op in &at.operations {
                if let AlterTableOperation::AddColumn { column_def, .. } = op {
                    out.push(NewColumn {
                        table: &at.name,
                        def: column_def,
                        in_create: false,
                        primary_key: has_option(column_def, |o| {
                            matches!(o, ColumnOption::PrimaryKey(_))
                        }),
                    });
                }
            }
        }
        _ => {}
    }
    out
}

/// `ALTER TABLE t ALTER COLUMN c TYPE ...`: (table, column, new type).
pub fn type_changes(stmt: &Statement) -> Vec<(&ObjectName, &Ident, &DataType)> {
    let mut out = Vec::new();
    if let Statement::AlterTable(at) = stmt {
        for op in &at.operations {
            if let AlterTableOperation::AlterColumn {
                column_name,
                op: AlterColumnOperation::SetDataType { data_type, .. },
            } = op
            {
                out.push((&at.name, column_name, data_type));
            }
        }
    }
    out
}

pub fn has_option(def: &ColumnDef, f: impl Fn(&ColumnOption) -> bool) -> bool {
    def.options.iter().any(|o| f(&o.option))
}

/// The column's DEFAULT expression.
pub fn default_of(def: &ColumnDef) -> Option<&Expr> {
    def.options.iter().find_map(|o| match &o.option {
        ColumnOption::Default(e) => Some(e),
        _ => None,
    })
}

/// Values come from the database itself: identity, generated, or a serial type.
pub fn self_filled(def: &ColumnDef) -> bool {
    has_option(def, |o| {
        matches!(
            o,
            ColumnOption::Identity(_) | ColumnOption::Generated { .. }
        )
    }) || serial_name(&def.data_type).is_some()
}

/// `serial`, `bigserial`, ... (sqlparser reads them as custom types): the name as written.
pub fn serial_name(t: &DataType) -> Option<String> {
    if let DataType::Custom(name, args) = t {
        if args.is_empty() {
            let n = name_key(name);
            if matches!(
                n.as_str(),
                "serial" | "serial4" | "smallserial" | "serial2" | "bigserial" | "serial8"
            ) {
                return Some(n);
            }
        }
    }
    None
}

/// 16- or 32-bit integer types.
pub fn is_small_int(t: &DataType) -> bool {
    matches!(
        t,
        DataType::Int(_)
            | DataType::Integer(_)
            | DataType::Int4(_)
            | DataType::SmallInt(_)
            | DataType::Int2(_)
    )
}

/// Every data type a statement writes: new columns and column type changes.
pub fn data_types(stmt: &Statement) -> Vec<(&Ident, &DataType)> {
    let mut out: Vec<(&Ident, &DataType)> = new_columns(stmt)
        .into_iter()
        .map(|c| (&c.def.name, &c.def.data_type))
        .collect();
    out.extend(type_changes(stmt).into_iter().map(|(_, c, t)| (c, t)));
    out
}
