//! The overall answer for a profile, and what each failure breaks.

use serde::{Deserialize, Serialize};

use crate::ports::PortRange;
use crate::profile::Protocol;
use crate::result::{RequirementResult, RequirementStatus, UntestedReason};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Overall {
    /// Every required requirement a browser can test is open.
    Ready,
    /// Only optional parts, or only some ports of a range, are blocked.
    Partly,
    /// Something required is blocked.
    NotReady,
    /// Direct UDP is blocked, but a TURN relay works: media can go through a
    /// relay, if the device's service offers one.
    RelayNeeded,
    /// Something other than our server answers in place of a required port
    /// (a captive portal, a proxy, a security filter): nothing may be
    /// blocked, but the traffic does not reach its destination.
    Intercepted,
    /// Nothing failed, but something required could not be checked here
    /// (by this server, or in this browser).
    CouldNotTell,
}

impl Overall {
    /// The name it has in a result's JSON (`not_ready`), for logs and metrics.
    pub fn as_str(self) -> &'static str {
        match self {
            Overall::Ready => "ready",
            Overall::Partly => "partly",
            Overall::NotReady => "not_ready",
            Overall::RelayNeeded => "relay_needed",
            Overall::Intercepted => "intercepted",
            Overall::CouldNotTell => "could_not_tell",
        }
    }
}

/// A requirement that did not pass, with what that means.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Finding {
    pub protocol: Protocol,
    pub ports: PortRange,
    pub purpose: String,
    pub breaks: String,
    pub required: bool,
    pub status: RequirementStatus,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Verdict {
    pub overall: Overall,
    /// Blocked, partly blocked or intercepted requirements, required ones
    /// first.
    pub failures: Vec<Finding>,
    /// Requirements no browser can test (refused ports, inbound traffic).
    pub untestable: Vec<Finding>,
    /// Requirements other browsers can test but this one could not (no
    /// WebRTC, no candidates, servers skipped).
    #[serde(default)]
    pub this_browser: Vec<Finding>,
    /// Testable requirements this server could not check.
    pub unchecked: Vec<Finding>,
}

