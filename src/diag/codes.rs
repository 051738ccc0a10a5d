//! Every diagnostic code that is not a guard rule, listed once: what a report with that code
//! means and what to do about it. `schemactl explain CODE` prints an entry (see
//! [`crate::explain`]); guard rule codes (`SGnnn`) are documented by their rules in
//! `guard/rules/` and `guard/lint/`.
//!
//! Call sites keep spelling their codes as string literals
//! (`Diagnostic::error("apply::lock-timeout", ...)`). A test reads `src/` and fails when a code
//! used there is missing here, or a code listed here is used nowhere, so the list cannot rot.
//! Add a code: use it at its call site, then add its entry to [`ALL`], in code order.

/// One diagnostic code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Code {
    /// `area::name` (e.g. `apply::lock-timeout`); `io` is the one code without an area.
    pub code: &'static str,
    /// What a report with this code means, in one sentence.
    pub summary: &'static str,
    /// What to do about it.
    pub fix: &'static str,
}

const fn code(code: &'static str, summary: &'static str, fix: &'static str) -> Code {
    Code { code, summary, fix }
}

/// Every code, in code order.
pub const ALL: &[Code] = &[
    // Applying migrations and talking to databases: apply, status, --baseline, --fleet.
    code(
        "apply::ambiguous-bookkeeping",
        "`--baseline auto` (or `import --database-url`) found the tracking tables of more than one other migration tool in the database, and will not guess which one is current.",
        "Drop the tracking table of the tool that no longer migrates this database, or name the last migration the database already holds with `--baseline VERSION`.",
    ),
    code(
        "apply::bad-url",
        "A database URL is not one schemactl can use, or one of its parts (scheme, host, port, path, a TLS option) is wrong; the message says which, without quoting the password.",
        "Write `postgres://user@host:port/database`, a `key=value` string such as `host=/run/postgresql dbname=app`, or `sqlite:path/to/file.db`; keep the password out of the URL (PGPASSWORD).",
    ),
    code(
        "apply::bad-version",
        "`--to` or `--baseline` names a version no file of the migration folder has, or `--to` is below `--baseline`.",
        "Give the version number a migration file's name starts with (`0007` for `0007_add_invoices.sql`), and a `--to` at or above the `--baseline`.",
    ),
    code(
        "apply::baseline-mismatch",
        "`--baseline auto` compared the other tool's tracking rows with the migration folder and they disagree about what ran (a file missing, edited or in another order); nothing was recorded.",
        "Make the folder hold what the database ran (restore the files, or fix the old tool's journal and import again). Or bring each listed migration in line by hand and name the last one the database holds with `--baseline VERSION`.",
    ),
    code(
        "apply::baseline-on-tracked",
        "`--baseline` was given for a database schemactl has already applied migrations to; a baseline is only for adopting a database schemactl has never touched.",
        "Drop `--baseline`: the tracking table already records what ran, and `apply` continues from there.",
    ),
    code(
        "apply::connect",
        "schemactl could not connect to the database: the server did not answer or refused the login, or the SQLite file does not exist, is not a regular file, or cannot be opened.",
        "Check the host, port, user and password (PGPASSWORD) for PostgreSQL, or the path and its permissions for SQLite. `apply` creates a SQLite file on its first run; `status`, `drift` and `diff` only read an existing one.",
    ),
    code(
        "apply::database",
        "A query schemactl runs for its own bookkeeping failed: taking the migration lock, creating or reading the tracking table, reading another tool's tracking table, or recording a baseline.",
        "Read the database's message in the report. It is usually a permission (the user must be able to create and write the tracking table) or a read-only or unavailable database.",
    ),
    code(
        "apply::failed",
        "A statement of a migration file failed while it was applied (or when the migrations were run on a scratch database); the report names the file, the statement and the database's message.",
        "A transactional file was rolled back completely: fix it, run `schemactl migrations rehash` and apply again. In a no-transaction file the statements before the failing one stay applied and recorded: fix only the failing statement or those after it, rehash and apply again to resume.",
    ),
    code(
        "apply::lock-timeout",
        "Another schemactl run holds the migration lock on this database (or tenant schema), and this run gave up waiting for it.",
        "Wait for the other run to finish, or wait longer with `--lock-timeout`.",
    ),
    code(
        "apply::missing",
        "A migration the database records as applied is no longer in the migration folder.",
        "Restore the file from version control; applied migrations must never disappear. `--allow-missing` skips this check.",
    ),
    code(
        "apply::modified",
        "A migration the database records as applied was edited since (its checksum differs); for a no-transaction file that stopped part-way, the statements that already ran were edited.",
        "Restore the applied version and put the change in a new migration. For a part-way no-transaction file, restore the statements that ran; only the ones after them may change. `--allow-modified` skips this check.",
    ),
    code(
        "apply::no-bookkeeping",
        "`--baseline auto` (or `import --database-url`) found no other tool's tracking table in the database, so it cannot tell which migrations already ran.",
        "For a database no other tool migrated, name the last migration it already holds with `--baseline VERSION`; for a new, empty database, drop `--baseline`.",
    ),
    code(
        "apply::out-of-order",
        "A migration is not applied, but migrations after it are: it was added (or merged) with a number below the last applied one.",
        "Move it after the last applied migration with `schemactl migrations renumber FILE`, or pass `--allow-out-of-order` to apply it anyway.",
    ),
    code(
        "apply::renamed",
        "A migration was applied under another file name; its version and content are the same.",
        "An applied migration keeps its name: rename the file back and run `schemactl migrations rehash`, or pass `--allow-modified`.",
    ),
    code(
        "apply::transaction-control",
        "A migration file holds `BEGIN`, `COMMIT` or `ROLLBACK` where it cannot: in a file schemactl runs in one transaction, or as blocks that do not pair up (nested, unclosed, closed without opening, ended by ROLLBACK, or two-phase commit).",
        "Remove the transaction control and let schemactl's transaction hold the file; or put `-- schemactl:no-transaction` at the top and write each block as `BEGIN ... COMMIT`.",
    ),
    code(
        "apply::unknown-directive",
        "A migration file has a `-- schemactl:` comment that is not a directive schemactl knows, so it would do nothing.",
        "Write it exactly as `-- schemactl:no-transaction` or `-- schemactl:allow SG4xx <reason>` (no space after the colon), or make it an ordinary comment.",
    ),
    // The command line.
    code(
        "cli::dialect-mismatch",
        "The database is PostgreSQL and the project's migrations are SQLite, or the other way round.",
        "Give a URL of the right kind, or point `--config`/`--migrations` at the project for that database (or say `--dialect`).",
    ),
    code(
        "cli::fleet-option",
        "An option for one database was combined with `--fleet`: `--database-url` naming another database, or `--dry-run` or `--baseline` with `apply --fleet`.",
        "Give either `--database-url` or `--fleet`. Run `--dry-run` and `--baseline` per database with `--database-url`; `status --fleet` shows where every target stands.",
    ),
    code(
        "cli::no-database",
        "The command needs a database and none was given.",
        "Give `--database-url URL`, set DATABASE_URL, or use `--fleet` for every target of a fleet.",
    ),
    code(
        "cli::no-schema",
        "The command needs a declared schema, and the plain `schemactl` binary was given none.",
        "Run the command through your schema crate (`cargo schemactl ...`), or name a SQL schema file with `--schema-sql FILE` or `schema_sql:` in schemactl.yaml.",
    ),
    code(
        "cli::unreadable-schema",
        "The SQL schema file (`--schema-sql` or `schema_sql:`) cannot be read: missing, not a regular file, too large, or not UTF-8.",
        "Check the path; a path in schemactl.yaml is relative to that file.",
    ),
    // schemactl.yaml.
    code(
        "config::allow-without-reason",
        "An entry of `guard.allow` in schemactl.yaml has no reason.",
        "Say why the finding is acceptable in `reason:`; a suppression without a reason suppresses nothing.",
    ),
    code(
        "config::bad-distribution",
        "The `guard.distribution` section is inconsistent: both a column and `not_applicable`, neither, an empty column or reason, or `reference_tables` without a column.",
        "Either name the distribution column (with its reference tables), or say `not_applicable: <why>` for a project that will not be distributed; the message says what to change.",
    ),
    code(
        "config::invalid",
        "schemactl.yaml is not valid: a YAML syntax error, an unknown key, a value of the wrong type, or brackets nested too deep; the report points at the line.",
        "Fix the line the report points at. README.md lists every key; unknown keys are errors so that a typo is never ignored.",
    ),
    code(
        "config::not-utf8",
        "schemactl.yaml is not UTF-8 text.",
        "Save it as UTF-8.",
    ),
    code(
        "config::prelude",
        "A file listed in `dev.prelude` cannot be read: missing, not a regular file, too large, or not UTF-8.",
        "Fix the path (relative to schemactl.yaml) or remove the entry.",
    ),
    code(
        "config::unknown-rule",
        "`guard.severity` or `guard.allow` names a guard rule code that does not exist.",
        "Correct the code; `schemactl guard --list` lists every rule.",
    ),
    code(
        "config::unreadable",
        "The config file cannot be read: missing, not a regular file, or too large.",
        "Pass an existing file with `--config`, or leave `--config` out to use ./schemactl.yaml (or the defaults when there is none).",
    ),
    // schemactl diff.
    code(
        "diff::git",
        "`diff --base REV` could not read the migration folder at that revision: git is not installed, or git refused (an unknown revision, a folder outside the repository).",
        "Check the revision name (e.g. `origin/main`, fetched in CI) and that the migration folder is inside a git repository; without git, compare with `--from DIR`.",
    ),
    code(
        "diff::no-base",
        "`diff` was not told what to compare with.",
        "Give `--base REV` (a git revision), `--from DIR` (another migration folder) or `--from-database URL`, e.g. `schemactl diff --base origin/main --format markdown` on a pull request.",
    ),
    // schemactl explain.
    code(
        "explain::unknown-code",
        "`schemactl explain` was given a code that is neither a guard rule nor any other diagnostic code.",
        "Copy the code from the report (it is shown next to the message); `schemactl explain --list` lists every code.",
    ),
    // Fleets: --fleet and the fleet: section or file.
    code(
        "fleet::ambiguous-target",
        "A fleet target combines sources that exclude each other (more than one of `urls_query`, `schemas` and `schemas_query`), or has `urls_password_env` without `urls_query`.",
        "Make each entry one database (`url`), the databases a control query returns (`url` + `urls_query`), or the tenant schemas of one database (`url` + `schemas` or `schemas_query`); split it into several entries if needed.",
    ),
    code(
        "fleet::bad-label",
        "A label of a target, of a wave, or in a control query's row is malformed.",
        "Labels are short `key: value` pairs of letters, digits, `_`, `-` and `.` (e.g. `ring: canary`); a control query returns them as `key=value,...` in its second column.",
    ),
    code(
        "fleet::bad-name",
        "A fleet target's name is empty, longer than 100 characters, or holds spaces or control characters.",
        "Give every target a short name of letters, digits, `-`, `_` and `.`; reports and waves refer to it.",
    ),
    code(
        "fleet::bad-parallel",
        "`max_parallel` is 0 or above the most schemactl allows.",
        "Pick a number from 1 up that the servers' `max_connections` allow: each target run in parallel holds two connections.",
    ),
    code(
        "fleet::bad-password-env",
        "`password_env` or `urls_password_env` holds something that is not an environment variable name (a password, perhaps).",
        "Name a variable (A-Z, 0-9 and _), e.g. `password_env: EU_DB_PASSWORD`, and set it before the run; passwords never go in the fleet file.",
    ),
    code(
        "fleet::bad-query",
        "`urls_query` or `schemas_query` is empty.",
        "Give the SELECT that returns one row per target, or remove the key.",
    ),
    code(
        "fleet::bad-schema-name",
        "A tenant schema name (listed in `schemas`, or returned by `schemas_query`) is not a plain schema name schemactl accepts.",
        "Fix the name in the list or the control table, or filter it out in the query; tenant schemas are plain names such as `tenant_42`.",
    ),
    code(
        "fleet::bad-url",
        "A row of a fleet's `urls_query` has an empty or NULL URL.",
        "Make the query's first column each target's database URL, and leave out rows without one.",
    ),
    code(
        "fleet::bad-wave",
        "A wave's name is empty or repeated, or a wave other than the last has no labels (so it would take every target and leave the waves after it empty).",
        "Name each wave once, give every wave but the last the labels that select its targets, and leave the last one without labels to take the rest.",
    ),
    code(
        "fleet::duplicate-target",
        "Two fleet targets have the same name, or resolve to the same database or tenant schema.",
        "List each database or tenant schema once, each under its own name.",
    ),
    code(
        "fleet::invalid",
        "The fleet file (or the `fleet:` section) is not valid: a YAML syntax error, an unknown key, a value of the wrong type, or brackets nested too deep; the report points at the line.",
        "Fix the line the report points at; README.md describes the fleet keys.",
    ),
    code(
        "fleet::missing-password",
        "The environment variable a target's `password_env` (or `urls_password_env`) names is not set, or is empty.",
        "Export it with the database password before the run, or remove `password_env` to use PGPASSWORD.",
    ),
    code(
        "fleet::mixed-dialects",
        "The fleet has both PostgreSQL and SQLite targets, but one migration folder is for one dialect.",
        "Make one fleet per dialect, each with its own migration folder.",
    ),
    code(
        "fleet::no-targets",
        "The fleet lists no targets, or a target's `schemas` is an empty list.",
        "Add `targets:` entries, each with a name and a url (and `schemas` or a query for many); list the tenant schemas or remove the entry.",
    ),
    code(
        "fleet::no-wave",
        "A fleet target's labels match none of the waves, so it would never run.",
        "End the waves with one without labels (e.g. `- name: rest`), which takes every target left, or give the target labels a wave selects.",
    ),
    code(
        "fleet::none",
        "`--fleet` was given without a file, and schemactl.yaml has no `fleet:` section (or there is no schemactl.yaml).",
        "Add a `fleet:` section with `targets:` to schemactl.yaml, or name a fleet file: `--fleet fleet.yaml`.",
    ),
    code(
        "fleet::password-in-url",
        "A target's URL, or a URL a control query returned, holds a password; fleet passwords come only from the environment.",
        "Take the password out of the URL and name the variable that holds it with `password_env` (or `urls_password_env` for a query's URLs); both default to PGPASSWORD.",
    ),
    code(
        "fleet::query-failed",
        "A fleet's control query (`urls_query` or `schemas_query`) failed on its database.",
        "Run the query by hand on that database. It must return one row per target: the URL or schema name first, optionally its labels (`key=value,...`) second.",
    ),
    code(
        "fleet::schemas-on-sqlite",
        "A fleet target asks for tenant schemas of a SQLite database, which has no schemas.",
        "List each tenant's SQLite file as its own target, or return them from a `urls_query`.",
    ),
    code(
        "fleet::too-many-targets",
        "The fleet resolves to more targets than one run rolls out (a control query returned too many rows, or the fleet as a whole is too large).",
        "Split it into several fleets, or check the query's WHERE.",
    ),
    code(
        "fleet::unreadable",
        "The fleet file named by `--fleet FILE` cannot be read, or is not UTF-8 text.",
        "Check the path; `--fleet FILE` names a YAML file with `targets:`, and `--fleet` alone reads the `fleet:` section of schemactl.yaml.",
    ),
    // schemactl generate.
    code(
        "generate::plan-failed",
        "The migration `generate` planned failed when it was tried on the scratch database after the folder's migrations; nothing was written.",
        "This is a schemactl bug worth reporting. Meanwhile write the change as a migration by hand and run `schemactl migrations rehash`.",
    ),
    code(
        "generate::unplannable",
        "`generate` cannot yet write a migration that takes the folder's schema to the declared one: the folder plus the plan (replayed, or for SQLite run on a scratch database) would still differ from the declared schema; nothing was written, and the report lists what the plan would miss.",
        "Write this change as a migration by hand and run `schemactl migrations rehash`.",
    ),
    // schemactl guard (its findings have SGnnn codes).
    code(
        "guard::bad-dev-url",
        "`guard --dev-url` was given for a SQLite project; `--dev-url` names a PostgreSQL server.",
        "Leave out `--dev-url`: SQLite folders run on temporary files.",
    ),
    code(
        "guard::unknown-rule",
        "`guard --explain` was given a code that is not a guard rule.",
        "`schemactl guard --list` lists every rule code; `schemactl explain CODE` explains any code, not only guard rules.",
    ),
    // schemactl import.
    code(
        "import::already-schemactl",
        "The folder to import already is a schemactl migration folder (it has schemactl.sum).",
        "Nothing to import: point `--migrations` (or `migrations:` in schemactl.yaml) at it.",
    ),
    code(
        "import::bad-file-name",
        "A file in the folder to import has a name that is not UTF-8.",
        "Rename it in plain characters or move it out, then import again.",
    ),
    code(
        "import::bad-journal",
        "drizzle-kit's `meta/_journal.json` cannot be read as a journal, or an entry is wrong (a tag that is not a file name, a tag listed twice).",
        "Restore the journal from version control or fix the entry the message names, then import again.",
    ),
    code(
        "import::bad-version",
        "A migration file's name does not start with a version the old tool could read (Diesel, sqlx, golang-migrate, dbmate, Flyway).",
        "Rename it the way the old tool names files (the message says how), or move it out, then import again.",
    ),
    code(
        "import::baseline-migration",
        "A Flyway baseline migration (`B...`) was not imported: it recreates what the versioned files before it built, for new databases only.",
        "Nothing, normally: schemactl runs the versioned files instead.",
    ),
    code(
        "import::duplicate-version",
        "Several files of the imported folder share one version; they were all imported, in the old tool's order.",
        "The old tool can have applied at most one of them (drizzle-kit runs them all): check which one your databases ran before `apply --baseline auto`.",
    ),
    code(
        "import::edited-file",
        "A file differs from what Atlas's `atlas.sum` recorded (or the sum's total does not match its lines); it was imported as it is now.",
        "If the file ran on a database before it was edited, `schemactl drift` will show the difference; schemactl.sum replaces atlas.sum.",
    ),
    code(
        "import::empty",
        "The folder to import holds no migrations of the layout being read.",
        "Check the folder and `--from`; `--from auto` guesses the layout from the files.",
    ),
    code(
        "import::ignored-file",
        "A file in the folder to import is not a migration for the old tool (the message says why), so it was not imported; the old tool skips it too.",
        "Nothing, unless it should have been a migration: then rename it as the old tool expects and import again.",
    ),
    code(
        "import::journal-index",
        "A drizzle-kit journal entry's `idx` does not match its place in the journal.",
        "Nothing: drizzle-orm ignores `idx` and runs entries in the journal's order, and so does the import.",
    ),
    code(
        "import::journal-order",
        "drizzle-kit's journal runs the files in another order than their names; the import follows the journal, as drizzle-orm does.",
        "Nothing, normally: the new numbers follow the journal's order. Check the order is the one your databases ran.",
    ),
    code(
        "import::journal-time",
        "A drizzle-kit journal entry is not stamped later than the one before it, so a database that ran the earlier one before this entry was added never ran it.",
        "Check which databases ran it; `apply --baseline auto` checks by hash which of them each database holds and refuses to guess.",
    ),
    code(
        "import::layout-guess",
        "The folder holds `.up.sql`/`.down.sql` files, which sqlx and golang-migrate both write, and the import chose one by the shape of the versions.",
        "Both order files by version, so the folder is the same either way; pass `--from sqlx` or `--from golang-migrate` to say which tool it was.",
    ),
    code(
        "import::missing-file",
        "A file the old tool expects is missing: a Diesel migration without `up.sql`, a drizzle-kit journal entry without its file (errors), or a file atlas.sum lists (a warning).",
        "Restore the file from version control or remove the entry, then import again; for atlas.sum, a database that ran the file holds what it built, which `schemactl drift` will show.",
    ),
    code(
        "import::missing-folder",
        "The folder to import does not exist.",
        "Give the folder the old tool keeps its migrations in, e.g. `schemactl import --from diesel migrations`.",
    ),
    code(
        "import::no-transaction",
        "An imported file was marked by the old tool to run outside a transaction; it now starts with `-- schemactl:no-transaction`, schemactl's spelling of the same thing.",
        "Nothing: the rest of the file is unchanged.",
    ),
    code(
        "import::no-up-section",
        "A dbmate file has no `-- migrate:up` line.",
        "Add the line before its SQL (dbmate refuses the file too), then import again.",
    ),
    code(
        "import::not-a-directory",
        "The path to import is a file, not a folder.",
        "Give the folder that holds the migrations, not a file in it.",
    ),
    code(
        "import::not-in-journal",
        "A drizzle-kit SQL file is not listed in `meta/_journal.json`, so drizzle-orm never ran it and it was not imported.",
        "If it belongs to the history, add its entry to the journal and import again; if it was run by hand, add it as a new migration after the import.",
    ),
    code(
        "import::not-in-sum",
        "A file of an Atlas folder is not listed in atlas.sum; it was imported in file-name order, as Atlas would run it.",
        "Check that it is meant to be there (Atlas itself refuses the folder until `atlas migrate hash`).",
    ),
    code(
        "import::not-utf8",
        "A migration file to import is not UTF-8 text.",
        "Save it as UTF-8, then import again.",
    ),
    code(
        "import::nul-byte",
        "A migration file to import holds a NUL byte, which SQL text cannot.",
        "Remove it (the file was probably saved as UTF-16, or corrupted), then import again.",
    ),
    code(
        "import::renumbered",
        "The imported folder is numbered 1..N in the old tool's order, because its own versions are not whole numbers, start at 0, or do not sort in run order.",
        "Nothing: each file keeps the old tool's name after its new number, and `apply --baseline auto` matches the old tool's rows by that name or by checksum.",
    ),
    code(
        "import::repeatable",
        "A Flyway repeatable migration (`R__...`) was not imported: schemactl has no migrations that re-run when they change.",
        "Declare what it creates (a view, a function) in the schema, or copy it into a new numbered migration after the import and rehash.",
    ),
    code(
        "import::target-not-empty",
        "The folder `import` would write already exists and is not empty, or is the folder being imported.",
        "Write the schemactl folder elsewhere with `--migrations DIR` (and name it in schemactl.yaml as `migrations:`), or move the old one away.",
    ),
    code(
        "import::unknown-layout",
        "The import could not tell which tool wrote the folder from its files.",
        "Name the layout with `--from` (diesel, sqlx, golang-migrate, dbmate, flyway, drizzle-kit, atlas), or check that the path is the folder holding the migrations.",
    ),
    code(
        "import::unpaired-down",
        "A down (or Flyway undo) file has no up file of its version, so it was not imported.",
        "Nothing, unless its up file is missing by mistake: a down file is only kept beside the migration it reverses.",
    ),
    code(
        "import::unreadable-folder",
        "The folder to import cannot be listed.",
        "Check the path and its permissions.",
    ),
    code(
        "import::unsupported-dialect",
        "The drizzle-kit journal is for a database other than PostgreSQL or SQLite.",
        "schemactl supports PostgreSQL and SQLite folders only.",
    ),
    // schemactl init.
    code(
        "init::bad-name",
        "The package name given with `init --name` is not one cargo accepts.",
        "Give `--name` with letters, digits, `-` and `_`, starting with a letter, e.g. `--name shop-schema`.",
    ),
    code(
        "init::bad-schemactl-path",
        "`--schemactl-path` does not name a folder that exists.",
        "Name a schemactl checkout (the folder with its Cargo.toml), or leave the flag out to depend on the published version.",
    ),
    code(
        "init::target-not-empty",
        "The folder `init` would create the project in already exists and is not empty; nothing was written.",
        "Name a new folder, or an empty one.",
    ),
    // Reading a live database.
    code(
        "inspect::connect",
        "A SQLite database could not be opened (read-only) to read its schema back.",
        "Check the `sqlite:` path and its permissions; the file must exist.",
    ),
    code(
        "inspect::query",
        "Reading the database's catalog (PostgreSQL) or `sqlite_master` (SQLite) failed.",
        "Read the database's message in the report; the user needs to be able to read the catalog of every schema.",
    ),
    // Files.
    code(
        "io",
        "A file or folder could not be read or written: missing, not a regular file, too large, or an error from the system.",
        "Check the path the message names, its permissions and the free space; migration folders hold regular files only.",
    ),
    // The migration folder and schemactl.sum.
    code(
        "migrations::bad-file-name",
        "A file in the migration folder is not named `NNNN_name.sql` (or its name is not UTF-8), or `migrations renumber` was given such a name.",
        "Rename it `NNNN_name.sql` (a version, `_`, a name of plain characters without spaces), or move other files out of the folder.",
    ),
    code(
        "migrations::bad-sum-file",
        "schemactl.sum cannot be parsed (or is not UTF-8); the report points at the line.",
        "Check the migration files are as intended, then rewrite it with `schemactl migrations rehash`.",
    ),
    code(
        "migrations::bad-total",
        "The total hash on the first line of schemactl.sum does not match its entries: the sum file was edited by hand or merged badly.",
        "Check the migration files are as intended, then run `schemactl migrations rehash`.",
    ),
    code(
        "migrations::duplicate-version",
        "Two files of the migration folder share one version number, typically because two branches each added the next migration.",
        "Move the one that was not applied anywhere after the others with `schemactl migrations renumber FILE`.",
    ),
    code(
        "migrations::edited-file",
        "A migration file was edited after it was generated: its checksum differs from the one schemactl.sum records.",
        "Put the file back and write a new migration for the change. If the edit is deliberate and the file was applied nowhere, run `schemactl migrations rehash`.",
    ),
    code(
        "migrations::missing-file",
        "A file schemactl.sum lists is missing from the migration folder, or `migrations renumber` was given a file that does not exist.",
        "Restore the file from version control (applied migrations must never disappear), or name a file that is in the folder.",
    ),
    code(
        "migrations::missing-folder",
        "The migration folder (from `--migrations` or `migrations:` in schemactl.yaml) does not exist, or is given as an empty path.",
        "Check the path (a path in schemactl.yaml is relative to that file); `schemactl generate` writes the first migration into a new folder.",
    ),
    code(
        "migrations::missing-sum",
        "The migration folder has migration files but no schemactl.sum, so edited, missing and reordered files cannot be detected.",
        "`schemactl generate` writes it; if the files are as intended, `schemactl migrations rehash` creates it.",
    ),
    code(
        "migrations::not-a-directory",
        "The migration folder's path names a file, not a folder.",
        "Point `migrations:` in schemactl.yaml (or `--migrations`) at the migration folder.",
    ),
    code(
        "migrations::not-utf8",
        "A migration file is not UTF-8 text.",
        "Save it as UTF-8.",
    ),
    code(
        "migrations::nul-byte",
        "A migration file holds a NUL byte, which SQL text cannot hold: a database would stop reading at it or refuse the file.",
        "Remove it; the file was probably saved in another encoding (UTF-16?) or corrupted.",
    ),
    code(
        "migrations::reordered",
        "The migration files are in another order than schemactl.sum records: files were renumbered.",
        "If the renumbering is deliberate and the files were applied nowhere in the old order, run `schemactl migrations rehash`.",
    ),
    code(
        "migrations::unlisted-file",
        "A migration file is not listed in schemactl.sum: it was added by hand or came with another branch.",
        "If the file is meant to be there, run `schemactl migrations rehash` (and `schemactl migrations renumber FILE` if its number is below files already applied).",
    ),
    code(
        "migrations::version-overflow",
        "`migrations renumber` cannot give the file a version after the last one: the folder's last version is already the largest a database can record (the largest `bigint`).",
        "Give that last file a smaller version if no database has applied it, then run `schemactl migrations rehash` and renumber again.",
    ),
    // schemactl pull.
    code(
        "pull::bad-crate-name",
        "The package name given with `pull --crate-name` is not one cargo accepts.",
        "Give `--crate-name` with letters, digits, `-` and `_`, starting with a letter, e.g. `--crate-name shop-schema`.",
    ),
    code(
        "pull::bad-schemactl-path",
        "`--schemactl-path` does not name a folder that exists.",
        "Name a schemactl checkout (the folder with its Cargo.toml), or leave the flag out to depend on the published version.",
    ),
    code(
        "pull::empty",
        "The database (or SQL schema) holds no tables or types to write.",
        "Check the database URL or the SQL file: `pull` reads the tables of every schema except the system ones.",
    ),
    code(
        "pull::no-source",
        "`pull` was given neither a database nor a SQL schema to read.",
        "Give `--database-url URL` or `--schema-sql FILE`, e.g. `schemactl pull --database-url postgres://app@db/app --out schema`.",
    ),
    code(
        "pull::target-not-empty",
        "The folder `pull` would write the crate into already exists and is not empty; nothing was written.",
        "Name a new folder with `--out`, or an empty one.",
    ),
    // Replaying migrations offline (generate, guard, a SQL schema).
    code(
        "replay::conflict",
        "A statement creates what an earlier statement already created (the same table or column added by two migrations), so it fails where it runs.",
        "Drop the first one before creating it again, or use `IF NOT EXISTS`. If an earlier statement replay could not follow removed it, the folder is run on a scratch database instead.",
    ),
    code(
        "replay::rejected",
        "PostgreSQL's grammar rejects a statement, so the migration cannot run as written; the report gives the parser's message, line and column.",
        "Fix the statement.",
    ),
    code(
        "replay::unknown-object",
        "A statement uses a table, column, type or other object that no earlier migration created.",
        "Migrations replay in order: make an earlier migration create it, fix the name, or use `IF EXISTS`.",
    ),
    code(
        "replay::unsupported",
        "schemactl cannot follow a statement by reading it (SQL built at run time, DDL under a data-dependent condition, a statement kind replay does not know), so it cannot rebuild the schema from the SQL alone.",
        "Nothing, usually: `generate` then runs the folder on a scratch database (`--dev-url`, or a throwaway local server) and says so. To stay offline, write the change as plain DDL.",
    ),
    // The declared schema (the DSL and its checks).
    code(
        "schema::bad-collation",
        "A column's COLLATE is empty, or on a type that does not sort text.",
        "Name a collation (`.collate(\"C\")`) on a text, varchar or char column, or a domain over one.",
    ),
    code(
        "schema::bad-default",
        "A column's default is not one of the values of its enum type.",
        "Use one of the enum's values (the report lists them), or add the value to the enum.",
    ),
    code(
        "schema::bad-rename",
        "An enum rename hint (`enum_value_renamed`) does not match the enum: the new value must be among its values and the old one no longer.",
        "Name the old value and the new one as the enum now declares it.",
    ),
    code(
        "schema::duplicate",
        "Something is declared twice: a schema, a table, a column in one table, a second primary key, an enum with different values, or one name used by two objects (or two constraints of one table).",
        "Declare each object once, or give one of the two another name; the report says where the first one is.",
    ),
    code(
        "schema::duplicate-view",
        "A view is declared twice.",
        "Declare each view once.",
    ),
    code(
        "schema::empty-table",
        "A table has no columns.",
        "Declare its columns, or remove the table.",
    ),
    code(
        "schema::fk-arity",
        "A foreign key has a different number of columns than the key it references.",
        "List as many referencing columns as referenced ones, in the same order.",
    ),
    code(
        "schema::fk-target-not-unique",
        "A foreign key references columns that are neither the target table's primary key nor one of its unique keys, which the database refuses.",
        "Declare a unique key on those columns of the target table, or reference a key it has.",
    ),
    code(
        "schema::fk-type-mismatch",
        "A foreign key column's type differs from the type of the column it references.",
        "Make both columns the same type.",
    ),
    code(
        "schema::generated-with-default",
        "A generated column also has a default, which the database refuses.",
        "Remove the default: a generated column's value always comes from its expression.",
    ),
    code(
        "schema::helper-missing-column",
        "An invariant helper (`one_live_wrapper`, `exactly_one_by`, `no_overlap`) names a column its table does not have.",
        "Declare the column or fix the name; `one_live_wrapper` ignores soft-deleted rows, so its table needs `.audited()` for `deleted_at`.",
    ),
    code(
        "schema::helper-unknown-label",
        "An invariant helper (`exactly_one_by`) compares an enum column with a label that is not a value of that enum.",
        "Use one of the enum's values (the report lists them), or add the label to the enum.",
    ),
    code(
        "schema::identifier-too-long",
        "A name is longer than 63 bytes; PostgreSQL would silently cut it, and two names could become one.",
        "Choose a shorter name.",
    ),
    code(
        "schema::missing-column",
        "A primary key, unique constraint, index, partition key or foreign key (on either side) names a column its table does not have.",
        "Declare the column, or fix the name (the report suggests a close one when there is one).",
    ),
    code(
        "schema::missing-schema",
        "A table is in a PostgreSQL schema (namespace) that is not declared.",
        "Declare it with `s.namespace(\"name\", \"...\")`.",
    ),
    code(
        "schema::missing-table",
        "A foreign key references a table that is not declared.",
        "Declare the table, or fix the name (the report suggests a close one when there is one).",
    ),
    code(
        "schema::missing-type",
        "A column uses an enum type that is not declared.",
        "Declare the enum, or fix the name.",
    ),
    code(
        "schema::nullable-key",
        "A primary key column is declared nullable.",
        "Drop `.null()` from the column: primary key columns are always NOT NULL.",
    ),
    code(
        "schema::tenant-ref-to-untenanted",
        "A tenant-safe reference points at a table that is not tenant-scoped, so there is no tenant column to compare.",
        "Declare the target table with `.tenant_scoped()`, or use a plain `.fk(..)`.",
    ),
    // Scratch databases (generate, guard --dev-url, drift, diff).
    code(
        "scratch::bad-dev-url",
        "`--dev-url` was given for a SQLite project, or is not a PostgreSQL URL.",
        "Leave out `--dev-url` for SQLite (its scratch databases are temporary files); for PostgreSQL give `postgres://user@host/db`.",
    ),
    code(
        "scratch::create-database",
        "schemactl could not create a scratch database on the `--dev-url` server.",
        "Name a server where this user may create (and drop) databases.",
    ),
    code(
        "scratch::no-dev-database",
        "The migrations have to run on a scratch PostgreSQL database, and without `--dev-url` none could be started locally.",
        "Pass `--dev-url postgres://...`, a server where schemactl may create and drop a database; or install the PostgreSQL server binaries (initdb and pg_ctl, or set SCHEMACTL_PG_BIN) for a throwaway local one.",
    ),
    code(
        "scratch::prelude",
        "A `dev.prelude` file failed when it ran on a scratch database.",
        "Fix the file: it runs before the migrations in every scratch database, never on a live one.",
    ),
    // Rendering for SQLite.
    code(
        "sqlite::unsupported",
        "The declared schema uses something SQLite cannot express.",
        "Declare it only for PostgreSQL schemas, or enforce the rule in the application.",
    ),
];

