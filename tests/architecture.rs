//! Layering rules of the code base that the compiler does not enforce by itself.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The lines of `section` (`[dependencies]`, ...) of a Cargo.toml.
fn section<'a>(manifest: &'a str, name: &str) -> Vec<&'a str> {
    let mut inside = false;
    let mut lines = Vec::new();
    for line in manifest.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            inside = trimmed == name;
        } else if inside {
            lines.push(trimmed);
        }
    }
    lines
}

#[test]
fn production_code_does_not_depend_on_test_support() {
    // The library and the schema crates that ship binaries.
    for member in [".", "schema", "systems"] {
        let manifest = std::fs::read_to_string(root().join(member).join("Cargo.toml")).unwrap();
        assert!(
            !section(&manifest, "[dependencies]")
                .iter()
                .any(|l| l.starts_with("schemactl-testkit")),
            "{member}/Cargo.toml: schemactl-testkit is test support: list it under [dev-dependencies] only"
        );
    }
    let manifest = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    assert!(
        section(&manifest, "[dev-dependencies]")
            .iter()
            .any(|l| l.starts_with("schemactl-testkit")),
        "the tests reach the test server through the schemactl-testkit dev-dependency"
    );
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    let offenders: Vec<String> = files
        .iter()
        .filter(|f| {
            let text = std::fs::read_to_string(f).unwrap();
            text.contains("schemactl_testkit") || text.contains("testkit::")
        })
        .map(|f| f.display().to_string())
        .collect();
    assert!(
        offenders.is_empty(),
        "production code names the test support: {offenders:?}"
    );
}

#[test]
fn the_section_reader_sees_what_a_manifest_declares() {
    // The check above is only as good as this reader.
    let manifest = "[package]\nname = \"x\"\n\n[dependencies]\nschemactl-testkit = { path = \"t\" }\n\n[dev-dependencies]\ninsta = \"1\"\n";
    assert_eq!(
        section(manifest, "[dependencies]"),
        ["schemactl-testkit = { path = \"t\" }", ""]
    );
    assert_eq!(section(manifest, "[dev-dependencies]"), ["insta = \"1\""]);
}

#[test]
fn only_the_cli_prints() {
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    let cli = root().join("src").join("cli");
    let offenders: Vec<String> = files
        .iter()
        .filter(|f| !f.starts_with(&cli) && !f.ends_with("main.rs"))
        .filter(|f| {
            let text = std::fs::read_to_string(f).unwrap();
            // Unit tests may print what they measured.
            let production = text.split("#[cfg(test)]").next().unwrap_or("");
            ["println!(", "eprintln!(", "print!(", "eprint!("]
                .iter()
                .any(|m| production.contains(m))
        })
        .map(|f| f.display().to_string())
        .collect();
    assert!(
        offenders.is_empty(),
        "the library returns outcomes and diagnostics; only src/cli/ prints: {offenders:?}"
    );
}

/// The longest a production function may be, from its `fn` line to its closing brace.
const MAX_FUNCTION_LINES: usize = 120;

/// One `fn` with a body: where it starts and how many lines it spans.
#[derive(Debug, PartialEq)]
struct Function {
    line: usize,
    name: String,
    lines: usize,
}

