//! Which network an address belongs to, from the IP-to-ASN databases the
//! operator configures (`--asn-db`, MaxMind DB files: GeoLite2 ASN, DB-IP
//! ASN Lite, for the kind of network GeoIP2 Connection-Type or ISP, for the
//! country GeoLite2 Country or DB-IP Country Lite).
//! Several files are merged field by field, the first that knows wins.

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use doorway_core::network::{is_country_code, NetworkKind, NetworkSeen, MAX_OPERATOR_CHARS};
use maxminddb::Reader;
use serde::Deserialize;

/// The fields Doorway reads; every database has some of them.
#[derive(Debug, Default, Deserialize)]
struct Record {
    /// GeoLite2 ASN, DB-IP ASN, GeoIP2 ISP.
    autonomous_system_number: Option<AsNumber>,
    autonomous_system_organization: Option<String>,
    /// GeoIP2 ISP: the provider's name, where it differs from the AS owner.
    isp: Option<String>,
    /// GeoIP2 Connection-Type (and Enterprise): "Cellular", "Cable/DSL"…
    connection_type: Option<String>,
    /// GeoIP2 ISP: present for mobile carriers only.
    mobile_network_code: Option<String>,
    /// GeoLite2 Country and City, DB-IP Country Lite: where the address is.
    country: Option<CountryRecord>,
}

#[derive(Debug, Default, Deserialize)]
struct CountryRecord {
    iso_code: Option<String>,
}

/// An AS number stored as any unsigned integer type: MaxMind writes
/// uint32, other writers pick another width, and the reader matches types
/// strictly.
#[derive(Debug, Clone, Copy)]
struct AsNumber(u32);

impl<'de> Deserialize<'de> for AsNumber {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = AsNumber;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an AS number")
            }
            fn visit_u64<E: serde::de::Error>(self, value: u64) -> Result<AsNumber, E> {
                u32::try_from(value)
                    .map(AsNumber)
                    .map_err(|_| E::custom("an AS number above 2^32"))
            }
            fn visit_u128<E: serde::de::Error>(self, value: u128) -> Result<AsNumber, E> {
                self.visit_u64(u64::try_from(value).map_err(|_| E::custom("too large"))?)
            }
            fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<AsNumber, E> {
                self.visit_u64(u64::try_from(value).map_err(|_| E::custom("negative"))?)
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

#[derive(Debug, thiserror::Error)]
#[error("the network database {path} cannot be read: {source}")]
pub struct NetworksError {
    path: PathBuf,
    source: maxminddb::MaxMindDbError,
}

/// The configured databases, held in memory (a few MB each).
pub struct Networks {
    readers: Vec<Reader<Vec<u8>>>,
}

impl Networks {
    /// Opens each file; a file that is not a MaxMind DB is an error now,
    /// not a wrong answer later.
    pub fn open(paths: &[impl AsRef<Path>]) -> Result<Networks, NetworksError> {
        let readers = paths
            .iter()
            .map(|path| {
                let path = path.as_ref();
                Reader::open_readfile(path).map_err(|source| NetworksError {
                    path: path.to_owned(),
                    source,
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Networks { readers })
    }

    /// What the databases say about `address`.
    pub fn lookup(&self, address: IpAddr) -> NetworkSeen {
        if self.readers.is_empty() {
            return NetworkSeen::NotConfigured;
        }
        let address = address.to_canonical();
        let mut merged = Record::default();
        let mut found = false;
        for reader in &self.readers {
            // A record that does not decode reads as no record: one odd
            // entry must not cost the check its answer.
            let record = reader
                .lookup(address)
                .ok()
                .and_then(|result| result.decode::<Record>().ok().flatten());
            let Some(record) = record else { continue };
            found = true;
            merged.autonomous_system_number = merged
                .autonomous_system_number
                .or(record.autonomous_system_number);
            merged.autonomous_system_organization = merged
                .autonomous_system_organization
                .or(record.autonomous_system_organization);
            merged.isp = merged.isp.or(record.isp);
            merged.connection_type = merged.connection_type.or(record.connection_type);
            merged.mobile_network_code = merged.mobile_network_code.or(record.mobile_network_code);
            merged.country = merged
                .country
                .or(record.country.filter(|c| c.iso_code.is_some()));
        }
        if !found {
            return NetworkSeen::NotFound;
        }
        NetworkSeen::Found {
            asn: merged.autonomous_system_number.map(|n| n.0),
            operator: merged
                .isp
                .or(merged.autonomous_system_organization)
                .map(|name| plain(&name)),
            country: merged
                .country
                .and_then(|country| country.iso_code)
                .map(|code| code.to_ascii_uppercase())
                .filter(|code| is_country_code(code)),
            kind: NetworkKind::from_record(
                merged.connection_type.as_deref(),
                merged.mobile_network_code.is_some(),
            ),
        }
    }
}

/// The name as one short line: a result carries nothing else.
fn plain(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(MAX_OPERATOR_CHARS)
        .collect::<String>()
        .trim()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_a_database_nothing_is_configured() {
        let networks = Networks::open(&[] as &[&Path]).unwrap();
        assert_eq!(
            networks.lookup("198.18.0.1".parse().unwrap()),
            NetworkSeen::NotConfigured
        );
    }

    #[test]
    fn a_file_that_is_no_database_is_refused_with_its_name() {
        let dir = std::env::temp_dir().join(format!("doorway-asn-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("not-a.mmdb");
        std::fs::write(&path, b"this is not a MaxMind DB").unwrap();
        let error = Networks::open(&[&path]).err().unwrap().to_string();
        assert!(error.contains("not-a.mmdb"), "{error}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn names_become_one_short_line() {
        assert_eq!(plain("Example\nNet\t"), "Example Net");
        assert_eq!(plain(&"x".repeat(500)).len(), MAX_OPERATOR_CHARS);
    }
}
