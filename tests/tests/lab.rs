//! The firewall lab: browser → router → server namespaces, real nftables
//! rules and NAT in the router, the real worker and headless Chromium running
//! the real frontend. Each scenario asserts the result JSON against what the
//! rules make true, and removes its namespaces when it ends.
//! Run alone with `cargo xtask lab`.

use std::time::Duration;

use anyhow::Result;
use doorway_core::nat::NatMapping;
use doorway_core::{CheckResult, Overall, ProbeOutcome, Protocol};
use doorway_e2e::browser::Browser;
use doorway_e2e::lab::{Nat, RouterLab};
use doorway_e2e::worker::Worker;

const TIMEOUT_MS: &str = "2000";

/// Runs `?{query}&autorun=1` from the browser namespace and returns the result.
async fn check(lab: &RouterLab, worker_args: &[&str], query: &str) -> Result<CheckResult> {
    lab.enter_browser()?;
    let mut args = vec!["--probe-timeout-ms", TIMEOUT_MS];
    args.extend_from_slice(worker_args);
    let worker = Worker::start(Some(&lab.server), &lab.server_address, &args).await?;
    let browser =
        Browser::start_with_hosts(&[&lab.server_address, &lab.server_second_address]).await?;
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
    // Behind masquerade the server sees the router's internet-side address.
    assert_eq!(
        result.client.public_address.as_deref(),
        Some(lab.router_wan.as_str())
    );
    Ok(())
}

fn nat_of(result: &CheckResult) -> NatMapping {
    result.nat.as_ref().expect("the result has a NAT check").mapping
}

#[tokio::test]
async fn masquerade_is_endpoint_independent() -> Result<()> {
    let lab = RouterLab::create(Nat::Masquerade)?;
    let second = lab.server_second_address.clone();
    let result = check(&lab, &["--second-address", &second], "tcp=443").await?;
    assert_eq!(nat_of(&result), NatMapping::EndpointIndependent, "{:?}", result.nat);
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
    assert_eq!(nat_of(&result), NatMapping::AddressAndPortDependent, "{:?}", result.nat);
    Ok(())
}

#[tokio::test]
async fn randomising_towards_one_address_is_address_dependent() -> Result<()> {
    let lab = RouterLab::create(Nat::RandomTowardsSecond)?;
    let second = lab.server_second_address.clone();
    let result = check(&lab, &["--second-address", &second], "tcp=443").await?;
    assert_eq!(nat_of(&result), NatMapping::AddressDependent, "{:?}", result.nat);
    Ok(())
}
