//! `SG4xx`: the SQL safety lint of migration files (lock-taking DDL, table rewrites,
//! destructive, backward-incompatible and might-fail statements, type style).
//!
//! Each file is split with the shared splitter ([`crate::sql::split`]), in pieces of whole
//! statements for big files ([`chunk`], to bound memory), and walked once:
//! for every statement, every enabled `SG4xx` rule looks at the statement together with what
//! the file did before it ([`FileState`]: tables created here, `SET lock_timeout`, open
//! transaction, enum labels added) and what earlier files established ([`FolderState`]). Rules
//! are pure functions of that view, so adding one never adds another pass over the file.
//!
//! Suppression is inline: `-- schemactl:allow SG4xx <reason>` on the line(s) before a
//! statement. An allow without a reason, with an unknown code, or matching no finding is itself
//! reported (SG400), so stale or sloppy suppressions cannot pile up.

pub mod ast;
pub mod chunk;

/// Declares each SQL rule's module and registers it: adding a rule is its file plus its name
/// here. Each module has `INFO` (its code, docs and dialects) and `check`.
macro_rules! sql_rules {
    ($($rule:ident),* $(,)?) => {
        $(pub mod $rule;)*

        /// Every SQL lint rule.
        pub const RULES: &[Rule] = &[$(Rule {
            info: $rule::INFO,
            check: Check::Sql($rule::check),
        }),*];
    };
}

sql_rules!(
    bind_parameter,
    check_not_valid,
    column_type_change,
    concurrently_in_transaction,
    destructive_drop,
    dynamic_sql,
    enum_value_in_transaction,
    foreign_key_not_valid,
    identifier_too_long,
    index_not_concurrent,
    lock_timeout,
    migration_time_default,
    not_null_column_without_default,
    prefer_bigint,
    prefer_text,
    prefer_timestamptz,
    rename,
    set_not_null,
    suppression,
    transaction_control,
    unique_on_existing_table,
    unparseable,
    volatile_default,
);

use super::{registry, Check, Finding, GuardConfig, Rule, Runner};
use crate::diag::{Diagnostic, Severity};
use crate::model::DialectKind;
use crate::model::Origin;
use crate::sql::ast::{
    ActionKind, AlterOp, ConstraintKind, EnumChange, Guard, KeyPart, Name, ObjectKind, Stmt,
    Transaction, TypeName,
};
use crate::sql::split::{split, Directive, ParseError, SqlScript, SqlStatement};
use std::collections::{HashMap, HashSet};

/// The code family the SQL lint uses.
pub const FAMILY_PREFIX: &str = "SG4";

/// What the current file did before the statement being checked.
#[derive(Debug, Default)]
pub struct FileState {
    /// The file's name, as findings locate it.
    pub file: String,
    /// Who runs the file ([`GuardConfig::runner`]).
    pub runner: Runner,
    /// The runner wraps the file in a transaction ([`Runner::wraps`]).
    pub runner_wraps: bool,
    /// The runner's transaction is still open: a `COMMIT` in the file ends it, and what
    /// follows runs outside it (SG422 reports that COMMIT).
    pub wrapped: bool,
    /// An explicit `BEGIN` is open (only in a file the runner does not wrap): its line.
    pub explicit_begin: Option<u32>,
    /// Tables (normalized last name part) created earlier in this file: empty, so safe to lock.
    pub created_tables: HashSet<String>,
    /// Columns `(table, column)` added to existing tables earlier in this file: they hold
    /// nothing but what this file put there.
    pub created_columns: HashSet<(String, String)>,
    /// Indexes created earlier in this file.
    pub created_indexes: HashSet<String>,
    /// Types created earlier in this file.
    pub created_types: HashSet<String>,
    /// Schemas created earlier in this file.
    pub created_schemas: HashSet<String>,
    /// `SET lock_timeout` to a non-zero value came earlier.
    pub lock_timeout_set: bool,
    /// What the open transaction did (it may have begun in an earlier file, with
    /// `runner: one-transaction`).
    pub tx: TxState,
}

/// What the open transaction did that a later statement in it must not trip over.
#[derive(Debug, Default, Clone)]
pub struct TxState {
    /// `(table, constraint)` added NOT VALID in the open transaction -> it is a foreign key
    /// (else a CHECK): validating it before commit keeps the ADD's ACCESS EXCLUSIVE lock.
    pub not_valid: HashMap<(String, String), bool>,
    /// Enum labels added in the open transaction.
    pub added_labels: Vec<AddedLabel>,
}

/// An enum label added in the open transaction.
#[derive(Debug, Clone)]
pub struct AddedLabel {
    /// `'label'`, quoted as a statement using it spells it.
    pub literal: String,
    /// The enum type.
    pub ty: String,
    /// The file that added it.
    pub file: String,
}

impl FileState {
    /// Statements run inside a transaction block.
    pub fn in_transaction(&self) -> bool {
        self.wrapped || self.explicit_begin.is_some()
    }

