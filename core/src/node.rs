//! Probe nodes: workers that answer the probes for a checker served from
//! somewhere else (another host, or the edge). Each is named by its origin,
//! `https://eu.probe.example.com` or `http://198.18.7.2:8080`: the page
//! reaches its API there, and probes every port of its host.

use std::fmt;

use crate::api::{ConfigResponse, ProbeApi, ProbeConfig};

/// A probe node's origin: scheme, host and the port of its API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeOrigin {
    pub https: bool,
    /// A name or an address (IPv6 in brackets, as in a URL).
    pub host: String,
    /// The API's port; `None` for the scheme's own (80 or 443).
    pub port: Option<u16>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BadOrigin {
    #[error("\"{0}\" is not an origin: write it as https://host or http://host:port")]
    Shape(String),
    #[error("\"{0}\": the host may hold only letters, digits, '-', '.', or an address")]
    Host(String),
    #[error("\"{0}\": the port is not a number from 1 to 65535")]
    Port(String),
}

impl NodeOrigin {
    /// Space-separated origins, as the edge's `PROBE_NODES` lists them
    /// (read by the edge, and checked by `cargo xtask deploy-edge` first).
    pub fn parse_list(text: &str) -> Result<Vec<NodeOrigin>, BadOrigin> {
        text.split_whitespace().map(NodeOrigin::parse).collect()
    }

    /// An origin as a browser writes it: scheme, host, optional port,
    /// nothing after (a trailing `/` is allowed).
    pub fn parse(text: &str) -> Result<NodeOrigin, BadOrigin> {
        let shape = || BadOrigin::Shape(text.to_owned());
        let (scheme, rest) = text.split_once("://").ok_or_else(shape)?;
        let https = match scheme.to_ascii_lowercase().as_str() {
            "https" => true,
            "http" => false,
            _ => return Err(shape()),
        };
        let authority = rest.strip_suffix('/').unwrap_or(rest);
        if authority.is_empty() || authority.contains(['/', '?', '#', '@']) {
            return Err(shape());
        }
        // The port follows the last colon outside an IPv6 address's brackets.
        let (host, port) = match authority.rfind(':') {
            Some(colon) if !authority[colon..].contains(']') => {
                let port = &authority[colon + 1..];
                let port = port
                    .parse::<u16>()
                    .ok()
                    .filter(|&p| p > 0)
                    .ok_or_else(|| BadOrigin::Port(text.to_owned()))?;
                (&authority[..colon], Some(port))
            }
            _ => (authority, None),
        };
        let bracketed = host.starts_with('[') && host.ends_with(']') && host.len() > 2;
        let plain = !host.is_empty()
            && host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
        let address = bracketed
            && host[1..host.len() - 1]
                .bytes()
                .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.');
        if !plain && !address {
            return Err(BadOrigin::Host(text.to_owned()));
        }
        Ok(NodeOrigin {
            https,
            host: host.to_ascii_lowercase(),
            port,
        })
    }
}

/// The origin as a browser sends it in `Origin`: no default port, no slash.
impl fmt::Display for NodeOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = if self.https { "https" } else { "http" };
        write!(f, "{scheme}://{}", self.host)?;
        match self.port {
            Some(port) if port != if self.https { 443 } else { 80 } => write!(f, ":{port}"),
            _ => Ok(()),
        }
    }
}

