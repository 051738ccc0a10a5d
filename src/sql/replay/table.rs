//! Tables: CREATE TABLE, ALTER TABLE, their columns and constraints, and CREATE INDEX.

use super::edits::{
    drop_column, drop_constraint, has_constraint, rename_column, rename_constraint,
    rename_ref_column,
};
use super::types::{collation, column_type, default_value, qname};
use super::{At, Replayer};
use crate::model::*;
use crate::sql::ast::{self, AlterOp, ConstraintKind, KeyPart};

impl Replayer {
    pub(super) fn create_table(&mut self, ct: &ast::CreateTable, at: &At) {
        let name = qname(&ct.name);
        if let Some((parent, bound)) = &ct.partition_of {
            let parent = qname(parent);
            if self.unmodeled.contains(&parent) || self.is_partition(&parent) {
                // A sub-partition: the model keeps one level of partitions.
                self.unmodeled.insert(name);
                return;
            }
            let part = Partition {
                name: name.clone(),
                bound: bound.clone(),
                origin: at.origin.clone(),
            };
            // The model keeps a partition as its parent's bound; what is done to the
            // partition itself (its copies of the parent's indexes and keys) is the parent's
            // (see `is_partition`).
            match self.table_mut(&parent) {
                Some(t) => t.partitions.push(part),
                None => self.unknown(at, &format!("partitioned table `{parent}`")),
            }
            return;
        }
        if ct.persistence == Some("TEMPORARY") {
            // Gone when the migration's session ends.
            self.unmodeled.insert(name);
            return;
        }
        if ct.derived {
            return self.unsupported(at, "CREATE TABLE ... INHERITS / OF");
        }
        if self.tables.contains_key(&name) {
            if !ct.if_not_exists && !self.idempotent {
                self.conflict(at, &format!("table `{name}` already exists"));
            }
            return;
        }
        let mut t = Table::new(name.clone(), at.origin.clone());
        self.schema.tables.push(t.clone());
        self.tables
            .insert(name.clone(), self.schema.tables.len() - 1);
        for (i, col) in ct.columns.iter().enumerate() {
            for like in ct.like.iter().filter(|l| l.position == i) {
                self.copy_like(&mut t, like, at);
            }
            self.add_column(&mut t, col, at);
        }
        for like in ct.like.iter().filter(|l| l.position >= ct.columns.len()) {
            self.copy_like(&mut t, like, at);
        }
        for c in &ct.constraints {
            self.add_constraint(&mut t, c, at, None);
        }
        if let Some(pb) = &ct.partition_by {
            t.partition_by = Some(PartitionBy {
                strategy: match pb.strategy {
                    ast::PartitionStrategy::Range => PartitionStrategy::Range,
                    ast::PartitionStrategy::List => PartitionStrategy::List,
                    ast::PartitionStrategy::Hash => PartitionStrategy::Hash,
                },
                keys: pb
                    .keys
                    .iter()
                    .map(|k| match k {
                        KeyPart::Column(c) => c.clone(),
                        KeyPart::Expression(e) => e.text.clone(),
                    })
                    .collect(),
            });
        }
        if let Some(slot) = self.table_mut(&name) {
            *slot = t;
        }
    }

