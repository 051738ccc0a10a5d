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
pub mod plpgsql;

use crate::sql::ast::Stmt;
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

/// Parses the statement `pieces` of `sql` (byte ranges from the scanner, in order).
/// `skip(text)` leaves a piece unparsed. Returns the statements as PostgreSQL's grammar
/// delimits them: usually one per piece, fewer when the scanner cut inside a body the grammar
/// reads as one statement.
pub fn parse_pieces(
    sql: &str,
    pieces: &[Range<usize>],
    skip: &(dyn Fn(&str) -> bool + Sync),
) -> Vec<(Range<usize>, Outcome)> {
    let chunks = plan_chunks(sql, pieces);
    let parse_chunk = |c: &Range<usize>| parse_chunk(sql, &pieces[c.clone()], skip);
    if chunks.len() <= 1 {
        return chunks
            .first()
            .map(|c| on_big_stack(|| parse_chunk(c)))
            .unwrap_or_default();
    }
    // Two workers take alternate chunks; results are put back in order.
    let workers = 2usize;
    let mut results: Vec<Vec<(Range<usize>, Outcome)>> = Vec::new();
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|w| {
                let chunks = &chunks;
                let parse_chunk = &parse_chunk;
                std::thread::Builder::new()
                    .stack_size(STACK_BYTES)
                    .spawn_scoped(scope, move || {
                        chunks
                            .iter()
                            .enumerate()
                            .filter(|(i, _)| i % workers == w)
                            .map(|(_, c)| parse_chunk(c))
                            .collect::<Vec<_>>()
                    })
                    .expect("a parser thread starts")
            })
            .collect();
        let mut per_worker: Vec<_> = handles
            .into_iter()
            .map(|h| h.join().expect("a parser thread finishes").into_iter())
            .collect();
        for i in 0..chunks.len() {
            results.extend(per_worker[i % workers].next());
        }
    });
    results.into_iter().flatten().collect()
}

/// Runs `f` on a thread with a large stack.
pub fn on_big_stack<T: Send>(f: impl FnOnce() -> T + Send) -> T {
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
fn plan_chunks(sql: &str, pieces: &[Range<usize>]) -> Vec<Range<usize>> {
    let _ = sql;
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

/// Parses one chunk of pieces joined by `;\n`, falling back to one piece at a time when
/// the grammar rejects the chunk.
fn parse_chunk(
    sql: &str,
    pieces: &[Range<usize>],
    skip: &(dyn Fn(&str) -> bool + Sync),
) -> Vec<(Range<usize>, Outcome)> {
    let mut text = String::new();
    // (start in `text`, piece index) of every piece that is parsed.
    let mut starts: Vec<(usize, usize)> = Vec::new();
    let mut skipped = vec![false; pieces.len()];
    for (i, p) in pieces.iter().enumerate() {
        let piece = &sql[p.clone()];
        if skip(piece) {
            skipped[i] = true;
            continue;
        }
        starts.push((text.len(), i));
        text.push_str(piece);
        text.push_str(";\n");
    }
    let mut out: Vec<(Range<usize>, Outcome)> = Vec::with_capacity(pieces.len());
    let parsed = if starts.is_empty() {
        Ok(Default::default())
    } else {
        ffi::parse(&text, Mode::Statements)
    };
    let mapped = parsed
        .ok()
        .and_then(|tree| map_statements(sql, pieces, &text, &starts, &tree));
    match mapped {
        Some(stmts) => {
            // Merge the skipped pieces back in file order.
            let mut stmts = stmts.into_iter().peekable();
            for (i, p) in pieces.iter().enumerate() {
                if skipped[i] {
                    out.push((p.clone(), Outcome::Skipped));
                }
                while let Some((first, _, _)) = stmts.peek() {
                    if *first != i {
                        break;
                    }
                    let (_, range, stmt) = stmts.next().expect("peeked");
                    out.push((range, Outcome::Parsed(Box::new(stmt))));
                }
            }
        }
        None => {
            for (i, p) in pieces.iter().enumerate() {
                if skipped[i] {
                    out.push((p.clone(), Outcome::Skipped));
                    continue;
                }
                out.push((p.clone(), parse_one(sql, p.clone())));
            }
        }
    }
    out
}

/// Parses a single piece.
fn parse_one(sql: &str, piece: Range<usize>) -> Outcome {
    let text = &sql[piece.clone()];
    match ffi::parse(text, Mode::Statements) {
        Ok(tree) => match tree.stmts.as_slice() {
            [raw] => match raw.stmt.as_deref() {
                Some(node) => Outcome::Parsed(Box::new(convert::statement(node, text, 0))),
                None => Outcome::Skipped,
            },
            // A piece holding several statements cannot come from the scanner; be safe.
            _ => Outcome::Rejected(SyntaxError {
                message: "this text holds more than one statement".into(),
                offset: Some(piece.start),
            }),
        },
        Err(e) => Outcome::Rejected(SyntaxError {
            message: e.message,
            offset: e.offset.map(|o| piece.start + o.min(text.len())),
        }),
    }
}

/// Matches the parsed statements of a chunk to its pieces: `(first piece index, file range,
/// statement)`. `None` when a statement does not start where a piece does.
fn map_statements(
    sql: &str,
    pieces: &[Range<usize>],
    text: &str,
    starts: &[(usize, usize)],
    tree: &pg_query::protobuf::ParseResult,
) -> Option<Vec<(usize, Range<usize>, Stmt)>> {
    let mut out = Vec::with_capacity(tree.stmts.len());
    let mut next = 0usize;
    for raw in &tree.stmts {
        let loc = usize::try_from(raw.stmt_location).ok()?;
        let len = usize::try_from(raw.stmt_len).ok()?;
        let end = if len == 0 { text.len() } else { loc + len };
        let first = starts[next..].iter().position(|&(s, _)| s == loc)? + next;
        let mut last = first;
        while last + 1 < starts.len() && starts[last + 1].0 < end {
            last += 1;
        }
        next = last + 1;
        let (_, first_piece) = starts[first];
        let (_, last_piece) = starts[last];
        let range = pieces[first_piece].start..pieces[last_piece].end;
        let node = raw.stmt.as_deref()?;
        let stmt_text = &sql[range.clone()];
        // Locations inside the tree count from the chunk; the statement starts at `loc`.
        let stmt = if first == last {
            convert::statement(node, stmt_text, loc)
        } else {
            // Merged pieces: the tree's offsets include our `;\n` joins, so bodies are
            // located in the chunk text instead of the file text.
            convert::statement(node, &text[loc..end.min(text.len())], loc)
        };
        out.push((first_piece, range, stmt));
    }
    (next == starts.len()).then_some(out)
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
        let got = parse_pieces(sql, &pieces, &|_| false);
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
        let got = parse_pieces(sql, &pieces, &|_| false);
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
        let got = parse_pieces(sql, &pieces, &|t| t.starts_with("INSERT"));
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
        let got = parse_pieces(&sql, &pieces, &|_| false);
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
            let got = parse_pieces(&sql, &whole, &|_| false);
            assert_eq!(got.len(), 1);
        }
    }
}
