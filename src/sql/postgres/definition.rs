//! Definitions the model keeps as SQL (functions, procedures, views, triggers) in one
//! spelling, so formatting, case, comments and redundant parentheses are never a difference
//! while a changed body is one.
//!
//! The statement is parsed and printed back by libpg_query's deparser. Bodies given as
//! strings are normalized first: an SQL body is parsed and printed too; a PL/pgSQL (or other)
//! body becomes its tokens, comments dropped and unquoted words lower-cased. `OR REPLACE` is
//! dropped, and the object's name can be set to the model's (after a rename the stored
//! statement still spells the old one).

use super::{ffi, on_big_stack};
use pg_query::protobuf::{self, KeywordKind, Node, Token};
use pg_query::NodeEnum;

/// The canonical text of a `CREATE FUNCTION | PROCEDURE | VIEW | MATERIALIZED VIEW |
/// TRIGGER` statement; `name` replaces the object's own name (its last part). `None` when
/// the text is not one such statement.
pub fn canonical(sql: &str, name: Option<&str>) -> Option<String> {
    on_big_stack(|| {
        let mut tree = ffi::parse(sql, ffi::Mode::Statements).ok()?;
        if tree.stmts.len() != 1 {
            return None;
        }
        let raw = &mut tree.stmts[0];
        raw.stmt_location = 0;
        raw.stmt_len = 0;
        match raw.stmt.as_mut()?.node.as_mut()? {
            NodeEnum::CreateFunctionStmt(f) => {
                f.replace = false;
                if let (Some(n), Some(last)) = (name, f.funcname.last_mut()) {
                    *last = string_node(n);
                }
                let language = option_string(&f.options, "language")
                    .unwrap_or_else(|| "sql".into())
                    .to_ascii_lowercase();
                for o in &mut f.options {
                    if let Some(NodeEnum::DefElem(d)) = o.node.as_mut() {
                        if d.defname == "as" {
                            normalize_body(d, &language);
                        }
                    }
                }
            }
            NodeEnum::ViewStmt(v) => {
                v.replace = false;
                if let (Some(n), Some(rel)) = (name, v.view.as_mut()) {
                    rel.relname = n.to_string();
                }
            }
            NodeEnum::CreateTableAsStmt(c) => {
                if let (Some(n), Some(rel)) = (name, c.into.as_mut().and_then(|i| i.rel.as_mut())) {
                    rel.relname = n.to_string();
                }
            }
            NodeEnum::CreateTrigStmt(t) => {
                t.replace = false;
                if let Some(n) = name {
                    t.trigname = n.to_string();
                }
            }
            _ => return None,
        }
        pg_query::deparse(&tree, Default::default()).ok()
    })
}

fn string_node(s: &str) -> Node {
    Node {
        node: Some(NodeEnum::String(protobuf::String {
            sval: s.to_string(),
        })),
    }
}

fn option_string(options: &[Node], name: &str) -> Option<String> {
    options.iter().find_map(|o| match o.node.as_ref() {
        Some(NodeEnum::DefElem(d)) if d.defname == name => match d.arg.as_deref()?.node.as_ref() {
            Some(NodeEnum::String(s)) => Some(s.sval.clone()),
            _ => None,
        },
        _ => None,
    })
}

/// Replaces a function's `AS '<body>'` string with its canonical form.
fn normalize_body(d: &mut protobuf::DefElem, language: &str) {
    let Some(arg) = d.arg.as_deref_mut() else {
        return;
    };
    let body = match arg.node.as_mut() {
        Some(NodeEnum::String(s)) => &mut s.sval,
        // `AS $$body$$` is a one-element list; `AS 'obj', 'symbol'` (C) has two.
        Some(NodeEnum::List(l)) if l.items.len() == 1 => match l.items[0].node.as_mut() {
            Some(NodeEnum::String(s)) => &mut s.sval,
            _ => return,
        },
        _ => return,
    };
    let sql_body = (language == "sql")
        .then(|| ffi::parse(body, ffi::Mode::Statements).ok())
        .flatten()
        .and_then(|t| pg_query::deparse(&t, Default::default()).ok());
    *body = sql_body.unwrap_or_else(|| tokens(body));
}

/// The tokens of a body, one space apart: comments dropped, unquoted words (keywords and
/// identifiers) lower-cased, literals as written.
pub fn tokens(body: &str) -> String {
    let Ok(scan) = pg_query::scan(body) else {
        return body.split_whitespace().collect::<Vec<_>>().join(" ");
    };
    let mut out = String::with_capacity(body.len());
    for t in &scan.tokens {
        let token = Token::try_from(t.token).unwrap_or(Token::Nul);
        if matches!(token, Token::SqlComment | Token::CComment) {
            continue;
        }
        let (Ok(start), Ok(end)) = (usize::try_from(t.start), usize::try_from(t.end)) else {
            continue;
        };
        let Some(text) = body.get(start..end) else {
            continue;
        };
        if !out.is_empty() {
            out.push(' ');
        }
        let word = token == Token::Ident
            || KeywordKind::try_from(t.keyword_kind).unwrap_or(KeywordKind::NoKeyword)
                != KeywordKind::NoKeyword;
        if word && !text.starts_with('"') {
            out.push_str(&text.to_lowercase());
        } else {
            out.push_str(text);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formatting_and_comments_are_not_differences() {
        let a = "CREATE OR REPLACE FUNCTION f(x int) RETURNS int LANGUAGE plpgsql AS $$\nBEGIN\n  -- double it\n  RETURN x * 2;\nEND\n$$";
        let b = "create function F(X INTEGER) returns integer language PLPGSQL as $body$ begin return X*2; end $body$";
        assert_eq!(canonical(a, None), canonical(b, None));
        let changed = "CREATE FUNCTION f(x int) RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN x * 3; END $$";
        assert_ne!(canonical(a, None), canonical(changed, None));
    }

    #[test]
    fn sql_bodies_views_and_triggers() {
        let a = "CREATE FUNCTION g() RETURNS int LANGUAGE sql AS 'SELECT   (1)'";
        let b = "CREATE FUNCTION g() RETURNS int LANGUAGE sql AS $$ select 1 $$";
        assert_eq!(canonical(a, None), canonical(b, None));
        let atomic = "CREATE FUNCTION h() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END";
        assert!(canonical(atomic, None).is_some());
        assert_eq!(
            canonical("CREATE VIEW v AS SELECT a FROM t WHERE (a > 1)", Some("w")),
            canonical(
                "create or replace view w as select a from t where a>1",
                None
            )
        );
        assert_eq!(
            canonical(
                "CREATE TRIGGER old BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION f()",
                Some("new")
            ),
            canonical(
                "CREATE TRIGGER new BEFORE UPDATE ON t FOR EACH ROW EXECUTE PROCEDURE f()",
                None
            )
        );
        assert_eq!(canonical("SELECT 1", None), None);
    }
}
