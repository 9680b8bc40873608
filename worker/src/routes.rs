//! The HTTP routes: the app and its API on the app port, and the small probe
//! surface on every probe port.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::ws::{Message, WebSocketUpgrade};
use axum::extract::{DefaultBodyLimit, Path, RawQuery, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri, Version};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::{Extension, Json, Router};
use doorway_core::api::{ConfigResponse, EchoResponse, ProbeResponse, ShareResponse, SharedResult};
use doorway_core::CheckResult;
use tower_http::services::{ServeDir, ServeFile};

use crate::error::ApiError;
use crate::limit::RateLimit;
use crate::security::{security_headers, SecurityPolicy};
use crate::server::ConnectionInfo;
use crate::store::{is_valid_id, Store, StoreError};

/// What the routes need, built once at start-up.
pub struct AppState {
    pub config: ConfigResponse,
    /// The built frontend (Trunk's dist folder), if there is one.
    pub dist: Option<PathBuf>,
    /// Set when coturn runs: the shared secret and its ports.
    pub turn: Option<TurnService>,
    /// Shared results, and how often one address may share.
    pub store: Option<Store>,
    pub share_limit: RateLimit,
}

/// A result is a few kilobytes; this leaves room for large profiles.
pub const MAX_RESULT_BYTES: usize = 256 * 1024;

pub struct TurnService {
    pub secret: String,
    pub port: u16,
    pub tls_port: u16,
}

/// Headers worth echoing: they show proxies and the client, nothing private.
const ECHOED_HEADERS: &[&str] = &[
    "user-agent",
    "accept-language",
    "via",
    "forwarded",
    "x-forwarded-for",
    "x-forwarded-proto",
    "x-real-ip",
];

pub fn app_router(state: Arc<AppState>, policy: Arc<SecurityPolicy>) -> Router {
    let api = Router::new()
        .route("/api/config", get(config))
        .route("/api/echo", get(echo))
        .route("/api/turn", get(turn_credentials))
        .route(
            "/api/results",
            post(share_result).layer(DefaultBodyLimit::max(MAX_RESULT_BYTES)),
        )
        .route("/api/results/{id}", get(shared_result))
        .route("/api", any(no_such_route))
        .route("/api/{*rest}", any(no_such_route))
        .route("/probe", get(probe).options(probe_preflight))
        .route("/ws", get(websocket_echo));
    let app = match &state.dist {
        Some(dist) => api.fallback_service(
            ServeDir::new(dist).fallback(ServeFile::new(dist.join("index.html"))),
        ),
        None => api.fallback(|| async { ApiError::AppNotBuilt }),
    };
    app.method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(
            policy,
            security_headers,
        ))
        .with_state(state)
}

pub fn probe_router() -> Router {
    Router::new()
        .route("/probe", get(probe).options(probe_preflight))
        .route("/api/echo", get(echo))
        .route("/ws", get(websocket_echo))
        .fallback(|uri: Uri| async move {
            ApiError::ProbePortOnly {
                path: uri.path().into(),
            }
        })
        .method_not_allowed_fallback(method_not_allowed)
}

async fn config(State(state): State<Arc<AppState>>) -> Response {
    (
        [(header::CACHE_CONTROL, "no-store")],
        Json(state.config.clone()),
    )
        .into_response()
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

/// Stores a finished result and answers with its id. The public IP
/// addresses are removed unless the person asked to include them
/// (`?include_ip=1`).
async fn share_result(
    State(state): State<Arc<AppState>>,
    Extension(connection): Extension<ConnectionInfo>,
    RawQuery(query): RawQuery,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let now = unix_now();
    if state.store.is_none() {
        return Err(ApiError::NoStore);
    }
    state
        .share_limit
        .check(connection.peer.ip().to_canonical(), now)
        .map_err(|retry_after| ApiError::TooManyRequests { retry_after })?;
    let body = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::TooLarge {
                max: MAX_RESULT_BYTES,
            }
        } else {
            ApiError::BadResult(rejection.body_text())
        }
    })?;
    let text = std::str::from_utf8(&body)
        .map_err(|_| ApiError::BadResult("the body is not UTF-8 text".into()))?;
    let result = CheckResult::from_json(text).map_err(|e| ApiError::BadResult(e.to_string()))?;
    let include_ip = query
        .as_deref()
        .is_some_and(|q| q.split('&').any(|pair| pair == "include_ip=1"));
    let result = if include_ip {
        result
    } else {
        result.without_addresses()
    };
    let json = serde_json::to_string(&result).map_err(|_| ApiError::Store)?;
    let store_state = state.clone();
    let (id, stored) = tokio::task::spawn_blocking(move || match &store_state.store {
        Some(store) => store.insert(&json, now),
        None => Err(StoreError::Missing),
    })
    .await
    .map_err(|_| ApiError::Store)?
    .map_err(|error| {
        tracing::error!(%error, "storing a result");
        ApiError::Store
    })?;
    let path = format!("/r/{id}");
    let body = ShareResponse {
        id,
        path: path.clone(),
        expires_at: stored.expires_at,
    };
    Ok((StatusCode::CREATED, [(header::LOCATION, path)], Json(body)).into_response())
}

