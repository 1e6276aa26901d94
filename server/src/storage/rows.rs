//! Database rows and their conversion into the app's DTOs.

use app::domain::{
    OrgUnit, OrgUnitKind, OrgUnitRef, OzgId, Phase, RecordView, Responsibility, ServiceSummary,
};
use chrono::{DateTime, NaiveDate, Utc};

#[derive(sqlx::FromRow)]
pub(crate) struct ServiceRow {
    pub ozg_id: i64,
    pub name: String,
    pub themenfeld_id: i64,
    pub themenfeld: String,
    pub lage: String,
    pub leika_types: String,
    pub responsibility: String,
    pub active: bool,
    pub records_applicable: i64,
    pub records_online: i64,
    pub records_in_progress: i64,
    pub population_applicable: i64,
    pub population_online: i64,
    pub maturity_sum: i64,
    pub maturity_count: i64,
}

/// Columns of [`ServiceRow`]; `FROM` must join service s, themenfeld t, lage l, service_rollup r.
pub(crate) const SERVICE_COLUMNS: &str = "s.ozg_id, s.name, s.themenfeld_id, t.name AS themenfeld, l.name AS lage, \
     s.leika_types, s.responsibility, s.active, \
     COALESCE(r.records_applicable, 0) AS records_applicable, COALESCE(r.records_online, 0) AS records_online, \
     COALESCE(r.records_in_progress, 0) AS records_in_progress, \
     COALESCE(r.population_applicable, 0) AS population_applicable, COALESCE(r.population_online, 0) AS population_online, \
     COALESCE(r.maturity_sum, 0) AS maturity_sum, COALESCE(r.maturity_count, 0) AS maturity_count";

pub(crate) const SERVICE_FROM: &str = "service s JOIN themenfeld t ON t.id = s.themenfeld_id \
     JOIN lage l ON l.id = s.lage_id LEFT JOIN service_rollup r ON r.ozg_id = s.ozg_id";

impl TryFrom<ServiceRow> for ServiceSummary {
    type Error = super::StorageError;
    fn try_from(r: ServiceRow) -> Result<Self, Self::Error> {
        Ok(Self {
            ozg_id: ozg_id(r.ozg_id)?,
            responsibility: Responsibility::from_code(&r.responsibility).ok_or_else(|| {
                super::StorageError::Inconsistent(format!(
                    "unknown responsibility {}",
                    r.responsibility
                ))
            })?,
            name: r.name,
            themenfeld_id: r.themenfeld_id,
            themenfeld: r.themenfeld,
            lage: r.lage,
            leika_types: r.leika_types,
            active: r.active,
            records_applicable: r.records_applicable,
            records_online: r.records_online,
            records_in_progress: r.records_in_progress,
            population_applicable: r.population_applicable,
            population_online: r.population_online,
            maturity_sum: r.maturity_sum,
            maturity_count: r.maturity_count,
        })
    }
}

pub(crate) fn ozg_id(n: i64) -> Result<OzgId, super::StorageError> {
    OzgId::try_from(n).map_err(|e| super::StorageError::Inconsistent(e.0))
}

#[derive(sqlx::FromRow)]
pub(crate) struct RecordRow {
    pub id: i64,
    pub ozg_id: i64,
    pub service_name: String,
    pub org_unit_code: String,
    pub org_unit_name: String,
    pub status_code: String,
    pub status_label: String,
    pub phase: String,
    pub maturity: Option<i64>,
    pub maturity_label: Option<String>,
    pub planned_go_live: Option<NaiveDate>,
    pub actual_go_live: Option<NaiveDate>,
    pub online_url: Option<String>,
    pub note: Option<String>,
    pub version: i64,
    pub updated_at: DateTime<Utc>,
    pub closed_on: Option<NaiveDate>,
}

/// Columns of [`RecordRow`]; `$1` must be the maturity model in use.
pub(crate) const RECORD_SELECT: &str = "SELECT rec.id, rec.ozg_id, s.name AS service_name, o.code AS org_unit_code, \
     o.name AS org_unit_name, rec.status_code, st.label AS status_label, st.phase, rec.maturity, ml.label AS maturity_label, \
     rec.planned_go_live, rec.actual_go_live, rec.online_url, rec.note, rec.version, rec.updated_at, rec.closed_on \
     FROM implementation_record rec \
     JOIN service s ON s.ozg_id = rec.ozg_id \
     JOIN org_unit o ON o.id = rec.org_unit_id \
     JOIN status st ON st.code = rec.status_code \
     LEFT JOIN maturity_level ml ON ml.model = $1 AND ml.level = rec.maturity";

impl TryFrom<RecordRow> for RecordView {
    type Error = super::StorageError;
    fn try_from(r: RecordRow) -> Result<Self, Self::Error> {
        Ok(Self {
            id: r.id,
            ozg_id: ozg_id(r.ozg_id)?,
            phase: phase(&r.phase)?,
            service_name: r.service_name,
            org_unit_code: r.org_unit_code,
            org_unit_name: r.org_unit_name,
            status_code: r.status_code,
            status_label: r.status_label,
            maturity: r.maturity,
            maturity_label: r.maturity_label,
            planned_go_live: r.planned_go_live,
            actual_go_live: r.actual_go_live,
            online_url: r.online_url,
            note: r.note,
            version: r.version,
            updated_at: r.updated_at,
            closed_on: r.closed_on,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct OrgUnitRow {
    pub id: i64,
    pub code: String,
    pub kind: String,
    pub name: String,
    pub ags: Option<String>,
    pub ars: Option<String>,
    pub population: Option<i64>,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
    pub parent_code: Option<String>,
    pub parent_name: Option<String>,
    pub parent_kind: Option<String>,
}

pub(crate) const ORG_UNIT_SELECT: &str =
    "SELECT o.id, o.code, o.kind, o.name, o.ags, o.ars, o.population, \
     o.valid_from, o.valid_to, p.code AS parent_code, p.name AS parent_name, p.kind AS parent_kind \
     FROM org_unit o LEFT JOIN org_unit p ON p.id = o.parent_id";

pub(crate) fn phase(code: &str) -> Result<Phase, super::StorageError> {
    Phase::from_code(code)
        .ok_or_else(|| super::StorageError::Inconsistent(format!("unknown phase {code}")))
}

pub(crate) fn kind(code: &str) -> Result<OrgUnitKind, super::StorageError> {
    OrgUnitKind::from_code(code)
        .ok_or_else(|| super::StorageError::Inconsistent(format!("unknown org unit kind {code}")))
}

impl TryFrom<OrgUnitRow> for OrgUnit {
    type Error = super::StorageError;
    fn try_from(r: OrgUnitRow) -> Result<Self, Self::Error> {
        let parent = match (r.parent_code, r.parent_name, r.parent_kind) {
            (Some(code), Some(name), Some(k)) => Some(OrgUnitRef {
                code,
                name,
                kind: kind(&k)?,
            }),
            _ => None,
        };
        Ok(Self {
            kind: kind(&r.kind)?,
            code: r.code,
            name: r.name,
            ags: r.ags,
            ars: r.ars,
            parent,
            population: r.population,
            valid_from: r.valid_from,
            valid_to: r.valid_to,
        })
    }
}
