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