    /// The table existed before this file (so it may hold data and serve traffic).
    pub fn existing_table(&self, key: &str) -> bool {
        !self.created_tables.contains(key)
    }

    /// The column existed before this file (its table did, and this file did not add it).
    pub fn existing_column(&self, table: &str, column: &str) -> bool {
        self.existing_table(table)
            && !self
                .created_columns
                .contains(&(table.to_string(), column.to_string()))
    }
}

/// What earlier files (and earlier statements) established, across the whole folder.
#[derive(Debug, Default)]
pub struct FolderState {
    /// `(table, constraint)` of CHECK constraints of the form `col IS NOT NULL` -> column.
    pub not_null_checks: HashMap<(String, String), String>,
    /// `(table, column)` proven non-null by a validated CHECK, so SET NOT NULL skips its scan.
    pub validated_not_null: HashSet<(String, String)>,
    /// Column types as the statements so far left them: table -> column -> type. Tables
    /// from outside the folder are not here.
    pub column_types: HashMap<String, HashMap<String, TypeName>>,
    /// Columns an index, key or exclusion covers (by name or in an expression): table ->
    /// columns. Kept when the index is dropped, which only errs on the side of reporting.
    pub indexed: HashMap<String, HashSet<String>>,
    /// The transaction still open at the end of the last file (`runner: one-transaction`).
    pub open_tx: TxState,
}

impl FolderState {
    /// A column's type as the folder declared it, if it did.
    pub fn column_type(&self, table: &str, column: &str) -> Option<&TypeName> {
        self.column_types.get(table)?.get(column)
    }

    /// Whether an index or key covers the column.
    pub fn indexed(&self, table: &str, column: &str) -> bool {
        self.indexed.get(table).is_some_and(|c| c.contains(column))
    }

    /// Records the columns an index or constraint of `table` covers: those it names, and
    /// those its expressions mention.
    fn index_columns<'a>(
        &mut self,
        table: &str,
        columns: impl IntoIterator<Item = &'a String>,
        exprs: impl IntoIterator<Item = &'a crate::sql::ast::Expr>,
    ) {
        let known: Vec<String> = self
            .column_types
            .get(table)
            .map(|c| c.keys().cloned().collect())
            .unwrap_or_default();
        let set = self.indexed.entry(table.to_string()).or_default();
        set.extend(columns.into_iter().cloned());
        for e in exprs {
            set.extend(
                known
                    .iter()
                    .filter(|c| crate::guard::mentions(&e.text, c))
                    .cloned(),
            );
        }
    }

    /// Learns what `sql` (statements that ran before the files to lint) leaves behind,
    /// without checking it: how the planner tells the lint about tables it did not write.
    pub fn learn(&mut self, sql: &str, dialect: DialectKind) {
        let mut state = FileState::default();
        for stmt in split(sql, dialect).statements {
            if let Some(parsed) = &stmt.parsed {
                update(&mut state, self, parsed, &stmt.text, stmt.line);
            }
        }
    }
}

/// A later statement of the same file that makes a finding moot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Later {
    /// A (plain) view under this name: a renamed table's compatibility view, so readers of
    /// the old name keep working.
    ViewNamed(Name),
    /// A `COMMIT` or `ROLLBACK` that closes the open block.
    EndOfBlock,
}

impl Later {
    fn met_by(&self, stmt: &Stmt) -> bool {
        match (self, stmt) {
            (
                Later::ViewNamed(old),
                Stmt::CreateView {
                    name,
                    materialized: false,
                    ..
                },
            ) => {
                name.last() == old.last()
                    && (name.schema().is_none()
                        || old.schema().is_none()
                        || name.schema() == old.schema())
            }
            (Later::EndOfBlock, Stmt::Transaction(Transaction::Commit | Transaction::Rollback)) => {
                true
            }
            _ => false,
        }
    }
}

/// What a rule sees for one statement: a statement of the file, or one that a `DO` block in
/// it runs (at its own line inside the block).
pub struct StmtCx<'a> {
    /// The file's statement (for an embedded one, the `DO` block around it).
    pub stmt: &'a SqlStatement,
    /// The statement checked, as parsed.
    pub parsed: Option<&'a Stmt>,
    /// Its source text.
    pub text: &'a str,
    /// Why PostgreSQL (or SQLite's parser) rejects it.
    pub error: Option<&'a ParseError>,
    /// Inside a `DO` block: under what condition it runs. `None` for the file's own statements.
    pub embedded: Option<Guard>,
    pub file: &'a FileState,
    pub folder: &'a FolderState,
    pub config: &'a GuardConfig,
    pub origin: &'a Origin,
    /// How many findings each rule made earlier in this file.
    reported: &'a std::cell::RefCell<HashMap<&'static str, usize>>,
}

