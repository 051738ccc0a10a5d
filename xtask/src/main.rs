//! Developer tasks: `cargo xtask bench` prints the timings and peak memory the issues ask for.
//!
//! Each measurement runs in a child process of this binary, so its peak memory (VmHWM) is its
//! own and not the high-water mark of an earlier, larger case.

use schemactl::dialect::DialectKind;
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("bench") => bench(&args[1..]),
        Some("bench-case") => bench_case(&args[1..]),
        Some("dsl-generate-process") => dsl_generate_process(&args[1..]),
        _ => {
            eprintln!("usage: cargo xtask bench [--quick]\n\n  bench    model build + render on synthetic schemas of 1k/10k/50k tables, the canonical schema, guard, replay of a 50 MB migration folder, diff + plan of two 10k-table schemas, apply against psql, apply of a 342-file chain against psql in one session, apply --fleet to 50 databases (max_parallel 1 against 8), and the SQL lint on a 50 MB corpus");
            ExitCode::from(2)
        }
    }
}

/// One measured case, printed by the child as `name<TAB>millis<TAB>peak_kib<TAB>note`.
fn bench(args: &[String]) -> ExitCode {
    let quick = args.iter().any(|a| a == "--quick");
    let sizes: &[usize] = if quick {
        &[1_000, 10_000]
    } else {
        &[1_000, 10_000, 50_000]
    };
    let mut cases: Vec<Vec<String>> = Vec::new();
    for &n in sizes {
        cases.push(vec!["model-render".into(), n.to_string()]);
    }
    for n in if quick {
        &[500usize, 5_000][..]
    } else {
        &[500, 5_000, 50_000][..]
    } {
        cases.push(vec!["dsl-generate".into(), n.to_string()]);
    }
    cases.push(vec!["canonical".into()]);
    cases.push(vec!["guard-canonical".into()]);
    cases.push(vec!["guard-synthetic".into(), "10000".into()]);
    cases.push(vec![
        "replay".into(),
        // 60,000 synthetic tables are a 53 MB folder.
        if quick { "10000" } else { "60000" }.into(),
    ]);
    cases.push(vec!["diff-plan".into(), "10000".into()]);
    cases.push(vec![
        "generate-schema-sql".into(),
        if quick { "1000" } else { "5000" }.into(),
    ]);
    cases.push(vec!["apply-canonical".into()]);
    cases.push(vec![
        "apply-chain".into(),
        if quick { "60" } else { "342" }.into(),
    ]);
    cases.push(vec![
        "fleet-apply".into(),
        if quick { "8" } else { "50" }.into(),
    ]);
    cases.push(vec![
        "guard-lint".into(),
        if quick { "5" } else { "50" }.to_string(),
    ]);
    println!("{:<44} {:>12} {:>14}  note", "case", "time", "peak memory");
    let exe = std::env::current_exe().expect("own path");
    let mut ok = true;
    for case in cases {
        let out = Command::new(&exe)
            .arg("bench-case")
            .args(&case)
            .output()
            .expect("run bench case");
        if !out.status.success() {
            eprintln!(
                "case {case:?} failed:\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
            ok = false;
            continue;
        }
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            let f: Vec<&str> = line.split('\t').collect();
            if let [name, millis, kib, note] = f.as_slice() {
                let mib = kib.parse::<f64>().unwrap_or(0.0) / 1024.0;
                println!("{name:<44} {:>9} ms {:>10.1} MiB  {note}", millis, mib);
            }
        }
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// The tenant-shaped schema's names for [`tenant_shape`], set once per bench process.
static TENANT_SHAPE: std::sync::OnceLock<(Vec<&'static str>, Vec<schemactl::dsl::EnumDef>)> =
    std::sync::OnceLock::new();

/// A schema crate's `build`, over [`TENANT_SHAPE`].
fn tenant_shape() -> Result<schemactl::model::Schema, schemactl::diag::Diagnostics> {
    let (names, enums) = TENANT_SHAPE.get().expect("set before the run");
    schemactl_testkit::synthetic::tenant_shaped_schema_named(names, enums)
}

fn peak_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

/// Starts the peak-memory count again from what the process holds now (Linux: writing 5 to
/// clear_refs resets VmHWM).
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// The fastest of `runs` timed runs (the first also warms caches).
fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut last = None;
    for _ in 0..runs.max(1) {
        let start = Instant::now();
        let v = f();
        best = best.min(start.elapsed());
        last = Some(v);
    }
    (best, last.expect("ran at least once"))
}

fn report(name: &str, d: Duration, note: &str) {
    report_peak(name, d, peak_kib(), note);
}

fn report_peak(name: &str, d: Duration, peak_kib: u64, note: &str) {
    println!(
        "{name}\t{:.1}\t{peak_kib}\t{note}",
        d.as_secs_f64() * 1000.0
    );
}

/// One `generate` of the tenant-shaped schema into the folder `args[1]`, as a schema crate's
/// binary runs it; prints the process's peak memory (KiB) when done.
fn dsl_generate_process(args: &[String]) -> ExitCode {
    let n: usize = args[0].parse().expect("table count");
    TENANT_SHAPE
        .set((
            schemactl_testkit::synthetic::leaked_names(n),
            schemactl_testkit::synthetic::leaked_enums(n / 5 + 1),
        ))
        .expect("set once");
    let code = schemactl::cli::run_then_exit(
        [
            "schemactl",
            "--color",
            "never",
            "--migrations",
            &args[1],
            "generate",
        ],
        Some(tenant_shape),
    );
    println!("{}", peak_kib());
    code
}

fn bench_case(args: &[String]) -> ExitCode {
    match args.first().map(String::as_str) {
        Some("model-render") => {
            let n: usize = args[1].parse().expect("table count");
            let names = schemactl_testkit::synthetic::leaked_names(n);
            let runs = (10_000 / n).clamp(1, 5);
            let (d, bytes) = best_of(runs, || {
                let schema = schemactl_testkit::synthetic::synthetic_schema_named(&names)
                    .expect("synthetic schema builds");
                schemactl::generate::render_script(&schema, DialectKind::Postgres)
                    .expect("renders")
                    .len()
            });
            report(
                &format!("model build + render, {n} tables"),
                d,
                &format!(
                    "{:.1} MB of SQL; target 10k tables < 1 s, < 500 MB",
                    bytes as f64 / 1e6
                ),
            );
        }
        Some("canonical") => {
            let (d, (tables, bytes)) = best_of(20, || {
                let schema = bizing_schema::build().expect("canonical schema builds");
                let sql = schemactl::generate::render_script(&schema, DialectKind::Postgres)
                    .expect("renders");
                (schema.tables.len(), sql.len())
            });
            report(
                "canonical schema build + render",
                d,
                &format!(
                    "{tables} tables, {:.2} MB of SQL; target < 50 ms",
                    bytes as f64 / 1e6
                ),
            );
        }
        Some("guard-lint") => {
            let mb: usize = args[1].parse().expect("corpus size in MB");
            let sql = lint_corpus(mb * 1_000_000);
            let config = schemactl::guard::GuardConfig::default();
            let (d, found) = best_of(3, || {
                schemactl::guard::lint_sql("corpus.sql", &sql, &config).len()
            });
            report(
                &format!("guard SQL lint, {mb} MB"),
                d,
                &format!(
                    "{:.1} MB/s, {found} findings; target >= 25 MB/s",
                    sql.len() as f64 / 1e6 / d.as_secs_f64()
                ),
            );
        }
        Some("guard-canonical") => {
            let schema = bizing_schema::build().expect("canonical schema builds");
            let script = schemactl::generate::render_script(&schema, DialectKind::Postgres)
                .expect("renders");
            let tmp =
                std::env::temp_dir().join(format!("schemactl-bench-guard-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&tmp);
            let mut dir = schemactl::migrate::MigrationDir::load(&tmp).expect("empty folder");
            dir.write_migration("initial", &script)
                .expect("write migration");
            let config = schemactl::guard::GuardConfig::default();
            let (d, findings) = best_of(10, || {
                let input = schemactl::guard::MigrationInput {
                    expected_script: Some(&script),
                    declared: Some(&schema),
                    ..Default::default()
                };
                let mut all = schemactl::guard::check_schema(&schema, &config);
                all.extend(
                    schemactl::guard::check_migrations(&tmp, &input, &config).unwrap_or_else(|e| e),
                );
                all.len()
            });
            let _ = std::fs::remove_dir_all(&tmp);
            report(
                "guard: canonical schema + its migrations",
                d,
                &format!(
                    "{} tables, {findings} findings; target < 50 ms",
                    schema.tables.len()
                ),
            );
        }
        Some("guard-synthetic") => {
            let n: usize = args[1].parse().expect("table count");
            let schema =
                schemactl_testkit::synthetic::synthetic_schema(n).expect("synthetic schema builds");
            let config = schemactl::guard::GuardConfig::default();
            let (d, findings) =
                best_of(3, || schemactl::guard::check_schema(&schema, &config).len());
            report(
                &format!("guard: every schema rule (graph included), {n} tables"),
                d,
                &format!("{findings} findings; graph rules target < 1 s"),
            );
        }
        Some("replay") => {
            let n: usize = args[1].parse().expect("table count");
            let schema =
                schemactl_testkit::synthetic::synthetic_schema(n).expect("synthetic schema builds");
            let script = schemactl::generate::render_script(&schema, DialectKind::Postgres)
                .expect("renders");
            drop(schema);
            // A folder, as `generate` reads it: the script cut into files of about 1 MB.
            let tmp =
                std::env::temp_dir().join(format!("schemactl-bench-replay-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&tmp);
            std::fs::create_dir_all(&tmp).expect("temp folder");
            let mut file = String::new();
            let mut files = 0;
            let statements =
                schemactl::sql::split::split_unparsed(&script, DialectKind::Postgres).statements;
            let last = statements.len().saturating_sub(1);
            for (i, st) in statements.iter().enumerate() {
                file.push_str(&st.text);
                file.push_str(";\n");
                if file.len() > 1_000_000 || i == last {
                    files += 1;
                    std::fs::write(tmp.join(format!("{files:04}_part.sql")), &file).expect("write");
                    file.clear();
                }
            }
            drop(statements);
            let bytes = script.len();
            drop(script);
            schemactl::migrate::MigrationDir::load(&tmp)
                .expect("folder loads")
                .write_sum()
                .expect("sum written");
            // The peak reported is the replay's, not the synthetic schema's made above.
            reset_peak();
            let (d, tables) = best_of(1, || {
                let dir = schemactl::migrate::MigrationDir::load(&tmp).expect("folder loads");
                assert!(dir.verify().is_empty(), "the sum matches");
                let names: Vec<String> = dir.files.iter().map(|f| f.file_name.clone()).collect();
                schemactl::sql::import_files(
                    names
                        .iter()
                        .zip(&dir.files)
                        .map(|(n, f)| (n.as_str(), f.sql.as_str())),
                    DialectKind::Postgres,
                )
                .expect("replays")
                .tables
                .len()
            });
            let _ = std::fs::remove_dir_all(&tmp);
            let mb = bytes as f64 / 1e6;
            report(
                &format!("replay a migration folder into the model, {mb:.0} MB"),
                d,
                &format!(
                    "{:.1} MB/s; {files} files, {tables} tables (load + checksums + replay); target 53 MB in <= 2 s, memory <= 3x the input",
                    mb / d.as_secs_f64()
                ),
            );
        }
        Some("diff-plan") => {
            let n: usize = args[1].parse().expect("table count");
            let names = schemactl_testkit::synthetic::leaked_names(n);
            let a = schemactl_testkit::synthetic::synthetic_schema_named(&names)
                .expect("schema A builds");
            let mut b = a.clone();
            // 1% of tables change: a new nullable column and a new index on it.
            for t in b.tables.iter_mut().step_by(100) {
                let mut col = t.columns[1].clone();
                col.name = "added".into();
                col.nullable = true;
                t.columns.push(col);
                let mut ix = t.indexes[0].clone();
                ix.name = format!("{}_added_idx", t.name.name).into();
                ix.parts[0].key = schemactl::model::IndexKey::Column("added".into());
                t.indexes.push(ix);
            }
            let (d, (changes, statements)) = best_of(3, || {
                let p = schemactl::dialect::postgres::plan::plan(&a, &b);
                (
                    p.changes.len(),
                    p.files.iter().map(|f| f.statements.len()).sum::<usize>(),
                )
            });
            report(
                &format!("diff + plan, two {n}-table schemas, 1% changed"),
                d,
                &format!("{changes} changes, {statements} statements; target < 1 s"),
            );
        }
        Some("generate-schema-sql") => {
            let n: usize = args[1].parse().expect("table count");
            let schema =
                schemactl_testkit::synthetic::synthetic_schema(n).expect("synthetic schema builds");
            let script = schemactl::generate::render_script(&schema, DialectKind::Postgres)
                .expect("renders");
            drop(schema);
            let tmp = std::env::temp_dir()
                .join(format!("schemactl-bench-schema-sql-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&tmp);
            std::fs::create_dir_all(&tmp).expect("temp folder");
            let schema_sql = tmp.join("schema.sql");
            std::fs::write(&schema_sql, &script).expect("write schema");
            let migrations = tmp.join("migrations");
            let mb = script.len() as f64 / 1e6;
            drop(script);
            // The whole command as the CLI runs it: read the SQL schema, plan, write the
            // first migration and its sum.
            reset_peak();
            let (d, ()) = best_of(1, || {
                let _ = std::fs::remove_dir_all(&migrations);
                let code = schemactl::cli::run(
                    [
                        "schemactl",
                        "--color",
                        "never",
                        "--schema-sql",
                        schema_sql.to_str().expect("utf-8 path"),
                        "--migrations",
                        migrations.to_str().expect("utf-8 path"),
                        "generate",
                    ],
                    None,
                );
                assert_eq!(code, ExitCode::SUCCESS, "generate succeeds");
            });
            let _ = std::fs::remove_dir_all(&tmp);
            report(
                &format!("generate --schema-sql, {n} tables"),
                d,
                &format!("{mb:.1} MB of SQL; target 5,000 tables <= 250 ms, <= 150 MiB"),
            );
        }
        Some("dsl-generate") => {
            // Whole-process, as a schema crate's binary runs it (`cargo schemactl generate`):
            // start, build the schema through the DSL, render it, write the first migration
            // and its sum, exit. Each run is a new process; its own peak memory is reported.
            let n: usize = args[1].parse().expect("table count");
            let tmp = std::env::temp_dir().join(format!(
                "schemactl-bench-dsl-generate-{}",
                std::process::id()
            ));
            let _ = std::fs::remove_dir_all(&tmp);
            std::fs::create_dir_all(&tmp).expect("temp folder");
            let migrations = tmp.join("migrations");
            let exe = std::env::current_exe().expect("own path");
            let mut peak = 0u64;
            let (d, ()) = best_of(5, || {
                let _ = std::fs::remove_dir_all(&migrations);
                let out = Command::new(&exe)
                    .args(["dsl-generate-process", &n.to_string()])
                    .arg(&migrations)
                    .output()
                    .expect("run the generate process");
                assert!(
                    out.status.success(),
                    "generate succeeds: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
                let reported = String::from_utf8_lossy(&out.stdout);
                let last = reported.lines().last().unwrap_or_default();
                let kib = last
                    .trim()
                    .parse::<u64>()
                    .expect("peak KiB on the last line");
                peak = peak.max(kib);
            });
            let bytes = std::fs::read_dir(&migrations)
                .expect("written")
                .filter_map(|e| e.ok()?.metadata().ok())
                .map(|m| m.len())
                .sum::<u64>();
            // A copy of the migration, to compare the output of two builds byte for byte.
            if let Some(keep) = std::env::var_os("SCHEMACTL_BENCH_KEEP") {
                std::fs::copy(migrations.join("0001_initial.sql"), keep).expect("copy kept");
            }
            let _ = std::fs::remove_dir_all(&tmp);
            report_peak(
                &format!("generate through the DSL, {n} tenant tables"),
                d,
                peak,
                &format!(
                    "whole process; {:.1} MB written; target 500 <= 7 ms, 5,000 <= 60 ms and <= 40 MiB",
                    bytes as f64 / 1e6
                ),
            );
        }
        Some("apply-canonical") => bench_apply(),
        Some("apply-chain") => bench_apply_chain(args[1].parse().expect("file count")),
        Some("fleet-apply") => bench_fleet(args[1].parse().expect("database count")),
        other => {
            eprintln!("unknown bench case {other:?}");
            return ExitCode::from(2);
        }
    }
    ExitCode::SUCCESS
}

/// A migration corpus of about `bytes` bytes: new tables (quiet) mixed with changes to
/// existing ones (flagged), comments, a dollar-quoted function and a suppression.
fn lint_corpus(bytes: usize) -> String {
    let mut sql = String::with_capacity(bytes + 4096);
    let mut i = 0usize;
    while sql.len() < bytes {
        sql.push_str(&format!(
            "-- change {i}\n\
             CREATE TABLE t{i} (\n    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n    \
             biz_id bigint NOT NULL,\n    name text NOT NULL,\n    note varchar(40),\n    \
             created_at timestamptz NOT NULL DEFAULT now()\n);\n\
             CREATE INDEX t{i}_biz_id_idx ON t{i} (biz_id);\n\
             ALTER TABLE t{i} ADD CONSTRAINT t{i}_name_check CHECK (name <> '');\n\
             ALTER TABLE live ADD COLUMN c{i} text NOT NULL DEFAULT 'x';\n\
             CREATE INDEX live_c{i}_idx ON live (c{i});\n\
             ALTER TABLE live ADD CONSTRAINT live_c{i}_check CHECK (c{i} <> '') NOT VALID;\n\
             -- schemactl:allow SG411 c{i} is unused\n\
             ALTER TABLE live DROP COLUMN c{i};\n\
             CREATE FUNCTION f{i}() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  NEW.name := lower(NEW.name);\n  RETURN NEW;\nEND\n$$;\n\
             INSERT INTO t{i} (biz_id, name) VALUES (1, 'a;b'), (2, 'c');\n"
        ));
        i += 1;
    }
    sql
}

/// schemactl apply of the canonical initial migration against `psql -f` of the same file,
/// each into a fresh database on the same throwaway server.
fn bench_apply() {
    use schemactl_testkit::PgServer;
    let schema = bizing_schema::build().expect("canonical schema builds");
    let script =
        schemactl::generate::render_script(&schema, DialectKind::Postgres).expect("renders");
    let tmp = std::env::temp_dir().join(format!("schemactl-bench-apply-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    let mut dir = schemactl::migrate::MigrationDir::load(&tmp).expect("empty folder");
    let file = dir
        .write_migration("initial", &script)
        .expect("write migration");
    let server = PgServer::shared();
    let runs = 7;
    // Databases are made before the clock starts: CREATE DATABASE is not what is measured.
    let databases: Vec<_> = (0..runs)
        .map(|_| {
            (
                server.create_database("bench_psql"),
                server.create_database("bench_apply"),
            )
        })
        .collect();
    let psql_run = |db: &schemactl_testkit::TestDb| {
        let out = server
            .command("psql")
            .args([
                "-q",
                "-X",
                "-v",
                "ON_ERROR_STOP=1",
                "--single-transaction",
                "-h",
            ])
            .arg(&server.socket_dir)
            .args([
                "-p",
                &server.port.to_string(),
                "-U",
                "postgres",
                "-d",
                &db.name,
                "-f",
            ])
            .arg(&file)
            .output()
            .expect("run psql");
        assert!(
            out.status.success(),
            "psql failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let our_run = |db: &schemactl_testkit::TestDb| apply_folder(&dir, db);
    // Runs alternate, so a slow spell of the machine hits both sides alike; the best of each.
    let (mut psql, mut ours) = (Duration::MAX, Duration::MAX);
    for (psql_db, our_db) in &databases {
        psql = psql.min(best_of(1, || psql_run(psql_db)).0);
        ours = ours.min(best_of(1, || our_run(our_db)).0);
    }
    let _ = std::fs::remove_dir_all(&tmp);
    let overhead = (ours.as_secs_f64() / psql.as_secs_f64() - 1.0) * 100.0;
    report(
        "apply canonical initial migration",
        ours,
        &format!("psql -f: {:.1} ms; overhead {overhead:+.1}% (split, lock, tracking row); target <= 10%", psql.as_secs_f64() * 1000.0),
    );
}

/// `dir` applied to `db` the way `schemactl apply` does.
fn apply_folder(dir: &schemactl::migrate::MigrationDir, db: &schemactl_testkit::TestDb) {
    let target = schemactl::apply::Target::parse(&db.conninfo, &|_| None).expect("target");
    let scripts = schemactl::apply::prepare(dir, DialectKind::Postgres).expect("prepare");
    let mut driver = schemactl::apply::connect(&target, Duration::from_secs(10)).expect("connect");
    let opts = schemactl::apply::ApplyOptions {
        lock_timeout: Duration::from_secs(10),
        ..Default::default()
    };
    schemactl::apply::apply(
        driver.as_mut(),
        &target,
        dir,
        &scripts,
        &opts,
        &mut schemactl::apply::Silent,
    )
    .expect("apply");
}

/// Single-target apply of a chain of small files (one table, an index and a comment each)
/// against psql running the same files in one session: what per-file round trips cost.
fn bench_apply_chain(files: usize) {
    use schemactl_testkit::PgServer;
    let tmp = std::env::temp_dir().join(format!("schemactl-bench-chain-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp).expect("bench folder");
    let mut paths = Vec::new();
    for i in 1..=files {
        let name = format!("{i:04}_step.sql");
        let sql = format!(
            "CREATE TABLE t{i} (id bigint PRIMARY KEY, name text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());\nCREATE INDEX t{i}_name_idx ON t{i} (name);\nCOMMENT ON TABLE t{i} IS 'step {i}';\n"
        );
        std::fs::write(tmp.join(&name), sql).expect("write migration");
        paths.push(tmp.join(name));
    }
    let mut dir = schemactl::migrate::MigrationDir::load(&tmp).expect("folder");
    dir.write_sum().expect("sum");
    let server = PgServer::shared();
    let runs = 5;
    let databases: Vec<_> = (0..runs)
        .map(|_| {
            (
                server.create_database("bench_chain_psql"),
                server.create_database("bench_chain_apply"),
            )
        })
        .collect();
    let psql_run = |db: &schemactl_testkit::TestDb| {
        let mut cmd = server.command("psql");
        cmd.args(["-q", "-X", "-v", "ON_ERROR_STOP=1", "-h"])
            .arg(&server.socket_dir)
            .args([
                "-p",
                &server.port.to_string(),
                "-U",
                "postgres",
                "-d",
                &db.name,
            ]);
        // One session, each file in its own transaction (as apply runs them).
        cmd.arg("-c").arg("SELECT 1");
        for p in &paths {
            cmd.arg("-c")
                .arg("BEGIN")
                .arg("-f")
                .arg(p)
                .arg("-c")
                .arg("COMMIT");
        }
        let out = cmd.output().expect("run psql");
        assert!(
            out.status.success(),
            "psql failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let our_run = |db: &schemactl_testkit::TestDb| apply_folder(&dir, db);
    let (mut psql, mut ours) = (Duration::MAX, Duration::MAX);
    for (psql_db, our_db) in &databases {
        psql = psql.min(best_of(1, || psql_run(psql_db)).0);
        ours = ours.min(best_of(1, || our_run(our_db)).0);
    }
    let _ = std::fs::remove_dir_all(&tmp);
    let overhead = (ours.as_secs_f64() / psql.as_secs_f64() - 1.0) * 100.0;
    report(
        &format!("apply chain of {files} small files"),
        ours,
        &format!(
            "psql in one session: {:.1} ms; overhead {overhead:+.1}%; target <= 5%",
            psql.as_secs_f64() * 1000.0
        ),
    );
}

/// `apply --fleet` of the canonical initial migration to `n` databases on one server, with
/// max_parallel 1 and then 8: the speedup, and the peak memory of each run.
fn bench_fleet(n: usize) {
    use schemactl::fleet::{self, FailurePolicy, FleetConfig, FleetTarget, Wave};
    use schemactl_testkit::PgServer;
    let schema = bizing_schema::build().expect("canonical schema builds");
    let script =
        schemactl::generate::render_script(&schema, DialectKind::Postgres).expect("renders");
    let tmp = std::env::temp_dir().join(format!("schemactl-bench-fleet-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    let mut dir = schemactl::migrate::MigrationDir::load(&tmp).expect("empty folder");
    dir.write_migration("initial", &script)
        .expect("write migration");
    let scripts = schemactl::apply::prepare(&dir, DialectKind::Postgres).expect("prepare");
    let server = PgServer::shared();
    let opts = schemactl::apply::ApplyOptions {
        lock_timeout: Duration::from_secs(60),
        ..Default::default()
    };
    let mut times = Vec::new();
    for parallel in [1usize, 8] {
        let targets: Vec<FleetTarget> = (0..n)
            .map(|i| {
                let db = server.create_database(&format!("bench_fleet_{parallel}"));
                FleetTarget {
                    name: format!("db{i}"),
                    target: schemactl::apply::Target::parse(&db.conninfo, &|_| None)
                        .expect("target"),
                    labels: Default::default(),
                }
            })
            .collect();
        let waves = vec![Wave {
            name: "all".into(),
            targets,
        }];
        let config = FleetConfig {
            max_parallel: parallel,
            on_failure: FailurePolicy::Stop,
            waves: Vec::new(),
            targets: Vec::new(),
        };
        let work = |wave: &str, t: &FleetTarget, send: &mut dyn FnMut(fleet::Event)| {
            fleet::apply_target(
                wave,
                t,
                &dir,
                &scripts,
                &opts,
                Duration::from_secs(10),
                send,
            )
        };
        reset_peak();
        let start = Instant::now();
        let r = fleet::run("apply", &waves, &config, Some(1), &work, &mut |_| {});
        let took = start.elapsed();
        assert!(
            r.complete,
            "the fleet bench rollout failed: {:?}",
            r.targets.iter().find(|t| t.error.is_some())
        );
        times.push(took);
        report(
            &format!("apply --fleet canonical to {n} dbs, max_parallel {parallel}"),
            took,
            &if parallel == 1 {
                format!(
                    "{:.0} ms per database",
                    took.as_secs_f64() * 1000.0 / n as f64
                )
            } else {
                format!(
                    "speedup over max_parallel 1: {:.2}x on {} core(s)",
                    times[0].as_secs_f64() / took.as_secs_f64(),
                    std::thread::available_parallelism().map_or(1, |n| n.get())
                )
            },
        );
    }
    let _ = std::fs::remove_dir_all(&tmp);
}
