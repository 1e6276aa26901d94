//! Zuständigkeiten over HTTP, on the whole of Thüringen with the curated matrix: the API and
//! its errors, the pages, and the figures and statuses whose honesty rests on them (what the
//! key figures count, a service the catalogue lacks, "online" with its proof, "nicht
//! relevant" approved by the Kompetenzzentrum).

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

/// The body of a file `path` downloads as `token` (it must answer 200).
async fn download(srv: &TestServer, token: &str, path: &str) -> Vec<u8> {
    let r = srv
        .client
        .get(srv.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{path}");
    r.bytes().await.unwrap().to_vec()
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

    // Fundsachen (a Verband task: 82 Verbände and 108 Gemeinden in none) edited in the
    // spreadsheet: to the Kreise, confirmed
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
        json!(["Ebene: verband → kreis", "bestätigt"])
    );
    assert_eq!(
        (
            dry["records_created"].as_i64(),
            dry["records_closed"].as_i64()
        ),
        (Some(23), Some(82 + 108))
    );
    assert_eq!(
        get(&srv, &admin, "/api/v1/services/10244/responsibility").await["level"],
        "verband"
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_key_figures_and_the_federal_table_count_the_same_services() {
    let srv = thueringen().await;
    add_user(&srv, "ada@example.org", "admin", "").await;
    let cookie = srv.login("ada@example.org", PASSWORD).await.unwrap();
    let today = chrono::Utc::now().date_naive();
    let land_population = land_population(&srv).await;

    // the Land: every service has a responsible unit
    let land = srv
        .storage
        .dashboard_at(&Default::default(), today)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (land.services_counted(), land.services_not_counted()),
        (557, 0)
    );
    for row in &land.federal {
        if let Some(mean) = row.mean_population_applicable() {
            assert!(
                mean <= land_population && mean > land_population * 9 / 10,
                "a mean per service, not a sum over services: {mean} of {land_population}"
            );
        }
    }
    let (_, html) = srv.get_signed_in("/", &cookie).await;
    let at = html
        .find("federal-total")
        .map_or(0, |i| i.saturating_sub(100));
    assert!(
        html.contains("data-testid=\"federal-total\" class=\"num\">557<"),
        "{}",
        &html[at..(at + 300).min(html.len())]
    );
    assert!(html.contains("von 557 OZG-Leistungen sind bei allen zuständigen Stellen online"));
    assert!(!html.contains("Nicht gezählt"));

    // Erfurt: only what Kreise and Gemeinden execute has a record there. Wohngeld declared
    // "nicht relevant" there leaves the denominator of the tile, as it leaves the federal
    // table, and the tile says what it left out
    let admin = add_user(&srv, "kc@example.org", "admin", "").await;
    let wohngeld = get(&srv, &admin, "/api/v1/records?ozg_id=10092&org_unit=16051").await;
    let record = &wohngeld["items"][0];
    assert_eq!(record["org_unit_code"], "16051");
    let mut record = record.clone();
    for status in ["nicht_relevant_beantragt", "nicht_relevant"] {
        record = patch_record(
            &srv,
            &admin,
            &record,
            json!({"version": record["version"], "status": status, "comment": "Test"}),
        )
        .await;
    }
    let erfurt = app::domain::DashboardFilter {
        kreis: app::domain::UnitCode::parse("16051"),
        ..Default::default()
    };
    let zoomed = srv
        .storage
        .dashboard_at(&erfurt, today)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        zoomed.services.total, 193,
        "the services with a record in Erfurt"
    );
    assert_eq!(
        (zoomed.services_counted(), zoomed.services_not_counted()),
        (192, 1)
    );
    let (_, html) = srv.get_signed_in("/?kreis=16051", &cookie).await;
    assert!(
        html.contains("data-testid=\"federal-total\" class=\"num\">192<"),
        "federal table"
    );
    assert!(
        html.contains("von 192 OZG-Leistungen sind bei allen zuständigen Stellen online"),
        "key figure"
    );
    assert!(
        html.contains("überall „nicht relevant“): 1."),
        "what is left out is said"
    );
}

/// The Land's inhabitants as the seed stored them.
async fn land_population(srv: &TestServer) -> i64 {
    let query = app::domain::OrgUnitQuery {
        kind: Some(app::domain::OrgUnitKind::Land),
        parent: None,
    };
    let units = srv.storage.org_units(&query).await.unwrap();
    units[0].population.expect("the Land has its population")
}

