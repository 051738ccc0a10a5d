//! The planner's reasons written into the planned files: where the lint reports a planned
//! statement the planner chose knowingly (`Plan::accepted`), a `-- schemactl:allow CODE
//! <reason>` comment goes before it, so generated migrations pass `guard`. Findings the
//! planner gave no reason for are left for guard to report.

use crate::dialect::{write_script, DialectKind};
use crate::diff::plan::Plan;
use crate::diff::Change;
use crate::guard::lint::{lint_with, FolderState};
use crate::guard::GuardConfig;
use crate::model::{QName, Schema};

/// Writes the allows into `plan`'s files. The files are linted after the tables they change
/// (`from`), so type changes are judged against the old types.
pub fn annotate(plan: &mut Plan, from: &Schema) {
    if plan.accepted.is_empty() {
        return;
    }
    let mut folder = FolderState::default();
    // The lint needs the old column types (and indexes) only for the tables whose columns
    // change type or collation.
    let retyped: Vec<&QName> =
        plan.changes
            .iter()
            .filter_map(|c| match c {
                Change::AlterColumnType { table, .. }
                | Change::AlterColumnCollation { table, .. } => Some(table),
                _ => None,
            })
            .collect();
    let history = Schema {
        tables: from
            .tables
            .iter()
            .filter(|t| retyped.contains(&&t.name))
            .cloned()
            .collect(),
        ..Schema::default()
    };
    if let Ok(statements) = DialectKind::Postgres.dialect().create(&history) {
        let mut sql = String::new();
        write_script(&mut sql, &statements);
        folder.learn(&sql, DialectKind::Postgres);
    }
    let config = GuardConfig::default();
    for f in plan.files.iter_mut() {
        // The line each statement starts on in the file's text.
        let mut starts = Vec::with_capacity(f.statements.len());
        let mut line = 1 + u32::from(f.no_transaction);
        for st in &f.statements {
            starts.push(line);
            line += 1 + st.matches('\n').count() as u32;
        }
        let found = lint_with(&mut folder, "planned.sql", &f.script(""), &config);
        let mut allows: Vec<Vec<(&str, &str)>> = vec![Vec::new(); f.statements.len()];
        for d in &found {
            let Some(i) = d
                .location
                .as_ref()
                .and_then(|l| starts.iter().rposition(|&s| s <= l.line))
            else {
                continue;
            };
            let reason = plan
                .accepted
                .iter()
                .find(|w| w.code == d.code && w.statement == f.statements[i]);
            if let Some(w) = reason {
                if !allows[i].iter().any(|(c, _)| *c == w.code) {
                    allows[i].push((w.code, &w.reason));
                }
            }
        }
        for (st, allows) in f.statements.iter_mut().zip(allows) {
            let mut head = String::new();
            for (code, reason) in allows {
                head.push_str(&format!("-- schemactl:allow {code} {reason}\n"));
            }
            st.insert_str(0, &head);
        }
    }
}
