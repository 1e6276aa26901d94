//! Shared helpers of the integration tests: fresh databases of both kinds and a small
//! slice of the real reference data (all services, two Kreise) so tests stay fast.
#![allow(dead_code)]

use server::reference_data::ReferenceData;
use server::storage::Storage;

pub const PG_ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// Kreise kept in the test slice: Erfurt (kreisfreie Stadt, 1 Gemeinde) and Sömmerda (Landkreis).
pub const TEST_KREISE: [&str; 2] = ["16051", "16068"];

pub fn test_reference_data() -> ReferenceData {
    let mut data = ReferenceData::embedded().expect("embedded data parses");
    data.org_units.retain(|o| match o.kind {
        "kreis" => TEST_KREISE.contains(&o.code.as_str()),
        "gemeinde" => TEST_KREISE.iter().any(|k| o.code.starts_with(k)),
        _ => true,
    });
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
    let admin = match Storage::connect(PG_ADMIN_URL).await {
        Ok(s) => s,
        Err(e) => {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!(
                    "PostgreSQL at {PG_ADMIN_URL} is required under CI=true but unreachable: {e}"
                );
            }
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
    Some(migrated(&format!("postgres://postgres@127.0.0.1:5432/{name}")).await)
}

/// Seeded with the test slice.
pub async fn seeded(storage: Storage) -> Storage {
    storage
        .seed(&test_reference_data(), false)
        .await
        .expect("seed");
    storage
}
