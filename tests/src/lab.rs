//! Network namespaces with nftables rules: a real firewall between the browser
//! (in this process's namespace) and the worker. Addresses come from
//! 198.18.0.0/15 only, and the namespace drops any other destination.

use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};

use anyhow::{bail, Context, Result};

use crate::browser::{Browser, Engine, TempDir};
use crate::wire::{PathShape, Wire};
use crate::worker::Worker;

/// The page's probe timeout in lab checks: short, as the lab's paths are.
pub const LAB_TIMEOUT_MS: &str = "2000";

/// A namespace holding the server side, joined to ours by a veth pair.
pub struct ServerNamespace {
    pub name: String,
    host_link: String,
    /// Our end of the link.
    pub gateway: String,
    /// The worker's address inside the namespace.
    pub address: String,
    /// A second address in the namespace where nothing listens.
    pub silent_address: String,
}

fn run(args: &[&str]) -> Result<()> {
    let output = Command::new(args[0])
        .args(&args[1..])
        .output()
        .with_context(|| format!("cannot run {}", args[0]))?;
    if !output.status.success() {
        bail!(
            "`{}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(())
}

impl ServerNamespace {
    pub fn create() -> Result<ServerNamespace> {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let pid = std::process::id();
        // A /24 of 198.18.0.0/15 per namespace, chosen from PID and counter.
        let subnet = (pid.wrapping_mul(7).wrapping_add(n * 13)) % 250 + 1;
        let name = format!("dw{pid}s{n}");
        let host_link = format!("dw{pid}h{n}");
        let ns_link = format!("dw{pid}n{n}");
        let gateway = format!("198.18.{subnet}.1");
        let address = format!("198.18.{subnet}.2");
        let silent_address = format!("198.18.{subnet}.3");
        let namespace = ServerNamespace {
            name: name.clone(),
            host_link: host_link.clone(),
            gateway: gateway.clone(),
            address: address.clone(),
            silent_address: silent_address.clone(),
        };
        // From here on, drop cleans up whatever was made.
        run(&["ip", "netns", "add", &name])?;
        run(&[
            "ip", "link", "add", &host_link, "type", "veth", "peer", "name", &ns_link,
        ])?;
        run(&["ip", "link", "set", &ns_link, "netns", &name])?;
        // No IPv6 on our end of the link: its link-local address would finish
        // duplicate address detection a second later, and Chromium takes that
        // address change for a network change and fails pending requests
        // (measured: a dropped port read "refused" after 100-900 ms).
        std::fs::write(
            format!("/proc/sys/net/ipv6/conf/{host_link}/disable_ipv6"),
            "1",
        )
        .context("disabling IPv6 on the lab link")?;
        run(&[
            "ip",
            "addr",
            "add",
            &format!("{gateway}/24"),
            "dev",
            &host_link,
        ])?;
        run(&["ip", "link", "set", &host_link, "up"])?;
        namespace.exec(&[
            "ip",
            "addr",
            "add",
            &format!("{address}/24"),
            "dev",
            &ns_link,
        ])?;
        namespace.exec(&[
            "ip",
            "addr",
            "add",
            &format!("{silent_address}/24"),
            "dev",
            &ns_link,
        ])?;
        namespace.exec(&["ip", "link", "set", &ns_link, "up"])?;
        namespace.exec(&["ip", "link", "set", "lo", "up"])?;
        namespace.nft(GUARD)?;
        Ok(namespace)
    }

    /// Runs a command inside the namespace.
    pub fn exec(&self, args: &[&str]) -> Result<()> {
        ns_exec(&self.name, args)
    }

    /// Loads an nftables ruleset into the namespace.
    pub fn nft(&self, ruleset: &str) -> Result<()> {
        nft_in(&self.name, ruleset)
    }

    /// Drops incoming TCP to `port`, as a silent firewall does.
    pub fn drop_tcp(&self, port: u16) -> Result<()> {
        self.input_rule(&format!("drop_{port}"), &format!("tcp dport {port} drop"))
    }

    /// Rejects incoming TCP to `port` with a reset, as an honest firewall does.
    pub fn reject_tcp(&self, port: u16) -> Result<()> {
        self.input_rule(
            &format!("reject_{port}"),
            &format!("tcp dport {port} reject with tcp reset"),
        )
    }

    /// Drops incoming UDP to `ports` (an nft port or range, e.g. "16500-30000").
    pub fn drop_udp(&self, ports: &str) -> Result<()> {
        let table = ports.replace('-', "_");
        self.input_rule(
            &format!("drop_udp_{table}"),
            &format!("udp dport {ports} drop"),
        )
    }

    /// One rule in an input chain of its own table, so rules add up.
    pub fn input_rule(&self, table: &str, rule: &str) -> Result<()> {
        self.nft(&format!(
            "table inet lab_{table} {{\n  chain input {{\n    type filter hook input priority 0; policy accept;\n    {rule}\n  }}\n}}\n"
        ))
    }
}

impl Drop for ServerNamespace {
    fn drop(&mut self) {
        // Deleting the namespace deletes its end of the veth pair and with it ours.
        let _ = Command::new("ip")
            .args(["netns", "del", &self.name])
            .status();
        let _ = Command::new("ip")
            .args(["link", "del", &self.host_link])
            .output();
    }
}

/// How the router translates addresses on its way out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nat {
    /// Routing only: the server sees the browser's own address.
    None,
    /// Linux `masquerade`: endpoint-independent mapping, ports preserved.
    Masquerade,
    /// `masquerade random`: a new mapping per destination (symmetric NAT).
    MasqueradeRandom,
    /// Random mapping towards the server's second address only:
    /// address-dependent mapping.
    RandomTowardsSecond,
}

/// browser namespace → router namespace → server namespace, like a home
/// network behind its router. The router holds the NAT and firewall rules.
pub struct RouterLab {
    pub browser: String,
    pub router: String,
    pub server: String,
    /// The browser's address on the home side.
    pub browser_address: String,
    /// The router's address on the internet side (what a NAT shows).
    pub router_wan: String,
    /// The worker's main and second address.
    pub server_address: String,
    pub server_second_address: String,
    /// The slow wire between router and server, when the lab has one.
    wire: Option<WireLink>,
}

/// A veth pair made inside `ns`: `local` stays, `peer` moves to `peer_ns`.
fn veth(ns: &str, local: &str, peer: &str, peer_ns: &str) -> Result<()> {
    ns_exec(
        ns,
        &[
            "ip", "link", "add", local, "type", "veth", "peer", "name", peer,
        ],
    )?;
    ns_exec(ns, &["ip", "link", "set", peer, "netns", peer_ns])
}

fn ns_exec(ns: &str, args: &[&str]) -> Result<()> {
    let mut full = vec!["ip", "netns", "exec", ns];
    full.extend_from_slice(args);
    run(&full)
}

/// Turns IPv6 off in a namespace before its links come up (see
/// [`ServerNamespace::create`] for why Chromium cares).
fn no_ipv6(ns: &str) -> Result<()> {
    ns_exec(
        ns,
        &[
            "sh",
            "-c",
            "echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6 && echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6",
        ],
    )
}

fn nft_in(ns: &str, ruleset: &str) -> Result<()> {
    use std::io::Write;
    let mut child = Command::new("ip")
        .args(["netns", "exec", ns, "nft", "-f", "-"])
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .context("cannot run nft (cargo xtask test installs nftables)")?;
    child
        .stdin
        .take()
        .context("nft has no stdin")?
        .write_all(ruleset.as_bytes())?;
    let output = child.wait_with_output()?;
    if !output.status.success() {
        bail!(
            "nft rejected the rules: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(())
}

/// Only lab addresses leave a namespace.
const GUARD: &str = "table inet lab_guard {
  chain output {
    type filter hook output priority 0; policy accept;
    oif lo accept
    ip daddr 198.18.0.0/15 accept
    drop
  }
  chain forward {
    type filter hook forward priority 0; policy accept;
    ip daddr 198.18.0.0/15 accept
    drop
  }
}
";

impl RouterLab {
    pub fn create(nat: Nat) -> Result<RouterLab> {
        Self::create_with_path(nat, None)
    }

    /// With `shape` (delay and loss) on the internet side, between router
    /// and server: a fourth namespace whose two interfaces a user-space
    /// [`Wire`] joins.
    pub fn create_with_path(nat: Nat, shape: Option<PathShape>) -> Result<RouterLab> {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let pid = std::process::id();
        // 198.19.0.0/16 for router labs, a /24 each: home side .0/25, internet side .128/25.
        let subnet = (pid.wrapping_mul(11).wrapping_add(n * 17)) % 250 + 1;
        let net = format!("198.19.{subnet}");
        let mut lab = RouterLab {
            browser: format!("dw{pid}b{n}"),
            router: format!("dw{pid}r{n}"),
            server: format!("dw{pid}s{n}"),
            browser_address: format!("{net}.2"),
            router_wan: format!("{net}.129"),
            server_address: format!("{net}.130"),
            server_second_address: format!("{net}.131"),
            wire: None,
        };
        // From here on, drop removes whatever was made.
        for ns in [&lab.browser, &lab.router, &lab.server] {
            run(&["ip", "netns", "add", ns])?;
            no_ipv6(ns)?;
            ns_exec(ns, &["ip", "link", "set", "lo", "up"])?;
        }
        veth(&lab.router, "lan", "eth0", &lab.browser)?;
        match shape {
            None => veth(&lab.router, "wan", "eth0", &lab.server)?,
            Some(shape) => lab.add_wire(format!("dw{pid}w{n}"), shape)?,
        }

        ns_exec(
            &lab.router,
            &["ip", "addr", "add", &format!("{net}.1/25"), "dev", "lan"],
        )?;
        ns_exec(
            &lab.router,
            &[
                "ip",
                "addr",
                "add",
                &format!("{}/25", lab.router_wan),
                "dev",
                "wan",
            ],
        )?;
        ns_exec(&lab.router, &["ip", "link", "set", "lan", "up"])?;
        ns_exec(&lab.router, &["ip", "link", "set", "wan", "up"])?;
        ns_exec(
            &lab.router,
            &["sh", "-c", "echo 1 > /proc/sys/net/ipv4/ip_forward"],
        )?;

        ns_exec(
            &lab.browser,
            &[
                "ip",
                "addr",
                "add",
                &format!("{}/25", lab.browser_address),
                "dev",
                "eth0",
            ],
        )?;
        ns_exec(&lab.browser, &["ip", "link", "set", "eth0", "up"])?;
        ns_exec(
            &lab.browser,
            &["ip", "route", "add", "default", "via", &format!("{net}.1")],
        )?;

        for address in [&lab.server_address, &lab.server_second_address] {
            ns_exec(
                &lab.server,
                &["ip", "addr", "add", &format!("{address}/25"), "dev", "eth0"],
            )?;
        }
        ns_exec(&lab.server, &["ip", "link", "set", "eth0", "up"])?;
        // Without NAT the server answers the home network through the router.
        ns_exec(
            &lab.server,
            &[
                "ip",
                "route",
                "add",
                &format!("{net}.0/25"),
                "via",
                &lab.router_wan,
            ],
        )?;

        for ns in [&lab.browser, &lab.router, &lab.server] {
            nft_in(ns, GUARD)?;
        }
        let nat_rules = match nat {
            Nat::None => None,
            Nat::Masquerade => Some("oifname \"wan\" masquerade".to_owned()),
            Nat::MasqueradeRandom => Some("oifname \"wan\" masquerade random".to_owned()),
            Nat::RandomTowardsSecond => Some(format!(
                "oifname \"wan\" ip daddr {} masquerade random\n    oifname \"wan\" masquerade",
                lab.server_second_address
            )),
        };
        if let Some(rules) = nat_rules {
            nft_in(
                &lab.router,
                &format!(
                    "table ip lab_nat {{\n  chain postrouting {{\n    type nat hook postrouting priority 100; policy accept;\n    {rules}\n  }}\n}}\n"
                ),
            )?;
        }
        Ok(lab)
    }

    /// router `wan` ↔ `wire_a` [wire namespace] `wire_b` ↔ `eth0` server, the wire
    /// running in this process.
    fn add_wire(&mut self, wire_ns: String, shape: PathShape) -> Result<()> {
        run(&["ip", "netns", "add", &wire_ns])?;
        // Held from here on, so whatever fails next, the namespace goes.
        let namespace = WireNamespace(wire_ns.clone());
        no_ipv6(&wire_ns)?;
        veth(&self.router, "wan", "wire_a", &wire_ns)?;
        veth(&wire_ns, "wire_b", "eth0", &self.server)?;
        for end in ["wire_a", "wire_b"] {
            ns_exec(&wire_ns, &["ip", "link", "set", end, "promisc", "on", "up"])?;
        }
        let wire = std::thread::spawn(move || -> Result<Wire> {
            enter_namespace(&wire_ns)?;
            Wire::start("wire_a", "wire_b", shape)
        })
        .join()
        .map_err(|_| anyhow::anyhow!("the wire's set-up thread panicked"))??;
        self.wire = Some(WireLink {
            _wire: wire,
            _namespace: namespace,
        });
        Ok(())
    }

    /// Adds a rule to the router's forward path (traffic from home to the
    /// internet and back), e.g. `udp dport 16500-30000 drop`.
    pub fn router_rule(&self, table: &str, rule: &str) -> Result<()> {
        nft_in(
            &self.router,
            &format!(
                "table inet lab_{table} {{\n  chain forward {{\n    type filter hook forward priority 0; policy accept;\n    {rule}\n  }}\n}}\n"
            ),
        )
    }

    /// Takes away the rule [`RouterLab::router_rule`] added as `table`.
    pub fn remove_router_rule(&self, table: &str) -> Result<()> {
        nft_in(&self.router, &format!("delete table inet lab_{table}\n"))
    }

    /// Sends the home network's TCP `port` to `to_port` on the router
    /// itself, as a captive portal or a transparent proxy does.
    pub fn redirect_tcp_to_router(&self, port: u16, to_port: u16) -> Result<()> {
        nft_in(
            &self.router,
            &format!(
                "table ip lab_redirect_{port} {{\n  chain prerouting {{\n    type nat hook prerouting priority -100; policy accept;\n    iifname \"lan\" tcp dport {port} redirect to :{to_port}\n  }}\n}}\n"
            ),
        )
    }

    /// A port forward on the router: TCP `port` arriving from the internet
    /// goes to the browser's machine at home.
    pub fn forward_tcp_to_browser(&self, port: u16) -> Result<()> {
        nft_in(
            &self.router,
            &format!(
                "table ip lab_forward_{port} {{\n  chain prerouting {{\n    type nat hook prerouting priority -100; policy accept;\n    iifname \"wan\" tcp dport {port} dnat to {}\n  }}\n}}\n",
                self.browser_address
            ),
        )
    }

    /// A TCP listener on `port` of every router address, for a service the
    /// router itself runs (a captive portal); the calling thread stays put.
    pub fn listen_in_router(&self, port: u16) -> Result<std::net::TcpListener> {
        listen_in(&self.router, port)
    }

    /// A TCP listener on `port` of the server's addresses: a plain service
    /// beside the worker, to time the path with.
    pub fn listen_in_server(&self, port: u16) -> Result<std::net::TcpListener> {
        listen_in(&self.server, port)
    }

    /// Limits what the home network sends to the internet (the upload) to
    /// `rate` (tc's units, e.g. `1mbit`) with the kernel's token bucket
    /// filter, queueing up to `queue` (e.g. `300ms`) before it drops: a
    /// slow upload with a router's buffer in front of it.
    pub fn limit_upload(&self, rate: &str, queue: &str) -> Result<()> {
        ns_exec(
            &self.router,
            &[
                "tc", "qdisc", "add", "dev", "wan", "root", "tbf", "rate", rate, "burst", "4kb",
                "latency", queue,
            ],
        )
    }

    /// A TCP listener on `port` of the browser's machine: a device at home.
    pub fn listen_in_browser(&self, port: u16) -> Result<std::net::TcpListener> {
        listen_in(&self.browser, port)
    }

    /// Moves the calling thread into the browser's namespace: sockets it opens
    /// and processes it starts from then on live there. Use with a
    /// current-thread runtime so every socket is opened on this thread.
    pub fn enter_browser(&self) -> Result<()> {
        enter_namespace(&self.browser)
    }

    /// Like [`RouterLab::enter_browser`], into the router: a client there
    /// has the router's own address, which is not the browser's.
    pub fn enter_router(&self) -> Result<()> {
        enter_namespace(&self.router)
    }

    /// From the browser namespace: the worker in the server namespace (the
    /// lab's page timeout, then `worker_args`) and a Chromium with `prefs`
    /// that may reach both server addresses.
    pub async fn start(
        &self,
        worker_args: &[&str],
        prefs: serde_json::Value,
    ) -> Result<(Worker, Browser)> {
        self.start_engine(Engine::Chromium, worker_args, prefs)
            .await
    }

    /// Like [`RouterLab::start`], in the browser `engine`. The browser also
    /// knows the server by the name [`SERVER_NAME`] (its own `/etc/hosts`),
    /// as a phone knows a real probe host, so TURN over TLS can go to a name.
    pub async fn start_engine(
        &self,
        engine: Engine,
        worker_args: &[&str],
        prefs: serde_json::Value,
    ) -> Result<(Worker, Browser)> {
        self.enter_browser()?;
        resolve_in_this_thread(&[(&self.server_address, SERVER_NAME)])?;
        let mut args = vec!["--probe-timeout-ms", LAB_TIMEOUT_MS];
        args.extend_from_slice(worker_args);
        let worker = Worker::start(Some(&self.server), &self.server_address, &args).await?;
        let browser = Browser::start_engine(
            engine,
            &[
                &self.server_address,
                &self.server_second_address,
                SERVER_NAME,
            ],
            prefs,
        )
        .await?;
        Ok((worker, browser))
    }
}

/// A TCP listener on `port` of every address of namespace `ns`, bound from
/// a thread of its own so the caller's thread stays where it is.
fn listen_in(ns: &str, port: u16) -> Result<std::net::TcpListener> {
    let ns = ns.to_owned();
    std::thread::spawn(move || -> Result<std::net::TcpListener> {
        enter_namespace(&ns)?;
        Ok(std::net::TcpListener::bind(("0.0.0.0", port))?)
    })
    .join()
    .map_err(|_| anyhow::anyhow!("the listener's thread panicked"))?
}

/// The server's name inside the lab (`.test` is reserved for testing).
pub const SERVER_NAME: &str = "probe.doorway.test";

/// Gives the calling thread a mount namespace of its own in which
/// `/etc/hosts` holds `entries` (address, name), so processes it starts
/// resolve those names; the machine's file is untouched.
fn own_hosts_file(dir: &std::path::Path, entries: &[(&str, &str)]) -> Result<()> {
    let mut text = String::from("127.0.0.1 localhost\n");
    for (address, name) in entries {
        text.push_str(&format!("{address} {name}\n"));
    }
    let file = dir.join("hosts");
    std::fs::write(&file, text)?;
    let source = std::ffi::CString::new(file.as_os_str().as_encoded_bytes())?;
    let target = c"/etc/hosts";
    // SAFETY: unshare and mount take valid C strings that outlive the calls;
    // they change only this thread's view of the file system (CLONE_NEWNS
    // unshares the thread's fs as well).
    unsafe {
        if libc::unshare(libc::CLONE_NEWNS) != 0 {
            bail!("unshare(CLONE_NEWNS): {}", std::io::Error::last_os_error());
        }
        // Nothing mounted here may reach the machine's own mounts.
        if libc::mount(
            std::ptr::null(),
            c"/".as_ptr(),
            std::ptr::null(),
            libc::MS_REC | libc::MS_PRIVATE,
            std::ptr::null(),
        ) != 0
        {
            bail!("making / private: {}", std::io::Error::last_os_error());
        }
        if libc::mount(
            source.as_ptr(),
            target.as_ptr(),
            std::ptr::null(),
            libc::MS_BIND,
            std::ptr::null(),
        ) != 0
        {
            bail!(
                "bind-mounting /etc/hosts: {}",
                std::io::Error::last_os_error()
            );
        }
    }
    Ok(())
}

/// From now on the calling thread (and what it starts) resolves the names
/// in `hosts` (address, name) through an `/etc/hosts` of its own, as a phone
/// resolves a real probe host; the machine's file is untouched.
pub fn resolve_in_this_thread(hosts: &[(&str, &str)]) -> Result<()> {
    let dir = TempDir::new("hosts")?;
    // The bind mount keeps the file after the folder goes.
    own_hosts_file(&dir.0, hosts)
}

/// Starts `command` inside namespace `ns`, with an `/etc/hosts` of its own
/// holding `hosts` (address, name): a server there finds others by name as
/// it would through DNS. The caller's thread stays where it is.
pub fn spawn_in_namespace(
    ns: &str,
    hosts: &[(&str, &str)],
    mut command: std::process::Command,
) -> Result<std::process::Child> {
    let ns = ns.to_owned();
    let hosts: Vec<(String, String)> = hosts
        .iter()
        .map(|(address, name)| (address.to_string(), name.to_string()))
        .collect();
    let dir = TempDir::new("hosts")?;
    std::thread::spawn(move || -> Result<std::process::Child> {
        enter_namespace(&ns)?;
        let entries: Vec<(&str, &str)> = hosts
            .iter()
            .map(|(address, name)| (address.as_str(), name.as_str()))
            .collect();
        own_hosts_file(&dir.0, &entries)?;
        // The child keeps the mounted file after the folder goes.
        Ok(command.spawn()?)
    })
    .join()
    .map_err(|_| anyhow::anyhow!("the spawning thread panicked"))?
}

/// Moves the calling thread (only) into the network namespace `ns`.
pub fn enter_namespace(ns: &str) -> Result<()> {
    use std::os::fd::AsRawFd;
    let file = std::fs::File::open(format!("/run/netns/{ns}"))
        .with_context(|| format!("opening the namespace {ns}"))?;
    // SAFETY: setns on a valid namespace fd affects only this thread.
    let result = unsafe { libc::setns(file.as_raw_fd(), libc::CLONE_NEWNET) };
    if result != 0 {
        bail!("setns into {ns}: {}", std::io::Error::last_os_error());
    }
    Ok(())
}

impl Drop for RouterLab {
    fn drop(&mut self) {
        // The wire (its threads, then its namespace) before the rest.
        drop(self.wire.take());
        // Deleting a namespace deletes the veth ends in it, and their peers.
        for ns in [&self.browser, &self.router, &self.server] {
            let _ = Command::new("ip").args(["netns", "del", ns]).status();
        }
    }
}

/// A running wire and its namespace; fields drop in this order, so the
/// threads stop before the namespace goes.
struct WireLink {
    _wire: Wire,
    _namespace: WireNamespace,
}

/// The wire's namespace, removed by its name on drop.
struct WireNamespace(String);

impl Drop for WireNamespace {
    fn drop(&mut self) {
        let _ = Command::new("ip").args(["netns", "del", &self.0]).status();
    }
}
