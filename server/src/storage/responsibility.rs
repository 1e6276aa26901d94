//! Responsibility as data (migration 0014): per service the level that executes it, its lead
//! unit, the Kompetenzzentrum's confirmation and the units that execute it besides.
//!
//! A change moves the records in one transaction: records of units no longer responsible are
//! closed (`closed_on`, a `record_period` ending that day) and keep their whole history;
//! closed records of units responsible again are reopened; units newly responsible get
//! records. The history rollups change from that day on only, so every past date keeps its
//! figures. A dry run does all of it, reads the outcome and rolls back.

use super::catalogue::RESPONSIBLE_UNIT;
use super::contribution::{phase_sql, Contribution};
use super::history::{apply_history, day_of, HistoryDeltas, KREIS_OF_UNIT};
use super::rows::{kind, ozg_id, phase};
use super::writes::rollup_insert_sql;
use super::{in_transaction, on_pool, Result, Storage, StorageError};
use app::domain::{
    LageOption, NewService, OrgUnitRef, OzgId, Phase, Responsibility, ResponsibilityChange,
    ResponsibilityFigures, ResponsibilityOutcome, ServiceResponsibility,
};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::AssertSqlSafe;
use std::collections::{BTreeMap, BTreeSet};

/// The audit log's action for a responsibility change.
pub const RESPONSIBILITY_CHANGED: &str = "zustaendigkeit_geaendert";

/// The audit log's action for a service the Land added to its catalogue.
pub const SERVICE_ADDED: &str = "leistung_ergaenzt";

/// `service.source` of a service the Land added (a catalogue import deactivates only
/// services of the catalogue, `katalog`, that its file no longer lists).
const ADDED_BY_THE_LAND: &str = "land";

/// Every active service (or the one `$1`, with `$2` true) with its responsibility and the
/// number of its open and closed records.
const LIST: &str = "SELECT s.ozg_id, s.name, t.name AS themenfeld, s.responsibility, \
     s.responsibility_confirmed AS confirmed, l.code AS lead_code, l.name AS lead_name, l.kind AS lead_kind, \
     CAST(COALESCE(c.open, 0) AS BIGINT) AS records_open, CAST(COALESCE(c.closed, 0) AS BIGINT) AS records_closed \
     FROM service s JOIN themenfeld t ON t.id = s.themenfeld_id \
     LEFT JOIN org_unit l ON l.id = s.lead_unit_id \
     LEFT JOIN (SELECT ozg_id, SUM(CASE WHEN closed_on IS NULL THEN 1 ELSE 0 END) AS open, \
       SUM(CASE WHEN closed_on IS NULL THEN 0 ELSE 1 END) AS closed FROM implementation_record \
       WHERE ($2 = FALSE OR ozg_id = $1) GROUP BY ozg_id) c ON c.ozg_id = s.ozg_id \
     WHERE s.active AND ($2 = FALSE OR s.ozg_id = $1) ORDER BY s.ozg_id";

const EXCEPTIONS: &str = "SELECT x.ozg_id, o.code, o.name, o.kind FROM responsibility_exception x \
     JOIN org_unit o ON o.id = x.org_unit_id WHERE ($2 = FALSE OR x.ozg_id = $1) ORDER BY x.ozg_id, o.name";

/// The Land's figures a change moves, from the maintained rollups (exact at commit).
const FIGURES: &str = "SELECT \
     (SELECT COUNT(*) FROM service WHERE active AND responsibility IN ('kreis', 'verband', 'gemeinde')) AS municipal_services, \
     CAST(COALESCE(SUM(r.records_applicable), 0) AS BIGINT) AS records_applicable, \
     CAST(COALESCE(SUM(r.records_online), 0) AS BIGINT) AS records_online, \
     CAST(COALESCE(SUM(CASE WHEN s.responsibility IN ('kreis', 'verband', 'gemeinde') THEN r.records_applicable ELSE 0 END), 0) AS BIGINT) AS municipal_records, \
     CAST(COALESCE(SUM(CASE WHEN s.responsibility IN ('kreis', 'verband', 'gemeinde') THEN r.records_online ELSE 0 END), 0) AS BIGINT) AS municipal_online, \
     (SELECT COUNT(*) FROM service WHERE active AND responsibility_confirmed) AS confirmed, \
     (SELECT COUNT(*) FROM service WHERE active) AS services \
     FROM service s JOIN service_rollup r ON r.ozg_id = s.ozg_id WHERE s.active";

