//! PostgreSQL expressions, printed canonically from their parse tree.
//!
//! The printer is a function of the tree alone: `price>0`, `(price > 0)` and `PRICE > 0`
//! print alike, and printing what was printed gives the same text again. Every operand that
//! is itself an operation is parenthesized, so the text never depends on operator precedence
//! and always parses back to the same tree. Type names print by their internal names
//! (`integer` and `int4` are both `int4`). Node kinds this printer does not spell (sub-queries,
//! XML and JSON constructors, window calls) are spelled by libpg_query's own deparser.

use super::ffi::{self, Mode};
use super::ident::quote_ident;
use crate::sql::ast::{Expr, Shape};
use pg_query::protobuf::{
    self, a_const, AExprKind, BoolExprType, BoolTestType, MinMaxOp, Node, NullTestType,
    SqlValueFunctionOp,
};
use pg_query::NodeEnum;
use std::fmt::Write;

/// Reads an expression node.
pub fn read(node: &Node) -> Expr {
    read_renaming(node, None)
}

/// Reads an expression node, spelling column `old` as `new` wherever it is referenced.
pub fn read_renaming(node: &Node, rename: Option<(&str, &str)>) -> Expr {
    let mut p = Printer {
        out: String::new(),
        calls: Vec::new(),
        has_param: false,
        rename,
    };
    p.node(node);
    let mut calls = p.calls;
    calls.sort();
    calls.dedup();
    Expr {
        text: p.out,
        shape: shape(node),
        calls,
        has_param: p.has_param,
    }
}

/// Parses `text` as one PostgreSQL expression: `None` when it is not one.
///
/// Call it on a thread with a large stack ([`super::on_big_stack`]) when `text` may nest
/// deeply; [`parse_many`] does.
pub fn parse(text: &str) -> Option<Expr> {
    with_parsed(text, read)
}

/// Parses many texts, each as one expression, with one parser call per batch of about
/// 64 KiB (each call costs tens of microseconds); a batch the grammar rejects is parsed again
/// text by text. `None` for a text that is not one expression.
pub fn parse_many(texts: &[&str]) -> Vec<Option<Expr>> {
    if texts.is_empty() {
        return Vec::new();
    }
    super::on_big_stack(|| {
        let mut out = Vec::with_capacity(texts.len());
        let mut start = 0;
        while start < texts.len() {
            let mut end = start;
            let mut size = 0;
            while end < texts.len() && (end == start || size < super::CHUNK_BYTES) {
                size += texts[end].len() + 12;
                end += 1;
            }
            out.extend(parse_batch(&texts[start..end]));
            start = end;
        }
        out
    })
}

/// One batch as `SELECT (<text>\n);` statements; falls back to one text at a time.
fn parse_batch(texts: &[&str]) -> Vec<Option<Expr>> {
    let mut sql = String::new();
    for t in texts {
        sql.push_str("SELECT (");
        sql.push_str(t);
        sql.push_str("\n);\n");
    }
    let whole = ffi::parse(&sql, Mode::Statements).ok().and_then(|tree| {
        (tree.stmts.len() == texts.len()).then(|| {
            tree.stmts
                .iter()
                .map(|raw| single_target(raw.stmt.as_deref()?).map(read))
                .collect::<Vec<_>>()
        })
    });
    match whole {
        Some(v) if v.iter().all(Option::is_some) => v,
        _ => texts.iter().map(|t| parse(t)).collect(),
    }
}

/// The expression of `SELECT <expr>` with nothing else in the statement.
fn single_target(node: &Node) -> Option<&Node> {
    let Some(NodeEnum::SelectStmt(select)) = node.node.as_ref() else {
        return None;
    };
    if select.target_list.len() != 1
        || !select.from_clause.is_empty()
        || select.where_clause.is_some()
        || !select.distinct_clause.is_empty()
        || select.into_clause.is_some()
        || !select.group_clause.is_empty()
        || select.having_clause.is_some()
        || !select.sort_clause.is_empty()
        || select.limit_count.is_some()
        || select.limit_offset.is_some()
        || select.with_clause.is_some()
        || !select.values_lists.is_empty()
        || select.larg.is_some()
    {
        return None;
    }
    let Some(NodeEnum::ResTarget(target)) = select.target_list[0].node.as_ref() else {
        return None;
    };
    if !target.name.is_empty() {
        return None;
    }
    target.val.as_deref()
}

