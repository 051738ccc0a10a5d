//! SG415 sql-identifier-too-long: names over PostgreSQL's 63 bytes in migration SQL.

use crate::guard::lint::StmtCx;
use crate::guard::{Family, Finding, Level, RuleInfo};
use crate::sql::ast::{AlterOp, EnumChange, ObjectKind, Stmt};

pub const INFO: RuleInfo = RuleInfo {
    code: "SG415",
    name: "sql-identifier-too-long",
    family: Family::Sql,
    default_level: Level::Error,
    dialects: crate::guard::POSTGRES_ONLY,
    summary: "A migration creates a name longer than PostgreSQL's 63-byte limit",
    flags: "A table, column, constraint, index, type or enum label name created or renamed by a \
            migration statement that is longer than `guard.max_identifier_bytes` (63) bytes.",
    why: "PostgreSQL silently truncates identifiers to 63 bytes: the database ends up with a \
          different name than the migration says, two long names can collide after truncation, \
          and later migrations that use the full name fail.",
    fix: "Shorten the name (keep a stable prefix and abbreviate the rest).",
};

pub fn check(cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
    let Some(stmt) = cx.parsed() else {
        return;
    };
    let max = cx.config.max_identifier_bytes;
    let mut names: Vec<(&str, &str)> = Vec::new();
    match stmt {
        Stmt::CreateTable(ct) => {
            names.push(("table", ct.name.last()));
            names.extend(
                ct.constraints
                    .iter()
                    .filter_map(|c| c.name.as_deref())
                    .map(|n| ("constraint", n)),
            );
        }
        Stmt::CreateIndex(ci) => {
            if let Some(n) = &ci.name {
                names.push(("index", n));
            }
        }
        Stmt::CreateEnum { name, labels } => {
            names.push(("type", name.last()));
            names.extend(labels.iter().map(|l| ("enum label", l.as_str())));
        }
        Stmt::CreateType { name, .. } => names.push(("type", name.last())),
        Stmt::AlterEnum { change, .. } => match change {
            EnumChange::AddValue { value, .. } => names.push(("enum label", value)),
            EnumChange::RenameValue { to, .. } => names.push(("enum label", to)),
        },
        Stmt::Rename(r) => {
            let what = match r.kind {
                ObjectKind::Column => "column",
                ObjectKind::Constraint => "constraint",
                ObjectKind::Index => "index",
                ObjectKind::Table => "table",
                ObjectKind::Type | ObjectKind::Domain => "type",
                _ => "name",
            };
            names.push((what, &r.new_name));
        }
        Stmt::AlterTable(at) => {
            for op in &at.ops {
                if let AlterOp::AddConstraint(c) = op {
                    if let Some(n) = &c.name {
                        names.push(("constraint", n));
                    }
                }
            }
        }
        _ => {}
    }
    for c in stmt.new_columns() {
        names.push(("column", &c.def.name));
        names.extend(
            c.def
                .constraints
                .iter()
                .filter_map(|k| k.name.as_deref())
                .map(|n| ("constraint", n)),
        );
    }
    for (what, name) in names {
        let name = untruncated(cx.text, name);
        if name.len() > max {
            out.push(
                cx.finding(format!(
                    "{what} name `{name}` is {} bytes, over the {max}-byte limit",
                    name.len()
                ))
                .help("PostgreSQL would truncate it silently; shorten it"),
            );
        }
    }
}

/// PostgreSQL's parser cuts identifiers to 63 bytes (NAMEDATALEN - 1), so a name of exactly
/// that length may have been longer as written: the identifier of `text` it is the start of.
fn untruncated<'a>(text: &'a str, name: &'a str) -> &'a str {
    const CUT: usize = 63;
    if name.len() != CUT {
        return name;
    }
    let is_ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80;
    let lower = text.to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = lower[from..].find(&name.to_ascii_lowercase()) {
        let start = from + i;
        let mut end = start;
        let bytes = text.as_bytes();
        while end < bytes.len() && is_ident(bytes[end]) {
            end += 1;
        }
        if end - start > CUT && (start == 0 || !is_ident(bytes[start - 1])) {
            return &text[start..end];
        }
        from = start + 1;
        while from < text.len() && !text.is_char_boundary(from) {
            from += 1;
        }
    }
    name
}

#[cfg(test)]
mod tests {
    use crate::guard::lint::test_support::*;

    #[test]
    fn fires_on_long_names() {
        let sql = "ALTER TABLE orders ADD COLUMN a_column_name_that_goes_on_and_on_well_past_the_sixty_three_byte_limit text;\n";
        insta::assert_snapshot!(snap(&lint("SG415", sql)));
    }

    #[test]
    fn quoted_and_exactly_long_names() {
        let long = "x".repeat(70);
        let sql = format!(
            "CREATE TABLE \"{long}\" (id bigint);\nCREATE INDEX {} ON t (a);\n",
            "i".repeat(63)
        );
        let ds = lint("SG415", &sql);
        assert_eq!(ds.len(), 1, "{}", snap(&ds));
        assert!(ds[0].message.contains(&long) && ds[0].message.contains("70 bytes"));
    }

    #[test]
    fn quiet_on_short_names() {
        let sql = "CREATE TABLE orders (id bigint, note text, CONSTRAINT orders_note_check CHECK (note <> ''));\n";
        assert!(lint("SG415", sql).is_empty());
    }
}
