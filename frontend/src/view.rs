//! Presentational components: no state of their own beyond their props.

use std::rc::Rc;

use doorway_core::advice::provider_table;
use doorway_core::browser::Untestable;
use doorway_core::nat::{NatMapping, NatResult};
use doorway_core::result::{RelayResult, RequirementResult, RequirementStatus, UntestedReason};
use doorway_core::verdict::Finding;
use doorway_core::{CheckResult, Overall, ProbeOutcome, Profile};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct PickerProps {
    pub profiles: Vec<Profile>,
    pub selected: Option<Rc<Profile>>,
    pub running: bool,
    pub on_choose: Callback<String>,
    pub on_start: Callback<MouseEvent>,
}

#[component]
pub fn ProfilePicker(props: &PickerProps) -> Html {
    let onchange = {
        let on_choose = props.on_choose.clone();
        move |event: Event| {
            let select: web_sys::HtmlSelectElement = event.target_unchecked_into();
            on_choose.emit(select.value());
        }
    };
    let selected_id = props.selected.as_ref().map(|p| p.id.clone());
    let custom = props
        .selected
        .as_ref()
        .filter(|p| !props.profiles.iter().any(|b| b.id == p.id));
    html! {
        <section class="setup" aria-label="What to check">
            <label for="profile">{ "Device or app" }</label>
            <select id="profile" {onchange} disabled={props.running}>
                if let Some(custom) = custom {
                    <option value={custom.id.clone()} selected=true>{ &custom.name }</option>
                }
                { for props.profiles.iter().map(|p| html! {
                    <option value={p.id.clone()} selected={selected_id.as_deref() == Some(p.id.as_str())}>{ &p.name }</option>
                }) }
            </select>
            if let Some(profile) = &props.selected {
                <p class="profile-summary">{ &profile.summary }</p>
            }
            <button id="start" class="start" type="button" onclick={props.on_start.clone()}
                disabled={props.running || props.selected.is_none()}>
                { if props.running { "Checking…" } else { "Start check" } }
            </button>
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct ProgressProps {
    pub done: usize,
    pub total: usize,
    pub finished: bool,
}

#[component]
pub fn Progress(props: &ProgressProps) -> Html {
    let label = if props.finished {
        format!("Finished: {} port checks", props.total)
    } else {
        format!("Checking ports: {} of {} answered", props.done, props.total)
    };
    html! {
        <section class="progress" aria-live="polite">
            <progress max={props.total.max(1).to_string()} value={props.done.to_string()} aria-label="Progress"></progress>
            <p id="progress-text">{ label }</p>
        </section>
    }
}

fn overall_class(overall: Overall) -> &'static str {
    match overall {
        Overall::Ready => "ready",
        Overall::Partly => "partly",
        Overall::NotReady => "not-ready",
        Overall::CouldNotTell => "unknown",
        Overall::RelayNeeded => "partly",
    }
}

fn finding_line(finding: &Finding) -> Html {
    let what = match finding.status {
        RequirementStatus::Partial { reachable, probed } => format!(
            "{} {}: only {reachable} of {probed} checked ports answer, so it may work at times and fail at others, depending on the port used",
            finding.protocol, finding.ports
        ),
        RequirementStatus::Blocked { filtered: true } => {
            format!("{} {} blocked (no answer)", finding.protocol, finding.ports)
        }
        _ => format!("{} {} blocked", finding.protocol, finding.ports),
    };
    html! {
        <li>
            <strong>{ &finding.breaks }</strong>
            <span class="why">{ format!(" — {what} ({}).", finding.purpose) }</span>
            if !finding.required { <span class="optional">{ " Optional." }</span> }
        </li>
    }
}

fn port_list(findings: &[Finding]) -> String {
    findings
        .iter()
        .map(|f| format!("{} {}", f.protocol, f.ports))
        .collect::<Vec<_>>()
        .join(", ")
}

#[derive(Properties, PartialEq)]
pub struct SummaryProps {
    pub result: Rc<CheckResult>,
}

#[component]
pub fn Summary(props: &SummaryProps) -> Html {
    let verdict = &props.result.verdict;
    let table = provider_table(&props.result.requirements);
    // On a phone the answer is below the fold when it arrives: bring it up.
    use_effect_with(props.result.clone(), |_| {
        if let Some(element) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("verdict"))
        {
            element.scroll_into_view();
        }
    });
    let copied_note = use_state(|| false);
    let copy_table = {
        let (table, copied_note) = (table.clone(), copied_note.clone());
        Callback::from(move |_: MouseEvent| {
            let (table, copied_note) = (table.clone(), copied_note.clone());
            yew::platform::spawn_local(async move {
                copied_note.set(crate::share::copy_text(&table).await);
            });
        })
    };
    let class = classes!("verdict", overall_class(verdict.overall));
    html! {
        <section {class} id="verdict" role="status" aria-live="polite">
            <h2>{ verdict.overall.headline() }</h2>
            if !verdict.failures.is_empty() {
                <ul class="failures">{ for verdict.failures.iter().map(finding_line) }</ul>
            }
            if !props.result.advice.is_empty() {
                <h3>{ "What to do" }</h3>
                <ol class="advice" id="advice">
                    { for props.result.advice.iter().map(|a| html! { <li>{ a.text() }</li> }) }
                </ol>
            }
            if !table.is_empty() {
                <h3>{ "For your internet provider or IT" }</h3>
                <pre class="provider-table" id="provider-table" tabindex="0">{ table.clone() }</pre>
                <button type="button" class="secondary" onclick={copy_table}>{ "Copy table" }</button>
                if !*copied_note {
                    <></>
                } else {
                    <p class="detail" role="status">{ "Copied." }</p>
                }
            }
            if !verdict.unchecked.is_empty() {
                <p class="unchecked">{ format!(
                    "Not checked here: {}. This Doorway server does not offer those ports, so this says nothing about your network.",
                    port_list(&verdict.unchecked)
                ) }</p>
            }
            if !verdict.untestable.is_empty() {
                <p class="untestable">{ format!(
                    "Not testable from a browser: {}. ",
                    port_list(&verdict.untestable)
                ) }{ "These are not counted as blocked." }</p>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct NatProps {
    pub nat: NatResult,
}

/// The router's address translation, and what a browser cannot see of it.
#[component]
pub fn NatSummary(props: &NatProps) -> Html {
    let nat = &props.nat;
    let (title, class) = match nat.mapping {
        NatMapping::EndpointIndependent => ("Router (NAT): friendly to direct connections", "open"),
        NatMapping::AddressDependent => ("Router (NAT): address-dependent", "partial"),
        NatMapping::AddressAndPortDependent => (
            "Router (NAT): symmetric — video will need a relay",
            "blocked",
        ),
        NatMapping::SameTowardsOneAddress => {
            ("Router (NAT): consistent towards one server", "open")
        }
        NatMapping::Unknown => ("Router (NAT): could not compare", "unchecked"),
    };
    html! {
        <section class="nat" id="nat" aria-labelledby="nat-heading">
            <div class="req-head">
                <h2 id="nat-heading">{ "Your router" }</h2>
                <span class={classes!("chip", class)}>{ title.split(": ").nth(1).unwrap_or(title) }</span>
            </div>
            <p>{ nat.mapping.explanation() }</p>
            if !nat.public_addresses.is_empty() {
                <p class="detail">{ format!("Public address seen by STUN: {}", nat.public_addresses.join(", ")) }</p>
            }
            <p class="detail">{ "A browser cannot measure how your router filters incoming packets, whether it lets devices reach your own public address from inside (hairpinning), or whether UPnP/PCP port forwarding is on. Check those in the router's settings if a device still fails." }</p>
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct RelayProps {
    pub relay: RelayResult,
    pub websocket: Option<ProbeOutcome>,
}

/// Whether a relay (TURN) works, per transport.
#[component]
pub fn RelaySummary(props: &RelayProps) -> Html {
    let relay = props.relay;
    let row = |label: &'static str, outcome: ProbeOutcome| {
        let (text, class) = match outcome {
            ProbeOutcome::Reachable { ms } => (format!("Works ({ms} ms)"), "open"),
            ProbeOutcome::NotServed => ("Not offered by this server".to_owned(), "unchecked"),
            other => (outcome_label(other).0, "blocked"),
        };
        html! {
            <li class={class}><span class="port">{ label }</span>{ " " }{ text }</li>
        }
    };
    html! {
        <section class="relay" id="relay" aria-labelledby="relay-heading">
            <h2 id="relay-heading">{ "Relay (TURN)" }</h2>
            <p>{ "When direct connections fail, video and calls can go through a relay server instead, over UDP, TCP or TLS (which looks like ordinary secure web traffic)." }</p>
            <ul class="probes">
                { row("UDP", relay.udp) }
                { row("TCP", relay.tcp) }
                { row("TLS", relay.tls) }
            </ul>
            if let Some(websocket) = props.websocket {
                <h2>{ "WebSocket" }</h2>
                <p id="websocket" class="detail">{ match websocket {
                    ProbeOutcome::Reachable { ms } => format!("Works ({ms} ms): long-lived connections get through."),
                    ProbeOutcome::Refused { .. } => "Broken: something on the way (often a proxy or security filter) cuts upgraded connections. Apps that keep a live connection may not work.".to_owned(),
                    _ => "No answer: upgraded connections time out on the way.".to_owned(),
                } }</p>
            }
        </section>
    }
}

fn outcome_label(outcome: ProbeOutcome) -> (String, &'static str) {
    match outcome {
        ProbeOutcome::Reachable { ms } => (format!("Open ({ms} ms)"), "open"),
        ProbeOutcome::Refused { ms } => (format!("Refused ({ms} ms)"), "blocked"),
        ProbeOutcome::Filtered { timeout_ms } => (
            format!("No answer in {:.0} s", f64::from(timeout_ms) / 1000.0),
            "blocked",
        ),
        ProbeOutcome::NotTestable { reason } => (untestable_label(reason).into(), "untestable"),
        ProbeOutcome::NotServed => ("Not offered by this server".into(), "unchecked"),
    }
}

fn untestable_label(reason: Untestable) -> &'static str {
    match reason {
        Untestable::BrowserRefusedPort => "Not testable in a browser",
        Untestable::Inbound => "Incoming: not testable",
        Untestable::NoWebRtc => "Not testable: WebRTC is off",
    }
}

fn status_label(result: &RequirementResult, pending: usize) -> (String, &'static str) {
    if pending > 0 {
        return ("Checking…".into(), "pending");
    }
    // A large range is checked on the server's sample of it; say so.
    let sampled = result.ports.port_count() as usize > result.probes.len();
    match result.status {
        RequirementStatus::Open if sampled => (
            format!("Open: all {} sampled ports", result.probes.len()),
            "open",
        ),
        RequirementStatus::Open => ("Open".into(), "open"),
        RequirementStatus::Partial { reachable, probed } if sampled => (
            format!("{reachable} of {probed} sampled ports open"),
            "partial",
        ),
        RequirementStatus::Partial { reachable, probed } => {
            (format!("{reachable} of {probed} open"), "partial")
        }
        RequirementStatus::Blocked { .. } => ("Blocked".into(), "blocked"),
        RequirementStatus::Untested { reason } => match reason {
            UntestedReason::BrowserRefusedPort => (
                untestable_label(Untestable::BrowserRefusedPort).into(),
                "untestable",
            ),
            UntestedReason::Inbound => (untestable_label(Untestable::Inbound).into(), "untestable"),
            UntestedReason::NoWebRtc => {
                (untestable_label(Untestable::NoWebRtc).into(), "untestable")
            }
            UntestedReason::NotServed => ("Not checked".into(), "unchecked"),
        },
    }
}

fn untested_explanation(result: &RequirementResult) -> Option<&'static str> {
    match result.status {
        RequirementStatus::Untested { reason } => Some(match reason {
            UntestedReason::BrowserRefusedPort => Untestable::BrowserRefusedPort.explanation(),
            UntestedReason::Inbound => Untestable::Inbound.explanation(),
            UntestedReason::NoWebRtc => Untestable::NoWebRtc.explanation(),
            UntestedReason::NotServed => "This Doorway server does not listen on this port, so it could not be checked. This says nothing about your network.",
        }),
        _ => None,
    }
}

#[derive(Properties, PartialEq)]
pub struct RequirementsProps {
    pub results: Rc<Vec<RequirementResult>>,
    /// Per requirement, probes still waiting for an answer.
    pub pending: Rc<Vec<usize>>,
}

#[component]
pub fn Requirements(props: &RequirementsProps) -> Html {
    html! {
        <section class="ports" aria-labelledby="ports-heading">
            <h2 id="ports-heading">{ "Port by port" }</h2>
            <ul class="requirements">
                { for props.results.iter().zip(props.pending.iter()).map(|(r, &pending)| {
                    let (label, class) = status_label(r, pending);
                    let many = r.probes.len() > 1;
                    html! {
                        <li class={classes!("requirement", class)}
                            data-protocol={r.protocol.to_string().to_lowercase()} data-ports={r.ports.to_string()}>
                            <div class="req-head">
                                <span class="ports-label">{ format!("{} {}", r.protocol, r.ports) }</span>
                                <span class={classes!("chip", class)}>{ label }</span>
                            </div>
                            <p class="purpose">
                                { &r.purpose }
                                if !r.required { <span class="optional">{ " (optional)" }</span> }
                            </p>
                            if many {
                                <ul class="probes">
                                    { for r.probes.iter().map(|p| {
                                        let (label, class) = outcome_label(p.outcome);
                                        html! { <li class={class}><span class="port">{ p.port }</span>{ " " }{ label }</li> }
                                    }) }
                                </ul>
                            } else if let Some(p) = r.probes.first() {
                                if !matches!(p.outcome, ProbeOutcome::NotTestable { .. } | ProbeOutcome::NotServed) {
                                    <p class="detail">{ outcome_label(p.outcome).0 }</p>
                                }
                            }
                            if let (0, Some(text)) = (pending, untested_explanation(r)) {
                                <p class="detail">{ text }</p>
                            }
                        </li>
                    }
                }) }
            </ul>
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct ResultJsonProps {
    pub result: Rc<CheckResult>,
}

/// The machine-readable result, where other tools and tests read it.
#[component]
pub fn ResultJson(props: &ResultJsonProps) -> Html {
    let json = serde_json::to_string(&*props.result).unwrap_or_default();
    // Benchmarks read this mark: page load to published result.
    use_effect_with(props.result.clone(), |_| {
        if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
            let _ = performance.mark("doorway:result");
        }
    });
    html! {
        <script type="application/json" id="doorway-result">{ json }</script>
    }
}
