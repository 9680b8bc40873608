//! A small IP-to-ASN database (MaxMind DB format) for tests, written with
//! `maxminddb-writer`. The e2e crate includes this file too, so both write
//! their databases the same way.

use std::path::Path;

/// Writes `records` (an IPv4 network such as "198.18.0.0/24", and its
/// fields, e.g. `{"autonomous_system_number": 64500,
/// "autonomous_system_organization": "Example Net"}`) to `path`.
pub fn write_asn_db(path: &Path, records: &[(&str, serde_json::Value)]) -> std::io::Result<()> {
    use maxminddb_writer::paths::IpAddrWithMask;
    let invalid = |error: String| std::io::Error::new(std::io::ErrorKind::InvalidInput, error);
    let mut db = maxminddb_writer::Database::default();
    // The writer's defaults leave the format version at 0; readers want 2.0.
    db.metadata.binary_format_major_version = 2;
    db.metadata.database_type = "Doorway-Test-ASN".into();
    for (network, fields) in records {
        let data = db
            .insert_value(fields)
            .map_err(|e| invalid(e.to_string()))?;
        let network = network
            .parse::<IpAddrWithMask>()
            .map_err(|_| invalid(format!("{network} is not a network")))?;
        db.insert_node(network, data);
    }
    db.write_to(std::fs::File::create(path)?)
        .map_err(|e| invalid(e.to_string()))?;
    Ok(())
}
