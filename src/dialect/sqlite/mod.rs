//! SQLite: the model mapped onto SQLite's types and DDL.
//!
//! SQLite has few types, so the mapping is deliberate: exact decimals (money) are stored as
//! TEXT because NUMERIC affinity would turn `12.30` into a float; enums become TEXT with a
//! CHECK; timestamps are ISO-8601 TEXT; an append-only table gets two `RAISE(ABORT)`
//! triggers. What SQLite cannot express (exclusion constraints,
//! RLS, partitions, database-side UUIDs) is refused with a diagnostic, never dropped.

pub mod plan;

use super::{quote_literal, Dialect, Statement};
use crate::diag::{Diagnostic, Diagnostics};
use crate::diff::plan::Plan;
use crate::graph::FkGraph;
use crate::model::*;
use std::borrow::Cow;
use std::fmt::Write;

pub struct Sqlite;

pub fn quote_ident(name: &str) -> String {
    // SQLite accepts PostgreSQL's rules for plain identifiers; reusing them keeps one spelling.
    super::postgres::quote_ident(name)
}

fn unsupported(what: &str, origin: &Origin) -> Diagnostic {
    Diagnostic::error(
        "sqlite::unsupported",
        format!("SQLite cannot express {what}"),
    )
    .at(origin)
    .help("declare this only for PostgreSQL schemas, or enforce it in the application")
}

pub fn column_type(schema: &Schema, ty: &ColumnType) -> Result<String, String> {
    Ok(match ty {
        ColumnType::Text | ColumnType::Uuid | ColumnType::Inet | ColumnType::Interval => {
            "TEXT".into()
        }
        ColumnType::Varchar { length } => format!("VARCHAR({length})"),
        ColumnType::Char { length } => format!("CHAR({length})"),
        ColumnType::SmallInt | ColumnType::Integer | ColumnType::BigInt | ColumnType::Boolean => {
            "INTEGER".into()
        }
        ColumnType::Numeric { .. } => "TEXT".into(),
        ColumnType::Real | ColumnType::Double => "REAL".into(),
        ColumnType::Json | ColumnType::Jsonb => "TEXT".into(),
        ColumnType::Timestamptz | ColumnType::Timestamp | ColumnType::Date | ColumnType::Time => {
            "TEXT".into()
        }
        ColumnType::Bytea => "BLOB".into(),
        ColumnType::Array { .. } => "TEXT".into(),
        ColumnType::Range { .. } => return Err("range types".into()),
        ColumnType::Enum { name } => {
            if schema.enum_type(name).is_none() {
                return Err(format!("enum `{name}` (not declared)"));
            }
            "TEXT".into()
        }
        ColumnType::Custom { sql } => sql.clone(),
    })
}

fn default_value(d: &DefaultValue) -> Result<String, String> {
    Ok(match d {
        DefaultValue::Now => "CURRENT_TIMESTAMP".into(),
        DefaultValue::RandomUuid => return Err("a database-generated UUID default".into()),
        DefaultValue::Bool(b) => u8::from(*b).to_string(),
        DefaultValue::Int(i) => i.to_string(),
        DefaultValue::Number(n) => quote_literal(n),
        DefaultValue::Text(s) | DefaultValue::EnumValue(s) => quote_literal(s),
        DefaultValue::Expression(e) => format!("({e})"),
    })
}

/// SQLite's models are compared after both sides are read back from SQLite's own spelling
/// (see `plan`), so any complete canonical text tells their objects apart; PostgreSQL's is
/// the one the model has.
impl crate::diff::Spelling for Sqlite {
    fn column_type(&self, ty: &ColumnType) -> String {
        crate::diff::Spelling::column_type(&super::postgres::Postgres, ty)
    }

    fn collated_type(&self, c: &Column) -> String {
        crate::diff::Spelling::collated_type(&super::postgres::Postgres, c)
    }

    fn collation(&self, c: &Column) -> String {
        crate::diff::Spelling::collation(&super::postgres::Postgres, c)
    }

    fn table_objects<'t>(
        &self,
        t: &'t Table,
        want: fn(crate::diff::ObjectKind) -> bool,
    ) -> Vec<crate::diff::TableObject<'t>> {
        super::postgres::Postgres.table_objects(t, want)
    }
}

