//! Startup: connect, migrate, seed, demo data; then the axum router with the Leptos app,
//! the REST API and static files.

use crate::auth::middleware::page_csp;
use crate::config::Config;
use crate::reference_data::ReferenceData;
use crate::state::AppState;
use crate::storage::{redact, Storage, StorageError};
use app::ssr::SharedBackend;
use app::{shell, App};
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::time::Instant;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("cannot open the database {url}: {source}")]
    Database { url: String, source: StorageError },
    #[error("cannot prepare the database: {0}")]
    Prepare(#[from] StorageError),
    #[error("the embedded reference data is invalid: {0}")]
    ReferenceData(String),
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: std::net::SocketAddr,
        source: std::io::Error,
    },
    #[error("server error: {0}")]
    Serve(std::io::Error),
}

/// Connects, migrates and seeds; generates demo data if asked to and the history is empty.
pub async fn prepare_storage(config: &Config) -> Result<Storage, StartupError> {
    let storage = Storage::connect(&config.database_url)
        .await
        .map_err(|source| StartupError::Database {
            url: redact(&config.database_url),
            source,
        })?;
    let started = Instant::now();
    storage.migrate().await?;
    let data = ReferenceData::embedded().map_err(StartupError::ReferenceData)?;
    let report = storage.seed(&data, false).await?;
    tracing::info!(
        database = storage.database_kind(),
        skipped_unchanged = report.skipped_unchanged,
        catalogue_kept = report.catalogue_kept,
        records_created = report.records_created,
        services_deactivated = report.services_deactivated,
        elapsed_ms = started.elapsed().as_millis() as u64,
        "database migrated and seeded"
    );
    if storage.ensure_history().await? {
        tracing::info!("history rollups built from the existing events");
    }
    if config.demo_data {
        let started = Instant::now();
        if let Some(demo) = crate::demo::generate(&storage, chrono::Utc::now()).await? {
            tracing::info!(
                records = demo.records,
                events = demo.events,
                elapsed_ms = started.elapsed().as_millis() as u64,
                "demo data generated"
            );
        }
    }
    Ok(storage)
}

pub fn leptos_options(config: &Config, addr: std::net::SocketAddr) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("ozg-monitor")
        .site_root(config.site_root.as_str())
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .build()
}

/// Largest request body accepted (a bulk update of the maximum 5,000 records is about 40 KB);
/// uploads below [`UPLOAD_PREFIX`] may be up to [`app::domain::MAX_IMPORT_BYTES`].
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// The paths that take file uploads.
pub const UPLOAD_PREFIX: &str = "/api/v1/imports/";
/// A request that takes longer is answered with 408 (uploads: [`UPLOAD_TIMEOUT`]).
pub const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);
/// An import of a whole Land's file (256,000 lines) takes about half a minute on SQLite.
pub const UPLOAD_TIMEOUT: std::time::Duration = std::time::Duration::from_mins(5);

/// The whole HTTP application.
pub fn router(state: AppState) -> Router {
    let backend: SharedBackend = state.backend.clone();
    let context = move || {
        provide_context(backend.clone());
        // the page's policy names the nonce of its hydration script
        if let (Some(nonce), Some(response)) = (
            leptos::nonce::use_nonce(),
            use_context::<leptos_axum::ResponseOptions>(),
        ) {
            if let Ok(value) = axum::http::HeaderValue::from_str(&page_csp(&nonce.to_string())) {
                response.insert_header(axum::http::header::CONTENT_SECURITY_POLICY, value);
            }
        }
    };
    let routes = generate_route_list(App);
    let options = state.leptos_options.clone();
    Router::new()
        .merge(crate::api::health_routes())
        .merge(crate::auth::handlers::routes())
        .merge(crate::language::routes())
        .nest("/api/v1", crate::api::routes())
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let options = options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(context, shell))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::auth::middleware::authenticate,
        ))
        // bounded requests: a slow or huge upload cannot tie up the server; `bound_request`
        // is the one limit, so axum's own default for buffered bodies (2 MB) is off
        .layer(axum::extract::DefaultBodyLimit::disable())
        .layer(compression())
        .layer(axum::middleware::from_fn(bound_request))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(state)
}

