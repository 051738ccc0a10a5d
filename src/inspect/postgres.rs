//! PostgreSQL catalog -> DDL -> model.

use crate::diag::{Diagnostic, Diagnostics};
use crate::dialect::postgres::quote_ident;
use crate::dialect::quote_literal as lit;
use crate::dialect::DialectKind;
use crate::model::Schema;
use postgres::Client;
use std::fmt::Write;

/// Schemas that are never the user's.
const SYSTEM: &str = "n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND n.nspname NOT LIKE 'pg_temp%' AND n.nspname NOT LIKE 'pg_toast_temp%'";

fn db_err(e: postgres::Error) -> Diagnostics {
    Diagnostic::error("inspect::query", format!("cannot read the catalog: {e}")).into()
}

/// Objects that belong to an extension are the extension's, not the schema's.
const NOT_EXTENSION_MEMBER: &str =
    "NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')";

/// The catalog as a DDL script, every definition in the server's own spelling: what replay
/// reads back into the model. Definitions first, then each table's constraints, indexes,
/// policies and triggers, then views.
pub fn catalog_ddl(db: &mut Client, skip_table: &str) -> Result<String, Diagnostics> {
    let mut out = String::new();
    let mut tail = String::new();
    extensions_and_schemas(db, &mut out)?;
    types(db, &mut out)?;
    functions(db, &mut out)?;
    tables(db, skip_table, &mut out, &mut tail)?;
    out.push_str(&tail);
    views(db, &mut out)?;
    Ok(out)
}

fn extensions_and_schemas(db: &mut Client, out: &mut String) -> Result<(), Diagnostics> {
    for r in db
        .query(
            "SELECT extname::text FROM pg_extension WHERE extname <> 'plpgsql' ORDER BY 1",
            &[],
        )
        .map_err(db_err)?
    {
        writeln!(
            out,
            "CREATE EXTENSION IF NOT EXISTS {};",
            quote_ident(r.get(0))
        )
        .unwrap();
    }
    for r in db
        .query(&format!("SELECT n.nspname::text, obj_description(n.oid, 'pg_namespace') FROM pg_namespace n WHERE {SYSTEM} AND n.nspname <> 'public' AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = n.oid AND d.deptype = 'e') ORDER BY 1"), &[])
        .map_err(db_err)?
    {
        let name: String = r.get(0);
        writeln!(out, "CREATE SCHEMA {};", quote_ident(&name)).unwrap();
        if let Some(doc) = r.get::<_, Option<String>>(1) {
            writeln!(out, "COMMENT ON SCHEMA {} IS {};", quote_ident(&name), lit(&doc)).unwrap();
        }
    }
    Ok(())
}

