//! PostgreSQL's spelling of what the diff and drift compare: each object as the renderer
//! writes it, so two objects differ exactly when their DDL would.

use crate::diff::{ObjectKind, Spelling, TableObject};
use crate::model::{Column, ColumnType, Table};

impl Spelling for super::Postgres {
    fn column_type(&self, ty: &ColumnType) -> String {
        super::column_type(ty)
    }

    fn collated_type(&self, c: &Column) -> String {
        super::collated_type(c)
    }

    fn collation(&self, c: &Column) -> String {
        c.collation().map_or_else(
            || "default".to_string(),
            crate::sql::postgres::ident::quote_qname,
        )
    }

    fn table_objects<'t>(
        &self,
        t: &'t Table,
        want: fn(ObjectKind) -> bool,
    ) -> Vec<TableObject<'t>> {
        let mut v = Vec::new();
        // Only what is wanted is spelled: spelling is most of the cost of a comparison.
        let mut push = |kind, name: &'t str, definition: &dyn Fn() -> String| {
            if want(kind) {
                v.push(TableObject {
                    kind,
                    name,
                    definition: definition(),
                })
            }
        };
        for c in &t.columns {
            push(ObjectKind::Column, &c.name, &|| super::column_def(c));
        }
        if let Some(pk) = &t.primary_key {
            push(ObjectKind::PrimaryKey, &pk.name, &|| {
                super::primary_key_def(pk)
            });
        }
        for u in &t.uniques {
            push(ObjectKind::Unique, &u.name, &|| super::unique_def(u));
        }
        for c in &t.checks {
            push(ObjectKind::Check, &c.name, &|| super::check_def(c));
        }
        for x in &t.excludes {
            push(ObjectKind::Exclusion, &x.name, &|| super::exclude_def(x));
        }
        for fk in &t.foreign_keys {
            push(ObjectKind::ForeignKey, &fk.name, &|| {
                super::foreign_key_def(fk)
            });
        }
        for ix in &t.indexes {
            push(ObjectKind::Index, &ix.name, &|| {
                super::create_index(&t.name, ix)
            });
        }
        for p in &t.policies {
            push(ObjectKind::Policy, &p.name, &|| {
                super::create_policy(&t.name, p)
            });
        }
        for tr in &t.triggers {
            push(ObjectKind::Trigger, &tr.name, &|| tr.sql.clone());
        }
        v
    }
}
