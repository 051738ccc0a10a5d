//! Hostile input through the real binary: bad configs, folders, sum files, directives,
//! database URLs (a secret in every position) and command-line misuse. Every row asserts the
//! exit code, a message that names the problem, no panic, no secret in any output, and a
//! project (config, migrations, database files) byte-identical before and after.
//!
//! No row needs a server: connections go to a closed local port or a SQLite file.

mod support;

use std::ffi::OsString;
use std::fs;
use std::os::unix::ffi::OsStringExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The one migration every project starts with.
const FIRST: &str = "CREATE TABLE a (id INTEGER);\n";

/// Secrets: each row's own, so a leak names its row. All start with this.
const SECRET_MARK: &str = "Zq7";

type Setup = Box<dyn Fn(&Path)>;

struct Row {
    name: String,
    setup: Setup,
    args: Vec<OsString>,
    env: Vec<(String, String)>,
    code: i32,
    expect: String,
    secret: Option<String>,
}

impl Row {
    fn secret(mut self, s: &str) -> Self {
        self.secret = Some(s.to_string());
        self
    }

    fn env(mut self, k: &str, v: &str) -> Self {
        self.env.push((k.into(), v.into()));
        self
    }

    fn setup(mut self, f: impl Fn(&Path) + 'static) -> Self {
        let before = std::mem::replace(&mut self.setup, Box::new(|_| {}));
        self.setup = Box::new(move |root| {
            before(root);
            f(root)
        });
        self
    }
}

/// A row: `args` (split on spaces; `{root}` is the project folder) must exit `code` with a
/// message containing `expect`.
fn row(name: &str, args: &str, code: i32, expect: &str) -> Row {
    Row {
        name: name.into(),
        setup: Box::new(|_| {}),
        args: args
            .split(' ')
            .filter(|a| !a.is_empty())
            .map(OsString::from)
            .collect(),
        env: Vec::new(),
        code,
        expect: expect.into(),
        secret: None,
    }
}

/// A row whose arguments are given one by one (for arguments with spaces).
fn row_args(name: &str, args: &[&str], code: i32, expect: &str) -> Row {
    let mut r = row(name, "", code, expect);
    r.args = args.iter().map(OsString::from).collect();
    r
}

fn write(root: &Path, rel: &str, text: impl AsRef<[u8]>) {
    let p = root.join(rel);
    if let Some(parent) = p.parent() {
        fs::create_dir_all(parent).unwrap();
    }
    fs::write(p, text).unwrap();
}

fn rehash(root: &Path) {
    support::rehash(&root.join("m"));
}

/// Writes the sum file from the files' bytes as they are, without checking them (so a
/// folder schemactl itself would refuse to rehash can be made consistent).
fn raw_sum(root: &Path) {
    let mut files: Vec<(u64, String, String)> = fs::read_dir(root.join("m"))
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().into_string().ok()?;
            let (v, _) = schemactl::migrate::parse_file_name(&name)?;
            let bytes = fs::read(root.join("m").join(&name)).ok()?;
            Some((v, name, schemactl::migrate::checksum(&bytes)))
        })
        .collect();
    files.sort();
    let sum = schemactl::migrate::SumFile::of(files.into_iter().map(|(_, n, c)| (n, c)));
    write(root, "m/schemactl.sum", sum.render());
}

/// Adds a migration and writes the sum file for it.
fn migration(name: &'static str, sql: &'static str) -> impl Fn(&Path) {
    move |root| {
        write(root, &format!("m/{name}"), sql);
        raw_sum(root);
    }
}

fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0, "mkfifo");
}

fn sqlite_db(rel: &'static str, sql: &'static str) -> impl Fn(&Path) {
    move |root| {
        let conn = rusqlite::Connection::open(root.join(rel)).unwrap();
        conn.execute_batch(sql).unwrap();
    }
}

/// Every entry under `root` (not following links): type, link target, content checksum.
fn snapshot(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let mut entries: Vec<_> = fs::read_dir(&dir).unwrap().map(|e| e.unwrap()).collect();
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let p = e.path();
            let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
            let meta = fs::symlink_metadata(&p).unwrap();
            let t = meta.file_type();
            if t.is_symlink() {
                out.push(format!(
                    "link {rel} -> {}",
                    fs::read_link(&p).unwrap().display()
                ));
            } else if t.is_dir() {
                out.push(format!("dir {rel}"));
                stack.push(p);
            } else if t.is_file() {
                let bytes = fs::read(&p).unwrap();
                out.push(format!(
                    "file {rel} {}",
                    schemactl::migrate::checksum(&bytes)
                ));
            } else {
                out.push(format!("special {rel}"));
            }
        }
    }
    out
}

fn check(r: &Row) -> Result<(), String> {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write(root, "m/0001_a.sql", FIRST);
    rehash(root);
    (r.setup)(root);
    let before = snapshot(root);
    let root_text = root.display().to_string();
    let args: Vec<OsString> = r
        .args
        .iter()
        .map(|a| match a.to_str() {
            Some(s) => OsString::from(s.replace("{root}", &root_text)),
            None => a.clone(),
        })
        .collect();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_schemactl"));
    if !args.iter().any(|a| a == "--color") {
        cmd.arg("--color").arg("never");
    }
    cmd.args(&args).current_dir(root).stdin(Stdio::null());
    for k in [
        "DATABASE_URL",
        "PGHOST",
        "PGPORT",
        "PGUSER",
        "PGPASSWORD",
        "PGDATABASE",
        "PGSSLMODE",
        "PGSSLROOTCERT",
    ] {
        cmd.env_remove(k);
    }
    for (k, v) in &r.env {
        cmd.env(k, v);
    }
    let start = Instant::now();
    let out = cmd.output().unwrap();
    let took = start.elapsed();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let code = out.status.code().unwrap_or(-1);
    let all = format!("{stdout}\n{stderr}");
    let mut problems = Vec::new();
    if code != r.code {
        problems.push(format!("exit {code}, expected {}", r.code));
    }
    if !support::flat(&all).contains(&r.expect) && !all.contains(&r.expect) {
        problems.push(format!("no `{}` in the output", r.expect));
    }
    if all.contains("panicked") || code == 101 {
        problems.push("panicked".into());
    }
    if all.contains(SECRET_MARK) {
        problems.push("a secret is in the output".into());
    }
    if let Some(s) = &r.secret {
        if all.contains(s.as_str()) {
            problems.push(format!("the secret `{s}` is in the output"));
        }
    }
    if all.len() > 64 * 1024 {
        problems.push(format!("{} bytes of output", all.len()));
    }
    if took > Duration::from_secs(20) {
        problems.push(format!("took {took:?}"));
    }
    let after = snapshot(root);
    if before != after {
        let gone: Vec<_> = before.iter().filter(|x| !after.contains(x)).collect();
        let new: Vec<_> = after.iter().filter(|x| !before.contains(x)).collect();
        problems.push(format!("the project changed: -{gone:?} +{new:?}"));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{}: {}\n  args: {args:?}\n  stdout: {}\n  stderr: {}",
            r.name,
            problems.join("; "),
            support::flat(&stdout),
            support::flat(&stderr)
        ))
    }
}

