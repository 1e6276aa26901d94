//! The OZG catalogue in the database: what a catalogue import compares its file with, and the
//! one write both the seed and a catalogue import use — Lebenslagen and services upserted,
//! catalogue services missing from the new catalogue marked inactive (never deleted: their
//! records and history stay), and the records the responsibility rule asks for created.
//!
//! Once a catalogue has been imported ([`CATALOGUE_IMPORTED`]), the database is the
//! catalogue's source of truth: the seed no longer writes the embedded 2019 catalogue over it.

use super::contribution::{phase_sql, Contribution};
use super::history::{apply_history, day_of, HistoryDeltas, KREIS_OF_UNIT};
use super::{in_transaction, on_pool, Result, Storage};
use crate::reference_data::{Lage, LeikaService, Service};
use app::domain::{CatalogueImported, Phase};
use chrono::{DateTime, Utc};
use sqlx::{AssertSqlSafe, QueryBuilder};
use std::collections::BTreeSet;

/// `meta` key set by a catalogue import: when, by whom, how many services
/// ([`CatalogueImported`] as JSON).
pub const CATALOGUE_IMPORTED: &str = "catalogue_imported";

/// Values per statement when a list of ids is bound: far below both databases' limits.
const CHUNK: usize = 1000;

/// A service as stored, for comparing it with a catalogue file.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredService {
    pub ozg_id: i64,
    pub name: String,
    pub lage_id: i64,
    pub themenfeld_id: i64,
    pub leika_types: String,
    pub responsibility: String,
    pub active: bool,
    /// `katalog` for catalogue services; only those are deactivated when a catalogue drops them.
    pub source: String,
}

/// A LeiKa-Leistung as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredLeika {
    pub natural_key: String,
    pub leika_key: Option<String>,
    pub name: String,
    pub ozg_id: Option<i64>,
    pub leika_type: String,
    pub legal_basis: String,
    pub sdg_relevant: bool,
}

/// Everything a catalogue import checks a file against.
#[derive(Debug, Clone, Default)]
pub struct StoredCatalogue {
    /// (id, name), by id.
    pub themenfelder: Vec<(i64, String)>,
    /// (id, name, Themenfeld id), by id.
    pub lagen: Vec<(i64, String, i64)>,
    pub services: Vec<StoredService>,
    pub leika: Vec<StoredLeika>,
    /// Themenfelder whose lead ministry exists as an org unit (their Ressort services get a record).
    pub themenfelder_with_lead: BTreeSet<i64>,
    /// Current Gemeinden and Kreise: the records a new Gemeinde or Kreis service gets.
    pub gemeinden: i64,
    /// Units executing a service of the level "verband": Verbände and Gemeinden in none.
    pub verband_units: i64,
    pub kreise: i64,
}

/// What to write. The seed passes the whole embedded catalogue; an import the whole file.
#[derive(Debug, Clone, Copy, Default)]
pub struct CatalogueWrite<'a> {
    /// Inserted, or renamed / moved to another Themenfeld.
    pub lagen: &'a [Lage],
    /// Inserted, or updated where they differ (and active again).
    pub services: &'a [Service],
    pub leika: &'a [LeikaService],
    /// Catalogue services not in `services` become inactive.
    pub deactivate_missing: bool,
    /// LeiKa-Leistungen not in `leika` are deleted (they carry no history).
    pub remove_missing_leika: bool,
}

/// What a catalogue write did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CatalogueWritten {
    pub services_deactivated: u64,
    pub records_created: u64,
}

/// How the history learns about the records a write creates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NewRecordHistory {
    /// The caller rebuilds rollups and history afterwards (seeding).
    Rebuilt,
    /// New records count from this moment on: the state at any earlier date stays as it was.
    From(DateTime<Utc>),
}

/// Lebenslagen by id; a changed name or Themenfeld is updated.
pub(crate) const UPSERT_LAGE: &str =
    "INSERT INTO lage (id, name, themenfeld_id) VALUES ($1, $2, $3) \
     ON CONFLICT (id) DO UPDATE SET name = excluded.name, themenfeld_id = excluded.themenfeld_id \
     WHERE lage.name <> excluded.name OR lage.themenfeld_id <> excluded.themenfeld_id";

