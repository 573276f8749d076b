//! The OpenIRP server: the NIC-compatible e-Invoice API, key publication, and (in sandbox mode) the
//! test-data API, over one store and one pair of server keys.

pub mod api;
pub mod config;
pub mod deployment_keys;
pub mod ewaybill;
pub mod gstr1;
pub mod health;
pub mod ids;
pub mod keys;
pub mod metrics;
pub mod nic;
pub mod numbers;
pub mod registered;
pub mod sandbox;
pub mod secrets;
pub mod signing;
pub mod state;
pub mod validation;

pub use config::{Config, Mode};
pub use state::{AppState, Shared};

use axum::Router;
use axum::extract::Request;
use axum::http::{StatusCode, Uri};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use openirp_crypto::CryptoError;
use openirp_store::{CachedStore, PgOptions, PgStore, SqliteOptions, SqliteStore, StoreError};
use std::sync::Arc;
use tower::Layer as _;

/// How long a node trusts its in-memory copy of a session or a GSTIN master record; changes made
/// through this node are seen at once, changes made through another node within this time.
const CACHE_TTL: std::time::Duration = std::time::Duration::from_secs(5);

/// Request headers that carry credentials, in both spellings NIC clients use.
const SECRET_HEADERS: &[&str] = &[
    "client_secret",
    "client-secret",
    "authtoken",
    "auth-token",
    "password",
    "authorization",
];

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("data directory {0}: {1}")]
    DataDir(String, std::io::Error),
    #[error("server keys: {0}")]
    Keys(#[from] CryptoError),
    #[error("store: {0}")]
    Store(#[from] StoreError),
    #[error("cannot listen on {0}: {1}")]
    Listen(std::net::SocketAddr, std::io::Error),
    #[error("{0}")]
    KeysDiffer(String),
}

/// Opens the data directory: creates it (mode 0700), opens the store, loads or creates the keys and
/// checks them against the ones the store's other nodes use, and in sandbox mode preloads NIC's
/// sandbox GSTINs.
pub async fn open(config: Config) -> Result<Shared, StartError> {
    let dir = config.data_dir.clone();
    let dir_error = |e| StartError::DataDir(dir.display().to_string(), e);
    std::fs::create_dir_all(&dir).map_err(dir_error)?;
    restrict_dir(&dir).map_err(dir_error)?;
    let store: Arc<dyn openirp_store::Store> = match &config.database_url {
        Some(url) => {
            let options = PgOptions {
                max_connections: config.database_pool,
                ..PgOptions::default()
            };
            let store = PgStore::connect_with(url, options).await?;
            Arc::new(CachedStore::new(store, CACHE_TTL))
        }
        None => {
            let db = dir.join(SqliteStore::FILE_NAME);
            create_private_file(&db).map_err(dir_error)?;
            let options = SqliteOptions {
                durable: config.durable,
                ..SqliteOptions::default()
            };
            let store = SqliteStore::open_with(&db, options).await?;
            Arc::new(CachedStore::new(store, CACHE_TTL))
        }
    };
    let keys = deployment_keys::load_agreed_keys(&dir, store.as_ref(), config.adopt_keys).await?;
    let state = Arc::new(AppState::new(config, store, keys).map_err(dir_error)?);
    if state.config.mode == Mode::Sandbox {
        sandbox::preload_nic_sandbox_gstins(&state).await?;
    }
    Ok(state)
}

#[cfg(unix)]
fn restrict_dir(dir: &std::path::Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
}

/// Creates an empty database file readable by the owner only (it holds session keys and password
/// hashes); SQLite gives its WAL and shared-memory files the same mode.
fn create_private_file(path: &std::path::Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path).map(drop)
}

#[cfg(not(unix))]
fn restrict_dir(_dir: &std::path::Path) -> std::io::Result<()> {
    Ok(())
}

/// Every route of the server for `state`'s mode, with a JSON index at `/`.
pub fn router(state: Shared) -> Router {
    let index = Router::new()
        .route("/", get(index))
        .with_state(state.clone());
    router_with(state, index)
}