impl Dialect for Sqlite {
    fn plan(&self, current: &Schema, declared: &Schema) -> Result<Plan, Diagnostics> {
        plan::plan(current, declared)
    }

    fn name(&self) -> &'static str {
        "sqlite"
    }

    fn stored<'s>(&self, declared: &'s Schema) -> Cow<'s, Schema> {
        stored(declared)
    }

    fn fold<'s>(&self, found: &'s Schema) -> Cow<'s, Schema> {
        fold(found)
    }

    fn create(&self, schema: &Schema) -> Result<Vec<Statement>, Diagnostics> {
        let schema = &*self.stored(schema);
        let mut errors = Diagnostics::default();
        for e in &schema.extensions {
            errors.push(unsupported(&format!("extension `{}`", e.name), &e.origin));
        }
        for n in &schema.namespaces {
            errors.push(unsupported(
                &format!("schema (namespace) `{}`", n.name),
                &n.origin,
            ));
        }
        for f in &schema.functions {
            errors.push(unsupported(&format!("function `{}`", f.name), &f.origin));
        }
        let graph = FkGraph::new(schema);
        let mut out = Vec::new();
        for node in graph.creation_order() {
            let t = graph.table(schema, node);
            match table_statements(schema, t, &t.name.name) {
                Ok(st) => out.extend(st.into_vec()),
                Err(ds) => errors.0.extend(ds.0),
            }
        }
        for v in &schema.views {
            if v.materialized {
                errors.push(unsupported(
                    &format!("materialized view `{}`", v.name),
                    &v.origin,
                ));
            } else {
                out.push(Statement::new(v.statement()));
            }
        }
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(errors)
        }
    }
}

/// One table's statements, in the order `create` writes them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableStatements {
    pub create: Statement,
    pub indexes: Vec<Statement>,
    pub triggers: Vec<Statement>,
}

impl TableStatements {
    pub fn into_vec(self) -> Vec<Statement> {
        let mut v = vec![self.create];
        v.extend(self.indexes);
        v.extend(self.triggers);
        v
    }
}

/// A column as CREATE TABLE and ALTER TABLE ADD COLUMN write it.
pub fn column_def(schema: &Schema, c: &Column) -> Result<String, Diagnostics> {
    let mut errors = Diagnostics::default();
    let ty = column_type(schema, &c.ty).map_err(|what| unsupported(&what, &c.origin))?;
    let mut s = format!("{} {ty}", quote_ident(&c.name));
    if let Some(collation) = c.collation() {
        // SQLite's collations (BINARY, NOCASE, RTRIM, or one the application registers)
        // live in no schema.
        if collation.schema.is_some() {
            errors.push(unsupported(
                &format!("the schema-qualified collation {collation}"),
                &c.origin,
            ));
        }
        write!(s, " COLLATE {}", quote_ident(&collation.name)).unwrap();
    }
    if let Some(expr) = c.generated() {
        write!(s, " GENERATED ALWAYS AS ({expr}) STORED").unwrap();
    }
    if !c.nullable {
        s.push_str(" NOT NULL");
    }
    if let Some(d) = &c.default {
        match default_value(d) {
            Ok(v) => write!(s, " DEFAULT {v}").unwrap(),
            Err(what) => errors.push(unsupported(&what, &c.origin)),
        }
    }
    if errors.is_empty() {
        Ok(s)
    } else {
        Err(errors)
    }
}

/// A single-column foreign key written as a constraint of its column,
/// `CONSTRAINT <name> REFERENCES ...`: the only form ALTER TABLE ADD COLUMN accepts.
pub fn inline_foreign_key(fk: &ForeignKey) -> String {
    format!(
        "CONSTRAINT {} {}",
        quote_ident(&fk.name),
        super::postgres::references_clause(fk)
    )
}

/// `CREATE INDEX` for an index of `t`.
pub fn create_index(t: &Table, ix: &Index) -> Result<Statement, Diagnostic> {
    if ix.method != IndexMethod::Btree || !ix.include.is_empty() {
        return Err(unsupported(
            &format!("index `{}` (only plain b-tree indexes exist)", ix.name),
            &ix.origin,
        ));
    }
    let unqualified = QName {
        schema: None,
        name: t.name.name.clone(),
    };
    Ok(Statement::new(super::postgres::create_index(
        &unqualified,
        ix,
    )))
}

