//! Server-only contract between the pages and the data layer. The `server` crate implements
//! [`Backend`] (storage + charts) and provides it as Leptos context; server functions call it.

use crate::domain::*;
use crate::error::AppError;
use std::sync::Arc;

#[async_trait::async_trait]
pub trait Backend: Send + Sync + 'static {
    async fn site_info(&self) -> Result<SiteInfo, AppError>;
    /// The last catalogue and org-unit imports (only "Datenquellen" shows them; not part of
    /// every page's info).
    async fn data_imports(&self) -> Result<DataImports, AppError>;
    async fn filter_options(&self) -> Result<FilterOptions, AppError>;
    async fn dashboard(&self, filter: &DashboardFilter) -> Result<Dashboard, AppError>;
    async fn services(&self, query: &ServiceQuery) -> Result<Page<ServiceSummary>, AppError>;
    /// One service and a page of its records, narrowed by `unit` (a unit's code, with the
    /// Gemeinden under it, or part of a name).
    async fn service(
        &self,
        id: OzgId,
        records_page: u32,
        unit: Option<String>,
    ) -> Result<ServiceDetail, AppError>;
    async fn org_units(&self, query: &OrgUnitQuery) -> Result<Vec<OrgUnit>, AppError>;
    async fn org_unit(&self, code: &str) -> Result<OrgUnitDetail, AppError>;

    // Status tracking. Every method that changes something gets the signed-in user and
    // decides per record whether that user may.
    async fn record_page(
        &self,
        user: Option<&CurrentUser>,
        id: i64,
    ) -> Result<RecordEditing, AppError>;
    async fn save_record(
        &self,
        user: &CurrentUser,
        form: RecordForm,
    ) -> Result<SaveOutcome, AppError>;
    async fn bulk_update(
        &self,
        user: &CurrentUser,
        request: BulkRequest,
    ) -> Result<BulkSummary, AppError>;
    /// The start page of `user`'s own units.
    async fn my_work(&self, user: &CurrentUser) -> Result<MyWork, AppError>;
    async fn bulk_selection(
        &self,
        user: &CurrentUser,
        query: BulkQuery,
    ) -> Result<BulkSelection, AppError>;
    async fn changes(&self, query: &ChangeQuery) -> Result<Page<ChangeEntry>, AppError>;

    // Zuständigkeiten: read by everyone who reads, changed by the administration.
    async fn responsibilities(
        &self,
        user: Option<&CurrentUser>,
        query: &ResponsibilityQuery,
    ) -> Result<ResponsibilityMatrix, AppError>;
    async fn responsibility(
        &self,
        user: Option<&CurrentUser>,
        id: OzgId,
    ) -> Result<ResponsibilityEdit, AppError>;
    async fn change_responsibility(
        &self,
        user: &CurrentUser,
        id: OzgId,
        change: ResponsibilityChange,
        dry_run: bool,
    ) -> Result<ResponsibilityOutcome, AppError>;
    async fn new_service_options(
        &self,
        user: Option<&CurrentUser>,
    ) -> Result<NewServiceOptions, AppError>;
    async fn add_service(
        &self,
        user: &CurrentUser,
        new: NewService,
        dry_run: bool,
    ) -> Result<ResponsibilityOutcome, AppError>;

    // Accounts
    async fn account(&self, user: &CurrentUser) -> Result<AccountWithTokens, AppError>;
    async fn create_token(&self, user: &CurrentUser, name: String)
        -> Result<NewApiToken, AppError>;
    async fn revoke_token(&self, user: &CurrentUser, token_id: i64) -> Result<(), AppError>;
    async fn users(&self, admin: &CurrentUser) -> Result<Vec<UserSummary>, AppError>;
    async fn save_user(&self, admin: &CurrentUser, form: UserForm)
        -> Result<UserSummary, AppError>;
    async fn audit_log(
        &self,
        admin: &CurrentUser,
        action: Option<String>,
        page: u32,
    ) -> Result<Page<AuditLine>, AppError>;
    async fn settings(&self, admin: &CurrentUser) -> Result<Settings, AppError>;
    /// Applies one change of the settings and answers the settings after it.
    async fn change_setting(
        &self,
        admin: &CurrentUser,
        change: SettingChange,
    ) -> Result<Settings, AppError>;
}

pub type SharedBackend = Arc<dyn Backend>;

/// The signed-in user of this request (put there by the server's authentication layer).
pub fn current_user() -> Option<CurrentUser> {
    leptos::prelude::use_context::<http::request::Parts>()?
        .extensions
        .get::<CurrentUser>()
        .cloned()
}

/// The signed-in user, or 401.
pub fn require_user() -> Result<CurrentUser, AppError> {
    current_user().ok_or(AppError::Unauthorized)
}

/// The backend the server put into the Leptos context for this request.
pub fn backend() -> Result<SharedBackend, AppError> {
    leptos::prelude::use_context::<SharedBackend>().ok_or_else(|| {
        tracing::error!("no Backend in the Leptos context");
        AppError::Internal
    })
}

// An error's HTTP status lives with the error (`error::ssr`); re-exported here for the pages.
pub use crate::error::ssr::{set_status, with_status};

/// Whether this server-function call is a plain HTML form post (no JavaScript): the browser
/// asked for a page, not for data, and will follow a redirect.
pub fn is_plain_form_post() -> bool {
    leptos::prelude::use_context::<http::request::Parts>().is_some_and(|p| {
        p.headers
            .get(http::header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"))
    })
}

/// Applies one change of the settings for the signed-in user. Without JavaScript the browser
/// is sent back to the settings page, which shows the outcome from the query string.
pub async fn change_setting(change: SettingChange) -> Result<Settings, AppError> {
    let result = async { backend()?.change_setting(&require_user()?, change).await }.await;
    if is_plain_form_post() {
        leptos_axum::redirect(&crate::pages::settings_outcome_path(
            &result,
            request_locale(),
        ));
        return result;
    }
    with_status(result)
}

/// The language this request's user chose (cookie [`crate::LOCALE_COOKIE`]), German otherwise.
/// Server functions use it for the messages they build; pages use [`crate::current_locale`].
pub fn request_locale() -> crate::i18n::Locale {
    leptos::prelude::use_context::<http::request::Parts>()
        .map(|p| {
            p.headers
                .get_all(http::header::COOKIE)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .find_map(crate::locale_from_cookies)
                .unwrap_or_default()
        })
        .unwrap_or_default()
}
