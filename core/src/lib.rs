//! Doorway's pure logic, shared by the frontend (wasm) and the worker (native):
//! device profiles, port lists, what a browser can test, the result schema and
//! the verdicts. No I/O here, so all of it is unit-tested in isolation.

pub mod advice;
pub mod answer;
pub mod api;
pub mod browser;
pub mod budget;
pub mod embed;
pub mod fragment;
pub mod html;
#[cfg(feature = "i18n")]
pub mod i18n;
pub mod ice;
pub mod inbound;
pub mod nat;
pub mod network;
pub mod node;
pub mod plan;
pub mod ports;
pub mod profile;
pub mod quality;
pub mod report;
pub mod result;
pub mod verdict;
pub mod vouch;

pub use plan::{CheckPlan, ServedPorts};
pub use ports::{PortList, PortListError, PortRange};
pub use profile::{Direction, Profile, Protocol, Requirement};
pub use result::{CheckResult, ProbeOutcome, RESULT_SCHEMA};
pub use verdict::{Overall, Verdict};
