//! Slow and lossy paths: the lab's user-space wire (this kernel has no
//! netem) between router and server, first checked to add the delay it
//! claims, then a whole check across a satellite-like link.

use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use doorway_core::{ProbeOutcome, Protocol};
use doorway_e2e::lab::{enter_namespace, Nat, RouterLab};
use doorway_e2e::reading::not_reachable;
use doorway_e2e::wire::PathShape;

/// The median time of `tries` TCP connects from the browser namespace to a
/// listener in the server namespace: one round trip each.
fn connect_round_trip(lab: &RouterLab, tries: usize) -> Result<Duration> {
    let server = lab.server.clone();
    let address = lab.server_address.clone();
    let listener = std::thread::spawn(move || -> Result<TcpListener> {
        enter_namespace(&server)?;
        Ok(TcpListener::bind((address.as_str(), 0))?)
    })
    .join()
    .map_err(|_| anyhow::anyhow!("listener thread panicked"))??;
    let target = listener.local_addr()?;
    let browser = lab.browser.clone();
    std::thread::spawn(move || -> Result<Duration> {
        enter_namespace(&browser)?;
        // The first connect also resolves the server's MAC across the wire.
        TcpStream::connect_timeout(&target, Duration::from_secs(10)).context("first connect")?;
        let mut times: Vec<Duration> = (0..tries)
            .map(|_| {
                let started = Instant::now();
                TcpStream::connect_timeout(&target, Duration::from_secs(10))
                    .map(|_| started.elapsed())
            })
            .collect::<std::io::Result<_>>()?;
        times.sort();
        Ok(times[times.len() / 2])
    })
    .join()
    .map_err(|_| anyhow::anyhow!("connect thread panicked"))?
}

#[test]
fn the_wire_adds_its_delay_and_nothing_else() -> Result<()> {
    let shape = PathShape {
        one_way: Duration::from_millis(150),
        loss: 0.0,
    };
    let slow = RouterLab::create_with_path(Nat::Masquerade, Some(shape))?;
    let rtt = connect_round_trip(&slow, 5)?;
    assert!(
        rtt >= Duration::from_millis(300) && rtt < Duration::from_millis(400),
        "a connect across 2 × 150 ms took {rtt:?}"
    );
    drop(slow);
    let direct = RouterLab::create(Nat::Masquerade)?;
    let rtt = connect_round_trip(&direct, 5)?;
    assert!(rtt < Duration::from_millis(50), "without the wire: {rtt:?}");
    Ok(())
}

/// Everything the open network lets through, across 600 ms of round trip
/// and 1 % loss, five checks in a row: every served port but the dropped
/// one, the relay over UDP, TCP and TLS, and the WebSocket read reachable;
/// the port the router drops still reads filtered.
#[tokio::test]
async fn a_satellite_link_reads_everything_reachable_and_a_dropped_port_filtered() -> Result<()> {
    let lab = RouterLab::create_with_path(Nat::Masquerade, Some(PathShape::SATELLITE))?;
    lab.router_rule("drop_9999", "tcp dport 9999 drop")?;
    let (worker, browser) = lab.start(&[], serde_json::json!({})).await?;
    let mut failures = Vec::new();
    for run in 1..=5 {
        browser
            .client
            .goto(&worker.url("/?profile=ring&autorun=1"))
            .await?;
        let result = browser.wait_for_result(Duration::from_secs(60)).await?;
        let dropped = result.probe(Protocol::Tcp, 9999).copied();
        if !matches!(dropped, Some(ProbeOutcome::Filtered { .. })) {
            failures.push(format!("run {run}: the dropped TCP 9999 read {dropped:?}"));
        }
        for line in not_reachable(&result, &[(Protocol::Tcp, 9999)]) {
            failures.push(format!("run {run}: {line}"));
        }
    }
    browser.close().await?;
    assert!(failures.is_empty(), "{failures:#?}");
    Ok(())
}
