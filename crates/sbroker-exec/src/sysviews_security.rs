//! Security catalog views: certificates, keys, signatures, remote service bindings (per
//! database) and logins, endpoints and server permissions (per instance).

use sbroker_engine::MASTER_DB;
use sbroker_engine::records::{EndpointDefRec, KeyProtection};
use sbroker_engine::security::{self as sec, FIXED_SERVER_PRINCIPALS, MASTER_KEY_ID};
use sbroker_engine::state::State;
use sbroker_types::{SqlType, StrLen, Value};

use crate::query::{Relation, nvarchar};
use crate::sysviews::{rel, s, sysname};
use crate::tables::ts_to_datetime;

fn c(v: &str) -> Value {
    Value::VarChar(v.to_string())
}

/// The user table definitions of a database.
fn table_defs(d: &sbroker_engine::state::Db) -> Vec<crate::tables::TableDef> {
    d.objects
        .iter()
        .filter(|((k, _), _)| k == crate::tables::KIND_TABLE)
        .filter_map(|(_, v)| serde_json::from_slice(v).ok())
        .collect()
}

fn varbinary(n: u32) -> SqlType {
    SqlType::VarBinary(StrLen::Len(n))
}

fn connection_auth_desc(code: u8) -> &'static str {
    match code {
        1 => "NTLM",
        2 => "KERBEROS",
        3 => "NEGOTIATE",
        4 => "CERTIFICATE",
        5 => "NTLM, CERTIFICATE",
        6 => "KERBEROS, CERTIFICATE",
        7 => "NEGOTIATE, CERTIFICATE",
        8 => "CERTIFICATE, NTLM",
        9 => "CERTIFICATE, KERBEROS",
        _ => "CERTIFICATE, NEGOTIATE",
    }
}

fn encryption_desc(code: u8) -> &'static str {
    match code {
        0 => "NONE",
        1 => "RC4",
        2 => "AES",
        3 => "NONE, RC4",
        4 => "NONE, AES",
        5 => "RC4, AES",
        6 => "AES, RC4",
        7 => "NONE, RC4, AES",
        _ => "NONE, AES, RC4",
    }
}

/// The sys.endpoints columns of an endpoint.
fn endpoint_cols() -> Vec<(&'static str, SqlType)> {
    vec![
        ("name", sysname()),
        ("endpoint_id", SqlType::Int),
        ("principal_id", SqlType::Int),
        ("protocol", SqlType::TinyInt),
        ("protocol_desc", nvarchar(60)),
        ("type", SqlType::TinyInt),
        ("type_desc", nvarchar(60)),
        ("state", SqlType::TinyInt),
        ("state_desc", nvarchar(60)),
        ("is_admin_endpoint", SqlType::Bit),
    ]
}

fn endpoint_values(e: &EndpointDefRec) -> Vec<Value> {
    vec![
        s(&e.name),
        Value::Int(e.id),
        Value::Int(e.principal_id),
        Value::TinyInt(2),
        s("TCP"),
        Value::TinyInt(e.kind),
        s(if e.kind == sec::ENDPOINT_DATABASE_MIRRORING {
            "DATABASE_MIRRORING"
        } else {
            "SERVICE_BROKER"
        }),
        Value::TinyInt(e.state),
        s(match e.state {
            0 => "STARTED",
            1 => "STOPPED",
            _ => "DISABLED",
        }),
        Value::Bit(false),
    ]
}

/// The TDS endpoint every instance has (`TSQL Default TCP`, id 4) in sys.endpoints.
fn builtin_tsql_endpoint() -> Vec<Value> {
    vec![
        s("TSQL Default TCP"),
        Value::Int(4),
        Value::Int(1),
        Value::TinyInt(2),
        s("TCP"),
        Value::TinyInt(2),
        s("TSQL"),
        Value::TinyInt(0),
        s("STARTED"),
        Value::Bit(false),
    ]
}

