//! `cargo xtask`: one entry point that installs what the project needs and
//! runs it. See README.md for the commands.

use std::env;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};
use doorway_core::node::NodeOrigin;

mod edge_assets;
mod glue;

/// Whether `cargo install` keeps to the crate's own lock file.
#[derive(PartialEq)]
enum Locked {
    Yes,
    /// cargo resolves the crate's dependencies anew.
    No,
}

const TRUNK_VERSION: &str = "0.21.14";
/// The toolchain the pages' wasm is built with (and the fuzzers run on).
/// Nightly for one reason:
/// rebuilding std with `panic=immediate-abort` drops the panic machinery
/// (messages, locations, formatting), 12 % of the checker's bytes on the
/// wire. Dated, so that a build next month makes the same bytes.
const WASM_TOOLCHAIN: &str = "nightly-2026-05-20";
/// Debian packages the browser tests, the firewall lab, the interop tests
/// (coturn's STUN and TURN clients), the deploy and the ACME tests use.
const TEST_PACKAGES: &[(&str, &str)] = &[
    ("/usr/bin/chromium", "chromium"),
    ("/usr/bin/chromedriver", "chromium-driver"),
    ("/usr/sbin/nft", "nftables"),
    ("/usr/sbin/ip", "iproute2"),
    ("/usr/bin/turnutils_stunclient", "coturn"),
    ("/usr/bin/firefox-esr", "firefox-esr"),
    ("/usr/bin/WebKitWebDriver", "webkit2gtk-driver"),
    ("/usr/bin/Xvfb", "xvfb"),
    // `doorway install`'s unit is checked with systemd-analyze verify.
    ("/usr/bin/systemd-analyze", "systemd"),
    // The ACME test server the certificate test gets certificates from.
    ("/usr/bin/pebble", "pebble"),
    // certutil: a test browser trusts pebble's root the way a system does.
    ("/usr/bin/certutil", "libnss3-tools"),
];

/// geckodriver (Firefox's WebDriver) is not a Debian package; cargo builds it.
const GECKODRIVER_VERSION: &str = "0.37.1";

/// Builds the edge (edge/) into a Worker bundle, offline with our own
/// wasm-bindgen, wasm-opt and esbuild.
const WORKER_BUILD_VERSION: &str = "0.8.7";
/// The placeholder in edge/wrangler.toml until a real D1 database is named.
const PLACEHOLDER_D1_ID: &str = "00000000-0000-0000-0000-000000000000";
/// Where `cargo xtask edge` serves: the edge, and the probe node beside it.
const LOCAL_EDGE_PORT: u16 = 8787;
const LOCAL_NODE_PORT: u16 = 8081;

/// `cargo fuzz` targets (fuzz/fuzz_targets), each with a committed corpus.
const FUZZ_TARGETS: &[&str] = &[
    "stun_answer",
    "first_bytes",
    "result_json",
    "port_list",
    "fragment",
];
/// Seconds per target in `cargo xtask test`'s smoke run.
const FUZZ_SMOKE_SECONDS: u64 = 10;

const HELP: &str = "\
cargo xtask <command>

  serve [worker flags]  install what is missing, build the app (release) and
                        serve it (default http://127.0.0.1:8080); flags after
                        `serve` go to the worker, e.g. --listen, --port,
                        --public-host, --tls-cert/--tls-key; `serve --help`
                        lists them all
  test                  install what is missing (also Chromium, Firefox ESR,
                        WebKitGTK and their drivers, Xvfb, nftables), then run
                        every check: format, clippy, unit tests, wasm tests in
                        Chromium, end-to-end tests, a short fuzz
  lab                   the firewall lab alone (network namespaces, nftables,
                        NAT; needs root)
  fuzz [--seconds N]    install a nightly toolchain and cargo-fuzz, then fuzz
                        every target for N seconds (default 60) from its
                        committed corpus (fuzz/corpus); see FUZZING.md
  edge [worker flags]   build the app and the edge (Cloudflare Worker, edge/),
                        then run it locally (wrangler dev: workerd, a local
                        D1) on http://127.0.0.1:8787 beside a probe node (the
                        native worker on :8081, given the flags)
  deploy-edge [flags]   build both and run `wrangler deploy` (flags go to
                        wrangler); needs a Cloudflare account, see README.md
  bench [section…]      build for release and print sizes and timings next to
                        their goals; sections: sizes phone ring lab quality stun
                        fairness load (default: all)
