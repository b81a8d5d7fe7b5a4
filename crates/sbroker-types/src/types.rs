//! SQL Server data types (`SqlType`) as the interpreter declares and casts them.

use std::fmt;

use crate::ServerError;

/// Length of a variable-length type: a number of characters/bytes, or `MAX`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StrLen {
    /// A fixed maximum (1..=8000 for bytes, 1..=4000 for nvarchar).
    Len(u32),
    /// `MAX` (up to 2 GB).
    Max,
}

impl StrLen {
    /// The length limit as a number, `None` for `MAX`.
    pub fn limit(self) -> Option<usize> {
        match self {
            StrLen::Len(n) => Some(n as usize),
            StrLen::Max => None,
        }
    }
}

impl fmt::Display for StrLen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StrLen::Len(n) => write!(f, "{n}"),
            StrLen::Max => f.write_str("max"),
        }
    }
}

/// An argument of a type name as written in T-SQL: `varchar(10)`, `nvarchar(MAX)`, `decimal(10, 2)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeArg {
    /// A number.
    Number(i64),
    /// The keyword `MAX`.
    Max,
}

/// A SQL Server data type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SqlType {
    /// `bit`.
    Bit,
    /// `tinyint` (0..=255).
    TinyInt,
    /// `smallint`.
    SmallInt,
    /// `int`.
    Int,
    /// `bigint`.
    BigInt,
    /// `decimal(p, s)`.
    Decimal {
        /// Precision, 1..=38.
        precision: u8,
        /// Scale, 0..=precision.
        scale: u8,
    },
    /// `numeric(p, s)` (same as decimal).
    Numeric {
        /// Precision, 1..=38.
        precision: u8,
        /// Scale, 0..=precision.
        scale: u8,
    },
    /// `float` (8 bytes).
    Float,
    /// `real` (4 bytes).
    Real,
    /// `money`, handled as `decimal(19, 4)`.
    Money,
    /// `char(n)`, blank padded.
    Char(u32),
    /// `varchar(n | max)`.
    VarChar(StrLen),
    /// `nchar(n)`, blank padded.
    NChar(u32),
    /// `nvarchar(n | max)`.
    NVarChar(StrLen),
    /// `binary(n)`, zero padded.
    Binary(u32),
    /// `varbinary(n | max)`.
    VarBinary(StrLen),
    /// `uniqueidentifier`.
    UniqueIdentifier,
    /// `xml` (untyped).
    Xml,
    /// `date`.
    Date,
    /// `time` (always with 7 fractional digits).
    Time,
    /// `datetime` (1/300 s precision, 1753..9999).
    DateTime,
    /// `datetime2(scale)`.
    DateTime2(u8),
    /// `smalldatetime` (minute precision).
    SmallDateTime,
    /// `sysname` = `nvarchar(128)`.
    Sysname,
}

/// Length SQL Server uses for `CAST(x AS varchar)` / `CONVERT(nvarchar, x)` without a length (30).
/// A `DECLARE @v nvarchar` without a length means 1 instead.
pub fn default_len_for_cast() -> u32 {
    30
}

impl SqlType {
    /// Resolves a type name with its arguments, for a declaration (`DECLARE`, columns, parameters):
    /// a missing length means 1. Names are case-insensitive; `integer`, `sysname`,
    /// `character varying`-style spellings are not needed, but `integer`, `dec`, `smallmoney`,
    /// `text`, `ntext`, `image`, `rowversion`/`timestamp` are mapped to their closest type.
    pub fn from_name(name: &str, args: &[TypeArg]) -> Result<SqlType, ServerError> {
        Self::resolve(name, args, 1)
    }

    /// Resolves a type name as the target of `CAST`/`CONVERT`: a missing length means 30.
    pub fn from_name_for_cast(name: &str, args: &[TypeArg]) -> Result<SqlType, ServerError> {
        Self::resolve(name, args, default_len_for_cast())
    }

