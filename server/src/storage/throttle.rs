//! Counters of failed sign-ins with a growing wait (migration 0012). The policy — which keys,
//! how many free attempts, how long the waits — is the caller's (`auth::throttle`); this file
//! counts atomically: an attempt is claimed (counted as failed) before the password is checked,
//! in one transaction over all its keys, so parallel guesses cannot pass a limit together; a
//! successful sign-in gives its claim back.

use super::{on_pool, Result, Storage};
use chrono::{DateTime, Duration, Utc};

/// One counter: failures of `account` from `client_addr` (either may be `*`, "any").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThrottleKey {
    pub account: String,
    pub client_addr: String,
    pub backoff: Backoff,
}

/// How a counter slows down: the first `free - 1` failures cost nothing; the `free`-th makes
/// the next attempt wait `first_wait`, each further one doubles the wait, up to `max_wait`.
/// Failures are forgotten when the last attempt is older than `forget_after`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    pub free: i64,
    pub first_wait: Duration,
    pub max_wait: Duration,
    pub forget_after: Duration,
}

impl Backoff {
    /// The wait after the `failures`-th failure.
    pub fn wait_after(&self, failures: i64) -> Duration {
        if failures < self.free {
            return Duration::zero();
        }
        let doublings = (failures - self.free).min(20) as i32;
        (self.first_wait * 2i32.pow(doublings as u32)).min(self.max_wait)
    }
}

/// Whether an attempt may go ahead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// Counted as failed until [`Storage::give_back_sign_in`] says otherwise.
    Granted,
    /// Not counted: the next attempt may be made at this time.
    Wait(DateTime<Utc>),
}

type CounterRow = (i64, DateTime<Utc>, DateTime<Utc>);

impl Storage {
    /// Claims an attempt on every key at once: `Wait` if any key's wait has not passed (no
    /// key is counted then), else each key counts one more failure and gets its new wait.
    pub async fn claim_sign_in(&self, keys: &[ThrottleKey], now: DateTime<Utc>) -> Result<Claim> {
        let begin = match self {
            // the write lock first: a second claim waits for this one's commit
            Storage::Sqlite(_) => "BEGIN IMMEDIATE",
            Storage::Postgres(_) => "BEGIN",
        };
        on_pool!(self, pool => {
            let mut tx = pool.begin_with(begin).await?;
            let mut counters = Vec::with_capacity(keys.len());
            for key in keys {
                sqlx::query(
                    "INSERT INTO sign_in_throttle (account, client_addr, failures, last_attempt_at, blocked_until) \
                     VALUES ($1, $2, 0, $3, $3) ON CONFLICT (account, client_addr) DO NOTHING",
                )
                .bind(&key.account).bind(&key.client_addr).bind(now)
                .execute(&mut *tx).await?;
                // an update that changes nothing locks the row on PostgreSQL until the commit
                let row: CounterRow = sqlx::query_as(
                    "UPDATE sign_in_throttle SET failures = failures WHERE account = $1 AND client_addr = $2 \
                     RETURNING failures, last_attempt_at, blocked_until",
                )
                .bind(&key.account).bind(&key.client_addr)
                .fetch_one(&mut *tx).await?;
                counters.push(row);
            }
            if let Some(until) = counters.iter().map(|(_, _, until)| *until).filter(|until| *until > now).max() {
                tx.rollback().await?;
                return Ok(Claim::Wait(until));
            }
            for (key, (failures, last, _)) in keys.iter().zip(counters) {
                let failures = if now - last > key.backoff.forget_after { 1 } else { failures + 1 };
                sqlx::query(
                    "UPDATE sign_in_throttle SET failures = $3, last_attempt_at = $4, blocked_until = $5 \
                     WHERE account = $1 AND client_addr = $2",
                )
                .bind(&key.account).bind(&key.client_addr).bind(failures).bind(now)
                .bind(now + key.backoff.wait_after(failures))
                .execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok(Claim::Granted)
        })
    }

    /// A granted attempt succeeded: `reset` keys start from zero (the account from this
    /// client), the others count one failure less (the attempt was not one), and a wait
    /// that no longer applies ends.
    pub async fn give_back_sign_in(
        &self,
        reset: &[ThrottleKey],
        refund: &[ThrottleKey],
        now: DateTime<Utc>,
    ) -> Result<()> {
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            for key in reset {
                sqlx::query("DELETE FROM sign_in_throttle WHERE account = $1 AND client_addr = $2")
                    .bind(&key.account).bind(&key.client_addr)
                    .execute(&mut *tx).await?;
            }
            for key in refund {
                let failures: Option<i64> = sqlx::query_scalar(
                    "UPDATE sign_in_throttle SET failures = CASE WHEN failures > 0 THEN failures - 1 ELSE 0 END \
                     WHERE account = $1 AND client_addr = $2 RETURNING failures",
                )
                .bind(&key.account).bind(&key.client_addr)
                .fetch_optional(&mut *tx).await?;
                if failures.is_some_and(|f| key.backoff.wait_after(f).is_zero()) {
                    sqlx::query("UPDATE sign_in_throttle SET blocked_until = $3 WHERE account = $1 AND client_addr = $2")
                        .bind(&key.account).bind(&key.client_addr).bind(now)
                        .execute(&mut *tx).await?;
                }
            }
            tx.commit().await?;
            Ok(())
        })
    }

    /// Forgets counters whose last attempt is older than `before` (the hourly clean-up).
    pub async fn delete_old_sign_in_counters(&self, before: DateTime<Utc>) -> Result<u64> {
        on_pool!(self, pool => {
            Ok(sqlx::query("DELETE FROM sign_in_throttle WHERE last_attempt_at < $1 AND blocked_until < $1")
                .bind(before)
                .execute(pool)
                .await?
                .rows_affected())
        })
    }

    /// Whether `account` signed in successfully from `client_addr` since `since` (the audit
    /// log's record of sign-ins).
    pub async fn signed_in_from(
        &self,
        account: &str,
        client_addr: &str,
        since: DateTime<Utc>,
    ) -> Result<bool> {
        on_pool!(self, pool => {
            let found: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM audit_log WHERE action = $1 AND subject = $2 AND client_addr = $3 AND occurred_at > $4 LIMIT 1",
            )
            .bind(crate::auth::action::LOGIN).bind(account).bind(client_addr).bind(since)
            .fetch_optional(pool).await?;
            Ok(found.is_some())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_after_the_free_attempts_up_to_the_maximum() {
        let b = Backoff {
            free: 5,
            first_wait: Duration::seconds(30),
            max_wait: Duration::minutes(15),
            forget_after: Duration::minutes(15),
        };
        let waits: Vec<i64> = (1..=12).map(|n| b.wait_after(n).num_seconds()).collect();
        assert_eq!(waits, [0, 0, 0, 0, 30, 60, 120, 240, 480, 900, 900, 900]);
        assert_eq!(b.wait_after(i64::MAX).num_seconds(), 900);
    }
}
