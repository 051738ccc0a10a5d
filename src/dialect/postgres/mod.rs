//! PostgreSQL: identifiers, types, defaults and DDL.
//!
//! Our own emitter rather than sea-query: sea-query has no DEFERRABLE, EXCLUDE, comments, RLS
//! or policies, and one emitter gives one canonical spelling that diffs and snapshots rely on.

pub mod plan;
mod spelling;

use super::{Dialect, Statement};
use crate::diag::Diagnostics;
use crate::diff::plan::Plan;
use crate::graph::FkGraph;
use crate::model::*;
use std::fmt::{self, Write};

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
    let mut s = String::with_capacity(name.len() + 2);
    push_ident(&mut s, name);
    s
}

/// Appends `name`, quoted when PostgreSQL needs it to be; the renderer writes every
/// identifier this way, straight into its output.
pub fn push_ident(out: &mut String, name: &str) {
    // Bytes, not chars: every byte of a non-ASCII character fails these tests anyway.
    let bytes = name.as_bytes();
    let plain = bytes
        .first()
        .is_some_and(|&b| b.is_ascii_lowercase() || b == b'_')
        && bytes
            .iter()
            .all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'$')
        && !reserved(name);
    if plain {
        out.push_str(name);
    } else {
        out.push('"');
        for (i, part) in name.split('"').enumerate() {
            if i > 0 {
                out.push_str("\"\"");
            }
            out.push_str(part);
        }
        out.push('"');
    }
}

pub fn quote_qname(name: &QName) -> String {
    let mut s = String::new();
    push_qname(&mut s, name);
    s
}

fn push_qname(out: &mut String, name: &QName) {
    if let Some(s) = &name.schema {
        push_ident(out, s);
        out.push('.');
    }
    push_ident(out, &name.name);
}

fn push_ident_list(out: &mut String, cols: &[String]) {
    for (i, c) in cols.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        push_ident(out, c);
    }
}

/// [`quote_literal`] appended to `out`.
fn push_literal(out: &mut String, s: &str) {
    out.push('\'');
    for (i, part) in s.split('\'').enumerate() {
        if i > 0 {
            out.push_str("''");
        }
        out.push_str(part);
    }
    out.push('\'');
}

pub fn column_type(ty: &ColumnType) -> String {
    let mut s = String::new();
    push_column_type(&mut s, ty);
    s
}

fn push_column_type(out: &mut String, ty: &ColumnType) {
    let word = match ty {
        ColumnType::Text => "text",
        ColumnType::Varchar { length } => return write!(out, "varchar({length})").unwrap(),
        ColumnType::Char { length } => return write!(out, "char({length})").unwrap(),
        ColumnType::SmallInt => "smallint",
        ColumnType::Integer => "integer",
        ColumnType::BigInt => "bigint",
        ColumnType::Boolean => "boolean",
        ColumnType::Numeric { precision, scale } => {
            return match (precision, scale) {
                (Some(p), Some(s)) => write!(out, "numeric({p},{s})").unwrap(),
                (Some(p), None) => write!(out, "numeric({p})").unwrap(),
                _ => out.push_str("numeric"),
            }
        }
        ColumnType::Real => "real",
        ColumnType::Double => "double precision",
        ColumnType::Uuid => "uuid",
        ColumnType::Json => "json",
        ColumnType::Jsonb => "jsonb",
        ColumnType::Timestamptz => "timestamptz",
        ColumnType::Timestamp => "timestamp",
        ColumnType::Date => "date",
        ColumnType::Time => "time",
        ColumnType::Interval => "interval",
        ColumnType::Bytea => "bytea",
        ColumnType::Inet => "inet",
        ColumnType::Array { element } => {
            push_column_type(out, element);
            "[]"
        }
        ColumnType::Range { range } => range.pg_name(),
        ColumnType::Enum { name } => return push_qname(out, name),
        ColumnType::Custom { sql } => sql,
    };
    out.push_str(word);
}

pub fn default_value(d: &DefaultValue) -> String {
    let mut s = String::new();
    push_default_value(&mut s, d);
    s
}

fn push_default_value(out: &mut String, d: &DefaultValue) {
    match d {
        DefaultValue::Now => out.push_str("now()"),
        DefaultValue::RandomUuid => out.push_str("gen_random_uuid()"),
        DefaultValue::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        DefaultValue::Int(i) => write!(out, "{i}").unwrap(),
        DefaultValue::Number(n) => out.push_str(n),
        DefaultValue::Text(s) | DefaultValue::EnumValue(s) => push_literal(out, s),
        DefaultValue::Expression(e) => out.push_str(e),
    }
}

