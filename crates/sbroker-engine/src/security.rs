//! Security objects: the service and database master keys, certificates, module
//! signatures, remote service bindings, logins and TCP endpoints.
//!
//! Cryptography comes from aws-lc-rs (AES-256-GCM, PBKDF2-HMAC-SHA256, RSA, SHA) and
//! rcgen / x509-parser (X.509 building and parsing); nothing here is home-made crypto.
//! Keys never rest in plaintext in storage:
//! - the service master key (one per instance, in master) protects database master keys;
//! - a database master key is stored wrapped under each of its passwords and,
//!   by default, under the service master key (so the broker can open it unattended);
//! - a certificate's PKCS#8 private key is wrapped under the database master key or
//!   under a password.

use std::num::NonZeroU32;

use aws_lc_rs::{aead, digest, pbkdf2, rand as lrand, rand::SecureRandom, signature};
use sbroker_types::ServerError;
use uuid::Uuid;

use crate::instance::MASTER_DB;
use crate::records::*;
use crate::state::{CatKind, Db, State};
use crate::txn::{self, CatObj, Txn};

/// `symmetric_key_id` of the database master key.
pub const MASTER_KEY_ID: i32 = 101;
/// Id of the service master key row (in master).
const SERVICE_MASTER_KEY_ID: i32 = 102;
/// First user certificate id (SQL Server numbers them from 256).
const FIRST_CERTIFICATE_ID: i32 = 256;
/// First user login id.
const FIRST_LOGIN_ID: i32 = 256;
/// First user endpoint id.
const FIRST_ENDPOINT_ID: i32 = 65536;
/// PBKDF2 iterations for new password wrappings.
const PBKDF2_ITERATIONS: u32 = 100_000;
/// Magic of an exported private-key file (BACKUP CERTIFICATE … WITH PRIVATE KEY).
const PVK_MAGIC: &[u8; 8] = b"SBPVK01\n";

// ---------------------------------------------------------------- crypto helpers

fn random_bytes(n: usize) -> Vec<u8> {
    let mut v = vec![0u8; n];
    // The system RNG failing is not recoverable; aws-lc aborts before returning Err in practice.
    lrand::SystemRandom::new()
        .fill(&mut v)
        .expect("system random generator");
    v
}

/// Error 15466 (SQL Server gives no detail either); `_what` names the failing step for
/// readers of the code.
fn crypto_error(_what: &str) -> ServerError {
    ServerError::new(15466, "An error occurred during decryption.")
}

fn seal(key: &[u8], plain: &[u8]) -> Result<Vec<u8>, ServerError> {
    let k = aead::UnboundKey::new(&aead::AES_256_GCM, key).map_err(|_| crypto_error("key"))?;
    let k = aead::LessSafeKey::new(k);
    let nonce = random_bytes(12);
    let mut buf = plain.to_vec();
    let n = aead::Nonce::try_assume_unique_for_key(&nonce).map_err(|_| crypto_error("nonce"))?;
    k.seal_in_place_append_tag(n, aead::Aad::empty(), &mut buf)
        .map_err(|_| crypto_error("seal"))?;
    let mut out = nonce;
    out.extend_from_slice(&buf);
    Ok(out)
}

fn open(key: &[u8], blob: &[u8]) -> Option<Vec<u8>> {
    if blob.len() < 12 + 16 {
        return None;
    }
    let k = aead::LessSafeKey::new(aead::UnboundKey::new(&aead::AES_256_GCM, key).ok()?);
    let n = aead::Nonce::try_assume_unique_for_key(&blob[..12]).ok()?;
    let mut buf = blob[12..].to_vec();
    let plain = k.open_in_place(n, aead::Aad::empty(), &mut buf).ok()?;
    Some(plain.to_vec())
}

fn password_key(password: &str, salt: &[u8], iterations: u32) -> [u8; 32] {
    let mut k = [0u8; 32];
    let it = NonZeroU32::new(iterations.max(1)).unwrap_or(NonZeroU32::MIN);
    pbkdf2::derive(
        pbkdf2::PBKDF2_HMAC_SHA256,
        it,
        salt,
        password.as_bytes(),
        &mut k,
    );
    k
}

fn wrap_with_password(password: &str, secret: &[u8]) -> Result<WrappedKey, ServerError> {
    let salt = random_bytes(16);
    let k = password_key(password, &salt, PBKDF2_ITERATIONS);
    Ok(WrappedKey {
        salt,
        iterations: PBKDF2_ITERATIONS,
        blob: seal(&k, secret)?,
    })
}

fn unwrap_with_password(w: &WrappedKey, password: &str) -> Option<Vec<u8>> {
    if w.iterations == 0 {
        return None;
    }
    open(&password_key(password, &w.salt, w.iterations), &w.blob)
}

fn wrap_with_key(key: &[u8], secret: &[u8]) -> Result<WrappedKey, ServerError> {
    Ok(WrappedKey {
        salt: Vec::new(),
        iterations: 0,
        blob: seal(key, secret)?,
    })
}

fn unwrap_with_key(w: &WrappedKey, key: &[u8]) -> Option<Vec<u8>> {
    if w.iterations != 0 {
        return None;
    }
    open(key, &w.blob)
}

/// Password rules: SQL Server refuses empty passwords for keys (15116-class policy).
fn check_password(password: &str) -> Result<(), ServerError> {
    if password.is_empty() {
        return Err(ServerError::new(
            15116,
            "Password validation failed. The password does not meet the operating system policy requirements because it is too short.",
        ));
    }
    Ok(())
}

/// SHA-1 of a certificate (its `thumbprint`).
pub fn thumbprint(der: &[u8]) -> Vec<u8> {
    digest::digest(&digest::SHA1_FOR_LEGACY_USE_ONLY, der)
        .as_ref()
        .to_vec()
}

/// What `sys.certificates` shows of a certificate.
#[derive(Debug, Clone)]
pub struct CertInfo {
    /// `subject` (the common name, or the whole name when there is none).
    pub subject: String,
    /// `issuer_name`.
    pub issuer: String,
    /// `cert_serial_number` (hex bytes separated by spaces, as SQL Server shows it).
    pub serial: String,
    /// `start_date`.
    pub start: Ts,
    /// `expiry_date`.
    pub expiry: Ts,
    /// `key_length` in bits.
    pub key_bits: i32,
}

