//! Doorway at the edge: a Cloudflare Worker (workers-rs) in front of the
//! probe nodes. The platform serves the built app's files (static assets);
//! this worker answers the rest: the pages, filled in for the reader
//! (`pages`), `/api/config` (the profiles and the probe nodes the page
//! races), `/api/echo` (the client's address and the network `request.cf`
//! names), the QR code and shared results in D1, through the same routes as
//! the native worker (`doorway_api`). The probes themselves are the nodes'.

mod d1;
mod pages;
mod settings;

use std::future::Future;
use std::net::IpAddr;
use std::sync::{Arc, LazyLock, OnceLock};

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use axum::{Extension, Json, Router};
use doorway_api::error::{method_not_allowed, no_such_route};
use doorway_api::limit::{client_group, RateLimit};
use doorway_api::query::config_language;
use doorway_api::results::{Client, ResultStore, Sharing};
use doorway_api::security::{not_stored_unless_said, security_headers, SecurityPolicy};
use doorway_api::ApiError;
use doorway_core::api::{ConfigResponse, EchoResponse, HealthResponse, PartHealth};
use doorway_core::network::{is_country_code, NetworkKind, NetworkSeen};
use doorway_core::Profile;
use tower_service::Service;
use worker::send::SendFuture;
use worker::{event, Cf, Context, Env, HttpRequest, RateLimiter};

use crate::d1::D1Results;
use crate::pages::{Page, Pages};
use crate::settings::Settings;

/// Shares per client and 10 minutes, as the native worker's default,
/// counted in this isolate: only where the platform's limiter
/// (`SHARE_LIMITER`) is not bound or fails.
static SHARE_LIMIT: LazyLock<RateLimit> = LazyLock::new(|| RateLimit::new(30, 600));

/// `SHARE_LIMITER`'s period in wrangler.toml: how long a client the
/// platform refused is told to wait.
const SHARE_LIMITER_PERIOD_SECS: u64 = 60;

struct Edge {
    config: ConfigResponse,
    results: Option<D1Results>,
    /// The platform's count of shares per client, across isolates.
    share_limiter: Option<RateLimiter>,
    /// `None` while the static assets cannot be read: the API still answers.
    pages: Option<Arc<Pages>>,
    policy: Arc<SecurityPolicy>,
}

/// This isolate's settings, read on its first request.
static SETTINGS: OnceLock<Result<Arc<Settings>, String>> = OnceLock::new();

impl Edge {
    async fn from_env(env: &Env) -> Result<Edge, String> {
        let settings = SETTINGS
            .get_or_init(|| {
                Settings::parse(
                    |name| env.var(name).ok().map(|value| value.to_string()),
                    env.d1("RESULTS").is_ok(),
                )
                .map(Arc::new)
            })
            .clone()?;
        let pages = match Pages::load(env, &settings.nodes, &settings.embed_ancestors).await {
            Ok(pages) => Some(pages),
            Err(error) => {
                worker::console_error!("the pages cannot be served: {error}");
                None
            }
        };
        let policy = match &pages {
            Some(pages) => pages.policy(),
            // Checked when the settings were read.
            None => Arc::new(
                SecurityPolicy::new([], &settings.embed_ancestors)
                    .map_err(|e| format!("EMBED_ANCESTORS: {e}"))?
                    .with_probe_nodes(&settings.nodes),
            ),
        };
        Ok(Edge {
            config: settings.config.clone(),
            results: env
                .d1("RESULTS")
                .ok()
                .map(|db| D1Results::new(db, settings.result_secs)),
            share_limiter: env.rate_limiter("SHARE_LIMITER").ok(),
            pages,
            policy,
        })
    }
}

impl Sharing for Edge {
    type Store = D1Results;

    fn results(&self) -> Option<&D1Results> {
        self.results.as_ref()
    }

    fn profiles(&self) -> &[Profile] {
        &self.config.profiles
    }

    fn app_origins(&self) -> &[String] {
        &[]
    }

    fn share_limit(&self) -> &RateLimit {
        &SHARE_LIMIT
    }

    fn admit_share(
        &self,
        client: IpAddr,
        now: u64,
    ) -> impl Future<Output = Result<(), u64>> + Send {
        SendFuture::new(async move {
            let Some(limiter) = &self.share_limiter else {
                return SHARE_LIMIT.check(client, now);
            };
            // One household or phone: the address, or its IPv6 /64.
            match limiter.limit(client_group(client).to_string()).await {
                Ok(outcome) if outcome.success => Ok(()),
                Ok(_) => Err(SHARE_LIMITER_PERIOD_SECS),
                Err(error) => {
                    // The limiter failing must not stop sharing; the
                    // isolate's own count still bounds this client here.
                    worker::console_error!("SHARE_LIMITER: {error}");
                    SHARE_LIMIT.check(client, now)
                }
            }
        })
    }

    fn now(&self) -> u64 {
        worker::Date::now().as_millis() / 1000
    }
}