pub fn column_def(c: &Column) -> String {
    let mut s = String::new();
    push_column_def(&mut s, c);
    s
}

fn push_column_def(out: &mut String, c: &Column) {
    push_ident(out, &c.name);
    out.push(' ');
    push_column_type(out, &c.ty);
    if let Some(expr) = &c.generated {
        out.push_str(" GENERATED ALWAYS AS (");
        out.push_str(expr);
        out.push_str(") STORED");
    }
    if let Some(identity) = c.identity {
        out.push_str(match identity {
            Identity::Always => " GENERATED ALWAYS AS IDENTITY",
            Identity::ByDefault => " GENERATED BY DEFAULT AS IDENTITY",
        });
    }
    if !c.nullable {
        out.push_str(" NOT NULL");
    }
    if let Some(d) = &c.default {
        out.push_str(" DEFAULT ");
        push_default_value(out, d);
    }
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
    let mut s = String::new();
    push_foreign_key_def(&mut s, fk);
    s
}

fn push_foreign_key_def(out: &mut String, fk: &ForeignKey) {
    out.push_str("CONSTRAINT ");
    push_ident(out, &fk.name);
    out.push_str(" FOREIGN KEY (");
    push_ident_list(out, &fk.columns);
    out.push_str(") ");
    push_references_clause(out, fk);
}

/// `REFERENCES <table> (<columns>)` with the actions: what follows the local columns of a
/// foreign key, also written alone as a column constraint.
pub fn references_clause(fk: &ForeignKey) -> String {
    let mut s = String::new();
    push_references_clause(&mut s, fk);
    s
}

fn push_references_clause(out: &mut String, fk: &ForeignKey) {
    out.push_str("REFERENCES ");
    push_qname(out, &fk.ref_table);
    out.push_str(" (");
    push_ident_list(out, &fk.ref_columns);
    out.push(')');
    if let Some(a) = fk_action(fk.on_delete) {
        out.push_str(" ON DELETE ");
        out.push_str(a);
    }
    if let Some(a) = fk_action(fk.on_update) {
        out.push_str(" ON UPDATE ");
        out.push_str(a);
    }
    match fk.deferrable {
        Deferrable::NotDeferrable => {}
        Deferrable::InitiallyImmediate => out.push_str(" DEFERRABLE INITIALLY IMMEDIATE"),
        Deferrable::InitiallyDeferred => out.push_str(" DEFERRABLE INITIALLY DEFERRED"),
    }
}

pub fn primary_key_def(pk: &PrimaryKey) -> String {
    let mut s = String::new();
    push_primary_key_def(&mut s, pk);
    s
}

fn push_primary_key_def(out: &mut String, pk: &PrimaryKey) {
    out.push_str("CONSTRAINT ");
    push_ident(out, &pk.name);
    out.push_str(" PRIMARY KEY (");
    push_ident_list(out, &pk.columns);
    out.push(')');
}

pub fn unique_def(u: &UniqueConstraint) -> String {
    let mut s = String::new();
    push_unique_def(&mut s, u);
    s
}

fn push_unique_def(out: &mut String, u: &UniqueConstraint) {
    out.push_str("CONSTRAINT ");
    push_ident(out, &u.name);
    out.push_str(if u.nulls_not_distinct {
        " UNIQUE NULLS NOT DISTINCT ("
    } else {
        " UNIQUE ("
    });
    push_ident_list(out, &u.columns);
    out.push(')');
}

pub fn check_def(c: &Check) -> String {
    let mut s = String::new();
    push_check_def(&mut s, c);
    s
}

fn push_check_def(out: &mut String, c: &Check) {
    out.push_str("CONSTRAINT ");
    push_ident(out, &c.name);
    out.push_str(" CHECK (");
    out.push_str(&c.expression);
    out.push(')');
}

pub fn exclude_def(x: &Exclude) -> String {
    let mut s = String::new();
    push_exclude_def(&mut s, x);
    s
}

fn push_exclude_def(out: &mut String, x: &Exclude) {
    out.push_str("CONSTRAINT ");
    push_ident(out, &x.name);
    out.push_str(" EXCLUDE USING ");
    out.push_str(x.method.as_sql());
    out.push_str(" (");
    for (i, e) in x.elements.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        push_ident_or_expression(out, &e.expression);
        out.push_str(" WITH ");
        out.push_str(&e.operator);
    }
    out.push(')');
    if let Some(p) = &x.predicate {
        out.push_str(" WHERE (");
        out.push_str(p);
        out.push(')');
    }
}

