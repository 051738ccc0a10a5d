//! Property: for random schema pairs A and B, a SQLite file that ran A's render and holds a row
//! per table, migrated by the planned A-to-B files through `apply`, has exactly the catalog
//! of a fresh file that ran B's render, and every row and value that B keeps.

use proptest::prelude::*;
use rusqlite::Connection;
use schemactl::apply::{self, ApplyOptions, Progress, Target, TRACKING_TABLE};
use schemactl::dialect::DialectKind;
use schemactl::dsl::*;
use schemactl::migrate::{MigrationDir, MigrationFile};
use schemactl::model::{FkAction, Schema};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

const TABLES: [TableRef; 4] = [
    TableRef::new("t0"),
    TableRef::new("t1"),
    TableRef::new("t2"),
    TableRef::new("t3"),
];
const COLUMNS: [&str; 5] = ["a", "b", "c", "d", "e"];
const LEVELS: [EnumDef; 2] = [
    EnumDef::new("level", &["low", "high"]),
    EnumDef::new("level", &["low", "mid", "high"]),
];

/// One column: its kind decides type, nullability and default. NOT NULL columns always have
/// a default, and numbers are positive, so B can add them to a table that has rows even under
/// its `positive` check.
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
    /// A reference to the nearest earlier table (`parent_id`), with or without ON DELETE CASCADE.
    parent: Option<bool>,
    append_only: bool,
    /// As B: name a column A had and B has not as the previous name of one B adds.
    rename: bool,
}

#[derive(Debug, Clone)]
struct Spec {
    tables: Vec<Option<TableSpec>>,
    rich_enum: bool,
}

