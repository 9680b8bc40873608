//! Firefox ESR (Debian's, through geckodriver) runs the main lab checks next
//! to Chromium: the open network (with the quality check), a dropped port,
//! the relay, and a Firefox whose ICE may use nothing but a proxy.

use std::time::Duration;

use anyhow::Result;
use doorway_core::{CheckResult, Overall, ProbeOutcome, Protocol};
use doorway_e2e::browser::Engine;
use doorway_e2e::lab::{Nat, RouterLab, SERVER_NAME};
use doorway_e2e::portal::CaptivePortal;

/// Runs `?{query}&autorun=1` in Firefox with `prefs` from the lab's home side.
async fn check_in_firefox(
    lab: &RouterLab,
    worker_args: &[&str],
    prefs: serde_json::Value,
    query: &str,
) -> Result<CheckResult> {
    let (worker, browser) = lab
        .start_engine(Engine::Firefox, worker_args, prefs)
        .await?;
    browser
        .client
        .goto(&worker.url_named(SERVER_NAME, &format!("/?{query}&autorun=1")))
        .await?;
    let result = browser.wait_for_result(Duration::from_secs(30)).await;
    browser.close().await?;
    result
}

#[tokio::test]
async fn firefox_reads_the_open_network_ready_with_every_relay_way_and_good_calls() -> Result<()> {
    let lab = RouterLab::create(Nat::Masquerade)?;
    let (worker, browser) = lab
        .start_engine(Engine::Firefox, &[], serde_json::json!({}))
        .await?;
    browser
        .client
        .goto(&worker.url_named(SERVER_NAME, "/?profile=ring&autorun=1"))
        .await?;
    let result = browser.wait_for_result(Duration::from_secs(30)).await?;
    // Then the quality check: Firefox's data channel to the worker's
    // str0m echo, and the transfers.
    let quality = browser.wait_for_quality(Duration::from_secs(20)).await;
    browser.close().await?;
    let (reading, words, with_quality) = quality?;
    assert_eq!(reading, "good", "{words}");
    let stream = with_quality.quality.expect("stream figures");
    assert!(
        stream.sent >= 190 && stream.received == stream.sent && stream.rtt_ms < 20,
        "{stream:?}"
    );
    let bandwidth = with_quality.bandwidth.expect("bandwidth figures");
    assert!(
        bandwidth.down_kbps.is_some_and(|k| k > 20_000)
            && bandwidth.up_kbps.is_some_and(|k| k > 20_000)
            && bandwidth.loaded_rtt_ms.is_some(),
        "{bandwidth:?}"
    );
    assert_eq!(
        result.verdict.overall,
        Overall::Ready,
        "{:?}",
        result.verdict
    );
    assert!(result
        .probe(Protocol::Udp, 16500)
        .is_some_and(|o| o.is_reachable()));
    let relay = result.relay.expect("relay check");
    assert!(
        relay.udp.is_reachable() && relay.tcp.is_reachable() && relay.tls.is_reachable(),
        "{relay:?}"
    );
    Ok(())
}

#[tokio::test]
async fn firefox_reads_a_dropped_port_filtered_and_a_rejected_one_refused() -> Result<()> {
    let lab = RouterLab::create(Nat::Masquerade)?;
    lab.router_rule("tcp_reject", "tcp dport 9998 reject with tcp reset")?;
    lab.router_rule("tcp_drop", "tcp dport 9999 drop")?;
    let result = check_in_firefox(&lab, &[], serde_json::json!({}), "tcp=443,9998,9999").await?;
    let outcome = |port| result.probe(Protocol::Tcp, port).copied();
    assert!(
        outcome(443).is_some_and(|o| o.is_reachable()),
        "{:?}",
        outcome(443)
    );
    assert!(
        matches!(outcome(9998), Some(ProbeOutcome::Refused { .. })),
        "{:?}",
        outcome(9998)
    );
    assert!(
        matches!(outcome(9999), Some(ProbeOutcome::Filtered { .. })),
        "{:?}",
        outcome(9999)
    );
    assert_eq!(result.verdict.overall, Overall::NotReady);
    Ok(())
}

#[tokio::test]
async fn firefox_reads_a_captive_portal_intercepted_not_blocked() -> Result<()> {
    let lab = RouterLab::create(Nat::Masquerade)?;
    let portal = CaptivePortal::intercepting(&lab, 80)?;
    let result = check_in_firefox(&lab, &[], serde_json::json!({}), "tcp=80,443").await?;
    assert!(portal.answered() > 0, "the portal saw no request");
    assert!(
        matches!(
            result.probe(Protocol::Tcp, 80),
            Some(ProbeOutcome::Intercepted { .. })
        ),
        "{:?}",
        result.probe(Protocol::Tcp, 80)
    );
    assert_eq!(result.verdict.overall, Overall::Intercepted);
    Ok(())
}

/// `media.peerconnection.ice.proxy_only`: ICE may use nothing but an HTTP
/// proxy, so no STUN leaves the browser. UDP is the browser's limit here.
#[tokio::test]
async fn firefox_with_ice_through_a_proxy_only_reads_udp_not_testable() -> Result<()> {
    let lab = RouterLab::create(Nat::Masquerade)?;
    let prefs = serde_json::json!({"media.peerconnection.ice.proxy_only": true});
    let result = check_in_firefox(&lab, &[], prefs, "profile=ring").await?;
    let udp: Vec<ProbeOutcome> = result
        .probes()
        .filter(|(protocol, probe)| {
            *protocol == Protocol::Udp && probe.outcome != ProbeOutcome::NotServed
        })
        .map(|(_, probe)| probe.outcome)
        .collect();
    assert!(udp
        .iter()
        .any(|o| matches!(o, ProbeOutcome::NotTestable { reason } if reason.is_this_browser())));
    assert!(
        udp.iter()
            .all(|o| matches!(o, ProbeOutcome::NotTestable { .. })),
        "{udp:?}"
    );
    assert_eq!(
        result.verdict.overall,
        Overall::CouldNotTell,
        "{:?}",
        result.verdict
    );
    assert!(result.verdict.failures.is_empty(), "{:?}", result.verdict);
    Ok(())
}
