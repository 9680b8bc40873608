//! The quality check's voice-like stream: 50 packets a second of 172 bytes
//! (a 20 ms voice frame with its headers) for four seconds, over an
//! unordered data channel that never retransmits, to the server's echo on a
//! UDP port that just answered STUN. Each packet carries its number; the
//! page times it out and back on its own clock, so no clocks need to agree.

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;

use doorway_core::api::{ProbeApi, StreamAnswer, StreamOffer};
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
use crate::webrtc::IceServer;

pub const PACKETS_PER_SECOND: u32 = 50;
pub const STREAM_MS: u32 = 4000;
const PACKET_BYTES: usize = 172;
/// Connecting (ICE, DTLS, SCTP) takes a few round trips, and on a lossy
/// path a lost handshake packet waits for its retransmission timer (1 s,
/// then 2 s); past this the path is not one a call would use.
const CONNECT_TIMEOUT_MS: f64 = 6000.0;
/// Connections tried before the stream gives up: on a lossy path one
/// handshake can lose its packets over and over (seen in the lab at 5 %
/// loss each way), and a fresh connection, with a fresh session on the
/// server, then gets through.
const CONNECT_ATTEMPTS: u32 = 2;
/// After the last packet, echoes still on their way are waited for twice
/// the slowest round trip seen, within these bounds (or until all are back).
const LAST_ECHO_WAIT_MS: (f64, f64) = (200.0, 1000.0);

/// A data channel to the server's echo, open: the voice-like stream runs on
/// it, then the pings that time the round trip while the upload runs.
/// Every packet carries a number that counts up over the channel's life;
/// an echo is noted against its number, so a late echo of one phase never
/// counts for the next.
pub struct Stream {
    /// The server that answers the stream, and the bandwidth after it.
    pub api: ProbeApi,
    connection: RtcPeerConnection,
    channel: RtcDataChannel,
    echoes: Rc<RefCell<Vec<Echo>>>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
}

impl Drop for Stream {
    fn drop(&mut self) {
        self.channel.set_onmessage(None);
        self.connection.close();
    }
}

impl Stream {
    /// Opens a channel to the server's echo on UDP `port`, straight or
    /// through `relay` only, or says why not.
    pub async fn connect(
        api: ProbeApi,
        port: u16,
        relay: Option<&IceServer>,
    ) -> Result<Stream, String> {
        let mut attempt = 1;
        let (connection, channel) = loop {
            let connection = match relay {
                Some(relay) => crate::webrtc::relay_only_connection(relay)?,
                None => RtcPeerConnection::new()
                    .map_err(|e| format!("the browser refused a WebRTC connection: {e:?}"))?,
            };
            let opened = open_channel(&api, &connection, port).await;
            match opened {
                Ok(Some(channel)) => break (connection, channel),
                // Timed out: once more on a new connection.
                Ok(None) if attempt < CONNECT_ATTEMPTS => {
                    connection.close();
                    attempt += 1;
                }
                Ok(None) => {
                    connection.close();
                    return Err(format!(
                        "the stream did not connect over UDP port {port} \
                         ({CONNECT_ATTEMPTS} tries of {} s each)",
                        CONNECT_TIMEOUT_MS / 1000.0
                    ));
                }
                Err(reason) => {
                    connection.close();
                    return Err(reason);
                }
            }
        };
        let echoes: Rc<RefCell<Vec<Echo>>> = Rc::default();
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
        Ok(Stream {
            api,
            connection,
            channel,
            echoes,
            _on_message: on_message,
        })
    }

    /// Sends one numbered packet; `false` once the channel has closed.
    fn send(&self, packet: &mut [u8; PACKET_BYTES]) -> bool {
        let number = self.echoes.borrow().len() as u32;
        packet[..4].copy_from_slice(&number.to_le_bytes());
        self.echoes.borrow_mut().push(Echo {
            sent_ms: now_ms(),
            received_ms: None,
        });
        self.channel.send_with_u8_array(packet).is_ok()
    }

