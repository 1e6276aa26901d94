//! Reading implementation records for editing: one record with its org unit, the configured
//! pipeline and scale, a record's history, lists for the API and bulk selection, and the
//! changes in a period.

use super::events::{StoredEvent, EVENT_COLUMNS};
use super::rows::{kind, ozg_id, phase};
use super::service_filter::{and_record_services, and_service_conditions};
use super::{bind_all, on_pool, past_the_end, Bind, Filter, Result, Storage, StorageError};
use app::domain::{
    EditOptions, FacetCount, MaturityOption, Page, RecordDetail, RecordFacets, RecordList,
    ServiceFilter, StatusOption,
};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::AssertSqlSafe;
use std::collections::BTreeMap;

#[derive(sqlx::FromRow)]
pub(super) struct DetailRow {
    id: i64,
    version: i64,
    ozg_id: i64,
    service_name: String,
    org_unit_id: i64,
    org_unit_parent_id: Option<i64>,
    org_unit_code: String,
    org_unit_name: String,
    org_unit_kind: String,
    status_code: String,
    status_label: String,
    phase: String,
    maturity: Option<i64>,
    planned_go_live: Option<NaiveDate>,
    actual_go_live: Option<NaiveDate>,
    online_url: Option<String>,
    efa_solution: Option<String>,
    note: Option<String>,
    updated_at: DateTime<Utc>,
    closed_on: Option<NaiveDate>,
}

/// A [`DetailRow`]'s columns; `$from` joins `rec`, `s`, `o` and `st`.
macro_rules! detail_select {
    ($from:literal) => {
        concat!(
            "SELECT rec.id, rec.version, rec.ozg_id, s.name AS service_name, o.id AS org_unit_id, \
             o.parent_id AS org_unit_parent_id, o.code AS org_unit_code, o.name AS org_unit_name, \
             o.kind AS org_unit_kind, rec.status_code, st.label AS status_label, st.phase, rec.maturity, \
             rec.planned_go_live, rec.actual_go_live, rec.online_url, rec.efa_solution, rec.note, \
             rec.updated_at, rec.closed_on FROM ",
            $from,
            " JOIN org_unit o ON o.id = rec.org_unit_id JOIN status st ON st.code = rec.status_code"
        )
    };
}

/// Records found by id or by unit.
const DETAIL_SELECT: &str =
    detail_select!("implementation_record rec JOIN service s ON s.ozg_id = rec.ozg_id");

/// Records in the list's order, walked service by service: SQLite then reads each service's
/// records by the index on (service, unit) and sorts only those (CROSS JOIN keeps `service`
/// the outer table in SQLite; PostgreSQL plans it as any join). It needs the condition
/// [`BY_SERVICE_JOIN`].
const DETAIL_SELECT_BY_SERVICE: &str =
    detail_select!("service s CROSS JOIN implementation_record rec");
const BY_SERVICE_JOIN: &str = "rec.ozg_id = s.ozg_id";

/// One record by id (`$1`), as [`DetailRow`]: read alone and by the write path before commit.
pub(super) fn detail_by_id_sql() -> String {
    format!("{DETAIL_SELECT} WHERE rec.id = $1")
}

impl TryFrom<DetailRow> for RecordDetail {
    type Error = super::StorageError;
    fn try_from(r: DetailRow) -> Result<Self> {
        Ok(Self {
            id: r.id,
            version: r.version,
            ozg_id: ozg_id(r.ozg_id)?,
            service_name: r.service_name,
            org_unit_id: r.org_unit_id,
            org_unit_parent_id: r.org_unit_parent_id,
            org_unit_code: r.org_unit_code,
            org_unit_name: r.org_unit_name,
            org_unit_kind: kind(&r.org_unit_kind)?,
            status_code: r.status_code,
            status_label: r.status_label,
            phase: phase(&r.phase)?,
            maturity: r.maturity,
            planned_go_live: r.planned_go_live,
            actual_go_live: r.actual_go_live,
            online_url: r.online_url,
            efa_solution: r.efa_solution,
            note: r.note,
            updated_at: r.updated_at,
            closed_on: r.closed_on,
        })
    }
}

/// Which records a list shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct RecordFilter {
    pub ozg_id: Option<i64>,
    /// An org unit code: the unit's own records and those of its direct children (a Kreis
    /// and its Gemeinden).
    pub org_unit: Option<String>,
    pub status: Option<String>,
    /// The records of the services this keeps.
    pub services: ServiceFilter,
    /// A Regionalschlüssel prefix (2–12 digits, checked by the caller): the units whose ARS
    /// begins with it, and units without an ARS directly below one of them (the ministries
    /// under the Land). `16` is all of Thüringen, `16051` the Kreis Erfurt.
    pub area: Option<String>,
}