fn cert_load_error() -> ServerError {
    ServerError::new(
        15208,
        "The certificate, asymmetric key, or private key file is not valid or does not exist; or you do not have permissions for it.",
    )
}

/// Parses a DER certificate.
pub fn cert_info(der: &[u8]) -> Result<CertInfo, ServerError> {
    let (_, x) = x509_parser::parse_x509_certificate(der).map_err(|_| cert_load_error())?;
    fn name(n: &x509_parser::x509::X509Name<'_>) -> String {
        n.iter_common_name()
            .next()
            .and_then(|c| c.as_str().ok())
            .map(str::to_string)
            .unwrap_or_else(|| n.to_string())
    }
    let serial = x
        .raw_serial()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(" ");
    let v = x.validity();
    let key_bits = x
        .public_key()
        .parsed()
        .map(|k| k.key_size() as i32)
        .unwrap_or(0);
    Ok(CertInfo {
        subject: name(x.subject()),
        issuer: name(x.issuer()),
        serial,
        start: v.not_before.timestamp() * 1_000_000,
        expiry: v.not_after.timestamp() * 1_000_000,
        key_bits,
    })
}

fn cert_public_key(der: &[u8]) -> Option<Vec<u8>> {
    let (_, x) = x509_parser::parse_x509_certificate(der).ok()?;
    Some(x.public_key().subject_public_key.data.to_vec())
}

/// Builds a self-signed RSA-2048 certificate: (DER, PKCS#8 private key).
fn generate_certificate(
    subject: &str,
    start: Ts,
    expiry: Ts,
) -> Result<(Vec<u8>, Vec<u8>), ServerError> {
    let fail = |_: rcgen::Error| {
        ServerError::new(
            15297,
            "The certificate, asymmetric key, or private key data is invalid.",
        )
    };
    let kp = rcgen::KeyPair::generate_rsa_for(&rcgen::PKCS_RSA_SHA256, rcgen::RsaKeySize::_2048)
        .map_err(fail)?;
    let mut p = rcgen::CertificateParams::default();
    let mut dn = rcgen::DistinguishedName::new();
    dn.push(rcgen::DnType::CommonName, subject);
    p.distinguished_name = dn;
    let to_odt = |ts: Ts| {
        time::OffsetDateTime::from_unix_timestamp(ts.div_euclid(1_000_000))
            .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
    };
    p.not_before = to_odt(start);
    p.not_after = to_odt(expiry);
    let mut serial = random_bytes(16);
    serial[0] &= 0x7f;
    p.serial_number = Some(rcgen::SerialNumber::from_slice(&serial));
    let cert = p.self_signed(&kp).map_err(fail)?;
    Ok((cert.der().to_vec(), kp.serialize_der()))
}

fn private_key_matches(der: &[u8], pk8: &[u8]) -> bool {
    let Ok(kp) = signature::RsaKeyPair::from_pkcs8(pk8) else {
        return false;
    };
    use signature::KeyPair as _;
    cert_public_key(der).is_some_and(|p| p == kp.public_key().as_ref())
}

/// Signs `data` (RSA PKCS#1 v1.5, SHA-256) with a PKCS#8 private key.
fn rsa_sign(pk8: &[u8], data: &[u8]) -> Result<Vec<u8>, ServerError> {
    let kp = signature::RsaKeyPair::from_pkcs8(pk8).map_err(|_| crypto_error("private key"))?;
    let mut sig = vec![0u8; kp.public_modulus_len()];
    kp.sign(
        &signature::RSA_PKCS1_SHA256,
        &lrand::SystemRandom::new(),
        data,
        &mut sig,
    )
    .map_err(|_| crypto_error("sign"))?;
    Ok(sig)
}

/// Checks a signature made by [`rsa_sign`] against a certificate's public key.
pub fn verify_signature(der: &[u8], data: &[u8], sig: &[u8]) -> bool {
    let Some(pk) = cert_public_key(der) else {
        return false;
    };
    signature::UnparsedPublicKey::new(&signature::RSA_PKCS1_2048_8192_SHA256, pk)
        .verify(data, sig)
        .is_ok()
}

/// Encodes a private key for a file, wrapped under `password`.
fn export_private_key(pk8: &[u8], password: &str) -> Result<Vec<u8>, ServerError> {
    let w = wrap_with_password(password, pk8)?;
    let mut out = PVK_MAGIC.to_vec();
    out.extend_from_slice(&postcard::to_allocvec(&w).map_err(|_| crypto_error("encode"))?);
    Ok(out)
}

/// Decodes a private-key file written by [`export_private_key`].
fn import_private_key(bytes: &[u8], password: &str) -> Result<Vec<u8>, ServerError> {
    let body = bytes.strip_prefix(PVK_MAGIC).ok_or_else(cert_load_error)?;
    let w: WrappedKey = postcard::from_bytes(body).map_err(|_| cert_load_error())?;
    unwrap_with_password(&w, password).ok_or_else(|| crypto_error("private key file"))
}

fn key_mismatch() -> ServerError {
    ServerError::new(
        15474,
        "Invalid private key. The private key does not match the public key of the certificate.",
    )
}

// ---------------------------------------------------------------- lookups

fn db_of(st: &State, db: i32) -> Result<&Db, ServerError> {
    st.db(db)
        .ok_or_else(|| ServerError::new(911, format!("Database id {db} does not exist.")))
}

fn not_found(class: &str, name: &str) -> ServerError {
    ServerError::new(
        15151,
        format!(
            "Cannot find the {class} '{name}', because it does not exist or you do not have permission."
        ),
    )
}

/// A certificate of a database by name.
pub fn certificate_by_name<'a>(d: &'a Db, name: &str) -> Option<&'a CertificateRec> {
    d.sec
        .certificates
        .values()
        .find(|c| c.name.eq_ignore_ascii_case(name))
}