";

fn main() -> Result<()> {
    let mut args = env::args_os().skip(1);
    let command = args.next().and_then(|c| c.into_string().ok());
    let rest: Vec<OsString> = args.collect();
    let xtask = Xtask::new()?;
    match command.as_deref() {
        Some("serve") => xtask.serve(rest),
        Some("test") => xtask.test(),
        Some("bench") => xtask.bench(rest),
        Some("edge") => xtask.edge(rest),
        Some("deploy-edge") => xtask.deploy_edge(rest),
        Some("lab") => xtask.lab(),
        Some("fuzz") => xtask.fuzz(&rest),
        Some("-h" | "--help" | "help") | None => {
            print!("{HELP}");
            Ok(())
        }
        Some(other) => bail!("unknown command `{other}`\n\n{HELP}"),
    }
}

/// The flags `serve` hands to the worker; a leading `--` (as in
/// `cargo xtask serve -- --port 9000`) is only a separator.
/// The probe nodes a deploy gives the edge, checked as the edge reads them
/// (`NodeOrigin::parse_list`), so a wrong one stops the deploy here rather
/// than answering every request with 503 `misconfigured` afterwards: the
/// last `--var PROBE_NODES:…` among wrangler's flags, else `[vars]` in
/// wrangler.toml.
fn deploy_probe_nodes(config: &str, wrangler_args: &[OsString]) -> Result<Vec<NodeOrigin>> {
    let given = wrangler_args.iter().rev().find_map(|arg| {
        arg.to_str()?
            .strip_prefix("PROBE_NODES:")
            .map(str::to_owned)
    });
    let listed = match given {
        Some(list) => list,
        None => {
            let config: toml::Table =
                toml::from_str(config).context("edge/wrangler.toml is not valid TOML")?;
            config
                .get("vars")
                .and_then(|vars| vars.get("PROBE_NODES"))
                .and_then(|nodes| nodes.as_str())
                .unwrap_or_default()
                .to_owned()
        }
    };
    let nodes = NodeOrigin::parse_list(&listed).map_err(|error| {
        anyhow::anyhow!(
            "PROBE_NODES: {error}; list the nodes' origins, space-separated, \
             such as https://eu.probe.example.com"
        )
    })?;
    if nodes.is_empty() {
        bail!(
            "no probe nodes: set PROBE_NODES in edge/wrangler.toml ([vars], \
             space-separated origins such as https://eu.probe.example.com) or pass \
             --var PROBE_NODES:https://…"
        );
    }
    Ok(nodes)
}

fn worker_flags(mut args: Vec<OsString>) -> Vec<OsString> {
    if args.first().is_some_and(|a| a == "--") {
        args.remove(0);
    }
    args
}

struct Xtask {
    root: PathBuf,
    /// Where `cargo install` puts binaries.
    cargo_bin: PathBuf,
    /// PATH with cargo's bin folder and node_modules/.bin in front.
    path: OsString,
}

impl Xtask {
    fn new() -> Result<Xtask> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .context("xtask lives inside the workspace")?
            .to_path_buf();
        let cargo_home = env::var_os("CARGO_HOME")
            .map(PathBuf::from)
            .or_else(|| env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
            .context("neither CARGO_HOME nor HOME is set")?;
        let cargo_bin = cargo_home.join("bin");
        let mut dirs = vec![root.join("node_modules/.bin"), cargo_bin.clone()];
        dirs.extend(env::split_paths(&env::var_os("PATH").unwrap_or_default()));
        let path = env::join_paths(dirs).context("a PATH entry contains a separator")?;
        Ok(Xtask {
            root,
            cargo_bin,
            path,
        })
    }

