//! The HTTP routes: the app and its API on the app port, and the small probe
//! surface on every probe port.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::ws::{Message, WebSocketUpgrade};
use axum::extract::{MatchedPath, RawQuery, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri, Version};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::{Extension, Json, Router};
use doorway_core::api::{
    nonce_is_valid, ConfigResponse, EchoResponse, HealthResponse, KnockRequest, KnockResponse,
    PartHealth, ProbeResponse, StreamAnswer, StreamOffer, NONCE_PARAM,
};
use doorway_core::i18n::Lang;
use doorway_core::inbound::profile_knock_ports;
use doorway_core::node::NodeOrigin;
use doorway_core::vouch::resolve_profile;

use crate::admission::Slot;
use crate::app_files::AppFiles;
use crate::assets::{Asset, CacheRule, Files};
use crate::error::ApiError;
use crate::knock::{KnockError, Knocker};
use crate::limit::RateLimit;
use crate::metrics::{Metrics, Transport};
use crate::networks::Networks;
use crate::rtc::{EchoError, RtcEcho, MAX_OFFER_BYTES};
use crate::security::{not_stored_unless_said, security_headers, SecurityPolicy};
use crate::server::ConnectionInfo;
use crate::shell::{ShellError, Shells, CHECKER_PAGE, VENDORS_PAGE, VIEWER_PAGE};
use crate::store::Store;
use doorway_api::error::{method_not_allowed, no_such_route};
use doorway_api::query::config_language;
use doorway_api::request::{declared_length, from_own_page, read_limited};
use doorway_api::results::{Client, ResultStore, SharedVerdict, Sharing};

/// What the routes need, built once at start-up.
pub struct AppState {
    /// `/api/config` as served: compressed once, validated by its ETag;
    /// with every translation, and for each language with its own only
    /// (`?lang=`, which the checker asks for).
    config_answer: Asset,
    config_answers: Vec<(Lang, Asset)>,
    /// The built frontend, if there is one.
    app: Option<BuiltApp>,
    /// The profiles whose words a shared result may carry.
    profiles: Vec<doorway_core::Profile>,
    /// Set when coturn runs: the shared secret and its ports.
    pub turn: Option<TurnService>,
    /// Shared results, and how often one address may share.
    pub store: Option<Store>,
    pub share_limit: RateLimit,
    /// Checks from outside, unless turned off (`--no-inbound`).
    pub knocker: Option<Knocker>,
    /// Which network a client's address belongs to (`--asn-db`).
    pub networks: Networks,
    /// The bandwidth test's block and per-address budget.
    pub bandwidth: crate::bandwidth::Bandwidth,
    /// As a probe node (`--app-origin`): the checkers whose pages may use
    /// this API from their own origin.
    app_origins: Vec<String>,
}