/// Builds a security view, or `None` when `name` is not one.
pub(crate) fn view(st: &State, db: i32, name: &str) -> Option<Relation> {
    let d = st.db(db)?;
    let master = st.db(MASTER_DB)?;
    let int = SqlType::Int;
    let endpoints = || master.sec.endpoints.values();
    let r = match name {
        "sys.certificates" => rel(
            &[
                ("name", sysname()),
                ("certificate_id", int),
                ("principal_id", int),
                ("pvt_key_encryption_type", SqlType::Char(2)),
                ("pvt_key_encryption_type_desc", nvarchar(60)),
                ("is_active_for_begin_dialog", SqlType::Bit),
                ("issuer_name", nvarchar(442)),
                ("cert_serial_number", nvarchar(64)),
                ("sid", varbinary(85)),
                ("string_sid", nvarchar(128)),
                ("subject", nvarchar(4000)),
                ("expiry_date", SqlType::DateTime),
                ("start_date", SqlType::DateTime),
                ("thumbprint", varbinary(32)),
                ("attested_by", nvarchar(260)),
                ("pvt_key_last_backup_date", SqlType::DateTime),
                ("key_length", int),
            ],
            d.sec
                .certificates
                .values()
                .map(|cert| {
                    let info = sec::cert_info(&cert.der).ok();
                    let (kt, kd) = match cert.private_key {
                        None => ("NA", "NO_PRIVATE_KEY"),
                        Some((KeyProtection::MasterKey, _)) => ("MK", "ENCRYPTED_BY_MASTER_KEY"),
                        Some((KeyProtection::Password, _)) => ("PW", "ENCRYPTED_BY_PASSWORD"),
                    };
                    let tp = sec::thumbprint(&cert.der);
                    let mut sid = vec![1u8, 6, 0, 0, 0, 0, 0, 9, 1, 0, 0, 0];
                    sid.extend_from_slice(&tp);
                    vec![
                        s(&cert.name),
                        Value::Int(cert.id),
                        Value::Int(cert.principal_id),
                        c(kt),
                        s(kd),
                        Value::Bit(cert.active_for_begin_dialog),
                        info.as_ref().map_or(Value::Null, |i| s(&i.issuer)),
                        info.as_ref().map_or(Value::Null, |i| s(&i.serial)),
                        Value::Binary(sid),
                        Value::Null,
                        info.as_ref().map_or(Value::Null, |i| s(&i.subject)),
                        info.as_ref()
                            .map_or(Value::Null, |i| ts_to_datetime(i.expiry)),
                        info.as_ref()
                            .map_or(Value::Null, |i| ts_to_datetime(i.start)),
                        Value::Binary(tp),
                        Value::Null,
                        cert.last_backup.map_or(Value::Null, ts_to_datetime),
                        info.as_ref()
                            .map_or(Value::Null, |i| Value::Int(i.key_bits)),
                    ]
                })
                .collect(),
        ),
        "sys.symmetric_keys" => rel(
            &[
                ("name", sysname()),
                ("principal_id", int),
                ("symmetric_key_id", int),
                ("key_length", int),
                ("key_algorithm", SqlType::Char(2)),
                ("algorithm_desc", nvarchar(60)),
                ("create_date", SqlType::DateTime),
                ("modify_date", SqlType::DateTime),
                ("key_guid", SqlType::UniqueIdentifier),
                ("key_thumbprint", varbinary(32)),
                ("provider_type", nvarchar(120)),
                ("cryptographic_provider_guid", SqlType::UniqueIdentifier),
                ("cryptographic_provider_algid", int),
            ],
            d.sec
                .master_key
                .iter()
                .map(|mk| {
                    vec![
                        s("##MS_DatabaseMasterKey##"),
                        Value::Int(1),
                        Value::Int(mk.id),
                        Value::Int(256),
                        c("A3"),
                        s("AES_256"),
                        ts_to_datetime(mk.created),
                        ts_to_datetime(mk.modified),
                        Value::Guid(mk.guid),
                        Value::Null,
                        Value::Null,
                        Value::Null,
                        Value::Null,
                    ]
                })
                .collect(),
        ),
        "sys.key_encryptions" => rel(
            &[
                ("key_id", int),
                ("thumbprint", varbinary(32)),
                ("crypt_type", SqlType::Char(4)),
                ("crypt_type_desc", nvarchar(60)),
                ("crypt_property", SqlType::VarBinary(StrLen::Max)),
            ],
            d.sec
                .master_key
                .iter()
                .flat_map(|mk| {
                    let pw = mk.by_passwords.iter().map(|w| {
                        vec![
                            Value::Int(MASTER_KEY_ID),
                            Value::Null,
                            c("ESKP"),
                            s("ENCRYPTION BY PASSWORD"),
                            Value::Binary(w.blob.clone()),
                        ]
                    });
                    let smk = mk.by_service_master_key.iter().map(|w| {
                        vec![
                            Value::Int(MASTER_KEY_ID),
                            Value::Null,
                            c("ESKM"),
                            s("ENCRYPTION BY MASTER KEY"),
                            Value::Binary(w.blob.clone()),
                        ]
                    });
                    pw.chain(smk).collect::<Vec<_>>()
                })
                .collect(),
        ),
        "sys.crypt_properties" => rel(
            &[
                ("class", SqlType::TinyInt),
                ("class_desc", nvarchar(60)),
                ("major_id", int),
                ("thumbprint", varbinary(32)),
                ("crypt_type", SqlType::Char(4)),
                ("crypt_type_desc", nvarchar(60)),
                ("crypt_property", SqlType::VarBinary(StrLen::Max)),
            ],
            d.sec
                .signatures
                .values()
                .map(|sig| {
                    let tp = d
                        .sec
                        .certificates
                        .get(&sig.certificate_id)
                        .map_or(Value::Null, |cert| {
                            Value::Binary(sec::thumbprint(&cert.der))
                        });
                    vec![
                        Value::TinyInt(1),
                        s("OBJECT_OR_COLUMN"),
                        Value::Int(sig.object_id),
                        tp,
                        c("SPVC"),
                        s("SIGNATURE BY CERTIFICATE"),
                        Value::Binary(sig.signature.clone()),
                    ]
                })
                .collect(),
        ),
        "sys.remote_service_bindings" => rel(
            &[
                ("name", sysname()),
                ("remote_service_binding_id", int),
                ("principal_id", int),
                ("remote_service_name", nvarchar(256)),
                ("service_contract_id", int),
                ("remote_principal_id", int),
                ("is_anonymous_on", SqlType::Bit),
            ],
            d.sec
                .bindings
                .values()
                .map(|b| {
                    vec![
                        s(&b.name),
                        Value::Int(b.id),
                        Value::Int(b.principal_id),
                        s(&b.remote_service_name),
                        Value::Int(0),
                        Value::Int(b.remote_principal_id),
                        Value::Bit(b.anonymous),
                    ]
                })
                .collect(),
        ),
        "sys.endpoints" => {
            let mut rows = vec![builtin_tsql_endpoint()];
            rows.extend(endpoints().map(endpoint_values));
            rel(&endpoint_cols(), rows)
        }
        "sys.tcp_endpoints" => {
            let mut cols = endpoint_cols();
            cols.extend([
                ("port", int),
                ("is_dynamic_port", SqlType::Bit),
                ("ip_address", nvarchar(45)),
            ]);
            let mut first = builtin_tsql_endpoint();
            first.extend([Value::Int(1433), Value::Bit(false), Value::Null]);
            let mut rows = vec![first];
            rows.extend(endpoints().map(|e| {
                let mut v = endpoint_values(e);
                v.extend([
                    Value::Int(e.port),
                    Value::Bit(false),
                    e.ip.as_deref().map_or(Value::Null, s),
                ]);
                v
            }));
            rel(&cols, rows)
        }
        "sys.service_broker_endpoints" | "sys.database_mirroring_endpoints" => {
            let mirroring = name == "sys.database_mirroring_endpoints";
            let mut cols = endpoint_cols();
            if mirroring {
                cols.extend([
                    ("role", SqlType::TinyInt),
                    ("role_desc", nvarchar(60)),
                    ("is_encryption_enabled", SqlType::Bit),
                ]);
            } else {
                cols.extend([
                    ("is_message_forwarding_enabled", SqlType::Bit),
                    ("message_forwarding_size", int),
                ]);
            }
            cols.extend([
                ("connection_auth", SqlType::TinyInt),
                ("connection_auth_desc", nvarchar(60)),
                ("certificate_id", int),
                ("encryption_algorithm", SqlType::TinyInt),
                ("encryption_algorithm_desc", nvarchar(60)),
            ]);
            let kind = if mirroring {
                sec::ENDPOINT_DATABASE_MIRRORING
            } else {
                sec::ENDPOINT_SERVICE_BROKER
            };
            let rows = endpoints()
                .filter(|e| e.kind == kind)
                .map(|e| {
                    let mut v = endpoint_values(e);
                    if mirroring {
                        v.extend([
                            Value::TinyInt(e.role),
                            s(match e.role {
                                1 => "PARTNER",
                                2 => "WITNESS",
                                3 => "ALL",
                                _ => "NONE",
                            }),
                            Value::Bit(e.encryption != 0),
                        ]);
                    } else {
                        v.extend([Value::Bit(e.forwarding), Value::Int(e.forward_size)]);
                    }
                    v.extend([
                        Value::TinyInt(e.auth),
                        s(connection_auth_desc(e.auth)),
                        Value::Int(e.certificate_id.unwrap_or(0)),
                        Value::TinyInt(e.encryption),
                        s(encryption_desc(e.encryption)),
                    ]);
                    v
                })
                .collect();
            rel(&cols, rows)
        }
        "sys.server_principals" | "sys.sql_logins" => {
            let logins_only = name == "sys.sql_logins";
            let mut cols = vec![
                ("name", sysname()),
                ("principal_id", int),
                ("sid", varbinary(85)),
                ("type", SqlType::Char(1)),
                ("type_desc", nvarchar(60)),
                ("is_disabled", int),
                ("create_date", SqlType::DateTime),
                ("modify_date", SqlType::DateTime),
                ("default_database_name", sysname()),
                ("default_language_name", sysname()),
                ("credential_id", int),
                ("owning_principal_id", int),
                ("is_fixed_role", SqlType::Bit),
            ];
            if logins_only {
                cols.extend([
                    ("is_policy_checked", SqlType::Bit),
                    ("is_expiration_checked", SqlType::Bit),
                    ("password_hash", varbinary(256)),
                ]);
            }
            let created = master.rec.create_ts;
            let fixed = FIXED_SERVER_PRINCIPALS.iter().map(|(id, n, t, desc)| {
                let role = *t == "R";
                (
                    *id,
                    n.to_string(),
                    vec![*id as u8],
                    *t,
                    *desc,
                    created,
                    (!role).then_some("master"),
                    role.then_some(1),
                    role && *id != 2,
                    None,
                )
            });
            let logins = master.sec.logins.values().map(|l| {
                let desc = match l.kind.as_str() {
                    "S" => "SQL_LOGIN",
                    "U" => "WINDOWS_LOGIN",
                    _ => "CERTIFICATE_MAPPED_LOGIN",
                };
                (
                    l.id,
                    l.name.clone(),
                    l.sid.clone(),
                    if l.kind == "S" {
                        "S"
                    } else if l.kind == "U" {
                        "U"
                    } else {
                        "C"
                    },
                    desc,
                    l.created,
                    Some("master"),
                    None,
                    false,
                    l.password.as_ref().map(|w| w.blob.clone()),
                )
            });
            let rows = fixed
                .chain(logins)
                .filter(|x| !logins_only || x.3 == "S")
                .map(|(id, n, sid, t, desc, ts, dbn, owner, fixed_role, hash)| {
                    let mut v = vec![
                        s(&n),
                        Value::Int(id),
                        Value::Binary(sid),
                        c(t),
                        s(desc),
                        Value::Int(0),
                        ts_to_datetime(ts),
                        ts_to_datetime(ts),
                        dbn.map_or(Value::Null, s),
                        if t == "R" {
                            Value::Null
                        } else {
                            s("us_english")
                        },
                        Value::Null,
                        owner.map_or(Value::Null, Value::Int),
                        Value::Bit(fixed_role),
                    ];
                    if logins_only {
                        v.extend([
                            Value::Bit(true),
                            Value::Bit(false),
                            hash.map_or(Value::Null, Value::Binary),
                        ]);
                    }
                    v
                })
                .collect();
            rel(&cols, rows)
        }
        "sys.server_permissions" => rel(
            &[
                ("class", SqlType::TinyInt),
                ("class_desc", nvarchar(60)),
                ("major_id", int),
                ("minor_id", int),
                ("grantee_principal_id", int),
                ("grantor_principal_id", int),
                ("type", SqlType::Char(4)),
                ("permission_name", nvarchar(128)),
                ("state", SqlType::Char(1)),
                ("state_desc", nvarchar(60)),
            ],
            endpoints()
                .flat_map(|e| {
                    e.connect.iter().map(|g| {
                        vec![
                            Value::TinyInt(105),
                            s("ENDPOINT"),
                            Value::Int(e.id),
                            Value::Int(0),
                            Value::Int(*g),
                            Value::Int(e.principal_id),
                            c("CO  "),
                            s("CONNECT"),
                            c("G"),
                            s("GRANT"),
                        ]
                    })
                })
                .collect(),
        ),
        _ => return None,
    };
    Some(r)
}

