//! `cargo xtask bench`: prints what the release build weighs and how fast a
//! check finishes. Figures only; nothing here passes or fails on a number.

use std::io::Write;
use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result};
use doorway_e2e::browser::{free_port, Browser};
use doorway_e2e::env_path;
use doorway_e2e::lab::{Nat, RouterLab};
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
        times.push(timed_ring_run(&browser, &worker).await?);
    }
    browser.close().await?;
    print_times("Loopback", times);
    Ok(())
}

/// Page load to finished `ring` result through the router lab, with the
/// default probe timeout: the open network, and the worst case (only web
/// ports open, so every other probe waits for its timeout).
fn lab_wall_times() -> Result<()> {
    // The browser lives in the lab's namespace: a thread of its own enters it.
    std::thread::spawn(|| -> Result<()> {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        runtime.block_on(async {
            for (name, rule) in [
                ("open network", None),
                (
                    "only TCP 80 and 443 open (worst case)",
                    Some("ct state established,related accept\n    tcp dport { 80, 443 } accept\n    drop"),
                ),
            ] {
                let lab = RouterLab::create(Nat::Masquerade)?;
                if let Some(rule) = rule {
                    lab.router_rule("bench", rule)?;
                }
                lab.enter_browser()?;
                let worker = Worker::start(Some(&lab.server), &lab.server_address, &["--port", "80"]).await?;
                let browser = Browser::start_with_hosts(&[&lab.server_address]).await?;
                let mut times = Vec::new();
                for _ in 0..RUNS {
                    times.push(timed_ring_run(&browser, &worker).await?);
                }
                browser.close().await?;
                drop(worker);
                drop(lab);
                print_times(&format!("Lab, {name}"), times);
            }
            Ok(())
        })
    })
    .join()
    .map_err(|_| anyhow::anyhow!("the lab thread panicked"))?
}

async fn timed_ring_run(browser: &Browser, worker: &Worker) -> Result<f64> {
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
    mark.as_f64().context("the page set no doorway:result mark")
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

#[tokio::main]
async fn main() -> Result<()> {
    sizes(&env_path("DOORWAY_DIST")?)?;
    println!();
    ring_wall_time().await?;
    lab_wall_times()?;
    stun_throughput().await
}
