//! Splits a SQL file into statements with their source positions and `schemactl:` directives.
//!
//! The file is tokenized once (so strings, quoted identifiers, comments and dollar-quoted
//! bodies are never split), cut at top-level semicolons, and each piece is parsed on its own.
//! A piece the parser cannot read whole is kept as an opaque statement with its error.

use crate::dialect::DialectKind;
use sqlparser::ast::Statement;
use sqlparser::dialect::{Dialect, PostgreSqlDialect, SQLiteDialect};
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Location, Token, TokenWithSpan, Tokenizer, Whitespace};
use std::ops::Range;

/// A `-- schemactl:...` comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Directive {
    /// `-- schemactl:no-transaction`: the file must run outside a transaction.
    NoTransaction,
    /// `-- schemactl:allow CODE reason...`: suppress a guard finding on the next statement.
    /// `reason` may be empty; guard reports that.
    Allow {
        code: String,
        reason: String,
        line: u32,
    },
    /// A `schemactl:` comment we do not understand, kept so callers can report it.
    Unknown { text: String, line: u32 },
}

/// One statement of a file.
#[derive(Debug, Clone)]
pub struct SqlStatement {
    /// The exact source text, from its first token to its last (no trailing semicolon).
    pub text: String,
    /// Byte range of `text` in the file.
    pub span: Range<usize>,
    /// 1-based line and column (in characters) of the first token.
    pub line: u32,
    pub column: u32,
    pub parsed: Option<Statement>,
    pub parse_error: Option<String>,
    /// Statement-level directives from the comments just before it.
    pub directives: Vec<Directive>,
}

impl SqlStatement {
    /// The first `n` words, as written (to name an opaque statement in messages).
    pub fn leading_words(&self, n: usize) -> String {
        self.text
            .split_whitespace()
            .take(n)
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// A whole file, split.
#[derive(Debug, Clone, Default)]
pub struct SqlScript {
    pub statements: Vec<SqlStatement>,
    /// `-- schemactl:no-transaction` appears somewhere in the file.
    pub no_transaction: bool,
    /// File-level directives that are not attached to a statement (unknown ones, allows with
    /// no statement after them).
    pub stray_directives: Vec<Directive>,
}

/// The file could not be tokenized (an unterminated string or quoted identifier, say).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitError {
    pub message: String,
    pub line: u32,
    pub column: u32,
}

pub(crate) fn sqlparser_dialect(kind: DialectKind) -> &'static dyn Dialect {
    static PG: PostgreSqlDialect = PostgreSqlDialect {};
    static LITE: SQLiteDialect = SQLiteDialect {};
    match kind {
        DialectKind::Postgres => &PG,
        DialectKind::Sqlite => &LITE,
    }
}

/// Converts token locations (line, column in chars) to byte offsets. Locations are asked for
/// in increasing order, so one forward-moving cursor keeps the whole split linear.
struct Cursor<'a> {
    src: &'a str,
    byte: usize,
    line: u64,
    column: u64,
}

impl<'a> Cursor<'a> {
    fn new(src: &'a str) -> Self {
        Cursor {
            src,
            byte: 0,
            line: 1,
            column: 1,
        }
    }

    fn offset(&mut self, loc: Location) -> usize {
        if (loc.line, loc.column) < (self.line, self.column) {
            // Never expected; restart rather than return a wrong offset.
            self.byte = 0;
            self.line = 1;
            self.column = 1;
        }
        while (self.line, self.column) < (loc.line, loc.column) {
            let Some(c) = self.src[self.byte..].chars().next() else {
                break;
            };
            self.byte += c.len_utf8();
            if c == '\n' {
                self.line += 1;
                self.column = 1;
            } else {
                self.column += 1;
            }
        }
        self.byte
    }
}

fn is_trivia(t: &Token) -> bool {
    matches!(t, Token::Whitespace(_))
}

