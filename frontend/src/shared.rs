//! `/r/<id>`: a shared result, read-only, for support. Built as its own app
//! (`src/bin/doorway-viewer.rs`), served by the worker at `/r/…`.

use std::rc::Rc;

use doorway_core::api::{ConfigResponse, ErrorResponse, SharedResult};
use doorway_core::fragment;
use doorway_core::report::browser_summary;
use doorway_core::vouch::vouch;
use doorway_core::CheckResult;
use gloo::net::http::Request;
use yew::prelude::*;

use crate::app::Frame;
use crate::view::{use_i18n, NatSummary, RelaySummary, Requirements, ResultJson, Summary};

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
        let status = response.status();
        return Err(crate::json::read::<ErrorResponse>(response)
            .await
            .map(|e| e.error.message)
            .unwrap_or_else(|_| format!("the server answered {status}")));
    }
    crate::json::read(response)
        .await
        .map_err(|e| format!("the stored result cannot be read ({e})"))
}

fn date(unix: u64) -> String {
    let date = js_sys::Date::new(&((unix as f64) * 1000.0).into());
    String::from(date.to_locale_string("default", &js_sys::Object::new()))
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
            html! {
                <>
                    <section class="meta" id="shared-meta" aria-labelledby="shared-heading">
                        <h2 id="shared-heading">{ i18n.t("shared-heading") }</h2>
                        <dl>
                            <dt>{ i18n.t("shared-device") }</dt><dd>{ profile }</dd>
                            <dt>{ i18n.t("shared-checked") }</dt><dd>{ match stored {
                                Some((created, _)) => date(*created),
                                None => result.started_at.clone(),
                            } }</dd>
                            <dt>{ i18n.t("shared-browser") }</dt><dd>{ browser_summary(&result.client.user_agent) }</dd>
                            if let Some(address) = &result.client.public_address {
                                <dt>{ i18n.t("shared-address") }</dt><dd>{ address }</dd>
                            }
                            if let Some((_, expires)) = stored {
                                <dt>{ i18n.t("shared-valid-until") }</dt><dd>{ date(*expires) }</dd>
                            }
                        </dl>
                    </section>
                    <Summary result={result.clone()} />
                    if let Some(nat) = &result.nat {
                        <NatSummary nat={nat.clone()} />
                    }
                    if let Some(relay) = result.relay {
                        <RelaySummary {relay} websocket={result.websocket} />
                    }
                    <Requirements results={Rc::new(result.requirements.clone())} {pending} />
                    <ResultJson result={result.clone()} />
                </>
            }
        }
    }
}
