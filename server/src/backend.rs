//! The server's implementation of the pages' data contract ([`app::ssr::Backend`]):
//! storage for the data, plotters for the charts.

use crate::auth::action;
use crate::storage::{ChangeFilter, PageStart, RecordFilter, Storage};
use crate::{accounts, editing};
use app::domain::*;
use app::error::AppError;
use app::i18n::td_string;
use app::ssr::request_locale;
use chrono::{NaiveTime, TimeZone, Utc};

/// Record lists whose counts are kept at most; an entry is a few dozen counts.
pub const RECORD_COUNTS_KEPT: usize = 256;

pub struct ServerBackend {
    pub storage: Storage,
    pub land_name: String,
    /// Anonymous visitors may read (mirrors the authentication layer's setting for the pages).
    pub public_read: bool,
    pub operator: OperatorInfo,
    /// The dashboard's views drawn since the last change of the data.
    pub dashboard_cache: crate::dashboard_cache::DashboardCache,
    /// The record lists' counts per filter since the last change of the data: counting reads
    /// every record of a list (all of Thüringen: about 256,000), a page a few dozen.
    pub record_counts: crate::generation_cache::GenerationCache<RecordFilter, RecordFacets>,
}

/// The dashboard's four charts, with drill-down links that keep the page's filter.
#[tracing::instrument(level = "debug", skip_all)]
fn dashboard_charts(
    o: &Dashboard,
    locale: app::i18n::Locale,
) -> Result<DashboardCharts, crate::charts::ChartError> {
    use crate::charts::{self, BarChart, Grouping};
    let segment =
        |bar: &CategoryBar, c: CoverageCategory| o.filter.catalogue_link(&bar.narrowing, c);
    let month = |date: chrono::NaiveDate| {
        let at = DashboardFilter {
            am: Some(date),
            ..o.filter.clone()
        };
        format!("/?{}", at.to_query_string())
    };
    Ok(DashboardCharts {
        map: String::new(),
        trend: charts::trend(&o.trend, &o.deadlines, &month, locale)?,
        themenfeld: charts::category_bars(
            &o.bars,
            &BarChart {
                id: "status-by-themenfeld",
                title: td_string!(locale, dashboard.chart_title),
                desc: charts::bars_desc(&o.bars, Grouping::Themenfeld, locale),
                link: &segment,
            },
            locale,
        )?,
        ressort: charts::category_bars(
            &o.ressort_bars,
            &BarChart {
                id: "status-by-ressort",
                title: td_string!(locale, dashboard.ressort_title),
                desc: charts::bars_desc(&o.ressort_bars, Grouping::Ressort, locale),
                link: &segment,
            },
            locale,
        )?,
        maturity: charts::maturity(&o.maturity.bins, o.maturity.unknown, locale)?,
    })
}

impl ServerBackend {
    async fn audit(&self, action: &str, actor: &CurrentUser, subject: &str) {
        crate::auth::audit_by(&self.storage, actor, action, subject, None).await;
    }

    async fn require_admin(&self, user: &CurrentUser, what: &str) -> Result<(), AppError> {
        if user.is_admin() {
            return Ok(());
        }
        self.audit(action::ACCESS_DENIED, user, what).await;
        Err(AppError::forbidden(td_string!(
            request_locale(),
            common.error_admin_only
        )))
    }
}

impl ServerBackend {
    /// A page of records with the counts of the whole list, counted once per filter while
    /// the data is unchanged ([`crate::generation_cache`]).
    pub async fn record_list(
        &self,
        filter: &RecordFilter,
        start: PageStart,
        per_page: u32,
    ) -> Result<RecordList, AppError> {
        // read before the data, so counts are never kept under a newer generation than theirs
        let generation = self.storage.data_generation().await?;
        let counts = self
            .record_counts
            .get_or_compute(filter, generation, self.storage.record_facets(filter))
            .await?;
        Ok(self
            .storage
            .records_counted(filter, start, per_page, RecordFacets::clone(&counts))
            .await?)
    }

