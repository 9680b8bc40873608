//! The quality check's far end: an echo over a WebRTC data channel, so the
//! page can time a voice-like stream (50 small packets a second, unordered,
//! never retransmitted) over the same UDP path a call would take.
//!
//! str0m does WebRTC sans-IO (ICE-lite, DTLS, SCTP); this module only feeds
//! it datagrams and time. There is no socket of its own: sessions ride on the
//! UDP ports the worker already serves STUN on, so the stream uses a port the
//! page has just seen answer. The STUN loop offers every datagram here first
//! ([`RtcEcho::deliver`]); a session takes only what ICE says is its own (its
//! credentials, then its peer's address), so a Binding request from a probe
//! still gets its STUN answer.
//!
//! Bounded: a few sessions per client group and [`MAX_SESSIONS`] in all,
//! each ended after [`SESSION_LIFETIME`] whatever the page does; only small
//! messages are echoed, and only to the address ICE verified (consent), so
//! the echo can never be aimed at someone else.

use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use str0m::change::SdpOffer;
use str0m::net::{Protocol, Receive};
use str0m::{Candidate, Event, IceConnectionState, Input, Output, Rtc, RtcConfig};
use tokio::net::UdpSocket;
use tokio::sync::Notify;

use crate::limit::client_group;

/// Sessions at once, in all: a check holds one for about five seconds.
pub const MAX_SESSIONS: usize = 32;
/// Sessions at once per client group (an IPv4 address, an IPv6 /64): room
/// for a household, not for a script.
pub const SESSIONS_PER_CLIENT: usize = 2;
/// The longest a session lives; a stream takes 4–5 s after connecting.
pub const SESSION_LIFETIME: Duration = Duration::from_secs(20);
/// A session ends when nothing came from its page for this long: a page
/// that closed says so over DTLS and SCTP, but on a lossy path that can be
/// lost, and ICE would take far longer to notice. While connecting, the
/// browser's ICE checks keep a session heard even when DTLS waits to resend.
pub const SESSION_IDLE: Duration = Duration::from_secs(5);
/// The largest message echoed; a stream's packets are about 170 bytes.
pub const MAX_ECHOED_BYTES: usize = 512;
/// The largest offer read: a browser's data-channel offer is about 1 KB.
pub const MAX_OFFER_BYTES: usize = 16 * 1024;

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum EchoError {
    #[error("port {0} is not a UDP port this server answers on")]
    NotServed(u16),
    #[error("the offer is not a WebRTC data-channel offer: {0}")]
    BadOffer(String),
    #[error("this address already runs {SESSIONS_PER_CLIENT} quality checks")]
    ClientBusy,
    #[error("the server runs as many quality checks as it takes ({MAX_SESSIONS})")]
    Busy,
}

/// The echo sessions and the sockets they share with STUN.
pub struct RtcEcho {
    /// The STUN sockets with the address each is bound to, read once: the
    /// echo looks one up for every datagram it sends.
    sockets: Vec<(SocketAddr, Arc<UdpSocket>)>,
    sessions: Mutex<Vec<Arc<Session>>>,
    lifetime: Duration,
    idle: Duration,
}

struct Session {
    rtc: Mutex<Rtc>,
    /// Set when a datagram was handed in: there may be output to send.
    wake: Notify,
    /// When the page was last heard from (or the session started).
    heard: Mutex<tokio::time::Instant>,
    client: IpAddr,
    /// The address in the answer's candidate, where the page sends.
    local: SocketAddr,
}

impl RtcEcho {
    pub fn new(sockets: Vec<Arc<UdpSocket>>) -> Arc<RtcEcho> {
        RtcEcho::with_limits(sockets, SESSION_LIFETIME, SESSION_IDLE)
    }

    /// Sessions that end after `lifetime`, or after `idle` without a word
    /// from their page (tests use short ones).
    pub fn with_limits(
        sockets: Vec<Arc<UdpSocket>>,
        lifetime: Duration,
        idle: Duration,
    ) -> Arc<RtcEcho> {
        let sockets = sockets
            .into_iter()
            .filter_map(|socket| Some((socket.local_addr().ok()?, socket)))
            .collect();
        Arc::new(RtcEcho {
            sockets,
            sessions: Mutex::default(),
            lifetime,
            idle,
        })
    }

    fn socket_for(&self, local: SocketAddr) -> Option<&Arc<UdpSocket>> {
        self.sockets
            .iter()
            .find(|(bound, _)| same_endpoint(*bound, local))
            .map(|(_, socket)| socket)
    }

    /// Sessions running now.
    pub fn sessions(&self) -> usize {
        self.lock_sessions().len()
    }