#[derive(sqlx::FromRow)]
struct ListRow {
    ozg_id: i64,
    name: String,
    themenfeld: String,
    responsibility: String,
    confirmed: bool,
    lead_code: Option<String>,
    lead_name: Option<String>,
    lead_kind: Option<String>,
    records_open: i64,
    records_closed: i64,
}

#[derive(sqlx::FromRow)]
struct ExceptionRow {
    ozg_id: i64,
    code: String,
    name: String,
    kind: String,
}

#[derive(sqlx::FromRow)]
struct FiguresRow {
    municipal_services: i64,
    records_applicable: i64,
    records_online: i64,
    municipal_records: i64,
    municipal_online: i64,
    confirmed: i64,
    services: i64,
}

impl From<FiguresRow> for ResponsibilityFigures {
    fn from(r: FiguresRow) -> Self {
        Self {
            municipal_services: r.municipal_services,
            records_applicable: r.records_applicable,
            records_online: r.records_online,
            municipal_records: r.municipal_records,
            municipal_online: r.municipal_online,
            confirmed: r.confirmed,
            services: r.services,
        }
    }
}

/// A record of the service being changed, with what its figures need.
#[derive(sqlx::FromRow)]
struct AffectedRecord {
    id: i64,
    org_unit_id: i64,
    closed_on: Option<NaiveDate>,
    phase: String,
    maturity: Option<i64>,
    kreis_id: Option<i64>,
    weight: i64,
}

fn unit_ref(code: String, name: String, k: &str) -> Result<OrgUnitRef> {
    Ok(OrgUnitRef {
        code,
        name,
        kind: kind(k)?,
    })
}

fn assemble(
    rows: Vec<ListRow>,
    exceptions: Vec<ExceptionRow>,
) -> Result<Vec<ServiceResponsibility>> {
    let mut by_service: BTreeMap<i64, Vec<OrgUnitRef>> = BTreeMap::new();
    for x in exceptions {
        by_service
            .entry(x.ozg_id)
            .or_default()
            .push(unit_ref(x.code, x.name, &x.kind)?);
    }
    rows.into_iter()
        .map(|r| {
            let level = Responsibility::from_code(&r.responsibility).ok_or_else(|| {
                StorageError::Inconsistent(format!("unknown responsibility {}", r.responsibility))
            })?;
            let lead_unit = match (r.lead_code, r.lead_name, r.lead_kind) {
                (Some(code), Some(name), Some(k)) if level.needs_lead_unit() => {
                    Some(unit_ref(code, name, &k)?)
                }
                _ => None,
            };
            Ok(ServiceResponsibility {
                ozg_id: ozg_id(r.ozg_id)?,
                name: r.name,
                themenfeld: r.themenfeld,
                level,
                lead_unit,
                confirmed: r.confirmed,
                exceptions: by_service.remove(&r.ozg_id).unwrap_or_default(),
                records_open: r.records_open,
                records_closed: r.records_closed,
            })
        })
        .collect()
}

/// Reads the responsibility of one service (`Some(id)`) or of all, on `$exec`.
macro_rules! read_responsibilities {
    ($exec:expr, $one:expr) => {{
        let one: Option<i64> = $one;
        let rows: Vec<ListRow> = sqlx::query_as(LIST)
            .bind(one.unwrap_or(0))
            .bind(one.is_some())
            .fetch_all(&mut *$exec)
            .await?;
        let exceptions: Vec<ExceptionRow> = sqlx::query_as(EXCEPTIONS)
            .bind(one.unwrap_or(0))
            .bind(one.is_some())
            .fetch_all(&mut *$exec)
            .await?;
        assemble(rows, exceptions)?
    }};
}

