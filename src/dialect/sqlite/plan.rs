//! The SQLite planner: what SQLite can change in place (ADD, RENAME and DROP COLUMN, indexes,
//! triggers) is changed in place; every other change to a table goes through the rebuild SQLite
//! documents: the new shape under a temporary name, the rows copied, the old table dropped,
//! the new one renamed, its indexes and triggers created again.
//!
//! SQLite spells the model its own way (a uuid is TEXT, an enum is TEXT with a CHECK), so the
//! declared schema is rendered for SQLite and read back before anything is compared: both sides
//! are then spelled alike, and only real differences remain.
//!
//! A plan is one transactional file. It relies on how `apply` runs SQLite files: foreign keys
//! off around the file's transaction (dropping a rebuilt parent must neither cascade nor fail),
//! and `PRAGMA foreign_key_check` before it commits, so rows that lost their parent still fail
//! the migration.

use super::{self as lite, quote_ident, Sqlite};
use crate::diag::Diagnostics;
use crate::dialect::{to_script, Dialect, DialectKind};
use crate::diff::plan::{Plan, PlannedFile};
use crate::diff::Change;
use crate::graph::FkGraph;
use crate::model::*;
use crate::sql::column_refs::column_refs;
use crate::sql::import_sql;
use crate::sql::normalize_schema;
use crate::sql::replay::{rename_column, rename_ref_column};
use std::collections::{BTreeMap, HashMap};

/// Column renames per table, `(from, to)` in declaration order.
type Renames = BTreeMap<QName, Vec<(String, String)>>;

/// The migration from `current` to `declared` on SQLite.
///
/// `current`: the model the SQLite migration folder replays to (`sql::replay` with
/// `DialectKind::Sqlite`). `declared`: the DSL model. What SQLite cannot express is refused
/// with the renderer's diagnostics. The plan's changes are listed in SQLite's terms: an enum
/// that gains a value is its CHECK changing.
pub fn plan(current: &Schema, declared: &Schema) -> Result<Plan, Diagnostics> {
    let mut target = sqlite_spelling(declared)?;
    let old = normalize_schema(current, DialectKind::Sqlite);
    let renames = renames(&old, &mut target);
    let renamed = with_renames(&old, &renames);
    // The renames, then what differs once they are done: a key or check that only follows a
    // renamed column is no change of its own.
    let mut changes: Vec<Change> = crate::diff::diff(&old, &target, &Sqlite)
        .into_iter()
        .filter(|c| matches!(c, Change::RenameColumn { .. }))
        .collect();
    changes.extend(crate::diff::diff(&renamed, &target, &Sqlite));
    let statements = statements(&old, &renamed, &target, &renames)?;
    let files = if statements.is_empty() {
        Vec::new()
    } else {
        vec![PlannedFile {
            suffix: "",
            no_transaction: false,
            statements,
        }]
    };
    Ok(Plan {
        changes,
        files,
        accepted: Vec::new(),
    })
}

/// The declared schema as SQLite will hold it: rendered, read back, normalized, with the DSL's
/// rename hints.
fn sqlite_spelling(declared: &Schema) -> Result<Schema, Diagnostics> {
    let script = to_script(&Sqlite.create(declared)?);
    let read = import_sql(
        &script,
        "<declared schema rendered for SQLite>",
        DialectKind::Sqlite,
    )?;
    let mut s = normalize_schema(&read, DialectKind::Sqlite);
    crate::diff::restore_rename_hints(&mut s, declared);
    Ok(s)
}

/// The rename hints that hold: the old column exists and neither the new name nor (still) the
/// old one is taken. The others are cleared from `target` so the change list agrees with the
/// statements.
fn renames(old: &Schema, target: &mut Schema) -> Renames {
    let mut out = Renames::new();
    for t in &mut target.tables {
        let before = old.table(&t.name);
        let names: Vec<Name> = t.columns.iter().map(|c| c.name.clone()).collect();
        let mut taken: Vec<Box<str>> = Vec::new();
        for c in &mut t.columns {
            let Some(from) = c.take_renamed_from() else {
                continue;
            };
            let holds = before.is_some_and(|b| b.has_column(&from) && !b.has_column(&c.name))
                && !names.iter().any(|n| *n == *from)
                && !taken.contains(&from);
            if holds {
                taken.push(from.clone());
                out.entry(t.name.clone())
                    .or_default()
                    .push((from.to_string(), c.name.to_string()));
                c.set_renamed_from(Some(from));
            }
        }
    }
    out
}

/// `old` after the renames, as SQLite's RENAME COLUMN leaves it: keys, expressions and the
/// foreign keys of other tables follow the new name.
fn with_renames(old: &Schema, renames: &Renames) -> Schema {
    let mut s = old.clone();
    for (table, list) in renames {
        for (from, to) in list {
            for t in &mut s.tables {
                if &t.name == table {
                    rename_column(t, from, to, DialectKind::Sqlite);
                } else {
                    rename_ref_column(t, table, from, to);
                }
            }
        }
    }
    normalize_schema(&s, DialectKind::Sqlite)
}

