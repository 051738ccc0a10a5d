//! `schemactl pull`: a schema read from a database (or a SQL file) written out as a Rust DSL
//! schema crate, so a project can start from what it has.
//!
//! One module per PostgreSQL schema (`public`, `platform`, ...), each with `TableRef` and
//! `EnumDef` constants and a `declare` function; `lib.rs` with `build()` and the conventions
//! the catalog shows; a binary that calls `main_with_schema`. Where a table has exactly the
//! shape one of our invariant helpers emits (names included), the helper is written instead
//! of its parts: `tenant_scoped`, `tenant_ref`/`tenant_ref_opt`, `one_live_wrapper`,
//! `audited`, `id_tagged`, `exclude` for exclusion constraints, `append_only` for the triggers
//! (and PostgreSQL's function) a database enforces it with. Everything else is written
//! plainly (columns, keys, checks, indexes, FKs, RLS, policies, triggers, partitions), with
//! the database's own names wherever they differ from our convention. The output is
//! deterministic: the same catalog gives a byte-identical crate.

use crate::diag::{Diagnostic, Diagnostics};
use crate::dialect::DialectKind;
use crate::model::names;
use crate::model::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// What the crate is called and how it depends on schemactl.
#[derive(Debug, Clone)]
pub struct PullOptions {
    /// The package name (`my-schema`); the library is its snake_case form.
    pub crate_name: String,
    /// The TOML value of the `schemactl` dependency: `"0.1"` or `{ path = "..." }`.
    pub schemactl_dependency: String,
    pub dialect: DialectKind,
    /// Where the schema came from, for the crate's docs (no secrets: a masked URL or a path).
    pub source: String,
}

/// The conventions the catalog shows: the tenant column and root, the users table.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Conv {
    tenant: Option<(String, QName)>,
    user_table: QName,
    uuid_keys: bool,
}

impl Conv {
    fn key_type(&self) -> ColumnType {
        if self.uuid_keys {
            ColumnType::Uuid
        } else {
            ColumnType::Text
        }
    }
}

fn is_public(q: &QName) -> bool {
    q.schema.as_deref().is_none_or(|s| s == "public")
}

fn module_of(q: &QName) -> String {
    if is_public(q) {
        "public".to_string()
    } else {
        ident(q.schema.as_deref().unwrap_or("public"))
    }
}

const KEYWORDS: &[&str] = &[
    "as",
    "break",
    "const",
    "continue",
    "crate",
    "else",
    "enum",
    "extern",
    "false",
    "fn",
    "for",
    "if",
    "impl",
    "in",
    "let",
    "loop",
    "match",
    "mod",
    "move",
    "mut",
    "pub",
    "ref",
    "return",
    "self",
    "Self",
    "static",
    "struct",
    "super",
    "trait",
    "true",
    "type",
    "unsafe",
    "use",
    "where",
    "while",
    "async",
    "await",
    "dyn",
    "abstract",
    "become",
    "box",
    "do",
    "final",
    "macro",
    "override",
    "priv",
    "typeof",
    "unsized",
    "virtual",
    "yield",
    "try",
    "gen",
    "main",
    "schemactl",
    "std",
    "core",
];

/// A snake_case Rust identifier for a name.
fn ident(name: &str) -> String {
    let mut s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if s.is_empty() || s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, 'm');
        s.insert(1, '_');
    }
    if KEYWORDS.contains(&s.as_str()) {
        s.push_str("_schema");
    }
    s
}

/// An UPPER_SNAKE constant name.
fn constant(name: &str) -> String {
    let mut s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    if s.is_empty() || s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert_str(0, "T_");
    }
    if s == "SELF" {
        s.push('_');
    }
    s
}

/// A Rust string literal for `s`: raw when it spans lines.
fn lit(s: &str) -> String {
    let plain = s.chars().all(|c| c == '\n' || c == '\t' || !c.is_control());
    if s.contains('\n') && plain {
        let mut hashes = String::from("#");
        while s.contains(&format!("\"{hashes}")) {
            hashes.push('#');
        }
        format!("r{hashes}\"{s}\"{hashes}")
    } else {
        format!("{s:?}")
    }
}

