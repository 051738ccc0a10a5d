//! The command line: a thin layer that parses arguments, calls the library, prints results
//! and turns outcomes into exit codes CI can use.
//!
//! Exit codes: 0 success; 1 the command found something (changes, findings, drift, pending
//! migrations); 2 bad input, usage or I/O error.

mod apply;
mod diff;
mod drift;
mod explain;
mod fleet;
mod generate;
mod guard;
mod import;
mod init;
mod pull;

use crate::config::Config;
use crate::diag::{self, Diagnostics, Style};
use crate::dialect::DialectKind;
use crate::model::Schema;
use clap::{Parser, Subcommand};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Builds the declared schema: what a schema crate hands to [`main_with_schema`].
pub type SchemaFn = fn() -> Result<Schema, Diagnostics>;

pub const EXIT_OK: u8 = 0;
pub const EXIT_FOUND: u8 = 1;
pub const EXIT_ERROR: u8 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "schemactl",
    version,
    about = "Schema-as-code migrations and guard rails for multi-tenant PostgreSQL and SQLite",
    long_about = "schemactl turns a schema declared in Rust (or SQL) into ordered, checksummed SQL \
migrations, and checks them before they reach a database.\n\n\
A schema crate runs it as `cargo schemactl <command>` (see README.md); the plain binary works \
on migration folders and SQL schemas.\n\n\
Exit codes: 0 success, 1 something was found (changes, findings, drift, pending), 2 error.",
    after_help = "Examples:\n  cargo schemactl generate              write the next migration for the declared schema\n  cargo schemactl sql                   print the schema's SQL\n  schemactl generate --check            fail (exit 1) when the schema has changes no migration holds\n  cargo schemactl guard                 check style rules, the FK graph and the migration folder\n  schemactl guard --explain SG101       what a guard rule flags, why, and how to fix or suppress it\n  schemactl explain apply::lock-timeout what any other code in a report means and what to do"
)]
pub struct Cli {
    /// Project config file [default: ./schemactl.yaml when present]
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Migration folder (overrides the config)
    #[arg(long, global = true, value_name = "DIR")]
    pub migrations: Option<PathBuf>,
    /// A SQL file declaring the schema, for the plain binary (overrides the config's schema_sql)
    #[arg(long, global = true, value_name = "FILE")]
    pub schema_sql: Option<PathBuf>,
    /// SQL dialect (overrides the config)
    #[arg(long, global = true, value_enum)]
    pub dialect: Option<DialectKind>,
    /// Colour in reports
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write the next numbered migration for the declared schema (and update schemactl.sum)
    Generate(generate::GenerateArgs),
    /// Print the SQL that creates the declared schema from nothing
    Sql,
    /// Print the declared schema's model as JSON
    Model,
    /// Apply pending migrations to a database (PostgreSQL or SQLite), safely
    Apply(apply::ApplyArgs),
    /// Show applied, pending, modified and missing migrations; exit 1 unless all are applied
    Status(apply::StatusArgs),
    /// Report every difference between a live database and what its migrations describe (exit 1 on drift)
    Drift(drift::DriftArgs),
    /// Review what a change does to the schema: Markdown for a pull request, or text
    Diff(diff::DiffArgs),
    /// Bring another tool's migration folder (Diesel, sqlx, golang-migrate, dbmate, Flyway,
    /// drizzle-kit, Atlas) into schemactl, and optionally adopt a database it migrated
    Import(import::ImportArgs),
    /// Write a Rust DSL schema crate from a database (or a SQL schema): the way in for an
    /// existing project
    Pull(pull::PullArgs),
    /// Create a new project: a schema crate with an example module, its first migration,
    /// schemactl.yaml, the cargo alias and a GitHub Actions workflow
    Init(init::InitArgs),
    /// Print shell completions (bash, zsh, fish, elvish, powershell)
    Completions(init::CompletionsArgs),
    /// Print the man page (or write one per command with --out DIR)
    Man(init::ManArgs),
    /// Maintain the migration folder
    #[command(subcommand)]
    Migrations(MigrationsCommand),
    /// Check the schema's style, its FK graph and the migration folder's integrity (see STYLE_GUIDE.md)
    Guard(guard::GuardArgs),
    /// Print the FK graph as Graphviz DOT or Mermaid
    Graph(guard::GraphArgs),
    /// Explain a diagnostic code: a guard rule (SG101) or any other (apply::lock-timeout)
    Explain(explain::ExplainArgs),
}

