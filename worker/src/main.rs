//! `doorway`: the worker binary.

use std::collections::BTreeSet;
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use clap::Parser;
use doorway_core::api::{ConfigResponse, NatServers, ProbeConfig};
use doorway_core::node::NodeOrigin;
use doorway_core::plan::ServedPorts;
use doorway_core::profile::builtin_profiles;
use doorway_core::PortList;
use doorway_core::{Profile, Protocol};
use doorway_worker::acme::AcmeSetup;
use doorway_worker::admission::{raise_open_file_limit, Admission, ConnectionCaps};
use doorway_worker::app_files::AppFiles;
use doorway_worker::firewall::{nft_ruleset, OpenPorts};
use doorway_worker::install;
use doorway_worker::knock::Knocker;
use doorway_worker::limit::RateLimit;
use doorway_worker::metrics::Metrics;
use doorway_worker::networks::Networks;
use doorway_worker::ports::{
    bind_tcp, bind_udp, profile_ports, RANGE_SAMPLE, SECOND_STUN_PORT, STUN_PORT,
};
use doorway_worker::routes::{app_router, probe_router, AppState, TurnService};
use doorway_worker::security::SecurityPolicy;
use doorway_worker::server::{serve_until, Endpoint, SHUTDOWN_GRACE};
use doorway_worker::shell::CHECKER_PAGE;
use doorway_worker::store::{Store, StoreLimits};
use doorway_worker::tls::Tls;
use doorway_worker::turn::{
    random_secret, reload_certificate, write_pem, Turn, TurnSetup, RELAY_PORTS,
};

/// Extra ports beyond the profiles' are for a few vendor ports, not a range scan.
const MAX_EXTRA_PORTS: u32 = 256;