/// The built app (Trunk's dist folder), held in memory.
struct BuiltApp {
    files: Files,
    /// The checker's page, at every address but `/r/…` and `/embed`.
    checker: Shells,
    /// The shared-result viewer's page, at `/r/…` (absent in an old build).
    viewer: Option<Shells>,
    /// The vendors' page, at `/embed` (absent in an old build).
    vendors: Option<Shells>,
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("the built app has no {0} (or it is not UTF-8)")]
    Page(&'static str),
    #[error("a page shell: {0}")]
    Shell(#[from] ShellError),
}

impl AppState {
    /// `app` is the built app, if there is one (with the `.br`/`.gz` copies
    /// the build wrote).
    pub fn new(
        config: ConfigResponse,
        app: Option<&AppFiles>,
        turn: Option<TurnService>,
        store: Option<Store>,
        share_limit: RateLimit,
        knocker: Option<Knocker>,
        networks: Networks,
    ) -> Result<AppState, AppError> {
        let app = match app {
            Some(app) => {
                let checker = app.text(CHECKER_PAGE).ok_or(AppError::Page(CHECKER_PAGE))?;
                let files = Files::load(app);
                if !files.uncompressed.is_empty() {
                    tracing::warn!(
                        files = ?files.uncompressed,
                        "no precompressed copies: run `doorway precompress <dist>` after building"
                    );
                }
                let optional_page = |page: &str, missing: &str| -> Result<_, AppError> {
                    match app.text(page) {
                        Some(template) => Ok(Some(Shells::new(template, &[])?)),
                        None => {
                            tracing::warn!("{missing}");
                            Ok(None)
                        }
                    }
                };
                Some(BuiltApp {
                    files,
                    checker: Shells::new(checker, &config.profiles)?,
                    viewer: optional_page(
                        VIEWER_PAGE,
                        "no result viewer: shared result links will not open",
                    )?,
                    vendors: optional_page(VENDORS_PAGE, "no vendors' page: /embed will not open")?,
                })
            }
            None => None,
        };
        let answer = |config: &ConfigResponse| {
            let json = serde_json::to_vec(config).unwrap_or_default();
            Asset::compress("application/json", CacheRule::Revalidate, json)
        };
        Ok(AppState {
            config_answer: answer(&config),
            config_answers: Lang::ALL
                .into_iter()
                .map(|lang| (lang, answer(&config.in_language(lang.code()))))
                .collect(),
            app,
            profiles: config.profiles,
            turn,
            store,
            share_limit,
            knocker,
            networks,
            bandwidth: crate::bandwidth::Bandwidth::new(),
            app_origins: Vec::new(),
        })
    }
}

impl AppState {
    /// Serve as a probe node for the checkers at `origins`.
    pub fn with_app_origins(mut self, origins: &[NodeOrigin]) -> AppState {
        self.app_origins = origins.iter().map(ToString::to_string).collect();
        self
    }
}

pub use doorway_api::results::MAX_RESULT_BYTES;

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
    // What a checker served elsewhere uses of a probe node. Their 405
    // answer is set here, before the CORS layer, so that the layer wraps it
    // and answers a preflight (OPTIONS) itself; set later, on the whole
    // router, it would replace the layered one.
    let for_checkers = Router::new()
        .route("/api/config", get(config))
        .route("/api/echo", get(app_echo))
        .route("/api/turn", get(turn_credentials))
        .route("/api/knock", post(knock))
        .route(
            "/api/bandwidth",
            get(crate::bandwidth::download).post(crate::bandwidth::upload),
        )
        .route("/api/stream", post(stream_offer))
        .method_not_allowed_fallback(method_not_allowed);
    let for_checkers = match checkers_cors(&state.app_origins) {
        Some(cors) => for_checkers.layer(cors),
        None => for_checkers,
    };
    let api = for_checkers
        .merge(doorway_api::results::routes::<AppState>().route_layer(
            axum::middleware::from_fn_with_state(state.clone(), client_seen),
        ))
        .route("/api/qr.svg", get(doorway_api::qr::qr_code))
        .route("/api", any(no_such_route))
        .route("/api/{*rest}", any(no_such_route))
        .layer(axum::middleware::from_fn(not_stored_unless_said))
        .route("/healthz", get(health))
        .route("/metrics", get(metrics_page))
        .route("/probe", get(probe).options(probe_preflight))
        .route("/ws", get(websocket_echo));
    api.fallback(app_page)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn(count_response))
        .layer(axum::middleware::from_fn_with_state(
            policy,
            security_headers,
        ))
        .with_state(state)
}

/// CORS for the checkers a probe node serves (`--app-origin`): their pages
/// may read these answers and send JSON; any other origin gets no grant.
fn checkers_cors(origins: &[String]) -> Option<tower_http::cors::CorsLayer> {
    use tower_http::cors::{AllowOrigin, CorsLayer};
    let origins: Vec<HeaderValue> = origins
        .iter()
        .filter_map(|origin| HeaderValue::from_str(origin).ok())
        .collect();
    (!origins.is_empty()).then(|| {
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(origins))
            .allow_methods([Method::GET, Method::POST])
            .allow_headers([header::CONTENT_TYPE])
            .max_age(Duration::from_secs(600))
    })
}

/// The metrics a request carries (every request the server takes does).
type Counted = Option<Extension<Arc<Metrics>>>;

fn count(metrics: &Counted, what: impl FnOnce(&Metrics)) {
    if let Some(Extension(metrics)) = metrics {
        what(metrics);
    }
}

/// Counts every answer by the route that matched (the router's pattern, not
/// the client's path, so the labels stay few) and its status.
async fn count_response(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("other", MatchedPath::as_str)
        .to_owned();
    let metrics = request.extensions().get::<Arc<Metrics>>().cloned();
    let response = next.run(request).await;
    if let Some(metrics) = metrics {
        metrics.response(&route, response.status().as_u16());
        if let Some(SharedVerdict(verdict)) = response.extensions().get() {
            metrics.result_shared(verdict);
        }
    }
    response
}

