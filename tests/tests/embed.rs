//! The check in a vendor's support article, as the vendor's web team meets
//! it: the vendors' page (`/embed`) builds the snippet with a live preview;
//! pasted into a page on another origin, the embed stays compact (answer,
//! next step, Share, a link to every detail), keeps every link out of the
//! frame, and tells the page its progress, result, height and shared link.
//! The demo article works from another origin too. Screenshots go to
//! `target/screenshots/` for review.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use doorway_core::embed::{EmbedOptions, EmbedTarget};
use doorway_core::{CheckResult, Overall, ProbeOutcome, Protocol};
use doorway_e2e::browser::{Browser, PHONE_SCREEN};
use doorway_e2e::env_path;
use doorway_e2e::lab::ServerNamespace;
use doorway_e2e::site::Site;
use doorway_e2e::worker::Worker;
use serde_json::{json, Value};

/// The phone's screen height in CSS pixels (`Browser::phone_screen`).
const PHONE_HEIGHT: f64 = PHONE_SCREEN.1 as f64;

fn origin(worker: &Worker) -> String {
    worker.url("")
}

/// Sets a form field as a person would (value, then `change`).
async fn set_field(browser: &Browser, css: &str, value: &str) -> Result<()> {
    browser
        .client
        .execute(
            "const e = document.querySelector(arguments[0]);
             e.value = arguments[1];
             e.dispatchEvent(new Event('change', { bubbles: true }));",
            vec![json!(css), json!(value)],
        )
        .await?;
    Ok(())
}

async fn attribute(browser: &Browser, css: &str, name: &str) -> Result<Option<String>> {
    let value = browser
        .client
        .execute(
            "const e = document.querySelector(arguments[0]);
             return e ? e.getAttribute(arguments[1]) : null;",
            vec![json!(css), json!(name)],
        )
        .await?;
    Ok(value.as_str().map(str::to_owned))
}

