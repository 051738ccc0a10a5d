//! Reading PostgreSQL with PostgreSQL's own grammar (libpg_query, through the `pg_query`
//! crate), into [`crate::sql::ast`] statements.
//!
//! The splitter (`sql::split`) finds statement pieces with a byte scanner; this module parses
//! them in chunks of about [`CHUNK_BYTES`] (one libpg_query call per chunk, because each call
//! costs tens of microseconds of set-up), on up to two threads. A chunk the grammar rejects is
//! parsed again piece by piece, so one bad statement is reported at its own line and the
//! others are still read.
//!
//! Parse trees are decoded and converted on threads with a large stack: libpg_query accepts
//! expressions a few thousand levels deep, and decoding them recurses once per level.

pub mod convert;
pub mod definition;
pub mod expr;
pub mod ffi;
pub mod ident;
pub mod plpgsql;

use crate::sql::ast::{RowsKind, Stmt};
use ffi::{Mode, SyntaxError};
use std::ops::Range;

/// Text per libpg_query call: large enough to amortize its set-up, small enough to bound the
/// parse tree held at once.
pub const CHUNK_BYTES: usize = 64 * 1024;

/// Stack for threads that decode and walk parse trees (reserved, not committed).
const STACK_BYTES: usize = 256 * 1024 * 1024;

/// What became of one statement.
#[derive(Debug)]
pub enum Outcome {
    Parsed(Box<Stmt>),
    /// PostgreSQL rejects it; the offset is in the file.
    Rejected(SyntaxError),
    /// Not parsed on purpose (the caller skipped it).
    Skipped,
}

/// What to do with a piece.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Treatment {
    /// Parse it into a statement.
    Parse,
    /// Only check PostgreSQL accepts it: rows written, whose tree no reader needs.
    Check(RowsKind),
    /// Leave it alone.
    Skip,
}

/// Parses the statement `pieces` of `sql` (byte ranges from the scanner, in order), each as
/// `treat` says. Returns the statements as PostgreSQL's grammar delimits them: usually one
/// per piece, fewer when the scanner cut inside a body the grammar reads as one statement.
pub fn parse_pieces(
    sql: &str,
    pieces: &[Range<usize>],
    treat: &(dyn Fn(&str) -> Treatment + Sync),
) -> Vec<(Range<usize>, Outcome)> {
    let treatments: Vec<Treatment> = pieces.iter().map(|p| treat(&sql[p.clone()])).collect();
    let skipped: Vec<bool> = treatments.iter().map(|t| *t == Treatment::Skip).collect();
    let chunks: Vec<Chunk> = plan_chunks(pieces)
        .into_iter()
        .map(|c| Chunk::new(sql, pieces, &treatments, c))
        .collect();
    let parsed = pool::run_all(chunks.into_iter().map(|c| move || c.parse()).collect());
    // Back to file positions, with the skipped pieces in their places.
    let mut out = Vec::with_capacity(pieces.len());
    let mut next = 0usize;
    for statements in parsed {
        for s in statements {
            while next < s.first {
                if skipped[next] {
                    out.push((pieces[next].clone(), Outcome::Skipped));
                }
                next += 1;
            }
            let range = pieces[s.first].start..pieces[s.last].end;
            let outcome = match s.outcome {
                Outcome::Rejected(mut e) => {
                    e.offset = e.offset.map(|o| pieces[s.offset_piece].start + o);
                    Outcome::Rejected(e)
                }
                other => other,
            };
            out.push((range, outcome));
            next = s.last + 1;
        }
    }
    while next < pieces.len() {
        if skipped[next] {
            out.push((pieces[next].clone(), Outcome::Skipped));
        }
        next += 1;
    }
    out
}

/// Runs `f` on a thread with a large stack (inline when this is one already).
pub fn on_big_stack<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    if pool::on_parser_thread() {
        return f();
    }
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .stack_size(STACK_BYTES)
            .spawn_scoped(scope, f)
            .expect("a parser thread starts")
            .join()
            .expect("a parser thread finishes")
    })
}