/// The entry for `code` (letter case ignored).
pub fn lookup(code: &str) -> Option<&'static Code> {
    ALL.iter().find(|c| c.code.eq_ignore_ascii_case(code))
}

#[cfg(test)]
mod tests {
    //! The registry against the source: every code a call site spells is listed, and every
    //! listed code is spelled somewhere. Codes are found as string literals outside comments
    //! and `#[cfg(test)]` items: any literal shaped `area::name`, any literal passed first to
    //! `Diagnostic::error` (or `warning`/`note`), and templates like `"{what}::name"` (which
    //! account for every listed code with that name).

    use super::*;
    use std::collections::{BTreeMap, BTreeSet};
    use std::path::{Path, PathBuf};

    /// Literals spelled like a code that are not diagnostic codes (none so far).
    const NOT_CODES: &[&str] = &[];

    /// The registry itself, which spells every code and uses none.
    const REGISTRY_FILE: &str = "src/diag/codes.rs";

    /// A string literal of a source file.
    #[derive(Debug)]
    struct Literal {
        line: usize,
        text: String,
        /// The first argument of `Diagnostic::error(`, `::warning(` or `::note(`.
        constructor_arg: bool,
    }

    /// What one file holds: its string literals outside comments and `#[cfg(test)]` items,
    /// and the out-of-line modules declared under `#[cfg(test)]` (`mod tests;`).
    #[derive(Debug, Default)]
    struct Scan {
        literals: Vec<Literal>,
        test_modules: Vec<String>,
    }

