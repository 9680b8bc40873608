//! ICE gathering with RTCPeerConnection: the browser's only way to send UDP
//! (STUN) and to use TURN. Always under our own timeout: an unanswered STUN
//! server holds gathering open for about 40 s.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use doorway_core::ice::{Candidate, GatheringEnd};
use gloo::timers::callback::Timeout;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    RtcConfiguration, RtcIceServer, RtcPeerConnection, RtcPeerConnectionIceEvent, RtcSdpType,
    RtcSessionDescriptionInit,
};

use crate::probe::now_ms;

#[derive(Debug, Clone, PartialEq)]
pub struct IceServer {
    pub urls: Vec<String>,
    pub username: Option<String>,
    pub credential: Option<String>,
}

impl IceServer {
    pub fn stun(url: String) -> IceServer {
        IceServer {
            urls: vec![url],
            username: None,
            credential: None,
        }
    }
}

/// A candidate and when it arrived, in ms after gathering started.
#[derive(Debug, Clone, PartialEq)]
pub struct Gathered {
    pub candidate: Candidate,
    pub ms: u32,
}

/// A peer connection that may use nothing but `relay`: what a call does on
/// a network where only the relay gets through.
pub fn relay_only_connection(relay: &IceServer) -> Result<RtcPeerConnection, String> {
    let config = configuration(std::slice::from_ref(relay));
    config.set_ice_transport_policy(web_sys::RtcIceTransportPolicy::Relay);
    RtcPeerConnection::new_with_configuration(&config)
        .map_err(|e| format!("the browser refused a WebRTC connection: {e:?}"))
}

fn configuration(servers: &[IceServer]) -> RtcConfiguration {
    let list = js_sys::Array::new();
    for server in servers {
        let ice = RtcIceServer::new();
        let urls: js_sys::Array = server.urls.iter().map(|u| JsValue::from_str(u)).collect();
        ice.set_urls(&urls);
        if let Some(username) = &server.username {
            ice.set_username(username);
        }
        if let Some(credential) = &server.credential {
            ice.set_credential(credential);
        }
        list.push(&ice);
    }
    let config = RtcConfiguration::new();
    config.set_ice_servers(&list);
    config
}

/// What one gathering gave: the candidates, and how it ended.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Gathering {
    pub found: Vec<Gathered>,
    /// The browser said it was complete before our timeout.
    pub completed: bool,
    /// When the browser first reported a failed server (`icecandidateerror`).
    pub error_ms: Option<u32>,
    /// Candidates every gathering on the page produced meanwhile.
    pub candidates_on_page: usize,
}

thread_local! {
    /// Candidates any gathering on this page has produced, ever.
    static CANDIDATES_ON_PAGE: Cell<usize> = const { Cell::new(0) };
}

fn candidates_on_page() -> usize {
    CANDIDATES_ON_PAGE.with(Cell::get)
}

impl Gathering {
    /// How it ended, for core to read: `wanted` picks the candidate the
    /// probe is after (srflx for STUN, relay for TURN).
    pub fn end(&self, wanted: impl Fn(&Candidate) -> bool) -> GatheringEnd {
        GatheringEnd {
            candidates: self.found.len(),
            candidates_on_page: self.candidates_on_page,
            wanted_ms: self
                .found
                .iter()
                .find(|g| wanted(&g.candidate))
                .map(|g| g.ms),
            error_ms: self.error_ms,
            completed: self.completed,
        }
    }
}

/// Makes an offer and sets it as the local description, which starts ICE
/// gathering; the offer's SDP.
pub async fn offer_and_gather(connection: &RtcPeerConnection) -> Result<String, String> {
    let offer = JsFuture::from(connection.create_offer())
        .await
        .map_err(|e| format!("could not create a WebRTC offer: {e:?}"))?;
    let sdp = js_sys::Reflect::get(&offer, &"sdp".into())
        .ok()
        .and_then(|v| v.as_string())
        .ok_or("the WebRTC offer has no SDP")?;
    let description = RtcSessionDescriptionInit::new(RtcSdpType::Offer);
    description.set_sdp(&sdp);
    JsFuture::from(connection.set_local_description(&description))
        .await
        .map_err(|e| format!("could not start ICE gathering: {e:?}"))?;
    Ok(sdp)
}

/// After the first server-reflexive candidate, answers from the other
/// servers of the same connection come within about as long again as the
/// first took; never waits less than this for them.
const MIN_SETTLE_MS: u32 = 200;

