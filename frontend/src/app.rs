//! The page: loads the configuration, picks the profile from the address or
//! the picker, runs the probes and shows the answers as they arrive.

use std::collections::HashMap;
use std::rc::Rc;

use doorway_core::api::{
    ConfigResponse, EchoResponse, KnockRequest, ProbeApi, TurnCredentials, NONCE_PARAM,
};
use doorway_core::budget::Budgets;
use doorway_core::ice::bracket_ipv6;
use doorway_core::profile::CustomProfileError;
use doorway_core::quality::{QualityStandard, StreamResult};
use doorway_core::result::ServerRef;
use doorway_core::{CheckPlan, PortListError, Profile, Protocol};
use gloo::net::http::Request;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::embed;
use crate::i18n::{
    choose, fetch_words, page_words, set_starting_words, starting_words, I18n, Lang, Translator,
};
use crate::probe::{
    check_nat, check_relay, knock, mark, now_ms, probe_tcp, probe_udp, probe_websocket,
};
use crate::query::PageQuery;
use crate::share::ResultActions;
use crate::state::{Action, Notice, PageState, Phase, QualityRun, Run, StreamPath};
use crate::view::{
    use_i18n, Details, NatSummary, ProfilePicker, Progress, QualitySummary, RelaySummary,
    Requirements, ResultJson, Summary, VerdictNotes, WhatToDo,
};

pub(crate) fn location() -> Option<web_sys::Location> {
    web_sys::window().map(|w| w.location())
}

pub(crate) fn page_query() -> PageQuery {
    PageQuery::parse(&location().and_then(|l| l.search().ok()).unwrap_or_default())
}

/// The configuration at `url` (the page's own server's, or a probe
/// node's); with `lang`, the profiles' translations into it only (`?lang=`:
/// the checker's, which the page shell preloads).
pub(crate) async fn load_config(url: &str, lang: Option<Lang>) -> Result<ConfigResponse, String> {
    let mut request = Request::get(url);
    if let Some(lang) = lang {
        request = request.query([("lang", lang.code())]);
    }
    let response = request
        .send()
        .await
        .map_err(|e| format!("the Doorway server did not answer ({e})"))?;
    if !response.ok() {
        return Err(format!(
            "the Doorway server answered {} {}",
            response.status(),
            response.status_text()
        ));
    }
    crate::json::read(response)
        .await
        .map_err(|e| format!("the Doorway server sent a configuration this page cannot read ({e})"))
}

/// The profile the address asks for, or why it cannot be had.
fn profile_from_query(
    query: &PageQuery,
    config: &ConfigResponse,
) -> (Option<Profile>, Option<Notice>) {
    if let Some(custom) = query.custom_profile() {
        return match custom {
            Ok(profile) => (Some(profile), None),
            Err(error) => (None, Some(Notice::BadPorts(error))),
        };
    }
    match &query.profile {
        None => (None, None),
        Some(id) => match config.profiles.iter().find(|p| &p.id == id) {
            Some(profile) => (Some(profile.clone()), None),
            None => (None, Some(Notice::UnknownProfile(id.clone()))),
        },
    }
}

fn port_error(i18n: &Translator, error: &PortListError) -> String {
    match error {
        PortListError::Empty => i18n.t("ports-empty"),
        PortListError::EmptyItem => i18n.t("ports-empty-item"),
        PortListError::NotANumber { item } => {
            i18n.t_args("ports-not-a-number", &[("item", item.clone())])
        }
        PortListError::Zero => i18n.t("ports-zero"),
        PortListError::TooLarge { item } => {
            i18n.t_args("ports-too-large", &[("item", item.clone())])
        }
        PortListError::Backwards { start, end } => i18n.t_args(
            "ports-backwards",
            &[("start", start.to_string()), ("end", end.to_string())],
        ),
        PortListError::TooMany { count, max } => i18n.t_args(
            "ports-too-many",
            &[("count", count.to_string()), ("max", max.to_string())],
        ),
    }
}

