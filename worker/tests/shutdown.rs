//! Stopping the real binary: SIGTERM and SIGINT finish the request in flight,
//! take no new connections and stop coturn; after `kill -9` the kernel stops
//! coturn. Each worker listens on a loopback address of its own.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use doorway_worker::turn::is_running;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use common::{exchange_raw, sample_result, wait_ready};

struct Started {
    child: Child,
    app: String,
    data: PathBuf,
}

impl Drop for Started {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        std::fs::remove_dir_all(&self.data).ok();
    }
}

fn free_port(address: &str) -> u16 {
    std::net::UdpSocket::bind((address, 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn start(address: &str, label: &str) -> Started {
    let data =
        std::env::temp_dir().join(format!("doorway-shutdown-{label}-{}", std::process::id()));
    let port = free_port(address);
    let child = Command::new(env!("CARGO_BIN_EXE_doorway"))
        .args(["--listen", address, "--port", &port.to_string()])
        .args(["--turn-port", &free_port(address).to_string()])
        .args(["--turn-tls-port", &free_port(address).to_string()])
        .args(["--dist", "/nonexistent", "--data-dir"])
        .arg(&data)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the worker starts");
    let started = Started {
        child,
        app: format!("{address}:{port}"),
        data,
    };
    wait_ready(&started.app).await;
    started
}

fn coturn_pid(data: &Path) -> i32 {
    std::fs::read_to_string(data.join("turn/doorway-turnserver.pid"))
        .expect("the worker records coturn's PID")
        .trim()
        .parse()
        .unwrap()
}

fn signal(child: &Child, signal: i32) {
    // SAFETY: kill has no memory effects; the PID is our own child's.
    let sent = unsafe { libc::kill(child.id() as i32, signal) };
    assert_eq!(sent, 0);
}

fn wait_exit(child: &mut Child, within: Duration) -> std::process::ExitStatus {
    let deadline = Instant::now() + within;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(
            Instant::now() < deadline,
            "the worker still runs after {within:?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn wait_gone(pid: i32) -> bool {
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        if !is_running(pid) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

/// Sends a share request's head and half its body, so it is in flight.
async fn half_sent_share(addr: &str) -> (TcpStream, String) {
    let body = sample_result();
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /api/results HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let (first, rest) = body.split_at(body.len() / 2);
    stream.write_all(first.as_bytes()).await.unwrap();
    (stream, rest.to_owned())
}

async fn stops_gracefully_on(signal_number: i32, address: &str, label: &str) {
    let mut worker = start(address, label).await;
    let coturn = coturn_pid(&worker.data);
    assert!(is_running(coturn));
    let (mut in_flight, rest) = half_sent_share(&worker.app).await;
    tokio::time::sleep(Duration::from_millis(100)).await;

    signal(&worker.child, signal_number);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        exchange_raw(&worker.app, b"GET /api/config HTTP/1.1\r\nHost: x\r\n\r\n")
            .await
            .is_none_or(|reply| reply.is_empty()),
        "a new connection is served after the signal"
    );
    in_flight.write_all(rest.as_bytes()).await.unwrap();
    let mut reply = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), in_flight.read_to_end(&mut reply))
        .await
        .expect("the request in flight is answered")
        .unwrap();
    let reply = String::from_utf8_lossy(&reply);
    assert!(reply.starts_with("HTTP/1.1 201"), "{reply}");

    let status = wait_exit(&mut worker.child, Duration::from_secs(10));
    assert!(status.success(), "exit status {status}");
    assert!(wait_gone(coturn), "coturn {coturn} outlived the worker");
}

#[tokio::test]
async fn sigterm_finishes_the_request_in_flight_and_stops_coturn() {
    stops_gracefully_on(libc::SIGTERM, "127.0.0.41", "term").await;
}

#[tokio::test]
async fn sigint_finishes_the_request_in_flight_and_stops_coturn() {
    stops_gracefully_on(libc::SIGINT, "127.0.0.42", "int").await;
}

#[tokio::test]
async fn after_kill_9_no_coturn_survives() {
    let mut worker = start("127.0.0.43", "kill").await;
    let coturn = coturn_pid(&worker.data);
    assert!(is_running(coturn));
    signal(&worker.child, libc::SIGKILL);
    wait_exit(&mut worker.child, Duration::from_secs(5));
    assert!(wait_gone(coturn), "coturn {coturn} outlived the worker");
}