/// Groups consecutive pieces into chunks of about [`CHUNK_BYTES`] (as index ranges).
fn plan_chunks(pieces: &[Range<usize>]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut size = 0;
    for (i, p) in pieces.iter().enumerate() {
        size += p.len() + 2;
        if size >= CHUNK_BYTES {
            out.push(start..i + 1);
            start = i + 1;
            size = 0;
        }
    }
    if start < pieces.len() {
        out.push(start..pieces.len());
    }
    out
}

/// The pieces of one parser call, copied out of the file so a worker thread owns them: the
/// pieces to parse joined by `;\n`, and those only to check, joined apart.
struct Chunk {
    text: String,
    /// For each piece to parse: its index among all pieces, and where its text starts and
    /// ends in `text`.
    parts: Vec<(usize, Range<usize>)>,
    checked_text: String,
    /// For each piece only to check: its index, where it is in `checked_text`, its kind.
    checked: Vec<(usize, Range<usize>, RowsKind)>,
}

/// One statement of a chunk: the first and last piece it covers, and (for a rejected one)
/// the piece its error offset counts from.
struct ChunkStatement {
    first: usize,
    last: usize,
    offset_piece: usize,
    outcome: Outcome,
}

impl Chunk {
    fn new(sql: &str, pieces: &[Range<usize>], treat: &[Treatment], which: Range<usize>) -> Chunk {
        let mut chunk = Chunk {
            text: String::new(),
            parts: Vec::new(),
            checked_text: String::new(),
            checked: Vec::new(),
        };
        for i in which {
            let piece = &sql[pieces[i].clone()];
            match treat[i] {
                Treatment::Skip => {}
                Treatment::Parse => {
                    let start = chunk.text.len();
                    chunk.text.push_str(piece);
                    chunk.parts.push((i, start..chunk.text.len()));
                    chunk.text.push_str(";\n");
                }
                Treatment::Check(kind) => {
                    let start = chunk.checked_text.len();
                    chunk.checked_text.push_str(piece);
                    chunk
                        .checked
                        .push((i, start..chunk.checked_text.len(), kind));
                    chunk.checked_text.push_str(";\n");
                }
            }
        }
        chunk
    }

    /// Parses the chunk whole; if PostgreSQL rejects it, piece by piece. The pieces only to
    /// check are checked the same way, and all come back in file order.
    fn parse(self) -> Vec<ChunkStatement> {
        let mut out = self.parse_parts();
        out.extend(self.check_parts());
        out.sort_by_key(|s| s.first);
        out
    }

    fn parse_parts(&self) -> Vec<ChunkStatement> {
        if self.parts.is_empty() {
            return Vec::new();
        }
        if let Some(statements) = ffi::parse(&self.text, Mode::Statements)
            .ok()
            .and_then(|tree| self.map_statements(&tree))
        {
            return statements;
        }
        self.parts
            .iter()
            .map(|(i, r)| ChunkStatement {
                first: *i,
                last: *i,
                offset_piece: *i,
                outcome: parse_one(&self.text[r.clone()]),
            })
            .collect()
    }

    fn check_parts(&self) -> Vec<ChunkStatement> {
        if self.checked.is_empty() {
            return Vec::new();
        }
        let whole = ffi::check(&self.checked_text).ok() == Some(self.checked.len());
        self.checked
            .iter()
            .map(|(i, r, kind)| {
                let accepted = if whole {
                    Ok(())
                } else {
                    let text = &self.checked_text[r.clone()];
                    match ffi::check(text) {
                        Ok(1) => Ok(()),
                        Ok(_) => Err(SyntaxError {
                            message: "this text holds more than one statement".into(),
                            offset: Some(0),
                        }),
                        Err(e) => Err(SyntaxError {
                            offset: e.offset.map(|o| o.min(text.len())),
                            ..e
                        }),
                    }
                };
                ChunkStatement {
                    first: *i,
                    last: *i,
                    offset_piece: *i,
                    outcome: match accepted {
                        Ok(()) => Outcome::Parsed(Box::new(Stmt::Rows {
                            kind: *kind,
                            table: None,
                        })),
                        Err(e) => Outcome::Rejected(e),
                    },
                }
            })
            .collect()
    }