fn master_key_missing() -> ServerError {
    ServerError::new(
        15581,
        "Please create a master key in the database or open the master key in the session before performing this operation.",
    )
}

fn wrong_password() -> ServerError {
    ServerError::new(
        15313,
        "The key is not encrypted using the specified decryptor.",
    )
}

/// Master keys a session opened with OPEN MASTER KEY (database id → key).
pub type OpenKeys = std::collections::HashMap<i32, Vec<u8>>;

/// Creates the instance's service master key when there is none (at open, in its own
/// commit); true when it did.
pub(crate) fn ensure_service_master_key(st: &mut State, tx: &mut Txn) -> bool {
    if st
        .db(MASTER_DB)
        .is_none_or(|d| d.sec.service_master_key.is_some())
    {
        return false;
    }
    txn::put_catalog(
        st,
        tx,
        MASTER_DB,
        CatObj::ServiceMasterKey(ServiceMasterKeyRec {
            id: SERVICE_MASTER_KEY_ID,
            key: random_bytes(32),
        }),
    );
    true
}

/// The service master key (made when the instance opened, never inside a user
/// transaction: a rollback could otherwise take it from a key another session wrapped).
fn service_master_key(st: &State) -> Result<Vec<u8>, ServerError> {
    st.db(MASTER_DB)
        .and_then(|d| d.sec.service_master_key.as_ref())
        .map(|k| k.key.clone())
        .ok_or_else(|| crypto_error("service master key"))
}

/// The database master key in clear: the one the session opened, or the one the service
/// master key protects. 15581 when neither is available.
pub fn database_master_key(st: &State, db: i32, open: &OpenKeys) -> Result<Vec<u8>, ServerError> {
    if let Some(k) = open.get(&db) {
        return Ok(k.clone());
    }
    let d = db_of(st, db)?;
    let mk = d.sec.master_key.as_ref().ok_or_else(master_key_missing)?;
    let smk = st
        .db(MASTER_DB)
        .and_then(|m| m.sec.service_master_key.as_ref())
        .ok_or_else(master_key_missing)?;
    mk.by_service_master_key
        .as_ref()
        .and_then(|w| unwrap_with_key(w, &smk.key))
        .ok_or_else(master_key_missing)
}

// ---------------------------------------------------------------- master keys

/// CREATE MASTER KEY ENCRYPTION BY PASSWORD = '…'.
pub fn create_master_key(
    st: &mut State,
    tx: &mut Txn,
    db: i32,
    password: &str,
    now: Ts,
) -> Result<(), ServerError> {
    if db_of(st, db)?.sec.master_key.is_some() {
        return Err(ServerError::new(
            15578,
            "There is already a master key in the database. Please drop it before performing this statement.",
        ));
    }
    check_password(password)?;
    let key = random_bytes(32);
    let smk = service_master_key(st)?;
    let rec = MasterKeyRec {
        id: MASTER_KEY_ID,
        guid: Uuid::new_v4(),
        created: now,
        modified: now,
        by_passwords: vec![wrap_with_password(password, &key)?],
        by_service_master_key: Some(wrap_with_key(&smk, &key)?),
    };
    txn::put_catalog(st, tx, db, CatObj::MasterKey(rec));
    // Messages held for want of a master key get another try.
    st.txq_dirty = true;
    Ok(())
}

/// OPEN MASTER KEY DECRYPTION BY PASSWORD = '…': returns the key for the session.
pub fn open_master_key(st: &State, db: i32, password: &str) -> Result<Vec<u8>, ServerError> {
    let mk = db_of(st, db)?
        .sec
        .master_key
        .as_ref()
        .ok_or_else(master_key_missing)?;
    mk.by_passwords
        .iter()
        .find_map(|w| unwrap_with_password(w, password))
        .ok_or_else(wrong_password)
}

/// What ALTER MASTER KEY does.
#[derive(Debug, Clone)]
pub enum AlterMasterKey {
    /// `[FORCE] REGENERATE WITH ENCRYPTION BY PASSWORD = '…'`.
    Regenerate(String),
    /// `ADD ENCRYPTION BY PASSWORD = '…'`.
    AddPassword(String),
    /// `DROP ENCRYPTION BY PASSWORD = '…'`.
    DropPassword(String),
    /// `ADD ENCRYPTION BY SERVICE MASTER KEY`.
    AddServiceKey,
    /// `DROP ENCRYPTION BY SERVICE MASTER KEY`.
    DropServiceKey,
}

/// ALTER MASTER KEY.
pub fn alter_master_key(
    st: &mut State,
    tx: &mut Txn,
    db: i32,
    action: &AlterMasterKey,
    open_keys: &OpenKeys,
    now: Ts,
) -> Result<(), ServerError> {
    let mut mk = db_of(st, db)?
        .sec
        .master_key
        .clone()
        .ok_or_else(master_key_missing)?;
    let key = database_master_key(st, db, open_keys)?;
    match action {
        AlterMasterKey::Regenerate(pw) => {
            check_password(pw)?;
            let new_key = random_bytes(32);
            // Re-protect every private key the old master key protects.
            let certs: Vec<CertificateRec> =
                db_of(st, db)?.sec.certificates.values().cloned().collect();
            for mut c in certs {
                if let Some((KeyProtection::MasterKey, w)) = &c.private_key {
                    let pk8 =
                        unwrap_with_key(w, &key).ok_or_else(|| crypto_error("certificate"))?;
                    c.private_key =
                        Some((KeyProtection::MasterKey, wrap_with_key(&new_key, &pk8)?));
                    txn::put_catalog(st, tx, db, CatObj::Certificate(c));
                }
            }
            let smk = service_master_key(st)?;
            mk.by_passwords = vec![wrap_with_password(pw, &new_key)?];
            if mk.by_service_master_key.is_some() {
                mk.by_service_master_key = Some(wrap_with_key(&smk, &new_key)?);
            }
        }
        AlterMasterKey::AddPassword(pw) => {
            check_password(pw)?;
            if mk
                .by_passwords
                .iter()
                .any(|w| unwrap_with_password(w, pw).is_some())
            {
                return Err(ServerError::new(
                    15579,
                    "Adding an encryption to the symmetric key failed. An encryption by the same password 'master key' may already exist.",
                ));
            }
            mk.by_passwords.push(wrap_with_password(pw, &key)?);
        }
        AlterMasterKey::DropPassword(pw) => {
            let before = mk.by_passwords.len();
            mk.by_passwords
                .retain(|w| unwrap_with_password(w, pw).is_none());
            if mk.by_passwords.len() == before {
                return Err(wrong_password());
            }
            if mk.by_passwords.is_empty() {
                return Err(ServerError::new(
                    15590,
                    "Can only drop the master key encryption by password if the master key is also encrypted by another password.",
                ));
            }
        }
        AlterMasterKey::AddServiceKey => {
            let smk = service_master_key(st)?;
            mk.by_service_master_key = Some(wrap_with_key(&smk, &key)?);
        }
        AlterMasterKey::DropServiceKey => {
            mk.by_service_master_key = None;
        }
    }
    mk.modified = now;
    txn::put_catalog(st, tx, db, CatObj::MasterKey(mk));
    st.txq_dirty = true;
    Ok(())
}

