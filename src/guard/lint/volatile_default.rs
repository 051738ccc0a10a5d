//! SG410 volatile-default: a column added with a volatile (or time-of-migration) default.

use crate::guard::lint::StmtCx;
use crate::guard::{Family, Finding, Level, RuleInfo};

pub const INFO: RuleInfo = RuleInfo {
    code: "SG410",
    name: "volatile-default",
    family: Family::Sql,
    default_level: Level::Error,
    summary: "A column with a volatile or time-of-migration default is added to an existing table",
    flags:
        "`ALTER TABLE ... ADD COLUMN ... DEFAULT f()` on a table not created earlier in the same \
            file, where `f` is volatile (`random()`, `gen_random_uuid()`, `uuid_generate_v4()`, \
            `clock_timestamp()`, `timeofday()`, `nextval()`) or returns the migration's time \
            (`now()`, `current_timestamp`, `transaction_timestamp()`, `statement_timestamp()`, \
            `localtimestamp`, `current_date`).",
    why: "A volatile default is computed per row, so PostgreSQL rewrites the whole table under \
          ACCESS EXCLUSIVE. A time default does not rewrite, but stamps every existing row with \
          the moment the migration ran, which is rarely the truth it claims to record.",
    fix: "Add the column without a default (or with a constant one), set the default in a second \
          statement (`ALTER COLUMN c SET DEFAULT f()`, which only affects new rows), and backfill \
          existing rows in batches with the values they should hold.",
};

const VOLATILE: &[&str] = &[
    "random",
    "gen_random_uuid",
    "uuid_generate_v1",
    "uuid_generate_v1mc",
    "uuid_generate_v4",
    "clock_timestamp",
    "timeofday",
    "nextval",
    "setseed",
];

const MIGRATION_TIME: &[&str] = &[
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
        if let Some(f) = default.calls_any(VOLATILE) {
            out.push(
                cx.finding(format!(
                    "column `{}` added to existing table `{}` with volatile default `{f}()` \
                     rewrites the table under an ACCESS EXCLUSIVE lock",
                    c.def.name, c.table
                ))
                .help(
                    "add the column without the default, then SET DEFAULT and backfill in batches",
                ),
            );
        } else if let Some(f) = default.calls_any(MIGRATION_TIME) {
            out.push(
                cx.finding(format!(
                    "column `{}` added to existing table `{}` with default `{f}` stamps every \
                     existing row with the time the migration ran",
                    c.def.name, c.table
                ))
                .help("add the column without the default, SET DEFAULT, then backfill the real values"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::guard::lint::test_support::*;

    #[test]
    fn fires_on_volatile_and_time_defaults() {
        let sql = "ALTER TABLE orders ADD COLUMN token uuid DEFAULT gen_random_uuid();\n\
                   ALTER TABLE orders ADD COLUMN seen_at timestamptz DEFAULT now();\n";
        insta::assert_snapshot!(snap(&lint("SG410", sql)));
    }

    #[test]
    fn quiet_on_constants_set_default_and_new_tables() {
        let sql = "ALTER TABLE orders ADD COLUMN region text DEFAULT 'eu';\n\
                   ALTER TABLE orders ADD COLUMN random_seed int;\n\
                   ALTER TABLE orders ALTER COLUMN token SET DEFAULT gen_random_uuid();\n\
                   CREATE TABLE n (id uuid DEFAULT gen_random_uuid());\n\
                   ALTER TABLE n ADD COLUMN at timestamptz DEFAULT now();\n";
        let ds = lint("SG410", sql);
        assert!(ds.is_empty(), "{}", snap(&ds));
    }
}
