//! libpg_query's parse tree to [`crate::sql::ast`] statements.

use super::expr::{self, string_of, type_modifiers};
use super::ffi::{self, Mode};
use super::plpgsql;
use crate::sql::ast::*;
use pg_query::protobuf::{
    self, a_const, AlterTableType, ConstrType, DropBehavior, Node, ObjectType,
    PartitionStrategy as PgPartition, SortByDir, SortByNulls, TransactionStmtKind, VariableSetKind,
};
use pg_query::NodeEnum;

/// Converts one parsed statement. `text` is the statement's source (for positions of bodies
/// and the text of definitions kept verbatim); `base` is where the parse tree's locations
/// put the statement's first byte.
pub fn statement(node: &Node, text: &str, base: usize) -> Stmt {
    let cx = Cx { text, base };
    match node.node.as_ref() {
        Some(n) => cx.stmt(n),
        None => Stmt::Other {
            tag: "EMPTY".into(),
        },
    }
}

struct Cx<'a> {
    text: &'a str,
    base: usize,
}

fn strings(nodes: &[Node]) -> Vec<String> {
    nodes
        .iter()
        .filter_map(string_of)
        .map(str::to_string)
        .collect()
}

fn name_of(nodes: &[Node]) -> Name {
    Name::new(strings(nodes))
}

fn range_var(r: Option<&protobuf::RangeVar>) -> Name {
    let Some(r) = r else {
        return Name::default();
    };
    let mut parts = Vec::new();
    if !r.catalogname.is_empty() {
        parts.push(r.catalogname.clone());
    }
    if !r.schemaname.is_empty() {
        parts.push(r.schemaname.clone());
    }
    parts.push(r.relname.clone());
    Name::new(parts)
}

/// `List` of `String`s (a qualified name inside DROP/COMMENT objects) or a bare `String`.
fn object_name(node: &Node) -> Name {
    match node.node.as_ref() {
        Some(NodeEnum::List(l)) => name_of(&l.items),
        Some(NodeEnum::String(s)) => Name::single(s.sval.clone()),
        Some(NodeEnum::TypeName(t)) => name_of(&t.names),
        Some(NodeEnum::ObjectWithArgs(o)) => name_of(&o.objname),
        Some(NodeEnum::RangeVar(r)) => range_var(Some(r)),
        _ => Name::default(),
    }
}

pub(super) fn type_name(t: &protobuf::TypeName) -> TypeName {
    let mut names = strings(&t.names);
    if names.len() >= 2 && names[0] == "pg_catalog" {
        names.remove(0);
    }
    TypeName {
        name: Name::new(names),
        modifiers: type_modifiers(t),
        array_dims: t.array_bounds.len() as u32,
        text: expr::type_name(t),
    }
}

fn fk_action(c: &str) -> FkAction {
    match c {
        "r" => FkAction::Restrict,
        "c" => FkAction::Cascade,
        "n" => FkAction::SetNull,
        "d" => FkAction::SetDefault,
        _ => FkAction::NoAction,
    }
}

fn index_element(node: &Node) -> Option<IndexElement> {
    let Some(NodeEnum::IndexElem(e)) = node.node.as_ref() else {
        return None;
    };
    let key = match &e.expr {
        Some(x) => match x.node.as_ref() {
            // `((col))` in an index is still the column.
            Some(NodeEnum::ColumnRef(c)) if c.fields.len() == 1 => {
                KeyPart::Column(string_of(&c.fields[0]).unwrap_or_default().to_string())
            }
            _ => KeyPart::Expression(expr::read(x)),
        },
        None => KeyPart::Column(e.name.clone()),
    };
    let opclass = (!e.opclass.is_empty()).then(|| {
        let parts = strings(&e.opclass);
        let parts: Vec<&String> = match parts.as_slice() {
            [schema, rest @ ..] if schema == "pg_catalog" && !rest.is_empty() => {
                rest.iter().collect()
            }
            all => all.iter().collect(),
        };
        parts
            .iter()
            .map(|p| p.as_str())
            .collect::<Vec<_>>()
            .join(".")
    });
    Some(IndexElement {
        key,
        opclass,
        descending: SortByDir::try_from(e.ordering) == Ok(SortByDir::SortbyDesc),
        nulls_first: match SortByNulls::try_from(e.nulls_ordering) {
            Ok(SortByNulls::SortbyNullsFirst) => Some(true),
            Ok(SortByNulls::SortbyNullsLast) => Some(false),
            _ => None,
        },
        collation: (!e.collation.is_empty()).then(|| strings(&e.collation).join(".")),
    })
}

fn key_names(nodes: &[Node]) -> Vec<String> {
    strings(nodes)
}