impl<'a> StmtCx<'a> {
    pub fn parsed(&self) -> Option<&'a Stmt> {
        self.parsed
    }

    /// Whether the rule `code` already reported something in this file: rules that report
    /// once per file ask.
    pub fn reported_in_file(&self, code: &str) -> bool {
        self.reported.borrow().get(code).is_some_and(|&n| n > 0)
    }

    /// A finding at the statement.
    pub fn finding(&self, message: impl Into<String>) -> Finding {
        Finding::new(message).at(self.origin)
    }

    /// A finding at a line and column of the file.
    pub fn finding_at(&self, line: u32, column: u32, message: impl Into<String>) -> Finding {
        Finding::new(message).at(&Origin {
            file: self.origin.file.clone(),
            line: line.max(1),
            column: column.max(1),
        })
    }
}

pub type SqlCheck = fn(&StmtCx<'_>, &mut Vec<Finding>);

/// An enabled SQL rule with its severity.
struct Active {
    code: &'static str,
    severity: Severity,
    check: SqlCheck,
}

/// The enabled SQL rules for `config` and `dialect`, in code order.
fn active(config: &GuardConfig, dialect: DialectKind) -> Vec<Active> {
    registry()
        .iter()
        .filter_map(|r| {
            let Check::Sql(check) = r.check else {
                return None;
            };
            if !r.info.dialects.contains(&dialect) {
                return None;
            }
            let severity = config.level(r.info.code, r.info.default_level).severity()?;
            // A reasoned project-wide allow turns the rule off, as for folder rules.
            if config.allowed_everywhere(r.info.code) {
                return None;
            }
            Some(Active {
                code: r.info.code,
                severity,
                check,
            })
        })
        .collect()
}

/// Lints one migration file's SQL as if it were the only file of its folder. `file_name` is
/// used for locations. The library entry point for benchmarks and editors.
pub fn lint_sql(file_name: &str, sql: &str, config: &GuardConfig) -> Vec<Diagnostic> {
    let rules = active(config, config.dialect);
    let mut folder = FolderState::default();
    let mut out = Vec::new();
    lint_file(file_name, sql, config, &rules, &mut folder, &mut out);
    super::sort(&mut out);
    out
}

/// Lints one file after the statements `folder` has already seen (earlier files, or what
/// [`FolderState::learn`] read): how the planner checks the files it writes.
pub fn lint_with(
    folder: &mut FolderState,
    file_name: &str,
    sql: &str,
    config: &GuardConfig,
) -> Vec<Diagnostic> {
    let rules = active(config, config.dialect);
    let mut out = Vec::new();
    lint_file(file_name, sql, config, &rules, folder, &mut out);
    super::sort(&mut out);
    out
}

/// Lints every file of a loaded migration folder, in version order (later files see what
/// earlier ones validated).
pub(crate) fn lint_folder(
    cx: &super::migrations::MigrationCx<'_>,
    config: &GuardConfig,
) -> Vec<Diagnostic> {
    let rules = active(config, config.dialect);
    let mut out = Vec::new();
    if rules.is_empty() {
        return out;
    }
    let mut folder = FolderState::default();
    for f in &cx.dir.files {
        let name = f.path.display().to_string();
        lint_file(&name, &f.sql, config, &rules, &mut folder, &mut out);
    }
    out
}

/// Pieces of about this many bytes are split and linted one after the other (see [`chunk`]).
const CHUNK_BYTES: usize = 256 * 1024;

fn lint_file(
    file: &str,
    sql: &str,
    config: &GuardConfig,
    rules: &[Active],
    folder: &mut FolderState,
    out: &mut Vec<Diagnostic>,
) {
    lint_file_in(file, sql, config, rules, folder, out, CHUNK_BYTES);
}

fn lint_file_in(
    file: &str,
    sql: &str,
    config: &GuardConfig,
    rules: &[Active],
    folder: &mut FolderState,
    out: &mut Vec<Diagnostic>,
    chunk_bytes: usize,
) {
    let meta = rules.iter().find(|r| r.code == suppression::INFO.code);
    let plan = chunk::plan(sql, chunk_bytes);
    let mut state = FileState {
        file: file.to_string(),
        runner: config.runner,
        runner_wraps: config.runner.wraps(plan.no_transaction),
        wrapped: config.runner.wraps(plan.no_transaction),
        ..FileState::default()
    };
    if config.runner == Runner::OneTransaction {
        state.tx = std::mem::take(&mut folder.open_tx);
    }
    let reported = std::cell::RefCell::new(HashMap::new());
    // Findings a later statement of the file may make moot ([`Later`]), held until the end.
    let mut held: Vec<(&Active, Finding)> = Vec::new();
    // Allows at the end of one piece name the first statement of the next.
    let mut carried: Vec<Directive> = Vec::new();
    let mut start = 0usize;
    let mut line_offset = 0u32;
    for &end in &plan.ends {
        let piece = &sql[start..end];
        start = end;
        let offset = line_offset;
        line_offset =
            line_offset.saturating_add(piece.bytes().filter(|&b| b == b'\n').count() as u32);
        let script = split_piece(piece, offset, config.dialect, &mut carried);
        for stmt in &script.statements {
            if let (false, Some(parsed)) = (held.is_empty(), &stmt.parsed) {
                held.retain(|(_, f)| !f.unless_later.as_ref().is_some_and(|l| l.met_by(parsed)));
            }
            let here = check_statement(stmt, &mut state, folder, config, rules, &reported);
            let used = report_unless_allowed(stmt, here, &mut held, out);
            if let Some(m) = meta {
                for (d, used) in stmt.directives.iter().zip(used) {
                    if let Some(f) =
                        suppression::judge(d, used, Some(stmt), rules_enabled(rules), file)
                    {
                        out.push(f.into_diagnostic(m.code, m.severity));
                    }
                }
            }
        }
        for d in script.stray_directives {
            match d {
                Directive::Allow { .. } => carried.push(d),
                _ => {
                    if let Some(m) = meta {
                        if let Some(f) =
                            suppression::judge(&d, false, None, rules_enabled(rules), file)
                        {
                            out.push(f.into_diagnostic(m.code, m.severity));
                        }
                    }
                }
            }
        }
    }
    if let Some(m) = meta {
        for d in &carried {
            if let Some(f) = suppression::judge(d, false, None, rules_enabled(rules), file) {
                out.push(f.into_diagnostic(m.code, m.severity));
            }
        }
    }
    out.extend(
        held.into_iter()
            .map(|(r, f)| f.into_diagnostic(r.code, r.severity)),
    );
    if config.runner == Runner::OneTransaction {
        folder.open_tx = state.tx;
    }
}

/// Splits one piece of a file, at file positions, with the allows `carried` over from the end
/// of the previous piece put before its first statement.
fn split_piece(
    piece: &str,
    offset: u32,
    dialect: DialectKind,
    carried: &mut Vec<Directive>,
) -> SqlScript {
    // The splitter never fails: unreadable text becomes a statement with `parse_error`.
    let mut script: SqlScript = split(piece, dialect);
    if offset > 0 {
        shift(&mut script, offset);
    }
    if let Some(first) = script.statements.first_mut() {
        if !carried.is_empty() {
            let mut ds = std::mem::take(carried);
            ds.append(&mut first.directives);
            first.directives = ds;
        }
    }
    script
}

/// Every rule's findings for a statement of the file and the ones it runs, learning what
/// each of them changes as it goes.
fn check_statement<'r>(
    stmt: &SqlStatement,
    state: &mut FileState,
    folder: &mut FolderState,
    config: &GuardConfig,
    rules: &'r [Active],
    reported: &std::cell::RefCell<HashMap<&'static str, usize>>,
) -> Vec<(&'r Active, Finding)> {
    let mut found = Vec::new();
    let mut here: Vec<(&Active, Finding)> = Vec::new();
    for unit in units(stmt) {
        let origin = Origin {
            file: state.file.clone().into(),
            line: unit.line.max(1),
            column: unit.column.max(1),
        };
        let cx = StmtCx {
            stmt,
            parsed: unit.parsed,
            text: unit.text,
            error: unit.error.as_ref(),
            embedded: unit.guard,
            file: state,
            folder,
            config,
            origin: &origin,
            reported,
        };
        for r in rules {
            if r.code == suppression::INFO.code {
                continue;
            }
            (r.check)(&cx, &mut found);
            if !found.is_empty() {
                *reported.borrow_mut().entry(r.code).or_default() += found.len();
            }
            here.extend(found.drain(..).map(|f| (r, f)));
        }
        if let Some(parsed) = unit.parsed {
            update(state, folder, parsed, unit.text, unit.line);
        }
    }
    here
}