#[derive(Debug, Parser)]
#[command(
    name = "doorway",
    version,
    about = "Doorway's worker: the app, its API and the probe ports."
)]
struct Args {
    #[command(subcommand)]
    command: Option<Command>,
    /// Address to listen on; repeat it for several (an IPv4 and an IPv6
    /// address). Every port is served on each, or on none.
    #[arg(long, default_value = "127.0.0.1")]
    listen: Vec<IpAddr>,
    /// Port of the app and its API.
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// A second address of this host: STUN on it lets the page tell
    /// address-dependent NAT mapping from endpoint-independent.
    #[arg(long)]
    second_address: Option<IpAddr>,
    /// Host name the browser sends probes to (as in the certificate); default:
    /// the host the page was loaded from.
    #[arg(long)]
    public_host: Option<String>,
    /// PEM certificate chain for TLS on every port (with --tls-key). Without
    /// it a self-signed certificate is generated.
    #[arg(long, requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// PEM private key for --tls-cert.
    #[arg(long, requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Get the certificate from an ACME CA (Let's Encrypt by default) for
    /// this name, proven on port 443 (TLS-ALPN-01), kept in --data-dir and
    /// renewed while running. Repeat it for several names. Asking for one is
    /// agreeing to the CA's terms.
    #[arg(long = "acme-domain", value_name = "NAME", conflicts_with = "tls_cert")]
    acme_domains: Vec<String>,
    /// The ACME CA's directory URL.
    #[arg(long, default_value = doorway_worker::acme::LETS_ENCRYPT, value_name = "URL")]
    acme_directory: String,
    /// An e-mail address the CA may write to about the certificate.
    #[arg(long, value_name = "EMAIL")]
    acme_contact: Option<String>,
    /// The root (PEM) the ACME CA's own API is served under, when it is not
    /// a public one (a test CA).
    #[arg(long, value_name = "FILE")]
    acme_ca_root: Option<PathBuf>,
    /// The built app (Trunk's dist folder) to serve instead of the copy
    /// compiled into this binary.
    #[arg(long, value_name = "DIR")]
    dist: Option<PathBuf>,
    /// A probe node's origin (https://eu.probe.example.com): listed in
    /// /api/config, so the page may probe it instead of this server.
    /// Repeat for several; the page takes whichever answers first.
    #[arg(long = "probe-node", value_name = "ORIGIN", value_parser = parse_origin)]
    probe_nodes: Vec<NodeOrigin>,
    /// Be a probe node for the checker served at ORIGIN: its pages may use
    /// this worker's API (CORS); this worker then serves no app and keeps
    /// no results. Repeat for several.
    #[arg(long = "app-origin", value_name = "ORIGIN", value_parser = parse_origin)]
    app_origins: Vec<NodeOrigin>,
    /// More TCP ports to serve probes on, e.g. 8443,40000-40010.
    #[arg(long, value_parser = parse_port_list)]
    tcp_ports: Option<PortList>,
    /// More UDP ports to answer STUN on, e.g. 3479,50000.
    #[arg(long, value_parser = parse_port_list)]
    udp_ports: Option<PortList>,
    /// How many ports of a large range (UDP 16500-65000) to serve, edges included.
    #[arg(long, default_value_t = RANGE_SAMPLE, value_parser = parse_sample)]
    range_sample: usize,
    /// UDP and TCP port of the TURN relay (coturn).
    #[arg(long, default_value_t = 3480)]
    turn_port: u16,
    /// TLS port of the TURN relay.
    #[arg(long, default_value_t = 5349)]
    turn_tls_port: u16,
    /// Run without a TURN relay.
    #[arg(long)]
    no_turn: bool,
    /// coturn's server binary.
    #[arg(long, default_value = "turnserver")]
    turnserver: PathBuf,
    /// Let coturn relay to this host's own addresses (nothing else), so the
    /// quality check can stream through the relay where only the relay gets
    /// through. Off by default: relayed traffic then reaches every UDP
    /// service listening on those addresses as if it came from the host
    /// itself; turn it on where the host runs nothing else on UDP.
    #[arg(long)]
    quality_through_relay: bool,
    /// Who may frame the embed view (`?embed=1`): CSP frame-ancestors
    /// sources, e.g. "https://support.example.com". Other pages are never framed.
    #[arg(long, default_value = "*")]
    embed_ancestors: String,
    /// Keep no shared results: the page puts results in the link instead.
    #[arg(long)]
    no_store: bool,
    /// Do not check inbound ports from outside (POST /api/knock answers 503).
    #[arg(long)]
    no_inbound: bool,
    /// Let checks from outside knock on private, loopback and test ranges
    /// (a lab only: on the internet a client's address is public).
    #[arg(long)]
    inbound_allow_private: bool,
    /// An IP-to-ASN database (MaxMind DB: GeoLite2 ASN, DB-IP ASN Lite; add
    /// GeoIP2 Connection-Type for the kind of network). Repeat it to merge
    /// several: support sees which network a check ran on, and the page
    /// warns a phone on mobile data.
    #[arg(long = "asn-db", value_name = "FILE")]
    asn_db: Vec<PathBuf>,
    /// How many days shared results are kept.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3650))]
    result_days: u64,
    /// Disk for shared results, in MB of result JSON; when full, new results
    /// are refused (507) and the page puts them in the link instead.
    #[arg(long, default_value_t = 1024, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    store_max_mb: u64,
    /// How many shared results are kept at most.
    #[arg(long, default_value_t = 1_000_000, value_parser = clap::value_parser!(u64).range(1..))]
    store_max_results: u64,
    /// How many results one address may share per 10 minutes.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..))]
    share_limit: u32,
    /// How log lines are written: text for a terminal, json (one object a
    /// line) for a log collector.
    #[arg(long, value_enum, default_value = "text")]
    log_format: LogFormat,
    /// Folder for the worker's files (shared results, the ACME certificate,
    /// coturn's state). Default: $STATE_DIRECTORY (systemd), else
    /// /var/lib/doorway as root, else $XDG_STATE_HOME/doorway
    /// (~/.local/state/doorway).
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// How long the page waits for one probe before calling it filtered.
    #[arg(long, default_value_t = 3000, value_parser = clap::value_parser!(u32).range(500..=30_000))]
    probe_timeout_ms: u32,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Install this binary, the built app (--dist) and a sandboxed systemd
    /// unit (/etc/systemd/system/doorway.service) under --root. The worker's
    /// flags for the unit follow `--`, e.g. `doorway --dist dist install --
    /// --listen 203.0.113.10 --port 443`. Then: systemctl enable --now doorway.
    Install {
        /// Where the file system starts.
        #[arg(long, default_value = "/")]
        root: PathBuf,
        /// The worker's flags in the unit (--dist and --data-dir are fixed).
        #[arg(last = true)]
        flags: Vec<String>,
    },
    /// Print the nftables ruleset for a host that runs only Doorway: every
    /// port this worker would serve with the flags given before
    /// `firewall`, and SSH; the rest dropped. Load it with `nft -f`.
    Firewall {
        /// The SSH port to keep open.
        #[arg(long, default_value_t = 22)]
        ssh_port: u16,
    },
    /// Write brotli and gzip copies (`file.br`, `file.gz`) next to every
    /// text file of a built app, so the worker never compresses per request.
    Precompress {
        /// The built app's folder.
        dist: PathBuf,
    },
}

