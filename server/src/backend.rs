//! The server's implementation of the pages' data contract ([`app::ssr::Backend`]):
//! storage for the data, plotters for the charts.

use crate::storage::Storage;
use app::domain::*;
use app::error::AppError;

pub struct ServerBackend {
    pub storage: Storage,
    pub land_name: String,
}

/// Rows per page of a service's records.
pub const RECORDS_PER_PAGE: u32 = 50;

#[async_trait::async_trait]
impl app::ssr::Backend for ServerBackend {
    async fn site_info(&self) -> Result<SiteInfo, AppError> {
        Ok(SiteInfo {
            land_name: self.land_name.clone(),
            demo_data: self.storage.has_demo_data().await?,
            data_as_of: self.storage.data_as_of().await?,
        })
    }

    async fn filter_options(&self) -> Result<FilterOptions, AppError> {
        Ok(self.storage.filter_options().await?)
    }

    #[tracing::instrument(skip(self))]
    async fn overview(&self) -> Result<Overview, AppError> {
        let mut overview = self.storage.overview().await?;
        overview.chart_svg = crate::charts::status_by_themenfeld(&overview.bars).map_err(|e| {
            tracing::error!(error = %e, "chart rendering failed");
            AppError::Internal
        })?;
        Ok(overview)
    }

    async fn services(&self, query: &ServiceQuery) -> Result<Page<ServiceSummary>, AppError> {
        Ok(self.storage.services(query).await?)
    }

    async fn service(&self, id: OzgId, records_page: u32) -> Result<ServiceDetail, AppError> {
        Ok(self
            .storage
            .service(id, records_page, RECORDS_PER_PAGE)
            .await?)
    }

    async fn org_units(&self, query: &OrgUnitQuery) -> Result<Vec<OrgUnit>, AppError> {
        Ok(self.storage.org_units(query).await?)
    }

    async fn org_unit(&self, code: &str) -> Result<OrgUnitDetail, AppError> {
        Ok(self.storage.org_unit(code).await?)
    }
}
