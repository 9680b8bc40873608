//! The result as plain text, for a support ticket or an e-mail, and a short
//! "browser on system" line from the user agent.

use std::fmt::Write;

use crate::advice::{advice_id, failure_text, msg, provider_table, Words};
use crate::answer::{next_step, next_step_id, question_id, support_questions};
use crate::browser::Untestable;
use crate::nat::NatMapping;
use crate::network::{NetworkKind, NetworkSeen};
use crate::quality::{BandwidthResult, PastLimit, QualityReading, QualityStandard, StreamResult};
use crate::result::{CheckResult, RequirementStatus, UntestedReason};
use crate::verdict::Overall;
use crate::ProbeOutcome;

/// "Chrome 156 on Android", from a user-agent string; "Unknown browser" parts
/// where it cannot tell.
pub fn browser_summary(user_agent: &str) -> String {
    let version_after = |marker: &str| {
        user_agent.split(marker).nth(1).map(|rest| {
            rest.split(|c: char| !c.is_ascii_digit())
                .next()
                .unwrap_or_default()
                .to_owned()
        })
    };
    let browser = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("SamsungBrowser/", "Samsung Internet"),
        ("Chrome/", "Chrome"),
        ("CriOS/", "Chrome"),
        ("Version/", "Safari"),
    ]
    .iter()
    .find_map(|(marker, name)| version_after(marker).map(|v| format!("{name} {v}")))
    .unwrap_or_else(|| "Unknown browser".into());
    let system = [
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("iPad", "iPadOS"),
        ("Windows", "Windows"),
        ("CrOS", "ChromeOS"),
        ("Mac OS X", "macOS"),
        ("Linux", "Linux"),
    ]
    .iter()
    .find(|(marker, _)| user_agent.contains(marker))
    .map_or("an unknown system", |(_, name)| name);
    format!("{browser} on {system}")
}

pub fn headline_id(overall: Overall) -> &'static str {
    match overall {
        Overall::Ready => msg("overall-ready"),
        Overall::Partly => msg("overall-partly"),
        Overall::NotReady => msg("overall-not-ready"),
        Overall::RelayNeeded => msg("overall-relay-needed"),
        Overall::Intercepted => msg("overall-intercepted"),
        Overall::CouldNotTell => msg("overall-could-not-tell"),
    }
}

pub fn nat_id(mapping: NatMapping) -> &'static str {
    match mapping {
        NatMapping::EndpointIndependent => msg("nat-endpoint-independent"),
        NatMapping::AddressDependent => msg("nat-address-dependent"),
        NatMapping::AddressAndPortDependent => msg("nat-address-and-port-dependent"),
        NatMapping::SameTowardsOneAddress => msg("nat-same-towards-one-address"),
        NatMapping::Unknown => msg("nat-unknown"),
        NatMapping::NotTestedByBrowser => msg("nat-not-tested-by-browser"),
    }
}

pub fn untestable_id(reason: Untestable) -> &'static str {
    match reason {
        Untestable::BrowserRefusedPort => msg("untestable-browser"),
        Untestable::Inbound => msg("untestable-inbound"),
        Untestable::NoWebRtc => msg("untestable-no-webrtc"),
        Untestable::NoCandidates => msg("untestable-no-candidates"),
        Untestable::SkippedByBrowser => msg("untestable-skipped"),
        Untestable::CarrierNat => msg("untestable-carrier-nat"),
    }
}

fn outcome_text(words: &dyn Words, outcome: ProbeOutcome) -> String {
    match outcome {
        ProbeOutcome::Reachable { ms } => words.word("outcome-open", &[("ms", ms.to_string())]),
        ProbeOutcome::Refused { ms } => words.word("outcome-refused", &[("ms", ms.to_string())]),
        ProbeOutcome::Filtered { timeout_ms } => words.word(
            "outcome-no-answer",
            &[("seconds", (timeout_ms / 1000).to_string())],
        ),
        ProbeOutcome::NotTestable { reason } => words.word(untestable_id(reason), &[]),
        ProbeOutcome::NotServed => words.word("outcome-not-served", &[]),
        ProbeOutcome::Intercepted { ms } => {
            words.word("outcome-intercepted", &[("ms", ms.to_string())])
        }
    }
}

