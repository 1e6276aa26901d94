//! Round trips through LibreOffice Calc, the spreadsheet of every coordinator without Excel:
//! each export the app writes for a unit is opened by LibreOffice (headless, a German
//! user's settings), edited as a person would, saved again in its own format and imported,
//! which must change exactly those edits and nothing else. The edits are the ones that broke
//! before: a note starting with "+", a date LibreOffice writes back as `31.12.27`, a note with
//! a comma and a line break. Needs Debian's libreoffice-calc-nogui and python3-uno
//! (`scripts/setup.sh --test`): under CI their absence fails the tests.

mod support;

use serde_json::{json, Value};
use std::collections::HashMap;
use std::process::Command;
use support::import_fixture::*;
use support::unique_suffix;

/// Debian's Python, which has LibreOffice's UNO bridge (python3-uno), not a virtualenv's.
const UNO_PYTHON: &str = "/usr/bin/python3";

const UNIT: &str = "16051";

/// Whether LibreOffice can be driven here; under CI it must be.
fn libreoffice_available() -> bool {
    let uno = Command::new(UNO_PYTHON)
        .args(["-c", "import uno"])
        .output()
        .is_ok_and(|o| o.status.success());
    let office = Command::new("soffice")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !(uno && office) {
        assert!(
            std::env::var_os("CI").is_none(),
            "LibreOffice Calc and python3-uno are required under CI (scripts/setup.sh --test installs them)"
        );
        eprintln!(
            "skipped: LibreOffice Calc or python3-uno is not installed (scripts/setup.sh --test)"
        );
    }
    uno && office
}

/// `file` opened by LibreOffice, `edits` applied (see tests/libreoffice/edit.py), saved
/// again as `format`: the saved bytes.
async fn through_libreoffice(file: Vec<u8>, format: &'static str, edits: Value) -> Vec<u8> {
    tokio::task::spawn_blocking(move || {
        let dir = std::env::temp_dir().join(format!("ozg-libreoffice-{}", unique_suffix()));
        std::fs::create_dir_all(&dir).unwrap();
        let extension = if format == "xlsx" { "xlsx" } else { "csv" };
        let (source, target) = (
            dir.join(format!("export.{extension}")),
            dir.join(format!("saved.{extension}")),
        );
        std::fs::write(&source, file).unwrap();
        let out = Command::new(UNO_PYTHON)
            .arg(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/libreoffice/edit.py"
            ))
            .arg(&source)
            .arg(&target)
            .arg(format)
            .arg(edits.to_string())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "LibreOffice: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let saved = std::fs::read(&target).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        saved
    })
    .await
    .unwrap()
}

/// One column's expected value after the import, by record id.
type Expected = Vec<(String, &'static str, &'static str)>;

/// Exports the unit's records in `path`'s format, lets LibreOffice apply `edits` to the
/// first three records (given their ids), imports the saved file and checks that the stored
/// records differ from before in exactly `expected`.
async fn round_trip(
    path: &str,
    format: &'static str,
    content_type: &str,
    edits: impl Fn(&[String]) -> (Value, Expected),
) {
    if !libreoffice_available() {
        return;
    }
    let f = fixture().await;
    let before = f.export(&format!("org_unit={UNIT}")).await;
    let id = column(&before, "Datensatz");
    let ids: Vec<String> = before[1..4].iter().map(|r| r[id].clone()).collect();
    let (edits, expected) = edits(&ids);

    let saved = through_libreoffice(f.download(path).await, format, edits).await;
    let (code, report) = f
        .import(&f.admin, "dry_run=false", saved, content_type)
        .await;
    assert_eq!(code, 200, "{report}");
    assert_eq!(
        (report["changed"].as_u64(), report["failed"].as_u64()),
        (Some(3), Some(0)),
        "{report}"
    );

    let after = f.export(&format!("org_unit={UNIT}")).await;
    assert_eq!(after.len(), before.len());
    let by_id: HashMap<&str, &Vec<String>> =
        after[1..].iter().map(|r| (r[id].as_str(), r)).collect();
    // what moves with every change: the version, the time, and a status's label with its code
    let moving = ["Version", "Zuletzt geändert (UTC)", "Status"].map(|c| column(&before, c));
    for old in &before[1..] {
        let new = by_id[old[id].as_str()];
        let changed: Vec<(&str, &str)> = (0..old.len())
            .filter(|c| old[*c] != new[*c] && !moving.contains(c))
            .map(|c| (before[0][c].as_str(), new[c].as_str()))
            .collect();
        let wanted: Vec<(&str, &str)> = expected
            .iter()
            .filter(|(record, _, _)| *record == old[id])
            .map(|(_, column, value)| (*column, *value))
            .collect();
        assert_eq!(changed, wanted, "record {}", old[id]);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_workbook_saved_by_libreoffice_imports_exactly_its_edits() {
    round_trip(
        &format!("/api/v1/records.xlsx?org_unit={UNIT}"),
        "xlsx",
        XLSX,
        |ids| {
            (
                json!([
                    {"record": ids[0], "column": "Status (Code)", "text": "in_umsetzung"},
                    // typed text that looks like a formula stays text in the workbook
                    {"record": ids[1], "column": "Bemerkung", "text": "+49 361 655-0 (Bürgerservice)"},
                    {"record": ids[2], "column": "Geplanter Start", "date": "2027-12-31", "format": "TT.MM.JJJJ"},
                ]),
                vec![
                    (ids[0].clone(), "Status (Code)", "in_umsetzung"),
                    // the German CSV the check reads writes it with its apostrophe
                    (ids[1].clone(), "Bemerkung", "'+49 361 655-0 (Bürgerservice)"),
                    (ids[2].clone(), "Geplanter Start", "31.12.2027"),
                ],
            )
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_german_csv_saved_by_libreoffice_imports_exactly_its_edits() {
    round_trip(
        &format!("/api/v1/records.csv?org_unit={UNIT}"),
        "csv-excel",
        CSV,
        |ids| {
            (
                json!([
                    // the readable label, as a person changes it
                    {"record": ids[0], "column": "Status", "text": "in Planung"},
                    {"record": ids[1], "column": "Bemerkung", "text": "Termin verschoben,\nsiehe Protokoll"},
                    // shown, and so saved, as 31.12.27
                    {"record": ids[2], "column": "Geplanter Start", "date": "2027-12-31", "format": "TT.MM.JJ"},
                ]),
                vec![
                    (ids[0].clone(), "Status (Code)", "in_planung"),
                    (ids[1].clone(), "Bemerkung", "Termin verschoben,\nsiehe Protokoll"),
                    (ids[2].clone(), "Geplanter Start", "31.12.2027"),
                ],
            )
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rfc4180_csv_saved_by_libreoffice_imports_exactly_its_edits() {
    round_trip(
        &format!("/api/v1/records.csv?org_unit={UNIT}&dialect=rfc4180"),
        "csv-rfc4180",
        CSV,
        |ids| {
            (
                json!([
                    {"record": ids[0], "column": "Status (Code)", "text": "in_planung"},
                    {"record": ids[1], "column": "Bemerkung", "text": "Abstimmung mit KIV, \"Stufe 2\""},
                    {"record": ids[2], "column": "Geplanter Start", "date": "2027-12-31", "format": "JJJJ-MM-TT"},
                ]),
                vec![
                    (ids[0].clone(), "Status (Code)", "in_planung"),
                    (ids[1].clone(), "Bemerkung", "Abstimmung mit KIV, \"Stufe 2\""),
                    (ids[2].clone(), "Geplanter Start", "31.12.2027"),
                ],
            )
        },
    )
    .await;
}
