//! `/embed`: the page for a vendor's web team. Choose what the check looks
//! for and how it looks, see it live in a phone-sized frame, copy the
//! snippet. Built as its own app (`src/bin/doorway-vendors.rs`), so neither
//! the checker nor the viewer carries it.

use doorway_core::embed::{theme_hex, EmbedOptions, EmbedTarget};
use doorway_core::i18n::Lang;
use doorway_core::profile::{CustomProfileError, Profile};
use yew::prelude::*;

use crate::app::{load_config, location, notice_text, page_query, Frame};
use crate::query::PageQuery;
use crate::share::use_copy;
use crate::state::Notice;
use crate::view::use_i18n;

/// Doorway's own accent: no `theme=` while it is chosen.
const DEFAULT_ACCENT: &str = "0b5cad";

#[component]
pub fn Vendors() -> Html {
    html! {
        <Frame title="vendors-title" lede="vendors-lede"><Builder /></Frame>
    }
}

/// The form's state: both kinds of target are kept, so switching between a
/// profile and port lists loses neither.
#[derive(Clone, PartialEq)]
struct Choices {
    own_ports: bool,
    profile: String,
    tcp: String,
    udp: String,
    inbound: String,
    lang: Option<String>,
    languages: bool,
    autorun: bool,
    theme: String,
}

impl Choices {
    /// Starts from the page's own address (`/embed?profile=ring` or
    /// `/embed?tcp=443`), so a link can open the builder ready-made.
    fn from_address() -> Choices {
        let query = page_query();
        Choices {
            own_ports: query.has_custom_ports(),
            profile: query.profile.clone().unwrap_or_default(),
            tcp: query.tcp.clone().unwrap_or_default(),
            udp: query.udp.clone().unwrap_or_default(),
            inbound: query.inbound.clone().unwrap_or_default(),
            lang: None,
            languages: false,
            autorun: true,
            theme: DEFAULT_ACCENT.to_owned(),
        }
    }

    /// The embed's options, or why its port lists cannot be checked (as
    /// the checker itself would read them). `profiles`: the server's, the
    /// first standing in until one is chosen.
    fn options(&self, profiles: &[Profile]) -> Result<EmbedOptions, Notice> {
        let target = if self.own_ports {
            let list = |text: &str| (!text.trim().is_empty()).then(|| text.to_owned());
            let lists = PageQuery {
                tcp: list(&self.tcp),
                udp: list(&self.udp),
                inbound: list(&self.inbound),
                ..PageQuery::default()
            };
            match lists.custom_profile() {
                Some(Ok(_)) => {}
                Some(Err(error)) => return Err(Notice::BadPorts(error)),
                None => return Err(Notice::BadPorts(CustomProfileError::NoPorts)),
            }
            EmbedTarget::Ports {
                tcp: self.tcp.clone(),
                udp: self.udp.clone(),
                inbound: self.inbound.clone(),
            }
        } else {
            let known = profiles.iter().any(|p| p.id == self.profile);
            match (known, profiles.first()) {
                (false, Some(first)) => EmbedTarget::Profile(first.id.clone()),
                _ => EmbedTarget::Profile(self.profile.clone()),
            }
        };
        Ok(EmbedOptions {
            target,
            lang: self.lang.clone(),
            languages: self.languages,
            autorun: self.autorun,
            theme: theme_hex(&self.theme).filter(|t| t != DEFAULT_ACCENT),
        })
    }
}

