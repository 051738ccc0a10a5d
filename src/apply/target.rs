//! Where `apply` connects: a `postgres://` URL or key=value string (with PG* environment
//! variables filling what it leaves out), or a `sqlite:` path. Passwords never leave this
//! module unredacted: [`Target::display`] and [`Target::redact`] are what messages use.

use crate::diag::Diagnostic;
use crate::dialect::DialectKind;
use std::path::PathBuf;
use std::str::FromStr;

#[derive(Debug, Clone)]
pub enum Target {
    Postgres(Box<PgTarget>),
    Sqlite(PathBuf),
}

/// A PostgreSQL server to connect to, and how to check its TLS certificate.
#[derive(Debug, Clone)]
pub struct PgTarget {
    pub config: postgres::Config,
    pub tls: TlsPolicy,
    /// Sessions start with `default_transaction_read_only` (status, drift, diff, dry runs).
    pub read_only: bool,
    /// Schema-per-tenant: the tenant's schema. Sessions run with `search_path` set to it (then
    /// `public`), and the tracking table and the migration lock are the schema's own.
    pub schema: Option<String>,
}

/// How a TLS connection is checked, as libpq does: `prefer` (the default) and `require`
/// encrypt without checking the certificate, unless `sslrootcert` names the CA to check it
/// against; `verify-ca` checks the chain; `verify-full` also the host name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TlsPolicy {
    pub verify_chain: bool,
    pub verify_host: bool,
    /// A PEM file with the CA certificate(s) to trust, besides the system's.
    pub root_cert: Option<PathBuf>,
}

/// Takes out of a URL or key=value string what the `postgres` crate does not read itself
/// (`sslmode=verify-ca|verify-full`, `sslrootcert`), so it can parse the rest.
fn take_tls_options(url: &str) -> (String, TlsPolicy, bool) {
    let mut policy = TlsPolicy::default();
    let mut mode_given = false;
    let mut out = String::with_capacity(url.len());
    // Tokens are separated by `?`/`&` in a URL and by whitespace in key=value form.
    let is_separator = |c: char| c == '?' || c == '&' || c.is_whitespace();
    let mut separator = "";
    let mut rest = url;
    loop {
        let end = rest.find(is_separator).unwrap_or(rest.len());
        let token = &rest[..end];
        match token.split_once('=') {
            Some(("sslrootcert", path)) => {
                policy.root_cert = Some(PathBuf::from(path));
                // Dropped with its separator; a `?` still has to start the query.
                if separator != "?" {
                    separator = "";
                }
            }
            Some(("sslmode", mode)) => {
                mode_given = true;
                out.push_str(separator);
                separator = "";
                if let "verify-ca" | "verify-full" = mode {
                    policy.verify_chain = true;
                    policy.verify_host = mode == "verify-full";
                    out.push_str("sslmode=require");
                } else {
                    out.push_str(token);
                }
            }
            _ => {
                out.push_str(separator);
                separator = "";
                out.push_str(token);
            }
        }
        let Some(c) = rest[end..].chars().next() else {
            break;
        };
        let kept = if separator == "?" && c == '&' {
            "?"
        } else {
            &rest[end..end + c.len_utf8()]
        };
        separator = kept;
        rest = &rest[end + c.len_utf8()..];
    }
    (out, policy, mode_given)
}

/// The connection parameters schemactl reads, with what each takes. The `postgres` crate
/// reads all but `sslrootcert` (taken out first) and the `verify-*` sslmodes.
const PARAMETERS: &[&str] = &[
    "host",
    "hostaddr",
    "port",
    "user",
    "password",
    "dbname",
    "options",
    "application_name",
    "sslmode",
    "sslrootcert",
    "sslnegotiation",
    "connect_timeout",
    "tcp_user_timeout",
    "keepalives",
    "keepalives_idle",
    "keepalives_interval",
    "keepalives_retries",
    "target_session_attrs",
    "channel_binding",
    "load_balance_hosts",
];

const SSLMODES: &str = "disable, allow, prefer, require, verify-ca, verify-full";

/// Whether `key` may be quoted in a message: shaped like a connection parameter (lowercase
/// letters and `_`, as every real one is). Anything else may be a password typed in the
/// wrong place, and is described without quoting it.
fn quotable_key(key: &str) -> bool {
    !key.is_empty() && key.len() <= 40 && key.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
}