fn list<S: AsRef<str>>(items: &[S]) -> String {
    format!(
        "[{}]",
        items
            .iter()
            .map(|s| lit(s.as_ref()))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

fn slice<S: AsRef<str>>(items: &[S]) -> String {
    format!("&{}", list(items))
}

/// The names every object gets in generated code: table and enum constants per module.
struct Names {
    tables: BTreeMap<QName, (String, String)>,
    enums: BTreeMap<QName, (String, String)>,
}

impl Names {
    fn new(schema: &Schema) -> Self {
        let mut used: BTreeSet<(String, String)> = BTreeSet::new();
        let mut tables = BTreeMap::new();
        for t in &schema.tables {
            let m = module_of(&t.name);
            let mut c = constant(&t.name.name);
            while !used.insert((m.clone(), c.clone())) {
                c.push('_');
            }
            tables.insert(t.name.clone(), (m, c));
        }
        let mut enums = BTreeMap::new();
        for e in &schema.enums {
            let m = module_of(&e.name);
            let mut c = constant(&e.name.name);
            if used.contains(&(m.clone(), c.clone())) {
                c.push_str("_TYPE");
            }
            while !used.insert((m.clone(), c.clone())) {
                c.push('_');
            }
            enums.insert(e.name.clone(), (m, c));
        }
        Names { tables, enums }
    }

    /// How module `from` spells a constant of module `m`.
    fn path(from: &str, (m, c): &(String, String)) -> String {
        if m == from {
            c.clone()
        } else {
            format!("crate::{m}::{c}")
        }
    }

    fn table(&self, from: &str, q: &QName) -> String {
        match self.tables.get(q) {
            Some(n) => Self::path(from, n),
            // A table outside the schema read: a local reference by name.
            None => match &q.schema {
                Some(s) if s != "public" => format!("TableRef::in_schema({s:?}, {:?})", q.name),
                _ => format!("TableRef::new({:?})", q.name),
            },
        }
    }

    fn enumeration(&self, from: &str, q: &QName) -> Option<String> {
        self.enums.get(q).map(|n| Self::path(from, n))
    }
}

fn detect_conventions(schema: &Schema) -> Option<Conv> {
    let mut tenant: BTreeMap<(String, QName), usize> = BTreeMap::new();
    for t in &schema.tables {
        for fk in &t.foreign_keys {
            let [c] = fk.columns.as_slice() else {
                continue;
            };
            if fk.ref_columns != ["id"] || fk.name != names::foreign_key(&t.name.name, &fk.columns)
            {
                continue;
            }
            let cols = vec![c.clone(), "id".into()];
            if t.uniques
                .iter()
                .any(|u| u.columns == cols && u.name == names::unique(&t.name.name, &cols))
            {
                *tenant
                    .entry((c.to_string(), fk.ref_table.clone()))
                    .or_default() += 1;
            }
        }
    }
    let tenant = tenant
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
        .map(|(k, _)| k);
    let mut users: BTreeMap<QName, usize> = BTreeMap::new();
    let mut key: Option<ColumnType> = None;
    for t in &schema.tables {
        for fk in &t.foreign_keys {
            if fk.columns == ["created_by"] && fk.ref_columns == ["id"] {
                *users.entry(fk.ref_table.clone()).or_default() += 1;
                key = key.or_else(|| t.column("created_by").map(|c| c.ty.clone()));
            }
        }
    }
    let tenant_key = tenant.as_ref().and_then(|(c, _)| {
        schema
            .tables
            .iter()
            .find_map(|t| t.column(c).map(|c| c.ty.clone()))
    });
    let key = tenant_key.or(key)?;
    let uuid_keys = match key {
        ColumnType::Uuid => true,
        ColumnType::Text => false,
        _ => return None,
    };
    let user_table = users
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
        .map(|(k, _)| k)
        .unwrap_or_else(|| QName::parse("users"));
    Some(Conv {
        tenant,
        user_table,
        uuid_keys,
    })
}

/// What the helpers claimed of a table, and the calls that replace it.
#[derive(Default)]
struct Claimed {
    columns: BTreeSet<Name>,
    fks: BTreeSet<Name>,
    uniques: BTreeSet<Name>,
    indexes: BTreeSet<Name>,
    checks: BTreeSet<Name>,
    primary_key: bool,
    /// (column position, call): helpers are written where their first column was.
    calls: Vec<(usize, String)>,
}

fn plain_column(c: &Column, ty: &ColumnType) -> bool {
    c.ty == *ty
        && c.default.is_none()
        && c.generated().is_none()
        && c.collation().is_none()
        && c.identity.is_none()
        && c.doc().is_none()
}

fn fk_plain(fk: &ForeignKey) -> bool {
    fk.on_delete == FkAction::NoAction
        && fk.on_update == FkAction::NoAction
        && fk.deferrable == Deferrable::NotDeferrable
}

fn index_is(ix: &Index, name: &str, cols: &[&str], unique: bool) -> bool {
    ix.name == name
        && ix.unique == unique
        && ix.method == IndexMethod::Btree
        && ix.include.is_empty()
        && !ix.nulls_not_distinct
        && ix.parts.len() == cols.len()
        && ix.parts.iter().zip(cols).all(|(p, c)| {
            p.key == IndexKey::Column(Name::from(*c)) && p.opclass.is_none() && !p.descending
        })
}

fn pos(t: &Table, col: &str) -> usize {
    t.columns.iter().position(|c| c.name == col).unwrap_or(0)
}

/// Is `t` tenant-scoped in exactly the shape `.tenant_scoped()` gives?
fn tenant_scoped_shape(t: &Table, conv: &Conv) -> bool {
    let Some((tc, root)) = &conv.tenant else {
        return false;
    };
    if &t.name == root {
        return false;
    }
    let cols = vec![tc.clone(), "id".to_string()];
    t.column(tc)
        .is_some_and(|c| !c.nullable && plain_column(c, &conv.key_type()))
        && t.foreign_keys.iter().any(|fk| {
            fk.columns == [tc.clone()]
                && &fk.ref_table == root
                && fk.ref_columns == ["id"]
                && fk.name == names::foreign_key(&t.name.name, &fk.columns)
                && fk_plain(fk)
        })
        && t.uniques.iter().any(|u| {
            u.columns == cols
                && !u.nulls_not_distinct
                && u.name == names::unique(&t.name.name, &cols)
        })
}

fn claim_helpers(
    t: &Table,
    conv: Option<&Conv>,
    tenant_tables: &BTreeSet<QName>,
    names_: &Names,
    module: &str,
) -> Claimed {
    let mut cl = Claimed::default();
    let Some(conv) = conv else {
        return id_tagged(t, cl);
    };
    let scoped = tenant_tables.contains(&t.name);
    if scoped {
        claim_tenant_scoped(t, conv, tenant_tables, names_, module, &mut cl);
    }
    claim_audited(t, conv, &mut cl);
    claim_one_live_wrappers(t, conv, scoped, &mut cl);
    id_tagged(t, cl)
}

/// `tenant_scoped()`: the tenant column, its FK and the `(tenant, id)` unique; then each
/// `tenant_ref(_opt)`: `(tenant, col)` referencing another scoped table's `(tenant, id)`,
/// with its index.
fn claim_tenant_scoped(
    t: &Table,
    conv: &Conv,
    tenant_tables: &BTreeSet<QName>,
    names_: &Names,
    module: &str,
    cl: &mut Claimed,
) {
    let short = &t.name.name;
    let key = conv.key_type();
    let (tc, _) = conv.tenant.as_ref().expect("scoped tables have a tenant");
    cl.columns.insert(tc.into());
    cl.fks
        .insert(names::foreign_key(short, std::slice::from_ref(tc)));
    cl.uniques
        .insert(names::unique(short, &[tc.clone(), "id".to_string()]));
    cl.calls.push((pos(t, tc), ".tenant_scoped()".into()));
    // Tenant references: (tenant, col) -> target (tenant, id), with their index.
    for fk in &t.foreign_keys {
        let [a, col] = fk.columns.as_slice() else {
            continue;
        };
        if a != tc
            || fk.ref_columns != [tc.clone(), "id".to_string()]
            || !tenant_tables.contains(&fk.ref_table)
            || fk.name != names::foreign_key(short, &fk.columns)
            || !fk_plain(fk)
        {
            continue;
        }
        let Some(c) = t.column(col) else { continue };
        if !plain_column(c, &key) || cl.columns.contains(col) {
            continue;
        }
        let ix_name = names::index(short, &fk.columns);
        if !t
            .indexes
            .iter()
            .any(|ix| index_is(ix, &ix_name, &[tc, col], false) && ix.predicate.is_none())
        {
            continue;
        }
        cl.columns.insert(col.clone());
        cl.fks.insert(fk.name.clone());
        cl.indexes.insert(ix_name);
        let helper = if c.nullable {
            "tenant_ref_opt"
        } else {
            "tenant_ref"
        };
        cl.calls.push((
            pos(t, col),
            format!(
                ".{helper}({}, {})",
                lit(col),
                names_.table(module, &fk.ref_table)
            ),
        ));
    }
}

/// `audited()`: the six columns and the three FKs to the users table.
fn claim_audited(t: &Table, conv: &Conv, cl: &mut Claimed) {
    let short = &t.name.name;
    let key = conv.key_type();
    let ts = |n: &str, nullable: bool, now: bool| {
        t.column(n).is_some_and(|c| {
            c.ty == ColumnType::Timestamptz
                && c.nullable == nullable
                && c.default == if now { Some(DefaultValue::Now) } else { None }
                && c.generated().is_none()
                && c.collation().is_none()
                && c.identity.is_none()
                && c.doc().is_none()
        })
    };
    let by = |n: &str| {
        t.column(n)
            .is_some_and(|c| c.nullable && plain_column(c, &key))
            && t.foreign_keys.iter().any(|fk| {
                fk.columns == [n.to_string()]
                    && fk.ref_table == conv.user_table
                    && fk.ref_columns == ["id"]
                    && fk.name == names::foreign_key(short, &fk.columns)
                    && fk_plain(fk)
            })
    };
    if !(ts("created_at", false, true)
        && ts("updated_at", false, true)
        && ts("deleted_at", true, false)
        && ["created_by", "updated_by", "deleted_by"]
            .iter()
            .all(|n| by(n)))
    {
        return;
    }
    for c in [
        "created_at",
        "updated_at",
        "deleted_at",
        "created_by",
        "updated_by",
        "deleted_by",
    ] {
        cl.columns.insert(c.into());
    }
    for c in ["created_by", "updated_by", "deleted_by"] {
        cl.fks.insert(names::foreign_key(short, &[c.to_string()]));
    }
    cl.calls.push((pos(t, "created_at"), ".audited()".into()));
}

/// `one_live_wrapper(col, predicate)`: a unique partial index named `<t>_<col>_live_unique`.
fn claim_one_live_wrappers(t: &Table, conv: &Conv, scoped: bool, cl: &mut Claimed) {
    if !t.has_column("deleted_at") {
        return;
    }
    let short = &t.name.name;
    for ix in &t.indexes {
        let Some(IndexKey::Column(col)) = ix.parts.last().map(|p| &p.key) else {
            continue;
        };
        let expected = names::fit(format!("{short}_{col}_live_unique"));
        let keys: Vec<&str> = match (&conv.tenant, scoped) {
            (Some((tc, _)), true) => vec![tc.as_str(), col.as_str()],
            _ => vec![col.as_str()],
        };
        if !index_is(ix, &expected, &keys, true) {
            continue;
        }
        let Some(pred) = &ix.predicate else { continue };
        // As declared, or as PostgreSQL prints it (each operand in parentheses).
        let stripped = strip_outer_parens(pred);
        let Some(inner) = [
            format!(" AND {col} IS NOT NULL AND deleted_at IS NULL"),
            format!(" AND ({col} IS NOT NULL) AND (deleted_at IS NULL)"),
        ]
        .iter()
        .find_map(|suffix| stripped.strip_suffix(suffix.as_str()))
        .map(strip_outer_parens) else {
            continue;
        };
        cl.indexes.insert(ix.name.clone());
        cl.calls.push((
            t.columns.len(),
            format!(".one_live_wrapper({}, {})", lit(col), lit(inner)),
        ));
    }
}

/// `id_tagged(tag)`: text `id` primary key with its doc and the `starts_with` check.
fn id_tagged(t: &Table, mut cl: Claimed) -> Claimed {
    let short = &t.name.name;
    let Some(pk) = &t.primary_key else {
        return cl;
    };
    if pk.columns != ["id"] || pk.name != names::primary_key(short) {
        return cl;
    }
    let name = names::check(short, "id_tag");
    let Some(check) = t.checks.iter().find(|c| c.name == name) else {
        return cl;
    };
    let expr = strip_outer_parens(&check.expression);
    // As declared, or as PostgreSQL prints it (the literal cast to text).
    let Some(tag) = expr.strip_prefix("starts_with(id, '").and_then(|r| {
        r.strip_suffix("_')")
            .or_else(|| r.strip_suffix("_'::text)"))
    }) else {
        return cl;
    };
    if tag.contains('\'') {
        return cl;
    }
    let doc = format!("`{tag}_` followed by a KSUID, made by the application");
    let ok = t.column("id").is_some_and(|c| {
        c.ty == ColumnType::Text
            && !c.nullable
            && c.default.is_none()
            && c.generated().is_none()
            && c.collation().is_none()
            && c.identity.is_none()
            && c.doc() == Some(doc.as_str())
    });
    if !ok {
        return cl;
    }
    cl.columns.insert("id".into());
    cl.primary_key = true;
    cl.checks.insert(name);
    cl.calls
        .push((pos(t, "id"), format!(".id_tagged({})", lit(tag))));
    cl
}

fn strip_outer_parens(s: &str) -> &str {
    let mut s = s.trim();
    while s.starts_with('(') && s.ends_with(')') {
        // Only when the parentheses enclose the whole text.
        let inner = &s[1..s.len() - 1];
        let mut depth = 0i32;
        let mut balanced = true;
        let mut quote = false;
        for c in inner.chars() {
            match c {
                '\'' => quote = !quote,
                '(' if !quote => depth += 1,
                ')' if !quote => {
                    depth -= 1;
                    if depth < 0 {
                        balanced = false;
                        break;
                    }
                }
                _ => {}
            }
        }
        if !balanced || depth != 0 {
            break;
        }
        s = inner.trim();
    }
    s
}

fn column_type(ty: &ColumnType, names_: &Names, module: &str) -> String {
    use ColumnType::*;
    match ty {
        Text => "text()".into(),
        Varchar { length } => format!("varchar({length})"),
        Char { length } => format!("char_({length})"),
        SmallInt => "smallint()".into(),
        Integer => "integer()".into(),
        BigInt => "bigint()".into(),
        Boolean => "boolean()".into(),
        Numeric {
            precision: Some(p),
            scale: Some(s),
        } => format!("numeric({p}, {s})"),
        Numeric { precision, scale } => format!(
            "ColumnSpec::of(ColumnType::Numeric {{ precision: {precision:?}, scale: {scale:?} }})"
        ),
        Real => "real()".into(),
        Double => "double()".into(),
        Uuid => "uuid()".into(),
        Json => "json()".into(),
        Jsonb => "jsonb()".into(),
        Timestamptz => "timestamptz()".into(),
        Timestamp => "timestamp()".into(),
        Date => "date()".into(),
        Time => "time()".into(),
        Interval => "interval()".into(),
        Bytea => "bytea()".into(),
        Inet => "inet()".into(),
        Array { element } => format!("array({})", column_type(element, names_, module)),
        Range { range } => format!("range(RangeKind::{range:?})"),
        Enum { name } => match names_.enumeration(module, name) {
            Some(c) => format!("enum_of({c})"),
            None => format!("custom({})", lit(&name.to_string())),
        },
        Custom { sql } => format!("custom({})", lit(sql)),
    }
}

fn column_spec(c: &Column, names_: &Names, module: &str) -> String {
    let mut s = column_type(&c.ty, names_, module);
    if c.nullable {
        s.push_str(".null()");
    }
    match &c.default {
        None => {}
        Some(DefaultValue::Now) => s.push_str(".default_now()"),
        Some(DefaultValue::RandomUuid) => s.push_str(".default_random_uuid()"),
        Some(DefaultValue::Bool(b)) => s.push_str(&format!(".default_bool({b})")),
        Some(DefaultValue::Int(i)) => s.push_str(&format!(".default_int({i})")),
        Some(DefaultValue::Number(n)) => s.push_str(&format!(".default_number({})", lit(n))),
        Some(DefaultValue::Text(t)) => s.push_str(&format!(".default_text({})", lit(t))),
        Some(DefaultValue::EnumValue(v)) => s.push_str(&format!(".default_enum({})", lit(v))),
        Some(DefaultValue::Expression(e)) => s.push_str(&format!(".default_sql({})", lit(e))),
    }
    if let Some(g) = c.generated() {
        s.push_str(&format!(".generated({})", lit(g)));
    }
    if let Some(collation) = c.collation() {
        s.push_str(&format!(".collate({})", lit(&collation.to_string())));
    }
    match c.identity {
        Some(Identity::Always) => s.push_str(".identity(Identity::Always)"),
        Some(Identity::ByDefault) => s.push_str(".identity(Identity::ByDefault)"),
        None => {}
    }
    if let Some(d) = c.doc() {
        s.push_str(&format!(".doc({})", lit(d)));
    }
    s
}

fn fk_action(a: FkAction) -> &'static str {
    match a {
        FkAction::NoAction => "FkAction::NoAction",
        FkAction::Restrict => "FkAction::Restrict",
        FkAction::Cascade => "FkAction::Cascade",
        FkAction::SetNull => "FkAction::SetNull",
        FkAction::SetDefault => "FkAction::SetDefault",
    }
}

fn method(m: IndexMethod) -> String {
    format!("IndexMethod::{m:?}")
}

/// The shortest call that declares `ix`: `.index([..])` and `.unique_where([..], pred)` for
/// plain conventional ones, `.index_on(IndexSpec ...)` otherwise.
fn index_call(ix: &Index, short: &str) -> String {
    let cols: Option<Vec<Name>> = ix
        .parts
        .iter()
        .map(|p| match (&p.key, &p.opclass, p.descending) {
            (IndexKey::Column(c), None, false) => Some(c.clone()),
            _ => None,
        })
        .collect();
    let simple = ix.method == IndexMethod::Btree && ix.include.is_empty() && !ix.nulls_not_distinct;
    if let (Some(cols), true) = (cols, simple) {
        if !ix.unique && ix.predicate.is_none() && ix.name == names::index(short, &cols) {
            return format!(".index({})", list(&cols));
        }
        if ix.unique && ix.name == names::unique(short, &cols) {
            if let Some(p) = &ix.predicate {
                return format!(".unique_where({}, {})", list(&cols), lit(p));
            }
        }
    }
    format!(".index_on({})", index_spec(ix, short))
}

fn index_spec(ix: &Index, short: &str) -> String {
    let mut s = String::new();
    for (i, p) in ix.parts.iter().enumerate() {
        match (&p.key, i) {
            (IndexKey::Column(c), 0) => s.push_str(&format!("IndexSpec::columns(&[{}])", lit(c))),
            (IndexKey::Expression(e), 0) => {
                s.push_str(&format!("IndexSpec::expression({})", lit(e)))
            }
            (IndexKey::Column(c), _) => s.push_str(&format!(".then({})", lit(c))),
            (IndexKey::Expression(e), _) => s.push_str(&format!(".then_expression({})", lit(e))),
        }
        if let Some(o) = &p.opclass {
            s.push_str(&format!(".opclass({})", lit(o)));
        }
        if p.descending {
            s.push_str(".desc()");
        }
    }
    if ix.unique {
        s.push_str(".unique()");
    }
    if ix.method != IndexMethod::Btree {
        s.push_str(&format!(".method({})", method(ix.method)));
    }
    if let Some(p) = &ix.predicate {
        s.push_str(&format!(".filter({})", lit(p)));
    }
    if !ix.include.is_empty() {
        s.push_str(&format!(".include({})", slice(&ix.include)));
    }
    if ix.nulls_not_distinct {
        s.push_str(".nulls_not_distinct()");
    }
    // The name is stated unless the convention gives it (an expression's slug is never
    // assumed: the catalog may spell it otherwise).
    let cols: Option<Vec<Name>> = ix
        .parts
        .iter()
        .map(|p| match &p.key {
            IndexKey::Column(c) => Some(c.clone()),
            IndexKey::Expression(_) => None,
        })
        .collect();
    let conventional = cols.is_some_and(|cols| {
        ix.name
            == if ix.unique {
                names::unique(short, &cols)
            } else {
                names::index(short, &cols)
            }
    });
    if !conventional {
        s.push_str(&format!(".named({})", lit(&ix.name)));
    }
    s
}

/// `what` for a conventional `<table>_<what>_<suffix>` name.
fn what_of<'a, N: AsRef<str>>(
    short: &str,
    name: &'a str,
    suffix: &str,
    make: fn(&str, &str) -> N,
) -> Option<&'a str> {
    let what = name
        .strip_prefix(short)?
        .strip_prefix('_')?
        .strip_suffix(suffix)?;
    (!what.is_empty() && make(short, what).as_ref() == name).then_some(what)
}

