//! `schemactl.sum`: one checksum per migration file plus a total over all of them, so an
//! edited, reordered, missing or extra file is caught before anything runs.
//!
//! ```text
//! total sha256:<hex of the lines below>
//! 0001_initial.sql sha256:<hex of the file>
//! ```

use crate::diag::Diagnostic;
use crate::model::Origin;
use std::path::Path;

pub const SUM_FILE: &str = "schemactl.sum";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SumFile {
    pub total: String,
    /// `(file name, checksum)` in version order.
    pub entries: Vec<(String, String)>,
}

/// Requires `sha256:` and 64 lowercase hex digits, as schemactl writes them.
fn check_hash(hash: &str, what: &str, line_index: usize) -> Result<(), (u32, String)> {
    let ok = hash.strip_prefix("sha256:").is_some_and(|h| {
        h.len() == 64 && h.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    });
    if ok {
        Ok(())
    } else {
        Err((
            line_index as u32 + 1,
            format!("{what} is not `sha256:` and 64 hex digits: the sum file is cut short or was edited by hand"),
        ))
    }
}

impl SumFile {
    pub fn of(entries: impl IntoIterator<Item = (String, String)>) -> Self {
        let entries: Vec<(String, String)> = entries.into_iter().collect();
        let body: String = entries.iter().map(|(f, h)| format!("{f} {h}\n")).collect();
        SumFile {
            total: super::checksum(body.as_bytes()),
            entries,
        }
    }

    pub fn render(&self) -> String {
        let mut s = format!("total {}\n", self.total);
        for (f, h) in &self.entries {
            s.push_str(&format!("{f} {h}\n"));
        }
        s
    }

    /// Parses the text; an error carries the 1-based line and a message.
    pub fn parse(text: &str) -> Result<Self, (u32, String)> {
        let mut lines = text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty());
        let total = match lines.next() {
            Some((i, l)) => {
                let total = l
                    .strip_prefix("total ")
                    .ok_or((
                        i as u32 + 1,
                        "the sum file must start with `total <checksum>`".to_string(),
                    ))?
                    .trim();
                check_hash(total, "the total", i)?;
                total.to_string()
            }
            None => return Err((1, "the sum file is empty".into())),
        };
        let mut entries = Vec::new();
        for (i, line) in lines {
            let (file, hash) = line.trim().rsplit_once(' ').ok_or((
                i as u32 + 1,
                format!(
                    "expected `<file> <checksum>`, found `{}`",
                    crate::diag::truncate(line, 80)
                ),
            ))?;
            let file = file.trim();
            check_hash(hash, &format!("the checksum of `{file}`"), i)?;
            entries.push((file.to_string(), hash.to_string()));
        }
        Ok(SumFile { total, entries })
    }

    /// Differences between this (recorded) sum and the folder's `actual` one.
    pub fn compare(&self, actual: &SumFile, dir: &Path) -> Vec<Diagnostic> {
        let at = |file: &str| Origin {
            file: dir.join(file).display().to_string().into(),
            line: 1,
            column: 1,
        };
        let rehash = "if the change is intended and not yet applied anywhere, run `schemactl migrations rehash`";
        let mut out = Vec::new();
        for (file, hash) in &self.entries {
            match actual.entries.iter().find(|(f, _)| f == file) {
                None => out.push(
                    Diagnostic::error("migrations::missing-file", format!("`{file}` is listed in {SUM_FILE} but missing from the folder"))
                        .help("restore it from version control; applied migrations must never disappear"),
                ),
                Some((_, h)) if h != hash => out.push(
                    Diagnostic::error("migrations::edited-file", format!("`{file}` was edited after it was generated (checksum differs from {SUM_FILE})"))
                        .at(&at(file))
                        .help(format!("put the file back and write a new migration for the change; {rehash}")),
                ),
                Some(_) => {}
            }
        }
        for (file, _) in &actual.entries {
            if !self.entries.iter().any(|(f, _)| f == file) {
                out.push(
                    Diagnostic::error(
                        "migrations::unlisted-file",
                        format!("`{file}` is not listed in {SUM_FILE}"),
                    )
                    .at(&at(file))
                    .help(format!(
                        "a file was added by hand or by another branch; {rehash}"
                    )),
                );
            }
        }
        if out.is_empty() {
            let recorded: Vec<&String> = self.entries.iter().map(|(f, _)| f).collect();
            let present: Vec<&String> = actual.entries.iter().map(|(f, _)| f).collect();
            if recorded != present {
                out.push(
                    Diagnostic::error(
                        "migrations::reordered",
                        format!("the migration files are in another order than {SUM_FILE} records"),
                    )
                    .help(format!("files were renumbered; {rehash}")),
                );
            } else if self.total != actual.total {
                out.push(
                    Diagnostic::error(
                        "migrations::bad-total",
                        format!("the total in {SUM_FILE} does not match its entries"),
                    )
                    .help(rehash),
                );
            }
        }
        out
    }
}
