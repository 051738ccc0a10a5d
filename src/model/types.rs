use super::QName;
use serde::{Deserialize, Serialize};

/// A column type, named the way the model thinks of it; each dialect spells it its own way.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum ColumnType {
    Text,
    Varchar {
        length: u32,
    },
    Char {
        length: u32,
    },
    SmallInt,
    Integer,
    BigInt,
    Boolean,
    Numeric {
        precision: Option<u32>,
        scale: Option<u32>,
    },
    Real,
    Double,
    Uuid,
    Json,
    Jsonb,
    Timestamptz,
    Timestamp,
    Date,
    Time,
    Interval,
    Bytea,
    Inet,
    Array {
        element: Box<ColumnType>,
    },
    Range {
        range: RangeKind,
    },
    /// A declared enum type. Boxed: most columns are not enums, and the name would double
    /// the size of every column's type.
    Enum {
        name: Box<QName>,
    },
    /// Any other type, spelled verbatim (a domain, `citext`, `tsvector`, ...).
    Custom {
        sql: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RangeKind {
    Int4,
    Int8,
    Num,
    Ts,
    Tstz,
    Date,
}

impl RangeKind {
    pub fn pg_name(self) -> &'static str {
        match self {
            RangeKind::Int4 => "int4range",
            RangeKind::Int8 => "int8range",
            RangeKind::Num => "numrange",
            RangeKind::Ts => "tsrange",
            RangeKind::Tstz => "tstzrange",
            RangeKind::Date => "daterange",
        }
    }
}

impl ColumnType {
    /// Two types an FK may join: the same type, where text and varchar count as one family.
    pub fn fk_compatible(&self, other: &ColumnType) -> bool {
        use ColumnType::*;
        let family = |t: &ColumnType| match t {
            Text | Varchar { .. } => 1,
            SmallInt | Integer | BigInt => 2,
            _ => 0,
        };
        self == other || (family(self) != 0 && family(self) == family(other))
    }

    /// True for the float types that must never hold money.
    pub fn is_float(&self) -> bool {
        matches!(self, ColumnType::Real | ColumnType::Double)
    }
}
