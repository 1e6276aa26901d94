//! Changing implementation records on behalf of a user: authorisation per record, validation
//! against the configured pipeline and scale, the version check, and the answers the form,
//! the REST API and bulk updates give. The one place these rules are applied.

use crate::auth::action;
use crate::storage::{ChangeOutcome, RecordChange, RecordPatch, Storage, StoredEvent};
use app::domain::{
    field, validate_change, BulkItem, BulkRequest, BulkSummary, CurrentUser, EditOptions,
    FieldChange, FieldError, HistoryEntry, Phase, RecordDetail, RecordEditing, RecordValues,
    SaveOutcome, MAX_BULK_RECORDS,
};
use app::error::AppError;
use app::i18n::{td_string, Locale};
use app::ssr::request_locale;
use chrono::{NaiveDate, Utc};

// Messages are in the language of the page that asked (API clients send no language cookie
// and get German).
fn no_permission(l: Locale) -> String {
    td_string!(l, record.error_no_permission).to_owned()
}

fn no_record(l: Locale, id: i64) -> AppError {
    AppError::not_found(td_string!(l, record.error_no_record, id = id).to_string())
}

/// "Today" for date checks, on the German calendar (UTC+1/+2): never rejects a date that is
/// already today in Germany.
pub(crate) fn today() -> NaiveDate {
    (Utc::now() + chrono::Duration::hours(2)).date_naive()
}

async fn deny(storage: &Storage, user: &CurrentUser, subject: &str, detail: &str) {
    crate::auth::audit_by(storage, user, action::ACCESS_DENIED, subject, Some(detail)).await;
}

pub async fn record_page(
    storage: &Storage,
    user: Option<&CurrentUser>,
    id: i64,
) -> Result<RecordEditing, AppError> {
    let record = storage
        .record_detail(id)
        .await?
        .ok_or_else(|| no_record(request_locale(), id))?;
    let options = storage.edit_options().await?;
    let events = storage.record_events(id).await?;
    // a record closed by a responsibility change keeps its history, read-only
    let can_edit = record.closed_on.is_none()
        && user.is_some_and(|u| u.may_edit(record.org_unit_id, record.org_unit_parent_id));
    Ok(RecordEditing {
        history: history_entries(events, &options),
        record,
        options,
        can_edit,
    })
}

/// Saves a record's new values, all or nothing. `expected_version` is the version the
/// editor started from.
pub async fn save(
    storage: &Storage,
    user: &CurrentUser,
    id: i64,
    expected_version: i64,
    values: RecordValues,
    comment: Option<String>,
) -> Result<SaveOutcome, AppError> {
    let l = request_locale();
    let current = storage
        .record_detail(id)
        .await?
        .ok_or_else(|| no_record(l, id))?;
    if !user.may_edit(current.org_unit_id, current.org_unit_parent_id) {
        deny(
            storage,
            user,
            &format!("record:{id}"),
            "Umsetzungsstand ändern",
        )
        .await;
        return Err(AppError::forbidden(no_permission(l)));
    }
    let options = storage.edit_options().await?;
    if current.version != expected_version {
        return conflict(storage, current, expected_version, &options).await;
    }
    let errors = validate_change(
        &values,
        comment.as_deref(),
        &current.values(),
        &options,
        today(),
        // the page's language; API clients send no language cookie and get German
        app::ssr::request_locale(),
        user.is_admin(),
    );
    if !errors.is_empty() {
        return Ok(SaveOutcome::Invalid { errors });
    }
    let change = RecordChange {
        record_id: id,
        expected_version,
        patch: patch_between(&current.values(), &values),
        actor: user.actor(),
        user_id: Some(user.id),
        comment,
        occurred_at: Utc::now(),
        is_demo: false,
    };
    // the answer shows the state this write produced, read in its transaction
    let (outcome, written) = storage.apply_change_reading_back(&options, change).await?;
    let removed = || AppError::not_found(td_string!(l, record.error_record_removed));
    match outcome {
        ChangeOutcome::Applied { .. } => Ok(SaveOutcome::Saved {
            record: written.ok_or_else(removed)?,
        }),
        ChangeOutcome::Unchanged { .. } => Ok(SaveOutcome::Unchanged {
            record: written.ok_or_else(removed)?,
        }),
        // someone saved between our read and the write transaction
        ChangeOutcome::Stale { .. } => {
            conflict(
                storage,
                written.ok_or_else(removed)?,
                expected_version,
                &options,
            )
            .await
        }
        ChangeOutcome::Refused { reason } => Ok(SaveOutcome::Invalid {
            errors: vec![FieldError::new(field::STATUS, reason)],
        }),
        ChangeOutcome::NotFound => Err(removed()),
    }
}

