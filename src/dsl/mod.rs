//! The Rust DSL: declare a schema as code and build it into the [`Schema`] model.
//!
//! Every builder method is `#[track_caller]`, so each object remembers the DSL line that
//! declared it and diagnostics point there. Building never stops at the first mistake: all
//! problems are collected and [`SchemaBuilder::build`] reports them together.

mod invariants;
use crate::model::names;
mod types;

pub use invariants::{Conventions, OverlapSpec, Window};
pub use types::*;

use crate::diag::{Diagnostic, Diagnostics};
use crate::model::fast_hash::FastMap;
use crate::model::*;

/// A table handle: declare one as a `const` per table, so a misspelt reference does not compile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableRef {
    pub schema: Option<&'static str>,
    pub name: &'static str,
}

impl TableRef {
    pub const fn new(name: &'static str) -> Self {
        TableRef { schema: None, name }
    }

    pub const fn in_schema(schema: &'static str, name: &'static str) -> Self {
        TableRef {
            schema: Some(schema),
            name,
        }
    }

    pub fn qname(&self) -> QName {
        QName {
            schema: self.schema.map(Name::from),
            name: self.name.into(),
        }
    }
}

/// A DSL handle's `(schema, name)`.
type StaticName = (Option<&'static str>, &'static str);

/// A requirement that can only be checked once every table is declared. A large schema
/// makes one per tenant-safe reference, so that kind is two indexes into the model; the
/// rare helper kinds are boxed.
#[derive(Debug, Clone)]
pub(crate) enum Deferred {
    /// The `fk`th foreign key of the `table`th table is tenant-safe: its target must be
    /// tenant-scoped with a `(tenant, id)` key. (The builder only ever appends tables and
    /// foreign keys, so the indexes hold.)
    TenantScopedTarget {
        table: usize,
        fk: usize,
    },
    HelperColumns(Box<HelperColumns>),
    HelperEnumLabels(Box<HelperEnumLabels>),
}

/// An invariant helper wrote SQL naming these columns of `table` (checks, predicates),
/// which the model cannot see inside expressions; each must exist once the table is done.
#[derive(Debug, Clone)]
pub(crate) struct HelperColumns {
    table: QName,
    helper: &'static str,
    columns: Vec<String>,
    origin: Origin,
}

/// An invariant helper compares `column` with these labels; the column must be of an enum
/// type that has them, or the comparison silently never matches.
#[derive(Debug, Clone)]
pub(crate) struct HelperEnumLabels {
    table: QName,
    helper: &'static str,
    column: String,
    labels: Vec<String>,
    origin: Origin,
}

/// Collects a schema's declarations.
#[derive(Debug, Default)]
pub struct SchemaBuilder {
    schema: Schema,
    conventions: Conventions,
    domain: Option<String>,
    /// Position of each declared table in `schema.tables`, for constant-time duplicate
    /// checks; keyed by the handle's `(schema, name)`, which are static, so no key is built.
    table_index: FastMap<StaticName, usize>,
    /// Position of each enum in `schema.enums`, and the values it was first declared with:
    /// every `enum_of` column registers its enum, mostly from that same static list.
    enum_index: FastMap<StaticName, (usize, &'static [&'static str])>,
    errors: Vec<Diagnostic>,
    pub(crate) deferred: Vec<Deferred>,
}

