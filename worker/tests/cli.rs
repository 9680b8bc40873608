//! Invalid configuration is refused with a message that names the problem,
//! never a panic.

use std::process::Command;

fn doorway(args: &[&str]) -> (bool, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_doorway"))
        .args(args)
        .output()
        .expect("the worker binary runs");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    (output.status.success(), stderr)
}

#[test]
fn malformed_extra_ports_are_refused_with_the_reason() {
    let (ok, stderr) = doorway(&["--tcp-ports", "9-1"]);
    assert!(!ok);
    assert!(stderr.contains("runs backwards"), "{stderr}");
    let (ok, stderr) = doorway(&["--tcp-ports", "1-65535"]);
    assert!(!ok);
    assert!(stderr.contains("at most 256 extra ports"), "{stderr}");
}

#[test]
fn tls_files_must_come_in_pairs_and_exist() {
    let (ok, stderr) = doorway(&["--tls-cert", "/nonexistent/cert.pem"]);
    assert!(!ok);
    assert!(stderr.contains("--tls-key"), "{stderr}");
    let (ok, stderr) = doorway(&[
        "--port",
        "0",
        "--tls-cert",
        "/nonexistent/cert.pem",
        "--tls-key",
        "/nonexistent/key.pem",
    ]);
    assert!(!ok);
    assert!(stderr.contains("/nonexistent/cert.pem"), "{stderr}");
}

#[test]
fn out_of_range_values_are_refused() {
    let (ok, stderr) = doorway(&["--probe-timeout-ms", "5"]);
    assert!(!ok);
    assert!(stderr.contains("not in 500..=30000"), "{stderr}");
    let (ok, stderr) = doorway(&["--listen", "not-an-address"]);
    assert!(!ok);
    assert!(stderr.contains("not-an-address"), "{stderr}");
}

#[test]
fn json_logs_are_one_object_a_line() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    // An address of its own, so no other test's ports are in the way.
    let mut child = Command::new(env!("CARGO_BIN_EXE_doorway"))
        .args([
            "--listen",
            "127.0.0.9",
            "--port",
            "0",
            "--no-turn",
            "--no-store",
        ])
        .args(["--dist", "/nonexistent", "--log-format", "json"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the worker starts");
    let stderr = child.stderr.take().expect("stderr");
    let (lines, first) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = lines.send(BufReader::new(stderr).lines().next());
    });
    let first = first.recv_timeout(std::time::Duration::from_secs(20));
    child.kill().ok();
    child.wait().ok();
    let line = first
        .expect("a log line within 20 s")
        .expect("a log line")
        .expect("readable");
    let event: serde_json::Value = serde_json::from_str(&line).expect("JSON");
    assert_eq!(event["level"], "WARN", "{line}");
    assert_eq!(event["dist"], "/nonexistent", "{line}");
    assert!(
        event["message"]
            .as_str()
            .unwrap_or_default()
            .contains("no built app"),
        "{line}"
    );
}

/// The worker's stdout lines that start (after indentation) with `prefix`:
/// the rest of each, as the worker prints them.
fn lines_starting(
    child: &mut std::process::Child,
    prefix: &'static str,
) -> std::sync::mpsc::Receiver<String> {
    use std::io::{BufRead, BufReader};
    let stdout = child.stdout.take().expect("stdout piped");
    let (lines, received) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(rest) = line.trim().strip_prefix(prefix) {
                let _ = lines.send(rest.to_owned());
            }
        }
    });
    received
}

/// GET over a fresh connection: status and body.
fn get(addr: std::net::SocketAddr, path: &str) -> (u16, String) {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect_timeout(&addr, std::time::Duration::from_secs(5))
        .unwrap_or_else(|e| panic!("{addr}: {e}"));
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(5)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut text = String::new();
    stream.read_to_string(&mut text).unwrap();
    let (head, body) = text.split_once("\r\n\r\n").expect("an HTTP answer");
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    (status, body.to_owned())
}

