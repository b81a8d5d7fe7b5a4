//! Security statements: master keys, certificates (with their files), module signatures,
//! remote service bindings, logins, endpoints and `GRANT CONNECT ON ENDPOINT`.

use sbroker_engine::security as sec;
use sbroker_tsql::ast::{self, StmtKind};
use sbroker_types::ServerError;

use crate::{Executor, ResultSink};

/// Parses a date option (`START_DATE = '01/01/2008'`) as UTC microseconds.
fn date_option(text: &str) -> Result<i64, ServerError> {
    sbroker_types::datetime::parse_datetime_str(text, false)
        .map(|p| p.to_naive().and_utc().timestamp_micros())
        .ok_or_else(|| {
            ServerError::new(
                241,
                "Conversion failed when converting date and/or time from character string.",
            )
        })
}

struct PrivateKeyOpts {
    file: Option<String>,
    decryption: Option<String>,
    encryption: Option<String>,
}

fn private_key_opts(v: &[ast::PrivateKeyOption]) -> PrivateKeyOpts {
    let mut o = PrivateKeyOpts {
        file: None,
        decryption: None,
        encryption: None,
    };
    for x in v {
        match x {
            ast::PrivateKeyOption::File(f) => o.file = Some(f.clone()),
            ast::PrivateKeyOption::DecryptionByPassword(p) => o.decryption = Some(p.clone()),
            ast::PrivateKeyOption::EncryptionByPassword(p) => o.encryption = Some(p.clone()),
        }
    }
    o
}

fn file_error() -> ServerError {
    ServerError::new(
        15208,
        "The certificate, asymmetric key, or private key file is not valid or does not exist; or you do not have permissions for it.",
    )
}

fn windows_code(m: &Option<ast::WindowsAuth>) -> u8 {
    match m {
        Some(ast::WindowsAuth::Ntlm) => 1,
        Some(ast::WindowsAuth::Kerberos) => 2,
        Some(ast::WindowsAuth::Negotiate) | None => 3,
    }
}

/// `connection_auth` code and certificate of an AUTHENTICATION clause.
fn auth_code(a: &ast::EndpointAuthentication) -> (u8, Option<String>) {
    match a {
        ast::EndpointAuthentication::Windows(m) => (windows_code(m), None),
        ast::EndpointAuthentication::Certificate(c) => (4, Some(c.value.clone())),
        ast::EndpointAuthentication::WindowsCertificate(m, c) => {
            (windows_code(m) + 4, Some(c.value.clone()))
        }
        ast::EndpointAuthentication::CertificateWindows(c, m) => {
            (windows_code(m) + 7, Some(c.value.clone()))
        }
    }
}

/// `encryption_algorithm` code of an ENCRYPTION clause.
fn encryption_code(e: &ast::EndpointEncryption) -> u8 {
    use ast::EncryptionAlgorithm::{Aes, Rc4};
    let required = match e.mode {
        ast::EncryptionMode::Disabled => return 0,
        ast::EncryptionMode::Required => true,
        ast::EncryptionMode::Supported => false,
    };
    match (required, e.algorithms.as_slice()) {
        (true, [Rc4]) => 1,
        (true, [Rc4, Aes]) => 5,
        (true, [Aes, Rc4]) => 6,
        (true, _) => 2,
        (false, [Rc4]) => 3,
        (false, [Rc4, Aes]) => 7,
        (false, [Aes, Rc4]) => 8,
        (false, _) => 4,
    }
}

fn endpoint_options(e: &ast::Endpoint, create: bool) -> sec::EndpointOptions {
    let mut o = sec::EndpointOptions {
        owner: e.authorization.as_ref().map(|a| a.value.clone()),
        state: e.state.map(|s| match s {
            ast::EndpointState::Started => 0,
            ast::EndpointState::Stopped => 1,
            ast::EndpointState::Disabled => 2,
        }),
        ..Default::default()
    };
    if let Some(t) = &e.tcp {
        o.port = t
            .listener_port
            .map(|p| p.clamp(-1, i64::from(i32::MAX)) as i32);
        o.ip = t.listener_ip.as_ref().map(|ip| match ip {
            ast::ListenerIp::All => None,
            ast::ListenerIp::V4(a) | ast::ListenerIp::V6(a) => Some(a.clone()),
        });
    }
    if let Some(sb) = &e.service_broker {
        if create || e.mirroring {
            o.kind = Some(if e.mirroring {
                sec::ENDPOINT_DATABASE_MIRRORING
            } else {
                sec::ENDPOINT_SERVICE_BROKER
            });
        }
        o.auth = sb.authentication.as_ref().map(auth_code);
        o.encryption = sb.encryption.as_ref().map(encryption_code);
        o.forwarding = sb.message_forwarding;
        o.forward_size = sb
            .message_forward_size
            .map(|n| n.clamp(0, i64::from(i32::MAX)) as i32);
        o.role = sb.role.as_deref().map(|r| match r {
            "PARTNER" => 1,
            "WITNESS" => 2,
            _ => 3,
        });
    }
    o
}

