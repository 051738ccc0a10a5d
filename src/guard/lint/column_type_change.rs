//! SG409 column-type-change: changing a column's type usually rewrites the table.

use crate::guard::lint::ast::{changes_sort_order, keeps_stored_values, using_keeps_values};
use crate::guard::lint::StmtCx;
use crate::sql::ast::TypeName;
use crate::guard::{Family, Finding, Level, RuleInfo};

pub const INFO: RuleInfo = RuleInfo {
    code: "SG409",
    name: "column-type-change",
    family: Family::Sql,
    default_level: Level::Error,
    dialects: crate::guard::POSTGRES_ONLY,
    summary: "A column's type is changed on an existing table, which usually rewrites it",
    flags: "`ALTER TABLE ... ALTER COLUMN c [SET DATA] TYPE ...` on a column that existed before \
            the file, unless the folder declared its old type and the change keeps every stored \
            value (PostgreSQL's binary-coercible cases: `varchar(n)` to `text` or to \
            `varchar(m)` with m >= n or to unbounded `varchar`, `text` to `varchar`, `cidr` to \
            `inet`, `numeric(p,s)` to `numeric(q,s)` with q >= p or to `numeric`, `varbit(n)` \
            widened, a `timestamp`/`timestamptz`/`time`/`timetz` precision raised or dropped, \
            `text`/`varchar` to `citext` and back, or a new `COLLATE`, on a column no index or \
            key covers), \
            with no `USING` other than the column (or the column cast to the new type).",
    why: "Other type changes rewrite the table and rebuild its indexes under ACCESS EXCLUSIVE, \
          blocking reads and writes for minutes on a large table; old application code may also \
          not understand the new type. The binary-coercible changes only update the catalog. A \
          column whose old type the folder never stated (a table made before the first \
          migration) is assumed to be rewritten.",
    fix: "Add a new column of the new type, backfill it in batches, switch readers and writers, \
          then drop the old column.",
};

