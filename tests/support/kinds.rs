//! Every kind of change the differ knows, as schema pairs A to B: shared by the test that
//! runs each plan on PostgreSQL (`diff_kinds.rs`) and the one that guards what `generate`
//! writes for it (`generate_guard.rs`).
#![allow(dead_code)]

use schemactl::dsl::*;
use schemactl::model::{IndexMethod, Schema};

pub const THINGS: TableRef = TableRef::new("things");
pub const OTHERS: TableRef = TableRef::new("others");
pub const MOOD: EnumDef = EnumDef::new("mood", &["calm", "busy"]);
const TOUCH: &str =
    "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$";

/// One case: schema `a` becomes `b`, and the diff finds exactly the change kinds `kinds`.
pub struct Case {
    /// The test that owns it (one per kind family).
    pub group: &'static str,
    /// Names the snapshot and the database.
    pub name: &'static str,
    pub a: Schema,
    pub b: Schema,
    pub kinds: &'static [&'static str],
    /// PostgreSQL-only features (extensions, schemas, enums as types, RLS, functions, ...).
    pub postgres_only: bool,
}

/// A schema with table `things` (`id`, `name`, `qty`, `mood`), `tweak`ed; `extra` declares
/// more around it.
pub fn schema(
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

pub fn plain() -> Schema {
    schema(MOOD, |_| {}, |_| {})
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

/// The cases of `group`.
pub fn group(group: &str) -> Vec<Case> {
    cases().into_iter().filter(|c| c.group == group).collect()
}

pub fn cases() -> Vec<Case> {
    let mut out = Vec::new();
    let mut case = |group: &'static str,
                    name: &'static str,
                    a: Schema,
                    b: Schema,
                    kinds: &'static [&'static str],
                    postgres_only: bool| {
        out.push(Case {
            group,
            name,
            a,
            b,
            kinds,
            postgres_only,
        })
    };

    // Extensions.
    let with = || {
        schema(
            MOOD,
            |_| {},
            |s| {
                s.extension("btree_gist");
            },
        )
    };
    case(
        "extension",
        "create_extension",
        plain(),
        with(),
        &["create_extension"],
        true,
    );
    case(
        "extension",
        "drop_extension",
        with(),
        plain(),
        &["drop_extension"],
        true,
    );

    // Schemas.
    let with = || {
        schema(
            MOOD,
            |_| {},
            |s| {
                s.namespace("archive", "old rows");
            },
        )
    };
    case(
        "namespace",
        "create_namespace",
        plain(),
        with(),
        &["create_namespace"],
        true,
    );
    case(
        "namespace",
        "drop_namespace",
        with(),
        plain(),
        &["drop_namespace"],
        true,
    );

    // Enums.
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
    case(
        "enum",
        "create_enum",
        plain(),
        with(),
        &["create_enum"],
        true,
    );
    case("enum", "drop_enum", with(), plain(), &["drop_enum"], false);
    const MIDDLE: EnumDef = EnumDef::new("mood", &["calm", "cheerful", "busy"]);
    const FIRST: EnumDef = EnumDef::new("mood", &["angry", "calm", "busy"]);
    case(
        "enum_values",
        "add_enum_value",
        plain(),
        schema(MIDDLE, |_| {}, |_| {}),
        &["add_enum_value"],
        false,
    );
    case(
        "enum_values",
        "add_enum_value_first",
        plain(),
        schema(FIRST, |_| {}, |_| {}),
        &["add_enum_value"],
        false,
    );
    const RENAMED: EnumDef = EnumDef::new("mood", &["calm", "occupied", "away"]);
    let b = schema(
        RENAMED,
        |_| {},
        |s| {
            s.enum_value_renamed(RENAMED, "busy", "occupied");
        },
    );
    case(
        "enum_rename",
        "rename_enum_value",
        plain(),
        b,
        &["rename_enum_value", "add_enum_value"],
        false,
    );
    const FEWER: EnumDef = EnumDef::new("mood", &["calm"]);
    const REORDERED: EnumDef = EnumDef::new("mood", &["busy", "calm"]);
    // A check and a partial index spell the type in their expressions: they must survive.
    let dependents = |t: &mut TableBuilder| {
        t.check("calm_has_qty", "mood <> 'calm' OR qty IS NOT NULL")
            .index_with(["qty"], |i| i.filter("mood = 'calm'"));
    };
    case(
        "enum_swap",
        "swap_enum_remove",
        schema(MOOD, dependents, |_| {}),
        schema(FEWER, dependents, |_| {}),
        &["swap_enum"],
        false,
    );
    let with_array = |t: &mut TableBuilder| {
        t.col("moods", array(enum_of(MOOD)).null());
    };
    let with_fewer_array = |t: &mut TableBuilder| {
        t.col("moods", array(enum_of(FEWER)).null());
    };
    case(
        "enum_swap",
        "swap_enum_array",
        schema(MOOD, with_array, |_| {}),
        schema(FEWER, with_fewer_array, |_| {}),
        &["swap_enum"],
        true,
    );
    case(
        "enum_swap",
        "swap_enum_reorder",
        schema(MOOD, dependents, |_| {}),
        schema(REORDERED, dependents, |_| {}),
        &["swap_enum"],
        false,
    );

    // Tables.
    let with = || schema(MOOD, |_| {}, with_others);
    case(
        "table",
        "create_table",
        plain(),
        with(),
        &["create_table"],
        false,
    );
    case(
        "table",
        "drop_table",
        with(),
        plain(),
        &["drop_table"],
        false,
    );

    // Columns.
    let with = || {
        schema(
            MOOD,
            |t| {
                t.col("size", integer().default_int(1));
            },
            |_| {},
        )
    };
    case(
        "column",
        "add_column",
        plain(),
        with(),
        &["add_column"],
        false,
    );
    case(
        "column",
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
        false,
    );
    case(
        "column",
        "drop_column",
        with(),
        plain(),
        &["drop_column"],
        false,
    );
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
    case("column", "rename_column", a, b, &["rename_column"], false);

    // Column types.
    let a = schema(
        MOOD,
        |t| {
            t.col("big", integer().null());
        },
        |_| {},
    );
    let b = schema(
        MOOD,
        |t| {
            t.col("big", bigint().null());
        },
        |_| {},
    );
    case(
        "column_type",
        "alter_column_type",
        a,
        b,
        &["alter_column_type"],
        false,
    );

    // Under views (one reading another): PostgreSQL changes no column a view uses, so
    // both are dropped first and created again after.
    let viewed = |ty: ColumnSpec| {
        schema(
            MOOD,
            |t| {
                t.col("big", ty);
            },
            |s| {
                s.view(
                    "big_things",
                    "CREATE VIEW big_things AS SELECT id, big FROM things WHERE big > 10",
                );
                s.view(
                    "biggest_thing",
                    "CREATE VIEW biggest_thing AS SELECT max(big) AS big FROM big_things",
                );
            },
        )
    };
    let (a, b) = (viewed(integer().null()), viewed(bigint().null()));
    case(
        "column_type",
        "alter_column_type_under_views",
        a,
        b,
        &["alter_column_type"],
        true,
    );

    // A new collation (SQLite has no "C"): catalog only, or the indexes rebuilt.
    for (name, indexed) in [
        ("alter_column_collation", false),
        ("alter_column_collation_indexed", true),
    ] {
        let with_code = |collation: Option<&str>| {
            schema(
                MOOD,
                |t| {
                    let code = text().null();
                    t.col("code", collation.map_or(code.clone(), |c| code.collate(c)));
                    if indexed {
                        t.index(["code"]);
                    }
                },
                |_| {},
            )
        };
        let (a, b) = (with_code(None), with_code(Some("C")));
        case("column_type", name, a, b, &["alter_column_collation"], true);
    }

    // NOT NULL.
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
    case(
        "not_null",
        "set_not_null",
        a.clone(),
        b.clone(),
        &["set_not_null"],
        false,
    );
    case("not_null", "drop_not_null", b, a, &["drop_not_null"], false);

    // Defaults.
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
    case(
        "default",
        "set_default",
        a.clone(),
        b.clone(),
        &["set_default"],
        false,
    );
    case("default", "drop_default", b, a, &["drop_default"], false);

    // Constraints.
    let with = || {
        schema(
            MOOD,
            |t| {
                t.check("qty_positive", "qty > 0");
            },
            |_| {},
        )
    };
    case(
        "constraint",
        "add_constraint",
        plain(),
        with(),
        &["add_constraint"],
        false,
    );
    case(
        "constraint",
        "drop_constraint",
        with(),
        plain(),
        &["drop_constraint"],
        false,
    );
    let changed = schema(
        MOOD,
        |t| {
            t.check("qty_positive", "qty >= 0");
        },
        |_| {},
    );
    case(
        "constraint",
        "change_constraint",
        with(),
        changed,
        &["drop_constraint", "add_constraint"],
        false,
    );

    // Keys added to an existing table.
    let with_unique = |t: &mut TableBuilder| {
        t.unique(["name"]);
    };
    case(
        "key",
        "add_unique",
        plain(),
        schema(MOOD, with_unique, |_| {}),
        &["add_constraint"],
        false,
    );
    // A new table's foreign key needs the new key in the same transaction.
    let b = schema(MOOD, with_unique, |s| {
        s.table(OTHERS)
            .doc("others")
            .global("test")
            .id_tagged("other")
            .col("thing_name", text())
            .fk(["thing_name"], THINGS, ["name"])
            .index(["thing_name"]);
    });
    case(
        "key",
        "add_unique_a_new_foreign_key_needs",
        plain(),
        b,
        &["add_constraint", "create_table"],
        false,
    );
    let with_exclusion = |t: &mut TableBuilder| {
        t.exclude(
            "qty",
            IndexMethod::Gist,
            &[("int4range(qty, qty, '[]')", "&&")],
            None,
        );
    };
    case(
        "key",
        "add_exclusion",
        plain(),
        schema(MOOD, with_exclusion, |_| {}),
        &["add_constraint"],
        true,
    );

    // Indexes.
    let with = || {
        schema(
            MOOD,
            |t| {
                t.index(["qty"]);
            },
            |_| {},
        )
    };
    case("index", "add_index", plain(), with(), &["add_index"], false);
    case(
        "index",
        "drop_index",
        with(),
        plain(),
        &["drop_index"],
        false,
    );

    // Row-level security and policies.
    let rls = || {
        schema(
            MOOD,
            |t| {
                t.rls(false);
            },
            |_| {},
        )
    };
    case("rls", "set_rls", plain(), rls(), &["set_rls"], true);
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
    case("rls", "add_policy", rls(), with(), &["add_policy"], true);
    case("rls", "drop_policy", with(), rls(), &["drop_policy"], true);

    // Functions and triggers.
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
    case(
        "function",
        "create_function",
        plain(),
        function(),
        &["create_function"],
        true,
    );
    case(
        "function",
        "drop_function",
        function(),
        plain(),
        &["drop_function"],
        true,
    );
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
        "function",
        "replace_function",
        function(),
        replaced,
        &["replace_function"],
        true,
    );
    case(
        "function",
        "add_trigger",
        function(),
        trigger(),
        &["add_trigger"],
        true,
    );
    case(
        "function",
        "drop_trigger",
        trigger(),
        function(),
        &["drop_trigger"],
        true,
    );

    // Comments.
    let mut documented = plain();
    documented.tables[0].doc = Some("things, documented".into());
    case(
        "comment",
        "set_table_comment",
        plain(),
        documented,
        &["set_table_comment"],
        false,
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
    case(
        "comment",
        "set_column_comment",
        a,
        b,
        &["set_column_comment"],
        true,
    );

    // Views.
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
    case(
        "view",
        "create_view",
        plain(),
        view(busy),
        &["create_view"],
        false,
    );
    case(
        "view",
        "drop_view",
        view(busy),
        plain(),
        &["drop_view"],
        false,
    );
    case(
        "view",
        "replace_view",
        view(busy),
        view(wider),
        &["replace_view"],
        false,
    );

    // Generated columns.
    let doubled = |expr: &'static str| {
        move |t: &mut TableBuilder| {
            t.col("total", integer().null().generated(expr))
                .index(["total"]);
        }
    };
    case(
        "generated",
        "alter_generated",
        schema(MOOD, doubled("qty * 2"), |_| {}),
        schema(MOOD, doubled("qty * 3"), |_| {}),
        &["alter_generated"],
        false,
    );
    let plain_total = |t: &mut TableBuilder| {
        t.col("total", integer().null()).index(["total"]);
    };
    case(
        "generated",
        "drop_generated",
        schema(MOOD, doubled("qty * 2"), |_| {}),
        schema(MOOD, plain_total, |_| {}),
        &["drop_generated"],
        false,
    );
    out
}
