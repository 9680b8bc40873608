//! The first bytes a client sends to any TCP port: sniffed as TLS or HTTP,
//! and TLS bytes fed to the worker's own rustls configuration (sans-IO).
#![no_main]

use std::sync::{Arc, OnceLock};

use doorway_worker::sniff::{sniff, Sniffed};
use doorway_worker::tls::Tls;
use libfuzzer_sys::fuzz_target;

fn config() -> Arc<rustls::ServerConfig> {
    static CONFIG: OnceLock<Arc<rustls::ServerConfig>> = OnceLock::new();
    CONFIG
        .get_or_init(|| {
            Tls::self_signed(vec!["localhost".into()])
                .expect("a self-signed certificate")
                .config
        })
        .clone()
}

fuzz_target!(|bytes: &[u8]| {
    let Some(&first) = bytes.first() else { return };
    if sniff(first) != Sniffed::Tls {
        return;
    }
    let Ok(mut connection) = rustls::ServerConnection::new(config()) else {
        return;
    };
    let mut reader = bytes;
    while !reader.is_empty() {
        match connection.read_tls(&mut reader) {
            Ok(0) | Err(_) => break,
            Ok(_) => {
                if connection.process_new_packets().is_err() {
                    break;
                }
            }
        }
    }
    let mut sink = Vec::new();
    let _ = connection.write_tls(&mut sink);
});
