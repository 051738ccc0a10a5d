//! Fleets: one command over many databases and tenant schemas.
//!
//! A fleet (`fleet:` in `schemactl.yaml`, or a fleet file) lists targets: explicit database
//! URLs, the URLs a query on a control database returns, and tenant schemas of one database
//! (listed or queried), each schema a target of its own with its own `search_path`, tracking
//! table and migration lock. [`resolve`] turns the config into targets grouped in waves;
//! [`run`] works through the waves, `max_parallel` targets at a time, stopping or continuing
//! after a failure as the policy says. Each target is migrated, read or compared exactly as a
//! single `--database-url` run would do it ([`apply_target`], [`status_target`],
//! [`drift_target`]), so a killed rollout resumes from each target's own tracking table.
//!
//! Passwords never come from the fleet config or a control query: a URL holding one is
//! refused; they come from the environment (`password_env`, default `PGPASSWORD`).

pub use crate::config::fleet as config;

pub use config::{FailurePolicy, FleetConfig, TargetSpec, WaveSpec};

use crate::apply::{self, ApplyOptions, Progress, State, Target};
use crate::diag::{Diagnostic, Diagnostics};
use crate::migrate::{MigrationDir, MigrationFile};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// One database, or one tenant schema of a database, that a fleet command reaches.
#[derive(Debug, Clone)]
pub struct FleetTarget {
    /// `entry`, `entry/schema` or `entry/host:port/db`: unique in the fleet.
    pub name: String,
    pub target: Target,
    pub labels: BTreeMap<String, String>,
}

/// Targets in the order they roll out.
#[derive(Debug, Clone)]
pub struct Wave {
    pub name: String,
    pub targets: Vec<FleetTarget>,
}

fn err(code: &str, msg: String, help: &str) -> Diagnostic {
    Diagnostic::error(code, msg).help(help.to_string())
}

/// What the rollout may run: checked before any control database is asked.
fn check_config(config: &FleetConfig) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if config.max_parallel == 0 || config.max_parallel > config::MAX_PARALLEL {
        out.push(err(
            "fleet::bad-parallel",
            format!(
                "max_parallel is {}: it must be from 1 to {}",
                config.max_parallel,
                config::MAX_PARALLEL
            ),
            "each parallel target holds two connections (the lock and the session): pick what the servers' max_connections allow",
        ));
    }
    if config.targets.is_empty() {
        out.push(err(
            "fleet::no-targets",
            "the fleet lists no targets".into(),
            "add `targets:` entries, each with a name and a url (and schemas or a query for many)",
        ));
    }
    let mut names = BTreeSet::new();
    for (i, t) in config.targets.iter().enumerate() {
        check_target(i, t, &mut names, &mut out);
    }
    check_waves(&config.waves, &mut out);
    out
}

/// One `targets:` entry; `names` holds the names of the entries before it.
fn check_target<'a>(
    i: usize,
    t: &'a TargetSpec,
    names: &mut BTreeSet<&'a str>,
    out: &mut Vec<Diagnostic>,
) {
    let label = if t.name.trim().is_empty() {
        format!("target {}", i + 1)
    } else {
        format!("target `{}`", crate::diag::truncate(&t.name, 80))
    };
    if t.name.trim().is_empty() {
        out.push(err(
            "fleet::bad-name",
            format!("{label} has an empty name"),
            "give every target a short name; it is how reports and waves refer to it",
        ));
    } else if t.name.chars().any(|c| c.is_control() || c.is_whitespace()) || t.name.len() > 100 {
        out.push(err(
            "fleet::bad-name",
            format!(
                "{label}: names are at most 100 characters, without spaces or control characters"
            ),
            "use letters, digits, `-`, `_` and `.`",
        ));
    } else if !names.insert(t.name.as_str()) {
        out.push(err(
            "fleet::duplicate-target",
            format!("two targets are named `{}`", t.name),
            "every target has its own name",
        ));
    }
    check_target_source(&label, t, out);
    for (k, v) in &t.labels {
        if let Err(e) = check_label(k, v) {
            out.push(err("fleet::bad-label", format!("{label}: {e}"), LABEL_HELP));
        }
    }
}

/// Where an entry's targets come from: at most one of its queries and schema list, each
/// well formed, and password variables that name a variable.
fn check_target_source(label: &str, t: &TargetSpec, out: &mut Vec<Diagnostic>) {
    let sources = [
        t.urls_query.is_some(),
        t.schemas.is_some(),
        t.schemas_query.is_some(),
    ]
    .iter()
    .filter(|b| **b)
    .count();
    if sources > 1 {
        out.push(err(
            "fleet::ambiguous-target",
            format!("{label} has more than one of urls_query, schemas and schemas_query"),
            "an entry is one database (url), the databases a control query returns (url + urls_query), or tenant schemas of one database (url + schemas or schemas_query): split it into several entries",
        ));
    }
    if t.urls_password_env.is_some() && t.urls_query.is_none() {
        out.push(err(
            "fleet::ambiguous-target",
            format!("{label} has urls_password_env but no urls_query"),
            "urls_password_env is the password of the URLs urls_query returns; use password_env for url itself",
        ));
    }
    for (key, var) in [
        ("password_env", &t.password_env),
        ("urls_password_env", &t.urls_password_env),
    ] {
        if var.as_deref().is_some_and(|v| !is_env_var_name(v)) {
            out.push(err(
                "fleet::bad-password-env",
                format!("{label}: {key} must name an environment variable (A-Z, 0-9 and _), not hold a value"),
                "passwords come from the environment: set a variable such as EU_DB_PASSWORD before the run and write `password_env: EU_DB_PASSWORD`",
            ));
        }
    }
    for (key, q) in [
        ("urls_query", &t.urls_query),
        ("schemas_query", &t.schemas_query),
    ] {
        if q.as_ref().is_some_and(|q| q.trim().is_empty()) {
            out.push(err(
                "fleet::bad-query",
                format!("{label}: {key} is empty"),
                "give the SELECT that returns one row per target",
            ));
        }
    }
    if let Some(schemas) = &t.schemas {
        if schemas.is_empty() {
            out.push(err(
                "fleet::no-targets",
                format!("{label}: `schemas` is an empty list"),
                "list the tenant schemas, or remove the entry",
            ));
        }
        for s in schemas {
            if let Err(why) = apply::target::check_schema_name(s) {
                out.push(err(
                    "fleet::bad-schema-name",
                    format!("{label}: {why}"),
                    "fix the name in the list (tenant schemas are plain names such as tenant_42)",
                ));
            }
        }
    }
}

