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
        _ => {
            eprintln!("usage: cargo xtask bench [--quick]\n\n  bench    model build + render on synthetic schemas of 1k/10k/50k tables, and the canonical schema");
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
    cases.push(vec!["canonical".into()]);
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
    println!(
        "{name}\t{:.1}\t{}\t{note}",
        d.as_secs_f64() * 1000.0,
        peak_kib()
    );
}

fn bench_case(args: &[String]) -> ExitCode {
    match args.first().map(String::as_str) {
        Some("model-render") => {
            let n: usize = args[1].parse().expect("table count");
            let names = schemactl::testkit::synthetic::leaked_names(n);
            let runs = (10_000 / n).clamp(1, 5);
            let (d, bytes) = best_of(runs, || {
                let schema = schemactl::testkit::synthetic::synthetic_schema_named(&names)
                    .expect("synthetic schema builds");
                schemactl::cli::render_script(&schema, DialectKind::Postgres)
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
                let sql =
                    schemactl::cli::render_script(&schema, DialectKind::Postgres).expect("renders");
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
        other => {
            eprintln!("unknown bench case {other:?}");
            return ExitCode::from(2);
        }
    }
    ExitCode::SUCCESS
}
