//! SG110 timestamptz: points in time carry a time zone.

use crate::guard::{column_origin, Family, Finding, Level, RuleInfo, SchemaCx};
use crate::model::{ColumnType, RangeKind};

pub const INFO: RuleInfo = RuleInfo {
    code: "SG110",
    name: "timestamptz",
    family: Family::Schema,
    default_level: Level::Error,
    dialects: crate::guard::EVERY_DIALECT,
    summary: "A timestamp column has no time zone",
    flags: "A column of type `timestamp` (without time zone), an array of it, or a `tsrange`.",
    why: "`timestamp` stores wall-clock digits without saying where: the same instant written from \
          two servers with different `TimeZone` settings compares wrong, and daylight-saving changes \
          create duplicate or missing hours.",
    fix: "Use `timestamptz()` (and `tstzrange()`); keep a separate IANA time-zone column when the \
          local wall time itself matters.",
};

fn naive(ty: &ColumnType) -> bool {
    match ty {
        ColumnType::Timestamp => true,
        ColumnType::Range {
            range: RangeKind::Ts,
        } => true,
        ColumnType::Array { element } => naive(element),
        _ => false,
    }
}

pub fn check(cx: &SchemaCx<'_>, out: &mut Vec<Finding>) {
    for t in &cx.schema.tables {
        for c in &t.columns {
            if naive(&c.ty) {
                out.push(
                    Finding::new(format!(
                        "column `{}.{}` is a timestamp without time zone",
                        t.name, c.name
                    ))
                    .at(column_origin(t, c))
                    .table(&t.name)
                    .help(
                        "use `timestamptz()`; store the IANA zone separately if local time matters",
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::dsl::*;
    use crate::guard::testing::*;
    use crate::model::RangeKind;

    #[test]
    fn fires_on_naive_timestamp() {
        let mut s = base();
        s.table(TableRef::new("slots"))
            .global("x")
            .id_tagged("s")
            .col("starts_at", timestamp())
            .col("span", range(RangeKind::Ts));
        let ds = run("SG110", &build(s));
        assert_at(&ds, &[".col(\"starts_at\"", ".col(\"span\""]);
        insta::assert_snapshot!(snap(&ds));
    }

    #[test]
    fn quiet_on_timestamptz() {
        let mut s = base();
        s.table(TableRef::new("slots"))
            .global("x")
            .id_tagged("s")
            .col("starts_at", timestamptz())
            .col("span", tstzrange());
        assert!(run("SG110", &build(s)).is_empty());
    }
}