/// An environment variable's name as `password_env` takes it: `A-Z`, `0-9` and `_`, not
/// starting with a digit, and short; anything else is likely a password itself.
fn is_env_var_name(v: &str) -> bool {
    !v.is_empty()
        && v.len() <= 100
        && v.starts_with(|c: char| c.is_ascii_uppercase() || c == '_')
        && v.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// The `waves:`: named once each, labelled (but the last), with well-formed labels.
fn check_waves(waves: &[WaveSpec], out: &mut Vec<Diagnostic>) {
    let mut wave_names = BTreeSet::new();
    for (i, w) in waves.iter().enumerate() {
        if w.name.trim().is_empty() || !wave_names.insert(w.name.as_str()) {
            out.push(err(
                "fleet::bad-wave",
                format!("wave {} has an empty or repeated name", i + 1),
                "name each wave once, e.g. canary and rest",
            ));
        }
        if w.labels.is_empty() && i + 1 < waves.len() {
            out.push(err(
                "fleet::bad-wave",
                format!(
                    "wave `{}` has no labels, so it takes every target left, and the waves after it would be empty",
                    w.name
                ),
                "give the wave labels to select its targets, or make it the last wave",
            ));
        }
        for (k, v) in &w.labels {
            if let Err(e) = check_label(k, v) {
                out.push(err(
                    "fleet::bad-label",
                    format!("wave `{}`: {e}", w.name),
                    LABEL_HELP,
                ));
            }
        }
    }
}

const LABEL_HELP: &str =
    "labels are short key: value pairs (letters, digits, `_`, `-`, `.`), e.g. `ring: canary`";

fn check_label(k: &str, v: &str) -> Result<(), String> {
    let ok = |s: &str| {
        !s.is_empty()
            && s.len() <= 63
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
    };
    if ok(k) && ok(v) {
        Ok(())
    } else {
        Err(format!(
            "label `{}: {}` is not a short plain key and value",
            crate::diag::truncate(&k.escape_debug().to_string(), 40),
            crate::diag::truncate(&v.escape_debug().to_string(), 40)
        ))
    }
}

/// Labels as a control query returns them: `key=value,key=value` (empty or NULL: none).
fn parse_labels(text: &str) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    for pair in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let Some((k, v)) = pair.split_once('=') else {
            return Err(format!(
                "labels `{}` are not key=value pairs",
                crate::diag::truncate(&text.escape_debug().to_string(), 60)
            ));
        };
        let (k, v) = (k.trim(), v.trim());
        check_label(k, v)?;
        out.insert(k.to_string(), v.to_string());
    }
    Ok(out)
}

/// Parses a URL from the fleet config or a control query: it must not hold a password, which
/// comes from `password_env` (or PGPASSWORD).
fn parse_url(
    url: &str,
    password_env: Option<&str>,
    env: &dyn Fn(&str) -> Option<String>,
    whose: &str,
    from_query: bool,
) -> Result<Target, Diagnostic> {
    let no_password_env = |k: &str| if k == "PGPASSWORD" { None } else { env(k) };
    let mut target = Target::parse(url, &no_password_env).map_err(|mut d| {
        d.message = format!("{whose}: {}", d.message);
        d
    })?;
    if let Target::Postgres(pg) = &mut target {
        if pg.config.get_password().is_some() {
            let (what, help) = if from_query {
                ("a URL the control query returned holds a password", "return URLs without passwords, and give the password in the environment: urls_password_env names the variable (default PGPASSWORD)")
            } else {
                ("its url holds a password", "a fleet file is shared and committed: take the password out of the URL and put it in the environment, naming the variable with password_env (default PGPASSWORD)")
            };
            return Err(err(
                "fleet::password-in-url",
                format!("{whose}: {what}, and passwords never come from there"),
                help,
            ));
        }
        let password = match password_env {
            Some(var) => Some(env(var).filter(|v| !v.is_empty()).ok_or_else(|| {
                err(
                    "fleet::missing-password",
                    format!("{whose}: the environment variable {var} is not set"),
                    "export it with the database password before the run (or remove password_env to use PGPASSWORD)",
                )
            })?),
            None => env("PGPASSWORD").filter(|v| !v.is_empty()),
        };
        if let Some(p) = password {
            pg.config.password(p);
        }
    }
    Ok(target)
}