async fn shared_result(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let Some(store) = &state.store else {
        return Err(ApiError::NoStore);
    };
    let days = store.ttl_secs() / 86_400;
    if !is_valid_id(&id) {
        return Err(ApiError::NoSuchResult { days });
    }
    let lookup_state = state.clone();
    let lookup_id = id.clone();
    let stored = tokio::task::spawn_blocking(move || match &lookup_state.store {
        Some(store) => store.get(&lookup_id, unix_now()),
        None => Err(StoreError::Missing),
    })
    .await
    .map_err(|_| ApiError::Store)?
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

async fn turn_credentials(State(state): State<Arc<AppState>>) -> Response {
    let Some(turn) = &state.turn else {
        return ApiError::TurnUnavailable.into_response();
    };
    let now = unix_now();
    (
        [(header::CACHE_CONTROL, "no-store")],
        Json(crate::turn::issue(
            &turn.secret,
            turn.port,
            turn.tls_port,
            now,
        )),
    )
        .into_response()
}

async fn echo(
    Extension(connection): Extension<ConnectionInfo>,
    version: Version,
    headers: HeaderMap,
) -> Response {
    let headers: BTreeMap<String, String> = ECHOED_HEADERS
        .iter()
        .filter_map(|name| {
            let value = headers.get(*name)?.to_str().ok()?;
            Some((name.to_string(), value.to_owned()))
        })
        .collect();
    let body = EchoResponse {
        address: connection.peer.ip().to_canonical().to_string(),
        port: connection.peer.port(),
        server_port: connection.local_port,
        tls: connection.tls,
        http_version: format!("{version:?}"),
        headers,
    };
    with_probe_headers(Json(body).into_response())
}

/// Echo limits: a readiness check sends a few words, not a stream.
const WS_MAX_MESSAGE: usize = 4096;
const WS_MAX_MESSAGES: usize = 16;
const WS_IDLE: std::time::Duration = std::time::Duration::from_secs(10);

/// Echoes a few small messages back, then closes: proves an upgraded
/// connection works end to end (proxies often break upgrades).
async fn websocket_echo(upgrade: WebSocketUpgrade) -> Response {
    upgrade
        .max_message_size(WS_MAX_MESSAGE)
        .max_frame_size(WS_MAX_MESSAGE)
        .on_upgrade(|mut socket| async move {
            for _ in 0..WS_MAX_MESSAGES {
                let message = match tokio::time::timeout(WS_IDLE, socket.recv()).await {
                    Ok(Some(Ok(message))) => message,
                    _ => return,
                };
                let reply = match message {
                    Message::Text(_) | Message::Binary(_) => message,
                    Message::Close(_) => return,
                    Message::Ping(_) | Message::Pong(_) => continue,
                };
                if socket.send(reply).await.is_err() {
                    return;
                }
            }
            let _ = socket.send(Message::Close(None)).await;
        })
}

async fn probe(Extension(connection): Extension<ConnectionInfo>) -> Response {
    with_probe_headers(
        Json(ProbeResponse {
            port: connection.local_port,
            tls: connection.tls,
        })
        .into_response(),
    )
}

/// Private Network Access preflights ask before a public page reaches a private
/// address; probes must answer them or local checks fail.
async fn probe_preflight() -> Response {
    let mut response = with_probe_headers(StatusCode::NO_CONTENT.into_response());
    let headers = response.headers_mut();
    headers.insert(
        "access-control-allow-private-network",
        HeaderValue::from_static("true"),
    );
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("GET, OPTIONS"),
    );
    headers.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static("600"),
    );
    response
}

/// Any origin may probe: the answer says only that the port is open.
fn with_probe_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert("timing-allow-origin", HeaderValue::from_static("*"));
    response
}

async fn no_such_route(method: Method, uri: Uri) -> ApiError {
    ApiError::NoSuchRoute {
        method: method.to_string(),
        path: uri.path().into(),
    }
}

async fn method_not_allowed(request: Request) -> ApiError {
    ApiError::MethodNotAllowed {
        method: request.method().to_string(),
        path: request.uri().path().into(),
    }
}