    fn cmd(&self, program: &str) -> Command {
        let mut command = Command::new(program);
        command
            .current_dir(&self.root)
            .env("PATH", &self.path)
            // What worker/build.rs compiles into the binary: the staged copy
            // of dist/, which changes only when a file's bytes do.
            .env("DOORWAY_EMBED_DIST", self.embedded_app_dir());
        command
    }

    fn embedded_app_dir(&self) -> PathBuf {
        self.target_dir().join("embedded-app")
    }

    fn run(&self, command: &mut Command) -> Result<()> {
        eprintln!("xtask: {}", describe(command));
        let status = command
            .status()
            .with_context(|| format!("cannot start `{}`", describe(command)))?;
        if !status.success() {
            bail!("`{}` failed ({status})", describe(command));
        }
        Ok(())
    }

    fn output(&self, program: &str, args: &[&str]) -> Option<String> {
        let output = self.cmd(program).args(args).output().ok()?;
        output
            .status
            .success()
            .then(|| String::from_utf8_lossy(&output.stdout).into_owned())
    }

    // ---- set-up -----------------------------------------------------------

    fn setup_build_tools(&self) -> Result<()> {
        let targets = self
            .output("rustup", &["target", "list", "--installed"])
            .context("rustup is needed to add the wasm32 target")?;
        if !targets
            .lines()
            .any(|t| t.trim() == "wasm32-unknown-unknown")
        {
            self.run(
                self.cmd("rustup")
                    .args(["target", "add", "wasm32-unknown-unknown"]),
            )?;
        }

        self.setup_wasm_toolchain()?;

        self.cargo_install("trunk", "trunk", TRUNK_VERSION, Locked::Yes)?;

        let wanted = self.locked_version("wasm-bindgen")?;
        let have = self
            .output("wasm-bindgen", &["--version"])
            .unwrap_or_default();
        if have.split_whitespace().nth(1) != Some(wanted.as_str()) {
            eprintln!("xtask: installing wasm-bindgen-cli {wanted} (matches Cargo.lock)");
            // Not --locked: the CLI's own lock file pins crates that no longer build.
            self.run(self.cmd("cargo").args([
                "install",
                "wasm-bindgen-cli",
                "--version",
                &wanted,
            ]))?;
        }

        let npm_tools = ["node_modules/.bin/wasm-opt", "node_modules/.bin/esbuild"];
        if !npm_tools.iter().all(|tool| self.root.join(tool).exists()) {
            if self.output("npm", &["--version"]).is_none() {
                self.apt_install(&["npm"])?;
            }
            self.run(self.cmd("npm").args(["ci", "--no-audit", "--no-fund"]))?;
        }
        Ok(())
    }

    /// WASM_TOOLCHAIN with std's source, and std's own dependencies fetched
    /// (Trunk builds offline).
    fn setup_wasm_toolchain(&self) -> Result<()> {
        let toolchains = self
            .output("rustup", &["toolchain", "list"])
            .context("rustup is needed for the wasm toolchain")?;
        if !toolchains.lines().any(|t| t.starts_with(WASM_TOOLCHAIN)) {
            self.run(self.cmd("rustup").args([
                "toolchain",
                "install",
                WASM_TOOLCHAIN,
                "--profile",
                "minimal",
                "--component",
                "rust-src",
            ]))?;
        }
        let sysroot = self
            .output(
                "rustc",
                &[&format!("+{WASM_TOOLCHAIN}"), "--print", "sysroot"],
            )
            .context("the wasm toolchain's rustc does not run")?;
        let library = Path::new(sysroot.trim()).join("lib/rustlib/src/rust/library/Cargo.toml");
        if !library.exists() {
            self.run(self.cmd("rustup").args([
                "component",
                "add",
                "rust-src",
                "--toolchain",
                WASM_TOOLCHAIN,
            ]))?;
        }
        self.run(
            self.cmd("cargo")
                .args([&format!("+{WASM_TOOLCHAIN}"), "fetch", "--manifest-path"])
                .arg(&library),
        )
    }

