//! The embedded view (`?embed=1`): talks to the page around the iframe with
//! `postMessage`: progress, the result, a link the person chose to share,
//! and its height so the host can size the frame. Public addresses are never
//! sent to the host page. Every link in the frame opens a new tab, so the
//! support article stays where it is.

use std::rc::Rc;

use doorway_core::CheckResult;
use wasm_bindgen::JsValue;
use yew::prelude::*;

use crate::view::use_i18n;

/// Posts `message` (JSON text) to the host page. The messages are written as
/// text with the one compact serializer the page has anyway (for sharing):
/// a `serde_json::Value` would bring a second copy of every type's code.
fn post(message: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    // Not embedded: the parent is the window itself; nothing to tell.
    let Ok(Some(parent)) = window.parent() else {
        return;
    };
    if parent == window {
        return;
    }
    let Ok(value) = js_sys::JSON::parse(message) else {
        return;
    };
    let _ = parent.post_message(&value, "*");
}

pub fn progress(done: usize, total: usize) {
    post(&format!(
        r#"{{"type":"doorway:progress","done":{done},"total":{total}}}"#
    ));
}

pub fn result(result: &CheckResult) {
    let shareable = serde_json::to_string(&result.clone().without_addresses()).unwrap_or_default();
    post(&format!(
        r#"{{"type":"doorway:result","result":{shareable}}}"#
    ));
}

/// The link the person made with Share, for the host to attach to a ticket.
pub fn shared(url: &str) {
    let url = String::from(js_sys::JSON::stringify(&JsValue::from_str(url)).unwrap_or_default());
    post(&format!(r#"{{"type":"doorway:shared","url":{url}}}"#));
}

/// The content's own height (not the frame's: `scrollHeight` never drops
/// below the frame, so a frame that was too tall would stay so).
fn content_height() -> Option<i32> {
    let root = web_sys::window()?.document()?.document_element()?;
    Some(root.get_bounding_client_rect().height().ceil() as i32)
}

/// Tells the host the content's height now and whenever it changes (a
/// result, a share link, a folded section opening), so the frame neither
/// clips nor leaves a gap.
fn watch_height() {
    let mut last = None;
    let on_resize = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || {
        if let Some(height) = content_height().filter(|h| Some(*h) != last) {
            last = Some(height);
            post(&format!(r#"{{"type":"doorway:height","height":{height}}}"#));
        }
    });
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element());
    if let (Some(root), Ok(observer)) = (
        root,
        web_sys::ResizeObserver::new(wasm_bindgen::JsCast::unchecked_ref(on_resize.as_ref())),
    ) {
        observer.observe(&root);
        // Both live as long as the page (a dropped observer may be
        // collected, and stop reporting).
        on_resize.forget();
        std::mem::forget(observer);
    }
}

/// The host's accent colour, through the CSS object model (the page's
/// Content-Security-Policy forbids inline style attributes).
pub fn apply_theme(hex: &str) {
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element());
    if let Some(root) =
        root.and_then(|r| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(r).ok())
    {
        let _ = root.style().set_property("--accent", &format!("#{hex}"));
    }
}

/// Marks the page as embedded (CSS) and makes every link open a new tab:
/// `<base target="_blank">` (no `href`, which the CSP's `base-uri 'none'`
/// would refuse), so no link anywhere in the app navigates the frame.
pub fn mark_embedded() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let Some(body) = document.body() {
        let _ = body.class_list().add_1("embed");
    }
    watch_height();
    if let (Some(head), Ok(base)) = (document.head(), document.create_element("base")) {
        let _ = base.set_attribute("target", "_blank");
        let _ = head.prepend_with_node_1(&base);
    }
}

#[derive(Properties, PartialEq)]
pub struct FullResultProps {
    pub result: Rc<CheckResult>,
}

/// The whole result (every port, the router, the advice) in the viewer, in
/// a new tab: the link carries the result itself, without the address, so
/// nothing is stored until the person shares.
#[component]
pub fn FullResultLink(props: &FullResultProps) -> Html {
    let i18n = use_i18n();
    let link = use_state(|| None::<String>);
    {
        let link = link.clone();
        use_effect_with(props.result.clone(), move |result| {
            let result = result.clone();
            yew::platform::spawn_local(async move {
                link.set(crate::share::fragment_link(&result, false).await.ok());
            });
        });
    }
    match &*link {
        Some(href) => html! {
            <p class="full-result">
                <a id="full-result" href={href.clone()} target="_blank" rel="noopener">{ i18n.t("embed-full-result") }</a>
            </p>
        },
        None => html! {},
    }
}
