//! `cargo xtask bench`: prints what the release build weighs and how fast a
//! check finishes. Figures only; nothing here passes or fails on a number.

use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result};
use doorway_core::api::ConfigResponse;
use doorway_core::CheckResult;
use doorway_e2e::attack::{AttackThread, Target, ALL_KINDS};
use doorway_e2e::browser::{free_port, Browser};
use doorway_e2e::env_path;
use doorway_e2e::lab::{Nat, RouterLab};
use doorway_e2e::load::{probe_latencies, run_load, CheckTarget};
use doorway_e2e::reading::not_reachable;
use doorway_e2e::wire::PathShape;
use doorway_e2e::worker::Worker;
use std::net::{IpAddr, SocketAddr};

const RUNS: usize = 5;

/// The size of `path` as served in each coding: the file and the brotli
/// and gzip copies the build wrote next to it (0 where there is none).
fn served_sizes(path: &Path) -> [usize; 3] {
    let len = |suffix: &str| {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        std::fs::metadata(&name).map_or(0, |m| m.len() as usize)
    };
    [len(""), len(".gz"), len(".br")]
}

fn sizes(dist: &Path) -> Result<()> {
    println!(
        "Release build in {} as the worker sends it:",
        dist.display()
    );
    println!(
        "{:<8} {:>10} {:>10} {:>10}",
        "kind", "raw", "gzip", "brotli"
    );
    let mut totals = [0usize; 3];
    for kind in ["html", "js", "wasm", "css"] {
        let mut row = [0usize; 3];
        for entry in
            std::fs::read_dir(dist).with_context(|| format!("reading {}", dist.display()))?
        {
            let path = entry?.path();
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            // The page shell is index.html; other html files are extras.
            if path.extension().and_then(|e| e.to_str()) == Some(kind)
                && (kind != "html" || name == "index.html")
            {
                for (total, value) in row.iter_mut().zip(served_sizes(&path)) {
                    *total += value;
                }
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

/// What one page load cost and when its milestones came, in ms after
/// navigation start (Resource Timing, Paint Timing, the page's own marks).
const PAGE_FIGURES: &str = "
    const origin = location.origin;
    const nav = performance.getEntriesByType('navigation')[0];
    const resources = performance.getEntriesByType('resource');
    const own = resources.filter(r => r.name.startsWith(origin));
    const hashed = own.filter(r => /-[0-9a-f]{16}(_bg)?\\.(js|wasm|css)$/.test(new URL(r.name).pathname));
    const at = name => { const e = performance.getEntriesByName(name)[0]; return e ? e.startTime : null; };
    const path = url => { const u = new URL(url); return u.pathname + u.search; };
    return {
      bytes: nav.transferSize + own.reduce((sum, r) => sum + r.transferSize, 0),
      parts: [[path(nav.name), nav.transferSize], ...own.map(r => [path(r.name), r.transferSize])],
      hashed: hashed.length,
      hashed_fetched: hashed.filter(r => r.transferSize > 0).length,
      first_paint: at('first-contentful-paint'),
      ready: at('doorway:ready'),
      result: at('doorway:result'),
    };";

#[derive(Debug, Default)]
struct PageFigures {
    bytes: f64,
    /// What each of the origin's requests moved (path and query, bytes).
    parts: Vec<(String, f64)>,
    hashed: u64,
    hashed_fetched: u64,
    first_paint: f64,
    ready: f64,
    result: f64,
}

async fn page_figures(browser: &Browser, url: &str) -> Result<PageFigures> {
    browser.client.goto("about:blank").await?;
    browser.client.goto(url).await?;
    browser.wait_for_result(Duration::from_secs(60)).await?;
    let value = browser.client.execute(PAGE_FIGURES, vec![]).await?;
    let number = |key: &str| {
        value[key]
            .as_f64()
            .with_context(|| format!("the page has no figure {key}: {value}"))
    };
    let parts = value["parts"]
        .as_array()
        .map(|parts| {
            parts
                .iter()
                .filter_map(|part| Some((part[0].as_str()?.to_owned(), part[1].as_f64()?)))
                .collect()
        })
        .unwrap_or_default();
    Ok(PageFigures {
        bytes: number("bytes")?,
        parts,
        hashed: number("hashed")? as u64,
        hashed_fetched: number("hashed_fetched")? as u64,
        first_paint: number("first_paint")?,
        ready: number("ready")?,
        result: number("result")?,
    })
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// Lighthouse's mobile profile, through the DevTools protocol: 150 ms
/// round trips, 1.6 Mbit/s down, 750 kbit/s up, a 4× slower CPU, and a
/// 390×844 phone screen.
async fn emulate_phone(browser: &Browser) -> Result<()> {
    use serde_json::json;
    browser.cdp("Network.enable", json!({})).await?;
    browser
        .cdp(
            "Network.emulateNetworkConditions",
            json!({ "offline": false, "latency": 150, "downloadThroughput": 200_000, "uploadThroughput": 93_750 }),
        )
        .await?;
    browser
        .cdp("Emulation.setCPUThrottlingRate", json!({ "rate": 4 }))
        .await?;
    browser.phone_screen().await?;
    Ok(())
}

/// The issue's table: a first visit on a slow phone (cold cache), a repeat
/// visit, and the same check on loopback without throttling.
async fn phone_figures() -> Result<()> {
    let port = free_port()?;
    let worker = Worker::start_on(None, "127.0.0.1", port, &[]).await?;
    let url = worker.url("/?profile=ring&autorun=1");

    let browser = Browser::start().await?;
    let mut loopback = Vec::new();
    for _ in 0..RUNS {
        browser
            .cdp("Network.clearBrowserCache", serde_json::json!({}))
            .await?;
        loopback.push(page_figures(&browser, &url).await?.result);
    }
    browser.close().await?;

    let browser = Browser::start().await?;
    emulate_phone(&browser).await?;
    let mut first = Vec::new();
    for _ in 0..RUNS {
        browser
            .cdp("Network.clearBrowserCache", serde_json::json!({}))
            .await?;
        first.push(page_figures(&browser, &url).await?);
    }
    let repeat = page_figures(&browser, &url).await?;
    browser.close().await?;

    let of_first = |figure: fn(&PageFigures) -> f64| median(first.iter().map(figure).collect());
    let (bytes, first_paint, ready, result) = (
        of_first(|f| f.bytes),
        of_first(|f| f.first_paint),
        of_first(|f| f.ready),
        of_first(|f| f.result),
    );
    let loopback = median(loopback);
    let kb = |bytes: f64| format!("{:.0} KB", bytes / 1000.0);
    let secs = |ms: f64| format!("{:.2} s", ms / 1000.0);
    let rows = [
        (
            "bytes on the wire, first load (page, app, config)",
            kb(bytes),
            "<= 150 KB",
            bytes <= 150_000.0,
        ),
        (
            "first paint (first contentful paint)",
            secs(first_paint),
            "<= 1.0 s",
            first_paint <= 1000.0,
        ),
        (
            "Start button usable",
            secs(ready),
            "<= 2.0 s",
            ready <= 2000.0,
        ),
        (
            "finished `ring` result",
            secs(result),
            "<= 3.0 s",
            result <= 3000.0,
        ),
        (
            "finished `ring` result, loopback, no throttling",
            secs(loopback),
            "<= 1.0 s",
            loopback <= 1000.0,
        ),
        (
            "repeat visit: hashed files fetched again",
            format!("{} of {}", repeat.hashed_fetched, repeat.hashed),
            "0",
            repeat.hashed_fetched == 0 && repeat.hashed > 0,
        ),
    ];
    println!(
        "Phone (Lighthouse mobile: 150 ms RTT, 1.6 Mbit/s down, 750 kbit/s up, 4x CPU, 390x844), `/?profile=ring&autorun=1`, median of {RUNS}:"
    );
    println!("{:<52} {:>10}  {:<10}", "figure", "measured", "goal");
    for (figure, measured, goal, met) in rows {
        let verdict = if met { "met" } else { "MISSED" };
        println!("{figure:<52} {measured:>10}  {goal:<10} {verdict}");
    }
    println!(
        "  (a repeat visit moves {} from the app's origin)",
        kb(repeat.bytes)
    );
    // Where a first load's bytes go: each request's median over the runs,
    // headers included, largest first.
    let mut paths: Vec<&str> = first
        .iter()
        .flat_map(|f| f.parts.iter().map(|(path, _)| path.as_str()))
        .collect();
    paths.sort_unstable();
    paths.dedup();
    let mut parts: Vec<(&str, f64)> = paths
        .into_iter()
        .map(|path| {
            let sizes = first
                .iter()
                .map(|f| {
                    f.parts
                        .iter()
                        .filter(|(p, _)| p == path)
                        .map(|(_, bytes)| bytes)
                        .sum::<f64>()
                })
                .collect();
            (path, median(sizes))
        })
        .collect();
    parts.sort_by(|a, b| b.1.total_cmp(&a.1));
    println!("  a first load's requests to the app's origin (median bytes on the wire):");
    for (path, bytes) in parts {
        println!("    {:>8.1} KB  {path}", bytes / 1000.0);
    }
    Ok(())
}

async fn ring_wall_time() -> Result<()> {
    let port = free_port()?;
    let worker = Worker::start_on(None, "127.0.0.1", port, &[]).await?;
    let browser = Browser::start().await?;
    let mut times = Vec::new();
    for _ in 0..RUNS {
        times.push(timed_ring_run(&browser, &worker).await?.0);
    }
    browser.close().await?;
    print_times("Loopback", times);
    Ok(())
}

/// Page load to finished `ring` result through the router lab, with the
/// default probe timeout: the open network, the worst case (only web ports
/// open, so every other probe waits for its timeout), and the open network
/// across a satellite-like link (600 ms round trip, 1 % loss), where the
/// figure that matters is how many runs read every reachable thing.
fn lab_wall_times() -> Result<()> {
    const WEB_ONLY: &str =
        "ct state established,related accept\n    tcp dport { 80, 443 } accept\n    drop";
    // The browser lives in the lab's namespace: a thread of its own enters it.
    std::thread::spawn(|| -> Result<()> {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        runtime.block_on(async {
            for (name, rule, shape) in [
                ("open network", None, None),
                ("only TCP 80 and 443 open (worst case)", Some(WEB_ONLY), None),
                (
                    "open network, 600 ms RTT and 1 % loss",
                    None,
                    Some(PathShape::SATELLITE),
                ),
            ] {
                let lab = RouterLab::create_with_path(Nat::Masquerade, shape)?;
                if let Some(rule) = rule {
                    lab.router_rule("bench", rule)?;
                }
                lab.enter_browser()?;
                let worker = Worker::start(Some(&lab.server), &lab.server_address, &["--port", "80"]).await?;
                let browser = Browser::start_with_hosts(&[&lab.server_address]).await?;
                let mut times = Vec::new();
                let mut all_reachable = 0;
                for _ in 0..RUNS {
                    let (time, result) = timed_ring_run(&browser, &worker).await?;
                    times.push(time);
                    all_reachable += usize::from(not_reachable(&result, &[]).is_empty());
                }
                browser.close().await?;
                drop(worker);
                drop(lab);
                print_times(&format!("Lab, {name}"), times);
                println!("  runs that read every served port, the relay (UDP, TCP, TLS) and the WebSocket reachable: {all_reachable} of {RUNS}");
            }
            Ok(())
        })
    })
    .join()
    .map_err(|_| anyhow::anyhow!("the lab thread panicked"))?
}

/// The quality check after a `ring` verdict in the open lab: how long it
/// adds (goal ≤ 5 s), and that the verdict came first every time.
fn quality_times() -> Result<()> {
    std::thread::spawn(|| -> Result<()> {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        runtime.block_on(async {
            let lab = RouterLab::create(Nat::Masquerade)?;
            let (worker, browser) = lab.start(&[], serde_json::json!({})).await?;
            let mut verdicts = Vec::new();
            let mut added = Vec::new();
            let mut verdict_first = 0;
            for _ in 0..RUNS {
                let (verdict, result) = timed_ring_run(&browser, &worker).await?;
                verdict_first += usize::from(result.quality.is_none());
                let (reading, words, _) = browser.wait_for_quality(Duration::from_secs(20)).await?;
                let mark = browser
                    .client
                    .execute(
                        "const m = performance.getEntriesByName('doorway:quality'); return m.length ? m[0].startTime : null;",
                        vec![],
                    )
                    .await?;
                let done = mark.as_f64().with_context(|| format!("no doorway:quality mark; the page says {reading}: {words}"))?;
                verdicts.push(verdict);
                added.push(done - verdict);
            }
            browser.close().await?;
            drop(worker);
            print_times("Lab, open network", verdicts);
            let added_median = median(added.clone());
            println!(
                "  the quality check after it: median {added_median:.0} ms, slowest {:.0} ms (goal ≤ 5000 ms) {}",
                added.iter().copied().fold(0.0, f64::max),
                if added.iter().all(|&ms| ms <= 5000.0) { "met" } else { "MISSED" }
            );
            println!("  runs whose verdict was published before the quality figures: {verdict_first} of {RUNS} (goal: all)");
            Ok(())
        })
    })
    .join()
    .map_err(|_| anyhow::anyhow!("the lab thread panicked"))?
}

async fn timed_ring_run(browser: &Browser, worker: &Worker) -> Result<(f64, CheckResult)> {
    browser
        .client
        .goto(&worker.url("/?profile=ring&autorun=1"))
        .await?;
    let result = browser.wait_for_result(Duration::from_secs(60)).await?;
    // The page marks the moment it publishes the result, in ms since navigation start.
    let mark = browser
        .client
        .execute(
            "const m = performance.getEntriesByName('doorway:result'); return m.length ? m[0].startTime : null;",
            vec![],
        )
        .await?;
    let time = mark
        .as_f64()
        .context("the page set no doorway:result mark")?;
    Ok((time, result))
}

fn print_times(label: &str, mut times: Vec<f64>) {
    times.sort_by(f64::total_cmp);
    println!(
        "{label}: page load to finished `ring` result, {} runs: min {:.0} ms, median {:.0} ms, max {:.0} ms",
        times.len(),
        times[0],
        times[times.len() / 2],
        times[times.len() - 1]
    );
}

/// Binding responses per second from a STUN server on loopback, with a fixed
/// number of requests in flight, for a fixed time.
async fn stun_rate(server: std::net::SocketAddr) -> Result<f64> {
    const IN_FLIGHT: usize = 64;
    const DURATION: Duration = Duration::from_secs(3);
    let socket = tokio::net::UdpSocket::bind("127.0.0.1:0").await?;
    socket.connect(server).await?;
    let mut request = [0u8; 20];
    request[..8].copy_from_slice(&[0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42]);
    let mut counter: u64 = 0;
    let mut send = |socket: &tokio::net::UdpSocket| {
        counter += 1;
        request[8..16].copy_from_slice(&counter.to_be_bytes());
        socket.try_send(&request).is_ok()
    };
    for _ in 0..IN_FLIGHT {
        send(&socket);
    }
    let start = std::time::Instant::now();
    let mut answers: u64 = 0;
    let mut buffer = [0u8; 1500];
    while start.elapsed() < DURATION {
        match tokio::time::timeout(Duration::from_millis(50), socket.recv(&mut buffer)).await {
            Ok(Ok(_)) => {
                answers += 1;
                send(&socket);
            }
            // A lost datagram: put another in flight.
            _ => {
                send(&socket);
            }
        }
    }
    Ok(answers as f64 / start.elapsed().as_secs_f64())
}

async fn stun_throughput() -> Result<()> {
    let port = free_port()?;
    let worker = Worker::start_on(
        None,
        "127.0.0.1",
        port,
        &["--no-turn", "--udp-ports", "47478"],
    )
    .await?;
    let ours = stun_rate("127.0.0.1:47478".parse()?).await?;
    drop(worker);

    let state = doorway_e2e::browser::TempDir::new("coturn-bench")?;
    let coturn_port = 47479;
    let coturn = tokio::process::Command::new("turnserver")
        .args(["-n", "--no-cli", "--stun-only", "--no-tls", "--no-dtls"])
        .arg("--listening-ip=127.0.0.1")
        .arg(format!("--listening-port={coturn_port}"))
        .arg(format!("--userdb={}", state.0.join("turndb").display()))
        .arg(format!("--pidfile={}", state.0.join("turn.pid").display()))
        .arg("--log-file=stdout")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .context("starting coturn (cargo xtask bench installs it)")?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let theirs = stun_rate(format!("127.0.0.1:{coturn_port}").parse()?).await?;
    drop(coturn);
    println!(
        "STUN Binding responses per second on loopback, 64 in flight, 3 s: Doorway worker {ours:.0}, coturn {theirs:.0} (reference)"
    );
    Ok(())
}

/// A worker on loopback (no relay) and what a simulated check aims at.
async fn loopback_worker() -> Result<(Worker, CheckTarget)> {
    let port = free_port()?;
    let worker = Worker::start_on(None, "127.0.0.1", port, &["--no-turn"]).await?;
    let config: ConfigResponse = serde_json::from_str(
        &doorway_e2e::http::get(&worker.app, "/api/config")
            .await?
            .body,
    )?;
    let at = |port: &u16| SocketAddr::from(([127, 0, 0, 1], *port));
    let tcp: Vec<SocketAddr> = config.probe.served.tcp.iter().map(at).collect();
    let udp: Vec<SocketAddr> = config.probe.served.udp.iter().map(at).collect();
    let target = CheckTarget {
        app: worker.app.parse()?,
        tcp: tcp.iter().copied().cycle().take(25).collect(),
        stun: udp.iter().copied().cycle().take(10).collect(),
    };
    Ok((worker, target))
}

/// K clients running simulated checks back to back.
async fn load_figures() -> Result<()> {
    let (worker, target) = loopback_worker().await?;
    println!(
        "Load on loopback: K clients (each its own address) run checks back to back for 10 s; a check is /api/config, 25 TCP probes (8 in flight), 10 STUN requests"
    );
    for clients in [200, 1000] {
        let figures = run_load(&target, clients, Duration::from_secs(10)).await;
        println!(
            "  K = {clients:>4}: {:.0} checks/s, per check p50 {:.0} ms, p99 {:.0} ms, {} errors of {}{}",
            figures.per_second,
            figures.p50.as_secs_f64() * 1000.0,
            figures.p99.as_secs_f64() * 1000.0,
            figures.errors,
            figures.checks + figures.errors,
            figures
                .first_error
                .map(|e| format!(" (first: {e})"))
                .unwrap_or_default()
        );
    }
    drop(worker);
    Ok(())
}

/// A normal client's probe latency alone, then while one other address holds
/// thousands of bad connections of every kind.
async fn fairness_figures() -> Result<()> {
    const PROBES: usize = 500;
    const PER_KIND: usize = 2000;
    let (worker, target) = loopback_worker().await?;
    let client = IpAddr::from([127, 0, 0, 1]);
    let (quiet_p50, quiet_p99, quiet_failed) = probe_latencies(client, &target.tcp, PROBES).await;

    let aim = Target {
        app: target.app,
        ports: target.tcp.clone(),
    };
    let attacker = AttackThread::spawn(aim, PER_KIND, Some(IpAddr::from([127, 0, 0, 2])), None);
    tokio::time::sleep(Duration::from_secs(3)).await;
    let (p50, p99, failed) = probe_latencies(client, &target.tcp, PROBES).await;
    let turned_away = attacker.stop()?.closed_at_once;
    drop(worker);
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "A normal client's GET /probe (fresh connection each, {PROBES} in a row) on loopback:"
    );
    println!(
        "  alone: p50 {:.1} ms, p99 {:.1} ms, {quiet_failed} failed",
        ms(quiet_p50),
        ms(quiet_p99)
    );
    println!(
        "  while another address holds {} idle, slow-header, slow-body, WebSocket and TLS-hello connections: p50 {:.1} ms, p99 {:.1} ms (goal < 50 ms), {failed} failed; the attacker was turned away {turned_away} times",
        PER_KIND * ALL_KINDS.len(),
        ms(p50),
        ms(p99)
    );
    Ok(())
}

#[tokio::main]
async fn main() -> Result<()> {
    let chosen: Vec<String> = std::env::args().skip(1).collect();
    let wanted = |section: &str| chosen.is_empty() || chosen.iter().any(|c| c == section);
    if wanted("sizes") {
        sizes(&env_path("DOORWAY_DIST")?)?;
        println!();
    }
    if wanted("phone") {
        phone_figures().await?;
        println!();
    }
    if wanted("ring") {
        ring_wall_time().await?;
    }
    if wanted("lab") {
        lab_wall_times()?;
    }
    if wanted("quality") {
        quality_times()?;
        println!();
    }
    if wanted("stun") {
        stun_throughput().await?;
        println!();
    }
    if wanted("fairness") {
        fairness_figures().await?;
        println!();
    }
    if wanted("load") {
        load_figures().await?;
    }
    Ok(())
}
