//! `schemactl guard` and `schemactl graph`: thin wrappers over [`crate::guard`].

use super::{Context, EXIT_ERROR, EXIT_FOUND, EXIT_OK};
use crate::diag::{Diagnostic, Diagnostics, Severity};
use crate::guard::graph_view::{self, GraphFormat};
use crate::guard::output::{self, Format};
use crate::guard::{self, docs, MigrationInput};
use crate::scratch::Scratch;
use std::cell::RefCell;

#[derive(Debug, clap::Args)]
pub struct GuardArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Report warnings as errors (and exit 1 on them)
    #[arg(long)]
    pub warnings_as_errors: bool,
    /// Print a rule's documentation (what it flags, why, how to fix, how to suppress) and exit
    #[arg(long, value_name = "CODE")]
    pub explain: Option<String>,
    /// List every rule with its default level and exit
    #[arg(long)]
    pub list: bool,
    /// Run the migration folder on a scratch database of this PostgreSQL server (created,
    /// then dropped) to find the first statement that fails (SG309) and to compare it with the
    /// declared schema (SG308), instead of replaying its SQL offline. Name a server of the
    /// version the migrations will run on
    #[arg(long, value_name = "URL")]
    pub dev_url: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct GraphArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t = GraphFormat::Dot)]
    pub format: GraphFormat,
    /// Only tables of this domain (plus the tables they reference, drawn dashed)
    #[arg(long, value_name = "DOMAIN")]
    pub domain: Option<String>,
}

pub fn run(ctx: &Context, args: &GuardArgs) -> u8 {
    if let Some(code) = &args.explain {
        return match guard::rule(code) {
            Some(rule) => {
                print!("{}", docs::explain(rule));
                EXIT_OK
            }
            None => {
                ctx.report(
                    &Diagnostic::error("guard::unknown-rule", format!("no guard rule `{code}`"))
                        .help("`schemactl guard --list` prints every rule code")
                        .into(),
                );
                EXIT_ERROR
            }
        };
    }
    if args.list {
        print!("{}", docs::list());
        return EXIT_OK;
    }
    match check(ctx, args.dev_url.as_deref()) {
        Ok(mut findings) => {
            if args.warnings_as_errors {
                guard::escalate(&mut findings);
            }
            output::relativize(&mut findings, &ctx.base);
            let text = output::render(&findings, args.format, &ctx.base, ctx.style);
            if args.format == Format::Human {
                if ctx.schema_fn.is_none() && ctx.config.schema_sql.is_none() {
                    eprintln!("note: no declared schema, so only the migration-folder rules (SG3xx) and the SQL lint (SG4xx) ran; run guard through your schema crate (`cargo schemactl guard`) for SG1xx/SG2xx");
                }
                eprint!("{text}");
            } else {
                print!("{text}");
            }
            if findings.iter().any(|d| d.severity == Severity::Error) {
                EXIT_FOUND
            } else {
                EXIT_OK
            }
        }
        Err(ds) => {
            // Machine formats still get a parseable document describing the failure.
            if args.format != Format::Human {
                let mut all = ds.0.clone();
                output::relativize(&mut all, &ctx.base);
                print!(
                    "{}",
                    output::render(&all, args.format, &ctx.base, ctx.style)
                );
            }
            ctx.report(&ds);
            EXIT_ERROR
        }
    }
}

/// Every finding for the project; `Err` for problems that stop the check (config, build, I/O).
fn check(ctx: &Context, dev_url: Option<&str>) -> Result<Vec<Diagnostic>, Diagnostics> {
    let mut config = ctx.config.guard.clone();
    config.dialect = ctx.config.dialect;
    let config = &config;
    let problems = config.problems();
    if !problems.is_empty() {
        return Err(Diagnostics(problems));
    }
    if dev_url.is_some() && config.dialect == crate::dialect::DialectKind::Sqlite {
        return Err(Diagnostic::error(
            "guard::bad-dev-url",
            "--dev-url names a PostgreSQL server; SQLite folders are replayed on temporary files",
        )
        .help("leave out --dev-url for SQLite migrations")
        .into());
    }
    // A folder that was named must be there: guard passing on a typo would pass CI.
    let folder = &ctx.config.migrations;
    if ctx.config.migrations_named && !folder.exists() {
        return Err(crate::migrate::missing_folder(folder).into());
    }
    // The declared schema: the schema crate's, or the SQL schema file (which must exist).
    let schema = if ctx.schema_fn.is_some() || ctx.config.schema_sql.is_some() {
        Some(ctx.schema()?)
    } else {
        None
    };
    let script = match &schema {
        Some(s) => Some(crate::generate::render_script(s, ctx.config.dialect)?),
        None => None,
    };
    let mut findings = match &schema {
        Some(s) => guard::check_schema(s, config),
        None => Vec::new(),
    };
    let dialect = ctx.config.dialect;
    let prelude = ctx.config.prelude()?;
    let compare = |dir: &crate::migrate::MigrationDir| match &schema {
        Some(s) => {
            let request = crate::generate::Request {
                schema: s,
                dialect,
                dev_url,
                prelude: prelude.clone(),
            };
            let mut notes = Vec::new();
            let pending = crate::generate::pending_changes(dir, request, &mut notes);
            super::generate::print_notes(&notes);
            pending
        }
        None => Ok(Vec::new()),
    };
    // Connecting is checked here, so an unreachable server is an error, not a finding.
    let scratch = match dev_url {
        Some(url) => Some(RefCell::new(Scratch::open(
            dialect,
            Some(url),
            std::time::Duration::from_secs(10),
        )?)),
        None => None,
    };
    let run_folder = |dir: &crate::migrate::MigrationDir| -> Result<(), Diagnostics> {
        let Some(scratch) = &scratch else {
            return Ok(());
        };
        let mut scratch = scratch.borrow_mut();
        let db = scratch.database("guard")?;
        scratch.migrate(&db, dir, None)
    };
    let input = MigrationInput {
        expected_script: script.as_deref(),
        declared: schema.as_deref(),
        compare: schema.as_ref().map(|_| &compare as guard::Compare<'_>),
        run_folder: dev_url.map(|_| &run_folder as guard::RunFolder<'_>),
    };
    findings.extend(
        guard::check_migrations(&ctx.config.migrations, &input, config).map_err(Diagnostics)?,
    );
    guard::sort(&mut findings);
    Ok(findings)
}

pub fn graph(ctx: &Context, args: &GraphArgs) -> u8 {
    match ctx.schema() {
        Ok(schema) => {
            let domain = args.domain.as_deref();
            print!(
                "{}",
                match args.format {
                    GraphFormat::Dot => graph_view::dot(&schema, domain),
                    GraphFormat::Mermaid => graph_view::mermaid(&schema, domain),
                }
            );
            EXIT_OK
        }
        Err(ds) => {
            ctx.report(&ds);
            EXIT_ERROR
        }
    }
}
