//! SG400 lint-suppression: inline `-- schemactl:allow` comments must be well-formed and used.

use crate::guard::lint::StmtCx;
use crate::guard::{rule, Family, Finding, Level, RuleInfo};
use crate::model::Origin;
use crate::sql::split::{Directive, SqlStatement};

pub const INFO: RuleInfo = RuleInfo {
    code: "SG400",
    name: "lint-suppression",
    family: Family::Sql,
    default_level: Level::Error,
    dialects: crate::guard::EVERY_DIALECT,
    summary: "An inline SQL suppression has no reason, names an unknown rule, or matches nothing",
    flags: "A `-- schemactl:allow CODE reason` comment in a migration file whose reason is empty, \
            whose code is not an SG4xx rule, that no statement follows, or that silences no \
            finding of the statement after it; and `-- schemactl:` comments that are not a known \
            directive.",
    why: "A suppression is a reviewed exception: without a reason nobody can judge it later, a \
          misspelt code silently suppresses nothing, and a suppression left behind after the \
          statement was fixed would hide the next real problem on that line.",
    fix: "Write the reason after the code (`-- schemactl:allow SG411 column unused since v12`), \
          fix the code, or delete the comment. Known directives: `-- schemactl:no-transaction`, \
          `-- schemactl:allow SG4xx <reason>`.",
};

/// The engine applies this rule itself (it needs every other rule's findings first).
pub fn check(_: &StmtCx<'_>, _: &mut Vec<Finding>) {}

/// The problem with one directive, if any. `used`: it silenced a finding of `stmt`;
/// `enabled`: whether a code's rule ran (an allow for a disabled rule is not "unused").
pub fn judge(
    d: &Directive,
    used: bool,
    stmt: Option<&SqlStatement>,
    enabled: impl Fn(&str) -> bool,
    file: &str,
) -> Option<Finding> {
    let at = |line: u32| Origin {
        file: file.to_string().into(),
        line: line.max(1),
        column: 1,
    };
    match d {
        Directive::NoTransaction => None,
        Directive::Unknown { text, line } => Some(
            Finding::new(format!("unknown directive `{text}`"))
                .at(&at(*line))
                .help("known directives: `-- schemactl:no-transaction`, `-- schemactl:allow SG4xx <reason>`"),
        ),
        Directive::Allow { code, reason, line } => {
            let f = |m: String| Some(Finding::new(m).at(&at(*line)));
            match rule(code) {
                None => f(format!("suppression names unknown rule `{code}`"))
                    .map(|x| x.help("`schemactl guard --list` prints every rule code")),
                Some(r) if r.info.family != Family::Sql => f(format!(
                    "`{code}` cannot be suppressed inline; only SQL lint rules (SG4xx) can"
                ))
                .map(|x| x.help(r.info.suppress())),
                Some(_) if reason.trim().is_empty() => f(format!(
                    "suppression of `{code}` has no reason, so it is ignored"
                ))
                .map(|x| x.help(format!("say why: `-- schemactl:allow {code} <reason>`"))),
                Some(r) => match stmt {
                    None => f(format!(
                        "suppression of `{}` is not followed by a statement",
                        r.info.code
                    ))
                    .map(|x| x.help("put it on the line(s) just before the statement it excuses")),
                    Some(s) if !used && enabled(r.info.code) => f(format!(
                        "suppression of `{}` matches no finding of the statement at line {} (`{}`)",
                        r.info.code,
                        s.line,
                        s.leading_words(4)
                    ))
                    .map(|x| x.help("delete it: the statement no longer needs it")),
                    Some(_) => None,
                },
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::guard::lint::lint_sql;
    use crate::guard::lint::test_support::*;
    use crate::guard::GuardConfig;

    #[test]
    fn fires_on_bad_and_unused_suppressions() {
        let sql = "-- schemactl:allow SG411\n\
                   ALTER TABLE t DROP COLUMN a;\n\
                   -- schemactl:allow SG999 typo\n\
                   -- schemactl:allow SG101 not inline\n\
                   -- schemactl:allow SG412 nothing renamed here\n\
                   SET lock_timeout = '1s';\n\
                   -- schemactl:frobnicate\n\
                   -- schemactl:allow SG411 trailing\n";
        let ds = lint_sql("0002_change.sql", sql, &GuardConfig::default());
        insta::assert_snapshot!(snap(&ds));
    }

    #[test]
    fn quiet_on_a_used_reasoned_suppression() {
        let sql = "-- schemactl:no-transaction\nSET lock_timeout = '1s';\n\
                   -- schemactl:allow SG411 column unused since v12\n\
                   ALTER TABLE t DROP COLUMN a;\n";
        let ds = lint_sql("0002_change.sql", sql, &GuardConfig::default());
        assert!(ds.is_empty(), "{}", snap(&ds));
    }
}
