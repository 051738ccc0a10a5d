use super::{AsWritten, ColumnType, Name, Origin, QName};
use serde::{Deserialize, Serialize};

/// How a table relates to tenancy; guard rules and invariant helpers read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Scope {
    /// Not declared either way; the tenant-boundary rule asks for a decision.
    #[default]
    Unspecified,
    /// Carries the tenant column (e.g. `biz_id`) with its FK and `(tenant, id)` unique.
    Tenant { column: String },
    /// Deliberately outside any tenant (roots, catalogs, user-owned wallets), with a reason.
    Global { reason: String },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Table {
    pub name: QName,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
    pub columns: Vec<Column>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_key: Option<PrimaryKey>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub uniques: Vec<UniqueConstraint>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<Check>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub excludes: Vec<Exclude>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub foreign_keys: Vec<ForeignKey>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indexes: Vec<Index>,
    #[serde(default, skip_serializing_if = "Rls::is_off")]
    pub rls: Rls,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub policies: Vec<Policy>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub triggers: Vec<Trigger>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition_by: Option<PartitionBy>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub partitions: Vec<Partition>,
    /// Facts that have no SQL object of their own: scope, domain, append-only.
    #[serde(default)]
    pub meta: TableMeta,
    #[serde(skip)]
    pub origin: Origin,
}

/// Facts about a table that no single SQL object states: guard rules read them, and the
/// dialects enforce `append_only` with objects of their own (`Dialect::stored`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct TableMeta {
    #[serde(default)]
    pub scope: Scope,
    /// The domain (module) the table belongs to, for layering rules and graphs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    /// The database rejects UPDATE and DELETE on this table.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub append_only: bool,
    /// Per-table guard suppressions: rule code and the reason.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allow: Vec<Allow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Allow {
    pub code: String,
    pub reason: String,
}

impl Table {
    pub fn new(name: impl Into<QName>, origin: Origin) -> Self {
        Table {
            name: name.into(),
            doc: None,
            columns: Vec::new(),
            primary_key: None,
            uniques: Vec::new(),
            checks: Vec::new(),
            excludes: Vec::new(),
            foreign_keys: Vec::new(),
            indexes: Vec::new(),
            rls: Rls::default(),
            policies: Vec::new(),
            triggers: Vec::new(),
            partition_by: None,
            partitions: Vec::new(),
            meta: TableMeta::default(),
            origin,
        }
    }

    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    pub fn has_column(&self, name: &str) -> bool {
        self.column(name).is_some()
    }

    /// True when `columns` (in any order) is exactly the primary key, a unique constraint, or
    /// a full (non-partial, plain-column) unique index: what a foreign key may reference.
    pub fn has_unique_key<S: AsRef<str>>(&self, columns: &[S]) -> bool {
        self.unique_key_kind(columns).is_some()
    }

    /// Which declared object makes `columns` a referenceable key.
    pub fn unique_key_kind<S: AsRef<str>>(&self, columns: &[S]) -> Option<KeyKind> {
        let same = |other: &[Name]| {
            other.len() == columns.len()
                && columns
                    .iter()
                    .all(|c| other.iter().any(|o| o == c.as_ref()))
        };
        if self
            .primary_key
            .as_ref()
            .is_some_and(|pk| same(&pk.columns))
        {
            return Some(KeyKind::PrimaryKey);
        }
        if self.uniques.iter().any(|u| same(&u.columns)) {
            return Some(KeyKind::UniqueConstraint);
        }
        let index_cols = |ix: &Index| -> Option<Vec<Name>> {
            ix.parts
                .iter()
                .map(|p| match &p.key {
                    IndexKey::Column(c) => Some(c.clone()),
                    IndexKey::Expression(_) => None,
                })
                .collect()
        };
        if self.indexes.iter().any(|ix| {
            ix.unique && ix.predicate.is_none() && index_cols(ix).is_some_and(|cols| same(&cols))
        }) {
            return Some(KeyKind::UniqueIndex);
        }
        None
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    PrimaryKey,
    UniqueConstraint,
    UniqueIndex,
}

#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(from = "ColumnFields", into = "ColumnFields")]
pub struct Column {
    pub name: Name,
    pub ty: ColumnType,
    pub nullable: bool,
    pub default: Option<DefaultValue>,
    /// `GENERATED { ALWAYS | BY DEFAULT } AS IDENTITY`.
    pub identity: Option<Identity>,
    /// What few columns have: see [`Column::generated`], [`Column::collation`],
    /// [`Column::doc`] and [`Column::renamed_from`].
    notes: ColumnNotes,
    pub origin: Origin,
}

/// A column's rarely set parts, kept out of line: a large schema's columns mostly have none,
/// and every byte of a column is paid for tens of thousands of times.
#[derive(Debug, Clone, Default)]
struct ColumnNotes(Option<Box<Notes>>);

#[derive(Debug, Clone, Default, PartialEq)]
struct Notes {
    generated: Option<String>,
    collation: Option<QName>,
    doc: Option<Box<str>>,
    renamed_from: Option<Box<str>>,
}

impl ColumnNotes {
    const NONE: &'static Notes = &Notes {
        generated: None,
        collation: None,
        doc: None,
        renamed_from: None,
    };

