//! The TURN relay as the worker runs it (coturn with its configuration),
//! tried with coturn's own test client and credentials from the same secret:
//! an allocation works, and nothing else does.

use std::net::UdpSocket;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;

use doorway_worker::tls::Tls;
use doorway_worker::turn::{
    is_running, issue, random_secret, write_pem, Turn, TurnSetup, ALLOCATIONS_PER_CLIENT,
};

fn free_port() -> u16 {
    UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct Relay {
    setup: TurnSetup,
    turn: Turn,
    dir: PathBuf,
}

async fn start(label: &str) -> Relay {
    start_with(label, false).await
}

/// coturn as the worker starts it, `relay_to_self` as `--quality-through-relay`
/// sets it, once it accepts connections on its port (it binds a moment
/// after it starts; a client sent there sooner meets a closed port).
async fn start_with(label: &str, relay_to_self: bool) -> Relay {
    let dir = std::env::temp_dir().join(format!("doorway-turn-{label}-{}", std::process::id()));
    let tls = Tls::self_signed(vec!["127.0.0.1".into()]).unwrap();
    let (cert, key) = write_pem(&dir, &tls.cert_pem, &tls.key_pem).unwrap();
    let setup = TurnSetup {
        program: "turnserver".into(),
        addresses: vec!["127.0.0.1".parse().unwrap()],
        port: free_port(),
        tls_port: free_port(),
        cert,
        key,
        secret: random_secret().unwrap(),
        state_dir: dir.clone(),
        relay_to_self,
    };
    let turn = setup
        .start()
        .await
        .expect("coturn starts (cargo xtask test installs it)");
    let listening = format!("127.0.0.1:{}", setup.port);
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(&listening).await.is_ok() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    Relay { setup, turn, dir }
}

/// Runs turnutils_uclient for `seconds` at most with REST credentials for
/// `user` (`-W`: derived from the secret as the worker does); its output.
async fn uclient(relay: &Relay, user: &str, seconds: u32, args: &[&str]) -> String {
    let output = tokio::process::Command::new("timeout")
        .arg(seconds.to_string())
        .args(["turnutils_uclient", "-u", user, "-W", &relay.setup.secret])
        .args(["-n", "1", "-l", "100"])
        .args(args)
        .args(["-p", &relay.setup.port.to_string(), "127.0.0.1"])
        .kill_on_drop(true)
        .output()
        .await
        .unwrap();
    String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr)
}

#[tokio::test]
async fn coturn_allocates_and_relays_nowhere() {
    let relay = start("closed").await;
    // -s -I -c: allocate and send without asking for a permission or a
    // channel, so the allocation alone is tried (-v prints its relay
    // address). The data goes nowhere, so `timeout` ends the client.
    let allocated = uclient(
        &relay,
        "doorway-a",
        5,
        &["-v", "-s", "-I", "-c", "-e", "198.18.0.9"],
    )
    .await;
    assert!(
        allocated.contains("Received relay addr: 127.0.0.1:") && !allocated.contains("error"),
        "{allocated}"
    );

    // No peer, not even this host's own ports (the app, any listener):
    // traffic from the relay would come from the host's own address.
    for peer in ["127.0.0.1", "127.0.0.2", "198.18.0.9"] {
        let output = uclient(&relay, "doorway-b", 10, &["-e", peer, "-r", "9"]).await;
        assert!(output.contains("403 (Forbidden IP)"), "{peer}: {output}");
    }

    // No TCP relaying (RFC 6062).
    let output = uclient(&relay, "doorway-c", 10, &["-T"]).await;
    assert!(output.contains("error 442"), "{output}");

    // One client holds at most so many allocations at once.
    let clients = (ALLOCATIONS_PER_CLIENT + 2).to_string();
    let output = uclient(
        &relay,
        "doorway-d",
        10,
        &["-s", "-I", "-c", "-e", "198.18.0.9", "-m", &clients],
    )
    .await;
    assert!(
        output.contains("486 (Allocation Quota Reached)"),
        "{output}"
    );

    // The worker's own credentials have the form coturn checks.
    let issued = issue(
        &relay.setup.secret,
        "198.18.0.7".parse().unwrap(),
        relay.setup.port,
        relay.setup.tls_port,
        1_800_000_000,
    );
    assert!(issued.username.contains(":doorway-"), "{}", issued.username);
    drop(relay.turn);
    std::fs::remove_dir_all(relay.dir).ok();
}

#[tokio::test]
async fn relaying_to_its_own_addresses_opens_the_relay_to_no_one_else() {
    // As with --quality-through-relay: the worker's own address (here
    // 127.0.0.1, which coturn still refuses as loopback) is the only peer
    // allowed; every other address stays forbidden.
    let relay = start_with("to-self", true).await;
    for peer in ["127.0.0.2", "198.18.0.9"] {
        let output = uclient(&relay, "doorway-e", 10, &["-e", peer, "-r", "9"]).await;
        assert!(output.contains("403 (Forbidden IP)"), "{peer}: {output}");
    }
    drop(relay.turn);
    std::fs::remove_dir_all(relay.dir).ok();
}

#[tokio::test]
async fn the_secret_and_key_are_private_files_never_on_the_command_line() {
    let relay = start("secret").await;
    let pid = relay.turn.pid().expect("running");
    let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap();
    let cmdline = String::from_utf8_lossy(&cmdline);
    assert!(cmdline.contains("turnserver"), "{cmdline}");
    assert!(!cmdline.contains(&relay.setup.secret), "{cmdline}");
    let config = relay.dir.join("turnserver.conf");
    for private in [&config, &relay.setup.key] {
        let mode = std::fs::metadata(private).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{}: {mode:o}", private.display());
    }
    assert!(std::fs::read_to_string(&config)
        .unwrap()
        .contains(&relay.setup.secret));
    drop(relay.turn);
    std::fs::remove_dir_all(relay.dir).ok();
}

#[tokio::test]
async fn a_coturn_left_by_an_earlier_run_is_stopped_at_start() {
    let first = start("stale").await;
    let stale = first.turn.pid().expect("running") as i32;
    // As after a crash: the worker is gone, its coturn is not.
    std::mem::forget(first.turn);
    assert!(is_running(stale));
    let second = first.setup.start().await.expect("starts again");
    assert!(!is_running(stale), "the earlier coturn still runs");
    assert!(is_running(second.pid().expect("running") as i32));
    drop(second);
    std::fs::remove_dir_all(first.dir).ok();
}