/// `host:port/db` of a target, for names (no user, no password).
fn short(target: &Target) -> String {
    let d = target.display();
    match d.strip_prefix("postgres://") {
        Some(rest) => rest.rsplit_once('@').map_or(rest, |(_, r)| r).to_string(),
        None => d,
    }
}

/// Runs a control query read-only and returns each row's first column and optional second
/// (labels). Bounded: the statement times out with the connect timeout (at least 30 s) and
/// more than [`config::MAX_TARGETS`] rows are refused.
fn control_query(
    target: &Target,
    sql: &str,
    timeout: Duration,
    whose: &str,
) -> Result<Vec<(String, Option<String>)>, Diagnostic> {
    let query_err = |msg: String| {
        err(
            "fleet::query-failed",
            format!("{whose}: the query failed: {}", target.redact(&msg)),
            "run the query by hand on that database; it must return one row per target, the first column the URL or schema name, an optional second its labels (key=value,...)",
        )
    };
    let rows: Vec<(String, Option<String>)> = match target {
        Target::Sqlite(path) => {
            let conn = rusqlite::Connection::open_with_flags(
                path,
                rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
            )
            .map_err(|e| query_err(e.to_string()))?;
            let mut stmt = conn.prepare(sql).map_err(|e| query_err(e.to_string()))?;
            let columns = stmt.column_count();
            if columns == 0 {
                return Err(query_err("it returns no columns".into()));
            }
            let mut rows = stmt.query([]).map_err(|e| query_err(e.to_string()))?;
            let mut out = Vec::new();
            while let Some(r) = rows.next().map_err(|e| query_err(e.to_string()))? {
                let text = |i: usize| -> Option<String> {
                    match r.get_ref(i).ok()? {
                        rusqlite::types::ValueRef::Null => None,
                        rusqlite::types::ValueRef::Integer(n) => Some(n.to_string()),
                        rusqlite::types::ValueRef::Real(f) => Some(f.to_string()),
                        rusqlite::types::ValueRef::Text(t) | rusqlite::types::ValueRef::Blob(t) => {
                            Some(String::from_utf8_lossy(t).into_owned())
                        }
                    }
                };
                out.push((
                    text(0).unwrap_or_default(),
                    if columns > 1 { text(1) } else { None },
                ));
                if out.len() > config::MAX_TARGETS {
                    break;
                }
            }
            out
        }
        Target::Postgres(_) => {
            let mut client = apply::postgres_driver::connect_client(&target.read_only(), timeout)?;
            let limit = timeout.max(Duration::from_secs(30)).as_millis();
            client
                .batch_execute(&format!("SET statement_timeout = {limit}"))
                .map_err(|e| query_err(apply::postgres_driver::error_text(&e)))?;
            let messages = client
                .simple_query(sql)
                .map_err(|e| query_err(apply::postgres_driver::error_text(&e)))?;
            let mut out = Vec::new();
            for m in messages {
                if let postgres::SimpleQueryMessage::Row(r) = m {
                    out.push((
                        r.get(0).unwrap_or_default().to_string(),
                        if r.len() > 1 {
                            r.get(1).map(str::to_string)
                        } else {
                            None
                        },
                    ));
                    if out.len() > config::MAX_TARGETS {
                        break;
                    }
                }
            }
            out
        }
    };
    if rows.len() > config::MAX_TARGETS {
        return Err(err(
            "fleet::too-many-targets",
            format!(
                "{whose}: the query returned more than {} rows",
                config::MAX_TARGETS
            ),
            "a fleet rolls out at most that many targets in one run: split it into several fleets, or check the query's WHERE",
        ));
    }
    Ok(rows)
}

/// Turns the fleet config into targets grouped in waves. Control databases are queried
/// (read-only); every problem is reported together and nothing runs if there is one.
pub fn resolve(
    config: &FleetConfig,
    env: &dyn Fn(&str) -> Option<String>,
    timeout: Duration,
) -> Result<Vec<Wave>, Diagnostics> {
    let problems = check_config(config);
    if !problems.is_empty() {
        return Err(Diagnostics(problems));
    }
    let mut targets: Vec<FleetTarget> = Vec::new();
    let mut problems = Vec::new();
    for spec in &config.targets {
        resolve_entry(spec, env, timeout, &mut targets, &mut problems);
    }
    check_resolved(&targets, &mut problems);
    if !problems.is_empty() {
        return Err(Diagnostics(problems));
    }
    waves(config, targets)
}

/// One `targets:` entry being resolved: its spec, its parsed url, and how reports name it.
struct Entry<'a> {
    spec: &'a TargetSpec,
    base: Target,
    whose: String,
}

impl Entry<'_> {
    /// The entry's labels, with a control query row's added.
    fn labels(&self, row: BTreeMap<String, String>) -> BTreeMap<String, String> {
        let mut all = self.spec.labels.clone();
        all.extend(row);
        all
    }

    /// A tenant schema of the entry's database.
    fn schema_target(
        &self,
        schema: &str,
        labels: BTreeMap<String, String>,
    ) -> Result<FleetTarget, Diagnostic> {
        if let Target::Sqlite(_) = self.base {
            return Err(err(
                "fleet::schemas-on-sqlite",
                format!(
                    "{}: SQLite has no schemas, so it cannot hold schema-per-tenant targets",
                    self.whose
                ),
                "list each tenant's SQLite file as its own target (or in a urls_query)",
            ));
        }
        Ok(FleetTarget {
            name: format!("{}/{schema}", self.spec.name),
            target: self.base.in_schema(schema),
            labels: self.labels(labels),
        })
    }
}

