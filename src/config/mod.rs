//! `schemactl.yaml`: where the migrations live, which dialect, and per-project settings.
//! Every key is optional; a fresh project needs no file at all. The `guard:` section (rule
//! levels, suppressions, tenant column, classifier and money patterns, layers, roots) is
//! described in STYLE_GUIDE.md and defined in `src/guard/config.rs`.

pub mod fleet;

use crate::diag::{Diagnostic, Diagnostics};
use crate::dialect::DialectKind;
use crate::model::Origin;
use serde::Deserialize;
use std::path::{Path, PathBuf};

pub const CONFIG_FILE: &str = "schemactl.yaml";

/// The largest config file schemactl reads.
pub const MAX_CONFIG_BYTES: u64 = 4 * 1024 * 1024;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// The migration folder, relative to the config file.
    #[serde(deserialize_with = "folder_path")]
    pub migrations: PathBuf,
    pub dialect: DialectKind,
    /// A SQL file declaring the schema, for projects without a Rust schema.
    #[serde(deserialize_with = "optional_file_path")]
    pub schema_sql: Option<PathBuf>,
    /// `schemactl guard` settings: rule levels, suppressions and rule parameters.
    pub guard: crate::guard::GuardConfig,
    /// Scratch databases (`generate`, `drift`, `diff`): what runs in each before the folder.
    pub dev: DevConfig,
    /// The databases and tenant schemas `apply|status|drift --fleet` reach (see README.md).
    pub fleet: Option<fleet::FleetConfig>,
    /// Where the config was read from (None: defaults).
    #[serde(skip)]
    pub source: Option<PathBuf>,
    /// The migration folder was named (in the file or by `--migrations`), so a missing one is
    /// a mistake rather than a project with no history yet.
    #[serde(skip)]
    pub migrations_named: bool,
    /// The dialect was stated for this folder (by `--dialect`, or in the file when the folder
    /// is the file's too), so a database URL of the other dialect is refused; otherwise the
    /// URL decides.
    #[serde(skip)]
    pub dialect_named: bool,
}

/// A path that must be a non-empty string: `migrations: null` or `migrations: ""` would
/// silently mean the config's own folder.
fn folder_path<'de, D: serde::Deserializer<'de>>(d: D) -> Result<PathBuf, D::Error> {
    match optional_file_path(d)? {
        Some(p) => Ok(p),
        None => Err(serde::de::Error::custom(
            "is empty: name the migration folder (e.g. `migrations: db/migrations`), or leave the key out for the default `migrations`",
        )),
    }
}

/// A path, or null for none; an empty string or a list or map is an error.
fn optional_file_path<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<PathBuf>, D::Error> {
    use serde::de::Error;
    use serde_yaml_ng::Value;
    match Value::deserialize(d)? {
        Value::Null => Ok(None),
        Value::String(s) if s.trim().is_empty() => Err(D::Error::custom(
            "is an empty string: give a path, or leave the key out",
        )),
        Value::String(s) => Ok(Some(PathBuf::from(s))),
        Value::Number(n) => Ok(Some(PathBuf::from(n.to_string()))),
        Value::Bool(_) => Err(D::Error::custom("must be a path, not true or false")),
        Value::Sequence(_) => Err(D::Error::custom("must be one path, not a list")),
        Value::Mapping(_) => Err(D::Error::custom("must be a path, not a map")),
        Value::Tagged(_) => Err(D::Error::custom("must be a plain path, without a YAML tag")),
    }
}

