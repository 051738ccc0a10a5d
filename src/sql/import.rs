//! Replays SQL DDL into a [`Schema`]: how `generate` rebuilds the current state from the
//! migration folder, and how a schema given as a SQL file is read.
//!
//! Replay is a model-level interpreter, not a database: it understands what the PostgreSQL
//! renderer emits plus the common hand-written evolutions (ALTER TABLE add/drop/rename column,
//! ALTER COLUMN, constraints, renames, drops, ALTER TYPE ADD VALUE, ...). Anything else is a
//! `replay::unsupported` diagnostic at its file and line; the way around it is replaying the
//! migrations in a throwaway database and reading the catalog.
//!
//! Skipped without a diagnostic, because they cannot change what the model describes:
//! plain data changes (INSERT, UPDATE, DELETE), transaction control (BEGIN, COMMIT, ...),
//! SET, GRANT/REVOKE (privileges are outside the model), and COMMENT ON objects the model
//! keeps no documentation for (indexes, functions, ...).

use super::normalize::{rename_column_refs, strip_parens};
use super::split::{split_for_replay, SqlStatement};
use crate::diag::{Diagnostic, Diagnostics};
use crate::dialect::DialectKind;
use crate::model::*;
use sqlparser::ast::{
    self, AlterColumnOperation, AlterTableOperation, AlterTypeAddValuePosition, AlterTypeOperation,
    ColumnOption, CommentObject, DataType, Expr, ObjectName, ObjectNamePart, ObjectType,
    ReferentialAction, Statement, TableConstraint,
};
use std::collections::HashMap;

/// The code of a statement replay cannot follow; a caller may run the folder on a real
/// database instead (see `scratch`).
pub const UNSUPPORTED: &str = "replay::unsupported";

const HELP_UNSUPPORTED: &str = "schemactl rebuilds the schema by reading the DDL itself; write \
this change as plain DDL it understands, or replay the migrations in a throwaway database and \
compare its catalog instead";

/// Replays one SQL text. `file` names it in origins and diagnostics.
pub fn import_sql(sql: &str, file: &str, dialect: DialectKind) -> Result<Schema, Diagnostics> {
    let mut r = Replayer::new(dialect);
    r.replay(sql, file);
    r.finish()
}

/// Replays several files in order (a migration folder), as `(file name, text)` pairs.
pub fn import_files<'a>(
    files: impl IntoIterator<Item = (&'a str, &'a str)>,
    dialect: DialectKind,
) -> Result<Schema, Diagnostics> {
    let mut r = Replayer::new(dialect);
    for (file, sql) in files {
        r.replay(sql, file);
    }
    r.finish()
}

/// Replays statements into a schema, collecting every problem instead of stopping.
pub struct Replayer {
    dialect: DialectKind,
    schema: Schema,
    diags: Diagnostics,
    /// Table name -> position in `schema.tables`; rebuilt when tables are dropped or renamed.
    tables: HashMap<QName, usize>,
}

enum Reparse {
    Statement(Box<Statement>),
    Ignore,
    No,
}

/// Where the statement being replayed sits.
struct At<'a> {
    stmt: &'a SqlStatement,
    origin: Origin,
}

impl Replayer {
    pub fn new(dialect: DialectKind) -> Self {
        Replayer {
            dialect,
            schema: Schema::default(),
            diags: Diagnostics::default(),
            tables: HashMap::new(),
        }
    }

    pub fn replay(&mut self, sql: &str, file: &str) {
        let script = split_for_replay(sql, self.dialect);
        for stmt in &script.statements {
            let at = At {
                stmt,
                origin: Origin {
                    file: file.to_string(),
                    line: stmt.line,
                    column: stmt.column,
                },
            };
            match &stmt.parsed {
                Some(parsed) => self.statement(parsed, &at),
                // Rows written by INSERT/UPDATE/DELETE: the split did not parse them.
                None if stmt.parse_error.is_none() => {}
                None => match self.reparse(stmt) {
                    Reparse::Statement(parsed) => self.statement(&parsed, &at),
                    Reparse::Ignore => {}
                    Reparse::No if stmt.leading_words(1).eq_ignore_ascii_case("DO") => self
                        .unsupported(&at, "a DO block runs procedural code replay cannot follow"),
                    Reparse::No => {
                        let err = stmt.parse_error.as_deref().unwrap_or("unknown error");
                        self.unsupported(&at, &format!("sqlparser cannot read it ({err})"));
                    }
                },
            }
        }
    }

    /// Second chance for statements sqlparser cannot read: `DROP INDEX CONCURRENTLY` is
    /// misparsed upstream, so it is read again without the keyword (concurrency does not change
    /// the result); comments on constraints and policies are ignored like other comments on
    /// objects the model keeps no documentation for.
    fn reparse(&self, stmt: &SqlStatement) -> Reparse {
        let mut words = stmt.text.split_whitespace();
        let head: Vec<String> = words
            .by_ref()
            .take(3)
            .map(|w| w.to_ascii_uppercase())
            .collect();
        match head.iter().map(String::as_str).collect::<Vec<_>>()[..] {
            ["COMMENT", "ON", "CONSTRAINT" | "POLICY"] => Reparse::Ignore,
            ["DROP", "INDEX", "CONCURRENTLY"] => {
                let rest: Vec<&str> = words.collect();
                let sql = format!("DROP INDEX {}", rest.join(" "));
                let d = super::split::sqlparser_dialect(self.dialect);
                match sqlparser::parser::Parser::parse_sql(d, &sql) {
                    Ok(mut v) if v.len() == 1 => Reparse::Statement(Box::new(v.remove(0))),
                    _ => Reparse::No,
                }
            }
            _ => Reparse::No,
        }
    }

    pub fn finish(self) -> Result<Schema, Diagnostics> {
        if self.diags.is_empty() {
            Ok(self.schema)
        } else {
            Err(self.diags)
        }
    }

    fn unsupported(&mut self, at: &At, why: &str) {
        self.diags.push(
            Diagnostic::error(
                UNSUPPORTED,
                format!(
                    "cannot replay `{}` at {}:{}: {why}",
                    at.stmt.leading_words(3),
                    at.origin.file,
                    at.origin.line
                ),
            )
            .at(&at.origin)
            .help(HELP_UNSUPPORTED),
        );
    }

    fn unknown(&mut self, at: &At, what: &str) {
        self.diags.push(
            Diagnostic::error(
                "replay::unknown-object",
                format!(
                    "{what} does not exist at {}:{}",
                    at.origin.file, at.origin.line
                ),
            )
            .at(&at.origin)
            .help("migrations replay in order: an earlier migration must create it (or use IF EXISTS)"),
        );
    }

    fn reindex(&mut self) {
        self.tables = self
            .schema
            .tables
            .iter()
            .enumerate()
            .map(|(i, t)| (t.name.clone(), i))
            .collect();
    }

    fn table_mut(&mut self, name: &QName) -> Option<&mut Table> {
        let i = *self.tables.get(name)?;
        self.schema.tables.get_mut(i)
    }

