//! Every kind of change the differ knows, one test per family: a minimal schema pair A to B
//! (`support/kinds.rs`), the exact change kinds the diff finds, a snapshot of each change's
//! risk, lock and description and of the planned files, and the plan run on a real
//! PostgreSQL after A: the catalog it reaches must be the catalog of B built from nothing.

#[path = "support/kinds.rs"]
mod kinds;
mod support;

use schemactl::dialect::postgres::plan::plan;
use schemactl::dialect::DialectKind;
use schemactl::diff::Change;
use schemactl::model::Schema;

fn kind(c: &Change) -> String {
    serde_json::to_value(c).unwrap()["kind"]
        .as_str()
        .unwrap()
        .to_string()
}

/// The whole check for one case; `kinds` are the change kinds the diff must find, no more.
fn case(name: &str, a: Schema, b: Schema, kinds: &[&str]) {
    let from = schemactl::sql::normalize_schema(&a, schemactl::dialect::DialectKind::Postgres);
    let mut to = schemactl::sql::normalize_schema(&b, schemactl::dialect::DialectKind::Postgres);
    schemactl::diff::restore_rename_hints(&mut to, &b);
    let mut p = plan(&from, &to);
    // The files as `generate` writes them, with the planner's reasons as allows.
    schemactl::generate::annotate::annotate(&mut p, &from);
    let mut found: Vec<String> = p.changes.iter().map(kind).collect();
    found.sort();
    let mut wanted: Vec<String> = kinds.iter().map(|k| k.to_string()).collect();
    wanted.sort();
    assert_eq!(found, wanted, "{name}: change kinds");

    let mut text = String::new();
    for c in &p.changes {
        text.push_str(&format!(
            "{}: {:?}\n  {}\n  lock: {}\n",
            kind(c),
            c.risk(),
            c.describe(),
            schemactl::review::lock_of(c).unwrap_or("-")
        ));
    }
    for f in &p.files {
        text.push_str(&format!(
            "== file{}{}\n",
            f.suffix,
            if f.no_transaction {
                " (no transaction)"
            } else {
                ""
            }
        ));
        text.push_str(&f.script(""));
    }
    insta::assert_snapshot!(name, text);

    let mut scripts = vec![schemactl::generate::render_script(&a, DialectKind::Postgres).unwrap()];
    scripts.extend(p.files.iter().map(|f| f.script("")));
    let reached = support::pg_catalog_after(name, &scripts);
    let expected = support::pg_catalog_after(
        name,
        &[schemactl::generate::render_script(&b, DialectKind::Postgres).unwrap()],
    );
    let gaps =
        schemactl::drift::compare(&expected, &reached, &schemactl::dialect::postgres::Postgres);
    assert!(
        gaps.is_empty(),
        "{name}: the plan does not reach B:\n{}\nplan:\n{}",
        gaps.iter()
            .map(|g| g.to_string())
            .collect::<Vec<_>>()
            .join("\n"),
        scripts[1..].join("\n")
    );
    // What drift does not compare: enum labels in order.
    assert_eq!(
        schemactl::sql::normalize_schema(&reached, schemactl::dialect::DialectKind::Postgres).enums,
        schemactl::sql::normalize_schema(&expected, schemactl::dialect::DialectKind::Postgres)
            .enums,
        "{name}: enums"
    );
    let bodies = |s: &Schema| -> Vec<String> {
        s.functions
            .iter()
            .map(|f| schemactl::sql::normalize::normalize_tokens(&f.sql))
            .collect()
    };
    assert_eq!(bodies(&reached), bodies(&expected), "{name}: functions");
}

#[test]
fn extension() {
    for c in kinds::group("extension") {
        case(c.name, c.a, c.b, c.kinds);
    }
}

#[test]
fn namespace() {
    for c in kinds::group("namespace") {
        case(c.name, c.a, c.b, c.kinds);
    }
}

#[test]
fn enum_type() {
    for c in kinds::group("enum") {
        case(c.name, c.a, c.b, c.kinds);
    }
}

#[test]
fn enum_values() {
    for c in kinds::group("enum_values") {
        case(c.name, c.a, c.b, c.kinds);
    }
}

#[test]
fn enum_rename() {
    for c in kinds::group("enum_rename") {
        case(c.name, c.a, c.b, c.kinds);
    }
}

#[test]
fn enum_swap() {
    for c in kinds::group("enum_swap") {
        case(c.name, c.a, c.b, c.kinds);
    }
}

#[test]
fn table() {
    for c in kinds::group("table") {
        case(c.name, c.a, c.b, c.kinds);
    }
}

#[test]
fn column() {
    for c in kinds::group("column") {
        case(c.name, c.a, c.b, c.kinds);
    }
}

#[test]
fn column_type() {
    for c in kinds::group("column_type") {
        case(c.name, c.a, c.b, c.kinds);
    }
}

#[test]
fn not_null() {
    for c in kinds::group("not_null") {
        case(c.name, c.a, c.b, c.kinds);
    }
}

#[test]
fn default() {
    for c in kinds::group("default") {
        case(c.name, c.a, c.b, c.kinds);
    }
}

#[test]
fn constraint() {
    for c in kinds::group("constraint") {
        case(c.name, c.a, c.b, c.kinds);
    }
}

#[test]
fn key() {
    for c in kinds::group("key") {
        case(c.name, c.a, c.b, c.kinds);
    }
}

#[test]
fn index() {
    for c in kinds::group("index") {
        case(c.name, c.a, c.b, c.kinds);
    }
}

#[test]
fn rls() {
    for c in kinds::group("rls") {
        case(c.name, c.a, c.b, c.kinds);
    }
}

#[test]
fn function() {
    for c in kinds::group("function") {
        case(c.name, c.a, c.b, c.kinds);
    }
}

#[test]
fn view() {
    for c in kinds::group("view") {
        case(c.name, c.a, c.b, c.kinds);
    }
    // Formatting is no change.
    let view = |sql: &'static str| {
        kinds::schema(
            kinds::MOOD,
            |_| {},
            move |s| {
                s.view("busy_things", sql);
            },
        )
    };
    let p = plan(
        &schemactl::sql::normalize_schema(
            &view("CREATE VIEW busy_things AS SELECT id, name FROM things WHERE mood = 'busy'"),
            DialectKind::Postgres,
        ),
        &schemactl::sql::normalize_schema(
            &view("create view busy_things as select id , name from things where (mood='busy')"),
            DialectKind::Postgres,
        ),
    );
    assert!(p.changes.is_empty(), "{:?}", p.changes);
}

#[test]
fn comment() {
    for c in kinds::group("comment") {
        case(c.name, c.a, c.b, c.kinds);
    }
}

#[test]
fn generated() {
    for c in kinds::group("generated") {
        case(c.name, c.a, c.b, c.kinds);
    }
}
