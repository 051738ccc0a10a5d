//! Fuzzing the SQL readers: the splitter, the lint and replay, on random bytes and on text
//! made of SQL's pieces (keywords, strings, dollar quotes, comments, bodies, operators,
//! deeply nested expressions). Nothing may crash, every input is answered in well under a
//! second, and the split always accounts for every statement's exact text.

use proptest::prelude::*;
use schemactl::dialect::DialectKind;
use schemactl::guard::{lint_sql, GuardConfig};
use schemactl::sql::split::{split, split_unparsed};
use std::time::{Duration, Instant};

const LIMIT: Duration = Duration::from_secs(1);

fn all_readers(sql: &str, dialect: DialectKind) {
    let start = Instant::now();
    let s = split(sql, dialect);
    for st in &s.statements {
        assert_eq!(
            &sql[st.span.clone()],
            st.text,
            "a statement's text is its span"
        );
    }
    assert!(
        split_unparsed(sql, dialect).statements.len() >= s.statements.len(),
        "the parser only ever merges pieces"
    );
    let config = GuardConfig {
        dialect,
        ..GuardConfig::default()
    };
    let _ = lint_sql("f.sql", sql, &config);
    let _ = schemactl::sql::import_sql(sql, "f.sql", dialect);
    let took = start.elapsed();
    assert!(
        took < LIMIT,
        "{took:?} on {:?}",
        sql.chars().take(200).collect::<String>()
    );
}

/// A piece of SQL text: keywords, names, literals of every quoting, comments, bodies.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("CREATE TABLE t (id int PRIMARY KEY, a text DEFAULT 'x')".to_string()),
        Just("ALTER TABLE t ADD COLUMN b int NOT NULL DEFAULT 0".to_string()),
        Just("CREATE INDEX CONCURRENTLY i ON t (a) WHERE a IS NOT NULL".to_string()),
        Just("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'm') THEN CREATE TYPE m AS ENUM ('a'); END IF; END $$".to_string()),
        Just("DO $$ BEGIN EXECUTE format('DROP TABLE %I', 't'); END $$".to_string()),
        Just("CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END".to_string()),
        Just("CREATE FUNCTION g() RETURNS trigger LANGUAGE plpgsql AS $b$ BEGIN RETURN NEW; END $b$".to_string()),
        Just("INSERT INTO t VALUES (1, 'a;b')".to_string()),
        Just("CREATE TRIGGER tr BEFORE UPDATE ON t BEGIN SELECT 1; END".to_string()),
        Just("BEGIN".to_string()),
        Just("COMMIT".to_string()),
        Just("\\connect db".to_string()),
        Just("-- schemactl:no-transaction".to_string()),
        Just("-- schemactl:allow SG411 reason".to_string()),
        Just("/* c /* nested */ */".to_string()),
        Just("'it''s'".to_string()),
        Just("E'\\\\x'".to_string()),
        Just("\"Quoted \"\" name\"".to_string()),
        Just("$$".to_string()),
        Just("$tag$".to_string()),
        Just(";".to_string()),
        Just("(".to_string()),
        Just(")".to_string()),
        Just("\u{feff}".to_string()),
        "[a-zA-Z_ ,();'\"$*/\\-\n]{0,30}",
        "\\PC{0,20}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_crash(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let sql = String::from_utf8_lossy(&bytes);
        all_readers(&sql, DialectKind::Postgres);
        all_readers(&sql, DialectKind::Sqlite);
    }

    #[test]
    fn sql_shaped_text_never_crashes(pieces in proptest::collection::vec(piece(), 0..12), seps in proptest::collection::vec(prop_oneof![Just(";\n"), Just(" "), Just("\n"), Just(";"), Just("")], 12)) {
        let mut sql = String::new();
        for (p, s) in pieces.iter().zip(seps.iter().cycle()) {
            sql.push_str(p);
            sql.push_str(s);
        }
        all_readers(&sql, DialectKind::Postgres);
        all_readers(&sql, DialectKind::Sqlite);
    }
}

/// Long chains of most operators nest one level per operand: PostgreSQL's parser refuses
/// what it cannot hold (a finding, not a crash). AND and OR chains are flat lists, which it
/// reads whole.
#[test]
fn deeply_nested_expressions_are_answered() {
    for (op, nests) in [
        ("+", true),
        (" || ", true),
        ("::text", true),
        ("->", true),
        (" OR ", false),
        (" AND ", false),
    ] {
        for depth in [1_000usize, 200_000] {
            let sql = if op == "::text" {
                format!("SELECT 1{};\n", op.repeat(depth))
            } else {
                format!("SELECT {}1;\n", format!("1{op}").repeat(depth))
            };
            let start = Instant::now();
            let ds = lint_sql("deep.sql", &sql, &GuardConfig::default());
            assert!(start.elapsed() < Duration::from_secs(20), "{op} {depth}");
            let rejected = ds.iter().any(|d| d.code == "SG401");
            assert_eq!(rejected, nests && depth > 10_000, "{op} {depth}: {ds:?}");
            let _ = schemactl::sql::import_sql(&sql, "deep.sql", DialectKind::Postgres);
        }
    }
    let unions = format!("{}SELECT 1;", "SELECT 1 UNION ".repeat(50_000));
    let _ = lint_sql("deep.sql", &unions, &GuardConfig::default());
}

/// The reproduction from the hardening report: `guard` on 400 KB of `1+1+...` must report,
/// not abort with a stack overflow.
#[test]
fn guard_reports_a_deep_expression_instead_of_crashing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("m");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(
        dir.join("0001_x.sql"),
        format!("SELECT {}1;\n", "1+".repeat(200_000)),
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_schemactl"))
        .args(["--color", "never", "guard", "--migrations"])
        .arg(&dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("SG401"), "{stderr}");
    assert!(!stderr.contains("overflow"), "{stderr}");
}
