//! Which ports a check probes, and how the answers become requirement results.
//! The frontend runs the probes; everything around them is decided here.

use std::collections::{BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use crate::browser::{testability, Untestable};
use crate::inbound::{is_knockable_requirement, knock_ports};
use crate::ports::PortRange;
use crate::profile::{Direction, Profile, Protocol, Requirement};
use crate::result::{
    PortProbe, ProbeOutcome, RequirementResult, RequirementStatus, UntestedReason,
};

/// Ranges up to this size are listed port by port; larger ones are checked on
/// the server's sample of them.
pub const LIST_WHOLE_RANGE_UP_TO: u32 = 16;

/// How many ports of a large range a server serves (edges included) unless
/// it says otherwise (`--range-sample`).
pub const DEFAULT_RANGE_SAMPLE: usize = 8;

/// Ports the server listens on, from `/api/config`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServedPorts {
    pub tcp: BTreeSet<u16>,
    #[serde(default)]
    pub udp: BTreeSet<u16>,
    /// How many ports of each large range the server serves: a range is
    /// judged on exactly that sample ([`PortRange::sample`]), so another
    /// served port that happens to lie inside it does not skew its count.
    #[serde(default = "default_range_sample")]
    pub range_sample: usize,
}

fn default_range_sample() -> usize {
    DEFAULT_RANGE_SAMPLE
}

impl Default for ServedPorts {
    fn default() -> ServedPorts {
        ServedPorts {
            tcp: BTreeSet::new(),
            udp: BTreeSet::new(),
            range_sample: DEFAULT_RANGE_SAMPLE,
        }
    }
}

impl ServedPorts {
    fn set(&self, protocol: Protocol) -> &BTreeSet<u16> {
        match protocol {
            Protocol::Tcp => &self.tcp,
            Protocol::Udp => &self.udp,
        }
    }
}

/// A probe for one port; the same port may serve several requirements.
/// Inbound targets are knocked on by the server, on request, never probed
/// by the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProbeTarget {
    pub protocol: Protocol,
    pub port: u16,
    pub direction: Direction,
}

impl ProbeTarget {
    pub fn outbound(protocol: Protocol, port: u16) -> ProbeTarget {
        ProbeTarget {
            protocol,
            port,
            direction: Direction::Outbound,
        }
    }
}

/// What the page needs to run for a profile, and what is already known.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckPlan {
    requirements: Vec<PlannedRequirement>,
}

#[derive(Debug, Clone, PartialEq)]
struct PlannedRequirement {
    requirement: Requirement,
    /// Each port with its outcome, when known without probing.
    ports: Vec<(u16, Option<ProbeOutcome>)>,
    /// Set when nothing can be learnt, whatever the probes say.
    untested: Option<UntestedReason>,
}

impl CheckPlan {
    pub fn new(profile: &Profile, served: &ServedPorts) -> CheckPlan {
        let requirements = profile
            .requirements
            .iter()
            .map(|requirement| plan_requirement(requirement, served))
            .collect();
        CheckPlan { requirements }
    }

    /// Distinct ports to probe, in port order.
    pub fn targets(&self) -> Vec<ProbeTarget> {
        let set: BTreeSet<ProbeTarget> = self
            .requirements
            .iter()
            .flat_map(|planned| {
                planned
                    .ports
                    .iter()
                    .filter(|(_, known)| known.is_none())
                    .map(|&(port, _)| ProbeTarget::outbound(planned.requirement.protocol, port))
            })
            .collect();
        set.into_iter().collect()
    }

    /// For each requirement, how many of its probes have no answer yet.
    pub fn pending(&self, answers: &HashMap<ProbeTarget, ProbeOutcome>) -> Vec<usize> {
        self.requirements
            .iter()
            .map(|planned| {
                let protocol = planned.requirement.protocol;
                planned
                    .ports
                    .iter()
                    .filter(|&&(port, known)| {
                        known.is_none()
                            && !answers.contains_key(&ProbeTarget::outbound(protocol, port))
                    })
                    .count()
            })
            .collect()
    }

