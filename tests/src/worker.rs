//! The worker binary as a child process, optionally inside a namespace.

use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use tokio::process::{Child, Command};

use crate::browser::TempDir;
use crate::{env_path, http};

pub struct Worker {
    child: Child,
    _data: TempDir,
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
        // A `--port` among the extra flags wins over `port`.
        let port: u16 = match extra.iter().position(|a| *a == "--port") {
            Some(i) => extra
                .get(i + 1)
                .and_then(|p| p.parse().ok())
                .context("--port needs a number")?,
            None => port,
        };
        let data = TempDir::new("worker")?;
        let mut command = match netns {
            Some(ns) => {
                let mut c = Command::new("ip");
                c.args(["netns", "exec", ns]).arg(&bin);
                c
            }
            None => Command::new(&bin),
        };
        command
            .args(["--listen", address, "--dist"])
            .arg(&dist)
            .arg("--data-dir")
            .arg(&data.0)
            .args(extra)
            .args(if extra.contains(&"--port") {
                Vec::new()
            } else {
                vec!["--port".to_owned(), port.to_string()]
            })
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .kill_on_drop(true);
        let child = command
            .spawn()
            .with_context(|| format!("starting {}", bin.display()))?;
        let mut worker = Worker {
            child,
            _data: data,
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

    /// Like [`Worker::url`], with the host given by name (`host` must
    /// resolve to the worker's address where the browser runs).
    pub fn url_named(&self, host: &str, path_and_query: &str) -> String {
        let port = self.app.rsplit(':').next().unwrap_or_default();
        format!("http://{host}:{port}{path_and_query}")
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        // `ip netns exec` execs the worker, so this PID is the worker's own.
        let _ = self.child.start_kill();
    }
}
