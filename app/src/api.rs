//! Server functions: the pages' data, under stable endpoint names (`/api/fn/…`).
//! Bodies run on the server only and delegate to [`crate::ssr::Backend`].

use crate::domain::*;
use crate::error::AppError;
use leptos::prelude::*;

#[server(prefix = "/api/fn", endpoint = "site-info")]
pub async fn get_site_info() -> Result<SiteInfo, AppError> {
    crate::ssr::backend()?.site_info().await
}

#[server(prefix = "/api/fn", endpoint = "filter-options")]
pub async fn get_filter_options() -> Result<FilterOptions, AppError> {
    crate::ssr::backend()?.filter_options().await
}

#[server(prefix = "/api/fn", endpoint = "overview")]
pub async fn get_overview() -> Result<Overview, AppError> {
    crate::ssr::backend()?.overview().await
}

#[server(prefix = "/api/fn", endpoint = "services")]
pub async fn list_services(query: ServiceQuery) -> Result<Page<ServiceSummary>, AppError> {
    crate::ssr::backend()?.services(&query).await
}

#[server(prefix = "/api/fn", endpoint = "service")]
pub async fn get_service(ozg_id: String, records_page: u32) -> Result<ServiceDetail, AppError> {
    let result = match OzgId::parse(&ozg_id) {
        Ok(id) => crate::ssr::backend()?.service(id, records_page).await,
        Err(e) => Err(AppError::bad_request(e.0)),
    };
    if let Err(e) = &result {
        crate::ssr::set_page_status(e);
    }
    result
}

#[server(prefix = "/api/fn", endpoint = "org-units")]
pub async fn list_org_units(query: OrgUnitQuery) -> Result<Vec<OrgUnit>, AppError> {
    crate::ssr::backend()?.org_units(&query).await
}

#[server(prefix = "/api/fn", endpoint = "org-unit")]
pub async fn get_org_unit(code: String) -> Result<OrgUnitDetail, AppError> {
    let result = crate::ssr::backend()?.org_unit(&code).await;
    if let Err(e) = &result {
        crate::ssr::set_page_status(e);
    }
    result
}
