//! A review of what a change does to a schema, for pull requests (Markdown) and terminals.

pub mod compare;

use crate::diff::{Change, Risk};
use crate::model::{QName, Schema};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

/// The lock a change takes on PostgreSQL, and why it matters.
pub fn lock_of(change: &Change) -> Option<&'static str> {
    Some(match change {
        Change::AddIndex { .. } | Change::DropIndex { .. } => "SHARE UPDATE EXCLUSIVE (built CONCURRENTLY: reads and writes continue)",
        Change::AddConstraint { .. } => "ACCESS EXCLUSIVE briefly to add NOT VALID, then SHARE UPDATE EXCLUSIVE while it validates",
        Change::SetNotNull { .. } => "ACCESS EXCLUSIVE briefly; the scan runs under a validated CHECK first",
        Change::AlterColumnType { .. } => "ACCESS EXCLUSIVE for a full table rewrite: blocks reads and writes",
        Change::AlterColumnCollation { .. } => "ACCESS EXCLUSIVE while the indexes on the column are rebuilt (the rows are not rewritten)",
        Change::SwapEnum { .. } => "ACCESS EXCLUSIVE on every table with a column of the type, each rewritten: blocks reads and writes",
        Change::AlterGenerated { .. } => "ACCESS EXCLUSIVE for a full table rewrite (the column is dropped and computed again)",
        Change::AddColumn { .. } | Change::DropColumn { .. } | Change::RenameColumn { .. } | Change::DropNotNull { .. } | Change::DropGenerated { .. } | Change::SetDefault { .. } | Change::DropDefault { .. } | Change::DropConstraint { .. } | Change::SetRls { .. } | Change::AddTrigger { .. } | Change::DropTrigger { .. } | Change::AddPolicy { .. } | Change::DropPolicy { .. } => {
            "ACCESS EXCLUSIVE briefly (no rewrite; waits for running queries, bounded by lock_timeout)"
        }
        Change::DropTable { .. } => "ACCESS EXCLUSIVE",
        Change::DropView { .. } => "ACCESS EXCLUSIVE on the view only",
        Change::ReplaceView { .. } => {
            "ACCESS EXCLUSIVE on the view only, from the moment it is dropped until it is created again (one transaction)"
        }
        _ => return None,
    })
}

fn risk_reason(change: &Change) -> &'static str {
    match change.risk() {
        Risk::Destructive => "loses data",
        Risk::BackwardIncompatible => "code still using the old name breaks",
        Risk::DataDependent => "can fail on existing rows",
        Risk::Locking => "takes a lock on a live table",
        Risk::Safe => "",
    }
}

fn table_of(change: &Change) -> Option<&QName> {
    match change {
        Change::CreateTable { table }
        | Change::DropTable { table }
        | Change::AddColumn { table, .. }
        | Change::DropColumn { table, .. }
        | Change::RenameColumn { table, .. }
        | Change::AlterColumnType { table, .. }
        | Change::AlterColumnCollation { table, .. }
        | Change::SetNotNull { table, .. }
        | Change::DropNotNull { table, .. }
        | Change::SetDefault { table, .. }
        | Change::DropDefault { table, .. }
        | Change::AddConstraint { table, .. }
        | Change::DropConstraint { table, .. }
        | Change::AddIndex { table, .. }
        | Change::DropIndex { table, .. }
        | Change::SetRls { table }
        | Change::AddPolicy { table, .. }
        | Change::DropPolicy { table, .. }
        | Change::AddTrigger { table, .. }
        | Change::DropTrigger { table, .. }
        | Change::SetTableComment { table }
        | Change::SetColumnComment { table, .. }
        | Change::AlterGenerated { table, .. }
        | Change::DropGenerated { table, .. } => Some(table),
        _ => None,
    }
}

/// What a review shows: the changes, and the SQL files that will run.
pub struct Review<'a> {
    pub changes: &'a [Change],
    pub after: &'a Schema,
    /// `(file name, text)` of the migrations the change adds.
    pub files: &'a [(String, String)],
    /// How the ER diagram spells column types.
    pub spelling: &'a dyn crate::diff::Spelling,
}

