//! Structural checks on a built model: what would make the SQL fail or lie.
//!
//! Missing tables and columns, FKs whose arity, types or target key do not fit, duplicate
//! names, and identifiers PostgreSQL would silently truncate. Every problem names the DSL line.

use crate::diag::{Diagnostic, Diagnostics};
use crate::model::fast_hash::{map_with_capacity, FastMap};
use crate::model::names::MAX_IDENT_BYTES;
use crate::model::*;

mod relations;

use relations::{Clashes, Slot};

/// Tables and enums by name (the last of a name wins), built once per validation; the
/// DSL's deferred checks read the same maps.
pub(crate) struct Lookups<'s> {
    pub(crate) tables: FastMap<&'s QName, &'s Table>,
    enums: FastMap<&'s QName, &'s EnumType>,
}

impl<'s> Lookups<'s> {
    pub(crate) fn new(schema: &'s Schema) -> Self {
        let mut tables = map_with_capacity(schema.tables.len());
        tables.extend(schema.tables.iter().map(|t| (&t.name, t)));
        let mut enums = map_with_capacity(schema.enums.len());
        enums.extend(schema.enums.iter().map(|e| (&e.name, e)));
        Lookups { tables, enums }
    }
}

/// From this many tables on, clashing relation names are looked for on a thread of their
/// own while the tables are checked; below it the thread costs more than it saves.
const CLASHES_BESIDE_FROM_TABLES: usize = 256;

pub fn validate(schema: &Schema) -> Diagnostics {
    validate_using(schema, &Lookups::new(schema))
}

/// [`validate`] with the name lookups already built.
pub(crate) fn validate_using(schema: &Schema, lookups: &Lookups) -> Diagnostics {
    if schema.tables.len() < CLASHES_BESIDE_FROM_TABLES {
        return checked(schema, lookups, &Clashes::of(schema));
    }
    // Names rarely clash: the tables are checked as if none did, beside the search for
    // clashes, and checked again, in order, when some do.
    std::thread::scope(|scope| {
        let search = std::thread::Builder::new().spawn_scoped(scope, || Clashes::of(schema));
        match search {
            Ok(search) => {
                let out = checked(schema, lookups, &Clashes::none());
                let clashes = search
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                if clashes.is_empty() {
                    out
                } else {
                    checked(schema, lookups, &clashes)
                }
            }
            Err(_) => checked(schema, lookups, &Clashes::of(schema)),
        }
    })
}

/// Every check, table by table, with the relation names that clash known.
fn checked(schema: &Schema, lookups: &Lookups, clashes: &Clashes) -> Diagnostics {
    let mut out = Diagnostics::default();
    check_enums(&mut out, schema);
    for (i, t) in schema.tables.iter().enumerate() {
        check_table_shape(&mut out, schema, lookups, t);
        check_relations(&mut out, clashes, i, t);
        check_constraints(&mut out, lookups, t);
    }
    out
}

/// Enum and label names PostgreSQL would truncate.
fn check_enums(out: &mut Diagnostics, schema: &Schema) {
    for e in &schema.enums {
        ident(out, &e.name.name, "enum", &e.origin);
        for v in &e.values {
            if v.len() > MAX_IDENT_BYTES {
                out.push(too_long(v, "enum label", &e.origin));
            }
        }
    }
}

/// The table's name, its PostgreSQL schema, and its columns.
fn check_table_shape(out: &mut Diagnostics, schema: &Schema, lookups: &Lookups, t: &Table) {
    ident(out, &t.name.name, "table", &t.origin);
    if let Some(ns) = &t.name.schema {
        if ns != "public" && !schema.namespaces.iter().any(|n| n.name == ns) {
            out.push(
                Diagnostic::error(
                    "schema::missing-schema",
                    format!(
                        "table `{}` is in schema `{ns}`, which is not declared",
                        t.name
                    ),
                )
                .at(&t.origin)
                .help(format!("declare it with `s.namespace(\"{ns}\", \"...\")`")),
            );
        }
    }
    if t.columns.is_empty() {
        out.push(
            Diagnostic::error(
                "schema::empty-table",
                format!("table `{}` has no columns", t.name),
            )
            .at(&t.origin),
        );
    }
    for c in &t.columns {
        ident(out, &c.name, "column", &c.origin);
        check_column_type(out, &lookups.enums, t, c);
        check_collation(out, t, c);
    }
}

