//! A shared result as this server can vouch for it. A result arrives from a
//! browser, and a link on our domain shows it, so nothing in it may speak in
//! our name unless we wrote it: the words come from our own profiles (by
//! profile id, or rebuilt from a custom profile's port lists), the statuses,
//! verdict and advice are derived again here from the ports and outcomes, and
//! addresses and dates must be what they claim. Only the measurements (ports,
//! outcomes, NAT mapping, relay) are the browser's.

use std::net::{IpAddr, SocketAddr};

use crate::advice::advise;
use crate::plan::status_of;
use crate::profile::{Direction, Profile, CUSTOM_PROFILE_ID};
use crate::result::{CheckResult, RequirementResult, RequirementStatus};
use crate::verdict::Verdict;

/// Longest user agent kept; real ones are under 300 characters.
const MAX_USER_AGENT: usize = 512;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VouchError {
    #[error("profile \"{0}\" is not one of this server's profiles")]
    UnknownProfile(String),
    #[error("the custom profile's port lists are not valid: {0}")]
    BadCustomProfile(String),
    #[error("the requirements are not those of profile \"{0}\"")]
    RequirementsDiffer(String),
    #[error("port {port} is outside {protocol} {ports}, the requirement it is listed under")]
    ProbeOutsideRequirement {
        protocol: crate::Protocol,
        ports: crate::PortRange,
        port: u16,
    },
    #[error("\"{0}\" is not an IP address")]
    BadAddress(String),
    #[error("\"{0}\" is not a host name or address")]
    BadHost(String),
    #[error("\"{0}\" is not a date and time")]
    BadDate(String),
    #[error("the user agent is not a plain line of text of at most {MAX_USER_AGENT} characters")]
    BadUserAgent,
    #[error(
        "the network's operator is not a plain line of text of at most {} characters",
        crate::network::MAX_OPERATOR_CHARS
    )]
    BadNetwork,
    #[error("the bandwidth figures are not those of a measurement (at most 100 Gbit/s, round trips under a minute)")]
    BadBandwidth,
    #[error("the quality figures are not those of a stream (at most {} packets, none back that was not sent, loss and MOS in range)", crate::quality::MAX_STREAM_PACKETS)]
    BadQuality,
}

/// `result` with every word replaced by ours and every derived part derived
/// again, or the reason it cannot be vouched for.
pub fn vouch(mut result: CheckResult, profiles: &[Profile]) -> Result<CheckResult, VouchError> {
    let profile = resolve_profile(
        &result.profile.id,
        result.profile.custom.as_deref(),
        profiles,
    )?;
    if result.requirements.len() != profile.requirements.len() {
        return Err(VouchError::RequirementsDiffer(profile.id));
    }
    for (measured, ours) in result.requirements.iter_mut().zip(&profile.requirements) {
        if (measured.protocol, measured.ports, measured.direction)
            != (ours.protocol, ours.ports, ours.direction)
        {
            return Err(VouchError::RequirementsDiffer(profile.id));
        }
        if let Some(probe) = measured
            .probes
            .iter()
            .find(|p| !ours.ports.contains(p.port))
        {
            return Err(VouchError::ProbeOutsideRequirement {
                protocol: ours.protocol,
                ports: ours.ports,
                port: probe.port,
            });
        }
        measured.purpose = ours.purpose.clone();
        measured.breaks = ours.breaks.clone();
        measured.note = ours.note.clone();
        measured.required = ours.required;
        measured.status = status_from_probes(measured);
    }
    result.profile.name = profile.name.clone();
    result.profile.custom = match result.profile.id.as_str() {
        CUSTOM_PROFILE_ID => Some(custom_spec(&profile)),
        _ => None,
    };

    check_host(&result.server.probe_host)?;
    if !matches!(result.server.scheme.as_str(), "http" | "https") {
        return Err(VouchError::BadHost(result.server.scheme.clone()));
    }
    check_date(&result.started_at)?;
    let agent = &result.client.user_agent;
    if agent.len() > MAX_USER_AGENT || agent.chars().any(|c| !(' '..='~').contains(&c)) {
        return Err(VouchError::BadUserAgent);
    }
    if let Some(address) = &result.client.public_address {
        address
            .parse::<IpAddr>()
            .map_err(|_| VouchError::BadAddress(address.clone()))?;
    }
    if result
        .client
        .network
        .as_ref()
        .is_some_and(|n| !n.is_plain())
    {
        return Err(VouchError::BadNetwork);
    }
    if let Some(nat) = &result.nat {
        for address in &nat.public_addresses {
            if address.parse::<SocketAddr>().is_err() && address.parse::<IpAddr>().is_err() {
                return Err(VouchError::BadAddress(address.clone()));
            }
        }
    }

    // Figures the page measured; the standard they are read against is ours.
    if let Some(quality) = &mut result.quality {
        if !quality.is_plausible() {
            return Err(VouchError::BadQuality);
        }
        match profile.quality {
            Some(standard) => quality.standard = standard,
            None => result.quality = None,
        }
    }
    // Transfers run after the stream, for the same profiles.
    if result.quality.is_none() {
        result.bandwidth = None;
    }
    if result.bandwidth.is_some_and(|b| !b.is_plausible()) {
        return Err(VouchError::BadBandwidth);
    }

    let relay_works = result.relay.is_some_and(|r| r.works());
    result.advice = advise(
        &result.requirements,
        result.nat.as_ref(),
        result.relay.as_ref(),
        &profile.advice,
        result.media(),
    );
    result.verdict = Verdict::from_results(&result.requirements, relay_works);
    Ok(result)
}