impl Executor {
    fn read_security_file(&self, path: &str) -> Result<Vec<u8>, ServerError> {
        std::fs::read(self.session.resolve_file(path)).map_err(|_| file_error())
    }

    /// Writes a new file; an existing file is never overwritten (15240).
    fn write_security_file(&self, path: &str, bytes: &[u8]) -> Result<(), ServerError> {
        use std::io::Write;
        let full = self.session.resolve_file(path);
        let cannot = || {
            ServerError::new(
                15240,
                format!(
                    "Cannot write into file '{path}'. Verify that you have write permissions, that the file path is valid, and that the file does not already exist."
                ),
            )
        };
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&full)
            .map_err(|_| cannot())?;
        f.write_all(bytes)
            .and_then(|()| f.sync_all())
            .map_err(|_| cannot())
    }

    /// Runs a security statement; `false` when `k` is not one.
    pub(crate) fn exec_security(
        &mut self,
        k: &StmtKind,
        sink: &mut dyn ResultSink,
    ) -> Result<bool, ServerError> {
        match k {
            StmtKind::CreateMasterKey { password } => self.session.create_master_key(password)?,
            StmtKind::OpenMasterKey { password } => self.session.open_master_key(password)?,
            StmtKind::CloseMasterKey => self.session.close_master_key(),
            StmtKind::DropMasterKey => self.session.drop_master_key()?,
            StmtKind::AlterMasterKey(a) => {
                let a = match a {
                    ast::AlterMasterKeyAction::Regenerate { password, .. } => {
                        sec::AlterMasterKey::Regenerate(password.clone())
                    }
                    ast::AlterMasterKeyAction::AddServiceMasterKey => {
                        sec::AlterMasterKey::AddServiceKey
                    }
                    ast::AlterMasterKeyAction::AddPassword(p) => {
                        sec::AlterMasterKey::AddPassword(p.clone())
                    }
                    ast::AlterMasterKeyAction::DropServiceMasterKey => {
                        sec::AlterMasterKey::DropServiceKey
                    }
                    ast::AlterMasterKeyAction::DropPassword(p) => {
                        sec::AlterMasterKey::DropPassword(p.clone())
                    }
                };
                self.session.alter_master_key(&a)?;
            }
            StmtKind::CreateCertificate(c) => self.create_certificate(c, sink)?,
            StmtKind::AlterCertificate { name, action } => {
                let a = match action {
                    ast::AlterCertificateAction::ActiveForBeginDialog(on) => {
                        sec::AlterCertificate::Active(*on)
                    }
                    ast::AlterCertificateAction::RemovePrivateKey => {
                        sec::AlterCertificate::RemovePrivateKey
                    }
                    ast::AlterCertificateAction::PrivateKey(opts) => {
                        let o = private_key_opts(opts);
                        let file = match &o.file {
                            Some(f) => Some(self.read_security_file(f)?),
                            None => None,
                        };
                        sec::AlterCertificate::PrivateKey {
                            file,
                            decryption: o.decryption,
                            encryption: o.encryption,
                        }
                    }
                };
                self.session.alter_certificate(&name.value, &a)?;
            }
            StmtKind::BackupCertificate {
                name,
                file,
                private_key,
            } => {
                let o = private_key_opts(private_key);
                let pk = match (&o.file, &o.encryption) {
                    (None, _) => None,
                    (Some(_), Some(enc)) => Some((o.decryption.as_deref(), enc.as_str())),
                    (Some(_), None) => {
                        return Err(ServerError::new(
                            102,
                            "Incorrect syntax near ')': WITH PRIVATE KEY requires ENCRYPTION BY PASSWORD.",
                        )
                        .with_severity(15));
                    }
                };
                let (der, key_file) = self.session.backup_certificate(&name.value, pk)?;
                self.write_security_file(file, &der)?;
                if let (Some(path), Some(bytes)) = (&o.file, key_file) {
                    self.write_security_file(path, &bytes)?;
                }
            }
            StmtKind::Signature {
                add,
                object,
                certificate,
                password,
            } => {
                let (object_id, definition) = self.signable_module(object)?;
                if *add {
                    self.session.add_signature(
                        object_id,
                        &definition,
                        &certificate.value,
                        password.as_deref(),
                    )?;
                } else {
                    self.session.drop_signature(object_id, &certificate.value)?;
                }
            }
            StmtKind::CreateRemoteServiceBinding(b) => {
                self.authorization(&b.authorization)?;
                self.session.create_remote_service_binding(
                    &b.name.value,
                    &b.service,
                    &b.user.value,
                    b.anonymous.unwrap_or(false),
                )?;
            }
            StmtKind::AlterRemoteServiceBinding {
                name,
                user,
                anonymous,
            } => {
                self.session.alter_remote_service_binding(
                    &name.value,
                    user.as_ref().map(|u| u.value.as_str()),
                    *anonymous,
                )?;
            }
            StmtKind::CreateLogin(l) => {
                let kind = match &l.source {
                    ast::LoginSource::Password { password, .. } => {
                        sec::LoginKind::Password(password.clone())
                    }
                    ast::LoginSource::Windows => sec::LoginKind::Windows,
                    ast::LoginSource::Certificate(c) => {
                        sec::LoginKind::Certificate(c.value.clone())
                    }
                };
                self.session.create_login(&l.name.value, &kind)?;
            }
            StmtKind::CreateEndpoint(e) => {
                self.session
                    .create_endpoint(&e.name.value, &endpoint_options(e, true))?;
            }
            StmtKind::AlterEndpoint(e) => {
                self.session
                    .alter_endpoint(&e.name.value, &endpoint_options(e, false))?;
            }
            StmtKind::DropBrokerObject { kind, name } => {
                let n = name.name().map(|i| i.value.clone()).unwrap_or_default();
                match kind {
                    ast::BrokerObjectKind::Certificate => self.session.drop_certificate(&n)?,
                    ast::BrokerObjectKind::Endpoint => self.session.drop_endpoint(&n)?,
                    ast::BrokerObjectKind::RemoteServiceBinding => {
                        self.session.drop_remote_service_binding(&n)?
                    }
                    _ => return Ok(false),
                }
            }
            StmtKind::Permission(p) => self.exec_permission(p)?,
            _ => return Ok(false),
        }
        Ok(true)
    }

    fn create_certificate(
        &mut self,
        c: &ast::CreateCertificate,
        sink: &mut dyn ResultSink,
    ) -> Result<(), ServerError> {
        let mut validity_warning = None;
        let (source, password) = match &c.source {
            ast::CertificateSource::Generate {
                encryption_password,
                subject,
                start_date,
                expiry_date,
            } => {
                let start = start_date.as_deref().map(date_option).transpose()?;
                let expiry = expiry_date.as_deref().map(date_option).transpose()?;
                let now = chrono::Utc::now().timestamp_micros();
                let (from, to) = (start.unwrap_or(now), expiry.unwrap_or(i64::MAX));
                let warning = if to <= from {
                    Some((
                        15213,
                        "Warning: The certificate you created has an invalid validity period; its expiration date precedes its start date.",
                    ))
                } else if to < now {
                    Some((15214, "Warning: The certificate you created is expired."))
                } else if from > now {
                    Some((
                        15215,
                        "Warning: The certificate you created is not yet valid; its start date is in the future.",
                    ))
                } else {
                    None
                };
                validity_warning = warning;
                if subject.is_empty() || subject.chars().count() > 128 {
                    return Err(ServerError::new(
                        15212,
                        "Invalid certificate subject. The certificate subject must have between 1 and 128 characters.",
                    ));
                }
                (
                    sec::CertSource::Generate {
                        subject: subject.clone(),
                        start,
                        expiry,
                    },
                    encryption_password.clone(),
                )
            }
            ast::CertificateSource::File { path, private_key } => {
                let der = self.read_security_file(path)?;
                let o = private_key_opts(private_key);
                let key = match &o.file {
                    Some(f) => Some((
                        self.read_security_file(f)?,
                        o.decryption.clone().unwrap_or_default(),
                    )),
                    None => None,
                };
                (
                    sec::CertSource::Import {
                        der,
                        private_key: key,
                    },
                    o.encryption,
                )
            }
        };
        self.authorization(&c.authorization)?;
        self.session.create_certificate(
            &c.name.value,
            &source,
            password.as_deref(),
            c.active_for_begin_dialog.unwrap_or(true),
        )?;
        if let Some((n, text)) = validity_warning {
            sink.message(n, 10, text);
        }
        Ok(())
    }

    /// The object id and definition of a module that ADD SIGNATURE can sign.
    fn signable_module(&mut self, name: &ast::ObjectName) -> Result<(i32, String), ServerError> {
        let (db, schema, obj) = self.split_name(name)?;
        let key = crate::tables::table_key(schema.as_deref().unwrap_or("dbo"), &obj);
        if let Some(p) = self.load_proc(db, &key) {
            return Ok((p.object_id, p.source));
        }
        for kind in [
            crate::modules::KIND_FUNCTION,
            crate::modules::KIND_TRIGGER,
            crate::modules::KIND_VIEW,
        ] {
            if let Some(m) = self.load_module(db, kind, &key) {
                return Ok((m.object_id, m.source));
            }
        }
        Err(ServerError::new(
            15151,
            format!(
                "Cannot find the object '{obj}', because it does not exist or you do not have permission."
            ),
        ))
    }

    /// GRANT / DENY / REVOKE: CONNECT on an endpoint is recorded; other permissions are
    /// accepted without effect (every session runs as sysadmin).
    fn exec_permission(&mut self, p: &ast::Permission) -> Result<(), ServerError> {
        let Some(on) = &p.on else { return Ok(()) };
        if on.class != Some(ast::SecurableClass::Endpoint) {
            return Ok(());
        }
        let endpoint = on.name.name().map(|i| i.value.clone()).unwrap_or_default();
        let grant = p.action == ast::PermissionAction::Grant;
        for perm in &p.permissions {
            if perm != "CONNECT" {
                continue;
            }
            for who in &p.principals {
                self.session
                    .endpoint_connect(&endpoint, &who.value, grant)?;
            }
        }
        Ok(())
    }
}