/// The objects that take a name in the schema's relation namespace: primary key, uniques,
/// exclusions, indexes and partitions, with the columns they name.
fn check_relations(out: &mut Diagnostics, clashes: &Clashes, i: usize, t: &Table) {
    let at = |n: usize| u32::try_from(n).expect("fewer objects than slots");
    if let Some(pk) = &t.primary_key {
        relation(
            out,
            clashes,
            (i, Slot::PrimaryKey),
            t,
            &pk.name,
            "primary key",
            &pk.origin,
        );
        columns_exist(out, t, &pk.columns, "primary key", &pk.origin);
        for c in &pk.columns {
            if t.column(c).is_some_and(|c| c.nullable) {
                out.push(
                    Diagnostic::error(
                        "schema::nullable-key",
                        format!("primary key column `{}.{c}` is declared nullable", t.name),
                    )
                    .at(&pk.origin)
                    .help("primary key columns are always NOT NULL; drop `.null()`"),
                );
            }
        }
    }
    for (n, u) in t.uniques.iter().enumerate() {
        let slot = (i, Slot::Unique(at(n)));
        relation(
            out,
            clashes,
            slot,
            t,
            &u.name,
            "unique constraint",
            &u.origin,
        );
        columns_exist(out, t, &u.columns, "unique constraint", &u.origin);
    }
    for (n, x) in t.excludes.iter().enumerate() {
        let slot = (i, Slot::Exclude(at(n)));
        relation(
            out,
            clashes,
            slot,
            t,
            &x.name,
            "exclusion constraint",
            &x.origin,
        );
    }
    for (n, ix) in t.indexes.iter().enumerate() {
        let slot = (i, Slot::Index(at(n)));
        relation(out, clashes, slot, t, &ix.name, "index", &ix.origin);
        let keys = ix.parts.iter().filter_map(|p| match &p.key {
            IndexKey::Column(c) => Some(c),
            IndexKey::Expression(_) => None,
        });
        columns_exist(out, t, keys.chain(&ix.include), "index", &ix.origin);
    }
    for (n, p) in t.partitions.iter().enumerate() {
        let slot = (i, Slot::Partition(at(n)));
        relation(out, clashes, slot, t, &p.name.name, "partition", &p.origin);
    }
}

/// Checks and foreign keys (one namespace per table), policies, triggers and the
/// partition key.
fn check_constraints(out: &mut Diagnostics, lookups: &Lookups, t: &Table) {
    let mut table_constraints: FastMap<&str, &Origin> =
        map_with_capacity(t.checks.len() + t.foreign_keys.len());
    for c in &t.checks {
        ident(out, &c.name, "check constraint", &c.origin);
        unique_in_table(out, &mut table_constraints, &c.name, t, &c.origin);
    }
    for fk in &t.foreign_keys {
        ident(out, &fk.name, "foreign key", &fk.origin);
        unique_in_table(out, &mut table_constraints, &fk.name, t, &fk.origin);
        check_fk(out, &lookups.tables, t, fk);
    }
    for p in &t.policies {
        ident(out, &p.name, "policy", &p.origin);
    }
    for tr in &t.triggers {
        ident(out, &tr.name, "trigger", &tr.origin);
    }
    if let Some(pb) = &t.partition_by {
        let plain = pb.keys.iter().filter(|k| is_plain_ident(k));
        columns_exist(out, t, plain, "partition key", &t.origin);
    }
}

