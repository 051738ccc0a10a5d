//! PL/pgSQL bodies (DO blocks) read as the SQL they run.
//!
//! libpg_query compiles the body with PostgreSQL's own PL/pgSQL parser and hands back its
//! statement tree (as JSON). We keep what matters to a migration: every embedded SQL
//! statement (parsed with the SQL grammar), every `EXECUTE` (static when its argument is a
//! string literal, dynamic otherwise), and under what condition each runs ([`Guard`]).

use super::convert;
use super::expr;
use super::ffi::{self, Mode};
use crate::sql::ast::{Action, ActionKind, Guard, Program, Shape, Stmt};
use pg_query::NodeEnum;
use serde_json::Value;

/// Reads the PL/pgSQL body of the statement `text` (a `DO` or a `CREATE FUNCTION`); `body`
/// is the body text itself, used to find each statement's column.
pub fn read(text: &str, body: &str) -> Program {
    let json = match ffi::parse_plpgsql(text) {
        Ok(v) => v,
        Err(e) => {
            return Program {
                actions: Vec::new(),
                error: Some(e.message),
            }
        }
    };
    let mut w = Walker {
        body,
        line_starts: line_starts(body),
        actions: Vec::new(),
    };
    for action in function_actions(&json) {
        w.stmt(&action, Guard::Always);
    }
    Program {
        actions: w.actions,
        error: None,
    }
}

/// The `action` (the statement tree) of every function in libpg_query's JSON. Each is read
/// on its own, not the whole document: libpg_query writes some variables of trigger
/// functions (`TG_OP`, ...) as malformed JSON in the `datums` list, which we never need.
fn function_actions(json: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut rest = json;
    while let Some(f) = rest.find("{\"PLpgSQL_function\":") {
        rest = &rest[f + 1..];
        let Some(a) = rest.find("\"action\":") else {
            break;
        };
        let value = &rest[a + "\"action\":".len()..];
        if let Some(Ok(v)) = serde_json::Deserializer::from_str(value)
            .into_iter::<Value>()
            .next()
        {
            out.push(v);
        }
        rest = value;
    }
    out
}