fn is_bare_ident(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A bare name as an identifier, anything else as a parenthesised expression.
fn push_ident_or_expression(out: &mut String, s: &str) {
    if is_bare_ident(s) {
        push_ident(out, s);
    } else {
        out.push('(');
        out.push_str(s);
        out.push(')');
    }
}

pub fn create_index(table: &QName, ix: &Index) -> String {
    let mut s = String::new();
    push_create_index(&mut s, table, ix);
    s
}

fn push_create_index(out: &mut String, table: &QName, ix: &Index) {
    out.push_str(if ix.unique {
        "CREATE UNIQUE INDEX "
    } else {
        "CREATE INDEX "
    });
    push_ident(out, &ix.name);
    out.push_str(" ON ");
    push_qname(out, table);
    if ix.method != IndexMethod::Btree {
        out.push_str(" USING ");
        out.push_str(ix.method.as_sql());
    }
    out.push_str(" (");
    for (i, p) in ix.parts.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        match &p.key {
            IndexKey::Column(c) => push_ident(out, c),
            IndexKey::Expression(e) => {
                out.push('(');
                out.push_str(e);
                out.push(')');
            }
        }
        if let Some(op) = &p.opclass {
            out.push(' ');
            out.push_str(op);
        }
        if p.descending {
            out.push_str(" DESC");
        }
    }
    out.push(')');
    if !ix.include.is_empty() {
        out.push_str(" INCLUDE (");
        push_ident_list(out, &ix.include);
        out.push(')');
    }
    if ix.nulls_not_distinct {
        out.push_str(" NULLS NOT DISTINCT");
    }
    if let Some(p) = &ix.predicate {
        out.push_str(" WHERE ");
        out.push_str(p);
    }
}

pub fn create_policy(table: &QName, p: &Policy) -> String {
    let mut s = String::new();
    push_create_policy(&mut s, table, p);
    s
}

fn push_create_policy(out: &mut String, table: &QName, p: &Policy) {
    out.push_str("CREATE POLICY ");
    push_ident(out, &p.name);
    out.push_str(" ON ");
    push_qname(out, table);
    if !p.permissive {
        out.push_str(" AS RESTRICTIVE");
    }
    if p.command != PolicyCommand::All {
        out.push_str(" FOR ");
        out.push_str(p.command.as_sql());
    }
    if !p.roles.is_empty() {
        out.push_str(" TO ");
        push_ident_list(out, &p.roles);
    }
    if let Some(u) = &p.using {
        out.push_str(" USING (");
        out.push_str(u);
        out.push(')');
    }
    if let Some(w) = &p.with_check {
        out.push_str(" WITH CHECK (");
        out.push_str(w);
        out.push(')');
    }
}

fn push_partition_by_def(out: &mut String, pb: &PartitionBy) {
    out.push_str(match pb.strategy {
        PartitionStrategy::Range => "PARTITION BY RANGE (",
        PartitionStrategy::List => "PARTITION BY LIST (",
        PartitionStrategy::Hash => "PARTITION BY HASH (",
    });
    for (i, k) in pb.keys.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        push_ident_or_expression(out, k);
    }
    out.push(')');
}

impl Dialect for Postgres {
    fn name(&self) -> &'static str {
        "postgres"
    }

    fn create(&self, schema: &Schema) -> Result<Vec<Statement>, Diagnostics> {
        let mut sink = StatementList::default();
        create_into(schema, &mut sink);
        Ok(sink.statements)
    }

    fn create_script(&self, schema: &Schema, out: &mut String) -> Result<(), Diagnostics> {
        create_into(schema, &mut Script::new(out));
        Ok(())
    }

    fn plan(&self, current: &Schema, declared: &Schema) -> Result<Plan, Diagnostics> {
        Ok(plan::plan(current, declared))
    }
}

/// Where the create statements go. One renderer writes both forms, so the list of
/// statements and the script (written without a `String` per statement) cannot disagree.
trait Sink {
    /// The heading of the statements that follow; written before the next statement only,
    /// and replaced if another heading comes first.
    fn section(&mut self, heading: fmt::Arguments<'_>);
    /// One statement, without its semicolon, written by `body`.
    fn statement(&mut self, body: impl FnOnce(&mut String));
}

#[derive(Default)]
struct StatementList {
    statements: Vec<Statement>,
    heading: Option<String>,
}

impl Sink for StatementList {
    fn section(&mut self, heading: fmt::Arguments<'_>) {
        self.heading = Some(fmt::format(heading));
    }

