//! The test harness leaves nothing behind: a browser a failed test never
//! closed still ends with all its processes.

use std::time::{Duration, Instant};

use anyhow::Result;
use doorway_e2e::browser::{Browser, Engine};

/// PIDs of live processes in process group `group`.
fn processes_in_group(group: u32) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .ok()
                .and_then(|stat| {
                    // "pid (name) state ppid pgrp …"
                    let (_, rest) = stat.rsplit_once(')')?;
                    let fields: Vec<&str> = rest.split_whitespace().collect();
                    Some(fields.first()? != &"Z" && fields.get(2)?.parse::<u32>().ok()? == group)
                })
                .unwrap_or(false)
        })
        .collect()
}

#[tokio::test]
async fn a_browser_dropped_without_closing_leaves_no_process() -> Result<()> {
    for engine in [Engine::Chromium, Engine::Firefox, Engine::WebKitGtk] {
        dropped_browser_ends(engine).await?;
    }
    Ok(())
}

/// The driver, its browser (and WebKitGTK's X server) share one process
/// group, which dropping the `Browser` ends.
async fn dropped_browser_ends(engine: Engine) -> Result<()> {
    let browser = Browser::start_engine(engine, &[], serde_json::json!({})).await?;
    browser.client.goto("about:blank").await?;
    let group = browser.driver_pid().expect("the driver runs");
    let running = processes_in_group(group);
    assert!(
        running.len() > 1,
        "{engine:?} runs in its driver's group: {running:?}"
    );
    drop(browser);
    let deadline = Instant::now() + Duration::from_secs(10);
    while !processes_in_group(group).is_empty() {
        assert!(
            Instant::now() < deadline,
            "{engine:?} still running: {:?}",
            processes_in_group(group)
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(())
}
