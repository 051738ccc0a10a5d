//! Splits a SQL file into statements with their source positions and `schemactl:` directives,
//! and parses them into [`crate::sql::ast`] statements.
//!
//! A byte scanner that knows each dialect's lexical rules (strings, quoted identifiers,
//! comments, dollar quotes, `BEGIN ATOMIC` and SQLite trigger bodies) cuts the file at
//! top-level semicolons; the pieces are then parsed by the dialect's reader
//! ([`crate::sql::postgres`] for PostgreSQL, [`crate::sql::sqlite`] for SQLite). A statement
//! the parser rejects is kept, with the parser's message and position.

use super::ast::{RowsKind, Stmt};
use super::postgres::{self, Outcome};
use crate::model::DialectKind;
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
    pub parsed: Option<Stmt>,
    /// Why the parser rejected the statement (in PostgreSQL's own words for PostgreSQL).
    pub parse_error: Option<ParseError>,
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

/// A statement the parser rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub message: String,
    /// 1-based line and column (in characters) in the file.
    pub line: u32,
    pub column: u32,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} (line {}, column {})",
            self.message, self.line, self.column
        )
    }
}

impl SqlStatement {
    /// File line and column of a position inside a procedural body: `body_offset` is where
    /// the body starts in `text`, `line`/`column` count within the body (1-based).
    pub fn body_position(&self, body_offset: Option<usize>, line: u32, column: u32) -> (u32, u32) {
        let Some(offset) = body_offset.filter(|&o| o <= self.text.len()) else {
            return (self.line, self.column);
        };
        let before = &self.text[..offset];
        let newlines = before.matches('\n').count() as u32;
        let body_line = self.line + newlines;
        let body_column = match before.rfind('\n') {
            Some(nl) => before[nl + 1..].chars().count() as u32 + 1,
            None => self.column + before.chars().count() as u32,
        };
        if line <= 1 {
            (body_line, body_column + column.saturating_sub(1))
        } else {
            (body_line + line - 1, column)
        }
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

/// Turns byte offsets into 1-based line and column (in chars). Offsets are asked for in
/// increasing order, so one forward-moving cursor keeps the whole split linear.
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

    /// Moves forward to byte `to`, counting lines and columns on the way.
    fn seek(&mut self, to: usize) {
        if to < self.byte {
            // Never expected; restart rather than report a wrong position.
            *self = Cursor::new(self.src);
        }
        for c in self.src[self.byte..to].chars() {
            if c == '\n' {
                self.line += 1;
                self.column = 1;
            } else {
                self.column += 1;
            }
        }
        self.byte = to;
    }
}

/// Splits `sql` into statements. Never fails: text the parser rejects (an unterminated
/// string, a typo) becomes a statement with `parse_error` set. Rows written by INSERT, UPDATE
/// or DELETE are only checked against the grammar (on PostgreSQL): their `parsed` is a
/// `Stmt::Rows` without the tree, which no reader needs.
///
/// Statement boundaries come from a byte scanner that knows the same lexical rules as the
/// tokenizer (strings, quoted identifiers, comments, dollar quotes); each statement is then
/// tokenized with locations and parsed on its own. Working one statement at a time keeps
/// memory flat on very large files; tokenizing a 50 MB file whole holds gigabytes of tokens.
pub fn split(sql: &str, dialect: DialectKind) -> SqlScript {
    split_with(sql, dialect, Parse::All)
}

/// Splits without parsing: statements with their text, positions and directives, `parsed`
/// and `parse_error` left empty. For running a file, where the database parses each statement
/// anyway and our parse would only cost time.
pub fn split_unparsed(sql: &str, dialect: DialectKind) -> SqlScript {
    split_with(sql, dialect, Parse::None)
}

/// Splits for replaying the schema: every statement is parsed except rows written by
/// INSERT, UPDATE or DELETE, which change no schema; they are left with `parsed` and
/// `parse_error` both empty, so a folder of seed data costs a scan, not a parse.
pub fn split_for_replay(sql: &str, dialect: DialectKind) -> SqlScript {
    split_with(sql, dialect, Parse::SchemaOnly)
}

#[derive(Clone, Copy, PartialEq)]
enum Parse {
    All,
    None,
    SchemaOnly,
}

/// What a statement that only writes rows writes, by its first word.
fn rows_kind(text: &str) -> Option<RowsKind> {
    let word = text
        .split(|c: char| !c.is_ascii_alphabetic())
        .next()
        .unwrap_or("");
    [
        ("INSERT", RowsKind::Insert),
        ("UPDATE", RowsKind::Update),
        ("DELETE", RowsKind::Delete),
    ]
    .iter()
    .find(|(w, _)| w.eq_ignore_ascii_case(word))
    .map(|(_, k)| *k)
}

/// Whether a statement only writes rows (by its first word).
fn writes_rows(text: &str) -> bool {
    rows_kind(text).is_some()
}

fn split_with(sql: &str, dialect: DialectKind, parse: Parse) -> SqlScript {
    let mut script = SqlScript::default();
    // Pieces the scanner found, each with the allows written before it.
    let mut pieces: Vec<Range<usize>> = Vec::new();
    let mut piece_directives: Vec<Vec<Directive>> = Vec::new();
    let mut comment_cursor = Cursor::new(sql);
    let mut pending: Vec<Directive> = Vec::new();
    let mut scanner = Scanner::new(sql, dialect);
    while let Some(event) = scanner.next_event() {
        match event {
            Event::Comment { body_start, end } => {
                comment_cursor.seek(body_start);
                let line = comment_cursor.line as u32;
                if let Some(dir) = parse_directive(&sql[body_start..end], line) {
                    match dir {
                        Directive::NoTransaction => script.no_transaction = true,
                        Directive::Unknown { .. } => script.stray_directives.push(dir),
                        // Even inside a statement, an allow names the statement after it.
                        Directive::Allow { .. } => pending.push(dir),
                    }
                }
            }
            Event::Statement { begin, end } => {
                pieces.push(begin..end);
                piece_directives.push(std::mem::take(&mut pending));
            }
        }
    }
    script.stray_directives.append(&mut pending);

    let outcomes: Vec<(Range<usize>, Outcome)> = match (parse, dialect) {
        (Parse::None, _) => pieces
            .iter()
            .map(|p| (p.clone(), Outcome::Skipped))
            .collect(),
        (_, DialectKind::Postgres) => {
            let schema_only = parse == Parse::SchemaOnly;
            let treat = move |t: &str| match rows_kind(t) {
                Some(_) if schema_only => postgres::Treatment::Skip,
                Some(kind) => postgres::Treatment::Check(kind),
                None => postgres::Treatment::Parse,
            };
            postgres::parse_pieces(sql, &pieces, &treat)
        }
        (_, DialectKind::Sqlite) => {
            let mut cursor = Cursor::new(sql);
            pieces
                .iter()
                .map(|p| {
                    let text = &sql[p.clone()];
                    if parse == Parse::SchemaOnly && writes_rows(text) {
                        return (p.clone(), Outcome::Skipped);
                    }
                    cursor.seek(p.start);
                    let outcome = match super::sqlite::parse(text, cursor.line, cursor.column) {
                        Ok(stmt) => Outcome::Parsed(Box::new(stmt)),
                        Err(message) => Outcome::Rejected(postgres::ffi::SyntaxError {
                            message,
                            offset: None,
                        }),
                    };
                    (p.clone(), outcome)
                })
                .collect()
        }
    };

    let mut cursor = Cursor::new(sql);
    let mut next_piece = 0usize;
    for (range, outcome) in outcomes {
        // The allows of every scanner piece this statement covers.
        let mut directives = Vec::new();
        while next_piece < pieces.len() && pieces[next_piece].start < range.end {
            directives.append(&mut piece_directives[next_piece]);
            next_piece += 1;
        }
        cursor.seek(range.start);
        let (line, column) = (cursor.line as u32, cursor.column as u32);
        let (parsed, parse_error) = match outcome {
            Outcome::Parsed(stmt) => (Some(*stmt), None),
            Outcome::Skipped => (None, None),
            Outcome::Rejected(e) => {
                let (eline, ecolumn) = match e.offset {
                    Some(at) => position(sql, range.start, line, column, at),
                    None => (line, column),
                };
                (
                    None,
                    Some(ParseError {
                        message: e.message,
                        line: eline,
                        column: ecolumn,
                    }),
                )
            }
        };
        script.statements.push(SqlStatement {
            text: sql[range.clone()].to_string(),
            span: range,
            line,
            column,
            parsed,
            parse_error,
            directives,
        });
    }
    script
}

/// Line and column of byte `at`, counting from a known position (`from` at `line`:`column`).
fn position(sql: &str, from: usize, line: u32, column: u32, at: usize) -> (u32, u32) {
    let at = at.clamp(from, sql.len());
    let mut at_char = at;
    while !sql.is_char_boundary(at_char) {
        at_char -= 1;
    }
    let between = &sql[from..at_char];
    match between.rfind('\n') {
        Some(nl) => (
            line + between.matches('\n').count() as u32,
            between[nl + 1..].chars().count() as u32 + 1,
        ),
        None => (line, column + between.chars().count() as u32),
    }
}

enum Event {
    /// A `--` comment; `body_start` is just after the dashes.
    Comment { body_start: usize, end: usize },
    /// A statement from its first significant byte to the end of its last lexeme.
    Statement { begin: usize, end: usize },
}

/// Finds statement boundaries and `--` comments in one forward pass over the bytes.
struct Scanner<'a> {
    src: &'a [u8],
    text: &'a str,
    pos: usize,
    dialect: DialectKind,
    begin: Option<usize>,
    last_end: usize,
    /// Bodies whose semicolons do not end the statement.
    body: BodyTracker,
}

