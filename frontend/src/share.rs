//! What a person does with a finished result: share a link (stored on the
//! server), copy it as text for a ticket, download the JSON, print it.

use std::rc::Rc;

use doorway_core::api::ShareResponse;
use doorway_core::fragment;
use doorway_core::report::report_text;
use doorway_core::CheckResult;
use gloo::net::http::Request;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use yew::prelude::*;

use crate::view::use_i18n;

#[derive(Clone, PartialEq)]
enum Sharing {
    Idle,
    Busy,
    Shared(String),
    Failed(String),
}

/// Copies `text`; `false` where the browser does not allow it (plain http
/// pages have no clipboard API).
pub async fn copy_text(text: &str) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let clipboard = window.navigator().clipboard();
    if clipboard.is_undefined() {
        return false;
    }
    JsFuture::from(clipboard.write_text(text)).await.is_ok()
}

fn download(name: &str, text: &str, mime: &str) -> Option<()> {
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let parts = js_sys::Array::of1(&text.into());
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).ok()?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).ok()?;
    let document = web_sys::window()?.document()?;
    let anchor: web_sys::HtmlAnchorElement = document.create_element("a").ok()?.dyn_into().ok()?;
    anchor.set_href(&url);
    anchor.set_download(name);
    anchor.click();
    web_sys::Url::revoke_object_url(&url).ok()
}

/// The result as indented JSON, for a person to read. Indented by the
/// browser: a pretty serializer of our own would be a second copy of every
/// type's code.
pub fn readable_json(result: &CheckResult) -> String {
    let compact = serde_json::to_string(result).unwrap_or_default();
    js_sys::JSON::parse(&compact)
        .and_then(|value| {
            js_sys::JSON::stringify_with_replacer_and_space(
                &value,
                &wasm_bindgen::JsValue::NULL,
                &2.into(),
            )
        })
        .map(String::from)
        .unwrap_or(compact)
}

/// A QR code of `link`, drawn by the server (`/api/qr.svg`), for a phone's
/// camera. Hidden if the server cannot draw it.
pub fn qr_image(link: &str, label: String) -> Html {
    let src = format!(
        "/api/qr.svg?text={}",
        String::from(js_sys::encode_uri_component(link))
    );
    let onerror = Callback::from(|event: Event| {
        let image: web_sys::HtmlElement = event.target_unchecked_into();
        let _ = image.style().set_property("display", "none");
    });
    html! {
        <img class="qr" {src} alt={label} width="180" height="180" loading="lazy" {onerror} />
    }
}

/// A button's click that copies `text`, and how the last copy went
/// (`None` before any; `Some(false)` where the browser refused).
#[hook]
pub fn use_copy(text: String) -> (Callback<MouseEvent>, Option<bool>) {
    let copied = use_state(|| None::<bool>);
    let on_copy = {
        let copied = copied.clone();
        Callback::from(move |_: MouseEvent| {
            let (text, copied) = (text.clone(), copied.clone());
            yew::platform::spawn_local(async move {
                copied.set(Some(copy_text(&text).await));
            });
        })
    };
    (on_copy, *copied)
}

fn origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

/// A link that carries the result itself, for servers without a store (and
/// the embedded view's link to every detail).
pub(crate) async fn fragment_link(
    result: &CheckResult,
    include_ip: bool,
) -> Result<String, String> {
    let result = if include_ip {
        result.clone()
    } else {
        result.clone().without_addresses()
    };
    let deflated = deflate_raw(&fragment::json(&result))
        .await
        .ok_or_else(|| "this browser cannot pack the result into a link".to_owned())?;
    Ok(format!("{}/r/#{}", origin(), fragment::pack(&deflated)))
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// web-sys has it only behind `web_sys_unstable_apis`; all browsers the
    /// page supports have it (Chrome 103, Firefox 113, Safari 16.4).
    type CompressionStream;
    #[wasm_bindgen(constructor, catch)]
    fn new(format: &str) -> Result<CompressionStream, wasm_bindgen::JsValue>;
}

