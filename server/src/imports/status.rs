//! The status import: a spreadsheet in the export's columns (edited in Excel) changes the
//! records it names. A dry run reports per line what would change and every error; applying
//! writes the valid lines in one transaction — one event per record, attributed to the
//! importing user — or, all or nothing, nothing at all when any line has an error.
//!
//! A line names its record by OZG-ID and unit key; `Datensatz`, when present, must agree.
//! `Version` is the version the file was exported at: a line that differs from the stored
//! record at a newer version is refused, so an old file never undoes a newer change.

use super::headings::note_unknown;
use super::table::{self, Row, Sheet, Value};
use crate::editing::{field_changes, patch_between};
use crate::exports::column;
use crate::storage::{ChangeOutcome, ImportKeys, RecordChange, Storage};
use app::domain::{
    parse_date, validate_change, CurrentUser, EditOptions, ImportLine, ImportReport, RecordDetail,
    RecordValues,
};
use app::error::AppError;
use app::i18n::Locale;
use chrono::{NaiveDate, Utc};
use std::collections::HashMap;

/// Column of the import only: a comment for the history, per line.
pub const COMMENT_COLUMN: &str = "Kommentar";

/// The history's comment when neither the line nor the request gives one.
const DEFAULT_COMMENT: &str = "Statusimport aus einer Tabellendatei";

/// What the importing user asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportRequest {
    pub dry_run: bool,
    pub all_or_nothing: bool,
    /// The history's comment for lines without their own.
    pub comment: Option<String>,
}

/// Where the columns are in one sheet; `None` for an optional column the file leaves out
/// (its field then stays as it is).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Columns {
    record: Option<usize>,
    version: usize,
    ozg_id: usize,
    unit_code: usize,
    status_code: usize,
    status: Option<usize>,
    maturity: Option<usize>,
    planned_go_live: Option<usize>,
    actual_go_live: Option<usize>,
    online_url: Option<usize>,
    efa_solution: Option<usize>,
    note: Option<usize>,
    comment: Option<usize>,
}

const REQUIRED: [&str; 4] = [
    column::OZG_ID,
    column::UNIT_CODE,
    column::VERSION,
    column::STATUS_CODE,
];

/// Export columns that are for reading only; the import ignores them silently.
const INFORMATIONAL: [&str; 7] = [
    "Leistung",
    "Themenfeld",
    "Ressort",
    "Einheit",
    "Art",
    "Zuletzt geändert (UTC)",
    crate::exports::DEMO_COLUMN.0,
];