/// `dev:` in schemactl.yaml.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DevConfig {
    /// SQL files (relative to the config file) run, in order, in every scratch database
    /// before the migrations: extensions, a hosted platform's `auth`/`storage` schemas and
    /// roles, another tool's bookkeeping table. `apply` never runs them, and what they create
    /// is left out of every comparison (it belongs to someone else).
    pub prelude: Vec<PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            migrations: PathBuf::from("migrations"),
            dialect: DialectKind::Postgres,
            schema_sql: None,
            guard: crate::guard::GuardConfig::default(),
            dev: DevConfig::default(),
            fleet: None,
            source: None,
            migrations_named: false,
            dialect_named: false,
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
        let bytes = crate::files::read_regular_file(&file, MAX_CONFIG_BYTES).map_err(|e| {
            Diagnostics::from(
                Diagnostic::error(
                    "config::unreadable",
                    format!("cannot read `{}`: {e}", file.display()),
                )
                .help("pass an existing file with --config, or drop --config to use ./schemactl.yaml or the defaults"),
            )
        })?;
        let text = String::from_utf8(bytes).map_err(|e| {
            Diagnostics::from(
                Diagnostic::error(
                    "config::not-utf8",
                    format!(
                        "`{}` is not UTF-8 text (invalid byte at offset {})",
                        file.display(),
                        e.utf8_error().valid_up_to()
                    ),
                )
                .help("save it as UTF-8 (YAML files are text)"),
            )
        })?;
        let mut config = Self::parse(&text, &file)?;
        let base = file.parent().unwrap_or(Path::new(""));
        config.migrations = base.join(&config.migrations);
        config.schema_sql = config.schema_sql.map(|p| base.join(p));
        config.dev.prelude = config.dev.prelude.iter().map(|p| base.join(p)).collect();
        config.source = Some(file);
        Ok(config)
    }

    pub fn parse(text: &str, file: &Path) -> Result<Self, Diagnostics> {
        if text.trim().is_empty() {
            return Ok(Config::default());
        }
        let invalid = |e: serde_yaml_ng::Error| {
            let (line, column) = e
                .location()
                .map_or((1, 1), |l| (l.line() as u32, l.column() as u32));
            Diagnostics::from(
                Diagnostic::error(
                    "config::invalid",
                    // The parser quotes keys and values: a secret is masked, a huge key cut.
                    crate::diag::truncate(
                        &crate::secret::mask(&format!("invalid {}: {e}", file.display())),
                        300,
                    ),
                )
                .at(&Origin {
                    file: file.display().to_string().into(),
                    line,
                    column,
                })
                .help(invalid_help(&e.to_string())),
            )
        };
        if let Some(line) = too_deep(text) {
            return Err(Diagnostic::error(
                "config::invalid",
                format!(
                    "invalid {}: `[` and `{{` nest more than {MAX_FLOW_DEPTH} levels deep by line {line}",
                    file.display()
                ),
            )
            .at(&Origin {
                file: file.display().to_string().into(),
                line,
                column: 1,
            })
            .help("a schemactl.yaml nests a few levels at most; check the brackets")
            .into());
        }
        let mut config: Config = serde_yaml_ng::from_str(text).map_err(invalid)?;
        // Which keys were given (a null document was caught above as empty).
        let given: serde_yaml_ng::Value = serde_yaml_ng::from_str(text).map_err(invalid)?;
        config.migrations_named = given.get("migrations").is_some();
        config.dialect_named = given.get("dialect").is_some();
        Ok(config)
    }
}

impl Config {
    /// The `dev.prelude` files as (path, text), read now; a missing or unreadable one is an
    /// error naming the key.
    pub fn prelude(&self) -> Result<Vec<(String, String)>, Diagnostics> {
        let mut out = Vec::new();
        let mut errors = Diagnostics::default();
        for path in &self.dev.prelude {
            let bad = |why: String| {
                Diagnostic::error(
                    "config::prelude",
                    format!("cannot read the dev.prelude file `{}`: {why}", path.display()),
                )
                .help("dev.prelude in schemactl.yaml lists SQL files relative to the config file; fix the path or remove the entry")
            };
            match crate::files::read_regular_file(path, crate::migrate::MAX_FILE_BYTES) {
                Ok(bytes) => match String::from_utf8(bytes) {
                    Ok(text) => out.push((path.display().to_string(), text)),
                    Err(_) => errors.push(bad("it is not UTF-8 text".into())),
                },
                Err(e) => errors.push(bad(e.to_string())),
            }
        }
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(errors)
        }
    }
}

/// How deep `[` and `{` may nest. The YAML reader takes seconds over a megabyte of them,
/// and no config comes near.
const MAX_FLOW_DEPTH: usize = 1000;

