//! Editing implementation records: what a coordinator submits, the rules it must satisfy, and
//! what comes back (saved, invalid with messages per field, or a conflict). The same
//! validation serves the form, the REST API and bulk updates.

use super::{OrgUnitKind, OzgId, Page, Phase};
use crate::i18n::{td_string, Locale};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// The editable fields, by the name forms and the API use.
pub mod field {
    pub const STATUS: &str = "status";
    pub const MATURITY: &str = "maturity";
    pub const PLANNED_GO_LIVE: &str = "planned_go_live";
    pub const ACTUAL_GO_LIVE: &str = "actual_go_live";
    pub const ONLINE_URL: &str = "online_url";
    pub const EFA_SOLUTION: &str = "efa_solution";
    pub const NOTE: &str = "note";
    pub const COMMENT: &str = "comment";

    use crate::i18n::{td_string, Locale};

    /// Label of a field for messages and the history.
    pub fn label(name: &str, locale: Locale) -> &'static str {
        match name {
            STATUS => td_string!(locale, domain.field.status),
            MATURITY => td_string!(locale, domain.field.maturity),
            PLANNED_GO_LIVE => td_string!(locale, domain.field.planned_go_live),
            ACTUAL_GO_LIVE => td_string!(locale, domain.field.actual_go_live),
            ONLINE_URL => td_string!(locale, domain.field.online_url),
            EFA_SOLUTION => td_string!(locale, domain.field.efa_solution),
            NOTE => td_string!(locale, domain.field.note),
            COMMENT => td_string!(locale, domain.field.comment),
            _ => td_string!(locale, domain.field.other),
        }
    }
}

pub const MAX_URL_LEN: usize = 500;
pub const MAX_EFA_LEN: usize = 200;
pub const MAX_NOTE_LEN: usize = 2000;
pub const MAX_COMMENT_LEN: usize = 500;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusOption {
    pub code: String,
    pub label: String,
    pub phase: Phase,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaturityOption {
    pub level: i64,
    pub label: String,
}

/// The configured pipeline and scale an edit is checked against.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditOptions {
    pub statuses: Vec<StatusOption>,
    /// Allowed (from, to) status changes.
    pub transitions: Vec<(String, String)>,
    pub maturity_levels: Vec<MaturityOption>,
}

impl EditOptions {
    pub fn status(&self, code: &str) -> Option<&StatusOption> {
        self.statuses.iter().find(|s| s.code == code)
    }

    pub fn status_label(&self, code: &str) -> String {
        self.status(code)
            .map_or_else(|| code.to_owned(), |s| s.label.clone())
    }

    /// A status of the phase "nicht relevant": out of the denominator.
    pub fn is_not_relevant(&self, code: &str) -> bool {
        self.status(code)
            .is_some_and(|s| s.phase == Phase::NotRelevant)
    }

    /// A request for "nicht relevant": a status, not itself "nicht relevant", from which the
    /// pipeline leads into one (the administration approves by taking that step).
    pub fn requests_not_relevant(&self, code: &str) -> bool {
        !self.is_not_relevant(code)
            && self
                .transitions
                .iter()
                .any(|(from, to)| from == code && self.is_not_relevant(to))
    }

    pub fn allows(&self, from: &str, to: &str) -> bool {
        from == to || self.transitions.iter().any(|(f, t)| f == from && t == to)
    }

    /// The statuses a record in `current` may take: itself first, then the allowed targets
    /// in pipeline order.
    pub fn targets(&self, current: &str) -> Vec<StatusOption> {
        self.statuses
            .iter()
            .filter(|s| s.code == current || self.allows(current, &s.code))
            .cloned()
            .collect()
    }

    /// The reason a status change is refused, or `None` when it is allowed.
    pub fn transition_error(&self, from: &str, to: &str, locale: Locale) -> Option<String> {
        if self.status(to).is_none() {
            return Some(td_string!(locale, record.error_unknown_status, status = to).to_string());
        }
        if self.allows(from, to) {
            return None;
        }
        let allowed: Vec<String> = self
            .targets(from)
            .into_iter()
            .filter(|s| s.code != from)
            .map(|s| match locale {
                Locale::de => format!("„{}“", s.label),
                Locale::en => format!("“{}”", s.label),
            })
            .collect();
        Some(
            td_string!(
                locale,
                record.error_transition,
                from = self.status_label(from),
                to = self.status_label(to),
                allowed = if allowed.is_empty() {
                    td_string!(locale, record.error_transition_none).to_owned()
                } else {
                    allowed.join(", ")
                },
            )
            .to_string(),
        )
    }
}

