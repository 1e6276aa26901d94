//! Text a signed-in user types is shown as text wherever it is rendered. Payloads that close
//! the element they land in (`</textarea>`, `</title>`, `</script>`) or an attribute (`">`)
//! go into every text field — a record's note, EfA solution, URL and change comment, a
//! user's name (the history's actor), an API token's name, a service's and a unit's name (as
//! an administrator's import sets them) — and every server-rendered page that shows them is
//! parsed as a browser parses it: no element, attribute or redirect comes of them, and the
//! edit form gives back exactly what was saved. (The same in a browser with JavaScript:
//! end2end/tests/hostile-text.spec.ts.)

mod support;

use scraper::{Html, Selector};
use server::auth::AuthSettings;
use support::*;

const NOTE: &str =
    r#"</textarea><meta http-equiv="refresh" content="0;url=http://evil.example/"><textarea>"#;
const EFA: &str = r#""><img src=x onerror=alert(1)><a href="http://evil.example/">EfA</a>"#;
const URL: &str = r#"https://example.org/?q="><img/src=x/onerror=alert(2)>"#;
const COMMENT: &str =
    r#"</script><meta http-equiv="refresh" content="0;url=http://evil.example/"><script>"#;
const ACTOR: &str =
    r#"Mallory</title><style>body{display:none}</style><meta http-equiv="refresh" content="0">"#;
const TOKEN: &str = r"<img src=x onerror=alert(3)>";
const SERVICE: &str =
    r#"Elterngeld</title><meta http-equiv="refresh" content="0;url=http://evil.example/">"#;
const UNIT: &str = r#"Sömmerda"><svg onload=alert(4)>"#;

/// Everything a page must not contain after parsing: what the payloads would inject.
fn assert_nothing_injected(path: &str, html: &str) {
    let doc = Html::parse_document(html);
    let find = |selector: &str| {
        doc.select(&Selector::parse(selector).unwrap())
            .map(|e| e.html())
            .collect::<Vec<_>>()
    };
    for selector in [
        "meta[http-equiv]",
        "[onerror]",
        "[onload]",
        "a[href^='http://evil.example']",
        "style",
    ] {
        let found = find(selector);
        assert!(found.is_empty(), "{path}: {selector} injected: {found:?}");
    }
    // every script is the page's own: loaded from the site, carrying the page's nonce, or
    // empty (Leptos ends the body with one)
    for script in doc.select(&Selector::parse("script").unwrap()) {
        let e = script.value();
        assert!(
            e.attr("nonce").is_some()
                || e.attr("src").is_some_and(|s| s.starts_with('/'))
                || script.inner_html().is_empty(),
            "{path}: a script without nonce: {}",
            script.html()
        );
    }
    // the page's title is text, and names the site
    let title: Vec<String> = doc
        .select(&Selector::parse("head > title").unwrap())
        .map(|t| t.text().collect())
        .collect();
    assert_eq!(title.len(), 1, "{path}: one title: {title:?}");
    assert!(title[0].ends_with("OZG-Monitor"), "{path}: {title:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typed_text_is_shown_as_text_on_every_page() {
    let srv = spawn_server(
        seeded(sqlite_file_storage().await).await,
        AuthSettings::default(),
    )
    .await;
    let admin = add_user(&srv, "ada@example.org", "admin", "").await;
    let mallory = add_user(&srv, "mallory@example.org", "koordination", "16068").await;
    let Storage::Sqlite(pool) = &srv.storage else {
        unreachable!()
    };
    sqlx::query("UPDATE app_user SET display_name = $1 WHERE email = 'mallory@example.org'")
        .bind(ACTOR)
        .execute(pool)
        .await
        .unwrap();
    // names as an administrator's catalogue and territory imports set them
    sqlx::query("UPDATE service SET name = $1 WHERE ozg_id = 10000")
        .bind(SERVICE)
        .execute(pool)
        .await
        .unwrap();
    sqlx::query("UPDATE org_unit SET name = $1 WHERE code = '16068'")
        .bind(UNIT)
        .execute(pool)
        .await
        .unwrap();

    let record = gemeinde_record(&srv.storage, 10000, "16068").await;
    let r = srv
        .client
        .patch(format!("{}/api/v1/records/{}", srv.base, record.id))
        .bearer_auth(&mallory)
        .json(&serde_json::json!({
            "version": record.version,
            "status": "in_planung",
            "note": NOTE,
            "efa_solution": EFA,
            "online_url": URL,
            "comment": COMMENT,
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let r = srv
        .client
        .post(format!("{}/api/v1/records/bulk", srv.base))
        .bearer_auth(&mallory)
        .json(&serde_json::json!({ "record_ids": [record.id], "maturity": 1, "comment": COMMENT }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let user = srv
        .storage
        .user_by_email("ada@example.org")
        .await
        .unwrap()
        .unwrap();
    server::accounts::create_token(&srv.storage, user.user.id, TOKEN)
        .await
        .unwrap();
    let _ = admin;

    let cookie = sign_in(&srv, "ada@example.org").await;
    let today = chrono::Utc::now().date_naive().format("%Y-%m-%d");
    let pages = [
        format!("/umsetzungsstaende/{}", record.id),
        "/leistungen/10000".to_owned(),
        "/leistungen?q=Elterngeld".to_owned(),
        "/organisationen/16068".to_owned(),
        format!("/organisationen/{}", record.org_unit_code),
        "/organisationen".to_owned(),
        format!("/aenderungen?seit={today}"),
        "/sammelbearbeitung?leistung=10000&einheit=16068".to_owned(),
        "/konto".to_owned(),
        "/verwaltung/konten".to_owned(),
        "/verwaltung/protokoll".to_owned(),
        "/".to_owned(),
        "/?kreis=16068".to_owned(),
    ];
    for path in &pages {
        let (status, html) = srv.get_signed_in(path, &cookie).await;
        assert_eq!(status, 200, "{path}");
        if let Ok(dir) = std::env::var("OZG_DUMP_PAGES") {
            std::fs::write(format!("{dir}/{}.html", path.replace('/', "_")), &html).unwrap();
        }
        assert_nothing_injected(path, &html);
    }

    // the edit form gives back exactly what was saved, without JavaScript
    let (_, html) = srv
        .get_signed_in(&format!("/umsetzungsstaende/{}", record.id), &cookie)
        .await;
    let doc = Html::parse_document(&html);
    let value = |selector: &str| {
        let e = doc
            .select(&Selector::parse(selector).unwrap())
            .next()
            .unwrap_or_else(|| panic!("{selector}"));
        e.value()
            .attr("value")
            .map_or_else(|| e.text().collect(), str::to_owned)
    };
    assert_eq!(value("#f-note"), NOTE);
    assert_eq!(value("#f-efa"), EFA);
    assert_eq!(value("#f-url"), URL);
    let text: String = doc.root_element().text().collect();
    for shown in [COMMENT, ACTOR, SERVICE] {
        assert!(text.contains(shown), "shown as text: {shown}");
    }
    let (_, unit_page) = srv.get_signed_in("/organisationen/16068", &cookie).await;
    let text: String = Html::parse_document(&unit_page)
        .root_element()
        .text()
        .collect();
    assert!(text.contains(UNIT), "shown as text: {UNIT}");
}

/// Signs in through the form; the session cookie.
async fn sign_in(srv: &TestServer, email: &str) -> String {
    let r = srv
        .client
        .post(format!("{}/auth/anmelden", srv.base))
        .header("origin", &srv.base)
        .form(&[("email", email), ("password", PASSWORD), ("weiter", "/")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    session_cookie(&r)
}

use server::storage::Storage;
