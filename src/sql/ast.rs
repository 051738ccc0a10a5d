//! The statements schemactl reads, whatever parser read them.
//!
//! This is the seam between parsers and their readers: `sql::postgres` turns libpg_query's
//! tree (PostgreSQL's own grammar) into these types, `sql::sqlite` turns sqlparser's, and the
//! SQL lint and the replay read only these. A reader never asks which parser produced a
//! statement.
//!
//! Names are already resolved the way the database resolves them (unquoted identifiers
//! folded to lower case, quotes removed). Expressions keep a canonical text (one spelling per
//! parse tree, so formatting, case and redundant parentheses never differ) and the few facts
//! readers need about them ([`Expr`]). Statements the model and the lint have no use for keep
//! only what they are ([`Stmt::Other`]).

use std::fmt;

/// A possibly schema-qualified object name, as resolved (unquoted parts lower-cased).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Name {
    pub parts: Vec<String>,
}

impl Name {
    pub fn new(parts: Vec<String>) -> Self {
        Name { parts }
    }

    pub fn single(name: impl Into<String>) -> Self {
        Name {
            parts: vec![name.into()],
        }
    }

    /// The object's own name (the last part).
    pub fn last(&self) -> &str {
        self.parts.last().map(String::as_str).unwrap_or("")
    }

    /// The schema, when the name is qualified.
    pub fn schema(&self) -> Option<&str> {
        (self.parts.len() >= 2).then(|| self.parts[self.parts.len() - 2].as_str())
    }

    /// The name without its last part (`schema.table` of `schema.table.column`).
    pub fn parent(&self) -> Name {
        Name {
            parts: self.parts[..self.parts.len().saturating_sub(1)].to_vec(),
        }
    }
}

/// Prints a name the way it must be written to mean the same object: parts that are not
/// plain lower-case identifiers are quoted.
impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.parts.iter().enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            write_ident(f, p)?;
        }
        Ok(())
    }
}

/// Writes `ident` quoted when it would not read back as itself unquoted.
pub fn write_ident(out: &mut impl fmt::Write, ident: &str) -> fmt::Result {
    let plain = !ident.is_empty()
        && ident
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_lowercase() || b == b'_')
        && ident
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'$');
    if plain {
        out.write_str(ident)
    } else {
        out.write_char('"')?;
        for c in ident.chars() {
            if c == '"' {
                out.write_str("\"\"")?;
            } else {
                out.write_char(c)?;
            }
        }
        out.write_char('"')
    }
}

/// An expression: its canonical text and what readers ask of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expr {
    /// One spelling per parse tree, valid SQL in the statement's dialect.
    pub text: String,
    /// The outermost shape, where it is one readers care about.
    pub shape: Shape,
    /// Every function called anywhere inside, by its own name (lower-cased, unqualified),
    /// including the SQL-standard value functions (`current_timestamp`, ...).
    pub calls: Vec<String>,
    /// Holds a bind parameter (`$1`): text a driver meant to fill in, never runnable as DDL.
    pub has_param: bool,
}

impl Expr {
    /// An expression known only by its text (readers that cannot see inside).
    pub fn opaque(text: impl Into<String>) -> Self {
        Expr {
            text: text.into(),
            shape: Shape::Other,
            calls: Vec::new(),
            has_param: false,
        }
    }

    pub fn calls_any(&self, names: &[&str]) -> Option<&str> {
        self.calls
            .iter()
            .find(|c| names.contains(&c.as_str()))
            .map(String::as_str)
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// The outermost shape of an expression (through redundant parentheses and casts of
/// literals, which the parse tree does not keep).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shape {
    /// A string literal (also `'x'::type`), its value unescaped.
    String(String),
    /// A numeric literal as written, sign included.
    Number(String),
    Bool(bool),
    Null,
    /// A (possibly qualified) column reference: its last part.
    Column(String),
    /// A call of a function with no arguments (`now()`) or a SQL value function
    /// (`CURRENT_TIMESTAMP`): its lower-cased, unqualified name.
    NiladicCall(String),
    /// `col IS NOT NULL`: the column.
    IsNotNull(String),
    Other,
}

/// A type as written in a column definition or a cast.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeName {
    /// The name parts, resolved; PostgreSQL's built-in spellings are its internal names
    /// (`int4`, `varchar`, `timestamptz`, `bpchar`, ...) without the `pg_catalog` schema.
    pub name: Name,
    /// Type modifiers (`varchar(20)`, `numeric(12, 2)`), as text.
    pub modifiers: Vec<String>,
    /// Array dimensions (`text[]`, `int[][]`).
    pub array_dims: u32,
    /// `timestamp with time zone` and the like are already folded into `name`; this is the
    /// canonical spelling of the whole type for messages and the model's custom types.
    pub text: String,
}