/// The status the outcomes give. Where no port was probed at all, the
/// browser's own reason (inbound, a refused port, no WebRTC) stands: it is
/// one of our words either way, and the outcomes cannot contradict it.
fn status_from_probes(requirement: &RequirementResult) -> RequirementStatus {
    let derived = status_of(&requirement.probes);
    match (derived, requirement.status) {
        (RequirementStatus::Untested { .. }, claimed @ RequirementStatus::Untested { .. }) => {
            claimed
        }
        _ => derived,
    }
}

/// The profile `id` names among ours, or for `custom`, the one its lists
/// (`tcp=443&udp=3478`) make.
pub fn resolve_profile(
    id: &str,
    custom: Option<&str>,
    profiles: &[Profile],
) -> Result<Profile, VouchError> {
    match id {
        CUSTOM_PROFILE_ID => custom_profile(custom),
        id => profiles
            .iter()
            .find(|p| p.id == id)
            .cloned()
            .ok_or_else(|| VouchError::UnknownProfile(id.to_owned())),
    }
}

/// The custom profile a result's `custom` lists (`tcp=443&udp=3478`) make.
fn custom_profile(spec: Option<&str>) -> Result<Profile, VouchError> {
    let spec = spec.ok_or_else(|| VouchError::BadCustomProfile("no port lists".into()))?;
    let (mut tcp, mut udp, mut inbound) = (None, None, None);
    for part in spec.split('&') {
        match part.split_once('=') {
            Some(("tcp", list)) if tcp.is_none() => tcp = Some(list),
            Some(("udp", list)) if udp.is_none() => udp = Some(list),
            Some(("in", list)) if inbound.is_none() => inbound = Some(list),
            _ => return Err(VouchError::BadCustomProfile(format!("\"{part}\""))),
        }
    }
    Profile::custom_with_inbound(tcp, udp, inbound)
        .map_err(|e| VouchError::BadCustomProfile(e.to_string()))
}

/// The custom lists written back from what was parsed, so only digits,
/// commas and dashes remain.
fn custom_spec(profile: &Profile) -> String {
    let list = |protocol, direction| {
        profile
            .requirements
            .iter()
            .filter(|r| r.protocol == protocol && r.direction == direction)
            .map(|r| r.ports.to_string())
            .collect::<Vec<_>>()
            .join(",")
    };
    [
        ("tcp", list(crate::Protocol::Tcp, Direction::Outbound)),
        ("udp", list(crate::Protocol::Udp, Direction::Outbound)),
        ("in", list(crate::Protocol::Tcp, Direction::Inbound)),
    ]
    .into_iter()
    .filter(|(_, list)| !list.is_empty())
    .map(|(name, list)| format!("{name}={list}"))
    .collect::<Vec<_>>()
    .join("&")
}

fn check_host(host: &str) -> Result<(), VouchError> {
    let plain = !host.is_empty()
        && host.len() <= 255
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
    if plain {
        Ok(())
    } else {
        Err(VouchError::BadHost(host.to_owned()))
    }
}

