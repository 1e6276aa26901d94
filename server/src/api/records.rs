//! `/api/v1/records…` and `/api/v1/changes`: reading and changing implementation records
//! with the same rules as the pages. Writes need a signed-in user (API token or session).

use super::refusal::Refusal;
use super::{check_params, page_param, ApiError, ApiResult};
use crate::editing;
use crate::json_error::ErrorDetail;
use crate::state::AppState;
use crate::storage::{PageStart, RecordFilter};
use app::domain::{
    field, parse_date, BulkRequest, BulkSummary, ChangeEntry, ChangeQuery, CurrentUser, FieldError,
    HistoryEntry, OzgId, Page, Param, ParamReader, RecordDetail, RecordList, RecordValues,
    SaveOutcome, ServiceFilter,
};
use app::error::AppError;
use app::i18n::{td_string, Locale};
use app::ssr::Backend;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::HashMap;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/records", get(list_records))
        .route("/records/bulk", post(bulk_update))
        .route("/records/{id}", get(get_record).patch(patch_record))
        .route("/records/{id}/history", get(record_history))
        .route("/changes", get(list_changes))
}

pub const MAX_PER_PAGE: u32 = 500;

fn record_id(text: &str) -> Result<i64, ApiError> {
    text.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| Refusal::not_a_record_number(text).into())
}

fn signed_in(user: Option<Extension<CurrentUser>>) -> Result<CurrentUser, ApiError> {
    user.map(|Extension(u)| u)
        .ok_or(ApiError(AppError::Unauthorized))
}

/// The ETag of a record: its version.
fn etag(version: i64) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{version}\"")).expect("digits are a valid header")
}

/// The `gebiet` parameter: a Regionalschlüssel prefix of 2 to 12 digits.
fn area_param(params: &HashMap<String, String>) -> Result<Option<String>, ApiError> {
    match params
        .get("gebiet")
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
    {
        None => Ok(None),
        Some(p) if (2..=12).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()) => {
            Ok(Some(p.to_owned()))
        }
        Some(p) => Err(Refusal::NotAnArea {
            raw: p.chars().take(40).collect(),
        }
        .into()),
    }
}

/// The record list's own parameters, besides the service filter.
const RECORD_LIST_PARAMS: [&str; 7] = [
    "ozg_id",
    "org_unit",
    "gebiet",
    "status",
    "seite",
    "pro_seite",
    "nach",
];

/// The change list's own parameters, besides the service filter.
const CHANGE_LIST_PARAMS: [&str; 4] = ["since", "until", "org_unit", "seite"];

