//! The hash chain over the history (`record_event`): tamper evidence for the record of who
//! changed what. Each event gets the next position (`chain_seq`) and
//! `chain_hash = SHA-256(previous hash, "\n", canonical JSON of the event)`; `event_chain`
//! keeps the head. Changing an event, removing one (a gap in the positions) or removing the
//! newest ones (the head runs ahead) is found by [`Storage::verify_chain`] —
//! `ozg-monitor audit verify`. Someone who can write to the database *and* recomputes the
//! whole chain is only caught against a head kept elsewhere: the command prints it.

use super::{on_pool, Result, Storage};
use chrono::{DateTime, SecondsFormat, SubsecRound, Utc};
use futures_util::TryStreamExt;
use sha2::{Digest, Sha256};

/// The "previous hash" of the first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// At most this many problems are listed; the rest are only counted.
const MAX_LISTED: usize = 100;

/// What the hash covers: every column of an event except its database id.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ChainedEvent {
    pub record_id: i64,
    pub occurred_at: DateTime<Utc>,
    pub recorded_at: DateTime<Utc>,
    pub actor: String,
    pub user_id: Option<i64>,
    pub old_status: Option<String>,
    pub new_status: Option<String>,
    pub old_maturity: Option<i64>,
    pub new_maturity: Option<i64>,
    pub changes: String,
    pub comment: Option<String>,
    pub is_demo: bool,
}

/// Times as the databases keep them: PostgreSQL stores microseconds, so the write path cuts
/// to microseconds before hashing and storing, and both backends give back what was hashed.
pub fn stored_precision(t: DateTime<Utc>) -> DateTime<Utc> {
    t.trunc_subsecs(6)
}

