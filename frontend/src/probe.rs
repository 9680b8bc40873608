//! Probes from the browser: `fetch` for TCP, STUN through a peer connection
//! for UDP, each under our own timeout (the browser's own give-up on a
//! dropped port takes from 40 s to minutes).

use doorway_core::browser::Untestable;
use doorway_core::ice::stun_url;
use doorway_core::plan::{classify, Attempt};
use doorway_core::ProbeOutcome;
use gloo::net::http::Request;
use gloo::timers::callback::Timeout;
use web_sys::{AbortController, RequestCache};

use crate::webrtc::{gather, Gathered, IceServer};

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

/// UDP probe: one STUN server, one peer connection, so a server-reflexive
/// candidate can only have come from this port. UDP has no "refused": no
/// answer before our timeout reads as filtered.
pub async fn probe_udp(host: &str, port: u16, timeout_ms: u32) -> ProbeOutcome {
    let servers = [IceServer::stun(stun_url(host, port))];
    let srflx = |found: &[Gathered]| found.iter().any(|g| g.candidate.is_server_reflexive());
    match gather(&servers, timeout_ms, srflx).await {
        Ok(found) => match found.iter().find(|g| g.candidate.is_server_reflexive()) {
            Some(first) => ProbeOutcome::Reachable { ms: first.ms },
            None => ProbeOutcome::Filtered { timeout_ms },
        },
        Err(_) => ProbeOutcome::NotTestable {
            reason: Untestable::NoWebRtc,
        },
    }
}