/// Adds the targets one entry stands for: its database, its listed or queried tenant
/// schemas, or the databases its control query returns.
fn resolve_entry(
    spec: &TargetSpec,
    env: &dyn Fn(&str) -> Option<String>,
    timeout: Duration,
    targets: &mut Vec<FleetTarget>,
    problems: &mut Vec<Diagnostic>,
) {
    let whose = format!("target `{}`", spec.name);
    let base = match parse_url(&spec.url, spec.password_env.as_deref(), env, &whose, false) {
        Ok(t) => t,
        Err(d) => return problems.push(d),
    };
    let entry = Entry { spec, base, whose };
    if let Some(schemas) = &spec.schemas {
        for s in schemas {
            match entry.schema_target(s, BTreeMap::new()) {
                Ok(t) => targets.push(t),
                Err(d) => {
                    problems.push(d);
                    break;
                }
            }
        }
    } else if let Some(sql) = &spec.schemas_query {
        match control_query(&entry.base, sql, timeout, &entry.whose) {
            Ok(rows) => queried_schema_targets(&entry, &rows, targets, problems),
            Err(d) => problems.push(d),
        }
    } else if let Some(sql) = &spec.urls_query {
        match control_query(&entry.base, sql, timeout, &entry.whose) {
            Ok(rows) => queried_url_targets(&entry, &rows, env, targets, problems),
            Err(d) => problems.push(d),
        }
    } else {
        targets.push(FleetTarget {
            name: spec.name.clone(),
            target: entry.base,
            labels: spec.labels.clone(),
        });
    }
}

/// A control query row's labels (second column), as the fleet config writes them.
fn row_labels(row: &str, labels: Option<&str>) -> Result<BTreeMap<String, String>, Diagnostic> {
    parse_labels(labels.unwrap_or(""))
        .map_err(|e| err("fleet::bad-label", format!("{row}: {e}"), LABEL_HELP))
}

/// The tenant schemas a `schemas_query` returned.
fn queried_schema_targets(
    entry: &Entry,
    rows: &[(String, Option<String>)],
    targets: &mut Vec<FleetTarget>,
    problems: &mut Vec<Diagnostic>,
) {
    for (i, (schema, labels)) in rows.iter().enumerate() {
        let row = format!("{}, row {} of schemas_query", entry.whose, i + 1);
        let labels = match row_labels(&row, labels.as_deref()) {
            Ok(l) => l,
            Err(d) => {
                problems.push(d);
                continue;
            }
        };
        if let Err(why) = apply::target::check_schema_name(schema) {
            problems.push(err(
                "fleet::bad-schema-name",
                format!("{row}: {why}"),
                "fix the name in the control table, or filter it out in the query",
            ));
            continue;
        }
        match entry.schema_target(schema, labels) {
            Ok(t) => targets.push(t),
            Err(d) => {
                problems.push(d);
                break;
            }
        }
    }
}

/// The databases a `urls_query` returned.
fn queried_url_targets(
    entry: &Entry,
    rows: &[(String, Option<String>)],
    env: &dyn Fn(&str) -> Option<String>,
    targets: &mut Vec<FleetTarget>,
    problems: &mut Vec<Diagnostic>,
) {
    let spec = entry.spec;
    for (i, (url, labels)) in rows.iter().enumerate() {
        let row = format!("{}, row {} of urls_query", entry.whose, i + 1);
        let labels = match row_labels(&row, labels.as_deref()) {
            Ok(l) => l,
            Err(d) => {
                problems.push(d);
                continue;
            }
        };
        if url.trim().is_empty() {
            problems.push(err(
                "fleet::bad-url",
                format!("{row}: the URL is empty or NULL"),
                "the query's first column is each target's database URL",
            ));
            continue;
        }
        match parse_url(url, spec.urls_password_env.as_deref(), env, &row, true) {
            Ok(t) => targets.push(FleetTarget {
                name: format!("{}/{}", spec.name, short(&t)),
                target: t,
                labels: entry.labels(labels),
            }),
            Err(d) => problems.push(d),
        }
    }
}

/// The whole fleet: not too many targets, and no database (and schema) twice, which would be
/// migrated twice at once.
fn check_resolved(targets: &[FleetTarget], problems: &mut Vec<Diagnostic>) {
    if targets.len() > config::MAX_TARGETS {
        problems.push(err(
            "fleet::too-many-targets",
            format!(
                "the fleet resolves to {} targets, more than {}",
                targets.len(),
                config::MAX_TARGETS
            ),
            "split it into several fleets",
        ));
    }
    let mut seen: BTreeMap<String, &str> = BTreeMap::new();
    for t in targets {
        let key = t.target.display_with_schema();
        if let Some(first) = seen.insert(key.clone(), &t.name) {
            problems.push(err(
                "fleet::duplicate-target",
                format!("`{}` and `{first}` are the same target ({key})", t.name),
                "list each database or tenant schema once",
            ));
        }
    }
}

