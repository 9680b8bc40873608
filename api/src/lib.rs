//! The HTTP API that both of Doorway's servers answer: the native worker
//! (tokio, SQLite) and the edge (a Workers isolate, D1). One router for
//! shared results, written once over [`results::ResultStore`] and
//! [`results::Sharing`]; the error every route answers with; the limits.
//! No tokio and no clock here: each server brings its own.

pub mod error;
pub mod limit;
pub mod qr;
pub mod query;
pub mod request;
pub mod results;
pub mod security;
pub mod shell;

pub use error::ApiError;