    /// `LIKE source [INCLUDING ...]`: the source's columns (with NOT NULL always; defaults,
    /// identity, generation, comments, checks, keys and indexes when included). Copied keys and
    /// indexes get names for the new table, as PostgreSQL chooses them.
    fn copy_like(&mut self, t: &mut Table, like: &ast::Like, at: &At) {
        let source = qname(&like.source);
        let Some(&si) = self.tables.get(&source) else {
            return self.unknown(at, &format!("table `{source}`"));
        };
        let src = self.schema.tables[si].clone();
        let name = t.name.name.clone();
        for c in &src.columns {
            let mut c = c.clone();
            c.origin = at.origin.clone();
            c.set_renamed_from(None);
            if !like.defaults {
                c.default = None;
            }
            if !like.identity {
                c.identity = None;
            }
            if !like.generated {
                c.set_generated(None);
            }
            if !like.comments {
                c.set_doc(None);
            }
            t.columns.push(c);
        }
        if like.constraints {
            for ch in &src.checks {
                t.checks.push(Check {
                    origin: at.origin.clone(),
                    ..ch.clone()
                });
            }
        }
        if like.indexes {
            let key_name =
                |cols: &[Name], suffix: &str| format!("{name}_{}_{suffix}", cols.join("_"));
            if let Some(pk) = &src.primary_key {
                t.primary_key = Some(PrimaryKey {
                    name: format!("{name}_pkey").into(),
                    columns: pk.columns.clone(),
                    origin: at.origin.clone(),
                });
            }
            for u in &src.uniques {
                t.uniques.push(UniqueConstraint {
                    name: key_name(&u.columns, "key").into(),
                    origin: at.origin.clone(),
                    ..u.clone()
                });
            }
            for ix in &src.indexes {
                let cols: Vec<Name> = ix
                    .parts
                    .iter()
                    .map(|p| match &p.key {
                        IndexKey::Column(c) => c.clone(),
                        IndexKey::Expression(_) => "expr".into(),
                    })
                    .collect();
                t.indexes.push(Index {
                    name: key_name(&cols, if ix.unique { "key" } else { "idx" }).into(),
                    origin: at.origin.clone(),
                    ..ix.clone()
                });
            }
            for x in &src.excludes {
                t.excludes.push(Exclude {
                    name: format!("{name}_excl"),
                    origin: at.origin.clone(),
                    ..x.clone()
                });
            }
        }
    }

    pub(super) fn add_column(&mut self, t: &mut Table, col: &ast::ColumnDef, at: &At) {
        let ty = column_type(&col.ty, &self.schema.enums);
        let mut c = Column::new(col.name.as_str(), ty, true, at.origin.clone());
        let mut later: Vec<&ast::Constraint> = Vec::new();
        for k in &col.constraints {
            match &k.kind {
                ConstraintKind::Null => c.nullable = true,
                ConstraintKind::NotNull => c.nullable = false,
                ConstraintKind::Default(e) => c.default = Some(default_value(e, &c.ty)),
                ConstraintKind::Identity(kind) => {
                    c.identity = Some(identity(*kind));
                    c.nullable = false;
                }
                ConstraintKind::Generated(e) => c.set_generated(Some(e.text.clone())),
                ConstraintKind::PrimaryKey { .. } => {
                    c.nullable = false;
                    later.push(k);
                }
                ConstraintKind::Unique { .. }
                | ConstraintKind::ForeignKey { .. }
                | ConstraintKind::Check(_)
                | ConstraintKind::Exclude { .. } => later.push(k),
                ConstraintKind::Collate(n) => c.set_collation(collation(n)),
                // Compression, storage: not described by the model.
                ConstraintKind::Other(_) => {}
            }
        }
        let col_name = c.name.clone();
        t.columns.push(c);
        for k in later {
            self.add_constraint(t, k, at, Some(&col_name));
        }
    }

    /// Adds a constraint; `column` is set for an inline column constraint (default names
    /// follow PostgreSQL: `<table>_<column>_key`, `_fkey`, `_check`).
    pub(super) fn add_constraint(
        &mut self,
        t: &mut Table,
        c: &ast::Constraint,
        at: &At,
        column: Option<&str>,
    ) {
        if let Some(name) = &c.name {
            if has_constraint(t, name) {
                if !self.idempotent {
                    let msg = format!("constraint `{name}` already exists on `{}`", t.name);
                    self.conflict(at, &msg);
                }
                return;
            }
        }
        match &c.kind {
            ConstraintKind::PrimaryKey {
                columns,
                using_index,
                ..
            }
            | ConstraintKind::Unique {
                columns,
                using_index,
                ..
            } => self.add_key(t, c, columns, using_index.as_deref(), at, column),
            ConstraintKind::Check(e) => {
                // PostgreSQL names an unnamed check after the first column it mentions.
                let first = column
                    .map(str::to_string)
                    .or_else(|| first_column_in(&e.text, t));
                let cols: Vec<String> = first.into_iter().collect();
                t.checks.push(Check {
                    name: c
                        .name
                        .clone()
                        .unwrap_or_else(|| default_name(t, &cols, "check"))
                        .into(),
                    expression: e.text.clone(),
                    origin: at.origin.clone(),
                });
            }
            ConstraintKind::Exclude {
                method,
                elements,
                predicate,
            } => self.add_exclude(t, c, method, elements, predicate.as_ref(), at),
            ConstraintKind::ForeignKey {
                columns,
                ref_table,
                ref_columns,
                on_delete,
                on_update,
            } => {
                let columns = or_column(columns, column);
                let ref_table = qname(ref_table);
                let Some(ref_columns) = self.referenced_columns(t, &ref_table, ref_columns) else {
                    return self.unknown(at, &format!("primary key of `{ref_table}`"));
                };
                t.foreign_keys.push(ForeignKey {
                    name: c
                        .name
                        .clone()
                        .unwrap_or_else(|| default_name(t, &columns, "fkey"))
                        .into(),
                    columns,
                    ref_table,
                    ref_columns,
                    on_delete: fk_action(*on_delete),
                    on_update: fk_action(*on_update),
                    deferrable: deferrable(c.deferrable, c.initially_deferred),
                    origin: at.origin.clone(),
                });
            }
            ConstraintKind::NotNull => {
                if let Some(col) = column.and_then(|n| t.columns.iter_mut().find(|c| c.name == n)) {
                    col.nullable = false;
                }
            }
            ConstraintKind::Null
            | ConstraintKind::Default(_)
            | ConstraintKind::Identity(_)
            | ConstraintKind::Generated(_)
            | ConstraintKind::Collate(_)
            | ConstraintKind::Other(_) => {}
        }
    }

