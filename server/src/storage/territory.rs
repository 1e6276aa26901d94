//! The Land's territory in the database: what an org-unit import (`imports/territory.rs`)
//! compares a Gemeindeverzeichnis with, and the one write that applies it.
//!
//! A Gemeinde or Kreis is never deleted. One that a territorial change dissolves ends the day
//! before the import (`valid_to` is the import's day) and names its successor; its records stay
//! readable on its page and keep counting for every earlier day, but no longer from that day
//! on. A new one exists from the import's day; when it has predecessors, its records start
//! with the state of the most populous one's, so a merged or re-keyed Gemeinde does not fall
//! back to "nicht begonnen". Rollups and history are recomputed in the same transaction
//! (`history::rebuild_history_in`), so the state at every earlier date stays as it was; a
//! write that only renames units leaves them as they are.
//!
//! Once the territory has been imported ([`TERRITORY_IMPORTED`]), the seed leaves Kreise and
//! Gemeinden alone, as it leaves an imported catalogue alone.

use super::catalogue::missing_record_statements;
use super::history::{day_of, rebuild_history_in};
use super::{in_transaction, on_pool, Result, Storage, StorageError};
use app::domain::TerritoryImported;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::AssertSqlSafe;
use std::collections::HashMap;

/// `meta` key set by an org-unit import: when, by whom, how many units
/// ([`TerritoryImported`] as JSON).
pub const TERRITORY_IMPORTED: &str = "territory_imported";

/// A Kreis or Gemeinde as stored, dissolved ones included.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredUnit {
    pub code: String,
    /// `kreis` or `gemeinde`.
    pub kind: String,
    pub name: String,
    pub ars: Option<String>,
    pub parent_code: Option<String>,
    pub population: Option<i64>,
    /// Set for a dissolved unit: the first day it no longer exists.
    pub valid_to: Option<NaiveDate>,
}

/// Everything an org-unit import checks a file against.
#[derive(Debug, Clone, Default)]
pub struct StoredTerritory {
    /// Every Kreis and Gemeinde, dissolved ones included, by code.
    pub units: Vec<StoredUnit>,
    /// Active services each new Gemeinde, or Kreis, gets a record of.
    pub gemeinde_services: i64,
    pub kreis_services: i64,
    /// Records per Kreis or Gemeinde (by code).
    pub records_by_unit: HashMap<String, i64>,
}

/// A Kreis or Gemeinde to insert, or to update where it differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitWrite {
    /// The AGS: 5 digits for a Kreis, 8 for a Gemeinde.
    pub code: String,
    /// `kreis` or `gemeinde`.
    pub kind: &'static str,
    pub name: String,
    pub ars: Option<String>,
    /// The Kreis of a Gemeinde; the Land of a Kreis.
    pub parent_code: String,
    pub population: i64,
}

/// A unit that no longer exists, and the one it went into (if known).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dissolution {
    pub code: String,
    pub successor: Option<String>,
}

/// What an org-unit import writes. Kreise come before the Gemeinden in them.
#[derive(Debug, Clone, Copy, Default)]
pub struct TerritoryWrite<'a> {
    pub units: &'a [UnitWrite],
    pub dissolved: &'a [Dissolution],
    /// (new unit, predecessor): the new unit's records start with the predecessor's state.
    pub takeovers: &'a [(String, String)],
}

/// What a territory write did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TerritoryWritten {
    /// Records the new units got.
    pub records_created: u64,
    /// Of these, records that started with a predecessor's state.
    pub records_taken_over: u64,
    /// Records of the dissolved units: kept, but no longer counted from the import's day.
    pub records_retired: u64,
}