    /// The dashboard's view of `filter` at `as_of`: figures, charts and map, drawn.
    async fn draw_dashboard(
        &self,
        filter: &DashboardFilter,
        as_of: chrono::NaiveDate,
        locale: app::i18n::Locale,
    ) -> Result<Dashboard, AppError> {
        let mut dashboard = self.figures_at(filter, as_of, None).await?;
        dashboard.options = self.storage.dashboard_options().await?;
        dashboard.charts = dashboard_charts(&dashboard, locale).map_err(|e| {
            tracing::error!(error = %e, "chart rendering failed");
            AppError::Internal
        })?;
        let region_link = |r: &RegionCoverage| filter.region_link(&r.code);
        let kreis = dashboard.kreis.clone();
        let drawn = crate::map::draw(
            &mut dashboard.map,
            kreis.as_ref(),
            filter.karte,
            &region_link,
            locale,
        );
        dashboard.charts.map = drawn.svg;
        dashboard.map.areas_without_unit = drawn.areas_without_unit;
        Ok(dashboard)
    }

    /// The dashboard's figures for `filter`, ready to show (deadlines, a name for services
    /// without a Ressort) but nothing drawn; with `services`, each service's row as well. The
    /// page draws charts and map from them, the PDF report lays them out.
    pub async fn figures(
        &self,
        filter: &DashboardFilter,
        services: Option<&mut Vec<crate::storage::ReportService>>,
    ) -> Result<Dashboard, AppError> {
        self.figures_at(filter, reference_date(filter), services)
            .await
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn figures_at(
        &self,
        filter: &DashboardFilter,
        as_of: chrono::NaiveDate,
        services: Option<&mut Vec<crate::storage::ReportService>>,
    ) -> Result<Dashboard, AppError> {
        let locale = request_locale();
        let mut dashboard = match self
            .storage
            .dashboard_and_services_at(filter, as_of, services)
            .await?
        {
            Ok(o) => o,
            Err(crate::storage::ScopeError::UnknownKreis(code)) => {
                return Err(AppError::bad_request(
                    td_string!(locale, dashboard.error_kreis, code = code).to_string(),
                ))
            }
        };
        for bar in &mut dashboard.ressort_bars {
            if bar.label.is_empty() {
                bar.label = td_string!(locale, dashboard.no_ressort).to_owned();
            }
        }
        for row in &mut dashboard.late.by_ressort {
            if row.label.is_empty() {
                row.label = td_string!(locale, dashboard.no_ressort).to_owned();
            }
        }
        Ok(dashboard)
    }
}

/// The day a dashboard filter shows: its "Stand am", else today (UTC).
fn reference_date(filter: &DashboardFilter) -> chrono::NaiveDate {
    filter.am.unwrap_or_else(|| Utc::now().date_naive())
}

/// Midnight at the start of a German calendar day, as UTC (Europe/Berlin is UTC+1 or +2;
/// the hour of difference at the edges of a day is accepted for filtering by date).
fn day_start(d: chrono::NaiveDate) -> chrono::DateTime<Utc> {
    Utc.from_utc_datetime(&d.and_time(NaiveTime::MIN)) - chrono::Duration::hours(1)
}

/// Rows per page of a service's records.
pub const RECORDS_PER_PAGE: u32 = 50;

/// "Meine Aufgaben": records not updated for this many days wait for an update (the
/// coordinators report at least monthly, so a quarter without one stands out) …
pub const MY_WORK_STALE_DAYS: i64 = 90;
/// … the changes of this many days are shown, and this many rows of each list.
pub const MY_WORK_CHANGES_DAYS: i64 = 30;
pub const MY_WORK_ROWS: u32 = 20;

#[async_trait::async_trait]
impl app::ssr::Backend for ServerBackend {
    async fn site_info(&self) -> Result<SiteInfo, AppError> {
        Ok(SiteInfo {
            land_name: self.land_name.clone(),
            demo_data: self.storage.has_demo_data().await?,
            public_read: self.public_read,
            operator: self.operator.clone(),
            data_as_of: self.storage.data_as_of().await?,
        })
    }