/// The client as the platform names it: `CF-Connecting-IP`, and the
/// network from `request.cf` (its ASN and operator).
fn client_of(request: &Request) -> Option<Client> {
    let address: IpAddr = request
        .headers()
        .get("cf-connecting-ip")?
        .to_str()
        .ok()?
        .parse()
        .ok()?;
    let network = match request.extensions().get::<Cf>() {
        Some(cf) => NetworkSeen::Found {
            asn: cf.asn(),
            operator: cf.as_organization().filter(|name| !name.is_empty()),
            country: cf.country().filter(|code| is_country_code(code)),
            kind: NetworkKind::Unknown,
        },
        None => NetworkSeen::NotConfigured,
    };
    Some(Client { address, network })
}

async fn client_seen(mut request: Request, next: Next) -> Response {
    match client_of(&request) {
        Some(client) => {
            request.extensions_mut().insert(client);
            next.run(request).await
        }
        None => ApiError::BadResult("the platform did not name the client".into()).into_response(),
    }
}

/// As the native worker's: every translation, or the one `?lang=` asks for.
async fn config(State(edge): State<Arc<Edge>>, uri: Uri) -> Response {
    match config_language(uri.query()) {
        Ok(None) => Json(edge.config.clone()).into_response(),
        Ok(Some(lang)) => Json(edge.config.in_language(lang.code())).into_response(),
        Err(error) => error.into_response(),
    }
}

async fn echo(Extension(client): Extension<Client>, request: Request) -> Response {
    let tls = request.uri().scheme_str() == Some("https");
    let default_port = if tls { 443 } else { 80 };
    Json(EchoResponse {
        address: client.address.to_string(),
        // The platform does not say the client's port.
        port: 0,
        server_port: request.uri().port_u16().unwrap_or(default_port),
        tls,
        http_version: format!("{:?}", request.version()),
        headers: Default::default(),
        network: Some(client.network),
    })
    .into_response()
}

/// As the native worker's: the store answers a read (or is off); the edge
/// has no relay.
async fn health(State(edge): State<Arc<Edge>>) -> Response {
    let store = match &edge.results {
        None => PartHealth::Off,
        Some(store) => match store.get("healthz".into(), edge.now()).await {
            Ok(_) => PartHealth::Ok,
            Err(error) => {
                worker::console_error!("health: the store failed a read: {error}");
                PartHealth::Failing
            }
        },
    };
    let (code, status) = match store {
        PartHealth::Failing => (StatusCode::SERVICE_UNAVAILABLE, PartHealth::Failing),
        _ => (StatusCode::OK, PartHealth::Ok),
    };
    (
        code,
        Json(HealthResponse {
            status,
            store,
            relay: PartHealth::Off,
        }),
    )
        .into_response()
}

/// Every address that is not a file: a page (see [`Page::at`]).
async fn page(State(edge): State<Arc<Edge>>, request: Request) -> Response {
    let (method, uri) = (request.method(), request.uri());
    if method != Method::GET && method != Method::HEAD {
        return ApiError::MethodNotAllowed {
            method: method.to_string(),
            path: uri.path().into(),
        }
        .into_response();
    }
    edge.pages
        .as_ref()
        .and_then(|pages| {
            pages.respond(
                Page::at(uri.path()),
                uri.query(),
                request.headers(),
                &edge.config.profiles,
            )
        })
        .unwrap_or_else(|| ApiError::AppNotBuilt.into_response())
}

fn router(edge: Arc<Edge>) -> Router {
    let policy = edge.policy.clone();
    Router::new()
        .route("/api/config", get(config))
        .route("/api/qr.svg", get(doorway_api::qr::qr_code))
        .merge(
            // The routes that need the client, named once by the platform.
            Router::new()
                .route("/api/echo", get(echo))
                .merge(doorway_api::results::routes::<Edge>())
                .route_layer(axum::middleware::from_fn(client_seen)),
        )
        .route("/api", any(no_such_route))
        .route("/api/{*rest}", any(no_such_route))
        .route("/healthz", get(health))
        // The probe nodes' and the native worker's, never a page here.
        .route("/probe", any(no_such_route))
        .route("/ws", any(no_such_route))
        .route("/metrics", any(no_such_route))
        .layer(axum::middleware::from_fn(not_stored_unless_said))
        .fallback(page)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(
            policy,
            security_headers,
        ))
        .with_state(edge)
}

#[event(fetch)]
async fn fetch(
    request: HttpRequest,
    env: Env,
    _ctx: Context,
) -> worker::Result<axum::http::Response<axum::body::Body>> {
    let edge = match Edge::from_env(&env).await {
        Ok(edge) => edge,
        Err(problem) => {
            worker::console_error!("misconfigured: {problem}");
            return Ok(ApiError::Misconfigured(problem).into_response());
        }
    };
    Ok(router(Arc::new(edge)).call(request).await?)
}