pub(crate) fn notice_text(i18n: &Translator, notice: &Notice) -> String {
    match notice {
        Notice::UnknownProfile(id) => i18n.t_args("unknown-profile", &[("id", id.clone())]),
        Notice::BadPorts(error) => {
            let reason = match error {
                CustomProfileError::NoPorts => i18n.t("ports-none"),
                CustomProfileError::InboundPorts(error) => i18n.t_args(
                    "ports-in-inbound-list",
                    &[("reason", port_error(i18n, error))],
                ),
                CustomProfileError::TooManyInbound { count, max } => i18n.t_args(
                    "ports-too-many-inbound",
                    &[("count", count.to_string()), ("max", max.to_string())],
                ),
                CustomProfileError::Ports { protocol, error } => i18n.t_args(
                    "ports-in-list",
                    &[
                        ("protocol", protocol.to_string()),
                        ("reason", port_error(i18n, error)),
                    ],
                ),
            };
            i18n.t_args("bad-ports", &[("reason", reason)])
        }
    }
}

/// The quality check: the voice-like stream on `path`, then download and
/// upload over the same channel's pings (`streamed` hears of the stream's
/// figures as soon as they are in).
async fn measure_quality(
    standard: QualityStandard,
    path: StreamPath,
    (api, host): (ProbeApi, String),
    streamed: impl FnOnce(StreamResult),
) -> QualityRun {
    let (port, relay) = match path {
        StreamPath::Direct(port) => (port, None),
        StreamPath::Relay { port, way } => {
            let Some(credentials) = fetch_turn(&api).await else {
                return QualityRun::Failed("the relay's credentials could not be fetched".into());
            };
            (
                port,
                Some(crate::probe::relay_server(&host, &credentials, way)),
            )
        }
    };
    let stream = match crate::stream::Stream::connect(api, port, relay.as_ref()).await {
        Ok(stream) => stream,
        Err(reason) => return QualityRun::Failed(reason),
    };
    let figures = StreamResult {
        relay: relay.is_some(),
        ..StreamResult::from_echoes(standard, port, &stream.voice().await)
    };
    streamed(figures);
    let bandwidth = crate::bandwidth::measure(&stream).await;
    QualityRun::Measured {
        stream: figures,
        bandwidth,
    }
}

/// Starts a run: probes every target at once and the echo alongside.
fn start_run(state: &UseReducerHandle<PageState>, lang: Lang) {
    let (Some(config), Some(profile)) = (state.config.clone(), state.profile.clone()) else {
        return;
    };
    let query = page_query();
    let location = location();
    let api = config.probe.api.clone();
    // The probes go where the API is: a probe node's scheme and host, or the page's.
    let scheme = api.scheme(
        &location
            .as_ref()
            .and_then(|l| l.protocol().ok())
            .unwrap_or_else(|| "http:".into()),
    );
    let host = config.probe.host.clone().unwrap_or_else(|| {
        location
            .as_ref()
            .and_then(|l| l.hostname().ok())
            .unwrap_or_else(|| "localhost".into())
    });
    // The run's texts (purposes, what breaks) in the page's language.
    let profile = Rc::new(profile.localized(lang.code()));
    let plan = Rc::new(CheckPlan::new(&profile, &config.probe.served));
    let targets = plan.targets();
    let run = Run {
        id: state.next_run_id(),
        custom_spec: (profile.id == doorway_core::profile::CUSTOM_PROFILE_ID)
            .then(|| query.custom_spec())
            .flatten(),
        profile,
        plan,
        total: targets.len(),
        answers: HashMap::new(),
        echo: None,
        nat: None,
        relay: None,
        websocket: None,
        started_at: String::from(js_sys::Date::new_0().to_iso_string()),
        started_ms: now_ms(),
        server: ServerRef {
            probe_host: host.clone(),
            scheme: scheme.trim_end_matches(':').into(),
        },
        user_agent: web_sys::window()
            .and_then(|w| w.navigator().user_agent().ok())
            .unwrap_or_default(),
        result: None,
        knocking: Vec::new(),
        knock_error: None,
        quality: QualityRun::NotStarted,
    };
    let run_id = run.id;
    state.dispatch(Action::Started(Box::new(run)));

    let dispatcher = state.dispatcher();
    let page_origin = location
        .as_ref()
        .and_then(|l| l.origin().ok())
        .unwrap_or_default();
    let ws_url = api.websocket_url(&page_origin);
    let probes = ProbeRun {
        run_id,
        nonce: new_nonce(),
        targets,
        scheme,
        host,
        ws_url,
        floor_ms: config.probe.timeout_ms,
        turn: config.probe.turn,
        nat_servers: config.probe.nat.clone(),
    };
    // The echo first: its round trip sets every probe's budget. The relay's
    // credentials come meanwhile, so the relay waits no longer than before.
    yew::platform::spawn_local(async move {
        let turn = async {
            if probes.turn {
                fetch_turn(&api).await
            } else {
                None
            }
        };
        let echo_url = api.url("/api/echo?check=1");
        let ((echo, rtt_ms), credentials) = futures::join!(fetch_echo(&echo_url), turn);
        dispatcher.dispatch(Action::Echo {
            run: run_id,
            echo,
            now_ms: now_ms(),
        });
        probes.start(
            &dispatcher,
            Budgets::new(probes.floor_ms, rtt_ms),
            credentials,
        );
    });
}

