//! The edge as a test part: `wrangler dev` (local workerd, a local D1, the
//! built app as static assets) inside a lab namespace, started from the
//! built `edge/` (`cargo xtask test` builds it and sets `DOORWAY_EDGE` and
//! `DOORWAY_WRANGLER`). Its process group is ended on drop: wrangler and
//! the workerd processes it starts, asked first so wrangler removes its
//! scratch files, then killed.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::{Context, Result};

use crate::browser::TempDir;
use crate::{env_path, http};

/// The network the local platform says every client is on (its
/// `request.cf`): a documentation ASN (RFC 5398) and a name of our own.
pub const TEST_ASN: u32 = 64496;
pub const TEST_OPERATOR: &str = "Doorway Test Network";
pub const TEST_COUNTRY: &str = "CH";

pub struct Edge {
    /// wrangler, leader of its own process group.
    child: Child,
    state: TempDir,
    /// `host:port` of the edge.
    pub app: String,
}

impl Edge {
    /// Starts the edge on `address:port` inside `netns`, listing
    /// `probe_nodes` (origins) for the page to race, and waits until its API
    /// answers.
    pub async fn start(
        netns: &str,
        address: &str,
        port: u16,
        probe_nodes: &[String],
    ) -> Result<Edge> {
        let state = TempDir::new("edge")?;
        let cf = state.0.join("cf.json");
        std::fs::write(
            &cf,
            serde_json::json!({
                "asn": TEST_ASN,
                "asOrganization": TEST_OPERATOR,
                "country": TEST_COUNTRY,
                "colo": "ZRH",
            })
            .to_string(),
        )?;
        let log = std::fs::File::create(state.0.join("wrangler.log"))?;
        let mut command = wrangler(netns, &state)?;
        command
            .args(["dev", "--ip", address, "--port", &port.to_string()])
            .arg("--persist-to")
            .arg(state.0.join("state"))
            .args(["--show-interactive-dev-session=false", "--var"])
            .arg(format!("PROBE_NODES:{}", probe_nodes.join(" ")))
            // The platform's view of the client comes from this file, not
            // from Cloudflare (there is no internet here).
            .env("CLOUDFLARE_CF_FETCH_PATH", &cf)
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log);
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let child = command.spawn().context("starting wrangler dev")?;
        let mut edge = Edge {
            child,
            state,
            app: format!("{address}:{port}"),
        };
        // wrangler bundles nothing here (the build is done) but starts
        // workerd twice: seconds.
        let app = edge.app.clone();
        let serving =
            http::wait_until_serving("wrangler dev", &app, Duration::from_secs(60), || {
                Ok(edge.child.try_wait()?)
            })
            .await;
        match serving {
            Ok(()) => Ok(edge),
            Err(error) => Err(error.context(format!("the edge's log:\n{}", edge.log()))),
        }
    }

    pub fn url(&self, path_and_query: &str) -> String {
        format!("http://{}{path_and_query}", self.app)
    }

    /// What wrangler and workerd printed so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.state.0.join("wrangler.log")).unwrap_or_default()
    }
}

/// `wrangler` (the built edge's) inside `netns`, run from the edge's
/// folder, sending no metrics. What it writes for itself goes into
/// `scratch`, and so goes with the test: its debug logs and dev registry
/// (its user configuration, under XDG_CONFIG_HOME) and Miniflare's
/// `miniflare-<hash>` folder (under TMPDIR).
pub fn wrangler(netns: &str, scratch: &TempDir) -> Result<Command> {
    let (config, tmp) = (scratch.0.join("config"), scratch.0.join("tmp"));
    for dir in [&config, &tmp] {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let mut command = Command::new("ip");
    command
        .args(["netns", "exec", netns])
        .arg(env_path("DOORWAY_WRANGLER")?)
        .current_dir(env_path("DOORWAY_EDGE")?)
        .env("WRANGLER_SEND_METRICS", "false")
        .env("XDG_CONFIG_HOME", config)
        .env("TMPDIR", tmp);
    Ok(command)
}

/// Wrangler's scratch files that exist now, where it writes them unless
/// told otherwise: its bundles and dev builds in the edge's
/// `.wrangler/tmp`, its debug logs in the user's `.config/.wrangler/logs`,
/// and Miniflare's `miniflare-<hash>` folders in the system's temporary
/// folder. A test that ends leaves all three as it found them.
pub fn wrangler_scratch() -> Result<BTreeSet<PathBuf>> {
    let mut found = entries(&env_path("DOORWAY_EDGE")?.join(".wrangler/tmp"))?;
    let user_config = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".config")));
    if let Some(user_config) = user_config {
        found.extend(entries(&user_config.join(".wrangler/logs"))?);
    }
    found.extend(entries(&std::env::temp_dir())?.into_iter().filter(|path| {
        path.file_name()
            .is_some_and(|name| name.to_string_lossy().starts_with("miniflare-"))
    }));
    Ok(found)
}

/// What of wrangler's scratch files is there now and was not in `before`
/// (a snapshot from `wrangler_scratch`).
pub fn wrangler_scratch_since(before: &BTreeSet<PathBuf>) -> Result<Vec<PathBuf>> {
    Ok(wrangler_scratch()?.difference(before).cloned().collect())
}

fn entries(dir: &Path) -> Result<BTreeSet<PathBuf>> {
    match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .map(|entry| Ok(entry?.path()))
            .collect::<Result<_>>()
            .with_context(|| format!("listing {}", dir.display())),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(BTreeSet::new()),
        Err(error) => Err(error).with_context(|| format!("listing {}", dir.display())),
    }
}

/// How long wrangler may take to end its workerd and remove its scratch
/// files once asked to.
const STOP_GRACE: Duration = Duration::from_secs(10);

impl Drop for Edge {
    fn drop(&mut self) {
        let group = self.child.id() as libc::pid_t;
        // SAFETY: killpg has no memory effects; the group is the one the
        // child was given at spawn (its own PID).
        unsafe { libc::killpg(group, libc::SIGINT) };
        let asked = std::time::Instant::now();
        while asked.elapsed() < STOP_GRACE {
            match self.child.try_wait() {
                Ok(None) => std::thread::sleep(Duration::from_millis(50)),
                _ => break,
            }
        }
        // Whatever of the group is left (a workerd wrangler did not end).
        // SAFETY: as above.
        unsafe { libc::killpg(group, libc::SIGKILL) };
        let _ = self.child.wait();
    }
}
