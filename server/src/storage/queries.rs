//! Reads for pages and the API. None of them scans all implementation records:
//! dashboard figures come from `service_rollup`, lists are paginated.

use super::contribution::phase_sql::{APPLICABLE, IN_PROGRESS, ONLINE};
use super::records::{COUNTED_RECORD, CURRENT_UNIT};
use super::rows::*;
use super::{bind_all, on_pool, past_the_end, Bind, Filter, Result, Storage, StorageError};
use app::domain::*;
use chrono::{DateTime, Utc};
use sqlx::AssertSqlSafe;

/// The Reifegrad model whose labels are shown (configuration in `meta`).
const DEFAULT_MATURITY_MODEL: &str = "1.1";

#[derive(sqlx::FromRow)]
struct PortfolioAggRow {
    ozg_id: i64,
    service_name: String,
    themenfeld: String,
    records_applicable: i64,
    records_online: i64,
    records_in_progress: i64,
}

impl Storage {
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn maturity_model(&self) -> Result<String> {
        Ok(self
            .meta("maturity_model")
            .await?
            .unwrap_or_else(|| DEFAULT_MATURITY_MODEL.to_owned()))
    }

    /// Time of the newest change in the history (the "Datenstand"), via the time index.
    pub async fn data_as_of(&self) -> Result<Option<DateTime<Utc>>> {
        let t: Option<DateTime<Utc>> = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT occurred_at FROM record_event ORDER BY occurred_at DESC LIMIT 1")
                .fetch_optional(pool).await?
        });
        Ok(t)
    }

    pub async fn has_demo_data(&self) -> Result<bool> {
        Ok(self.meta("demo_data").await?.as_deref() == Some("true"))
    }

    pub async fn filter_options(&self) -> Result<FilterOptions> {
        let (themenfelder, lagen) = on_pool!(self, pool => {
            let t: Vec<(i64, String, Option<String>)> =
                sqlx::query_as("SELECT id, name, lead_unit_code FROM themenfeld ORDER BY name").fetch_all(pool).await?;
            let l: Vec<(i64, String, i64)> =
                sqlx::query_as("SELECT id, name, themenfeld_id FROM lage ORDER BY name").fetch_all(pool).await?;
            (t, l)
        });
        Ok(FilterOptions {
            themenfelder: themenfelder
                .into_iter()
                .map(|(id, name, lead_unit_code)| Themenfeld {
                    id,
                    name,
                    lead_unit_code,
                })
                .collect(),
            lagen: lagen
                .into_iter()
                .map(|(id, name, themenfeld_id)| Lage {
                    id,
                    name,
                    themenfeld_id,
                })
                .collect(),
        })
    }

    pub async fn services(&self, q: &ServiceQuery) -> Result<Page<ServiceSummary>> {
        let mut f = Filter::default();
        super::service_filter::and_service_conditions(&mut f, &q.services);
        if let Some(text) = &q.q {
            let pattern = format!("%{}%", escape_like(&text.to_lowercase()));
            f.and("s.search_text LIKE ? ESCAPE '\\'", [Bind::Text(pattern)]);
        }
        if let Some(stand) = q.stand {
            f.and(stand_condition(stand), []);
        }
        let per_page = q.effective_per_page();
        let n = f.next_placeholder();
        let list_sql = format!(
            "SELECT {SERVICE_COLUMNS} FROM {SERVICE_FROM}{} ORDER BY s.ozg_id LIMIT ${n} OFFSET ${}",
            f.sql(),
            n + 1
        );
        let count_sql = format!("SELECT COUNT(*) FROM {SERVICE_FROM}{}", f.sql());
        let (rows, total): (Vec<ServiceRow>, i64) = on_pool!(self, pool => {
            let total = bind_all!(sqlx::query_scalar(AssertSqlSafe(count_sql)), f.binds).fetch_one(pool).await?;
            let rows = if past_the_end(q.offset(), total) { Vec::new() } else {
                bind_all!(sqlx::query_as(AssertSqlSafe(list_sql)), f.binds)
                    .bind(i64::from(per_page)).bind(q.offset())
                    .fetch_all(pool).await?
            };
            (rows, total)
        });
        Ok(Page {
            items: rows
                .into_iter()
                .map(ServiceSummary::try_from)
                .collect::<Result<_>>()?,
            total,
            page: q.page.max(1),
            per_page,
            next_after: None,
        })
    }

    /// One service with a page of its records; `unit` narrows them to one unit with the
    /// Gemeinden under it (by code), or to units whose name contains it.
    pub async fn service(
        &self,
        id: OzgId,
        records_page: u32,
        per_page: u32,
        unit: Option<&str>,
    ) -> Result<ServiceDetail> {
        let model = self.maturity_model().await?;
        let oid = i64::from(id);
        let page = records_page.max(1);
        let summary_sql =
            format!("SELECT {SERVICE_COLUMNS} FROM {SERVICE_FROM} WHERE s.ozg_id = $1");
        let unit = unit.map(str::trim).filter(|u| !u.is_empty());
        let unit_condition = |n: usize| match unit {
            Some(_) => format!(
                " AND (o.code = ${n} OR o.parent_id = (SELECT id FROM org_unit WHERE code = ${n}) \
                 OR LOWER(o.name) LIKE ${} ESCAPE '\\')",
                n + 1
            ),
            None => String::new(),
        };
        let name_pattern = unit.map(|u| format!("%{}%", escape_like(&u.to_lowercase())));
        let records_sql = format!(
            "{RECORD_SELECT} WHERE rec.ozg_id = $2 AND {COUNTED_RECORD}{} ORDER BY o.name, o.code LIMIT $3 OFFSET $4",
            unit_condition(5)
        );
        let count_sql = format!(
            "SELECT COUNT(*) FROM implementation_record rec JOIN org_unit o ON o.id = rec.org_unit_id \
             WHERE rec.ozg_id = $1 AND {COUNTED_RECORD}{}",
            unit_condition(2)
        );
        let (summary, lead, leika, records, total) = on_pool!(self, pool => {
            let summary: Option<ServiceRow> = sqlx::query_as(AssertSqlSafe(summary_sql)).bind(oid).fetch_optional(pool).await?;
            let lead: Option<(String, String, String)> = sqlx::query_as(
                "SELECT o.code, o.name, o.kind FROM service s JOIN org_unit o ON o.id = s.lead_unit_id WHERE s.ozg_id = $1")
                .bind(oid).fetch_optional(pool).await?;
            let leika: Vec<(Option<String>, String, String, String, bool)> = sqlx::query_as(
                "SELECT leika_key, name, leika_type, legal_basis, sdg_relevant FROM leika_service WHERE ozg_id = $1 ORDER BY name, natural_key")
                .bind(oid).fetch_all(pool).await?;
            let mut count = sqlx::query_scalar(AssertSqlSafe(count_sql)).bind(oid);
            if let (Some(u), Some(pattern)) = (unit, &name_pattern) {
                count = count.bind(u).bind(pattern);
            }
            let total: i64 = count.fetch_one(pool).await?;
            let offset = i64::from(page - 1) * i64::from(per_page);
            let records: Vec<RecordRow> = if past_the_end(offset, total) { Vec::new() } else {
                let mut query = sqlx::query_as(AssertSqlSafe(records_sql))
                    .bind(&model).bind(oid).bind(i64::from(per_page)).bind(offset);
                if let (Some(u), Some(pattern)) = (unit, &name_pattern) {
                    query = query.bind(u).bind(pattern);
                }
                query.fetch_all(pool).await?
            };
            (summary, lead, leika, records, total)
        });
        let summary = summary.ok_or_else(|| {
            StorageError::NotFound(format!("Die OZG-Leistung {id} gibt es nicht."))
        })?;
        Ok(ServiceDetail {
            summary: summary.try_into()?,
            lead_unit: lead
                .map(|(code, name, k)| {
                    Ok::<_, StorageError>(OrgUnitRef {
                        code,
                        name,
                        kind: kind(&k)?,
                    })
                })
                .transpose()?,
            leika: leika
                .into_iter()
                .map(
                    |(key, name, leika_type, legal_basis, sdg_relevant)| LeikaService {
                        key,
                        name,
                        leika_type,
                        legal_basis,
                        sdg_relevant,
                    },
                )
                .collect(),
            records: Page {
                items: records
                    .into_iter()
                    .map(RecordView::try_from)
                    .collect::<Result<_>>()?,
                total,
                page,
                per_page,
                next_after: None,
            },
        })
    }

    pub async fn org_units(&self, q: &OrgUnitQuery) -> Result<Vec<OrgUnit>> {
        let mut f = Filter::default();
        if let Some(k) = q.kind {
            f.and("o.kind = ?", [Bind::Text(k.code().to_owned())]);
        } else if q.parent.is_none() {
            // Without a filter the list is the state level and the Kreise; Gemeinden hang below their Kreis.
            f.and("o.kind <> 'gemeinde'", []);
        }
        if let Some(p) = &q.parent {
            f.and("p.code = ?", [Bind::Text(p.clone())]);
        }
        // dissolved units are reached from their successor's page
        f.and(CURRENT_UNIT, []);
        let sql = format!("{ORG_UNIT_SELECT}{} ORDER BY o.kind, o.name", f.sql());
        let rows: Vec<OrgUnitRow> = on_pool!(self, pool => {
            bind_all!(sqlx::query_as(AssertSqlSafe(sql)), f.binds).fetch_all(pool).await?
        });
        let mut units = rows
            .into_iter()
            .map(OrgUnit::try_from)
            .collect::<Result<Vec<_>>>()?;
        // by kind as the database sorted the codes, then by name the German way
        units.sort_by_cached_key(|u| (u.kind.code(), app::domain::german_sort_key(&u.name)));
        Ok(units)
    }

    pub async fn org_unit(&self, code: &str) -> Result<OrgUnitDetail> {
        let model = self.maturity_model().await?;
        let unit_sql = format!("{ORG_UNIT_SELECT} WHERE o.code = $1");
        let row: Option<OrgUnitRow> = on_pool!(self, pool => {
            sqlx::query_as(AssertSqlSafe(unit_sql)).bind(code).fetch_optional(pool).await?
        });
        let row = row.ok_or_else(|| {
            StorageError::NotFound(format!("Die Organisationseinheit „{code}“ gibt es nicht."))
        })?;
        let unit_id = row.id;
        let unit = OrgUnit::try_from(row)?;
        // its closed records too, marked "nicht mehr zuständig seit …", after the current ones
        let own_sql = format!(
            "{RECORD_SELECT} WHERE rec.org_unit_id = $2 ORDER BY rec.closed_on IS NOT NULL, rec.ozg_id"
        );
        let agg_sql = format!("SELECT s.ozg_id, s.name AS service_name, t.name AS themenfeld, \
             CAST(SUM(CASE WHEN {APPLICABLE} THEN 1 ELSE 0 END) AS BIGINT) AS records_applicable, \
             CAST(SUM(CASE WHEN {ONLINE} THEN 1 ELSE 0 END) AS BIGINT) AS records_online, \
             CAST(SUM(CASE WHEN {IN_PROGRESS} THEN 1 ELSE 0 END) AS BIGINT) AS records_in_progress \
             FROM org_unit g JOIN implementation_record rec ON rec.org_unit_id = g.id \
             JOIN status st ON st.code = rec.status_code JOIN service s ON s.ozg_id = rec.ozg_id \
             JOIN themenfeld t ON t.id = s.themenfeld_id \
             WHERE g.parent_id = $1 AND g.kind IN ('gemeinde', 'verband') AND g.valid_to IS NULL AND rec.closed_on IS NULL GROUP BY s.ozg_id, s.name, t.name ORDER BY s.ozg_id");
        type UnitRef = (String, String, String);
        let (own, agg, mut children): (Vec<RecordRow>, Vec<PortfolioAggRow>, Vec<UnitRef>) = on_pool!(self, pool => {
            let own = sqlx::query_as(AssertSqlSafe(own_sql)).bind(&model).bind(unit_id).fetch_all(pool).await?;
            let agg = if unit.kind == OrgUnitKind::Kreis {
                sqlx::query_as(AssertSqlSafe(agg_sql)).bind(unit_id).fetch_all(pool).await?
            } else {
                Vec::new()
            };
            // a Kreis's Gemeinden and Verbände, a Verband's members
            let children = sqlx::query_as("SELECT code, name, kind FROM org_unit WHERE (parent_id = $1 OR verband_id = $1) AND valid_to IS NULL ORDER BY name")
                .bind(unit_id).fetch_all(pool).await?;
            (own, agg, children)
        });
        children.sort_by_cached_key(|(_, name, _)| app::domain::german_sort_key(name));
        let (successor, mut predecessors): (Option<UnitRef>, Vec<UnitRef>) = on_pool!(self, pool => {
            (
                sqlx::query_as("SELECT s.code, s.name, s.kind FROM org_unit o JOIN org_unit s ON s.id = o.successor_id WHERE o.id = $1")
                    .bind(unit_id).fetch_optional(pool).await?,
                sqlx::query_as("SELECT code, name, kind FROM org_unit WHERE successor_id = $1 ORDER BY name")
                    .bind(unit_id).fetch_all(pool).await?,
            )
        });
        predecessors.sort_by_cached_key(|(_, name, _)| app::domain::german_sort_key(name));
        let unit_ref = |(code, name, k): UnitRef| -> Result<OrgUnitRef> {
            Ok(OrgUnitRef {
                code,
                name,
                kind: kind(&k)?,
            })
        };
        let records = own
            .into_iter()
            .map(RecordView::try_from)
            .collect::<Result<_>>()?;
        let gemeinden_coverage = agg
            .into_iter()
            .map(|a| {
                Ok(ServiceCoverage {
                    ozg_id: ozg_id(a.ozg_id)?,
                    service_name: a.service_name,
                    themenfeld: a.themenfeld,
                    records_applicable: a.records_applicable,
                    records_online: a.records_online,
                    records_in_progress: a.records_in_progress,
                })
            })
            .collect::<Result<_>>()?;
        Ok(OrgUnitDetail {
            unit,
            children: children.into_iter().map(unit_ref).collect::<Result<_>>()?,
            successor: successor.map(unit_ref).transpose()?,
            predecessors: predecessors
                .into_iter()
                .map(unit_ref)
                .collect::<Result<_>>()?,
            records,
            gemeinden_coverage,
        })
    }
}

/// The SQL condition on `service_rollup r` for one coverage category (mirrors `CoverageCategory::classify`).
fn stand_condition(c: CoverageCategory) -> &'static str {
    match c {
        CoverageCategory::Full => "COALESCE(r.records_applicable, 0) > 0 AND r.records_online >= r.records_applicable",
        CoverageCategory::Partial => "r.records_online > 0 AND r.records_online < r.records_applicable",
        CoverageCategory::InProgress => {
            "COALESCE(r.records_applicable, 0) > 0 AND r.records_online = 0 AND r.records_in_progress > 0"
        }
        CoverageCategory::NotStarted => {
            "COALESCE(r.records_applicable, 0) > 0 AND r.records_online = 0 AND r.records_in_progress = 0"
        }
        CoverageCategory::NotApplicable => "COALESCE(r.records_applicable, 0) = 0",
    }
}

fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}