/// Where the worker keeps its files when `--data-dir` is not given, the same
/// wherever it is started from: the folder systemd made for it
/// (`StateDirectory=`), the system's state folder as root, else the user's.
fn default_data_dir(
    env: impl Fn(&str) -> Option<std::ffi::OsString>,
    euid: u32,
) -> Option<PathBuf> {
    let set = |name: &str| {
        env(name)
            .filter(|value| !value.is_empty())
            .map(PathBuf::from)
    };
    if let Some(dir) = set("STATE_DIRECTORY") {
        // systemd may list several, separated by colons; the first is ours.
        let first = dir.to_string_lossy().split(':').next().map(PathBuf::from);
        return first;
    }
    if euid == 0 {
        return Some(PathBuf::from("/var/lib/doorway"));
    }
    set("XDG_STATE_HOME")
        .or_else(|| set("HOME").map(|home| home.join(".local/state")))
        .map(|state| state.join("doorway"))
}

/// The unit's flags must start a worker: a typo fails now, not at boot.
fn check_unit_flags(flags: &[String]) -> anyhow::Result<()> {
    if let Some(fixed) = flags.iter().find(|f| {
        ["--dist", "--data-dir"]
            .iter()
            .any(|name| f.as_str() == *name || f.starts_with(&format!("{name}=")))
    }) {
        anyhow::bail!("{fixed} is fixed by the installation; leave it out");
    }
    let parsed =
        Args::try_parse_from(std::iter::once("doorway").chain(flags.iter().map(String::as_str)))
            .context("the flags for the unit")?;
    if parsed.command.is_some() {
        anyhow::bail!("the flags for the unit name a command; give only the worker's flags");
    }
    Ok(())
}

/// The probe ports (TCP) and STUN ports (UDP) these flags ask for.
fn wanted_ports(args: &Args, profiles: &[Profile]) -> (BTreeSet<u16>, BTreeSet<u16>) {
    let extra = |list: &Option<PortList>| -> Vec<u16> {
        list.iter()
            .flat_map(|l| l.ranges().iter().flat_map(|r| r.ports()))
            .collect()
    };
    let mut tcp = profile_ports(profiles, Protocol::Tcp, args.range_sample);
    tcp.extend(extra(&args.tcp_ports));
    let mut udp = profile_ports(profiles, Protocol::Udp, args.range_sample);
    udp.extend([STUN_PORT, SECOND_STUN_PORT]);
    udp.extend(extra(&args.udp_ports));
    (tcp, udp)
}

/// Every port a worker started with `args` serves: the app, the probes,
/// STUN, and unless `--no-turn` the relay (its ports and the range it
/// relays on); and SSH.
fn open_ports(args: &Args, profiles: &[Profile], ssh_port: u16) -> OpenPorts {
    let (mut tcp, mut udp) = wanted_ports(args, profiles);
    tcp.extend([args.port, ssh_port]);
    let mut udp_ranges = Vec::new();
    if !args.no_turn {
        tcp.extend([args.turn_port, args.turn_tls_port]);
        udp.insert(args.turn_port);
        udp_ranges.push(RELAY_PORTS);
    }
    OpenPorts {
        tcp,
        udp,
        udp_ranges,
    }
}

fn parse_sample(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(n) if (2..=64).contains(&n) => Ok(n),
        _ => Err(format!("\"{text}\" is not a sample size from 2 to 64")),
    }
}

fn parse_origin(text: &str) -> Result<NodeOrigin, String> {
    NodeOrigin::parse(text).map_err(|error| error.to_string())
}

