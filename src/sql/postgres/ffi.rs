//! libpg_query's C entry point for parsing, called directly.
//!
//! The `pg_query` crate compiles and links libpg_query and exposes `pg_query::parse`, but that
//! wrapper drops the error's cursor position (we report syntax errors at their line and
//! column) and walks every parsed tree to collect table and function names we never read.
//! The C functions used here are libpg_query's public API (`pg_query.h`); the protobuf types
//! are the `pg_query` crate's own.

use pg_query::protobuf::ParseResult;
use prost::Message;
use std::ffi::{CStr, CString};
use std::os::raw::{c_char, c_int};

#[repr(C)]
struct PgQueryError {
    message: *mut c_char,
    funcname: *mut c_char,
    filename: *mut c_char,
    lineno: c_int,
    cursorpos: c_int,
    context: *mut c_char,
}

#[repr(C)]
struct PgQueryProtobuf {
    len: usize,
    data: *mut c_char,
}

#[repr(C)]
struct PgQueryProtobufParseResult {
    parse_tree: PgQueryProtobuf,
    stderr_buffer: *mut c_char,
    error: *mut PgQueryError,
}

#[repr(C)]
struct PgQueryPlpgsqlParseResult {
    plpgsql_funcs: *mut c_char,
    error: *mut PgQueryError,
}

#[repr(C)]
struct PgQuerySplitStmt {
    stmt_location: c_int,
    stmt_len: c_int,
}

#[repr(C)]
struct PgQuerySplitResult {
    stmts: *mut *mut PgQuerySplitStmt,
    n_stmts: c_int,
    stderr_buffer: *mut c_char,
    error: *mut PgQueryError,
}

extern "C" {
    fn pg_query_split_with_parser(input: *const c_char) -> PgQuerySplitResult;
    fn pg_query_free_split_result(result: PgQuerySplitResult);
    fn pg_query_parse_protobuf_opts(
        input: *const c_char,
        options: c_int,
    ) -> PgQueryProtobufParseResult;
    fn pg_query_free_protobuf_parse_result(result: PgQueryProtobufParseResult);
    fn pg_query_parse_plpgsql(input: *const c_char) -> PgQueryPlpgsqlParseResult;
    fn pg_query_free_plpgsql_parse_result(result: PgQueryPlpgsqlParseResult);
}

/// Checks `sql` against PostgreSQL's grammar without building its parse tree (the tree's
/// encoding costs more than the parse): how many statements it holds.
pub fn check(sql: &str) -> Result<usize, SyntaxError> {
    let Ok(input) = CString::new(sql) else {
        return Err(SyntaxError {
            message: "invalid byte sequence: the text holds a NUL byte (0x00)".into(),
            offset: sql.find('\0'),
        });
    };
    // SAFETY: as in `parse`: a valid C string in, the result read once, then freed once.
    unsafe {
        let result = pg_query_split_with_parser(input.as_ptr());
        let out = if !result.error.is_null() {
            Err(error(&*result.error, sql))
        } else {
            Ok(usize::try_from(result.n_stmts).unwrap_or(0))
        };
        pg_query_free_split_result(result);
        out
    }
}

/// Compiles the PL/pgSQL bodies of a `CREATE FUNCTION` or `DO` statement with PostgreSQL's
/// PL/pgSQL parser: the functions as libpg_query's JSON text.
pub fn parse_plpgsql(sql: &str) -> Result<String, SyntaxError> {
    let Ok(input) = CString::new(sql) else {
        return Err(SyntaxError {
            message: "invalid byte sequence: the text holds a NUL byte (0x00)".into(),
            offset: sql.find('\0'),
        });
    };
    // SAFETY: as in `parse`: a valid C string in, the result read once, then freed once.
    unsafe {
        let result = pg_query_parse_plpgsql(input.as_ptr());
        let out = if !result.error.is_null() {
            Err(error(&*result.error, sql))
        } else if result.plpgsql_funcs.is_null() {
            Ok(String::new())
        } else {
            Ok(CStr::from_ptr(result.plpgsql_funcs)
                .to_string_lossy()
                .into_owned())
        };
        pg_query_free_plpgsql_parse_result(result);
        out
    }
}