/// What happens to a declared table.
enum Step<'a> {
    New,
    /// Only the renames, if any.
    Same(&'a Table),
    InPlace(&'a Table, InPlace<'a>),
    Rebuild(&'a Table),
}

/// Every statement of the plan, in the order they run: drops first so names are free again,
/// then table by table in creation order (parents first), then the triggers that name a
/// rebuilt table.
fn statements(
    old: &Schema,
    renamed: &Schema,
    target: &Schema,
    renames: &Renames,
) -> Result<Vec<String>, Diagnostics> {
    let graph = FkGraph::new(target);
    let order: Vec<&Table> = graph
        .creation_order()
        .into_iter()
        .map(|n| graph.table(target, n))
        .collect();
    let steps: Vec<Step> = order
        .iter()
        .map(|t| match renamed.table(&t.name) {
            None => Step::New,
            Some(before) if canonical(before) == canonical(t) => Step::Same(before),
            Some(before) => match in_place(target, before, t) {
                Some(steps) => Step::InPlace(before, steps),
                None => Step::Rebuild(before),
            },
        })
        .collect();
    let mut w = Script {
        old,
        target,
        rebuilt: order
            .iter()
            .zip(&steps)
            .filter(|(_, s)| matches!(s, Step::Rebuild(_)))
            .map(|(t, _)| t.name.name.as_str())
            .collect(),
        owners: owners(target),
        drops: Vec::new(),
        body: Vec::new(),
        last: Vec::new(),
    };
    w.drop_tables();
    for (t, step) in order.iter().zip(&steps) {
        let table_renames = renames.get(&t.name).map(Vec::as_slice).unwrap_or_default();
        w.table(t, step, table_renames)?;
    }
    w.views(steps.iter().any(|s| matches!(s, Step::Rebuild(_))));
    let Script {
        mut drops,
        mut body,
        mut last,
        ..
    } = w;
    drops.append(&mut body);
    drops.append(&mut last);
    Ok(drops)
}

/// The table each index and trigger name belongs to: these names are schema-wide in SQLite.
fn owners(target: &Schema) -> HashMap<&str, &QName> {
    let mut owners: HashMap<&str, &QName> = HashMap::new();
    for t in &target.tables {
        for n in t
            .indexes
            .iter()
            .map(|i| i.name.as_str())
            .chain(t.triggers.iter().map(|t| t.name.as_str()))
        {
            owners.insert(n, &t.name);
        }
    }
    owners
}

/// The plan's statements being written, in three parts run in order.
struct Script<'a> {
    old: &'a Schema,
    target: &'a Schema,
    /// The tables this plan rebuilds.
    rebuilt: Vec<&'a str>,
    owners: HashMap<&'a str, &'a QName>,
    drops: Vec<String>,
    body: Vec<String>,
    /// Triggers that name a rebuilt table, and changed views.
    last: Vec<String>,
}

impl<'a> Script<'a> {
    /// Whether trigger `tr` on `on` names a table the plan rebuilds: SQLite re-checks every
    /// trigger when a table is renamed, and fails on one that names a table the rebuild has
    /// just dropped, so such triggers are dropped first and created last.
    fn held(&self, on: &Table, tr: &Trigger) -> bool {
        column_refs(&tr.sql)
            .iter()
            .any(|w| *w != on.name.name && self.rebuilt.contains(&w.as_str()))
    }

    /// Children first: it reads naturally, though foreign keys are off anyway.
    fn drop_tables(&mut self) {
        let old_graph = FkGraph::new(self.old);
        for node in old_graph.creation_order().into_iter().rev() {
            let t = old_graph.table(self.old, node);
            if self.target.table(&t.name).is_none() {
                self.drops
                    .push(format!("DROP TABLE {}", quote_ident(&t.name.name)));
            }
        }
    }

    /// The statements for one declared table, by what happens to it.
    fn table(
        &mut self,
        t: &'a Table,
        step: &Step<'a>,
        renames: &[(String, String)],
    ) -> Result<(), Diagnostics> {
        let rename_columns = renames.iter().map(|(from, to)| {
            format!(
                "ALTER TABLE {} RENAME COLUMN {} TO {}",
                quote_ident(&t.name.name),
                quote_ident(from),
                quote_ident(to)
            )
        });
        let mut triggers: Vec<&Trigger> = Vec::new();
        match step {
            Step::New => {
                let created = lite::table_statements(self.target, t, &t.name.name)?;
                self.body.push(created.create.sql);
                self.body.extend(created.indexes.into_iter().map(|s| s.sql));
                triggers.extend(&t.triggers);
            }
            Step::Same(before) => {
                let kept: Vec<&Trigger> = before
                    .triggers
                    .iter()
                    .filter(|tr| self.held(before, tr))
                    .collect();
                self.drops.extend(kept.iter().map(|tr| drop_trigger(tr)));
                self.body.extend(rename_columns);
                triggers.extend(kept);
            }
            Step::InPlace(before, steps) => {
                let kept: Vec<&Trigger> = before
                    .triggers
                    .iter()
                    .filter(|tr| self.held(before, tr) && !steps.dropped_triggers.contains(tr))
                    .collect();
                self.drops
                    .extend(steps.dropped_indexes.iter().map(|ix| drop_index(ix)));
                self.drops
                    .extend(steps.dropped_triggers.iter().map(|tr| drop_trigger(tr)));
                self.drops.extend(kept.iter().map(|tr| drop_trigger(tr)));
                self.body.extend(rename_columns);
                self.body.extend(steps.alters.iter().cloned());
                for ix in &steps.created_indexes {
                    self.body
                        .push(lite::create_index(t, ix).map_err(Diagnostics::from)?.sql);
                }
                triggers.extend(kept);
                triggers.extend(steps.created_triggers.iter().copied());
            }
            Step::Rebuild(before) => {
                self.drop_moved(t, before);
                self.body
                    .extend(rebuild(self.old, self.target, before, t, renames)?);
                triggers.extend(&t.triggers);
            }
        }
        for tr in triggers {
            if self.held(t, tr) {
                self.last.push(tr.statement().to_string());
            } else {
                self.body.push(tr.statement().to_string());
            }
        }
        Ok(())
    }