/// `text` with every reference to column `old` spelled `new`, canonically printed; `None`
/// when `text` is not one expression.
pub fn rename_column(text: &str, old: &str, new: &str) -> Option<String> {
    super::on_big_stack(|| with_parsed(text, |node| read_renaming(node, Some((old, new))).text))
}

fn with_parsed<T>(text: &str, f: impl FnOnce(&Node) -> T) -> Option<T> {
    // The expression grammar is a SELECT list without the keyword: exactly one plain target.
    let parsed = ffi::parse(text, Mode::Expression).ok()?;
    let [raw] = parsed.stmts.as_slice() else {
        return None;
    };
    single_target(raw.stmt.as_deref()?).map(f)
}

struct Printer<'a> {
    out: String,
    calls: Vec<String>,
    has_param: bool,
    rename: Option<(&'a str, &'a str)>,
}

/// Whether a node prints as an operation that needs parentheses when it is an operand.
fn compound(node: &Node) -> bool {
    match node.node.as_ref() {
        Some(NodeEnum::AExpr(a)) => {
            !matches!(AExprKind::try_from(a.kind), Ok(AExprKind::AexprNullif))
        }
        Some(NodeEnum::BoolExpr(_))
        | Some(NodeEnum::NullTest(_))
        | Some(NodeEnum::BooleanTest(_))
        | Some(NodeEnum::CollateClause(_))
        | Some(NodeEnum::SubLink(_)) => true,
        Some(NodeEnum::AConst(c)) => negative(c),
        Some(NodeEnum::TypeCast(_)) => false,
        _ => false,
    }
}

fn negative(c: &protobuf::AConst) -> bool {
    match &c.val {
        Some(a_const::Val::Ival(i)) => i.ival < 0,
        Some(a_const::Val::Fval(f)) => f.fval.starts_with('-'),
        _ => false,
    }
}

/// The string of a `String` node (names, operator names).
pub(crate) fn string_of(node: &Node) -> Option<&str> {
    match node.node.as_ref() {
        Some(NodeEnum::String(s)) => Some(&s.sval),
        _ => None,
    }
}

/// Writes a string literal.
pub(crate) fn write_literal(out: &mut String, s: &str) {
    out.push('\'');
    for c in s.chars() {
        if c == '\'' {
            out.push('\'');
        }
        out.push(c);
    }
    out.push('\'');
}

