//! The result as plain text, for a support ticket or an e-mail, and a short
//! "browser on system" line from the user agent.

use std::fmt::Write;

use crate::advice::provider_table;
use crate::result::{CheckResult, RequirementStatus, UntestedReason};
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

fn outcome_text(outcome: ProbeOutcome) -> String {
    match outcome {
        ProbeOutcome::Reachable { ms } => format!("open ({ms} ms)"),
        ProbeOutcome::Refused { ms } => format!("refused ({ms} ms)"),
        ProbeOutcome::Filtered { timeout_ms } => format!("no answer in {} s", timeout_ms / 1000),
        ProbeOutcome::NotTestable { .. } => "not testable in a browser".into(),
        ProbeOutcome::NotServed => "not offered by the server".into(),
    }
}

fn status_text(status: RequirementStatus) -> String {
    match status {
        RequirementStatus::Open => "open".into(),
        RequirementStatus::Partial { reachable, probed } => {
            format!("{reachable} of {probed} checked ports open")
        }
        RequirementStatus::Blocked { filtered: true } => "blocked (no answer)".into(),
        RequirementStatus::Blocked { filtered: false } => "blocked (refused)".into(),
        RequirementStatus::Untested { reason } => match reason {
            UntestedReason::BrowserRefusedPort => "not testable in a browser".into(),
            UntestedReason::Inbound => "incoming: not testable".into(),
            UntestedReason::NoWebRtc => "not testable: WebRTC is off".into(),
            UntestedReason::NotServed => "not checked".into(),
        },
    }
}

/// Everything a support agent needs, in plain text.
pub fn report_text(result: &CheckResult) -> String {
    let mut text = String::new();
    // Writing to a String cannot fail.
    let _ = writeln!(text, "Doorway check: {}", result.verdict.overall.headline());
    let profile = match &result.profile.custom {
        Some(custom) => format!("{} ({custom})", result.profile.name),
        None => result.profile.name.clone(),
    };
    let _ = writeln!(text, "Device or app: {profile}");
    let _ = writeln!(
        text,
        "Run: {} ({:.1} s), {}",
        result.started_at,
        result.duration_ms as f64 / 1000.0,
        browser_summary(&result.client.user_agent)
    );
    if let Some(address) = &result.client.public_address {
        let _ = writeln!(text, "Public address: {address}");
    }
    let _ = writeln!(text, "\nPort by port:");
    for r in &result.requirements {
        let _ = writeln!(
            text,
            "- {} {}: {} — {}{}",
            r.protocol,
            r.ports,
            status_text(r.status),
            r.purpose,
            if r.required { "" } else { " (optional)" }
        );
        if r.probes.len() > 1 {
            for p in &r.probes {
                let _ = writeln!(text, "    {}: {}", p.port, outcome_text(p.outcome));
            }
        }
    }
    if let Some(nat) = &result.nat {
        let _ = writeln!(
            text,
            "\nRouter (NAT): {:?}. {}",
            nat.mapping,
            nat.mapping.explanation()
        );
    }
    if let Some(relay) = &result.relay {
        let _ = writeln!(
            text,
            "Relay (TURN): UDP {}, TCP {}, TLS {}",
            outcome_text(relay.udp),
            outcome_text(relay.tcp),
            outcome_text(relay.tls)
        );
    }
    if let Some(websocket) = result.websocket {
        let _ = writeln!(text, "WebSocket: {}", outcome_text(websocket));
    }
    if !result.advice.is_empty() {
        let _ = writeln!(text, "\nWhat to do:");
        for advice in &result.advice {
            let _ = writeln!(text, "- {}", advice.text());
        }
    }
    let table = provider_table(&result.requirements);
    if !table.is_empty() {
        let _ = writeln!(text, "\nFor your internet provider or IT:\n{table}");
    }
    text
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
            },
            verdict: Verdict::from_results(&requirements, false),
            requirements,
            nat: None,
            relay: None,
            websocket: None,
            advice: vec![Advice::OpenFirewall],
        };
        let text = report_text(&result);
        assert!(text.starts_with("Doorway check: Not ready"), "{text}");
        assert!(
            text.contains("TCP 9998–9999: blocked (no answer) — Ring Socket Service"),
            "{text}"
        );
        assert!(text.contains("    9998: refused (4 ms)"), "{text}");
        assert!(text.contains("    9999: no answer in 3 s"), "{text}");
        assert!(text.contains(Advice::OpenFirewall.text()));
        assert!(
            text.contains("For your internet provider or IT:\nPorts"),
            "{text}"
        );
        assert!(text.contains("Firefox 140 on Windows"));
        assert!(
            !text.contains("Public address"),
            "no address when it was not included"
        );
    }
}
