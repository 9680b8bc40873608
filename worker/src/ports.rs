//! Which ports the worker listens on, and binding them.

use std::collections::BTreeSet;
use std::net::{IpAddr, SocketAddr};

use doorway_core::api::UnavailablePort;
use doorway_core::browser::testability;
use doorway_core::plan::{DEFAULT_RANGE_SAMPLE, LIST_WHOLE_RANGE_UP_TO};
use doorway_core::{Direction, Profile, Protocol};
use tokio::net::{TcpListener, UdpSocket};

/// How many ports of a large range the worker listens on, by default.
pub const RANGE_SAMPLE: usize = DEFAULT_RANGE_SAMPLE;

/// The standard STUN port, served as well so a plain `stun:host` works.
pub const STUN_PORT: u16 = 3478;
/// A second STUN port on the main address, for NAT mapping tests.
pub const SECOND_STUN_PORT: u16 = 3479;

/// Ports of `protocol` a browser would probe for these profiles: outbound,
/// testable, and for large ranges a deterministic sample of `sample` ports
/// (edges included) that the page finds in `/api/config`.
pub fn profile_ports(profiles: &[Profile], protocol: Protocol, sample: usize) -> BTreeSet<u16> {
    profiles
        .iter()
        .flat_map(|profile| &profile.requirements)
        .filter(|r| r.protocol == protocol && r.direction == Direction::Outbound)
        .flat_map(|r| {
            if r.ports.port_count() <= LIST_WHOLE_RANGE_UP_TO {
                r.ports.ports().collect()
            } else {
                r.ports.sample(sample)
            }
        })
        .filter(|&port| testability(protocol, port, Direction::Outbound).is_ok())
        .collect()
}

/// Binds each port on every address, what it can. A port that cannot be
/// bound (in use, or below 1024 without the right) is reported, so the page
/// says "not served" rather than "blocked". A port counts only when every
/// address has it: a page that reaches this host over IPv6 must not read a
/// port served on IPv4 alone as blocked.
pub async fn bind_tcp(
    addresses: &[IpAddr],
    ports: impl IntoIterator<Item = u16>,
) -> (Vec<TcpListener>, Vec<UnavailablePort>) {
    bind_each(addresses, ports, Protocol::Tcp, TcpListener::bind).await
}

/// Like [`bind_tcp`], for the STUN sockets.
pub async fn bind_udp(
    addresses: &[IpAddr],
    ports: impl IntoIterator<Item = u16>,
) -> (Vec<UdpSocket>, Vec<UnavailablePort>) {
    bind_each(addresses, ports, Protocol::Udp, UdpSocket::bind).await
}

async fn bind_each<S, F, Fut>(
    addresses: &[IpAddr],
    ports: impl IntoIterator<Item = u16>,
    protocol: Protocol,
    bind: F,
) -> (Vec<S>, Vec<UnavailablePort>)
where
    F: Fn(SocketAddr) -> Fut,
    Fut: std::future::Future<Output = std::io::Result<S>>,
{
    let mut bound = Vec::new();
    let mut unavailable = Vec::new();
    for port in ports {
        let mut sockets = Vec::with_capacity(addresses.len());
        let mut failure = None;
        for &address in addresses {
            match bind(SocketAddr::new(address, port)).await {
                Ok(socket) => sockets.push(socket),
                Err(error) => {
                    failure = Some(match addresses.len() {
                        1 => error.to_string(),
                        _ => format!("{address}: {error}"),
                    });
                    break;
                }
            }
        }
        match failure {
            // The sockets already bound for this port close here.
            Some(reason) => unavailable.push(UnavailablePort {
                protocol,
                port,
                reason,
            }),
            None => bound.extend(sockets),
        }
    }
    (bound, unavailable)
}

#[cfg(test)]
mod tests {
    use super::*;
    use doorway_core::profile::builtin_profiles;

    #[test]
    fn listens_on_every_testable_outbound_tcp_port_of_the_profiles() {
        let ports = profile_ports(&builtin_profiles().unwrap(), Protocol::Tcp, RANGE_SAMPLE);
        for port in [
            80, 443, 445, 5062, 5066, 5222, 5280, 6970, 8080, 8557, 9002, 9998, 9999, 15063, 15064,
            19302, 19800,
        ] {
            assert!(ports.contains(&port), "missing {port}");
        }
        // Refused by browsers, or inbound only: listening would be pointless.
        for port in [554, 5060, 5061, 57536] {
            assert!(!ports.contains(&port), "should skip {port}");
        }
    }

    #[test]
    fn listens_for_stun_on_the_profiles_udp_ports_and_range_samples() {
        let ports = profile_ports(&builtin_profiles().unwrap(), Protocol::Udp, 8);
        for port in [15063, 15064, 16500, 65000, 10000, 20000] {
            assert!(ports.contains(&port), "missing UDP {port}");
        }
        let in_ring_range = ports.range(16500..=65000).count();
        // 8 samples of 16500-65000, plus the 10000-20000 samples that fall inside it.
        assert!((8..=12).contains(&in_ring_range), "{in_ring_range}");
        // DNS and NTP are refused by browsers; the SIP phones' UDP is inbound.
        for port in [53, 123] {
            assert!(!ports.contains(&port), "should skip UDP {port}");
        }
        assert!(
            ports.len() < 30,
            "UDP 1-65535 inbound must not be served: {}",
            ports.len()
        );
    }

    #[tokio::test]
    async fn a_port_in_use_is_reported_not_fatal() {
        let taken = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = taken.local_addr().unwrap().port();
        let (bound, unavailable) = bind_tcp(&["127.0.0.1".parse().unwrap()], [port, 0]).await;
        assert_eq!(bound.len(), 1);
        assert_eq!(unavailable.len(), 1);
        assert_eq!(unavailable[0].port, port);
        assert!(!unavailable[0].reason.is_empty());
    }

    #[tokio::test]
    async fn a_port_taken_on_one_address_is_served_on_none() {
        let (first, second): (IpAddr, IpAddr) =
            ("127.0.0.1".parse().unwrap(), "::1".parse().unwrap());
        let taken = UdpSocket::bind((second, 0)).await.unwrap();
        let port = taken.local_addr().unwrap().port();
        let free = UdpSocket::bind((first, 0)).await.unwrap();
        let free_port = free.local_addr().unwrap().port();
        drop(free);
        let (bound, unavailable) = bind_udp(&[first, second], [port, free_port]).await;
        // The free port on both addresses; the taken one on neither, even
        // though the first address had it free.
        let mut addresses: Vec<SocketAddr> =
            bound.iter().map(|s| s.local_addr().unwrap()).collect();
        addresses.sort();
        assert_eq!(
            addresses,
            [
                SocketAddr::new(first, free_port),
                SocketAddr::new(second, free_port)
            ]
        );
        assert_eq!(unavailable.len(), 1);
        assert_eq!(unavailable[0].port, port);
        assert!(
            unavailable[0].reason.starts_with("::1: "),
            "{}",
            unavailable[0].reason
        );
        assert!(UdpSocket::bind((first, port)).await.is_ok(), "released");
    }
}
