//! What to do, drawn from the vendors' own guidance in their articles (docs/sources):
//! open the ports on the router or relax its firewall, ask the internet
//! provider (with the table), and the profile's own advice (disable SIP ALG,
//! one NAT only, a longer UDP timeout, WPA2 Personal); where something else
//! answers in the server's place, sign in to the portal or get the device
//! exempted, not a firewall change.

use serde::{Deserialize, Serialize};

use crate::nat::{NatMapping, NatResult};
use crate::profile::{Direction, Protocol};
use crate::quality::{Judgement, PastLimit};
use crate::result::{RelayResult, RequirementResult, RequirementStatus, UntestedReason};

/// One piece of advice. The variant is the stable key (also the message id
/// for translations); [`Advice::text`] is the English wording.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Advice {
    /// Something answers in the server's place: most often a sign-in page.
    SignInToPortal,
    /// Or a proxy or security filter: ask IT to exempt the device, or use
    /// another network.
    ExemptFromInterception,
    /// Something is blocked: allow it in the router's firewall.
    OpenFirewall,
    /// An inbound port does not reach the device: forward it in the router,
    /// to the device's address, with the device switched on.
    ForwardInbound,
    /// Inbound behind a carrier-grade NAT: only a public address helps.
    PublicAddressForInbound,
    /// If the router is not the cause, the provider may be: give them the table.
    AskProvider,
    /// Direct UDP is blocked but a relay works.
    AllowUdpForDirectMedia,
    /// Symmetric NAT: often two routers in a row.
    SingleNat,
    /// The device needs one NAT only, and a browser cannot see a second
    /// router in front of the first: we could not tell, so the person checks.
    SingleNatUnseen,
    DisableSipAlg,
    RaiseUdpTimeout,
    Wpa2Personal,
    /// Calls lose packets or their timing wavers: most often Wi-Fi.
    CloserToRouter,
    /// The round trip rises while something uploads: the router's queue.
    PauseUploads,
    /// Packets are lost: if it stays so near the router, the line may be
    /// at fault.
    AskProviderAboutLoss,
    /// The line is slower than the media needs.
    FasterConnection,
}

/// Advice for a finished check: generic advice from what failed, then the
/// profile's own, then what the quality check's figures call for. No
/// advice twice, and none for a network that passed.
pub fn advise(
    requirements: &[RequirementResult],
    nat: Option<&NatResult>,
    relay: Option<&RelayResult>,
    profile_advice: &[Advice],
    media: Option<MediaFigures>,
) -> Vec<Advice> {
    let failures: Vec<&RequirementResult> = requirements
        .iter()
        .filter(|r| r.status.is_failure())
        .collect();
    let mut advice = Vec::new();
    // An answered port is not a firewall's doing: no advice to open it.
    let intercepted =
        |r: &RequirementResult| matches!(r.status, RequirementStatus::Intercepted { .. });
    let carrier_nat = |r: &RequirementResult| {
        r.status
            == RequirementStatus::Untested {
                reason: UntestedReason::CarrierNat,
            }
    };
    if failures.iter().any(|r| intercepted(r)) {
        advice.push(Advice::SignInToPortal);
        advice.push(Advice::ExemptFromInterception);
    }
    if failures.iter().any(|r| carrier_nat(r)) {
        advice.push(Advice::PublicAddressForInbound);
    }
    let blocked: Vec<&&RequirementResult> = failures
        .iter()
        .filter(|r| !intercepted(r) && !carrier_nat(r))
        .collect();
    if blocked.iter().any(|r| r.direction == Direction::Inbound) {
        advice.push(Advice::ForwardInbound);
    }
    if !blocked.is_empty() {
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
        // Without a symmetric mapping to point at, double NAT is not seen
        // (a second cone NAT looks like one); say so rather than be silent.
        let item = match item {
            Advice::SingleNat if !advice.contains(&Advice::SingleNat) => Advice::SingleNatUnseen,
            other => other,
        };
        if !advice.contains(&item) {
            advice.push(item);
        }
    }
    if let Some((quality, bandwidth)) = media {
        for item in quality_advice(&quality.judge_with(bandwidth)) {
            if !advice.contains(&item) {
                advice.push(item);
            }
        }
    }
    advice
}

/// What to try when calls or video fall short, from the figures past their
/// limits: Wi-Fi first (the commonest cause, and the user's to change),
/// then uploads that fill the router's queue, then the line itself.
pub fn quality_advice(judgement: &Judgement) -> Vec<Advice> {
    let past = |wanted: fn(&PastLimit) -> bool| judgement.past_limits.iter().any(wanted);
    let mut advice = Vec::new();
    if past(|p| {
        matches!(
            p,
            PastLimit::Rtt { .. }
                | PastLimit::Jitter { .. }
                | PastLimit::Loss { .. }
                | PastLimit::Mos { .. }
        )
    }) {
        advice.push(Advice::CloserToRouter);
    }
    if past(|p| matches!(p, PastLimit::LoadedRtt { .. })) {
        advice.push(Advice::PauseUploads);
    }
    if past(|p| matches!(p, PastLimit::Loss { .. })) {
        advice.push(Advice::AskProviderAboutLoss);
    }
    if past(|p| matches!(p, PastLimit::Download { .. } | PastLimit::Upload { .. })) {
        advice.push(Advice::FasterConnection);
    }
    advice
}

