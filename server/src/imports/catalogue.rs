//! The catalogue import: a newer OZG catalogue (CSV or XLSX, one line per OZG-Leistung, the
//! columns of `reference-data/ozg/leistungen.csv` or their German headings) updates the
//! services. New ones are added with the records the responsibility rule asks for, changed
//! ones are updated, and catalogue services the file no longer lists become inactive — never
//! deleted, so their records and history stay. A dry run reports all of it; a catalogue is
//! taken whole or not at all.

use super::catalogue_plan::{change, named, too_many_dropped, Plan};
use super::headings::{column, read_sheets};
use super::leika;
use super::table::{self, Row, Sheet};
use crate::auth::action;
use crate::reference_data::{Lage, Service};
use crate::storage::{CatalogueWrite, NewRecordHistory, Storage, StoredCatalogue, StoredService};
use app::domain::{
    CatalogueImportReport, CatalogueKind, CatalogueLine, CurrentUser, ImportLine, LeikaTypes,
    OzgId, Responsibility,
};
use app::error::AppError;
use chrono::Utc;
use std::collections::HashMap;

/// What the importing administrator asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CatalogueRequest {
    pub dry_run: bool,
    /// Catalogue services missing from the file become inactive (a complete catalogue);
    /// `false` for a file that lists only some services.
    pub deactivate_missing: bool,
}

/// The columns, each with the headings it is known by (compared without case, spaces,
/// hyphens and underscores): the reference file's own and the German ones of the UI.
const OZG_ID: &[&str] = &["ozg_id", "OZG-ID"];
const NAME: &[&str] = &["ozg_leistung", "OZG-Leistung", "Leistung", "Bezeichnung"];
const LAGE: &[&str] = &["lage", "Lebenslage", "Lebens- und Geschäftslage"];
const THEMENFELD: &[&str] = &["themenfeld"];
const LEIKA_TYPES: &[&str] = &["leika_typen", "LeiKa-Typen", "LeiKa-Typ"];
/// Columns of the reference file the import does not need; not worth a note.
const INFORMATIONAL: &[&str] = &["anzahl_leika_leistungen", "sdg_relevant_anzahl"];

/// Where the columns are in one sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Columns {
    ozg_id: usize,
    name: usize,
    lage: usize,
    themenfeld: usize,
    leika_types: usize,
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
        let columns = Self {
            ozg_id: required("OZG-ID", OZG_ID),
            name: required("OZG-Leistung", NAME),
            lage: required("Lebenslage", LAGE),
            themenfeld: required("Themenfeld", THEMENFELD),
            leika_types: required("LeiKa-Typen", LEIKA_TYPES),
        };
        if errors.is_empty() {
            return Ok(columns);
        }
        errors.push(
            "Die Kopfzeile braucht die Spalten OZG-ID, OZG-Leistung, Lebenslage, Themenfeld \
             und LeiKa-Typen (oder ozg_id, ozg_leistung, lage, themenfeld, leika_typen wie \
             in der Katalogdatei leistungen.csv des OZG). Eine Liste von LeiKa-Leistungen \
             erkennt der Import an der Spalte LeiKa-Schlüssel (leika_schluessel)."
                .into(),
        );
        Err(errors)
    }
}

/// One data line as read.
#[derive(Debug, Clone, PartialEq)]
struct Line {
    position: String,
    ozg_id: Option<OzgId>,
    name: String,
    lage: String,
    themenfeld: String,
    leika_types: Option<LeikaTypes>,
    errors: Vec<String>,
}

fn read_line(sheet: &Sheet, columns: &Columns, row: &Row) -> Line {
    let mut errors = Vec::new();
    let text = |c: usize| row.get(c).text();
    let ozg_id = match row.get(columns.ozg_id) {
        v if v.is_empty() => {
            errors.push("Die OZG-ID fehlt.".to_owned());
            None
        }
        v => OzgId::parse(&v.text())
            .map_err(|e| errors.push(e.to_string()))
            .ok(),
    };
    let leika_types = LeikaTypes::parse(&text(columns.leika_types))
        .map_err(|e| errors.push(format!("LeiKa-Typen: {e}")))
        .ok();
    let name = named(&mut errors, "OZG-Leistung", text(columns.name));
    let lage = named(&mut errors, "Lebenslage", text(columns.lage));
    let themenfeld = named(&mut errors, "Themenfeld", text(columns.themenfeld));
    Line {
        position: sheet.position(row.line),
        ozg_id,
        name,
        lage,
        themenfeld,
        leika_types,
        errors,
    }
}

