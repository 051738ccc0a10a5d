//! `schemactl explain` through the real binary: guard rules, every other code, unknown codes
//! and `--list`.

mod support;

use support::*;

fn explain(args: &[&str]) -> Run {
    let dir = tempfile::tempdir().unwrap();
    schemactl()
        .current_dir(dir.path())
        .arg("explain")
        .args(args)
        .output()
        .expect("run schemactl")
        .into()
}

#[test]
fn a_guard_rule_reads_as_guard_explain_prints_it() {
    let r = explain(&["SG101"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let guard = run(&["guard", "--explain", "SG101"]);
    assert_eq!(guard.code, 0, "{}", guard.stderr);
    assert_eq!(r.stdout, guard.stdout);
    assert!(
        r.stdout.starts_with("SG101 tenant-boundary"),
        "{}",
        r.stdout
    );
}

#[test]
fn any_other_code_says_what_it_means_and_what_to_do() {
    let r = explain(&["apply::lock-timeout"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stderr, "");
    insta::assert_snapshot!(r.stdout);
    // As a report shows it, in any case.
    assert_eq!(explain(&["[APPLY::LOCK-TIMEOUT]"]).stdout, r.stdout);
}

#[test]
fn a_broken_config_does_not_stop_explain() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("schemactl.yaml"), "migrations: [unclosed\n").unwrap();
    let broken = schemactl()
        .current_dir(dir.path())
        .arg("status")
        .output()
        .unwrap();
    assert_eq!(broken.status.code(), Some(2));
    let r: Run = schemactl()
        .current_dir(dir.path())
        .args(["explain", "config::invalid"])
        .output()
        .unwrap()
        .into();
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with("config::invalid\n"), "{}", r.stdout);
}

#[test]
fn an_unknown_code_is_an_error_with_the_closest_code() {
    let r = explain(&["apply::lock-timout"]);
    assert_eq!(r.code, 2);
    assert_eq!(r.stdout, "");
    insta::assert_snapshot!(r.stderr);
    let far = explain(&["SG999"]);
    assert_eq!(far.code, 2);
    assert!(
        flat(&far.stderr).contains("no diagnostic code `SG999`"),
        "{}",
        far.stderr
    );
    assert!(
        flat(&far.stderr).contains("explain --list"),
        "{}",
        far.stderr
    );
}

#[test]
fn a_code_or_list_is_required_and_not_both() {
    assert_eq!(explain(&[]).code, 2);
    assert_eq!(explain(&["SG101", "--list"]).code, 2);
    let help = explain(&["--help"]);
    assert_eq!(help.code, 0);
    assert!(
        help.stdout
            .contains("schemactl explain apply::lock-timeout"),
        "{}",
        help.stdout
    );
}

#[test]
fn list_names_every_code_once_and_each_explains() {
    let r = explain(&["--list"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let first_words: Vec<&str> = r
        .stdout
        .lines()
        .filter(|l| !l.is_empty() && !l.ends_with("):"))
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    let mut expected: Vec<&str> = schemactl::guard::registry()
        .iter()
        .map(|r| r.info.code)
        .chain(schemactl::diag::codes::ALL.iter().map(|c| c.code))
        .collect();
    assert_eq!(first_words, expected);
    expected.dedup();
    assert_eq!(first_words.len(), expected.len(), "a code is listed twice");
    assert!(r.stdout.starts_with("Guard rules"), "{}", r.stdout);
    assert!(r.stdout.contains("\nOther codes"), "{}", r.stdout);
    for c in ["SG411", "migrations::edited-file", "io"] {
        assert_eq!(explain(&[c]).code, 0, "{c}");
    }
}
