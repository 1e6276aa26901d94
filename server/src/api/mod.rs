//! The REST API (`/api/v1/…`) and `/healthz`. JSON in, JSON out; errors are
//! `{"error": {"code": …, "message": …}}` with a fitting status and never internal details.

mod exports;
mod imports;
pub mod openapi;
mod records;
mod refusal;
mod reports;
mod responsibility;

pub use crate::json_error::ApiError;
use crate::state::AppState;
use app::domain::{
    FilterError, OrgUnitKind, OrgUnitQuery, OzgId, Page, Param, ServiceFilter, ServiceQuery,
    ServiceSummary, UnitCode,
};
use app::error::AppError;
use app::i18n::Locale;
use app::ssr::Backend;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use refusal::Refusal;
use serde_json::json;
use std::collections::HashMap;

/// `/healthz`, outside the versioned API.
pub fn health_routes() -> Router<AppState> {
    Router::new().route("/healthz", get(healthz))
}

/// The routes below `/api/v1`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/services",
            get(list_services).post(responsibility::add_service),
        )
        .route("/services/{ozg_id}", get(get_service))
        .route("/org-units", get(list_org_units))
        .route("/org-units/{code}", get(get_org_unit))
        .merge(records::routes())
        .merge(exports::routes())
        .merge(imports::routes())
        .merge(reports::routes())
        .merge(responsibility::routes())
        .route("/openapi.json", get(|| async { Json(openapi::document()) }))
        .fallback(api_not_found)
}

type ApiResult<T> = Result<Json<T>, ApiError>;

#[tracing::instrument(skip(state))]
async fn healthz(State(state): State<AppState>) -> Response {
    let started = std::time::Instant::now();
    let db = tokio::time::timeout(
        std::time::Duration::from_secs(2),
        state.backend.storage.ping(),
    )
    .await;
    let reachable = matches!(db, Ok(Ok(())));
    let body = json!({
        "status": if reachable { "ok" } else { "unavailable" },
        "database": {
            "backend": state.backend.storage.database_kind(),
            "reachable": reachable,
            "latency_ms": started.elapsed().as_secs_f64() * 1000.0,
        },
        "version": env!("CARGO_PKG_VERSION"),
    });
    let status = if reachable {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(body)).into_response()
}

#[tracing::instrument(skip(state))]
async fn list_services(
    State(state): State<AppState>,
    Query(params): Query<HashMap<String, String>>,
) -> ApiResult<Page<ServiceItem>> {
    check_params(&params, &Param::names(&ServiceQuery::PARAMS))?;
    let query =
        ServiceQuery::from_params(|k| params.get(k).map(String::as_str)).map_err(filter_error)?;
    check_named_values(
        &state.backend.storage,
        NamedValues {
            services: &query.services,
            ..Default::default()
        },
    )
    .await?;
    let page = state.backend.services(&query).await?;
    Ok(Json(Page {
        items: page.items.into_iter().map(ServiceItem::from).collect(),
        total: page.total,
        page: page.page,
        per_page: page.per_page,
        next_after: None,
    }))
}

/// A service in the API list: its summary plus the figures derived from it.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ServiceItem {
    #[serde(flatten)]
    summary: ServiceSummary,
    /// The coverage category's code (as the filter „stand“ takes it).
    #[schema(schema_with = openapi::coverage_code)]
    stand: &'static str,
    average_maturity: Option<f64>,
}

impl From<ServiceSummary> for ServiceItem {
    fn from(summary: ServiceSummary) -> Self {
        Self {
            stand: summary.category().code(),
            average_maturity: summary.average_maturity(),
            summary,
        }
    }
}

#[tracing::instrument(skip(state))]
async fn get_service(
    State(state): State<AppState>,
    Path(ozg_id): Path<String>,
    Query(params): Query<HashMap<String, String>>,
) -> ApiResult<app::domain::ServiceDetail> {
    check_params(&params, &["seite", "einheit"])?;
    let id = OzgId::parse(&ozg_id).map_err(|e| AppError::bad_request(e.0))?;
    let page = page_param(&params, "seite", 1, u32::MAX)?;
    let unit = params
        .get("einheit")
        .filter(|u| !u.trim().is_empty())
        .cloned();
    if unit.as_ref().is_some_and(|u| u.chars().count() > 100) {
        return Err(Refusal::UnitSearchTooLong.into());
    }
    Ok(Json(state.backend.service(id, page, unit).await?))
}

#[tracing::instrument(skip(state))]
async fn list_org_units(
    State(state): State<AppState>,
    Query(params): Query<HashMap<String, String>>,
) -> ApiResult<Vec<app::domain::OrgUnit>> {
    check_params(&params, &["art", "uebergeordnet"])?;
    let kind = match params.get("art").map(String::as_str) {
        None | Some("") => None,
        Some(k) => Some(OrgUnitKind::from_code(k).ok_or_else(|| {
            let kinds: Vec<String> = OrgUnitKind::ALL.map(|k| k.code().to_owned()).to_vec();
            Refusal::unknown_value("art", k, &kinds)
        })?),
    };
    let query = OrgUnitQuery {
        kind,
        parent: params
            .get("uebergeordnet")
            .filter(|p| !p.is_empty())
            .cloned(),
    };
    Ok(Json(state.backend.org_units(&query).await?))
}