/// `(name, system_type_id, max_length, precision, scale)` of the built-in types, as
/// sys.types lists them.
pub(crate) const BUILTIN_TYPES: &[(&str, u8, i16, u8, u8)] = &[
    ("uniqueidentifier", 36, 16, 0, 0),
    ("date", 40, 3, 10, 0),
    ("time", 41, 5, 16, 7),
    ("datetime2", 42, 8, 27, 7),
    ("tinyint", 48, 1, 3, 0),
    ("smallint", 52, 2, 5, 0),
    ("int", 56, 4, 10, 0),
    ("smalldatetime", 58, 4, 16, 0),
    ("real", 59, 4, 24, 0),
    ("money", 60, 8, 19, 4),
    ("datetime", 61, 8, 23, 3),
    ("float", 62, 8, 53, 0),
    ("bit", 104, 1, 1, 0),
    ("decimal", 106, 17, 38, 38),
    ("numeric", 108, 17, 38, 38),
    ("bigint", 127, 8, 19, 0),
    ("varbinary", 165, 8000, 0, 0),
    ("varchar", 167, 8000, 0, 0),
    ("binary", 173, 8000, 0, 0),
    ("char", 175, 8000, 0, 0),
    ("nvarchar", 231, 8000, 0, 0),
    ("nchar", 239, 8000, 0, 0),
    ("xml", 241, -1, 0, 0),
];