fn table_code(
    t: &Table,
    conv: Option<&Conv>,
    tenant_tables: &BTreeSet<QName>,
    names_: &Names,
    module: &str,
) -> String {
    let short = t.name.name.as_str();
    let cl = claim_helpers(t, conv, tenant_tables, names_, module);
    let tref = names_.table(module, &t.name);
    let mut lines: Vec<String> = Vec::new();
    if let Some(doc) = &t.doc {
        lines.push(format!(".doc({})", lit(doc)));
    }
    column_lines(t, &cl, names_, module, &mut lines);
    key_lines(t, &cl, &mut lines);
    for fk in &t.foreign_keys {
        if !cl.fks.contains(&fk.name) {
            lines.push(foreign_key_call(fk, short, names_, module));
        }
    }
    for c in &t.checks {
        if cl.checks.contains(&c.name) {
            continue;
        }
        match what_of(short, &c.name, "_check", names::check) {
            Some(what) => lines.push(format!(".check({}, {})", lit(what), lit(&c.expression))),
            None => lines.push(format!(
                ".check_named({}, {})",
                lit(&c.name),
                lit(&c.expression)
            )),
        }
    }
    for ex in &t.excludes {
        lines.push(exclude_call(ex, short));
    }
    for ix in &t.indexes {
        if cl.indexes.contains(&ix.name) {
            continue;
        }
        lines.push(index_call(ix, short));
    }
    if let Some(p) = &t.partition_by {
        let keys = p.keys.clone();
        lines.push(format!(
            ".partition_by(PartitionStrategy::{:?}, {})",
            p.strategy,
            slice(&keys)
        ));
    }
    for p in &t.partitions {
        lines.push(format!(
            ".partition({}, {})",
            lit(&p.name.name),
            lit(&p.bound)
        ));
    }
    if t.rls.enabled || t.rls.forced {
        lines.push(format!(".rls({})", t.rls.forced));
    }
    for p in &t.policies {
        lines.push(policy_call(p));
    }
    for tr in &t.triggers {
        lines.push(format!(".trigger({}, {})", lit(&tr.name), lit(&tr.sql)));
    }
    if t.meta.append_only {
        lines.push(".append_only()".to_string());
    }
    let mut out = String::new();
    out.push_str(&format!("    s.table({tref})"));
    for l in lines {
        out.push_str("\n        ");
        out.push_str(&l);
    }
    out.push_str(";\n");
    out
}

