//! Rule documentation from the rule metadata: `--explain`, `--list`, and STYLE_GUIDE.md, which
//! a test keeps identical to [`style_guide`] (so a registered rule cannot be undocumented).

use super::{registry, Rule};

/// `schemactl guard --explain CODE`.
pub fn explain(rule: &Rule) -> String {
    let i = &rule.info;
    format!(
        "{code} {name} ({family}, default: {level})\n\n{summary}.\n\nWhat it flags:\n  {flags}\n\nWhy:\n  {why}\n\nHow to fix:\n  {fix}\n\nHow to suppress:\n  {suppress}\n",
        code = i.code,
        name = i.name,
        family = i.family.title(),
        level = i.default_level.as_str(),
        summary = i.summary,
        flags = i.flags,
        why = i.why,
        fix = i.fix,
        suppress = i.suppress(),
    )
}

/// `schemactl guard --list`: one line per rule.
pub fn list() -> String {
    let mut s = String::new();
    for r in registry() {
        s.push_str(&format!(
            "{}  {:<8} {:<22} {}\n",
            r.info.code,
            r.info.default_level.as_str(),
            r.info.name,
            r.info.summary
        ));
    }
    s
}

const INTRO: &str = r#"# schemactl style guide

<!-- Generated from the rule metadata in src/guard/rules/ by
     `SCHEMACTL_BLESS=1 cargo test -p schemactl --lib guard::docs`; do not edit by hand. -->

`schemactl guard` checks the declared schema (style rules `SG1xx`, foreign-key graph rules
`SG2xx`), the migration folder (`SG3xx`) and the SQL of every migration file (the SQL safety
lint, `SG4xx`: lock-taking DDL, table rewrites, destructive, backward-incompatible and
might-fail statements). With `guard.distribution` it also checks the schema is ready to be
sharded by the tenant key (`SG5xx`). Every rule has a stable code, a default level and a summary;
`schemactl guard --explain SG101` prints a rule's full text, `schemactl guard --list` lists them.

```text
cargo schemactl guard                    # schema + migration folder, rustc-style reports
schemactl guard                          # plain binary: migration folder only
schemactl guard --format json|github|sarif
schemactl guard --warnings-as-errors     # warnings fail too
schemactl guard --dev-url postgres://... # run the folder on a scratch database there (SG308, SG309)
schemactl graph --format dot|mermaid [--domain identity]
```

Exit codes: `0` no error-level findings, `1` error-level findings (or warnings with
`--warnings-as-errors`), `2` usage, configuration or I/O error (or a schema that does not build).

## Levels and suppressions

Each rule runs at `error`, `warning` or `off`. Override the default per project:

```yaml
guard:
  severity: { SG107: error, SG204: off }
```

Suppressions always carry a reason (an `allow` without one suppresses nothing and is itself
reported as `SG100`):

- On a table, in the DSL: `.allow("SG105", "append-only import staging table")`.
- For the project, in `schemactl.yaml`: `guard.allow: [{code: SG111, table: audit_events, reason: "..."}]`
  (leave out `table` to suppress the rule everywhere; migration-folder rules only take this form).
- In a migration file, for the SQL lint (`SG4xx`) only: a comment on the line(s) just before the
  statement, `-- schemactl:allow SG411 column unused since v12`. An inline allow without a
  reason, with an unknown code, or that silences nothing is reported as `SG400`.

## The SQL lint (`SG4xx`)

Every migration file is split into statements (strings, comments and dollar-quoted bodies are
respected) and each statement is checked once, knowing what came before it in the file and in
earlier files:

- A table, column, type or schema created earlier in the same file is new and empty:
  statements on it are never flagged for locks, rewrites, drops or renames. (`CREATE TABLE IF
  NOT EXISTS` over a table an earlier file made creates nothing.)
