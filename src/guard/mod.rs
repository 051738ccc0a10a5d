//! `schemactl guard`: style, graph and migration-folder rules over the schema model.
//!
//! Each rule lives in its own file under [`rules`] with a stable code, a default level, a
//! one-line summary and its docs; [`registry`] lists them all. The engine runs the rules,
//! applies the project's levels and suppressions, and returns plain [`Diagnostic`]s sorted by
//! location, so output is deterministic and the library call can be timed by `xtask bench`.
//!
//! Code families: `SG1xx` schema style, `SG2xx` FK graph, `SG3xx` migration folder,
//! `SG4xx` the SQL safety lint of migration files (see [`lint`]).

pub mod config;
pub mod distribution;
pub mod docs;
pub mod graph_view;
pub mod lint;
pub mod migrations;
pub mod output;
pub mod rules;

#[cfg(test)]
pub(crate) mod testing;

pub use config::{GuardConfig, Level, Runner};
pub use lint::lint_sql;
pub use migrations::{Compare, MigrationInput, RunFolder};

use crate::diag::{Diagnostic, Severity};
use crate::graph::FkGraph;
use crate::model::{Column, Origin, QName, Schema, Scope, Table};
use std::collections::HashMap;
use std::path::Path;

/// Which input a rule reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// Suppression hygiene (SG100).
    Meta,
    Schema,
    Graph,
    Migrations,
    /// The SQL safety lint of migration files (SG4xx).
    Sql,
    /// Readiness for sharding by the tenant key (SG5xx).
    Distribution,
}

impl Family {
    pub fn title(self) -> &'static str {
        match self {
            Family::Meta => "Suppressions",
            Family::Schema => "Schema style (SG1xx)",
            Family::Graph => "Foreign-key graph (SG2xx)",
            Family::Migrations => "Migration folder (SG3xx)",
            Family::Sql => "SQL safety lint (SG4xx)",
            Family::Distribution => "Distribution readiness (SG5xx)",
        }
    }
}

/// What a rule is, for `--explain`, `--list`, SARIF and STYLE_GUIDE.md.
#[derive(Debug, Clone, Copy)]
pub struct RuleInfo {
    pub code: &'static str,
    /// A kebab-case name, e.g. `tenant-boundary`.
    pub name: &'static str,
    pub family: Family,
    pub default_level: Level,
    /// The dialects whose migrations the rule judges (most SQL rules describe PostgreSQL's
    /// locks and rewrites).
    pub dialects: &'static [crate::model::DialectKind],
    pub summary: &'static str,
    /// What it flags.
    pub flags: &'static str,
    /// Why it matters.
    pub why: &'static str,
    /// How to fix it.
    pub fix: &'static str,
}

impl RuleInfo {
    /// How to suppress it; the same for every rule of a family.
    pub fn suppress(&self) -> String {
        match self.family {
            Family::Schema | Family::Graph | Family::Meta | Family::Distribution => format!(
                "On the table: `.allow(\"{c}\", \"<reason>\")` in the DSL. For the project: \
                 `guard.allow: [{{code: {c}, table: <name>, reason: <why>}}]` (omit `table` for \
                 all tables), or `guard.severity: {{{c}: off}}`.",
                c = self.code
            ),
            Family::Migrations => format!(
                "Project-wide only: `guard.severity: {{{c}: off}}` or `guard.allow: [{{code: {c}, \
                 reason: <why>}}]` in schemactl.yaml.",
                c = self.code
            ),
            Family::Sql => format!(
                "Inline, on the line(s) just before the statement: `-- schemactl:allow {c} \
                 <reason>` (the reason is required). Project-wide: `guard.severity: {{{c}: off}}` \
                 or `guard.allow: [{{code: {c}, reason: <why>}}]` in schemactl.yaml.",
                c = self.code
            ),
        }
    }
}

/// [`RuleInfo::dialects`] of a rule about PostgreSQL only.
pub const POSTGRES_ONLY: &[crate::model::DialectKind] = &[crate::model::DialectKind::Postgres];
/// [`RuleInfo::dialects`] of a rule for every dialect.
pub const EVERY_DIALECT: &[crate::model::DialectKind] = &[
    crate::model::DialectKind::Postgres,
    crate::model::DialectKind::Sqlite,
];

/// One problem a rule found, before levels and suppressions are applied.
#[derive(Debug, Clone)]
pub struct Finding {
    pub message: String,
    pub origin: Option<Origin>,
    pub help: Option<String>,
    /// Tables the finding is about; a suppression on any of them silences it.
    pub tables: Vec<QName>,
    /// A later statement of the same file that makes the finding moot (SQL lint only): the
    /// finding is held until the file ends and dropped if that statement comes.
    pub unless_later: Option<lint::Later>,
}