/// Services by OZG-ID. Responsibility and lead unit are the Kompetenzzentrum's to change: set
/// on insert only (the named lead unit `$8`, else the Themenfeld's lead ministry).
const UPSERT_SERVICE: &str = "INSERT INTO service (ozg_id, name, search_text, lage_id, themenfeld_id, leika_types, \
     responsibility, lead_unit_id, active, source) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, \
       CASE WHEN $7 IN ('ressort', 'landesbehoerde') THEN COALESCE((SELECT id FROM org_unit WHERE code = $8), \
         (SELECT o.id FROM org_unit o JOIN themenfeld t ON t.lead_unit_code = o.code WHERE t.id = $5)) END, \
       TRUE, 'katalog') \
     ON CONFLICT (ozg_id) DO UPDATE SET name = excluded.name, search_text = excluded.search_text, \
     lage_id = excluded.lage_id, themenfeld_id = excluded.themenfeld_id, leika_types = excluded.leika_types, active = TRUE \
     WHERE service.name <> excluded.name OR service.lage_id <> excluded.lage_id \
     OR service.themenfeld_id <> excluded.themenfeld_id OR service.leika_types <> excluded.leika_types \
     OR NOT service.active";

/// The units responsible for the service `s`, as a condition on `org_unit o`: those of its
/// level and its exceptions. Records of units this no longer holds are closed, not deleted
/// (`storage/responsibility.rs`).
pub(super) const RESPONSIBLE_UNIT: &str = "o.valid_to IS NULL AND (\
     (s.responsibility = 'gemeinde' AND o.kind = 'gemeinde') \
     OR (s.responsibility = 'verband' AND (o.kind = 'verband' OR (o.kind = 'gemeinde' AND o.verband_id IS NULL))) \
     OR (s.responsibility = 'kreis' AND o.kind = 'kreis') \
     OR (s.responsibility = 'bund' AND o.kind = 'land') \
     OR (s.responsibility IN ('ressort', 'landesbehoerde') AND o.id = s.lead_unit_id) \
     OR o.id IN (SELECT x.org_unit_id FROM responsibility_exception x WHERE x.ozg_id = s.ozg_id))";

/// One record per (active service, responsible unit) that has none — one statement per level
/// (a plain join each, fast at Germany's scale) and one for the exceptions — each returning
/// the new records' ids. A closed record stays closed: only a responsibility change reopens
/// it. (The WHERE clauses also keep SQLite's parser from reading ON CONFLICT as a join
/// constraint.)
pub(super) fn missing_record_statements() -> impl Iterator<Item = String> {
    const INSERT: &str = "INSERT INTO implementation_record (ozg_id, org_unit_id, status_code, version, updated_at) \
         SELECT s.ozg_id, o.id, 'nicht_begonnen', 1, $1";
    const DONE: &str = "ON CONFLICT (ozg_id, org_unit_id) DO NOTHING RETURNING id";
    [
        ("'gemeinde'", "o.kind = 'gemeinde' AND o.valid_to IS NULL"),
        // a Verwaltungsgemeinschaft or erfüllende Gemeinde for its members, a Gemeinde in
        // none for itself
        (
            "'verband'",
            "(o.kind = 'verband' OR (o.kind = 'gemeinde' AND o.verband_id IS NULL)) AND o.valid_to IS NULL",
        ),
        ("'kreis'", "o.kind = 'kreis' AND o.valid_to IS NULL"),
        ("'bund'", "o.kind = 'land'"),
        ("'ressort', 'landesbehoerde'", "o.id = s.lead_unit_id"),
    ]
    .into_iter()
    .map(|(levels, unit_condition)| {
        format!(
            "{INSERT} FROM service s JOIN org_unit o ON {unit_condition} \
             WHERE s.active AND s.responsibility IN ({levels}) {DONE}"
        )
    })
    .chain(std::iter::once(format!(
        "{INSERT} FROM responsibility_exception x JOIN service s ON s.ozg_id = x.ozg_id \
         JOIN org_unit o ON o.id = x.org_unit_id AND o.valid_to IS NULL WHERE s.active {DONE}"
    )))
}

/// `search_text` of a service: id and lower-cased name, so search ignores case on both backends.
fn search_text(s: &Service) -> String {
    format!("{} {}", s.ozg_id, s.name.to_lowercase())
}

