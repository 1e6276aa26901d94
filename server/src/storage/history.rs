//! History rollups: what the trend charts and "Stand am" read (migration 0005).
//!
//! For every (service, scope) — scope [`LAND_SCOPE`] for the whole Land, a Kreis's org-unit id
//! for its own and its Gemeinden's records — `rollup_history` holds the figures at the end of
//! each day they changed, and `category_history` the days the coverage category changed.
//! Every write adjusts both in its own transaction ([`apply_history!`]); the state at any date
//! is then one index seek per (service, scope), independent of the length of the history.
//! [`Storage::rebuild_history`] recomputes both from records and events (seeding, bulk demo
//! data, databases migrated with history already present).

use super::contribution::{phase_sql, Contribution, MATURITY_BINS};
use super::{in_transaction, on_pool, Result, Storage};
use app::domain::{CoverageCategory, Phase};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::QueryBuilder;
use std::collections::{BTreeMap, HashMap};

/// The scope of the whole Land (org-unit ids start at 1).
pub const LAND_SCOPE: i64 = 0;

/// The date of the baseline row: the state before the first recorded event.
pub fn baseline_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid date")
}

/// The history day of an event: its UTC date.
pub fn day_of(t: DateTime<Utc>) -> NaiveDate {
    t.date_naive()
}

/// A transaction's changes, per (service, scope) and day.
#[derive(Debug, Default)]
pub(crate) struct HistoryDeltas(BTreeMap<(i64, i64), BTreeMap<NaiveDate, Contribution>>);

impl HistoryDeltas {
    /// Counts `delta` for the Land and, for a territorial record, its Kreis.
    pub fn add(&mut self, ozg_id: i64, kreis_id: Option<i64>, day: NaiveDate, delta: Contribution) {
        for scope in std::iter::once(LAND_SCOPE).chain(kreis_id) {
            self.0
                .entry((ozg_id, scope))
                .or_default()
                .entry(day)
                .or_default()
                .add(delta, 1);
        }
    }

    pub fn pairs(&self) -> impl Iterator<Item = ((i64, i64), &BTreeMap<NaiveDate, Contribution>)> {
        self.0.iter().map(|(k, v)| (*k, v))
    }
}

pub(crate) const HISTORY_COLUMNS: &str =
    "ozg_id, scope_id, day, records_applicable, records_online, \
     records_in_progress, population_applicable, population_online, maturity_0, maturity_1, \
     maturity_2, maturity_3, maturity_4, maturity_5, maturity_6, maturity_7";

/// Columns 4.. of [`HISTORY_COLUMNS`], for reading the figures on `rollup_history h`.
pub(crate) const FIGURE_COLUMNS: &str = "h.records_applicable, h.records_online, \
     h.records_in_progress, h.population_applicable, h.population_online, h.maturity_0, \
     h.maturity_1, h.maturity_2, h.maturity_3, h.maturity_4, h.maturity_5, h.maturity_6, h.maturity_7";

#[derive(sqlx::FromRow, Debug, Clone, Copy)]
pub(crate) struct FigureRow {
    pub records_applicable: i64,
    pub records_online: i64,
    pub records_in_progress: i64,
    pub population_applicable: i64,
    pub population_online: i64,
    pub maturity_0: i64,
    pub maturity_1: i64,
    pub maturity_2: i64,
    pub maturity_3: i64,
    pub maturity_4: i64,
    pub maturity_5: i64,
    pub maturity_6: i64,
    pub maturity_7: i64,
}

