//! SG420 migration-time-default: a column added with a default that stamps existing rows with
//! the time the migration ran.

use crate::guard::lint::StmtCx;
use crate::guard::{Family, Finding, Level, RuleInfo};

pub const INFO: RuleInfo = RuleInfo {
    code: "SG420",
    name: "migration-time-default",
    family: Family::Sql,
    default_level: Level::Warning,
    dialects: crate::guard::POSTGRES_ONLY,
    summary: "A column added to an existing table gets the migration's time in every old row",
    flags: "`ALTER TABLE ... ADD COLUMN ... DEFAULT` on a table not created earlier in the same \
            file, where the default reads the clock once per statement (`now()`, \
            `current_timestamp`, `transaction_timestamp()`, `statement_timestamp()`, \
            `localtimestamp`, `current_date`, `current_time`, `localtime`).",
    why: "These functions are stable: PostgreSQL 11+ evaluates the default once and stores it as \
          the value of every existing row, so there is no rewrite and no long lock. But every old \
          row then claims the moment the migration ran (`created_at` of a row from 2019 reads \
          today's date), which is rarely the truth the column means to record.",
    fix: "If the migration's time is the right value for old rows, keep it and suppress with \
          that reason. Otherwise add the column without the default (or nullable), backfill the \
          real values, then `ALTER COLUMN c SET DEFAULT now()` for new rows.",
};

/// Stable functions that read the clock: one value per statement (or transaction).
pub const MIGRATION_TIME: &[&str] = &[
    "now",
    "current_timestamp",
    "transaction_timestamp",
    "statement_timestamp",
    "localtimestamp",
    "current_date",
    "current_time",
    "localtime",
];

pub fn check(cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
    let Some(stmt) = cx.parsed() else {
        return;
    };
    for c in stmt.new_columns() {
        if c.in_create || !cx.file.existing_table(c.table.last()) {
            continue;
        }
        let Some(default) = c.def.default() else {
            continue;
        };
        // A volatile call in the same default rewrites the table: SG410 says so.
        if default
            .calls_any(super::volatile_default::VOLATILE)
            .is_some()
        {
            continue;
        }
        if let Some(f) = default.calls_any(MIGRATION_TIME) {
            out.push(
                cx.finding(format!(
                    "column `{}` added to existing table `{}` with default `{f}` stamps every \
                     existing row with the time the migration runs",
                    c.def.name, c.table
                ))
                .help(
                    "keep it if that time is right for old rows (suppress with that reason); \
                     else add the column without the default, backfill, then SET DEFAULT",
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::guard::lint::test_support::*;

    #[test]
    fn fires_on_time_defaults() {
        let sql = "ALTER TABLE orders ADD COLUMN seen_at timestamptz DEFAULT now();\n\
                   ALTER TABLE orders ADD COLUMN at2 timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP;\n\
                   ALTER TABLE orders ADD COLUMN at3 timestamptz DEFAULT statement_timestamp();\n\
                   ALTER TABLE orders ADD COLUMN day date DEFAULT (current_date + 1);\n";
        insta::assert_snapshot!(snap(&lint("SG420", sql)));
    }

    #[test]
    fn quiet_on_new_tables_constants_set_default_and_volatile_defaults() {
        let sql = "CREATE TABLE n (at timestamptz DEFAULT now());\n\
                   ALTER TABLE n ADD COLUMN at2 timestamptz DEFAULT now();\n\
                   ALTER TABLE orders ADD COLUMN region text DEFAULT 'eu';\n\
                   ALTER TABLE orders ALTER COLUMN seen_at SET DEFAULT now();\n\
                   ALTER TABLE orders ADD COLUMN at4 timestamptz DEFAULT clock_timestamp();\n\
                   ALTER TABLE orders ADD COLUMN now_text text DEFAULT 'now()';\n";
        let ds = lint("SG420", sql);
        assert!(ds.is_empty(), "{}", snap(&ds));
    }
}
