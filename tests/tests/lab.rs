//! The firewall lab: browser → router → server namespaces, real nftables
//! rules and NAT in the router, the real worker and headless Chromium running
//! the real frontend. Each scenario asserts the result JSON against what the
//! rules make true, and removes its namespaces when it ends.
//! Run alone with `cargo xtask lab`.

use std::time::Duration;

use anyhow::Result;
use doorway_core::advice::Advice;
use doorway_core::nat::NatMapping;
use doorway_core::result::RequirementStatus;
use doorway_core::{CheckResult, Overall, ProbeOutcome, Protocol};
use doorway_e2e::lab::{Nat, RouterLab};
use doorway_e2e::portal::CaptivePortal;

/// Runs `?{query}&autorun=1` from the browser namespace and returns the result.
async fn check(lab: &RouterLab, worker_args: &[&str], query: &str) -> Result<CheckResult> {
    let (worker, browser) = lab.start(worker_args, serde_json::json!({})).await?;
    browser
        .client
        .goto(&worker.url(&format!("/?{query}&autorun=1")))
        .await?;
    let result = browser.wait_for_result(Duration::from_secs(30)).await;
    browser.close().await?;
    result
}

fn outcome(result: &CheckResult, protocol: Protocol, port: u16) -> ProbeOutcome {
    *result
        .probe(protocol, port)
        .unwrap_or_else(|| panic!("no {protocol} {port} in the result"))
}

#[tokio::test]
async fn open_network_is_ready_for_ring() -> Result<()> {
    let lab = RouterLab::create(Nat::Masquerade)?;
    let result = check(&lab, &[], "profile=ring").await?;
    assert_eq!(
        result.verdict.overall,
        Overall::Ready,
        "{:?}",
        result.verdict
    );
    assert!(outcome(&result, Protocol::Udp, 16500).is_reachable());
    assert!(outcome(&result, Protocol::Tcp, 9998).is_reachable());
    assert!(
        result.websocket.is_some_and(|w| w.is_reachable()),
        "WebSocket echo: {:?}",
        result.websocket
    );
    let relay = result.relay.expect("relay check");
    assert!(
        relay.udp.is_reachable() && relay.tcp.is_reachable() && relay.tls.is_reachable(),
        "{relay:?}"
    );
    // Behind masquerade the server sees the router's internet-side address.
    assert_eq!(
        result.client.public_address.as_deref(),
        Some(lab.router_wan.as_str())
    );
    Ok(())
}

fn nat_of(result: &CheckResult) -> NatMapping {
    result
        .nat
        .as_ref()
        .expect("the result has a NAT check")
        .mapping
}

#[tokio::test]
async fn masquerade_is_endpoint_independent() -> Result<()> {
    let lab = RouterLab::create(Nat::Masquerade)?;
    let second = lab.server_second_address.clone();
    let result = check(&lab, &["--second-address", &second], "tcp=443").await?;
    assert_eq!(
        nat_of(&result),
        NatMapping::EndpointIndependent,
        "{:?}",
        result.nat
    );
    let nat = result.nat.as_ref().unwrap();
    assert_eq!(nat.public_addresses, std::slice::from_ref(&lab.router_wan));
    assert_eq!(nat.servers, 3);
    Ok(())
}

#[tokio::test]
async fn masquerade_random_is_symmetric() -> Result<()> {
    let lab = RouterLab::create(Nat::MasqueradeRandom)?;
    let second = lab.server_second_address.clone();
    let result = check(&lab, &["--second-address", &second], "tcp=443").await?;
    assert_eq!(
        nat_of(&result),
        NatMapping::AddressAndPortDependent,
        "{:?}",
        result.nat
    );
    Ok(())
}

#[tokio::test]
async fn randomising_towards_one_address_is_address_dependent() -> Result<()> {
    let lab = RouterLab::create(Nat::RandomTowardsSecond)?;
    let second = lab.server_second_address.clone();
    let result = check(&lab, &["--second-address", &second], "tcp=443").await?;
    assert_eq!(
        nat_of(&result),
        NatMapping::AddressDependent,
        "{:?}",
        result.nat
    );
    Ok(())
}

#[tokio::test]
async fn tcp_drop_and_reject_in_the_router() -> Result<()> {
    let lab = RouterLab::create(Nat::Masquerade)?;
    lab.router_rule("tcp_reject", "tcp dport 9998 reject with tcp reset")?;
    lab.router_rule("tcp_drop", "tcp dport 9999 drop")?;
    let result = check(&lab, &[], "tcp=443,8557,9998,9999").await?;
    assert!(outcome(&result, Protocol::Tcp, 8557).is_reachable());
    assert!(
        matches!(
            outcome(&result, Protocol::Tcp, 9998),
            ProbeOutcome::Refused { .. }
        ),
        "{:?}",
        result.probe(Protocol::Tcp, 9998)
    );
    assert_eq!(
        outcome(&result, Protocol::Tcp, 9999),
        ProbeOutcome::Filtered { timeout_ms: 2000 }
    );
    assert_eq!(result.verdict.overall, Overall::NotReady);
    Ok(())
}