/// Enums, domains, composite and range types.
fn types(db: &mut Client, out: &mut String) -> Result<(), Diagnostics> {
    for r in db
        .query(
            &format!(
                "SELECT n.nspname::text, t.typname::text, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) \
                 FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_enum e ON e.enumtypid = t.oid \
                 WHERE {SYSTEM} GROUP BY 1, 2 ORDER BY 1, 2"
            ),
            &[],
        )
        .map_err(db_err)?
    {
        let labels: Vec<String> = r.get(2);
        let labels: Vec<String> = labels.iter().map(|l| lit(l)).collect();
        writeln!(out, "CREATE TYPE {}.{} AS ENUM ({});", quote_ident(r.get(0)), quote_ident(r.get(1)), labels.join(", ")).unwrap();
    }
    for r in db
        .query(
            &format!(
                "SELECT n.nspname::text, t.typname::text, format_type(t.typbasetype, t.typtypmod), \
                 (SELECT string_agg(pg_get_constraintdef(c.oid), ' ') FROM pg_constraint c WHERE c.contypid = t.oid) \
                 FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.typtype = 'd' AND {SYSTEM} ORDER BY 1, 2"
            ),
            &[],
        )
        .map_err(db_err)?
    {
        let check: Option<String> = r.get(3);
        writeln!(out, "CREATE DOMAIN {}.{} AS {}{};", quote_ident(r.get(0)), quote_ident(r.get(1)), r.get::<_, String>(2), check.map(|c| format!(" {c}")).unwrap_or_default()).unwrap();
    }
    // Composite and range types.
    for r in db
        .query(
            &format!(
                "SELECT n.nspname::text, t.typname::text, \
                 (SELECT string_agg(format('%I %s', a.attname, format_type(a.atttypid, a.atttypmod)), ', ' ORDER BY a.attnum) \
                  FROM pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped), \
                 (SELECT format_type(rg.rngsubtype, NULL) FROM pg_range rg WHERE rg.rngtypid = t.oid) \
                 FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace \
                 WHERE {SYSTEM} AND (t.typtype = 'r' OR (t.typtype = 'c' AND (SELECT c.relkind FROM pg_class c WHERE c.oid = t.typrelid) = 'c')) \
                 AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = t.oid AND d.deptype = 'e') ORDER BY 1, 2"
            ),
            &[],
        )
        .map_err(db_err)?
    {
        let name = format!("{}.{}", quote_ident(r.get(0)), quote_ident(r.get(1)));
        match (r.get::<_, Option<String>>(2), r.get::<_, Option<String>>(3)) {
            (_, Some(subtype)) => writeln!(out, "CREATE TYPE {name} AS RANGE (subtype = {subtype});").unwrap(),
            (Some(fields), None) => writeln!(out, "CREATE TYPE {name} AS ({fields});").unwrap(),
            (None, None) => writeln!(out, "CREATE TYPE {name} AS ();").unwrap(),
        }
    }
    Ok(())
}

/// Functions and procedures.
fn functions(db: &mut Client, out: &mut String) -> Result<(), Diagnostics> {
    for r in db
        .query(
            &format!(
                "SELECT pg_get_functiondef(p.oid) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace \
                 WHERE {SYSTEM} AND p.prokind IN ('f', 'p') AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e') \
                 ORDER BY n.nspname, p.proname, pg_get_function_identity_arguments(p.oid)"
            ),
            &[],
        )
        .map_err(db_err)?
    {
        let def: String = r.get(0);
        writeln!(out, "{};", def.trim_end()).unwrap();
    }

    Ok(())
}

/// Tables and partitions into `out`; what refers to other tables (constraints, indexes,
/// policies, triggers, comments) into `tail`.
fn tables(
    db: &mut Client,
    skip_table: &str,
    out: &mut String,
    tail: &mut String,
) -> Result<(), Diagnostics> {
    let tables = db
        .query(
            &format!(
                "SELECT c.oid, n.nspname::text, c.relname::text, c.relkind::text, c.relrowsecurity, c.relforcerowsecurity, \
                 obj_description(c.oid, 'pg_class'), CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END, \
                 (SELECT i.inhparent::regclass::text FROM pg_inherits i WHERE i.inhrelid = c.oid), \
                 CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END \
                 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
                 WHERE c.relkind IN ('r', 'p') AND {SYSTEM} AND {NOT_EXTENSION_MEMBER} AND c.relname <> $1 \
                 ORDER BY c.relispartition, n.nspname, c.relname"
            ),
            &[&skip_table],
        )
        .map_err(db_err)?;
    for t in &tables {
        let oid: u32 = t.get(0);
        let qualified = format!("{}.{}", quote_ident(t.get(1)), quote_ident(t.get(2)));
        if let (Some(parent), Some(bound)) =
            (t.get::<_, Option<String>>(8), t.get::<_, Option<String>>(9))
        {
            writeln!(
                out,
                "CREATE TABLE {qualified} PARTITION OF {parent} {bound};"
            )
            .unwrap();
            continue;
        }
        let (lines, comments) = columns(db, oid, &qualified)?;
        tail.push_str(&comments);
        let partition = t
            .get::<_, Option<String>>(7)
            .map(|k| format!(" PARTITION BY {k}"))
            .unwrap_or_default();
        writeln!(
            out,
            "CREATE TABLE {qualified} (\n    {}\n){partition};",
            lines.join(",\n    ")
        )
        .unwrap();
        if let Some(doc) = t.get::<_, Option<String>>(6) {
            writeln!(tail, "COMMENT ON TABLE {qualified} IS {};", lit(&doc)).unwrap();
        }
        table_parts(db, t, &qualified, tail)?;
    }
    Ok(())
}

