//! Imports: a CSV or XLSX file as the body, a JSON report back; `dry_run` (default `true`)
//! only checks.
//!
//! - `POST /api/v1/imports/status`: the export's columns; `all_or_nothing` writes nothing
//!   when any line has an error.
//! - `POST /api/v1/imports/catalogue`: a newer OZG catalogue (administrators only);
//!   `deactivate_missing` (default `true`) marks catalogue services the file lacks inactive.
//! - `POST /api/v1/imports/org-units`: a Destatis Gemeindeverzeichnis (administrators only):
//!   new, renamed and dissolved Gemeinden and Kreise, mergers by the `Vorgänger-AGS` column.
//! - `POST /api/v1/imports/responsibilities`: the responsibility matrix (administrators only),
//!   the columns of its export; any line error blocks the whole file.

use super::refusal::Refusal;
use super::{check_params, flag, ApiError, ApiResult};
use crate::imports::catalogue::{import_catalogue, CatalogueRequest};
use crate::imports::status::{import_status, ImportRequest};
use crate::imports::territory::{import_territory, TerritoryRequest};
use crate::state::AppState;
use app::domain::{
    CatalogueImportReport, CurrentUser, ImportReport, TerritoryImportReport, MAX_IMPORT_BYTES,
};
use app::error::AppError;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap};
use axum::routing::post;
use axum::{Extension, Json, Router};
use std::collections::HashMap;

pub fn routes() -> Router<AppState> {
    // the body limit is `startup::bound_request`'s, per path
    Router::new()
        .route("/imports/status", post(status_import))
        .route("/imports/catalogue", post(catalogue_import))
        .route("/imports/org-units", post(territory_import))
        .route("/imports/responsibilities", post(responsibility_import))
}

#[tracing::instrument(skip(state, user, headers, body))]
async fn status_import(
    State(state): State<AppState>,
    user: Option<Extension<CurrentUser>>,
    Query(params): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<ImportReport> {
    let Some(Extension(user)) = user else {
        return Err(AppError::Unauthorized.into());
    };
    check_params(&params, &["dry_run", "all_or_nothing", "comment"])?;
    let request = ImportRequest {
        dry_run: flag(&params, "dry_run", true)?,
        all_or_nothing: flag(&params, "all_or_nothing", false)?,
        comment: params
            .get("comment")
            .and_then(|c| app::domain::non_empty(c)),
    };
    let body = uploaded_file(&headers, body)?;
    let storage = &state.backend.storage;
    Ok(Json(import_status(storage, &user, body, &request).await?))
}

#[tracing::instrument(skip(state, user, headers, body))]
async fn catalogue_import(
    State(state): State<AppState>,
    user: Option<Extension<CurrentUser>>,
    Query(params): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<CatalogueImportReport> {
    let Some(Extension(user)) = user else {
        return Err(AppError::Unauthorized.into());
    };
    check_params(&params, &["dry_run", "deactivate_missing"])?;
    let request = CatalogueRequest {
        dry_run: flag(&params, "dry_run", true)?,
        deactivate_missing: flag(&params, "deactivate_missing", true)?,
    };
    let body = uploaded_file(&headers, body)?;
    Ok(Json(
        import_catalogue(&state.backend.storage, &user, body, request).await?,
    ))
}

#[tracing::instrument(skip(state, user, headers, body))]
async fn territory_import(
    State(state): State<AppState>,
    user: Option<Extension<CurrentUser>>,
    Query(params): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<TerritoryImportReport> {
    let Some(Extension(user)) = user else {
        return Err(AppError::Unauthorized.into());
    };
    check_params(&params, &["dry_run"])?;
    let request = TerritoryRequest {
        dry_run: flag(&params, "dry_run", true)?,
    };
    let body = uploaded_file(&headers, body)?;
    Ok(Json(
        import_territory(&state.backend.storage, &user, body, request).await?,
    ))
}

#[tracing::instrument(skip(state, user, headers, body))]
async fn responsibility_import(
    State(state): State<AppState>,
    user: Option<Extension<CurrentUser>>,
    Query(params): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<app::domain::ResponsibilityImportReport> {
    let Some(Extension(user)) = user else {
        return Err(AppError::Unauthorized.into());
    };
    crate::responsibility::require_admin(&user)?;
    check_params(&params, &["dry_run"])?;
    let dry_run = flag(&params, "dry_run", true)?;
    let body = uploaded_file(&headers, body)?;
    Ok(Json(
        crate::imports::responsibility::import_responsibilities(
            &state.backend.storage,
            &user,
            body,
            dry_run,
        )
        .await?,
    ))
}

/// The uploaded file: the request body itself, not a form.
fn uploaded_file(
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Vec<u8>, ApiError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if content_type.starts_with("multipart/") {
        return Err(Refusal::FileAsForm.into());
    }
    let body = body.map_err(|rejection| {
        if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            Refusal::FileTooLarge {
                max_mb: MAX_IMPORT_BYTES / (1024 * 1024),
            }
        } else {
            Refusal::FileIncomplete
        }
    })?;
    Ok(body.into())
}
