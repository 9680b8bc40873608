//! Presentational components: no state of their own beyond their props.
//! Every word comes from the message catalogue (`crate::i18n`).

use std::rc::Rc;

use doorway_core::advice::{advice_id, msg, provider_rows, provider_table};
use doorway_core::answer::{next_step, next_step_id};
use doorway_core::nat::{NatMapping, NatResult};
use doorway_core::report::{headline_id, nat_id, untestable_id, untested_id};
use doorway_core::result::{RelayResult, RequirementResult, RequirementStatus, UntestedReason};
use doorway_core::verdict::Finding;
use doorway_core::{CheckResult, Direction, Overall, ProbeOutcome, Profile};
use yew::prelude::*;

use crate::i18n::{I18n, Lang, Translator};

/// The page's translator; outside a provider (never on a page), message ids.
#[hook]
pub fn use_i18n() -> I18n {
    use_context::<I18n>()
        .unwrap_or_else(|| I18n(Rc::new(Translator::from_catalogue(Lang::En, String::new()))))
}

#[derive(Properties, PartialEq)]
pub struct PickerProps {
    pub profiles: Vec<Profile>,
    pub selected: Option<Rc<Profile>>,
    pub running: bool,
    pub on_choose: Callback<String>,
    pub on_start: Callback<MouseEvent>,
    /// After a result: no summary, and the button checks again.
    #[prop_or_default]
    pub compact: bool,
    /// The browser says it is on a mobile network (Network Information).
    #[prop_or_default]
    pub on_mobile_data: bool,
}

#[component]
pub fn ProfilePicker(props: &PickerProps) -> Html {
    let i18n = use_i18n();
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
        <section class={classes!("setup", props.compact.then_some("compact"))} aria-label={i18n.t("device")}>
            <label for="profile" class={classes!(props.compact.then_some("visually-hidden"))}>{ i18n.t("device") }</label>
            <select id="profile" {onchange} disabled={props.running}>
                if let Some(custom) = custom {
                    <option value={custom.id.clone()} selected=true>{ &custom.name }</option>
                }
                { for props.profiles.iter().map(|p| html! {
                    <option value={p.id.clone()} selected={selected_id.as_deref() == Some(p.id.as_str())}>{ &p.name }</option>
                }) }
            </select>
            if let (Some(profile), false) = (&props.selected, props.compact) {
                <p class="profile-summary">{ &profile.summary }</p>
            }
            <button id="start" class="start" type="button" onclick={props.on_start.clone()}
                disabled={props.running || props.selected.is_none()}>
                { if props.running {
                    i18n.t("checking")
                } else if props.compact {
                    i18n.t("check-again")
                } else {
                    i18n.t("start")
                } }
            </button>
            if !props.compact {
                <p class="hint" id="network-hint">{ i18n.t("network-hint") }</p>
            }
            if props.on_mobile_data {
                <p class="warning" id="mobile-warning" role="alert">{ i18n.t("mobile-data-warning") }</p>
            }
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
    let i18n = use_i18n();
    let total = props.total.to_string();
    let label = if props.finished {
        i18n.t_args("progress-finished", &[("total", total)])
    } else {
        i18n.t_args(
            "progress-running",
            &[("done", props.done.to_string()), ("total", total)],
        )
    };
    if props.finished {
        // Done: one quiet line, so the answer comes up the screen.
        return html! {
            <p class="progress-done detail" id="progress-text" aria-live="polite">{ label }</p>
        };
    }
    html! {
        <section class="progress" aria-live="polite">
            <progress max={props.total.max(1).to_string()} value={props.done.to_string()} aria-label={i18n.t("progress")}></progress>
            <p id="progress-text">{ label }</p>
        </section>
    }
}

fn overall_class(overall: Overall) -> &'static str {
    match overall {
        Overall::Ready => "ready",
        Overall::Partly | Overall::RelayNeeded => "partly",
        Overall::NotReady | Overall::Intercepted => "not-ready",
        Overall::CouldNotTell => "unknown",
    }
}