/// DROP MASTER KEY (refused while a certificate's private key depends on it).
pub fn drop_master_key(st: &mut State, tx: &mut Txn, db: i32) -> Result<(), ServerError> {
    let d = db_of(st, db)?;
    if d.sec.master_key.is_none() {
        return Err(ServerError::new(
            15151,
            "Cannot drop the master key, because it does not exist or you do not have permission.",
        ));
    }
    if let Some(c) = d
        .sec
        .certificates
        .values()
        .find(|c| matches!(c.private_key, Some((KeyProtection::MasterKey, _))))
    {
        return Err(ServerError::new(
            15580,
            format!(
                "Cannot drop master key because certificate '{}' is encrypted by it.",
                c.name
            ),
        ));
    }
    txn::remove_catalog(st, tx, db, CatKind::MasterKey, MASTER_KEY_ID);
    Ok(())
}

// ---------------------------------------------------------------- certificates

/// Where CREATE CERTIFICATE takes the certificate from.
#[derive(Debug, Clone)]
pub enum CertSource {
    /// `WITH SUBJECT = …`: a new self-signed RSA-2048 certificate.
    Generate {
        /// Subject (common name).
        subject: String,
        /// START_DATE (default: now).
        start: Option<Ts>,
        /// EXPIRY_DATE (default: one year after the start).
        expiry: Option<Ts>,
    },
    /// `FROM FILE` / `FROM BINARY`: an existing certificate.
    Import {
        /// DER bytes.
        der: Vec<u8>,
        /// Its private-key file and the password that decrypts it.
        private_key: Option<(Vec<u8>, String)>,
    },
}

/// CREATE CERTIFICATE. `encryption_password` protects the private key by password
/// (`ENCRYPTION BY PASSWORD`); otherwise the database master key protects it.
#[allow(clippy::too_many_arguments)]
pub fn create_certificate(
    st: &mut State,
    tx: &mut Txn,
    db: i32,
    name: &str,
    owner: i32,
    source: &CertSource,
    encryption_password: Option<&str>,
    active: bool,
    open_keys: &OpenKeys,
    now: Ts,
) -> Result<i32, ServerError> {
    let duplicate = || {
        ServerError::new(
            15232,
            format!(
                "A certificate with name '{name}' already exists or this certificate already has been added to the database."
            ),
        )
    };
    let d = db_of(st, db)?;
    if certificate_by_name(d, name).is_some() {
        return Err(duplicate());
    }
    let (der, pk8) = match source {
        CertSource::Generate {
            subject,
            start,
            expiry,
        } => {
            let start = start.unwrap_or(now);
            // An expiry before the start is allowed (SQL Server warns with 15213): such a
            // certificate exists but is never valid for dialog security.
            let expiry = expiry.unwrap_or(start + 365 * 86_400 * 1_000_000);
            let (der, pk) = generate_certificate(subject, start, expiry)?;
            (der, Some(pk))
        }
        CertSource::Import { der, private_key } => {
            cert_info(der)?;
            let pk = match private_key {
                None => None,
                Some((bytes, pw)) => {
                    let pk8 = import_private_key(bytes, pw)?;
                    if !private_key_matches(der, &pk8) {
                        return Err(key_mismatch());
                    }
                    Some(pk8)
                }
            };
            (der.clone(), pk)
        }
    };
    let tp = thumbprint(&der);
    if d.sec
        .certificates
        .values()
        .any(|c| thumbprint(&c.der) == tp)
    {
        return Err(duplicate());
    }
    let private_key = match (&pk8, encryption_password) {
        (None, _) => None,
        (Some(pk), Some(pw)) => {
            check_password(pw)?;
            Some((KeyProtection::Password, wrap_with_password(pw, pk)?))
        }
        (Some(pk), None) => {
            let key = database_master_key(st, db, open_keys)?;
            Some((KeyProtection::MasterKey, wrap_with_key(&key, pk)?))
        }
    };
    let d = db_of(st, db)?;
    let id = d
        .sec
        .certificates
        .keys()
        .next_back()
        .map_or(FIRST_CERTIFICATE_ID, |m| m + 1);
    let rec = CertificateRec {
        id,
        name: name.into(),
        principal_id: owner,
        der,
        private_key,
        active_for_begin_dialog: active,
        last_backup: None,
    };
    txn::put_catalog(st, tx, db, CatObj::Certificate(rec));
    Ok(id)
}

fn cert_named(st: &State, db: i32, name: &str) -> Result<CertificateRec, ServerError> {
    certificate_by_name(db_of(st, db)?, name)
        .cloned()
        .ok_or_else(|| not_found("certificate", name))
}

/// The private key of a certificate protected by its database's master key, opened with
/// the service master key (as the broker does unattended); for the transport's TLS.
pub(crate) fn certificate_private_key(
    st: &State,
    db: i32,
    c: &CertificateRec,
) -> Result<Vec<u8>, ServerError> {
    private_key_of(st, db, c, None, &OpenKeys::new())
}

