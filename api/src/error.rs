//! API errors: every failure is an HTTP status plus a JSON body that says what
//! was wrong and what to do.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use doorway_core::api::{ErrorBody, ErrorResponse};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error(
        "there is no API route {method} {path}; the API has GET /api/config, GET /api/echo, \
         GET /api/turn, GET /api/qr.svg, GET|POST /api/bandwidth, POST /api/stream, POST /api/knock, \
         POST /api/results and GET /api/results/<id>"
    )]
    NoSuchRoute { method: String, path: String },
    #[error("{method} is not allowed on {path}")]
    MethodNotAllowed { method: String, path: String },
    #[error(
        "this is a Doorway probe port: it answers GET /probe, GET /api/echo and WebSocket /ws only, not {path}"
    )]
    ProbePortOnly { path: String },
    #[error(
        "the probe nonce (n=…) must be 1 to {max} characters of A-Z, a-z, 0-9, - and _",
        max = doorway_core::api::MAX_NONCE
    )]
    BadNonce,
    #[error("not a check from outside: {0}")]
    BadKnock(String),
    #[error("the server does not check from outside here: {0}")]
    NotKnockable(String),
    #[error("too many checks from outside for this address; try again in {retry_after} seconds")]
    TooManyKnocks { retry_after: u64 },
    #[error("a check from outside on port {port} is already running for this address")]
    KnockInFlight { port: u16 },
    #[error("this Doorway server does not check ports from outside (started with --no-inbound)")]
    InboundOff,
    #[error("the result is larger than {max} bytes; a Doorway result is a few kilobytes")]
    TooLarge { max: usize },
    #[error("the result did not arrive within {seconds} seconds; please try again")]
    BodyTimeout { seconds: u64 },
    #[error("the body is not a Doorway result: {0}")]
    BadResult(String),
    #[error("results are sent as Content-Type: application/json, not {0}")]
    NotJson(String),
    #[error("results are shared from this server's own page only, not from {0}")]
    ForeignOrigin(String),
    #[error(
        "there is no shared result with this id; it may have expired (results are kept for {days} days)"
    )]
    NoSuchResult { days: u64 },
    #[error("too many results shared from this address; try again in {retry_after} seconds")]
    TooManyRequests { retry_after: u64 },
    #[error("the result store failed; the result was not saved, please try again")]
    Store,
    #[error("this server's result store is full; the page puts the result in the link instead")]
    StoreFull,
    #[error("this server keeps no results (started with --no-store); the page puts the result in the link instead")]
    NoStore,
    #[error(
        "this Doorway server has no TURN relay (coturn is not running), so relays cannot be tested"
    )]
    TurnUnavailable,
    #[error("no QR code for this: {0}")]
    BadQr(String),
    #[error("the app is not built: run `cargo xtask serve`, or start the worker with --dist pointing at a built app")]
    AppNotBuilt,
    /// The server's own settings are wrong (the edge reads them per request).
    #[error("this Doorway server is misconfigured ({0}); its operator has to fix that")]
    Misconfigured(String),
    #[error("a bandwidth transfer is 1 to {max} bytes; ask with ?bytes=N")]
    BadTransferSize { max: u64 },
    #[error("a bandwidth transfer is at most {max} bytes")]
    TransferTooLarge { max: u64 },
    #[error("this address has used its bandwidth-test budget; try again in {retry_after} seconds")]
    BandwidthBudget { retry_after: u64 },
    #[error("the upload did not finish within {seconds} seconds")]
    UploadTimeout { seconds: u64 },
    #[error("the configuration comes in en, de or it (?lang=), not {0:?}")]
    UnknownLanguage(String),
    #[error("not a quality-check offer: {0}")]
    BadStreamOffer(String),
    #[error("too many quality checks at once: {0}; try again in a few seconds")]
    StreamsBusy(String),
}