/// Splits `sql` into statements. Only a tokenizer failure is an error; statements the parser
/// cannot read are kept with `parse_error` set.
pub fn split(sql: &str, dialect: DialectKind) -> Result<SqlScript, SplitError> {
    let d = sqlparser_dialect(dialect);
    let tokens = Tokenizer::new(d, sql)
        .tokenize_with_location()
        .map_err(|e| SplitError {
            message: e.message,
            line: e.location.line as u32,
            column: e.location.column as u32,
        })?;
    let mut script = SqlScript::default();
    let mut cursor = Cursor::new(sql);
    let mut pending: Vec<Directive> = Vec::new();
    let mut start = 0usize;
    let mut body = TriggerBody::default();
    for i in 0..=tokens.len() {
        let at_end = i == tokens.len();
        if !at_end {
            if dialect == DialectKind::Sqlite {
                body.see(&tokens[i].token);
            }
            match &tokens[i].token {
                Token::SemiColon if body.open() => continue,
                Token::SemiColon => body = TriggerBody::default(),
                Token::Whitespace(Whitespace::SingleLineComment { comment, prefix })
                    if prefix == "--" =>
                {
                    if let Some(dir) = parse_directive(comment, tokens[i].span.start.line as u32) {
                        if dir == Directive::NoTransaction {
                            script.no_transaction = true;
                        } else if matches!(dir, Directive::Unknown { .. }) {
                            script.stray_directives.push(dir);
                        } else {
                            // Even inside a statement, an allow names the statement after it.
                            pending.push(dir);
                        }
                    }
                    continue;
                }
                _ => continue,
            }
        }
        let piece = &tokens[start..i];
        start = i + 1;
        let Some(first) = piece.iter().position(|t| !is_trivia(&t.token)) else {
            continue;
        };
        let last = piece
            .iter()
            .rposition(|t| !is_trivia(&t.token))
            .unwrap_or(first);
        let begin = cursor.offset(piece[first].span.start);
        let end = cursor.offset(piece[last].span.end).max(begin);
        let body: Vec<TokenWithSpan> = piece[first..=last].to_vec();
        let (parsed, parse_error) = parse_piece(d, body);
        script.statements.push(SqlStatement {
            text: sql[begin..end].to_string(),
            span: begin..end,
            line: piece[first].span.start.line as u32,
            column: piece[first].span.start.column as u32,
            parsed,
            parse_error,
            directives: std::mem::take(&mut pending),
        });
    }
    script.stray_directives.append(&mut pending);
    Ok(script)
}

/// Tracks a SQLite `CREATE TRIGGER ... BEGIN stmt; ... END`, whose inner semicolons do not
/// end the statement (`CASE ... END` inside the body is counted so it does not close it).
#[derive(Debug, Default)]
struct TriggerBody {
    /// Significant words seen in the statement so far, up to `TRIGGER`.
    words: u8,
    trigger: bool,
    begun: bool,
    cases: u32,
    ended: bool,
}

impl TriggerBody {
    fn see(&mut self, token: &Token) {
        let Token::Word(w) = token else {
            return;
        };
        let kw = w.value.to_ascii_uppercase();
        if !self.trigger {
            // CREATE [TEMP|TEMPORARY] TRIGGER
            self.words = self.words.saturating_add(1);
            match (self.words, kw.as_str()) {
                (1, "CREATE") | (2, "TEMP" | "TEMPORARY") => {}
                (2 | 3, "TRIGGER") => self.trigger = true,
                _ => self.words = u8::MAX,
            }
            return;
        }
        match kw.as_str() {
            "BEGIN" if !self.begun => self.begun = true,
            "CASE" if self.begun => self.cases += 1,
            "END" if self.begun && self.cases > 0 => self.cases -= 1,
            "END" if self.begun => self.ended = true,
            _ => {}
        }
    }

    fn open(&self) -> bool {
        self.begun && !self.ended
    }
}

fn parse_piece(d: &dyn Dialect, tokens: Vec<TokenWithSpan>) -> (Option<Statement>, Option<String>) {
    let mut parser = Parser::new(d).with_tokens_with_locations(tokens);
    match parser.parse_statement() {
        Ok(stmt) => {
            let next = parser.peek_token_ref();
            if next.token == Token::EOF {
                (Some(stmt), None)
            } else {
                (
                    None,
                    Some(format!(
                        "unexpected `{}` at line {}, column {} after a complete statement",
                        next.token, next.span.start.line, next.span.start.column
                    )),
                )
            }
        }
        Err(e) => (None, Some(e.to_string())),
    }
}

