//! The `guard:` section of `schemactl.yaml`: every rule parameter lives here, so each project
//! states its own conventions (tenant column, classifier names, money columns, layers, roots)
//! instead of rule code carrying lists of table names.
//!
//! The defaults suit the Bizing schema (`biz_id`, `bizes`, `users`).

use crate::diag::{Diagnostic, Severity};
use serde::Deserialize;
use std::collections::BTreeMap;

/// A rule's configured level. `off` disables it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Off,
    Warning,
    Error,
}

impl Level {
    pub fn severity(self) -> Option<Severity> {
        match self {
            Level::Off => None,
            Level::Warning => Some(Severity::Warning),
            Level::Error => Some(Severity::Error),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Off => "off",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct GuardConfig {
    /// Per-rule level overrides: `SG107: warning`, `SG204: off`.
    pub severity: BTreeMap<String, Level>,
    /// Project-wide suppressions, each with a reason; `table` limits one to a table.
    pub allow: Vec<ConfigAllow>,
    pub tenant: TenantConfig,
    /// Columns whose values classify a row; they must be enum-, check- or FK-backed.
    /// `*` matches any run of characters.
    pub classifier_columns: Vec<String>,
    /// Lifecycle controls; a table may carry at most one of them.
    pub lifecycle_columns: Vec<String>,
    /// Column-name patterns that hold money.
    pub money_columns: Vec<String>,
    /// Audit columns every business (tenant-scoped) table carries.
    pub audit_columns: Vec<String>,
    /// Audit columns of append-only business tables (they are never updated or deleted).
    pub append_only_audit_columns: Vec<String>,
    /// Extra columns some class of tables must carry, e.g. `version` on every mutable table.
    pub required_columns: Vec<RequiredColumn>,
    /// FK columns that need no index of their own (rarely-joined audit references).
    pub fk_index_ignore: Vec<String>,
    pub polymorphic: PolymorphicConfig,
    pub naming: NamingConfig,
    /// PostgreSQL truncates longer identifiers silently.
    pub max_identifier_bytes: usize,
    /// The project's dialect (from the top-level `dialect:`, not the `guard:` section): the SQL
    /// lint parses migrations with it and runs its PostgreSQL lock rules only on PostgreSQL.
    #[serde(skip)]
    pub dialect: crate::model::DialectKind,
    pub graph: GraphConfig,
    /// What runs the migrations, which decides what runs inside a transaction.
    pub runner: Runner,
    /// Distribution readiness (SG5xx): the column a Citus-style cluster would shard by, and
    /// the reference tables; absent, the rules do not run.
    pub distribution: Option<super::distribution::DistributionConfig>,
}

/// The tool that runs the migration files, and so which statements share a transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Runner {
    /// `schemactl apply`: each file in one transaction, unless it says
    /// `-- schemactl:no-transaction` (then statement by statement, a BEGIN ... COMMIT block
    /// as one transaction).
    #[default]
    Schemactl,
    /// `psql -f`: autocommit, so only explicit BEGIN ... COMMIT blocks are transactions.
    Psql,
    /// Diesel, sqlx, golang-migrate: each file in one transaction, whatever it says.
    #[serde(alias = "diesel", alias = "sqlx", alias = "golang-migrate")]
    TransactionPerFile,
    /// drizzle-kit migrate: every pending file in one transaction together.
    #[serde(alias = "drizzle-kit")]
    OneTransaction,
}

impl Runner {
    pub fn as_str(self) -> &'static str {
        match self {
            Runner::Schemactl => "schemactl",
            Runner::Psql => "psql",
            Runner::TransactionPerFile => "transaction-per-file",
            Runner::OneTransaction => "one-transaction",
        }
    }

    /// Whether the runner wraps a file in a transaction; `no_transaction_directive` is
    /// whether the file says `-- schemactl:no-transaction` (only schemactl reads it).
    pub fn wraps(self, no_transaction_directive: bool) -> bool {
        match self {
            Runner::Schemactl => !no_transaction_directive,
            Runner::Psql => false,
            Runner::TransactionPerFile | Runner::OneTransaction => true,
        }
    }

    /// How the runner wraps a file, for messages (`schemactl runs this file in one
    /// transaction`).
    pub fn describe_wrap(self) -> &'static str {
        match self {
            Runner::Schemactl => {
                "schemactl runs this file in one transaction (it has no `-- schemactl:no-transaction`)"
            }
            Runner::Psql => "psql runs this file in autocommit",
            Runner::TransactionPerFile => {
                "the runner runs each file in one transaction (`guard.runner: transaction-per-file`)"
            }
            Runner::OneTransaction => {
                "the runner runs every pending file in one transaction (`guard.runner: one-transaction`, as drizzle-kit migrate does)"
            }
        }
    }
}

