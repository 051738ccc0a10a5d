//! SG309 folder-replay: the migration folder does not run from an empty database.

use crate::diag::Diagnostic;
use crate::guard::migrations::MigrationCx;
use crate::guard::{Family, Finding, Level, RuleInfo};
use crate::sql::ast::{AlterOp, CommentTarget, Constraint, ConstraintKind, Name, Stmt};
use crate::sql::replay::{REJECTED, UNSUPPORTED};
use crate::sql::split::split;
use std::collections::HashSet;

pub const INFO: RuleInfo = RuleInfo {
    code: "SG309",
    name: "folder-replay",
    family: Family::Migrations,
    default_level: Level::Error,
    dialects: crate::guard::EVERY_DIALECT,
    summary: "The migration folder fails when replayed in order from an empty database",
    flags: "The first statement that fails when the folder is replayed in order: the same \
            column, table, index or constraint made by two migrations, an index, constraint or \
            ALTER on a table no earlier migration creates, a drop of something that does not \
            exist. Offline, schemactl replays the SQL itself; a folder holding what it cannot \
            follow (a `DO` block building SQL, `CREATE TABLE ... AS`) is judged only up to \
            there, and statements PostgreSQL's grammar rejects are SG401. With \
            `schemactl guard --dev-url URL` the folder runs on a scratch database of that server \
            instead (the target's PostgreSQL version), and its first failing statement is named. \
            Offline, a statement naming an object in a schema no migration creates (a hosted \
            platform's `auth.users`) is taken to rely on what the platform provides.",
    why: "A folder that does not replay fails on every new database: a new environment, a \
          teammate's machine, the CI database, a disaster recovery. Today it is found only at \
          deploy time. It usually comes from a merge: two branches added the same column, or \
          one migration was renumbered before the one it needs.",
    fix: "Fix the folder so it runs in order: remove the duplicate change, add the missing \
          creation, or reorder the unapplied migration (`schemactl migrations renumber FILE`). \
          Objects the platform provides before the first migration (roles, an `auth` schema) \
          belong in a first migration guarded with `IF NOT EXISTS`.",
};

pub fn check(cx: &MigrationCx<'_>, out: &mut Vec<Finding>) {
    if cx.dir.files.is_empty() {
        return;
    }
    if let Some(run) = cx.input.run_folder {
        if let Err(ds) = run(&cx.dir) {
            let failed = ds.0.iter().find(|d| d.code == "apply::failed");
            let Some(first) = failed.or(ds.0.first()) else {
                return;
            };
            let mut f = Finding::new(if failed.is_some() {
                format!(
                    "the migrations do not run on a fresh database of the --dev-url server: {}",
                    first.message
                )
            } else {
                format!(
                    "the migrations could not be run on the --dev-url server: {}",
                    first.message
                )
            })
            .help(
                "fix the folder so it runs in order from an empty database; nothing was changed on the server but a scratch database, dropped again",
            );
            f.origin = first.location.clone();
            out.push(f);
        }
        return;
    }
    let Err(ds) = cx.replayed() else {
        return;
    };
    let Some(first) = ds.0.first() else {
        return;
    };
    // Past a statement replay cannot follow, what it reports may be that statement's doing;
    // a statement the grammar rejects is SG401's.
    if first.code == UNSUPPORTED || first.code == REJECTED {
        return;
    }
    if first.code == "replay::unknown-object" && names_outside_schema(cx, first) {
        return;
    }
    let mut f =
        Finding::new(format!(
            "the migrations do not replay in order from an empty database: {}",
            first.message
        ))
        .help(first.help.clone().unwrap_or_else(|| {
            "fix the folder so it runs in order from an empty database".to_string()
        }));
    f.origin = first.location.clone();
    out.push(f);
}