/// Polls `script` (a function body returning a value) until `done` holds.
async fn wait_for(
    browser: &Browser,
    script: &str,
    done: impl Fn(&Value) -> bool,
    within: Duration,
    what: &str,
) -> Result<Value> {
    let deadline = Instant::now() + within;
    loop {
        let value = browser.client.execute(script, vec![]).await?;
        if done(&value) {
            return Ok(value);
        }
        if Instant::now() > deadline {
            bail!("{what}: not within {within:?}; last {value}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_vendors_page_builds_the_snippet_with_a_live_preview() -> Result<()> {
    let lab = ServerNamespace::create()?;
    let worker = Worker::start(Some(&lab.name), &lab.address, &[]).await?;
    // Served over https in production: a secure context, with a clipboard.
    let browser = Browser::start_treating_as_secure(&[&lab.address], &[origin(&worker)]).await?;
    browser.client.set_window_size(1280, 1000).await?;
    browser
        .client
        .goto(&worker.url("/embed?profile=ring"))
        .await?;
    browser
        .wait_text("#embed-snippet", Duration::from_secs(10))
        .await?;
    set_field(&browser, "#vendors-lang", "de").await?;
    set_field(&browser, "#vendors-theme", "#ff8800").await?;

    // What the page shows is what core writes for these choices.
    let mut options = EmbedOptions {
        target: EmbedTarget::Profile("ring".into()),
        lang: Some("de".into()),
        languages: false,
        autorun: true,
        theme: Some("ff8800".into()),
    };
    let snippet = browser.text("#embed-snippet").await?;
    assert_eq!(snippet, options.snippet(&origin(&worker), "Network check"));
    assert_eq!(
        attribute(&browser, "#preview", "src").await?.as_deref(),
        Some("/?profile=ring&lang=de&autorun=1&theme=ff8800&embed=1")
    );

    // The preview runs the check and sizes itself from its messages.
    wait_for(
        &browser,
        "return document.getElementById('preview').getAttribute('height');",
        |h| h.as_str().is_some_and(|h| h != "480"),
        Duration::from_secs(20),
        "the preview sized from its doorway:height messages",
    )
    .await?;
    browser.client.enter_frame(0).await?;
    let verdict = browser
        .wait_text("#verdict h2", Duration::from_secs(20))
        .await?;
    let preview_lang = browser
        .client
        .execute("return document.documentElement.lang;", vec![])
        .await?;
    browser.client.enter_parent_frame().await?;
    assert!(verdict.starts_with("Bereit"), "German preview: {verdict}");
    assert_eq!(preview_lang, json!("de"));
    browser.screenshot("embed-vendors-page").await?;

    // Own port lists; a list that cannot be checked says why and gives no
    // snippet.
    browser.click("#target-ports").await?;
    set_field(&browser, "#vendors-tcp", "443, 8557").await?;
    options.target = EmbedTarget::Ports {
        tcp: "443, 8557".into(),
        udp: String::new(),
        inbound: String::new(),
    };
    assert_eq!(
        attribute(&browser, "#preview", "src").await?.as_deref(),
        Some("/?tcp=443,8557&lang=de&autorun=1&theme=ff8800&embed=1")
    );
    set_field(&browser, "#vendors-tcp", "443, 70000").await?;
    let error = browser.text("#vendors-error").await?;
    let no_snippet = browser.text("#embed-snippet").await.is_err();
    set_field(&browser, "#vendors-tcp", "443, 8557").await?;
    assert!(error.contains("70000"), "{error}");
    assert!(no_snippet, "no snippet for ports that cannot be checked");

    // Copy: the clipboard holds exactly the snippet shown.
    let page_origin = origin(&worker);
    browser
        .cdp(
            "Browser.grantPermissions",
            json!({ "origin": page_origin, "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"] }),
        )
        .await?;
    browser.click("#copy-snippet").await?;
    let status = browser
        .wait_text("#copy-status", Duration::from_secs(5))
        .await?;
    let copied = browser
        .client
        .execute_async(
            "const done = arguments[0]; navigator.clipboard.readText().then(done, (e) => done('refused: ' + e));",
            vec![],
        )
        .await?;
    browser.close().await?;
    assert!(status.starts_with("Copied"), "{status}");
    assert_eq!(
        copied.as_str(),
        Some(options.snippet(&page_origin, "Network check").as_str())
    );
    Ok(())
}

/// Waits until the host page has received a message of `kind`.
async fn wait_for_message(browser: &Browser, kind: &str, within: Duration) -> Result<Vec<Value>> {
    let script = "return window.received || [];";
    let messages = wait_for(
        browser,
        script,
        |m| {
            m.as_array()
                .is_some_and(|m| m.iter().any(|m| m["type"] == kind))
        },
        within,
        &format!("a {kind} message"),
    )
    .await?;
    Ok(messages.as_array().cloned().unwrap_or_default())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_article_on_another_site_gets_a_compact_check_that_stays_in_its_frame() -> Result<()> {
    let lab = ServerNamespace::create()?;
    let worker = Worker::start(Some(&lab.name), &lab.address, &[]).await?;
    let doorway = origin(&worker);
    // The vendor's article: their own page on their own origin, with the
    // snippet pasted in, and a line of theirs that keeps every message.
    let options = EmbedOptions {
        target: EmbedTarget::Profile("ring".into()),
        lang: Some("de".into()),
        languages: false,
        autorun: true,
        theme: Some("ff8800".into()),
    };
    let article = format!(
        "<!doctype html><html lang=\"de\"><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Welche Ports braucht meine Türklingel?</title>\
         <body><h1>Welche Ports braucht meine Türklingel?</h1>\
         <script>window.received = []; addEventListener('message', (e) => {{\
           if (e.origin === '{doorway}') window.received.push(e.data); }});</script>\
         {}</body></html>",
        options.snippet(&doorway, "Netzwerkprüfung")
    );
    let site = Site::pages(HashMap::from([(
        "/article.html".to_owned(),
        ("text/html; charset=utf-8", article.into_bytes()),
    )]))?;
    assert_ne!(site.url(""), doorway, "another origin");

    let browser = Browser::start_with_hosts(&[&lab.address]).await?;
    browser.phone_screen().await?;
    let article_url = site.url("/article.html");
    browser.client.goto(&article_url).await?;
    wait_for_message(&browser, "doorway:result", Duration::from_secs(20)).await?;
    // Settled: the details link (made a moment after the result) is in,
    // and then the frame has the height of the last message. Waiting for
    // the heights alone could catch the moment before the link.
    browser.client.enter_frame(0).await?;
    browser
        .client
        .wait()
        .at_most(Duration::from_secs(5))
        .for_element(fantoccini::Locator::Css("#full-result"))
        .await
        .context("the link to every detail")?;
    browser.client.enter_parent_frame().await?;
    let settled = wait_for(
        &browser,
        "const heights = window.received.filter((m) => m.type === 'doorway:height');
         const last = heights.length ? heights[heights.length - 1].height : null;
         return [window.received, last, Number(document.querySelector('iframe').height)];",
        |v| v[1].is_number() && v[1].as_f64() == v[2].as_f64(),
        Duration::from_secs(5),
        "the frame sized from the last height message",
    )
    .await?;
    let received = settled[0].as_array().cloned().unwrap_or_default();
    let frame_height = settled[2].as_f64().unwrap_or(f64::NAN);
    browser.screenshot("embed-article-390x844").await?;

    // Inside the frame: the compact answer, nothing that leaves the frame.
    browser.client.enter_frame(0).await?;
    let frame_url = browser
        .client
        .execute("return location.href;", vec![])
        .await?;
    let inside = browser
        .client
        .execute(
            "const has = (css) => document.querySelector(css) !== null;
             const base = document.querySelector('base[target]');
             const links = [...document.querySelectorAll('a[href]')].map((a) => ({
               id: a.id, href: a.href, target: a.target || (base ? base.target : '') }));
             return {
               answer: has('#verdict') && has('#next-step') && has('#share'),
               folded: has('#details') || has('#advice') || has('#lang'),
               lang: document.documentElement.lang,
               accent: getComputedStyle(document.documentElement).getPropertyValue('--accent').trim(),
               content: Math.ceil(document.documentElement.getBoundingClientRect().height),
               links,
             };",
            vec![],
        )
        .await?;
    let windows_before = browser.client.windows().await?.len();
    for link in ["p.brand a", "#full-result"] {
        browser.click(link).await?;
    }
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut windows_after = browser.client.windows().await?.len();
    while windows_after < windows_before + 2 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
        windows_after = browser.client.windows().await?.len();
    }
    let frame_url_after = browser
        .client
        .execute("return location.href;", vec![])
        .await?;

    // Share from the frame: the article gets the link.
    browser.click("#share").await?;
    browser.client.enter_parent_frame().await?;
    let with_share = wait_for_message(&browser, "doorway:shared", Duration::from_secs(10)).await?;
    // A link with the reader's address is never handed to the article.
    browser.client.enter_frame(0).await?;
    let first_link = browser.share_link().await?;
    browser.click("#include-ip").await?;
    let with_address = browser.share_link().await?;
    browser.client.enter_parent_frame().await?;
    let shared_count = browser
        .client
        .execute(
            "return window.received.filter((m) => m.type === 'doorway:shared').length;",
            vec![],
        )
        .await?;
    let top_url = browser.client.current_url().await?;

    // The details link opens the whole result in the viewer.
    let full_result = inside["links"]
        .as_array()
        .and_then(|links| links.iter().find(|l| l["id"] == "full-result"))
        .and_then(|l| l["href"].as_str())
        .context("a link to every detail")?
        .to_owned();
    browser.client.goto(&full_result).await?;
    let viewer_verdict = browser
        .wait_text("#verdict h2", Duration::from_secs(10))
        .await?;
    let viewer_has_details = browser.text("#details").await.is_ok();
    browser.close().await?;

    let kinds: Vec<&str> = received.iter().filter_map(|m| m["type"].as_str()).collect();
    for kind in ["doorway:progress", "doorway:result", "doorway:height"] {
        assert!(kinds.contains(&kind), "{kind} posted: {kinds:?}");
    }
    let result = received
        .iter()
        .find(|m| m["type"] == "doorway:result")
        .map(|m| CheckResult::from_json(&m["result"].to_string()))
        .context("a result")??;
    assert_eq!(result.verdict.overall, Overall::Ready);
    assert_eq!(
        result.client.public_address, None,
        "no address leaves the frame"
    );
    let last_height = received
        .iter()
        .rev()
        .find(|m| m["type"] == "doorway:height")
        .and_then(|m| m["height"].as_f64())
        .context("a height")?;
    assert_eq!(frame_height, last_height, "the snippet sized the frame");
    assert!(
        frame_height <= 1.5 * PHONE_HEIGHT,
        "at most 1.5 screens when finished: {frame_height} px"
    );
    assert!(
        inside["content"].as_f64().unwrap_or(f64::MAX) <= frame_height,
        "nothing clipped: {inside}"
    );
    assert_eq!(inside["answer"], json!(true), "{inside}");
    assert_eq!(
        inside["folded"],
        json!(false),
        "no details, advice or language switcher: {inside}"
    );
    assert_eq!(inside["lang"], json!("de"));
    assert_eq!(inside["accent"], json!("#ff8800"));
    let links = inside["links"].as_array().cloned().unwrap_or_default();
    assert!(
        links.len() >= 2,
        "the brand and the details link: {links:?}"
    );
    for link in &links {
        assert_eq!(link["target"], json!("_blank"), "opens a new tab: {link}");
    }
    assert_eq!(frame_url, frame_url_after, "the frame stayed on the check");
    assert_eq!(
        windows_after,
        windows_before + 2,
        "the brand and details links opened tabs"
    );
    assert_eq!(top_url.as_str(), article_url, "the article stayed");
    let shared = with_share
        .iter()
        .find(|m| m["type"] == "doorway:shared")
        .and_then(|m| m["url"].as_str())
        .unwrap_or_default();
    assert!(
        shared.starts_with(&format!("{doorway}/r/")),
        "the shared link reached the article: {shared}"
    );
    assert_ne!(first_link, with_address, "a second link, with the address");
    assert_eq!(
        shared_count,
        json!(2),
        "the same link again, then none for the link with the address"
    );
    assert!(viewer_verdict.starts_with("Ready"), "{viewer_verdict}");
    assert!(viewer_has_details, "every detail behind the link");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_article_works_from_another_origin_and_lists_its_messages() -> Result<()> {
    let lab = ServerNamespace::create()?;
    let worker = Worker::start(Some(&lab.name), &lab.address, &[]).await?;
    let dist = env_path("DOORWAY_DIST")?;
    let mut pages = HashMap::new();
    for (name, kind) in [
        ("embed-demo.html", "text/html; charset=utf-8"),
        ("embed-demo.js", "text/javascript"),
        ("embed-demo.css", "text/css"),
    ] {
        pages.insert(format!("/{name}"), (kind, std::fs::read(dist.join(name))?));
    }
    let site = Site::pages(pages)?;
    let browser = Browser::start_with_hosts(&[&lab.address]).await?;
    browser.phone_screen().await?;
    browser
        .client
        .goto(&site.url(&format!(
            "/embed-demo.html?doorway={}&tcp=443,8557&autorun=1",
            origin(&worker)
        )))
        .await?;
    // The JSON is folded away (innerText would be empty): its text content.
    let received = wait_for(
        &browser,
        "return document.getElementById('received-result').textContent;",
        |text| text.as_str().is_some_and(|t| !t.is_empty()),
        Duration::from_secs(20),
        "the result in the demo article",
    )
    .await?
    .as_str()
    .unwrap_or_default()
    .to_owned();
    let progress = browser.text("#progress").await?;
    let messages = browser.text("#messages").await?;
    // The demo lists the last height it got and sized the frame to it.
    let widths = wait_for(
        &browser,
        r#"const line = document.querySelector('#messages li[data-type="doorway:height"]');
           const found = line ? line.textContent.match(/(\d+) px/) : null;
           return [document.documentElement.scrollWidth, window.innerWidth,
                   Number(document.getElementById('doorway').height),
                   found ? Number(found[1]) : null];"#,
        |v| v[3].is_number() && v[2].as_f64() == v[3].as_f64(),
        Duration::from_secs(5),
        "the demo's frame at the height it lists",
    )
    .await?;
    browser.screenshot("embed-demo-390x844").await?;
    browser.close().await?;

    let result = CheckResult::from_json(&received)?;
    assert_eq!(result.profile.custom.as_deref(), Some("tcp=443,8557"));
    assert!(matches!(
        result.probe(Protocol::Tcp, 8557),
        Some(ProbeOutcome::Reachable { .. })
    ));
    assert_eq!(
        result.client.public_address, None,
        "no address leaves the frame"
    );
    assert!(progress.starts_with("Finished"), "{progress}");
    for line in ["doorway:progress", "doorway:height", "doorway:result ready"] {
        assert!(messages.contains(line), "the demo lists {line}: {messages}");
    }
    let [scroll_width, viewport_width, frame_height] =
        [0, 1, 2].map(|i| widths[i].as_f64().unwrap_or(f64::NAN));
    assert!(
        scroll_width <= viewport_width,
        "no sideways scrolling: {widths}"
    );
    assert_ne!(frame_height, 480.0, "the demo sized the frame: {widths}");
    Ok(())
}
