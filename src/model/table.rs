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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Column {
    pub name: Name,
    #[serde(rename = "type")]
    pub ty: ColumnType,
    pub nullable: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<DefaultValue>,
    /// `GENERATED ALWAYS AS (<expr>) STORED`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generated: Option<String>,
    /// `GENERATED { ALWAYS | BY DEFAULT } AS IDENTITY`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<Identity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc: Option<Box<str>>,
    /// The column's previous name, so a diff renames instead of dropping and adding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<Box<str>>,
    #[serde(skip)]
    pub origin: Origin,
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