/// Reports the statement's findings its allows do not silence (holding those a later
/// statement may make moot), and says which of its directives silenced something.
fn report_unless_allowed<'r>(
    stmt: &SqlStatement,
    here: Vec<(&'r Active, Finding)>,
    held: &mut Vec<(&'r Active, Finding)>,
    out: &mut Vec<Diagnostic>,
) -> Vec<bool> {
    let mut used = vec![false; stmt.directives.len()];
    for (r, f) in here {
        let by = stmt.directives.iter().position(|d| {
            matches!(d, Directive::Allow { code, reason, .. }
                if code.eq_ignore_ascii_case(r.code) && !reason.trim().is_empty())
        });
        match by {
            Some(i) => used[i] = true,
            None if f.unless_later.is_some() => held.push((r, f)),
            None => out.push(f.into_diagnostic(r.code, r.severity)),
        }
    }
    used
}

/// Moves a piece's positions to file positions.
fn shift(script: &mut SqlScript, offset: u32) {
    let bump = |d: &mut Directive| match d {
        Directive::Allow { line, .. } | Directive::Unknown { line, .. } => {
            *line = line.saturating_add(offset)
        }
        Directive::NoTransaction => {}
    };
    for st in &mut script.statements {
        st.line = st.line.saturating_add(offset);
        st.directives.iter_mut().for_each(bump);
        if let Some(e) = &mut st.parse_error {
            e.message = chunk::shift_lines(&e.message, offset);
            e.line = e.line.saturating_add(offset);
        }
    }
    script.stray_directives.iter_mut().for_each(bump);
}

fn rules_enabled(rules: &[Active]) -> impl Fn(&str) -> bool + '_ {
    move |code: &str| rules.iter().any(|r| r.code.eq_ignore_ascii_case(code))
}

