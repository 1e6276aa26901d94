//! The dashboard's reads: figures at a reference date and the monthly trend, both from the
//! history rollups (one index seek per service, a few change points per service), never
//! from the records or events.

use super::history::{baseline_day, FIGURE_COLUMNS, LAND_SCOPE};
use super::writes::{Contribution, MATURITY_LEVELS};
use super::{bind_all, on_pool, Bind, Filter, Result, Storage, StorageError};
use app::domain::*;
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use sqlx::AssertSqlSafe;
use std::collections::BTreeMap;

/// The lead ministry's code of service `s`: its own lead unit, else its Themenfeld's.
pub(crate) const RESSORT_OF_SERVICE: &str =
    "COALESCE((SELECT code FROM org_unit WHERE id = s.lead_unit_id), \
     (SELECT lead_unit_code FROM themenfeld WHERE id = s.themenfeld_id))";

#[derive(sqlx::FromRow)]
struct StateRow {
    ozg_id: i64,
    themenfeld_id: i64,
    themenfeld: String,
    responsibility: String,
    ressort_code: Option<String>,
    #[sqlx(flatten)]
    figures: super::history::FigureRow,
}

type CodeName = (String, String);

/// Why a dashboard filter finds nothing to show (the page explains it, in German).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScopeError {
    UnknownKreis(String),
}

/// The service-level conditions of `f` on `service s`.
fn service_conditions(f: &DashboardFilter, sql: &mut Filter) {
    sql.and("s.active", []);
    if let Some(t) = f.themenfeld {
        sql.and("s.themenfeld_id = ?", [Bind::Int(t)]);
    }
    if let Some(l) = f.lage {
        sql.and("s.lage_id = ?", [Bind::Int(l)]);
    }
    if let Some(r) = &f.ressort {
        sql.and(
            &format!("{RESSORT_OF_SERVICE} = ?"),
            [Bind::Text(r.clone())],
        );
    }
    if let Some(t) = &f.leika_typ {
        sql.and(
            "(';' || s.leika_types || ';') LIKE ?",
            [Bind::Text(format!("%;{t};%"))],
        );
    }
}

/// The first instant after day `d` (UTC), for "up to the end of that day".
fn end_of(d: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&(d + Duration::days(1)).and_time(NaiveTime::MIN))
}

impl Storage {
    /// Themenfelder, Lagen, Ressorts and Kreise for the filter bar.
    pub async fn dashboard_options(&self) -> Result<DashboardOptions> {
        let base = self.filter_options().await?;
        let (ressorts, kreise): (Vec<CodeName>, Vec<CodeName>) = on_pool!(self, pool => {
            (
                sqlx::query_as("SELECT code, name FROM org_unit WHERE kind = 'ressort' AND valid_to IS NULL ORDER BY name")
                    .fetch_all(pool).await?,
                sqlx::query_as("SELECT code, name FROM org_unit WHERE kind = 'kreis' AND valid_to IS NULL ORDER BY name")
                    .fetch_all(pool).await?,
            )
        });
        let unit = |kind: OrgUnitKind| {
            move |(code, name): (String, String)| OrgUnitRef { code, name, kind }
        };
        Ok(DashboardOptions {
            themenfelder: base.themenfelder,
            lagen: base.lagen,
            ressorts: ressorts
                .into_iter()
                .map(unit(OrgUnitKind::Ressort))
                .collect(),
            kreise: kreise.into_iter().map(unit(OrgUnitKind::Kreis)).collect(),
        })
    }