    fn resolve(name: &str, args: &[TypeArg], default_len: u32) -> Result<SqlType, ServerError> {
        let lower = name.trim().to_ascii_lowercase();
        let lower = lower.trim_start_matches('[').trim_end_matches(']');
        let lower = lower.strip_prefix("sys.").unwrap_or(lower);
        let no_args = |t: SqlType| -> Result<SqlType, ServerError> {
            if args.is_empty() {
                Ok(t)
            } else {
                Err(ServerError::new(
                    2716,
                    format!(
                        "Column, parameter, or variable #1: Cannot specify a column width on data type {lower}."
                    ),
                ))
            }
        };
        match lower {
            "bit" => no_args(SqlType::Bit),
            "tinyint" => no_args(SqlType::TinyInt),
            "smallint" => no_args(SqlType::SmallInt),
            "int" | "integer" => no_args(SqlType::Int),
            "bigint" => no_args(SqlType::BigInt),
            "float" => match args {
                [] => Ok(SqlType::Float),
                [TypeArg::Number(n)] if (1..=24).contains(n) => Ok(SqlType::Real),
                [TypeArg::Number(n)] if (25..=53).contains(n) => Ok(SqlType::Float),
                _ => Err(ServerError::new(
                    2750,
                    "Column or parameter #1: Specified column precision is invalid for data type float."
                        .to_string(),
                )),
            },
            "real" => no_args(SqlType::Real),
            "money" => no_args(SqlType::Money),
            "smallmoney" => no_args(SqlType::Decimal { precision: 10, scale: 4 }),
            "decimal" | "dec" | "numeric" => {
                let (precision, scale) = match args {
                    [] => (18, 0),
                    [p] => (number_arg(lower, *p)?, 0),
                    [p, s] => (number_arg(lower, *p)?, number_arg(lower, *s)?),
                    _ => return Err(bad_arg_count(lower)),
                };
                if !(1..=38).contains(&precision) {
                    return Err(ServerError::new(
                        2750,
                        format!(
                            "Column or parameter #1: Specified column precision {precision} is greater than the maximum precision of 38."
                        ),
                    ));
                }
                if scale > precision {
                    return Err(ServerError::new(
                        2751,
                        format!(
                            "Column or parameter #1: Specified column scale {scale} is greater than the specified precision of {precision}."
                        ),
                    ));
                }
                let (precision, scale) = (precision as u8, scale as u8);
                if lower == "numeric" {
                    Ok(SqlType::Numeric { precision, scale })
                } else {
                    Ok(SqlType::Decimal { precision, scale })
                }
            }
            "char" | "character" => Ok(SqlType::Char(fixed_len(lower, args, default_len, 8000)?)),
            "nchar" => Ok(SqlType::NChar(fixed_len(lower, args, default_len, 4000)?)),
            "binary" => Ok(SqlType::Binary(fixed_len(lower, args, default_len, 8000)?)),
            "varchar" => Ok(SqlType::VarChar(var_len(lower, args, default_len, 8000)?)),
            "nvarchar" => Ok(SqlType::NVarChar(var_len(lower, args, default_len, 4000)?)),
            "varbinary" => Ok(SqlType::VarBinary(var_len(lower, args, default_len, 8000)?)),
            "text" => no_args(SqlType::VarChar(StrLen::Max)),
            "ntext" => no_args(SqlType::NVarChar(StrLen::Max)),
            "image" => no_args(SqlType::VarBinary(StrLen::Max)),
            "rowversion" | "timestamp" => no_args(SqlType::Binary(8)),
            "uniqueidentifier" => no_args(SqlType::UniqueIdentifier),
            "xml" => no_args(SqlType::Xml),
            "date" => no_args(SqlType::Date),
            "time" => match args {
                [] => Ok(SqlType::Time),
                [TypeArg::Number(n)] if (0..=7).contains(n) => Ok(SqlType::Time),
                _ => Err(bad_scale(lower)),
            },
            "datetime" => no_args(SqlType::DateTime),
            "smalldatetime" => no_args(SqlType::SmallDateTime),
            "datetime2" => match args {
                [] => Ok(SqlType::DateTime2(7)),
                [TypeArg::Number(n)] if (0..=7).contains(n) => Ok(SqlType::DateTime2(*n as u8)),
                _ => Err(bad_scale(lower)),
            },
            "sysname" => no_args(SqlType::Sysname),
            _ => Err(ServerError::new(243, format!("Type {} is not a defined system type.", name.trim()))),
        }
    }

