//! Which words of an expression name columns, and renaming them: what replay does when a
//! column is renamed, and what the planners and the lint ask of an expression.

use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::tokenizer::{Token, Tokenizer};

/// The tokens of `sql`, each marked when it is a word that may name a column: not a
/// function name (a word before `(`), not a literal. None when `sql` does not tokenize.
fn column_words(sql: &str) -> Option<Vec<(Token, Option<String>)>> {
    let dialect = PostgreSqlDialect {};
    let tokens = Tokenizer::new(&dialect, sql).tokenize().ok()?;
    let marked = tokens
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let call = tokens[i + 1..]
                .iter()
                .find(|n| !matches!(n, Token::Whitespace(_)))
                .is_some_and(|n| *n == Token::LParen);
            let name = match t {
                Token::Word(w) if !call => match w.quote_style {
                    // Folded the way the model stores identifiers.
                    None => Some(w.value.to_lowercase()),
                    Some('"') => Some(w.value.clone()),
                    Some(_) => None,
                },
                _ => None,
            };
            (t.clone(), name)
        })
        .collect();
    Some(marked)
}

/// The words of `sql` that may name columns (keywords among them: callers match the result
/// against column names). Text that does not tokenize names nothing.
pub(crate) fn column_refs(sql: &str) -> Vec<String> {
    column_words(sql)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(_, name)| name)
        .collect()
}

/// `sql` with every reference to column `old` spelled `new`, the way a database rewrites the
/// expressions that use a renamed column. Function names (a word before `(`) and string
/// literals are left alone; text that does not tokenize is returned unchanged.
pub(crate) fn rename_column_refs(sql: &str, old: &str, new: &str) -> String {
    let Some(words) = column_words(sql) else {
        return sql.to_string();
    };
    if !words.iter().any(|(_, n)| n.as_deref() == Some(old)) {
        return sql.to_string();
    }
    let mut out = String::with_capacity(sql.len());
    for (t, name) in &words {
        if name.as_deref() == Some(old) {
            out.push_str(&crate::sql::postgres::ident::quote_ident(new));
        } else {
            out.push_str(&t.to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renames_touch_column_references_only() {
        assert_eq!(
            rename_column_refs("a > 0 AND \"a\" < t.a AND a(1) = 'a' AND ab = 1", "a", "z"),
            "z > 0 AND z < t.z AND a(1) = 'a' AND ab = 1"
        );
        assert_eq!(
            rename_column_refs("A IS NULL", "a", "Big"),
            "\"Big\" IS NULL"
        );
        assert_eq!(
            column_refs("lower(a) IN ('b') OR \"C\" > d"),
            ["a", "or", "C", "d"]
        );
        let untouched = "b  >  0";
        assert_eq!(rename_column_refs(untouched, "a", "z"), untouched);
    }
}
