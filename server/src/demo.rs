//! Demo data: plausible progress 2019–2026, written through the same change path as real
//! edits ([`Storage::apply_changes`]) with events marked `is_demo`. Deterministic (fixed seed).
//!
//! Model: each service gets a date when a solution (often an EfA one) becomes usable. Municipal
//! services are rolled out Kreis by Kreis (as KIV Thüringen does), the Gemeinden of a Kreis
//! a few weeks apart; some services never get a solution, a few records are deferred.

use crate::storage::{RecordChange, RecordKey, RecordPatch, Storage, StorageError};
use app::domain::EditOptions;
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use std::collections::HashMap;

/// The dated changes one record goes through.
type Timeline = Vec<(DateTime<Utc>, RecordPatch)>;

pub const DEMO_ACTOR: &str = "Demo-Generator";
const SEED: u64 = 0x2019_2026;
/// Changes per transaction: large enough to be fast, small enough to keep the lock short.
const BATCH: usize = 2000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoReport {
    pub records: usize,
    pub events: usize,
}

/// How far a generation is, for a progress bar (`ozg-monitor generate`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// A step whose length is not known beforehand has begun.
    Step(&'static str),
    /// Of `total` demo changes, `done` are written.
    Changes { done: u64, total: u64 },
}

/// Fills the records with demo progress unless demo data exists already. Returns `None` when
/// nothing was done.
pub async fn generate(
    storage: &Storage,
    now: DateTime<Utc>,
) -> Result<Option<DemoReport>, StorageError> {
    generate_reporting(storage, now, &mut |_| {}).await
}

