//! SG411 destructive-drop: dropping data (table, column, schema, type or enum value).

use crate::guard::lint::StmtCx;
use crate::guard::{Family, Finding, Level, RuleInfo};
use crate::sql::ast::{AlterOp, ObjectKind, Stmt};

pub const INFO: RuleInfo = RuleInfo {
    code: "SG411",
    name: "destructive-drop",
    family: Family::Sql,
    default_level: Level::Error,
    dialects: crate::guard::POSTGRES_ONLY,
    summary:
        "A table, column, schema, database, type or enum value is dropped, or a table truncated",
    flags: "`DROP TABLE`, `DROP SCHEMA`, `DROP DATABASE`, `DROP TYPE` (with its enum values), \
            `ALTER TABLE ... DROP COLUMN`, `TRUNCATE` and `DELETE FROM pg_enum`, on objects not \
            created earlier in the same file (tables, columns, types and schemas created there \
            hold nothing yet).",
    why: "The data is gone for good, and application code still deployed (or rolled back to) that \
          reads the object breaks at once. A drop should be the reviewed last step of a \
          deprecation, never a side effect.",
    fix: "Stop reading and writing the object in a release first, back up what must be kept, \
          then drop it in its own migration with `-- schemactl:allow SG411 <why it is safe>`.",
};

/// `DELETE FROM [pg_catalog.]pg_enum ...`, read from the text so it works parsed or not.
fn deletes_from_pg_enum(text: &str) -> bool {
    let mut words = text.split_whitespace();
    let first = words.next().unwrap_or("");
    let second = words.next().unwrap_or("");
    let target = words.next().unwrap_or("").to_ascii_lowercase();
    first.eq_ignore_ascii_case("delete")
        && second.eq_ignore_ascii_case("from")
        && (target == "pg_enum" || target == "pg_catalog.pg_enum")
}

pub fn check(cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
    if deletes_from_pg_enum(cx.text) {
        out.push(
            cx.finding("deleting from pg_enum removes an enum value that rows may still hold")
                .help("rewrite rows off the value first; prefer recreating the type in a reviewed migration"),
        );
        return;
    }
    let help =
        "deprecate it in a release first, then drop it with `-- schemactl:allow SG411 <reason>`";
    match cx.parsed() {
        Some(Stmt::Drop(d)) => {
            let what = match d.kind {
                ObjectKind::Table => "table",
                ObjectKind::Schema => "schema",
                ObjectKind::Database => "database",
                ObjectKind::Type => "type",
                _ => return,
            };
            for n in &d.names {
                let key = n.last();
                let new = match d.kind {
                    ObjectKind::Table => cx.file.created_tables.contains(key),
                    ObjectKind::Type => cx.file.created_types.contains(key),
                    ObjectKind::Schema => cx.file.created_schemas.contains(key),
                    _ => false,
                };
                if !new {
                    let extra = if what == "type" {
                        " (and every enum value it holds)"
                    } else {
                        ""
                    };
                    out.push(
                        cx.finding(format!(
                            "DROP {} `{n}`{extra} destroys data",
                            what.to_uppercase()
                        ))
                        .help(help),
                    );
                }
            }
        }
        Some(Stmt::Truncate { tables }) => {
            for target in tables {
                if cx.file.existing_table(target.last()) {
                    out.push(
                        cx.finding(format!("TRUNCATE `{target}` deletes every row"))
                            .help(help),
                    );
                }
            }
        }
        Some(Stmt::AlterTable(at)) if cx.file.existing_table(at.name.last()) => {
            for op in &at.ops {
                if let AlterOp::DropColumn { name: c, .. } = op {
                    if !cx.file.existing_column(at.name.last(), c) {
                        continue;
                    }
                    out.push(
                        cx.finding(format!(
                            "DROP COLUMN `{}.{c}` destroys its data and breaks code still reading it",
                            at.name
                        ))
                        .help(help),
                    );
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use crate::guard::lint::test_support::*;

    #[test]
    fn fires_on_drops() {
        let sql =
            "DROP TABLE legacy;\nALTER TABLE orders DROP COLUMN note;\nDROP SCHEMA old CASCADE;\n\
                   DROP TYPE mood;\nTRUNCATE audit;\nDELETE FROM pg_enum WHERE enumlabel = 'x';\n";
        insta::assert_snapshot!(snap(&lint("SG411", sql)));
    }

    #[test]
    fn quiet_on_objects_created_in_the_file() {
        let sql = "CREATE TABLE tmp (x int);\nALTER TABLE tmp DROP COLUMN x;\nDROP TABLE tmp;\n\
                   CREATE TYPE m AS ENUM ('a');\nDROP TYPE m;\nDROP VIEW v;\n\
                   CREATE SCHEMA staging;\nCREATE TABLE staging.load (x int);\n\
                   DROP SCHEMA staging CASCADE;\n\
                   ALTER TABLE orders ADD COLUMN scratch int;\nALTER TABLE orders DROP COLUMN scratch;\n\
                   CREATE SCHEMA s CREATE TABLE inner_t (x int);\nDROP TABLE s.inner_t;\n";
        let ds = lint("SG411", sql);
        assert!(ds.is_empty(), "{}", snap(&ds));
    }

    /// Only what this file created is known to be new.
    #[test]
    fn fires_on_objects_this_file_did_not_create() {
        let sql = "ALTER TABLE orders ADD COLUMN scratch int;\n";
        assert!(lint("SG411", sql).is_empty());
        let sql = "ALTER TABLE orders DROP COLUMN scratch;\nDROP SCHEMA staging;\n";
        assert_eq!(lint("SG411", sql).len(), 2);
        // The schema created here is new; the one with the same name in another file is not.
        let sql = "CREATE SCHEMA a;\nDROP SCHEMA b;\n";
        assert_eq!(lint("SG411", sql).len(), 1);
    }
}