/// The short label of a requirement nothing could be learnt about.
pub fn untested_id(reason: UntestedReason) -> &'static str {
    match reason {
        UntestedReason::BrowserRefusedPort => untestable_id(Untestable::BrowserRefusedPort),
        UntestedReason::Inbound => untestable_id(Untestable::Inbound),
        UntestedReason::NoWebRtc => untestable_id(Untestable::NoWebRtc),
        UntestedReason::NoCandidates => untestable_id(Untestable::NoCandidates),
        UntestedReason::SkippedByBrowser => untestable_id(Untestable::SkippedByBrowser),
        UntestedReason::CarrierNat => untestable_id(Untestable::CarrierNat),
        UntestedReason::NotServed => msg("status-not-checked"),
    }
}

fn status_text(words: &dyn Words, status: RequirementStatus) -> String {
    match status {
        RequirementStatus::Open => words.word("status-open", &[]),
        RequirementStatus::Untested { reason } => words.word(untested_id(reason), &[]),
        failed => failure_text(words, failed),
    }
}

/// Everything a support agent needs, in plain text, in the words given.
pub fn report_text(words: &dyn Words, result: &CheckResult) -> String {
    let mut text = String::new();
    let w = |id: &str, args: &[(&str, String)]| words.word(id, args);
    // Writing to a String cannot fail.
    let _ = writeln!(
        text,
        "{}",
        w(
            "report-title",
            &[("headline", w(headline_id(result.verdict.overall), &[]))]
        )
    );
    let _ = writeln!(
        text,
        "{}",
        w(
            next_step_id(next_step(result, false)),
            &[("profile", result.profile.name.clone())]
        )
    );
    let _ = writeln!(text);
    let profile = match &result.profile.custom {
        Some(custom) => format!("{} ({custom})", result.profile.name),
        None => result.profile.name.clone(),
    };
    let _ = writeln!(text, "{}", w("report-device", &[("profile", profile)]));
    let _ = writeln!(
        text,
        "{}",
        w(
            "report-run",
            &[
                ("when", result.started_at.clone()),
                (
                    "seconds",
                    format!("{:.1}", result.duration_ms as f64 / 1000.0)
                ),
                ("browser", browser_summary(&result.client.user_agent)),
            ],
        )
    );
    if let Some(address) = &result.client.public_address {
        let _ = writeln!(
            text,
            "{}",
            w("report-address", &[("address", address.clone())])
        );
    }
    let _ = writeln!(
        text,
        "{}: {}",
        w("shared-network", &[]),
        network_text(words, result.client.network.as_ref())
    );
    let _ = writeln!(text, "\n{}:", w("ports-heading", &[]));
    for r in &result.requirements {
        let optional = if r.required {
            String::new()
        } else {
            format!(" {}", w("optional-suffix", &[]))
        };
        let _ = writeln!(
            text,
            "- {} {}: {} — {}{optional}",
            r.protocol,
            r.ports,
            status_text(words, r.status),
            r.purpose,
        );
        if r.probes.len() > 1 {
            for p in &r.probes {
                let _ = writeln!(text, "    {}: {}", p.port, outcome_text(words, p.outcome));
            }
        }
    }
    if let Some(nat) = &result.nat {
        let _ = writeln!(
            text,
            "\n{}: {}",
            w("router-heading", &[]),
            w(nat_id(nat.mapping), &[])
        );
    }
    if let Some(relay) = &result.relay {
        let _ = writeln!(
            text,
            "{}: UDP {}, TCP {}, TLS {}",
            w("relay-heading", &[]),
            outcome_text(words, relay.udp),
            outcome_text(words, relay.tcp),
            outcome_text(words, relay.tls)
        );
    }
    if let Some(websocket) = result.websocket {
        let _ = writeln!(
            text,
            "{}: {}",
            w("websocket-heading", &[]),
            outcome_text(words, websocket)
        );
    }
    if let Some(quality) = &result.quality {
        let _ = writeln!(text, "\n{}:", w("quality-heading", &[]));
        for line in quality_lines(words, quality, result.bandwidth.as_ref()) {
            let _ = writeln!(text, "{line}");
        }
    }
    if !result.advice.is_empty() {
        let _ = writeln!(text, "\n{}:", w("what-to-do", &[]));
        for advice in &result.advice {
            let _ = writeln!(text, "- {}", w(advice_id(*advice), &[]));
        }
    }
    let table = provider_table(words, &result.requirements, result.media());
    if !table.is_empty() {
        let _ = writeln!(text, "\n{}:\n{table}", w("provider-heading", &[]));
    }
    let _ = writeln!(text, "\n{}:", w("questions-heading", &[]));
    for question in support_questions(result) {
        let _ = writeln!(text, "- {}", w(question_id(question), &[]));
    }
    text
}

