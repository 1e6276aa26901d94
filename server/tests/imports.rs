//! Imports over HTTP. The status import: export → edit → dry run → apply → export round trips
//! for CSV and XLSX, every kind of line error, all or nothing, permissions, and malformed files
//! that must change nothing. The catalogue import: a newer catalogue file is checked, then
//! taken over whole; partial or broken files change nothing. The org-unit import: a newer
//! Gemeindeverzeichnis with a merger likewise.

mod support;

use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use reqwest::StatusCode;
use serde_json::Value;
use std::io::Cursor;
use support::import_fixture::*;
use support::*;

/// Rows written back as German Excel would save them: `;`, BOM, CRLF.
fn german_csv(rows: &[Vec<String>]) -> Vec<u8> {
    let mut writer = csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(csv::Terminator::CRLF)
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    for row in rows {
        writer.write_record(row).unwrap();
    }
    writer.into_inner().unwrap()
}

fn lines(report: &Value) -> &Vec<Value> {
    report["lines"].as_array().unwrap()
}

fn errors_of(line: &Value) -> String {
    line["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_str().unwrap())
        .collect::<Vec<_>>()
        .join(" | ")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn csv_round_trip_changes_exactly_the_edited_cells() {
    let f = fixture().await;
    let before = f.export("org_unit=16051").await;
    assert!(before.len() > 3);
    let (status, label, maturity, planned, note, version) = (
        column(&before, "Status"),
        column(&before, "Status (Code)"),
        column(&before, "Reifegrad"),
        column(&before, "Geplanter Start"),
        column(&before, "Bemerkung"),
        column(&before, "Version"),
    );
    let mut edited = before.clone();
    // a person changes the status's label (not its code), as they would in Excel
    edited[1][status] = "in Planung".into();
    edited[2][maturity] = "2".into();
    edited[2][planned] = "31.12.2027".into();
    // text that would be a formula is typed with an apostrophe, as the export writes it
    edited[2][note] = "'=HYPERLINK(\"x\")".into();
    let file = german_csv(&edited);

    let (code, report) = f.import(&f.admin, "dry_run=true", file.clone(), CSV).await;
    assert_eq!(code, 200, "{report}");
    assert_eq!(
        report["file_kind"], "CSV, UTF-8 mit BOM",
        "the export is UTF-8 with BOM"
    );
    assert_eq!(report["dry_run"], true);
    assert_eq!(report["written"], false);
    assert_eq!(report["changed"], 2, "{report}");
    assert_eq!(report["failed"], 0, "{report}");
    assert_eq!(report["unchanged"], before.len() as u64 - 3);
    let first = &lines(&report)[0];
    assert_eq!(first["position"], "Zeile 2");
    assert_eq!(first["changes"][0]["old"], "nicht begonnen");
    assert_eq!(first["changes"][0]["new"], "in Planung");
    let second: Vec<(&str, &str)> = lines(&report)[1]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["field"].as_str().unwrap(), c["new"].as_str().unwrap()))
        .collect();
    assert_eq!(second.len(), 3, "{second:?}");
    assert_eq!(second[0].0, "maturity");
    assert!(second[0].1.starts_with("2 – "), "{second:?}");
    assert_eq!(second[1], ("planned_go_live", "31.12.2027"));
    assert_eq!(second[2], ("note", "=HYPERLINK(\"x\")"));
    // a dry run writes nothing
    assert_eq!(f.export("org_unit=16051").await, before);

    let (code, report) = f.import(&f.admin, "dry_run=false", file, CSV).await;
    assert_eq!(code, 200, "{report}");
    assert_eq!(report["written"], true);
    assert_eq!(report["changed"], 2);
    let after = f.export("org_unit=16051").await;
    assert_eq!(after.len(), before.len());
    let updated = column(&before, "Zuletzt geändert (UTC)");
    for (i, (old, new)) in before.iter().zip(&after).enumerate() {
        // the change time has minute resolution: it may equal the seeding's
        let differing: Vec<usize> = (0..old.len())
            .filter(|c| old[*c] != new[*c] && *c != updated)
            .collect();
        match i {
            1 => assert_eq!(differing, [version, label, status]),
            2 => assert_eq!(differing, [version, maturity, planned, note]),
            _ => assert!(differing.is_empty(), "line {i} changed: {differing:?}"),
        }
    }
    assert_eq!(after[1][label], "in_planung");
    assert_eq!(after[1][version], "2");
    assert_eq!(after[2][note], "'=HYPERLINK(\"x\")");
    // one event per record, attributed to the importing user
    let history = f
        .json(&format!("/api/v1/records/{}/history", after[2][0]))
        .await;
    let events = history.as_array().unwrap();
    assert_eq!(events.len(), 1);
    assert!(events[0]["actor"]
        .as_str()
        .unwrap()
        .contains("ada@example.org"));
    assert_eq!(events[0]["comment"], "Statusimport aus einer Tabellendatei");
    assert_eq!(events[0]["changes"].as_array().unwrap().len(), 3);
    // importing the same file again changes nothing: its versions are now stale, but its
    // lines equal the stored records
    let (_, again) = f
        .import(&f.admin, "dry_run=false", german_csv(&after), CSV)
        .await;
    assert_eq!(
        (again["changed"].as_u64(), again["failed"].as_u64()),
        (Some(0), Some(0))
    );
}

