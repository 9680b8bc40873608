//! The worker binary as a child process, optionally inside a namespace.

use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use tokio::process::{Child, Command};

use crate::{env_path, http};

pub struct Worker {
    child: Child,
    /// `host:port` of the app.
    pub app: String,
}

impl Worker {
    /// Starts `doorway --listen ADDRESS --port 8080 …` (inside `netns` when
    /// given) and waits until its API answers.
    pub async fn start(netns: Option<&str>, address: &str, extra: &[&str]) -> Result<Worker> {
        Self::start_on(netns, address, 8080, extra).await
    }

    /// Like [`Worker::start`] with the app on `port`.
    pub async fn start_on(
        netns: Option<&str>,
        address: &str,
        port: u16,
        extra: &[&str],
    ) -> Result<Worker> {
        let bin = env_path("DOORWAY_BIN")?;
        let dist = env_path("DOORWAY_DIST")?;
        let mut command = match netns {
            Some(ns) => {
                let mut c = Command::new("ip");
                c.args(["netns", "exec", ns]).arg(&bin);
                c
            }
            None => Command::new(&bin),
        };
        command
            .args(["--listen", address, "--port", &port.to_string(), "--dist"])
            .arg(&dist)
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .kill_on_drop(true);
        let child = command
            .spawn()
            .with_context(|| format!("starting {}", bin.display()))?;
        let mut worker = Worker {
            child,
            app: format!("{address}:{port}"),
        };
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if let Ok(response) = http::get(&worker.app, "/api/config").await {
                if response.status == 200 {
                    return Ok(worker);
                }
            }
            if let Some(status) = worker.child.try_wait()? {
                bail!("the worker exited at start-up ({status})");
            }
            if Instant::now() > deadline {
                bail!("the worker did not answer on {} within 15 s", worker.app);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub fn url(&self, path_and_query: &str) -> String {
        format!("http://{}{path_and_query}", self.app)
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        // `ip netns exec` execs the worker, so this PID is the worker's own.
        let _ = self.child.start_kill();
    }
}