/// What the probes of one run need once the round trip is known.
struct ProbeRun {
    run_id: u32,
    /// Sent with every probe and echoed by our server only.
    nonce: String,
    targets: Vec<doorway_core::plan::ProbeTarget>,
    scheme: String,
    host: String,
    ws_url: String,
    floor_ms: u32,
    turn: bool,
    nat_servers: doorway_core::api::NatServers,
}

impl ProbeRun {
    /// Probes every target at once, with the WebSocket, relay and NAT checks
    /// alongside, each within its budget.
    fn start(
        &self,
        dispatcher: &UseReducerDispatcher<PageState>,
        budgets: Budgets,
        credentials: Option<TurnCredentials>,
    ) {
        let run_id = self.run_id;
        let (ws_url, ws_nonce) = (self.ws_url.clone(), self.nonce.clone());
        let websocket = dispatcher.clone();
        yew::platform::spawn_local(async move {
            let outcome = probe_websocket(&ws_url, &ws_nonce, budgets).await;
            websocket.dispatch(Action::WebSocket {
                run: run_id,
                outcome,
                now_ms: now_ms(),
            });
        });
        let relay_dispatcher = dispatcher.clone();
        let relay_host = self.host.clone();
        yew::platform::spawn_local(async move {
            let relay = check_relay(&relay_host, credentials, budgets).await;
            relay_dispatcher.dispatch(Action::Relay {
                run: run_id,
                relay,
                now_ms: now_ms(),
            });
        });
        let nat_dispatcher = dispatcher.clone();
        let (nat_host, nat_servers) = (self.host.clone(), self.nat_servers.clone());
        yew::platform::spawn_local(async move {
            let nat = check_nat(&nat_host, &nat_servers, budgets).await;
            nat_dispatcher.dispatch(Action::Nat {
                run: run_id,
                nat,
                now_ms: now_ms(),
            });
        });
        // The ports last: the relay and NAT checks take longest, so their
        // connections are made first.
        for target in self.targets.iter().copied() {
            let dispatcher = dispatcher.clone();
            let (scheme, host) = (self.scheme.clone(), self.host.clone());
            let nonce = self.nonce.clone();
            yew::platform::spawn_local(async move {
                let outcome = match target.protocol {
                    Protocol::Tcp => {
                        let url = probe_url(&scheme, &host, target.port, &nonce);
                        probe_tcp(&url, &nonce, budgets).await
                    }
                    Protocol::Udp => probe_udp(&host, target.port, budgets).await,
                };
                dispatcher.dispatch(Action::Answer {
                    run: run_id,
                    target,
                    outcome,
                    now_ms: now_ms(),
                });
            });
        }
    }
}