impl SchemaBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the names the invariant helpers use (tenant column, tenant and user tables).
    pub fn with_conventions(conventions: Conventions) -> Self {
        SchemaBuilder {
            conventions,
            ..Self::default()
        }
    }

    pub fn conventions(&self) -> &Conventions {
        &self.conventions
    }

    /// Tables declared from now on belong to `domain` (a module), for layering and graphs.
    pub fn domain(&mut self, domain: &str) -> &mut Self {
        self.domain = Some(domain.to_string());
        self
    }

    #[track_caller]
    pub fn extension(&mut self, name: &str) -> &mut Self {
        if !self.schema.extensions.iter().any(|e| e.name == name) {
            self.schema.extensions.push(Extension {
                name: name.to_string(),
                origin: Origin::caller(),
            });
        }
        self
    }

    /// A PostgreSQL schema (namespace) besides `public`.
    #[track_caller]
    pub fn namespace(&mut self, name: &str, doc: &str) -> &mut Self {
        let origin = Origin::caller();
        if self.schema.namespaces.iter().any(|n| n.name == name) {
            self.errors.push(
                Diagnostic::error(
                    "schema::duplicate",
                    format!("schema `{name}` is declared twice"),
                )
                .at(&origin),
            );
        } else {
            self.schema.namespaces.push(Namespace {
                name: name.to_string(),
                doc: Some(doc.to_string()),
                origin,
            });
        }
        self
    }

    /// Registers an enum; columns using [`enum_of`] do this themselves.
    #[track_caller]
    pub fn enumeration(&mut self, def: EnumDef) -> &mut Self {
        self.register_enum(def, Origin::caller());
        self
    }

    fn register_enum(&mut self, def: EnumDef, origin: Origin) {
        let existing = self.enum_index.get(&(def.schema, def.name));
        if existing.is_some_and(|&(_, first)| std::ptr::eq(first, def.values)) {
            return;
        }
        let existing = existing.map(|&(i, _)| &self.schema.enums[i]);
        let same = |e: &EnumType| {
            e.values
                .iter()
                .map(String::as_str)
                .eq(def.values.iter().copied())
        };
        match existing {
            Some(existing) if !same(existing) => self.errors.push(
                Diagnostic::error(
                    "schema::duplicate",
                    format!(
                        "enum `{}` is declared twice with different values",
                        def.qname()
                    ),
                )
                .at(&origin)
                .help(format!("first declared at {}", existing.origin)),
            ),
            Some(_) => {}
            None => {
                self.enum_index.insert(
                    (def.schema, def.name),
                    (self.schema.enums.len(), def.values),
                );
                self.schema.enums.push(EnumType {
                    name: def.qname(),
                    values: def.values.iter().map(|v| v.to_string()).collect(),
                    doc: None,
                    renamed_values: Vec::new(),
                    origin,
                });
            }
        }
    }

    /// Says that `def`'s value `to` is the value `from` renamed, so `generate` renames it
    /// (`ALTER TYPE ... RENAME VALUE`) instead of removing one value and adding another.
    /// Keep the hint until every database has run the migration, as with `renamed_from`.
    #[track_caller]
    pub fn enum_value_renamed(&mut self, def: EnumDef, from: &str, to: &str) -> &mut Self {
        let origin = Origin::caller();
        self.register_enum(def, origin.clone());
        if !def.values.contains(&to) || def.values.contains(&from) {
            self.errors.push(
                Diagnostic::error(
                    "schema::bad-rename",
                    format!(
                        "enum `{}`: a rename from `{from}` to `{to}` needs `{to}` among its values and `{from}` no longer",
                        def.qname()
                    ),
                )
                .at(&origin)
                .help("the hint names the old value and the new one as the enum now declares it"),
            );
            return self;
        }
        let name = def.qname();
        if let Some(e) = self.schema.enums.iter_mut().find(|e| e.name == name) {
            e.renamed_values.push((from.to_string(), to.to_string()));
        }
        self
    }

    /// A custom type (`CREATE TYPE name <definition>`) or domain, kept verbatim.
    #[track_caller]
    pub fn custom_type(&mut self, name: &str, kind: CustomTypeKind, definition: &str) -> &mut Self {
        self.schema.custom_types.push(CustomType {
            name: QName::parse(name),
            definition: definition.to_string(),
            kind,
            origin: Origin::caller(),
        });
        self
    }

    /// A function as a complete `CREATE FUNCTION` statement.
    #[track_caller]
    pub fn function(&mut self, name: &str, sql: &str) -> &mut Self {
        let name = QName::parse(name);
        if !self.schema.functions.iter().any(|f| f.name == name) {
            self.schema.functions.push(Function {
                name,
                sql: crate::sql::replay::without_or_replace(sql.trim().trim_end_matches(';')),
                written: AsWritten::default(),
                origin: Origin::caller(),
            });
        }
        self
    }

    /// A view as a complete `CREATE [MATERIALIZED] VIEW name AS ...` statement. Views are
    /// created after every table, in declaration order.
    #[track_caller]
    pub fn view(&mut self, name: &str, sql: &str) -> &mut Self {
        let origin = Origin::caller();
        let name = QName::parse(name);
        let sql = sql.trim().trim_end_matches(';').to_string();
        let materialized = sql
            .split_whitespace()
            .take(4)
            .any(|w| w.eq_ignore_ascii_case("MATERIALIZED"));
        if self.schema.views.iter().any(|v| v.name == name) {
            self.errors.push(
                Diagnostic::error(
                    "schema::duplicate-view",
                    format!("view `{name}` is declared twice"),
                )
                .at(&origin)
                .help("declare each view once"),
            );
            return self;
        }
        self.schema.views.push(View {
            name,
            materialized,
            sql,
            written: AsWritten::default(),
            origin,
        });
        self
    }

    /// Starts a table. Declaring the same table twice is an error reported at build time.
    #[track_caller]
    pub fn table(&mut self, table: TableRef) -> TableBuilder<'_> {
        let origin = Origin::caller();
        let name = table.qname();
        let key = (table.schema, table.name);
        if let Some(&existing) = self.table_index.get(&key) {
            let first = self.schema.tables[existing].origin.clone();
            self.errors.push(
                Diagnostic::error(
                    "schema::duplicate",
                    format!("table `{name}` is declared twice"),
                )
                .at(&origin)
                .help(format!("first declared at {first}; rename one of them")),
            );
        }
        if let Some(finished) = self.schema.tables.last_mut() {
            shrink_finished(finished);
        }
        let index = self.schema.tables.len();
        self.table_index.entry(key).or_insert(index);
        let mut t = Table::new(name, origin);
        // Room for a typical table's columns at once, rather than growing (and copying) the
        // list several times; what is left over is given back when the next table starts.
        t.columns.reserve(COLUMNS_RESERVED);
        t.meta.domain = self.domain.clone();
        self.schema.tables.push(t);
        TableBuilder {
            builder: self,
            index,
        }
    }

    /// Checks the whole model and returns it, or every problem found.
    pub fn build(self) -> Result<Schema, Diagnostics> {
        let SchemaBuilder {
            mut schema,
            errors,
            deferred,
            conventions,
            ..
        } = self;
        if let Some(last) = schema.tables.last_mut() {
            shrink_finished(last);
        }
        let mut all = Diagnostics(errors);
        let lookups = crate::validate::Lookups::new(&schema);
        for d in crate::validate::validate_using(&schema, &lookups).0 {
            all.push(d);
        }
        for d in invariants::check_deferred(&schema, &lookups, &deferred, &conventions) {
            all.push(d);
        }
        if all.is_empty() {
            Ok(schema)
        } else {
            Err(all)
        }
    }
}

