//! Bodies of the worker's JSON API, shared by the worker and the frontend so
//! they cannot drift apart.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::plan::ServedPorts;
use crate::profile::{Profile, Protocol};
use crate::result::CheckResult;

/// `GET /api/config`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigResponse {
    pub profiles: Vec<Profile>,
    pub probe: ProbeConfig,
}

impl ConfigResponse {
    /// The configuration for a page in `lang`: each profile keeps its
    /// translations into `lang` only (English is the profiles' own). The
    /// other languages' were more than half of the compressed answer.
    pub fn in_language(&self, lang: &str) -> ConfigResponse {
        let mut config = self.clone();
        for profile in &mut config.profiles {
            profile.l10n.retain(|code, _| code == lang);
            for requirement in &mut profile.requirements {
                requirement.l10n.retain(|code, _| code == lang);
            }
        }
        config
    }

    /// The language codes the profiles carry translations into, sorted.
    pub fn translated_into(&self) -> Vec<&str> {
        let codes: std::collections::BTreeSet<&str> = self
            .profiles
            .iter()
            .flat_map(|p| {
                p.l10n
                    .keys()
                    .chain(p.requirements.iter().flat_map(|r| r.l10n.keys()))
            })
            .map(String::as_str)
            .collect();
        codes.into_iter().collect()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProbeConfig {
    /// Host the probes go to; `None` means the host the page came from.
    pub host: Option<String>,
    /// The page's own give-up time for one probe.
    pub timeout_ms: u32,
    pub served: ServedPorts,
    /// Ports the server tried and failed to listen on, with the reason.
    pub unavailable: Vec<UnavailablePort>,
    /// STUN servers for telling how the user's NAT maps addresses.
    pub nat: NatServers,
    /// Whether `GET /api/turn` hands out TURN credentials.
    pub turn: bool,
    /// Whether the relay forwards to the quality stream's echo, so the
    /// stream may go through it where only the relay gets through.
    #[serde(default)]
    pub quality_relay: bool,
    /// Whether the server stores shared results; without a store the page
    /// puts the result in the link itself.
    pub store: bool,
    /// Whether `POST /api/knock` checks inbound ports from outside.
    #[serde(default)]
    pub inbound: bool,
    /// Probe nodes the page may use instead of this server (their origins,
    /// see `node::NodeOrigin`); the page takes whichever answers first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub nodes: Vec<String>,
    /// Where the probes' API answers: a probe node's once the page chose
    /// one (`node::probe_through`); this server's as it sends it.
    #[serde(default, skip_serializing_if = "ProbeApi::is_the_pages_own")]
    pub api: ProbeApi,
}

/// Where the probes' API (echo, relay credentials, knock, stream,
/// bandwidth, WebSocket) answers: a probe node's origin, or the page's own
/// server.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ProbeApi(pub Option<String>);

impl ProbeApi {
    pub fn is_the_pages_own(&self) -> bool {
        self.0.is_none()
    }

    /// `path` (`/api/…`) on the server that answers the probes.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.0.as_deref().unwrap_or_default())
    }

    /// The probes' scheme as `location.protocol` writes it (`https:`): the
    /// probe node's, or the page's own (`page_protocol`).
    pub fn scheme(&self, page_protocol: &str) -> String {
        match self
            .0
            .as_deref()
            .and_then(|origin| origin.split_once("://"))
        {
            Some((scheme, _)) => format!("{scheme}:"),
            None => page_protocol.to_owned(),
        }
    }

    /// The WebSocket echo: on the probe node, or on the page's own origin
    /// (`page_origin`, so through the proxy a page may sit behind).
    pub fn websocket_url(&self, page_origin: &str) -> String {
        let origin = self.0.as_deref().unwrap_or(page_origin);
        // "https://host" → "wss://host", "http://host" → "ws://host".
        let rest = origin.strip_prefix("http").unwrap_or(origin);
        format!("ws{rest}/ws")
    }
}

/// Two STUN ports on the main address, and one on a second address when the
/// server has one: comparing the mappings they report tells the NAT type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NatServers {
    pub ports: [u16; 2],
    /// Host or address of the second STUN server (port `ports[0]`).
    pub second_host: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnavailablePort {
    pub protocol: Protocol,
    pub port: u16,
    pub reason: String,
}

/// `GET /api/turn`: short-lived TURN credentials (TURN REST scheme).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TurnCredentials {
    pub username: String,
    pub credential: String,
    pub ttl_secs: u64,
    /// UDP and TCP port of the TURN server.
    pub port: u16,
    /// TURN over TLS.
    pub tls_port: u16,
}