/// One implementation record with everything its edit page needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RecordDetail {
    pub id: i64,
    pub version: i64,
    pub ozg_id: OzgId,
    pub service_name: String,
    pub org_unit_id: i64,
    pub org_unit_parent_id: Option<i64>,
    pub org_unit_code: String,
    pub org_unit_name: String,
    pub org_unit_kind: OrgUnitKind,
    pub status_code: String,
    pub status_label: String,
    pub phase: Phase,
    pub maturity: Option<i64>,
    pub planned_go_live: Option<NaiveDate>,
    pub actual_go_live: Option<NaiveDate>,
    pub online_url: Option<String>,
    pub efa_solution: Option<String>,
    pub note: Option<String>,
    pub updated_at: DateTime<Utc>,
    /// Since this day the unit is no longer responsible for the service: read-only history.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_on: Option<NaiveDate>,
}

impl RecordDetail {
    pub fn values(&self) -> RecordValues {
        RecordValues {
            status: self.status_code.clone(),
            maturity: self.maturity,
            planned_go_live: self.planned_go_live,
            actual_go_live: self.actual_go_live,
            online_url: self.online_url.clone(),
            efa_solution: self.efa_solution.clone(),
            note: self.note.clone(),
        }
    }
}

/// The editable state of a record, typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordValues {
    pub status: String,
    pub maturity: Option<i64>,
    pub planned_go_live: Option<NaiveDate>,
    pub actual_go_live: Option<NaiveDate>,
    pub online_url: Option<String>,
    pub efa_solution: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        Self {
            field: field.to_owned(),
            message: message.into(),
        }
    }

    /// "Feld: Meldung", for summaries away from the field.
    pub fn describe(&self, locale: crate::i18n::Locale) -> String {
        format!("{}: {}", field::label(&self.field, locale), self.message)
    }
}

/// What the edit form submits: text as typed, parsed and checked by [`RecordForm::parse`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RecordForm {
    pub record_id: i64,
    pub version: i64,
    pub status: String,
    pub maturity: String,
    pub planned_go_live: String,
    pub actual_go_live: String,
    pub online_url: String,
    pub efa_solution: String,
    pub note: String,
    pub comment: String,
}

impl RecordForm {
    pub fn from_detail(r: &RecordDetail) -> Self {
        Self {
            record_id: r.id,
            version: r.version,
            status: r.status_code.clone(),
            maturity: r.maturity.map(|m| m.to_string()).unwrap_or_default(),
            planned_go_live: r.planned_go_live.map(|d| d.to_string()).unwrap_or_default(),
            actual_go_live: r.actual_go_live.map(|d| d.to_string()).unwrap_or_default(),
            online_url: r.online_url.clone().unwrap_or_default(),
            efa_solution: r.efa_solution.clone().unwrap_or_default(),
            note: r.note.clone().unwrap_or_default(),
            comment: String::new(),
        }
    }

    /// This edit moved onto a newer stored state (after a conflict): the fields this editor
    /// changed (compared with `start`, what the form was loaded with) keep the editor's value,
    /// every other field takes the newer value, so nobody's change is undone unseen.
    pub fn rebase(&self, start: &RecordForm, newer: &RecordForm) -> RecordForm {
        let pick = |mine: &String, base: &String, theirs: &String| {
            if mine.trim() == base.trim() {
                theirs.clone()
            } else {
                mine.clone()
            }
        };
        RecordForm {
            record_id: self.record_id,
            version: newer.version,
            status: pick(&self.status, &start.status, &newer.status),
            maturity: pick(&self.maturity, &start.maturity, &newer.maturity),
            planned_go_live: pick(
                &self.planned_go_live,
                &start.planned_go_live,
                &newer.planned_go_live,
            ),
            actual_go_live: pick(
                &self.actual_go_live,
                &start.actual_go_live,
                &newer.actual_go_live,
            ),
            online_url: pick(&self.online_url, &start.online_url, &newer.online_url),
            efa_solution: pick(&self.efa_solution, &start.efa_solution, &newer.efa_solution),
            note: pick(&self.note, &start.note, &newer.note),
            comment: self.comment.clone(),
        }
    }