    /// A rebuilt table's old indexes and triggers go with it, but only when it is dropped:
    /// a name another table takes over must be free before that table is reached.
    fn drop_moved(&mut self, t: &Table, before: &Table) {
        let moved = |name: &str| self.owners.get(name).is_some_and(|o| **o != t.name);
        let indexes = before
            .indexes
            .iter()
            .filter(|i| moved(&i.name))
            .map(drop_index);
        let triggers = before
            .triggers
            .iter()
            .filter(|tr| moved(&tr.name) || self.held(before, tr))
            .map(drop_trigger);
        let dropped: Vec<String> = indexes.chain(triggers).collect();
        self.drops.extend(dropped);
    }

    /// Views go first and come back last when they change, and around any rebuild: SQLite
    /// re-checks every view when a table is renamed, and fails on one that reads a table the
    /// rebuild has just dropped.
    fn views(&mut self, rebuilding: bool) {
        let same = |v: &View| {
            self.target
                .views
                .iter()
                .any(|t| t.name == v.name && t.sql == v.sql)
        };
        let mut view_drops: Vec<String> = self
            .old
            .views
            .iter()
            .rev()
            .filter(|v| rebuilding || !same(v))
            .map(|v| format!("DROP VIEW {}", quote_ident(&v.name.name)))
            .collect();
        for v in &self.target.views {
            let kept = self
                .old
                .views
                .iter()
                .any(|o| o.name == v.name && o.sql == v.sql);
            if rebuilding || !kept {
                self.last.push(v.statement().to_string());
            }
        }
        view_drops.append(&mut self.drops);
        self.drops = view_drops;
    }
}

fn drop_index(ix: &Index) -> String {
    format!("DROP INDEX {}", quote_ident(&ix.name))
}

fn drop_trigger(tr: &Trigger) -> String {
    format!("DROP TRIGGER {}", quote_ident(&tr.name))
}

/// A table with its parts in name order and without rename hints. SQLite appends what ADD
/// COLUMN adds, so order is no difference here, as it is none for `drift`.
fn canonical(t: &Table) -> Table {
    let mut t = t.clone();
    for c in &mut t.columns {
        c.set_renamed_from(None);
    }
    t.columns.sort_by(|a, b| a.name.cmp(&b.name));
    t.uniques.sort_by(|a, b| a.name.cmp(&b.name));
    t.checks.sort_by(|a, b| a.name.cmp(&b.name));
    t.foreign_keys.sort_by(|a, b| a.name.cmp(&b.name));
    t.indexes.sort_by(|a, b| a.name.cmp(&b.name));
    t.triggers.sort_by(|a, b| a.name.cmp(&b.name));
    t
}

/// An in-place change of one table: the indexes and triggers it drops (with the plan's other
/// drops, before any table changes), its ADD and DROP COLUMN statements, then what it creates.
struct InPlace<'a> {
    dropped_indexes: Vec<&'a Index>,
    dropped_triggers: Vec<&'a Trigger>,
    alters: Vec<String>,
    created_indexes: Vec<&'a Index>,
    created_triggers: Vec<&'a Trigger>,
}