    fn statement(&mut self, s: &Statement, at: &At) {
        match s {
            Statement::CreateExtension(e) => {
                let name = ident(&e.name);
                if !self.schema.extensions.iter().any(|x| x.name == name) {
                    self.schema.extensions.push(Extension {
                        name,
                        origin: at.origin.clone(),
                    });
                }
            }
            Statement::DropExtension(d) => {
                for n in &d.names {
                    let n = ident(n);
                    self.schema.extensions.retain(|x| x.name != n);
                }
            }
            Statement::CreateSchema {
                schema_name,
                if_not_exists,
                ..
            } => {
                let name = match schema_name {
                    ast::SchemaName::Simple(n) | ast::SchemaName::NamedAuthorization(n, _) => {
                        qname(n).name
                    }
                    ast::SchemaName::UnnamedAuthorization(i) => ident(i),
                };
                if self.schema.namespaces.iter().any(|n| n.name == name) {
                    if !if_not_exists {
                        self.unsupported(at, &format!("schema `{name}` already exists"));
                    }
                } else if name != "public" {
                    self.schema.namespaces.push(Namespace {
                        name,
                        doc: None,
                        origin: at.origin.clone(),
                    });
                }
            }
            Statement::CreateType {
                name,
                representation,
            } => self.create_type(name, representation.as_ref(), at),
            Statement::CreateDomain(d) => {
                let q = qname(&d.name);
                let definition = self.text_after_name(at, &d.name);
                self.schema.custom_types.push(CustomType {
                    name: q,
                    definition,
                    kind: CustomTypeKind::Domain,
                    origin: at.origin.clone(),
                });
            }
            Statement::AlterType(a) => self.alter_type(a, at),
            Statement::DropDomain(d) => {
                let q = qname(&d.name);
                let before = self.schema.custom_types.len();
                self.schema.custom_types.retain(|t| t.name != q);
                if before == self.schema.custom_types.len() && !d.if_exists {
                    self.unknown(at, &format!("domain `{q}`"));
                }
            }
            Statement::CreateFunction(f) => {
                let q = qname(&f.name);
                let func = Function {
                    name: q.clone(),
                    sql: at.stmt.text.clone(),
                    origin: at.origin.clone(),
                };
                match self.schema.functions.iter_mut().find(|x| x.name == q) {
                    Some(existing) => *existing = func,
                    None => self.schema.functions.push(func),
                }
            }
            Statement::DropFunction(d) => {
                for f in &d.func_desc {
                    let q = qname(&f.name);
                    self.schema.functions.retain(|x| x.name != q);
                }
            }
            Statement::CreateTable(ct) => self.create_table(ct, at),
            Statement::CreateIndex(ci) => self.create_index(ci, at),
            Statement::AlterTable(a) => self.alter_table(a, at),
            Statement::AlterIndex { name, operation } => {
                let ast::AlterIndexOperation::RenameIndex { index_name } = operation;
                let old = qname(name).name;
                let new = qname(index_name).name;
                match self.find_index(&old) {
                    Some((t, i)) => self.schema.tables[t].indexes[i].name = new,
                    None => self.unknown(at, &format!("index `{old}`")),
                }
            }
            Statement::Comment {
                object_type,
                object_name,
                comment,
                ..
            } => self.comment(*object_type, object_name, comment.clone(), at),
            Statement::CreatePolicy(p) => {
                let table = qname(&p.table_name);
                let policy = Policy {
                    name: ident(&p.name),
                    command: match p.command {
                        None | Some(ast::CreatePolicyCommand::All) => PolicyCommand::All,
                        Some(ast::CreatePolicyCommand::Select) => PolicyCommand::Select,
                        Some(ast::CreatePolicyCommand::Insert) => PolicyCommand::Insert,
                        Some(ast::CreatePolicyCommand::Update) => PolicyCommand::Update,
                        Some(ast::CreatePolicyCommand::Delete) => PolicyCommand::Delete,
                    },
                    permissive: !matches!(p.policy_type, Some(ast::CreatePolicyType::Restrictive)),
                    roles: p
                        .to
                        .iter()
                        .flatten()
                        .filter_map(|o| match o {
                            ast::Owner::Ident(i) => Some(ident(i)),
                            _ => None,
                        })
                        .filter(|r| !r.eq_ignore_ascii_case("public"))
                        .collect(),
                    using: p.using.as_ref().map(expr_text),
                    with_check: p.with_check.as_ref().map(expr_text),
                    origin: at.origin.clone(),
                };
                match self.table_mut(&table) {
                    Some(t) => t.policies.push(policy),
                    None => self.unknown(at, &format!("table `{table}`")),
                }
            }
            Statement::DropPolicy(d) => {
                let table = qname(&d.table_name);
                let name = ident(&d.name);
                match self.table_mut(&table) {
                    Some(t) => {
                        let before = t.policies.len();
                        t.policies.retain(|p| p.name != name);
                        if before == t.policies.len() && !d.if_exists {
                            self.unknown(at, &format!("policy `{name}` on `{table}`"));
                        }
                    }
                    None => self.unknown(at, &format!("table `{table}`")),
                }
            }
            Statement::CreateTrigger(tr) => {
                let table = qname(&tr.table_name);
                let trigger = Trigger {
                    name: qname(&tr.name).name,
                    sql: at.stmt.text.clone(),
                    origin: at.origin.clone(),
                };
                match self.table_mut(&table) {
                    Some(t) => {
                        t.triggers.retain(|x| x.name != trigger.name);
                        t.triggers.push(trigger);
                    }
                    None => self.unknown(at, &format!("table `{table}`")),
                }
            }
            Statement::DropTrigger(d) => {
                let name = qname(&d.trigger_name).name;
                let table = d.table_name.as_ref().map(qname);
                let mut found = false;
                for t in &mut self.schema.tables {
                    if table.as_ref().is_none_or(|q| *q == t.name) {
                        let before = t.triggers.len();
                        t.triggers.retain(|x| x.name != name);
                        found |= before != t.triggers.len();
                    }
                }
                if !found && !d.if_exists {
                    self.unknown(at, &format!("trigger `{name}`"));
                }
            }
            Statement::Drop {
                object_type,
                if_exists,
                names,
                ..
            } => self.drop(*object_type, *if_exists, names, at),
            // Data and session statements: see the module documentation.
            Statement::Insert(_)
            | Statement::Update(_)
            | Statement::Delete(_)
            | Statement::Set(_)
            | Statement::StartTransaction { .. }
            | Statement::Commit { .. }
            | Statement::Rollback { .. }
            | Statement::Grant(_)
            | Statement::Revoke(_) => {}
            _ => self.unsupported(at, "the model has no counterpart for this statement"),
        }
    }

    /// The statement text after `name` (the definition of a domain or a composite type).
    fn text_after_name(&self, at: &At, name: &ObjectName) -> String {
        let end = name.0.last().and_then(|p| match p {
            ObjectNamePart::Identifier(i) => Some(i.span.end),
            _ => None,
        });
        end.and_then(|loc| offset_in(at.stmt, loc.line, loc.column))
            .map(|o| at.stmt.text[o..].trim().to_string())
            .unwrap_or_default()
    }

    fn create_type(
        &mut self,
        name: &ObjectName,
        repr: Option<&ast::UserDefinedTypeRepresentation>,
        at: &At,
    ) {
        let q = qname(name);
        match repr {
            Some(ast::UserDefinedTypeRepresentation::Enum { labels }) => {
                self.schema.enums.push(EnumType {
                    name: q,
                    values: labels.iter().map(|l| l.value.clone()).collect(),
                    doc: None,
                    renamed_values: Vec::new(),
                    origin: at.origin.clone(),
                });
            }
            _ => {
                let definition = self.text_after_name(at, name);
                self.schema.custom_types.push(CustomType {
                    name: q,
                    definition,
                    kind: CustomTypeKind::Type,
                    origin: at.origin.clone(),
                });
            }
        }
    }

    fn alter_type(&mut self, a: &ast::AlterType, at: &At) {
        let q = qname(&a.name);
        let Some(e) = self.schema.enums.iter_mut().find(|e| e.name == q) else {
            return self.unknown(at, &format!("enum type `{q}`"));
        };
        match &a.operation {
            AlterTypeOperation::AddValue(add) => {
                let v = add.value.value.clone();
                if e.values.contains(&v) {
                    if !add.if_not_exists {
                        let msg = format!("enum `{q}` already has the value `{v}`");
                        self.unsupported(at, &msg);
                    }
                    return;
                }
                let pos = match &add.position {
                    None => Some(e.values.len()),
                    Some(AlterTypeAddValuePosition::Before(b)) => {
                        e.values.iter().position(|x| *x == b.value)
                    }
                    Some(AlterTypeAddValuePosition::After(b)) => {
                        e.values.iter().position(|x| *x == b.value).map(|i| i + 1)
                    }
                };
                match pos {
                    Some(i) => e.values.insert(i, v),
                    None => self.unknown(at, &format!("the neighbour value in enum `{q}`")),
                }
            }
            AlterTypeOperation::RenameValue(r) => {
                match e.values.iter_mut().find(|x| **x == r.from.value) {
                    Some(x) => *x = r.to.value.clone(),
                    None => {
                        let msg = format!("value `{}` of enum `{q}`", r.from.value);
                        self.unknown(at, &msg)
                    }
                }
            }
            AlterTypeOperation::Rename(r) => {
                let new = QName {
                    schema: q.schema.clone(),
                    name: ident(&r.new_name),
                };
                e.name = new.clone();
                for t in &mut self.schema.tables {
                    for c in &mut t.columns {
                        rename_enum_in_type(&mut c.ty, &q, &new);
                    }
                }
            }
        }
    }