impl Printer<'_> {
    fn paren(&mut self, node: &Node) {
        if compound(node) {
            self.out.push('(');
            self.node(node);
            self.out.push(')');
        } else {
            self.node(node);
        }
    }

    fn list(&mut self, nodes: &[Node]) {
        for (i, n) in nodes.iter().enumerate() {
            if i > 0 {
                self.out.push_str(", ");
            }
            self.node(n);
        }
    }

    fn ident(&mut self, name: &str) {
        self.out.push_str(&quote_ident(name));
    }

    /// An operator name: `+`, or `OPERATOR(schema.+)` when qualified.
    fn operator(&mut self, name: &[Node]) {
        let parts: Vec<&str> = name.iter().filter_map(string_of).collect();
        match parts.as_slice() {
            [op] => self.out.push_str(op),
            _ => {
                self.out.push_str("OPERATOR(");
                for (i, p) in parts.iter().enumerate() {
                    if i + 1 < parts.len() {
                        self.ident(p);
                        self.out.push('.');
                    } else {
                        self.out.push_str(p);
                    }
                }
                self.out.push(')');
            }
        }
    }

    fn node(&mut self, node: &Node) {
        let Some(n) = node.node.as_ref() else {
            return;
        };
        match n {
            NodeEnum::ColumnRef(c) => self.column_ref(&c.fields),
            NodeEnum::AConst(c) => self.constant(c),
            NodeEnum::ParamRef(p) => {
                self.has_param = true;
                let _ = write!(self.out, "${}", p.number);
            }
            NodeEnum::TypeCast(c) => {
                if let Some(arg) = &c.arg {
                    let wrap = compound(arg) || matches!(arg.node, Some(NodeEnum::TypeCast(_)));
                    if wrap {
                        self.out.push('(');
                        self.node(arg);
                        self.out.push(')');
                    } else {
                        self.node(arg);
                    }
                }
                self.out.push_str("::");
                if let Some(t) = &c.type_name {
                    self.out.push_str(&type_name(t));
                }
            }
            NodeEnum::AExpr(a) => self.a_expr(a),
            NodeEnum::BoolExpr(b) => self.bool_expr(b),
            NodeEnum::NullTest(t) => self.null_test(t),
            NodeEnum::BooleanTest(t) => self.boolean_test(t),
            NodeEnum::FuncCall(f) if plain_call(f) => self.call(f),
            NodeEnum::SqlvalueFunction(f) => self.value_function(f),
            NodeEnum::CoalesceExpr(c) => {
                self.calls.push("coalesce".into());
                self.out.push_str("COALESCE(");
                self.list(&c.args);
                self.out.push(')');
            }
            NodeEnum::MinMaxExpr(m) => {
                let name = if MinMaxOp::try_from(m.op) == Ok(MinMaxOp::IsLeast) {
                    "LEAST"
                } else {
                    "GREATEST"
                };
                self.calls.push(name.to_ascii_lowercase());
                self.out.push_str(name);
                self.out.push('(');
                self.list(&m.args);
                self.out.push(')');
            }
            NodeEnum::CaseExpr(c) => self.case(c),
            NodeEnum::AArrayExpr(a) => {
                self.out.push_str("ARRAY[");
                self.list(&a.elements);
                self.out.push(']');
            }
            NodeEnum::RowExpr(r) => {
                self.out.push_str("ROW(");
                self.list(&r.args);
                self.out.push(')');
            }
            NodeEnum::List(l) => {
                self.out.push('(');
                self.list(&l.items);
                self.out.push(')');
            }
            NodeEnum::AIndirection(ind) => {
                if let Some(arg) = &ind.arg {
                    let bare = matches!(
                        arg.node,
                        Some(NodeEnum::ColumnRef(_)) | Some(NodeEnum::ParamRef(_))
                    );
                    if bare {
                        self.node(arg);
                    } else {
                        self.out.push('(');
                        self.node(arg);
                        self.out.push(')');
                    }
                }
                self.indirection(&ind.indirection);
            }
            NodeEnum::CollateClause(c) => self.collate(c),
            NodeEnum::NamedArgExpr(a) => {
                self.ident(&a.name);
                self.out.push_str(" => ");
                if let Some(arg) = &a.arg {
                    self.node(arg);
                }
            }
            NodeEnum::SetToDefault(_) => self.out.push_str("DEFAULT"),
            _ => self.deparsed(node),
        }
    }

    fn bool_expr(&mut self, b: &protobuf::BoolExpr) {
        let op = match BoolExprType::try_from(b.boolop) {
            Ok(BoolExprType::AndExpr) => " AND ",
            Ok(BoolExprType::OrExpr) => " OR ",
            _ => {
                self.out.push_str("NOT ");
                if let Some(arg) = b.args.first() {
                    self.paren(arg);
                }
                return;
            }
        };
        for (i, arg) in b.args.iter().enumerate() {
            if i > 0 {
                self.out.push_str(op);
            }
            self.paren(arg);
        }
    }

    fn null_test(&mut self, t: &protobuf::NullTest) {
        if let Some(arg) = &t.arg {
            self.paren(arg);
        }
        self.out.push_str(
            if NullTestType::try_from(t.nulltesttype) == Ok(NullTestType::IsNotNull) {
                " IS NOT NULL"
            } else {
                " IS NULL"
            },
        );
    }

    fn boolean_test(&mut self, t: &protobuf::BooleanTest) {
        if let Some(arg) = &t.arg {
            self.paren(arg);
        }
        self.out
            .push_str(match BoolTestType::try_from(t.booltesttype) {
                Ok(BoolTestType::IsTrue) => " IS TRUE",
                Ok(BoolTestType::IsNotTrue) => " IS NOT TRUE",
                Ok(BoolTestType::IsFalse) => " IS FALSE",
                Ok(BoolTestType::IsNotFalse) => " IS NOT FALSE",
                Ok(BoolTestType::IsUnknown) => " IS UNKNOWN",
                _ => " IS NOT UNKNOWN",
            });
    }

    fn case(&mut self, c: &protobuf::CaseExpr) {
        self.out.push_str("CASE");
        if let Some(arg) = &c.arg {
            self.out.push(' ');
            self.paren(arg);
        }
        for w in &c.args {
            if let Some(NodeEnum::CaseWhen(w)) = &w.node {
                self.out.push_str(" WHEN ");
                if let Some(e) = &w.expr {
                    self.node(e);
                }
                self.out.push_str(" THEN ");
                if let Some(r) = &w.result {
                    self.node(r);
                }
            }
        }
        if let Some(d) = &c.defresult {
            self.out.push_str(" ELSE ");
            self.node(d);
        }
        self.out.push_str(" END");
    }

    fn collate(&mut self, c: &protobuf::CollateClause) {
        if let Some(arg) = &c.arg {
            self.paren(arg);
        }
        self.out.push_str(" COLLATE ");
        let names: Vec<&str> = c.collname.iter().filter_map(string_of).collect();
        for (i, n) in names.iter().enumerate() {
            if i > 0 {
                self.out.push('.');
            }
            self.ident(n);
        }
    }

    fn column_ref(&mut self, fields: &[Node]) {
        let last = fields.len().saturating_sub(1);
        for (i, f) in fields.iter().enumerate() {
            if i > 0 {
                self.out.push('.');
            }
            match f.node.as_ref() {
                Some(NodeEnum::String(s)) => {
                    let name = match self.rename {
                        Some((old, new)) if i == last && s.sval == old => new,
                        _ => s.sval.as_str(),
                    };
                    self.ident(name);
                }
                Some(NodeEnum::AStar(_)) => self.out.push('*'),
                _ => {}
            }
        }
    }

    fn constant(&mut self, c: &protobuf::AConst) {
        if c.isnull {
            self.out.push_str("NULL");
            return;
        }
        match &c.val {
            Some(a_const::Val::Ival(i)) => {
                let _ = write!(self.out, "{}", i.ival);
            }
            Some(a_const::Val::Fval(f)) => self.out.push_str(&f.fval),
            Some(a_const::Val::Boolval(b)) => {
                self.out.push_str(if b.boolval { "true" } else { "false" })
            }
            Some(a_const::Val::Sval(s)) => write_literal(&mut self.out, &s.sval),
            Some(a_const::Val::Bsval(b)) => {
                // `b0101` or `xff`: the prefix letter then the digits.
                let (kind, digits) = b.bsval.split_at(b.bsval.len().min(1));
                self.out.push_str(&kind.to_ascii_uppercase());
                write_literal(&mut self.out, digits);
            }
            None => self.out.push_str("NULL"),
        }
    }

    fn a_expr(&mut self, a: &protobuf::AExpr) {
        let kind = AExprKind::try_from(a.kind).unwrap_or(AExprKind::AexprOp);
        let op = a.name.first().and_then(string_of).unwrap_or("");
        let lexpr = a.lexpr.as_deref();
        let rexpr = a.rexpr.as_deref();
        let left = |p: &mut Self| {
            if let Some(l) = lexpr {
                p.paren(l);
                p.out.push(' ');
            }
        };
        match kind {
            AExprKind::AexprOp => {
                left(self);
                self.operator(&a.name);
                if let Some(r) = rexpr {
                    self.out.push(' ');
                    self.paren(r);
                }
            }
            AExprKind::AexprOpAny | AExprKind::AexprOpAll => {
                left(self);
                self.operator(&a.name);
                self.out.push_str(if kind == AExprKind::AexprOpAny {
                    " ANY ("
                } else {
                    " ALL ("
                });
                if let Some(r) = rexpr {
                    self.node(r);
                }
                self.out.push(')');
            }
            AExprKind::AexprDistinct | AExprKind::AexprNotDistinct => {
                left(self);
                self.out.push_str(if kind == AExprKind::AexprDistinct {
                    "IS DISTINCT FROM "
                } else {
                    "IS NOT DISTINCT FROM "
                });
                if let Some(r) = rexpr {
                    self.paren(r);
                }
            }
            AExprKind::AexprNullif => {
                self.calls.push("nullif".into());
                self.out.push_str("NULLIF(");
                if let Some(l) = lexpr {
                    self.node(l);
                }
                self.out.push_str(", ");
                if let Some(r) = rexpr {
                    self.node(r);
                }
                self.out.push(')');
            }
            AExprKind::AexprIn => {
                left(self);
                self.out
                    .push_str(if op == "<>" { "NOT IN " } else { "IN " });
                match rexpr {
                    Some(r) if matches!(r.node, Some(NodeEnum::List(_))) => self.node(r),
                    Some(r) => {
                        self.out.push('(');
                        self.node(r);
                        self.out.push(')');
                    }
                    None => self.out.push_str("()"),
                }
            }
            AExprKind::AexprLike | AExprKind::AexprIlike | AExprKind::AexprSimilar => {
                left(self);
                let negated = op.starts_with('!');
                if negated {
                    self.out.push_str("NOT ");
                }
                self.out.push_str(match kind {
                    AExprKind::AexprLike => "LIKE ",
                    AExprKind::AexprIlike => "ILIKE ",
                    _ => "SIMILAR TO ",
                });
                if let Some(r) = rexpr {
                    self.paren(r);
                }
            }
            AExprKind::AexprBetween
            | AExprKind::AexprNotBetween
            | AExprKind::AexprBetweenSym
            | AExprKind::AexprNotBetweenSym => {
                left(self);
                self.out.push_str(match kind {
                    AExprKind::AexprBetween => "BETWEEN ",
                    AExprKind::AexprNotBetween => "NOT BETWEEN ",
                    AExprKind::AexprBetweenSym => "BETWEEN SYMMETRIC ",
                    _ => "NOT BETWEEN SYMMETRIC ",
                });
                if let Some(NodeEnum::List(bounds)) = rexpr.and_then(|r| r.node.as_ref()) {
                    if let [lo, hi] = bounds.items.as_slice() {
                        self.paren(lo);
                        self.out.push_str(" AND ");
                        self.paren(hi);
                    }
                }
            }
            AExprKind::Undefined => self.deparsed_a_expr(a),
        }
    }

    fn deparsed_a_expr(&mut self, a: &protobuf::AExpr) {
        let node = Node {
            node: Some(NodeEnum::AExpr(Box::new(a.clone()))),
        };
        self.deparsed(&node);
    }

    fn call(&mut self, f: &protobuf::FuncCall) {
        let parts: Vec<&str> = f.funcname.iter().filter_map(string_of).collect();
        if let Some(last) = parts.last() {
            self.calls.push(last.to_string());
        }
        for (i, p) in parts.iter().enumerate() {
            if i > 0 {
                self.out.push('.');
            }
            self.ident(p);
        }
        self.out.push('(');
        if f.agg_star {
            self.out.push('*');
        }
        if f.agg_distinct {
            self.out.push_str("DISTINCT ");
        }
        for (i, arg) in f.args.iter().enumerate() {
            if i > 0 {
                self.out.push_str(", ");
            }
            if f.func_variadic && i + 1 == f.args.len() {
                self.out.push_str("VARIADIC ");
            }
            self.node(arg);
        }
        self.out.push(')');
    }

    fn value_function(&mut self, f: &protobuf::SqlValueFunction) {
        use SqlValueFunctionOp as Op;
        let (name, typmod) = match Op::try_from(f.op) {
            Ok(Op::SvfopCurrentDate) => ("CURRENT_DATE", false),
            Ok(Op::SvfopCurrentTime) => ("CURRENT_TIME", false),
            Ok(Op::SvfopCurrentTimeN) => ("CURRENT_TIME", true),
            Ok(Op::SvfopCurrentTimestamp) => ("CURRENT_TIMESTAMP", false),
            Ok(Op::SvfopCurrentTimestampN) => ("CURRENT_TIMESTAMP", true),
            Ok(Op::SvfopLocaltime) => ("LOCALTIME", false),
            Ok(Op::SvfopLocaltimeN) => ("LOCALTIME", true),
            Ok(Op::SvfopLocaltimestamp) => ("LOCALTIMESTAMP", false),
            Ok(Op::SvfopLocaltimestampN) => ("LOCALTIMESTAMP", true),
            Ok(Op::SvfopCurrentRole) => ("CURRENT_ROLE", false),
            Ok(Op::SvfopCurrentUser) => ("CURRENT_USER", false),
            Ok(Op::SvfopUser) => ("USER", false),
            Ok(Op::SvfopSessionUser) => ("SESSION_USER", false),
            Ok(Op::SvfopCurrentCatalog) => ("CURRENT_CATALOG", false),
            _ => ("CURRENT_SCHEMA", false),
        };
        self.calls.push(name.to_ascii_lowercase());
        self.out.push_str(name);
        if typmod {
            let _ = write!(self.out, "({})", f.typmod);
        }
    }

    fn indirection(&mut self, items: &[Node]) {
        for item in items {
            match item.node.as_ref() {
                Some(NodeEnum::String(s)) => {
                    self.out.push('.');
                    self.ident(&s.sval.clone());
                }
                Some(NodeEnum::AStar(_)) => self.out.push_str(".*"),
                Some(NodeEnum::AIndices(ix)) => {
                    self.out.push('[');
                    if let Some(l) = &ix.lidx {
                        self.node(l);
                    }
                    if ix.is_slice {
                        self.out.push(':');
                    }
                    if let Some(u) = &ix.uidx {
                        self.node(u);
                    }
                    self.out.push(']');
                }
                _ => {}
            }
        }
    }

    /// Spelled by libpg_query's deparser, as the single target of a SELECT.
    fn deparsed(&mut self, node: &Node) {
        collect_calls(node, &mut self.calls, &mut self.has_param);
        match deparse(node) {
            Some(text) => self.out.push_str(&text),
            None => self.out.push_str("NULL /* unprintable expression */"),
        }
    }
}