/// Where a page of records starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageStart {
    /// Page number from 1 (offset paging: what the UI's numbered pages use).
    Number(u32),
    /// Right after this record in the list's order (keyset paging: the API's `nach`).
    After(i64),
}

/// Which changes the "Änderungen seit …" list shows.
#[derive(Debug, Clone)]
pub struct ChangeFilter {
    pub since: DateTime<Utc>,
    pub until: Option<DateTime<Utc>>,
    /// The unit itself and its direct children.
    pub org_unit: Option<String>,
    pub services: ServiceFilter,
}

/// A stored event with the record it belongs to.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StoredChange {
    #[sqlx(flatten)]
    pub event: StoredEvent,
    pub ozg_id: i64,
    pub service_name: String,
    pub org_unit_code: String,
    pub org_unit_name: String,
}

/// A condition with a `?` for each of its binds.
type Condition = (&'static str, Vec<Bind>);

/// Records of the unit `code` itself and of its direct children (a Kreis and its Gemeinden);
/// `o` is the record's org unit.
fn unit_with_children(code: &str) -> Condition {
    (
        "(o.code = ? OR o.parent_id = (SELECT id FROM org_unit WHERE code = ?))",
        vec![Bind::Text(code.to_owned()), Bind::Text(code.to_owned())],
    )
}

/// Records of units that exist today, on `org_unit o`. A Gemeinde or Kreis dissolved by a
/// territorial change keeps its records (read-only, on its own page); lists, exports and
/// figures of today leave them out.
pub(super) const CURRENT_UNIT: &str = "o.valid_to IS NULL";

/// Records that count today, on `implementation_record rec` joined with `org_unit o`: of a
/// unit that exists and still responsible for the service. A record closed by a
/// responsibility change stays readable on its unit's page.
pub(super) const COUNTED_RECORD: &str = "o.valid_to IS NULL AND rec.closed_on IS NULL";

/// Records that counted on the day `?` (bound twice): those without periods, or with one
/// containing that day (`storage/responsibility.rs`).
pub(super) const COUNTED_ON_DAY: &str =
    "(NOT EXISTS (SELECT 1 FROM record_period p WHERE p.record_id = rec.id) \
     OR EXISTS (SELECT 1 FROM record_period p WHERE p.record_id = rec.id \
       AND (p.starts IS NULL OR p.starts <= ?) AND (p.ends IS NULL OR p.ends > ?)))";

/// Records of units in the area `prefix` (see [`RecordFilter::area`]); `o` is the record's
/// org unit.
fn unit_in_area(prefix: &str) -> Condition {
    let pattern = format!("{prefix}%");
    (
        "(o.ars LIKE ? OR (o.ars IS NULL AND o.parent_id IN (SELECT p.id FROM org_unit p WHERE p.ars LIKE ?)))",
        vec![Bind::Text(pattern.clone()), Bind::Text(pattern)],
    )
}

/// The conditions of `f` on the record `rec` itself (not on its unit).
fn and_own_conditions(filter: &mut Filter, f: &RecordFilter) {
    if let Some(id) = f.ozg_id {
        filter.and("rec.ozg_id = ?", [Bind::Int(id)]);
    }
    if let Some(status) = &f.status {
        filter.and("rec.status_code = ?", [Bind::Text(status.clone())]);
    }
    and_record_services(filter, &f.services);
}

/// The conditions of `f` on the record's org unit `o`.
fn unit_conditions(f: &RecordFilter) -> Vec<Condition> {
    let by_code = f.org_unit.as_deref().map(unit_with_children);
    let by_area = f.area.as_deref().map(unit_in_area);
    by_code.into_iter().chain(by_area).collect()
}

/// The conditions of `f` on `implementation_record rec` joined with `org_unit o`: the API list
/// and the exports select records the same way.
pub(super) fn and_record_conditions(filter: &mut Filter, f: &RecordFilter) {
    and_own_conditions(filter, f);
    for (condition, binds) in unit_conditions(f) {
        filter.and(condition, binds);
    }
}

/// The same records as [`and_record_conditions`] on `implementation_record rec` alone, with
/// the units of today as a subquery: the database then reads the chosen units' records from
/// the index by unit, whatever plan a join would get.
fn record_only_conditions(f: &RecordFilter) -> Filter {
    let mut filter = Filter::default();
    and_own_conditions(&mut filter, f);
    filter.and("rec.closed_on IS NULL", []);
    let mut units = vec![CURRENT_UNIT];
    let mut binds = Vec::new();
    for (condition, b) in unit_conditions(f) {
        units.push(condition);
        binds.extend(b);
    }
    filter.and(
        &format!(
            "rec.org_unit_id IN (SELECT o.id FROM org_unit o WHERE {})",
            units.join(" AND ")
        ),
        binds,
    );
    filter
}

impl Storage {
    /// The configured status pipeline and the Reifegrad scale in use.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn edit_options(&self) -> Result<EditOptions> {
        let model = self.maturity_model().await?;
        type Rows = (
            Vec<(String, String, String)>,
            Vec<(String, String)>,
            Vec<(i64, String)>,
        );
        let (statuses, transitions, levels): Rows = on_pool!(self, pool => {
            (
                sqlx::query_as("SELECT code, label, phase FROM status ORDER BY sort_order, code").fetch_all(pool).await?,
                sqlx::query_as("SELECT from_code, to_code FROM status_transition ORDER BY from_code, to_code").fetch_all(pool).await?,
                sqlx::query_as("SELECT level, label FROM maturity_level WHERE model = $1 ORDER BY level").bind(&model).fetch_all(pool).await?,
            )
        });
        Ok(EditOptions {
            statuses: statuses
                .into_iter()
                .map(|(code, label, p)| {
                    Ok(StatusOption {
                        code,
                        label,
                        phase: phase(&p)?,
                    })
                })
                .collect::<Result<_>>()?,
            transitions,
            maturity_levels: levels
                .into_iter()
                .map(|(level, label)| MaturityOption { level, label })
                .collect(),
        })
    }

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn record_detail(&self, id: i64) -> Result<Option<RecordDetail>> {
        let sql = detail_by_id_sql();
        let row: Option<DetailRow> = on_pool!(self, pool => {
            sqlx::query_as(AssertSqlSafe(sql)).bind(id).fetch_optional(pool).await?
        });
        row.map(RecordDetail::try_from).transpose()
    }

    /// Several records by id (unknown ids are left out), in id order.
    pub async fn record_details(&self, ids: &[i64]) -> Result<Vec<RecordDetail>> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(1000) {
            let rows: Vec<DetailRow> = on_pool!(self, pool => {
                let mut qb = sqlx::QueryBuilder::new(format!("{DETAIL_SELECT} WHERE rec.id IN ("));
                let mut sep = qb.separated(", ");
                for id in chunk {
                    sep.push_bind(*id);
                }
                qb.push(") ORDER BY rec.id");
                qb.build_query_as().fetch_all(pool).await?
            });
            for r in rows {
                out.push(RecordDetail::try_from(r)?);
            }
        }
        Ok(out)
    }

    /// A page of records, ordered by service, then unit name and code (unique per record),
    /// with the counts per status and Themenfeld of the whole list (whose sum is its total).
    /// From a page number the database skips the pages before it, which grows with the
    /// number; after a record it seeks to that record's place in the order (keyset), which
    /// costs the same for the last page as for the first.
    pub async fn records(
        &self,
        f: &RecordFilter,
        start: PageStart,
        per_page: u32,
    ) -> Result<RecordList> {
        let facets = self.record_facets(f).await?;
        self.records_counted(f, start, per_page, facets).await
    }

    /// [`Storage::records`] with the counts of `f` already known (kept from an earlier page
    /// while the data is unchanged: `generation_cache.rs`).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn records_counted(
        &self,
        f: &RecordFilter,
        start: PageStart,
        per_page: u32,
        facets: RecordFacets,
    ) -> Result<RecordList> {
        let total = facets.status.iter().map(|s| s.count).sum();
        let mut filter = Filter::default();
        filter.and(COUNTED_RECORD, []);
        and_record_conditions(&mut filter, f);
        let (page, offset) = match start {
            PageStart::Number(page) => {
                let page = page.max(1);
                (page, i64::from(page - 1) * i64::from(per_page))
            }
            PageStart::After(record_id) => {
                let (ozg_id, name, code) = self.record_order_key(record_id).await?;
                // the first condition lets the database seek to the service
                filter.and(
                    "s.ozg_id >= ? AND (s.ozg_id > ? OR o.name > ? OR (o.name = ? AND o.code > ?))",
                    [
                        Bind::Int(ozg_id),
                        Bind::Int(ozg_id),
                        Bind::Text(name.clone()),
                        Bind::Text(name),
                        Bind::Text(code),
                    ],
                );
                // the page number is not known without counting the records before it
                (0, 0)
            }
        };
        // One unit and its children have a few hundred records: the planner's choice reads
        // them by the index on unit. Any other list may hold millions: walked by service, a
        // page reads little more than its own records, where a plan by unit (SQLite's choice
        // since the index of migration 0011 covers the join) read and sorted every one of them.
        // Ordered by the service table's key, not the record's (equal by the join): by
        // `rec.ozg_id` SQLite sorted every record too (1.7 s a page at Germany size).
        let select = if f.org_unit.is_some() {
            DETAIL_SELECT
        } else {
            filter.and(BY_SERVICE_JOIN, []);
            DETAIL_SELECT_BY_SERVICE
        };
        let n = filter.next_placeholder();
        let list_sql = format!(
            "{select}{} ORDER BY s.ozg_id, o.name, o.code LIMIT ${n} OFFSET ${}",
            filter.sql(),
            n + 1
        );
        // one more than a page: whether another follows
        let rows: Vec<DetailRow> = if past_the_end(offset, total) {
            Vec::new()
        } else {
            on_pool!(self, pool => {
                bind_all!(sqlx::query_as(AssertSqlSafe(list_sql)), filter.binds)
                    .bind(i64::from(per_page) + 1).bind(offset).fetch_all(pool).await?
            })
        };
        let more = rows.len() > per_page as usize;
        let items: Vec<RecordDetail> = rows
            .into_iter()
            .take(per_page as usize)
            .map(RecordDetail::try_from)
            .collect::<Result<_>>()?;
        Ok(RecordList {
            page: Page {
                next_after: if more {
                    items.last().map(|r| r.id)
                } else {
                    None
                },
                items,
                total,
                page,
                per_page,
            },
            facets,
        })
    }

    /// How many records of `f` have each status and each Themenfeld. One pass over the
    /// chosen units' records in the index by unit, grouped by status and service; the few
    /// groups are then summed up by Themenfeld.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn record_facets(&self, f: &RecordFilter) -> Result<RecordFacets> {
        let filter = record_only_conditions(f);
        let sql = format!(
            "SELECT g.status_code, st.label, st.sort_order, s.themenfeld_id, t.name, CAST(SUM(g.n) AS BIGINT) \
             FROM (SELECT rec.status_code, rec.ozg_id, COUNT(*) AS n FROM implementation_record rec{} \
                   GROUP BY rec.status_code, rec.ozg_id) g \
             JOIN service s ON s.ozg_id = g.ozg_id JOIN themenfeld t ON t.id = s.themenfeld_id \
             JOIN status st ON st.code = g.status_code \
             GROUP BY g.status_code, st.label, st.sort_order, s.themenfeld_id, t.name",
            filter.sql()
        );
        let groups: Vec<(String, String, i64, i64, String, i64)> = on_pool!(self, pool => {
            bind_all!(sqlx::query_as(AssertSqlSafe(sql)), filter.binds).fetch_all(pool).await?
        });
        let mut by_status = BTreeMap::<(i64, String), FacetCount>::new();
        let mut by_themenfeld = BTreeMap::<i64, FacetCount>::new();
        for (code, label, sort_order, themenfeld, name, count) in groups {
            by_status
                .entry((sort_order, code.clone()))
                .or_insert_with(|| FacetCount {
                    value: code,
                    label,
                    count: 0,
                })
                .count += count;
            by_themenfeld
                .entry(themenfeld)
                .or_insert_with(|| FacetCount {
                    value: themenfeld.to_string(),
                    label: name,
                    count: 0,
                })
                .count += count;
        }
        Ok(RecordFacets {
            status: by_status.into_values().collect(),
            themenfeld: by_themenfeld.into_values().collect(),
        })
    }

    /// Where record `record_id` stands in the order of [`Storage::records`].
    async fn record_order_key(&self, record_id: i64) -> Result<(i64, String, String)> {
        let key: Option<(i64, String, String)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT rec.ozg_id, o.name, o.code FROM implementation_record rec \
                JOIN org_unit o ON o.id = rec.org_unit_id WHERE rec.id = $1")
                .bind(record_id).fetch_optional(pool).await?
        });
        key.ok_or_else(|| {
            StorageError::Invalid(format!(
                "Einen Umsetzungsstand mit der Nummer {record_id} gibt es nicht; „nach“ nennt den letzten Eintrag der vorigen Seite."
            ))
        })
    }

    /// The newest `count` events of a record, oldest first: what happened after a version.
    pub async fn latest_record_events(
        &self,
        record_id: i64,
        count: i64,
    ) -> Result<Vec<StoredEvent>> {
        let mut rows: Vec<StoredEvent> = on_pool!(self, pool => {
            sqlx::query_as(AssertSqlSafe(format!(
                "SELECT {EVENT_COLUMNS} FROM record_event e WHERE e.record_id = $1 ORDER BY e.id DESC LIMIT $2"
            ))).bind(record_id).bind(count).fetch_all(pool).await?
        });
        rows.reverse();
        Ok(rows)
    }

    /// Changes in a period, newest first, with the total for paging.
    pub async fn changes(
        &self,
        f: &ChangeFilter,
        page: u32,
        per_page: u32,
    ) -> Result<Page<StoredChange>> {
        let mut filter = Filter::default();
        filter.and("e.occurred_at >= ?", [Bind::Time(f.since)]);
        if let Some(until) = f.until {
            filter.and("e.occurred_at < ?", [Bind::Time(until)]);
        }
        if let Some(code) = &f.org_unit {
            let (condition, binds) = unit_with_children(code);
            filter.and(condition, binds);
        }
        and_service_conditions(&mut filter, &f.services);
        let from = "FROM record_event e JOIN implementation_record rec ON rec.id = e.record_id \
                    JOIN service s ON s.ozg_id = rec.ozg_id JOIN org_unit o ON o.id = rec.org_unit_id";
        let n = filter.next_placeholder();
        // Without a unit or service filter the count needs no joins: it runs on the time
        // index alone (with the joins, "all changes since January" took 0.7 s at Thüringen scale).
        let count_from = if f.org_unit.is_none() && f.services.is_empty() {
            "FROM record_event e"
        } else {
            from
        };
        let count_sql = format!("SELECT COUNT(*) {count_from}{}", filter.sql());
        let list_sql = format!(
            "SELECT {EVENT_COLUMNS}, rec.ozg_id, s.name AS service_name, o.code AS org_unit_code, o.name AS org_unit_name \
             {from}{} ORDER BY e.occurred_at DESC, e.id DESC LIMIT ${n} OFFSET ${}",
            filter.sql(),
            n + 1
        );
        let offset = i64::from(page.max(1) - 1) * i64::from(per_page);
        let (total, rows): (i64, Vec<StoredChange>) = on_pool!(self, pool => {
            let total = bind_all!(sqlx::query_scalar(AssertSqlSafe(count_sql)), filter.binds).fetch_one(pool).await?;
            let rows = if past_the_end(offset, total) { Vec::new() } else {
                bind_all!(sqlx::query_as(AssertSqlSafe(list_sql)), filter.binds)
                    .bind(i64::from(per_page)).bind(offset).fetch_all(pool).await?
            };
            (total, rows)
        });
        Ok(Page {
            items: rows,
            total,
            page: page.max(1),
            per_page,
            next_after: None,
        })
    }
}

