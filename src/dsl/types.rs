//! Column type constructors and the column spec they start.

use crate::model::{ColumnType, DefaultValue, Identity, Name, QName, RangeKind};

/// An enum type declared as a Rust constant; using it in a column registers it in the schema,
/// so there is no separate list of enums to keep in sync.
#[derive(Debug, Clone, Copy)]
pub struct EnumDef {
    pub schema: Option<&'static str>,
    pub name: &'static str,
    pub values: &'static [&'static str],
}

impl EnumDef {
    pub const fn new(name: &'static str, values: &'static [&'static str]) -> Self {
        EnumDef {
            schema: None,
            name,
            values,
        }
    }

    pub const fn in_schema(
        schema: &'static str,
        name: &'static str,
        values: &'static [&'static str],
    ) -> Self {
        EnumDef {
            schema: Some(schema),
            name,
            values,
        }
    }

    pub fn qname(&self) -> QName {
        QName {
            schema: self.schema.map(Name::from),
            name: self.name.into(),
        }
    }
}

/// A column as declared: its type and options. Columns are NOT NULL unless `.null()` is said.
#[derive(Debug, Clone)]
pub struct ColumnSpec {
    pub(crate) ty: ColumnType,
    pub(crate) enum_def: Option<EnumDef>,
    pub(crate) nullable: bool,
    pub(crate) default: Option<DefaultValue>,
    pub(crate) generated: Option<String>,
    pub(crate) collation: Option<String>,
    pub(crate) identity: Option<Identity>,
    pub(crate) doc: Option<String>,
    pub(crate) unique: bool,
    pub(crate) renamed_from: Option<String>,
}

impl ColumnSpec {
    pub fn of(ty: ColumnType) -> Self {
        ColumnSpec {
            ty,
            enum_def: None,
            nullable: false,
            default: None,
            generated: None,
            collation: None,
            identity: None,
            doc: None,
            unique: false,
            renamed_from: None,
        }
    }

    /// Allows NULL.
    pub fn null(mut self) -> Self {
        self.nullable = true;
        self
    }

    pub fn default(mut self, value: DefaultValue) -> Self {
        self.default = Some(value);
        self
    }

    pub fn default_now(self) -> Self {
        self.default(DefaultValue::Now)
    }

    pub fn default_random_uuid(self) -> Self {
        self.default(DefaultValue::RandomUuid)
    }

    pub fn default_bool(self, v: bool) -> Self {
        self.default(DefaultValue::Bool(v))
    }

    pub fn default_int(self, v: i64) -> Self {
        self.default(DefaultValue::Int(v))
    }

    /// A decimal literal such as `"0.00"`.
    pub fn default_number(self, v: &str) -> Self {
        self.default(DefaultValue::Number(v.to_string()))
    }

    pub fn default_text(self, v: &str) -> Self {
        self.default(DefaultValue::Text(v.to_string()))
    }

    /// A label of this column's enum.
    pub fn default_enum(self, v: &str) -> Self {
        self.default(DefaultValue::EnumValue(v.to_string()))
    }

    /// Any SQL expression.
    pub fn default_sql(self, expr: &str) -> Self {
        self.default(DefaultValue::Expression(expr.to_string()))
    }

    /// `GENERATED ALWAYS AS (expr) STORED`.
    pub fn generated(mut self, expr: &str) -> Self {
        self.generated = Some(expr.to_string());
        self
    }

    /// `COLLATE <collation>`: `"C"`, `"und-x-icu"`, or `"app.case_insensitive"` for one of a
    /// schema's own (see `CREATE COLLATION`). SQLite has `"NOCASE"`, `"RTRIM"` and `"BINARY"`.
    pub fn collate(mut self, collation: &str) -> Self {
        self.collation = Some(collation.to_string());
        self
    }

    pub fn identity(mut self, kind: Identity) -> Self {
        self.identity = Some(kind);
        self
    }

    pub fn doc(mut self, doc: &str) -> Self {
        self.doc = Some(doc.to_string());
        self
    }

    /// Adds a single-column unique constraint `<table>_<col>_unique`.
    pub fn unique(mut self) -> Self {
        self.unique = true;
        self
    }

    /// The column's previous name: a diff renames it instead of dropping and adding.
    pub fn renamed_from(mut self, old: &str) -> Self {
        self.renamed_from = Some(old.to_string());
        self
    }
}

pub fn text() -> ColumnSpec {
    ColumnSpec::of(ColumnType::Text)
}
pub fn varchar(length: u32) -> ColumnSpec {
    ColumnSpec::of(ColumnType::Varchar { length })
}
pub fn char_(length: u32) -> ColumnSpec {
    ColumnSpec::of(ColumnType::Char { length })
}
pub fn smallint() -> ColumnSpec {
    ColumnSpec::of(ColumnType::SmallInt)
}
pub fn integer() -> ColumnSpec {
    ColumnSpec::of(ColumnType::Integer)
}
pub fn bigint() -> ColumnSpec {
    ColumnSpec::of(ColumnType::BigInt)
}
pub fn boolean() -> ColumnSpec {
    ColumnSpec::of(ColumnType::Boolean)
}
pub fn numeric(precision: u32, scale: u32) -> ColumnSpec {
    ColumnSpec::of(ColumnType::Numeric {
        precision: Some(precision),
        scale: Some(scale),
    })
}
/// Money: `numeric(12,2)`, never a float.
pub fn money() -> ColumnSpec {
    numeric(12, 2)
}
pub fn real() -> ColumnSpec {
    ColumnSpec::of(ColumnType::Real)
}
pub fn double() -> ColumnSpec {
    ColumnSpec::of(ColumnType::Double)
}
pub fn uuid() -> ColumnSpec {
    ColumnSpec::of(ColumnType::Uuid)
}
pub fn json() -> ColumnSpec {
    ColumnSpec::of(ColumnType::Json)
}
pub fn jsonb() -> ColumnSpec {
    ColumnSpec::of(ColumnType::Jsonb)
}
pub fn timestamptz() -> ColumnSpec {
    ColumnSpec::of(ColumnType::Timestamptz)
}
pub fn timestamp() -> ColumnSpec {
    ColumnSpec::of(ColumnType::Timestamp)
}
pub fn date() -> ColumnSpec {
    ColumnSpec::of(ColumnType::Date)
}
pub fn time() -> ColumnSpec {
    ColumnSpec::of(ColumnType::Time)
}
pub fn interval() -> ColumnSpec {
    ColumnSpec::of(ColumnType::Interval)
}
pub fn bytea() -> ColumnSpec {
    ColumnSpec::of(ColumnType::Bytea)
}
pub fn inet() -> ColumnSpec {
    ColumnSpec::of(ColumnType::Inet)
}
pub fn array(element: ColumnSpec) -> ColumnSpec {
    ColumnSpec::of(ColumnType::Array {
        element: Box::new(element.ty),
    })
}
pub fn range(range: RangeKind) -> ColumnSpec {
    ColumnSpec::of(ColumnType::Range { range })
}
pub fn tstzrange() -> ColumnSpec {
    range(RangeKind::Tstz)
}
/// A column of a declared enum type; the enum is registered on first use.
pub fn enum_of(def: EnumDef) -> ColumnSpec {
    let mut spec = ColumnSpec::of(ColumnType::Enum {
        name: Box::new(def.qname()),
    });
    spec.enum_def = Some(def);
    spec
}
/// Any type the model does not name, spelled verbatim.
pub fn custom(sql: &str) -> ColumnSpec {
    ColumnSpec::of(ColumnType::Custom {
        sql: sql.to_string(),
    })
}