/// A constraint node.
pub(super) fn constraint(c: &protobuf::Constraint) -> Option<Constraint> {
    let kind = match ConstrType::try_from(c.contype).ok()? {
        ConstrType::ConstrNull => ConstraintKind::Null,
        ConstrType::ConstrNotnull => ConstraintKind::NotNull,
        ConstrType::ConstrDefault => ConstraintKind::Default(expr::read(c.raw_expr.as_deref()?)),
        ConstrType::ConstrIdentity => ConstraintKind::Identity(if c.generated_when == "d" {
            IdentityKind::ByDefault
        } else {
            IdentityKind::Always
        }),
        ConstrType::ConstrGenerated => {
            ConstraintKind::Generated(expr::read(c.raw_expr.as_deref()?))
        }
        ConstrType::ConstrCheck => ConstraintKind::Check(expr::read(c.raw_expr.as_deref()?)),
        ConstrType::ConstrPrimary => ConstraintKind::PrimaryKey {
            columns: key_names(&c.keys),
            include: key_names(&c.including),
            using_index: (!c.indexname.is_empty()).then(|| c.indexname.clone()),
        },
        ConstrType::ConstrUnique => ConstraintKind::Unique {
            columns: key_names(&c.keys),
            include: key_names(&c.including),
            nulls_not_distinct: c.nulls_not_distinct,
            using_index: (!c.indexname.is_empty()).then(|| c.indexname.clone()),
        },
        ConstrType::ConstrForeign => ConstraintKind::ForeignKey {
            columns: key_names(&c.fk_attrs),
            ref_table: range_var(c.pktable.as_ref()),
            ref_columns: key_names(&c.pk_attrs),
            on_delete: fk_action(&c.fk_del_action),
            on_update: fk_action(&c.fk_upd_action),
        },
        ConstrType::ConstrExclusion => ConstraintKind::Exclude {
            method: if c.access_method.is_empty() {
                "btree".into()
            } else {
                c.access_method.clone()
            },
            elements: c
                .exclusions
                .iter()
                .filter_map(|pair| {
                    let Some(NodeEnum::List(l)) = pair.node.as_ref() else {
                        return None;
                    };
                    let element = index_element(l.items.first()?)?;
                    let operator = match l.items.get(1)?.node.as_ref() {
                        Some(NodeEnum::List(op)) => strings(&op.items).join("."),
                        _ => return None,
                    };
                    Some(ExcludeElement { element, operator })
                })
                .collect(),
            predicate: c.where_clause.as_deref().map(expr::read),
        },
        ConstrType::ConstrAttrDeferrable
        | ConstrType::ConstrAttrNotDeferrable
        | ConstrType::ConstrAttrDeferred
        | ConstrType::ConstrAttrImmediate
        | ConstrType::ConstrAttrEnforced
        | ConstrType::ConstrAttrNotEnforced => return None,
        ConstrType::Undefined => ConstraintKind::Other("constraint".into()),
    };
    Some(Constraint {
        name: (!c.conname.is_empty()).then(|| c.conname.clone()),
        kind,
        not_valid: c.skip_validation,
        deferrable: c.deferrable,
        initially_deferred: c.initdeferred,
    })
}

fn column_def(d: &protobuf::ColumnDef) -> ColumnDef {
    let mut constraints: Vec<Constraint> = Vec::new();
    for c in &d.constraints {
        let Some(NodeEnum::Constraint(c)) = c.node.as_ref() else {
            continue;
        };
        // `DEFERRABLE` after an inline REFERENCES applies to it.
        match ConstrType::try_from(c.contype) {
            Ok(ConstrType::ConstrAttrDeferrable) => {
                if let Some(last) = constraints.last_mut() {
                    last.deferrable = true;
                }
            }
            Ok(ConstrType::ConstrAttrDeferred) => {
                if let Some(last) = constraints.last_mut() {
                    last.initially_deferred = true;
                }
            }
            _ => constraints.extend(constraint(c)),
        }
    }
    if let Some(coll) = &d.coll_clause {
        constraints.push(Constraint {
            name: None,
            kind: ConstraintKind::Collate(Name::new(strings(&coll.collname))),
            not_valid: false,
            deferrable: false,
            initially_deferred: false,
        });
    }
    ColumnDef {
        name: d.colname.clone(),
        ty: d
            .type_name
            .as_ref()
            .map(type_name)
            .unwrap_or_else(|| TypeName {
                name: Name::default(),
                modifiers: Vec::new(),
                array_dims: 0,
                text: String::new(),
            }),
        constraints,
    }
}

/// A partition bound (`FOR VALUES FROM (...) TO (...)`, `DEFAULT`) in one spelling.
fn partition_bound(b: &protobuf::PartitionBoundSpec) -> String {
    if b.is_default {
        return "DEFAULT".into();
    }
    let list = |nodes: &[Node]| {
        nodes
            .iter()
            .map(|n| expr::read(n).text)
            .collect::<Vec<_>>()
            .join(", ")
    };
    match b.strategy.as_str() {
        "l" => format!("FOR VALUES IN ({})", list(&b.listdatums)),
        "r" => format!(
            "FOR VALUES FROM ({}) TO ({})",
            list(&b.lowerdatums),
            list(&b.upperdatums)
        ),
        "h" => format!(
            "FOR VALUES WITH (MODULUS {}, REMAINDER {})",
            b.modulus, b.remainder
        ),
        _ => String::new(),
    }
}

fn partition_spec(p: &protobuf::PartitionSpec) -> PartitionSpec {
    PartitionSpec {
        strategy: match PgPartition::try_from(p.strategy) {
            Ok(PgPartition::List) => PartitionStrategy::List,
            Ok(PgPartition::Hash) => PartitionStrategy::Hash,
            _ => PartitionStrategy::Range,
        },
        keys: p
            .part_params
            .iter()
            .filter_map(|n| match n.node.as_ref() {
                Some(NodeEnum::PartitionElem(e)) => Some(match &e.expr {
                    Some(x) => KeyPart::Expression(expr::read(x)),
                    None => KeyPart::Column(e.name.clone()),
                }),
                _ => None,
            })
            .collect(),
    }
}