/// How `before` (renames done) becomes `after` without a rebuild, or None when SQLite cannot
/// make some part of the change in place.
fn in_place<'a>(target: &Schema, before: &'a Table, after: &'a Table) -> Option<InPlace<'a>> {
    let table = quote_ident(&after.name.name);
    // What the ALTER TABLE statements leave, to compare with `after` at the end: anything this
    // function does not handle shows up there as a difference, and the table is rebuilt.
    let mut reached = before.clone();
    reached.columns.retain(|c| after.has_column(&c.name));
    let mut alters = Vec::new();
    for c in after.columns.iter().filter(|c| !before.has_column(&c.name)) {
        if !addable(after, c) {
            return None;
        }
        // ADD COLUMN cannot add table constraints, but its column may carry its own.
        let mut def = lite::column_def(target, c).ok()?;
        let new_check = |ch: &&Check| !before.checks.contains(ch);
        for ch in after.checks.iter().filter(new_check) {
            if only_mentions(after, &ch.expression, &c.name) {
                def.push(' ');
                def.push_str(&lite::check_def(ch));
                reached.checks.push(ch.clone());
            }
        }
        let new_fk = |fk: &&ForeignKey| !before.foreign_keys.contains(fk);
        for fk in after.foreign_keys.iter().filter(new_fk) {
            if fk.columns == [c.name.clone()] {
                // SQLite's rule for a REFERENCES clause on an added column.
                if c.default.is_some() {
                    return None;
                }
                def.push(' ');
                def.push_str(&lite::inline_foreign_key(fk));
                reached.foreign_keys.push(fk.clone());
            }
        }
        reached.columns.push(c.clone());
        alters.push(format!("ALTER TABLE {table} ADD COLUMN {def}"));
    }
    for c in before.columns.iter().filter(|c| !after.has_column(&c.name)) {
        if !droppable(before, after, &c.name) {
            return None;
        }
        alters.push(format!(
            "ALTER TABLE {table} DROP COLUMN {}",
            quote_ident(&c.name)
        ));
    }
    reached.indexes = after.indexes.clone();
    reached.triggers = after.triggers.clone();
    if canonical(&reached) != canonical(after) {
        return None;
    }
    Some(InPlace {
        dropped_indexes: before
            .indexes
            .iter()
            .filter(|i| !after.indexes.contains(i))
            .collect(),
        dropped_triggers: before
            .triggers
            .iter()
            .filter(|t| !after.triggers.contains(t))
            .collect(),
        alters,
        created_indexes: after
            .indexes
            .iter()
            .filter(|i| !before.indexes.contains(i))
            .collect(),
        created_triggers: after
            .triggers
            .iter()
            .filter(|t| !before.triggers.contains(t))
            .collect(),
    })
}

/// SQLite's rules for ALTER TABLE ADD COLUMN: no key, not generated, and a default that is a
/// constant (not CURRENT_TIMESTAMP, not an expression), which a NOT NULL column must have.
fn addable(t: &Table, c: &Column) -> bool {
    let in_key = t
        .primary_key
        .iter()
        .map(|pk| &pk.columns)
        .chain(t.uniques.iter().map(|u| &u.columns))
        .any(|cols| cols.contains(&c.name));
    let default_ok = match &c.default {
        None => c.nullable,
        Some(d) => matches!(
            d,
            DefaultValue::Bool(_)
                | DefaultValue::Int(_)
                | DefaultValue::Number(_)
                | DefaultValue::Text(_)
                | DefaultValue::EnumValue(_)
        ),
    };
    !in_key && c.generated().is_none() && c.identity.is_none() && default_ok
}

/// SQLite's rules for ALTER TABLE DROP COLUMN: nothing that stays may use the column (keys,
/// checks, foreign keys, indexes, generated columns, triggers). Indexes and triggers that go
/// are dropped before. Checks are not told apart from column constraints here, so any check
/// on the column means a rebuild.
fn droppable(before: &Table, after: &Table, col: &str) -> bool {
    let mentions = |sql: &str| column_refs(sql).iter().any(|w| w == col);
    let in_key = before
        .primary_key
        .iter()
        .map(|pk| &pk.columns)
        .chain(before.uniques.iter().map(|u| &u.columns))
        .chain(before.foreign_keys.iter().map(|f| &f.columns))
        .any(|cols| cols.iter().any(|c| c == col));
    let in_check = before.checks.iter().any(|c| mentions(&c.expression));
    let in_index = before
        .indexes
        .iter()
        .filter(|i| after.indexes.contains(i))
        .any(|i| {
            i.predicate.as_deref().is_some_and(mentions)
                || i.parts.iter().any(|p| match &p.key {
                    IndexKey::Column(c) => c == col,
                    IndexKey::Expression(e) => mentions(e),
                })
        });
    let in_generated = after
        .columns
        .iter()
        .filter_map(|c| c.generated())
        .any(mentions);
    let in_trigger = before
        .triggers
        .iter()
        .filter(|t| after.triggers.contains(t))
        .any(|t| mentions(&t.sql));
    !(in_key || in_check || in_index || in_generated || in_trigger)
}

/// True when the only column of `t` that `expr` names is `col`.
fn only_mentions(t: &Table, expr: &str, col: &str) -> bool {
    let named: Vec<String> = column_refs(expr)
        .into_iter()
        .filter(|w| t.has_column(w))
        .collect();
    !named.is_empty() && named.iter().all(|w| w == col)
}