/// A table's column lines for CREATE TABLE, and the COMMENT statements of its columns.
fn columns(
    db: &mut Client,
    oid: u32,
    qualified: &str,
) -> Result<(Vec<String>, String), Diagnostics> {
    let mut tail = String::new();
    let cols = db
        .query(
            "SELECT a.attname::text, format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_get_expr(d.adbin, d.adrelid), \
             a.attgenerated::text, a.attidentity::text, col_description(a.attrelid, a.attnum), \
             (SELECT format('%I.%I', cn.nspname, co.collname) FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace \
              WHERE co.oid = a.attcollation AND a.attcollation <> (SELECT t.typcollation FROM pg_type t WHERE t.oid = a.atttypid)) \
             FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
             WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
            &[&oid],
        )
        .map_err(db_err)?;
    let mut lines = Vec::new();
    for c in &cols {
        let name: String = c.get(0);
        let mut line = format!("{} {}", quote_ident(&name), c.get::<_, String>(1));
        if let Some(collation) = c.get::<_, Option<String>>(7) {
            line.push_str(" COLLATE ");
            line.push_str(&collation);
        }
        let default: Option<String> = c.get(3);
        let generated: String = c.get(4);
        match (generated.as_str(), &default) {
            ("s", Some(expr)) => write!(line, " GENERATED ALWAYS AS ({expr}) STORED").unwrap(),
            (_, Some(expr)) => write!(line, " DEFAULT {expr}").unwrap(),
            _ => {}
        }
        match c.get::<_, String>(5).as_str() {
            "a" => line.push_str(" GENERATED ALWAYS AS IDENTITY"),
            "d" => line.push_str(" GENERATED BY DEFAULT AS IDENTITY"),
            _ => {}
        }
        if c.get::<_, bool>(2) {
            line.push_str(" NOT NULL");
        }
        lines.push(line);
        if let Some(doc) = c.get::<_, Option<String>>(6) {
            writeln!(
                tail,
                "COMMENT ON COLUMN {qualified}.{} IS {};",
                quote_ident(&name),
                lit(&doc)
            )
            .unwrap();
        }
    }
    Ok((lines, tail))
}