/// Prometheus' scrape: the counters, and the store's size read now.
async fn metrics_page(State(state): State<Arc<AppState>>, metrics: Counted) -> Response {
    let Some(Extension(metrics)) = metrics else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if let Some(store) = &state.store {
        let (results, bytes) = store.usage();
        metrics.set_store_usage(results, bytes);
    }
    (
        [
            (header::CONTENT_TYPE, crate::metrics::CONTENT_TYPE),
            (header::CACHE_CONTROL, "no-store"),
        ],
        metrics.encode(),
    )
        .into_response()
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
        .layer(axum::middleware::from_fn(count_response))
}

async fn config(State(state): State<Arc<AppState>>, uri: Uri, headers: HeaderMap) -> Response {
    match config_language(uri.query()) {
        Ok(None) => state.config_answer.respond(&headers),
        Ok(Some(lang)) => state
            .config_answers
            .iter()
            .find(|(answered, _)| *answered == lang)
            .map_or(&state.config_answer, |(_, answer)| answer)
            .respond(&headers),
        Err(error) => error.into_response(),
    }
}

/// The built app's files by path; any other address is the page (the
/// checker at `/`, a shared result at `/r/<id>`, the vendors' page at `/embed`).
async fn app_page(State(state): State<Arc<AppState>>, request: Request) -> Response {
    let Some(app) = &state.app else {
        return ApiError::AppNotBuilt.into_response();
    };
    let (method, uri, headers) = (request.method(), request.uri(), request.headers());
    if method != Method::GET && method != Method::HEAD {
        return ApiError::MethodNotAllowed {
            method: method.to_string(),
            path: uri.path().into(),
        }
        .into_response();
    }
    if let Some(file) = app.files.get(uri.path()) {
        return file.respond(headers);
    }
    let shells = match uri.path() {
        path if path.starts_with("/r/") => app.viewer.as_ref(),
        "/embed" | "/embed/" => app.vendors.as_ref(),
        _ => Some(&app.checker),
    };
    shells
        .and_then(|shells| shells.respond(uri.query(), headers))
        .unwrap_or_else(|| ApiError::AppNotBuilt.into_response())
}

pub(crate) fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

/// A result's body must arrive within this (a few kilobytes take well under a
/// second even on a slow link); a trickling body frees its slot after it.
const BODY_TIMEOUT: Duration = Duration::from_secs(10);

/// Reads a result's body, bounded in size and time.
async fn read_result_body(body: Body) -> Result<Bytes, ApiError> {
    tokio::time::timeout(BODY_TIMEOUT, read_limited(body, MAX_RESULT_BYTES))
        .await
        .unwrap_or(Err(ApiError::BodyTimeout {
            seconds: BODY_TIMEOUT.as_secs(),
        }))
}