/// Declares one table. Methods chain: `s.table(USERS).doc("..").col("email", text())`.
pub struct TableBuilder<'a> {
    builder: &'a mut SchemaBuilder,
    index: usize,
}

/// How many columns a new table has room for before its list grows.
const COLUMNS_RESERVED: usize = 16;

/// Gives back what a finished table's lists grew beyond their length, while the next
/// table's small allocations can still reuse it (a large schema's model is about a fifth
/// smaller). Run when the next table starts, not when a `TableBuilder` drops: a `Drop` on the
/// builder would hold its borrow of the `SchemaBuilder` to the end of the caller's scope.
fn shrink_finished(t: &mut Table) {
    t.columns.shrink_to_fit();
    t.uniques.shrink_to_fit();
    t.checks.shrink_to_fit();
    t.excludes.shrink_to_fit();
    t.foreign_keys.shrink_to_fit();
    t.indexes.shrink_to_fit();
    t.policies.shrink_to_fit();
    t.triggers.shrink_to_fit();
    t.partitions.shrink_to_fit();
}

impl TableBuilder<'_> {
    pub(crate) fn table_mut(&mut self) -> &mut Table {
        &mut self.builder.schema.tables[self.index]
    }

    pub(crate) fn table(&self) -> &Table {
        &self.builder.schema.tables[self.index]
    }

    pub(crate) fn schema_builder(&mut self) -> &mut SchemaBuilder {
        self.builder
    }

    /// Applies a reusable building block: any `fn(&mut TableBuilder)`.
    pub fn with(&mut self, block: impl FnOnce(&mut Self)) -> &mut Self {
        block(self);
        self
    }

    /// What the table is, why it exists and how it connects; becomes COMMENT ON TABLE.
    pub fn doc(&mut self, doc: &str) -> &mut Self {
        self.table_mut().doc = Some(doc.trim().to_string());
        self
    }

    #[track_caller]
    pub fn col(&mut self, name: &str, spec: ColumnSpec) -> &mut Self {
        let origin = Origin::caller();
        if let Some(def) = spec.enum_def {
            self.builder.register_enum(def, origin.clone());
        }
        let table = self.table_mut();
        if table.has_column(name) {
            let msg = format!(
                "column `{name}` is declared twice in table `{}`",
                table.name
            );
            self.builder
                .errors
                .push(Diagnostic::error("schema::duplicate", msg).at(&origin));
            return self;
        }
        let mut column = Column::new(name, spec.ty, spec.nullable, origin.clone());
        column.default = spec.default;
        column.identity = spec.identity;
        column.set_generated(spec.generated);
        column.set_collation(spec.collation.as_deref().map(QName::parse));
        column.set_doc(spec.doc.map(String::into_boxed_str));
        column.set_renamed_from(spec.renamed_from.map(String::into_boxed_str));
        table.columns.push(column);
        if spec.unique {
            let cols = vec![Name::from(name)];
            table.uniques.push(UniqueConstraint {
                name: names::unique(&table.name.name, &cols),
                columns: cols,
                nulls_not_distinct: false,
                origin,
            });
        }
        self
    }

    /// A text primary key `id` whose values the application makes as `<tag>_<unique part>`;
    /// a CHECK keeps rows of other tables' ids out.
    #[track_caller]
    pub fn id_tagged(&mut self, tag: &str) -> &mut Self {
        let origin = Origin::caller();
        self.col(
            "id",
            text().doc(&format!(
                "`{tag}_` followed by a KSUID, made by the application"
            )),
        );
        self.primary_key_at(&["id"], origin.clone());
        let name = names::check(&self.table().name.name, "id_tag");
        self.table_mut().checks.push(Check {
            name,
            expression: format!("starts_with(id, '{tag}_')"),
            origin,
        });
        self
    }

    /// A `uuid` primary key `id` with a database default.
    #[track_caller]
    pub fn id_uuid(&mut self) -> &mut Self {
        let origin = Origin::caller();
        self.col("id", uuid().default_random_uuid());
        self.primary_key_at(&["id"], origin)
    }

    #[track_caller]
    pub fn primary_key<const N: usize>(&mut self, cols: [&str; N]) -> &mut Self {
        self.primary_key_at(&cols, Origin::caller())
    }

    fn primary_key_at(&mut self, cols: &[&str], origin: Origin) -> &mut Self {
        let name = names::primary_key(&self.table().name.name);
        let table = self.table_mut();
        if table.primary_key.is_some() {
            let msg = format!("table `{}` declares a second primary key", table.name);
            self.builder
                .errors
                .push(Diagnostic::error("schema::duplicate", msg).at(&origin));
            return self;
        }
        table.primary_key = Some(PrimaryKey {
            name,
            columns: name_list(cols),
            origin,
        });
        self
    }

    /// A unique constraint `<table>_<cols>_unique`.
    #[track_caller]
    pub fn unique<const N: usize>(&mut self, cols: [&str; N]) -> &mut Self {
        let origin = Origin::caller();
        let cols = name_list(&cols);
        let name = names::unique(&self.table().name.name, &cols);
        self.table_mut().uniques.push(UniqueConstraint {
            name,
            columns: cols,
            nulls_not_distinct: false,
            origin,
        });
        self
    }

    /// A primary key with a name of its own (a schema `pull`ed from a database whose names
    /// do not follow the convention).
    #[track_caller]
    pub fn primary_key_named(&mut self, name: &str, cols: &[&str]) -> &mut Self {
        let origin = Origin::caller();
        self.primary_key_at(cols, origin);
        if let Some(pk) = &mut self.table_mut().primary_key {
            pk.name = name.into();
        }
        self
    }

    /// A unique constraint with a name of its own; `nulls_not_distinct` as PostgreSQL 15 has it.
    #[track_caller]
    pub fn unique_named(
        &mut self,
        name: &str,
        cols: &[&str],
        nulls_not_distinct: bool,
    ) -> &mut Self {
        let origin = Origin::caller();
        self.table_mut().uniques.push(UniqueConstraint {
            name: name.into(),
            columns: name_list(cols),
            nulls_not_distinct,
            origin,
        });
        self
    }

    /// A CHECK with a name of its own.
    #[track_caller]
    pub fn check_named(&mut self, name: &str, expression: &str) -> &mut Self {
        let origin = Origin::caller();
        self.table_mut().checks.push(Check {
            name: name.into(),
            expression: expression.trim().to_string(),
            origin,
        });
        self
    }

    /// An exclusion constraint with a name of its own.
    #[track_caller]
    pub fn exclude_named(
        &mut self,
        name: &str,
        method: IndexMethod,
        elements: &[(&str, &str)],
        predicate: Option<&str>,
    ) -> &mut Self {
        let origin = Origin::caller();
        self.table_mut().excludes.push(Exclude {
            name: name.to_string(),
            method,
            elements: elements
                .iter()
                .map(|(e, op)| ExcludeElement {
                    expression: e.to_string(),
                    operator: op.to_string(),
                })
                .collect(),
            predicate: predicate.map(str::to_string),
            origin,
        });
        self
    }

    /// A plain btree index `<table>_<cols>_idx`.
    #[track_caller]
    pub fn index<const N: usize>(&mut self, cols: [&str; N]) -> &mut Self {
        let origin = Origin::caller();
        self.push_index(IndexSpec::columns(&cols), origin)
    }

    /// An index with options: `.index_with(["a"], |i| i.method(IndexMethod::Gin))`.
    #[track_caller]
    pub fn index_with<const N: usize>(
        &mut self,
        cols: [&str; N],
        configure: impl FnOnce(IndexSpec) -> IndexSpec,
    ) -> &mut Self {
        let origin = Origin::caller();
        self.push_index(configure(IndexSpec::columns(&cols)), origin)
    }

    /// An expression index: `.index_on(IndexSpec::expression("lower(email)").unique())`.
    #[track_caller]
    pub fn index_on(&mut self, spec: IndexSpec) -> &mut Self {
        let origin = Origin::caller();
        self.push_index(spec, origin)
    }

    /// A unique index, optionally partial: the form that survives every push and diff.
    #[track_caller]
    pub fn unique_where<const N: usize>(&mut self, cols: [&str; N], predicate: &str) -> &mut Self {
        let origin = Origin::caller();
        self.push_index(IndexSpec::columns(&cols).unique().filter(predicate), origin)
    }

    pub(crate) fn push_index(&mut self, mut spec: IndexSpec, origin: Origin) -> &mut Self {
        let name = spec.name.take().unwrap_or_else(|| {
            let keys = spec.parts.iter().map(|p| match &p.key {
                IndexKey::Column(c) => std::borrow::Cow::Borrowed(c.as_str()),
                IndexKey::Expression(e) => std::borrow::Cow::Owned(expression_slug(e)),
            });
            let suffix = if spec.unique { "unique" } else { "idx" };
            names::with_columns(&self.table().name.name, keys, suffix)
        });
        self.table_mut().indexes.push(Index {
            name,
            parts: spec.parts,
            unique: spec.unique,
            method: spec.method,
            predicate: spec.predicate,
            include: spec.include,
            nulls_not_distinct: spec.nulls_not_distinct,
            origin,
        });
        self
    }

    /// A foreign key `<table>_<cols>_fk` to `target (ref_cols)`.
    #[track_caller]
    pub fn fk<const N: usize>(
        &mut self,
        cols: [&str; N],
        target: TableRef,
        ref_cols: [&str; N],
    ) -> &mut Self {
        let origin = Origin::caller();
        self.push_fk(FkSpec::new(&cols, target, &ref_cols), origin)
    }

    /// A foreign key with options: `.fk_with(["a"], T, ["id"], |f| f.on_delete(Cascade))`.
    #[track_caller]
    pub fn fk_with<const N: usize>(
        &mut self,
        cols: [&str; N],
        target: TableRef,
        ref_cols: [&str; N],
        configure: impl FnOnce(FkSpec) -> FkSpec,
    ) -> &mut Self {
        let origin = Origin::caller();
        self.push_fk(configure(FkSpec::new(&cols, target, &ref_cols)), origin)
    }

    /// A nullable or required column `col` referencing `target.id`, with its FK and index.
    #[track_caller]
    pub fn references(&mut self, col: &str, target: TableRef, spec: ColumnSpec) -> &mut Self {
        let origin = Origin::caller();
        self.col(col, spec);
        self.push_fk(FkSpec::new(&[col], target, &["id"]), origin.clone());
        self.push_index(IndexSpec::columns(&[col]), origin)
    }

    /// A foreign key from a spec, for reusable blocks that build their own.
    #[track_caller]
    pub fn fk_spec(&mut self, spec: FkSpec) -> &mut Self {
        let origin = Origin::caller();
        self.push_fk(spec, origin)
    }

    pub(crate) fn push_fk(&mut self, mut spec: FkSpec, origin: Origin) -> &mut Self {
        let name = spec
            .name
            .take()
            .unwrap_or_else(|| names::foreign_key(&self.table().name.name, &spec.columns));
        self.table_mut().foreign_keys.push(ForeignKey {
            name,
            columns: spec.columns,
            ref_table: spec.target.qname(),
            ref_columns: spec.ref_columns,
            on_delete: spec.on_delete,
            on_update: spec.on_update,
            deferrable: spec.deferrable,
            origin,
        });
        self
    }

    /// A named CHECK `<table>_<what>_check`.
    #[track_caller]
    pub fn check(&mut self, what: &str, expression: &str) -> &mut Self {
        let origin = Origin::caller();
        let name = names::check(&self.table().name.name, what);
        self.table_mut().checks.push(Check {
            name,
            expression: expression.trim().to_string(),
            origin,
        });
        self
    }

    /// An exclusion constraint `<table>_<what>_excl`.
    #[track_caller]
    pub fn exclude(
        &mut self,
        what: &str,
        method: IndexMethod,
        elements: &[(&str, &str)],
        predicate: Option<&str>,
    ) -> &mut Self {
        let origin = Origin::caller();
        let name = names::exclude(&self.table().name.name, what);
        self.table_mut().excludes.push(Exclude {
            name,
            method,
            elements: elements
                .iter()
                .map(|(e, op)| ExcludeElement {
                    expression: e.to_string(),
                    operator: op.to_string(),
                })
                .collect(),
            predicate: predicate.map(str::to_string),
            origin,
        });
        self
    }

    /// Turns on row-level security (`force` also applies it to the table owner).
    pub fn rls(&mut self, force: bool) -> &mut Self {
        self.table_mut().rls = Rls {
            enabled: true,
            forced: force,
        };
        self
    }

    #[track_caller]
    pub fn policy(
        &mut self,
        name: &str,
        configure: impl FnOnce(PolicySpec) -> PolicySpec,
    ) -> &mut Self {
        let origin = Origin::caller();
        let spec = configure(PolicySpec::default());
        self.table_mut().policies.push(Policy {
            name: name.to_string(),
            command: spec.command,
            permissive: !spec.restrictive,
            roles: spec.roles,
            using: spec.using,
            with_check: spec.with_check,
            origin,
        });
        self
    }

    /// A trigger as a complete `CREATE TRIGGER` statement.
    #[track_caller]
    pub fn trigger(&mut self, name: &str, sql: &str) -> &mut Self {
        let origin = Origin::caller();
        self.table_mut().triggers.push(Trigger {
            name: name.to_string(),
            sql: sql.trim().trim_end_matches(';').to_string(),
            written: AsWritten::default(),
            origin,
        });
        self
    }

    pub fn partition_by(&mut self, strategy: PartitionStrategy, keys: &[&str]) -> &mut Self {
        self.table_mut().partition_by = Some(PartitionBy {
            strategy,
            keys: strings(keys),
        });
        self
    }

    /// A partition of this table, e.g. `("audit_logs_2026", "FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')")`.
    #[track_caller]
    pub fn partition(&mut self, name: &str, bound: &str) -> &mut Self {
        let origin = Origin::caller();
        let schema = self.table().name.schema.clone();
        self.table_mut().partitions.push(Partition {
            name: QName {
                schema,
                name: name.into(),
            },
            bound: bound.to_string(),
            origin,
        });
        self
    }

    /// Declares the table outside any tenant, with the reason (guard asks for one).
    pub fn global(&mut self, reason: &str) -> &mut Self {
        self.table_mut().meta.scope = Scope::Global {
            reason: reason.to_string(),
        };
        self
    }

    /// Suppresses a guard rule for this table, with the reason.
    pub fn allow(&mut self, code: &str, reason: &str) -> &mut Self {
        self.table_mut().meta.allow.push(Allow {
            code: code.to_string(),
            reason: reason.to_string(),
        });
        self
    }
}