/// Raw deflate by the browser's own `CompressionStream`, so the page carries
/// no deflate code of its own.
async fn deflate_raw(bytes: &[u8]) -> Option<Vec<u8>> {
    use wasm_bindgen::JsCast;
    let deflater = CompressionStream::new("deflate-raw").ok()?;
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts).ok()?;
    // A CompressionStream is a {readable, writable} pair itself.
    let deflated = blob
        .stream()
        .pipe_through(deflater.unchecked_ref::<web_sys::ReadableWritablePair>());
    let response = web_sys::Response::new_with_opt_readable_stream(Some(&deflated)).ok()?;
    let buffer = wasm_bindgen_futures::JsFuture::from(response.array_buffer().ok()?)
        .await
        .ok()?;
    Some(js_sys::Uint8Array::new(&buffer).to_vec())
}

async fn share(result: &CheckResult, include_ip: bool, store: bool) -> Result<String, String> {
    if !store {
        return fragment_link(result, include_ip).await;
    }
    let path = if include_ip {
        "/api/results?include_ip=1"
    } else {
        "/api/results"
    };
    let response = Request::post(path)
        .json(result)
        .map_err(|e| format!("the result could not be prepared ({e})"))?
        .send()
        .await
        .map_err(|_| {
            "the Doorway server could not be reached; check your connection and try again"
                .to_owned()
        })?;
    if response.status() != 201 {
        let status = response.status();
        let error = crate::json::read::<doorway_core::api::ErrorResponse>(response).await;
        return match error {
            // No store, a full one or one that failed (a retry would not
            // help the person): the result travels in the link instead.
            Ok(error)
                if matches!(
                    error.error.code.as_str(),
                    "no_store" | "store_full" | "store_failed"
                ) =>
            {
                fragment_link(result, include_ip).await
            }
            Ok(error) => Err(error.error.message),
            Err(_) => Err(format!("the server answered {status}")),
        };
    }
    let shared: ShareResponse = crate::json::read(response)
        .await
        .map_err(|e| format!("the server's answer could not be read ({e})"))?;
    Ok(format!("{}{}", origin(), shared.path))
}

#[derive(Properties, PartialEq)]
pub struct ActionsProps {
    pub result: Rc<CheckResult>,
    /// Whether the server stores results (else the link carries the result).
    pub store: bool,
}

/// The system share sheet (`navigator.share`), where the browser has one:
/// phones, mostly. `false` where it has none or the person closed it.
async fn system_share(title: &str, url: &str) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    if !has_system_share() {
        return false;
    }
    let data = web_sys::ShareData::new();
    data.set_title(title);
    data.set_url(url);
    JsFuture::from(window.navigator().share_with_data(&data))
        .await
        .is_ok()
}

fn has_system_share() -> bool {
    web_sys::window()
        .map(|w| js_sys::Reflect::has(&w.navigator(), &"share".into()).unwrap_or(false))
        .unwrap_or(false)
}

/// Embedded: the article gets the link for its support ticket, but never
/// one that carries or stores the reader's address (messages go to any
/// page allowed to frame the check).
fn tell_host(url: &str, include_ip: bool) {
    if !include_ip {
        crate::embed::shared(url);
    }
}