/// The cells of every sheet of a workbook, as calamine reads them.
fn read_workbook(bytes: &[u8]) -> Vec<(String, Vec<Vec<Data>>)> {
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.to_vec())).unwrap();
    wb.sheet_names()
        .into_iter()
        .map(|name| {
            let range = wb.worksheet_range(&name).unwrap();
            let rows = range.rows().map(<[Data]>::to_vec).collect();
            (name, rows)
        })
        .collect()
}

/// A workbook with the given sheets, as Excel would save it after editing.
fn write_workbook(
    sheets: &[(String, Vec<Vec<Data>>)],
    formula: Option<(u32, u16, &str)>,
) -> Vec<u8> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut wb = Workbook::new();
    let date = Format::new().set_num_format("dd.mm.yyyy");
    for (name, rows) in sheets {
        let ws = wb.add_worksheet().set_name(name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                let written = match cell {
                    Data::String(s) => ws.write_string(r, c, s),
                    Data::Float(n) => ws.write_number(r, c, *n),
                    Data::Int(n) => ws.write_number(r, c, *n as f64),
                    Data::DateTime(d) => {
                        let value = ExcelDateTime::from_serial_datetime(d.as_f64()).unwrap();
                        ws.write_datetime_with_format(r, c, value, &date)
                    }
                    _ => continue,
                };
                written.unwrap();
            }
        }
        if let Some((r, c, f)) = formula {
            ws.write_formula(r, c, f).unwrap();
        }
    }
    wb.save_to_buffer().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn xlsx_round_trip_with_a_sheet_per_themenfeld() {
    let f = fixture().await;
    let mut sheets = read_workbook(
        &f.download("/api/v1/records.xlsx?org_unit=16068&blaetter=themenfeld")
            .await,
    );
    assert!(
        sheets.len() > 2,
        "a description sheet and several Themenfeld sheets"
    );
    assert_eq!(sheets[0].0, "Filter und Datenstand");
    let header: Vec<String> = sheets[1].1[0]
        .iter()
        .map(std::string::ToString::to_string)
        .collect();
    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (status, planned, id) = (at("Status (Code)"), at("Geplanter Start"), at("Datensatz"));
    let record = sheets[1].1[1][id].to_string();
    sheets[1].1[1][status] = Data::String("in_umsetzung".into());
    // a real date cell, as Excel stores a typed date (46387 = 31.12.2026)
    sheets[1].1[1][planned] = Data::DateTime(calamine::ExcelDateTime::new(
        46387.0,
        calamine::ExcelDateTimeType::DateTime,
        false,
    ));
    let file = write_workbook(&sheets, None);

    let (code, report) = f.import(&f.admin, "dry_run=true", file.clone(), XLSX).await;
    assert_eq!(code, 200, "{report}");
    assert_eq!(report["file_kind"], "XLSX");
    assert_eq!(report["changed"], 1, "{report}");
    let line = &lines(&report)[0];
    assert_eq!(
        line["position"],
        format!("Blatt „{}“, Zeile 2", sheets[1].0)
    );
    assert_eq!(line["record_id"].to_string(), record);

    let (code, report) = f
        .import(&f.admin, "dry_run=false&all_or_nothing=true", file, XLSX)
        .await;
    assert_eq!(
        (code, report["written"].as_bool()),
        (200, Some(true)),
        "{report}"
    );
    let stored = f.json(&format!("/api/v1/records/{record}")).await;
    assert_eq!(stored["status_code"], "in_umsetzung");
    assert_eq!(stored["planned_go_live"], "2026-12-31");
    assert_eq!(stored["version"], 2);

    // a formula anywhere refuses the whole workbook, naming the cell
    let with_formula = write_workbook(&sheets, Some((5, 3, "=HYPERLINK(\"http://example.org\")")));
    let (code, body) = f.import(&f.admin, "dry_run=true", with_formula, XLSX).await;
    assert_eq!(code, 422, "{body}");
    let details = body["error"]["details"].to_string();
    assert!(details.contains("Formeln"), "{details}");
    assert!(details.contains("Zelle D6"), "{details}");
}