/// Options of an index being declared.
#[derive(Debug, Clone, Default)]
pub struct IndexSpec {
    name: Option<Name>,
    parts: Vec<IndexPart>,
    unique: bool,
    method: IndexMethod,
    predicate: Option<String>,
    include: Vec<Name>,
    nulls_not_distinct: bool,
}

impl IndexSpec {
    pub fn columns(cols: &[&str]) -> Self {
        IndexSpec {
            parts: cols
                .iter()
                .map(|c| IndexPart {
                    key: IndexKey::Column(Name::from(*c)),
                    opclass: None,
                    descending: false,
                })
                .collect(),
            ..Self::default()
        }
    }

    /// An index over one expression, e.g. `lower(email)`.
    pub fn expression(expr: &str) -> Self {
        IndexSpec {
            parts: vec![IndexPart {
                key: IndexKey::Expression(expr.to_string()),
                opclass: None,
                descending: false,
            }],
            ..Self::default()
        }
    }

    pub fn named(mut self, name: &str) -> Self {
        self.name = Some(Name::from(name));
        self
    }
    pub fn unique(mut self) -> Self {
        self.unique = true;
        self
    }
    pub fn method(mut self, method: IndexMethod) -> Self {
        self.method = method;
        self
    }
    /// Makes the index partial: `WHERE predicate`.
    pub fn filter(mut self, predicate: &str) -> Self {
        self.predicate = Some(predicate.trim().to_string());
        self
    }
    pub fn include(mut self, cols: &[&str]) -> Self {
        self.include = name_list(cols);
        self
    }
    pub fn nulls_not_distinct(mut self) -> Self {
        self.nulls_not_distinct = true;
        self
    }
    /// Sets the operator class of the last key, e.g. `jsonb_path_ops`.
    pub fn opclass(mut self, opclass: &str) -> Self {
        if let Some(p) = self.parts.last_mut() {
            p.opclass = Some(opclass.to_string());
        }
        self
    }
    /// Makes the last key descending.
    pub fn desc(mut self) -> Self {
        if let Some(p) = self.parts.last_mut() {
            p.descending = true;
        }
        self
    }
    /// Appends a key expression, e.g. `lower(email)`.
    pub fn then_expression(mut self, expr: &str) -> Self {
        self.parts.push(IndexPart {
            key: IndexKey::Expression(expr.to_string()),
            opclass: None,
            descending: false,
        });
        self
    }