    async fn data_imports(&self) -> Result<DataImports, AppError> {
        Ok(DataImports {
            catalogue: self.storage.catalogue_imported().await?,
            territory: self.storage.territory_imported().await?,
        })
    }

    async fn filter_options(&self) -> Result<FilterOptions, AppError> {
        Ok(self.storage.filter_options().await?)
    }

    #[tracing::instrument(skip(self))]
    async fn dashboard(&self, filter: &DashboardFilter) -> Result<Dashboard, AppError> {
        let locale = request_locale();
        let as_of = reference_date(filter);
        // read before the data, so a view is never kept under a newer generation than its data
        let generation = self.storage.data_generation().await?;
        let view = self
            .dashboard_cache
            .get_or_draw(
                filter,
                as_of,
                locale,
                generation,
                self.draw_dashboard(filter, as_of, locale),
            )
            .await?;
        Ok(Dashboard::clone(&view))
    }

    async fn services(&self, query: &ServiceQuery) -> Result<Page<ServiceSummary>, AppError> {
        Ok(self.storage.services(query).await?)
    }

    async fn service(
        &self,
        id: OzgId,
        records_page: u32,
        unit: Option<String>,
    ) -> Result<ServiceDetail, AppError> {
        Ok(self
            .storage
            .service(id, records_page, RECORDS_PER_PAGE, unit.as_deref())
            .await?)
    }

    async fn org_units(&self, query: &OrgUnitQuery) -> Result<Vec<OrgUnit>, AppError> {
        Ok(self.storage.org_units(query).await?)
    }

    async fn org_unit(&self, code: &str) -> Result<OrgUnitDetail, AppError> {
        Ok(self.storage.org_unit(code).await?)
    }

    async fn record_page(
        &self,
        user: Option<&CurrentUser>,
        id: i64,
    ) -> Result<RecordEditing, AppError> {
        editing::record_page(&self.storage, user, id).await
    }

    #[tracing::instrument(skip(self, user), fields(user = %user.email))]
    async fn save_record(
        &self,
        user: &CurrentUser,
        form: RecordForm,
    ) -> Result<SaveOutcome, AppError> {
        match form.parse(request_locale()) {
            Ok((values, comment)) => {
                editing::save(
                    &self.storage,
                    user,
                    form.record_id,
                    form.version,
                    values,
                    comment,
                )
                .await
            }
            Err(errors) => Ok(SaveOutcome::Invalid { errors }),
        }
    }

    #[tracing::instrument(skip(self, user, request), fields(user = %user.email, records = request.record_ids.len()))]
    async fn bulk_update(
        &self,
        user: &CurrentUser,
        request: BulkRequest,
    ) -> Result<BulkSummary, AppError> {
        editing::bulk(&self.storage, user, &request).await
    }

    async fn my_work(&self, user: &CurrentUser) -> Result<MyWork, AppError> {
        let today = crate::editing::today();
        let stale_before = chrono::Utc::now() - chrono::Duration::days(MY_WORK_STALE_DAYS);
        let mut units = Vec::with_capacity(user.scopes.len());
        for unit in &user.scopes {
            let work = self
                .storage
                .work_list(&unit.code, today, stale_before, MY_WORK_ROWS)
                .await?;
            let mut changes = self
                .changes(&ChangeQuery {
                    since: today - chrono::Duration::days(MY_WORK_CHANGES_DAYS),
                    until: None,
                    org_unit: Some(unit.code.clone()),
                    services: ServiceFilter::default(),
                    page: 1,
                })
                .await?;
            changes.items.truncate(MY_WORK_ROWS as usize);
            units.push(UnitWork {
                unit: unit.clone(),
                overdue: work.overdue,
                stale: work.stale,
                unproven: work.unproven,
                changes,
            });
        }
        let (approvals, unapproved) = if user.is_admin() {
            (
                Some(self.storage.not_relevant_requests(MY_WORK_ROWS).await?),
                Some(self.storage.unapproved_not_relevant(MY_WORK_ROWS).await?),
            )
        } else {
            (None, None)
        };
        Ok(MyWork {
            approvals,
            unapproved,
            units,
            stale_days: MY_WORK_STALE_DAYS,
            changes_days: MY_WORK_CHANGES_DAYS,
        })
    }

