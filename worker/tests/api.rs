//! The worker's HTTP surface over real sockets on loopback (port 0).

use std::sync::Arc;
use std::time::Duration;

use doorway_core::api::{
    ConfigResponse, EchoResponse, ErrorResponse, HealthResponse, KnockResponse, NatServers,
    PartHealth, ProbeConfig, ProbeResponse,
};
use doorway_core::node::NodeOrigin;
use doorway_core::plan::ServedPorts;
use doorway_core::profile::builtin_profiles;
use doorway_core::{CheckResult, ProbeOutcome};
mod common;

use common::sample_result;
use doorway_worker::admission::{Admission, ConnectionCaps};
use doorway_worker::app_files::AppFiles;
use doorway_worker::knock::Knocker;
use doorway_worker::limit::RateLimit;
use doorway_worker::metrics::Metrics;
use doorway_worker::networks::Networks;
use doorway_worker::routes::{app_router, probe_router, AppState, MAX_RESULT_BYTES};
use doorway_worker::security::SecurityPolicy;
use doorway_worker::server::{serve_until, Endpoint};
use doorway_worker::store::{Store, StoreLimits};
use doorway_worker::tls::Tls;
use rustls::pki_types::ServerName;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

struct Running {
    app: String,
    /// The SQLite file of shared results.
    store_path: std::path::PathBuf,
    probe: String,
    certificate: rustls::pki_types::CertificateDer<'static>,
    task: JoinHandle<()>,
}

impl Drop for Running {
    fn drop(&mut self) {
        self.task.abort();
        // The store lives in its own folder (`data_dir`): leave nothing in /tmp.
        if let Some(dir) = self.store_path.parent() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

fn data_dir() -> std::path::PathBuf {
    static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    std::env::temp_dir().join(format!("doorway-api-{}-{n}", std::process::id()))
}

/// How a test's server differs from the usual one.
struct Options {
    dist: Option<std::path::PathBuf>,
    share_limit: u32,
    keep_results: bool,
    caps: ConnectionCaps,
    store_limits: StoreLimits,
    /// IP-to-ASN databases (`--asn-db`).
    asn_db: Vec<std::path::PathBuf>,
    /// As a probe node, the checkers it serves (`--app-origin`).
    app_origins: Vec<&'static str>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            dist: None,
            share_limit: 100,
            keep_results: true,
            caps: ConnectionCaps::default(),
            store_limits: StoreLimits::keep_for(30 * 86_400),
            asn_db: Vec::new(),
            app_origins: Vec::new(),
        }
    }
}

async fn start(dist: Option<std::path::PathBuf>) -> Running {
    launch(Options {
        dist,
        ..Options::default()
    })
    .await
}

async fn start_with_limit(dist: Option<std::path::PathBuf>, share_limit: u32) -> Running {
    launch(Options {
        dist,
        share_limit,
        ..Options::default()
    })
    .await
}

async fn start_with(
    dist: Option<std::path::PathBuf>,
    share_limit: u32,
    keep_results: bool,
) -> Running {
    launch(Options {
        dist,
        share_limit,
        keep_results,
        ..Options::default()
    })
    .await
}

async fn launch(options: Options) -> Running {
    let Options {
        dist,
        share_limit,
        keep_results,
        caps,
        store_limits,
        asn_db,
        app_origins,
    } = options;
    let store_path = data_dir().join("results.sqlite");
    let app = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let probe = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let app_addr = app.local_addr().unwrap().to_string();
    let probe_addr = probe.local_addr().unwrap().to_string();
    let tls = Tls::self_signed(vec!["localhost".into(), "127.0.0.1".into()]).unwrap();
    let mut served = ServedPorts::default();
    served.tcp.insert(probe.local_addr().unwrap().port());
    let app_files = dist
        .as_deref()
        .map(|dist| AppFiles::read_dir(dist).unwrap());
    let policy = Arc::new(
        SecurityPolicy::new(
            app_files.iter().flat_map(AppFiles::page_shells),
            "https://support.example.com",
        )
        .unwrap(),
    );
    let state = AppState::new(
        ConfigResponse {
            profiles: builtin_profiles().unwrap(),
            probe: ProbeConfig {
                host: None,
                timeout_ms: 3000,
                served,
                unavailable: Vec::new(),
                turn: false,
                quality_relay: false,
                store: keep_results,
                inbound: true,
                nodes: Vec::new(),
                api: Default::default(),
                nat: NatServers {
                    ports: [3478, 3479],
                    second_host: None,
                },
            },
        },
        app_files.as_ref(),
        None,
        keep_results.then(|| Store::open(&store_path, store_limits).unwrap()),
        RateLimit::new(share_limit.into(), 600),
        // The test server and its clients are on loopback.
        Some(Knocker::new(true)),
        Networks::open(&asn_db).unwrap(),
    )
    .unwrap()
    .with_app_origins(
        &app_origins
            .iter()
            .map(|origin| NodeOrigin::parse(origin).unwrap())
            .collect::<Vec<_>>(),
    );
    let state = Arc::new(state);
    let endpoints = vec![
        Endpoint {
            listener: app,
            router: app_router(state, policy),
        },
        Endpoint {
            listener: probe,
            router: probe_router(),
        },
    ];
    let task = tokio::spawn(async move {
        serve_until(
            endpoints,
            Vec::new(),
            Some(tls.config),
            Admission::new(caps),
            Arc::new(Metrics::new()),
            std::future::pending(),
        )
        .await;
    });
    Running {
        app: app_addr,
        store_path,
        probe: probe_addr,
        certificate: tls.certificate,
        task,
    }
}

struct Reply {
    status: u16,
    head: String,
    body: String,
}

/// Sends one whole request and reads the answer until the server closes.
async fn send_bytes(addr: &str, raw: &[u8]) -> Vec<u8> {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(raw).await.unwrap();
    let mut bytes = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut bytes))
        .await
        .expect("the server answers and closes within 5 s")
        .unwrap();
    bytes
}

async fn send(addr: &str, raw: &[u8]) -> Reply {
    parse(&send_bytes(addr, raw).await)
}

fn parse(bytes: &[u8]) -> Reply {
    let text = String::from_utf8_lossy(bytes).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Reply {
        status,
        head: head.to_lowercase(),
        body: body.to_owned(),
    }
}

