//! Where `apply` connects: a `postgres://` URL or key=value string (with PG* environment
//! variables filling what it leaves out), or a `sqlite:` path. Passwords never leave this
//! module unredacted: [`Target::display`] and [`Target::redact`] are what messages use.

use crate::diag::Diagnostic;
use crate::dialect::DialectKind;
use std::path::PathBuf;
use std::str::FromStr;

#[derive(Debug, Clone)]
pub enum Target {
    Postgres(Box<postgres::Config>),
    Sqlite(PathBuf),
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
        let mut config = if url.is_empty() {
            postgres::Config::new()
        } else {
            postgres::Config::from_str(url).map_err(|e| {
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
        if !url.contains("sslmode") {
            if let Some(mode) = env("PGSSLMODE") {
                let mode = match mode.as_str() {
                    "disable" => postgres::config::SslMode::Disable,
                    "prefer" | "allow" => postgres::config::SslMode::Prefer,
                    "require" | "verify-ca" | "verify-full" => postgres::config::SslMode::Require,
                    other => {
                        return Err(bad_url(&format!(
                            "PGSSLMODE `{other}` is not one of disable, prefer, require"
                        )))
                    }
                };
                config.ssl_mode(mode);
            }
        }
        config.application_name("schemactl");
        Ok(Target::Postgres(Box::new(config)))
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
            Target::Postgres(c) => {
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
            Target::Postgres(c) => redact_text(text, c.get_password()),
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
}