/// Pages, JSON, CSV and the site's files compressed for a client that accepts it (brotli,
/// else gzip). Brotli at quality 4, not the library's 11, which takes a second for a large
/// page; the site's files arrive precompressed from the build and pass through as they are
/// (a response with a `content-encoding` is left alone), and workbooks and PDFs are
/// compressed already.
fn compression(
) -> tower_http::compression::CompressionLayer<impl tower_http::compression::Predicate> {
    use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};
    use tower_http::compression::{CompressionLayer, CompressionLevel};
    CompressionLayer::new()
        .br(true)
        .gzip(true)
        .quality(CompressionLevel::Precise(4))
        .compress_when(
            DefaultPredicate::new()
                .and(NotForContentType::const_new(
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                ))
                .and(NotForContentType::const_new("application/pdf")),
        )
}

/// Bounds a request by its path's limits: bodies over the size limit are refused with 413 (a
/// declared length at once, an undeclared one when reading passes the limit), and a request
/// that runs past the time limit is answered with 408 and dropped — its work stops at the
/// next await (an import's reader too: `imports::table`).
async fn bound_request(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let (limit, time) = if req.uri().path().starts_with(UPLOAD_PREFIX) {
        (app::domain::MAX_IMPORT_BYTES, UPLOAD_TIMEOUT)
    } else {
        (MAX_BODY_BYTES, REQUEST_TIMEOUT)
    };
    let declared = req
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        let message = format!(
            "Der Inhalt der Anfrage ist zu groß (höchstens {} KB).",
            limit / 1024
        );
        let response =
            crate::json_error::ApiError(app::error::AppError::TooLarge(message)).into_response();
        return closing(response);
    }
    let (parts, body) = req.into_parts();
    let body = axum::body::Body::new(http_body_util::Limited::new(body, limit));
    let response = match tokio::time::timeout(
        time,
        next.run(axum::extract::Request::from_parts(parts, body)),
    )
    .await
    {
        Ok(response) => response,
        Err(_) => axum::http::StatusCode::REQUEST_TIMEOUT.into_response(),
    };
    match response.status() {
        axum::http::StatusCode::PAYLOAD_TOO_LARGE | axum::http::StatusCode::REQUEST_TIMEOUT => {
            closing(response)
        }
        _ => response,
    }
}

/// A refused or cut-off request's body is left unread, so its connection cannot carry
/// another request: `Connection: close` says so, and the client opens a new one instead of
/// sending the next request into a connection the server is closing.
fn closing(mut response: axum::response::Response) -> axum::response::Response {
    response.headers_mut().insert(
        axum::http::header::CONNECTION,
        axum::http::HeaderValue::from_static("close"),
    );
    response
}

/// Binds, prepares and serves until Ctrl-C / SIGTERM.
pub async fn serve(config: Config) -> Result<(), StartupError> {
    let listener = TcpListener::bind(config.site_addr)
        .await
        .map_err(|source| StartupError::Listen {
            addr: config.site_addr,
            source,
        })?;
    let addr = listener.local_addr().map_err(StartupError::Serve)?;
    let storage = prepare_storage(&config).await?;
    if !config.operator().is_configured() {
        tracing::warn!("no operator configured: Impressum and Datenschutz say so (set OZG_OPERATOR_NAME and OZG_OPERATOR_EMAIL or _ADDRESS)");
    }
    let state = AppState::new(
        leptos_options(&config, addr),
        storage.clone(),
        config.auth_settings(),
        config.operator(),
    );
    tracing::info!(%addr, database = %redact(&config.database_url), "OZG-Monitor listening on http://{addr}");
    let timers = crate::scheduled::spawn(storage.clone(), config.schedule());
    let served = axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await;
    // a run cut off here is not repeated; the next slot does the work
    timers.iter().for_each(JoinHandle::abort);
    served.map_err(StartupError::Serve)?;
    storage.close().await;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