    /// A primary key or unique constraint, on its columns or (`USING INDEX`) an existing
    /// index of the table, which it takes over.
    fn add_key(
        &mut self,
        t: &mut Table,
        c: &ast::Constraint,
        columns: &[String],
        using_index: Option<&str>,
        at: &At,
        column: Option<&str>,
    ) {
        let primary = matches!(c.kind, ConstraintKind::PrimaryKey { .. });
        let nulls_not_distinct = matches!(
            c.kind,
            ConstraintKind::Unique {
                nulls_not_distinct: true,
                ..
            }
        );
        let (columns, name, nulls_not_distinct) = match using_index {
            Some(index) => {
                let Some(pos) = t.indexes.iter().position(|ix| ix.name == index) else {
                    return self.unknown(at, &format!("index `{index}` on `{}`", t.name));
                };
                let cols: Option<Vec<Name>> = t.indexes[pos]
                    .parts
                    .iter()
                    .map(|p| match &p.key {
                        IndexKey::Column(c) => Some(c.clone()),
                        IndexKey::Expression(_) => None,
                    })
                    .collect();
                let Some(cols) = cols else {
                    return self.unsupported(at, "a constraint on an expression index");
                };
                // The index becomes the constraint (and takes the constraint's name).
                let ix = t.indexes.remove(pos);
                (
                    cols,
                    c.name.as_deref().map_or(ix.name, Name::from),
                    ix.nulls_not_distinct,
                )
            }
            None => {
                let cols = or_column(columns, column);
                let name = match &c.name {
                    Some(name) => Name::from(name.as_str()),
                    None if primary => format!("{}_pkey", t.name.name).into(),
                    None => default_name(t, &cols, "key").into(),
                };
                (cols, name, nulls_not_distinct)
            }
        };
        let origin = at.origin.clone();
        if primary {
            for col in &mut t.columns {
                if columns.contains(&col.name) {
                    col.nullable = false;
                }
            }
            t.primary_key = Some(PrimaryKey {
                name,
                columns,
                origin,
            });
        } else {
            t.uniques.push(UniqueConstraint {
                name,
                columns,
                nulls_not_distinct,
                origin,
            });
        }
    }

    fn add_exclude(
        &mut self,
        t: &mut Table,
        c: &ast::Constraint,
        method: &str,
        elements: &[ast::ExcludeElement],
        predicate: Option<&ast::Expr>,
        at: &At,
    ) {
        let Some(method) = IndexMethod::parse(method) else {
            return self.unsupported(at, &format!("index method `{method}`"));
        };
        let elements = elements
            .iter()
            .map(|e| ExcludeElement {
                expression: match &e.element.key {
                    KeyPart::Column(c) => c.clone(),
                    KeyPart::Expression(x) => x.text.clone(),
                },
                operator: e.operator.clone(),
            })
            .collect();
        t.excludes.push(Exclude {
            name: c
                .name
                .clone()
                .unwrap_or_else(|| format!("{}_excl", t.name.name)),
            method,
            elements,
            predicate: predicate.map(|p| p.text.clone()),
            origin: at.origin.clone(),
        });
    }