#[test]
fn several_listen_addresses_serve_every_port_on_each_or_on_none() {
    use std::process::Stdio;
    // A probe port already taken on the IPv6 address only.
    let taken = std::net::TcpListener::bind("[::1]:0").expect("IPv6 loopback");
    let taken_port = taken.local_addr().unwrap().port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_doorway"))
        .args(["--listen", "127.0.0.10", "--listen", "::1", "--port", "0"])
        .args(["--no-turn", "--no-store", "--dist", "/nonexistent"])
        .args(["--tcp-ports", &taken_port.to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the worker starts");
    let serving = lines_starting(&mut child, "Doorway is serving http://");
    let mut addresses = Vec::new();
    while addresses.len() < 2 {
        match serving.recv_timeout(std::time::Duration::from_secs(20)) {
            Ok(url) => addresses.push(
                url.trim_end_matches('/')
                    .parse::<std::net::SocketAddr>()
                    .unwrap(),
            ),
            Err(_) => break,
        }
    }
    let answers: Vec<(u16, String)> = addresses.iter().map(|a| get(*a, "/api/config")).collect();
    child.kill().ok();
    child.wait().ok();

    assert_eq!(addresses.len(), 2, "one serving line per address");
    assert_eq!(addresses[0].ip().to_string(), "127.0.0.10");
    assert_eq!(addresses[1].ip().to_string(), "::1");
    assert_eq!(addresses[0].port(), addresses[1].port(), "one app port");
    for (status, body) in &answers {
        assert_eq!(*status, 200, "{body}");
    }
    let config: serde_json::Value = serde_json::from_str(&answers[0].1).unwrap();
    let served = config["probe"]["served"]["tcp"].as_array().unwrap();
    assert!(served.iter().any(|p| p == 443), "{served:?}");
    assert!(!served.iter().any(|p| p == taken_port), "{served:?}");
    let unavailable = config["probe"]["unavailable"].as_array().unwrap();
    let entry = unavailable
        .iter()
        .find(|u| u["port"] == taken_port)
        .unwrap_or_else(|| panic!("{taken_port} listed as not served: {unavailable:?}"));
    assert!(
        entry["reason"].as_str().unwrap().starts_with("::1: "),
        "{entry}"
    );
    drop(taken);
}

#[test]
fn without_data_dir_the_files_go_where_systemd_says() {
    use std::process::Stdio;
    let state = std::env::temp_dir().join(format!("doorway-state-{}", std::process::id()));
    std::fs::create_dir_all(&state).unwrap();
    // Started from another folder: where it starts must not matter.
    let mut child = Command::new(env!("CARGO_BIN_EXE_doorway"))
        .current_dir(std::env::temp_dir())
        .env("STATE_DIRECTORY", &state)
        .args(["--listen", "127.0.0.11", "--port", "0", "--no-turn"])
        .args(["--dist", "/nonexistent"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the worker starts");
    let reported =
        lines_starting(&mut child, "files: ").recv_timeout(std::time::Duration::from_secs(20));
    let store_exists = state.join("results.sqlite").is_file();
    child.kill().ok();
    child.wait().ok();
    std::fs::remove_dir_all(&state).ok();
    assert_eq!(
        reported.expect("a files: line"),
        state.display().to_string()
    );
    assert!(store_exists, "the shared results' store in STATE_DIRECTORY");
}

#[test]
fn probe_nodes_must_be_origins() {
    let (ok, stderr) = doorway(&["--probe-node", "eu.probe.example.com"]);
    assert!(!ok);
    assert!(stderr.contains("is not an origin"), "{stderr}");
    let (ok, stderr) = doorway(&["--app-origin", "https://check.example.com:0"]);
    assert!(!ok);
    assert!(stderr.contains("the port is not a number"), "{stderr}");
}

#[test]
fn probe_nodes_are_listed_in_the_configuration_as_origins() {
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_doorway"))
        .args(["--listen", "127.0.0.11", "--port", "0"])
        .args(["--no-turn", "--no-store", "--dist", "/nonexistent"])
        .args(["--probe-node", "https://EU.probe.example.com/"])
        .args(["--probe-node", "http://198.18.7.2:8080"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the worker starts");
    let serving = lines_starting(&mut child, "Doorway is serving http://");
    let answer = serving
        .recv_timeout(std::time::Duration::from_secs(20))
        .ok()
        .and_then(|url| {
            url.trim_end_matches('/')
                .parse::<std::net::SocketAddr>()
                .ok()
        })
        .map(|address| get(address, "/api/config"));
    child.kill().ok();
    child.wait().ok();

    let (status, body) = answer.expect("the worker serves");
    assert_eq!(status, 200, "{body}");
    let config: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        config["probe"]["nodes"],
        serde_json::json!(["https://eu.probe.example.com", "http://198.18.7.2:8080"])
    );
}
