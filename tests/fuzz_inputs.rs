//! Fuzzing the parsers of what users type: `schemactl.yaml` and database URLs (the SQL
//! splitter, lint and replay: tests/fuzz_sql.rs). Random and grammar-shaped input must never
//! crash, must be answered in well under a second, and a password must never come back in a
//! message or a displayed target.

use proptest::prelude::*;
use schemactl::apply::Target;
use schemactl::config::Config;
use std::path::Path;
use std::time::{Duration, Instant};

const LIMIT: Duration = Duration::from_secs(1);

fn timed<T>(what: &str, input: &str, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    let took = start.elapsed();
    assert!(
        took < LIMIT,
        "{what} took {took:?} on {:?}",
        truncate(input)
    );
    out
}

fn truncate(s: &str) -> String {
    s.chars().take(200).collect()
}

fn no_env(_: &str) -> Option<String> {
    None
}

/// A YAML line: a key (real, aliased, misspelt) and a value of every shape.
fn yaml_line() -> impl Strategy<Value = String> {
    let key = prop_oneof![
        Just("migrations".to_string()),
        Just("dialect".to_string()),
        Just("schema_sql".to_string()),
        Just("guard".to_string()),
        Just("database_url".to_string()),
        "[a-zA-Z_]{1,12}",
        Just("? migrations".to_string()),
    ];
    let value = prop_oneof![
        Just("null".to_string()),
        Just("~".to_string()),
        Just("''".to_string()),
        Just("postgres".to_string()),
        Just("sqlite".to_string()),
        "[a-z/._]{0,20}",
        "[0-9]{1,25}",
        "-?[0-9]{1,5}\\.[0-9]{1,5}",
        Just("true".to_string()),
        "\\[[a-z, ]{0,20}\\]",
        "\\{[a-z: ,]{0,20}\\}",
        "&[a-z] [a-z]{0,5}",
        "\\*[a-z]",
        "!![a-z]{1,6} [a-z]{0,5}",
        "'[^'\n]{0,20}'",
        "\"[^\"\n]{0,20}\"",
        Just("postgres://u:Zq7YamlSecret@h/db".to_string()),
        Just("{severity: {SG101: error}, allow: [{code: SG111, reason: x}]}".to_string()),
    ];
    let indent = prop_oneof![Just(""), Just("  "), Just("\t"), Just("- ")];
    (indent, key, value).prop_map(|(i, k, v)| format!("{i}{k}: {v}\n"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn config_parser_never_crashes_on_random_text(text in any::<String>()) {
        timed("Config::parse", &text, || Config::parse(&text, Path::new("schemactl.yaml")).err());
    }

    #[test]
    fn config_parser_never_crashes_or_echoes_secrets_on_yaml_shaped_text(
        lines in prop::collection::vec(yaml_line(), 0..12),
        document_marker in any::<bool>(),
    ) {
        let mut text = lines.concat();
        if document_marker {
            text = format!("---\n{text}");
        }
        if let Some(ds) = timed("Config::parse", &text, || Config::parse(&text, Path::new("schemactl.yaml")).err()) {
            let rendered = schemactl::diag::render_all(&ds, Path::new("."), schemactl::diag::Style::Plain);
            prop_assert!(!rendered.contains("Zq7YamlSecret"), "{}", rendered);
            prop_assert!(ds.iter().all(|d| d.code.starts_with("config::")));
        }
    }

    #[test]
    fn url_parser_never_crashes_on_random_text(text in any::<String>()) {
        timed("Target::parse", &text, || Target::parse(&text, &no_env).err());
    }

    #[test]
    fn url_parser_never_crashes_on_url_shaped_text(
        scheme in prop_oneof![Just("postgres://"), Just("postgresql://"), Just("postgres//"), Just("jdbc:postgresql://"), Just("sqlite:"), Just("mysql://"), Just("")],
        userinfo in "([a-z%0-9]{0,6}(:[^ @/]{0,8})?@){0,2}",
        hosts in "(\\[[0-9a-f:]{0,10}\\]?|[a-z0-9.%]{0,10})(:[0-9a-z]{0,6})?(,[a-z0-9]{0,5}(:[0-9]{0,5})?){0,2}",
        path in "(/[a-z%0-9]{0,8})?",
        query in "(\\?([a-z_]{0,12}(=[a-z0-9%/.-]{0,10})?&?){0,4})?",
    ) {
        let url = format!("{scheme}{userinfo}{hosts}{path}{query}");
        timed("Target::parse", &url, || Target::parse(&url, &no_env).err());
    }

    /// A password in any position of any form never comes back: not in an error, not in the
    /// target's display, not in what the masker leaves of the URL itself.
    #[test]
    fn a_password_never_comes_back(
        password in "Zq7[A-Za-z0-9!#$%^*()_+=\\[\\]{}|.<>?/~:@-]{3,16}",
        form in 0..6usize,
        host in prop_oneof![Just("db.example"), Just("127.0.0.1:notaport"), Just("[::1"), Just("h:5432,h2:5433"), Just(""), Just("h")],
        extra in prop_oneof![Just(""), Just("?sslmode=bogus"), Just("?foo=bar"), Just("?sslmode=require"), Just("?connect_timeout=x")],
    ) {
        let kv_password: String = password.chars().filter(|c| !matches!(c, '\'' | '\\')).collect();
        let url = match form {
            0 => format!("postgres://app:{password}@{host}/db{extra}"),
            1 => format!("postgresql://app@{host}/db?password={}{}", kv_password.replace(['&', '#'], ""), extra.replace('?', "&")),
            2 => format!("host={} password='{kv_password}' dbname=db {}", host.replace(' ', ""), extra.trim_start_matches('?')),
            3 => format!("jdbc:postgresql://{host}/db?user=app&password={}", kv_password.replace(['&', '#'], "")),
            4 => format!("postgres//app:{password}@{host}/db"),
            _ => format!("mysql://app:{password}@{host}/db"),
        };
        let secret = match form {
            1 | 3 => kv_password.replace(['&', '#'], ""),
            2 => kv_password.clone(),
            _ => password.clone(),
        };
        let shown = timed("Target::parse", &url, || match Target::parse(&url, &no_env) {
            Ok(t) => format!("{} {}", t.display(), t.redact(&format!("connection to {url} failed"))),
            Err(d) => format!("{} {}", d.message, d.help.unwrap_or_default()),
        });
        prop_assert!(!shown.contains(&secret), "{url} -> {shown}");
        if form != 2 {
            let masked = schemactl::secret::mask(&format!("error: unexpected argument '{url}' found"));
            prop_assert!(!masked.contains(&secret), "{url} -> {masked}");
        }
    }
}

#[test]
fn huge_inputs_are_answered_quickly() {
    for text in [
        format!("postgres://u:p@h/db?{}", "a=b&".repeat(250_000)),
        format!("host=h {}", "x=y ".repeat(250_000)),
        format!("postgres://{}@h/db", "u".repeat(1_000_000)),
        "[".repeat(1_000_000),
        format!("postgres://u:{}@h/db", "@".repeat(100_000)),
    ] {
        timed("Target::parse", &text, || {
            Target::parse(&text, &no_env).err()
        });
        timed("mask", &text, || schemactl::secret::mask(&text));
        timed("Config::parse", &text, || {
            Config::parse(&text, Path::new("schemactl.yaml")).err()
        });
    }
}