/// What others changed since `since_version`: one event per version step.
async fn conflict(
    storage: &Storage,
    current: RecordDetail,
    since_version: i64,
    options: &EditOptions,
) -> Result<SaveOutcome, AppError> {
    let steps = (current.version - since_version).max(1);
    let theirs = history_entries(
        storage.latest_record_events(current.id, steps).await?,
        options,
    );
    Ok(SaveOutcome::Conflict { current, theirs })
}

/// Only the fields that differ, so the history names exactly what this editor changed.
pub(crate) fn patch_between(old: &RecordValues, new: &RecordValues) -> RecordPatch {
    fn diff<T: PartialEq + Clone>(a: &T, b: &T) -> Option<T> {
        (a != b).then(|| b.clone())
    }
    RecordPatch {
        status_code: diff(&old.status, &new.status),
        maturity: diff(&old.maturity, &new.maturity),
        planned_go_live: diff(&old.planned_go_live, &new.planned_go_live),
        actual_go_live: diff(&old.actual_go_live, &new.actual_go_live),
        online_url: diff(&old.online_url, &new.online_url),
        efa_solution: diff(&old.efa_solution, &new.efa_solution),
        note: diff(&old.note, &new.note),
    }
}

/// Sets the same status / Reifegrad / planned date on many records in one transaction. Each
/// record is authorised and checked on its own; the summary says what happened to each.
pub async fn bulk(
    storage: &Storage,
    user: &CurrentUser,
    req: &BulkRequest,
) -> Result<BulkSummary, AppError> {
    let l = request_locale();
    let refuse = |message: String| Err(AppError::Unprocessable(vec![message]));
    if req.status.is_none() && req.maturity.is_none() && req.planned_go_live.is_none() {
        return refuse(td_string!(l, bulk.error_no_value).to_owned());
    }
    if req.record_ids.is_empty() {
        return refuse(td_string!(l, bulk.error_no_selection).to_owned());
    }
    if req.record_ids.len() > MAX_BULK_RECORDS {
        return refuse(td_string!(l, bulk.error_too_many, max = MAX_BULK_RECORDS).to_string());
    }
    if let Some(c) = &req.comment {
        if c.chars().count() > app::domain::MAX_COMMENT_LEN {
            let max = app::domain::MAX_COMMENT_LEN;
            return refuse(td_string!(l, bulk.error_comment_too_long, max = max).to_string());
        }
    }
    let options = storage.edit_options().await?;
    if let Some(m) = req.maturity {
        if !options.maturity_levels.iter().any(|level| level.level == m) {
            return refuse(td_string!(l, bulk.error_maturity, level = m).to_string());
        }
    }
    if let Some(s) = &req.status {
        if options.status(s).is_none() {
            return refuse(td_string!(l, record.error_unknown_status, status = s).to_string());
        }
        // the rules of validate_change on "nicht relevant", for the whole selection at once
        let label = options.status_label(s);
        if options.is_not_relevant(s) && !user.is_admin() {
            return refuse(
                td_string!(l, record.error_not_relevant_approval, status = label).to_string(),
            );
        }
        if (options.is_not_relevant(s) || options.requests_not_relevant(s)) && comment_missing(req)
        {
            return refuse(td_string!(l, record.error_reason_needed, status = label).to_string());
        }
    }
    let going_online = req
        .status
        .as_deref()
        .and_then(|s| options.status(s))
        .is_some_and(|s| s.phase == Phase::Online);
    let mut ids = req.record_ids.clone();
    ids.sort_unstable();
    ids.dedup();
    let records = storage.record_details(&ids).await?;
    let mut summary = BulkSummary::default();
    let label = |r: &RecordDetail| format!("{} – {}", r.service_name, r.org_unit_name);
    for missing in ids
        .iter()
        .filter(|id| !records.iter().any(|r| r.id == **id))
    {
        summary.refused.push(BulkItem {
            record_id: *missing,
            label: td_string!(l, bulk.missing_label, id = missing).to_string(),
            reason: Some(td_string!(l, bulk.missing).to_owned()),
        });
    }
    let now = Utc::now();
    let comment = req.comment.as_deref().and_then(app::domain::non_empty);
    let mut changes = Vec::new();
    let mut pending = Vec::new();
    let mut denied = 0;
    for r in &records {
        if !user.may_edit(r.org_unit_id, r.org_unit_parent_id) {
            denied += 1;
            summary.refused.push(BulkItem {
                record_id: r.id,
                label: label(r),
                reason: Some(no_permission(l)),
            });
            continue;
        }
        // "online" needs its proof, which a bulk change cannot give record by record
        if going_online
            && r.phase != Phase::Online
            && r.online_url.is_none()
            && r.efa_solution.is_none()
        {
            let status = options.status_label(req.status.as_deref().unwrap_or_default());
            summary.refused.push(BulkItem {
                record_id: r.id,
                label: label(r),
                reason: Some(
                    td_string!(l, record.error_online_needs_proof, status = status).to_string(),
                ),
            });
            continue;
        }
        changes.push(RecordChange {
            record_id: r.id,
            expected_version: r.version,
            patch: RecordPatch {
                status_code: req.status.clone().filter(|s| *s != r.status_code),
                maturity: req.maturity.map(Some),
                planned_go_live: req.planned_go_live.map(Some),
                ..Default::default()
            },
            actor: user.actor(),
            user_id: Some(user.id),
            comment: comment.clone(),
            occurred_at: now,
            is_demo: false,
        });
        pending.push(r);
    }
    if denied > 0 {
        deny(
            storage,
            user,
            "bulk",
            &format!("{denied} Umsetzungsstände außerhalb des Zuständigkeitsbereichs"),
        )
        .await;
    }
    let outcomes = storage.apply_changes_checked(&options, &changes).await?;
    for (r, outcome) in pending.into_iter().zip(outcomes) {
        let item = |reason: Option<String>| BulkItem {
            record_id: r.id,
            label: label(r),
            reason,
        };
        match outcome {
            ChangeOutcome::Applied { .. } => summary.changed.push(item(None)),
            ChangeOutcome::Unchanged { .. } => summary.unchanged.push(item(None)),
            ChangeOutcome::Refused { reason } => {
                // the storage's last guard words it in German; say it in the user's language
                let reason = req
                    .status
                    .as_deref()
                    .and_then(|to| options.transition_error(&r.status_code, to, l))
                    .unwrap_or(reason);
                summary.refused.push(item(Some(reason)));
            }
            ChangeOutcome::Stale { .. } => summary
                .refused
                .push(item(Some(td_string!(l, bulk.stale).to_owned()))),
            ChangeOutcome::NotFound => summary
                .refused
                .push(item(Some(td_string!(l, bulk.missing).to_owned()))),
        }
    }
    Ok(summary)
}

