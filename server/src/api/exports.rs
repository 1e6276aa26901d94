//! `GET /api/v1/records.csv` and `GET /api/v1/records.xlsx`: the records of a filter (the
//! dashboard's service filter and the record list's own) as files. CSV streams row by row
//! from the database, so its size is not bounded by memory; XLSX is assembled in a
//! constant-memory workbook and sent when complete.

use super::refusal::Refusal;
use super::{check_params, ApiError};
use crate::exports::csv::{CsvEncoder, Dialect};
use crate::exports::xlsx::{WorkbookWriter, MAX_ROWS_PER_SHEET};
use crate::exports::{cells, federal, Cell, ExportDescription, COLUMNS, DEMO_COLUMN, RECORDS_FILE};
use crate::state::AppState;
use crate::storage::{ExportFilter, ExportRow, RecordFilter, StorageError};
use app::domain::{is_unit_code, OzgId, Param, ParamReader, ServiceFilter};
use app::error::AppError;
use axum::body::{Body, Bytes};
use axum::extract::{Query, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use futures_util::stream::BoxStream;
use futures_util::StreamExt;
use std::collections::HashMap;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/records.csv", get(records_csv))
        .route("/records.xlsx", get(records_xlsx))
        .route("/federal-export.csv", get(federal_csv))
}

/// The filters every export and report accepts: the service filter and the dashboard's Kreis.
pub(super) fn service_filter_params() -> impl Iterator<Item = &'static str> {
    Param::SERVICE
        .iter()
        .chain([&Param::Kreis])
        .map(|p| p.name())
}

/// The values of the workbook's `blaetter`: one sheet, or a sheet per Themenfeld (named
/// like the filter).
pub(super) const SHEETS: [&str; 2] = ["eines", Param::Themenfeld.name()];

/// The record list's filters, which the record exports accept besides.
const RECORD_FILTER_PARAMS: [&str; 3] = ["ozg_id", "org_unit", "status"];

/// Workbooks and reports built at once: each keeps a core busy for up to seconds at Land
/// size, so further requests wait their turn instead of starving the pages.
pub(super) static FILE_SLOTS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// CSV rows collected before they are sent on.
const ROWS_PER_CHUNK: u32 = 256;