/// One statement the rules look at: a statement of the file, or a statement a `DO` block in
/// it runs.
struct Unit<'a> {
    parsed: Option<&'a Stmt>,
    text: &'a str,
    error: Option<ParseError>,
    line: u32,
    column: u32,
    guard: Option<Guard>,
}

/// The statement itself, then (for a PL/pgSQL `DO` block) each static statement it runs.
fn units(stmt: &SqlStatement) -> Vec<Unit<'_>> {
    let mut out = vec![Unit {
        parsed: stmt.parsed.as_ref(),
        text: &stmt.text,
        error: stmt.parse_error.clone(),
        line: stmt.line,
        column: stmt.column,
        guard: None,
    }];
    let Some(Stmt::Do(block)) = &stmt.parsed else {
        return out;
    };
    let Some(program) = &block.program else {
        return out;
    };
    for a in &program.actions {
        let (line, column) = stmt.body_position(block.offset, a.line, a.column);
        match &a.kind {
            ActionKind::Sql { stmt: inner, text } => out.push(Unit {
                parsed: Some(inner),
                text,
                error: None,
                line,
                column,
                guard: Some(a.guard),
            }),
            ActionKind::Rejected { text, message } => out.push(Unit {
                parsed: None,
                text,
                error: Some(ParseError {
                    message: message.clone(),
                    line,
                    column,
                }),
                line,
                column,
                guard: Some(a.guard),
            }),
            ActionKind::Dynamic { .. } => {}
        }
    }
    out
}

/// Records what `stmt` changes for the statements after it.
fn update(state: &mut FileState, folder: &mut FolderState, stmt: &Stmt, text: &str, line: u32) {
    match stmt {
        Stmt::CreateTable(ct) => learn_create_table(state, folder, ct),
        Stmt::CreateTableAs { name, .. } => {
            state.created_tables.insert(name.last().to_string());
        }
        Stmt::CreateSchema { name, elements, .. } => {
            state.created_schemas.insert(name.clone());
            for e in elements {
                update(state, folder, e, text, line);
            }
        }
        Stmt::CreateIndex(ci) => learn_create_index(state, folder, ci),
        Stmt::CreateEnum { name, .. } | Stmt::CreateType { name, .. } => {
            state.created_types.insert(name.last().to_string());
        }
        Stmt::Drop(d) => learn_drop(state, folder, d),
        Stmt::Transaction(t) => learn_transaction(state, t, line),
        Stmt::Set { .. } => {
            if let Some(on) = lock_timeout_value(text) {
                state.lock_timeout_set = on;
            }
        }
        Stmt::AlterEnum {
            name,
            change: EnumChange::AddValue { value, .. },
        } if state.in_transaction() && !state.created_types.contains(name.last()) => {
            state.tx.added_labels.push(AddedLabel {
                literal: format!("'{}'", value.replace('\'', "''")),
                ty: name.to_string(),
                file: state.file.clone(),
            });
        }
        Stmt::Rename(r) if r.object_kind == ObjectKind::Table => {
            learn_rename_in_table(state, folder, r)
        }
        Stmt::Rename(r)
            if r.kind == ObjectKind::Type
                && r.sub.is_none()
                && state.created_types.contains(r.object.last()) =>
        {
            state.created_types.insert(r.new_name.clone());
        }
        Stmt::AlterTable(at) => {
            let table = at.name.last().to_string();
            for op in &at.ops {
                learn_alter_op(state, folder, &table, op);
            }
        }
        _ => {}
    }
}

/// A new table: its columns' types, the columns its keys cover, and that it is empty.
fn learn_create_table(
    state: &mut FileState,
    folder: &mut FolderState,
    ct: &crate::sql::ast::CreateTable,
) {
    let key = ct.name.last().to_string();
    // `IF NOT EXISTS` over a table an earlier file made creates nothing: the old one,
    // rows and all, stays.
    let kept = ct.if_not_exists
        && folder.column_types.contains_key(&key)
        && !state.created_tables.contains(&key);
    if kept {
        return;
    }
    folder.column_types.insert(
        key.clone(),
        ct.columns
            .iter()
            .map(|c| (c.name.clone(), c.ty.clone()))
            .collect(),
    );
    folder.indexed.remove(&key);
    for c in &ct.columns {
        for k in &c.constraints {
            if matches!(
                k.kind,
                ConstraintKind::PrimaryKey { .. } | ConstraintKind::Unique { .. }
            ) {
                folder.index_columns(&key, [&c.name], []);
            }
        }
    }
    for c in &ct.constraints {
        index_constraint(folder, &key, c);
    }
    state.created_tables.insert(key);
}