#[tokio::test]
async fn a_captive_portal_on_port_80_reads_intercepted_with_its_advice_never_blocked() -> Result<()>
{
    let lab = RouterLab::create(Nat::Masquerade)?;
    let portal = CaptivePortal::intercepting(&lab, 80)?;
    let (worker, browser) = lab.start(&[], serde_json::json!({})).await?;
    browser
        .client
        .goto(&worker.url("/?tcp=80,443&autorun=1"))
        .await?;
    let result = browser.wait_for_result(Duration::from_secs(30)).await;
    let headline = browser.text("#verdict h2").await;
    let advice = browser.text("#advice").await;
    browser.close().await?;
    let (result, headline, advice) = (result?, headline?, advice?);

    assert!(portal.answered() > 0, "the portal saw no request");
    assert!(
        matches!(
            outcome(&result, Protocol::Tcp, 80),
            ProbeOutcome::Intercepted { .. }
        ),
        "{:?}",
        result.probe(Protocol::Tcp, 80)
    );
    assert!(outcome(&result, Protocol::Tcp, 443).is_reachable());
    assert_eq!(result.verdict.overall, Overall::Intercepted);
    assert_eq!(
        result.advice,
        [Advice::SignInToPortal, Advice::ExemptFromInterception],
        "no firewall advice for an answered port"
    );
    assert!(
        headline.contains("answers in place of the server"),
        "{headline}"
    );
    assert!(advice.contains("sign in"), "{advice}");
    assert!(
        !headline.contains("block") && !advice.contains("firewall"),
        "{headline} / {advice}"
    );
    Ok(())
}

#[tokio::test]
async fn udp_drop_on_a_port_and_on_part_of_a_range() -> Result<()> {
    let lab = RouterLab::create(Nat::Masquerade)?;
    lab.router_rule("udp_port", "udp dport 15064 drop")?;
    lab.router_rule("udp_range", "udp dport 16500-30000 drop")?;
    let result = check(&lab, &[], "profile=ring").await?;
    assert!(outcome(&result, Protocol::Udp, 15063).is_reachable());
    assert_eq!(
        outcome(&result, Protocol::Udp, 15064),
        ProbeOutcome::Filtered { timeout_ms: 2000 }
    );
    let media = result
        .requirements
        .iter()
        .find(|r| r.protocol == Protocol::Udp && r.ports.contains(16500))
        .expect("Ring's media range");
    for probe in &media.probes {
        assert_eq!(
            probe.outcome.is_reachable(),
            probe.port > 30000,
            "UDP {}",
            probe.port
        );
    }
    assert!(
        matches!(media.status, RequirementStatus::Partial { .. }),
        "{:?}",
        media.status
    );
    // 15063-15064 is one requirement, half of it dropped: partly, not blocked.
    assert_eq!(result.verdict.overall, Overall::Partly);
    assert!(result
        .verdict
        .failures
        .iter()
        .any(|f| f.breaks == "Live View video will not connect; motion alerts will still arrive"));
    Ok(())
}

#[tokio::test]
async fn a_served_port_inside_a_sampled_range_does_not_change_its_fraction() -> Result<()> {
    let lab = RouterLab::create(Nat::Masquerade)?;
    // Only 19302 gets through; it lies inside the range but is not one of
    // the range's sample, so the range still reads blocked.
    lab.router_rule("udp_range", "udp dport != 19302 udp dport 16500-65000 drop")?;
    let result = check(&lab, &["--udp-ports", "19302"], "udp=16500-65000").await?;
    let range = result
        .requirements
        .iter()
        .find(|r| r.ports.contains(16500))
        .expect("the range");
    assert_eq!(range.probes.len(), 8, "{:?}", range.probes);
    assert!(range.probes.iter().all(|p| p.port != 19302));
    assert_eq!(range.status, RequirementStatus::Blocked { filtered: true });
    Ok(())
}

#[tokio::test]
async fn all_udp_dropped_but_the_relay_works_over_tcp_and_tls() -> Result<()> {
    let lab = RouterLab::create(Nat::Masquerade)?;
    lab.router_rule("no_udp", "meta l4proto udp drop")?;
    let result = check(&lab, &[], "profile=ring").await?;
    for port in [15063, 16500, 65000] {
        assert!(
            outcome(&result, Protocol::Udp, port).is_blocked(),
            "UDP {port}"
        );
    }
    let relay = result.relay.expect("the result has a relay check");
    assert!(relay.udp.is_blocked(), "TURN over UDP must fail: {relay:?}");
    assert!(relay.tcp.is_reachable(), "TURN over TCP: {relay:?}");
    assert!(relay.tls.is_reachable(), "TURN over TLS: {relay:?}");
    assert_eq!(
        result.verdict.overall,
        Overall::RelayNeeded,
        "{:?}",
        result.verdict
    );
    Ok(())
}

#[tokio::test]
async fn only_web_ports_open() -> Result<()> {
    let lab = RouterLab::create(Nat::Masquerade)?;
    lab.router_rule(
        "only_web",
        "ct state established,related accept\n    tcp dport { 80, 443 } accept\n    drop",
    )?;
    // The page itself comes over port 80 here.
    let result = check(&lab, &["--port", "80"], "profile=ring").await?;
    for port in [80, 443] {
        assert!(
            outcome(&result, Protocol::Tcp, port).is_reachable(),
            "TCP {port}"
        );
    }
    for port in [8557, 9998, 9999] {
        assert_eq!(
            outcome(&result, Protocol::Tcp, port),
            ProbeOutcome::Filtered { timeout_ms: 2000 },
            "TCP {port}"
        );
    }
    assert!(outcome(&result, Protocol::Udp, 16500).is_blocked());
    assert!(!result.relay.expect("relay check").works());
    assert_eq!(result.verdict.overall, Overall::NotReady);
    Ok(())
}