/// The columns the helpers did not claim, in catalog order, with each helper's call where its
/// first column stood.
fn column_lines(t: &Table, cl: &Claimed, names_: &Names, module: &str, lines: &mut Vec<String>) {
    let mut calls = cl.calls.clone();
    calls.sort_by_key(|(p, _)| *p);
    let mut calls = calls.into_iter().peekable();
    for (i, c) in t.columns.iter().enumerate() {
        while let Some((_, call)) = calls.next_if(|(p, _)| *p <= i) {
            lines.push(call);
        }
        if !cl.columns.contains(&c.name) {
            lines.push(format!(
                ".col({}, {})",
                lit(&c.name),
                column_spec(c, names_, module)
            ));
        }
    }
    for (_, call) in calls {
        lines.push(call);
    }
}

/// The primary key and unique constraints the helpers did not claim; named only where the
/// name is not the convention's.
fn key_lines(t: &Table, cl: &Claimed, lines: &mut Vec<String>) {
    let short = t.name.name.as_str();
    if let Some(pk) = &t.primary_key {
        if !cl.primary_key {
            let cols = pk.columns.clone();
            if pk.name == names::primary_key(short) {
                lines.push(format!(".primary_key({})", list(&cols)));
            } else {
                lines.push(format!(
                    ".primary_key_named({}, {})",
                    lit(&pk.name),
                    slice(&cols)
                ));
            }
        }
    }
    for u in &t.uniques {
        if cl.uniques.contains(&u.name) {
            continue;
        }
        if u.name == names::unique(short, &u.columns) && !u.nulls_not_distinct {
            lines.push(format!(".unique({})", list(&u.columns)));
        } else {
            lines.push(format!(
                ".unique_named({}, {}, {})",
                lit(&u.name),
                slice(&u.columns),
                u.nulls_not_distinct
            ));
        }
    }
}