/// Every route of the server plus `extra` (the developer portal), behind the server's layers.
pub fn router_with(state: Shared, extra: Router) -> Router {
    let mut app = Router::new()
        .route("/api/v1", get(index))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(metrics::render))
        .route("/keys/auth-public.pem", get(keys::auth_public_key))
        .route("/keys/signing-cert.pem", get(keys::signing_certificate))
        .route("/.well-known/jwks.json", get(keys::jwks))
        .route("/api/v1/validate", post(api::validate))
        .route("/api/v1/errors", get(api::error_catalogue))
        .route("/api/v1/schema/inv-01.json", get(api::inv01_schema))
        .route("/api/v1/gstr1", get(gstr1::gstr1))
        .merge(nic::routes(state.clone()));
    if state.config.mode == Mode::Sandbox {
        app = app
            .route("/sandbox/v1/taxpayers", post(sandbox::create_taxpayer))
            .route("/sandbox/v1/gstins", post(sandbox::put_gstin))
            .route(
                "/sandbox/v1/clock",
                get(sandbox::get_clock).post(sandbox::move_clock),
            )
            .route("/sandbox/v1/faults", post(sandbox::arm_faults));
    }
    // Credentials never reach a log line, even at trace level.
    let secret_headers: std::sync::Arc<[axum::http::HeaderName]> = SECRET_HEADERS
        .iter()
        .map(|h| axum::http::HeaderName::from_static(h))
        .collect();
    app.with_state(state)
        .merge(extra)
        .fallback(not_found)
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .layer(
            tower_http::sensitive_headers::SetSensitiveRequestHeadersLayer::from_shared(
                secret_headers,
            ),
        )
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(|_| {
            // A bug must not leave a NIC client without an answer it can parse.
            nic::envelope::Failure::code(nic::codes::APPLICATION_ERROR).into_response()
        }))
        // Outermost, after routing: request id, its span, and metrics by matched route template.
        .layer(metrics::ObserveLayer)
}

/// Serves `state` on an already bound listener until `shutdown` completes.
pub async fn serve(
    state: Shared,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(state.clone());
    serve_app(state, app, listener, shutdown).await
}

/// Serves an app built by [`router`] or [`router_with`] until `shutdown` completes, then closes the
/// store. Each request carries its peer address (for the IP allow-lists).
pub async fn serve_app(
    state: Shared,
    app: Router,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // Paths are folded before routing, so the router itself only knows the canonical spelling.
    let app = tower::util::MapRequestLayer::new(normalise_path).layer(app);
    let service = axum::ServiceExt::<Request>::into_make_service_with_connect_info::<
        std::net::SocketAddr,
    >(app);
    // Small NIC answers must not wait for Nagle's algorithm.
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
        let _ = tcp.set_nodelay(true);
    });
    let store_pinger = metrics::spawn_store_pinger(state.clone());
    let result = axum::serve(listener, service)
        .with_graceful_shutdown(shutdown)
        .await;
    drop(store_pinger);
    state.store.close().await;
    result
}

/// Binds `config.listen`.
pub async fn bind(state: &Shared) -> Result<tokio::net::TcpListener, StartError> {
    let addr = state.config.listen;
    tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| StartError::Listen(addr, e))
}

/// NIC clients vary case (`Invoice`/`invoice`, `Master`/`master`) and trailing slashes: NIC paths are
/// matched in lower case and without a trailing slash.
pub fn normalise_path(mut req: Request) -> Request {
    let path = req.uri().path();
    let families = ["/eivital/", "/eicore/", "/eiewb/", "/ewaybillapi/"];
    let is_nic = families
        .iter()
        .any(|f| path.len() >= f.len() && path[..f.len()].eq_ignore_ascii_case(f));
    let mut new_path = if is_nic {
        path.to_ascii_lowercase()
    } else {
        path.to_string()
    };
    while new_path.len() > 1 && new_path.ends_with('/') {
        new_path.pop();
    }
    if new_path != path {
        let rebuilt = match req.uri().query() {
            Some(q) => format!("{new_path}?{q}"),
            None => new_path,
        };
        if let Ok(uri) = rebuilt.parse::<Uri>() {
            *req.uri_mut() = uri;
        }
    }
    req
}

async fn index(
    axum::extract::State(state): axum::extract::State<Shared>,
) -> axum::Json<serde_json::Value> {
    axum::Json(serde_json::json!({
        "name": "OpenIRP",
        "version": env!("CARGO_PKG_VERSION"),
        "mode": state.config.mode.as_str(),
        "auth": "/eivital/v1.04/auth",
        "keys": {"auth_public_key": "/keys/auth-public.pem", "signing_certificate": "/keys/signing-cert.pem",
                 "jwks": "/.well-known/jwks.json"},
        "portal": "/",
        "api_docs": "/api-docs/openapi.json",
        "validate": "/api/v1/validate",
        "errors": "/api/v1/errors",
        "schema": "/api/v1/schema/inv-01.json",
        "gstr1": "/api/v1/gstr1?gstin={gstin}&period={MMYYYY}",
        "health": {"live": "/healthz", "ready": "/readyz"},
        "sandbox": (state.config.mode == Mode::Sandbox).then_some("/sandbox/v1/taxpayers"),
    }))
}

async fn not_found() -> impl IntoResponse {
    (
        StatusCode::NOT_FOUND,
        axum::Json(serde_json::json!({"error": "no such endpoint"})),
    )
}
