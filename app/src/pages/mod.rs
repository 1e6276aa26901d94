//! One module per page.

mod catalogue;
mod not_found;
mod org_units;
mod overview;
mod service;
mod sources;

pub use catalogue::CataloguePage;
pub use not_found::NotFoundPage;
pub use org_units::{OrgUnitPage, OrgUnitsPage};
pub use overview::OverviewPage;
pub use service::ServicePage;
pub use sources::SourcesPage;