/// A new index: its name, and the columns it covers.
fn learn_create_index(
    state: &mut FileState,
    folder: &mut FolderState,
    ci: &crate::sql::ast::CreateIndex,
) {
    if let Some(n) = &ci.name {
        state.created_indexes.insert(n.clone());
    }
    let columns = ci.elements.iter().filter_map(|e| match &e.key {
        KeyPart::Column(c) => Some(c),
        KeyPart::Expression(_) => None,
    });
    let exprs = ci.elements.iter().filter_map(|e| match &e.key {
        KeyPart::Expression(x) => Some(x),
        KeyPart::Column(_) => None,
    });
    folder.index_columns(ci.table.last(), columns, exprs);
}

/// Dropped indexes are no longer this file's; dropped tables no longer have column types.
fn learn_drop(state: &mut FileState, folder: &mut FolderState, d: &crate::sql::ast::Drop) {
    for n in &d.names {
        match d.kind {
            ObjectKind::Index => {
                state.created_indexes.remove(n.last());
            }
            ObjectKind::Table => {
                folder.column_types.remove(n.last());
            }
            _ => {}
        }
    }
}

/// `BEGIN`, `COMMIT` and `ROLLBACK`: the explicit block, or the end of the runner's.
fn learn_transaction(state: &mut FileState, t: &Transaction, line: u32) {
    if !state.wrapped {
        match t {
            Transaction::Begin if state.explicit_begin.is_none() => {
                state.explicit_begin = Some(line);
            }
            Transaction::Commit | Transaction::Rollback => {
                // The block is over: what it added is committed (or gone), so usable.
                state.explicit_begin = None;
                state.tx = TxState::default();
            }
            _ => {}
        }
    } else if matches!(t, Transaction::Commit | Transaction::Rollback) {
        // The runner's transaction ends here; a BEGIN inside it changes nothing.
        state.wrapped = false;
        state.tx = TxState::default();
    }
}

/// A rename of a table, or of one of its columns: what was known moves to the new name.
fn learn_rename_in_table(
    state: &mut FileState,
    folder: &mut FolderState,
    r: &crate::sql::ast::Rename,
) {
    let table = r.object.last().to_string();
    match (r.kind, &r.sub) {
        // A table created here keeps being "new" under its new name.
        (ObjectKind::Table, None) => {
            if state.created_tables.contains(&table) {
                state.created_tables.insert(r.new_name.clone());
            }
            if let Some(cols) = folder.column_types.remove(&table) {
                folder.column_types.insert(r.new_name.clone(), cols);
            }
        }
        (ObjectKind::Column, Some(old)) => {
            if state.created_columns.remove(&(table.clone(), old.clone())) {
                state
                    .created_columns
                    .insert((table.clone(), r.new_name.clone()));
            }
            if let Some(cols) = folder.column_types.get_mut(&table) {
                if let Some(ty) = cols.remove(old) {
                    cols.insert(r.new_name.clone(), ty);
                }
            }
        }
        _ => {}
    }
}

/// One `ALTER TABLE` action on `table`.
fn learn_alter_op(state: &mut FileState, folder: &mut FolderState, table: &str, op: &AlterOp) {
    match op {
        AlterOp::AddColumn { column, .. } => {
            if state.existing_table(table) {
                state
                    .created_columns
                    .insert((table.to_string(), column.name.clone()));
            }
            if let Some(cols) = folder.column_types.get_mut(table) {
                cols.insert(column.name.clone(), column.ty.clone());
            }
        }
        AlterOp::DropColumn { name, .. } => {
            state
                .created_columns
                .remove(&(table.to_string(), name.clone()));
            if let Some(cols) = folder.column_types.get_mut(table) {
                cols.remove(name);
            }
        }
        AlterOp::AlterType { column, ty, .. } => {
            if let Some(cols) = folder.column_types.get_mut(table) {
                cols.insert(column.clone(), ty.clone());
            }
        }
        AlterOp::ValidateConstraint(name) => {
            if let Some(col) = folder
                .not_null_checks
                .get(&(table.to_string(), name.clone()))
            {
                folder
                    .validated_not_null
                    .insert((table.to_string(), col.clone()));
            }
        }
        AlterOp::AddConstraint(c) => learn_added_constraint(state, folder, table, c),
        _ => {}
    }
}

