//! A stored change of an implementation record (`record_event`), as the history, the change
//! lists and the write path read it.

use chrono::{DateTime, Utc};

/// Columns of [`StoredEvent`] on `record_event e`.
pub(crate) const EVENT_COLUMNS: &str =
    "e.id, e.record_id, e.occurred_at, e.actor, e.old_status, e.new_status, \
     e.old_maturity, e.new_maturity, e.changes, e.comment, e.is_demo";

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StoredEvent {
    pub id: i64,
    pub record_id: i64,
    pub occurred_at: DateTime<Utc>,
    pub actor: String,
    pub old_status: Option<String>,
    pub new_status: Option<String>,
    pub old_maturity: Option<i64>,
    pub new_maturity: Option<i64>,
    pub changes: String,
    pub comment: Option<String>,
    pub is_demo: bool,
}