    /// Parses the text fields; every problem is reported, not only the first.
    pub fn parse(&self, locale: Locale) -> Result<(RecordValues, Option<String>), Vec<FieldError>> {
        let mut errors = Vec::new();
        let maturity = match self.maturity.trim() {
            "" => None,
            m => {
                if let Ok(v) = m.parse::<i64>() {
                    Some(v)
                } else {
                    errors.push(FieldError::new(
                        field::MATURITY,
                        td_string!(locale, record.error_not_a_level, value = m).to_string(),
                    ));
                    None
                }
            }
        };
        let mut date = |name: &str, text: &str| match parse_date(text, locale) {
            Ok(d) => d,
            Err(msg) => {
                errors.push(FieldError::new(name, msg));
                None
            }
        };
        let planned_go_live = date(field::PLANNED_GO_LIVE, &self.planned_go_live);
        let actual_go_live = date(field::ACTUAL_GO_LIVE, &self.actual_go_live);
        let values = RecordValues {
            status: self.status.trim().to_owned(),
            maturity,
            planned_go_live,
            actual_go_live,
            online_url: non_empty(&self.online_url),
            efa_solution: non_empty(&self.efa_solution),
            note: non_empty(&self.note),
        };
        let comment = non_empty(&self.comment);
        if errors.is_empty() {
            Ok((values, comment))
        } else {
            Err(errors)
        }
    }
}

/// Trimmed text, `None` when empty.
pub fn non_empty(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

/// A date as `2026-12-31` (what `<input type=date>` sends) or `31.12.2026`; empty is none.
pub fn parse_date(text: &str, locale: Locale) -> Result<Option<NaiveDate>, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    // LibreOffice saves a date it recognised as `04.05.24`: a two-digit year is 20xx
    let german = if t.rsplit('.').next().is_some_and(|year| year.len() == 2) {
        "%d.%m.%y"
    } else {
        "%d.%m.%Y"
    };
    let parsed = NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(t, german))
        .map_err(|_| td_string!(locale, record.error_date, value = t).to_string())?;
    if !(2000..=2100).contains(&chrono::Datelike::year(&parsed)) {
        return Err(td_string!(locale, record.error_date_range, value = t).to_string());
    }
    Ok(Some(parsed))
}

/// Control characters other than tab and line breaks (a NUL, which PostgreSQL cannot store
/// and SQLite would: refused on both, so a dry run and its real run agree everywhere).
pub fn has_control_characters(text: &str) -> bool {
    text.chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
}

/// Checks a record's new values against the pipeline, the scale and the field rules.
/// `current_status` is the status the record has now; `today` bounds "Online seit".
pub fn validate(
    values: &RecordValues,
    comment: Option<&str>,
    current_status: &str,
    options: &EditOptions,
    today: NaiveDate,
    locale: Locale,
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if let Some(msg) = options.transition_error(current_status, &values.status, locale) {
        errors.push(FieldError::new(field::STATUS, msg));
    }
    if let Some(m) = values.maturity {
        if !options.maturity_levels.iter().any(|l| l.level == m) {
            let range = match (
                options.maturity_levels.first(),
                options.maturity_levels.last(),
            ) {
                (Some(a), Some(b)) => td_string!(
                    locale,
                    record.error_maturity_range,
                    min = a.level,
                    max = b.level
                )
                .to_string(),
                _ => String::new(),
            };
            errors.push(FieldError::new(
                field::MATURITY,
                td_string!(
                    locale,
                    record.error_maturity_scale,
                    level = m,
                    range = range
                )
                .to_string(),
            ));
        }
    }
    if let Some(d) = values.actual_go_live {
        if d > today {
            errors.push(FieldError::new(
                field::ACTUAL_GO_LIVE,
                td_string!(locale, record.error_actual_future),
            ));
        }
    }
    if let Some(url) = &values.online_url {
        let lower = url.to_ascii_lowercase();
        let scheme_ok = lower.starts_with("https://") || lower.starts_with("http://");
        let host_ok = url.split("://").nth(1).is_some_and(|rest| {
            rest.split(['/', '?', '#'])
                .next()
                .is_some_and(|h| h.contains('.') && !h.starts_with('.'))
        });
        if !scheme_ok || !host_ok || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
            errors.push(FieldError::new(
                field::ONLINE_URL,
                td_string!(locale, record.error_url),
            ));
        } else if url.len() > MAX_URL_LEN {
            errors.push(FieldError::new(
                field::ONLINE_URL,
                td_string!(locale, record.error_too_long, max = MAX_URL_LEN).to_string(),
            ));
        }
    }
    let mut too_long = |name: &str, text: Option<&str>, max: usize| {
        if text.is_some_and(|t| t.chars().count() > max) {
            errors.push(FieldError::new(
                name,
                td_string!(locale, record.error_too_long, max = max).to_string(),
            ));
        } else if text.is_some_and(has_control_characters) {
            errors.push(FieldError::new(
                name,
                td_string!(locale, record.error_control_characters),
            ));
        }
    };
    too_long(
        field::EFA_SOLUTION,
        values.efa_solution.as_deref(),
        MAX_EFA_LEN,
    );
    too_long(field::NOTE, values.note.as_deref(), MAX_NOTE_LEN);
    too_long(field::COMMENT, comment, MAX_COMMENT_LEN);
    errors
}

