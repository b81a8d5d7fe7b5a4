//! Security statements: database master key, certificates (CREATE / ALTER /
//! BACKUP), logins, users, roles, `GRANT` / `DENY` / `REVOKE` and
//! `ALTER AUTHORIZATION`.

use super::{PResult, Parser};
use crate::ast::*;
use crate::lexer::{Sym, Tok};

impl Parser<'_> {
    /// `CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'pwd'`.
    pub(crate) fn parse_create_master_key(&mut self) -> PResult<StmtKind> {
        self.expect_kws(&["MASTER", "KEY", "ENCRYPTION", "BY", "PASSWORD"])?;
        self.expect_sym(Sym::Eq)?;
        Ok(StmtKind::CreateMasterKey {
            password: self.parse_string()?,
        })
    }

    /// `ALTER MASTER KEY { [FORCE] REGENERATE WITH ENCRYPTION BY PASSWORD = 'p'
    /// | { ADD | DROP } ENCRYPTION BY { SERVICE MASTER KEY | PASSWORD = 'p' } }`.
    pub(crate) fn parse_alter_master_key(&mut self) -> PResult<StmtKind> {
        self.expect_kws(&["MASTER", "KEY"])?;
        let force = self.eat_kw("FORCE");
        if force || self.is_kw("REGENERATE") {
            self.expect_kws(&["REGENERATE", "WITH", "ENCRYPTION", "BY", "PASSWORD"])?;
            self.expect_sym(Sym::Eq)?;
            return Ok(StmtKind::AlterMasterKey(AlterMasterKeyAction::Regenerate {
                force,
                password: self.parse_string()?,
            }));
        }
        let add = if self.eat_kw("ADD") {
            true
        } else {
            self.expect_kw("DROP")?;
            false
        };
        self.expect_kws(&["ENCRYPTION", "BY"])?;
        let action = if self.eat_kws(&["SERVICE", "MASTER", "KEY"]) {
            if add {
                AlterMasterKeyAction::AddServiceMasterKey
            } else {
                AlterMasterKeyAction::DropServiceMasterKey
            }
        } else {
            self.expect_kw("PASSWORD")?;
            self.expect_sym(Sym::Eq)?;
            let p = self.parse_string()?;
            if add {
                AlterMasterKeyAction::AddPassword(p)
            } else {
                AlterMasterKeyAction::DropPassword(p)
            }
        };
        Ok(StmtKind::AlterMasterKey(action))
    }

    /// `{ADD | DROP} SIGNATURE {TO | FROM} [OBJECT::]module BY CERTIFICATE c
    /// [WITH PASSWORD = 'pwd']`.
    pub(crate) fn parse_signature(&mut self) -> PResult<StmtKind> {
        let add = if self.eat_kw("ADD") {
            true
        } else {
            self.expect_kw("DROP")?;
            false
        };
        self.expect_kw("SIGNATURE")?;
        if !(self.eat_kw("TO") || self.eat_kw("FROM")) {
            return Err(self.err());
        }
        if self.is_kw("OBJECT") && self.is_sym_at(1, Sym::DoubleColon) {
            self.pos += 2;
        }
        let object = self.parse_object_name()?;
        self.expect_kws(&["BY", "CERTIFICATE"])?;
        let certificate = self.parse_ident()?;
        let password = if self.eat_kw("WITH") {
            self.expect_kw("PASSWORD")?;
            self.expect_sym(Sym::Eq)?;
            Some(self.parse_string()?)
        } else {
            None
        };
        Ok(StmtKind::Signature {
            add,
            object,
            certificate,
            password,
        })
    }

    /// `( private_key_option [, …] )` after `PRIVATE KEY`.
    fn parse_private_key_options(&mut self) -> PResult<Vec<PrivateKeyOption>> {
        self.expect_sym(Sym::LParen)?;
        let v = self.comma_list(|p| {
            if p.eat_kw("FILE") {
                p.expect_sym(Sym::Eq)?;
                Ok(PrivateKeyOption::File(p.parse_string()?))
            } else if p.eat_kws(&["DECRYPTION", "BY", "PASSWORD"]) {
                p.expect_sym(Sym::Eq)?;
                Ok(PrivateKeyOption::DecryptionByPassword(p.parse_string()?))
            } else if p.eat_kws(&["ENCRYPTION", "BY", "PASSWORD"]) {
                p.expect_sym(Sym::Eq)?;
                Ok(PrivateKeyOption::EncryptionByPassword(p.parse_string()?))
            } else {
                Err(p.err())
            }
        })?;
        self.expect_sym(Sym::RParen)?;
        Ok(v)
    }

    /// `CREATE CERTIFICATE name [AUTHORIZATION user]
    /// { FROM FILE = 'path' [WITH PRIVATE KEY ( … )]
    /// | [ENCRYPTION BY PASSWORD = 'pwd'] WITH SUBJECT = 's' [, START_DATE = 'd'] [, EXPIRY_DATE = 'd'] }
    /// [ACTIVE FOR BEGIN_DIALOG = ON | OFF]`.
    pub(crate) fn parse_create_certificate(&mut self) -> PResult<StmtKind> {
        self.expect_kw("CERTIFICATE")?;
        let name = self.parse_ident()?;
        let authorization = self.parse_opt_authorization()?;
        let source = if self.eat_kws(&["FROM", "FILE"]) {
            self.expect_sym(Sym::Eq)?;
            let path = self.parse_string()?;
            let private_key = if self.eat_kws(&["WITH", "PRIVATE", "KEY"]) {
                self.parse_private_key_options()?
            } else {
                Vec::new()
            };
            CertificateSource::File { path, private_key }
        } else {
            let encryption_password = if self.eat_kws(&["ENCRYPTION", "BY", "PASSWORD"]) {
                self.expect_sym(Sym::Eq)?;
                Some(self.parse_string()?)
            } else {
                None
            };
            self.expect_kws(&["WITH", "SUBJECT"])?;
            self.expect_sym(Sym::Eq)?;
            let subject = self.parse_string()?;
            let mut start_date = None;
            let mut expiry_date = None;
            while self.eat_sym(Sym::Comma) {
                if self.eat_kw("START_DATE") && start_date.is_none() {
                    self.expect_sym(Sym::Eq)?;
                    start_date = Some(self.parse_string()?);
                } else if self.eat_kw("EXPIRY_DATE") && expiry_date.is_none() {
                    self.expect_sym(Sym::Eq)?;
                    expiry_date = Some(self.parse_string()?);
                } else {
                    return Err(self.err());
                }
            }
            CertificateSource::Generate {
                encryption_password,
                subject,
                start_date,
                expiry_date,
            }
        };
        let active_for_begin_dialog = if self.eat_kws(&["ACTIVE", "FOR", "BEGIN_DIALOG"]) {
            Some(self.parse_eq_on_off()?)
        } else {
            None
        };
        Ok(StmtKind::CreateCertificate(Box::new(CreateCertificate {
            name,
            authorization,
            source,
            active_for_begin_dialog,
        })))
    }

    /// `ALTER CERTIFICATE name { WITH ACTIVE FOR BEGIN_DIALOG = ON|OFF | REMOVE PRIVATE KEY
    /// | WITH PRIVATE KEY ( … ) }`.
    pub(crate) fn parse_alter_certificate(&mut self) -> PResult<StmtKind> {
        self.expect_kw("CERTIFICATE")?;
        let name = self.parse_ident()?;
        let action = if self.eat_kws(&["REMOVE", "PRIVATE", "KEY"]) {
            AlterCertificateAction::RemovePrivateKey
        } else if self.eat_kws(&["WITH", "PRIVATE", "KEY"]) {
            AlterCertificateAction::PrivateKey(self.parse_private_key_options()?)
        } else {
            self.expect_kws(&["WITH", "ACTIVE", "FOR", "BEGIN_DIALOG"])?;
            AlterCertificateAction::ActiveForBeginDialog(self.parse_eq_on_off()?)
        };
        Ok(StmtKind::AlterCertificate { name, action })
    }

    /// `BACKUP CERTIFICATE name TO FILE = 'path' [WITH PRIVATE KEY ( … )]`.
    pub(crate) fn parse_backup_certificate(&mut self) -> PResult<StmtKind> {
        self.expect_kws(&["BACKUP", "CERTIFICATE"])?;
        let name = self.parse_ident()?;
        self.expect_kws(&["TO", "FILE"])?;
        self.expect_sym(Sym::Eq)?;
        let file = self.parse_string()?;
        let private_key = if self.eat_kws(&["WITH", "PRIVATE", "KEY"]) {
            self.parse_private_key_options()?
        } else {
            Vec::new()
        };
        Ok(StmtKind::BackupCertificate {
            name,
            file,
            private_key,
        })
    }

    /// `CREATE LOGIN name { WITH PASSWORD = 'pwd' [, option …] | FROM CERTIFICATE c | FROM WINDOWS }`.
    pub(crate) fn parse_create_login(&mut self) -> PResult<StmtKind> {
        self.expect_kw("LOGIN")?;
        let name = self.parse_ident()?;
        let source = if self.eat_kws(&["WITH", "PASSWORD"]) {
            self.expect_sym(Sym::Eq)?;
            let password = self.parse_string()?;
            let mut options = Vec::new();
            while self.eat_sym(Sym::Comma) {
                options.push(self.parse_generic_option()?);
            }
            LoginSource::Password { password, options }
        } else if self.eat_kws(&["FROM", "CERTIFICATE"]) {
            LoginSource::Certificate(self.parse_ident()?)
        } else if self.eat_kws(&["FROM", "WINDOWS"]) {
            LoginSource::Windows
        } else {
            return Err(self.err());
        };
        Ok(StmtKind::CreateLogin(Box::new(CreateLogin {
            name,
            source,
        })))
    }

    /// `CREATE USER name [WITHOUT LOGIN | {FOR | FROM} LOGIN l | {FOR | FROM} CERTIFICATE c]
    /// [WITH DEFAULT_SCHEMA = s]`.
    pub(crate) fn parse_create_user(&mut self) -> PResult<StmtKind> {
        self.expect_kw("USER")?;
        let name = self.parse_ident()?;
        let mapping = if self.eat_kws(&["WITHOUT", "LOGIN"]) {
            UserMapping::WithoutLogin
        } else if (self.is_kw("FOR") || self.is_kw("FROM")) && self.is_kw_at(1, "LOGIN") {
            self.pos += 2;
            UserMapping::Login(self.parse_ident()?)
        } else if (self.is_kw("FOR") || self.is_kw("FROM")) && self.is_kw_at(1, "CERTIFICATE") {
            self.pos += 2;
            UserMapping::Certificate(self.parse_ident()?)
        } else {
            UserMapping::Default
        };
        let default_schema = if self.eat_kws(&["WITH", "DEFAULT_SCHEMA"]) {
            self.expect_sym(Sym::Eq)?;
            Some(self.parse_ident()?)
        } else {
            None
        };
        Ok(StmtKind::CreateUser(Box::new(CreateUser {
            name,
            mapping,
            default_schema,
        })))
    }

    /// `ALTER ROLE role { ADD | DROP } MEMBER principal`.
    pub(crate) fn parse_alter_role(&mut self) -> PResult<StmtKind> {
        self.expect_kw("ROLE")?;
        let role = self.parse_ident()?;
        let add = if self.eat_kw("ADD") {
            true
        } else {
            self.expect_kw("DROP")?;
            false
        };
        self.expect_kw("MEMBER")?;
        let member = self.parse_ident_any()?;
        Ok(StmtKind::AlterRole { role, add, member })
    }

    /// `securable ::= [class ::] name` where class is one or more words.
    fn parse_securable(&mut self) -> PResult<Securable> {
        // Look ahead for `word… ::`.
        let mut n = 0;
        while self.word_upper_at(n).is_some() && n < 4 {
            n += 1;
        }
        let class = if n > 0 && self.is_sym_at(n, Sym::DoubleColon) {
            let mut words = Vec::new();
            for _ in 0..n {
                if let Some(w) = self.word_upper_at(0) {
                    words.push(w);
                }
                self.pos += 1;
            }
            self.pos += 1; // ::
            let joined = words.join(" ");
            Some(match joined.as_str() {
                "SERVICE" => SecurableClass::Service,
                "CONTRACT" => SecurableClass::Contract,
                "MESSAGE TYPE" => SecurableClass::MessageType,
                "ROUTE" => SecurableClass::Route,
                "REMOTE SERVICE BINDING" => SecurableClass::RemoteServiceBinding,
                "ENDPOINT" => SecurableClass::Endpoint,
                "OBJECT" => SecurableClass::Object,
                "SCHEMA" => SecurableClass::Schema,
                "XML SCHEMA COLLECTION" => SecurableClass::XmlSchemaCollection,
                "CERTIFICATE" => SecurableClass::Certificate,
                "DATABASE" => SecurableClass::Database,
                "LOGIN" => SecurableClass::Login,
                "USER" => SecurableClass::User,
                "ROLE" => SecurableClass::Role,
                "TYPE" => SecurableClass::Type,
                _ => SecurableClass::Other(joined),
            })
        } else {
            None
        };
        let name = self.parse_object_name()?;
        Ok(Securable { class, name })
    }

    /// `GRANT | DENY | REVOKE` statements (see [`Permission`]).
    pub(crate) fn parse_permission(&mut self) -> PResult<StmtKind> {
        let action = if self.eat_kw("GRANT") {
            PermissionAction::Grant
        } else if self.eat_kw("DENY") {
            PermissionAction::Deny
        } else {
            self.expect_kw("REVOKE")?;
            PermissionAction::Revoke
        };
        let grant_option_for =
            action == PermissionAction::Revoke && self.eat_kws(&["GRANT", "OPTION", "FOR"]);
        let permissions = self.comma_list(|p| {
            let mut words = Vec::new();
            while let Tok::Word {
                value,
                quote: QuoteStyle::None,
            } = p.peek()
            {
                let u = value.to_ascii_uppercase();
                if u == "ON" || u == "TO" || u == "FROM" {
                    break;
                }
                words.push(u);
                p.pos += 1;
            }
            if words.is_empty() {
                return Err(p.err());
            }
            Ok(words.join(" "))
        })?;
        let on = if self.eat_kw("ON") {
            Some(self.parse_securable()?)
        } else {
            None
        };
        if !(self.eat_kw("TO") || action == PermissionAction::Revoke && self.eat_kw("FROM")) {
            return Err(self.err());
        }
        let principals = self.comma_list(|p| p.parse_ident_any())?;
        let with_grant_option =
            action == PermissionAction::Grant && self.eat_kws(&["WITH", "GRANT", "OPTION"]);
        let cascade = action != PermissionAction::Grant && self.eat_kw("CASCADE");
        let as_principal = if self.eat_kw("AS") {
            Some(self.parse_ident_any()?)
        } else {
            None
        };
        Ok(StmtKind::Permission(Box::new(Permission {
            action,
            grant_option_for,
            permissions,
            on,
            principals,
            with_grant_option,
            cascade,
            as_principal,
        })))
    }

    /// `ALTER AUTHORIZATION ON securable TO { principal | SCHEMA OWNER }`.
    pub(crate) fn parse_alter_authorization(&mut self) -> PResult<StmtKind> {
        self.expect_kws(&["AUTHORIZATION", "ON"])?;
        let securable = self.parse_securable()?;
        self.expect_kw("TO")?;
        let principal = if self.eat_kws(&["SCHEMA", "OWNER"]) {
            None
        } else {
            Some(self.parse_ident_any()?)
        };
        Ok(StmtKind::AlterAuthorization {
            securable,
            principal,
        })
    }
}