/// An RFC 3339 time as browsers write it (`2026-11-21T12:00:00.000Z`):
/// digits and the separators, nothing that reads as words.
fn check_date(date: &str) -> Result<(), VouchError> {
    let plain = (10..=40).contains(&date.len())
        && date.starts_with(|c: char| c.is_ascii_digit())
        && date
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '-' | ':' | '.' | 'T' | 'Z' | '+'));
    if plain {
        Ok(())
    } else {
        Err(VouchError::BadDate(date.to_owned()))
    }
}

#[cfg(all(test, feature = "builtin-profiles"))]
mod tests {
    use super::*;
    use crate::profile::builtin_profiles;
    use crate::result::{ClientInfo, PortProbe, ProfileRef, ServerRef};
    use crate::{CheckPlan, Overall, ProbeOutcome, ServedPorts};
    use std::collections::HashMap;

    /// What the page would share for `profile` with every probe `outcome`.
    fn page_result(profile: &Profile, outcome: ProbeOutcome) -> CheckResult {
        let mut served = ServedPorts::default();
        for r in &profile.requirements {
            let set = match r.protocol {
                crate::Protocol::Tcp => &mut served.tcp,
                crate::Protocol::Udp => &mut served.udp,
            };
            set.extend(r.ports.ports().take(3));
        }
        let plan = CheckPlan::new(profile, &served);
        let answers: HashMap<_, _> = plan.targets().into_iter().map(|t| (t, outcome)).collect();
        let requirements = plan.results(&answers);
        CheckResult {
            schema: crate::RESULT_SCHEMA.into(),
            started_at: "2026-11-21T12:00:00.000Z".into(),
            duration_ms: 2500,
            profile: ProfileRef {
                id: profile.id.clone(),
                name: profile.name.clone(),
                custom: None,
            },
            server: ServerRef {
                probe_host: "check.example.com".into(),
                scheme: "https".into(),
            },
            client: ClientInfo {
                user_agent: "Mozilla/5.0 (Linux; Android 14) Chrome/131.0 Mobile Safari/537.36"
                    .into(),
                public_address: Some("198.18.0.9".into()),
                network: None,
            },
            verdict: Verdict::from_results(&requirements, false),
            quality: None,
            bandwidth: None,
            advice: advise(&requirements, None, None, &profile.advice, None),
            requirements,
            nat: None,
            relay: None,
            websocket: None,
        }
    }

    fn ring() -> Profile {
        builtin_profiles()
            .unwrap()
            .into_iter()
            .find(|p| p.id == "ring")
            .unwrap()
    }

    #[test]
    fn an_honest_result_is_vouched_for_unchanged() {
        let profiles = builtin_profiles().unwrap();
        for outcome in [
            ProbeOutcome::Reachable { ms: 20 },
            ProbeOutcome::Filtered { timeout_ms: 3000 },
        ] {
            let result = page_result(&ring(), outcome);
            assert_eq!(vouch(result.clone(), &profiles).unwrap(), result);
        }
    }

    #[test]
    fn quality_figures_are_read_against_our_standard_and_advised_on() {
        use crate::quality::{echoes, BandwidthResult, QualityStandard, StreamResult};
        let profiles = builtin_profiles().unwrap();
        let mut result = page_result(&ring(), ProbeOutcome::Reachable { ms: 20 });
        // The page claims Twilio's looser limits; ring is read by "generic".
        result.quality = Some(StreamResult::from_echoes(
            QualityStandard::TwilioPreflight,
            3478,
            &echoes(&[Some(30.0); 200]),
        ));
        result.bandwidth = Some(BandwidthResult {
            down_kbps: Some(30_000),
            up_kbps: Some(700),
            loaded_rtt_ms: Some(35),
        });
        let vouched = vouch(result.clone(), &profiles).unwrap();
        assert_eq!(
            vouched.quality.map(|q| q.standard),
            Some(QualityStandard::Generic)
        );
        assert_eq!(vouched.advice, [crate::advice::Advice::FasterConnection]);

        // Figures no line gives are refused.
        let mut absurd = result.clone();
        absurd.bandwidth = Some(BandwidthResult {
            up_kbps: Some(u32::MAX),
            ..result.bandwidth.unwrap()
        });
        assert_eq!(vouch(absurd, &profiles), Err(VouchError::BadBandwidth));

        // Transfers without a stream belong to no profile's quality check.
        let mut alone = result;
        alone.quality = None;
        assert_eq!(vouch(alone, &profiles).unwrap().bandwidth, None);
    }

