//! `schemactl.yaml`: where the migrations live, which dialect, and per-project settings.
//! Every key is optional; a fresh project needs no file at all. The `guard:` section (rule
//! levels, suppressions, tenant column, classifier and money patterns, layers, roots) is
//! described in STYLE_GUIDE.md and defined in `src/guard/config.rs`.

use crate::diag::{Diagnostic, Diagnostics};
use crate::dialect::DialectKind;
use crate::model::Origin;
use serde::Deserialize;
use std::path::{Path, PathBuf};

pub const CONFIG_FILE: &str = "schemactl.yaml";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// The migration folder, relative to the config file.
    pub migrations: PathBuf,
    pub dialect: DialectKind,
    /// A SQL file declaring the schema, for projects without a Rust schema.
    pub schema_sql: Option<PathBuf>,
    /// `schemactl guard` settings: rule levels, suppressions and rule parameters.
    pub guard: crate::guard::GuardConfig,
    /// Where the config was read from (None: defaults).
    #[serde(skip)]
    pub source: Option<PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            migrations: PathBuf::from("migrations"),
            dialect: DialectKind::Postgres,
            schema_sql: None,
            guard: crate::guard::GuardConfig::default(),
            source: None,
        }
    }
}

impl Config {
    /// Reads `path`, or `schemactl.yaml` in `dir` when present, or returns the defaults.
    pub fn load(path: Option<&Path>, dir: &Path) -> Result<Self, Diagnostics> {
        let file = match path {
            Some(p) => p.to_path_buf(),
            None => {
                let default = dir.join(CONFIG_FILE);
                if !default.exists() {
                    return Ok(Config::default());
                }
                default
            }
        };
        let text = std::fs::read_to_string(&file).map_err(|e| {
            Diagnostics::from(
                Diagnostic::error(
                    "config::unreadable",
                    format!("cannot read `{}`: {e}", file.display()),
                )
                .help("pass an existing file with --config, or drop --config to use the defaults"),
            )
        })?;
        let mut config = Self::parse(&text, &file)?;
        let base = file.parent().unwrap_or(Path::new(""));
        config.migrations = base.join(&config.migrations);
        config.schema_sql = config.schema_sql.map(|p| base.join(p));
        config.source = Some(file);
        Ok(config)
    }

    pub fn parse(text: &str, file: &Path) -> Result<Self, Diagnostics> {
        if text.trim().is_empty() {
            return Ok(Config::default());
        }
        serde_yaml_ng::from_str(text).map_err(|e| {
            let (line, column) = e
                .location()
                .map_or((1, 1), |l| (l.line() as u32, l.column() as u32));
            Diagnostics::from(
                Diagnostic::error(
                    "config::invalid",
                    format!("invalid {}: {e}", file.display()),
                )
                .at(&Origin {
                    file: file.display().to_string(),
                    line,
                    column,
                })
                .help("keys: migrations (folder), dialect (postgres | sqlite), schema_sql (file), guard (rule levels, suppressions and parameters; see STYLE_GUIDE.md)"),
            )
        })
    }
}
