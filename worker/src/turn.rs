//! TURN relaying, done by coturn (Debian's `turnserver`) as a child process:
//! a mature server with TCP and TLS listeners, the "TURN REST" credential
//! check and peer rules. This module issues the short-lived credentials
//! (pure) and starts coturn closed: the check only needs an allocation (the
//! relay candidate), so every peer is denied (the worker's own addresses
//! allowed only when the operator asks, for the quality stream's echo on a
//! network where only the relay works), TCP relaying is off, and
//! allocations are bounded per client and in total.

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

/// Allocations one client (an IPv4 address or an IPv6 /64) may hold at once:
/// a check takes three (UDP, TCP, TLS); this leaves room for a few re-runs
/// and a household behind one address.
pub const ALLOCATIONS_PER_CLIENT: u32 = 12;
/// Allocations in all, below the 240 relay ports, so a crowd of clients
/// cannot take every port either.
pub const ALLOCATIONS_IN_ALL: u32 = 200;
/// The longest an allocation lives: a check needs it for a moment.
pub const ALLOCATION_LIFETIME_SECS: u32 = 60;
/// The UDP ports coturn relays on (`doorway firewall` opens them).
pub const RELAY_PORTS: std::ops::RangeInclusive<u16> = 49160..=49400;

/// The TURN REST username for `client` at `now_unix`: `expiry:tag`, where
/// the tag is a keyed hash of the client's group (its IPv4 address or IPv6
/// /64, never the address itself) and the expiry is rounded up to the next
/// whole `ttl_secs`. So every credential one client gets in one window is
/// the same user, and coturn's per-user quota is a per-client quota.
pub fn username(secret: &str, client: IpAddr, now_unix: u64, ttl_secs: u64) -> String {
    let ttl_secs = ttl_secs.max(1);
    let expiry = (now_unix / ttl_secs + 2) * ttl_secs;
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret.as_bytes());
    let group = crate::limit::client_group(client).to_string();
    let tag = hmac::sign(&key, format!("client:{group}").as_bytes());
    let tag: String = tag.as_ref()[..6]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("{expiry}:{USER}-{tag}")
}