/// `.fk_spec(FkSpec::new(..)...)`, stating only what differs from the defaults.
fn foreign_key_call(fk: &ForeignKey, short: &str, names_: &Names, module: &str) -> String {
    let mut s = format!(
        ".fk_spec(FkSpec::new({}, {}, {})",
        slice(&fk.columns),
        names_.table(module, &fk.ref_table),
        slice(&fk.ref_columns)
    );
    if fk.name != names::foreign_key(short, &fk.columns) {
        s.push_str(&format!(".named({})", lit(&fk.name)));
    }
    if fk.on_delete != FkAction::NoAction {
        s.push_str(&format!(".on_delete({})", fk_action(fk.on_delete)));
    }
    if fk.on_update != FkAction::NoAction {
        s.push_str(&format!(".on_update({})", fk_action(fk.on_update)));
    }
    match fk.deferrable {
        Deferrable::NotDeferrable => {}
        Deferrable::InitiallyImmediate => s.push_str(".deferrable(Deferrable::InitiallyImmediate)"),
        Deferrable::InitiallyDeferred => s.push_str(".deferrable(Deferrable::InitiallyDeferred)"),
    }
    s.push(')');
    s
}

/// `.exclude(..)`, or `.exclude_named(..)` for a name that is not the convention's.
fn exclude_call(ex: &Exclude, short: &str) -> String {
    let elements = ex
        .elements
        .iter()
        .map(|e| format!("({}, {})", lit(&e.expression), lit(&e.operator)))
        .collect::<Vec<_>>()
        .join(", ");
    let predicate = match &ex.predicate {
        Some(p) => format!("Some({})", lit(p)),
        None => "None".into(),
    };
    match what_of(short, &ex.name, "_excl", names::exclude) {
        Some(what) => format!(
            ".exclude({}, {}, &[{elements}], {predicate})",
            lit(what),
            method(ex.method)
        ),
        None => format!(
            ".exclude_named({}, {}, &[{elements}], {predicate})",
            lit(&ex.name),
            method(ex.method)
        ),
    }
}