async fn request(addr: &str, method: &str, path: &str) -> Reply {
    let raw = format!("{method} {path} HTTP/1.1\r\nHost: x\r\nUser-Agent: doorway-test\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
    send(addr, raw.as_bytes()).await
}

fn error_of(reply: &Reply) -> ErrorResponse {
    serde_json::from_str(&reply.body)
        .unwrap_or_else(|e| panic!("not a JSON error ({e}): {}", reply.body))
}

#[tokio::test]
async fn config_lists_profiles_and_served_ports() {
    let server = start(None).await;
    let reply = request(&server.app, "GET", "/api/config").await;
    assert_eq!(reply.status, 200);
    assert!(
        reply.head.contains("cache-control: no-cache"),
        "{}",
        reply.head
    );
    assert!(reply.head.contains("etag: \""), "{}", reply.head);
    let config: ConfigResponse = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(config.profiles.len(), 6);
    let probe_port: u16 = server.probe.rsplit(':').next().unwrap().parse().unwrap();
    assert!(config.probe.served.tcp.contains(&probe_port));
}

#[tokio::test]
async fn config_in_one_language_carries_only_its_translations() {
    let server = start(None).await;
    let all = request(&server.app, "GET", "/api/config").await;
    let all: ConfigResponse = serde_json::from_str(&all.body).unwrap();
    assert_eq!(all.translated_into(), ["de", "it"]);
    for (lang, expected) in [("de", vec!["de"]), ("it", vec!["it"]), ("en", vec![])] {
        let reply = request(&server.app, "GET", &format!("/api/config?lang={lang}")).await;
        assert_eq!(reply.status, 200, "{lang}");
        assert!(reply.head.contains("etag: \""), "{}", reply.head);
        let config: ConfigResponse = serde_json::from_str(&reply.body).unwrap();
        assert_eq!(config.translated_into(), expected, "{lang}");
        assert_eq!(config.profiles.len(), all.profiles.len());
        assert_eq!(config.probe, all.probe);
    }

    let reply = request(&server.app, "GET", "/api/config?lang=fr").await;
    assert_eq!(reply.status, 400);
    let error = error_of(&reply).error;
    assert_eq!(
        (error.status, error.code.as_str()),
        (400, "unknown_language")
    );
    assert!(error.message.contains("en, de or it"), "{}", error.message);
}

#[tokio::test]
async fn echo_reports_what_the_server_sees() {
    let server = start(None).await;
    let reply = request(&server.app, "GET", "/api/echo").await;
    assert_eq!(reply.status, 200);
    let echo: EchoResponse = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(echo.address, "127.0.0.1");
    assert!(!echo.tls);
    assert_eq!(
        echo.headers.get("user-agent").map(String::as_str),
        Some("doorway-test")
    );
    assert_eq!(echo.http_version, "HTTP/1.1");
}

#[tokio::test]
async fn probe_answers_any_origin_and_is_never_cached() {
    let server = start(None).await;
    let reply = request(&server.probe, "GET", "/probe").await;
    assert_eq!(reply.status, 200);
    assert!(
        reply.head.contains("access-control-allow-origin: *"),
        "{}",
        reply.head
    );
    assert!(reply.head.contains("cache-control: no-store"));
    let probe: ProbeResponse = serde_json::from_str(&reply.body).unwrap();
    assert!(!probe.tls);

    assert_eq!(probe.nonce, None);

    let preflight = request(&server.probe, "OPTIONS", "/probe").await;
    assert_eq!(preflight.status, 204);
    assert!(preflight
        .head
        .contains("access-control-allow-private-network: true"));
}

#[tokio::test]
async fn probe_echoes_the_checks_nonce_and_refuses_a_bad_one_readably() {
    let server = start(None).await;
    let reply = request(&server.probe, "GET", "/probe?n=Zq7-x_9").await;
    assert_eq!(reply.status, 200);
    let answer: ProbeResponse = serde_json::from_str(&reply.body).unwrap();
    assert!(doorway_core::api::is_our_probe_answer(
        reply.status,
        Some(&answer),
        "Zq7-x_9"
    ));
    let long = "x".repeat(doorway_core::api::MAX_NONCE + 1);
    for bad in [
        "/probe?n=",
        "/probe?n=%3Cscript%3E",
        &format!("/probe?n={long}"),
    ] {
        let reply = request(&server.probe, "GET", bad).await;
        assert_eq!(reply.status, 400, "{bad}");
        // The page can read the error: it carries the probe's CORS header.
        assert!(
            reply.head.contains("access-control-allow-origin: *"),
            "{bad}"
        );
        let error: ErrorResponse = serde_json::from_str(&reply.body).unwrap();
        assert_eq!(error.error.code, "bad_nonce", "{bad}");
    }
}

#[tokio::test]
async fn unknown_api_routes_and_methods_get_json_errors() {
    let server = start(None).await;
    let reply = request(&server.app, "GET", "/api/nope").await;
    assert_eq!(reply.status, 404);
    let error = error_of(&reply);
    assert_eq!(error.error.code, "not_found");
    assert!(
        error.error.message.contains("GET /api/nope"),
        "{}",
        error.error.message
    );

    let reply = request(&server.app, "DELETE", "/api/config").await;
    assert_eq!(reply.status, 405);
    assert_eq!(error_of(&reply).error.code, "method_not_allowed");

    let reply = request(&server.probe, "GET", "/api/config").await;
    assert_eq!(reply.status, 404);
    assert!(error_of(&reply).error.message.contains("probe port"));
}

#[tokio::test]
async fn without_a_built_app_the_page_says_how_to_build_it() {
    let server = start(None).await;
    let reply = request(&server.app, "GET", "/").await;
    assert_eq!(reply.status, 503);
    assert!(error_of(&reply).error.message.contains("cargo xtask serve"));
}

#[tokio::test]
async fn shared_results_get_the_viewer_vendors_their_page_every_other_page_the_checker() {
    let dist = std::env::temp_dir().join(format!("doorway-dist-{}", std::process::id()));
    std::fs::create_dir_all(dist.join("viewer")).unwrap();
    std::fs::create_dir_all(dist.join("vendors")).unwrap();
    std::fs::write(dist.join("index.html"), "<html>checker</html>").unwrap();
    std::fs::write(dist.join("viewer/index.html"), "<html>viewer</html>").unwrap();
    std::fs::write(dist.join("vendors/index.html"), "<html>vendors</html>").unwrap();
    let server = start(Some(dist.clone())).await;
    for (path, page) in [
        ("/", "checker"),
        ("/?profile=ring", "checker"),
        ("/r/abc123", "viewer"),
        ("/r/", "viewer"),
        ("/viewer/index.html", "checker"),
        ("/embed", "vendors"),
        ("/embed?profile=ring", "vendors"),
        ("/embed/", "vendors"),
        ("/embedded", "checker"),
    ] {
        let reply = request(&server.app, "GET", path).await;
        assert_eq!(reply.status, 200, "{path}");
        assert_eq!(reply.body, format!("<html>{page}</html>"), "{path}");
    }
    std::fs::remove_dir_all(dist).unwrap();
}

#[tokio::test]
async fn a_build_without_the_viewer_still_serves_the_checker() {
    let dist = std::env::temp_dir().join(format!("doorway-old-dist-{}", std::process::id()));
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(dist.join("index.html"), "<html>checker</html>").unwrap();
    let server = start(Some(dist.clone())).await;
    assert_eq!(request(&server.app, "GET", "/").await.status, 200);
    let reply = request(&server.app, "GET", "/r/abc123").await;
    assert_eq!(reply.status, 503);
    assert!(error_of(&reply).error.message.contains("cargo xtask serve"));
    std::fs::remove_dir_all(dist).unwrap();
}

/// The head (lower-cased) and the raw body of one exchange.
async fn exchange_raw(addr: &str, path: &str, extra_headers: &str) -> (String, Vec<u8>) {
    let raw = format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n{extra_headers}\r\n");
    let bytes = send_bytes(addr, raw.as_bytes()).await;
    let split = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("an HTTP head");
    let head = String::from_utf8_lossy(&bytes[..split]).to_lowercase();
    (head, bytes[split + 4..].to_vec())
}

fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines()
        .find_map(|line| line.strip_prefix(&format!("{name}: ")))
}

fn unbrotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    brotli::BrotliDecompress(&mut &bytes[..], &mut out).expect("a brotli body");
    out
}

fn ungzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .expect("a gzip body");
    out
}

