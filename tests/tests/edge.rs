//! The edge in front of a probe node: the page comes from the local
//! Workers runtime (workerd, through `wrangler dev`), races the node the
//! edge lists, checks through it, and shares the result into the edge's D1;
//! the edge names the client's network from the platform's `request.cf`.

use std::time::Duration;

use anyhow::{Context, Result};
use doorway_core::Overall;
use doorway_e2e::browser::Browser;
use doorway_e2e::edge::{
    wrangler, wrangler_scratch, wrangler_scratch_since, Edge, TEST_ASN, TEST_COUNTRY, TEST_OPERATOR,
};
use doorway_e2e::lab::{ServerNamespace, LAB_TIMEOUT_MS};
use doorway_e2e::worker::Worker;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_from_the_edge_checks_through_the_probe_node_and_shares_into_d1() -> Result<()> {
    let (edge_ns, node_ns) = (ServerNamespace::create()?, ServerNamespace::create()?);
    let edge_origin = format!("http://{}:8787", edge_ns.address);
    let node = Worker::start(
        Some(&node_ns.name),
        &node_ns.address,
        &[
            "--probe-timeout-ms",
            LAB_TIMEOUT_MS,
            "--app-origin",
            &edge_origin,
        ],
    )
    .await?;
    let scratch_before = wrangler_scratch()?;
    let edge = Edge::start(&edge_ns.name, &edge_ns.address, 8787, &[node.url("")]).await?;

    // The platform's view of the client: the test network.
    let echo = doorway_e2e::http::get(&edge.app, "/api/echo").await?;
    let echo: serde_json::Value =
        serde_json::from_str(&echo.body).with_context(|| format!("echo: {}", echo.body))?;
    assert_eq!(echo["network"]["asn"], TEST_ASN, "{echo}");
    assert_eq!(echo["network"]["operator"], TEST_OPERATOR, "{echo}");
    assert_eq!(echo["network"]["country"], TEST_COUNTRY, "{echo}");

    // Its health is its store's (D1 answers a read); what only a probe
    // node or the native worker serves is a JSON 404 here, not a page.
    let health = doorway_e2e::http::get(&edge.app, "/healthz").await?;
    assert_eq!(health.status, 200, "{}", health.body);
    let health: serde_json::Value = serde_json::from_str(&health.body)?;
    assert_eq!(health["store"], "ok", "{health}");
    let probe = doorway_e2e::http::get(&edge.app, "/probe").await?;
    assert_eq!(probe.status, 404, "{}", probe.body);
    assert!(probe.body.contains("not_found"), "{}", probe.body);

    // The configuration in one language, as the checker asks for it (the
    // shared reader of `?lang=`): German translations and no Italian ones;
    // a language the page does not have is a JSON 400.
    let german = doorway_e2e::http::get(&edge.app, "/api/config?lang=de").await?;
    assert_eq!(german.status, 200, "{}", german.body);
    assert!(
        german.body.contains("Ring-Videotürklingeln"),
        "{}",
        german.body
    );
    assert!(!german.body.contains("Videocitofoni"), "{}", german.body);
    let french = doorway_e2e::http::get(&edge.app, "/api/config?lang=fr").await?;
    assert_eq!(french.status, 400, "{}", french.body);
    assert!(french.body.contains("unknown_language"), "{}", french.body);

    // The app's files come from the platform with the native worker's
    // headers (the _headers `cargo xtask` writes): the hashed ones are kept
    // for good, a plain page is never framed, the .br/.gz copies are not
    // uploaded (the platform compresses by itself).
    let page = doorway_e2e::http::get(&edge.app, "/").await?;
    let wasm = page
        .body
        .split('"')
        .find(|part| part.starts_with('/') && part.ends_with("_bg.wasm"))
        .with_context(|| format!("no wasm named in the page: {}", page.body))?;
    let file = doorway_e2e::http::get(&edge.app, wasm).await?;
    assert_sent_with(
        &file,
        &[
            "content-type: application/wasm",
            "cache-control: public, max-age=31536000, immutable",
            "x-content-type-options: nosniff",
            "referrer-policy: no-referrer",
        ],
    );
    let demo = doorway_e2e::http::get(&edge.app, "/embed-demo.html").await?;
    assert_sent_with(
        &demo,
        &[
            "content-type: text/html",
            "x-frame-options: deny",
            "content-security-policy: frame-ancestors 'none'",
            "x-content-type-options: nosniff",
        ],
    );
    assert!(!demo.has_header("immutable"), "{}", demo.head);
    let copy = doorway_e2e::http::get(&edge.app, &format!("{wasm}.br")).await?;
    assert!(!copy.has_header("application/wasm"), "{}", copy.head);

    let browser = Browser::start_with_hosts(&[&edge_ns.address, &node_ns.address]).await?;
    browser
        .client
        .goto(&edge.url("/?profile=ring&autorun=1"))
        .await?;
    let result = browser
        .wait_for_result(Duration::from_secs(30))
        .await
        .with_context(|| format!("the edge's log:\n{}", edge.log()))?;
    assert_eq!(result.server.probe_host, node_ns.address, "{result:?}");
    assert_eq!(result.verdict.overall, Overall::Ready, "{result:?}");

    // The share goes to the edge and is kept in its D1, with the network
    // the platform named.
    let link = browser.share_link().await?;
    let id = link
        .strip_prefix(&edge.url("/r/"))
        .with_context(|| format!("{link} is not a link to the edge"))?;
    let stored = doorway_e2e::http::get(&edge.app, &format!("/api/results/{id}")).await?;
    assert_eq!(stored.status, 200, "{}", stored.body);
    let stored: serde_json::Value = serde_json::from_str(&stored.body)?;
    assert_eq!(
        stored["result"]["client"]["network"]["asn"], TEST_ASN,
        "{stored}"
    );
    assert_eq!(
        stored["result"]["client"]["network"]["country"], TEST_COUNTRY,
        "{stored}"
    );
    assert!(stored.to_string().contains(&node_ns.address), "{stored}");
    browser.close().await?;

    // Sharing is bounded per client by the platform's limiter, across
    // isolates: 5 a minute, where the isolate's own count would allow 30.
    // Twelve shares sent at once fall in at most two of its windows, so at
    // most ten pass.
    let body = stored["result"].to_string();
    let share = format!(
        "POST /api/results HTTP/1.1\r\nHost: {host}\r\nOrigin: http://{host}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len(),
        host = edge.app,
    );
    let mut shares = tokio::task::JoinSet::new();
    for _ in 0..12 {
        let (app, share) = (edge.app.clone(), share.clone());
        shares.spawn(async move { doorway_e2e::http::exchange(&app, share.as_bytes()).await });
    }
    let mut answers = Vec::new();
    let mut refused = None;
    while let Some(answer) = shares.join_next().await {
        let answer = answer??;
        answers.push(answer.status);
        if answer.status != 201 {
            refused.get_or_insert(answer);
        }
    }
    answers.sort_unstable();
    eprintln!("shares answered {answers:?}");
    assert!(
        answers.iter().filter(|s| **s == 201).count() <= 10,
        "{answers:?}"
    );
    let refused = refused.with_context(|| format!("none refused: {answers:?}"))?;
    assert_eq!(refused.status, 429, "{answers:?}: {}", refused.body);
    assert!(
        refused.body.contains("too_many_requests"),
        "{}",
        refused.body
    );
    assert!(refused.has_header("retry-after: 60"), "{}", refused.head);

    // A support agent opens the link: the edge's viewer shows the same
    // verdict, read back from D1.
    let support = Browser::start_with_hosts(&[&edge_ns.address]).await?;
    support.client.goto(&link).await?;
    let shared = support.wait_for_result(Duration::from_secs(15)).await?;
    assert_eq!(shared.verdict, result.verdict);
    support.close().await?;

    // Stopped, the edge leaves none of wrangler's scratch files behind.
    drop(edge);
    let left = wrangler_scratch_since(&scratch_before)?;
    assert!(left.is_empty(), "wrangler left {left:?}");
    Ok(())
}