/// SQLite's table rebuild: the declared table under a temporary name, the rows of the columns
/// both shapes have (renamed ones read under their old name), the old table dropped, the new
/// one renamed, its indexes created again (its triggers are the caller's). Values are copied as they are, under
/// the new column's type affinity, and every new constraint checks them.
fn rebuild(
    old: &Schema,
    target: &Schema,
    before: &Table,
    after: &Table,
    renames: &[(String, String)],
) -> Result<Vec<String>, Diagnostics> {
    let name = &after.name.name;
    let temp = temp_name(old, target, name);
    let created = lite::table_statements(target, after, &temp)?;
    let mut out = vec![created.create.sql];
    let (mut into, mut from) = (Vec::new(), Vec::new());
    for c in after.columns.iter().filter(|c| c.generated().is_none()) {
        if !before.has_column(&c.name) {
            continue;
        }
        let source = renames
            .iter()
            .find(|(_, to)| *to == c.name)
            .map_or(c.name.as_str(), |(from, _)| from.as_str());
        into.push(quote_ident(&c.name));
        from.push(quote_ident(source));
    }
    // With no column in common there is nothing to carry over.
    if !into.is_empty() {
        out.push(format!(
            "INSERT INTO {} ({}) SELECT {} FROM {}",
            quote_ident(&temp),
            into.join(", "),
            from.join(", "),
            quote_ident(name)
        ));
    }
    out.push(format!("DROP TABLE {}", quote_ident(name)));
    out.push(format!(
        "ALTER TABLE {} RENAME TO {}",
        quote_ident(&temp),
        quote_ident(name)
    ));
    out.extend(created.indexes.into_iter().map(|s| s.sql));
    Ok(out)
}