fn parse_port_list(text: &str) -> Result<PortList, String> {
    let list: PortList = text
        .parse()
        .map_err(|e: doorway_core::PortListError| e.to_string())?;
    if list.port_count() > MAX_EXTRA_PORTS {
        return Err(format!(
            "{} ports is too many; at most {MAX_EXTRA_PORTS} extra ports",
            list.port_count()
        ));
    }
    Ok(list)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    // Logs on stderr, the serving banner on stdout: a collector reading
    // JSON lines gets only JSON.
    let logs = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(tracing::Level::INFO)
        .with_target(false);
    match args.log_format {
        LogFormat::Text => logs.init(),
        // One JSON object per line, for journald or a log collector.
        LogFormat::Json => logs.json().flatten_event(true).init(),
    }
    match &args.command {
        Some(Command::Precompress { dist }) => {
            let count = doorway_precompress::precompress_dir(dist)
                .with_context(|| format!("compressing the files in {}", dist.display()))?;
            println!("compressed {count} files in {}", dist.display());
            return Ok(());
        }
        Some(Command::Install { root, flags }) => {
            check_unit_flags(flags)?;
            let exe = std::env::current_exe().context("finding this binary")?;
            for written in install::install(root, &exe, args.dist.as_deref(), flags)? {
                println!("  {}", written.display());
            }
            println!("installed; start it with: systemctl daemon-reload && systemctl enable --now doorway");
            return Ok(());
        }
        Some(Command::Firewall { ssh_port }) => {
            let profiles = builtin_profiles().context("the built-in profiles are broken")?;
            print!("{}", nft_ruleset(&open_ports(&args, &profiles, *ssh_port)));
            return Ok(());
        }
        None => {}
    }
    // Before any socket is opened: every connection is a file.
    let open_files = raise_open_file_limit().unwrap_or_else(|error| {
        tracing::warn!(%error, "cannot read the open-file limit; assuming 1024");
        1024
    });
    let caps = ConnectionCaps::from_open_files(open_files);
    let profiles = builtin_profiles().context("the built-in profiles are broken")?;
    let data_dir = match &args.data_dir {
        Some(dir) => dir.clone(),
        // SAFETY: geteuid only reads the process's credentials.
        None => default_data_dir(|name| std::env::var_os(name), unsafe { libc::geteuid() })
            .context("no folder for the worker's files: give --data-dir")?,
    };

    let acme = (!args.acme_domains.is_empty()).then(|| AcmeSetup {
        names: args.acme_domains.clone(),
        directory: args.acme_directory.clone(),
        contact: args.acme_contact.clone(),
        ca_root: args.acme_ca_root.clone(),
        dir: data_dir.join("acme"),
    });
    // A certificate kept from an earlier run is used at once; without one the
    // worker starts self-signed and swaps in the CA's when it arrives.
    let kept = acme
        .as_ref()
        .and_then(|setup| doorway_worker::acme::load(&setup.dir, &setup.names));
    let tls = match (&args.tls_cert, &args.tls_key, &kept) {
        (Some(cert), Some(key), _) => Tls::from_files(cert, key).context("loading TLS files")?,
        (_, _, Some(kept)) => Tls::from_pem(kept.cert_pem.clone(), kept.key_pem.clone())
            .context("the certificate kept in --data-dir")?,
        _ => {
            let mut names = vec!["localhost".to_owned()];
            names.extend(args.listen.iter().map(IpAddr::to_string));
            names.extend(args.public_host.clone());
            names.extend(args.acme_domains.clone());
            Tls::self_signed(names).context("making a self-signed certificate")?
        }
    };

    let app_listeners = bind_app(&args.listen, args.port).await?;
    let app_port = app_listeners[0].local_addr()?.port();

    let (mut wanted_tcp, wanted_udp) = wanted_ports(&args, &profiles);
    wanted_tcp.remove(&app_port);
    let (probe_listeners, mut unavailable) = bind_tcp(&args.listen, wanted_tcp).await;
    let (mut stun_sockets, unavailable_udp) = bind_udp(&args.listen, wanted_udp).await;
    unavailable.extend(unavailable_udp);
    let mut served = ServedPorts {
        range_sample: args.range_sample,
        ..ServedPorts::default()
    };
    served.tcp.insert(app_port);
    for listener in &probe_listeners {
        served.tcp.insert(listener.local_addr()?.port());
    }
    for socket in &stun_sockets {
        served.udp.insert(socket.local_addr()?.port());
    }
    let second_host = match args.second_address {
        Some(second) => {
            let socket = tokio::net::UdpSocket::bind((second, STUN_PORT))
                .await
                .with_context(|| {
                    format!("cannot listen for STUN on the second address {second}:{STUN_PORT}")
                })?;
            stun_sockets.push(socket);
            Some(second.to_string())
        }
        None => None,
    };

    let (turn_service, turn) = if args.no_turn {
        (None, None)
    } else {
        match start_turn(&args, &tls, &data_dir).await {
            Ok(running) => (
                Some(TurnService {
                    secret: running.0,
                    port: args.turn_port,
                    tls_port: args.turn_tls_port,
                }),
                Some(running.1),
            ),
            Err(error) => {
                println!("  no TURN relay: {error:#}");
                (None, None)
            }
        }
    };

    if let Some(setup) = acme {
        let turn_files = (data_dir.join("turn"), turn.as_ref().and_then(Turn::pid));
        println!(
            "  certificate: from {} for {}",
            setup.directory,
            setup.names.join(", ")
        );
        tokio::spawn(doorway_worker::acme::maintain(
            setup,
            tls.resolver.clone(),
            kept,
            move |issued| {
                // coturn reads files: write them anew, then ask it to reload.
                let (dir, pid) = &turn_files;
                match write_pem(dir, &issued.cert_pem, &issued.key_pem) {
                    Ok(_) => {
                        if let Some(pid) = pid {
                            reload_certificate(*pid);
                        }
                    }
                    Err(error) => {
                        tracing::error!(%error, "cannot hand the new certificate to coturn")
                    }
                }
            },
        ));
    }

    let store_path = data_dir.join("results.sqlite");
    // A probe node keeps no results and serves no app: both live with the
    // checker it serves.
    let probe_node = !args.app_origins.is_empty();
    let store = if args.no_store || probe_node {
        None
    } else {
        Some(
            Store::open(
                &store_path,
                StoreLimits {
                    ttl_secs: args.result_days * 86_400,
                    max_bytes: args.store_max_mb * 1_000_000,
                    max_results: args.store_max_results,
                },
            )
            .context("opening the store for shared results (see --data-dir)")?,
        )
    };

    let app = match &args.dist {
        _ if probe_node => None,
        Some(dist) if !dist.join(CHECKER_PAGE).is_file() => {
            tracing::warn!(dist = %dist.display(), "no built app there: the API and probes work, the page does not");
            None
        }
        // An app that is there but cannot be read is an error, not "no app".
        Some(dist) => Some(
            AppFiles::read_dir(dist)
                .with_context(|| format!("reading the built app in {}", dist.display()))?,
        ),
        None => {
            let embedded = AppFiles::embedded();
            if embedded.is_none() {
                tracing::warn!("this binary was built without the app and no --dist was given: the API and probes work, the page does not");
            }
            embedded
        }
    };
    let policy = Arc::new(
        SecurityPolicy::new(
            app.iter().flat_map(AppFiles::page_shells),
            &args.embed_ancestors,
        )
        .context("invalid --embed-ancestors")?
        .with_probe_host(args.public_host.clone())
        .with_probe_nodes(&args.probe_nodes),
    );
    let networks = Networks::open(&args.asn_db)?;
    let state = AppState::new(
        ConfigResponse {
            profiles,
            probe: ProbeConfig {
                host: args.public_host.clone(),
                timeout_ms: args.probe_timeout_ms,
                served: served.clone(),
                unavailable: unavailable.clone(),
                turn: turn_service.is_some(),
                quality_relay: turn_service.is_some() && args.quality_through_relay,
                store: store.is_some(),
                inbound: !args.no_inbound,
                nodes: args.probe_nodes.iter().map(ToString::to_string).collect(),
                api: Default::default(),
                nat: NatServers {
                    ports: [STUN_PORT, SECOND_STUN_PORT],
                    second_host,
                },
            },
        },
        app.as_ref(),
        turn_service,
        store,
        RateLimit::new(args.share_limit.into(), 600),
        (!args.no_inbound).then(|| Knocker::new(args.inbound_allow_private)),
        networks,
    )
    .context("loading the built app (see --dist)")?
    .with_app_origins(&args.app_origins);
    let state = Arc::new(state);

    let metrics = Arc::new(Metrics::new());
    let app = app_router(state, policy);
    let mut endpoints: Vec<Endpoint> = app_listeners
        .into_iter()
        .map(|listener| Endpoint {
            listener,
            router: app.clone(),
        })
        .collect();
    let probes = probe_router();
    endpoints.extend(probe_listeners.into_iter().map(|listener| Endpoint {
        listener,
        router: probes.clone(),
    }));

    let list = |ports: &std::collections::BTreeSet<u16>| {
        ports
            .iter()
            .map(u16::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    for address in &args.listen {
        let host = match address {
            IpAddr::V6(v6) => format!("[{v6}]"),
            IpAddr::V4(v4) => v4.to_string(),
        };
        println!("Doorway is serving http://{host}:{app_port}/");
    }
    println!("  probe ports (TCP, http and https): {}", list(&served.tcp));
    println!("  STUN ports (UDP): {}", list(&served.udp));
    for port in &unavailable {
        println!(
            "  not served: {} {} ({})",
            port.protocol, port.port, port.reason
        );
    }

    println!(
        "  connections: {} at once, {} per client address (open-file limit {open_files})",
        caps.total, caps.per_client
    );
    println!("  files: {}", data_dir.display());

    let drained = serve_until(
        endpoints,
        stun_sockets,
        Some(tls.config),
        Admission::new(caps),
        metrics,
        stop_signal(),
    )
    .await;
    if !drained {
        println!(
            "  some connections were still open after {} s and were closed",
            SHUTDOWN_GRACE.as_secs()
        );
    }
    // coturn stops when its handle drops (and with this process in any case).
    drop(turn);
    println!("Doorway stopped.");
    Ok(())
}

/// The app's port on every address; with `--port 0` the first address picks
/// the port and the others take the same.
async fn bind_app(addresses: &[IpAddr], port: u16) -> anyhow::Result<Vec<tokio::net::TcpListener>> {
    let mut listeners: Vec<tokio::net::TcpListener> = Vec::with_capacity(addresses.len());
    for &address in addresses {
        let port = match listeners.first() {
            Some(first) => first.local_addr()?.port(),
            None => port,
        };
        let listener = tokio::net::TcpListener::bind((address, port))
            .await
            .with_context(|| format!("cannot listen on {address}:{port} for the app"))?;
        listeners.push(listener);
    }
    Ok(listeners)
}

/// SIGTERM (service managers, containers) or SIGINT (Ctrl-C).
async fn stop_signal() {
    use tokio::signal::unix::{signal, SignalKind};
    match signal(SignalKind::terminate()) {
        Ok(mut terminate) => {
            tokio::select! {
                _ = terminate.recv() => {}
                _ = tokio::signal::ctrl_c() => {}
            }
        }
        Err(error) => {
            tracing::warn!(%error, "cannot listen for SIGTERM; only Ctrl-C stops the worker");
            let _ = tokio::signal::ctrl_c().await;
        }
    }
    println!("Doorway is stopping: finishing requests in flight.");
}

/// Starts coturn with a fresh secret and this worker's certificate.
async fn start_turn(
    args: &Args,
    tls: &Tls,
    data_dir: &std::path::Path,
) -> anyhow::Result<(String, Turn)> {
    let secret = random_secret()?;
    let state_dir = data_dir.join("turn");
    let (cert, key) = write_pem(&state_dir, &tls.cert_pem, &tls.key_pem)
        .with_context(|| format!("writing TLS files for coturn to {}", state_dir.display()))?;
    let setup = TurnSetup {
        program: args.turnserver.clone(),
        addresses: args.listen.clone(),
        port: args.turn_port,
        tls_port: args.turn_tls_port,
        cert,
        key,
        secret: secret.clone(),
        state_dir,
        relay_to_self: args.quality_through_relay,
    };
    let turn = setup.start().await?;
    println!(
        "  TURN relay (coturn): UDP and TCP {}, TLS {}",
        args.turn_port, args.turn_tls_port
    );
    Ok((secret, turn))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&str, &str)]) -> impl Fn(&str) -> Option<std::ffi::OsString> + 'a {
        move |name| {
            vars.iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| value.into())
        }
    }

    #[test]
    fn the_data_folder_does_not_depend_on_where_the_worker_starts() {
        let home = [("HOME", "/home/ops")];
        assert_eq!(
            default_data_dir(env(&[("STATE_DIRECTORY", "/var/lib/doorway:/x")]), 1000),
            Some(PathBuf::from("/var/lib/doorway"))
        );
        assert_eq!(
            default_data_dir(env(&home), 0),
            Some(PathBuf::from("/var/lib/doorway"))
        );
        assert_eq!(
            default_data_dir(env(&home), 1000),
            Some(PathBuf::from("/home/ops/.local/state/doorway"))
        );
        assert_eq!(
            default_data_dir(
                env(&[("HOME", "/home/ops"), ("XDG_STATE_HOME", "/s")]),
                1000
            ),
            Some(PathBuf::from("/s/doorway"))
        );
        assert_eq!(default_data_dir(env(&[("HOME", "")]), 1000), None);
    }
}