    /// The columns a foreign key references: those it names, else the referenced table's
    /// primary key (`None` when it has none).
    fn referenced_columns(
        &self,
        t: &Table,
        ref_table: &QName,
        ref_columns: &[String],
    ) -> Option<Vec<Name>> {
        if !ref_columns.is_empty() {
            return Some(ref_columns.iter().map(|c| Name::from(c.as_str())).collect());
        }
        let pk = if *ref_table == t.name {
            t.primary_key.as_ref()
        } else {
            self.tables
                .get(ref_table)
                .and_then(|&i| self.schema.tables[i].primary_key.as_ref())
        };
        pk.map(|pk| pk.columns.clone())
    }

    pub(super) fn create_index(&mut self, ci: &ast::CreateIndex, at: &At) {
        let table = qname(&ci.table);
        if self.unmodeled.contains(&table) {
            return;
        }
        let method = match &ci.method {
            None => IndexMethod::Btree,
            Some(m) => match IndexMethod::parse(m) {
                Some(m) => m,
                None => return self.unsupported(at, &format!("index method `{m}`")),
            },
        };
        let parts: Vec<IndexPart> = ci
            .elements
            .iter()
            .map(|e| IndexPart {
                key: match &e.key {
                    KeyPart::Column(c) => IndexKey::Column(Name::from(c.as_str())),
                    KeyPart::Expression(x) => IndexKey::Expression(x.text.clone()),
                },
                opclass: e.opclass.clone(),
                descending: e.descending,
            })
            .collect();
        let name = match &ci.name {
            Some(n) => n.clone(),
            None => {
                let cols: Vec<Name> = parts
                    .iter()
                    .map(|p| match &p.key {
                        IndexKey::Column(c) => c.clone(),
                        IndexKey::Expression(_) => "expr".into(),
                    })
                    .collect();
                format!("{}_{}_idx", table.name, cols.join("_"))
            }
        };
        let ix = Index {
            name: name.into(),
            parts,
            unique: ci.unique,
            method,
            predicate: ci.predicate.as_ref().map(|p| p.text.clone()),
            include: ci.include.iter().map(|c| Name::from(c.as_str())).collect(),
            nulls_not_distinct: ci.nulls_not_distinct,
            origin: at.origin.clone(),
        };
        let idempotent = self.idempotent;
        if self.is_partition(&table) {
            // A partition's index is its parent's, which the model keeps.
            return;
        }
        let Some(t) = self.table_mut(&table) else {
            return self.unknown(at, &format!("table `{table}`"));
        };
        if t.indexes.iter().any(|i| i.name == ix.name) {
            if !ci.if_not_exists && !idempotent {
                let msg = format!("index `{}` already exists", ix.name);
                self.conflict(at, &msg);
            }
            return;
        }
        t.indexes.push(ix);
    }

    pub(super) fn alter_table(&mut self, a: &ast::AlterTable, at: &At) {
        let name = qname(&a.name);
        if self.unmodeled.contains(&name) {
            return;
        }
        let Some(&ti) = self.tables.get(&name) else {
            // A partition's own constraints and settings are not in the model.
            if !a.if_exists && !self.idempotent && !self.is_partition(&name) {
                self.unknown(at, &format!("table `{name}`"));
            }
            return;
        };
        // Work on a copy so helpers can borrow `self` for diagnostics.
        let mut t = self.schema.tables[ti].clone();
        for op in &a.ops {
            self.alter_op(&mut t, &name, op, at);
        }
        self.schema.tables[ti] = t;
    }