/// What refers to a table once it exists: constraints, indexes, row-level security,
/// policies and triggers.
fn table_parts(
    db: &mut Client,
    t: &postgres::Row,
    qualified: &str,
    tail: &mut String,
) -> Result<(), Diagnostics> {
    let oid: u32 = t.get(0);
    for c in db
        .query(
            "SELECT conname::text, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = $1 AND contype IN ('p', 'u', 'c', 'x', 'f') \
             AND coninhcount = 0 ORDER BY contype = 'f', conname",
            &[&oid],
        )
        .map_err(db_err)?
    {
        writeln!(tail, "ALTER TABLE {qualified} ADD CONSTRAINT {} {};", quote_ident(c.get(0)), c.get::<_, String>(1)).unwrap();
    }
    for i in db
        .query(
            "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid \
             WHERE i.indrelid = $1 AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid) \
             AND (SELECT count(*) FROM pg_inherits h WHERE h.inhrelid = i.indexrelid) = 0 ORDER BY ic.relname",
            &[&oid],
        )
        .map_err(db_err)?
    {
        writeln!(tail, "{};", i.get::<_, String>(0)).unwrap();
    }
    if t.get::<_, bool>(4) {
        writeln!(tail, "ALTER TABLE {qualified} ENABLE ROW LEVEL SECURITY;").unwrap();
    }
    if t.get::<_, bool>(5) {
        writeln!(tail, "ALTER TABLE {qualified} FORCE ROW LEVEL SECURITY;").unwrap();
    }
    for p in db
        .query(
            "SELECT policyname::text, permissive, cmd, roles::text[], qual, with_check FROM pg_policies WHERE schemaname = $1 AND tablename = $2 ORDER BY policyname",
            &[&t.get::<_, String>(1), &t.get::<_, String>(2)],
        )
        .map_err(db_err)?
    {
        let mut s = format!("CREATE POLICY {} ON {qualified}", quote_ident(p.get(0)));
        if p.get::<_, String>(1) == "RESTRICTIVE" {
            s.push_str(" AS RESTRICTIVE");
        }
        let cmd: String = p.get(2);
        if cmd != "ALL" {
            write!(s, " FOR {cmd}").unwrap();
        }
        let roles: Vec<String> = p.get(3);
        if roles != ["public"] {
            write!(s, " TO {}", roles.iter().map(|r| quote_ident(r)).collect::<Vec<_>>().join(", ")).unwrap();
        }
        if let Some(q) = p.get::<_, Option<String>>(4) {
            write!(s, " USING ({q})").unwrap();
        }
        if let Some(w) = p.get::<_, Option<String>>(5) {
            write!(s, " WITH CHECK ({w})").unwrap();
        }
        writeln!(tail, "{s};").unwrap();
    }
    for tr in db.query("SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgrelid = $1 AND NOT tgisinternal ORDER BY tgname", &[&oid]).map_err(db_err)? {
        writeln!(tail, "{};", tr.get::<_, String>(0)).unwrap();
    }
    Ok(())
}

/// Views and materialized views, in creation order (a view may read another), with their
/// options (`security_barrier`, `security_invoker`, `check_option`, a materialized view's
/// storage parameters): `pg_get_viewdef` gives only the query.
fn views(db: &mut Client, out: &mut String) -> Result<(), Diagnostics> {
    for v in db
        .query(
            &format!(
                "SELECT format('%I.%I', n.nspname, c.relname), c.relkind::text, pg_get_viewdef(c.oid), \
                 (SELECT string_agg(CASE WHEN substr(o, strpos(o, '=') + 1) ~ '^[A-Za-z0-9_.+-]+$' THEN o \
                   ELSE split_part(o, '=', 1) || '=' || quote_literal(substr(o, strpos(o, '=') + 1)) END, ', ' ORDER BY i) \
                  FROM unnest(c.reloptions) WITH ORDINALITY AS r(o, i)) \
                 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
                 WHERE c.relkind IN ('v', 'm') AND {SYSTEM} AND {NOT_EXTENSION_MEMBER} ORDER BY c.oid"
            ),
            &[],
        )
        .map_err(db_err)?
    {
        let (name, kind): (String, String) = (v.get(0), v.get(1));
        let query = v.get::<_, String>(2);
        let query = query.trim().trim_end_matches(';');
        let with = v
            .get::<_, Option<String>>(3)
            .map(|o| format!(" WITH ({o})"))
            .unwrap_or_default();
        if kind == "m" {
            writeln!(
                out,
                "CREATE MATERIALIZED VIEW {name}{with} AS {query} WITH NO DATA;"
            )
            .unwrap();
        } else {
            writeln!(out, "CREATE VIEW {name}{with} AS {query};").unwrap();
        }
    }
    Ok(())
}