/// `.policy(name, |p| p...)`, stating only what differs from the defaults.
fn policy_call(p: &Policy) -> String {
    let mut s = String::from("|p| p");
    if p.command != PolicyCommand::All {
        s.push_str(&format!(".command(PolicyCommand::{:?})", p.command));
    }
    if !p.permissive {
        s.push_str(".restrictive()");
    }
    if !p.roles.is_empty() {
        s.push_str(&format!(".to({})", slice(&p.roles)));
    }
    if let Some(u) = &p.using {
        s.push_str(&format!(".using({})", lit(u)));
    }
    if let Some(w) = &p.with_check {
        s.push_str(&format!(".with_check({})", lit(w)));
    }
    format!(".policy({}, {s})", lit(&p.name))
}

fn module_code(
    module: &str,
    schema: &Schema,
    conv: Option<&Conv>,
    tenant_tables: &BTreeSet<QName>,
    names_: &Names,
) -> String {
    let mut out = String::new();
    let schema_name = if module == "public" {
        "public".to_string()
    } else {
        schema
            .tables
            .iter()
            .map(|t| &t.name)
            .chain(schema.enums.iter().map(|e| &e.name))
            .find(|q| module_of(q) == module)
            .and_then(|q| q.schema.as_deref())
            .unwrap_or(module)
            .to_string()
    };
    out.push_str(&format!(
        "//! The `{schema_name}` schema, as `schemactl pull` read it.\n\nuse schemactl::prelude::*;\n#[allow(unused_imports)]\nuse schemactl::model::{{ColumnType, Identity}};\n\n"
    ));
    for e in &schema.enums {
        let Some((m, c)) = names_.enums.get(&e.name) else {
            continue;
        };
        if m != module {
            continue;
        }
        let values = e
            .values
            .iter()
            .map(|v| lit(v))
            .collect::<Vec<_>>()
            .join(", ");
        match &e.name.schema {
            Some(s) if s != "public" => out.push_str(&format!(
                "pub const {c}: EnumDef = EnumDef::in_schema({}, {}, &[{values}]);\n",
                lit(s),
                lit(&e.name.name)
            )),
            _ => out.push_str(&format!(
                "pub const {c}: EnumDef = EnumDef::new({}, &[{values}]);\n",
                lit(&e.name.name)
            )),
        }
    }
    for t in &schema.tables {
        let Some((m, c)) = names_.tables.get(&t.name) else {
            continue;
        };
        if m != module {
            continue;
        }
        match &t.name.schema {
            Some(s) if s != "public" => out.push_str(&format!(
                "pub const {c}: TableRef = TableRef::in_schema({}, {});\n",
                lit(s),
                lit(&t.name.name)
            )),
            _ => out.push_str(&format!(
                "pub const {c}: TableRef = TableRef::new({});\n",
                lit(&t.name.name)
            )),
        }
    }
    out.push_str(
        "\n/// Declares this schema's enums and tables.\npub fn declare(s: &mut SchemaBuilder) {\n",
    );
    if module != "public" {
        out.push_str(&format!("    s.domain({});\n", lit(module)));
    }
    for e in &schema.enums {
        if names_.enums.get(&e.name).is_some_and(|(m, _)| m == module) {
            // Registered even when no column uses it.
            out.push_str(&format!(
                "    s.enumeration({});\n",
                names_.enumeration(module, &e.name).unwrap_or_default()
            ));
        }
    }
    for t in &schema.tables {
        if module_of(&t.name) == module {
            out.push('\n');
            out.push_str(&table_code(t, conv, tenant_tables, names_, module));
        }
    }
    out.push_str("}\n");
    out
}