/// Reads `schemactl:...` from a `--` comment body (without the `--`).
fn parse_directive(comment: &str, line: u32) -> Option<Directive> {
    let rest = comment.trim().strip_prefix("schemactl:")?;
    let mut words = rest.splitn(2, char::is_whitespace);
    let verb = words.next().unwrap_or("");
    let tail = words.next().unwrap_or("").trim();
    Some(match verb {
        "no-transaction" if tail.is_empty() => Directive::NoTransaction,
        "allow" => {
            let mut parts = tail.splitn(2, char::is_whitespace);
            let code = parts.next().unwrap_or("").to_string();
            if code.is_empty() {
                return Some(Directive::Unknown {
                    text: comment.trim().to_string(),
                    line,
                });
            }
            Directive::Allow {
                code,
                reason: parts.next().unwrap_or("").trim().to_string(),
                line,
            }
        }
        _ => Directive::Unknown {
            text: comment.trim().to_string(),
            line,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pg(sql: &str) -> SqlScript {
        split(sql, DialectKind::Postgres).expect("tokenizes")
    }

    #[test]
    fn sqlite_trigger_bodies_are_one_statement() {
        let sql = "CREATE TABLE t (a int);\nCREATE TRIGGER t_no_update BEFORE UPDATE ON t BEGIN SELECT CASE WHEN 1 THEN RAISE(ABORT, 'no') END; SELECT 1; END;\nCREATE TABLE u (b int);";
        let s = split(sql, DialectKind::Sqlite).unwrap();
        let texts: Vec<&str> = s.statements.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(texts.len(), 3, "{texts:#?}");
        assert!(texts[1].starts_with("CREATE TRIGGER") && texts[1].ends_with("END"));
    }

    #[test]
    fn splits_at_top_level_semicolons_only() {
        let sql = "CREATE TABLE a (x text DEFAULT ';');\nINSERT INTO a VALUES ('a;b');\n  SELECT \"semi;colon\" FROM a";
        let s = pg(sql);
        assert_eq!(s.statements.len(), 3);
        assert_eq!(s.statements[0].text, "CREATE TABLE a (x text DEFAULT ';')");
        assert_eq!(s.statements[1].line, 2);
        assert_eq!(s.statements[2].line, 3);
        assert_eq!(s.statements[2].column, 3);
        assert_eq!(&sql[s.statements[2].span.clone()], s.statements[2].text);
        assert!(s.statements.iter().all(|st| st.parsed.is_some()));
    }

    #[test]
    fn dollar_quoted_bodies_are_one_piece() {
        let sql = "CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  NEW.x := 1;\n  RETURN NEW;\nEND\n$$;\nCREATE FUNCTION g() RETURNS int LANGUAGE sql AS $body$ SELECT 1; $body$;";
        let s = pg(sql);
        assert_eq!(s.statements.len(), 2);
        assert!(s.statements[0].text.ends_with("END\n$$"));
        assert!(s.statements[0].parsed.is_some());
        assert_eq!(s.statements[1].line, 7);
    }

    #[test]
    fn comments_are_not_statements_and_not_in_text() {
        let s =
            pg("-- heading; with a semicolon\n/* block; */\nCREATE SCHEMA x; -- trailing\n;;\n");
        assert_eq!(s.statements.len(), 1);
        assert_eq!(s.statements[0].text, "CREATE SCHEMA x");
        assert_eq!(s.statements[0].line, 3);
    }

    #[test]
    fn unparseable_statements_are_kept_with_their_line() {
        let sql = "CREATE SCHEMA a;\n\nDO $$ BEGIN PERFORM 1; END $$;\nCOMMENT ON CONSTRAINT c ON t IS 'x';\nDROP INDEX CONCURRENTLY IF EXISTS ix;\nCREATE SCHEMA b";
        let s = pg(sql);
        assert_eq!(s.statements.len(), 5);
        assert_eq!(s.statements[1].line, 3);
        assert!(s.statements[1].parsed.is_none());
        assert!(s.statements[1].parse_error.is_some());
        assert!(s.statements[1].text.starts_with("DO $$"));
        assert!(s.statements[2].parse_error.is_some());
        assert!(
            s.statements[3].parse_error.is_some(),
            "{:?}",
            s.statements[3]
        );
        assert!(s.statements[4].parsed.is_some());
    }

    #[test]
    fn directives_attach_to_the_next_statement() {
        let sql = "-- schemactl:no-transaction\n-- schemactl:allow SG001 backfilled in batches\nCREATE INDEX CONCURRENTLY i ON t (x);\n-- schemactl:allow SG002\nALTER TABLE t DROP COLUMN y;\nSELECT 1;\n-- schemactl:frobnicate\n";
        let s = pg(sql);
        assert!(s.no_transaction);
        assert_eq!(
            s.statements[0].directives,
            vec![Directive::Allow {
                code: "SG001".into(),
                reason: "backfilled in batches".into(),
                line: 2
            }]
        );
        assert_eq!(
            s.statements[1].directives,
            vec![Directive::Allow {
                code: "SG002".into(),
                reason: String::new(),
                line: 4
            }]
        );
        assert!(s.statements[2].directives.is_empty());
        assert!(matches!(
            s.stray_directives[..],
            [Directive::Unknown { line: 7, .. }]
        ));
    }

    #[test]
    fn multibyte_text_keeps_exact_byte_spans() {
        let sql = "COMMENT ON TABLE t IS 'héllo wörld';  COMMENT ON TABLE u IS '✓'";
        let s = pg(sql);
        assert_eq!(s.statements.len(), 2);
        for st in &s.statements {
            assert_eq!(&sql[st.span.clone()], st.text);
        }
        assert_eq!(s.statements[1].text, "COMMENT ON TABLE u IS '✓'");
    }

    #[test]
    fn tokenizer_errors_are_reported_with_position() {
        let e = split("SELECT 1;\nSELECT 'open", DialectKind::Postgres).unwrap_err();
        assert_eq!(e.line, 2);
    }
}
