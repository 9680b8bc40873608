//! Network namespaces with nftables rules: a real firewall between the browser
//! (in this process's namespace) and the worker. Addresses come from
//! 198.18.0.0/15 only, and the namespace drops any other destination.

use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};

use anyhow::{bail, Context, Result};

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
        namespace.nft(
            "table inet lab_guard {
               chain output {
                 type filter hook output priority 0; policy accept;
                 oif lo accept
                 ip daddr 198.18.0.0/15 accept
                 drop
               }
             }",
        )?;
        Ok(namespace)
    }

    /// Runs a command inside the namespace.
    pub fn exec(&self, args: &[&str]) -> Result<()> {
        let mut full = vec!["ip", "netns", "exec", &self.name];
        full.extend_from_slice(args);
        run(&full)
    }

    /// Loads an nftables ruleset into the namespace.
    pub fn nft(&self, ruleset: &str) -> Result<()> {
        use std::io::Write;
        let mut child = Command::new("ip")
            .args(["netns", "exec", &self.name, "nft", "-f", "-"])
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
