//! Diagnostics: every error and finding schemactl reports, with where it comes from.
//!
//! A [`Diagnostic`] is plain data (serializable for `--format json`); [`render`] turns it into a
//! rustc-style miette report that quotes the DSL or SQL line it points at. [`codes`] lists
//! every code that is not a guard rule, with what it means and what to do about it.

pub mod codes;

use crate::model::Origin;
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};
use serde::Serialize;
use std::fmt;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Warning,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// A stable code: `SGnnn` for guard rules, `area::name` (e.g. `schema::duplicate`) for
    /// everything else, each listed in [`codes`].
    pub code: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Origin>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(code: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code: code.into(),
            message: message.into(),
            location: None,
            help: None,
        }
    }

    pub fn at(mut self, origin: &Origin) -> Self {
        if origin.is_known() {
            self.location = Some(origin.clone());
        }
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.location {
            Some(loc) => write!(f, "{loc}: [{}] {}", self.code, self.message),
            None => write!(f, "[{}] {}", self.code, self.message),
        }
    }
}

/// Several diagnostics reported together (a model is checked whole, never first-error-only).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }

    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|d| d.severity == Severity::Error)
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.0 {
            writeln!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics(vec![d])
    }
}

/// How reports look: colours for a terminal, plain Unicode for snapshots and pipes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Color,
    Plain,
}

/// Renders one diagnostic as a rustc-style report quoting its source line when the file is
/// readable (relative paths are resolved against `base` and its ancestors).
pub fn render(d: &Diagnostic, base: &Path, style: Style) -> String {
    let d = &printable(d);
    let theme = match style {
        Style::Color => GraphicalTheme::unicode(),
        Style::Plain => GraphicalTheme::unicode_nocolor(),
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(100);
    let report = Report::new(d, base);
    let mut out = String::new();
    if handler.render_report(&mut out, &report).is_err() {
        return format!("{d}\n");
    }
    out
}

/// The longest message or help, in characters, a report prints; longer ones (a megabyte
/// config key echoed by the YAML parser) are cut with a note of how much was left out.
pub const MAX_MESSAGE_CHARS: usize = 2000;

/// The longest source line, in characters, a report quotes.
pub const MAX_QUOTED_LINE_CHARS: usize = 240;

/// Cuts `text` to about `max` characters, keeping its start and its end (where a message
/// says what is wrong) and saying how much of the middle was left out.
pub fn truncate(text: &str, max: usize) -> String {
    let count = text.chars().count();
    if count <= max {
        return text.to_string();
    }
    let half = max / 2;
    let head_end = text.char_indices().nth(half).map_or(text.len(), |(i, _)| i);
    let tail_start = text
        .char_indices()
        .nth(count - half)
        .map_or(text.len(), |(i, _)| i);
    format!(
        "{}… ({} bytes not shown) …{}",
        &text[..head_end],
        tail_start - head_end,
        &text[tail_start..]
    )
}

/// What a report may print of `d`: secrets masked (see [`crate::secret`]), long texts cut.
pub fn printable(d: &Diagnostic) -> Diagnostic {
    let clean = |s: &str| truncate(&crate::secret::mask(s), MAX_MESSAGE_CHARS);
    let mut d = d.clone();
    d.message = clean(&d.message);
    d.help = d.help.as_deref().map(clean);
    if let Some(loc) = &mut d.location {
        loc.file = clean(&loc.file).into();
    }
    d
}

/// Renders many diagnostics followed by a one-line summary.
pub fn render_all(ds: &Diagnostics, base: &Path, style: Style) -> String {
    let mut out = String::new();
    for d in ds.iter() {
        out.push_str(&render(d, base, style));
        out.push('\n');
    }
    let errors = ds.iter().filter(|d| d.severity == Severity::Error).count();
    let warnings = ds.len() - errors;
    out.push_str(&format!(
        "{errors} error{}, {warnings} warning{}\n",
        plural(errors),
        plural(warnings)
    ));
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// Finds a diagnostic's file: as given, else relative to `base` or one of its ancestors
/// (DSL origins are workspace-relative paths recorded by the compiler).
pub fn resolve_file(file: &str, base: &Path) -> Option<PathBuf> {
    let p = Path::new(file);
    if p.is_absolute() {
        return p.is_file().then(|| p.to_path_buf());
    }
    base.ancestors()
        .map(|dir| dir.join(p))
        .find(|candidate| candidate.is_file())
}

struct Report<'a> {
    diagnostic: &'a Diagnostic,
    source: Option<(NamedSource<String>, SourceSpan)>,
}

impl<'a> Report<'a> {
    fn new(diagnostic: &'a Diagnostic, base: &Path) -> Self {
        let source = diagnostic.location.as_ref().and_then(|loc| {
            let path = resolve_file(&loc.file, base)?;
            let text = quotable(&read_source(&path)?, loc.line);
            let span = line_span(&text, loc.line, loc.column)?;
            Some((
                NamedSource::new(&loc.file, text).with_language("rust"),
                span,
            ))
        });
        Report { diagnostic, source }
    }
}

/// A source file to quote from, if it is a regular file of a readable size and UTF-8.
fn read_source(path: &Path) -> Option<String> {
    /// Quoting is a courtesy: larger files are named, not read again.
    const MAX_SOURCE_BYTES: u64 = 256 * 1024 * 1024;
    let bytes = crate::files::read_regular_file(path, MAX_SOURCE_BYTES).ok()?;
    String::from_utf8(bytes).ok()
}

/// `text` with the lines a report shows around `line` (the line and one either side) masked
/// for secrets and cut to [`MAX_QUOTED_LINE_CHARS`]; the other lines as they are, so line
/// numbers stay right.
fn quotable(text: &str, line: u32) -> String {
    let line = line as usize;
    let mut out = String::with_capacity(text.len());
    for (i, l) in text.split_inclusive('\n').enumerate() {
        let n = i + 1;
        if n + 1 >= line && n <= line + 1 {
            let body = l.trim_end_matches(['\n', '\r']);
            let cut = match body.char_indices().nth(MAX_QUOTED_LINE_CHARS) {
                Some((at, _)) => format!("{}…", &body[..at]),
                None => body.to_string(),
            };
            out.push_str(&crate::secret::mask(&cut));
            out.push_str(&l[body.len()..]);
        } else {
            out.push_str(l);
        }
    }
    out
}

/// The span from `column` to the end of `line` (both 1-based).
fn line_span(text: &str, line: u32, column: u32) -> Option<SourceSpan> {
    let mut offset = 0usize;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line as usize {
            let content = l.trim_end_matches(['\n', '\r']);
            let start = (column.max(1) as usize - 1).min(content.len());
            let len = content.len().saturating_sub(start).max(1);
            return Some(SourceSpan::new((offset + start).into(), len));
        }
        offset += l.len();
    }
    None
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.diagnostic, f)
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)?;
        if self.source.is_none() {
            if let Some(loc) = &self.diagnostic.location {
                write!(f, "\n  at {loc}")?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(&self.diagnostic.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.diagnostic
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source
            .as_ref()
            .map(|(s, _)| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let (_, span) = self.source.as_ref()?;
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            Some("here".to_string()),
            *span,
        ))))
    }
}