/// `ADD CONSTRAINT`: the columns it covers, a NOT VALID one the open transaction must not
/// validate, and a `CHECK (c IS NOT NULL)` that may let `SET NOT NULL` skip its scan.
fn learn_added_constraint(
    state: &mut FileState,
    folder: &mut FolderState,
    table: &str,
    c: &crate::sql::ast::Constraint,
) {
    index_constraint(folder, table, c);
    let is_fk = matches!(c.kind, ConstraintKind::ForeignKey { .. });
    let is_check = matches!(c.kind, ConstraintKind::Check(_));
    if c.not_valid && (is_fk || is_check) {
        if let (Some(n), true) = (
            &c.name,
            state.in_transaction() && state.existing_table(table),
        ) {
            state
                .tx
                .not_valid
                .insert((table.to_string(), n.clone()), is_fk);
        }
    }
    if let ConstraintKind::Check(e) = &c.kind {
        if let (Some(name), crate::sql::ast::Shape::IsNotNull(col)) = (&c.name, &e.shape) {
            folder
                .not_null_checks
                .insert((table.to_string(), name.clone()), col.clone());
            if !c.not_valid {
                folder
                    .validated_not_null
                    .insert((table.to_string(), col.clone()));
            }
        }
    }
}

/// Records the columns a key or exclusion constraint of `table` covers.
fn index_constraint(folder: &mut FolderState, table: &str, c: &crate::sql::ast::Constraint) {
    match &c.kind {
        ConstraintKind::PrimaryKey { columns, .. } | ConstraintKind::Unique { columns, .. } => {
            folder.index_columns(table, columns, [])
        }
        ConstraintKind::Exclude { elements, .. } => {
            let columns = elements.iter().filter_map(|e| match &e.element.key {
                KeyPart::Column(c) => Some(c),
                KeyPart::Expression(_) => None,
            });
            let exprs = elements.iter().filter_map(|e| match &e.element.key {
                KeyPart::Expression(x) => Some(x),
                KeyPart::Column(_) => None,
            });
            folder.index_columns(table, columns, exprs);
        }
        _ => {}
    }
}

/// `VALIDATE CONSTRAINT` of a constraint added NOT VALID earlier in the same transaction:
/// `Some(is_foreign_key)`. The ADD's ACCESS EXCLUSIVE lock is held until commit, so the
/// validation scan runs under it and NOT VALID bought nothing.
pub fn validated_in_same_transaction(cx: &StmtCx<'_>) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    if cx.file.tx.not_valid.is_empty() {
        return out;
    }
    if let Some(Stmt::AlterTable(at)) = cx.parsed() {
        let table = at.name.last().to_string();
        for op in &at.ops {
            if let AlterOp::ValidateConstraint(name) = op {
                if let Some(fk) = cx.file.tx.not_valid.get(&(table.clone(), name.clone())) {
                    out.push((name.clone(), *fk));
                }
            }
        }
    }
    out
}

/// `SET [LOCAL|SESSION] lock_timeout ...`: `Some(true)` when it sets a limit, `Some(false)`
/// when it removes it (`0`, `DEFAULT`), `None` for other SETs.
pub fn lock_timeout_value(text: &str) -> Option<bool> {
    let lower = text.to_ascii_lowercase();
    let mut words = lower
        .split(|c: char| c.is_whitespace() || c == '=')
        .filter(|w| !w.is_empty());
    if words.next() != Some("set") {
        return None;
    }
    let mut w = words.next()?;
    if w == "local" || w == "session" {
        w = words.next()?;
    }
    if w != "lock_timeout" {
        return None;
    }
    let mut v = words.next()?;
    if v == "to" {
        v = words.next()?;
    }
    let v = v.trim_matches(|c| c == '\'' || c == '"');
    Some(!(v == "0" || v == "default" || v.starts_with("0m") || v.starts_with("0s")))
}

#[cfg(test)]
pub(crate) mod test_support {
    use super::*;
    use crate::guard::testing::only;

    /// Runs one SQL rule on `sql` (a single file named `0002_change.sql`).
    pub fn lint(code: &str, sql: &str) -> Vec<Diagnostic> {
        lint_sql("0002_change.sql", sql, &only(code, GuardConfig::default()))
    }