impl Storage {
    /// The last catalogue import, if any. (Every page shows it: an unreadable entry is
    /// logged, not an error.)
    pub async fn catalogue_imported(&self) -> Result<Option<CatalogueImported>> {
        self.meta_json(CATALOGUE_IMPORTED).await
    }

    /// The stored catalogue, for a catalogue import's comparison.
    pub async fn stored_catalogue(&self) -> Result<StoredCatalogue> {
        let (themenfelder, lagen, services, leika, leads, kinds) = on_pool!(self, pool => {
            (
                sqlx::query_as::<_, (i64, String)>("SELECT id, name FROM themenfeld ORDER BY id").fetch_all(pool).await?,
                sqlx::query_as::<_, (i64, String, i64)>("SELECT id, name, themenfeld_id FROM lage ORDER BY id").fetch_all(pool).await?,
                sqlx::query_as::<_, StoredService>(
                    "SELECT ozg_id, name, lage_id, themenfeld_id, leika_types, responsibility, active, source \
                     FROM service ORDER BY ozg_id").fetch_all(pool).await?,
                sqlx::query_as::<_, StoredLeika>(
                    "SELECT natural_key, leika_key, name, ozg_id, leika_type, legal_basis, sdg_relevant \
                     FROM leika_service ORDER BY natural_key").fetch_all(pool).await?,
                sqlx::query_scalar::<_, i64>(
                    "SELECT t.id FROM themenfeld t JOIN org_unit o ON o.code = t.lead_unit_code").fetch_all(pool).await?,
                sqlx::query_as::<_, (String, i64)>(
                    "SELECT CASE WHEN kind = 'gemeinde' AND verband_id IS NULL THEN 'verbandsfrei' ELSE kind END, COUNT(*) \
                     FROM org_unit WHERE valid_to IS NULL GROUP BY 1").fetch_all(pool).await?,
            )
        });
        let count = |kind: &str| kinds.iter().find(|(k, _)| k == kind).map_or(0, |(_, n)| *n);
        Ok(StoredCatalogue {
            themenfelder,
            lagen,
            services,
            leika,
            themenfelder_with_lead: leads.into_iter().collect(),
            gemeinden: count("gemeinde") + count("verbandsfrei"),
            verband_units: count("verband") + count("verbandsfrei"),
            kreise: count("kreis"),
        })
    }

