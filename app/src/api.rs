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

#[server(prefix = "/api/fn", endpoint = "data-imports")]
pub async fn get_data_imports() -> Result<DataImports, AppError> {
    use crate::ssr::{backend, with_status};
    with_status(backend()?.data_imports().await)
}

#[server(prefix = "/api/fn", endpoint = "filter-options")]
pub async fn get_filter_options() -> Result<FilterOptions, AppError> {
    use crate::ssr::{backend, with_status};
    with_status(backend()?.filter_options().await)
}

#[server(prefix = "/api/fn", endpoint = "dashboard")]
pub async fn get_dashboard(
    #[server(default)] filter: DashboardFilter,
) -> Result<Dashboard, AppError> {
    use crate::ssr::{backend, with_status};
    with_status(backend()?.dashboard(&filter).await)
}

#[server(prefix = "/api/fn", endpoint = "services")]
pub async fn list_services(
    #[server(default)] query: ServiceQuery,
) -> Result<Page<ServiceSummary>, AppError> {
    use crate::ssr::{backend, with_status};
    with_status(backend()?.services(&query).await)
}

#[server(prefix = "/api/fn", endpoint = "service")]
pub async fn get_service(
    ozg_id: String,
    records_page: u32,
    #[server(default)] unit: Option<String>,
) -> Result<ServiceDetail, AppError> {
    use crate::ssr::{backend, with_status};
    match OzgId::parse(&ozg_id) {
        Ok(id) => with_status(backend()?.service(id, records_page, unit).await),
        Err(e) => with_status(Err(AppError::bad_request(e.0))),
    }
}

#[server(prefix = "/api/fn", endpoint = "org-units")]
pub async fn list_org_units(
    #[server(default)] query: OrgUnitQuery,
) -> Result<Vec<OrgUnit>, AppError> {
    use crate::ssr::{backend, with_status};
    with_status(backend()?.org_units(&query).await)
}

#[server(prefix = "/api/fn", endpoint = "org-unit")]
pub async fn get_org_unit(code: String) -> Result<OrgUnitDetail, AppError> {
    use crate::ssr::{backend, with_status};
    with_status(backend()?.org_unit(&code).await)
}

/// The signed-in user, `None` for anonymous visitors (the layout shows the login link).
#[server(prefix = "/api/fn", endpoint = "current-user")]
pub async fn get_current_user() -> Result<Option<CurrentUser>, AppError> {
    Ok(crate::ssr::current_user())
}

#[server(prefix = "/api/fn", endpoint = "record")]
pub async fn get_record(id: i64) -> Result<RecordEditing, AppError> {
    use crate::ssr::{backend, current_user, with_status};
    with_status(backend()?.record_page(current_user().as_ref(), id).await)
}

#[server(prefix = "/api/fn", endpoint = "save-record")]
pub async fn save_record(form: RecordForm) -> Result<SaveOutcome, AppError> {
    use crate::ssr::{backend, is_plain_form_post, require_user, with_status};
    let id = form.record_id;
    let run = async { backend()?.save_record(&require_user()?, form).await };
    let result = run.await;
    if is_plain_form_post() {
        // without JavaScript the browser follows a redirect back to the record, which shows
        // the outcome from the query string
        leptos_axum::redirect(&format!(
            "/umsetzungsstaende/{id}?{}",
            crate::pages::outcome_query(&result, crate::ssr::request_locale())
        ));
        return result;
    }
    with_status(result)
}

/// The signed-in user's start page: their units' overdue and waiting records, recent changes.
#[server(prefix = "/api/fn", endpoint = "my-work")]
pub async fn get_my_work() -> Result<MyWork, AppError> {
    use crate::ssr::{backend, require_user, with_status};
    let run = async { backend()?.my_work(&require_user()?).await };
    with_status(run.await)
}

#[server(prefix = "/api/fn", endpoint = "bulk-selection")]
pub async fn get_bulk_selection(
    #[server(default)] query: BulkQuery,
) -> Result<BulkSelection, AppError> {
    use crate::ssr::{backend, require_user, with_status};
    let run = async { backend()?.bulk_selection(&require_user()?, query).await };
    with_status(run.await)
}

