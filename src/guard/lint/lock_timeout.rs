//! SG414 missing-lock-timeout: lock-taking DDL without `SET lock_timeout` first.

use crate::guard::lint::StmtCx;
use crate::guard::{Family, Finding, Level, RuleInfo};
use crate::sql::ast::{Name, ObjectKind, RelationKind, Stmt};

pub const INFO: RuleInfo = RuleInfo {
    code: "SG414",
    name: "missing-lock-timeout",
    family: Family::Sql,
    default_level: Level::Warning,
    dialects: crate::guard::POSTGRES_ONLY,
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
    let existing = |n: &Name| cx.file.existing_table(n.last());
    match cx.parsed()? {
        Stmt::AlterTable(at) if at.kind == RelationKind::Table && existing(&at.name) => {
            Some(format!("ALTER TABLE {}", at.name))
        }
        Stmt::CreateIndex(ci) if !ci.concurrently && existing(&ci.table) => {
            Some(format!("CREATE INDEX on {}", ci.table))
        }
        Stmt::Drop(d)
            if d.kind == ObjectKind::Index
                && !d.concurrently
                && d.names
                    .iter()
                    .any(|n| !cx.file.created_indexes.contains(n.last())) =>
        {
            Some("DROP INDEX".to_string())
        }
        Stmt::Drop(d) if d.kind == ObjectKind::Table && d.names.iter().any(existing) => {
            Some("DROP TABLE".to_string())
        }
        Stmt::Truncate { .. } => Some("TRUNCATE".to_string()),
        Stmt::Rename(r) if matches!(r.object_kind, ObjectKind::Table) && existing(&r.object) => {
            Some(format!("ALTER TABLE {} RENAME", r.object))
        }
        _ => None,
    }
}

pub fn check(cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
    // Once per file is enough to act on.
    if cx.file.lock_timeout_set || cx.reported_in_file(INFO.code) {
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