    /// Lowercase SQL type name for JSON column metadata (`sysname` → `nvarchar`, `money` → `money`).
    pub fn json_type_name(&self) -> &'static str {
        match self {
            SqlType::Bit => "bit",
            SqlType::TinyInt => "tinyint",
            SqlType::SmallInt => "smallint",
            SqlType::Int => "int",
            SqlType::BigInt => "bigint",
            SqlType::Decimal { .. } => "decimal",
            SqlType::Numeric { .. } => "numeric",
            SqlType::Float => "float",
            SqlType::Real => "real",
            SqlType::Money => "money",
            SqlType::Char(_) => "char",
            SqlType::VarChar(_) => "varchar",
            SqlType::NChar(_) => "nchar",
            SqlType::NVarChar(_) | SqlType::Sysname => "nvarchar",
            SqlType::Binary(_) => "binary",
            SqlType::VarBinary(_) => "varbinary",
            SqlType::UniqueIdentifier => "uniqueidentifier",
            SqlType::Xml => "xml",
            SqlType::Date => "date",
            SqlType::Time => "time",
            SqlType::DateTime => "datetime",
            SqlType::DateTime2(_) => "datetime2",
            SqlType::SmallDateTime => "smalldatetime",
        }
    }

    /// Data type precedence as in SQL Server: a higher number wins in mixed expressions.
    pub fn precedence(&self) -> u8 {
        match self {
            SqlType::Xml => 30,
            SqlType::DateTime2(_) => 28,
            SqlType::DateTime => 27,
            SqlType::SmallDateTime => 26,
            SqlType::Date => 25,
            SqlType::Time => 24,
            SqlType::Float => 23,
            SqlType::Real => 22,
            SqlType::Decimal { .. } | SqlType::Numeric { .. } => 21,
            SqlType::Money => 20,
            SqlType::BigInt => 18,
            SqlType::Int => 17,
            SqlType::SmallInt => 16,
            SqlType::TinyInt => 15,
            SqlType::Bit => 14,
            SqlType::UniqueIdentifier => 10,
            SqlType::NVarChar(_) | SqlType::Sysname => 9,
            SqlType::NChar(_) => 8,
            SqlType::VarChar(_) => 7,
            SqlType::Char(_) => 6,
            SqlType::VarBinary(_) => 5,
            SqlType::Binary(_) => 4,
        }
    }

    /// True for char/varchar/nchar/nvarchar/sysname.
    pub fn is_string(&self) -> bool {
        matches!(
            self,
            SqlType::Char(_)
                | SqlType::VarChar(_)
                | SqlType::NChar(_)
                | SqlType::NVarChar(_)
                | SqlType::Sysname
        )
    }

    /// True for nchar/nvarchar/sysname.
    pub fn is_unicode(&self) -> bool {
        matches!(
            self,
            SqlType::NChar(_) | SqlType::NVarChar(_) | SqlType::Sysname
        )
    }

    /// True for binary/varbinary.
    pub fn is_binary(&self) -> bool {
        matches!(self, SqlType::Binary(_) | SqlType::VarBinary(_))
    }

    /// True for the exact and approximate numeric types (including bit and money).
    pub fn is_numeric(&self) -> bool {
        matches!(
            self,
            SqlType::Bit
                | SqlType::TinyInt
                | SqlType::SmallInt
                | SqlType::Int
                | SqlType::BigInt
                | SqlType::Decimal { .. }
                | SqlType::Numeric { .. }
                | SqlType::Float
                | SqlType::Real
                | SqlType::Money
        )
    }

    /// True for date, time, datetime, datetime2 and smalldatetime.
    pub fn is_temporal(&self) -> bool {
        matches!(
            self,
            SqlType::Date
                | SqlType::Time
                | SqlType::DateTime
                | SqlType::DateTime2(_)
                | SqlType::SmallDateTime
        )
    }

    /// Maximum length in characters (strings) or bytes (binary); `None` for MAX or non-length types.
    pub fn max_len(&self) -> Option<usize> {
        match self {
            SqlType::Char(n) | SqlType::NChar(n) | SqlType::Binary(n) => Some(*n as usize),
            SqlType::VarChar(l) | SqlType::NVarChar(l) | SqlType::VarBinary(l) => l.limit(),
            SqlType::Sysname => Some(128),
            _ => None,
        }
    }
}

fn number_arg(name: &str, arg: TypeArg) -> Result<i64, ServerError> {
    match arg {
        TypeArg::Number(n) if n >= 0 => Ok(n),
        _ => Err(bad_arg_count(name)),
    }
}

fn bad_arg_count(name: &str) -> ServerError {
    ServerError::new(
        2716,
        format!(
            "Column, parameter, or variable #1: Cannot specify a column width on data type {name}."
        ),
    )
}

fn bad_scale(name: &str) -> ServerError {
    ServerError::new(
        1002,
        format!("Line 1: Specified scale is invalid for data type {name}."),
    )
}

fn len_value(name: &str, n: i64, max: u32) -> Result<u32, ServerError> {
    if n <= 0 {
        return Err(ServerError::new(
            1001,
            format!("Line 1: Length or precision specification {n} is invalid."),
        ));
    }
    if n > max as i64 {
        return Err(ServerError::new(
            131,
            format!(
                "The size ({n}) given to the type '{name}' exceeds the maximum allowed for any data type ({max})."
            ),
        ));
    }
    Ok(n as u32)
}

fn fixed_len(name: &str, args: &[TypeArg], default_len: u32, max: u32) -> Result<u32, ServerError> {
    match args {
        [] => Ok(default_len),
        [TypeArg::Number(n)] => len_value(name, *n, max),
        [TypeArg::Max] => Err(ServerError::new(
            2716,
            format!(
                "Column, parameter, or variable #1: Cannot specify a column width on data type {name}."
            ),
        )),
        _ => Err(bad_arg_count(name)),
    }
}

