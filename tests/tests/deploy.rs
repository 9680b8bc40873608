//! The deploy path as an operator meets it: the firewall `doorway firewall`
//! prints, loaded for real on the server, lets a whole check through and
//! drops everything else.

use std::time::Duration;

use anyhow::{ensure, Result};
use doorway_core::Overall;
use doorway_e2e::browser::Browser;
use doorway_e2e::env_path;
use doorway_e2e::lab::ServerNamespace;
use doorway_e2e::reading::not_reachable;
use doorway_e2e::worker::Worker;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_firewall_doorway_prints_lets_a_check_through_and_drops_the_rest() -> Result<()> {
    let lab = ServerNamespace::create()?;
    let printed = std::process::Command::new(env_path("DOORWAY_BIN")?)
        .arg("firewall")
        .output()?;
    ensure!(printed.status.success(), "doorway firewall: {printed:?}");
    lab.nft(&String::from_utf8(printed.stdout)?)?;

    let worker = Worker::start(Some(&lab.name), &lab.address, &[]).await?;
    let browser = Browser::start_with_hosts(&[&lab.address]).await?;
    browser
        .client
        .goto(&worker.url("/?profile=ring&autorun=1"))
        .await?;
    let result = browser.wait_for_result(Duration::from_secs(20)).await;
    browser.close().await?;
    let result = result?;
    // A port the worker does not serve is dropped, not refused.
    let closed = tokio::time::timeout(
        Duration::from_secs(2),
        tokio::net::TcpStream::connect((lab.address.as_str(), 7)),
    )
    .await;

    assert_eq!(
        result.verdict.overall,
        Overall::Ready,
        "{:?}",
        result.verdict
    );
    assert_eq!(not_reachable(&result, &[]), Vec::<String>::new());
    assert!(
        result
            .relay
            .is_some_and(|relay| [relay.udp, relay.tcp, relay.tls]
                .iter()
                .all(|o| o.is_reachable())),
        "the relay through the firewall: {:?}",
        result.relay
    );
    assert!(closed.is_err(), "port 7 answered: {closed:?}");
    Ok(())
}
