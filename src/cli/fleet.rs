//! `apply --fleet`, `status --fleet` and `drift --fleet`: the fleet's targets resolved by the
//! library (`crate::fleet`), progress on stderr, one table (or JSON) on stdout.

use super::apply::{folder, ApplyArgs, DatabaseArgs, OutputFormat, StatusArgs};
use super::drift::DriftArgs;
use super::{Context, EXIT_ERROR, EXIT_FOUND, EXIT_OK};
use crate::apply::{self, ApplyOptions};
use crate::diag::{Diagnostic, Diagnostics};
use crate::fleet::{self, Event, FleetConfig, FleetReport, TargetState, Wave};
use std::time::Duration;

/// The fleet `--fleet` names: a fleet file, or (no FILE) the config's `fleet:` section.
fn load(ctx: &Context, args: &DatabaseArgs) -> Result<FleetConfig, Diagnostics> {
    let path = std::path::Path::new(args.fleet.as_deref().unwrap_or(""));
    if path.as_os_str().is_empty() {
        return ctx.config.fleet.clone().ok_or_else(|| {
            let file = ctx
                .config
                .source
                .as_ref()
                .map_or("no schemactl.yaml was found".to_string(), |p| {
                    format!("{} has no `fleet:` section", p.display())
                });
            Diagnostic::error("fleet::none", format!("--fleet without a file, and {file}"))
                .help("add a `fleet:` section with `targets:` to schemactl.yaml, or name a fleet file: --fleet fleet.yaml (see README.md)")
                .into()
        });
    }
    let bytes = crate::files::read_regular_file(path, crate::config::MAX_CONFIG_BYTES)
        .map_err(|e| {
            Diagnostics::from(
                Diagnostic::error(
                    "fleet::unreadable",
                    format!("cannot read the fleet file `{}`: {e}", path.display()),
                )
                .help("--fleet FILE names a YAML file with `targets:`; --fleet alone reads the `fleet:` section of schemactl.yaml"),
            )
        })?;
    let text = String::from_utf8(bytes).map_err(|_| {
        Diagnostics::from(
            Diagnostic::error(
                "fleet::unreadable",
                format!("the fleet file `{}` is not UTF-8 text", path.display()),
            )
            .help("save it as UTF-8 (YAML files are text)"),
        )
    })?;
    FleetConfig::parse(&text, path)
}

/// Resolves the fleet and checks each target's dialect against the project's.
fn resolve(ctx: &Context, args: &DatabaseArgs) -> Result<(FleetConfig, Vec<Wave>), Diagnostics> {
    // DATABASE_URL in the environment is no conflict; --database-url on the command line is.
    if args.database_url.is_some() && args.database_url != std::env::var("DATABASE_URL").ok() {
        return Err(Diagnostic::error(
            "cli::fleet-option",
            "--database-url and --fleet name different things to run on: one database, or every target of a fleet",
        )
        .help("give one of them")
        .into());
    }
    let config = load(ctx, args)?;
    let timeout = Duration::from_secs(args.connect_timeout);
    let waves = fleet::resolve(&config, &|k| std::env::var(k).ok(), timeout)?;
    let mut problems = Vec::new();
    let mut dialects = std::collections::BTreeSet::new();
    for t in waves.iter().flat_map(|w| &w.targets) {
        dialects.insert(format!("{:?}", t.target.dialect()));
        if let Err(ds) = ctx.check_dialect(&t.target) {
            problems.extend(ds.0.into_iter().map(|mut d| {
                d.message = format!("target `{}`: {}", t.name, d.message);
                d
            }));
        }
    }
    if problems.is_empty() && dialects.len() > 1 {
        problems.push(
            Diagnostic::error(
                "fleet::mixed-dialects",
                "the fleet mixes PostgreSQL and SQLite targets, but one migration folder is for one dialect",
            )
            .help("make one fleet per dialect (and per migration folder)"),
        );
    }
    if problems.is_empty() {
        Ok((config, waves))
    } else {
        Err(Diagnostics(problems))
    }
}