fn name_key(key: &str) -> String {
    if quotable_key(key) {
        format!("`{key}`")
    } else {
        "(not shown: it does not look like a parameter name)".to_string()
    }
}

/// Checks one `key=value` parameter the way the `postgres` crate will read it, with a message
/// that names the problem. Values are quoted only for keys that hold no secret.
fn check_parameter(key: &str, value: &str) -> Result<(), String> {
    if !PARAMETERS.contains(&key) {
        let hint = match key {
            "sslcert" | "sslkey" | "sslpassword" | "sslcrl" => {
                " (client certificates are not supported)"
            }
            "passfile" | "service" | "gssencmode" | "krbsrvname" | "requiressl" => {
                " (a libpq feature schemactl does not have)"
            }
            _ => "",
        };
        return Err(format!(
            "unknown connection parameter {}{hint}; schemactl reads {}",
            name_key(key),
            PARAMETERS.join(", ")
        ));
    }
    let number = |v: &str| v.parse::<i64>().is_ok();
    let ok = match key {
        "sslmode" => matches!(
            value,
            "disable" | "allow" | "prefer" | "require" | "verify-ca" | "verify-full"
        ),
        "port" => value
            .split(',')
            .all(|p| p.is_empty() || p.parse::<u16>().is_ok_and(|n| n > 0)),
        "hostaddr" => value
            .split(',')
            .all(|a| a.parse::<std::net::IpAddr>().is_ok()),
        "connect_timeout" | "tcp_user_timeout" | "keepalives_idle" | "keepalives_interval" => {
            number(value)
        }
        "keepalives" => value.parse::<u64>().is_ok(),
        "keepalives_retries" => value.parse::<u32>().is_ok(),
        "target_session_attrs" => matches!(value, "any" | "read-write" | "read-only"),
        "channel_binding" => matches!(value, "disable" | "prefer" | "require"),
        "load_balance_hosts" => matches!(value, "disable" | "random"),
        "sslnegotiation" => matches!(value, "postgres" | "direct"),
        "user" if value.is_empty() => {
            return Err(
                "the user name is empty: give one (user=NAME), or leave it out for PGUSER".into(),
            )
        }
        _ => true,
    };
    if ok {
        return Ok(());
    }
    let shown = crate::diag::truncate(value, 60);
    Err(match key {
        "sslmode" => format!("sslmode `{shown}` is not one of {SSLMODES}"),
        "port" => format!("port `{shown}` is not a number from 1 to 65535"),
        "hostaddr" => format!("hostaddr `{shown}` is not an IP address"),
        "target_session_attrs" => {
            format!("target_session_attrs `{shown}` is not any, read-write or read-only")
        }
        "channel_binding" => format!("channel_binding `{shown}` is not disable, prefer or require"),
        "load_balance_hosts" => format!("load_balance_hosts `{shown}` is not disable or random"),
        "sslnegotiation" => format!("sslnegotiation `{shown}` is not postgres or direct"),
        k => format!("{k} `{shown}` is not a whole number"),
    })
}

