//! The LeiKa half of the catalogue import: a newer list of LeiKa-Leistungen (the columns of
//! `reference-data/ozg/leika_leistungen.csv` or their German headings) updates which
//! LeiKa-Leistungen each OZG-Leistung bundles — what the federal export lists per online
//! record. New ones are added, changed ones updated; with a complete list, ones it no longer
//! names are removed (they carry no history; the services and their records stay).

use super::catalogue_plan::{change, named, too_many_dropped, Plan};
use super::headings::{column, known_as, note_unknown, unknown};
use super::table::{Row, Sheet};
use crate::reference_data::LeikaService;
use crate::storage::{StoredCatalogue, StoredLeika};
use app::domain::{CatalogueLine, ImportLine, LeikaKey, LeikaTypes, OzgId};
use std::collections::{HashMap, HashSet};

const KEY: &[&str] = &["leika_schluessel", "LeiKa-Schlüssel", "Leistungsschlüssel"];
const NAME: &[&str] = &[
    "leika_bezeichnung",
    "LeiKa-Leistung",
    "LeiKa-Bezeichnung",
    "Bezeichnung",
];
const OZG_ID: &[&str] = &["ozg_id", "OZG-ID"];
const TYPE: &[&str] = &["leika_typ", "LeiKa-Typ"];
const LEGAL_BASIS: &[&str] = &["rechtsgrundlage", "Rechtsgrundlage"];
const SDG: &[&str] = &[
    "sdg1_relevant",
    "sdg2_relevant",
    "SDG-relevant",
    "sdg_relevant",
];
/// Columns of the reference file the import does not need; not worth a note.
const INFORMATIONAL: &[&str] = &["ozg_leistung", "OZG-Leistung", "gesetze", "gesetz_kuerzel"];

/// Whether a sheet lists LeiKa-Leistungen (it has a LeiKa-Schlüssel column).
pub(super) fn is_leika(header: &[String]) -> bool {
    header.iter().any(|h| known_as(h, KEY))
}

/// Where the columns are in one sheet; the optional ones may be missing.
struct Columns {
    key: usize,
    name: usize,
    ozg_id: usize,
    leika_type: usize,
    legal_basis: Option<usize>,
    sdg: Vec<usize>,
}

impl Columns {
    fn find(header: &[String]) -> Result<Self, Vec<String>> {
        let mut errors = Vec::new();
        let mut required = |label: &str, names: &[&str]| {
            column(header, label, names).unwrap_or_else(|e| {
                errors.push(e);
                0
            })
        };
        let key = required("LeiKa-Schlüssel", KEY);
        let name = required("LeiKa-Bezeichnung", NAME);
        let ozg_id = required("OZG-ID", OZG_ID);
        let leika_type = required("LeiKa-Typ", TYPE);
        if !errors.is_empty() {
            errors.push(
                "Eine LeiKa-Liste braucht die Spalten LeiKa-Schlüssel, LeiKa-Bezeichnung, OZG-ID \
                 und LeiKa-Typ (oder leika_schluessel, leika_bezeichnung, ozg_id, leika_typ wie \
                 in der Datei leika_leistungen.csv des OZG-Katalogs)."
                    .into(),
            );
            return Err(errors);
        }
        Ok(Self {
            key,
            name,
            ozg_id,
            leika_type,
            legal_basis: header.iter().position(|h| known_as(h, LEGAL_BASIS)),
            sdg: (0..header.len())
                .filter(|c| known_as(&header[*c], SDG))
                .collect(),
        })
    }
}

/// The headings the LeiKa import knows.
const KNOWN: &[&[&str]] = &[KEY, NAME, OZG_ID, TYPE, LEGAL_BASIS, SDG, INFORMATIONAL];

/// One data line: the LeiKa-Leistung it describes, or its errors.
pub(super) struct Line {
    position: String,
    entry: Option<LeikaService>,
    label: String,
    errors: Vec<String>,
}

fn flag(text: &str) -> Option<bool> {
    match text.trim().to_lowercase().as_str() {
        "" | "0" | "nein" | "false" | "n" => Some(false),
        "1" | "ja" | "true" | "j" | "x" => Some(true),
        _ => None,
    }
}

