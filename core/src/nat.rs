//! NAT mapping behaviour from the server-reflexive candidates of one peer
//! connection that asks several STUN servers. Chromium uses one local socket
//! for all of them and reports each distinct mapped address once, so the
//! number of distinct mappings tells the mapping behaviour (RFC 4787).

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NatMapping {
    /// One mapping for every destination: peer-to-peer works well.
    EndpointIndependent,
    /// The same mapping towards one address, a new one per address.
    AddressDependent,
    /// A new mapping for every address and port ("symmetric NAT"):
    /// peer-to-peer video will need a relay.
    AddressAndPortDependent,
    /// One mapping towards both ports of the server's address; without a
    /// second server address, endpoint-independent and address-dependent
    /// look the same.
    SameTowardsOneAddress,
    /// A test server did not answer on its own, so comparing is meaningless.
    Unknown,
    /// This browser sent nothing (no WebRTC, no candidates, or it skipped
    /// the servers): another browser can compare.
    NotTestedByBrowser,
}

/// What the NAT check found; part of the result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NatResult {
    pub mapping: NatMapping,
    /// Public addresses as STUN saw them (IPv4 and, where reachable, IPv6).
    pub public_addresses: Vec<String>,
    /// How many STUN servers were compared (2 or 3).
    pub servers: u8,
}

/// Classifies from the distinct mapped `ip:port`s the comparison produced.
/// `second_address` says whether one of the servers was on another address;
/// `all_answered` whether each server answered when asked alone.
pub fn classify_mapping(mapped: &[String], second_address: bool, all_answered: bool) -> NatMapping {
    let distinct: BTreeSet<&String> = mapped.iter().collect();
    if !all_answered || distinct.is_empty() {
        return NatMapping::Unknown;
    }
    match (distinct.len(), second_address) {
        (1, true) => NatMapping::EndpointIndependent,
        (1, false) => NatMapping::SameTowardsOneAddress,
        (2, true) => NatMapping::AddressDependent,
        _ => NatMapping::AddressAndPortDependent,
    }
}

/// The public addresses in a list of `ip:port` mappings, without ports.
pub fn public_addresses(mapped: &[String]) -> Vec<String> {
    let addresses: BTreeSet<String> = mapped
        .iter()
        .filter_map(|m| {
            m.rsplit_once(':')
                .map(|(ip, _)| ip.trim_matches(['[', ']']).to_owned())
        })
        .collect();
    addresses.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn one_mapping_for_three_servers_is_endpoint_independent() {
        let mapped = m(&["203.0.113.5:40000"]);
        assert_eq!(
            classify_mapping(&mapped, true, true),
            NatMapping::EndpointIndependent
        );
        assert_eq!(
            classify_mapping(&mapped, false, true),
            NatMapping::SameTowardsOneAddress
        );
    }

    #[test]
    fn a_new_mapping_per_address_is_address_dependent() {
        let mapped = m(&["203.0.113.5:40000", "203.0.113.5:51234"]);
        assert_eq!(
            classify_mapping(&mapped, true, true),
            NatMapping::AddressDependent
        );
    }

    #[test]
    fn a_new_mapping_per_port_is_symmetric() {
        let three = m(&["203.0.113.5:1", "203.0.113.5:2", "203.0.113.5:3"]);
        assert_eq!(
            classify_mapping(&three, true, true),
            NatMapping::AddressAndPortDependent
        );
        let two_ports_one_address = m(&["203.0.113.5:1", "203.0.113.5:2"]);
        assert_eq!(
            classify_mapping(&two_ports_one_address, false, true),
            NatMapping::AddressAndPortDependent
        );
    }

    #[test]
    fn missing_answers_mean_unknown() {
        assert_eq!(
            classify_mapping(&m(&["203.0.113.5:1"]), true, false),
            NatMapping::Unknown
        );
        assert_eq!(classify_mapping(&[], true, true), NatMapping::Unknown);
    }

    #[test]
    fn public_addresses_drop_ports_and_duplicates() {
        let mapped = m(&["203.0.113.5:1", "203.0.113.5:2", "[2001:db8::5]:3"]);
        assert_eq!(public_addresses(&mapped), ["2001:db8::5", "203.0.113.5"]);
    }
}
