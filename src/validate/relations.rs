//! Names that clash in a PostgreSQL schema's relation namespace, which a table shares with
//! its primary key, unique and exclusion constraints, indexes and partitions.
//!
//! Found by sorting the names' hashes, not through a map of every name: a large schema
//! declares tens of thousands of them, and such a map was the largest thing validation held
//! (and, in cache misses, a good part of its time).

use crate::model::fast_hash::{FastHasher, FastMap};
use crate::model::{Origin, Schema, Table};
use std::hash::{BuildHasher, BuildHasherDefault};

/// One object of a table that takes a relation name, the table's own name included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Slot {
    Table,
    PrimaryKey,
    Unique(u32),
    Exclude(u32),
    Index(u32),
    Partition(u32),
}

const KIND_SHIFT: u32 = 29;

impl Slot {
    /// Kind in the top bits, position below: an occurrence stays 16 bytes.
    fn pack(self) -> u32 {
        let (kind, at) = match self {
            Slot::Table => (0, 0),
            Slot::PrimaryKey => (1, 0),
            Slot::Unique(i) => (2, i),
            Slot::Exclude(i) => (3, i),
            Slot::Index(i) => (4, i),
            Slot::Partition(i) => (5, i),
        };
        assert!(
            at < 1 << KIND_SHIFT,
            "a table's objects fit below the kind bits"
        );
        (kind << KIND_SHIFT) | at
    }

    fn unpack(packed: u32) -> Slot {
        let at = packed & ((1 << KIND_SHIFT) - 1);
        match packed >> KIND_SHIFT {
            0 => Slot::Table,
            1 => Slot::PrimaryKey,
            2 => Slot::Unique(at),
            3 => Slot::Exclude(at),
            4 => Slot::Index(at),
            _ => Slot::Partition(at),
        }
    }
}

/// Each object whose relation name was taken before it, and where the name was taken: a
/// table of that name wherever it is declared (the later one, if two share it), else the
/// first object that used it.
pub(super) struct Clashes<'s>(FastMap<(u32, Slot), &'s Origin>);

impl<'s> Clashes<'s> {
    pub(super) fn of(schema: &'s Schema) -> Self {
        let hasher = BuildHasherDefault::<FastHasher>::default();
        let key = |t: &Table, name: &str| hasher.hash_one((t.name.schema_or_public(), name));
        let taken: usize = schema.tables.iter().map(|t| 1 + named(t).count()).sum();
        let mut all: Vec<(u64, u32, u32)> = Vec::with_capacity(taken);
        for (i, t) in (0u32..).zip(&schema.tables) {
            all.push((key(t, &t.name.name), i, Slot::Table.pack()));
        }
        for (i, t) in (0u32..).zip(&schema.tables) {
            for (slot, name, _) in named(t) {
                all.push((key(t, name), i, slot.pack()));
            }
        }
        // Stable: names of one hash stay in the order they are taken, tables first.
        all.sort_by_key(|&(hash, ..)| hash);
        let mut clashes = FastMap::default();
        for run in all.chunk_by(|a, b| a.0 == b.0).filter(|run| run.len() > 1) {
            let taken: Vec<_> = run
                .iter()
                .map(|&(_, table, slot)| {
                    let t = &schema.tables[table as usize];
                    let slot = Slot::unpack(slot);
                    let (name, origin) = resolve(t, slot);
                    (t.name.schema_or_public(), name, origin, table, slot)
                })
                .collect();
            for (k, &(schema_name, name, _, table, slot)) in taken.iter().enumerate() {
                // Two tables of one name are the builder's to report.
                if slot == Slot::Table {
                    continue;
                }
                let mut before = taken[..k]
                    .iter()
                    .filter(|o| o.0 == schema_name && o.1 == name);
                let first = match before.clone().rfind(|o| o.4 == Slot::Table) {
                    Some(table) => Some(table),
                    None => before.next(),
                };
                if let Some(first) = first {
                    clashes.insert((table, slot), first.2);
                }
            }
        }
        Clashes(clashes)
    }

    /// No clash.
    pub(super) fn none() -> Self {
        Clashes(FastMap::default())
    }

    pub(super) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Where the name of `table`'s object `slot` was taken before, if it was.
    pub(super) fn first(&self, table: usize, slot: Slot) -> Option<&'s Origin> {
        if self.0.is_empty() {
            return None;
        }
        let table = u32::try_from(table).ok()?;
        self.0.get(&(table, slot)).copied()
    }
}

