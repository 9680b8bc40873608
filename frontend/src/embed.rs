//! The embedded view (`?embed=1`): talks to the page around the iframe with
//! `postMessage`: progress, the result, and its height so the host can size
//! the frame. Public addresses are never sent to the host page.

use doorway_core::CheckResult;
use serde_json::json;
use wasm_bindgen::JsValue;

fn post(message: &serde_json::Value) {
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
    let Ok(value) = serde_wasm_value(message) else {
        return;
    };
    let _ = parent.post_message(&value, "*");
}

fn serde_wasm_value(message: &serde_json::Value) -> Result<JsValue, JsValue> {
    js_sys::JSON::parse(&message.to_string())
}

pub fn progress(done: usize, total: usize) {
    post(&json!({ "type": "doorway:progress", "done": done, "total": total }));
}

pub fn result(result: &CheckResult) {
    let shareable = result.clone().without_addresses();
    post(&json!({ "type": "doorway:result", "result": shareable }));
}

pub fn height() {
    let height = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
        .map(|e| e.scroll_height());
    if let Some(height) = height {
        post(&json!({ "type": "doorway:height", "height": height }));
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

pub fn mark_embedded() {
    if let Some(body) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
    {
        let _ = body.class_list().add_1("embed");
    }
}