/// `source` with comments, string and char literals blanked out (newlines kept), so that
/// braces in them do not count and line numbers stay right.
fn code_only(source: &str) -> Vec<char> {
    let chars: Vec<char> = source.chars().collect();
    let mut out = chars.clone();
    let mut i = 0;
    while i < chars.len() {
        match non_code_end(&chars, i) {
            Some(end) => {
                let end = end.min(chars.len());
                for c in &mut out[i..end] {
                    if *c != '\n' {
                        *c = ' ';
                    }
                }
                i = end;
            }
            None => i += 1,
        }
    }
    out
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The end of the comment, string or char literal that starts at `i`, if one does there.
fn non_code_end(chars: &[char], i: usize) -> Option<usize> {
    let at = |k: usize| chars.get(k).copied().unwrap_or('\0');
    // Just past the first `close` that no backslash escapes.
    let quoted = |mut k: usize, close: char| {
        while k < chars.len() && at(k) != close {
            k += if at(k) == '\\' { 2 } else { 1 };
        }
        k + 1
    };
    match (at(i), at(i + 1)) {
        ('/', '/') => Some(
            (i..chars.len())
                .find(|&k| at(k) == '\n')
                .unwrap_or(chars.len()),
        ),
        ('/', '*') => Some(block_comment_end(chars, i)),
        ('"', _) => Some(quoted(i + 1, '"')),
        ('\'', '\\') => Some(quoted(i + 1, '\'')),
        // `'x'`; a quote not closed two characters on starts a lifetime.
        ('\'', _) if at(i + 2) == '\'' => Some(i + 3),
        ('r' | 'b', _) if i == 0 || !is_ident(at(i - 1)) => raw_string_end(chars, i),
        _ => None,
    }
}

/// The end of the block comment that starts at `i`; block comments nest.
fn block_comment_end(chars: &[char], mut i: usize) -> usize {
    let mut depth = 0;
    while i < chars.len() {
        if chars[i..].starts_with(&['/', '*']) {
            depth += 1;
            i += 2;
        } else if chars[i..].starts_with(&['*', '/']) {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return i;
            }
        } else {
            i += 1;
        }
    }
    i
}

/// The end of the raw string (`r#"..."#`, `br"..."`) that starts at `i`, if one does there.
fn raw_string_end(chars: &[char], i: usize) -> Option<usize> {
    let mut k = if chars[i] == 'b' { i + 1 } else { i };
    if chars.get(k) != Some(&'r') {
        return None;
    }
    let hashes = chars[k + 1..].iter().take_while(|&&c| c == '#').count();
    k += 1 + hashes;
    if chars.get(k) != Some(&'"') {
        return None;
    }
    // It ends at a quote followed by as many `#` as it opened with.
    let closing: Vec<char> = std::iter::once('"')
        .chain(std::iter::repeat_n('#', hashes))
        .collect();
    let end = (k + 1..chars.len()).find(|&e| chars[e..].starts_with(&closing));
    Some(end.map_or(chars.len(), |e| e + closing.len()))
}

/// Every `fn` with a body in `source`, nested ones included.
fn functions(source: &str) -> Vec<Function> {
    let code = code_only(source);
    let line_at = |k: usize| 1 + code[..k].iter().filter(|&&c| c == '\n').count();
    let mut found = Vec::new();
    for i in 0..code.len() {
        let keyword = code[i..].starts_with(&['f', 'n'])
            && (i == 0 || !is_ident(code[i - 1]))
            && code.get(i + 2).is_some_and(|c| c.is_whitespace());
        if !keyword {
            continue;
        }
        let name: String = code[i + 2..]
            .iter()
            .skip_while(|c| c.is_whitespace())
            .take_while(|&&c| is_ident(c))
            .collect();
        // No name: a function pointer type, `fn(u8) -> u8`.
        if name.is_empty() {
            continue;
        }
        let Some(close) = body_end(&code, i) else {
            continue;
        };
        let line = line_at(i);
        found.push(Function {
            line,
            name,
            lines: line_at(close) - line + 1,
        });
    }
    found
}

/// The closing brace of the body of the `fn` at `i`: the body opens at the first `{` outside
/// the signature's brackets; a `;` before it means a declaration without a body.
fn body_end(code: &[char], i: usize) -> Option<usize> {
    let mut depth = 0;
    let mut open = i;
    loop {
        match code.get(open)? {
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            ';' if depth == 0 => return None,
            '{' if depth == 0 => break,
            _ => {}
        }
        open += 1;
    }
    let mut braces = 0;
    for (k, &c) in code.iter().enumerate().skip(open) {
        match c {
            '{' => braces += 1,
            '}' => {
                braces -= 1;
                if braces == 0 {
                    return Some(k);
                }
            }
            _ => {}
        }
    }
    None
}

/// The functions a file explains with `// long function: <name>: <why>`.
fn explained_long_functions(source: &str) -> Vec<&str> {
    source
        .lines()
        .filter_map(|l| l.trim().strip_prefix("// long function:"))
        .filter_map(|rest| rest.split_once(':'))
        .filter(|(_, why)| !why.trim().is_empty())
        .map(|(name, _)| name.trim())
        .collect()
}

