//! One hostile address cannot make everybody's check read "blocked": while
//! the router namespace holds thousands of connections of every bad kind
//! against every served port, a real Chromium check from the home network
//! (another address) still reads every served port reachable.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use anyhow::{Context, Result};
use doorway_core::api::ConfigResponse;
use doorway_core::{ProbeOutcome, Protocol};
use doorway_e2e::attack::{AttackThread, Target, Totals, ALL_KINDS};
use doorway_e2e::http;
use doorway_e2e::lab::{Nat, RouterLab};

/// Connections of each kind the attacker keeps trying to hold.
const PER_KIND: usize = 2000;

#[tokio::test]
async fn a_check_reads_every_port_reachable_while_one_address_attacks() -> Result<()> {
    let lab = RouterLab::create(Nat::None)?;
    let (worker, browser) = lab.start(&[], serde_json::json!({})).await?;
    let config: ConfigResponse =
        serde_json::from_str(&http::get(&worker.app, "/api/config").await?.body)?;
    let server: IpAddr = lab.server_address.parse()?;
    let app: SocketAddr = worker.app.parse()?;
    let target = Target {
        app,
        ports: config
            .probe
            .served
            .tcp
            .iter()
            .map(|&port| SocketAddr::new(server, port))
            .collect(),
    };

    // The attacker lives on its own thread in the router's namespace.
    let attacker = AttackThread::spawn(target, PER_KIND, None, Some(lab.router.clone()));
    // Let the attack take hold before the check starts.
    tokio::time::sleep(Duration::from_secs(3)).await;

    browser
        .client
        .goto(&worker.url("/?profile=ring&autorun=1"))
        .await?;
    let result = browser.wait_for_result(Duration::from_secs(60)).await;
    let Totals {
        connected,
        closed_at_once,
        failed,
    } = attacker.stop()?;
    browser.close().await?;
    let result = result?;
    eprintln!(
        "attack: {connected} connections made, {closed_at_once} closed at once, {failed} failed"
    );
    let mut tcp = 0;
    for requirement in &result.requirements {
        for probe in &requirement.probes {
            let served = match requirement.protocol {
                Protocol::Tcp => config.probe.served.tcp.contains(&probe.port),
                Protocol::Udp => config.probe.served.udp.contains(&probe.port),
            };
            if served && !matches!(probe.outcome, ProbeOutcome::NotTestable { .. }) {
                assert!(
                    probe.outcome.is_reachable(),
                    "{} {} reads {:?} under attack",
                    requirement.protocol,
                    probe.port,
                    probe.outcome
                );
                tcp += usize::from(requirement.protocol == Protocol::Tcp);
            }
        }
    }
    assert!(tcp > 3, "only {tcp} served TCP ports were checked");
    assert!(
        result.websocket.is_some_and(ProbeOutcome::is_reachable),
        "WebSocket under attack: {:?}",
        result.websocket
    );
    let relay = result.relay.context("relay check")?;
    assert!(
        relay.udp.is_reachable() && relay.tcp.is_reachable() && relay.tls.is_reachable(),
        "{relay:?}"
    );
    assert!(
        connected >= (PER_KIND * ALL_KINDS.len()) as u64,
        "the attack made only {connected} connections"
    );
    assert!(
        closed_at_once > 0,
        "the attacker was never turned away: was it over its share at all?"
    );
    Ok(())
}
