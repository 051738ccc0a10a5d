//! PostgreSQL's form of an append-only table (`TableMeta::append_only`, the DSL's
//! `.append_only()`): a `BEFORE UPDATE OR DELETE` row trigger on the table that calls one
//! PL/pgSQL function, which raises. The model records only the fact; the function and the
//! triggers exist in what PostgreSQL stores, so they are written out here, where the schema
//! is rendered or compared with one read from SQL or a database.

use super::{push_ident, push_qname};
use crate::model::names;
use crate::model::{AsWritten, Function, QName, Schema, Table, Trigger};
use std::borrow::Cow;

/// The function every append-only table's trigger calls.
const REJECT_MUTATION_FUNCTION: &str = "schemactl_reject_mutation";

/// `declared` with the function and each append-only table's trigger added, unless an object
/// of that name is declared already; `declared` itself when no table is append-only.
pub(super) fn stored(declared: &Schema) -> Cow<'_, Schema> {
    let Some(first) = declared.tables.iter().find(|t| t.meta.append_only) else {
        return Cow::Borrowed(declared);
    };
    let function = QName::parse(REJECT_MUTATION_FUNCTION);
    let mut s = declared.clone();
    if !s.functions.iter().any(|f| f.name == function) {
        s.functions.push(Function {
            name: function,
            sql: function_sql(),
            written: AsWritten::default(),
            origin: first.origin.clone(),
        });
    }
    for t in s.tables.iter_mut().filter(|t| t.meta.append_only) {
        let name = trigger_name(t);
        if !t.triggers.iter().any(|tr| tr.name == name) {
            let sql = trigger_sql(t, &name);
            t.triggers.push(Trigger {
                name,
                sql,
                written: AsWritten::default(),
                origin: t.origin.clone(),
            });
        }
    }
    Cow::Owned(s)
}

/// The inverse of [`stored`] (`Dialect::fold`): each trigger spelled as `stored` writes it
/// becomes the fact, and the function goes once no trigger is left that calls it.
pub(super) fn fold(found: &Schema) -> Cow<'_, Schema> {
    let same = |a: &str, b: &str, name: &str| {
        let canonical = |sql: &str| crate::sql::postgres::definition::canonical(sql, Some(name));
        canonical(a).is_some_and(|a| Some(a) == canonical(b))
    };
    let ours = |t: &Table| {
        let name = trigger_name(t);
        t.triggers
            .iter()
            .position(|tr| tr.name == name && same(&tr.sql, &trigger_sql(t, &name), &name))
    };
    // Each trigger is spelled canonically (a parse) once.
    let positions: Vec<Option<usize>> = found.tables.iter().map(ours).collect();
    if positions.iter().all(Option::is_none) {
        return Cow::Borrowed(found);
    }
    let mut s = found.clone();
    for (t, i) in s.tables.iter_mut().zip(positions) {
        if let Some(i) = i {
            t.triggers.remove(i);
            t.meta.append_only = true;
        }
    }
    let called = s.tables.iter().flat_map(|t| &t.triggers).any(|tr| {
        tr.sql
            .to_ascii_lowercase()
            .contains(REJECT_MUTATION_FUNCTION)
    });
    if !called {
        s.functions.retain(|f| {
            f.name.name != REJECT_MUTATION_FUNCTION
                || !same(&f.sql, &function_sql(), REJECT_MUTATION_FUNCTION)
        });
    }
    Cow::Owned(s)
}

/// The function every append-only table's trigger calls; the error names the operation, the
/// table and the trigger, with SQLSTATE 23001 (`restrict_violation`).
fn function_sql() -> String {
    format!(
        "CREATE FUNCTION {REJECT_MUTATION_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$\n\
         BEGIN\n  \
         RAISE EXCEPTION '% on %: table is append-only (trigger %)', TG_OP, TG_TABLE_NAME, TG_NAME\n    \
         USING ERRCODE = 'restrict_violation';\n\
         END\n$$"
    )
}

