//! Whether each record is what its events add up to (`ozg-monitor audit verify`, with the hash
//! chain of `chain.rs`). A record starts as every record is created — "nicht begonnen", version
//! 1, every other field empty — or, when a territory import started it from a predecessor's
//! record, from that state (`record_baseline`, migration 0013). Its events, in the order they
//! were written, each name the fields they changed with the old and the new value. The check
//! replays them: every event's old value must be the value before it, the record's fields must
//! be the values after the last one, and its version must count its events. A record changed
//! in the database without an event, or an event added, removed or edited in a way the chain
//! does not see (one without a chain position), breaks one of these.

use super::{on_pool, Result, Storage};
use chrono::NaiveDate;
use futures_util::TryStreamExt;
use serde_json::{json, Value};

/// The status every record is created with (`catalogue.rs`).
pub const INITIAL_STATUS: &str = "nicht_begonnen";

/// At most this many problems are listed; the rest are only counted.
const MAX_LISTED: usize = 100;

/// The fields events describe, in the order of `changes`' keys.
const FIELDS: [&str; 7] = [
    "status",
    "maturity",
    "planned_go_live",
    "actual_go_live",
    "online_url",
    "efa_solution",
    "note",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplayProblem {
    /// An event's old value of `field` is not the value the record had before it.
    Discontinuous {
        record_id: i64,
        event_id: i64,
        field: String,
    },
    /// The record's `field` is not what its events add up to.
    StateDiffers {
        record_id: i64,
        field: String,
        stored: String,
        from_events: String,
    },
    /// The version does not count the events (1 + one per event).
    VersionDiffers {
        record_id: i64,
        version: i64,
        events: i64,
    },
    /// An event whose changes cannot be read.
    Unreadable { event_id: i64 },
}

impl std::fmt::Display for ReplayProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Discontinuous {
                record_id,
                event_id,
                field,
            } => write!(
                f,
                "record {record_id}: event {event_id} changes {field} from a value the record did not have"
            ),
            Self::StateDiffers {
                record_id,
                field,
                stored,
                from_events,
            } => write!(
                f,
                "record {record_id}: {field} is {stored}, its events add up to {from_events}"
            ),
            Self::VersionDiffers {
                record_id,
                version,
                events,
            } => write!(
                f,
                "record {record_id}: version {version} after {events} events (expected {})",
                events + 1
            ),
            Self::Unreadable { event_id } => write!(f, "event {event_id}: changes unreadable"),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReplayReport {
    pub records: u64,
    pub events: u64,
    pub problems: Vec<ReplayProblem>,
    pub more_problems: u64,
}

impl ReplayReport {
    fn note(&mut self, problem: ReplayProblem) {
        if self.problems.len() < MAX_LISTED {
            self.problems.push(problem);
        } else {
            self.more_problems += 1;
        }
    }

    pub fn problem_count(&self) -> u64 {
        self.problems.len() as u64 + self.more_problems
    }
}

/// One record joined with its baseline and one of its events (none for a record without).
#[derive(sqlx::FromRow)]
struct ReplayRow {
    id: i64,
    version: i64,
    status_code: String,
    maturity: Option<i64>,
    planned_go_live: Option<NaiveDate>,
    actual_go_live: Option<NaiveDate>,
    online_url: Option<String>,
    efa_solution: Option<String>,
    note: Option<String>,
    base_status: Option<String>,
    base_maturity: Option<i64>,
    base_planned: Option<NaiveDate>,
    base_actual: Option<NaiveDate>,
    base_url: Option<String>,
    base_efa: Option<String>,
    base_note: Option<String>,
    event_id: Option<i64>,
    changes: Option<String>,
}

impl ReplayRow {
    /// The record's fields as events write them.
    fn stored(&self) -> [Value; 7] {
        [
            json!(self.status_code),
            json!(self.maturity),
            json!(self.planned_go_live),
            json!(self.actual_go_live),
            json!(self.online_url),
            json!(self.efa_solution),
            json!(self.note),
        ]
    }

    /// Where the record's events start from.
    fn start(&self) -> [Value; 7] {
        match &self.base_status {
            Some(status) => [
                json!(status),
                json!(self.base_maturity),
                json!(self.base_planned),
                json!(self.base_actual),
                json!(self.base_url),
                json!(self.base_efa),
                json!(self.base_note),
            ],
            None => [
                json!(INITIAL_STATUS),
                Value::Null,
                Value::Null,
                Value::Null,
                Value::Null,
                Value::Null,
                Value::Null,
            ],
        }
    }
}

/// A record being replayed.
struct Replay {
    id: i64,
    version: i64,
    stored: [Value; 7],
    state: [Value; 7],
    events: i64,
}

impl Replay {
    fn finish(self, report: &mut ReplayReport) {
        for (i, field) in FIELDS.iter().enumerate() {
            if self.stored[i] != self.state[i] {
                report.note(ReplayProblem::StateDiffers {
                    record_id: self.id,
                    field: (*field).to_owned(),
                    stored: self.stored[i].to_string(),
                    from_events: self.state[i].to_string(),
                });
            }
        }
        if self.version != 1 + self.events {
            report.note(ReplayProblem::VersionDiffers {
                record_id: self.id,
                version: self.version,
                events: self.events,
            });
        }
    }
}

impl Storage {
    /// Replays every record's events onto its start (streaming, in one snapshot as
    /// [`Storage::verify_chain`]).
    pub async fn verify_records(&self) -> Result<ReplayReport> {
        let begin = match self {
            Storage::Sqlite(_) => "BEGIN",
            Storage::Postgres(_) => "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
        };
        // event ids follow the order events were written in (the chain's order; older
        // events without a position came first)
        let sql = "SELECT r.id, r.version, r.status_code, r.maturity, r.planned_go_live, r.actual_go_live, \
                   r.online_url, r.efa_solution, r.note, \
                   b.status_code AS base_status, b.maturity AS base_maturity, b.planned_go_live AS base_planned, \
                   b.actual_go_live AS base_actual, b.online_url AS base_url, b.efa_solution AS base_efa, b.note AS base_note, \
                   e.id AS event_id, e.changes \
                   FROM implementation_record r \
                   LEFT JOIN record_baseline b ON b.record_id = r.id \
                   LEFT JOIN record_event e ON e.record_id = r.id \
                   ORDER BY r.id, e.id";
        on_pool!(self, pool => {
            let mut tx = pool.begin_with(begin).await?;
            let mut report = ReplayReport::default();
            let mut current: Option<Replay> = None;
            {
                let mut rows = sqlx::query_as::<_, ReplayRow>(sql).fetch(&mut *tx);
                while let Some(row) = rows.try_next().await? {
                    if current.as_ref().is_none_or(|r| r.id != row.id) {
                        if let Some(done) = current.take() {
                            done.finish(&mut report);
                        }
                        report.records += 1;
                        current = Some(Replay {
                            id: row.id,
                            version: row.version,
                            stored: row.stored(),
                            state: row.start(),
                            events: 0,
                        });
                    }
                    let (Some(replay), Some(event_id)) = (current.as_mut(), row.event_id) else {
                        continue;
                    };
                    report.events += 1;
                    replay.events += 1;
                    let changes: Option<serde_json::Map<String, Value>> =
                        row.changes.as_deref().and_then(|c| serde_json::from_str(c).ok());
                    let Some(changes) = changes else {
                        report.note(ReplayProblem::Unreadable { event_id });
                        continue;
                    };
                    for (i, field) in FIELDS.iter().enumerate() {
                        let Some(Value::Array(pair)) = changes.get(*field) else {
                            continue;
                        };
                        let [old, new] = pair.as_slice() else {
                            report.note(ReplayProblem::Unreadable { event_id });
                            continue;
                        };
                        if *old != replay.state[i] {
                            report.note(ReplayProblem::Discontinuous {
                                record_id: replay.id,
                                event_id,
                                field: (*field).to_owned(),
                            });
                        }
                        replay.state[i] = new.clone();
                    }
                }
            }
            if let Some(done) = current.take() {
                done.finish(&mut report);
            }
            tx.rollback().await?;
            Ok(report)
        })
    }
}
