//! Property: for random schema pairs A and B, applying A's migration and then the planned
//! A-to-B migrations to a real PostgreSQL gives exactly the catalog of B built from nothing.

mod support;

use proptest::prelude::*;
use schemactl::dsl::*;
use schemactl::model::Schema;
use std::collections::BTreeMap;

const TABLES: [TableRef; 4] = [
    TableRef::new("t0"),
    TableRef::new("t1"),
    TableRef::new("t2"),
    TableRef::new("t3"),
];
const COLUMNS: [&str; 4] = ["a", "b", "c", "d"];
const LEVELS: [EnumDef; 2] = [
    EnumDef::new("level", &["low", "high"]),
    EnumDef::new("level", &["low", "mid", "high"]),
];

/// One column: its kind decides type, nullability and default.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Col {
    Text {
        nullable: bool,
    },
    Int {
        nullable: bool,
        default: Option<i64>,
    },
    BigInt {
        nullable: bool,
    },
    Money,
    Level,
}

#[derive(Debug, Clone)]
struct TableSpec {
    cols: BTreeMap<&'static str, Col>,
    /// Indexes on a column, maybe partial.
    indexes: Vec<(&'static str, bool)>,
    check_positive: Option<&'static str>,
    /// A reference to the table before it (`parent_id`), with or without ON DELETE CASCADE.
    parent: Option<bool>,
    doc: bool,
}

#[derive(Debug, Clone)]
struct Spec {
    tables: Vec<Option<TableSpec>>,
    rich_enum: bool,
}

fn col() -> impl Strategy<Value = Col> {
    prop_oneof![
        any::<bool>().prop_map(|nullable| Col::Text { nullable }),
        (any::<bool>(), prop::option::of(0i64..5))
            .prop_map(|(nullable, default)| Col::Int { nullable, default }),
        any::<bool>().prop_map(|nullable| Col::BigInt { nullable }),
        Just(Col::Money),
        Just(Col::Level),
    ]
}

fn table() -> impl Strategy<Value = TableSpec> {
    (
        prop::collection::btree_map(prop::sample::select(COLUMNS.to_vec()), col(), 0..4),
        prop::collection::vec(
            (prop::sample::select(COLUMNS.to_vec()), any::<bool>()),
            0..3,
        ),
        prop::option::of(prop::sample::select(COLUMNS.to_vec())),
        prop::option::of(any::<bool>()),
        any::<bool>(),
    )
        .prop_map(|(cols, indexes, check, parent, doc)| {
            // Only declare what the table has: indexes and checks on existing columns.
            let mut seen = std::collections::BTreeSet::new();
            let indexes = indexes
                .into_iter()
                .filter(|(c, _)| cols.contains_key(c) && seen.insert(*c))
                .collect();
            let check_positive = check.filter(|c| {
                matches!(
                    cols.get(c),
                    Some(Col::Int { .. }) | Some(Col::BigInt { .. })
                )
            });
            TableSpec {
                cols,
                indexes,
                check_positive,
                parent,
                doc,
            }
        })
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        prop::collection::vec(prop::option::of(table()), 4),
        any::<bool>(),
    )
        .prop_map(|(tables, rich_enum)| Spec { tables, rich_enum })
}

fn build(spec: &Spec) -> Schema {
    let mut s = SchemaBuilder::new();
    let level = LEVELS[usize::from(spec.rich_enum)];
    s.enumeration(level);
    for (i, t) in spec.tables.iter().enumerate() {
        let Some(t) = t else { continue };
        let mut tb = s.table(TABLES[i]);
        tb.doc(if t.doc { "documented" } else { "a table" })
            .global("test")
            .id_tagged("row");
        for (name, c) in &t.cols {
            let spec = match *c {
                Col::Text { nullable } => {
                    if nullable {
                        text().null()
                    } else {
                        text().default_text("x")
                    }
                }
                Col::Int { nullable, default } => {
                    let c = if nullable {
                        integer().null()
                    } else {
                        integer()
                    };
                    match default {
                        Some(d) => c.default_int(d),
                        None if !nullable => c.default_int(0),
                        None => c,
                    }
                }
                Col::BigInt { nullable } => {
                    if nullable {
                        bigint().null()
                    } else {
                        bigint().default_int(7)
                    }
                }
                Col::Money => money().default_number("0.00"),
                Col::Level => enum_of(level).default_enum("low"),
            };
            tb.col(name, spec);
        }
        for (c, partial) in &t.indexes {
            if *partial {
                tb.index_with([*c], |i| i.filter(&format!("{c} IS NOT NULL")));
            } else {
                tb.index([*c]);
            }
        }
        if let Some(c) = t.check_positive {
            tb.check("positive", &format!("{c} > 0 OR {c} IS NULL"));
        }
        // The parent is the nearest earlier table that exists.
        if let (Some(cascade), Some(p)) =
            (t.parent, (0..i).rev().find(|j| spec.tables[*j].is_some()))
        {
            tb.col("parent_id", text().null());
            tb.fk_with(["parent_id"], TABLES[p], ["id"], |f| {
                if cascade {
                    f.on_delete(schemactl::model::FkAction::Cascade)
                } else {
                    f
                }
            });
            tb.index(["parent_id"]);
        }
    }
    s.build().expect("generated schemas are valid")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn planned_migrations_reach_the_declared_catalog(a in spec(), b in spec()) {
        let from = build(&a);
        // An enum that loses a value goes through a type swap.
        let to = build(&b);
        let initial = schemactl::generate::render_script(&from, schemactl::dialect::DialectKind::Postgres).unwrap();
        let from_n = schemactl::sql::normalize_schema(&from, schemactl::dialect::DialectKind::Postgres);
        let to_n = schemactl::sql::normalize_schema(&to, schemactl::dialect::DialectKind::Postgres);
        let plan = schemactl::dialect::postgres::plan::plan(&from_n, &to_n);
        let mut scripts = vec![initial];
        scripts.extend(plan.files.iter().map(|f| f.script("")));
        let reached = support::pg_catalog_after("prop", &scripts);
        let expected = support::pg_catalog_after("prop", &[schemactl::generate::render_script(&to, schemactl::dialect::DialectKind::Postgres).unwrap()]);
        let gaps = schemactl::drift::compare(&expected, &reached, &schemactl::dialect::postgres::Postgres);
        prop_assert!(gaps.is_empty(), "{}\nplan:\n{}", gaps.iter().map(|g| g.to_string()).collect::<Vec<_>>().join("\n"), scripts[1..].join("\n"));
    }
}