/// The words reports are written in, by message id (the page's catalogue):
/// core knows what to say, the page knows the language.
pub trait Words {
    fn word(&self, id: &str, args: &[(&str, String)]) -> String;
}

/// Marks a message id chosen at run time, so the catalogue test sees it.
pub const fn msg(id: &'static str) -> &'static str {
    id
}

pub fn advice_id(advice: Advice) -> &'static str {
    match advice {
        Advice::SignInToPortal => msg("advice-sign-in-to-portal"),
        Advice::ExemptFromInterception => msg("advice-exempt-from-interception"),
        Advice::OpenFirewall => msg("advice-open-firewall"),
        Advice::ForwardInbound => msg("advice-forward-inbound"),
        Advice::PublicAddressForInbound => msg("advice-public-address-for-inbound"),
        Advice::AskProvider => msg("advice-ask-provider"),
        Advice::AllowUdpForDirectMedia => msg("advice-allow-udp-for-direct-media"),
        Advice::SingleNat => msg("advice-single-nat"),
        Advice::SingleNatUnseen => msg("advice-single-nat-unseen"),
        Advice::DisableSipAlg => msg("advice-disable-sip-alg"),
        Advice::RaiseUdpTimeout => msg("advice-raise-udp-timeout"),
        Advice::Wpa2Personal => msg("advice-wpa2-personal"),
        Advice::CloserToRouter => msg("advice-closer-to-router"),
        Advice::PauseUploads => msg("advice-pause-uploads"),
        Advice::AskProviderAboutLoss => msg("advice-ask-provider-about-loss"),
        Advice::FasterConnection => msg("advice-faster-connection"),
    }
}

/// How a failed requirement reads in the table and the report.
pub fn failure_text(words: &dyn Words, status: RequirementStatus) -> String {
    match status {
        RequirementStatus::Partial { reachable, probed } => words.word(
            "report-partial",
            &[
                ("reachable", reachable.to_string()),
                ("probed", probed.to_string()),
            ],
        ),
        RequirementStatus::Intercepted {
            intercepted,
            probed,
        } => words.word(
            "report-intercepted",
            &[
                ("intercepted", intercepted.to_string()),
                ("probed", probed.to_string()),
            ],
        ),
        RequirementStatus::Blocked { filtered: true } => words.word("report-blocked-dropped", &[]),
        RequirementStatus::Untested {
            reason: UntestedReason::CarrierNat,
        } => words.word("report-carrier-nat", &[]),
        _ => words.word("report-blocked-refused", &[]),
    }
}

/// The quality check's figures, when it ran: the stream's and the
/// transfers' (see [`crate::result::CheckResult::media`]).
pub type MediaFigures<'a> = (
    &'a crate::quality::StreamResult,
    Option<&'a crate::quality::BandwidthResult>,
);

/// The table for the internet provider or IT: a header and one row per
/// requirement that did not pass (ports, protocol, traffic, result).
pub fn provider_rows(
    words: &dyn Words,
    requirements: &[RequirementResult],
    media: Option<MediaFigures>,
) -> ([String; 4], Vec<[String; 4]>) {
    let mut rows: Vec<[String; 4]> = requirements
        .iter()
        .filter(|r| r.status.is_failure())
        .map(|r| {
            [
                r.ports.to_string(),
                r.protocol.to_string(),
                r.purpose.clone(),
                failure_text(words, r.status),
            ]
        })
        .collect();
    if let Some((quality, bandwidth)) = media {
        rows.extend(crate::report::quality_rows(words, quality, bandwidth));
    }
    let header = [
        words.word("report-col-ports", &[]),
        words.word("report-col-protocol", &[]),
        words.word("report-col-traffic", &[]),
        words.word("report-col-result", &[]),
    ];
    (header, rows)
}

/// The same table as plain text that can be pasted into an e-mail or
/// ticket; empty when everything passed.
pub fn provider_table(
    words: &dyn Words,
    requirements: &[RequirementResult],
    media: Option<MediaFigures>,
) -> String {
    let (header, rows) = provider_rows(words, requirements, media);
    if rows.is_empty() {
        return String::new();
    }
    align(&header, &rows)
}

