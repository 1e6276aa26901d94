//! The Kompetenzzentrum's settings (status pipeline, Reifegrad model, trend deadlines,
//! Landesbehörden): read for the settings page, changed one at a time in a transaction that
//! also writes the audit entry.

use super::{in_transaction, on_pool, Result, Storage};
use crate::reference_data::LAND_CODE;
use app::domain::{Deadline, MaturityModel, MaturityOption, OrgUnitKind, OrgUnitQuery};
use app::domain::{SettingChange, SettingRefusal, Settings, StatusSetting};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::AssertSqlSafe;

/// Audit action of every settings change; the detail says which.
pub const SETTING_CHANGED: &str = "einstellung_geaendert";

/// How much names the status `status s`: its records today, and the changes of the history
/// (a status the history names keeps its code and phase, and cannot be removed).
const STATUS_USES: &str =
    "(SELECT COUNT(*) FROM implementation_record r WHERE r.status_code = s.code), \
     (SELECT COUNT(*) FROM record_event e WHERE e.new_status = s.code OR e.old_status = s.code)";

impl Storage {
    pub async fn settings(&self) -> Result<Settings> {
        type Rows = (
            Vec<(String, String, String, i64, i64, i64)>,
            Vec<(String, String)>,
            Vec<(String, i64, String)>,
            Vec<(i64, i64)>,
        );
        let (statuses, transitions, levels, in_use): Rows = on_pool!(self, pool => {
            (
                sqlx::query_as(AssertSqlSafe(format!(
                    "SELECT s.code, s.label, s.phase, s.sort_order, {STATUS_USES} FROM status s ORDER BY s.sort_order, s.code"
                ))).fetch_all(pool).await?,
                sqlx::query_as("SELECT from_code, to_code FROM status_transition ORDER BY from_code, to_code")
                    .fetch_all(pool).await?,
                sqlx::query_as("SELECT model, level, label FROM maturity_level ORDER BY model, level")
                    .fetch_all(pool).await?,
                sqlx::query_as("SELECT maturity, COUNT(*) FROM implementation_record \
                     WHERE maturity IS NOT NULL GROUP BY maturity ORDER BY maturity")
                    .fetch_all(pool).await?,
            )
        });
        let mut models: Vec<MaturityModel> = Vec::new();
        for (model, level, label) in levels {
            let option = MaturityOption { level, label };
            match models.last_mut() {
                Some(m) if m.model == model => m.levels.push(option),
                _ => models.push(MaturityModel {
                    model,
                    levels: vec![option],
                }),
            }
        }
        Ok(Settings {
            statuses: statuses
                .into_iter()
                .map(|(code, label, phase, sort_order, records, events)| {
                    Ok(StatusSetting {
                        code,
                        label,
                        phase: super::rows::phase(&phase)?,
                        sort_order,
                        records,
                        events,
                    })
                })
                .collect::<Result<_>>()?,
            transitions,
            maturity_model: self.maturity_model().await?,
            maturity_models: models,
            maturity_in_use: in_use,
            deadlines: self.deadlines().await?,
            authorities: self
                .org_units(&OrgUnitQuery {
                    kind: Some(OrgUnitKind::Landesbehoerde),
                    ..Default::default()
                })
                .await?,
        })
    }

