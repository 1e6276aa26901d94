//! Reading implementation records for exports: one flat row per record, streamed in the order
//! of the (service, unit) key so a Germany-sized export is never held in memory, and the row
//! counts per Themenfeld an XLSX workbook must check against Excel's sheet limit; and the
//! rows of the federal dashboard's layout.

use super::history::LAND_SCOPE;
use super::records::{and_record_conditions, COUNTED_RECORD};
use super::service_filter::RESSORT_OF_SERVICE;
use super::{bind_all, on_pool, Filter, RecordFilter, Result, Storage};
use app::domain::{LeikaTypes, OrgUnitKind, UnitCode};
use chrono::{DateTime, NaiveDate, Utc};
use futures_util::stream::BoxStream;
use futures_util::StreamExt;
use sqlx::AssertSqlSafe;
use std::collections::HashMap;

/// Which records an export holds: the record list's filter (with its service filter) and the
/// dashboard's Kreis (the dashboard's `stand` and `am` do not apply: an export is today's
/// records).
#[derive(Debug, Clone, Default)]
pub struct ExportFilter {
    pub kreis: Option<UnitCode>,
    pub records: RecordFilter,
}

/// One implementation record as exports write it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ExportRow {
    pub id: i64,
    pub version: i64,
    pub ozg_id: i64,
    pub service_name: String,
    pub themenfeld_id: i64,
    pub themenfeld: String,
    pub ressort_code: Option<String>,
    pub unit_code: String,
    pub unit_name: String,
    pub unit_kind: String,
    pub status_code: String,
    pub status_label: String,
    pub maturity: Option<i64>,
    pub planned_go_live: Option<NaiveDate>,
    pub actual_go_live: Option<NaiveDate>,
    pub online_url: Option<String>,
    pub efa_solution: Option<String>,
    pub note: Option<String>,
    pub updated_at: DateTime<Utc>,
}

/// One online record and one LeiKa-Leistung of its service, as the federal dashboard's data
/// API lists online services per Gebietskörperschaft.
#[derive(Debug, Clone, PartialEq)]
pub struct FederalExportRow {
    /// None for the catalogue's entries "nicht im LeiKa" and services without LeiKa entries.
    pub leika_key: Option<String>,
    pub leika_name: Option<String>,
    /// The unit's ARS as stored (Land 2, Kreis 5, Gemeinde 12 digits); the Land's for units
    /// without one (ministries and their authorities act for the Land).
    pub ars: String,
    /// The unit's name, or the Land's where the Land's ARS stands in.
    pub ars_name: String,
    pub ozg_id: i64,
    pub service_name: String,
    pub online_url: Option<String>,
    pub active: bool,
    /// 1 when every applicable record of the service in the Land is online.
    pub full_in_land: i64,
    /// 1 when every applicable record of the service in the unit's Kreis is online.
    pub full_in_kreis: i64,
}

/// A LeiKa-Leistung's key, name (both absent for a service without any) and types.
type LeikaEntry = (Option<String>, Option<String>, LeikaTypes);

/// An online record with its coverage flags, before it is repeated per LeiKa-Leistung.
#[derive(sqlx::FromRow)]
struct FederalRecord {
    unit_kind: String,
    ars: String,
    ars_name: String,
    ozg_id: i64,
    service_name: String,
    online_url: Option<String>,
    active: bool,
    full_in_land: i64,
    full_in_kreis: i64,
}

impl FederalRecord {
    fn with_leika(
        &self,
        leika_key: Option<String>,
        leika_name: Option<String>,
    ) -> FederalExportRow {
        FederalExportRow {
            leika_key,
            leika_name,
            ars: self.ars.clone(),
            ars_name: self.ars_name.clone(),
            ozg_id: self.ozg_id,
            service_name: self.service_name.clone(),
            online_url: self.online_url.clone(),
            active: self.active,
            full_in_land: self.full_in_land,
            full_in_kreis: self.full_in_kreis,
        }
    }
}

const EXPORT_FROM: &str = "implementation_record rec JOIN service s ON s.ozg_id = rec.ozg_id \
     JOIN themenfeld t ON t.id = s.themenfeld_id JOIN org_unit o ON o.id = rec.org_unit_id \
     JOIN status st ON st.code = rec.status_code";

fn export_conditions(f: &ExportFilter) -> Filter {
    let mut sql = Filter::default();
    sql.and(COUNTED_RECORD, []);
    sql.and("s.active", []);
    // a Kreis is the unit filter of the dashboard: its own and its Gemeinden's records
    and_record_conditions(
        &mut sql,
        &RecordFilter {
            org_unit: f.kreis.as_ref().map(|k| k.as_str().to_owned()),
            ..RecordFilter::default()
        },
    );
    and_record_conditions(&mut sql, &f.records);
    sql
}