pub fn check(cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
    let Some(stmt) = cx.parsed() else {
        return;
    };
    for t in stmt.type_changes() {
        let table = t.table.last();
        if !cx.file.existing_column(table, t.column) {
            continue;
        }
        let old = cx.folder.column_type(table, t.column);
        // A COLLATE sorts the values anew, as citext does.
        let sorts_anew =
            |old: &TypeName| changes_sort_order(old, t.ty) || t.collation.is_some();
        let free = old.is_some_and(|old| {
            keeps_stored_values(old, t.ty)
                && !(sorts_anew(old) && cx.folder.indexed(table, t.column))
        }) && t
            .using
            .is_none_or(|u| using_keeps_values(u, t.column, t.ty));
        if free {
            continue;
        }
        let from = old.map(|o| format!(" from `{o}`")).unwrap_or_default();
        let reindex = old.is_some_and(|old| keeps_stored_values(old, t.ty))
            && t.using
                .is_none_or(|u| using_keeps_values(u, t.column, t.ty));
        let harm = if reindex {
            "keeps the rows but rebuilds the indexes on it (they sort differently), under an \
             ACCESS EXCLUSIVE lock on existing table"
        } else {
            "may rewrite existing table"
        };
        out.push(
            cx.finding(format!(
                "changing `{}.{}`{from} to `{}` {harm} `{}`{}",
                t.table,
                t.column,
                t.ty,
                t.table,
                if reindex {
                    ""
                } else {
                    " under an ACCESS EXCLUSIVE lock"
                }
            ))
            .help("add a new column, backfill it, switch over, then drop the old one"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::guard::lint::test_support::*;

    #[test]
    fn fires_on_a_type_change() {
        let ds = lint(
            "SG409",
            "ALTER TABLE orders ALTER COLUMN total TYPE numeric(12, 2);\n",
        );
        insta::assert_snapshot!(snap(&ds));
    }

    #[test]
    fn quiet_on_new_tables() {
        let sql = "CREATE TABLE n (x int);\nALTER TABLE n ALTER COLUMN x TYPE bigint;\n";
        assert!(lint("SG409", sql).is_empty());
    }

    /// The old types come from an earlier file (the folder's history).
    fn after_history(change: &str) -> Vec<crate::diag::Diagnostic> {
        let history = "CREATE TABLE t (v varchar(20), w varchar, x text, n numeric(10, 2), \
                       u numeric, ts timestamp(3), tz timestamptz, b varbit(8), c cidr, \
                       ch char(4), i int4, a varchar(5)[]);\n\
                       CREATE INDEX t_v_idx ON t (lower(v));\n";
        let config = crate::guard::testing::only("SG409", crate::guard::GuardConfig::default());
        let mut folder = crate::guard::lint::FolderState::default();
        folder.learn(history, crate::model::DialectKind::Postgres);
        crate::guard::lint::lint_with(&mut folder, "0002_change.sql", change, &config)
    }

    #[test]
    fn quiet_on_changes_that_keep_the_stored_values() {
        for change in [
            "ALTER TABLE t ALTER COLUMN v TYPE text",
            "ALTER TABLE t ALTER COLUMN v TYPE varchar(40)",
            "ALTER TABLE t ALTER COLUMN v TYPE varchar(20)",
            "ALTER TABLE t ALTER COLUMN v TYPE character varying",
            "ALTER TABLE t ALTER COLUMN v TYPE text USING v::text",
            "ALTER TABLE t ALTER COLUMN v TYPE text USING v",
            "ALTER TABLE t ALTER COLUMN w TYPE text",
            "ALTER TABLE t ALTER COLUMN x TYPE varchar",
            "ALTER TABLE t ALTER COLUMN n TYPE numeric(12, 2)",
            "ALTER TABLE t ALTER COLUMN n TYPE numeric",
            "ALTER TABLE t ALTER COLUMN u TYPE numeric",
            "ALTER TABLE t ALTER COLUMN ts TYPE timestamp(6)",
            "ALTER TABLE t ALTER COLUMN ts TYPE timestamp",
            "ALTER TABLE t ALTER COLUMN b TYPE varbit(16)",
            "ALTER TABLE t ALTER COLUMN c TYPE inet",
            "ALTER TABLE t ALTER COLUMN i TYPE integer",
            "ALTER TABLE t ALTER COLUMN x TYPE citext",
            "ALTER TABLE t ALTER COLUMN w TYPE public.citext",
            // No index covers `x`: a new collation only changes the catalog.
            "ALTER TABLE t ALTER COLUMN x TYPE text COLLATE \"C\"",
        ] {
            let ds = after_history(&format!("{change};\n"));
            assert!(ds.is_empty(), "{change}: {}", snap(&ds));
        }
    }

    #[test]
    fn fires_on_changes_that_rewrite_or_scan() {
        for change in [
            "ALTER TABLE t ALTER COLUMN v TYPE varchar(10)",
            "ALTER TABLE t ALTER COLUMN w TYPE varchar(10)",
            "ALTER TABLE t ALTER COLUMN x TYPE varchar(10)",
            "ALTER TABLE t ALTER COLUMN v TYPE text USING upper(v)",
            "ALTER TABLE t ALTER COLUMN n TYPE numeric(12, 3)",
            "ALTER TABLE t ALTER COLUMN n TYPE numeric(8, 2)",
            "ALTER TABLE t ALTER COLUMN u TYPE numeric(12, 2)",
            "ALTER TABLE t ALTER COLUMN ts TYPE timestamp(0)",
            "ALTER TABLE t ALTER COLUMN ts TYPE timestamptz",
            "ALTER TABLE t ALTER COLUMN tz TYPE timestamp",
            "ALTER TABLE t ALTER COLUMN ch TYPE text",
            "ALTER TABLE t ALTER COLUMN ch TYPE char(8)",
            "ALTER TABLE t ALTER COLUMN i TYPE bigint",
            "ALTER TABLE t ALTER COLUMN a TYPE text[]",
            "ALTER TABLE unknown ALTER COLUMN v TYPE text",
            // The index on `v` sorts case-insensitively afterwards: it is rebuilt.
            "ALTER TABLE t ALTER COLUMN v TYPE citext",
            // So it is under a new collation, of the same type.
            "ALTER TABLE t ALTER COLUMN v TYPE varchar(20) COLLATE \"C\"",
        ] {
            let ds = after_history(&format!("{change};\n"));
            assert_eq!(ds.len(), 1, "{change}: {}", snap(&ds));
        }
    }
}