    fn create_table(&mut self, ct: &ast::CreateTable, at: &At) {
        let name = qname(&ct.name);
        if let Some(parent) = &ct.partition_of {
            let parent = qname(parent);
            let bound = match &ct.for_values {
                Some(fv) => fv.to_string(),
                None => String::new(),
            };
            let part = Partition {
                name: name.clone(),
                bound,
                origin: at.origin.clone(),
            };
            match self.table_mut(&parent) {
                Some(t) => t.partitions.push(part),
                None => self.unknown(at, &format!("partitioned table `{parent}`")),
            }
            return;
        }
        if ct.query.is_some() || ct.like.is_some() || ct.inherits.is_some() || ct.clone.is_some() {
            return self.unsupported(at, "CREATE TABLE ... AS / LIKE / INHERITS / CLONE");
        }
        if self.tables.contains_key(&name) {
            if !ct.if_not_exists {
                self.unsupported(at, &format!("table `{name}` already exists"));
            }
            return;
        }
        let mut t = Table::new(name.clone(), at.origin.clone());
        self.schema.tables.push(t.clone());
        self.tables
            .insert(name.clone(), self.schema.tables.len() - 1);
        for col in &ct.columns {
            self.add_column(&mut t, col, at);
        }
        for c in &ct.constraints {
            self.add_constraint(&mut t, c, at);
        }
        if let Some(pb) = &ct.partition_by {
            match partition_by(pb) {
                Some(p) => t.partition_by = Some(p),
                None => self.unsupported(at, &format!("PARTITION BY {pb}")),
            }
        }
        if let Some(slot) = self.table_mut(&name) {
            *slot = t;
        }
    }

    fn add_column(&mut self, t: &mut Table, col: &ast::ColumnDef, at: &At) {
        let ty = self.column_type(&col.data_type);
        let mut c = Column {
            name: ident(&col.name),
            ty,
            nullable: true,
            default: None,
            generated: None,
            identity: None,
            doc: None,
            renamed_from: None,
            origin: at.origin.clone(),
        };
        let mut later: Vec<TableConstraint> = Vec::new();
        for opt in &col.options {
            match &opt.option {
                ColumnOption::Null => c.nullable = true,
                ColumnOption::NotNull => c.nullable = false,
                ColumnOption::Default(e) => c.default = Some(default_value(e, &c.ty)),
                ColumnOption::Generated {
                    generated_as,
                    generation_expr,
                    ..
                } => match (generated_as, generation_expr) {
                    (_, Some(e)) => c.generated = Some(expr_text(e)),
                    (ast::GeneratedAs::ByDefault, None) => {
                        c.identity = Some(Identity::ByDefault);
                        c.nullable = false;
                    }
                    (_, None) => {
                        c.identity = Some(Identity::Always);
                        c.nullable = false;
                    }
                },
                // `col ... CONSTRAINT name CHECK (...)`: the parser keeps the name on the
                // option, not on the constraint.
                ColumnOption::PrimaryKey(pk) => {
                    c.nullable = false;
                    let mut pk = pk.clone();
                    pk.columns = vec![index_column_of(&col.name)];
                    pk.name = pk.name.or_else(|| opt.name.clone());
                    later.push(TableConstraint::PrimaryKey(pk));
                }
                ColumnOption::Unique(u) => {
                    let mut u = u.clone();
                    u.columns = vec![index_column_of(&col.name)];
                    u.name = u.name.or_else(|| opt.name.clone());
                    later.push(TableConstraint::Unique(u));
                }
                ColumnOption::ForeignKey(fk) => {
                    let mut fk = fk.clone();
                    fk.columns = vec![col.name.clone()];
                    fk.name = fk.name.or_else(|| opt.name.clone());
                    later.push(TableConstraint::ForeignKey(fk));
                }
                ColumnOption::Check(ch) => {
                    let mut ch = ch.clone();
                    ch.name = ch.name.or_else(|| opt.name.clone());
                    later.push(TableConstraint::Check(ch));
                }
                ColumnOption::Comment(doc) => c.doc = Some(doc.clone()),
                other => {
                    let msg = format!("column option `{other}` on `{}`", c.name);
                    self.unsupported(at, &msg);
                }
            }
        }
        let col_name = c.name.clone();
        t.columns.push(c);
        for con in &later {
            self.add_constraint_for(t, con, at, Some(&col_name));
        }
    }

    fn add_constraint(&mut self, t: &mut Table, c: &TableConstraint, at: &At) {
        self.add_constraint_for(t, c, at, None);
    }