/// A built app as Trunk lays it out, precompressed as the build does.
fn built_app(label: &str) -> std::path::PathBuf {
    let dist = std::env::temp_dir().join(format!("doorway-{label}-{}", std::process::id()));
    std::fs::create_dir_all(dist.join("viewer")).unwrap();
    let page = "<html lang=\"{{lang}}\"><body><h1>{{title}}</h1><p>{{status}}</p></body></html>";
    std::fs::write(dist.join("index.html"), page).unwrap();
    std::fs::write(dist.join("viewer/index.html"), page).unwrap();
    let script = "console.log('doorway');\n".repeat(100);
    std::fs::write(dist.join("doorway-frontend-0123456789abcdef.js"), &script).unwrap();
    std::fs::write(dist.join("embed-demo.html"), "<p>demo</p>".repeat(50)).unwrap();
    doorway_precompress::precompress_dir(&dist).unwrap();
    dist
}

#[tokio::test]
async fn files_are_sent_compressed_as_the_browser_asks() {
    let dist = built_app("encoding");
    let server = start(Some(dist.clone())).await;
    let script = std::fs::read(dist.join("doorway-frontend-0123456789abcdef.js")).unwrap();
    let path = "/doorway-frontend-0123456789abcdef.js";

    let (head, body) =
        exchange_raw(&server.app, path, "Accept-Encoding: gzip, deflate, br\r\n").await;
    assert_eq!(header(&head, "content-encoding"), Some("br"), "{head}");
    assert_eq!(header(&head, "vary"), Some("accept-encoding"), "{head}");
    assert!(body.len() < script.len() / 4);
    assert_eq!(unbrotli(&body), script);

    let (head, body) = exchange_raw(&server.app, path, "Accept-Encoding: gzip\r\n").await;
    assert_eq!(header(&head, "content-encoding"), Some("gzip"), "{head}");
    assert_eq!(header(&head, "vary"), Some("accept-encoding"), "{head}");
    assert_eq!(ungzip(&body), script);

    let (head, body) = exchange_raw(&server.app, path, "").await;
    assert_eq!(header(&head, "content-encoding"), None, "{head}");
    assert_eq!(header(&head, "vary"), Some("accept-encoding"), "{head}");
    assert_eq!(body, script);

    // The page shell and the configuration are compressed too.
    let (head, body) = exchange_raw(&server.app, "/?profile=ring", "Accept-Encoding: br\r\n").await;
    assert_eq!(header(&head, "content-encoding"), Some("br"), "{head}");
    assert!(String::from_utf8(unbrotli(&body))
        .unwrap()
        .contains("<h1>Does this network"));
    let (head, body) = exchange_raw(&server.app, "/api/config", "Accept-Encoding: br\r\n").await;
    assert_eq!(header(&head, "content-encoding"), Some("br"), "{head}");
    let config: ConfigResponse = serde_json::from_slice(&unbrotli(&body)).unwrap();
    assert_eq!(config.profiles.len(), 6);
    std::fs::remove_dir_all(dist).ok();
}

#[tokio::test]
async fn hashed_files_are_kept_forever_everything_else_is_revalidated() {
    let dist = built_app("cache");
    let server = start(Some(dist.clone())).await;
    let (head, _) = exchange_raw(&server.app, "/doorway-frontend-0123456789abcdef.js", "").await;
    assert_eq!(
        header(&head, "cache-control"),
        Some("public, max-age=31536000, immutable"),
        "{head}"
    );
    for path in [
        "/",
        "/?profile=ring",
        "/r/abcdefgh23456789",
        "/embed-demo.html",
        "/api/config",
    ] {
        let (head, _) = exchange_raw(&server.app, path, "Accept-Encoding: br\r\n").await;
        assert_eq!(
            header(&head, "cache-control"),
            Some("no-cache"),
            "{path}: {head}"
        );
        let etag = header(&head, "etag")
            .unwrap_or_else(|| panic!("{path}: no etag"))
            .to_owned();
        // Revalidation with the tag costs no body.
        let (again, body) = exchange_raw(
            &server.app,
            path,
            &format!("Accept-Encoding: br\r\nIf-None-Match: {etag}\r\n"),
        )
        .await;
        assert!(again.starts_with("http/1.1 304"), "{path}: {again}");
        assert!(body.is_empty());
    }
    // Personal or live answers are never stored.
    for path in [
        "/api/echo",
        "/api/turn",
        "/api/results/abcdefgh23456789",
        "/api/nope",
    ] {
        let (head, _) = exchange_raw(&server.app, path, "").await;
        assert_eq!(
            header(&head, "cache-control"),
            Some("no-store"),
            "{path}: {head}"
        );
    }
    std::fs::remove_dir_all(dist).ok();
}

#[tokio::test]
async fn qr_codes_are_drawn_for_links_to_this_server_only() {
    let server = start(None).await;
    let own = "http://x/r/abcdefgh23456789";
    let (head, body) = exchange_raw(
        &server.app,
        &format!(
            "/api/qr.svg?text={}",
            own.replace(':', "%3A").replace('/', "%2F")
        ),
        "",
    )
    .await;
    assert!(head.starts_with("http/1.1 200"), "{head}");
    assert_eq!(header(&head, "content-type"), Some("image/svg+xml"));
    assert!(String::from_utf8_lossy(&body).contains("<svg"));

    for (query, why) in [
        (
            "?text=https%3A%2F%2Fevil.example%2Fx",
            "only links to this server",
        ),
        (
            "?text=https%3A%2F%2Fx.evil.example%2F",
            "only links to this server",
        ),
        ("", "give the link"),
        (
            &format!("?text=http%3A%2F%2Fx%2F{}", "a".repeat(3000)),
            "longer than",
        ),
    ] {
        let reply = request(&server.app, "GET", &format!("/api/qr.svg{query}")).await;
        assert_eq!(reply.status, 400, "{query}");
        let error = error_of(&reply);
        assert_eq!(error.error.code, "bad_qr");
        assert!(
            error.error.message.contains(why),
            "{query}: {}",
            error.error.message
        );
    }
}

#[tokio::test]
async fn tls_and_plain_http_share_a_port() {
    let server = start(None).await;
    let mut roots = rustls::RootCertStore::empty();
    roots.add(server.certificate.clone()).unwrap();
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let tcp = TcpStream::connect(&server.probe).await.unwrap();
    let mut tls = connector
        .connect(ServerName::try_from("localhost").unwrap(), tcp)
        .await
        .expect("TLS handshake with the self-signed certificate");
    tls.write_all(b"GET /probe HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut bytes = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), tls.read_to_end(&mut bytes)).await;
    let reply = parse(&bytes);
    assert_eq!(reply.status, 200);
    let probe: ProbeResponse = serde_json::from_str(&reply.body).unwrap();
    assert!(probe.tls);

    let plain = request(&server.probe, "GET", "/probe").await;
    let probe: ProbeResponse = serde_json::from_str(&plain.body).unwrap();
    assert!(!probe.tls);
}

#[tokio::test]
async fn garbage_on_a_probe_port_is_closed_and_the_port_keeps_working() {
    let server = start(None).await;
    for garbage in [
        &b"\x00\x01\x02garbage\r\n\r\n"[..],
        b"\xff\xfe",
        b"hello there\r\n\r\n",
    ] {
        let mut stream = TcpStream::connect(&server.probe).await.unwrap();
        stream.write_all(garbage).await.unwrap();
        let mut bytes = Vec::new();
        tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut bytes))
            .await
            .expect("garbage gets the connection closed, not a hang")
            .ok();
        assert!(
            bytes.len() < 1024,
            "answered garbage with {} bytes",
            bytes.len()
        );
    }
    // A request line that is not HTTP/1 after a valid first letter.
    let reply = send(&server.probe, b"GARBAGE \x00\x00\r\n\r\n").await;
    assert!(reply.status == 400 || reply.status == 0, "{}", reply.head);
    let reply = request(&server.probe, "GET", "/probe").await;
    assert_eq!(reply.status, 200);
}

