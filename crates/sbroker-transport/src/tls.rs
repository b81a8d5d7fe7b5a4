//! TLS for broker links (rustls, TLS 1.3, AES-GCM suites only: `ALGORITHM AES`).
//!
//! Both sides present their endpoint's certificate (CREATE CERTIFICATE in master) and
//! prove they hold its private key through the TLS handshake's CertificateVerify, which the
//! verifiers here check against the presented certificate's public key. No chain of trust
//! is involved: who may connect is decided afterwards by pinning, i.e. by finding the exact
//! certificate in master owned by a login with CONNECT on the endpoint
//! ([`sbroker_engine::Instance::authorize_peer_certificate`]), before any frame of the peer
//! is read.

use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{DigitallySignedStruct, DistinguishedName, SignatureScheme};
use sbroker_engine::EndpointIdentity;

fn provider() -> CryptoProvider {
    let mut p = rustls::crypto::aws_lc_rs::default_provider();
    // ALGORITHM AES: the AES-GCM suites of TLS 1.3.
    p.cipher_suites = vec![
        rustls::crypto::aws_lc_rs::cipher_suite::TLS13_AES_256_GCM_SHA384,
        rustls::crypto::aws_lc_rs::cipher_suite::TLS13_AES_128_GCM_SHA256,
    ];
    p
}

/// Accepts any certificate at the TLS layer but checks every handshake signature against
/// it: possession of the private key is proven here, authorization comes after.
#[derive(Debug)]
struct PossessionVerifier {
    algorithms: WebPkiSupportedAlgorithms,
}

impl PossessionVerifier {
    fn new() -> Arc<Self> {
        Arc::new(Self {
            algorithms: provider().signature_verification_algorithms,
        })
    }
}

// Both verifier traits check signatures the same way: these are the one copy.
impl PossessionVerifier {
    fn tls12(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn tls13(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

impl ServerCertVerifier for PossessionVerifier {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.tls12(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.tls13(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.schemes()
    }
}

impl ClientCertVerifier for PossessionVerifier {
    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &[]
    }

    fn verify_client_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        Ok(ClientCertVerified::assertion())
    }

    fn client_auth_mandatory(&self) -> bool {
        true
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.tls12(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.tls13(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.schemes()
    }
}

fn key_of(id: &EndpointIdentity) -> (Vec<CertificateDer<'static>>, PrivateKeyDer<'static>) {
    (
        vec![CertificateDer::from(id.cert_der.clone())],
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(id.private_key_pkcs8.clone())),
    )
}

/// The connecting side's configuration.
pub fn client_config(id: &EndpointIdentity) -> Result<Arc<rustls::ClientConfig>, String> {
    let (chain, key) = key_of(id);
    let c = rustls::ClientConfig::builder_with_provider(Arc::new(provider()))
        .with_protocol_versions(&[&rustls::version::TLS13])
        .map_err(|e| e.to_string())?
        .dangerous()
        .with_custom_certificate_verifier(PossessionVerifier::new())
        .with_client_auth_cert(chain, key)
        .map_err(|e| format!("the endpoint's certificate cannot be used for TLS: {e}"))?;
    Ok(Arc::new(c))
}

/// The listening side's configuration.
pub fn server_config(id: &EndpointIdentity) -> Result<Arc<rustls::ServerConfig>, String> {
    let (chain, key) = key_of(id);
    let mut c = rustls::ServerConfig::builder_with_provider(Arc::new(provider()))
        .with_protocol_versions(&[&rustls::version::TLS13])
        .map_err(|e| e.to_string())?
        .with_client_cert_verifier(PossessionVerifier::new())
        .with_single_cert(chain, key)
        .map_err(|e| format!("the endpoint's certificate cannot be used for TLS: {e}"))?;
    // No resumption: every link proves its certificate afresh, and no ticket records
    // follow the handshake (the switch to a plain link counts records, see channel.rs).
    c.send_tls13_tickets = 0;
    Ok(Arc::new(c))
}

/// The name the connector puts in its ClientHello. Identity is pinned by certificate,
/// not by name, so this is a fixed label.
pub fn server_name() -> ServerName<'static> {
    ServerName::try_from("sbroker-endpoint").expect("a valid DNS name")
}
