//! HTTP tests against a server spawned on a random port: server-rendered pages and the JSON API.

mod support;

use support::*;

/// The services table of a catalogue page (the page also carries serialised filter options).
fn services_table(html: &str) -> &str {
    let start = html
        .find("data-testid=\"services-table\"")
        .expect("services table");
    let end = html[start..].find("</table>").expect("table end");
    &html[start..start + end]
}

fn assert_no_internals(body: &str) {
    for leak in [
        "SELECT",
        "sqlx",
        "panicked",
        "implementation_record",
        "stack backtrace",
    ] {
        assert!(!body.contains(leak), "response leaks {leak:?}: {body}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_json_and_csv_are_compressed_for_a_client_that_accepts_it() {
    use std::io::Read;
    let srv = spawn_public(true).await;
    for path in [
        "/",
        "/leistungen",
        "/api/v1/services",
        "/api/v1/records.csv?kreis=16051",
    ] {
        let fetch = |encoding: Option<&'static str>| {
            let mut request = srv.client.get(format!("{}{path}", srv.base));
            if let Some(e) = encoding {
                request = request.header("accept-encoding", e);
            }
            request.send()
        };
        let plain = fetch(None).await.unwrap();
        assert_eq!(plain.status(), 200, "{path}");
        assert!(
            plain.headers().get("content-encoding").is_none(),
            "{path}: plain without Accept-Encoding"
        );
        let plain = plain.bytes().await.unwrap();

        let br = fetch(Some("gzip, deflate, br")).await.unwrap();
        assert_eq!(
            br.headers()["content-encoding"],
            "br",
            "{path}: brotli preferred"
        );
        let br = br.bytes().await.unwrap();
        assert!(
            br.len() * 3 < plain.len(),
            "{path}: {} of {} bytes",
            br.len(),
            plain.len()
        );

        let gzip = fetch(Some("gzip")).await.unwrap();
        assert_eq!(gzip.headers()["content-encoding"], "gzip", "{path}");
        let mut unpacked = Vec::new();
        flate2::read::GzDecoder::new(&gzip.bytes().await.unwrap()[..])
            .read_to_end(&mut unpacked)
            .unwrap();
        // pages carry a fresh nonce and CSV an export time: compare their length only
        assert_eq!(unpacked.len(), plain.len(), "{path}: the same body");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dashboard_is_server_rendered_with_kpis_chart_and_demo_notice() {
    let srv = spawn_public(true).await;
    let (status, html) = srv.get("/").await;
    assert_eq!(status, 200);
    assert!(html.contains("<html lang=\"de\""));
    assert!(html.contains("Übersicht: Umsetzung der OZG-Leistungen"));
    assert!(
        html.contains("class=\"demo-notice\""),
        "demo data is labelled"
    );
    assert!(html.contains("OZG-Leistungen flächendeckend online"));
    assert!(html.contains("Abdeckung nach Einwohnern"));
    // `<!>` are Leptos' hydration markers between text parts
    let text = html.replace("<!>", "");
    let date = text.split("Datenstand: ").nth(1).expect("data date shown");
    assert!(
        date.chars().take(10).filter(char::is_ascii_digit).count() == 8 && date[2..3] == *".",
        "a German date follows: {}",
        &date[..20]
    );
    assert!(
        html.contains("von 557 OZG-Leistungen"),
        "the denominator is shown"
    );
    let title = html
        .find("status-by-themenfeld-title")
        .expect("chart by Themenfeld");
    let svg = &html[html[..title].rfind("<svg").expect("inline chart")..];
    let svg = &svg[..svg.find("</svg>").expect("chart closes")];
    assert!(svg.contains("<title id=\"status-by-themenfeld-title\">"));
    assert!(
        svg.contains("Familie &amp; Kind"),
        "Themenfeld labels in the chart"
    );
    assert!(svg.matches("<rect").count() > 14, "bars drawn");
    assert!(html.contains("Diagrammdaten als Tabelle"));
    assert!(
        html.contains("hydrate();") && html.contains("from \"/pkg/ozg-monitor.js\""),
        "hydration script for the ozg-monitor bundle"
    );
    assert!(
        html.contains("Statistisches Bundesamt"),
        "attribution in the footer"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_filter_and_date_are_in_the_url() {
    let srv = spawn_public(true).await;
    let (status, html) = srv.get("/?themenfeld=6&am=31.12.2022").await;
    assert_eq!(status, 200);
    let text = html.replace("<!>", "");
    assert!(
        text.contains("Stand am <strong>31.12.2022</strong>"),
        "{text}"
    );
    for id in [
        "map-title",
        "trend-title",
        "status-by-themenfeld-title",
        "status-by-ressort-title",
        "maturity-title",
    ] {
        assert!(html.contains(&format!("<title id=\"{id}\">")), "{id} drawn");
    }
    assert!(
        html.contains("OZG-Umsetzungsfrist 31.12.2022"),
        "the configured deadline"
    );
    // drill-down: bar segments open the catalogue with the same service filter
    assert!(
        html.contains("href=\"/leistungen?themenfeld=6&amp;stand="),
        "segment links"
    );
    assert!(html.contains("© GeoBasis-DE / BKG 2021"), "map attribution");
    assert!(html.contains("href=\"http://www.bkg.bund.de\""));
    assert!(html.contains("class=\"map-region\""), "linked map regions");
    let (_, themed) = srv.get("/?themenfeld=6").await;
    assert!(
        themed.contains("href=\"/?themenfeld=6&amp;kreis=16068\""),
        "a Kreis on the map zooms in and keeps the Themenfeld"
    );
    assert!(
        html.contains("kreisweit flächendeckend in mind. einem Kreis"),
        "federal categories"
    );
    assert!(html.contains("Verspätungen werden für den heutigen Stand berechnet"));
    let (_, today) = srv.get("/?kreis=16051").await;
    assert!(
        today.contains("Abdeckung in den Gemeinden von"),
        "zoomed into a Kreis"
    );
    assert!(
        today.contains("data-testid=\"late-by-kreis\""),
        "lateness today"
    );
    assert!(
        today.contains("href=\"/organisationen/16051\""),
        "a late Kreis links to its page"
    );
    // every figure is counted at that date: fewer services online than today
    let partly_online_at_end = |html: &str| -> i64 {
        let text = html
            .split("teilweise online am Ende: ")
            .nth(1)
            .expect("trend description");
        text[..text.find('.').unwrap()].parse().unwrap()
    };
    let then = partly_online_at_end(&srv.get("/?am=2020-06-30").await.1);
    let now = partly_online_at_end(&srv.get("/").await.1);
    assert!(
        then < now,
        "mid-2020 shows fewer services online ({then}) than today ({now})"
    );

    // like the catalogue, a malformed filter is explained on the page itself
    let (status, html) = srv.get("/?am=31.02.2022&kreis=%3Cx%3E").await;
    assert_eq!(status, 200);
    assert!(html.contains("kein Datum"), "German message for the date");
    assert!(html.contains("Filter zurücksetzen"));
    let (status, html) = srv.get("/?kreis=99999").await;
    assert_eq!(status, 400);
    assert!(html.contains("keinen Kreis"));
}

/// The "kommunale Umsetzungsstände online" of a dashboard page.
fn municipal_online(html: &str) -> i64 {
    let text = html.replace("<!>", "");
    let before = text
        .split(" kommunalen Umsetzungsständen")
        .next()
        .expect("municipal KPI");
    let figures = before.rsplit('>').next().unwrap();
    let online = figures.split(" von ").next().unwrap();
    online.replace('.', "").parse().expect("a number")
}

/// The dashboard keeps drawn views (server/src/dashboard_cache.rs); a write of any instance
/// must show at once. The write goes to the database directly, not through this server, as
/// another instance's would.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_shows_every_edit_at_once() {
    let srv = spawn_public(false).await;
    let (status, first) = srv.get("/?kreis=16068").await;
    assert_eq!(status, 200);
    let online_before = municipal_online(&first);
    let land_before = municipal_online(&srv.get("/").await.1);
    let (_, again) = srv.get("/?kreis=16068").await;
    assert_eq!(
        municipal_online(&again),
        online_before,
        "drawn again or kept"
    );

    let record = gemeinde_record(&srv.storage, 10000, "16068").await;
    for (version, status) in [
        (record.version, "in_umsetzung"),
        (record.version + 1, "online"),
    ] {
        set_status(&srv.storage, record.id, version, status).await;
    }
    let (_, after) = srv.get("/?kreis=16068").await;
    assert_eq!(
        municipal_online(&after),
        online_before + 1,
        "the edit counts"
    );
    let (_, land) = srv.get("/").await;
    assert_eq!(
        municipal_online(&land),
        land_before + 1,
        "another kept view counts it too"
    );
}

/// The record list keeps its counts per filter (server/src/generation_cache.rs); a write of
/// any instance must show in them at once, on every page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_record_list_counts_every_edit_at_once() {
    let srv = spawn_public(false).await;
    let count_of = |list: &serde_json::Value, status: &str| {
        list["facets"]["status"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["value"] == status)
            .map_or(0, |c| c["count"].as_i64().unwrap())
    };
    let url = "/api/v1/records?gebiet=16068&pro_seite=10";
    let (status, first) = srv.json(url).await;
    assert_eq!(status, 200, "{first}");
    let (_, again) = srv.json(&format!("{url}&seite=2")).await;
    assert_eq!(again["facets"], first["facets"], "counted once or again");

    let record = gemeinde_record(&srv.storage, 10000, "16068").await;
    set_status(&srv.storage, record.id, record.version, "in_umsetzung").await;
    for page in ["", "&seite=2"] {
        let (_, after) = srv.json(&format!("{url}{page}")).await;
        assert_eq!(
            count_of(&after, "in_umsetzung"),
            count_of(&first, "in_umsetzung") + 1,
            "the edit counts: {after}"
        );
        assert_eq!(after["total"], first["total"]);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_demo_data_there_is_no_demo_notice() {
    let srv = spawn_public(false).await;
    let (status, html) = srv.get("/").await;
    assert_eq!(status, 200);
    assert!(!html.contains("class=\"demo-notice\""));
    assert!(html.contains("noch keine Änderungen erfasst"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn catalogue_filters_are_query_strings() {
    let srv = spawn_public(false).await;
    let options = srv.storage.filter_options().await.unwrap();
    let familie = options
        .themenfelder
        .iter()
        .find(|t| t.name == "Familie & Kind")
        .unwrap();
    let (status, html) = srv
        .get(&format!("/leistungen?themenfeld={}", familie.id))
        .await;
    assert_eq!(status, 200);
    let table = services_table(&html);
    assert!(table.contains("Elterngeld"));
    assert!(
        !table.contains("Führerschein"),
        "other Themenfelder are filtered out"
    );
    assert!(html.contains("1–25 von 37"));
    let (_, html) = srv.get("/leistungen?q=elterngeld").await;
    assert!(html.contains("Elterngeld") && html.contains("von 1<"));
    let (status, html) = srv.get("/leistungen?themenfeld=abc").await;
    assert_eq!(status, 200);
    assert!(html.contains("Ungültige Angaben") && html.contains("themenfeld"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn service_and_org_unit_pages() {
    let srv = spawn_public(false).await;
    let (status, html) = srv.get("/leistungen/10000").await;
    assert_eq!(status, 200);
    assert!(html.contains("Elterngeld") && html.contains("LeiKa-Leistungen"));
    assert!(html.contains("Erfurt, Stadt"), "one record per Gemeinde");
    let (status, html) = srv.get("/leistungen/99999").await;
    assert_eq!(status, 404);
    assert!(html.contains("gibt es nicht"));
    assert_no_internals(&html);
    let (status, _) = srv.get("/leistungen/abc").await;
    assert_eq!(status, 400);

    let (status, html) = srv.get("/organisationen/16068").await;
    assert_eq!(status, 200);
    assert!(html.contains("Sömmerda") && html.contains("Gemeinden online"));
    let (status, html) = srv.get("/organisationen").await;
    assert_eq!(status, 200);
    assert!(html.contains("Thüringer Ministerium für Digitales und Infrastruktur"));
    let (status, _) = srv.get("/organisationen/XYZ").await;
    assert_eq!(status, 404);
    let (status, html) = srv.get("/datenquellen").await;
    assert_eq!(status, 200);
    assert!(html.contains("© GeoBasis-DE / ") && html.contains("kdn-nrw/OZG-Datenbank-NRW"));
    let (status, _) = srv.get("/gibt-es-nicht").await;
    assert_eq!(status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_lists_and_details() {
    let srv = spawn_public(false).await;
    let (status, body) = srv.json("/api/v1/services?pro_seite=10&seite=2").await;
    assert_eq!(status, 200);
    assert_eq!(body["total"], 557);
    assert_eq!(body["items"].as_array().unwrap().len(), 10);
    assert_eq!(body["page"], 2);
    // the list of records pages by number or after a record (keyset): the same records
    let (status, second) = srv
        .json("/api/v1/records?ozg_id=10000&pro_seite=10&seite=2")
        .await;
    assert_eq!(status, 200);
    assert_eq!(second["items"].as_array().unwrap().len(), 10, "{second}");
    let (_, first) = srv.json("/api/v1/records?ozg_id=10000&pro_seite=10").await;
    let last_id = &first["items"][9]["id"];
    assert_eq!(&first["next_after"], last_id);
    let (status, after) = srv
        .json(&format!(
            "/api/v1/records?ozg_id=10000&pro_seite=10&nach={last_id}"
        ))
        .await;
    assert_eq!(status, 200, "{after}");
    assert_eq!(after["items"], second["items"]);
    assert_eq!(after["total"], second["total"]);
    assert_eq!(after["page"], 0);
    // a state-wide list in one Themenfeld: counts per status and Themenfeld of the whole list
    let (status, list) = srv
        .json("/api/v1/records?gebiet=16&themenfeld=1&pro_seite=5")
        .await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["items"].as_array().unwrap().len(), 5);
    let themenfelder = list["facets"]["themenfeld"].as_array().unwrap();
    assert_eq!(themenfelder.len(), 1, "{list}");
    assert_eq!(themenfelder[0]["value"], "1");
    assert_eq!(themenfelder[0]["count"], list["total"]);
    let by_status: i64 = list["facets"]["status"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["count"].as_i64().unwrap())
        .sum();
    assert_eq!(serde_json::json!(by_status), list["total"]);
    assert!(list["total"].as_i64().unwrap() > 5);
    let (status, body) = srv.json("/api/v1/services?q=Elterngeld").await;
    assert_eq!(status, 200);
    assert_eq!(body["items"][0]["ozg_id"], 10000);
    assert_eq!(body["items"][0]["stand"], "nicht_begonnen");

    let (status, body) = srv.json("/api/v1/services/10000").await;
    assert_eq!(status, 200);
    assert_eq!(body["summary"]["name"], "Elterngeld");
    assert!(body["leika"].as_array().unwrap().len() >= 4);

    let (status, body) = srv.json("/api/v1/org-units").await;
    assert_eq!(status, 200);
    assert!(body.as_array().unwrap().iter().any(|u| u["code"] == "TMDI"));
    let (status, body) = srv
        .json("/api/v1/org-units?art=gemeinde&uebergeordnet=16068")
        .await;
    assert_eq!(status, 200);
    assert!(body
        .as_array()
        .unwrap()
        .iter()
        .all(|u| u["kind"] == "gemeinde"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_errors_are_json_with_german_messages() {
    let srv = spawn_public(false).await;
    for (path, status, code) in [
        ("/api/v1/services/99999", 404, "not_found"),
        ("/api/v1/services/1", 400, "bad_request"),
        ("/api/v1/services/abc", 400, "bad_request"),
        ("/api/v1/services?themenfeld=abc", 400, "bad_request"),
        ("/api/v1/services?pro_seite=100000", 400, "bad_request"),
        ("/api/v1/services?stand=fertig", 400, "bad_request"),
        ("/api/v1/services?unbekannt=1", 400, "bad_request"),
        // found by schemathesis: a NUL in a filter was a 500 on PostgreSQL
        ("/api/v1/records?org_unit=a%00b", 400, "bad_request"),
        ("/api/v1/records?nach=abc", 400, "bad_request"),
        ("/api/v1/records?gebiet=1", 400, "bad_request"),
        ("/api/v1/records?gebiet=16%25", 400, "bad_request"),
        ("/api/v1/records?themenfeld=eins", 400, "bad_request"),
        ("/api/v1/records?nach=0", 400, "bad_request"),
        ("/api/v1/records?nach=1&seite=2", 400, "bad_request"),
        (
            "/api/v1/records?nach=9223372036854775807",
            400,
            "bad_request",
        ),
        (
            "/api/v1/services?q=F%C3%BChrer%0Aschein",
            400,
            "bad_request",
        ),
        ("/api/v1/services/10000?seite=0", 400, "bad_request"),
        ("/api/v1/org-units?art=dorf", 400, "bad_request"),
        ("/api/v1/org-units/XYZ", 404, "not_found"),
        ("/api/v1/org-units/'%20OR%201=1", 400, "bad_request"),
        ("/api/v1/gibt-es-nicht", 404, "not_found"),
    ] {
        let (got, body) = srv.json(path).await;
        assert_eq!(got, status, "{path}: {body}");
        assert_eq!(body["error"]["code"], code, "{path}");
        assert!(!body["error"]["message"].as_str().unwrap().is_empty());
        assert_no_internals(&body.to_string());
    }
    let (_, body) = srv.json("/api/v1/services?themenfeld=abc").await;
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("keine gültige Angabe"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz_reports_the_database() {
    let srv = spawn_public(false).await;
    let (status, body) = srv.json("/healthz").await;
    assert_eq!(status, 200);
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"]["reachable"], true);
    assert_eq!(body["database"]["backend"], "sqlite");

    srv.storage.close().await;
    let (status, body) = srv.json("/healthz").await;
    assert_eq!(status, 503);
    assert_eq!(body["database"]["reachable"], false);
    let r = srv
        .client
        .get(format!("{}/api/v1/services", srv.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 503);
    assert!(r.headers().contains_key("retry-after"));
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unavailable");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_language_switch_stores_the_choice_and_pages_follow_it() {
    let srv = spawn_public(false).await;
    let switch = |path: &str| srv.client.get(format!("{}{path}", srv.base)).send();
    let r = switch("/sprache/en?zurueck=%2Fleistungen%3Fq%3DEltern")
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(r.headers()["location"], "/leistungen?q=Eltern");
    let cookie = r.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("sprache=en;"), "{cookie}");
    assert!(
        cookie.contains("Path=/") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );

    let page = |cookie: Option<&'static str>| {
        let mut request = srv.client.get(format!("{}/impressum", srv.base));
        if let Some(c) = cookie {
            request = request.header("cookie", c);
        }
        async move { request.send().await.unwrap().text().await.unwrap() }
    };
    // German by default, even for a browser that prefers English
    let german = srv
        .client
        .get(format!("{}/impressum", srv.base))
        .header("accept-language", "en-US,en;q=0.9")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(german.contains("<html lang=\"de\""), "{german}");
    assert!(german.contains("Zum Inhalt springen"));
    let english = page(Some("sessionid=x; sprache=en")).await;
    assert!(english.contains("<html lang=\"en\""), "{english}");
    assert!(english.contains("Skip to content"));
    assert!(!english.contains("Zum Inhalt springen"));
    // the link back offers German, marked as German for screen readers
    assert!(english.contains("lang=\"de\""));
    assert!(page(Some("sprache=de")).await.contains("<html lang=\"de\""));
    assert!(page(Some("sprache=xx")).await.contains("<html lang=\"de\""));
    assert!(page(None).await.contains("<html lang=\"de\""));

    // only local paths: no open redirect
    for evil in [
        "%2F%2Fevil.example%2F",
        "https%3A%2F%2Fevil.example%2F",
        "%2F%5Cevil.example",
        // a browser drops the tab and goes to //evil.example/
        "%2F%09%2Fevil.example%2F",
    ] {
        let r = switch(&format!("/sprache/de?zurueck={evil}"))
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 303);
        assert_eq!(r.headers()["location"], "/", "{evil}");
    }
    assert_eq!(switch("/sprache/fr").await.unwrap().status().as_u16(), 404);
}

/// Server functions as the browser calls them: a list whose filter has nothing set comes with
/// an empty body (client-side navigation to "Organisationseinheiten" answered 500 with
/// "missing field `query`"); malformed arguments are the client's fault, 400 with a German
/// message, never 500.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_functions_take_empty_filters_and_refuse_malformed_arguments() {
    let srv = spawn_public(false).await;
    let call = |endpoint: &str, body: &'static str| {
        srv.client
            .post(format!("{}/api/fn/{endpoint}", srv.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
    };
    for endpoint in ["org-units", "services", "dashboard"] {
        let r = call(endpoint, "").await.unwrap();
        let status = r.status().as_u16();
        assert_eq!(status, 200, "{endpoint}: {}", r.text().await.unwrap());
    }
    for (endpoint, body) in [
        ("record", "id=abc"),
        ("record", ""),
        ("save-record", "form%5Bversion%5D=&form%5Brecord_id%5D=1"),
        ("service", "ozg_id=10092&records_page=-1"),
    ] {
        let r = call(endpoint, body).await.unwrap();
        let status = r.status().as_u16();
        let text = r.text().await.unwrap();
        assert_eq!(status, 400, "{endpoint} {body:?}: {text}");
        assert!(text.contains("unvollständig oder fehlerhaft"), "{text}");
        assert_no_internals(&text);
    }
}

/// A filter value that names nothing is an error naming what is allowed, never a quietly
/// empty list (a typo would look like "no records"); every documented filter is accepted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_filter_values_are_errors_not_empty_lists() {
    let srv = spawn_public(false).await;
    for (path, status, names) in [
        (
            "/api/v1/records?status=onlin",
            400,
            "„status“: „onlin“ ist unbekannt",
        ),
        (
            "/api/v1/records?themenfeld=99",
            400,
            "„themenfeld“: „99“ ist unbekannt",
        ),
        (
            "/api/v1/records?org_unit=16999",
            404,
            "„16999“ gibt es nicht",
        ),
        (
            "/api/v1/services?ressort=XYZ",
            400,
            "„ressort“: „XYZ“ ist unbekannt",
        ),
        (
            "/api/v1/services?lage=9999",
            400,
            "„lage“: „9999“ ist unbekannt",
        ),
        (
            "/api/v1/records.csv?ressort=XYZ",
            400,
            "„ressort“: „XYZ“ ist unbekannt",
        ),
        (
            "/api/v1/records.csv?kreis=16999",
            404,
            "„16999“ gibt es nicht",
        ),
        (
            "/api/v1/records.csv?status=onlin",
            400,
            "„status“: „onlin“ ist unbekannt",
        ),
    ] {
        let (code, body) = srv.get(path).await;
        assert_eq!(code, status, "{path}: {body}");
        assert!(body.contains(names), "{path}: {body}");
        assert_no_internals(&body);
    }
    for path in [
        "/api/v1/services?efa=ja",
        "/api/v1/services?efa=nein&ressort=TMDI&themenfeld=6",
        "/api/v1/records?status=online&themenfeld=6&org_unit=16068",
    ] {
        let (code, body) = srv.get(path).await;
        assert_eq!(code, 200, "{path}: {body}");
    }
}

/// Each link of the map's switch carries aria-current at most once (the router's link added
/// its own to the chosen one), and the chosen measure is the one marked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_map_switch_marks_the_chosen_measure_once() {
    let srv = spawn_public(false).await;
    for (path, chosen) in [
        ("/", "nach Umsetzungsständen"),
        ("/?karte=einwohner", "nach Einwohnern"),
    ] {
        let (status, html) = srv.get(path).await;
        assert_eq!(status, 200);
        let start = html.find("class=\"map-switch\"").expect("map switch");
        let end = start + html[start..].find("</p>").unwrap();
        let switch = &html[start..end];
        for link in switch.split("<a ").skip(1) {
            let tag = &link[..link.find('>').unwrap()];
            assert!(tag.matches("aria-current").count() <= 1, "{path}: {tag}");
        }
        let marked: Vec<&str> = switch
            .split("<a ")
            .skip(1)
            .filter(|l| l[..l.find('>').unwrap()].contains("aria-current"))
            .collect();
        assert_eq!(marked.len(), 1, "{path}: {switch}");
        assert!(marked[0].contains(chosen), "{path}: {switch}");
    }
}

// The check every API answer of these tests passes (support/api_contract.rs) finds what it should.
#[test]
fn the_api_contract_check_paths_match_their_templates_and_literal_paths_win() {
    assert!(api_contract::matches_template(
        "/records/{id}",
        "/records/5"
    ));
    assert!(api_contract::matches_template(
        "/reports/{unit}.pdf",
        "/reports/land.pdf"
    ));
    assert!(!api_contract::matches_template(
        "/reports/{unit}.pdf",
        "/reports/.pdf"
    ));
    assert!(!api_contract::matches_template(
        "/records/{id}",
        "/records/5/history"
    ));
    assert_eq!(
        api_contract::documented_path(&server::api::openapi::document(), "/records/bulk"),
        Some("/records/bulk")
    );
    assert_eq!(
        api_contract::documented_path(&server::api::openapi::document(), "/records/7/history"),
        Some("/records/{id}/history")
    );
}

#[test]
fn the_api_contract_check_an_answer_that_breaks_its_schema_is_found() {
    let record_page_without_facets = br#"{"items": [], "total": 0, "page": 1, "per_page": 10}"#;
    let found = api_contract::answer_is_documented(
        "get",
        "/records",
        200,
        "application/json",
        Some(record_page_without_facets),
    )
    .unwrap_err();
    assert!(found.contains("facets"), "{found}");
    assert!(api_contract::answer_is_documented(
        "get",
        "/records",
        418,
        "application/json",
        Some(b"{}")
    )
    .unwrap_err()
    .contains("status not documented"));
    assert!(api_contract::answer_is_documented(
        "get",
        "/records",
        400,
        "application/json",
        Some(br#"{"error": {"code": "bad_request", "message": "x", "details": []}}"#)
    )
    .is_ok());
}