/// The private key of a certificate in clear (PKCS#8).
fn private_key_of(
    st: &State,
    db: i32,
    c: &CertificateRec,
    password: Option<&str>,
    open_keys: &OpenKeys,
) -> Result<Vec<u8>, ServerError> {
    match &c.private_key {
        None => Err(ServerError::new(
            15246,
            format!(
                "Cannot dump the private key of certificate '{}' because the private key cannot be found.",
                c.name
            ),
        )),
        Some((KeyProtection::Password, w)) => {
            let pw = password.ok_or_else(|| {
                ServerError::new(
                    15556,
                    "Cannot decrypt or encrypt using the specified certificate, either because it has no private key or because the password provided for the private key is incorrect.",
                )
            })?;
            unwrap_with_password(w, pw).ok_or_else(wrong_password)
        }
        Some((KeyProtection::MasterKey, w)) => {
            let key = database_master_key(st, db, open_keys)?;
            unwrap_with_key(w, &key).ok_or_else(|| crypto_error("certificate private key"))
        }
    }
}

/// What ALTER CERTIFICATE does.
#[derive(Debug, Clone)]
pub enum AlterCertificate {
    /// `WITH ACTIVE FOR BEGIN_DIALOG = ON | OFF`.
    Active(bool),
    /// `REMOVE PRIVATE KEY`.
    RemovePrivateKey,
    /// `WITH PRIVATE KEY ( [FILE = …] [, DECRYPTION BY PASSWORD = …] [, ENCRYPTION BY PASSWORD = …] )`.
    PrivateKey {
        /// Contents of the private-key file, when FILE is given.
        file: Option<Vec<u8>>,
        /// DECRYPTION BY PASSWORD.
        decryption: Option<String>,
        /// ENCRYPTION BY PASSWORD (`None`: the database master key).
        encryption: Option<String>,
    },
}

/// ALTER CERTIFICATE.
pub fn alter_certificate(
    st: &mut State,
    tx: &mut Txn,
    db: i32,
    name: &str,
    action: &AlterCertificate,
    open_keys: &OpenKeys,
) -> Result<(), ServerError> {
    let mut c = cert_named(st, db, name)?;
    match action {
        AlterCertificate::Active(on) => c.active_for_begin_dialog = *on,
        AlterCertificate::RemovePrivateKey => c.private_key = None,
        AlterCertificate::PrivateKey {
            file,
            decryption,
            encryption,
        } => {
            let pk8 = match file {
                Some(bytes) => {
                    let pk8 = import_private_key(bytes, decryption.as_deref().unwrap_or(""))?;
                    if !private_key_matches(&c.der, &pk8) {
                        return Err(key_mismatch());
                    }
                    pk8
                }
                None => private_key_of(st, db, &c, decryption.as_deref(), open_keys)?,
            };
            c.private_key = Some(match encryption {
                Some(pw) => {
                    check_password(pw)?;
                    (KeyProtection::Password, wrap_with_password(pw, &pk8)?)
                }
                None => {
                    let key = database_master_key(st, db, open_keys)?;
                    (KeyProtection::MasterKey, wrap_with_key(&key, &pk8)?)
                }
            });
        }
    }
    txn::put_catalog(st, tx, db, CatObj::Certificate(c));
    Ok(())
}

/// BACKUP CERTIFICATE: the DER certificate and, when asked (`(decryption, encryption)`
/// passwords), the private-key file.
pub fn backup_certificate(
    st: &mut State,
    tx: &mut Txn,
    db: i32,
    name: &str,
    private_key: Option<(Option<&str>, &str)>,
    open_keys: &OpenKeys,
    now: Ts,
) -> Result<(Vec<u8>, Option<Vec<u8>>), ServerError> {
    let mut c = cert_named(st, db, name)?;
    let Some((decryption, encryption)) = private_key else {
        return Ok((c.der, None));
    };
    check_password(encryption)?;
    let pk8 = private_key_of(st, db, &c, decryption, open_keys)?;
    let file = export_private_key(&pk8, encryption)?;
    let der = c.der.clone();
    c.last_backup = Some(now);
    txn::put_catalog(st, tx, db, CatObj::Certificate(c));
    Ok((der, Some(file)))
}

/// DROP CERTIFICATE (refused while a user, login or signature depends on it).
pub fn drop_certificate(
    st: &mut State,
    tx: &mut Txn,
    db: i32,
    name: &str,
) -> Result<(), ServerError> {
    let c = cert_named(st, db, name)?;
    let d = db_of(st, db)?;
    let used_by_signature = d.sec.signatures.values().any(|s| s.certificate_id == c.id);
    let used_by_login = db == MASTER_DB
        && d.sec
            .logins
            .values()
            .any(|l| l.certificate_id == Some(c.id));
    let used_by_endpoint = db == MASTER_DB
        && d.sec
            .endpoints
            .values()
            .any(|e| e.certificate_id == Some(c.id));
    if used_by_signature || used_by_login || used_by_endpoint {
        return Err(ServerError::new(
            15352,
            format!(
                "The certificate '{name}' cannot be dropped because one or more entities are either signed or encrypted using it."
            ),
        ));
    }
    txn::remove_catalog(st, tx, db, CatKind::Certificate, c.id);
    Ok(())
}

/// ADD SIGNATURE TO object BY CERTIFICATE c [WITH PASSWORD = …]: signs the module's
/// definition with the certificate's private key.
#[allow(clippy::too_many_arguments)]
pub fn add_signature(
    st: &mut State,
    tx: &mut Txn,
    db: i32,
    object_id: i32,
    definition: &str,
    cert: &str,
    password: Option<&str>,
    open_keys: &OpenKeys,
) -> Result<(), ServerError> {
    let c = cert_named(st, db, cert)?;
    let d = db_of(st, db)?;
    if d.sec
        .signatures
        .values()
        .any(|s| s.object_id == object_id && s.certificate_id == c.id)
    {
        return Err(ServerError::new(
            15557,
            format!("There is already a signature by certificate '{cert}'."),
        ));
    }
    let pk8 = private_key_of(st, db, &c, password, open_keys)?;
    let signature = rsa_sign(&pk8, definition.as_bytes())?;
    let id = db_of(st, db)?
        .sec
        .signatures
        .keys()
        .next_back()
        .map_or(1, |m| m + 1);
    txn::put_catalog(
        st,
        tx,
        db,
        CatObj::Signature(SignatureRec {
            id,
            object_id,
            certificate_id: c.id,
            signature,
        }),
    );
    Ok(())
}