/// `(system_type_id, user_type_id, max_length, precision, scale)` of a column type.
pub(crate) fn column_type_ids(t: &SqlType) -> (u8, i32, i16, u8, u8) {
    let by = |name: &str| {
        BUILTIN_TYPES
            .iter()
            .find(|x| x.0 == name)
            .map_or((0, 0, 0, 0, 0), |x| (x.1, i32::from(x.1), x.2, x.3, x.4))
    };
    let len = |l: &StrLen, unit: i16| match l {
        StrLen::Max => -1,
        StrLen::Len(n) => i16::try_from(*n).unwrap_or(i16::MAX).saturating_mul(unit),
    };
    match t {
        SqlType::Bit => by("bit"),
        SqlType::TinyInt => by("tinyint"),
        SqlType::SmallInt => by("smallint"),
        SqlType::Int => by("int"),
        SqlType::BigInt => by("bigint"),
        SqlType::Decimal { precision, scale } => (106, 106, 17, *precision, *scale),
        SqlType::Numeric { precision, scale } => (108, 108, 17, *precision, *scale),
        SqlType::Float => by("float"),
        SqlType::Real => by("real"),
        SqlType::Money => by("money"),
        SqlType::Char(n) => (175, 175, i16::try_from(*n).unwrap_or(i16::MAX), 0, 0),
        SqlType::VarChar(l) => (167, 167, len(l, 1), 0, 0),
        SqlType::NChar(n) => (239, 239, i16::try_from(*n * 2).unwrap_or(i16::MAX), 0, 0),
        SqlType::NVarChar(l) => (231, 231, len(l, 2), 0, 0),
        SqlType::Binary(n) => (173, 173, i16::try_from(*n).unwrap_or(i16::MAX), 0, 0),
        SqlType::VarBinary(l) => (165, 165, len(l, 1), 0, 0),
        SqlType::UniqueIdentifier => by("uniqueidentifier"),
        SqlType::Xml => by("xml"),
        SqlType::Date => by("date"),
        SqlType::Time => by("time"),
        SqlType::DateTime => by("datetime"),
        SqlType::DateTime2(s) => (42, 42, 8, 27, *s),
        SqlType::SmallDateTime => by("smalldatetime"),
        SqlType::Sysname => (231, 256, 256, 0, 0),
    }
}