    fn alter_op(&mut self, t: &mut Table, name: &QName, op: &AlterOp, at: &At) {
        let idempotent = self.idempotent;
        match op {
            AlterOp::AddColumn {
                if_not_exists,
                column: def,
            } => {
                if t.has_column(&def.name) {
                    if !if_not_exists && !idempotent {
                        let msg = format!("column `{}` already exists", def.name);
                        self.conflict(at, &msg);
                    }
                } else {
                    self.add_column(t, def, at);
                }
            }
            AlterOp::DropColumn { name: c, if_exists } => {
                if t.has_column(c) {
                    drop_column(t, c);
                } else if !if_exists && !idempotent {
                    self.unknown(at, &format!("column `{name}.{c}`"));
                }
            }
            AlterOp::AlterType {
                column: c,
                ty,
                collation: coll,
                ..
            } => {
                if self.column_exists(t, name, c, at) {
                    let ty = column_type(ty, &self.schema.enums);
                    if let Some(col) = t.columns.iter_mut().find(|x| x.name == c) {
                        col.ty = ty;
                        // Without COLLATE the column takes its new type's.
                        col.set_collation(coll.as_ref().and_then(collation));
                    }
                }
            }
            AlterOp::SetNotNull(c)
            | AlterOp::DropNotNull(c)
            | AlterOp::SetDefault(c, _)
            | AlterOp::DropDefault(c)
            | AlterOp::AddIdentity(c, _)
            | AlterOp::DropIdentity(c)
            | AlterOp::DropExpression(c)
            | AlterOp::SetExpression(c, _) => {
                if self.column_exists(t, name, c, at) {
                    if let Some(col) = t.columns.iter_mut().find(|x| x.name == c) {
                        alter_column(col, op);
                    }
                }
            }
            // NOT VALID constraints exist (unchecked for old rows); the model has them.
            AlterOp::AddConstraint(c) => self.add_constraint(t, c, at, None),
            AlterOp::DropConstraint {
                name: cname,
                if_exists,
            } => {
                if !drop_constraint(t, cname) && !if_exists && !idempotent {
                    self.unknown(at, &format!("constraint `{cname}` on `{name}`"));
                }
            }
            AlterOp::ValidateConstraint(cname) => {
                if !has_constraint(t, cname) {
                    self.unknown(at, &format!("constraint `{cname}` on `{name}`"));
                }
            }
            AlterOp::AlterConstraint {
                name: cname,
                deferrable: d,
                initially_deferred,
            } => {
                let exists = has_constraint(t, cname);
                match t.foreign_keys.iter_mut().find(|f| f.name == cname) {
                    Some(fk) => fk.deferrable = deferrable(*d, *initially_deferred),
                    None if exists => {}
                    None => self.unknown(at, &format!("constraint `{cname}` on `{name}`")),
                }
            }
            AlterOp::EnableRls => t.rls.enabled = true,
            AlterOp::DisableRls => t.rls.enabled = false,
            AlterOp::ForceRls => t.rls.forced = true,
            AlterOp::NoForceRls => t.rls.forced = false,
            AlterOp::AttachPartition { partition, bound } => {
                self.attach_partition(t, partition, bound, at)
            }
            AlterOp::DetachPartition { .. } => self.unsupported(
                at,
                "DETACH PARTITION (the detached table's shape is its parent's)",
            ),
            // Owner, storage, statistics, options, triggers on/off, replica identity: not in
            // the model.
            AlterOp::Other(_) => {}
        }
    }

    /// Whether `t` has the column `c` an `ALTER COLUMN` names; reported when it does not
    /// (unless the statement is guarded).
    fn column_exists(&mut self, t: &Table, name: &QName, c: &str, at: &At) -> bool {
        let found = t.has_column(c);
        if !found && !self.idempotent {
            self.unknown(at, &format!("column `{name}.{c}`"));
        }
        found
    }

    /// `ATTACH PARTITION`: the table becomes a partition of `t`, kept as its bound.
    fn attach_partition(&mut self, t: &mut Table, partition: &ast::Name, bound: &str, at: &At) {
        let part = qname(partition);
        match self.tables.get(&part).copied() {
            Some(pi) => {
                self.schema.tables.remove(pi);
                self.reindex();
                t.partitions.push(Partition {
                    name: part,
                    bound: bound.to_string(),
                    origin: at.origin.clone(),
                });
            }
            None => self.unknown(at, &format!("table `{part}`")),
        }
    }