fn comment_missing(req: &BulkRequest) -> bool {
    req.comment.as_deref().is_none_or(|c| c.trim().is_empty())
}

/// What `patch` changes in `old`, shown like the history shows it (labels, German dates).
pub fn field_changes(
    old: &RecordValues,
    patch: &RecordPatch,
    options: &EditOptions,
) -> Vec<FieldChange> {
    use serde_json::{json, Value};
    let locale = app::ssr::request_locale();
    let pairs: [(&str, Value, Option<Value>); 7] = [
        (
            field::STATUS,
            json!(old.status),
            patch.status_code.as_ref().map(|v| json!(v)),
        ),
        (
            field::MATURITY,
            json!(old.maturity),
            patch.maturity.map(|v| json!(v)),
        ),
        (
            field::PLANNED_GO_LIVE,
            json!(old.planned_go_live),
            patch.planned_go_live.map(|v| json!(v)),
        ),
        (
            field::ACTUAL_GO_LIVE,
            json!(old.actual_go_live),
            patch.actual_go_live.map(|v| json!(v)),
        ),
        (
            field::ONLINE_URL,
            json!(old.online_url),
            patch.online_url.as_ref().map(|v| json!(v)),
        ),
        (
            field::EFA_SOLUTION,
            json!(old.efa_solution),
            patch.efa_solution.as_ref().map(|v| json!(v)),
        ),
        (
            field::NOTE,
            json!(old.note),
            patch.note.as_ref().map(|v| json!(v)),
        ),
    ];
    pairs
        .into_iter()
        .filter_map(|(name, old, new)| {
            let new = new?;
            Some(FieldChange {
                field: name.to_owned(),
                label: field::label(name, locale).to_owned(),
                old: display_value(name, Some(&old), options),
                new: display_value(name, Some(&new), options),
            })
        })
        .collect()
}

