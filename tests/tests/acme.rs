//! A probe node gets its certificate from an ACME CA by itself: Debian's
//! `pebble` (the ACME test server) in the lab validates TLS-ALPN-01 on the
//! worker's port 443, issues short-lived certificates, and the worker serves
//! each new one on its ports and on coturn's TLS port without a restart.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context, Result};
use doorway_e2e::browser::{Browser, TempDir};
use doorway_e2e::lab::{resolve_in_this_thread, spawn_in_namespace, ServerNamespace, SERVER_NAME};
use doorway_e2e::reading::not_reachable;
use doorway_e2e::worker::Worker;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Pebble's certificates live this long: the worker renews two thirds in.
const VALIDITY_SECS: u64 = 45;

/// Pebble, killed with the test.
struct Pebble(std::process::Child);

impl Drop for Pebble {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A CA of the test's own and, signed by it, the certificate pebble serves
/// its API with (for `address`).
fn pebble_api_certificates(dir: &std::path::Path, address: &str) -> Result<()> {
    let ca_key = rcgen::KeyPair::generate()?;
    let mut ca = rcgen::CertificateParams::new(Vec::<String>::new())?;
    ca.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let ca_cert = ca.self_signed(&ca_key)?;
    let key = rcgen::KeyPair::generate()?;
    let params = rcgen::CertificateParams::new(vec![address.to_owned()])?;
    let issuer = rcgen::Issuer::new(ca, ca_key);
    let cert = params.signed_by(&key, &issuer)?;
    std::fs::write(dir.join("api-ca.pem"), ca_cert.pem())?;
    std::fs::write(dir.join("api-cert.pem"), cert.pem())?;
    std::fs::write(dir.join("api-key.pem"), key.serialize_pem())?;
    Ok(())
}

fn start_pebble(lab: &ServerNamespace, dir: &std::path::Path) -> Result<Pebble> {
    pebble_api_certificates(dir, &lab.address)?;
    let config = serde_json::json!({
        "pebble": {
            "listenAddress": format!("{}:14000", lab.address),
            "managementListenAddress": format!("{}:15000", lab.address),
            "certificate": dir.join("api-cert.pem"),
            "privateKey": dir.join("api-key.pem"),
            "httpPort": 5002,
            "tlsPort": 443,
            "ocspResponderURL": "",
            "externalAccountBindingRequired": false,
            "certificateValidityPeriod": VALIDITY_SECS,
        }
    });
    let config_path = dir.join("pebble.json");
    std::fs::write(&config_path, config.to_string())?;
    let mut command = std::process::Command::new("pebble");
    command
        .arg("-config")
        .arg(&config_path)
        // No random sleeps before validating, no nonces refused to test
        // retries, and every order validated anew (a renewal too).
        .env("PEBBLE_VA_NOSLEEP", "1")
        .env("PEBBLE_WFE_NONCEREJECT", "0")
        .env("PEBBLE_AUTHZREUSE", "0")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::inherit());
    // Pebble finds the worker by its name, as a CA does through DNS.
    let child = spawn_in_namespace(&lab.name, &[(&lab.address, SERVER_NAME)], command)
        .context("starting pebble (cargo xtask test installs it)")?;
    Ok(Pebble(child))
}