pub fn quality_reading_id(reading: QualityReading) -> &'static str {
    match reading {
        QualityReading::Good => msg("quality-good"),
        QualityReading::MayStutter => msg("quality-may-stutter"),
        QualityReading::WillBreak => msg("quality-will-break"),
    }
}

pub fn quality_standard_id(standard: QualityStandard) -> &'static str {
    match standard {
        QualityStandard::TwilioPreflight => msg("quality-standard-twilio"),
        QualityStandard::Generic => msg("quality-standard-generic"),
        QualityStandard::GenericVoice => msg("quality-standard-generic-voice"),
    }
}

/// A rate as people read it: "850 kbit/s", "12.5 Mbit/s".
pub fn rate_text(kbps: f64) -> String {
    if kbps >= 1000.0 {
        format!("{} Mbit/s", (kbps / 100.0).round() / 10.0)
    } else {
        format!("{} kbit/s", kbps.round())
    }
}

/// One figure past its limit, in words: "the round trip is 420 ms (at most
/// 400 ms is good)".
pub fn past_limit_text(words: &dyn Words, past: PastLimit) -> String {
    let number = |value: f64| format!("{}", (value * 10.0).round() / 10.0);
    let (id, value, limit) = match past {
        PastLimit::Rtt { ms, limit_ms } => (msg("quality-past-rtt"), number(ms), number(limit_ms)),
        PastLimit::Jitter { ms, limit_ms } => {
            (msg("quality-past-jitter"), number(ms), number(limit_ms))
        }
        PastLimit::Loss {
            percent,
            limit_percent,
        } => (
            msg("quality-past-loss"),
            number(percent),
            number(limit_percent),
        ),
        PastLimit::Mos { mos, limit } => (msg("quality-past-mos"), number(mos), number(limit)),
        PastLimit::Download { kbps, limit_kbps } => (
            msg("quality-past-download"),
            rate_text(kbps),
            rate_text(limit_kbps),
        ),
        PastLimit::Upload { kbps, limit_kbps } => (
            msg("quality-past-upload"),
            rate_text(kbps),
            rate_text(limit_kbps),
        ),
        PastLimit::LoadedRtt { ms, limit_ms } => {
            (msg("quality-past-loaded-rtt"), number(ms), number(limit_ms))
        }
    };
    words.word(id, &[("value", value), ("limit", limit)])
}

/// Whether a figure past its limit was measured by the stream (UDP) rather
/// than by the transfers (HTTP).
fn from_the_stream(past: &PastLimit) -> bool {
    matches!(
        past,
        PastLimit::Rtt { .. }
            | PastLimit::Jitter { .. }
            | PastLimit::Loss { .. }
            | PastLimit::Mos { .. }
    )
}