    fn is_ident(c: char) -> bool {
        c.is_alphanumeric() || c == '_'
    }

    /// A small Rust lexer: enough to tell code from comments, strings (plain, byte, raw) and
    /// character literals, and to skip the item after `#[cfg(test)]`.
    fn scan(src: &str) -> Scan {
        let c: Vec<char> = src.chars().collect();
        let mut line_of = Vec::with_capacity(c.len() + 1);
        let mut line = 1;
        for &ch in &c {
            line_of.push(line);
            if ch == '\n' {
                line += 1;
            }
        }
        line_of.push(line);
        let mut out = Scan::default();
        // The code before the cursor, whitespace left out, literals as `""`.
        let mut recent = String::new();
        let mut depth = 0usize;
        // While skipping a test item: the depth it started at, whether its body opened, and
        // its text up to the body (to read `mod NAME;`).
        let mut skip: Option<(usize, bool, String)> = None;
        let mut i = 0;
        while i < c.len() {
            let ch = c[i];
            let next = c.get(i + 1).copied().unwrap_or('\0');
            let prev = if i > 0 { c[i - 1] } else { ' ' };
            // Comments.
            if ch == '/' && next == '/' {
                while i < c.len() && c[i] != '\n' {
                    i += 1;
                }
                continue;
            }
            if ch == '/' && next == '*' {
                let mut nest = 0;
                while i < c.len() {
                    if c[i] == '/' && c.get(i + 1) == Some(&'*') {
                        nest += 1;
                        i += 2;
                    } else if c[i] == '*' && c.get(i + 1) == Some(&'/') {
                        nest -= 1;
                        i += 2;
                        if nest == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
                continue;
            }
            // String literals: `"..."`, `b"..."`, `r#"..."#`, `br"..."`.
            let raw_start =
                ch == 'r' && (!is_ident(prev) || (prev == 'b' && (i < 2 || !is_ident(c[i - 2]))));
            let hashes = if raw_start {
                c[i + 1..].iter().take_while(|&&h| h == '#').count()
            } else {
                0
            };
            let is_raw = raw_start && c.get(i + 1 + hashes) == Some(&'"');
            if ch == '"' || is_raw {
                let start = i;
                let body_start;
                let body_end;
                if is_raw {
                    body_start = i + hashes + 2;
                    let mut j = body_start;
                    loop {
                        if j >= c.len() {
                            break;
                        }
                        if c[j] == '"'
                            && c[j + 1..]
                                .iter()
                                .take(hashes)
                                .filter(|&&h| h == '#')
                                .count()
                                == hashes
                        {
                            break;
                        }
                        j += 1;
                    }
                    body_end = j.min(c.len());
                    i = (j + 1 + hashes).min(c.len());
                } else {
                    body_start = i + 1;
                    let mut j = body_start;
                    while j < c.len() && c[j] != '"' {
                        j += if c[j] == '\\' { 2 } else { 1 };
                    }
                    body_end = j.min(c.len());
                    i = (j + 1).min(c.len());
                }
                if skip.is_none() {
                    let constructor_arg = [
                        "Diagnostic::error(",
                        "Diagnostic::warning(",
                        "Diagnostic::note(",
                    ]
                    .iter()
                    .any(|k| recent.ends_with(k));
                    out.literals.push(Literal {
                        line: line_of[start],
                        text: c[body_start..body_end].iter().collect(),
                        constructor_arg,
                    });
                }
                recent.push_str("\"\"");
                continue;
            }
            // Character literals ('x', '\n', '"') and lifetimes ('a).
            if ch == '\'' {
                if next == '\\' {
                    let mut j = i + 3;
                    while j < c.len() && c[j] != '\'' {
                        j += 1;
                    }
                    i = j + 1;
                } else if c.get(i + 2) == Some(&'\'') {
                    i += 3;
                } else {
                    i += 1;
                }
                recent.push('\'');
                continue;
            }
            // Code.
            if let Some((start, opened, text)) = &mut skip {
                if !*opened {
                    text.push(ch);
                }
                match ch {
                    '{' => {
                        *opened = true;
                        depth += 1;
                    }
                    '}' => {
                        depth = depth.saturating_sub(1);
                        if *opened && depth == *start {
                            skip = None;
                        }
                    }
                    ';' if !*opened && depth == *start => {
                        let words: Vec<&str> = text.split_whitespace().collect();
                        if let Some(p) = words.iter().position(|w| *w == "mod") {
                            if let Some(name) = words.get(p + 1) {
                                out.test_modules
                                    .push(name.trim_end_matches(';').to_string());
                            }
                        }
                        skip = None;
                    }
                    _ => {}
                }
            } else {
                match ch {
                    '{' => depth += 1,
                    '}' => depth = depth.saturating_sub(1),
                    _ => {}
                }
            }
            if !ch.is_whitespace() {
                recent.push(ch);
                if skip.is_none() && recent.ends_with("#[cfg(test)]") {
                    skip = Some((depth, false, String::new()));
                }
            }
            if recent.len() > 200 {
                recent.drain(..100);
            }
            i += 1;
        }
        out
    }

    /// `area::name`: an area of lowercase letters, digits and `_`, a name of lowercase
    /// letters, digits and `-`.
    fn code_shaped(s: &str) -> bool {
        let Some((area, name)) = s.split_once("::") else {
            return false;
        };
        area.starts_with(|c: char| c.is_ascii_lowercase())
            && area
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            && name_shaped(name)
    }

    fn name_shaped(name: &str) -> bool {
        name.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    }

    /// The name of a template such as `{what}::target-not-empty`.
    fn template(s: &str) -> Option<&str> {
        let (area, name) = s.split_once("::")?;
        let inner = area.strip_prefix('{')?.strip_suffix('}')?;
        (!inner.is_empty()
            && inner.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && name_shaped(name))
        .then_some(name)
    }

    /// Every problem between the files (`(path relative to the crate, text)`) and the
    /// registry, one line each.
    fn problems(files: &[(String, String)], registry: &[Code]) -> Vec<String> {
        let listed: BTreeSet<&str> = registry.iter().map(|c| c.code).collect();
        let mut used: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut templates: Vec<(String, String)> = Vec::new();
        let scans: Vec<(&String, Scan)> = files.iter().map(|(p, t)| (p, scan(t))).collect();
        // Files of modules declared under #[cfg(test)]: `dir/NAME.rs` and `dir/NAME/`.
        let mut test_paths: Vec<String> = Vec::new();
        for (path, s) in &scans {
            let p = Path::new(path.as_str());
            let dir = match p.file_name().and_then(|n| n.to_str()) {
                Some("mod.rs" | "lib.rs" | "main.rs") => p.parent().unwrap().to_path_buf(),
                _ => p.with_extension(""),
            };
            for m in &s.test_modules {
                test_paths.push(dir.join(format!("{m}.rs")).display().to_string());
                test_paths.push(format!("{}/", dir.join(m).display()));
            }
        }
        for (path, s) in &scans {
            if path.as_str() == REGISTRY_FILE
                || test_paths.iter().any(|t| {
                    path.as_str() == t || (t.ends_with('/') && path.starts_with(t.as_str()))
                })
            {
                continue;
            }
            for l in &s.literals {
                let at = format!("{path}:{}", l.line);
                if let Some(name) = template(&l.text) {
                    templates.push((name.to_string(), at));
                } else if (code_shaped(&l.text) || l.constructor_arg)
                    && !NOT_CODES.contains(&l.text.as_str())
                {
                    used.entry(l.text.clone()).or_default().push(at);
                }
            }
        }
        let mut out = Vec::new();
        for (code, places) in &used {
            if !listed.contains(code.as_str()) {
                out.push(format!(
                    "{}: `{code}` is not in the registry: add it to `ALL` in {REGISTRY_FILE} with what it means and what to do",
                    places[0]
                ));
            }
        }
        let name_of = |c: &str| {
            c.split_once("::")
                .map_or(c.to_string(), |(_, n)| n.to_string())
        };
        for (name, at) in &templates {
            if !listed.iter().any(|c| name_of(c) == *name) {
                out.push(format!(
                    "{at}: the code template `{{..}}::{name}` matches no code in the registry: add each code it makes to `ALL` in {REGISTRY_FILE}"
                ));
            }
        }
        for c in &listed {
            let by_template = templates.iter().any(|(name, _)| name_of(c) == *name);
            if !used.contains_key(*c) && !by_template {
                out.push(format!(
                    "{REGISTRY_FILE}: `{c}` is listed but no source file uses it: remove its entry"
                ));
            }
        }
        out
    }

    fn rust_files(dir: &Path, root: &Path, out: &mut Vec<(String, String)>) {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                rust_files(&p, root, out);
            } else if p.extension().is_some_and(|e| e == "rs") {
                let rel = p.strip_prefix(root).unwrap().display().to_string();
                out.push((rel, std::fs::read_to_string(&p).unwrap()));
            }
        }
    }