/// Checks a name in its PostgreSQL schema's relation namespace, reporting a clash.
fn relation(
    out: &mut Diagnostics,
    clashes: &Clashes,
    (table, slot): (usize, Slot),
    t: &Table,
    name: &str,
    what: &str,
    origin: &Origin,
) {
    ident(out, name, what, origin);
    if let Some(first) = clashes.first(table, slot) {
        let schema = t.name.schema_or_public();
        out.push(
            Diagnostic::error(
                "schema::duplicate",
                format!("{what} name `{name}` is already used in schema `{schema}`"),
            )
            .at(origin)
            .help(format!(
                "first used at {first}; give one of them another name"
            )),
        );
    }
}

fn is_plain_ident(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn ident(out: &mut Diagnostics, name: &str, what: &str, origin: &Origin) {
    if name.len() > MAX_IDENT_BYTES {
        out.push(too_long(name, what, origin));
    }
}

fn too_long(name: &str, what: &str, origin: &Origin) -> Diagnostic {
    Diagnostic::error(
        "schema::identifier-too-long",
        format!("{what} name `{name}` is {} bytes; PostgreSQL silently truncates identifiers to {MAX_IDENT_BYTES}", name.len()),
    )
    .at(origin)
    .help("choose a shorter name")
}

fn unique_in_table<'a>(
    out: &mut Diagnostics,
    seen: &mut FastMap<&'a str, &'a Origin>,
    name: &'a str,
    t: &Table,
    origin: &'a Origin,
) {
    if let Some(first) = seen.insert(name, origin) {
        out.push(
            Diagnostic::error(
                "schema::duplicate",
                format!(
                    "constraint name `{name}` is used twice on table `{}`",
                    t.name
                ),
            )
            .at(origin)
            .help(format!("first used at {first}")),
        );
    }
}

fn columns_exist<S: AsRef<str>>(
    out: &mut Diagnostics,
    t: &Table,
    cols: impl IntoIterator<Item = S>,
    what: &str,
    origin: &Origin,
) {
    for c in cols {
        let c = c.as_ref();
        if !t.has_column(c) {
            out.push(missing_column(t, c, what, origin));
        }
    }
}

fn missing_column(t: &Table, col: &str, what: &str, origin: &Origin) -> Diagnostic {
    let mut d = Diagnostic::error(
        "schema::missing-column",
        format!(
            "{what} names column `{col}`, which table `{}` does not have",
            t.name
        ),
    )
    .at(origin);
    if let Some(near) = closest(col, t.columns.iter().map(|c| c.name.as_str())) {
        d = d.help(format!("did you mean `{near}`?"));
    } else {
        d = d.help(format!(
            "declare it with `.col(\"{col}\", ...)` or fix the name"
        ));
    }
    d
}

/// A `COLLATE` names something, on a type that sorts text: PostgreSQL refuses one on a
/// number, a date or an enum ("collations are not supported by type ...").
fn check_collation(out: &mut Diagnostics, t: &Table, c: &Column) {
    let Some(collation) = c.collation() else {
        return;
    };
    let mut ty = &c.ty;
    while let ColumnType::Array { element } = ty {
        ty = element;
    }
    let text = matches!(
        ty,
        ColumnType::Text
            | ColumnType::Varchar { .. }
            | ColumnType::Char { .. }
            // A domain over text, citext: the database knows.
            | ColumnType::Custom { .. }
    );
    let problem = if collation.name.is_empty() {
        "names no collation".to_string()
    } else if !text {
        "has a collation, but its type does not sort text".to_string()
    } else {
        return;
    };
    out.push(
        Diagnostic::error(
            "schema::bad-collation",
            format!("column `{}.{}` {problem}", t.name, c.name),
        )
        .at(&c.origin)
        .help("`.collate(\"C\")` and the like go on text, varchar and char columns (and domains over them)"),
    );
}