/// A call the printer spells itself: no window, filter, ordered-set or ORDER BY clause.
fn plain_call(f: &protobuf::FuncCall) -> bool {
    f.over.is_none() && f.agg_filter.is_none() && f.agg_order.is_empty() && !f.agg_within_group
}

/// Function names and parameters anywhere inside a node the printer hands to the deparser.
fn collect_calls(node: &Node, calls: &mut Vec<String>, has_param: &mut bool) {
    let Some(inner) = node.node.as_ref() else {
        return;
    };
    for (n, _, _, _) in inner.nodes() {
        match n {
            pg_query::NodeRef::FuncCall(f) => {
                if let Some(name) = f.funcname.last().and_then(string_of) {
                    calls.push(name.to_string());
                }
            }
            pg_query::NodeRef::SqlvalueFunction(_) => {}
            pg_query::NodeRef::ParamRef(_) => *has_param = true,
            _ => {}
        }
    }
}

/// libpg_query's spelling of an expression node.
pub(crate) fn deparse(node: &Node) -> Option<String> {
    let select = protobuf::SelectStmt {
        target_list: vec![Node {
            node: Some(NodeEnum::ResTarget(Box::new(protobuf::ResTarget {
                val: Some(Box::new(node.clone())),
                ..Default::default()
            }))),
        }],
        limit_option: protobuf::LimitOption::Default as i32,
        op: protobuf::SetOperation::SetopNone as i32,
        ..Default::default()
    };
    let tree = protobuf::ParseResult {
        version: 0,
        stmts: vec![protobuf::RawStmt {
            stmt: Some(Box::new(Node {
                node: Some(NodeEnum::SelectStmt(Box::new(select))),
            })),
            stmt_location: 0,
            stmt_len: 0,
        }],
    };
    let text = pg_query::deparse(&tree, Default::default()).ok()?;
    text.strip_prefix("SELECT ").map(str::to_string)
}

