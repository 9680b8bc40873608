//! ICE candidate lines as the browser reports them
//! (`candidate:1 1 udp 1677729535 198.18.1.1 56143 typ srflx raddr 0.0.0.0 rport 0 …`).
//! A server-reflexive (`srflx`) candidate proves a STUN answer came back; a
//! `relay` candidate proves a TURN allocation worked.

use serde::{Deserialize, Serialize};

use crate::browser::Untestable;
use crate::result::ProbeOutcome;

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Candidate {
    /// "udp" or "tcp": the transport of the candidate itself.
    pub protocol: String,
    pub address: String,
    pub port: u16,
    /// "host", "srflx", "prflx" or "relay".
    pub kind: String,
}

impl Candidate {
    /// Parses the `candidate` attribute; `None` for anything malformed.
    pub fn parse(line: &str) -> Option<Candidate> {
        let line = line.trim().strip_prefix("a=").unwrap_or(line.trim());
        let rest = line.strip_prefix("candidate:")?;
        let fields: Vec<&str> = rest.split_whitespace().collect();
        // foundation component protocol priority address port "typ" kind …
        if fields.len() < 8 || fields[6] != "typ" {
            return None;
        }
        Some(Candidate {
            protocol: fields[2].to_ascii_lowercase(),
            address: fields[4].to_owned(),
            port: fields[5].parse().ok()?,
            kind: fields[7].to_owned(),
        })
    }

    pub fn is_server_reflexive(&self) -> bool {
        self.kind == "srflx"
    }

    pub fn is_relay(&self) -> bool {
        self.kind == "relay"
    }
}

/// A STUN URL for a host name or address (IPv6 literals get brackets).
pub fn stun_url(host: &str, port: u16) -> String {
    format!("stun:{}:{port}", bracket_ipv6(host))
}

pub fn bracket_ipv6(host: &str) -> String {
    if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]")
    } else {
        host.to_owned()
    }
}

/// How one ICE gathering, under the page's own timeout, ended: what a STUN
/// or TURN probe learns from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct GatheringEnd {
    /// Candidates of any kind (host, mDNS, srflx, relay).
    pub candidates: usize,
    /// Candidates any gathering on the page produced while this one ran,
    /// its own included: none at all means the browser's ICE gives nothing
    /// (a proxy-only or disabled ICE), which no firewall causes, since TURN
    /// over TCP and host candidates do not depend on UDP getting through.
    pub candidates_on_page: usize,
    /// When the candidate the probe wants (srflx for STUN, relay for TURN)
    /// came, in ms after gathering started.
    pub wanted_ms: Option<u32>,
    /// When the browser first reported a candidate error (`icecandidateerror`:
    /// the server was tried and the attempt failed, e.g. a TCP reset).
    pub error_ms: Option<u32>,
    /// The browser said gathering is complete before the page's timeout.
    pub completed: bool,
}

