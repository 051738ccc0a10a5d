//! SG415 sql-identifier-too-long: names over PostgreSQL's 63 bytes in migration SQL.

use crate::guard::lint::{ast, StmtCx};
use crate::guard::{Family, Finding, Level, RuleInfo};
use sqlparser::ast::{
    AlterTableOperation, AlterTypeOperation, Ident, RenameTableNameKind, Statement,
    TableConstraint, UserDefinedTypeRepresentation,
};

pub const INFO: RuleInfo = RuleInfo {
    code: "SG415",
    name: "sql-identifier-too-long",
    family: Family::Sql,
    default_level: Level::Error,
    summary: "A migration creates a name longer than PostgreSQL's 63-byte limit",
    flags: "A table, column, constraint, index, type or enum label name created or renamed by a \
            migration statement that is longer than `guard.max_identifier_bytes` (63) bytes.",
    why: "PostgreSQL silently truncates identifiers to 63 bytes: the database ends up with a \
          different name than the migration says, two long names can collide after truncation, \
          and later migrations that use the full name fail.",
    fix: "Shorten the name (keep a stable prefix and abbreviate the rest).",
};

fn constraint_name(c: &TableConstraint) -> Option<&Ident> {
    match c {
        TableConstraint::Unique(x) => x.name.as_ref(),
        TableConstraint::PrimaryKey(x) => x.name.as_ref(),
        TableConstraint::ForeignKey(x) => x.name.as_ref(),
        TableConstraint::Check(x) => x.name.as_ref(),
        TableConstraint::Exclude(x) => x.name.as_ref(),
        TableConstraint::PrimaryKeyUsingIndex(x) | TableConstraint::UniqueUsingIndex(x) => {
            x.name.as_ref()
        }
        _ => None,
    }
}

pub fn check(cx: &StmtCx<'_>, out: &mut Vec<Finding>) {
    let Some(stmt) = cx.parsed() else {
        return;
    };
    let max = cx.config.max_identifier_bytes;
    let mut names: Vec<(&str, String)> = Vec::new();
    let last = |n: &sqlparser::ast::ObjectName| {
        n.0.last()
            .and_then(|p| p.as_ident())
            .map(|i| i.value.clone())
            .unwrap_or_default()
    };
    match stmt {
        Statement::CreateTable(ct) => {
            names.push(("table", last(&ct.name)));
            names.extend(
                ct.constraints
                    .iter()
                    .filter_map(constraint_name)
                    .map(|i| ("constraint", i.value.clone())),
            );
        }
        Statement::CreateIndex(ci) => {
            if let Some(n) = &ci.name {
                names.push(("index", last(n)));
            }
        }
        Statement::CreateType {
            name,
            representation,
        } => {
            names.push(("type", last(name)));
            if let Some(UserDefinedTypeRepresentation::Enum { labels }) = representation {
                names.extend(labels.iter().map(|l| ("enum label", l.value.clone())));
            }
        }
        Statement::AlterType(at) => match &at.operation {
            AlterTypeOperation::AddValue(v) => names.push(("enum label", v.value.value.clone())),
            AlterTypeOperation::RenameValue(v) => names.push(("enum label", v.to.value.clone())),
            AlterTypeOperation::Rename(r) => names.push(("type", r.new_name.value.clone())),
        },
        Statement::AlterTable(at) => {
            for op in &at.operations {
                match op {
                    AlterTableOperation::AddConstraint { constraint, .. } => {
                        if let Some(i) = constraint_name(constraint) {
                            names.push(("constraint", i.value.clone()));
                        }
                    }
                    AlterTableOperation::RenameColumn {
                        new_column_name, ..
                    } => names.push(("column", new_column_name.value.clone())),
                    AlterTableOperation::RenameConstraint { new_name, .. } => {
                        names.push(("constraint", new_name.value.clone()))
                    }
                    AlterTableOperation::RenameTable { table_name } => {
                        let (RenameTableNameKind::As(n) | RenameTableNameKind::To(n)) = table_name;
                        names.push(("table", last(n)));
                    }
                    _ => {}
                }
            }
        }
        _ => {}
    }
    for c in ast::new_columns(stmt) {
        names.push(("column", c.def.name.value.clone()));
        names.extend(
            c.def
                .options
                .iter()
                .filter_map(|o| o.name.as_ref())
                .map(|i| ("constraint", i.value.clone())),
        );
    }
    for (what, name) in names {
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

#[cfg(test)]
mod tests {
    use crate::guard::lint::test_support::*;

    #[test]
    fn fires_on_long_names() {
        let sql = "ALTER TABLE orders ADD COLUMN a_column_name_that_goes_on_and_on_well_past_the_sixty_three_byte_limit text;\n";
        insta::assert_snapshot!(snap(&lint("SG415", sql)));
    }

    #[test]
    fn quiet_on_short_names() {
        let sql = "CREATE TABLE orders (id bigint, note text, CONSTRAINT orders_note_check CHECK (note <> ''));\n";
        assert!(lint("SG415", sql).is_empty());
    }
}
