//! Accounts, sessions, CSRF, throttling, security headers and the authorisation matrix,
//! over HTTP against a spawned server (SQLite file database, test slice of the data).

mod support;

use reqwest::header::{COOKIE, LOCATION, ORIGIN, SET_COOKIE};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use server::auth::AuthSettings;
use support::*;

/// How many audit lines of `action` there are.
async fn audited(srv: &TestServer, action: &str) -> i64 {
    srv.storage
        .audit_page(Some(action), 1, 1)
        .await
        .unwrap()
        .total
}

async fn closed_server() -> TestServer {
    spawn_server(
        seeded(sqlite_file_storage().await).await,
        AuthSettings::default(),
    )
    .await
}

impl TestServer {
    /// Changes the signed-in user's password through the account page's form; the answer's
    /// `Location`.
    async fn change_password(&self, cookie: &str, current: &str, new: &str) -> String {
        let r = self
            .client
            .post(self.url("/auth/passwort"))
            .header(ORIGIN, &self.base)
            .header(COOKIE, cookie)
            .form(&[("current", current), ("new", new), ("repeat", new)])
            .send()
            .await
            .unwrap();
        r.headers()[LOCATION].to_str().unwrap().to_owned()
    }

    async fn send(
        &self,
        method: Method,
        path: &str,
        token: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = self
            .client
            .request(method, self.url(path))
            .bearer_auth(token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let r = req.send().await.unwrap();
        let status = r.status();
        let text = r.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn anonymous_visitors_see_only_the_login_page() {
    let srv = closed_server().await;
    let r = srv
        .client
        .get(srv.url("/leistungen?seite=2"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        r.headers()[LOCATION],
        "/anmelden?weiter=%2Fleistungen%3Fseite%3D2"
    );
    let (status, body) = srv.json("/api/v1/services").await;
    assert_eq!(status, 401);
    assert_eq!(body["error"]["code"], "unauthorized");
    let (status, html) = srv.get("/anmelden").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("action=\"/auth/anmelden\"")
            && html.contains("autocomplete=\"current-password\"")
    );
    assert!(
        !html.contains("Hauptnavigation"),
        "no navigation for anonymous visitors"
    );
    assert_eq!(srv.get("/healthz").await.0, 200);
    // the legal pages are public and show the configured operator
    let (status, html) = srv.get("/impressum").await;
    assert_eq!(status, 200);
    assert!(html.contains("Testbetreiber") && html.contains("mailto:betrieb@example.org"));
    for page in ["/datenschutz", "/barrierefreiheit"] {
        let (status, html) = srv.get(page).await;
        assert_eq!(status, 200, "{page}");
        assert!(
            html.contains("betrieb@example.org"),
            "{page} names the contact"
        );
    }
    assert_eq!(srv.get("/api/v1/openapi.json").await.0, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_session_logout_and_security_headers() {
    let srv = closed_server().await;
    add_user(&srv, "lea@example.org", "lesen", "").await;
    assert_eq!(
        srv.login("lea@example.org", "falsch-falsch-falsch").await,
        Err("/anmelden?fehler=ungueltig&weiter=%2Fleistungen".into())
    );
    assert_eq!(
        srv.login("niemand@example.org", PASSWORD)
            .await
            .unwrap_err(),
        "/anmelden?fehler=ungueltig&weiter=%2Fleistungen"
    );
    assert_eq!(
        audited(&srv, "anmeldung_fehlgeschlagen").await,
        2,
        "failed logins are audited"
    );

    let cookie = srv
        .login("LEA@example.org", PASSWORD)
        .await
        .expect("e-mail is case-insensitive");
    let r = srv
        .client
        .get(srv.url("/leistungen"))
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let h = r.headers().clone();
    let csp = h["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("frame-ancestors 'none'") && csp.contains("'nonce-"),
        "{csp}"
    );
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["referrer-policy"], "same-origin");
    assert_eq!(h["cache-control"], "private, no-store");
    let html = r.text().await.unwrap();
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .unwrap()
        .split('\'')
        .next()
        .unwrap();
    assert!(
        html.contains(&format!("nonce=\"{nonce}\"")),
        "the hydration script carries the nonce"
    );
    // ... and only it: the wasm's preload is a plain same-origin fetch (Leptos 0.8.23 put the
    // nonce into its `crossorigin`)
    assert!(!html.contains(&format!("crossorigin=\"{nonce}\"")));
    assert!(
        html.contains("href=\"/pkg/ozg-monitor.wasm\" as=\"fetch\" type=\"application/wasm\" crossorigin=\"\""),
        "the wasm's preload"
    );
    assert!(html.contains("Abmelden"));

    // logout ends the session on the server: the old cookie is dead
    let r = srv
        .client
        .post(srv.url("/auth/abmelden"))
        .header(COOKIE, &cookie)
        .header(ORIGIN, &srv.base)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(r.headers()[SET_COOKIE]
        .to_str()
        .unwrap()
        .contains("Max-Age=0"));
    let r = srv
        .client
        .get(srv.url("/leistungen"))
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "a logged-out session is dead"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_are_renewed_at_login_and_ended_by_password_change() {
    let srv = closed_server().await;
    add_user(&srv, "kai@example.org", "koordination", "16068").await;
    let first = srv.login("kai@example.org", PASSWORD).await.unwrap();
    // logging in again while holding a session gives a new one and ends the old (no fixation)
    let r = srv
        .client
        .post(srv.url("/auth/anmelden"))
        .header(ORIGIN, &srv.base)
        .header(COOKIE, &first)
        .form(&[("email", "kai@example.org"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    let second = session_cookie(&r);
    assert_ne!(first, second);
    let srv = &srv;
    let status = |c: String| async move {
        srv.client
            .get(srv.url("/konto"))
            .header(COOKIE, c)
            .send()
            .await
            .unwrap()
            .status()
    };
    assert_eq!(status(first.clone()).await, StatusCode::SEE_OTHER);
    let third = srv.login("kai@example.org", PASSWORD).await.unwrap();
    assert_eq!(status(third.clone()).await, 200);

    // a password change keeps the session it was made in and ends every other one
    assert_eq!(
        srv.change_password(&second, PASSWORD, "ganz-neues-passwort")
            .await,
        "/konto?passwort=geaendert"
    );
    assert_eq!(status(second.clone()).await, 200);
    assert_eq!(status(third).await, StatusCode::SEE_OTHER);
    assert!(srv.login("kai@example.org", PASSWORD).await.is_err());
    assert!(srv
        .login("kai@example.org", "ganz-neues-passwort")
        .await
        .is_ok());
}

/// An API token made by whoever knew the old password ends with a password change, and a
/// deactivated account's tokens stay revoked when it is reactivated.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_tokens_end_with_a_password_change_and_a_deactivation() {
    let srv = closed_server().await;
    let token = add_user(&srv, "kai@example.org", "lesen", "").await;
    let status = |token: String| {
        let srv = &srv;
        async move {
            srv.client
                .get(srv.url("/api/v1/services?pro_seite=1"))
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    assert_eq!(status(token.clone()).await, 200);
    let cookie = srv.login("kai@example.org", PASSWORD).await.unwrap();
    assert_eq!(
        srv.change_password(&cookie, PASSWORD, "ganz-neues-passwort")
            .await,
        "/konto?passwort=geaendert"
    );
    assert_eq!(status(token).await, 401, "revoked by the password change");

    let user = srv
        .storage
        .user_by_email("kai@example.org")
        .await
        .unwrap()
        .unwrap();
    let token = server::accounts::create_token(&srv.storage, user.user.id, "neu")
        .await
        .unwrap()
        .secret;
    assert_eq!(status(token.clone()).await, 200);
    for active in [false, true] {
        server::accounts::save_user(
            &srv.storage,
            &app::domain::UserForm {
                id: Some(user.user.id),
                email: "kai@example.org".into(),
                display_name: "Kai".into(),
                role: "lesen".into(),
                active,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    }
    assert_eq!(status(token).await, 401, "not back with the reactivation");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cross_site_posts_are_refused() {
    let srv = closed_server().await;
    add_user(&srv, "ada@example.org", "admin", "").await;
    let cookie = srv.login("ada@example.org", PASSWORD).await.unwrap();
    let record = srv.storage.record_versions(Some(10000)).await.unwrap()[0].clone();
    // a form on another site posting to a server function with the victim's cookie
    for origin in [Some("http://evil.example"), Some("null"), None] {
        let mut req = srv
            .client
            .post(srv.url("/api/fn/save-record"))
            .header(COOKIE, &cookie)
            .form(&[
                ("form[record_id]", record.id.to_string()),
                ("form[version]", record.version.to_string()),
                ("form[status]", "in_planung".into()),
            ]);
        if let Some(o) = origin {
            req = req.header(ORIGIN, o);
        }
        let r = req.send().await.unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "origin {origin:?}");
    }
    let r = srv
        .client
        .post(srv.url("/auth/abmelden"))
        .header(COOKIE, &cookie)
        .header(ORIGIN, "http://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "no logout CSRF either");
    assert_eq!(
        srv.storage.record_versions(Some(10000)).await.unwrap()[0].version,
        record.version,
        "nothing written"
    );
    assert_eq!(audited(&srv, "csrf_abgewiesen").await, 4);
    // the same request from our own page goes through
    let r = srv
        .client
        .post(srv.url("/api/fn/save-record"))
        .header(COOKIE, &cookie)
        .header(ORIGIN, &srv.base)
        .header("accept", "application/json")
        .form(&[
            ("form[record_id]", record.id.to_string()),
            ("form[version]", record.version.to_string()),
            ("form[status]", "in_planung".into()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    assert_eq!(
        srv.storage.record_versions(Some(10000)).await.unwrap()[0].version,
        record.version + 1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repeated_failed_logins_are_throttled() {
    let srv = closed_server().await;
    add_user(&srv, "ziel@example.org", "lesen", "").await;
    for _ in 0..5 {
        assert!(srv
            .login("ziel@example.org", "geraten-geraten")
            .await
            .is_err());
    }
    // even the right password is refused while the account is throttled
    let refused = srv.login("ziel@example.org", PASSWORD).await.unwrap_err();
    assert!(refused.contains("fehler=gesperrt"), "{refused}");
    assert_eq!(audited(&srv, "anmeldung_gesperrt").await, 1);
}

/// Signs in from `addr` (the server trusts X-Forwarded-For): where the browser is sent
/// (`/leistungen` on success, `/anmelden?fehler=…` otherwise).
async fn sign_in_from(srv: &TestServer, addr: &str, email: &str, password: &str) -> String {
    let r = srv
        .client
        .post(srv.url("/auth/anmelden"))
        .header(ORIGIN, &srv.base)
        .header("x-forwarded-for", addr)
        .form(&[
            ("email", email),
            ("password", password),
            ("weiter", "/leistungen"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    r.headers()[LOCATION].to_str().unwrap().to_owned()
}

async fn proxied_server() -> TestServer {
    spawn_server(
        seeded(sqlite_file_storage().await).await,
        AuthSettings {
            trust_proxy: true,
            ..Default::default()
        },
    )
    .await
}

/// Forty guesses at once from one address: exactly five are checked, the rest wait — the
/// count is claimed before the password is checked, so parallel guesses cannot race past it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_guesses_are_counted_exactly() {
    let srv = proxied_server().await;
    add_user(&srv, "ziel@example.org", "lesen", "").await;
    let guesses = (0..40).map(|i| {
        let srv = &srv;
        async move {
            sign_in_from(
                srv,
                "10.0.0.1",
                "ziel@example.org",
                &format!("geraten-{i:02}-geraten"),
            )
            .await
        }
    });
    let answers = futures_util::future::join_all(guesses).await;
    let checked = answers
        .iter()
        .filter(|a| a.contains("fehler=ungueltig"))
        .count();
    let waiting = answers
        .iter()
        .filter(|a| a.contains("fehler=gesperrt"))
        .count();
    assert_eq!((checked, waiting), (5, 35), "{answers:?}");
    assert_eq!(audited(&srv, "anmeldung_fehlgeschlagen").await, 5);
}

/// Guesses slow the guesser, not the owner: five wrong passwords from one address leave the
/// owner at another address, and a colleague behind the same address (a town hall's NAT),
/// able to sign in; guesses spread over many addresses slow new addresses, not the owner's own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttling_slows_guessers_without_locking_owners_out() {
    let srv = proxied_server().await;
    add_user(&srv, "ziel@example.org", "lesen", "").await;
    add_user(&srv, "kollegin@example.org", "lesen", "").await;
    let ok = |location: &str| location == "/leistungen";
    // the owner has signed in from her office before
    assert!(ok(&sign_in_from(
        &srv,
        "10.1.0.2",
        "ziel@example.org",
        PASSWORD
    )
    .await));

    for _ in 0..5 {
        let l = sign_in_from(&srv, "10.9.9.9", "ziel@example.org", "geraten-geraten").await;
        assert!(l.contains("fehler=ungueltig"), "{l}");
    }
    let l = sign_in_from(&srv, "10.9.9.9", "ziel@example.org", PASSWORD).await;
    assert!(
        l.contains("fehler=gesperrt"),
        "the guessing address waits, even with the right password: {l}"
    );
    assert!(
        ok(&sign_in_from(&srv, "10.1.0.2", "ziel@example.org", PASSWORD).await),
        "the owner elsewhere"
    );
    assert!(
        ok(&sign_in_from(&srv, "10.9.9.9", "kollegin@example.org", PASSWORD).await),
        "a colleague behind the same address"
    );

    // one guess each from fifteen more addresses (twenty failures in all): the account now
    // waits for new addresses …
    for i in 0..15 {
        let l = sign_in_from(
            &srv,
            &format!("10.2.0.{i}"),
            "ziel@example.org",
            "geraten-geraten",
        )
        .await;
        assert!(l.contains("fehler=ungueltig"), "{i}: {l}");
    }
    let l = sign_in_from(&srv, "10.3.0.1", "ziel@example.org", PASSWORD).await;
    assert!(l.contains("fehler=gesperrt"), "a new address waits: {l}");
    // … but not for the owner's own
    assert!(
        ok(&sign_in_from(&srv, "10.1.0.2", "ziel@example.org", PASSWORD).await),
        "the owner's known address"
    );
}

/// Every role × every mutating endpoint × a record inside and outside the user's scope.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn authorisation_matrix() {
    let srv = closed_server().await;
    // Sömmerda (16068) is in scope; Erfurt (16051000) is not
    let tokens = [
        (
            "admin",
            add_user(&srv, "admin@example.org", "admin", "").await,
            true,
            true,
        ),
        (
            "koordination",
            add_user(&srv, "kreis@example.org", "koordination", "16068").await,
            true,
            false,
        ),
        (
            "lesen",
            add_user(&srv, "cio@example.org", "lesen", "").await,
            false,
            false,
        ),
        (
            "bericht",
            add_user(&srv, "bericht@example.org", "bericht", "TMDI").await,
            false,
            false,
        ),
    ];
    let records = srv.storage.record_versions(Some(10000)).await.unwrap();
    let own = records
        .iter()
        .find(|r| r.org_unit_code.starts_with("16068"))
        .unwrap()
        .id;
    let foreign = records
        .iter()
        .find(|r| r.org_unit_code.starts_with("16051"))
        .unwrap()
        .id;

    for (role, token, may_own, may_foreign) in &tokens {
        for (id, allowed) in [(own, *may_own), (foreign, *may_foreign)] {
            let (_, current) = srv
                .send(Method::GET, &format!("/api/v1/records/{id}"), token, None)
                .await;
            let version = current["version"].as_i64().unwrap();
            // PATCH
            let (status, body) = srv
                .send(
                    Method::PATCH,
                    &format!("/api/v1/records/{id}"),
                    token,
                    Some(json!({ "version": version, "note": format!("{role}") })),
                )
                .await;
            let expected = if allowed {
                StatusCode::OK
            } else {
                StatusCode::FORBIDDEN
            };
            assert_eq!(status, expected, "PATCH {role} record {id}: {body}");
            // bulk: the record is changed or refused with a reason
            let (status, body) = srv
                .send(
                    Method::POST,
                    "/api/v1/records/bulk",
                    token,
                    Some(json!({ "record_ids": [id], "maturity": 1 })),
                )
                .await;
            assert_eq!(status, StatusCode::OK, "bulk {role}: {body}");
            let refused = body["refused"].as_array().unwrap();
            assert_eq!(
                refused.is_empty(),
                allowed,
                "bulk {role} record {id}: {body}"
            );
            if !allowed {
                assert!(refused[0]["reason"]
                    .as_str()
                    .unwrap()
                    .contains("Keine Berechtigung"));
            }
            // the pages' server functions for the same edits
            let (_, current) = srv
                .send(Method::GET, &format!("/api/v1/records/{id}"), token, None)
                .await;
            let r = srv
                .client
                .post(srv.url("/api/fn/save-record"))
                .bearer_auth(token)
                .header("accept", "application/json")
                .form(&[
                    ("form[record_id]", id.to_string()),
                    ("form[version]", current["version"].to_string()),
                    (
                        "form[status]",
                        current["status_code"].as_str().unwrap().to_owned(),
                    ),
                    ("form[note]", format!("{role} per Formular")),
                ])
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), expected, "save-record {role} record {id}");
            let r = srv
                .client
                .post(srv.url("/api/fn/bulk-update"))
                .bearer_auth(token)
                .header("accept", "application/json")
                .form(&[
                    ("request[record_ids][0]", id.to_string()),
                    ("request[maturity]", "2".into()),
                ])
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::OK, "bulk-update {role}");
            let body: Value = r.json().await.unwrap();
            assert_eq!(
                body["refused"].as_array().unwrap().is_empty(),
                allowed,
                "bulk-update {role} record {id}: {body}"
            );
        }
        // account administration: admins only
        let r = srv
            .client
            .post(srv.url("/api/fn/save-user"))
            .bearer_auth(token)
            .header("accept", "application/json")
            .form(&[
                ("form[email]", format!("neu-{role}@example.org")),
                ("form[display_name]", "Neu".into()),
                ("form[role]", "lesen".into()),
                ("form[password]", PASSWORD.into()),
                ("form[active]", "true".into()),
            ])
            .send()
            .await
            .unwrap();
        let expected = if *role == "admin" {
            StatusCode::OK
        } else {
            StatusCode::FORBIDDEN
        };
        assert_eq!(
            r.status(),
            expected,
            "save-user as {role}: {}",
            r.text().await.unwrap()
        );
        // the security audit log: admins only
        let r = srv
            .client
            .post(srv.url("/api/fn/audit-log"))
            .bearer_auth(token)
            .header("accept", "application/json")
            .form(&[("page", "1")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), expected, "audit-log as {role}");
        // own tokens: every signed-in user
        let r = srv
            .client
            .post(srv.url("/api/fn/create-token"))
            .bearer_auth(token)
            .header("accept", "application/json")
            .form(&[("name", "zweites")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "create-token as {role}");
        // tokens of other users cannot be revoked (the admin's first token has id 1)
        if *role != "admin" {
            let r = srv
                .client
                .post(srv.url("/api/fn/revoke-token"))
                .bearer_auth(token)
                .header("accept", "application/json")
                .form(&[("token_id", "1")])
                .send()
                .await
                .unwrap();
            assert_eq!(
                r.status(),
                StatusCode::NOT_FOUND,
                "revoke a foreign token as {role}"
            );
        }
    }
    // the admin's token still works
    let (status, _) = srv
        .send(
            Method::GET,
            "/api/v1/records?pro_seite=1",
            &tokens[0].1,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    // anonymous writes: 401
    let r = srv
        .client
        .patch(srv.url(&format!("/api/v1/records/{own}")))
        .json(&json!({"version": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = srv
        .client
        .get(srv.url("/api/v1/records"))
        .bearer_auth("ozgm_falsch")
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::UNAUTHORIZED,
        "an unknown token is refused, not treated as anonymous"
    );
    assert!(
        audited(&srv, "zugriff_verweigert").await > 0,
        "denied actions are audited"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn record_api_versions_conflicts_and_validation() {
    let srv = closed_server().await;
    let token = add_user(&srv, "kai@example.org", "koordination", "16068").await;
    let id = gemeinde_record(&srv.storage, 10000, "16068").await.id;
    let (status, list) = srv
        .send(
            Method::GET,
            "/api/v1/records?ozg_id=10000&org_unit=16068",
            &token,
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert!(
        list["total"].as_i64().unwrap() > 10,
        "the Kreis and its Gemeinden"
    );
    assert!(list["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["id"].is_i64() && r["version"].is_i64()));

    let path = format!("/api/v1/records/{id}");
    let (status, body) = srv.send(Method::PATCH, &path, &token, Some(json!({"version": 1, "status": "in_planung", "planned_go_live": "31.12.2026", "comment": "Start"}))).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["version"], 2);
    assert_eq!(body["planned_go_live"], "2026-12-31");
    // stale: 409 with the current state and what changed since
    let (status, body) = srv
        .send(
            Method::PATCH,
            &path,
            &token,
            Some(json!({"version": 1, "note": "zu spät"})),
        )
        .await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["current"]["version"], 2);
    assert_eq!(body["their_changes"][0]["comment"], "Start");
    // If-Match: 412 when it does not match
    let r = srv
        .client
        .patch(srv.url(&path))
        .bearer_auth(&token)
        .header("if-match", "\"1\"")
        .json(&json!({"note": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 412);
    let r = srv
        .client
        .patch(srv.url(&path))
        .bearer_auth(&token)
        .header("if-match", "\"2\"")
        .json(&json!({"note": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["etag"], "\"3\"");
    // invalid transition and values: 422, nothing saved
    let (status, body) = srv.send(Method::PATCH, &path, &token, Some(json!({"version": 3, "status": "nicht_relevant", "maturity": 9, "online_url": "ftp://x"}))).await;
    assert_eq!(status, 422, "{body}");
    let fields: Vec<&str> = body["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["status", "maturity", "online_url"]);
    let (status, body) = srv
        .send(
            Method::PATCH,
            &path,
            &token,
            Some(json!({"version": 3, "planned_go_live": "32.13.2026"})),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    let (status, _) = srv
        .send(
            Method::PATCH,
            &path,
            &token,
            Some(json!({"version": 3, "unbekannt": 1})),
        )
        .await;
    assert_eq!(status, 400);
    let (_, now) = srv.send(Method::GET, &path, &token, None).await;
    assert_eq!(now["version"], 3);

    // history and changes
    let (status, history) = srv
        .send(Method::GET, &format!("{path}/history"), &token, None)
        .await;
    assert_eq!(status, 200);
    let history = history.as_array().unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0]["actor"], "kai <kai@example.org>");
    assert_eq!(history[0]["changes"][0]["old"], "nicht begonnen");
    assert_eq!(history[0]["changes"][0]["new"], "in Planung");
    let today = chrono::Utc::now().date_naive();
    let (status, changes) = srv
        .send(
            Method::GET,
            &format!("/api/v1/changes?since={today}&org_unit=16068"),
            &token,
            None,
        )
        .await;
    assert_eq!(status, 200, "{changes}");
    assert_eq!(changes["total"], 2);
    let (status, _) = srv.send(Method::GET, "/api/v1/changes", &token, None).await;
    assert_eq!(status, 400, "since is required");
}

/// Parallel coordinators editing overlapping records through the API: every 200 is in the
/// history, no two 200s for one record share a version, the final state is the last 200.
async fn parallel_api_writers(storage: server::storage::Storage) {
    let srv = spawn_server(seeded(storage).await, AuthSettings::default()).await;
    let token = add_user(&srv, "kai@example.org", "koordination", "16068").await;
    let ids: Vec<i64> = srv
        .storage
        .record_versions(Some(10000))
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.org_unit_code.starts_with("16068"))
        .take(3)
        .map(|r| r.id)
        .collect();
    let srv = std::sync::Arc::new(srv);
    let mut tasks = Vec::new();
    for writer in 0..6usize {
        let (srv, token, ids) = (srv.clone(), token.clone(), ids.clone());
        tasks.push(tokio::spawn(async move {
            let mut acks = Vec::new();
            for i in 0..8usize {
                let id = ids[(writer + i) % ids.len()];
                let path = format!("/api/v1/records/{id}");
                let (_, current) = srv.send(Method::GET, &path, &token, None).await;
                let note = format!("w{writer}-{i}");
                let (status, body) = srv
                    .send(
                        Method::PATCH,
                        &path,
                        &token,
                        Some(json!({ "version": current["version"], "note": note })),
                    )
                    .await;
                match status.as_u16() {
                    200 => {
                        // the answer is this write's state, not a later writer's
                        assert_eq!(body["note"], note.as_str(), "{body}");
                        acks.push((id, body["version"].as_i64().unwrap(), note));
                    }
                    409 => assert_eq!(body["error"]["code"], "conflict"),
                    other => panic!("unexpected {other}: {body}"),
                }
            }
            acks
        }));
    }
    let mut acks = Vec::new();
    for t in tasks {
        acks.extend(t.await.unwrap());
    }
    assert!(!acks.is_empty());
    for id in ids {
        let mut mine: Vec<_> = acks.iter().filter(|a| a.0 == id).collect();
        mine.sort_by_key(|a| a.1);
        let versions: Vec<i64> = mine.iter().map(|a| a.1).collect();
        let mut unique = versions.clone();
        unique.dedup();
        assert_eq!(versions, unique, "no acknowledged write overwritten unseen");
        let events = srv.storage.record_events(id).await.unwrap();
        for (_, _, note) in &mine {
            let n = events
                .iter()
                .filter(|e| {
                    serde_json::from_str::<Value>(&e.changes).unwrap()["note"][1] == note.as_str()
                })
                .count();
            assert_eq!(n, 1, "{note} in the history once");
        }
        let record = srv.storage.record_detail(id).await.unwrap().unwrap();
        if let Some(last) = mine.last() {
            assert_eq!(record.note.as_deref(), Some(last.2.as_str()));
            assert_eq!(record.version, last.1);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_api_writers_sqlite() {
    parallel_api_writers(sqlite_file_storage().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_api_writers_postgres() {
    if let Some(s) = postgres_storage().await {
        parallel_api_writers(s).await;
    }
}

/// Without JavaScript the edit form posts to the server function; the browser is sent back to
/// the record page, which states the outcome.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_form_posts_redirect_with_the_outcome() {
    let srv = closed_server().await;
    add_user(&srv, "kai@example.org", "koordination", "16068").await;
    let cookie = srv.login("kai@example.org", PASSWORD).await.unwrap();
    let id = srv
        .storage
        .record_versions(Some(10000))
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.org_unit_code.starts_with("16068"))
        .unwrap()
        .id;
    let post = |fields: Vec<(&'static str, String)>| {
        let srv = &srv;
        let cookie = cookie.clone();
        async move {
            let r = srv
                .client
                .post(srv.url("/api/fn/save-record"))
                .header(COOKIE, cookie)
                .header(ORIGIN, &srv.base)
                .header("referer", srv.url(&format!("/umsetzungsstaende/{id}")))
                .header("accept", "text/html,application/xhtml+xml")
                .form(&fields)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::FOUND);
            r.headers()[LOCATION].to_str().unwrap().to_owned()
        }
    };
    let form = |version: i64, status: &str| {
        vec![
            ("form[record_id]", id.to_string()),
            ("form[version]", version.to_string()),
            ("form[status]", status.to_owned()),
        ]
    };
    let saved = post(form(1, "in_planung")).await;
    assert_eq!(saved, format!("/umsetzungsstaende/{id}?gespeichert=2"));
    let stale = post(form(1, "in_umsetzung")).await;
    assert_eq!(stale, format!("/umsetzungsstaende/{id}?konflikt=2"));
    let invalid = post(form(2, "online")).await;
    assert!(invalid.contains("?fehler=Status"), "{invalid}");
    let (status, html) = {
        let r = srv
            .client
            .get(srv.url(&invalid))
            .header(COOKIE, &cookie)
            .send()
            .await
            .unwrap();
        (r.status(), r.text().await.unwrap())
    };
    assert_eq!(status, 200);
    assert!(html.contains("Nichts wurde gespeichert") && html.contains("nicht vorgesehen"));
    assert_eq!(
        srv.storage
            .record_detail(id)
            .await
            .unwrap()
            .unwrap()
            .version,
        2
    );
}

/// Request bodies are bounded: an oversized upload is refused before it is read into memory.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_bodies_are_refused() {
    let srv = closed_server().await;
    let token = add_user(&srv, "ada@example.org", "admin", "").await;
    let ids: Vec<i64> = (1..=200_000).collect();
    let r = srv
        .client
        .post(srv.url("/api/v1/records/bulk"))
        .bearer_auth(&token)
        .json(&json!({ "record_ids": ids, "maturity": 1 }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    // its unread body ends the connection, and the client is told so (a pooled connection
    // reused after it failed the next request now and then)
    assert_eq!(r.headers()["connection"], "close");
    let r = srv
        .client
        .post(srv.url("/api/fn/save-record"))
        .bearer_auth(&token)
        .header("accept", "application/json")
        .form(&[("form[note]", "x".repeat(2 * 1024 * 1024))])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(r.headers()["connection"], "close");
    // a bulk request of the allowed maximum size still goes through (and refuses unknown ids)
    let ids: Vec<i64> = (900_000_001..=900_005_000).collect();
    let (status, body) = srv
        .send(
            Method::POST,
            "/api/v1/records/bulk",
            &token,
            Some(json!({ "record_ids": ids, "maturity": 1 })),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["refused"].as_array().unwrap().len(), 5000);
}

/// Every operation the OpenAPI document describes is served (not the API's 404 fallback,
/// not 405), and the document is what `/api/v1/openapi.json` returns.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_documented_operation_is_routed() {
    let srv = closed_server().await;
    let token = add_user(&srv, "ada@example.org", "admin", "").await;
    let (status, served) = srv.json("/api/v1/openapi.json").await;
    assert_eq!(status, 200);
    assert_eq!(served, server::api::openapi::document());
    for (path, method) in server::api::openapi::DOCUMENTED {
        let concrete = path
            .replace("{ozg_id}", "10000")
            .replace("{code}", "16068")
            .replace("{id}", "1")
            .replace("{unit}", "land");
        let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
        let body = (method != Method::GET).then(|| json!({}));
        let (status, body) = srv
            .send(method.clone(), &format!("/api/v1{concrete}"), &token, body)
            .await;
        assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
        assert_ne!(
            body["error"]["message"], "Diesen API-Endpunkt gibt es nicht.",
            "{method} {path} is routed"
        );
        assert!(served["paths"][path][method.as_str().to_lowercase()].is_object());
    }
}

/// Every query parameter the OpenAPI document gives a GET operation is accepted: called with
/// its documented example (and the operation's required parameters), each answers 200. A
/// parameter documented but refused by its handler (as `efa` once was on the services) fails
/// here, and so does one without an example.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_documented_parameter_of_every_list_is_accepted() {
    let srv = closed_server().await;
    let token = add_user(&srv, "ada@example.org", "admin", "").await;
    let document = server::api::openapi::document();
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let mut calls = 0;
    for (path, item) in document["paths"].as_object().unwrap() {
        let Some(operation) = item.get("get") else {
            continue;
        };
        let parameters = operation["parameters"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        if !parameters.iter().any(|p| p["in"] == "query") {
            continue; // nothing to filter by
        }
        let example = |p: &Value| {
            assert!(
                !p["example"].is_null(),
                "GET {path}: {} has an example",
                p["name"]
            );
            (text(&p["name"]), text(&p["example"]))
        };
        let mut concrete = path.clone();
        for p in parameters.iter().filter(|p| p["in"] == "path") {
            let (name, value) = example(p);
            concrete = concrete.replace(&format!("{{{name}}}"), &value);
        }
        let required: Vec<(String, String)> = parameters
            .iter()
            .filter(|p| p["in"] == "query" && p["required"] == true)
            .map(example)
            .collect();
        for p in parameters.iter().filter(|p| p["in"] == "query") {
            let mut pairs = required.clone();
            let pair = example(p);
            if !pairs.contains(&pair) {
                pairs.push(pair);
            }
            let query: Vec<String> = pairs
                .iter()
                .map(|(k, v)| format!("{k}={}", app::domain::urlencode(v)))
                .collect();
            let url = format!("/api/v1{concrete}?{}", query.join("&"));
            let (status, body) = srv.send(Method::GET, &url, &token, None).await;
            assert_eq!(status, StatusCode::OK, "GET {url}: {body}");
            calls += 1;
        }
    }
    // the services, records, changes, exports and reports each take the service filter
    assert!(calls >= 60, "{calls} parameters called");
}

/// A coordinator who signs in without a page to return to lands on "Meine Aufgaben": their
/// units' overdue and waiting records and recent changes; a reader lands on the dashboard.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn coordinators_land_on_their_own_work() {
    let srv = closed_server().await;
    add_user(&srv, "kai@example.org", "koordination", "16068").await;
    add_user(&srv, "lea@example.org", "lesen", "").await;
    let sign_in = |email: &'static str| {
        srv.client
            .post(srv.url("/auth/anmelden"))
            .header(ORIGIN, &srv.base)
            .form(&[("email", email), ("password", PASSWORD), ("weiter", "/")])
            .send()
    };
    let r = sign_in("kai@example.org").await.unwrap();
    assert_eq!(r.headers()[LOCATION], "/meine-aufgaben");
    let cookie = session_cookie(&r);
    let (status, html) = srv.get_signed_in("/meine-aufgaben", &cookie).await;
    assert_eq!(status, 200);
    for part in [
        "Meine Aufgaben",
        "Sömmerda",
        "Überfällig (",
        "Warten auf Aktualisierung (",
        "Geändert in den letzten 30 Tagen (",
    ] {
        assert!(html.contains(part), "{part}");
    }
    let r = sign_in("lea@example.org").await.unwrap();
    assert_eq!(r.headers()[LOCATION], "/");
}