- Which statements share a transaction depends on who runs the files (`guard.runner`):
  schemactl (the default) runs a file in one transaction unless it contains
  `-- schemactl:no-transaction`; `psql -f` runs every statement in autocommit; Diesel, sqlx and
  golang-migrate run each file in one transaction; drizzle-kit runs every pending file in one
  transaction. In a file the runner does not wrap, an explicit `BEGIN` opens a transaction
  until `COMMIT`/`ROLLBACK`, and after it the next statements run outside it again; in a file
  it wraps, a `COMMIT` (reported as `SG422`) ends the runner's transaction the same way.
- `SET [LOCAL] lock_timeout = ...` (non-zero) earlier in the file satisfies `SG414`.
- A `CHECK (c IS NOT NULL)` validated earlier (same or earlier file) lets `SET NOT NULL` on `c`
  pass `SG407`, as PostgreSQL 12+ then skips the scan.
- Column types declared by earlier statements of the folder tell `SG409` which type changes
  keep the stored values (no rewrite).
- A table rename followed in the same file by a view under the old name is a compatibility
  view: readers of the old name keep working, so `SG412` does not flag it.
- A statement PostgreSQL's grammar rejects is reported as `SG401` with its line, never
  skipped silently.

The lock rules describe PostgreSQL; with `dialect: sqlite` only `SG400` and `SG401` run. The
library call `schemactl::guard::lint_sql(file_name, sql, &config)` lints one file's text.

## Distribution readiness (`SG5xx`)

A multi-tenant PostgreSQL schema may one day be sharded by its tenant key, Citus style: each
table carrying the tenant column is split across nodes by that column, shared lookup tables
are copied to every node ("reference tables"), and everything else stays on the coordinator.
Such a cluster enforces keys and foreign keys only inside one node, so the schema has to be
shaped for it. The `SG5xx` rules say where it is not; they run only when the project names
the column:

```yaml
guard:
  distribution:
    column: biz_id                     # the distribution column (the tenant key)
    reference_tables: [users, currencies]   # copied to every node
    # or, for a project that will not be distributed: not_applicable: "<why>"
```

The tenant root (`guard.tenant.table`) counts as distributed by its own primary key, so its
rows sit with the rows that reference them. The rules restate, in schemactl's words, the
restrictions the Citus documentation gives for distributed and reference tables; they are not
run against a real Citus cluster (none can be installed where schemactl is tested).

## Configuration (`guard:` in schemactl.yaml)

Every key is optional; the defaults suit the Bizing schema. Unknown keys are errors.

```yaml
guard:
  runner: schemactl            # who runs the files: schemactl | psql | transaction-per-file
                               #   (alias diesel, sqlx, golang-migrate) | one-transaction
                               #   (alias drizzle-kit)
  severity: {}                 # code -> error | warning | off
  allow: []                    # [{code, table?, reason}]
  tenant:
    column: biz_id             # the tenant column business tables carry
    table: bizes               # the tenant root
    global_tables: {}          # table -> reason, for schemas that cannot say .global(reason)
  classifier_columns: [status, type, kind, visibility, "*_status", "*_kind"]
  lifecycle_columns: [status, is_active]
  money_columns: [amount, price, total, cost, "*_amount", "*_price", "*_total", "*_cost"]
  audit_columns: [created_at, updated_at, deleted_at, created_by, updated_by, deleted_by]
  append_only_audit_columns: [created_at]
  required_columns: []         # e.g. [{column: version, tables: mutable}]; tables: all|tenant|global|mutable
  fk_index_ignore: [created_by, updated_by, deleted_by]
  polymorphic:
    type_suffix: _type
    id_suffix: _id
    selectors: [type, kind, "*_type", "*_kind"]
  naming: { primary_key: _pkey, unique: _unique, index: _idx, foreign_key: _fk, check: _check, exclude: _excl, table_prefix: true }
  max_identifier_bytes: 63
  graph:
    roots: [bizes, users]
    layers: {}                 # domain -> [domains it may reference], e.g. {platform: [], product: [platform]}
    allowed_cycles: []         # e.g. [[nodes, edges]]
    allow_self_references: true
  distribution:                # absent: the SG5xx rules do not run
    column: biz_id             # or not_applicable: "<reason>"
    reference_tables: []
```