/// Puts each target in the first wave whose labels it carries.
fn waves(config: &FleetConfig, targets: Vec<FleetTarget>) -> Result<Vec<Wave>, Diagnostics> {
    if config.waves.is_empty() {
        return Ok(vec![Wave {
            name: "all".into(),
            targets,
        }]);
    }
    let mut waves: Vec<Wave> = config
        .waves
        .iter()
        .map(|w| Wave {
            name: w.name.clone(),
            targets: Vec::new(),
        })
        .collect();
    let mut problems = Vec::new();
    for t in targets {
        let wave = config
            .waves
            .iter()
            .position(|w| w.labels.iter().all(|(k, v)| t.labels.get(k) == Some(v)));
        match wave {
            Some(i) => waves[i].targets.push(t),
            None => problems.push(err(
                "fleet::no-wave",
                format!(
                    "target `{}` is in no wave: its labels match none of the waves' labels",
                    t.name
                ),
                "end the waves with one without labels (e.g. `- name: rest`), which takes every target left",
            )),
        }
    }
    if problems.is_empty() {
        Ok(waves)
    } else {
        Err(Diagnostics(problems))
    }
}

/// Where a target stands after a fleet command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetState {
    /// apply: migrations were applied in this run and the target reached its version.
    Applied,
    /// Nothing was pending (apply), or every migration is applied (status).
    UpToDate,
    /// status: migrations are pending or part-way.
    Behind,
    /// status: applied migrations were edited, renamed or are missing from the folder.
    Problems,
    /// drift: the database matches its migrations.
    NoDrift,
    /// drift: differences found.
    Drift,
    /// The command failed on this target (connection, lock, a failing statement, a refusal).
    Failed,
    /// The rollout stopped before this target (on_failure: stop).
    NotStarted,
}

impl TargetState {
    pub fn as_str(self) -> &'static str {
        match self {
            TargetState::Applied => "applied",
            TargetState::UpToDate => "up_to_date",
            TargetState::Behind => "behind",
            TargetState::Problems => "problems",
            TargetState::NoDrift => "no_drift",
            TargetState::Drift => "drift",
            TargetState::Failed => "failed",
            TargetState::NotStarted => "not_started",
        }
    }

    /// The state a fully successful command leaves.
    pub fn is_ok(self) -> bool {
        matches!(
            self,
            TargetState::Applied | TargetState::UpToDate | TargetState::NoDrift
        )
    }
}

/// One target's line of the final table.
#[derive(Debug, Clone, Serialize)]
pub struct TargetReport {
    pub name: String,
    /// The database, without any password.
    pub target: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    pub wave: String,
    pub labels: BTreeMap<String, String>,
    pub state: TargetState,
    /// The last migration fully applied (none: nothing applied, or unknown after a failure
    /// to connect).
    pub version: Option<u64>,
    /// apply: files applied by this run.
    pub applied: usize,
    /// Files not (fully) applied yet.
    pub pending: usize,
    /// drift: how many differences.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub differences: Option<usize>,
    /// The first error: `[code] message`, passwords masked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub duration_ms: u64,
}

impl TargetReport {
    pub fn new(wave: &str, t: &FleetTarget, state: TargetState) -> Self {
        TargetReport {
            name: t.name.clone(),
            target: t.target.display(),
            schema: t.target.schema().map(str::to_string),
            wave: wave.to_string(),
            labels: t.labels.clone(),
            state,
            version: None,
            applied: 0,
            pending: 0,
            differences: None,
            error: None,
            duration_ms: 0,
        }
    }

    fn failed(mut self, ds: &Diagnostics, target: &Target) -> Self {
        self.state = TargetState::Failed;
        self.error = ds.0.first().map(|d| {
            crate::diag::truncate(&target.redact(&format!("[{}] {}", d.code, d.message)), 500)
        });
        self
    }
}

/// What a fleet command reports while it runs; the CLI prints it on stderr.
#[derive(Debug, Clone)]
pub enum Event {
    Wave {
        name: String,
        targets: usize,
        parallel: usize,
    },
    Started {
        name: String,
    },
    /// A target began a migration file.
    File {
        name: String,
        file: String,
        resume_at: usize,
        total: usize,
    },
    Finished(Box<TargetReport>),
    /// The rollout stopped after a failure (on_failure: stop): targets not started are left.
    Stopping {
        after: String,
    },
}

/// The whole run: every target's report in wave order, then config order.
#[derive(Debug, Clone, Serialize)]
pub struct FleetReport {
    pub command: &'static str,
    pub on_failure: FailurePolicy,
    pub max_parallel: usize,
    /// The folder's last version: where every target should end.
    pub last_version: Option<u64>,
    pub targets: Vec<TargetReport>,
    /// Every target ended in an ok state (applied, up to date, no drift).
    pub complete: bool,
}

impl FleetReport {
    pub fn count(&self, state: TargetState) -> usize {
        self.targets.iter().filter(|t| t.state == state).count()
    }
}

/// What a fleet command does to one target: `(wave, target, progress) -> report`.
pub type Work<'a> = dyn Fn(&str, &FleetTarget, &mut dyn FnMut(Event)) -> TargetReport + Sync + 'a;