#[tokio::test]
async fn a_silent_client_does_not_block_others() {
    let server = start(None).await;
    let _silent = TcpStream::connect(&server.probe).await.unwrap();
    let reply = tokio::time::timeout(
        Duration::from_secs(2),
        request(&server.probe, "GET", "/probe"),
    )
    .await
    .expect("served while another client says nothing");
    assert_eq!(reply.status, 200);
}

#[tokio::test]
async fn websocket_echoes_on_the_probe_ports_and_stops_after_a_few_messages() {
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::Message;

    let server = start(None).await;
    let (mut socket, response) =
        tokio_tungstenite::connect_async(format!("ws://{}/ws", server.probe))
            .await
            .expect("upgrade accepted");
    assert_eq!(response.status(), 101);
    socket.send(Message::text("doorway")).await.unwrap();
    let echoed = tokio::time::timeout(Duration::from_secs(2), socket.next())
        .await
        .expect("echo within 2 s")
        .unwrap()
        .unwrap();
    assert_eq!(echoed, Message::text("doorway"));

    // A message over the size bound ends the connection instead of being echoed.
    socket.send(Message::text("x".repeat(10_000))).await.ok();
    let next = tokio::time::timeout(Duration::from_secs(2), socket.next()).await;
    assert!(
        !matches!(next, Ok(Some(Ok(Message::Text(ref t)))) if t.len() == 10_000),
        "echoed an oversized message"
    );
}

#[tokio::test]
async fn websocket_path_without_upgrade_is_a_clear_error() {
    let server = start(None).await;
    let reply = request(&server.probe, "GET", "/ws").await;
    assert!(reply.status >= 400 && reply.status < 500, "{}", reply.head);
}