    /// Appends a key column.
    pub fn then(mut self, col: &str) -> Self {
        self.parts.push(IndexPart {
            key: IndexKey::Column(col.into()),
            opclass: None,
            descending: false,
        });
        self
    }
}

/// Options of a foreign key being declared.
#[derive(Debug, Clone)]
pub struct FkSpec {
    name: Option<Name>,
    columns: Vec<Name>,
    target: TableRef,
    ref_columns: Vec<Name>,
    on_delete: FkAction,
    on_update: FkAction,
    deferrable: Deferrable,
}

impl FkSpec {
    pub fn new(cols: &[&str], target: TableRef, ref_cols: &[&str]) -> Self {
        FkSpec {
            name: None,
            columns: name_list(cols),
            target,
            ref_columns: name_list(ref_cols),
            on_delete: FkAction::NoAction,
            on_update: FkAction::NoAction,
            deferrable: Deferrable::NotDeferrable,
        }
    }
    pub fn named(mut self, name: &str) -> Self {
        self.name = Some(Name::from(name));
        self
    }
    pub fn on_delete(mut self, action: FkAction) -> Self {
        self.on_delete = action;
        self
    }
    pub fn on_update(mut self, action: FkAction) -> Self {
        self.on_update = action;
        self
    }
    pub fn deferrable(mut self, deferrable: Deferrable) -> Self {
        self.deferrable = deferrable;
        self
    }
}

