//! Probes from the browser: `fetch` for TCP, STUN through a peer connection
//! for UDP, each under our own timeout (the browser's own give-up on a
//! dropped port takes from 40 s to minutes).

use doorway_core::api::{
    is_our_probe_answer, websocket_hello, KnockRequest, KnockResponse, NatServers, ProbeApi,
    ProbeResponse, TurnCredentials,
};
use doorway_core::browser::Untestable;
use doorway_core::budget::{Budgets, Handshake};
use doorway_core::ice::{bracket_ipv6, stun_url, Candidate};
use doorway_core::nat::{classify_mapping, public_addresses, NatMapping, NatResult};
use doorway_core::plan::{classify, Attempt};
use doorway_core::result::RelayResult;
use doorway_core::ProbeOutcome;
use gloo::net::http::Request;
use gloo::timers::callback::Timeout;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, MessageEvent, RequestCache, RequestMode, WebSocket};

use crate::webrtc::{gather, Gathered, IceServer};

/// A performance mark, once per name: when a milestone was first reached
/// (`cargo xtask bench` reads them).
pub fn mark(name: &str) {
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        if performance.get_entries_by_name(name).length() == 0 {
            let _ = performance.mark(name);
        }
    }
}

pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or_else(js_sys::Date::now, |p| p.now())
}

/// Runs `attempt` with `handshake`'s budget as its timeout, and once more
/// when the budgets say its silence may have been the path's losses rather
/// than a firewall (a slow path only).
async fn within_budget<F, Fut>(budgets: Budgets, handshake: Handshake, attempt: F) -> ProbeOutcome
where
    F: Fn(u32) -> Fut,
    Fut: std::future::Future<Output = ProbeOutcome>,
{
    let timeout_ms = budgets.for_handshake(handshake);
    let first = attempt(timeout_ms).await;
    if budgets.retry(&first) {
        attempt(timeout_ms).await
    } else {
        first
    }
}

/// Fetches `url` within its budget, once more on a slow path; `nonce` is
/// the check's, which our server echoes.
pub async fn probe_tcp(url: &str, nonce: &str, budgets: Budgets) -> ProbeOutcome {
    let tls = url.starts_with("https:");
    within_budget(budgets, Handshake::Fetch { tls }, |timeout_ms| {
        fetch_once(url, nonce, timeout_ms)
    })
    .await
}

/// Fetches `url` and classifies the answer: our answer (with the nonce) is
/// reachable, any other answer intercepted; a fast failure is refused unless
/// a `no-cors` fetch shows an HTTP answer behind it (a portal or proxy sends
/// no CORS header); our timeout is filtered.
pub(crate) async fn fetch_once(url: &str, nonce: &str, timeout_ms: u32) -> ProbeOutcome {
    let controller = AbortController::new().ok();
    let signal = controller.as_ref().map(AbortController::signal);
    let abort = controller.map(|controller| Timeout::new(timeout_ms, move || controller.abort()));
    let started = now_ms();
    let response = Request::get(url)
        .cache(RequestCache::NoStore)
        .abort_signal(signal.as_ref())
        .send()
        .await;
    // The time to the answer's head: a refusal keeps its own time even when
    // the second look below takes longer.
    let elapsed = (now_ms() - started).max(0.0) as u32;
    let attempt = match response {
        Ok(response) => {
            let status = response.status();
            // Only our JSON is worth reading; a portal's page may be large.
            let json = response
                .headers()
                .get("content-type")
                .is_some_and(|t| t.starts_with("application/json"));
            let answer = match json {
                true => crate::json::read::<ProbeResponse>(response).await.ok(),
                false => None,
            };
            if is_our_probe_answer(status, answer.as_ref(), nonce) {
                Attempt::Answered
            } else {
                Attempt::AnsweredByOther
            }
        }
        Err(gloo::net::Error::JsError(error)) if error.name == "AbortError" => Attempt::TimedOut,
        Err(_) if answers_without_cors(url, signal.as_ref()).await => Attempt::AnsweredByOther,
        Err(_) => Attempt::Failed,
    };
    drop(abort);
    classify(attempt, elapsed, timeout_ms)
}

/// Whether `url` gives any HTTP answer at all when CORS is not asked for:
/// the answer is opaque, but it exists, so something answered on the port.
/// Our own server never gets here (it always sends the CORS header).
async fn answers_without_cors(url: &str, signal: Option<&web_sys::AbortSignal>) -> bool {
    Request::get(url)
        .mode(RequestMode::NoCors)
        .cache(RequestCache::NoStore)
        .abort_signal(signal)
        .send()
        .await
        .is_ok()
}

/// UDP probe within its budget, once more on a slow path.
pub async fn probe_udp(host: &str, port: u16, budgets: Budgets) -> ProbeOutcome {
    within_budget(budgets, Handshake::Stun, |timeout_ms| {
        stun_once(host, port, timeout_ms)
    })
    .await
}

