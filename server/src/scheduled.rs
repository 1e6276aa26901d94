//! Scheduled work: every instance runs the timers, and the database decides which one does
//! the work. Time is cut into slots of each job's period (aligned to 1970-01-01 UTC, so every
//! instance computes the same slots); at a slot's start each instance tries to insert the
//! (job, slot) row into `scheduled_run`, and only the one whose insert succeeds runs the job.
//! A run cut off by a crash is not repeated: the next slot does the work.
//!
//! Jobs: deleting expired sessions and old sign-in counters (hourly), and checking the history's hash chain (daily),
//! whose result goes to the audit log so administrators see a broken chain on the audit page.

use crate::storage::{AuditEntry, Storage, StorageError};
use chrono::{DateTime, Utc};
use std::time::Duration;
use tokio::task::JoinHandle;

/// Audit action of a history check that found the chain intact.
pub const HISTORY_CHECKED: &str = "historie_geprueft";
/// Audit action of a history check that found the chain broken.
pub const HISTORY_BROKEN: &str = "historie_verletzt";

/// The first attempt after start waits this long (or one period, if shorter), so a restart
/// loop does not run a daily check at every start, and startup work finishes first.
const STARTUP_DELAY: Duration = Duration::from_mins(1);
/// Records of runs are kept this long.
const KEEP_RUNS_DAYS: i64 = 90;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Job {
    /// Deletes expired sessions and old records of runs.
    SessionCleanup,
    /// Recomputes the hash chain of the history and writes the result to the audit log.
    HistoryCheck,
}

impl Job {
    /// The job's key in `scheduled_run`.
    pub const fn name(self) -> &'static str {
        match self {
            Self::SessionCleanup => "session-cleanup",
            Self::HistoryCheck => "history-check",
        }
    }

    /// Does the work; a short summary for `scheduled_run.outcome`.
    async fn run(self, storage: &Storage, now: DateTime<Utc>) -> Result<String, StorageError> {
        match self {
            Self::SessionCleanup => {
                let deleted = storage.delete_expired_sessions(now).await?;
                storage
                    .prune_scheduled_runs(now - chrono::Duration::days(KEEP_RUNS_DAYS))
                    .await?;
                let counters = storage
                    .delete_old_sign_in_counters(now - chrono::Duration::days(1))
                    .await?;
                Ok(format!(
                    "{deleted} expired sessions deleted, {counters} old sign-in counters"
                ))
            }
            Self::HistoryCheck => {
                let report = storage.verify_chain().await?;
                let records = storage.verify_records().await?;
                let chain_problems = report.problems.len() as u64 + report.more_problems;
                let problems = chain_problems + records.problem_count();
                let checked = match report.checked {
                    1 => "1 Ereignis".to_owned(),
                    n => format!("{} Ereignisse", app::format::int(n as i64)),
                };
                let replayed = format!(
                    "{} Umsetzungsstände mit ihren Ereignissen nachgerechnet",
                    app::format::int(records.records as i64)
                );
                let (action, detail) = if problems == 0 {
                    (
                        HISTORY_CHECKED,
                        format!(
                            "{checked} geprüft, Kette intakt; Kopf an Position {}, Hash {}; {replayed}, alle stimmen",
                            report.head_seq, report.head_hash
                        ),
                    )
                } else {
                    let first = report
                        .problems
                        .first()
                        .map(ToString::to_string)
                        .or_else(|| records.problems.first().map(ToString::to_string))
                        .unwrap_or_default();
                    tracing::error!(
                        problems,
                        first = %first,
                        "the history is not intact: run `ozg-monitor audit verify`"
                    );
                    (
                        HISTORY_BROKEN,
                        format!(
                            "{checked} geprüft, {chain_problems} Verletzungen der Kette; {replayed}, {} weichen ab; Einzelheiten: ozg-monitor audit verify",
                            records.problem_count()
                        ),
                    )
                };
                storage
                    .audit(&AuditEntry {
                        action,
                        actor: None,
                        subject: None,
                        client_addr: None,
                        detail: Some(&detail),
                    })
                    .await?;
                Ok(format!(
                    "{} events checked, {} records replayed, {problems} problems",
                    report.checked, records.records
                ))
            }
        }
    }
}