    fn setup_test_tools(&self) -> Result<()> {
        let missing: Vec<&str> = TEST_PACKAGES
            .iter()
            .filter(|(file, _)| !Path::new(file).exists())
            .map(|(_, package)| *package)
            .collect();
        if !missing.is_empty() {
            self.apt_install(&missing)?;
        }
        // Where the tests look for it (tests/src/browser.rs).
        let geckodriver = self.cargo_bin.join("geckodriver");
        self.cargo_install(
            &geckodriver.to_string_lossy(),
            "geckodriver",
            GECKODRIVER_VERSION,
            Locked::No,
        )?;
        Ok(())
    }

    /// worker-build, and wrangler with workerd and esbuild from npm
    /// (edge/package.json).
    fn setup_edge_tools(&self) -> Result<()> {
        self.cargo_install(
            "worker-build",
            "worker-build",
            WORKER_BUILD_VERSION,
            Locked::Yes,
        )?;
        if !self.wrangler().exists() {
            if self.output("npm", &["--version"]).is_none() {
                self.apt_install(&["npm"])?;
            }
            self.run(
                self.cmd("npm")
                    .args(["ci", "--no-audit", "--no-fund"])
                    .current_dir(self.root.join("edge")),
            )?;
        }
        Ok(())
    }

    fn wrangler(&self) -> PathBuf {
        self.root.join("edge/node_modules/.bin/wrangler")
    }

    /// A nightly toolchain (cargo fuzz needs its sanitizer flags; the pinned
    /// one the pages are built with) and cargo-fuzz.
    fn setup_fuzz_tools(&self) -> Result<()> {
        self.setup_wasm_toolchain()?;
        if self.output("cargo", &["fuzz", "--version"]).is_none() {
            self.run(
                self.cmd("cargo")
                    .args(["install", "--locked", "cargo-fuzz"]),
            )?;
        }
        Ok(())
    }

    /// `cargo install` of `krate` at `version`, unless `program --version`
    /// already names that version.
    fn cargo_install(
        &self,
        program: &str,
        krate: &str,
        version: &str,
        locked: Locked,
    ) -> Result<()> {
        let have = self.output(program, &["--version"]).unwrap_or_default();
        if have.contains(version) {
            return Ok(());
        }
        eprintln!("xtask: installing {krate} {version} (a build, once)");
        let mut install = self.cmd("cargo");
        install.arg("install");
        if locked == Locked::Yes {
            install.arg("--locked");
        }
        self.run(install.args([krate, "--version", version]))
    }

    fn apt_install(&self, packages: &[&str]) -> Result<()> {
        eprintln!("xtask: installing Debian packages {}", packages.join(" "));
        self.run(self.cmd("apt-get").arg("update"))
            .context("apt-get needs root; install the packages by hand otherwise")?;
        self.run(
            self.cmd("apt-get")
                .args(["install", "-y", "--no-install-recommends"])
                .args(packages)
                .env("DEBIAN_FRONTEND", "noninteractive"),
        )
    }

    /// The version Cargo.lock resolved for `package` (wasm-bindgen-cli must match).
    fn locked_version(&self, package: &str) -> Result<String> {
        if !self.root.join("Cargo.lock").exists() {
            self.run(self.cmd("cargo").arg("generate-lockfile"))?;
        }
        let lock =
            std::fs::read_to_string(self.root.join("Cargo.lock")).context("reading Cargo.lock")?;
        let needle = format!("name = \"{package}\"\nversion = \"");
        let start = lock
            .find(&needle)
            .with_context(|| format!("{package} is not in Cargo.lock"))?
            + needle.len();
        let end = lock[start..].find('"').context("Cargo.lock is malformed")?;
        Ok(lock[start..start + end].to_owned())
    }

    // ---- builds -----------------------------------------------------------

