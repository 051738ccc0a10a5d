//! Edits to a table that follow what the database does when a column or constraint goes away
//! or changes its name.

use crate::model::DialectKind;
use crate::model::*;
use crate::sql::column_refs::rename_column_refs;

/// Drops a column and, as PostgreSQL does, the keys and indexes that use it.
pub fn drop_column(t: &mut Table, col: &str) {
    let uses = |cols: &[Name]| cols.iter().any(|c| c == col);
    t.columns.retain(|c| c.name != col);
    if t.primary_key.as_ref().is_some_and(|pk| uses(&pk.columns)) {
        t.primary_key = None;
    }
    t.uniques.retain(|u| !uses(&u.columns));
    t.foreign_keys.retain(|f| !uses(&f.columns));
    t.indexes.retain(|ix| {
        !ix.parts
            .iter()
            .any(|p| matches!(&p.key, IndexKey::Column(c) if c == col))
            && !uses(&ix.include)
    });
}

fn rename_in<S: AsRef<str> + for<'a> From<&'a str>>(cols: &mut [S], old: &str, new: &str) {
    for c in cols {
        if c.as_ref() == old {
            *c = S::from(new);
        }
    }
}

/// An expression with column `old` spelled `new`: through PostgreSQL's grammar when the text
/// is PostgreSQL, else token by token.
fn renamed(e: &str, old: &str, new: &str, dialect: DialectKind) -> String {
    if dialect == DialectKind::Postgres {
        if let Some(text) = crate::sql::postgres::expr::rename_column(e, old, new) {
            return text;
        }
    }
    rename_column_refs(e, old, new)
}

/// Renames a column in the table, its keys, and the expressions that mention it (checks,
/// index expressions and predicates, generated columns, policies), as both PostgreSQL and
/// SQLite do. Trigger bodies are left as written: they may name other tables' columns.
pub fn rename_column(t: &mut Table, old: &str, new: &str, dialect: DialectKind) {
    let refs = |e: &mut String| *e = renamed(e, old, new, dialect);
    for c in &mut t.columns {
        if c.name == old {
            c.name = new.into();
            // Remembered so a review of a range of migrations shows a rename, not a drop and an add.
            if c.renamed_from().is_none() {
                c.set_renamed_from(Some(old.into()));
            }
        }
        c.edit_generated(refs);
    }
    if let Some(pk) = &mut t.primary_key {
        rename_in(&mut pk.columns, old, new);
    }
    for u in &mut t.uniques {
        rename_in(&mut u.columns, old, new);
    }
    for c in &mut t.checks {
        refs(&mut c.expression);
    }
    for fk in &mut t.foreign_keys {
        rename_in(&mut fk.columns, old, new);
    }
    for ix in &mut t.indexes {
        for p in &mut ix.parts {
            match &mut p.key {
                IndexKey::Column(c) if c == old => *c = new.into(),
                IndexKey::Column(_) => {}
                IndexKey::Expression(e) => refs(e),
            }
        }
        rename_in(&mut ix.include, old, new);
        ix.predicate.as_mut().map(refs);
    }
    for x in &mut t.excludes {
        for e in &mut x.elements {
            refs(&mut e.expression);
        }
        x.predicate.as_mut().map(refs);
    }
    for p in &mut t.policies {
        p.using.as_mut().map(refs);
        p.with_check.as_mut().map(refs);
    }
    if let Some(pb) = &mut t.partition_by {
        rename_in(&mut pb.keys, old, new);
    }
    let name = t.name.clone();
    rename_ref_column(t, &name, old, new);
}

/// Foreign keys of `t` that reference `target` follow its renamed column.
pub fn rename_ref_column(t: &mut Table, target: &QName, old: &str, new: &str) {
    for fk in &mut t.foreign_keys {
        if &fk.ref_table == target {
            rename_in(&mut fk.ref_columns, old, new);
        }
    }
}

pub fn drop_constraint(t: &mut Table, name: &str) -> bool {
    if t.primary_key.as_ref().is_some_and(|pk| pk.name == name) {
        t.primary_key = None;
        return true;
    }
    let before = t.uniques.len() + t.checks.len() + t.excludes.len() + t.foreign_keys.len();
    t.uniques.retain(|x| x.name != name);
    t.checks.retain(|x| x.name != name);
    t.excludes.retain(|x| x.name != name);
    t.foreign_keys.retain(|x| x.name != name);
    before != t.uniques.len() + t.checks.len() + t.excludes.len() + t.foreign_keys.len()
}

pub fn has_constraint(t: &Table, name: &str) -> bool {
    t.primary_key.as_ref().is_some_and(|pk| pk.name == name)
        || t.uniques.iter().any(|x| x.name == name)
        || t.checks.iter().any(|x| x.name == name)
        || t.excludes.iter().any(|x| x.name == name)
        || t.foreign_keys.iter().any(|x| x.name == name)
}

pub fn rename_constraint(t: &mut Table, old: &str, new: &str) -> bool {
    let new = new.to_string();
    if let Some(pk) = t.primary_key.as_mut().filter(|pk| pk.name == old) {
        pk.name = new.into();
        return true;
    }
    if let Some(x) = t.uniques.iter_mut().find(|x| x.name == old) {
        x.name = new.into();
        return true;
    }
    if let Some(x) = t.checks.iter_mut().find(|x| x.name == old) {
        x.name = new.into();
        return true;
    }
    if let Some(x) = t.excludes.iter_mut().find(|x| x.name == old) {
        x.name = new;
        return true;
    }
    if let Some(x) = t.foreign_keys.iter_mut().find(|x| x.name == old) {
        x.name = new.into();
        return true;
    }
    false
}

pub fn rename_enum_in_type(ty: &mut ColumnType, old: &QName, new: &QName) {
    match ty {
        ColumnType::Enum { name } if **name == *old => **name = new.clone(),
        ColumnType::Array { element } => rename_enum_in_type(element, old, new),
        _ => {}
    }
}