/// How often each job runs; `None` switches it off.
#[derive(Clone, Copy, Debug)]
pub struct Schedule {
    pub session_cleanup: Option<Duration>,
    pub history_check: Option<Duration>,
}

impl Schedule {
    fn jobs(&self) -> impl Iterator<Item = (Job, Duration)> {
        [
            (Job::SessionCleanup, self.session_cleanup),
            (Job::HistoryCheck, self.history_check),
        ]
        .into_iter()
        .filter_map(|(job, period)| Some((job, period?)))
    }
}

/// Start (seconds since 1970) of the slot that contains `now`, for a job every `period`.
pub fn slot_start(now: DateTime<Utc>, period: Duration) -> i64 {
    let period = period.as_secs().max(1) as i64;
    now.timestamp().div_euclid(period) * period
}

/// This process, as named in `scheduled_run.instance`.
fn instance_name() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map_or_else(|_| "unknown-host".into(), |h| h.trim().to_owned());
    format!("{host}:{}", std::process::id())
}

/// Claims `slot` of `job` and, if this instance won it, runs the job. True if it ran here.
pub async fn run_slot(
    storage: &Storage,
    job: Job,
    slot: i64,
    instance: &str,
) -> Result<bool, StorageError> {
    let now = Utc::now();
    if !storage
        .claim_scheduled_slot(job.name(), slot, instance, now)
        .await?
    {
        return Ok(false);
    }
    let outcome = match job.run(storage, now).await {
        Ok(summary) => {
            tracing::info!(job = job.name(), slot, %summary, "scheduled job done");
            summary
        }
        Err(e) => {
            tracing::error!(job = job.name(), slot, error = %e, "scheduled job failed");
            format!("failed: {e}")
        }
    };
    storage
        .finish_scheduled_run(job.name(), slot, &outcome, Utc::now())
        .await?;
    Ok(true)
}

/// Starts one timer task per job; abort the handles to stop them.
pub fn spawn(storage: Storage, schedule: Schedule) -> Vec<JoinHandle<()>> {
    let instance = instance_name();
    schedule
        .jobs()
        .map(|(job, period)| {
            let storage = storage.clone();
            let instance = instance.clone();
            tokio::spawn(async move {
                tokio::time::sleep(period.min(STARTUP_DELAY)).await;
                loop {
                    let slot = slot_start(Utc::now(), period);
                    if let Err(e) = run_slot(&storage, job, slot, &instance).await {
                        // e.g. the database is down: the next slot tries again
                        tracing::warn!(job = job.name(), slot, error = %e, "scheduled job not run");
                    }
                    tokio::time::sleep(until_next_slot(Utc::now(), slot, period)).await;
                }
            })
        })
        .collect()
}

/// Time from `now` to the start of the slot after `slot`.
fn until_next_slot(now: DateTime<Utc>, slot: i64, period: Duration) -> Duration {
    let next_ms = (slot + period.as_secs().max(1) as i64) * 1000;
    Duration::from_millis((next_ms - now.timestamp_millis()).max(0) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn slots_are_aligned_to_the_period_for_every_instance() {
        let hour = Duration::from_hours(1);
        let day = Duration::from_hours(24);
        let a = slot_start(at("2026-11-28T10:00:00Z"), hour);
        assert_eq!(a, slot_start(at("2026-11-28T10:59:59.999Z"), hour));
        assert_eq!(a + 3600, slot_start(at("2026-11-28T11:00:00Z"), hour));
        assert_eq!(a % 3600, 0);
        assert_eq!(
            slot_start(at("2026-11-28T23:59:59Z"), day),
            at("2026-11-28T00:00:00Z").timestamp()
        );
    }

    #[test]
    fn the_wait_ends_at_the_next_slot_and_is_never_negative() {
        let hour = Duration::from_hours(1);
        let now = at("2026-11-28T10:15:00Z");
        let slot = slot_start(now, hour);
        assert_eq!(until_next_slot(now, slot, hour), Duration::from_mins(45));
        // a job that overran its slot goes straight on to the next one
        let late = at("2026-11-28T11:30:00Z");
        assert_eq!(until_next_slot(late, slot, hour), Duration::ZERO);
    }
}
