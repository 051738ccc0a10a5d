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

impl Target {
    /// Parses a database URL. `env` looks up environment variables (PGHOST, PGPORT, PGUSER,
    /// PGPASSWORD, PGDATABASE, PGSSLMODE), so tests can pass their own.
    pub fn parse(url: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<Target, Diagnostic> {
        let url = url.trim();
        if let Some(rest) = url.strip_prefix("sqlite:") {
            let path = rest.strip_prefix("//").unwrap_or(rest);
            if path.is_empty() {
                return Err(bad_url(
                    "`sqlite:` needs a file path, e.g. sqlite:data/app.db",
                ));
            }
            return Ok(Target::Sqlite(PathBuf::from(path)));
        }
        let looks_like_url = url.starts_with("postgres://") || url.starts_with("postgresql://");
        let looks_like_kv = !url.contains("://") && url.contains('=');
        if !looks_like_url && !looks_like_kv && !url.is_empty() {
            return Err(bad_url(&format!(
                "`{}` is not a database URL",
                redact_url_text(url)
            )));
        }
        let (url, mut tls, mode_given) = take_tls_options(url);
        let mut config = if url.is_empty() {
            postgres::Config::new()
        } else {
            postgres::Config::from_str(&url).map_err(|e| {
                bad_url(&format!(
                    "cannot read the database URL: {}",
                    redact_text(&e.to_string(), None)
                ))
            })?
        };
        if config.get_hosts().is_empty() {
            match env("PGHOST") {
                Some(h) if h.starts_with('/') => {
                    config.host_path(h);
                }
                Some(h) => {
                    config.host(&h);
                }
                None => {
                    config.host("localhost");
                }
            }
        }
        if config.get_ports().is_empty() {
            if let Some(p) = env("PGPORT") {
                let port: u16 = p
                    .parse()
                    .map_err(|_| bad_url(&format!("PGPORT `{p}` is not a port number")))?;
                config.port(port);
            }
        }
        if config.get_user().is_none() {
            let user = env("PGUSER")
                .or_else(|| env("USER"))
                .unwrap_or_else(|| "postgres".into());
            config.user(&user);
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
                            "PGSSLMODE `{other}` is not one of disable, allow, prefer, require, verify-ca, verify-full"
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
        Ok(Target::Postgres(Box::new(PgTarget { config, tls })))
    }

    pub fn dialect(&self) -> DialectKind {
        match self {
            Target::Postgres(_) => DialectKind::Postgres,
            Target::Sqlite(_) => DialectKind::Sqlite,
        }
    }

    /// The target for humans, without any password.
    pub fn display(&self) -> String {
        match self {
            Target::Sqlite(p) => format!("sqlite:{}", p.display()),
            Target::Postgres(pg) => {
                let c = &pg.config;
                let host = c
                    .get_hosts()
                    .first()
                    .map(|h| match h {
                        postgres::config::Host::Tcp(h) => h.clone(),
                        postgres::config::Host::Unix(p) => p.display().to_string(),
                    })
                    .unwrap_or_default();
                let port = c.get_ports().first().copied().unwrap_or(5432);
                format!(
                    "postgres://{}@{host}:{port}/{}",
                    c.get_user().unwrap_or(""),
                    c.get_dbname().unwrap_or(c.get_user().unwrap_or(""))
                )
            }
        }
    }

    /// Removes this target's password from any text (error messages included).
    pub fn redact(&self, text: &str) -> String {
        match self {
            Target::Postgres(pg) => redact_text(text, pg.config.get_password()),
            Target::Sqlite(_) => text.to_string(),
        }
    }
}

fn bad_url(msg: &str) -> Diagnostic {
    Diagnostic::error("apply::bad-url", msg.to_string()).help(
        "use postgres://user@host:port/database (password from PGPASSWORD or the URL), a key=value string such as `host=/run/postgresql dbname=app`, or sqlite:path/to/file.db",
    )
}

fn redact_text(text: &str, password: Option<&[u8]>) -> String {
    let mut out = redact_url_text(text);
    if let Some(p) = password.and_then(|p| std::str::from_utf8(p).ok()) {
        if !p.is_empty() {
            out = out.replace(p, "***");
        }
    }
    out
}

/// Hides `user:password@` in URL-shaped text and `password=...` in key=value text.
pub fn redact_url_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("://") {
        out.push_str(&rest[..i + 3]);
        rest = &rest[i + 3..];
        let end = rest.find(['/', ' ', '?']).unwrap_or(rest.len());
        let authority = &rest[..end];
        if let Some(at) = authority.rfind('@') {
            let userinfo = &authority[..at];
            match userinfo.split_once(':') {
                Some((user, _)) => out.push_str(&format!("{user}:***@")),
                None => out.push_str(&format!("{userinfo}@")),
            }
            rest = &rest[at + 1..];
        }
    }
    out.push_str(rest);
    let mut result = String::with_capacity(out.len());
    for (i, part) in out.split(' ').enumerate() {
        if i > 0 {
            result.push(' ');
        }
        match part.split_once('=') {
            Some((k, _)) if k.eq_ignore_ascii_case("password") => result.push_str("password=***"),
            _ => result.push_str(part),
        }
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn passwords_are_redacted_in_urls_and_key_values() {
        assert_eq!(
            redact_url_text("postgres://app:s3cret@db:5432/x"),
            "postgres://app:***@db:5432/x"
        );
        assert_eq!(
            redact_url_text("host=db password=s3cret user=app"),
            "host=db password=*** user=app"
        );
        let t = Target::parse("postgres://app:s3cret@db:5432/x", &no_env).unwrap();
        assert_eq!(t.display(), "postgres://app@db:5432/x");
        assert_eq!(t.redact("auth failed for s3cret"), "auth failed for ***");
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
        assert!(!e.message.contains("pw@"), "{}", e.message);
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
