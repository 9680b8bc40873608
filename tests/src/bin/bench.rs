//! `cargo xtask bench`: prints what the release build weighs and how fast a
//! check finishes. Figures only; nothing here passes or fails on a number.

use std::io::Write;
use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result};
use doorway_e2e::browser::{free_port, Browser};
use doorway_e2e::env_path;
use doorway_e2e::worker::Worker;

const RUNS: usize = 5;

fn gzip(bytes: &[u8]) -> Result<usize> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes)?;
    Ok(encoder.finish()?.len())
}

fn brotli(bytes: &[u8]) -> Result<usize> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params)?;
    Ok(out.len())
}

fn sizes(dist: &Path) -> Result<()> {
    println!("Release build in {}:", dist.display());
    println!(
        "{:<8} {:>10} {:>10} {:>10}",
        "kind", "raw", "gzip -9", "brotli 11"
    );
    let mut totals = [0usize; 3];
    for kind in ["html", "js", "wasm", "css"] {
        let mut row = [0usize; 3];
        for entry in
            std::fs::read_dir(dist).with_context(|| format!("reading {}", dist.display()))?
        {
            let path = entry?.path();
            if path.extension().and_then(|e| e.to_str()) == Some(kind) {
                let bytes = std::fs::read(&path)?;
                row[0] += bytes.len();
                row[1] += gzip(&bytes)?;
                row[2] += brotli(&bytes)?;
            }
        }
        println!("{kind:<8} {:>10} {:>10} {:>10}", row[0], row[1], row[2]);
        for (total, value) in totals.iter_mut().zip(row) {
            *total += value;
        }
    }
    println!(
        "{:<8} {:>10} {:>10} {:>10}",
        "total", totals[0], totals[1], totals[2]
    );
    Ok(())
}

async fn ring_wall_time() -> Result<()> {
    let port = free_port()?;
    let worker = Worker::start_on(None, "127.0.0.1", port, &[]).await?;
    let browser = Browser::start().await?;
    let mut times = Vec::new();
    for _ in 0..RUNS {
        browser
            .client
            .goto(&worker.url("/?profile=ring&autorun=1"))
            .await?;
        browser.wait_for_result(Duration::from_secs(30)).await?;
        // The page marks the moment it publishes the result, in ms since navigation start.
        let mark = browser
            .client
            .execute(
                "const m = performance.getEntriesByName('doorway:result'); return m.length ? m[0].startTime : null;",
                vec![],
            )
            .await?;
        times.push(
            mark.as_f64()
                .context("the page set no doorway:result mark")?,
        );
    }
    browser.close().await?;
    times.sort_by(f64::total_cmp);
    println!(
        "Page load to finished `ring` result, headless Chromium on loopback, {RUNS} runs: \
         min {:.0} ms, median {:.0} ms, max {:.0} ms",
        times[0],
        times[RUNS / 2],
        times[RUNS - 1]
    );
    Ok(())
}

#[tokio::main]
async fn main() -> Result<()> {
    sizes(&env_path("DOORWAY_DIST")?)?;
    println!();
    ring_wall_time().await
}