    /// Adds a constraint; `column` is set for an inline column constraint (default names
    /// follow PostgreSQL: `<table>_<column>_key`, `_fkey`, `_check`).
    fn add_constraint_for(
        &mut self,
        t: &mut Table,
        c: &TableConstraint,
        at: &At,
        column: Option<&str>,
    ) {
        let tname = t.name.name.clone();
        let origin = at.origin.clone();
        let default_name = |cols: &[String], suffix: &str| -> String {
            let mut parts = vec![tname.clone()];
            parts.extend(cols.iter().cloned());
            parts.push(suffix.to_string());
            parts.join("_")
        };
        match c {
            TableConstraint::PrimaryKey(pk) => {
                let columns = self.key_columns(&pk.columns, at);
                for col in &mut t.columns {
                    if columns.contains(&col.name) {
                        col.nullable = false;
                    }
                }
                t.primary_key = Some(PrimaryKey {
                    name: pk
                        .name
                        .as_ref()
                        .map(ident)
                        .unwrap_or_else(|| format!("{tname}_pkey")),
                    columns,
                    origin,
                });
            }
            TableConstraint::Unique(u) => {
                let columns = self.key_columns(&u.columns, at);
                t.uniques.push(UniqueConstraint {
                    name: u
                        .name
                        .as_ref()
                        .map(ident)
                        .unwrap_or_else(|| default_name(&columns, "key")),
                    nulls_not_distinct: u.nulls_distinct == ast::NullsDistinctOption::NotDistinct,
                    columns,
                    origin,
                });
            }
            TableConstraint::Check(ch) => {
                // PostgreSQL names an unnamed check after the first column it mentions.
                let first = column
                    .map(str::to_string)
                    .or_else(|| first_column_in(&ch.expr.to_string(), t));
                let cols: Vec<String> = first.into_iter().collect();
                t.checks.push(Check {
                    name: ch
                        .name
                        .as_ref()
                        .map(ident)
                        .unwrap_or_else(|| default_name(&cols, "check")),
                    expression: expr_text(&ch.expr),
                    origin,
                });
            }
            TableConstraint::Exclude(x) => {
                let method = match &x.index_method {
                    None => IndexMethod::Btree,
                    Some(m) => match IndexMethod::parse(&m.value) {
                        Some(m) => m,
                        None => {
                            return self.unsupported(at, &format!("index method `{m}`"));
                        }
                    },
                };
                let elements = x
                    .elements
                    .iter()
                    .map(|e| ExcludeElement {
                        expression: match &e.column.column.expr {
                            Expr::Identifier(i) => ident(i),
                            other => expr_text(other),
                        },
                        operator: match &e.operator {
                            ast::ExcludeConstraintOperator::Token(s) => s.clone(),
                            other => other.to_string(),
                        },
                    })
                    .collect();
                t.excludes.push(Exclude {
                    name: x
                        .name
                        .as_ref()
                        .map(ident)
                        .unwrap_or_else(|| format!("{tname}_excl")),
                    method,
                    elements,
                    predicate: x.where_clause.as_deref().map(expr_text),
                    origin,
                });
            }
            TableConstraint::ForeignKey(fk) => {
                let columns: Vec<String> = fk.columns.iter().map(ident).collect();
                let ref_table = qname(&fk.foreign_table);
                let mut ref_columns: Vec<String> = fk.referred_columns.iter().map(ident).collect();
                if ref_columns.is_empty() {
                    let pk = if ref_table == t.name {
                        t.primary_key.as_ref()
                    } else {
                        self.tables
                            .get(&ref_table)
                            .and_then(|&i| self.schema.tables[i].primary_key.as_ref())
                    };
                    match pk {
                        Some(pk) => ref_columns = pk.columns.clone(),
                        None => {
                            return self.unknown(at, &format!("primary key of `{ref_table}`"));
                        }
                    }
                }
                let characteristics = fk.characteristics.as_ref();
                let deferrable = match characteristics {
                    Some(ch) if ch.deferrable == Some(true) => match ch.initially {
                        Some(ast::DeferrableInitial::Deferred) => Deferrable::InitiallyDeferred,
                        _ => Deferrable::InitiallyImmediate,
                    },
                    _ => Deferrable::NotDeferrable,
                };
                t.foreign_keys.push(ForeignKey {
                    name: fk
                        .name
                        .as_ref()
                        .map(ident)
                        .unwrap_or_else(|| default_name(&columns, "fkey")),
                    columns,
                    ref_table,
                    ref_columns,
                    on_delete: fk_action(fk.on_delete),
                    on_update: fk_action(fk.on_update),
                    deferrable,
                    origin,
                });
            }
            TableConstraint::PrimaryKeyUsingIndex(u) | TableConstraint::UniqueUsingIndex(u) => {
                // The index becomes the constraint (and takes the constraint's name).
                let index = ident(&u.index_name);
                let Some(pos) = t.indexes.iter().position(|ix| ix.name == index) else {
                    return self.unknown(at, &format!("index `{index}` on `{}`", t.name));
                };
                let columns: Option<Vec<String>> = t.indexes[pos]
                    .parts
                    .iter()
                    .map(|p| match &p.key {
                        IndexKey::Column(c) => Some(c.clone()),
                        IndexKey::Expression(_) => None,
                    })
                    .collect();
                let Some(columns) = columns else {
                    return self.unsupported(at, "a constraint on an expression index");
                };
                let ix = t.indexes.remove(pos);
                let name = u.name.as_ref().map(ident).unwrap_or(index);
                if matches!(c, TableConstraint::PrimaryKeyUsingIndex(_)) {
                    for col in &mut t.columns {
                        if columns.contains(&col.name) {
                            col.nullable = false;
                        }
                    }
                    t.primary_key = Some(PrimaryKey {
                        name,
                        columns,
                        origin,
                    });
                } else {
                    t.uniques.push(UniqueConstraint {
                        name,
                        columns,
                        nulls_not_distinct: ix.nulls_not_distinct,
                        origin,
                    });
                }
            }
            other => self.unsupported(at, &format!("constraint `{other}`")),
        }
    }

    /// Plain column names of a PRIMARY KEY / UNIQUE column list.
    fn key_columns(&mut self, cols: &[ast::IndexColumn], at: &At) -> Vec<String> {
        let mut out = Vec::new();
        for c in cols {
            match &c.column.expr {
                Expr::Identifier(i) => out.push(ident(i)),
                other => self.unsupported(at, &format!("key part `{other}` is not a column")),
            }
        }
        out
    }

    fn create_index(&mut self, ci: &ast::CreateIndex, at: &At) {
        let table = qname(&ci.table_name);
        let method = match &ci.using {
            None => IndexMethod::Btree,
            Some(m) => match index_method(m) {
                Some(m) => m,
                None => return self.unsupported(at, &format!("index method `{m}`")),
            },
        };
        let parts: Vec<IndexPart> = ci
            .columns
            .iter()
            .map(|c| IndexPart {
                key: match &c.column.expr {
                    Expr::Identifier(i) => IndexKey::Column(ident(i)),
                    other => IndexKey::Expression(expr_text(other)),
                },
                opclass: c.operator_class.as_ref().map(|o| o.to_string()),
                descending: matches!(c.column.options.sort, Some(ast::OrderBySort::Desc)),
            })
            .collect();
        let name = match &ci.name {
            Some(n) => qname(n).name,
            None => {
                let cols: Vec<String> = parts
                    .iter()
                    .map(|p| match &p.key {
                        IndexKey::Column(c) => c.clone(),
                        IndexKey::Expression(_) => "expr".to_string(),
                    })
                    .collect();
                format!("{}_{}_idx", table.name, cols.join("_"))
            }
        };
        let ix = Index {
            name,
            parts,
            unique: ci.unique,
            method,
            predicate: ci.predicate.as_ref().map(expr_text),
            include: ci.include.iter().map(ident).collect(),
            nulls_not_distinct: ci.nulls_distinct == Some(false),
            origin: at.origin.clone(),
        };
        let Some(t) = self.table_mut(&table) else {
            return self.unknown(at, &format!("table `{table}`"));
        };
        if t.indexes.iter().any(|i| i.name == ix.name) {
            if !ci.if_not_exists {
                let msg = format!("index `{}` already exists", ix.name);
                self.unsupported(at, &msg);
            }
            return;
        }
        t.indexes.push(ix);
    }

    fn find_index(&self, name: &str) -> Option<(usize, usize)> {
        self.schema.tables.iter().enumerate().find_map(|(ti, t)| {
            t.indexes
                .iter()
                .position(|i| i.name == name)
                .map(|ii| (ti, ii))
        })
    }

