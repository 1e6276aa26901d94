//! Storage for scheduled work: claiming a job's time slot (so one instance runs it) and the
//! record of runs.

use super::{on_pool, Result, Storage};
use chrono::{DateTime, Utc};

/// One claimed slot of a scheduled job.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ScheduledRun {
    pub job: String,
    pub slot: i64,
    pub instance: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub outcome: Option<String>,
}

impl Storage {
    /// Claims `slot` of `job` for `instance`: true if this call won it, false if the slot was
    /// already claimed (by another instance, or by this one before a restart).
    pub async fn claim_scheduled_slot(
        &self,
        job: &str,
        slot: i64,
        instance: &str,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let inserted = on_pool!(self, pool => {
            sqlx::query("INSERT INTO scheduled_run (job, slot, instance, started_at) VALUES ($1, $2, $3, $4) ON CONFLICT (job, slot) DO NOTHING")
                .bind(job).bind(slot).bind(instance).bind(now)
                .execute(pool).await?.rows_affected()
        });
        Ok(inserted == 1)
    }

    /// Records how a claimed run ended.
    pub async fn finish_scheduled_run(
        &self,
        job: &str,
        slot: i64,
        outcome: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        on_pool!(self, pool => {
            sqlx::query("UPDATE scheduled_run SET finished_at = $1, outcome = $2 WHERE job = $3 AND slot = $4")
                .bind(now).bind(outcome).bind(job).bind(slot)
                .execute(pool).await?;
        });
        Ok(())
    }

    /// The runs of `job`, oldest first.
    pub async fn scheduled_runs(&self, job: &str) -> Result<Vec<ScheduledRun>> {
        let runs = on_pool!(self, pool => {
            sqlx::query_as("SELECT job, slot, instance, started_at, finished_at, outcome FROM scheduled_run WHERE job = $1 ORDER BY slot")
                .bind(job).fetch_all(pool).await?
        });
        Ok(runs)
    }

    /// Deletes the record of runs started before `before`.
    pub async fn prune_scheduled_runs(&self, before: DateTime<Utc>) -> Result<()> {
        on_pool!(self, pool => {
            sqlx::query("DELETE FROM scheduled_run WHERE started_at < $1")
                .bind(before).execute(pool).await?;
        });
        Ok(())
    }
}