/// `_schemactl_new_<table>`, or with a number when a table already has that name (SQLite
/// compares table names without case).
fn temp_name(old: &Schema, target: &Schema, table: &str) -> String {
    let taken = |n: &str| {
        old.tables
            .iter()
            .chain(&target.tables)
            .any(|t| t.name.name.eq_ignore_ascii_case(n))
    };
    let base = format!("_schemactl_new_{table}");
    let mut name = base.clone();
    let mut i = 2;
    while taken(&name) {
        name = format!("{base}_{i}");
        i += 1;
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apply::sqlite_driver::SqliteDriver;
    use crate::apply::{self, ApplyOptions, Target};
    use crate::dsl::*;
    use crate::migrate::{MigrationDir, MigrationFile};
    use crate::model::FkAction;
    use std::path::PathBuf;

    const USERS: TableRef = TableRef::new("users");
    const POSTS: TableRef = TableRef::new("posts");
    const LOGS: TableRef = TableRef::new("logs");
    const TAGS: TableRef = TableRef::new("tags");
    const STATE: EnumDef = EnumDef::new("post_state", &["draft", "live"]);
    const STATE_MORE: EnumDef = EnumDef::new("post_state", &["draft", "live", "gone"]);

    fn file(version: u64, sql: &str) -> MigrationFile {
        let file_name = format!("{version:04}_m.sql");
        MigrationFile {
            version,
            name: "m".to_string(),
            path: PathBuf::from(&file_name),
            file_name,
            checksum: crate::migrate::checksum(sql.as_bytes()),
            sql: sql.to_string(),
        }
    }

    /// The pipeline's SQLite proof, on a folder of `files`.
    fn prove(files: &[MigrationFile], plan: &Plan, declared: &Schema) -> Result<(), Diagnostics> {
        let dir = MigrationDir {
            path: PathBuf::from("m"),
            files: files.to_vec(),
            sum: None,
        };
        crate::generate::prove_sqlite(&dir, plan, declared)
    }

    /// A folder holding `from`'s full render, what it replays to, and the plan to `to`.
    fn planned(from: &Schema, to: &Schema) -> (Vec<MigrationFile>, Plan) {
        let folder = vec![file(1, &to_script(&Sqlite.create(from).unwrap()))];
        let current = replay(&folder);
        let plan = plan(&current, to).unwrap_or_else(|ds| panic!("{ds}"));
        (folder, plan)
    }

    fn replay(files: &[MigrationFile]) -> Schema {
        crate::sql::import_files(
            files.iter().map(|f| (f.file_name.as_str(), f.sql.as_str())),
            DialectKind::Sqlite,
        )
        .unwrap_or_else(|ds| panic!("{ds}"))
    }

    fn sql(plan: &Plan) -> String {
        plan.files.iter().map(|f| f.script("")).collect()
    }

    fn blog(v2: bool) -> Schema {
        let mut s = SchemaBuilder::new();
        s.enumeration(if v2 { STATE_MORE } else { STATE });
        let mut users = s.table(USERS);
        users
            .global("x")
            .col("id", text())
            .primary_key(["id"])
            .col("email", text());
        if v2 {
            users
                .col("handle", text().null().renamed_from("nick"))
                .col("bio", text().null());
        } else {
            users.col("nick", text().null());
        }
        let mut posts = s.table(POSTS);
        posts
            .global("x")
            .col("id", text())
            .primary_key(["id"])
            .references("user_id", USERS, text())
            .col(
                "state",
                enum_of(if v2 { STATE_MORE } else { STATE }).default_enum("draft"),
            );
        if v2 {
            posts.col("body", text().default_text(""));
        } else {
            posts.col("body", text().null());
        }
        if v2 {
            s.table(TAGS)
                .global("x")
                .col("id", text())
                .primary_key(["id"])
                .col("post_id", text())
                .fk_with(["post_id"], POSTS, ["id"], |f| {
                    f.on_delete(FkAction::Cascade)
                });
        } else {
            s.table(LOGS)
                .global("x")
                .col("id", integer())
                .primary_key(["id"]);
        }
        s.build().unwrap()
    }

    /// Runs `folder`, then `rows`, then `plan` on an in-memory database through the SQLite
    /// driver, as `apply` would.
    fn applied(folder: &[MigrationFile], rows: &str, plan: &Plan) -> SqliteDriver {
        let mut db = SqliteDriver::in_memory().unwrap();
        let run = |db: &mut SqliteDriver, files: Vec<MigrationFile>| {
            let scripts: Vec<_> = files
                .iter()
                .map(|f| crate::sql::split::split_unparsed(&f.sql, DialectKind::Sqlite))
                .collect();
            let dir = MigrationDir {
                path: PathBuf::from("m"),
                files,
                sum: None,
            };
            let target = Target::Sqlite(PathBuf::from(":memory:"));
            apply::apply(
                db,
                &target,
                &dir,
                &scripts,
                &ApplyOptions::default(),
                &mut apply::Silent,
            )
            .unwrap_or_else(|ds| panic!("{ds}"));
        };
        run(&mut db, folder.to_vec());
        db.connection()
            .execute_batch(&format!("PRAGMA foreign_keys = ON; {rows}"))
            .unwrap();
        let mut all = folder.to_vec();
        all.extend(
            plan.files
                .iter()
                .enumerate()
                .map(|(i, f)| file(folder.len() as u64 + 1 + i as u64, &f.script(""))),
        );
        run(&mut db, all);
        db
    }

    fn count(db: &SqliteDriver, sql: &str) -> i64 {
        db.connection().query_row(sql, [], |r| r.get(0)).unwrap()
    }

    /// The folder plus the plan replays to a model the planner has nothing more to do for.
    fn settled(folder: &[MigrationFile], plan: &Plan, declared: &Schema) {
        let mut all = folder.to_vec();
        all.extend(plan.files.iter().map(|f| file(99, &f.script(""))));
        let again = super::plan(&replay(&all), declared).unwrap();
        assert!(again.files.is_empty(), "{}", sql(&again));
        assert!(again.changes.is_empty(), "{:?}", again.changes);
    }

    #[test]
    fn new_dropped_added_renamed_and_rebuilt_tables_in_one_file() {
        let (from, to) = (blog(false), blog(true));
        let (folder, plan) = planned(&from, &to);
        let changes: Vec<String> = plan
            .changes
            .iter()
            .map(|c| format!("{:?}: {}", c.risk(), c.describe()))
            .collect();
        insta::assert_snapshot!(format!("{}\n\n{}", changes.join("\n"), sql(&plan)));
        assert_eq!(plan.files.len(), 1);
        assert!(!plan.files[0].no_transaction);
        prove(&folder, &plan, &to).unwrap_or_else(|ds| panic!("{ds}"));
        settled(&folder, &plan, &to);
        // Rows survive the rebuild of `posts`, and the renamed column keeps its values.
        let db = applied(
            &folder,
            "INSERT INTO users (id, email, nick) VALUES ('u1', 'a@b', 'al');
             INSERT INTO posts (id, user_id, state, body) VALUES ('p1', 'u1', 'live', 'hi');
             INSERT INTO logs (id) VALUES (1);",
            &plan,
        );
        assert_eq!(
            count(&db, "SELECT count(*) FROM users WHERE handle = 'al'"),
            1
        );
        assert_eq!(
            count(&db, "SELECT count(*) FROM posts WHERE body = 'hi'"),
            1
        );
    }

    #[test]
    fn plans_are_deterministic() {
        let a = planned(&blog(false), &blog(true)).1;
        let b = planned(&blog(false), &blog(true)).1;
        assert_eq!(a.files, b.files);
        assert_eq!(a.changes, b.changes);
    }

    #[test]
    fn up_to_date_folders_plan_nothing() {
        let (_, plan) = planned(&blog(true), &blog(true));
        assert!(plan.files.is_empty() && plan.changes.is_empty());
    }

    fn notes(extra: impl FnOnce(&mut TableBuilder)) -> Schema {
        let mut s = SchemaBuilder::new();
        s.enumeration(STATE);
        s.table(USERS)
            .global("x")
            .col("id", text())
            .primary_key(["id"]);
        let mut t = s.table(POSTS);
        t.global("x")
            .col("id", text())
            .primary_key(["id"])
            .col("title", text().null())
            .col("size", integer().null())
            .index(["size"]);
        extra(&mut t);
        s.build().unwrap()
    }

    #[test]
    fn added_columns_carry_their_own_foreign_key_and_check() {
        let from = notes(|_| {});
        let to = notes(|t| {
            t.col("state", enum_of(STATE).default_enum("live"))
                .col("author", text().null())
                .fk_with(["author"], USERS, ["id"], |f| {
                    f.on_delete(FkAction::SetNull)
                })
                .col("score", integer().default_int(0))
                .check("score", "score >= 0");
        });
        let (folder, plan) = planned(&from, &to);
        let sql = sql(&plan);
        assert_eq!(
            sql,
            "ALTER TABLE posts ADD COLUMN state TEXT NOT NULL DEFAULT 'live' CONSTRAINT posts_state_check CHECK (state IN ('draft', 'live'));\n\
             ALTER TABLE posts ADD COLUMN author TEXT CONSTRAINT posts_author_fk REFERENCES users (id) ON DELETE SET NULL;\n\
             ALTER TABLE posts ADD COLUMN score INTEGER NOT NULL DEFAULT 0 CONSTRAINT posts_score_check CHECK (score >= 0);\n"
        );
        prove(&folder, &plan, &to).unwrap_or_else(|ds| panic!("{ds}"));
        settled(&folder, &plan, &to);
    }

    #[test]
    fn columns_sqlite_cannot_add_rebuild_the_table() {
        let from = notes(|_| {});
        for change in [
            // NOT NULL without a default, a key, a non-constant default, an FK with a default.
            notes(|t| {
                t.col("n", integer());
            }),
            notes(|t| {
                t.col("n", integer().null().unique());
            }),
            notes(|t| {
                t.col("at", timestamptz().default_now());
            }),
            notes(|t| {
                t.col("author", text().default_text("u1"))
                    .fk(["author"], USERS, ["id"]);
            }),
            // A check on a column that is already there.
            notes(|t| {
                t.check("size", "size > 0");
            }),
        ] {
            let (folder, plan) = planned(&from, &change);
            let sql = sql(&plan);
            assert!(
                sql.contains("ALTER TABLE _schemactl_new_posts RENAME TO posts"),
                "{sql}"
            );
            assert!(!sql.contains("ADD COLUMN"), "{sql}");
            prove(&folder, &plan, &change).unwrap_or_else(|ds| panic!("{ds}\n{sql}"));
            settled(&folder, &plan, &change);
        }
    }

    #[test]
    fn columns_drop_in_place_unless_something_still_uses_them() {
        let from = notes(|t| {
            t.col("body", text().null())
                .check("body", "length(body) < 100");
        });
        // `title` is free; `size` loses its index along with it.
        let to = notes(|t| {
            t.col("body", text().null())
                .check("body", "length(body) < 100");
        });
        let mut to = to;
        let posts = to
            .tables
            .iter_mut()
            .find(|t| t.name.name == "posts")
            .unwrap();
        posts
            .columns
            .retain(|c| c.name != "title" && c.name != "size");
        posts.indexes.clear();
        let (folder, plan) = planned(&from, &to);
        assert_eq!(
            sql(&plan),
            "DROP INDEX posts_size_idx;\nALTER TABLE posts DROP COLUMN title;\nALTER TABLE posts DROP COLUMN size;\n"
        );
        prove(&folder, &plan, &to).unwrap_or_else(|ds| panic!("{ds}"));
        settled(&folder, &plan, &to);
        // A column a check names is rebuilt away.
        let mut without_body = from.clone();
        let posts = without_body
            .tables
            .iter_mut()
            .find(|t| t.name.name == "posts")
            .unwrap();
        posts.columns.retain(|c| c.name != "body");
        posts.checks.retain(|c| c.name != "posts_body_check");
        let (folder, plan) = planned(&from, &without_body);
        assert!(!sql(&plan).contains("DROP COLUMN"), "{}", sql(&plan));
        prove(&folder, &plan, &without_body).unwrap_or_else(|ds| panic!("{ds}"));
    }

    #[test]
    fn renamed_columns_keep_their_checks_and_references_in_place() {
        let from = notes(|t| {
            t.check("size", "size > 0");
        });
        let mut to = from.clone();
        for t in &mut to.tables {
            if t.name.name == "posts" {
                let c = t.columns.iter_mut().find(|c| c.name == "size").unwrap();
                c.name = "bytes".into();
                c.set_renamed_from(Some("size".into()));
                t.checks[0].expression = "bytes > 0".into();
                t.indexes[0].parts[0].key = IndexKey::Column("bytes".into());
            }
        }
        let (folder, plan) = planned(&from, &to);
        assert_eq!(
            sql(&plan),
            "ALTER TABLE posts RENAME COLUMN size TO bytes;\n"
        );
        // The index and the check follow the column: neither is a change of its own.
        let described: Vec<String> = plan.changes.iter().map(|c| c.describe()).collect();
        assert_eq!(described, ["rename column posts.size to bytes"]);
        prove(&folder, &plan, &to).unwrap_or_else(|ds| panic!("{ds}"));
        settled(&folder, &plan, &to);
    }

    #[test]
    fn a_rebuilt_parent_keeps_its_children_and_their_rows() {
        let make = |v2: bool| {
            let mut s = SchemaBuilder::new();
            let mut users = s.table(USERS);
            users.global("x").col("id", text()).primary_key(["id"]);
            users.col("name", if v2 { text() } else { text().null() });
            s.table(POSTS)
                .global("x")
                .col("id", text())
                .primary_key(["id"])
                .col("user_id", text())
                .fk_with(["user_id"], USERS, ["id"], |f| f.on_delete(FkAction::Cascade))
                // Another table's trigger that names the rebuilt one.
                .trigger(
                    "posts_touch",
                    "CREATE TRIGGER posts_touch AFTER INSERT ON posts BEGIN UPDATE users SET name = name WHERE id = new.user_id; END",
                );
            s.build().unwrap()
        };
        let (folder, plan) = planned(&make(false), &make(true));
        assert!(sql(&plan).contains("DROP TABLE users"), "{}", sql(&plan));
        let db = applied(
            &folder,
            "INSERT INTO users VALUES ('u1', 'a'); INSERT INTO posts VALUES ('p1', 'u1');",
            &plan,
        );
        assert_eq!(count(&db, "SELECT count(*) FROM posts"), 1);
        assert_eq!(count(&db, "SELECT count(*) FROM users"), 1);
        prove(&folder, &plan, &make(true)).unwrap_or_else(|ds| panic!("{ds}"));
    }

    #[test]
    fn rows_that_break_a_new_rule_fail_the_migration() {
        let (folder, plan) = planned(&blog(false), &blog(true));
        let mut db = SqliteDriver::in_memory().unwrap();
        let files = folder.clone();
        let scripts: Vec<_> = files
            .iter()
            .map(|f| crate::sql::split::split_unparsed(&f.sql, DialectKind::Sqlite))
            .collect();
        let dir = MigrationDir {
            path: PathBuf::from("m"),
            files,
            sum: None,
        };
        let target = Target::Sqlite(PathBuf::from(":memory:"));
        apply::apply(
            &mut db,
            &target,
            &dir,
            &scripts,
            &ApplyOptions::default(),
            &mut apply::Silent,
        )
        .unwrap();
        // A post with no body cannot go into the NOT NULL column.
        db.connection()
            .execute_batch(
                "INSERT INTO users (id, email) VALUES ('u1', 'a@b');
                 INSERT INTO posts (id, user_id) VALUES ('p1', 'u1');",
            )
            .unwrap();
        let mut dir = dir;
        dir.files.push(file(2, &plan.files[0].script("")));
        let scripts: Vec<_> = dir
            .files
            .iter()
            .map(|f| crate::sql::split::split_unparsed(&f.sql, DialectKind::Sqlite))
            .collect();
        let err = apply::apply(
            &mut db,
            &target,
            &dir,
            &scripts,
            &ApplyOptions::default(),
            &mut apply::Silent,
        )
        .unwrap_err();
        assert!(err.to_string().contains("NOT NULL"), "{err}");
        // Rolled back whole: the old shape and its rows are still there.
        assert_eq!(count(&db, "SELECT count(*) FROM logs"), 0);
        assert_eq!(
            count(&db, "SELECT count(*) FROM posts WHERE body IS NULL"),
            1
        );
    }

    #[test]
    fn a_changed_generated_column_is_rebuilt_and_recomputed() {
        let make = |expr: &str| {
            let mut s = SchemaBuilder::new();
            s.table(POSTS)
                .global("x")
                .col("id", text())
                .primary_key(["id"])
                .col("size", integer())
                .col("double", integer().null().generated(expr));
            s.build().unwrap()
        };
        let (from, to) = (make("size * 2"), make("size * 3"));
        let (folder, plan) = planned(&from, &to);
        // The change list has no kind for it; the plan is still not empty.
        assert!(!plan.is_empty());
        let script = sql(&plan);
        assert!(
            script
                .contains("INSERT INTO _schemactl_new_posts (id, size) SELECT id, size FROM posts"),
            "{script}"
        );
        prove(&folder, &plan, &to).unwrap_or_else(|ds| panic!("{ds}"));
        let db = applied(
            &folder,
            "INSERT INTO posts (id, size) VALUES ('p', 5);",
            &plan,
        );
        assert_eq!(count(&db, "SELECT double FROM posts"), 15);
    }

    #[test]
    fn what_sqlite_cannot_express_is_refused() {
        let mut s = SchemaBuilder::new();
        s.table(USERS)
            .global("x")
            .col("id", uuid().default_random_uuid())
            .primary_key(["id"]);
        let err = plan(&Schema::default(), &s.build().unwrap()).unwrap_err();
        assert_eq!(err.iter().next().unwrap().code, "sqlite::unsupported");
    }

    #[test]
    fn a_plan_that_misses_a_change_is_not_proven() {
        let (folder, mut plan) = planned(&blog(false), &blog(true));
        plan.files[0]
            .statements
            .retain(|s| !s.starts_with("ALTER TABLE users ADD COLUMN"));
        let err = prove(&folder, &plan, &blog(true)).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("generate::unplannable") && text.contains("bio on users"),
            "{text}"
        );
    }
}