/// What a change asks for, checked against the stored units: the level, the lead unit's id
/// (for a Ressort or Landesbehörde), the confirmation and the exceptions' ids (`None`: kept).
struct Target {
    level: Responsibility,
    lead_unit_id: Option<i64>,
    confirmed: bool,
    exceptions: Option<Vec<i64>>,
}

fn not_found(id: OzgId) -> StorageError {
    StorageError::NotFound(format!("Die OZG-Leistung {id} gibt es nicht."))
}

/// The unit `code` as (id, kind), if it exists today.
const CURRENT_UNIT_BY_CODE: &str =
    "SELECT id, kind FROM org_unit WHERE code = $1 AND valid_to IS NULL";

impl Storage {
    /// Every active service's responsibility, by OZG-ID.
    pub async fn responsibilities(&self) -> Result<Vec<ServiceResponsibility>> {
        Ok(on_pool!(self, pool => {
            let mut conn = pool.acquire().await?;
            read_responsibilities!(conn, None)
        }))
    }

    /// One active service's responsibility.
    pub async fn service_responsibility(&self, id: OzgId) -> Result<ServiceResponsibility> {
        let mut found = on_pool!(self, pool => {
            let mut conn = pool.acquire().await?;
            read_responsibilities!(conn, Some(i64::from(id)))
        });
        found.pop().ok_or_else(|| not_found(id))
    }

