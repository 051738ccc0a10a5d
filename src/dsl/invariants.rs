//! Invariant building blocks: each emits the complete database-level enforcement of one
//! multi-tenant pattern (columns, keys, checks, indexes, triggers) and refuses an unsafe use.

use super::names;
use super::{
    text, timestamptz, uuid, ColumnSpec, Deferred, FkSpec, HelperColumns, HelperEnumLabels,
    IndexSpec, TableBuilder, TableRef,
};
use crate::diag::Diagnostic;
use crate::model::*;

/// The names the invariant helpers build with; each schema states its own.
#[derive(Debug, Clone)]
pub struct Conventions {
    /// The tenant column every tenant-scoped table carries (`biz_id`, `tenant_id`, ...).
    pub tenant_column: &'static str,
    /// The tenant root table the tenant column references.
    pub tenant_table: TableRef,
    /// The table audit columns (`created_by`, ...) reference.
    pub user_table: TableRef,
    /// The registry of extensible subjects referenced by `(tenant, subject_type, subject_id)`.
    pub subject_table: TableRef,
    /// Keys are `uuid` (`.id_uuid()` tables): the tenant column, tenant references and the
    /// audit `*_by` columns the helpers add are `uuid` too, so their FKs type-check.
    pub uuid_keys: bool,
}

impl Conventions {
    /// The type of a column the helpers add to reference another table's `id`.
    pub fn key(&self) -> ColumnSpec {
        if self.uuid_keys {
            uuid()
        } else {
            text()
        }
    }
}

impl Default for Conventions {
    fn default() -> Self {
        Conventions {
            tenant_column: "biz_id",
            tenant_table: TableRef::new("bizes"),
            user_table: TableRef::new("users"),
            subject_table: TableRef::new("subjects"),
            uuid_keys: false,
        }
    }
}

/// Which ends of a [`TableBuilder::window`] must be present.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    /// Both ends required (a booked slot, a blackout).
    Closed,
    /// Start required, end optional: open until further notice (effective dating).
    OpenEnded,
    /// Both optional, e.g. not scheduled yet; when both are set the end is after the start.
    Optional,
}

/// A no-overlap rule: no two qualifying rows share `keys` while their time windows overlap.
#[derive(Debug, Clone)]
pub struct OverlapSpec<'a> {
    /// Columns compared with `=` (the tenant column is added first automatically).
    pub keys: &'a [&'a str],
    pub starts_at: &'a str,
    pub ends_at: &'a str,
    /// Which rows the rule applies to, e.g. `status IN ('reserved', 'confirmed')`.
    pub only_when: &'a str,
}