    fn build_app(&self) -> Result<()> {
        self.setup_build_tools()?;
        // Trunk builds offline; everything must be downloaded first.
        self.run(self.cmd("cargo").arg("fetch"))?;
        // The checker into dist/, then two more, separate apps: the
        // shared-result viewer into dist/viewer/ (the worker serves it at
        // /r/…) and the vendors' page into dist/vendors/ (at /embed).
        self.run(self.trunk().args(["build", "--release"]))?;
        for app in ["viewer", "vendors"] {
            self.run(
                self.trunk()
                    .args(["build", &format!("frontend/{app}.html"), "--release"])
                    .args(["--dist", &format!("dist/{app}")])
                    .args(["--public-url", &format!("/{app}/")]),
            )?;
        }
        let dist = self.root.join("dist");
        let (wasm_opt, esbuild) = (
            self.root.join("node_modules/.bin/wasm-opt"),
            self.root.join("node_modules/.bin/esbuild"),
        );
        let tools = glue::Tools {
            wasm_opt: &wasm_opt,
            esbuild: &esbuild,
        };
        for page in [dist.clone(), dist.join("viewer"), dist.join("vendors")] {
            let shrunk = glue::shrink(&page, &tools)
                .with_context(|| format!("shrinking the glue of {}", page.display()))?;
            eprintln!(
                "xtask: {}: glue {} → {} bytes, wasm {} → {} bytes (names minified)",
                page.display(),
                shrunk.js.0,
                shrunk.js.1,
                shrunk.wasm.0,
                shrunk.wasm.1
            );
        }
        // Brotli and gzip copies of every file, so the worker sends
        // compressed bytes without compressing per request.
        let count = doorway_precompress::precompress_dir(&dist)
            .with_context(|| format!("compressing the files in {}", dist.display()))?;
        eprintln!("xtask: compressed {count} files in {}", dist.display());
        // The binary carries the app. Trunk rewrites every file on each
        // build; staging only what changed keeps the worker from being
        // rebuilt when the app is not.
        let staged = sync_dir(&dist, &self.embedded_app_dir())
            .context("staging the app for the worker's binary")?;
        if staged > 0 {
            eprintln!("xtask: {staged} changed files of the app staged for the binary");
        }
        self.run(
            self.cmd("cargo")
                .args(["build", "--release", "-p", "doorway-worker"]),
        )
    }

    /// The edge's Worker bundle (edge/build/), after the app, and its static
    /// assets: dist/ as the platform serves it (edge/build/assets).
    fn build_edge(&self) -> Result<()> {
        self.setup_edge_tools()?;
        let edge = self.root.join("edge");
        self.run(
            self.cmd("worker-build")
                .arg("--release")
                .current_dir(&edge)
                .env("WASM_BINDGEN_BIN", self.cargo_bin.join("wasm-bindgen"))
                .env("WASM_OPT_BIN", self.root.join("node_modules/.bin/wasm-opt"))
                .env("ESBUILD_BIN", edge.join("node_modules/.bin/esbuild")),
        )?;
        let assets = edge.join("build/assets");
        let copied = edge_assets::stage(&self.root.join("dist"), &assets)?;
        eprintln!(
            "xtask: {copied} files of the app and their _headers in {}",
            assets.display()
        );
        Ok(())
    }

    /// Trunk, building offline with WASM_TOOLCHAIN: std rebuilt for size,
    /// panics an immediate trap. Its own target folder, so these flags never
    /// rebuild the stable wasm the tests use, and back.
    fn trunk(&self) -> Command {
        let mut command = self.cmd("trunk");
        command
            .env("TRUNK_OFFLINE", "true")
            .env("TRUNK_SKIP_VERSION_CHECK", "true")
            .env("RUSTUP_TOOLCHAIN", WASM_TOOLCHAIN)
            .env("CARGO_UNSTABLE_BUILD_STD", "std,panic_abort")
            .env("CARGO_UNSTABLE_BUILD_STD_FEATURES", "optimize_for_size")
            .env("RUSTFLAGS", "-Zunstable-options -Cpanic=immediate-abort")
            .env("CARGO_TARGET_DIR", self.target_dir().join("wasm-pages"));
        command
    }

