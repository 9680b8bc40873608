//! Checks from outside: the worker knocks on the lab router's internet-side
//! address, where a port forward sends TCP 57536 (MOBOTIX MxMC's remote
//! control) to the browser's machine. The page's "Check from outside"
//! button asks for it; the result JSON is read again once it answered.

use std::time::Duration;

use anyhow::{bail, Result};
use doorway_core::{CheckResult, Direction, ProbeOutcome, Protocol};
use doorway_e2e::lab::{Nat, RouterLab};

const PORT: u16 = 57536;

/// Runs `?{query}`, presses "Check from outside" for 57536 and returns
/// the port's outcome once the knock answered.
async fn knock_from_the_page(lab: &RouterLab, query: &str) -> Result<ProbeOutcome> {
    Ok(knock_and_share(lab, query, false).await?.0)
}

/// The same, then (with `share`) shares the result and opens its link, as
/// support would: the shared result and what its page says about 57536.
async fn knock_and_share(
    lab: &RouterLab,
    query: &str,
    share: bool,
) -> Result<(ProbeOutcome, Option<(CheckResult, String)>)> {
    let (worker, browser) = lab
        .start(&["--inbound-allow-private"], serde_json::json!({}))
        .await?;
    browser
        .client
        .goto(&worker.url(&format!("/?{query}&autorun=1")))
        .await?;
    let outcome = async {
        browser.wait_for_result(Duration::from_secs(30)).await?;
        browser
            .client
            .find(fantoccini::Locator::Css(&format!(
                "li[data-ports='{PORT}'] button.knock"
            )))
            .await?
            .click()
            .await?;
        for _ in 0..100 {
            tokio::time::sleep(Duration::from_millis(100)).await;
            let result = browser.wait_for_result(Duration::from_secs(1)).await?;
            if let Some(outcome) = inbound_outcome(&result) {
                if !share {
                    return Ok((outcome, None));
                }
                let link = browser.share_link().await?;
                browser.client.goto(&link).await?;
                let shared = browser.wait_for_result(Duration::from_secs(10)).await?;
                let row = browser
                    .wait_until_text(&format!("li[data-ports='{PORT}']"), Duration::from_secs(5))
                    .await?;
                return Ok((outcome, Some((shared, row))));
            }
        }
        let page = browser.text("body").await.unwrap_or_default();
        bail!("no answer from outside within 10 s; the page shows:\n{page}")
    }
    .await;
    browser.close().await?;
    outcome
}

/// 57536's outcome under the inbound requirement, once it was knocked on.
fn inbound_outcome(result: &CheckResult) -> Option<ProbeOutcome> {
    result
        .requirements
        .iter()
        .filter(|r| r.direction == Direction::Inbound && r.protocol == Protocol::Tcp)
        .flat_map(|r| &r.probes)
        .find(|p| p.port == PORT)
        .map(|p| p.outcome)
        .filter(|o| !matches!(o, ProbeOutcome::NotTestable { .. }))
}

#[tokio::test]
async fn a_forward_to_a_listening_device_reads_open() -> Result<()> {
    let lab = RouterLab::create(Nat::Masquerade)?;
    lab.forward_tcp_to_browser(PORT)?;
    // The device at home: listening in the browser's namespace.
    let _device = lab.listen_in_browser(PORT)?;
    let (outcome, shared) = knock_and_share(&lab, "profile=mobotix-mxmc", true).await?;
    assert!(
        matches!(outcome, ProbeOutcome::Reachable { .. }),
        "{outcome:?}"
    );
    // The shared result keeps the knock, and its page says what it means.
    let Some((shared, row)) = shared else {
        bail!("nothing was shared");
    };
    assert_eq!(inbound_outcome(&shared), Some(outcome), "the stored result");
    assert!(
        row.contains("Open from outside") && row.contains("a device answers"),
        "{row}"
    );
    Ok(())
}

#[tokio::test]
async fn a_forward_to_nothing_listening_reads_closed() -> Result<()> {
    let lab = RouterLab::create(Nat::Masquerade)?;
    lab.forward_tcp_to_browser(PORT)?;
    // A support article's own list: ?in= names the incoming port.
    let outcome = knock_from_the_page(&lab, "tcp=443&in=57536").await?;
    assert!(
        matches!(outcome, ProbeOutcome::Refused { .. }),
        "{outcome:?}"
    );
    Ok(())
}

#[tokio::test]
async fn a_router_that_drops_the_port_reads_filtered() -> Result<()> {
    let lab = RouterLab::create(Nat::Masquerade)?;
    lab.forward_tcp_to_browser(PORT)?;
    lab.router_rule("inbound_drop", &format!("tcp dport {PORT} drop"))?;
    let outcome = knock_from_the_page(&lab, "profile=mobotix-mxmc").await?;
    assert!(
        matches!(outcome, ProbeOutcome::Filtered { .. }),
        "{outcome:?}"
    );
    Ok(())
}
