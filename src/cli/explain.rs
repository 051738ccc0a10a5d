//! `schemactl explain`: prints what [`crate::explain`] says about a code.

use super::{EXIT_ERROR, EXIT_OK};
use crate::diag::{self, Style};
use std::path::Path;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  schemactl explain SG101                 a guard rule: what it flags and how to fix it\n  schemactl explain apply::lock-timeout   any other code: what it means and what to do\n  schemactl explain --list                every code with its summary"
)]
pub struct ExplainArgs {
    /// The code, as a report shows it: `SG101`, `apply::lock-timeout`, `migrations::edited-file`, ...
    #[arg(
        value_name = "CODE",
        required_unless_present = "list",
        conflicts_with = "list"
    )]
    pub code: Option<String>,
    /// List every code (guard rules first) with its summary
    #[arg(long)]
    pub list: bool,
}

/// Runs without the project's config, so a broken schemactl.yaml can be explained too.
pub fn run(args: &ExplainArgs, base: &Path, style: Style) -> u8 {
    let Some(code) = &args.code else {
        print!("{}", crate::explain::list());
        return EXIT_OK;
    };
    match crate::explain::explain(code) {
        Ok(text) => {
            print!("{text}");
            EXIT_OK
        }
        Err(d) => {
            eprint!("{}", diag::render_all(&d.into(), base, style));
            EXIT_ERROR
        }
    }
}
