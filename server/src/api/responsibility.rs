//! `/api/v1/responsibilities` and `/api/v1/services/{ozg_id}/responsibility`: who executes
//! each service, read by everyone, changed by the administration with a dry run first.

use super::exports::download;
use super::refusal::Refusal;
use super::{check_params, flag, ApiError, ApiResult};
use crate::exports::csv::Dialect;
use crate::exports::responsibility as matrix;
use crate::state::AppState;
use app::domain::{
    CurrentUser, NewService, OzgId, ResponsibilityChange, ResponsibilityFigures,
    ResponsibilityOutcome, ServiceResponsibility,
};
use app::error::AppError;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::{Extension, Json, Router};
use std::collections::HashMap;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/responsibilities", get(list))
        .route("/responsibilities.csv", get(matrix_csv))
        .route("/responsibilities.xlsx", get(matrix_xlsx))
        .route(
            "/services/{ozg_id}/responsibility",
            get(get_one).put(put_one),
        )
}

/// Every service's responsibility, with the Land's figures that rest on it.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ResponsibilityList {
    items: Vec<ServiceResponsibility>,
    figures: ResponsibilityFigures,
}

#[tracing::instrument(skip(state))]
async fn list(
    State(state): State<AppState>,
    Query(params): Query<HashMap<String, String>>,
) -> ApiResult<ResponsibilityList> {
    check_params(&params, &[])?;
    let storage = &state.backend.storage;
    Ok(Json(ResponsibilityList {
        items: storage.responsibilities().await.map_err(AppError::from)?,
        figures: storage
            .responsibility_figures()
            .await
            .map_err(AppError::from)?,
    }))
}

fn service_id(raw: &str) -> Result<OzgId, ApiError> {
    OzgId::parse(raw).map_err(|e| AppError::bad_request(e.0).into())
}

#[tracing::instrument(skip(state))]
async fn get_one(
    State(state): State<AppState>,
    Path(ozg_id): Path<String>,
) -> ApiResult<ServiceResponsibility> {
    let id = service_id(&ozg_id)?;
    state
        .backend
        .storage
        .service_responsibility(id)
        .await
        .map(Json)
        .map_err(|e| AppError::from(e).into())
}

#[tracing::instrument(skip(state, user, body))]
async fn put_one(
    State(state): State<AppState>,
    user: Option<Extension<CurrentUser>>,
    Path(ozg_id): Path<String>,
    Query(params): Query<HashMap<String, String>>,
    body: Result<Json<ResponsibilityChange>, JsonRejection>,
) -> ApiResult<ResponsibilityOutcome> {
    let Extension(user) = user.ok_or(ApiError(AppError::Unauthorized))?;
    crate::responsibility::require_admin(&user)?;
    check_params(&params, &["dry_run"])?;
    let dry_run = flag(&params, "dry_run", false)?;
    let id = service_id(&ozg_id)?;
    let change = content(body)?;
    Ok(Json(
        crate::responsibility::change(&state.backend.storage, &user, id, &change, dry_run).await?,
    ))
}

/// `POST /services`: adds a service the catalogue lacks, with its responsibility.
#[tracing::instrument(skip(state, user, body))]
pub(super) async fn add_service(
    State(state): State<AppState>,
    user: Option<Extension<CurrentUser>>,
    Query(params): Query<HashMap<String, String>>,
    body: Result<Json<NewService>, JsonRejection>,
) -> Result<(StatusCode, Json<ResponsibilityOutcome>), ApiError> {
    let Extension(user) = user.ok_or(ApiError(AppError::Unauthorized))?;
    crate::responsibility::require_admin(&user)?;
    check_params(&params, &["dry_run"])?;
    let dry_run = flag(&params, "dry_run", false)?;
    let new = content(body)?;
    let outcome =
        crate::responsibility::add_service(&state.backend.storage, &user, &new, dry_run).await?;
    let status = if dry_run {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, Json(outcome)))
}

/// The JSON body: well-formed JSON with a value that does not fit (an unknown level, a field
/// we do not know) is the content's fault, 422 like a record's fields; anything else 400.
fn content<T>(body: Result<Json<T>, JsonRejection>) -> Result<T, ApiError> {
    match body {
        Ok(Json(value)) => Ok(value),
        Err(JsonRejection::JsonDataError(e)) => Err(Refusal::NotAResponsibility {
            why: e.body_text().chars().take(300).collect(),
        }
        .into()),
        Err(e) => Err(Refusal::not_the_json(&e.body_text()).into()),
    }
}

/// The matrix as the file `zustaendigkeiten-<date>.<ext>` (demo-labelled like every export's
/// name), written by `encode`.
async fn matrix_download<E: std::fmt::Display>(
    state: &AppState,
    ext: &str,
    content_type: &'static str,
    encode: impl FnOnce(&[ServiceResponsibility]) -> Result<Vec<u8>, E>,
) -> Result<Response, ApiError> {
    let storage = &state.backend.storage;
    let items = storage.responsibilities().await.map_err(AppError::from)?;
    let bytes = encode(&items).map_err(|e| {
        tracing::error!(error = %e, ext, "responsibility matrix");
        AppError::Internal
    })?;
    let demo = storage.has_demo_data().await.map_err(AppError::from)?;
    let name = format!(
        "zustaendigkeiten-{}{}.{ext}",
        chrono::Utc::now().date_naive(),
        if demo { "-demodaten" } else { "" }
    );
    Ok(download(bytes.into(), content_type, &name))
}

#[tracing::instrument(skip(state))]
async fn matrix_csv(
    State(state): State<AppState>,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    check_params(&params, &["dialect"])?;
    let dialect = Dialect::from_param(params.get("dialect").map(String::as_str))
        .map_err(AppError::bad_request)?;
    matrix_download(&state, "csv", "text/csv; charset=utf-8", |items| {
        matrix::csv(items, dialect)
    })
    .await
}

#[tracing::instrument(skip(state))]
async fn matrix_xlsx(
    State(state): State<AppState>,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    check_params(&params, &[])?;
    matrix_download(
        &state,
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        matrix::xlsx,
    )
    .await
}
