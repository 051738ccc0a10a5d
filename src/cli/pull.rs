//! `schemactl pull`: a database (or a SQL schema) written out as a Rust DSL schema crate.

use super::{Context, EXIT_ERROR, EXIT_OK};
use crate::apply::Target;
use crate::diag::{Diagnostic, Diagnostics};
use crate::pull::{self, PullOptions};
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Reads every table, type, function and extension (never writing to the \
database), and writes a crate: one module per schema with TableRef/EnumDef constants, `.doc()` from \
comments, our invariant helpers where the catalog has exactly their shape (tenant_scoped, \
tenant_ref, one_live_wrapper, audited, id_tagged, exclusion constraints), plain columns and \
constraints otherwise, and a binary that calls main_with_schema. Then: copy or `import` the \
migrations into its migrations/ folder and `cargo schemactl generate --check` says up to date.\n\n\
Examples:\n  schemactl pull --database-url postgres://app@db/app --out schema\n  \
schemactl --schema-sql schema.sql pull --out schema --crate-name shop-schema"
)]
pub struct PullArgs {
    /// Database to read (read-only): postgres://user@host/db, key=value, or sqlite:path; without
    /// it, the SQL file --schema-sql names is read
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
    /// The folder to write the crate into (new or empty)
    #[arg(long, value_name = "DIR", default_value = "schema")]
    pub out: PathBuf,
    /// The crate's package name [default: the folder's name]
    #[arg(long, value_name = "NAME")]
    pub crate_name: Option<String>,
    /// Depend on schemactl at this path (a checkout) instead of the registry version
    #[arg(long, value_name = "DIR")]
    pub schemactl_path: Option<PathBuf>,
    /// Seconds to wait for a connection (1 to 86400)
    #[arg(long, default_value_t = 10, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub connect_timeout: u64,
}

pub fn run(ctx: &Context, args: &PullArgs) -> u8 {
    match inner(ctx, args) {
        Ok(code) => code,
        Err(ds) => {
            ctx.report(&ds);
            EXIT_ERROR
        }
    }
}

/// A package name cargo accepts, from `s`.
fn package_name(s: &str) -> Option<String> {
    let ok = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        && s.starts_with(|c: char| c.is_ascii_alphabetic());
    ok.then(|| s.to_string())
}

fn inner(ctx: &Context, args: &PullArgs) -> Result<u8, Diagnostics> {
    let crate_name = match &args.crate_name {
        Some(n) => package_name(n).ok_or_else(|| {
            Diagnostics::from(
                Diagnostic::error(
                    "pull::bad-crate-name",
                    format!("`{}` is not a package name cargo accepts", n.escape_debug()),
                )
                .help("use letters, digits, `-` and `_`, starting with a letter, e.g. --crate-name shop-schema"),
            )
        })?,
        None => args
            .out
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(package_name)
            .unwrap_or_else(|| "pulled-schema".to_string()),
    };
    // What the database holds that the model has no place for: said, not silently dropped.
    let mut left_out = Vec::new();
    let (schema, source, dialect) = match &args.database_url {
        Some(url) => {
            let target =
                Target::parse(url, &|k| std::env::var(k).ok()).map_err(Diagnostics::from)?;
            ctx.check_dialect(&target)?;
            let timeout = Duration::from_secs(args.connect_timeout);
            let schema = crate::scratch::inspect_target(&target, timeout)?;
            left_out = crate::scratch::not_compared_target(&target, timeout)?;
            (schema, target.display(), target.dialect())
        }
        None => {
            if ctx.config.schema_sql.is_none() {
                return Err(Diagnostic::error(
                    "pull::no-source",
                    "pull needs a database (--database-url URL) or a SQL schema (--schema-sql FILE)",
                )
                .help("e.g. `schemactl pull --database-url postgres://app@db/app --out schema`")
                .into());
            }
            let source = ctx
                .config
                .schema_sql
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_default();
            (ctx.schema()?.into_schema(), source, ctx.config.dialect)
        }
    };
    let schema = crate::apply::bookkeeping::without_bookkeeping(schema);
    let schemactl_dependency = match &args.schemactl_path {
        Some(p) => {
            let abs = std::fs::canonicalize(p).map_err(|e| {
                Diagnostics::from(
                    Diagnostic::error(
                        "pull::bad-schemactl-path",
                        format!("--schemactl-path `{}`: {e}", p.display()),
                    )
                    .help("name a schemactl checkout (the folder with its Cargo.toml), or leave the flag out to depend on the registry version"),
                )
            })?;
            format!("{{ path = {:?} }}", abs.display().to_string())
        }
        None => format!("\"{}\"", env!("CARGO_PKG_VERSION")),
    };
    let files = pull::pull(
        &schema,
        &PullOptions {
            crate_name: crate_name.clone(),
            schemactl_dependency,
            dialect,
            source: source.clone(),
        },
    )?;
    pull::write_files(&files, &args.out, "pull")?;
    let tables = schema.tables.len();
    println!(
        "pulled {tables} table(s) and {} type(s) from {source} into {} (crate `{crate_name}`)",
        schema.enums.len(),
        args.out.display()
    );
    if !left_out.is_empty() {
        eprintln!(
            "not in the crate, as schemactl does not model these kinds (keep the migrations that make them, and change them in migrations you write): {}",
            left_out.join(", ")
        );
    }
    eprintln!(
        "next: put the migrations that built it in {0}/migrations (`schemactl import ...` or a copy), then `cd {0} && cargo schemactl generate --check`",
        args.out.display()
    );
    Ok(EXIT_OK)
}
