//! Zuständigkeiten over HTTP, on the whole of Thüringen with the curated matrix: the API and
//! its errors, and the page.

mod support;

use serde_json::{json, Value};
use server::auth::AuthSettings;
use server::reference_data::ReferenceData;
use support::*;

/// Thüringen as shipped (633 Gemeinden, 23 Kreise and kreisfreie Städte, the matrix).
async fn thueringen() -> TestServer {
    let storage = sqlite_file_storage().await;
    storage
        .seed(&ReferenceData::embedded().unwrap(), false)
        .await
        .unwrap();
    spawn_server(storage, AuthSettings::default()).await
}

async fn put(srv: &TestServer, token: Option<&str>, path: &str, body: Value) -> (u16, Value) {
    let mut req = srv.client.put(srv.url(path)).json(&body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let r = req.send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn get(srv: &TestServer, token: &str, path: &str) -> Value {
    let r = srv
        .client
        .get(srv.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{path}");
    r.json().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wohngeld_moves_between_the_gemeinden_and_exactly_the_23_kreise() {
    let srv = thueringen().await;
    let admin = add_user(&srv, "ada@example.org", "admin", "").await;

    let all = get(&srv, &admin, "/api/v1/responsibilities").await;
    let items = all["items"].as_array().unwrap();
    assert_eq!(items.len(), 557);
    let wohngeld = items.iter().find(|s| s["ozg_id"] == 10092).unwrap();
    assert_eq!(wohngeld["level"], "kreis");
    assert_eq!(
        wohngeld["confirmed"], false,
        "the shipped matrix is an assumption"
    );
    assert_eq!(all["figures"]["confirmed"], 0);
    assert_eq!(all["figures"]["services"], 557);
    assert_eq!(all["figures"]["municipal_services"], 116 + 77);

    // to the Gemeinden: a dry run first, then for real
    let path = "/api/v1/services/10092/responsibility";
    let (status, dry) = put(
        &srv,
        Some(&admin),
        &format!("{path}?dry_run=true"),
        json!({"level": "gemeinde"}),
    )
    .await;
    assert_eq!(status, 200, "{dry}");
    assert_eq!(
        (
            dry["records_created"].as_i64(),
            dry["records_closed"].as_i64()
        ),
        (Some(633), Some(23))
    );
    assert_eq!(
        dry["figures_after"]["municipal_records"].as_i64().unwrap(),
        dry["figures_before"]["municipal_records"].as_i64().unwrap() + 633 - 23
    );
    assert_eq!(
        get(&srv, &admin, "/api/v1/records?ozg_id=10092&pro_seite=100").await["total"],
        23,
        "dry run wrote nothing"
    );
    let (status, _) = put(&srv, Some(&admin), path, json!({"level": "gemeinde"})).await;
    assert_eq!(status, 200);
    assert_eq!(
        get(&srv, &admin, "/api/v1/records?ozg_id=10092&pro_seite=1").await["total"],
        633
    );

    // and to the Kreise: exactly the 23 Landkreise and kreisfreien Städte
    let (status, moved) = put(
        &srv,
        Some(&admin),
        path,
        json!({"level": "kreis", "confirmed": true}),
    )
    .await;
    assert_eq!(status, 200, "{moved}");
    assert_eq!(
        (
            moved["records_created"].as_i64(),
            moved["records_reopened"].as_i64(),
            moved["records_closed"].as_i64()
        ),
        (Some(0), Some(23), Some(633))
    );
    let records = get(&srv, &admin, "/api/v1/records?ozg_id=10092&pro_seite=100").await;
    assert_eq!(records["total"], 23);
    let kreise = get(&srv, &admin, "/api/v1/org-units?art=kreis").await;
    let mut expected: Vec<&str> = kreise
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["code"].as_str().unwrap())
        .collect();
    let mut listed: Vec<&str> = records["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["org_unit_code"].as_str().unwrap())
        .collect();
    expected.sort_unstable();
    listed.sort_unstable();
    assert_eq!(listed, expected);
    let one = get(&srv, &admin, path).await;
    assert_eq!(
        (
            one["level"].as_str(),
            one["confirmed"].as_bool(),
            one["records_closed"].as_i64()
        ),
        (Some("kreis"), Some(true), Some(633))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changing_a_responsibility_is_for_the_administration_and_checks_what_it_gets() {
    let srv = thueringen().await;
    let admin = add_user(&srv, "ada@example.org", "admin", "").await;
    let coordinator = add_user(&srv, "kai@example.org", "koordination", "16068").await;
    let path = "/api/v1/services/10092/responsibility";
    let kreis = json!({"level": "kreis"});
    assert_eq!(put(&srv, None, path, kreis.clone()).await.0, 401);
    let (status, body) = put(&srv, Some(&coordinator), path, kreis.clone()).await;
    assert_eq!(status, 403, "{body}");
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("Administration"));
    for (body, expected) in [
        (json!({"level": "bezirk"}), 422),
        (json!({"level": "kreis", "zustaendig": "alle"}), 422),
        (json!({"level": "ressort", "lead_unit": "16068"}), 422),
        (json!({"level": "landesbehoerde"}), 422),
        (json!({"level": "kreis", "exceptions": ["00000"]}), 422),
    ] {
        let (status, answer) = put(&srv, Some(&admin), path, body.clone()).await;
        assert_eq!(status, expected, "{body} → {answer}");
        assert!(answer["error"]["message"].is_string(), "{answer}");
        assert!(
            !answer.to_string().contains("SELECT"),
            "no SQL text: {answer}"
        );
    }
    assert_eq!(
        put(
            &srv,
            Some(&admin),
            "/api/v1/services/99999/responsibility",
            kreis.clone()
        )
        .await
        .0,
        404
    );
    let r = srv
        .client
        .get(srv.url("/api/v1/services/99999/responsibility"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let body: Value = r.json().await.unwrap();
    assert_eq!(
        body["error"]["message"],
        "Die OZG-Leistung 99999 gibt es nicht."
    );
    assert_eq!(
        put(
            &srv,
            Some(&admin),
            &format!("{path}?dry_run=vielleicht"),
            kreis.clone()
        )
        .await
        .0,
        400
    );
    let r = srv
        .client
        .put(srv.url(path))
        .bearer_auth(&admin)
        .header("content-type", "application/json")
        .body("{\"level\":")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400, "broken JSON");
    // an exception: Sömmerda's Kreisstadt executes a Kreis task itself
    let (status, body) = put(
        &srv,
        Some(&admin),
        path,
        json!({"level": "kreis", "exceptions": ["16068051"]}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["records_created"], 1);
    assert_eq!(body["after"]["exceptions"][0]["code"], "16068051");
    // nothing was written by the refused requests: one audit entry, the last one
    let audit = srv
        .storage
        .audit_page(Some(server::storage::RESPONSIBILITY_CHANGED), 1, 10)
        .await
        .unwrap();
    assert_eq!(audit.total, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_lists_every_service_with_its_confirmation_and_filters() {
    let srv = thueringen().await;
    add_user(&srv, "ada@example.org", "admin", "").await;
    let cookie = srv.login("ada@example.org", PASSWORD).await.unwrap();
    let (status, html) = srv.get_signed_in("/zustaendigkeiten", &cookie).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("0 von 557 Zuständigkeiten bestätigt"),
        "honest about the assumption"
    );
    assert!(html.contains("193 Leistungen kommunal vollzogen"));
    assert!(html.contains("557 Leistungen"));
    assert!(
        html.contains("href=\"/zustaendigkeiten/10092\""),
        "the administration can change it"
    );
    let (_, filtered) = srv
        .get_signed_in("/zustaendigkeiten?ebene=landesbehoerde&q=ausweis", &cookie)
        .await;
    assert!(
        filtered.contains("Schwerbehindertenausweis")
            && filtered.contains("Thüringer Landesverwaltungsamt")
    );
    assert!(filtered.contains(">1 Leistung<"), "only the one service");
    // the dashboard counts what rests on responsibility, and can be narrowed to the confirmed
    let (status, dashboard) = srv.get_signed_in("/?bestaetigt=nein", &cookie).await;
    assert_eq!(status, 200);
    assert!(dashboard.contains("Grundgesamtheit: 193 OZG-Leistungen, die Kreise oder Gemeinden vollziehen (633 Gemeinden); 0 von 193 Zuständigkeiten bestätigt"), "municipal base named");
    let (_, confirmed_only) = srv.get_signed_in("/?bestaetigt=ja", &cookie).await;
    assert!(confirmed_only.contains("Grundgesamtheit: 0 OZG-Leistungen"));
    let (_, refused) = srv.get_signed_in("/?bestaetigt=vielleicht", &cookie).await;
    assert!(refused.contains("„vielleicht“ ist kein Wert für die Zuständigkeit"));
    let (status, form) = srv.get_signed_in("/zustaendigkeiten/10092", &cookie).await;
    assert_eq!(status, 200);
    assert!(form.contains("Zuständigkeit: 10092 Wohngeld"));
    assert!(form.contains("Probelauf"));
}

async fn import(
    srv: &TestServer,
    token: &str,
    query: &str,
    content_type: &str,
    body: Vec<u8>,
) -> Value {
    let r = srv
        .client
        .post(srv.url(&format!("/api/v1/imports/responsibilities{query}")))
        .bearer_auth(token)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_matrix_goes_out_as_csv_and_xlsx_and_comes_back_in() {
    const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    let srv = thueringen().await;
    let admin = add_user(&srv, "ada@example.org", "admin", "").await;
    let r = srv
        .client
        .get(srv.url("/api/v1/responsibilities.csv"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let disposition = r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(disposition.contains("zustaendigkeiten-"), "{disposition}");
    let csv = r.text().await.unwrap();
    assert!(csv.starts_with('\u{feff}'), "German Excel's dialect");
    let lines: Vec<&str> = csv
        .trim_start_matches('\u{feff}')
        .split("\r\n")
        .filter(|l| !l.is_empty())
        .collect();
    assert_eq!(lines.len(), 1 + 557);
    assert_eq!(
        lines[0],
        "OZG-ID;OZG-Leistung;Themenfeld;Ebene;Federführung;Bestätigt;Ausnahmen;Einträge"
    );

    // Fundsachen edited in the spreadsheet: to the Kreise, confirmed
    let edited: String = lines
        .iter()
        .map(|l| {
            if l.starts_with("10244;") {
                let mut f: Vec<&str> = l.split(';').collect();
                (f[3], f[5]) = ("kreis", "ja");
                f.join(";")
            } else {
                (*l).to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\r\n");
    let dry = import(&srv, &admin, "", "text/csv", edited.clone().into_bytes()).await;
    assert_eq!(
        (dry["dry_run"].as_bool(), dry["written"].as_bool()),
        (Some(true), Some(false)),
        "{dry}"
    );
    assert_eq!(
        (dry["lines_read"].as_i64(), dry["unchanged"].as_i64()),
        (Some(557), Some(556))
    );
    assert_eq!(dry["changed"][0]["ozg_id"], 10244);
    assert_eq!(
        dry["changed"][0]["changes"],
        json!(["Ebene: gemeinde → kreis", "bestätigt"])
    );
    assert_eq!(
        (
            dry["records_created"].as_i64(),
            dry["records_closed"].as_i64()
        ),
        (Some(23), Some(633))
    );
    assert_eq!(
        get(&srv, &admin, "/api/v1/services/10244/responsibility").await["level"],
        "gemeinde"
    );
    let done = import(
        &srv,
        &admin,
        "?dry_run=false",
        "text/csv",
        edited.into_bytes(),
    )
    .await;
    assert_eq!(done["written"], true, "{done}");
    let now = get(&srv, &admin, "/api/v1/services/10244/responsibility").await;
    assert_eq!(
        (now["level"].as_str(), now["confirmed"].as_bool()),
        (Some("kreis"), Some(true))
    );

    // the workbook opens in a real reader, and importing it back changes nothing
    let r = srv
        .client
        .get(srv.url("/api/v1/responsibilities.xlsx"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let bytes = r.bytes().await.unwrap().to_vec();
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.clone())).unwrap();
    let range = calamine::Reader::worksheet_range(&mut book, "Zuständigkeiten").unwrap();
    assert_eq!(range.height(), 1 + 557);
    let again = import(&srv, &admin, "?dry_run=false", XLSX, bytes).await;
    assert_eq!(
        (again["unchanged"].as_i64(), again["written"].as_bool()),
        (Some(557), Some(false)),
        "{again}"
    );

    // one bad line blocks the whole file
    let bad = "ozg_id;ebene\r\n10092;gemeinde\r\n10124;bezirk\r\n";
    let blocked = import(&srv, &admin, "?dry_run=false", "text/csv", bad.into()).await;
    assert_eq!(blocked["written"], false);
    assert_eq!(blocked["failed"][0]["position"], "Zeile 3");
    assert_eq!(
        get(&srv, &admin, "/api/v1/services/10092/responsibility").await["level"],
        "kreis"
    );
    let coordinator = add_user(&srv, "kai@example.org", "koordination", "16068").await;
    let r = srv
        .client
        .post(srv.url("/api/v1/imports/responsibilities"))
        .bearer_auth(&coordinator)
        .header("content-type", "text/csv")
        .body(bad)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
}

/// A kreisfreie Stadt is one administration for both levels: its coordinator edits its
/// Kreis-level and its Gemeinde-level records alike.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kreisfreie_stadt_edits_its_kreis_and_its_gemeinde_records() {
    let srv = thueringen().await;
    let erfurt = add_user(&srv, "erfurt@example.org", "koordination", "16051").await;
    for (service, unit) in [(10092, "16051"), (10124, "16051000")] {
        let list = get(
            &srv,
            &erfurt,
            &format!("/api/v1/records?ozg_id={service}&org_unit={unit}"),
        )
        .await;
        let record = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["org_unit_code"] == unit)
            .unwrap_or_else(|| panic!("{service} at {unit}: {list}"));
        let r = srv
            .client
            .patch(srv.url(&format!("/api/v1/records/{}", record["id"])))
            .bearer_auth(&erfurt)
            .json(&json!({"version": record["version"], "note": "Erfurt pflegt beide Ebenen"}))
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status(),
            200,
            "{service} at {unit}: {}",
            r.text().await.unwrap()
        );
    }
    let weimar = get(&srv, &erfurt, "/api/v1/records?ozg_id=10092&org_unit=16055").await;
    let id = weimar["items"][0]["id"].clone();
    let r = srv
        .client
        .patch(srv.url(&format!("/api/v1/records/{id}")))
        .bearer_auth(&erfurt)
        .json(&json!({"version": weimar["items"][0]["version"], "note": "fremd"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403, "another Kreis's record");
}
