//! The dashboard's reads: figures at a reference date and the monthly trend, both from the
//! history rollups (one index seek per service, a few change points per service), never
//! from the records or events.

use super::contribution::{Contribution, MATURITY_BINS};
use super::history::{baseline_day, FIGURE_COLUMNS, LAND_SCOPE};
use super::service_filter::{and_service_conditions, RESSORT_OF_SERVICE};
use super::{bind_all, on_pool, Bind, Filter, Result, Storage, StorageError};
use app::domain::*;
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use sqlx::AssertSqlSafe;
use std::collections::{BTreeMap, BTreeSet};

#[derive(sqlx::FromRow)]
struct StateRow {
    ozg_id: i64,
    service_name: String,
    themenfeld_id: i64,
    themenfeld: String,
    responsibility: String,
    confirmed: bool,
    ressort_code: Option<String>,
    #[sqlx(flatten)]
    figures: super::history::FigureRow,
}

type CodeName = (String, String);
/// A Gemeinde, a status and its number of records at the reference date.
type StatusCount = (i64, String, i64);

/// A service in a report's table: its coverage in the report's scope.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportService {
    pub ozg_id: i64,
    pub name: String,
    pub themenfeld: String,
    pub category: CoverageCategory,
    pub figures: ScopeFigures,
}

/// Why a dashboard filter finds nothing to show (the page explains it, in German).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScopeError {
    UnknownKreis(String),
}

/// The services the dashboard counts, on `service s`: the active ones that `f` keeps.
pub(super) fn service_conditions(f: &DashboardFilter, sql: &mut Filter) {
    sql.and("s.active", []);
    and_service_conditions(sql, &f.services);
}

/// The services of `land` on `service s`: the filter's conditions, and with a category filter
/// (applied to the figures, not expressible on the service) exactly the services it kept.
fn included_services(f: &DashboardFilter, land: &BTreeMap<i64, ScopeFigures>, sql: &mut Filter) {
    service_conditions(f, sql);
    if f.stand.is_some() {
        let ids: Vec<Bind> = if land.is_empty() {
            vec![Bind::Int(-1)] // no service: an id no service has
        } else {
            land.keys().map(|id| Bind::Int(*id)).collect()
        };
        let marks = vec!["?"; ids.len()].join(", ");
        sql.and(&format!("s.ozg_id IN ({marks})"), ids);
    }
}

/// Whether `as_of` is today (or later): then each pair's newest history row is its state, and
/// lateness (which the history does not keep) can be shown.
fn is_today(as_of: NaiveDate) -> bool {
    as_of >= Utc::now().date_naive()
}

/// The first instant after day `d` (UTC), for "up to the end of that day".
fn end_of(d: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&(d + Duration::days(1)).and_time(NaiveTime::MIN))
}