/// `GET /healthz`: whether this node can do its job (200 when `status` is
/// ok, 503 when failing), for a load balancer or a service manager.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthResponse {
    pub status: PartHealth,
    /// Shared results (SQLite): answers a read, is off (`--no-store`), or fails.
    pub store: PartHealth,
    /// The relay (coturn): on, or off (`--no-turn`).
    pub relay: PartHealth,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartHealth {
    Ok,
    Off,
    Failing,
}

/// `POST /api/bandwidth` answers with the bytes that arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UploadResponse {
    pub bytes: u64,
}

/// `POST /api/stream`: the page's WebRTC offer for the quality check's echo,
/// on a UDP port the server serves (one that just answered STUN).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StreamOffer {
    pub port: u16,
    pub sdp: String,
}

/// The server's answer to a [`StreamOffer`]: its SDP, one host candidate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StreamAnswer {
    pub sdp: String,
}

/// `POST /api/results` answers 201 with this.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareResponse {
    pub id: String,
    /// Where the result can be seen: `/r/<id>`.
    pub path: String,
    /// Unix seconds.
    pub expires_at: u64,
}

/// `GET /api/results/<id>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SharedResult {
    pub id: String,
    /// Unix seconds.
    pub created_at: u64,
    pub expires_at: u64,
    pub result: CheckResult,
}

/// `GET /api/echo`: what the server sees of the client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EchoResponse {
    pub address: String,
    pub port: u16,
    /// The server port the request arrived on.
    pub server_port: u16,
    pub tls: bool,
    pub http_version: String,
    /// Only headers that tell something about the path (proxies, client).
    pub headers: BTreeMap<String, String>,
    /// The network the address belongs to (the app's echo only; probe
    /// ports do not look it up).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<crate::network::NetworkSeen>,
}

/// `GET /probe?n=<nonce>` on every probe port.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProbeResponse {
    pub port: u16,
    pub tls: bool,
    /// The check's nonce, echoed: an answer without it is not ours.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
}

/// `POST /api/knock`: knock on the caller's own public address, TCP `port`,
/// one of the inbound ports of `profile` (a built-in id, or `custom` with the
/// custom lists). There is no field for an address: the server knocks only
/// on the address it sees the request come from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KnockRequest {
    pub profile: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom: Option<String>,
    pub port: u16,
}

/// The knock's end: reachable (something at home accepted), refused (the
/// router or a device said no), filtered (nothing before the timeout), or
/// not testable behind a carrier-grade NAT (no knock was made).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KnockResponse {
    pub port: u16,
    pub outcome: crate::ProbeOutcome,
}

/// The query parameter a probe's nonce travels in.
pub const NONCE_PARAM: &str = "n";
/// Longest nonce the server echoes; the page sends 16 characters.
pub const MAX_NONCE: usize = 64;