fn line_starts(s: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(s.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

struct Walker<'a> {
    body: &'a str,
    line_starts: Vec<usize>,
    actions: Vec<Action>,
}

/// The one key of a `{"PLpgSQL_stmt_x": {...}}` object, and its value.
fn tagged(v: &Value) -> Option<(&str, &Value)> {
    let obj = v.as_object()?;
    let (k, inner) = obj.iter().next()?;
    Some((k.as_str(), inner))
}

fn query_of(v: Option<&Value>) -> Option<&str> {
    v?.pointer("/PLpgSQL_expr/query")?.as_str()
}

fn list(v: Option<&Value>) -> &[Value] {
    v.and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// Error conditions whose handler makes a block safe to run twice.
fn idempotence_condition(name: &str) -> bool {
    name == "others" || name.starts_with("duplicate_") || name.starts_with("undefined_")
}

impl Walker<'_> {
    fn stmts(&mut self, v: Option<&Value>, guard: Guard) {
        for s in list(v) {
            self.stmt(s, guard);
        }
    }

    fn line(v: &Value) -> u32 {
        v.get("lineno").and_then(Value::as_u64).unwrap_or(1) as u32
    }

    fn stmt(&mut self, v: &Value, guard: Guard) {
        let Some((kind, s)) = tagged(v) else {
            return;
        };
        let line = Self::line(s);
        match kind {
            "PLpgSQL_stmt_block" => {
                let handlers = list(s.pointer("/exceptions/PLpgSQL_exception_block/exc_list"));
                let idempotent = !handlers.is_empty()
                    && handlers.iter().all(|h| {
                        let conds = list(h.pointer("/PLpgSQL_exception/conditions"));
                        conds.iter().all(|c| {
                            c.pointer("/PLpgSQL_condition/condname")
                                .and_then(Value::as_str)
                                .is_some_and(idempotence_condition)
                        })
                    });
                let inner = if idempotent {
                    guard.max(Guard::Idempotent)
                } else {
                    guard
                };
                self.stmts(s.get("body"), inner);
                for h in handlers {
                    self.stmts(h.pointer("/PLpgSQL_exception/action"), Guard::Conditional);
                }
            }
            "PLpgSQL_stmt_if" => {
                let cond = query_of(s.get("cond")).unwrap_or("");
                let then_guard = if checks_catalog_only(cond) {
                    guard.max(Guard::Idempotent)
                } else {
                    Guard::Conditional
                };
                self.condition(cond, line, guard);
                self.stmts(s.get("then_body"), then_guard);
                for e in list(s.get("elsif_list")) {
                    let e = e.get("PLpgSQL_if_elsif").unwrap_or(e);
                    self.stmts(e.get("stmts"), Guard::Conditional);
                }
                self.stmts(s.get("else_body"), Guard::Conditional);
            }
            "PLpgSQL_stmt_case" => {
                for w in list(s.get("case_when_list")) {
                    let w = w.get("PLpgSQL_case_when").unwrap_or(w);
                    self.stmts(w.get("stmts"), Guard::Conditional);
                }
                self.stmts(s.get("else_stmts"), Guard::Conditional);
            }
            "PLpgSQL_stmt_loop"
            | "PLpgSQL_stmt_while"
            | "PLpgSQL_stmt_fori"
            | "PLpgSQL_stmt_foreach_a" => self.stmts(s.get("body"), Guard::Conditional),
            "PLpgSQL_stmt_fors" | "PLpgSQL_stmt_forc" => {
                if let Some(q) = query_of(s.get("query")) {
                    self.sql(q, line, guard);
                }
                self.stmts(s.get("body"), Guard::Conditional);
            }
            "PLpgSQL_stmt_dynfors" => {
                self.execute(query_of(s.get("query")).unwrap_or(""), line, guard);
                self.stmts(s.get("body"), Guard::Conditional);
            }
            "PLpgSQL_stmt_execsql" => {
                if let Some(q) = query_of(s.get("sqlstmt")) {
                    self.sql(q, line, guard);
                }
            }
            "PLpgSQL_stmt_dynexecute" => {
                self.execute(query_of(s.get("query")).unwrap_or(""), line, guard)
            }
            "PLpgSQL_stmt_perform" | "PLpgSQL_stmt_call" => {
                if let Some(q) = query_of(s.get("expr")) {
                    self.sql(q, line, guard);
                }
            }
            // Assignments, RAISE, RETURN, EXIT, GET DIAGNOSTICS, cursors, COMMIT/ROLLBACK:
            // no SQL of their own that a migration reviewer needs.
            _ => {}
        }
    }

    /// An `IF` condition that reads tables (not the catalog) is SQL too; it changes nothing.
    fn condition(&mut self, _cond: &str, _line: u32, _guard: Guard) {}

    /// `EXECUTE expr`: static when `expr` is a string literal.
    fn execute(&mut self, expression: &str, line: u32, guard: Guard) {
        match expr::parse(expression).map(|e| e.shape) {
            Some(Shape::String(sql)) => self.sql(&sql, line, guard),
            _ => {
                let column = self.column_of(expression, line);
                self.actions.push(Action {
                    line,
                    column,
                    kind: ActionKind::Dynamic {
                        expr: expression.to_string(),
                    },
                    guard,
                });
            }
        }
    }

    /// Static SQL (one or more statements).
    fn sql(&mut self, text: &str, line: u32, guard: Guard) {
        let column = self.column_of(text, line);
        match ffi::parse(text, Mode::Statements) {
            Ok(tree) => {
                for raw in &tree.stmts {
                    let Some(node) = raw.stmt.as_deref() else {
                        continue;
                    };
                    let start = usize::try_from(raw.stmt_location).unwrap_or(0);
                    let end = match usize::try_from(raw.stmt_len) {
                        Ok(0) | Err(_) => text.len(),
                        Ok(n) => (start + n).min(text.len()),
                    };
                    let piece = text.get(start..end).unwrap_or(text);
                    let stmt: Stmt = convert::statement(node, piece, start);
                    self.actions.push(Action {
                        line,
                        column,
                        kind: ActionKind::Sql {
                            stmt: Box::new(stmt),
                            text: piece.to_string(),
                        },
                        guard,
                    });
                }
            }
            Err(e) => self.actions.push(Action {
                line,
                column,
                kind: ActionKind::Rejected {
                    text: text.to_string(),
                    message: e.message,
                },
                guard,
            }),
        }
    }

    /// The 1-based column of `text` on body line `line`, or 1 when it is not found there.
    fn column_of(&self, text: &str, line: u32) -> u32 {
        let Some(&start) = self.line_starts.get(line.saturating_sub(1) as usize) else {
            return 1;
        };
        let head: String = text.chars().take(24).collect();
        match self.body[start..].find(head.as_str()) {
            Some(at) => self.body[start..start + at].chars().count() as u32 + 1,
            None => 1,
        }
    }
}

/// Whether an `IF` condition only asks the catalog whether objects exist: every table it
/// reads is in `pg_catalog` or `information_schema` (or named `pg_*`), or it calls
/// `to_regclass`-style lookups.
pub fn checks_catalog_only(cond: &str) -> bool {
    let Ok(tree) = ffi::parse(&format!("SELECT {cond}"), Mode::Statements) else {
        return false;
    };
    let mut catalog = 0usize;
    for raw in &tree.stmts {
        let Some(node) = raw.stmt.as_deref() else {
            continue;
        };
        let Some(inner) = node.node.as_ref() else {
            continue;
        };
        for (n, _, _, _) in inner.nodes() {
            match n {
                pg_query::NodeRef::RangeVar(r) => {
                    let in_catalog =
                        matches!(r.schemaname.as_str(), "pg_catalog" | "information_schema")
                            || (r.schemaname.is_empty() && r.relname.starts_with("pg_"))
                            || (r.schemaname.is_empty()
                                && matches!(
                                    r.relname.as_str(),
                                    "tables" | "columns" | "table_constraints" | "schemata"
                                ));
                    if !in_catalog {
                        return false;
                    }
                    catalog += 1;
                }
                pg_query::NodeRef::FuncCall(f) => {
                    let name = f
                        .funcname
                        .last()
                        .and_then(|n| match n.node.as_ref() {
                            Some(NodeEnum::String(s)) => Some(s.sval.as_str()),
                            _ => None,
                        })
                        .unwrap_or("");
                    if name.starts_with("to_reg") {
                        catalog += 1;
                    }
                }
                _ => {}
            }
        }
    }
    catalog > 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn program(sql: &str) -> Program {
        let body_at = sql.find("$$").unwrap() + 2;
        let body_end = sql.rfind("$$").unwrap();
        read(sql, &sql[body_at..body_end])
    }

    fn summary(p: &Program) -> Vec<String> {
        p.actions
            .iter()
            .map(|a| {
                let what = match &a.kind {
                    ActionKind::Sql { stmt, .. } => stmt.tag(),
                    ActionKind::Dynamic { expr } => format!("dynamic {expr}"),
                    ActionKind::Rejected { message, .. } => format!("rejected {message}"),
                };
                format!("{}:{} {:?} {what}", a.line, a.column, a.guard)
            })
            .collect()
    }

    #[test]
    fn drizzle_guards_are_idempotent() {
        let p = program(
            "DO $$ BEGIN\n CREATE TYPE \"public\".\"status\" AS ENUM('a', 'b');\nEXCEPTION\n WHEN duplicate_object THEN null;\nEND $$",
        );
        assert_eq!(summary(&p), ["2:2 Idempotent CREATE TYPE"]);
    }

    #[test]
    fn catalog_checks_literals_and_dynamic_sql() {
        let p = program(
            "DO $$\nDECLARE r record;\nBEGIN\n  IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'mood') THEN\n    CREATE TYPE mood AS ENUM ('a');\n  END IF;\n  EXECUTE 'ALTER TABLE t ADD COLUMN d int';\n  FOR r IN SELECT name FROM tenants LOOP\n    EXECUTE format('CREATE TABLE %I (x int)', r.name);\n  END LOOP;\n  IF (SELECT count(*) FROM t) > 0 THEN\n    UPDATE t SET x = 1;\n  END IF;\nEND $$",
        );
        assert_eq!(
            summary(&p),
            [
                "5:5 Idempotent CREATE TYPE",
                "7:12 Always ALTER TABLE",
                "8:12 Always SELECT",
                "9:13 Conditional dynamic format('CREATE TABLE %I (x int)', r.name)",
                "12:5 Conditional UPDATE",
            ]
        );
    }

    #[test]
    fn trigger_functions_are_read_despite_their_variables() {
        let sql = "CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  RAISE EXCEPTION '% on %', TG_OP, TG_NAME USING ERRCODE = 'restrict_violation';\n  UPDATE audit SET n = n + 1;\nEND\n$$";
        let body_at = sql.find("$$").unwrap() + 2;
        let p = read(sql, &sql[body_at..sql.rfind("$$").unwrap()]);
        assert_eq!(p.error, None);
        assert_eq!(summary(&p), ["4:3 Always UPDATE"]);
    }

    #[test]
    fn rejected_bodies_and_statements() {
        let p = program("DO $$ BEGIN SELEC 1; END $$");
        assert!(p.error.as_deref().unwrap().contains("SELEC"), "{p:?}");
        assert!(checks_catalog_only("to_regclass('public.t') IS NULL"));
        assert!(checks_catalog_only(
            "NOT EXISTS (SELECT FROM information_schema.columns WHERE table_name = 't')"
        ));
        assert!(!checks_catalog_only("EXISTS (SELECT 1 FROM orders)"));
        assert!(!checks_catalog_only("v_count > 0"));
    }
}
