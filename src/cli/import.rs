//! `schemactl import`: another tool's migration folder brought into schemactl.

use super::{Context, EXIT_ERROR, EXIT_OK};
use crate::adopt::{self, Layout};
use crate::apply::Target;
use crate::diag::{Diagnostic, Diagnostics};
use crate::migrate::MigrationDir;
use std::path::PathBuf;
use std::time::Duration;

/// `--from`: a layout, or `auto`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum From {
    /// Tell the layout from the files
    Auto,
    /// `<timestamp>_<name>/up.sql` (+ `down.sql`)
    Diesel,
    /// `<version>_<name>.sql`, or `.up.sql` / `.down.sql`
    Sqlx,
    /// `<version>_<name>.up.sql` / `.down.sql`
    GolangMigrate,
    /// `-- migrate:up` / `-- migrate:down` sections
    Dbmate,
    /// `V<version>__<description>.sql`
    Flyway,
    /// `meta/_journal.json` plus `<tag>.sql`
    #[value(alias = "drizzle")]
    DrizzleKit,
    /// `<version>_<name>.sql` plus `atlas.sum`
    Atlas,
}

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Ordering follows the source tool: Diesel and Atlas by version text, sqlx and \
golang-migrate by version number, dbmate by file name, Flyway by version parts, drizzle-kit by \
its journal. Versions are kept when they are distinct whole numbers in that order; otherwise the \
folder is numbered 1..N and each file keeps the tool's name. Every anomaly (duplicate versions, \
files missing from a journal, journal and file order that disagree, journal time going \
backwards, Flyway repeatables, files edited under atlas.sum) is reported with what was decided.\n\n\
Examples:\n  schemactl import --from drizzle-kit drizzle --migrations db/migrations\n  \
schemactl import --from diesel old/migrations --dry-run\n  \
schemactl import --from auto migrations-old --database-url postgres://app@db/app"
)]
pub struct ImportArgs {
    /// The folder the old tool keeps its migrations in
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// The old tool's layout (`auto` tells it from the files)
    #[arg(long = "from", visible_alias = "layout", value_enum, default_value_t = From::Auto, value_name = "LAYOUT")]
    pub from: From,
    /// Also adopt this database: record as applied the migrations the old tool's tracking
    /// table says it ran (nothing runs); refused, with nothing written, when they disagree
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
    /// Seconds to wait for a connection (1 to 86400)
    #[arg(long, default_value_t = 10, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub connect_timeout: u64,
    /// Print what would be written (and the anomalies), write nothing
    #[arg(long)]
    pub dry_run: bool,
}

pub fn run(ctx: &Context, args: &ImportArgs) -> u8 {
    match inner(ctx, args) {
        Ok(code) => code,
        Err(ds) => {
            ctx.report(&ds);
            EXIT_ERROR
        }
    }
}

fn inner(ctx: &Context, args: &ImportArgs) -> Result<u8, Diagnostics> {
    let (layout, guess) = match args.from {
        From::Auto => adopt::detect(&args.dir)?,
        From::Diesel => (Layout::Diesel, None),
        From::Sqlx => (Layout::Sqlx, None),
        From::GolangMigrate => (Layout::GolangMigrate, None),
        From::Dbmate => (Layout::Dbmate, None),
        From::Flyway => (Layout::Flyway, None),
        From::DrizzleKit => (Layout::DrizzleKit, None),
        From::Atlas => (Layout::Atlas, None),
    };
    let mut import = adopt::import_dir(&args.dir, layout)?;
    if let Some(g) = guess {
        import.notes.insert(0, g);
    }
    let out = ctx.config.migrations.clone();
    if same_folder(&args.dir, &out) {
        return Err(Diagnostic::error(
            "import::target-not-empty",
            format!("`{}` is both the folder to import and the folder to write", out.display()),
        )
        .help("write the schemactl folder elsewhere with --migrations DIR (then name it in schemactl.yaml as `migrations:`)")
        .into());
    }
    let target = match &args.database_url {
        Some(url) => {
            let t = Target::parse(url, &|k| std::env::var(k).ok()).map_err(Diagnostics::from)?;
            ctx.check_dialect(&t)?;
            Some(t)
        }
        None => None,
    };
    let timeout = Duration::from_secs(args.connect_timeout);
    // The database is checked before anything is written: a disagreement leaves no folder.
    let check = match &target {
        Some(t) => Some(adopt::adopt_database(
            t,
            &import.as_dir(&out),
            timeout,
            true,
        )?),
        None => None,
    };
    if !import.notes.is_empty() {
        ctx.report(&Diagnostics(import.notes.clone()));
    }
    eprintln!("order: {}", layout.ordering_rule());
    if args.dry_run {
        for m in &import.migrations {
            println!("{}  <-  {}", m.file_name, m.source);
        }
        if let Some(r) = &check {
            print_adoption(r, true);
        }
        eprintln!(
            "dry run: {} migration(s) from {} would be written to {}; nothing was written",
            import.migrations.len(),
            layout,
            out.display()
        );
        return Ok(EXIT_OK);
    }
    adopt::write_import(&import, &out)?;
    let downs = import
        .migrations
        .iter()
        .filter(|m| m.down.is_some())
        .count();
    println!(
        "imported {} migration(s) from {} ({}) into {}{}, with {}",
        import.migrations.len(),
        args.dir.display(),
        layout,
        out.display(),
        if import.renumbered {
            " (numbered 1..N)"
        } else {
            " (versions kept)"
        },
        if downs > 0 {
            format!(
                "{downs} down file(s) in down/ and {}",
                crate::migrate::SUM_FILE
            )
        } else {
            crate::migrate::SUM_FILE.to_string()
        }
    );
    if let Some(t) = &target {
        let recorded =
            MigrationDir::open(&out).and_then(|dir| adopt::adopt_database(t, &dir, timeout, false));
        match recorded {
            Ok(r) => print_adoption(&r, false),
            Err(ds) => {
                // All or nothing: the folder goes again when the database could not be adopted.
                let _ = std::fs::remove_dir_all(&out);
                return Err(ds);
            }
        }
    }
    Ok(EXIT_OK)
}

fn print_adoption(r: &crate::apply::ApplyReport, check: bool) {
    if let Some(a) = &r.adopted {
        println!(
            "{} {} ({}): {} migration(s) {}{}",
            if check { "would read" } else { "read" },
            a.table,
            a.tool.label(),
            a.applied.len(),
            if check {
                "would be recorded as applied on "
            } else {
                "recorded as applied on "
            },
            r.target
        );
    }
}

fn same_folder(a: &std::path::Path, b: &std::path::Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}