impl TypeName {
    /// The base name, lower-cased (`int4`, `varchar`, `serial`, `mood`).
    pub fn base(&self) -> &str {
        self.name.last()
    }

    pub fn is_array(&self) -> bool {
        self.array_dims > 0
    }
}

impl fmt::Display for TypeName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FkAction {
    NoAction,
    Restrict,
    Cascade,
    SetNull,
    SetDefault,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdentityKind {
    Always,
    ByDefault,
}

/// One element of an index, key or exclusion: a column or an expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyPart {
    Column(String),
    Expression(Expr),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexElement {
    pub key: KeyPart,
    pub opclass: Option<String>,
    pub descending: bool,
    /// `NULLS FIRST` / `NULLS LAST` as written.
    pub nulls_first: Option<bool>,
    pub collation: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExcludeElement {
    pub element: IndexElement,
    pub operator: String,
}

/// A constraint, inline on a column or on the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Constraint {
    pub name: Option<String>,
    pub kind: ConstraintKind,
    /// `NOT VALID`: existing rows are not checked.
    pub not_valid: bool,
    pub deferrable: bool,
    pub initially_deferred: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConstraintKind {
    Null,
    NotNull,
    Default(Expr),
    Identity(IdentityKind),
    /// `GENERATED ALWAYS AS (expr) STORED`.
    Generated(Expr),
    Check(Expr),
    /// Columns are empty for an inline column constraint (the column is implied).
    PrimaryKey {
        columns: Vec<String>,
        include: Vec<String>,
        using_index: Option<String>,
    },
    Unique {
        columns: Vec<String>,
        include: Vec<String>,
        nulls_not_distinct: bool,
        using_index: Option<String>,
    },
    ForeignKey {
        columns: Vec<String>,
        ref_table: Name,
        ref_columns: Vec<String>,
        on_delete: FkAction,
        on_update: FkAction,
    },
    Exclude {
        method: String,
        elements: Vec<ExcludeElement>,
        predicate: Option<Expr>,
    },
    /// A column's `COLLATE <name>`.
    Collate(Name),
    /// Anything else (a column's `COMPRESSION`, `ON CONFLICT` clause in SQLite).
    Other(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnDef {
    pub name: String,
    pub ty: TypeName,
    pub constraints: Vec<Constraint>,
}

impl ColumnDef {
    pub fn has(&self, f: impl Fn(&ConstraintKind) -> bool) -> bool {
        self.constraints.iter().any(|c| f(&c.kind))
    }

    pub fn default(&self) -> Option<&Expr> {
        self.constraints.iter().find_map(|c| match &c.kind {
            ConstraintKind::Default(e) => Some(e),
            _ => None,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartitionStrategy {
    Range,
    List,
    Hash,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartitionSpec {
    pub strategy: PartitionStrategy,
    pub keys: Vec<KeyPart>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateTable {
    pub name: Name,
    pub if_not_exists: bool,
    pub columns: Vec<ColumnDef>,
    pub constraints: Vec<Constraint>,
    pub partition_by: Option<PartitionSpec>,
    /// `PARTITION OF parent FOR VALUES ...`: the parent and the bound's text.
    pub partition_of: Option<(Name, String)>,
    /// `LIKE other [INCLUDING ...]` clauses, in order.
    pub like: Vec<Like>,
    /// `INHERITS` or a typed table (`OF type`): a shape that comes from elsewhere.
    pub derived: bool,
    /// `TEMP`/`TEMPORARY`/`UNLOGGED`, as written, for messages.
    pub persistence: Option<&'static str>,
}

/// `LIKE source [INCLUDING ...]` inside CREATE TABLE.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Like {
    pub source: Name,
    /// How many of the statement's own columns come before the copied ones.
    pub position: usize,
    pub defaults: bool,
    pub constraints: bool,
    pub generated: bool,
    pub identity: bool,
    pub indexes: bool,
    pub comments: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlterTable {
    pub name: Name,
    pub if_exists: bool,
    pub kind: RelationKind,
    pub ops: Vec<AlterOp>,
}

/// What an `ALTER TABLE`-like statement names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelationKind {
    Table,
    Index,
    Sequence,
    View,
    MaterializedView,
    ForeignTable,
    Type,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AlterOp {
    AddColumn {
        if_not_exists: bool,
        column: ColumnDef,
    },
    DropColumn {
        name: String,
        if_exists: bool,
    },
    AlterType {
        column: String,
        ty: TypeName,
        /// `COLLATE <name>`; without it the column takes its new type's collation.
        collation: Option<Name>,
        using: Option<Expr>,
    },
    SetNotNull(String),
    DropNotNull(String),
    SetDefault(String, Expr),
    DropDefault(String),
    AddIdentity(String, IdentityKind),
    DropIdentity(String),
    /// `ALTER COLUMN c DROP EXPRESSION`: a generated column becomes a plain one.
    DropExpression(String),
    /// `ALTER COLUMN c SET EXPRESSION AS (...)`: a generated column's new expression.
    SetExpression(String, Expr),
    /// `ALTER CONSTRAINT c [NOT] DEFERRABLE [INITIALLY DEFERRED|IMMEDIATE]`.
    AlterConstraint {
        name: String,
        deferrable: bool,
        initially_deferred: bool,
    },
    AddConstraint(Constraint),
    DropConstraint {
        name: String,
        if_exists: bool,
    },
    ValidateConstraint(String),
    EnableRls,
    DisableRls,
    ForceRls,
    NoForceRls,
    AttachPartition {
        partition: Name,
        bound: String,
    },
    DetachPartition {
        partition: Name,
        concurrently: bool,
    },
    /// Storage, statistics, owner, options, replica identity, triggers on/off, ... : changes
    /// the model does not describe. The text names it for messages.
    Other(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateIndex {
    pub name: Option<String>,
    pub table: Name,
    pub unique: bool,
    pub concurrently: bool,
    pub if_not_exists: bool,
    pub method: Option<String>,
    pub elements: Vec<IndexElement>,
    pub include: Vec<String>,
    pub predicate: Option<Expr>,
    pub nulls_not_distinct: bool,
}

/// The kinds of object a DROP, RENAME or COMMENT names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ObjectKind {
    Table,
    Column,
    Constraint,
    Index,
    Sequence,
    View,
    MaterializedView,
    Type,
    Domain,
    Schema,
    Database,
    Extension,
    Function,
    Procedure,
    Trigger,
    Policy,
    Rule,
    Role,
    Statistics,
    Other,
}

impl ObjectKind {
    /// The SQL words for it, for messages.
    pub fn sql(self) -> &'static str {
        match self {
            ObjectKind::Table => "TABLE",
            ObjectKind::Column => "COLUMN",
            ObjectKind::Constraint => "CONSTRAINT",
            ObjectKind::Index => "INDEX",
            ObjectKind::Sequence => "SEQUENCE",
            ObjectKind::View => "VIEW",
            ObjectKind::MaterializedView => "MATERIALIZED VIEW",
            ObjectKind::Type => "TYPE",
            ObjectKind::Domain => "DOMAIN",
            ObjectKind::Schema => "SCHEMA",
            ObjectKind::Database => "DATABASE",
            ObjectKind::Extension => "EXTENSION",
            ObjectKind::Function => "FUNCTION",
            ObjectKind::Procedure => "PROCEDURE",
            ObjectKind::Trigger => "TRIGGER",
            ObjectKind::Policy => "POLICY",
            ObjectKind::Rule => "RULE",
            ObjectKind::Role => "ROLE",
            ObjectKind::Statistics => "STATISTICS",
            ObjectKind::Other => "OBJECT",
        }
    }
}

/// `DROP <kind> [CONCURRENTLY] [IF EXISTS] names [CASCADE]`. For triggers, policies and
/// rules the name's parent is the table (`table.trigger`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drop {
    pub kind: ObjectKind,
    pub names: Vec<Name>,
    pub if_exists: bool,
    pub cascade: bool,
    pub concurrently: bool,
}

/// `ALTER <kind> name RENAME [what] TO new`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rename {
    /// What is renamed: the relation itself, one of its columns, constraints, ...
    pub kind: ObjectKind,
    /// The relation (or the type, schema, function...) the statement names.
    pub object: Name,
    /// What kind `object` is (a column of a view is renamed through the view).
    pub object_kind: ObjectKind,
    /// The old name of a column, constraint, trigger or policy; `None` when the object
    /// itself is renamed.
    pub sub: Option<String>,
    pub new_name: String,
    pub if_exists: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnumChange {
    AddValue {
        value: String,
        /// `BEFORE 'x'` is `(true, x)`, `AFTER 'x'` is `(false, x)`.
        neighbour: Option<(bool, String)>,
        if_not_exists: bool,
    },
    RenameValue {
        from: String,
        to: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeKind {
    Composite,
    Range,
    Domain,
    /// `CREATE TYPE x` (a shell) or a base type with I/O functions.
    Base,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyCommand {
    All,
    Select,
    Insert,
    Update,
    Delete,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatePolicy {
    pub name: String,
    pub table: Name,
    pub permissive: bool,
    pub command: PolicyCommand,
    pub roles: Vec<String>,
    pub using: Option<Expr>,
    pub with_check: Option<Expr>,
}

/// A function or procedure body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FunctionBody {
    /// `AS '...'` / `AS $$...$$` in the function's language; `offset` is the byte offset of
    /// the body's first character in the statement text (to place findings inside it).
    Text {
        body: String,
        offset: Option<usize>,
        /// The body read as PL/pgSQL or SQL (what PostgreSQL checks when the function is
        /// created); `None` for other languages.
        program: Option<Program>,
    },
    /// `BEGIN ATOMIC ... END` (SQL-standard bodies), already parsed.
    Atomic(Vec<Stmt>),
    /// `AS 'obj_file', 'link_symbol'` (C functions).
    External,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateFunction {
    pub name: Name,
    pub procedure: bool,
    pub or_replace: bool,
    /// Lower-cased (`plpgsql`, `sql`, `c`).
    pub language: String,
    /// Argument types in order, for telling overloads apart.
    pub arg_types: Vec<String>,
    pub body: FunctionBody,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateTrigger {
    pub name: String,
    pub table: Name,
    pub or_replace: bool,
    /// The function it runs (PostgreSQL); `None` for SQLite's inline bodies.
    pub function: Option<Name>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommentTarget {
    Table(Name),
    Column {
        table: Name,
        column: String,
    },
    Schema(String),
    Type(Name),
    /// `COMMENT ON <kind> ...` of anything the model keeps no documentation for.
    Other(ObjectKind),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transaction {
    Begin,
    Commit,
    Rollback,
    Savepoint,
    Release,
    RollbackToSavepoint,
    /// `PREPARE TRANSACTION`, `COMMIT PREPARED`, ...
    TwoPhase,
}

/// What a statement that only reads or writes rows targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowsKind {
    Insert,
    Update,
    Delete,
    Merge,
    Copy,
    Select,
    Call,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DoBlock {
    pub language: String,
    pub body: String,
    /// Byte offset of the body's first character in the statement text.
    pub offset: Option<usize>,
    /// The body read as PL/pgSQL; `None` for other languages.
    pub program: Option<Program>,
}

/// A PL/pgSQL body, as the SQL it runs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Program {
    /// Every SQL statement the body runs or may run, in order.
    pub actions: Vec<Action>,
    /// PostgreSQL's PL/pgSQL compiler rejects the body.
    pub error: Option<String>,
}

/// One statement inside a procedural body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    /// 1-based line within the body (line 1 is the line the body starts on) and 1-based
    /// column within that line.
    pub line: u32,
    pub column: u32,
    pub kind: ActionKind,
    pub guard: Guard,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionKind {
    /// Static SQL: written in the body, or a string literal given to `EXECUTE`.
    Sql { stmt: Box<Stmt>, text: String },
    /// `EXECUTE` of SQL built at run time: its expression.
    Dynamic { expr: String },
    /// Static SQL that PostgreSQL's grammar rejects.
    Rejected { text: String, message: String },
}

/// Under what condition an action runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Guard {
    Always,
    /// Guarded against objects that already exist or do not exist yet: inside `IF [NOT]
    /// EXISTS (<catalog query>)`, or a block whose handler ignores `duplicate_*` /
    /// `undefined_*` errors. Replay applies it and ignores "already exists" conflicts.
    Idempotent,
    /// Runs depending on data or a loop: replay cannot tell whether (or how often).
    Conditional,
}

/// One statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stmt {
    CreateTable(CreateTable),
    /// `CREATE TABLE ... AS`, `SELECT ... INTO`, `CREATE MATERIALIZED VIEW`: a relation whose
    /// shape comes from a query.
    CreateTableAs {
        name: Name,
        materialized: bool,
        if_not_exists: bool,
    },
    AlterTable(AlterTable),
    CreateIndex(CreateIndex),
    Drop(Drop),
    Rename(Rename),
    CreateEnum {
        name: Name,
        labels: Vec<String>,
    },
    AlterEnum {
        name: Name,
        change: EnumChange,
    },
    /// A composite, range, base type or domain: `definition` is the text after the name.
    CreateType {
        name: Name,
        kind: TypeKind,
        definition: String,
    },
    CreateExtension {
        name: String,
        if_not_exists: bool,
    },
    CreateSchema {
        name: String,
        if_not_exists: bool,
        /// `CREATE SCHEMA s CREATE TABLE ... CREATE VIEW ...`.
        elements: Vec<Stmt>,
    },
    CreateFunction(CreateFunction),
    CreateTrigger(CreateTrigger),
    CreatePolicy(CreatePolicy),
    /// `ALTER POLICY name ON table ...`: only what it changes is `Some`.
    AlterPolicy {
        name: String,
        table: Name,
        roles: Option<Vec<String>>,
        using: Option<Expr>,
        with_check: Option<Expr>,
    },
    Comment {
        target: CommentTarget,
        text: Option<String>,
    },
    CreateView {
        name: Name,
        or_replace: bool,
        materialized: bool,
    },
    CreateSequence {
        name: Name,
        if_not_exists: bool,
    },
    /// `SET [LOCAL] name = value` / `RESET name`: `value` is `None` for a reset or DEFAULT.
    Set {
        name: String,
        value: Option<String>,
        local: bool,
    },
    Transaction(Transaction),
    Do(DoBlock),
    Rows {
        kind: RowsKind,
        /// The table written (insert, update, delete, merge, copy).
        table: Option<Name>,
    },
    Truncate {
        tables: Vec<Name>,
    },
    /// Everything else, by its command words (`GRANT`, `CREATE STATISTICS`, `REINDEX`,
    /// `VACUUM`, `ALTER SEQUENCE`, ...).
    Other {
        tag: String,
    },
}

impl Stmt {
    /// The words that name the command, for messages (`CREATE TABLE`, `ALTER TYPE`, ...).
    pub fn tag(&self) -> String {
        match self {
            Stmt::CreateTable(_) => "CREATE TABLE".into(),
            Stmt::CreateTableAs {
                materialized: true, ..
            } => "CREATE MATERIALIZED VIEW".into(),
            Stmt::CreateTableAs { .. } => "CREATE TABLE AS".into(),
            Stmt::AlterTable(a) => match a.kind {
                RelationKind::Table => "ALTER TABLE",
                RelationKind::Index => "ALTER INDEX",
                RelationKind::Sequence => "ALTER SEQUENCE",
                RelationKind::View => "ALTER VIEW",
                RelationKind::MaterializedView => "ALTER MATERIALIZED VIEW",
                RelationKind::ForeignTable => "ALTER FOREIGN TABLE",
                RelationKind::Type => "ALTER TYPE",
            }
            .into(),
            Stmt::CreateIndex(_) => "CREATE INDEX".into(),
            Stmt::Drop(d) => format!("DROP {}", d.kind.sql()),
            Stmt::Rename(r) => format!("ALTER {}", r.object_kind.sql()),
            Stmt::CreateEnum { .. } | Stmt::CreateType { .. } => "CREATE TYPE".into(),
            Stmt::AlterEnum { .. } => "ALTER TYPE".into(),
            Stmt::CreateExtension { .. } => "CREATE EXTENSION".into(),
            Stmt::CreateSchema { .. } => "CREATE SCHEMA".into(),
            Stmt::CreateFunction(f) if f.procedure => "CREATE PROCEDURE".into(),
            Stmt::CreateFunction(_) => "CREATE FUNCTION".into(),
            Stmt::CreateTrigger(_) => "CREATE TRIGGER".into(),
            Stmt::CreatePolicy(_) => "CREATE POLICY".into(),
            Stmt::AlterPolicy { .. } => "ALTER POLICY".into(),
            Stmt::Comment { .. } => "COMMENT".into(),
            Stmt::CreateView {
                materialized: true, ..
            } => "CREATE MATERIALIZED VIEW".into(),
            Stmt::CreateView { .. } => "CREATE VIEW".into(),
            Stmt::CreateSequence { .. } => "CREATE SEQUENCE".into(),
            Stmt::Set { .. } => "SET".into(),
            Stmt::Transaction(t) => match t {
                Transaction::Begin => "BEGIN",
                Transaction::Commit => "COMMIT",
                Transaction::Rollback => "ROLLBACK",
                Transaction::Savepoint => "SAVEPOINT",
                Transaction::Release => "RELEASE",
                Transaction::RollbackToSavepoint => "ROLLBACK TO SAVEPOINT",
                Transaction::TwoPhase => "PREPARE TRANSACTION",
            }
            .into(),
            Stmt::Do(_) => "DO".into(),
            Stmt::Rows { kind, .. } => match kind {
                RowsKind::Insert => "INSERT",
                RowsKind::Update => "UPDATE",
                RowsKind::Delete => "DELETE",
                RowsKind::Merge => "MERGE",
                RowsKind::Copy => "COPY",
                RowsKind::Select => "SELECT",
                RowsKind::Call => "CALL",
            }
            .into(),
            Stmt::Truncate { .. } => "TRUNCATE".into(),
            Stmt::Other { tag } => tag.clone(),
        }
    }

    /// The columns a statement defines: CREATE TABLE columns and ALTER TABLE ADD COLUMN.
    pub fn new_columns(&self) -> Vec<NewColumn<'_>> {
        let mut out = Vec::new();
        match self {
            Stmt::CreateTable(ct) => {
                let pk_cols: Vec<&String> = ct
                    .constraints
                    .iter()
                    .filter_map(|c| match &c.kind {
                        ConstraintKind::PrimaryKey { columns, .. } => Some(columns),
                        _ => None,
                    })
                    .flatten()
                    .collect();
                for def in &ct.columns {
                    let inline = def.has(|k| matches!(k, ConstraintKind::PrimaryKey { .. }));
                    out.push(NewColumn {
                        table: &ct.name,
                        def,
                        in_create: true,
                        primary_key: inline || pk_cols.contains(&&def.name),
                    });
                }
            }
            Stmt::AlterTable(at) => {
                for op in &at.ops {
                    if let AlterOp::AddColumn { column, .. } = op {
                        out.push(NewColumn {
                            table: &at.name,
                            def: column,
                            in_create: false,
                            primary_key: column
                                .has(|k| matches!(k, ConstraintKind::PrimaryKey { .. })),
                        });
                    }
                }
            }
            _ => {}
        }
        out
    }

    /// `ALTER TABLE t ALTER COLUMN c TYPE ...`: (table, column, new type, COLLATE, USING).
    pub fn type_changes(&self) -> Vec<TypeChange<'_>> {
        let mut out = Vec::new();
        if let Stmt::AlterTable(at) = self {
            for op in &at.ops {
                if let AlterOp::AlterType {
                    column,
                    ty,
                    collation,
                    using,
                } = op
                {
                    out.push(TypeChange {
                        table: &at.name,
                        column,
                        ty,
                        collation: collation.as_ref(),
                        using: using.as_ref(),
                    });
                }
            }
        }
        out
    }
}

/// A column definition a statement introduces, with its table.
pub struct NewColumn<'a> {
    pub table: &'a Name,
    pub def: &'a ColumnDef,
    /// Part of a CREATE TABLE (rather than ALTER TABLE ... ADD COLUMN).
    pub in_create: bool,
    /// Declared as (part of) the primary key, inline or by a table constraint.
    pub primary_key: bool,
}

pub struct TypeChange<'a> {
    pub table: &'a Name,
    pub column: &'a str,
    pub ty: &'a TypeName,
    pub collation: Option<&'a Name>,
    pub using: Option<&'a Expr>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_print_quoted_only_when_needed() {
        let n = Name::new(vec!["public".into(), "Orders".into()]);
        assert_eq!(n.to_string(), "public.\"Orders\"");
        assert_eq!(Name::single("order_lines").to_string(), "order_lines");
        assert_eq!(Name::single("a\"b").to_string(), "\"a\"\"b\"");
        assert_eq!(Name::single("1st").to_string(), "\"1st\"");
        assert_eq!(n.last(), "Orders");
        assert_eq!(n.schema(), Some("public"));
        assert_eq!(Name::single("x").schema(), None);
    }
}