/// Prints progress on stderr, a line per state change.
fn progress(e: &Event) {
    match e {
        Event::Wave {
            name,
            targets,
            parallel,
        } => eprintln!("wave {name}: {targets} target(s), up to {parallel} at a time"),
        Event::Started { name } => eprintln!("  start     {name}"),
        Event::File {
            name,
            file,
            resume_at,
            total,
        } => {
            if *resume_at > 0 {
                eprintln!(
                    "  {name}: applying {file} (resuming at statement {} of {total})",
                    resume_at + 1
                );
            } else {
                eprintln!("  {name}: applying {file} ({total} statements)");
            }
        }
        Event::Finished(r) => {
            let at = r
                .version
                .map_or("nothing applied".to_string(), |v| format!("version {v}"));
            match r.state {
                TargetState::Failed => eprintln!(
                    "  FAILED    {}: {}",
                    r.name,
                    r.error.as_deref().unwrap_or("")
                ),
                _ => eprintln!(
                    "  {:<9} {} at {at} ({} ms)",
                    r.state.as_str(),
                    r.name,
                    r.duration_ms
                ),
            }
        }
        Event::Stopping { after } => eprintln!(
            "stopping: `{after}` failed and on_failure is stop; no other target starts (those running finish)"
        ),
    }
}