    #[test]
    fn every_code_in_the_source_is_registered_and_every_registered_code_is_used() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        rust_files(&root.join("src"), root, &mut files);
        let problems = problems(&files, ALL);
        assert!(
            problems.is_empty(),
            "the diagnostic code registry and the source disagree:\n{}",
            problems.join("\n")
        );
        // The scan found the codes (a scanner that finds nothing would pass the above).
        let found: usize = files
            .iter()
            .filter(|(p, _)| p != REGISTRY_FILE)
            .map(|(_, t)| {
                scan(t)
                    .literals
                    .iter()
                    .filter(|l| code_shaped(&l.text))
                    .count()
            })
            .sum();
        assert!(found > ALL.len(), "only {found} code literals found");
    }

    #[test]
    fn the_registry_is_ordered_and_complete() {
        for pair in ALL.windows(2) {
            assert!(
                pair[0].code < pair[1].code,
                "`{}` must come after `{}` (code order, no duplicates)",
                pair[0].code,
                pair[1].code
            );
        }
        for c in ALL {
            assert!(
                code_shaped(c.code) || c.code == "io",
                "`{}` is not `area::name`",
                c.code
            );
            assert!(
                crate::guard::rule(c.code).is_none(),
                "`{}` is a guard rule",
                c.code
            );
            for (what, text) in [("summary", c.summary), ("fix", c.fix)] {
                assert!(
                    text.len() > 10 && text.ends_with('.') && !text.contains('\n'),
                    "`{}`: the {what} is one or more sentences on one line, ending in a full stop",
                    c.code
                );
            }
        }
        assert_eq!(
            lookup("APPLY::Connect").map(|c| c.code),
            Some("apply::connect")
        );
        assert!(lookup("SG101").is_none());
    }

    const SAMPLE: &str = r##"