/// [`generate`], telling `progress` how far it is.
pub async fn generate_reporting(
    storage: &Storage,
    now: DateTime<Utc>,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<Option<DemoReport>, StorageError> {
    if storage.has_demo_data().await? || storage.data_as_of().await?.is_some() {
        // Real or demo history exists: never overwrite it.
        return Ok(None);
    }
    progress(Progress::Step("Verläufe planen"));
    let records = storage.record_versions(None).await?;
    let options = storage.edit_options().await?;
    let mut rng = SmallRng::seed_from_u64(SEED);
    let start = Utc
        .with_ymd_and_hms(2019, 1, 1, 8, 0, 0)
        .single()
        .expect("valid date");

    // per service: when a solution becomes usable (None: not in sight)
    let mut solution_at: HashMap<i64, Option<DateTime<Utc>>> = HashMap::new();
    // per Kreis or Ressort: how far ahead or behind it runs, and how often it stalls — real
    // rollouts differ by administration, so the map and the Ressort chart have something to show
    let mut pace: HashMap<String, (i64, f64)> = HashMap::new();
    // per (service, Kreis or Ressort): when it rolls the service out
    let mut rollout_at: HashMap<(i64, String), Option<DateTime<Utc>>> = HashMap::new();

    let mut timelines: Vec<(RecordKey, Timeline)> = Vec::with_capacity(records.len());
    for key in records {
        let service_date = *solution_at.entry(key.ozg_id).or_insert_with(|| {
            (rng.gen::<f64>() < 0.82).then(|| start + Duration::days(rng.gen_range(300..2900)))
        });
        let administration = administration_of(&key.org_unit_code);
        let (delay, stalls) = *pace
            .entry(administration.clone())
            .or_insert_with(|| (rng.gen_range(-420..760), rng.gen_range(0.0..0.4)));
        let rollout = *rollout_at
            .entry((key.ozg_id, administration))
            .or_insert_with(|| {
                service_date
                    .filter(|_| rng.gen::<f64>() >= stalls)
                    .map(|d| {
                        (d + Duration::days(delay + rng.gen_range(0..420)))
                            .max(start + Duration::days(240))
                    })
            });
        let timeline = match rollout {
            Some(kreis_date) => {
                let go_live = kreis_date + Duration::days(rng.gen_range(0..60));
                progress_timeline(
                    &mut rng,
                    go_live,
                    now,
                    demo_url(key.ozg_id, &key.org_unit_code),
                )
            }
            None => stalled_timeline(&mut rng, start, now),
        };
        timelines.push((key, timeline));
    }

    let mut changes_total = 0;
    let mut versions: HashMap<i64, i64> =
        timelines.iter().map(|(k, _)| (k.id, k.version)).collect();
    let rounds = timelines.iter().map(|(_, t)| t.len()).max().unwrap_or(0);
    let total = timelines.iter().map(|(_, t)| t.len() as u64).sum();
    // written or refused: what the progress bar counts
    let mut done = 0;
    for round in 0..rounds {
        let mut batch = Vec::with_capacity(BATCH);
        for (key, timeline) in &timelines {
            let Some((at, patch)) = timeline.get(round) else {
                continue;
            };
            batch.push(RecordChange {
                record_id: key.id,
                expected_version: versions[&key.id],
                patch: patch.clone(),
                actor: DEMO_ACTOR.to_owned(),
                user_id: None,
                comment: Some("Demo-Daten".to_owned()),
                occurred_at: *at,
                is_demo: true,
            });
            if batch.len() == BATCH {
                done += batch.len() as u64;
                changes_total += apply(storage, &options, &mut batch, &mut versions).await?;
                progress(Progress::Changes { done, total });
            }
        }
        done += batch.len() as u64;
        changes_total += apply(storage, &options, &mut batch, &mut versions).await?;
        progress(Progress::Changes { done, total });
    }
    progress(Progress::Step("Verlaufskennzahlen berechnen"));
    storage.rebuild_history().await?;
    storage.set_meta("demo_data", "true").await?;
    Ok(Some(DemoReport {
        records: timelines.len(),
        events: changes_total,
    }))
}

/// Gives every event a twin a day later (not after `now`): a labelled note correction on the
/// same record. Doubles the number of events, for benchmarks of a longer history; the
/// figures stay as they were. Returns the number of events added.
pub async fn double_history(storage: &Storage, now: DateTime<Utc>) -> Result<usize, StorageError> {
    let options = storage.edit_options().await?;
    let mut versions: HashMap<i64, i64> = storage
        .record_versions(None)
        .await?
        .into_iter()
        .map(|k| (k.id, k.version))
        .collect();
    let events = storage.event_times().await?;
    let mut added = 0;
    let mut batch = Vec::with_capacity(BATCH);
    for (n, (record_id, at)) in events.into_iter().enumerate() {
        let Some(version) = versions.get(&record_id).copied() else {
            continue;
        };
        batch.push(RecordChange {
            record_id,
            expected_version: version,
            patch: RecordPatch {
                note: Some(Some(format!("Demo-Nachtrag {n}"))),
                ..Default::default()
            },
            actor: DEMO_ACTOR.to_owned(),
            user_id: None,
            comment: Some("Demo-Daten".to_owned()),
            occurred_at: (at + Duration::days(1)).min(now),
            is_demo: true,
        });
        if batch.len() == BATCH {
            added += apply(storage, &options, &mut batch, &mut versions).await?;
        }
    }
    added += apply(storage, &options, &mut batch, &mut versions).await?;
    storage.rebuild_history().await?;
    Ok(added)
}

async fn apply(
    storage: &Storage,
    options: &EditOptions,
    batch: &mut Vec<RecordChange>,
    versions: &mut HashMap<i64, i64>,
) -> Result<usize, StorageError> {
    if batch.is_empty() {
        return Ok(0);
    }
    let outcomes = storage
        .apply_changes_deferring_history(options, batch)
        .await?;
    let mut applied = 0;
    for (change, outcome) in batch.iter().zip(outcomes) {
        if let crate::storage::ChangeOutcome::Applied { new_version } = outcome {
            versions.insert(change.record_id, new_version);
            applied += 1;
        }
    }
    batch.clear();
    Ok(applied)
}

/// The administration whose pace a record follows: its Kreis (the first five digits of a
/// Kreis's or Gemeinde's key), or the unit itself (a Ressort, a Landesbehörde, the Land).
fn administration_of(unit_code: &str) -> String {
    if unit_code.len() >= 5 && unit_code.bytes().all(|b| b.is_ascii_digit()) {
        unit_code[..5].to_owned()
    } else {
        unit_code.to_owned()
    }
}

/// A patch's new status (`Some`: set it).
#[allow(clippy::unnecessary_wraps)]
fn status(code: &str) -> Option<String> {
    Some(code.to_owned())
}

fn date(t: DateTime<Utc>) -> NaiveDate {
    t.date_naive()
}

/// The address a demo record names for its online service ("online" needs one, or its EfA
/// solution): under `.invalid`, a name reserved never to exist, so no one follows it anywhere.
fn demo_url(ozg_id: i64, unit_code: &str) -> String {
    format!("https://demo.ozg-monitor.invalid/{ozg_id}/{unit_code}")
}

/// Planning → implementation → (pilot) → online at `go_live` with the online service's
/// address `url`; steps after `now` are left out.
fn progress_timeline(
    rng: &mut SmallRng,
    go_live: DateTime<Utc>,
    now: DateTime<Utc>,
    url: String,
) -> Timeline {
    let planning = go_live - Duration::days(rng.gen_range(240..520));
    let implementation = go_live - Duration::days(rng.gen_range(90..220));
    // planned dates slip: some records are later than planned
    let planned = go_live - Duration::days(rng.gen_range(-30..200));
    let mut steps = vec![
        (
            planning,
            RecordPatch {
                status_code: status("in_planung"),
                planned_go_live: Some(Some(date(planned))),
                ..Default::default()
            },
        ),
        (
            implementation,
            RecordPatch {
                status_code: status("in_umsetzung"),
                maturity: Some(Some(1)),
                ..Default::default()
            },
        ),
    ];
    if rng.gen::<f64>() < 0.3 {
        steps.push((
            go_live - Duration::days(rng.gen_range(20..80)),
            RecordPatch {
                status_code: status("pilotbetrieb"),
                maturity: Some(Some(2)),
                ..Default::default()
            },
        ));
    }
    let maturity = match rng.gen_range(0..10) {
        0..=2 => 2,
        3..=8 => 3,
        _ => 4,
    };
    steps.push((
        go_live,
        RecordPatch {
            status_code: status("online"),
            maturity: Some(Some(maturity)),
            actual_go_live: Some(Some(date(go_live))),
            online_url: Some(Some(url)),
            ..Default::default()
        },
    ));
    steps.retain(|(t, _)| *t <= now);
    steps
}

/// No solution in sight: most stay "nicht begonnen", some are planned or deferred.
fn stalled_timeline(rng: &mut SmallRng, start: DateTime<Utc>, now: DateTime<Utc>) -> Timeline {
    let at = start + Duration::days(rng.gen_range(200..2800));
    if at > now {
        return Vec::new();
    }
    match rng.gen_range(0..10) {
        0..=5 => Vec::new(),
        6..=8 => vec![(
            at,
            RecordPatch {
                status_code: status("in_planung"),
                ..Default::default()
            },
        )],
        _ => vec![(
            at,
            RecordPatch {
                status_code: status("zurueckgestellt"),
                note: Some(Some(
                    "Zurückgestellt bis zur Verfügbarkeit einer EfA-Lösung (Demo)".to_owned(),
                )),
                ..Default::default()
            },
        )],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timelines_are_ordered_and_end_online_before_now() {
        let mut rng = SmallRng::seed_from_u64(1);
        let now = Utc.with_ymd_and_hms(2026, 11, 28, 0, 0, 0).unwrap();
        for _ in 0..500 {
            let go_live = Utc.with_ymd_and_hms(2022, 6, 1, 0, 0, 0).unwrap()
                + Duration::days(rng.gen_range(0..2000));
            let t = progress_timeline(&mut rng, go_live, now, demo_url(10092, "16051"));
            assert!(
                t.windows(2).all(|w| w[0].0 <= w[1].0),
                "steps in time order"
            );
            assert!(t.iter().all(|(at, _)| *at <= now), "nothing in the future");
            if go_live <= now {
                let online = &t.last().unwrap().1;
                assert_eq!(online.status_code.as_deref(), Some("online"));
                assert_eq!(
                    online.online_url,
                    Some(Some("https://demo.ozg-monitor.invalid/10092/16051".into())),
                    "online with its proof"
                );
            }
        }
    }
}