    fn alter_table(&mut self, a: &ast::AlterTable, at: &At) {
        let name = qname(&a.name);
        let Some(&ti) = self.tables.get(&name) else {
            if !a.if_exists {
                self.unknown(at, &format!("table `{name}`"));
            }
            return;
        };
        // Work on a copy so helpers can borrow `self` for diagnostics.
        let mut t = self.schema.tables[ti].clone();
        let mut renamed_to: Option<QName> = None;
        for op in &a.operations {
            match op {
                AlterTableOperation::AddColumn {
                    if_not_exists,
                    column_def,
                    ..
                } => {
                    if t.has_column(&ident(&column_def.name)) {
                        if !if_not_exists {
                            let msg = format!("column `{}` already exists", column_def.name);
                            self.unsupported(at, &msg);
                        }
                    } else {
                        self.add_column(&mut t, column_def, at);
                    }
                }
                AlterTableOperation::DropColumn {
                    column_names,
                    if_exists,
                    ..
                } => {
                    for c in column_names {
                        let c = ident(c);
                        if t.has_column(&c) {
                            drop_column(&mut t, &c);
                        } else if !if_exists {
                            self.unknown(at, &format!("column `{name}.{c}`"));
                        }
                    }
                }
                AlterTableOperation::RenameColumn {
                    old_column_name,
                    new_column_name,
                } => {
                    let (old, new) = (ident(old_column_name), ident(new_column_name));
                    if !t.has_column(&old) {
                        self.unknown(at, &format!("column `{name}.{old}`"));
                        continue;
                    }
                    rename_column(&mut t, &old, &new);
                    // Foreign keys elsewhere that point at the renamed column.
                    for (i, other) in self.schema.tables.iter_mut().enumerate() {
                        if i != ti {
                            rename_ref_column(other, &name, &old, &new);
                        }
                    }
                }
                AlterTableOperation::AlterColumn { column_name, op } => {
                    let cname = ident(column_name);
                    let Some(c) = t.columns.iter_mut().find(|c| c.name == cname) else {
                        self.unknown(at, &format!("column `{name}.{cname}`"));
                        continue;
                    };
                    match op {
                        AlterColumnOperation::SetNotNull => c.nullable = false,
                        AlterColumnOperation::DropNotNull => c.nullable = true,
                        AlterColumnOperation::SetDefault { value } => {
                            c.default = Some(default_value(value, &c.ty))
                        }
                        AlterColumnOperation::DropDefault => c.default = None,
                        AlterColumnOperation::SetDataType { data_type, .. } => {
                            let ty = self.column_type(data_type);
                            if let Some(c) = t.columns.iter_mut().find(|c| c.name == cname) {
                                c.ty = ty;
                            }
                        }
                        AlterColumnOperation::AddGenerated { generated_as, .. } => {
                            c.identity = Some(match generated_as {
                                Some(ast::GeneratedAs::ByDefault) => Identity::ByDefault,
                                _ => Identity::Always,
                            });
                            c.nullable = false;
                        }
                    }
                }
                // NOT VALID constraints exist (unchecked for old rows); the model has them.
                AlterTableOperation::AddConstraint { constraint, .. } => {
                    self.add_constraint(&mut t, constraint, at)
                }
                AlterTableOperation::DropConstraint {
                    if_exists,
                    name: cname,
                    ..
                } => {
                    let cname = ident(cname);
                    if !drop_constraint(&mut t, &cname) && !if_exists {
                        self.unknown(at, &format!("constraint `{cname}` on `{name}`"));
                    }
                }
                AlterTableOperation::RenameConstraint { old_name, new_name } => {
                    let (old, new) = (ident(old_name), ident(new_name));
                    if !rename_constraint(&mut t, &old, &new) {
                        self.unknown(at, &format!("constraint `{old}` on `{name}`"));
                    }
                }
                AlterTableOperation::ValidateConstraint { name: cname } => {
                    let cname = ident(cname);
                    if !has_constraint(&t, &cname) {
                        self.unknown(at, &format!("constraint `{cname}` on `{name}`"));
                    }
                }
                AlterTableOperation::RenameTable { table_name } => {
                    let (ast::RenameTableNameKind::As(n) | ast::RenameTableNameKind::To(n)) =
                        table_name;
                    let mut new = qname(n);
                    if new.schema.is_none() {
                        new.schema = name.schema.clone();
                    }
                    renamed_to = Some(new);
                }
                AlterTableOperation::EnableRowLevelSecurity => t.rls.enabled = true,
                AlterTableOperation::DisableRowLevelSecurity => t.rls.enabled = false,
                AlterTableOperation::ForceRowLevelSecurity => t.rls.forced = true,
                AlterTableOperation::NoForceRowLevelSecurity => t.rls.forced = false,
                other => self.unsupported(at, &format!("ALTER TABLE ... {other}")),
            }
        }
        if let Some(new) = renamed_to {
            for other in &mut self.schema.tables {
                for fk in &mut other.foreign_keys {
                    if fk.ref_table == name {
                        fk.ref_table = new.clone();
                    }
                }
            }
            for fk in &mut t.foreign_keys {
                if fk.ref_table == name {
                    fk.ref_table = new.clone();
                }
            }
            t.name = new;
            self.schema.tables[ti] = t;
            self.reindex();
        } else {
            self.schema.tables[ti] = t;
        }
    }

    fn comment(&mut self, kind: CommentObject, name: &ObjectName, doc: Option<String>, at: &At) {
        match kind {
            CommentObject::Table => {
                let q = qname(name);
                match self.table_mut(&q) {
                    Some(t) => t.doc = doc,
                    None => self.unknown(at, &format!("table `{q}`")),
                }
            }
            CommentObject::Column => {
                let mut parts = name.0.clone();
                let Some(col) = parts.pop() else { return };
                let col = part(&col);
                let q = qname(&ObjectName(parts));
                match self
                    .table_mut(&q)
                    .and_then(|t| t.columns.iter_mut().find(|c| c.name == col))
                {
                    Some(c) => c.doc = doc,
                    None => self.unknown(at, &format!("column `{q}.{col}`")),
                }
            }
            CommentObject::Schema => {
                let n = qname(name).name;
                match self.schema.namespaces.iter_mut().find(|x| x.name == n) {
                    Some(ns) => ns.doc = doc,
                    None if n == "public" => {}
                    None => self.unknown(at, &format!("schema `{n}`")),
                }
            }
            CommentObject::Type => {
                let q = qname(name);
                if let Some(e) = self.schema.enums.iter_mut().find(|e| e.name == q) {
                    e.doc = doc;
                }
            }
            _ => {}
        }
    }

    fn drop(&mut self, kind: ObjectType, if_exists: bool, names: &[ObjectName], at: &At) {
        for n in names {
            let q = qname(n);
            let found = match kind {
                ObjectType::Table => {
                    let before = self.schema.tables.len();
                    self.schema.tables.retain(|t| t.name != q);
                    for t in &mut self.schema.tables {
                        t.partitions.retain(|p| p.name != q);
                    }
                    self.reindex();
                    before != self.schema.tables.len()
                }
                ObjectType::Index => match self.find_index(&q.name) {
                    Some((t, i)) => {
                        self.schema.tables[t].indexes.remove(i);
                        true
                    }
                    None => false,
                },
                ObjectType::Type => {
                    let (e, c) = (self.schema.enums.len(), self.schema.custom_types.len());
                    self.schema.enums.retain(|x| x.name != q);
                    self.schema.custom_types.retain(|x| x.name != q);
                    e != self.schema.enums.len() || c != self.schema.custom_types.len()
                }
                ObjectType::Schema => {
                    let before = self.schema.namespaces.len();
                    self.schema.namespaces.retain(|x| x.name != q.name);
                    before != self.schema.namespaces.len()
                }
                other => {
                    self.unsupported(at, &format!("DROP {other}"));
                    continue;
                }
            };
            if !found && !if_exists {
                self.unknown(at, &format!("{} `{q}`", kind.to_string().to_lowercase()));
            }
        }
    }

    fn column_type(&self, dt: &DataType) -> ColumnType {
        column_type(dt, &self.schema.enums)
    }
}

/// The first word of `expr` that names a column of `t`.
fn first_column_in(expr: &str, t: &Table) -> Option<String> {
    let dialect = sqlparser::dialect::PostgreSqlDialect {};
    let tokens = sqlparser::tokenizer::Tokenizer::new(&dialect, expr)
        .tokenize()
        .ok()?;
    tokens.iter().find_map(|tok| match tok {
        sqlparser::tokenizer::Token::Word(w) => {
            let name = match w.quote_style {
                None => w.value.to_lowercase(),
                Some(_) => w.value.clone(),
            };
            t.has_column(&name).then_some(name)
        }
        _ => None,
    })
}

/// The byte offset in `stmt.text` of a file position (1-based line and column in chars).
fn offset_in(stmt: &SqlStatement, line: u64, column: u64) -> Option<usize> {
    let (mut l, mut c) = (stmt.line as u64, stmt.column as u64);
    for (i, ch) in stmt.text.char_indices() {
        if (l, c) == (line, column) {
            return Some(i);
        }
        if ch == '\n' {
            l += 1;
            c = 1;
        } else {
            c += 1;
        }
    }
    ((l, c) == (line, column)).then_some(stmt.text.len())
}

/// An identifier as PostgreSQL stores it: unquoted names fold to lower case.
fn ident(i: &ast::Ident) -> String {
    match i.quote_style {
        None => i.value.to_lowercase(),
        Some(_) => i.value.clone(),
    }
}

fn part(p: &ObjectNamePart) -> String {
    match p {
        ObjectNamePart::Identifier(i) => ident(i),
        other => other.to_string(),
    }
}

/// `schema.name`; `public` is the default schema, which the model leaves implicit.
fn qname(n: &ObjectName) -> QName {
    let parts: Vec<String> = n.0.iter().map(part).collect();
    let name = parts.last().cloned().unwrap_or_default();
    let schema = (parts.len() >= 2)
        .then(|| parts[parts.len() - 2].clone())
        .filter(|s| s != "public");
    QName { schema, name }
}

