//! Inbound checks: a page cannot listen, but the server can knock from the
//! outside, on the client's own public address (a TCP handshake, then
//! close), to see whether a port forward reaches a listening device. Which
//! ports a profile lets the server knock on, and which addresses it may
//! knock on at all, are decided here; the socket lives in the worker.

use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::plan::{checked_ports, DEFAULT_RANGE_SAMPLE};
use crate::profile::{Direction, Profile, Protocol, Requirement};

/// At most this many ports in a custom `?in=` list.
pub const MAX_INBOUND_PORTS: u32 = 16;

/// Why the server does not knock on an address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Unknockable {
    /// 100.64.0.0/10: the provider shares one public address among many
    /// customers, so no port forward on the home router can work.
    #[error("the address is a carrier-grade NAT address (100.64.0.0/10): a port forward cannot work behind it")]
    CarrierNat,
    /// Loopback, private, link-local, test and documentation ranges: not a
    /// home router on the internet (allowed only for a lab).
    #[error("the address is not a public internet address")]
    NotPublic,
    /// Unspecified, multicast, broadcast, reserved: never a host to knock on.
    #[error("the address is not one host")]
    NotAHost,
    /// The server's network database says a mobile carrier: the phone is
    /// on mobile data, so a knock would test the carrier, not the home.
    #[error("this phone is on mobile data (a mobile carrier's address), so a port forward on the home router cannot be checked from here; join the home Wi-Fi and check again")]
    MobileCarrier,
}

/// Whether the server may knock on `address`, the client's own address as
/// the server saw it. `allow_private` lets a lab knock on its own ranges;
/// multicast and the like are never knocked on.
pub fn knockable(address: IpAddr, allow_private: bool) -> Result<(), Unknockable> {
    let class = match address {
        IpAddr::V4(v4) => class_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => class_v4(v4),
            None => class_v6(v6),
        },
    };
    match class {
        Some(Unknockable::NotPublic) if allow_private => Ok(()),
        Some(reason) => Err(reason),
        None => Ok(()),
    }
}

fn class_v4(address: Ipv4Addr) -> Option<Unknockable> {
    let [a, b, c, _] = address.octets();
    if a == 100 && (64..128).contains(&b) {
        Some(Unknockable::CarrierNat)
    } else if address.is_unspecified()
        || address.is_broadcast()
        || address.is_multicast()
        || a == 0
        || a >= 240
    {
        Some(Unknockable::NotAHost)
    } else if address.is_loopback()
        || address.is_private()
        || address.is_link_local()
        || address.is_documentation()
        || (a == 198 && (b & 0xfe) == 18)
        || (a == 192 && b == 0 && c == 0)
    {
        Some(Unknockable::NotPublic)
    } else {
        None
    }
}

fn class_v6(address: Ipv6Addr) -> Option<Unknockable> {
    let first = address.segments()[0];
    if address.is_unspecified() || address.is_multicast() {
        Some(Unknockable::NotAHost)
    } else if address.is_loopback()
        || (first & 0xfe00) == 0xfc00
        || (first & 0xffc0) == 0xfe80
        || (first == 0x2001 && address.segments()[1] == 0x0db8)
    {
        Some(Unknockable::NotPublic)
    } else {
        None
    }
}

/// The ports of an inbound TCP requirement the server knocks on: a small
/// range whole, a large one on the same sample outbound ranges use.
pub fn knock_ports(requirement: &Requirement) -> Vec<u16> {
    checked_ports(requirement.ports, DEFAULT_RANGE_SAMPLE)
}

/// Whether traffic of this direction and protocol is what the server can
/// knock for: incoming TCP.
pub fn is_knockable(direction: Direction, protocol: Protocol) -> bool {
    direction == Direction::Inbound && protocol == Protocol::Tcp
}

/// Whether `requirement` is one the server can knock for.
pub fn is_knockable_requirement(requirement: &Requirement) -> bool {
    is_knockable(requirement.direction, requirement.protocol)
}

/// Every port of `profile` the server may knock on.
pub fn profile_knock_ports(profile: &Profile) -> BTreeSet<u16> {
    profile
        .requirements
        .iter()
        .filter(|r| is_knockable_requirement(r))
        .flat_map(knock_ports)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn knock(address: &str, allow_private: bool) -> Result<(), Unknockable> {
        knockable(address.parse().unwrap(), allow_private)
    }

    #[test]
    fn public_addresses_are_knocked_on_in_both_families() {
        for address in [
            "8.8.8.8",
            "81.2.69.160",
            "2a00:1450:4001:80e::200e",
            "::ffff:81.2.69.160",
        ] {
            assert_eq!(knock(address, false), Ok(()), "{address}");
        }
    }

    #[test]
    fn carrier_grade_nat_says_a_forward_cannot_work_even_in_a_lab() {
        for address in ["100.64.0.1", "100.127.255.254", "::ffff:100.100.1.1"] {
            assert_eq!(
                knock(address, false),
                Err(Unknockable::CarrierNat),
                "{address}"
            );
            assert_eq!(
                knock(address, true),
                Err(Unknockable::CarrierNat),
                "{address}"
            );
        }
        assert_eq!(knock("100.63.255.255", false), Ok(()));
        assert_eq!(knock("100.128.0.0", false), Ok(()));
    }

    #[test]
    fn private_and_test_ranges_only_in_a_lab() {
        for address in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.1.1",
            "198.18.0.1",
            "198.19.255.1",
            "192.0.2.1",
            "203.0.113.9",
            "::1",
            "fd00::1",
            "fe80::1",
            "2001:db8::1",
        ] {
            assert_eq!(
                knock(address, false),
                Err(Unknockable::NotPublic),
                "{address}"
            );
            assert_eq!(knock(address, true), Ok(()), "{address}");
        }
        assert_eq!(
            knock("198.20.0.1", false),
            Ok(()),
            "just outside 198.18.0.0/15"
        );
    }

    #[test]
    fn no_knock_on_what_is_not_one_host() {
        for address in [
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "240.0.0.1",
            "::",
            "ff02::1",
        ] {
            assert_eq!(
                knock(address, true),
                Err(Unknockable::NotAHost),
                "{address}"
            );
        }
    }

    #[test]
    fn a_profile_knocks_only_on_its_inbound_tcp_ports() {
        let mut profile = Profile::custom(Some("443,5222"), Some("3478")).unwrap();
        for requirement in &mut profile.requirements {
            if requirement.ports.contains(5222) || requirement.ports.contains(3478) {
                requirement.direction = Direction::Inbound;
            }
        }
        assert_eq!(profile_knock_ports(&profile), BTreeSet::from([5222]));
    }
}