    /// The Kreis a filter names, if any (`Err` when the code is not a current Kreis).
    async fn dashboard_kreis(
        &self,
        f: &DashboardFilter,
    ) -> Result<std::result::Result<Option<(i64, OrgUnitRef)>, ScopeError>> {
        let Some(code) = &f.kreis else {
            return Ok(Ok(None));
        };
        let row: Option<(i64, String)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT id, name FROM org_unit WHERE code = $1 AND kind = 'kreis'")
                .bind(code).fetch_optional(pool).await?
        });
        Ok(match row {
            Some((id, name)) => Ok(Some((
                id,
                OrgUnitRef {
                    code: code.clone(),
                    name,
                    kind: OrgUnitKind::Kreis,
                },
            ))),
            None => Err(ScopeError::UnknownKreis(code.clone())),
        })
    }

    /// The dashboard's figures at the end of `as_of` for filter `f` (charts and deadlines are
    /// added by the caller). Reads one history row per matching service and their category
    /// change points: the cost does not depend on the length of the history.
    pub async fn overview_at(
        &self,
        f: &DashboardFilter,
        as_of: NaiveDate,
    ) -> Result<std::result::Result<Overview, ScopeError>> {
        let kreis = match self.dashboard_kreis(f).await? {
            Ok(k) => k,
            Err(e) => return Ok(Err(e)),
        };
        let scope = kreis.as_ref().map_or(LAND_SCOPE, |(id, _)| *id);

        let mut state = Filter::default();
        service_conditions(f, &mut state);
        state.and(
            "h.scope_id = ? AND h.day = (SELECT MAX(x.day) FROM rollup_history x \
             WHERE x.ozg_id = s.ozg_id AND x.scope_id = ? AND x.day <= ?)",
            [Bind::Int(scope), Bind::Int(scope), Bind::Date(as_of)],
        );
        let state_sql = format!(
            "SELECT s.ozg_id, s.themenfeld_id, t.name AS themenfeld, s.responsibility, \
             {RESSORT_OF_SERVICE} AS ressort_code, {FIGURE_COLUMNS} \
             FROM service s JOIN themenfeld t ON t.id = s.themenfeld_id \
             JOIN rollup_history h ON h.ozg_id = s.ozg_id{} ORDER BY t.name, s.ozg_id",
            state.sql()
        );
        let mut changes = Filter::default();
        service_conditions(f, &mut changes);
        changes.and(
            "c.scope_id = ? AND c.day <= ?",
            [Bind::Int(scope), Bind::Date(as_of)],
        );
        let changes_sql = format!(
            "SELECT c.ozg_id, c.day, c.category FROM category_history c \
             JOIN service s ON s.ozg_id = c.ozg_id{} ORDER BY c.ozg_id, c.day",
            changes.sql()
        );
        let model = self.maturity_model().await?;
        let kreis_id = kreis.as_ref().map(|(id, _)| *id);
        let (rows, change_rows, gemeinden, ressort_names, levels, data_as_of) = on_pool!(self, pool => {
            let rows: Vec<StateRow> = bind_all!(sqlx::query_as(AssertSqlSafe(state_sql)), state.binds)
                .fetch_all(pool).await?;
            let change_rows: Vec<(i64, NaiveDate, String)> =
                bind_all!(sqlx::query_as(AssertSqlSafe(changes_sql)), changes.binds).fetch_all(pool).await?;
            let gemeinden: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM org_unit WHERE kind = 'gemeinde' AND valid_to IS NULL \
                 AND ($1 IS NULL OR parent_id = $1)")
                .bind(kreis_id).fetch_one(pool).await?;
            let ressort_names: Vec<(String, String)> =
                sqlx::query_as("SELECT code, name FROM org_unit WHERE kind = 'ressort'").fetch_all(pool).await?;
            let levels: Vec<(i64, String)> =
                sqlx::query_as("SELECT level, label FROM maturity_level WHERE model = $1 ORDER BY level")
                    .bind(&model).fetch_all(pool).await?;
            let data_as_of: Option<DateTime<Utc>> = sqlx::query_scalar(
                "SELECT occurred_at FROM record_event WHERE occurred_at < $1 ORDER BY occurred_at DESC LIMIT 1")
                .bind(end_of(as_of)).fetch_optional(pool).await?;
            (rows, change_rows, gemeinden, ressort_names, levels, data_as_of)
        });

        // change points per service, for the trend and for the category filter
        let mut per_service: BTreeMap<i64, Vec<(NaiveDate, CoverageCategory)>> = BTreeMap::new();
        for (ozg_id, day, code) in change_rows {
            let category = CoverageCategory::from_code(&code).ok_or_else(|| {
                StorageError::Inconsistent(format!("unknown coverage category {code}"))
            })?;
            per_service.entry(ozg_id).or_default().push((day, category));
        }

        let mut o = Overview {
            filter: f.clone(),
            as_of,
            kreis: kreis.map(|(_, unit)| unit),
            data_as_of,
            services_total: 0,
            services_online_any: 0,
            services_online_full: 0,
            municipal_records_applicable: 0,
            municipal_records_online: 0,
            municipal_population_applicable: 0,
            municipal_population_online: 0,
            gemeinden_total: gemeinden,
            maturity_sum: 0,
            maturity_count: 0,
            bars: Vec::new(),
            ressort_bars: Vec::new(),
            maturity: Vec::new(),
            maturity_unknown: 0,
            maturity_model: model,
            trend: Vec::new(),
            deadlines: Vec::new(),
            charts: DashboardCharts::default(),
            options: DashboardOptions::default(),
        };
        let ressort_name = |code: &str| {
            ressort_names
                .iter()
                .find(|(c, _)| c == code)
                .map_or_else(|| code.to_owned(), |(_, n)| n.clone())
        };
        let mut level_counts = [0i64; MATURITY_LEVELS];
        let mut included: Vec<i64> = Vec::with_capacity(rows.len());
        for r in rows {
            let figures: Contribution = r.figures.into();
            let category = figures.category();
            if f.stand.is_some_and(|s| s != category) {
                continue;
            }
            included.push(r.ozg_id);
            o.services_total += 1;
            o.services_online_any += i64::from(figures.online > 0);
            o.services_online_full += i64::from(category == CoverageCategory::Full);
            if matches!(
                Responsibility::from_code(&r.responsibility),
                Some(Responsibility::Gemeinde | Responsibility::Kreis)
            ) {
                o.municipal_records_applicable += figures.applicable;
                o.municipal_records_online += figures.online;
                o.municipal_population_applicable += figures.population_applicable;
                o.municipal_population_online += figures.population_online;
            }
            o.maturity_sum += figures.maturity_sum;
            o.maturity_count += figures.maturity_count;
            o.maturity_unknown += figures.applicable - figures.maturity_count;
            for (total, n) in level_counts.iter_mut().zip(figures.levels) {
                *total += n;
            }
            bar_for(
                &mut o.bars,
                format!("themenfeld={}", r.themenfeld_id),
                &r.themenfeld,
            )
            .add(category);
            let (param, label) = match &r.ressort_code {
                Some(code) => (format!("ressort={}", urlencode(code)), ressort_name(code)),
                None => (String::new(), String::new()),
            };
            bar_for(&mut o.ressort_bars, param, &label).add(category);
        }
        o.ressort_bars.sort_by_key(|b| std::cmp::Reverse(b.total()));
        o.maturity = level_counts
            .iter()
            .enumerate()
            .filter_map(|(level, records)| {
                let level = level as i64;
                let label = levels
                    .iter()
                    .find(|(l, _)| *l == level)
                    .map(|(_, s)| s.clone());
                // levels outside the configured scale appear only if records carry them
                (label.is_some() || *records > 0).then(|| MaturityBin {
                    level,
                    label: label.unwrap_or_default(),
                    records: *records,
                })
            })
            .collect();
        let series: Vec<Vec<(NaiveDate, CoverageCategory)>> = included
            .iter()
            .filter_map(|id| per_service.remove(id))
            .collect();
        o.trend = monthly_trend(&series, baseline_day(), as_of);
        Ok(Ok(o))
    }
}

fn bar_for<'a>(bars: &'a mut Vec<CategoryBar>, param: String, label: &str) -> &'a mut CategoryBar {
    match bars.iter().position(|b| b.link_param == param) {
        Some(i) => &mut bars[i],
        None => {
            bars.push(CategoryBar::new(param, label.to_owned()));
            bars.last_mut().expect("just pushed")
        }
    }
}