/// Works through the waves: each wave starts when the one before it finished, up to
/// `max_parallel` of its targets at a time. Under [`FailurePolicy::Stop`] no target starts
/// after one failed (the running ones finish) and it and the later waves' targets are
/// reported not started. `work` runs a target and reports on it; `events` sees progress on
/// the calling thread, in the order it happens.
pub fn run(
    command: &'static str,
    waves: &[Wave],
    config: &FleetConfig,
    last_version: Option<u64>,
    work: &Work<'_>,
    events: &mut dyn FnMut(&Event),
) -> FleetReport {
    let stop = AtomicBool::new(false);
    let mut reports: Vec<TargetReport> = Vec::new();
    for wave in waves {
        if stop.load(Ordering::SeqCst) {
            for t in &wave.targets {
                reports.push(TargetReport::new(&wave.name, t, TargetState::NotStarted));
            }
            continue;
        }
        let parallel = config.max_parallel.clamp(1, wave.targets.len().max(1));
        events(&Event::Wave {
            name: wave.name.clone(),
            targets: wave.targets.len(),
            parallel,
        });
        let next = AtomicUsize::new(0);
        let mut done: Vec<Option<TargetReport>> = vec![None; wave.targets.len()];
        let (tx, rx) = mpsc::channel::<(Option<usize>, Event)>();
        std::thread::scope(|scope| {
            for _ in 0..parallel {
                let tx = tx.clone();
                let (next, stop, wave) = (&next, &stop, wave);
                scope.spawn(move || loop {
                    if config.on_failure == FailurePolicy::Stop && stop.load(Ordering::SeqCst) {
                        return;
                    }
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(t) = wave.targets.get(i) else {
                        return;
                    };
                    let _ = tx.send((
                        None,
                        Event::Started {
                            name: t.name.clone(),
                        },
                    ));
                    let mut send = |e: Event| {
                        let _ = tx.send((None, e));
                    };
                    let start = Instant::now();
                    let mut report = work(&wave.name, t, &mut send);
                    report.duration_ms = start.elapsed().as_millis() as u64;
                    if report.state == TargetState::Failed
                        && config.on_failure == FailurePolicy::Stop
                    {
                        stop.store(true, Ordering::SeqCst);
                    }
                    let _ = tx.send((Some(i), Event::Finished(Box::new(report))));
                });
            }
            drop(tx);
            let mut announced = false;
            for (index, event) in rx {
                events(&event);
                if let (Some(i), Event::Finished(r)) = (index, event) {
                    if r.state == TargetState::Failed
                        && config.on_failure == FailurePolicy::Stop
                        && !announced
                    {
                        announced = true;
                        events(&Event::Stopping {
                            after: r.name.clone(),
                        });
                    }
                    done[i] = Some(*r);
                }
            }
        });
        for (t, r) in wave.targets.iter().zip(done) {
            reports.push(
                r.unwrap_or_else(|| TargetReport::new(&wave.name, t, TargetState::NotStarted)),
            );
        }
    }
    let complete = reports.iter().all(|r| r.state.is_ok());
    FleetReport {
        command,
        on_failure: config.on_failure,
        max_parallel: config.max_parallel,
        last_version,
        targets: reports,
        complete,
    }
}

/// Progress of one target's apply, as events.
struct FileEvents<'a> {
    name: &'a str,
    send: &'a mut dyn FnMut(Event),
}

impl Progress for FileEvents<'_> {
    fn starting(&mut self, file: &MigrationFile, resume_at: usize, total: usize) {
        (self.send)(Event::File {
            name: self.name.to_string(),
            file: file.file_name.clone(),
            resume_at,
            total,
        });
    }

    fn finished(&mut self, _: &MigrationFile, _: Duration) {}
}

/// Applies the folder to one target, as `apply --database-url` does: its own lock, tracking
/// table and resumability.
pub fn apply_target(
    wave: &str,
    t: &FleetTarget,
    dir: &MigrationDir,
    scripts: &[crate::sql::split::SqlScript],
    opts: &ApplyOptions,
    timeout: Duration,
    send: &mut dyn FnMut(Event),
) -> TargetReport {
    let report = TargetReport::new(wave, t, TargetState::Applied);
    let mut db = match apply::connect(&t.target, timeout) {
        Ok(db) => db,
        Err(d) => return report.failed(&d.into(), &t.target),
    };
    let mut progress = FileEvents {
        name: &t.name,
        send,
    };
    let result = apply::apply(db.as_mut(), &t.target, dir, scripts, opts, &mut progress);
    // What the target holds now, failed or not.
    let applied = db.applied().unwrap_or_default();
    let wanted = dir
        .files
        .iter()
        .filter(|f| opts.to.is_none_or(|to| f.version <= to))
        .count();
    let done = applied.iter().filter(|a| a.is_complete()).count();
    let mut report = match result {
        Ok(r) => {
            let mut report = report;
            report.applied = r.applied.len();
            if r.applied.is_empty() {
                report.state = TargetState::UpToDate;
            }
            report
        }
        Err(ds) => report.failed(&ds, &t.target),
    };
    report.version = apply::last_complete(&applied);
    report.pending = wanted.saturating_sub(done);
    report
}

/// Reads one target's tracking table, as `status --database-url` does (read-only).
pub fn status_target(
    wave: &str,
    t: &FleetTarget,
    dir: &MigrationDir,
    timeout: Duration,
) -> TargetReport {
    let report = TargetReport::new(wave, t, TargetState::UpToDate);
    let applied = match &t.target {
        Target::Sqlite(path) if !path.exists() => Ok(Vec::new()),
        _ => apply::connect_read_only(&t.target, timeout).and_then(|mut db| db.applied()),
    };
    let applied = match applied {
        Ok(a) => a,
        Err(d) => return report.failed(&d.into(), &t.target),
    };
    let rows = apply::status(dir, &applied, t.target.dialect());
    let mut report = report;
    report.version = apply::last_complete(&applied);
    report.pending = rows
        .iter()
        .filter(|r| matches!(r.state, State::Pending | State::Partial | State::OutOfOrder))
        .count();
    let problems: Vec<String> = rows
        .iter()
        .filter(|r| matches!(r.state, State::Modified | State::Missing | State::Renamed))
        .map(|r| {
            format!(
                "`{}` is {}",
                r.name,
                match r.state {
                    State::Modified => "applied and edited since",
                    State::Missing => "applied and missing from the folder",
                    _ => "applied under another name",
                }
            )
        })
        .collect();
    if let Some(first) = problems.first() {
        report.state = TargetState::Problems;
        report.error = Some(format!("{first} ({} problem(s))", problems.len()));
    } else if report.pending > 0 {
        report.state = TargetState::Behind;
    }
    report
}

