//! The TCP slice end to end: real worker in a network namespace, real
//! nftables rules, real headless Chromium running the real frontend.

use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use doorway_core::browser::Untestable;
use doorway_core::result::{RequirementStatus, UntestedReason};
use doorway_core::{Overall, ProbeOutcome, Protocol, RESULT_SCHEMA};
use doorway_e2e::browser::Browser;
use doorway_e2e::lab::ServerNamespace;
use doorway_e2e::worker::Worker;

const PROBE_TIMEOUT_MS: u32 = 2000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn open_rejected_dropped_and_browser_refused_ports_each_read_right() -> Result<()> {
    let lab = ServerNamespace::create()?;
    lab.reject_tcp(9998)?;
    lab.drop_tcp(9999)?;
    let timeout = PROBE_TIMEOUT_MS.to_string();
    let worker = Worker::start(
        Some(&lab.name),
        &lab.address,
        &["--probe-timeout-ms", &timeout],
    )
    .await?;
    let browser = Browser::start_with_hosts(&[&lab.address]).await?;

    let loaded = Instant::now();
    browser
        .client
        .goto(&worker.url("/?tcp=8557,9998,9999,554&autorun=1"))
        .await?;
    let result = browser.wait_for_result(Duration::from_secs(20)).await?;
    let waited = loaded.elapsed();

    assert_eq!(result.schema, RESULT_SCHEMA);
    assert_eq!(
        result.profile.custom.as_deref(),
        Some("tcp=8557,9998,9999,554")
    );
    assert!(matches!(
        result.probe(Protocol::Tcp, 8557),
        Some(ProbeOutcome::Reachable { .. })
    ));
    assert!(
        matches!(
            result.probe(Protocol::Tcp, 9998),
            Some(ProbeOutcome::Refused { .. })
        ),
        "REJECT reads refused: {:?}",
        result.probe(Protocol::Tcp, 9998)
    );
    assert_eq!(
        result.probe(Protocol::Tcp, 9999),
        Some(&ProbeOutcome::Filtered {
            timeout_ms: PROBE_TIMEOUT_MS
        }),
        "DROP reads filtered"
    );
    assert_eq!(
        result.probe(Protocol::Tcp, 554),
        Some(&ProbeOutcome::NotTestable {
            reason: Untestable::BrowserRefusedPort
        })
    );
    // Filtered means our timeout fired, not the browser's minutes-long give-up.
    assert!(
        result.duration_ms < u64::from(PROBE_TIMEOUT_MS) + 1500,
        "the run took {} ms",
        result.duration_ms
    );
    assert!(
        waited < Duration::from_secs(10),
        "page load to result: {waited:?}"
    );

    assert_eq!(result.verdict.overall, Overall::NotReady);
    let headline = browser.text("#verdict h2").await?;
    assert!(headline.starts_with("Not ready"), "{headline}");
    browser.open_details().await?;
    let rtsp = browser.text("li[data-ports='554']").await?;
    assert!(rtsp.contains("Not testable in a browser"), "{rtsp}");
    assert!(
        !rtsp.contains("Blocked"),
        "a refused port is never called blocked: {rtsp}"
    );
    browser.close().await?;
    drop(worker);
    drop(lab);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_port_with_nothing_listening_reads_refused() -> Result<()> {
    let lab = ServerNamespace::create()?;
    // Probes go to an address of the namespace where nothing listens.
    let worker = Worker::start(
        Some(&lab.name),
        &lab.address,
        &["--public-host", &lab.silent_address],
    )
    .await?;
    let browser = Browser::start_with_hosts(&[&lab.address, &lab.silent_address]).await?;
    browser
        .client
        .goto(&worker.url("/?tcp=8557&autorun=1"))
        .await?;
    let result = browser.wait_for_result(Duration::from_secs(20)).await?;
    assert_eq!(result.server.probe_host, lab.silent_address);
    match result.probe(Protocol::Tcp, 8557) {
        Some(ProbeOutcome::Refused { ms }) => assert!(*ms < 1000, "refusal took {ms} ms"),
        other => panic!("expected refused, got {other:?}"),
    }
    browser.close().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ring_profile_with_autorun_reaches_a_finished_result() -> Result<()> {
    let lab = ServerNamespace::create()?;
    let worker = Worker::start(Some(&lab.name), &lab.address, &[]).await?;
    let browser = Browser::start_with_hosts(&[&lab.address]).await?;
    browser
        .client
        .goto(&worker.url("/?profile=ring&autorun=1"))
        .await?;
    let result = browser.wait_for_result(Duration::from_secs(20)).await?;

    assert_eq!(result.profile.id, "ring");
    for port in [80, 443, 8557, 9998, 9999, 6970, 9002, 15063, 15064, 19302] {
        assert!(
            matches!(
                result.probe(Protocol::Tcp, port),
                Some(ProbeOutcome::Reachable { .. })
            ),
            "TCP {port}: {:?}",
            result.probe(Protocol::Tcp, port)
        );
    }
    for port in [53, 123] {
        assert_eq!(
            result.probe(Protocol::Udp, port),
            Some(&ProbeOutcome::NotTestable {
                reason: Untestable::BrowserRefusedPort
            })
        );
    }
    for port in [15063, 15064, 16500, 65000] {
        assert!(
            matches!(
                result.probe(Protocol::Udp, port),
                Some(ProbeOutcome::Reachable { .. })
            ),
            "UDP {port}: {:?}",
            result.probe(Protocol::Udp, port)
        );
    }
    assert!(
        result.verdict.failures.is_empty(),
        "{:?}",
        result.verdict.failures
    );
    assert_eq!(result.verdict.overall, Overall::Ready);
    assert_eq!(
        result.client.public_address.as_deref(),
        Some(lab.gateway.as_str())
    );
    let inbound = result
        .requirements
        .iter()
        .find(|r| r.ports.contains(7076))
        .expect("the app's inbound ports are listed");
    assert_eq!(
        inbound.status,
        RequirementStatus::Untested {
            reason: UntestedReason::Inbound
        }
    );
    browser.close().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_page_probes_over_tls_on_the_same_ports() -> Result<()> {
    let lab = ServerNamespace::create()?;
    let worker = Worker::start(Some(&lab.name), &lab.address, &[]).await?;
    let browser = Browser::start_with_hosts(&[&lab.address]).await?;
    let url = format!("https://{}/?tcp=443,8557,9998-9999&autorun=1", worker.app);
    browser.client.goto(&url).await?;
    let result = browser.wait_for_result(Duration::from_secs(20)).await?;
    assert_eq!(result.server.scheme, "https");
    assert!(
        result.websocket.is_some_and(|w| w.is_reachable()),
        "wss echo: {:?}",
        result.websocket
    );
    for port in [443, 8557, 9998, 9999] {
        assert!(
            matches!(
                result.probe(Protocol::Tcp, port),
                Some(ProbeOutcome::Reachable { .. })
            ),
            "TCP {port} over https: {:?}",
            result.probe(Protocol::Tcp, port)
        );
    }
    assert_eq!(result.verdict.overall, Overall::Ready);
    browser.close().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_addresses_explain_themselves_and_never_run() -> Result<()> {
    let lab = ServerNamespace::create()?;
    let worker = Worker::start(Some(&lab.name), &lab.address, &[]).await?;
    let browser = Browser::start_with_hosts(&[&lab.address]).await?;
    // A thousand ports: far over the page's 64, well under the server's 16 KiB
    // for a request line and headers (a longer address gets a bare 431).
    let thousand: Vec<String> = (1..=1_000).map(|p| p.to_string()).collect();
    let thousand = thousand.join(",");
    let cases: [(&str, &str); 6] = [
        (
            "profile=nope",
            "There is no profile called \u{201c}nope\u{201d}",
        ),
        ("tcp=abc", "\"abc\" is not a port number"),
        ("tcp=0", "port 0 does not exist"),
        ("tcp=70000", "70000 is above 65535"),
        ("tcp=9-1", "the range 9-1 runs backwards"),
        (
            &format!("tcp={thousand}"),
            "the list has 1000 items; at most 64",
        ),
    ];
    for (query, expected) in cases {
        browser
            .client
            .goto(&worker.url(&format!("/?{query}&autorun=1")))
            .await?;
        let notice = browser
            .wait_text(".notice.error", Duration::from_secs(10))
            .await?;
        assert!(notice.contains(expected), "{query:.40}: {notice}");
        // The picker still works, and nothing ran.
        browser.wait_text("#start", Duration::from_secs(5)).await?;
        let result = browser
            .client
            .execute(
                "return document.getElementById('doorway-result') === null",
                vec![],
            )
            .await?;
        assert_eq!(
            result,
            serde_json::Value::Bool(true),
            "{query:.40}: a run started"
        );
    }
    browser.close().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shared_result_opens_the_same_in_a_fresh_browser() -> Result<()> {
    let lab = ServerNamespace::create()?;
    lab.drop_tcp(9999)?;
    let timeout = PROBE_TIMEOUT_MS.to_string();
    let worker = Worker::start(
        Some(&lab.name),
        &lab.address,
        &["--probe-timeout-ms", &timeout],
    )
    .await?;
    let browser = Browser::start_with_hosts(&[&lab.address]).await?;
    browser
        .client
        .goto(&worker.url("/?tcp=443,8557,9999&autorun=1"))
        .await?;
    let original = browser.wait_for_result(Duration::from_secs(20)).await?;
    let link = browser.share_link().await?;
    assert!(link.starts_with(&worker.url("/r/")), "{link}");
    assert!(
        browser.text(".qr").await.is_ok(),
        "a QR code of the link is shown"
    );
    browser.close().await?;

    // A fresh browser: nothing but the link.
    let support = Browser::start_with_hosts(&[&lab.address]).await?;
    support.client.goto(&link).await?;
    let shared = support.wait_for_result(Duration::from_secs(10)).await?;
    assert_eq!(
        shared,
        original.clone().without_addresses(),
        "the same result, IP removed"
    );
    let meta = support.text("#shared-meta").await?;
    assert!(
        meta.contains("Ports from a support article (tcp=443,8557,9999)"),
        "{meta}"
    );
    assert!(meta.contains("Chrome 156 on Linux"), "{meta}");
    let headline = support.text("#verdict h2").await?;
    assert!(headline.starts_with("Not ready"), "{headline}");
    let table = support.text("#provider-table").await?;
    assert!(
        table.contains("9999") && table.contains("blocked (no answer)"),
        "{table}"
    );

    // An unknown id explains itself.
    support
        .client
        .goto(&worker.url("/r/AAAAAAAAAAAAAAAA"))
        .await?;
    let notice = support
        .wait_text(".notice.error", Duration::from_secs(10))
        .await?;
    assert!(notice.contains("no shared result with this id"), "{notice}");
    support.close().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_speaks_german_from_the_address_and_switches_to_italian() -> Result<()> {
    let lab = ServerNamespace::create()?;
    let worker = Worker::start(Some(&lab.name), &lab.address, &[]).await?;
    let browser = Browser::start_with_hosts(&[&lab.address]).await?;
    browser
        .client
        .goto(&worker.url("/?profile=ring&autorun=1&lang=de"))
        .await?;
    let result = browser.wait_for_result(Duration::from_secs(20)).await?;
    assert_eq!(
        browser.text("h1").await?,
        "Lässt dieses Netzwerk Ihr Gerät durch?"
    );
    let headline = browser.text("#verdict h2").await?;
    assert_eq!(result.verdict.overall, Overall::Ready);
    assert_eq!(
        headline,
        "Bereit: Dieses Netzwerk lässt den Datenverkehr durch"
    );
    browser.open_details().await?;
    assert_eq!(browser.text("#ports-heading").await?, "Port für Port");
    // The profile's own texts too, from the German article.
    let media = browser
        .text("li[data-protocol='udp'][data-ports='16500–65000']")
        .await?;
    assert!(media.contains("Live-Video: Ton und Bild (RTP)"), "{media}");
    let live_view = browser
        .text("li[data-protocol='tcp'][data-ports='9002']")
        .await?;
    assert!(
        live_view.contains("Nur der italienische Artikel nennt 9002"),
        "{live_view}"
    );
    let picker = browser.text("#profile").await?;
    assert!(
        picker.contains("Ring-Videotürklingeln und -Kameras"),
        "{picker}"
    );
    let lang = browser
        .client
        .execute("return document.documentElement.lang", vec![])
        .await?;
    assert_eq!(lang, "de");

    // Switching keeps the result and remembers the choice in the address.
    browser
        .client
        .execute(
            "const s = document.getElementById('lang'); s.value = 'it'; s.dispatchEvent(new Event('change'));",
            vec![],
        )
        .await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        browser.text("h1").await?,
        "Questa rete lascia passare il tuo dispositivo?"
    );
    assert!(browser.text("#verdict h2").await?.starts_with("Pronta"));
    let url = browser.client.current_url().await?;
    assert!(url.as_str().contains("lang=it"), "{url}");
    browser.close().await?;
    Ok(())
}

/// The store fails under a running worker (here its table is dropped from
/// outside): the person still gets a working link with the result in it,
/// not an error that a retry would not mend.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_the_store_fails_the_link_carries_the_result() -> Result<()> {
    let port = doorway_e2e::browser::free_port()?;
    let worker = Worker::start_on(None, "127.0.0.1", port, &["--no-turn"]).await?;
    let database = worker
        .data_dir()
        .context("the worker's data dir")?
        .join("results.sqlite");
    rusqlite::Connection::open(&database)?.execute("DROP TABLE results", [])?;
    let health = doorway_e2e::http::get(&worker.app, "/healthz").await?;
    assert!(
        health.body.contains("\"store\":\"failing\""),
        "{}",
        health.body
    );

    the_link_carries_the_result(&worker, &[], "/?tcp=443&autorun=1")
        .await?
        .close()
        .await
}

/// A check at `path`, shared: the link carries the result itself
/// (`/r/#…`), and a fresh browser (support's) reads the same result from
/// it. Answers support's browser, on the shared result.
async fn the_link_carries_the_result(
    worker: &Worker,
    hosts: &[&str],
    path: &str,
) -> Result<Browser> {
    let browser = Browser::start_with_hosts(hosts).await?;
    browser.client.goto(&worker.url(path)).await?;
    let original = browser.wait_for_result(Duration::from_secs(20)).await?;
    let link = browser.share_link().await?;
    assert!(link.starts_with(&worker.url("/r/#")), "{link}");
    browser.close().await?;

    let support = Browser::start_with_hosts(hosts).await?;
    support.client.goto(&link).await?;
    let shared = support.wait_for_result(Duration::from_secs(10)).await?;
    assert_eq!(shared, original.without_addresses());
    Ok(support)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_store_the_link_carries_the_result() -> Result<()> {
    let lab = ServerNamespace::create()?;
    let worker = Worker::start(Some(&lab.name), &lab.address, &["--no-store"]).await?;
    let support =
        the_link_carries_the_result(&worker, &[&lab.address], "/?tcp=443,8557&autorun=1").await?;
    // A damaged link explains itself.
    support.client.goto(&worker.url("/r/#damaged")).await?;
    support.client.refresh().await?;
    let notice = support
        .wait_text(".notice.error", Duration::from_secs(10))
        .await?;
    assert!(notice.contains("cut off or altered"), "{notice}");
    support.close().await?;
    Ok(())
}