fn read_line(sheet: &Sheet, columns: &Columns, row: &Row) -> Line {
    let mut errors = Vec::new();
    let text = |c: usize| row.get(c).text();
    let key = LeikaKey::parse(&text(columns.key))
        .map_err(|e| errors.push(e.to_string()))
        .ok();
    let name = named(&mut errors, "LeiKa-Bezeichnung", text(columns.name));
    let ozg_id = match text(columns.ozg_id) {
        raw if raw.is_empty() => None,
        raw => OzgId::parse(&raw)
            .map_err(|e| errors.push(e.to_string()))
            .ok(),
    };
    let leika_type = text(columns.leika_type);
    if let Err(e) = LeikaTypes::parse(&leika_type) {
        errors.push(format!("LeiKa-Typ: {e}"));
    }
    let mut sdg_relevant = false;
    for c in &columns.sdg {
        match flag(&text(*c)) {
            Some(v) => sdg_relevant |= v,
            None => errors.push(format!(
                "SDG-Relevanz: „{}“ ist weder 1 noch 0 (ja/nein).",
                text(*c)
            )),
        }
    }
    let label = format!("{} {name}", text(columns.key));
    let entry = key.filter(|_| errors.is_empty()).map(|key| LeikaService {
        natural_key: LeikaService::natural_key(&key, ozg_id, &name),
        key,
        name,
        ozg_id,
        leika_type,
        legal_basis: columns.legal_basis.map(text).unwrap_or_default(),
        sdg_relevant,
    });
    Line {
        position: sheet.position(row.line),
        entry,
        label,
        errors,
    }
}

/// Every data line of the LeiKa sheets, with notes.
pub(super) fn read_lines(sheets: &[Sheet]) -> Result<(Vec<Line>, Vec<String>), Vec<String>> {
    let mut lines = Vec::new();
    let mut notes = Vec::new();
    for sheet in sheets.iter().filter(|s| is_leika(&s.header)) {
        let columns = Columns::find(&sheet.header)?;
        note_unknown(&mut notes, unknown(&sheet.header, KNOWN));
        lines.extend(sheet.rows.iter().map(|row| read_line(sheet, &columns, row)));
    }
    if lines.is_empty() {
        return Err(vec![
            "Die Datei enthält keine LeiKa-Leistungen: eine Liste braucht mindestens eine Zeile."
                .into(),
        ]);
    }
    Ok((lines, notes))
}

fn yes_no(v: bool) -> String {
    if v { "ja" } else { "nein" }.into()
}

fn or_none(id: Option<i64>) -> String {
    id.map_or_else(|| "keine".into(), |id| id.to_string())
}

/// What changes between a stored LeiKa-Leistung and the file's.
fn changes(old: &StoredLeika, new: &LeikaService) -> Vec<app::domain::FieldChange> {
    let mut out = Vec::new();
    if old.name != new.name {
        out.push(change(
            "name",
            "Bezeichnung",
            old.name.clone(),
            new.name.clone(),
        ));
    }
    let new_ozg = new.ozg_id.map(i64::from);
    if old.ozg_id != new_ozg {
        out.push(change(
            "ozg_id",
            "OZG-Leistung",
            or_none(old.ozg_id),
            or_none(new_ozg),
        ));
    }
    if old.leika_type != new.leika_type {
        out.push(change(
            "leika_type",
            "LeiKa-Typ",
            old.leika_type.clone(),
            new.leika_type.clone(),
        ));
    }
    if old.legal_basis != new.legal_basis {
        out.push(change(
            "legal_basis",
            "Rechtsgrundlage",
            old.legal_basis.clone(),
            new.legal_basis.clone(),
        ));
    }
    if old.sdg_relevant != new.sdg_relevant {
        out.push(change(
            "sdg",
            "SDG-relevant",
            yes_no(old.sdg_relevant),
            yes_no(new.sdg_relevant),
        ));
    }
    out
}

