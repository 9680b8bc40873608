//! Shared results: `POST /api/results` keeps a finished check and answers
//! with its id, `GET /api/results/{id}` gives it back. Written once for
//! both servers; what differs between them is behind two traits: where the
//! results live ([`ResultStore`]: SQLite natively, D1 on the edge) and the
//! server's own part ([`Sharing`]: its clock, its limits, its checkers).

use std::future::Future;
use std::net::IpAddr;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use base64::Engine;
use doorway_core::api::{ShareResponse, SharedResult};
use doorway_core::network::NetworkSeen;
use doorway_core::vouch::vouch;
use doorway_core::{CheckResult, Profile};

use crate::limit::RateLimit;
use crate::request::{declared_length, from_own_page, read_limited};
use crate::ApiError;

/// A result is a few kilobytes; this leaves room for large profiles.
pub const MAX_RESULT_BYTES: usize = 256 * 1024;

/// 12 random bytes make an id: 16 URL-safe characters, 96 bits nobody can
/// guess.
pub const ID_BYTES: usize = 12;

/// The id `random` bytes spell, for a store to use.
pub fn id_from(random: [u8; ID_BYTES]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random)
}

/// Whether `id` could be one of ours: checked before any store is asked.
pub fn is_valid_id(id: &str) -> bool {
    id.len() == 16
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The table both stores keep (SQLite natively, D1 on the edge), created
/// where it is missing: the one schema there is.
pub const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS results (
    id TEXT PRIMARY KEY,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    json TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS results_expiry ON results (expires_at);";

/// A stored result: the JSON as it was accepted, and its times (Unix
/// seconds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub json: String,
    pub created_at: u64,
    pub expires_at: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreFailure {
    /// Nothing is evicted to make room: links given out stay valid.
    #[error("the result store is full ({results} results, {bytes} bytes)")]
    Full { results: u64, bytes: u64 },
    #[error("the result store failed: {0}")]
    Failed(String),
}

/// Where shared results live. Both servers' stores keep the same table
/// (`results`: id, created_at, expires_at, json).
pub trait ResultStore: Send + Sync {
    /// How long a result is kept.
    fn ttl_secs(&self) -> u64;
    /// Keeps `json` from `now` on; its new id and times.
    fn insert(
        &self,
        json: String,
        now: u64,
    ) -> impl Future<Output = Result<(String, Stored), StoreFailure>> + Send;
    /// The result, unless it does not exist or has expired by `now`.
    fn get(
        &self,
        id: String,
        now: u64,
    ) -> impl Future<Output = Result<Option<Stored>, StoreFailure>> + Send;
}

/// Who sends a request, as the server sees them: each server's middleware
/// puts it on the request (the peer's address natively; `CF-Connecting-IP`
/// and `request.cf` on the edge).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Client {
    pub address: IpAddr,
    pub network: NetworkSeen,
}

/// On a share's answer: its verdict, for the server's own counting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SharedVerdict(pub &'static str);

/// A server's own part in sharing.
pub trait Sharing: Send + Sync + 'static {
    type Store: ResultStore;
    /// `None` where the server keeps no results (the page then puts the
    /// result in the link).
    fn results(&self) -> Option<&Self::Store>;
    /// The profiles whose words a shared result may carry.
    fn profiles(&self) -> &[Profile];
    /// Checkers served from elsewhere whose pages may share here.
    fn app_origins(&self) -> &[String];
    /// How often one client may share, counted in this process.
    fn share_limit(&self) -> &RateLimit;
    /// Whether `client` may share now, else after how many seconds: by
    /// default [`Sharing::share_limit`]; a server whose platform counts
    /// across processes (the edge's isolates) asks it instead.
    fn admit_share(
        &self,
        client: IpAddr,
        now: u64,
    ) -> impl Future<Output = Result<(), u64>> + Send {
        std::future::ready(self.share_limit().check(client, now))
    }
    /// Unix seconds.
    fn now(&self) -> u64;
    /// Reads a share's body; a server with a clock bounds its time too.
    fn read_body(&self, body: Body) -> impl Future<Output = Result<Bytes, ApiError>> + Send {
        read_limited(body, MAX_RESULT_BYTES)
    }
}

