//! `schemactl init`: a new project from nothing: a schema crate with one example module, its
//! first migration, `schemactl.yaml`, the cargo alias, and a GitHub Actions workflow that runs
//! `guard --format sarif` (uploaded to code scanning), `generate --check` and posts the
//! `diff --base` review as a pull-request comment.

use crate::dialect::DialectKind;
use crate::dsl::*;
use crate::{Diagnostics, Schema};

/// The example module's source, as the scaffold writes it.
pub const EXAMPLE_MODULE: &str = include_str!("example.rs.txt");

/// The example schema, built here exactly as [`EXAMPLE_MODULE`] declares it, so `init` can
/// write the first migration without compiling the crate (the init test proves they agree:
/// `guard` on the new project finds the migration up to date).
pub fn example_schema() -> Result<Schema, Diagnostics> {
    const BIZES: TableRef = TableRef::new("bizes");
    const USERS: TableRef = TableRef::new("users");
    const PROJECTS: TableRef = TableRef::new("projects");
    const PROJECT_STATUS: EnumDef =
        EnumDef::new("project_status", &["draft", "active", "archived"]);
    let mut s = SchemaBuilder::new();
    s.domain("example");
    s.table(BIZES)
        .doc("The tenants: every business table carries biz_id, a foreign key to this table.")
        .id_tagged("biz")
        .col("name", text())
        .col("created_at", timestamptz().default_now());
    s.table(USERS)
        .doc("People who sign in; global, since one person may work for several businesses.")
        .global("one person may work for several businesses")
        .id_tagged("user")
        .col("email", text().unique())
        .col("created_at", timestamptz().default_now());
    s.table(PROJECTS)
        .doc("Work a business tracks; soft-deleted, and a live name is unique per business.")
        .tenant_scoped()
        .id_tagged("project")
        .col("name", text())
        .col("status", enum_of(PROJECT_STATUS).default_enum("draft"))
        .audited()
        .unique_where(["biz_id", "name"], "deleted_at IS NULL");
    s.build()
}

/// What the scaffold is called and how it depends on schemactl.
#[derive(Debug, Clone)]
pub struct InitOptions {
    pub crate_name: String,
    /// The TOML value of the `schemactl` dependency.
    pub schemactl_dependency: String,
}

const WORKFLOW: &str = r#"# Checks every pull request's schema and migrations with schemactl.
name: schema

on:
  pull_request:
  push:
    branches: [main]

permissions:
  contents: read
  security-events: write # upload the guard report to code scanning
  pull-requests: write # comment the schema review on the pull request

jobs:
  schemactl:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0 # diff --base reads the base branch's migrations
      - uses: dtolnay/rust-toolchain@stable
      - name: Install libclang (schemactl's SQL parser builds PostgreSQL's own)
        run: sudo apt-get update && sudo apt-get install -y libclang-dev
      - uses: Swatinem/rust-cache@v2

      - name: Guard (style, FK graph, migration integrity, SQL lock lint)
        id: guard
        run: cargo schemactl guard --format sarif > guard.sarif
        continue-on-error: true
      - name: Upload the guard report
        uses: github/codeql-action/upload-sarif@v3
        with:
          sarif_file: guard.sarif
          category: schemactl-guard

      - name: Every schema change has its migration
        run: cargo schemactl generate --check

      - name: Review the change (Markdown)
        if: github.event_name == 'pull_request'
        run: cargo schemactl diff --base "origin/${{ github.base_ref }}" --format markdown > schema-review.md
      - name: Comment the review on the pull request
        if: github.event_name == 'pull_request'
        env:
          GH_TOKEN: ${{ github.token }}
        run: |
          gh pr comment "${{ github.event.pull_request.number }}" --body-file schema-review.md --edit-last \
            || gh pr comment "${{ github.event.pull_request.number }}" --body-file schema-review.md

      - name: Fail when guard found errors
        if: steps.guard.outcome == 'failure'
        run: exit 1
"#;

/// The scaffold's files (relative path, text), the first migration and its sum included.
pub fn scaffold(opts: &InitOptions) -> Result<Vec<(String, String)>, Diagnostics> {
    let lib = opts.crate_name.replace('-', "_");
    let schema = example_schema()?;
    let initial = crate::generate::render_script(&schema, DialectKind::Postgres)?;
    let sum = crate::migrate::SumFile::of([(
        "0001_initial.sql".to_string(),
        crate::migrate::checksum(initial.as_bytes()),
    )]);
    Ok(vec![
        (
            "Cargo.toml".into(),
            format!(
                "[package]\nname = \"{0}\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n[lib]\npath = \"src/lib.rs\"\n\n[[bin]]\nname = \"{0}\"\npath = \"src/main.rs\"\n\n[dependencies]\nschemactl = {1}\n\n# A workspace of its own; make it a member of yours by removing this table.\n[workspace]\n",
                opts.crate_name, opts.schemactl_dependency
            ),
        ),
        (
            ".cargo/config.toml".into(),
            format!(
                "# `cargo schemactl <command>` runs schemactl over this crate's schema.\n[alias]\nschemactl = \"run --quiet --bin {} --\"\n",
                opts.crate_name
            ),
        ),
        (".gitignore".into(), "/target\n".into()),
        (
            "schemactl.yaml".into(),
            "# schemactl's settings; every key is optional (see schemactl's STYLE_GUIDE.md for guard).\nmigrations: migrations\ndialect: postgres\nguard:\n  tenant:\n    column: biz_id   # the column every business table carries\n    table: bizes     # the tenant root it references\n  graph:\n    roots: [bizes, users]\n# dev:\n#   prelude: [dev/prelude.sql]   # SQL run before the migrations in scratch databases\n".into(),
        ),
        (
            "src/lib.rs".into(),
            "//! The schema, declared in schemactl's DSL: `build()` calls every module's `declare`.\n\nuse schemactl::prelude::*;\n\npub mod example;\n\n/// Builds the schema.\npub fn build() -> Result<Schema, Diagnostics> {\n    let mut s = SchemaBuilder::new();\n    example::declare(&mut s);\n    s.build()\n}\n".into(),
        ),
        ("src/example.rs".into(), EXAMPLE_MODULE.to_string()),
        (
            "src/main.rs".into(),
            format!("//! `cargo schemactl <command>`: schemactl's CLI over this crate's schema.\n\nfn main() -> std::process::ExitCode {{\n    schemactl::cli::main_with_schema({lib}::build)\n}}\n"),
        ),
        ("migrations/0001_initial.sql".into(), initial),
        ("migrations/schemactl.sum".into(), sum.render()),
        (".github/workflows/schema.yml".into(), WORKFLOW.to_string()),
        (
            "README.md".into(),
            format!("# {}\n\nThe database schema, declared in Rust with schemactl.\n\n```sh\ncargo schemactl guard               # style rules, FK graph, migration integrity, SQL lock lint\ncargo schemactl generate            # after editing src/: writes the next migration\ncargo schemactl generate --check    # CI: fails when a change has no migration\ncargo schemactl apply --database-url postgres://...\n```\n\n`.github/workflows/schema.yml` runs guard (SARIF to code scanning), `generate --check`, and\ncomments `diff --base` on each pull request.\n", opts.crate_name),
        ),
    ])
}