/// The file's LeiKa-Leistungen checked against the stored ones.
pub(super) fn plan(lines: Vec<Line>, stored: &StoredCatalogue, remove_missing: bool) -> Plan {
    let mut plan = Plan::default();
    let report = &mut plan.report;
    report.lines_read = lines.len() as u64;
    let services: HashSet<i64> = stored.services.iter().map(|s| s.ozg_id).collect();
    let by_key: HashMap<&str, &StoredLeika> = stored
        .leika
        .iter()
        .map(|l| (l.natural_key.as_str(), l))
        .collect();
    let mut seen: HashMap<String, (String, LeikaService)> = HashMap::new();
    let mut repeated = 0;
    for mut line in lines {
        if let Some(entry) = &line.entry {
            if let Some(id) = entry
                .ozg_id
                .filter(|id| !services.contains(&i64::from(*id)))
            {
                line.errors.push(format!(
                    "Die OZG-Leistung {id} gibt es nicht; importieren Sie zuerst den \
                     Leistungskatalog, der sie enthält."
                ));
            }
            if let Some((first, earlier)) = seen.get(&entry.natural_key) {
                if earlier == entry {
                    // the 2019 extract repeats one entry verbatim: harmless
                    repeated += 1;
                    continue;
                }
                if entry.key == LeikaKey::NotInLeika {
                    // entries without a key are told apart by name only; the 2019 extract
                    // has one twice with different SDG flags: the first counts, as in the seed
                    report.notes.push(format!(
                        "{} nennt „{}“ (nicht im LeiKa) wie {first}, aber mit anderen Angaben; \
                         übernommen wird {first}.",
                        line.position, entry.name
                    ));
                    continue;
                }
                line.errors.push(format!(
                    "Die LeiKa-Leistung {} steht schon in {first}, dort mit anderen Angaben.",
                    entry.key
                ));
            }
        }
        let Some(entry) = line.entry.filter(|_| line.errors.is_empty()) else {
            report.failed.push(ImportLine {
                position: line.position,
                record_id: None,
                label: Some(line.label),
                changes: Vec::new(),
                errors: line.errors,
            });
            continue;
        };
        seen.insert(
            entry.natural_key.clone(),
            (line.position.clone(), entry.clone()),
        );
        let summary = |changes| CatalogueLine {
            position: Some(line.position.clone()),
            key: entry.key.to_string(),
            ozg_id: entry.ozg_id.map(i64::from),
            name: entry.name.clone(),
            changes,
        };
        match by_key.get(entry.natural_key.as_str()) {
            None => report.added.push(summary(Vec::new())),
            Some(old) => match changes(old, &entry) {
                c if c.is_empty() => report.unchanged += 1,
                c => report.changed.push(summary(c)),
            },
        }
        plan.leika.push(entry);
    }
    if remove_missing {
        report.deactivated = stored
            .leika
            .iter()
            .filter(|l| !seen.contains_key(&l.natural_key))
            .map(|l| CatalogueLine {
                position: None,
                key: l
                    .leika_key
                    .clone()
                    .unwrap_or_else(|| LeikaKey::NotInLeika.to_string()),
                ozg_id: l.ozg_id,
                name: l.name.clone(),
                changes: Vec::new(),
            })
            .collect();
    }
    if repeated > 0 {
        report.notes.push(format!(
            "{repeated} Zeilen wiederholen eine frühere Zeile wörtlich und werden nur einmal gezählt."
        ));
    }
    if !report.failed.is_empty() {
        report.blocked.push(format!(
            "{} Zeilen haben Fehler. Eine LeiKa-Liste wird nur vollständig übernommen: \
             korrigieren Sie die Zeilen und prüfen Sie erneut.",
            report.failed.len()
        ));
    }
    if let Some(reason) = too_many_dropped(
        report.deactivated.len(),
        stored.leika.len(),
        "LeiKa-Leistungen entfernen",
    ) {
        report.blocked.push(reason);
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::StoredService;

    fn stored() -> StoredCatalogue {
        let leika = |key: &str, name: &str, ozg_id| StoredLeika {
            natural_key: key.into(),
            leika_key: Some(key.into()),
            name: name.into(),
            ozg_id,
            leika_type: "2/3".into(),
            legal_basis: String::new(),
            sdg_relevant: false,
        };
        StoredCatalogue {
            services: [10000, 10001]
                .map(|ozg_id| StoredService {
                    ozg_id,
                    name: "x".into(),
                    lage_id: 1,
                    themenfeld_id: 1,
                    leika_types: "2/3".into(),
                    responsibility: "gemeinde".into(),
                    active: true,
                    source: "katalog".into(),
                })
                .to_vec(),
            leika: vec![
                leika("99000000000001", "Elterngeld Bewilligung", Some(10000)),
                leika("99000000000002", "Elterngeld Auszahlung", Some(10000)),
                leika("99000000000003", "Vaterschaft", Some(10001)),
            ],
            ..Default::default()
        }
    }

    fn sheet(rows: &[[&str; 6]]) -> Sheet {
        crate::imports::table::text_sheet(
            [
                "leika_schluessel",
                "leika_bezeichnung",
                "ozg_id",
                "leika_typ",
                "rechtsgrundlage",
                "sdg1_relevant",
            ],
            rows,
        )
    }

    #[test]
    fn a_newer_list_adds_changes_and_removes() {
        let sheets = [sheet(&[
            [
                "99000000000001",
                "Elterngeld Bewilligung",
                "10000",
                "2/3",
                "",
                "0",
            ],
            [
                "99000000000002",
                "Elterngeld Auszahlung",
                "10001",
                "2/3",
                "§ 1 BEEG",
                "1",
            ],
            ["99000000000004", "Neu", "10001", "1, 2/3", "", "ja"],
            ["nicht im LeiKa", "Ohne Schlüssel", "", "", "", ""],
            ["nicht im LeiKa", "Ohne Schlüssel", "", "", "", ""],
        ])];
        let (lines, _) = read_lines(&sheets).unwrap();
        let plan = plan(lines, &stored(), true);
        let r = &plan.report;
        assert_eq!(r.unchanged, 1);
        assert_eq!(
            r.added.iter().map(|a| a.key.as_str()).collect::<Vec<_>>(),
            ["99000000000004", "nicht im LeiKa"]
        );
        let labels: Vec<&str> = r.changed[0]
            .changes
            .iter()
            .map(|c| c.label.as_str())
            .collect();
        assert_eq!(labels, ["OZG-Leistung", "Rechtsgrundlage", "SDG-relevant"]);
        assert_eq!(r.deactivated.len(), 1, "Vaterschaft is no longer listed");
        assert_eq!(r.notes.len(), 1, "the verbatim repetition is counted once");
        assert!(r.blocked.is_empty(), "{:?}", r.blocked);
        assert_eq!(plan.leika.len(), 4);
        assert_eq!(plan.leika[3].natural_key, "-:Ohne Schlüssel");
    }

    #[test]
    fn line_errors_block_the_list() {
        let sheets = [sheet(&[
            ["9900000000000", "Kurz", "10000", "2/3", "", "0"],
            ["99000000000001", "Elterngeld", "10999", "2/3", "", "0"],
            ["99000000000002", "", "10000", "7", "", "vielleicht"],
            ["99000000000003", "Vaterschaft", "10001", "2/3", "", "0"],
            [
                "99000000000003",
                "Vaterschaft (anders)",
                "10001",
                "2/3",
                "",
                "0",
            ],
        ])];
        let (lines, _) = read_lines(&sheets).unwrap();
        let r = plan(lines, &stored(), false).report;
        let errors: Vec<String> = r.failed.iter().map(|f| f.errors.join(" | ")).collect();
        assert_eq!(errors.len(), 4, "{errors:?}");
        assert!(errors[0].contains("14 Ziffern"), "{errors:?}");
        assert!(errors[1].contains("10999 gibt es nicht"), "{errors:?}");
        assert!(
            errors[2].contains("fehlt")
                && errors[2].contains("LeiKa-Typ")
                && errors[2].contains("SDG"),
            "{errors:?}"
        );
        assert!(errors[3].contains("steht schon in Zeile 5"), "{errors:?}");
        assert!(!r.blocked.is_empty());
    }
}
