//! Answer first, as each reader meets it: the person at home on a phone
//! (390×844) sees the verdict, the next step and the share button on the
//! first screen, with the details folded; the support agent opening `/r/…`
//! sees the network the check ran on (from the server's ASN database) while
//! the address stays hidden, the time with its zone, questions to ask and a
//! copy-as-text button. Screenshots go to `target/screenshots/` for review.

use std::time::Duration;

use anyhow::Result;
use doorway_core::{CheckResult, Overall};
use doorway_e2e::asn_db::write_asn_db;
use doorway_e2e::browser::{Browser, TempDir, PHONE_SCREEN};
use doorway_e2e::lab::ServerNamespace;
use doorway_e2e::worker::Worker;

/// The phone's screen height in CSS pixels (`Browser::phone_screen`).
const PHONE_HEIGHT: f64 = PHONE_SCREEN.1 as f64;

/// Where the answer's parts end on the page (document pixels), whether the
/// details are open, and how tall the page is.
#[derive(Debug)]
struct Layout {
    verdict_bottom: f64,
    next_step_bottom: f64,
    share_bottom: f64,
    details_open: bool,
    page_height: f64,
    scroll_width: f64,
    viewport_width: f64,
}

async fn layout(browser: &Browser) -> Result<Layout> {
    let value = browser
        .client
        .execute(
            "const bottom = (css) => { const e = document.querySelector(css);
               return e ? e.getBoundingClientRect().bottom + window.scrollY : 1e9; };
             return [bottom('#verdict'), bottom('#next-step'), bottom('#share'),
               document.querySelector('#details').open,
               document.documentElement.scrollHeight,
               document.documentElement.scrollWidth, window.innerWidth];",
            vec![],
        )
        .await?;
    let number = |i: usize| value[i].as_f64().unwrap_or(f64::MAX);
    Ok(Layout {
        verdict_bottom: number(0),
        next_step_bottom: number(1),
        share_bottom: number(2),
        details_open: value[3].as_bool().unwrap_or(true),
        page_height: number(4),
        scroll_width: number(5),
        viewport_width: number(6),
    })
}

fn assert_answer_first(layout: &Layout, what: &str) {
    let screen = PHONE_HEIGHT;
    assert!(
        layout.verdict_bottom <= screen
            && layout.next_step_bottom <= screen
            && layout.share_bottom <= screen,
        "{what}: the answer must fit the first screen: {layout:?}"
    );
    assert!(!layout.details_open, "{what}: details folded: {layout:?}");
    assert!(
        layout.page_height < 2.0 * screen,
        "{what}: shorter than two screens with details folded: {layout:?}"
    );
    assert!(
        layout.scroll_width <= layout.viewport_width,
        "{what}: no sideways scrolling: {layout:?}"
    );
}