/// Starts the quality check's echo: the page's WebRTC offer in, the
/// server's answer out, with a host candidate at the address the page
/// reached this server on and the UDP port it asked for.
async fn stream_offer(
    State(state): State<Arc<AppState>>,
    Extension(connection): Extension<ConnectionInfo>,
    Extension(echo): Extension<Arc<RtcEcho>>,
    metrics: Counted,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<StreamAnswer>, ApiError> {
    from_own_page(&uri, &headers, &state.app_origins)?;
    let too_large = || ApiError::BadStreamOffer(format!("larger than {MAX_OFFER_BYTES} bytes"));
    if declared_length(&headers).is_some_and(|length| length > MAX_OFFER_BYTES as u64) {
        return Err(too_large());
    }
    let body = tokio::time::timeout(BODY_TIMEOUT, axum::body::to_bytes(body, MAX_OFFER_BYTES))
        .await
        .map_err(|_| ApiError::BodyTimeout {
            seconds: BODY_TIMEOUT.as_secs(),
        })?
        .map_err(|_| too_large())?;
    let offer: StreamOffer =
        serde_json::from_slice(&body).map_err(|e| ApiError::BadStreamOffer(e.to_string()))?;
    let local = std::net::SocketAddr::new(connection.local, offer.port);
    match echo.start(&offer.sdp, local, connection.peer.ip()) {
        Ok(sdp) => {
            if let Some(Extension(metrics)) = metrics {
                metrics.quality_stream();
            }
            Ok(Json(StreamAnswer { sdp }))
        }
        Err(error @ (EchoError::NotServed(_) | EchoError::BadOffer(_))) => {
            Err(ApiError::BadStreamOffer(error.to_string()))
        }
        Err(error @ (EchoError::ClientBusy | EchoError::Busy)) => {
            Err(ApiError::StreamsBusy(error.to_string()))
        }
    }
}

/// This server's part in sharing (the routes are `doorway_api`'s).
impl Sharing for AppState {
    type Store = Store;

    fn results(&self) -> Option<&Store> {
        self.store.as_ref()
    }

    fn profiles(&self) -> &[doorway_core::Profile] {
        &self.profiles
    }

    fn app_origins(&self) -> &[String] {
        &self.app_origins
    }

    fn share_limit(&self) -> &RateLimit {
        &self.share_limit
    }

    fn now(&self) -> u64 {
        unix_now()
    }

    fn read_body(
        &self,
        body: Body,
    ) -> impl std::future::Future<Output = Result<Bytes, ApiError>> + Send {
        read_result_body(body)
    }
}

/// Who shares: the connection's peer, and its network by `--asn-db`.
async fn client_seen(
    State(state): State<Arc<AppState>>,
    mut request: Request,
    next: Next,
) -> Response {
    if let Some(connection) = request.extensions().get::<ConnectionInfo>() {
        let address = connection.peer.ip();
        let network = state.networks.lookup(address);
        request.extensions_mut().insert(Client { address, network });
    }
    next.run(request).await
}

/// `/healthz`: the store must answer a read (a look-up of an id that is
/// never issued); the relay is reported, not probed.
async fn health(State(state): State<Arc<AppState>>) -> Response {
    let store = match &state.store {
        None => PartHealth::Off,
        Some(store) => match ResultStore::get(store, "healthz".into(), unix_now()).await {
            Ok(_) => PartHealth::Ok,
            Err(error) => {
                tracing::error!(%error, "health: the store failed a read");
                PartHealth::Failing
            }
        },
    };
    let status = if store == PartHealth::Failing {
        PartHealth::Failing
    } else {
        PartHealth::Ok
    };
    let relay = if state.turn.is_some() {
        PartHealth::Ok
    } else {
        PartHealth::Off
    };
    let code = if status == PartHealth::Ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        code,
        [(header::CACHE_CONTROL, "no-store")],
        Json(HealthResponse {
            status,
            store,
            relay,
        }),
    )
        .into_response()
}

async fn turn_credentials(
    State(state): State<Arc<AppState>>,
    Extension(connection): Extension<ConnectionInfo>,
    metrics: Counted,
) -> Response {
    let Some(turn) = &state.turn else {
        return ApiError::TurnUnavailable.into_response();
    };
    count(&metrics, Metrics::relay_credentials);
    let now = unix_now();
    (
        [(header::CACHE_CONTROL, "no-store")],
        Json(crate::turn::issue(
            &turn.secret,
            connection.peer.ip(),
            turn.port,
            turn.tls_port,
            now,
        )),
    )
        .into_response()
}

fn echo_body(connection: &ConnectionInfo, version: Version, headers: &HeaderMap) -> EchoResponse {
    let headers: BTreeMap<String, String> = ECHOED_HEADERS
        .iter()
        .filter_map(|name| {
            let value = headers.get(*name)?.to_str().ok()?;
            Some((name.to_string(), value.to_owned()))
        })
        .collect();
    EchoResponse {
        address: connection.peer.ip().to_canonical().to_string(),
        port: connection.peer.port(),
        server_port: connection.local_port,
        tls: connection.tls,
        http_version: format!("{version:?}"),
        headers,
        network: None,
    }
}

/// A probe port's echo: what the server sees of the client.
async fn echo(
    Extension(connection): Extension<ConnectionInfo>,
    version: Version,
    headers: HeaderMap,
) -> Response {
    with_probe_headers(Json(echo_body(&connection, version, &headers)).into_response())
}

/// The app's echo adds the network the address belongs to, for the page's
/// "on mobile data?" warning and for the result. A check starts with it
/// (`?check=1`), so it is where checks are counted.
async fn app_echo(
    State(state): State<Arc<AppState>>,
    Extension(connection): Extension<ConnectionInfo>,
    RawQuery(query): RawQuery,
    metrics: Counted,
    version: Version,
    headers: HeaderMap,
) -> Response {
    if crate::query::flag(query.as_deref(), "check") {
        count(&metrics, Metrics::check_started);
    }
    let mut body = echo_body(&connection, version, &headers);
    body.network = Some(state.networks.lookup(connection.peer.ip()));
    with_probe_headers(Json(body).into_response())
}

