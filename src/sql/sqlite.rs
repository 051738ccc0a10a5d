//! Reading SQLite with sqlparser's SQLite dialect, into [`crate::sql::ast`] statements.
//!
//! Expressions keep sqlparser's spelling (without redundant outer parentheses): SQLite's own
//! grammar is not available as a library, and SQLite schemas compare in the spelling the
//! SQLite renderer and sqlparser share (see `dialect::sqlite::plan`).

use crate::sql::ast::*;
use sqlparser::ast::{
    self as sp, AlterColumnOperation, AlterTableOperation, ColumnOption, Expr as SpExpr,
    ObjectName, ObjectNamePart, ObjectType, ReferentialAction, Statement, TableConstraint,
};
use sqlparser::dialect::SQLiteDialect;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Location, Token, Tokenizer};

/// Parses one statement's text; `line`/`column` place it in its file so positions in errors
/// are the file's. The error is sqlparser's message.
pub fn parse(text: &str, line: u64, column: u64) -> Result<Stmt, String> {
    let d = SQLiteDialect {};
    let shift = |loc: &mut Location| {
        if loc.line == 1 {
            loc.column += column - 1;
        }
        loc.line += line - 1;
    };
    let mut tokens = match Tokenizer::new(&d, text).tokenize_with_location() {
        Ok(t) => t,
        Err(mut e) => {
            shift(&mut e.location);
            return Err(e.to_string());
        }
    };
    for t in &mut tokens {
        shift(&mut t.span.start);
        shift(&mut t.span.end);
    }
    let mut parser = Parser::new(&d).with_tokens_with_locations(tokens);
    match parser.parse_statement() {
        Ok(stmt) => {
            let next = parser.peek_token_ref();
            if next.token == Token::EOF {
                Ok(statement(&stmt))
            } else {
                Err(format!(
                    "unexpected `{}` at line {}, column {} after a complete statement",
                    next.token, next.span.start.line, next.span.start.column
                ))
            }
        }
        Err(e) => Err(e.to_string()),
    }
}

/// Parses `text` as one SQLite expression.
pub fn parse_expr(text: &str) -> Option<Expr> {
    let d = SQLiteDialect {};
    let mut parser = Parser::new(&d).try_with_sql(text).ok()?;
    let e = parser.parse_expr().ok()?;
    (parser.peek_token_ref().token == Token::EOF).then(|| expr(&e))
}

fn ident(i: &sp::Ident) -> String {
    match i.quote_style {
        None => i.value.to_lowercase(),
        Some(_) => i.value.clone(),
    }
}

fn part(p: &ObjectNamePart) -> String {
    match p {
        ObjectNamePart::Identifier(i) => ident(i),
        other => other.to_string(),
    }
}

fn name(n: &ObjectName) -> Name {
    Name::new(n.0.iter().map(part).collect())
}

/// SQLite's own collations are named in any case; one spelling keeps a diff from seeing a change.
fn collation(n: &ObjectName) -> Name {
    let mut n = name(n);
    if let [only] = n.parts.as_mut_slice() {
        if ["binary", "nocase", "rtrim"].contains(&only.to_ascii_lowercase().as_str()) {
            only.make_ascii_uppercase();
        }
    }
    n
}

fn strip_parens(mut e: &SpExpr) -> &SpExpr {
    while let SpExpr::Nested(inner) = e {
        e = inner;
    }
    e
}