    fn lock_sessions(&self) -> std::sync::MutexGuard<'_, Vec<Arc<Session>>> {
        self.sessions.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Answers the page's offer with a session at `local` (the address the
    /// page reached this server on, and a UDP port served here), and runs
    /// the session until it ends.
    pub fn start(
        self: &Arc<Self>,
        offer: &str,
        local: SocketAddr,
        peer: IpAddr,
    ) -> Result<String, EchoError> {
        if self.socket_for(local).is_none() {
            return Err(EchoError::NotServed(local.port()));
        }
        let offer =
            SdpOffer::from_sdp_string(offer).map_err(|e| EchoError::BadOffer(e.to_string()))?;
        let client = client_group(peer);
        let mut rtc = new_rtc();
        let candidate =
            Candidate::host(local, "udp").map_err(|e| EchoError::BadOffer(e.to_string()))?;
        rtc.add_local_candidate(candidate);
        let answer = rtc
            .sdp_api()
            .accept_offer(offer)
            .map_err(|e| EchoError::BadOffer(e.to_string()))?;
        let session = Arc::new(Session {
            rtc: Mutex::new(rtc),
            wake: Notify::new(),
            heard: Mutex::new(tokio::time::Instant::now()),
            client,
            local,
        });
        {
            let mut sessions = self.lock_sessions();
            admit(&sessions, client)?;
            sessions.push(session.clone());
        }
        tokio::spawn(run(self.clone(), session));
        Ok(answer.to_sdp_string())
    }

    /// Hands a datagram that arrived on `socket` from `source` to the
    /// session it belongs to; false when it is none's (then it is STUN's).
    pub fn deliver(&self, socket: SocketAddr, source: SocketAddr, datagram: &[u8]) -> bool {
        let sessions = self.lock_sessions();
        for session in sessions.iter() {
            if !same_endpoint(socket, session.local) {
                continue;
            }
            let Ok(receive) = Receive::new(Protocol::Udp, source, session.local, datagram) else {
                return false;
            };
            let input = Input::Receive(Instant::now(), receive);
            let mut rtc = session.rtc.lock().unwrap_or_else(PoisonError::into_inner);
            if rtc.accepts(&input) {
                if let Err(error) = rtc.handle_input(input) {
                    tracing::debug!(%error, %source, "quality echo: datagram refused");
                }
                drop(rtc);
                *session.heard.lock().unwrap_or_else(PoisonError::into_inner) =
                    tokio::time::Instant::now();
                session.wake.notify_one();
                return true;
            }
        }
        false
    }

    fn remove(&self, session: &Arc<Session>) {
        self.lock_sessions().retain(|s| !Arc::ptr_eq(s, session));
    }
}

/// An ICE-lite endpoint: the server has a public address and never needs
/// to search for a path, it answers the page's checks.
fn new_rtc() -> Rtc {
    RtcConfig::new()
        .set_ice_lite(true)
        .set_crypto_provider(Arc::new(str0m::crypto::from_feature_flags()))
        .build(Instant::now())
}

/// Whether one more session may start for `client`.
fn admit(sessions: &[Arc<Session>], client: IpAddr) -> Result<(), EchoError> {
    if sessions.iter().filter(|s| s.client == client).count() >= SESSIONS_PER_CLIENT {
        return Err(EchoError::ClientBusy);
    }
    if sessions.len() >= MAX_SESSIONS {
        return Err(EchoError::Busy);
    }
    Ok(())
}

/// A socket bound to `bound` receives what is sent to `local`: the same
/// port, and the same address or the unspecified one of its family.
fn same_endpoint(bound: SocketAddr, local: SocketAddr) -> bool {
    bound.port() == local.port()
        && (bound.ip() == local.ip()
            || (bound.ip().is_unspecified() && bound.is_ipv4() == local.is_ipv4()))
}

/// What one round of output left to do.
enum Next {
    WaitUntil(Instant),
    End,
}

/// Drives one session: sends what str0m has to send, echoes what the page
/// sent, and wakes for str0m's timers and for new datagrams; ends when the
/// page goes away or the session's time is up, and removes itself.
async fn run(echo: Arc<RtcEcho>, session: Arc<Session>) {
    let deadline = tokio::time::Instant::now() + echo.lifetime;
    loop {
        let next = drain(&echo, &session);
        let Next::WaitUntil(at) = next else { break };
        let at = tokio::time::Instant::from_std(at);
        let heard = *session.heard.lock().unwrap_or_else(PoisonError::into_inner);
        let silent_until = heard + echo.idle;
        if tokio::time::Instant::now() >= silent_until {
            break;
        }
        tokio::select! {
            () = tokio::time::sleep_until(at) => {
                let mut rtc = session.rtc.lock().unwrap_or_else(PoisonError::into_inner);
                if rtc.handle_input(Input::Timeout(Instant::now())).is_err() {
                    break;
                }
            }
            () = session.wake.notified() => {}
            // Looked at again above: a datagram may have come meanwhile.
            () = tokio::time::sleep_until(silent_until) => {}
            () = tokio::time::sleep_until(deadline) => break,
        }
    }
    session
        .rtc
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .disconnect();
    echo.remove(&session);
}