/// A unit's worklist, for the start page of those who keep its records ("Meine Aufgaben").
#[derive(Debug, Clone, PartialEq)]
pub struct WorkList {
    /// Open records whose planned go-live has passed, the longest overdue first.
    pub overdue: Page<RecordDetail>,
    /// Open records not updated since the given time, the oldest first.
    pub stale: Page<RecordDetail>,
    /// Online records that name neither the online service's address nor the EfA solution
    /// providing it: written before that was required, listed for review (never changed).
    pub unproven: Page<RecordDetail>,
}

/// A record whose status is a request for "nicht relevant": not itself of that phase, with a
/// step of the pipeline into it (the administration's approval).
const REQUESTS_NOT_RELEVANT: &str =
    "rec.status_code IN (SELECT tr.from_code FROM status_transition tr \
     JOIN status t ON t.code = tr.to_code JOIN status f ON f.code = tr.from_code \
     WHERE t.phase = 'not_relevant' AND f.phase <> 'not_relevant')";

/// A "nicht relevant" record the administration has not approved: no change by an admin with a
/// reason (a change comment, or the record's note) since it entered that status. Data from
/// before the approval rule (migration 0015), listed for review and never changed: it stays
/// outside the denominator until someone decides.
const NOT_RELEVANT_UNAPPROVED: &str =
    "rec.status_code IN (SELECT code FROM status WHERE phase = 'not_relevant') \
     AND NOT EXISTS (SELECT 1 FROM record_event e JOIN app_user u ON u.id = e.user_id \
       WHERE e.record_id = rec.id AND e.new_status = rec.status_code AND u.role = 'admin' \
       AND ((e.comment IS NOT NULL AND TRIM(e.comment) <> '') OR rec.note IS NOT NULL) \
       AND e.id >= COALESCE((SELECT MAX(x.id) FROM record_event x WHERE x.record_id = rec.id \
         AND x.new_status = rec.status_code AND (x.old_status IS NULL OR x.old_status <> x.new_status)), 0))";