/// UDP probe: one STUN server, one peer connection, so a server-reflexive
/// candidate can only have come from this port. No answer before our
/// timeout reads as filtered; a browser that asked nobody reads as its own
/// limit (core's `GatheringEnd`).
async fn stun_once(host: &str, port: u16, timeout_ms: u32) -> ProbeOutcome {
    let servers = [IceServer::stun(stun_url(host, port))];
    let srflx = |found: &[Gathered]| found.iter().any(|g| g.candidate.is_server_reflexive());
    match gather(&servers, timeout_ms, None, srflx).await {
        Ok(gathering) => gathering
            .end(Candidate::is_server_reflexive)
            .outcome(timeout_ms),
        Err(_) => ProbeOutcome::NotTestable {
            reason: Untestable::NoWebRtc,
        },
    }
}

/// Asks two or three STUN servers from one peer connection and compares the
/// mappings; each server is also asked alone, because a server that did not
/// answer would otherwise look like a shared mapping.
pub async fn check_nat(host: &str, servers: &NatServers, budgets: Budgets) -> NatResult {
    let timeout_ms = budgets.for_handshake(Handshake::Stun);
    let mut targets = vec![
        (host.to_owned(), servers.ports[0]),
        (host.to_owned(), servers.ports[1]),
    ];
    if let Some(second) = &servers.second_host {
        targets.push((second.clone(), servers.ports[0]));
    }
    let urls: Vec<String> = targets.iter().map(|(h, p)| stun_url(h, *p)).collect();
    let alone = futures::future::join_all(
        targets
            .iter()
            .map(|(host, port)| stun_once(host, *port, timeout_ms)),
    );
    let count = urls.len();
    let all_servers = [IceServer {
        urls,
        username: None,
        credential: None,
    }];
    let together = gather(
        &all_servers,
        timeout_ms,
        Some(NAT_SETTLE_MS),
        move |found| distinct_mappings(found).len() >= count,
    );
    let (alone, together) = futures::join!(alone, together);
    let all_answered = alone.iter().all(|o| o.is_reachable());
    let browser_sent_nothing = alone
        .iter()
        .any(|o| matches!(o, ProbeOutcome::NotTestable { .. }));
    let mapped = together
        .map(|gathering| distinct_mappings(&gathering.found))
        .unwrap_or_default();
    NatResult {
        mapping: if browser_sent_nothing {
            NatMapping::NotTestedByBrowser
        } else {
            classify_mapping(&mapped, servers.second_host.is_some(), all_answered)
        },
        public_addresses: public_addresses(&mapped),
        servers: count as u8,
    }
}

/// STUN answers to one connection arrive within a few hundred ms of each
/// other; waiting longer after the first only slows the check down. On a
/// fast path the wait is shorter (it follows the first answer's time).
const NAT_SETTLE_MS: u32 = 800;

fn distinct_mappings(found: &[Gathered]) -> Vec<String> {
    let mut mapped: Vec<String> = found
        .iter()
        .filter(|g| g.candidate.is_server_reflexive())
        .map(|g| {
            format!(
                "{}:{}",
                bracket_ipv6(&g.candidate.address),
                g.candidate.port
            )
        })
        .collect();
    mapped.sort();
    mapped.dedup();
    mapped
}

/// Asks the server's TURN relay for an allocation over UDP, TCP and TLS, each
/// in its own peer connection and within its handshake's budget; a `relay`
/// candidate means that way works.
pub async fn check_relay(
    host: &str,
    credentials: Option<TurnCredentials>,
    budgets: Budgets,
) -> RelayResult {
    let Some(credentials) = credentials else {
        return RelayResult {
            udp: ProbeOutcome::NotServed,
            tcp: ProbeOutcome::NotServed,
            tls: ProbeOutcome::NotServed,
        };
    };
    let attempt = |way: RelayWay, handshake: Handshake| {
        let server = relay_server(host, &credentials, way);
        within_budget(budgets, handshake, move |timeout_ms| {
            let server = server.clone();
            async move {
                let relay = |found: &[Gathered]| found.iter().any(|g| g.candidate.is_relay());
                match gather(&[server], timeout_ms, None, relay).await {
                    Ok(gathering) => gathering.end(Candidate::is_relay).outcome(timeout_ms),
                    Err(_) => ProbeOutcome::NotTestable {
                        reason: Untestable::NoWebRtc,
                    },
                }
            }
        })
    };
    let (udp, tcp, tls) = futures::join!(
        attempt(RelayWay::Udp, Handshake::TurnUdp),
        attempt(RelayWay::Tcp, Handshake::TurnTcp),
        attempt(RelayWay::Tls, Handshake::TurnTls),
    );
    RelayResult { udp, tcp, tls }
}

/// The ways to the server's TURN relay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelayWay {
    Udp,
    Tcp,
    Tls,
}