fn drain(echo: &RtcEcho, session: &Session) -> Next {
    let mut rtc = session.rtc.lock().unwrap_or_else(PoisonError::into_inner);
    loop {
        let output = match rtc.poll_output() {
            Ok(output) => output,
            Err(error) => {
                tracing::debug!(%error, "quality echo ended");
                return Next::End;
            }
        };
        match output {
            Output::Timeout(at) => return Next::WaitUntil(at),
            Output::Transmit(transmit) => {
                // UDP may drop: a full socket buffer loses the packet, as
                // the network would, and never blocks the session.
                if let Some(socket) = echo.socket_for(transmit.source) {
                    let _ = socket.try_send_to(&transmit.contents, transmit.destination);
                }
            }
            Output::Event(Event::ChannelData(data)) => {
                if data.data.len() <= MAX_ECHOED_BYTES {
                    if let Some(mut channel) = rtc.channel(data.id) {
                        let _ = channel.write(data.binary, &data.data);
                    }
                }
            }
            Output::Event(Event::IceConnectionStateChange(IceConnectionState::Disconnected))
            | Output::Event(Event::ChannelClose(_)) => return Next::End,
            Output::Event(_) => {}
        }
        if !rtc.is_alive() {
            return Next::End;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(client: IpAddr) -> Arc<Session> {
        Arc::new(Session {
            rtc: Mutex::new(new_rtc()),
            wake: Notify::new(),
            heard: Mutex::new(tokio::time::Instant::now()),
            client,
            local: "198.18.0.2:3478".parse().unwrap(),
        })
    }

    #[test]
    fn a_client_gets_a_few_sessions_and_the_server_a_bounded_number() {
        let home: IpAddr = "198.18.1.1".parse().unwrap();
        let mut sessions = vec![session(home); SESSIONS_PER_CLIENT];
        assert_eq!(admit(&sessions, home), Err(EchoError::ClientBusy));
        let neighbour: IpAddr = "198.18.1.2".parse().unwrap();
        assert_eq!(admit(&sessions, neighbour), Ok(()));
        for n in 0..MAX_SESSIONS {
            sessions.push(session(IpAddr::from([198, 19, 0, n as u8])));
        }
        assert_eq!(admit(&sessions, neighbour), Err(EchoError::Busy));
    }

    #[test]
    fn a_socket_on_the_unspecified_address_receives_for_its_family() {
        let any4: SocketAddr = "0.0.0.0:3478".parse().unwrap();
        let any6: SocketAddr = "[::]:3478".parse().unwrap();
        let v4: SocketAddr = "198.18.0.2:3478".parse().unwrap();
        let v6: SocketAddr = "[2001:db8::2]:3478".parse().unwrap();
        assert!(same_endpoint(any4, v4));
        assert!(!same_endpoint(any4, v6));
        assert!(same_endpoint(any6, v6));
        assert!(same_endpoint(v4, v4));
        assert!(!same_endpoint(v4, "198.18.0.3:3478".parse().unwrap()));
        assert!(!same_endpoint(v4, "198.18.0.2:3479".parse().unwrap()));
    }

    #[tokio::test]
    async fn an_offer_on_a_port_not_served_or_that_is_not_sdp_is_refused() {
        let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let local = socket.local_addr().unwrap();
        let echo = RtcEcho::new(vec![Arc::new(socket)]);
        let peer: IpAddr = "127.0.0.1".parse().unwrap();
        let elsewhere = SocketAddr::new(local.ip(), local.port().wrapping_add(1).max(1));
        assert_eq!(
            echo.start("v=0", elsewhere, peer),
            Err(EchoError::NotServed(elsewhere.port()))
        );
        assert!(matches!(
            echo.start("not sdp at all", local, peer),
            Err(EchoError::BadOffer(_))
        ));
        assert_eq!(echo.sessions(), 0);
    }

    /// A browser-like offer with one data channel, from str0m itself.
    fn data_channel_offer() -> String {
        let mut client = RtcConfig::new()
            .set_crypto_provider(Arc::new(str0m::crypto::from_feature_flags()))
            .build(Instant::now());
        let mut changes = client.sdp_api();
        changes.add_channel("quality".into());
        let (offer, _pending) = changes.apply().expect("an offer");
        offer.to_sdp_string()
    }

    #[tokio::test]
    async fn a_session_a_page_walks_away_from_ends_on_its_own() {
        let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let local = socket.local_addr().unwrap();
        // Silence ends them, well before their lifetime.
        let echo = RtcEcho::with_limits(
            vec![Arc::new(socket)],
            Duration::from_secs(30),
            Duration::from_millis(300),
        );
        let peer: IpAddr = "127.0.0.1".parse().unwrap();
        let answer = echo.start(&data_channel_offer(), local, peer).unwrap();
        assert!(
            answer.contains(&format!("{} {} typ host", local.ip(), local.port())),
            "{answer}"
        );
        assert!(answer.contains("a=ice-lite"), "{answer}");
        echo.start(&data_channel_offer(), local, peer).unwrap();
        assert_eq!(
            echo.start(&data_channel_offer(), local, peer),
            Err(EchoError::ClientBusy)
        );
        assert_eq!(echo.sessions(), 2);
        // Nobody ever connects: both end when their time is up.
        tokio::time::sleep(Duration::from_millis(600)).await;
        assert_eq!(echo.sessions(), 0);
        echo.start(&data_channel_offer(), local, peer).unwrap();
    }
}
