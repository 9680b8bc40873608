//! Certificates for every port: files, one from an ACME CA (`acme.rs`), or a
//! self-signed one for local use. The certificate can be replaced while the
//! worker runs (a renewal), and during an ACME order a validator asking for
//! `acme-tls/1` gets the challenge certificate instead.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, RwLock};

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use rustls::ServerConfig;

/// The ALPN protocol of TLS-ALPN-01 validation (RFC 8737).
pub const ACME_TLS_ALPN: &[u8] = b"acme-tls/1";

#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("cannot read the certificate file {path}: {reason}")]
    CertificateFile { path: String, reason: String },
    #[error("the certificate file {path} holds no PEM certificate")]
    NoCertificate { path: String },
    #[error("cannot read the private key file {path}: {reason}")]
    KeyFile { path: String, reason: String },
    #[error("the certificate and key do not fit together: {0}")]
    Mismatch(String),
    #[error("cannot generate a self-signed certificate: {0}")]
    Generate(String),
}

pub struct Tls {
    pub config: Arc<ServerConfig>,
    /// Which certificate each handshake gets; replaceable while serving.
    pub resolver: Arc<CertResolver>,
    /// The leaf certificate at start-up, so tests (and a local browser) can trust it.
    pub certificate: CertificateDer<'static>,
    /// The same certificate chain and key as PEM, for coturn's TLS listener.
    pub cert_pem: String,
    pub key_pem: String,
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// A chain and its key, checked to belong together.
pub fn certified_key(
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
) -> Result<CertifiedKey, TlsError> {
    CertifiedKey::from_der(chain, key, &provider()).map_err(|e| TlsError::Mismatch(e.to_string()))
}

/// A chain and its key, the chain left unparsed: the ACME challenge
/// certificate carries a critical extension (acmeIdentifier) that webpki
/// refuses, and it is for the validator to read, not for us.
pub fn certified_key_unparsed(
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
) -> Result<CertifiedKey, TlsError> {
    let key = provider()
        .key_provider
        .load_private_key(key)
        .map_err(|e| TlsError::Mismatch(e.to_string()))?;
    Ok(CertifiedKey::new(chain, key))
}

/// Parses a PEM chain and key; `origin` names them in errors.
fn parse_pem(
    cert_pem: &str,
    key_pem: &str,
    origin: (&str, &str),
) -> Result<CertifiedKey, TlsError> {
    let chain = CertificateDer::pem_slice_iter(cert_pem.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| TlsError::CertificateFile {
            path: origin.0.to_owned(),
            reason: e.to_string(),
        })?;
    if chain.is_empty() {
        return Err(TlsError::NoCertificate {
            path: origin.0.to_owned(),
        });
    }
    let key = PrivateKeyDer::from_pem_slice(key_pem.as_bytes()).map_err(|e| TlsError::KeyFile {
        path: origin.1.to_owned(),
        reason: e.to_string(),
    })?;
    certified_key(chain, key)
}

/// The current certificate, and the ACME challenge certificates by name.
#[derive(Debug)]
pub struct CertResolver {
    current: RwLock<Arc<CertifiedKey>>,
    challenges: RwLock<HashMap<String, Arc<CertifiedKey>>>,
}

impl CertResolver {
    fn new(current: CertifiedKey) -> CertResolver {
        CertResolver {
            current: RwLock::new(Arc::new(current)),
            challenges: RwLock::new(HashMap::new()),
        }
    }

    /// Every handshake from now on gets this chain and key (connections
    /// already open keep theirs).
    pub fn replace_pem(&self, cert_pem: &str, key_pem: &str) -> Result<(), TlsError> {
        let key = parse_pem(cert_pem, key_pem, ("the new certificate", "its key"))?;
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(key);
        Ok(())
    }

    /// A validator connecting with `acme-tls/1` for `name` gets `key`.
    pub fn set_challenge(&self, name: &str, key: CertifiedKey) {
        self.challenges
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .insert(name.to_ascii_lowercase(), Arc::new(key));
    }

    pub fn clear_challenge(&self, name: &str) {
        self.challenges
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&name.to_ascii_lowercase());
    }
}

impl ResolvesServerCert for CertResolver {
    fn resolve(&self, hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        let validating = hello
            .alpn()
            .is_some_and(|mut protocols| protocols.any(|p| p == ACME_TLS_ALPN));
        if validating {
            // Only a challenge we set answers; anything else is refused.
            let name = hello.server_name()?.to_ascii_lowercase();
            return self
                .challenges
                .read()
                .unwrap_or_else(|p| p.into_inner())
                .get(&name)
                .cloned();
        }
        Some(
            self.current
                .read()
                .unwrap_or_else(|p| p.into_inner())
                .clone(),
        )
    }
}

impl Tls {
    pub fn from_files(cert_path: &Path, key_path: &Path) -> Result<Tls, TlsError> {
        let cert_pem =
            std::fs::read_to_string(cert_path).map_err(|e| TlsError::CertificateFile {
                path: cert_path.display().to_string(),
                reason: e.to_string(),
            })?;
        let key_pem = std::fs::read_to_string(key_path).map_err(|e| TlsError::KeyFile {
            path: key_path.display().to_string(),
            reason: e.to_string(),
        })?;
        let origin = (
            cert_path.display().to_string(),
            key_path.display().to_string(),
        );
        Self::from_pem_named(cert_pem, key_pem, (&origin.0, &origin.1))
    }

    /// A chain and key held in memory (an ACME certificate kept from before).
    pub fn from_pem(cert_pem: String, key_pem: String) -> Result<Tls, TlsError> {
        Self::from_pem_named(cert_pem, key_pem, ("the certificate", "its key"))
    }

    fn from_pem_named(
        cert_pem: String,
        key_pem: String,
        origin: (&str, &str),
    ) -> Result<Tls, TlsError> {
        let key = parse_pem(&cert_pem, &key_pem, origin)?;
        Self::build(key, cert_pem, key_pem)
    }

    /// Valid for `names` (host names or IP addresses); browsers will warn, which
    /// is fine for local use and tests that pass `--ignore-certificate-errors`.
    pub fn self_signed(names: Vec<String>) -> Result<Tls, TlsError> {
        let generated = rcgen::generate_simple_self_signed(names)
            .map_err(|e| TlsError::Generate(e.to_string()))?;
        let leaf = generated.cert.der().clone();
        let cert_pem = generated.cert.pem();
        let key_pem = generated.signing_key.serialize_pem();
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
            generated.signing_key.serialize_der(),
        ));
        Self::build(certified_key(vec![leaf], key)?, cert_pem, key_pem)
    }

    fn build(key: CertifiedKey, cert_pem: String, key_pem: String) -> Result<Tls, TlsError> {
        let certificate = key.cert[0].clone();
        let resolver = Arc::new(CertResolver::new(key));
        let mut config = ServerConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .map_err(|e| TlsError::Mismatch(e.to_string()))?
            .with_no_client_auth()
            .with_cert_resolver(resolver.clone());
        // HTTP/1.1 first: a browser gets it; an ACME validator offers only
        // acme-tls/1 and gets that.
        config.alpn_protocols = vec![b"http/1.1".to_vec(), ACME_TLS_ALPN.to_vec()];
        Ok(Tls {
            config: Arc::new(config),
            resolver,
            certificate,
            cert_pem,
            key_pem,
        })
    }
}