/// The part of a model in one schema: what a schema-per-tenant target holds (every tenant
/// schema of a database is read by one catalog query).
pub fn only_schema(mut s: crate::model::Schema, schema: &str) -> crate::model::Schema {
    let mine = |q: &crate::model::QName| q.schema.as_deref() == Some(schema);
    s.tables.retain(|t| mine(&t.name));
    s.enums.retain(|e| mine(&e.name));
    s.custom_types.retain(|e| mine(&e.name));
    s.functions.retain(|e| mine(&e.name));
    s.views.retain(|e| mine(&e.name));
    s.namespaces.retain(|n| n.name == schema);
    s
}

/// Compares one target with its migrations replayed in a scratch database (created on
/// `scratch`'s server, in the target's tenant schema when it has one), as `drift` does.
pub fn drift_target(
    wave: &str,
    t: &FleetTarget,
    dir: &MigrationDir,
    scratch: &std::sync::Mutex<crate::scratch::Scratch>,
    timeout: Duration,
) -> TargetReport {
    let report = TargetReport::new(wave, t, TargetState::NoDrift);
    let result = (|| -> Result<(Option<u64>, usize), Diagnostics> {
        let version = apply::complete_versions(&t.target, timeout)?
            .into_iter()
            .max();
        let dialect = t.target.dialect();
        let mut found = crate::scratch::inspect_target(&t.target, timeout)?;
        let replay = {
            let mut s = scratch.lock().unwrap_or_else(|e| e.into_inner());
            s.database("fleet_drift")?
        };
        let replay = match t.target.schema() {
            Some(schema) => replay.in_schema(schema),
            None => replay,
        };
        {
            let s = scratch.lock().unwrap_or_else(|e| e.into_inner());
            s.migrate(&replay, dir, Some(version.unwrap_or(0)))?;
        }
        let mut expected = crate::scratch::inspect_target(&replay, timeout)?;
        if let Some(schema) = t.target.schema() {
            found = only_schema(found, schema);
            expected = only_schema(expected, schema);
        }
        let diffs = crate::drift::compare_inspected(&expected, &found, dialect);
        Ok((version, diffs.len()))
    })();
    match result {
        Ok((version, n)) => {
            let mut report = report;
            report.version = version;
            report.differences = Some(n);
            if n > 0 {
                report.state = TargetState::Drift;
            }
            report
        }
        Err(ds) => report.failed(&ds, &t.target),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> FleetConfig {
        FleetConfig::parse(text, std::path::Path::new("fleet.yaml")).unwrap()
    }

    fn env(k: &str) -> Option<String> {
        match k {
            "EU_PASSWORD" => Some("Sekrit-eu-99".into()),
            "USER" => Some("deploy".into()),
            _ => None,
        }
    }

    fn problems(text: &str) -> String {
        let c = parse(text);
        match resolve(&c, &env, Duration::from_secs(1)) {
            Ok(_) => String::new(),
            Err(ds) => {
                ds.0.iter()
                    .map(|d| format!("[{}] {}", d.code, d.message))
                    .collect::<Vec<_>>()
                    .join("\n")
            }
        }
    }

    #[test]
    fn targets_and_schemas_resolve_into_waves_in_order() {
        let c = parse(
            "max_parallel: 2\non_failure: continue\nwaves:\n  - {name: canary, labels: {ring: canary}}\n  - {name: rest}\ntargets:\n  - {name: eu, url: 'postgres://deploy@db-eu:5432/app', password_env: EU_PASSWORD, labels: {ring: canary}}\n  - {name: us, url: 'postgres://deploy@db-us/app'}\n  - {name: shared, url: 'postgres://deploy@db-s/app', schemas: [t_a, t_b]}\n  - {name: files, url: 'sqlite:tenant.db'}\n",
        );
        let waves = resolve(&c, &env, Duration::from_secs(1)).unwrap();
        let names: Vec<Vec<&str>> = waves
            .iter()
            .map(|w| w.targets.iter().map(|t| t.name.as_str()).collect())
            .collect();
        assert_eq!(
            names,
            vec![vec!["eu"], vec!["us", "shared/t_a", "shared/t_b", "files"]]
        );
        let eu = &waves[0].targets[0].target;
        let Target::Postgres(pg) = eu else { panic!() };
        assert_eq!(pg.config.get_password(), Some(&b"Sekrit-eu-99"[..]));
        assert_eq!(waves[1].targets[1].target.schema(), Some("t_a"));
        assert!(
            !format!("{:?}", waves[1].targets[1].target.display_with_schema()).contains("Sekrit")
        );
        assert_eq!(c.on_failure, FailurePolicy::Continue);
    }

    #[test]
    fn hostile_fleets_are_refused_with_what_to_do() {
        for (text, want) in [
            ("targets: []\n", "[fleet::no-targets]"),
            ("max_parallel: 0\ntargets: [{name: a, url: 'sqlite:a.db'}]\n", "[fleet::bad-parallel]"),
            ("targets: [{name: a, url: 'postgres://u:Sekrit-in-file@h/db'}]\n", "[fleet::password-in-url]"),
            ("targets: [{name: a, url: 'host=h password=Sekrit-in-file dbname=x'}]\n", "[fleet::password-in-url]"),
            ("targets: [{name: a, url: 'postgres://u@h/db', password_env: 'Sekrit-in-file'}]\n", "[fleet::bad-password-env]"),
            ("targets: [{name: a, url: 'postgres://u@h/db', password_env: NOT_SET}]\n", "[fleet::missing-password]"),
            ("targets: [{name: a, url: 'sqlite:a.db'}, {name: a, url: 'sqlite:b.db'}]\n", "[fleet::duplicate-target]"),
            ("targets: [{name: a, url: 'sqlite:a.db'}, {name: b, url: 'sqlite:a.db'}]\n", "[fleet::duplicate-target]"),
            ("targets: [{name: a, url: 'postgres://u@h/db', schemas: ['pg_catalog']}]\n", "[fleet::bad-schema-name]"),
            ("targets: [{name: a, url: 'postgres://u@h/db', schemas: ['x; DROP TABLE t']}]\n", "[fleet::bad-schema-name]"),
            ("targets: [{name: a, url: 'postgres://u@h/db', schemas: []}]\n", "[fleet::no-targets]"),
            ("targets: [{name: a, url: 'sqlite:a.db', schemas: [t1]}]\n", "[fleet::schemas-on-sqlite]"),
            ("targets: [{name: a, url: 'postgres://u@h/db', schemas: [t1], schemas_query: 'SELECT 1'}]\n", "[fleet::ambiguous-target]"),
            ("targets: [{name: a, url: 'mysql://u@h/db'}]\n", "[apply::bad-url]"),
            ("targets: [{name: '', url: 'sqlite:a.db'}]\n", "[fleet::bad-name]"),
            ("waves: [{name: first}, {name: second, labels: {a: b}}]\ntargets: [{name: a, url: 'sqlite:a.db'}]\n", "[fleet::bad-wave]"),
            ("waves: [{name: canary, labels: {ring: canary}}]\ntargets: [{name: a, url: 'sqlite:a.db'}]\n", "[fleet::no-wave]"),
            ("targets: [{name: a, url: 'sqlite:a.db', labels: {'bad key': x}}]\n", "[fleet::bad-label]"),
        ] {
            let got = problems(text);
            assert!(got.contains(want), "{text}: {got}");
            assert!(!got.contains("Sekrit"), "{text}: {got}");
        }
    }

    #[test]
    fn unknown_keys_and_wrong_types_name_the_line() {
        let e = FleetConfig::parse(
            "targets:\n  - name: a\n    url: sqlite:a.db\n    password: Sekrit-in-file\n",
            std::path::Path::new("fleet.yaml"),
        )
        .unwrap_err();
        let d = &e.0[0];
        assert_eq!(d.code, "fleet::invalid");
        assert_eq!(d.location.as_ref().unwrap().line, 4);
        assert!(!d.message.contains("Sekrit"), "{}", d.message);
        assert!(FleetConfig::parse(
            "on_failure: maybe\ntargets: []\n",
            std::path::Path::new("f")
        )
        .is_err());
    }

    #[test]
    fn labels_from_a_query_are_key_value_pairs() {
        assert_eq!(
            parse_labels("ring=canary, region=eu").unwrap(),
            BTreeMap::from([
                ("region".into(), "eu".into()),
                ("ring".into(), "canary".into())
            ])
        );
        assert!(parse_labels("").unwrap().is_empty());
        assert!(parse_labels("canary").is_err());
        assert!(parse_labels("a=b c").is_err());
    }

    #[test]
    fn stop_leaves_later_targets_not_started_and_continue_runs_them() {
        let targets: Vec<FleetTarget> = (0..6)
            .map(|i| FleetTarget {
                name: format!("t{i}"),
                target: Target::Sqlite(format!("t{i}.db").into()),
                labels: BTreeMap::new(),
            })
            .collect();
        let waves = vec![
            Wave {
                name: "canary".into(),
                targets: targets[..2].to_vec(),
            },
            Wave {
                name: "rest".into(),
                targets: targets[2..].to_vec(),
            },
        ];
        let work = |wave: &str, t: &FleetTarget, _: &mut dyn FnMut(Event)| {
            let state = if t.name == "t1" {
                TargetState::Failed
            } else {
                TargetState::Applied
            };
            TargetReport::new(wave, t, state)
        };
        for (policy, want) in [
            (
                FailurePolicy::Stop,
                vec![
                    "applied",
                    "failed",
                    "not_started",
                    "not_started",
                    "not_started",
                    "not_started",
                ],
            ),
            (
                FailurePolicy::Continue,
                vec![
                    "applied", "failed", "applied", "applied", "applied", "applied",
                ],
            ),
        ] {
            let config = FleetConfig {
                max_parallel: 1,
                on_failure: policy,
                waves: Vec::new(),
                targets: Vec::new(),
            };
            let mut stopped = false;
            let report = run("apply", &waves, &config, Some(1), &work, &mut |e| {
                stopped |= matches!(e, Event::Stopping { .. })
            });
            let states: Vec<&str> = report.targets.iter().map(|t| t.state.as_str()).collect();
            assert_eq!(states, want, "{policy:?}");
            assert_eq!(stopped, policy == FailurePolicy::Stop);
            assert!(!report.complete);
        }
    }
}