/// Checks a key=value connection string the way the `postgres` crate reads it (keys, `=`,
/// values plain or in single quotes with `\` escapes), naming what is wrong.
fn check_key_values(text: &str) -> Result<(), String> {
    let mut it = text.char_indices().peekable();
    let mut count = 0;
    loop {
        while it.next_if(|(_, c)| c.is_whitespace()).is_some() {}
        let Some(&(start, _)) = it.peek() else {
            return Ok(());
        };
        count += 1;
        let mut end = text.len();
        while let Some(&(i, c)) = it.peek() {
            if c.is_whitespace() || c == '=' {
                end = i;
                break;
            }
            it.next();
        }
        let key = &text[start..end];
        while it.next_if(|(_, c)| c.is_whitespace()).is_some() {}
        if it.next_if(|(_, c)| *c == '=').is_none() {
            return Err(if key.is_empty() {
                format!("parameter {count} has no name before its `=`")
            } else if quotable_key(key) {
                format!("`{key}` is not followed by `=`: every parameter is written key=value")
            } else {
                format!("word {count} is not a key=value parameter (missing `=`)")
            });
        }
        if key.is_empty() {
            return Err(format!("parameter {count} has no name before its `=`"));
        }
        while it.next_if(|(_, c)| c.is_whitespace()).is_some() {}
        let mut value = String::new();
        if it.next_if(|(_, c)| *c == '\'').is_some() {
            let mut closed = false;
            while let Some((_, c)) = it.next() {
                match c {
                    '\'' => {
                        closed = true;
                        break;
                    }
                    '\\' => {
                        if let Some((_, e)) = it.next() {
                            value.push(e);
                        }
                    }
                    c => value.push(c),
                }
            }
            if !closed {
                return Err(if quotable_key(key) {
                    format!("the quoted value of `{key}` has no closing `'`")
                } else {
                    format!("the quoted value of parameter {count} has no closing `'`")
                });
            }
        } else {
            while let Some(&(_, c)) = it.peek() {
                if c.is_whitespace() {
                    break;
                }
                it.next();
                if c == '\\' {
                    if let Some((_, e)) = it.next() {
                        value.push(e);
                    }
                } else {
                    value.push(c);
                }
            }
            if value.is_empty() {
                return Err(if quotable_key(key) {
                    format!("`{key}` has no value: write {key}=VALUE, or '' for an empty one")
                } else {
                    format!("parameter {count} has no value: write key=VALUE")
                });
            }
        }
        check_parameter(key, &value)?;
    }
}

/// Percent-decodes URL text, as the `postgres` crate does.
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
            if let Some(b) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).ok()
}

/// Checks a `postgres://` URL the way the `postgres` crate reads it (user info up to the first
/// `@`, hosts up to `/` or `?`, the database, `&`-separated parameters), naming what is wrong.
/// Nothing of the user info is ever quoted.
fn check_url(rest: &str) -> Result<(), String> {
    let ats = rest.matches('@').count();
    if ats > 1 {
        return Err(format!(
            "the URL has {ats} `@` signs, and only the one before the host may be bare: write an `@` inside the user name or password as %40"
        ));
    }
    let mut s = rest;
    if let Some(at) = s.find('@') {
        let creds = &s[..at];
        let user = creds.split(':').next().unwrap_or("");
        if user.is_empty() {
            return Err("the user name before `@` is empty: write postgres://USER:PASSWORD@host/db, or leave out `user@` to use PGUSER".into());
        }
        if percent_decode(user).is_none() {
            return Err("the user name is not UTF-8 once its %-escapes are decoded".into());
        }
        s = &s[at + 1..];
    }
    let host_end = s.find(['/', '?']).unwrap_or(s.len());
    let hosts = &s[..host_end];
    s = &s[host_end..];
    if !hosts.is_empty() {
        for chunk in hosts.split(',') {
            let port = if let Some(inner) = chunk.strip_prefix('[') {
                let Some(close) = inner.find(']') else {
                    return Err(format!(
                        "the IPv6 address `{}` has no closing `]`: write postgres://user@[::1]:5432/db",
                        crate::diag::truncate(chunk, 60)
                    ));
                };
                let addr = &inner[..close];
                if addr.parse::<std::net::Ipv6Addr>().is_err() {
                    return Err(format!(
                        "`[{}]` is not an IPv6 address",
                        crate::diag::truncate(addr, 60)
                    ));
                }
                let after = &inner[close + 1..];
                match after.strip_prefix(':') {
                    Some(p) => Some(p),
                    None if after.is_empty() => None,
                    None => {
                        return Err(format!(
                        "`{}` after the IPv6 address is neither `:PORT` nor the end of the host",
                        crate::diag::truncate(after, 60)
                    ))
                    }
                }
            } else {
                let mut parts = chunk.splitn(2, ':');
                let host = parts.next().unwrap_or("");
                let port = parts.next();
                if port.is_some_and(|p| p.contains(':')) {
                    return Err(format!(
                        "`{}` has more than one `:`: an IPv6 address goes in brackets, postgres://user@[::1]:5432/db",
                        crate::diag::truncate(chunk, 60)
                    ));
                }
                if percent_decode(host).is_none() {
                    return Err("the host is not UTF-8 once its %-escapes are decoded".into());
                }
                port
            };
            if let Some(p) = port {
                if p.parse::<u16>().map_or(true, |n| n == 0) {
                    return Err(format!(
                        "port `{}` is not a number from 1 to 65535",
                        crate::diag::truncate(p, 60)
                    ));
                }
            }
        }
    }
    if let Some(path) = s.strip_prefix('/') {
        let end = path.find('?').unwrap_or(path.len());
        if percent_decode(&path[..end]).is_none() {
            return Err("the database name is not UTF-8 once its %-escapes are decoded".into());
        }
        s = &path[end..];
    }
    if let Some(query) = s.strip_prefix('?') {
        for param in query.split('&') {
            let Some((key, value)) = param.split_once('=') else {
                return Err(if param.is_empty() {
                    "the URL has an empty query parameter (`&&` or a trailing `&`)".to_string()
                } else {
                    match quotable_key(param) {
                        true => format!("the query parameter `{param}` has no `=VALUE`"),
                        false => "a query parameter has no `=VALUE`".to_string(),
                    }
                });
            };
            let key = percent_decode(key).unwrap_or_default();
            let value = percent_decode(value).ok_or_else(|| match quotable_key(&key) {
                true => format!("the value of `{key}` is not UTF-8 once its %-escapes are decoded"),
                false => "a query parameter's value is not UTF-8 once its %-escapes are decoded"
                    .to_string(),
            })?;
            check_parameter(&key, &value)?;
        }
    }
    Ok(())
}