/// DROP SIGNATURE FROM object BY CERTIFICATE c.
pub fn drop_signature(
    st: &mut State,
    tx: &mut Txn,
    db: i32,
    object_id: i32,
    cert: &str,
) -> Result<(), ServerError> {
    let c = cert_named(st, db, cert)?;
    let id = db_of(st, db)?
        .sec
        .signatures
        .values()
        .find(|s| s.object_id == object_id && s.certificate_id == c.id)
        .map(|s| s.id)
        .ok_or_else(|| {
            ServerError::new(
                15151,
                format!("Cannot find the signature by certificate '{cert}', because it does not exist or you do not have permission."),
            )
        })?;
    txn::remove_catalog(st, tx, db, CatKind::Signature, id);
    Ok(())
}

/// Removes every signature of a module (its definition changed: ALTER / DROP).
pub fn drop_signatures_of(st: &mut State, tx: &mut Txn, db: i32, object_id: i32) {
    let ids: Vec<i32> = st.db(db).map_or_else(Vec::new, |d| {
        d.sec
            .signatures
            .values()
            .filter(|s| s.object_id == object_id)
            .map(|s| s.id)
            .collect()
    });
    for id in ids {
        txn::remove_catalog(st, tx, db, CatKind::Signature, id);
    }
}

// ---------------------------------------------------------------- remote service bindings

fn check_binding_user(d: &Db, user: &str) -> Result<i32, ServerError> {
    let p = d
        .principals
        .values()
        .find(|p| p.name.eq_ignore_ascii_case(user))
        .ok_or_else(|| {
            ServerError::new(
                15151,
                format!(
                    "Cannot find the user '{user}', because it does not exist or you do not have permission."
                ),
            )
        })?;
    if p.kind != "S" || p.id < 5 {
        return Err(ServerError::new(
            28083,
            format!(
                "The database principal '{user}' cannot be used in a remote service binding because it cannot own certificates. Remote service bindings cannot be associated with 1) roles, 2) groups or 3) principals mapped to certificates or asymmetric keys."
            ),
        ));
    }
    Ok(p.id)
}

/// CREATE REMOTE SERVICE BINDING.
#[allow(clippy::too_many_arguments)]
pub fn create_binding(
    st: &mut State,
    tx: &mut Txn,
    db: i32,
    name: &str,
    owner: i32,
    service: &str,
    user: &str,
    anonymous: bool,
) -> Result<i32, ServerError> {
    let d = db_of(st, db)?;
    if d.sec
        .bindings
        .values()
        .any(|b| b.name.eq_ignore_ascii_case(name))
    {
        return Err(crate::catalog::already_exists(name));
    }
    if d.sec
        .bindings
        .values()
        .any(|b| b.remote_service_name == service)
    {
        return Err(ServerError::new(
            9619,
            format!(
                "Failed to create remote service binding '{name}'. A remote service binding for service '{service}' already exists."
            ),
        ));
    }
    let remote_principal_id = check_binding_user(d, user)?;
    let id = d.sec.bindings.keys().next_back().map_or(65536, |m| m + 1);
    txn::put_catalog(
        st,
        tx,
        db,
        CatObj::RemoteServiceBinding(RemoteServiceBindingRec {
            id,
            name: name.into(),
            principal_id: owner,
            remote_service_name: service.into(),
            remote_principal_id,
            anonymous,
        }),
    );
    Ok(id)
}

fn binding_named(st: &State, db: i32, name: &str) -> Result<RemoteServiceBindingRec, ServerError> {
    db_of(st, db)?
        .sec
        .bindings
        .values()
        .find(|b| b.name.eq_ignore_ascii_case(name))
        .cloned()
        .ok_or_else(|| not_found("remote service binding", name))
}

/// ALTER REMOTE SERVICE BINDING.
pub fn alter_binding(
    st: &mut State,
    tx: &mut Txn,
    db: i32,
    name: &str,
    user: Option<&str>,
    anonymous: Option<bool>,
) -> Result<(), ServerError> {
    let mut b = binding_named(st, db, name)?;
    if let Some(u) = user {
        b.remote_principal_id = check_binding_user(db_of(st, db)?, u)?;
    }
    if let Some(a) = anonymous {
        b.anonymous = a;
    }
    txn::put_catalog(st, tx, db, CatObj::RemoteServiceBinding(b));
    Ok(())
}

/// DROP REMOTE SERVICE BINDING.
pub fn drop_binding(st: &mut State, tx: &mut Txn, db: i32, name: &str) -> Result<(), ServerError> {
    let b = binding_named(st, db, name)?;
    txn::remove_catalog(st, tx, db, CatKind::RemoteServiceBinding, b.id);
    Ok(())
}

// ---------------------------------------------------------------- logins

/// How a login authenticates.
#[derive(Debug, Clone)]
pub enum LoginKind {
    /// `WITH PASSWORD = …`.
    Password(String),
    /// `FROM WINDOWS`.
    Windows,
    /// `FROM CERTIFICATE c` (a certificate in master).
    Certificate(String),
}

/// Fixed server principals (`sa`, `public`, fixed server roles).
pub const FIXED_SERVER_PRINCIPALS: &[(i32, &str, &str, &str)] = &[
    (1, "sa", "S", "SQL_LOGIN"),
    (2, "public", "R", "SERVER_ROLE"),
    (3, "sysadmin", "R", "SERVER_ROLE"),
    (4, "securityadmin", "R", "SERVER_ROLE"),
    (5, "serveradmin", "R", "SERVER_ROLE"),
    (6, "setupadmin", "R", "SERVER_ROLE"),
    (7, "processadmin", "R", "SERVER_ROLE"),
    (8, "diskadmin", "R", "SERVER_ROLE"),
    (9, "dbcreator", "R", "SERVER_ROLE"),
    (10, "bulkadmin", "R", "SERVER_ROLE"),
];

