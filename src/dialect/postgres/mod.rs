//! PostgreSQL: identifiers, types, defaults and DDL.
//!
//! Our own emitter rather than sea-query: sea-query has no DEFERRABLE, EXCLUDE, comments, RLS
//! or policies, and one emitter gives one canonical spelling that diffs and snapshots rely on.

pub mod plan;
mod spelling;

use super::{quote_literal, Dialect, Statement};
use crate::diag::Diagnostics;
use crate::diff::plan::Plan;
use crate::graph::FkGraph;
use crate::model::*;
use std::collections::HashSet;
use std::fmt::Write;

pub struct Postgres;

/// Words PostgreSQL will not take as a bare column or table name (reserved, and reserved
/// except as function or type names). A `match`, so most words are told apart by length.
fn reserved(word: &str) -> bool {
    matches!(
        word,
        "all"
            | "analyse"
            | "analyze"
            | "and"
            | "any"
            | "array"
            | "as"
            | "asc"
            | "asymmetric"
            | "authorization"
            | "binary"
            | "both"
            | "case"
            | "cast"
            | "check"
            | "collate"
            | "collation"
            | "column"
            | "concurrently"
            | "constraint"
            | "create"
            | "cross"
            | "current_catalog"
            | "current_date"
            | "current_role"
            | "current_schema"
            | "current_time"
            | "current_timestamp"
            | "current_user"
            | "default"
            | "deferrable"
            | "desc"
            | "distinct"
            | "do"
            | "else"
            | "end"
            | "except"
            | "false"
            | "fetch"
            | "for"
            | "foreign"
            | "freeze"
            | "from"
            | "full"
            | "grant"
            | "group"
            | "having"
            | "ilike"
            | "in"
            | "initially"
            | "inner"
            | "intersect"
            | "into"
            | "is"
            | "isnull"
            | "join"
            | "lateral"
            | "leading"
            | "left"
            | "like"
            | "limit"
            | "localtime"
            | "localtimestamp"
            | "natural"
            | "not"
            | "notnull"
            | "null"
            | "offset"
            | "on"
            | "only"
            | "or"
            | "order"
            | "outer"
            | "overlaps"
            | "placing"
            | "primary"
            | "references"
            | "returning"
            | "right"
            | "select"
            | "session_user"
            | "similar"
            | "some"
            | "symmetric"
            | "table"
            | "tablesample"
            | "then"
            | "to"
            | "trailing"
            | "true"
            | "union"
            | "unique"
            | "user"
            | "using"
            | "variadic"
            | "verbose"
            | "when"
            | "where"
            | "window"
            | "with"
    )
}

