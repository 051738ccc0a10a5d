//! SG411 destructive-drop: dropping data (table, column, schema, type or enum value).

use crate::guard::lint::{ast, StmtCx};
use crate::guard::{Family, Finding, Level, RuleInfo};
use sqlparser::ast::{AlterTableOperation, ObjectType, Statement};

pub const INFO: RuleInfo = RuleInfo {
    code: "SG411",
    name: "destructive-drop",
    family: Family::Sql,
    default_level: Level::Error,
    summary:
        "A table, column, schema, database, type or enum value is dropped, or a table truncated",
    flags: "`DROP TABLE`, `DROP SCHEMA`, `DROP DATABASE`, `DROP TYPE` (with its enum values), \
            `ALTER TABLE ... DROP COLUMN`, `TRUNCATE` and `DELETE FROM pg_enum`, on objects not \
            created earlier in the same file.",
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
    if deletes_from_pg_enum(&cx.stmt.text) {
        out.push(
            cx.finding("deleting from pg_enum removes an enum value that rows may still hold")
                .help("rewrite rows off the value first; prefer recreating the type in a reviewed migration"),
        );
        return;
    }
    let help =
        "deprecate it in a release first, then drop it with `-- schemactl:allow SG411 <reason>`";
    match cx.parsed() {
        Some(Statement::Drop {
            object_type, names, ..
        }) => {
            let what = match object_type {
                ObjectType::Table => "table",
                ObjectType::Schema => "schema",
                ObjectType::Database => "database",
                ObjectType::Type => "type",
                _ => return,
            };
            for n in names {
                let key = ast::name_key(n);
                let new = match object_type {
                    ObjectType::Table => cx.file.created_tables.contains(&key),
                    ObjectType::Type => cx.file.created_types.contains(&key),
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
        Some(Statement::Truncate(t)) => {
            for target in &t.table_names {
                if cx.file.existing_table(&ast::name_key(&target.name)) {
                    out.push(
                        cx.finding(format!("TRUNCATE `{}` deletes every row", target.name))
                            .help(help),
                    );
                }
            }
        }
        Some(Statement::AlterTable(at)) if cx.file.existing_table(&ast::name_key(&at.name)) => {
            for op in &at.operations {
                if let AlterTableOperation::DropColumn { column_names, .. } = op {
                    for c in column_names {
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
                   CREATE TYPE m AS ENUM ('a');\nDROP TYPE m;\nDROP VIEW v;\n";
        let ds = lint("SG411", sql);
        assert!(ds.is_empty(), "{}", snap(&ds));
    }
}