fn client_config(roots: &[CertificateDer<'static>]) -> Result<Arc<rustls::ClientConfig>> {
    let mut store = rustls::RootCertStore::empty();
    for root in roots {
        store.add(root.clone())?;
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_root_certificates(store)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// A TLS handshake to `addr` for `name`, verified against `config`'s roots;
/// the leaf the server showed, and the connection.
async fn handshake(
    config: &Arc<rustls::ClientConfig>,
    addr: &str,
    name: &str,
) -> Result<(
    CertificateDer<'static>,
    tokio_rustls::client::TlsStream<TcpStream>,
)> {
    let tcp = tokio::time::timeout(Duration::from_secs(3), TcpStream::connect(addr)).await??;
    let connector = tokio_rustls::TlsConnector::from(config.clone());
    let tls = tokio::time::timeout(
        Duration::from_secs(3),
        connector.connect(ServerName::try_from(name.to_owned())?, tcp),
    )
    .await??;
    let leaf = tls
        .get_ref()
        .1
        .peer_certificates()
        .and_then(|chain| chain.first())
        .context("no certificate")?
        .clone()
        .into_owned();
    Ok((leaf, tls))
}

/// `GET path` over an established TLS connection: the whole answer.
async fn get_over(
    mut tls: tokio_rustls::client::TlsStream<TcpStream>,
    host: &str,
    path: &str,
) -> Result<String> {
    let request = format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    tls.write_all(request.as_bytes()).await?;
    let mut answer = Vec::new();
    // Pebble and the worker close after answering; a missing close_notify is fine.
    let _ = tokio::time::timeout(Duration::from_secs(5), tls.read_to_end(&mut answer)).await;
    Ok(String::from_utf8_lossy(&answer).into_owned())
}

/// Polls `attempt` every 500 ms until it gives a value or `within` passes.
async fn eventually<T, F, Fut>(within: Duration, what: &str, mut attempt: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T>>,
{
    let deadline = Instant::now() + within;
    loop {
        match attempt().await {
            Ok(value) => return Ok(value),
            Err(error) if Instant::now() > deadline => {
                bail!("{what} within {} s: {error:#}", within.as_secs())
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(500)).await,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_probe_node_gets_its_certificate_by_acme_and_renews_it_without_a_restart() -> Result<()> {
    let lab = ServerNamespace::create()?;
    let dir = TempDir::new("pebble")?;
    let _pebble = start_pebble(&lab, &dir.0)?;
    let api_ca = std::fs::read_to_string(dir.0.join("api-ca.pem"))?;
    let api_config = client_config(&[CertificateDer::from_pem_slice(api_ca.as_bytes())?])?;
    let api = format!("{}:15000", lab.address);
    // The root pebble issues under: fetched from its management API, as a
    // browser or phone would have Let's Encrypt's in its store.
    let root_pem = eventually(Duration::from_secs(10), "pebble's root", || async {
        let (_, tls) = handshake(&api_config, &api, &lab.address).await?;
        let answer = get_over(tls, &lab.address, "/roots/0").await?;
        let (_, body) = answer.split_once("\r\n\r\n").context("an HTTP answer")?;
        ensure!(body.contains("BEGIN CERTIFICATE"), "{answer}");
        Ok(body.to_owned())
    })
    .await?;
    let trusted = client_config(&[CertificateDer::from_pem_slice(root_pem.as_bytes())?])?;

    let mut worker = Worker::start(
        Some(&lab.name),
        &lab.address,
        &[
            "--public-host",
            SERVER_NAME,
            "--acme-domain",
            SERVER_NAME,
            "--acme-directory",
            &format!("https://{}:14000/dir", lab.address),
            "--acme-ca-root",
            &dir.0.join("api-ca.pem").display().to_string(),
        ],
    )
    .await?;
    let probe_port = format!("{}:443", lab.address);
    let turn_tls = format!("{}:5349", lab.address);

    // Issued and served on the probe ports: a client that trusts only the
    // CA's root verifies it for the name, and the probe answers over it.
    let first = eventually(Duration::from_secs(30), "a certificate from pebble", || {
        handshake(&trusted, &probe_port, SERVER_NAME)
    })
    .await?
    .0;
    let (_, tls) = handshake(&trusted, &probe_port, SERVER_NAME).await?;
    let probe = get_over(tls, SERVER_NAME, "/probe").await?;
    // coturn's TLS port gets the same certificate.
    eventually(Duration::from_secs(10), "coturn serving it", || async {
        let (leaf, _) = handshake(&trusted, &turn_tls, SERVER_NAME).await?;
        ensure!(leaf == first, "coturn still shows another certificate");
        Ok(())
    })
    .await?;

    // Two thirds into its life the worker renews it, and every port serves
    // the new one; the process is the same.
    let renewed = eventually(
        Duration::from_secs(VALIDITY_SECS + 30),
        "a renewed certificate",
        || async {
            let (leaf, _) = handshake(&trusted, &probe_port, SERVER_NAME).await?;
            ensure!(leaf != first, "still the first certificate");
            Ok(leaf)
        },
    )
    .await?;
    eventually(
        Duration::from_secs(10),
        "coturn serving the renewal",
        || async {
            let (leaf, _) = handshake(&trusted, &turn_tls, SERVER_NAME).await?;
            ensure!(leaf == renewed, "coturn still shows the old certificate");
            Ok(())
        },
    )
    .await?;

    // A page over https that only this CA's root vouches for (no
    // --ignore-certificate-errors), as a phone opens a real probe host: the
    // whole check, probes over TLS and wss, and TURN over TLS to coturn.
    resolve_in_this_thread(&[(&lab.address, SERVER_NAME)])?;
    let browser = Browser::start_trusting(&[&lab.address, SERVER_NAME], &root_pem).await?;
    browser
        .client
        .goto(&format!(
            "https://{SERVER_NAME}:8080/?profile=ring&autorun=1"
        ))
        .await?;
    let result = browser.wait_for_result(Duration::from_secs(30)).await;
    browser.close().await?;
    let still_running = worker.is_running();
    drop(worker);
    let result = result?;

    assert!(probe.starts_with("HTTP/1.1 200"), "{probe}");
    assert!(probe.contains("\"tls\":true"), "{probe}");
    assert!(still_running, "renewed without a restart");
    assert_eq!(result.server.scheme, "https");
    // Every TCP port over TLS, and the relay over TCP and TLS. (This lab's
    // Chromium cannot look up STUN names without a DNS server, so UDP by
    // name reads refused here: docs/browsers.md, "Host names in the lab".)
    let tcp_failures: Vec<String> = not_reachable(&result, &[])
        .into_iter()
        .filter(|line| line.starts_with("TCP"))
        .collect();
    assert_eq!(tcp_failures, Vec::<String>::new());
    let relay = result.relay.context("a relay reading")?;
    assert!(relay.tcp.is_reachable(), "TURN over TCP: {relay:?}");
    assert!(relay.tls.is_reachable(), "TURN over TLS: {relay:?}");
    assert!(
        result.websocket.is_some_and(|ws| ws.is_reachable()),
        "wss: {:?}",
        result.websocket
    );
    Ok(())
}
