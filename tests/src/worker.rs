//! The worker binary as a child process, optionally inside a namespace.

use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context, Result};
use tokio::process::{Child, Command};

use crate::browser::TempDir;
use crate::{env_path, http};

pub struct Worker {
    child: Child,
    _data: Option<TempDir>,
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
        let mut argv = vec![bin.into_os_string()];
        argv.extend(["--listen".into(), address.into(), "--dist".into()]);
        argv.push(dist.into_os_string());
        argv.extend(["--data-dir".into(), data.0.clone().into_os_string()]);
        argv.extend(extra.iter().map(Into::into));
        if !extra.contains(&"--port") {
            argv.extend(["--port".into(), port.to_string().into()]);
        }
        Self::run(netns, &argv, format!("{address}:{port}"), Some(data)).await
    }

    /// Runs `argv` (a worker's whole command line, as a unit file's
    /// `ExecStart` has it) inside `netns` when given, and waits until its
    /// API answers on `app` (`host:port`). `data` is removed with the worker.
    pub async fn run(
        netns: Option<&str>,
        argv: &[std::ffi::OsString],
        app: String,
        data: Option<TempDir>,
    ) -> Result<Worker> {
        let (program, args) = argv.split_first().context("an empty command line")?;
        let mut command = match netns {
            Some(ns) => {
                let mut c = Command::new("ip");
                c.args(["netns", "exec", ns]).arg(program);
                c
            }
            None => Command::new(program),
        };
        command
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .kill_on_drop(true);
        let child = command
            .spawn()
            .with_context(|| format!("starting {}", program.to_string_lossy()))?;
        let mut worker = Worker {
            child,
            _data: data,
            app,
        };
        http::wait_until_serving(
            "the worker",
            &worker.app.clone(),
            Duration::from_secs(15),
            || Ok(worker.child.try_wait()?),
        )
        .await?;
        Ok(worker)
    }

    /// The worker's `--data-dir` (its result store), when this started it.
    pub fn data_dir(&self) -> Option<&std::path::Path> {
        self._data.as_ref().map(|dir| dir.0.as_path())
    }

    /// Whether the worker process is still the one started (not exited).
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
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