/// `ring` run on a phone against `lab`'s worker (started with `extra`):
/// the worker, the browser, the result, where the answer lies and its next
/// step.
async fn ring_on_a_phone(
    lab: &ServerNamespace,
    extra: &[&str],
) -> Result<(Worker, Browser, CheckResult, Result<Layout>, Result<String>)> {
    let worker = Worker::start(Some(&lab.name), &lab.address, extra).await?;
    let browser = Browser::start_with_hosts(&[&lab.address]).await?;
    browser.phone_screen().await?;
    browser
        .client
        .goto(&worker.url("/?profile=ring&autorun=1"))
        .await?;
    let result = browser.wait_for_result(Duration::from_secs(20)).await?;
    let layout = layout(&browser).await;
    let next_step = browser.text("#next-step").await;
    Ok((worker, browser, result, layout, next_step))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_phone_an_open_network_answers_on_the_first_screen() -> Result<()> {
    let lab = ServerNamespace::create()?;
    let (_worker, browser, result, layout, next_step) = ring_on_a_phone(&lab, &[]).await?;
    let page_text = browser.text("body").await?;
    browser.screenshot("answer-ring-ready-390x844").await?;
    browser.close().await?;

    assert_eq!(result.verdict.overall, Overall::Ready);
    assert_answer_first(&layout?, "ring, open network");
    let next_step = next_step?;
    assert!(
        next_step.contains("Your network lets Ring") && next_step.contains("Send this result"),
        "a next step for a ready network too: {next_step}"
    );
    for vendor_words in ["support article", "snippet", "iframe"] {
        assert!(
            !page_text.to_lowercase().contains(vendor_words),
            "no vendor-facing text on a person's page: {vendor_words}"
        );
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_phone_a_network_with_failures_answers_first_and_shares_one_link() -> Result<()> {
    let lab = ServerNamespace::create()?;
    lab.drop_tcp(9998)?;
    lab.drop_tcp(9999)?;
    lab.reject_tcp(8557)?;
    let (worker, browser, result, layout, next_step) =
        ring_on_a_phone(&lab, &["--probe-timeout-ms", "1000"]).await?;
    browser.screenshot("answer-ring-not-ready-390x844").await?;
    let first = browser.share_link().await;
    let second = browser.share_link().await;
    // A phone is not shown a QR code of its own link.
    let qr_shown = browser
        .client
        .execute(
            "const q = document.querySelector('.qr');
             return [!!q, !!q && q.getBoundingClientRect().width > 0, matchMedia('(pointer: coarse)').matches];",
            vec![],
        )
        .await;
    let table = browser.text("#provider-table").await;
    browser.close().await?;

    assert_eq!(result.verdict.overall, Overall::NotReady);
    assert_answer_first(&layout?, "ring, ports blocked");
    let next_step = next_step?;
    assert!(
        next_step.contains("Follow the steps"),
        "the next step points to what to do: {next_step}"
    );
    let (first, second) = (first?, second?);
    assert!(first.starts_with(&worker.url("/r/")), "{first}");
    assert_eq!(first, second, "pressing Share twice gives the same link");
    assert_eq!(
        qr_shown?,
        serde_json::json!([true, false, true]),
        "a touch screen is not shown the QR code of its own link (present, hidden, coarse pointer)"
    );
    let table = table?;
    assert!(
        table.contains("9998–9999") && table.contains("blocked (no answer)"),
        "the provider table, stacked for a phone: {table}"
    );
    Ok(())
}

/// A test ASN database naming the lab's addresses (198.18.0.0/15) with
/// `record`: its folder (removed on drop) and the `--asn-db` argument.
fn lab_in_asn_db(record: serde_json::Value) -> Result<(TempDir, String)> {
    let dir = TempDir::new("asn")?;
    let db = dir.0.join("asn.mmdb");
    write_asn_db(&db, &[("198.18.0.0/15", record)])?;
    let arg = db.to_str().unwrap_or_default().to_owned();
    Ok((dir, arg))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn support_sees_the_network_the_time_zone_and_questions_not_the_address() -> Result<()> {
    let lab = ServerNamespace::create()?;
    lab.drop_tcp(9999)?;
    // The lab's addresses as a home network in the server's ASN database.
    let (db_dir, db_arg) = lab_in_asn_db(serde_json::json!({"autonomous_system_number": 64500,
        "autonomous_system_organization": "Example Telecom",
        "connection_type": "Cable/DSL",
        "country": {"iso_code": "CH"}}))?;
    let worker = Worker::start(
        Some(&lab.name),
        &lab.address,
        &["--asn-db", &db_arg, "--probe-timeout-ms", "1000"],
    )
    .await?;
    let browser = Browser::start_with_hosts(&[&lab.address]).await?;
    browser
        .client
        .goto(&worker.url("/?tcp=443,8557,9999&autorun=1"))
        .await?;
    let result = browser.wait_for_result(Duration::from_secs(20)).await?;
    let link = browser.share_link().await;
    browser.close().await?;
    let link = link?;
    let address = result
        .client
        .public_address
        .clone()
        .unwrap_or_else(|| "none".into());

    let support = Browser::start_with_hosts(&[&lab.address]).await?;
    support.phone_screen().await?;
    support.client.goto(&link).await?;
    let shared = support.wait_for_result(Duration::from_secs(10)).await;
    let meta = support.text("#shared-meta").await;
    let network = support.text("#shared-network").await;
    let time = support.text("#shared-time").await;
    let questions = support.text("#questions").await;
    let verdict_box = support.text("#verdict").await;
    let next_steps = support
        .client
        .find_all(fantoccini::Locator::Css("#next-step"))
        .await
        .map(|found| found.len());
    let scrolled = support
        .client
        .execute("return window.scrollY;", vec![])
        .await;
    support
        .screenshot("answer-shared-for-support-390x844")
        .await?;
    let copy = support
        .client
        .find(fantoccini::Locator::Css("#copy-text"))
        .await;
    let copied = match copy {
        Ok(button) => {
            button.click().await?;
            support
                .wait_text(".for-support [role=status]", Duration::from_secs(5))
                .await
        }
        Err(error) => Err(error.into()),
    };
    support.close().await?;

    let shared = shared?;
    assert_eq!(
        shared.client.public_address, None,
        "the address stays hidden"
    );
    let meta = meta?;
    assert!(!meta.contains(&address), "{address} is shown: {meta}");
    let network = network?;
    assert!(
        network.contains("AS64500 Example Telecom (CH)") && network.contains("home internet"),
        "{network}"
    );
    let time = time?;
    assert!(
        time.contains("UTC") && time.contains('(') && time.contains(':'),
        "the time with its zone, and in UTC: {time}"
    );
    let questions = questions?;
    assert!(
        questions.contains("same Wi-Fi") && questions.contains("router or modem"),
        "{questions}"
    );
    // The verdict, without the words the person who ran the check got:
    // support is not told to send the result to support.
    let verdict_box = verdict_box?;
    assert!(!verdict_box.trim().is_empty(), "a verdict for support");
    assert_eq!(
        next_steps?, 0,
        "a next step for the customer: {verdict_box}"
    );
    assert!(
        !verdict_box.contains("this result") && !verdict_box.contains("this check again"),
        "{verdict_box}"
    );
    assert_eq!(
        scrolled?.as_f64(),
        Some(0.0),
        "the page opens at the top of the shared result"
    );
    // Plain http has no clipboard in Chromium: the page says so, or copies.
    let copied = copied?;
    assert!(
        copied.contains("Copied") || copied.contains("does not allow copying"),
        "{copied}"
    );
    drop(db_dir);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn before_a_check_a_phone_on_a_mobile_carrier_is_told_to_join_the_wifi() -> Result<()> {
    let lab = ServerNamespace::create()?;
    // The lab's addresses as a mobile carrier in the server's ASN database.
    let (_db, db_arg) = lab_in_asn_db(serde_json::json!({"autonomous_system_number": 64501,
        "autonomous_system_organization": "Example Mobile",
        "connection_type": "Cellular"}))?;
    let worker = Worker::start(Some(&lab.name), &lab.address, &["--asn-db", &db_arg]).await?;
    let browser = Browser::start_with_hosts(&[&lab.address]).await?;
    browser.phone_screen().await?;
    // Not started yet: the person has the warning before pressing Start.
    browser.client.goto(&worker.url("/?profile=ring")).await?;
    let warning = browser
        .wait_text("#mobile-warning", Duration::from_secs(10))
        .await;
    browser
        .screenshot("answer-mobile-carrier-before-390x844")
        .await?;
    browser.close().await?;
    let warning = warning?;
    assert!(warning.contains("mobile data"), "{warning}");
    Ok(())
}
