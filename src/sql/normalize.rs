//! Canonical forms for comparing schemas that come from different sources.
//!
//! The DSL holds expressions as the user typed them and replayed SQL holds them as the
//! dialect's reader printed them, so every comparison puts both sides through
//! [`normalize_schema`]. PostgreSQL expressions are printed from PostgreSQL's own parse tree
//! (`sql::postgres::expr`); SQLite ones from sqlparser's.

use super::ast;
use super::replay::{builtin_type, default_value};
use crate::model::DialectKind;
use crate::model::*;
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::tokenizer::{Token, Tokenizer};

/// Prints a PostgreSQL expression canonically: `price>0` and `(price > 0)` both become
/// `price > 0`. Text that does not parse as one expression is compared token by token
/// (whitespace and comments ignored), or whitespace-collapsed if it does not even tokenize.
pub fn normalize_expr(sql: &str) -> String {
    normalize_exprs(&[sql], DialectKind::Postgres)
        .pop()
        .unwrap_or_default()
}

/// [`normalize_expr`] for many expressions at once, in `dialect`.
pub fn normalize_exprs(texts: &[&str], dialect: DialectKind) -> Vec<String> {
    parse_exprs(texts, dialect)
        .into_iter()
        .zip(texts)
        .map(|(e, t)| match e {
            Some(e) => e.text,
            None => normalize_tokens(t),
        })
        .collect()
}

/// Parses each text as one expression of `dialect`.
fn parse_exprs(texts: &[&str], dialect: DialectKind) -> Vec<Option<ast::Expr>> {
    match dialect {
        DialectKind::Postgres => super::postgres::expr::parse_many(texts),
        DialectKind::Sqlite => texts.iter().map(|t| super::sqlite::parse_expr(t)).collect(),
    }
}