impl TableBuilder<'_> {
    /// Adds a tenant-safe FK, and records that its target must turn out tenant-scoped.
    fn push_tenant_safe_fk(&mut self, spec: FkSpec, origin: Origin) -> &mut Self {
        let (table, fk) = (self.index, self.table().foreign_keys.len());
        self.schema_builder()
            .deferred
            .push(Deferred::TenantScopedTarget { table, fk });
        self.push_fk(spec, origin)
    }

    /// Records that a helper's SQL names `columns`, checked when the schema is built.
    fn expect_columns(&mut self, helper: &'static str, columns: &[&str], origin: &Origin) {
        let table = self.table().name.clone();
        self.schema_builder()
            .deferred
            .push(Deferred::HelperColumns(Box::new(HelperColumns {
                table,
                helper,
                columns: columns.iter().map(|c| c.to_string()).collect(),
                origin: origin.clone(),
            })));
    }

    /// Records that a helper compares `column` with `labels`, checked when the schema is built.
    fn expect_labels(
        &mut self,
        helper: &'static str,
        column: &str,
        labels: &[&str],
        origin: &Origin,
    ) {
        let table = self.table().name.clone();
        self.schema_builder()
            .deferred
            .push(Deferred::HelperEnumLabels(Box::new(HelperEnumLabels {
                table,
                helper,
                column: column.to_string(),
                labels: labels.iter().map(|l| l.to_string()).collect(),
                origin: origin.clone(),
            })));
    }

    /// Makes the table tenant-scoped: the tenant column, its FK to the tenant table, and the
    /// `(tenant, id)` unique that tenant-safe composite FKs into this table need.
    #[track_caller]
    pub fn tenant_scoped(&mut self) -> &mut Self {
        let origin = Origin::caller();
        let conv = self.schema_builder().conventions().clone();
        let tc = conv.tenant_column;
        self.col(tc, conv.key());
        self.push_fk(
            FkSpec::new(&[tc], conv.tenant_table, &["id"]),
            origin.clone(),
        );
        let table = self.table().name.name.clone();
        let cols = vec![Name::from(tc), Name::from("id")];
        self.table_mut().uniques.push(UniqueConstraint {
            name: names::unique(&table, &cols),
            columns: cols,
            nulls_not_distinct: false,
            origin,
        });
        self.table_mut().meta.scope = Scope::Tenant {
            column: tc.to_string(),
        };
        self
    }

    /// A required reference to a tenant-scoped table: column `col`, composite FK
    /// `(tenant, col) -> target (tenant, id)` and the index that serves it.
    #[track_caller]
    pub fn tenant_ref(&mut self, col: &str, target: TableRef) -> &mut Self {
        self.tenant_reference(col, target, false, Origin::caller())
    }

    /// An optional reference to a tenant-scoped table (the FK holds whenever `col` is set).
    #[track_caller]
    pub fn tenant_ref_opt(&mut self, col: &str, target: TableRef) -> &mut Self {
        self.tenant_reference(col, target, true, Origin::caller())
    }

    fn tenant_reference(
        &mut self,
        col: &str,
        target: TableRef,
        nullable: bool,
        origin: Origin,
    ) -> &mut Self {
        let key = self.schema_builder().conventions().key();
        let spec = if nullable { key.null() } else { key };
        self.col(col, spec);
        if let Some(c) = self.table_mut().columns.last_mut() {
            c.origin = origin.clone();
        }
        self.tenant_fk(&[col], target, &["id"], origin)
    }

    /// A tenant-safe composite FK on existing columns: `(tenant, cols...) -> target (tenant, ref_cols...)`.
    #[track_caller]
    pub fn tenant_fk(
        &mut self,
        cols: &[&str],
        target: TableRef,
        ref_cols: &[&str],
        origin: Origin,
    ) -> &mut Self {
        let tc = self.schema_builder().conventions().tenant_column;
        let mut local = vec![tc];
        local.extend_from_slice(cols);
        let mut remote = vec![tc];
        remote.extend_from_slice(ref_cols);
        self.push_tenant_safe_fk(FkSpec::new(&local, target, &remote), origin.clone());
        self.push_index(IndexSpec::columns(&local), origin)
    }

    /// A reference to the subject registry: `<prefix>_subject_type` and `<prefix>_subject_id`
    /// with the composite FK `(tenant, type, id) -> subjects (tenant, subject_type, subject_id)`.
    #[track_caller]
    pub fn subject_ref(&mut self, prefix: &str, nullable: bool) -> &mut Self {
        let origin = Origin::caller();
        let conv = self.schema_builder().conventions().clone();
        let ty = format!("{prefix}_subject_type");
        let id = format!("{prefix}_subject_id");
        let spec = || if nullable { text().null() } else { text() };
        self.col(&ty, spec());
        self.col(&id, spec());
        let tc = conv.tenant_column;
        let local = [tc, ty.as_str(), id.as_str()];
        self.push_fk(
            FkSpec::new(
                &local,
                conv.subject_table,
                &[tc, "subject_type", "subject_id"],
            ),
            origin.clone(),
        );
        self.push_index(IndexSpec::columns(&local), origin.clone());
        if nullable {
            let table = self.table().name.name.clone();
            self.table_mut().checks.push(Check {
                name: names::check(&table, &format!("{prefix}_subject_pair")),
                expression: format!("({ty} IS NULL) = ({id} IS NULL)"),
                origin,
            });
        }
        self
    }

    /// At most one live row per value of `col` among rows matching `predicate`: a partial
    /// unique index `<table>_<col>_live_unique` that ignores soft-deleted rows and rows where
    /// `col` is null. On a tenant-scoped table the key is `(tenant, col)`, so one wrapped
    /// global row (a user) can have its own live wrapper in each tenant.
    #[track_caller]
    pub fn one_live_wrapper(&mut self, col: &str, predicate: &str) -> &mut Self {
        let origin = Origin::caller();
        let table = self.table().name.name.clone();
        let tc = self.schema_builder().conventions().tenant_column;
        let tenant = matches!(self.table().meta.scope, Scope::Tenant { .. });
        let keys: Vec<&str> = if tenant { vec![tc, col] } else { vec![col] };
        self.expect_columns("one_live_wrapper", &[col, "deleted_at"], &origin);
        let spec = IndexSpec::columns(&keys)
            .unique()
            .named(&names::fit(format!("{table}_{col}_live_unique")))
            .filter(&format!(
                "{predicate} AND {col} IS NOT NULL AND deleted_at IS NULL"
            ));
        self.push_index(spec, origin)
    }

    /// A polymorphic shape check: the row's `type_col` selects exactly one target column,
    /// which must be set while every other target column is null.
    #[track_caller]
    pub fn exactly_one_by(&mut self, type_col: &str, cases: &[(&str, &str)]) -> &mut Self {
        let origin = Origin::caller();
        let mut targets: Vec<&str> = cases.iter().map(|(_, c)| *c).collect();
        targets.dedup();
        let mut named = vec![type_col];
        named.extend(&targets);
        self.expect_columns("exactly_one_by", &named, &origin);
        let labels: Vec<&str> = cases.iter().map(|(v, _)| *v).collect();
        self.expect_labels("exactly_one_by", type_col, &labels, &origin);
        let branches: Vec<String> = cases
            .iter()
            .map(|(value, col)| {
                let mut parts = vec![format!("{type_col} = '{value}'")];
                for t in &targets {
                    let state = if t == col { "IS NOT NULL" } else { "IS NULL" };
                    parts.push(format!("{t} {state}"));
                }
                format!("({})", parts.join(" AND "))
            })
            .collect();
        let table = self.table().name.name.clone();
        self.table_mut().checks.push(Check {
            name: names::check(&table, &format!("{type_col}_shape")),
            expression: branches.join(" OR "),
            origin,
        });
        self
    }

    /// A typed bridge to a sellable-like parent: a fixed `kind_col` enum column (default and
    /// CHECK) and the composite FK `(tenant, ref_col, kind_col) -> parent (tenant, id, kind)`.
    #[track_caller]
    pub fn typed_bridge(
        &mut self,
        ref_col: &str,
        parent: TableRef,
        kind_col: &str,
        kind: super::EnumDef,
        value: &str,
    ) -> &mut Self {
        let origin = Origin::caller();
        let tc = self.schema_builder().conventions().tenant_column;
        self.col(ref_col, text());
        self.col(kind_col, super::enum_of(kind).default_enum(value));
        let table = self.table().name.name.clone();
        self.table_mut().checks.push(Check {
            name: names::check(&table, kind_col),
            expression: format!("{kind_col} = '{value}'"),
            origin: origin.clone(),
        });
        let local = [tc, ref_col, kind_col];
        self.push_tenant_safe_fk(
            FkSpec::new(&local, parent, &[tc, "id", "kind"]),
            origin.clone(),
        );
        let cols = vec![Name::from(ref_col)];
        let name = names::unique(&table, &cols);
        self.table_mut().uniques.push(UniqueConstraint {
            name,
            columns: cols,
            nulls_not_distinct: false,
            origin: origin.clone(),
        });
        self.push_index(IndexSpec::columns(&local), origin)
    }

    /// No two qualifying live rows with equal keys may have overlapping `[starts, ends)`
    /// windows: a GiST exclusion constraint (needs `btree_gist`) plus the window check.
    #[track_caller]
    pub fn no_overlap(&mut self, what: &str, spec: OverlapSpec<'_>) -> &mut Self {
        let origin = Origin::caller();
        self.schema_builder().extension("btree_gist");
        let tc = self.schema_builder().conventions().tenant_column;
        let window = format!("tstzrange({}, {}, '[)')", spec.starts_at, spec.ends_at);
        let mut elements: Vec<ExcludeElement> = std::iter::once(tc)
            .chain(spec.keys.iter().copied())
            .map(|k| ExcludeElement {
                expression: k.to_string(),
                operator: "=".into(),
            })
            .collect();
        elements.push(ExcludeElement {
            expression: window,
            operator: "&&".into(),
        });
        let mut named: Vec<&str> = spec.keys.to_vec();
        named.extend([spec.starts_at, spec.ends_at, "deleted_at"]);
        self.expect_columns("no_overlap", &named, &origin);
        let predicate = format!("deleted_at IS NULL AND {}", spec.only_when);
        let table = self.table().name.name.clone();
        let t = self.table_mut();
        t.excludes.push(Exclude {
            name: names::exclude(&table, what),
            method: IndexMethod::Gist,
            elements,
            predicate: Some(predicate),
            origin: origin.clone(),
        });
        t.checks.push(Check {
            name: names::check(&table, what),
            expression: format!(
                "NOT ({}) OR ({s} IS NOT NULL AND {e} IS NOT NULL AND {e} > {s})",
                spec.only_when,
                s = spec.starts_at,
                e = spec.ends_at
            ),
            origin,
        });
        self
    }

    /// Audit columns and soft delete: `created_at`, `updated_at`, `deleted_at`, and
    /// `created_by`, `updated_by`, `deleted_by` referencing the user table.
    #[track_caller]
    pub fn audited(&mut self) -> &mut Self {
        let origin = Origin::caller();
        let conv = self.schema_builder().conventions().clone();
        let users = conv.user_table;
        self.col("created_at", timestamptz().default_now());
        self.col("updated_at", timestamptz().default_now());
        self.col("deleted_at", timestamptz().null());
        for col in ["created_by", "updated_by", "deleted_by"] {
            self.col(col, conv.key().null());
            self.push_fk(FkSpec::new(&[col], users, &["id"]), origin.clone());
        }
        self
    }

    /// A currency code column `col` (`char(3)`, default `USD`) for the money columns beside it,
    /// with the CHECK `<table>_<col>_code_check` that keeps it to three upper-case letters.
    #[track_caller]
    pub fn currency(&mut self, col: &str) -> &mut Self {
        let origin = Origin::caller();
        self.col(col, super::char_(3).default_text("USD"));
        let table = self.table().name.name.clone();
        self.table_mut().checks.push(Check {
            name: names::check(&table, &format!("{col}_code")),
            expression: format!("{col} ~ '^[A-Z]{{3}}$'"),
            origin,
        });
        self
    }

    /// Money columns that may never be negative: each a `numeric(12,2)` defaulting to `0`,
    /// with one CHECK `<table>_<col>_non_negative_check` per column.
    #[track_caller]
    pub fn amounts(&mut self, cols: &[&str]) -> &mut Self {
        let origin = Origin::caller();
        let table = self.table().name.name.clone();
        for col in cols {
            self.col(col, super::money().default_number("0.00"));
            self.table_mut().checks.push(Check {
                name: names::check(&table, &format!("{col}_non_negative")),
                expression: format!("{col} >= 0"),
                origin: origin.clone(),
            });
        }
        self
    }

    /// A time window of two timestamptz columns, with the CHECK
    /// `<table>_<ends>_after_<starts>_check` that `ends > starts` whenever both are set.
    /// `kind` says which ends must be present (see [`Window`]).
    #[track_caller]
    pub fn window(&mut self, starts: &str, ends: &str, kind: Window) -> &mut Self {
        let origin = Origin::caller();
        let (start_spec, end_spec) = match kind {
            Window::Closed => (timestamptz(), timestamptz()),
            Window::OpenEnded => (timestamptz(), timestamptz().null()),
            Window::Optional => (timestamptz().null(), timestamptz().null()),
        };
        self.col(starts, start_spec);
        self.col(ends, end_spec);
        let table = self.table().name.name.clone();
        let expression = match kind {
            Window::Closed => format!("{ends} > {starts}"),
            Window::OpenEnded => format!("{ends} IS NULL OR {ends} > {starts}"),
            Window::Optional => {
                format!("{starts} IS NULL OR {ends} IS NULL OR {ends} > {starts}")
            }
        };
        self.table_mut().checks.push(Check {
            name: names::check(&table, &format!("{ends}_after_{starts}")),
            expression,
            origin,
        });
        self
    }

    /// Forbids a graph edge from a node to itself: CHECK `<table>_no_self_loop_check`.
    #[track_caller]
    pub fn no_self_loop(&mut self, from: &str, to: &str) -> &mut Self {
        let origin = Origin::caller();
        let table = self.table().name.name.clone();
        self.table_mut().checks.push(Check {
            name: names::check(&table, "no_self_loop"),
            expression: format!("{from} <> {to}"),
            origin,
        });
        self
    }

    /// Creation columns for rows that are written once and never changed (ledgers, event
    /// logs, usually with [`append_only`](Self::append_only)): `created_at` and `created_by`
    /// referencing the user table. Mutable tables use [`audited`](Self::audited) instead.
    #[track_caller]
    pub fn recorded(&mut self) -> &mut Self {
        let origin = Origin::caller();
        let conv = self.schema_builder().conventions().clone();
        let users = conv.user_table;
        self.col("created_at", timestamptz().default_now());
        self.col("created_by", conv.key().null());
        self.push_fk(FkSpec::new(&["created_by"], users, &["id"]), origin);
        self
    }

    /// The database itself rejects UPDATE and DELETE on this table (ledgers, event logs). The
    /// model records the fact; each dialect enforces it its own way (PostgreSQL: a trigger
    /// calling a PL/pgSQL function; SQLite: `RAISE(ABORT)` triggers).
    pub fn append_only(&mut self) -> &mut Self {
        self.table_mut().meta.append_only = true;
        self
    }
}

