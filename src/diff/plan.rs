//! A plan: the changes between two schemas and the files that make them, as each dialect's
//! planner writes them (`dialect::postgres::plan`, `dialect::sqlite::plan`).

use super::{Change, Risk};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedFile {
    /// Appended to the migration name: "" for the main file.
    pub suffix: &'static str,
    pub no_transaction: bool,
    pub statements: Vec<String>,
}

impl PlannedFile {
    /// The file's text: the generated-file header, the directive when it needs one, statements.
    pub fn script(&self, header: &str) -> String {
        let mut s = String::from(header);
        if self.no_transaction {
            s.push_str(crate::migrate::NO_TRANSACTION_LINE);
        }
        for st in &self.statements {
            s.push_str(st);
            s.push_str(";\n");
        }
        s
    }
}

#[derive(Debug, Clone)]
pub struct Plan {
    pub changes: Vec<Change>,
    pub files: Vec<PlannedFile>,
    /// The planned statements that take a risk the lint reports, each with why no safer
    /// recipe exists (written into the files as allows by `generate::annotate`).
    pub accepted: Vec<Accepted>,
}

/// A planned statement the lint may report as `code`, and why it is the way to do it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    pub statement: String,
    pub code: &'static str,
    pub reason: String,
}

impl Plan {
    /// Nothing to change and nothing to run. Both count: the SQLite planner rebuilds a table
    /// for differences the change list has no kind for (a generated column's expression).
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty() && self.files.is_empty()
    }

    pub fn max_risk(&self) -> Risk {
        self.changes
            .iter()
            .map(Change::risk)
            .max()
            .unwrap_or(Risk::Safe)
    }
}