fn index_column_of(name: &ast::Ident) -> ast::IndexColumn {
    ast::IndexColumn {
        column: ast::OrderByExpr {
            expr: Expr::Identifier(name.clone()),
            options: ast::OrderByOptions {
                sort: None,
                nulls_first: None,
            },
            with_fill: None,
        },
        operator_class: None,
    }
}

/// An expression as text, without redundant outer parentheses.
fn expr_text(e: &Expr) -> String {
    strip_parens(e).to_string()
}

fn fk_action(a: Option<ReferentialAction>) -> FkAction {
    match a {
        None | Some(ReferentialAction::NoAction) => FkAction::NoAction,
        Some(ReferentialAction::Restrict) => FkAction::Restrict,
        Some(ReferentialAction::Cascade) => FkAction::Cascade,
        Some(ReferentialAction::SetNull) => FkAction::SetNull,
        Some(ReferentialAction::SetDefault) => FkAction::SetDefault,
    }
}

fn index_method(t: &ast::IndexType) -> Option<IndexMethod> {
    Some(match t {
        ast::IndexType::BTree => IndexMethod::Btree,
        ast::IndexType::Hash => IndexMethod::Hash,
        ast::IndexType::GIN => IndexMethod::Gin,
        ast::IndexType::GiST => IndexMethod::Gist,
        ast::IndexType::SPGiST => IndexMethod::Spgist,
        ast::IndexType::BRIN => IndexMethod::Brin,
        ast::IndexType::Custom(i) => return IndexMethod::parse(&i.value),
        _ => return None,
    })
}

/// sqlparser reads `PARTITION BY RANGE (a, b)` as a call of a function named RANGE.
fn partition_by(e: &Expr) -> Option<PartitionBy> {
    let Expr::Function(f) = e else { return None };
    let strategy = match f.name.to_string().to_ascii_uppercase().as_str() {
        "RANGE" => PartitionStrategy::Range,
        "LIST" => PartitionStrategy::List,
        "HASH" => PartitionStrategy::Hash,
        _ => return None,
    };
    let ast::FunctionArguments::List(list) = &f.args else {
        return None;
    };
    let keys = list
        .args
        .iter()
        .map(|a| match a {
            ast::FunctionArg::Unnamed(ast::FunctionArgExpr::Expr(Expr::Identifier(i))) => ident(i),
            ast::FunctionArg::Unnamed(ast::FunctionArgExpr::Expr(e)) => expr_text(e),
            other => other.to_string(),
        })
        .collect();
    Some(PartitionBy { strategy, keys })
}

/// Maps a default expression to the model's named defaults where one fits.
pub(crate) fn default_value(e: &Expr, ty: &ColumnType) -> DefaultValue {
    let e = strip_parens(e);
    match e {
        Expr::Value(v) => match &v.value {
            ast::Value::SingleQuotedString(s) => match ty {
                ColumnType::Enum { .. } => DefaultValue::EnumValue(s.clone()),
                _ => DefaultValue::Text(s.clone()),
            },
            ast::Value::Number(n, _) => number_default(n),
            ast::Value::Boolean(b) => DefaultValue::Bool(*b),
            _ => DefaultValue::Expression(e.to_string()),
        },
        Expr::UnaryOp {
            op: ast::UnaryOperator::Minus,
            expr,
        } => match strip_parens(expr) {
            Expr::Value(ast::ValueWithSpan {
                value: ast::Value::Number(n, _),
                ..
            }) => number_default(&format!("-{n}")),
            _ => DefaultValue::Expression(e.to_string()),
        },
        Expr::Function(f) if f.args.to_string() == "()" => {
            match f.name.to_string().to_ascii_lowercase().as_str() {
                "now" => DefaultValue::Now,
                "gen_random_uuid" => DefaultValue::RandomUuid,
                _ => DefaultValue::Expression(e.to_string()),
            }
        }
        _ => DefaultValue::Expression(e.to_string()),
    }
}

fn number_default(n: &str) -> DefaultValue {
    match n.parse::<i64>() {
        Ok(i) => DefaultValue::Int(i),
        Err(_) => DefaultValue::Number(n.to_string()),
    }
}

/// Maps a parsed type to the model; declared enums by name, unknown types as `Custom`.
pub(crate) fn column_type(dt: &DataType, enums: &[EnumType]) -> ColumnType {
    match dt {
        DataType::Array(inner) => {
            let element = match inner {
                ast::ArrayElemTypeDef::SquareBracket(t, _)
                | ast::ArrayElemTypeDef::AngleBracket(t)
                | ast::ArrayElemTypeDef::Parenthesis(t)
                | ast::ArrayElemTypeDef::Qualified(t, _) => column_type(t, enums),
                ast::ArrayElemTypeDef::None => {
                    return ColumnType::Custom {
                        sql: "array".into(),
                    }
                }
            };
            ColumnType::Array {
                element: Box::new(element),
            }
        }
        DataType::Custom(name, modifiers) => {
            let q = qname(name);
            if modifiers.is_empty() {
                if enums.iter().any(|e| e.name == q) {
                    return ColumnType::Enum { name: q };
                }
                if q.schema.is_none() {
                    if let Some(t) = builtin_type(&q.name) {
                        return t;
                    }
                }
            }
            let display = if name.0.iter().all(|p| match p {
                ObjectNamePart::Identifier(i) => i.quote_style.is_none(),
                _ => false,
            }) {
                dt.to_string().to_lowercase()
            } else {
                dt.to_string()
            };
            ColumnType::Custom { sql: display }
        }
        _ => {
            let sql = dt.to_string().to_lowercase();
            builtin_type(&sql).unwrap_or(ColumnType::Custom { sql })
        }
    }
}