#[component]
pub fn ResultActions(props: &ActionsProps) -> Html {
    let i18n = use_i18n();
    let include_ip = use_state(|| false);
    let sharing = use_state(|| Sharing::Idle);
    // One result, one link: the link made for each choice of the address,
    // so pressing Share again gives the same link, not a new one.
    let links = use_mut_ref(|| [None::<String>, None::<String>]);
    let note = use_state(String::new);
    let title = i18n.t(doorway_core::report::headline_id(
        props.result.verdict.overall,
    ));

    let on_share = {
        let (result, include_ip, sharing, store, links, title) = (
            props.result.clone(),
            include_ip.clone(),
            sharing.clone(),
            props.store,
            links.clone(),
            title.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let (result, include_ip, sharing, links, title) = (
                result.clone(),
                *include_ip,
                sharing.clone(),
                links.clone(),
                title.clone(),
            );
            let made = links.borrow()[usize::from(include_ip)].clone();
            if let Some(url) = made {
                tell_host(&url, include_ip);
                sharing.set(Sharing::Shared(url.clone()));
                yew::platform::spawn_local(async move {
                    system_share(&title, &url).await;
                });
                return;
            }
            sharing.set(Sharing::Busy);
            yew::platform::spawn_local(async move {
                match share(&result, include_ip, store).await {
                    Ok(url) => {
                        links.borrow_mut()[usize::from(include_ip)] = Some(url.clone());
                        sharing.set(Sharing::Shared(url.clone()));
                        tell_host(&url, include_ip);
                        system_share(&title, &url).await;
                    }
                    Err(message) => sharing.set(Sharing::Failed(message)),
                }
            });
        })
    };
    let on_include = {
        let (include_ip, sharing, links) = (include_ip.clone(), sharing.clone(), links.clone());
        Callback::from(move |event: Event| {
            let input: web_sys::HtmlInputElement = event.target_unchecked_into();
            include_ip.set(input.checked());
            // The link shown must match the choice: the other choice's
            // link, if it was made, or none until Share is pressed.
            match links.borrow()[usize::from(input.checked())].clone() {
                Some(url) => sharing.set(Sharing::Shared(url)),
                None => sharing.set(Sharing::Idle),
            }
        })
    };
    let copy = |text: String, done: String| {
        let note = note.clone();
        let refused = i18n.t("copy-refused");
        Callback::from(move |_: MouseEvent| {
            let (text, note, done, refused) =
                (text.clone(), note.clone(), done.clone(), refused.clone());
            yew::platform::spawn_local(async move {
                note.set(if copy_text(&text).await {
                    done
                } else {
                    refused
                });
            });
        })
    };
    let on_copy_text = copy(report_text(&*i18n, &props.result), i18n.t("copied-text"));
    let on_download = {
        let result = props.result.clone();
        Callback::from(move |_: MouseEvent| {
            let _ = download(
                "doorway-result.json",
                &readable_json(&result),
                "application/json",
            );
        })
    };
    let on_print = Callback::from(|_: MouseEvent| {
        if let Some(window) = web_sys::window() {
            let _ = window.print();
        }
    });
    let on_system_share = |url: String| {
        let title = title.clone();
        Callback::from(move |_: MouseEvent| {
            let (title, url) = (title.clone(), url.clone());
            yew::platform::spawn_local(async move {
                system_share(&title, &url).await;
            });
        })
    };

    html! {
        <section class="actions" aria-labelledby="actions-heading">
            <h2 id="actions-heading">{ i18n.t("share-heading") }</h2>
            <button id="share" class="start" type="button" onclick={on_share}
                disabled={*sharing == Sharing::Busy}>{ i18n.t("share") }</button>
            <label class="check">
                <input type="checkbox" id="include-ip" checked={*include_ip} onchange={on_include} />
                { " " }{ i18n.t("include-ip") }
            </label>
            { match &*sharing {
                Sharing::Idle => html! {},
                Sharing::Busy => html! { <p role="status">{ i18n.t("saving") }</p> },
                Sharing::Failed(message) => html! {
                    <p class="notice error" role="alert">{ i18n.t_args("share-failed", &[("message", message.clone())]) }</p>
                },
                Sharing::Shared(url) => html! {
                    <div class="shared" role="status">
                        <label for="share-link">{ if url.contains("/r/#") {
                            i18n.t("share-link-fragment")
                        } else {
                            i18n.t("share-link")
                        } }</label>
                        <input id="share-link" type="text" readonly=true value={url.clone()} />
                        <div class="buttons">
                            <button type="button" class="secondary" onclick={copy(url.clone(), i18n.t("copied-link"))}>{ i18n.t("copy-link") }</button>
                            if has_system_share() {
                                <button type="button" class="secondary" id="system-share" onclick={on_system_share(url.clone())}>{ i18n.t("share-system") }</button>
                            }
                        </div>
                        // For another device's camera; a phone does not scan its own screen.
                        <div class="not-on-phones">{ qr_image(url, i18n.t("qr-label")) }</div>
                    </div>
                },
            } }
            <details class="more">
                <summary>{ i18n.t("more-ways") }</summary>
                <div class="buttons">
                    <button type="button" class="secondary" id="copy-text" onclick={on_copy_text}>{ i18n.t("copy-text") }</button>
                    <button type="button" class="secondary" onclick={on_download}>{ i18n.t("download-json") }</button>
                    <button type="button" class="secondary" onclick={on_print}>{ i18n.t("print") }</button>
                </div>
            </details>
            if !note.is_empty() {
                <p class="detail" role="status">{ (*note).clone() }</p>
            }
        </section>
    }
}
