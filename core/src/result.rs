//! The result of one check: what the page publishes in
//! `<script type="application/json" id="doorway-result">` and what is shared.
//!
//! Versioned: `schema` names the format and changes whenever a field changes
//! meaning. Every struct denies unknown fields, so a reader notices drift
//! instead of silently dropping data.

use serde::{Deserialize, Serialize};

use crate::advice::Advice;
use crate::browser::Untestable;
use crate::nat::NatResult;
use crate::network::NetworkSeen;
use crate::ports::PortRange;
use crate::profile::{Direction, Protocol};
use crate::verdict::Verdict;

/// Version 2 added `quality`; a result shared under version 1 still reads.
pub const RESULT_SCHEMA: &str = "doorway-result/2";
const READABLE_SCHEMAS: [&str; 2] = ["doorway-result/1", RESULT_SCHEMA];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckResult {
    /// [`RESULT_SCHEMA`] when written by this version; an older one read.
    pub schema: String,
    /// RFC 3339, from the browser's clock.
    pub started_at: String,
    pub duration_ms: u64,
    pub profile: ProfileRef,
    pub server: ServerRef,
    pub client: ClientInfo,
    pub requirements: Vec<RequirementResult>,
    /// How the user's NAT maps addresses, when UDP let the check run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nat: Option<NatResult>,
    /// Whether a TURN relay works over each transport.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relay: Option<RelayResult>,
    /// A WebSocket echo on the page's own port (an upgraded connection).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub websocket: Option<ProbeOutcome>,
    /// What to do, most important first.
    #[serde(default)]
    pub advice: Vec<Advice>,
    pub verdict: Verdict,
    /// Whether calls and video will be good: the voice-like stream, measured
    /// after the verdict (absent while it runs, when UDP did not get
    /// through, or in a version 1 result).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quality: Option<crate::quality::StreamResult>,
    /// Download, upload and the round trip while uploading, measured after
    /// the stream (absent while it runs, or when the stream did not run).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bandwidth: Option<crate::quality::BandwidthResult>,
}

/// A relay candidate over TURN per transport: `reachable` when the server
/// gave an allocation, `filtered` when nothing came before the timeout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RelayResult {
    pub udp: ProbeOutcome,
    pub tcp: ProbeOutcome,
    pub tls: ProbeOutcome,
}

impl RelayResult {
    pub fn works(&self) -> bool {
        [self.udp, self.tcp, self.tls]
            .iter()
            .any(|o| o.is_reachable())
    }
}