    /// The target dates drawn into the trend, the earliest first.
    pub async fn deadlines(&self) -> Result<Vec<Deadline>> {
        let rows: Vec<(NaiveDate, String)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT day, label FROM trend_deadline ORDER BY day").fetch_all(pool).await?
        });
        Ok(rows
            .into_iter()
            .map(|(date, label)| Deadline { date, label })
            .collect())
    }

    /// Applies one checked change ([`SettingChange::checked`]) and writes its audit entry, or
    /// says why the stored settings refuse it (then nothing is written).
    pub async fn change_setting(
        &self,
        change: &SettingChange,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<std::result::Result<(), SettingRefusal>> {
        in_transaction!(self, tx => {
            let status_exists = |code: String| sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM status WHERE code = $1").bind(code);
            let refusal = match change {
                SettingChange::AddStatus { code, label, phase, sort_order } => {
                    if status_exists(code.clone()).fetch_one(&mut *tx).await? > 0 {
                        Some(SettingRefusal::StatusCodeTaken(code.clone()))
                    } else {
                        sqlx::query("INSERT INTO status (code, label, phase, sort_order) VALUES ($1, $2, $3, $4)")
                            .bind(code).bind(label).bind(phase.code()).bind(sort_order)
                            .execute(&mut *tx).await?;
                        None
                    }
                }
                SettingChange::EditStatus { code, label, sort_order } => {
                    let done = sqlx::query("UPDATE status SET label = $1, sort_order = $2 WHERE code = $3")
                        .bind(label).bind(sort_order).bind(code).execute(&mut *tx).await?;
                    (done.rows_affected() == 0).then(|| SettingRefusal::UnknownStatus(code.clone()))
                }
                SettingChange::RemoveStatus { code } => {
                    let uses: Option<(i64, i64)> = sqlx::query_as(AssertSqlSafe(format!(
                        "SELECT {STATUS_USES} FROM status s WHERE s.code = $1"
                    ))).bind(code).fetch_optional(&mut *tx).await?;
                    match uses {
                        None => Some(SettingRefusal::UnknownStatus(code.clone())),
                        Some((0, 0)) => {
                            sqlx::query("DELETE FROM status_transition WHERE from_code = $1 OR to_code = $1")
                                .bind(code).execute(&mut *tx).await?;
                            sqlx::query("DELETE FROM status WHERE code = $1").bind(code).execute(&mut *tx).await?;
                            None
                        }
                        Some((records, events)) => Some(SettingRefusal::StatusInUse { records, events }),
                    }
                }
                SettingChange::Transition { from, to, allowed } => {
                    let mut unknown = None;
                    for code in [from, to] {
                        if unknown.is_none() && status_exists(code.clone()).fetch_one(&mut *tx).await? == 0 {
                            unknown = Some(SettingRefusal::UnknownStatus(code.clone()));
                        }
                    }
                    if unknown.is_none() {
                        let sql = if *allowed {
                            "INSERT INTO status_transition (from_code, to_code) VALUES ($1, $2) ON CONFLICT DO NOTHING"
                        } else {
                            "DELETE FROM status_transition WHERE from_code = $1 AND to_code = $2"
                        };
                        sqlx::query(sql).bind(from).bind(to).execute(&mut *tx).await?;
                    }
                    unknown
                }
                SettingChange::MaturityModel { model } => {
                    let highest: Option<i64> = sqlx::query_scalar("SELECT MAX(level) FROM maturity_level WHERE model = $1")
                        .bind(model).fetch_one(&mut *tx).await?;
                    match highest {
                        None => Some(SettingRefusal::UnknownModel(model.clone())),
                        Some(highest) => {
                            let records: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM implementation_record WHERE maturity > $1")
                                .bind(highest).fetch_one(&mut *tx).await?;
                            if records > 0 {
                                Some(SettingRefusal::LevelsAboveScale { records, highest })
                            } else {
                                sqlx::query("INSERT INTO meta (key, value) VALUES ('maturity_model', $1) \
                                     ON CONFLICT (key) DO UPDATE SET value = excluded.value")
                                    .bind(model).execute(&mut *tx).await?;
                                None
                            }
                        }
                    }
                }
                SettingChange::MaturityLabel { model, level, label } => {
                    let known: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM maturity_level WHERE model = $1")
                        .bind(model).fetch_one(&mut *tx).await?;
                    let done = sqlx::query("UPDATE maturity_level SET label = $1 WHERE model = $2 AND level = $3")
                        .bind(label).bind(model).bind(level).execute(&mut *tx).await?;
                    if known == 0 {
                        Some(SettingRefusal::UnknownModel(model.clone()))
                    } else {
                        (done.rows_affected() == 0).then_some(SettingRefusal::UnknownLevel(*level))
                    }
                }
                SettingChange::AddDeadline { date, label } => {
                    let taken: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM trend_deadline WHERE day = $1")
                        .bind(date).fetch_one(&mut *tx).await?;
                    if taken > 0 {
                        Some(SettingRefusal::DeadlineTaken(*date))
                    } else {
                        sqlx::query("INSERT INTO trend_deadline (day, label) VALUES ($1, $2)")
                            .bind(date).bind(label).execute(&mut *tx).await?;
                        None
                    }
                }
                SettingChange::RemoveDeadline { date } => {
                    let done = sqlx::query("DELETE FROM trend_deadline WHERE day = $1").bind(date).execute(&mut *tx).await?;
                    (done.rows_affected() == 0).then_some(SettingRefusal::UnknownDeadline(*date))
                }
                SettingChange::AddAuthority { code, name } => {
                    let taken: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM org_unit WHERE LOWER(code) = LOWER($1)")
                        .bind(code).fetch_one(&mut *tx).await?;
                    if taken > 0 {
                        Some(SettingRefusal::UnitCodeTaken(code.clone()))
                    } else {
                        sqlx::query("INSERT INTO org_unit (code, kind, name, parent_id, valid_from) \
                             VALUES ($1, 'landesbehoerde', $2, (SELECT id FROM org_unit WHERE code = $3), $4)")
                            .bind(code).bind(name).bind(LAND_CODE).bind(at.date_naive())
                            .execute(&mut *tx).await?;
                        None
                    }
                }
            };
            if let Some(refusal) = refusal {
                // nothing was written; the transaction is rolled back when it is dropped
                return Ok(Err(refusal));
            }
            sqlx::query("INSERT INTO audit_log (occurred_at, action, actor, subject, client_addr, detail) VALUES ($1, $2, $3, $4, NULL, $5)")
                .bind(at).bind(SETTING_CHANGED).bind(actor).bind(change.subject()).bind(change.describe())
                .execute(&mut *tx).await?;
            Ok(Ok(()))
        })
    }
}