/// An online record without its proof: no address of the online service, no EfA solution.
pub(crate) const ONLINE_WITHOUT_PROOF: &str =
    "rec.status_code IN (SELECT code FROM status WHERE phase = 'online') \
     AND rec.online_url IS NULL AND rec.efa_solution IS NULL";

impl Storage {
    /// The worklist of `unit` and the Gemeinden under it: at most `limit` records of each kind
    /// with their totals.
    pub async fn work_list(
        &self,
        unit: &str,
        today: NaiveDate,
        stale_before: DateTime<Utc>,
        limit: u32,
    ) -> Result<WorkList> {
        Ok(WorkList {
            overdue: self
                .records_where(
                    Some(unit),
                    "rec.is_open AND rec.planned_go_live IS NOT NULL AND rec.planned_go_live < ?",
                    Some(Bind::Date(today)),
                    "rec.planned_go_live, s.ozg_id, o.name",
                    limit,
                )
                .await?,
            stale: self
                .records_where(
                    Some(unit),
                    "rec.is_open AND rec.updated_at < ?",
                    Some(Bind::Time(stale_before)),
                    "rec.updated_at, s.ozg_id, o.name",
                    limit,
                )
                .await?,
            unproven: self
                .records_where(
                    Some(unit),
                    ONLINE_WITHOUT_PROOF,
                    None,
                    "s.ozg_id, o.name",
                    limit,
                )
                .await?,
        })
    }

