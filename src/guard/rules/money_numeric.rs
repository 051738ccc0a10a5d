//! SG109 money-numeric: money is exact decimal.

use crate::guard::config::matches_any;
use crate::guard::{column_origin, Family, Finding, Level, RuleInfo, SchemaCx};
use crate::model::{ColumnType, CustomTypeKind, Schema};

pub const INFO: RuleInfo = RuleInfo {
    code: "SG109",
    name: "money-numeric",
    family: Family::Schema,
    default_level: Level::Error,
    dialects: crate::guard::EVERY_DIALECT,
    summary: "A money column is not numeric(p,s)",
    flags: "A column whose name matches `guard.money_columns` (default `amount`, `price`, `total`, \
            `cost` and `*_amount`, `*_price`, `*_total`, `*_cost`) whose type is not `numeric` with \
            both precision and scale (a domain over such a numeric is fine).",
    why: "Floats cannot represent 0.10 exactly, so sums drift by cents and equality checks fail; an \
          unbounded `numeric` lets any scale in, so rounding happens in application code, differently \
          everywhere.",
    fix: "Use `money()` (numeric(12,2)) or `numeric(p, s)` with the scale your currencies need.",
};

pub fn check(cx: &SchemaCx<'_>, out: &mut Vec<Finding>) {
    for t in &cx.schema.tables {
        for c in &t.columns {
            if !matches_any(&cx.config.money_columns, &c.name) {
                continue;
            }
            let problem = match &c.ty {
                ColumnType::Numeric {
                    precision: Some(_),
                    scale: Some(_),
                } => None,
                ColumnType::Numeric { .. } => Some("numeric without precision and scale"),
                ColumnType::Real | ColumnType::Double => Some("a binary float"),
                ColumnType::SmallInt | ColumnType::Integer | ColumnType::BigInt => {
                    Some("an integer without a stated scale")
                }
                ColumnType::Custom { sql } if is_fixed_numeric(cx.schema, sql) => None,
                ColumnType::Array { .. } => None,
                _ => Some("not a decimal type"),
            };
            if let Some(problem) = problem {
                out.push(
                    Finding::new(format!("money column `{}.{}` is {problem}", t.name, c.name))
                        .at(column_origin(t, c))
                        .table(&t.name)
                        .help("use `money()` (numeric(12,2)) or `numeric(p, s)`"),
                );
            }
        }
    }
}

/// `numeric(p,s)` spelled verbatim, or a declared domain over it.
fn is_fixed_numeric(schema: &Schema, sql: &str) -> bool {
    let fixed = |s: &str| {
        let s = s.trim().to_ascii_lowercase();
        (s.starts_with("numeric(") || s.starts_with("decimal(")) && s.contains(',')
    };
    if fixed(sql) {
        return true;
    }
    schema.custom_types.iter().any(|ct| {
        ct.kind == CustomTypeKind::Domain
            && ct.name.name == sql.trim()
            && ct
                .definition
                .trim()
                .strip_prefix("AS ")
                .or_else(|| ct.definition.trim().strip_prefix("as "))
                .is_some_and(fixed)
    })
}

#[cfg(test)]
mod tests {
    use crate::dsl::*;
    use crate::guard::testing::*;
    use crate::model::CustomTypeKind;

    #[test]
    fn fires_on_float_and_unscaled_money() {
        let mut s = base();
        s.table(TableRef::new("prices"))
            .global("x")
            .id_tagged("p")
            .col("price", double())
            .col("line_total", custom("numeric"));
        let ds = run("SG109", &build(s));
        assert_at(&ds, &[".col(\"price\"", ".col(\"line_total\""]);
        insta::assert_snapshot!(snap(&ds));
    }

    #[test]
    fn quiet_on_numeric_and_numeric_domain() {
        let mut s = base();
        s.custom_type(
            "positive_amount",
            CustomTypeKind::Domain,
            "AS numeric(12,2) CHECK (VALUE > 0)",
        );
        s.table(TableRef::new("prices"))
            .global("x")
            .id_tagged("p")
            .col("price", money())
            .col("tax_amount", custom("positive_amount"))
            .col("priceless", double());
        assert!(run("SG109", &build(s)).is_empty());
    }
}
