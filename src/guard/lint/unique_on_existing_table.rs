//! SG406 unique-on-existing-table: a UNIQUE/PK/EXCLUDE built over existing rows under a lock.

use crate::guard::lint::StmtCx;
use crate::guard::{Family, Finding, Level, RuleInfo};
use crate::sql::ast::{AlterOp, ConstraintKind, Stmt};

pub const INFO: RuleInfo = RuleInfo {
    code: "SG406",
    name: "unique-on-existing-table",
    family: Family::Sql,
    default_level: Level::Error,
    dialects: crate::guard::POSTGRES_ONLY,
    summary: "A unique, primary-key or exclusion constraint is built over an existing table's rows under a lock",
    flags: "On a table not created earlier in the same file: `ADD CONSTRAINT ... UNIQUE (...)`, \
            `ADD PRIMARY KEY (...)` or `ADD ... EXCLUDE ...` (not `... USING INDEX`), `ADD COLUMN \
            ... UNIQUE | PRIMARY KEY`, and `CREATE UNIQUE INDEX` without `CONCURRENTLY`.",
    why: "The backing index is built while the table is locked (ACCESS EXCLUSIVE for ADD \
          CONSTRAINT, SHARE for CREATE INDEX), blocking writes for the whole build, and the \
          migration fails if existing rows hold duplicates.",
    fix: "Check for duplicates first, build the index with `CREATE UNIQUE INDEX CONCURRENTLY` in a \
          `-- schemactl:no-transaction` file, then attach it: `ADD CONSTRAINT name UNIQUE USING \
          INDEX idx` (or `PRIMARY KEY USING INDEX`), which is instant. Exclusion constraints have \
          no concurrent form: suppress with a reason once the table is known small.",
};

const USING_INDEX: &str =
    "build a unique index CONCURRENTLY first, then `ADD CONSTRAINT ... USING INDEX`";

pub fn check(cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
    match cx.parsed() {
        Some(Stmt::CreateIndex(ci))
            if ci.unique && !ci.concurrently && cx.file.existing_table(ci.table.last()) =>
        {
            out.push(
                cx.finding(format!(
                    "CREATE UNIQUE INDEX{} on existing table `{}` without CONCURRENTLY blocks \
                         writes for the whole build and fails on duplicate rows",
                    ci.name
                        .as_ref()
                        .map(|n| format!(" `{n}`"))
                        .unwrap_or_default(),
                    ci.table
                ))
                .help(
                    "use CREATE UNIQUE INDEX CONCURRENTLY in a `-- schemactl:no-transaction` file",
                ),
            );
        }
        Some(Stmt::AlterTable(at)) => {
            if !cx.file.existing_table(at.name.last()) {
                return;
            }
            for op in &at.ops {
                if let AlterOp::AddColumn { column, .. } = op {
                    let inline = column.constraints.iter().find_map(|k| match k.kind {
                        ConstraintKind::Unique { .. } => Some("UNIQUE"),
                        ConstraintKind::PrimaryKey { .. } => Some("PRIMARY KEY"),
                        _ => None,
                    });
                    if let Some(what) = inline {
                        out.push(
                            cx.finding(format!(
                                "column `{}` added to existing table `{}` as {what} builds its \
                                 index under an ACCESS EXCLUSIVE lock",
                                column.name, at.name
                            ))
                            .help(format!(
                                "add the column plain, build a unique index CONCURRENTLY, then \
                                 attach it with `ADD CONSTRAINT ... {what} USING INDEX`"
                            )),
                        );
                    }
                }
                let AlterOp::AddConstraint(c) = op else {
                    continue;
                };
                let (what, fails, help) = match &c.kind {
                    ConstraintKind::Unique { using_index: None, .. } => {
                        ("UNIQUE constraint", "duplicates", USING_INDEX)
                    }
                    ConstraintKind::PrimaryKey { using_index: None, .. } => {
                        ("PRIMARY KEY", "duplicates or NULLs", USING_INDEX)
                    }
                    ConstraintKind::Exclude { .. } => (
                        "EXCLUDE constraint",
                        "conflicting rows",
                        "there is no concurrent form: run it in a quiet window, and suppress with the table's size as the reason",
                    ),
                    _ => continue,
                };
                out.push(
                    cx.finding(format!(
                        "{what}{} added to existing table `{}` builds its index under an ACCESS \
                         EXCLUSIVE lock and fails on existing {fails}",
                        c.name
                            .as_ref()
                            .map(|n| format!(" `{n}`"))
                            .unwrap_or_default(),
                        at.name
                    ))
                    .help(help),
                );
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use crate::guard::lint::test_support::*;

    #[test]
    fn fires_on_unique_constraint_and_unique_index() {
        let sql = "ALTER TABLE users ADD CONSTRAINT users_email_unique UNIQUE (email);\n\
                   CREATE UNIQUE INDEX users_handle_idx ON users (handle);\n\
                   ALTER TABLE users ADD COLUMN code text UNIQUE;\n";
        insta::assert_snapshot!(snap(&lint("SG406", sql)));
    }

    #[test]
    fn quiet_on_concurrent_index_then_using_index() {
        let sql = "-- schemactl:no-transaction\n\
                   CREATE UNIQUE INDEX CONCURRENTLY users_email_idx ON users (email);\n\
                   ALTER TABLE users ADD CONSTRAINT users_email_unique UNIQUE USING INDEX users_email_idx;\n\
                   CREATE TABLE n (x int);\nALTER TABLE n ADD CONSTRAINT n_x_unique UNIQUE (x);\n";
        assert!(lint("SG406", sql).is_empty());
    }
}