impl Finding {
    /// The finding as rule `code` reports it.
    pub fn into_diagnostic(self, code: &str, severity: Severity) -> Diagnostic {
        Diagnostic {
            severity,
            code: code.to_string(),
            message: self.message,
            location: self.origin,
            help: self.help,
        }
    }

    pub fn new(message: impl Into<String>) -> Self {
        Finding {
            message: message.into(),
            origin: None,
            help: None,
            tables: Vec::new(),
            unless_later: None,
        }
    }

    /// Held until the end of the file, and dropped if `later` comes first.
    pub fn unless_later(mut self, later: lint::Later) -> Self {
        self.unless_later = Some(later);
        self
    }

    pub fn at(mut self, origin: &Origin) -> Self {
        if origin.is_known() {
            self.origin = Some(origin.clone());
        }
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn table(mut self, t: &QName) -> Self {
        self.tables.push(t.clone());
        self
    }
}

pub type SchemaCheck = fn(&SchemaCx<'_>, &mut Vec<Finding>);
pub type MigrationCheck = fn(&migrations::MigrationCx<'_>, &mut Vec<Finding>);

#[derive(Clone, Copy)]
pub enum Check {
    /// Applied by the engine itself (SG100).
    Meta,
    Schema(SchemaCheck),
    Migrations(MigrationCheck),
    /// A SQL lint rule, run per statement by [`lint`] (one pass over each file).
    Sql(lint::SqlCheck),
}

#[derive(Clone, Copy)]
pub struct Rule {
    pub info: RuleInfo,
    pub check: Check,
}

/// Every rule, in code order: the schema, graph and folder rules of [`rules::ALL`] and the
/// SQL rules of [`lint::RULES`].
pub fn registry() -> &'static [Rule] {
    static ALL: std::sync::OnceLock<Vec<Rule>> = std::sync::OnceLock::new();
    ALL.get_or_init(|| {
        let mut all: Vec<Rule> = rules::ALL.iter().chain(lint::RULES).copied().collect();
        all.sort_by_key(|r| r.info.code);
        all
    })
}

pub fn rule(code: &str) -> Option<&'static Rule> {
    registry()
        .iter()
        .find(|r| r.info.code.eq_ignore_ascii_case(code))
}

/// What schema rules read: the schema, the config and lookups built once (keeps rules linear).
pub struct SchemaCx<'a> {
    pub schema: &'a Schema,
    pub config: &'a GuardConfig,
    pub tables: HashMap<&'a QName, &'a Table>,
    tenant_root: QName,
}

impl<'a> SchemaCx<'a> {
    pub fn new(schema: &'a Schema, config: &'a GuardConfig) -> Self {
        SchemaCx {
            schema,
            config,
            tables: schema.tables.iter().map(|t| (&t.name, t)).collect(),
            tenant_root: QName::parse(&config.tenant.table),
        }
    }

    pub fn table(&self, name: &QName) -> Option<&'a Table> {
        self.tables.get(name).copied()
    }

    pub fn tenant_column(&self) -> &str {
        &self.config.tenant.column
    }

    pub fn is_tenant_root(&self, t: &Table) -> bool {
        t.name == self.tenant_root
    }

    /// The reason a table is outside any tenant: declared in the schema or in config.
    pub fn global_reason(&self, t: &'a Table) -> Option<&'a str> {
        match &t.meta.scope {
            Scope::Global { reason } => Some(reason.as_str()),
            _ => self
                .config
                .tenant
                .global_tables
                .get(&t.name.to_string())
                .map(String::as_str),
        }
    }

    /// A business table: tenant-scoped by declaration or by carrying the tenant column.
    pub fn is_tenant(&self, t: &Table) -> bool {
        if self.is_tenant_root(t) {
            return false;
        }
        match &t.meta.scope {
            Scope::Tenant { .. } => true,
            Scope::Global { .. } => false,
            Scope::Unspecified => {
                !self
                    .config
                    .tenant
                    .global_tables
                    .contains_key(&t.name.to_string())
                    && t.has_column(self.tenant_column())
            }
        }
    }

    /// The FK graph, built on demand by graph rules.
    pub fn graph(&self) -> FkGraph<'a> {
        FkGraph::new(self.schema)
    }

    /// The table's domain: its declared `.domain(..)` or else its PostgreSQL schema.
    pub fn domain(t: &'a Table) -> Option<&'a str> {
        t.meta.domain.as_deref().or(t.name.schema.as_deref())
    }
}