/// A type name in one canonical spelling: the SQL name of each built-in type whichever way
/// it was written (`int4`, `int` and `integer` are all `integer`), modifiers, array brackets.
pub fn type_name(t: &protobuf::TypeName) -> String {
    let mut out = String::new();
    if t.setof {
        out.push_str("SETOF ");
    }
    let parts: Vec<&str> = t.names.iter().filter_map(string_of).collect();
    let (builtin, parts): (bool, &[&str]) = match parts.as_slice() {
        ["pg_catalog", rest @ ..] if !rest.is_empty() => (true, rest),
        all => (false, all),
    };
    let mods = type_modifiers(t);
    match parts {
        [one] => match sql_type_name(one, builtin, !mods.is_empty()) {
            Some(name) => out.push_str(name),
            None => out.push_str(&quote_ident(one)),
        },
        _ => {
            for (i, p) in parts.iter().enumerate() {
                if i > 0 {
                    out.push('.');
                }
                out.push_str(&quote_ident(p));
            }
        }
    }
    if t.pct_type {
        out.push_str("%TYPE");
    }
    if !mods.is_empty() {
        out.push('(');
        out.push_str(&mods.join(", "));
        out.push(')');
    }
    for _ in &t.array_bounds {
        out.push_str("[]");
    }
    out
}