Patterns use `*` for any run of characters and match whole column names.

## Output formats

- `human` (default): rustc-style reports on stderr quoting the DSL line (`file:line`), then
  `N errors, M warnings`.
- `github`: one workflow command per finding on stdout,
  `::error file=<f>,line=<l>,col=<c>,title=<code> <rule>::<message>%0Ahelp: <help>`
  (`::warning` for warnings), then the summary line.
- `sarif`: a SARIF 2.1.0 log on stdout: every rule under `runs[0].tool.driver.rules`, one
  `result` per finding with `ruleId`, `ruleIndex`, `level`, `message.text` and, when known,
  `locations[0].physicalLocation` (`artifactLocation.uri`, `region.startLine/startColumn`).
- `json`: one stable document on stdout (version 1; fields are never removed or renamed within a version):

```json
{
  "version": 1,
  "tool": "schemactl",
  "summary": { "errors": 1, "warnings": 0 },
  "findings": [
    {
      "code": "SG101",
      "rule": "tenant-boundary",
      "severity": "error",
      "message": "business table `invoices` has no `biz_id` column and is not declared global",
      "file": "schema/src/billing.rs",
      "line": 12,
      "column": 5,
      "help": "add `.tenant_scoped()` ..."
    }
  ]
}
```

`rule`, `file`, `line`, `column` and `help` are `null` when unknown (e.g. a schema build error
has no rule). Findings are sorted by file, line, column, code and message.
"#;

/// The whole STYLE_GUIDE.md.
pub fn style_guide() -> String {
    let mut s = INTRO.to_string();
    s.push_str("\n## Rules\n\n| code | name | default | summary |\n|---|---|---|---|\n");
    for r in registry() {
        s.push_str(&format!(
            "| [{c}](#{l}) | `{n}` | {d} | {sum} |\n",
            c = r.info.code,
            l = r.info.code.to_ascii_lowercase(),
            n = r.info.name,
            d = r.info.default_level.as_str(),
            sum = r.info.summary.replace('|', "\\|"),
        ));
    }
    let mut family = None;
    for r in registry() {
        let i = &r.info;
        if family != Some(i.family) {
            family = Some(i.family);
            s.push_str(&format!("\n## {}\n", i.family.title()));
        }
        let dialects = if i.dialects == super::POSTGRES_ONLY {
            "- **Dialects:** PostgreSQL (it describes PostgreSQL's locks and rewrites; SQLite migrations are not judged by it)\n"
        } else {
            ""
        };
        s.push_str(&format!(
            "\n### {}\n\n`{}` · default `{}` · {}.\n\n- **Flags:** {}\n- **Why:** {}\n- **Fix:** {}\n- **Suppress:** {}\n{dialects}",
            i.code,
            i.name,
            i.default_level.as_str(),
            i.summary,
            i.flags,
            i.why,
            i.fix,
            i.suppress()
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// STYLE_GUIDE.md is the generated text; regenerate with SCHEMACTL_BLESS=1.
    #[test]
    fn style_guide_is_up_to_date() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("STYLE_GUIDE.md");
        let want = style_guide();
        if std::env::var_os("SCHEMACTL_BLESS").is_some() {
            std::fs::write(&path, &want).expect("write STYLE_GUIDE.md");
        }
        let have = std::fs::read_to_string(&path).unwrap_or_default();
        for r in registry() {
            assert!(
                have.contains(&format!("### {}", r.info.code)),
                "STYLE_GUIDE.md does not document {}; run with SCHEMACTL_BLESS=1",
                r.info.code
            );
        }
        assert!(
            have == want,
            "STYLE_GUIDE.md is stale; regenerate it with SCHEMACTL_BLESS=1 cargo test -p schemactl --lib guard::docs"
        );
    }

    #[test]
    fn explain_has_every_section() {
        let text = explain(super::super::rule("SG101").unwrap());
        insta::assert_snapshot!(text);
    }
}