#[tracing::instrument(skip(state))]
async fn get_org_unit(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> ApiResult<app::domain::OrgUnitDetail> {
    if code.len() > 32 || !code.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(Refusal::not_a_unit_code(&code).into());
    }
    Ok(Json(state.backend.org_unit(&code).await?))
}

async fn api_not_found() -> ApiError {
    Refusal::NoSuchEndpoint.into()
}

/// A page number or size in `1..=max`, `default` when absent.
pub(super) fn page_param(
    params: &HashMap<String, String>,
    name: &str,
    default: u32,
    max: u32,
) -> Result<u32, ApiError> {
    match params.get(name) {
        None => Ok(default),
        Some(v) => v
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=max).contains(n))
            .ok_or_else(|| {
                Refusal::NotANumber {
                    name: name.to_owned(),
                    raw: v.chars().take(40).collect(),
                    max,
                }
                .into()
            }),
    }
}

/// Unknown parameters are mistakes (a typo would silently drop a filter), and no value may
/// contain control characters: 400.
/// Filter values that name something in the data. Each must exist: a typo (`status=onlin`,
/// `ressort=XYZ`) is a 400 naming what is allowed, never a quietly empty list.
#[derive(Debug)]
pub(crate) struct NamedValues<'a> {
    pub services: &'a ServiceFilter,
    pub kreis: Option<&'a UnitCode>,
    pub status: Option<&'a str>,
}

impl Default for NamedValues<'_> {
    fn default() -> Self {
        Self {
            services: &ServiceFilter::ALL,
            kreis: None,
            status: None,
        }
    }
}

pub(crate) async fn check_named_values(
    storage: &crate::storage::Storage,
    values: NamedValues<'_>,
) -> Result<(), ApiError> {
    let services = values.services;
    if services.themenfeld.is_some()
        || services.lage.is_some()
        || services.ressort.is_some()
        || values.kreis.is_some()
    {
        let options = storage.dashboard_options().await.map_err(AppError::from)?;
        if let Some(t) = services.themenfeld {
            if !options.themenfelder.iter().any(|o| o.id == t.0) {
                let allowed: Vec<String> = options
                    .themenfelder
                    .iter()
                    .map(|o| o.id.to_string())
                    .collect();
                return Err(Refusal::unknown_value(
                    Param::Themenfeld.name(),
                    &t.to_string(),
                    &allowed,
                )
                .into());
            }
        }
        if let Some(l) = services.lage {
            if !options.lagen.iter().any(|o| o.id == l.0) {
                return Err(Refusal::UnknownLage {
                    name: Param::Lage.name().to_owned(),
                    raw: l.to_string(),
                }
                .into());
            }
        }
        if let Some(r) = &services.ressort {
            if !options.ressorts.iter().any(|o| o.code == r.as_str()) {
                let allowed: Vec<String> =
                    options.ressorts.iter().map(|o| o.code.clone()).collect();
                return Err(
                    Refusal::unknown_value(Param::Ressort.name(), r.as_str(), &allowed).into(),
                );
            }
        }
        // a unit that does not exist is not found, as everywhere
        if let Some(k) = values.kreis {
            if !options.kreise.iter().any(|o| o.code == k.as_str()) {
                return Err(Refusal::unknown_unit(k.as_str()).into());
            }
        }
    }
    if let Some(code) = values.status {
        let statuses = storage
            .edit_options()
            .await
            .map_err(AppError::from)?
            .statuses;
        if !statuses.iter().any(|s| s.code == code) {
            let allowed: Vec<String> = statuses.iter().map(|s| s.code.clone()).collect();
            return Err(Refusal::unknown_value("status", code, &allowed).into());
        }
    }
    Ok(())
}

/// Wrong filter values: a 400 naming each, in German.
pub(crate) fn filter_error(errors: Vec<FilterError>) -> ApiError {
    AppError::BadRequest(FilterError::messages(&errors, Locale::de)).into()
}

fn check_params(params: &HashMap<String, String>, allowed: &[&str]) -> Result<(), ApiError> {
    let refused: Vec<Refusal> = params
        .iter()
        .filter_map(|(k, v)| {
            if !allowed.contains(&k.as_str()) {
                Some(Refusal::UnknownParameter {
                    name: k.chars().take(40).collect(),
                    allowed: allowed.join(", "),
                })
            } else if v.chars().any(char::is_control) {
                // no name, code or search text contains control characters; PostgreSQL
                // cannot even compare text with a NUL in it
                Some(Refusal::ControlCharacters { name: k.clone() })
            } else {
                None
            }
        })
        .collect();
    if refused.is_empty() {
        Ok(())
    } else {
        Err(refusal::all(&refused))
    }
}

/// `true` or `false`; `default` when absent.
pub(crate) fn flag(
    params: &HashMap<String, String>,
    name: &str,
    default: bool,
) -> Result<bool, ApiError> {
    match params.get(name).map(String::as_str) {
        None | Some("") => Ok(default),
        Some("true") => Ok(true),
        Some("false") => Ok(false),
        Some(other) => Err(Refusal::NotAFlag {
            name: name.to_owned(),
            raw: other.chars().take(40).collect(),
        }
        .into()),
    }
}
