//! Column types and defaults as the model names them.

use crate::model::*;
use crate::sql::ast::{self, Shape};

/// Maps a type to the model: declared enums by name, built-ins by any of their spellings,
/// anything else verbatim as `Custom`.
pub fn column_type(ty: &ast::TypeName, enums: &[EnumType]) -> ColumnType {
    if ty.is_array() {
        let element = ast::TypeName {
            array_dims: 0,
            text: ty.text.trim_end_matches("[]").to_string(),
            ..ty.clone()
        };
        return ColumnType::Array {
            element: Box::new(column_type(&element, enums)),
        };
    }
    let q = qname(&ty.name);
    if ty.modifiers.is_empty() && enums.iter().any(|e| e.name == q) {
        return ColumnType::Enum { name: Box::new(q) };
    }
    if ty.name.parts.len() == 1 {
        let args: Vec<Option<u32>> = ty.modifiers.iter().map(|m| m.parse().ok()).collect();
        if let Some(t) = builtin(ty.base(), &args) {
            return t;
        }
    }
    ColumnType::Custom {
        sql: ty.text.clone(),
    }
}

/// `schema.name` as the model keys it: `public` is the default schema, left implicit.
pub fn qname(n: &ast::Name) -> QName {
    QName {
        schema: n.schema().filter(|s| *s != "public").map(Name::from),
        name: n.last().into(),
    }
}

/// A column's collation as the model keeps it: `default` (the type's own) is none, and the
/// built-in ones (`pg_catalog."C"`) are named without their schema.
pub fn collation(n: &ast::Name) -> Option<QName> {
    let name = n.last();
    if name == "default" {
        return None;
    }
    Some(QName {
        schema: n
            .schema()
            .filter(|s| *s != "public" && *s != "pg_catalog")
            .map(Name::from),
        name: name.into(),
    })
}

/// Built-in type names (PostgreSQL's internal names, their SQL spellings and SQLite's)
/// with their modifiers.
pub fn builtin(base: &str, args: &[Option<u32>]) -> Option<ColumnType> {
    let arg = |n: usize| args.get(n).copied().flatten();
    Some(match (base, args.len()) {
        ("text", 0) => ColumnType::Text,
        ("varchar" | "character varying", 1) => ColumnType::Varchar { length: arg(0)? },
        ("char" | "character" | "bpchar", 1) => ColumnType::Char { length: arg(0)? },
        ("char" | "character", 0) => ColumnType::Char { length: 1 },
        ("smallint" | "int2", 0) => ColumnType::SmallInt,
        ("integer" | "int" | "int4", 0) => ColumnType::Integer,
        ("bigint" | "int8", 0) => ColumnType::BigInt,
        ("boolean" | "bool", 0) => ColumnType::Boolean,
        ("numeric" | "decimal", 0..=2) => ColumnType::Numeric {
            precision: arg(0),
            scale: arg(1),
        },
        ("real" | "float4", 0) => ColumnType::Real,
        ("double precision" | "float8" | "double", 0) => ColumnType::Double,
        ("float", 0) => ColumnType::Double,
        ("uuid", 0) => ColumnType::Uuid,
        ("json", 0) => ColumnType::Json,
        ("jsonb", 0) => ColumnType::Jsonb,
        ("timestamptz" | "timestamp with time zone", 0) => ColumnType::Timestamptz,
        ("timestamp" | "timestamp without time zone", 0) => ColumnType::Timestamp,
        ("date", 0) => ColumnType::Date,
        ("time" | "time without time zone", 0) => ColumnType::Time,
        ("interval", 0) => ColumnType::Interval,
        ("bytea", 0) => ColumnType::Bytea,
        ("inet", 0) => ColumnType::Inet,
        ("int4range", 0) => ColumnType::Range {
            range: RangeKind::Int4,
        },
        ("int8range", 0) => ColumnType::Range {
            range: RangeKind::Int8,
        },
        ("numrange", 0) => ColumnType::Range {
            range: RangeKind::Num,
        },
        ("tsrange", 0) => ColumnType::Range {
            range: RangeKind::Ts,
        },
        ("tstzrange", 0) => ColumnType::Range {
            range: RangeKind::Tstz,
        },
        ("daterange", 0) => ColumnType::Range {
            range: RangeKind::Date,
        },
        _ => return None,
    })
}

/// [`builtin`] for a type written as text (`varchar(20)`, `timestamp with time zone`).
pub fn builtin_type(sql: &str) -> Option<ColumnType> {
    let sql = sql.trim();
    let (base, args) = match sql.find('(') {
        Some(i) if sql.ends_with(')') => {
            let args: Vec<Option<u32>> = sql[i + 1..sql.len() - 1]
                .split(',')
                .map(|a| a.trim().parse().ok())
                .collect();
            (sql[..i].trim(), args)
        }
        _ => (sql, Vec::new()),
    };
    builtin(base, &args)
}

/// Maps a default expression to the model's named defaults where one fits.
pub fn default_value(e: &ast::Expr, ty: &ColumnType) -> DefaultValue {
    match &e.shape {
        Shape::String(s) => match ty {
            ColumnType::Enum { .. } => DefaultValue::EnumValue(s.clone()),
            _ => DefaultValue::Text(s.clone()),
        },
        Shape::Number(n) => number_default(n),
        Shape::Bool(b) => DefaultValue::Bool(*b),
        Shape::NiladicCall(f) if f == "now" => DefaultValue::Now,
        Shape::NiladicCall(f) if f == "gen_random_uuid" => DefaultValue::RandomUuid,
        _ => DefaultValue::Expression(e.text.clone()),
    }
}

fn number_default(n: &str) -> DefaultValue {
    match n.parse::<i64>() {
        Ok(i) => DefaultValue::Int(i),
        Err(_) => DefaultValue::Number(n.to_string()),
    }
}