/// What a connection string that is not `postgres://`, key=value or `sqlite:` looks like,
/// without quoting it (it may hold a password).
fn not_a_url(url: &str) -> Diagnostic {
    let scheme: String = url
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '.' | '-' | ':'))
        .take(24)
        .collect();
    let scheme = scheme.trim_end_matches(':');
    let lower = scheme.to_ascii_lowercase();
    if lower.starts_with("jdbc") {
        return bad_url("a JDBC URL (`jdbc:...`) is Java's spelling: drop `jdbc:` and write postgres://user@host:port/database, with the password in PGPASSWORD");
    }
    for name in ["postgresql", "postgres", "sqlite"] {
        let rest = url.get(name.len()..).unwrap_or("");
        if lower.starts_with(name) && !url.contains("://") && !url.starts_with("sqlite:") {
            if name == "sqlite" {
                return bad_url("an SQLite database is written sqlite:path/to/file.db (with a `:` after `sqlite`)");
            }
            if rest.starts_with("//") || rest.starts_with(":/") || rest.starts_with(':') {
                return bad_url(&format!(
                    "the URL is missing `://` after `{name}`: write {name}://user@host:port/database"
                ));
            }
        }
    }
    let plain_scheme = scheme.len() <= 24
        && scheme.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'+' | b'.' | b'-')
        });
    if url.contains("://") && !scheme.is_empty() && plain_scheme {
        return bad_url(&format!(
            "a `{scheme}://` URL is not a database URL schemactl can use: it migrates PostgreSQL (postgres://...) and SQLite (sqlite:path)"
        ));
    }
    if url.contains("://") {
        return bad_url("this is not a database URL schemactl can use: its scheme is not postgres:// or postgresql://");
    }
    bad_url("this is not a database URL: it is neither a postgres:// URL, a key=value string nor sqlite:path")
}

/// The default host when neither the URL nor PGHOST names one: the local server's socket
/// where libpq would look on Debian (`/var/run/postgresql`) or elsewhere (`/tmp`) when its
/// socket file is there, else localhost over TCP.
fn default_host(config: &mut postgres::Config) {
    let port = config.get_ports().first().copied().unwrap_or(5432);
    for dir in ["/var/run/postgresql", "/tmp"] {
        if std::path::Path::new(dir)
            .join(format!(".s.PGSQL.{port}"))
            .exists()
        {
            config.host_path(dir);
            return;
        }
    }
    config.host("localhost");
}