    /// `ALTER TABLE t RENAME COLUMN a TO b`.
    pub(super) fn rename_column(&mut self, table: &QName, old: &str, new: &str, at: &At) {
        let Some(&ti) = self.tables.get(table) else {
            return self.unknown(at, &format!("table `{table}`"));
        };
        if !self.schema.tables[ti].has_column(old) {
            return self.unknown(at, &format!("column `{table}.{old}`"));
        }
        rename_column(&mut self.schema.tables[ti], old, new, self.dialect);
        // Foreign keys elsewhere that point at the renamed column.
        for (i, other) in self.schema.tables.iter_mut().enumerate() {
            if i != ti {
                rename_ref_column(other, table, old, new);
            }
        }
    }

    /// `ALTER TABLE t RENAME CONSTRAINT a TO b`.
    pub(super) fn rename_constraint(&mut self, table: &QName, old: &str, new: &str, at: &At) {
        match self.table_mut(table) {
            Some(t) => {
                if !rename_constraint(t, old, new) {
                    self.unknown(at, &format!("constraint `{old}` on `{table}`"));
                }
            }
            None => self.unknown(at, &format!("table `{table}`")),
        }
    }

    /// `ALTER TABLE t RENAME TO u`: foreign keys follow.
    pub(super) fn rename_table(&mut self, old: &QName, new_name: &str, at: &At) {
        let Some(&ti) = self.tables.get(old) else {
            return self.unknown(at, &format!("table `{old}`"));
        };
        let new = QName {
            schema: old.schema.clone(),
            name: new_name.into(),
        };
        for t in &mut self.schema.tables {
            for fk in &mut t.foreign_keys {
                if &fk.ref_table == old {
                    fk.ref_table = new.clone();
                }
            }
        }
        self.schema.tables[ti].name = new;
        self.reindex();
    }
}

fn identity(kind: ast::IdentityKind) -> Identity {
    match kind {
        ast::IdentityKind::Always => Identity::Always,
        ast::IdentityKind::ByDefault => Identity::ByDefault,
    }
}

fn deferrable(deferrable: bool, initially_deferred: bool) -> Deferrable {
    match (deferrable, initially_deferred) {
        (_, true) => Deferrable::InitiallyDeferred,
        (true, false) => Deferrable::InitiallyImmediate,
        (false, false) => Deferrable::NotDeferrable,
    }
}

fn fk_action(a: ast::FkAction) -> FkAction {
    match a {
        ast::FkAction::NoAction => FkAction::NoAction,
        ast::FkAction::Restrict => FkAction::Restrict,
        ast::FkAction::Cascade => FkAction::Cascade,
        ast::FkAction::SetNull => FkAction::SetNull,
        ast::FkAction::SetDefault => FkAction::SetDefault,
    }
}

/// The first word of `expr` that names a column of `t`.
fn first_column_in(expr: &str, t: &Table) -> Option<String> {
    crate::sql::column_refs::column_refs(expr)
        .into_iter()
        .find(|name| t.has_column(name))
}

/// PostgreSQL's name for an unnamed constraint: `<table>_<columns>_<suffix>`.
fn default_name<S: AsRef<str>>(t: &Table, cols: &[S], suffix: &str) -> String {
    let mut name = t.name.name.to_string();
    for c in cols {
        name.push('_');
        name.push_str(c.as_ref());
    }
    name.push('_');
    name.push_str(suffix);
    name
}

/// A constraint's columns; an inline column constraint names none and means its column.
fn or_column(cols: &[String], column: Option<&str>) -> Vec<Name> {
    match (cols.is_empty(), column) {
        (true, Some(c)) => vec![Name::from(c)],
        _ => cols.iter().map(|c| Name::from(c.as_str())).collect(),
    }
}

/// What an `ALTER COLUMN` action other than `TYPE` does to the column.
fn alter_column(col: &mut Column, op: &AlterOp) {
    match op {
        AlterOp::SetNotNull(_) => col.nullable = false,
        AlterOp::DropNotNull(_) => col.nullable = true,
        AlterOp::SetDefault(_, e) => col.default = Some(default_value(e, &col.ty)),
        AlterOp::DropDefault(_) => col.default = None,
        AlterOp::AddIdentity(_, kind) => {
            col.identity = Some(identity(*kind));
            col.nullable = false;
        }
        AlterOp::DropIdentity(_) => col.identity = None,
        AlterOp::DropExpression(_) => col.set_generated(None),
        AlterOp::SetExpression(_, e) => col.set_generated(Some(e.text.clone())),
        _ => {}
    }
}
