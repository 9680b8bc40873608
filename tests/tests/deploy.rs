//! The deploy path as an operator meets it: the firewall `doorway firewall`
//! prints, loaded for real on the server, lets a whole check through and
//! drops everything else; `doorway install` writes a unit systemd accepts,
//! and the command in it serves a check.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::Duration;

use anyhow::{ensure, Context, Result};
use doorway_core::{CheckResult, Overall};
use doorway_e2e::browser::{Browser, TempDir};
use doorway_e2e::env_path;
use doorway_e2e::lab::ServerNamespace;
use doorway_e2e::reading::not_reachable;
use doorway_e2e::worker::Worker;

/// A `ring` check in Chromium against `worker` in `lab`.
async fn ring_check(lab: &ServerNamespace, worker: &Worker) -> Result<CheckResult> {
    let browser = Browser::start_with_hosts(&[&lab.address]).await?;
    browser
        .client
        .goto(&worker.url("/?profile=ring&autorun=1"))
        .await?;
    let result = browser.wait_for_result(Duration::from_secs(20)).await;
    browser.close().await?;
    result
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_firewall_doorway_prints_lets_a_check_through_and_drops_the_rest() -> Result<()> {
    let lab = ServerNamespace::create()?;
    let printed = std::process::Command::new(env_path("DOORWAY_BIN")?)
        .arg("firewall")
        .output()?;
    ensure!(printed.status.success(), "doorway firewall: {printed:?}");
    lab.nft(&String::from_utf8(printed.stdout)?)?;

    let worker = Worker::start(Some(&lab.name), &lab.address, &[]).await?;
    let result = ring_check(&lab, &worker).await?;
    // A port the worker does not serve is dropped, not refused.
    let closed = tokio::time::timeout(
        Duration::from_secs(2),
        tokio::net::TcpStream::connect((lab.address.as_str(), 7)),
    )
    .await;

    assert_eq!(
        result.verdict.overall,
        Overall::Ready,
        "{:?}",
        result.verdict
    );
    assert_eq!(not_reachable(&result, &[]), Vec::<String>::new());
    assert!(
        result
            .relay
            .is_some_and(|relay| [relay.udp, relay.tcp, relay.tls]
                .iter()
                .all(|o| o.is_reachable())),
        "the relay through the firewall: {:?}",
        result.relay
    );
    assert!(closed.is_err(), "port 7 answered: {closed:?}");
    Ok(())
}

/// The unit's `ExecStart=` (as `doorway install` writes it: plain words).
fn exec_start(unit: &str) -> Result<Vec<String>> {
    let line = unit
        .lines()
        .find_map(|l| l.strip_prefix("ExecStart="))
        .context("no ExecStart= in the unit")?;
    Ok(line.split_whitespace().map(str::to_owned).collect())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doorway_install_writes_a_unit_systemd_accepts_and_its_command_serves_a_check() -> Result<()>
{
    let lab = ServerNamespace::create()?;
    let root = TempDir::new("install-root")?;
    let flags = ["--listen", lab.address.as_str(), "--port", "8080"];
    // No --dist: the binary carries the app (built into it after Trunk).
    let installed = std::process::Command::new(env_path("DOORWAY_BIN")?)
        .args(["install", "--root"])
        .arg(&root.0)
        .arg("--")
        .args(flags)
        .output()?;
    ensure!(installed.status.success(), "doorway install: {installed:?}");

    // What README says it writes.
    let bin = root.0.join("usr/local/bin/doorway");
    let unit_path = root.0.join("etc/systemd/system/doorway.service");
    let unit = std::fs::read_to_string(&unit_path)?;
    assert!(
        std::fs::metadata(&bin)?.permissions().mode() & 0o111 != 0,
        "executable"
    );
    assert!(
        !root.0.join("usr/local/share/doorway").exists(),
        "one file: the app is in the binary"
    );
    assert!(!unit.contains("--dist"), "{unit}");

    // systemd reads it without a complaint (its standard targets copied in,
    // as on a host).
    let units = root.0.join("etc/systemd/system");
    for target in [
        "sysinit.target",
        "basic.target",
        "multi-user.target",
        "network-online.target",
        "network.target",
        "sockets.target",
        "paths.target",
        "timers.target",
        "slices.target",
        "shutdown.target",
        "local-fs.target",
        "swap.target",
    ] {
        std::fs::copy(
            Path::new("/lib/systemd/system").join(target),
            units.join(target),
        )?;
    }
    let verified = std::process::Command::new("systemd-analyze")
        .arg("verify")
        .arg(format!("--root={}", root.0.display()))
        .args(["--man=no", "--generators=no"])
        .arg(&unit_path)
        .output()?;
    let complaints = String::from_utf8_lossy(&verified.stderr).into_owned();

    // Started the way the unit starts it (its paths under the root), the
    // node answers /healthz and a whole check.
    let argv: Vec<std::ffi::OsString> = exec_start(&unit)?
        .into_iter()
        .map(|arg| match arg.strip_prefix('/') {
            Some(path) if arg.starts_with("/usr/local/") || arg.starts_with("/var/lib/") => {
                root.0.join(path).into_os_string()
            }
            _ => arg.into(),
        })
        .collect();
    let worker = Worker::run(
        Some(&lab.name),
        &argv,
        format!("{}:8080", lab.address),
        None,
    )
    .await?;
    let health = doorway_e2e::http::get(&worker.app, "/healthz").await?;
    let result = ring_check(&lab, &worker).await;
    let metrics = doorway_e2e::http::get(&worker.app, "/metrics").await?;
    drop(worker);

    assert!(
        verified.status.success() && !complaints.contains("doorway.service"),
        "systemd-analyze verify: {complaints}"
    );
    assert_eq!(health.status, 200, "{}", health.body);
    assert!(health.body.contains("\"store\":\"ok\""), "{}", health.body);
    assert!(
        root.0.join("var/lib/doorway/results.sqlite").is_file(),
        "the data in its fixed place"
    );
    assert_eq!(result?.verdict.overall, Overall::Ready);
    // What the node saw of that check, for Prometheus.
    assert_eq!(metrics.status, 200, "{}", metrics.body);
    let count = |prefix: &str| doorway_e2e::http::metric_total(&metrics.body, prefix).unwrap_or(0);
    assert_eq!(count("doorway_checks_total"), 1, "{}", metrics.body);
    assert!(
        count("doorway_probes_total{port=\"8557\"") >= 1,
        "{}",
        metrics.body
    );
    assert!(count("doorway_stun_answers_total") >= 1, "{}", metrics.body);
    assert!(
        count("doorway_relay_credentials_total") >= 1,
        "{}",
        metrics.body
    );
    Ok(())
}