    /// Requirement results from the answers so far; ports without an answer
    /// yet are left out, so this also drives the live view. An inbound port
    /// reads "incoming: not testable" until the server knocked on it.
    pub fn results(&self, answers: &HashMap<ProbeTarget, ProbeOutcome>) -> Vec<RequirementResult> {
        self.requirements
            .iter()
            .map(|planned| {
                let protocol = planned.requirement.protocol;
                let direction = planned.requirement.direction;
                let probes: Vec<PortProbe> = planned
                    .ports
                    .iter()
                    .filter_map(|&(port, known)| {
                        let answer = answers
                            .get(&ProbeTarget {
                                protocol,
                                port,
                                direction,
                            })
                            .copied();
                        match direction {
                            Direction::Inbound => answer.or(known),
                            Direction::Outbound => known.or(answer),
                        }
                        .map(|outcome| PortProbe { port, outcome })
                    })
                    .collect();
                let status = match planned.untested {
                    Some(reason) => RequirementStatus::Untested { reason },
                    None => status_of(&probes),
                };
                let r = &planned.requirement;
                RequirementResult {
                    protocol,
                    ports: r.ports,
                    direction: r.direction,
                    purpose: r.purpose.clone(),
                    breaks: r.breaks.clone(),
                    required: r.required,
                    note: r.note.clone(),
                    probes,
                    status,
                }
            })
            .collect()
    }
}

fn plan_requirement(requirement: &Requirement, served: &ServedPorts) -> PlannedRequirement {
    let mut planned = PlannedRequirement {
        requirement: requirement.clone(),
        ports: Vec::new(),
        untested: None,
    };
    if is_knockable_requirement(requirement) {
        // Listed, so the server's knocks have a place; until then incoming.
        let incoming = Some(ProbeOutcome::NotTestable {
            reason: Untestable::Inbound,
        });
        planned.ports = knock_ports(requirement)
            .into_iter()
            .map(|port| (port, incoming))
            .collect();
        return planned;
    }
    if requirement.direction == Direction::Inbound {
        planned.untested = Some(UntestedReason::Inbound);
        return planned;
    }
    let served_set = served.set(requirement.protocol);
    let whole = is_listed_whole(requirement.ports);
    let candidates = checked_ports(requirement.ports, served.range_sample);
    if candidates.is_empty() || (!whole && !candidates.iter().any(|p| served_set.contains(p))) {
        planned.untested = Some(UntestedReason::NotServed);
        return planned;
    }
    planned.ports = candidates
        .into_iter()
        .map(|port| {
            let known = match testability(requirement.protocol, port, requirement.direction) {
                Err(reason) => Some(ProbeOutcome::NotTestable { reason }),
                Ok(()) if !served_set.contains(&port) => Some(ProbeOutcome::NotServed),
                Ok(()) => None,
            };
            (port, known)
        })
        .collect();
    planned
}

/// Whether a range is checked port by port rather than on a sample.
fn is_listed_whole(ports: PortRange) -> bool {
    ports.port_count() <= LIST_WHOLE_RANGE_UP_TO
}

/// The ports of a range that are checked: a small range whole, a large one
/// on the server's sample of `sample` ports.
pub fn checked_ports(ports: PortRange, sample: usize) -> Vec<u16> {
    if is_listed_whole(ports) {
        ports.ports().collect()
    } else {
        ports.sample(sample)
    }
}

/// Folds a requirement's port outcomes into one status. Interception comes
/// first: where something else answers, the blocked ports behind it may
/// only be its doing.
pub fn status_of(probes: &[PortProbe]) -> RequirementStatus {
    let reachable = probes.iter().filter(|p| p.outcome.is_reachable()).count() as u32;
    let intercepted = probes.iter().filter(|p| p.outcome.is_intercepted()).count() as u32;
    let blocked: Vec<&PortProbe> = probes.iter().filter(|p| p.outcome.is_blocked()).collect();
    let probed = reachable + intercepted + blocked.len() as u32;
    if intercepted > 0 {
        return RequirementStatus::Intercepted {
            intercepted,
            probed,
        };
    }
    if probed == 0 {
        // "Not served" first: it is the one a better server would fix.
        let not_served = probes.iter().any(|p| p.outcome == ProbeOutcome::NotServed);
        let untestable = probes.iter().find_map(|p| match p.outcome {
            ProbeOutcome::NotTestable { reason } => Some(UntestedReason::from(reason)),
            _ => None,
        });
        let reason = match untestable {
            Some(reason) if !not_served => reason,
            _ => UntestedReason::NotServed,
        };
        return RequirementStatus::Untested { reason };
    }
    if reachable == probed {
        RequirementStatus::Open
    } else if reachable == 0 {
        RequirementStatus::Blocked {
            filtered: blocked
                .iter()
                .any(|p| matches!(p.outcome, ProbeOutcome::Filtered { .. })),
        }
    } else {
        RequirementStatus::Partial { reachable, probed }
    }
}