    /// Writes `w` in one transaction and creates the records the responsibility rule asks for
    /// (for every active service, so units added since are covered too). With
    /// [`NewRecordHistory::From`], the new records' rollups and history rows are maintained
    /// here; `imported` is stored under [`CATALOGUE_IMPORTED`] in the same transaction.
    pub async fn write_catalogue(
        &self,
        w: &CatalogueWrite<'_>,
        history: NewRecordHistory,
        imported: Option<&str>,
    ) -> Result<CatalogueWritten> {
        let now = Utc::now();
        let written = in_transaction!(self, tx => {
            for l in w.lagen {
                sqlx::query(UPSERT_LAGE).bind(l.id).bind(&l.name).bind(l.themenfeld_id)
                    .execute(&mut *tx).await?;
            }
            for s in w.services {
                sqlx::query(UPSERT_SERVICE)
                    .bind(i64::from(s.ozg_id)).bind(&s.name).bind(search_text(s)).bind(s.lage_id)
                    .bind(s.themenfeld_id).bind(s.leika_types.to_string()).bind(s.responsibility.code())
                    .bind(s.lead_unit_code.as_deref())
                    .execute(&mut *tx).await?;
            }
            let mut services_deactivated = 0;
            if w.deactivate_missing {
                let mut qb = QueryBuilder::new(
                    "UPDATE service SET active = FALSE WHERE source = 'katalog' AND active AND ozg_id NOT IN (");
                let mut sep = qb.separated(", ");
                // NOT IN () is a syntax error; no service has OZG-ID 0
                sep.push_bind(0_i64);
                for s in w.services {
                    sep.push_bind(i64::from(s.ozg_id));
                }
                qb.push(")");
                services_deactivated = qb.build().execute(&mut *tx).await?.rows_affected();
            }
            for chunk in w.leika.chunks(500) {
                let mut qb = QueryBuilder::new(
                    "INSERT INTO leika_service (natural_key, leika_key, name, ozg_id, leika_type, legal_basis, sdg_relevant) ");
                qb.push_values(chunk, |mut b, l| {
                    b.push_bind(&l.natural_key).push_bind(l.key.key()).push_bind(&l.name).push_bind(l.ozg_id.map(i64::from))
                        .push_bind(&l.leika_type).push_bind(&l.legal_basis).push_bind(l.sdg_relevant);
                });
                qb.push(" ON CONFLICT (natural_key) DO UPDATE SET leika_key = excluded.leika_key, name = excluded.name, \
                     ozg_id = excluded.ozg_id, leika_type = excluded.leika_type, legal_basis = excluded.legal_basis, \
                     sdg_relevant = excluded.sdg_relevant \
                     WHERE leika_service.name <> excluded.name OR leika_service.ozg_id <> excluded.ozg_id \
                     OR leika_service.leika_type <> excluded.leika_type OR leika_service.legal_basis <> excluded.legal_basis \
                     OR leika_service.sdg_relevant <> excluded.sdg_relevant");
                qb.build().execute(&mut *tx).await?;
            }

            if w.remove_missing_leika {
                let mut qb = QueryBuilder::new("DELETE FROM leika_service WHERE natural_key NOT IN (");
                let mut sep = qb.separated(", ");
                // NOT IN () is a syntax error; no natural key is empty
                sep.push_bind("");
                for l in w.leika {
                    sep.push_bind(&l.natural_key);
                }
                qb.push(")");
                qb.build().execute(&mut *tx).await?;
            }

            let mut created: Vec<i64> = Vec::new();
            for sql in missing_record_statements() {
                let ids: Vec<i64> = sqlx::query_scalar(AssertSqlSafe(sql)).bind(now).fetch_all(&mut *tx).await?;
                created.extend(ids);
            }

            if let NewRecordHistory::From(since) = history {
                // The new records' figures, counted from `since` in the history and in the
                // rollups of their services; services without a rollup row (new ones without
                // any record) get theirs too.
                let mut deltas = HistoryDeltas::default();
                let mut services: BTreeSet<i64> = BTreeSet::new();
                for chunk in created.chunks(CHUNK) {
                    let mut qb = QueryBuilder::new(format!(
                        "SELECT rec.ozg_id, {KREIS_OF_UNIT} AS kreis_id, {} AS weight FROM implementation_record rec \
                         JOIN org_unit o ON o.id = rec.org_unit_id WHERE rec.id IN (", phase_sql::WEIGHT));
                    let mut sep = qb.separated(", ");
                    for id in chunk {
                        sep.push_bind(*id);
                    }
                    qb.push(")");
                    let rows: Vec<(i64, Option<i64>, i64)> = qb.build_query_as().fetch_all(&mut *tx).await?;
                    for (ozg_id, kreis_id, weight) in rows {
                        services.insert(ozg_id);
                        deltas.add(ozg_id, kreis_id, day_of(since), Contribution::of(Phase::NotStarted, None, weight));
                    }
                }
                let without_rollup: Vec<i64> = sqlx::query_scalar(
                    "SELECT ozg_id FROM service WHERE ozg_id NOT IN (SELECT ozg_id FROM service_rollup)")
                    .fetch_all(&mut *tx).await?;
                services.extend(without_rollup);
                let services: Vec<i64> = services.into_iter().collect();
                for chunk in services.chunks(CHUNK) {
                    let mut qb = QueryBuilder::new("DELETE FROM service_rollup WHERE ozg_id IN (");
                    let mut sep = qb.separated(", ");
                    for id in chunk {
                        sep.push_bind(*id);
                    }
                    qb.push(")");
                    qb.build().execute(&mut *tx).await?;
                    let mut qb = QueryBuilder::new(super::writes::rollup_insert_sql());
                    qb.push(" WHERE s.ozg_id IN (");
                    let mut sep = qb.separated(", ");
                    for id in chunk {
                        sep.push_bind(*id);
                    }
                    qb.push(") GROUP BY s.ozg_id");
                    qb.build().execute(&mut *tx).await?;
                }
                apply_history!(tx, deltas);
            }
            if let Some(value) = imported {
                sqlx::query("INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
                    .bind(CATALOGUE_IMPORTED).bind(value).execute(&mut *tx).await?;
            }
            CatalogueWritten { services_deactivated, records_created: created.len() as u64 }
        });
        Ok(written)
    }
}
