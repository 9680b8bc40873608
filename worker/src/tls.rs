//! Certificates for the probe ports: files in production, a self-signed one for
//! local use.

use std::path::Path;
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::ServerConfig;

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
    /// The leaf certificate, so tests (and a local browser) can trust it.
    pub certificate: CertificateDer<'static>,
    /// The same certificate chain and key as PEM, for coturn's TLS listener.
    pub cert_pem: String,
    pub key_pem: String,
}

impl Tls {
    pub fn from_files(cert_path: &Path, key_path: &Path) -> Result<Tls, TlsError> {
        let read = |path: &Path| std::fs::read_to_string(path);
        let cert_pem = read(cert_path).map_err(|e| TlsError::CertificateFile {
            path: cert_path.display().to_string(),
            reason: e.to_string(),
        })?;
        let key_pem = read(key_path).map_err(|e| TlsError::KeyFile {
            path: key_path.display().to_string(),
            reason: e.to_string(),
        })?;
        let (cert, key) = (cert_path, key_path);
        let certs = CertificateDer::pem_file_iter(cert)
            .and_then(|iter| iter.collect::<Result<Vec<_>, _>>())
            .map_err(|e| TlsError::CertificateFile {
                path: cert.display().to_string(),
                reason: e.to_string(),
            })?;
        let leaf = certs
            .first()
            .cloned()
            .ok_or_else(|| TlsError::NoCertificate {
                path: cert.display().to_string(),
            })?;
        let key = PrivateKeyDer::from_pem_file(key).map_err(|e| TlsError::KeyFile {
            path: key.display().to_string(),
            reason: e.to_string(),
        })?;
        Self::build(certs, key, leaf, cert_pem, key_pem)
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
        Self::build(vec![leaf.clone()], key, leaf, cert_pem, key_pem)
    }

    fn build(
        certs: Vec<CertificateDer<'static>>,
        key: PrivateKeyDer<'static>,
        leaf: CertificateDer<'static>,
        cert_pem: String,
        key_pem: String,
    ) -> Result<Tls, TlsError> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| TlsError::Mismatch(e.to_string()))?
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .map_err(|e| TlsError::Mismatch(e.to_string()))?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Tls {
            config: Arc::new(config),
            certificate: leaf,
            cert_pem,
            key_pem,
        })
    }
}