/// A table's objects that take a relation name besides the table, in the order validation
/// goes through them.
fn named(t: &Table) -> impl Iterator<Item = (Slot, &str, &Origin)> {
    let at = |i: usize| u32::try_from(i).expect("fewer objects than slots");
    let pk = t
        .primary_key
        .iter()
        .map(|pk| (Slot::PrimaryKey, pk.name.as_str(), &pk.origin));
    let uniques = t
        .uniques
        .iter()
        .enumerate()
        .map(move |(i, u)| (Slot::Unique(at(i)), u.name.as_str(), &u.origin));
    let excludes = t
        .excludes
        .iter()
        .enumerate()
        .map(move |(i, x)| (Slot::Exclude(at(i)), x.name.as_str(), &x.origin));
    let indexes = t
        .indexes
        .iter()
        .enumerate()
        .map(move |(i, ix)| (Slot::Index(at(i)), ix.name.as_str(), &ix.origin));
    let partitions = t
        .partitions
        .iter()
        .enumerate()
        .map(move |(i, p)| (Slot::Partition(at(i)), p.name.name.as_str(), &p.origin));
    pk.chain(uniques)
        .chain(excludes)
        .chain(indexes)
        .chain(partitions)
}

fn resolve(t: &Table, slot: Slot) -> (&str, &Origin) {
    let i = |at: u32| at as usize;
    match slot {
        Slot::Table => (&t.name.name, &t.origin),
        Slot::PrimaryKey => {
            let pk = t.primary_key.as_ref().expect("a slot taken by the key");
            (&pk.name, &pk.origin)
        }
        Slot::Unique(at) => (&t.uniques[i(at)].name, &t.uniques[i(at)].origin),
        Slot::Exclude(at) => (&t.excludes[i(at)].name, &t.excludes[i(at)].origin),
        Slot::Index(at) => (&t.indexes[i(at)].name, &t.indexes[i(at)].origin),
        Slot::Partition(at) => (&t.partitions[i(at)].name.name, &t.partitions[i(at)].origin),
    }
}

#[cfg(test)]
mod tests {
    use crate::dsl::*;
    use crate::model::Schema;

    const A: TableRef = TableRef::new("a");
    const B: TableRef = TableRef::new("b");
    const OTHER_A: TableRef = TableRef::in_schema("other", "a");

    fn two_tables() -> Schema {
        let mut s = SchemaBuilder::new();
        s.namespace("other", "another schema");
        for t in [A, B, OTHER_A] {
            s.table(t)
                .global("test")
                .id_uuid()
                .col("name", text())
                .index(["name"]);
        }
        s.build().expect("valid")
    }

    fn clashes(schema: &Schema) -> Vec<String> {
        crate::validate::validate(schema)
            .iter()
            .map(|d| d.message.clone())
            .collect()
    }

    #[test]
    fn names_taken_once_do_not_clash_even_across_schemas() {
        let mut s = two_tables();
        s.tables[2].indexes[0].name = "a_name_idx".into();
        assert_eq!(clashes(&s), Vec::<String>::new());
    }

    #[test]
    fn a_name_taken_again_is_reported_where_it_is_taken_again() {
        let mut s = two_tables();
        s.tables[1].indexes[0].name = "a_name_idx".into();
        s.tables[1].primary_key.as_mut().unwrap().name = "a".into();
        assert_eq!(
            clashes(&s),
            [
                "primary key name `a` is already used in schema `public`",
                "index name `a_name_idx` is already used in schema `public`",
            ]
        );
        // The key clashes with the table `a`, the index with `a`'s index: declared on
        // different lines.
        let first: Vec<String> = crate::validate::validate(&s)
            .iter()
            .map(|d| d.help.clone().unwrap_or_default())
            .collect();
        assert!(
            first.iter().all(|h| h.contains("relations.rs:")),
            "{first:?}"
        );
        assert_ne!(first[0], first[1]);
    }
}

#[cfg(test)]
mod large {
    use crate::dsl::*;
    use crate::model::Schema;

    /// Enough tables for validation to look for clashes beside the table checks.
    fn many_tables() -> Schema {
        let mut s = SchemaBuilder::new();
        for i in 0..super::super::CLASHES_BESIDE_FROM_TABLES + 10 {
            let name: &'static str = Box::leak(format!("t{i:04}").into_boxed_str());
            s.table(TableRef::new(name))
                .global("test")
                .id_uuid()
                .col("name", text())
                .index(["name"]);
        }
        s.build().expect("valid")
    }

    /// The findings of a large schema whose names clash are those of one pass in order.
    #[test]
    fn clashes_found_beside_the_table_checks_are_reported_in_order() {
        let mut s = many_tables();
        assert!(crate::validate::validate(&s).is_empty());
        s.tables[200].indexes[0].name = "t0003_name_idx".into();
        s.tables[7].primary_key.as_mut().unwrap().name = "t0100".into();
        s.tables[250].columns[1].name = "x".repeat(70).into();
        let found = crate::validate::validate(&s);
        let in_one_pass =
            super::super::checked(&s, &super::super::Lookups::new(&s), &super::Clashes::of(&s));
        assert_eq!(found.0.len(), 4, "{found}");
        assert_eq!(format!("{found}"), format!("{in_one_pass}"));
        let messages: Vec<&str> = found.iter().map(|d| d.message.as_str()).collect();
        assert!(
            messages[0].starts_with("primary key name `t0100`"),
            "{messages:?}"
        );
        assert!(
            messages[1].starts_with("index name `t0003_name_idx`"),
            "{messages:?}"
        );
    }
}
