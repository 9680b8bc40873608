//! The STUN sockets over real UDP on loopback, and interop with coturn's
//! client (installed by `cargo xtask test`).

use std::time::Duration;

use doorway_worker::server::serve;
use tokio::net::UdpSocket;
use tokio::task::JoinHandle;

async fn start() -> (u16, JoinHandle<()>) {
    let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let port = socket.local_addr().unwrap().port();
    (port, tokio::spawn(serve(Vec::new(), vec![socket], None)))
}

#[tokio::test]
async fn coturn_stunclient_gets_its_reflexive_address() {
    let (port, server) = start().await;
    let output = tokio::process::Command::new("timeout")
        .args([
            "5",
            "turnutils_stunclient",
            "-p",
            &port.to_string(),
            "127.0.0.1",
        ])
        .output()
        .await
        .expect("turnutils_stunclient runs (cargo xtask test installs coturn)");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "exit {:?}: {stdout}",
        output.status
    );
    assert!(
        stdout.contains("UDP reflexive addr: 127.0.0.1:"),
        "{stdout}"
    );
    server.abort();
}

#[tokio::test]
async fn garbage_gets_no_answer_and_does_not_stop_the_socket() {
    let (port, server) = start().await;
    let client = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    client.connect(("127.0.0.1", port)).await.unwrap();
    let mut reply = [0u8; 1500];
    for garbage in [
        &b"hello"[..],
        &[0u8; 20],
        &[0xff; 1400],
        b"GET / HTTP/1.1\r\n\r\n",
    ] {
        client.send(garbage).await.unwrap();
        let answered =
            tokio::time::timeout(Duration::from_millis(200), client.recv(&mut reply)).await;
        assert!(answered.is_err(), "answered garbage {garbage:?}");
    }
    // A minimal Binding request (RFC 8489 header, no attributes) still works.
    let mut request = vec![0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42];
    request.extend_from_slice(&[7u8; 12]);
    client.send(&request).await.unwrap();
    let n = tokio::time::timeout(Duration::from_secs(2), client.recv(&mut reply))
        .await
        .expect("a Binding request is answered")
        .unwrap();
    assert_eq!(&reply[..2], &[0x01, 0x01], "Binding success response");
    assert_eq!(&reply[8..20], &[7u8; 12], "same transaction id");
    assert!(n <= doorway_worker::stun::MAX_ANSWER);
    server.abort();
}