/// What a page that chose `node` checks with: the node's probes (its ports,
/// relay, STUN servers and timeout) and API, at the host of the origin the
/// app lists (the one its page's CSP allows and a certificate names, even
/// where the node knows itself by an address); the app's own profiles and
/// store, since results are shared where the page came from (a node keeps
/// none).
pub fn probe_through(app: ConfigResponse, node: &NodeOrigin, probe: ProbeConfig) -> ConfigResponse {
    ConfigResponse {
        probe: ProbeConfig {
            host: Some(node.host.clone()),
            store: app.probe.store,
            nodes: Vec::new(),
            api: ProbeApi(Some(node.to_string())),
            ..probe
        },
        profiles: app.profiles,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_is_every_origin_in_it_or_the_first_that_is_not_one() {
        let list =
            NodeOrigin::parse_list("  https://eu.probe.example.com\n http://198.18.7.2:8080 ")
                .expect("two origins");
        let printed: Vec<String> = list.iter().map(ToString::to_string).collect();
        assert_eq!(
            printed,
            ["https://eu.probe.example.com", "http://198.18.7.2:8080"]
        );
        assert_eq!(NodeOrigin::parse_list(" "), Ok(Vec::new()));
        assert_eq!(
            NodeOrigin::parse_list("https://a.example eu.probe.example.com"),
            Err(BadOrigin::Shape("eu.probe.example.com".into()))
        );
    }

    #[test]
    fn origins_print_back_as_browsers_send_them() {
        for (text, printed) in [
            (
                "https://EU.probe.example.com",
                "https://eu.probe.example.com",
            ),
            (
                "https://eu.probe.example.com/",
                "https://eu.probe.example.com",
            ),
            (
                "https://eu.probe.example.com:443",
                "https://eu.probe.example.com",
            ),
            ("http://198.18.7.2:8080", "http://198.18.7.2:8080"),
            ("http://[2001:db8::10]:8080", "http://[2001:db8::10]:8080"),
            ("https://[2001:db8::10]", "https://[2001:db8::10]"),
        ] {
            assert_eq!(
                NodeOrigin::parse(text).map(|o| o.to_string()),
                Ok(printed.into())
            );
        }
    }

    #[test]
    fn anything_but_an_origin_is_refused_with_the_reason() {
        for text in [
            "eu.probe.example.com",
            "ftp://eu.probe.example.com",
            "https://",
            "https://eu.probe.example.com/api",
            "https://user@eu.probe.example.com",
            "https://eu.probe.example.com?x",
        ] {
            assert!(
                matches!(NodeOrigin::parse(text), Err(BadOrigin::Shape(_))),
                "{text}"
            );
        }
        for text in ["https://eu probe", "https://e*u", "https://[zz::1]"] {
            assert!(
                matches!(NodeOrigin::parse(text), Err(BadOrigin::Host(_))),
                "{text}"
            );
        }
        for text in [
            "http://a.example:0",
            "http://a.example:65536",
            "http://a.example:",
        ] {
            assert!(
                matches!(NodeOrigin::parse(text), Err(BadOrigin::Port(_))),
                "{text}"
            );
        }
    }

    fn config(json: &str) -> ConfigResponse {
        serde_json::from_str(json).expect("a configuration")
    }

    const APP: &str = r#"{"profiles": [], "probe": {"host": null, "timeout_ms": 3000,
        "served": {"tcp": [80]}, "unavailable": [], "turn": false, "store": true,
        "nat": {"ports": [3478, 3479], "second_host": null},
        "nodes": ["http://198.18.7.2:8080", "https://eu.probe.example.com"]}}"#;

    fn node_probe(host: Option<&str>) -> ProbeConfig {
        let mut node = config(
            r#"{"profiles": [], "probe": {"host": null, "timeout_ms": 2500,
            "served": {"tcp": [80, 8557], "udp": [16500]}, "unavailable": [],
            "turn": true, "store": false, "inbound": true,
            "nat": {"ports": [3478, 3479], "second_host": "198.18.7.3"}}}"#,
        )
        .probe;
        node.host = host.map(str::to_owned);
        node
    }

    #[test]
    fn a_chosen_node_answers_the_probes_and_the_app_keeps_the_results() {
        let node = NodeOrigin::parse("http://198.18.7.2:8080").unwrap();
        let chosen = probe_through(config(APP), &node, node_probe(None));
        let probe = &chosen.probe;
        assert_eq!(probe.host.as_deref(), Some("198.18.7.2"));
        assert_eq!(
            probe.api.url("/api/echo"),
            "http://198.18.7.2:8080/api/echo"
        );
        assert_eq!(
            probe.served.tcp.iter().copied().collect::<Vec<_>>(),
            [80, 8557]
        );
        assert_eq!(probe.timeout_ms, 2500);
        assert!(probe.turn && probe.inbound);
        assert_eq!(probe.nat.second_host.as_deref(), Some("198.18.7.3"));
        // Results still go to the app's store; no node is chosen twice.
        assert!(probe.store);
        assert!(probe.nodes.is_empty());
    }

    #[test]
    fn a_node_is_probed_by_the_name_the_app_lists_not_the_one_it_knows() {
        let node = NodeOrigin::parse("https://eu.probe.example.com").unwrap();
        let chosen = probe_through(config(APP), &node, node_probe(Some("203.0.113.10")));
        assert_eq!(chosen.probe.host.as_deref(), Some("eu.probe.example.com"));
        assert_eq!(
            chosen.probe.api.url("/ws"),
            "https://eu.probe.example.com/ws"
        );
    }

    #[test]
    fn without_a_node_the_api_is_the_pages_own() {
        assert_eq!(config(APP).probe.api.url("/api/turn"), "/api/turn");
    }
}
