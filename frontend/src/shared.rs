//! `/r/<id>`: a shared result, read-only, for support. Built as its own app
//! (`src/bin/doorway-viewer.rs`), served by the worker at `/r/…`.

use std::rc::Rc;

use doorway_core::answer::{question_id, support_questions};
use doorway_core::api::{ConfigResponse, SharedResult};
use doorway_core::fragment;
use doorway_core::report::{browser_summary, network_text, report_text};
use doorway_core::vouch::vouch;
use doorway_core::CheckResult;
use gloo::net::http::Request;
use yew::prelude::*;

use crate::app::Frame;
use crate::view::{
    use_i18n, Details, NatSummary, QualitySummary, RelaySummary, Requirements, ResultJson, Summary,
    SummaryProps, VerdictNotes, WhatToDo,
};

#[derive(Clone, PartialEq)]
enum Loading {
    Waiting,
    /// The result, and when it was stored and until when (not for links
    /// that carry the result themselves).
    Found(Rc<CheckResult>, Option<(u64, u64)>),
    Failed(String),
}

/// `/r/<id>` asks the server; `/r/#…` carries the result in the link.
async fn load(id: &str) -> Result<(CheckResult, Option<(u64, u64)>), String> {
    if id.is_empty() {
        let hash = web_sys::window()
            .and_then(|w| w.location().hash().ok())
            .unwrap_or_default();
        let result = fragment::decode(&hash).map_err(|e| e.to_string())?;
        // The link could say anything; shown on our domain it may carry only
        // our profiles' words and the verdict derived here (the server does
        // the same to stored results).
        let profiles = load_profiles().await?;
        return vouch(result, &profiles)
            .map(|result| (result, None))
            .map_err(|e| format!("this link's result cannot be shown ({e})"));
    }
    let shared = load_stored(id).await?;
    Ok((shared.result, Some((shared.created_at, shared.expires_at))))
}

async fn load_profiles() -> Result<Vec<doorway_core::Profile>, String> {
    let response = Request::get("/api/config").send().await.map_err(|_| {
        "the Doorway server could not be reached; check your connection and reload".to_owned()
    })?;
    crate::json::read::<ConfigResponse>(response)
        .await
        .map(|config| config.profiles)
        .map_err(|e| format!("the server's profiles cannot be read ({e})"))
}

async fn load_stored(id: &str) -> Result<SharedResult, String> {
    let response = Request::get(&format!("/api/results/{id}"))
        .send()
        .await
        .map_err(|_| {
            "the Doorway server could not be reached; check your connection and reload".to_owned()
        })?;
    if !response.ok() {
        return Err(crate::json::error_message(response).await);
    }
    crate::json::read(response)
        .await
        .map_err(|e| format!("the stored result cannot be read ({e})"))
}

/// A moment in the reader's time zone, and in UTC: "22.11.2026, 11:15:00
/// (Europe/Berlin); 2026-11-22 10:15 UTC".
fn time_with_zone(i18n: &crate::i18n::Translator, date: &js_sys::Date) -> String {
    if date.get_time().is_nan() {
        return String::new();
    }
    let local = String::from(date.to_locale_string(i18n.lang().code(), &js_sys::Object::new()));
    let zone = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new())
        .resolved_options();
    let zone = js_sys::Reflect::get(&zone, &"timeZone".into())
        .ok()
        .and_then(|z| z.as_string())
        .unwrap_or_default();
    let iso = String::from(date.to_iso_string());
    let utc = format!(
        "{} {}",
        &iso[..10.min(iso.len())],
        iso.get(11..16).unwrap_or("")
    );
    i18n.t_args(
        "shared-time-utc",
        &[("local", local), ("zone", zone), ("utc", utc)],
    )
}

fn unix_date(unix: u64) -> js_sys::Date {
    js_sys::Date::new(&((unix as f64) * 1000.0).into())
}

/// The viewer app: the result the address names, in the page's frame.
#[component]
pub fn Viewer() -> Html {
    let path = crate::app::location()
        .and_then(|l| l.pathname().ok())
        .unwrap_or_default();
    let id = path
        .strip_prefix("/r/")
        .unwrap_or_default()
        .trim_end_matches('/')
        .to_owned();
    html! { <Frame><SharedView {id} /></Frame> }
}

#[derive(Properties, PartialEq)]
pub struct SharedProps {
    pub id: String,
}