    async fn bulk_selection(
        &self,
        user: &CurrentUser,
        query: BulkQuery,
    ) -> Result<BulkSelection, AppError> {
        let ozg_id = match query
            .ozg_id
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(text) => Some(i64::from(
                OzgId::parse(text)
                    .map_err(|e| AppError::bad_request(e.0))?
                    .get(),
            )),
            None => None,
        };
        let org_unit = query
            .org_unit
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned);
        if ozg_id.is_none() && org_unit.is_none() {
            return Err(AppError::bad_request(td_string!(
                request_locale(),
                common.error_choose_service_or_unit
            )));
        }
        let filter = RecordFilter {
            ozg_id,
            org_unit,
            status: query.status.filter(|s| !s.is_empty()),
            ..RecordFilter::default()
        };
        let records = self
            .record_list(&filter, PageStart::Number(query.page.max(1)), BULK_PER_PAGE)
            .await?
            .page;
        let editable = records
            .items
            .iter()
            .filter(|r| user.may_edit(r.org_unit_id, r.org_unit_parent_id))
            .map(|r| r.id)
            .collect();
        Ok(BulkSelection {
            records,
            editable,
            options: self.storage.edit_options().await?,
        })
    }

    async fn changes(&self, query: &ChangeQuery) -> Result<Page<ChangeEntry>, AppError> {
        let filter = ChangeFilter {
            since: day_start(query.since),
            until: query.until.and_then(|d| d.succ_opt()).map(day_start),
            org_unit: query.org_unit.clone().filter(|s| !s.is_empty()),
            services: query.services.clone(),
        };
        let page = self
            .storage
            .changes(&filter, query.page.max(1), CHANGES_PER_PAGE)
            .await?;
        let options = self.storage.edit_options().await?;
        Ok(Page {
            items: page
                .items
                .into_iter()
                .map(|c| {
                    Ok(ChangeEntry {
                        ozg_id: OzgId::try_from(c.ozg_id).map_err(|_| AppError::Internal)?,
                        service_name: c.service_name,
                        org_unit_code: c.org_unit_code,
                        org_unit_name: c.org_unit_name,
                        entry: editing::history_entry(c.event, &options),
                    })
                })
                .collect::<Result<_, AppError>>()?,
            total: page.total,
            page: page.page,
            per_page: page.per_page,
            next_after: None,
        })
    }

    async fn responsibilities(
        &self,
        user: Option<&CurrentUser>,
        query: &ResponsibilityQuery,
    ) -> Result<ResponsibilityMatrix, AppError> {
        let mut items = self.storage.responsibilities().await?;
        items.retain(|s| query.matches(s));
        Ok(ResponsibilityMatrix {
            items,
            figures: self.storage.responsibility_figures().await?,
            can_edit: user.is_some_and(CurrentUser::is_admin),
        })
    }

    async fn responsibility(
        &self,
        user: Option<&CurrentUser>,
        id: OzgId,
    ) -> Result<ResponsibilityEdit, AppError> {
        Ok(ResponsibilityEdit {
            service: self.storage.service_responsibility(id).await?,
            lead_units: self.storage.lead_units().await?,
            can_edit: user.is_some_and(CurrentUser::is_admin),
        })
    }

    async fn change_responsibility(
        &self,
        user: &CurrentUser,
        id: OzgId,
        change: ResponsibilityChange,
        dry_run: bool,
    ) -> Result<ResponsibilityOutcome, AppError> {
        crate::responsibility::change(&self.storage, user, id, &change, dry_run).await
    }

    async fn new_service_options(
        &self,
        user: Option<&CurrentUser>,
    ) -> Result<NewServiceOptions, AppError> {
        let (lagen, suggested_id) = self.storage.new_service_choices().await?;
        Ok(NewServiceOptions {
            lagen,
            lead_units: self.storage.lead_units().await?,
            suggested_id,
            can_edit: user.is_some_and(CurrentUser::is_admin),
        })
    }

    async fn add_service(
        &self,
        user: &CurrentUser,
        new: NewService,
        dry_run: bool,
    ) -> Result<ResponsibilityOutcome, AppError> {
        crate::responsibility::add_service(&self.storage, user, &new, dry_run).await
    }

    async fn account(&self, user: &CurrentUser) -> Result<AccountWithTokens, AppError> {
        Ok(AccountWithTokens {
            user: user.clone(),
            tokens: self.storage.api_tokens(user.id).await?,
        })
    }

    async fn create_token(
        &self,
        user: &CurrentUser,
        name: String,
    ) -> Result<NewApiToken, AppError> {
        let token = accounts::create_token(&self.storage, user.id, &name).await?;
        self.audit(
            action::TOKEN_CREATED,
            user,
            &format!("token:{}", token.info.id),
        )
        .await;
        Ok(token)
    }

    async fn revoke_token(&self, user: &CurrentUser, token_id: i64) -> Result<(), AppError> {
        if !self.storage.revoke_api_token(user.id, token_id).await? {
            return Err(AppError::not_found(td_string!(
                request_locale(),
                account.error_token_unknown
            )));
        }
        self.audit(action::TOKEN_REVOKED, user, &format!("token:{token_id}"))
            .await;
        Ok(())
    }

    async fn users(&self, admin: &CurrentUser) -> Result<Vec<UserSummary>, AppError> {
        self.require_admin(admin, "users").await?;
        Ok(self.storage.list_users().await?)
    }

    async fn save_user(
        &self,
        admin: &CurrentUser,
        form: UserForm,
    ) -> Result<UserSummary, AppError> {
        self.require_admin(admin, "users").await?;
        if form.id == Some(admin.id) && (!form.active || form.role != Role::Admin.code()) {
            return Err(AppError::Unprocessable(vec![td_string!(
                request_locale(),
                users.error_own_account
            )
            .to_string()]));
        }
        let id = accounts::save_user(&self.storage, &form).await?;
        let action = if form.id.is_some() {
            action::USER_CHANGED
        } else {
            action::USER_CREATED
        };
        self.audit(action, admin, &crate::storage::normalise_email(&form.email))
            .await;
        self.storage
            .list_users()
            .await?
            .into_iter()
            .find(|u| u.id == id)
            .ok_or(AppError::Internal)
    }

    async fn audit_log(
        &self,
        admin: &CurrentUser,
        action: Option<String>,
        page: u32,
    ) -> Result<Page<AuditLine>, AppError> {
        self.require_admin(admin, "audit_log").await?;
        let action = action.filter(|a| AuditLine::ACTIONS.contains(&a.as_str()));
        Ok(self
            .storage
            .audit_page(action.as_deref(), page, AUDIT_PER_PAGE)
            .await?)
    }

    async fn settings(&self, admin: &CurrentUser) -> Result<Settings, AppError> {
        self.require_admin(admin, "settings").await?;
        Ok(self.storage.settings().await?)
    }

    async fn change_setting(
        &self,
        admin: &CurrentUser,
        change: SettingChange,
    ) -> Result<Settings, AppError> {
        self.require_admin(admin, "settings").await?;
        let refused =
            |r: SettingRefusal| AppError::Unprocessable(vec![r.message(request_locale())]);
        let change = change.checked().map_err(refused)?;
        self.storage
            .change_setting(&change, &admin.actor(), Utc::now())
            .await?
            .map_err(refused)?;
        Ok(self.storage.settings().await?)
    }
}
