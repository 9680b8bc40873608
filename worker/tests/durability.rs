//! A result acknowledged with 201 survives a restart of the worker and a
//! `kill -9` in the middle of writes. Runs the real binary.

mod common;

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::{exchange, sample_result, wait_ready};

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start_worker(port: u16, data: &std::path::Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_doorway"))
        .args([
            "--listen",
            "127.0.0.1",
            "--port",
            &port.to_string(),
            "--no-turn",
        ])
        .args(["--share-limit", "100000", "--dist", "/nonexistent"])
        .arg("--data-dir")
        .arg(data)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the worker starts")
}

#[tokio::test]
async fn acknowledged_results_survive_kill_9_and_restart() {
    let data = std::env::temp_dir().join(format!("doorway-durability-{}", std::process::id()));
    let port = free_port();
    let addr = format!("127.0.0.1:{port}");
    let mut worker = start_worker(port, &data);
    wait_ready(&addr).await;

    let body = sample_result();
    let post = format!(
        "POST /api/results HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let mut acknowledged = Vec::new();
    // Keep writing; kill the worker with SIGKILL while writes are in flight.
    let writer = {
        let addr = addr.clone();
        let post = post.clone();
        tokio::spawn(async move {
            let mut ids = Vec::new();
            for _ in 0..2000 {
                match exchange(&addr, post.as_bytes()).await {
                    Some((201, body)) => {
                        let shared: doorway_core::api::ShareResponse =
                            serde_json::from_str(&body).unwrap();
                        ids.push(shared.id);
                    }
                    Some((status, body)) => panic!("unexpected {status}: {body}"),
                    None => break, // the worker is gone
                }
            }
            ids
        })
    };
    tokio::time::sleep(Duration::from_millis(700)).await;
    worker.kill().expect("SIGKILL to the recorded PID");
    worker.wait().unwrap();
    acknowledged.extend(writer.await.unwrap());
    assert!(
        acknowledged.len() > 5,
        "only {} writes before the kill",
        acknowledged.len()
    );

    let mut worker = start_worker(port, &data);
    wait_ready(&addr).await;
    for id in &acknowledged {
        let request =
            format!("GET /api/results/{id} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        let (status, _) = exchange(&addr, request.as_bytes()).await.unwrap();
        assert_eq!(
            status, 200,
            "result {id} acknowledged before the kill is gone"
        );
    }
    // The store still takes new results.
    let (status, _) = exchange(&addr, post.as_bytes()).await.unwrap();
    assert_eq!(status, 201);
    worker.kill().unwrap();
    worker.wait().unwrap();
    std::fs::remove_dir_all(&data).ok();
}
