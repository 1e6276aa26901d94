//! Shared helpers of the integration tests: fresh databases of both kinds and a small
//! slice of the real reference data (all services, two Kreise) so tests stay fast.
#![allow(dead_code)]

pub mod api_contract;
pub mod import_fixture;

use app::domain::UserForm;
use reqwest::header::{LOCATION, ORIGIN, SET_COOKIE};
use reqwest::StatusCode;
use server::auth::AuthSettings;
use server::config::Config;
use server::reference_data::ReferenceData;
use server::startup::{leptos_options, router};
use server::state::AppState;
use server::storage::{RecordKey, Storage};

pub const PG_ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// Kreise kept in the test slice: Erfurt (kreisfreie Stadt, 1 Gemeinde) and Sömmerda (Landkreis).
pub const TEST_KREISE: [&str; 2] = ["16051", "16068"];

pub fn test_reference_data() -> ReferenceData {
    let mut data = ReferenceData::embedded().expect("embedded data parses");
    data.org_units.retain(|o| match o.kind {
        "kreis" => TEST_KREISE.contains(&o.code.as_str()),
        "gemeinde" | "verband" => TEST_KREISE.iter().any(|k| o.code.starts_with(k)),
        _ => true,
    });
    // The tests were written against responsibilities from the LeiKa rule, under which
    // every Gemeinde holds most services (Elterngeld among them); the slice keeps that rule,
    // so a test reads as a Gemeinde's work. The curated matrix the product ships
    // (`reference-data/zustaendigkeiten.csv`) has its own tests (`reference_data.rs`, the
    // contract test of a change of level) and the browser tests run on it.
    for s in &mut data.services {
        s.responsibility = s.leika_types.default_responsibility();
        s.lead_unit_code = None;
    }
    data.fingerprint.push_str("-test-slice");
    data
}

/// `<pid>_<nanoseconds>`: unique per test in this machine's runs, and tells which process made it.
pub fn unique_suffix() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{}_{}", std::process::id(), nanos % 1_000_000_000_000)
}

/// Test databases cannot be dropped by the async tests that use them; each run removes
/// those left by test processes that have ended.
async fn drop_databases_of_finished_runs(pool: &sqlx::PgPool) {
    let names: Vec<String> =
        sqlx::query_scalar("SELECT datname FROM pg_database WHERE datname LIKE 'ozg\\_test\\_%'")
            .fetch_all(pool)
            .await
            .unwrap_or_default();
    for name in names {
        let pid = name.split('_').nth(2).unwrap_or("");
        if !pid.is_empty() && !std::path::Path::new(&format!("/proc/{pid}")).exists() {
            let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
            )))
            .execute(pool)
            .await;
        }
    }
}

pub async fn sqlite_storage() -> Storage {
    migrated("sqlite::memory:").await
}

/// A SQLite file database (several connections, as in production) in a fresh temp folder.
pub async fn sqlite_file_storage() -> Storage {
    let dir = std::env::temp_dir().join(format!("ozg-test-{}", unique_suffix()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    migrated(&format!("sqlite:{}/test.db", dir.display())).await
}

async fn migrated(url: &str) -> Storage {
    let storage = Storage::connect(url).await.expect("database opens");
    storage.migrate().await.expect("migrations apply");
    storage
}

/// A fresh PostgreSQL database, or `None` (with a notice) when the server is unreachable
/// outside CI. Under `CI=true` an unreachable server fails the test.
pub async fn postgres_storage() -> Option<Storage> {
    let url = postgres_database_url().await?;
    Some(migrated(&url).await)
}

/// A fresh, empty PostgreSQL database on the machine's server, or `None` as in
/// [`postgres_storage`].
pub async fn postgres_database_url() -> Option<String> {
    let admin = match Storage::connect(PG_ADMIN_URL).await {
        Ok(s) => s,
        Err(e) => {
            assert!(
                !std::env::var("CI").is_ok_and(|v| v == "true"),
                "PostgreSQL at {PG_ADMIN_URL} is required under CI=true but unreachable: {e}"
            );
            eprintln!("NOTICE: PostgreSQL unreachable ({e}); skipping the PostgreSQL variant of this test");
            return None;
        }
    };
    let Storage::Postgres(pool) = &admin else {
        unreachable!()
    };
    drop_databases_of_finished_runs(pool).await;
    let name = format!("ozg_test_{}", unique_suffix());
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(pool)
        .await
        .expect("create test database");
    admin.close().await;
    Some(format!("postgres://postgres@127.0.0.1:5432/{name}"))
}

/// Seeded with the test slice.
pub async fn seeded(storage: Storage) -> Storage {
    storage
        .seed(&test_reference_data(), false)
        .await
        .expect("seed");
    storage
}

/// A server on SQLite with the test slice (and demo history when `demo`), read by anonymous
/// visitors: public read access is on.
pub async fn spawn_public(demo: bool) -> TestServer {
    let storage = seeded(sqlite_file_storage().await).await;
    if demo {
        server::demo::generate(&storage, chrono::Utc::now())
            .await
            .unwrap();
    }
    spawn_server(
        storage,
        AuthSettings {
            public_read: true,
            ..Default::default()
        },
    )
    .await
}

/// A server on a random port of 127.0.0.1, serving `storage` until the test ends.
pub struct TestServer {
    pub base: String,
    pub storage: Storage,
    /// Without a cookie store: each test decides which cookies it sends.
    pub client: reqwest::Client,
    /// The server's API answers that the OpenAPI document does not describe.
    pub undocumented: api_contract::Violations,
}

impl Drop for TestServer {
    /// A test fails when its server answered anything the API's document does not describe.
    fn drop(&mut self) {
        let undocumented = self.undocumented.take();
        assert!(
            undocumented.is_empty() || std::thread::panicking(),
            "answers the OpenAPI document does not describe:\n{}",
            undocumented.join("\n")
        );
    }
}

pub async fn spawn_server(storage: Storage, auth: AuthSettings) -> TestServer {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let state = AppState::new(
        leptos_options(&Config::for_database("sqlite::memory:"), addr),
        storage.clone(),
        auth,
        app::domain::OperatorInfo {
            name: Some("Testbetreiber".into()),
            email: Some("betrieb@example.org".into()),
            ..Default::default()
        },
    );
    let undocumented = api_contract::Violations::default();
    let app = router(state).layer(axum::middleware::from_fn_with_state(
        undocumented.clone(),
        api_contract::check_answers,
    ));
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
        .unwrap();
    });
    TestServer {
        base: format!("http://{addr}"),
        storage,
        // a bounded wait: a hang fails the test instead of stalling CI
        client: reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(30))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        undocumented,
    }
}