    fn get(&self) -> &Notes {
        self.0.as_deref().unwrap_or(Self::NONE)
    }

    /// Changes the notes through `change`, and lets go of them when none is left.
    fn change<T>(&mut self, change: impl FnOnce(&mut Notes) -> T) -> T {
        let notes = self.0.get_or_insert_with(Box::default);
        let out = change(notes);
        if **notes == *Self::NONE {
            self.0 = None;
        }
        out
    }
}

impl PartialEq for ColumnNotes {
    fn eq(&self, other: &Self) -> bool {
        self.get() == other.get()
    }
}

impl Column {
    /// A column with no default, identity, generation expression, collation, comment or
    /// previous name.
    pub fn new(name: impl Into<Name>, ty: ColumnType, nullable: bool, origin: Origin) -> Self {
        Column {
            name: name.into(),
            ty,
            nullable,
            default: None,
            identity: None,
            notes: ColumnNotes::default(),
            origin,
        }
    }

    /// `GENERATED ALWAYS AS (<expr>) STORED`: the expression.
    pub fn generated(&self) -> Option<&str> {
        self.notes.get().generated.as_deref()
    }

    pub fn set_generated(&mut self, expression: Option<String>) {
        if expression.is_some() || self.generated().is_some() {
            self.notes.change(|n| n.generated = expression);
        }
    }

    /// Changes the generation expression in place, if there is one.
    pub fn edit_generated<T>(&mut self, edit: impl FnOnce(&mut String) -> T) -> Option<T> {
        self.generated()?;
        self.notes.change(|n| n.generated.as_mut().map(edit))
    }

    /// `COLLATE <name>`: the column's own collation, when it is not its type's.
    pub fn collation(&self) -> Option<&QName> {
        self.notes.get().collation.as_ref()
    }

    pub fn set_collation(&mut self, collation: Option<QName>) {
        if collation.is_some() || self.collation().is_some() {
            self.notes.change(|n| n.collation = collation);
        }
    }

    /// The column's comment.
    pub fn doc(&self) -> Option<&str> {
        self.notes.get().doc.as_deref()
    }

    pub fn set_doc(&mut self, doc: Option<Box<str>>) {
        if doc.is_some() || self.doc().is_some() {
            self.notes.change(|n| n.doc = doc);
        }
    }

    /// The column's previous name, so a diff renames instead of dropping and adding.
    pub fn renamed_from(&self) -> Option<&str> {
        self.notes.get().renamed_from.as_deref()
    }

    pub fn set_renamed_from(&mut self, from: Option<Box<str>>) {
        if from.is_some() || self.renamed_from().is_some() {
            self.notes.change(|n| n.renamed_from = from);
        }
    }

    /// The previous name, taken off the column.
    pub fn take_renamed_from(&mut self) -> Option<Box<str>> {
        self.renamed_from()?;
        self.notes.change(|n| n.renamed_from.take())
    }
}

impl std::fmt::Debug for Column {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Column")
            .field("name", &self.name)
            .field("ty", &self.ty)
            .field("nullable", &self.nullable)
            .field("default", &self.default)
            .field("generated", &self.generated())
            .field("collation", &self.collation())
            .field("identity", &self.identity)
            .field("doc", &self.doc())
            .field("renamed_from", &self.renamed_from())
            .field("origin", &self.origin)
            .finish()
    }
}

