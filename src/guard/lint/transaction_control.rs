//! SG422 transaction-control: BEGIN/COMMIT where the runner already holds the transaction, or
//! blocks the runner would refuse or leave open.

use crate::guard::lint::{Later, StmtCx};
use crate::guard::{Family, Finding, Level, RuleInfo, Runner};
use crate::sql::ast::{Stmt, Transaction};

pub const INFO: RuleInfo = RuleInfo {
    code: "SG422",
    name: "transaction-control",
    family: Family::Sql,
    default_level: Level::Error,
    dialects: crate::guard::POSTGRES_ONLY,
    summary: "BEGIN/COMMIT in a file the runner wraps in a transaction, or a block it cannot run",
    flags: "In a file the runner wraps in a transaction (`guard.runner`; with schemactl's own, a \
            file without `-- schemactl:no-transaction`): the first `BEGIN`, `START TRANSACTION`, \
            `COMMIT`, `END`, `ROLLBACK` or `PREPARE TRANSACTION` (once per file; savepoints are \
            fine). In a `-- schemactl:no-transaction` file: a `BEGIN` inside an open block, a \
            `COMMIT`/`ROLLBACK` no `BEGIN` opened, a block that ends in `ROLLBACK`, two-phase \
            commit, and a `BEGIN` never closed. With `runner: psql`: a `BEGIN` never closed.",
    why: "`schemactl apply` runs a transactional file in one transaction together with its \
          tracking row, so it refuses a file that holds its own transaction control: a COMMIT in \
          the middle would record the file as applied while half of it is still to run. Other \
          wrapping runners accept it and lose the file's atomicity: after the COMMIT the rest \
          runs outside any transaction, and a failure there leaves the migration half applied. A \
          block left open is rolled back when the session ends: everything in it is silently \
          undone.",
    fix: "Remove the BEGIN/COMMIT and let the runner's transaction hold the file; or, when the \
          file needs its own blocks (an enum value used after it is committed, CONCURRENTLY \
          after a block), put `-- schemactl:no-transaction` at its top, which runs the file \
          statement by statement and each BEGIN ... COMMIT block as one transaction. Close every \
          block with COMMIT.",
};

pub fn check(cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
    if cx.embedded.is_some() {
        return;
    }
    let Some(Stmt::Transaction(t)) = cx.parsed() else {
        return;
    };
    let words = cx.stmt.leading_words(2);
    if !matches!(
        t,
        Transaction::Begin | Transaction::Commit | Transaction::Rollback | Transaction::TwoPhase
    ) {
        return;
    }
    let file = &cx.file;
    if file.runner_wraps {
        if cx.reported_in_file(INFO.code) {
            return;
        }
        let (message, help) = match file.runner {
            Runner::Schemactl => (
                format!(
                    "`{words}` in a file schemactl runs in one transaction together with its \
                     tracking row: `schemactl apply` refuses the file"
                ),
                "remove the transaction control and let schemactl's transaction hold the file; or put `-- schemactl:no-transaction` at its top, which runs the file statement by statement and each BEGIN ... COMMIT block in it as one transaction",
            ),
            _ => (
                format!(
                    "`{words}` in a file that already runs in a transaction: {}; a COMMIT here \
                     ends that transaction early, and a failure after it leaves the migration \
                     half applied",
                    file.runner.describe_wrap()
                ),
                "remove the transaction control and let the runner's transaction hold the file",
            ),
        };
        out.push(cx.finding(message).help(help));
        return;
    }
    let schemactl = file.runner == Runner::Schemactl;
    let finding = match (t, file.explicit_begin) {
        (Transaction::Begin, Some(open)) if schemactl => cx
            .finding(format!(
                "`{words}` opens a transaction inside the one opened at line {open}: `schemactl \
                 apply` refuses the file"
            ))
            .help("close the first block with COMMIT before the next BEGIN"),
        (Transaction::Begin, None) => cx
            .finding(format!(
                "`{words}` opens a block that no COMMIT closes: it is rolled back when the \
                 session ends, undoing everything in it{}",
                if schemactl {
                    ", and `schemactl apply` refuses the file"
                } else {
                    ""
                }
            ))
            .help("end the block with COMMIT")
            .unless_later(Later::EndOfBlock),
        (Transaction::Commit | Transaction::Rollback, None) if schemactl => cx
            .finding(format!(
                "`{words}` ends a transaction no BEGIN opened: `schemactl apply` refuses the file"
            ))
            .help("remove it, or open the block with BEGIN"),
        (Transaction::Rollback, Some(_)) if schemactl => cx
            .finding(format!(
                "the block ends in `{words}`: everything in it would be undone on every run, and \
                 `schemactl apply` refuses the file"
            ))
            .help("end the block with COMMIT, or delete the block"),
        (Transaction::TwoPhase, _) if schemactl => cx
            .finding(format!(
                "`{}` is not something a migration can do: `schemactl apply` refuses the file",
                cx.stmt.leading_words(3)
            ))
            .help("two-phase commit has no place in a migration: use BEGIN ... COMMIT"),
        _ => return,
    };
    out.push(finding);
}