/// How a probe attempt ended, as the page sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    /// Our server answered (with this check's nonce).
    Answered,
    /// Something answered, but not our server.
    AnsweredByOther,
    Failed,
    TimedOut,
}

/// Turns an attempt into an outcome. A failure that arrives before our own
/// timeout is a refusal (reset or nothing listening); silence until the
/// timeout is a firewall dropping packets.
pub fn classify(attempt: Attempt, elapsed_ms: u32, timeout_ms: u32) -> ProbeOutcome {
    match attempt {
        Attempt::Answered => ProbeOutcome::Reachable { ms: elapsed_ms },
        Attempt::AnsweredByOther => ProbeOutcome::Intercepted { ms: elapsed_ms },
        Attempt::Failed if elapsed_ms < timeout_ms => ProbeOutcome::Refused { ms: elapsed_ms },
        Attempt::Failed | Attempt::TimedOut => ProbeOutcome::Filtered { timeout_ms },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::browser::Untestable;

    fn served(tcp: &[u16]) -> ServedPorts {
        ServedPorts {
            tcp: tcp.iter().copied().collect(),
            ..ServedPorts::default()
        }
    }

    #[test]
    fn custom_profile_probes_served_ports_and_classifies_the_rest() {
        let profile = Profile::custom(Some("443,554,8557,9998-9999,40000"), None).unwrap();
        let plan = CheckPlan::new(&profile, &served(&[443, 8557, 9998, 9999]));
        let targets: Vec<u16> = plan.targets().iter().map(|t| t.port).collect();
        assert_eq!(targets, [443, 8557, 9998, 9999]);

        let results = plan.results(&HashMap::new());
        let rtsp = results.iter().find(|r| r.ports.contains(554)).unwrap();
        assert_eq!(
            rtsp.probes[0].outcome,
            ProbeOutcome::NotTestable {
                reason: Untestable::BrowserRefusedPort
            }
        );
        assert_eq!(
            rtsp.status,
            RequirementStatus::Untested {
                reason: UntestedReason::BrowserRefusedPort
            }
        );
        let unserved = results.iter().find(|r| r.ports.contains(40000)).unwrap();
        assert_eq!(unserved.probes[0].outcome, ProbeOutcome::NotServed);
    }

    #[test]
    fn large_ranges_use_the_servers_sample() {
        let profile = Profile::custom(None, Some("16500-65000")).unwrap();
        let ports = ServedPorts {
            udp: [3478, 16500, 40000, 65000].into_iter().collect(),
            ..ServedPorts::default()
        };
        let plan = CheckPlan::new(&profile, &ports);
        let targets: Vec<u16> = plan.targets().iter().map(|t| t.port).collect();
        // 40000 is served but is not one of the range's sample.
        assert_eq!(targets, [16500, 65000]);

        let none = CheckPlan::new(&profile, &ServedPorts::default());
        assert!(none.targets().is_empty());
        assert_eq!(
            none.results(&HashMap::new())[0].status,
            RequirementStatus::Untested {
                reason: UntestedReason::NotServed
            }
        );
    }

    #[test]
    fn a_served_port_inside_a_sampled_range_does_not_change_its_fraction() {
        let profile = Profile::custom(None, Some("16500-65000")).unwrap();
        let sample = crate::PortRange::new(16500, 65000)
            .unwrap()
            .sample(DEFAULT_RANGE_SAMPLE);
        let mut udp: BTreeSet<u16> = sample.iter().copied().collect();
        udp.insert(19302);
        let plan = CheckPlan::new(
            &profile,
            &ServedPorts {
                udp,
                ..ServedPorts::default()
            },
        );
        let target = |port| ProbeTarget::outbound(Protocol::Udp, port);
        // Only 19302 answers: the range still reads 0 of its 8.
        let mut answers: HashMap<ProbeTarget, ProbeOutcome> = sample
            .iter()
            .map(|&port| (target(port), ProbeOutcome::Filtered { timeout_ms: 3000 }))
            .collect();
        answers.insert(target(19302), ProbeOutcome::Reachable { ms: 9 });
        let results = plan.results(&answers);
        let range = results.iter().find(|r| r.ports.contains(16500)).unwrap();
        assert_eq!(range.probes.len(), sample.len());
        assert!(range.probes.iter().all(|p| p.port != 19302));
        assert_eq!(range.status, RequirementStatus::Blocked { filtered: true });
    }

    #[test]
    fn answers_fold_into_statuses() {
        let profile = Profile::custom(Some("9998-9999"), None).unwrap();
        let plan = CheckPlan::new(&profile, &served(&[9998, 9999]));
        let target = |port| ProbeTarget::outbound(Protocol::Tcp, port);
        let mut answers = HashMap::new();
        assert_eq!(plan.pending(&answers), [2]);
        answers.insert(target(9998), ProbeOutcome::Reachable { ms: 5 });
        assert_eq!(plan.pending(&answers), [1]);
        answers.insert(target(9999), ProbeOutcome::Filtered { timeout_ms: 3000 });
        assert_eq!(
            plan.results(&answers)[0].status,
            RequirementStatus::Partial {
                reachable: 1,
                probed: 2
            }
        );
        answers.insert(target(9998), ProbeOutcome::Refused { ms: 4 });
        assert_eq!(
            plan.results(&answers)[0].status,
            RequirementStatus::Blocked { filtered: true }
        );
        answers.insert(target(9999), ProbeOutcome::Refused { ms: 4 });
        assert_eq!(
            plan.results(&answers)[0].status,
            RequirementStatus::Blocked { filtered: false }
        );
        // Something else answering on one port outweighs the other's refusal.
        answers.insert(target(9998), ProbeOutcome::Intercepted { ms: 6 });
        assert_eq!(
            plan.results(&answers)[0].status,
            RequirementStatus::Intercepted {
                intercepted: 1,
                probed: 2
            }
        );
    }

    #[test]
    fn inbound_requirements_are_never_probed_only_knocked_on() {
        let mut profile = Profile::custom(Some("5222"), Some("7076")).unwrap();
        for requirement in &mut profile.requirements {
            requirement.direction = Direction::Inbound;
        }
        let plan = CheckPlan::new(&profile, &served(&[5222]));
        assert!(plan.targets().is_empty());
        let incoming = RequirementStatus::Untested {
            reason: UntestedReason::Inbound,
        };
        let mut answers = HashMap::new();
        assert_eq!(plan.results(&answers)[0].status, incoming);
        // An outbound answer on the same port says nothing about incoming.
        answers.insert(
            ProbeTarget::outbound(Protocol::Tcp, 5222),
            ProbeOutcome::Reachable { ms: 3 },
        );
        assert_eq!(plan.results(&answers)[0].status, incoming);
        let knock = ProbeTarget {
            direction: Direction::Inbound,
            ..ProbeTarget::outbound(Protocol::Tcp, 5222)
        };
        answers.insert(knock, ProbeOutcome::Filtered { timeout_ms: 3000 });
        let results = plan.results(&answers);
        assert_eq!(
            results[0].status,
            RequirementStatus::Blocked { filtered: true }
        );
        // UDP inbound is never knocked on: it stays incoming.
        assert_eq!(results[1].status, incoming);
        assert!(results[1].probes.is_empty());
    }

    #[test]
    fn classification_uses_our_timeout_not_the_browsers() {
        assert_eq!(
            classify(Attempt::Answered, 12, 3000),
            ProbeOutcome::Reachable { ms: 12 }
        );
        assert_eq!(
            classify(Attempt::Failed, 4, 3000),
            ProbeOutcome::Refused { ms: 4 }
        );
        assert_eq!(
            classify(Attempt::AnsweredByOther, 7, 3000),
            ProbeOutcome::Intercepted { ms: 7 }
        );
        assert_eq!(
            classify(Attempt::TimedOut, 3000, 3000),
            ProbeOutcome::Filtered { timeout_ms: 3000 }
        );
        // An abort that lands as a failure at the deadline is still a timeout.
        assert_eq!(
            classify(Attempt::Failed, 3001, 3000),
            ProbeOutcome::Filtered { timeout_ms: 3000 }
        );
    }
}