impl ApiError {
    fn status(&self) -> StatusCode {
        match self {
            ApiError::NoSuchRoute { .. }
            | ApiError::ProbePortOnly { .. }
            | ApiError::NoSuchResult { .. } => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::TooLarge { .. } | ApiError::TransferTooLarge { .. } => {
                StatusCode::PAYLOAD_TOO_LARGE
            }
            ApiError::BodyTimeout { .. } | ApiError::UploadTimeout { .. } => {
                StatusCode::REQUEST_TIMEOUT
            }
            ApiError::BadResult(_)
            | ApiError::BadQr(_)
            | ApiError::BadNonce
            | ApiError::BadKnock(_)
            | ApiError::BadTransferSize { .. }
            | ApiError::BadStreamOffer(_)
            | ApiError::UnknownLanguage(_) => StatusCode::BAD_REQUEST,
            ApiError::NotKnockable(_) => StatusCode::FORBIDDEN,
            ApiError::TooManyKnocks { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::KnockInFlight { .. } => StatusCode::CONFLICT,
            ApiError::NotJson(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::ForeignOrigin(_) => StatusCode::FORBIDDEN,
            ApiError::TooManyRequests { .. }
            | ApiError::BandwidthBudget { .. }
            | ApiError::StreamsBusy(_) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Store => StatusCode::INTERNAL_SERVER_ERROR,
            ApiError::StoreFull => StatusCode::INSUFFICIENT_STORAGE,
            ApiError::AppNotBuilt
            | ApiError::Misconfigured(_)
            | ApiError::TurnUnavailable
            | ApiError::NoStore
            | ApiError::InboundOff => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            ApiError::NoSuchRoute { .. } | ApiError::ProbePortOnly { .. } => "not_found",
            ApiError::NoSuchResult { .. } => "no_such_result",
            ApiError::MethodNotAllowed { .. } => "method_not_allowed",
            ApiError::TooLarge { .. } => "too_large",
            ApiError::BodyTimeout { .. } => "body_timeout",
            ApiError::BadResult(_) => "bad_result",
            ApiError::NotJson(_) => "not_json",
            ApiError::ForeignOrigin(_) => "foreign_origin",
            ApiError::BadQr(_) => "bad_qr",
            ApiError::BadNonce => "bad_nonce",
            ApiError::BadKnock(_) => "bad_knock",
            ApiError::NotKnockable(_) => "not_knockable",
            ApiError::TooManyKnocks { .. } => "too_many_knocks",
            ApiError::KnockInFlight { .. } => "knock_in_flight",
            ApiError::InboundOff => "inbound_off",
            ApiError::TooManyRequests { .. } => "too_many_requests",
            ApiError::Store => "store_failed",
            ApiError::NoStore => "no_store",
            ApiError::StoreFull => "store_full",
            ApiError::AppNotBuilt => "app_not_built",
            ApiError::Misconfigured(_) => "misconfigured",
            ApiError::TurnUnavailable => "turn_unavailable",
            ApiError::BadTransferSize { .. } => "bad_transfer_size",
            ApiError::TransferTooLarge { .. } => "transfer_too_large",
            ApiError::BandwidthBudget { .. } => "bandwidth_budget",
            ApiError::UploadTimeout { .. } => "upload_timeout",
            ApiError::BadStreamOffer(_) => "bad_stream_offer",
            ApiError::UnknownLanguage(_) => "unknown_language",
            ApiError::StreamsBusy(_) => "streams_busy",
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let retry_after = match self {
            ApiError::TooManyRequests { retry_after } => Some(retry_after),
            ApiError::TooManyKnocks { retry_after } => Some(retry_after),
            ApiError::BandwidthBudget { retry_after } => Some(retry_after),
            ApiError::StreamsBusy(_) => Some(5),
            _ => None,
        };
        let body = ErrorResponse {
            error: ErrorBody {
                status: status.as_u16(),
                code: self.code().into(),
                message: self.to_string(),
            },
        };
        let mut response = (status, Json(body)).into_response();
        if let Some(seconds) = retry_after {
            if let Ok(value) = seconds.to_string().parse() {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
        }
        response
    }
}

/// The answer to an address under `/api` that no route takes.
pub async fn no_such_route(method: axum::http::Method, uri: axum::http::Uri) -> ApiError {
    ApiError::NoSuchRoute {
        method: method.to_string(),
        path: uri.path().into(),
    }
}

/// The answer to a route asked with a method it does not take.
pub async fn method_not_allowed(request: axum::extract::Request) -> ApiError {
    ApiError::MethodNotAllowed {
        method: request.method().to_string(),
        path: request.uri().path().into(),
    }
}