/// A new unit's records take the predecessor's state for the same service (SQLite ≥ 3.33
/// and PostgreSQL both know UPDATE … FROM).
const TAKE_OVER: &str = "UPDATE implementation_record SET status_code = p.status_code, maturity = p.maturity, \
     planned_go_live = p.planned_go_live, actual_go_live = p.actual_go_live, online_url = p.online_url, \
     efa_solution = p.efa_solution, note = p.note, is_open = p.is_open \
     FROM implementation_record p \
     WHERE implementation_record.org_unit_id = (SELECT id FROM org_unit WHERE code = $1) \
     AND p.org_unit_id = (SELECT id FROM org_unit WHERE code = $2) \
     AND p.ozg_id = implementation_record.ozg_id";

/// The state the new unit's records start from, which `audit verify` adds their events to
/// (`replay.rs`).
const RECORD_BASELINE: &str = "INSERT INTO record_baseline (record_id, status_code, maturity, planned_go_live, \
     actual_go_live, online_url, efa_solution, note) \
     SELECT id, status_code, maturity, planned_go_live, actual_go_live, online_url, efa_solution, note \
     FROM implementation_record WHERE org_unit_id = (SELECT id FROM org_unit WHERE code = $1)";

impl Storage {
    /// The last org-unit import, if any (an unreadable entry is logged, not an error).
    pub async fn territory_imported(&self) -> Result<Option<TerritoryImported>> {
        self.meta_json(TERRITORY_IMPORTED).await
    }

    /// The stored territory, for an org-unit import's comparison.
    pub async fn stored_territory(&self) -> Result<StoredTerritory> {
        // (code, count) pairs: active services per responsibility, records per unit
        type Counts = Vec<(String, i64)>;
        let (units, services, records): (Vec<StoredUnit>, Counts, Counts) = on_pool!(self, pool => {
            (
                sqlx::query_as(
                    "SELECT o.code, o.kind, o.name, o.ars, p.code AS parent_code, o.population, o.valid_to \
                     FROM org_unit o LEFT JOIN org_unit p ON p.id = o.parent_id \
                     WHERE o.kind IN ('kreis', 'gemeinde') ORDER BY o.code",
                ).fetch_all(pool).await?,
                sqlx::query_as("SELECT responsibility, COUNT(*) FROM service WHERE active GROUP BY responsibility")
                    .fetch_all(pool).await?,
                sqlx::query_as(
                    "SELECT o.code, COUNT(*) FROM implementation_record rec JOIN org_unit o ON o.id = rec.org_unit_id \
                     WHERE o.kind IN ('kreis', 'gemeinde') GROUP BY o.code",
                ).fetch_all(pool).await?,
            )
        });
        let services_of = |r: &str| services.iter().find(|(k, _)| k == r).map_or(0, |(_, n)| *n);
        Ok(StoredTerritory {
            gemeinde_services: services_of("gemeinde"),
            kreis_services: services_of("kreis"),
            units,
            records_by_unit: records.into_iter().collect(),
        })
    }