#[server(prefix = "/api/fn", endpoint = "bulk-update")]
pub async fn bulk_update(request: BulkRequest) -> Result<BulkSummary, AppError> {
    use crate::ssr::{backend, require_user, with_status};
    let run = async { backend()?.bulk_update(&require_user()?, request).await };
    with_status(run.await)
}

#[server(prefix = "/api/fn", endpoint = "changes")]
pub async fn list_changes(query: ChangeQuery) -> Result<Page<ChangeEntry>, AppError> {
    use crate::ssr::{backend, with_status};
    with_status(backend()?.changes(&query).await)
}

#[server(prefix = "/api/fn", endpoint = "account")]
pub async fn get_account() -> Result<AccountWithTokens, AppError> {
    use crate::ssr::{backend, require_user, with_status};
    let run = async { backend()?.account(&require_user()?).await };
    with_status(run.await)
}

#[server(prefix = "/api/fn", endpoint = "create-token")]
pub async fn create_token(name: String) -> Result<NewApiToken, AppError> {
    use crate::ssr::{backend, require_user, with_status};
    let run = async { backend()?.create_token(&require_user()?, name).await };
    with_status(run.await)
}

#[server(prefix = "/api/fn", endpoint = "revoke-token")]
pub async fn revoke_token(token_id: i64) -> Result<(), AppError> {
    use crate::ssr::{backend, require_user, with_status};
    let run = async { backend()?.revoke_token(&require_user()?, token_id).await };
    with_status(run.await)
}

#[server(prefix = "/api/fn", endpoint = "users")]
pub async fn list_users() -> Result<Vec<UserSummary>, AppError> {
    use crate::ssr::{backend, require_user, with_status};
    let run = async { backend()?.users(&require_user()?).await };
    with_status(run.await)
}

#[server(prefix = "/api/fn", endpoint = "save-user")]
pub async fn save_user(form: UserForm) -> Result<UserSummary, AppError> {
    use crate::ssr::{backend, require_user, with_status};
    let run = async { backend()?.save_user(&require_user()?, form).await };
    with_status(run.await)
}

#[server(prefix = "/api/fn", endpoint = "audit-log")]
pub async fn get_audit_log(action: Option<String>, page: u32) -> Result<Page<AuditLine>, AppError> {
    use crate::ssr::{backend, require_user, with_status};
    let run = async { backend()?.audit_log(&require_user()?, action, page).await };
    with_status(run.await)
}

#[server(prefix = "/api/fn", endpoint = "responsibilities")]
pub async fn list_responsibilities(
    #[server(default)] query: ResponsibilityQuery,
) -> Result<ResponsibilityMatrix, AppError> {
    use crate::ssr::{backend, current_user, with_status};
    with_status(
        backend()?
            .responsibilities(current_user().as_ref(), &query)
            .await,
    )
}

#[server(prefix = "/api/fn", endpoint = "responsibility")]
pub async fn get_responsibility(ozg_id: OzgId) -> Result<ResponsibilityEdit, AppError> {
    use crate::ssr::{backend, current_user, with_status};
    with_status(
        backend()?
            .responsibility(current_user().as_ref(), ozg_id)
            .await,
    )
}

/// Changes a service's responsibility, or with `dry_run` says what the change would do. The
/// form's fields come flat: `lead_unit` empty for none, `exceptions` as codes separated by
/// commas or spaces.
#[server(prefix = "/api/fn", endpoint = "change-responsibility")]
pub async fn change_responsibility(
    ozg_id: OzgId,
    level: Responsibility,
    lead_unit: String,
    confirmed: bool,
    exceptions: String,
    dry_run: bool,
) -> Result<ResponsibilityOutcome, AppError> {
    use crate::ssr::{backend, require_user, with_status};
    let change = ResponsibilityChange {
        level: Some(level),
        lead_unit: Some(lead_unit.trim().to_owned())
            .filter(|c| !c.is_empty() && level.needs_lead_unit()),
        confirmed: Some(confirmed),
        exceptions: Some(
            exceptions
                .split([',', ';', ' ', '\n'])
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_owned)
                .collect(),
        ),
    };
    let run = async {
        backend()?
            .change_responsibility(&require_user()?, ozg_id, change, dry_run)
            .await
    };
    with_status(run.await)
}