#[derive(Debug, Subcommand)]
pub enum MigrationsCommand {
    /// Rewrite schemactl.sum from the files as they are (after a deliberate, unapplied edit)
    Rehash,
    /// Move a migration after all others (when two branches added the same number) and rehash
    Renumber {
        /// The migration file to move, e.g. 0007_add_invoices.sql
        file: String,
    },
}

/// What every command gets: the project, the declared schema (when there is one), output style.
pub struct Context {
    pub config: Config,
    pub schema_fn: Option<SchemaFn>,
    pub style: Style,
    /// Where relative paths in diagnostics are resolved from.
    pub base: PathBuf,
    /// The process exits when the command returns ([`main`], [`main_with_schema`]).
    pub exiting: bool,
}

/// The declared schema, for as long as a command needs it. When the process exits right after
/// the command it is not freed object by object: the operating system takes the memory back
/// at once, and freeing a large model's many small allocations is a visible share of a run.
pub struct Declared {
    schema: Option<Schema>,
    exiting: bool,
}

impl Declared {
    pub fn into_schema(mut self) -> Schema {
        self.schema.take().expect("held until dropped")
    }
}

impl std::ops::Deref for Declared {
    type Target = Schema;

    fn deref(&self) -> &Schema {
        self.schema.as_ref().expect("held until dropped")
    }
}

impl Drop for Declared {
    fn drop(&mut self) {
        if self.exiting {
            std::mem::forget(self.schema.take());
        }
    }
}

impl Context {
    /// The declared schema: from the schema crate, or the SQL schema file (`--schema-sql` or
    /// the config's `schema_sql`), replayed into the model.
    pub fn schema(&self) -> Result<Declared, Diagnostics> {
        Ok(Declared {
            schema: Some(self.build_schema()?),
            exiting: self.exiting,
        })
    }

    fn build_schema(&self) -> Result<Schema, Diagnostics> {
        if let Some(build) = self.schema_fn {
            return build();
        }
        let Some(path) = &self.config.schema_sql else {
            return Err(crate::Diagnostic::error(
                "cli::no-schema",
                "this command needs a declared schema, and none was given",
            )
            .help("run it through your schema crate (`cargo schemactl ...`, see README.md), or name a SQL schema with --schema-sql FILE or `schema_sql:` in schemactl.yaml")
            .into());
        };
        let unreadable = |why: String| {
            Diagnostics::from(
                crate::Diagnostic::error(
                    "cli::unreadable-schema",
                    format!("cannot read the SQL schema `{}`: {why}", path.display()),
                )
                .help("check the path given by --schema-sql or `schema_sql:` in schemactl.yaml"),
            )
        };
        let bytes = crate::files::read_regular_file(path, crate::migrate::MAX_FILE_BYTES)
            .map_err(|e| unreadable(e.to_string()))?;
        let text =
            String::from_utf8(bytes).map_err(|_| unreadable("it is not UTF-8 text".into()))?;
        crate::sql::import_sql(&text, &path.display().to_string(), self.config.dialect)
    }

    /// Refuses a database of the other dialect than the one the project states (in
    /// schemactl.yaml or by --dialect); when none is stated, the URL decides.
    pub fn check_dialect(&self, target: &crate::apply::Target) -> Result<(), Diagnostics> {
        let stated = self.config.dialect;
        if !self.config.dialect_named || target.dialect() == stated {
            return Ok(());
        }
        let name = |d: DialectKind| match d {
            DialectKind::Postgres => "PostgreSQL",
            DialectKind::Sqlite => "SQLite",
        };
        Err(crate::Diagnostic::error(
            "cli::dialect-mismatch",
            format!(
                "{} is a {} database, but the migrations are {} (dialect: {})",
                target.display(),
                name(target.dialect()),
                name(stated),
                match stated {
                    DialectKind::Postgres => "postgres",
                    DialectKind::Sqlite => "sqlite",
                }
            ),
        )
        .help(match stated {
            DialectKind::Postgres => "give a postgres:// URL, or point --config/--migrations at the SQLite project (or pass --dialect sqlite)",
            DialectKind::Sqlite => "give a sqlite:path URL, or point --config/--migrations at the PostgreSQL project (or pass --dialect postgres)",
        })
        .into())
    }

    pub fn report(&self, ds: &Diagnostics) {
        eprint!("{}", diag::render_all(ds, &self.base, self.style));
    }
}

/// Entry point for a schema crate's binary: `fn main() -> ExitCode { main_with_schema(build) }`.
pub fn main_with_schema(schema: SchemaFn) -> ExitCode {
    run_then_exit(std::env::args_os(), Some(schema))
}

