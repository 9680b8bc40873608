//! ICE gathering with RTCPeerConnection: the browser's only way to send UDP
//! (STUN) and to use TURN. Always under our own timeout: an unanswered STUN
//! server holds gathering open for about 40 s.

use std::cell::RefCell;
use std::rc::Rc;

use doorway_core::ice::Candidate;
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
) -> Result<Vec<Gathered>, String> {
    let connection = RtcPeerConnection::new_with_configuration(&configuration(servers))
        .map_err(|e| format!("the browser refused a WebRTC connection: {e:?}"))?;
    let started = now_ms();
    let found: Rc<RefCell<Vec<Gathered>>> = Rc::default();

    // Settles once `done` holds, the settle time passed, or the timer fired.
    let mut settle_slot: Option<js_sys::Function> = None;
    let settled = js_sys::Promise::new(&mut |resolve, _| settle_slot = Some(resolve));
    let settle = settle_slot.ok_or("the browser did not run the promise executor")?;
    let settle_timer: Rc<RefCell<Option<Timeout>>> = Rc::default();

    let on_candidate = {
        let found = found.clone();
        let settle = settle.clone();
        let settle_timer = settle_timer.clone();
        Closure::<dyn FnMut(RtcPeerConnectionIceEvent)>::new(
            move |event: RtcPeerConnectionIceEvent| {
                let Some(candidate) = event.candidate() else {
                    // Gathering complete: nothing more will come.
                    let _ = settle.call0(&JsValue::NULL);
                    return;
                };
                let Some(candidate) = Candidate::parse(&candidate.candidate()) else {
                    return;
                };
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
    let timer = {
        let settle = settle.clone();
        Timeout::new(timeout_ms, move || {
            let _ = settle.call0(&JsValue::NULL);
        })
    };

    let outcome = async {
        // A data channel gives the offer something to negotiate, so ICE runs.
        let _channel = connection.create_data_channel("doorway");
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
        let _ = JsFuture::from(settled).await;
        Ok::<(), String>(())
    }
    .await;

    drop(timer);
    settle_timer.borrow_mut().take();
    connection.set_onicecandidate(None);
    connection.close();
    drop(on_candidate);
    outcome?;
    let found = found.borrow().clone();
    Ok(found)
}