/// The usual TURN REST password: `base64(HMAC-SHA1(secret, username))`,
/// checked by coturn's `use-auth-secret`. coturn keys the HMAC with the
/// secret's text, so the secret is text here too.
pub fn password(secret: &str, username: &str) -> String {
    let key = hmac::Key::new(hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, secret.as_bytes());
    let tag = hmac::sign(&key, username.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(tag.as_ref())
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
    #[error("writing coturn's configuration {path}: {source}")]
    Config {
        path: String,
        source: std::io::Error,
    },
    #[error("TURN needs the host's own address to relay to (it relays to this worker only); start with --listen <address> instead of {0}")]
    UnspecifiedAddress(std::net::IpAddr),
}

/// Where and how coturn listens.
pub struct TurnSetup {
    pub program: PathBuf,
    /// The host's own addresses: coturn listens on each and relays from the
    /// one of the client's family.
    pub addresses: Vec<IpAddr>,
    /// UDP and TCP.
    pub port: u16,
    pub tls_port: u16,
    pub cert: PathBuf,
    pub key: PathBuf,
    pub secret: String,
    /// coturn's files: its configuration (which holds the secret, so it is
    /// readable by this user only), user database, pid files.
    pub state_dir: PathBuf,
    /// Allow the host's own addresses as peers (`--quality-through-relay`).
    pub relay_to_self: bool,
}

/// A running coturn, stopped when dropped.
pub struct Turn {
    child: Child,
}

impl Turn {
    pub fn pid(&self) -> Option<u32> {
        self.child.id()
    }
}

impl TurnSetup {
    fn config_path(&self) -> PathBuf {
        self.state_dir.join("turnserver.conf")
    }

    /// The PID of the coturn this worker started, so the next start can stop
    /// one an earlier crash left behind.
    fn pid_path(&self) -> PathBuf {
        self.state_dir.join("doorway-turnserver.pid")
    }

    /// coturn's configuration, one option per line. It goes in a file, not
    /// on the command line, where every local user could read the secret.
    fn config(&self) -> String {
        let mut lines = vec![
            "no-cli".to_owned(),
            "log-file=stdout".into(),
            "simple-log".into(),
            format!("listening-port={}", self.port),
            format!("tls-listening-port={}", self.tls_port),
            format!("cert={}", self.cert.display()),
            format!("pkey={}", self.key.display()),
            "use-auth-secret".into(),
            format!("static-auth-secret={}", self.secret),
            "realm=doorway".into(),
            "fingerprint".into(),
            format!("min-port={}", RELAY_PORTS.start()),
            format!("max-port={}", RELAY_PORTS.end()),
            format!("user-quota={ALLOCATIONS_PER_CLIENT}"),
            format!("total-quota={ALLOCATIONS_IN_ALL}"),
            format!("max-allocate-lifetime={ALLOCATION_LIFETIME_SECS}"),
            "no-tcp-relay".into(),
            "no-multicast-peers".into(),
            "no-dtls".into(),
            "no-rfc5780".into(),
            "no-software-attribute".into(),
            format!("userdb={}", self.state_dir.join("turndb").display()),
            format!(
                "pidfile={}",
                self.state_dir.join("turnserver.pid").display()
            ),
            // The check needs only the allocation: no peer at all,
            // loopback included (the own addresses are allowed below).
            "denied-peer-ip=0.0.0.0-255.255.255.255".into(),
            "denied-peer-ip=::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff".into(),
        ];
        for address in &self.addresses {
            lines.push(format!("listening-ip={address}"));
            lines.push(format!("relay-ip={address}"));
            // The one exception, when the operator asks for it: the
            // worker's own addresses, where the quality stream's echo
            // listens, so calls can be measured through the relay.
            if self.relay_to_self {
                lines.push(format!("allowed-peer-ip={address}"));
            }
        }
        let mut text = lines.join("\n");
        text.push('\n');
        text
    }

    fn write_config(&self) -> Result<(), TurnError> {
        let path = self.config_path();
        write_private(&path, self.config().as_bytes()).map_err(|source| TurnError::Config {
            path: path.display().to_string(),
            source,
        })
    }

    /// Stops a coturn an earlier run of this worker left (a crash, a kill
    /// that skipped the parent-death signal): by the PID it recorded, and
    /// only if that process is still a turnserver with this configuration.
    async fn stop_stale(&self) {
        let Some(pid) = std::fs::read_to_string(self.pid_path())
            .ok()
            .and_then(|text| text.trim().parse::<i32>().ok())
        else {
            return;
        };
        let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
        let cmdline = String::from_utf8_lossy(&cmdline);
        let config = self.config_path().display().to_string();
        if !(cmdline.contains("turnserver") && cmdline.contains(config.as_str())) {
            return;
        }
        tracing::warn!(pid, "stopping a coturn left by an earlier run");
        // SAFETY: kill has no memory effects; the PID was checked just above.
        unsafe { libc::kill(pid, libc::SIGTERM) };
        for _ in 0..40 {
            if !is_running(pid) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        // SAFETY: as above.
        unsafe { libc::kill(pid, libc::SIGKILL) };
    }

    /// Starts coturn and checks it is still running a moment later.
    pub async fn start(&self) -> Result<Turn, TurnError> {
        if let Some(&unspecified) = self.addresses.iter().find(|a| a.is_unspecified()) {
            return Err(TurnError::UnspecifiedAddress(unspecified));
        }
        std::fs::create_dir_all(&self.state_dir).map_err(|e| TurnError::Start {
            program: self.program.display().to_string(),
            reason: format!("cannot create {}: {e}", self.state_dir.display()),
        })?;
        self.stop_stale().await;
        self.write_config()?;
        let mut command = Command::new(&self.program);
        command
            .arg("-c")
            .arg(self.config_path())
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
        if let Some(pid) = child.id() {
            let _ = std::fs::write(self.pid_path(), pid.to_string());
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
        if let Ok(Some(status)) = child.try_wait() {
            return Err(TurnError::Exited(status.to_string()));
        }
        Ok(Turn { child })
    }
}

/// Asks the coturn with `pid` to read its certificate files again (it does
/// on SIGUSR2), after a renewal wrote new ones.
pub fn reload_certificate(pid: u32) {
    let Ok(pid) = i32::try_from(pid) else {
        return;
    };
    // SAFETY: kill has no memory effects; the PID is our own child's.
    unsafe { libc::kill(pid, libc::SIGUSR2) };
}

/// Whether `pid` is a live process (not gone, not a zombie).
pub fn is_running(pid: i32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|stat| {
            // "pid (name) S …": the state follows the last ')'.
            let (_, rest) = stat.rsplit_once(')')?;
            rest.split_whitespace().next().map(|state| state != "Z")
        })
        .unwrap_or(false)
}

/// The body of `GET /api/turn` for `client`.
pub fn issue(
    secret: &str,
    client: IpAddr,
    port: u16,
    tls_port: u16,
    now_unix: u64,
) -> TurnCredentials {
    let username = username(secret, client, now_unix, CREDENTIAL_TTL_SECS);
    let credential = password(secret, &username);
    TurnCredentials {
        username,
        credential,
        ttl_secs: CREDENTIAL_TTL_SECS,
        port,
        tls_port,
    }
}

/// Writes a file only this user can read (a secret, a private key). A file
/// from an earlier run may have other permissions, so it is made anew.
pub fn write_private(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    match std::fs::remove_file(path) {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => return Err(error),
        _ => {}
    }
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?
        .write_all(contents)
}

/// Writes PEM files for coturn, which reads certificates from disk (the
/// key readable by this user only).
pub fn write_pem(dir: &Path, cert_pem: &str, key_pem: &str) -> std::io::Result<(PathBuf, PathBuf)> {
    std::fs::create_dir_all(dir)?;
    let cert = dir.join("turn-cert.pem");
    let key = dir.join("turn-key.pem");
    std::fs::write(&cert, cert_pem)?;
    write_private(&key, key_pem.as_bytes())?;
    Ok((cert, key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_follow_the_turn_rest_scheme() {
        // Reference value from Python's hmac/hashlib/base64.
        assert_eq!(
            password("secret-for-tests", "1795300000:doorway"),
            "YEtOQacTgk/RF3GqwvOaiXWLKMY="
        );
    }

    #[test]
    fn one_client_is_one_user_per_window_and_its_address_stays_out() {
        let client: IpAddr = "198.18.0.7".parse().unwrap();
        let first = username("s", client, 1_795_299_400, 600);
        assert!(first.starts_with("1795300200:doorway-"), "{first}");
        assert!(!first.contains("198.18"), "{first}");
        // Later in the same window: the same user, so coturn's quota holds.
        assert_eq!(username("s", client, 1_795_299_599, 600), first);
        // Another client, the next window, another secret: another user.
        assert_ne!(
            username("s", "198.18.0.8".parse().unwrap(), 1_795_299_400, 600),
            first
        );
        assert_ne!(username("s", client, 1_795_299_600, 600), first);
        assert_ne!(username("t", client, 1_795_299_400, 600), first);
        // An IPv6 /64 is one client.
        let a = username("s", "2001:db8:0:1::1".parse().unwrap(), 0, 600);
        let b = username("s", "2001:db8:0:1::2".parse().unwrap(), 0, 600);
        assert_eq!(a, b);
        // Valid for at least a whole window.
        let expiry: u64 = first.split(':').next().unwrap().parse().unwrap();
        assert!(expiry >= 1_795_299_599 + 600);
    }

    #[test]
    fn coturn_is_closed_and_its_secret_stays_off_the_command_line() {
        let setup = TurnSetup {
            program: "turnserver".into(),
            addresses: vec![
                "198.18.0.2".parse().unwrap(),
                "2001:db8::2".parse().unwrap(),
            ],
            port: 3480,
            tls_port: 5349,
            cert: "c.pem".into(),
            key: "k.pem".into(),
            secret: "abababab".into(),
            state_dir: "/tmp/x".into(),
            relay_to_self: false,
        };
        let config = setup.config();
        let lines: Vec<&str> = config.lines().collect();
        for wanted in [
            "denied-peer-ip=0.0.0.0-255.255.255.255",
            "denied-peer-ip=::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
            "static-auth-secret=abababab",
            "no-tcp-relay",
            "user-quota=12",
            "total-quota=200",
            "max-allocate-lifetime=60",
            "listening-ip=198.18.0.2",
            "relay-ip=198.18.0.2",
            "listening-ip=2001:db8::2",
            "relay-ip=2001:db8::2",
        ] {
            assert!(lines.contains(&wanted), "{wanted} missing:\n{config}");
        }
        assert!(!lines.iter().any(|l| l.starts_with("allowed-peer-ip")));
        // Asked to, it relays to the worker's own addresses, and nowhere else.
        let to_self = TurnSetup {
            relay_to_self: true,
            ..setup
        }
        .config();
        let allowed: Vec<&str> = to_self
            .lines()
            .filter(|l| l.starts_with("allowed-peer-ip"))
            .collect();
        assert_eq!(
            allowed,
            ["allowed-peer-ip=198.18.0.2", "allowed-peer-ip=2001:db8::2"]
        );
        assert!(!lines.contains(&"allow-loopback-peers"));
    }

    #[tokio::test]
    async fn an_unspecified_address_is_refused_with_the_reason() {
        let setup = TurnSetup {
            program: "turnserver".into(),
            addresses: vec!["198.18.0.2".parse().unwrap(), "0.0.0.0".parse().unwrap()],
            port: 3480,
            tls_port: 5349,
            cert: "c.pem".into(),
            key: "k.pem".into(),
            secret: "s".into(),
            state_dir: std::env::temp_dir(),
            relay_to_self: false,
        };
        let error = setup.start().await.err().expect("refused");
        assert!(error.to_string().contains("--listen <address>"), "{error}");
    }
}
