//! PostgreSQL identifiers: when a name must be quoted, and how. The reader prints expressions
//! with it and the renderer writes every name with it, so both spell a name alike.

use crate::model::QName;

/// Words PostgreSQL will not take as a bare column or table name (reserved, and reserved
/// except as function or type names). A `match`, so most words are told apart by length.
fn reserved(word: &str) -> bool {
    matches!(
        word,
        "all"
            | "analyse"
            | "analyze"
            | "and"
            | "any"
            | "array"
            | "as"
            | "asc"
            | "asymmetric"
            | "authorization"
            | "binary"
            | "both"
            | "case"
            | "cast"
            | "check"
            | "collate"
            | "collation"
            | "column"
            | "concurrently"
            | "constraint"
            | "create"
            | "cross"
            | "current_catalog"
            | "current_date"
            | "current_role"
            | "current_schema"
            | "current_time"
            | "current_timestamp"
            | "current_user"
            | "default"
            | "deferrable"
            | "desc"
            | "distinct"
            | "do"
            | "else"
            | "end"
            | "except"
            | "false"
            | "fetch"
            | "for"
            | "foreign"
            | "freeze"
            | "from"
            | "full"
            | "grant"
            | "group"
            | "having"
            | "ilike"
            | "in"
            | "initially"
            | "inner"
            | "intersect"
            | "into"
            | "is"
            | "isnull"
            | "join"
            | "lateral"
            | "leading"
            | "left"
            | "like"
            | "limit"
            | "localtime"
            | "localtimestamp"
            | "natural"
            | "not"
            | "notnull"
            | "null"
            | "offset"
            | "on"
            | "only"
            | "or"
            | "order"
            | "outer"
            | "overlaps"
            | "placing"
            | "primary"
            | "references"
            | "returning"
            | "right"
            | "select"
            | "session_user"
            | "similar"
            | "some"
            | "symmetric"
            | "table"
            | "tablesample"
            | "then"
            | "to"
            | "trailing"
            | "true"
            | "union"
            | "unique"
            | "user"
            | "using"
            | "variadic"
            | "verbose"
            | "when"
            | "where"
            | "window"
            | "with"
    )
}

/// Quotes an identifier when PostgreSQL needs it to be quoted, and only then.
pub fn quote_ident(name: &str) -> String {
    let mut s = String::with_capacity(name.len() + 2);
    push_ident(&mut s, name);
    s
}

/// Appends `name`, quoted when PostgreSQL needs it to be; the renderer writes every
/// identifier this way, straight into its output.
pub fn push_ident(out: &mut String, name: &str) {
    // Bytes, not chars: every byte of a non-ASCII character fails these tests anyway.
    let bytes = name.as_bytes();
    let plain = bytes
        .first()
        .is_some_and(|&b| b.is_ascii_lowercase() || b == b'_')
        && bytes
            .iter()
            .all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'$')
        && !reserved(name);
    if plain {
        out.push_str(name);
    } else {
        push_quoted(out, name, '"');
    }
}

/// Appends `text` between `quote`s with each `quote` in it doubled: a quoted identifier
/// (`"`) or a string literal (`'`).
pub fn push_quoted(out: &mut String, text: &str, quote: char) {
    out.push(quote);
    for (i, part) in text.split(quote).enumerate() {
        if i > 0 {
            out.push(quote);
            out.push(quote);
        }
        out.push_str(part);
    }
    out.push(quote);
}

/// A qualified name, each part quoted when PostgreSQL needs it to be.
pub fn quote_qname(name: &QName) -> String {
    let mut s = String::new();
    push_qname(&mut s, name);
    s
}

pub fn push_qname(out: &mut String, name: &QName) {
    if let Some(s) = &name.schema {
        push_ident(out, s);
        out.push('.');
    }
    push_ident(out, &name.name);
}