impl Target {
    /// Parses a database URL. `env` looks up environment variables (PGHOST, PGPORT, PGUSER,
    /// PGPASSWORD, PGDATABASE, PGSSLMODE), so tests can pass their own. Errors name what is
    /// wrong and never quote a password.
    pub fn parse(url: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<Target, Diagnostic> {
        // An empty variable is an unset one, as libpq reads them.
        let env = |k: &str| env(k).filter(|v| !v.is_empty());
        let url = url.trim();
        if let Some(rest) = url.strip_prefix("sqlite:") {
            let path = rest.strip_prefix("//").unwrap_or(rest);
            if path.is_empty() {
                return Err(bad_url(
                    "`sqlite:` needs a file path, e.g. sqlite:data/app.db",
                ));
            }
            if path.contains('\0') {
                return Err(bad_url("the SQLite path holds a NUL byte"));
            }
            return Ok(Target::Sqlite(PathBuf::from(path)));
        }
        let url_rest = url
            .strip_prefix("postgres://")
            .or_else(|| url.strip_prefix("postgresql://"));
        let looks_like_kv = !url.contains("://") && url.contains('=');
        if url_rest.is_none() && !looks_like_kv && !url.is_empty() {
            return Err(not_a_url(url));
        }
        let (url, mut tls, mode_given) = take_tls_options(url);
        let checked = match url_rest {
            Some(_) => check_url(url.split_once("://").map_or("", |(_, rest)| rest)),
            None => check_key_values(&url),
        };
        checked.map_err(|msg| bad_url(&msg))?;
        let mut config = if url.is_empty() {
            postgres::Config::new()
        } else {
            postgres::Config::from_str(&url).map_err(|e| {
                // The crate says "invalid connection string"; its reason is the source.
                let why =
                    std::error::Error::source(&e).map_or_else(|| e.to_string(), |s| s.to_string());
                bad_url(&format!(
                    "cannot read the database URL: {}",
                    crate::secret::mask(&why)
                ))
            })?
        };
        if config.get_ports().is_empty() {
            if let Some(p) = env("PGPORT") {
                let port: u16 = p.parse().ok().filter(|n| *n > 0).ok_or_else(|| {
                    bad_url(&format!(
                        "PGPORT `{}` is not a number from 1 to 65535",
                        crate::diag::truncate(&p, 60)
                    ))
                })?;
                config.port(port);
            }
        }
        if config.get_hosts().is_empty() && config.get_hostaddrs().is_empty() {
            match env("PGHOST") {
                Some(h) if h.starts_with('/') => {
                    config.host_path(h);
                }
                Some(h) => {
                    for host in h.split(',') {
                        config.host(host);
                    }
                }
                None => default_host(&mut config),
            }
        }
        if config.get_user().is_none() {
            let user = env("PGUSER")
                .or_else(|| env("USER"))
                .unwrap_or_else(|| "postgres".into());
            config.user(&user);
        }
        if config.get_user() == Some("") {
            return Err(bad_url(
                "the user name is empty: give one in the URL (postgres://USER@host/db) or PGUSER",
            ));
        }
        if config.get_password().is_none() {
            if let Some(p) = env("PGPASSWORD") {
                config.password(p);
            }
        }
        if config.get_dbname().is_none() {
            if let Some(d) = env("PGDATABASE") {
                config.dbname(&d);
            }
        }
        if !mode_given {
            if let Some(mode) = env("PGSSLMODE") {
                let mode = match mode.as_str() {
                    "disable" => postgres::config::SslMode::Disable,
                    "prefer" | "allow" => postgres::config::SslMode::Prefer,
                    "require" => postgres::config::SslMode::Require,
                    "verify-ca" | "verify-full" => {
                        tls.verify_chain = true;
                        tls.verify_host = mode == "verify-full";
                        postgres::config::SslMode::Require
                    }
                    other => {
                        return Err(bad_url(&format!(
                            "PGSSLMODE `{}` is not one of {SSLMODES}",
                            crate::diag::truncate(other, 60)
                        )))
                    }
                };
                config.ssl_mode(mode);
            }
        }
        if tls.root_cert.is_none() {
            tls.root_cert = env("PGSSLROOTCERT").map(PathBuf::from);
        }
        config.application_name("schemactl");
        Ok(Target::Postgres(Box::new(PgTarget {
            config,
            tls,
            read_only: false,
            schema: None,
        })))
    }

    /// The same target, for a command that must not change it: SQLite opens the file
    /// read-only (and refuses a missing one), PostgreSQL sessions start read-only.
    pub fn read_only(&self) -> Target {
        match self {
            Target::Postgres(pg) => {
                let mut pg = pg.clone();
                pg.read_only = true;
                Target::Postgres(pg)
            }
            Target::Sqlite(p) => Target::Sqlite(p.clone()),
        }
    }

    /// The same database, as the tenant schema `schema` (schema-per-tenant fleets): its own
    /// `search_path`, tracking table and lock. The name must be one [`check_schema_name`]
    /// accepts. A SQLite target has no schemas and is returned as it is.
    pub fn in_schema(&self, schema: &str) -> Target {
        match self {
            Target::Postgres(pg) => {
                let mut pg = pg.clone();
                pg.schema = Some(schema.to_string());
                Target::Postgres(pg)
            }
            Target::Sqlite(p) => Target::Sqlite(p.clone()),
        }
    }

    /// The tenant schema of a schema-per-tenant target.
    pub fn schema(&self) -> Option<&str> {
        match self {
            Target::Postgres(pg) => pg.schema.as_deref(),
            Target::Sqlite(_) => None,
        }
    }

    pub fn dialect(&self) -> DialectKind {
        match self {
            Target::Postgres(_) => DialectKind::Postgres,
            Target::Sqlite(_) => DialectKind::Sqlite,
        }
    }

    /// The target for humans, without any password: `postgres://user@host:port/db`, with a
    /// Unix socket shown as `[socket DIR/.s.PGSQL.PORT]` and every host of a list.
    pub fn display(&self) -> String {
        match self {
            Target::Sqlite(p) => format!("sqlite:{}", p.display()),
            Target::Postgres(pg) => {
                let c = &pg.config;
                let ports = c.get_ports();
                let port_of = |i: usize| match ports.len() {
                    0 => 5432,
                    1 => ports[0],
                    _ => ports.get(i).copied().unwrap_or(5432),
                };
                let mut hosts: Vec<String> = c
                    .get_hosts()
                    .iter()
                    .enumerate()
                    .map(|(i, h)| match h {
                        postgres::config::Host::Tcp(h) => format!("{h}:{}", port_of(i)),
                        postgres::config::Host::Unix(p) => format!(
                            "[socket {}]",
                            p.join(format!(".s.PGSQL.{}", port_of(i))).display()
                        ),
                    })
                    .collect();
                if hosts.is_empty() {
                    hosts = c
                        .get_hostaddrs()
                        .iter()
                        .enumerate()
                        .map(|(i, a)| match a {
                            std::net::IpAddr::V6(a) => format!("[{a}]:{}", port_of(i)),
                            a => format!("{a}:{}", port_of(i)),
                        })
                        .collect();
                }
                crate::secret::mask(&format!(
                    "postgres://{}@{}/{}",
                    c.get_user().unwrap_or(""),
                    hosts.join(","),
                    c.get_dbname().unwrap_or(c.get_user().unwrap_or(""))
                ))
            }
        }
    }

    /// [`Target::display`] with the tenant schema, when there is one: `postgres://u@h:5432/db
    /// schema t_acme`.
    pub fn display_with_schema(&self) -> String {
        match self.schema() {
            Some(s) => format!("{} schema {s}", self.display()),
            None => self.display(),
        }
    }

    /// Masks secrets in text about this target (a driver's error message): every password by
    /// its shape (see [`crate::secret`]), and this target's own password where it stands as a
    /// whole word of six or more characters.
    pub fn redact(&self, text: &str) -> String {
        let masked = crate::secret::mask(text);
        match self {
            Target::Postgres(pg) => match pg
                .config
                .get_password()
                .and_then(|p| std::str::from_utf8(p).ok())
            {
                Some(p) if p.chars().count() >= 6 => replace_word(&masked, p),
                _ => masked,
            },
            Target::Sqlite(_) => masked,
        }
    }
}

/// Replaces `word` in `text` where it is not part of a longer word.
fn replace_word(text: &str, word: &str) -> String {
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut prev: Option<char> = None;
    while let Some(i) = rest.find(word) {
        let before = rest[..i].chars().next_back().or(prev);
        let after = rest[i + word.len()..].chars().next();
        out.push_str(&rest[..i]);
        if before.is_some_and(is_word) || after.is_some_and(is_word) {
            out.push_str(word);
        } else {
            out.push_str(crate::secret::MASK);
        }
        prev = word.chars().next_back();
        rest = &rest[i + word.len()..];
    }
    out.push_str(rest);
    out
}

/// Checks a tenant schema name (from a fleet file or a control database's query): 1 to 63
/// bytes of ASCII letters, digits, `_` and `-`, not starting with a digit or `-`, and not
/// `pg_*`, `information_schema` or `public`. Quoting cannot make other names safe to pass
/// through a session's startup options, and no real tenant schema needs them.
pub fn check_schema_name(name: &str) -> Result<(), String> {
    let shown = crate::diag::truncate(&name.escape_debug().to_string(), 60);
    if name.is_empty() {
        return Err("the schema name is empty".into());
    }
    if name.len() > 63 {
        return Err(format!(
            "the schema name `{shown}` is {} bytes long; PostgreSQL names are at most 63",
            name.len()
        ));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '-'))
    {
        return Err(format!(
            "the schema name `{shown}` holds `{}`: tenant schema names are ASCII letters, digits, `_` and `-`",
            c.escape_debug()
        ));
    }
    if name.starts_with(|c: char| c.is_ascii_digit() || c == '-') {
        return Err(format!(
            "the schema name `{shown}` starts with a digit or `-`: start it with a letter or `_`"
        ));
    }
    let lower = name.to_ascii_lowercase();
    if lower.starts_with("pg_") || lower == "information_schema" || lower == "public" {
        return Err(format!(
            "`{shown}` is a system or shared schema, not a tenant's: PostgreSQL reserves `pg_*` and `information_schema`, and `public` is where every other session looks"
        ));
    }
    Ok(())
}