fn probe_url(scheme: &str, host: &str, port: u16, nonce: &str) -> String {
    format!(
        "{scheme}//{}:{port}/probe?{NONCE_PARAM}={nonce}",
        bracket_ipv6(host)
    )
}

/// A fresh nonce per check: 16 characters from `Math.random`. It only has
/// to tell our answer from a stranger's, which never saw it; it guards no
/// secret, so it needs no cryptographic randomness.
pub(crate) fn new_nonce() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    (0..16)
        .map(|_| {
            let index = (js_sys::Math::random() * ALPHABET.len() as f64) as usize;
            char::from(ALPHABET[index.min(ALPHABET.len() - 1)])
        })
        .collect()
}

async fn fetch_turn(api: &ProbeApi) -> Option<TurnCredentials> {
    let response = Request::get(&api.url("/api/turn")).send().await.ok()?;
    crate::json::read(response).await.ok()
}

/// The echo, and the path's round trip measured on it: the time from
/// sending the request to the first byte of the answer (Resource Timing,
/// so a new connection's set-up is not counted), or the whole fetch where
/// the browser gives no timing.
/// `?check=1` marks the echo a check begins with, which the server counts
/// as a check (its metrics); the early look before a check is not.
async fn fetch_echo(url: &str) -> (Option<EchoResponse>, Option<u32>) {
    let started = now_ms();
    let Ok(response) = Request::get(url)
        .cache(web_sys::RequestCache::NoStore)
        .send()
        .await
    else {
        return (None, None);
    };
    let whole_fetch = (now_ms() - started).max(0.0) as u32;
    let rtt_ms = request_to_first_byte(&response.url()).unwrap_or(whole_fetch);
    (crate::json::read(response).await.ok(), Some(rtt_ms))
}

/// `responseStart - requestStart` of the newest Resource Timing entry for
/// `url`, when the browser recorded one with both times.
fn request_to_first_byte(url: &str) -> Option<u32> {
    let entries = web_sys::window()?.performance()?.get_entries_by_name(url);
    let entry = entries.get(entries.length().checked_sub(1)?);
    let time = |name: &str| {
        js_sys::Reflect::get(&entry, &name.into())
            .ok()
            .and_then(|v| v.as_f64())
    };
    let (sent, answered) = (time("requestStart")?, time("responseStart")?);
    (sent > 0.0 && answered >= sent).then_some((answered - sent) as u32)
}

/// `body.answered`: an answer is on screen, the introduction steps aside.
pub(crate) fn mark_answered(answered: bool) {
    if let Some(body) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
    {
        let _ = body.class_list().toggle_with_force("answered", answered);
    }
}

/// Whether the browser says it is on a mobile network (the Network
/// Information API's `type`: Chrome on Android; other browsers say nothing).
fn on_mobile_data() -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let connection = js_sys::Reflect::get(&window.navigator(), &"connection".into());
    connection
        .ok()
        .filter(|c| c.is_object())
        .and_then(|c| js_sys::Reflect::get(&c, &"type".into()).ok())
        .and_then(|t| t.as_string())
        .is_some_and(|t| t == "cellular")
}

fn browser_languages() -> Vec<String> {
    web_sys::window()
        .map(|w| {
            w.navigator()
                .languages()
                .iter()
                .filter_map(|l| l.as_string())
                .collect()
        })
        .unwrap_or_default()
}

/// Puts `lang=xx` into the address, so a shared or reloaded page keeps it.
/// (The App's effect sets `<html lang>` for assistive technology.)
fn remember_language(lang: Lang) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let location = window.location();
    let Ok(params) = web_sys::UrlSearchParams::new_with_str(&location.search().unwrap_or_default())
    else {
        return;
    };
    params.set("lang", lang.code());
    let url = format!(
        "{}?{}{}",
        location.pathname().unwrap_or_default(),
        String::from(params.to_string()),
        location.hash().unwrap_or_default()
    );
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