    /// Writes `w` as of `at` in one transaction: units, dissolutions, the records new units
    /// get (with their predecessors' state), the Land's population, rollups and history, and
    /// under [`TERRITORY_IMPORTED`] that `by` imported it and how many units there are now.
    pub async fn write_territory(
        &self,
        w: &TerritoryWrite<'_>,
        at: DateTime<Utc>,
        by: &str,
    ) -> Result<TerritoryWritten> {
        let day = day_of(at);
        let (written, counts_changed) = in_transaction!(self, tx => {
            // What the history counts: which units exist, their records and populations. A
            // rename (name, ARS) changes none of it, so it skips the rebuild of every record's
            // history, which takes seconds for a Land and minutes for Germany.
            let populations: HashMap<String, Option<i64>> = sqlx::query_as(
                "SELECT code, population FROM org_unit WHERE kind IN ('kreis', 'gemeinde')",
            )
            .fetch_all(&mut *tx).await?.into_iter().collect();
            let mut counts_change = !w.dissolved.is_empty() || !w.takeovers.is_empty()
                || w.units.iter().any(|u| populations.get(&u.code) != Some(&Some(u.population)));
            for u in w.units {
                sqlx::query(
                    "INSERT INTO org_unit (code, kind, name, ags, ars, parent_id, population, valid_from) \
                     VALUES ($1, $2, $3, $1, $4, (SELECT id FROM org_unit WHERE code = $5), $6, $7) \
                     ON CONFLICT (code) DO UPDATE SET name = excluded.name, ars = excluded.ars, \
                     parent_id = excluded.parent_id, population = excluded.population",
                )
                .bind(&u.code).bind(u.kind).bind(&u.name).bind(&u.ars).bind(&u.parent_code)
                .bind(u.population).bind(day)
                .execute(&mut *tx).await?;
            }
            let mut records_retired = 0;
            for d in w.dissolved {
                sqlx::query(
                    "UPDATE org_unit SET valid_to = $2, successor_id = (SELECT id FROM org_unit WHERE code = $3) \
                     WHERE code = $1 AND valid_to IS NULL",
                )
                .bind(&d.code).bind(day).bind(&d.successor)
                .execute(&mut *tx).await?;
                let n: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM implementation_record WHERE org_unit_id = (SELECT id FROM org_unit WHERE code = $1)",
                )
                .bind(&d.code).fetch_one(&mut *tx).await?;
                records_retired += n as u64;
            }
            let land_population = "(SELECT SUM(population) FROM org_unit WHERE kind = 'gemeinde' AND valid_to IS NULL)";
            let land_changes: i64 = sqlx::query_scalar(AssertSqlSafe(format!(
                "SELECT COUNT(*) FROM org_unit WHERE kind = 'land' \
                 AND COALESCE(population, -1) <> COALESCE({land_population}, -1)"
            )))
            .fetch_one(&mut *tx).await?;
            counts_change |= land_changes > 0;
            sqlx::query(AssertSqlSafe(format!(
                "UPDATE org_unit SET population = {land_population} WHERE kind = 'land'"
            )))
            .execute(&mut *tx).await?;

            let mut records_created = 0;
            for sql in missing_record_statements() {
                let ids: Vec<i64> = sqlx::query_scalar(AssertSqlSafe(sql)).bind(at).fetch_all(&mut *tx).await?;
                records_created += ids.len() as u64;
            }
            let mut records_taken_over = 0;
            for (unit, predecessor) in w.takeovers {
                records_taken_over += sqlx::query(TAKE_OVER).bind(unit).bind(predecessor)
                    .execute(&mut *tx).await?.rows_affected();
                sqlx::query(RECORD_BASELINE).bind(unit).execute(&mut *tx).await?;
            }
            counts_change |= records_created > 0;
            if counts_change {
                sqlx::query("DELETE FROM service_rollup").execute(&mut *tx).await?;
                sqlx::query(AssertSqlSafe(format!("{} GROUP BY s.ozg_id", super::writes::rollup_insert_sql())))
                    .execute(&mut *tx).await?;
                rebuild_history_in!(tx);
            }
            let units: Vec<(String, i64)> = sqlx::query_as(
                "SELECT kind, COUNT(*) FROM org_unit WHERE valid_to IS NULL GROUP BY kind",
            )
            .fetch_all(&mut *tx).await?;
            let count = |kind: &str| units.iter().find(|(k, _)| k == kind).map_or(0, |(_, n)| *n);
            let imported = TerritoryImported {
                at,
                by: by.to_owned(),
                gemeinden: count("gemeinde"),
                kreise: count("kreis"),
            };
            let imported = serde_json::to_string(&imported).map_err(|e| StorageError::Inconsistent(e.to_string()))?;
            sqlx::query("INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
                .bind(TERRITORY_IMPORTED).bind(imported).execute(&mut *tx).await?;
            (TerritoryWritten { records_created, records_taken_over, records_retired }, counts_change)
        });
        if let (Storage::Postgres(pool), true) = (self, counts_changed) {
            // as after every rebuild: fresh statistics and visibility map (history.rs)
            sqlx::raw_sql("VACUUM ANALYZE").execute(pool).await?;
        }
        Ok(written)
    }
}