/// Follows statements whose body holds semicolons that do not end them, word by word:
/// SQLite's `CREATE [TEMP] TRIGGER ... BEGIN ...; END` and PostgreSQL's
/// `CREATE [OR REPLACE] FUNCTION|PROCEDURE ... BEGIN ATOMIC ...; END`. `CASE ... END` nests.
#[derive(Debug, Default)]
struct BodyTracker {
    /// Words seen so far, while the statement's head is being recognised.
    words: u8,
    kind: Option<BodyKind>,
    /// PostgreSQL: `BEGIN` seen, waiting for `ATOMIC`.
    begin_seen: bool,
    open: bool,
    cases: u32,
    ended: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BodyKind {
    SqliteTrigger,
    AtomicRoutine,
}

impl BodyTracker {
    fn see(&mut self, word: &str, dialect: DialectKind) {
        let is = |w: &str| word.eq_ignore_ascii_case(w);
        let Some(kind) = self.kind else {
            if self.words == u8::MAX {
                return;
            }
            self.words += 1;
            let pg = dialect == DialectKind::Postgres;
            self.kind = match (self.words, pg) {
                (1, _) if is("CREATE") => None,
                (2, false) if is("TEMP") || is("TEMPORARY") => None,
                (2 | 3, false) if is("TRIGGER") => Some(BodyKind::SqliteTrigger),
                (2, true) if is("OR") => None,
                (3, true) if is("REPLACE") => None,
                (2 | 4, true) if is("FUNCTION") || is("PROCEDURE") => Some(BodyKind::AtomicRoutine),
                _ => {
                    self.words = u8::MAX;
                    None
                }
            };
            return;
        };
        if self.ended {
            return;
        }
        if !self.open {
            match kind {
                BodyKind::SqliteTrigger if is("BEGIN") => self.open = true,
                BodyKind::AtomicRoutine if self.begin_seen => {
                    self.begin_seen = false;
                    self.open = is("ATOMIC");
                }
                BodyKind::AtomicRoutine if is("BEGIN") => self.begin_seen = true,
                _ => {}
            }
            return;
        }
        if is("CASE") {
            self.cases += 1;
        } else if is("END") {
            if self.cases > 0 {
                self.cases -= 1;
            } else {
                self.ended = true;
            }
        }
    }