impl Default for GuardConfig {
    fn default() -> Self {
        GuardConfig {
            severity: BTreeMap::new(),
            allow: Vec::new(),
            tenant: TenantConfig::default(),
            classifier_columns: strings(&[
                "status",
                "type",
                "kind",
                "visibility",
                "*_status",
                "*_kind",
            ]),
            lifecycle_columns: strings(&["status", "is_active"]),
            money_columns: strings(&[
                "amount", "price", "total", "cost", "*_amount", "*_price", "*_total", "*_cost",
            ]),
            audit_columns: strings(&[
                "created_at",
                "updated_at",
                "deleted_at",
                "created_by",
                "updated_by",
                "deleted_by",
            ]),
            append_only_audit_columns: strings(&["created_at"]),
            required_columns: Vec::new(),
            fk_index_ignore: strings(&["created_by", "updated_by", "deleted_by"]),
            polymorphic: PolymorphicConfig::default(),
            naming: NamingConfig::default(),
            max_identifier_bytes: crate::model::names::MAX_IDENT_BYTES,
            dialect: crate::model::DialectKind::Postgres,
            graph: GraphConfig::default(),
            runner: Runner::default(),
            distribution: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigAllow {
    pub code: String,
    /// The table (`name` or `schema.name`) the suppression applies to; all tables when absent.
    #[serde(default)]
    pub table: Option<String>,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TenantConfig {
    /// The column every business table carries.
    pub column: String,
    /// The tenant root table (exempt from the tenant rules; FKs to it are plain).
    pub table: String,
    /// Tables outside any tenant, with the reason, for schemas that cannot declare
    /// `.global(reason)` themselves (e.g. read from SQL).
    pub global_tables: BTreeMap<String, String>,
}

impl Default for TenantConfig {
    fn default() -> Self {
        TenantConfig {
            column: "biz_id".into(),
            table: "bizes".into(),
            global_tables: BTreeMap::new(),
        }
    }
}

/// Which tables a required-columns entry applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TableClass {
    All,
    /// Tenant-scoped (business) tables.
    Tenant,
    /// Tables declared global.
    Global,
    /// Tables that are not append-only.
    Mutable,
}

impl TableClass {
    pub fn as_str(self) -> &'static str {
        match self {
            TableClass::All => "all",
            TableClass::Tenant => "tenant",
            TableClass::Global => "global",
            TableClass::Mutable => "mutable",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequiredColumn {
    pub column: String,
    #[serde(default = "default_class")]
    pub tables: TableClass,
}

fn default_class() -> TableClass {
    TableClass::All
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PolymorphicConfig {
    /// `<p>_type` + `<p>_id` pairs are polymorphic references.
    pub type_suffix: String,
    pub id_suffix: String,
    /// Columns that select which of several nullable references a row uses.
    pub selectors: Vec<String>,
}

impl Default for PolymorphicConfig {
    fn default() -> Self {
        PolymorphicConfig {
            type_suffix: "_type".into(),
            id_suffix: "_id".into(),
            selectors: strings(&["type", "kind", "*_type", "*_kind"]),
        }
    }
}

/// Name suffixes; names are `<table>_<what><suffix>` (see `src/dsl/names.rs`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NamingConfig {
    pub primary_key: String,
    pub unique: String,
    pub index: String,
    pub foreign_key: String,
    pub check: String,
    pub exclude: String,
    /// Names must start with `<table>_`.
    pub table_prefix: bool,
}

impl Default for NamingConfig {
    fn default() -> Self {
        NamingConfig {
            primary_key: "_pkey".into(),
            unique: "_unique".into(),
            index: "_idx".into(),
            foreign_key: "_fk".into(),
            check: "_check".into(),
            exclude: "_excl".into(),
            table_prefix: true,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct GraphConfig {
    /// Tables every other table must connect to through foreign keys.
    pub roots: Vec<String>,
    /// Allowed reference directions: `domain: [domains it may reference]`. A domain is a
    /// table's `.domain(..)` or else its PostgreSQL schema. Undeclared domains are unchecked.
    pub layers: BTreeMap<String, Vec<String>>,
    /// FK cycles that are intended, each as its set of tables.
    pub allowed_cycles: Vec<Vec<String>>,
    /// A table referencing itself (a tree) is not reported as a cycle.
    pub allow_self_references: bool,
}

impl Default for GraphConfig {
    fn default() -> Self {
        GraphConfig {
            roots: strings(&["bizes", "users"]),
            layers: BTreeMap::new(),
            allowed_cycles: Vec::new(),
            allow_self_references: true,
        }
    }
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

impl GuardConfig {
    /// Whether a reasoned `guard.allow` entry without a table turns rule `code` off for the
    /// whole project (an allow without a reason allows nothing; SG100 reports it).
    pub fn allowed_everywhere(&self, code: &str) -> bool {
        self.allow
            .iter()
            .any(|a| a.code == code && a.table.is_none() && !a.reason.trim().is_empty())
    }

    /// Whether a reasoned `guard.allow` entry silences rule `code` on one of `tables` (an
    /// entry without a table applies to all of them).
    pub fn allowed_on(&self, code: &str, tables: &[crate::model::QName]) -> bool {
        self.allow.iter().any(|a| {
            a.code == code
                && !a.reason.trim().is_empty()
                && match &a.table {
                    None => true,
                    Some(t) => tables.iter().any(|q| q.to_string() == *t || q.name == *t),
                }
        })
    }

    /// The level a rule runs at: the configured override or its default.
    pub fn level(&self, code: &str, default: Level) -> Level {
        self.severity.get(code).copied().unwrap_or(default)
    }

    /// Mistakes in the section itself: unknown rule codes, suppressions without a reason.
    pub fn problems(&self) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        let known = |code: &str| super::rule(code).is_some();
        for code in self.severity.keys() {
            if !known(code) {
                out.push(
                    Diagnostic::error(
                        "config::unknown-rule",
                        format!("guard.severity names unknown rule `{code}`"),
                    )
                    .help("`schemactl guard --list` shows every rule code"),
                );
            }
        }
        if let Some(d) = &self.distribution {
            out.extend(d.problems());
        }
        for a in &self.allow {
            if !known(&a.code) {
                out.push(
                    Diagnostic::error(
                        "config::unknown-rule",
                        format!("guard.allow names unknown rule `{}`", a.code),
                    )
                    .help("`schemactl guard --list` shows every rule code"),
                );
            }
            if a.reason.trim().is_empty() {
                out.push(
                    Diagnostic::error(
                        "config::allow-without-reason",
                        format!("guard.allow for `{}` has no reason", a.code),
                    )
                    .help("every suppression says why, so reviewers can judge it"),
                );
            }
        }
        out
    }
}

/// Matches `pattern` (with `*` for any run of characters) against `name`, whole string.
pub fn glob(pattern: &str, name: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == name;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if name.len() < first.len() + last.len() || !name.starts_with(first) || !name.ends_with(last) {
        return false;
    }
    let mut rest = &name[first.len()..name.len() - last.len()];
    for mid in &parts[1..parts.len() - 1] {
        match rest.find(mid) {
            Some(i) => rest = &rest[i + mid.len()..],
            None => return false,
        }
    }
    true
}

/// True when any pattern matches.
pub fn matches_any(patterns: &[String], name: &str) -> bool {
    patterns.iter().any(|p| glob(p, name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_matches_whole_names() {
        assert!(glob("*_amount", "total_amount"));
        assert!(!glob("*_amount", "amount"));
        assert!(glob("amount", "amount"));
        assert!(!glob("amount", "amounts"));
        assert!(glob("a*b*c", "axxbyyc"));
        assert!(!glob("a*b*c", "axxc"));
        assert!(glob("*", ""));
    }

    #[test]
    fn the_section_parses_and_rejects_unknown_keys() {
        let c: GuardConfig = serde_yaml_ng::from_str(
            "tenant: {column: tenant_id, table: tenants}\nseverity: {SG107: off}\nrequired_columns: [{column: version, tables: mutable}]\n",
        )
        .unwrap();
        assert_eq!(c.tenant.column, "tenant_id");
        assert_eq!(c.level("SG107", Level::Warning), Level::Off);
        assert_eq!(c.required_columns[0].tables, TableClass::Mutable);
        assert!(serde_yaml_ng::from_str::<GuardConfig>("tenant_column: x\n").is_err());
    }

    #[test]
    fn the_runner_is_named_by_kind_or_by_tool() {
        let runner = |y: &str| serde_yaml_ng::from_str::<GuardConfig>(y).map(|c| c.runner);
        assert_eq!(runner("{}").unwrap(), Runner::Schemactl);
        assert_eq!(runner("runner: psql").unwrap(), Runner::Psql);
        for tool in ["transaction-per-file", "diesel", "sqlx", "golang-migrate"] {
            assert_eq!(
                runner(&format!("runner: {tool}")).unwrap(),
                Runner::TransactionPerFile
            );
        }
        for tool in ["one-transaction", "drizzle-kit"] {
            assert_eq!(
                runner(&format!("runner: {tool}")).unwrap(),
                Runner::OneTransaction
            );
        }
        assert!(runner("runner: flyway").is_err());
        assert!(Runner::Schemactl.wraps(false) && !Runner::Schemactl.wraps(true));
        assert!(!Runner::Psql.wraps(false));
        assert!(Runner::TransactionPerFile.wraps(true) && Runner::OneTransaction.wraps(true));
    }

    #[test]
    fn unknown_codes_and_missing_reasons_are_problems() {
        let c: GuardConfig =
            serde_yaml_ng::from_str("severity: {SG999: off}\nallow: [{code: SG107, reason: ''}]\n")
                .unwrap();
        let codes: Vec<String> = c.problems().into_iter().map(|d| d.code).collect();
        assert_eq!(
            codes,
            ["config::unknown-rule", "config::allow-without-reason"]
        );
    }
}
