//! The parts every end-to-end test and benchmark needs: the worker as a real
//! process, headless Chromium through chromedriver, and network namespaces
//! with nftables rules. Everything is cleaned up on drop, processes by the PID
//! recorded at spawn, namespaces by the name this process gave them.

/// The worker's test IP-to-ASN databases, written the same way here.
#[path = "../../worker/tests/common/asn_db.rs"]
pub mod asn_db;
pub mod attack;
pub mod browser;
pub mod edge;
pub mod http;
pub mod lab;
pub mod load;
pub mod portal;
pub mod reading;
pub mod site;
pub mod wire;
pub mod worker;

use std::path::PathBuf;

use anyhow::{Context, Result};

/// Paths handed over by `cargo xtask test` / `bench`.
pub fn env_path(name: &str) -> Result<PathBuf> {
    std::env::var_os(name).map(PathBuf::from).with_context(|| {
        format!("{name} is not set: run the end-to-end tests with `cargo xtask test`")
    })
}
