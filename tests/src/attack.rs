//! One hostile client address holding as many connections as it can, of every
//! kind a server must survive: idle, slow headers, a trickling body, a
//! WebSocket kept alive with pings, and a TLS hello that never finishes.
//! Each connection reopens after the server closes it, so the pressure lasts.
//! Used by the fairness test (from a lab namespace) and the bench (loopback).

use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::watch;
use tokio::task::JoinSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Connects and says nothing.
    Idle,
    /// A request line, then one header line a second, never the end.
    SlowHeaders,
    /// A complete POST head, then one body byte every two seconds.
    SlowBody,
    /// An upgraded WebSocket, pinged every two seconds.
    WebSocket,
    /// The first bytes of a TLS ClientHello, then silence.
    TlsHello,
}

pub const ALL_KINDS: [Kind; 5] = [
    Kind::Idle,
    Kind::SlowHeaders,
    Kind::SlowBody,
    Kind::WebSocket,
    Kind::TlsHello,
];

/// What the attack saw.
#[derive(Debug, Default)]
pub struct Counts {
    /// Connections the kernel completed.
    pub connected: AtomicU64,
    /// Connections the server closed within the first second.
    pub closed_at_once: AtomicU64,
    /// Connections that failed to open.
    pub failed: AtomicU64,
}

/// What the attack saw, read once it stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Totals {
    pub connected: u64,
    pub closed_at_once: u64,
    pub failed: u64,
}

/// An attack on a thread and runtime of its own (inside the network
/// namespace `namespace` when given), so its thousands of tasks share no
/// scheduler with the client being measured.
pub struct AttackThread {
    stop: tokio::sync::oneshot::Sender<()>,
    thread: std::thread::JoinHandle<anyhow::Result<Totals>>,
}

impl AttackThread {
    pub fn spawn(
        target: Target,
        per_kind: usize,
        source: Option<IpAddr>,
        namespace: Option<String>,
    ) -> AttackThread {
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || -> anyhow::Result<Totals> {
            if let Some(namespace) = namespace {
                crate::lab::enter_namespace(&namespace)?;
            }
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            runtime.block_on(async move {
                let attack = Attack::start(&target, &ALL_KINDS, per_kind, source);
                let _ = stopped.await;
                let counts = attack.counts.clone();
                attack.stop().await;
                Ok(Totals {
                    connected: counts.connected.load(Ordering::Relaxed),
                    closed_at_once: counts.closed_at_once.load(Ordering::Relaxed),
                    failed: counts.failed.load(Ordering::Relaxed),
                })
            })
        });
        AttackThread { stop, thread }
    }

    /// Stops the attack and waits for its thread.
    pub fn stop(self) -> anyhow::Result<Totals> {
        let _ = self.stop.send(());
        self.thread
            .join()
            .map_err(|_| anyhow::anyhow!("the attacker thread panicked"))?
    }
}

/// A running attack; stops when dropped or stopped.
pub struct Attack {
    stop: watch::Sender<bool>,
    tasks: JoinSet<()>,
    pub counts: Arc<Counts>,
}

/// Where to aim: `app` takes POSTs; every address in `ports` gets the rest.
#[derive(Debug, Clone)]
pub struct Target {
    pub app: SocketAddr,
    pub ports: Vec<SocketAddr>,
}

impl Attack {
    /// Starts `per_kind` connections of each of `kinds` from `source` (any
    /// local address when `None`). Sockets open on the calling thread's
    /// runtime, so in a namespace the caller entered.
    pub fn start(
        target: &Target,
        kinds: &[Kind],
        per_kind: usize,
        source: Option<IpAddr>,
    ) -> Attack {
        let (stop, stopping) = watch::channel(false);
        let counts = Arc::new(Counts::default());
        let mut tasks = JoinSet::new();
        for &kind in kinds {
            for n in 0..per_kind {
                let address = match kind {
                    Kind::SlowBody => target.app,
                    _ => target.ports[n % target.ports.len()],
                };
                let stopping = stopping.clone();
                let counts = counts.clone();
                tasks.spawn(async move {
                    // Spread the first connects over a second, as a script would.
                    let spread = Duration::from_micros((n as u64 * 1_000_000) / per_kind as u64);
                    tokio::time::sleep(spread).await;
                    keep_open(kind, address, source, &counts, stopping).await;
                });
            }
        }
        Attack {
            stop,
            tasks,
            counts,
        }
    }