fn table_ref_expr(q: &QName) -> String {
    match &q.schema {
        Some(s) if s != "public" => format!("TableRef::in_schema({}, {})", lit(s), lit(&q.name)),
        _ => format!("TableRef::new({})", lit(&q.name)),
    }
}

/// The crate's files (relative path, text), in a stable order.
pub fn pull(schema: &Schema, opts: &PullOptions) -> Result<Vec<(String, String)>, Diagnostics> {
    if schema.tables.is_empty() && schema.enums.is_empty() {
        return Err(Diagnostic::error(
            "pull::empty",
            format!("{} holds no tables or types to write", opts.source),
        )
        .help("check the database URL (or the SQL file): pull reads the tables of every schema but the system ones")
        .into());
    }
    // A database enforces an append-only table with triggers (and PostgreSQL a function); the
    // DSL says it with `.append_only()`.
    let folded = opts.dialect.dialect().fold(schema);
    let schema = &*folded;
    let lib = opts.crate_name.replace('-', "_");
    let names_ = Names::new(schema);
    let conv = detect_conventions(schema);
    let tenant_tables: BTreeSet<QName> = match &conv {
        Some(c) => schema
            .tables
            .iter()
            .filter(|t| tenant_scoped_shape(t, c))
            .map(|t| t.name.clone())
            .collect(),
        None => BTreeSet::new(),
    };
    let modules: BTreeSet<String> = schema
        .tables
        .iter()
        .map(|t| module_of(&t.name))
        .chain(schema.enums.iter().map(|e| module_of(&e.name)))
        .collect();
    let mut files = project_files(opts);
    files.push((
        "src/lib.rs".to_string(),
        lib_code(schema, opts, conv.as_ref(), &modules),
    ));
    files.push((
        "src/main.rs".to_string(),
        format!(
            "//! `cargo schemactl <command>`: schemactl's CLI over this crate's schema.\n\nfn main() -> std::process::ExitCode {{\n    schemactl::cli::main_with_schema({lib}::build)\n}}\n"
        ),
    ));
    for m in &modules {
        files.push((
            format!("src/{m}.rs"),
            module_code(m, schema, conv.as_ref(), &tenant_tables, &names_),
        ));
    }
    Ok(files)
}

/// `Cargo.toml`, the `cargo schemactl` alias and `schemactl.yaml`.
fn project_files(opts: &PullOptions) -> Vec<(String, String)> {
    let dialect = match opts.dialect {
        DialectKind::Postgres => "postgres",
        DialectKind::Sqlite => "sqlite",
    };
    vec![
        (
            "Cargo.toml".to_string(),
            format!(
                "[package]\nname = \"{}\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n[lib]\npath = \"src/lib.rs\"\n\n[[bin]]\nname = \"{}\"\npath = \"src/main.rs\"\n\n[dependencies]\nschemactl = {}\n\n# A workspace of its own; make it a member of yours by removing this table.\n[workspace]\n",
                opts.crate_name, opts.crate_name, opts.schemactl_dependency
            ),
        ),
        (
            ".cargo/config.toml".to_string(),
            format!(
                "[alias]\nschemactl = \"run --quiet --bin {} --\"\n",
                opts.crate_name
            ),
        ),
        (
            "schemactl.yaml".to_string(),
            format!("migrations: migrations\ndialect: {dialect}\n"),
        ),
    ]
}

