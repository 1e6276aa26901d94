//! Server-only contract between the pages and the data layer. The `server` crate implements
//! [`Backend`] (storage + charts) and provides it as Leptos context; server functions call it.

use crate::domain::*;
use crate::error::AppError;
use std::sync::Arc;

#[async_trait::async_trait]
pub trait Backend: Send + Sync + 'static {
    async fn site_info(&self) -> Result<SiteInfo, AppError>;
    async fn filter_options(&self) -> Result<FilterOptions, AppError>;
    async fn overview(&self) -> Result<Overview, AppError>;
    async fn services(&self, query: &ServiceQuery) -> Result<Page<ServiceSummary>, AppError>;
    async fn service(&self, id: OzgId, records_page: u32) -> Result<ServiceDetail, AppError>;
    async fn org_units(&self, query: &OrgUnitQuery) -> Result<Vec<OrgUnit>, AppError>;
    async fn org_unit(&self, code: &str) -> Result<OrgUnitDetail, AppError>;
}

pub type SharedBackend = Arc<dyn Backend>;

/// The backend the server put into the Leptos context for this request.
pub fn backend() -> Result<SharedBackend, AppError> {
    leptos::prelude::use_context::<SharedBackend>().ok_or_else(|| {
        tracing::error!("no Backend in the Leptos context");
        AppError::Internal
    })
}

/// Sets the HTTP status of the response being built: the page's during server rendering,
/// the server function's when the browser calls it.
pub fn set_status(code: http::StatusCode) {
    if let Some(options) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        options.set_status(code);
    }
}

/// Passes a server function's result through and gives an error its status (404, 400, 503 …).
pub fn with_status<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(e) = &result {
        set_status(
            http::StatusCode::from_u16(e.status_code())
                .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR),
        );
    }
    result
}