impl CheckResult {
    /// The quality check's figures, for the reading and the provider's
    /// table: `None` until the stream ran.
    pub fn media(&self) -> Option<crate::advice::MediaFigures<'_>> {
        Some((self.quality.as_ref()?, self.bandwidth.as_ref()))
    }

    /// Parses and checks the version, so a reader never misreads another format.
    pub fn from_json(text: &str) -> Result<CheckResult, ResultError> {
        let result: CheckResult =
            serde_json::from_str(text).map_err(|e| ResultError::Malformed(e.to_string()))?;
        if !READABLE_SCHEMAS.contains(&result.schema.as_str()) {
            return Err(ResultError::UnknownSchema(result.schema));
        }
        Ok(result)
    }

    /// Removes the public IP addresses (the echo's and STUN's), for sharing
    /// when the person did not choose to include them.
    pub fn without_addresses(mut self) -> CheckResult {
        self.client.public_address = None;
        if let Some(nat) = &mut self.nat {
            nat.public_addresses.clear();
        }
        self
    }

    /// A result for unit tests (here and the page's): `requirements` of a
    /// custom profile called `profile_name`, the verdict they give, nothing
    /// else measured.
    #[doc(hidden)]
    pub fn for_tests(profile_name: String, requirements: Vec<RequirementResult>) -> CheckResult {
        CheckResult {
            schema: crate::RESULT_SCHEMA.into(),
            started_at: "2026-11-21T12:00:00Z".into(),
            duration_ms: 3000,
            profile: ProfileRef {
                id: "custom".into(),
                name: profile_name,
                custom: None,
            },
            server: ServerRef {
                probe_host: "h".into(),
                scheme: "https".into(),
            },
            client: ClientInfo::default(),
            verdict: Verdict::from_results(&requirements, false),
            requirements,
            nat: None,
            relay: None,
            websocket: None,
            advice: Vec::new(),
            quality: None,
            bandwidth: None,
        }
    }

    /// Every probed port with its protocol, requirement by requirement (a
    /// port two requirements share appears twice).
    pub fn probes(&self) -> impl Iterator<Item = (Protocol, &PortProbe)> {
        self.requirements
            .iter()
            .flat_map(|r| r.probes.iter().map(move |p| (r.protocol, p)))
    }

    /// The outcome of one port, wherever it appears.
    pub fn probe(&self, protocol: Protocol, port: u16) -> Option<&ProbeOutcome> {
        self.probes()
            .find(|(p, probe)| *p == protocol && probe.port == port)
            .map(|(_, probe)| &probe.outcome)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResultError {
    #[error("not a Doorway result: {0}")]
    Malformed(String),
    #[error("result schema \"{0}\" is not one this version reads (up to \"{RESULT_SCHEMA}\")")]
    UnknownSchema(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileRef {
    pub id: String,
    pub name: String,
    /// The URL lists a custom profile came from, e.g. "tcp=443&udp=3478".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerRef {
    /// Host name or address the probes went to.
    pub probe_host: String,
    /// "http" or "https": the probes use the page's scheme.
    pub scheme: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ClientInfo {
    pub user_agent: String,
    /// The address the server saw, from /api/echo; absent when that failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_address: Option<String>,
    /// The network as the server saw it (operator, ASN, kind); kept when
    /// the address is left out of a shared result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<NetworkSeen>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequirementResult {
    pub protocol: Protocol,
    pub ports: PortRange,
    pub direction: Direction,
    pub purpose: String,
    pub breaks: String,
    pub required: bool,
    /// Where the vendor's articles disagree or need care.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Ports of the requirement that were (or would have been) probed; for a
    /// large range, the server's sample of it.
    pub probes: Vec<PortProbe>,
    pub status: RequirementStatus,
}

impl RequirementResult {
    /// Incoming TCP with ports to knock on: the page offers "Check from
    /// outside" for it where the server knocks.
    pub fn can_be_knocked(&self) -> bool {
        crate::inbound::is_knockable(self.direction, self.protocol) && !self.probes.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PortProbe {
    pub port: u16,
    pub outcome: ProbeOutcome,
}

/// What the browser saw for one port.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum ProbeOutcome {
    /// The server answered.
    Reachable { ms: u32 },
    /// Failed fast: nothing listening, or a firewall that rejects (TCP reset).
    Refused { ms: u32 },
    /// No answer before our timeout: a firewall dropping silently.
    Filtered { timeout_ms: u32 },
    /// The browser cannot test this port at all.
    NotTestable { reason: Untestable },
    /// Testable, but this Doorway server does not listen on it.
    NotServed,
    /// Something answered, but not our server (no nonce, not our answer): a
    /// captive portal, a transparent proxy or a security filter on the way.
    /// The port is not blocked; the traffic goes somewhere else.
    Intercepted { ms: u32 },
}

impl ProbeOutcome {
    pub fn is_reachable(self) -> bool {
        matches!(self, ProbeOutcome::Reachable { .. })
    }

    /// Failed in a way that says something about the user's network.
    pub fn is_blocked(self) -> bool {
        matches!(
            self,
            ProbeOutcome::Refused { .. } | ProbeOutcome::Filtered { .. }
        )
    }

    pub fn is_intercepted(self) -> bool {
        matches!(self, ProbeOutcome::Intercepted { .. })
    }
}

/// Summary of a requirement's probes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum RequirementStatus {
    /// Every probed port answered.
    Open,
    /// Some probed ports answered and some did not.
    Partial { reachable: u32, probed: u32 },
    /// No probed port answered.
    Blocked { filtered: bool },
    /// Something other than our server answered on `intercepted` of the
    /// `probed` ports: the traffic does not reach its destination, though
    /// nothing blocks it.
    Intercepted { intercepted: u32, probed: u32 },
    /// Nothing about the user's network could be learnt.
    Untested { reason: UntestedReason },
}

impl RequirementStatus {
    /// The requirement did not pass: something was blocked or intercepted,
    /// or it is inbound behind a carrier-grade NAT, where it cannot work.
    pub fn is_failure(self) -> bool {
        matches!(
            self,
            RequirementStatus::Blocked { .. }
                | RequirementStatus::Partial { .. }
                | RequirementStatus::Intercepted { .. }
                | RequirementStatus::Untested {
                    reason: UntestedReason::CarrierNat
                }
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UntestedReason {
    BrowserRefusedPort,
    Inbound,
    NoWebRtc,
    NoCandidates,
    SkippedByBrowser,
    NotServed,
    CarrierNat,
}

impl UntestedReason {
    /// Another browser could test it (see [`Untestable::is_this_browser`]).
    pub fn is_this_browser(self) -> bool {
        matches!(
            self,
            UntestedReason::NoWebRtc
                | UntestedReason::NoCandidates
                | UntestedReason::SkippedByBrowser
        )
    }
}

impl From<Untestable> for UntestedReason {
    fn from(reason: Untestable) -> Self {
        match reason {
            Untestable::BrowserRefusedPort => UntestedReason::BrowserRefusedPort,
            Untestable::Inbound => UntestedReason::Inbound,
            Untestable::NoWebRtc => UntestedReason::NoWebRtc,
            Untestable::NoCandidates => UntestedReason::NoCandidates,
            Untestable::SkippedByBrowser => UntestedReason::SkippedByBrowser,
            Untestable::CarrierNat => UntestedReason::CarrierNat,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_result_shared_under_version_1_still_reads_and_others_are_refused() {
        let mut result = CheckResult::for_tests("Ring".into(), Vec::new());
        result.schema = "doorway-result/1".into();
        let text = serde_json::to_string(&result).unwrap();
        assert!(!text.contains("quality"), "version 1 has no quality");
        let read = CheckResult::from_json(&text).unwrap();
        assert_eq!(
            (read.schema.as_str(), read.quality),
            ("doorway-result/1", None)
        );

        result.schema = "doorway-result/3".into();
        let text = serde_json::to_string(&result).unwrap();
        assert!(matches!(
            CheckResult::from_json(&text),
            Err(ResultError::UnknownSchema(schema)) if schema == "doorway-result/3"
        ));
    }

    #[test]
    fn quality_figures_round_trip_in_version_2() {
        use crate::quality::{echoes, QualityStandard, StreamResult};
        let mut result = CheckResult::for_tests("Ring".into(), Vec::new());
        let rtts: Vec<Option<f64>> = (0..200).map(|n| (n % 50 != 0).then_some(31.0)).collect();
        result.quality = Some(StreamResult::from_echoes(
            QualityStandard::Generic,
            3478,
            &echoes(&rtts),
        ));
        result.bandwidth = Some(crate::quality::BandwidthResult {
            down_kbps: Some(48_200),
            up_kbps: None,
            loaded_rtt_ms: Some(64),
        });
        let text = serde_json::to_string(&result).unwrap();
        assert!(text.contains("\"schema\":\"doorway-result/2\""), "{text}");
        assert!(text.contains("\"down_kbps\":48200"), "{text}");
        assert_eq!(CheckResult::from_json(&text).unwrap(), result);
    }
}