/// The SQL spelling of a built-in type's internal name. `builtin`: the parser qualified it
/// with `pg_catalog` (only then is `char` the blank-padded type; unqualified it is the
/// one-byte `"char"`).
fn sql_type_name(name: &str, builtin: bool, has_modifiers: bool) -> Option<&'static str> {
    Some(match name {
        "int2" | "smallint" => "smallint",
        "int4" | "int" | "integer" => "integer",
        "int8" | "bigint" => "bigint",
        "float4" | "real" => "real",
        "float8" => "double precision",
        "bool" | "boolean" => "boolean",
        "numeric" | "decimal" => "numeric",
        "varchar" => "varchar",
        "bpchar" if builtin || has_modifiers => "char",
        "bpchar" => "bpchar",
        "char" if !builtin => "\"char\"",
        "text" => "text",
        "timestamptz" => "timestamptz",
        "timestamp" => "timestamp",
        "timetz" => "timetz",
        "time" => "time",
        "date" => "date",
        "interval" => "interval",
        "varbit" => "varbit",
        "bit" => "bit",
        "uuid" => "uuid",
        "json" => "json",
        "jsonb" => "jsonb",
        "bytea" => "bytea",
        _ => return None,
    })
}

/// A type's modifiers as text (`varchar(20)` gives `["20"]`); interval field masks are
/// printed as their numbers, which is canonical if not pretty.
pub fn type_modifiers(t: &protobuf::TypeName) -> Vec<String> {
    t.typmods
        .iter()
        .map(|m| match m.node.as_ref() {
            Some(NodeEnum::AConst(c)) => match &c.val {
                Some(a_const::Val::Ival(i)) => i.ival.to_string(),
                Some(a_const::Val::Fval(f)) => f.fval.clone(),
                Some(a_const::Val::Sval(s)) => {
                    let mut o = String::new();
                    write_literal(&mut o, &s.sval);
                    o
                }
                _ => String::new(),
            },
            Some(NodeEnum::ColumnRef(c)) => c
                .fields
                .iter()
                .filter_map(string_of)
                .collect::<Vec<_>>()
                .join("."),
            _ => deparse(m).unwrap_or_default(),
        })
        .collect()
}