    /// The units a Ressort or Landesbehörde service can be assigned to, ministries first.
    pub async fn lead_units(&self) -> Result<Vec<OrgUnitRef>> {
        let rows: Vec<(String, String, String)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT code, name, kind FROM org_unit WHERE kind IN ('ressort', 'landesbehoerde') \
                 AND valid_to IS NULL ORDER BY kind DESC, name",
            )
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(|(code, name, k)| unit_ref(code, name, &k))
            .collect()
    }

    /// The Lebenslagen a new service can be filed under, by Themenfeld and name, and the
    /// OZG-ID after the highest in use (if below the highest possible).
    pub async fn new_service_choices(&self) -> Result<(Vec<LageOption>, Option<OzgId>)> {
        let (lagen, highest): (Vec<(i64, String, String)>, Option<i64>) = on_pool!(self, pool => {
            (
                sqlx::query_as("SELECT l.id, l.name, t.name FROM lage l JOIN themenfeld t ON t.id = l.themenfeld_id \
                     ORDER BY t.name, l.name").fetch_all(pool).await?,
                sqlx::query_scalar("SELECT MAX(ozg_id) FROM service").fetch_one(pool).await?,
            )
        });
        let lagen = lagen
            .into_iter()
            .map(|(id, name, themenfeld)| LageOption {
                id,
                name,
                themenfeld,
            })
            .collect();
        let suggested = highest.and_then(|h| OzgId::try_from(h + 1).ok());
        Ok((lagen, suggested))
    }

    /// The Land's figures that rest on responsibility, today.
    pub async fn responsibility_figures(&self) -> Result<ResponsibilityFigures> {
        let row: FiguresRow = on_pool!(self, pool => {
            sqlx::query_as(FIGURES).fetch_one(pool).await?
        });
        Ok(row.into())
    }

    /// Changes the responsibility of service `id` as of `at` by `actor`, in one transaction
    /// with its audit log entry; with `dry_run` everything is done, measured and rolled back.
    pub async fn change_responsibility(
        &self,
        id: OzgId,
        change: &ResponsibilityChange,
        at: DateTime<Utc>,
        actor: &str,
        dry_run: bool,
    ) -> Result<ResponsibilityOutcome> {
        let mut outcomes = self
            .change_responsibilities(&[(id, change.clone())], at, actor, dry_run)
            .await?;
        outcomes
            .pop()
            .ok_or_else(|| StorageError::Inconsistent("a change without an outcome".into()))
    }

    /// [`Self::change_responsibility`] for many services in one transaction (the matrix
    /// import): all or nothing; each outcome's figures are those before and after its own change.
    pub async fn change_responsibilities(
        &self,
        changes: &[(OzgId, ResponsibilityChange)],
        at: DateTime<Utc>,
        actor: &str,
        dry_run: bool,
    ) -> Result<Vec<ResponsibilityOutcome>> {
        self.responsibility_transaction(None, changes, at, actor, dry_run)
            .await
    }

    /// Adds the service `new` to the catalogue as of `at` by `actor`, with the records its
    /// level asks for, in one transaction with its audit log entries; with `dry_run` it is
    /// done, measured and rolled back. The outcome's `after` is the new service.
    pub async fn add_service(
        &self,
        new: &NewService,
        at: DateTime<Utc>,
        actor: &str,
        dry_run: bool,
    ) -> Result<ResponsibilityOutcome> {
        let change = ResponsibilityChange {
            level: Some(new.level),
            lead_unit: new.lead_unit.clone(),
            confirmed: Some(new.confirmed),
            exceptions: None,
        };
        let mut outcomes = self
            .responsibility_transaction(Some(new), &[(new.ozg_id, change)], at, actor, dry_run)
            .await?;
        outcomes
            .pop()
            .ok_or_else(|| StorageError::Inconsistent("an addition without an outcome".into()))
    }

    /// The one transaction of responsibility changes: `added` is first inserted as a service
    /// of its level without records (so its change writes no level change into the past:
    /// before today it did not exist), then each change moves the records.
    async fn responsibility_transaction(
        &self,
        added: Option<&NewService>,
        changes: &[(OzgId, ResponsibilityChange)],
        at: DateTime<Utc>,
        actor: &str,
        dry_run: bool,
    ) -> Result<Vec<ResponsibilityOutcome>> {
        let day = day_of(at);
        let outcomes = in_transaction!(self, tx, commit if !dry_run => {
          if let Some(new) = added {
            let ozg = i64::from(new.ozg_id);
            let taken: Option<String> = sqlx::query_scalar("SELECT name FROM service WHERE ozg_id = $1")
                .bind(ozg).fetch_optional(&mut *tx).await?;
            if let Some(name) = taken {
                return Err(StorageError::Invalid(format!(
                    "Die OZG-ID {} ist schon vergeben: „{name}“.", new.ozg_id)));
            }
            let themenfeld: Option<i64> = sqlx::query_scalar("SELECT themenfeld_id FROM lage WHERE id = $1")
                .bind(new.lage_id).fetch_optional(&mut *tx).await?;
            let Some(themenfeld) = themenfeld else {
                return Err(StorageError::Invalid(format!("Die Lebenslage {} gibt es nicht.", new.lage_id)));
            };
            let name = new.name.trim();
            let types = new.types().to_string();
            sqlx::query(
                "INSERT INTO service (ozg_id, name, search_text, lage_id, themenfeld_id, leika_types, \
                 responsibility, lead_unit_id, active, source, responsibility_confirmed) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, TRUE, $8, FALSE)")
                .bind(ozg).bind(name).bind(format!("{ozg} {}", name.to_lowercase())).bind(new.lage_id)
                .bind(themenfeld).bind(&types).bind(new.level.code()).bind(ADDED_BY_THE_LAND)
                .execute(&mut *tx).await?;
            for key in &new.leika_keys {
                let key = key.trim();
                let owner: Option<Option<i64>> = sqlx::query_scalar(
                    "SELECT ozg_id FROM leika_service WHERE natural_key = $1")
                    .bind(key).fetch_optional(&mut *tx).await?;
                match owner {
                    Some(Some(other)) => {
                        return Err(StorageError::Invalid(format!(
                            "Die LeiKa-Leistung {key} gehört schon zur OZG-Leistung {other}.")));
                    }
                    Some(None) => {
                        sqlx::query("UPDATE leika_service SET ozg_id = $2 WHERE natural_key = $1")
                            .bind(key).bind(ozg).execute(&mut *tx).await?;
                    }
                    None => {
                        sqlx::query(
                            "INSERT INTO leika_service (natural_key, leika_key, name, ozg_id, leika_type, legal_basis, sdg_relevant) \
                             VALUES ($1, $1, $2, $3, $4, '', FALSE)")
                            .bind(key).bind(name).bind(ozg).bind(&types).execute(&mut *tx).await?;
                    }
                }
            }
            if !dry_run {
                let detail = serde_json::json!({
                    "ozg_id": ozg, "bezeichnung": name, "lebenslage": new.lage_id,
                    "leika": new.leika_keys, "leika_typen": types,
                })
                .to_string();
                sqlx::query("INSERT INTO audit_log (occurred_at, action, actor, subject, client_addr, detail) VALUES ($1, $2, $3, $4, NULL, $5)")
                    .bind(at).bind(SERVICE_ADDED).bind(actor).bind(ozg.to_string()).bind(detail)
                    .execute(&mut *tx).await?;
            }
          }
          let mut outcomes = Vec::with_capacity(changes.len());
          for (id, change) in changes {
            let (id, ozg) = (*id, i64::from(*id));
            let before = read_responsibilities!(tx, Some(ozg))
                .pop()
                .ok_or_else(|| not_found(id))?;
            let figures_before: FiguresRow = sqlx::query_as(FIGURES).fetch_one(&mut *tx).await?;

            // what the change asks for, each unit checked
            let level = change.level.unwrap_or(before.level);
            let lead_unit_id = match (level.lead_unit_kind(), &change.lead_unit) {
                (None, Some(_)) => {
                    return Err(StorageError::Invalid(format!(
                        "Die Ebene „{}“ hat keine federführende Einheit.",
                        level.code()
                    )));
                }
                (None, None) => None,
                (Some(wanted), Some(code)) => {
                    let unit: Option<(i64, String)> = sqlx::query_as(CURRENT_UNIT_BY_CODE)
                        .bind(code).fetch_optional(&mut *tx).await?;
                    match unit {
                        Some((unit_id, k)) if kind(&k)? == wanted => Some(unit_id),
                        _ => {
                            return Err(StorageError::Invalid(format!(
                                "„{code}“ ist keine bestehende Einheit der Art „{}“.",
                                wanted.code()
                            )));
                        }
                    }
                }
                (Some(wanted), None) => {
                    // keep the lead unit if it fits the level; a Ressort falls back to the
                    // Themenfeld's lead ministry
                    let kept = before.lead_unit.as_ref().filter(|u| u.kind == wanted);
                    let fallback: Option<i64> = match kept {
                        Some(u) => sqlx::query_scalar("SELECT id FROM org_unit WHERE code = $1")
                            .bind(&u.code).fetch_optional(&mut *tx).await?,
                        None if level == Responsibility::Ressort => sqlx::query_scalar(
                            "SELECT o.id FROM service s JOIN themenfeld t ON t.id = s.themenfeld_id \
                             JOIN org_unit o ON o.code = t.lead_unit_code WHERE s.ozg_id = $1")
                            .bind(ozg).fetch_optional(&mut *tx).await?,
                        None => None,
                    };
                    if fallback.is_none() {
                        return Err(StorageError::Invalid(format!(
                            "Für die Ebene „{}“ fehlt die federführende Einheit („lead_unit“).",
                            level.code()
                        )));
                    }
                    fallback
                }
            };
            let exceptions = match &change.exceptions {
                None => None,
                Some(codes) => {
                    let mut ids = BTreeSet::new();
                    for code in codes {
                        let unit: Option<(i64, String)> = sqlx::query_as(CURRENT_UNIT_BY_CODE)
                            .bind(code).fetch_optional(&mut *tx).await?;
                        let Some((unit_id, _)) = unit else {
                            return Err(StorageError::Invalid(format!(
                                "Ausnahme „{code}“: keine bestehende Einheit."
                            )));
                        };
                        ids.insert(unit_id);
                    }
                    Some(ids.into_iter().collect::<Vec<_>>())
                }
            };
            let target = Target {
                level,
                lead_unit_id,
                confirmed: change.confirmed.unwrap_or(before.confirmed),
                exceptions,
            };

            sqlx::query("UPDATE service SET responsibility = $2, lead_unit_id = $3, responsibility_confirmed = $4 WHERE ozg_id = $1")
                .bind(ozg).bind(target.level.code()).bind(target.lead_unit_id).bind(target.confirmed)
                .execute(&mut *tx).await?;
            if target.level != before.level {
                sqlx::query("INSERT INTO responsibility_change (ozg_id, changed_on, old_level, new_level) VALUES ($1, $2, $3, $4)")
                    .bind(ozg).bind(day).bind(before.level.code()).bind(target.level.code())
                    .execute(&mut *tx).await?;
            }
            if let Some(ids) = &target.exceptions {
                sqlx::query("DELETE FROM responsibility_exception WHERE ozg_id = $1")
                    .bind(ozg).execute(&mut *tx).await?;
                for unit_id in ids {
                    sqlx::query("INSERT INTO responsibility_exception (ozg_id, org_unit_id) VALUES ($1, $2)")
                        .bind(ozg).bind(*unit_id).execute(&mut *tx).await?;
                }
            }

            // which units are responsible now, and what happens to each record
            let responsible: BTreeSet<i64> = sqlx::query_scalar::<_, i64>(AssertSqlSafe(format!(
                "SELECT o.id FROM service s JOIN org_unit o ON {RESPONSIBLE_UNIT} WHERE s.ozg_id = $1")))
                .bind(ozg).fetch_all(&mut *tx).await?.into_iter().collect();
            let records: Vec<AffectedRecord> = sqlx::query_as(AssertSqlSafe(format!(
                "SELECT rec.id, rec.org_unit_id, rec.closed_on, st.phase, rec.maturity, \
                 {KREIS_OF_UNIT} AS kreis_id, {} AS weight FROM implementation_record rec \
                 JOIN status st ON st.code = rec.status_code JOIN org_unit o ON o.id = rec.org_unit_id \
                 WHERE rec.ozg_id = $1 AND o.valid_to IS NULL", phase_sql::WEIGHT)))
                .bind(ozg).fetch_all(&mut *tx).await?;
            let mut deltas = HistoryDeltas::default();
            let (mut closed, mut reopened) = (0_i64, 0_i64);
            for r in &records {
                let figures = Contribution::of(phase(&r.phase)?, r.maturity, r.weight);
                match (r.closed_on.is_none(), responsible.contains(&r.org_unit_id)) {
                    (true, false) => {
                        sqlx::query("UPDATE implementation_record SET closed_on = $2, is_open = FALSE WHERE id = $1")
                            .bind(r.id).bind(day).execute(&mut *tx).await?;
                        let ended = sqlx::query("UPDATE record_period SET ends = $2 WHERE record_id = $1 AND ends IS NULL")
                            .bind(r.id).bind(day).execute(&mut *tx).await?.rows_affected();
                        if ended == 0 {
                            sqlx::query("INSERT INTO record_period (record_id, starts, ends) VALUES ($1, NULL, $2)")
                                .bind(r.id).bind(day).execute(&mut *tx).await?;
                        }
                        let mut gone = Contribution::default();
                        gone.add(figures, -1);
                        deltas.add(ozg, r.kreis_id, day, gone);
                        closed += 1;
                    }
                    (false, true) => {
                        sqlx::query(
                            "UPDATE implementation_record SET closed_on = NULL, is_open = (status_code IN \
                             (SELECT code FROM status WHERE phase NOT IN ('online', 'not_relevant'))) WHERE id = $1")
                            .bind(r.id).execute(&mut *tx).await?;
                        sqlx::query("INSERT INTO record_period (record_id, starts, ends) VALUES ($1, $2, NULL)")
                            .bind(r.id).bind(day).execute(&mut *tx).await?;
                        deltas.add(ozg, r.kreis_id, day, figures);
                        reopened += 1;
                    }
                    _ => {}
                }
            }
            let with_record: BTreeSet<i64> = records.iter().map(|r| r.org_unit_id).collect();
            let mut created = 0_i64;
            for unit_id in responsible.difference(&with_record) {
                // a record of a dissolved unit for this service cannot exist: its unit is not current
                let (record_id, kreis_id, weight): (i64, Option<i64>, i64) = {
                    let record_id: i64 = sqlx::query_scalar(
                        "INSERT INTO implementation_record (ozg_id, org_unit_id, status_code, version, updated_at) \
                         VALUES ($1, $2, 'nicht_begonnen', 1, $3) RETURNING id")
                        .bind(ozg).bind(*unit_id).bind(at).fetch_one(&mut *tx).await?;
                    let (kreis_id, weight): (Option<i64>, i64) = sqlx::query_as(AssertSqlSafe(format!(
                        "SELECT {KREIS_OF_UNIT}, {} FROM org_unit o WHERE o.id = $1", phase_sql::WEIGHT)))
                        .bind(*unit_id).fetch_one(&mut *tx).await?;
                    (record_id, kreis_id, weight)
                };
                sqlx::query("INSERT INTO record_period (record_id, starts, ends) VALUES ($1, $2, NULL)")
                    .bind(record_id).bind(day).execute(&mut *tx).await?;
                deltas.add(ozg, kreis_id, day, Contribution::of(Phase::NotStarted, None, weight));
                created += 1;
            }

            // the service's rollup from its records as they count now, and the history from today
            sqlx::query("DELETE FROM service_rollup WHERE ozg_id = $1").bind(ozg).execute(&mut *tx).await?;
            sqlx::query(AssertSqlSafe(format!("{} WHERE s.ozg_id = $1 GROUP BY s.ozg_id", rollup_insert_sql())))
                .bind(ozg).execute(&mut *tx).await?;
            apply_history!(tx, deltas);

            let after = read_responsibilities!(tx, Some(ozg))
                .pop()
                .ok_or_else(|| not_found(id))?;
            let figures_after: FiguresRow = sqlx::query_as(FIGURES).fetch_one(&mut *tx).await?;
            let detail = serde_json::json!({
                "ozg_id": ozg,
                "vorher": {"ebene": before.level.code(), "federfuehrung": before.lead_unit.as_ref().map(|u| &u.code),
                           "bestaetigt": before.confirmed, "ausnahmen": before.exceptions.iter().map(|u| &u.code).collect::<Vec<_>>()},
                "nachher": {"ebene": after.level.code(), "federfuehrung": after.lead_unit.as_ref().map(|u| &u.code),
                            "bestaetigt": after.confirmed, "ausnahmen": after.exceptions.iter().map(|u| &u.code).collect::<Vec<_>>()},
                "angelegt": created, "geschlossen": closed, "wieder_geoeffnet": reopened,
            })
            .to_string();
            if !dry_run {
                sqlx::query("INSERT INTO audit_log (occurred_at, action, actor, subject, client_addr, detail) VALUES ($1, $2, $3, $4, NULL, $5)")
                    .bind(at).bind(RESPONSIBILITY_CHANGED).bind(actor).bind(ozg.to_string()).bind(detail)
                    .execute(&mut *tx).await?;
            }
            outcomes.push(ResponsibilityOutcome {
                ozg_id: id,
                dry_run,
                before,
                after,
                records_created: created,
                records_closed: closed,
                records_reopened: reopened,
                figures_before: figures_before.into(),
                figures_after: figures_after.into(),
            });
          }
          outcomes
        });
        Ok(outcomes)
    }
}