/// What to do about a YAML error: the keys of the section it names (the parser prefixes a
/// nested error with its path, `guard.runner: ...`), else the top-level keys.
fn invalid_help(message: &str) -> &'static str {
    let path = message
        .split_once(": ")
        .map(|(path, _)| path)
        .filter(|p| !p.contains(' '));
    match path.and_then(|p| p.split(['.', '[']).next()) {
        Some("guard") => "the `guard:` section: severity (rule levels), allow (reasoned suppressions), the rules' parameters, runner and distribution; STYLE_GUIDE.md lists every key and rule",
        Some("fleet") => "the `fleet:` section: targets (or control queries), waves, max_parallel, on_failure; README.md shows one",
        Some("dev") => "the `dev:` section has one key, prelude: SQL files (relative to the config file) run first in every scratch database",
        _ => "keys: migrations (folder), dialect (postgres | sqlite), schema_sql (file), dev (prelude: SQL files for scratch databases), guard (rule levels, suppressions and parameters; see STYLE_GUIDE.md), fleet (targets of --fleet; see README.md)",
    }
}

/// The line where flow collections first nest deeper than [`MAX_FLOW_DEPTH`], if they do
/// (quotes and comments respected, roughly as YAML has them).
pub(crate) fn too_deep(text: &str) -> Option<u32> {
    let (mut depth, mut line) = (0usize, 1u32);
    let (mut single, mut double, mut comment, mut escaped) = (false, false, false, false);
    let mut prev = '\n';
    for c in text.chars() {
        if c == '\n' {
            line += 1;
            comment = false;
        } else if comment {
        } else if double {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                double = false;
            }
        } else if single {
            single = c != '\'';
        } else {
            match c {
                '#' if prev.is_whitespace() => comment = true,
                '"' => double = true,
                '\'' => single = true,
                '[' | '{' => {
                    depth += 1;
                    if depth > MAX_FLOW_DEPTH {
                        return Some(line);
                    }
                }
                ']' | '}' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        prev = c;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, String> {
        Config::parse(text, Path::new("schemactl.yaml")).map_err(|ds| ds.to_string())
    }

    #[test]
    fn a_nested_error_is_helped_with_its_section_keys() {
        let help = |yaml: &str| {
            Config::parse(yaml, Path::new("schemactl.yaml"))
                .unwrap_err()
                .0[0]
                .help
                .clone()
                .unwrap()
        };
        assert!(help("guard:\n  runner: bogus\n").starts_with("the `guard:` section"));
        assert!(help("guard:\n  frobnicate: 1\n").starts_with("the `guard:` section"));
        assert!(help("dev:\n  nope: []\n").starts_with("the `dev:` section"));
        assert!(help("bogus: 1\n").starts_with("keys: migrations"));
        assert!(help("dialect: oracle\n").starts_with("keys: migrations"));
    }

    #[test]
    fn empty_null_and_mistyped_paths_are_refused() {
        for (text, want) in [
            ("migrations: null\n", "is empty"),
            ("migrations: ~\n", "is empty"),
            ("migrations:\n", "is empty"),
            ("migrations: ''\n", "empty string"),
            ("migrations: [a, b]\n", "not a list"),
            ("migrations: {a: b}\n", "not a map"),
            ("schema_sql: ''\n", "empty string"),
            ("migrations: true\n", "not true or false"),
        ] {
            let e = parse(text).unwrap_err();
            assert!(e.contains(want), "{text}: {e}");
        }
        assert!(parse("schema_sql: null\n").unwrap().schema_sql.is_none());
        let c = parse("migrations: db/m\n").unwrap();
        assert!(c.migrations_named && !c.dialect_named);
        assert_eq!(c.migrations, PathBuf::from("db/m"));
        let c = parse("dialect: sqlite\n").unwrap();
        assert!(!c.migrations_named && c.dialect_named);
    }

    #[test]
    fn secrets_and_huge_keys_are_not_echoed() {
        let e = parse("guard: postgres://u:Sekrit99@h/db\n").unwrap_err();
        assert!(!e.contains("Sekrit99"), "{e}");
        let key = "k".repeat(1_000_000);
        let e = parse(&format!("{key}: 1\n")).unwrap_err();
        assert!(e.len() < 1000, "{} bytes", e.len());
    }
}