/// `path:line name (N lines)` for each over-long function of one file's production code.
fn over_long_functions(path: &str, source: &str) -> Vec<String> {
    // Unit tests may be as long as they need; they come last in a file.
    let production = match source.find("#[cfg(test)]") {
        Some(at) => &source[..at],
        None => source,
    };
    let explained = explained_long_functions(source);
    functions(production)
        .into_iter()
        .filter(|f| f.lines > MAX_FUNCTION_LINES && !explained.contains(&f.name.as_str()))
        .map(|f| format!("{path}:{} {} ({} lines)", f.line, f.name, f.lines))
        .collect()
}

#[test]
fn no_production_function_is_over_120_lines() {
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    files.sort();
    let mut offenders = Vec::new();
    for file in &files {
        let source = std::fs::read_to_string(file).unwrap();
        let path = file.strip_prefix(root()).unwrap().display().to_string();
        offenders.extend(over_long_functions(&path, &source));
    }
    assert!(
        offenders.is_empty(),
        "functions over {MAX_FUNCTION_LINES} lines; split them along their phases, or say why \
         in the file with a comment `// long function: <name>: <why>`:\n  {}",
        offenders.join("\n  ")
    );
}

#[test]
fn the_function_scanner_measures_bodies_and_sees_through_literals() {
    // The check above is only as good as this scanner: braces in literals and comments,
    // declarations without a body and function pointer types must not fool it.
    let short = r##"fn short(x: [u8; 2]) -> u8 {
    let _ = ("}", "\"{", '{', '\'', b'}', br"{", r#"}"{"#); // }
    /* { /* } */ { */
    x[0]
}
trait T { fn declared(&self); }
"##;
    let long = format!(
        "fn long<'a>(f: fn(u8) -> u8) {{\n{}}}\n",
        "    step();\n".repeat(MAX_FUNCTION_LINES)
    );
    let source = format!("{short}{long}");
    assert_eq!(
        functions(&source),
        [
            Function {
                line: 1,
                name: "short".into(),
                lines: 5
            },
            Function {
                line: 7,
                name: "long".into(),
                lines: MAX_FUNCTION_LINES + 2
            },
        ]
    );
    assert_eq!(
        over_long_functions("src/x.rs", &source),
        [format!(
            "src/x.rs:7 long ({} lines)",
            MAX_FUNCTION_LINES + 2
        )]
    );
    let explained = format!("// long function: long: one table of cases\n{source}");
    assert!(over_long_functions("src/x.rs", &explained).is_empty());
    let unexplained = format!("// long function: long:\n{source}");
    assert_eq!(over_long_functions("src/x.rs", &unexplained).len(), 1);
    let tests_only = format!("fn a() {{}}\n#[cfg(test)]\nmod tests {{\n{source}}}\n");
    assert!(over_long_functions("src/x.rs", &tests_only).is_empty());
}

/// The top-level modules of `src/` each production file names through `crate::` (or by
/// climbing to the crate root with `super::`), by module.
/// Test-only code (from a file's first `#[cfg(test)]` on, and files declared as
/// `#[cfg(test)] mod x;`) and comments do not count.
fn module_uses() -> std::collections::BTreeMap<String, std::collections::BTreeSet<String>> {
    let src = root().join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut test_only: Vec<PathBuf> = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        let lines: Vec<&str> = text.lines().map(str::trim).collect();
        for pair in lines.windows(2) {
            let declared = pair[1]
                .trim_start_matches("pub(crate) ")
                .strip_prefix("mod ")
                .and_then(|r| r.strip_suffix(';'));
            if let (true, Some(name)) = (pair[0] == "#[cfg(test)]", declared) {
                let dir = f.parent().unwrap();
                test_only.push(dir.join(format!("{name}.rs")));
                test_only.push(dir.join(name).join("mod.rs"));
            }
        }
    }
    let mut uses: std::collections::BTreeMap<String, std::collections::BTreeSet<String>> =
        Default::default();
    for f in files.iter().filter(|f| !test_only.contains(f)) {
        let rel = f.strip_prefix(&src).unwrap();
        let top = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_string();
        if top == "lib" || top == "main" {
            continue;
        }
        let text = std::fs::read_to_string(f).unwrap();
        let production = text.split("#[cfg(test)]").next().unwrap_or("");
        let code: String = production
            .lines()
            .map(|l| l.split("//").next().unwrap_or(""))
            .collect::<Vec<_>>()
            .join("\n");
        let mut named = std::collections::BTreeSet::new();
        for (i, _) in code.match_indices("crate::") {
            let rest = &code[i + "crate::".len()..];
            if let Some(group) = rest.strip_prefix('{') {
                // `use crate::{a, b::c}`: the first word of each item.
                let group = &group[..group.find('}').unwrap_or(group.len())];
                for item in group.split(',') {
                    let word: String = item
                        .trim()
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    named.insert(word);
                }
            } else {
                let word: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                named.insert(word);
            }
        }
        named.extend(above_the_root(rel, &code));
        let entry = uses.entry(top.clone()).or_default();
        entry.extend(named.into_iter().filter(|w| !w.is_empty() && *w != top));
    }
    uses
}

