//! Output formats for guard findings. The JSON layout is our own struct (documented in
//! STYLE_GUIDE.md), not miette's, so it stays stable; GitHub annotations and SARIF 2.1.0 are
//! built from the same data.

use super::{registry, rule};
use crate::diag::{self, Diagnostic, Diagnostics, Severity, Style};
use serde::Serialize;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// rustc-style reports quoting the declaring line, then a summary
    Human,
    /// A stable JSON document (see STYLE_GUIDE.md)
    Json,
    /// GitHub Actions workflow annotations (`::error file=..,line=..::msg`)
    Github,
    /// SARIF 2.1.0, for code-scanning uploads
    Sarif,
}

/// The JSON report's version; bump on any incompatible change.
pub const JSON_VERSION: u32 = 1;

#[derive(Debug, Serialize)]
pub struct JsonReport<'a> {
    pub version: u32,
    pub tool: &'static str,
    pub summary: Summary,
    pub findings: Vec<JsonFinding<'a>>,
}

#[derive(Debug, Serialize, PartialEq, Eq, Clone, Copy)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
}

#[derive(Debug, Serialize)]
pub struct JsonFinding<'a> {
    pub code: &'a str,
    /// The rule's kebab-case name; null for non-guard diagnostics (e.g. schema build errors).
    pub rule: Option<&'static str>,
    pub severity: &'static str,
    pub message: &'a str,
    pub file: Option<&'a str>,
    pub line: Option<u32>,
    pub column: Option<u32>,
    pub help: Option<&'a str>,
}

pub fn summary(ds: &[Diagnostic]) -> Summary {
    let errors = ds.iter().filter(|d| d.severity == Severity::Error).count();
    Summary {
        errors,
        warnings: ds.len() - errors,
    }
}

fn severity_str(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

pub fn json(ds: &[Diagnostic]) -> String {
    let report = JsonReport {
        version: JSON_VERSION,
        tool: "schemactl",
        summary: summary(ds),
        findings: ds
            .iter()
            .map(|d| JsonFinding {
                code: &d.code,
                rule: rule(&d.code).map(|r| r.info.name),
                severity: severity_str(d.severity),
                message: &d.message,
                file: d.location.as_ref().map(|l| l.file.as_ref()),
                line: d.location.as_ref().map(|l| l.line),
                column: d.location.as_ref().map(|l| l.column),
                help: d.help.as_deref(),
            })
            .collect(),
    };
    let mut s = serde_json::to_string_pretty(&report).unwrap_or_else(|_| "{}".into());
    s.push('\n');
    s
}

/// Escapes an annotation's message (GitHub's workflow-command encoding).
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes an annotation property value (also `:` and `,`).
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn github(ds: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in ds {
        let kind = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut props = Vec::new();
        if let Some(l) = &d.location {
            props.push(format!("file={}", escape_property(&l.file)));
            props.push(format!("line={}", l.line.max(1)));
            props.push(format!("col={}", l.column.max(1)));
        }
        let title = match rule(&d.code) {
            Some(r) => format!("{} {}", d.code, r.info.name),
            None => d.code.clone(),
        };
        props.push(format!("title={}", escape_property(&title)));
        let mut msg = d.message.clone();
        if let Some(h) = &d.help {
            msg.push_str("\nhelp: ");
            msg.push_str(h);
        }
        out.push_str(&format!(
            "::{kind} {}::{}\n",
            props.join(","),
            escape_data(&msg)
        ));
    }
    let s = summary(ds);
    out.push_str(&summary_line(s));
    out
}

pub fn summary_line(s: Summary) -> String {
    format!(
        "guard: {} error{}, {} warning{}\n",
        s.errors,
        if s.errors == 1 { "" } else { "s" },
        s.warnings,
        if s.warnings == 1 { "" } else { "s" }
    )
}

/// A minimal valid SARIF 2.1.0 log: every registered rule, one result per finding.
pub fn sarif(ds: &[Diagnostic]) -> String {
    use serde_json::json;
    let rules: Vec<serde_json::Value> = registry()
        .iter()
        .map(|r| {
            json!({
                "id": r.info.code,
                "name": r.info.name,
                "shortDescription": { "text": r.info.summary },
                "fullDescription": { "text": r.info.flags },
                "help": { "text": format!("{}\n\nFix: {}", r.info.why, r.info.fix) },
                "defaultConfiguration": { "level": sarif_level(r.info.default_level.severity()) },
            })
        })
        .collect();
    let results: Vec<serde_json::Value> = ds
        .iter()
        .map(|d| {
            let mut message = d.message.clone();
            if let Some(h) = &d.help {
                message.push_str(&format!(" (help: {h})"));
            }
            let mut result = json!({
                "ruleId": d.code,
                "level": sarif_level(Some(d.severity)),
                "message": { "text": message },
            });
            if let Some(i) = registry().iter().position(|r| r.info.code == d.code) {
                result["ruleIndex"] = json!(i);
            }
            if let Some(l) = &d.location {
                result["locations"] = json!([{
                    "physicalLocation": {
                        "artifactLocation": { "uri": l.file.replace('\\', "/") },
                        "region": { "startLine": l.line.max(1), "startColumn": l.column.max(1) }
                    }
                }]);
            }
            result
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "schemactl",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/schemactl/schemactl",
                "rules": rules,
            }},
            "results": results,
        }]
    });
    let mut s = serde_json::to_string_pretty(&log).unwrap_or_else(|_| "{}".into());
    s.push('\n');
    s
}