/// Knocks on the caller's own public address (never one the request names:
/// the body has no such field and unknown fields are refused), on one of the
/// inbound TCP ports of the profile it names.
async fn knock(
    State(state): State<Arc<AppState>>,
    Extension(connection): Extension<ConnectionInfo>,
    metrics: Counted,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let knocker = state.knocker.as_ref().ok_or(ApiError::InboundOff)?;
    from_own_page(&uri, &headers, &state.app_origins)?;
    let body = read_result_body(body).await?;
    let request: KnockRequest =
        serde_json::from_slice(&body).map_err(|e| ApiError::BadKnock(e.to_string()))?;
    let profile = resolve_profile(&request.profile, request.custom.as_deref(), &state.profiles)
        .map_err(|e| ApiError::BadKnock(e.to_string()))?;
    if !profile_knock_ports(&profile).contains(&request.port) {
        return Err(ApiError::BadKnock(format!(
            "TCP {} is not an inbound port of profile \"{}\"",
            request.port, profile.id
        )));
    }
    if state
        .networks
        .lookup(connection.peer.ip())
        .is_mobile_carrier()
    {
        return Err(ApiError::NotKnockable(
            doorway_core::inbound::Unknockable::MobileCarrier.to_string(),
        ));
    }
    count(&metrics, Metrics::knock);
    let outcome = knocker
        .knock(connection.peer.ip(), request.port, unix_now())
        .await
        .map_err(|error| match error {
            KnockError::Unknockable(reason) => ApiError::NotKnockable(reason.to_string()),
            KnockError::TooMany { retry_after } => ApiError::TooManyKnocks { retry_after },
            KnockError::InFlight(port) => ApiError::KnockInFlight { port },
        })?;
    Ok(Json(KnockResponse {
        port: request.port,
        outcome,
    })
    .into_response())
}

/// Echo limits: a readiness check sends a few words, not a stream.
const WS_MAX_MESSAGES: usize = 16;
const WS_MAX_MESSAGE: usize = 4096;
/// Nothing at all (not even a ping) for this long ends the echo.
const WS_IDLE: Duration = Duration::from_secs(10);
/// No echo lives longer than this, however it is kept busy.
const WS_LIFETIME: Duration = Duration::from_secs(30);

/// Echoes a few small messages back, then closes: proves an upgraded
/// connection works end to end (proxies often break upgrades). The socket
/// keeps its connection slot, so WebSockets count towards a client's share.
async fn websocket_echo(
    upgrade: WebSocketUpgrade,
    slot: Option<Extension<Slot>>,
    connection: Option<Extension<ConnectionInfo>>,
    metrics: Counted,
) -> Response {
    if let Some(Extension(connection)) = connection {
        count(&metrics, |m| {
            m.probe(
                connection.local_port,
                Transport::of_websocket(connection.tls),
            )
        });
    }
    upgrade
        .max_message_size(WS_MAX_MESSAGE)
        .max_frame_size(WS_MAX_MESSAGE)
        .on_upgrade(|mut socket| async move {
            let _slot = slot;
            let echo = async {
                let mut echoed = 0;
                while echoed < WS_MAX_MESSAGES {
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
                    echoed += 1;
                }
                let _ = socket.send(Message::Close(None)).await;
            };
            let _ = tokio::time::timeout(WS_LIFETIME, echo).await;
        })
}

/// Says which port and transport answered, and echoes the check's nonce so
/// the page knows the answer is ours and not a portal's or a proxy's.
async fn probe(
    Extension(connection): Extension<ConnectionInfo>,
    RawQuery(query): RawQuery,
    metrics: Counted,
) -> Response {
    count(&metrics, |m| {
        m.probe(connection.local_port, Transport::of_fetch(connection.tls))
    });
    let nonce = crate::query::param(query.as_deref(), NONCE_PARAM);
    if nonce.is_some_and(|n| !nonce_is_valid(n)) {
        return with_probe_headers(ApiError::BadNonce.into_response());
    }
    with_probe_headers(
        Json(ProbeResponse {
            port: connection.local_port,
            tls: connection.tls,
            nonce: nonce.map(str::to_owned),
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