/// A minimal file in the export's required columns (and a planned date).
fn minimal_csv(lines: &[[&str; 5]]) -> Vec<u8> {
    let mut rows = vec![vec![
        "OZG-ID".to_owned(),
        "Einheit (Schlüssel)".into(),
        "Version".into(),
        "Status (Code)".into(),
        "Geplanter Start".into(),
    ]];
    rows.extend(
        lines
            .iter()
            .map(|l| l.iter().map(|c| (*c).to_owned()).collect()),
    );
    german_csv(&rows)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_line_error_is_reported_and_all_or_nothing_writes_nothing() {
    let f = fixture().await;
    let rows = f.export("org_unit=16068").await;
    let (ozg, unit) = (
        column(&rows, "OZG-ID"),
        column(&rows, "Einheit (Schlüssel)"),
    );
    let key = |i: usize| (rows[i][ozg].clone(), rows[i][unit].clone());
    let ((o1, u1), (o2, u2), (o3, u3), (o4, u4)) = (key(1), key(2), key(3), key(4));
    let file = minimal_csv(&[
        [&o1, &u1, "1", "in_planung", ""],
        [&o2, &u2, "7", "in_planung", ""],
        ["999999", &u1, "1", "in_planung", ""],
        [&o1, "99999999", "1", "in_planung", ""],
        [&o3, &u3, "1", "online", ""],
        [&o4, &u4, "1", "nicht_begonnen", "31.02.2026"],
        [&o1, &u1, "1", "in_umsetzung", ""],
    ]);
    let (code, report) = f.import(&f.admin, "dry_run=true", file.clone(), CSV).await;
    assert_eq!(code, 200, "{report}");
    assert_eq!(
        (report["changed"].as_u64(), report["failed"].as_u64()),
        (Some(1), Some(6)),
        "{report}"
    );
    let errors: Vec<(String, String)> = lines(&report)
        .iter()
        .map(|l| (l["position"].as_str().unwrap().to_owned(), errors_of(l)))
        .collect();
    let expect = [
        (
            "Zeile 3",
            "seit dem Export geändert (Datei: Version 7, gespeichert: Version 1)",
        ),
        ("Zeile 4", "Die OZG-ID 999999 gibt es im Katalog nicht."),
        (
            "Zeile 5",
            "Eine Einheit mit dem Schlüssel „99999999“ gibt es nicht.",
        ),
        (
            "Zeile 6",
            "von „nicht begonnen“ zu „online verfügbar“ ist im Statusablauf nicht vorgesehen",
        ),
        ("Zeile 7", "Geplanter Start:"),
        ("Zeile 8", "Der Datensatz steht schon in Zeile 2"),
    ];
    for (position, message) in expect {
        let found = errors.iter().find(|(p, _)| p == position);
        assert!(
            found.is_some_and(|(_, e)| e.contains(message)),
            "{position}: expected „{message}“, got {found:?}"
        );
    }
    assert!(lines(&report)[0]["errors"].as_array().unwrap().is_empty());

    // all or nothing: the one valid line is not written either
    let (code, report) = f
        .import(
            &f.admin,
            "dry_run=false&all_or_nothing=true",
            file.clone(),
            CSV,
        )
        .await;
    assert_eq!(code, 200);
    assert_eq!(
        (report["written"].as_bool(), report["changed"].as_u64()),
        (Some(false), Some(0))
    );
    assert_eq!(f.export("org_unit=16068").await, rows);

    // otherwise the valid line is written and the others are not
    let (_, report) = f.import(&f.admin, "dry_run=false", file, CSV).await;
    assert_eq!(
        (report["written"].as_bool(), report["changed"].as_u64()),
        (Some(true), Some(1))
    );
    let after = f.export("org_unit=16068").await;
    let status = column(&rows, "Status (Code)");
    assert_eq!(after[1][status], "in_planung");
    for i in 2..after.len() {
        assert_eq!(after[i], rows[i], "line {i}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn coordinators_import_only_within_their_scope() {
    let f = fixture().await;
    let coordinator = add_user(&f.srv, "kai@example.org", "koordination", "16068").await;
    let reader = add_user(&f.srv, "rita@example.org", "bericht", "16068").await;
    let erfurt = f.export("org_unit=16051").await;
    let soemmerda = f.export("org_unit=16068").await;
    let status = column(&erfurt, "Status (Code)");
    let mut both = erfurt.clone();
    both.extend(soemmerda[1..].iter().cloned());
    both[1][status] = "in_planung".into();
    let own = erfurt.len();
    both[own][status] = "in_planung".into();
    let (code, report) = f
        .import(&coordinator, "dry_run=true", german_csv(&both), CSV)
        .await;
    assert_eq!(code, 200, "{report}");
    // unchanged lines outside the scope are fine; a change there is refused
    assert_eq!(
        (report["changed"].as_u64(), report["failed"].as_u64()),
        (Some(1), Some(1)),
        "{report}"
    );
    assert!(
        errors_of(&lines(&report)[0]).contains("nicht ändern"),
        "{report}"
    );
    assert_eq!(lines(&report)[1]["errors"].as_array().unwrap().len(), 0);

    let (code, body) = f
        .import(&reader, "dry_run=true", german_csv(&both), CSV)
        .await;
    assert_eq!(code, 403, "{body}");
    // without a body: the server refuses before reading one, and a client still sending it
    // could meet a closed connection instead of the answer
    let r = f
        .srv
        .client
        .post(format!("{}/api/v1/imports/status", f.srv.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}

/// German Excel's plain "CSV (Trennzeichen-getrennt)" is Windows-1252: most Excel users'
/// first upload. It is read, the report says so, and umlauts arrive as umlauts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn german_excels_plain_csv_is_read_as_windows_1252() {
    let f = fixture().await;
    let before = f.export("").await;
    let header = "OZG-ID;Einheit (Schl\u{fc}ssel);Version;Status (Code);Bemerkung\r\n";
    let line = format!(
        "{};{};1;in_planung;Stra\u{df}e frei\r\n",
        before[1][2], before[1][6]
    );
    let text = format!("{header}{line}");
    let (file, _, unmappable) = encoding_rs::WINDOWS_1252.encode(&text);
    assert!(!unmappable);
    assert!(std::str::from_utf8(&file).is_err(), "not UTF-8");
    let (code, report) = f
        .import(&f.admin, "dry_run=true", file.into_owned(), CSV)
        .await;
    assert_eq!(code, 200, "{report}");
    assert_eq!(report["file_kind"], "CSV, Windows-1252");
    assert_eq!(report["changed"], 1, "{report}");
    assert!(report.to_string().contains("Straße frei"), "{report}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_files_are_refused_and_change_nothing() {
    let f = fixture().await;
    let before = f.export("").await;
    let header = "OZG-ID;Einheit (Schlüssel);Version;Status (Code);Bemerkung\r\n";
    let line = format!("{};{};1;in_planung;", before[1][2], before[1][6]);
    let cases: Vec<(&str, Vec<u8>, u16, &str)> = vec![
        (
            "a formula",
            format!("{header}{line}=HYPERLINK(\"http://x\")\r\n").into_bytes(),
            422,
            "Formeln",
        ),
        (
            "missing columns",
            format!("OZG-ID;Status (Code)\r\n{}\r\n", before[1][2]).into_bytes(),
            422,
            "Es fehlen Spalten",
        ),
        ("an empty file", Vec::new(), 422, "leer"),
        (
            "UTF-16 without the export's columns",
            [&[0xFF, 0xFE][..], b"O\0Z\0"].concat(),
            422,
            "Es fehlen Spalten",
        ),
        (
            "a broken workbook",
            b"PK\x03\x04kaputt".to_vec(),
            422,
            "Arbeitsmappe ist beschädigt",
        ),
    ];
    for (what, body, expected, message) in cases {
        let (code, answer) = f.import(&f.admin, "dry_run=false", body, CSV).await;
        assert_eq!(code, expected, "{what}: {answer}");
        let text = answer["error"].to_string();
        assert!(text.contains(message), "{what}: {text}");
    }
    let (code, _) = f
        .import(
            &f.admin,
            "dry_run=vielleicht",
            format!("{header}{line}").into_bytes(),
            CSV,
        )
        .await;
    assert_eq!(code, 400);
    let (code, body) = f
        .import(
            &f.admin,
            "dry_run=false",
            b"--x\r\n".to_vec(),
            "multipart/form-data; boundary=x",
        )
        .await;
    assert_eq!(code, 400, "{body}");
    // a body declared larger than the limit is refused before it is read; sent raw, because a
    // client still writing 64 MB may see that early answer as a broken pipe instead
    let declared = app::domain::MAX_IMPORT_BYTES + 1;
    let addr = f.srv.base.trim_start_matches("http://").to_owned();
    let token = f.admin.clone();
    let answer = tokio::task::spawn_blocking(move || {
        use std::io::{Read, Write};
        let mut stream = std::net::TcpStream::connect(&addr).unwrap();
        stream
            .set_read_timeout(Some(std::time::Duration::from_secs(5)))
            .unwrap();
        write!(
            stream,
            "POST /api/v1/imports/status?dry_run=false HTTP/1.1\r\nHost: {addr}\r\n\
             Authorization: Bearer {token}\r\nContent-Type: text/csv\r\n\
             Content-Length: {declared}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut answer = Vec::new();
        // until the server closes the connection, or the read times out after its answer
        let _ = stream.read_to_end(&mut answer);
        String::from_utf8_lossy(&answer).into_owned()
    })
    .await
    .unwrap();
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("\"too_large\""), "{answer}");
    assert_eq!(f.export("").await, before, "nothing was written");
}

/// The embedded catalogue file (`reference-data/ozg/leistungen.csv`) as rows of cells.
fn catalogue_rows() -> Vec<Vec<String>> {
    csv::Reader::from_reader(include_str!("../../reference-data/ozg/leistungen.csv").as_bytes())
        .into_records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

fn plain_csv(header: &[&str], rows: &[Vec<String>]) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(header).unwrap();
    for row in rows {
        writer.write_record(row).unwrap();
    }
    writer.into_inner().unwrap()
}

const CATALOGUE_HEADER: [&str; 7] = [
    "ozg_id",
    "ozg_leistung",
    "lage",
    "themenfeld",
    "anzahl_leika_leistungen",
    "leika_typen",
    "sdg_relevant_anzahl",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_newer_catalogue_is_checked_then_taken_over_whole() {
    let f = fixture().await;
    let coordinator = add_user(&f.srv, "kai@example.org", "koordination", "16068").await;
    let mut rows = catalogue_rows();
    assert_eq!(rows.len(), 557);
    // the newer catalogue: one service renamed, one dropped, one new (every Gemeinde's)
    rows[0][1] = "Elterngeld und ElterngeldPlus".into();
    let dropped = rows.remove(1);
    rows.push(
        [
            "10700",
            "Entschädigung nach § 56 Abs. 1 IfSG",
            "Gesundheit",
            "Gesundheit",
            "1",
            "2/3",
            "0",
        ]
        .map(String::from)
        .to_vec(),
    );
    let file = plain_csv(&CATALOGUE_HEADER, &rows);

    let (code, body) = f
        .upload("catalogue", &coordinator, "dry_run=true", file.clone(), CSV)
        .await;
    assert_eq!(
        code, 403,
        "only administrators import the catalogue: {body}"
    );

    let (code, dry) = f
        .upload("catalogue", &f.admin, "dry_run=true", file.clone(), CSV)
        .await;
    assert_eq!(code, 200, "{dry}");
    assert_eq!(dry["lines_read"], 557);
    assert_eq!(dry["unchanged"], 555);
    assert_eq!(dry["added"][0]["ozg_id"], 10700);
    assert_eq!(
        dry["changed"][0]["changes"][0]["new"],
        "Elterngeld und ElterngeldPlus"
    );
    assert_eq!(
        dry["deactivated"][0]["ozg_id"],
        dropped[0].parse::<i64>().unwrap()
    );
    let gemeinden = f
        .json("/api/v1/org-units?art=gemeinde")
        .await
        .as_array()
        .unwrap()
        .len() as i64;
    assert_eq!(dry["records_created"], gemeinden, "{dry}");
    assert_eq!(dry["blocked"].as_array().unwrap().len(), 0, "{dry}");
    assert_eq!(dry["written"], false);
    assert_eq!(
        f.json("/api/v1/services?q=10700").await["total"],
        0,
        "a dry run writes nothing"
    );

    let (code, applied) = f
        .upload("catalogue", &f.admin, "dry_run=false", file.clone(), CSV)
        .await;
    assert_eq!(code, 200, "{applied}");
    assert_eq!(applied["written"], true);
    assert_eq!(applied["records_created"], gemeinden);
    let added = f.json("/api/v1/services/10700").await;
    assert_eq!(added["summary"]["active"], true, "{added}");
    assert_eq!(added["records"]["total"], gemeinden, "{added}");
    let gone = f.json(&format!("/api/v1/services/{}", dropped[0])).await;
    assert_eq!(gone["summary"]["active"], false, "kept, inactive: {gone}");
    let listed =
        String::from_utf8(f.download(&format!("/leistungen?q={}", dropped[0])).await).unwrap();
    assert!(
        listed.contains("nicht mehr im Katalog (inaktiv)"),
        "the catalogue list marks it"
    );
    let renamed = String::from_utf8(f.download("/leistungen?q=10000").await).unwrap();
    assert!(
        !renamed.contains("nicht mehr im Katalog"),
        "active ones are not marked"
    );
    assert_eq!(
        f.json("/api/v1/services").await["total"],
        558,
        "the dropped service stays listed, inactive"
    );
    let audit = String::from_utf8(
        f.download("/verwaltung/protokoll?art=katalog_importiert")
            .await,
    )
    .unwrap();
    assert!(
        audit.contains("1 neu, 1 geändert, 1 deaktiviert"),
        "the audit log has it"
    );

    // the LeiKa list: the embedded file is taken as it is; a line for the new service adds
    // its LeiKa-Leistung
    let leika_file = include_bytes!("../../reference-data/ozg/leika_leistungen.csv").to_vec();
    let (code, same) = f
        .upload(
            "catalogue",
            &f.admin,
            "dry_run=true",
            leika_file.clone(),
            CSV,
        )
        .await;
    assert_eq!(code, 200, "{same}");
    assert_eq!(same["catalogue"], "leika");
    assert_eq!(
        (
            same["unchanged"].as_u64(),
            same["added"].as_array().map(Vec::len),
            same["failed"].as_array().map(Vec::len)
        ),
        (Some(5248), Some(0), Some(0)),
        "the reference file itself: {} {}",
        same["notes"],
        same["failed"]
    );
    let mut with_new = leika_file;
    with_new.extend_from_slice(
        "99999999000001,Entschädigung nach § 56 IfSG bewilligen,10700,Entschädigung nach § 56 Abs. 1 IfSG,2/3,§ 56 IfSG,,,0,1\n".as_bytes(),
    );
    let (code, leika) = f
        .upload("catalogue", &f.admin, "dry_run=false", with_new, CSV)
        .await;
    assert_eq!(code, 200, "{leika}");
    assert_eq!(
        (
            leika["written"].as_bool(),
            leika["added"][0]["ozg_id"].as_i64()
        ),
        (Some(true), Some(10700)),
        "{leika}"
    );
    let added = f.json("/api/v1/services/10700").await;
    assert_eq!(
        added["leika"][0]["name"], "Entschädigung nach § 56 IfSG bewilligen",
        "{added}"
    );

    // the same file again changes nothing
    let (_, again) = f
        .upload("catalogue", &f.admin, "dry_run=false", file, CSV)
        .await;
    assert_eq!(
        (again["written"].as_bool(), again["unchanged"].as_u64()),
        (Some(false), Some(557)),
        "{again}"
    );

    // the old catalogue as a workbook with German headings brings the dropped service back
    let mut sheet = vec![[
        "OZG-ID",
        "OZG-Leistung",
        "Lebenslage",
        "Themenfeld",
        "LeiKa-Typen",
    ]
    .map(|h| Data::String(h.into()))
    .to_vec()];
    sheet.extend(catalogue_rows().into_iter().map(|r| {
        vec![
            Data::Float(r[0].parse().unwrap()),
            Data::String(r[1].clone()),
            Data::String(r[2].clone()),
            Data::String(r[3].clone()),
            Data::String(r[5].clone()),
        ]
    }));
    let workbook = write_workbook(&[("Katalog".into(), sheet)], None);
    let (code, back) = f
        .upload(
            "catalogue",
            &f.admin,
            "dry_run=false&deactivate_missing=false",
            workbook,
            XLSX,
        )
        .await;
    assert_eq!(code, 200, "{back}");
    assert_eq!(back["file_kind"], "XLSX");
    let changed: Vec<&str> = back["changed"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["changes"].as_array().unwrap())
        .map(|c| c["label"].as_str().unwrap())
        .collect();
    assert_eq!(changed, ["Name", "Aktiv"], "{back}");
    assert_eq!(
        back["deactivated"].as_array().unwrap().len(),
        0,
        "a partial list deactivates nothing"
    );
    assert_eq!(
        f.json("/api/v1/services/10700").await["summary"]["active"],
        true
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broken_or_partial_catalogues_change_nothing() {
    let f = fixture().await;
    let rows = catalogue_rows();
    let before = f.json("/api/v1/services?pro_seite=200").await;
    let mut broken = rows.clone();
    broken[3][3] = "Weltraum".into();
    broken[4][0] = "1000".into();
    let mut formula = rows.clone();
    formula[2][1] = "=HYPERLINK(\"http://example.org\")".into();
    let cases: Vec<(&str, Vec<u8>, u16, &str)> = vec![
        ("line errors", plain_csv(&CATALOGUE_HEADER, &broken), 200, "Ein Katalog wird nur vollständig übernommen"),
        ("a partial list", plain_csv(&CATALOGUE_HEADER, &rows[..10]), 200, "Teilliste"),
        ("a formula", plain_csv(&CATALOGUE_HEADER, &formula), 422, "Formeln"),
        ("missing columns", plain_csv(&CATALOGUE_HEADER[..3], &rows.iter().map(|r| r[..3].to_vec()).collect::<Vec<_>>()), 422, "Themenfeld"),
        ("no lines", plain_csv(&CATALOGUE_HEADER, &[]), 422, "keine Leistungen"),
        // read (as Windows-1252), and refused as the partial list it is
        ("Windows-1252", b"ozg_id,ozg_leistung,lage,themenfeld,leika_typen\n10000,Gr\xfc\xdfe,Geburt,Familie & Kind,2/3\n".to_vec(), 200, "Teilliste"),
    ];
    for (what, file, status, message) in cases {
        let (code, body) = f
            .upload("catalogue", &f.admin, "dry_run=false", file, CSV)
            .await;
        assert_eq!(code, status, "{what}: {body}");
        let text = body.to_string();
        assert!(
            text.contains(message),
            "{what}: {}",
            &text[..text.len().min(2000)]
        );
        if code == 200 {
            assert_eq!(body["written"], false, "{what}: {body}");
        }
    }
    let partial = plain_csv(&CATALOGUE_HEADER, &rows[..10]);
    let (_, body) = f
        .upload("catalogue", &f.admin, "dry_run=true", partial, CSV)
        .await;
    assert!(
        body["blocked"][0].as_str().unwrap().contains("547 von 557"),
        "{body}"
    );
    let (_, broken) = f
        .upload(
            "catalogue",
            &f.admin,
            "dry_run=true",
            plain_csv(&CATALOGUE_HEADER, &broken),
            CSV,
        )
        .await;
    let errors = broken["failed"].to_string();
    assert!(
        errors.contains("Weltraum") && errors.contains("keine gültige OZG-ID"),
        "{errors}"
    );
    assert_eq!(
        f.json("/api/v1/services?pro_seite=200").await,
        before,
        "nothing changed"
    );
}

/// The Destatis list of every German Gemeinde (`reference-data/gebiete`), cut to the test
/// slice's Kreise and the first Gemeinden of Schleswig-Holstein: header and rows.
fn register_rows() -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_reader(
        include_str!("../../reference-data/gebiete/deutschland_gemeinden_2020.csv").as_bytes(),
    );
    let header = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader
        .into_records()
        .map(|r| {
            r.unwrap()
                .iter()
                .map(str::to_owned)
                .collect::<Vec<String>>()
        })
        .filter(|r| TEST_KREISE.iter().any(|k| r[0].starts_with(k)) || r[0].starts_with("0100"))
        .collect();
    (header, rows)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_newer_gemeindeverzeichnis_with_a_merger_is_checked_then_taken_over() {
    let f = fixture().await;
    let coordinator = add_user(&f.srv, "kai@example.org", "koordination", "16068").await;
    let (mut header, rows) = register_rows();
    let header_refs: Vec<&str> = header.iter().map(String::as_str).collect();
    let own = rows.iter().filter(|r| r[0].starts_with("16")).count();
    let other = rows.len() - own;
    assert!(own > 20 && other > 0);

    // the list as shipped changes nothing
    let (code, same) = f
        .upload(
            "org-units",
            &f.admin,
            "dry_run=false",
            plain_csv(&header_refs, &rows),
            CSV,
        )
        .await;
    assert_eq!(code, 200, "{same}");
    assert_eq!(
        (same["unchanged"].as_u64(), same["other_laender"].as_u64()),
        (Some(own as u64), Some(other as u64))
    );
    assert_eq!(same["written"], false);
    assert!(
        same["added"].as_array().unwrap().is_empty()
            && same["dissolved"].as_array().unwrap().is_empty(),
        "{same}"
    );

    // Erfurt joins the Landkreis Sömmerda under a new key; a Sömmerda Gemeinde is renamed
    header.push("vorgaenger_ags".into());
    let header_refs: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut newer: Vec<Vec<String>> = rows
        .iter()
        .filter(|r| r[0] != "16051000")
        .map(|r| r.iter().cloned().chain([String::new()]).collect())
        .collect();
    let renamed = newer
        .iter_mut()
        .find(|r| r[0].starts_with("16068"))
        .unwrap();
    let renamed_ags = renamed[0].clone();
    renamed[2] = format!("{} (neu)", renamed[2]);
    let mut erfurt = rows.iter().find(|r| r[0] == "16051000").unwrap().clone();
    erfurt[0] = "16068999".into();
    erfurt[1] = "160680000999".into();
    erfurt[3] = "16068".into();
    erfurt.push("16051000".into());
    newer.push(erfurt);
    let file = plain_csv(&header_refs, &newer);

    let (code, body) = f
        .upload("org-units", &coordinator, "dry_run=true", file.clone(), CSV)
        .await;
    assert_eq!(
        code, 403,
        "only administrators import the territory: {body}"
    );

    let (code, dry) = f
        .upload("org-units", &f.admin, "dry_run=true", file.clone(), CSV)
        .await;
    assert_eq!(code, 200, "{dry}");
    assert_eq!(dry["blocked"].as_array().unwrap().len(), 0, "{dry}");
    assert_eq!(dry["added"][0]["ags"], "16068999");
    assert_eq!(dry["added"][0]["predecessors"][0], "16051000 Erfurt, Stadt");
    let changed: Vec<&str> = dry["changed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["ags"].as_str().unwrap())
        .collect();
    assert_eq!(
        changed,
        ["16068", renamed_ags.as_str()],
        "the Kreis's population, the new name"
    );
    let dissolved: Vec<(&str, &str)> = dry["dissolved"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["ags"].as_str().unwrap(), d["successor"].as_str().unwrap()))
        .collect();
    assert_eq!(
        dissolved,
        [
            ("16051000", "16068999 Erfurt, Stadt"),
            ("16051", "16068 Sömmerda")
        ]
    );
    let erfurt_records = f.json("/api/v1/org-units/16051000").await["records"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(dry["records_created"], erfurt_records as u64);
    assert_eq!(dry["records_taken_over"], erfurt_records as u64);
    let unknown = f
        .srv
        .client
        .get(format!("{}/api/v1/org-units/16068999", f.srv.base))
        .bearer_auth(&f.admin)
        .send()
        .await
        .unwrap();
    assert_eq!(
        unknown.status(),
        StatusCode::NOT_FOUND,
        "a dry run writes nothing"
    );

    let (code, applied) = f
        .upload("org-units", &f.admin, "dry_run=false", file.clone(), CSV)
        .await;
    assert_eq!(code, 200, "{applied}");
    assert_eq!(applied["written"], true);
    assert_eq!(applied["records_created"], erfurt_records as u64);
    let old = f.json("/api/v1/org-units/16051000").await;
    assert_eq!(old["successor"]["code"], "16068999", "{old}");
    assert!(old["unit"]["valid_to"].is_string(), "{old}");
    assert_eq!(
        old["records"].as_array().unwrap().len(),
        erfurt_records,
        "its records stay"
    );
    let new = f.json("/api/v1/org-units/16068999").await;
    assert_eq!(new["predecessors"][0]["code"], "16051000", "{new}");
    assert_eq!(new["unit"]["parent"]["code"], "16068");
    let kreise = f.json("/api/v1/org-units?art=kreis").await;
    assert_eq!(
        kreise.as_array().unwrap().len(),
        1,
        "Kreis Erfurt is dissolved: {kreise}"
    );

    let page = String::from_utf8(f.download("/organisationen/16051000").await).unwrap();
    assert!(
        page.contains("besteht seit dem") && page.contains("/organisationen/16068999"),
        "the page says where it went"
    );
    let audit = String::from_utf8(
        f.download("/verwaltung/protokoll?art=gebiete_importiert")
            .await,
    )
    .unwrap();
    assert!(
        audit.contains("1 neu, 2 geändert, 2 aufgelöst"),
        "the audit log has it"
    );
    let sources = String::from_utf8(f.download("/datenquellen").await).unwrap();
    assert!(
        sources.contains("per Gebietsimport"),
        "Datenquellen says the territory was updated"
    );

    // the same file again changes nothing
    let (_, again) = f
        .upload("org-units", &f.admin, "dry_run=false", file, CSV)
        .await;
    assert_eq!(again["written"], false, "{again}");
    assert_eq!(again["unchanged"].as_u64(), Some(own as u64), "{again}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broken_or_partial_gemeindeverzeichnisse_change_nothing() {
    let f = fixture().await;
    let (header, rows) = register_rows();
    let header_refs: Vec<&str> = header.iter().map(String::as_str).collect();
    let before = f.json("/api/v1/org-units?art=gemeinde").await;
    let mut broken = rows.clone();
    let last = broken.len() - 1;
    broken[last][0] = "1606800".into();
    broken[last - 1][8] = "viele".into();
    let mut formula = rows.clone();
    formula[3][2] = "=HYPERLINK(\"http://example.org\")".into();
    let erfurt_only: Vec<Vec<String>> = rows
        .iter()
        .filter(|r| r[0].starts_with("16051"))
        .cloned()
        .collect();
    let cases: Vec<(&str, Vec<u8>, u16, &str)> = vec![
        (
            "line errors",
            plain_csv(&header_refs, &broken),
            200,
            "nur vollständig übernommen",
        ),
        (
            "a partial list",
            plain_csv(&header_refs, &erfurt_only),
            200,
            "Ausschnitt",
        ),
        (
            "a formula",
            plain_csv(&header_refs, &formula),
            422,
            "Formeln",
        ),
        (
            "missing columns",
            plain_csv(
                &["ags_8", "gemeinde"],
                &rows
                    .iter()
                    .map(|r| vec![r[0].clone(), r[2].clone()])
                    .collect::<Vec<_>>(),
            ),
            422,
            "Einwohner",
        ),
        (
            "no lines",
            plain_csv(&header_refs, &[]),
            422,
            "keine Gemeinden",
        ),
        // read (as Windows-1252), and refused as the extract it is
        (
            "Windows-1252",
            b"AGS;Gemeindename;Einwohner\n16068001;K\xf6lleda;6000\n".to_vec(),
            200,
            "Ausschnitt",
        ),
    ];
    for (what, file, status, message) in cases {
        let (code, body) = f
            .upload("org-units", &f.admin, "dry_run=false", file, CSV)
            .await;
        assert_eq!(code, status, "{what}: {body}");
        let text = body.to_string();
        assert!(
            text.contains(message),
            "{what}: {}",
            &text[..text.len().min(2000)]
        );
        if code == 200 {
            assert_eq!(body["written"], false, "{what}: {body}");
        }
    }
    let (_, broken) = f
        .upload(
            "org-units",
            &f.admin,
            "dry_run=true",
            plain_csv(&header_refs, &broken),
            CSV,
        )
        .await;
    let errors = broken["failed"].to_string();
    assert!(
        errors.contains("kein gültiger Amtlicher Gemeindeschlüssel")
            && errors.contains("keine Einwohnerzahl"),
        "{errors}"
    );
    assert_eq!(
        f.json("/api/v1/org-units?art=gemeinde").await,
        before,
        "nothing changed"
    );
}
