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
