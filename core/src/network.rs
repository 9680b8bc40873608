//! Which network a check ran from, as the server saw it: the operator and
//! its number (ASN) and the kind of network, from an IP-to-ASN database the
//! operator configures. The address itself is not part of it, so a result
//! shared without its address still tells support which network it was.

use serde::{Deserialize, Serialize};

/// The kind of network, where the database says (GeoIP2 Connection-Type
/// style `connection_type`, or a mobile network code); most free ASN
/// databases do not, and then it is `Unknown`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NetworkKind {
    /// Cable, DSL or fibre: a home connection.
    Residential,
    /// A mobile carrier: the phone is on mobile data, not the home Wi-Fi.
    MobileCarrier,
    /// A company network.
    Corporate,
    Satellite,
    Unknown,
}

impl NetworkKind {
    /// From a database's `connection_type` (MaxMind's values: "Cable/DSL",
    /// "Cellular", "Corporate", "Satellite", "Dialup") and whether the
    /// record names a mobile network code.
    pub fn from_record(connection_type: Option<&str>, mobile_network: bool) -> NetworkKind {
        if mobile_network {
            return NetworkKind::MobileCarrier;
        }
        match connection_type.map(str::to_ascii_lowercase).as_deref() {
            Some("cellular") => NetworkKind::MobileCarrier,
            Some("cable/dsl" | "dialup") => NetworkKind::Residential,
            Some("corporate") => NetworkKind::Corporate,
            Some("satellite") => NetworkKind::Satellite,
            _ => NetworkKind::Unknown,
        }
    }
}

/// What the server could say about the client's network.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "lookup", rename_all = "snake_case", deny_unknown_fields)]
pub enum NetworkSeen {
    /// The server has no IP-to-ASN database (`--asn-db`).
    NotConfigured,
    /// The database has no record for the address (a private or new range).
    NotFound,
    Found {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        asn: Option<u32>,
        /// The operator's name as the database writes it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        operator: Option<String>,
        /// The country the address is in (ISO 3166-1 alpha-2, "CH"), where
        /// the server's source says: a country database, or the platform.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        country: Option<String>,
        kind: NetworkKind,
    },
}

/// A country code as a result may carry it: two capital letters.
pub fn is_country_code(code: &str) -> bool {
    code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase())
}

/// Longest operator name a result may carry.
pub const MAX_OPERATOR_CHARS: usize = 200;

impl NetworkSeen {
    pub fn kind(&self) -> NetworkKind {
        match self {
            NetworkSeen::Found { kind, .. } => *kind,
            _ => NetworkKind::Unknown,
        }
    }

    pub fn is_mobile_carrier(&self) -> bool {
        self.kind() == NetworkKind::MobileCarrier
    }

    /// "AS3320 Deutsche Telekom AG", or what of it is known.
    pub fn operator_line(&self) -> Option<String> {
        let NetworkSeen::Found { asn, operator, .. } = self else {
            return None;
        };
        match (asn, operator) {
            (Some(asn), Some(name)) => Some(format!("AS{asn} {name}")),
            (Some(asn), None) => Some(format!("AS{asn}")),
            (None, Some(name)) => Some(name.clone()),
            (None, None) => None,
        }
    }

    /// Whether it can be shown as it is: a plain, short operator name and
    /// a country code.
    pub fn is_plain(&self) -> bool {
        match self {
            NetworkSeen::Found {
                operator, country, ..
            } => {
                operator.as_ref().is_none_or(|name| {
                    name.chars().count() <= MAX_OPERATOR_CHARS
                        && !name.chars().any(char::is_control)
                }) && country.as_deref().is_none_or(is_country_code)
            }
            _ => true,
        }
    }

    /// The country code, where known.
    pub fn country(&self) -> Option<&str> {
        match self {
            NetworkSeen::Found { country, .. } => country.as_deref(),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kind_comes_from_the_connection_type_or_a_mobile_network_code() {
        assert_eq!(
            NetworkKind::from_record(Some("Cellular"), false),
            NetworkKind::MobileCarrier
        );
        assert_eq!(
            NetworkKind::from_record(None, true),
            NetworkKind::MobileCarrier
        );
        assert_eq!(
            NetworkKind::from_record(Some("Cable/DSL"), false),
            NetworkKind::Residential
        );
        assert_eq!(
            NetworkKind::from_record(Some("Corporate"), false),
            NetworkKind::Corporate
        );
        assert_eq!(NetworkKind::from_record(None, false), NetworkKind::Unknown);
        assert_eq!(
            NetworkKind::from_record(Some("something new"), false),
            NetworkKind::Unknown
        );
    }

    #[test]
    fn the_operator_line_names_what_is_known() {
        let found = |asn, operator: Option<&str>| NetworkSeen::Found {
            asn,
            operator: operator.map(str::to_owned),
            country: None,
            kind: NetworkKind::Unknown,
        };
        assert_eq!(
            found(Some(3320), Some("Deutsche Telekom AG")).operator_line(),
            Some("AS3320 Deutsche Telekom AG".into())
        );
        assert_eq!(found(Some(1), None).operator_line(), Some("AS1".into()));
        assert_eq!(NetworkSeen::NotConfigured.operator_line(), None);
        assert!(!found(None, Some("a\nb")).is_plain());
        assert!(!found(None, Some(&"x".repeat(MAX_OPERATOR_CHARS + 1))).is_plain());
        let in_country = |code: &str| NetworkSeen::Found {
            asn: None,
            operator: None,
            country: Some(code.into()),
            kind: NetworkKind::Unknown,
        };
        assert!(in_country("CH").is_plain());
        assert_eq!(in_country("CH").country(), Some("CH"));
        for bad in ["ch", "CHE", "C", "<b", "Ä1"] {
            assert!(!in_country(bad).is_plain(), "{bad}");
        }
    }

    #[test]
    fn it_reads_back_what_it_writes() {
        let seen = NetworkSeen::Found {
            asn: Some(64500),
            operator: Some("Example Mobile".into()),
            country: Some("DE".into()),
            kind: NetworkKind::MobileCarrier,
        };
        let json = serde_json::to_string(&seen).unwrap();
        assert_eq!(
            json,
            r#"{"lookup":"found","asn":64500,"operator":"Example Mobile","country":"DE","kind":"mobile_carrier"}"#
        );
        assert_eq!(serde_json::from_str::<NetworkSeen>(&json).unwrap(), seen);
        assert_eq!(
            serde_json::to_string(&NetworkSeen::NotConfigured).unwrap(),
            r#"{"lookup":"not_configured"}"#
        );
    }
}