/// The two routes, for a server `S` to merge into its router.
pub fn routes<S: Sharing>() -> Router<Arc<S>> {
    Router::new()
        .route("/api/results", post(share::<S>))
        .route("/api/results/{id}", get(shared::<S>))
}

/// Keeps a finished result and answers with its id. The public addresses
/// are removed unless the person asked to include them (`?include_ip=1`).
async fn share<S: Sharing>(
    State(server): State<Arc<S>>,
    Extension(client): Extension<Client>,
    RawQuery(query): RawQuery,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let now = server.now();
    let store = server.results().ok_or(ApiError::NoStore)?;
    from_own_page(&uri, &headers, server.app_origins())?;
    if declared_length(&headers).is_some_and(|length| length > MAX_RESULT_BYTES as u64) {
        // Said up front: answered before a byte of the body is read.
        return Err(ApiError::TooLarge {
            max: MAX_RESULT_BYTES,
        });
    }
    server
        .admit_share(client.address, now)
        .await
        .map_err(|retry_after| ApiError::TooManyRequests { retry_after })?;
    let body = server.read_body(body).await?;
    let text = std::str::from_utf8(&body)
        .map_err(|_| ApiError::BadResult("the body is not UTF-8 text".into()))?;
    let result = CheckResult::from_json(text).map_err(|e| ApiError::BadResult(e.to_string()))?;
    // A link on our domain shows it: only our words, verdicts derived here.
    let mut result =
        vouch(result, server.profiles()).map_err(|e| ApiError::BadResult(e.to_string()))?;
    // The network as this server sees the sharer, whatever the page said.
    result.client.network = Some(client.network);
    let result = if crate::query::flag(query.as_deref(), "include_ip") {
        result
    } else {
        result.without_addresses()
    };
    let json = serde_json::to_string(&result).map_err(|_| ApiError::Store)?;
    let verdict = result.verdict.overall.as_str();
    let (id, stored) = store.insert(json, now).await.map_err(|error| match error {
        StoreFailure::Full { .. } => {
            tracing::warn!(%error, "a result was refused");
            ApiError::StoreFull
        }
        StoreFailure::Failed(_) => {
            tracing::error!(%error, "storing a result");
            ApiError::Store
        }
    })?;
    let path = format!("/r/{id}");
    let body = ShareResponse {
        id,
        path: path.clone(),
        expires_at: stored.expires_at,
    };
    let mut response =
        (StatusCode::CREATED, [(header::LOCATION, path)], Json(body)).into_response();
    response.extensions_mut().insert(SharedVerdict(verdict));
    Ok(response)
}

async fn shared<S: Sharing>(
    State(server): State<Arc<S>>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let store = server.results().ok_or(ApiError::NoStore)?;
    let days = store.ttl_secs() / 86_400;
    if !is_valid_id(&id) {
        return Err(ApiError::NoSuchResult { days });
    }
    let stored = store
        .get(id.clone(), server.now())
        .await
        .map_err(|error| {
            tracing::error!(%error, "reading a result");
            ApiError::Store
        })?
        .ok_or(ApiError::NoSuchResult { days })?;
    let result = CheckResult::from_json(&stored.json).map_err(|error| {
        tracing::error!(%error, %id, "a stored result no longer parses");
        ApiError::Store
    })?;
    Ok(Json(SharedResult {
        id,
        created_at: stored.created_at,
        expires_at: stored.expires_at,
        result,
    })
    .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_checked_before_the_store_is_asked() {
        assert!(is_valid_id(&id_from([7; ID_BYTES])));
        assert!(is_valid_id("abcdEFGH1234-_xy"));
        for bad in [
            "",
            "short",
            "abcdEFGH1234-_x/",
            "abcdEFGH1234-_xyz",
            "' OR 1=1 --aaaaa",
        ] {
            assert!(!is_valid_id(bad), "{bad}");
        }
    }
}