/// Name of a type id (TYPE_NAME).
pub(crate) fn type_name(id: i32) -> Option<&'static str> {
    if id == 256 {
        return Some("sysname");
    }
    BUILTIN_TYPES
        .iter()
        .find(|x| i32::from(x.1) == id)
        .map(|x| x.0)
}

/// sys.columns and sys.types.
pub(crate) fn column_views(st: &State, db: i32, name: &str) -> Option<Relation> {
    let d = st.db(db)?;
    let int = SqlType::Int;
    match name {
        "sys.types" => {
            let mut rows: Vec<Vec<Value>> = BUILTIN_TYPES
                .iter()
                .map(|(n, id, len, p, sc)| {
                    vec![
                        s(n),
                        Value::TinyInt(*id),
                        Value::Int(i32::from(*id)),
                        Value::SmallInt(*len),
                        Value::TinyInt(*p),
                        Value::TinyInt(*sc),
                        Value::Bit(true),
                        Value::Bit(false),
                    ]
                })
                .collect();
            rows.push(vec![
                s("sysname"),
                Value::TinyInt(231),
                Value::Int(256),
                Value::SmallInt(256),
                Value::TinyInt(0),
                Value::TinyInt(0),
                Value::Bit(false),
                Value::Bit(false),
            ]);
            Some(rel(
                &[
                    ("name", sysname()),
                    ("system_type_id", SqlType::TinyInt),
                    ("user_type_id", int),
                    ("max_length", SqlType::SmallInt),
                    ("precision", SqlType::TinyInt),
                    ("scale", SqlType::TinyInt),
                    ("is_nullable", SqlType::Bit),
                    ("is_user_defined", SqlType::Bit),
                ],
                rows,
            ))
        }
        "sys.columns" => {
            let mut rows = Vec::new();
            for def in table_defs(d) {
                for (i, c) in def.columns.iter().enumerate() {
                    let Ok(ty) = c.ty.sql_type() else { continue };
                    let (sys_id, user_id, len, p, sc) = column_type_ids(&ty);
                    rows.push(vec![
                        Value::Int(def.object_id),
                        s(&c.name),
                        Value::Int(i as i32 + 1),
                        Value::TinyInt(sys_id),
                        Value::Int(user_id),
                        Value::SmallInt(len),
                        Value::TinyInt(p),
                        Value::TinyInt(sc),
                        Value::Bit(c.nullable),
                        Value::Bit(c.identity.is_some()),
                        Value::Bit(false),
                    ]);
                }
            }
            Some(rel(
                &[
                    ("object_id", int),
                    ("name", sysname()),
                    ("column_id", int),
                    ("system_type_id", SqlType::TinyInt),
                    ("user_type_id", int),
                    ("max_length", SqlType::SmallInt),
                    ("precision", SqlType::TinyInt),
                    ("scale", SqlType::TinyInt),
                    ("is_nullable", SqlType::Bit),
                    ("is_identity", SqlType::Bit),
                    ("is_computed", SqlType::Bit),
                ],
                rows,
            ))
        }
        "sys.indexes" => {
            let mut rows = Vec::new();
            for def in table_defs(d) {
                let pk_name = def
                    .constraints
                    .iter()
                    .find(|k| k.kind == "PK")
                    .map(|k| k.name.clone());
                let clustered_ix = def.indexes.iter().any(|x| x.clustered);
                // index_id 0 = heap, 1 = the clustered index (the primary key's by default).
                let row = |name: Value, id: i32, ty: u8, unique: bool, pk: bool, uq: bool| {
                    vec![
                        Value::Int(def.object_id),
                        name,
                        Value::Int(id),
                        Value::TinyInt(ty),
                        s(match ty {
                            0 => "HEAP",
                            1 => "CLUSTERED",
                            _ => "NONCLUSTERED",
                        }),
                        Value::Bit(unique),
                        Value::Bit(pk),
                        Value::Bit(uq),
                        Value::Bit(false),
                    ]
                };
                let mut next = 2;
                match (&pk_name, !def.primary_key.is_empty()) {
                    (Some(n), true) if !clustered_ix => {
                        rows.push(row(s(n), 1, 1, true, true, false));
                    }
                    (n, true) => {
                        if !clustered_ix {
                            rows.push(row(Value::Null, 0, 0, false, false, false));
                        }
                        rows.push(row(
                            n.as_deref().map_or(Value::Null, s),
                            next,
                            2,
                            true,
                            true,
                            false,
                        ));
                        next += 1;
                    }
                    _ if !clustered_ix => rows.push(row(Value::Null, 0, 0, false, false, false)),
                    _ => {}
                }
                for ix in &def.indexes {
                    let (id, ty) = if ix.clustered { (1, 1) } else { (next, 2) };
                    if !ix.clustered {
                        next += 1;
                    }
                    rows.push(row(s(&ix.name), id, ty, ix.unique, false, ix.constraint));
                }
            }
            Some(rel(
                &[
                    ("object_id", int),
                    ("name", sysname()),
                    ("index_id", int),
                    ("type", SqlType::TinyInt),
                    ("type_desc", nvarchar(60)),
                    ("is_unique", SqlType::Bit),
                    ("is_primary_key", SqlType::Bit),
                    ("is_unique_constraint", SqlType::Bit),
                    ("is_disabled", SqlType::Bit),
                ],
                rows,
            ))
        }
        "sys.sql_modules" => {
            let mut rows = Vec::new();
            for ((kind, _), v) in &d.objects {
                let m = if kind == crate::tables::KIND_PROC {
                    serde_json::from_slice::<crate::stmt::StoredProc>(v)
                        .ok()
                        .map(|p| (p.object_id, p.source))
                } else if [
                    crate::modules::KIND_FUNCTION,
                    crate::modules::KIND_TRIGGER,
                    crate::modules::KIND_VIEW,
                ]
                .contains(&kind.as_str())
                {
                    serde_json::from_slice::<crate::modules::StoredModule>(v)
                        .ok()
                        .map(|m| (m.object_id, m.source))
                } else {
                    None
                };
                if let Some((id, def)) = m {
                    rows.push(vec![
                        Value::Int(id),
                        Value::NVarChar(def),
                        Value::Bit(true),
                        Value::Bit(true),
                        Value::Bit(false),
                        Value::Null,
                    ]);
                }
            }
            rows.sort_by_key(|r| match r[0] {
                Value::Int(i) => i,
                _ => 0,
            });
            Some(rel(
                &[
                    ("object_id", int),
                    ("definition", SqlType::NVarChar(StrLen::Max)),
                    ("uses_ansi_nulls", SqlType::Bit),
                    ("uses_quoted_identifier", SqlType::Bit),
                    ("is_schema_bound", SqlType::Bit),
                    ("execute_as_principal_id", int),
                ],
                rows,
            ))
        }
        "sys.triggers" => {
            let tables = table_defs(d);
            let mut rows = Vec::new();
            for ((kind, _), v) in &d.objects {
                if kind != crate::modules::KIND_TRIGGER {
                    continue;
                }
                let Ok(m) = serde_json::from_slice::<crate::modules::StoredModule>(v) else {
                    continue;
                };
                let parent = tables
                    .iter()
                    .find(|t| {
                        m.table.as_deref()
                            == Some(crate::tables::table_key(&t.schema, &t.name).as_str())
                    })
                    .map_or(Value::Null, |t| Value::Int(t.object_id));
                rows.push(vec![
                    s(&m.name),
                    Value::Int(m.object_id),
                    Value::TinyInt(1),
                    s("OBJECT_OR_COLUMN"),
                    parent,
                    c("TR"),
                    s("SQL_TRIGGER"),
                    ts_to_datetime(m.create_ts),
                    ts_to_datetime(m.create_ts),
                    Value::Bit(false),
                    Value::Bit(m.disabled),
                    Value::Bit(false),
                    Value::Bit(false),
                ]);
            }
            Some(rel(
                &[
                    ("name", sysname()),
                    ("object_id", int),
                    ("parent_class", SqlType::TinyInt),
                    ("parent_class_desc", nvarchar(60)),
                    ("parent_id", int),
                    ("type", SqlType::Char(2)),
                    ("type_desc", nvarchar(60)),
                    ("create_date", SqlType::DateTime),
                    ("modify_date", SqlType::DateTime),
                    ("is_ms_shipped", SqlType::Bit),
                    ("is_disabled", SqlType::Bit),
                    ("is_not_for_replication", SqlType::Bit),
                    ("is_instead_of_trigger", SqlType::Bit),
                ],
                rows,
            ))
        }
        _ => None,
    }
}