    /// The echoes of packets `from..`, once those still on their way have
    /// had twice the slowest round trip seen to arrive (within bounds).
    async fn collect(&self, from: usize) -> Vec<Echo> {
        let last_sent = now_ms();
        loop {
            let (all_back, slowest) = {
                let echoes = self.echoes.borrow();
                let phase = echoes.get(from..).unwrap_or_default();
                let slowest = phase
                    .iter()
                    .filter_map(|e| Some(e.received_ms? - e.sent_ms))
                    .fold(0.0, f64::max);
                (phase.iter().all(|e| e.received_ms.is_some()), slowest)
            };
            let wait = (2.0 * slowest).clamp(LAST_ECHO_WAIT_MS.0, LAST_ECHO_WAIT_MS.1);
            if all_back || now_ms() - last_sent >= wait {
                break;
            }
            TimeoutFuture::new(10).await;
        }
        self.echoes
            .borrow()
            .get(from..)
            .unwrap_or_default()
            .to_vec()
    }

    /// The voice-like stream: packets on a 20 ms beat for four seconds.
    pub async fn voice(&self) -> Vec<Echo> {
        let from = self.echoes.borrow().len();
        let count = (PACKETS_PER_SECOND * STREAM_MS / 1000) as usize;
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
            if !self.send(&mut packet) {
                // The channel closed: what was sent is what is judged.
                break;
            }
        }
        self.collect(from).await
    }

    /// Runs `work` while pinging every [`PING_INTERVAL_MS`] (one at once):
    /// its output, and the echoes of the pings sent while it ran.
    pub async fn ping_during<T>(&self, work: impl Future<Output = T>) -> (T, Vec<Echo>) {
        let from = self.echoes.borrow().len();
        let pinging = async {
            let mut packet = [0u8; PACKET_BYTES];
            while self.send(&mut packet) {
                TimeoutFuture::new(PING_INTERVAL_MS).await;
            }
        };
        let output = {
            futures::pin_mut!(work);
            futures::pin_mut!(pinging);
            match futures::future::select(work, pinging).await {
                futures::future::Either::Left((output, _)) => output,
                // The channel closed: the work still runs to its end.
                futures::future::Either::Right((_, work)) => work.await,
            }
        };
        (output, self.collect(from).await)
    }
}

/// Pings while the upload runs: often enough to see a queue grow, rarely
/// enough not to be a load of their own (1.4 kB/s).
const PING_INTERVAL_MS: u32 = 100;

/// The channel, open; `None` when it did not open within
/// [`CONNECT_TIMEOUT_MS`]; or why it could not be tried.
async fn open_channel(
    api: &ProbeApi,
    connection: &RtcPeerConnection,
    port: u16,
) -> Result<Option<RtcDataChannel>, String> {
    let init = RtcDataChannelInit::new();
    init.set_ordered(false);
    init.set_max_retransmits(0);
    let channel = connection.create_data_channel_with_data_channel_dict("quality", &init);
    channel.set_binary_type(RtcDataChannelType::Arraybuffer);

    let sdp = crate::webrtc::offer_and_gather(connection).await?;
    // No candidates in the offer: the server is ICE-lite and learns the
    // page's address from its checks.
    let answer = ask_server(api, StreamOffer { port, sdp }).await?;
    let remote = RtcSessionDescriptionInit::new(RtcSdpType::Answer);
    remote.set_sdp(&answer.sdp);
    JsFuture::from(connection.set_remote_description(&remote))
        .await
        .map_err(|e| format!("the server's answer was not usable: {e:?}"))?;

    let started = now_ms();
    while channel.ready_state() != RtcDataChannelState::Open {
        if now_ms() - started > CONNECT_TIMEOUT_MS {
            return Ok(None);
        }
        TimeoutFuture::new(20).await;
    }
    Ok(Some(channel))
}

async fn ask_server(api: &ProbeApi, offer: StreamOffer) -> Result<StreamAnswer, String> {
    let response = Request::post(&api.url("/api/stream"))
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