    fn inside(&self) -> bool {
        self.open && !self.ended
    }
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}

impl<'a> Scanner<'a> {
    fn new(text: &'a str, dialect: DialectKind) -> Self {
        Scanner {
            src: text.as_bytes(),
            text,
            pos: 0,
            dialect,
            begin: None,
            last_end: 0,
            body: BodyTracker::default(),
        }
    }

    fn at(&self, i: usize) -> u8 {
        self.src.get(i).copied().unwrap_or(0)
    }

    /// Index just past the closing `quote` of a literal opened before `i`; a doubled quote is
    /// an escaped one, and with `backslash` so is `\x`. Unterminated runs to the end.
    fn skip_quoted(&self, mut i: usize, quote: u8, backslash: bool) -> usize {
        while i < self.src.len() {
            let b = self.src[i];
            if backslash && b == b'\\' {
                i += 2;
            } else if b == quote {
                if self.at(i + 1) == quote {
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                i += 1;
            }
        }
        self.src.len()
    }

    /// A `$tag$` opening at `i`, if there is one (not `$1`).
    fn dollar_tag(&self, i: usize) -> Option<&'a str> {
        let mut j = i + 1;
        if self.at(j).is_ascii_digit() {
            return None;
        }
        while j < self.src.len() && self.src[j] != b'$' {
            let b = self.src[j];
            if !(b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80) {
                return None;
            }
            j += 1;
        }
        (j < self.src.len()).then(|| &self.text[i..=j])
    }