fn bad_url(msg: &str) -> Diagnostic {
    Diagnostic::error("apply::bad-url", msg.to_string()).help(
        "use postgres://user@host:port/database (password from PGPASSWORD or the URL), a key=value string such as `host=/run/postgresql dbname=app`, or sqlite:path/to/file.db",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn passwords_are_redacted_by_shape_never_by_letters() {
        let t = Target::parse("postgres://app:s3cret@db:5432/x", &no_env).unwrap();
        assert_eq!(t.display(), "postgres://app@db:5432/x");
        assert_eq!(t.redact("auth failed for s3cret"), "auth failed for ***");
        assert_eq!(
            t.redact("see postgres://app:s3cret@db/x"),
            "see postgres://app:***@db/x"
        );
        let short = Target::parse("postgres://app:p@db/x", &no_env).unwrap();
        assert_eq!(
            short.redact("failed to lookup address information"),
            "failed to lookup address information"
        );
    }

    fn message(url: &str) -> String {
        Target::parse(url, &no_env).unwrap_err().message
    }

    #[test]
    fn each_malformed_string_names_its_problem() {
        let cases = [
            (
                "postgres://u:pw@h:notaport/db",
                "port `notaport` is not a number",
            ),
            ("postgres://u:pw@h:0/db", "port `0`"),
            ("postgres://u:pw@[::1/db", "no closing `]`"),
            ("postgres://u:pw@[::zz]/db", "is not an IPv6 address"),
            ("postgres://u:pw@::1/db", "in brackets"),
            (
                "postgres://u:pw@h/db?sslmode=bogus",
                "sslmode `bogus` is not one of",
            ),
            (
                "postgres://u:pw@h/db?foo=bar",
                "unknown connection parameter `foo`",
            ),
            ("postgres://u:pw@h/db?sslmode", "has no `=VALUE`"),
            (
                "postgres://u:pw@h/db?connect_timeout=x",
                "connect_timeout `x` is not a whole number",
            ),
            ("postgres://u:p@ss@h/db", "%40"),
            ("postgres://:pw@h/db", "user name before `@` is empty"),
            (
                "host=h user=u password=pw dbname",
                "`dbname` is not followed by `=`",
            ),
            ("host=h password='pw", "no closing `'`"),
            ("host=h dbname=", "`dbname` has no value"),
            ("host=h port=99999", "port `99999`"),
            (
                "host=h hostaddr=1.2.3",
                "hostaddr `1.2.3` is not an IP address",
            ),
            ("host=h user=''", "user name is empty"),
            ("host=h sslcert=/x", "client certificates are not supported"),
            ("postgres//u:pw@h/db", "missing `://` after `postgres`"),
            ("postgresql:/u:pw@h/db", "missing `://` after `postgresql`"),
            ("jdbc:postgresql://h/db?user=u&password=pw", "JDBC"),
            (
                "mysql://root:pw@h/db",
                "a `mysql://` URL is not a database URL",
            ),
            ("sqlite//app.db", "sqlite:path/to/file.db"),
            ("just some words", "not a database URL"),
        ];
        for (url, want) in cases {
            let m = message(url);
            assert!(m.contains(want), "{url}: {m}");
            assert!(!m.contains("pw"), "{url} leaks: {m}");
        }
    }

    #[test]
    fn unix_sockets_and_host_lists_are_shown_as_they_are() {
        let t = Target::parse("postgres://u@/db?host=/tmp/nope", &no_env).unwrap();
        assert_eq!(
            t.display(),
            "postgres://u@[socket /tmp/nope/.s.PGSQL.5432]/db"
        );
        let t = Target::parse("postgres://u@localhost/db?host=/tmp/nope", &no_env).unwrap();
        assert_eq!(
            t.display(),
            "postgres://u@localhost:5432,[socket /tmp/nope/.s.PGSQL.5432]/db"
        );
    }

    #[test]
    fn environment_fills_what_the_url_leaves_out() {
        let env = |k: &str| match k {
            "PGHOST" => Some("db.internal".to_string()),
            "PGPORT" => Some("6543".to_string()),
            "PGUSER" => Some("deploy".to_string()),
            "PGDATABASE" => Some("app".to_string()),
            _ => None,
        };
        let t = Target::parse("", &env).unwrap();
        assert_eq!(t.display(), "postgres://deploy@db.internal:6543/app");
    }

    #[test]
    fn sqlite_and_bad_urls() {
        assert!(
            matches!(Target::parse("sqlite:data/app.db", &no_env).unwrap(), Target::Sqlite(p) if p == Path::new("data/app.db"))
        );
        assert!(
            matches!(Target::parse("sqlite:///tmp/a.db", &no_env).unwrap(), Target::Sqlite(p) if p == Path::new("/tmp/a.db"))
        );
        let e = Target::parse("mysql://root:pw@h/db", &no_env).unwrap_err();
        assert!(!e.message.contains("pw"), "{}", e.message);
        assert!(Target::parse("sqlite:", &no_env).is_err());
        assert!(Target::parse("postgres://u@h:notaport/db", &no_env).is_err());
    }

    fn tls_of(url: &str) -> (postgres::config::SslMode, TlsPolicy) {
        match Target::parse(url, &no_env).unwrap() {
            Target::Postgres(pg) => (pg.config.get_ssl_mode(), pg.tls),
            Target::Sqlite(_) => unreachable!(),
        }
    }

    #[test]
    fn tls_modes_follow_libpq() {
        use postgres::config::SslMode;
        assert_eq!(
            tls_of("postgres://u@h/db"),
            (SslMode::Prefer, TlsPolicy::default())
        );
        assert_eq!(
            tls_of("postgres://u@h/db?sslmode=require"),
            (SslMode::Require, TlsPolicy::default())
        );
        let full = TlsPolicy {
            verify_chain: true,
            verify_host: true,
            root_cert: Some(PathBuf::from("/etc/ca.pem")),
        };
        assert_eq!(
            tls_of("postgres://u@h/db?sslmode=verify-full&sslrootcert=/etc/ca.pem"),
            (SslMode::Require, full.clone())
        );
        assert_eq!(
            tls_of(
                "postgres://u@h/db?sslrootcert=/etc/ca.pem&sslmode=verify-full&connect_timeout=3"
            ),
            (SslMode::Require, full.clone())
        );
        assert_eq!(
            tls_of("host=h user=u sslrootcert=/etc/ca.pem sslmode=verify-full dbname=db"),
            (SslMode::Require, full)
        );
        let (mode, ca) = tls_of("host=h user=u sslmode=verify-ca");
        assert_eq!(mode, SslMode::Require);
        assert!(ca.verify_chain && !ca.verify_host);
        let env = |k: &str| (k == "PGSSLMODE").then(|| "verify-full".to_string());
        let Target::Postgres(pg) = Target::parse("postgres://u@h/db", &env).unwrap() else {
            unreachable!()
        };
        assert!(pg.tls.verify_host);
        assert!(Target::parse("postgres://u@h/db?sslmode=sometimes", &no_env).is_err());
    }
}