fn configs() -> Vec<Row> {
    let cfg = |name: &str, text: &'static str, args: &str, code: i32, expect: &str| {
        row(name, &format!("--config c.yaml {args}"), code, expect)
            .setup(move |root| write(root, "c.yaml", text))
    };
    vec![
        cfg(
            "config migrations null",
            "migrations: null\n",
            "guard",
            2,
            "is empty",
        ),
        cfg(
            "config migrations tilde",
            "migrations: ~\n",
            "guard",
            2,
            "is empty",
        ),
        cfg(
            "config migrations no value",
            "migrations:\n",
            "guard",
            2,
            "is empty",
        ),
        cfg(
            "config migrations empty string",
            "migrations: ''\n",
            "guard",
            2,
            "empty string",
        ),
        cfg(
            "config migrations missing, guard",
            "migrations: does/not/exist\n",
            "guard",
            2,
            "does not exist",
        ),
        cfg(
            "config migrations missing, status",
            "migrations: does/not/exist\n",
            "status --database-url sqlite:x.db",
            2,
            "does not exist",
        ),
        cfg(
            "config migrations missing, rehash",
            "migrations: does/not/exist\n",
            "migrations rehash",
            2,
            "does not exist",
        ),
        cfg(
            "config migrations missing, drift",
            "migrations: does/not/exist\n",
            "drift --database-url sqlite:x.db",
            2,
            "does not exist",
        ),
        cfg(
            "config migrations list",
            "migrations: [a, b]\n",
            "guard",
            2,
            "not a list",
        ),
        cfg(
            "config migrations map",
            "migrations: {a: b}\n",
            "guard",
            2,
            "not a map",
        ),
        cfg(
            "config migrations bool",
            "migrations: true\n",
            "guard",
            2,
            "not true or false",
        ),
        cfg(
            "config migrations number",
            "migrations: 5\n",
            "guard",
            2,
            "`5` does not exist",
        ),
        cfg(
            "config migrations tagged",
            "migrations: !path m\n",
            "guard",
            2,
            "YAML tag",
        ),
        cfg(
            "config dialect unknown",
            "dialect: mysql\n",
            "guard",
            2,
            "unknown variant `mysql`",
        ),
        cfg(
            "config dialect number",
            "dialect: 5\n",
            "guard",
            2,
            "dialect",
        ),
        cfg(
            "config dialect list",
            "dialect: [postgres]\n",
            "guard",
            2,
            "dialect",
        ),
        cfg(
            "config schema_sql empty",
            "schema_sql: ''\n",
            "guard",
            2,
            "empty string",
        ),
        cfg(
            "config schema_sql missing",
            "migrations: m\nschema_sql: /nonexistent/schema.sql\n",
            "guard",
            2,
            "cannot read the SQL schema",
        ),
        cfg(
            "config schema_sql a folder",
            "migrations: m\nschema_sql: m\n",
            "guard",
            2,
            "a directory",
        ),
        cfg(
            "config alias makes schema_sql the folder",
            "migrations: &a m\nschema_sql: *a\n",
            "guard",
            2,
            "a directory",
        ),
        cfg(
            "config secret as guard value",
            "guard: postgres://u:Zq7GuardVal@h/db\n",
            "guard",
            2,
            "expected struct GuardConfig",
        )
        .secret("Zq7GuardVal"),
        cfg(
            "config database_url key",
            "database_url: postgres://u:Zq7DbUrlKey@h/db\n",
            "guard",
            2,
            "unknown field `database_url`",
        )
        .secret("Zq7DbUrlKey"),
        cfg(
            "config password key",
            "password: Zq7PlainKey\n",
            "guard",
            2,
            "unknown field `password`",
        )
        .secret("Zq7PlainKey"),
        cfg(
            "config key=value url quoted",
            "migrations: m\nguard: 'host=h password=Zq7KvInYaml'\n",
            "guard",
            2,
            "expected struct GuardConfig",
        )
        .secret("Zq7KvInYaml"),
        cfg(
            "config capitalised key",
            "Migrations: m\n",
            "guard",
            2,
            "unknown field `Migrations`",
        ),
        cfg(
            "config singular key",
            "migration: m\n",
            "guard",
            2,
            "unknown field `migration`",
        ),
        cfg(
            "config other tool's key",
            "migrations_dir: m\n",
            "guard",
            2,
            "unknown field `migrations_dir`",
        ),
        cfg(
            "config unknown guard key",
            "guard:\n  tenants: {}\n",
            "guard",
            2,
            "unknown field `tenants`",
        ),
        cfg(
            "config unknown rule level",
            "migrations: m\nguard:\n  severity: {SG101: loud}\n",
            "guard",
            2,
            "loud",
        ),
        cfg(
            "config guard wrong type",
            "guard:\n  fk_index_ignore: 5\n",
            "guard",
            2,
            "fk_index_ignore",
        ),
        cfg(
            "config top-level list",
            "- migrations\n",
            "guard",
            2,
            "invalid type: sequence",
        ),
        cfg(
            "config top-level scalar",
            "hello\n",
            "guard",
            2,
            "invalid type: string",
        ),
        cfg(
            "config two documents",
            "migrations: m\n---\nmigrations: n\n",
            "guard",
            2,
            "more than one document",
        ),
        cfg(
            "config duplicate key",
            "migrations: m\nmigrations: n\n",
            "guard",
            2,
            "duplicate field `migrations`",
        ),
        cfg(
            "config tab indentation",
            "guard:\n\tseverity: {}\n",
            "guard",
            2,
            "cannot start any token",
        ),
        cfg(
            "config NUL byte",
            "migrations: m\0\n",
            "guard",
            2,
            "control characters",
        ),
        cfg(
            "config deep nesting",
            "",
            "guard",
            2,
            "nest more than 1000 levels deep",
        )
        .setup(|root| {
            write(
                root,
                "c.yaml",
                format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)),
            )
        }),
        cfg("config alias bomb", "", "guard", 2, "config::invalid").setup(|root| {
            let mut t = String::from("guard:\n  fk_index_ignore: &a [x, x, x, x, x, x, x, x, x]\n");
            let mut prev = 'a';
            for n in 'b'..='j' {
                t.push_str(&format!(
                    "  x{n}: &{n} [{}]\n",
                    vec![format!("*{prev}"); 9].join(", ")
                ));
                prev = n;
            }
            write(root, "c.yaml", t)
        }),
        cfg("config not UTF-8", "", "guard", 2, "is not UTF-8 text")
            .setup(|root| write(root, "c.yaml", b"migrations: m\n\xff\xfe\n")),
        cfg("config huge key", "", "guard", 2, "expected struct Config")
            .setup(|root| write(root, "c.yaml", format!("{}: 1\n", "k".repeat(1_000_000)))),
        cfg("config huge explicit key", "", "guard", 2, "unknown field").setup(|root| {
            write(
                root,
                "c.yaml",
                format!("? {}\n: 1\n", "k".repeat(1_000_000)),
            )
        }),
        cfg("config huge value", "", "guard", 2, "does not exist").setup(|root| {
            write(
                root,
                "c.yaml",
                format!("migrations: {}\n", "v".repeat(1_000_000)),
            )
        }),
        cfg("config too large", "", "guard", 2, "more than the").setup(|root| {
            write(
                root,
                "c.yaml",
                format!("# {}\n", "x".repeat(5 * 1024 * 1024)),
            )
        }),
        cfg(
            "config dialect sqlite, postgres URL",
            "migrations: m\ndialect: sqlite\n",
            "status --database-url postgres://u:Zq7Dialect@127.0.0.1:1/db",
            2,
            "but the migrations are SQLite",
        )
        .secret("Zq7Dialect"),
        cfg(
            "config dialect postgres, sqlite URL",
            "migrations: m\ndialect: postgres\n",
            "apply --database-url sqlite:new.db",
            2,
            "but the migrations are PostgreSQL",
        ),
        row("config a directory", "--config m guard", 2, "a directory"),
        row(
            "config missing",
            "--config nope.yaml guard",
            2,
            "cannot read `nope.yaml`",
        ),
        row("config a device", "--config /dev/zero guard", 2, "a device"),
        row("config a FIFO", "--config fifo.yaml guard", 2, "FIFO")
            .setup(|root| mkfifo(&root.join("fifo.yaml"))),
        row(
            "config found in the folder, broken",
            "guard",
            2,
            "schemactl.yaml",
        )
        .setup(|root| write(root, "schemactl.yaml", "migrations: [\n")),
    ]
}