    /// cargo, with what the end-to-end crate needs to find the built app.
    fn e2e_cargo(&self) -> Command {
        let mut command = self.cmd("cargo");
        command
            .env("DOORWAY_BIN", self.worker_bin())
            .env("DOORWAY_DIST", self.root.join("dist"))
            .env("DOORWAY_EDGE", self.root.join("edge"))
            .env("DOORWAY_WRANGLER", self.wrangler());
        command
    }

    fn worker_bin(&self) -> PathBuf {
        self.target_dir().join("release/doorway")
    }

    fn target_dir(&self) -> PathBuf {
        env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| self.root.join("target"))
    }

    // ---- commands ---------------------------------------------------------

    fn serve(&self, worker_args: Vec<OsString>) -> Result<()> {
        let worker_args = worker_flags(worker_args);
        // `serve --help`: the worker's flags, without building the app.
        if worker_args.iter().any(|a| a == "--help" || a == "-h") {
            self.run(
                self.cmd("cargo")
                    .args(["run", "--quiet", "--release", "-p", "doorway-worker", "--"])
                    .arg("--help"),
            )?;
            return Ok(());
        }
        self.build_app()?;
        let mut command = self.cmd(
            self.worker_bin()
                .to_str()
                .context("target path is not UTF-8")?,
        );
        // The app is in the binary (built above); no --dist.
        command.args(worker_args);
        self.run(&mut command)
    }

    fn test(&self) -> Result<()> {
        self.build_app()?;
        self.build_edge()?;
        self.setup_test_tools()?;
        self.run(self.cmd("cargo").args(["fmt", "--all", "--check"]))?;
        self.run(self.cmd("cargo").args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]))?;
        // The API crate also runs in a Workers isolate (the edge): it must
        // build for wasm32, with no tokio and no clock.
        self.run(self.cmd("cargo").args([
            "clippy",
            "-p",
            "doorway-api",
            "--target",
            "wasm32-unknown-unknown",
            "--",
            "-D",
            "warnings",
        ]))?;
        self.run(
            self.cmd("cargo")
                .args(["test", "--workspace", "--exclude", "doorway-e2e"]),
        )?;
        // chromedriver makes a browser profile in TMPDIR for each test binary
        // and leaves it there (10-50 MB each): give it a folder we remove.
        let browser_tmp = self.target_dir().join("wasm-test-browser");
        std::fs::create_dir_all(&browser_tmp)?;
        let wasm_tests = self.run(
            self.cmd("cargo")
                .args([
                    "test",
                    "--target",
                    "wasm32-unknown-unknown",
                    "-p",
                    "doorway-core",
                    "-p",
                    "doorway-frontend",
                ])
                .env("CHROMEDRIVER", "/usr/bin/chromedriver")
                .env("WASM_BINDGEN_TEST_TIMEOUT", "60")
                .env("TMPDIR", &browser_tmp),
        );
        if let Err(error) = std::fs::remove_dir_all(&browser_tmp) {
            eprintln!("xtask: {} stays: {error}", browser_tmp.display());
        }
        wasm_tests?;
        self.run(
            self.e2e_cargo()
                .args(["test", "-p", "doorway-e2e", "--", "--test-threads=1"]),
        )?;
        // A short smoke of every fuzz target; the long runs are in FUZZING.md.
        self.run_fuzz_targets(FUZZ_SMOKE_SECONDS)
    }

    fn fuzz(&self, args: &[OsString]) -> Result<()> {
        let seconds = match args {
            [] => 60,
            [flag, value] if flag == "--seconds" => value
                .to_str()
                .and_then(|v| v.parse().ok())
                .filter(|&n: &u64| n > 0)
                .context("--seconds needs a whole number above 0")?,
            _ => bail!("usage: cargo xtask fuzz [--seconds N]"),
        };
        self.run_fuzz_targets(seconds)
    }

    /// Every target for `seconds`. New inputs go to a scratch folder, so the
    /// committed corpus changes only when someone minimises into it.
    fn run_fuzz_targets(&self, seconds: u64) -> Result<()> {
        self.setup_fuzz_tools()?;
        for target in FUZZ_TARGETS {
            let scratch = self.root.join("fuzz/target/scratch-corpus").join(target);
            std::fs::create_dir_all(&scratch)
                .with_context(|| format!("creating {}", scratch.display()))?;
            self.run(
                self.cmd("cargo")
                    .args([&format!("+{WASM_TOOLCHAIN}"), "fuzz", "run", target])
                    .arg(&scratch)
                    .arg(self.root.join("fuzz/corpus").join(target))
                    .args(["--", &format!("-max_total_time={seconds}")]),
            )?;
        }
        Ok(())
    }

    /// The edge under local workerd beside a native probe node, until
    /// Ctrl-C (which reaches both: they share the terminal's process group).
    fn edge(&self, node_args: Vec<OsString>) -> Result<()> {
        self.build_app()?;
        self.build_edge()?;
        let edge_origin = format!("http://127.0.0.1:{LOCAL_EDGE_PORT}");
        let node_origin = format!("http://127.0.0.1:{LOCAL_NODE_PORT}");
        let mut node = self
            .cmd(
                self.worker_bin()
                    .to_str()
                    .context("target path is not UTF-8")?,
            )
            .args(["--port", &LOCAL_NODE_PORT.to_string()])
            .args(["--app-origin", &edge_origin])
            .args(worker_flags(node_args))
            .spawn()
            .context("starting the probe node")?;
        eprintln!("xtask: the edge at {edge_origin}, its probe node at {node_origin}");
        let edge = self.run(
            Command::new(self.wrangler())
                .current_dir(self.root.join("edge"))
                .env("WRANGLER_SEND_METRICS", "false")
                .args(["dev", "--ip", "127.0.0.1"])
                .args(["--port", &LOCAL_EDGE_PORT.to_string()])
                .args(["--var", &format!("PROBE_NODES:{node_origin}")]),
        );
        // By the PID it was started with.
        let _ = node.kill();
        let _ = node.wait();
        edge
    }

    /// `wrangler deploy` of the built edge, once the configuration names a
    /// real D1 database and the probe nodes.
    fn deploy_edge(&self, wrangler_args: Vec<OsString>) -> Result<()> {
        let config_path = self.root.join("edge/wrangler.toml");
        let config = std::fs::read_to_string(&config_path)
            .with_context(|| format!("reading {}", config_path.display()))?;
        let args = worker_flags(wrangler_args);
        if config.contains(PLACEHOLDER_D1_ID) {
            bail!(
                "edge/wrangler.toml names no D1 database yet: run \
                 `edge/node_modules/.bin/wrangler d1 create doorway-results` (after \
                 `cargo xtask edge` or `npm ci` in edge/) and put the id it prints in \
                 database_id (see README.md, \"The edge\")"
            );
        }
        let nodes = deploy_probe_nodes(&config, &args)?;
        eprintln!(
            "xtask: the edge's probe nodes: {}",
            nodes
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(" ")
        );
        self.build_app()?;
        self.build_edge()?;
        self.run(
            Command::new(self.wrangler())
                .current_dir(self.root.join("edge"))
                .arg("deploy")
                .args(args),
        )
    }

    fn lab(&self) -> Result<()> {
        self.build_app()?;
        self.setup_test_tools()?;
        self.run(self.e2e_cargo().args([
            "test",
            "-p",
            "doorway-e2e",
            "--test",
            "lab",
            "--",
            "--test-threads=1",
        ]))
    }

    fn bench(&self, sections: Vec<OsString>) -> Result<()> {
        self.build_app()?;
        self.setup_test_tools()?;
        // Release: the load generator must not be the bottleneck it measures.
        self.run(
            self.e2e_cargo()
                .args([
                    "run",
                    "--release",
                    "-p",
                    "doorway-e2e",
                    "--bin",
                    "bench",
                    "--",
                ])
                .args(sections),
        )
    }
}