impl Review<'_> {
    /// `N change(s): 1 destructive, 2 safe`, most severe first.
    fn summary(&self) -> String {
        let mut counts: BTreeMap<Risk, usize> = BTreeMap::new();
        for c in self.changes {
            *counts.entry(c.risk()).or_insert(0) += 1;
        }
        let parts: Vec<String> = counts
            .iter()
            .rev()
            .map(|(r, n)| format!("{n} {}", risk_name(*r)))
            .collect();
        format!("{} change(s): {}", self.changes.len(), parts.join(", "))
    }

    fn by_table(&self) -> BTreeMap<String, Vec<&Change>> {
        let mut m: BTreeMap<String, Vec<&Change>> = BTreeMap::new();
        for c in self.changes {
            let key = table_of(c).map_or("(schema)".to_string(), |t| t.to_string());
            m.entry(key).or_default().push(c);
        }
        m
    }

    pub fn markdown(&self) -> String {
        let mut s = String::from("## Schema review\n\n");
        if self.changes.is_empty() {
            s.push_str("No schema changes.\n");
            return s;
        }
        writeln!(s, "**{}**.\n", self.summary()).unwrap();
        let flagged: Vec<&Change> = self
            .changes
            .iter()
            .filter(|c| c.risk() != Risk::Safe)
            .collect();
        if !flagged.is_empty() {
            let accepted = self.accepted();
            s.push_str(
                "### Risks\n\n| risk | change | why | lock | accepted because |\n|---|---|---|---|---|\n",
            );
            for c in flagged {
                writeln!(
                    s,
                    "| {} | {} | {} | {} | {} |",
                    risk_name(c.risk()),
                    c.describe(),
                    risk_reason(c),
                    lock_of(c).unwrap_or(""),
                    reasons_for(&accepted, c).join("; ").replace('|', "\\|")
                )
                .unwrap();
            }
            s.push('\n');
        }
        s.push_str("### Changes by table\n\n");
        for (table, changes) in self.by_table() {
            writeln!(s, "- **{table}**").unwrap();
            for c in changes {
                writeln!(s, "  - {}", c.describe()).unwrap();
            }
        }
        if !self.files.is_empty() {
            s.push_str("\n### SQL that will run\n\n");
            for (name, sql) in self.files {
                writeln!(
                    s,
                    "<details><summary>{name}</summary>\n\n```sql\n{}```\n</details>\n",
                    sql
                )
                .unwrap();
            }
        }
        s.push_str("\n### Touched tables and their neighbours\n\n```mermaid\n");
        s.push_str(&self.mermaid());
        s.push_str("```\n");
        s
    }

    pub fn text(&self) -> String {
        if self.changes.is_empty() {
            return "No schema changes.\n".into();
        }
        let mut s = String::new();
        let accepted = self.accepted();
        for (table, changes) in self.by_table() {
            writeln!(s, "{table}").unwrap();
            for c in changes {
                let flag = match c.risk() {
                    Risk::Safe => String::new(),
                    r => format!("  [{}: {}]", risk_name(r), risk_reason(c)),
                };
                writeln!(s, "  {}{flag}", c.describe()).unwrap();
                for reason in reasons_for(&accepted, c) {
                    writeln!(s, "    accepted because {reason}").unwrap();
                }
            }
        }
        writeln!(s, "{}", self.summary()).unwrap();
        s
    }

    /// An ER diagram of the touched tables and the tables one foreign key away.
    fn mermaid(&self) -> String {
        let touched: BTreeSet<String> = self
            .changes
            .iter()
            .filter_map(table_of)
            .map(|t| t.to_string())
            .collect();
        let mut shown = touched.clone();
        for t in &self.after.tables {
            for fk in &t.foreign_keys {
                let (child, parent) = (t.name.to_string(), fk.ref_table.to_string());
                if touched.contains(&child) || touched.contains(&parent) {
                    shown.insert(child);
                    shown.insert(parent);
                }
            }
        }
        let ident = |n: &str| n.replace('.', "__");
        let mut s = String::from("erDiagram\n");
        for t in self
            .after
            .tables
            .iter()
            .filter(|t| shown.contains(&t.name.to_string()))
        {
            writeln!(s, "    {} {{", ident(&t.name.to_string())).unwrap();
            for c in &t.columns {
                let ty = self
                    .spelling
                    .column_type(&c.ty)
                    .replace([' ', '(', ')', ',', '[', ']', '.', '"'], "_");
                writeln!(s, "        {ty} {}", c.name).unwrap();
            }
            s.push_str("    }\n");
        }
        for t in self
            .after
            .tables
            .iter()
            .filter(|t| shown.contains(&t.name.to_string()))
        {
            for fk in &t.foreign_keys {
                if shown.contains(&fk.ref_table.to_string()) {
                    writeln!(
                        s,
                        "    {} ||--o{{ {} : \"{}\"",
                        ident(&fk.ref_table.to_string()),
                        ident(&t.name.to_string()),
                        fk.name
                    )
                    .unwrap();
                }
            }
        }
        s
    }
}

/// What a statement (or a change) is about, to pair a change with the reasons written
/// before the statements that make it: a relation with one of its columns or constraints, a
/// relation, a type, a schema.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Subject {
    Part(String, String),
    Relation(String),
    Type(String),
    Schema(String),
}

/// A `-- schemactl:allow` of the files: the subjects of its statement, the code and reason.
struct Accepted {
    subjects: Vec<Subject>,
    code: String,
    reason: String,
}