/// [`validate`] for a change of the record `current` by someone who may (`approver`: the
/// administration) or may not approve "nicht relevant", with the rules on what a status needs:
/// - "online" needs its proof, the address of the online service or the EfA solution that
///   provides it. A record going online needs one, and an online record cannot drop the one
///   it has; a record online from before the rule keeps its other edits and is listed for
///   review instead.
/// - "nicht relevant" leaves the denominator only once the Kompetenzzentrum approved it: only
///   the administration enters it; the request for it and the approval need a reason (a
///   change comment or a note).
pub fn validate_change(
    values: &RecordValues,
    comment: Option<&str>,
    current: &RecordValues,
    options: &EditOptions,
    today: NaiveDate,
    locale: Locale,
    approver: bool,
) -> Vec<FieldError> {
    let mut errors = validate(values, comment, &current.status, options, today, locale);
    let entering =
        values.status != current.status && options.allows(&current.status, &values.status);
    let label = || options.status_label(&values.status);
    if entering && options.is_not_relevant(&values.status) && !approver {
        errors.push(FieldError::new(
            field::STATUS,
            td_string!(locale, record.error_not_relevant_approval, status = label()).to_string(),
        ));
    }
    let reasoned = comment.is_some_and(|c| !c.trim().is_empty()) || values.note.is_some();
    if entering
        && (options.is_not_relevant(&values.status)
            || options.requests_not_relevant(&values.status))
        && !reasoned
    {
        errors.push(FieldError::new(
            field::COMMENT,
            td_string!(locale, record.error_reason_needed, status = label()).to_string(),
        ));
    }
    let online = |v: &RecordValues| {
        options
            .status(&v.status)
            .is_some_and(|s| s.phase == Phase::Online)
    };
    let proven = |v: &RecordValues| v.online_url.is_some() || v.efa_solution.is_some();
    let grandfathered = online(current) && !proven(current);
    if online(values) && !proven(values) && !grandfathered {
        errors.push(FieldError::new(
            field::ONLINE_URL,
            td_string!(
                locale,
                record.error_online_needs_proof,
                status = options.status_label(&values.status)
            )
            .to_string(),
        ));
    }
    errors
}

/// One field of one change in the history, ready to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FieldChange {
    pub field: String,
    pub label: String,
    pub old: String,
    pub new: String,
}

/// One event of a record's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct HistoryEntry {
    pub id: i64,
    pub record_id: i64,
    pub occurred_at: DateTime<Utc>,
    pub actor: String,
    pub comment: Option<String>,
    pub changes: Vec<FieldChange>,
    pub is_demo: bool,
}

/// What the edit page shows: the record, what it may become, its history, and whether this
/// user may edit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordEditing {
    pub record: RecordDetail,
    pub options: EditOptions,
    pub history: Vec<HistoryEntry>,
    pub can_edit: bool,
}