/// Makes `to` hold exactly what `from` holds, writing only files whose bytes
/// differ (so their modification times say what changed). Returns how many
/// files it wrote or removed.
fn sync_dir(from: &Path, to: &Path) -> Result<usize> {
    std::fs::create_dir_all(to).with_context(|| format!("creating {}", to.display()))?;
    let mut changed = 0;
    let mut wanted = std::collections::HashSet::new();
    for entry in std::fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let entry = entry?;
        let (source, target) = (entry.path(), to.join(entry.file_name()));
        wanted.insert(entry.file_name());
        if entry.file_type()?.is_dir() {
            changed += sync_dir(&source, &target)?;
            continue;
        }
        let bytes =
            std::fs::read(&source).with_context(|| format!("reading {}", source.display()))?;
        if std::fs::read(&target).ok().as_deref() != Some(bytes.as_slice()) {
            std::fs::write(&target, &bytes)
                .with_context(|| format!("writing {}", target.display()))?;
            changed += 1;
        }
    }
    for entry in std::fs::read_dir(to)? {
        let entry = entry?;
        if !wanted.contains(&entry.file_name()) {
            let path = entry.path();
            if entry.file_type()?.is_dir() {
                std::fs::remove_dir_all(&path)?;
            } else {
                std::fs::remove_file(&path)?;
            }
            changed += 1;
        }
    }
    Ok(changed)
}

