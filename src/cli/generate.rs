//! `schemactl generate`: the next numbered migration for the declared schema.

use super::{Context, EXIT_ERROR, EXIT_FOUND, EXIT_OK};
use crate::diag::Diagnostics;
use crate::generate::{self as pipeline, Check, Outcome, Request};

#[derive(Debug, clap::Args)]
pub struct GenerateArgs {
    /// Name of the new migration (the part after the number)
    /// [default: `initial` for the first migration, `schema_changes` after it]
    #[arg(long, value_parser = parse_name)]
    pub name: Option<String>,
    /// Write nothing; exit 1 when the schema has changes no migration holds (for CI)
    #[arg(long)]
    pub check: bool,
    /// Run the migration folder on a scratch database of this PostgreSQL server (created, then
    /// dropped) and read its catalog, instead of reading the SQL. Without it, generate reads
    /// the SQL itself, and only when a migration holds statements it cannot follow (a DO block,
    /// a function with side effects) runs the folder on a throwaway local PostgreSQL
    #[arg(long, value_name = "URL")]
    pub dev_url: Option<String>,
}

/// The longest migration name: `NNNN_` plus the name plus `.sql` stays far below the 255
/// bytes file systems allow, with room for renumbering.
const MAX_NAME_CHARS: usize = 100;

fn parse_name(s: &str) -> Result<String, String> {
    if s.len() > MAX_NAME_CHARS {
        return Err(format!(
            "the name is {} characters long; keep it to {MAX_NAME_CHARS} (a few words, e.g. add_invoices)",
            s.len()
        ));
    }
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        Ok(s.to_string())
    } else {
        Err("use lowercase letters, digits and underscores, e.g. add_invoices".into())
    }
}

pub fn run(ctx: &Context, args: &GenerateArgs) -> u8 {
    match generate(ctx, args) {
        Ok(code) => code,
        Err(ds) => {
            ctx.report(&ds);
            EXIT_ERROR
        }
    }
}

fn generate(ctx: &Context, args: &GenerateArgs) -> Result<u8, Diagnostics> {
    let schema = ctx.schema()?;
    let dir = pipeline::load_folder(&ctx.config.migrations)?;
    let folder = dir.path.display().to_string();
    let request = Request {
        schema: &schema,
        dialect: ctx.config.dialect,
        dev_url: args.dev_url.as_deref(),
        prelude: ctx.config.prelude()?,
    };
    let mut notes = Vec::new();
    if args.check {
        let check = pipeline::check(&dir, request, &mut notes);
        print_notes(&notes);
        return Ok(match check? {
            Check::NoMigrations => {
                eprintln!(
                    "The schema has changes no migration holds: {folder} has no migrations yet."
                );
                eprintln!("Run `schemactl generate` and commit the result.");
                EXIT_FOUND
            }
            Check::UpToDate => {
                println!(
                    "No schema changes: the migrations in {folder} are up to date. Nothing written."
                );
                EXIT_OK
            }
            Check::Pending(changes) => {
                eprintln!(
                    "The declared schema has {} change(s) no migration holds:",
                    changes.len()
                );
                for c in &changes {
                    eprintln!("  {:?}: {}", c.risk(), c.describe());
                }
                eprintln!("Run `schemactl generate --name <what_changed>` and commit the result.");
                EXIT_FOUND
            }
        });
    }
    let outcome = pipeline::generate(dir, request, args.name.as_deref(), &mut notes);
    print_notes(&notes);
    match outcome? {
        Outcome::Initial {
            path,
            tables,
            enums,
        } => println!(
            "Wrote {} ({tables} tables, {enums} enums) and updated {}.",
            path.display(),
            crate::migrate::SUM_FILE
        ),
        Outcome::UpToDate => println!(
            "No schema changes: the migrations in {folder} are up to date. Nothing written."
        ),
        Outcome::Written {
            files,
            down,
            changes,
        } => {
            for (path, no_transaction) in &files {
                println!(
                    "Wrote {}{}",
                    path.display(),
                    if *no_transaction {
                        " (runs outside a transaction)"
                    } else {
                        ""
                    }
                );
            }
            match &down {
                Some(path) => println!(
                    "Wrote {} (the inverse, for reverting by hand)",
                    path.display()
                ),
                // A SQLite rebuild's inverse is another rebuild from a shape the DSL no
                // longer declares; restoring the file from a backup is the way back.
                None => println!(
                    "No down file for SQLite: keep a copy of the database file to go back."
                ),
            }
            for c in &changes {
                println!("  {:<22} {}", format!("{:?}", c.risk()), c.describe());
            }
        }
    }
    Ok(EXIT_OK)
}

/// How the folder's state was read, when it was not by reading its SQL.
pub(super) fn print_notes(notes: &[String]) {
    for note in notes {
        eprintln!("note: {note}");
    }
}