/// Rows for the provider's table where calls or video fall short: the
/// stream's (its UDP port) and the transfers' (HTTP), each with the
/// figures past their limits.
pub fn quality_rows(
    words: &dyn Words,
    quality: &StreamResult,
    bandwidth: Option<&BandwidthResult>,
) -> Vec<[String; 4]> {
    let past = quality.judge_with(bandwidth).past_limits;
    let text = |stream: bool| {
        past.iter()
            .filter(|p| from_the_stream(p) == stream)
            .map(|&p| past_limit_text(words, p))
            .collect::<Vec<_>>()
            .join("; ")
    };
    let mut rows = Vec::new();
    let stream = text(true);
    if !stream.is_empty() {
        rows.push([
            quality.port.to_string(),
            if quality.relay { "TURN" } else { "UDP" }.to_owned(),
            words.word("provider-quality-stream", &[]),
            stream,
        ]);
    }
    let transfers = text(false);
    if !transfers.is_empty() {
        rows.push([
            "—".to_owned(),
            "TCP".to_owned(),
            words.word("provider-quality-transfers", &[]),
            transfers,
        ]);
    }
    rows
}

/// The quality check in a few lines: the reading with its reasons, the
/// figures, and whose limits they were read against.
pub fn quality_lines(
    words: &dyn Words,
    quality: &StreamResult,
    bandwidth: Option<&BandwidthResult>,
) -> Vec<String> {
    let judgement = quality.judge_with(bandwidth);
    let reasons: Vec<String> = judgement
        .past_limits
        .iter()
        .map(|&past| past_limit_text(words, past))
        .collect();
    let mut lines = vec![words.word(
        quality_reading_id(judgement.reading),
        &[("reasons", reasons.join("; "))],
    )];
    let (nothing_back, figures) = if quality.relay {
        (
            msg("quality-nothing-back-relay"),
            msg("quality-figures-relay"),
        )
    } else {
        (msg("quality-nothing-back"), msg("quality-figures"))
    };
    let figures = if quality.received == 0 {
        words.word(
            nothing_back,
            &[
                ("sent", quality.sent.to_string()),
                ("port", quality.port.to_string()),
            ],
        )
    } else {
        words.word(
            figures,
            &[
                ("rtt", quality.rtt_ms.to_string()),
                ("jitter", quality.jitter_ms.to_string()),
                ("loss", format!("{}", quality.loss_percent())),
                (
                    "mos",
                    format!("{:.1}", f64::from(quality.mos_centi) / 100.0),
                ),
                ("port", quality.port.to_string()),
            ],
        )
    };
    lines.push(figures);
    if let Some(bandwidth) = bandwidth {
        lines.push(speed_line(words, bandwidth));
    }
    lines.push(words.word(
        "quality-judged-by",
        &[(
            "standard",
            words.word(quality_standard_id(quality.standard), &[]),
        )],
    ));
    lines
}

/// Download, upload and the round trip while uploading, in one sentence.
pub fn speed_line(words: &dyn Words, bandwidth: &BandwidthResult) -> String {
    let not_measured = || words.word("quality-not-measured-figure", &[]);
    let rate = |kbps: Option<u32>| kbps.map_or_else(not_measured, |k| rate_text(f64::from(k)));
    words.word(
        "quality-speed",
        &[
            ("down", rate(bandwidth.down_kbps)),
            ("up", rate(bandwidth.up_kbps)),
            (
                "loaded",
                bandwidth
                    .loaded_rtt_ms
                    .map_or_else(not_measured, |ms| format!("{ms} ms")),
            ),
        ],
    )
}

pub fn network_kind_id(kind: NetworkKind) -> &'static str {
    match kind {
        NetworkKind::Residential => msg("network-kind-residential"),
        NetworkKind::MobileCarrier => msg("network-kind-mobile-carrier"),
        NetworkKind::Corporate => msg("network-kind-corporate"),
        NetworkKind::Satellite => msg("network-kind-satellite"),
        NetworkKind::Unknown => msg("network-kind-unknown"),
    }
}

