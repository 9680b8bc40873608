//! The page as a browser receives it: the first screen before any script,
//! compressed transfers, and a repeat visit served from the cache. Real
//! worker on loopback, real headless Chromium; no timings here (those are in
//! `cargo xtask bench`).

use std::time::Duration;

use anyhow::{Context, Result};
use doorway_e2e::browser::{free_port, Browser};
use doorway_e2e::worker::Worker;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_screen_has_text_before_any_script_runs() -> Result<()> {
    let worker = Worker::start_on(None, "127.0.0.1", free_port()?, &["--no-turn"]).await?;
    let browser = Browser::start().await?;
    browser
        .cdp(
            "Emulation.setScriptExecutionDisabled",
            json!({ "value": true }),
        )
        .await?;
    browser
        .client
        .goto(&worker.url("/?profile=ring&lang=de"))
        .await?;
    // Scripts are off, so the page's own code cannot have run: read what
    // Chromium rendered through the accessibility tree (visible text only).
    let tree = browser
        .cdp("Accessibility.getFullAXTree", json!({}))
        .await?;
    let text: Vec<String> = tree["nodes"]
        .as_array()
        .context("no accessibility tree")?
        .iter()
        .filter(|node| node["role"]["value"] == "StaticText")
        .filter_map(|node| node["name"]["value"].as_str().map(str::to_owned))
        .collect();
    let text = text.join(" ");
    assert!(
        text.contains("Lässt dieses Netzwerk Ihr Gerät durch?"),
        "the German title: {text}"
    );
    assert!(text.contains("Ring"), "the profile's name: {text}");
    assert!(
        text.contains("braucht JavaScript"),
        "the sentence for browsers without JavaScript: {text}"
    );
    browser.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_arrive_compressed_and_a_repeat_visit_uses_the_cache() -> Result<()> {
    let worker = Worker::start_on(None, "127.0.0.1", free_port()?, &["--no-turn"]).await?;
    let browser = Browser::start().await?;
    let url = worker.url("/?profile=ring&autorun=1");
    browser.client.goto(&url).await?;
    browser.wait_for_result(Duration::from_secs(30)).await?;
    const OWN_FILES: &str = "
        const own = performance.getEntriesByType('resource')
            .filter(r => r.name.startsWith(location.origin));
        const nav = performance.getEntriesByType('navigation')[0];
        return [nav, ...own].map(r => ({
            path: new URL(r.name).pathname,
            transfer: r.transferSize,
            encoded: r.encodedBodySize,
            decoded: r.decodedBodySize,
        }));";
    let first = browser.client.execute(OWN_FILES, vec![]).await?;
    let first = first.as_array().context("no resource list")?;
    let wasm = first
        .iter()
        .find(|r| r["path"].as_str().is_some_and(|p| p.ends_with(".wasm")))
        .context("the app's wasm was not loaded")?;
    let (encoded, decoded) = (
        wasm["encoded"].as_f64().unwrap_or(0.0),
        wasm["decoded"].as_f64().unwrap_or(0.0),
    );
    assert!(
        encoded > 0.0 && encoded * 2.0 < decoded,
        "the wasm travels compressed: {wasm}"
    );
    for file in first {
        let path = file["path"].as_str().unwrap_or_default();
        if path.ends_with(".js") || path.ends_with(".css") || path == "/" || path == "/api/config" {
            assert!(
                file["encoded"].as_f64() < file["decoded"].as_f64(),
                "{path} travels compressed: {file}"
            );
        }
    }

    // Again, as a person opening the link a second time.
    browser.client.goto("about:blank").await?;
    browser.client.goto(&url).await?;
    browser.wait_for_result(Duration::from_secs(30)).await?;
    let again = browser.client.execute(OWN_FILES, vec![]).await?;
    let hashed: Vec<&serde_json::Value> = again
        .as_array()
        .context("no resource list")?
        .iter()
        .filter(|r| {
            r["path"]
                .as_str()
                .is_some_and(|p| p.ends_with(".wasm") || p.ends_with(".js") || p.ends_with(".css"))
        })
        .collect();
    assert!(hashed.len() >= 3, "js, wasm and css: {again}");
    for file in hashed {
        assert_eq!(
            file["transfer"].as_f64(),
            Some(0.0),
            "a hashed file comes from the cache without asking: {file}"
        );
    }
    browser.close().await
}

/// The app's resources under `/locales/` so far.
const FETCHED_WORDS: &str = "
    return performance.getEntriesByType('resource')
        .map(r => new URL(r.name).pathname)
        .filter(p => p.startsWith('/locales/'));";

/// The configurations the page fetched (the preload's included), with
/// their query.
const FETCHED_CONFIGS: &str = "
    return performance.getEntriesByType('resource')
        .map(r => new URL(r.name))
        .filter(u => u.pathname == '/api/config')
        .map(u => u.pathname + u.search);";

/// The chosen profile's name in the picker.
const PROFILE_NAME: &str = "
    const option = document.querySelector('#profile option:checked');
    return option ? option.textContent : null;";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_brings_its_words_and_fetches_another_language_only_on_a_switch() -> Result<()> {
    let worker = Worker::start_on(None, "127.0.0.1", free_port()?, &["--no-turn"]).await?;
    let browser = Browser::start().await?;
    browser.client.goto(&worker.url("/?lang=de")).await?;
    // The Start button is the app's own (the shell has none): it runs, in German.
    let start = browser
        .wait_until_text("#start", Duration::from_secs(20))
        .await?;
    assert_eq!(start, "Prüfung starten");
    let fetched = browser.client.execute(FETCHED_WORDS, vec![]).await?;
    assert_eq!(fetched, json!([]), "the shell carried the words");
    // The profiles come with their German texts only, fetched once: the
    // app took the shell's preload.
    let configs = browser.client.execute(FETCHED_CONFIGS, vec![]).await?;
    assert_eq!(configs, json!(["/api/config?lang=de"]));
    let name = browser.client.execute(PROFILE_NAME, vec![]).await?;
    assert_eq!(name, "Ring-Videotürklingeln und -Kameras");

    // A person switches to Italian: its words, and only those, are fetched.
    let switcher = browser
        .client
        .find(fantoccini::Locator::Css("#lang"))
        .await?;
    switcher.select_by_value("it").await?;
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while browser.text("#start").await? != "Avvia la verifica" {
        anyhow::ensure!(
            std::time::Instant::now() < deadline,
            "the page did not switch to Italian"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let fetched = browser.client.execute(FETCHED_WORDS, vec![]).await?;
    assert_eq!(fetched, json!(["/locales/it.ftl"]));
    // And the profiles' Italian texts.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while browser.client.execute(PROFILE_NAME, vec![]).await? != "Videocitofoni e videocamere Ring"
    {
        anyhow::ensure!(
            std::time::Instant::now() < deadline,
            "the profile's name did not switch to Italian"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let configs = browser.client.execute(FETCHED_CONFIGS, vec![]).await?;
    assert_eq!(
        configs,
        json!(["/api/config?lang=de", "/api/config?lang=it"])
    );
    let page = browser
        .client
        .execute(
            "return [document.documentElement.lang, location.search];",
            vec![],
        )
        .await?;
    assert_eq!(page[0], "it", "{page}");
    assert!(
        page[1].as_str().is_some_and(|s| s.contains("lang=it")),
        "a reload keeps the language: {page}"
    );

    // English cannot be fetched: the page says so and stays in Italian.
    browser.cdp("Network.enable", json!({})).await?;
    browser
        .cdp(
            "Network.setBlockedURLs",
            json!({ "urls": ["*/locales/en.ftl"] }),
        )
        .await?;
    switcher.select_by_value("en").await?;
    let notice = browser
        .wait_text(".top [role=alert]", Duration::from_secs(10))
        .await?;
    assert!(
        notice.contains("Non è stato possibile caricare i testi in English"),
        "{notice}"
    );
    assert_eq!(browser.text("#start").await?, "Avvia la verifica");
    assert_eq!(switcher.prop("value").await?.as_deref(), Some("it"));
    browser.close().await
}