impl Columns {
    /// The columns of `header`, or the German reasons they do not fit.
    fn find(header: &[String]) -> Result<Self, Vec<String>> {
        let position = |name: &str| header.iter().position(|h| h.eq_ignore_ascii_case(name));
        let mut errors: Vec<String> = header
            .iter()
            .enumerate()
            .filter(|(i, h)| {
                !h.is_empty() && header[..*i].iter().any(|o| o.eq_ignore_ascii_case(h))
            })
            .map(|(_, h)| format!("Die Spalte „{h}“ kommt mehrfach vor."))
            .collect();
        let missing: Vec<&str> = REQUIRED
            .iter()
            .copied()
            .filter(|name| position(name).is_none())
            .collect();
        if !missing.is_empty() {
            errors.push(format!(
                "Es fehlen Spalten: {}. Die Kopfzeile muss die Spalten des Exports haben \
                 (mindestens {}).",
                missing
                    .iter()
                    .map(|m| format!("„{m}“"))
                    .collect::<Vec<_>>()
                    .join(", "),
                REQUIRED
                    .iter()
                    .map(|m| format!("„{m}“"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let required = |name| position(name).unwrap_or_default();
        Ok(Self {
            record: position(column::RECORD),
            version: required(column::VERSION),
            ozg_id: required(column::OZG_ID),
            unit_code: required(column::UNIT_CODE),
            status_code: required(column::STATUS_CODE),
            status: position(column::STATUS),
            maturity: position(column::MATURITY),
            planned_go_live: position(column::PLANNED_GO_LIVE),
            actual_go_live: position(column::ACTUAL_GO_LIVE),
            online_url: position(column::ONLINE_URL),
            efa_solution: position(column::EFA_SOLUTION),
            note: position(column::NOTE),
            comment: position(COMMENT_COLUMN),
        })
    }

    /// Header cells the import neither reads nor knows from the export.
    fn unknown(header: &[String]) -> Vec<String> {
        header
            .iter()
            .filter(|h| !h.is_empty())
            .filter(|h| {
                !crate::exports::COLUMNS
                    .iter()
                    .any(|(c, _)| h.eq_ignore_ascii_case(c))
                    && !INFORMATIONAL.iter().any(|c| h.eq_ignore_ascii_case(c))
                    && !h.eq_ignore_ascii_case(COMMENT_COLUMN)
            })
            .cloned()
            .collect()
    }
}

/// One data line as read, before it meets the database.
#[derive(Debug, Clone, PartialEq)]
struct Line {
    position: String,
    record: Option<i64>,
    version: Option<i64>,
    ozg_id: Option<i64>,
    unit_code: String,
    status_code: String,
    status_label: Option<String>,
    /// `None`: the column is not in the file, the field stays.
    maturity: Option<Option<i64>>,
    planned_go_live: Option<Option<NaiveDate>>,
    actual_go_live: Option<Option<NaiveDate>>,
    online_url: Option<Option<String>>,
    efa_solution: Option<Option<String>>,
    note: Option<Option<String>>,
    comment: Option<String>,
    errors: Vec<String>,
}

/// Every data line of the file, or why the file as a whole cannot be imported.
fn read_lines(sheets: &[Sheet]) -> Result<(Vec<Line>, Vec<String>), Vec<String>> {
    let mut lines = Vec::new();
    let mut notes = Vec::new();
    let mut found_sheet = false;
    let mut first_error = None;
    for sheet in sheets {
        let columns = match Columns::find(&sheet.header) {
            Ok(c) => c,
            // a workbook's description sheet has none of the columns: not a data sheet
            Err(errors)
                if sheet.name.is_some() && !sheet.header.iter().any(|h| h == column::OZG_ID) =>
            {
                first_error.get_or_insert(errors);
                continue;
            }
            Err(mut errors) => {
                if let Some(name) = &sheet.name {
                    for e in &mut errors {
                        *e = format!("Blatt „{name}“: {e}");
                    }
                }
                return Err(errors);
            }
        };
        found_sheet = true;
        note_unknown(&mut notes, Columns::unknown(&sheet.header));
        lines.extend(sheet.rows.iter().map(|row| read_line(sheet, &columns, row)));
    }
    if !found_sheet {
        return Err(first_error.unwrap_or_else(|| vec!["Die Datei enthält keine Daten.".into()]));
    }
    Ok((lines, notes))
}

fn read_line(sheet: &Sheet, columns: &Columns, row: &Row) -> Line {
    let mut errors = Vec::new();
    let mut int = |name: &str, value: &Value| -> Option<i64> {
        if value.is_empty() {
            return None;
        }
        let parsed = match value {
            Value::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => Some(*n as i64),
            Value::Text(t) => t.trim().parse::<i64>().ok(),
            _ => None,
        };
        if parsed.is_none() {
            errors.push(format!("{name}: „{}“ ist keine ganze Zahl.", value.text()));
        }
        parsed
    };
    let record = columns.record.and_then(|c| int(column::RECORD, row.get(c)));
    let version = int(column::VERSION, row.get(columns.version));
    let ozg_id = int(column::OZG_ID, row.get(columns.ozg_id));
    let maturity = columns.maturity.map(|c| int(column::MATURITY, row.get(c)));
    let mut date = |name: &str, value: &Value| -> Option<NaiveDate> {
        match value {
            Value::Date(d) => Some(*d),
            // a date cell without date format: Excel's day number
            Value::Number(n) if (36526.0..=73415.0).contains(n) => {
                NaiveDate::from_ymd_opt(1899, 12, 30)
                    .and_then(|d| d.checked_add_days(chrono::Days::new(*n as u64)))
            }
            other => match parse_date(&other.text(), Locale::de) {
                Ok(d) => d,
                Err(message) => {
                    errors.push(format!("{name}: {message}"));
                    None
                }
            },
        }
    };
    let planned_go_live = columns
        .planned_go_live
        .map(|c| date(column::PLANNED_GO_LIVE, row.get(c)));
    let actual_go_live = columns
        .actual_go_live
        .map(|c| date(column::ACTUAL_GO_LIVE, row.get(c)));
    let text = |c: usize| app::domain::non_empty(&row.get(c).text());
    let unit_code = row.get(columns.unit_code).text();
    let status_code = row.get(columns.status_code).text();
    if ozg_id.is_none() && row.get(columns.ozg_id).is_empty() {
        errors.push(format!("Die {} fehlt.", column::OZG_ID));
    }
    if unit_code.is_empty() {
        errors.push(format!("„{}“ fehlt.", column::UNIT_CODE));
    }
    if version.is_none() && row.get(columns.version).is_empty() {
        errors.push(format!(
            "Die {} fehlt: ohne sie ließe sich nicht prüfen, ob der Datensatz seit dem Export \
             geändert wurde.",
            column::VERSION
        ));
    }
    if status_code.is_empty() {
        errors.push(format!("„{}“ fehlt.", column::STATUS_CODE));
    }
    Line {
        position: sheet.position(row.line),
        record,
        version,
        ozg_id,
        unit_code,
        status_code,
        status_label: columns.status.and_then(text),
        maturity,
        planned_go_live,
        actual_go_live,
        online_url: columns.online_url.map(text),
        efa_solution: columns.efa_solution.map(text),
        note: columns.note.map(text),
        comment: columns.comment.and_then(text),
        errors,
    }
}

/// The status a line asks for. The code column wins; a changed label (`Status`) with an
/// unchanged code is taken as the change a person made in Excel. A code column holding a
/// label is understood too.
fn wanted_status(
    line: &Line,
    current: &RecordDetail,
    options: &EditOptions,
) -> Result<String, String> {
    let by_label = |label: &str| {
        options
            .statuses
            .iter()
            .find(|s| s.label.trim().eq_ignore_ascii_case(label.trim()))
            .map(|s| s.code.clone())
    };
    let code = if options.status(&line.status_code).is_some() {
        line.status_code.clone()
    } else {
        by_label(&line.status_code)
            .ok_or_else(|| format!("Den Status „{}“ gibt es nicht.", line.status_code))?
    };
    let Some(label) = line.status_label.as_deref() else {
        return Ok(code);
    };
    if label.eq_ignore_ascii_case(&options.status_label(&code)) || label == current.status_label {
        return Ok(code);
    }
    match by_label(label) {
        Some(from_label) if code == current.status_code => Ok(from_label),
        Some(_) => Err(format!(
            "„{}“ („{}“) und „{}“ („{label}“) widersprechen sich; ändern Sie nur eine der beiden Spalten.",
            column::STATUS_CODE,
            line.status_code,
            column::STATUS
        )),
        None => Err(format!("Den Status „{label}“ gibt es nicht.")),
    }
}

/// A line checked against its stored record.
enum Planned {
    Unchanged,
    Change(Box<RecordChange>, ImportLine),
    Failed(ImportLine),
}

/// Records written per transaction by an import that is not all or nothing (about a second's
/// work on SQLite at Thüringen scale).
const IMPORT_WRITE_CHUNK: usize = 5_000;

/// Checks and applies a status import for `user`.
pub async fn import_status(
    storage: &Storage,
    user: &CurrentUser,
    bytes: Vec<u8>,
    request: &ImportRequest,
) -> Result<ImportReport, AppError> {
    if !user.edits() {
        return Err(AppError::forbidden(
            "Ihre Rolle darf Umsetzungsstände nicht ändern und daher nichts importieren.",
        ));
    }
    if let Some(c) = &request.comment {
        if c.chars().count() > app::domain::MAX_COMMENT_LEN {
            return Err(AppError::Unprocessable(vec![format!(
                "Der Kommentar ist zu lang (höchstens {} Zeichen).",
                app::domain::MAX_COMMENT_LEN
            )]));
        }
    }
    let (kind, (lines, notes)) = table::read_in_background(bytes, read_lines).await?;
    let options = storage.edit_options().await?;
    let keys = storage.import_keys().await?;
    let resolved = resolve(storage, &keys, &lines).await?;
    let ids: Vec<i64> = {
        let mut ids: Vec<i64> = resolved
            .iter()
            .filter_map(|r| r.as_ref().ok().copied())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    };
    let records: HashMap<i64, RecordDetail> = storage
        .record_details(&ids)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();

    let now = Utc::now();
    let today = crate::editing::today();
    let mut seen: HashMap<i64, String> = HashMap::new();
    let mut report = ImportReport {
        file_kind: kind.label().to_owned(),
        dry_run: request.dry_run,
        all_or_nothing: request.all_or_nothing,
        lines_read: lines.len() as u64,
        notes,
        ..Default::default()
    };
    let mut planned = Vec::with_capacity(lines.len());
    for (line, id) in lines.into_iter().zip(resolved) {
        let plan = plan_line(
            line, id, &records, &mut seen, user, &options, request, now, today,
        );
        planned.push(plan);
    }

    let changes: Vec<RecordChange> = planned
        .iter()
        .filter_map(|p| match p {
            Planned::Change(change, _) => Some((**change).clone()),
            _ => None,
        })
        .collect();
    let failed = planned.iter().any(|p| matches!(p, Planned::Failed(_)));
    let blocked = request.all_or_nothing && failed;
    let write = !request.dry_run && !blocked && !changes.is_empty();
    let mut outcomes = if write {
        let outcomes = if request.all_or_nothing {
            storage
                .apply_changes_all_or_nothing(&options, &changes)
                .await?
        } else {
            // line by line anyway: written in transactions of a few thousand records, so
            // other editors wait for one of them (well under SQLite's 5 s busy timeout), not
            // for a whole Land's file; a cut-off import is taken up by sending the file
            // again (lines already written are unchanged)
            let mut outcomes = Vec::with_capacity(changes.len());
            for chunk in changes.chunks(IMPORT_WRITE_CHUNK) {
                outcomes.extend(storage.apply_changes_checked(&options, chunk).await?);
            }
            outcomes
        };
        report.written = outcomes
            .iter()
            .any(|o| matches!(o, ChangeOutcome::Applied { .. }));
        outcomes.into_iter()
    } else {
        Vec::new().into_iter()
    };
    for plan in planned {
        match plan {
            Planned::Unchanged => report.unchanged += 1,
            Planned::Failed(line) => {
                report.failed += 1;
                report.lines.push(line);
            }
            Planned::Change(_, mut line) => {
                match outcomes.next() {
                    None | Some(ChangeOutcome::Applied { .. }) => report.changed += 1,
                    Some(ChangeOutcome::Unchanged { .. }) => {
                        report.unchanged += 1;
                        continue;
                    }
                    Some(outcome) => {
                        line.errors.push(write_refusal(outcome));
                        report.failed += 1;
                    }
                }
                report.lines.push(line);
            }
        }
    }
    if !report.written && !request.dry_run && report.failed > 0 && request.all_or_nothing {
        // nothing was written: the lines that would have changed did not
        report.changed = 0;
    }
    Ok(report)
}

/// Why the write transaction refused a change the plan had accepted (someone saved in between).
fn write_refusal(outcome: ChangeOutcome) -> String {
    match outcome {
        ChangeOutcome::Stale { current_version } => format!(
            "Der Datensatz wurde während des Imports geändert (jetzt Version {current_version}); \
             bitte exportieren Sie neu."
        ),
        ChangeOutcome::Refused { reason } => reason,
        ChangeOutcome::NotFound => "Den Datensatz gibt es nicht mehr.".to_owned(),
        ChangeOutcome::Applied { .. } | ChangeOutcome::Unchanged { .. } => String::new(),
    }
}

/// The record each line names, or why it names none.
async fn resolve(
    storage: &Storage,
    keys: &ImportKeys,
    lines: &[Line],
) -> Result<Vec<Result<i64, String>>, AppError> {
    let unit_of = |code: &str| {
        keys.units.get(code).copied().or_else(|| {
            // Excel drops the leading zero of an AGS it took for a number (01001000 → 1001000)
            let digits = code.chars().all(|c| c.is_ascii_digit());
            (digits && matches!(code.len(), 7 | 11))
                .then(|| keys.units.get(&format!("0{code}")).copied())
                .flatten()
        })
    };
    let pairs: Vec<(i64, i64)> = lines
        .iter()
        .filter_map(|l| Some((l.ozg_id?, unit_of(&l.unit_code)?)))
        .collect();
    let found = storage.record_ids_by_key(&pairs).await?;
    Ok(lines
        .iter()
        .map(|l| {
            let ozg_id = l.ozg_id.ok_or_else(String::new)?;
            if !keys.services.contains(&ozg_id) {
                return Err(format!("Die OZG-ID {ozg_id} gibt es im Katalog nicht."));
            }
            let unit = unit_of(&l.unit_code).ok_or_else(|| {
                format!(
                    "Eine Einheit mit dem Schlüssel „{}“ gibt es nicht.",
                    l.unit_code
                )
            })?;
            let id = *found.get(&(ozg_id, unit)).ok_or_else(|| {
                format!(
                    "Für OZG-ID {ozg_id} und Einheit „{}“ gibt es keinen Umsetzungsstand \
                     (die Leistung liegt nicht in der Zuständigkeit dieser Einheit).",
                    l.unit_code
                )
            })?;
            match l.record {
                Some(record) if record != id => Err(format!(
                    "{} {record} passt nicht zu OZG-ID {ozg_id} und Einheit „{}“ (das ist \
                     Datensatz {id}).",
                    column::RECORD,
                    l.unit_code
                )),
                _ => Ok(id),
            }
        })
        .collect())
}

#[allow(clippy::too_many_arguments)]
fn plan_line(
    line: Line,
    id: Result<i64, String>,
    records: &HashMap<i64, RecordDetail>,
    seen: &mut HashMap<i64, String>,
    user: &CurrentUser,
    options: &EditOptions,
    request: &ImportRequest,
    now: chrono::DateTime<Utc>,
    today: NaiveDate,
) -> Planned {
    let mut report = ImportLine {
        position: line.position.clone(),
        errors: line.errors.clone(),
        ..Default::default()
    };
    let fail = |mut report: ImportLine, error: Option<String>| {
        report.errors.extend(error.filter(|e| !e.is_empty()));
        Planned::Failed(report)
    };
    let record = match id {
        Ok(id) => records.get(&id),
        Err(reason) => return fail(report, Some(reason)),
    };
    let Some(current) = record else {
        return fail(report, Some("Den Datensatz gibt es nicht mehr.".into()));
    };
    report.record_id = Some(current.id);
    report.label = Some(format!(
        "{} – {}",
        current.service_name, current.org_unit_name
    ));
    if let Some(first) = seen.insert(current.id, line.position.clone()) {
        return fail(
            report,
            Some(format!(
                "Der Datensatz steht schon in {first}; jede Zeile muss einen anderen nennen."
            )),
        );
    }
    if !report.errors.is_empty() {
        return Planned::Failed(report);
    }
    let status = match wanted_status(&line, current, options) {
        Ok(s) => s,
        Err(e) => return fail(report, Some(e)),
    };
    let old = current.values();
    let values = RecordValues {
        status,
        maturity: line.maturity.unwrap_or(old.maturity),
        planned_go_live: line.planned_go_live.unwrap_or(old.planned_go_live),
        actual_go_live: line.actual_go_live.unwrap_or(old.actual_go_live),
        online_url: line
            .online_url
            .clone()
            .unwrap_or_else(|| old.online_url.clone()),
        efa_solution: line
            .efa_solution
            .clone()
            .unwrap_or_else(|| old.efa_solution.clone()),
        note: line.note.clone().unwrap_or_else(|| old.note.clone()),
    };
    let patch = patch_between(&old, &values);
    if patch == Default::default() {
        return Planned::Unchanged;
    }
    report.changes = field_changes(&old, &patch, options);
    if !user.may_edit(current.org_unit_id, current.org_unit_parent_id) {
        return fail(
            report,
            Some(format!(
                "Sie dürfen die Umsetzungsstände von „{}“ nicht ändern.",
                current.org_unit_name
            )),
        );
    }
    let version = line.version.unwrap_or_default();
    if version != current.version {
        return fail(
            report,
            Some(format!(
                "Der Datensatz wurde seit dem Export geändert (Datei: Version {version}, \
                 gespeichert: Version {}). Bitte exportieren Sie neu und übertragen Sie Ihre \
                 Änderung.",
                current.version
            )),
        );
    }
    let comment = line
        .comment
        .clone()
        .or_else(|| request.comment.clone())
        .unwrap_or_else(|| DEFAULT_COMMENT.to_owned());
    // the default comment names the import, which is no reason for "nicht relevant"
    let reason = line.comment.as_deref().or(request.comment.as_deref());
    let errors = validate_change(
        &values,
        reason,
        &old,
        options,
        today,
        Locale::de,
        user.is_admin(),
    );
    if !errors.is_empty() {
        report
            .errors
            .extend(errors.iter().map(|e| e.describe(Locale::de)));
        return Planned::Failed(report);
    }
    let change = RecordChange {
        record_id: current.id,
        expected_version: current.version,
        patch,
        actor: user.actor(),
        user_id: Some(user.id),
        comment: Some(comment),
        occurred_at: now,
        is_demo: false,
    };
    Planned::Change(Box::new(change), report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// Whatever arrives, reading it answers (lines or a file error) and never panics.
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600), zip in any::<bool>()) {
            let bytes = if zip { [b"PK\x03\x04".as_slice(), &bytes].concat() } else { bytes };
            if let Ok((_, sheets)) = table::read(&bytes) {
                let _ = read_lines(&sheets);
            }
        }

        /// Text shaped like an export, with hostile cells: every line is read, and a line
        /// without errors has everything a change needs.
        #[test]
        fn export_shaped_text_is_read_line_by_line(
            rows in proptest::collection::vec(
                proptest::collection::vec("[-=+@'0-9a-zäöü;,\"\r\n .]{0,10}", 0..8),
                1..15,
            )
        ) {
            let mut text = "OZG-ID;Einheit (Schlüssel);Version;Status (Code);Reifegrad;Geplanter Start;Bemerkung\r\n".to_owned();
            for row in &rows {
                text.push_str(&row.join(";"));
                text.push_str("\r\n");
            }
            if let Ok((_, sheets)) = table::read(text.as_bytes()) {
                if let Ok((lines, _)) = read_lines(&sheets) {
                    for line in lines {
                        if line.errors.is_empty() {
                            prop_assert!(line.ozg_id.is_some() && line.version.is_some());
                            prop_assert!(!line.unit_code.is_empty() && !line.status_code.is_empty());
                        }
                    }
                }
            }
        }
    }

    fn header(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn the_export_header_fits() {
        let export: Vec<String> = crate::exports::COLUMNS
            .iter()
            .map(|(h, _)| (*h).to_owned())
            .collect();
        let columns = Columns::find(&export).unwrap();
        assert_eq!(columns.record, Some(0));
        assert_eq!(columns.status_code, 9);
        assert_eq!(columns.note, Some(16));
        assert_eq!(columns.comment, None);
        assert!(Columns::unknown(&export).is_empty());
    }

    #[test]
    fn missing_and_repeated_columns_are_named() {
        let errors = Columns::find(&header(&["OZG-ID", "Version", "version"])).unwrap_err();
        assert!(errors[0].contains("„version“ kommt mehrfach"), "{errors:?}");
        assert!(
            errors[1].contains("„Einheit (Schlüssel)“, „Status (Code)“"),
            "{errors:?}"
        );
        assert_eq!(
            Columns::unknown(&header(&["OZG-ID", "Bemerkungen", "Kommentar", "Leistung"])),
            ["Bemerkungen"]
        );
    }

    #[test]
    fn lines_read_typed_values_and_report_bad_ones() {
        let sheet = Sheet {
            name: None,
            header: header(&[
                "OZG-ID",
                "Einheit (Schlüssel)",
                "Version",
                "Status (Code)",
                "Reifegrad",
                "Geplanter Start",
                "Bemerkung",
            ]),
            rows: vec![
                Row {
                    line: 2,
                    cells: vec![
                        Value::Number(1234.0),
                        Value::Number(16_051_000.0),
                        Value::Text("3".into()),
                        Value::Text("online".into()),
                        Value::Empty,
                        Value::Text("31.12.2026".into()),
                        Value::Text("=x".into()),
                    ],
                },
                Row {
                    line: 3,
                    cells: vec![
                        Value::Text("12a".into()),
                        Value::Empty,
                        Value::Empty,
                        Value::Text("online".into()),
                        Value::Text("zwei".into()),
                        Value::Text("31.02.2026".into()),
                    ],
                },
            ],
        };
        let (lines, notes) = read_lines(&[sheet]).unwrap();
        assert!(notes.is_empty());
        let good = &lines[0];
        assert_eq!(good.errors, Vec::<String>::new());
        assert_eq!((good.ozg_id, good.version), (Some(1234), Some(3)));
        assert_eq!(good.unit_code, "16051000");
        assert_eq!(good.maturity, Some(None));
        assert_eq!(
            good.planned_go_live,
            Some(NaiveDate::from_ymd_opt(2026, 12, 31))
        );
        assert_eq!(good.note, Some(Some("=x".into())));
        // columns the file leaves out stay as they are
        assert_eq!(good.online_url, None);
        let bad = &lines[1];
        assert_eq!(bad.position, "Zeile 3");
        assert_eq!(bad.errors.len(), 5, "{:?}", bad.errors);
        assert!(bad
            .errors
            .iter()
            .any(|e| e.contains("OZG-ID: „12a“ ist keine ganze Zahl")));
        assert!(bad.errors.iter().any(|e| e.contains("Reifegrad: „zwei“")));
        assert!(bad.errors.iter().any(|e| e.starts_with("Geplanter Start:")));
        assert!(bad.errors.iter().any(|e| e.contains("Version fehlt")));
        assert!(bad
            .errors
            .iter()
            .any(|e| e.contains("Einheit (Schlüssel)“ fehlt")));
    }

    #[test]
    fn a_workbook_description_sheet_is_skipped_but_a_broken_data_sheet_is_not() {
        let info = Sheet {
            name: Some("Filter und Datenstand".into()),
            header: header(&["Filter", "alle"]),
            rows: Vec::new(),
        };
        let data = Sheet {
            name: Some("Umsetzungsstände".into()),
            header: header(&["OZG-ID", "Einheit (Schlüssel)", "Version", "Status (Code)"]),
            rows: Vec::new(),
        };
        assert!(read_lines(&[info.clone(), data.clone()]).is_ok());
        assert!(
            read_lines(std::slice::from_ref(&info)).unwrap_err()[0].contains("Es fehlen Spalten")
        );
        let broken = Sheet {
            header: header(&["OZG-ID", "Version"]),
            ..data
        };
        let errors = read_lines(&[info, broken]).unwrap_err();
        assert!(
            errors[0].starts_with("Blatt „Umsetzungsstände“: Es fehlen"),
            "{errors:?}"
        );
    }
}
