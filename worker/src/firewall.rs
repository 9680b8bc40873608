//! `doorway firewall`: the nftables ruleset for a host that runs Doorway and
//! nothing else: every port the worker serves (app, probes, STUN, TURN and
//! the relay's ports) and SSH open, the rest dropped. It replaces only its
//! own table (`inet doorway`), so it loads again after a change.

use std::collections::BTreeSet;
use std::ops::RangeInclusive;

/// What the worker serves, as `doorway firewall` opens it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OpenPorts {
    pub tcp: BTreeSet<u16>,
    pub udp: BTreeSet<u16>,
    /// UDP ranges (the relay's ports).
    pub udp_ranges: Vec<RangeInclusive<u16>>,
}

/// The ruleset, for `nft -f`.
pub fn nft_ruleset(open: &OpenPorts) -> String {
    let list = |ports: &BTreeSet<u16>, ranges: &[RangeInclusive<u16>]| -> String {
        ports
            .iter()
            .map(u16::to_string)
            .chain(ranges.iter().map(|r| format!("{}-{}", r.start(), r.end())))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let set = |name: &str, elements: String| -> String {
        if elements.is_empty() {
            format!("\tset {name} {{\n\t\ttype inet_service; flags interval; auto-merge\n\t}}\n")
        } else {
            format!(
                "\tset {name} {{\n\t\ttype inet_service; flags interval; auto-merge\n\t\telements = {{ {elements} }}\n\t}}\n"
            )
        }
    };
    [
        "#!/usr/sbin/nft -f\n".to_owned(),
        "# Doorway: every port the worker serves, and SSH; everything else is dropped.\n"
            .to_owned(),
        "# Load with `nft -f FILE` (as root); it replaces only the table inet doorway.\n"
            .to_owned(),
        "table inet doorway\ndelete table inet doorway\n\n".to_owned(),
        "table inet doorway {\n".to_owned(),
        set("tcp_ports", list(&open.tcp, &[])),
        set("udp_ports", list(&open.udp, &open.udp_ranges)),
        "\tchain input {\n".to_owned(),
        "\t\ttype filter hook input priority filter; policy drop;\n".to_owned(),
        "\t\tct state established,related accept\n".to_owned(),
        "\t\tct state invalid drop\n".to_owned(),
        "\t\tiif \"lo\" accept\n".to_owned(),
        // Path MTU discovery and IPv6 neighbour discovery need ICMP.
        "\t\tmeta l4proto { icmp, ipv6-icmp } accept\n".to_owned(),
        "\t\ttcp dport @tcp_ports accept\n".to_owned(),
        "\t\tudp dport @udp_ports accept\n".to_owned(),
        "\t}\n}\n".to_owned(),
    ]
    .concat()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_served_port_is_in_its_set_and_the_rest_is_dropped() {
        let open = OpenPorts {
            tcp: [22, 443, 8557].into(),
            udp: [3478, 49200].into(),
            udp_ranges: vec![49160..=49400],
        };
        let rules = nft_ruleset(&open);
        assert!(rules.contains("elements = { 22, 443, 8557 }"), "{rules}");
        // The relay's range may hold a served port too: auto-merge joins them.
        assert!(
            rules.contains("elements = { 3478, 49200, 49160-49400 }"),
            "{rules}"
        );
        assert!(rules.contains("policy drop;"));
        assert!(rules.contains("table inet doorway\ndelete table inet doorway\n"));
        let empty = nft_ruleset(&OpenPorts::default());
        assert!(!empty.contains("elements"), "{empty}");
    }
}
