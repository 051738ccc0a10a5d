//! Every kind of change the differ knows, one test each: a minimal schema pair A to B, the
//! exact change kinds the diff finds, a snapshot of each change's risk, lock and description
//! and of the planned files, and the plan run on a real PostgreSQL after A: the catalog it
//! reaches must be the catalog of B built from nothing.

mod support;

use schemactl::dialect::DialectKind;
use schemactl::diff::{plan::plan, Change};
use schemactl::dsl::*;
use schemactl::model::Schema;

const THINGS: TableRef = TableRef::new("things");
const OTHERS: TableRef = TableRef::new("others");
const MOOD: EnumDef = EnumDef::new("mood", &["calm", "busy"]);
const TOUCH: &str =
    "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$";

/// A schema with table `things` (`id`, `name`, `qty`, `mood`), `tweak`ed; `extra` declares
/// more around it.
fn schema(
    mood: EnumDef,
    tweak: impl FnOnce(&mut TableBuilder),
    extra: impl FnOnce(&mut SchemaBuilder),
) -> Schema {
    let mut s = SchemaBuilder::new();
    s.enumeration(mood);
    {
        let mut t = s.table(THINGS);
        t.doc("things")
            .global("test")
            .id_tagged("thing")
            .col("name", text())
            .col("qty", integer().null())
            .col("mood", enum_of(mood).default_enum("calm"));
        tweak(&mut t);
    }
    extra(&mut s);
    s.build().unwrap_or_else(|ds| panic!("{ds}"))
}

fn plain() -> Schema {
    schema(MOOD, |_| {}, |_| {})
}

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
    let p = plan(&from, &to);
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

    let mut scripts = vec![schemactl::cli::render_script(&a, DialectKind::Postgres).unwrap()];
    scripts.extend(p.files.iter().map(|f| f.script("")));
    let reached = support::pg_catalog_after(name, &scripts);
    let expected = support::pg_catalog_after(
        name,
        &[schemactl::cli::render_script(&b, DialectKind::Postgres).unwrap()],
    );
    let gaps = schemactl::drift::compare(&expected, &reached);
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

fn with_others(s: &mut SchemaBuilder) {
    s.table(OTHERS)
        .doc("others")
        .global("test")
        .id_tagged("other")
        .col("thing_id", text())
        .fk(["thing_id"], THINGS, ["id"])
        .index(["thing_id"]);
}

#[test]
fn create_and_drop_extension() {
    let with = || {
        schema(
            MOOD,
            |_| {},
            |s| {
                s.extension("btree_gist");
            },
        )
    };
    case("create_extension", plain(), with(), &["create_extension"]);
    case("drop_extension", with(), plain(), &["drop_extension"]);
}

#[test]
fn create_and_drop_namespace() {
    let with = || {
        schema(
            MOOD,
            |_| {},
            |s| {
                s.namespace("archive", "old rows");
            },
        )
    };
    case("create_namespace", plain(), with(), &["create_namespace"]);
    case("drop_namespace", with(), plain(), &["drop_namespace"]);
}

#[test]
fn create_and_drop_enum() {
    const LEVEL: EnumDef = EnumDef::new("level", &["low", "high"]);
    let with = || {
        schema(
            MOOD,
            |_| {},
            |s| {
                s.enumeration(LEVEL);
            },
        )
    };
    case("create_enum", plain(), with(), &["create_enum"]);
    case("drop_enum", with(), plain(), &["drop_enum"]);
}

#[test]
fn add_enum_values_in_place() {
    const MIDDLE: EnumDef = EnumDef::new("mood", &["calm", "cheerful", "busy"]);
    const FIRST: EnumDef = EnumDef::new("mood", &["angry", "calm", "busy"]);
    case(
        "add_enum_value",
        plain(),
        schema(MIDDLE, |_| {}, |_| {}),
        &["add_enum_value"],
    );
    case(
        "add_enum_value_first",
        plain(),
        schema(FIRST, |_| {}, |_| {}),
        &["add_enum_value"],
    );
}

#[test]
fn rename_enum_value_from_a_hint() {
    const RENAMED: EnumDef = EnumDef::new("mood", &["calm", "occupied", "away"]);
    let b = schema(
        RENAMED,
        |_| {},
        |s| {
            s.enum_value_renamed(RENAMED, "busy", "occupied");
        },
    );
    case(
        "rename_enum_value",
        plain(),
        b,
        &["rename_enum_value", "add_enum_value"],
    );
}