impl Storage {
    /// The history row at the end of day `$day` of each (service, scope) pair that `pairs`
    /// lists (columns `ozg_id` and `pair_scope`, plus any to pass through), as `p.*` and the
    /// figures: one index seek per pair, never a scan of the history. PostgreSQL gets a
    /// LATERAL lookup (its planner otherwise hashes the whole history table); SQLite, without
    /// LATERAL, finds each pair's day in a materialised step and then the row by its key
    /// (CROSS JOIN fixes that order: SQLite 3.51 otherwise scanned the whole history against
    /// a Bloom filter of the pairs, which grew with the history).
    ///
    /// For today each pair's newest row is today's state: read through the partial
    /// index of newest rows, without any seek for a day.
    fn rows_at_date(&self, pairs: &str, day: usize, as_of: NaiveDate, order: &str) -> String {
        if is_today(as_of) {
            // SQLite would pick the primary key (all days of a pair) without the hint
            let index = match self {
                Storage::Sqlite(_) => " INDEXED BY rollup_history_latest_by_scope",
                Storage::Postgres(_) => "",
            };
            return format!(
                "SELECT p.*, {FIGURE_COLUMNS} FROM ({pairs}) p JOIN rollup_history h{index} \
                 ON h.ozg_id = p.ozg_id AND h.scope_id = p.pair_scope AND h.is_latest \
                 AND h.day <= ${day} {order}"
            );
        }
        match self {
            Storage::Postgres(_) => format!(
                "SELECT p.*, {FIGURE_COLUMNS} FROM ({pairs}) p CROSS JOIN LATERAL \
                 (SELECT * FROM rollup_history x WHERE x.ozg_id = p.ozg_id AND x.scope_id = p.pair_scope \
                 AND x.day <= ${day} ORDER BY x.day DESC LIMIT 1) h {order}"
            ),
            Storage::Sqlite(_) => format!(
                "WITH p AS MATERIALIZED (SELECT q.*, (SELECT MAX(x.day) FROM rollup_history x \
                 WHERE x.ozg_id = q.ozg_id AND x.scope_id = q.pair_scope AND x.day <= ${day}) AS at_day \
                 FROM ({pairs}) q) \
                 SELECT p.*, {FIGURE_COLUMNS} FROM p CROSS JOIN rollup_history h WHERE h.ozg_id = p.ozg_id \
                 AND h.scope_id = p.pair_scope AND h.day = p.at_day {order}"
            ),
        }
    }