fn check_column_type(
    out: &mut Diagnostics,
    enums: &FastMap<&QName, &EnumType>,
    t: &Table,
    c: &Column,
) {
    let mut ty = &c.ty;
    while let ColumnType::Array { element } = ty {
        ty = element;
    }
    if let ColumnType::Enum { name } = ty {
        match enums.get(&**name) {
            None => out.push(
                Diagnostic::error(
                    "schema::missing-type",
                    format!(
                        "column `{}.{}` uses enum `{name}`, which is not declared",
                        t.name, c.name
                    ),
                )
                .at(&c.origin),
            ),
            Some(e) => {
                if let Some(DefaultValue::EnumValue(v)) = &c.default {
                    if !e.values.contains(v) {
                        out.push(
                            Diagnostic::error(
                                "schema::bad-default",
                                format!(
                                    "default `{v}` of `{}.{}` is not a value of enum `{name}`",
                                    t.name, c.name
                                ),
                            )
                            .at(&c.origin)
                            .help(format!("the values are: {}", e.values.join(", "))),
                        );
                    }
                }
            }
        }
    }
    if c.generated().is_some() && c.default.is_some() {
        out.push(
            Diagnostic::error(
                "schema::generated-with-default",
                format!(
                    "column `{}.{}` is generated and also has a default",
                    t.name, c.name
                ),
            )
            .at(&c.origin),
        );
    }
}

fn check_fk(out: &mut Diagnostics, tables: &FastMap<&QName, &Table>, t: &Table, fk: &ForeignKey) {
    columns_exist(out, t, &fk.columns, "foreign key", &fk.origin);
    if fk.columns.len() != fk.ref_columns.len() {
        out.push(
            Diagnostic::error(
                "schema::fk-arity",
                format!(
                    "foreign key `{}` has {} column(s) but references {} column(s) of `{}`",
                    fk.name,
                    fk.columns.len(),
                    fk.ref_columns.len(),
                    fk.ref_table
                ),
            )
            .at(&fk.origin),
        );
        return;
    }
    let Some(target) = tables.get(&fk.ref_table) else {
        let mut d = Diagnostic::error(
            "schema::missing-table",
            format!(
                "foreign key `{}` on `{}` references table `{}`, which is not declared",
                fk.name, t.name, fk.ref_table
            ),
        )
        .at(&fk.origin);
        if let Some(near) = closest(&fk.ref_table.name, tables.keys().map(|q| q.name.as_str())) {
            d = d.help(format!("did you mean `{near}`?"));
        }
        out.push(d);
        return;
    };
    let mut all_exist = true;
    for c in &fk.ref_columns {
        if !target.has_column(c) {
            out.push(missing_column(
                target,
                c,
                &format!("foreign key `{}`", fk.name),
                &fk.origin,
            ));
            all_exist = false;
        }
    }
    if !all_exist {
        return;
    }
    for (local, remote) in fk.columns.iter().zip(&fk.ref_columns) {
        if let (Some(a), Some(b)) = (t.column(local), target.column(remote)) {
            if !a.ty.fk_compatible(&b.ty) {
                out.push(
                    Diagnostic::error(
                        "schema::fk-type-mismatch",
                        format!(
                            "foreign key `{}`: `{}.{local}` is {:?} but `{}.{remote}` is {:?}",
                            fk.name, t.name, a.ty, target.name, b.ty
                        ),
                    )
                    .at(&fk.origin)
                    .help("make both columns the same type"),
                );
            }
        }
    }
    if !target.has_unique_key(&fk.ref_columns) {
        out.push(
            Diagnostic::error(
                "schema::fk-target-not-unique",
                format!("foreign key `{}` references `{}` ({}), which is not its primary key or a unique key", fk.name, fk.ref_table, fk.ref_columns.join(", ")),
            )
            .at(&fk.origin)
            .help(format!("declare `.unique([\"{}\"])` on `{}`, or reference a key it has", fk.ref_columns.join("\", \""), fk.ref_table)),
        );
    }
}

/// The candidate nearest to `name` by edit distance, when it is close enough to be a typo.
pub(crate) fn closest<'a>(
    name: &str,
    candidates: impl Iterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .map(|c| (edit_distance(name, c), c))
        .filter(|(d, _)| *d <= 2.max(name.len() / 4))
        .min()
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}
