//! SG403 concurrently-in-transaction: CONCURRENTLY fails inside a transaction block.

use crate::guard::lint::StmtCx;
use crate::guard::{Family, Finding, Level, RuleInfo, Runner};
use crate::sql::ast::{AlterOp, ObjectKind, Stmt};

pub const INFO: RuleInfo = RuleInfo {
    code: "SG403",
    name: "concurrently-in-transaction",
    family: Family::Sql,
    default_level: Level::Error,
    dialects: crate::guard::POSTGRES_ONLY,
    summary: "CREATE/DROP INDEX, REINDEX or DETACH PARTITION CONCURRENTLY in a file that runs \
              inside a transaction",
    flags: "`CREATE INDEX CONCURRENTLY`, `DROP INDEX CONCURRENTLY`, `REINDEX ... CONCURRENTLY` or \
            `ALTER TABLE ... DETACH PARTITION ... CONCURRENTLY` in a file the runner wraps \
            in a transaction (`guard.runner`; with schemactl's own, a file without \
            `-- schemactl:no-transaction`), after an explicit `BEGIN` that is not yet committed, \
            or inside a `DO` block.",
    why: "PostgreSQL refuses CONCURRENTLY inside a transaction block, so the migration fails at \
          deploy time (after the earlier statements of the file ran, if they were not in a \
          transaction). Whether a file runs in a transaction depends on who runs it: schemactl \
          wraps each file unless it says otherwise, `psql -f` wraps nothing, Diesel, sqlx and \
          golang-migrate wrap every file, drizzle-kit wraps all pending files together.",
    fix: "Move the statement into a file of its own that starts with \
          `-- schemactl:no-transaction`, and do not wrap it in BEGIN/COMMIT.",
};

pub fn check(cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
    let what = match cx.parsed() {
        Some(Stmt::CreateIndex(ci)) if ci.concurrently => "CREATE INDEX CONCURRENTLY",
        Some(Stmt::Drop(d)) if d.kind == ObjectKind::Index && d.concurrently => {
            "DROP INDEX CONCURRENTLY"
        }
        Some(Stmt::AlterTable(at))
            if at.ops.iter().any(|op| {
                matches!(
                    op,
                    AlterOp::DetachPartition {
                        concurrently: true,
                        ..
                    }
                )
            }) =>
        {
            "DETACH PARTITION CONCURRENTLY"
        }
        Some(Stmt::Other { tag }) if tag == "REINDEX CONCURRENTLY" => "REINDEX CONCURRENTLY",
        _ => return,
    };
    if cx.embedded.is_some() {
        out.push(
            cx.finding(format!(
                "{what} inside a DO block fails: a DO block always runs in a transaction"
            ))
            .help("run it as a statement of its own in a `-- schemactl:no-transaction` file"),
        );
        return;
    }
    if !cx.file.in_transaction() {
        return;
    }
    let (msg, help) = if cx.file.explicit_begin.is_some() && !cx.file.wrapped {
        (
            format!(
                "{what} after an explicit BEGIN fails: it cannot run inside a transaction block"
            ),
            "run it after the COMMIT that closes the block",
        )
    } else {
        let help = match cx.file.runner {
            Runner::Schemactl => {
                "move it to its own file starting with `-- schemactl:no-transaction`"
            }
            _ => "run it outside this runner's transaction (a migration the runner does not wrap), or set `guard.runner` to what really runs the folder",
        };
        (
            format!(
                "{what} fails inside a transaction block, and {}",
                cx.file.runner.describe_wrap()
            ),
            help,
        )
    };
    out.push(cx.finding(msg).help(help));
}

#[cfg(test)]
mod tests {
    use crate::guard::lint::test_support::*;

    #[test]
    fn fires_in_a_transactional_file_and_after_begin() {
        let ds = lint("SG403", "CREATE INDEX CONCURRENTLY i ON t (x);\n");
        insta::assert_snapshot!(snap(&ds));
        let sql = "-- schemactl:no-transaction\nBEGIN;\nDROP INDEX CONCURRENTLY i;\nCOMMIT;\n";
        let ds = lint("SG403", sql);
        assert_eq!(ds.len(), 1, "{}", snap(&ds));
        assert!(ds[0].message.contains("explicit BEGIN"));
    }

    /// PostgreSQL refuses a concurrent detach or reindex in a transaction block too; the plain
    /// ones and FINALIZE run anywhere.
    #[test]
    fn a_concurrent_detach_or_reindex_fires_in_a_transaction_only() {
        let detach = "ALTER TABLE events DETACH PARTITION events_2024 CONCURRENTLY;\n";
        let ds = lint("SG403", detach);
        assert_eq!(ds.len(), 1, "{}", snap(&ds));
        assert!(
            ds[0].message.starts_with("DETACH PARTITION CONCURRENTLY fails inside a transaction block"),
            "{}",
            snap(&ds)
        );
        let own_file = format!("-- schemactl:no-transaction\n{detach}");
        assert!(lint("SG403", &own_file).is_empty());
        let reindex = "REINDEX (CONCURRENTLY) INDEX events_at_idx;\n";
        let ds = lint("SG403", reindex);
        assert_eq!(ds.len(), 1, "{}", snap(&ds));
        assert!(
            ds[0]
                .message
                .starts_with("REINDEX CONCURRENTLY fails inside a transaction block"),
            "{}",
            snap(&ds)
        );
        assert!(lint("SG403", "REINDEX INDEX CONCURRENTLY events_at_idx;\n").len() == 1);
        assert!(lint("SG403", "REINDEX INDEX events_at_idx;\n").is_empty());
        for anywhere in [
            "ALTER TABLE events DETACH PARTITION events_2024;\n",
            "ALTER TABLE events DETACH PARTITION events_2024 FINALIZE;\n",
        ] {
            assert!(lint("SG403", anywhere).is_empty(), "{anywhere}");
        }
    }

    #[test]
    fn quiet_in_a_no_transaction_file() {
        let sql = "-- schemactl:no-transaction\nCREATE INDEX CONCURRENTLY i ON t (x);\n\
                   BEGIN;\nCOMMIT;\nDROP INDEX CONCURRENTLY i;\n";
        assert!(lint("SG403", sql).is_empty());
    }
}