#[component]
pub fn SharedView(props: &SharedProps) -> Html {
    let i18n = use_i18n();
    let loading = use_state(|| Loading::Waiting);
    {
        let loading = loading.clone();
        use_effect_with(props.id.clone(), move |id| {
            let id = id.clone();
            yew::platform::spawn_local(async move {
                loading.set(match load(&id).await {
                    Ok((result, stored)) => Loading::Found(Rc::new(result), stored),
                    Err(message) => Loading::Failed(message),
                });
            });
        });
    }
    let found = matches!(&*loading, Loading::Found(..));
    use_effect_with(found, |found| crate::app::mark_answered(*found));
    match &*loading {
        Loading::Waiting => {
            html! { <p class="loading" role="status">{ i18n.t("shared-loading") }</p> }
        }
        Loading::Failed(message) => html! {
            <div class="notice error" role="alert">
                <p><strong>{ i18n.t("shared-failed") }</strong>{ " " }{ message }{ "." }</p>
                <p><a href="/">{ i18n.t("shared-new-check") }</a></p>
            </div>
        },
        Loading::Found(result, stored) => {
            let result = result.clone();
            let pending = Rc::new(vec![0; result.requirements.len()]);
            let profile = match &result.profile.custom {
                Some(custom) => format!("{} ({custom})", result.profile.name),
                None => result.profile.name.clone(),
            };
            let checked = match stored {
                Some((created, _)) => unix_date(*created),
                None => js_sys::Date::new(&result.started_at.clone().into()),
            };
            html! {
                <>
                    <section class="meta" id="shared-meta" aria-labelledby="shared-heading">
                        <h2 id="shared-heading">{ i18n.t("shared-heading") }</h2>
                        <dl>
                            <dt>{ i18n.t("shared-device") }</dt><dd>{ profile }</dd>
                            <dt>{ i18n.t("shared-checked") }</dt><dd id="shared-time">{ time_with_zone(&i18n, &checked) }</dd>
                            <dt>{ i18n.t("shared-browser") }</dt><dd>{ browser_summary(&result.client.user_agent) }</dd>
                            <dt>{ i18n.t("shared-network") }</dt><dd id="shared-network">{ network_text(&*i18n, result.client.network.as_ref()) }</dd>
                            if let Some(address) = &result.client.public_address {
                                <dt>{ i18n.t("shared-address") }</dt><dd>{ address }</dd>
                            }
                            if let Some((_, expires)) = stored {
                                <dt>{ i18n.t("shared-valid-until") }</dt><dd>{ time_with_zone(&i18n, &unix_date(*expires)) }</dd>
                            }
                        </dl>
                    </section>
                    <Summary result={result.clone()} for_support=true />
                    if let Some(stream) = result.quality {
                        // No reason is known for transfers a result lacks.
                        <QualitySummary quality={crate::state::QualityRun::Measured {
                            stream,
                            bandwidth: result.bandwidth.ok_or_else(String::new),
                        }} />
                    }
                    <ForSupport result={result.clone()} />
                    <WhatToDo result={result.clone()} />
                    // The agent reads everything: open.
                    <Details open=true>
                        if let Some(nat) = &result.nat {
                            <NatSummary nat={nat.clone()} />
                        }
                        if let Some(relay) = result.relay {
                            <RelaySummary {relay} websocket={result.websocket} />
                        }
                        <Requirements results={Rc::new(result.requirements.clone())} {pending} />
                        <VerdictNotes result={result.clone()} />
                    </Details>
                    <ResultJson result={result.clone()} />
                </>
            }
        }
    }
}

/// For the agent: the questions to ask the customer, and the whole result
/// as text for a ticket.
#[component]
fn ForSupport(props: &SummaryProps) -> Html {
    let i18n = use_i18n();
    let (on_copy, copied) = crate::share::use_copy(report_text(&*i18n, &props.result));
    html! {
        <section class="for-support" aria-labelledby="questions-heading">
            <h2 id="questions-heading">{ i18n.t("questions-heading") }</h2>
            <ul class="questions" id="questions">
                { for support_questions(&props.result).into_iter().map(|q| html! { <li>{ i18n.t(question_id(q)) }</li> }) }
            </ul>
            <button type="button" class="secondary" id="copy-text" onclick={on_copy}>{ i18n.t("copy-text-for-support") }</button>
            { match copied {
                Some(true) => html! { <p class="detail" role="status">{ i18n.t("copied-text") }</p> },
                Some(false) => html! { <p class="detail" role="status">{ i18n.t("copy-refused") }</p> },
                None => html! {},
            } }
        </section>
    }
}
