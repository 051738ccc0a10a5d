//! SG401 unparseable-statement: a statement the SQL parser cannot read is reported, not skipped.

use crate::model::DialectKind;
use crate::guard::lint::StmtCx;
use crate::guard::{Family, Finding, Level, RuleInfo};
use crate::sql::ast::{FunctionBody, Stmt};

pub const INFO: RuleInfo = RuleInfo {
    code: "SG401",
    name: "rejected-statement",
    family: Family::Sql,
    default_level: Level::Error,
    dialects: crate::guard::EVERY_DIALECT,
    summary: "PostgreSQL would reject this statement",
    flags: "A statement that PostgreSQL's own grammar rejects (a typo, text cut off by an \
            unterminated string or dollar quote, a psql meta-command such as `\\connect`, \
            `COPY` data, a NUL byte), reported with PostgreSQL's message at the error's line and \
            column; also a `DO` block or function body that PostgreSQL's PL/pgSQL compiler \
            rejects. On SQLite migrations: a statement sqlparser's SQLite dialect cannot read. \
            The lint goes on with the next statement.",
    why: "The migration would stop at this statement on every database it runs on, after the \
          statements before it have run (or, in a transaction, after they are rolled back). \
          Nothing inside the statement could be checked either.",
    fix: "Fix the statement. psql commands and COPY data belong in scripts run by psql, not in \
          migrations. On SQLite, if the statement is valid there, review it by hand and suppress \
          with a reason.",
};

pub fn check(cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
    let help = "fix the statement; PostgreSQL would stop the migration here";
    if let Some(e) = cx.error {
        if cx.config.dialect == DialectKind::Postgres && cx.text.starts_with('\\') {
            out.push(
                cx.finding_at(
                    e.line,
                    e.column,
                    format!(
                        "`{}` is a psql command, not SQL: PostgreSQL would reject it",
                        cx.stmt.leading_words(3)
                    ),
                )
                .help("psql commands belong in scripts run by psql; a migration is plain SQL"),
            );
            return;
        }
        let who = if cx.config.dialect == DialectKind::Sqlite {
            "SQLite's parser cannot read this statement"
        } else {
            "PostgreSQL would reject this statement"
        };
        out.push(
            cx.finding_at(e.line, e.column, format!("{who}: {}", e.message))
                .help(if cx.config.dialect == DialectKind::Sqlite {
                    "review it by hand; suppress with `-- schemactl:allow SG401 <reason>` once reviewed"
                } else {
                    help
                }),
        );
        return;
    }
    let body_error = match cx.parsed() {
        Some(Stmt::Do(d)) => d
            .program
            .as_ref()
            .and_then(|p| p.error.as_ref())
            .map(|e| ("this DO block".to_string(), e)),
        Some(Stmt::CreateFunction(f)) => match &f.body {
            FunctionBody::Text {
                program: Some(p), ..
            } => p.error.as_ref().map(|e| {
                (
                    format!(
                        "{} `{}`",
                        if f.procedure { "procedure" } else { "function" },
                        f.name
                    ),
                    e,
                )
            }),
            _ => None,
        },
        _ => None,
    };
    if let Some((what, message)) = body_error {
        out.push(
            cx.finding(format!(
                "PostgreSQL would reject the body of {what}: {message}"
            ))
            .help(help),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::guard::lint::test_support::*;

    #[test]
    fn fires_with_postgresql_s_message_where_the_error_is() {
        let sql = "SET lock_timeout = '1s';\nCREATE TABLE t (id int);\nALTER TABLE t ADD COLUMN x int NOT NUL;\nCREATE INDEX CONCURRENTLY t_x_idx ON t (x);\nSELECT 'open;\n";
        insta::assert_snapshot!(snap(&lint("SG401", sql)));
    }

    #[test]
    fn fires_on_rejected_procedural_bodies() {
        let sql = "DO $$ BEGIN PERFORM 1 END $$;\nCREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELEC 1 $$;\nDO $$ BEGIN\n  UPDATE t SET x = = 1;\nEND $$;\n";
        insta::assert_snapshot!(snap(&lint("SG401", sql)));
    }

    #[test]
    fn quiet_on_what_older_parsers_could_not_read() {
        let sql = "DROP INDEX CONCURRENTLY IF EXISTS ix;\nCOMMENT ON CONSTRAINT c ON t IS 'x';\nDO $$ BEGIN PERFORM 1; END $$;\nCREATE STATISTICS s ON a, b FROM t;\nREINDEX INDEX ix;\nALTER SEQUENCE s RENAME TO s2;\nALTER TRIGGER tr ON t RENAME TO tr2;\nCREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END;\n\u{feff}SELECT 1;\n";
        let ds = lint("SG401", sql);
        assert_eq!(ds.len(), 1, "{}", snap(&ds));
        // A byte-order mark is only skipped at the start of a file.
        assert_eq!(ds[0].location.as_ref().unwrap().line, 9);
        let bom = "\u{feff}CREATE TABLE a (id int);\n";
        assert!(lint("SG401", bom).is_empty());
    }
}
