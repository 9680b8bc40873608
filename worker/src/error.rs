//! API errors: every failure is an HTTP status plus a JSON body that says what
//! was wrong and what to do.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use doorway_core::api::{ErrorBody, ErrorResponse};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error(
        "there is no API route {method} {path}; the API has GET /api/config, GET /api/echo and GET /api/turn"
    )]
    NoSuchRoute { method: String, path: String },
    #[error("{method} is not allowed on {path}")]
    MethodNotAllowed { method: String, path: String },
    #[error(
        "this is a Doorway probe port: it answers GET /probe, GET /api/echo and WebSocket /ws only, not {path}"
    )]
    ProbePortOnly { path: String },
    #[error(
        "this Doorway server has no TURN relay (coturn is not running), so relays cannot be tested"
    )]
    TurnUnavailable,
    #[error("the app is not built: run `cargo xtask serve`, or start the worker with --dist pointing at a built app")]
    AppNotBuilt,
}

impl ApiError {
    fn status(&self) -> StatusCode {
        match self {
            ApiError::NoSuchRoute { .. } | ApiError::ProbePortOnly { .. } => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::AppNotBuilt | ApiError::TurnUnavailable => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            ApiError::NoSuchRoute { .. } | ApiError::ProbePortOnly { .. } => "not_found",
            ApiError::MethodNotAllowed { .. } => "method_not_allowed",
            ApiError::AppNotBuilt => "app_not_built",
            ApiError::TurnUnavailable => "turn_unavailable",
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let body = ErrorResponse {
            error: ErrorBody {
                status: status.as_u16(),
                code: self.code().into(),
                message: self.to_string(),
            },
        };
        (status, Json(body)).into_response()
    }
}
