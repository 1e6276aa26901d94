//! The one write path for implementation records. Every change — a coordinator's edit, a bulk
//! update, the demo generator — goes through [`Storage::apply_changes`]: the record is updated,
//! an event appended and the service rollup adjusted, all in one transaction.

use super::chain::{self, ChainedEvent};
use super::contribution::{phase_sql, Contribution};
use super::events::{StoredEvent, EVENT_COLUMNS};
use super::history::{self, HistoryDeltas};
use super::records::{detail_by_id_sql, DetailRow};
use super::{in_transaction, on_pool, Result, Storage, StorageError};
use app::domain::{EditOptions, Phase, RecordDetail};
// refusals at this level are a last guard; the pages check first, in the user's language
use app::i18n::Locale;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{AssertSqlSafe, QueryBuilder};
use std::collections::HashMap;
use tracing::Instrument;

/// Fields to change; `None` leaves a field as it is, `Some(None)` clears it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RecordPatch {
    pub status_code: Option<String>,
    pub maturity: Option<Option<i64>>,
    pub planned_go_live: Option<Option<NaiveDate>>,
    pub actual_go_live: Option<Option<NaiveDate>>,
    pub online_url: Option<Option<String>>,
    pub efa_solution: Option<Option<String>>,
    pub note: Option<Option<String>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RecordChange {
    pub record_id: i64,
    /// The version the editor saw; a different current version refuses the change (no lost update).
    pub expected_version: i64,
    pub patch: RecordPatch,
    pub actor: String,
    /// The account behind `actor`; `None` for the demo generator and imports without one.
    pub user_id: Option<i64>,
    pub comment: Option<String>,
    /// When the change happened; equals now for live edits, earlier for backfilled history.
    pub occurred_at: DateTime<Utc>,
    pub is_demo: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeOutcome {
    Applied {
        new_version: i64,
    },
    Unchanged {
        version: i64,
    },
    Stale {
        current_version: i64,
    },
    /// Against the configured pipeline or scale (the reason is German, for the user).
    Refused {
        reason: String,
    },
    NotFound,
}

impl ChangeOutcome {
    fn is_written_or_unchanged(&self) -> bool {
        matches!(self, Self::Applied { .. } | Self::Unchanged { .. })
    }
}

/// How [`Storage::write_changes`] writes.
#[derive(Debug, Clone, Copy)]
struct WriteMode {
    /// Adjust the per-day history rollups (off only for backdated demo history).
    maintain_history: bool,
    /// A record to read back once everything is written, before the commit.
    read_back: Option<i64>,
    /// Write nothing unless every change applies.
    all_or_nothing: bool,
}

impl WriteMode {
    const LIVE: Self = Self {
        maintain_history: true,
        read_back: None,
        all_or_nothing: false,
    };
}

#[derive(sqlx::FromRow, Clone)]
struct CurrentRow {
    id: i64,
    ozg_id: i64,
    status_code: String,
    phase: String,
    maturity: Option<i64>,
    planned_go_live: Option<NaiveDate>,
    actual_go_live: Option<NaiveDate>,
    online_url: Option<String>,
    efa_solution: Option<String>,
    note: Option<String>,
    version: i64,
    weight: i64,
    kreis_id: Option<i64>,
    /// The territorial unit's lifetime: records of a dissolved unit are read-only, and a new
    /// one's history starts on its first day.
    starts: Option<NaiveDate>,
    ends: Option<NaiveDate>,
    /// Closed by a responsibility change: read-only like a dissolved unit's.
    closed_on: Option<NaiveDate>,
    /// The first day of the record's current period (created or reopened by a responsibility
    /// change): a change dated earlier would rewrite a time it did not count.
    counted_from: Option<NaiveDate>,
}

/// Rows per multi-row statement: stays below SQLite's 32,766 and PostgreSQL's 65,535 binds.
const CHUNK: usize = 1000;

/// Whether a record names the EfA solution it uses.
fn uses_efa(r: &CurrentRow) -> bool {
    r.efa_solution.as_deref().is_some_and(|s| !s.is_empty())
}

fn current_select() -> String {
    format!(
        "SELECT rec.id, rec.ozg_id, rec.status_code, st.phase, rec.maturity, rec.planned_go_live, \
         rec.actual_go_live, rec.online_url, rec.efa_solution, rec.note, rec.version, {} AS weight, \
         {} AS kreis_id, {}, rec.closed_on, \
         (SELECT MAX(p.starts) FROM record_period p WHERE p.record_id = rec.id) AS counted_from \
         FROM implementation_record rec JOIN status st ON st.code = rec.status_code \
         JOIN org_unit o ON o.id = rec.org_unit_id WHERE rec.id IN (",
        phase_sql::WEIGHT,
        history::KREIS_OF_UNIT,
        history::UNIT_LIFETIME
    )
}

impl Storage {
    /// Applies the changes in one transaction. Each change is checked on its own (version,
    /// existence, status and Reifegrad known); refused ones are reported, the rest written.
    pub async fn apply_changes(&self, changes: &[RecordChange]) -> Result<Vec<ChangeOutcome>> {
        if changes.is_empty() {
            return Ok(Vec::new());
        }
        self.apply_changes_checked(&self.edit_options().await?, changes)
            .await
    }

    /// [`Self::apply_changes`] against a pipeline and scale the caller has already loaded
    /// (validation of an edit, many batches of the demo generator).
    pub async fn apply_changes_checked(
        &self,
        options: &EditOptions,
        changes: &[RecordChange],
    ) -> Result<Vec<ChangeOutcome>> {
        Ok(self
            .write_changes(options, changes, WriteMode::LIVE)
            .await?
            .0)
    }

    /// Applies one change and reads the record back in the same transaction, so the caller
    /// answers with exactly the state its write produced. A read after the commit could
    /// already show the next writer's values and version, and a client that took that
    /// version as its own would overwrite the other change unseen.
    pub async fn apply_change_reading_back(
        &self,
        options: &EditOptions,
        change: RecordChange,
    ) -> Result<(ChangeOutcome, Option<RecordDetail>)> {
        let id = change.record_id;
        let (mut outcomes, detail) = self
            .write_changes(
                options,
                std::slice::from_ref(&change),
                WriteMode {
                    read_back: Some(id),
                    ..WriteMode::LIVE
                },
            )
            .await?;
        Ok((outcomes.pop().unwrap_or(ChangeOutcome::NotFound), detail))
    }

    /// [`Self::apply_changes_checked`] without adjusting the history rollups, for generating
    /// years of backdated demo history in bulk: the caller runs [`Self::rebuild_history`]
    /// afterwards (each backdated change would otherwise rewrite every later day).
    pub async fn apply_changes_deferring_history(
        &self,
        options: &EditOptions,
        changes: &[RecordChange],
    ) -> Result<Vec<ChangeOutcome>> {
        Ok(self
            .write_changes(
                options,
                changes,
                WriteMode {
                    maintain_history: false,
                    ..WriteMode::LIVE
                },
            )
            .await?
            .0)
    }

    /// [`Self::apply_changes_checked`], but all or nothing: when any change would not be
    /// applied (stale, refused, missing), nothing is written and the outcomes say why.
    pub async fn apply_changes_all_or_nothing(
        &self,
        options: &EditOptions,
        changes: &[RecordChange],
    ) -> Result<Vec<ChangeOutcome>> {
        let mode = WriteMode {
            all_or_nothing: true,
            ..WriteMode::LIVE
        };
        Ok(self.write_changes(options, changes, mode).await?.0)
    }

    /// The write path.
    #[tracing::instrument(level = "debug", skip_all)]
    async fn write_changes(
        &self,
        options: &EditOptions,
        changes: &[RecordChange],
        mode: WriteMode,
    ) -> Result<(Vec<ChangeOutcome>, Option<RecordDetail>)> {
        let WriteMode {
            maintain_history,
            read_back,
            all_or_nothing,
        } = mode;
        if changes.is_empty() {
            return Ok((Vec::new(), None));
        }
        let recorded_at = chain::stored_precision(Utc::now());
        let ids: Vec<i64> = changes.iter().map(|c| c.record_id).collect();
        let for_update = matches!(self, Storage::Postgres(_));

        in_transaction!(self, tx => {
            // 1. current state of every touched record (locked on PostgreSQL; SQLite holds the write lock)
            let mut current: HashMap<i64, CurrentRow> = HashMap::with_capacity(ids.len());
            for chunk in ids.chunks(CHUNK) {
                let mut qb = QueryBuilder::new(current_select());
                let mut sep = qb.separated(", ");
                for id in chunk {
                    sep.push_bind(*id);
                }
                qb.push(")");
                if for_update {
                    qb.push(" FOR UPDATE OF rec");
                }
                let rows: Vec<CurrentRow> = qb.build_query_as().fetch_all(&mut *tx).await?;
                current.extend(rows.into_iter().map(|r| (r.id, r)));
            }

            // 2. decide each change in order (a record may appear more than once)
            let mut outcomes = Vec::with_capacity(changes.len());
            let mut updated: HashMap<i64, CurrentRow> = HashMap::new();
            let mut events = Vec::new();
            let mut deltas: HashMap<i64, Contribution> = HashMap::new();
            let mut history_deltas = HistoryDeltas::default();
            let mut efa_deltas: HashMap<i64, i64> = HashMap::new();
            let mut last_change: HashMap<i64, DateTime<Utc>> = HashMap::new();
            for change in changes {
                let Some(row) = updated.get(&change.record_id).or_else(|| current.get(&change.record_id)).cloned() else {
                    outcomes.push(ChangeOutcome::NotFound);
                    continue;
                };
                if row.version != change.expected_version {
                    outcomes.push(ChangeOutcome::Stale { current_version: row.version });
                    continue;
                }
                if let Some(reason) = outside_lifetime(&row, change.occurred_at) {
                    outcomes.push(ChangeOutcome::Refused { reason });
                    continue;
                }
                let next = match apply_patch(&row, &change.patch, options) {
                    Ok(next) => next,
                    Err(reason) => {
                        outcomes.push(ChangeOutcome::Refused { reason });
                        continue;
                    }
                };
                let diff = describe_diff(&row, &next);
                if diff.is_empty() {
                    outcomes.push(ChangeOutcome::Unchanged { version: row.version });
                    continue;
                }
                let old_phase = super::rows::phase(&row.phase)?;
                let new_phase = super::rows::phase(&next.phase)?;
                let mut delta = Contribution::of(new_phase, next.maturity, next.weight);
                delta.add(Contribution::of(old_phase, row.maturity, row.weight), -1);
                deltas.entry(row.ozg_id).or_default().add(delta, 1);
                *efa_deltas.entry(row.ozg_id).or_default() += i64::from(uses_efa(&next)) - i64::from(uses_efa(&row));
                if maintain_history {
                    history_deltas.add(row.ozg_id, row.kreis_id, history::day_of(change.occurred_at), delta);
                }
                events.push(ChainedEvent {
                    record_id: row.id,
                    occurred_at: chain::stored_precision(change.occurred_at),
                    recorded_at,
                    actor: change.actor.clone(),
                    user_id: change.user_id,
                    old_status: Some(row.status_code.clone()),
                    new_status: Some(next.status_code.clone()),
                    old_maturity: row.maturity,
                    new_maturity: next.maturity,
                    changes: serde_json::Value::Object(diff).to_string(),
                    comment: change.comment.clone(),
                    is_demo: change.is_demo,
                });
                outcomes.push(ChangeOutcome::Applied { new_version: next.version });
                last_change.insert(row.id, change.occurred_at);
                updated.insert(row.id, next);
            }

            if all_or_nothing && outcomes.iter().any(|o| !o.is_written_or_unchanged()) {
                // nothing written yet: returning drops the transaction, which rolls it back
                return Ok((outcomes, None));
            }

            // 3. write records, events and rollup deltas
            let rows: Vec<&CurrentRow> = updated.values().collect();
            for chunk in rows.chunks(CHUNK) {
                let mut qb = QueryBuilder::new(
                    "UPDATE implementation_record SET status_code = v.column2, maturity = v.column3, \
                     planned_go_live = v.column4, actual_go_live = v.column5, online_url = v.column6, \
                     efa_solution = v.column7, note = v.column8, version = v.column9, updated_at = v.column10, \
                     is_open = v.column11 FROM (",
                );
                qb.push_values(chunk.iter(), |mut b, r| {
                    b.push_bind(r.id)
                        .push_bind(r.status_code.clone())
                        .push_bind(r.maturity)
                        .push_bind(r.planned_go_live)
                        .push_bind(r.actual_go_live)
                        .push_bind(r.online_url.clone())
                        .push_bind(r.efa_solution.clone())
                        .push_bind(r.note.clone())
                        .push_bind(r.version)
                        .push_bind(last_change.get(&r.id).copied().unwrap_or(recorded_at))
                        .push_bind(Phase::from_code(&r.phase).is_some_and(Phase::is_open));
                });
                qb.push(") AS v WHERE implementation_record.id = v.column1");
                qb.build().execute(&mut *tx).await?;
            }
            // the events continue the hash chain; on PostgreSQL the head row is locked until
            // commit, so concurrent writers append one after the other
            let links = if events.is_empty() {
                Vec::new()
            } else {
                let head = if for_update {
                    "SELECT last_seq, last_hash FROM event_chain WHERE id = 1 FOR UPDATE"
                } else {
                    "SELECT last_seq, last_hash FROM event_chain WHERE id = 1"
                };
                let (mut seq, mut previous): (i64, String) =
                    sqlx::query_as(head).fetch_one(&mut *tx).await?;
                let mut links = Vec::with_capacity(events.len());
                for e in &events {
                    seq += 1;
                    previous = chain::link_hash(&previous, seq, e);
                    links.push((seq, previous.clone()));
                }
                sqlx::query("UPDATE event_chain SET last_seq = $1, last_hash = $2 WHERE id = 1")
                    .bind(seq)
                    .bind(&previous)
                    .execute(&mut *tx)
                    .await?;
                links
            };
            for (chunk, chunk_links) in events.chunks(CHUNK).zip(links.chunks(CHUNK)) {
                let mut qb = QueryBuilder::new(
                    "INSERT INTO record_event (record_id, occurred_at, recorded_at, actor, user_id, old_status, new_status, \
                     old_maturity, new_maturity, changes, comment, is_demo, chain_seq, chain_hash) ",
                );
                qb.push_values(chunk.iter().zip(chunk_links), |mut b, (e, (seq, hash))| {
                    b.push_bind(e.record_id)
                        .push_bind(e.occurred_at)
                        .push_bind(e.recorded_at)
                        .push_bind(e.actor.clone())
                        .push_bind(e.user_id)
                        .push_bind(e.old_status.clone())
                        .push_bind(e.new_status.clone())
                        .push_bind(e.old_maturity)
                        .push_bind(e.new_maturity)
                        .push_bind(e.changes.clone())
                        .push_bind(e.comment.clone())
                        .push_bind(e.is_demo)
                        .push_bind(*seq)
                        .push_bind(hash.clone());
                });
                qb.build().execute(&mut *tx).await?;
            }
            // the service rollups and the history rows of every scope, as one step of the profile
            async {
                for (ozg_id, d) in &deltas {
                    sqlx::query(
                        "UPDATE service_rollup SET records_applicable = records_applicable + $1, \
                         records_online = records_online + $2, records_in_progress = records_in_progress + $3, \
                         population_applicable = population_applicable + $4, population_online = population_online + $5, \
                         maturity_sum = maturity_sum + $6, maturity_count = maturity_count + $7, \
                         records_efa = records_efa + $8 WHERE ozg_id = $9",
                    )
                    .bind(d.applicable).bind(d.online).bind(d.in_progress).bind(d.population_applicable)
                    .bind(d.population_online).bind(d.maturity_sum).bind(d.maturity_count)
                    .bind(efa_deltas.get(ozg_id).copied().unwrap_or(0)).bind(ozg_id)
                    .execute(&mut *tx).await?;
                }
                history::apply_history!(tx, history_deltas);
                Ok::<_, StorageError>(())
            }
            .instrument(tracing::debug_span!("maintain_rollups"))
            .await?;
            let detail = match read_back {
                Some(id) => sqlx::query_as::<_, DetailRow>(AssertSqlSafe(detail_by_id_sql()))
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?
                    .map(RecordDetail::try_from)
                    .transpose()?,
                None => None,
            };
            Ok::<_, StorageError>((outcomes, detail))
        })
    }

    /// Recomputes every service rollup from the records (seeding and consistency checks only;
    /// pages never call it).
    pub async fn rebuild_rollups(&self) -> Result<()> {
        let insert = format!("{} GROUP BY s.ozg_id", rollup_insert_sql());
        in_transaction!(self, tx => {
            sqlx::query("DELETE FROM service_rollup").execute(&mut *tx).await?;
            sqlx::query(AssertSqlSafe(insert)).execute(&mut *tx).await?;
        });
        Ok(())
    }

    /// All rollup rows, for comparing maintained and recomputed figures in tests and checks.
    pub async fn rollup_snapshot(&self) -> Result<Vec<(i64, [i64; 8])>> {
        type Row = (i64, i64, i64, i64, i64, i64, i64, i64, i64);
        let rows: Vec<Row> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT ozg_id, records_applicable, records_online, records_in_progress, population_applicable, \
                 population_online, maturity_sum, maturity_count, records_efa FROM service_rollup ORDER BY ozg_id",
            ).fetch_all(pool).await?
        });
        Ok(rows
            .into_iter()
            .map(|r| (r.0, [r.1, r.2, r.3, r.4, r.5, r.6, r.7, r.8]))
            .collect())
    }

    /// Ids and versions of records, for callers that build changes (demo generator, tests).
    pub async fn record_versions(&self, ozg_id: Option<i64>) -> Result<Vec<RecordKey>> {
        let sql = "SELECT rec.id, rec.ozg_id, o.code AS org_unit_code, o.parent_id, rec.version \
             FROM implementation_record rec JOIN org_unit o ON o.id = rec.org_unit_id";
        let rows: Vec<RecordKey> = on_pool!(self, pool => {
            match ozg_id {
                Some(id) => sqlx::query_as(AssertSqlSafe(format!("{sql} WHERE rec.ozg_id = $1 ORDER BY rec.id"))).bind(id).fetch_all(pool).await?,
                None => sqlx::query_as(AssertSqlSafe(format!("{sql} ORDER BY rec.id"))).fetch_all(pool).await?,
            }
        });
        Ok(rows)
    }

    /// The event history of one record, oldest first.
    /// Record and time of every event (the demo generator's history doubling).
    pub async fn event_times(&self) -> Result<Vec<(i64, DateTime<Utc>)>> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as("SELECT record_id, occurred_at FROM record_event ORDER BY id")
                .fetch_all(pool).await?
        }))
    }

    pub async fn record_events(&self, record_id: i64) -> Result<Vec<StoredEvent>> {
        let rows: Vec<StoredEvent> = on_pool!(self, pool => {
            sqlx::query_as(AssertSqlSafe(format!(
                "SELECT {EVENT_COLUMNS} FROM record_event e WHERE e.record_id = $1 ORDER BY e.occurred_at, e.id"
            ))).bind(record_id).fetch_all(pool).await?
        });
        Ok(rows)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RecordKey {
    pub id: i64,
    pub ozg_id: i64,
    pub org_unit_code: String,
    pub parent_id: Option<i64>,
    pub version: i64,
}

/// Why a change at `at` is refused for a dissolved unit, or one that did not exist yet.
fn outside_lifetime(row: &CurrentRow, at: DateTime<Utc>) -> Option<String> {
    use app::format::date;
    if let Some(end) = row.ends {
        return Some(format!(
            "Die Gebietskörperschaft besteht seit dem {} nicht mehr (Gebietsänderung); ihre \
             Einträge bleiben lesbar, werden aber nicht mehr geändert.",
            date(end)
        ));
    }
    if let Some(closed) = row.closed_on {
        return Some(format!(
            "Die Einheit ist seit dem {} für diese Leistung nicht mehr zuständig \
             (Zuständigkeit geändert); ihr Eintrag bleibt lesbar, wird aber nicht mehr geändert.",
            date(closed)
        ));
    }
    if let Some(from) = row.counted_from.filter(|from| history::day_of(at) < *from) {
        return Some(format!(
            "Die Einheit ist erst seit dem {} für diese Leistung zuständig; eine Änderung mit \
             früherem Datum ist nicht möglich.",
            date(from)
        ));
    }
    row.starts
        .filter(|start| history::day_of(at) < *start)
        .map(|start| {
            format!(
                "Die Gebietskörperschaft besteht erst seit dem {}; eine Änderung mit früherem \
                 Datum ist nicht möglich.",
                date(start)
            )
        })
}

/// The record after the patch, or why the patch is refused (status transition, scale).
fn apply_patch(
    row: &CurrentRow,
    patch: &RecordPatch,
    options: &EditOptions,
) -> std::result::Result<CurrentRow, String> {
    let mut next = row.clone();
    if let Some(code) = &patch.status_code {
        if let Some(reason) = options.transition_error(&row.status_code, code, Locale::de) {
            return Err(reason);
        }
        let status = options
            .status(code)
            .ok_or_else(|| format!("Unbekannter Status „{code}“."))?;
        next.status_code = code.clone();
        next.phase = status.phase.code().to_owned();
    }
    if let Some(m) = patch.maturity {
        if let Some(level) = m {
            if !options.maturity_levels.iter().any(|l| l.level == level) {
                return Err(format!(
                    "Reifegrad {level} ist in der verwendeten Skala nicht vorgesehen."
                ));
            }
        }
        next.maturity = m;
    }
    if let Some(d) = patch.planned_go_live {
        next.planned_go_live = d;
    }
    if let Some(d) = patch.actual_go_live {
        next.actual_go_live = d;
    }
    if let Some(u) = &patch.online_url {
        next.online_url = u.clone();
    }
    if let Some(e) = &patch.efa_solution {
        next.efa_solution = e.clone();
    }
    if let Some(n) = &patch.note {
        next.note = n.clone();
    }
    next.version = row.version + 1;
    Ok(next)
}

/// Field → [old, new] for every field that differs; empty when nothing changed.
fn describe_diff(old: &CurrentRow, new: &CurrentRow) -> serde_json::Map<String, serde_json::Value> {
    use serde_json::json;
    let mut m = serde_json::Map::new();
    let mut put = |field: &str, a: serde_json::Value, b: serde_json::Value| {
        if a != b {
            m.insert(field.to_owned(), json!([a, b]));
        }
    };
    put("status", json!(old.status_code), json!(new.status_code));
    put("maturity", json!(old.maturity), json!(new.maturity));
    put(
        "planned_go_live",
        json!(old.planned_go_live),
        json!(new.planned_go_live),
    );
    put(
        "actual_go_live",
        json!(old.actual_go_live),
        json!(new.actual_go_live),
    );
    put("online_url", json!(old.online_url), json!(new.online_url));
    put(
        "efa_solution",
        json!(old.efa_solution),
        json!(new.efa_solution),
    );
    put("note", json!(old.note), json!(new.note));
    m
}

/// The statement that computes service rollups from the records, up to its `WHERE` / `GROUP
/// BY s.ozg_id` (a rebuild groups everything, a catalogue import only its new services).
pub(crate) fn rollup_insert_sql() -> String {
    use phase_sql::{APPLICABLE, IN_PROGRESS, ONLINE, WEIGHT};
    format!(
            "INSERT INTO service_rollup (ozg_id, records_applicable, records_online, records_in_progress, \
             population_applicable, population_online, maturity_sum, maturity_count, records_efa) \
             SELECT s.ozg_id, \
             CAST(COALESCE(SUM(CASE WHEN {APPLICABLE} THEN 1 ELSE 0 END), 0) AS BIGINT), \
             CAST(COALESCE(SUM(CASE WHEN {ONLINE} THEN 1 ELSE 0 END), 0) AS BIGINT), \
             CAST(COALESCE(SUM(CASE WHEN {IN_PROGRESS} THEN 1 ELSE 0 END), 0) AS BIGINT), \
             CAST(COALESCE(SUM(CASE WHEN {APPLICABLE} THEN {WEIGHT} ELSE 0 END), 0) AS BIGINT), \
             CAST(COALESCE(SUM(CASE WHEN {ONLINE} THEN {WEIGHT} ELSE 0 END), 0) AS BIGINT), \
             CAST(COALESCE(SUM(CASE WHEN {APPLICABLE} THEN COALESCE(rec.maturity, 0) ELSE 0 END), 0) AS BIGINT), \
             CAST(COALESCE(SUM(CASE WHEN {APPLICABLE} AND rec.maturity IS NOT NULL THEN 1 ELSE 0 END), 0) AS BIGINT), \
             CAST(COALESCE(SUM(CASE WHEN rec.efa_solution IS NOT NULL AND rec.efa_solution <> '' THEN 1 ELSE 0 END), 0) AS BIGINT) \
             FROM service s \
             LEFT JOIN implementation_record rec ON rec.ozg_id = s.ozg_id AND rec.closed_on IS NULL \
               AND NOT EXISTS (SELECT 1 FROM org_unit d WHERE d.id = rec.org_unit_id AND d.valid_to IS NOT NULL) \
             LEFT JOIN status st ON st.code = rec.status_code \
             LEFT JOIN org_unit o ON o.id = rec.org_unit_id"
    )
}