    fn statement(&mut self, body: impl FnOnce(&mut String)) {
        let mut sql = String::new();
        body(&mut sql);
        self.statements.push(Statement {
            sql,
            section: self.heading.take(),
        });
    }
}

/// Writes the script as [`super::write_script`] lays it out.
struct Script<'a> {
    out: &'a mut String,
    heading: String,
    pending: bool,
}

impl<'a> Script<'a> {
    fn new(out: &'a mut String) -> Self {
        Script {
            out,
            heading: String::new(),
            pending: false,
        }
    }
}

impl Sink for Script<'_> {
    fn section(&mut self, heading: fmt::Arguments<'_>) {
        self.heading.clear();
        self.heading.write_fmt(heading).unwrap();
        self.pending = true;
    }

    fn statement(&mut self, body: impl FnOnce(&mut String)) {
        if std::mem::take(&mut self.pending) {
            if !self.out.is_empty() && !self.out.ends_with("\n\n") {
                self.out.push('\n');
            }
            self.out.push_str("-- ");
            self.out.push_str(&self.heading);
            self.out.push('\n');
        }
        body(self.out);
        self.out.push_str(";\n");
    }
}

/// Statements that build `schema` from nothing, in an order PostgreSQL accepts.
fn create_into(schema: &Schema, sink: &mut impl Sink) {
    create_types(schema, sink);
    if !schema.functions.is_empty() {
        sink.section(format_args!("functions"));
        for f in &schema.functions {
            sink.statement(|s| s.push_str(f.statement()));
        }
    }
    let late_fks = create_tables(schema, sink);
    sink.section(format_args!(
        "foreign keys that close cycles or need later keys"
    ));
    for (table, fk) in late_fks {
        sink.statement(|s| {
            s.push_str("ALTER TABLE ");
            push_qname(s, table);
            s.push_str(" ADD ");
            push_foreign_key_def(s, fk);
        });
    }
    sink.section(format_args!("views"));
    for v in &schema.views {
        sink.statement(|s| s.push_str(v.statement()));
    }
    create_row_security(schema, sink);
    sink.section(format_args!("triggers"));
    for t in &schema.tables {
        for tr in &t.triggers {
            sink.statement(|s| s.push_str(tr.statement()));
        }
    }
}

/// Extensions, schemas, enums and custom types: what tables may use.
fn create_types(schema: &Schema, sink: &mut impl Sink) {
    sink.section(format_args!("extensions, schemas and types"));
    for e in &schema.extensions {
        sink.statement(|s| {
            s.push_str("CREATE EXTENSION IF NOT EXISTS ");
            push_ident(s, &e.name);
        });
    }
    for n in &schema.namespaces {
        sink.statement(|s| {
            s.push_str("CREATE SCHEMA ");
            push_ident(s, &n.name);
        });
        if let Some(doc) = &n.doc {
            sink.statement(|s| {
                s.push_str("COMMENT ON SCHEMA ");
                push_ident(s, &n.name);
                s.push_str(" IS ");
                push_literal(s, doc);
            });
        }
    }
    for e in &schema.enums {
        sink.statement(|s| {
            s.push_str("CREATE TYPE ");
            push_qname(s, &e.name);
            s.push_str(" AS ENUM (");
            for (i, v) in e.values.iter().enumerate() {
                if i > 0 {
                    s.push_str(", ");
                }
                push_literal(s, v);
            }
            s.push(')');
        });
        if let Some(doc) = &e.doc {
            sink.statement(|s| {
                s.push_str("COMMENT ON TYPE ");
                push_qname(s, &e.name);
                s.push_str(" IS ");
                push_literal(s, doc);
            });
        }
    }
    for t in &schema.custom_types {
        sink.statement(|s| {
            s.push_str(match t.kind {
                CustomTypeKind::Type => "CREATE TYPE ",
                CustomTypeKind::Domain => "CREATE DOMAIN ",
            });
            push_qname(s, &t.name);
            s.push(' ');
            s.push_str(&t.definition);
        });
    }
}