impl Review<'_> {
    /// Every reasoned `-- schemactl:allow` in the files, with what its statement changes.
    fn accepted(&self) -> Vec<Accepted> {
        use crate::sql::split::{split, Directive};
        let mut out = Vec::new();
        for (_, sql) in self.files {
            for st in split(sql, crate::dialect::DialectKind::Postgres).statements {
                let subjects = st.parsed.as_ref().map(subjects_of).unwrap_or_default();
                for d in &st.directives {
                    if let Directive::Allow { code, reason, .. } = d {
                        if !reason.trim().is_empty() {
                            out.push(Accepted {
                                subjects: subjects.clone(),
                                code: code.clone(),
                                reason: reason.trim().to_string(),
                            });
                        }
                    }
                }
            }
        }
        out
    }
}

/// What a statement changes, as [`Subject`]s.
fn subjects_of(stmt: &crate::sql::ast::Stmt) -> Vec<Subject> {
    use crate::sql::ast::{AlterOp, EnumChange, ObjectKind, Stmt};
    let rel = |n: &crate::sql::ast::Name| QName::parse(&n.to_string()).to_string();
    let mut out = Vec::new();
    match stmt {
        Stmt::AlterTable(at) => {
            let t = rel(&at.name);
            for op in &at.ops {
                let part = match op {
                    AlterOp::AddColumn { column, .. } => Some(column.name.clone()),
                    AlterOp::DropColumn { name, .. } => Some(name.clone()),
                    AlterOp::AlterType { column, .. } => Some(column.clone()),
                    AlterOp::AddConstraint(c) => c.name.clone(),
                    _ => None,
                };
                out.extend(part.map(|p| Subject::Part(t.clone(), p)));
            }
            out.push(Subject::Relation(t));
        }
        Stmt::Rename(r) if r.object_kind == ObjectKind::Table => {
            let t = rel(&r.object);
            match &r.sub {
                Some(old) => {
                    out.push(Subject::Part(t.clone(), old.clone()));
                    out.push(Subject::Part(t, r.new_name.clone()));
                }
                None => out.push(Subject::Relation(t)),
            }
        }
        Stmt::Rename(r) if r.kind == ObjectKind::Type => out.push(Subject::Type(rel(&r.object))),
        Stmt::AlterEnum {
            name,
            change: EnumChange::RenameValue { .. },
        } => out.push(Subject::Type(rel(name))),
        Stmt::Drop(d) => {
            for n in &d.names {
                out.push(match d.kind {
                    ObjectKind::Schema => Subject::Schema(n.last().to_string()),
                    ObjectKind::Type | ObjectKind::Domain => Subject::Type(rel(n)),
                    _ => Subject::Relation(rel(n)),
                });
            }
        }
        Stmt::CreateIndex(ci) => out.push(Subject::Relation(rel(&ci.table))),
        _ => {}
    }
    out
}

/// What a change is about, as [`Subject`]s (see [`subjects_of`]).
fn change_subjects(change: &Change) -> Vec<Subject> {
    let part = |t: &QName, p: &str| Subject::Part(t.to_string(), p.to_string());
    match change {
        Change::DropColumn { table, column }
        | Change::AddColumn { table, column }
        | Change::AlterColumnType { table, column, .. }
        | Change::AlterColumnCollation { table, column, .. }
        | Change::AlterGenerated { table, column } => vec![part(table, column)],
        Change::RenameColumn { table, from, .. } => vec![part(table, from)],
        Change::AddConstraint { table, name } => vec![part(table, name)],
        Change::DropTable { table } => vec![Subject::Relation(table.to_string())],
        Change::DropNamespace { name } => vec![Subject::Schema(name.clone())],
        Change::DropEnum { name } | Change::RenameEnumValue { name, .. } => {
            vec![Subject::Type(name.to_string())]
        }
        Change::SwapEnum { name, .. } => vec![Subject::Type(name.to_string())],
        _ => Vec::new(),
    }
}

/// The reasons (`CODE reason`) written for the statements that make `change`.
fn reasons_for(accepted: &[Accepted], change: &Change) -> Vec<String> {
    let wanted = change_subjects(change);
    let mut out: Vec<String> = Vec::new();
    for a in accepted {
        if a.subjects.iter().any(|s| wanted.contains(s)) {
            let line = format!("{} {}", a.code, a.reason);
            if !out.contains(&line) {
                out.push(line);
            }
        }
    }
    out
}

fn risk_name(r: Risk) -> &'static str {
    match r {
        Risk::Safe => "safe",
        Risk::Locking => "locking",
        Risk::DataDependent => "data-dependent",
        Risk::BackwardIncompatible => "backward-incompatible",
        Risk::Destructive => "destructive",
    }
}
