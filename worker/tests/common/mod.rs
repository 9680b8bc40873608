//! Helpers shared by the worker's integration tests.
// Each test binary uses some of them.
#![allow(dead_code)]

pub mod asn_db;

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Sends a whole request and reads until the server closes (5 s at most);
/// `None` when there is no connection or no end.
pub async fn exchange_raw(addr: &str, raw: &[u8]) -> Option<String> {
    let mut stream = TcpStream::connect(addr).await.ok()?;
    stream.write_all(raw).await.ok()?;
    let mut bytes = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut bytes))
        .await
        .ok()?
        .ok()?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

/// [`exchange_raw`], read as status and body.
pub async fn exchange(addr: &str, raw: &[u8]) -> Option<(u16, String)> {
    let text = exchange_raw(addr, raw).await?;
    let (head, body) = text.split_once("\r\n\r\n")?;
    let status = head.split_whitespace().nth(1)?.parse().ok()?;
    Some((status, body.to_owned()))
}

/// Waits up to 15 s for a worker's API to answer on `addr`.
pub async fn wait_ready(addr: &str) {
    let deadline = Instant::now() + Duration::from_secs(15);
    while Instant::now() < deadline {
        let request = "GET /api/config HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
        if let Some((200, _)) = exchange(addr, request.as_bytes()).await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the worker did not come up on {addr}");
}

/// A finished result as the page would publish it.
pub fn sample_result() -> String {
    use doorway_core::result::{ClientInfo, ProfileRef, ServerRef};
    use doorway_core::{CheckPlan, CheckResult, Profile, Verdict, RESULT_SCHEMA};
    let profile = Profile::custom(Some("443"), None).unwrap();
    let plan = CheckPlan::new(&profile, &Default::default());
    let requirements = plan.results(&Default::default());
    let result = CheckResult {
        schema: RESULT_SCHEMA.into(),
        started_at: "2026-11-21T12:00:00Z".into(),
        duration_ms: 120,
        profile: ProfileRef {
            id: "custom".into(),
            name: profile.name.clone(),
            custom: Some("tcp=443".into()),
        },
        server: ServerRef {
            probe_host: "127.0.0.1".into(),
            scheme: "http".into(),
        },
        client: ClientInfo {
            user_agent: "test".into(),
            public_address: Some("198.51.100.7".into()),
            network: None,
        },
        verdict: Verdict::from_results(&requirements, false),
        requirements,
        nat: None,
        relay: None,
        websocket: None,
        advice: Vec::new(),
        quality: None,
        bandwidth: None,
    };
    serde_json::to_string(&result).unwrap()
}
