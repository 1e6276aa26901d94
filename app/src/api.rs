//! Server functions: the pages' data, under stable endpoint names (`/api/fn/…`).
//! Bodies run on the server only and delegate to [`crate::ssr::Backend`]; an error also sets
//! the response status, so a page for an unknown id answers 404.

use crate::domain::*;
use crate::error::AppError;
use leptos::prelude::*;

#[server(prefix = "/api/fn", endpoint = "site-info")]
pub async fn get_site_info() -> Result<SiteInfo, AppError> {
    use crate::ssr::{backend, with_status};
    with_status(backend()?.site_info().await)
}

#[server(prefix = "/api/fn", endpoint = "filter-options")]
pub async fn get_filter_options() -> Result<FilterOptions, AppError> {
    use crate::ssr::{backend, with_status};
    with_status(backend()?.filter_options().await)
}

#[server(prefix = "/api/fn", endpoint = "overview")]
pub async fn get_overview() -> Result<Overview, AppError> {
    use crate::ssr::{backend, with_status};
    with_status(backend()?.overview().await)
}

#[server(prefix = "/api/fn", endpoint = "services")]
pub async fn list_services(query: ServiceQuery) -> Result<Page<ServiceSummary>, AppError> {
    use crate::ssr::{backend, with_status};
    with_status(backend()?.services(&query).await)
}

#[server(prefix = "/api/fn", endpoint = "service")]
pub async fn get_service(ozg_id: String, records_page: u32) -> Result<ServiceDetail, AppError> {
    use crate::ssr::{backend, with_status};
    match OzgId::parse(&ozg_id) {
        Ok(id) => with_status(backend()?.service(id, records_page).await),
        Err(e) => with_status(Err(AppError::bad_request(e.0))),
    }
}

#[server(prefix = "/api/fn", endpoint = "org-units")]
pub async fn list_org_units(query: OrgUnitQuery) -> Result<Vec<OrgUnit>, AppError> {
    use crate::ssr::{backend, with_status};
    with_status(backend()?.org_units(&query).await)
}

#[server(prefix = "/api/fn", endpoint = "org-unit")]
pub async fn get_org_unit(code: String) -> Result<OrgUnitDetail, AppError> {
    use crate::ssr::{backend, with_status};
    with_status(backend()?.org_unit(&code).await)
}