    /// Themenfelder, Lagen, Ressorts and Kreise for the filter bar.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn dashboard_options(&self) -> Result<DashboardOptions> {
        let base = self.filter_options().await?;
        let (mut ressorts, mut kreise): (Vec<CodeName>, Vec<CodeName>) = on_pool!(self, pool => {
            (
                sqlx::query_as("SELECT code, name FROM org_unit WHERE kind = 'ressort' AND valid_to IS NULL")
                    .fetch_all(pool).await?,
                sqlx::query_as("SELECT code, name FROM org_unit WHERE kind = 'kreis' AND valid_to IS NULL")
                    .fetch_all(pool).await?,
            )
        });
        for list in [&mut ressorts, &mut kreise] {
            list.sort_by_cached_key(|(_, name)| app::domain::german_sort_key(name));
        }
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
    #[tracing::instrument(level = "debug", skip_all)]
    async fn dashboard_kreis(
        &self,
        f: &DashboardFilter,
    ) -> Result<std::result::Result<Option<(i64, OrgUnitRef)>, ScopeError>> {
        let Some(code) = f.kreis.as_ref().map(UnitCode::as_str) else {
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
                    code: code.to_owned(),
                    name,
                    kind: OrgUnitKind::Kreis,
                },
            ))),
            None => Err(ScopeError::UnknownKreis(code.to_owned())),
        })
    }

    /// The dashboard's figures at the end of `as_of` for filter `f` (charts and deadlines are
    /// added by the caller). Reads one history row per matching service and their category
    /// change points: the cost does not depend on the length of the history.
    pub async fn dashboard_at(
        &self,
        f: &DashboardFilter,
        as_of: NaiveDate,
    ) -> Result<std::result::Result<Dashboard, ScopeError>> {
        self.dashboard_and_services_at(f, as_of, None).await
    }

    /// [`Storage::dashboard_at`], and with `services` each service in the figures with its
    /// coverage in the filter's Kreis (or the Land), in the dashboard's order: the PDF
    /// report's table, from the same rows.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn dashboard_and_services_at(
        &self,
        f: &DashboardFilter,
        as_of: NaiveDate,
        services: Option<&mut Vec<ReportService>>,
    ) -> Result<std::result::Result<Dashboard, ScopeError>> {
        let kreis = match self.dashboard_kreis(f).await? {
            Ok(k) => k,
            Err(e) => return Ok(Err(e)),
        };
        let scope = kreis.as_ref().map_or(LAND_SCOPE, |(id, _)| *id);
        let read = self
            .dashboard_rows(f, as_of, scope, kreis.as_ref().map(|(id, _)| *id))
            .await?;
        let mut per_service = change_points(read.change_rows)?;
        let tally = Tally::count(f, read.rows, &read.ressort_names, services);
        let land_figures: BTreeMap<i64, ScopeFigures> = tally.figures.into_iter().collect();
        let (map, full_in_a_kreis) = match &kreis {
            None => self.kreis_map(f, as_of, &land_figures).await?,
            Some(_) => (
                self.gemeinde_map(f, as_of, scope, &land_figures).await?,
                BTreeSet::new(),
            ),
        };
        let with_full_kreis: Vec<(ScopeFigures, bool)> = land_figures
            .iter()
            .map(|(id, land)| (*land, full_in_a_kreis.contains(id)))
            .collect();
        let late = if is_today(as_of) {
            self.lateness(f, as_of, scope, &tally.ressort_of, &read.ressort_names)
                .await?
        } else {
            Lateness::default()
        };
        let series: Vec<Vec<(NaiveDate, CoverageCategory)>> = tally
            .included
            .iter()
            .filter_map(|id| per_service.remove(id))
            .collect();
        Ok(Ok(Dashboard {
            filter: f.clone(),
            as_of,
            kreis: kreis.map(|(_, unit)| unit),
            data_as_of: read.data_as_of,
            services: tally.services,
            municipal: MunicipalKpis {
                gemeinden: read.gemeinden,
                ..tally.municipal
            },
            maturity: MaturityFigures {
                model: read.maturity_model,
                bins: maturity_bins(&tally.level_counts, &read.levels),
                ..tally.maturity
            },
            bars: tally.bars,
            ressort_bars: tally.ressort_bars,
            trend: monthly_trend(&series, baseline_day(), as_of),
            deadlines: self.deadlines().await?,
            federal: federal_summary(&with_full_kreis),
            map,
            late,
            // what the page draws and offers (the backend adds them; the PDF report has none)
            charts: DashboardCharts::default(),
            options: DashboardOptions::default(),
        }))
    }

    /// The rows the dashboard counts: each service of the filter with its figures in the
    /// scope at the end of `as_of`, the coverage change points, and what names them.
    async fn dashboard_rows(
        &self,
        f: &DashboardFilter,
        as_of: NaiveDate,
        scope: i64,
        kreis_id: Option<i64>,
    ) -> Result<DashboardRows> {
        let mut state = Filter::default();
        service_conditions(f, &mut state);
        let n = state.next_placeholder();
        // the level each service had on that day (`responsibility_change`): a past date
        // counts a service that moved since as what it was then
        let day = n + 1;
        let pairs = format!(
            "SELECT s.ozg_id, CAST(${n} AS BIGINT) AS pair_scope, s.name AS service_name, \
             s.themenfeld_id, t.name AS themenfeld, \
             COALESCE((SELECT c.old_level FROM responsibility_change c WHERE c.ozg_id = s.ozg_id \
               AND c.changed_on > ${day} ORDER BY c.changed_on, c.id LIMIT 1), s.responsibility) AS responsibility, \
             s.responsibility_confirmed AS confirmed, {RESSORT_OF_SERVICE} AS ressort_code \
             FROM service s JOIN themenfeld t ON t.id = s.themenfeld_id{}",
            state.sql()
        );
        let state_sql = self.rows_at_date(&pairs, day, as_of, "ORDER BY p.themenfeld, p.ozg_id");
        state.binds.push(Bind::Int(scope));
        state.binds.push(Bind::Date(as_of));
        let mut changes = Filter::default();
        service_conditions(f, &mut changes);
        changes.and(
            "c.ozg_id = s.ozg_id AND c.scope_id = ? AND c.day <= ?",
            [Bind::Int(scope), Bind::Date(as_of)],
        );
        let changes_sql = format!(
            // CROSS JOIN keeps SQLite from scanning the change points: one seek per service
            "SELECT c.ozg_id, c.day, c.category FROM service s CROSS JOIN category_history c{} \
             ORDER BY c.ozg_id, c.day",
            changes.sql()
        );
        let model = self.maturity_model().await?;
        let (rows, change_rows, gemeinden, ressort_names, levels, data_as_of) = on_pool!(self, pool => {
            let rows: Vec<StateRow> = bind_all!(sqlx::query_as(AssertSqlSafe(state_sql)), state.binds)
                .fetch_all(pool).await?;
            let change_rows: Vec<(i64, NaiveDate, String)> =
                bind_all!(sqlx::query_as(AssertSqlSafe(changes_sql)), changes.binds).fetch_all(pool).await?;
            // the Gemeinden that existed at the end of that day (territorial changes)
            let gemeinden: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM org_unit WHERE kind = 'gemeinde' \
                 AND (valid_to IS NULL OR valid_to > $2) AND (valid_from IS NULL OR valid_from <= $2) \
                 AND ($1 IS NULL OR parent_id = $1)")
                .bind(kreis_id).bind(as_of).fetch_one(pool).await?;
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

        Ok(DashboardRows {
            rows,
            change_rows,
            gemeinden,
            ressort_names,
            levels,
            data_as_of,
            maturity_model: model,
        })
    }
}

/// What [`Storage::dashboard_rows`] reads.
struct DashboardRows {
    rows: Vec<StateRow>,
    change_rows: Vec<(i64, NaiveDate, String)>,
    /// The Gemeinden in the view that existed at the end of the day.
    gemeinden: i64,
    ressort_names: Vec<CodeName>,
    /// The levels of the Reifegrad model in use, with their names.
    levels: Vec<(i64, String)>,
    data_as_of: Option<DateTime<Utc>>,
    maturity_model: String,
}

/// The coverage change points of each service, for the trend.
fn change_points(
    rows: Vec<(i64, NaiveDate, String)>,
) -> Result<BTreeMap<i64, Vec<(NaiveDate, CoverageCategory)>>> {
    let mut per_service: BTreeMap<i64, Vec<(NaiveDate, CoverageCategory)>> = BTreeMap::new();
    for (ozg_id, day, code) in rows {
        let category = CoverageCategory::from_code(&code).ok_or_else(|| {
            StorageError::Inconsistent(format!("unknown coverage category {code}"))
        })?;
        per_service.entry(ozg_id).or_default().push((day, category));
    }
    Ok(per_service)
}

/// The dashboard's counts over the services the filter keeps (the category filter `stand`
/// applied here, on each service's figures at the reference date).
#[derive(Default)]
struct Tally {
    services: ServiceKpis,
    municipal: MunicipalKpis,
    maturity: MaturityFigures,
    level_counts: [i64; MATURITY_BINS],
    bars: Vec<CategoryBar>,
    ressort_bars: Vec<CategoryBar>,
    /// The services counted, in the rows' order, with their figures in the scope.
    included: Vec<i64>,
    figures: Vec<(i64, ScopeFigures)>,
    ressort_of: BTreeMap<i64, Option<String>>,
}

impl Tally {
    fn count(
        f: &DashboardFilter,
        rows: Vec<StateRow>,
        ressort_names: &[CodeName],
        mut report: Option<&mut Vec<ReportService>>,
    ) -> Self {
        let ressort_name = |code: &str| {
            ressort_names
                .iter()
                .find(|(c, _)| c == code)
                .map_or_else(|| code.to_owned(), |(_, n)| n.clone())
        };
        let mut t = Tally::default();
        for r in rows {
            let figures: Contribution = r.figures.into();
            let category = figures.category();
            if f.stand.is_some_and(|s| s != category) {
                continue;
            }
            t.included.push(r.ozg_id);
            if let Some(list) = report.as_mut() {
                list.push(ReportService {
                    ozg_id: r.ozg_id,
                    name: r.service_name.clone(),
                    themenfeld: r.themenfeld.clone(),
                    category,
                    figures: scope_figures(&figures),
                });
            }
            t.ressort_of.insert(r.ozg_id, r.ressort_code.clone());
            t.figures.push((r.ozg_id, scope_figures(&figures)));
            t.services.total += 1;
            t.services.online_any += i64::from(figures.online > 0);
            t.services.online_full += i64::from(category == CoverageCategory::Full);
            if matches!(
                Responsibility::from_code(&r.responsibility),
                Some(Responsibility::Gemeinde | Responsibility::Verband | Responsibility::Kreis)
            ) {
                let m = &mut t.municipal;
                m.services += 1;
                m.confirmed += i64::from(r.confirmed);
                m.records_applicable += figures.applicable;
                m.records_online += figures.online;
                m.population_applicable += figures.population_applicable;
                m.population_online += figures.population_online;
            }
            t.maturity.sum += figures.maturity_sum;
            t.maturity.count += figures.maturity_count;
            t.maturity.unknown += figures.applicable - figures.maturity_count;
            for (total, n) in t.level_counts.iter_mut().zip(figures.levels) {
                *total += n;
            }
            let themenfeld = ServiceFilter {
                themenfeld: Some(ThemenfeldId(r.themenfeld_id)),
                ..ServiceFilter::default()
            };
            bar_for(&mut t.bars, themenfeld, &r.themenfeld).add(category);
            // a service without a lead ministry has a bar without a name, which narrows nothing
            let ressort = r.ressort_code.as_deref().and_then(UnitCode::parse);
            let label = r
                .ressort_code
                .as_deref()
                .map(ressort_name)
                .unwrap_or_default();
            let ressort = ServiceFilter {
                ressort,
                ..ServiceFilter::default()
            };
            bar_for(&mut t.ressort_bars, ressort, &label).add(category);
        }
        t.ressort_bars.sort_by_key(|b| std::cmp::Reverse(b.total()));
        t
    }
}

/// The records per Reifegrad level, named as the model names them; levels outside the
/// configured scale appear only if records carry them.
fn maturity_bins(counts: &[i64; MATURITY_BINS], levels: &[(i64, String)]) -> Vec<MaturityBin> {
    counts
        .iter()
        .enumerate()
        .filter_map(|(level, records)| {
            let level = level as i64;
            let label = levels
                .iter()
                .find(|(l, _)| *l == level)
                .map(|(_, s)| s.clone());
            (label.is_some() || *records > 0).then(|| MaturityBin {
                level,
                label: label.unwrap_or_default(),
                records: *records,
            })
        })
        .collect()
}

fn scope_figures(c: &Contribution) -> ScopeFigures {
    ScopeFigures {
        applicable: c.applicable,
        online: c.online,
        population_applicable: c.population_applicable,
        population_online: c.population_online,
    }
}

/// One row of the Kreis map's aggregate: a Kreis's sums (`per_service` 0), or a service that
/// is flächendeckend in at least one Kreis (`per_service` 1, its id in `id`).
#[derive(sqlx::FromRow)]
struct KreisAggregate {
    per_service: i64,
    id: i64,
    records_applicable: i64,
    records_online: i64,
    population_applicable: i64,
    population_online: i64,
    services: i64,
    services_full: i64,
}

#[derive(sqlx::FromRow)]
struct UnitRow {
    id: i64,
    code: String,
    name: String,
    population: Option<i64>,
}

impl Storage {
    /// The Kreise at `as_of` over the services of `land` (those in the filter), and the
    /// services flächendeckend in at least one Kreis: one history seek per (service, Kreis),
    /// summed by the database so that only a row per Kreis and per such service comes back
    /// (thousands of pairs decoded one by one cost more than their seeks).
    #[tracing::instrument(level = "debug", skip_all)]
    async fn kreis_map(
        &self,
        f: &DashboardFilter,
        as_of: NaiveDate,
        land: &BTreeMap<i64, ScopeFigures>,
    ) -> Result<(CoverageMap, BTreeSet<i64>)> {
        let mut sql = Filter::default();
        included_services(f, land, &mut sql);
        let n = sql.next_placeholder();
        let pairs = format!(
            "SELECT s.ozg_id, k.id AS pair_scope, k.id AS kreis_id \
             FROM service s JOIN org_unit k ON k.kind = 'kreis' AND k.valid_to IS NULL{}",
            sql.sql()
        );
        let rows_sql = self.rows_at_date(&pairs, n, as_of, "");
        let full = "r.records_applicable > 0 AND r.records_online >= r.records_applicable";
        let aggregate_sql = format!(
            "WITH r AS MATERIALIZED ({rows_sql}) \
             SELECT CAST(0 AS BIGINT) AS per_service, r.kreis_id AS id, \
             CAST(SUM(r.records_applicable) AS BIGINT) AS records_applicable, \
             CAST(SUM(r.records_online) AS BIGINT) AS records_online, \
             CAST(SUM(r.population_applicable) AS BIGINT) AS population_applicable, \
             CAST(SUM(r.population_online) AS BIGINT) AS population_online, \
             CAST(SUM(CASE WHEN r.records_applicable > 0 THEN 1 ELSE 0 END) AS BIGINT) AS services, \
             CAST(SUM(CASE WHEN {full} THEN 1 ELSE 0 END) AS BIGINT) AS services_full \
             FROM r GROUP BY r.kreis_id \
             UNION ALL SELECT CAST(1 AS BIGINT), r.ozg_id, CAST(0 AS BIGINT), CAST(0 AS BIGINT), \
             CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT) \
             FROM r WHERE {full} GROUP BY r.ozg_id"
        );
        sql.binds.push(Bind::Date(as_of));
        let (rows, units): (Vec<KreisAggregate>, Vec<UnitRow>) = on_pool!(self, pool => {
            (
                bind_all!(sqlx::query_as(AssertSqlSafe(aggregate_sql)), sql.binds).fetch_all(pool).await?,
                sqlx::query_as("SELECT id, code, name, population FROM org_unit \
                    WHERE kind = 'kreis' AND valid_to IS NULL ORDER BY name")
                    .fetch_all(pool).await?,
            )
        });
        let mut regions: BTreeMap<i64, RegionCoverage> = units
            .into_iter()
            .map(|u| (u.id, empty_region(u.code, u.name)))
            .collect();
        let mut full_in_a_kreis = BTreeSet::new();
        for r in rows {
            if r.per_service == 1 {
                full_in_a_kreis.insert(r.id);
            } else if let Some(region) = regions.get_mut(&r.id) {
                region.figures = ScopeFigures {
                    applicable: r.records_applicable,
                    online: r.records_online,
                    population_applicable: r.population_applicable,
                    population_online: r.population_online,
                };
                region.services = r.services;
                region.services_full = r.services_full;
            }
        }
        let map = CoverageMap {
            gemeinden: false,
            regions: regions.into_values().collect(),
            areas_without_unit: Vec::new(),
        };
        Ok((map, full_in_a_kreis))
    }

    /// The Gemeinden of Kreis `kreis_id` at `as_of` over the services of `land`; the records of
    /// a Verwaltungsgemeinschaft or erfüllende Gemeinde count for each of its members, whose
    /// tasks it executes. Each record's
    /// status then is its last event's up to that day (or the one before its first event):
    /// two index seeks per record of the Kreis, however long the history (today: its status).
    /// The database counts the records per Gemeinde and status; only those counts come back.
    #[tracing::instrument(level = "debug", skip_all)]
    async fn gemeinde_map(
        &self,
        f: &DashboardFilter,
        as_of: NaiveDate,
        kreis_id: i64,
        land: &BTreeMap<i64, ScopeFigures>,
    ) -> Result<CoverageMap> {
        let mut sql = Filter::default();
        included_services(f, land, &mut sql);
        sql.and(
            "g.kind = 'gemeinde' AND g.parent_id = ?",
            [Bind::Int(kreis_id)],
        );
        sql.and(
            super::records::COUNTED_ON_DAY,
            [Bind::Date(as_of), Bind::Date(as_of)],
        );
        let n = sql.next_placeholder();
        // today each record's status is its current one; no events to read
        let status_at = if is_today(as_of) {
            "rec.status_code".to_owned()
        } else {
            sql.binds.push(Bind::Time(end_of(as_of)));
            format!(
                "COALESCE(\
                 (SELECT e.new_status FROM record_event e WHERE e.record_id = rec.id AND e.occurred_at < ${n} \
                  ORDER BY e.occurred_at DESC, e.id DESC LIMIT 1), \
                 (SELECT e.old_status FROM record_event e WHERE e.record_id = rec.id \
                  ORDER BY e.occurred_at, e.id LIMIT 1), rec.status_code)"
            )
        };
        let counts_sql = format!(
            "SELECT x.unit_id, x.status_code, CAST(COUNT(*) AS BIGINT) AS records FROM \
             (SELECT g.id AS unit_id, {status_at} AS status_code \
             FROM implementation_record rec JOIN org_unit o ON o.id = rec.org_unit_id \
             JOIN org_unit g ON g.id = o.id OR g.verband_id = o.id \
             JOIN service s ON s.ozg_id = rec.ozg_id{}) x GROUP BY x.unit_id, x.status_code",
            sql.sql()
        );
        let (counts, units, phases): (Vec<StatusCount>, Vec<UnitRow>, Vec<CodeName>) = on_pool!(self, pool => {
            (
                bind_all!(sqlx::query_as(AssertSqlSafe(counts_sql)), sql.binds).fetch_all(pool).await?,
                sqlx::query_as("SELECT id, code, name, population FROM org_unit \
                    WHERE kind = 'gemeinde' AND parent_id = $1 AND valid_to IS NULL ORDER BY name")
                    .bind(kreis_id).fetch_all(pool).await?,
                sqlx::query_as("SELECT code, phase FROM status").fetch_all(pool).await?,
            )
        });
        let phase_of = |code: &str| {
            phases
                .iter()
                .find(|(c, _)| c == code)
                .and_then(|(_, p)| Phase::from_code(p))
        };
        let population: BTreeMap<i64, i64> = units
            .iter()
            .map(|u| (u.id, u.population.unwrap_or(0)))
            .collect();
        let mut regions: BTreeMap<i64, RegionCoverage> = units
            .into_iter()
            .map(|u| (u.id, empty_region(u.code, u.name)))
            .collect();
        for (unit_id, status, records) in counts {
            let Some(phase) = phase_of(&status) else {
                return Err(StorageError::Inconsistent(format!(
                    "unknown status {status}"
                )));
            };
            if !phase.is_applicable() {
                continue;
            }
            if let Some(region) = regions.get_mut(&unit_id) {
                let online = if phase == Phase::Online { records } else { 0 };
                let people = population.get(&unit_id).copied().unwrap_or(0);
                region.figures.add(ScopeFigures {
                    applicable: records,
                    online,
                    population_applicable: people * records,
                    population_online: people * online,
                });
                region.services += records;
                region.services_full += online;
            }
        }
        Ok(CoverageMap {
            gemeinden: true,
            regions: regions.into_values().collect(),
            areas_without_unit: Vec::new(),
        })
    }
}

#[derive(sqlx::FromRow)]
struct LateGroup {
    ozg_id: i64,
    kreis_id: Option<i64>,
    kreis_code: Option<String>,
    kreis_name: Option<String>,
    records: i64,
    oldest: NaiveDate,
}

impl Storage {
    /// Open records planned before `as_of`, by Ressort and by Kreis, over the services of
    /// `ressort_of` (those in the filter). Reads the late records through their partial index.
    #[tracing::instrument(level = "debug", skip_all)]
    async fn lateness(
        &self,
        f: &DashboardFilter,
        as_of: NaiveDate,
        scope: i64,
        ressort_of: &BTreeMap<i64, Option<String>>,
        ressort_names: &[CodeName],
    ) -> Result<Lateness> {
        let mut sql = Filter::default();
        service_conditions(f, &mut sql);
        sql.and(
            "rec.is_open AND rec.planned_go_live IS NOT NULL AND rec.planned_go_live < ?",
            [Bind::Date(as_of)],
        );
        sql.and(super::records::COUNTED_RECORD, []);
        if scope != LAND_SCOPE {
            sql.and(
                "(o.id = ? OR o.parent_id = ?)",
                [Bind::Int(scope), Bind::Int(scope)],
            );
        }
        let groups_sql = format!(
            "SELECT rec.ozg_id, k.id AS kreis_id, k.code AS kreis_code, k.name AS kreis_name, \
             COUNT(*) AS records, MIN(rec.planned_go_live) AS oldest \
             FROM implementation_record rec JOIN service s ON s.ozg_id = rec.ozg_id \
             JOIN org_unit o ON o.id = rec.org_unit_id \
             LEFT JOIN org_unit k ON k.id = {} {} \
             GROUP BY rec.ozg_id, k.id, k.code, k.name",
            super::history::KREIS_OF_UNIT,
            sql.sql()
        );
        let groups: Vec<LateGroup> = on_pool!(self, pool => {
            bind_all!(sqlx::query_as(AssertSqlSafe(groups_sql)), sql.binds).fetch_all(pool).await?
        });
        let mut late = Lateness {
            available: true,
            ..Default::default()
        };
        let mut by_ressort: BTreeMap<String, (LateRow, std::collections::BTreeSet<i64>)> =
            BTreeMap::new();
        let mut by_kreis: BTreeMap<i64, (LateRow, std::collections::BTreeSet<i64>)> =
            BTreeMap::new();
        let new_row = |label: String, unit_code: Option<String>| LateRow {
            label,
            unit_code,
            records: 0,
            services: 0,
            oldest: None,
        };
        let count = |(row, services): &mut (LateRow, std::collections::BTreeSet<i64>),
                     g: &LateGroup| {
            row.records += g.records;
            row.oldest = Some(row.oldest.map_or(g.oldest, |o| o.min(g.oldest)));
            services.insert(g.ozg_id);
        };
        for g in &groups {
            let Some(ressort) = ressort_of.get(&g.ozg_id) else {
                continue; // outside the category filter
            };
            late.records += g.records;
            let code = ressort.clone().unwrap_or_default();
            let entry = by_ressort.entry(code.clone()).or_insert_with(|| {
                let name = ressort_names
                    .iter()
                    .find(|(c, _)| *c == code)
                    .map(|(_, n)| n.clone())
                    .unwrap_or_default();
                (new_row(name, None), Default::default())
            });
            count(entry, g);
            if let (Some(id), Some(code), Some(name)) = (g.kreis_id, &g.kreis_code, &g.kreis_name) {
                let entry = by_kreis.entry(id).or_insert_with(|| {
                    (
                        new_row(name.clone(), Some(code.clone())),
                        Default::default(),
                    )
                });
                count(entry, g);
            }
        }
        let finish = |rows: Vec<(LateRow, std::collections::BTreeSet<i64>)>| {
            let mut rows: Vec<LateRow> = rows
                .into_iter()
                .map(|(mut row, services)| {
                    row.services = services.len() as i64;
                    row
                })
                .collect();
            rows.sort_by_key(|r| std::cmp::Reverse(r.records));
            rows
        };
        late.by_ressort = finish(by_ressort.into_values().collect());
        late.by_kreis = finish(by_kreis.into_values().collect());
        Ok(late)
    }
}

fn empty_region(code: String, name: String) -> RegionCoverage {
    RegionCoverage {
        code,
        name,
        figures: ScopeFigures::default(),
        services_full: 0,
        services: 0,
        on_map: false,
    }
}

fn bar_for<'a>(
    bars: &'a mut Vec<CategoryBar>,
    narrowing: ServiceFilter,
    label: &str,
) -> &'a mut CategoryBar {
    if let Some(i) = bars.iter().position(|b| b.narrowing == narrowing) {
        &mut bars[i]
    } else {
        bars.push(CategoryBar::new(narrowing, label.to_owned()));
        bars.last_mut().expect("just pushed")
    }
}