fn object_kind(t: i32) -> ObjectKind {
    match ObjectType::try_from(t) {
        Ok(ObjectType::ObjectTable) => ObjectKind::Table,
        Ok(ObjectType::ObjectColumn) => ObjectKind::Column,
        Ok(ObjectType::ObjectTabconstraint) | Ok(ObjectType::ObjectDomconstraint) => {
            ObjectKind::Constraint
        }
        Ok(ObjectType::ObjectIndex) => ObjectKind::Index,
        Ok(ObjectType::ObjectSequence) => ObjectKind::Sequence,
        Ok(ObjectType::ObjectView) => ObjectKind::View,
        Ok(ObjectType::ObjectMatview) => ObjectKind::MaterializedView,
        Ok(ObjectType::ObjectType) => ObjectKind::Type,
        Ok(ObjectType::ObjectDomain) => ObjectKind::Domain,
        Ok(ObjectType::ObjectSchema) => ObjectKind::Schema,
        Ok(ObjectType::ObjectDatabase) => ObjectKind::Database,
        Ok(ObjectType::ObjectExtension) => ObjectKind::Extension,
        Ok(ObjectType::ObjectFunction) | Ok(ObjectType::ObjectRoutine) => ObjectKind::Function,
        Ok(ObjectType::ObjectProcedure) => ObjectKind::Procedure,
        Ok(ObjectType::ObjectTrigger) => ObjectKind::Trigger,
        Ok(ObjectType::ObjectPolicy) => ObjectKind::Policy,
        Ok(ObjectType::ObjectRule) => ObjectKind::Rule,
        Ok(ObjectType::ObjectRole) => ObjectKind::Role,
        Ok(ObjectType::ObjectStatisticExt) => ObjectKind::Statistics,
        _ => ObjectKind::Other,
    }
}

fn relation_kind(t: i32) -> RelationKind {
    match ObjectType::try_from(t) {
        Ok(ObjectType::ObjectIndex) => RelationKind::Index,
        Ok(ObjectType::ObjectSequence) => RelationKind::Sequence,
        Ok(ObjectType::ObjectView) => RelationKind::View,
        Ok(ObjectType::ObjectMatview) => RelationKind::MaterializedView,
        Ok(ObjectType::ObjectForeignTable) => RelationKind::ForeignTable,
        Ok(ObjectType::ObjectType) => RelationKind::Type,
        _ => RelationKind::Table,
    }
}

/// The value of a `DefElem` option list entry named `name`, when it is a string.
fn def_string<'n>(options: &'n [Node], name: &str) -> Option<(&'n str, i32)> {
    options.iter().find_map(|o| match o.node.as_ref() {
        Some(NodeEnum::DefElem(d)) if d.defname == name => match d.arg.as_deref()?.node.as_ref() {
            Some(NodeEnum::String(s)) => Some((s.sval.as_str(), d.arg_location)),
            Some(NodeEnum::List(l)) => l
                .items
                .first()
                .and_then(string_of)
                .map(|s| (s, d.arg_location)),
            _ => None,
        },
        _ => None,
    })
}

