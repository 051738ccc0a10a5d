//! The `fleet:` section of `schemactl.yaml` (or a fleet file of the same keys): which
//! databases and tenant schemas a rollout reaches, in which waves, how many at a time, and
//! what a failure does.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The most targets one fleet may resolve to (a control query that returns a whole table by
/// mistake is stopped, not run).
pub const MAX_TARGETS: usize = 10_000;

/// The most connections a rollout opens at once.
pub const MAX_PARALLEL: usize = 256;

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FleetConfig {
    /// How many targets migrate at the same time (1 to 256).
    #[serde(default = "default_parallel")]
    pub max_parallel: usize,
    /// What a failed target does to the rest of the rollout.
    #[serde(default)]
    pub on_failure: FailurePolicy,
    /// Waves, in order: each target goes to the first wave whose labels it carries; a wave
    /// without labels takes every target left. No waves: one wave of every target.
    #[serde(default)]
    pub waves: Vec<WaveSpec>,
    pub targets: Vec<TargetSpec>,
}

fn default_parallel() -> usize {
    4
}

/// What happens after a target fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FailurePolicy {
    /// No target starts after a failure (those running finish); later waves do not start.
    #[default]
    Stop,
    /// Every other target is still migrated; the failures are reported at the end.
    Continue,
}

impl FailurePolicy {
    pub fn as_str(self) -> &'static str {
        match self {
            FailurePolicy::Stop => "stop",
            FailurePolicy::Continue => "continue",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WaveSpec {
    pub name: String,
    /// The labels (all of them) a target carries to be in this wave; none: every target left.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
}

/// One entry of `targets:`. It names one database (`url`), the databases a control query
/// returns (`url` + `urls_query`), or tenant schemas in one database (`url` + `schemas` or
/// `schemas_query`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetSpec {
    pub name: String,
    /// The database: postgres://user@host:port/db, a key=value string or sqlite:path; never
    /// with a password in it.
    pub url: String,
    /// The environment variable holding `url`'s password (default: PGPASSWORD).
    #[serde(default)]
    pub password_env: Option<String>,
    /// SQL run (read-only) on `url`, a control database: each row's first column is a target
    /// URL, an optional second column its labels as `key=value,key=value`.
    #[serde(default)]
    pub urls_query: Option<String>,
    /// The environment variable with the password of the URLs `urls_query` returns (default:
    /// PGPASSWORD).
    #[serde(default)]
    pub urls_password_env: Option<String>,
    /// Schema-per-tenant: these schemas of `url`'s database, each its own target.
    #[serde(default)]
    pub schemas: Option<Vec<String>>,
    /// Schema-per-tenant: SQL run (read-only) on `url` whose rows' first column is a tenant
    /// schema name, an optional second column its labels.
    #[serde(default)]
    pub schemas_query: Option<String>,
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
}

impl FleetConfig {
    /// Reads a fleet file: the keys of a `fleet:` section at its top level.
    pub fn parse(text: &str, file: &std::path::Path) -> Result<Self, crate::Diagnostics> {
        use crate::diag::Diagnostic;
        let at = |line: u32, column: u32| crate::model::Origin {
            file: file.display().to_string().into(),
            line,
            column,
        };
        if let Some(line) = super::too_deep(text) {
            return Err(Diagnostic::error(
                "fleet::invalid",
                format!(
                    "invalid {}: brackets nest too deep by line {line}",
                    file.display()
                ),
            )
            .at(&at(line, 1))
            .help("a fleet file nests a few levels at most; check the brackets")
            .into());
        }
        serde_yaml_ng::from_str(text).map_err(|e| {
            let (line, column) = e
                .location()
                .map_or((1, 1), |l| (l.line() as u32, l.column() as u32));
            crate::Diagnostics::from(
                Diagnostic::error(
                    "fleet::invalid",
                    crate::diag::truncate(
                        &crate::secret::mask(&format!("invalid {}: {e}", file.display())),
                        300,
                    ),
                )
                .at(&at(line, column))
                .help(FLEET_KEYS),
            )
        })
    }
}

/// The keys, for help texts.
pub const FLEET_KEYS: &str = "a fleet has `targets:` (each with name, url and optionally password_env, urls_query, urls_password_env, schemas, schemas_query, labels), and optionally max_parallel (1 to 256), on_failure (stop | continue) and waves ([{name, labels}]); see README.md";