/// A login's principal id by name (fixed principals included).
pub fn login_id(st: &State, name: &str) -> Option<i32> {
    if let Some((id, ..)) = FIXED_SERVER_PRINCIPALS
        .iter()
        .find(|(_, n, ..)| n.eq_ignore_ascii_case(name))
    {
        return Some(*id);
    }
    st.db(MASTER_DB)?
        .sec
        .logins
        .values()
        .find(|l| l.name.eq_ignore_ascii_case(name))
        .map(|l| l.id)
}

/// A login's name by principal id (fixed principals included).
pub fn login_name(st: &State, id: i32) -> Option<String> {
    if let Some((_, n, ..)) = FIXED_SERVER_PRINCIPALS.iter().find(|(i, ..)| *i == id) {
        return Some((*n).to_string());
    }
    st.db(MASTER_DB)?
        .sec
        .logins
        .get(&id)
        .map(|l| l.name.clone())
}

/// CREATE LOGIN.
pub fn create_login(
    st: &mut State,
    tx: &mut Txn,
    name: &str,
    kind: &LoginKind,
    now: Ts,
) -> Result<i32, ServerError> {
    if login_id(st, name).is_some() {
        return Err(ServerError::new(
            15025,
            format!("The server principal '{name}' already exists."),
        ));
    }
    let master = db_of(st, MASTER_DB)?;
    let (kind, password, certificate_id) = match kind {
        LoginKind::Password(pw) => {
            check_password(pw)?;
            ("S", Some(wrap_with_password(pw, b"login")?), None)
        }
        LoginKind::Windows => ("U", None, None),
        LoginKind::Certificate(c) => {
            let cert = certificate_by_name(master, c).ok_or_else(|| not_found("certificate", c))?;
            ("C", None, Some(cert.id))
        }
    };
    let id = master
        .sec
        .logins
        .keys()
        .next_back()
        .map_or(FIRST_LOGIN_ID, |m| m + 1);
    let rec = LoginRec {
        id,
        name: name.into(),
        kind: kind.into(),
        sid: random_bytes(16),
        password,
        certificate_id,
        created: now,
    };
    txn::put_catalog(st, tx, MASTER_DB, CatObj::Login(rec));
    Ok(id)
}

impl crate::Instance {
    /// Checks a SQL login's password (a login made with CREATE LOGIN … WITH PASSWORD).
    /// The key derivation runs outside the state lock, so a login never stalls the engine.
    pub fn check_login_password(&self, name: &str, password: &str) -> bool {
        let wrapped = self.with_state(|st| {
            st.db(MASTER_DB)
                .and_then(|m| {
                    m.sec
                        .logins
                        .values()
                        .find(|l| l.name.eq_ignore_ascii_case(name))
                })
                .and_then(|l| l.password.clone())
        });
        wrapped.is_some_and(|w| unwrap_with_password(&w, password).is_some())
    }
}