/// Checks the requirements that need every table declared.
pub(crate) fn check_deferred(
    schema: &Schema,
    lookups: &crate::validate::Lookups,
    deferred: &[Deferred],
    conv: &Conventions,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for d in deferred {
        match d {
            &Deferred::TenantScopedTarget { table, fk } => {
                let by = &schema.tables[table];
                let ForeignKey {
                    ref_table: target,
                    origin,
                    ..
                } = &by.foreign_keys[fk];
                let by = &by.name;
                let Some(t) = lookups.tables.get(target) else {
                    continue; // the missing table itself is reported by validation
                };
                if !matches!(t.meta.scope, Scope::Tenant { .. }) {
                    out.push(
                        Diagnostic::error(
                            "schema::tenant-ref-to-untenanted",
                            format!("`{by}` makes a tenant-safe reference to `{target}`, which is not tenant-scoped"),
                        )
                        .at(origin)
                        .help(format!(
                            "declare `{target}` with `.tenant_scoped()` so it carries `{}` and the `({}, id)` unique, or use a plain `.fk(..)`",
                            conv.tenant_column, conv.tenant_column
                        )),
                    );
                }
            }
            Deferred::HelperColumns(helper) => {
                let HelperColumns {
                    table,
                    helper,
                    columns,
                    origin,
                } = &**helper;
                let Some(t) = schema.table(table) else {
                    continue;
                };
                for c in columns.iter().filter(|c| !t.has_column(c)) {
                    let mut d = Diagnostic::error(
                        "schema::helper-missing-column",
                        format!("`{helper}` on `{table}` names column `{c}`, which the table does not have"),
                    )
                    .at(origin);
                    d = if c == "deleted_at" {
                        d.help("this helper ignores soft-deleted rows: declare `.audited()` on the table")
                    } else {
                        d.help(format!("declare `.col(\"{c}\", ...)` or fix the name"))
                    };
                    out.push(d);
                }
            }
            Deferred::HelperEnumLabels(helper) => {
                let HelperEnumLabels {
                    table,
                    helper,
                    column,
                    labels,
                    origin,
                } = &**helper;
                let Some(col) = schema.table(table).and_then(|t| t.column(column)) else {
                    continue; // reported by HelperColumns
                };
                let ColumnType::Enum { name } = &col.ty else {
                    continue; // free text: any label can match (guard flags text classifiers)
                };
                let Some(e) = schema.enum_type(name) else {
                    continue; // reported by validation
                };
                for l in labels.iter().filter(|l| !e.values.contains(l)) {
                    out.push(
                        Diagnostic::error(
                            "schema::helper-unknown-label",
                            format!("`{helper}` on `{table}` compares `{column}` with `{l}`, which is not a value of enum `{name}`"),
                        )
                        .at(origin)
                        .help(format!("the values are: {}", e.values.join(", "))),
                    );
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::{integer, SchemaBuilder};
    use super::*;

    const BIZES: TableRef = TableRef::new("bizes");
    const USERS: TableRef = TableRef::new("users");
    const SLOTS: TableRef = TableRef::new("slots");

    fn base(s: &mut SchemaBuilder) {
        s.table(USERS).global("people").id_tagged("user");
        s.table(BIZES).global("tenant root").id_tagged("biz");
    }

    #[test]
    fn money_window_and_wrapper_helpers_emit_named_enforcement() {
        let mut s = SchemaBuilder::new();
        base(&mut s);
        s.table(SLOTS)
            .tenant_scoped()
            .id_tagged("slot")
            .references("host_user_id", USERS, text().null())
            .amounts(&["price"])
            .currency("currency")
            .window("starts_at", "ends_at", Window::Optional)
            .col("capacity", integer())
            .one_live_wrapper("host_user_id", "capacity > 0")
            .audited();
        let schema = s.build().expect("builds");
        let t = schema
            .tables
            .iter()
            .find(|t| t.name.name == "slots")
            .unwrap();
        let check = |name: &str| {
            t.checks
                .iter()
                .find(|c| c.name == name)
                .unwrap_or_else(|| panic!("no check {name}"))
                .expression
                .clone()
        };
        assert_eq!(check("slots_price_non_negative_check"), "price >= 0");
        assert_eq!(
            check("slots_currency_code_check"),
            "currency ~ '^[A-Z]{3}$'"
        );
        assert_eq!(
            check("slots_ends_at_after_starts_at_check"),
            "starts_at IS NULL OR ends_at IS NULL OR ends_at > starts_at"
        );
        assert!(t.column("starts_at").unwrap().nullable);
        let wrapper = t
            .indexes
            .iter()
            .find(|i| i.name == "slots_host_user_id_live_unique")
            .unwrap();
        assert!(wrapper.unique);
        assert_eq!(
            wrapper.parts.len(),
            2,
            "tenant-scoped wrappers are unique per tenant"
        );
        assert_eq!(
            wrapper.predicate.as_deref(),
            Some("capacity > 0 AND host_user_id IS NOT NULL AND deleted_at IS NULL")
        );
    }

    #[test]
    fn uuid_keys_type_the_columns_helpers_add() {
        let mut s = SchemaBuilder::with_conventions(Conventions {
            tenant_column: "org_id",
            tenant_table: TableRef::new("orgs"),
            user_table: USERS,
            subject_table: TableRef::new("subjects"),
            uuid_keys: true,
        });
        s.table(USERS).global("people").id_uuid();
        s.table(TableRef::new("orgs"))
            .global("tenant root")
            .id_uuid();
        s.table(SLOTS)
            .id_uuid()
            .tenant_scoped()
            .tenant_ref_opt("parent_id", SLOTS)
            .audited();
        let schema = s.build().expect("uuid FKs type-check");
        let t = schema
            .tables
            .iter()
            .find(|t| t.name.name == "slots")
            .unwrap();
        for c in ["org_id", "parent_id", "created_by"] {
            assert_eq!(t.column(c).unwrap().ty, ColumnType::Uuid, "{c}");
        }
    }

    #[test]
    fn recorded_rows_have_creation_columns_only() {
        let mut s = SchemaBuilder::new();
        base(&mut s);
        s.table(SLOTS)
            .tenant_scoped()
            .id_tagged("slot")
            .recorded()
            .append_only();
        let schema = s.build().expect("builds");
        let t = schema
            .tables
            .iter()
            .find(|t| t.name.name == "slots")
            .unwrap();
        assert!(t.has_column("created_at") && t.has_column("created_by"));
        assert!(!t.has_column("updated_at") && !t.has_column("deleted_at"));
        assert!(t
            .foreign_keys
            .iter()
            .any(|fk| fk.name == "slots_created_by_fk"));
        assert!(t.meta.append_only, "the fact is recorded");
        assert!(
            t.triggers.is_empty() && schema.functions.is_empty(),
            "as a fact, not SQL"
        );
    }

    #[test]
    fn closed_windows_require_both_ends() {
        let mut s = SchemaBuilder::new();
        base(&mut s);
        s.table(SLOTS)
            .tenant_scoped()
            .id_tagged("slot")
            .window("starts_at", "ends_at", Window::Closed)
            .no_self_loop("starts_at", "ends_at");
        let schema = s.build().expect("builds");
        let t = schema
            .tables
            .iter()
            .find(|t| t.name.name == "slots")
            .unwrap();
        assert!(!t.column("starts_at").unwrap().nullable);
        assert!(!t.column("ends_at").unwrap().nullable);
        assert!(t.checks.iter().any(
            |c| c.name == "slots_no_self_loop_check" && c.expression == "starts_at <> ends_at"
        ));
    }
}

#[cfg(test)]
mod refusals {
    use super::super::{enum_of, SchemaBuilder};
    use super::*;

    const BIZES: TableRef = TableRef::new("bizes");
    const USERS: TableRef = TableRef::new("users");
    const THINGS: TableRef = TableRef::new("things");
    const THING_TYPE: super::super::EnumDef = super::super::EnumDef::new("thing_type", &["a", "b"]);

    fn build(declare: impl FnOnce(&mut SchemaBuilder)) -> Vec<String> {
        let mut s = SchemaBuilder::new();
        s.table(USERS).global("people").id_tagged("user");
        s.table(BIZES).global("tenant root").id_tagged("biz");
        declare(&mut s);
        match s.build() {
            Ok(_) => Vec::new(),
            Err(ds) => ds.0.iter().map(|d| d.message.clone()).collect(),
        }
    }

    #[test]
    fn soft_delete_aware_helpers_need_soft_delete() {
        let errors = build(|s| {
            s.table(THINGS)
                .tenant_scoped()
                .id_tagged("thing")
                .col("owner_id", text().null())
                .one_live_wrapper("owner_id", "true");
        });
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].contains("`deleted_at`"), "{errors:?}");
    }

    #[test]
    fn shape_checks_need_real_columns_and_labels() {
        let errors = build(|s| {
            s.table(THINGS)
                .tenant_scoped()
                .id_tagged("thing")
                .col("type", enum_of(THING_TYPE))
                .col("a_id", text().null())
                .exactly_one_by("type", &[("a", "a_id"), ("c", "c_id")]);
        });
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(
            errors.iter().any(|e| e.contains("column `c_id`")),
            "{errors:?}"
        );
        assert!(errors.iter().any(|e| e.contains("with `c`")), "{errors:?}");
    }
}