/// The answer to a save.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum SaveOutcome {
    Saved {
        record: RecordDetail,
    },
    /// Nothing was saved; one message per field.
    Invalid {
        errors: Vec<FieldError>,
    },
    /// Someone else saved first; nothing was saved. `theirs` are the changes made since the
    /// version the editor started from.
    Conflict {
        current: RecordDetail,
        theirs: Vec<HistoryEntry>,
    },
    /// Nothing differs from the stored state.
    Unchanged {
        record: RecordDetail,
    },
}

/// Set the same values on many records in one action.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkRequest {
    pub record_ids: Vec<i64>,
    pub status: Option<String>,
    pub maturity: Option<i64>,
    pub planned_go_live: Option<NaiveDate>,
    pub comment: Option<String>,
}

pub const MAX_BULK_RECORDS: usize = 5000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct BulkItem {
    pub record_id: i64,
    /// "Leistung – Stelle", for the summary.
    pub label: String,
    /// Why it was refused; `None` when it was changed.
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct BulkSummary {
    pub changed: Vec<BulkItem>,
    pub unchanged: Vec<BulkItem>,
    pub refused: Vec<BulkItem>,
}

/// Which records the bulk page lists: one service and/or one org unit (with its children).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkQuery {
    pub ozg_id: Option<String>,
    pub org_unit: Option<String>,
    pub status: Option<String>,
    pub page: u32,
}

pub const BULK_PER_PAGE: u32 = 200;

/// The bulk page: the matching records, which of them this user may change, the options.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BulkSelection {
    pub records: Page<RecordDetail>,
    pub editable: Vec<i64>,
    pub options: EditOptions,
}

/// Filters of the "Änderungen seit …" list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeQuery {
    pub since: NaiveDate,
    pub until: Option<NaiveDate>,
    pub org_unit: Option<String>,
    // a server function's arguments leave out an empty filter
    #[serde(default)]
    pub services: super::ServiceFilter,
    pub page: u32,
}

pub const CHANGES_PER_PAGE: u32 = 50;

/// The start page of those who keep records ("Meine Aufgaben"): for each of their units.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MyWork {
    /// For the administration: the requests for "nicht relevant" it approves or rejects.
    pub approvals: Option<Page<RecordDetail>>,
    /// For the administration: "nicht relevant" records nobody of it approved (data from
    /// before the approval rule), to review.
    pub unapproved: Option<Page<RecordDetail>>,
    pub units: Vec<UnitWork>,
    /// Records not updated for this many days count as waiting for an update.
    pub stale_days: i64,
    /// Changes of this many days are shown.
    pub changes_days: i64,
}

/// One unit's work: overdue records, records waiting for an update, recent changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitWork {
    pub unit: crate::domain::ScopeUnit,
    pub overdue: Page<RecordDetail>,
    pub stale: Page<RecordDetail>,
    /// Online without the address of the online service or its EfA solution: to review.
    pub unproven: Page<RecordDetail>,
    pub changes: Page<ChangeEntry>,
}