/// Tokens joined by single spaces, keywords uppercased; for SQL fragments that are not
/// expressions (partition bounds) and for expressions sqlparser cannot read.
pub fn normalize_tokens(sql: &str) -> String {
    let dialect = PostgreSqlDialect {};
    let Ok(tokens) = Tokenizer::new(&dialect, sql).tokenize() else {
        return sql.split_whitespace().collect::<Vec<_>>().join(" ");
    };
    let mut out = String::with_capacity(sql.len());
    for t in tokens {
        if matches!(t, Token::Whitespace(_)) {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        match &t {
            Token::Word(w) if w.quote_style.is_none() => out.push_str(&w.value.to_uppercase()),
            _ => out.push_str(&t.to_string()),
        }
    }
    out
}

/// A place in a schema that holds an expression.
enum Slot<'a> {
    Expr(&'a mut String),
    Default(&'a mut DefaultValue, &'a ColumnType),
}

/// Every expression of `s`, in one fixed order.
fn each_slot(s: &mut Schema, f: &mut impl FnMut(Slot<'_>)) {
    for t in &mut s.tables {
        for c in &mut t.columns {
            c.edit_generated(|g| f(Slot::Expr(g)));
            if let Some(d) = &mut c.default {
                if matches!(d, DefaultValue::Expression(_) | DefaultValue::Number(_)) {
                    f(Slot::Default(d, &c.ty));
                }
            }
        }
        for c in &mut t.checks {
            f(Slot::Expr(&mut c.expression));
        }
        for x in &mut t.excludes {
            for el in &mut x.elements {
                f(Slot::Expr(&mut el.expression));
            }
            if let Some(p) = &mut x.predicate {
                f(Slot::Expr(p));
            }
        }
        for ix in &mut t.indexes {
            for p in &mut ix.parts {
                if let IndexKey::Expression(e) = &mut p.key {
                    f(Slot::Expr(e));
                }
            }
            if let Some(p) = &mut ix.predicate {
                f(Slot::Expr(p));
            }
        }
        for p in &mut t.policies {
            if let Some(u) = &mut p.using {
                f(Slot::Expr(u));
            }
            if let Some(w) = &mut p.with_check {
                f(Slot::Expr(w));
            }
        }
        if let Some(pb) = &mut t.partition_by {
            for k in &mut pb.keys {
                f(Slot::Expr(k));
            }
        }
    }
}

/// A copy of `schema` with every expression in canonical form and the facts SQL cannot hold
/// (table metadata, rename hints) cleared. Order is kept (columns, key parts, enum values are
/// meaningful) except for tables, which are sorted by name: SQL creates them in dependency
/// order, so a script cannot say in which order they were declared.
pub fn normalize_schema(schema: &Schema, dialect: DialectKind) -> Schema {
    let mut s = schema.clone();
    s.tables.sort_by(|a, b| a.name.cmp(&b.name));
    for e in &mut s.enums {
        e.renamed_values.clear();
    }
    for t in &mut s.tables {
        t.meta = TableMeta::default();
        for c in &mut t.columns {
            // A DSL hint for the differ; no SQL statement records it.
            c.set_renamed_from(None);
            c.ty = canonical_type(&c.ty, &schema.enums);
        }
        for ex in &mut t.excludes {
            for el in &mut ex.elements {
                el.operator = el.operator.trim().to_string();
            }
        }
        for p in &mut t.partitions {
            p.bound = normalize_tokens(&p.bound);
        }
    }
    // Every expression is parsed in one batch (one parser call per many expressions).
    let mut texts: Vec<String> = Vec::new();
    each_slot(&mut s, &mut |slot| {
        texts.push(match slot {
            Slot::Expr(e) => e.clone(),
            Slot::Default(DefaultValue::Expression(e) | DefaultValue::Number(e), _) => e.clone(),
            Slot::Default(_, _) => String::new(),
        })
    });
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let mut parsed = parse_exprs(&refs, dialect).into_iter().zip(texts.iter());
    each_slot(&mut s, &mut |slot| {
        let Some((e, text)) = parsed.next() else {
            return;
        };
        match slot {
            Slot::Expr(target) => {
                *target = match e {
                    Some(e) => e.text,
                    None => normalize_tokens(text),
                }
            }
            Slot::Default(d, ty) => *d = canonical_default(d, e.as_ref(), text, ty),
        }
    });
    for t in &mut s.tables {
        for c in &mut t.columns {
            if let (Some(DefaultValue::Text(v)), ColumnType::Enum { .. }) = (&c.default, &c.ty) {
                c.default = Some(DefaultValue::EnumValue(v.clone()));
            }
        }
        for tr in &mut t.triggers {
            let canonical = canonical_definition(&tr.sql, &tr.name, dialect);
            keep_written(&mut tr.written, &mut tr.sql, canonical);
        }
    }
    for f in &mut s.functions {
        let canonical = canonical_definition(&f.sql, &f.name.name, dialect);
        keep_written(&mut f.written, &mut f.sql, canonical);
    }
    for v in &mut s.views {
        let canonical = canonical_definition(&v.sql, &v.name.name, dialect);
        keep_written(&mut v.written, &mut v.sql, canonical);
    }
    s
}

/// Puts the canonical form in `sql`, keeping the text as written for output.
fn keep_written(written: &mut AsWritten, sql: &mut String, canonical: String) {
    if written.0.is_none() {
        written.0 = Some(std::mem::replace(sql, canonical));
    } else {
        *sql = canonical;
    }
}

/// A function, view or trigger statement in one spelling, named as the model names it.
/// SQLite's are kept as SQLite itself stores them (its catalog keeps the statement as
/// written).
fn canonical_definition(sql: &str, name: &str, dialect: DialectKind) -> String {
    match dialect {
        DialectKind::Postgres => super::postgres::definition::canonical(sql, Some(name))
            .unwrap_or_else(|| normalize_tokens(sql)),
        DialectKind::Sqlite => sql.to_string(),
    }
}

/// Whether two normalized schemas are equal up to the order of each table's columns and of
/// the functions. `ALTER TABLE ... ADD COLUMN` can only append, so a column declared between
/// others lands last in a migrated database; no query that names its columns can tell. A
/// function's place is when a migration created it, which a later declaration cannot move.
pub fn equal_up_to_column_order(a: &Schema, b: &Schema) -> bool {
    fn sorted(s: &Schema) -> Schema {
        let mut s = s.clone();
        for t in &mut s.tables {
            t.columns.sort_by(|x, y| x.name.cmp(&y.name));
        }
        s.functions.sort_by(|x, y| x.name.cmp(&y.name));
        s
    }
    a == b || sorted(a) == sorted(b)
}

/// Whether two lists of functions hold the same functions, in any order.
fn same_functions(a: &[Function], b: &[Function]) -> bool {
    a.len() == b.len() && a.iter().all(|f| b.contains(f))
}

/// What differs between two normalized schemas, one line per object, for messages such as
/// `generate --check`. Empty when they are equal.
pub fn differences(current: &Schema, declared: &Schema) -> Vec<String> {
    let mut out = Vec::new();
    let mut whole = |what: &str, same: bool| {
        if !same {
            out.push(format!("{what} differ"));
        }
    };
    whole("extensions", current.extensions == declared.extensions);
    whole("schemas", current.namespaces == declared.namespaces);
    whole("enum types", current.enums == declared.enums);
    whole(
        "custom types and domains",
        current.custom_types == declared.custom_types,
    );
    whole(
        "functions",
        same_functions(&current.functions, &declared.functions),
    );
    for t in &declared.tables {
        match current.table(&t.name) {
            None => out.push(format!(
                "table {} is declared but no migration creates it",
                t.name
            )),
            Some(c) if c != t => {
                let parts = [
                    ("doc", c.doc == t.doc),
                    ("columns", c.columns == t.columns),
                    ("primary key", c.primary_key == t.primary_key),
                    ("unique constraints", c.uniques == t.uniques),
                    ("checks", c.checks == t.checks),
                    ("exclusion constraints", c.excludes == t.excludes),
                    ("foreign keys", c.foreign_keys == t.foreign_keys),
                    ("indexes", c.indexes == t.indexes),
                    ("row-level security", c.rls == t.rls),
                    ("policies", c.policies == t.policies),
                    ("triggers", c.triggers == t.triggers),
                    (
                        "partitioning",
                        c.partition_by == t.partition_by && c.partitions == t.partitions,
                    ),
                ];
                let differing: Vec<&str> = parts
                    .iter()
                    .filter(|(_, same)| !same)
                    .map(|(n, _)| *n)
                    .collect();
                out.push(format!("table {}: {} differ", t.name, differing.join(", ")));
            }
            Some(_) => {}
        }
    }
    for t in &current.tables {
        if declared.table(&t.name).is_none() {
            out.push(format!(
                "table {} exists in the migrations but is no longer declared",
                t.name
            ));
        }
    }
    out
}

/// The named default an expression spells (`'x'` on an enum column is its label, `now()` is
/// `Now`, `42` is `Int`), so `default_sql("now()")` and `default_now()` compare equal.
fn canonical_default(
    d: &DefaultValue,
    parsed: Option<&ast::Expr>,
    text: &str,
    ty: &ColumnType,
) -> DefaultValue {
    let d = match (d, parsed) {
        (DefaultValue::Expression(_) | DefaultValue::Number(_), Some(e)) => default_value(e, ty),
        (DefaultValue::Expression(_), None) => DefaultValue::Expression(normalize_tokens(text)),
        (other, _) => other.clone(),
    };
    match d {
        DefaultValue::Text(s) if matches!(ty, ColumnType::Enum { .. }) => {
            DefaultValue::EnumValue(s)
        }
        other => other,
    }
}

/// A `Custom` type that names a built-in or a declared enum becomes that type.
fn canonical_type(ty: &ColumnType, enums: &[EnumType]) -> ColumnType {
    match ty {
        ColumnType::Custom { sql } if !sql.contains('"') => {
            let lower = sql.trim().to_ascii_lowercase();
            let q = QName::parse(&lower);
            if enums.iter().any(|e| e.name == q) {
                ColumnType::Enum { name: Box::new(q) }
            } else {
                builtin_type(&lower).unwrap_or(ColumnType::Custom { sql: lower })
            }
        }
        ColumnType::Array { element } => ColumnType::Array {
            element: Box::new(canonical_type(element, enums)),
        },
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn functions_compare_in_any_order_but_not_by_name_alone() {
        let function = |name: &str, body: &str| Function {
            name: QName::parse(name),
            sql: format!(
                "CREATE FUNCTION {name}() RETURNS int LANGUAGE sql AS $$ SELECT {body} $$"
            ),
            written: AsWritten::default(),
            origin: Origin::default(),
        };
        let schema = |functions: Vec<Function>| Schema {
            functions,
            ..Schema::default()
        };
        let (a, b) = (function("a", "1"), function("b", "2"));
        let created = schema(vec![a.clone(), b.clone()]);
        let declared = schema(vec![b.clone(), a.clone()]);
        assert!(equal_up_to_column_order(&created, &declared));
        assert!(differences(&created, &declared).is_empty());
        let changed = schema(vec![b, function("a", "3")]);
        assert!(!equal_up_to_column_order(&created, &changed));
        assert_eq!(differences(&created, &changed), ["functions differ"]);
    }

    fn default_of(d: &DefaultValue, ty: &ColumnType) -> DefaultValue {
        let text = match d {
            DefaultValue::Expression(e) | DefaultValue::Number(e) => e.clone(),
            _ => String::new(),
        };
        let parsed = parse_exprs(&[&text], DialectKind::Postgres).pop().flatten();
        canonical_default(d, parsed.as_ref(), &text, ty)
    }

    #[test]
    fn spacing_and_outer_parentheses_do_not_matter() {
        assert_eq!(normalize_expr("price>0"), normalize_expr("price > 0"));
        assert_eq!(normalize_expr("((price > 0))"), normalize_expr("price > 0"));
        assert_eq!(
            normalize_expr("tenant_id = current_setting('app.tenant_id',true)"),
            normalize_expr("tenant_id = current_setting('app.tenant_id', true)")
        );
        assert_ne!(normalize_expr("price > 0"), normalize_expr("price >= 0"));
    }

    #[test]
    fn inner_grouping_is_kept() {
        assert_ne!(
            normalize_expr("(a OR b) AND c"),
            normalize_expr("a OR (b AND c)")
        );
    }

    #[test]
    fn unparseable_text_falls_back_to_tokens() {
        assert_eq!(
            normalize_expr("FOR   VALUES\n IN (1)"),
            normalize_expr("for values in (1)")
        );
        assert_eq!(
            normalize_tokens("FROM ('a')  TO ('b')"),
            "FROM ( 'a' ) TO ( 'b' )"
        );
    }

    #[test]
    fn defaults_and_types_have_one_spelling() {
        let mood = ColumnType::Enum {
            name: Box::new(QName::parse("mood")),
        };
        let e = |s: &str| DefaultValue::Expression(s.into());
        assert_eq!(
            default_of(&e("now()"), &ColumnType::Timestamptz),
            DefaultValue::Now
        );
        assert_eq!(
            default_of(&e("'a'"), &mood),
            DefaultValue::EnumValue("a".into())
        );
        assert_eq!(
            default_of(&DefaultValue::Text("a".into()), &mood),
            DefaultValue::EnumValue("a".into())
        );
        assert_eq!(
            default_of(&e("42"), &ColumnType::Integer),
            DefaultValue::Int(42)
        );
        assert_eq!(
            default_of(&e("'{}'::jsonb"), &ColumnType::Jsonb),
            default_of(&e("'{}' :: jsonb"), &ColumnType::Jsonb)
        );
        let enums = [EnumType {
            name: QName::parse("mood"),
            values: vec![],
            doc: None,
            renamed_values: Vec::new(),
            origin: Origin::default(),
        }];
        let custom = |s: &str| ColumnType::Custom { sql: s.into() };
        assert_eq!(canonical_type(&custom("Mood"), &enums), mood);
        assert_eq!(canonical_type(&custom("int4"), &enums), ColumnType::Integer);
        assert_eq!(canonical_type(&custom("CITEXT"), &enums), custom("citext"));
    }

    #[test]
    fn differences_name_the_objects() {
        let mut a = Schema::default();
        let mut t = Table::new("users", Origin::default());
        a.tables.push(t.clone());
        a.tables.push(Table::new("gone", Origin::default()));
        let mut b = Schema::default();
        t.doc = Some("x".into());
        b.tables.push(t);
        b.tables.push(Table::new("new", Origin::default()));
        assert_eq!(
            differences(&a, &b),
            [
                "table users: doc differ",
                "table new is declared but no migration creates it",
                "table gone exists in the migrations but is no longer declared",
            ]
        );
        assert!(differences(&a, &a).is_empty());
    }

    #[test]
    fn normalizing_is_idempotent() {
        for e in [
            "NOT (status IN ('held', 'confirmed')) OR (starts_at IS NOT NULL)",
            "'{}'::jsonb",
            "split_part(email, '@', 2)",
            "currency ~ '^[A-Z]{3}$'",
        ] {
            let once = normalize_expr(e);
            assert_eq!(normalize_expr(&once), once, "{e}");
        }
    }
}
