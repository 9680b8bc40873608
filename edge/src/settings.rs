//! The edge's settings (`[vars]` in wrangler.toml, or `--var`), read and
//! checked once per isolate. A wrong value is not guessed around: every
//! request then gets 503 `misconfigured` naming it, as the native worker
//! refuses to start with a wrong flag.

use doorway_api::security::SecurityPolicy;
use doorway_core::api::{ConfigResponse, NatServers, ProbeConfig};
use doorway_core::node::NodeOrigin;
use doorway_core::plan::ServedPorts;

/// As the native worker's `--result-days`.
const DEFAULT_RESULT_DAYS: u64 = 30;
const MAX_RESULT_DAYS: u64 = 3650;

#[derive(Debug)]
pub struct Settings {
    /// `PROBE_NODES`: the nodes the page races, in order.
    pub nodes: Vec<NodeOrigin>,
    /// `EMBED_ANCESTORS`: who may frame `?embed=1` (CSP sources).
    pub embed_ancestors: String,
    /// `RESULT_DAYS`, in seconds: how long a shared result is kept.
    pub result_secs: u64,
    /// `/api/config`'s answer.
    pub config: ConfigResponse,
}

impl Settings {
    /// `var` gives a setting's text, if set; `store`: whether results are
    /// kept (the D1 binding is there).
    pub fn parse(var: impl Fn(&str) -> Option<String>, store: bool) -> Result<Settings, String> {
        let nodes = NodeOrigin::parse_list(&var("PROBE_NODES").unwrap_or_default())
            .map_err(|e| format!("PROBE_NODES: {e}"))?;
        let embed_ancestors = var("EMBED_ANCESTORS").unwrap_or_default();
        SecurityPolicy::new([], &embed_ancestors).map_err(|e| format!("EMBED_ANCESTORS: {e}"))?;
        let days = match var("RESULT_DAYS").as_deref().map(str::trim) {
            None | Some("") => DEFAULT_RESULT_DAYS,
            Some(text) => text
                .parse()
                .ok()
                .filter(|days| (1..=MAX_RESULT_DAYS).contains(days))
                .ok_or_else(|| {
                    format!("RESULT_DAYS is \"{text}\": give whole days, 1 to {MAX_RESULT_DAYS}")
                })?,
        };
        let profiles =
            doorway_core::profile::builtin_profiles().map_err(|e| format!("profiles: {e}"))?;
        let config = ConfigResponse {
            profiles,
            probe: ProbeConfig {
                // The page probes the node it chose; these are the edge's
                // own, which probes nothing.
                host: None,
                timeout_ms: 3000,
                served: ServedPorts::default(),
                unavailable: Vec::new(),
                nat: NatServers {
                    ports: [3478, 3479],
                    second_host: None,
                },
                turn: false,
                quality_relay: false,
                store,
                inbound: false,
                nodes: nodes.iter().map(ToString::to_string).collect(),
                api: Default::default(),
            },
        };
        Ok(Settings {
            nodes,
            embed_ancestors,
            result_secs: days * 86_400,
            config,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(vars: &[(&str, &str)]) -> Result<Settings, String> {
        Settings::parse(
            |name| {
                vars.iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| v.to_string())
            },
            true,
        )
    }

    #[test]
    fn settings_are_read_with_the_native_defaults() {
        let settings = parse(&[(
            "PROBE_NODES",
            "https://eu.probe.example.com  http://198.18.7.2:8080",
        )])
        .unwrap();
        assert_eq!(settings.result_secs, 30 * 86_400);
        assert_eq!(
            settings.config.probe.nodes,
            ["https://eu.probe.example.com", "http://198.18.7.2:8080"]
        );
        assert!(settings.config.probe.store);
        assert!(!settings.config.profiles.is_empty());
        assert_eq!(
            parse(&[("RESULT_DAYS", " 7 ")]).unwrap().result_secs,
            7 * 86_400
        );
    }

    #[test]
    fn a_wrong_setting_is_named_not_guessed_around() {
        for (name, value, said) in [
            ("RESULT_DAYS", "0", "RESULT_DAYS is \"0\""),
            ("RESULT_DAYS", "3651", "1 to 3650"),
            ("RESULT_DAYS", "thirty", "RESULT_DAYS is \"thirty\""),
            ("PROBE_NODES", "eu.probe.example.com", "PROBE_NODES"),
            (
                "EMBED_ANCESTORS",
                "https://a.example; script-src *",
                "EMBED_ANCESTORS",
            ),
        ] {
            let error = parse(&[(name, value)]).unwrap_err();
            assert!(error.contains(said), "{name}={value}: {error}");
        }
    }
}
