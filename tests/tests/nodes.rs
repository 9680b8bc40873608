//! Probe nodes from the page's side: a checker that lists two nodes races
//! them, checks through the one that answered first and shares the result
//! where the page came from; when none answers, the page says so.

use std::time::Duration;

use anyhow::{Context, Result};
use doorway_core::Overall;
use doorway_e2e::browser::Browser;
use doorway_e2e::lab::{ServerNamespace, LAB_TIMEOUT_MS};
use doorway_e2e::worker::Worker;

/// A probe node in `ns` serving the checker at `app_origin`.
async fn probe_node(ns: &ServerNamespace, app_origin: &str) -> Result<Worker> {
    Worker::start(
        Some(&ns.name),
        &ns.address,
        &[
            "--probe-timeout-ms",
            LAB_TIMEOUT_MS,
            "--app-origin",
            app_origin,
        ],
    )
    .await
}

/// The checker in `ns`, listing `nodes` in that order.
async fn checker(ns: &ServerNamespace, nodes: &[&Worker]) -> Result<Worker> {
    let origins: Vec<String> = nodes.iter().map(|node| node.url("")).collect();
    let mut args = vec!["--probe-timeout-ms", LAB_TIMEOUT_MS];
    for origin in &origins {
        args.extend(["--probe-node", origin.as_str()]);
    }
    Worker::start(Some(&ns.name), &ns.address, &args).await
}

/// `doorway_checks_total` as `worker`'s `/metrics` reads now.
async fn checks_counted(worker: &Worker) -> Result<u64> {
    let metrics = doorway_e2e::http::get(&worker.app, "/metrics").await?;
    doorway_e2e::http::metric_total(&metrics.body, "doorway_checks_total ")
        .with_context(|| format!("no check count in:\n{}", metrics.body))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_checks_through_the_node_that_answers_first_and_shares_with_its_checker(
) -> Result<()> {
    let (app_ns, far_ns, near_ns) = (
        ServerNamespace::create()?,
        ServerNamespace::create()?,
        ServerNamespace::create()?,
    );
    let app_origin = format!("http://{}:8080", app_ns.address);
    let far = probe_node(&far_ns, &app_origin).await?;
    let near = probe_node(&near_ns, &app_origin).await?;
    // The far node listed first: the page must not just take the first.
    let app = checker(&app_ns, &[&far, &near]).await?;
    // The far node's first connection waits for TCP's second SYN, a second
    // later: it is the slower of the two from here.
    far_ns.input_rule(
        "slow",
        "tcp dport 8080 tcp flags & (syn | ack) == syn numgen inc mod 2 == 0 drop",
    )?;

    let browser =
        Browser::start_with_hosts(&[&app_ns.address, &far_ns.address, &near_ns.address]).await?;
    browser
        .client
        .goto(&app.url("/?profile=ring&autorun=1"))
        .await?;
    let result = browser.wait_for_result(Duration::from_secs(30)).await?;

    // The probes went to the near node, and got through.
    assert_eq!(result.server.probe_host, near_ns.address, "{result:?}");
    assert_eq!(result.verdict.overall, Overall::Ready, "{result:?}");
    // So did the API a check starts with (the echo that sets the budgets).
    assert_eq!(checks_counted(&near).await?, 1);
    assert_eq!(checks_counted(&far).await?, 0);
    assert_eq!(checks_counted(&app).await?, 0);

    // Calls and video: the stream and the speed test run on the node too.
    let (reading, words, measured) = browser.wait_for_quality(Duration::from_secs(40)).await?;
    assert_eq!(reading, "good", "{words}");
    assert!(
        measured
            .bandwidth
            .as_ref()
            .is_some_and(|b| b.down_kbps.is_some() && b.up_kbps.is_some()),
        "{:?}",
        measured.bandwidth
    );

    // The share is kept where the page came from: a node keeps none.
    let link = browser.share_link().await?;
    let id = link
        .strip_prefix(&app.url("/r/"))
        .with_context(|| format!("{link} is not a link to the checker"))?;
    let stored = doorway_e2e::http::get(&app.app, &format!("/api/results/{id}")).await?;
    assert_eq!(stored.status, 200, "{}", stored.body);
    assert!(stored.body.contains(&near_ns.address), "{}", stored.body);
    browser.close().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_no_node_answers_the_page_says_so_and_names_them() -> Result<()> {
    let (app_ns, node_ns) = (ServerNamespace::create()?, ServerNamespace::create()?);
    let node = probe_node(&node_ns, &format!("http://{}:8080", app_ns.address)).await?;
    let app = checker(&app_ns, &[&node]).await?;
    node_ns.drop_tcp(8080)?;

    let browser = Browser::start_with_hosts(&[&app_ns.address, &node_ns.address]).await?;
    browser
        .client
        .goto(&app.url("/?profile=ring&autorun=1"))
        .await?;
    let words = browser
        .wait_text(".notice.error", Duration::from_secs(15))
        .await?;
    assert!(
        words.contains("none of its probe servers answered from this network")
            && words.contains(&node.url("")),
        "{words}"
    );
    browser.close().await?;
    Ok(())
}
