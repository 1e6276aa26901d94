//! One module per page.

mod account;
mod audit;
mod bulk;
mod catalogue;
mod catalogue_import;
mod changes;
mod import;
mod legal;
mod login;
mod my_work;
mod not_found;
mod org_units;
mod overview;
mod record;
mod service;
mod sources;
mod territory_import;
mod users;

pub use account::AccountPageView;
pub use audit::AuditPage;
pub use bulk::BulkPage;
pub use catalogue::CataloguePage;
pub use catalogue_import::CatalogueImportPage;
pub use changes::ChangesPage;
pub use import::ImportPage;
pub use legal::{AccessibilityPage, ImpressumPage, PrivacyPage};
pub use login::LoginPage;
pub use my_work::MyWorkPage;
pub use not_found::NotFoundPage;
pub use org_units::{OrgUnitPage, OrgUnitsPage};
pub use overview::OverviewPage;
pub use record::{outcome_query, RecordPageView};
pub use service::ServicePage;
pub use sources::SourcesPage;
pub use territory_import::TerritoryImportPage;
pub use users::UsersPage;