fn folders() -> Vec<Row> {
    let fifo = |root: &Path| mkfifo(&root.join("m/0004_x.sql"));
    let zero =
        |root: &Path| std::os::unix::fs::symlink("/dev/zero", root.join("m/0005_z.sql")).unwrap();
    let space = |root: &Path| write(root, "m/0004_with space.sql", "SELECT 1;\n");
    let overflow = |root: &Path| write(root, "m/9223372036854775808_x.sql", "SELECT 1;\n");
    let big = |root: &Path| write(root, "m/99999999999999999999999_x.sql", "SELECT 1;\n");
    let sqlite = "--database-url sqlite:app.db";
    vec![
        row("FIFO migration, guard", "guard --migrations m", 2, "FIFO").setup(fifo),
        row(
            "FIFO migration, status",
            &format!("status --migrations m {sqlite}"),
            2,
            "FIFO",
        )
        .setup(fifo),
        row(
            "FIFO migration, apply",
            &format!("apply --migrations m {sqlite}"),
            2,
            "FIFO",
        )
        .setup(fifo),
        row(
            "FIFO migration, rehash",
            "migrations rehash --migrations m",
            2,
            "FIFO",
        )
        .setup(fifo),
        row(
            "FIFO migration, drift",
            &format!("drift --migrations m {sqlite}"),
            2,
            "FIFO",
        )
        .setup(fifo),
        row(
            "FIFO migration, diff --from",
            "diff --migrations m --from m",
            2,
            "FIFO",
        )
        .setup(fifo),
        row(
            "link to /dev/zero, guard",
            "guard --migrations m",
            2,
            "a device",
        )
        .setup(zero),
        row(
            "link to /dev/zero, apply",
            &format!("apply --migrations m {sqlite}"),
            2,
            "a device",
        )
        .setup(zero),
        row(
            "link to /dev/zero, rehash",
            "migrations rehash --migrations m",
            2,
            "a device",
        )
        .setup(zero),
        row(
            "dangling link",
            "migrations rehash --migrations m",
            2,
            "No such file",
        )
        .setup(|root| {
            std::os::unix::fs::symlink("/nonexistent/x.sql", root.join("m/0004_x.sql")).unwrap()
        }),
        row(
            "socket named like a migration",
            "guard --migrations m",
            2,
            "a socket",
        )
        .setup(|root| {
            let l = std::os::unix::net::UnixListener::bind(root.join("m/0004_s.sql")).unwrap();
            drop(l);
        }),
        row(
            "folder named like a migration",
            "migrations rehash --migrations m",
            2,
            "a directory",
        )
        .setup(|root| fs::create_dir(root.join("m/0004_x.sql")).unwrap()),
        row(
            "space in a name, rehash",
            "migrations rehash --migrations m",
            2,
            "cannot hold a space",
        )
        .setup(space),
        row(
            "space in a name, apply",
            &format!("apply --migrations m {sqlite}"),
            2,
            "cannot hold a space",
        )
        .setup(space),
        row(
            "space in a name, guard",
            "guard --migrations m",
            1,
            "cannot hold a space",
        )
        .setup(space),
        row(
            "newline in a name",
            "migrations rehash --migrations m",
            2,
            "`0004_a\\nb.sql` is not a migration file name: a migration file name cannot hold whitespace",
        )
        .setup(|root| write(root, "m/0004_a\nb.sql", "SELECT 1;\n")),
        row(
            "tab in a name",
            "migrations rehash --migrations m",
            2,
            "whitespace",
        )
        .setup(|root| write(root, "m/0004_a\tb.sql", "SELECT 1;\n")),
        row(
            "name not UTF-8",
            "migrations rehash --migrations m",
            2,
            "not UTF-8",
        )
        .setup(|root| {
            let name = OsString::from_vec(b"0004_\xff.sql".to_vec());
            fs::write(root.join("m").join(name), "SELECT 1;\n").unwrap();
        }),
        row(
            "version above bigint, rehash",
            "migrations rehash --migrations m",
            2,
            "larger than 9223372036854775807",
        )
        .setup(overflow),
        row(
            "version above bigint, apply",
            &format!("apply --migrations m {sqlite}"),
            2,
            "larger than 9223372036854775807",
        )
        .setup(overflow),
        row(
            "version above bigint, guard",
            "guard --migrations m",
            1,
            "larger than 9223372036854775807",
        )
        .setup(overflow),
        row(
            "version above u64",
            "migrations rehash --migrations m",
            2,
            "larger than",
        )
        .setup(big),
        row(
            "version above u64, status",
            &format!("status --migrations m {sqlite}"),
            2,
            "larger than",
        )
        .setup(big),
        row(
            "upper-case extension",
            &format!("apply --migrations m {sqlite}"),
            2,
            "not a migration file name",
        )
        .setup(|root| write(root, "m/0004_x.SQL", "SELECT 1;\n")),
        row(
            "dash instead of underscore",
            &format!("apply --migrations m {sqlite}"),
            2,
            "0004-x.sql",
        )
        .setup(|root| write(root, "m/0004-x.sql", "SELECT 1;\n")),
        row(
            "notes in the folder",
            &format!("apply --migrations m {sqlite}"),
            2,
            "notes.txt",
        )
        .setup(|root| write(root, "m/notes.txt", "hello")),
        row(
            "file not UTF-8",
            &format!("apply --migrations m {sqlite}"),
            2,
            "is not UTF-8 text",
        )
        .setup(|root| {
            let bin = b"\xff\xfe\x00SELECT".as_slice();
            write(root, "m/0002_bin.sql", bin);
            let sum = schemactl::migrate::SumFile::of([
                ("0001_a.sql".to_string(), schemactl::migrate::checksum(FIRST.as_bytes())),
                ("0002_bin.sql".to_string(), schemactl::migrate::checksum(bin)),
            ]);
            write(root, "m/schemactl.sum", sum.render());
        }),
        row(
            "duplicate versions, apply",
            &format!("apply --migrations m {sqlite}"),
            2,
            "share version 1",
        )
        .setup(|root| {
            write(root, "m/0001_b.sql", "SELECT 2;\n");
        }),
        row(
            "duplicate versions, rehash",
            "migrations rehash --migrations m",
            2,
            "renumber 0001_b.sql",
        )
        .setup(|root| {
            write(root, "m/0001_b.sql", "SELECT 2;\n");
        }),
        row(
            "same number, other spelling",
            "migrations rehash --migrations m",
            2,
            "share version 1",
        )
        .setup(|root| {
            write(root, "m/1_b.sql", "SELECT 2;\n");
        }),
        row(
            "NUL in a migration",
            &format!("apply --migrations m {sqlite}"),
            2,
            "0002_nul.sql",
        )
        .setup(migration(
            "0002_nul.sql",
            "CREATE TABLE b (id INTEGER);\0\nSELECT 1;\n",
        )),
        row(
            "BOM and CRLF, status reads them",
            &format!("status --migrations m {sqlite}"),
            1,
            "nothing applied yet",
        )
        .setup(migration(
            "0002_bom.sql",
            "\u{feff}CREATE TABLE b (id INTEGER);\r\nCREATE TABLE c (id INTEGER);\r\n",
        ))
        .setup(sqlite_db("app.db", "CREATE TABLE t (id INTEGER);")),
        row(
            "migrations is a file",
            &format!("status --migrations m/0001_a.sql {sqlite}"),
            2,
            "is not a directory",
        ),
        row(
            "migrations is empty",
            &format!("status --migrations= {sqlite}"),
            2,
            "a value is required for '--migrations <DIR>'",
        ),
        row_args(
            "migrations is an empty string",
            &["status", "--migrations", "", "--database-url", "sqlite:app.db"],
            2,
            "a value is required for '--migrations <DIR>'",
        ),
        row_args(
            "control character in a file name",
            &["migrations", "rehash", "--migrations", "m"],
            2,
            "control character U+0007",
        )
        .setup(|root| write(root, "m/0004_a\u{7}b.sql", "SELECT 1;\n")),
        row(
            "migrations missing, guard",
            "guard --migrations /nonexistent",
            2,
            "does not exist",
        ),
        row(
            "migrations missing, apply",
            &format!("apply --migrations nope {sqlite}"),
            2,
            "does not exist",
        ),
        row(
            "migrations missing, status",
            &format!("status --migrations nope {sqlite}"),
            2,
            "does not exist",
        ),
        row(
            "migrations missing, rehash",
            "migrations rehash --migrations nope",
            2,
            "does not exist",
        ),
        row(
            "migrations missing, renumber",
            "migrations renumber 0001_a.sql --migrations nope",
            2,
            "does not exist",
        ),
        row(
            "migrations missing, drift",
            &format!("drift --migrations nope {sqlite}"),
            2,
            "does not exist",
        ),
        row(
            "diff --from missing",
            "diff --migrations m --from /nonexistent",
            2,
            "does not exist",
        ),
        row(
            "diff, project folder missing",
            "diff --migrations nope --from m",
            2,
            "does not exist",
        ),
        row(
            "schema-sql missing, guard",
            "guard --migrations m --schema-sql /nonexistent.sql",
            2,
            "cannot read the SQL schema",
        ),
        row(
            "schema-sql a FIFO",
            "guard --migrations m --schema-sql s.sql",
            2,
            "FIFO",
        )
        .setup(|root| mkfifo(&root.join("s.sql"))),
        row(
            "schema-sql not UTF-8",
            "guard --migrations m --schema-sql s.sql",
            2,
            "not UTF-8",
        )
        .setup(|root| write(root, "s.sql", b"\xff\xff".as_slice())),
        row("migrations with a non-UTF-8 path", "", 2, "does not exist").setup(|_| {}),
    ]
    .into_iter()
    .map(|mut r| {
        if r.name == "migrations with a non-UTF-8 path" {
            r.args = vec![
                "guard".into(),
                "--migrations".into(),
                OsString::from_vec(b"m\xff".to_vec()),
            ];
        }
        r
    })
    .collect()
}