/// Parses and checks an export's filter (unknown units and statuses are errors, not empty
/// files) and describes it in German.
pub(super) async fn export_request(
    state: &AppState,
    params: &HashMap<String, String>,
    own_params: &[&'static str],
) -> Result<(ExportFilter, ExportDescription), ApiError> {
    if params.contains_key("am") || params.contains_key("stand") {
        return Err(Refusal::ExportOfToday.into());
    }
    let allowed: Vec<&str> = service_filter_params()
        .chain(RECORD_FILTER_PARAMS)
        .chain(own_params.iter().copied())
        .collect();
    check_params(params, &allowed)?;
    let value = |k: &str| {
        params
            .get(k)
            .map(String::as_str)
            .filter(|v| !v.trim().is_empty())
    };
    let mut reader = ParamReader::new(value);
    let services = ServiceFilter::read(&mut reader);
    let kreis = reader.unit_code(Param::Kreis);
    let (services, kreis) = reader
        .finish((services, kreis))
        .map_err(super::filter_error)?;
    super::check_named_values(
        &state.backend.storage,
        super::NamedValues {
            services: &services,
            kreis: kreis.as_ref(),
            ..Default::default()
        },
    )
    .await?;
    let ozg_id = match value("ozg_id") {
        Some(raw) => Some(OzgId::parse(raw).map_err(|e| AppError::bad_request(e.0))?),
        None => None,
    };
    let org_unit = match value("org_unit") {
        Some(raw) if is_unit_code(raw) => Some(raw.trim().to_owned()),
        Some(raw) => return Err(Refusal::not_a_unit_code(raw).into()),
        None => None,
    };
    let storage = &state.backend.storage;
    let mut filter_lines: Vec<(String, String)> = Vec::new();
    let options = storage.filter_options().await.map_err(AppError::from)?;
    if let Some(id) = services.themenfeld {
        let name = options.themenfelder.iter().find(|t| t.id == id.0);
        filter_lines.push((
            "Themenfeld".into(),
            name.map_or(id.to_string(), |t| t.name.clone()),
        ));
    }
    if let Some(id) = services.lage {
        let name = options.lagen.iter().find(|l| l.id == id.0);
        filter_lines.push((
            "Lage".into(),
            name.map_or(id.to_string(), |l| l.name.clone()),
        ));
    }
    if let Some(r) = &services.ressort {
        filter_lines.push(("Ressort".into(), r.to_string()));
    }
    let kreis_code = kreis.as_ref().map(|k| k.as_str().to_owned());
    for (label, code) in [("Kreis", &kreis_code), ("Einheit", &org_unit)] {
        if let Some(code) = code {
            let name = storage
                .org_unit_name(code)
                .await
                .map_err(AppError::from)?
                .ok_or_else(|| Refusal::unknown_unit(code))?;
            filter_lines.push((label.into(), format!("{name} ({code})")));
        }
    }
    if let Some(t) = services.leika_typ {
        filter_lines.push(("LeiKa-Typ".into(), t.as_str().to_owned()));
    }
    if let Some(uses) = services.efa {
        let text = if uses {
            "mit EfA-Lösung"
        } else {
            "ohne EfA-Lösung"
        };
        filter_lines.push(("EfA".into(), text.into()));
    }
    if let Some(confirmed) = services.bestaetigt {
        let text = if confirmed {
            "bestätigt"
        } else {
            "Annahme (nicht bestätigt)"
        };
        filter_lines.push(("Zuständigkeit".into(), text.into()));
    }
    if let Some(id) = ozg_id {
        filter_lines.push(("OZG-ID".into(), id.get().to_string()));
    }
    let status = value("status").map(str::to_owned);
    if let Some(code) = &status {
        let statuses = storage
            .edit_options()
            .await
            .map_err(AppError::from)?
            .statuses;
        let known = statuses.iter().find(|s| &s.code == code).ok_or_else(|| {
            let allowed: Vec<String> = statuses.iter().map(|s| s.code.clone()).collect();
            Refusal::unknown_value("status", code, &allowed)
        })?;
        filter_lines.push(("Status".into(), known.label.clone()));
    }
    let scope = org_unit
        .clone()
        .or_else(|| kreis_code.clone())
        .or_else(|| ozg_id.map(|id| format!("leistung-{}", id.get())))
        .or_else(|| services.ressort.as_ref().map(ToString::to_string))
        .or_else(|| {
            services
                .themenfeld
                .map(|t| format!("{}-{t}", Param::Themenfeld))
        })
        .unwrap_or_else(|| "land".to_owned());
    let about = ExportDescription {
        land_name: state.backend.land_name.clone(),
        filter: filter_lines,
        data_as_of: storage.data_as_of().await.map_err(AppError::from)?,
        exported_at: chrono::Utc::now(),
        demo_data: storage.has_demo_data().await.map_err(AppError::from)?,
        scope,
    };
    let filter = ExportFilter {
        kreis,
        records: RecordFilter {
            ozg_id: ozg_id.map(|id| i64::from(id.get())),
            org_unit,
            status,
            services,
            ..RecordFilter::default()
        },
    };
    Ok((filter, about))
}

/// A file download: its type, a name the browser keeps, and never a cached copy.
pub(super) fn download(body: Body, content_type: &'static str, file_name: &str) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[tracing::instrument(skip(state))]
async fn records_csv(
    State(state): State<AppState>,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let dialect = Dialect::from_param(params.get("dialect").map(String::as_str))
        .map_err(AppError::bad_request)?;
    let (filter, about) = export_request(&state, &params, &["dialect"]).await?;
    let demo = about.demo_data;
    let storage = state.backend.storage.clone();
    let body = csv_body(move |tx| async move {
        let header = COLUMNS.map(|(name, _)| name);
        let rows = storage.export_rows(&filter, false);
        stream_csv(rows, &header, record_cells, "", dialect, demo, tx).await;
    });
    Ok(download(
        body,
        CSV_TYPE,
        &about.file_name(RECORDS_FILE, "csv"),
    ))
}

/// `GET /federal-export.csv`: the online records in the federal dashboard's field layout;
/// plain RFC 4180 unless `dialect=excel`.
#[tracing::instrument(skip(state))]
async fn federal_csv(
    State(state): State<AppState>,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let dialect = match params.get("dialect").map(String::as_str) {
        None | Some("") => Dialect::Rfc4180,
        raw => Dialect::from_param(raw).map_err(AppError::bad_request)?,
    };
    let (filter, about) = export_request(&state, &params, &["dialect"]).await?;
    let demo = about.demo_data;
    let storage = state.backend.storage.clone();
    let land = state.backend.land_name.clone();
    let body = csv_body(move |tx| async move {
        match storage.federal_rows(&filter).await {
            Ok(rows) => {
                stream_csv(
                    rows,
                    &federal::COLUMNS,
                    federal::cells,
                    &land,
                    dialect,
                    demo,
                    tx,
                )
                .await;
            }
            Err(e) => {
                tracing::error!(error = %e, "federal export failed");
                let _ = tx
                    .send(Err(std::io::Error::other("Export abgebrochen")))
                    .await;
            }
        }
    });
    Ok(download(
        body,
        CSV_TYPE,
        &about.file_name("bundesdashboard", "csv"),
    ))
}

const CSV_TYPE: &str = "text/csv; charset=utf-8; header=present";

fn record_cells<'r>(row: &'r ExportRow, _: &'r str) -> Vec<Cell<'r>> {
    cells(row).into()
}

/// A response body fed by `produce` on a task of its own, through a bounded channel.
fn csv_body<F, Fut>(produce: F) -> Body
where
    F: FnOnce(tokio::sync::mpsc::Sender<Chunk>) -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    tokio::spawn(produce(tx));
    // fused: a compressing layer may poll again after the end
    Body::from_stream(
        futures_util::stream::unfold(rx, |mut rx| async move {
            rx.recv().await.map(|chunk| (chunk, rx))
        })
        .fuse(),
    )
}

type Chunk = Result<Bytes, std::io::Error>;

/// Encodes `rows` into `tx` a chunk at a time; the bounded channel makes the database wait
/// for a slow client, and a client that leaves ends the query. An error after the first
/// bytes can only cut the download short (the status is sent): it is logged and the body
/// ends with an error, so the client sees an incomplete transfer. Demo data gets a last
/// column saying so on every line, so the mark survives renaming the file and copying rows.
async fn stream_csv<T>(
    mut rows: BoxStream<'_, Result<T, StorageError>>,
    header: &[&str],
    to_cells: for<'r> fn(&'r T, &'r str) -> Vec<Cell<'r>>,
    context: &str,
    dialect: Dialect,
    demo: bool,
    tx: tokio::sync::mpsc::Sender<Chunk>,
) {
    let failed = |what: String| -> Chunk {
        tracing::error!(error = %what, "CSV export failed");
        Err(std::io::Error::other("Export abgebrochen"))
    };
    let mut header = header.to_vec();
    if demo {
        header.push(DEMO_COLUMN.0);
    }
    let mut encoder = match CsvEncoder::new(dialect, &header) {
        Ok(e) => e,
        Err(e) => {
            let _ = tx.send(failed(e.to_string())).await;
            return;
        }
    };
    let mut since_sent = 0u32;
    loop {
        let row = rows.next().await;
        let written = match &row {
            Some(Ok(row)) => {
                let mut cells = to_cells(row, context);
                if demo {
                    cells.push(Cell::Text(DEMO_COLUMN.1.into()));
                }
                encoder.write(cells).map_err(|e| e.to_string())
            }
            Some(Err(e)) => Err(e.to_string()),
            None => Ok(()),
        };
        if let Err(e) = written {
            let _ = tx.send(failed(e)).await;
            return;
        }
        since_sent += 1;
        // a few hundred rows (some 50 KB) per chunk; the rest at the end
        if since_sent == ROWS_PER_CHUNK || row.is_none() {
            since_sent = 0;
            let chunk = encoder
                .take()
                .map(Bytes::from)
                .or_else(|e| failed(e.to_string()));
            if tx.send(chunk).await.is_err() || row.is_none() {
                return; // done, or the client left
            }
        }
    }
}

#[tracing::instrument(skip(state))]
async fn records_xlsx(
    State(state): State<AppState>,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let per_themenfeld = match params.get("blaetter").map(String::as_str) {
        None | Some("") => false,
        Some(sheets) if sheets == SHEETS[0] => false,
        Some(sheets) if sheets == SHEETS[1] => true,
        Some(other) => {
            let sheets: Vec<String> = SHEETS.map(str::to_owned).to_vec();
            return Err(Refusal::unknown_value("blaetter", other, &sheets).into());
        }
    };
    let (filter, about) = export_request(&state, &params, &["blaetter"]).await?;
    let storage = &state.backend.storage;
    let counts = storage
        .export_counts(&filter)
        .await
        .map_err(AppError::from)?;
    let largest_sheet = if per_themenfeld {
        counts.iter().map(|(_, n)| *n).max().unwrap_or(0)
    } else {
        counts.iter().map(|(_, n)| *n).sum()
    };
    if largest_sheet > MAX_ROWS_PER_SHEET {
        return Err(Refusal::TooManyRowsForExcel {
            rows: largest_sheet,
            max: MAX_ROWS_PER_SHEET,
        }
        .into());
    }
    let _slot = FILE_SLOTS.acquire().await.map_err(|_| AppError::Internal)?;
    // the workbook is written on a blocking thread; the query feeds it through a channel
    let (tx, mut rx) = tokio::sync::mpsc::channel(1024);
    let file_name = about.file_name(RECORDS_FILE, "xlsx");
    let writer = tokio::task::spawn_blocking(move || {
        let mut book = WorkbookWriter::new(per_themenfeld)?;
        while let Some(row) = rx.blocking_recv() {
            book.write(&row)?;
        }
        book.finish(&about)
    });
    let mut rows = storage.export_rows(&filter, per_themenfeld);
    while let Some(row) = rows.next().await {
        let row = row.map_err(AppError::from)?;
        if tx.send(row).await.is_err() {
            break; // the writer failed: its error is reported below
        }
    }
    drop(tx);
    let bytes = writer
        .await
        .map_err(|e| internal(format!("XLSX writer panicked: {e}")))
        .and_then(|book| book.map_err(|e| internal(e.to_string())))?;
    Ok(download(
        Body::from(bytes),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &file_name,
    ))
}

/// A failure of the export itself (not of the request): logged, reported opaquely.
fn internal(what: String) -> ApiError {
    tracing::error!(error = %what, "XLSX export failed");
    ApiError(AppError::Internal)
}