/// "AS3320 Deutsche Telekom AG (DE), home internet (cable, DSL or fibre)",
/// or why the network is not known.
pub fn network_text(words: &dyn Words, network: Option<&NetworkSeen>) -> String {
    match network {
        None => words.word("network-unknown-address", &[]),
        Some(NetworkSeen::NotConfigured) => words.word("network-not-configured", &[]),
        Some(NetworkSeen::NotFound) => words.word("network-not-found", &[]),
        Some(seen) => {
            let kind = words.word(network_kind_id(seen.kind()), &[]);
            let name = match (seen.operator_line(), seen.country()) {
                (Some(operator), Some(country)) => Some(format!("{operator} ({country})")),
                (operator, country) => operator.or(country.map(str::to_owned)),
            };
            match name {
                Some(name) => format!("{name}, {kind}"),
                None => kind,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_browser_and_system() {
        let cases = [
            ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Mobile Safari/537.36", "Chrome 156 on Android"),
            ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1", "Safari 18 on iOS"),
            ("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 Firefox/140.0", "Firefox 140 on Windows"),
            ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36 Edg/156.0.0.0", "Edge 156 on Windows"),
            ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36", "Chrome 156 on Linux"),
            ("curl/8.0", "Unknown browser on an unknown system"),
        ];
        for (agent, expected) in cases {
            assert_eq!(browser_summary(agent), expected, "{agent}");
        }
    }

    #[test]
    fn the_report_has_verdict_ports_advice_and_the_provider_table() {
        use crate::advice::Advice;
        use crate::result::{ClientInfo, PortProbe, ProfileRef, RequirementResult, ServerRef};
        use crate::{Direction, Protocol, Verdict, RESULT_SCHEMA};
        let requirements = vec![RequirementResult {
            protocol: Protocol::Tcp,
            ports: "9998-9999".parse().unwrap(),
            direction: Direction::Outbound,
            purpose: "Ring Socket Service".into(),
            breaks: "The app cannot reach the device".into(),
            required: true,
            note: None,
            probes: vec![
                PortProbe {
                    port: 9998,
                    outcome: ProbeOutcome::Refused { ms: 4 },
                },
                PortProbe {
                    port: 9999,
                    outcome: ProbeOutcome::Filtered { timeout_ms: 3000 },
                },
            ],
            status: RequirementStatus::Blocked { filtered: true },
        }];
        let result = CheckResult {
            schema: RESULT_SCHEMA.into(),
            started_at: "2026-11-21T12:00:00Z".into(),
            duration_ms: 3100,
            profile: ProfileRef {
                id: "ring".into(),
                name: "Ring".into(),
                custom: None,
            },
            server: ServerRef {
                probe_host: "h".into(),
                scheme: "https".into(),
            },
            client: ClientInfo {
                user_agent: "Firefox/140.0 (Windows)".into(),
                public_address: None,
                network: Some(crate::network::NetworkSeen::Found {
                    asn: Some(64500),
                    operator: Some("Example Net".into()),
                    country: Some("CH".into()),
                    kind: crate::network::NetworkKind::Residential,
                }),
            },
            verdict: Verdict::from_results(&requirements, false),
            requirements,
            nat: None,
            relay: None,
            websocket: None,
            advice: vec![Advice::OpenFirewall],
            quality: None,
            bandwidth: None,
        };
        let text = report_text(&crate::advice::Ids, &result);
        assert!(
            text.starts_with("report-title(headline=overall-not-ready)"),
            "{text}"
        );
        assert!(
            text.contains("TCP 9998–9999: report-blocked-dropped — Ring Socket Service"),
            "{text}"
        );
        assert!(text.contains("    9998: outcome-refused(ms=4)"), "{text}");
        assert!(
            text.contains("    9999: outcome-no-answer(seconds=3)"),
            "{text}"
        );
        assert!(
            text.contains("\nwhat-to-do:\n- advice-open-firewall\n"),
            "{text}"
        );
        assert!(
            text.contains("provider-heading:\nreport-col-ports"),
            "{text}"
        );
        assert!(text.contains("browser=Firefox 140 on Windows"), "{text}");
        assert!(
            text.contains("\nnext-follow-the-steps(profile=Ring)\n"),
            "the next step right under the verdict: {text}"
        );
        assert!(
            text.contains("shared-network: AS64500 Example Net (CH), network-kind-residential\n"),
            "{text}"
        );
        assert!(
            text.contains("questions-heading:\n- ask-same-network\n- ask-router-model"),
            "{text}"
        );
        assert!(
            !text.contains("report-address"),
            "no address when it was not included"
        );
    }

    #[test]
    fn quality_reads_in_plain_words_with_its_reasons_and_source() {
        use crate::quality::{echoes, Echo, QualityStandard, StreamResult};
        // 200 packets at 20 ms, 8 lost, round trip 120 ms.
        let rtts: Vec<Option<f64>> = (0..200).map(|n| (n % 25 != 0).then_some(120.0)).collect();
        let quality = StreamResult::from_echoes(QualityStandard::Generic, 3478, &echoes(&rtts));
        let lines = quality_lines(&crate::advice::Ids, &quality, None);
        assert_eq!(
            lines[0],
            "quality-may-stutter(reasons=quality-past-rtt(value=120,limit=100); \
             quality-past-loss(value=4,limit=1))"
        );
        assert!(lines[1].starts_with("quality-figures(rtt=120,jitter=0,loss=4,mos="));
        assert!(lines[1].ends_with(",port=3478)"), "{}", lines[1]);
        assert_eq!(
            lines[2],
            "quality-judged-by(standard=quality-standard-generic)"
        );

        let lost = StreamResult::from_echoes(
            QualityStandard::TwilioPreflight,
            3478,
            &[Echo {
                sent_ms: 0.0,
                received_ms: None,
            }],
        );
        let lines = quality_lines(&crate::advice::Ids, &lost, None);
        assert!(lines[0].starts_with("quality-will-break("), "{}", lines[0]);
        assert_eq!(lines[1], "quality-nothing-back(sent=1,port=3478)");
    }

    #[test]
    fn a_slow_upload_and_a_queue_read_in_words_the_table_and_the_advice() {
        use crate::advice::{advise, provider_table, Advice};
        use crate::quality::{echoes, BandwidthResult, QualityStandard, StreamResult};
        // A clean stream at 30 ms; then 0.6 Mbit/s up and 280 ms while uploading.
        let quality =
            StreamResult::from_echoes(QualityStandard::Generic, 3478, &echoes(&[Some(30.0); 200]));
        let bandwidth = BandwidthResult {
            down_kbps: Some(24_300),
            up_kbps: Some(600),
            loaded_rtt_ms: Some(280),
        };
        let lines = quality_lines(&crate::advice::Ids, &quality, Some(&bandwidth));
        assert_eq!(
            lines[0],
            "quality-may-stutter(reasons=quality-past-upload(value=600 kbit/s,limit=1.5 Mbit/s); \
             quality-past-loaded-rtt(value=280,limit=100))"
        );
        assert_eq!(
            lines[2],
            "quality-speed(down=24.3 Mbit/s,up=600 kbit/s,loaded=280 ms)"
        );
        assert!(lines[3].starts_with("quality-judged-by("));

        let table = provider_table(&crate::advice::Ids, &[], Some((&quality, Some(&bandwidth))));
        let row = table.lines().nth(1).unwrap_or_default();
        assert!(
            row.starts_with("—")
                && row.contains("| TCP")
                && row.contains("provider-quality-transfers | quality-past-upload("),
            "{table}"
        );
        // The stream itself was fine: no UDP row.
        assert!(!table.contains("UDP"), "{table}");
        assert_eq!(
            advise(&[], None, None, &[], Some((&quality, Some(&bandwidth)))),
            [Advice::PauseUploads, Advice::FasterConnection]
        );
        // Without the transfers, nothing to advise on a clean stream.
        assert_eq!(advise(&[], None, None, &[], Some((&quality, None))), []);
    }
}
