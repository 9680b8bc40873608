//! Which ports the worker listens on, and binding them.

use std::collections::BTreeSet;
use std::net::{IpAddr, SocketAddr};

use doorway_core::api::UnavailablePort;
use doorway_core::browser::testability;
use doorway_core::plan::LIST_WHOLE_RANGE_UP_TO;
use doorway_core::{Direction, Profile, Protocol};
use tokio::net::TcpListener;

/// How many ports of a large range the worker listens on.
pub const RANGE_SAMPLE: usize = 8;

/// TCP ports a browser would probe for these profiles: outbound, testable,
/// and for large ranges the deterministic sample.
pub fn profile_tcp_ports(profiles: &[Profile]) -> BTreeSet<u16> {
    profiles
        .iter()
        .flat_map(|profile| &profile.requirements)
        .filter(|r| r.protocol == Protocol::Tcp && r.direction == Direction::Outbound)
        .flat_map(|r| {
            if r.ports.port_count() <= LIST_WHOLE_RANGE_UP_TO {
                r.ports.ports().collect()
            } else {
                r.ports.sample(RANGE_SAMPLE)
            }
        })
        .filter(|&port| testability(Protocol::Tcp, port, Direction::Outbound).is_ok())
        .collect()
}

/// Binds what it can. A port that cannot be bound (in use, or below 1024
/// without the right) is reported, so the page says "not served" rather
/// than "blocked".
pub async fn bind_tcp(
    address: IpAddr,
    ports: impl IntoIterator<Item = u16>,
) -> (Vec<TcpListener>, Vec<UnavailablePort>) {
    let mut bound = Vec::new();
    let mut unavailable = Vec::new();
    for port in ports {
        match TcpListener::bind(SocketAddr::new(address, port)).await {
            Ok(listener) => bound.push(listener),
            Err(error) => unavailable.push(UnavailablePort {
                protocol: Protocol::Tcp,
                port,
                reason: error.to_string(),
            }),
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
        let ports = profile_tcp_ports(&builtin_profiles().unwrap());
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

    #[tokio::test]
    async fn a_port_in_use_is_reported_not_fatal() {
        let taken = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = taken.local_addr().unwrap().port();
        let (bound, unavailable) = bind_tcp("127.0.0.1".parse().unwrap(), [port, 0]).await;
        assert_eq!(bound.len(), 1);
        assert_eq!(unavailable.len(), 1);
        assert_eq!(unavailable[0].port, port);
        assert!(!unavailable[0].reason.is_empty());
    }
}