/// Columns padded to equal width in characters, joined by " | ".
fn align(header: &[String; 4], rows: &[[String; 4]]) -> String {
    let widths: Vec<usize> = (0..4)
        .map(|c| {
            std::iter::once(header)
                .chain(rows)
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
    let mut text = line(header);
    text.push('\n');
    for row in rows {
        text.push_str(&line(row));
        text.push('\n');
    }
    text
}

/// Words that are their own ids, for tests of the structure.
#[cfg(test)]
pub(crate) struct Ids;

#[cfg(test)]
impl Words for Ids {
    fn word(&self, id: &str, args: &[(&str, String)]) -> String {
        let args: Vec<String> = args.iter().map(|(k, v)| format!("{k}={v}")).collect();
        if args.is_empty() {
            id.to_owned()
        } else {
            format!("{id}({})", args.join(","))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
            note: None,
            probes: Vec::new(),
            status,
        }
    }

    const DROPPED: RequirementStatus = RequirementStatus::Blocked { filtered: true };

    #[test]
    fn a_clean_check_gets_only_the_profiles_own_advice() {
        let results = [requirement(Protocol::Tcp, "443", RequirementStatus::Open)];
        assert_eq!(advise(&results, None, None, &[], None), []);
        assert_eq!(
            advise(&results, None, None, &[Advice::Wpa2Personal], None),
            [Advice::Wpa2Personal]
        );
    }

    #[test]
    fn blocked_ports_get_firewall_and_provider_advice() {
        let results = [requirement(Protocol::Tcp, "9998-9999", DROPPED)];
        assert_eq!(
            advise(&results, None, None, &[], None),
            [Advice::OpenFirewall, Advice::AskProvider]
        );
    }

    #[test]
    fn interception_gets_portal_and_exemption_advice_not_a_firewall_change() {
        let intercepted = RequirementStatus::Intercepted {
            intercepted: 1,
            probed: 1,
        };
        let results = [requirement(Protocol::Tcp, "80", intercepted)];
        assert_eq!(
            advise(&results, None, None, &[], None),
            [Advice::SignInToPortal, Advice::ExemptFromInterception]
        );
        // A port blocked beside it still gets the firewall advice, after.
        let both = [
            results[0].clone(),
            requirement(Protocol::Tcp, "8557", DROPPED),
        ];
        assert_eq!(
            advise(&both, None, None, &[], None),
            [
                Advice::SignInToPortal,
                Advice::ExemptFromInterception,
                Advice::OpenFirewall,
                Advice::AskProvider
            ]
        );
        let table = provider_table(&Ids, &results, None);
        assert!(
            table.contains("report-intercepted(intercepted=1,probed=1)"),
            "{table}"
        );
    }

    #[test]
    fn inbound_failures_get_forwarding_advice_and_carrier_nat_a_public_address() {
        let mut inbound = requirement(Protocol::Tcp, "57536", DROPPED);
        inbound.direction = Direction::Inbound;
        assert_eq!(
            advise(&[inbound.clone()], None, None, &[], None),
            [
                Advice::ForwardInbound,
                Advice::OpenFirewall,
                Advice::AskProvider
            ]
        );
        inbound.status = RequirementStatus::Untested {
            reason: UntestedReason::CarrierNat,
        };
        assert_eq!(
            advise(&[inbound.clone()], None, None, &[], None),
            [Advice::PublicAddressForInbound],
            "no firewall can fix a shared address"
        );
        assert!(provider_table(&Ids, &[inbound], None).contains("report-carrier-nat"));
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
            None,
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
    fn double_nat_the_browser_cannot_see_reads_could_not_tell() {
        let results = [requirement(Protocol::Udp, "5060", RequirementStatus::Open)];
        let cone = NatResult {
            mapping: NatMapping::EndpointIndependent,
            public_addresses: Vec::new(),
            servers: 3,
        };
        let advice = advise(&results, Some(&cone), None, &[Advice::SingleNat], None);
        assert_eq!(advice, [Advice::SingleNatUnseen]);
        let advice = advise(&results, None, None, &[Advice::SingleNat], None);
        assert_eq!(advice, [Advice::SingleNatUnseen], "no NAT result either");
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
        let table = provider_table(&Ids, &results, None);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 3, "{table}");
        assert!(lines[0].starts_with("report-col-ports"));
        assert!(lines[1].contains("9998–9999") && lines[1].contains("report-blocked-dropped"));
        assert!(
            lines[2].contains("UDP") && lines[2].contains("report-partial(reachable=3,probed=8)")
        );
        assert!(!table.contains("443"), "passing ports are not in the table");
        // Columns line up in characters (the en dash is one character).
        let column = |line: &str, cell: &str| line[..line.find(cell).unwrap()].chars().count();
        assert_eq!(
            column(lines[1], "| TCP"),
            column(lines[0], "| report-col-protocol"),
            "aligned columns"
        );
        assert_eq!(provider_table(&Ids, &results[..1], None), "");
    }
}
