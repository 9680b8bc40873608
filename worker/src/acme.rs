//! Certificates from an ACME CA (Let's Encrypt, or a test CA such as
//! pebble), proven by TLS-ALPN-01 (RFC 8737) on the worker's own port 443,
//! kept in the data folder and renewed in place: a renewal swaps the
//! certificate every port serves, and coturn's, without a restart.
//!
//! The protocol is instant-acme's; what is ours is when to renew
//! ([`renewal_time`], [`retry_delay`]), the challenge certificate and the
//! files, each testable without a CA.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use instant_acme::{
    Account, AccountCredentials, AuthorizationStatus, ChallengeType, Identifier, NewAccount,
    NewOrder, OrderStatus, RetryPolicy,
};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::sign::CertifiedKey;

use crate::tls::{CertResolver, TlsError};

/// Let's Encrypt's production directory.
pub const LETS_ENCRYPT: &str = "https://acme-v02.api.letsencrypt.org/directory";

/// Failed attempts are retried after a minute, doubling, at most this long.
const MAX_RETRY_DELAY: Duration = Duration::from_secs(3600);

/// How long one order may take, challenges and issuance together.
const ORDER_TIMEOUT: Duration = Duration::from_secs(120);

#[derive(Debug, thiserror::Error)]
pub enum AcmeError {
    #[error("the ACME server: {0}")]
    Protocol(#[from] instant_acme::Error),
    #[error("{path}: {reason}")]
    File { path: String, reason: String },
    #[error("the ACME server offers no TLS-ALPN-01 challenge for {0}")]
    NoTlsAlpnChallenge(String),
    #[error("the authorization for {name} is {status}")]
    Authorization { name: String, status: String },
    #[error("the order ended {0} (did the CA reach port 443 of this host under its name?)")]
    Order(String),
    #[error("the certificate the CA issued: {0}")]
    Certificate(String),
    #[error(transparent)]
    Tls(#[from] TlsError),
}

/// What to ask for, and where.
#[derive(Debug, Clone)]
pub struct AcmeSetup {
    /// The names the certificate is for (the probe host).
    pub names: Vec<String>,
    /// The CA's directory URL.
    pub directory: String,
    /// An address the CA may write to about expiry (`mailto:` is added).
    pub contact: Option<String>,
    /// The CA's own root, when its API is served under a private one (a test CA).
    pub ca_root: Option<PathBuf>,
    /// Where the account, certificate and key are kept.
    pub dir: PathBuf,
}

/// An issued certificate chain and its key, with its validity.
#[derive(Debug, Clone)]
pub struct Issued {
    pub cert_pem: String,
    pub key_pem: String,
    pub not_before: SystemTime,
    pub not_after: SystemTime,
    /// The DNS names the leaf is valid for.
    pub names: Vec<String>,
}

impl Issued {
    pub fn from_pem(cert_pem: String, key_pem: String) -> Result<Issued, AcmeError> {
        let leaf = CertificateDer::pem_slice_iter(cert_pem.as_bytes())
            .next()
            .ok_or_else(|| AcmeError::Certificate("no PEM certificate".into()))?
            .map_err(|e| AcmeError::Certificate(e.to_string()))?;
        let (_, parsed) = x509_parser::parse_x509_certificate(&leaf)
            .map_err(|e| AcmeError::Certificate(e.to_string()))?;
        let time = |t: x509_parser::time::ASN1Time| {
            SystemTime::UNIX_EPOCH + Duration::from_secs(t.timestamp().max(0) as u64)
        };
        let names = dns_names(&parsed);
        Ok(Issued {
            not_before: time(parsed.validity().not_before),
            not_after: time(parsed.validity().not_after),
            names,
            cert_pem,
            key_pem,
        })
    }

    /// Valid for every one of `names`, now and for a while yet.
    pub fn serves(&self, names: &[String], now: SystemTime) -> bool {
        names.iter().all(|n| self.names.iter().any(|m| m == n)) && now < self.not_after
    }

    pub fn renew_at(&self) -> SystemTime {
        renewal_time(self.not_before, self.not_after)
    }
}

/// The DNS names in a certificate's subject alternative names.
fn dns_names(cert: &x509_parser::certificate::X509Certificate<'_>) -> Vec<String> {
    let Ok(Some(san)) = cert.subject_alternative_name() else {
        return Vec::new();
    };
    san.value
        .general_names
        .iter()
        .filter_map(|name| match name {
            x509_parser::extensions::GeneralName::DNSName(dns) => Some(dns.to_string()),
            _ => None,
        })
        .collect()
}

/// Two thirds into a certificate's life, as Let's Encrypt advises: a renewal
/// that fails has the last third to be retried.
pub fn renewal_time(not_before: SystemTime, not_after: SystemTime) -> SystemTime {
    let lifetime = not_after.duration_since(not_before).unwrap_or_default();
    not_before + lifetime * 2 / 3
}

/// After `failures` failed attempts in a row: a minute, doubling, at most an hour.
pub fn retry_delay(failures: u32) -> Duration {
    Duration::from_secs(60)
        .saturating_mul(2u32.saturating_pow(failures.min(10)))
        .min(MAX_RETRY_DELAY)
}

/// The certificate a TLS-ALPN-01 validator must see for `name`: self-signed,
/// with the key authorization's digest in the acmeIdentifier extension.
pub fn challenge_certificate(name: &str, digest: &[u8]) -> Result<CertifiedKey, AcmeError> {
    let generate = |e: rcgen::Error| AcmeError::Certificate(e.to_string());
    let mut params = rcgen::CertificateParams::new(vec![name.to_owned()]).map_err(generate)?;
    params.custom_extensions = vec![rcgen::CustomExtension::new_acme_identifier(digest)];
    let key = rcgen::KeyPair::generate().map_err(generate)?;
    let cert = params.self_signed(&key).map_err(generate)?;
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    Ok(crate::tls::certified_key_unparsed(
        vec![cert.der().clone()],
        key,
    )?)
}

fn file_error(path: &Path, error: impl std::fmt::Display) -> AcmeError {
    AcmeError::File {
        path: path.display().to_string(),
        reason: error.to_string(),
    }
}

fn cert_path(dir: &Path) -> PathBuf {
    dir.join("cert.pem")
}

fn key_path(dir: &Path) -> PathBuf {
    dir.join("key.pem")
}

/// The certificate kept from an earlier run, if it still serves `names`.
pub fn load(dir: &Path, names: &[String]) -> Option<Issued> {
    let cert = std::fs::read_to_string(cert_path(dir)).ok()?;
    let key = std::fs::read_to_string(key_path(dir)).ok()?;
    let issued = Issued::from_pem(cert, key).ok()?;
    issued.serves(names, SystemTime::now()).then_some(issued)
}

fn save(dir: &Path, issued: &Issued) -> Result<(), AcmeError> {
    std::fs::create_dir_all(dir).map_err(|e| file_error(dir, e))?;
    // The key first: a certificate on disk always has its key beside it.
    crate::turn::write_private(&key_path(dir), issued.key_pem.as_bytes())
        .map_err(|e| file_error(&key_path(dir), e))?;
    std::fs::write(cert_path(dir), &issued.cert_pem).map_err(|e| file_error(&cert_path(dir), e))
}

/// The account kept in `dir`, or a new one (saved, readable by us only).
async fn account(setup: &AcmeSetup) -> Result<Account, AcmeError> {
    let builder = || match &setup.ca_root {
        Some(root) => Account::builder_with_root(root),
        None => Account::builder(),
    };
    let path = setup.dir.join("account.json");
    if let Ok(text) = std::fs::read_to_string(&path) {
        let credentials: AccountCredentials =
            serde_json::from_str(&text).map_err(|e| file_error(&path, e))?;
        return Ok(builder()?.from_credentials(credentials).await?);
    }
    let contact = setup.contact.as_ref().map(|c| format!("mailto:{c}"));
    let contacts: Vec<&str> = contact.iter().map(String::as_str).collect();
    let (account, credentials) = builder()?
        .create(
            &NewAccount {
                contact: &contacts,
                // Asking for a certificate (--acme-domain) is agreeing to the CA's terms.
                terms_of_service_agreed: true,
                only_return_existing: false,
            },
            setup.directory.clone(),
            None,
        )
        .await?;
    std::fs::create_dir_all(&setup.dir).map_err(|e| file_error(&setup.dir, e))?;
    let json = serde_json::to_string(&credentials).map_err(|e| file_error(&path, e))?;
    crate::turn::write_private(&path, json.as_bytes()).map_err(|e| file_error(&path, e))?;
    Ok(account)
}

/// One order: answers each name's TLS-ALPN-01 challenge through `resolver`,
/// and keeps the certificate in `setup.dir`.
pub async fn obtain(setup: &AcmeSetup, resolver: &CertResolver) -> Result<Issued, AcmeError> {
    let account = account(setup).await?;
    let identifiers: Vec<Identifier> = setup.names.iter().cloned().map(Identifier::Dns).collect();
    let mut order = account.new_order(&NewOrder::new(&identifiers)).await?;
    let mut answered = Vec::new();
    let ready: Result<OrderStatus, AcmeError> = async {
        // The authorizations borrow the order until the loop ends.
        let mut authorizations = order.authorizations();
        while let Some(authorization) = authorizations.next().await {
            let mut authorization = authorization?;
            match authorization.status {
                AuthorizationStatus::Pending => {}
                AuthorizationStatus::Valid => continue,
                status => {
                    return Err(AcmeError::Authorization {
                        name: authorization.identifier().to_string(),
                        status: format!("{status:?}").to_lowercase(),
                    })
                }
            }
            let name = authorization.identifier().to_string();
            let mut challenge = authorization
                .challenge(ChallengeType::TlsAlpn01)
                .ok_or_else(|| AcmeError::NoTlsAlpnChallenge(name.clone()))?;
            let digest = challenge.key_authorization().digest();
            resolver.set_challenge(&name, challenge_certificate(&name, digest.as_ref())?);
            answered.push(name);
            challenge.set_ready().await?;
        }
        Ok(order
            .poll_ready(&RetryPolicy::new().timeout(ORDER_TIMEOUT))
            .await?)
    }
    .await;
    for name in &answered {
        resolver.clear_challenge(name);
    }
    match ready? {
        OrderStatus::Ready => {}
        status => return Err(AcmeError::Order(format!("{status:?}").to_lowercase())),
    }
    let key_pem = order.finalize().await?;
    let cert_pem = order
        .poll_certificate(&RetryPolicy::new().timeout(ORDER_TIMEOUT))
        .await?;
    let issued = Issued::from_pem(cert_pem, key_pem)?;
    save(&setup.dir, &issued)?;
    Ok(issued)
}

/// Keeps a certificate for `setup.names` in `resolver` for as long as the
/// worker runs: obtains one now if `current` is `None`, then renews each at
/// [`renewal_time`], retrying failures ([`retry_delay`]). `installed` runs
/// after each new certificate is served (to hand it to coturn).
pub async fn maintain(
    setup: AcmeSetup,
    resolver: Arc<CertResolver>,
    current: Option<Issued>,
    installed: impl Fn(&Issued) + Send + 'static,
) {
    let mut failures = 0;
    let mut renew_at = current.as_ref().map(Issued::renew_at);
    loop {
        if let Some(renew_at) = renew_at {
            let wait = renew_at
                .duration_since(SystemTime::now())
                .unwrap_or_default();
            tracing::info!(names = ?setup.names, in_secs = wait.as_secs(), "certificate renewal scheduled");
            tokio::time::sleep(wait).await;
        }
        loop {
            match obtain(&setup, &resolver).await {
                Ok(issued) => {
                    match resolver.replace_pem(&issued.cert_pem, &issued.key_pem) {
                        Ok(()) => {
                            tracing::info!(names = ?setup.names, "new certificate in use");
                            installed(&issued);
                        }
                        Err(error) => tracing::error!(%error, "the new certificate cannot be used"),
                    }
                    // Counted from now, not from a backdated notBefore: a
                    // fresh certificate is never due at once.
                    let now = SystemTime::now();
                    renew_at = Some(renewal_time(issued.not_before.max(now), issued.not_after));
                    failures = 0;
                    break;
                }
                Err(error) => {
                    let delay = retry_delay(failures);
                    tracing::warn!(%error, retry_in_secs = delay.as_secs(), "no certificate from the ACME server");
                    failures += 1;
                    tokio::time::sleep(delay).await;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: Duration = Duration::from_secs(86_400);

    #[test]
    fn renews_two_thirds_into_the_lifetime() {
        let start = SystemTime::UNIX_EPOCH + 1000 * DAY;
        assert_eq!(renewal_time(start, start + 90 * DAY), start + 60 * DAY);
        // A short test certificate: 90 s → renewed after 60 s.
        let short = Duration::from_secs(90);
        assert_eq!(
            renewal_time(start, start + short),
            start + Duration::from_secs(60)
        );
        // Nonsense validity (ends before it starts): renew at once.
        assert_eq!(renewal_time(start, start - DAY), start);
    }

    #[test]
    fn failed_attempts_back_off_to_an_hour() {
        assert_eq!(retry_delay(0), Duration::from_secs(60));
        assert_eq!(retry_delay(1), Duration::from_secs(120));
        assert_eq!(retry_delay(5), Duration::from_secs(1920));
        assert_eq!(retry_delay(6), MAX_RETRY_DELAY);
        assert_eq!(retry_delay(u32::MAX), MAX_RETRY_DELAY);
    }

    #[test]
    fn the_challenge_certificate_carries_the_digest_for_the_name() {
        let digest = [7u8; 32];
        let key = challenge_certificate("probe.example.test", &digest).unwrap();
        let (_, cert) = x509_parser::parse_x509_certificate(&key.cert[0]).unwrap();
        // id-pe-acmeIdentifier (RFC 8737), critical, an OCTET STRING of the digest.
        let extension = cert
            .extensions()
            .iter()
            .find(|e| e.oid.to_id_string() == "1.3.6.1.5.5.7.1.31")
            .expect("the acmeIdentifier extension");
        assert!(extension.critical);
        assert_eq!(&extension.value[2..], &digest);
        assert_eq!(&extension.value[..2], &[0x04, 32]);
        assert_eq!(dns_names(&cert), ["probe.example.test"]);
    }

    #[test]
    fn a_kept_certificate_is_used_only_for_its_names_and_until_it_ends() {
        let generated = rcgen::generate_simple_self_signed(vec!["a.example.test".into()]).unwrap();
        let issued =
            Issued::from_pem(generated.cert.pem(), generated.signing_key.serialize_pem()).unwrap();
        let now = SystemTime::now();
        assert!(issued.serves(&["a.example.test".into()], now));
        assert!(!issued.serves(&["b.example.test".into()], now));
        assert!(!issued.serves(&["a.example.test".into()], issued.not_after));

        let dir = std::env::temp_dir().join(format!("doorway-acme-{}", std::process::id()));
        save(&dir, &issued).unwrap();
        assert!(load(&dir, &["a.example.test".into()]).is_some());
        assert!(load(&dir, &["b.example.test".into()]).is_none());
        let mode = std::fs::metadata(key_path(&dir)).unwrap().permissions();
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(mode.mode() & 0o777, 0o600, "the key is ours alone");
        std::fs::remove_dir_all(&dir).ok();
    }
}
