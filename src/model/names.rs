//! The one naming convention for generated constraints and indexes, so guard and drift can
//! match them and people can grep for them:
//!
//! | object | name |
//! |---|---|
//! | primary key | `<table>_pkey` |
//! | unique constraint or index | `<table>_<cols>_unique` |
//! | index | `<table>_<cols>_idx` |
//! | foreign key | `<table>_<cols>_fk` |
//! | check | `<table>_<what>_check` |
//! | exclusion | `<table>_<what>_excl` |
//!
//! A name longer than PostgreSQL's 63-byte limit is cut and given a short stable hash suffix,
//! because PostgreSQL would otherwise truncate it silently and two names could collide.

use super::Name;
use sha2::{Digest, Sha256};

pub const MAX_IDENT_BYTES: usize = 63;

pub fn primary_key(table: &str) -> Name {
    fit(format!("{table}_pkey")).into()
}

pub fn unique<S: AsRef<str>>(table: &str, cols: &[S]) -> Name {
    with_columns(table, cols, "unique")
}

pub fn index<S: AsRef<str>>(table: &str, cols: &[S]) -> Name {
    with_columns(table, cols, "idx")
}

pub fn foreign_key<S: AsRef<str>>(table: &str, cols: &[S]) -> Name {
    with_columns(table, cols, "fk")
}

/// `<table>_<col>_<col>..._<suffix>`, fitted, built in one buffer (the DSL names several
/// objects per table).
pub fn with_columns<S: AsRef<str>>(
    table: &str,
    cols: impl IntoIterator<Item = S>,
    suffix: &str,
) -> Name {
    let mut name = String::with_capacity(MAX_IDENT_BYTES);
    name.push_str(table);
    name.push('_');
    for (i, c) in cols.into_iter().enumerate() {
        if i > 0 {
            name.push('_');
        }
        name.push_str(c.as_ref());
    }
    name.push('_');
    name.push_str(suffix);
    fit(name).into()
}

pub fn check(table: &str, what: &str) -> Name {
    fit(format!("{table}_{what}_check")).into()
}

pub fn exclude(table: &str, what: &str) -> String {
    fit(format!("{table}_{what}_excl"))
}

/// Makes a generated identifier fit in 63 bytes, deterministically.
pub fn fit(name: String) -> String {
    if name.len() <= MAX_IDENT_BYTES {
        return name;
    }
    let digest = Sha256::digest(name.as_bytes());
    let suffix: String = digest[..4].iter().map(|b| format!("{b:02x}")).collect();
    let mut cut = MAX_IDENT_BYTES - suffix.len() - 1;
    while !name.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}_{suffix}", &name[..cut])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_names_are_cut_with_a_stable_suffix() {
        let long = "enterprise_intercompany_settlement_runs_biz_id_counterparty_id_fk".to_string();
        let a = fit(long.clone());
        assert_eq!(a.len(), MAX_IDENT_BYTES);
        assert_eq!(a, fit(long));
        assert!(a.starts_with("enterprise_intercompany_settlement_runs_biz_id_co"));
    }

    #[test]
    fn short_names_are_kept() {
        assert_eq!(primary_key("users"), "users_pkey");
        assert_eq!(
            foreign_key("resources", &["biz_id", "asset_id"]),
            "resources_biz_id_asset_id_fk"
        );
    }
}