/// The headings the catalogue import knows.
const KNOWN: &[&[&str]] = &[OZG_ID, NAME, LAGE, THEMENFELD, LEIKA_TYPES, INFORMATIONAL];

/// Every data line of the file, with notes; or why the file cannot be a catalogue.
fn read_lines(sheets: &[Sheet]) -> Result<(Vec<Line>, Vec<String>), Vec<String>> {
    read_sheets(
        sheets,
        Columns::find,
        KNOWN,
        read_line,
        "Die Datei enthält keine Leistungen: ein Katalog braucht mindestens eine Zeile.",
    )
}

fn same_name(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

fn plan(lines: Vec<Line>, stored: &StoredCatalogue, request: CatalogueRequest) -> Plan {
    let mut plan = Plan::default();
    let report = &mut plan.report;
    report.lines_read = lines.len() as u64;
    let by_id: HashMap<i64, &StoredService> =
        stored.services.iter().map(|s| (s.ozg_id, s)).collect();
    let themenfeld_name = |id: i64| {
        stored
            .themenfelder
            .iter()
            .find(|(t, _)| *t == id)
            .map_or_else(|| id.to_string(), |(_, n)| n.clone())
    };
    let lage_name = |id: i64| {
        stored
            .lagen
            .iter()
            .find(|(l, _, _)| *l == id)
            .map_or_else(|| id.to_string(), |(_, n, _)| n.clone())
    };
    let mut next_lage = stored.lagen.iter().map(|l| l.0).max().unwrap_or(0) + 1;
    let mut seen: HashMap<OzgId, String> = HashMap::new();
    let mut kept_responsibility = 0;

    for mut line in lines {
        let themenfeld = stored.themenfelder.iter().find(|(id, name)| {
            same_name(name, &line.themenfeld) || line.themenfeld.trim() == id.to_string()
        });
        if themenfeld.is_none() && !line.themenfeld.is_empty() {
            line.errors.push(format!(
                "Das Themenfeld „{}“ gibt es nicht (es gibt: {}).",
                line.themenfeld,
                stored
                    .themenfelder
                    .iter()
                    .map(|(_, n)| n.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if let Some(id) = line.ozg_id {
            if let Some(first) = seen.get(&id) {
                line.errors
                    .push(format!("Die OZG-ID {id} steht schon in {first}."));
            } else {
                seen.insert(id, line.position.clone());
            }
        }
        let (Some(ozg_id), Some(leika_types), Some((themenfeld_id, _)), true) = (
            line.ozg_id,
            line.leika_types.clone(),
            themenfeld,
            line.errors.is_empty(),
        ) else {
            report.failed.push(ImportLine {
                label: line.ozg_id.map(|id| format!("{id} {}", line.name)),
                position: line.position,
                record_id: None,
                changes: Vec::new(),
                errors: line.errors,
            });
            continue;
        };
        let themenfeld_id = *themenfeld_id;
        // the Lebenslage of this Themenfeld, else one of that name elsewhere (the 2019
        // catalogue files a few services under another Themenfeld's Lage), else a new one
        let lage_id = stored
            .lagen
            .iter()
            .find(|(_, name, t)| same_name(name, &line.lage) && *t == themenfeld_id)
            .or_else(|| {
                stored
                    .lagen
                    .iter()
                    .find(|(_, name, _)| same_name(name, &line.lage))
            })
            .map(|l| l.0)
            .or_else(|| {
                plan.new_lagen
                    .iter()
                    .find(|l| same_name(&l.name, &line.lage) && l.themenfeld_id == themenfeld_id)
                    .map(|l| l.id)
            })
            .unwrap_or_else(|| {
                plan.new_lagen.push(Lage {
                    id: next_lage,
                    name: line.lage.trim().to_owned(),
                    themenfeld_id,
                });
                report.new_lagen.push(line.lage.trim().to_owned());
                next_lage += 1;
                next_lage - 1
            });
        let service = Service {
            ozg_id,
            name: line.name.trim().to_owned(),
            lage_id,
            themenfeld_id,
            responsibility: leika_types.default_responsibility(),
            lead_unit_code: None,
            leika_types,
        };
        let entry = |changes| CatalogueLine {
            position: Some(line.position.clone()),
            key: ozg_id.to_string(),
            ozg_id: Some(i64::from(ozg_id)),
            name: service.name.clone(),
            changes,
        };
        match by_id.get(&i64::from(ozg_id)) {
            None => {
                report.records_created += match service.responsibility {
                    Responsibility::Gemeinde => stored.gemeinden,
                    Responsibility::Verband => stored.verband_units,
                    Responsibility::Kreis => stored.kreise,
                    Responsibility::Bund => 1,
                    // the default rule never gives a Landesbehörde (it needs a named one)
                    Responsibility::Landesbehoerde => 0,
                    Responsibility::Ressort => {
                        i64::from(stored.themenfelder_with_lead.contains(&themenfeld_id))
                    }
                } as u64;
                report.added.push(entry(Vec::new()));
            }
            Some(old) => {
                let mut changes = Vec::new();
                if old.name != service.name {
                    changes.push(change(
                        "name",
                        "Name",
                        old.name.clone(),
                        service.name.clone(),
                    ));
                }
                if old.themenfeld_id != themenfeld_id {
                    changes.push(change(
                        "themenfeld",
                        "Themenfeld",
                        themenfeld_name(old.themenfeld_id),
                        themenfeld_name(themenfeld_id),
                    ));
                }
                if old.lage_id != lage_id {
                    let new = plan
                        .new_lagen
                        .iter()
                        .find(|l| l.id == lage_id)
                        .map_or_else(|| lage_name(lage_id), |l| format!("{} (neu)", l.name));
                    changes.push(change("lage", "Lebenslage", lage_name(old.lage_id), new));
                }
                let types = service.leika_types.to_string();
                if old.leika_types != types {
                    if old.responsibility != service.responsibility.code() {
                        kept_responsibility += 1;
                    }
                    changes.push(change(
                        "leika_types",
                        "LeiKa-Typen",
                        old.leika_types.clone(),
                        types,
                    ));
                }
                if !old.active {
                    changes.push(change("active", "Aktiv", "nein".into(), "ja".into()));
                }
                if changes.is_empty() {
                    report.unchanged += 1;
                } else {
                    report.changed.push(entry(changes));
                }
            }
        }
        plan.services.push(service);
    }

    if request.deactivate_missing {
        let listed: std::collections::HashSet<i64> = seen.keys().map(|id| i64::from(*id)).collect();
        report.deactivated = stored
            .services
            .iter()
            .filter(|s| s.active && s.source == "katalog" && !listed.contains(&s.ozg_id))
            .map(|s| CatalogueLine {
                position: None,
                key: s.ozg_id.to_string(),
                ozg_id: Some(s.ozg_id),
                name: s.name.clone(),
                changes: Vec::new(),
            })
            .collect();
    }
    if kept_responsibility > 0 {
        report.notes.push(format!(
            "Bei {kept_responsibility} Leistungen ändern sich die LeiKa-Typen so, dass die \
             Standardregel eine andere Zuständigkeit ergäbe. Die Zuständigkeit und die \
             Umsetzungsstände bleiben, wie sie sind."
        ));
    }
    if !report.failed.is_empty() {
        report.blocked.push(format!(
            "{} Zeilen haben Fehler. Ein Katalog wird nur vollständig übernommen: korrigieren \
             Sie die Zeilen und prüfen Sie erneut.",
            report.failed.len()
        ));
    }
    let active = stored
        .services
        .iter()
        .filter(|s| s.active && s.source == "katalog")
        .count();
    if let Some(reason) = too_many_dropped(
        report.deactivated.len(),
        active,
        "aktiven Leistungen deaktivieren",
    ) {
        report.blocked.push(reason);
    }
    plan
}

/// Checks and, unless it is a dry run or blocked, applies a catalogue import.
pub async fn import_catalogue(
    storage: &Storage,
    user: &CurrentUser,
    bytes: Vec<u8>,
    request: CatalogueRequest,
) -> Result<CatalogueImportReport, AppError> {
    if !user.is_admin() {
        return Err(AppError::forbidden(
            "Nur die Administration darf den Leistungskatalog importieren.",
        ));
    }
    enum Lines {
        Services(Vec<Line>),
        Leika(Vec<leika::Line>),
    }
    let (kind, (lines, notes)) = table::read_in_background(bytes, |sheets| {
        if sheets.iter().any(|s| leika::is_leika(&s.header)) {
            leika::read_lines(sheets).map(|(l, n)| (Lines::Leika(l), n))
        } else {
            read_lines(sheets).map(|(l, n)| (Lines::Services(l), n))
        }
    })
    .await?;
    let stored = storage.stored_catalogue().await?;
    let (
        catalogue,
        Plan {
            mut report,
            services,
            new_lagen,
            leika,
        },
    ) = match lines {
        Lines::Services(lines) => (CatalogueKind::Leistungen, plan(lines, &stored, request)),
        Lines::Leika(lines) => (
            CatalogueKind::Leika,
            leika::plan(lines, &stored, request.deactivate_missing),
        ),
    };
    report.catalogue = catalogue;
    report.dry_run = request.dry_run;
    report.deactivate_missing = request.deactivate_missing;
    report.file_kind = kind.label().to_owned();
    report.notes.splice(0..0, notes);

    let changes =
        !(report.added.is_empty() && report.changed.is_empty() && report.deactivated.is_empty());
    if request.dry_run || !report.blocked.is_empty() || !changes {
        return Ok(report);
    }
    let now = Utc::now();
    let mut imported = storage.catalogue_imported().await?.unwrap_or_default();
    imported.at = now;
    imported.by = user.actor();
    match catalogue {
        CatalogueKind::Leistungen => imported.services = services.len() as i64,
        CatalogueKind::Leika => imported.leika = Some(leika.len() as i64),
    }
    let imported = serde_json::to_string(&imported).map_err(|_| AppError::Internal)?;
    let written = storage
        .write_catalogue(
            &CatalogueWrite {
                lagen: &new_lagen,
                services: &services,
                leika: &leika,
                deactivate_missing: request.deactivate_missing
                    && catalogue == CatalogueKind::Leistungen,
                remove_missing_leika: request.deactivate_missing
                    && catalogue == CatalogueKind::Leika,
            },
            NewRecordHistory::From(now),
            Some(&imported),
        )
        .await?;
    report.written = true;
    report.records_created = written.records_created;
    let detail = match catalogue {
        CatalogueKind::Leistungen => format!(
            "Leistungen: {} neu, {} geändert, {} deaktiviert, {} Umsetzungsstände angelegt",
            report.added.len(),
            report.changed.len(),
            written.services_deactivated,
            written.records_created
        ),
        CatalogueKind::Leika => format!(
            "LeiKa-Leistungen: {} neu, {} geändert, {} entfernt",
            report.added.len(),
            report.changed.len(),
            report.deactivated.len()
        ),
    };
    crate::auth::audit_by(
        storage,
        user,
        action::CATALOGUE_IMPORTED,
        "Leistungskatalog",
        Some(&detail),
    )
    .await;
    tracing::info!(actor = %user.email, %detail, "catalogue imported");
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored() -> StoredCatalogue {
        let service =
            |ozg_id, name: &str, lage_id, themenfeld_id, types: &str, active| StoredService {
                ozg_id,
                name: name.into(),
                lage_id,
                themenfeld_id,
                leika_types: types.into(),
                responsibility: LeikaTypes::parse(types)
                    .unwrap()
                    .default_responsibility()
                    .code()
                    .into(),
                active,
                source: "katalog".into(),
            };
        StoredCatalogue {
            themenfelder: vec![(2, "Bauen & Wohnen".into()), (6, "Familie & Kind".into())],
            lagen: vec![(10, "Geburt".into(), 6), (20, "Bauen".into(), 2)],
            services: vec![
                service(10000, "Elterngeld", 10, 6, "2/3", true),
                service(10001, "Geburtsanzeige", 10, 6, "2/3", true),
                service(10002, "Baugenehmigung", 20, 2, "4", true),
                service(10003, "Altes", 20, 2, "1", false),
            ],
            leika: Vec::new(),
            themenfelder_with_lead: [2, 6].into(),
            gemeinden: 7,
            verband_units: 5,
            kreise: 2,
        }
    }

    fn sheet(rows: &[[&str; 5]]) -> Sheet {
        crate::imports::table::text_sheet(
            [
                "ozg_id",
                "ozg_leistung",
                "lage",
                "themenfeld",
                "leika_typen",
            ],
            rows,
        )
    }

    fn planned(rows: &[[&str; 5]], deactivate_missing: bool) -> Plan {
        let (lines, _) = read_lines(&[sheet(rows)]).unwrap();
        let mut plan = plan(
            lines,
            &stored(),
            CatalogueRequest {
                dry_run: true,
                deactivate_missing,
            },
        );
        plan.report.dry_run = true;
        plan
    }

    #[test]
    fn a_newer_catalogue_adds_changes_reactivates_and_deactivates() {
        let plan = planned(
            &[
                ["10000", "Elterngeld", "Geburt", "Familie & Kind", "2/3"],
                [
                    "10001",
                    "Geburtsanzeige (neu)",
                    "Geburt",
                    "Familie & Kind",
                    "2/3",
                ],
                ["10003", "Altes", "Bauen", "Bauen & Wohnen", "1"],
                ["10600", "Neue Leistung", "Pflege", "Familie & Kind", "4"],
                ["10601", "Noch eine", "Pflege", "6", "2/3"],
            ],
            true,
        );
        let r = &plan.report;
        assert_eq!(r.lines_read, 5);
        assert_eq!(r.unchanged, 1);
        assert_eq!(
            r.added.iter().map(|a| a.key.as_str()).collect::<Vec<_>>(),
            ["10600", "10601"]
        );
        assert_eq!(
            r.records_created,
            1 + 7,
            "one ministry record, every Gemeinde"
        );
        assert_eq!(r.changed.len(), 2);
        assert_eq!(r.changed[0].changes[0].old, "Geburtsanzeige");
        assert_eq!(r.changed[0].changes[0].new, "Geburtsanzeige (neu)");
        assert_eq!(r.changed[1].changes[0].label, "Aktiv");
        assert_eq!(
            r.deactivated.iter().map(|d| d.ozg_id).collect::<Vec<_>>(),
            [Some(10002)]
        );
        assert_eq!(r.new_lagen, ["Pflege"], "one new Lebenslage for both lines");
        assert_eq!(plan.new_lagen.len(), 1);
        assert_eq!(plan.new_lagen[0].id, 21);
        assert!(r.blocked.is_empty(), "{:?}", r.blocked);
        assert!(r.can_apply());
        assert_eq!(plan.services.len(), 5);
    }

    #[test]
    fn every_line_error_is_reported_and_blocks_the_whole_catalogue() {
        let plan = planned(
            &[
                ["10000", "Elterngeld", "Geburt", "Familie & Kind", "2/3"],
                ["1000x", "Kaputt", "Geburt", "Familie & Kind", "2/3"],
                ["10001", "", "Geburt", "Familie & Kind", "7"],
                ["10002", "Baugenehmigung", "Bauen", "Gibt es nicht", "4"],
                ["10000", "Doppelt", "Geburt", "Familie & Kind", "2/3"],
            ],
            false,
        );
        let r = &plan.report;
        let errors: Vec<String> = r.failed.iter().map(|f| f.errors.join(" | ")).collect();
        assert_eq!(r.failed.len(), 4, "{errors:?}");
        assert!(errors[0].contains("keine gültige OZG-ID"), "{errors:?}");
        assert!(errors[1].contains("„OZG-Leistung“ fehlt"), "{errors:?}");
        assert!(errors[1].contains("LeiKa-Typ"), "{errors:?}");
        assert!(
            errors[2].contains("Themenfeld „Gibt es nicht“"),
            "{errors:?}"
        );
        assert!(errors[3].contains("steht schon in Zeile 2"), "{errors:?}");
        assert_eq!(r.failed[3].position, "Zeile 6");
        assert!(!r.blocked.is_empty());
        assert!(!r.can_apply());
        assert!(
            r.deactivated.is_empty(),
            "partial file: nothing deactivated"
        );
    }

    #[test]
    fn a_file_that_drops_most_services_is_taken_for_a_partial_list() {
        let plan = planned(
            &[["10000", "Elterngeld", "Geburt", "Familie & Kind", "2/3"]],
            true,
        );
        assert_eq!(plan.report.deactivated.len(), 2);
        assert!(
            plan.report.blocked[0].contains("2 von 3 aktiven Leistungen"),
            "{:?}",
            plan.report.blocked
        );
        let partial = planned(
            &[["10000", "Elterngeld", "Geburt", "Familie & Kind", "2/3"]],
            false,
        );
        assert!(partial.report.blocked.is_empty());
        assert!(!partial.report.can_apply(), "nothing changes");
    }

    #[test]
    fn german_headings_and_missing_columns() {
        let header: Vec<String> = [
            "OZG-ID",
            "OZG-Leistung",
            "Lebenslage",
            "Themenfeld",
            "LeiKa Typen",
            "Notiz",
        ]
        .map(String::from)
        .to_vec();
        let columns = Columns::find(&header).unwrap();
        assert_eq!(columns.leika_types, 4);
        assert_eq!(
            crate::imports::headings::unknown(&header, KNOWN).collect::<Vec<_>>(),
            ["Notiz"]
        );
        let errors = Columns::find(&header[..2]).unwrap_err();
        assert!(errors[0].contains("Lebenslage"), "{errors:?}");
        let mut twice = header.clone();
        twice.push("ozg_id".into());
        assert!(Columns::find(&twice).unwrap_err()[0].contains("mehrfach"));
    }

    #[test]
    fn a_file_without_lines_is_refused() {
        let errors = read_lines(&[sheet(&[])]).unwrap_err();
        assert!(errors[0].contains("keine Leistungen"), "{errors:?}");
    }
}
