//! The quality check's voice-like stream: 50 packets a second of 172 bytes
//! (a 20 ms voice frame with its headers) for four seconds, over an
//! unordered data channel that never retransmits, to the server's echo on a
//! UDP port that just answered STUN. Each packet carries its number; the
//! page times it out and back on its own clock, so no clocks need to agree.

use std::cell::RefCell;
use std::rc::Rc;

use doorway_core::api::{StreamAnswer, StreamOffer};
use doorway_core::quality::Echo;
use gloo::net::http::Request;
use gloo::timers::future::TimeoutFuture;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    MessageEvent, RtcDataChannel, RtcDataChannelInit, RtcDataChannelState, RtcDataChannelType,
    RtcPeerConnection, RtcSdpType, RtcSessionDescriptionInit,
};

use crate::probe::now_ms;

pub const PACKETS_PER_SECOND: u32 = 50;
pub const STREAM_MS: u32 = 4000;
const PACKET_BYTES: usize = 172;
/// Connecting (ICE, DTLS, SCTP) takes a few round trips, and on a lossy
/// path a lost handshake packet waits for its retransmission timer (1 s,
/// then 2 s); past this the path is not one a call would use.
const CONNECT_TIMEOUT_MS: f64 = 6000.0;
/// After the last packet, echoes still on their way are waited for twice
/// the slowest round trip seen, within these bounds (or until all are back).
const LAST_ECHO_WAIT_MS: (f64, f64) = (200.0, 1000.0);

/// Runs the stream to the server's echo on UDP `port`: the echoes, or why
/// there are none.
pub async fn run(port: u16) -> Result<Vec<Echo>, String> {
    let connection = RtcPeerConnection::new()
        .map_err(|e| format!("the browser refused a WebRTC connection: {e:?}"))?;
    let outcome = stream(&connection, port).await;
    connection.close();
    outcome
}

async fn stream(connection: &RtcPeerConnection, port: u16) -> Result<Vec<Echo>, String> {
    let init = RtcDataChannelInit::new();
    init.set_ordered(false);
    init.set_max_retransmits(0);
    let channel = connection.create_data_channel_with_data_channel_dict("quality", &init);
    channel.set_binary_type(RtcDataChannelType::Arraybuffer);

    let sdp = crate::webrtc::offer_and_gather(connection).await?;
    // No candidates in the offer: the server is ICE-lite and learns the
    // page's address from its checks.
    let answer = ask_server(StreamOffer { port, sdp }).await?;
    let remote = RtcSessionDescriptionInit::new(RtcSdpType::Answer);
    remote.set_sdp(&answer.sdp);
    JsFuture::from(connection.set_remote_description(&remote))
        .await
        .map_err(|e| format!("the server's answer was not usable: {e:?}"))?;

    let started = now_ms();
    while channel.ready_state() != RtcDataChannelState::Open {
        if now_ms() - started > CONNECT_TIMEOUT_MS {
            return Err(format!(
                "the stream did not connect over UDP port {port} within {} s",
                CONNECT_TIMEOUT_MS / 1000.0
            ));
        }
        TimeoutFuture::new(20).await;
    }
    Ok(send_and_time(&channel).await)
}

async fn ask_server(offer: StreamOffer) -> Result<StreamAnswer, String> {
    let response = Request::post("/api/stream")
        .json(&offer)
        .map_err(|e| e.to_string())?
        .send()
        .await
        .map_err(|_| "the Doorway server could not be reached".to_owned())?;
    if response.status() != 200 {
        return Err(crate::json::error_message(response).await);
    }
    crate::json::read(response).await
}

/// Sends the packets on a 20 ms beat and notes when each comes back.
async fn send_and_time(channel: &RtcDataChannel) -> Vec<Echo> {
    let count = (PACKETS_PER_SECOND * STREAM_MS / 1000) as usize;
    let echoes: Rc<RefCell<Vec<Echo>>> = Rc::new(RefCell::new(Vec::with_capacity(count)));
    let on_message = {
        let echoes = echoes.clone();
        Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let arrived = now_ms();
            let Ok(buffer) = event.data().dyn_into::<js_sys::ArrayBuffer>() else {
                return;
            };
            let bytes = js_sys::Uint8Array::new(&buffer);
            if bytes.length() < 4 {
                return;
            }
            let mut number = [0u8; 4];
            bytes.subarray(0, 4).copy_to(&mut number);
            let number = u32::from_le_bytes(number) as usize;
            if let Some(echo) = echoes.borrow_mut().get_mut(number) {
                // A duplicate keeps the first arrival.
                echo.received_ms.get_or_insert(arrived);
            }
        })
    };
    channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));

    let interval = 1000.0 / f64::from(PACKETS_PER_SECOND);
    let start = now_ms();
    let mut packet = [0u8; PACKET_BYTES];
    for number in 0..count {
        // On a beat from the start, so a late timer does not stretch it.
        let due = start + number as f64 * interval;
        let wait = due - now_ms();
        if wait >= 1.0 {
            TimeoutFuture::new(wait as u32).await;
        }
        packet[..4].copy_from_slice(&(number as u32).to_le_bytes());
        let sent_ms = now_ms();
        echoes.borrow_mut().push(Echo {
            sent_ms,
            received_ms: None,
        });
        if channel.send_with_u8_array(&packet).is_err() {
            // The channel closed: what was sent is what is judged.
            break;
        }
    }
    let last_sent = now_ms();
    loop {
        let (all_back, slowest) = {
            let echoes = echoes.borrow();
            let slowest = echoes
                .iter()
                .filter_map(|e| Some(e.received_ms? - e.sent_ms))
                .fold(0.0, f64::max);
            (echoes.iter().all(|e| e.received_ms.is_some()), slowest)
        };
        let wait = (2.0 * slowest).clamp(LAST_ECHO_WAIT_MS.0, LAST_ECHO_WAIT_MS.1);
        if all_back || now_ms() - last_sent >= wait {
            break;
        }
        TimeoutFuture::new(10).await;
    }
    channel.set_onmessage(None);
    drop(on_message);
    let echoes = echoes.borrow().clone();
    echoes
}