/// The outermost shape of an expression.
fn shape(node: &Node) -> Shape {
    match node.node.as_ref() {
        Some(NodeEnum::AConst(c)) => {
            if c.isnull {
                return Shape::Null;
            }
            match &c.val {
                Some(a_const::Val::Ival(i)) => Shape::Number(i.ival.to_string()),
                Some(a_const::Val::Fval(f)) => Shape::Number(f.fval.clone()),
                Some(a_const::Val::Boolval(b)) => Shape::Bool(b.boolval),
                Some(a_const::Val::Sval(s)) => Shape::String(s.sval.clone()),
                _ => Shape::Other,
            }
        }
        // `'x'::type` is the literal for most purposes (enum and JSON defaults).
        Some(NodeEnum::TypeCast(c)) => match c.arg.as_deref().map(shape) {
            Some(s @ (Shape::String(_) | Shape::Number(_) | Shape::Bool(_) | Shape::Null)) => {
                // `'t'::boolean` is the boolean true.
                let bool_cast = c.type_name.as_ref().is_some_and(|t| {
                    t.names.last().and_then(string_of) == Some("bool") && t.array_bounds.is_empty()
                });
                match (&s, bool_cast) {
                    (Shape::String(v), true) => match v.as_str() {
                        "t" | "true" | "y" | "yes" | "on" | "1" => Shape::Bool(true),
                        "f" | "false" | "n" | "no" | "off" | "0" => Shape::Bool(false),
                        _ => s,
                    },
                    _ => s,
                }
            }
            _ => Shape::Other,
        },
        Some(NodeEnum::ColumnRef(c)) => match c.fields.last().and_then(string_of) {
            Some(name) => Shape::Column(name.to_string()),
            None => Shape::Other,
        },
        Some(NodeEnum::FuncCall(f)) if f.args.is_empty() && !f.agg_star && plain_call(f) => {
            match f.funcname.last().and_then(string_of) {
                Some(name) => Shape::NiladicCall(name.to_string()),
                None => Shape::Other,
            }
        }
        Some(NodeEnum::SqlvalueFunction(f)) => {
            let mut p = Printer {
                out: String::new(),
                calls: Vec::new(),
                has_param: false,
                rename: None,
            };
            p.value_function(f);
            Shape::NiladicCall(p.calls.pop().unwrap_or_default())
        }
        Some(NodeEnum::NullTest(t))
            if NullTestType::try_from(t.nulltesttype) == Ok(NullTestType::IsNotNull) =>
        {
            match t.arg.as_deref().map(shape) {
                Some(Shape::Column(c)) => Shape::IsNotNull(c),
                _ => Shape::Other,
            }
        }
        _ => Shape::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(text: &str) -> String {
        parse(text)
            .unwrap_or_else(|| panic!("not an expression: {text}"))
            .text
    }

    #[test]
    fn formatting_case_and_parentheses_are_not_kept() {
        assert_eq!(canon("price>0"), "price > 0");
        assert_eq!(canon("((PRICE > 0))"), "price > 0");
        assert_eq!(
            canon("a > 0 and (b < 1 or c)"),
            "(a > 0) AND ((b < 1) OR c)"
        );
        assert_eq!(
            canon("(a>0) AND ((b<1) OR c)"),
            "(a > 0) AND ((b < 1) OR c)"
        );
        assert_eq!(canon("x::INTEGER"), "x::integer");
        assert_eq!(canon("x::int4"), "x::integer");
        assert_eq!(canon("x::\"char\""), "x::\"char\"");
        assert_eq!(canon("x::character(2)"), "x::char(2)");
        assert_eq!(canon("CAST(x AS float8)"), "x::double precision");
        assert_eq!(canon("\"Mixed\" IS NOT NULL"), "\"Mixed\" IS NOT NULL");
        assert_eq!(canon("status IN ('a','b')"), "status IN ('a', 'b')");
        assert_eq!(canon("NOT (a = 1)"), "NOT (a = 1)");
        assert_eq!(canon("now()"), "now()");
        assert_eq!(canon("current_timestamp"), "CURRENT_TIMESTAMP");
        assert_eq!(canon("'it''s'"), "'it''s'");
        assert_eq!(canon("-1::int"), "- 1::integer");
        assert_eq!(canon("(-1)::int"), "(-1)::integer");
        assert_eq!(canon("a BETWEEN 1 AND 2"), "a BETWEEN 1 AND 2");
        assert_eq!(canon("email ilike '%@x'"), "email ILIKE '%@x'");
        assert_eq!(canon("tags @> ARRAY['a']"), "tags @> ARRAY['a']");
    }

    #[test]
    fn printing_is_idempotent() {
        for text in [
            "price > 0 AND qty >= 1 AND status IN ('a','b') AND lower(name) <> ''",
            "coalesce(a, b, 0) + greatest(1, 2) - nullif(x, 0)",
            "CASE WHEN a THEN 1 WHEN b THEN 2 ELSE 3 END",
            "CASE kind WHEN 'x' THEN upper(v) END",
            "x IS DISTINCT FROM y AND z IS NOT TRUE",
            "EXISTS (SELECT 1 FROM members m WHERE m.user_id = auth.uid())",
            "starts_with(id, 'usr_') AND char_length(id) = 31",
            "(payload->>'kind')::text = 'a' AND payload #> '{a,b}' IS NOT NULL",
            "extract(year FROM created_at) > 2000",
            "created_at AT TIME ZONE 'UTC'",
            "substring(name FROM 1 FOR 3) = 'abc'",
            "arr[1] = 2 AND (rec).field = 3",
            "a LIKE 'x!%' ESCAPE '!'",
            "x = ANY (ARRAY[1, 2])",
            "ROW(a, b) = ROW(1, 2)",
            "name COLLATE \"C\" < 'b'",
            "count(*) > 0",
            "-a + +b",
            "x::numeric(12,2)::text",
            "'{}'::jsonb",
            "B'0101' | X'FF'",
            "$1 + $2",
            "interval '1 day' + '2 hours'::interval",
            "a OPERATOR(pg_catalog.+) b",
            "x NOT BETWEEN SYMMETRIC 1 AND 2",
            "row_number() OVER (ORDER BY a)",
        ] {
            let once = canon(text);
            assert_eq!(canon(&once), once, "{text}");
        }
    }

    #[test]
    fn shapes_and_calls() {
        let e = parse("'pending'::order_status").unwrap();
        assert_eq!(e.shape, Shape::String("pending".into()));
        let e = parse("'f'::boolean").unwrap();
        assert_eq!(e.shape, Shape::Bool(false));
        assert_eq!(parse("-3").unwrap().shape, Shape::Number("-3".into()));
        assert_eq!(
            parse("NOW()").unwrap().shape,
            Shape::NiladicCall("now".into())
        );
        assert_eq!(
            parse("CURRENT_TIMESTAMP").unwrap().shape,
            Shape::NiladicCall("current_timestamp".into())
        );
        assert_eq!(
            parse("(a IS NOT NULL)").unwrap().shape,
            Shape::IsNotNull("a".into())
        );
        let e = parse("coalesce(x, gen_random_uuid()::text) || $1").unwrap();
        assert_eq!(e.calls, ["coalesce", "gen_random_uuid"]);
        assert!(e.has_param);
        let e = parse("EXISTS (SELECT 1 FROM t WHERE t.a = auth.uid())").unwrap();
        assert!(e.calls.contains(&"uid".to_string()), "{:?}", e.calls);
    }

    #[test]
    fn renames_columns_not_functions_or_strings() {
        assert_eq!(
            rename_column("a > 0 AND b <> a AND a('a') > t.a", "a", "alpha").unwrap(),
            "(alpha > 0) AND (b <> alpha) AND (a('a') > t.alpha)"
        );
    }

    #[test]
    fn not_expressions() {
        assert!(parse("a >").is_none());
        assert!(parse("a, b").is_none());
        assert!(parse("1 FROM t").is_none());
        assert!(parse("x AS y").is_none());
    }
}
