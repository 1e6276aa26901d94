//! The import of the responsibility matrix (CSV or XLSX): one line per service with its level
//! and optionally its lead unit, confirmation and exceptions — the columns of
//! `reference-data/zustaendigkeiten.csv` and of the matrix export. A dry run says what would
//! change; taking it over changes every listed service in one transaction, or nothing when a
//! line has an error. Services the file does not list stay as they are.

use super::headings::{column, known_as, read_sheets};
use super::table::{self, Row, Sheet};
use crate::storage::{Storage, StorageError};
use app::domain::{
    CurrentUser, OrgUnitKind, OzgId, Responsibility, ResponsibilityChange,
    ResponsibilityImportReport, ResponsibilityLine, ServiceResponsibility,
};
use app::error::AppError;
use chrono::Utc;
use std::collections::{BTreeSet, HashMap};

const OZG_ID: &[&str] = &["ozg_id", "OZG-ID"];
const LEVEL: &[&str] = &["ebene", "Ebene", "level"];
const LEAD: &[&str] = &["federfuehrung", "Federführung", "lead_unit"];
const CONFIRMED: &[&str] = &["bestaetigt", "Bestätigt", "Bestätigung", "confirmed"];
const EXCEPTIONS: &[&str] = &["ausnahmen", "Ausnahmen", "exceptions"];
/// Columns of the shipped matrix and the export that are for people, not read.
const DESCRIPTIVE: &[&str] = &[
    "ozg_leistung",
    "OZG-Leistung",
    "Themenfeld",
    "gruppe",
    "begruendung",
    "Begründung",
    "Einträge",
];
const KNOWN: &[&[&str]] = &[OZG_ID, LEVEL, LEAD, CONFIRMED, EXCEPTIONS, DESCRIPTIVE];

struct Columns {
    ozg_id: usize,
    level: usize,
    lead: Option<usize>,
    confirmed: Option<usize>,
    exceptions: Option<usize>,
}

fn find(header: &[String]) -> Result<Columns, Vec<String>> {
    let optional = |names: &[&str]| (0..header.len()).find(|c| known_as(&header[*c], names));
    match (
        column(header, "ozg_id", OZG_ID),
        column(header, "ebene", LEVEL),
    ) {
        (Ok(ozg_id), Ok(level)) => Ok(Columns {
            ozg_id,
            level,
            lead: optional(LEAD),
            confirmed: optional(CONFIRMED),
            exceptions: optional(EXCEPTIONS),
        }),
        (a, b) => Err([a.err(), b.err()].into_iter().flatten().collect()),
    }
}

/// One line as read: the position and the service's change, or why it cannot be read.
struct Line {
    position: String,
    read: Result<(OzgId, ResponsibilityChange), Vec<String>>,
}

fn position(sheet: &Sheet, row: &Row) -> String {
    match &sheet.name {
        Some(name) => format!("Blatt „{name}“, Zeile {}", row.line),
        None => format!("Zeile {}", row.line),
    }
}

fn read_line(sheet: &Sheet, c: &Columns, row: &Row) -> Line {
    let mut errors = Vec::new();
    let ozg_id = OzgId::parse(&row.get(c.ozg_id).text())
        .map_err(|e| errors.push(e.0))
        .ok();
    let level_text = row.get(c.level).text().to_lowercase();
    let level = Responsibility::from_code(&level_text);
    if level.is_none() {
        errors.push(format!(
            "Unbekannte Ebene „{level_text}“ (erlaubt: bund, landesbehoerde, ressort, kreis, verband, gemeinde)."
        ));
    }
    let lead = c.lead.map(|i| row.get(i).text()).filter(|t| !t.is_empty());
    let confirmed = match c
        .confirmed
        .map(|i| row.get(i).text().to_lowercase())
        .as_deref()
    {
        None | Some("") => None,
        Some("ja" | "true" | "1" | "x" | "bestätigt") => Some(true),
        Some("nein" | "false" | "0" | "annahme") => Some(false),
        Some(other) => {
            errors.push(format!("„{other}“ in „bestaetigt“ ist weder ja noch nein."));
            None
        }
    };
    let exceptions = c.exceptions.map(|i| {
        row.get(i)
            .text()
            .split([';', ',', ' '])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect::<Vec<_>>()
    });
    let read = match (ozg_id, level, errors.is_empty()) {
        (Some(id), Some(level), true) => Ok((
            id,
            ResponsibilityChange {
                level: Some(level),
                lead_unit: lead.filter(|_| level.needs_lead_unit()),
                confirmed,
                exceptions,
            },
        )),
        _ => Err(errors),
    };
    Line {
        position: position(sheet, row),
        read,
    }
}

