//! What the worker counts, for Prometheus (`GET /metrics`, OpenMetrics text).
//!
//! Only what the server itself sees: a probe that never arrives is known to
//! the page alone, so "blocked" is counted where the page reports it, in the
//! verdicts of shared results. Every label takes a bounded set of values
//! (served ports, matched routes, status codes), so no client can grow the
//! series.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::{Metric, Registry};

/// How a probe reached the worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    Http,
    Https,
    Ws,
    Wss,
}

impl Transport {
    pub fn of_fetch(tls: bool) -> Transport {
        if tls {
            Transport::Https
        } else {
            Transport::Http
        }
    }

    pub fn of_websocket(tls: bool) -> Transport {
        if tls {
            Transport::Wss
        } else {
            Transport::Ws
        }
    }

    fn label(self) -> &'static str {
        match self {
            Transport::Http => "http",
            Transport::Https => "https",
            Transport::Ws => "ws",
            Transport::Wss => "wss",
        }
    }
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ProbeLabels {
    port: u16,
    transport: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PortLabel {
    port: u16,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct VerdictLabel {
    verdict: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ResponseLabels {
    /// The route as written in the router (`/api/results/{id}`), or
    /// "unmatched": never the path a client sent.
    route: String,
    status: u16,
}

/// The worker's counters. Cheap to update from any task.
pub struct Metrics {
    registry: Registry,
    checks: Counter,
    probes: Family<ProbeLabels, Counter>,
    stun_answers: Family<PortLabel, Counter>,
    relay_credentials: Counter,
    knocks: Counter,
    quality_streams: Counter,
    results_shared: Family<VerdictLabel, Counter>,
    results_stored: Gauge,
    result_bytes: Gauge,
    responses: Family<ResponseLabels, Counter>,
    connections_refused: Counter,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("doorway");
        let r = &mut registry;
        Metrics {
            checks: registered(
                r,
                "checks",
                "Checks started (the page's first request of a check)",
            ),
            probes: registered(
                r,
                "probes",
                "Probes that reached the worker, by port and transport",
            ),
            stun_answers: registered(r, "stun_answers", "STUN Binding requests answered, by port"),
            relay_credentials: registered(
                r,
                "relay_credentials",
                "TURN credentials handed out (one per relay check)",
            ),
            knocks: registered(r, "knocks", "Checks from outside (inbound ports) started"),
            quality_streams: registered(
                r,
                "quality_streams",
                "Quality-check streams started (offers the echo answered)",
            ),
            results_shared: registered(
                r,
                "results_shared",
                "Results stored for a share link, by verdict",
            ),
            results_stored: registered(r, "results_stored", "Shared results held now"),
            result_bytes: registered(
                r,
                "results_stored_bytes",
                "JSON bytes of the shared results held now",
            ),
            responses: registered(
                r,
                "http_responses",
                "HTTP answers, by route and status (errors are the 4xx and 5xx)",
            ),
            connections_refused: registered(
                r,
                "connections_refused",
                "Connections closed unread: the client was over its share",
            ),
            registry,
        }
    }

    pub fn check_started(&self) {
        self.checks.inc();
    }

    pub fn probe(&self, port: u16, transport: Transport) {
        self.probes
            .get_or_create(&ProbeLabels {
                port,
                transport: transport.label(),
            })
            .inc();
    }

    pub fn stun_answer(&self, port: u16) {
        self.stun_answers.get_or_create(&PortLabel { port }).inc();
    }

    pub fn relay_credentials(&self) {
        self.relay_credentials.inc();
    }

    pub fn knock(&self) {
        self.knocks.inc();
    }

    pub fn quality_stream(&self) {
        self.quality_streams.inc();
    }

    pub fn result_shared(&self, verdict: &'static str) {
        self.results_shared
            .get_or_create(&VerdictLabel { verdict })
            .inc();
    }

    pub fn response(&self, route: &str, status: u16) {
        self.responses
            .get_or_create(&ResponseLabels {
                route: route.to_owned(),
                status,
            })
            .inc();
    }

    pub fn connection_refused(&self) {
        self.connections_refused.inc();
    }

    /// The store's size, read when scraped.
    pub fn set_store_usage(&self, results: u64, bytes: u64) {
        self.results_stored
            .set(i64::try_from(results).unwrap_or(i64::MAX));
        self.result_bytes
            .set(i64::try_from(bytes).unwrap_or(i64::MAX));
    }

    /// The OpenMetrics text exposition.
    pub fn encode(&self) -> String {
        let mut text = String::new();
        // Writing to a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut text, &self.registry);
        text
    }
}

/// A new metric, registered under `name` (after the `doorway_` prefix).
fn registered<M: Metric + Clone + Default>(registry: &mut Registry, name: &str, help: &str) -> M {
    let metric = M::default();
    registry.register(name, help, metric.clone());
    metric
}

/// The content type of [`Metrics::encode`].
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_appear_with_their_labels() {
        let metrics = Metrics::new();
        metrics.check_started();
        metrics.check_started();
        metrics.probe(8557, Transport::Https);
        metrics.stun_answer(3478);
        metrics.result_shared("ready");
        metrics.response("/api/results", 413);
        metrics.set_store_usage(3, 4096);
        let text = metrics.encode();
        for line in [
            "doorway_checks_total 2",
            "doorway_probes_total{port=\"8557\",transport=\"https\"} 1",
            "doorway_stun_answers_total{port=\"3478\"} 1",
            "doorway_results_shared_total{verdict=\"ready\"} 1",
            "doorway_http_responses_total{route=\"/api/results\",status=\"413\"} 1",
            "doorway_results_stored 3",
            "doorway_results_stored_bytes 4096",
            "doorway_relay_credentials_total 0",
        ] {
            assert!(text.lines().any(|l| l == line), "{line} missing:\n{text}");
        }
        assert!(text.ends_with("# EOF\n"), "{text}");
    }
}
