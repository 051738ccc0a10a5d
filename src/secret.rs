//! Masking secrets in text schemactl did not write itself: a database's or a library's error
//! message, a command-line parser's echo of a stray argument, a config line quoted in a report.
//!
//! Messages schemactl writes never hold a password in the first place (a target is shown by
//! [`crate::apply::Target::display`], rebuilt without it). This is the second line: every
//! report passes through [`mask`] on its way out. It masks by shape, never by searching for the
//! password's characters (a password `p` must not turn "lookup" into "looku***"):
//!
//! - the password of a URL's user info, in any scheme or none (`scheme://user:SECRET@host`,
//!   `postgres//user:SECRET@host`, `user:SECRET@host`), up to the last `@` of the word, so an
//!   unencoded `@` inside the password is masked too;
//! - the value of any key that ends in `password`, written `key=value` (URL query, key=value
//!   strings, environment), `key: value` (YAML) or `key='quoted value'`.

/// What a masked secret is replaced with.
pub const MASK: &str = "***";

/// `text` with every password-shaped secret replaced by [`MASK`].
pub fn mask(text: &str) -> String {
    mask_userinfo(&mask_password_values(text))
}

/// Whether `b` is one of the quote characters that delimit a word in messages.
fn is_quote(c: char) -> bool {
    matches!(c, '\'' | '"' | '`')
}

/// Masks `user:secret@` in every word that holds an `@`. A word is a run of characters
/// without whitespace; quoted text (`'...'`, `"..."`, `` `...` ``) is one word even when it
/// holds spaces, as command-line parsers quote the argument they echo.
fn mask_userinfo(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        let Some(c) = rest.chars().next() else { break };
        if c.is_whitespace() {
            out.push(c);
            rest = &rest[c.len_utf8()..];
            continue;
        }
        let len = if is_quote(c) {
            // The quoted run, quotes included; an unclosed quote runs to the end of the line.
            let body = &rest[1..];
            match body.find([c, '\n']) {
                Some(i) if body[i..].starts_with(c) => i + 2,
                Some(i) => i + 1,
                None => rest.len(),
            }
        } else {
            rest.find(|x: char| x.is_whitespace() || is_quote(x))
                .unwrap_or(rest.len())
        };
        out.push_str(&mask_word(&rest[..len]));
        rest = &rest[len..];
    }
    out
}

/// One word: `[scheme:]//user:secret@rest` or `user:secret@rest` becomes `...user:***@rest`.
fn mask_word(word: &str) -> String {
    let Some(last_at) = word.rfind('@') else {
        return word.to_string();
    };
    // The user info starts after the first `//` (the scheme's), else after an opening quote.
    let start = match word[..last_at].find("//") {
        Some(i) => i + 2,
        None => word
            .char_indices()
            .find(|(_, c)| !is_quote(*c) && !matches!(c, '(' | '[' | '<' | '{'))
            .map_or(0, |(i, _)| i),
    };
    let userinfo = &word[start..last_at];
    match userinfo.find(':') {
        Some(colon) => format!("{}{MASK}{}", &word[..start + colon + 1], &word[last_at..]),
        None => word.to_string(),
    }
}

/// Masks the value after `...password=`, `...password:` (any case, any prefix such as
/// `PG` or `ssl`): a quoted value up to its closing quote, else up to whitespace, `&`, `,`, `;`
/// or a closing quote.
fn mask_password_values(text: &str) -> String {
    const KEY: &str = "password";
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut from = 0;
    while let Some(i) = lower[from..].find(KEY) {
        let key_end = from + i + KEY.len();
        from = key_end;
        let bytes = text.as_bytes();
        let mut j = key_end;
        while j < bytes.len() && bytes[j] == b' ' {
            j += 1;
        }
        let Some(&sep) = bytes.get(j) else { break };
        if sep != b'=' && sep != b':' {
            continue;
        }
        // `password: ` in prose ("password:" then a sentence) is rare; a `:` must be followed
        // by a value on the same line to count, and `://` is a URL, not a key.
        if text[j..].starts_with("://") {
            continue;
        }
        j += 1;
        while j < bytes.len() && bytes[j] == b' ' {
            j += 1;
        }
        let value_start = j;
        let value_end = match bytes.get(j) {
            Some(&q) if q == b'\'' || q == b'"' => {
                match text[j + 1..].find(|c: char| c as u32 == q as u32 || c == '\n') {
                    Some(k) if bytes[j + 1 + k] == q => j + 1 + k + 1,
                    Some(k) => j + 1 + k,
                    None => text.len(),
                }
            }
            Some(_) => text[j..]
                .find(|c: char| c.is_whitespace() || matches!(c, '&' | ',' | ';') || is_quote(c))
                .map_or(text.len(), |k| j + k),
            None => j,
        };
        if value_end > value_start {
            out.push_str(&text[copied..value_start]);
            out.push_str(MASK);
            copied = value_end;
            from = value_end;
        }
    }
    out.push_str(&text[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::mask;

    #[test]
    fn url_passwords_in_every_scheme_and_form() {
        let cases = [
            (
                "postgres://app:s3cret@db:5432/x",
                "postgres://app:***@db:5432/x",
            ),
            ("mysql://root:s3cret@h/db", "mysql://root:***@h/db"),
            ("postgres//u:s3cret@h/db", "postgres//u:***@h/db"),
            ("u:s3cret@h", "u:***@h"),
            ("postgres://u:p@ss@h/db", "postgres://u:***@h/db"),
            ("postgres://u:a/b//c@h/db", "postgres://u:***@h/db"),
            (
                "error: unexpected argument 'postgres://u:two words@h/db' found",
                "error: unexpected argument 'postgres://u:***@h/db' found",
            ),
            (
                "see postgres://u@h:5432/db: refused",
                "see postgres://u@h:5432/db: refused",
            ),
            ("WHERE tags @> '{x}'", "WHERE tags @> '{x}'"),
        ];
        for (text, want) in cases {
            assert_eq!(mask(text), want, "{text}");
        }
    }

    #[test]
    fn password_keys_in_query_strings_key_values_and_yaml() {
        let cases = [
            (
                "jdbc:postgresql://h/db?user=u&password=s3cret&ssl=true",
                "jdbc:postgresql://h/db?user=u&password=***&ssl=true",
            ),
            (
                "host=db password=s3cret user=app",
                "host=db password=*** user=app",
            ),
            (
                "host=db password = 's3 cret' user=app",
                "host=db password = *** user=app",
            ),
            ("PGPASSWORD=s3cret psql", "PGPASSWORD=*** psql"),
            ("  password: s3cret", "  password: ***"),
            ("sslpassword=s3cret", "sslpassword=***"),
            (
                "check the user and password (PGPASSWORD or the URL)",
                "check the user and password (PGPASSWORD or the URL)",
            ),
            (
                "password authentication failed for user \"u\"",
                "password authentication failed for user \"u\"",
            ),
            (
                "failed to lookup address information",
                "failed to lookup address information",
            ),
        ];
        for (text, want) in cases {
            assert_eq!(mask(text), want, "{text}");
        }
    }
}
