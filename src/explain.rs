//! `schemactl explain CODE`: what any diagnostic code means and what to do about it. Guard
//! rule codes (`SGnnn`) are explained from their rule metadata, as `guard --explain` does;
//! every other code from the registry in [`crate::diag::codes`].

use crate::diag::codes::{self, Code};
use crate::diag::Diagnostic;
use crate::guard;

/// The explanation of `code` (letter case ignored; a code copied with the `[...]` or backticks
/// a report puts around it is accepted too), or a diagnostic naming the unknown code with the
/// closest known ones.
pub fn explain(code: &str) -> Result<String, Diagnostic> {
    let wanted = code.trim().trim_matches(['[', ']', '`']).trim();
    if let Some(rule) = guard::rule(wanted) {
        return Ok(guard::docs::explain(rule));
    }
    if let Some(c) = codes::lookup(wanted) {
        return Ok(explain_code(c));
    }
    let mut d = Diagnostic::error(
        "explain::unknown-code",
        format!("no diagnostic code `{}`", crate::diag::truncate(code, 80)),
    );
    let close = suggestions(wanted);
    let list = "`schemactl explain --list` lists every code";
    d = match close.as_slice() {
        [] => d.help(list),
        [one] => d.help(format!("did you mean `{one}`? {list}")),
        many => d.help(format!(
            "did you mean one of {}? {list}",
            many.iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    };
    Err(d)
}

fn explain_code(c: &Code) -> String {
    format!("{}\n\n{}\n\nWhat to do:\n  {}\n", c.code, c.summary, c.fix)
}

/// Every code: the guard rules as `guard --list` prints them, then the other codes with
/// their summaries.
pub fn list() -> String {
    let mut s = String::from("Guard rules (`schemactl explain SGnnn` for the full text):\n");
    s.push_str(&guard::docs::list());
    s.push_str("\nOther codes (`schemactl explain CODE` for what to do):\n");
    let width = codes::ALL.iter().map(|c| c.code.len()).max().unwrap_or(0);
    for c in codes::ALL {
        s.push_str(&format!("{:<width$}  {}\n", c.code, c.summary));
    }
    s
}

/// Every known code.
fn all_codes() -> impl Iterator<Item = &'static str> {
    guard::registry()
        .iter()
        .map(|r| r.info.code)
        .chain(codes::ALL.iter().map(|c| c.code))
}

/// Known codes close to `wanted`: given without its area (`lock-timeout`), the codes of that
/// name or of the name nearest in spelling; else the code nearest in spelling.
fn suggestions(wanted: &str) -> Vec<&'static str> {
    let lower = wanted.to_ascii_lowercase();
    if lower.is_empty() {
        return Vec::new();
    }
    let name = |c: &'static str| c.split_once("::").map_or(c, |(_, n)| n);
    let lowered: Vec<(String, &'static str)> = if lower.contains("::") {
        all_codes().map(|c| (c.to_ascii_lowercase(), c)).collect()
    } else {
        all_codes()
            .map(|c| (name(c).to_ascii_lowercase(), c))
            .collect()
    };
    let Some(near) = lowered
        .iter()
        .find(|(l, _)| *l == lower)
        .map(|(l, _)| l.as_str())
        .or_else(|| crate::validate::closest(&lower, lowered.iter().map(|(l, _)| l.as_str())))
    else {
        return Vec::new();
    };
    lowered
        .iter()
        .filter(|(l, _)| l == near)
        .map(|(_, c)| *c)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guard_codes_read_as_guard_explain_prints_them() {
        let rule = guard::rule("SG101").unwrap();
        assert_eq!(explain("sg101").unwrap(), guard::docs::explain(rule));
    }

    #[test]
    fn registered_codes_have_their_summary_and_fix() {
        let text = explain("[APPLY::LOCK-TIMEOUT]").unwrap();
        let c = codes::lookup("apply::lock-timeout").unwrap();
        assert!(text.starts_with("apply::lock-timeout\n"), "{text}");
        assert!(text.contains(c.summary) && text.contains(c.fix), "{text}");
    }

    #[test]
    fn unknown_codes_name_the_code_and_the_closest_ones() {
        let d = explain("apply::lock-timout").unwrap_err();
        assert_eq!(d.code, "explain::unknown-code");
        assert!(d.message.contains("`apply::lock-timout`"), "{}", d.message);
        assert!(
            d.help.as_deref().unwrap().contains("`apply::lock-timeout`"),
            "{:?}",
            d.help
        );
        let by_name = explain("target-not-empty").unwrap_err();
        let help = by_name.help.unwrap();
        for c in ["import::target-not-empty", "init::target-not-empty"] {
            assert!(help.contains(c), "{help}");
        }
        let typo = explain("lock-timout").unwrap_err();
        assert!(
            typo.help.unwrap().contains("`apply::lock-timeout`"),
            "a name without its area is matched by name"
        );
        let far = explain("nothing-like-it").unwrap_err();
        assert!(!far.help.unwrap().contains("did you mean"));
        assert!(explain("").is_err());
    }

    #[test]
    fn the_list_has_every_code() {
        let list = list();
        for c in all_codes() {
            assert!(list.contains(c), "{c} missing");
        }
    }
}