/// The checker, at every address but `/r/…` and `/embed` (the worker serves
/// the shared-result viewer and the vendors' page, separate apps, there).
#[component]
pub fn App() -> Html {
    html! { <Frame><Checker /></Frame> }
}

#[derive(Properties, PartialEq)]
pub struct FrameProps {
    pub children: Html,
    /// The page's heading and introduction (catalogue ids).
    #[prop_or("title")]
    pub title: &'static str,
    #[prop_or("lede")]
    pub lede: &'static str,
}

/// What the three apps share around their view: the language (chosen from the
/// address, then the browser), the embed mode and the page's header/footer.
#[component]
pub fn Frame(props: &FrameProps) -> Html {
    let i18n = use_state(|| I18n(Rc::new(starting_words(chosen_language()))));
    // A language whose words could not be fetched: the page stays in its own.
    let failed_switch = use_state(|| None::<Lang>);
    use_effect_with(i18n.lang(), |lang| {
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = root.set_attribute("lang", lang.code());
        }
    });
    use_effect_with((), |_| {
        let query = page_query();
        if query.embed {
            embed::mark_embedded();
            if let Some(theme) = &query.theme {
                embed::apply_theme(theme);
            }
        }
    });
    let on_lang = {
        let (i18n, failed_switch) = (i18n.clone(), failed_switch.clone());
        Callback::from(move |chosen: Lang| {
            let (i18n, failed_switch) = (i18n.clone(), failed_switch.clone());
            yew::platform::spawn_local(async move {
                match fetch_words(chosen).await {
                    Ok(words) => {
                        remember_language(chosen);
                        failed_switch.set(None);
                        i18n.set(I18n(Rc::new(words)));
                    }
                    Err(_) => {
                        show_language_choice(i18n.lang());
                        failed_switch.set(Some(chosen));
                    }
                }
            });
        })
    };
    html! {
        <ContextProvider<I18n> context={(*i18n).clone()}>
            <Page {on_lang} language_failed={*failed_switch} title={props.title} lede={props.lede}>{ props.children.clone() }</Page>
        </ContextProvider<I18n>>
    }
}

/// The page's language as the address, then the browser, asks for it (the
/// server chose the shell's words the same way).
fn chosen_language() -> Lang {
    choose(page_query().lang.as_deref(), &browser_languages())
}

/// Puts the switcher back on `lang` (after a switch that failed).
fn show_language_choice(lang: Lang) {
    let select = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("lang"))
        .and_then(|e| e.dyn_into::<web_sys::HtmlSelectElement>().ok());
    if let Some(select) = select {
        select.set_value(lang.code());
    }
}

/// Starts an app in place of the server's first screen (`#app` in the page
/// shell, which shows until the wasm runs), in the words the shell carries;
/// a page without them fetches its language's first.
pub fn mount<C: BaseComponent<Properties = ()>>() {
    match page_words() {
        Some(words) => {
            set_starting_words(words);
            render::<C>();
        }
        None => yew::platform::spawn_local(async {
            let lang = chosen_language();
            if let Ok(words) = fetch_words(lang).await {
                set_starting_words(words);
            }
            render::<C>();
        }),
    }
}