    /// Matches the parsed statements to the pieces. `None` when a statement does not start
    /// where a piece does.
    fn map_statements(
        &self,
        tree: &pg_query::protobuf::ParseResult,
    ) -> Option<Vec<ChunkStatement>> {
        let mut out = Vec::with_capacity(tree.stmts.len());
        let mut next = 0usize;
        for raw in &tree.stmts {
            let loc = usize::try_from(raw.stmt_location).ok()?;
            let len = usize::try_from(raw.stmt_len).ok()?;
            let end = if len == 0 { self.text.len() } else { loc + len };
            let first = self.parts[next..]
                .iter()
                .position(|(_, r)| r.start == loc)?
                + next;
            let mut last = first;
            while last + 1 < self.parts.len() && self.parts[last + 1].1.start < end {
                last += 1;
            }
            next = last + 1;
            let node = raw.stmt.as_deref()?;
            let text = &self.text[loc..end.min(self.text.len())];
            out.push(ChunkStatement {
                first: self.parts[first].0,
                last: self.parts[last].0,
                offset_piece: self.parts[first].0,
                outcome: Outcome::Parsed(Box::new(convert::statement(node, text, loc))),
            });
        }
        (next == self.parts.len()).then_some(out)
    }
}

/// Parses a single piece; a rejection's offset counts from the piece's start.
fn parse_one(text: &str) -> Outcome {
    match ffi::parse(text, Mode::Statements) {
        Ok(tree) => match tree.stmts.as_slice() {
            [raw] => match raw.stmt.as_deref() {
                Some(node) => Outcome::Parsed(Box::new(convert::statement(node, text, 0))),
                None => Outcome::Skipped,
            },
            // A piece holding several statements cannot come from the scanner; be safe.
            _ => Outcome::Rejected(SyntaxError {
                message: "this text holds more than one statement".into(),
                offset: Some(0),
            }),
        },
        Err(e) => Outcome::Rejected(SyntaxError {
            message: e.message,
            offset: e.offset.map(|o| o.min(text.len())),
        }),
    }
}

/// Parser threads that live as long as the process: each has a large stack, and keeping them
/// keeps their stacks and allocator arenas warm (a thread per call spent a tenth of its time
/// in page faults).
mod pool {
    use super::STACK_BYTES;
    use std::cell::Cell;
    use std::sync::mpsc;
    use std::sync::{Arc, Mutex, OnceLock};

    type Job = Box<dyn FnOnce() + Send + 'static>;

    thread_local! {
        static PARSER_THREAD: Cell<bool> = const { Cell::new(false) };
    }

    /// Whether this is one of the parser threads.
    pub fn on_parser_thread() -> bool {
        PARSER_THREAD.with(Cell::get)
    }