impl TestServer {
    pub async fn get(&self, path: &str) -> (u16, String) {
        let r = self
            .client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap();
        (r.status().as_u16(), r.text().await.unwrap())
    }

    /// GET `path` with a session cookie (`name=value`): the status and the page.
    pub async fn get_signed_in(&self, path: &str, cookie: &str) -> (u16, String) {
        let r = self
            .client
            .get(format!("{}{path}", self.base))
            .header(reqwest::header::COOKIE, cookie)
            .send()
            .await
            .unwrap();
        (r.status().as_u16(), r.text().await.unwrap())
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Logs in through the form; returns the session cookie (`name=value`).
    pub async fn login(&self, email: &str, password: &str) -> Result<String, String> {
        let r = self
            .client
            .post(self.url("/auth/anmelden"))
            .header(ORIGIN, &self.base)
            .form(&[
                ("email", email),
                ("password", password),
                ("weiter", "/leistungen"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let location = r.headers()[LOCATION].to_str().unwrap().to_owned();
        match r.headers().get(SET_COOKIE) {
            Some(c) if location == "/leistungen" => {
                let c = c.to_str().unwrap();
                assert!(
                    c.contains("HttpOnly") && c.contains("SameSite=Strict"),
                    "{c}"
                );
                Ok(c.split(';').next().unwrap().to_owned())
            }
            _ => Err(location),
        }
    }

    pub async fn json(&self, path: &str) -> (u16, serde_json::Value) {
        let (status, body) = self.get(path).await;
        (
            status,
            serde_json::from_str(&body)
                .unwrap_or_else(|e| panic!("{path}: not JSON ({e}): {body}")),
        )
    }
}

/// A record of service `ozg_id` held by a Gemeinde of Kreis `kreis` (its code starts with the
/// Kreis's and is longer).
pub async fn gemeinde_record(storage: &Storage, ozg_id: i64, kreis: &str) -> RecordKey {
    storage
        .record_versions(Some(ozg_id))
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.org_unit_code.starts_with(kreis) && r.org_unit_code.len() > kreis.len())
        .expect("a Gemeinde record in the Kreis")
}

/// The password of the users tests add.
pub const PASSWORD: &str = "ein-sicheres-passwort";

/// Adds an active user with `role` and `scopes`; returns an API token of theirs.
pub async fn add_user(srv: &TestServer, email: &str, role: &str, scopes: &str) -> String {
    server::accounts::save_user(
        &srv.storage,
        &UserForm {
            email: email.into(),
            display_name: email.split('@').next().unwrap().into(),
            role: role.into(),
            scopes: scopes.into(),
            active: true,
            password: PASSWORD.into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let user = srv.storage.user_by_email(email).await.unwrap().unwrap();
    server::accounts::create_token(&srv.storage, user.user.id, "test")
        .await
        .unwrap()
        .secret
}

/// The `name=value` part of the session cookie a sign-in answer sets.
pub fn session_cookie(response: &reqwest::Response) -> String {
    response.headers()[reqwest::header::SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned()
}

/// Sets a record's status directly in the database, past the edit rules of the service layer,
/// as another instance's write (or one from before a rule) would.
pub async fn set_status(storage: &Storage, record_id: i64, version: i64, status: &str) {
    use server::storage::{ChangeOutcome, RecordChange, RecordPatch};
    let outcome = storage
        .apply_changes(&[RecordChange {
            record_id,
            expected_version: version,
            patch: RecordPatch {
                status_code: Some(status.into()),
                ..Default::default()
            },
            actor: "Test".into(),
            user_id: None,
            comment: None,
            occurred_at: chrono::Utc::now(),
            is_demo: false,
        }])
        .await
        .unwrap();
    assert!(
        matches!(outcome[0], ChangeOutcome::Applied { .. }),
        "{outcome:?}"
    );
}
