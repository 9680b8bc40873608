//! The browser's own limits are not the network's: a Chromium without
//! WebRTC, one whose policy lets WebRTC send nothing, and Debian's
//! WebKitGTK, built without WebRTC, on an open lab network (browser →
//! router → server). UDP must read "not testable in this
//! browser", never blocked, and the verdict never "ready".

use std::time::Duration;

use anyhow::Result;
use doorway_core::browser::Untestable;
use doorway_core::nat::NatMapping;
use doorway_core::{CheckResult, Overall, ProbeOutcome, Protocol};
use doorway_e2e::browser::Engine;
use doorway_e2e::lab::{Nat, RouterLab};

/// Runs `?profile=ring` on the open lab network in `engine` with `prefs`,
/// and (Chromium only) without `RTCPeerConnection` when `hide_webrtc`.
/// Returns the result and whether the page had `RTCPeerConnection`.
async fn check_ring(
    lab: &RouterLab,
    engine: Engine,
    prefs: serde_json::Value,
    hide_webrtc: bool,
) -> Result<(CheckResult, bool)> {
    let (worker, browser) = lab.start_engine(engine, &[], prefs).await?;
    if hide_webrtc {
        // As in WebKitGTK (Debian), Firefox with WebRTC off, locked-down browsers.
        browser
            .cdp(
                "Page.addScriptToEvaluateOnNewDocument",
                serde_json::json!({
                    "source": "delete window.RTCPeerConnection; delete window.webkitRTCPeerConnection;"
                }),
            )
            .await?;
    }
    browser
        .client
        .goto(&worker.url("/?profile=ring&autorun=1"))
        .await?;
    let result = browser.wait_for_result(Duration::from_secs(30)).await;
    let verdict_text = browser.text("#verdict").await.unwrap_or_default();
    // No UDP to stream over, because of the browser: the quality check
    // says so rather than blame the network.
    let quality = browser.wait_for_quality(Duration::from_secs(10)).await;
    let has_webrtc = browser
        .client
        .execute("return typeof RTCPeerConnection !== 'undefined';", vec![])
        .await?;
    browser.close().await?;
    let result = result?;
    assert!(
        verdict_text.contains("Chrome, Firefox or Safari"),
        "the page names browsers that can test it: {verdict_text}"
    );
    let (reading, words, _) = quality?;
    assert_eq!(reading, "not-measured", "{words}");
    assert!(
        words.contains("this browser cannot send the UDP a call uses")
            && words.contains("Chrome, Firefox or Safari"),
        "{words}"
    );
    Ok((result, has_webrtc == serde_json::Value::Bool(true)))
}

/// The UDP ports a browser with WebRTC would have tested (not the refused
/// or unserved ones).
fn udp_outcomes(result: &CheckResult) -> Vec<ProbeOutcome> {
    result
        .probes()
        .filter(|(protocol, _)| *protocol == Protocol::Udp)
        .map(|(_, probe)| probe.outcome)
        .filter(|o| match o {
            ProbeOutcome::NotServed => false,
            ProbeOutcome::NotTestable { reason } => reason.is_this_browser(),
            _ => true,
        })
        .collect()
}

/// Every outcome (and there is at least one) is "not testable" for `reason`.
fn assert_all_not_testable(outcomes: &[ProbeOutcome], reason: Untestable) {
    assert!(!outcomes.is_empty());
    for outcome in outcomes {
        assert_eq!(*outcome, ProbeOutcome::NotTestable { reason });
    }
}

fn assert_could_not_tell_with_tcp_open(result: &CheckResult) {
    assert_eq!(
        result.verdict.overall,
        Overall::CouldNotTell,
        "{:?}",
        result.verdict
    );
    assert!(result.verdict.failures.is_empty(), "{:?}", result.verdict);
    assert!(!result.verdict.this_browser.is_empty());
    assert!(result
        .probe(Protocol::Tcp, 9998)
        .is_some_and(|o| o.is_reachable()));
    assert_eq!(
        result.nat.as_ref().map(|n| n.mapping),
        Some(NatMapping::NotTestedByBrowser)
    );
}

#[tokio::test]
async fn without_webrtc_udp_is_not_testable_and_ring_could_not_tell() -> Result<()> {
    let lab = RouterLab::create(Nat::Masquerade)?;
    let (result, has_webrtc) =
        check_ring(&lab, Engine::Chromium, serde_json::json!({}), true).await?;
    assert!(!has_webrtc, "RTCPeerConnection was not hidden");
    assert_could_not_tell_with_tcp_open(&result);
    assert_all_not_testable(&udp_outcomes(&result), Untestable::NoWebRtc);
    let relay = result.relay.expect("relay check");
    assert_all_not_testable(&[relay.udp, relay.tcp, relay.tls], Untestable::NoWebRtc);
    Ok(())
}

#[tokio::test]
async fn when_webrtc_may_send_nothing_udp_is_not_testable_never_blocked() -> Result<()> {
    let lab = RouterLab::create(Nat::Masquerade)?;
    // What the WebRtcIPHandling policy and privacy extensions set.
    let prefs = serde_json::json!({"webrtc": {"ip_handling_policy": "disable_non_proxied_udp"}});
    let (result, _) = check_ring(&lab, Engine::Chromium, prefs, false).await?;
    assert_could_not_tell_with_tcp_open(&result);
    assert_all_not_testable(&udp_outcomes(&result), Untestable::NoCandidates);
    // The policy still lets WebRTC use TCP: the relay over TCP and TLS works.
    let relay = result.relay.expect("relay check");
    assert!(
        relay.tcp.is_reachable() && relay.tls.is_reachable(),
        "{relay:?}"
    );
    Ok(())
}

/// Debian's WebKitGTK is built without WebRTC: the real thing, not a
/// Chromium with `RTCPeerConnection` deleted.
#[tokio::test]
async fn webkitgtk_without_webrtc_reads_ring_could_not_tell() -> Result<()> {
    let lab = RouterLab::create(Nat::Masquerade)?;
    let (result, has_webrtc) =
        check_ring(&lab, Engine::WebKitGtk, serde_json::json!({}), false).await?;
    assert!(!has_webrtc, "this WebKitGTK has WebRTC");
    assert_could_not_tell_with_tcp_open(&result);
    assert_all_not_testable(&udp_outcomes(&result), Untestable::NoWebRtc);
    Ok(())
}