/// Whether the failing statement names an object in a schema no migration of the folder
/// creates (`auth.users` of a hosted platform): that schema and what is in it come from
/// outside the folder, so what is missing there is not the folder's fault.
fn names_outside_schema(cx: &MigrationCx<'_>, failure: &Diagnostic) -> bool {
    let Some(at) = &failure.location else {
        return false;
    };
    let mut created: HashSet<String> = ["public", "pg_catalog", "information_schema"]
        .into_iter()
        .map(String::from)
        .collect();
    let mut failing: Option<Stmt> = None;
    for f in &cx.dir.files {
        let here = f.path.display().to_string() == at.file;
        for st in split(&f.sql, cx.dialect).statements {
            let Some(parsed) = st.parsed else {
                continue;
            };
            if let Stmt::CreateSchema { name, .. } = &parsed {
                created.insert(name.clone());
            }
            let ends = st.line + st.text.matches('\n').count() as u32;
            if here && (st.line..=ends).contains(&at.line) && failing.is_none() {
                failing = Some(parsed);
            }
        }
    }
    failing.is_some_and(|stmt| {
        referenced(&stmt)
            .iter()
            .any(|n| n.schema().is_some_and(|s| !created.contains(s)))
    })
}

/// The relations a statement names (itself, and what its foreign keys reference).
fn referenced(stmt: &Stmt) -> Vec<&Name> {
    fn fk_targets<'a>(cs: impl Iterator<Item = &'a Constraint>) -> Vec<&'a Name> {
        cs.filter_map(|c| match &c.kind {
            ConstraintKind::ForeignKey { ref_table, .. } => Some(ref_table),
            _ => None,
        })
        .collect()
    }
    let mut out = Vec::new();
    match stmt {
        Stmt::CreateTable(ct) => {
            out.push(&ct.name);
            out.extend(ct.partition_of.as_ref().map(|(p, _)| p));
            out.extend(fk_targets(
                ct.constraints
                    .iter()
                    .chain(ct.columns.iter().flat_map(|c| &c.constraints)),
            ));
        }
        Stmt::AlterTable(at) => {
            out.push(&at.name);
            out.extend(fk_targets(at.ops.iter().filter_map(|op| match op {
                AlterOp::AddConstraint(c) => Some(c),
                AlterOp::AddColumn { .. } => None,
                _ => None,
            })));
            for op in &at.ops {
                if let AlterOp::AddColumn { column, .. } = op {
                    out.extend(fk_targets(column.constraints.iter()));
                }
            }
        }
        Stmt::CreateIndex(ci) => out.push(&ci.table),
        Stmt::CreateTrigger(t) => out.push(&t.table),
        Stmt::CreatePolicy(p) => out.push(&p.table),
        Stmt::AlterPolicy { table, .. } => out.push(table),
        Stmt::Drop(d) => out.extend(&d.names),
        Stmt::Rename(r) => out.push(&r.object),
        Stmt::Comment {
            target: CommentTarget::Table(n) | CommentTarget::Column { table: n, .. },
            ..
        } => out.push(n),
        _ => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::guard::migrations::test_support::*;
    use crate::guard::MigrationInput;
    use crate::model::DialectKind;

    #[test]
    fn fires_at_the_first_statement_that_fails() {
        let twice = folder(&[
            ("0001_a.sql", "CREATE TABLE a (id int);\n"),
            ("0002_b.sql", "ALTER TABLE a ADD COLUMN note text;\n"),
            (
                "0003_c.sql",
                "\nALTER TABLE a ADD COLUMN note text;\nCREATE INDEX b_idx ON b (x);\n",
            ),
        ]);
        let missing = folder(&[
            (
                "0001_a.sql",
                "CREATE SCHEMA app;\nCREATE TABLE a (id int);\n",
            ),
            ("0002_b.sql", "CREATE INDEX b_x_idx ON app.b (x);\n"),
        ]);
        let mut text = snap(
            &run("SG309", twice.path(), &MigrationInput::default()),
            twice.path(),
        );
        text.push_str(&snap(
            &run("SG309", missing.path(), &MigrationInput::default()),
            missing.path(),
        ));
        insta::assert_snapshot!(text);
    }

    #[test]
    fn quiet_on_folders_that_replay_or_that_replay_cannot_judge() {
        let fine = folder(&[
            ("0001_a.sql", "CREATE TABLE a (id int);\n"),
            (
                "0002_b.sql",
                "ALTER TABLE a ADD COLUMN IF NOT EXISTS id int;\nDROP TABLE IF EXISTS gone;\n",
            ),
        ]);
        assert!(run("SG309", fine.path(), &MigrationInput::default()).is_empty());
        // A DO block building SQL may have made the table: replay cannot tell.
        let dynamic = folder(&[
            (
                "0001_a.sql",
                "DO $$ BEGIN EXECUTE format('CREATE TABLE %I (x int)', 'b'); END $$;\n",
            ),
            ("0002_b.sql", "CREATE INDEX b_x_idx ON b (x);\n"),
        ]);
        assert!(run("SG309", dynamic.path(), &MigrationInput::default()).is_empty());
        // A platform's own schema (`auth`) is made before the first migration.
        let platform = folder(&[
            (
                "0001_a.sql",
                "CREATE TABLE profiles (id uuid PRIMARY KEY REFERENCES auth.users);\n",
            ),
            (
                "0002_b.sql",
                "CREATE TRIGGER t AFTER INSERT ON auth.users FOR EACH ROW EXECUTE FUNCTION f();\n",
            ),
        ]);
        assert!(run("SG309", platform.path(), &MigrationInput::default()).is_empty());
        // A statement PostgreSQL's grammar rejects is SG401's, not this rule's.
        let typo = folder(&[("0001_a.sql", "CREAT TABLE a (id int);\n")]);
        assert!(run("SG309", typo.path(), &MigrationInput::default()).is_empty());
        let sqlite = folder(&[
            ("0001_a.sql", "CREATE TABLE a (id INTEGER PRIMARY KEY);\n"),
            ("0002_b.sql", "ALTER TABLE a ADD COLUMN note TEXT;\n"),
        ]);
        assert!(run_as(
            "SG309",
            sqlite.path(),
            &MigrationInput::default(),
            DialectKind::Sqlite
        )
        .is_empty());
    }

    #[test]
    fn sqlite_folders_replay_too() {
        let twice = folder(&[
            ("0001_a.sql", "CREATE TABLE a (id INTEGER PRIMARY KEY);\n"),
            ("0002_b.sql", "CREATE TABLE a (id INTEGER PRIMARY KEY);\n"),
        ]);
        let ds = run_as(
            "SG309",
            twice.path(),
            &MigrationInput::default(),
            DialectKind::Sqlite,
        );
        assert_eq!(ds.len(), 1, "{}", snap(&ds, twice.path()));
        assert!(
            ds[0].message.contains("already exists"),
            "{}",
            ds[0].message
        );
    }

    #[test]
    fn a_dev_server_run_names_its_first_failure() {
        fn fails(_: &crate::migrate::MigrationDir) -> Result<(), crate::Diagnostics> {
            Err(
                crate::diag::Diagnostic::error("apply::failed", "`0002_b.sql` fails: boom")
                    .at(&crate::model::Origin {
                        file: "0002_b.sql".into(),
                        line: 3,
                        column: 1,
                    })
                    .into(),
            )
        }
        let tmp = folder(&[("0001_a.sql", "CREATE TABLE a (id int);\n")]);
        let input = MigrationInput {
            run_folder: Some(&fails),
            ..Default::default()
        };
        let ds = run("SG309", tmp.path(), &input);
        assert_eq!(ds.len(), 1);
        assert!(ds[0].message.contains("boom"));
        assert_eq!(ds[0].location.as_ref().unwrap().line, 3);
    }
}