//! Diagnostic::error("doc::comment", "")
fn f() {
    let q = '"'; let life: &'static str = "x";
    /* "block::comment" /* nested */ "still::comment" */
    Diagnostic::error("a::listed", "message with a::colon in it");
    Diagnostic::error(
        "plain",
        r#"raw "quoted::code" text"#,
    );
    other("b::unlisted");
    let t = format!("{what}::shared");
    let s = b"bytes";
}
#[cfg(test)]
mod tests {
    fn g() { Diagnostic::error("c::in-test", "{}"); }
}
#[cfg(test)]
mod more;
fn h() -> &'static str { "d::after-tests" }
"##;

    fn sample_registry(codes: &[&'static str]) -> Vec<Code> {
        codes.iter().map(|c| code(c, "s.", "f.")).collect()
    }

    #[test]
    fn the_scanner_reads_code_not_comments_tests_or_other_text() {
        let s = scan(SAMPLE);
        let texts: Vec<&str> = s.literals.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "x",
                "a::listed",
                "message with a::colon in it",
                "plain",
                "raw \"quoted::code\" text",
                "b::unlisted",
                "{what}::shared",
                "bytes",
                "d::after-tests"
            ]
        );
        let args: Vec<&str> = s
            .literals
            .iter()
            .filter(|l| l.constructor_arg)
            .map(|l| l.text.as_str())
            .collect();
        assert_eq!(args, ["a::listed", "plain"]);
        assert_eq!(s.literals[1].line, 6);
        assert_eq!(s.test_modules, ["more"]);
    }

    #[test]
    fn a_missing_or_unused_code_fails_naming_the_file_and_code() {
        let files = vec![
            ("src/x.rs".to_string(), SAMPLE.to_string()),
            // A test module declared out of line is not read.
            (
                "src/x/more.rs".to_string(),
                "fn t() { err(\"e::test-only\"); }".to_string(),
            ),
        ];
        let complete = sample_registry(&[
            "a::listed",
            "b::unlisted",
            "d::after-tests",
            "one::shared",
            "plain",
        ]);
        assert_eq!(problems(&files, &complete), Vec::<String>::new());
        let wrong = sample_registry(&[
            "a::listed",
            "d::after-tests",
            "one::shared",
            "plain",
            "z::stale",
        ]);
        assert_eq!(
            problems(&files, &wrong),
            [
                "src/x.rs:11: `b::unlisted` is not in the registry: add it to `ALL` in src/diag/codes.rs with what it means and what to do",
                "src/diag/codes.rs: `z::stale` is listed but no source file uses it: remove its entry",
            ]
        );
        let no_template = sample_registry(&["a::listed", "b::unlisted", "d::after-tests", "plain"]);
        assert_eq!(
            problems(&files, &no_template),
            ["src/x.rs:12: the code template `{..}::shared` matches no code in the registry: add each code it makes to `ALL` in src/diag/codes.rs"]
        );
    }
}