/// `src/lib.rs`: the modules, and `build()` with the conventions and the schema-wide objects.
fn lib_code(
    schema: &Schema,
    opts: &PullOptions,
    conv: Option<&Conv>,
    modules: &BTreeSet<String>,
) -> String {
    let mut lib_rs = format!(
        "//! The schema, declared in schemactl's DSL. Written by `schemactl pull` from {}; from\n//! here on this crate is the source of truth: edit it, then `cargo schemactl generate`.\n\nuse schemactl::prelude::*;\n\n",
        opts.source.replace('\n', " ")
    );
    for m in modules {
        lib_rs.push_str(&format!("pub mod {m};\n"));
    }
    lib_rs.push_str("\n/// Builds the schema: every module's tables and types.\npub fn build() -> Result<Schema, Diagnostics> {\n");
    match conv {
        Some(c) => {
            let (tc, root) = match &c.tenant {
                Some((tc, root)) => (tc.clone(), table_ref_expr(root)),
                None => (
                    "tenant_id".to_string(),
                    "TableRef::new(\"tenants\")".to_string(),
                ),
            };
            lib_rs.push_str(&format!(
                "    let mut s = SchemaBuilder::with_conventions(Conventions {{\n        tenant_column: {},\n        tenant_table: {root},\n        user_table: {},\n        subject_table: TableRef::new(\"subjects\"),\n        uuid_keys: {},\n    }});\n",
                lit(&tc),
                table_ref_expr(&c.user_table),
                c.uuid_keys
            ));
        }
        None => lib_rs.push_str("    let mut s = SchemaBuilder::new();\n"),
    }
    for e in &schema.extensions {
        lib_rs.push_str(&format!("    s.extension({});\n", lit(&e.name)));
    }
    for n in &schema.namespaces {
        lib_rs.push_str(&format!(
            "    s.namespace({}, {});\n",
            lit(&n.name),
            lit(n.doc.as_deref().unwrap_or(""))
        ));
    }
    for ct in &schema.custom_types {
        lib_rs.push_str(&format!(
            "    s.custom_type({}, CustomTypeKind::{:?}, {});\n",
            lit(&ct.name.to_string()),
            ct.kind,
            lit(&ct.definition)
        ));
    }
    for f in &schema.functions {
        lib_rs.push_str(&format!(
            "    s.function({}, {});\n",
            lit(&f.name.to_string()),
            lit(&f.sql)
        ));
    }
    for m in modules {
        lib_rs.push_str(&format!("    {m}::declare(&mut s);\n"));
    }
    // Views come after every table, in the order they were created.
    for v in &schema.views {
        lib_rs.push_str(&format!(
            "    s.view({}, {});\n",
            lit(&v.name.to_string()),
            lit(v.statement())
        ));
    }
    lib_rs.push_str("    s.build()\n}\n");
    lib_rs
}

/// Writes `files` into `out`, which must not exist or be empty: built in a temporary sibling
/// and renamed into place, so the crate is all there or not at all.
pub fn write_files(files: &[(String, String)], out: &Path, what: &str) -> Result<(), Diagnostics> {
    if out.exists() {
        let non_empty = std::fs::read_dir(out)
            .map(|mut r| r.next().is_some())
            .unwrap_or(true);
        if !out.is_dir() || non_empty {
            return Err(Diagnostic::error(
                format!("{what}::target-not-empty"),
                format!(
                    "`{}` already exists and is not an empty folder",
                    out.display()
                ),
            )
            .help("name a new folder (or an empty one); nothing was written")
            .into());
        }
    }
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|e| crate::migrate::io_error(parent, &e))?;
    let tmp: PathBuf = parent.join(format!(
        ".{}.{what}-{}",
        out.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&tmp);
    let result = (|| -> Result<(), Diagnostics> {
        for (rel, text) in files {
            let path = tmp.join(rel);
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(|e| crate::migrate::io_error(dir, &e))?;
            }
            crate::migrate::write_atomic(&path, text.as_bytes())
                .map_err(|e| crate::migrate::io_error(&path, &e))?;
        }
        if !out.exists() {
            return std::fs::rename(&tmp, out).map_err(|e| crate::migrate::io_error(out, &e));
        }
        // An empty folder that exists (`.`, say): its entries move in one by one, and go
        // again if one cannot.
        let mut moved = Vec::new();
        for entry in std::fs::read_dir(&tmp).map_err(|e| crate::migrate::io_error(&tmp, &e))? {
            let entry = entry.map_err(|e| crate::migrate::io_error(&tmp, &e))?;
            let to = out.join(entry.file_name());
            if let Err(e) = std::fs::rename(entry.path(), &to) {
                for m in &moved {
                    let _ = std::fs::remove_dir_all(m).or_else(|_| std::fs::remove_file(m));
                }
                return Err(crate::migrate::io_error(&to, &e));
            }
            moved.push(to);
        }
        let _ = std::fs::remove_dir(&tmp);
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_and_literals_are_valid_rust() {
        assert_eq!(ident("platform"), "platform");
        assert_eq!(ident("type"), "type_schema");
        assert_eq!(ident("2fa"), "m_2fa");
        assert_eq!(constant("audit-log"), "AUDIT_LOG");
        assert_eq!(lit("a\"b"), "\"a\\\"b\"");
        assert_eq!(lit("x\ny"), "r#\"x\ny\"#");
        assert_eq!(lit("x\n\"#y"), "r##\"x\n\"#y\"##");
        assert_eq!(strip_outer_parens("((a) AND (b))"), "(a) AND (b)");
        assert_eq!(strip_outer_parens("(a) AND (b)"), "(a) AND (b)");
    }
}