/// `own` and the service filter's parameters.
fn with_service_filter(own: &[&'static str]) -> Vec<&'static str> {
    own.iter()
        .copied()
        .chain(Param::SERVICE.map(Param::name))
        .collect()
}

/// The service filter of a request; wrong values are a 400 naming each.
fn service_filter(params: &HashMap<String, String>) -> Result<ServiceFilter, ApiError> {
    let mut reader = ParamReader::new(|k: &str| params.get(k).map(String::as_str));
    let services = ServiceFilter::read(&mut reader);
    reader.finish(services).map_err(super::filter_error)
}

#[tracing::instrument(skip(state))]
async fn list_records(
    State(state): State<AppState>,
    Query(params): Query<HashMap<String, String>>,
) -> ApiResult<RecordList> {
    check_params(&params, &with_service_filter(&RECORD_LIST_PARAMS))?;
    let ozg_id = match params.get("ozg_id").filter(|s| !s.is_empty()) {
        Some(s) => Some(i64::from(
            OzgId::parse(s)
                .map_err(|e| AppError::bad_request(e.0))?
                .get(),
        )),
        None => None,
    };
    let filter = RecordFilter {
        ozg_id,
        org_unit: params.get("org_unit").filter(|s| !s.is_empty()).cloned(),
        status: params.get("status").filter(|s| !s.is_empty()).cloned(),
        services: service_filter(&params)?,
        area: area_param(&params)?,
    };
    super::check_named_values(
        &state.backend.storage,
        super::NamedValues {
            services: &filter.services,
            status: filter.status.as_deref(),
            ..Default::default()
        },
    )
    .await?;
    if let Some(code) = &filter.org_unit {
        if state
            .backend
            .storage
            .org_unit_name(code)
            .await
            .map_err(AppError::from)?
            .is_none()
        {
            return Err(Refusal::unknown_unit(code).into());
        }
    }
    let start = match (params.get("nach"), params.contains_key("seite")) {
        (Some(_), true) => return Err(Refusal::PageAndAfter.into()),
        (Some(after), false) => PageStart::After(record_id(after)?),
        (None, _) => PageStart::Number(page_param(&params, "seite", 1, u32::MAX)?),
    };
    let per_page = page_param(&params, "pro_seite", 100, MAX_PER_PAGE)?;
    Ok(Json(
        state.backend.record_list(&filter, start, per_page).await?,
    ))
}

#[tracing::instrument(skip(state))]
async fn get_record(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = record_id(&id)?;
    let record = state
        .backend
        .storage
        .record_detail(id)
        .await
        .map_err(AppError::from)?
        .ok_or(Refusal::UnknownRecord { id })?;
    let mut res = Json(&record).into_response();
    res.headers_mut().insert(header::ETAG, etag(record.version));
    Ok(res)
}

/// `Some(None)` for an explicit `null` (clear the field), `None` when the field is absent.
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// The body of `PATCH /records/{id}`: only the fields to change; `null` clears one.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = RecordPatch)]
pub struct RecordPatchBody {
    /// The version the change is based on (or send `If-Match: "<version>"`).
    pub version: Option<i64>,
    pub status: Option<String>,
    #[serde(default, deserialize_with = "present")]
    pub maturity: Option<Option<i64>>,
    #[serde(default, deserialize_with = "present")]
    pub planned_go_live: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub actual_go_live: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub online_url: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub efa_solution: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub note: Option<Option<String>>,
    pub comment: Option<String>,
}

impl RecordPatchBody {
    /// The record's new values: the stored ones with this body's fields applied.
    fn apply_to(&self, current: RecordValues) -> Result<RecordValues, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut date =
            |name: &str, v: &Option<Option<String>>, old: Option<chrono::NaiveDate>| match v {
                None => old,
                Some(None) => None,
                Some(Some(text)) => parse_date(text, Locale::de).unwrap_or_else(|msg| {
                    errors.push(FieldError::new(name, msg));
                    old
                }),
            };
        let planned_go_live = date(
            field::PLANNED_GO_LIVE,
            &self.planned_go_live,
            current.planned_go_live,
        );
        let actual_go_live = date(
            field::ACTUAL_GO_LIVE,
            &self.actual_go_live,
            current.actual_go_live,
        );
        let text = |v: &Option<Option<String>>, old: Option<String>| match v {
            None => old,
            Some(v) => v.as_deref().and_then(app::domain::non_empty),
        };
        let values = RecordValues {
            status: self.status.clone().unwrap_or(current.status),
            maturity: self.maturity.unwrap_or(current.maturity),
            planned_go_live,
            actual_go_live,
            online_url: text(&self.online_url, current.online_url),
            efa_solution: text(&self.efa_solution, current.efa_solution),
            note: text(&self.note, current.note),
        };
        if errors.is_empty() {
            Ok(values)
        } else {
            Err(errors)
        }
    }
}

fn json_body<T>(body: Result<Json<T>, JsonRejection>) -> Result<T, ApiError> {
    body.map(|Json(b)| b)
        .map_err(|e| Refusal::not_the_json(&e.body_text()).into())
}

/// The version in `If-Match: "<n>"`, if sent.
fn if_match(headers: &HeaderMap) -> Result<Option<i64>, ApiError> {
    let Some(value) = headers.get(header::IF_MATCH) else {
        return Ok(None);
    };
    value
        .to_str()
        .ok()
        .map(|v| v.trim().trim_start_matches("W/").trim_matches('"'))
        .and_then(|v| v.parse::<i64>().ok())
        .map(Some)
        .ok_or_else(|| Refusal::IfMatchWithoutVersion.into())
}

/// The answer to a save based on an outdated version (409, or 412 with If-Match): nothing was
/// saved; the record as it is now and the changes made since.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Conflict {
    error: ErrorDetail,
    current: RecordDetail,
    their_changes: Vec<HistoryEntry>,
}

/// The answer to values the record cannot take (422): nothing was saved; the reason per field.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Invalid {
    error: ErrorDetail,
    fields: Vec<FieldError>,
}