/// What `change` changes of `stored`, in German; empty when nothing.
fn differences(stored: &ServiceResponsibility, change: &ResponsibilityChange) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(level) = change.level.filter(|l| *l != stored.level) {
        out.push(format!("Ebene: {} → {}", stored.level.code(), level.code()));
    }
    let stored_lead = stored.lead_unit.as_ref().map(|u| u.code.as_str());
    if let Some(lead) = change
        .lead_unit
        .as_deref()
        .filter(|l| Some(*l) != stored_lead)
    {
        out.push(format!(
            "Federführung: {} → {lead}",
            stored_lead.unwrap_or("–")
        ));
    }
    if let Some(confirmed) = change.confirmed.filter(|c| *c != stored.confirmed) {
        out.push(
            if confirmed {
                "bestätigt"
            } else {
                "wieder Annahme"
            }
            .to_owned(),
        );
    }
    if let Some(codes) = &change.exceptions {
        let new: BTreeSet<&str> = codes.iter().map(String::as_str).collect();
        let old: BTreeSet<&str> = stored.exceptions.iter().map(|u| u.code.as_str()).collect();
        if new != old {
            out.push(format!(
                "Ausnahmen: {} → {}",
                join_or_dash(&old),
                join_or_dash(&new)
            ));
        }
    }
    out
}

fn join_or_dash(codes: &BTreeSet<&str>) -> String {
    if codes.is_empty() {
        "–".to_owned()
    } else {
        codes.iter().copied().collect::<Vec<_>>().join(", ")
    }
}