/// Options of a row-level security policy being declared.
#[derive(Debug, Clone, Default)]
pub struct PolicySpec {
    command: PolicyCommand,
    restrictive: bool,
    roles: Vec<String>,
    using: Option<String>,
    with_check: Option<String>,
}

impl PolicySpec {
    pub fn command(mut self, command: PolicyCommand) -> Self {
        self.command = command;
        self
    }
    pub fn restrictive(mut self) -> Self {
        self.restrictive = true;
        self
    }
    pub fn to(mut self, roles: &[&str]) -> Self {
        self.roles = strings(roles);
        self
    }
    pub fn using(mut self, expr: &str) -> Self {
        self.using = Some(expr.trim().to_string());
        self
    }
    pub fn with_check(mut self, expr: &str) -> Self {
        self.with_check = Some(expr.trim().to_string());
        self
    }
}

pub(crate) fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

pub(crate) fn name_list(items: &[&str]) -> Vec<Name> {
    items.iter().map(|&s| Name::from(s)).collect()
}

/// A name fragment for an expression index key: `lower(email)` becomes `lower_email`.
fn expression_slug(expr: &str) -> String {
    let mut slug = String::new();
    for ch in expr.chars() {
        if ch.is_ascii_alphanumeric() {
            slug.push(ch.to_ascii_lowercase());
        } else if !slug.ends_with('_') && !slug.is_empty() {
            slug.push('_');
        }
    }
    slug.trim_end_matches('_').to_string()
}
