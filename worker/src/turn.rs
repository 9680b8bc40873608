//! TURN relaying, done by coturn (Debian's `turnserver`) as a child process:
//! a mature server with TCP and TLS listeners, the "TURN REST" credential
//! check and a peer allow-list. This module issues the short-lived
//! credentials (pure) and starts coturn so it relays to this worker only.

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use base64::Engine;
use doorway_core::api::TurnCredentials;
use ring::hmac;
use tokio::process::{Child, Command};

/// How long issued credentials stay valid.
pub const CREDENTIAL_TTL_SECS: u64 = 600;
const USER: &str = "doorway";

/// The usual TURN REST scheme: username `expiry:user`, password
/// `base64(HMAC-SHA1(secret, username))`, checked by coturn's
/// `--use-auth-secret`. coturn keys the HMAC with the secret's text, so the
/// secret is text here too.
pub fn credentials(secret: &str, now_unix: u64, ttl_secs: u64) -> (String, String) {
    let username = format!("{}:{USER}", now_unix + ttl_secs);
    let key = hmac::Key::new(hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, secret.as_bytes());
    let tag = hmac::sign(&key, username.as_bytes());
    let password = base64::engine::general_purpose::STANDARD.encode(tag.as_ref());
    (username, password)
}

/// A fresh random shared secret for one run of the worker, as hex text.
pub fn random_secret() -> Result<String, TurnError> {
    use ring::rand::SecureRandom;
    let mut secret = [0u8; 32];
    ring::rand::SystemRandom::new()
        .fill(&mut secret)
        .map_err(|_| TurnError::Random)?;
    Ok(secret.iter().map(|b| format!("{b:02x}")).collect())
}

#[derive(Debug, thiserror::Error)]
pub enum TurnError {
    #[error("no random numbers for the TURN secret")]
    Random,
    #[error("cannot start coturn ({program}): {reason}; install Debian's coturn package, or run without TURN")]
    Start { program: String, reason: String },
    #[error("coturn stopped right after starting: {0}")]
    Exited(String),
    #[error("TURN needs the host's own address to relay to (it relays to this worker only); start with --listen <address> instead of {0}")]
    UnspecifiedAddress(std::net::IpAddr),
}

/// Where and how coturn listens.
pub struct TurnSetup {
    pub program: PathBuf,
    pub address: IpAddr,
    /// UDP and TCP.
    pub port: u16,
    pub tls_port: u16,
    pub cert: PathBuf,
    pub key: PathBuf,
    pub secret: String,
    /// coturn's scratch files (its user database, pid file).
    pub state_dir: PathBuf,
}

/// A running coturn, stopped when dropped.
pub struct Turn {
    _child: Child,
}

impl TurnSetup {
    fn args(&self) -> Vec<String> {
        let address = self.address.to_string();
        let mut args = vec![
            "-n".into(),
            "--no-cli".into(),
            "--log-file=stdout".into(),
            "--simple-log".into(),
            format!("--listening-ip={address}"),
            format!("--relay-ip={address}"),
            format!("--listening-port={}", self.port),
            format!("--tls-listening-port={}", self.tls_port),
            format!("--cert={}", self.cert.display()),
            format!("--pkey={}", self.key.display()),
            "--use-auth-secret".into(),
            format!("--static-auth-secret={}", self.secret),
            "--realm=doorway".into(),
            "--fingerprint".into(),
            "--min-port=49160".into(),
            "--max-port=49400".into(),
            "--no-multicast-peers".into(),
            "--no-dtls".into(),
            "--no-rfc5780".into(),
            "--no-software-attribute".into(),
            format!("--userdb={}", self.state_dir.join("turndb").display()),
            format!(
                "--pidfile={}",
                self.state_dir.join("turnserver.pid").display()
            ),
        ];
        // Never an open relay: every peer is denied but this worker.
        args.push("--denied-peer-ip=0.0.0.0-255.255.255.255".into());
        args.push("--denied-peer-ip=::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff".into());
        args.push(format!("--allowed-peer-ip={address}"));
        if self.address.is_loopback() {
            args.push("--allow-loopback-peers".into());
        }
        args
    }