fn sum_files() -> Vec<Row> {
    let sum = |text: &'static [u8]| move |root: &Path| write(root, "m/schemactl.sum", text);
    let apply = "apply --migrations m --database-url sqlite:app.db";
    vec![
        row("sum cut short", apply, 2, "cut short").setup(|root| {
            let text = fs::read_to_string(root.join("m/schemactl.sum")).unwrap();
            write(root, "m/schemactl.sum", &text[..text.len() - 20]);
        }),
        row(
            "sum cut short, guard",
            "guard --migrations m",
            1,
            "cut short",
        )
        .setup(|root| {
            let text = fs::read_to_string(root.join("m/schemactl.sum")).unwrap();
            write(root, "m/schemactl.sum", &text[..text.len() - 20]);
        }),
        row(
            "sum edited hash",
            apply,
            2,
            "was edited after it was generated",
        )
        .setup(|root| {
            let text = fs::read_to_string(root.join("m/schemactl.sum")).unwrap();
            let last = text
                .trim_end()
                .rfind(|c: char| c.is_ascii_hexdigit())
                .unwrap();
            let mut b = text.into_bytes();
            b[last] = if b[last] == b'0' { b'1' } else { b'0' };
            write(root, "m/schemactl.sum", b);
        }),
        row("sum binary", apply, 2, "is not UTF-8 text").setup(sum(b"\x00\xff\xfe\x01garbage")),
        row("sum empty", apply, 2, "sum file is empty").setup(sum(b"")),
        row("sum without total", apply, 2, "must start with `total")
            .setup(sum(b"0001_a.sql sha256:00\n")),
        row("sum bad total", apply, 2, "the total is not").setup(sum(b"total md5:abc\n")),
        row(
            "sum line without checksum",
            apply,
            2,
            "expected `<file> <checksum>`",
        )
        .setup(|root| {
            let text = fs::read_to_string(root.join("m/schemactl.sum")).unwrap();
            write(root, "m/schemactl.sum", format!("{text}0002_b.sql\n"));
        }),
        row("sum missing", apply, 2, "schemactl.sum` is missing")
            .setup(|root| fs::remove_file(root.join("m/schemactl.sum")).unwrap()),
        row("sum a directory", apply, 2, "a directory").setup(|root| {
            fs::remove_file(root.join("m/schemactl.sum")).unwrap();
            fs::create_dir(root.join("m/schemactl.sum")).unwrap();
        }),
        row("sum a FIFO", apply, 2, "FIFO").setup(|root| {
            fs::remove_file(root.join("m/schemactl.sum")).unwrap();
            mkfifo(&root.join("m/schemactl.sum"));
        }),
        row(
            "sum lists a deleted file",
            apply,
            2,
            "missing from the folder",
        )
        .setup(|root| {
            write(root, "m/0002_b.sql", "SELECT 1;\n");
            rehash(root);
            fs::remove_file(root.join("m/0002_b.sql")).unwrap();
        }),
        row(
            "file not in the sum",
            apply,
            2,
            "is not listed in schemactl.sum",
        )
        .setup(|root| {
            write(root, "m/0002_b.sql", "SELECT 1;\n");
        }),
        row("migration edited after rehash", apply, 2, "was edited").setup(|root| {
            write(root, "m/0001_a.sql", "CREATE TABLE a (id TEXT);\n");
        }),
        row(
            "sum total does not match",
            apply,
            2,
            "does not match its entries",
        )
        .setup(|root| {
            let text = fs::read_to_string(root.join("m/schemactl.sum")).unwrap();
            let (first, rest) = text.split_once('\n').unwrap();
            let mut first = first.to_string();
            let c = first.pop().unwrap();
            first.push(if c == '0' { '1' } else { '0' });
            write(root, "m/schemactl.sum", format!("{first}\n{rest}"));
        }),
        row(
            "sum with a huge line",
            apply,
            2,
            "expected `<file> <checksum>`",
        )
        .setup(|root| {
            let text = fs::read_to_string(root.join("m/schemactl.sum")).unwrap();
            write(
                root,
                "m/schemactl.sum",
                format!("{text}{}\n", "x".repeat(1_000_000)),
            );
        }),
    ]
}

