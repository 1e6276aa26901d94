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

pub async fn sqlite_storage() -> Storage {
    let storage = Storage::connect("sqlite::memory:")
        .await
        .expect("in-memory SQLite");
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
    let name = format!(
        "ozg_test_{}_{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
            % 1_000_000_000
    );
    let Storage::Postgres(pool) = &admin else {
        unreachable!()
    };
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(pool)
        .await
        .expect("create test database");
    admin.close().await;
    let storage = Storage::connect(&format!("postgres://postgres@127.0.0.1:5432/{name}"))
        .await
        .expect("connect test database");
    storage.migrate().await.expect("migrations apply");
    Some(storage)
}

/// Seeded with the test slice.
pub async fn seeded(storage: Storage) -> Storage {
    storage
        .seed(&test_reference_data(), false)
        .await
        .expect("seed");
    storage
}