/// Names of functions called inside an expression (lower-cased, unqualified): words
/// followed by `(`, and the SQL value functions SQLite has.
fn calls(e: &SpExpr) -> Vec<String> {
    let text = e.to_string();
    let Ok(tokens) = Tokenizer::new(&SQLiteDialect {}, &text).tokenize() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let significant: Vec<&Token> = tokens
        .iter()
        .filter(|t| !matches!(t, Token::Whitespace(_)))
        .collect();
    for (i, t) in significant.iter().enumerate() {
        if let Token::Word(w) = t {
            let lower = w.value.to_ascii_lowercase();
            let call = significant.get(i + 1).is_some_and(|n| **n == Token::LParen);
            if call
                || (w.quote_style.is_none()
                    && matches!(
                        lower.as_str(),
                        "current_timestamp" | "current_date" | "current_time"
                    ))
            {
                out.push(lower);
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

fn expr(e: &SpExpr) -> Expr {
    let e = strip_parens(e);
    let shape = match e {
        SpExpr::Value(v) => match &v.value {
            sp::Value::SingleQuotedString(s) => Shape::String(s.clone()),
            sp::Value::Number(n, _) => Shape::Number(n.clone()),
            sp::Value::Boolean(b) => Shape::Bool(*b),
            sp::Value::Null => Shape::Null,
            _ => Shape::Other,
        },
        SpExpr::UnaryOp {
            op: sp::UnaryOperator::Minus,
            expr,
        } => match strip_parens(expr) {
            SpExpr::Value(sp::ValueWithSpan {
                value: sp::Value::Number(n, _),
                ..
            }) => Shape::Number(format!("-{n}")),
            _ => Shape::Other,
        },
        SpExpr::Identifier(i) => {
            let v = i.value.to_ascii_lowercase();
            if i.quote_style.is_none()
                && matches!(
                    v.as_str(),
                    "current_timestamp" | "current_date" | "current_time"
                )
            {
                Shape::NiladicCall(v)
            } else {
                Shape::Column(ident(i))
            }
        }
        SpExpr::CompoundIdentifier(parts) => match parts.last() {
            Some(i) => Shape::Column(ident(i)),
            None => Shape::Other,
        },
        SpExpr::Function(f) if f.args.to_string() == "()" => match f.name.0.last() {
            Some(p) => Shape::NiladicCall(part(p)),
            None => Shape::Other,
        },
        SpExpr::IsNotNull(inner) => match strip_parens(inner) {
            SpExpr::Identifier(i) => Shape::IsNotNull(ident(i)),
            SpExpr::CompoundIdentifier(parts) => match parts.last() {
                Some(i) => Shape::IsNotNull(ident(i)),
                None => Shape::Other,
            },
            _ => Shape::Other,
        },
        _ => Shape::Other,
    };
    let has_param = matches!(e, SpExpr::Value(v) if matches!(v.value, sp::Value::Placeholder(_)))
        || e.to_string().contains('?');
    Expr {
        text: e.to_string(),
        shape,
        calls: calls(e),
        has_param,
    }
}

fn type_name(dt: &sp::DataType) -> TypeName {
    let text = dt.to_string();
    let lower = text.to_lowercase();
    let (base, modifiers) = match lower.find('(') {
        Some(i) if lower.ends_with(')') => (
            lower[..i].trim().to_string(),
            lower[i + 1..lower.len() - 1]
                .split(',')
                .map(|m| m.trim().to_string())
                .collect(),
        ),
        _ => (lower.clone(), Vec::new()),
    };
    TypeName {
        name: Name::single(base),
        modifiers,
        array_dims: 0,
        text: lower,
    }
}

fn fk_action(a: Option<ReferentialAction>) -> FkAction {
    match a {
        None | Some(ReferentialAction::NoAction) => FkAction::NoAction,
        Some(ReferentialAction::Restrict) => FkAction::Restrict,
        Some(ReferentialAction::Cascade) => FkAction::Cascade,
        Some(ReferentialAction::SetNull) => FkAction::SetNull,
        Some(ReferentialAction::SetDefault) => FkAction::SetDefault,
    }
}

fn key_columns(cols: &[sp::IndexColumn]) -> Vec<String> {
    cols.iter()
        .map(|c| match &c.column.expr {
            SpExpr::Identifier(i) => ident(i),
            other => other.to_string(),
        })
        .collect()
}

fn index_element(c: &sp::IndexColumn) -> IndexElement {
    IndexElement {
        key: match strip_parens(&c.column.expr) {
            SpExpr::Identifier(i) => KeyPart::Column(ident(i)),
            other => KeyPart::Expression(expr(other)),
        },
        opclass: c.operator_class.as_ref().map(|o| o.to_string()),
        descending: matches!(c.column.options.sort, Some(sp::OrderBySort::Desc)),
        nulls_first: c.column.options.nulls_first,
        collation: None,
    }
}

fn plain(kind: ConstraintKind, name: Option<&sp::Ident>) -> Constraint {
    Constraint {
        name: name.map(ident),
        kind,
        not_valid: false,
        deferrable: false,
        initially_deferred: false,
    }
}

fn table_constraint(c: &TableConstraint) -> Option<Constraint> {
    Some(match c {
        TableConstraint::PrimaryKey(pk) => plain(
            ConstraintKind::PrimaryKey {
                columns: key_columns(&pk.columns),
                include: Vec::new(),
                using_index: None,
            },
            pk.name.as_ref(),
        ),
        TableConstraint::Unique(u) => plain(
            ConstraintKind::Unique {
                columns: key_columns(&u.columns),
                include: Vec::new(),
                nulls_not_distinct: u.nulls_distinct == sp::NullsDistinctOption::NotDistinct,
                using_index: None,
            },
            u.name.as_ref(),
        ),
        TableConstraint::Check(ch) => {
            plain(ConstraintKind::Check(expr(&ch.expr)), ch.name.as_ref())
        }
        TableConstraint::ForeignKey(fk) => {
            let ch = fk.characteristics.as_ref();
            Constraint {
                name: fk.name.as_ref().map(ident),
                kind: ConstraintKind::ForeignKey {
                    columns: fk.columns.iter().map(ident).collect(),
                    ref_table: name(&fk.foreign_table),
                    ref_columns: fk.referred_columns.iter().map(ident).collect(),
                    on_delete: fk_action(fk.on_delete),
                    on_update: fk_action(fk.on_update),
                },
                not_valid: false,
                deferrable: ch.is_some_and(|c| c.deferrable == Some(true)),
                initially_deferred: ch
                    .is_some_and(|c| matches!(c.initially, Some(sp::DeferrableInitial::Deferred))),
            }
        }
        other => plain(ConstraintKind::Other(other.to_string()), None),
    })
}

fn column_def(col: &sp::ColumnDef) -> ColumnDef {
    let mut constraints = Vec::new();
    for opt in &col.options {
        let kind = match &opt.option {
            ColumnOption::Null => ConstraintKind::Null,
            ColumnOption::NotNull => ConstraintKind::NotNull,
            ColumnOption::Default(e) => ConstraintKind::Default(expr(e)),
            ColumnOption::Generated {
                generated_as,
                generation_expr,
                ..
            } => match (generated_as, generation_expr) {
                (_, Some(e)) => ConstraintKind::Generated(expr(e)),
                (sp::GeneratedAs::ByDefault, None) => {
                    ConstraintKind::Identity(IdentityKind::ByDefault)
                }
                (_, None) => ConstraintKind::Identity(IdentityKind::Always),
            },
            ColumnOption::PrimaryKey(pk) => {
                constraints.push(plain(
                    ConstraintKind::PrimaryKey {
                        columns: Vec::new(),
                        include: Vec::new(),
                        using_index: None,
                    },
                    pk.name.as_ref().or(opt.name.as_ref()),
                ));
                continue;
            }
            ColumnOption::Unique(u) => {
                constraints.push(plain(
                    ConstraintKind::Unique {
                        columns: Vec::new(),
                        include: Vec::new(),
                        nulls_not_distinct: false,
                        using_index: None,
                    },
                    u.name.as_ref().or(opt.name.as_ref()),
                ));
                continue;
            }
            ColumnOption::ForeignKey(fk) => {
                constraints.push(plain(
                    ConstraintKind::ForeignKey {
                        columns: Vec::new(),
                        ref_table: name(&fk.foreign_table),
                        ref_columns: fk.referred_columns.iter().map(ident).collect(),
                        on_delete: fk_action(fk.on_delete),
                        on_update: fk_action(fk.on_update),
                    },
                    fk.name.as_ref().or(opt.name.as_ref()),
                ));
                continue;
            }
            ColumnOption::Check(ch) => {
                constraints.push(plain(
                    ConstraintKind::Check(expr(&ch.expr)),
                    ch.name.as_ref().or(opt.name.as_ref()),
                ));
                continue;
            }
            ColumnOption::Collation(n) => ConstraintKind::Collate(collation(n)),
            other => ConstraintKind::Other(other.to_string()),
        };
        constraints.push(plain(kind, opt.name.as_ref()));
    }
    ColumnDef {
        name: ident(&col.name),
        ty: type_name(&col.data_type),
        constraints,
    }
}

fn object_kind(t: &ObjectType) -> ObjectKind {
    match t {
        ObjectType::Table => ObjectKind::Table,
        ObjectType::View => ObjectKind::View,
        ObjectType::Index => ObjectKind::Index,
        ObjectType::Schema => ObjectKind::Schema,
        ObjectType::Database => ObjectKind::Database,
        ObjectType::Type => ObjectKind::Type,
        ObjectType::Sequence => ObjectKind::Sequence,
        _ => ObjectKind::Other,
    }
}

/// Converts one sqlparser statement.
pub fn statement(s: &Statement) -> Stmt {
    match s {
        Statement::CreateTable(ct) => {
            if ct.query.is_some() {
                return Stmt::CreateTableAs {
                    name: name(&ct.name),
                    materialized: false,
                    if_not_exists: ct.if_not_exists,
                };
            }
            Stmt::CreateTable(CreateTable {
                name: name(&ct.name),
                if_not_exists: ct.if_not_exists,
                columns: ct.columns.iter().map(column_def).collect(),
                constraints: ct.constraints.iter().filter_map(table_constraint).collect(),
                partition_by: None,
                partition_of: None,
                like: Vec::new(),
                derived: ct.like.is_some() || ct.clone.is_some(),
                persistence: ct.temporary.then_some("TEMPORARY"),
            })
        }
        Statement::CreateIndex(ci) => Stmt::CreateIndex(CreateIndex {
            name: ci.name.as_ref().map(|n| name(n).last().to_string()),
            table: name(&ci.table_name),
            unique: ci.unique,
            concurrently: ci.concurrently,
            if_not_exists: ci.if_not_exists,
            method: None,
            elements: ci.columns.iter().map(index_element).collect(),
            include: ci.include.iter().map(ident).collect(),
            predicate: ci.predicate.as_ref().map(expr),
            nulls_not_distinct: ci.nulls_distinct == Some(false),
        }),
        Statement::AlterTable(at) => alter_table(at),
        Statement::Drop {
            object_type,
            if_exists,
            names,
            cascade,
            ..
        } => Stmt::Drop(Drop {
            kind: object_kind(object_type),
            names: names.iter().map(name).collect(),
            if_exists: *if_exists,
            cascade: *cascade,
            concurrently: false,
        }),
        Statement::DropTrigger(d) => Stmt::Drop(Drop {
            kind: ObjectKind::Trigger,
            names: vec![{
                let mut n = d.table_name.as_ref().map(name).unwrap_or_default();
                n.parts.push(name(&d.trigger_name).last().to_string());
                n
            }],
            if_exists: d.if_exists,
            cascade: false,
            concurrently: false,
        }),
        Statement::CreateTrigger(tr) => Stmt::CreateTrigger(CreateTrigger {
            name: name(&tr.name).last().to_string(),
            table: name(&tr.table_name),
            or_replace: tr.or_replace,
            function: None,
        }),
        Statement::CreateView(v) => Stmt::CreateView {
            name: name(&v.name),
            or_replace: v.or_replace,
            materialized: v.materialized,
        },
        Statement::Insert(i) => Stmt::Rows {
            kind: RowsKind::Insert,
            table: match &i.table {
                sp::TableObject::TableName(n) => Some(name(n)),
                _ => None,
            },
        },
        Statement::Update(_) => Stmt::Rows {
            kind: RowsKind::Update,
            table: None,
        },
        Statement::Delete(_) => Stmt::Rows {
            kind: RowsKind::Delete,
            table: None,
        },
        Statement::Query(_) => Stmt::Rows {
            kind: RowsKind::Select,
            table: None,
        },
        Statement::StartTransaction { .. } => Stmt::Transaction(Transaction::Begin),
        Statement::Commit { .. } => Stmt::Transaction(Transaction::Commit),
        Statement::Rollback {
            savepoint: Some(_), ..
        } => Stmt::Transaction(Transaction::RollbackToSavepoint),
        Statement::Rollback { .. } => Stmt::Transaction(Transaction::Rollback),
        Statement::Savepoint { .. } => Stmt::Transaction(Transaction::Savepoint),
        Statement::ReleaseSavepoint { .. } => Stmt::Transaction(Transaction::Release),
        Statement::Pragma { .. } => Stmt::Other {
            tag: "PRAGMA".into(),
        },
        other => Stmt::Other {
            tag: other
                .to_string()
                .split_whitespace()
                .take(2)
                .map(str::to_ascii_uppercase)
                .collect::<Vec<_>>()
                .join(" "),
        },
    }
}

fn alter_table(at: &sp::AlterTable) -> Stmt {
    let table = name(&at.name);
    // SQLite's ALTER TABLE does one thing per statement; renames become `Stmt::Rename`.
    if let [op] = at.operations.as_slice() {
        match op {
            AlterTableOperation::RenameColumn {
                old_column_name,
                new_column_name,
            } => {
                return Stmt::Rename(Rename {
                    kind: ObjectKind::Column,
                    object: table,
                    object_kind: ObjectKind::Table,
                    sub: Some(ident(old_column_name)),
                    new_name: ident(new_column_name),
                    if_exists: false,
                })
            }
            AlterTableOperation::RenameTable { table_name } => {
                let (sp::RenameTableNameKind::As(n) | sp::RenameTableNameKind::To(n)) = table_name;
                return Stmt::Rename(Rename {
                    kind: ObjectKind::Table,
                    object: table,
                    object_kind: ObjectKind::Table,
                    sub: None,
                    new_name: name(n).last().to_string(),
                    if_exists: false,
                });
            }
            _ => {}
        }
    }
    let ops = at
        .operations
        .iter()
        .map(|op| match op {
            AlterTableOperation::AddColumn {
                if_not_exists,
                column_def: c,
                ..
            } => AlterOp::AddColumn {
                if_not_exists: *if_not_exists,
                column: column_def(c),
            },
            AlterTableOperation::DropColumn {
                column_names,
                if_exists,
                ..
            } => AlterOp::DropColumn {
                name: column_names.first().map(ident).unwrap_or_default(),
                if_exists: *if_exists,
            },
            AlterTableOperation::AlterColumn { column_name, op } => {
                let c = ident(column_name);
                match op {
                    AlterColumnOperation::SetNotNull => AlterOp::SetNotNull(c),
                    AlterColumnOperation::DropNotNull => AlterOp::DropNotNull(c),
                    AlterColumnOperation::SetDefault { value } => {
                        AlterOp::SetDefault(c, expr(value))
                    }
                    AlterColumnOperation::DropDefault => AlterOp::DropDefault(c),
                    AlterColumnOperation::SetDataType {
                        data_type, using, ..
                    } => AlterOp::AlterType {
                        column: c,
                        ty: type_name(data_type),
                        collation: None,
                        using: using.as_ref().map(expr),
                    },
                    other => AlterOp::Other(other.to_string()),
                }
            }
            AlterTableOperation::AddConstraint {
                constraint,
                not_valid,
            } => match table_constraint(constraint) {
                Some(mut c) => {
                    c.not_valid = *not_valid;
                    AlterOp::AddConstraint(c)
                }
                None => AlterOp::Other(constraint.to_string()),
            },
            AlterTableOperation::DropConstraint {
                if_exists, name: n, ..
            } => AlterOp::DropConstraint {
                name: ident(n),
                if_exists: *if_exists,
            },
            other => AlterOp::Other(other.to_string()),
        })
        .collect();
    Stmt::AlterTable(AlterTable {
        name: table,
        if_exists: at.if_exists,
        kind: RelationKind::Table,
        ops,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_the_sqlite_renderer_writes() {
        let s = parse(
            "CREATE TABLE \"t\" (\"id\" TEXT NOT NULL PRIMARY KEY, \"n\" INTEGER NOT NULL DEFAULT 0, \"p\" TEXT CONSTRAINT \"t_p_fk\" REFERENCES \"p\" (\"id\") ON DELETE CASCADE, CONSTRAINT \"t_n_check\" CHECK (n >= 0))",
            1,
            1,
        )
        .unwrap();
        let Stmt::CreateTable(t) = s else {
            panic!("{s:?}")
        };
        assert_eq!(t.columns.len(), 3);
        assert_eq!(
            t.columns[1].default().unwrap().shape,
            Shape::Number("0".into())
        );
        assert_eq!(t.constraints[0].name.as_deref(), Some("t_n_check"));
        assert!(matches!(
            &t.columns[2].constraints[0].kind,
            ConstraintKind::ForeignKey {
                on_delete: FkAction::Cascade,
                ..
            }
        ));
    }

    #[test]
    fn renames_and_errors() {
        assert!(matches!(
            parse("ALTER TABLE t RENAME COLUMN a TO b", 1, 1),
            Ok(Stmt::Rename(Rename {
                kind: ObjectKind::Column,
                ..
            }))
        ));
        let e = parse("CREATE TABLE (", 3, 1).unwrap_err();
        assert!(e.contains("Line: 3"), "{e}");
    }
}