/// Quotes an identifier when PostgreSQL needs it to be quoted, and only then.
pub fn quote_ident(name: &str) -> String {
    let plain = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '$')
        && !reserved(name);
    if plain {
        name.to_string()
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

pub fn quote_qname(name: &QName) -> String {
    match &name.schema {
        Some(s) => format!("{}.{}", quote_ident(s), quote_ident(&name.name)),
        None => quote_ident(&name.name),
    }
}

fn ident_list(cols: &[String]) -> String {
    cols.iter()
        .map(|c| quote_ident(c))
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn column_type(ty: &ColumnType) -> String {
    match ty {
        ColumnType::Text => "text".into(),
        ColumnType::Varchar { length } => format!("varchar({length})"),
        ColumnType::Char { length } => format!("char({length})"),
        ColumnType::SmallInt => "smallint".into(),
        ColumnType::Integer => "integer".into(),
        ColumnType::BigInt => "bigint".into(),
        ColumnType::Boolean => "boolean".into(),
        ColumnType::Numeric { precision, scale } => match (precision, scale) {
            (Some(p), Some(s)) => format!("numeric({p},{s})"),
            (Some(p), None) => format!("numeric({p})"),
            _ => "numeric".into(),
        },
        ColumnType::Real => "real".into(),
        ColumnType::Double => "double precision".into(),
        ColumnType::Uuid => "uuid".into(),
        ColumnType::Json => "json".into(),
        ColumnType::Jsonb => "jsonb".into(),
        ColumnType::Timestamptz => "timestamptz".into(),
        ColumnType::Timestamp => "timestamp".into(),
        ColumnType::Date => "date".into(),
        ColumnType::Time => "time".into(),
        ColumnType::Interval => "interval".into(),
        ColumnType::Bytea => "bytea".into(),
        ColumnType::Inet => "inet".into(),
        ColumnType::Array { element } => format!("{}[]", column_type(element)),
        ColumnType::Range { range } => range.pg_name().into(),
        ColumnType::Enum { name } => quote_qname(name),
        ColumnType::Custom { sql } => sql.clone(),
    }
}

pub fn default_value(d: &DefaultValue) -> String {
    match d {
        DefaultValue::Now => "now()".into(),
        DefaultValue::RandomUuid => "gen_random_uuid()".into(),
        DefaultValue::Bool(b) => b.to_string(),
        DefaultValue::Int(i) => i.to_string(),
        DefaultValue::Number(n) => n.clone(),
        DefaultValue::Text(s) | DefaultValue::EnumValue(s) => quote_literal(s),
        DefaultValue::Expression(e) => e.clone(),
    }
}

pub fn column_def(c: &Column) -> String {
    let mut s = format!("{} {}", quote_ident(&c.name), column_type(&c.ty));
    if let Some(expr) = &c.generated {
        write!(s, " GENERATED ALWAYS AS ({expr}) STORED").unwrap();
    }
    if let Some(identity) = c.identity {
        s.push_str(match identity {
            Identity::Always => " GENERATED ALWAYS AS IDENTITY",
            Identity::ByDefault => " GENERATED BY DEFAULT AS IDENTITY",
        });
    }
    if !c.nullable {
        s.push_str(" NOT NULL");
    }
    if let Some(d) = &c.default {
        write!(s, " DEFAULT {}", default_value(d)).unwrap();
    }
    s
}

fn fk_action(a: FkAction) -> Option<&'static str> {
    match a {
        FkAction::NoAction => None,
        FkAction::Restrict => Some("RESTRICT"),
        FkAction::Cascade => Some("CASCADE"),
        FkAction::SetNull => Some("SET NULL"),
        FkAction::SetDefault => Some("SET DEFAULT"),
    }
}

/// `CONSTRAINT name FOREIGN KEY (...) REFERENCES t (...) [ON DELETE ..] [ON UPDATE ..] [DEFERRABLE ..]`.
pub fn foreign_key_def(fk: &ForeignKey) -> String {
    format!(
        "CONSTRAINT {} FOREIGN KEY ({}) {}",
        quote_ident(&fk.name),
        ident_list(&fk.columns),
        references_clause(fk)
    )
}

/// `REFERENCES <table> (<columns>)` with the actions: what follows the local columns of a
/// foreign key, also written alone as a column constraint.
pub fn references_clause(fk: &ForeignKey) -> String {
    let mut s = format!(
        "REFERENCES {} ({})",
        quote_qname(&fk.ref_table),
        ident_list(&fk.ref_columns)
    );
    if let Some(a) = fk_action(fk.on_delete) {
        write!(s, " ON DELETE {a}").unwrap();
    }
    if let Some(a) = fk_action(fk.on_update) {
        write!(s, " ON UPDATE {a}").unwrap();
    }
    match fk.deferrable {
        Deferrable::NotDeferrable => {}
        Deferrable::InitiallyImmediate => s.push_str(" DEFERRABLE INITIALLY IMMEDIATE"),
        Deferrable::InitiallyDeferred => s.push_str(" DEFERRABLE INITIALLY DEFERRED"),
    }
    s
}

pub fn primary_key_def(pk: &PrimaryKey) -> String {
    format!(
        "CONSTRAINT {} PRIMARY KEY ({})",
        quote_ident(&pk.name),
        ident_list(&pk.columns)
    )
}

pub fn unique_def(u: &UniqueConstraint) -> String {
    let nnd = if u.nulls_not_distinct {
        " NULLS NOT DISTINCT"
    } else {
        ""
    };
    format!(
        "CONSTRAINT {} UNIQUE{nnd} ({})",
        quote_ident(&u.name),
        ident_list(&u.columns)
    )
}

pub fn check_def(c: &Check) -> String {
    format!(
        "CONSTRAINT {} CHECK ({})",
        quote_ident(&c.name),
        c.expression
    )
}

pub fn exclude_def(x: &Exclude) -> String {
    let elements: Vec<String> = x
        .elements
        .iter()
        .map(|e| {
            let expr = if is_bare_ident(&e.expression) {
                quote_ident(&e.expression)
            } else {
                format!("({})", e.expression)
            };
            format!("{expr} WITH {}", e.operator)
        })
        .collect();
    let mut s = format!(
        "CONSTRAINT {} EXCLUDE USING {} ({})",
        quote_ident(&x.name),
        x.method.as_sql(),
        elements.join(", ")
    );
    if let Some(p) = &x.predicate {
        write!(s, " WHERE ({p})").unwrap();
    }
    s
}

fn is_bare_ident(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

pub fn create_index(table: &QName, ix: &Index) -> String {
    let parts: Vec<String> = ix
        .parts
        .iter()
        .map(|p| {
            let mut s = match &p.key {
                IndexKey::Column(c) => quote_ident(c),
                IndexKey::Expression(e) => format!("({e})"),
            };
            if let Some(op) = &p.opclass {
                write!(s, " {op}").unwrap();
            }
            if p.descending {
                s.push_str(" DESC");
            }
            s
        })
        .collect();
    let mut s = format!(
        "CREATE {}INDEX {} ON {}",
        if ix.unique { "UNIQUE " } else { "" },
        quote_ident(&ix.name),
        quote_qname(table)
    );
    if ix.method != IndexMethod::Btree {
        write!(s, " USING {}", ix.method.as_sql()).unwrap();
    }
    write!(s, " ({})", parts.join(", ")).unwrap();
    if !ix.include.is_empty() {
        write!(s, " INCLUDE ({})", ident_list(&ix.include)).unwrap();
    }
    if ix.nulls_not_distinct {
        s.push_str(" NULLS NOT DISTINCT");
    }
    if let Some(p) = &ix.predicate {
        write!(s, " WHERE {p}").unwrap();
    }
    s
}

pub fn create_policy(table: &QName, p: &Policy) -> String {
    let mut s = format!(
        "CREATE POLICY {} ON {}",
        quote_ident(&p.name),
        quote_qname(table)
    );
    if !p.permissive {
        s.push_str(" AS RESTRICTIVE");
    }
    if p.command != PolicyCommand::All {
        write!(s, " FOR {}", p.command.as_sql()).unwrap();
    }
    if !p.roles.is_empty() {
        write!(s, " TO {}", ident_list(&p.roles)).unwrap();
    }
    if let Some(u) = &p.using {
        write!(s, " USING ({u})").unwrap();
    }
    if let Some(w) = &p.with_check {
        write!(s, " WITH CHECK ({w})").unwrap();
    }
    s
}

fn partition_by_def(pb: &PartitionBy) -> String {
    let strategy = match pb.strategy {
        PartitionStrategy::Range => "RANGE",
        PartitionStrategy::List => "LIST",
        PartitionStrategy::Hash => "HASH",
    };
    let keys: Vec<String> = pb
        .keys
        .iter()
        .map(|k| {
            if is_bare_ident(k) {
                quote_ident(k)
            } else {
                format!("({k})")
            }
        })
        .collect();
    format!("PARTITION BY {strategy} ({})", keys.join(", "))
}

impl Dialect for Postgres {
    fn name(&self) -> &'static str {
        "postgres"
    }

    fn create(&self, schema: &Schema) -> Result<Vec<Statement>, Diagnostics> {
        Ok(create_statements(schema))
    }

    fn plan(&self, current: &Schema, declared: &Schema) -> Result<Plan, Diagnostics> {
        Ok(plan::plan(current, declared))
    }
}

fn push(out: &mut Vec<Statement>, section: &mut Option<String>, sql: String) {
    out.push(Statement {
        sql,
        section: section.take(),
    });
}

/// Statements that build `schema` from nothing, in an order PostgreSQL accepts.
fn create_statements(schema: &Schema) -> Vec<Statement> {
    let mut out = Vec::new();
    let mut section = Some("extensions, schemas and types".to_string());
    for e in &schema.extensions {
        push(
            &mut out,
            &mut section,
            format!("CREATE EXTENSION IF NOT EXISTS {}", quote_ident(&e.name)),
        );
    }
    for n in &schema.namespaces {
        push(
            &mut out,
            &mut section,
            format!("CREATE SCHEMA {}", quote_ident(&n.name)),
        );
        if let Some(doc) = &n.doc {
            push(
                &mut out,
                &mut section,
                format!(
                    "COMMENT ON SCHEMA {} IS {}",
                    quote_ident(&n.name),
                    quote_literal(doc)
                ),
            );
        }
    }
    for e in &schema.enums {
        let values: Vec<String> = e.values.iter().map(|v| quote_literal(v)).collect();
        push(
            &mut out,
            &mut section,
            format!(
                "CREATE TYPE {} AS ENUM ({})",
                quote_qname(&e.name),
                values.join(", ")
            ),
        );
        if let Some(doc) = &e.doc {
            push(
                &mut out,
                &mut section,
                format!(
                    "COMMENT ON TYPE {} IS {}",
                    quote_qname(&e.name),
                    quote_literal(doc)
                ),
            );
        }
    }
    for t in &schema.custom_types {
        let kw = match t.kind {
            CustomTypeKind::Type => "TYPE",
            CustomTypeKind::Domain => "DOMAIN",
        };
        push(
            &mut out,
            &mut section,
            format!("CREATE {kw} {} {}", quote_qname(&t.name), t.definition),
        );
    }
    if !schema.functions.is_empty() {
        section = Some("functions".into());
        for f in &schema.functions {
            push(&mut out, &mut section, f.statement().to_string());
        }
    }

    // Tables in FK order. An FK goes inline when its target and the key it references already
    // exist at that point; otherwise (cycles, keys that are unique indexes on the same table)
    // it is added after every table and index exists.
    let graph = FkGraph::new(schema);
    let order = graph.creation_order();
    let mut created: HashSet<&QName> = HashSet::new();
    let mut late_fks: Vec<(&QName, &ForeignKey)> = Vec::new();
    for node in order {
        let t = graph.table(schema, node);
        let mut lines: Vec<String> = t.columns.iter().map(column_def).collect();
        lines.extend(t.primary_key.iter().map(primary_key_def));
        lines.extend(t.uniques.iter().map(unique_def));
        lines.extend(t.checks.iter().map(check_def));
        lines.extend(t.excludes.iter().map(exclude_def));
        for fk in &t.foreign_keys {
            let inline = if fk.ref_table == t.name {
                !matches!(
                    t.unique_key_kind(&fk.ref_columns),
                    Some(KeyKind::UniqueIndex) | None
                )
            } else {
                created.contains(&fk.ref_table)
            };
            if inline {
                lines.push(foreign_key_def(fk));
            } else {
                late_fks.push((&t.name, fk));
            }
        }
        let mut sql = format!(
            "CREATE TABLE {} (\n    {}\n)",
            quote_qname(&t.name),
            lines.join(",\n    ")
        );
        if let Some(pb) = &t.partition_by {
            write!(sql, " {}", partition_by_def(pb)).unwrap();
        }
        let mut section = Some(format!("table {}", t.name));
        push(&mut out, &mut section, sql);
        for p in &t.partitions {
            push(
                &mut out,
                &mut section,
                format!(
                    "CREATE TABLE {} PARTITION OF {} {}",
                    quote_qname(&p.name),
                    quote_qname(&t.name),
                    p.bound
                ),
            );
        }
        for ix in &t.indexes {
            push(&mut out, &mut section, create_index(&t.name, ix));
        }
        if let Some(doc) = &t.doc {
            push(
                &mut out,
                &mut section,
                format!(
                    "COMMENT ON TABLE {} IS {}",
                    quote_qname(&t.name),
                    quote_literal(doc)
                ),
            );
        }
        for c in &t.columns {
            if let Some(doc) = &c.doc {
                push(
                    &mut out,
                    &mut section,
                    format!(
                        "COMMENT ON COLUMN {}.{} IS {}",
                        quote_qname(&t.name),
                        quote_ident(&c.name),
                        quote_literal(doc)
                    ),
                );
            }
        }
        created.insert(&t.name);
    }

    let mut section = Some("foreign keys that close cycles or need later keys".to_string());
    for (table, fk) in late_fks {
        push(
            &mut out,
            &mut section,
            format!(
                "ALTER TABLE {} ADD {}",
                quote_qname(table),
                foreign_key_def(fk)
            ),
        );
    }

    let mut section = Some("views".to_string());
    for v in &schema.views {
        push(&mut out, &mut section, v.statement().to_string());
    }

    let mut section = Some("row-level security".to_string());
    for t in &schema.tables {
        if t.rls.enabled {
            push(
                &mut out,
                &mut section,
                format!(
                    "ALTER TABLE {} ENABLE ROW LEVEL SECURITY",
                    quote_qname(&t.name)
                ),
            );
        }
        if t.rls.forced {
            push(
                &mut out,
                &mut section,
                format!(
                    "ALTER TABLE {} FORCE ROW LEVEL SECURITY",
                    quote_qname(&t.name)
                ),
            );
        }
        for p in &t.policies {
            push(&mut out, &mut section, create_policy(&t.name, p));
        }
    }

    let mut section = Some("triggers".to_string());
    for t in &schema.tables {
        for tr in &t.triggers {
            push(&mut out, &mut section, tr.statement().to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_quoted_only_when_needed() {
        assert_eq!(quote_ident("users"), "users");
        assert_eq!(quote_ident("user"), "\"user\"");
        assert_eq!(quote_ident("Order"), "\"Order\"");
        assert_eq!(quote_ident("a\"b"), "\"a\"\"b\"");
        assert_eq!(quote_ident("1st"), "\"1st\"");
        assert_eq!(quote_ident("status"), "status");
    }
}
