//! SG418 prefer-bigint-identity: serial types and 32-bit keys in migration SQL.

use crate::guard::lint::{ast, StmtCx};
use crate::guard::{Family, Finding, Level, RuleInfo};
use crate::sql::ast::ConstraintKind;

pub const INFO: RuleInfo = RuleInfo {
    code: "SG418",
    name: "prefer-bigint-identity",
    family: Family::Sql,
    default_level: Level::Warning,
    dialects: crate::guard::POSTGRES_ONLY,
    summary: "A key column is serial or a 32-bit integer instead of bigint identity",
    flags: "A column created as `serial`/`smallserial`/`bigserial`, or as `int`/`integer`/\
            `smallint` when it is a primary key, an identity column, or named `id` or `*_id`.",
    why:
        "32-bit keys run out at 2.1 billion, and widening them later rewrites the table and every \
          referencing table under ACCESS EXCLUSIVE. serial hides a sequence with its own \
          ownership and permission quirks; identity columns are the standard replacement.",
    fix: "Use `bigint GENERATED ALWAYS AS IDENTITY` for generated keys and `bigint` for columns \
          that reference them.",
};

fn is_key_name(name: &str) -> bool {
    name == "id" || name.ends_with("_id")
}

pub fn check(cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
    let Some(stmt) = cx.parsed() else {
        return;
    };
    for c in stmt.new_columns() {
        let name = c.def.name.as_str();
        if let Some(serial) = ast::serial_name(&c.def.ty) {
            out.push(
                cx.finding(format!(
                    "column `{name}` is `{serial}`; prefer `bigint GENERATED ALWAYS AS IDENTITY`"
                ))
                .help(
                    "identity columns replace serial: standard SQL, no separately owned sequence",
                ),
            );
        } else if ast::is_small_int(&c.def.ty)
            && (c.primary_key
                || is_key_name(name)
                || c.def.has(|k| matches!(k, ConstraintKind::Identity(_))))
        {
            out.push(
                cx.finding(format!(
                    "key column `{name}` is `{}`; prefer `bigint`",
                    c.def.ty
                ))
                .help("32-bit keys overflow at 2.1 billion and widening them rewrites the table"),
            );
        }
    }
    for t in stmt.type_changes() {
        if ast::is_small_int(t.ty) && is_key_name(t.column) {
            out.push(
                cx.finding(format!(
                    "key column `{}` is changed to `{}`; prefer `bigint`",
                    t.column, t.ty
                ))
                .help("32-bit keys overflow at 2.1 billion"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::guard::lint::test_support::*;

    #[test]
    fn fires_on_serial_and_int_keys() {
        let sql = "CREATE TABLE t (id serial PRIMARY KEY, user_id int, qty int);\n";
        insta::assert_snapshot!(snap(&lint("SG418", sql)));
    }

    #[test]
    fn quiet_on_bigint_identity_plain_counts_and_generated_values() {
        let sql = "CREATE TABLE t (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, user_id bigint, qty int, \
                   total int GENERATED ALWAYS AS (qty * 2) STORED);\n";
        let ds = lint("SG418", sql);
        assert!(ds.is_empty(), "{}", snap(&ds));
    }
}
