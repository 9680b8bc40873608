//! The bandwidth test's endpoints (`GET` and `POST /api/bandwidth`), bounded
//! so nobody can use the worker as a free source or sink of traffic: one
//! transfer is at most [`MAX_TRANSFER_BYTES`], each client group (an IPv4
//! address, an IPv6 /64) gets [`BYTES_PER_MINUTE`], and an upload must
//! arrive within [`UPLOAD_TIMEOUT`]. The page times the transfers itself
//! (`core::quality::BandwidthPlan`); the server only sends and counts bytes.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use doorway_core::api::UploadResponse;
use http_body::Frame;
use http_body_util::BodyExt;

use crate::error::ApiError;
use crate::limit::RateLimit;
use crate::routes::AppState;
use crate::server::ConnectionInfo;

/// The largest transfer: above the plan's largest step (6.4 MB).
pub const MAX_TRANSFER_BYTES: u64 = 8_000_000;
/// Bytes one client group may move per minute, both ways together: a whole
/// check's plan down and up, twice over.
pub const BYTES_PER_MINUTE: u64 = 64_000_000;
/// An upload that takes longer than this is cut off (the plan stops at
/// transfers of about a second).
pub const UPLOAD_TIMEOUT: Duration = Duration::from_secs(30);
/// The block a download repeats: random, so no compression on the way
/// (a proxy's, a VPN's) makes the path look faster than it is.
const BLOCK_BYTES: usize = 64 * 1024;

/// What the endpoints keep between requests.
pub struct Bandwidth {
    budget: RateLimit,
    block: Bytes,
}

impl Default for Bandwidth {
    fn default() -> Self {
        Bandwidth::new()
    }
}

impl Bandwidth {
    pub fn new() -> Bandwidth {
        let mut block = vec![0u8; BLOCK_BYTES];
        // Without randomness the block stays zeros: still the right size.
        let _ = ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut block);
        Bandwidth {
            budget: RateLimit::new(BYTES_PER_MINUTE, 60),
            block: Bytes::from(block),
        }
    }

    fn charge(&self, connection: &ConnectionInfo, bytes: u64) -> Result<(), ApiError> {
        self.budget
            .check_amount(connection.peer.ip(), crate::routes::unix_now(), bytes)
            .map_err(|retry_after| ApiError::BandwidthBudget { retry_after })
    }
}

/// `bytes` bytes of the block, repeated, sent as the client reads them: a
/// download costs no memory beyond the shared block, and stops when the
/// client goes away.
struct Repeated {
    block: Bytes,
    remaining: u64,
}

impl http_body::Body for Repeated {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        if self.remaining == 0 {
            return Poll::Ready(None);
        }
        let take = self.remaining.min(self.block.len() as u64) as usize;
        self.remaining -= take as u64;
        Poll::Ready(Some(Ok(Frame::data(self.block.slice(..take)))))
    }

    fn is_end_stream(&self) -> bool {
        self.remaining == 0
    }

    fn size_hint(&self) -> http_body::SizeHint {
        http_body::SizeHint::with_exact(self.remaining)
    }
}

/// `GET /api/bandwidth?bytes=N`: N random bytes, never cached or compressed.
pub async fn download(
    State(state): State<Arc<AppState>>,
    Extension(connection): Extension<ConnectionInfo>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let bytes = crate::query::param(query.as_deref(), "bytes")
        .and_then(|n| n.parse::<u64>().ok())
        .filter(|n| (1..=MAX_TRANSFER_BYTES).contains(n))
        .ok_or(ApiError::BadTransferSize {
            max: MAX_TRANSFER_BYTES,
        })?;
    state.bandwidth.charge(&connection, bytes)?;
    let body = Repeated {
        block: state.bandwidth.block.clone(),
        remaining: bytes,
    };
    Ok((
        [
            (header::CONTENT_TYPE, "application/octet-stream"),
            (header::CACHE_CONTROL, "no-store, no-transform"),
        ],
        Body::new(body),
    )
        .into_response())
}

/// `POST /api/bandwidth`: reads and counts the body, keeps nothing, and
/// answers how many bytes arrived.
pub async fn upload(
    State(state): State<Arc<AppState>>,
    Extension(connection): Extension<ConnectionInfo>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<UploadResponse>, ApiError> {
    let declared = doorway_api::request::declared_length(&headers);
    if declared.is_some_and(|n| n > MAX_TRANSFER_BYTES) {
        // Said up front: refused before a byte is read.
        return Err(ApiError::TransferTooLarge {
            max: MAX_TRANSFER_BYTES,
        });
    }
    // A body of unknown length is charged as the largest there may be.
    state
        .bandwidth
        .charge(&connection, declared.unwrap_or(MAX_TRANSFER_BYTES))?;
    let count = async {
        let mut body = body;
        let mut received: u64 = 0;
        while let Some(frame) = body.frame().await {
            let Ok(frame) = frame else {
                break;
            };
            if let Some(data) = frame.data_ref() {
                received += data.len() as u64;
                if received > MAX_TRANSFER_BYTES {
                    return Err(ApiError::TransferTooLarge {
                        max: MAX_TRANSFER_BYTES,
                    });
                }
            }
        }
        Ok(received)
    };
    let received = tokio::time::timeout(UPLOAD_TIMEOUT, count)
        .await
        .map_err(|_| ApiError::UploadTimeout {
            seconds: UPLOAD_TIMEOUT.as_secs(),
        })??;
    Ok(Json(UploadResponse { bytes: received }))
}