/// Stored events as the history shows them: field labels, status labels, German dates.
pub fn history_entries(events: Vec<StoredEvent>, options: &EditOptions) -> Vec<HistoryEntry> {
    events
        .into_iter()
        .map(|e| history_entry(e, options))
        .collect()
}

pub fn history_entry(e: StoredEvent, options: &EditOptions) -> HistoryEntry {
    // the record page's language; API requests carry no language cookie and get German
    let locale = app::ssr::request_locale();
    let diff: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&e.changes).unwrap_or_default();
    let order = [
        field::STATUS,
        field::MATURITY,
        field::PLANNED_GO_LIVE,
        field::ACTUAL_GO_LIVE,
        field::ONLINE_URL,
        field::EFA_SOLUTION,
        field::NOTE,
    ];
    let changes = order
        .iter()
        .filter_map(|name| {
            let pair = diff.get(*name)?.as_array()?;
            let show = |v: Option<&serde_json::Value>| display_value(name, v, options);
            Some(FieldChange {
                field: (*name).to_owned(),
                label: field::label(name, locale).to_owned(),
                old: show(pair.first()),
                new: show(pair.get(1)),
            })
        })
        .collect();
    HistoryEntry {
        id: e.id,
        record_id: e.record_id,
        occurred_at: e.occurred_at,
        actor: e.actor,
        comment: e.comment,
        changes,
        is_demo: e.is_demo,
    }
}

fn display_value(name: &str, value: Option<&serde_json::Value>, options: &EditOptions) -> String {
    let Some(v) = value.filter(|v| !v.is_null()) else {
        return "–".into();
    };
    match (name, v) {
        (field::STATUS, serde_json::Value::String(code)) => options.status_label(code),
        (field::MATURITY, serde_json::Value::Number(n)) => {
            let level = n.as_i64().unwrap_or_default();
            match options.maturity_levels.iter().find(|l| l.level == level) {
                Some(l) => format!("{level} – {}", l.label),
                None => level.to_string(),
            }
        }
        (field::PLANNED_GO_LIVE | field::ACTUAL_GO_LIVE, serde_json::Value::String(d)) => d
            .parse::<NaiveDate>()
            .map_or_else(|_| d.clone(), app::format::date),
        (_, serde_json::Value::String(s)) => s.clone(),
        (_, other) => other.to_string(),
    }
}