fn col() -> impl Strategy<Value = Col> {
    prop_oneof![
        any::<bool>().prop_map(|nullable| Col::Text { nullable }),
        (any::<bool>(), prop::option::of(1i64..5))
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
        any::<bool>(),
    )
        .prop_map(|(cols, indexes, check, parent, append_only, rename)| {
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
                append_only,
                rename,
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

/// B as a small edit of A, table by table, so that the in-place steps (one column added,
/// dropped or renamed, an index or trigger changed) come up as often as rebuilds.
fn edited(a: Spec) -> impl Strategy<Value = Spec> {
    (
        prop::collection::vec(
            (
                // What to do: see `edit`.
                0u8..20,
                any::<prop::sample::Index>(),
                col(),
                prop::sample::select(COLUMNS.to_vec()),
                table(),
            ),
            4,
        ),
        prop::bool::weighted(0.2),
    )
        .prop_map(move |(edits, other_enum)| {
            let mut b = a.clone();
            for (slot, (kind, pick, c, name, fresh)) in b.tables.iter_mut().zip(edits) {
                *slot = edit(slot.take(), kind, pick, c, name, fresh);
            }
            b.rich_enum ^= other_enum;
            b
        })
}

/// One table of B from A's: gone, new, or one thing about it changed, as `kind` says.
fn edit(
    t: Option<TableSpec>,
    kind: u8,
    pick: prop::sample::Index,
    c: Col,
    name: &'static str,
    fresh: TableSpec,
) -> Option<TableSpec> {
    let Some(mut t) = t else {
        return (kind < 3).then_some(fresh);
    };
    t.rename = false;
    let picked =
        (!t.cols.is_empty()).then(|| *pick.get(&t.cols.keys().copied().collect::<Vec<_>>()));
    // Weighted towards the edits SQLite makes in place; 14 and above keep the table.
    match (kind, picked) {
        (0, _) => return None,
        (1..=2, _) => {
            t.cols.entry(name).or_insert(c);
        }
        (3..=4, Some(p)) => {
            t.cols.remove(p);
            t.indexes.retain(|(c, _)| *c != p);
            t.check_positive = t.check_positive.filter(|c| *c != p);
        }
        (5..=7, Some(p)) if !t.cols.contains_key(name) => {
            let kind = t.cols.remove(p).expect("picked from the table");
            t.cols.insert(name, kind);
            for (c, _) in &mut t.indexes {
                if *c == p {
                    *c = name;
                }
            }
            if t.check_positive == Some(p) {
                t.check_positive = Some(name);
            }
            t.rename = true;
        }
        (8, Some(p)) => {
            t.cols.insert(p, c);
        }
        (9..=10, Some(p)) => match t.indexes.iter().position(|(c, _)| *c == p) {
            Some(i) if t.indexes[i].1 => {
                t.indexes.remove(i);
            }
            Some(i) => t.indexes[i].1 = true,
            None => t.indexes.push((p, false)),
        },
        (11, p) => t.check_positive = if t.check_positive.is_some() { None } else { p },
        (12, _) => {
            t.parent = match t.parent {
                None => Some(false),
                Some(false) => Some(true),
                Some(true) => None,
            }
        }
        (13, _) => t.append_only = !t.append_only,
        _ => {}
    }
    Some(t)
}

/// A and B: independent, or B an edit of A.
fn pair() -> impl Strategy<Value = (Spec, Spec)> {
    spec().prop_flat_map(|a| {
        let b = prop_oneof![spec(), edited(a.clone())];
        (Just(a), b)
    })
}

/// The table a table's `parent_id` references: the nearest earlier table that exists.
fn parent_of(spec: &Spec, i: usize) -> Option<usize> {
    spec.tables[i].as_ref()?.parent?;
    (0..i).rev().find(|j| spec.tables[*j].is_some())
}

/// Per table, B's renames as `new name -> old name`: the first column B adds takes the name
/// of the first column B drops.
fn renames(a: &Spec, b: &Spec) -> Vec<BTreeMap<&'static str, &'static str>> {
    (0..TABLES.len())
        .map(|i| {
            let (Some(ta), Some(tb)) = (&a.tables[i], &b.tables[i]) else {
                return BTreeMap::new();
            };
            let added = tb.cols.keys().find(|c| !ta.cols.contains_key(*c));
            let dropped = ta.cols.keys().find(|c| !tb.cols.contains_key(*c));
            match (added, dropped) {
                (Some(new), Some(old)) if tb.rename => BTreeMap::from([(*new, *old)]),
                _ => BTreeMap::new(),
            }
        })
        .collect()
}

fn build(spec: &Spec, renames: &[BTreeMap<&str, &str>]) -> Schema {
    let mut s = SchemaBuilder::new();
    let level = LEVELS[usize::from(spec.rich_enum)];
    s.enumeration(level);
    for (i, t) in spec.tables.iter().enumerate() {
        let Some(t) = t else { continue };
        let mut tb = s.table(TABLES[i]);
        tb.global("test").col("id", text()).primary_key(["id"]);
        for (name, c) in &t.cols {
            let mut spec = match *c {
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
                        None if !nullable => c.default_int(1),
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
            if let Some(old) = renames.get(i).and_then(|r| r.get(name)) {
                spec = spec.renamed_from(old);
            }
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
        if let (Some(cascade), Some(p)) = (t.parent, parent_of(spec, i)) {
            tb.col("parent_id", text().null());
            tb.fk_with(["parent_id"], TABLES[p], ["id"], |f| {
                if cascade {
                    f.on_delete(FkAction::Cascade)
                } else {
                    f
                }
            });
            tb.index(["parent_id"]);
        }
        if t.append_only {
            tb.append_only();
        }
    }
    s.build().expect("generated schemas are valid")
}

/// A row for every table of A that B's constraints accept too: enum columns (on either side)
/// get a value both level sets have, numbers get 1, text gets '1'; `parent_id` points at the
/// parent's row unless B's parent is a table A has no row in.
fn rows(a: &Spec, b: &Spec, renames: &[BTreeMap<&str, &str>]) -> String {
    let mut sql = String::new();
    for (i, t) in a.tables.iter().enumerate() {
        let Some(t) = t else { continue };
        let (mut cols, mut values) = (vec!["id".to_string()], vec!["'r'".to_string()]);
        for (name, kind) in &t.cols {
            let in_b = b.tables[i].as_ref().and_then(|tb| {
                let new = renames[i]
                    .iter()
                    .find(|(_, old)| *old == name)
                    .map_or(*name, |(new, _)| *new);
                tb.cols.get(new).copied()
            });
            let value = if *kind == Col::Level || in_b == Some(Col::Level) {
                "'low'"
            } else if matches!(kind, Col::Int { .. } | Col::BigInt { .. }) {
                "1"
            } else {
                "'1'"
            };
            cols.push(name.to_string());
            values.push(value.to_string());
        }
        if parent_of(a, i).is_some() {
            let b_parent = b.tables[i].as_ref().and_then(|_| parent_of(b, i));
            let orphan = b_parent.is_some_and(|p| a.tables[p].is_none());
            cols.push("parent_id".into());
            values.push(if orphan { "NULL" } else { "'r'" }.into());
        }
        sql.push_str(&format!(
            "INSERT INTO t{i} ({}) VALUES ({});\n",
            cols.join(", "),
            values.join(", ")
        ));
    }
    sql
}

struct Quiet;

impl Progress for Quiet {
    fn starting(&mut self, _: &MigrationFile, _: usize, _: usize) {}
    fn finished(&mut self, _: &MigrationFile, _: Duration) {}
}

/// Applies the folder's pending files to the SQLite file at `db` through `apply`.
fn apply_folder(dir: &MigrationDir, db: &Path) -> Result<(), String> {
    let target = Target::Sqlite(db.to_path_buf());
    let scripts = apply::prepare(dir, DialectKind::Sqlite).map_err(|d| d.to_string())?;
    let mut driver = apply::connect(&target, Duration::from_secs(5)).map_err(|d| d.to_string())?;
    let opts = ApplyOptions {
        lock_timeout: Duration::from_secs(5),
        ..ApplyOptions::default()
    };
    apply::apply(driver.as_mut(), &target, dir, &scripts, &opts, &mut Quiet)
        .map(|_| ())
        .map_err(|d| d.to_string())
}

fn count(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn planned_sqlite_migrations_reach_the_declared_catalog_and_keep_rows((a, b) in pair()) {
        let renames = renames(&a, &b);
        let from = build(&a, &[]);
        let to = build(&b, &renames);
        let tmp = tempfile::tempdir().unwrap();
        let db = tmp.path().join("app.db");
        let mut dir = MigrationDir::load(&tmp.path().join("migrations")).unwrap();
        let initial = schemactl::generate::render_script(&from, DialectKind::Sqlite).unwrap();
        dir.write_migration("initial", &initial).unwrap();
        apply_folder(&dir, &db).unwrap();
        let conn = Connection::open(&db).unwrap();
        let inserts = rows(&a, &b, &renames);
        conn.execute_batch(&format!("PRAGMA foreign_keys = ON;\n{inserts}")).unwrap();
        drop(conn);

        // What `generate` will do: replay the folder, plan, prove.
        let current = schemactl::sql::import_files(
            dir.files.iter().map(|f| (f.file_name.as_str(), f.sql.as_str())),
            DialectKind::Sqlite,
        ).unwrap();
        let plan = schemactl::dialect::sqlite::plan::plan(&current, &to).unwrap();
        let planned: String = plan.files.iter().map(|f| f.script("")).collect();
        schemactl::generate::prove_sqlite(&dir, &plan, &to)
            .map_err(|d| TestCaseError::fail(format!("{d}\nplan:\n{planned}")))?;
        for f in &plan.files {
            dir.write_migration(&format!("changes{}", f.suffix), &f.script(schemactl::generate::HEADER)).unwrap();
        }
        apply_folder(&dir, &db)
            .map_err(|e| TestCaseError::fail(format!("{e}\nrows:\n{inserts}plan:\n{planned}")))?;

        let conn = Connection::open(&db).unwrap();
        let reached = schemactl::inspect::sqlite::inspect(&conn, TRACKING_TABLE).unwrap();
        let fresh = Connection::open_in_memory().unwrap();
        fresh.execute_batch(&schemactl::generate::render_script(&to, DialectKind::Sqlite).unwrap()).unwrap();
        let expected = schemactl::inspect::sqlite::inspect(&fresh, TRACKING_TABLE).unwrap();
        let gaps = schemactl::drift::compare(&expected, &reached, &schemactl::dialect::sqlite::Sqlite);
        prop_assert!(
            gaps.is_empty(),
            "{}\nplan:\n{planned}",
            gaps.iter().map(|g| g.to_string()).collect::<Vec<_>>().join("\n")
        );

        // Every table both have keeps its row, and every column both have keeps its value.
        for (i, (ta, tb)) in a.tables.iter().zip(&b.tables).enumerate() {
            let (Some(ta), Some(tb)) = (ta, tb) else { continue };
            prop_assert_eq!(count(&conn, &format!("SELECT count(*) FROM t{i}")), 1, "t{}\nplan:\n{}", i, planned);
            for name in tb.cols.keys() {
                let kept = ta.cols.contains_key(name) || renames[i].contains_key(name);
                if kept {
                    let n = count(&conn, &format!("SELECT count(*) FROM t{i} WHERE {name} IS NOT NULL"));
                    prop_assert_eq!(n, 1, "t{}.{} lost its value\nplan:\n{}", i, name, planned);
                }
            }
        }

        // Replaying the folder with the new file leaves nothing to plan.
        let current = schemactl::sql::import_files(
            dir.files.iter().map(|f| (f.file_name.as_str(), f.sql.as_str())),
            DialectKind::Sqlite,
        ).unwrap();
        let again = schemactl::dialect::sqlite::plan::plan(&current, &to).unwrap();
        prop_assert!(again.files.is_empty(), "replanned:\n{}", again.files.iter().map(|f| f.script("")).collect::<String>());
    }
}