/// Reads a libpg_query error.
///
/// # Safety
/// `e` must come from libpg_query and not be freed yet.
unsafe fn error(e: &PgQueryError, sql: &str) -> SyntaxError {
    let message = if e.message.is_null() {
        "PostgreSQL's parser rejected the text".to_string()
    } else {
        one_line(&CStr::from_ptr(e.message).to_string_lossy())
    };
    // `cursorpos` counts characters from 1; 0 means no position.
    let offset = usize::try_from(e.cursorpos)
        .ok()
        .filter(|&p| p > 0)
        .map(|p| char_to_byte(sql, p - 1));
    SyntaxError { message, offset }
}

/// PostgreSQL rejected the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// PostgreSQL's own message (`syntax error at or near "FROM"`).
    pub message: String,
    /// Byte offset of the error in the parsed text, when PostgreSQL gives one.
    pub offset: Option<usize>,
}

/// The grammar to parse with (libpg_query's parse modes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A script of statements.
    Statements = 0,
    /// One type name (`numeric(12, 2)`).
    TypeName = 1,
    /// One PL/pgSQL expression (any SQL expression, without `SELECT`).
    Expression = 2,
}

/// Parses `sql` with PostgreSQL's grammar.
pub fn parse(sql: &str, mode: Mode) -> Result<ParseResult, SyntaxError> {
    let Ok(input) = CString::new(sql) else {
        let at = sql.find('\0');
        return Err(SyntaxError {
            message: "invalid byte sequence: the text holds a NUL byte (0x00)".into(),
            offset: at,
        });
    };
    // SAFETY: `input` is a valid NUL-terminated string that outlives the call; the result
    // is read before it is freed exactly once, and its pointers are checked for NULL.
    unsafe {
        let result = pg_query_parse_protobuf_opts(input.as_ptr(), mode as c_int);
        let out = if !result.error.is_null() {
            Err(error(&*result.error, sql))
        } else if result.parse_tree.data.is_null() {
            Ok(ParseResult::default())
        } else {
            let bytes = std::slice::from_raw_parts(
                result.parse_tree.data as *const u8,
                result.parse_tree.len,
            );
            ParseResult::decode(bytes).map_err(|e| SyntaxError {
                message: format!("the parse tree could not be read back ({e})"),
                offset: None,
            })
        };
        pg_query_free_protobuf_parse_result(result);
        out
    }
}

/// A message on one line of bounded length: PostgreSQL quotes the rest of the input after
/// an unterminated string, which may be the whole file.
fn one_line(message: &str) -> String {
    const MAX: usize = 160;
    let first = message.lines().next().unwrap_or("");
    let mut out: String = first.chars().take(MAX).collect();
    if out.len() < message.trim_end().len() {
        out.push_str("...");
        if first.matches('"').count() % 2 == 1 {
            out.push('"');
        }
    }
    out
}

/// The byte offset of character `n` (0-based) of `s`, or its end.
fn char_to_byte(s: &str, n: usize) -> usize {
    s.char_indices().nth(n).map_or(s.len(), |(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_reports_positions() {
        let ok = parse("SELECT 1; CREATE TABLE t (a int)", Mode::Statements).unwrap();
        assert_eq!(ok.stmts.len(), 2);
        let err = parse("SELECT 1;\nSELEC é FROM", Mode::Statements).unwrap_err();
        assert_eq!(err.message, "syntax error at or near \"SELEC\"");
        assert_eq!(err.offset, Some(10));
        let err = parse("SELECT 'é' FROM t WHERE", Mode::Statements).unwrap_err();
        assert_eq!(err.offset, Some("SELECT 'é' FROM t WHERE".len()));
        let nul = parse("SELECT 1;\0", Mode::Statements).unwrap_err();
        assert_eq!(nul.offset, Some(9));
    }

    #[test]
    fn checks_without_a_tree() {
        assert_eq!(check("INSERT INTO t VALUES (1); UPDATE t SET a = 2"), Ok(2));
        let e = check("INSERT INTO t VALUES (1;").unwrap_err();
        assert!(e.message.contains("syntax error"), "{e:?}");
        assert_eq!(e.offset, Some(23));
    }

    #[test]
    fn parses_expressions_and_type_names() {
        assert_eq!(
            parse("a > 0 AND b", Mode::Expression).unwrap().stmts.len(),
            1
        );
        assert_eq!(
            parse("numeric(12, 2)", Mode::TypeName).unwrap().stmts.len(),
            1
        );
        assert!(parse("a >", Mode::Expression).is_err());
    }
}