    /// Snapshot text: severity, code, message, line and help.
    pub fn snap(ds: &[Diagnostic]) -> String {
        let mut s = String::new();
        for d in ds {
            s.push_str(&format!("{:?} [{}] {}\n", d.severity, d.code, d.message));
            if let Some(l) = &d.location {
                s.push_str(&format!("  at {}:{}:{}\n", l.file, l.line, l.column));
            }
            if let Some(h) = &d.help {
                s.push_str(&format!("  help: {h}\n"));
            }
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::*;
    use super::*;

    #[test]
    fn lock_timeout_forms() {
        assert_eq!(lock_timeout_value("SET lock_timeout = '5s'"), Some(true));
        assert_eq!(
            lock_timeout_value("set local lock_timeout to 5000"),
            Some(true)
        );
        assert_eq!(lock_timeout_value("SET lock_timeout=0"), Some(false));
        assert_eq!(
            lock_timeout_value("SET lock_timeout TO DEFAULT"),
            Some(false)
        );
        assert_eq!(lock_timeout_value("SET statement_timeout = '5s'"), None);
        assert_eq!(lock_timeout_value("SET"), None);
    }

    #[test]
    fn output_is_deterministic_and_never_panics_on_garbage() {
        let inputs = [
            "",
            ";;;",
            "'unterminated",
            "DROP INDEX CONCURRENTLY",
            "DROP INDEX CONCURRENTLY IF EXISTS",
            "ALTER TABLE",
            "-- schemactl:allow",
            "-- schemactl:allow SG402\n",
            "\u{feff}CREATE TABLE é (x int);",
            "CREATE INDEX ON t (x); BEGIN; COMMIT; ROLLBACK; SET lock_timeout",
            "ALTER TYPE t ADD VALUE ''''; SELECT '''';",
        ];
        for sql in inputs {
            let a = lint_sql("f.sql", sql, &GuardConfig::default());
            let b = lint_sql("f.sql", sql, &GuardConfig::default());
            assert_eq!(snap(&a), snap(&b));
        }
    }

    /// Every prefix of a realistic file (cut mid-token, mid-string, mid-comment) lints without
    /// panicking.
    #[test]
    fn no_panic_on_any_prefix() {
        let sql = [
            include_str!("../../../fixtures/lint/unsafe/0003_constraints.sql"),
            include_str!("../../../fixtures/lint/unsafe/0005_destructive.sql"),
            include_str!("../../../fixtures/lint/unsafe/0007_misc.sql"),
            "-- schemactl:no-transaction\nDROP INDEX CONCURRENTLY IF EXISTS \"Ix\", b;\n",
            "ALTER TYPE s ADD VALUE 'é''x'; SELECT 'é''x'; CREATE TABLE \"q\"\"t\" (id int);",
        ]
        .concat();
        let config = GuardConfig::default();
        for (i, _) in sql.char_indices().step_by(3) {
            let _ = lint_sql("f.sql", &sql[..i], &config);
        }
    }

    /// Linting in pieces gives exactly what linting the file whole gives, even with a piece per
    /// statement (positions, suppressions carried across pieces, file-level directive).
    #[test]
    fn pieces_lint_like_the_whole_file() {
        let files = [
            include_str!("../../../fixtures/lint/unsafe/0002_indexes.sql"),
            include_str!("../../../fixtures/lint/unsafe/0003_constraints.sql"),
            include_str!("../../../fixtures/lint/unsafe/0004_columns.sql"),
            include_str!("../../../fixtures/lint/unsafe/0006_enum.sql"),
            include_str!("../../../fixtures/lint/unsafe/0007_misc.sql"),
            include_str!("../../../fixtures/lint/safe/0002_indexes.sql"),
            "SET lock_timeout = '1s';\n-- schemactl:allow SG411 old\nALTER TABLE t DROP COLUMN a; -- schemactl:allow SG411 trailing allow\nALTER TABLE t DROP COLUMN b;\nDO $$ x $$;\n",
            "CREATE INDEX i ON t (x);\n-- schemactl:allow SG402\n-- schemactl:no-transaction\n",
        ];
        let config = GuardConfig::default();
        let rules = active(&config, DialectKind::Postgres);
        for sql in files {
            let run = |chunk: usize| {
                let mut out = Vec::new();
                let mut folder = FolderState::default();
                lint_file_in("f.sql", sql, &config, &rules, &mut folder, &mut out, chunk);
                crate::guard::sort(&mut out);
                snap(&out)
            };
            let whole = run(usize::MAX);
            assert_eq!(run(1), whole, "{sql}");
            assert_eq!(run(40), whole, "{sql}");
        }
    }

    /// A big file of plain DDL lints clean, and splitting sees every statement (how its cost
    /// grows is `cargo xtask bench`'s "guard SQL lint" case).
    #[test]
    fn a_big_file_of_plain_ddl_lints_clean() {
        let mut sql = String::from("SET lock_timeout = '5s';\n");
        for i in 0..4000 {
            sql.push_str(&format!(
                "CREATE TABLE t{i} (id bigint PRIMARY KEY, name text NOT NULL);\n\
                 CREATE INDEX t{i}_name_idx ON t{i} (name);\n\
                 ALTER TABLE t{i} ADD COLUMN note text;\n"
            ));
        }
        assert_eq!(
            split(&sql, DialectKind::Postgres).statements.len(),
            1 + 3 * 4000
        );
        let ds = lint_sql("big.sql", &sql, &GuardConfig::default());
        assert!(ds.is_empty(), "{}", snap(&ds));
    }

    #[test]
    fn suppression_silences_only_its_statement() {
        let sql = "-- schemactl:allow SG411 the column is unused since v12\n\
                   ALTER TABLE t DROP COLUMN a;\n\
                   ALTER TABLE t DROP COLUMN b;\n";
        let ds = lint("SG411", sql);
        assert_eq!(ds.len(), 1);
        assert_eq!(ds[0].location.as_ref().unwrap().line, 3);
    }
}