async fn post_service(
    srv: &TestServer,
    token: Option<&str>,
    query: &str,
    body: Value,
) -> (u16, Value) {
    let mut req = srv
        .client
        .post(srv.url(&format!("/api/v1/services{query}")))
        .json(&body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let r = req.send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// PATCHes `record` with `body` as `token`: the status and the answer.
async fn try_patch(srv: &TestServer, token: &str, record: &Value, body: Value) -> (u16, Value) {
    let r = srv
        .client
        .patch(srv.url(&format!("/api/v1/records/{}", record["id"])))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap())
}

/// [`try_patch`] that must be saved: the record as saved.
async fn patch_record(srv: &TestServer, token: &str, record: &Value, body: Value) -> Value {
    let (status, answer) = try_patch(srv, token, record, body).await;
    assert_eq!(status, 200, "{answer}");
    answer
}

/// [`try_patch`] that must be refused as invalid (422): the first field named, and the
/// answer as text.
async fn refused(srv: &TestServer, token: &str, record: &Value, body: Value) -> (String, String) {
    let (status, answer) = try_patch(srv, token, record, body).await;
    assert_eq!(status, 422, "{answer}");
    let field = answer["fields"][0]["field"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    (field, answer.to_string())
}

/// A bulk change as `token`: the status and the summary.
async fn bulk(srv: &TestServer, token: &str, body: Value) -> (u16, Value) {
    let r = srv
        .client
        .post(srv.url("/api/v1/records/bulk"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

/// The press release's example: the Land offered employers the "Entschädigung nach § 56 Abs. 1
/// IfSG" online in 2020; the 2019 catalogue does not list it. The administration adds it for
/// the Landesverwaltungsamt, its coordinator records it online with its URL, and it counts in
/// the figures, the exports and the report.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_service_the_catalogue_lacks_is_added_recorded_online_and_counted() {
    let srv = thueringen().await;
    let admin = add_user(&srv, "ada@example.org", "admin", "").await;
    let tlvwa = add_user(&srv, "tlvwa@example.org", "koordination", "TLVwA").await;
    let (_, suggested) = srv.storage.new_service_choices().await.unwrap();
    assert_eq!(
        suggested.map(app::domain::OzgId::get),
        Some(10602),
        "after the catalogue's 10601"
    );
    let ifsg = json!({
        "ozg_id": 10602,
        "name": "Entschädigung nach § 56 Abs. 1 IfSG",
        "lage_id": 33,
        "leika_keys": ["99990056000000"],
        "leika_types": "2",
        "level": "landesbehoerde",
        "lead_unit": "TLVwA",
        "confirmed": true
    });

    // who may, and what is checked
    assert_eq!(post_service(&srv, None, "", ifsg.clone()).await.0, 401);
    assert_eq!(
        post_service(&srv, Some(&tlvwa), "", ifsg.clone()).await.0,
        403
    );
    for (field, value, expected) in [
        ("ozg_id", json!(10092), "schon vergeben"),
        ("lage_id", json!(999), "Lebenslage 999 gibt es nicht"),
        (
            "lead_unit",
            json!("16051"),
            "keine bestehende Einheit der Art",
        ),
        (
            "leika_keys",
            json!(["99012001000000"]),
            "gehört schon zur OZG-Leistung 10513",
        ),
        ("leika_types", json!("7"), "kein bekannter LeiKa-Typ"),
        ("level", json!("verwaltungsgemeinschaft"), "Erlaubte Ebenen"),
    ] {
        let mut body = ifsg.clone();
        body[field] = value;
        let (status, answer) = post_service(&srv, Some(&admin), "", body).await;
        assert_eq!(status, 422, "{field}: {answer}");
        assert!(answer.to_string().contains(expected), "{field}: {answer}");
    }

    // the dry run says what would happen and keeps nothing
    let (status, dry) = post_service(&srv, Some(&admin), "?dry_run=true", ifsg.clone()).await;
    assert_eq!(status, 200, "{dry}");
    assert_eq!(dry["records_created"], 1);
    assert_eq!(dry["figures_after"]["services"], 558);
    let r = srv
        .client
        .get(srv.url("/api/v1/services/10602/responsibility"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404, "a dry run keeps nothing");

    let (status, added) = post_service(&srv, Some(&admin), "", ifsg.clone()).await;
    assert_eq!(status, 201, "{added}");
    assert_eq!(added["after"]["level"], "landesbehoerde");
    assert_eq!(added["after"]["lead_unit"]["code"], "TLVwA");
    assert_eq!(added["after"]["confirmed"], true);
    assert_eq!(
        post_service(&srv, Some(&admin), "", ifsg.clone()).await.0,
        422,
        "only once"
    );
    let audit = srv
        .storage
        .audit_page(Some(server::storage::SERVICE_ADDED), 1, 10)
        .await
        .unwrap();
    assert_eq!(audit.items.len(), 1);

    // the Landesverwaltungsamt's coordinator has its one record and puts it online
    let list = get(&srv, &tlvwa, "/api/v1/records?ozg_id=10602").await;
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{list}");
    assert_eq!(items[0]["org_unit_code"], "TLVwA");
    let record = patch_record(
        &srv,
        &tlvwa,
        &items[0],
        json!({"version": items[0]["version"], "status": "in_umsetzung"}),
    )
    .await;
    let url = "https://service.thueringen.de/entschaedigung-ifsg";
    patch_record(
        &srv,
        &tlvwa,
        &record,
        json!({"version": record["version"], "status": "online", "online_url": url, "maturity": 3}),
    )
    .await;

    // counted: the dashboard, the service list, the exports and the report
    let today = chrono::Utc::now().date_naive();
    let o = srv
        .storage
        .dashboard_at(&Default::default(), today)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((o.services.total, o.services_counted()), (558, 558));
    assert_eq!(o.services.online_full, 1, "online wherever it applies");
    let (_, page) = srv
        .get_signed_in(
            "/leistungen/10602",
            &srv.login("ada@example.org", PASSWORD).await.unwrap(),
        )
        .await;
    assert!(page.contains("Entschädigung nach § 56 Abs. 1 IfSG"));
    let csv = String::from_utf8(download(&srv, &admin, "/api/v1/records.csv?ozg_id=10602").await)
        .unwrap();
    assert!(csv.contains(url), "{csv}");
    let federal =
        String::from_utf8(download(&srv, &admin, "/api/v1/federal-export.csv").await).unwrap();
    let line = federal
        .lines()
        .find(|l| l.contains(",10602,"))
        .unwrap_or_else(|| panic!("{federal}"));
    assert!(
        line.starts_with("99990056000000,") && line.contains(url),
        "{line}"
    );
    let pdf = download(&srv, &admin, "/api/v1/reports/land.pdf").await;
    let text: String = pdf_extract::extract_text_from_mem(&pdf)
        .unwrap()
        .split_whitespace()
        .collect();
    assert!(
        text.contains("OZG-LeistungenimBericht:558") || text.contains("OZG-LeistungenimBericht558"),
        "{}",
        &text[..text.len().min(3000)]
    );
}

/// "online" needs the address of the online service or the EfA solution that provides it:
/// the form and the API refuse it without, a bulk change refuses the records without, and a
/// record online from before the rule keeps its other edits and is listed for review on the
/// coordinator's "Meine Aufgaben" — not silently changed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn online_needs_its_address_or_efa_solution_and_older_ones_are_listed_for_review() {
    let srv = thueringen().await;
    let erfurt = add_user(&srv, "erfurt@example.org", "koordination", "16051").await;
    let list = get(&srv, &erfurt, "/api/v1/records?org_unit=16051&pro_seite=4").await;
    let records: Vec<Value> = list["items"].as_array().unwrap().clone();
    assert_eq!(records.len(), 4, "{list}");
    let mut current = Vec::new();
    for r in &records {
        current.push(
            patch_record(
                &srv,
                &erfurt,
                r,
                json!({"version": r["version"], "status": "in_umsetzung"}),
            )
            .await,
        );
    }

    // one by one: refused without, saved with either
    let (field, body) = refused(
        &srv,
        &erfurt,
        &current[0],
        json!({"version": current[0]["version"], "status": "online"}),
    )
    .await;
    assert_eq!(field, "online_url", "{body}");
    assert!(
        body.contains("Adresse des Online-Angebots oder die EfA-Lösung"),
        "{body}"
    );
    let efa = patch_record(
        &srv,
        &erfurt,
        &current[0],
        json!({"version": current[0]["version"], "status": "online", "efa_solution": "Wohngeld-Digital (EfA Berlin)"}),
    )
    .await;
    assert_eq!(efa["status_code"], "online");

    // in bulk: the record that names its address goes online, the other is refused
    patch_record(
        &srv,
        &erfurt,
        &current[1],
        json!({"version": current[1]["version"], "online_url": "https://www.erfurt.de/online"}),
    )
    .await;
    let (_, summary) = bulk(
        &srv,
        &erfurt,
        json!({"record_ids": [current[1]["id"], current[2]["id"]], "status": "online"}),
    )
    .await;
    assert_eq!(summary["changed"].as_array().unwrap().len(), 1, "{summary}");
    assert_eq!(summary["changed"][0]["record_id"], current[1]["id"]);
    assert_eq!(summary["refused"][0]["record_id"], current[2]["id"]);
    assert!(summary["refused"][0]["reason"]
        .as_str()
        .unwrap()
        .contains("EfA-Lösung"));

    // online from before the rule (written past it, as an older version or an import did):
    // listed for review, its other fields still editable, its status kept
    let old = &current[3];
    set_status(
        &srv.storage,
        old["id"].as_i64().unwrap(),
        old["version"].as_i64().unwrap(),
        "online",
    )
    .await;
    let cookie = srv.login("erfurt@example.org", PASSWORD).await.unwrap();
    let (_, work) = srv.get_signed_in("/meine-aufgaben", &cookie).await;
    assert!(work.contains("Online ohne Nachweis (1)"), "review list");
    assert!(work.contains(&format!("href=\"/umsetzungsstaende/{}\"", old["id"])));
    let record = get(&srv, &erfurt, &format!("/api/v1/records/{}", old["id"])).await;
    let noted = patch_record(
        &srv,
        &erfurt,
        &record,
        json!({"version": record["version"], "note": "URL folgt"}),
    )
    .await;
    assert_eq!(noted["status_code"], "online", "kept, not silently changed");
}

/// "nicht relevant" leaves the denominator only once the Kompetenzzentrum approved it: the
/// coordinator applies with a reason, the record still counts, the administration sees the
/// request on "Meine Aufgaben" and approves it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nicht_relevant_is_requested_with_a_reason_and_approved_by_the_administration() {
    let srv = thueringen().await;
    let erfurt = add_user(&srv, "erfurt@example.org", "koordination", "16051").await;
    let admin = add_user(&srv, "ada@example.org", "admin", "").await;
    let list = get(&srv, &erfurt, "/api/v1/records?ozg_id=10092&org_unit=16051").await;
    let record = list["items"][0].clone();
    let counted = || async {
        srv.storage
            .responsibility_figures()
            .await
            .unwrap()
            .municipal_records
    };
    let before = counted().await;
    // no way around the request, and the request needs its reason
    let (field, body) = refused(
        &srv,
        &erfurt,
        &record,
        json!({"version": record["version"], "status": "nicht_relevant", "comment": "x"}),
    )
    .await;
    assert_eq!(field, "status", "{body}");
    let (field, body) = refused(
        &srv,
        &erfurt,
        &record,
        json!({"version": record["version"], "status": "nicht_relevant_beantragt"}),
    )
    .await;
    assert_eq!(field, "comment", "{body}");
    assert!(body.contains("braucht eine Begründung"), "{body}");
    let requested = patch_record(
        &srv,
        &erfurt,
        &record,
        json!({"version": record["version"], "status": "nicht_relevant_beantragt", "comment": "Wohngeld bearbeitet die Stadt nicht selbst"}),
    )
    .await;
    assert_eq!(counted().await, before, "a request still counts");

    // the coordinator cannot approve it, alone or in bulk
    let (field, body) = refused(
        &srv,
        &erfurt,
        &requested,
        json!({"version": requested["version"], "status": "nicht_relevant", "comment": "bitte"}),
    )
    .await;
    assert_eq!(field, "status", "{body}");
    assert!(body.contains("Kompetenzzentrum"), "{body}");
    let (status, _) = bulk(
        &srv,
        &erfurt,
        json!({"record_ids": [requested["id"]], "status": "nicht_relevant", "comment": "bitte"}),
    )
    .await;
    assert_eq!(status, 422);

    // the administration sees the request and approves it
    let cookie = srv.login("ada@example.org", PASSWORD).await.unwrap();
    let (_, work) = srv.get_signed_in("/meine-aufgaben", &cookie).await;
    assert!(work.contains("Freigaben „nicht relevant“ (1)"), "the queue");
    assert!(work.contains(&format!("href=\"/umsetzungsstaende/{}\"", requested["id"])));
    let (field, body) = refused(
        &srv,
        &admin,
        &requested,
        json!({"version": requested["version"], "status": "nicht_relevant"}),
    )
    .await;
    assert_eq!(field, "comment", "the approval names its reason: {body}");
    let approved = patch_record(&srv, &admin, &requested, json!({"version": requested["version"], "status": "nicht_relevant", "comment": "geprüft: Aufgabe des Landratsamts"})).await;
    assert_eq!(approved["status_code"], "nicht_relevant");
    assert_eq!(
        counted().await,
        before - 1,
        "out of the denominator once approved"
    );
    let (_, work) = srv.get_signed_in("/meine-aufgaben", &cookie).await;
    assert!(work.contains("Freigaben „nicht relevant“ (0)"));
}

/// Migration 0015 on a database of the release before: the old pipeline's direct ways into
/// "nicht relevant" (the default one and a Land's own) become ways into the request, and the
/// request leads on to the approval and back. On both databases.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upgrading_reroutes_every_way_into_nicht_relevant_through_the_request() {
    use server::storage::Storage;
    use sqlx::migrate::Migrator;

    macro_rules! upgrade {
        ($pool:expr, $dir:literal) => {{
            let pool = $pool;
            let path =
                std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../migrations/", $dir));
            let mut before = Migrator::new(path).await.unwrap();
            let older: Vec<_> = before
                .migrations
                .iter()
                .filter(|m| m.version < 15)
                .cloned()
                .collect();
            before.migrations = older.into();
            before.run(pool).await.unwrap();
            for (code, label, phase, order) in [
                ("nicht_begonnen", "nicht begonnen", "not_started", 10),
                ("in_planung", "in Planung", "planning", 20),
                ("nicht_relevant", "nicht relevant", "not_relevant", 70),
            ] {
                sqlx::query(
                    "INSERT INTO status (code, label, phase, sort_order) VALUES ($1, $2, $3, $4)",
                )
                .bind(code)
                .bind(label)
                .bind(phase)
                .bind(order)
                .execute(pool)
                .await
                .unwrap();
            }
            for (from, to) in [
                ("nicht_begonnen", "in_planung"),
                ("nicht_begonnen", "nicht_relevant"),
                ("in_planung", "nicht_relevant"),
                ("nicht_relevant", "nicht_begonnen"),
            ] {
                sqlx::query("INSERT INTO status_transition (from_code, to_code) VALUES ($1, $2)")
                    .bind(from)
                    .bind(to)
                    .execute(pool)
                    .await
                    .unwrap();
            }
            Migrator::new(path).await.unwrap().run(pool).await.unwrap();
            let phase: String = sqlx::query_scalar(
                "SELECT phase FROM status WHERE code = 'nicht_relevant_beantragt'",
            )
            .fetch_one(pool)
            .await
            .unwrap();
            let mut transitions: Vec<(String, String)> = sqlx::query_as(
                "SELECT from_code, to_code FROM status_transition ORDER BY from_code, to_code",
            )
            .fetch_all(pool)
            .await
            .unwrap();
            transitions.sort();
            (phase, transitions)
        }};
    }
    let mut results = Vec::new();
    let sqlite = Storage::connect("sqlite::memory:").await.unwrap();
    if let Storage::Sqlite(pool) = &sqlite {
        results.push(upgrade!(pool, "sqlite"));
    }
    if let Some(url) = postgres_database_url().await {
        let postgres = Storage::connect(&url).await.unwrap();
        if let Storage::Postgres(pool) = &postgres {
            results.push(upgrade!(pool, "postgres"));
        }
    }
    let pair = |f: &str, t: &str| (f.to_owned(), t.to_owned());
    for (phase, transitions) in results {
        assert_eq!(phase, "deferred", "a request still counts");
        assert_eq!(
            transitions,
            [
                pair("in_planung", "nicht_relevant_beantragt"),
                pair("nicht_begonnen", "in_planung"),
                pair("nicht_begonnen", "nicht_relevant_beantragt"),
                pair("nicht_relevant", "nicht_begonnen"),
                pair("nicht_relevant_beantragt", "nicht_begonnen"),
                pair("nicht_relevant_beantragt", "nicht_relevant"),
            ]
        );
    }
}

/// The units of the records `/api/v1/records?{query}` lists, in its order.
async fn record_units(srv: &TestServer, token: &str, query: &str) -> Vec<String> {
    get(srv, token, &format!("/api/v1/records?{query}")).await["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["org_unit_code"].as_str().unwrap().to_owned())
        .collect()
}

/// The HTML of the page at `path` as `token` sees it (it must answer 200).
async fn html(srv: &TestServer, token: &str, path: &str) -> String {
    String::from_utf8(download(srv, token, path).await).unwrap()
}

/// A server function of the settings page, called as `token` (none: anonymous) with `form`.
async fn setting(
    srv: &TestServer,
    token: Option<&str>,
    endpoint: &str,
    form: &[(&str, &str)],
) -> (u16, Value) {
    let mut req = srv
        .client
        .post(srv.url(&format!("/api/fn/{endpoint}")))
        .header("accept", "application/json")
        .form(form);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let r = req.send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// The Kompetenzzentrum's settings leave SQL: the administration changes the pipeline, the
/// Reifegrad model, the trend's target dates and the Landesbehörden on its page, each change
/// shows everywhere at once and is in the audit log; nobody else may.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_settings_are_the_administrations_and_show_everywhere_at_once() {
    let srv = thueringen().await;
    let admin = add_user(&srv, "ada@example.org", "admin", "").await;
    let coordinator = add_user(&srv, "kai@example.org", "koordination", "16068").await;
    assert_eq!(setting(&srv, None, "settings", &[]).await.0, 401);
    assert_eq!(
        setting(&srv, Some(&coordinator), "settings", &[]).await.0,
        403
    );
    let deadline = [("date", "2026-12-31"), ("label", "Landesziel Thüringen")];
    assert_eq!(
        setting(&srv, Some(&coordinator), "add-deadline", &deadline)
            .await
            .0,
        403
    );
    let (status, settings) = setting(&srv, Some(&admin), "settings", &[]).await;
    assert_eq!(status, 200, "{settings}");
    assert_eq!(settings["statuses"].as_array().unwrap().len(), 8);
    assert_eq!(settings["maturity_model"], "1.1");

    // a target date in the trend of the dashboard
    let (status, after) = setting(&srv, Some(&admin), "add-deadline", &deadline).await;
    assert_eq!(status, 200, "{after}");
    assert_eq!(after["deadlines"].as_array().unwrap().len(), 2);
    let (status, refused) = setting(&srv, Some(&admin), "add-deadline", &deadline).await;
    assert_eq!(status, 422);
    assert!(
        refused["Unprocessable"][0]
            .as_str()
            .unwrap_or_default()
            .contains("31.12.2026"),
        "{refused}"
    );
    let page = html(&srv, &admin, "/").await;
    assert!(
        page.contains("Landesziel Thüringen"),
        "the trend draws the new target date"
    );

    // the Reifegrad model 2.0 with a level name the Kompetenzzentrum entered
    assert_eq!(
        setting(
            &srv,
            Some(&admin),
            "choose-maturity-model",
            &[("model", "2.0")]
        )
        .await
        .0,
        200
    );
    let rename = [
        ("model", "2.0"),
        ("level", "7"),
        ("label", "Ende-zu-Ende digital"),
    ];
    assert_eq!(
        setting(&srv, Some(&admin), "rename-maturity-level", &rename)
            .await
            .0,
        200
    );
    let page = html(&srv, &admin, "/").await;
    assert!(
        page.contains("Reifegradmodell 2.0") && page.contains("Ende-zu-Ende digital"),
        "the Reifegrad tile names the model in use and its levels"
    );

    // a status's new label is what the record form offers
    let rename = [
        ("code", "online"),
        ("label", "online verfügbar (OZG-konform)"),
        ("sort_order", "50"),
    ];
    assert_eq!(
        setting(&srv, Some(&admin), "edit-status", &rename).await.0,
        200
    );
    let bad = [
        ("code", "In Abstimmung"),
        ("label", "x"),
        ("phase", "planning"),
        ("sort_order", "25"),
    ];
    let (status, answer) = setting(&srv, Some(&admin), "add-status", &bad).await;
    assert_eq!(status, 422, "{answer}");
    assert!(
        answer["Unprocessable"][0]
            .as_str()
            .unwrap_or_default()
            .contains("Kleinbuchstaben"),
        "{answer}"
    );
    let (status, answer) = setting(
        &srv,
        Some(&admin),
        "remove-status",
        &[("code", "nicht_begonnen")],
    )
    .await;
    assert_eq!(status, 422, "a status in use stays: {answer}");
    let record = get(&srv, &admin, "/api/v1/records?ozg_id=10092&org_unit=16051").await;
    let id = record["items"][0]["id"].as_i64().unwrap();
    let form = html(&srv, &admin, &format!("/umsetzungsstaende/{id}")).await;
    assert!(
        form.contains("online verfügbar (OZG-konform)"),
        "the record form offers the new label"
    );

    // a new Landesbehörde takes over a service
    let authority = [
        ("code", "TLLLR"),
        (
            "name",
            "Thüringer Landesamt für Landwirtschaft und Ländlichen Raum",
        ),
    ];
    assert_eq!(
        setting(&srv, Some(&admin), "add-authority", &authority)
            .await
            .0,
        200
    );
    let (status, body) = put(
        &srv,
        Some(&admin),
        "/api/v1/services/10092/responsibility",
        json!({"level": "landesbehoerde", "lead_unit": "TLLLR", "confirmed": true}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(record_units(&srv, &admin, "ozg_id=10092").await, ["TLLLR"]);

    // without JavaScript the form comes back to the page with its outcome
    let r = srv
        .client
        .post(srv.url("/api/fn/remove-deadline"))
        .bearer_auth(&admin)
        .header("accept", "text/html")
        .form(&[("date", "2022-12-31")])
        .send()
        .await
        .unwrap();
    assert!(r.status().is_redirection(), "{}", r.status());
    assert_eq!(
        r.headers()["location"],
        "/verwaltung/einstellungen?gespeichert=1"
    );
    let page = html(&srv, &admin, "/verwaltung/einstellungen?gespeichert=1").await;
    assert!(
        page.contains("Gespeichert.")
            && page.contains("Landesziel Thüringen")
            && !page.contains("OZG-Umsetzungsfrist")
    );

    // every change in the audit log, none of the refused ones
    let (status, log) = setting(
        &srv,
        Some(&admin),
        "audit-log",
        &[("action", "einstellung_geaendert"), ("page", "1")],
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(log["total"], 6, "{log}");
}

/// The Meldebehörde is the Gemeinde or its Verwaltungsgemeinschaft / erfüllende Gemeinde: the
/// shipped matrix gives Wohnsitzmeldungen to the 82 Verbände and the 108 Gemeinden in none,
/// a Verband's page lists its members, and a Kreis's page its Verbände.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_verbaende_hold_the_transferred_tasks_of_their_members() {
    let srv = thueringen().await;
    let admin = add_user(&srv, "ada@example.org", "admin", "").await;
    let units = record_units(&srv, &admin, "ozg_id=10124&pro_seite=500").await;
    assert_eq!(units.len(), 190);
    assert_eq!(
        units.iter().filter(|c| c.len() == 9).count(),
        82,
        "Verbände"
    );
    assert_eq!(
        units.iter().filter(|c| c.len() == 8).count(),
        108,
        "Gemeinden in none"
    );
    let holds = |code: &str| units.iter().any(|u| u == code);
    assert!(holds("160615001") && holds("16051000"));
    assert!(!holds("16061003"), "Berlingerode is served by its VG");
    // the Hundesteuer stays with every Gemeinde
    assert_eq!(
        get(&srv, &admin, "/api/v1/records?ozg_id=10160&pro_seite=1").await["total"],
        633
    );
    let vg = html(&srv, &admin, "/organisationen/160615001").await;
    assert!(vg.contains("Verwaltungsgemeinschaft Lindenberg/Eichsfeld"));
    assert!(vg.contains("Berlingerode") && vg.contains("Wohnsitzmeldungen"));
    let kreis = html(&srv, &admin, "/organisationen/16061").await;
    assert!(kreis.contains("Verwaltungsgemeinschaft Lindenberg/Eichsfeld"));
}