/// The top-level modules a file at `rel` (under `src/`) names by climbing with `super::` up to
/// the crate root: from `src/a/b/c.rs` (module `a::b::c`), `super::super::super::x` is `x`.
fn above_the_root(rel: &Path, code: &str) -> Vec<String> {
    let mut depth = rel.components().count();
    if rel.file_name().is_some_and(|n| n == "mod.rs") {
        depth -= 1;
    }
    let mut out = Vec::new();
    for (i, _) in code.match_indices("super::") {
        let before = code[..i].chars().next_back();
        if before.is_some_and(|c| c == ':' || is_ident(c)) {
            continue; // inside a chain counted from its start
        }
        let mut rest = &code[i..];
        let mut up = 0;
        while let Some(r) = rest.strip_prefix("super::") {
            rest = r;
            up += 1;
        }
        if up >= depth {
            let word: String = rest.chars().take_while(|c| is_ident(*c)).collect();
            out.push(word);
        }
    }
    out
}

#[test]
fn climbing_to_the_root_names_a_top_level_module() {
    let deep = Path::new("guard/rules/x.rs");
    assert_eq!(
        above_the_root(deep, "use super::super::super::apply::Target;"),
        ["apply"]
    );
    assert!(above_the_root(deep, "use super::super::config;").is_empty());
    let module = Path::new("guard/mod.rs");
    assert_eq!(above_the_root(module, "super::diff::diff(a, b)"), ["diff"]);
}

/// A cycle in `graph`, as the modules along it, if there is one.
fn find_cycle(
    graph: &std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut std::collections::BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|p| p == node) {
            let mut cycle = path[i..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = std::collections::BTreeSet::new();
    for node in graph.keys() {
        if let Some(cycle) = visit(node, graph, &mut Vec::new(), &mut done) {
            return Some(cycle);
        }
    }
    None
}

#[test]
fn top_level_modules_form_no_cycle() {
    let uses = module_uses();
    // The reader is only as good as what it finds: a module it must see.
    assert!(
        uses.get("generate").is_some_and(|u| u.contains("dialect")),
        "the module reader no longer sees generate's use of dialect: {:?}",
        uses.get("generate")
    );
    if let Some(cycle) = find_cycle(&uses) {
        panic!(
            "the top-level modules depend on each other in a cycle: {}. Move what both need \
             below both (as `model::DialectKind` and `files` are), or hand it in from above",
            cycle.join(" -> ")
        );
    }
}

#[test]
fn the_cycle_finder_finds_cycles() {
    let graph = |edges: &[(&str, &str)]| {
        let mut g: std::collections::BTreeMap<String, std::collections::BTreeSet<String>> =
            Default::default();
        for (a, b) in edges {
            g.entry(a.to_string()).or_default().insert(b.to_string());
        }
        g
    };
    assert_eq!(find_cycle(&graph(&[("a", "b"), ("b", "c")])), None);
    assert_eq!(
        find_cycle(&graph(&[("a", "b"), ("b", "c"), ("c", "a")])),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
}