async fn post(addr: &str, path: &str, body: &[u8]) -> Reply {
    let mut raw = format!(
        "POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    raw.extend_from_slice(body);
    send(addr, &raw).await
}

/// A POST of a valid result with these extra header lines (each ending in \r\n).
async fn post_with(addr: &str, headers: &str) -> Reply {
    let body = sample_result();
    let raw = format!(
        "POST /api/results HTTP/1.1\r\nHost: check.example:8080\r\n{headers}Connection: close\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    send(addr, raw.as_bytes()).await
}

#[tokio::test]
async fn a_probe_node_grants_its_checkers_pages_and_no_other_site() {
    let checker = "https://check.example.com";
    let server = launch(Options {
        app_origins: vec![checker],
        ..Options::default()
    })
    .await;
    let with_origin = |method: &str, path: &str, origin: &str, rest: &str| {
        format!(
            "{method} {path} HTTP/1.1\r\nHost: eu.probe.example.com\r\nOrigin: {origin}\r\n\
             Sec-Fetch-Site: cross-site\r\n{rest}Connection: close\r\n"
        )
    };
    // A request without a body: the head and its blank line.
    let bodiless = |method: &str, path: &str, origin: &str, rest: &str| {
        format!("{}\r\n", with_origin(method, path, origin, rest))
    };
    let grant = format!("access-control-allow-origin: {checker}");

    // The preflight a JSON POST from the checker's page sends first.
    let preflight = bodiless(
        "OPTIONS",
        "/api/stream",
        checker,
        "Access-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: content-type\r\n",
    );
    let preflight = send(&server.app, preflight.as_bytes()).await;
    assert!(preflight.status < 300, "{}", preflight.head);
    assert!(preflight.head.contains(&grant), "{}", preflight.head);
    assert!(
        preflight.head.contains("access-control-allow-methods"),
        "{}",
        preflight.head
    );

    // The configuration is readable from the checker, not from another site.
    let config = bodiless("GET", "/api/config", checker, "");
    let config = send(&server.app, config.as_bytes()).await;
    assert_eq!(config.status, 200, "{}", config.head);
    assert!(config.head.contains(&grant), "{}", config.head);
    let elsewhere = bodiless("GET", "/api/config", "https://evil.example", "");
    let elsewhere = send(&server.app, elsewhere.as_bytes()).await;
    assert!(
        !elsewhere.head.contains("access-control-allow-origin"),
        "{}",
        elsewhere.head
    );

    // A knock from the checker's page is taken (and judged on its body);
    // from another site it is refused before that.
    let body = "{}";
    let knock = |origin: &str| {
        format!(
            "{}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            with_origin("POST", "/api/knock", origin, ""),
            body.len()
        )
    };
    let taken = send(&server.app, knock(checker).as_bytes()).await;
    assert_eq!(error_of(&taken).error.code, "bad_knock", "{}", taken.body);
    assert!(taken.head.contains(&grant), "{}", taken.head);
    let refused = send(&server.app, knock("https://evil.example").as_bytes()).await;
    assert_eq!(
        error_of(&refused).error.code,
        "foreign_origin",
        "{}",
        refused.body
    );
    // Results stay with the checker: nothing of the store is granted.
    let share = bodiless(
        "OPTIONS",
        "/api/results",
        checker,
        "Access-Control-Request-Method: POST\r\n",
    );
    let share = send(&server.app, share.as_bytes()).await;
    assert!(
        !share.head.contains("access-control-allow-origin"),
        "{}",
        share.head
    );
}

#[tokio::test]
async fn only_the_apps_own_page_may_store_results() {
    let server = start(None).await;
    // What any web page can send without a preflight: refused, nothing stored.
    for (headers, status, code) in [
        ("Content-Type: text/plain\r\n", 415, "not_json"),
        ("", 415, "not_json"),
        (
            "Content-Type: application/x-www-form-urlencoded\r\nOrigin: https://evil.example\r\n",
            415,
            "not_json",
        ),
        (
            "Content-Type: application/json\r\nOrigin: https://evil.example\r\n",
            403,
            "foreign_origin",
        ),
        (
            "Content-Type: application/json\r\nOrigin: http://check.example:9090\r\n",
            403,
            "foreign_origin",
        ),
        (
            "Content-Type: application/json\r\nSec-Fetch-Site: cross-site\r\n",
            403,
            "foreign_origin",
        ),
    ] {
        let reply = post_with(&server.app, headers).await;
        assert_eq!(reply.status, status, "{headers:?}: {}", reply.body);
        assert_eq!(error_of(&reply).error.code, code, "{headers:?}");
    }
    // The page itself (embedded or not: same origin), and tools without an Origin.
    for headers in [
        "Content-Type: application/json; charset=utf-8\r\nOrigin: https://check.example:8080\r\nSec-Fetch-Site: same-origin\r\n",
        "Content-Type: application/json\r\n",
    ] {
        let reply = post_with(&server.app, headers).await;
        assert_eq!(reply.status, 201, "{headers:?}: {}", reply.body);
    }
}

#[tokio::test]
async fn shares_a_result_and_returns_it_without_the_ip_address() {
    let server = start(None).await;
    let reply = post(&server.app, "/api/results", sample_result().as_bytes()).await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    let shared: doorway_core::api::ShareResponse = serde_json::from_str(&reply.body).unwrap();
    assert!(reply
        .head
        .contains(&format!("location: /r/{}", shared.id).to_lowercase()));
    assert_eq!(shared.path, format!("/r/{}", shared.id));

    let reply = request(&server.app, "GET", &format!("/api/results/{}", shared.id)).await;
    assert_eq!(reply.status, 200);
    let stored: doorway_core::api::SharedResult = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(stored.result.profile.custom.as_deref(), Some("tcp=443"));
    assert_eq!(
        stored.result.client.public_address, None,
        "IP hidden unless included"
    );
    assert!(stored.expires_at >= stored.created_at + 29 * 86_400);

    let reply = post(
        &server.app,
        "/api/results?include_ip=1",
        sample_result().as_bytes(),
    )
    .await;
    let shared: doorway_core::api::ShareResponse = serde_json::from_str(&reply.body).unwrap();
    let reply = request(&server.app, "GET", &format!("/api/results/{}", shared.id)).await;
    let stored: doorway_core::api::SharedResult = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(
        stored.result.client.public_address.as_deref(),
        Some("198.51.100.7")
    );
}

#[tokio::test]
async fn every_result_api_error_has_its_status_and_reason() {
    let server = start(None).await;
    // Oversized.
    let huge = vec![b' '; MAX_RESULT_BYTES + 1];
    let reply = post(&server.app, "/api/results", &huge).await;
    assert_eq!(reply.status, 413, "{}", reply.body);
    assert_eq!(error_of(&reply).error.code, "too_large");
    // Malformed JSON.
    let reply = post(&server.app, "/api/results", b"{not json").await;
    assert_eq!(reply.status, 400);
    assert!(error_of(&reply)
        .error
        .message
        .contains("not a Doorway result"));
    // Valid JSON, wrong schema.
    let reply = post(
        &server.app,
        "/api/results",
        br#"{"schema":"doorway-result/1"}"#,
    )
    .await;
    assert_eq!(reply.status, 400);
    assert!(
        error_of(&reply).error.message.contains("missing field"),
        "{}",
        reply.body
    );
    let other = sample_result().replace(doorway_core::RESULT_SCHEMA, "doorway-result/99");
    let reply = post(&server.app, "/api/results", other.as_bytes()).await;
    assert_eq!(reply.status, 400);
    assert!(error_of(&reply).error.message.contains("doorway-result/99"));
    // Not UTF-8.
    let reply = post(&server.app, "/api/results", &[0xff, 0xfe, 0x00]).await;
    assert_eq!(reply.status, 400);
    // Unknown and malformed ids.
    for id in ["AAAAAAAAAAAAAAAA", "nope", "..%2F..%2Fetc"] {
        let reply = request(&server.app, "GET", &format!("/api/results/{id}")).await;
        assert_eq!(reply.status, 404, "{id}");
        assert_eq!(error_of(&reply).error.code, "no_such_result");
        assert!(error_of(&reply).error.message.contains("30 days"));
    }
}

#[tokio::test]
async fn too_many_shares_from_one_address_get_429() {
    let server = start_with_limit(None, 2).await;
    for _ in 0..2 {
        let reply = post(&server.app, "/api/results", sample_result().as_bytes()).await;
        assert_eq!(reply.status, 201);
    }
    let reply = post(&server.app, "/api/results", sample_result().as_bytes()).await;
    assert_eq!(reply.status, 429);
    assert!(reply.head.contains("retry-after: "), "{}", reply.head);
    assert_eq!(error_of(&reply).error.code, "too_many_requests");
}

#[tokio::test]
async fn pages_carry_a_strict_policy_and_only_the_embed_view_may_be_framed() {
    let dist = std::env::temp_dir().join(format!("doorway-csp-{}", std::process::id()));
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::create_dir_all(dist.join("viewer")).unwrap();
    std::fs::write(
        dist.join("index.html"),
        "<html><script type=\"module\">import init from '/a.js';</script></html>",
    )
    .unwrap();
    std::fs::write(
        dist.join("viewer/index.html"),
        "<html><script type=\"module\">import init from '/viewer/b.js';</script></html>",
    )
    .unwrap();
    let server = start(Some(dist.clone())).await;
    // Both apps' inline loaders, by hash, and nothing else inline.
    let scripts = "script-src 'self' 'wasm-unsafe-eval' 'sha256-aoee+rveumphqlepw7nbjxpct6am6jxnxbtev0xp738=' 'sha256-";
    for path in ["/?profile=ring", "/r/abc"] {
        let page = request(&server.app, "GET", path).await;
        assert!(
            page.head.contains(&format!(
                "content-security-policy: default-src 'self'; {scripts}"
            )),
            "{}",
            page.head
        );
    }
    let page = request(&server.app, "GET", "/?profile=ring").await;
    assert!(page.head.contains("frame-ancestors 'none'"));
    assert!(page.head.contains("x-frame-options: deny"));
    let embed = request(&server.app, "GET", "/?profile=ring&embed=1").await;
    assert!(
        embed
            .head
            .contains("frame-ancestors 'self' https://support.example.com;"),
        "{}",
        embed.head
    );
    assert!(!embed.head.contains("x-frame-options"));
    let api = request(&server.app, "GET", "/api/config").await;
    assert!(api.head.contains("x-content-type-options: nosniff"));
    std::fs::remove_dir_all(dist).ok();
}

#[tokio::test]
async fn health_reports_the_store_and_the_relay() {
    let server = start(None).await;
    let health = |reply: &Reply| serde_json::from_str::<HealthResponse>(&reply.body).unwrap();
    let ok = request(&server.app, "GET", "/healthz").await;
    assert_eq!(ok.status, 200);
    assert!(ok.head.contains("cache-control: no-store"), "{}", ok.head);
    assert_eq!(
        health(&ok),
        HealthResponse {
            status: PartHealth::Ok,
            store: PartHealth::Ok,
            relay: PartHealth::Off,
        }
    );
    assert!(server.store_path.exists(), "the store it read");

    let no_store = start_with(None, 10, false).await;
    let off = request(&no_store.app, "GET", "/healthz").await;
    assert_eq!(off.status, 200);
    assert_eq!(health(&off).store, PartHealth::Off);
}

#[tokio::test]
async fn without_a_store_sharing_says_why_and_the_config_tells_the_page() {
    let server = start_with(None, 10, false).await;
    let config: ConfigResponse =
        serde_json::from_str(&request(&server.app, "GET", "/api/config").await.body).unwrap();
    assert!(!config.probe.store);
    let reply = post(&server.app, "/api/results", sample_result().as_bytes()).await;
    assert_eq!(reply.status, 503);
    assert_eq!(error_of(&reply).error.code, "no_store");
    let reply = request(&server.app, "GET", "/api/results/AAAAAAAAAAAAAAAA").await;
    assert_eq!(reply.status, 503);
}

/// Connects from `source` (a loopback address of its own: another client).
async fn connect_from(source: &str, addr: &str) -> TcpStream {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind(format!("{source}:0").parse().unwrap()).unwrap();
    socket.connect(addr.parse().unwrap()).await.unwrap()
}

/// Whether the server closes `stream` without a word within a second.
async fn closed_unread(stream: &mut TcpStream) -> bool {
    let mut byte = [0u8; 1];
    matches!(
        tokio::time::timeout(Duration::from_secs(1), stream.read(&mut byte)).await,
        Ok(Ok(0)) | Ok(Err(_))
    )
}

#[tokio::test]
async fn one_address_gets_its_share_of_connections_and_others_are_still_served() {
    let server = launch(Options {
        caps: ConnectionCaps {
            total: 64,
            per_client: 8,
        },
        ..Options::default()
    })
    .await;
    // Eight idle connections from one address, over both ports.
    let mut held = Vec::new();
    for n in 0..8 {
        let addr = if n % 2 == 0 {
            &server.app
        } else {
            &server.probe
        };
        held.push(connect_from("127.0.0.1", addr).await);
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut ninth = connect_from("127.0.0.1", &server.probe).await;
    assert!(
        closed_unread(&mut ninth).await,
        "a ninth connection from the same address is closed"
    );
    // Another address is served at once.
    let mut other = connect_from("127.0.0.2", &server.probe).await;
    other
        .write_all(b"GET /probe HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut reply = Vec::new();
    tokio::time::timeout(Duration::from_secs(2), other.read_to_end(&mut reply))
        .await
        .expect("another address is answered while the first holds its share")
        .unwrap();
    assert_eq!(parse(&reply).status, 200);
    // Freed slots are given out again.
    held.truncate(4);
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut again = connect_from("127.0.0.1", &server.probe).await;
    assert!(
        !closed_unread(&mut again).await,
        "a freed slot is not given out again"
    );
}

#[tokio::test]
async fn websockets_keep_their_connection_slot() {
    let server = launch(Options {
        caps: ConnectionCaps {
            total: 64,
            per_client: 2,
        },
        ..Options::default()
    })
    .await;
    let (_first, _) = tokio_tungstenite::connect_async(format!("ws://{}/ws", server.probe))
        .await
        .expect("upgrade accepted");
    let (_second, _) = tokio_tungstenite::connect_async(format!("ws://{}/ws", server.probe))
        .await
        .expect("upgrade accepted");
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut third = connect_from("127.0.0.1", &server.probe).await;
    assert!(
        closed_unread(&mut third).await,
        "two open WebSockets fill a share of two"
    );
}

#[tokio::test]
async fn a_declared_oversized_body_is_refused_before_it_is_sent() {
    let server = start(None).await;
    let mut stream = TcpStream::connect(&server.app).await.unwrap();
    stream
        .write_all(
            b"POST /api/results HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10000000\r\n\r\n{",
        )
        .await
        .unwrap();
    let mut buffer = vec![0u8; 4096];
    let n = tokio::time::timeout(Duration::from_secs(1), stream.read(&mut buffer))
        .await
        .expect("413 without waiting for the body")
        .unwrap();
    let reply = parse(&buffer[..n]);
    assert_eq!(reply.status, 413, "{}", reply.head);
    assert_eq!(error_of(&reply).error.code, "too_large");
}

#[tokio::test]
async fn a_trickling_body_gets_408_within_the_body_timeout() {
    let server = start(None).await;
    let stream = TcpStream::connect(&server.app).await.unwrap();
    let (mut reader, mut writer) = stream.into_split();
    writer
        .write_all(
            b"POST /api/results HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2000\r\n\r\n{",
        )
        .await
        .unwrap();
    let started = std::time::Instant::now();
    // One byte every 2 s: the body would take over an hour.
    let trickle = tokio::spawn(async move {
        while writer.write_all(b" ").await.is_ok() {
            tokio::time::sleep(Duration::from_secs(2)).await;
        }
    });
    let mut reply = Vec::new();
    tokio::time::timeout(Duration::from_secs(15), reader.read_to_end(&mut reply))
        .await
        .expect("the server ends a trickling body within 15 s")
        .ok();
    trickle.abort();
    let reply = parse(&reply);
    assert_eq!(reply.status, 408, "{}", reply.head);
    assert_eq!(error_of(&reply).error.code, "body_timeout");
    assert!(started.elapsed() >= Duration::from_secs(9));
}

#[tokio::test]
async fn oversized_headers_get_431() {
    let server = start(None).await;
    let request = format!(
        "GET /probe HTTP/1.1\r\nHost: x\r\nX-Padding: {}\r\nConnection: close\r\n\r\n",
        "a".repeat(40_000)
    );
    let reply = send(&server.probe, request.as_bytes()).await;
    assert_eq!(reply.status, 431, "{}", reply.head);
}

#[tokio::test]
async fn a_full_store_answers_507_and_keeps_what_it_has() {
    let server = launch(Options {
        store_limits: StoreLimits {
            ttl_secs: 86_400,
            max_bytes: u64::MAX,
            max_results: 1,
        },
        ..Options::default()
    })
    .await;
    let first = post(&server.app, "/api/results", sample_result().as_bytes()).await;
    assert_eq!(first.status, 201, "{}", first.body);
    let full = post(&server.app, "/api/results", sample_result().as_bytes()).await;
    assert_eq!(full.status, 507, "{}", full.head);
    assert_eq!(error_of(&full).error.code, "store_full");
    let shared: doorway_core::api::ShareResponse = serde_json::from_str(&first.body).unwrap();
    let kept = request(&server.app, "GET", &format!("/api/results/{}", shared.id)).await;
    assert_eq!(kept.status, 200, "the stored result is not evicted");
}

#[tokio::test]
async fn a_stored_result_carries_only_our_words_and_our_verdict() {
    let server = start(None).await;
    let mut forged: doorway_core::CheckResult = serde_json::from_str(&sample_result()).unwrap();
    forged.profile.name = "Your router is hacked: call +1 555 0100".into();
    forged.requirements[0].purpose = "Log in at evil.example".into();
    forged.verdict.overall = doorway_core::Overall::Ready;
    let reply = post(
        &server.app,
        "/api/results",
        serde_json::to_string(&forged).unwrap().as_bytes(),
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    let shared: doorway_core::api::ShareResponse = serde_json::from_str(&reply.body).unwrap();
    let stored = request(&server.app, "GET", &format!("/api/results/{}", shared.id)).await;
    assert!(!stored.body.contains("555 0100") && !stored.body.contains("evil.example"));
    let stored: doorway_core::api::SharedResult = serde_json::from_str(&stored.body).unwrap();
    let honest: doorway_core::CheckResult = serde_json::from_str(&sample_result()).unwrap();
    assert_eq!(stored.result.profile.name, honest.profile.name);
    assert_eq!(
        stored.result.verdict, honest.verdict,
        "the verdict is derived again"
    );

    forged.profile.id = "bank-login".into();
    let reply = post(
        &server.app,
        "/api/results",
        serde_json::to_string(&forged).unwrap().as_bytes(),
    )
    .await;
    assert_eq!(reply.status, 400);
    assert!(error_of(&reply).error.message.contains("bank-login"));
}

/// A knock request with these extra header lines (each ending in \r\n).
async fn knock_with(addr: &str, headers: &str, body: &str) -> Reply {
    let raw = format!(
        "POST /api/knock HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n{headers}Connection: close\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    send(addr, raw.as_bytes()).await
}

#[tokio::test]
async fn a_knock_goes_only_to_the_callers_own_address() {
    let server = start(None).await;
    // Something listens on MxMC's inbound port at another loopback address:
    // a knock that went there would read open and be accepted.
    let elsewhere = TcpListener::bind("127.0.0.2:57536").await.unwrap();
    let knock = r#"{"profile":"mobotix-mxmc","port":57536}"#;
    let reply = knock_with(
        &server.app,
        "X-Forwarded-For: 127.0.0.2\r\nForwarded: for=127.0.0.2\r\nX-Real-IP: 127.0.0.2\r\n",
        knock,
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let answer: KnockResponse = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(answer.port, 57536);
    assert!(
        matches!(answer.outcome, ProbeOutcome::Refused { .. }),
        "the caller (127.0.0.1) has nothing on 57536: {:?}",
        answer.outcome
    );
    // A support article's own incoming list works the same way.
    let custom = r#"{"profile":"custom","custom":"tcp=443&in=57536","port":57536}"#;
    let reply = knock_with(&server.app, "", custom).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let forged = r#"{"profile":"mobotix-mxmc","port":57536,"address":"127.0.0.2"}"#;
    let reply = knock_with(&server.app, "", forged).await;
    assert_eq!(reply.status, 400, "{}", reply.body);
    assert!(reply.body.contains("bad_knock") && reply.body.contains("address"));
    let accepted = tokio::time::timeout(Duration::from_millis(200), elsewhere.accept()).await;
    assert!(accepted.is_err(), "the worker knocked on 127.0.0.2");
}

#[tokio::test]
async fn a_knock_on_a_listening_port_reads_open() {
    let server = start(None).await;
    // ringio-desktop's inbound XMPP port, on the caller's own address.
    let Ok(listener) = TcpListener::bind("127.0.0.1:5222").await else {
        panic!("TCP 5222 on loopback is taken; this test needs it");
    };
    let reply = knock_with(
        &server.app,
        "",
        r#"{"profile":"ringio-desktop","port":5222}"#,
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let answer: KnockResponse = serde_json::from_str(&reply.body).unwrap();
    assert!(
        matches!(answer.outcome, ProbeOutcome::Reachable { .. }),
        "{:?}",
        answer.outcome
    );
    assert!(listener.accept().await.is_ok());
}

#[tokio::test]
async fn bad_knocks_get_clear_errors() {
    let server = start(None).await;
    for (body, status, code, says) in [
        (
            r#"{"profile":"mobotix-mxmc","port":443}"#,
            400,
            "bad_knock",
            "not an inbound port",
        ),
        (
            r#"{"profile":"nope","port":57536}"#,
            400,
            "bad_knock",
            "nope",
        ),
        (
            r#"{"profile":"mobotix-mxmc","port":70000}"#,
            400,
            "bad_knock",
            "70000",
        ),
        ("not json", 400, "bad_knock", "expected"),
        (r#"{"profile":"mobotix-mxmc"}"#, 400, "bad_knock", "port"),
        (
            r#"{"profile":"custom","custom":"in=57536","port":57537}"#,
            400,
            "bad_knock",
            "not an inbound port",
        ),
        (
            r#"{"profile":"custom","custom":"in=1-17","port":1}"#,
            400,
            "bad_knock",
            "at most 16",
        ),
    ] {
        let reply = knock_with(&server.app, "", body).await;
        assert_eq!(reply.status, status, "{body}: {}", reply.body);
        let error: ErrorResponse = serde_json::from_str(&reply.body).unwrap();
        assert_eq!(error.error.code, code, "{body}");
        assert!(
            error.error.message.contains(says),
            "{body}: {}",
            error.error.message
        );
    }
    // Not from our page: a form post any site could send is refused.
    let raw = "POST /api/knock HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}";
    let reply = send(&server.app, raw.as_bytes()).await;
    assert_eq!(reply.status, 415, "{}", reply.body);
}

/// A server whose network database calls loopback a mobile carrier.
async fn start_on_mobile_data() -> (Running, std::path::PathBuf) {
    let dir = data_dir();
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("mobile.mmdb");
    common::asn_db::write_asn_db(
        &path,
        &[(
            "127.0.0.0/8",
            serde_json::json!({"autonomous_system_number": 64500,
                "autonomous_system_organization": "Example Mobile",
                "connection_type": "Cellular"}),
        )],
    )
    .unwrap();
    let server = launch(Options {
        asn_db: vec![path.clone()],
        ..Options::default()
    })
    .await;
    (server, path)
}

#[tokio::test]
async fn the_network_is_looked_up_for_the_echo_and_stamped_on_a_shared_result() {
    use doorway_core::network::{NetworkKind, NetworkSeen};
    let plain = start(None).await;
    let echo: EchoResponse =
        serde_json::from_str(&request(&plain.app, "GET", "/api/echo").await.body).unwrap();
    assert_eq!(echo.network, Some(NetworkSeen::NotConfigured));

    let (server, db) = start_on_mobile_data().await;
    let echo: EchoResponse =
        serde_json::from_str(&request(&server.app, "GET", "/api/echo").await.body).unwrap();
    let mobile = NetworkSeen::Found {
        asn: Some(64500),
        operator: Some("Example Mobile".into()),
        country: None,
        kind: NetworkKind::MobileCarrier,
    };
    assert_eq!(echo.network.as_ref(), Some(&mobile));
    // The probe ports echo without a lookup.
    let probe_echo: EchoResponse =
        serde_json::from_str(&request(&server.probe, "GET", "/api/echo").await.body).unwrap();
    assert_eq!(probe_echo.network, None);

    // Whatever network the page claims, the stored result carries the one
    // the server saw, also when the address is left out.
    let mut claimed = CheckResult::from_json(&sample_result()).unwrap();
    claimed.client.network = Some(NetworkSeen::Found {
        asn: Some(1),
        operator: Some("Anything".into()),
        country: Some("ZZ".into()),
        kind: NetworkKind::Residential,
    });
    let body = serde_json::to_string(&claimed).unwrap();
    let reply = post(&server.app, "/api/results", body.as_bytes()).await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    let shared: doorway_core::api::ShareResponse = serde_json::from_str(&reply.body).unwrap();
    let reply = request(&server.app, "GET", &format!("/api/results/{}", shared.id)).await;
    let stored: doorway_core::api::SharedResult = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(stored.result.client.public_address, None);
    assert_eq!(stored.result.client.network, Some(mobile));
    std::fs::remove_dir_all(db.parent().unwrap()).unwrap();
}

#[tokio::test]
async fn a_phone_on_mobile_data_is_told_before_any_knock() {
    let (server, db) = start_on_mobile_data().await;
    let reply = knock_with(
        &server.app,
        "",
        r#"{"profile":"mobotix-mxmc","port":57536}"#,
    )
    .await;
    assert_eq!(reply.status, 403, "{}", reply.body);
    let error = error_of(&reply);
    assert_eq!(error.error.code, "not_knockable");
    assert!(
        error.error.message.contains("mobile data"),
        "{}",
        error.error.message
    );
    std::fs::remove_dir_all(db.parent().unwrap()).unwrap();
}

#[tokio::test]
async fn metrics_count_what_the_server_saw() {
    let server = start(None).await;
    let probe_port: u16 = server.probe.rsplit(':').next().unwrap().parse().unwrap();
    // A check's echo counts a check; the page's early echo (no flag) does not.
    assert_eq!(
        request(&server.app, "GET", "/api/echo?check=1")
            .await
            .status,
        200
    );
    assert_eq!(request(&server.app, "GET", "/api/echo").await.status, 200);
    for _ in 0..2 {
        let reply = request(&server.probe, "GET", "/probe?nonce=abcdefgh12345678").await;
        assert_eq!(reply.status, 200, "{}", reply.body);
    }
    assert_eq!(
        request(&server.app, "GET", "/api/nothing/here")
            .await
            .status,
        404
    );
    let reply = post(&server.app, "/api/results", sample_result().as_bytes()).await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    let shared: doorway_core::api::ShareResponse = serde_json::from_str(&reply.body).unwrap();
    let verdict = {
        let reply = request(&server.app, "GET", &format!("/api/results/{}", shared.id)).await;
        let stored: doorway_core::api::SharedResult = serde_json::from_str(&reply.body).unwrap();
        stored.result.verdict.overall.as_str()
    };

    let reply = request(&server.app, "GET", "/metrics").await;
    assert_eq!(reply.status, 200);
    assert!(
        reply
            .head
            .contains("content-type: application/openmetrics-text"),
        "{}",
        reply.head
    );
    let lines: Vec<&str> = reply.body.lines().collect();
    for wanted in [
        "doorway_checks_total 1".to_owned(),
        format!("doorway_probes_total{{port=\"{probe_port}\",transport=\"http\"}} 2"),
        format!("doorway_results_shared_total{{verdict=\"{verdict}\"}} 1"),
        "doorway_results_stored 1".to_owned(),
        "doorway_http_responses_total{route=\"/api/{*rest}\",status=\"404\"} 1".to_owned(),
        "doorway_http_responses_total{route=\"/api/echo\",status=\"200\"} 2".to_owned(),
        "doorway_http_responses_total{route=\"/probe\",status=\"200\"} 2".to_owned(),
    ] {
        assert!(
            lines.contains(&wanted.as_str()),
            "{wanted} missing:\n{}",
            reply.body
        );
    }
    // The stored JSON's size: the sample result is a few hundred bytes.
    let bytes = lines
        .iter()
        .find_map(|l| l.strip_prefix("doorway_results_stored_bytes "))
        .and_then(|n| n.parse::<u64>().ok())
        .expect("a stored-bytes line");
    assert!(bytes > 100, "{bytes}");
    // The client's own path never becomes a label.
    assert!(!reply.body.contains("nothing/here"), "{}", reply.body);
}

#[tokio::test]
async fn bandwidth_downloads_are_exact_uncompressed_and_bounded() {
    let server = start(None).await;
    let raw = "GET /api/bandwidth?bytes=100000 HTTP/1.1\r\nHost: x\r\nAccept-Encoding: br, gzip\r\nConnection: close\r\n\r\n";
    let bytes = send_bytes(&server.app, raw.as_bytes()).await;
    let split = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a head");
    let head = String::from_utf8_lossy(&bytes[..split]).to_lowercase();
    assert!(head.starts_with("http/1.1 200"), "{head}");
    assert!(head.contains("content-length: 100000"), "{head}");
    assert!(head.contains("cache-control: no-store"), "{head}");
    assert!(!head.contains("content-encoding"), "{head}");
    let body = &bytes[split + 4..];
    assert_eq!(body.len(), 100_000);
    // Random, so nothing on the way can compress it: no run of zeros.
    assert!(body.windows(64).all(|w| w.iter().any(|&b| b != 0)));

    for query in ["bytes=0", "bytes=8000001", "bytes=abc", "size=10", ""] {
        let reply = request(&server.app, "GET", &format!("/api/bandwidth?{query}")).await;
        assert_eq!(reply.status, 400, "{query}: {}", reply.body);
        assert_eq!(error_of(&reply).error.code, "bad_transfer_size", "{query}");
    }
}

#[tokio::test]
async fn bandwidth_uploads_are_counted_and_bounded() {
    let server = start(None).await;
    let body = vec![7u8; 200_000];
    let mut raw = format!(
        "POST /api/bandwidth HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nConnection: close\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    raw.extend_from_slice(&body);
    let reply = send(&server.app, &raw).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let answer: doorway_core::api::UploadResponse = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(answer.bytes, 200_000);

    // Too large, said up front: refused before the body is sent.
    let raw = "POST /api/bandwidth HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 9000000\r\n\r\n";
    let reply = send(&server.app, raw.as_bytes()).await;
    assert_eq!(reply.status, 413, "{}", reply.body);
    assert_eq!(error_of(&reply).error.code, "transfer_too_large");
}

#[tokio::test]
async fn bandwidth_has_a_budget_per_address() {
    let server = start(None).await;
    // The budget's window is the clock's minute: start well inside one.
    let second = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        % 60;
    if second > 55 {
        tokio::time::sleep(Duration::from_secs(61 - second)).await;
    }
    // 64 MB a minute: eight of the largest transfers, then 429.
    for _ in 0..8 {
        let raw =
            "GET /api/bandwidth?bytes=8000000 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
        let bytes = send_bytes(&server.app, raw.as_bytes()).await;
        assert!(bytes.starts_with(b"HTTP/1.1 200"));
        assert!(bytes.len() > 8_000_000);
    }
    let reply = request(&server.app, "GET", "/api/bandwidth?bytes=1").await;
    assert_eq!(reply.status, 429, "{}", reply.body);
    assert_eq!(error_of(&reply).error.code, "bandwidth_budget");
    assert!(reply.head.contains("retry-after: "), "{}", reply.head);
    // Uploads draw on the same budget.
    let raw = "POST /api/bandwidth HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 10\r\n\r\n0123456789";
    assert_eq!(send(&server.app, raw.as_bytes()).await.status, 429);
}

#[tokio::test]
async fn a_page_that_leaves_mid_download_leaves_nothing_running() {
    let server = launch(Options {
        caps: ConnectionCaps {
            total: 64,
            per_client: 1,
        },
        ..Options::default()
    })
    .await;
    // The only slot of 127.0.0.3: a large download, read a little, then gone.
    let mut leaving = connect_from("127.0.0.3", &server.app).await;
    leaving
        .write_all(b"GET /api/bandwidth?bytes=8000000 HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut some = vec![0u8; 65_536];
    leaving.read_exact(&mut some).await.unwrap();
    drop(leaving);
    // The worker stops sending and frees the slot: the next connection
    // from that address is served.
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    loop {
        let mut next = connect_from("127.0.0.3", &server.app).await;
        next.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .await
            .unwrap();
        let mut reply = Vec::new();
        let _ = tokio::time::timeout(Duration::from_secs(1), next.read_to_end(&mut reply)).await;
        if reply.starts_with(b"HTTP/1.1 200") {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the slot of an abandoned download was never freed"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_quality_stream_offer_that_is_wrong_gets_a_clear_error() {
    let server = start(None).await;
    // Not JSON, as any web page could send without a preflight.
    let raw = "POST /api/stream HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}";
    let reply = send(&server.app, raw.as_bytes()).await;
    assert_eq!(reply.status, 415, "{}", reply.body);
    assert_eq!(error_of(&reply).error.code, "not_json");
    for (body, says) in [
        (&b"{\"port\": 3478"[..], "EOF"),
        (b"{\"port\": 70000, \"sdp\": \"v=0\"}", "invalid value"),
        (b"{\"sdp\": \"v=0\"}", "missing field `port`"),
        // This server answers STUN on no UDP port at all.
        (
            b"{\"port\": 3478, \"sdp\": \"v=0\"}",
            "port 3478 is not a UDP port this server answers on",
        ),
    ] {
        let reply = post(&server.app, "/api/stream", body).await;
        assert_eq!(reply.status, 400, "{}", reply.body);
        let error = error_of(&reply).error;
        assert_eq!(error.code, "bad_stream_offer");
        assert!(error.message.contains(says), "{}", error.message);
    }
    let huge = format!(
        "{{\"port\": 3478, \"sdp\": \"{}\"}}",
        "a".repeat(doorway_worker::rtc::MAX_OFFER_BYTES)
    );
    let reply = post(&server.app, "/api/stream", huge.as_bytes()).await;
    assert_eq!(reply.status, 400, "{}", reply.body);
    assert!(error_of(&reply).error.message.contains("larger than"));
}