/// `<table>_append_only`, shortened to fit the identifier limit.
fn trigger_name(t: &Table) -> String {
    names::fit(format!("{}_append_only", t.name.name))
}

fn trigger_sql(t: &Table, name: &str) -> String {
    let mut s = String::from("CREATE TRIGGER ");
    push_ident(&mut s, name);
    s.push_str(" BEFORE UPDATE OR DELETE ON ");
    push_qname(&mut s, &t.name);
    s.push_str(" FOR EACH ROW EXECUTE FUNCTION ");
    s.push_str(REJECT_MUTATION_FUNCTION);
    s.push_str("()");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dsl::{text, SchemaBuilder, TableRef};

    fn ledger(table: TableRef) -> Schema {
        let mut b = SchemaBuilder::new();
        if let Some(ns) = table.schema {
            b.namespace(ns, "billing");
        }
        b.table(table)
            .global("a ledger")
            .col("id", text())
            .primary_key(["id"])
            .append_only();
        b.table(TableRef::new("notes"))
            .global("notes")
            .col("id", text())
            .primary_key(["id"]);
        b.build().unwrap()
    }

    #[test]
    fn the_fact_becomes_one_function_and_a_trigger_per_table() {
        let declared = ledger(TableRef::new("ledger"));
        assert!(
            declared.functions.is_empty(),
            "the DSL records only the fact"
        );
        assert!(declared.tables.iter().all(|t| t.triggers.is_empty()));
        let stored = stored(&declared);
        assert_eq!(stored.functions.len(), 1);
        assert_eq!(stored.functions[0].name.name, REJECT_MUTATION_FUNCTION);
        let ledger = stored.table(&QName::parse("ledger")).unwrap();
        assert_eq!(
            ledger.triggers[0].sql,
            "CREATE TRIGGER ledger_append_only BEFORE UPDATE OR DELETE ON ledger FOR EACH ROW EXECUTE FUNCTION schemactl_reject_mutation()"
        );
        let notes = stored.table(&QName::parse("notes")).unwrap();
        assert!(notes.triggers.is_empty());
    }

    #[test]
    fn a_table_in_a_schema_gets_a_bare_trigger_name() {
        let stored = stored(&ledger(TableRef::in_schema("billing", "ledger"))).into_owned();
        let ledger = stored.table(&QName::parse("billing.ledger")).unwrap();
        assert_eq!(ledger.triggers[0].name, "ledger_append_only");
        assert!(ledger.triggers[0]
            .sql
            .contains(" ON billing.ledger FOR EACH ROW"));
    }

    #[test]
    fn fold_turns_the_stored_objects_back_into_the_fact() {
        let declared = ledger(TableRef::new("ledger"));
        let stored = stored(&declared).into_owned();
        let folded = fold(&stored);
        assert!(folded.functions.is_empty());
        let ledger = folded.table(&QName::parse("ledger")).unwrap();
        assert!(ledger.meta.append_only && ledger.triggers.is_empty());
    }

    #[test]
    fn fold_leaves_a_trigger_of_another_shape_and_the_function_it_calls() {
        let mut changed = stored(&ledger(TableRef::new("ledger"))).into_owned();
        let t = changed
            .tables
            .iter_mut()
            .find(|t| t.name.name == "ledger")
            .unwrap();
        t.meta.append_only = false;
        t.triggers[0].sql = t.triggers[0].sql.replace("UPDATE OR DELETE", "DELETE");
        let folded = fold(&changed);
        assert!(matches!(folded, Cow::Borrowed(_)));
        assert_eq!(folded.functions.len(), 1);
    }

    #[test]
    fn no_append_only_table_borrows() {
        let mut b = SchemaBuilder::new();
        b.table(TableRef::new("notes"))
            .global("notes")
            .col("id", text())
            .primary_key(["id"]);
        let declared = b.build().unwrap();
        assert!(matches!(stored(&declared), Cow::Borrowed(_)));
    }
}
