//! TCP probes from the browser: `fetch` to the probe port, under our own
//! timeout (the browser's own give-up on a dropped port takes minutes).

use doorway_core::plan::{classify, Attempt};
use doorway_core::ProbeOutcome;
use gloo::net::http::Request;
use gloo::timers::callback::Timeout;
use web_sys::{AbortController, RequestCache};

pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or_else(js_sys::Date::now, |p| p.now())
}

/// Fetches `url` and classifies the answer. Any HTTP answer with our CORS
/// header counts as reachable; a fast failure as refused; our timeout as
/// filtered.
pub async fn probe_tcp(url: &str, timeout_ms: u32) -> ProbeOutcome {
    let controller = AbortController::new().ok();
    let signal = controller.as_ref().map(AbortController::signal);
    let abort = controller.map(|controller| Timeout::new(timeout_ms, move || controller.abort()));
    let started = now_ms();
    let response = Request::get(url)
        .cache(RequestCache::NoStore)
        .abort_signal(signal.as_ref())
        .send()
        .await;
    let elapsed = (now_ms() - started).max(0.0) as u32;
    drop(abort);
    let attempt = match response {
        Ok(_) => Attempt::Answered,
        Err(gloo::net::Error::JsError(error)) if error.name == "AbortError" => Attempt::TimedOut,
        Err(_) => Attempt::Failed,
    };
    classify(attempt, elapsed, timeout_ms)
}