/// Gathers candidates for `servers` until `done` says the list is enough,
/// a while after the first server-reflexive candidate (when `settle_ms` is
/// given: as long again as that candidate took, between 200 ms and
/// `settle_ms`), or `timeout_ms`, whichever comes first; then closes the
/// connection.
pub async fn gather(
    servers: &[IceServer],
    timeout_ms: u32,
    settle_ms: Option<u32>,
    done: impl Fn(&[Gathered]) -> bool + 'static,
) -> Result<Gathering, String> {
    let connection = RtcPeerConnection::new_with_configuration(&configuration(servers))
        .map_err(|e| format!("the browser refused a WebRTC connection: {e:?}"))?;
    let started = now_ms();
    let page_count_at_start = candidates_on_page();
    let found: Rc<RefCell<Vec<Gathered>>> = Rc::default();
    let completed: Rc<Cell<bool>> = Rc::default();
    let error_ms: Rc<Cell<Option<u32>>> = Rc::default();

    // Settles once `done` holds, the settle time passed, or the timer fired.
    let mut settle_slot: Option<js_sys::Function> = None;
    let settled = js_sys::Promise::new(&mut |resolve, _| settle_slot = Some(resolve));
    let settle = settle_slot.ok_or("the browser did not run the promise executor")?;
    let settle_timer: Rc<RefCell<Option<Timeout>>> = Rc::default();

    let on_candidate = {
        let found = found.clone();
        let completed = completed.clone();
        let settle = settle.clone();
        let settle_timer = settle_timer.clone();
        Closure::<dyn FnMut(RtcPeerConnectionIceEvent)>::new(
            move |event: RtcPeerConnectionIceEvent| {
                let Some(candidate) = event.candidate() else {
                    // Gathering complete: nothing more will come.
                    completed.set(true);
                    let _ = settle.call0(&JsValue::NULL);
                    return;
                };
                let Some(candidate) = Candidate::parse(&candidate.candidate()) else {
                    return;
                };
                CANDIDATES_ON_PAGE.with(|count| count.set(count.get() + 1));
                let ms = (now_ms() - started).max(0.0) as u32;
                let first_srflx =
                    candidate.is_server_reflexive() && settle_timer.borrow().is_none();
                if let (Some(settle_ms), true) = (settle_ms, first_srflx) {
                    let settle = settle.clone();
                    let wait = ms.clamp(MIN_SETTLE_MS, settle_ms.max(MIN_SETTLE_MS));
                    *settle_timer.borrow_mut() = Some(Timeout::new(wait, move || {
                        let _ = settle.call0(&JsValue::NULL);
                    }));
                }
                found.borrow_mut().push(Gathered { candidate, ms });
                if done(&found.borrow()) {
                    let _ = settle.call0(&JsValue::NULL);
                }
            },
        )
    };
    connection.set_onicecandidate(Some(on_candidate.as_ref().unchecked_ref()));
    // web-sys has no setter for this event; it says a server was tried and
    // failed (a reset, a refused allocation), which silence never says.
    let on_error = {
        let error_ms = error_ms.clone();
        Closure::<dyn FnMut()>::new(move || {
            if error_ms.get().is_none() {
                error_ms.set(Some((now_ms() - started).max(0.0) as u32));
            }
        })
    };
    let _ = connection
        .add_event_listener_with_callback("icecandidateerror", on_error.as_ref().unchecked_ref());
    let timer = {
        let settle = settle.clone();
        Timeout::new(timeout_ms, move || {
            let _ = settle.call0(&JsValue::NULL);
        })
    };

    let outcome = async {
        // A data channel gives the offer something to negotiate, so ICE runs.
        let _channel = connection.create_data_channel("doorway");
        offer_and_gather(&connection).await?;
        let _ = JsFuture::from(settled).await;
        Ok::<(), String>(())
    }
    .await;

    drop(timer);
    settle_timer.borrow_mut().take();
    connection.set_onicecandidate(None);
    let _ = connection.remove_event_listener_with_callback(
        "icecandidateerror",
        on_error.as_ref().unchecked_ref(),
    );
    connection.close();
    drop(on_candidate);
    drop(on_error);
    outcome?;
    let gathering = Gathering {
        found: found.borrow().clone(),
        completed: completed.get(),
        error_ms: error_ms.get(),
        candidates_on_page: candidates_on_page() - page_count_at_start,
    };
    Ok(gathering)
}
