//! What to do, drawn from the vendors' own guidance in the seed articles:
//! open the ports on the router or relax its firewall, ask the internet
//! provider (with the table), and the profile's own advice (disable SIP ALG,
//! one NAT only, a longer UDP timeout, WPA2 Personal).

use serde::{Deserialize, Serialize};

use crate::nat::{NatMapping, NatResult};
use crate::profile::Protocol;
use crate::result::{RelayResult, RequirementResult, RequirementStatus};

/// One piece of advice. The variant is the stable key (also the message id
/// for translations); [`Advice::text`] is the English wording.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Advice {
    /// Something is blocked: allow it in the router's firewall.
    OpenFirewall,
    /// If the router is not the cause, the provider may be: give them the table.
    AskProvider,
    /// Direct UDP is blocked but a relay works.
    AllowUdpForDirectMedia,
    /// Symmetric NAT: often two routers in a row.
    SingleNat,
    DisableSipAlg,
    RaiseUdpTimeout,
    Wpa2Personal,
}

impl Advice {
    pub fn text(self) -> &'static str {
        match self {
            Advice::OpenFirewall => {
                "Allow the blocked ports in your router's firewall, or make its firewall settings less strict. The table below lists them."
            }
            Advice::AskProvider => {
                "If your router is not the cause, your internet provider may be blocking these ports. Call them, explain the problem and give them the table below."
            }
            Advice::AllowUdpForDirectMedia => {
                "Direct UDP is blocked, so video and calls can only go through a relay, which is slower and not offered by every service. Allow outgoing UDP in the router to fix this."
            }
            Advice::SingleNat => {
                "Make sure there is only one router doing NAT between the device and the internet: two routers chained behind each other (double NAT) often cause this."
            }
            Advice::DisableSipAlg => {
                "Turn off SIP ALG in the router (also called SIP Transformations or SIP Application Layer Gateway): most implementations break calls."
            }
            Advice::RaiseUdpTimeout => {
                "If the router allows it, raise its UDP timeout to 120 seconds, so phones keep receiving incoming calls."
            }
            Advice::Wpa2Personal => {
                "Ring Alarm needs Wi-Fi with WPA2 Personal (TKIP, AES or TKIP + AES); it does not work with WPA2 Enterprise."
            }
        }
    }
}

/// Advice for a finished check: generic advice from what failed, then the
/// profile's own. No advice twice, and none for a network that passed.
pub fn advise(
    requirements: &[RequirementResult],
    nat: Option<&NatResult>,
    relay: Option<&RelayResult>,
    profile_advice: &[Advice],
) -> Vec<Advice> {
    let failed = |r: &&RequirementResult| {
        matches!(
            r.status,
            RequirementStatus::Blocked { .. } | RequirementStatus::Partial { .. }
        )
    };
    let failures: Vec<&RequirementResult> = requirements.iter().filter(failed).collect();
    let mut advice = Vec::new();
    if !failures.is_empty() {
        advice.push(Advice::OpenFirewall);
        advice.push(Advice::AskProvider);
    }
    let udp_failed = failures.iter().any(|r| r.protocol == Protocol::Udp);
    if udp_failed && relay.is_some_and(RelayResult::works) {
        advice.push(Advice::AllowUdpForDirectMedia);
    }
    if nat.is_some_and(|n| n.mapping == NatMapping::AddressAndPortDependent) {
        advice.push(Advice::SingleNat);
    }
    for &item in profile_advice {
        if !advice.contains(&item) {
            advice.push(item);
        }
    }
    advice
}

