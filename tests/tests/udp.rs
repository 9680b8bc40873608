//! UDP through STUN, end to end: the real worker's STUN sockets, nftables in
//! the server's namespace, and Chromium's peer connections.

use std::time::Duration;

use anyhow::Result;
use doorway_core::result::RequirementStatus;
use doorway_core::{Overall, ProbeOutcome, Protocol};
use doorway_e2e::browser::Browser;
use doorway_e2e::lab::ServerNamespace;
use doorway_e2e::worker::Worker;

const PROBE_TIMEOUT_MS: u32 = 2000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_udp_port_reads_no_answer_and_an_open_one_reachable() -> Result<()> {
    let lab = ServerNamespace::create()?;
    lab.drop_udp("15064")?;
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
        .goto(&worker.url("/?udp=3478,15064&autorun=1"))
        .await?;
    let result = browser.wait_for_result(Duration::from_secs(20)).await?;
    assert!(
        matches!(
            result.probe(Protocol::Udp, 3478),
            Some(ProbeOutcome::Reachable { .. })
        ),
        "{:?}",
        result.probe(Protocol::Udp, 3478)
    );
    assert_eq!(
        result.probe(Protocol::Udp, 15064),
        Some(&ProbeOutcome::Filtered {
            timeout_ms: PROBE_TIMEOUT_MS
        })
    );
    // Our timeout, not the browser's 40 s gathering give-up.
    assert!(
        result.duration_ms < u64::from(PROBE_TIMEOUT_MS) + 1500,
        "{} ms",
        result.duration_ms
    );
    assert_eq!(result.verdict.overall, Overall::NotReady);
    browser.close().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn part_of_a_range_dropped_reads_partial_and_names_what_breaks() -> Result<()> {
    let lab = ServerNamespace::create()?;
    // The lower part of Ring's media range: some of the 8 sampled ports.
    lab.drop_udp("16500-30000")?;
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
        .goto(&worker.url("/?profile=ring&autorun=1"))
        .await?;
    let result = browser.wait_for_result(Duration::from_secs(20)).await?;
    let media = result
        .requirements
        .iter()
        .find(|r| r.protocol == Protocol::Udp && r.ports.contains(16500))
        .expect("Ring's media range");
    let RequirementStatus::Partial { reachable, probed } = media.status else {
        panic!("expected partial, got {:?}", media.status);
    };
    let dropped = media.probes.iter().filter(|p| p.port <= 30000).count() as u32;
    assert_eq!(probed, media.probes.len() as u32);
    assert_eq!(reachable, probed - dropped, "{:?}", media.probes);
    assert_eq!(result.verdict.overall, Overall::Partly);
    let verdict = browser.text("#verdict").await?;
    assert!(
        verdict.contains("Live View video will not connect"),
        "{verdict}"
    );
    let range = browser
        .text("li[data-protocol='udp'][data-ports='16500–65000']")
        .await?;
    assert!(
        range.contains(&format!("{reachable} of {probed} sampled ports open")),
        "{range}"
    );
    browser.close().await?;
    Ok(())
}