fn set_value(args: &[Node]) -> Option<String> {
    let parts: Vec<String> = args
        .iter()
        .map(|a| match a.node.as_ref() {
            Some(NodeEnum::AConst(c)) => match &c.val {
                Some(a_const::Val::Sval(s)) => s.sval.clone(),
                Some(a_const::Val::Ival(i)) => i.ival.to_string(),
                Some(a_const::Val::Fval(f)) => f.fval.clone(),
                Some(a_const::Val::Boolval(b)) => b.boolval.to_string(),
                _ => expr::read(a).text,
            },
            _ => expr::read(a).text,
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}

impl Cx<'_> {
    /// The byte offset in `text` of a location in the parse tree, when it falls inside.
    fn offset(&self, location: i32) -> Option<usize> {
        let at = usize::try_from(location).ok()?.checked_sub(self.base)?;
        (at <= self.text.len()).then_some(at)
    }

    /// Where a string constant's contents begin, given the constant's location: past the
    /// opening quote or dollar tag.
    fn body_offset(&self, location: i32) -> Option<usize> {
        let at = self.offset(location)?;
        let rest = &self.text[at..];
        if rest.starts_with('\'') {
            return Some(at + 1);
        }
        if let Some(tail) = rest.strip_prefix('$') {
            let close = tail.find('$')?;
            return Some(at + close + 2);
        }
        if rest.starts_with("E'") || rest.starts_with("e'") {
            return Some(at + 2);
        }
        None
    }

    /// The statement text after the first occurrence of `name`'s last part (the definition
    /// of a domain or composite type), trimmed.
    fn text_after(&self, name: &Name) -> String {
        let lower = self.text.to_ascii_lowercase();
        let needle = name.last().to_ascii_lowercase();
        match lower.find(&needle) {
            Some(i) => {
                let mut rest = &self.text[i + needle.len()..];
                // A quoted name's closing quote.
                rest = rest.strip_prefix('"').unwrap_or(rest);
                rest.trim().to_string()
            }
            None => String::new(),
        }
    }

    fn stmt(&self, n: &NodeEnum) -> Stmt {
        match n {
            NodeEnum::CreateStmt(c) => self.create_table(c),
            NodeEnum::AlterTableStmt(a) => self.alter_table(a),
            NodeEnum::IndexStmt(i) => index(i),
            NodeEnum::DropStmt(d) => drop(d),
            NodeEnum::RenameStmt(r) => self.rename(r),
            NodeEnum::CreateEnumStmt(e) => Stmt::CreateEnum {
                name: name_of(&e.type_name),
                labels: strings(&e.vals),
            },
            NodeEnum::AlterEnumStmt(e) => alter_enum(e),
            NodeEnum::CompositeTypeStmt(c) => {
                self.create_type(range_var(c.typevar.as_ref()), TypeKind::Composite)
            }
            NodeEnum::CreateRangeStmt(r) => {
                self.create_type(name_of(&r.type_name), TypeKind::Range)
            }
            NodeEnum::CreateDomainStmt(d) => {
                self.create_type(name_of(&d.domainname), TypeKind::Domain)
            }
            NodeEnum::DefineStmt(d)
                if ObjectType::try_from(d.kind) == Ok(ObjectType::ObjectType) =>
            {
                self.create_type(name_of(&d.defnames), TypeKind::Base)
            }
            NodeEnum::CreateExtensionStmt(e) => Stmt::CreateExtension {
                name: e.extname.clone(),
                if_not_exists: e.if_not_exists,
            },
            NodeEnum::CreateSchemaStmt(s) => self.create_schema(s),
            NodeEnum::CreateFunctionStmt(f) => self.create_function(f),
            NodeEnum::CreateTrigStmt(t) => Stmt::CreateTrigger(CreateTrigger {
                name: t.trigname.clone(),
                table: range_var(t.relation.as_ref()),
                or_replace: t.replace,
                function: Some(name_of(&t.funcname)),
            }),
            NodeEnum::CreatePolicyStmt(p) => create_policy(p),
            NodeEnum::AlterPolicyStmt(p) => Stmt::AlterPolicy {
                name: p.policy_name.clone(),
                table: range_var(p.table.as_ref()),
                roles: (!p.roles.is_empty()).then(|| roles(&p.roles)),
                using: p.qual.as_deref().map(expr::read),
                with_check: p.with_check.as_deref().map(expr::read),
            },
            NodeEnum::CommentStmt(c) => self.comment(c),
            NodeEnum::ViewStmt(v) => Stmt::CreateView {
                name: range_var(v.view.as_ref()),
                or_replace: v.replace,
                materialized: false,
            },
            NodeEnum::CreateTableAsStmt(c) => Stmt::CreateTableAs {
                name: range_var(c.into.as_ref().and_then(|i| i.rel.as_ref())),
                materialized: ObjectType::try_from(c.objtype) == Ok(ObjectType::ObjectMatview),
                if_not_exists: c.if_not_exists,
            },
            NodeEnum::CreateSeqStmt(s) => Stmt::CreateSequence {
                name: range_var(s.sequence.as_ref()),
                if_not_exists: s.if_not_exists,
            },
            NodeEnum::VariableSetStmt(v) => Stmt::Set {
                name: v.name.clone(),
                value: match VariableSetKind::try_from(v.kind) {
                    Ok(VariableSetKind::VarSetValue) => set_value(&v.args),
                    _ => None,
                },
                local: v.is_local,
            },
            NodeEnum::TransactionStmt(t) => Stmt::Transaction(transaction(t)),
            NodeEnum::DoStmt(d) => self.do_block(d),
            NodeEnum::InsertStmt(i) => rows(RowsKind::Insert, i.relation.as_ref()),
            NodeEnum::UpdateStmt(u) => rows(RowsKind::Update, u.relation.as_ref()),
            NodeEnum::DeleteStmt(d) => rows(RowsKind::Delete, d.relation.as_ref()),
            NodeEnum::MergeStmt(m) => rows(RowsKind::Merge, m.relation.as_ref()),
            NodeEnum::CopyStmt(c) => rows(RowsKind::Copy, c.relation.as_ref()),
            NodeEnum::SelectStmt(s) => select(s),
            NodeEnum::CallStmt(_) => rows(RowsKind::Call, None),
            NodeEnum::TruncateStmt(t) => Stmt::Truncate {
                tables: t
                    .relations
                    .iter()
                    .filter_map(|r| match r.node.as_ref() {
                        Some(NodeEnum::RangeVar(r)) => Some(range_var(Some(r))),
                        _ => None,
                    })
                    .collect(),
            },
            other => Stmt::Other {
                tag: other_tag(other, self.text),
            },
        }
    }

    /// A composite, range or base type or a domain: its definition is the text after its name.
    fn create_type(&self, name: Name, kind: TypeKind) -> Stmt {
        Stmt::CreateType {
            definition: self.text_after(&name),
            name,
            kind,
        }
    }

    fn create_schema(&self, s: &protobuf::CreateSchemaStmt) -> Stmt {
        Stmt::CreateSchema {
            // `CREATE SCHEMA AUTHORIZATION role` names the schema after the role.
            name: if s.schemaname.is_empty() {
                s.authrole
                    .as_ref()
                    .map(|r| r.rolename.clone())
                    .unwrap_or_default()
            } else {
                s.schemaname.clone()
            },
            if_not_exists: s.if_not_exists,
            elements: s
                .schema_elts
                .iter()
                .filter_map(|e| e.node.as_ref())
                .map(|e| self.schema_element(e, &s.schemaname))
                .collect(),
        }
    }

    fn do_block(&self, d: &protobuf::DoStmt) -> Stmt {
        let (body, location) = def_string(&d.args, "as").unwrap_or(("", -1));
        let language = def_string(&d.args, "language")
            .map(|(l, _)| l.to_ascii_lowercase())
            .unwrap_or_else(|| "plpgsql".into());
        let program = (language == "plpgsql").then(|| plpgsql::read(self.text, body));
        Stmt::Do(DoBlock {
            language,
            body: body.to_string(),
            offset: self.body_offset(location),
            program,
        })
    }

    /// An element of `CREATE SCHEMA s CREATE TABLE t ...`: unqualified names belong to `s`.
    fn schema_element(&self, n: &NodeEnum, schema: &str) -> Stmt {
        let mut s = self.stmt(n);
        let qualify = |name: &mut Name| {
            if name.parts.len() == 1 && !schema.is_empty() {
                name.parts.insert(0, schema.to_string());
            }
        };
        match &mut s {
            Stmt::CreateTable(t) => qualify(&mut t.name),
            Stmt::CreateIndex(i) => qualify(&mut i.table),
            Stmt::CreateView { name, .. } | Stmt::CreateSequence { name, .. } => qualify(name),
            Stmt::CreateTrigger(t) => qualify(&mut t.table),
            _ => {}
        }
        s
    }

    fn create_table(&self, c: &protobuf::CreateStmt) -> Stmt {
        let mut columns = Vec::new();
        let mut constraints = Vec::new();
        let mut like = Vec::new();
        let derived =
            (!c.inh_relations.is_empty() && c.partbound.is_none()) || c.of_typename.is_some();
        for e in &c.table_elts {
            match e.node.as_ref() {
                Some(NodeEnum::ColumnDef(d)) => columns.push(column_def(d)),
                Some(NodeEnum::Constraint(k)) => constraints.extend(constraint(k)),
                Some(NodeEnum::TableLikeClause(l)) => {
                    // PostgreSQL's CREATE_TABLE_LIKE_* bits.
                    let has = |bit: u32| l.options & bit != 0;
                    like.push(Like {
                        source: range_var(l.relation.as_ref()),
                        position: columns.len(),
                        comments: has(1 << 0),
                        constraints: has(1 << 2),
                        defaults: has(1 << 3),
                        generated: has(1 << 4),
                        identity: has(1 << 5),
                        indexes: has(1 << 6),
                    });
                }
                _ => {}
            }
        }
        let partition_of = c.partbound.as_ref().map(|b| {
            let parent = c.inh_relations.first().map(object_name).unwrap_or_default();
            (parent, partition_bound(b))
        });
        let persistence = c
            .relation
            .as_ref()
            .and_then(|r| match r.relpersistence.as_str() {
                "t" => Some("TEMPORARY"),
                "u" => Some("UNLOGGED"),
                _ => None,
            });
        Stmt::CreateTable(CreateTable {
            name: range_var(c.relation.as_ref()),
            if_not_exists: c.if_not_exists,
            columns,
            constraints,
            partition_by: c.partspec.as_ref().map(partition_spec),
            partition_of,
            like,
            derived,
            persistence,
        })
    }

    fn alter_table(&self, a: &protobuf::AlterTableStmt) -> Stmt {
        let mut ops = Vec::new();
        for cmd in &a.cmds {
            let Some(NodeEnum::AlterTableCmd(c)) = cmd.node.as_ref() else {
                continue;
            };
            ops.push(self.alter_op(c));
        }
        Stmt::AlterTable(AlterTable {
            name: range_var(a.relation.as_ref()),
            if_exists: a.missing_ok,
            kind: relation_kind(a.objtype),
            ops,
        })
    }

    fn alter_op(&self, c: &protobuf::AlterTableCmd) -> AlterOp {
        use AlterTableType as T;
        let col = c.name.clone();
        let def = c.def.as_deref();
        let def_node = def.and_then(|d| d.node.as_ref());
        let subtype = T::try_from(c.subtype).unwrap_or(T::Undefined);
        match (subtype, def_node) {
            (T::AtAddColumn, Some(NodeEnum::ColumnDef(d))) => AlterOp::AddColumn {
                if_not_exists: c.missing_ok,
                column: column_def(d),
            },
            (T::AtDropColumn, _) => AlterOp::DropColumn {
                name: col,
                if_exists: c.missing_ok,
            },
            (T::AtAlterColumnType, Some(NodeEnum::ColumnDef(d))) => AlterOp::AlterType {
                column: col,
                ty: d
                    .type_name
                    .as_ref()
                    .map(type_name)
                    .unwrap_or_else(|| column_def(d).ty),
                collation: d
                    .coll_clause
                    .as_ref()
                    .map(|c| Name::new(strings(&c.collname))),
                using: d.raw_default.as_deref().map(expr::read),
            },
            (T::AtSetNotNull, _) => AlterOp::SetNotNull(col),
            (T::AtDropNotNull, _) => AlterOp::DropNotNull(col),
            (T::AtColumnDefault, Some(_)) => {
                AlterOp::SetDefault(col, expr::read(def.expect("matched Some")))
            }
            (T::AtColumnDefault, None) => AlterOp::DropDefault(col),
            (T::AtAddIdentity, Some(NodeEnum::Constraint(k))) => AlterOp::AddIdentity(
                col,
                if k.generated_when == "d" {
                    IdentityKind::ByDefault
                } else {
                    IdentityKind::Always
                },
            ),
            (T::AtDropIdentity, _) => AlterOp::DropIdentity(col),
            (T::AtDropExpression, _) => AlterOp::DropExpression(col),
            (T::AtSetExpression, Some(_)) => {
                AlterOp::SetExpression(col, expr::read(def.expect("matched Some")))
            }
            (T::AtAlterConstraint, Some(NodeEnum::AtalterConstraint(k)))
                if k.alter_deferrability =>
            {
                AlterOp::AlterConstraint {
                    name: k.conname.clone(),
                    deferrable: k.deferrable,
                    initially_deferred: k.initdeferred,
                }
            }
            (T::AtAddConstraint, Some(NodeEnum::Constraint(k))) => match constraint(k) {
                Some(k) => AlterOp::AddConstraint(k),
                None => AlterOp::Other("ADD CONSTRAINT".into()),
            },
            (T::AtDropConstraint, _) => AlterOp::DropConstraint {
                name: col,
                if_exists: c.missing_ok,
            },
            (T::AtValidateConstraint, _) => AlterOp::ValidateConstraint(col),
            (T::AtEnableRowSecurity, _) => AlterOp::EnableRls,
            (T::AtDisableRowSecurity, _) => AlterOp::DisableRls,
            (T::AtForceRowSecurity, _) => AlterOp::ForceRls,
            (T::AtNoForceRowSecurity, _) => AlterOp::NoForceRls,
            (T::AtAttachPartition, Some(NodeEnum::PartitionCmd(p))) => AlterOp::AttachPartition {
                partition: range_var(p.name.as_ref()),
                bound: p.bound.as_ref().map(partition_bound).unwrap_or_default(),
            },
            (
                T::AtDetachPartition | T::AtDetachPartitionFinalize,
                Some(NodeEnum::PartitionCmd(p)),
            ) => AlterOp::DetachPartition {
                partition: range_var(p.name.as_ref()),
                concurrently: p.concurrent,
            },
            (other, _) => AlterOp::Other(alter_words(other, &col)),
        }
    }

    fn rename(&self, r: &protobuf::RenameStmt) -> Stmt {
        let kind = object_kind(r.rename_type);
        let relation = r.relation.as_ref().map(|rv| range_var(Some(rv)));
        let object = relation
            .clone()
            .or_else(|| r.object.as_deref().map(object_name))
            .unwrap_or_default();
        let (object, sub) = match kind {
            ObjectKind::Column
            | ObjectKind::Constraint
            | ObjectKind::Trigger
            | ObjectKind::Policy
            | ObjectKind::Rule => {
                if relation.is_some() {
                    (object, Some(r.subname.clone()))
                } else {
                    // `ALTER TRIGGER t ON x` keeps the trigger's name in `object`'s last part.
                    (object.parent(), Some(object.last().to_string()))
                }
            }
            _ => (object, None),
        };
        let object_kind = match kind {
            ObjectKind::Column
            | ObjectKind::Constraint
            | ObjectKind::Trigger
            | ObjectKind::Policy
            | ObjectKind::Rule => match object_kind(r.relation_type) {
                ObjectKind::Other => ObjectKind::Table,
                k => k,
            },
            k => k,
        };
        Stmt::Rename(Rename {
            kind,
            object,
            object_kind,
            sub: sub.filter(|s| !s.is_empty()),
            new_name: r.newname.clone(),
            if_exists: r.missing_ok,
        })
    }

    fn comment(&self, c: &protobuf::CommentStmt) -> Stmt {
        let kind = object_kind(c.objtype);
        let object = c.object.as_deref().map(object_name).unwrap_or_default();
        let target = match kind {
            ObjectKind::Table => CommentTarget::Table(object),
            ObjectKind::Column => CommentTarget::Column {
                table: object.parent(),
                column: object.last().to_string(),
            },
            ObjectKind::Schema => CommentTarget::Schema(object.last().to_string()),
            ObjectKind::Type | ObjectKind::Domain => CommentTarget::Type(object),
            k => CommentTarget::Other(k),
        };
        // An empty string removes a comment, like NULL.
        let text = (!c.comment.is_empty()).then(|| c.comment.clone());
        Stmt::Comment { target, text }
    }

    fn create_function(&self, f: &protobuf::CreateFunctionStmt) -> Stmt {
        let language = def_string(&f.options, "language")
            .map(|(l, _)| l.to_ascii_lowercase())
            .unwrap_or_else(|| "sql".into());
        let body = match (&f.sql_body, def_string(&f.options, "as")) {
            (Some(body), _) => FunctionBody::Atomic(self.atomic_body(body)),
            (None, Some((text, location))) => {
                let external = f.options.iter().any(|o| {
                    matches!(o.node.as_ref(), Some(NodeEnum::DefElem(d))
                        if d.defname == "as" && matches!(d.arg.as_deref().and_then(|a| a.node.as_ref()),
                            Some(NodeEnum::List(l)) if l.items.len() > 1))
                });
                if external {
                    FunctionBody::External
                } else {
                    let program = match language.as_str() {
                        "plpgsql" => Some(plpgsql::read(self.text, text)),
                        "sql" => Some(sql_body(text)),
                        _ => None,
                    };
                    FunctionBody::Text {
                        body: text.to_string(),
                        offset: self.body_offset(location),
                        program,
                    }
                }
            }
            (None, None) => FunctionBody::External,
        };
        let arg_types = f
            .parameters
            .iter()
            .filter_map(|p| match p.node.as_ref() {
                // OUT and TABLE parameters are not part of the signature.
                Some(NodeEnum::FunctionParameter(p)) if p.mode != 2 && p.mode != 5 => {
                    p.arg_type.as_ref().map(expr::type_name)
                }
                _ => None,
            })
            .collect();
        Stmt::CreateFunction(CreateFunction {
            name: name_of(&f.funcname),
            procedure: f.is_procedure,
            or_replace: f.replace,
            language,
            arg_types,
            body,
        })
    }

    /// `BEGIN ATOMIC ... END`: a list of statements (or a single `RETURN expr`).
    fn atomic_body(&self, body: &Node) -> Vec<Stmt> {
        let mut out = Vec::new();
        let items: Vec<&Node> = match body.node.as_ref() {
            Some(NodeEnum::List(l)) => l
                .items
                .iter()
                .flat_map(|i| match i.node.as_ref() {
                    Some(NodeEnum::List(inner)) => inner.items.iter().collect::<Vec<_>>(),
                    _ => vec![i],
                })
                .collect(),
            _ => vec![body],
        };
        for item in items {
            if let Some(n) = item.node.as_ref() {
                match n {
                    NodeEnum::ReturnStmt(_) => out.push(Stmt::Rows {
                        kind: RowsKind::Select,
                        table: None,
                    }),
                    other => out.push(self.stmt(other)),
                }
            }
        }
        out
    }
}

/// A `LANGUAGE sql` body given as a string: PostgreSQL parses it when the function is
/// created, so a syntax error there rejects the CREATE FUNCTION.
fn sql_body(text: &str) -> Program {
    match ffi::parse(text, Mode::Statements) {
        Ok(_) => Program::default(),
        Err(e) => Program {
            actions: Vec::new(),
            error: Some(e.message),
        },
    }
}

/// Role names of a policy's `TO` list; `PUBLIC` (and other role kinds) carry no name.
fn roles(nodes: &[Node]) -> Vec<String> {
    nodes
        .iter()
        .filter_map(|r| match r.node.as_ref() {
            Some(NodeEnum::RoleSpec(r)) if !r.rolename.is_empty() => Some(r.rolename.clone()),
            _ => None,
        })
        .collect()
}

fn index(i: &protobuf::IndexStmt) -> Stmt {
    Stmt::CreateIndex(CreateIndex {
        name: (!i.idxname.is_empty()).then(|| i.idxname.clone()),
        table: range_var(i.relation.as_ref()),
        unique: i.unique,
        concurrently: i.concurrent,
        if_not_exists: i.if_not_exists,
        method: (!i.access_method.is_empty()).then(|| i.access_method.clone()),
        elements: i.index_params.iter().filter_map(index_element).collect(),
        include: i
            .index_including_params
            .iter()
            .filter_map(index_element)
            .filter_map(|e| match e.key {
                KeyPart::Column(c) => Some(c),
                KeyPart::Expression(_) => None,
            })
            .collect(),
        predicate: i.where_clause.as_deref().map(expr::read),
        nulls_not_distinct: i.nulls_not_distinct,
    })
}

fn drop(d: &protobuf::DropStmt) -> Stmt {
    Stmt::Drop(Drop {
        kind: object_kind(d.remove_type),
        names: d.objects.iter().map(object_name).collect(),
        if_exists: d.missing_ok,
        cascade: DropBehavior::try_from(d.behavior) == Ok(DropBehavior::DropCascade),
        concurrently: d.concurrent,
    })
}

fn alter_enum(e: &protobuf::AlterEnumStmt) -> Stmt {
    Stmt::AlterEnum {
        name: name_of(&e.type_name),
        change: if !e.old_val.is_empty() {
            EnumChange::RenameValue {
                from: e.old_val.clone(),
                to: e.new_val.clone(),
            }
        } else {
            EnumChange::AddValue {
                value: e.new_val.clone(),
                neighbour: (!e.new_val_neighbor.is_empty())
                    .then(|| (!e.new_val_is_after, e.new_val_neighbor.clone())),
                if_not_exists: e.skip_if_new_val_exists,
            }
        },
    }
}

fn create_policy(p: &protobuf::CreatePolicyStmt) -> Stmt {
    Stmt::CreatePolicy(CreatePolicy {
        name: p.policy_name.clone(),
        table: range_var(p.table.as_ref()),
        permissive: p.permissive,
        command: match p.cmd_name.as_str() {
            "select" => PolicyCommand::Select,
            "insert" => PolicyCommand::Insert,
            "update" => PolicyCommand::Update,
            "delete" => PolicyCommand::Delete,
            _ => PolicyCommand::All,
        },
        roles: roles(&p.roles),
        using: p.qual.as_deref().map(expr::read),
        with_check: p.with_check.as_deref().map(expr::read),
    })
}

fn transaction(t: &protobuf::TransactionStmt) -> Transaction {
    use TransactionStmtKind as K;
    match K::try_from(t.kind) {
        Ok(K::TransStmtBegin) | Ok(K::TransStmtStart) => Transaction::Begin,
        Ok(K::TransStmtCommit) => Transaction::Commit,
        Ok(K::TransStmtRollback) => Transaction::Rollback,
        Ok(K::TransStmtSavepoint) => Transaction::Savepoint,
        Ok(K::TransStmtRelease) => Transaction::Release,
        Ok(K::TransStmtRollbackTo) => Transaction::RollbackToSavepoint,
        _ => Transaction::TwoPhase,
    }
}

/// A SELECT reads rows, unless it is `SELECT ... INTO new_table`.
fn select(s: &protobuf::SelectStmt) -> Stmt {
    match s.into_clause.as_ref().and_then(|i| i.rel.as_ref()) {
        Some(rel) => Stmt::CreateTableAs {
            name: range_var(Some(rel)),
            materialized: false,
            if_not_exists: false,
        },
        None => rows(RowsKind::Select, None),
    }
}

fn rows(kind: RowsKind, relation: Option<&protobuf::RangeVar>) -> Stmt {
    Stmt::Rows {
        kind,
        table: relation.map(|r| range_var(Some(r))),
    }
}

/// The words naming an ALTER TABLE subcommand the model does not describe.
fn alter_words(t: AlterTableType, column: &str) -> String {
    use AlterTableType as T;
    let what = match t {
        T::AtSetStatistics => "ALTER COLUMN ... SET STATISTICS",
        T::AtSetOptions | T::AtResetOptions => "ALTER COLUMN ... SET/RESET (options)",
        T::AtSetStorage => "ALTER COLUMN ... SET STORAGE",
        T::AtSetCompression => "ALTER COLUMN ... SET COMPRESSION",
        T::AtSetExpression => "ALTER COLUMN ... SET EXPRESSION",
        T::AtSetIdentity => "ALTER COLUMN ... SET (identity options)",
        T::AtChangeOwner => "OWNER TO",
        T::AtClusterOn => "CLUSTER ON",
        T::AtDropCluster => "SET WITHOUT CLUSTER",
        T::AtSetLogged => "SET LOGGED",
        T::AtSetUnLogged => "SET UNLOGGED",
        T::AtSetAccessMethod => "SET ACCESS METHOD",
        T::AtSetTableSpace => "SET TABLESPACE",
        T::AtSetRelOptions | T::AtResetRelOptions | T::AtReplaceRelOptions => {
            "SET/RESET (storage parameters)"
        }
        T::AtEnableTrig
        | T::AtEnableAlwaysTrig
        | T::AtEnableReplicaTrig
        | T::AtEnableTrigAll
        | T::AtEnableTrigUser => "ENABLE TRIGGER",
        T::AtDisableTrig | T::AtDisableTrigAll | T::AtDisableTrigUser => "DISABLE TRIGGER",
        T::AtEnableRule | T::AtEnableAlwaysRule | T::AtEnableReplicaRule => "ENABLE RULE",
        T::AtDisableRule => "DISABLE RULE",
        T::AtAddInherit => "INHERIT",
        T::AtDropInherit => "NO INHERIT",
        T::AtAddOf => "OF",
        T::AtDropOf => "NOT OF",
        T::AtReplicaIdentity => "REPLICA IDENTITY",
        T::AtAlterConstraint => "ALTER CONSTRAINT",
        T::AtAddIndexConstraint | T::AtAddIndex => "ADD (index)",
        T::AtGenericOptions | T::AtAlterColumnGenericOptions => "OPTIONS",
        _ => "(subcommand)",
    };
    if column.is_empty() {
        what.to_string()
    } else {
        what.replace("...", column)
    }
}

/// The command words of a statement kind the model has no use for.
fn other_tag(n: &NodeEnum, text: &str) -> String {
    let fixed = match n {
        NodeEnum::GrantStmt(g) => Some(if g.is_grant { "GRANT" } else { "REVOKE" }),
        NodeEnum::GrantRoleStmt(g) => Some(if g.is_grant { "GRANT" } else { "REVOKE" }),
        NodeEnum::AlterSeqStmt(_) => Some("ALTER SEQUENCE"),
        NodeEnum::CreateStatsStmt(_) => Some("CREATE STATISTICS"),
        NodeEnum::ReindexStmt(r) => Some(
            if r.params.iter().any(|p| {
                matches!(p.node.as_ref(), Some(NodeEnum::DefElem(d)) if d.defname == "concurrently")
            }) {
                "REINDEX CONCURRENTLY"
            } else {
                "REINDEX"
            },
        ),
        NodeEnum::VacuumStmt(v) => Some(if v.is_vacuumcmd { "VACUUM" } else { "ANALYZE" }),
        NodeEnum::RefreshMatViewStmt(_) => Some("REFRESH MATERIALIZED VIEW"),
        NodeEnum::AlterDefaultPrivilegesStmt(_) => Some("ALTER DEFAULT PRIVILEGES"),
        NodeEnum::RuleStmt(_) => Some("CREATE RULE"),
        NodeEnum::CreateEventTrigStmt(_) => Some("CREATE EVENT TRIGGER"),
        NodeEnum::CreatePublicationStmt(_) => Some("CREATE PUBLICATION"),
        NodeEnum::AlterPublicationStmt(_) => Some("ALTER PUBLICATION"),
        NodeEnum::CreateRoleStmt(_) => Some("CREATE ROLE"),
        NodeEnum::AlterRoleStmt(_) => Some("ALTER ROLE"),
        NodeEnum::AlterOwnerStmt(_) => Some("ALTER ... OWNER TO"),
        NodeEnum::AlterObjectSchemaStmt(_) => Some("ALTER ... SET SCHEMA"),
        NodeEnum::AlterFunctionStmt(_) => Some("ALTER FUNCTION"),
        NodeEnum::AlterDomainStmt(_) => Some("ALTER DOMAIN"),
        NodeEnum::AlterExtensionStmt(_) => Some("ALTER EXTENSION"),
        NodeEnum::LockStmt(_) => Some("LOCK"),
        NodeEnum::ExplainStmt(_) => Some("EXPLAIN"),
        NodeEnum::NotifyStmt(_) => Some("NOTIFY"),
        NodeEnum::ClusterStmt(_) => Some("CLUSTER"),
        NodeEnum::CheckPointStmt(_) => Some("CHECKPOINT"),
        NodeEnum::DiscardStmt(_) => Some("DISCARD"),
        NodeEnum::VariableShowStmt(_) => Some("SHOW"),
        NodeEnum::ConstraintsSetStmt(_) => Some("SET CONSTRAINTS"),
        NodeEnum::CreateCastStmt(_) => Some("CREATE CAST"),
        NodeEnum::CreateOpClassStmt(_) => Some("CREATE OPERATOR CLASS"),
        NodeEnum::CreateConversionStmt(_) => Some("CREATE CONVERSION"),
        NodeEnum::CreateForeignTableStmt(_) => Some("CREATE FOREIGN TABLE"),
        NodeEnum::SecLabelStmt(_) => Some("SECURITY LABEL"),
        NodeEnum::ListenStmt(_) => Some("LISTEN"),
        NodeEnum::PrepareStmt(_) => Some("PREPARE"),
        NodeEnum::ExecuteStmt(_) => Some("EXECUTE"),
        NodeEnum::DeallocateStmt(_) => Some("DEALLOCATE"),
        _ => None,
    };
    match fixed {
        Some(t) => t.to_string(),
        // The statement's first words, upper-cased, are the best name we have.
        None => text
            .split_whitespace()
            .take(3)
            .map(|w| {
                w.trim_matches(|c: char| !c.is_ascii_alphanumeric() && c != '_')
                    .to_ascii_uppercase()
            })
            .collect::<Vec<_>>()
            .join(" "),
    }
}
