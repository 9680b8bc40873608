//! Headless browsers driven through WebDriver: Chromium (chromedriver),
//! Firefox ESR (geckodriver) and WebKitGTK (WebKitWebDriver), each driver in
//! a process group of its own that its browser joins.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use doorway_core::CheckResult;
use fantoccini::wd::{TimeoutConfiguration, WebDriverCompatibleCommand};
use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use tokio::process::{Child, Command};

pub struct Browser {
    pub client: Client,
    driver: Child,
    /// The X server WebKitGTK draws into (it has no headless mode); in the
    /// driver's process group, so it ends with it.
    display: Option<Child>,
    _profile: TempDir,
}

/// Starts Xvfb in a new process group and returns it with its display
/// (Xvfb picks a free one and writes it to stdout).
async fn start_virtual_display() -> Result<(Child, String)> {
    use tokio::io::AsyncBufReadExt;
    let mut xvfb = Command::new("/usr/bin/Xvfb")
        .args([
            "-displayfd",
            "1",
            "-screen",
            "0",
            "1280x900x24",
            "-nolisten",
            "tcp",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .process_group(0)
        .spawn()
        .context("starting /usr/bin/Xvfb (cargo xtask test installs xvfb)")?;
    let stdout = xvfb.stdout.take().context("Xvfb has no stdout")?;
    let mut line = String::new();
    tokio::time::timeout(
        Duration::from_secs(10),
        tokio::io::BufReader::new(stdout).read_line(&mut line),
    )
    .await
    .context("Xvfb did not report its display")??;
    let display = format!(":{}", line.trim());
    Ok((xvfb, display))
}

/// Flags from docs/browsers.md: no sandbox as root, no background
/// traffic, and no DNS look-up leaves the machine.
fn chromium_args(
    profile: &std::path::Path,
    extra_hosts: &[&str],
    secure_origins: &[String],
    checks_certificates: bool,
) -> Vec<String> {
    let mut rules = String::from("MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost");
    for host in extra_hosts {
        rules.push_str(&format!(" , EXCLUDE {host}"));
    }
    vec![
        "--headless".into(),
        "--no-sandbox".into(),
        "--disable-gpu".into(),
        "--disable-dev-shm-usage".into(),
        "--no-first-run".into(),
        "--disable-background-networking".into(),
        "--disable-component-update".into(),
        "--disable-sync".into(),
        format!("--host-resolver-rules={rules}"),
        format!("--user-data-dir={}", profile.join("chromium").display()),
        "--window-size=1280,900".into(),
    ]
    .into_iter()
    // Self-signed lab certificates, unless the test trusts a root instead.
    .chain((!checks_certificates).then(|| "--ignore-certificate-errors".to_owned()))
    .chain((!secure_origins.is_empty()).then(|| {
        format!(
            "--unsafely-treat-insecure-origin-as-secure={}",
            secure_origins.join(",")
        )
    }))
    .collect()
}

/// An NSS store under `home` (Chromium's `~/.pki/nssdb`) that trusts
/// `root_pem` to issue server certificates.
fn trust_root(home: &std::path::Path, root_pem: &str) -> Result<()> {
    let db = home.join(".pki/nssdb");
    std::fs::create_dir_all(&db)?;
    let root = home.join("root.pem");
    std::fs::write(&root, root_pem)?;
    let store = format!("sql:{}", db.display());
    for args in [
        vec!["-N", "-d", &store, "--empty-password"],
        vec![
            "-A",
            "-d",
            &store,
            "-n",
            "doorway-test-root",
            "-t",
            "C,,",
            "-i",
            root.to_str().context("a UTF-8 path")?,
        ],
    ] {
        let output = std::process::Command::new("certutil")
            .args(&args)
            .output()
            .context("running certutil (cargo xtask test installs libnss3-tools)")?;
        if !output.status.success() {
            bail!(
                "certutil {}: {}",
                args.join(" "),
                String::from_utf8_lossy(&output.stderr)
            );
        }
    }
    Ok(())
}

/// Which browser engine a test runs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Chromium,
    /// Debian's `firefox-esr` through geckodriver (`cargo install geckodriver`).
    Firefox,
    /// Debian's WebKitGTK MiniBrowser through WebKitWebDriver; built without
    /// WebRTC.
    WebKitGtk,
}

/// Firefox preferences: no traffic of its own (captive-portal and
/// connectivity checks, updates, safe browsing, DNS over HTTPS), so the
/// lab's paths carry only the page's.
fn firefox_prefs() -> serde_json::Map<String, serde_json::Value> {
    let prefs = serde_json::json!({
        "network.captive-portal-service.enabled": false,
        "network.connectivity-service.enabled": false,
        "network.trr.mode": 5,
        "network.dns.disablePrefetch": true,
        "network.prefetch-next": false,
        "app.update.auto": false,
        "app.update.enabled": false,
        "browser.safebrowsing.malware.enabled": false,
        "browser.safebrowsing.phishing.enabled": false,
        "browser.safebrowsing.downloads.enabled": false,
        "datareporting.policy.dataSubmissionEnabled": false,
        "toolkit.telemetry.enabled": false,
        "extensions.update.enabled": false,
        "browser.shell.checkDefaultBrowser": false,
    });
    match prefs {
        serde_json::Value::Object(map) => map,
        _ => serde_json::Map::new(),
    }
}

/// The driver's command line and the capabilities of a new session.
fn driver_and_capabilities(
    engine: Engine,
    port: u16,
    profile: &std::path::Path,
    extra_hosts: &[&str],
    prefs: serde_json::Value,
    secure_origins: &[String],
    checks_certificates: bool,
) -> (Command, serde_json::Map<String, serde_json::Value>) {
    let mut capabilities = serde_json::Map::new();
    let driver = match engine {
        Engine::Chromium => {
            capabilities.insert(
                "goog:chromeOptions".into(),
                serde_json::json!({
                    "binary": "/usr/bin/chromium",
                    "args": chromium_args(profile, extra_hosts, secure_origins, checks_certificates),
                    "prefs": prefs,
                }),
            );
            let mut driver = Command::new("/usr/bin/chromedriver");
            driver.arg(format!("--port={port}"));
            driver
        }
        Engine::Firefox => {
            let mut all = firefox_prefs();
            if let serde_json::Value::Object(extra) = prefs {
                all.extend(extra);
            }
            capabilities.insert("browserName".into(), "firefox".into());
            capabilities.insert("acceptInsecureCerts".into(), true.into());
            capabilities.insert(
                "moz:firefoxOptions".into(),
                serde_json::json!({
                    "binary": "/usr/bin/firefox-esr",
                    "args": ["-headless", "--width=1280", "--height=900"],
                    "prefs": all,
                }),
            );
            let mut driver = Command::new(geckodriver_path());
            driver.args(["--port", &port.to_string(), "--log", "fatal"]);
            driver
        }
        Engine::WebKitGtk => {
            capabilities.insert("browserName".into(), "MiniBrowser".into());
            capabilities.insert("acceptInsecureCerts".into(), true.into());
            capabilities.insert(
                "webkitgtk:browserOptions".into(),
                serde_json::json!({
                    "binary": MINIBROWSER,
                    "args": ["--automation"],
                }),
            );
            let mut driver = Command::new("/usr/bin/WebKitWebDriver");
            // Its default host, "local", wants ::1 too, and lab namespaces
            // have no IPv6.
            driver.args([format!("--port={port}"), "--host=127.0.0.1".into()]);
            driver
        }
    };
    (driver, capabilities)
}

/// A phone's screen in CSS pixels (an iPhone 12–15, Lighthouse's mobile
/// profile): width, height.
pub const PHONE_SCREEN: (u32, u32) = (390, 844);

/// Debian's WebKitGTK test browser.
pub const MINIBROWSER: &str = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser";

/// geckodriver as `cargo install` put it (`$CARGO_HOME/bin`, else `~/.cargo/bin`).
pub fn geckodriver_path() -> PathBuf {
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")))
        .unwrap_or_default();
    cargo_home.join("bin/geckodriver")
}

impl Browser {
    pub async fn start() -> Result<Browser> {
        Self::start_with_hosts(&[]).await
    }

    pub async fn start_with_hosts(extra_hosts: &[&str]) -> Result<Browser> {
        Self::start_with(extra_hosts, serde_json::json!({})).await
    }

    /// With Chromium preferences set (`{"webrtc": {"ip_handling_policy": …}}`).
    pub async fn start_with(extra_hosts: &[&str], prefs: serde_json::Value) -> Result<Browser> {
        Self::start_engine(Engine::Chromium, extra_hosts, prefs).await
    }

    /// `engine` with its preferences `prefs` (Chromium's profile
    /// preferences, Firefox's `about:config` names, none for WebKitGTK);
    /// `extra_hosts` are the addresses Chromium may look up.
    pub async fn start_engine(
        engine: Engine,
        extra_hosts: &[&str],
        prefs: serde_json::Value,
    ) -> Result<Browser> {
        Self::launch(engine, extra_hosts, prefs, &[], None).await
    }

    /// Chromium that checks certificates as a phone does, trusting only
    /// the system roots and `root_pem` (a test CA's, put in its NSS store
    /// with certutil): no `--ignore-certificate-errors`.
    pub async fn start_trusting(extra_hosts: &[&str], root_pem: &str) -> Result<Browser> {
        Self::launch(
            Engine::Chromium,
            extra_hosts,
            serde_json::json!({}),
            &[],
            Some(root_pem),
        )
        .await
    }

    /// Chromium that treats `origins` (plain http, such as a lab worker's)
    /// as secure, as https would be in production: the clipboard and the
    /// share sheet exist only in secure contexts.
    pub async fn start_treating_as_secure(
        extra_hosts: &[&str],
        origins: &[String],
    ) -> Result<Browser> {
        Self::launch(
            Engine::Chromium,
            extra_hosts,
            serde_json::json!({}),
            origins,
            None,
        )
        .await
    }

    async fn launch(
        engine: Engine,
        extra_hosts: &[&str],
        prefs: serde_json::Value,
        secure_origins: &[String],
        trusted_root: Option<&str>,
    ) -> Result<Browser> {
        let profile = TempDir::new("browser")?;
        let port = free_port()?;
        let (mut driver, capabilities) = driver_and_capabilities(
            engine,
            port,
            &profile.0,
            extra_hosts,
            prefs,
            secure_origins,
            trusted_root.is_some(),
        );
        if let Some(root_pem) = trusted_root {
            // Chromium on Linux reads its roots from $HOME/.pki/nssdb.
            let home = profile.0.join("home");
            trust_root(&home, root_pem)?;
            driver.env("HOME", &home);
        }
        let display = match engine {
            Engine::WebKitGtk => Some(start_virtual_display().await?),
            _ => None,
        };
        if let Some((xvfb, name)) = &display {
            driver.env("DISPLAY", name);
            if let Some(group) = xvfb.id() {
                driver.process_group(group as i32);
            }
        } else {
            // Its own process group, which the browser joins: ending the
            // group ends the browser too, even when a failed test never
            // closes it.
            driver.process_group(0);
        }
        let driver = driver
            // geckodriver makes Firefox's profile under TMPDIR.
            .env("TMPDIR", &profile.0)
            .env("XDG_CONFIG_HOME", profile.0.join("config"))
            .env("XDG_CACHE_HOME", profile.0.join("cache"))
            .env("XDG_DATA_HOME", profile.0.join("data"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .with_context(|| {
                format!("starting the {engine:?} WebDriver (cargo xtask test installs it)")
            })?;
        let deadline = Instant::now() + Duration::from_secs(20);
        let client = loop {
            let attempt = ClientBuilder::new(HttpConnector::new())
                .capabilities(capabilities.clone())
                .connect(&format!("http://127.0.0.1:{port}"))
                .await;
            match attempt {
                Ok(client) => break client,
                Err(error) if Instant::now() > deadline => {
                    bail!("the {engine:?} WebDriver did not start its browser: {error}")
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
            }
        };
        Ok(Browser {
            client,
            driver,
            display: display.map(|(xvfb, _)| xvfb),
            _profile: profile,
        })
    }

    /// Runs `script` (an async script given `[ms, done]`, which polls in the
    /// page until it calls `done` or `ms` have passed) in one WebDriver
    /// command, with the command's own timeout a little past `within`.
    async fn wait_in_page(&self, script: &str, within: Duration) -> Result<serde_json::Value> {
        self.client
            .update_timeouts(TimeoutConfiguration::new(
                Some(within + Duration::from_secs(5)),
                None,
                None,
            ))
            .await?;
        Ok(self
            .client
            .execute_async(
                script,
                vec![serde_json::Value::from(within.as_millis() as u64)],
            )
            .await?)
    }

    /// Waits for the page to publish its result and parses it with the
    /// schema's own reader (version and every field checked).
    ///
    /// The wait runs inside the page, in one WebDriver command, so the result
    /// is seen within 50 ms of being published.
    pub async fn wait_for_result(&self, within: Duration) -> Result<CheckResult> {
        const WAIT_IN_PAGE: &str = "
            const [ms, done] = arguments;
            const deadline = Date.now() + ms;
            (function check() {
              const e = document.getElementById('doorway-result');
              if (e) return done(e.textContent);
              if (Date.now() > deadline) return done(null);
              setTimeout(check, 50);
            })();";
        let value = self.wait_in_page(WAIT_IN_PAGE, within).await?;
        match value.as_str() {
            Some(text) => CheckResult::from_json(text)
                .context("the published result does not match the schema"),
            None => {
                let body = self.text("body").await.unwrap_or_default();
                bail!("no result within {within:?}; the page shows:\n{body}");
            }
        }
    }

    /// Waits for the quality check after the verdict: its reading
    /// (`good`, `may-stutter`, `will-break` or `not-measured`, as the page
    /// marks it), the words the page shows, and the result it published
    /// then (with the figures, when measured).
    pub async fn wait_for_quality(
        &self,
        within: Duration,
    ) -> Result<(String, String, CheckResult)> {
        const WAIT_IN_PAGE: &str = "
            const [ms, done] = arguments;
            const deadline = Date.now() + ms;
            (function check() {
              const q = document.getElementById('quality');
              const reading = q && q.dataset.quality;
              if (reading && reading !== 'measuring') {
                const result = document.getElementById('doorway-result');
                return done([reading, q.innerText, result ? result.textContent : '']);
              }
              if (Date.now() > deadline) return done(null);
              setTimeout(check, 50);
            })();";
        let value = self.wait_in_page(WAIT_IN_PAGE, within).await?;
        let Some([reading, words, result]) = value.as_array().and_then(|a| {
            let text = |n: usize| a.get(n)?.as_str().map(str::to_owned);
            Some([text(0)?, text(1)?, text(2)?])
        }) else {
            let body = self.text("body").await.unwrap_or_default();
            bail!("no quality reading within {within:?}; the page shows:\n{body}");
        };
        let result = CheckResult::from_json(&result)
            .context("the published result does not match the schema")?;
        Ok((reading, words, result))
    }

    /// The visible text of the first element matching `css`.
    pub async fn text(&self, css: &str) -> Result<String> {
        let value = self
            .client
            .execute(
                "const e = document.querySelector(arguments[0]); return e ? e.innerText : null;",
                vec![serde_json::Value::String(css.into())],
            )
            .await?;
        value
            .as_str()
            .map(str::to_owned)
            .with_context(|| format!("no element {css}"))
    }

    /// A phone's screen, [`PHONE_SCREEN`] CSS pixels with touch (Chromium
    /// only, via the DevTools protocol): the viewport itself, not a window
    /// around it.
    pub async fn phone_screen(&self) -> Result<()> {
        use serde_json::json;
        let (width, height) = PHONE_SCREEN;
        self.cdp(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": width, "height": height, "deviceScaleFactor": 1, "mobile": true }),
        )
        .await?;
        self.cdp(
            "Emulation.setTouchEmulationEnabled",
            json!({ "enabled": true, "maxTouchPoints": 5 }),
        )
        .await?;
        Ok(())
    }

    /// Opens "Details for support" (each port, router, relay), as a person
    /// taps it; nothing when it is open already.
    pub async fn open_details(&self) -> Result<()> {
        let details = self
            .client
            .find(fantoccini::Locator::Css("#details"))
            .await?;
        if details.attr("open").await?.is_none() {
            self.click("#details > summary").await?;
        }
        Ok(())
    }

    /// Waits until an element matching `css` exists, then returns its text.
    pub async fn wait_text(&self, css: &str, within: Duration) -> Result<String> {
        let deadline = Instant::now() + within;
        loop {
            if let Ok(text) = self.text(css).await {
                return Ok(text);
            }
            if Instant::now() > deadline {
                bail!("no element {css} within {within:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Clicks the first element matching `css`.
    pub async fn click(&self, css: &str) -> Result<()> {
        self.client
            .find(fantoccini::Locator::Css(css))
            .await?
            .click()
            .await?;
        Ok(())
    }

    /// Presses "Share result" on a finished check and returns the link.
    pub async fn share_link(&self) -> Result<String> {
        self.click("#share").await?;
        self.client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(fantoccini::Locator::Css("#share-link"))
            .await?
            .prop("value")
            .await?
            .context("the share link has no value")
    }

    /// Waits until an element matching `css` has non-empty text.
    pub async fn wait_until_text(&self, css: &str, within: Duration) -> Result<String> {
        let deadline = Instant::now() + within;
        loop {
            if let Ok(text) = self.text(css).await {
                if !text.trim().is_empty() {
                    return Ok(text);
                }
            }
            if Instant::now() > deadline {
                bail!("{css} stayed empty for {within:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Saves what the browser shows now as `target/screenshots/NAME.png`,
    /// for review.
    pub async fn screenshot(&self, name: &str) -> Result<()> {
        let png = self.client.screenshot().await?;
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/screenshots");
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join(format!("{name}.png")), &png)?;
        anyhow::ensure!(png.starts_with(b"\x89PNG"), "not a PNG screenshot");
        Ok(())
    }

    /// Runs a Chrome DevTools protocol command (through chromedriver's
    /// `goog/cdp/execute`) and returns its result.
    pub async fn cdp(
        &self,
        cmd: &'static str,
        params: serde_json::Value,
    ) -> Result<serde_json::Value> {
        self.client
            .issue_cmd(Cdp { cmd, params })
            .await
            .with_context(|| format!("DevTools command {cmd}"))
    }

    pub async fn close(self) -> Result<()> {
        let client = self.client.clone();
        client.close().await?;
        Ok(())
    }

    /// The id of the process group the driver, its browser (and for
    /// WebKitGTK, the X server) run in: the driver's PID, or Xvfb's.
    pub fn driver_pid(&self) -> Option<u32> {
        match &self.display {
            Some(xvfb) => xvfb.id(),
            None => self.driver.id(),
        }
    }

    /// Ends the driver and every browser process it started, by the
    /// process group they were given.
    fn end_process_group(&mut self) {
        if let Some(group) = self.driver_pid() {
            // SAFETY: killpg has no memory effects; the group is the one
            // set at spawn (the driver's own, or Xvfb's).
            unsafe { libc::killpg(group as libc::pid_t, libc::SIGKILL) };
        }
        let _ = self.driver.start_kill();
        if let Some(xvfb) = &mut self.display {
            let _ = xvfb.start_kill();
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        self.end_process_group();
    }
}

#[derive(Debug)]
struct Cdp {
    cmd: &'static str,
    params: serde_json::Value,
}

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        let body = serde_json::json!({ "cmd": self.cmd, "params": self.params });
        (http::Method::POST, Some(body.to_string()))
    }
}

/// A port that was free a moment ago.
pub fn free_port() -> Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}

/// A folder removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(label: &str) -> Result<TempDir> {
        static COUNTER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("doorway-{label}-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        Ok(TempDir(dir))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