/// DROP LOGIN.
pub fn drop_login(st: &mut State, tx: &mut Txn, name: &str) -> Result<(), ServerError> {
    let id = st
        .db(MASTER_DB)
        .and_then(|m| {
            m.sec
                .logins
                .values()
                .find(|l| l.name.eq_ignore_ascii_case(name))
        })
        .map(|l| l.id)
        .ok_or_else(|| {
            ServerError::new(
                15151,
                format!(
                    "Cannot drop the login '{name}', because it does not exist or you do not have permission."
                ),
            )
        })?;
    txn::remove_catalog(st, tx, MASTER_DB, CatKind::Login, id);
    // CONNECT grants of the login go with it.
    let eps: Vec<EndpointDefRec> = st
        .db(MASTER_DB)
        .map(|m| m.sec.endpoints.values().cloned().collect())
        .unwrap_or_default();
    for mut e in eps {
        if e.connect.contains(&id) {
            e.connect.retain(|l| *l != id);
            txn::put_catalog(st, tx, MASTER_DB, CatObj::EndpointDef(e));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------- endpoints

/// `type` of a SERVICE_BROKER endpoint.
pub const ENDPOINT_SERVICE_BROKER: u8 = 3;
/// `type` of a DATABASE_MIRRORING endpoint.
pub const ENDPOINT_DATABASE_MIRRORING: u8 = 4;

/// The options of CREATE / ALTER ENDPOINT, already resolved to catalog codes.
#[derive(Debug, Clone, Default)]
pub struct EndpointOptions {
    /// Owner login name (AUTHORIZATION).
    pub owner: Option<String>,
    /// `state` code.
    pub state: Option<u8>,
    /// LISTENER_PORT.
    pub port: Option<i32>,
    /// LISTENER_IP (`Some(None)` = ALL).
    pub ip: Option<Option<String>>,
    /// `type` (CREATE only).
    pub kind: Option<u8>,
    /// `connection_auth` code and the certificate name it uses.
    pub auth: Option<(u8, Option<String>)>,
    /// `encryption_algorithm` code.
    pub encryption: Option<u8>,
    /// MESSAGE_FORWARDING.
    pub forwarding: Option<bool>,
    /// MESSAGE_FORWARD_SIZE.
    pub forward_size: Option<i32>,
    /// ROLE (mirroring).
    pub role: Option<u8>,
}

fn endpoint_named(st: &State, name: &str) -> Result<EndpointDefRec, ServerError> {
    st.db(MASTER_DB)
        .and_then(|m| {
            m.sec
                .endpoints
                .values()
                .find(|e| e.name.eq_ignore_ascii_case(name))
        })
        .cloned()
        .ok_or_else(|| not_found("endpoint", name))
}

fn apply_endpoint_options(
    st: &State,
    e: &mut EndpointDefRec,
    o: &EndpointOptions,
) -> Result<(), ServerError> {
    if let Some(s) = o.state {
        e.state = s;
    }
    if let Some(p) = o.port {
        if !(1..=65535).contains(&p) {
            return Err(ServerError::new(
                7811,
                format!("The port number {p} is not valid: use a port from 1024 to 32767."),
            ));
        }
        e.port = p;
    }
    if let Some(ip) = &o.ip {
        e.ip = ip.clone();
    }
    if let Some((code, cert)) = &o.auth {
        e.auth = *code;
        e.certificate_id = match cert {
            None => None,
            Some(c) => {
                let master = db_of(st, MASTER_DB)?;
                Some(
                    certificate_by_name(master, c)
                        .ok_or_else(|| not_found("certificate", c))?
                        .id,
                )
            }
        };
    }
    if let Some(x) = o.encryption {
        e.encryption = x;
    }
    if let Some(f) = o.forwarding {
        e.forwarding = f;
    }
    if let Some(s) = o.forward_size {
        e.forward_size = s;
    }
    if let Some(r) = o.role {
        e.role = r;
    }
    Ok(())
}

/// CREATE ENDPOINT.
pub fn create_endpoint(
    st: &mut State,
    tx: &mut Txn,
    name: &str,
    o: &EndpointOptions,
) -> Result<i32, ServerError> {
    let kind = o.kind.unwrap_or(ENDPOINT_SERVICE_BROKER);
    let master = db_of(st, MASTER_DB)?;
    if master
        .sec
        .endpoints
        .values()
        .any(|e| e.name.eq_ignore_ascii_case(name))
    {
        return Err(ServerError::new(
            7862,
            format!(
                "An endpoint named '{name}' already exists. Use ALTER ENDPOINT or DROP the existing endpoint and execute the CREATE ENDPOINT statement."
            ),
        ));
    }
    if master.sec.endpoints.values().any(|e| e.kind == kind) {
        return Err(ServerError::new(
            7862,
            "An endpoint of the requested type already exists. Only one endpoint of this type is supported. Use ALTER ENDPOINT or DROP the existing endpoint and execute the CREATE ENDPOINT statement.",
        ));
    }
    let principal_id = match &o.owner {
        None => 1,
        Some(l) => login_id(st, l).ok_or_else(|| not_found("login", l))?,
    };
    let id = master
        .sec
        .endpoints
        .keys()
        .next_back()
        .map_or(FIRST_ENDPOINT_ID, |m| m + 1);
    let mut e = EndpointDefRec {
        id,
        name: name.into(),
        principal_id,
        kind,
        state: 1,
        port: 4022,
        ip: None,
        auth: 3,
        certificate_id: None,
        encryption: 2,
        forwarding: false,
        forward_size: 10,
        role: 0,
        connect: Vec::new(),
    };
    apply_endpoint_options(st, &mut e, o)?;
    txn::put_catalog(st, tx, MASTER_DB, CatObj::EndpointDef(e));
    Ok(id)
}

/// ALTER ENDPOINT.
pub fn alter_endpoint(
    st: &mut State,
    tx: &mut Txn,
    name: &str,
    o: &EndpointOptions,
) -> Result<(), ServerError> {
    let mut e = endpoint_named(st, name)?;
    if o.kind.is_some_and(|k| k != e.kind) {
        return Err(ServerError::new(
            7860,
            "An endpoint's transport or content cannot be changed through the ALTER ENDPOINT statement. Use DROP ENDPOINT and execute the CREATE ENDPOINT statement to make these changes.",
        ));
    }
    apply_endpoint_options(st, &mut e, o)?;
    txn::put_catalog(st, tx, MASTER_DB, CatObj::EndpointDef(e));
    Ok(())
}

/// DROP ENDPOINT.
pub fn drop_endpoint(st: &mut State, tx: &mut Txn, name: &str) -> Result<(), ServerError> {
    let e = endpoint_named(st, name)?;
    txn::remove_catalog(st, tx, MASTER_DB, CatKind::EndpointDef, e.id);
    Ok(())
}

/// GRANT / REVOKE CONNECT ON ENDPOINT::e TO login.
pub fn endpoint_connect(
    st: &mut State,
    tx: &mut Txn,
    endpoint: &str,
    login: &str,
    grant: bool,
) -> Result<(), ServerError> {
    let mut e = endpoint_named(st, endpoint)?;
    let lid = login_id(st, login).ok_or_else(|| not_found("login", login))?;
    if grant {
        if !e.connect.contains(&lid) {
            e.connect.push(lid);
        }
    } else {
        e.connect.retain(|l| *l != lid);
    }
    txn::put_catalog(st, tx, MASTER_DB, CatObj::EndpointDef(e));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_round_trips_and_rejects_wrong_secrets() {
        let w = wrap_with_password("pw1", b"secret").unwrap();
        assert_eq!(unwrap_with_password(&w, "pw1").unwrap(), b"secret");
        assert!(unwrap_with_password(&w, "pw2").is_none());
        let k = random_bytes(32);
        let w = wrap_with_key(&k, b"data").unwrap();
        assert_eq!(unwrap_with_key(&w, &k).unwrap(), b"data");
        assert!(unwrap_with_key(&w, &random_bytes(32)).is_none());
    }

    #[test]
    fn generated_certificates_sign_and_verify() {
        let start = 1_199_145_600_000_000;
        let (der, pk8) = generate_certificate("Test cert", start, start + 86_400_000_000).unwrap();
        let info = cert_info(&der).unwrap();
        assert_eq!(info.subject, "Test cert");
        assert_eq!(info.issuer, "Test cert");
        assert_eq!(info.key_bits, 2048);
        assert_eq!(info.start, start);
        assert!(private_key_matches(&der, &pk8));
        let sig = rsa_sign(&pk8, b"module text").unwrap();
        assert!(verify_signature(&der, b"module text", &sig));
        assert!(!verify_signature(&der, b"module text!", &sig));
        let file = export_private_key(&pk8, "pw").unwrap();
        assert_eq!(import_private_key(&file, "pw").unwrap(), pk8);
        assert_eq!(import_private_key(&file, "nope").unwrap_err().number, 15466);
    }
}