impl RelayWay {
    /// The first way the relay check found working.
    pub fn first_working(relay: &RelayResult) -> Option<RelayWay> {
        [
            (relay.udp, RelayWay::Udp),
            (relay.tcp, RelayWay::Tcp),
            (relay.tls, RelayWay::Tls),
        ]
        .into_iter()
        .find(|(outcome, _)| outcome.is_reachable())
        .map(|(_, way)| way)
    }
}

/// The server's TURN relay on `host`, one way, with `credentials`.
pub fn relay_server(host: &str, credentials: &TurnCredentials, way: RelayWay) -> IceServer {
    let host = bracket_ipv6(host);
    let url = match way {
        RelayWay::Udp => format!("turn:{host}:{}?transport=udp", credentials.port),
        RelayWay::Tcp => format!("turn:{host}:{}?transport=tcp", credentials.port),
        RelayWay::Tls => format!("turns:{host}:{}?transport=tcp", credentials.tls_port),
    };
    IceServer {
        urls: vec![url],
        username: Some(credentials.username.clone()),
        credential: Some(credentials.credential.clone()),
    }
}

/// The WebSocket echo within its budget, once more on a slow path.
pub async fn probe_websocket(url: &str, nonce: &str, budgets: Budgets) -> ProbeOutcome {
    let tls = url.starts_with("wss:");
    within_budget(budgets, Handshake::WebSocket { tls }, |timeout_ms| {
        websocket_once(url, nonce, timeout_ms)
    })
    .await
}

/// Opens a WebSocket to the worker and waits for the echo of the check's
/// hello: "reachable" when it comes back word for word; "intercepted" when
/// the socket opened but something else came back, or it closed unechoed
/// (something took the upgrade that is not our server); "refused" when it
/// fails before opening (a proxy that breaks upgrades); "filtered" on
/// silence until the timeout.
async fn websocket_once(url: &str, nonce: &str, timeout_ms: u32) -> ProbeOutcome {
    let hello = websocket_hello(nonce);
    let Ok(socket) = WebSocket::new(url) else {
        return ProbeOutcome::Refused { ms: 0 };
    };
    let started = now_ms();
    let mut settle_slot: Option<js_sys::Function> = None;
    let settled = js_sys::Promise::new(&mut |resolve, _| settle_slot = Some(resolve));
    let Some(settle) = settle_slot else {
        return ProbeOutcome::Refused { ms: 0 };
    };
    let answer = |value: &'static str| {
        let settle = settle.clone();
        move || {
            let _ = settle.call1(&JsValue::NULL, &JsValue::from_str(value));
        }
    };
    let opened = std::rc::Rc::new(std::cell::Cell::new(false));
    let on_open = {
        let (socket, opened, hello) = (socket.clone(), opened.clone(), hello.clone());
        Closure::<dyn FnMut()>::new(move || {
            opened.set(true);
            let _ = socket.send_with_str(&hello);
        })
    };
    let on_message = {
        let (echoed, other) = (answer("echo"), answer("other"));
        Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            if event.data().as_string() == Some(hello.clone()) {
                echoed();
            } else {
                other();
            }
        })
    };
    let on_failure = Closure::<dyn FnMut()>::new(answer("failed"));
    socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    socket.set_onerror(Some(on_failure.as_ref().unchecked_ref()));
    socket.set_onclose(Some(on_failure.as_ref().unchecked_ref()));
    let timer = Timeout::new(timeout_ms, answer("timeout"));
    let how = JsFuture::from(settled)
        .await
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default();
    let elapsed = (now_ms() - started).max(0.0) as u32;
    drop(timer);
    for handler in [
        WebSocket::set_onopen,
        WebSocket::set_onmessage,
        WebSocket::set_onerror,
        WebSocket::set_onclose,
    ] {
        handler(&socket, None);
    }
    let _ = socket.close();
    match how.as_str() {
        "echo" => ProbeOutcome::Reachable { ms: elapsed },
        "other" => classify(Attempt::AnsweredByOther, elapsed, timeout_ms),
        "failed" if opened.get() => classify(Attempt::AnsweredByOther, elapsed, timeout_ms),
        "failed" => classify(Attempt::Failed, elapsed, timeout_ms),
        // Silence, even after opening, may be a slow path's losses: filtered
        // (and tried again on a slow path), never a guess at interception.
        _ => ProbeOutcome::Filtered { timeout_ms },
    }
}

/// Asks our server to knock on this network's public address, TCP `port`
/// (`POST /api/knock`); the server's error message when it will not.
pub async fn knock(api: &ProbeApi, request: &KnockRequest) -> Result<ProbeOutcome, String> {
    let unreachable =
        "the Doorway server could not be reached; check your connection and try again";
    let response = Request::post(&api.url("/api/knock"))
        .json(request)
        .map_err(|e| e.to_string())?
        .send()
        .await
        .map_err(|_| unreachable.to_owned())?;
    if response.status() != 200 {
        return Err(crate::json::error_message(response).await);
    }
    crate::json::read::<KnockResponse>(response)
        .await
        .map(|answer| answer.outcome)
}