/// The link of `event` at position `seq` after `previous`.
pub fn link_hash(previous: &str, seq: i64, event: &ChainedEvent) -> String {
    let time = |t: DateTime<Utc>| t.to_rfc3339_opts(SecondsFormat::Micros, true);
    // a JSON array: unambiguous (quoted, escaped) and stable field order
    let content = serde_json::json!([
        seq,
        event.record_id,
        time(event.occurred_at),
        time(event.recorded_at),
        event.actor,
        event.user_id,
        event.old_status,
        event.new_status,
        event.old_maturity,
        event.new_maturity,
        event.changes,
        event.comment,
        event.is_demo,
    ]);
    let mut hasher = Sha256::new();
    hasher.update(previous.as_bytes());
    hasher.update(b"\n");
    hasher.update(content.to_string().as_bytes());
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainProblem {
    /// The event at this position no longer matches its hash (content or hash changed).
    Altered { seq: i64, event_id: i64 },
    /// Positions `from..=to` are missing: events were removed.
    Missing { from: i64, to: i64 },
    /// The head says the chain ends at `head_seq`, the newest event is at `last_seq`.
    HeadMismatch { head_seq: i64, last_seq: i64 },
    /// An event written after the chain began that has no position in it: inserted past the
    /// write path.
    Unchained { event_id: i64 },
}

impl std::fmt::Display for ChainProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Altered { seq, event_id } => {
                write!(f, "event {event_id} (position {seq}) was altered")
            }
            Self::Missing { from, to } if from == to => write!(f, "event at position {from} was removed"),
            Self::Missing { from, to } => write!(f, "events at positions {from}–{to} were removed"),
            Self::Unchained { event_id } => write!(
                f,
                "event {event_id} has no position in the chain: added outside the write path"
            ),
            Self::HeadMismatch { head_seq, last_seq } => write!(
                f,
                "the chain head (position {head_seq}) does not match the newest event (position {last_seq}): newest events removed or head changed"
            ),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainReport {
    /// Events in the chain that were checked.
    pub checked: u64,
    /// Events from before the chain existed (written before migration 0003, counted up to
    /// `event_chain.unchained_up_to` by migration 0013): not covered by the chain.
    pub unchained: u64,
    pub head_seq: i64,
    pub head_hash: String,
    pub problems: Vec<ChainProblem>,
    /// Problems beyond the listed ones.
    pub more_problems: u64,
}

impl ChainReport {
    pub fn is_intact(&self) -> bool {
        self.problems.is_empty()
    }

    fn note(&mut self, problem: ChainProblem) {
        if self.problems.len() < MAX_LISTED {
            self.problems.push(problem);
        } else {
            self.more_problems += 1;
        }
    }
}

#[derive(sqlx::FromRow)]
struct ChainRow {
    id: i64,
    chain_seq: i64,
    chain_hash: String,
    #[sqlx(flatten)]
    event: ChainedEvent,
}

impl Storage {
    /// Recomputes the whole chain, streaming (constant memory at any history length).
    ///
    /// Head and events are read in one snapshot (a read-only repeatable-read transaction on
    /// PostgreSQL, one read transaction on SQLite's WAL), so events written while it runs
    /// are neither checked nor mistaken for events beyond the head.
    pub async fn verify_chain(&self) -> Result<ChainReport> {
        let begin = match self {
            Storage::Sqlite(_) => "BEGIN",
            Storage::Postgres(_) => "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
        };
        on_pool!(self, pool => {
            let mut tx = pool.begin_with(begin).await?;
            let (head_seq, head_hash, unchained_up_to): (i64, String, i64) =
                sqlx::query_as("SELECT last_seq, last_hash, unchained_up_to FROM event_chain WHERE id = 1")
                    .fetch_one(&mut *tx)
                    .await?;
            let unchained: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM record_event WHERE chain_seq IS NULL AND id <= $1")
                    .bind(unchained_up_to)
                    .fetch_one(&mut *tx)
                    .await?;
            let intruders: Vec<i64> = sqlx::query_scalar(
                "SELECT id FROM record_event WHERE chain_seq IS NULL AND id > $1 ORDER BY id",
            )
            .bind(unchained_up_to)
            .fetch_all(&mut *tx)
            .await?;
            let mut report = ChainReport {
                checked: 0,
                unchained: unchained as u64,
                head_seq,
                head_hash: head_hash.clone(),
                problems: Vec::new(),
                more_problems: 0,
            };
            for event_id in intruders {
                report.note(ChainProblem::Unchained { event_id });
            }
            let mut last_seq = 0i64;
            let mut previous = GENESIS.to_owned();
            let sql = "SELECT id, chain_seq, chain_hash, record_id, occurred_at, recorded_at, actor, \
                       user_id, old_status, new_status, old_maturity, new_maturity, changes, comment, is_demo \
                       FROM record_event WHERE chain_seq IS NOT NULL ORDER BY chain_seq";
            {
                let mut rows = sqlx::query_as::<_, ChainRow>(sql).fetch(&mut *tx);
                while let Some(row) = rows.try_next().await? {
                    report.checked += 1;
                    if row.chain_seq != last_seq + 1 {
                        report.note(ChainProblem::Missing { from: last_seq + 1, to: row.chain_seq - 1 });
                        // the link to the removed event cannot be checked; go on from this one
                    } else if link_hash(&previous, row.chain_seq, &row.event) != row.chain_hash {
                        report.note(ChainProblem::Altered { seq: row.chain_seq, event_id: row.id });
                    }
                    last_seq = row.chain_seq;
                    previous = row.chain_hash;
                }
            }
            tx.rollback().await?;
            if head_seq != last_seq || (last_seq > 0 && head_hash != previous) {
                report.note(ChainProblem::HeadMismatch { head_seq, last_seq });
            }
            Ok(report)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event() -> ChainedEvent {
        ChainedEvent {
            record_id: 7,
            occurred_at: "2026-03-01T10:00:00.123456Z".parse().unwrap(),
            recorded_at: "2026-03-01T10:00:01Z".parse().unwrap(),
            actor: "Erika Muster <erika@example.org>".into(),
            user_id: Some(3),
            old_status: Some("in_planung".into()),
            new_status: Some("online".into()),
            old_maturity: None,
            new_maturity: Some(3),
            changes: r#"{"status":["in_planung","online"]}"#.into(),
            comment: Some("Start".into()),
            is_demo: false,
        }
    }

    #[test]
    fn every_field_and_the_position_and_the_previous_link_change_the_hash() {
        let base = link_hash(GENESIS, 1, &event());
        assert_eq!(base.len(), 64);
        assert_eq!(base, link_hash(GENESIS, 1, &event()), "deterministic");
        assert_ne!(base, link_hash(GENESIS, 2, &event()));
        assert_ne!(base, link_hash(&base, 1, &event()));
        let variants: [fn(&mut ChainedEvent); 12] = [
            |e| e.record_id = 8,
            |e| e.occurred_at += chrono::Duration::microseconds(1),
            |e| e.recorded_at += chrono::Duration::seconds(1),
            |e| e.actor.push(' '),
            |e| e.user_id = None,
            |e| e.old_status = None,
            |e| e.new_status = Some("pilot".into()),
            |e| e.old_maturity = Some(0),
            |e| e.new_maturity = None,
            |e| e.changes = "{}".into(),
            |e| e.comment = Some(String::new()),
            |e| e.is_demo = true,
        ];
        for change in variants {
            let mut e = event();
            change(&mut e);
            assert_ne!(base, link_hash(GENESIS, 1, &e), "{e:?}");
        }
    }

    #[test]
    fn times_are_cut_to_what_postgresql_stores() {
        let t: DateTime<Utc> = "2026-03-01T10:00:00.123456789Z".parse().unwrap();
        assert_eq!(
            stored_precision(t),
            "2026-03-01T10:00:00.123456Z"
                .parse::<DateTime<Utc>>()
                .unwrap()
        );
    }
}