    pub async fn stop(mut self) {
        let _ = self.stop.send(true);
        self.tasks.abort_all();
        while self.tasks.join_next().await.is_some() {}
    }
}

/// One attacker connection, reopened whenever the server ends it.
async fn keep_open(
    kind: Kind,
    address: SocketAddr,
    source: Option<IpAddr>,
    counts: &Counts,
    mut stopping: watch::Receiver<bool>,
) {
    while !*stopping.borrow() {
        let opened = tokio::time::Instant::now();
        match connect(address, source).await {
            Ok(stream) => {
                counts.connected.fetch_add(1, Ordering::Relaxed);
                tokio::select! {
                    () = misbehave(kind, stream) => {}
                    _ = stopping.changed() => return,
                }
                if opened.elapsed() >= Duration::from_secs(1) {
                    // Held a while and timed out: take the slot again at once.
                    continue;
                }
                counts.closed_at_once.fetch_add(1, Ordering::Relaxed);
            }
            Err(_) => {
                counts.failed.fetch_add(1, Ordering::Relaxed);
            }
        }
        // Turned away: try again soon, but do not spin (holding, not flooding).
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

async fn connect(address: SocketAddr, source: Option<IpAddr>) -> anyhow::Result<TcpStream> {
    let connecting = async {
        match source {
            Some(source) => crate::load::connect_from(source, address).await,
            None => Ok(TcpStream::connect(address).await?),
        }
    };
    tokio::time::timeout(Duration::from_secs(5), connecting)
        .await
        .map_err(|_| anyhow::anyhow!("connecting to {address} timed out"))?
}

/// Runs one kind of misbehaviour until the server closes the connection.
async fn misbehave(kind: Kind, mut stream: TcpStream) {
    let host = stream
        .peer_addr()
        .map(|a| a.to_string())
        .unwrap_or_default();
    let (opening, every, drip): (Vec<u8>, Duration, &[u8]) = match kind {
        Kind::Idle => (Vec::new(), Duration::from_secs(3600), b""),
        Kind::SlowHeaders => (
            format!("GET /probe HTTP/1.1\r\nHost: {host}\r\n").into_bytes(),
            Duration::from_secs(1),
            b"X-Slow: 1\r\n",
        ),
        Kind::SlowBody => (
            format!(
                "POST /api/results HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: 4000\r\n\r\n{{"
            )
            .into_bytes(),
            Duration::from_secs(2),
            b" ",
        ),
        Kind::WebSocket => (
            format!(
                "GET /ws HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
            )
            .into_bytes(),
            Duration::from_secs(2),
            // A masked ping with no payload, as a client must send it.
            &[0x89, 0x80, 0x12, 0x34, 0x56, 0x78],
        ),
        // A handshake record header and the start of a ClientHello.
        Kind::TlsHello => (
            vec![0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03],
            Duration::from_secs(3600),
            b"",
        ),
    };
    if stream.write_all(&opening).await.is_err() {
        return;
    }
    let (mut reader, mut writer) = stream.split();
    let drain = async {
        let mut buffer = [0u8; 4096];
        while let Ok(n) = reader.read(&mut buffer).await {
            if n == 0 {
                break;
            }
        }
    };
    let dripping = async {
        loop {
            tokio::time::sleep(every).await;
            if writer.write_all(drip).await.is_err() {
                break;
            }
        }
    };
    tokio::select! {
        () = drain => {}
        () = dripping => {}
    }
}