    /// Records whose status asks for "nicht relevant" (the administration's approvals to
    /// give), in the whole Land, the oldest request first: at most `limit`, with their total.
    pub async fn not_relevant_requests(&self, limit: u32) -> Result<Page<RecordDetail>> {
        self.records_where(
            None,
            REQUESTS_NOT_RELEVANT,
            None,
            "rec.updated_at, s.ozg_id, o.name",
            limit,
        )
        .await
    }

    /// "nicht relevant" records without the administration's approval, in the whole Land, by
    /// service and unit: at most `limit`, with their total.
    pub async fn unapproved_not_relevant(&self, limit: u32) -> Result<Page<RecordDetail>> {
        self.records_where(
            None,
            NOT_RELEVANT_UNAPPROVED,
            None,
            "s.ozg_id, o.name",
            limit,
        )
        .await
    }

    /// The first `limit` counted records of `unit` and its children (`None`: of the Land)
    /// meeting `condition` (with its one bind, if any), in `order`, with their total.
    async fn records_where(
        &self,
        unit: Option<&str>,
        condition: &str,
        bind: Option<Bind>,
        order: &str,
        limit: u32,
    ) -> Result<Page<RecordDetail>> {
        let mut filter = Filter::default();
        if let Some(unit) = unit {
            let (in_unit, binds) = unit_with_children(unit);
            filter.and(in_unit, binds);
        }
        filter.and(COUNTED_RECORD, []);
        filter.and(condition, bind);
        let n = filter.next_placeholder();
        let list_sql = format!(
            "{DETAIL_SELECT}{} ORDER BY {order} LIMIT ${n}",
            filter.sql()
        );
        let count_sql = format!(
            "SELECT COUNT(*) FROM implementation_record rec JOIN org_unit o ON o.id = rec.org_unit_id{}",
            filter.sql()
        );
        let (total, rows): (i64, Vec<DetailRow>) = on_pool!(self, pool => {
            (
                bind_all!(sqlx::query_scalar(AssertSqlSafe(count_sql)), filter.binds.clone())
                    .fetch_one(pool).await?,
                bind_all!(sqlx::query_as(AssertSqlSafe(list_sql)), filter.binds)
                    .bind(i64::from(limit)).fetch_all(pool).await?,
            )
        });
        Ok(Page {
            items: rows
                .into_iter()
                .map(RecordDetail::try_from)
                .collect::<Result<_>>()?,
            total,
            page: 1,
            per_page: limit,
            next_after: None,
        })
    }
}