#[test]
fn remove_or_reorder_enum_values_through_a_type_swap() {
    const FEWER: EnumDef = EnumDef::new("mood", &["calm"]);
    const REORDERED: EnumDef = EnumDef::new("mood", &["busy", "calm"]);
    // A check and a partial index spell the type in their expressions: they must survive.
    let dependents = |t: &mut TableBuilder| {
        t.check("calm_has_qty", "mood <> 'calm' OR qty IS NOT NULL")
            .index_with(["qty"], |i| i.filter("mood = 'calm'"));
    };
    case(
        "swap_enum_remove",
        schema(MOOD, dependents, |_| {}),
        schema(FEWER, dependents, |_| {}),
        &["swap_enum"],
    );
    let with_array = |t: &mut TableBuilder| {
        t.col("moods", array(enum_of(MOOD)).null());
    };
    let with_fewer_array = |t: &mut TableBuilder| {
        t.col("moods", array(enum_of(FEWER)).null());
    };
    case(
        "swap_enum_array",
        schema(MOOD, with_array, |_| {}),
        schema(FEWER, with_fewer_array, |_| {}),
        &["swap_enum"],
    );
    case(
        "swap_enum_reorder",
        schema(MOOD, dependents, |_| {}),
        schema(REORDERED, dependents, |_| {}),
        &["swap_enum"],
    );
}

#[test]
fn create_and_drop_table() {
    let with = || schema(MOOD, |_| {}, with_others);
    case("create_table", plain(), with(), &["create_table"]);
    case("drop_table", with(), plain(), &["drop_table"]);
}

#[test]
fn add_drop_and_rename_column() {
    let with = || {
        schema(
            MOOD,
            |t| {
                t.col("size", integer().default_int(1));
            },
            |_| {},
        )
    };
    case("add_column", plain(), with(), &["add_column"]);
    case(
        "add_column_not_null",
        plain(),
        schema(
            MOOD,
            |t| {
                t.col("size", integer());
            },
            |_| {},
        ),
        &["add_column"],
    );
    case("drop_column", with(), plain(), &["drop_column"]);
    let a = schema(
        MOOD,
        |t| {
            t.col("label", text().null());
        },
        |_| {},
    );
    let b = schema(
        MOOD,
        |t| {
            t.col("title", text().null().renamed_from("label"));
        },
        |_| {},
    );
    case("rename_column", a, b, &["rename_column"]);
}

#[test]
fn alter_column_type() {
    let b = schema(
        MOOD,
        |t| {
            t.col("big", bigint().null());
        },
        |_| {},
    );
    let a = schema(
        MOOD,
        |t| {
            t.col("big", integer().null());
        },
        |_| {},
    );
    case("alter_column_type", a, b, &["alter_column_type"]);
}

#[test]
fn set_and_drop_not_null() {
    let a = schema(
        MOOD,
        |t| {
            t.col("note", text().null());
        },
        |_| {},
    );
    let b = schema(
        MOOD,
        |t| {
            t.col("note", text());
        },
        |_| {},
    );
    case("set_not_null", a.clone(), b.clone(), &["set_not_null"]);
    case("drop_not_null", b, a, &["drop_not_null"]);
}

#[test]
fn set_and_drop_default() {
    let a = schema(
        MOOD,
        |t| {
            t.col("size", integer().null());
        },
        |_| {},
    );
    let b = schema(
        MOOD,
        |t| {
            t.col("size", integer().null().default_int(3));
        },
        |_| {},
    );
    case("set_default", a.clone(), b.clone(), &["set_default"]);
    case("drop_default", b, a, &["drop_default"]);
}

#[test]
fn add_and_drop_constraint() {
    let with = || {
        schema(
            MOOD,
            |t| {
                t.check("qty_positive", "qty > 0");
            },
            |_| {},
        )
    };
    case("add_constraint", plain(), with(), &["add_constraint"]);
    case("drop_constraint", with(), plain(), &["drop_constraint"]);
    let changed = schema(
        MOOD,
        |t| {
            t.check("qty_positive", "qty >= 0");
        },
        |_| {},
    );
    case(
        "change_constraint",
        with(),
        changed,
        &["drop_constraint", "add_constraint"],
    );
}