fn directives() -> Vec<Row> {
    let apply = "apply --migrations m --database-url sqlite:app.db";
    let nt = |sql: &'static str| migration("0002_x.sql", sql);
    vec![
        row(
            "directive with a space",
            apply,
            2,
            "directive schemactl does not know",
        )
        .setup(nt(
            "-- schemactl: no-transaction\nCREATE TABLE b (id INTEGER);\n",
        )),
        row(
            "directive with a space, dry run",
            &format!("{apply} --dry-run"),
            2,
            "directive schemactl does not know",
        )
        .setup(nt(
            "-- schemactl: no-transaction\nCREATE TABLE b (id INTEGER);\n",
        ))
        .setup(sqlite_db("app.db", "CREATE TABLE t (id INTEGER);")),
        row(
            "directive with an underscore",
            apply,
            2,
            "schemactl:no_transaction",
        )
        .setup(nt(
            "-- schemactl:no_transaction\nCREATE TABLE b (id INTEGER);\n",
        )),
        row("directive misspelt", apply, 2, "schemactl:notransaction").setup(nt(
            "-- schemactl:notransaction\nCREATE TABLE b (id INTEGER);\n",
        )),
        row("directive unknown", apply, 2, "schemactl:frobnicate").setup(nt(
            "-- schemactl:frobnicate\nCREATE TABLE b (id INTEGER);\n",
        )),
        row(
            "allow without a code",
            apply,
            2,
            "directive schemactl does not know",
        )
        .setup(nt("-- schemactl:allow\nCREATE TABLE b (id INTEGER);\n")),
        row(
            "directive with a space, guard",
            "guard --migrations m",
            1,
            "unknown directive",
        )
        .setup(nt(
            "-- schemactl: no-transaction\nCREATE TABLE b (id INTEGER);\n",
        )),
        row("block without COMMIT", apply, 2, "has no COMMIT after it").setup(nt(
            "-- schemactl:no-transaction\nBEGIN;\nCREATE TABLE b (id INTEGER);\n",
        )),
        row("nested BEGIN", apply, 2, "inside the one opened")
            .setup(nt("-- schemactl:no-transaction\nBEGIN;\nBEGIN;\nCOMMIT;\n")),
        row("COMMIT without BEGIN", apply, 2, "no BEGIN opened").setup(nt(
            "-- schemactl:no-transaction\nCREATE TABLE b (id INTEGER);\nCOMMIT;\n",
        )),
        row("block ending in ROLLBACK", apply, 2, "undone on every run").setup(nt(
            "-- schemactl:no-transaction\nBEGIN;\nCREATE TABLE b (id INTEGER);\nROLLBACK;\n",
        )),
        row(
            "COMMIT AND CHAIN",
            apply,
            2,
            "not something a migration can do",
        )
        .setup(nt(
            "-- schemactl:no-transaction\nBEGIN;\nCOMMIT AND CHAIN;\n",
        )),
        row(
            "PREPARE TRANSACTION",
            apply,
            2,
            "not something a migration can do",
        )
        .setup(nt(
            "-- schemactl:no-transaction\nPREPARE TRANSACTION 'x';\n",
        )),
        row(
            "BEGIN in a transactional file",
            apply,
            2,
            "cannot hold its own `BEGIN`",
        )
        .setup(nt("BEGIN;\nCREATE TABLE b (id INTEGER);\nCOMMIT;\n")),
        row(
            "END in a transactional file",
            apply,
            2,
            "cannot hold its own `END`",
        )
        .setup(nt("CREATE TABLE b (id INTEGER);\nEND;\n")),
    ]
}