fn describe(command: &Command) -> String {
    let mut text = command.get_program().to_string_lossy().into_owned();
    for arg in command.get_args() {
        text.push(' ');
        text.push_str(&arg.to_string_lossy());
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_leading_double_dash_is_only_a_separator() {
        let flags = |args: &[&str]| {
            worker_flags(args.iter().map(OsString::from).collect())
                .into_iter()
                .map(|a| a.into_string().unwrap())
                .collect::<Vec<_>>()
        };
        assert_eq!(flags(&["--", "--help"]), ["--help"]);
        assert_eq!(flags(&["--port", "9000"]), ["--port", "9000"]);
        assert_eq!(flags(&["--port", "--", "x"]), ["--port", "--", "x"]);
    }

    #[test]
    fn a_deploy_needs_probe_nodes_the_edge_can_read() {
        let shipped = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../edge/wrangler.toml"
        ))
        .expect("edge/wrangler.toml");
        let args = |list: &[&str]| list.iter().map(OsString::from).collect::<Vec<_>>();
        let nodes = |config: &str, given: &[&str]| {
            deploy_probe_nodes(config, &args(given))
                .map(|nodes| nodes.iter().map(ToString::to_string).collect::<Vec<_>>())
                .map_err(|e| e.to_string())
        };
        // As shipped: none yet.
        let none = nodes(&shipped, &[]).expect_err("no nodes");
        assert!(none.contains("no probe nodes"), "{none}");
        // Given on the command line; the last one counts, as for wrangler.
        assert_eq!(
            nodes(
                &shipped,
                &[
                    "--var",
                    "PROBE_NODES:http://x.example",
                    "--var",
                    "PROBE_NODES:https://eu.probe.example.com https://us.probe.example.com"
                ]
            ),
            Ok(vec![
                "https://eu.probe.example.com".to_owned(),
                "https://us.probe.example.com".to_owned()
            ])
        );
        // Or in [vars]; a host without its scheme is refused with the reason.
        let listed = shipped.replace(
            "PROBE_NODES = \"\"",
            "PROBE_NODES = \"eu.probe.example.com\"",
        );
        assert_ne!(listed, shipped, "the shipped file lists PROBE_NODES");
        let wrong = nodes(&listed, &[]).expect_err("not an origin");
        assert!(
            wrong.contains("\"eu.probe.example.com\" is not an origin"),
            "{wrong}"
        );
        let wrong =
            nodes(&shipped, &["--var", "PROBE_NODES:https://a.example:0"]).expect_err("port 0");
        assert!(wrong.contains("port"), "{wrong}");
    }
}