/// True when `expr` mentions `ident` as a whole identifier (not as part of a longer one).
pub fn mentions(expr: &str, ident: &str) -> bool {
    let bytes = expr.as_bytes();
    let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut from = 0;
    while let Some(i) = expr[from..].find(ident) {
        let start = from + i;
        let end = start + ident.len();
        let before_ok = start == 0 || !is_word(bytes[start - 1]);
        let after_ok = end >= bytes.len() || !is_word(bytes[end]);
        if before_ok && after_ok {
            return true;
        }
        from = start + 1;
        while from < expr.len() && !expr.is_char_boundary(from) {
            from += 1;
        }
        if from >= expr.len() {
            break;
        }
    }
    false
}

/// Origin of a column, falling back to its table's.
pub fn column_origin<'a>(t: &'a Table, c: &'a Column) -> &'a Origin {
    if c.origin.is_known() {
        &c.origin
    } else {
        &t.origin
    }
}

/// Runs every schema and graph rule on `schema`.
pub fn check_schema(schema: &Schema, config: &GuardConfig) -> Vec<Diagnostic> {
    let cx = SchemaCx::new(schema, config);
    let mut out = Vec::new();
    for rule in registry() {
        if let Check::Schema(check) = rule.check {
            let Some(severity) = config
                .level(rule.info.code, rule.info.default_level)
                .severity()
            else {
                continue;
            };
            let mut found = Vec::new();
            check(&cx, &mut found);
            for f in found {
                if suppressed(&cx, config, rule.info.code, &f.tables) {
                    continue;
                }
                out.push(f.into_diagnostic(rule.info.code, severity));
            }
        }
    }
    out.extend(suppression_problems(&cx, config));
    sort(&mut out);
    out
}

/// Runs every migration-folder rule on the folder at `dir`. I/O errors (an unreadable folder)
/// are returned as `Err`, separate from findings.
pub fn check_migrations(
    dir: &Path,
    input: &MigrationInput<'_>,
    config: &GuardConfig,
) -> Result<Vec<Diagnostic>, Vec<Diagnostic>> {
    let mut cx = migrations::MigrationCx::load(dir, input)?;
    cx.dialect = config.dialect;
    let mut out = Vec::new();
    for rule in registry() {
        if let Check::Migrations(check) = rule.check {
            let Some(severity) = config
                .level(rule.info.code, rule.info.default_level)
                .severity()
            else {
                continue;
            };
            if config.allowed_everywhere(rule.info.code) {
                continue;
            }
            let mut found = Vec::new();
            check(&cx, &mut found);
            out.extend(
                found
                    .into_iter()
                    .map(|f| f.into_diagnostic(rule.info.code, severity)),
            );
        }
    }
    out.extend(lint::lint_folder(&cx, config));
    sort(&mut out);
    Ok(out)
}

/// A finding is silenced by a reasoned `.allow` on one of its tables or by a config entry.
fn suppressed(cx: &SchemaCx<'_>, config: &GuardConfig, code: &str, tables: &[QName]) -> bool {
    config.allowed_on(code, tables)
        || tables.iter().any(|q| {
            cx.table(q).is_some_and(|t| {
                t.meta
                    .allow
                    .iter()
                    .any(|a| a.code == code && !a.reason.trim().is_empty())
            })
        })
}

/// SG100: a table suppression must name a known rule and give a reason (it then does not apply).
fn suppression_problems(cx: &SchemaCx<'_>, config: &GuardConfig) -> Vec<Diagnostic> {
    let code = rules::suppression::INFO.code;
    let Some(severity) = config
        .level(code, rules::suppression::INFO.default_level)
        .severity()
    else {
        return Vec::new();
    };
    let mut found = Vec::new();
    rules::suppression::check(cx, &mut found);
    found
        .into_iter()
        .filter(|f| !suppressed(cx, config, code, &f.tables))
        .map(|f| f.into_diagnostic(code, severity))
        .collect()
}

/// Location first (file, line, column), then code and message: stable across runs.
pub fn sort(ds: &mut [Diagnostic]) {
    ds.sort_by(|a, b| {
        fn key(d: &Diagnostic) -> (u8, &str, u32, u32) {
            d.location
                .as_ref()
                .map(|l| (0u8, l.file.as_ref(), l.line, l.column))
                .unwrap_or((1, "", 0, 0))
        }
        key(a)
            .cmp(&key(b))
            .then_with(|| a.code.cmp(&b.code))
            .then_with(|| a.message.cmp(&b.message))
    });
}