#[tracing::instrument(skip(state, user, headers, body))]
async fn patch_record(
    State(state): State<AppState>,
    user: Option<Extension<CurrentUser>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Json<RecordPatchBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    let user = signed_in(user)?;
    let id = record_id(&id)?;
    let body = json_body(body)?;
    let if_match = if_match(&headers)?;
    let expected = match (body.version, if_match) {
        (Some(v), Some(m)) if v != m => return Err(Refusal::VersionsDisagree.into()),
        (Some(v), _) | (None, Some(v)) => v,
        (None, None) => return Err(Refusal::VersionMissing.into()),
    };
    let storage = &state.backend.storage;
    let current = storage
        .record_detail(id)
        .await
        .map_err(AppError::from)?
        .ok_or(Refusal::UnknownRecord { id })?;
    let values = match body.apply_to(current.values()) {
        Ok(v) => v,
        Err(errors) => return Ok(unprocessable(&errors)),
    };
    let comment = body.comment.as_deref().and_then(app::domain::non_empty);
    match editing::save(storage, &user, id, expected, values, comment).await? {
        SaveOutcome::Saved { record } | SaveOutcome::Unchanged { record } => {
            let mut res = Json(&record).into_response();
            res.headers_mut().insert(header::ETAG, etag(record.version));
            Ok(res)
        }
        SaveOutcome::Invalid { errors } => Ok(unprocessable(&errors)),
        SaveOutcome::Conflict { current, theirs } => {
            // with If-Match the client asked for a precondition: 412; otherwise 409
            let status = if if_match.is_some() {
                StatusCode::PRECONDITION_FAILED
            } else {
                StatusCode::CONFLICT
            };
            let message = td_string!(
                Locale::de,
                api.outdated,
                current = current.version,
                expected = expected
            )
            .to_string();
            let code = if if_match.is_some() {
                "precondition_failed"
            } else {
                "conflict"
            };
            let version = current.version;
            let body = Conflict {
                error: ErrorDetail::new(code, message, Vec::new()),
                current,
                their_changes: theirs,
            };
            let mut res = (status, Json(body)).into_response();
            res.headers_mut().insert(header::ETAG, etag(version));
            Ok(res)
        }
    }
}

fn unprocessable(errors: &[FieldError]) -> Response {
    let messages: Vec<String> = errors.iter().map(|e| e.describe(Locale::de)).collect();
    let body = Invalid {
        error: ErrorDetail::new("unprocessable", messages.join(" "), messages),
        fields: errors.to_vec(),
    };
    (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response()
}

/// The body of `POST /records/bulk`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = BulkRequest)]
pub struct BulkBody {
    pub record_ids: Vec<i64>,
    pub status: Option<String>,
    pub maturity: Option<i64>,
    pub planned_go_live: Option<String>,
    pub comment: Option<String>,
}

#[tracing::instrument(skip(state, user, body))]
async fn bulk_update(
    State(state): State<AppState>,
    user: Option<Extension<CurrentUser>>,
    body: Result<Json<BulkBody>, JsonRejection>,
) -> ApiResult<BulkSummary> {
    let user = signed_in(user)?;
    let body = json_body(body)?;
    let planned_go_live = match body.planned_go_live.as_deref() {
        Some(text) => parse_date(text, Locale::de)
            .map_err(|m| AppError::Unprocessable(vec![format!("Geplanter Start: {m}")]))?,
        None => None,
    };
    let request = BulkRequest {
        record_ids: body.record_ids,
        status: body.status,
        maturity: body.maturity,
        planned_go_live,
        comment: body.comment,
    };
    Ok(Json(
        editing::bulk(&state.backend.storage, &user, &request).await?,
    ))
}

#[tracing::instrument(skip(state))]
async fn record_history(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Vec<HistoryEntry>> {
    let id = record_id(&id)?;
    let page = editing::record_page(&state.backend.storage, None, id).await?;
    Ok(Json(page.history))
}

#[tracing::instrument(skip(state))]
async fn list_changes(
    State(state): State<AppState>,
    Query(params): Query<HashMap<String, String>>,
) -> ApiResult<Page<ChangeEntry>> {
    check_params(&params, &with_service_filter(&CHANGE_LIST_PARAMS))?;
    let date = |name: &str| -> Result<Option<chrono::NaiveDate>, ApiError> {
        match params.get(name) {
            None => Ok(None),
            Some(text) => parse_date(text, Locale::de).map_err(|why| {
                Refusal::NotADate {
                    name: name.to_owned(),
                    why,
                }
                .into()
            }),
        }
    };
    let since = date("since")?.ok_or(Refusal::SinceMissing)?;
    let services = service_filter(&params)?;
    super::check_named_values(
        &state.backend.storage,
        super::NamedValues {
            services: &services,
            ..Default::default()
        },
    )
    .await?;
    let query = ChangeQuery {
        since,
        until: date("until")?,
        org_unit: params.get("org_unit").filter(|s| !s.is_empty()).cloned(),
        services,
        page: page_param(&params, "seite", 1, u32::MAX)?,
    };
    Ok(Json(state.backend.changes(&query).await?))
}
