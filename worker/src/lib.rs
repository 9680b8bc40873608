//! Doorway's worker: serves the app and its API, and answers the browser's
//! probes on every port the profiles need.

pub use doorway_api::{error, limit, query, security};

pub mod acme;
pub mod admission;
pub mod app_files;
pub mod assets;
pub mod bandwidth;
pub mod firewall;
pub mod install;
pub mod knock;
pub mod metrics;
pub mod networks;
pub mod ports;
pub mod routes;
pub mod rtc;
pub mod server;
pub mod shell;
pub mod sniff;
pub mod store;
pub mod stun;
pub mod tls;
pub mod turn;