/// Entry point of the plain `schemactl` binary.
pub fn main() -> ExitCode {
    run_then_exit(std::env::args_os(), None)
}

/// Runs one command line and frees all it used: for callers that go on afterwards.
pub fn run<I, T>(args: I, schema_fn: Option<SchemaFn>) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    run_command(args, schema_fn, false)
}

/// [`run`] for a process that exits when it returns: the declared schema is left for the
/// operating system to take back (see [`Declared`]).
pub fn run_then_exit<I, T>(args: I, schema_fn: Option<SchemaFn>) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    run_command(args, schema_fn, true)
}

fn run_command<I, T>(args: I, schema_fn: Option<SchemaFn>, exiting: bool) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            // clap echoes the argument it could not place, which may be a database URL given
            // without --database-url: mask it like every other report.
            let mut text = crate::secret::mask(&e.render().to_string());
            if e.kind() == clap::error::ErrorKind::UnknownArgument
                && e.get(clap::error::ContextKind::InvalidArg)
                    .is_some_and(|a| a.to_string().contains("://") || a.to_string().contains('='))
            {
                text.push_str("\ntip: a database URL goes after --database-url (or in DATABASE_URL), e.g. --database-url postgres://user@host/db\n");
            }
            if e.use_stderr() {
                eprint!("{}", crate::diag::truncate(&text, 20_000));
                return ExitCode::from(EXIT_ERROR);
            }
            print!("{text}");
            return ExitCode::from(EXIT_OK);
        }
    };
    let style = match cli.color {
        ColorChoice::Always => Style::Color,
        ColorChoice::Never => Style::Plain,
        ColorChoice::Auto => {
            if std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none() {
                Style::Color
            } else {
                Style::Plain
            }
        }
    };
    let base = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    if let Command::Explain(args) = &cli.command {
        return ExitCode::from(explain::run(args, &base, style));
    }
    let mut config = match Config::load(cli.config.as_deref(), Path::new(".")) {
        Ok(c) => c,
        Err(ds) => {
            eprint!("{}", diag::render_all(&ds, &base, style));
            return ExitCode::from(EXIT_ERROR);
        }
    };
    if let Some(m) = cli.migrations {
        config.migrations = m;
        config.migrations_named = true;
        // The config's dialect describes the config's folder, not another one.
        config.dialect_named = false;
    }
    if let Some(p) = cli.schema_sql {
        config.schema_sql = Some(p);
    }
    if let Some(d) = cli.dialect {
        config.dialect = d;
        config.dialect_named = true;
    }
    let ctx = Context {
        config,
        schema_fn,
        style,
        base,
        exiting,
    };
    let code = match cli.command {
        Command::Generate(args) => generate::run(&ctx, &args),
        Command::Sql => print_sql(&ctx),
        Command::Model => print_model(&ctx),
        Command::Apply(args) => apply::run_apply(&ctx, &args),
        Command::Status(args) => apply::run_status(&ctx, &args),
        Command::Drift(args) => drift::run(&ctx, &args),
        Command::Diff(args) => diff::run(&ctx, &args),
        Command::Import(args) => import::run(&ctx, &args),
        Command::Pull(args) => pull::run(&ctx, &args),
        Command::Init(args) => init::run(&ctx, &args),
        Command::Completions(args) => init::completions(&args),
        Command::Man(args) => init::man(&ctx, &args),
        Command::Migrations(MigrationsCommand::Rehash) => apply::run_rehash(&ctx),
        Command::Migrations(MigrationsCommand::Renumber { file }) => {
            apply::run_renumber(&ctx, &file)
        }
        Command::Guard(args) => guard::run(&ctx, &args),
        Command::Graph(args) => guard::graph(&ctx, &args),
        Command::Explain(args) => explain::run(&args, &ctx.base, ctx.style),
    };
    ExitCode::from(code)
}

fn print_sql(ctx: &Context) -> u8 {
    match ctx
        .schema()
        .and_then(|s| crate::generate::render_script(&s, ctx.config.dialect))
    {
        Ok(sql) => {
            print!("{sql}");
            EXIT_OK
        }
        Err(ds) => {
            ctx.report(&ds);
            EXIT_ERROR
        }
    }
}

fn print_model(ctx: &Context) -> u8 {
    match ctx.schema() {
        Ok(s) => {
            println!(
                "{}",
                serde_json::to_string_pretty(&*s).expect("the model serializes")
            );
            EXIT_OK
        }
        Err(ds) => {
            ctx.report(&ds);
            EXIT_ERROR
        }
    }
}