fn urls() -> Vec<Row> {
    let status = |name: &str, url: &str, expect: &str, secret: &str| {
        row_args(
            name,
            &[
                "status",
                "--migrations",
                "m",
                "--database-url",
                url,
                "--connect-timeout",
                "2",
            ],
            2,
            expect,
        )
        .secret(secret)
    };
    vec![
        status(
            "url bad port",
            "postgres://u:Zq7Port@h:notaport/db",
            "port `notaport` is not a number",
            "Zq7Port",
        ),
        status(
            "url port zero",
            "postgres://u:Zq7Zero@h:0/db",
            "port `0`",
            "Zq7Zero",
        ),
        status(
            "url port too big",
            "postgres://u:Zq7Big@h:70000/db",
            "port `70000`",
            "Zq7Big",
        ),
        status(
            "url IPv6 unclosed",
            "postgres://u:Zq7V6@[::1/db",
            "no closing `]`",
            "Zq7V6",
        ),
        status(
            "url IPv6 invalid",
            "postgres://u:Zq7V6b@[::zz]/db",
            "is not an IPv6 address",
            "Zq7V6b",
        ),
        status(
            "url IPv6 unbracketed",
            "postgres://u:Zq7V6c@::1/db",
            "in brackets",
            "Zq7V6c",
        ),
        status(
            "url IPv6 junk after",
            "postgres://u:Zq7V6d@[::1]x/db",
            "after the IPv6 address",
            "Zq7V6d",
        ),
        status(
            "url sslmode bogus",
            "postgres://u:Zq7Ssl@h/db?sslmode=bogus",
            "sslmode `bogus` is not one of",
            "Zq7Ssl",
        ),
        status(
            "url unknown parameter",
            "postgres://u:Zq7Param@h/db?foo=bar",
            "unknown connection parameter `foo`",
            "Zq7Param",
        ),
        status(
            "url parameter without =",
            "postgres://u:Zq7NoEq@h/db?sslmode",
            "has no `=VALUE`",
            "Zq7NoEq",
        ),
        status(
            "url empty parameter",
            "postgres://u:Zq7Amp@h/db?sslmode=require&",
            "empty query parameter",
            "Zq7Amp",
        ),
        status(
            "url bad timeout",
            "postgres://u:Zq7Tmo@h/db?connect_timeout=x",
            "connect_timeout `x`",
            "Zq7Tmo",
        ),
        status(
            "url bad hostaddr",
            "postgres://u:Zq7Addr@h/db?hostaddr=1.2.3",
            "hostaddr `1.2.3`",
            "Zq7Addr",
        ),
        status(
            "url bad session attrs",
            "postgres://u:Zq7Attr@h/db?target_session_attrs=primary",
            "target_session_attrs `primary`",
            "Zq7Attr",
        ),
        status(
            "url client certificate",
            "postgres://u:Zq7Cert@h/db?sslcert=/x.pem",
            "client certificates are not supported",
            "Zq7Cert",
        ),
        status(
            "url unencoded @ in password",
            "postgres://u:p@Zq7Tail@h/db",
            "%40",
            "Zq7Tail",
        ),
        status(
            "url two @ after host",
            "postgres://u:Zq7TwoAt@h@x/db",
            "%40",
            "Zq7TwoAt",
        ),
        status(
            "url empty user",
            "postgres://:Zq7NoUser@h/db",
            "user name before `@` is empty",
            "Zq7NoUser",
        ),
        status(
            "url user not UTF-8",
            "postgres://u%FF:Zq7Utf@h/db",
            "user name is not UTF-8",
            "Zq7Utf",
        ),
        status(
            "url database not UTF-8",
            "postgres://u:Zq7DbUtf@h/db%FF",
            "database name is not UTF-8",
            "Zq7DbUtf",
        ),
        status(
            "url password in the query",
            "postgres://u@h/db?password=Zq7Query&foo=1",
            "unknown connection parameter `foo`",
            "Zq7Query",
        ),
        status(
            "url password in the query, bad sslmode",
            "postgres://u@h/db?password=Zq7Query2&sslmode=x",
            "sslmode `x`",
            "Zq7Query2",
        ),
        status(
            "url missing colon",
            "postgres//u:Zq7Colon@h/db",
            "missing `://` after `postgres`",
            "Zq7Colon",
        ),
        status(
            "url single colon",
            "postgres:u:Zq7Single@h/db",
            "missing `://`",
            "Zq7Single",
        ),
        status(
            "url one slash",
            "postgresql:/u:Zq7Slash@h/db",
            "missing `://` after `postgresql`",
            "Zq7Slash",
        ),
        status(
            "url JDBC with query password",
            "jdbc:postgresql://h/db?user=u&password=Zq7Jdbc",
            "JDBC",
            "Zq7Jdbc",
        ),
        status(
            "url JDBC with user info",
            "jdbc:postgresql://u:Zq7Jdbc2@h/db",
            "JDBC",
            "Zq7Jdbc2",
        ),
        status(
            "url mysql",
            "mysql://root:Zq7My@h/db",
            "a `mysql://` URL is not a database URL",
            "Zq7My",
        ),
        status(
            "url mariadb",
            "mariadb://root:Zq7Maria@h/db",
            "`mariadb://`",
            "Zq7Maria",
        ),
        status(
            "url redis",
            "redis://:Zq7Redis@h:6379",
            "`redis://`",
            "Zq7Redis",
        ),
        status("url http", "http://u:Zq7Http@h/", "`http://`", "Zq7Http"),
        status(
            "url mongodb+srv",
            "mongodb+srv://u:Zq7Mongo@cluster/db",
            "`mongodb+srv://`",
            "Zq7Mongo",
        ),
        status(
            "url empty scheme",
            "://u:Zq7Empty@h/db",
            "not a database URL",
            "Zq7Empty",
        ),
        status(
            "url query-only scheme",
            "postgres?password=Zq7Bare",
            "unknown connection parameter",
            "Zq7Bare",
        ),
        status(
            "url user info only",
            "u:Zq7Info@h/db",
            "not a database URL",
            "Zq7Info",
        ),
        status(
            "url one word",
            "Zq7JustAWord",
            "not a database URL",
            "Zq7JustAWord",
        ),
        status(
            "url sqlite without colon",
            "sqlite//app.db",
            "sqlite:path/to/file.db",
            "Zq7none",
        ),
        status(
            "url sqlite empty",
            "sqlite:",
            "needs a file path",
            "Zq7none",
        ),
        status(
            "kv missing =",
            "host=h password=Zq7Kv dbname",
            "`dbname` is not followed by `=`",
            "Zq7Kv",
        ),
        status(
            "kv unclosed quote",
            "host=h password='Zq7Quote",
            "no closing `'`",
            "Zq7Quote",
        ),
        status(
            "kv quoted with space",
            "host=h password='Zq7 Spaced' sslmode=nope",
            "sslmode `nope`",
            "Zq7 Spaced",
        ),
        status(
            "kv bad port",
            "host=h password=Zq7KvPort port=abc",
            "port `abc`",
            "Zq7KvPort",
        ),
        status(
            "kv bad sslmode",
            "host=h password=Zq7KvSsl sslmode=bogus",
            "sslmode `bogus`",
            "Zq7KvSsl",
        ),
        status(
            "kv unknown key",
            "host=h password=Zq7KvKey foo=bar",
            "unknown connection parameter `foo`",
            "Zq7KvKey",
        ),
        status(
            "kv empty user",
            "host=h password=Zq7KvUser user=''",
            "user name is empty",
            "Zq7KvUser",
        ),
        status(
            "kv no key before =",
            "password=Zq7NoKey =x",
            "no name before its `=`",
            "Zq7NoKey",
        ),
        status(
            "kv secret as a bare word",
            "host=h Zq7BareWord",
            "not a key=value parameter",
            "Zq7BareWord",
        ),
        status(
            "kv empty value",
            "host=h password=Zq7Empty2 dbname=",
            "`dbname` has no value",
            "Zq7Empty2",
        ),
        status(
            "kv password as a key",
            "host=h Zq7AsKey=1",
            "unknown connection parameter",
            "Zq7AsKey",
        ),
        status(
            "closed port, URL",
            "postgres://u:Zq7Closed@127.0.0.1:1/db",
            "cannot connect to postgres://u@127.0.0.1:1/db",
            "Zq7Closed",
        ),
        status(
            "closed port, short password",
            "postgres://u:p@127.0.0.1:1/db",
            "Connection refused",
            "Zq7none",
        ),
        status(
            "closed port, key=value",
            "host=127.0.0.1 port=1 user=u password=Zq7KvClosed",
            "cannot connect",
            "Zq7KvClosed",
        ),
        status(
            "closed port, space in password",
            "postgres://u:Zq7Sp ace@127.0.0.1:1/db",
            "cannot connect",
            "Zq7Sp",
        ),
        status(
            "closed port, unicode password",
            "postgres://u:Zq7Sécrét🙂@127.0.0.1:1/db",
            "cannot connect",
            "Zq7Sécrét🙂",
        ),
        status(
            "closed port, percent-encoded password",
            "postgres://u:p%40Zq7Pct@127.0.0.1:1/db",
            "cannot connect",
            "Zq7Pct",
        ),
        status(
            "closed port, host list",
            "postgres://u:Zq7List@127.0.0.1:1,127.0.0.1:2/db",
            "127.0.0.1:1,127.0.0.1:2",
            "Zq7List",
        ),
        status(
            "missing socket folder",
            "postgres://u:Zq7Sock@localhost:1/db?host=/nonexistent/socket",
            "socket directory `/nonexistent/socket` does not exist",
            "Zq7Sock",
        ),
        row(
            "password from the environment",
            "status --migrations m --database-url postgres://u@127.0.0.1:1/db --connect-timeout 2",
            2,
            "cannot connect",
        )
        .env("PGPASSWORD", "Zq7Env"),
        row(
            "URL from the environment",
            "status --migrations m --connect-timeout 2",
            2,
            "port `x`",
        )
        .env("DATABASE_URL", "postgres://u:Zq7EnvUrl@h:x/db"),
        row(
            "bad PGPORT",
            "status --migrations m --database-url postgres://u:Zq7Pgport@/db",
            2,
            "PGPORT `abc`",
        )
        .env("PGPORT", "abc"),
        row(
            "bad PGSSLMODE",
            "status --migrations m --database-url postgres://u:Zq7Pgssl@h/db",
            2,
            "PGSSLMODE `maybe`",
        )
        .env("PGSSLMODE", "maybe"),
        row(
            "URL without --database-url",
            "status --migrations m postgres://u:Zq7Stray@h/db",
            2,
            "unexpected argument",
        )
        .secret("Zq7Stray"),
        row(
            "key=value without --database-url",
            "status --migrations m host=h password=Zq7StrayKv",
            2,
            "--database-url",
        )
        .secret("Zq7StrayKv"),
        row(
            "sqlite folder instead of file",
            "status --migrations m --database-url sqlite:m",
            2,
            "not a regular file",
        ),
        row(
            "sqlite FIFO",
            "status --migrations m --database-url sqlite:db.fifo",
            2,
            "not a regular file",
        )
        .setup(|root| mkfifo(&root.join("db.fifo"))),
        row(
            "sqlite not a database",
            "status --migrations m --database-url sqlite:text.db",
            2,
            "file is not a database",
        )
        .setup(|root| write(root, "text.db", "hello, not a database\n")),
        row(
            "sqlite missing file, status",
            "status --migrations m --database-url sqlite:typo.db",
            1,
            "sqlite:typo.db does not exist yet",
        ),
        row(
            "sqlite missing file, dry run",
            "apply --migrations m --database-url sqlite:typo.db --dry-run",
            0,
            "sqlite:typo.db does not exist yet",
        ),
        row(
            "sqlite missing file, drift",
            "drift --migrations m --database-url sqlite:typo.db",
            2,
            "sqlite:typo.db does not exist",
        ),
        row(
            "sqlite missing file, diff",
            "diff --migrations m --from-database sqlite:typo.db --dialect sqlite",
            2,
            "sqlite:typo.db does not exist",
        ),
        row(
            "sqlite in a missing folder",
            "apply --migrations m --database-url sqlite:no/such/dir/app.db",
            2,
            "folder `no/such/dir` does not exist",
        ),
        row(
            "sqlite URL, --dialect postgres",
            "apply --migrations m --dialect postgres --database-url sqlite:new.db",
            2,
            "but the migrations are PostgreSQL",
        ),
        row(
            "status on a database never migrated",
            "status --migrations m --database-url sqlite:app.db",
            1,
            "nothing applied yet",
        )
        .setup(sqlite_db("app.db", "CREATE TABLE t (id INTEGER);")),
        row(
            "dry run on a database never migrated",
            "apply --migrations m --database-url sqlite:app.db --dry-run",
            0,
            "CREATE TABLE a",
        )
        .setup(sqlite_db("app.db", "CREATE TABLE t (id INTEGER);")),
        row(
            "connect timeout zero",
            "status --migrations m --database-url sqlite:app.db --connect-timeout 0",
            2,
            "0 is not in 1..=86400",
        ),
        row(
            "connect timeout not a number",
            "status --migrations m --database-url sqlite:app.db --connect-timeout soon",
            2,
            "invalid digit",
        ),
        row(
            "lock timeout huge",
            "apply --migrations m --database-url sqlite:app.db --lock-timeout 99999999",
            2,
            "not in 0..=86400",
        ),
    ]
}