/// The final table: one line per target, in wave and config order.
fn table(report: &FleetReport) -> String {
    let mut header = vec!["TARGET", "WAVE", "STATE", "VERSION"];
    match report.command {
        "apply" => header.extend(["APPLIED", "PENDING"]),
        "status" => header.push("PENDING"),
        _ => header.push("DIFFERENCES"),
    }
    header.extend(["TIME", "ERROR"]);
    let mut rows: Vec<Vec<String>> = vec![header.iter().map(|s| s.to_string()).collect()];
    for t in &report.targets {
        let mut row = vec![
            t.name.clone(),
            t.wave.clone(),
            t.state.as_str().to_string(),
            t.version.map_or("-".into(), |v| v.to_string()),
        ];
        let not_started = t.state == TargetState::NotStarted;
        let n = |v: usize| {
            if not_started {
                "-".into()
            } else {
                v.to_string()
            }
        };
        match report.command {
            "apply" => {
                row.push(n(t.applied));
                row.push(n(t.pending));
            }
            "status" => row.push(n(t.pending)),
            _ => row.push(t.differences.map_or("-".into(), |d| d.to_string())),
        }
        row.push(if not_started {
            "-".into()
        } else {
            format!("{} ms", t.duration_ms)
        });
        row.push(t.error.clone().unwrap_or_default());
        rows.push(row);
    }
    let widths: Vec<usize> = (0..rows[0].len())
        .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for r in &rows {
        let mut line = String::new();
        for (i, cell) in r.iter().enumerate() {
            if i + 1 == r.len() {
                line.push_str(cell);
            } else {
                line.push_str(&format!("{cell:<w$}  ", w = widths[i]));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn summary(report: &FleetReport) -> String {
    let total = report.targets.len();
    let last = report
        .last_version
        .map_or("no migrations".to_string(), |v| format!("version {v}"));
    let failed = report.count(TargetState::Failed);
    let not_started = report.count(TargetState::NotStarted);
    match report.command {
        "apply" if report.complete => format!(
            "rollout complete: {total} target(s) at {last} ({} migrated now, {} already there)",
            report.count(TargetState::Applied),
            report.count(TargetState::UpToDate)
        ),
        "apply" => format!(
            "rollout incomplete: {failed} failed, {not_started} not started, {} of {total} done; fix the failures and run the same command again: every target resumes where it stopped",
            total - failed - not_started
        ),
        "status" => {
            let at = report.count(TargetState::UpToDate);
            if report.complete {
                format!("up to date: all {total} target(s) at {last}, the folder's last")
            } else {
                format!(
                    "{at} of {total} target(s) at {last}; {} behind, {} with problems, {failed} unreachable",
                    report.count(TargetState::Behind),
                    report.count(TargetState::Problems)
                )
            }
        }
        _ => format!(
            "{} of {total} target(s) without drift; {} with drift, {failed} not compared",
            report.count(TargetState::NoDrift),
            report.count(TargetState::Drift)
        ),
    }
}

fn print(report: &FleetReport, format: OutputFormat) {
    match format {
        OutputFormat::Json => println!(
            "{}",
            serde_json::to_string_pretty(report).expect("the fleet report serializes")
        ),
        OutputFormat::Text => {
            print!("{}", table(report));
            println!("{}", summary(report));
        }
    }
}

fn exit(report: &FleetReport) -> u8 {
    if report.complete {
        EXIT_OK
    } else {
        EXIT_FOUND
    }
}

fn or_report(ctx: &Context, r: Result<u8, Diagnostics>) -> u8 {
    r.unwrap_or_else(|ds| {
        ctx.report(&ds);
        EXIT_ERROR
    })
}

pub fn apply(ctx: &Context, args: &ApplyArgs) -> u8 {
    or_report(ctx, apply_inner(ctx, args))
}

fn apply_inner(ctx: &Context, args: &ApplyArgs) -> Result<u8, Diagnostics> {
    for (given, flag) in [
        (args.dry_run, "--dry-run"),
        (args.baseline.is_some(), "--baseline"),
    ] {
        if given {
            return Err(Diagnostic::error(
                "cli::fleet-option",
                format!("{flag} is for one database, not a fleet"),
            )
            .help("run it per database with --database-url; `status --fleet` shows where every target stands")
            .into());
        }
    }
    let dir = folder(ctx)?;
    let (config, waves) = resolve(ctx, &args.db)?;
    let dialect = waves
        .iter()
        .flat_map(|w| &w.targets)
        .next()
        .map_or(ctx.config.dialect, |t| t.target.dialect());
    let scripts = apply::prepare(&dir, dialect)?;
    let opts = ApplyOptions {
        to: args.to,
        lock_timeout: Duration::from_secs(args.lock_timeout),
        allow_modified: args.allow_modified,
        allow_missing: args.allow_missing,
        allow_out_of_order: args.allow_out_of_order,
        ..ApplyOptions::default()
    };
    apply::check_options(&dir, &opts)?;
    let timeout = Duration::from_secs(args.db.connect_timeout);
    let last = match args.to {
        Some(to) => Some(to),
        None => dir.files.last().map(|f| f.version),
    };
    let work = |wave: &str, t: &fleet::FleetTarget, send: &mut dyn FnMut(Event)| {
        fleet::apply_target(wave, t, &dir, &scripts, &opts, timeout, send)
    };
    let report = fleet::run("apply", &waves, &config, last, &work, &mut progress);
    print(&report, args.format);
    Ok(exit(&report))
}

pub fn status(ctx: &Context, args: &StatusArgs) -> u8 {
    or_report(ctx, status_inner(ctx, args))
}

fn status_inner(ctx: &Context, args: &StatusArgs) -> Result<u8, Diagnostics> {
    let dir = folder(ctx)?;
    let (config, waves) = resolve(ctx, &args.db)?;
    let timeout = Duration::from_secs(args.db.connect_timeout);
    let tampered = dir.verify();
    let work = |wave: &str, t: &fleet::FleetTarget, _: &mut dyn FnMut(Event)| {
        fleet::status_target(wave, t, &dir, timeout)
    };
    // Status never stops early: every target is read.
    let config = FleetConfig {
        on_failure: fleet::FailurePolicy::Continue,
        ..config
    };
    let last = dir.files.last().map(|f| f.version);
    let report = fleet::run("status", &waves, &config, last, &work, &mut |_| {});
    print(&report, args.format);
    if !tampered.is_empty() {
        ctx.report(&Diagnostics(tampered));
        return Ok(EXIT_FOUND);
    }
    Ok(exit(&report))
}

pub fn drift(ctx: &Context, args: &DriftArgs) -> u8 {
    or_report(ctx, drift_inner(ctx, args))
}

fn drift_inner(ctx: &Context, args: &DriftArgs) -> Result<u8, Diagnostics> {
    let dir = crate::migrate::MigrationDir::open(&ctx.config.migrations)?;
    let (config, waves) = resolve(ctx, &args.db)?;
    let dialect = waves
        .iter()
        .flat_map(|w| &w.targets)
        .next()
        .map_or(ctx.config.dialect, |t| t.target.dialect());
    apply::prepare(&dir, dialect)?;
    let timeout = Duration::from_secs(args.db.connect_timeout);
    let scratch = std::sync::Mutex::new(crate::scratch::Scratch::open(
        dialect,
        args.dev_url.as_deref(),
        timeout,
    )?);
    let work = |wave: &str, t: &fleet::FleetTarget, _: &mut dyn FnMut(Event)| {
        fleet::drift_target(wave, t, &dir, &scratch, timeout)
    };
    let config = FleetConfig {
        on_failure: fleet::FailurePolicy::Continue,
        ..config
    };
    let last = dir.files.last().map(|f| f.version);
    let report = fleet::run("drift", &waves, &config, last, &work, &mut progress);
    print(&report, args.format);
    Ok(exit(&report))
}