#[component]
fn Builder() -> Html {
    let i18n = use_i18n();
    let profiles = use_state(|| None::<Result<Vec<Profile>, String>>);
    let choices = use_state(Choices::from_address);
    {
        let profiles = profiles.clone();
        use_effect_with((), move |_| {
            yew::platform::spawn_local(async move {
                profiles.set(Some(
                    load_config("/api/config", None)
                        .await
                        .map(|config| config.profiles),
                ));
            });
        });
    }
    // The preview's height, from its own doorway:height messages, as the
    // snippet does on the vendor's page.
    let preview_height = use_state(|| 480);
    {
        let preview_height = preview_height.clone();
        use_effect_with((), move |_| {
            let listener = web_sys::window().map(|window| {
                gloo::events::EventListener::new(&window, "message", move |event| {
                    let Some(event) = wasm_bindgen::JsCast::dyn_ref::<web_sys::MessageEvent>(event)
                    else {
                        return;
                    };
                    // Only the preview's own messages.
                    let preview = web_sys::window()
                        .and_then(|w| w.document())
                        .and_then(|d| d.get_element_by_id("preview"))
                        .and_then(|e| {
                            wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlIFrameElement>(e).ok()
                        })
                        .and_then(|frame| frame.content_window());
                    let own = location().and_then(|l| l.origin().ok());
                    let from_preview = match (event.source(), preview) {
                        (Some(source), Some(preview)) => {
                            js_sys::Object::is(&source, &wasm_bindgen::JsValue::from(preview))
                        }
                        _ => false,
                    };
                    if Some(event.origin()) != own || !from_preview {
                        return;
                    }
                    let data = event.data();
                    let field = |name: &str| js_sys::Reflect::get(&data, &name.into()).ok();
                    let is_height = field("type").and_then(|t| t.as_string()).as_deref()
                        == Some("doorway:height");
                    if let (true, Some(height)) =
                        (is_height, field("height").and_then(|h| h.as_f64()))
                    {
                        preview_height.set(height.clamp(120.0, 4000.0) as i32);
                    }
                })
            });
            move || drop(listener)
        });
    }

    let update = |change: fn(&mut Choices, String)| {
        let choices = choices.clone();
        Callback::from(move |event: Event| {
            let value = match event.target_dyn_into::<web_sys::HtmlInputElement>() {
                Some(input) if input.type_() == "checkbox" || input.type_() == "radio" => {
                    input.checked().to_string()
                }
                Some(input) => input.value(),
                None => event
                    .target_dyn_into::<web_sys::HtmlSelectElement>()
                    .map(|s| s.value())
                    .unwrap_or_default(),
            };
            let mut next = (*choices).clone();
            change(&mut next, value);
            choices.set(next);
        })
    };
    let origin = location().and_then(|l| l.origin().ok()).unwrap_or_default();
    let known: &[Profile] = match &*profiles {
        Some(Ok(list)) => list,
        _ => &[],
    };
    let options = choices.options(known);
    let chosen = match options.as_ref().map(|o| &o.target) {
        Ok(EmbedTarget::Profile(id)) => id.clone(),
        _ => choices.profile.clone(),
    };
    let title = i18n.t("vendors-frame-title");
    let snippet = options
        .as_ref()
        .map(|o| o.snippet(&origin, &title))
        .unwrap_or_default();
    let (on_copy, copied) = use_copy(snippet.clone());

    let profile_list = match &*profiles {
        None => html! { <p class="loading" role="status">{ i18n.t("loading") }</p> },
        Some(Err(message)) => html! {
            <p class="notice error" role="alert">{ i18n.t_args("config-failed", &[("message", message.clone())]) }</p>
        },
        Some(Ok(list)) => html! {
            <select id="vendors-profile" aria-label={i18n.t("vendors-profile")} disabled={choices.own_ports}
                onchange={update(|c, v| c.profile = v)}>
                { for list.iter().map(|p| {
                    let p = p.localized(i18n.lang().code());
                    html! { <option value={p.id.clone()} selected={p.id == chosen}>{ p.name }</option> }
                }) }
            </select>
        },
    };

    html! {
        <div class="vendors">
            <section class="builder" aria-labelledby="vendors-what">
                <h2 id="vendors-what">{ i18n.t("vendors-what") }</h2>
                <label class="check">
                    <input type="radio" name="target" id="target-profile" checked={!choices.own_ports}
                        onchange={update(|c, v| c.own_ports = v != "true")} />
                    { " " }{ i18n.t("vendors-profile") }
                </label>
                { profile_list }
                <label class="check">
                    <input type="radio" name="target" id="target-ports" checked={choices.own_ports}
                        onchange={update(|c, v| c.own_ports = v == "true")} />
                    { " " }{ i18n.t("vendors-ports") }
                </label>
                if choices.own_ports {
                    <div class="port-lists">
                        <p class="detail">{ i18n.t("vendors-ports-hint") }</p>
                        <label for="vendors-tcp">{ i18n.t("vendors-tcp") }</label>
                        <input type="text" id="vendors-tcp" inputmode="numeric" placeholder="443, 8557, 9998-9999"
                            value={choices.tcp.clone()} onchange={update(|c, v| c.tcp = v)} />
                        <label for="vendors-udp">{ i18n.t("vendors-udp") }</label>
                        <input type="text" id="vendors-udp" inputmode="numeric" placeholder="3478, 16500-65000"
                            value={choices.udp.clone()} onchange={update(|c, v| c.udp = v)} />
                        <label for="vendors-inbound">{ i18n.t("vendors-inbound") }</label>
                        <input type="text" id="vendors-inbound" inputmode="numeric"
                            value={choices.inbound.clone()} onchange={update(|c, v| c.inbound = v)} />
                    </div>
                }
                if let Err(notice) = &options {
                    <p class="notice error" id="vendors-error" role="alert">{ notice_text(&i18n, notice) }</p>
                }

                <h2>{ i18n.t("vendors-look") }</h2>
                <label for="vendors-lang">{ i18n.t("vendors-lang") }</label>
                <select id="vendors-lang" onchange={update(|c, v| c.lang = (!v.is_empty()).then_some(v))}>
                    <option value="" selected={choices.lang.is_none()}>{ i18n.t("vendors-lang-reader") }</option>
                    { for Lang::ALL.iter().map(|l| html! {
                        <option value={l.code()} selected={choices.lang.as_deref() == Some(l.code())}>{ l.name() }</option>
                    }) }
                </select>
                <label class="check">
                    <input type="checkbox" id="vendors-languages" checked={choices.languages}
                        onchange={update(|c, v| c.languages = v == "true")} />
                    { " " }{ i18n.t("vendors-languages") }
                </label>
                <label class="check">
                    <input type="checkbox" id="vendors-autorun" checked={choices.autorun}
                        onchange={update(|c, v| c.autorun = v == "true")} />
                    { " " }{ i18n.t("vendors-autorun") }
                </label>
                <label class="check">
                    <input type="color" id="vendors-theme" value={format!("#{}", choices.theme)}
                        onchange={update(|c, v| c.theme = theme_hex(&v).unwrap_or_else(|| DEFAULT_ACCENT.to_owned()))} />
                    { " " }{ i18n.t("vendors-theme") }
                </label>
            </section>

            // Nothing to show until there is something to check.
            if let (Ok(options), true) = (&options, choices.own_ports || !known.is_empty()) {
                <section class="snippet" aria-labelledby="vendors-snippet">
                    <h2 id="vendors-snippet">{ i18n.t("vendors-snippet") }</h2>
                    <p class="detail">{ i18n.t("vendors-snippet-detail") }</p>
                    <pre class="provider-table" id="embed-snippet" tabindex="0">{ snippet.clone() }</pre>
                    <button type="button" class="start" id="copy-snippet" onclick={on_copy}>{ i18n.t("vendors-copy") }</button>
                    { match copied {
                        Some(true) => html! { <p role="status" id="copy-status">{ i18n.t("vendors-copied") }</p> },
                        Some(false) => html! { <p role="status" id="copy-status">{ i18n.t("copy-refused") }</p> },
                        None => html! {},
                    } }
                    <p><a id="vendors-demo" href={format!("/embed-demo.html?{}", options.query())} target="_blank" rel="noopener">{ i18n.t("vendors-demo") }</a></p>
                </section>
                <section class="preview" aria-labelledby="vendors-preview">
                    <h2 id="vendors-preview">{ i18n.t("vendors-preview") }</h2>
                    <iframe id="preview" src={format!("/?{}", options.query())} title={title.clone()}
                        height={preview_height.to_string()}></iframe>
                </section>
            }
        </div>
    }
}