fn finding_line(i18n: &Translator, finding: &Finding) -> Html {
    let ports = format!("{} {}", finding.protocol, finding.ports);
    let what = match finding.status {
        RequirementStatus::Partial { reachable, probed } => i18n.t_args(
            "finding-partial",
            &[
                ("ports", ports),
                ("reachable", reachable.to_string()),
                ("probed", probed.to_string()),
            ],
        ),
        RequirementStatus::Intercepted {
            intercepted,
            probed,
        } => i18n.t_args(
            "finding-intercepted",
            &[
                ("ports", ports),
                ("intercepted", intercepted.to_string()),
                ("probed", probed.to_string()),
            ],
        ),
        RequirementStatus::Blocked { filtered: true } => {
            i18n.t_args("finding-dropped", &[("ports", ports)])
        }
        RequirementStatus::Untested {
            reason: UntestedReason::CarrierNat,
        } => i18n.t_args("finding-carrier-nat", &[("ports", ports)]),
        _ => i18n.t_args("finding-refused", &[("ports", ports)]),
    };
    html! {
        <li>
            <strong>{ &finding.breaks }</strong>
            <span class="why">{ format!(" — {what}.") }</span>
            if !finding.required { <span class="optional">{ " " }{ i18n.t("optional") }</span> }
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
    /// The server checks incoming ports from outside (the checker only).
    #[prop_or_default]
    pub knocks_offered: bool,
    /// Read by support (the shared result), not by the person who ran the
    /// check: the words addressed to that person (the next step, the
    /// mobile-data warning) stay out; support's questions cover them.
    #[prop_or_default]
    pub for_support: bool,
}

/// The answer: the verdict, what it breaks, and, for the person who ran
/// the check, the next step whatever the verdict. Everything else comes
/// after it or is folded.
#[component]
pub fn Summary(props: &SummaryProps) -> Html {
    let i18n = use_i18n();
    let result = &props.result;
    let verdict = &result.verdict;
    let to_the_person = !props.for_support;
    let mobile = to_the_person
        && result
            .client
            .network
            .as_ref()
            .is_some_and(|n| n.is_mobile_carrier());
    let next = to_the_person.then(|| {
        i18n.t_args(
            next_step_id(next_step(result, props.knocks_offered)),
            &[("profile", result.profile.name.clone())],
        )
    });
    let class = classes!("verdict", overall_class(verdict.overall));
    html! {
        <section {class} id="verdict" role="status" aria-live="polite">
            <h2>{ i18n.t(headline_id(verdict.overall)) }</h2>
            if !verdict.failures.is_empty() {
                <ul class="failures">{ for verdict.failures.iter().map(|f| finding_line(&i18n, f)) }</ul>
            }
            if mobile {
                <p class="warning" id="mobile-result">{ i18n.t("mobile-data-warning") }</p>
            }
            if let Some(next) = next {
                <p class="next-step" id="next-step">{ next }</p>
            }
        </section>
    }
}

/// What to do, and the table for the provider or IT: a table that
/// stacks its cells on a phone, and copies as aligned text.
#[component]
pub fn WhatToDo(props: &SummaryProps) -> Html {
    let i18n = use_i18n();
    let result = &props.result;
    let (header, rows) = provider_rows(&*i18n, &result.requirements, result.media());
    let (copy_table, copied) =
        crate::share::use_copy(provider_table(&*i18n, &result.requirements, result.media()));
    if result.advice.is_empty() && rows.is_empty() {
        return html! {};
    }
    html! {
        <section class="what-to-do" aria-labelledby="what-to-do-heading">
            if !result.advice.is_empty() {
                <h2 id="what-to-do-heading">{ i18n.t("what-to-do") }</h2>
                <ol class="advice" id="advice">
                    { for result.advice.iter().map(|a| html! { <li>{ i18n.t(advice_id(*a)) }</li> }) }
                </ol>
            }
            if !rows.is_empty() {
                <h3>{ i18n.t("provider-heading") }</h3>
                <table class="provider" id="provider-table">
                    <thead><tr>{ for header.iter().map(|h| html! { <th scope="col">{ h }</th> }) }</tr></thead>
                    <tbody>
                        { for rows.iter().map(|row| html! {
                            <tr>{ for row.iter().zip(header.iter()).map(|(cell, label)| html! {
                                <td data-label={label.clone()}>{ cell }</td>
                            }) }</tr>
                        }) }
                    </tbody>
                </table>
                <button type="button" class="secondary" onclick={copy_table}>{ i18n.t("copy-table") }</button>
                if copied == Some(true) {
                    <p class="detail" role="status">{ i18n.t("copied") }</p>
                }
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct DetailsProps {
    pub open: bool,
    pub children: Html,
}

/// Everything behind the answer, for support and the curious: folded
/// under a plain heading.
#[component]
pub fn Details(props: &DetailsProps) -> Html {
    let i18n = use_i18n();
    html! {
        <details class="details" id="details" open={props.open}>
            <summary>
                <span class="summary-title">{ i18n.t("details-heading") }</span>
                <span class="detail">{ i18n.t("details-hint") }</span>
            </summary>
            { props.children.clone() }
        </details>
    }
}

/// What the verdict leaves aside: untestable, browser-limited and
/// unserved requirements.
#[component]
pub fn VerdictNotes(props: &SummaryProps) -> Html {
    let i18n = use_i18n();
    let verdict = &props.result.verdict;
    if verdict.unchecked.is_empty()
        && verdict.this_browser.is_empty()
        && verdict.untestable.is_empty()
    {
        return html! {};
    }
    html! {
        <section class="notes">
            if !verdict.unchecked.is_empty() {
                <p class="unchecked">{ i18n.t_args("not-checked-here", &[("list", port_list(&verdict.unchecked))]) }</p>
            }
            if !verdict.this_browser.is_empty() {
                <p class="untestable" id="this-browser">{ i18n.t_args("not-testable-in-this-browser", &[("list", port_list(&verdict.this_browser))]) }</p>
            }
            if !verdict.untestable.is_empty() {
                <p class="untestable">{ i18n.t_args("not-testable-list", &[("list", port_list(&verdict.untestable))]) }</p>
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
    let i18n = use_i18n();
    let nat = &props.nat;
    let (chip, class) = match nat.mapping {
        NatMapping::EndpointIndependent => (msg("nat-chip-endpoint-independent"), "open"),
        NatMapping::AddressDependent => (msg("nat-chip-address-dependent"), "partial"),
        NatMapping::AddressAndPortDependent => {
            (msg("nat-chip-address-and-port-dependent"), "blocked")
        }
        NatMapping::SameTowardsOneAddress => (msg("nat-chip-same-towards-one-address"), "open"),
        NatMapping::Unknown => (msg("nat-chip-unknown"), "unchecked"),
        NatMapping::NotTestedByBrowser => (msg("nat-chip-not-tested-by-browser"), "untestable"),
    };
    let text = nat_id(nat.mapping);
    html! {
        <section class="nat" id="nat" aria-labelledby="nat-heading">
            <div class="req-head">
                <h2 id="nat-heading">{ i18n.t("router-heading") }</h2>
                <span class={classes!("chip", class)}>{ i18n.t(chip) }</span>
            </div>
            <p>{ i18n.t(text) }</p>
            if !nat.public_addresses.is_empty() {
                <p class="detail">{ i18n.t_args("nat-public-address", &[("addresses", nat.public_addresses.join(", "))]) }</p>
            }
            <p class="detail">{ i18n.t("nat-cannot-measure") }</p>
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct RelayProps {
    pub relay: RelayResult,
    pub websocket: Option<ProbeOutcome>,
}

/// Whether a relay (TURN) works, per transport, and the WebSocket check.
#[component]
pub fn RelaySummary(props: &RelayProps) -> Html {
    let i18n = use_i18n();
    let relay = props.relay;
    let row = |label: &'static str, outcome: ProbeOutcome| {
        let (text, class) = match outcome {
            ProbeOutcome::Reachable { ms } => (
                i18n.t_args("relay-works", &[("ms", ms.to_string())]),
                "open",
            ),
            ProbeOutcome::NotServed => (i18n.t("outcome-not-served"), "unchecked"),
            other => (outcome_label(&i18n, other).0, "blocked"),
        };
        html! {
            <li class={class}><span class="port">{ label }</span>{ " " }{ text }</li>
        }
    };
    html! {
        <section class="relay" id="relay" aria-labelledby="relay-heading">
            <h2 id="relay-heading">{ i18n.t("relay-heading") }</h2>
            <p>{ i18n.t("relay-intro") }</p>
            <ul class="probes">
                { row("UDP", relay.udp) }
                { row("TCP", relay.tcp) }
                { row("TLS", relay.tls) }
            </ul>
            if !relay.works() {
                <p class="detail" id="relay-meaning">{ i18n.t("relay-meaning-none") }</p>
            } else if [relay.udp, relay.tcp, relay.tls].iter().any(|o| o.is_blocked() || o.is_intercepted()) {
                <p class="detail" id="relay-meaning">{ i18n.t("relay-meaning-some") }</p>
            }
            if let Some(websocket) = props.websocket {
                <h2>{ i18n.t("websocket-heading") }</h2>
                <p id="websocket" class="detail">{ match websocket {
                    ProbeOutcome::Reachable { ms } => i18n.t_args("websocket-works", &[("ms", ms.to_string())]),
                    ProbeOutcome::Refused { .. } => i18n.t("websocket-broken"),
                    ProbeOutcome::Intercepted { .. } => i18n.t("websocket-intercepted"),
                    _ => i18n.t("websocket-silent"),
                } }</p>
            }
        </section>
    }
}

fn outcome_label(i18n: &Translator, outcome: ProbeOutcome) -> (String, &'static str) {
    match outcome {
        ProbeOutcome::Reachable { ms } => (
            i18n.t_args("outcome-open", &[("ms", ms.to_string())]),
            "open",
        ),
        ProbeOutcome::Refused { ms } => (
            i18n.t_args("outcome-refused", &[("ms", ms.to_string())]),
            "blocked",
        ),
        ProbeOutcome::Filtered { timeout_ms } => (
            i18n.t_args(
                "outcome-no-answer",
                &[("seconds", format!("{:.0}", f64::from(timeout_ms) / 1000.0))],
            ),
            "blocked",
        ),
        ProbeOutcome::NotTestable { reason } => (i18n.t(untestable_id(reason)), "untestable"),
        ProbeOutcome::NotServed => (i18n.t("outcome-not-served"), "unchecked"),
        ProbeOutcome::Intercepted { ms } => (
            i18n.t_args("outcome-intercepted", &[("ms", ms.to_string())]),
            "intercepted",
        ),
    }
}

fn status_label(
    i18n: &Translator,
    result: &RequirementResult,
    pending: usize,
) -> (String, &'static str) {
    if pending > 0 {
        return (i18n.t("status-checking"), "pending");
    }
    // A large range is checked on the server's sample of it; say so.
    let sampled = result.ports.port_count() as usize > result.probes.len();
    let counts = |reachable: u32, probed: u32| {
        [
            ("reachable", reachable.to_string()),
            ("probed", probed.to_string()),
        ]
    };
    match result.status {
        RequirementStatus::Open if sampled => (
            i18n.t_args(
                "status-open-sampled",
                &[("count", result.probes.len().to_string())],
            ),
            "open",
        ),
        RequirementStatus::Open => (i18n.t("status-open"), "open"),
        RequirementStatus::Partial { reachable, probed } if sampled => (
            i18n.t_args("status-partial-sampled", &counts(reachable, probed)),
            "partial",
        ),
        RequirementStatus::Partial { reachable, probed } => (
            i18n.t_args("status-partial", &counts(reachable, probed)),
            "partial",
        ),
        RequirementStatus::Blocked { .. } => (i18n.t("status-blocked"), "blocked"),
        RequirementStatus::Intercepted { .. } => (i18n.t("status-intercepted"), "intercepted"),
        RequirementStatus::Untested { reason } => (
            i18n.t(untested_id(reason)),
            if reason == UntestedReason::NotServed {
                "unchecked"
            } else {
                "untestable"
            },
        ),
    }
}

fn untested_explanation(result: &RequirementResult) -> Option<&'static str> {
    match result.status {
        RequirementStatus::Untested { reason } => Some(match reason {
            UntestedReason::BrowserRefusedPort => msg("explain-browser"),
            UntestedReason::Inbound => msg("explain-inbound"),
            UntestedReason::NoWebRtc => msg("explain-no-webrtc"),
            UntestedReason::NoCandidates => msg("explain-no-candidates"),
            UntestedReason::SkippedByBrowser => msg("explain-skipped"),
            UntestedReason::NotServed => msg("explain-not-served"),
            UntestedReason::CarrierNat => msg("explain-carrier-nat"),
        }),
        _ => None,
    }
}

#[derive(Properties, PartialEq)]
pub struct RequirementsProps {
    pub results: Rc<Vec<RequirementResult>>,
    /// Per requirement, probes still waiting for an answer.
    pub pending: Rc<Vec<usize>>,
    /// Asks the server to knock on these inbound ports; absent while the
    /// check runs or where the server does not knock.
    #[prop_or_default]
    pub on_knock: Option<Callback<Vec<u16>>>,
    /// Inbound ports being knocked on now.
    #[prop_or_default]
    pub knocking: Rc<Vec<u16>>,
    #[prop_or_default]
    pub knock_error: Option<String>,
}

/// What a knock from outside found, in words for the person at home.
fn inbound_label(i18n: &Translator, outcome: ProbeOutcome) -> (String, &'static str) {
    match outcome {
        ProbeOutcome::Reachable { ms } => (
            i18n.t_args("inbound-open", &[("ms", ms.to_string())]),
            "open",
        ),
        ProbeOutcome::Refused { ms } => (
            i18n.t_args("inbound-closed", &[("ms", ms.to_string())]),
            "blocked",
        ),
        ProbeOutcome::Filtered { .. } => (i18n.t("inbound-filtered"), "blocked"),
        other => outcome_label(i18n, other),
    }
}

#[component]
pub fn Requirements(props: &RequirementsProps) -> Html {
    let i18n = use_i18n();
    html! {
        <section class="ports" aria-labelledby="ports-heading">
            <h2 id="ports-heading">{ i18n.t("ports-heading") }</h2>
            <ul class="requirements">
                { for props.results.iter().zip(props.pending.iter()).map(|(r, &pending)| {
                    let (label, class) = status_label(&i18n, r, pending);
                    let many = r.probes.len() > 1;
                    let inbound = r.direction == Direction::Inbound;
                    let label_of = |outcome| if inbound { inbound_label(&i18n, outcome) } else { outcome_label(&i18n, outcome) };
                    let knock_ports: Vec<u16> = r.probes.iter().map(|p| p.port).collect();
                    let knocking = knock_ports.iter().any(|p| props.knocking.contains(p));
                    let knock = r.can_be_knocked()
                        .then_some(props.on_knock.clone())
                        .flatten()
                        .map(|on_knock| Callback::from(move |_: MouseEvent| on_knock.emit(knock_ports.clone())));
                    html! {
                        <li class={classes!("requirement", class)}
                            data-protocol={r.protocol.to_string().to_lowercase()} data-ports={r.ports.to_string()}>
                            <div class="req-head">
                                <span class="ports-label">{ format!("{} {}", r.protocol, r.ports) }</span>
                                <span class={classes!("chip", class)}>{ label }</span>
                            </div>
                            <p class="purpose">
                                { &r.purpose }
                                if !r.required { <span class="optional">{ " " }{ i18n.t("optional-suffix") }</span> }
                            </p>
                            if let Some(note) = &r.note {
                                <p class="note">{ note }</p>
                            }
                            if many {
                                <ul class="probes">
                                    { for r.probes.iter().map(|p| {
                                        let (label, class) = label_of(p.outcome);
                                        html! { <li class={class}><span class="port">{ p.port }</span>{ " " }{ label }</li> }
                                    }) }
                                </ul>
                            } else if let Some(p) = r.probes.first() {
                                if !matches!(p.outcome, ProbeOutcome::NotTestable { .. } | ProbeOutcome::NotServed) {
                                    <p class="detail">{ label_of(p.outcome).0 }</p>
                                }
                            }
                            if let (0, Some(id)) = (pending, untested_explanation(r)) {
                                <p class="detail">{ i18n.t(id) }</p>
                            }
                            if let Some(onclick) = knock {
                                <p class="detail">{ i18n.t("knock-explain") }</p>
                                <button type="button" class="knock" disabled={knocking} {onclick}>
                                    { if knocking { i18n.t("knock-running") } else { i18n.t("knock-button") } }
                                </button>
                                if let (Some(error), false) = (&props.knock_error, knocking) {
                                    <p class="notice error" role="alert">{ i18n.t_args("knock-failed", &[("message", error.clone())]) }</p>
                                }
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
        crate::probe::mark("doorway:result")
    });
    html! {
        <script type="application/json" id="doorway-result">{ json }</script>
    }
}

#[derive(Properties, PartialEq)]
pub struct QualityProps {
    pub quality: crate::state::QualityRun,
}

/// Will calls and video be good: the reading in plain words, with the
/// figures and whose limits they were read against, and what to try when
/// they are not good. Below the answer and its share button, never before.
#[component]
pub fn QualitySummary(props: &QualityProps) -> Html {
    use crate::state::QualityRun;
    use doorway_core::quality::QualityReading;
    use doorway_core::report::quality_lines;
    let i18n = use_i18n();
    let not_measured = |reason: String| {
        html! {
            <p class="quality unchecked" id="quality" data-quality="not-measured">
                { i18n.t_args("quality-not-measured", &[("reason", reason)]) }
            </p>
        }
    };
    match &props.quality {
        QualityRun::NotStarted => html! {},
        QualityRun::Measuring => html! {
            <p class="quality measuring" id="quality" role="status" data-quality="measuring">
                { i18n.t("quality-measuring") }
            </p>
        },
        QualityRun::NoUdp => not_measured(i18n.t("quality-no-udp")),
        QualityRun::BrowserCannot => not_measured(i18n.t("quality-browser-cannot")),
        QualityRun::Failed(reason) => not_measured(reason.clone()),
        QualityRun::MeasuringSpeed(_) => html! {
            <p class="quality measuring" id="quality" role="status" data-quality="measuring">
                { i18n.t("quality-measuring-speed") }
            </p>
        },
        QualityRun::Measured { stream, bandwidth } => {
            let judgement = stream.judge_with(bandwidth.as_ref().ok());
            let (class, data) = match judgement.reading {
                QualityReading::Good => ("open", "good"),
                QualityReading::MayStutter => ("partly", "may-stutter"),
                QualityReading::WillBreak => ("blocked", "will-break"),
            };
            let lines = quality_lines(&*i18n, stream, bandwidth.as_ref().ok());
            // The first thing to try; the rest is in "What to do".
            let first_advice = doorway_core::advice::quality_advice(&judgement)
                .first()
                .copied();
            let (up, down, loaded) = match bandwidth {
                Ok(b) => (b.up_kbps, b.down_kbps, b.loaded_rtt_ms),
                Err(_) => (None, None, None),
            };
            let attribute = |value: Option<u32>| value.map(|v| v.to_string());
            // One line of answer (and what to try); the figures folded, so
            // the answer and its share button keep the first screen.
            html! {
                <section class={classes!("quality", class)} id="quality" data-quality={data}
                    data-rtt-ms={stream.rtt_ms.to_string()} data-loss-permille={stream.loss_permille.to_string()}
                    data-up-kbps={attribute(up)} data-down-kbps={attribute(down)} data-loaded-rtt-ms={attribute(loaded)}>
                    <p class="quality-reading">{ lines[0].clone() }</p>
                    if let Some(advice) = first_advice {
                        <p class="quality-advice">{ i18n.t(advice_id(advice)) }</p>
                    }
                    <details class="quality-figures">
                        <summary>{ i18n.t("quality-figures-summary") }</summary>
                        <p class="detail">{ lines[1..].join(" ") }</p>
                        // A shared result without the transfers knows no reason.
                        if let Err(reason) = bandwidth {
                            if !reason.is_empty() {
                                <p class="detail">{ i18n.t_args("quality-speed-not-measured", &[("reason", reason.clone())]) }</p>
                            }
                        }
                    </details>
                </section>
            }
        }
    }
}