impl Storage {
    /// The records of `f`, one row at a time, by service and unit; `by_themenfeld` orders by
    /// Themenfeld first (a workbook with a sheet per Themenfeld writes its sheets in turn).
    /// The (service, unit) order follows the records' unique key, so SQLite needs no sort.
    pub fn export_rows(
        &self,
        f: &ExportFilter,
        by_themenfeld: bool,
    ) -> BoxStream<'_, Result<ExportRow>> {
        let conditions = export_conditions(f);
        let order = if by_themenfeld {
            "s.themenfeld_id, rec.ozg_id, rec.org_unit_id"
        } else {
            "rec.ozg_id, rec.org_unit_id"
        };
        let sql = format!(
            "SELECT rec.id, rec.version, rec.ozg_id, s.name AS service_name, s.themenfeld_id, \
             t.name AS themenfeld, {RESSORT_OF_SERVICE} AS ressort_code, o.code AS unit_code, \
             o.name AS unit_name, o.kind AS unit_kind, rec.status_code, st.label AS status_label, \
             rec.maturity, rec.planned_go_live, rec.actual_go_live, rec.online_url, \
             rec.efa_solution, rec.note, rec.updated_at \
             FROM {EXPORT_FROM}{} ORDER BY {order}",
            conditions.sql()
        );
        on_pool!(self, pool => {
            bind_all!(sqlx::query_as::<_, ExportRow>(AssertSqlSafe(sql)), conditions.binds)
                .fetch(pool)
                .map(|row| row.map_err(Into::into))
                .boxed()
        })
    }

    /// The online records of `f`, one row per LeiKa-Leistung of their service, with the
    /// service's coverage in the Land and in the unit's Kreis from today's history rollups.
    /// The records are read once each, in key order; their LeiKa-Leistungen (about 5,000
    /// rows) are read first and multiplied in here: joined in SQL, each record's rollup seeks
    /// ran once per LeiKa row and SQLite sorted two million rows (207 s for the Land).
    pub async fn federal_rows(
        &self,
        f: &ExportFilter,
    ) -> Result<BoxStream<'_, Result<FederalExportRow>>> {
        let leika: Vec<(i64, Option<String>, String, String)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT ozg_id, leika_key, name, leika_type FROM leika_service WHERE ozg_id IS NOT NULL ORDER BY ozg_id, id")
                .fetch_all(pool).await?
        });
        let mut by_service: HashMap<i64, Vec<LeikaEntry>> = HashMap::new();
        for (ozg_id, key, name, types) in leika {
            // imports check the types; one that still does not parse contradicts nothing
            let types = LeikaTypes::parse(&types).unwrap_or_default();
            by_service
                .entry(ozg_id)
                .or_default()
                .push((key, Some(name), types));
        }
        let mut conditions = export_conditions(f);
        conditions.and("st.phase = 'online'", []);
        let full = |t: &str| {
            format!(
                "CAST(CASE WHEN {t}.records_applicable > 0 AND {t}.records_online = {t}.records_applicable \
                 THEN 1 ELSE 0 END AS BIGINT)"
            )
        };
        let sql = format!(
            "SELECT o.kind AS unit_kind, COALESCE(o.ars, (SELECT ars FROM org_unit WHERE kind = 'land')) AS ars, \
             CASE WHEN o.ars IS NULL THEN (SELECT name FROM org_unit WHERE kind = 'land') ELSE o.name END AS ars_name, \
             rec.ozg_id, s.name AS service_name, rec.online_url, s.active, \
             {} AS full_in_land, {} AS full_in_kreis \
             FROM {EXPORT_FROM} \
             LEFT JOIN rollup_history land ON land.ozg_id = rec.ozg_id AND land.scope_id = {LAND_SCOPE} AND land.is_latest \
             LEFT JOIN rollup_history kr ON kr.ozg_id = rec.ozg_id AND kr.is_latest AND kr.scope_id = \
               (CASE WHEN o.kind IN ('gemeinde', 'verband') THEN o.parent_id WHEN o.kind = 'kreis' THEN o.id END){} \
             ORDER BY rec.ozg_id, rec.org_unit_id",
            full("land"),
            full("kr"),
            conditions.sql()
        );
        let records = on_pool!(self, pool => {
            bind_all!(sqlx::query_as::<_, FederalRecord>(AssertSqlSafe(sql)), conditions.binds)
                .fetch(pool)
                .map(|row| row.map_err(Into::into))
                .boxed()
        });
        Ok(records
            .flat_map(move |record: Result<FederalRecord>| {
                let rows: Vec<Result<FederalExportRow>> = match record {
                    Err(e) => vec![Err(e)],
                    Ok(r) => {
                        // a LeiKa-Leistung only where its type fits the unit's level; a record
                        // none fits (the Land decided otherwise) still goes out, without a key
                        let kind = OrgUnitKind::from_code(&r.unit_kind);
                        let fitting: Vec<FederalExportRow> = by_service
                            .get(&r.ozg_id)
                            .into_iter()
                            .flatten()
                            .filter(|(_, _, types)| kind.is_none_or(|k| types.fit(k)))
                            .map(|(key, name, _)| r.with_leika(key.clone(), name.clone()))
                            .collect();
                        if fitting.is_empty() {
                            vec![Ok(r.with_leika(None, None))]
                        } else {
                            fitting.into_iter().map(Ok).collect()
                        }
                    }
                };
                futures_util::stream::iter(rows)
            })
            .boxed())
    }

    /// How many records of `f` each Themenfeld has (Themenfelder without any are left out).
    pub async fn export_counts(&self, f: &ExportFilter) -> Result<Vec<(i64, i64)>> {
        let conditions = export_conditions(f);
        let sql = format!(
            "SELECT s.themenfeld_id, COUNT(*) FROM {EXPORT_FROM}{} GROUP BY s.themenfeld_id ORDER BY s.themenfeld_id",
            conditions.sql()
        );
        let counts: Vec<(i64, i64)> = on_pool!(self, pool => {
            bind_all!(sqlx::query_as(AssertSqlSafe(sql)), conditions.binds).fetch_all(pool).await?
        });
        Ok(counts)
    }

    /// The name of the org unit `code`, if there is one (exports describe their filter).
    pub async fn org_unit_name(&self, code: &str) -> Result<Option<String>> {
        let name: Option<String> = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT name FROM org_unit WHERE code = $1").bind(code).fetch_optional(pool).await?
        });
        Ok(name)
    }
}