#[server(prefix = "/api/fn", endpoint = "new-service-options")]
pub async fn get_new_service_options() -> Result<NewServiceOptions, AppError> {
    use crate::ssr::{backend, current_user, with_status};
    with_status(
        backend()?
            .new_service_options(current_user().as_ref())
            .await,
    )
}

/// Adds a service the catalogue lacks as the form holds it, or with `dry_run` says what adding
/// it would do.
#[server(prefix = "/api/fn", endpoint = "add-service")]
pub async fn add_service(
    form: NewServiceForm,
    dry_run: bool,
) -> Result<ResponsibilityOutcome, AppError> {
    use crate::ssr::{backend, require_user, with_status};
    let run = async {
        let user = require_user()?;
        let new = form
            .into_new_service()
            .map_err(|e| AppError::Unprocessable(vec![e]))?;
        backend()?.add_service(&user, new, dry_run).await
    };
    with_status(run.await)
}

#[server(prefix = "/api/fn", endpoint = "settings")]
pub async fn get_settings() -> Result<Settings, AppError> {
    use crate::ssr::{backend, require_user, with_status};
    let run = async { backend()?.settings(&require_user()?).await };
    with_status(run.await)
}

#[server(prefix = "/api/fn", endpoint = "add-status")]
pub async fn add_status(
    code: String,
    label: String,
    phase: Phase,
    sort_order: i64,
) -> Result<Settings, AppError> {
    crate::ssr::change_setting(SettingChange::AddStatus {
        code,
        label,
        phase,
        sort_order,
    })
    .await
}

#[server(prefix = "/api/fn", endpoint = "edit-status")]
pub async fn edit_status(
    code: String,
    label: String,
    sort_order: i64,
) -> Result<Settings, AppError> {
    crate::ssr::change_setting(SettingChange::EditStatus {
        code,
        label,
        sort_order,
    })
    .await
}

#[server(prefix = "/api/fn", endpoint = "remove-status")]
pub async fn remove_status(code: String) -> Result<Settings, AppError> {
    crate::ssr::change_setting(SettingChange::RemoveStatus { code }).await
}

/// Allows (`allowed` true) or forbids the step from one status to another.
#[server(prefix = "/api/fn", endpoint = "set-transition")]
pub async fn set_transition(from: String, to: String, allowed: bool) -> Result<Settings, AppError> {
    crate::ssr::change_setting(SettingChange::Transition { from, to, allowed }).await
}

#[server(prefix = "/api/fn", endpoint = "choose-maturity-model")]
pub async fn choose_maturity_model(model: String) -> Result<Settings, AppError> {
    crate::ssr::change_setting(SettingChange::MaturityModel { model }).await
}

#[server(prefix = "/api/fn", endpoint = "rename-maturity-level")]
pub async fn rename_maturity_level(
    model: String,
    level: i64,
    label: String,
) -> Result<Settings, AppError> {
    crate::ssr::change_setting(SettingChange::MaturityLabel {
        model,
        level,
        label,
    })
    .await
}

#[server(prefix = "/api/fn", endpoint = "add-deadline")]
pub async fn add_deadline(date: chrono::NaiveDate, label: String) -> Result<Settings, AppError> {
    crate::ssr::change_setting(SettingChange::AddDeadline { date, label }).await
}

#[server(prefix = "/api/fn", endpoint = "remove-deadline")]
pub async fn remove_deadline(date: chrono::NaiveDate) -> Result<Settings, AppError> {
    crate::ssr::change_setting(SettingChange::RemoveDeadline { date }).await
}

#[server(prefix = "/api/fn", endpoint = "add-authority")]
pub async fn add_authority(code: String, name: String) -> Result<Settings, AppError> {
    crate::ssr::change_setting(SettingChange::AddAuthority { code, name }).await
}