/// Built-in type names and their aliases as sqlparser prints them (lower-cased).
pub(crate) fn builtin_type(sql: &str) -> Option<ColumnType> {
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

fn rename_enum_in_type(ty: &mut ColumnType, old: &QName, new: &QName) {
    match ty {
        ColumnType::Enum { name } if name == old => *name = new.clone(),
        ColumnType::Array { element } => rename_enum_in_type(element, old, new),
        _ => {}
    }
}

/// Drops a column and, as PostgreSQL does, the keys and indexes that use it.
fn drop_column(t: &mut Table, col: &str) {
    let uses = |cols: &[String]| cols.iter().any(|c| c == col);
    t.columns.retain(|c| c.name != col);
    if t.primary_key.as_ref().is_some_and(|pk| uses(&pk.columns)) {
        t.primary_key = None;
    }
    t.uniques.retain(|u| !uses(&u.columns));
    t.foreign_keys.retain(|f| !uses(&f.columns));
    t.indexes.retain(|ix| {
        !ix.parts
            .iter()
            .any(|p| matches!(&p.key, IndexKey::Column(c) if c == col))
            && !uses(&ix.include)
    });
}

fn rename_in(cols: &mut [String], old: &str, new: &str) {
    for c in cols {
        if c == old {
            *c = new.to_string();
        }
    }
}

/// Renames a column in the table, its keys, and the expressions that mention it (checks,
/// index expressions and predicates, generated columns, policies), as both PostgreSQL and
/// SQLite do. Trigger bodies are left as written: they may name other tables' columns.
pub(crate) fn rename_column(t: &mut Table, old: &str, new: &str) {
    let refs = |e: &mut String| *e = rename_column_refs(e, old, new);
    for c in &mut t.columns {
        if c.name == old {
            c.name = new.to_string();
            // Remembered so a review of a range of migrations shows a rename, not a drop and an add.
            c.renamed_from.get_or_insert_with(|| old.to_string());
        }
        c.generated.as_mut().map(refs);
    }
    if let Some(pk) = &mut t.primary_key {
        rename_in(&mut pk.columns, old, new);
    }
    for u in &mut t.uniques {
        rename_in(&mut u.columns, old, new);
    }
    for c in &mut t.checks {
        refs(&mut c.expression);
    }
    for fk in &mut t.foreign_keys {
        rename_in(&mut fk.columns, old, new);
    }
    for ix in &mut t.indexes {
        for p in &mut ix.parts {
            match &mut p.key {
                IndexKey::Column(c) if c == old => *c = new.to_string(),
                IndexKey::Column(_) => {}
                IndexKey::Expression(e) => refs(e),
            }
        }
        rename_in(&mut ix.include, old, new);
        ix.predicate.as_mut().map(refs);
    }
    for x in &mut t.excludes {
        for e in &mut x.elements {
            refs(&mut e.expression);
        }
        x.predicate.as_mut().map(refs);
    }
    for p in &mut t.policies {
        p.using.as_mut().map(refs);
        p.with_check.as_mut().map(refs);
    }
    if let Some(pb) = &mut t.partition_by {
        rename_in(&mut pb.keys, old, new);
    }
    let name = t.name.clone();
    rename_ref_column(t, &name, old, new);
}

/// Foreign keys of `t` that reference `target` follow its renamed column.
pub(crate) fn rename_ref_column(t: &mut Table, target: &QName, old: &str, new: &str) {
    for fk in &mut t.foreign_keys {
        if &fk.ref_table == target {
            rename_in(&mut fk.ref_columns, old, new);
        }
    }
}

fn drop_constraint(t: &mut Table, name: &str) -> bool {
    if t.primary_key.as_ref().is_some_and(|pk| pk.name == name) {
        t.primary_key = None;
        return true;
    }
    let before = t.uniques.len() + t.checks.len() + t.excludes.len() + t.foreign_keys.len();
    t.uniques.retain(|x| x.name != name);
    t.checks.retain(|x| x.name != name);
    t.excludes.retain(|x| x.name != name);
    t.foreign_keys.retain(|x| x.name != name);
    before != t.uniques.len() + t.checks.len() + t.excludes.len() + t.foreign_keys.len()
}

fn has_constraint(t: &Table, name: &str) -> bool {
    t.primary_key.as_ref().is_some_and(|pk| pk.name == name)
        || t.uniques.iter().any(|x| x.name == name)
        || t.checks.iter().any(|x| x.name == name)
        || t.excludes.iter().any(|x| x.name == name)
        || t.foreign_keys.iter().any(|x| x.name == name)
}

fn rename_constraint(t: &mut Table, old: &str, new: &str) -> bool {
    let new = new.to_string();
    if let Some(pk) = t.primary_key.as_mut().filter(|pk| pk.name == old) {
        pk.name = new;
        return true;
    }
    if let Some(x) = t.uniques.iter_mut().find(|x| x.name == old) {
        x.name = new;
        return true;
    }
    if let Some(x) = t.checks.iter_mut().find(|x| x.name == old) {
        x.name = new;
        return true;
    }
    if let Some(x) = t.excludes.iter_mut().find(|x| x.name == old) {
        x.name = new;
        return true;
    }
    if let Some(x) = t.foreign_keys.iter_mut().find(|x| x.name == old) {
        x.name = new;
        return true;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn replay(sql: &str) -> Result<Schema, Diagnostics> {
        import_sql(sql, "m.sql", DialectKind::Postgres)
    }

    #[test]
    fn types_map_back_to_the_model() {
        let s = replay(
            "CREATE TYPE mood AS ENUM ('a', 'b');
             CREATE TABLE t (
               a int4, b INT, c int8, d character varying(10), e numeric(10, 2), f float8,
               g timestamp with time zone, h mood, i mood[], j text[], k citext, l bool,
               m decimal, n int2, o character(3)
             );",
        )
        .unwrap();
        let ty: Vec<ColumnType> = s.tables[0].columns.iter().map(|c| c.ty.clone()).collect();
        let mood = QName::parse("mood");
        assert_eq!(
            ty,
            vec![
                ColumnType::Integer,
                ColumnType::Integer,
                ColumnType::BigInt,
                ColumnType::Varchar { length: 10 },
                ColumnType::Numeric {
                    precision: Some(10),
                    scale: Some(2)
                },
                ColumnType::Double,
                ColumnType::Timestamptz,
                ColumnType::Enum { name: mood.clone() },
                ColumnType::Array {
                    element: Box::new(ColumnType::Enum { name: mood })
                },
                ColumnType::Array {
                    element: Box::new(ColumnType::Text)
                },
                ColumnType::Custom {
                    sql: "citext".into()
                },
                ColumnType::Boolean,
                ColumnType::Numeric {
                    precision: None,
                    scale: None
                },
                ColumnType::SmallInt,
                ColumnType::Char { length: 3 },
            ]
        );
    }

    #[test]
    fn defaults_map_to_named_variants() {
        let s = replay(
            "CREATE TYPE mood AS ENUM ('a', 'b');
             CREATE TABLE t (a timestamptz DEFAULT now(), b uuid DEFAULT gen_random_uuid(),
               c mood DEFAULT 'a', d text DEFAULT 'x', e int DEFAULT -3, f numeric DEFAULT 1.50,
               g bool DEFAULT false, h date DEFAULT CURRENT_DATE);",
        )
        .unwrap();
        let d: Vec<Option<DefaultValue>> = s.tables[0]
            .columns
            .iter()
            .map(|c| c.default.clone())
            .collect();
        assert_eq!(
            d,
            vec![
                Some(DefaultValue::Now),
                Some(DefaultValue::RandomUuid),
                Some(DefaultValue::EnumValue("a".into())),
                Some(DefaultValue::Text("x".into())),
                Some(DefaultValue::Int(-3)),
                Some(DefaultValue::Number("1.50".into())),
                Some(DefaultValue::Bool(false)),
                Some(DefaultValue::Expression("CURRENT_DATE".into())),
            ]
        );
    }

    #[test]
    fn hand_written_evolutions_replay() {
        let s = replay(
            "CREATE TABLE users (id bigint PRIMARY KEY, email text, nick text);
             CREATE TYPE mood AS ENUM ('ok', 'sad');
             ALTER TYPE mood ADD VALUE 'meh' BEFORE 'sad';
             ALTER TYPE mood ADD VALUE 'glad' AFTER 'ok';
             ALTER TABLE users ADD COLUMN mood mood NOT NULL DEFAULT 'ok';
             ALTER TABLE users ALTER COLUMN email SET NOT NULL;
             ALTER TABLE users ALTER COLUMN nick TYPE varchar(20);
             ALTER TABLE users ALTER COLUMN nick SET DEFAULT 'anon';
             ALTER TABLE users RENAME COLUMN nick TO handle;
             ALTER TABLE users ADD CONSTRAINT users_email_check CHECK (email <> '') NOT VALID;
             ALTER TABLE users VALIDATE CONSTRAINT users_email_check;
             CREATE UNIQUE INDEX users_email_idx ON users (lower(email));
             CREATE UNIQUE INDEX CONCURRENTLY users_handle_idx ON users (handle);
             ALTER TABLE users ADD CONSTRAINT users_handle_key UNIQUE USING INDEX users_handle_idx;
             CREATE TABLE posts (id bigint PRIMARY KEY, author bigint REFERENCES users ON DELETE CASCADE, junk int);
             ALTER TABLE posts DROP COLUMN junk;
             ALTER TABLE users RENAME TO people;
             ALTER TABLE people RENAME COLUMN id TO person_id;
             DROP INDEX CONCURRENTLY IF EXISTS users_email_idx;
             COMMENT ON CONSTRAINT users_email_check ON people IS 'not empty';
             INSERT INTO people (person_id) VALUES (1);",
        )
        .unwrap();
        let mood = s.enum_type(&QName::parse("mood")).unwrap();
        assert_eq!(mood.values, ["ok", "glad", "meh", "sad"]);
        let people = s.table(&QName::parse("people")).unwrap();
        let names: Vec<&str> = people.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["person_id", "email", "handle", "mood"]);
        assert!(!people.column("email").unwrap().nullable);
        assert_eq!(
            people.column("handle").unwrap().ty,
            ColumnType::Varchar { length: 20 }
        );
        assert_eq!(people.primary_key.as_ref().unwrap().name, "users_pkey");
        assert_eq!(people.primary_key.as_ref().unwrap().columns, ["person_id"]);
        assert_eq!(people.checks[0].expression, "email <> ''");
        assert!(people.indexes.is_empty());
        assert_eq!(people.uniques[0].name, "users_handle_key");
        assert_eq!(people.uniques[0].columns, ["handle"]);
        let posts = s.table(&QName::parse("posts")).unwrap();
        assert_eq!(posts.columns.len(), 2);
        let fk = &posts.foreign_keys[0];
        assert_eq!(fk.name, "posts_author_fkey");
        assert_eq!(fk.ref_table, QName::parse("people"));
        assert_eq!(fk.ref_columns, ["person_id"]);
        assert_eq!(fk.on_delete, FkAction::Cascade);
    }

    #[test]
    fn more_evolutions_replay() {
        let s = replay(
            "BEGIN;
             SET lock_timeout = '1s';
             CREATE SCHEMA IF NOT EXISTS app;
             CREATE TABLE app.a (id int NOT NULL DEFAULT 1, note text NOT NULL, CONSTRAINT a_pkey PRIMARY KEY (id));
             CREATE TABLE b (id int PRIMARY KEY, a_id int, CHECK (a_id > 0));
             ALTER TABLE b ADD CONSTRAINT b_a_fk FOREIGN KEY (a_id) REFERENCES app.a (id) NOT VALID;
             ALTER TABLE b VALIDATE CONSTRAINT b_a_fk;
             ALTER TABLE b RENAME CONSTRAINT b_a_fk TO b_a_id_fkey;
             ALTER TABLE b DROP CONSTRAINT b_a_id_check;
             ALTER TABLE app.a ALTER COLUMN id DROP DEFAULT, ALTER COLUMN note DROP NOT NULL;
             ALTER TABLE app.a ENABLE ROW LEVEL SECURITY;
             CREATE POLICY p ON app.a USING (true);
             DROP POLICY p ON app.a;
             CREATE INDEX a_note_idx ON app.a (note);
             ALTER INDEX app.a_note_idx RENAME TO a_note_ix;
             CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
             CREATE OR REPLACE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN OLD; END $$;
             CREATE TRIGGER t BEFORE UPDATE ON b FOR EACH ROW EXECUTE FUNCTION f();
             DROP TRIGGER t ON b;
             COMMENT ON TABLE b IS 'x';
             COMMENT ON TABLE b IS NULL;
             CREATE TYPE gone AS ENUM ('x');
             DROP TYPE gone;
             CREATE TABLE tmp (x int);
             DROP TABLE IF EXISTS tmp, never_existed;
             COMMIT;",
        )
        .unwrap_or_else(|ds| panic!("{ds}"));
        assert_eq!(s.namespaces[0].name, "app");
        assert!(s.enums.is_empty());
        assert_eq!(s.tables.len(), 2);
        let a = s.table(&QName::parse("app.a")).unwrap();
        assert_eq!(a.column("id").unwrap().default, None);
        assert!(a.column("note").unwrap().nullable);
        assert!(a.rls.enabled && a.policies.is_empty());
        assert_eq!(a.indexes[0].name, "a_note_ix");
        let b = s.table(&QName::parse("b")).unwrap();
        assert!(b.checks.is_empty());
        assert_eq!(b.foreign_keys[0].name, "b_a_id_fkey");
        assert_eq!(b.foreign_keys[0].ref_table, QName::parse("app.a"));
        assert!(b.triggers.is_empty() && b.doc.is_none());
        assert_eq!(s.functions.len(), 1);
        assert!(s.functions[0].sql.contains("RETURN OLD"));
    }

    #[test]
    fn unsupported_statements_are_reported_at_their_line() {
        let err = replay(
            "CREATE TABLE a (id int);\nDO $$ BEGIN END $$;\nCREATE VIEW v AS SELECT 1;\nALTER TABLE missing ADD COLUMN x int;",
        )
        .unwrap_err();
        let got: Vec<(String, u32)> = err
            .iter()
            .map(|d| (d.code.clone(), d.location.as_ref().unwrap().line))
            .collect();
        assert_eq!(
            got,
            vec![
                ("replay::unsupported".to_string(), 2),
                ("replay::unsupported".to_string(), 3),
                ("replay::unknown-object".to_string(), 4),
            ]
        );
    }

    #[test]
    fn rows_are_skipped_without_being_parsed() {
        // Not even valid SQL after the first word: replay must not read it.
        let s = replay(
            "CREATE TABLE a (id int);\nINSERT INTO a VALUES (1) %%% not sql;\nupdate a set id = ((;\nDELETE FROM a WHERE ?!;\nALTER TABLE a ADD COLUMN b int;",
        )
        .unwrap_or_else(|ds| panic!("{ds:?}"));
        assert!(s.tables[0].has_column("b"));
        let split = crate::sql::split::split_for_replay(
            "INSERT INTO a VALUES (1);\nCREATE TABLE b (id int);",
            DialectKind::Postgres,
        );
        assert!(split.statements[0].parsed.is_none() && split.statements[0].parse_error.is_none());
        assert!(split.statements[1].parsed.is_some());
    }

    #[test]
    fn renamed_columns_are_renamed_in_expressions() {
        let s = import_sql(
            "CREATE TABLE t (a INT, b INT, CONSTRAINT t_a_check CHECK (a > 0 AND b <> a));
             CREATE INDEX t_x_idx ON t ((a + 1)) WHERE a IS NOT NULL;
             ALTER TABLE t RENAME COLUMN a TO alpha;",
            "m.sql",
            DialectKind::Sqlite,
        )
        .unwrap();
        let t = &s.tables[0];
        assert_eq!(t.checks[0].expression, "alpha > 0 AND b <> alpha");
        assert_eq!(
            t.indexes[0].parts[0].key,
            IndexKey::Expression("alpha + 1".into())
        );
        assert_eq!(t.indexes[0].predicate.as_deref(), Some("alpha IS NOT NULL"));
    }

    #[test]
    fn column_constraints_keep_their_names() {
        let s = import_sql(
            "CREATE TABLE p (id TEXT CONSTRAINT p_pk PRIMARY KEY);
             CREATE TABLE t (a INT CONSTRAINT t_a_u UNIQUE, b INT);
             ALTER TABLE t ADD COLUMN c TEXT CONSTRAINT t_c_positive CHECK (c > 0) CONSTRAINT t_c_fk REFERENCES p (id) ON DELETE CASCADE;",
            "m.sql",
            DialectKind::Sqlite,
        )
        .unwrap();
        assert_eq!(s.tables[0].primary_key.as_ref().unwrap().name, "p_pk");
        let t = &s.tables[1];
        assert_eq!(t.uniques[0].name, "t_a_u");
        assert_eq!(t.checks[0].name, "t_c_positive");
        assert_eq!(t.foreign_keys[0].name, "t_c_fk");
        assert_eq!(t.foreign_keys[0].on_delete, FkAction::Cascade);
        // Unnamed ones still get PostgreSQL's default names.
        let s = replay("CREATE TABLE t (a int CHECK (a > 0) UNIQUE);").unwrap();
        assert_eq!(s.tables[0].checks[0].name, "t_a_check");
        assert_eq!(s.tables[0].uniques[0].name, "t_a_key");
    }

    #[test]
    fn public_schema_is_implicit_and_identifiers_fold() {
        let s = replay("CREATE TABLE public.Users (\"Mixed\" int, Plain int);").unwrap();
        assert_eq!(s.tables[0].name, QName::parse("users"));
        assert_eq!(s.tables[0].columns[0].name, "Mixed");
        assert_eq!(s.tables[0].columns[1].name, "plain");
    }
}