    fn lexeme(&mut self, start: usize, end: usize) {
        if self.begin.is_none() {
            self.begin = Some(start);
        }
        self.last_end = end;
        self.pos = end;
    }

    fn take_statement(&mut self) -> Option<Event> {
        let begin = self.begin.take()?;
        Some(Event::Statement {
            begin,
            end: self.last_end,
        })
    }

    fn next_event(&mut self) -> Option<Event> {
        let pg = self.dialect == DialectKind::Postgres;
        // A UTF-8 byte order mark at the start of a file is not part of its first statement.
        if self.pos == 0 && self.text.starts_with('\u{feff}') {
            self.pos = '\u{feff}'.len_utf8();
        }
        while self.pos < self.src.len() {
            let i = self.pos;
            let b = self.src[i];
            match b {
                b' ' | b'\t' | b'\n' | b'\r' | 0x0c => self.pos += 1,
                b'-' if self.at(i + 1) == b'-' => {
                    let end = self.text[i..].find('\n').map_or(self.src.len(), |n| i + n);
                    self.pos = end;
                    return Some(Event::Comment {
                        body_start: i + 2,
                        end,
                    });
                }
                b'/' if self.at(i + 1) == b'*' => {
                    let mut depth = 1;
                    let mut j = i + 2;
                    while j < self.src.len() && depth > 0 {
                        if self.src[j] == b'*' && self.at(j + 1) == b'/' {
                            depth -= 1;
                            j += 2;
                        } else if pg && self.src[j] == b'/' && self.at(j + 1) == b'*' {
                            depth += 1;
                            j += 2;
                        } else {
                            j += 1;
                        }
                    }
                    self.pos = j.min(self.src.len());
                }
                // A psql meta-command (`\connect db`) runs to the end of its line.
                b'\\' if pg && self.begin.is_none() => {
                    let end = self.text[i..].find('\n').map_or(self.src.len(), |n| i + n);
                    self.lexeme(i, end);
                    if let Some(e) = self.take_statement() {
                        return Some(e);
                    }
                }
                b';' if self.body.inside() => self.lexeme(i, i + 1),
                b';' => {
                    self.pos += 1;
                    self.body = BodyTracker::default();
                    if let Some(e) = self.take_statement() {
                        return Some(e);
                    }
                }
                b'\'' => {
                    let end = self.skip_quoted(i + 1, b'\'', false);
                    self.lexeme(i, end);
                }
                b'"' => {
                    let end = self.skip_quoted(i + 1, b'"', false);
                    self.lexeme(i, end);
                }
                b'`' if !pg => {
                    let end = self.skip_quoted(i + 1, b'`', false);
                    self.lexeme(i, end);
                }
                b'[' if !pg => {
                    let end = self.text[i..]
                        .find(']')
                        .map_or(self.src.len(), |n| i + n + 1);
                    self.lexeme(i, end);
                }
                b'$' if pg => match self.dollar_tag(i) {
                    Some(tag) => {
                        let body = i + tag.len();
                        let end = self.text[body..]
                            .find(tag)
                            .map_or(self.src.len(), |n| body + n + tag.len());
                        self.lexeme(i, end);
                    }
                    None => self.lexeme(i, i + 1),
                },
                _ if is_word_byte(b) => {
                    let mut j = i + 1;
                    while j < self.src.len() && is_word_byte(self.src[j]) {
                        j += 1;
                    }
                    // E'...' strings take backslash escapes.
                    if pg && j == i + 1 && (b == b'e' || b == b'E') && self.at(j) == b'\'' {
                        j = self.skip_quoted(j + 1, b'\'', true);
                    } else {
                        self.body.see(&self.text[i..j], self.dialect);
                    }
                    self.lexeme(i, j);
                }
                _ => {
                    // One byte of an operator or punctuation; keep UTF-8 boundaries intact.
                    let len = self.text[i..].chars().next().map_or(1, char::len_utf8);
                    self.lexeme(i, i + len);
                }
            }
        }
        self.take_statement()
    }
}

/// Reads `schemactl:...` from a `--` comment body (without the `--`).
fn parse_directive(comment: &str, line: u32) -> Option<Directive> {
    let rest = comment.trim().strip_prefix("schemactl:")?;
    let mut words = rest.splitn(2, char::is_whitespace);
    let verb = words.next().unwrap_or("");
    let tail = words.next().unwrap_or("").trim();
    Some(match verb {
        "no-transaction" => Directive::NoTransaction,
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
    use crate::sql::ast::Stmt;

    fn pg(sql: &str) -> SqlScript {
        split(sql, DialectKind::Postgres)
    }

    #[test]
    fn sqlite_trigger_bodies_are_one_statement() {
        let sql = "CREATE TABLE t (a int);\nCREATE TRIGGER t_no_update BEFORE UPDATE ON t BEGIN SELECT CASE WHEN 1 THEN RAISE(ABORT, 'no') END; SELECT 1; END;\nCREATE TABLE u (b int);";
        let s = split(sql, DialectKind::Sqlite);
        let texts: Vec<&str> = s.statements.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(texts.len(), 3, "{texts:#?}");
        assert!(texts[1].starts_with("CREATE TRIGGER") && texts[1].ends_with("END"));
        // PostgreSQL triggers have no such body: the semicolon ends the statement.
        assert_eq!(
            split(
                "CREATE TRIGGER x BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION f(); SELECT 1;",
                DialectKind::Postgres
            )
            .statements
            .len(),
            2
        );
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
    fn rejected_statements_are_kept_with_their_line() {
        let sql = "CREATE SCHEMA a;\n\nDO $$ BEGIN PERFORM 1; END $$;\nCREAT TABLE x (id int);\nDROP INDEX CONCURRENTLY IF EXISTS ix;\nCREATE SCHEMA b";
        let s = pg(sql);
        assert_eq!(s.statements.len(), 5);
        assert_eq!(s.statements[1].line, 3);
        assert!(matches!(s.statements[1].parsed, Some(Stmt::Do(_))));
        assert!(s.statements[2].parsed.is_none());
        let e = s.statements[2].parse_error.as_ref().unwrap();
        assert_eq!((e.line, e.column), (4, 1));
        assert_eq!(e.message, "syntax error at or near \"CREAT\"");
        assert!(s.statements[3].parsed.is_some());
        assert!(s.statements[4].parsed.is_some());
    }

    #[test]
    fn rows_are_checked_without_their_tree() {
        let s = pg(
            "INSERT INTO t VALUES (1), (2);\nUPDATE t SET a = 1 WHERE b IN (1,;\nDELETE FROM t;",
        );
        assert!(matches!(
            s.statements[0].parsed,
            Some(Stmt::Rows {
                kind: RowsKind::Insert,
                ..
            })
        ));
        let e = s.statements[1].parse_error.as_ref().unwrap();
        assert_eq!((e.line, e.column), (2, 34), "{e}");
        assert!(matches!(
            s.statements[2].parsed,
            Some(Stmt::Rows {
                kind: RowsKind::Delete,
                ..
            })
        ));
        // Replay leaves them alone.
        let r = split_for_replay("INSERT INTO t VALUES ((;", DialectKind::Postgres);
        assert!(r.statements[0].parsed.is_none() && r.statements[0].parse_error.is_none());
    }

    #[test]
    fn psql_meta_commands_end_at_their_line() {
        let s = pg("\\set ON_ERROR_STOP on\nCREATE TABLE a (id int);\nSELECT 1 \\gset\n");
        let texts: Vec<&str> = s.statements.iter().map(|st| st.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "\\set ON_ERROR_STOP on",
                "CREATE TABLE a (id int)",
                "SELECT 1 \\gset"
            ]
        );
        assert!(s.statements[0].parse_error.is_some());
        assert!(s.statements[1].parsed.is_some());
    }

    #[test]
    fn atomic_bodies_and_byte_order_marks() {
        let sql = "\u{feff}CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT CASE WHEN true THEN 1 END;\n  SELECT 2;\nEND;\nCREATE PROCEDURE p() LANGUAGE sql BEGIN ATOMIC INSERT INTO t VALUES (1); END;\nSELECT 3;";
        let s = pg(sql);
        let texts: Vec<&str> = s.statements.iter().map(|st| st.text.as_str()).collect();
        assert_eq!(texts.len(), 3, "{texts:#?}");
        assert!(texts[0].starts_with("CREATE OR REPLACE") && texts[0].ends_with("END"));
        assert!(s.statements.iter().all(|st| st.parsed.is_some()));
        // The unparsed split (what apply sends) agrees.
        assert_eq!(
            split_unparsed(sql, DialectKind::Postgres).statements.len(),
            3
        );
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

    /// Property-style check without extra dependencies: statements built from tricky pieces
    /// and joined with random separators split back into exactly those statements.
    #[test]
    fn generated_scripts_split_back_into_their_statements() {
        const PIECES: &[&str] = &[
            "SELECT 1",
            "SELECT ';' AS \"semi;colon\"",
            "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1; $$",
            "CREATE FUNCTION g() RETURNS int LANGUAGE plpgsql AS $b$ BEGIN RETURN 1; END $b$",
            "INSERT INTO t VALUES ('it''s; fine', E'back\\'slash;')",
            "CREATE TABLE \"wéird;name\" (x text DEFAULT '--not a comment')",
            "SELECT 1 /* inner; comment */ + 2",
            "DO $$ BEGIN PERFORM 1; END $$",
            "COMMENT ON TABLE t IS '✓; /* */ $$'",
        ];
        const SEPARATORS: &[&str] = &[
            ";",
            ";\n",
            " ;\n\n",
            ";-- tail; comment\n",
            ";\n/* block; */ ",
            ";;\n",
        ];
        let mut seed: u64 = 0x5eed;
        let mut next = |n: usize| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as usize % n
        };
        for _ in 0..200 {
            let count = 1 + next(8);
            let chosen: Vec<&str> = (0..count).map(|_| PIECES[next(PIECES.len())]).collect();
            let mut sql = String::new();
            for piece in &chosen {
                sql.push_str(piece);
                sql.push_str(SEPARATORS[next(SEPARATORS.len())]);
            }
            let s = pg(&sql);
            let texts: Vec<&str> = s.statements.iter().map(|st| st.text.as_str()).collect();
            assert_eq!(texts, chosen, "{sql}");
            for st in &s.statements {
                assert_eq!(&sql[st.span.clone()], st.text);
                assert!(st.parsed.is_some(), "{}: {:?}", st.text, st.parse_error);
            }
        }
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
    fn unterminated_strings_become_an_opaque_last_statement() {
        let s = pg("SELECT 1;\n  SELECT 'open; SELECT 2;");
        assert_eq!(s.statements.len(), 2);
        assert_eq!((s.statements[1].line, s.statements[1].column), (2, 3));
        let err = s.statements[1].parse_error.as_ref().unwrap();
        assert_eq!(err.line, 2, "{err}");
    }

    #[test]
    fn lexical_corners() {
        let s = pg("SELECT E'it\\'s;', $1, a$b FROM t /* a /* nested; */ still; */;\nSELECT $fn$ ; $x$ ; $fn$");
        assert_eq!(s.statements.len(), 2, "{:?}", s.statements);
        assert_eq!(s.statements[1].text, "SELECT $fn$ ; $x$ ; $fn$");
        let lite = split("SELECT [a;b], `c;d` FROM t; SELECT 2", DialectKind::Sqlite);
        assert_eq!(lite.statements.len(), 2);
        assert!(
            lite.statements[0].parsed.is_some(),
            "{:?}",
            lite.statements[0]
        );
    }
}
