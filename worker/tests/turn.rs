//! The TURN relay as the worker runs it (coturn with its arguments) gives an
//! allocation to coturn's own test client, with credentials the worker issues.

use std::net::UdpSocket;

use doorway_worker::tls::Tls;
use doorway_worker::turn::{issue, random_secret, write_pem, TurnSetup};

fn free_port() -> u16 {
    UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[tokio::test]
async fn coturn_uclient_gets_a_relay_allocation() {
    let dir = std::env::temp_dir().join(format!("doorway-turn-{}", std::process::id()));
    let tls = Tls::self_signed(vec!["127.0.0.1".into()]).unwrap();
    let (cert, key) = write_pem(&dir, &tls.cert_pem, &tls.key_pem).unwrap();
    let secret = random_secret().unwrap();
    let (port, tls_port) = (free_port(), free_port());
    let setup = TurnSetup {
        program: "turnserver".into(),
        address: "127.0.0.1".parse().unwrap(),
        port,
        tls_port,
        cert,
        key,
        secret: secret.clone(),
        state_dir: dir.clone(),
    };
    let _turn = setup
        .start()
        .await
        .expect("coturn starts (cargo xtask test installs it)");

    // -W: the client derives REST credentials from the same secret; -y: it
    // relays to itself, through a peer address the allow-list permits.
    let output = tokio::process::Command::new("timeout")
        .args(["30", "turnutils_uclient", "-u", "doorway", "-W", &secret])
        .args([
            "-y",
            "-c",
            "-n",
            "1",
            "-m",
            "1",
            "-l",
            "100",
            "-p",
            &port.to_string(),
            "127.0.0.1",
        ])
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "exit {:?}: {stdout}",
        output.status
    );
    assert!(stdout.contains("Total lost packets 0"), "{stdout}");

    // Never an open relay: a peer other than this worker is refused.
    let output = tokio::process::Command::new("timeout")
        .args(["30", "turnutils_uclient", "-u", "doorway", "-W", &secret])
        .args([
            "-e",
            "127.0.0.2",
            "-r",
            "9",
            "-n",
            "1",
            "-m",
            "1",
            "-l",
            "100",
        ])
        .args(["-p", &port.to_string(), "127.0.0.1"])
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        !output.status.success(),
        "relayed to a foreign peer: {stdout}"
    );
    assert!(stdout.contains("403"), "{stdout}");

    // The worker's own credentials have the same form coturn checked.
    let issued = issue(&secret, port, tls_port, 1_800_000_000);
    assert!(issued.username.ends_with(":doorway"));
    std::fs::remove_dir_all(dir).ok();
}