/// The table for the internet provider or IT: every requirement that did not
/// pass, as plain text that can be pasted into an e-mail or ticket.
pub fn provider_table(requirements: &[RequirementResult]) -> String {
    let rows: Vec<[String; 4]> = requirements
        .iter()
        .filter(|r| {
            matches!(
                r.status,
                RequirementStatus::Blocked { .. } | RequirementStatus::Partial { .. }
            )
        })
        .map(|r| {
            let result = match r.status {
                RequirementStatus::Partial { reachable, probed } => {
                    format!("{reachable} of {probed} checked ports open")
                }
                RequirementStatus::Blocked { filtered: true } => "blocked (no answer)".into(),
                _ => "blocked (refused)".into(),
            };
            [
                r.ports.to_string(),
                r.protocol.to_string(),
                r.purpose.clone(),
                result,
            ]
        })
        .collect();
    if rows.is_empty() {
        return String::new();
    }
    let header = [
        "Ports".to_owned(),
        "Protocol".to_owned(),
        "Traffic".to_owned(),
        "Result".to_owned(),
    ];
    let widths: Vec<usize> = (0..4)
        .map(|c| {
            std::iter::once(&header)
                .chain(&rows)
                .map(|row| row[c].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |row: &[String; 4]| {
        row.iter()
            .zip(&widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect::<Vec<_>>()
            .join(" | ")
            .trim_end()
            .to_owned()
    };
    let mut text = line(&header);
    text.push('\n');
    for row in &rows {
        text.push_str(&line(row));
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::PortRange;
    use crate::profile::Direction;

    fn requirement(
        protocol: Protocol,
        ports: &str,
        status: RequirementStatus,
    ) -> RequirementResult {
        RequirementResult {
            protocol,
            ports: ports.parse().unwrap(),
            direction: Direction::Outbound,
            purpose: format!("purpose {ports}"),
            breaks: "breaks".into(),
            required: true,
            probes: Vec::new(),
            status,
        }
    }

    const DROPPED: RequirementStatus = RequirementStatus::Blocked { filtered: true };

    #[test]
    fn a_clean_check_gets_only_the_profiles_own_advice() {
        let results = [requirement(Protocol::Tcp, "443", RequirementStatus::Open)];
        assert_eq!(advise(&results, None, None, &[]), []);
        assert_eq!(
            advise(&results, None, None, &[Advice::Wpa2Personal]),
            [Advice::Wpa2Personal]
        );
    }

    #[test]
    fn blocked_ports_get_firewall_and_provider_advice() {
        let results = [requirement(Protocol::Tcp, "9998-9999", DROPPED)];
        assert_eq!(
            advise(&results, None, None, &[]),
            [Advice::OpenFirewall, Advice::AskProvider]
        );
    }

    #[test]
    fn blocked_udp_with_a_relay_and_symmetric_nat_say_so() {
        let results = [requirement(Protocol::Udp, "16500-65000", DROPPED)];
        let relay = RelayResult {
            udp: crate::ProbeOutcome::Filtered { timeout_ms: 3000 },
            tcp: crate::ProbeOutcome::Reachable { ms: 40 },
            tls: crate::ProbeOutcome::Reachable { ms: 60 },
        };
        let nat = NatResult {
            mapping: NatMapping::AddressAndPortDependent,
            public_addresses: Vec::new(),
            servers: 3,
        };
        let advice = advise(
            &results,
            Some(&nat),
            Some(&relay),
            &[Advice::DisableSipAlg, Advice::SingleNat],
        );
        assert_eq!(
            advice,
            [
                Advice::OpenFirewall,
                Advice::AskProvider,
                Advice::AllowUdpForDirectMedia,
                Advice::SingleNat,
                Advice::DisableSipAlg,
            ],
            "no advice twice"
        );
    }

    #[test]
    fn the_provider_table_lists_what_failed_aligned() {
        let results = [
            requirement(Protocol::Tcp, "443", RequirementStatus::Open),
            requirement(Protocol::Tcp, "9998-9999", DROPPED),
            requirement(
                Protocol::Udp,
                "16500-65000",
                RequirementStatus::Partial {
                    reachable: 3,
                    probed: 8,
                },
            ),
        ];
        let table = provider_table(&results);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 3, "{table}");
        assert!(lines[0].starts_with("Ports"));
        assert!(lines[1].contains("9998–9999") && lines[1].contains("blocked (no answer)"));
        assert!(lines[2].contains("UDP") && lines[2].contains("3 of 8 checked ports open"));
        assert!(!table.contains("443"), "passing ports are not in the table");
        // Columns line up in characters (the en dash is one character).
        let column = |line: &str, cell: &str| line[..line.find(cell).unwrap()].chars().count();
        assert_eq!(
            column(lines[1], "| TCP"),
            column(lines[0], "| Protocol"),
            "aligned columns"
        );
        assert_eq!(provider_table(&results[..1]), "");
        let _ = PortRange::single(1);
    }
}