/// A 200 whose head has every one of `lines`.
fn assert_sent_with(response: &doorway_e2e::http::Response, lines: &[&str]) {
    assert_eq!(response.status, 200, "{}", response.head);
    for line in lines {
        assert!(response.has_header(line), "{line}: {}", response.head);
    }
}

/// What `cargo xtask deploy-edge` uploads, checked the way wrangler checks
/// it before an upload (`--dry-run`, in a namespace without a network): the
/// configuration parses, the bundle is there, both bindings are named.
#[test]
fn the_deploy_bundle_and_its_configuration_pass_wranglers_checks() -> Result<()> {
    let ns = ServerNamespace::create()?;
    let out = doorway_e2e::browser::TempDir::new("edge-dry-run")?;
    let bundle = out.0.join("bundle");
    let scratch_before = wrangler_scratch()?;
    let output = wrangler(&ns.name, &out)?
        .args(["deploy", "--dry-run", "--outdir"])
        .arg(&bundle)
        .output()?;
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "{printed}");
    for binding in [
        "env.RESULTS (doorway-results)",
        "env.ASSETS",
        "env.PROBE_NODES",
    ] {
        assert!(printed.contains(binding), "{binding}: {printed}");
    }
    assert!(
        printed.contains("files from the assets directory"),
        "{printed}"
    );
    assert!(bundle.join("index.js").is_file(), "{printed}");
    let left = wrangler_scratch_since(&scratch_before)?;
    assert!(left.is_empty(), "wrangler left {left:?}");
    Ok(())
}
