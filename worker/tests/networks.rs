//! The IP-to-ASN lookup (`--asn-db`) against real MaxMind DB files.

mod common;

use std::path::PathBuf;

use common::asn_db::write_asn_db;
use doorway_core::network::{NetworkKind, NetworkSeen};
use doorway_worker::networks::Networks;

fn database(name: &str, records: &[(&str, serde_json::Value)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("doorway-asn-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    write_asn_db(&path, records).unwrap();
    path
}

#[test]
fn two_databases_merge_into_operator_number_and_kind() {
    let asn = database(
        "asn.mmdb",
        &[
            (
                "198.18.0.0/24",
                serde_json::json!({"autonomous_system_number": 64500,
                    "autonomous_system_organization": "Example Mobile GmbH"}),
            ),
            (
                "198.18.1.0/24",
                serde_json::json!({"autonomous_system_number": 64501,
                    "autonomous_system_organization": "Example Cable"}),
            ),
        ],
    );
    let kinds = database(
        "kinds.mmdb",
        &[(
            "198.18.0.0/24",
            serde_json::json!({"connection_type": "Cellular"}),
        )],
    );
    let countries = database(
        "countries.mmdb",
        &[(
            "198.18.0.0/24",
            serde_json::json!({"country": {"iso_code": "DE", "names": {"en": "Germany"}}}),
        )],
    );
    let networks = Networks::open(&[&asn, &kinds, &countries]).unwrap();
    assert_eq!(
        networks.lookup("198.18.0.77".parse().unwrap()),
        NetworkSeen::Found {
            asn: Some(64500),
            operator: Some("Example Mobile GmbH".into()),
            country: Some("DE".into()),
            kind: NetworkKind::MobileCarrier,
        }
    );
    assert_eq!(
        networks.lookup("198.18.1.1".parse().unwrap()),
        NetworkSeen::Found {
            asn: Some(64501),
            operator: Some("Example Cable".into()),
            country: None,
            kind: NetworkKind::Unknown,
        }
    );
    // An IPv4-mapped IPv6 address is its IPv4 address.
    assert_eq!(
        networks.lookup("::ffff:198.18.1.1".parse().unwrap()).kind(),
        NetworkKind::Unknown
    );
    assert!(matches!(
        networks.lookup("::ffff:198.18.1.1".parse().unwrap()),
        NetworkSeen::Found {
            asn: Some(64501),
            ..
        }
    ));
    assert_eq!(
        networks.lookup("203.0.113.9".parse().unwrap()),
        NetworkSeen::NotFound
    );
    assert_eq!(
        networks.lookup("2001:db8::1".parse().unwrap()),
        NetworkSeen::NotFound,
        "an IPv6 address in IPv4-only databases"
    );
    std::fs::remove_dir_all(asn.parent().unwrap()).unwrap();
}