fn cli() -> Vec<Row> {
    let sqlite = "--migrations m --database-url sqlite:app.db";
    let three = |root: &Path| {
        write(root, "m/0002_b.sql", "CREATE TABLE b (id INTEGER);\n");
        write(root, "m/0003_c.sql", "CREATE TABLE c (id INTEGER);\n");
        rehash(root);
    };
    vec![
        row("no command", "", 2, "Usage"),
        row("unknown command", "deploy", 2, "unrecognized subcommand"),
        row("status without a database", "status --migrations m", 2, "--database-url <URL>"),
        row("apply --to unknown version", &format!("apply {sqlite} --to 9999"), 2, "--to 9999 names no migration"),
        row("apply --to between versions", &format!("apply {sqlite} --to 2"), 2, "--to 2 names no migration").setup(|root| {
            write(root, "m/0005_e.sql", "SELECT 1;\n");
            rehash(root);
        }),
        row("apply --to below --baseline", &format!("apply {sqlite} --to 2 --baseline 3"), 2, "--to 2 is below --baseline 3").setup(three),
        row("apply --baseline unknown", &format!("apply {sqlite} --baseline 99"), 2, "--baseline 99 names no migration"),
        row("apply --to negative", &format!("apply {sqlite} --to -1"), 2, "unexpected argument '-1'"),
        row("apply --to overflow", &format!("apply {sqlite} --to 18446744073709551616"), 2, "invalid value"),
        row("apply --to not a number", &format!("apply {sqlite} --to latest"), 2, "invalid digit"),
        row("apply --format xml", &format!("apply {sqlite} --format xml"), 2, "invalid value 'xml'"),
        row("status --format yaml", &format!("status {sqlite} --format yaml"), 2, "invalid value 'yaml'"),
        row("guard --format xml", "guard --migrations m --format xml", 2, "invalid value 'xml'"),
        row("guard --explain unknown", "guard --explain SG999", 2, "no guard rule `SG999`"),
        row("guard --explain huge", "", 2, "no guard rule").setup(|_| {}),
        row("explain an unknown code", "explain nope::x", 2, "no diagnostic code `nope::x`"),
        row("explain a huge code", "", 2, "bytes not shown").setup(|_| {}),
        row("explain nothing", "explain", 2, "required arguments were not provided"),
        row("renumber a parent path", "migrations renumber ../0001_a.sql --migrations m", 2, "not a migration file name"),
        row("renumber through a path", "migrations renumber 0001_a/../../x.sql --migrations m", 2, "path separator"),
        row("renumber a missing file", "migrations renumber 0009_missing.sql --migrations m", 2, "does not exist"),
        row("renumber a non-migration", "migrations renumber notes.txt --migrations m", 2, "not a migration file name"),
        row("renumber a FIFO", "migrations renumber 0004_x.sql --migrations m", 2, "FIFO").setup(|root| mkfifo(&root.join("m/0004_x.sql"))),
        row("generate a 300-character name", "", 2, "characters long").setup(|_| {}),
        row("generate a bad name", "generate --migrations m --name Bad-Name", 2, "lowercase letters"),
        row("generate without a schema", "generate --migrations m", 2, "needs a declared schema"),
        row("sql without a schema", "sql", 2, "needs a declared schema"),
        row("graph without a schema", "graph", 2, "needs a declared schema"),
        row("diff with nothing to compare", "diff --migrations m", 2, "say what to compare with"),
        row("diff --from and --from-database", "diff --migrations m --from m --from-database sqlite:app.db", 2, "cannot be used with"),
        row("--color sometimes", "--color sometimes guard", 2, "invalid value 'sometimes'"),
        row("--dialect oracle", "--dialect oracle guard", 2, "invalid value 'oracle'"),
        row("--config twice", "--config a.yaml --config b.yaml guard", 2, "cannot be used multiple times"),
        row("a very long folder name", "", 2, "bytes not shown) …").setup(|_| {}),
        row("edited applied migration", "apply --migrations m --database-url sqlite:app.db", 2, "was applied at").setup(|root| {
            applied(root, &[(1, "a", "sha256:0000000000000000000000000000000000000000000000000000000000000000", None)]);
        }),
        row("renamed applied migration", "apply --migrations m --database-url sqlite:app.db", 2, "as `0001_old.sql`").setup(|root| {
            applied(root, &[(1, "old", &schemactl::migrate::checksum(FIRST.as_bytes()), None)]);
        }),
        row("missing applied migration", "apply --migrations m --database-url sqlite:app.db", 2, "`0009_gone.sql` was applied to this database").setup(|root| {
            applied(root, &[(1, "a", &schemactl::migrate::checksum(FIRST.as_bytes()), None), (9, "gone", "sha256:x", None)]);
        }),
        row("out-of-order migration", "apply --migrations m --database-url sqlite:app.db", 2, "added out of order").setup(|root| {
            write(root, "m/0002_late.sql", "SELECT 1;\n");
            write(root, "m/0003_c.sql", "SELECT 1;\n");
            rehash(root);
            let three = fs::read(root.join("m/0003_c.sql")).unwrap();
            applied(root, &[(1, "a", &schemactl::migrate::checksum(FIRST.as_bytes()), None), (3, "c", &schemactl::migrate::checksum(&three), None)]);
        }),
        row("part-way file with an edited finished statement", "apply --migrations m --database-url sqlite:app.db", 2, "statements that already ran were edited").setup(|root| {
            write(root, "m/0002_nt.sql", "-- schemactl:no-transaction\nCREATE TABLE b (id TEXT);\nCREATE TABLE c (id INTEGER);\n");
            rehash(root);
            let old = schemactl::sql::split::split_unparsed(
                "-- schemactl:no-transaction\nCREATE TABLE b (id INTEGER);\nCREATE TABLE c (id INTEGER);\n",
                schemactl::dialect::DialectKind::Sqlite,
            );
            let done = schemactl::apply::statements_checksum(&old, 1);
            applied(root, &[(1, "a", &schemactl::migrate::checksum(FIRST.as_bytes()), None), (2, "nt", &done, Some(1))]);
        }),
    ]
    .into_iter()
    .map(|mut r| {
        match r.name.as_str() {
            "guard --explain huge" => {
                r.args = vec!["guard".into(), "--explain".into(), "S".repeat(100_000).into()];
            }
            "explain a huge code" => {
                r.args = vec!["explain".into(), "x".repeat(100_000).into()];
            }
            "generate a 300-character name" => {
                r.args = vec![
                    "generate".into(),
                    "--migrations".into(),
                    "m".into(),
                    "--name".into(),
                    "a".repeat(300).into(),
                ];
            }
            "a very long folder name" => {
                r.args = vec!["guard".into(), "--migrations".into(), "d".repeat(100_000).into()];
            }
            _ => {}
        }
        r
    })
    .collect()
}