    #[test]
    fn words_and_verdicts_a_browser_sends_are_replaced_by_ours() {
        let profiles = builtin_profiles().unwrap();
        let honest = page_result(&ring(), ProbeOutcome::Filtered { timeout_ms: 3000 });
        let mut forged = honest.clone();
        forged.profile.name = "Your account is locked: call +1 555 0100".into();
        forged.requirements[0].purpose = "Enter your password at evil.example".into();
        forged.requirements[0].breaks = "Everything".into();
        forged.requirements[0].note = Some("Call us".into());
        forged.requirements[0].status = RequirementStatus::Open;
        forged.verdict.overall = Overall::Ready;
        forged.verdict.failures.clear();
        forged.advice.clear();
        let vouched = vouch(forged, &profiles).unwrap();
        assert_eq!(vouched, honest);
        assert_eq!(vouched.verdict.overall, Overall::NotReady);
    }

    #[test]
    fn custom_profiles_are_rebuilt_from_their_port_lists() {
        let profile = Profile::custom(Some("443,8557"), Some("3478")).unwrap();
        let mut result = page_result(&profile, ProbeOutcome::Reachable { ms: 9 });
        result.profile.custom = Some("tcp=443,8557&udp=3478".into());
        let vouched = vouch(result.clone(), &[]).unwrap();
        assert_eq!(vouched, result);
        result.profile.custom = Some("tcp=443,8557&note=<b>call us</b>".into());
        assert!(matches!(
            vouch(result.clone(), &[]),
            Err(VouchError::BadCustomProfile(_))
        ));
        result.profile.custom = Some("tcp=443&udp=3478".into());
        assert!(matches!(
            vouch(result, &[]),
            Err(VouchError::RequirementsDiffer(_))
        ));
        // With an incoming list, written back as `in=`.
        let profile = Profile::custom_with_inbound(Some("443"), None, Some("57536")).unwrap();
        let mut result = page_result(&profile, ProbeOutcome::Reachable { ms: 9 });
        result.profile.custom = Some("tcp=443&in=57536".into());
        assert_eq!(vouch(result.clone(), &[]).unwrap(), result);
    }

    #[test]
    fn what_cannot_be_vouched_for_is_refused_with_the_reason() {
        let profiles = builtin_profiles().unwrap();
        let honest = page_result(&ring(), ProbeOutcome::Reachable { ms: 20 });
        let refused = |change: &dyn Fn(&mut CheckResult)| {
            let mut result = honest.clone();
            change(&mut result);
            vouch(result, &profiles).unwrap_err()
        };
        assert!(matches!(
            refused(&|r| r.profile.id = "bank-login".into()),
            VouchError::UnknownProfile(_)
        ));
        assert!(matches!(
            refused(&|r| {
                r.requirements.pop();
            }),
            VouchError::RequirementsDiffer(_)
        ));
        assert!(matches!(
            refused(&|r| r.requirements[0].probes.push(PortProbe {
                port: 1,
                outcome: ProbeOutcome::Reachable { ms: 1 }
            })),
            VouchError::ProbeOutsideRequirement { port: 1, .. }
        ));
        assert!(matches!(
            refused(&|r| r.client.public_address = Some("call us".into())),
            VouchError::BadAddress(_)
        ));
        assert!(matches!(
            refused(
                &|r| r.client.network = Some(crate::network::NetworkSeen::Found {
                    asn: None,
                    operator: Some("Call +1 555 0100\nfor help".into()),
                    country: None,
                    kind: crate::network::NetworkKind::Unknown,
                })
            ),
            VouchError::BadNetwork
        ));
        assert!(matches!(
            refused(&|r| r.server.probe_host = "evil.example/login page".into()),
            VouchError::BadHost(_)
        ));
        assert!(matches!(
            refused(&|r| r.started_at = "yesterday, call us".into()),
            VouchError::BadDate(_)
        ));
        assert!(matches!(
            refused(&|r| r.client.user_agent = "a\nb".into()),
            VouchError::BadUserAgent
        ));
    }
}