fn var_len(
    name: &str,
    args: &[TypeArg],
    default_len: u32,
    max: u32,
) -> Result<StrLen, ServerError> {
    match args {
        [] => Ok(StrLen::Len(default_len)),
        [TypeArg::Max] => Ok(StrLen::Max),
        [TypeArg::Number(n)] => Ok(StrLen::Len(len_value(name, *n, max)?)),
        _ => Err(bad_arg_count(name)),
    }
}

impl fmt::Display for SqlType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SqlType::Decimal { precision, scale } => write!(f, "decimal({precision},{scale})"),
            SqlType::Numeric { precision, scale } => write!(f, "numeric({precision},{scale})"),
            SqlType::Char(n) => write!(f, "char({n})"),
            SqlType::VarChar(l) => write!(f, "varchar({l})"),
            SqlType::NChar(n) => write!(f, "nchar({n})"),
            SqlType::NVarChar(l) => write!(f, "nvarchar({l})"),
            SqlType::Binary(n) => write!(f, "binary({n})"),
            SqlType::VarBinary(l) => write!(f, "varbinary({l})"),
            SqlType::DateTime2(s) => write!(f, "datetime2({s})"),
            SqlType::Sysname => f.write_str("sysname"),
            other => f.write_str(other.json_type_name()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_resolve_case_insensitively() {
        assert_eq!(SqlType::from_name("INT", &[]).unwrap(), SqlType::Int);
        assert_eq!(SqlType::from_name("Integer", &[]).unwrap(), SqlType::Int);
        assert_eq!(
            SqlType::from_name("NVARCHAR", &[TypeArg::Max]).unwrap(),
            SqlType::NVarChar(StrLen::Max)
        );
        assert_eq!(
            SqlType::from_name("nvarchar", &[]).unwrap(),
            SqlType::NVarChar(StrLen::Len(1))
        );
        assert_eq!(
            SqlType::from_name_for_cast("nvarchar", &[]).unwrap(),
            SqlType::NVarChar(StrLen::Len(30))
        );
        assert_eq!(
            SqlType::from_name("decimal", &[TypeArg::Number(10), TypeArg::Number(2)]).unwrap(),
            SqlType::Decimal {
                precision: 10,
                scale: 2
            }
        );
        assert_eq!(
            SqlType::from_name("decimal", &[]).unwrap(),
            SqlType::Decimal {
                precision: 18,
                scale: 0
            }
        );
        assert_eq!(
            SqlType::from_name("sysname", &[]).unwrap(),
            SqlType::Sysname
        );
        assert_eq!(
            SqlType::from_name("datetime2", &[]).unwrap(),
            SqlType::DateTime2(7)
        );
        assert_eq!(
            SqlType::from_name("[varbinary]", &[TypeArg::Number(16)]).unwrap(),
            SqlType::VarBinary(StrLen::Len(16))
        );
    }

    #[test]
    fn bad_names_and_args_error() {
        assert_eq!(SqlType::from_name("foo", &[]).unwrap_err().number, 243);
        assert_eq!(
            SqlType::from_name("varchar", &[TypeArg::Number(9000)])
                .unwrap_err()
                .number,
            131
        );
        assert_eq!(
            SqlType::from_name("varchar", &[TypeArg::Number(0)])
                .unwrap_err()
                .number,
            1001
        );
        assert_eq!(
            SqlType::from_name("decimal", &[TypeArg::Number(40)])
                .unwrap_err()
                .number,
            2750
        );
        assert_eq!(
            SqlType::from_name("decimal", &[TypeArg::Number(3), TypeArg::Number(5)])
                .unwrap_err()
                .number,
            2751
        );
        assert_eq!(
            SqlType::from_name("int", &[TypeArg::Number(3)])
                .unwrap_err()
                .number,
            2716
        );
    }

    #[test]
    fn display_and_json_names() {
        assert_eq!(SqlType::NVarChar(StrLen::Max).to_string(), "nvarchar(max)");
        assert_eq!(
            SqlType::Decimal {
                precision: 10,
                scale: 2
            }
            .to_string(),
            "decimal(10,2)"
        );
        assert_eq!(
            SqlType::VarBinary(StrLen::Len(16)).to_string(),
            "varbinary(16)"
        );
        assert_eq!(SqlType::Int.to_string(), "int");
        assert_eq!(SqlType::Sysname.to_string(), "sysname");
        assert_eq!(SqlType::Sysname.json_type_name(), "nvarchar");
        assert_eq!(
            SqlType::UniqueIdentifier.json_type_name(),
            "uniqueidentifier"
        );
        assert_eq!(SqlType::NChar(3).json_type_name(), "nchar");
        assert_eq!(SqlType::DateTime.json_type_name(), "datetime");
    }
}