/// Turns warnings into errors (`--warnings-as-errors`).
pub fn escalate(ds: &mut [Diagnostic]) {
    for d in ds {
        d.severity = Severity::Error;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mentions_whole_identifiers_only() {
        assert!(mentions("status IN ('a')", "status"));
        assert!(mentions("(x.status = 1)", "status"));
        assert!(!mentions("sub_status = 1", "status"));
        assert!(!mentions("statuses", "status"));
        assert!(!mentions("", "status"));
    }

    #[test]
    fn codes_are_unique_sorted_and_in_their_family() {
        let codes: Vec<&str> = registry().iter().map(|r| r.info.code).collect();
        let mut sorted = codes.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(codes, sorted, "registry must list unique codes in order");
        for r in registry() {
            let prefix = match r.info.family {
                Family::Meta => "SG10",
                Family::Schema => "SG1",
                Family::Graph => "SG2",
                Family::Migrations => "SG3",
                Family::Sql => "SG4",
                Family::Distribution => "SG5",
            };
            assert!(r.info.code.starts_with(prefix), "{}", r.info.code);
            assert!(!r.info.summary.is_empty() && !r.info.flags.is_empty());
            assert!(!r.info.why.is_empty() && !r.info.fix.is_empty());
            assert!(!r.info.name.contains(' '));
        }
    }

    /// 10,000 tables in a chain closed into one big cycle: one SG201, no SG204 (how the cost
    /// grows is `cargo xtask bench`'s "guard: every schema rule" case).
    #[test]
    fn ten_thousand_tables_in_one_ring_are_one_cycle() {
        use crate::model::{ColumnType, ForeignKey, Index, IndexKey, IndexPart, PrimaryKey};
        let n = 10_000;
        let mut schema = Schema::default();
        for i in 0..n {
            let name = format!("t{i}");
            let mut t = Table::new(name.as_str(), Origin::default());
            for c in ["id", "parent_id"] {
                t.columns.push(Column::new(
                    c,
                    ColumnType::Text,
                    c != "id",
                    Origin::default(),
                ));
            }
            t.primary_key = Some(PrimaryKey {
                name: format!("{name}_pkey").into(),
                columns: vec!["id".into()],
                origin: Origin::default(),
            });
            t.foreign_keys.push(ForeignKey {
                name: format!("{name}_parent_id_fk").into(),
                columns: vec!["parent_id".into()],
                ref_table: QName::parse(&format!("t{}", (i + 1) % n)),
                ref_columns: vec!["id".into()],
                on_delete: Default::default(),
                on_update: Default::default(),
                deferrable: Default::default(),
                origin: Origin::default(),
            });
            t.indexes.push(Index {
                name: format!("{name}_parent_id_idx").into(),
                parts: vec![IndexPart {
                    key: IndexKey::Column("parent_id".into()),
                    opclass: None,
                    descending: false,
                }],
                unique: false,
                method: Default::default(),
                predicate: None,
                include: vec![],
                nulls_not_distinct: false,
                origin: Origin::default(),
            });
            schema.tables.push(t);
        }
        let mut config = GuardConfig::default();
        config.graph.roots = vec!["t0".into()];
        let ds = check_schema(&schema, &config);
        let cycles: Vec<_> = ds.iter().filter(|d| d.code == "SG201").collect();
        assert_eq!(cycles.len(), 1);
        assert!(!ds.iter().any(|d| d.code == "SG204"));
        // The graph rules alone find the one cycle too.
        for r in registry() {
            if r.info.family != Family::Graph {
                config.severity.insert(r.info.code.to_string(), Level::Off);
            }
        }
        let graph_only = check_schema(&schema, &config);
        assert_eq!(graph_only.len(), 1);
    }

    #[test]
    fn config_suppressions_need_a_reason_and_can_target_a_table() {
        use crate::dsl::*;
        use config::ConfigAllow;
        let mut s = testing::base();
        s.table(TableRef::new("a")).global("x").id_tagged("a");
        s.table(TableRef::new("b")).global("x").id_tagged("b");
        let schema = testing::build(s);
        let allow = |table: Option<&str>, reason: &str| {
            let mut c = GuardConfig::default();
            c.allow.push(ConfigAllow {
                code: "SG107".into(),
                table: table.map(str::to_string),
                reason: reason.into(),
            });
            testing::only("SG107", c)
        };
        let count = |c: &GuardConfig| check_schema(&schema, c).len();
        assert_eq!(count(&testing::only("SG107", GuardConfig::default())), 2);
        assert_eq!(count(&allow(Some("a"), "scratch")), 1);
        assert_eq!(count(&allow(None, "docs live elsewhere")), 0);
        assert_eq!(count(&allow(None, "  ")), 2);
    }

    #[test]
    fn rule_lookup_ignores_case() {
        assert!(rule("sg101").is_some());
        assert!(rule("SG999").is_none());
    }
}