impl GatheringEnd {
    pub fn outcome(self, timeout_ms: u32) -> ProbeOutcome {
        match self {
            GatheringEnd {
                wanted_ms: Some(ms),
                ..
            } => ProbeOutcome::Reachable { ms },
            GatheringEnd {
                completed: true,
                error_ms: Some(ms),
                ..
            } => ProbeOutcome::Refused { ms },
            // Browsers retry an unanswered server for about 40 s before they
            // complete; complete early, with no answer and no error, means the
            // browser asked nobody: its limit, not the network's.
            GatheringEnd {
                completed: true,
                candidates: 0,
                ..
            } => ProbeOutcome::NotTestable {
                reason: Untestable::NoCandidates,
            },
            GatheringEnd {
                completed: true, ..
            } => ProbeOutcome::NotTestable {
                reason: Untestable::SkippedByBrowser,
            },
            GatheringEnd {
                completed: false,
                candidates_on_page: 0,
                ..
            } => ProbeOutcome::NotTestable {
                reason: Untestable::NoCandidates,
            },
            GatheringEnd {
                completed: false, ..
            } => ProbeOutcome::Filtered { timeout_ms },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gathering_reads_as_the_network_only_when_the_browser_asked() {
        let end = |candidates, wanted_ms, error_ms, completed| {
            GatheringEnd {
                candidates,
                // Other probes of the check had candidates.
                candidates_on_page: candidates + 3,
                wanted_ms,
                error_ms,
                completed,
            }
            .outcome(3000)
        };
        // The answer came: reachable, whatever else happened.
        assert_eq!(
            end(2, Some(40), None, true),
            ProbeOutcome::Reachable { ms: 40 }
        );
        assert_eq!(
            end(2, Some(40), Some(10), false),
            ProbeOutcome::Reachable { ms: 40 }
        );
        // Silence until our timeout: dropped on the way.
        assert_eq!(
            end(1, None, None, false),
            ProbeOutcome::Filtered { timeout_ms: 3000 }
        );
        // Safari gives no host candidates: silence is still the network.
        assert_eq!(
            end(0, None, None, false),
            ProbeOutcome::Filtered { timeout_ms: 3000 }
        );
        // Tried and failed fast (TURN over TCP reset).
        assert_eq!(
            end(1, None, Some(90), true),
            ProbeOutcome::Refused { ms: 90 }
        );
        // Done at once with nothing at all: ICE is off in this browser.
        assert_eq!(
            end(0, None, None, true),
            ProbeOutcome::NotTestable {
                reason: Untestable::NoCandidates
            }
        );
        // Done early with host candidates only: the server was skipped.
        assert_eq!(
            end(1, None, None, true),
            ProbeOutcome::NotTestable {
                reason: Untestable::SkippedByBrowser
            }
        );
    }

    #[test]
    fn silence_everywhere_on_the_page_is_the_browser_not_the_network() {
        // Firefox with media.peerconnection.ice.proxy_only: no candidate in
        // any gathering, none completes.
        let nothing_anywhere = GatheringEnd {
            candidates: 0,
            candidates_on_page: 0,
            wanted_ms: None,
            error_ms: None,
            completed: false,
        };
        assert_eq!(
            nothing_anywhere.outcome(3000),
            ProbeOutcome::NotTestable {
                reason: Untestable::NoCandidates
            }
        );
        // The same gathering while the relay over TCP got its candidate:
        // UDP was asked and dropped.
        let others_answered = GatheringEnd {
            candidates_on_page: 1,
            ..nothing_anywhere
        };
        assert_eq!(
            others_answered.outcome(3000),
            ProbeOutcome::Filtered { timeout_ms: 3000 }
        );
    }

    #[test]
    fn parses_chromium_candidates() {
        let srflx = Candidate::parse(
            "candidate:842163049 1 udp 1677729535 198.18.1.1 56143 typ srflx raddr 0.0.0.0 rport 0 generation 0 ufrag 4ZcD network-cost 999",
        )
        .unwrap();
        assert!(srflx.is_server_reflexive());
        assert_eq!((srflx.address.as_str(), srflx.port), ("198.18.1.1", 56143));
        let host = Candidate::parse(
            "candidate:1 1 UDP 2122260223 3f1c-uuid.local 54400 typ host generation 0",
        )
        .unwrap();
        assert_eq!(host.protocol, "udp");
        assert_eq!(host.kind, "host");
        let relay = Candidate::parse(
            "a=candidate:3 1 udp 41885695 198.18.2.2 49160 typ relay raddr 198.18.1.1 rport 5000",
        )
        .unwrap();
        assert!(relay.is_relay());
    }

    #[test]
    fn rejects_malformed_lines() {
        for line in [
            "",
            "candidate:",
            "candidate:1 1 udp 1 1.2.3.4 notaport typ srflx",
            "garbage",
            "candidate:1 1 udp 1 1.2.3.4 5 kind srflx",
        ] {
            assert_eq!(Candidate::parse(line), None, "{line}");
        }
    }

    #[test]
    fn stun_urls_bracket_ipv6() {
        assert_eq!(stun_url("198.18.0.2", 3478), "stun:198.18.0.2:3478");
        assert_eq!(stun_url("2001:db8::1", 3478), "stun:[2001:db8::1]:3478");
        assert_eq!(stun_url("[2001:db8::1]", 3478), "stun:[2001:db8::1]:3478");
    }
}
