//! SG100 suppression-hygiene: a table's `.allow(..)` must name a known rule and say why.

use crate::guard::{rule, Family, Finding, Level, RuleInfo, SchemaCx};

pub const INFO: RuleInfo = RuleInfo {
    code: "SG100",
    name: "suppression-hygiene",
    family: Family::Meta,
    default_level: Level::Error,
    dialects: crate::guard::EVERY_DIALECT,
    summary: "A table suppression names an unknown rule or gives no reason",
    flags: "`.allow(code, reason)` on a table whose code is not a guard rule, or whose reason is empty. \
            Such a suppression silences nothing.",
    why: "A suppression is a reviewed exception. Without a reason nobody can judge it later, and a \
          misspelt code silently suppresses nothing while the author believes it does.",
    fix: "Give the reason (`.allow(\"SG107\", \"generated lookup table\")`) or fix the code; \
          `schemactl guard --list` prints every code.",
};

pub fn check(cx: &SchemaCx<'_>, out: &mut Vec<Finding>) {
    for t in &cx.schema.tables {
        for a in &t.meta.allow {
            if rule(&a.code).is_none() {
                out.push(
                    Finding::new(format!(
                        "table `{}` suppresses unknown rule `{}`",
                        t.name, a.code
                    ))
                    .at(&t.origin)
                    .table(&t.name)
                    .help("`schemactl guard --list` prints every rule code"),
                );
            } else if a.reason.trim().is_empty() {
                out.push(
                    Finding::new(format!(
                        "table `{}` suppresses `{}` without a reason, so the suppression is ignored",
                        t.name, a.code
                    ))
                    .at(&t.origin)
                    .table(&t.name)
                    .help("write why the rule does not apply: `.allow(\"SG1xx\", \"<reason>\")`"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::dsl::*;
    use crate::guard::testing::*;

    #[test]
    fn fires_on_missing_reason_and_unknown_code() {
        let mut s = base();
        s.table(TableRef::new("notes"))
            .global("x")
            .id_tagged("note")
            .allow("SG107", " ")
            .allow("SG999", "typo");
        let ds = run("SG100", &build(s));
        insta::assert_snapshot!(snap(&ds));
    }

    #[test]
    fn an_allow_without_reason_does_not_suppress() {
        let mut s = base();
        s.table(TableRef::new("notes"))
            .global("x")
            .id_tagged("note")
            .allow("SG107", "");
        let ds = run("SG107", &build(s));
        assert_eq!(ds.len(), 1);
    }

    #[test]
    fn quiet_on_reasoned_allow() {
        let mut s = base();
        s.table(TableRef::new("notes"))
            .global("x")
            .id_tagged("note")
            .allow("SG107", "scratch table");
        let schema = build(s);
        assert!(run("SG100", &schema).is_empty());
        assert!(run("SG107", &schema).is_empty());
    }
}
