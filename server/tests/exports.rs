//! Exports over HTTP, opened by real readers: the csv crate for both CSV dialects and
//! calamine for XLSX, compared with the JSON record list of the same filter.

mod support;

use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use std::io::Cursor;
use support::*;

async fn spawn() -> TestServer {
    spawn_public(true).await
}

struct Download {
    status: u16,
    content_type: String,
    disposition: String,
    body: Vec<u8>,
}

async fn download(srv: &TestServer, path: &str) -> Download {
    let r = srv
        .client
        .get(format!("{}{path}", srv.base))
        .send()
        .await
        .unwrap();
    let header = |name: &str| {
        r.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    Download {
        status: r.status().as_u16(),
        content_type: header("content-type"),
        disposition: header("content-disposition"),
        body: r.bytes().await.unwrap().to_vec(),
    }
}

/// Every record of `query` from the JSON API, by id.
async fn listed(srv: &TestServer, query: &str) -> Vec<serde_json::Value> {
    let mut all = Vec::new();
    for page in 1.. {
        let (status, body) = srv
            .json(&format!(
                "/api/v1/records?{query}&pro_seite=500&seite={page}"
            ))
            .await;
        assert_eq!(status, 200, "{body}");
        let items = body["items"].as_array().unwrap().clone();
        let done = items.len() < 500;
        all.extend(items);
        if done {
            break;
        }
    }
    all.sort_by_key(|r| r["id"].as_i64());
    all
}

fn german_date(iso: &serde_json::Value) -> String {
    iso.as_str().map_or(String::new(), |d| {
        chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .unwrap()
            .format("%d.%m.%Y")
            .to_string()
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn csv_for_german_excel_holds_the_filtered_records() {
    let srv = spawn().await;
    let d = download(&srv, "/api/v1/records.csv?org_unit=16051").await;
    assert_eq!(d.status, 200);
    assert!(d.content_type.starts_with("text/csv; charset=utf-8"));
    assert!(
        d.disposition
            .starts_with("attachment; filename=\"umsetzungsstaende-16051-")
            && d.disposition.ends_with("-demodaten.csv\""),
        "demo data is labelled in the file name: {}",
        d.disposition
    );
    assert!(d.body.starts_with("\u{feff}".as_bytes()), "UTF-8 BOM");
    let text = String::from_utf8(d.body[3..].to_vec()).expect("UTF-8");
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header[0], "Datensatz");
    assert_eq!(header[17], "Zuletzt geändert (UTC)");
    assert_eq!(
        header[18], "Datenbasis",
        "demo data is labelled inside the file"
    );
    let mut rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert!(rows.iter().all(|r| &r[18] == "DEMODATEN"), "on every line");
    rows.sort_by_key(|r| r[0].parse::<i64>().unwrap());

    let expected = listed(&srv, "org_unit=16051").await;
    assert!(!expected.is_empty());
    assert_eq!(rows.len(), expected.len(), "one line per record");
    for (row, rec) in rows.iter().zip(&expected) {
        assert_eq!(row[0], rec["id"].to_string());
        assert_eq!(row[1], rec["version"].to_string());
        assert_eq!(row[2], rec["ozg_id"].to_string());
        assert_eq!(&row[6], rec["org_unit_code"].as_str().unwrap());
        assert_eq!(&row[9], rec["status_code"].as_str().unwrap());
        assert_eq!(row[12], german_date(&rec["planned_go_live"]));
        assert_eq!(row[13], german_date(&rec["actual_go_live"]));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rfc4180_csv_and_xlsx_agree_with_each_other() {
    let srv = spawn().await;
    let csv = download(&srv, "/api/v1/records.csv?ressort=TMDI&dialect=rfc4180").await;
    assert_eq!(csv.status, 200);
    assert!(!csv.body.starts_with("\u{feff}".as_bytes()), "no BOM");
    let text = String::from_utf8(csv.body).unwrap();
    assert!(text.contains("\r\n"), "CRLF line ends");
    let rows: Vec<csv::StringRecord> = csv::Reader::from_reader(text.as_bytes())
        .records()
        .map(Result::unwrap)
        .collect();
    assert!(!rows.is_empty());
    assert!(
        rows.iter().all(|r| &r[5] == "TMDI"),
        "the ministry's services only"
    );
    assert!(
        rows.iter()
            .all(|r| r[17].ends_with('Z') && r[17].contains('T')),
        "ISO 8601 times"
    );

    let xlsx = download(&srv, "/api/v1/records.xlsx?ressort=TMDI").await;
    assert_eq!(xlsx.status, 200);
    assert_eq!(
        xlsx.content_type,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert!(xlsx.disposition.contains("umsetzungsstaende-TMDI-"));
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(xlsx.body)).unwrap();
    assert_eq!(
        book.sheet_names(),
        vec!["Filter und Datenstand", "Umsetzungsstände"]
    );
    let data = book.worksheet_range("Umsetzungsstände").unwrap();
    assert_eq!(data.height(), rows.len() + 1, "header and the same records");
    let ids: Vec<String> = data
        .rows()
        .skip(1)
        .map(|r| match &r[0] {
            Data::Float(n) => format!("{n}"),
            other => panic!("a number expected, got {other:?}"),
        })
        .collect();
    let csv_ids: Vec<String> = rows.iter().map(|r| r[0].to_owned()).collect();
    assert_eq!(ids, csv_ids, "same records in the same order");
    let info: Vec<String> = book
        .worksheet_range("Filter und Datenstand")
        .unwrap()
        .cells()
        .map(|(_, _, c)| c.to_string())
        .collect();
    assert!(info.contains(&"Ressort: TMDI".to_owned()), "{info:?}");
    assert!(info.iter().any(|c| c.contains("erfundene Beispieldaten")));

    // one sheet per Themenfeld: the same records, split
    let split = download(
        &srv,
        "/api/v1/records.xlsx?ressort=TMDI&blaetter=themenfeld",
    )
    .await;
    assert_eq!(split.status, 200);
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(split.body)).unwrap();
    let names = book.sheet_names();
    let themenfelder: std::collections::BTreeSet<&str> = rows.iter().map(|r| &r[4]).collect();
    assert_eq!(names.len(), themenfelder.len() + 1);
    let mut total = 0;
    for name in &names[1..] {
        let sheet = book.worksheet_range(name).unwrap();
        let themenfeld = sheet.get((1, 4)).unwrap().to_string();
        assert!(themenfelder.contains(themenfeld.as_str()));
        total += sheet.height() - 1;
    }
    assert_eq!(total, rows.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_export_requests_get_german_errors() {
    let srv = spawn().await;
    for (path, status, says) in [
        (
            "/api/v1/records.csv?am=2022-12-31",
            400,
            "gelten für sie nicht",
        ),
        (
            "/api/v1/records.xlsx?stand=voll",
            400,
            "gelten für sie nicht",
        ),
        ("/api/v1/records.csv?kreis=99999", 404, "gibt es nicht"),
        ("/api/v1/records.csv?status=erfunden", 400, "ist unbekannt"),
        (
            "/api/v1/records.csv?dialect=tsv",
            400,
            "erlaubt: excel, rfc4180",
        ),
        (
            "/api/v1/records.xlsx?blaetter=alle",
            400,
            "erlaubt: eines, themenfeld",
        ),
        (
            "/api/v1/records.csv?org_unit=%27%3B--",
            400,
            "keine gültige Kennung",
        ),
        (
            "/api/v1/records.csv?sortierung=x",
            400,
            "Unbekannter Parameter",
        ),
    ] {
        let (got, body) = srv.json(path).await;
        assert_eq!(got, status, "{path}: {body}");
        let message = body["error"]["message"].to_string() + &body["error"]["details"].to_string();
        assert!(message.contains(says), "{path}: {message}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_selection_is_a_header_only_file() {
    let srv = spawn().await;
    let d = download(
        &srv,
        "/api/v1/records.csv?ozg_id=99999&status=online&dialect=rfc4180",
    )
    .await;
    assert_eq!(d.status, 200);
    let text = String::from_utf8(d.body).unwrap();
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(text.starts_with("Datensatz,Version,OZG-ID,"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_offer_the_downloads_of_what_they_show() {
    let srv = spawn().await;
    let (_, dashboard) = srv.get("/?themenfeld=6&am=2023-06-30").await;
    let dashboard = dashboard.replace("&amp;", "&");
    assert!(dashboard.contains("href=\"/api/v1/records.csv?themenfeld=6\""));
    assert!(dashboard.contains("href=\"/api/v1/records.xlsx?themenfeld=6&blaetter=themenfeld\""));
    assert!(dashboard.contains("„Stand am“ und „Stand“ gelten für sie nicht"));
    assert!(dashboard.contains("href=\"/api/v1/reports/land.pdf?themenfeld=6&am=2023-06-30\""));
    let (_, unit) = srv.get("/organisationen/16051").await;
    assert!(unit.contains("href=\"/api/v1/records.csv?org_unit=16051\""));
    assert!(unit.contains("href=\"/api/v1/reports/16051.pdf\""));
    let (_, ministry) = srv.get("/organisationen/TMDI").await;
    assert!(ministry.contains("href=\"/api/v1/records.xlsx?ressort=TMDI\""));
    assert!(ministry.contains("href=\"/api/v1/reports/TMDI.pdf\""));
    let (_, gemeinde) = srv.get("/organisationen/16051000").await;
    assert!(
        !gemeinde.contains("/api/v1/reports/"),
        "no report of a Gemeinde"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn federal_export_lists_online_services_in_the_federal_fields() {
    let srv = spawn().await;
    let d = download(&srv, "/api/v1/federal-export.csv?kreis=16051").await;
    assert_eq!(d.status, 200);
    assert!(
        d.disposition.contains("bundesdashboard-16051-"),
        "{}",
        d.disposition
    );
    let text = String::from_utf8(d.body).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let mut expected_header = server::exports::federal::COLUMNS.map(String::from).to_vec();
    expected_header.push("Datenbasis".into());
    assert_eq!(
        header, expected_header,
        "the federal fields, then the demo mark"
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert!(!rows.is_empty());

    // exactly the services that are online in Erfurt
    let online: std::collections::BTreeSet<String> = listed(&srv, "org_unit=16051")
        .await
        .iter()
        .filter(|r| r["phase"] == "online")
        .map(|r| r["ozg_id"].to_string())
        .collect();
    let exported: std::collections::BTreeSet<String> =
        rows.iter().map(|r| r[7].to_owned()).collect();
    assert_eq!(exported, online);

    // a LeiKa-Leistung only where its type fits the unit's level: Erfurt is a Kommune, so no
    // row of a LeiKa-Leistung the Bund (1) or only the Land (2, 4) executes
    let reference = server::reference_data::ReferenceData::embedded().unwrap();
    let types_of = |ozg_id: &str, name: &str| {
        reference
            .leika
            .iter()
            .find(|l| {
                l.ozg_id.map(|id| id.to_string()).as_deref() == Some(ozg_id) && l.name == name
            })
            .map(|l| app::domain::LeikaTypes::parse(&l.leika_type).unwrap())
    };
    let kommune = app::domain::OrgUnitKind::Gemeinde;
    for r in rows.iter().filter(|r| !r[1].is_empty()) {
        let types = types_of(&r[7], &r[1]).unwrap_or_else(|| panic!("{} {}", &r[7], &r[1]));
        assert!(
            types.fit(kommune),
            "{} „{}“ is of type {types}",
            &r[7],
            &r[1]
        );
    }
    let left_out = reference
        .leika
        .iter()
        .filter(|l| {
            l.ozg_id
                .is_some_and(|id| exported.contains(&id.to_string()))
        })
        .filter(|l| {
            !app::domain::LeikaTypes::parse(&l.leika_type)
                .unwrap()
                .fit(kommune)
        })
        .count();
    assert!(left_out > 0, "the check has something to leave out");

    for r in &rows {
        assert!(
            r[2].len() == 12 && r[2].starts_with("16051"),
            "ARS {}",
            &r[2]
        );
        assert_eq!(&r[4], "16");
        assert_eq!(&r[5], "Thüringen");
        assert_eq!(&r[10], "ok");
        assert!(
            [
                "landesweit flächendeckend",
                "kreisweit flächendeckend",
                "in mind. einer Kommune verfügbar"
            ]
            .contains(&&r[12]),
            "{}",
            &r[12]
        );
    }
    // "landesweit flächendeckend" exactly where every applicable record of the Land is online
    let mut checked = std::collections::BTreeSet::new();
    for r in &rows {
        if !checked.insert(r[7].to_owned()) {
            continue;
        }
        let (_, service) = srv.json(&format!("/api/v1/services/{}", &r[7])).await;
        let s = &service["summary"];
        let full = s["records_online"] == s["records_applicable"];
        assert_eq!(
            r[12] == *"landesweit flächendeckend",
            full,
            "service {}",
            &r[7]
        );
    }
}

/// The report's text as a PDF reader extracts it: pages, and all of it without whitespace (a
/// reader joins wrapped lines with or without a space).
fn report_text(pdf: &[u8]) -> (Vec<String>, String) {
    assert!(pdf.starts_with(b"%PDF-"), "a PDF file");
    let pages = pdf_extract::extract_text_from_mem_by_pages(pdf).expect("a PDF reader opens it");
    let squashed = pages.concat().split_whitespace().collect();
    (pages, squashed)
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pdf_reports_hold_the_dashboards_figures_and_every_service() {
    use app::format::{int, percent};
    let srv = spawn().await;

    // a Ressort's report lists each of its services with the service API's figures
    let d = download(&srv, "/api/v1/reports/TMDI.pdf").await;
    assert_eq!(d.status, 200);
    assert_eq!(d.content_type, "application/pdf");
    assert!(
        d.disposition.contains("ozg-bericht-TMDI-") && d.disposition.ends_with("-demodaten.pdf\""),
        "{}",
        d.disposition
    );
    let (pages, text) = report_text(&d.body);
    let (_, services) = srv
        .json("/api/v1/services?ressort=TMDI&pro_seite=200")
        .await;
    let items = services["items"].as_array().unwrap();
    assert!(!items.is_empty());
    assert!(text.contains(&squash(&format!("Leistungen ({})", items.len()))));
    assert!(text.contains("OZG-Umsetzungsbericht") && text.contains("(TMDI)"));
    for s in items {
        let id = s["ozg_id"].to_string();
        let at = text
            .find(&id)
            .unwrap_or_else(|| panic!("service {id} listed"));
        let row: String = text[at..].chars().take(250).collect();
        let figures = squash(&format!(
            "{} von {}",
            int(s["records_online"].as_i64().unwrap()),
            int(s["records_applicable"].as_i64().unwrap())
        ));
        assert!(row.contains(&figures), "{id}: {figures} in {row}");
    }
    let n = pages.len();
    for (i, page) in pages.iter().enumerate() {
        assert!(
            squash(page).contains(&format!("Seite{}von{n}", i + 1)),
            "page {i}"
        );
    }

    // a Kreis's report, narrowed to a Themenfeld: the dashboard's key figures
    let d = download(&srv, "/api/v1/reports/16051.pdf?themenfeld=6").await;
    assert_eq!(d.status, 200);
    let (_, text) = report_text(&d.body);
    let filter = app::domain::DashboardFilter {
        kreis: app::domain::UnitCode::parse("16051"),
        services: app::domain::ServiceFilter {
            themenfeld: Some(app::domain::ThemenfeldId(6)),
            ..Default::default()
        },
        ..Default::default()
    };
    let o = srv
        .storage
        .dashboard_at(&filter, chrono::Utc::now().date_naive())
        .await
        .unwrap()
        .unwrap();
    for expected in [
        format!("Leistungen ({})", o.services.total),
        format!(
            "{} ({})",
            int(o.services.online_full),
            percent(o.services.online_full, o.services_counted())
        ),
        format!(
            "{} von {} kommunalen Umsetzungsständen",
            int(o.municipal.records_online),
            int(o.municipal.records_applicable)
        ),
        "Kreis: Erfurt".to_owned(),
        "Demodaten:".to_owned(),
    ] {
        assert!(text.contains(&squash(&expected)), "„{expected}“ in {text}");
    }

    // a past date, from the history
    let d = download(&srv, "/api/v1/reports/land.pdf?am=31.12.2022").await;
    assert_eq!(d.status, 200);
    assert!(report_text(&d.body)
        .1
        .contains(&squash("Stand am 31.12.2022")));

    // nothing in the filter (a Lebenslage of one Themenfeld with another Themenfeld): a
    // report that says so
    let options = srv.storage.filter_options().await.unwrap();
    let lage = &options.lagen[0];
    let other = options
        .themenfelder
        .iter()
        .find(|t| t.id != lage.themenfeld_id)
        .unwrap();
    let d = download(
        &srv,
        &format!(
            "/api/v1/reports/16068.pdf?lage={}&themenfeld={}",
            lage.id, other.id
        ),
    )
    .await;
    assert_eq!(d.status, 200);
    assert!(report_text(&d.body)
        .1
        .contains(&squash("Keine OZG-Leistung entspricht dem Filter.")));

    // what is not a report
    for (path, status, message) in [
        (
            "/api/v1/reports/16051000.pdf",
            404,
            "Einen Bericht gibt es für das Land",
        ),
        ("/api/v1/reports/land.csv", 404, "Berichte gibt es als PDF"),
        (
            "/api/v1/reports/16051.pdf?kreis=16052",
            400,
            "der Bericht gilt schon „16051“",
        ),
        (
            "/api/v1/reports/land.pdf?org_unit=16051",
            400,
            "Unbekannter Parameter „org_unit“",
        ),
        ("/api/v1/reports/land.pdf?am=31.02.2022", 400, "kein Datum"),
    ] {
        let d = download(&srv, path).await;
        let body = String::from_utf8_lossy(&d.body);
        assert_eq!(d.status, status, "{path}: {body}");
        assert!(body.contains(message), "{path}: {body}");
    }
}