fn render<C: BaseComponent<Properties = ()>>() {
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("app"));
    match root {
        Some(root) => {
            root.set_inner_html("");
            yew::Renderer::<C>::with_root(root).render();
        }
        None => {
            yew::Renderer::<C>::new().render();
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct PageProps {
    pub children: Html,
    pub on_lang: Callback<Lang>,
    /// A language switched to whose words could not be fetched.
    pub language_failed: Option<Lang>,
    pub title: &'static str,
    pub lede: &'static str,
}

/// Header (with the language switcher) and footer around every view.
#[component]
pub fn Page(props: &PageProps) -> Html {
    let i18n = use_i18n();
    let onchange = {
        let on_lang = props.on_lang.clone();
        move |event: Event| {
            let select: web_sys::HtmlSelectElement = event.target_unchecked_into();
            if let Some(lang) = Lang::from_tag(&select.value()) {
                on_lang.emit(lang);
            }
        }
    };
    // In a support article the article's language decides (`lang=`); the
    // vendor may ask for the switcher (`languages=1`).
    let query = page_query();
    let switcher = !query.embed || query.languages;
    html! {
        <>
            <header class="top">
                <div class="topline">
                    <p class="brand"><a href="/"><span class="logo" aria-hidden="true">{ "⌂" }</span>{ i18n.t("brand") }</a></p>
                    if switcher {
                        <label class="lang">
                            <span class="visually-hidden">{ i18n.t("language") }</span>
                            <select id="lang" {onchange} aria-label={i18n.t("language")}>
                                { for Lang::ALL.iter().map(|l| html! {
                                    <option value={l.code()} selected={*l == i18n.lang()}>{ l.name() }</option>
                                }) }
                            </select>
                        </label>
                    }
                </div>
                if let Some(lang) = props.language_failed {
                    <div class="notice error" role="alert">
                        <p>{ i18n.t_args("language-failed", &[("language", lang.name().to_owned())]) }</p>
                    </div>
                }
                <h1>{ i18n.t(props.title) }</h1>
                <p class="lede">{ i18n.t(props.lede) }</p>
            </header>
            <main id="main">{ props.children.clone() }</main>
            <footer class="foot">
                <p>{ i18n.t("footer") }</p>
            </footer>
        </>
    }
}

#[component]
fn Checker() -> Html {
    let i18n = use_i18n();
    let lang = i18n.lang();
    let embedded = page_query().embed;
    let state = use_reducer(PageState::default);

    {
        let state = state.clone();
        use_effect_with((), move |_| {
            yew::platform::spawn_local(async move {
                let config = match load_config("/api/config", Some(lang)).await {
                    Ok(config) => crate::nodes::choose(config).await,
                    failed => failed,
                };
                match config {
                    Ok(config) => {
                        let (profile, notice) = profile_from_query(&page_query(), &config);
                        state.dispatch(Action::ConfigLoaded {
                            config: Box::new(config),
                            profile: profile.map(Box::new),
                            notice,
                        });
                    }
                    Err(message) => state.dispatch(Action::ConfigFailed(message)),
                }
            });
        });
    }

    // A language switch: the profiles' names and texts in the new language.
    // If they cannot be fetched, the profiles read in English.
    {
        let state = state.clone();
        let loaded_in = use_mut_ref(|| lang);
        use_effect_with(lang, move |lang| {
            let lang = *lang;
            if lang != loaded_in.replace(lang) {
                yew::platform::spawn_local(async move {
                    if let Ok(config) = load_config("/api/config", Some(lang)).await {
                        state.dispatch(Action::ProfilesTranslated(config.profiles));
                    }
                });
            }
        });
    }

    // Before a check the person starts: whether the server sees a mobile
    // carrier's address (`--asn-db`), to warn before the wrong network is
    // checked. With autorun the check starts at once and its own echo tells
    // (the verdict warns instead).
    let carrier_seen = use_state(|| false);
    {
        let carrier_seen = carrier_seen.clone();
        use_effect_with((), move |_| {
            if !page_query().autorun {
                yew::platform::spawn_local(async move {
                    let (echo, _) = fetch_echo("/api/echo").await;
                    let network = echo.and_then(|echo| echo.network);
                    carrier_seen.set(network.is_some_and(|n| n.is_mobile_carrier()));
                });
            }
        });
    }

    // Autorun once the configuration is in, unless the address was wrong.
    {
        let state = state.clone();
        let ready = state.phase == Phase::Ready && state.config.is_some();
        use_effect_with(ready, move |ready| {
            if *ready {
                // The bench reads this: the Start button is on screen and works.
                mark("doorway:ready");
            }
            let query = page_query();
            if *ready && query.autorun && state.notice.is_none() && state.run.is_none() {
                start_run(&state, lang);
            }
        });
    }

    // Once the verdict is on screen: will calls and video be good? Only for
    // profiles with calls or video (they name a quality standard).
    {
        let dispatcher = state.dispatcher();
        let relay_reaches_echo = state.config.as_ref().is_some_and(|c| c.probe.quality_relay);
        let api = state
            .config
            .as_ref()
            .map(|c| c.probe.api.clone())
            .unwrap_or_default();
        let wanted = state
            .run
            .as_ref()
            .filter(|run| run.result.is_some() && run.quality == QualityRun::NotStarted)
            .and_then(|run| {
                let path = run.stream_path(relay_reaches_echo);
                Some((
                    run.id,
                    run.profile.quality?,
                    path,
                    (api, run.server.probe_host.clone()),
                ))
            });
        use_effect_with(wanted, move |wanted| {
            if let Some((run, standard, path, server)) = wanted.clone() {
                let path = match path {
                    Ok(path) => path,
                    Err(quality) => {
                        dispatcher.dispatch(Action::Quality {
                            run,
                            quality,
                            now_ms: now_ms(),
                        });
                        return;
                    }
                };
                dispatcher.dispatch(Action::Quality {
                    run,
                    quality: QualityRun::Measuring,
                    now_ms: now_ms(),
                });
                yew::platform::spawn_local(async move {
                    let streamed = dispatcher.clone();
                    let quality = measure_quality(standard, path, server, move |stream| {
                        streamed.dispatch(Action::Quality {
                            run,
                            quality: QualityRun::MeasuringSpeed(stream),
                            now_ms: now_ms(),
                        })
                    })
                    .await;
                    mark("doorway:quality");
                    dispatcher.dispatch(Action::Quality {
                        run,
                        quality,
                        now_ms: now_ms(),
                    });
                });
            }
        });
    }

    let on_start = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| start_run(&state, lang))
    };
    let on_choose = {
        let state = state.clone();
        Callback::from(move |id: String| state.dispatch(Action::Choose(id)))
    };
    // Checks from outside, once the check is done, where the server offers them.
    // Not in a frame: its next step points to the full result instead.
    let on_knock = state
        .config
        .as_ref()
        .is_some_and(|c| c.probe.inbound && !embedded)
        .then_some(state.run.as_ref())
        .flatten()
        .filter(|run| run.result.is_some())
        .map(|run| {
            let dispatcher = state.dispatcher();
            let (run_id, profile, custom) =
                (run.id, run.profile.id.clone(), run.custom_spec.clone());
            let api = state
                .config
                .as_ref()
                .map(|c| c.probe.api.clone())
                .unwrap_or_default();
            Callback::from(move |ports: Vec<u16>| {
                dispatcher.dispatch(Action::Knocking {
                    run: run_id,
                    ports: ports.clone(),
                });
                let dispatcher = dispatcher.clone();
                let (profile, custom, api) = (profile.clone(), custom.clone(), api.clone());
                // One after another: the server takes one knock per port
                // and address at a time anyway.
                yew::platform::spawn_local(async move {
                    for port in ports {
                        let request = KnockRequest {
                            profile: profile.clone(),
                            custom: custom.clone(),
                            port,
                        };
                        let outcome = knock(&api, &request).await;
                        dispatcher.dispatch(Action::Knocked {
                            run: run_id,
                            port,
                            outcome,
                            now_ms: now_ms(),
                        });
                    }
                });
            })
        });

    let store = state.config.as_ref().is_some_and(|c| c.probe.store);
    let body = match &state.phase {
        Phase::LoadingConfig => html! {
            <p class="loading" role="status">{ i18n.t("loading") }</p>
        },
        Phase::ConfigFailed(message) => html! {
            <div class="notice error" role="alert">
                <p><strong>{ i18n.t_args("config-failed", &[("message", message.clone())]) }</strong></p>
                <p>{ i18n.t("config-failed-hint") }</p>
            </div>
        },
        _ => {
            let running = state.phase == Phase::Running;
            let result = state.run.as_ref().and_then(|run| run.result.clone());
            // The checks from outside are the next thing to do where the
            // profile has incoming ports: their buttons are not folded away.
            let knockable = on_knock.is_some()
                && result
                    .as_ref()
                    .is_some_and(|r| r.requirements.iter().any(|q| q.can_be_knocked()));
            html! {
                <>
                    if let Some(notice) = &state.notice {
                        <div class="notice error" role="alert"><p>{ notice_text(&i18n, notice) }</p></div>
                    }
                    <ProfilePicker
                        profiles={state.config.as_ref().map(|c| c.profiles.iter().map(|p| p.localized(lang.code())).collect::<Vec<_>>()).unwrap_or_default()}
                        selected={state.profile.as_ref().map(|p| Rc::new(p.localized(lang.code())))}
                        {running}
                        compact={result.is_some()}
                        on_mobile_data={result.is_none() && (*carrier_seen || on_mobile_data())}
                        on_choose={on_choose}
                        on_start={on_start}
                    />
                    if let Some(run) = &state.run {
                        <Progress done={run.answers.len()} total={run.total} finished={run.result.is_some()} />
                        if let Some(result) = &result {
                            <Summary result={result.clone()} knocks_offered={knockable} />
                            <ResultActions result={result.clone()} {store} />
                            <QualitySummary quality={run.quality.clone()} />
                        }
                        // In a support article: the answer, the next step
                        // and Share; the rest is one link away, in a new tab.
                        if embedded {
                            if let Some(result) = &result {
                                <embed::FullResultLink result={result.clone()} />
                            }
                        } else {
                            if let Some(result) = &result {
                                <WhatToDo result={result.clone()} />
                            }
                            <Details open={knockable}>
                                if let Some(result) = &result {
                                    if let Some(nat) = &result.nat {
                                        <NatSummary nat={nat.clone()} />
                                    }
                                    if let Some(relay) = result.relay {
                                        <RelaySummary {relay} websocket={result.websocket} />
                                    }
                                }
                                <Requirements results={Rc::new(run.plan.results(&run.answers))} pending={Rc::new(run.plan.pending(&run.answers))}
                                    on_knock={on_knock.clone()} knocking={Rc::new(run.knocking.clone())} knock_error={run.knock_error.clone()} />
                                if let Some(result) = &result {
                                    <VerdictNotes result={result.clone()} />
                                }
                            </Details>
                        }
                        if let Some(result) = &result {
                            <ResultJson result={result.clone()} />
                        }
                    }
                </>
            }
        }
    };

    // With an answer on screen the introduction steps aside (CSS), so the
    // answer and the share button fit a phone's first screen.
    let answered = state.run.as_ref().is_some_and(|r| r.result.is_some());
    use_effect_with(answered, |answered| mark_answered(*answered));

    // Embedded: tell the host page how far the check is and the result (the
    // height follows by itself: `embed::mark_embedded`).
    let progress = state
        .run
        .as_ref()
        .map(|r| (r.answers.len(), r.total, r.result.clone()));
    use_effect_with(progress, move |progress| {
        if embedded {
            if let Some((done, total, result)) = progress {
                embed::progress(*done, *total);
                if let Some(result) = result {
                    embed::result(result);
                }
            }
        }
    });

    html! {
        <>
            { body }
            if !embedded {
                <PhoneCode />
            }
        </>
    }
}

/// On a desktop: a QR code of this check, to run it on the phone instead
/// (the phone is usually on the network that matters). Hidden on phones.
#[component]
fn PhoneCode() -> Html {
    let i18n = use_i18n();
    let href = location().and_then(|l| l.href().ok()).unwrap_or_default();
    let Ok(url) = web_sys::Url::new(&href) else {
        return html! {};
    };
    url.search_params().set("autorun", "1");
    url.search_params().set("lang", i18n.lang().code());
    let link = url.href();
    html! {
        <section class="phone-code" aria-label={i18n.t("run-on-phone")}>
            <p>{ i18n.t("run-on-phone") }</p>
            { crate::share::qr_image(&link, i18n.t("qr-label")) }
        </section>
    }
}
