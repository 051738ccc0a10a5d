//! SG410 volatile-default: a column added with a value computed per row (a volatile default,
//! a sequence, a stored generated expression), which rewrites the table.

use crate::guard::lint::ast::serial_name;
use crate::guard::lint::StmtCx;
use crate::guard::{Family, Finding, Level, RuleInfo};
use crate::sql::ast::ConstraintKind;

pub const INFO: RuleInfo = RuleInfo {
    code: "SG410",
    name: "volatile-default",
    family: Family::Sql,
    default_level: Level::Error,
    dialects: crate::guard::POSTGRES_ONLY,
    summary:
        "A column whose value is computed per row is added to an existing table, which rewrites it",
    flags: "`ALTER TABLE ... ADD COLUMN` on a table not created earlier in the same file, when \
            the column's value is computed row by row: a `DEFAULT` calling a volatile function \
            (`random()`, `gen_random_uuid()`, `uuid_generate_v4()`, `clock_timestamp()`, \
            `timeofday()`, `nextval()`, ...), a `serial` type, `GENERATED ... AS IDENTITY`, or \
            `GENERATED ALWAYS AS (...) STORED`. Stable defaults such as `now()` are SG420.",
    why: "Since PostgreSQL 11 a constant or stable default is evaluated once and stored as the \
          value of every existing row, without touching the table. A volatile default, a \
          sequence or a generated expression must be computed for each row, so PostgreSQL \
          rewrites the whole table and its indexes under ACCESS EXCLUSIVE, blocking reads and \
          writes for as long as that takes.",
    fix: "Add the column without a default (or with a constant one), set the default in a second \
          statement (`ALTER COLUMN c SET DEFAULT f()`, which only affects new rows), and backfill \
          existing rows in batches. Add an identity to a column that is already filled \
          (`ALTER COLUMN c ADD GENERATED ... AS IDENTITY`).",
};

/// Functions PostgreSQL evaluates anew for every row (provolatile `v`).
pub const VOLATILE: &[&str] = &[
    "random",
    "random_normal",
    "gen_random_uuid",
    "gen_random_bytes",
    "uuid_generate_v1",
    "uuid_generate_v1mc",
    "uuid_generate_v4",
    "clock_timestamp",
    "timeofday",
    "nextval",
    "setseed",
];

pub fn check(cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
    let Some(stmt) = cx.parsed() else {
        return;
    };
    for c in stmt.new_columns() {
        if c.in_create || !cx.file.existing_table(c.table.last()) {
            continue;
        }
        let computed = if let Some(f) = c.def.default().and_then(|d| d.calls_any(VOLATILE)) {
            format!("volatile default `{f}()`")
        } else if let Some(serial) = serial_name(&c.def.ty) {
            format!("type `{serial}` (a sequence default)")
        } else if c.def.has(|k| matches!(k, ConstraintKind::Identity(_))) {
            "an identity (a sequence default)".to_string()
        } else if c.def.has(|k| matches!(k, ConstraintKind::Generated(_))) {
            "a stored generated expression".to_string()
        } else {
            continue;
        };
        out.push(
            cx.finding(format!(
                "column `{}` added to existing table `{}` with {computed} is computed for every \
                 row, which rewrites the table under an ACCESS EXCLUSIVE lock",
                c.def.name, c.table
            ))
            .help(
                "add the column plain, fill existing rows in batches, then SET DEFAULT (or ADD \
                 GENERATED ... AS IDENTITY) for new rows",
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::guard::lint::test_support::*;

    #[test]
    fn fires_on_values_computed_per_row() {
        let sql = "ALTER TABLE orders ADD COLUMN token uuid DEFAULT gen_random_uuid();\n\
                   ALTER TABLE orders ADD COLUMN seen_at timestamptz DEFAULT clock_timestamp();\n\
                   ALTER TABLE orders ADD COLUMN n bigserial;\n\
                   ALTER TABLE orders ADD COLUMN m bigint GENERATED ALWAYS AS IDENTITY;\n\
                   ALTER TABLE orders ADD COLUMN total2 numeric GENERATED ALWAYS AS (total * 2) STORED;\n";
        insta::assert_snapshot!(snap(&lint("SG410", sql)));
    }

    /// Stable and constant defaults are evaluated once (SG420 speaks about the time ones).
    #[test]
    fn quiet_on_stable_defaults() {
        let sql = "ALTER TABLE orders ADD COLUMN seen_at timestamptz DEFAULT now();\n\
                   ALTER TABLE orders ADD COLUMN at2 timestamptz DEFAULT CURRENT_TIMESTAMP;\n\
                   ALTER TABLE orders ADD COLUMN at3 timestamptz NOT NULL DEFAULT statement_timestamp();\n\
                   ALTER TABLE orders ADD COLUMN day date DEFAULT current_date;\n";
        let ds = lint("SG410", sql);
        assert!(ds.is_empty(), "{}", snap(&ds));
    }

    #[test]
    fn quiet_on_constants_set_default_and_new_tables() {
        let sql = "ALTER TABLE orders ADD COLUMN region text DEFAULT 'eu';\n\
                   ALTER TABLE orders ADD COLUMN random_seed int;\n\
                   ALTER TABLE orders ALTER COLUMN token SET DEFAULT gen_random_uuid();\n\
                   CREATE TABLE n (id uuid DEFAULT gen_random_uuid());\n\
                   ALTER TABLE n ADD COLUMN at timestamptz DEFAULT now();\n\
                   ALTER TABLE n ADD COLUMN k bigint GENERATED ALWAYS AS IDENTITY;\n";
        let ds = lint("SG410", sql);
        assert!(ds.is_empty(), "{}", snap(&ds));
    }
}