impl From<FigureRow> for Contribution {
    fn from(r: FigureRow) -> Self {
        let levels = [
            r.maturity_0,
            r.maturity_1,
            r.maturity_2,
            r.maturity_3,
            r.maturity_4,
            r.maturity_5,
            r.maturity_6,
            r.maturity_7,
        ];
        Contribution {
            applicable: r.records_applicable,
            online: r.records_online,
            in_progress: r.records_in_progress,
            population_applicable: r.population_applicable,
            population_online: r.population_online,
            maturity_sum: levels.iter().enumerate().map(|(i, n)| i as i64 * n).sum(),
            maturity_count: levels.iter().sum(),
            levels,
        }
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct DayRow {
    pub day: NaiveDate,
    #[sqlx(flatten)]
    pub figures: FigureRow,
}

/// A history row as stored: service, scope, day, its 13 figures and whether it is the newest.
pub type StoredFigures = (i64, i64, NaiveDate, [i64; 14]);
/// A category change point as stored: service, scope, day, category code.
pub type StoredCategory = (i64, i64, NaiveDate, String);

/// One (service, scope)'s figures by day, ascending.
pub(crate) type Series = Vec<(NaiveDate, Contribution)>;
/// The days a (service, scope) entered a category, ascending.
pub(crate) type CategoryPoints = Vec<(NaiveDate, CoverageCategory)>;

/// Merges one pair's deltas into its stored series. `stored` holds the last row before the
/// first delta day (if any) and every row from that day on, ascending. Returns the rows to
/// write (every day from the first delta day on, with the deltas added) and the category
/// change points from that day on.
pub(crate) fn merge_series(
    stored: &[(NaiveDate, Contribution)],
    deltas: &BTreeMap<NaiveDate, Contribution>,
) -> (Series, CategoryPoints) {
    let Some(first) = deltas.keys().next().copied() else {
        return (Vec::new(), Vec::new());
    };
    let before = stored.iter().rev().find(|(d, _)| *d < first);
    let mut days: Vec<NaiveDate> = stored
        .iter()
        .map(|(d, _)| *d)
        .filter(|d| *d >= first)
        .chain(deltas.keys().copied())
        .collect();
    days.sort_unstable();
    days.dedup();

    let mut base = before.map(|(_, c)| *c).unwrap_or_default();
    let mut added = Contribution::default();
    let mut previous_category = before.map(|(_, c)| c.category());
    let mut rows = Vec::with_capacity(days.len());
    let mut changes = Vec::new();
    for day in days {
        if let Some((_, c)) = stored.iter().find(|(d, _)| *d == day) {
            base = *c;
        }
        if let Some(d) = deltas.get(&day) {
            added.add(*d, 1);
        }
        let mut value = base;
        value.add(added, 1);
        let category = value.category();
        if previous_category != Some(category) {
            changes.push((day, category));
            previous_category = Some(category);
        }
        rows.push((day, value));
    }
    (rows, changes)
}

/// Writes one transaction's [`HistoryDeltas`] on `$tx` (inside `in_transaction!`, so the
/// same statements run on either backend).
macro_rules! apply_history {
    ($tx:ident, $deltas:expr) => {{
        use $crate::storage::history::{merge_series, DayRow, FIGURE_COLUMNS};
        for ((ozg_id, scope), days) in $deltas.pairs() {
            let Some(first) = days.keys().next().copied() else { continue };
            let read = format!(
                "SELECT h.day, {FIGURE_COLUMNS} FROM rollup_history h WHERE h.ozg_id = $1 AND h.scope_id = $2 \
                 AND h.day >= COALESCE((SELECT MAX(day) FROM rollup_history WHERE ozg_id = $1 AND scope_id = $2 \
                 AND day < $3), $3) ORDER BY h.day"
            );
            let stored: Vec<DayRow> = sqlx::query_as(sqlx::AssertSqlSafe(read))
                .bind(ozg_id).bind(scope).bind(first)
                .fetch_all(&mut *$tx).await?;
            let stored: Vec<_> = stored.into_iter().map(|r| (r.day, r.figures.into())).collect();
            let (rows, changes) = merge_series(&stored, days);
            for chunk in rows.chunks($crate::storage::history::ROWS_PER_STATEMENT) {
                $crate::storage::history::upsert_rows(ozg_id, scope, chunk)
                    .build().execute(&mut *$tx).await?;
            }
            sqlx::query(
                "UPDATE rollup_history SET is_latest = (day = (SELECT MAX(x.day) FROM rollup_history x \
                 WHERE x.ozg_id = $1 AND x.scope_id = $2)) \
                 WHERE ozg_id = $1 AND scope_id = $2 AND (is_latest OR day >= $3)",
            )
            .bind(ozg_id).bind(scope).bind(first)
            .execute(&mut *$tx).await?;
            sqlx::query("DELETE FROM category_history WHERE ozg_id = $1 AND scope_id = $2 AND day >= $3")
                .bind(ozg_id).bind(scope).bind(first)
                .execute(&mut *$tx).await?;
            for chunk in changes.chunks($crate::storage::history::ROWS_PER_STATEMENT) {
                $crate::storage::history::insert_categories(ozg_id, scope, chunk)
                    .build().execute(&mut *$tx).await?;
            }
        }
    }};
}
pub(crate) use apply_history;

/// Rows per multi-row statement: 16 binds each, below SQLite's 32,766 and PostgreSQL's 65,535.
pub(crate) const ROWS_PER_STATEMENT: usize = 1000;

fn push_rows<DB: sqlx::Database>(
    qb: &mut QueryBuilder<DB>,
    ozg_id: i64,
    scope: i64,
    rows: &[(NaiveDate, Contribution)],
) where
    i64: for<'t> sqlx::Encode<'t, DB> + sqlx::Type<DB>,
    NaiveDate: for<'t> sqlx::Encode<'t, DB> + sqlx::Type<DB>,
{
    qb.push_values(rows, |mut b, (day, c)| {
        b.push_bind(ozg_id)
            .push_bind(scope)
            .push_bind(*day)
            .push_bind(c.applicable)
            .push_bind(c.online)
            .push_bind(c.in_progress)
            .push_bind(c.population_applicable)
            .push_bind(c.population_online);
        for n in c.levels {
            b.push_bind(n);
        }
    });
}

pub(crate) fn upsert_rows<DB: sqlx::Database>(
    ozg_id: i64,
    scope: i64,
    rows: &[(NaiveDate, Contribution)],
) -> QueryBuilder<DB>
where
    i64: for<'t> sqlx::Encode<'t, DB> + sqlx::Type<DB>,
    NaiveDate: for<'t> sqlx::Encode<'t, DB> + sqlx::Type<DB>,
{
    let mut qb = QueryBuilder::new(format!("INSERT INTO rollup_history ({HISTORY_COLUMNS}) "));
    push_rows(&mut qb, ozg_id, scope, rows);
    qb.push(
        " ON CONFLICT (ozg_id, scope_id, day) DO UPDATE SET \
         records_applicable = excluded.records_applicable, records_online = excluded.records_online, \
         records_in_progress = excluded.records_in_progress, \
         population_applicable = excluded.population_applicable, \
         population_online = excluded.population_online, maturity_0 = excluded.maturity_0, \
         maturity_1 = excluded.maturity_1, maturity_2 = excluded.maturity_2, \
         maturity_3 = excluded.maturity_3, maturity_4 = excluded.maturity_4, \
         maturity_5 = excluded.maturity_5, maturity_6 = excluded.maturity_6, \
         maturity_7 = excluded.maturity_7",
    );
    qb
}

pub(crate) fn insert_categories<DB: sqlx::Database>(
    ozg_id: i64,
    scope: i64,
    changes: &[(NaiveDate, CoverageCategory)],
) -> QueryBuilder<DB>
where
    i64: for<'t> sqlx::Encode<'t, DB> + sqlx::Type<DB>,
    NaiveDate: for<'t> sqlx::Encode<'t, DB> + sqlx::Type<DB>,
    String: for<'t> sqlx::Encode<'t, DB> + sqlx::Type<DB>,
{
    let mut qb =
        QueryBuilder::new("INSERT INTO category_history (ozg_id, scope_id, day, category) ");
    qb.push_values(changes, |mut b, (day, category)| {
        b.push_bind(ozg_id)
            .push_bind(scope)
            .push_bind(*day)
            .push_bind(category.code().to_owned());
    });
    qb
}

#[derive(sqlx::FromRow)]
pub(crate) struct ReplayedRecord {
    id: i64,
    ozg_id: i64,
    kreis_id: Option<i64>,
    phase: String,
    maturity: Option<i64>,
    weight: i64,
    /// The first day a Gemeinde or Kreis added by a territorial change exists.
    starts: Option<NaiveDate>,
    /// The first day a dissolved Gemeinde or Kreis no longer exists.
    ends: Option<NaiveDate>,
}

#[derive(sqlx::FromRow)]
pub(crate) struct EventRow {
    record_id: i64,
    occurred_at: DateTime<Utc>,
    old_phase: Option<String>,
    old_maturity: Option<i64>,
    new_phase: Option<String>,
    new_maturity: Option<i64>,
}

/// SQL for a record's Kreis (its own id for a Kreis, its parent's for a Gemeinde) on `org_unit o`.
pub(crate) const KREIS_OF_UNIT: &str =
    "CASE WHEN o.kind IN ('gemeinde', 'verband') THEN o.parent_id WHEN o.kind = 'kreis' THEN o.id END";

fn parse_phase(code: &str) -> Result<Phase> {
    super::rows::phase(code)
}

/// The lifetime of the unit `org_unit o`, as columns `starts` and `ends`. Only territorial
/// units have one the figures follow: a ministry's `valid_from` (the 2024 reshuffle) says when
/// it was named so, and its records carry the older history.
pub(super) const UNIT_LIFETIME: &str =
    "CASE WHEN o.kind IN ('gemeinde', 'verband', 'kreis') THEN o.valid_from END AS starts, o.valid_to AS ends";

/// A record's period: first day counted (`None`: from the beginning) and first day not.
type Period = (Option<NaiveDate>, Option<NaiveDate>);

/// A period in which a record counts (`record_period`, written by responsibility changes).
#[derive(sqlx::FromRow)]
pub(crate) struct PeriodRow {
    record_id: i64,
    starts: Option<NaiveDate>,
    ends: Option<NaiveDate>,
}

/// What [`rebuild_history_in`] reads: every record (with its unit's lifetime), every event and
/// every record period.
pub(crate) fn rebuild_sources() -> (String, &'static str, &'static str) {
    let records = format!(
        "SELECT rec.id, rec.ozg_id, {KREIS_OF_UNIT} AS kreis_id, st.phase, rec.maturity, {} AS weight, \
         {UNIT_LIFETIME} FROM implementation_record rec JOIN status st ON st.code = rec.status_code \
         JOIN org_unit o ON o.id = rec.org_unit_id",
        phase_sql::WEIGHT
    );
    let events = "SELECT e.record_id, e.occurred_at, os.phase AS old_phase, e.old_maturity, \
         ns.phase AS new_phase, e.new_maturity FROM record_event e \
         LEFT JOIN status os ON os.code = e.old_status LEFT JOIN status ns ON ns.code = e.new_status";
    let periods = "SELECT record_id, starts, ends FROM record_period ORDER BY id";
    (records, events, periods)
}

/// Both history tables as [`Storage::rebuild_history`] writes them: per (service, scope) its
/// rows and its category change points. A record counts in each of its periods (one without
/// periods: always) within its unit's lifetime — from the period's first day with the state
/// its events had reached by then, each later event on its day, and no longer from the day
/// the period ends (a responsibility change closed it) or its unit was dissolved.
pub(crate) fn rebuilt_history(
    records: &[ReplayedRecord],
    events: &[EventRow],
    periods: &[PeriodRow],
) -> Result<Vec<(i64, i64, Series, CategoryPoints)>> {
    let by_id: HashMap<i64, &ReplayedRecord> = records.iter().map(|r| (r.id, r)).collect();
    let mut changes_of: HashMap<i64, Vec<(NaiveDate, Contribution)>> = HashMap::new();
    for e in events {
        let Some(r) = by_id.get(&e.record_id) else {
            continue;
        };
        let (Some(old), Some(new)) = (&e.old_phase, &e.new_phase) else {
            continue;
        };
        let mut change = Contribution::of(parse_phase(new)?, e.new_maturity, r.weight);
        change.add(
            Contribution::of(parse_phase(old)?, e.old_maturity, r.weight),
            -1,
        );
        changes_of
            .entry(r.id)
            .or_default()
            .push((day_of(e.occurred_at), change));
    }
    let mut periods_of: HashMap<i64, Vec<Period>> = HashMap::new();
    for p in periods {
        periods_of
            .entry(p.record_id)
            .or_default()
            .push((p.starts, p.ends));
    }
    let always = [(None, None)];
    let mut deltas = HistoryDeltas::default();
    for r in records {
        let changes = changes_of.get(&r.id).map_or(&[][..], Vec::as_slice);
        // the state before every event: today's minus every change
        let mut initial = Contribution::of(parse_phase(&r.phase)?, r.maturity, r.weight);
        for (_, c) in changes {
            initial.add(*c, -1);
        }
        let state_at = |day: NaiveDate| {
            let mut state = initial;
            for (_, c) in changes.iter().filter(|(d, _)| *d <= day) {
                state.add(*c, 1);
            }
            state
        };
        let unit_start = r.starts.unwrap_or_else(baseline_day).max(baseline_day());
        for (starts, ends) in periods_of.get(&r.id).map_or(&always[..], Vec::as_slice) {
            let from = starts.unwrap_or_else(baseline_day).max(unit_start);
            let until = match (*ends, r.ends) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            if until.is_some_and(|u| u <= from) {
                continue;
            }
            deltas.add(r.ozg_id, r.kreis_id, from, state_at(from));
            for (day, c) in changes
                .iter()
                .filter(|(d, _)| *d > from && until.is_none_or(|u| *d <= u))
            {
                deltas.add(r.ozg_id, r.kreis_id, *day, *c);
            }
            if let Some(until) = until {
                let mut gone = Contribution::default();
                gone.add(state_at(until), -1);
                deltas.add(r.ozg_id, r.kreis_id, until, gone);
            }
        }
    }
    Ok(deltas
        .pairs()
        .map(|((ozg_id, scope), days)| {
            let (series, changes) = merge_series(&[], days);
            (ozg_id, scope, series, changes)
        })
        .collect())
}

/// Recomputes both history tables on `$tx` from the records and events as `$tx` sees them
/// (inside `in_transaction!`, so a territorial change and its history commit together).
macro_rules! rebuild_history_in {
    ($tx:ident) => {{
        use $crate::storage::history::{
            insert_categories, rebuild_sources, rebuilt_history, upsert_rows, EventRow, PeriodRow,
            ReplayedRecord, ROWS_PER_STATEMENT,
        };
        let (records_sql, events_sql, periods_sql) = rebuild_sources();
        let records: Vec<ReplayedRecord> = sqlx::query_as(sqlx::AssertSqlSafe(records_sql))
            .fetch_all(&mut *$tx)
            .await?;
        let events: Vec<EventRow> = sqlx::query_as(events_sql).fetch_all(&mut *$tx).await?;
        let periods: Vec<PeriodRow> = sqlx::query_as(periods_sql).fetch_all(&mut *$tx).await?;
        let history = rebuilt_history(&records, &events, &periods)?;
        drop(events);
        drop(records);
        sqlx::query("DELETE FROM rollup_history")
            .execute(&mut *$tx)
            .await?;
        sqlx::query("DELETE FROM category_history")
            .execute(&mut *$tx)
            .await?;
        for (ozg_id, scope, series, _) in &history {
            for chunk in series.chunks(ROWS_PER_STATEMENT) {
                upsert_rows(*ozg_id, *scope, chunk)
                    .build()
                    .execute(&mut *$tx)
                    .await?;
            }
        }
        sqlx::query(
            "UPDATE rollup_history SET is_latest = TRUE WHERE (ozg_id, scope_id, day) IN \
             (SELECT ozg_id, scope_id, MAX(day) FROM rollup_history GROUP BY ozg_id, scope_id)",
        )
        .execute(&mut *$tx)
        .await?;
        for (ozg_id, scope, _, changes) in &history {
            for chunk in changes.chunks(ROWS_PER_STATEMENT) {
                insert_categories(*ozg_id, *scope, chunk)
                    .build()
                    .execute(&mut *$tx)
                    .await?;
            }
        }
    }};
}
pub(crate) use rebuild_history_in;

impl Storage {
    /// Recomputes both history tables from the records and their events, the same figures the
    /// write path maintains ([`rebuilt_history`]).
    pub async fn rebuild_history(&self) -> Result<()> {
        in_transaction!(self, tx => {
            rebuild_history_in!(tx);
        });
        // A rebuild follows bulk loads (seeding, demo data). PostgreSQL plans from statistics
        // and answers from covering indexes only for pages its visibility map marks, both of
        // which autovacuum provides only later: without them it read the whole history for
        // filtered dashboards and the records table for lateness (docs/results.md). A few
        // seconds here; SQLite's dashboard plans are fixed by hints.
        if let Storage::Postgres(pool) = self {
            sqlx::raw_sql("VACUUM ANALYZE").execute(pool).await?;
        }
        Ok(())
    }

    /// Every history row, for comparing maintained and rebuilt history in tests.
    pub async fn history_snapshot(&self) -> Result<(Vec<StoredFigures>, Vec<StoredCategory>)> {
        let rows_sql = format!(
            "SELECT h.ozg_id, h.scope_id, h.day, h.is_latest, {FIGURE_COLUMNS} FROM rollup_history h \
             ORDER BY h.ozg_id, h.scope_id, h.day"
        );
        #[derive(sqlx::FromRow)]
        struct Row {
            ozg_id: i64,
            scope_id: i64,
            day: NaiveDate,
            is_latest: bool,
            #[sqlx(flatten)]
            figures: FigureRow,
        }
        let (rows, categories): (Vec<Row>, Vec<StoredCategory>) = on_pool!(self, pool => {
            (
                sqlx::query_as(sqlx::AssertSqlSafe(rows_sql)).fetch_all(pool).await?,
                sqlx::query_as("SELECT ozg_id, scope_id, day, category FROM category_history ORDER BY ozg_id, scope_id, day")
                    .fetch_all(pool).await?,
            )
        });
        let rows = rows
            .into_iter()
            .map(|r| {
                let c: Contribution = r.figures.into();
                let mut figures = [0; 14];
                figures[..5].copy_from_slice(&[
                    c.applicable,
                    c.online,
                    c.in_progress,
                    c.population_applicable,
                    c.population_online,
                ]);
                figures[5..13].copy_from_slice(&c.levels);
                figures[13] = i64::from(r.is_latest);
                (r.ozg_id, r.scope_id, r.day, figures)
            })
            .collect();
        Ok((rows, categories))
    }

    /// Fills the history of a database that has records but no history rows yet (one
    /// migrated to this version). Cheap when there is nothing to do.
    pub async fn ensure_history(&self) -> Result<bool> {
        let (has_history, has_records): (bool, bool) = on_pool!(self, pool => {
            (
                sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM (SELECT 1 FROM rollup_history LIMIT 1) x")
                    .fetch_one(pool).await? > 0,
                sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM (SELECT 1 FROM implementation_record LIMIT 1) x")
                    .fetch_one(pool).await? > 0,
            )
        });
        if has_history || !has_records {
            return Ok(false);
        }
        self.rebuild_history().await?;
        Ok(true)
    }
}

const _: () = assert!(
    MATURITY_BINS == 8,
    "rollup_history has maturity_0..maturity_7"
);

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn online(n: i64, of: i64) -> Contribution {
        Contribution {
            applicable: of,
            online: n,
            ..Default::default()
        }
    }

    #[test]
    fn a_backdated_change_reaches_every_later_day_and_its_category_points() {
        // stored: baseline 0 of 2 online, 10.03. 1 of 2
        let stored = vec![
            (baseline_day(), online(0, 2)),
            (day("2024-03-10"), online(1, 2)),
        ];
        // a change on 01.02. puts the other record online
        let deltas = BTreeMap::from([(day("2024-02-01"), online(1, 0))]);
        let (rows, changes) = merge_series(&stored, &deltas);
        let figures: Vec<_> = rows
            .iter()
            .map(|(d, c)| (*d, c.online, c.applicable))
            .collect();
        assert_eq!(
            figures,
            vec![(day("2024-02-01"), 1, 2), (day("2024-03-10"), 2, 2)]
        );
        assert_eq!(
            changes,
            vec![
                (day("2024-02-01"), CoverageCategory::Partial),
                (day("2024-03-10"), CoverageCategory::Full)
            ]
        );
    }

    #[test]
    fn a_change_on_a_stored_day_adds_to_it() {
        let stored = vec![
            (baseline_day(), online(0, 3)),
            (day("2025-01-05"), online(1, 3)),
        ];
        let deltas = BTreeMap::from([(day("2025-01-05"), online(1, 0))]);
        let (rows, changes) = merge_series(&stored, &deltas);
        assert_eq!(rows.len(), 1);
        assert_eq!((rows[0].1.online, rows[0].1.applicable), (2, 3));
        // change points are rewritten from the first changed day on: the day keeps its one
        assert_eq!(
            changes,
            vec![(day("2025-01-05"), CoverageCategory::Partial)]
        );
    }

    #[test]
    fn a_new_pair_starts_from_zero_with_its_first_category() {
        let deltas = BTreeMap::from([
            (baseline_day(), online(0, 1)),
            (day("2023-06-30"), online(1, 0)),
        ]);
        let (rows, changes) = merge_series(&[], &deltas);
        assert_eq!(rows.len(), 2);
        assert_eq!(
            changes,
            vec![
                (baseline_day(), CoverageCategory::NotStarted),
                (day("2023-06-30"), CoverageCategory::Full)
            ]
        );
    }

    #[test]
    fn maturity_levels_sum_back_to_sum_and_count() {
        let c = Contribution::of(Phase::Online, Some(3), 100);
        let mut total = c;
        total.add(Contribution::of(Phase::Pilot, Some(9), 50), 1);
        assert_eq!(total.levels[3], 1);
        assert_eq!(total.levels[7], 1, "levels above the scale count as 7");
        let back: Contribution = FigureRow {
            records_applicable: total.applicable,
            records_online: total.online,
            records_in_progress: total.in_progress,
            population_applicable: total.population_applicable,
            population_online: total.population_online,
            maturity_0: total.levels[0],
            maturity_1: total.levels[1],
            maturity_2: total.levels[2],
            maturity_3: total.levels[3],
            maturity_4: total.levels[4],
            maturity_5: total.levels[5],
            maturity_6: total.levels[6],
            maturity_7: total.levels[7],
        }
        .into();
        assert_eq!(back.maturity_count, 2);
        assert_eq!(back.maturity_sum, 3 + 7);
    }
}