/// Checks and, unless it is a dry run or a line has an error, applies a matrix import.
pub async fn import_responsibilities(
    storage: &Storage,
    user: &CurrentUser,
    bytes: Vec<u8>,
    dry_run: bool,
) -> Result<ResponsibilityImportReport, AppError> {
    crate::responsibility::require_admin(user)?;
    let (kind, (lines, _notes)) = table::read_in_background(bytes, |sheets| {
        read_sheets(
            sheets,
            find,
            KNOWN,
            read_line,
            "Die Datei enthält keine Zeile mit einer Zuständigkeit.",
        )
    })
    .await?;
    let stored: HashMap<OzgId, ServiceResponsibility> = storage
        .responsibilities()
        .await?
        .into_iter()
        .map(|s| (s.ozg_id, s))
        .collect();
    let mut report = ResponsibilityImportReport {
        file_kind: kind.label().to_owned(),
        dry_run,
        lines_read: lines.len() as u64,
        ..Default::default()
    };
    // lead units are checked here, so an unknown one is reported with its line
    let lead_units: HashMap<String, OrgUnitKind> = storage
        .lead_units()
        .await?
        .into_iter()
        .map(|u| (u.code, u.kind))
        .collect();
    let mut changes = Vec::new();
    let mut seen = BTreeSet::new();
    for line in lines {
        let failed = |ozg_id, errors| ResponsibilityLine {
            position: line.position.clone(),
            ozg_id,
            changes: Vec::new(),
            errors,
        };
        match line.read {
            Err(errors) => report.failed.push(failed(None, errors)),
            Ok((id, _)) if !seen.insert(id) => report.failed.push(failed(
                Some(id),
                vec![format!(
                    "Die OZG-Leistung {id} steht mehrfach in der Datei."
                )],
            )),
            Ok((id, change))
                if change.lead_unit.as_ref().is_some_and(|code| {
                    lead_units.get(code).copied()
                        != change.level.and_then(Responsibility::lead_unit_kind)
                }) =>
            {
                let (code, level) = (
                    change.lead_unit.unwrap_or_default(),
                    change.level.map_or("", Responsibility::code),
                );
                report.failed.push(failed(
                    Some(id),
                    vec![format!(
                        "„{code}“ ist keine bestehende Einheit der Art „{level}“."
                    )],
                ));
            }
            Ok((id, change)) => match stored.get(&id) {
                None => report.failed.push(failed(
                    Some(id),
                    vec![format!("Eine aktive OZG-Leistung {id} gibt es nicht.")],
                )),
                Some(s) => {
                    let what = differences(s, &change);
                    if what.is_empty() {
                        report.unchanged += 1;
                    } else {
                        report.changed.push(ResponsibilityLine {
                            position: line.position.clone(),
                            ozg_id: Some(id),
                            changes: what,
                            errors: Vec::new(),
                        });
                        changes.push((id, change));
                    }
                }
            },
        }
    }
    if !report.failed.is_empty() || changes.is_empty() {
        return Ok(report);
    }
    let outcomes = match storage
        .change_responsibilities(&changes, Utc::now(), &user.actor(), dry_run)
        .await
    {
        Ok(o) => o,
        // a lead unit or exception that does not exist or fit: the file's content
        Err(StorageError::Invalid(message)) => {
            report.failed.push(ResponsibilityLine {
                position: "Datei".into(),
                ozg_id: None,
                changes: Vec::new(),
                errors: vec![message],
            });
            return Ok(report);
        }
        Err(e) => return Err(e.into()),
    };
    for o in &outcomes {
        report.records_created += o.records_created;
        report.records_closed += o.records_closed;
        report.records_reopened += o.records_reopened;
    }
    report.figures_before = outcomes.first().map(|o| o.figures_before);
    report.figures_after = outcomes.last().map(|o| o.figures_after);
    report.written = !dry_run;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::imports::table::text_sheet;

    fn lines(sheet: &Sheet) -> Vec<Line> {
        let c = find(&sheet.header).unwrap();
        sheet.rows.iter().map(|r| read_line(sheet, &c, r)).collect()
    }

    #[test]
    fn the_shipped_columns_and_the_export_headings_are_read() {
        let sheet = text_sheet(
            [
                "OZG-ID",
                "OZG-Leistung",
                "Ebene",
                "Federführung",
                "Bestätigt",
                "Ausnahmen",
            ],
            &[
                ["10092", "Wohngeld", "Kreis", "", "ja", "16068051; 16051000"],
                ["10060", "Hochschulzulassung", "ressort", "TMBWK", "", ""],
            ],
        );
        let read = lines(&sheet);
        let (id, change) = read[0].read.as_ref().unwrap();
        assert_eq!(id.get(), 10092);
        assert_eq!(change.level, Some(Responsibility::Kreis));
        assert_eq!(change.confirmed, Some(true));
        assert_eq!(
            change.exceptions.as_deref(),
            Some(&["16068051".to_owned(), "16051000".to_owned()][..])
        );
        let (_, change) = read[1].read.as_ref().unwrap();
        assert_eq!(change.lead_unit.as_deref(), Some("TMBWK"));
        assert_eq!(change.confirmed, None, "empty: kept");
        assert_eq!(change.exceptions.as_deref(), Some(&[][..]), "empty: none");
    }

    #[test]
    fn the_shipped_matrix_reads_as_an_import() {
        // how a database from before the matrix gets it: the file itself, imported
        let bytes = include_bytes!("../../../reference-data/zustaendigkeiten.csv");
        let (_, sheets) = table::read(bytes).unwrap();
        let read = lines(&sheets[0]);
        assert_eq!(read.len(), 557);
        for line in &read {
            let (_, change) = line
                .read
                .as_ref()
                .unwrap_or_else(|e| panic!("{}: {e:?}", line.position));
            assert!(change.level.is_some());
            assert_eq!(change.confirmed, None, "no column: kept");
            assert_eq!(change.exceptions, None, "no column: kept");
        }
    }

    #[test]
    fn bad_cells_are_reported_with_their_line() {
        let sheet = text_sheet(
            ["ozg_id", "ebene", "bestaetigt"],
            &[["1009x", "bezirk", "vielleicht"]],
        );
        let read = lines(&sheet);
        let errors = read[0].read.as_ref().err().unwrap();
        assert_eq!(read[0].position, "Zeile 2");
        assert_eq!(errors.len(), 3, "{errors:?}");
        assert!(errors[1].contains("bezirk"));
    }

    #[test]
    fn a_file_without_the_level_column_is_refused() {
        let sheet = text_sheet(["ozg_id", "name"], &[["10092", "Wohngeld"]]);
        assert_eq!(
            find(&sheet.header).err().unwrap(),
            vec!["Es fehlt die Spalte „ebene“.".to_owned()]
        );
    }
}