/// The statements of table `t`: its CREATE TABLE under the name `create_as` (the table's own
/// name, or the temporary one a rebuild copies into), then its indexes and triggers, which
/// always name `t` itself because they are created once the table has its final name.
pub fn table_statements(
    schema: &Schema,
    t: &Table,
    create_as: &str,
) -> Result<TableStatements, Diagnostics> {
    let mut errors = Diagnostics::default();
    let mut lines = Vec::new();
    let mut checks = Vec::new();
    for c in &t.columns {
        match column_def(schema, c) {
            Ok(def) => lines.push(def),
            Err(ds) => errors.0.extend(ds.0),
        }
        if let ColumnType::Enum { name } = &c.ty {
            if let Some(e) = schema.enum_type(name) {
                let values: Vec<String> = e.values.iter().map(|v| quote_literal(v)).collect();
                checks.push(format!(
                    "CONSTRAINT {} CHECK ({} IN ({}))",
                    quote_ident(&crate::model::names::check(&t.name.name, &c.name)),
                    quote_ident(&c.name),
                    values.join(", ")
                ));
            }
        }
    }
    if let Some(pk) = &t.primary_key {
        lines.push(super::postgres::primary_key_def(pk));
    }
    for u in &t.uniques {
        lines.push(format!(
            "CONSTRAINT {} UNIQUE ({})",
            quote_ident(&u.name),
            u.columns
                .iter()
                .map(|c| quote_ident(c))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    lines.extend(t.checks.iter().map(check_def));
    lines.extend(checks);
    for fk in &t.foreign_keys {
        lines.push(super::postgres::foreign_key_def(fk));
    }
    for x in &t.excludes {
        errors.push(unsupported(
            &format!("exclusion constraint `{}`", x.name),
            &x.origin,
        ));
    }
    if t.rls.enabled || !t.policies.is_empty() {
        errors.push(unsupported("row-level security", &t.origin));
    }
    if t.partition_by.is_some() {
        errors.push(unsupported("declarative partitioning", &t.origin));
    }
    let create = Statement {
        sql: format!(
            "CREATE TABLE {} (\n    {}\n)",
            quote_ident(create_as),
            lines.join(",\n    ")
        ),
        section: Some(format!("table {}", t.name)),
    };
    let mut indexes = Vec::new();
    for ix in &t.indexes {
        match create_index(t, ix) {
            Ok(st) => indexes.push(st),
            Err(d) => errors.push(d),
        }
    }
    let triggers: Vec<Statement> = t
        .triggers
        .iter()
        .map(|tr| Statement::new(tr.statement()))
        .collect();
    if errors.is_empty() {
        Ok(TableStatements {
            create,
            indexes,
            triggers,
        })
    } else {
        Err(errors)
    }
}

/// A CHECK constraint in SQLite's spelling (see [`portable`]).
pub fn check_def(c: &Check) -> String {
    format!(
        "CONSTRAINT {} CHECK ({})",
        quote_ident(&c.name),
        portable(&c.expression)
    )
}

/// An expression with the PostgreSQL functions the DSL's building blocks use and SQLite
/// lacks spelled SQLite's way: `starts_with(col, 'p')` (`.id_tagged`) becomes
/// `substr(col, 1, n) = 'p'`. Anything else is left as written.
pub fn portable(expr: &str) -> String {
    const CALL: &str = "starts_with(";
    let mut out = String::with_capacity(expr.len());
    let mut rest = expr;
    while let Some(i) = rest.find(CALL) {
        let word_start = rest[..i]
            .chars()
            .next_back()
            .is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
        out.push_str(&rest[..i]);
        let args = &rest[i + CALL.len()..];
        match prefix_args(args).filter(|_| word_start) {
            Some((column, prefix, used)) => {
                out.push_str(&format!(
                    "substr({column}, 1, {}) = {}",
                    prefix.chars().count(),
                    quote_literal(prefix)
                ));
                rest = &args[used..];
            }
            None => {
                out.push_str(CALL);
                rest = args;
            }
        }
    }
    out.push_str(rest);
    out
}

/// `col, 'literal')` at the start of `args`: the column, the literal and the bytes used.
fn prefix_args(args: &str) -> Option<(&str, &str, usize)> {
    let comma = args.find(',')?;
    let column = args[..comma].trim();
    let plain = |c: char| c.is_alphanumeric() || c == '_' || c == '"' || c == '.';
    if column.is_empty() || !column.chars().all(plain) {
        return None;
    }
    let after = &args[comma + 1..];
    let open = after.len() - after.trim_start().len();
    let literal = after.trim_start().strip_prefix('\'')?;
    let close = literal.find('\'')?;
    let tail = &literal[close + 1..];
    if tail.starts_with('\'') {
        return None; // a doubled quote: leave such literals alone
    }
    let paren = tail.len() - tail.trim_start().len();
    tail.trim_start().strip_prefix(')')?;
    let used = comma + 1 + open + 1 + close + 1 + paren + 1;
    Some((column, &literal[..close], used))
}

/// SQLite's form of an append-only table: one trigger per event (SQLite allows no `OR`),
/// each aborting the statement.
fn append_only_triggers(t: &Table) -> [Trigger; 2] {
    let table = &t.name.name;
    ["UPDATE", "DELETE"].map(|op| {
        let name =
            crate::model::names::fit(format!("{table}_append_only_{}", op.to_ascii_lowercase()));
        let message = quote_literal(&format!("{op} on {table}: table is append-only"));
        Trigger {
            sql: format!(
                "CREATE TRIGGER {} BEFORE {op} ON {} BEGIN SELECT RAISE(ABORT, {message}); END",
                quote_ident(&name),
                quote_ident(table)
            ),
            name,
            written: AsWritten::default(),
            origin: t.origin.clone(),
        }
    })
}

/// [`Dialect::stored`] for SQLite: each append-only table's two triggers.
fn stored(declared: &Schema) -> Cow<'_, Schema> {
    if !declared.tables.iter().any(|t| t.meta.append_only) {
        return Cow::Borrowed(declared);
    }
    let mut s = declared.clone();
    for t in s.tables.iter_mut().filter(|t| t.meta.append_only) {
        for tr in append_only_triggers(t) {
            if !t.triggers.iter().any(|x| x.name == tr.name) {
                t.triggers.push(tr);
            }
        }
    }
    Cow::Owned(s)
}

/// [`Dialect::fold`] for SQLite: a table with both triggers, each as `stored` writes it (up
/// to whitespace: SQLite keeps a trigger's text as written), is append-only.
fn fold(found: &Schema) -> Cow<'_, Schema> {
    let same = |a: &str, b: &str| a.split_whitespace().eq(b.split_whitespace());
    let ours = |t: &Table| {
        append_only_triggers(t).iter().all(|want| {
            t.triggers
                .iter()
                .any(|tr| tr.name == want.name && same(&tr.sql, &want.sql))
        })
    };
    let folded: Vec<bool> = found.tables.iter().map(ours).collect();
    if !folded.contains(&true) {
        return Cow::Borrowed(found);
    }
    let mut s = found.clone();
    for (t, fold) in s.tables.iter_mut().zip(folded) {
        if fold {
            let names = append_only_triggers(t).map(|tr| tr.name);
            t.triggers.retain(|tr| !names.contains(&tr.name));
            t.meta.append_only = true;
        }
    }
    Cow::Owned(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dsl::{enum_of, text, EnumDef, SchemaBuilder, TableRef};

    /// SQLite's collations live in no schema: one named with a schema cannot be written.
    #[test]
    fn a_collation_is_written_bare_and_a_schema_qualified_one_refused() {
        let s = Schema::default();
        let mut c = Column::new("email", ColumnType::Text, false, Origin::default());
        c.set_collation(Some(QName::parse("NOCASE")));
        assert_eq!(
            column_def(&s, &c).unwrap(),
            r#"email TEXT COLLATE "NOCASE" NOT NULL"#
        );
        c.set_collation(Some(QName::parse("app.ci")));
        let err = column_def(&s, &c).unwrap_err();
        assert!(
            err.to_string()
                .contains("schema-qualified collation app.ci"),
            "{err}"
        );
    }

    #[test]
    fn id_tags_are_checked_with_what_sqlite_has() {
        assert_eq!(
            portable("starts_with(id, 'usr_') AND x"),
            "substr(id, 1, 4) = 'usr_' AND x"
        );
        assert_eq!(
            portable("not_starts_with(id, 'a')"),
            "not_starts_with(id, 'a')"
        );
        assert_eq!(
            portable("starts_with(id, 'it''s')"),
            "starts_with(id, 'it''s')"
        );
        let mut s = SchemaBuilder::new();
        s.table(TableRef::new("users"))
            .global("x")
            .id_tagged("usr")
            .col("name", text());
        let schema = s.build().unwrap();
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        for st in Sqlite.create(&schema).expect("renders") {
            conn.execute_batch(&st.sql).unwrap();
        }
        conn.execute_batch("INSERT INTO users VALUES ('usr_1', 'a')")
            .unwrap();
        let err = conn
            .execute_batch("INSERT INTO users VALUES ('org_1', 'b')")
            .unwrap_err();
        assert!(err.to_string().contains("users_id_tag_check"), "{err}");
    }

    /// One append-only table, `log`.
    fn append_only_log() -> Schema {
        let mut s = SchemaBuilder::new();
        s.table(TableRef::new("log"))
            .global("x")
            .col("id", text())
            .primary_key(["id"])
            .append_only();
        s.build().unwrap()
    }

    #[test]
    fn append_only_folds_back_from_its_triggers() {
        let declared = append_only_log();
        let stored = Sqlite.stored(&declared).into_owned();
        assert_eq!(stored.tables[0].triggers.len(), 2);
        let folded = Sqlite.fold(&stored);
        assert!(folded.tables[0].meta.append_only);
        assert!(folded.tables[0].triggers.is_empty());
        let mut one = stored.clone();
        one.tables[0].triggers.pop();
        assert!(
            matches!(Sqlite.fold(&one), Cow::Borrowed(_)),
            "one trigger alone is not the fact"
        );
    }

    #[test]
    fn append_only_tables_get_sqlite_triggers_and_no_plpgsql() {
        let schema = append_only_log();
        let sql: Vec<String> = Sqlite
            .create(&schema)
            .expect("renders")
            .into_iter()
            .map(|st| st.sql)
            .collect();
        assert_eq!(sql.len(), 3, "{sql:#?}");
        assert_eq!(
            sql[1],
            "CREATE TRIGGER log_append_only_update BEFORE UPDATE ON log BEGIN SELECT RAISE(ABORT, 'UPDATE on log: table is append-only'); END"
        );
        assert!(sql[2].starts_with("CREATE TRIGGER log_append_only_delete BEFORE DELETE"));
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        for st in &sql {
            conn.execute_batch(st).unwrap();
        }
        conn.execute_batch("INSERT INTO log VALUES ('a')").unwrap();
        let err = conn.execute_batch("DELETE FROM log").unwrap_err();
        assert!(err.to_string().contains("append-only"), "{err}");
    }

    #[test]
    fn one_table_renders_under_another_name() {
        const MOOD: EnumDef = EnumDef::new("mood", &["ok", "sad"]);
        let mut s = SchemaBuilder::new();
        s.enumeration(MOOD);
        s.table(TableRef::new("notes"))
            .global("x")
            .col("id", text())
            .col("mood", enum_of(MOOD).default_enum("ok"))
            .primary_key(["id"])
            .index(["mood"]);
        let schema = s.build().unwrap();
        let st = table_statements(&schema, &schema.tables[0], "notes_new").unwrap();
        assert_eq!(
            st.create.sql,
            "CREATE TABLE notes_new (\n    id TEXT NOT NULL,\n    mood TEXT NOT NULL DEFAULT 'ok',\n    \
             CONSTRAINT notes_pkey PRIMARY KEY (id),\n    \
             CONSTRAINT notes_mood_check CHECK (mood IN ('ok', 'sad'))\n)"
        );
        // Indexes name the table itself: a rebuild creates them after the rename.
        assert_eq!(
            st.indexes[0].sql,
            "CREATE INDEX notes_mood_idx ON notes (mood)"
        );
        let whole: Vec<Statement> = Sqlite.create(&schema).unwrap();
        let own = table_statements(&schema, &schema.tables[0], "notes").unwrap();
        assert_eq!(whole, own.into_vec());
    }
}
