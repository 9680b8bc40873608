//! Simulated checks without a browser, for load figures: what one page asks
//! of the worker (the configuration, a TCP probe per port, STUN Binding
//! requests), from many client addresses at once.

use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream, UdpSocket};
use tokio::task::JoinSet;

/// What a simulated check talks to.
#[derive(Debug, Clone)]
pub struct CheckTarget {
    pub app: SocketAddr,
    /// Probed once each.
    pub tcp: Vec<SocketAddr>,
    /// One Binding request each.
    pub stun: Vec<SocketAddr>,
}

/// Probes in flight at once per check (the page's probes wait on the network,
/// not on each other; eight keeps the bench inside its open-file limit).
const PROBES_IN_FLIGHT: usize = 8;
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
const STUN_TIMEOUT: Duration = Duration::from_secs(3);

/// Connects to `address` from `source`.
pub async fn connect_from(source: IpAddr, address: SocketAddr) -> Result<TcpStream> {
    let socket = match address {
        SocketAddr::V4(_) => TcpSocket::new_v4()?,
        SocketAddr::V6(_) => TcpSocket::new_v6()?,
    };
    socket.bind(SocketAddr::new(source, 0))?;
    Ok(socket.connect(address).await?)
}

/// One `GET path` on a fresh connection from `source`; the status.
pub async fn get_from(source: IpAddr, address: SocketAddr, path: &str) -> Result<u16> {
    let work = async {
        let mut stream = connect_from(source, address).await?;
        let request =
            format!("GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n");
        stream.write_all(request.as_bytes()).await?;
        let mut bytes = Vec::new();
        stream.read_to_end(&mut bytes).await?;
        let status = std::str::from_utf8(bytes.get(9..12).unwrap_or_default())
            .ok()
            .and_then(|s| s.parse().ok())
            .context("no HTTP status in the answer")?;
        anyhow::Ok(status)
    };
    tokio::time::timeout(REQUEST_TIMEOUT, work)
        .await
        .context("no answer within 10 s")?
}

/// One page's worth of requests from `source`; how long it took.
pub async fn simulated_check(target: &CheckTarget, source: IpAddr) -> Result<Duration> {
    let started = Instant::now();
    let status = get_from(source, target.app, "/api/config").await?;
    if status != 200 {
        bail!("/api/config answered {status}");
    }
    let mut probes = JoinSet::new();
    let mut pending = target.tcp.iter().copied();
    let mut failures = 0;
    loop {
        while probes.len() < PROBES_IN_FLIGHT {
            let Some(address) = pending.next() else { break };
            probes.spawn(async move { get_from(source, address, "/probe").await });
        }
        match probes.join_next().await {
            Some(Ok(Ok(200))) => {}
            Some(_) => failures += 1,
            None => break,
        }
    }
    if failures > 0 {
        bail!("{failures} TCP probes failed");
    }
    stun_round(source, &target.stun).await?;
    Ok(started.elapsed())
}

/// One Binding request to each STUN address; all must be answered.
async fn stun_round(source: IpAddr, servers: &[SocketAddr]) -> Result<()> {
    let socket = UdpSocket::bind(SocketAddr::new(source, 0)).await?;
    for (n, server) in servers.iter().enumerate() {
        let mut request = [0u8; 20];
        request[..8].copy_from_slice(&[0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42]);
        request[8..16].copy_from_slice(&(n as u64).to_be_bytes());
        socket.send_to(&request, server).await?;
    }
    let mut answered = 0;
    let mut buffer = [0u8; 1500];
    let deadline = tokio::time::Instant::now() + STUN_TIMEOUT;
    while answered < servers.len() {
        match tokio::time::timeout_at(deadline, socket.recv_from(&mut buffer)).await {
            Ok(Ok(_)) => answered += 1,
            _ => bail!(
                "{} of {} STUN requests unanswered",
                servers.len() - answered,
                servers.len()
            ),
        }
    }
    Ok(())
}

/// Figures of one load run.
#[derive(Debug)]
pub struct LoadFigures {
    pub checks: usize,
    pub errors: usize,
    pub per_second: f64,
    pub p50: Duration,
    pub p99: Duration,
    pub first_error: Option<String>,
}

/// `clients` simulated clients (each from its own loopback address in
/// 127.1.0.0/16), each running checks back to back for `duration`.
pub async fn run_load(target: &CheckTarget, clients: usize, duration: Duration) -> LoadFigures {
    let started = Instant::now();
    let mut tasks = JoinSet::new();
    for n in 0..clients {
        let target = target.clone();
        let source = IpAddr::from([127, 1, (n / 250) as u8, (n % 250) as u8 + 1]);
        tasks.spawn(async move {
            let mut times = Vec::new();
            let mut errors = Vec::new();
            while started.elapsed() < duration {
                match simulated_check(&target, source).await {
                    Ok(time) => times.push(time),
                    Err(error) => errors.push(format!("{error:#}")),
                }
            }
            (times, errors)
        });
    }
    let mut times = Vec::new();
    let mut errors = Vec::new();
    while let Some(Ok((t, e))) = tasks.join_next().await {
        times.extend(t);
        errors.extend(e);
    }
    let elapsed = started.elapsed().as_secs_f64();
    times.sort();
    LoadFigures {
        checks: times.len(),
        errors: errors.len(),
        per_second: times.len() as f64 / elapsed,
        p50: percentile(&times, 0.5),
        p99: percentile(&times, 0.99),
        first_error: errors.into_iter().next(),
    }
}

/// Latencies of `count` sequential `GET /probe` on fresh connections from
/// `source`, round robin over `ports`: (p50, p99, failures).
pub async fn probe_latencies(
    source: IpAddr,
    ports: &[SocketAddr],
    count: usize,
) -> (Duration, Duration, usize) {
    let mut times = Vec::with_capacity(count);
    let mut failures = 0;
    for n in 0..count {
        let started = Instant::now();
        match get_from(source, ports[n % ports.len()], "/probe").await {
            Ok(200) => times.push(started.elapsed()),
            _ => failures += 1,
        }
    }
    times.sort();
    (percentile(&times, 0.5), percentile(&times, 0.99), failures)
}

/// The `q` quantile of sorted durations (zero when there are none).
fn percentile(sorted: &[Duration], q: f64) -> Duration {
    let index = ((sorted.len() as f64 * q) as usize).min(sorted.len().saturating_sub(1));
    sorted.get(index).copied().unwrap_or_default()
}
