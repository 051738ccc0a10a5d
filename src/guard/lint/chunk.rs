//! Cuts a big migration file into pieces of whole statements before handing each to the shared
//! splitter, so memory stays bounded by the piece size (the splitter keeps every token and AST
//! of its input at once: about 130 bytes per input byte) instead of growing with the file.
//!
//! This is not a second splitter: it only finds *safe cut points*, newlines that follow a
//! top-level `;`, by tracking PostgreSQL's lexical states (strings, `E''` escapes, quoted
//! identifiers, `--` and nested `/* */` comments, `$tag$` bodies). Statements still come from
//! [`crate::sql::split`]. It also notes `-- schemactl:no-transaction`, which applies to the
//! whole file wherever it is written, so the first piece already knows it.

/// Where the pieces end (the last one at `sql.len()`), and the file-level directive.
#[derive(Debug, PartialEq, Eq)]
pub struct Plan {
    pub ends: Vec<usize>,
    pub no_transaction: bool,
}

fn ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

/// Plans pieces of at least `target` bytes (except the last), each ending right after a
/// newline that follows a top-level `;` (so lines and columns of the next piece stay simple).
pub fn plan(sql: &str, target: usize) -> Plan {
    let b = sql.as_bytes();
    let n = b.len();
    let mut ends = Vec::new();
    let mut no_transaction = false;
    let mut last = 0usize;
    let mut after_semi = false;
    let mut i = 0usize;
    while i < n {
        match b[i] {
            b'\'' => {
                let escapes = i > 0
                    && (b[i - 1] == b'e' || b[i - 1] == b'E')
                    && (i < 2 || !ident_byte(b[i - 2]));
                i += 1;
                while i < n {
                    if escapes && b[i] == b'\\' {
                        i += 2;
                    } else if b[i] == b'\'' {
                        i += 1;
                        if i < n && b[i] == b'\'' {
                            i += 1;
                        } else {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
                after_semi = false;
            }
            b'"' => {
                // `""` inside closes and reopens: the same bytes are consumed either way.
                i += 1;
                while i < n && b[i] != b'"' {
                    i += 1;
                }
                i += 1;
                after_semi = false;
            }
            b'-' if i + 1 < n && b[i + 1] == b'-' => {
                let start = i + 2;
                while i < n && b[i] != b'\n' {
                    i += 1;
                }
                // Same rule as the splitter's directive reader: the whole comment, trimmed.
                if let Some(rest) = sql[start..i].trim().strip_prefix("schemactl:") {
                    if rest.trim_end() == "no-transaction" {
                        no_transaction = true;
                    }
                }
            }
            b'/' if i + 1 < n && b[i + 1] == b'*' => {
                let mut depth = 0usize;
                while i < n {
                    if i + 1 < n && b[i] == b'/' && b[i + 1] == b'*' {
                        depth += 1;
                        i += 2;
                    } else if i + 1 < n && b[i] == b'*' && b[i + 1] == b'/' {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
            }
            b'$' if i == 0 || !ident_byte(b[i - 1]) => {
                let mut j = i + 1;
                while j < n
                    && (b[j].is_ascii_alphabetic()
                        || b[j] == b'_'
                        || b[j] >= 0x80
                        || (j > i + 1 && b[j].is_ascii_digit()))
                {
                    j += 1;
                }
                if j < n && b[j] == b'$' {
                    let tag = &sql[i..=j];
                    i = match sql[j + 1..].find(tag) {
                        Some(k) => j + 1 + k + tag.len(),
                        None => n,
                    };
                } else {
                    i += 1;
                }
                after_semi = false;
            }
            b';' => {
                after_semi = true;
                i += 1;
            }
            b'\n' => {
                i += 1;
                if after_semi && i - last >= target && i < n {
                    ends.push(i);
                    last = i;
                }
            }
            c if c.is_ascii_whitespace() => i += 1,
            _ => {
                after_semi = false;
                i += 1;
            }
        }
    }
    ends.push(n);
    Plan {
        ends,
        no_transaction,
    }
}

/// Adds `offset` to the line numbers inside parser messages (`Line: 3`, `at line 3`), which
/// count from the start of the piece.
pub fn shift_lines(msg: &str, offset: u32) -> String {
    if offset == 0 {
        return msg.to_string();
    }
    let mut out = String::with_capacity(msg.len() + 4);
    let mut rest = msg;
    loop {
        let hit = ["Line: ", "at line "]
            .iter()
            .filter_map(|p| rest.find(p).map(|k| (k, p.len())))
            .min();
        let Some((k, plen)) = hit else {
            out.push_str(rest);
            return out;
        };
        let head = k + plen;
        out.push_str(&rest[..head]);
        let digits = rest[head..].bytes().take_while(u8::is_ascii_digit).count();
        match rest[head..head + digits].parse::<u64>() {
            Ok(v) => out.push_str(&(v + u64::from(offset)).to_string()),
            Err(_) => out.push_str(&rest[head..head + digits]),
        }
        rest = &rest[head + digits..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cuts(sql: &str) -> Vec<usize> {
        plan(sql, 1).ends
    }

    #[test]
    fn cuts_only_after_top_level_semicolons() {
        let sql = "SELECT ';\n';\nSELECT \";\n\";\n-- ;\nSELECT 1 /* ;\n */;\nSELECT $f$ ;\n $f$;\nSELECT E'\\';\n';\nSELECT 2";
        let ends = cuts(sql);
        let pieces: Vec<&str> = {
            let mut s = 0;
            ends.iter()
                .map(|&e| {
                    let p = &sql[s..e];
                    s = e;
                    p
                })
                .collect()
        };
        assert_eq!(
            pieces,
            vec![
                "SELECT ';\n';\n",
                "SELECT \";\n\";\n",
                "-- ;\n",
                "SELECT 1 /* ;\n */;\n",
                "SELECT $f$ ;\n $f$;\n",
                "SELECT E'\\';\n';\n",
                "SELECT 2"
            ]
        );
    }

    #[test]
    fn respects_the_target_size_and_finds_the_directive_anywhere() {
        let sql = "SELECT 1;\nSELECT 2;\nSELECT 3;\n-- schemactl:no-transaction\n";
        let p = plan(sql, 15);
        assert_eq!(p.ends, vec![20, sql.len()]);
        assert!(p.no_transaction);
        assert!(!plan("-- schemactl:no-transaction please\n", 1).no_transaction);
        assert_eq!(plan("", 1).ends, vec![0]);
        assert_eq!(plan("'open;\n", 1).ends, vec![7]);
    }

    #[test]
    fn shifts_parser_line_numbers() {
        assert_eq!(
            shift_lines("found: DO at Line: 3, Column: 1", 10),
            "found: DO at Line: 13, Column: 1"
        );
        assert_eq!(
            shift_lines("unexpected `x` at line 2, column 5 after", 1),
            "unexpected `x` at line 3, column 5 after"
        );
        assert_eq!(
            shift_lines("no numbers at line x", 4),
            "no numbers at line x"
        );
    }
}
