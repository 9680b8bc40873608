//! How a finished check read, in the terms tests and the bench ask about.

use doorway_core::{CheckResult, ProbeOutcome, Protocol};

/// Everything the check tested that did not read reachable, one line each:
/// ports (but `except`), the relay over UDP, TCP and TLS, and the WebSocket.
/// Untestable and unserved ports are not counted. On an open network every
/// line is a false failure.
pub fn not_reachable(result: &CheckResult, except: &[(Protocol, u16)]) -> Vec<String> {
    let mut lines: Vec<String> = result
        .probes()
        .filter(|(protocol, probe)| {
            !except.contains(&(*protocol, probe.port))
                && !matches!(
                    probe.outcome,
                    ProbeOutcome::NotServed | ProbeOutcome::NotTestable { .. }
                )
                && !probe.outcome.is_reachable()
        })
        .map(|(protocol, probe)| format!("{protocol} {}: {:?}", probe.port, probe.outcome))
        .collect();
    match result.relay {
        Some(relay)
            if relay.udp.is_reachable() && relay.tcp.is_reachable() && relay.tls.is_reachable() => {
        }
        relay => lines.push(format!("relay: {relay:?}")),
    }
    if !result.websocket.is_some_and(|w| w.is_reachable()) {
        lines.push(format!("WebSocket: {:?}", result.websocket));
    }
    lines
}