/// A nonce is 1 to [`MAX_NONCE`] characters of `A–Z a–z 0–9 - _`, so the
/// server can echo it without escaping anything.
pub fn nonce_is_valid(nonce: &str) -> bool {
    (1..=MAX_NONCE).contains(&nonce.len())
        && nonce
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Whether a probe's answer came from our server: a 200 whose body parsed
/// as our [`ProbeResponse`] (`None`: it did not) carrying this check's
/// nonce. A portal, a proxy's error page or a filter's block page is an
/// answer, but not this one. The caller parses (the page with the browser's
/// own JSON parser, which keeps serde_json's out of the wasm).
pub fn is_our_probe_answer(status: u16, answer: Option<&ProbeResponse>, nonce: &str) -> bool {
    status == 200 && answer.is_some_and(|answer| answer.nonce.as_deref() == Some(nonce))
}

/// What the page sends over the WebSocket, and expects back word for word.
pub fn websocket_hello(nonce: &str) -> String {
    format!("doorway {nonce}")
}

/// Every API error: `{"error": {"status": 404, "code": "not_found", "message": "…"}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorResponse {
    pub error: ErrorBody,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub status: u16,
    pub code: String,
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "builtin-profiles")]
    #[test]
    fn a_config_in_one_language_reads_the_same_in_it_and_carries_no_other() {
        let probe: ProbeConfig = serde_json::from_str(
            r#"{"host": null, "timeout_ms": 2500, "served": {"tcp": [80], "udp": []},
            "unavailable": [], "turn": false, "store": true,
            "nat": {"ports": [3478, 3479], "second_host": null}}"#,
        )
        .expect("a probe configuration");
        let config = ConfigResponse {
            profiles: crate::profile::builtin_profiles().expect("the built-in profiles"),
            probe,
        };
        assert_eq!(config.translated_into(), ["de", "it"]);
        for lang in ["en", "de", "it"] {
            let narrow = config.in_language(lang);
            let expected: &[&str] = if lang == "en" { &[] } else { &[lang] };
            assert_eq!(narrow.translated_into(), expected, "{lang}");
            assert_eq!(narrow.probe, config.probe);
            // What the page shows in `lang`: the localized texts, without
            // the translations they came from.
            let shown = |profile: &Profile| {
                let mut shown = profile.localized(lang);
                shown.l10n.clear();
                shown.requirements.iter_mut().for_each(|r| r.l10n.clear());
                shown
            };
            for (whole, one) in config.profiles.iter().zip(&narrow.profiles) {
                assert_eq!(shown(one), shown(whole), "{lang} {}", whole.id);
            }
        }
    }

    #[test]
    fn the_scheme_and_websocket_echo_follow_the_probe_api() {
        let own = ProbeApi::default();
        assert_eq!(
            own.websocket_url("https://doorway.example"),
            "wss://doorway.example/ws"
        );
        assert_eq!(
            own.websocket_url("http://198.18.0.2:8080"),
            "ws://198.18.0.2:8080/ws"
        );
        assert_eq!(own.scheme("http:"), "http:");
        let node = ProbeApi(Some("https://eu.probe.example.com".into()));
        assert_eq!(node.scheme("http:"), "https:");
        assert_eq!(
            node.websocket_url("https://doorway.example"),
            "wss://eu.probe.example.com/ws"
        );
        assert_eq!(
            node.url("/api/turn"),
            "https://eu.probe.example.com/api/turn"
        );
    }

    #[test]
    fn nonces_are_short_and_need_no_escaping() {
        assert!(nonce_is_valid("a1B2-c3_D4"));
        assert!(nonce_is_valid(&"x".repeat(MAX_NONCE)));
        for bad in [
            "",
            "a b",
            "a&b=c",
            "\"<script>",
            "ä",
            &"x".repeat(MAX_NONCE + 1),
        ] {
            assert!(!nonce_is_valid(bad), "{bad:?}");
        }
    }

    #[test]
    fn only_our_answer_with_this_checks_nonce_is_ours() {
        let read = |body: &str| serde_json::from_str::<ProbeResponse>(body).ok();
        let ours = read(r#"{"port":80,"tls":false,"nonce":"k3y"}"#);
        assert!(is_our_probe_answer(200, ours.as_ref(), "k3y"));
        assert!(
            !is_our_probe_answer(200, ours.as_ref(), "other"),
            "another check's"
        );
        assert!(!is_our_probe_answer(404, ours.as_ref(), "k3y"));
        let portal = read("<html><body>Please sign in to Hotel Wi-Fi</body></html>");
        assert!(!is_our_probe_answer(200, portal.as_ref(), "k3y"));
        let no_nonce = read(r#"{"port":80,"tls":false}"#);
        assert!(!is_our_probe_answer(200, no_nonce.as_ref(), "k3y"));
    }
}
