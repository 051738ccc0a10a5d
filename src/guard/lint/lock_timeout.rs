//! SG414 missing-lock-timeout: lock-taking DDL without `SET lock_timeout` first.

use crate::guard::lint::{ast, StmtCx};
use crate::guard::{Family, Finding, Level, RuleInfo};
use sqlparser::ast::{ObjectType, Statement};

pub const INFO: RuleInfo = RuleInfo {
    code: "SG414",
    name: "missing-lock-timeout",
    family: Family::Sql,
    default_level: Level::Warning,
    summary: "A statement takes a strong lock on an existing table with no lock_timeout set",
    flags: "The first lock-taking statement of a file (`ALTER TABLE`, non-concurrent `CREATE \
            INDEX`/`DROP INDEX`, `DROP TABLE`, `TRUNCATE`, `RENAME`) on a table not created \
            earlier in the same file, when no `SET [LOCAL] lock_timeout = ...` (non-zero) came \
            before it in the file. Reported once per file.",
    why: "Even an instant ALTER waits in the lock queue behind a long-running query, and every \
          query that arrives after it waits behind the ALTER: one slow report stalls the whole \
          table. A lock timeout makes the migration give up (and retry later) instead.",
    fix:
        "Start the file with `SET lock_timeout = '5s';` (or `SET LOCAL` inside a transaction) and \
          retry the migration when it times out.",
};

/// What lock-taking statement `cx` is, on an existing table.
fn locking(cx: &StmtCx<'_>) -> Option<String> {
    let existing = |n: &sqlparser::ast::ObjectName| cx.file.existing_table(&ast::name_key(n));
    match cx.parsed()? {
        Statement::AlterTable(at) if existing(&at.name) => Some(format!("ALTER TABLE {}", at.name)),
        Statement::CreateIndex(ci) if !ci.concurrently && existing(&ci.table_name) => {
            Some(format!("CREATE INDEX on {}", ci.table_name))
        }
        Statement::Drop {
            object_type: ObjectType::Index,
            names,
            ..
        } if names
            .iter()
            .any(|n| !cx.file.created_indexes.contains(&ast::name_key(n))) =>
        {
            Some("DROP INDEX".to_string())
        }
        Statement::Drop {
            object_type: ObjectType::Table,
            names,
            ..
        } if names.iter().any(existing) => Some("DROP TABLE".to_string()),
        Statement::Truncate(_) => Some("TRUNCATE".to_string()),
        Statement::RenameTable(_) => Some("RENAME TABLE".to_string()),
        _ => None,
    }
}

pub fn check(cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
    if cx.file.lock_timeout_set || cx.file.lock_timeout_reported {
        return;
    }
    if let Some(what) = locking(cx) {
        out.push(
            cx.finding(format!(
                "{what} takes a strong lock but the file sets no lock_timeout, so it can queue \
                 behind a long query and stall all traffic to the table"
            ))
            .help("start the file with `SET lock_timeout = '5s';`"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::guard::lint::test_support::*;

    #[test]
    fn fires_once_per_file() {
        let sql =
            "ALTER TABLE orders ADD COLUMN note text;\nALTER TABLE orders ADD COLUMN other text;\n";
        insta::assert_snapshot!(snap(&lint("SG414", sql)));
    }

    #[test]
    fn quiet_with_a_timeout_or_on_new_tables() {
        let sql = "SET lock_timeout = '5s';\nALTER TABLE orders ADD COLUMN note text;\n";
        assert!(lint("SG414", sql).is_empty());
        let sql = "CREATE TABLE n (x int);\nALTER TABLE n ADD COLUMN y text;\nCREATE INDEX n_y_idx ON n (y);\n";
        assert!(lint("SG414", sql).is_empty());
        let sql = "SET lock_timeout = '5s';\nSET lock_timeout = 0;\nALTER TABLE orders ADD COLUMN note text;\n";
        assert_eq!(lint("SG414", sql).len(), 1);
    }
}