#[cfg(test)]
mod tests {
    use crate::guard::lint::test_support::*;
    use crate::guard::{testing::only, GuardConfig, Runner};

    fn lint_as(runner: Runner, sql: &str) -> Vec<crate::diag::Diagnostic> {
        let config = GuardConfig {
            runner,
            ..only("SG422", GuardConfig::default())
        };
        crate::guard::lint_sql("0002_change.sql", sql, &config)
    }

    #[test]
    fn fires_in_a_wrapped_file_once() {
        let sql = "BEGIN;\nALTER TYPE s ADD VALUE 'x';\nCOMMIT;\nBEGIN;\nSELECT 1;\nCOMMIT;\n";
        let mut text = snap(&lint("SG422", sql));
        for runner in [Runner::TransactionPerFile, Runner::OneTransaction] {
            text.push_str(&snap(&lint_as(runner, sql)));
        }
        insta::assert_snapshot!(text);
    }

    #[test]
    fn fires_on_blocks_apply_refuses_in_a_no_transaction_file() {
        let nt = "-- schemactl:no-transaction\n";
        let sql = format!(
            "{nt}BEGIN;\nBEGIN;\nCOMMIT;\nCOMMIT;\nBEGIN;\nSELECT 1;\nROLLBACK;\n\
             PREPARE TRANSACTION 'x';\nBEGIN;\nSELECT 2;\n"
        );
        insta::assert_snapshot!(snap(&lint("SG422", &sql)));
    }

    #[test]
    fn quiet_on_closed_blocks_savepoints_and_unwrapped_runners() {
        let nt = "-- schemactl:no-transaction\n";
        let blocks = "BEGIN;\nALTER TYPE s ADD VALUE 'x';\nCOMMIT;\nSTART TRANSACTION;\n\
                      SAVEPOINT a;\nROLLBACK TO SAVEPOINT a;\nRELEASE a;\nEND;\n";
        assert!(lint("SG422", &format!("{nt}{blocks}")).is_empty());
        assert!(lint_as(Runner::Psql, blocks).is_empty());
        // psql tolerates a stray COMMIT (a warning) and a block ending in ROLLBACK.
        assert!(lint_as(Runner::Psql, "COMMIT;\nBEGIN;\nSELECT 1;\nROLLBACK;\n").is_empty());
        // Savepoints inside the runner's own transaction are fine.
        assert!(lint("SG422", "SAVEPOINT a;\nRELEASE SAVEPOINT a;\n").is_empty());
    }

    #[test]
    fn psql_reports_a_block_left_open() {
        let ds = lint_as(Runner::Psql, "SELECT 1;\nBEGIN;\nCREATE TABLE t (x int);\n");
        assert_eq!(ds.len(), 1, "{}", snap(&ds));
        assert_eq!(ds[0].location.as_ref().unwrap().line, 2);
    }
}