impl Verdict {
    /// `relay_works`: a TURN relay gave an allocation over some transport.
    pub fn from_results(results: &[RequirementResult], relay_works: bool) -> Verdict {
        let finding = |r: &RequirementResult| Finding {
            protocol: r.protocol,
            ports: r.ports,
            purpose: r.purpose.clone(),
            breaks: r.breaks.clone(),
            required: r.required,
            status: r.status,
        };
        let mut failures: Vec<Finding> = results
            .iter()
            .filter(|r| r.status.is_failure())
            .map(finding)
            .collect();
        failures.sort_by_key(|f| !f.required);
        let untested = |wanted: fn(UntestedReason) -> bool| -> Vec<Finding> {
            results
                .iter()
                .filter(|r| matches!(r.status, RequirementStatus::Untested { reason } if wanted(reason)))
                .map(finding)
                .collect()
        };
        let untestable = untested(|reason| {
            !matches!(
                reason,
                UntestedReason::NotServed | UntestedReason::CarrierNat
            ) && !reason.is_this_browser()
        });
        let this_browser = untested(UntestedReason::is_this_browser);
        let unchecked = untested(|reason| reason == UntestedReason::NotServed);

        let required_intercepted = failures
            .iter()
            .any(|f| f.required && matches!(f.status, RequirementStatus::Intercepted { .. }));
        // Behind a carrier-grade NAT an inbound requirement cannot work: as
        // good as blocked, though nothing was knocked on.
        let required_blocked = failures.iter().any(|f| {
            f.required
                && matches!(
                    f.status,
                    RequirementStatus::Blocked { .. }
                        | RequirementStatus::Untested {
                            reason: UntestedReason::CarrierNat
                        }
                )
        });
        let tested_any = results
            .iter()
            .any(|r| !matches!(r.status, RequirementStatus::Untested { .. }));
        // Only UDP is blocked and a relay works: that is a relay verdict.
        let only_udp_blocked = failures
            .iter()
            .filter(|f| f.required)
            .all(|f| f.protocol == Protocol::Udp);
        // Interception first: behind a portal the rest may be its doing too.
        let overall = if required_intercepted {
            Overall::Intercepted
        } else if required_blocked && only_udp_blocked && relay_works {
            Overall::RelayNeeded
        } else if required_blocked {
            Overall::NotReady
        } else if !failures.is_empty() {
            Overall::Partly
        } else if !tested_any
            || unchecked.iter().any(|f| f.required)
            || this_browser.iter().any(|f| f.required)
        {
            Overall::CouldNotTell
        } else {
            Overall::Ready
        };
        Verdict {
            overall,
            failures,
            untestable,
            this_browser,
            unchecked,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overall_names_are_those_of_the_json() {
        for overall in [
            Overall::Ready,
            Overall::Partly,
            Overall::NotReady,
            Overall::RelayNeeded,
            Overall::Intercepted,
            Overall::CouldNotTell,
        ] {
            let json = serde_json::to_string(&overall).unwrap();
            assert_eq!(json, format!("\"{}\"", overall.as_str()));
        }
    }
    use crate::profile::Direction;

    fn requirement(port: u16, required: bool, status: RequirementStatus) -> RequirementResult {
        RequirementResult {
            protocol: Protocol::Tcp,
            ports: PortRange::single(port).unwrap(),
            direction: Direction::Outbound,
            purpose: format!("purpose {port}"),
            breaks: format!("breaks {port}"),
            required,
            note: None,
            probes: Vec::new(),
            status,
        }
    }

    const OPEN: RequirementStatus = RequirementStatus::Open;
    const DROPPED: RequirementStatus = RequirementStatus::Blocked { filtered: true };
    const REFUSED_PORT: RequirementStatus = RequirementStatus::Untested {
        reason: UntestedReason::BrowserRefusedPort,
    };
    const NOT_SERVED: RequirementStatus = RequirementStatus::Untested {
        reason: UntestedReason::NotServed,
    };

    #[test]
    fn all_open_is_ready_even_with_ports_no_browser_can_test() {
        let verdict = Verdict::from_results(
            &[
                requirement(443, true, OPEN),
                requirement(123, true, REFUSED_PORT),
            ],
            false,
        );
        assert_eq!(verdict.overall, Overall::Ready);
        assert_eq!(verdict.untestable.len(), 1);
        assert!(verdict.failures.is_empty());
    }

    #[test]
    fn a_blocked_required_port_is_not_ready_and_says_what_breaks() {
        let verdict = Verdict::from_results(
            &[
                requirement(443, true, OPEN),
                requirement(19302, false, DROPPED),
                requirement(9998, true, DROPPED),
            ],
            false,
        );
        assert_eq!(verdict.overall, Overall::NotReady);
        assert_eq!(verdict.failures[0].breaks, "breaks 9998", "required first");
        assert_eq!(verdict.failures[1].breaks, "breaks 19302");
    }

    #[test]
    fn optional_or_partial_failures_are_partly() {
        let optional = Verdict::from_results(
            &[
                requirement(443, true, OPEN),
                requirement(19302, false, DROPPED),
            ],
            false,
        );
        assert_eq!(optional.overall, Overall::Partly);
        let partial = Verdict::from_results(
            &[requirement(
                16500,
                true,
                RequirementStatus::Partial {
                    reachable: 3,
                    probed: 8,
                },
            )],
            false,
        );
        assert_eq!(partial.overall, Overall::Partly);
    }

    #[test]
    fn blocked_udp_with_a_working_relay_needs_the_relay() {
        let mut udp = requirement(16500, true, DROPPED);
        udp.protocol = Protocol::Udp;
        let results = [requirement(443, true, OPEN), udp];
        assert_eq!(
            Verdict::from_results(&results, true).overall,
            Overall::RelayNeeded
        );
        assert_eq!(
            Verdict::from_results(&results, false).overall,
            Overall::NotReady
        );
        // A blocked TCP requirement is not helped by a relay.
        let tcp_too = [requirement(443, true, DROPPED), results[1].clone()];
        assert_eq!(
            Verdict::from_results(&tcp_too, true).overall,
            Overall::NotReady
        );
    }

    #[test]
    fn interception_of_a_required_port_reads_intercepted_not_blocked() {
        let intercepted = RequirementStatus::Intercepted {
            intercepted: 1,
            probed: 1,
        };
        let mut udp = requirement(16500, true, DROPPED);
        udp.protocol = Protocol::Udp;
        let verdict = Verdict::from_results(
            &[
                requirement(80, true, intercepted),
                requirement(443, true, OPEN),
                udp,
            ],
            true,
        );
        assert_eq!(verdict.overall, Overall::Intercepted);
        assert_eq!(verdict.failures[0].status, intercepted);
        // Optional only: the rest is ready, so the network is partly ready.
        let optional = Verdict::from_results(
            &[
                requirement(80, false, intercepted),
                requirement(443, true, OPEN),
            ],
            false,
        );
        assert_eq!(optional.overall, Overall::Partly);
    }

    #[test]
    fn unchecked_required_ports_mean_could_not_tell() {
        let verdict = Verdict::from_results(
            &[
                requirement(443, true, OPEN),
                requirement(8557, true, NOT_SERVED),
            ],
            false,
        );
        assert_eq!(verdict.overall, Overall::CouldNotTell);
        assert_eq!(verdict.unchecked.len(), 1);
        let nothing = Verdict::from_results(&[requirement(554, true, REFUSED_PORT)], false);
        assert_eq!(nothing.overall, Overall::CouldNotTell);
    }

    #[test]
    fn what_this_browser_could_not_test_is_never_ready() {
        let no_webrtc = RequirementStatus::Untested {
            reason: UntestedReason::NoWebRtc,
        };
        let mut udp = requirement(16500, true, no_webrtc);
        udp.protocol = Protocol::Udp;
        let verdict = Verdict::from_results(&[requirement(443, true, OPEN), udp.clone()], false);
        assert_eq!(verdict.overall, Overall::CouldNotTell);
        assert_eq!(verdict.this_browser.len(), 1);
        assert!(verdict.untestable.is_empty(), "{:?}", verdict.untestable);
        // Optional only: the required parts decide.
        udp.required = false;
        let verdict = Verdict::from_results(&[requirement(443, true, OPEN), udp], false);
        assert_eq!(verdict.overall, Overall::Ready);
        // A blocked port still reads not ready.
        let skipped = RequirementStatus::Untested {
            reason: UntestedReason::SkippedByBrowser,
        };
        let verdict = Verdict::from_results(
            &[
                requirement(443, true, DROPPED),
                requirement(3478, true, skipped),
            ],
            false,
        );
        assert_eq!(verdict.overall, Overall::NotReady);
    }
}
