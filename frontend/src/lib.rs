//! Doorway's page, compiled to WebAssembly. It probes from the user's network
//! with what a browser has; all decisions come from doorway-core.

pub mod app;
pub mod bandwidth;
pub mod embed;
pub mod i18n;
pub mod json;
pub mod nodes;
pub mod probe;
pub mod query;
pub mod share;
pub mod shared;
pub mod state;
pub mod stream;
pub mod vendors;
pub mod view;
pub mod webrtc;