/// A SQLite `app.db` whose tracking table holds `(version, name, checksum, statements_done)`.
fn applied(root: &Path, rows: &[(i64, &str, &str, Option<i64>)]) {
    let conn = rusqlite::Connection::open(root.join("app.db")).unwrap();
    conn.execute_batch(
        "CREATE TABLE a (id INTEGER);
         CREATE TABLE schemactl_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL,
           applied_at TEXT NOT NULL DEFAULT '2024-01-01T00:00:00Z', duration_ms INTEGER NOT NULL DEFAULT 0,
           applied_by TEXT NOT NULL DEFAULT 'test', tool_version TEXT NOT NULL DEFAULT 'test', statements_done INTEGER);",
    )
    .unwrap();
    for (v, n, c, d) in rows {
        conn.execute(
            "INSERT INTO schemactl_migrations (version, name, checksum, statements_done) VALUES (?1, ?2, ?3, ?4)",
            rusqlite::params![v, n, c, d],
        )
        .unwrap();
    }
}

#[test]
fn every_hostile_input_is_refused_clearly_without_panic_leak_or_write() {
    let rows: Vec<Row> = [
        configs(),
        folders(),
        sum_files(),
        directives(),
        urls(),
        cli(),
    ]
    .into_iter()
    .flatten()
    .collect();
    assert!(rows.len() >= 150, "the table has {} rows", rows.len());
    eprintln!("{} hostile rows", rows.len());
    let failures: Vec<String> = rows.iter().filter_map(|r| check(r).err()).collect();
    assert!(
        failures.is_empty(),
        "{} of {} rows failed:\n\n{}",
        failures.len(),
        rows.len(),
        failures.join("\n\n")
    );
}