fn sarif_level(s: Option<Severity>) -> &'static str {
    match s {
        Some(Severity::Error) => "error",
        Some(Severity::Warning) => "warning",
        None => "none",
    }
}

/// Makes file paths relative to `base` (and drops a leading `./`), so GitHub annotations and
/// SARIF URIs match repository paths.
pub fn relativize(ds: &mut [Diagnostic], base: &Path) {
    for d in ds {
        if let Some(l) = &mut d.location {
            let p = Path::new(l.file.as_ref());
            let rel = match p.strip_prefix(base) {
                Ok(r) if p.is_absolute() => r.display().to_string(),
                _ => l.file.to_string(),
            };
            let rel = rel.strip_prefix("./").unwrap_or(&rel).to_string();
            l.file = rel.into();
        }
    }
}

/// Renders `ds` in `format`. Human output is miette reports plus the summary line.
pub fn render(ds: &[Diagnostic], format: Format, base: &Path, style: Style) -> String {
    match format {
        // The shared renderer: one report per finding, then `N errors, M warnings`.
        Format::Human => diag::render_all(&Diagnostics(ds.to_vec()), base, style),
        // Machine formats print the same texts, masked and cut the same way.
        _ => {
            let ds: Vec<Diagnostic> = ds.iter().map(diag::printable).collect();
            match format {
                Format::Json => json(&ds),
                Format::Github => github(&ds),
                _ => sarif(&ds),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Origin;

    fn sample() -> Vec<Diagnostic> {
        vec![
            Diagnostic {
                severity: Severity::Error,
                code: "SG101".into(),
                message: "business table `invoices` has no `biz_id`, 100%".into(),
                location: Some(Origin {
                    file: "schema/src/billing.rs".into(),
                    line: 12,
                    column: 5,
                }),
                help: Some("add `.tenant_scoped()`".into()),
            },
            Diagnostic {
                severity: Severity::Warning,
                code: "SG301".into(),
                message: "schemactl.sum is missing".into(),
                location: None,
                help: None,
            },
        ]
    }

    #[test]
    fn json_is_stable() {
        insta::assert_snapshot!(json(&sample()));
    }

    #[test]
    fn github_annotations_escape_and_locate() {
        insta::assert_snapshot!(github(&sample()));
    }

    #[test]
    fn sarif_is_2_1_0_with_rules_and_results() {
        let v: serde_json::Value = serde_json::from_str(&sarif(&sample())).unwrap();
        assert_eq!(v["version"], "2.1.0");
        let run = &v["runs"][0];
        assert_eq!(
            run["tool"]["driver"]["rules"].as_array().unwrap().len(),
            registry().len()
        );
        let r0 = &run["results"][0];
        assert_eq!(r0["ruleId"], "SG101");
        assert_eq!(r0["level"], "error");
        assert_eq!(
            r0["locations"][0]["physicalLocation"]["region"]["startLine"],
            12
        );
        let idx = r0["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(run["tool"]["driver"]["rules"][idx]["id"], "SG101");
        assert!(run["results"][1].get("locations").is_none());
    }

    #[test]
    fn human_reports_quote_the_declaring_line() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("billing.rs");
        std::fs::write(
            &file,
            "fn declare(s: &mut SchemaBuilder) {\n    s.table(INVOICES)\n        .id_tagged(\"inv\");\n}\n",
        )
        .unwrap();
        let mut ds = sample();
        ds[0].location = Some(Origin {
            file: "billing.rs".into(),
            line: 2,
            column: 5,
        });
        let text = render(&ds, Format::Human, tmp.path(), Style::Plain);
        insta::assert_snapshot!(text);
    }

    #[test]
    fn paths_become_repository_relative() {
        let mut ds = sample();
        ds[0].location.as_mut().unwrap().file = "/repo/schema/migrations/0001_a.sql".into();
        ds[1].location = Some(Origin {
            file: "./schema/migrations/schemactl.sum".into(),
            line: 1,
            column: 1,
        });
        relativize(&mut ds, Path::new("/repo"));
        assert_eq!(
            ds[0].location.as_ref().unwrap().file,
            "schema/migrations/0001_a.sql"
        );
        assert_eq!(
            ds[1].location.as_ref().unwrap().file,
            "schema/migrations/schemactl.sum"
        );
    }

    #[test]
    fn summary_counts_levels() {
        assert_eq!(
            summary_line(summary(&sample())),
            "guard: 1 error, 1 warning\n"
        );
    }
}