    fn sender() -> &'static Mutex<mpsc::Sender<Job>> {
        static POOL: OnceLock<Mutex<mpsc::Sender<Job>>> = OnceLock::new();
        POOL.get_or_init(|| {
            let (tx, rx) = mpsc::channel::<Job>();
            let rx = Arc::new(Mutex::new(rx));
            let workers = std::thread::available_parallelism()
                .map_or(2, usize::from)
                .clamp(1, 4);
            for i in 0..workers {
                let rx = Arc::clone(&rx);
                std::thread::Builder::new()
                    .name(format!("sql-parser-{i}"))
                    .stack_size(STACK_BYTES)
                    .spawn(move || {
                        PARSER_THREAD.with(|c| c.set(true));
                        loop {
                            let job = rx
                                .lock()
                                .map_err(|_| ())
                                .and_then(|r| r.recv().map_err(|_| ()));
                            match job {
                                Ok(job) => job(),
                                Err(()) => break,
                            }
                        }
                    })
                    .expect("a parser thread starts");
            }
            Mutex::new(tx)
        })
    }

    /// Runs every job on the parser threads and returns the results in order. A panic in a
    /// job is raised again here.
    pub fn run_all<T: Send + 'static, F: FnOnce() -> T + Send + 'static>(jobs: Vec<F>) -> Vec<T> {
        if on_parser_thread() {
            return jobs.into_iter().map(|j| j()).collect();
        }
        let count = jobs.len();
        let (tx, rx) = mpsc::channel();
        {
            let pool = sender().lock().expect("the parser pool's queue");
            for (i, job) in jobs.into_iter().enumerate() {
                let tx = tx.clone();
                pool.send(Box::new(move || {
                    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
                    let _ = tx.send((i, result));
                }))
                .expect("the parser threads run");
            }
        }
        drop(tx);
        let mut results: Vec<Option<T>> = (0..count).map(|_| None).collect();
        for (i, result) in rx.iter().take(count) {
            match result {
                Ok(v) => results[i] = Some(v),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        results
            .into_iter()
            .map(|r| r.expect("every job answered"))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces_of(sql: &str, cuts: &[&str]) -> Vec<Range<usize>> {
        cuts.iter()
            .map(|c| {
                let s = sql.find(c).unwrap();
                s..s + c.len()
            })
            .collect()
    }

    #[test]
    fn one_bad_statement_does_not_hide_the_others() {
        let sql = "CREATE TABLE a (x int);\nCREAT TABLE b (y int);\nDROP TABLE a;";
        let pieces = pieces_of(
            sql,
            &[
                "CREATE TABLE a (x int)",
                "CREAT TABLE b (y int)",
                "DROP TABLE a",
            ],
        );
        let got = parse_pieces(sql, &pieces, &|_| Treatment::Parse);
        assert_eq!(got.len(), 3);
        assert!(matches!(&got[0].1, Outcome::Parsed(s) if matches!(**s, Stmt::CreateTable(_))));
        match &got[1].1 {
            Outcome::Rejected(e) => {
                assert_eq!(e.message, "syntax error at or near \"CREAT\"");
                assert_eq!(e.offset, Some(sql.find("CREAT ").unwrap()));
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(&got[2].1, Outcome::Parsed(s) if matches!(**s, Stmt::Drop(_))));
    }

    #[test]
    fn pieces_cut_inside_a_body_are_merged() {
        let sql = "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END;\nSELECT 3";
        // A scanner that knew nothing of BEGIN ATOMIC would cut here:
        let pieces = pieces_of(
            sql,
            &[
                "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1",
                "SELECT 2",
                "END",
                "SELECT 3",
            ],
        );
        let got = parse_pieces(sql, &pieces, &|_| Treatment::Parse);
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(&sql[got[0].0.clone()], &sql[..sql.find(";\n").unwrap()]);
        assert!(matches!(&got[0].1, Outcome::Parsed(s) if matches!(**s, Stmt::CreateFunction(_))));
    }

    #[test]
    fn skipped_pieces_keep_their_place() {
        let sql = "CREATE TABLE a (x int); INSERT INTO a VALUES (1) garbage; DROP TABLE a";
        let pieces = pieces_of(
            sql,
            &[
                "CREATE TABLE a (x int)",
                "INSERT INTO a VALUES (1) garbage",
                "DROP TABLE a",
            ],
        );
        let got = parse_pieces(sql, &pieces, &|t| {
            if t.starts_with("INSERT") {
                Treatment::Skip
            } else {
                Treatment::Parse
            }
        });
        assert!(matches!(got[1].1, Outcome::Skipped));
        assert!(matches!(&got[2].1, Outcome::Parsed(s) if matches!(**s, Stmt::Drop(_))));
    }

    #[test]
    fn many_chunks_come_back_in_order() {
        let mut sql = String::new();
        for i in 0..3000 {
            sql.push_str(&format!(
                "CREATE TABLE t{i} (id bigint PRIMARY KEY, note text);\n"
            ));
        }
        let mut pieces = Vec::new();
        let mut at = 0;
        for line in sql.lines() {
            pieces.push(at..at + line.len() - 1);
            at += line.len() + 1;
        }
        let got = parse_pieces(&sql, &pieces, &|_| Treatment::Parse);
        assert_eq!(got.len(), 3000);
        for (i, (_, o)) in got.iter().enumerate() {
            match o {
                Outcome::Parsed(s) => match &**s {
                    Stmt::CreateTable(t) => assert_eq!(t.name.last(), format!("t{i}")),
                    other => panic!("{other:?}"),
                },
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn deep_expressions_are_refused_or_read_never_a_crash() {
        for depth in [100usize, 3000, 200_000] {
            let sql = format!("SELECT {}1", "1+".repeat(depth));
            let whole: Vec<Range<usize>> = std::iter::once(0..sql.len()).collect();
            let got = parse_pieces(&sql, &whole, &|_| Treatment::Parse);
            assert_eq!(got.len(), 1);
        }
    }
}