/// One change with the record it belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ChangeEntry {
    pub entry: HistoryEntry,
    pub ozg_id: OzgId,
    pub service_name: String,
    pub org_unit_code: String,
    pub org_unit_name: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn options() -> EditOptions {
        let s = |code: &str, label: &str, phase| StatusOption {
            code: code.into(),
            label: label.into(),
            phase,
        };
        EditOptions {
            statuses: vec![
                s("nicht_begonnen", "nicht begonnen", Phase::NotStarted),
                s("in_planung", "in Planung", Phase::Planning),
                s("online", "online verfügbar", Phase::Online),
            ],
            transitions: vec![
                ("nicht_begonnen".into(), "in_planung".into()),
                ("in_planung".into(), "online".into()),
            ],
            maturity_levels: (0..=4)
                .map(|level| MaturityOption {
                    level,
                    label: String::new(),
                })
                .collect(),
        }
    }

    fn values(status: &str) -> RecordValues {
        RecordValues {
            status: status.into(),
            maturity: None,
            planned_go_live: None,
            actual_go_live: None,
            online_url: None,
            efa_solution: None,
            note: None,
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
    }

    #[test]
    fn only_configured_transitions_pass() {
        let o = options();
        assert!(validate(
            &values("in_planung"),
            None,
            "nicht_begonnen",
            &o,
            today(),
            Locale::de
        )
        .is_empty());
        assert!(
            validate(
                &values("nicht_begonnen"),
                None,
                "nicht_begonnen",
                &o,
                today(),
                Locale::de
            )
            .is_empty(),
            "keeping the status"
        );
        let e = validate(
            &values("online"),
            None,
            "nicht_begonnen",
            &o,
            today(),
            Locale::de,
        );
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].field, field::STATUS);
        assert!(
            e[0].message.contains("Erlaubt: „in Planung“"),
            "{}",
            e[0].message
        );
        assert_eq!(
            validate(
                &values("fertig"),
                None,
                "in_planung",
                &o,
                today(),
                Locale::de
            )[0]
            .message,
            "Unbekannter Status „fertig“."
        );
    }

    #[test]
    fn online_needs_the_address_or_the_efa_solution() {
        let o = options();
        let check = |new: &RecordValues, current: &RecordValues| {
            validate_change(new, None, current, &o, today(), Locale::de, false)
        };
        let implementing = values("in_planung");
        let bare = values("online");
        let e = check(&bare, &implementing);
        assert_eq!(e.len(), 1, "{e:?}");
        assert_eq!(e[0].field, field::ONLINE_URL);
        assert!(
            e[0].message
                .contains("Adresse des Online-Angebots oder die EfA-Lösung"),
            "{}",
            e[0].message
        );
        let with_url = RecordValues {
            online_url: Some("https://service.thueringen.de/x".into()),
            ..bare.clone()
        };
        assert!(check(&with_url, &implementing).is_empty());
        let with_efa = RecordValues {
            efa_solution: Some("Elterngeld digital".into()),
            ..bare.clone()
        };
        assert!(check(&with_efa, &implementing).is_empty());
        // an online record cannot drop its proof ...
        assert_eq!(check(&bare, &with_url).len(), 1);
        // ... but one online from before the rule keeps its other edits (it is on the review list)
        let noted = RecordValues {
            note: Some("Notiz".into()),
            ..bare.clone()
        };
        assert!(check(&noted, &bare).is_empty());
        // other statuses need nothing
        let not_started = values("nicht_begonnen");
        assert!(check(&not_started, &not_started).is_empty());
    }

    #[test]
    fn only_the_administration_approves_nicht_relevant_and_both_steps_need_a_reason() {
        let mut o = options();
        o.statuses.push(StatusOption {
            code: "beantragt".into(),
            label: "nicht relevant (beantragt)".into(),
            phase: Phase::Deferred,
        });
        o.statuses.push(StatusOption {
            code: "nicht_relevant".into(),
            label: "nicht relevant".into(),
            phase: Phase::NotRelevant,
        });
        o.transitions
            .push(("nicht_begonnen".into(), "beantragt".into()));
        o.transitions
            .push(("beantragt".into(), "nicht_relevant".into()));
        assert!(o.requests_not_relevant("beantragt"));
        assert!(
            !o.requests_not_relevant("nicht_begonnen")
                && !o.requests_not_relevant("nicht_relevant")
        );
        let check = |to: &str, from: &str, comment: Option<&str>, approver: bool| {
            validate_change(
                &values(to),
                comment,
                &values(from),
                &o,
                today(),
                Locale::de,
                approver,
            )
        };
        // the request: anyone who edits, with a reason
        let e = check("beantragt", "nicht_begonnen", None, false);
        assert_eq!(e.len(), 1, "{e:?}");
        assert_eq!(e[0].field, field::COMMENT);
        assert!(
            e[0].message.contains("braucht eine Begründung"),
            "{}",
            e[0].message
        );
        assert!(check(
            "beantragt",
            "nicht_begonnen",
            Some("Keine Gewässer im Gemeindegebiet"),
            false
        )
        .is_empty());
        // the approval: only the administration, with a reason too
        let e = check("nicht_relevant", "beantragt", Some("geprüft"), false);
        assert_eq!(e.len(), 1, "{e:?}");
        assert_eq!(e[0].field, field::STATUS);
        assert!(
            e[0].message.contains("Kompetenzzentrum"),
            "{}",
            e[0].message
        );
        assert!(check("nicht_relevant", "beantragt", Some("geprüft"), true).is_empty());
        assert_eq!(
            check("nicht_relevant", "beantragt", None, true)[0].field,
            field::COMMENT
        );
        // no way around the request
        assert_eq!(
            check("nicht_relevant", "nicht_begonnen", Some("x"), true).len(),
            1,
            "the pipeline refuses it"
        );
    }

    #[test]
    fn messages_follow_the_language() {
        let e = validate(
            &values("online"),
            None,
            "nicht_begonnen",
            &options(),
            today(),
            Locale::en,
        );
        assert!(
            e[0].message
                .starts_with("The status pipeline does not provide"),
            "{}",
            e[0].message
        );
        assert!(
            e[0].message.contains("Allowed: “in Planung”"),
            "{}",
            e[0].message
        );
        assert_eq!(
            parse_date("31.02.2026", Locale::en).unwrap_err(),
            "“31.02.2026” is not a valid date (DD.MM.YYYY)."
        );
        assert_eq!(
            FieldError::new(field::NOTE, "x").describe(Locale::en),
            "Note: x"
        );
    }

    #[test]
    fn dates_as_spreadsheets_write_them() {
        let d = |y, m, day| Ok(NaiveDate::from_ymd_opt(y, m, day));
        assert_eq!(parse_date("31.12.2026", Locale::de), d(2026, 12, 31));
        assert_eq!(parse_date("2026-12-31", Locale::de), d(2026, 12, 31));
        // LibreOffice's short form of a date it recognised
        assert_eq!(parse_date("04.05.24", Locale::de), d(2024, 5, 4));
        assert_eq!(parse_date("1.2.26", Locale::de), d(2026, 2, 1));
        assert!(
            parse_date("04.05.99", Locale::de).is_err(),
            "1999 is out of range"
        );
        assert!(parse_date("04.05.0024", Locale::de).is_err());
    }

    #[test]
    fn control_characters_are_refused_in_every_text_field() {
        let mut v = values("nicht_begonnen");
        v.note = Some("Zeile 1\nZeile 2\tmit Tab".into());
        v.efa_solution = Some("EfA\u{0}Lösung".into());
        let e = validate(
            &v,
            Some("Kommentar\u{7}"),
            "nicht_begonnen",
            &options(),
            today(),
            Locale::de,
        );
        let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, [field::EFA_SOLUTION, field::COMMENT], "{e:?}");
        assert!(e[0].message.contains("Steuerzeichen"));
        assert!(!has_control_characters("Umlaute äöü, Zeilen\r\nund Tabs\t"));
    }

    #[test]
    fn every_field_error_is_reported() {
        let mut v = values("in_planung");
        v.maturity = Some(9);
        v.actual_go_live = NaiveDate::from_ymd_opt(2027, 1, 1);
        v.online_url = Some("www.example.de".into());
        v.note = Some("x".repeat(MAX_NOTE_LEN + 1));
        let e = validate(
            &v,
            Some(&"k".repeat(501)),
            "nicht_begonnen",
            &options(),
            today(),
            Locale::de,
        );
        let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                field::MATURITY,
                field::ACTUAL_GO_LIVE,
                field::ONLINE_URL,
                field::NOTE,
                field::COMMENT
            ]
        );
    }

    #[test]
    fn urls_need_scheme_and_host() {
        let check = |u: &str| {
            let mut v = values("in_planung");
            v.online_url = Some(u.into());
            validate(&v, None, "in_planung", &options(), today(), Locale::de).is_empty()
        };
        assert!(check("https://verwaltung.thueringen.de/antrag"));
        assert!(!check("javascript:alert(1)"));
        assert!(!check("https://"));
        assert!(!check("https://exa mple.de"));
    }

    #[test]
    fn form_parsing_reports_bad_dates_and_levels() {
        let form = RecordForm {
            status: "in_planung".into(),
            maturity: "drei".into(),
            planned_go_live: "31.02.2026".into(),
            actual_go_live: "2026-03-01".into(),
            note: "  ".into(),
            ..Default::default()
        };
        let errors = form.parse(Locale::de).unwrap_err();
        assert_eq!(errors.len(), 2);
        let ok = RecordForm {
            maturity: "3".into(),
            planned_go_live: "31.12.2026".into(),
            ..form
        };
        let (v, comment) = ok.parse(Locale::de).unwrap();
        assert_eq!(v.maturity, Some(3));
        assert_eq!(v.planned_go_live, NaiveDate::from_ymd_opt(2026, 12, 31));
        assert_eq!(v.actual_go_live, NaiveDate::from_ymd_opt(2026, 3, 1));
        assert_eq!(v.note, None, "blank text is no value");
        assert_eq!(comment, None);
    }

    #[test]
    fn rebasing_keeps_both_editors_changes() {
        let start = RecordForm {
            record_id: 7,
            version: 3,
            status: "in_planung".into(),
            note: "alt".into(),
            ..Default::default()
        };
        let mine = RecordForm {
            maturity: "2".into(),
            comment: "meins".into(),
            ..start.clone()
        };
        let theirs = RecordForm {
            version: 4,
            note: "Parallel geändert".into(),
            ..start.clone()
        };
        let merged = mine.rebase(&start, &theirs);
        assert_eq!(merged.version, 4);
        assert_eq!(merged.maturity, "2", "my change stays");
        assert_eq!(merged.note, "Parallel geändert", "their change stays");
        assert_eq!(merged.comment, "meins");
        // both changed the same field: mine wins, after the user has seen theirs
        let both = RecordForm {
            note: "meine Notiz".into(),
            ..mine
        };
        assert_eq!(both.rebase(&start, &theirs).note, "meine Notiz");
    }

    proptest! {
        #[test]
        fn date_parsing_never_panics(s in "\\PC{0,20}") {
            let _ = parse_date(&s, Locale::de);
        }

        /// Whatever a form (or a forged post) sends: no panic, every problem is reported in
        /// both languages, and values that pass are within every rule.
        #[test]
        fn any_form_input_is_parsed_and_checked_without_panic(
            status in prop_oneof!["\\PC{0,30}", proptest::sample::select(vec!["in_planung", "online", "pilot"]).prop_map(str::to_owned)],
            maturity in prop_oneof!["\\PC{0,8}", "-?[0-9]{1,20}"],
            planned in prop_oneof!["\\PC{0,14}", "[0-9]{1,4}-[0-9]{1,2}-[0-9]{1,2}", "[0-9]{1,2}\\.[0-9]{1,2}\\.[0-9]{1,5}"],
            actual in "\\PC{0,14}",
            url in prop_oneof!["\\PC{0,40}", "https?://[a-z.]{0,20}/\\PC{0,20}"],
            text in "\\PC{0,600}",
        ) {
            let form = RecordForm {
                record_id: 1,
                version: 1,
                status,
                maturity,
                planned_go_live: planned,
                actual_go_live: actual,
                online_url: url,
                efa_solution: text.clone(),
                note: text.clone(),
                comment: text,
            };
            let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
            for locale in [Locale::de, Locale::en] {
                match form.parse(locale) {
                    Err(errors) => prop_assert!(errors.iter().all(|e| !e.message.is_empty())),
                    Ok((values, comment)) => {
                        let errors = validate(&values, comment.as_deref(), "in_planung", &options(), today, locale);
                        prop_assert!(errors.iter().all(|e| !e.message.is_empty()));
                        if errors.is_empty() {
                            prop_assert!(values.maturity.is_none_or(|m| options().maturity_levels.iter().any(|l| l.level == m)));
                            prop_assert!(values.actual_go_live.is_none_or(|d| d <= today));
                            prop_assert!(values.note.as_ref().is_none_or(|n| n.chars().count() <= MAX_NOTE_LEN));
                            prop_assert!(values.online_url.as_ref().is_none_or(|u| u.len() <= MAX_URL_LEN && !u.contains(' ')));
                        }
                    }
                }
            }
        }

        #[test]
        fn german_and_iso_dates_agree(y in 2000i32..=2100, m in 1u32..=12, d in 1u32..=28) {
            let iso = parse_date(&format!("{y:04}-{m:02}-{d:02}"), Locale::de).unwrap();
            let de = parse_date(&format!("{d:02}.{m:02}.{y:04}"), Locale::de).unwrap();
            prop_assert_eq!(iso, de);
            prop_assert!(iso.is_some());
        }
    }
}