/// The tables in FK order, each with its partitions, indexes and comments. An FK goes
/// inline when its target and the key it references already exist at that point; the
/// others (cycles, keys that are unique indexes on the same table) are returned, to be
/// added after every table and index exists.
fn create_tables<'s>(schema: &'s Schema, sink: &mut impl Sink) -> Vec<(&'s QName, &'s ForeignKey)> {
    let graph = FkGraph::new(schema);
    // Indexed by graph node: whether that table exists yet.
    let mut created = vec![false; graph.graph.node_count()];
    let mut late_fks = Vec::new();
    for node in graph.creation_order() {
        let t = graph.table(schema, node);
        let inline = |fk: &ForeignKey| {
            if fk.ref_table == t.name {
                !matches!(
                    t.unique_key_kind(&fk.ref_columns),
                    Some(KeyKind::UniqueIndex) | None
                )
            } else {
                graph
                    .nodes
                    .get(&fk.ref_table)
                    .is_some_and(|n| created[n.index()])
            }
        };
        sink.section(format_args!("table {}", t.name));
        sink.statement(|s| {
            create_table(s, t, |fk| {
                let inline = inline(fk);
                if !inline {
                    late_fks.push((&t.name, fk));
                }
                inline
            })
        });
        create_table_extras(t, sink);
        created[node.index()] = true;
    }
    late_fks
}

/// `CREATE TABLE` with the columns and constraints; a foreign key is written only when
/// `inline` says so.
fn create_table<'t>(
    out: &mut String,
    t: &'t Table,
    mut inline: impl FnMut(&'t ForeignKey) -> bool,
) {
    out.push_str("CREATE TABLE ");
    push_qname(out, &t.name);
    out.push_str(" (");
    let mut first = true;
    let mut line = |out: &mut String| {
        out.push_str(if first { "\n    " } else { ",\n    " });
        first = false;
    };
    for c in &t.columns {
        line(out);
        push_column_def(out, c);
    }
    if let Some(pk) = &t.primary_key {
        line(out);
        push_primary_key_def(out, pk);
    }
    for u in &t.uniques {
        line(out);
        push_unique_def(out, u);
    }
    for c in &t.checks {
        line(out);
        push_check_def(out, c);
    }
    for x in &t.excludes {
        line(out);
        push_exclude_def(out, x);
    }
    for fk in &t.foreign_keys {
        if inline(fk) {
            line(out);
            push_foreign_key_def(out, fk);
        }
    }
    if first {
        // No lines at all: the layout `format!` gave an empty list.
        out.push_str("\n    ");
    }
    out.push_str("\n)");
    if let Some(pb) = &t.partition_by {
        out.push(' ');
        push_partition_by_def(out, pb);
    }
}

/// A table's partitions, indexes and comments, after its `CREATE TABLE`.
fn create_table_extras(t: &Table, sink: &mut impl Sink) {
    for p in &t.partitions {
        sink.statement(|s| {
            s.push_str("CREATE TABLE ");
            push_qname(s, &p.name);
            s.push_str(" PARTITION OF ");
            push_qname(s, &t.name);
            s.push(' ');
            s.push_str(&p.bound);
        });
    }
    for ix in &t.indexes {
        sink.statement(|s| push_create_index(s, &t.name, ix));
    }
    if let Some(doc) = &t.doc {
        sink.statement(|s| {
            s.push_str("COMMENT ON TABLE ");
            push_qname(s, &t.name);
            s.push_str(" IS ");
            push_literal(s, doc);
        });
    }
    for c in &t.columns {
        if let Some(doc) = &c.doc {
            sink.statement(|s| {
                s.push_str("COMMENT ON COLUMN ");
                push_qname(s, &t.name);
                s.push('.');
                push_ident(s, &c.name);
                s.push_str(" IS ");
                push_literal(s, doc);
            });
        }
    }
}

/// Row-level security and policies, once every table exists.
fn create_row_security(schema: &Schema, sink: &mut impl Sink) {
    sink.section(format_args!("row-level security"));
    for t in &schema.tables {
        if t.rls.enabled {
            sink.statement(|s| {
                s.push_str("ALTER TABLE ");
                push_qname(s, &t.name);
                s.push_str(" ENABLE ROW LEVEL SECURITY");
            });
        }
        if t.rls.forced {
            sink.statement(|s| {
                s.push_str("ALTER TABLE ");
                push_qname(s, &t.name);
                s.push_str(" FORCE ROW LEVEL SECURITY");
            });
        }
        for p in &t.policies {
            sink.statement(|s| push_create_policy(s, &t.name, p));
        }
    }
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