    /// Starts coturn and checks it is still running a moment later.
    pub async fn start(&self) -> Result<Turn, TurnError> {
        if self.address.is_unspecified() {
            return Err(TurnError::UnspecifiedAddress(self.address));
        }
        std::fs::create_dir_all(&self.state_dir).map_err(|e| TurnError::Start {
            program: self.program.display().to_string(),
            reason: format!("cannot create {}: {e}", self.state_dir.display()),
        })?;
        let mut command = Command::new(&self.program);
        command
            .args(self.args())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true);
        // coturn ends with the worker however the worker ends (SIGTERM or
        // kill -9 skip the drop above): the kernel signals it when we die.
        // SAFETY: prctl is async-signal-safe and touches no memory of ours.
        unsafe {
            command.pre_exec(|| {
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let mut child = command.spawn().map_err(|e| TurnError::Start {
            program: self.program.display().to_string(),
            reason: e.to_string(),
        })?;
        tokio::time::sleep(Duration::from_millis(300)).await;
        if let Ok(Some(status)) = child.try_wait() {
            return Err(TurnError::Exited(status.to_string()));
        }
        Ok(Turn { _child: child })
    }
}

/// The body of `GET /api/turn`.
pub fn issue(secret: &str, port: u16, tls_port: u16, now_unix: u64) -> TurnCredentials {
    let (username, credential) = credentials(secret, now_unix, CREDENTIAL_TTL_SECS);
    TurnCredentials {
        username,
        credential,
        ttl_secs: CREDENTIAL_TTL_SECS,
        port,
        tls_port,
    }
}

/// Writes PEM files for coturn, which reads certificates from disk.
pub fn write_pem(dir: &Path, cert_pem: &str, key_pem: &str) -> std::io::Result<(PathBuf, PathBuf)> {
    std::fs::create_dir_all(dir)?;
    let cert = dir.join("turn-cert.pem");
    let key = dir.join("turn-key.pem");
    std::fs::write(&cert, cert_pem)?;
    std::fs::write(&key, key_pem)?;
    Ok((cert, key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_follow_the_turn_rest_scheme() {
        // Reference value from Python's hmac/hashlib/base64.
        let (username, password) = credentials("secret-for-tests", 1_795_299_400, 600);
        assert_eq!(username, "1795300000:doorway");
        assert_eq!(password, "YEtOQacTgk/RF3GqwvOaiXWLKMY=");
    }

    #[test]
    fn coturn_relays_to_this_worker_only() {
        let setup = TurnSetup {
            program: "turnserver".into(),
            address: "198.18.0.2".parse().unwrap(),
            port: 3480,
            tls_port: 5349,
            cert: "c.pem".into(),
            key: "k.pem".into(),
            secret: "abababab".into(),
            state_dir: "/tmp/x".into(),
        };
        let args = setup.args();
        assert!(args.contains(&"--denied-peer-ip=0.0.0.0-255.255.255.255".to_owned()));
        assert!(args.contains(&"--allowed-peer-ip=198.18.0.2".to_owned()));
        assert!(args.contains(&"--static-auth-secret=abababab".to_owned()));
        assert!(!args.iter().any(|a| a == "--allow-loopback-peers"));
    }

    #[tokio::test]
    async fn an_unspecified_address_is_refused_with_the_reason() {
        let setup = TurnSetup {
            program: "turnserver".into(),
            address: "0.0.0.0".parse().unwrap(),
            port: 3480,
            tls_port: 5349,
            cert: "c.pem".into(),
            key: "k.pem".into(),
            secret: "s".into(),
            state_dir: std::env::temp_dir(),
        };
        let error = setup.start().await.err().expect("refused");
        assert!(error.to_string().contains("--listen <address>"), "{error}");
    }
}
