//! `GET /api/v1/reports/{unit}.pdf`: the PDF report of the Land (`land`), a Ressort (its
//! code) or a Kreis (its key), optionally narrowed by the dashboard's service filters and
//! drawn at a past date (`am`). The figures are the dashboard's; the layout is
//! `exports::pdf`.

use super::exports::{download, export_request, service_filter_params, FILE_SLOTS};
use super::refusal::Refusal;
use super::{check_params, ApiError};
use crate::exports::pdf::{self, Report, REPORT_FILE};
use crate::state::AppState;
use app::domain::{DashboardFilter, Param};
use app::error::AppError;
use app::i18n::Locale;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use std::collections::HashMap;

pub fn routes() -> Router<AppState> {
    Router::new().route("/reports/{file}", get(report_pdf))
}

/// What a report takes besides the service filters of every export: the dashboard's
/// coverage category and reference date. Its unit sets its own `ressort` or `kreis` (the
/// dashboard's Kreis report of one Ressort is `/reports/16051.pdf?ressort=TMDI`).
const REPORT_PARAMS: [Param; 2] = [Param::Stand, Param::Am];

#[tracing::instrument(skip(state))]
async fn report_pdf(
    State(state): State<AppState>,
    Path(file): Path<String>,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let unit = file.strip_suffix(".pdf").ok_or(Refusal::NoSuchReport)?;
    let allowed: Vec<&str> = service_filter_params()
        .chain(REPORT_PARAMS.map(Param::name))
        .collect();
    check_params(&params, &allowed)?;
    let storage = &state.backend.storage;
    let land = &state.backend.land_name;
    // the export's own description of the filter; "stand" and "am" are the report's
    let mut export_params: HashMap<String, String> = params
        .iter()
        .filter(|(k, _)| !REPORT_PARAMS.iter().any(|p| p.name() == k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let options = storage.dashboard_options().await.map_err(AppError::from)?;
    let mut unit_param = |key: &str, code: &str| match export_params.insert(key.into(), code.into())
    {
        Some(other) if other != code => Err(Refusal::ReportUnitClash {
            name: key.to_owned(),
            code: code.to_owned(),
            raw: other.chars().take(40).collect(),
        }),
        _ => Ok(()),
    };
    let scope_title = if unit == "land" {
        format!("{land} (ganzes Land)")
    } else if let Some(r) = options.ressorts.iter().find(|r| r.code == unit) {
        unit_param(Param::Ressort.name(), &r.code)?;
        format!("{} ({})", r.name, r.code)
    } else if let Some(k) = options.kreise.iter().find(|k| k.code == unit) {
        unit_param(Param::Kreis.name(), &k.code)?;
        format!("{} ({})", k.name, k.code)
    } else {
        return Err(Refusal::NotAReportUnit {
            raw: unit.chars().take(40).collect(),
        }
        .into());
    };
    let (_, mut about) = export_request(&state, &export_params, &[]).await?;
    about.scope = unit.to_owned();
    let value = |k: &str| {
        params
            .get(k)
            .or_else(|| export_params.get(k))
            .map(String::as_str)
            .filter(|v| !v.trim().is_empty())
    };
    let filter = DashboardFilter::from_params(value).map_err(super::filter_error)?;
    if let Some(stand) = filter.stand {
        about
            .filter
            .push(("Stand der Leistung".into(), stand.label(Locale::de).into()));
    }
    let mut services = Vec::new();
    let dashboard = state.backend.figures(&filter, Some(&mut services)).await?;
    if let Some(day) = filter.am {
        about
            .filter
            .push(("Stand am".into(), app::format::date(day)));
        about.data_as_of = dashboard.data_as_of;
    }
    let file_name = about.file_name(REPORT_FILE, "pdf");
    let report = Report {
        about,
        scope_title,
        dashboard,
        services,
    };
    let _slot = FILE_SLOTS.acquire().await.map_err(|_| AppError::Internal)?;
    let bytes = match tokio::task::spawn_blocking(move || pdf::render(&report)).await {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(e)) => {
            tracing::error!(error = %e, "PDF report failed");
            return Err(ApiError(AppError::Internal));
        }
        Err(e) => {
            tracing::error!(error = %e, "PDF report task failed");
            return Err(ApiError(AppError::Internal));
        }
    };
    Ok(download(Body::from(bytes), "application/pdf", &file_name))
}
