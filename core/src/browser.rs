//! What a browser can test. Source: docs/browsers.md, measured in headless
//! Chromium 156 (fetch, WebSocket, STUN and TURN share one list), Firefox
//! ESR and WebKitGTK, and WebKit's source for Safari.

use serde::{Deserialize, Serialize};

use crate::profile::{Direction, Protocol};

/// Chromium's `kRestrictedPorts` (the WHATWG Fetch "bad ports" list). A request
/// to one of these never leaves the browser, and page JavaScript cannot tell
/// that apart from a network failure, so these ports are classified here and
/// never probed. 4190 and 6679 were let through by Chromium 156 in practice;
/// they stay on the list because WebKit (Safari) refuses them, and calling a
/// port untestable loses a little information, while calling it blocked
/// would mislead.
pub const BROWSER_REFUSED_PORTS: &[u16] = &[
    0, 1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101,
    102, 103, 104, 109, 110, 111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427,
    465, 512, 513, 514, 515, 526, 530, 531, 532, 540, 548, 554, 556, 563, 587, 601, 636, 989, 990,
    993, 995, 1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667,
    6668, 6669, 6679, 6697, 10080,
];

pub fn is_browser_refused(port: u16) -> bool {
    BROWSER_REFUSED_PORTS.binary_search(&port).is_ok()
}

/// libwebrtc accepts TURN servers below 1024 only on 80 and 443 and skips the
/// rest silently.
pub fn is_usable_turn_port(port: u16) -> bool {
    !is_browser_refused(port) && (port >= 1024 || port == 80 || port == 443)
}

/// Why the browser cannot test a port.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Untestable {
    /// On the browser's own refused list: nothing is sent.
    BrowserRefusedPort,
    /// Traffic that starts on the internet and comes in: a page can only open
    /// connections outwards.
    Inbound,
    /// UDP needs WebRTC, which this browser does not have or has turned off.
    NoWebRtc,
    /// WebRTC is there but gathers no candidates at all, not even a host one
    /// (privacy settings, an extension, a policy, `ice.proxy_only`).
    NoCandidates,
    /// The browser ended gathering without asking our server (Firefox skips
    /// loopback and TURN over TLS to a bare address): nothing was sent.
    SkippedByBrowser,
    /// Inbound, and the client's address is a carrier-grade NAT's: no port
    /// forward can work, so the server did not knock.
    CarrierNat,
}

impl Untestable {
    /// A limit of this browser, not of browsers in general: another browser
    /// on the same network can test it.
    pub fn is_this_browser(self) -> bool {
        matches!(
            self,
            Untestable::NoWebRtc | Untestable::NoCandidates | Untestable::SkippedByBrowser
        )
    }
}

/// Whether a port of a profile can be checked from a page, and if not, why.
pub fn testability(protocol: Protocol, port: u16, direction: Direction) -> Result<(), Untestable> {
    // Same list for TCP (fetch, WebSocket) and UDP (STUN): the protocol does
    // not change the answer today, but the signature keeps the question honest.
    let _ = protocol;
    if direction == Direction::Inbound {
        Err(Untestable::Inbound)
    } else if is_browser_refused(port) {
        Err(Untestable::BrowserRefusedPort)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refused_list_is_sorted_so_binary_search_is_valid() {
        assert!(BROWSER_REFUSED_PORTS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn device_ports_the_facts_name_are_untestable() {
        for port in [554, 53, 123, 5060, 5061] {
            assert_eq!(
                testability(Protocol::Tcp, port, Direction::Outbound),
                Err(Untestable::BrowserRefusedPort),
                "port {port}"
            );
        }
    }

    #[test]
    fn ordinary_ports_are_testable_and_inbound_never_is() {
        for port in [80, 443, 445, 8557, 9998, 16500, 65000] {
            assert_eq!(
                testability(Protocol::Tcp, port, Direction::Outbound),
                Ok(())
            );
        }
        assert_eq!(
            testability(Protocol::Udp, 7076, Direction::Inbound),
            Err(Untestable::Inbound)
        );
    }

    #[test]
    fn turn_below_1024_only_on_80_and_443() {
        assert!(is_usable_turn_port(80));
        assert!(is_usable_turn_port(443));
        assert!(is_usable_turn_port(3478));
        assert!(!is_usable_turn_port(853));
        assert!(!is_usable_turn_port(53));
        assert!(!is_usable_turn_port(5060));
    }
}