/// Objects of kinds the model does not describe, counted per kind (`2 sequences`): `drift`
/// lists them as not compared, and `pull` as not in the crate.
pub fn not_compared(db: &mut Client) -> Result<Vec<String>, Diagnostics> {
    let queries: [(&str, &str, String); 14] = [
        (
            "sequence",
            "sequences",
            // Sequences owned by a column (serial, identity) are the column's.
            format!("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'S' AND {SYSTEM} AND {NOT_EXTENSION_MEMBER} AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i'))"),
        ),
        (
            "statistics object",
            "statistics objects",
            format!("SELECT count(*) FROM pg_statistic_ext s JOIN pg_namespace n ON n.oid = s.stxnamespace WHERE {SYSTEM}"),
        ),
        (
            "rule",
            "rules",
            format!("SELECT count(*) FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class JOIN pg_namespace n ON n.oid = c.relnamespace WHERE r.rulename <> '_RETURN' AND {SYSTEM}"),
        ),
        (
            "foreign table",
            "foreign tables",
            format!("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'f' AND {SYSTEM}"),
        ),
        (
            "event trigger",
            "event triggers",
            "SELECT count(*) FROM pg_event_trigger".to_string(),
        ),
        (
            "publication",
            "publications",
            "SELECT count(*) FROM pg_publication".to_string(),
        ),
        (
            "aggregate",
            "aggregates",
            format!("SELECT count(*) FROM pg_proc c JOIN pg_namespace n ON n.oid = c.pronamespace WHERE c.prokind = 'a' AND {SYSTEM} AND {NOT_EXTENSION_MEMBER}"),
        ),
        (
            "operator",
            "operators",
            format!("SELECT count(*) FROM pg_operator c JOIN pg_namespace n ON n.oid = c.oprnamespace WHERE {SYSTEM} AND {NOT_EXTENSION_MEMBER}"),
        ),
        (
            "cast",
            "casts",
            // The built-in casts are the ones below the first object id a user gets.
            format!("SELECT count(*) FROM pg_cast c WHERE c.oid >= 16384 AND {NOT_EXTENSION_MEMBER}"),
        ),
        (
            "collation",
            "collations",
            format!("SELECT count(*) FROM pg_collation c JOIN pg_namespace n ON n.oid = c.collnamespace WHERE {SYSTEM} AND {NOT_EXTENSION_MEMBER}"),
        ),
        (
            "text search configuration",
            "text search configurations",
            format!("SELECT count(*) FROM pg_ts_config c JOIN pg_namespace n ON n.oid = c.cfgnamespace WHERE {SYSTEM} AND {NOT_EXTENSION_MEMBER}"),
        ),
        (
            "text search dictionary",
            "text search dictionaries",
            format!("SELECT count(*) FROM pg_ts_dict c JOIN pg_namespace n ON n.oid = c.dictnamespace WHERE {SYSTEM} AND {NOT_EXTENSION_MEMBER}"),
        ),
        (
            "table with storage parameters",
            "tables with storage parameters",
            format!("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') AND c.reloptions IS NOT NULL AND {SYSTEM} AND {NOT_EXTENSION_MEMBER}"),
        ),
        (
            "index on a materialized view",
            "indexes on materialized views",
            format!("SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'm' AND {SYSTEM} AND {NOT_EXTENSION_MEMBER}"),
        ),
    ];
    // One round trip for every count: a far server costs its latency once.
    let columns: Vec<String> = queries
        .iter()
        .map(|(_, _, sql)| format!("({sql})"))
        .collect();
    let row = db
        .query_one(&format!("SELECT {}", columns.join(", ")), &[])
        .map_err(db_err)?;
    let mut out = Vec::new();
    for (i, (one, many, _)) in queries.iter().enumerate() {
        match row.get::<_, i64>(i) {
            0 => {}
            1 => out.push(format!("1 {one}")),
            n => out.push(format!("{n} {many}")),
        }
    }
    Ok(out)
}

/// The live database as a model.
pub fn inspect(db: &mut Client, skip_table: &str) -> Result<Schema, Diagnostics> {
    let ddl = catalog_ddl(db, skip_table)?;
    let schema = crate::sql::import_sql(&ddl, "<catalog>", DialectKind::Postgres)?;
    Ok(super::unqualify_public(schema))
}
