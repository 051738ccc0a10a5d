//! `schemactl init`, `schemactl completions`, `schemactl man`.

use super::{Cli, Context, EXIT_ERROR, EXIT_OK};
use crate::diag::{Diagnostic, Diagnostics};
use crate::init::{self, InitOptions};
use clap::CommandFactory;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Writes, into DIR (new or empty): Cargo.toml, src/lib.rs and src/example.rs \
(one example module to replace), src/main.rs (the binary `cargo schemactl` runs), the first \
migration and its sum, schemactl.yaml, .cargo/config.toml (the alias), and \
.github/workflows/schema.yml (guard as SARIF to code scanning, generate --check, and the diff \
--base review as a pull-request comment).\n\n\
Examples:\n  schemactl init my-schema && cd my-schema && cargo schemactl guard"
)]
pub struct InitArgs {
    /// The folder to create the project in (new or empty)
    #[arg(value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
    /// The crate's package name [default: the folder's name]
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// Depend on schemactl at this path (a checkout) instead of the registry version
    #[arg(long, value_name = "DIR")]
    pub schemactl_path: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell to write completions for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, clap::Args)]
pub struct ManArgs {
    /// Write one page per command (schemactl.1, schemactl-apply.1, ...) into DIR instead of
    /// printing the main page
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

fn package_name(s: &str) -> Option<String> {
    let ok = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        && s.starts_with(|c: char| c.is_ascii_alphabetic());
    ok.then(|| s.to_string())
}

pub fn run(ctx: &Context, args: &InitArgs) -> u8 {
    match inner(args) {
        Ok(()) => EXIT_OK,
        Err(ds) => {
            ctx.report(&ds);
            EXIT_ERROR
        }
    }
}

fn inner(args: &InitArgs) -> Result<(), Diagnostics> {
    let folder_name = std::fs::canonicalize(&args.dir)
        .unwrap_or_else(|_| args.dir.clone())
        .file_name()
        .and_then(|n| n.to_str())
        .map(str::to_string);
    let crate_name = match &args.name {
        Some(n) => package_name(n).ok_or_else(|| {
            Diagnostics::from(
                Diagnostic::error(
                    "init::bad-name",
                    format!("`{}` is not a package name cargo accepts", n.escape_debug()),
                )
                .help("use letters, digits, `-` and `_`, starting with a letter, e.g. --name shop-schema"),
            )
        })?,
        None => folder_name
            .as_deref()
            .and_then(package_name)
            .unwrap_or_else(|| "schema".to_string()),
    };
    let schemactl_dependency = match &args.schemactl_path {
        Some(p) => {
            let abs = std::fs::canonicalize(p).map_err(|e| {
                Diagnostics::from(
                    Diagnostic::error(
                        "init::bad-schemactl-path",
                        format!("--schemactl-path `{}`: {e}", p.display()),
                    )
                    .help("name a schemactl checkout (the folder with its Cargo.toml), or leave the flag out to depend on the registry version"),
                )
            })?;
            format!("{{ path = {:?} }}", abs.display().to_string())
        }
        None => format!("\"{}\"", env!("CARGO_PKG_VERSION")),
    };
    let files = init::scaffold(&InitOptions {
        crate_name: crate_name.clone(),
        schemactl_dependency,
    })?;
    crate::pull::write_files(&files, &args.dir, "init")?;
    println!(
        "created `{crate_name}` in {}: a schema crate with one example module, its first migration, schemactl.yaml and a GitHub Actions workflow",
        args.dir.display()
    );
    eprintln!(
        "next: cd {} && cargo schemactl guard   (then edit src/example.rs and `cargo schemactl generate`)",
        args.dir.display()
    );
    Ok(())
}

pub fn completions(args: &CompletionsArgs) -> u8 {
    let mut cmd = Cli::command();
    clap_complete::generate(args.shell, &mut cmd, "schemactl", &mut std::io::stdout());
    EXIT_OK
}

pub fn man(ctx: &Context, args: &ManArgs) -> u8 {
    let cmd = Cli::command();
    let result = match &args.out {
        Some(dir) => std::fs::create_dir_all(dir)
            .and_then(|_| clap_mangen::generate_to(cmd, dir))
            .map_err(|e| crate::migrate::io_error(dir, &e)),
        None => clap_mangen::Man::new(cmd)
            .render(&mut std::io::stdout())
            .map_err(|e| crate::migrate::io_error(std::path::Path::new("stdout"), &e)),
    };
    match result {
        Ok(()) => EXIT_OK,
        Err(ds) => {
            ctx.report(&ds);
            EXIT_ERROR
        }
    }
}