/// [`Column`] as it is read and written: every part a field of its own.
#[derive(Serialize, Deserialize)]
struct ColumnFields {
    name: Name,
    #[serde(rename = "type")]
    ty: ColumnType,
    nullable: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    default: Option<DefaultValue>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    generated: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    collation: Option<QName>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    identity: Option<Identity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    doc: Option<Box<str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    renamed_from: Option<Box<str>>,
}

impl From<ColumnFields> for Column {
    fn from(f: ColumnFields) -> Self {
        let mut c = Column::new(f.name, f.ty, f.nullable, Origin::default());
        c.default = f.default;
        c.identity = f.identity;
        c.set_generated(f.generated);
        c.set_collation(f.collation);
        c.set_doc(f.doc);
        c.set_renamed_from(f.renamed_from);
        c
    }
}

impl From<Column> for ColumnFields {
    fn from(c: Column) -> Self {
        let notes = c.notes.0.map(|n| *n).unwrap_or_default();
        ColumnFields {
            name: c.name,
            ty: c.ty,
            nullable: c.nullable,
            default: c.default,
            generated: notes.generated,
            collation: notes.collation,
            identity: c.identity,
            doc: notes.doc,
            renamed_from: notes.renamed_from,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Identity {
    Always,
    ByDefault,
}

/// A column default. `Now` and `RandomUuid` are named because dialects spell them differently.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
pub enum DefaultValue {
    Now,
    RandomUuid,
    Bool(bool),
    Int(i64),
    /// A decimal literal kept as text so `0.00` stays `0.00`.
    Number(String),
    Text(String),
    /// An enum label of the column's enum type.
    EnumValue(String),
    /// Any other expression, verbatim SQL.
    Expression(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrimaryKey {
    pub name: Name,
    pub columns: Vec<Name>,
    #[serde(skip)]
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UniqueConstraint {
    pub name: Name,
    pub columns: Vec<Name>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub nulls_not_distinct: bool,
    #[serde(skip)]
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    pub name: Name,
    /// The boolean expression, verbatim SQL.
    pub expression: String,
    #[serde(skip)]
    pub origin: Origin,
}

/// `EXCLUDE USING <method> (<element> WITH <operator>, ...) [WHERE (<predicate>)]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exclude {
    pub name: String,
    pub method: IndexMethod,
    pub elements: Vec<ExcludeElement>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub predicate: Option<String>,
    #[serde(skip)]
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExcludeElement {
    /// A column name or a parenthesised expression, e.g. `tstzrange(starts_at, ends_at, '[)')`.
    pub expression: String,
    pub operator: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum FkAction {
    #[default]
    NoAction,
    Restrict,
    Cascade,
    SetNull,
    SetDefault,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Deferrable {
    #[default]
    NotDeferrable,
    InitiallyImmediate,
    InitiallyDeferred,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForeignKey {
    pub name: Name,
    pub columns: Vec<Name>,
    pub ref_table: QName,
    pub ref_columns: Vec<Name>,
    #[serde(default)]
    pub on_delete: FkAction,
    #[serde(default)]
    pub on_update: FkAction,
    #[serde(default)]
    pub deferrable: Deferrable,
    #[serde(skip)]
    pub origin: Origin,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum IndexMethod {
    #[default]
    Btree,
    Hash,
    Gin,
    Gist,
    Spgist,
    Brin,
}

impl IndexMethod {
    pub fn as_sql(self) -> &'static str {
        match self {
            IndexMethod::Btree => "btree",
            IndexMethod::Hash => "hash",
            IndexMethod::Gin => "gin",
            IndexMethod::Gist => "gist",
            IndexMethod::Spgist => "spgist",
            IndexMethod::Brin => "brin",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s.to_ascii_lowercase().as_str() {
            "btree" => IndexMethod::Btree,
            "hash" => IndexMethod::Hash,
            "gin" => IndexMethod::Gin,
            "gist" => IndexMethod::Gist,
            "spgist" => IndexMethod::Spgist,
            "brin" => IndexMethod::Brin,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
pub enum IndexKey {
    Column(Name),
    /// An expression, verbatim SQL without the surrounding parentheses.
    Expression(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexPart {
    pub key: IndexKey,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opclass: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub descending: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Index {
    pub name: Name,
    pub parts: Vec<IndexPart>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unique: bool,
    #[serde(default)]
    pub method: IndexMethod,
    /// A partial index's WHERE predicate, verbatim SQL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub predicate: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub include: Vec<Name>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub nulls_not_distinct: bool,
    #[serde(skip)]
    pub origin: Origin,
}

impl Index {
    /// The plain columns this index leads with, up to the first expression.
    pub fn leading_columns(&self) -> Vec<&str> {
        self.parts
            .iter()
            .map_while(|p| match &p.key {
                IndexKey::Column(c) => Some(c.as_str()),
                IndexKey::Expression(_) => None,
            })
            .collect()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Rls {
    pub enabled: bool,
    pub forced: bool,
}

impl Rls {
    pub fn is_off(&self) -> bool {
        !self.enabled && !self.forced
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum PolicyCommand {
    #[default]
    All,
    Select,
    Insert,
    Update,
    Delete,
}

impl PolicyCommand {
    pub fn as_sql(self) -> &'static str {
        match self {
            PolicyCommand::All => "ALL",
            PolicyCommand::Select => "SELECT",
            PolicyCommand::Insert => "INSERT",
            PolicyCommand::Update => "UPDATE",
            PolicyCommand::Delete => "DELETE",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    pub name: String,
    pub command: PolicyCommand,
    /// Permissive (the default) or restrictive.
    pub permissive: bool,
    /// Roles the policy applies to; empty means `PUBLIC`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub using: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub with_check: Option<String>,
    #[serde(skip)]
    pub origin: Origin,
}

/// A trigger kept as opaque SQL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trigger {
    pub name: String,
    /// The complete `CREATE TRIGGER ...` statement, without a trailing semicolon.
    pub sql: String,
    #[serde(skip)]
    pub written: AsWritten,
    #[serde(skip)]
    pub origin: Origin,
}

impl Trigger {
    /// The statement to write out: as its author wrote it when known.
    pub fn statement(&self) -> &str {
        self.written.0.as_deref().unwrap_or(&self.sql)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartitionStrategy {
    Range,
    List,
    Hash,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartitionBy {
    pub strategy: PartitionStrategy,
    /// Partition key columns or expressions.
    pub keys: Vec<String>,
}

/// A partition declared with its parent: `CREATE TABLE <name> PARTITION OF <parent> <bound>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Partition {
    pub name: QName,
    /// `FOR VALUES FROM (...) TO (...)`, `FOR VALUES IN (...)`, or `DEFAULT`.
    pub bound: String,
    #[serde(skip)]
    pub origin: Origin,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain() -> Column {
        Column::new("total", ColumnType::Text, true, Origin::default())
    }

    /// Out of line or not, a column's rare parts are read and written as fields of their
    /// own, absent when unset.
    #[test]
    fn a_column_reads_and_writes_its_rare_parts_as_fields() {
        let mut c = plain();
        c.set_generated(Some("price || qty".into()));
        c.set_renamed_from(Some("sum".into()));
        c.set_collation(Some(QName::parse("app.ci")));
        let json = serde_json::to_string(&c).unwrap();
        assert!(json.contains(r#""generated":"price || qty""#), "{json}");
        assert!(
            json.contains(r#""collation":{"schema":"app","name":"ci"}"#),
            "{json}"
        );
        assert!(json.contains(r#""renamed_from":"sum""#), "{json}");
        assert!(!json.contains("doc"), "{json}");
        assert_eq!(serde_json::from_str::<Column>(&json).unwrap(), c);
        let bare = serde_json::to_string(&plain()).unwrap();
        assert!(
            !bare.contains("generated")
                && !bare.contains("renamed_from")
                && !bare.contains("collation"),
            "{bare}"
        );
    }

    /// A large schema holds tens of thousands of columns; a field added inline is paid for in
    /// each (see `ColumnNotes` for the rarely set ones).
    #[test]
    fn a_column_stays_small() {
        assert!(std::mem::size_of::<Column>() <= 128);
    }

    /// Clearing the last rare part lets go of the notes: the column equals one that never
    /// had any, and holds nothing out of line.
    #[test]
    fn cleared_notes_are_no_notes() {
        let mut c = plain();
        c.set_doc(Some("what the row costs".into()));
        c.set_generated(Some("1".into()));
        assert_ne!(c, plain());
        assert_eq!(c.edit_generated(|g| g.push('0')), Some(()));
        assert_eq!(c.generated(), Some("10"));
        c.set_doc(None);
        c.set_generated(None);
        assert_eq!(c, plain());
        assert!(c.notes.0.is_none());
        assert_eq!(c.edit_generated(|g| g.push('0')), None);
    }
}