#[test]
fn add_and_drop_index() {
    let with = || {
        schema(
            MOOD,
            |t| {
                t.index(["qty"]);
            },
            |_| {},
        )
    };
    case("add_index", plain(), with(), &["add_index"]);
    case("drop_index", with(), plain(), &["drop_index"]);
}

#[test]
fn row_level_security_and_policies() {
    let rls = || {
        schema(
            MOOD,
            |t| {
                t.rls(false);
            },
            |_| {},
        )
    };
    case("set_rls", plain(), rls(), &["set_rls"]);
    let with = || {
        schema(
            MOOD,
            |t| {
                t.rls(false)
                    .policy("things_calm", |p| p.using("mood = 'calm'"));
            },
            |_| {},
        )
    };
    case("add_policy", rls(), with(), &["add_policy"]);
    case("drop_policy", with(), rls(), &["drop_policy"]);
}

#[test]
fn triggers_and_functions() {
    let function = || {
        schema(
            MOOD,
            |_| {},
            |s| {
                s.function("touch", TOUCH);
            },
        )
    };
    let trigger = || {
        schema(
            MOOD,
            |t| {
                t.trigger(
                    "things_touch",
                    "CREATE TRIGGER things_touch BEFORE UPDATE ON things FOR EACH ROW EXECUTE FUNCTION touch()",
                );
            },
            |s| {
                s.function("touch", TOUCH);
            },
        )
    };
    case("create_function", plain(), function(), &["create_function"]);
    case("drop_function", function(), plain(), &["drop_function"]);
    let replaced = schema(
        MOOD,
        |_| {},
        |s| {
            s.function(
                "touch",
                "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.qty := coalesce(NEW.qty, 0); RETURN NEW; END $$",
            );
        },
    );
    case(
        "replace_function",
        function(),
        replaced,
        &["replace_function"],
    );
    case("add_trigger", function(), trigger(), &["add_trigger"]);
    case("drop_trigger", trigger(), function(), &["drop_trigger"]);
}

#[test]
fn views() {
    let view = |sql: &'static str| {
        schema(
            MOOD,
            |_| {},
            move |s| {
                s.view("busy_things", sql);
            },
        )
    };
    let busy = "CREATE VIEW busy_things AS SELECT id, name FROM things WHERE mood = 'busy'";
    let wider = "CREATE VIEW busy_things AS SELECT id, name, qty FROM things WHERE mood = 'busy' AND qty > 0";
    case("create_view", plain(), view(busy), &["create_view"]);
    case("drop_view", view(busy), plain(), &["drop_view"]);
    case("replace_view", view(busy), view(wider), &["replace_view"]);
    // Formatting is no change.
    let p = plan(
        &schemactl::sql::normalize_schema(&view(busy), DialectKind::Postgres),
        &schemactl::sql::normalize_schema(
            &view("create view busy_things as select id , name from things where (mood='busy')"),
            DialectKind::Postgres,
        ),
    );
    assert!(p.changes.is_empty(), "{:?}", p.changes);
}

#[test]
fn comments() {
    let mut documented = plain();
    documented.tables[0].doc = Some("things, documented".into());
    case(
        "set_table_comment",
        plain(),
        documented,
        &["set_table_comment"],
    );
    let a = schema(
        MOOD,
        |t| {
            t.col("note", text().null());
        },
        |_| {},
    );
    let b = schema(
        MOOD,
        |t| {
            t.col("note", text().null().doc("free text"));
        },
        |_| {},
    );
    case("set_column_comment", a, b, &["set_column_comment"]);
}

#[test]
fn generated_columns() {
    let doubled = |expr: &'static str| {
        move |t: &mut TableBuilder| {
            t.col("total", integer().null().generated(expr))
                .index(["total"]);
        }
    };
    case(
        "alter_generated",
        schema(MOOD, doubled("qty * 2"), |_| {}),
        schema(MOOD, doubled("qty * 3"), |_| {}),
        &["alter_generated"],
    );
    let plain_total = |t: &mut TableBuilder| {
        t.col("total", integer().null()).index(["total"]);
    };
    case(
        "drop_generated",
        schema(MOOD, doubled("qty * 2"), |_| {}),
        schema(MOOD, plain_total, |_| {}),
        &["drop_generated"],
    );
}
