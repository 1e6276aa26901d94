//! The `ozg-monitor` binary's administrative commands, run as an operator would.

mod support;

use server::storage::{RecordChange, RecordPatch, Storage};
use std::process::Command;
use support::*;

fn ozg_monitor(database_url: &str, args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_ozg-monitor"))
        .args(args)
        .env("DATABASE_URL", database_url)
        .env("OZG_DEMO_DATA", "false")
        .env("RUST_LOG", "warn")
        .output()
        .expect("the binary runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// A seeded SQLite database in a folder of its own, for the command line to open: the
/// folder (to remove), its URL and its storage.
async fn seeded_sqlite_file() -> (std::path::PathBuf, String, Storage) {
    let dir = std::env::temp_dir().join(format!("ozg-cli-{}", unique_suffix()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite:{}/cli.db", dir.display());
    let s = Storage::connect(&url).await.unwrap();
    s.migrate().await.unwrap();
    (dir, url, seeded(s).await)
}

#[tokio::test]
async fn audit_verify_passes_an_intact_history_and_fails_a_tampered_one() {
    let (dir, url, s) = seeded_sqlite_file().await;
    let keys = s.record_versions(Some(10000)).await.unwrap();
    let changes: Vec<RecordChange> = keys[..3]
        .iter()
        .map(|k| RecordChange {
            record_id: k.id,
            expected_version: k.version,
            patch: RecordPatch {
                note: Some(Some("geprüft".into())),
                ..Default::default()
            },
            actor: "cli-test".into(),
            user_id: None,
            comment: None,
            occurred_at: chrono::Utc::now(),
            is_demo: false,
        })
        .collect();
    s.apply_changes(&changes).await.unwrap();

    let (ok, text) = ozg_monitor(&url, &["audit", "verify"]);
    assert!(ok, "{text}");
    assert!(
        text.contains("3 events checked") && text.contains("history intact"),
        "{text}"
    );

    let Storage::Sqlite(pool) = &s else {
        unreachable!()
    };
    sqlx::raw_sql(
        "DROP TRIGGER record_event_no_update; \
         UPDATE record_event SET actor = 'Mallory' WHERE chain_seq = 2",
    )
    .execute(pool)
    .await
    .unwrap();
    s.close().await;
    let (ok, text) = ozg_monitor(&url, &["audit", "verify"]);
    assert!(!ok, "a tampered history fails the command: {text}");
    assert!(
        text.contains("PROBLEM: event") && text.contains("(position 2) was altered"),
        "{text}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// An event inserted past the write path (no chain position) and a record changed without
/// an event are both found: verify checks that every event sits in the chain and that each
/// record is what its events add up to.
#[tokio::test]
async fn audit_verify_finds_forged_events_and_records_changed_without_one() {
    let (dir, url, s) = seeded_sqlite_file().await;
    let keys = s.record_versions(Some(10000)).await.unwrap();
    let change = |k: &server::storage::RecordKey, note: &str| RecordChange {
        record_id: k.id,
        expected_version: k.version,
        patch: RecordPatch {
            note: Some(Some(note.into())),
            ..Default::default()
        },
        actor: "cli-test".into(),
        user_id: None,
        comment: None,
        occurred_at: chrono::Utc::now(),
        is_demo: false,
    };
    s.apply_changes(&[change(&keys[0], "erste"), change(&keys[1], "zweite")])
        .await
        .unwrap();
    let (ok, text) = ozg_monitor(&url, &["audit", "verify"]);
    assert!(ok, "{text}");
    assert!(
        text.contains("records replayed from their 2 events"),
        "{text}"
    );

    let Storage::Sqlite(pool) = &s else {
        unreachable!()
    };
    // a plain INSERT of an event, as someone with database access could make it
    sqlx::query(
        "INSERT INTO record_event (record_id, occurred_at, recorded_at, actor, old_status, new_status, changes) \
         VALUES ($1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 'Mallory', 'nicht_begonnen', 'online', \
         '{\"status\":[\"nicht_begonnen\",\"online\"]}')",
    )
    .bind(keys[2].id)
    .execute(pool)
    .await
    .unwrap();
    // and a record changed without any event
    sqlx::query("UPDATE implementation_record SET note = 'still geändert' WHERE id = $1")
        .bind(keys[1].id)
        .execute(pool)
        .await
        .unwrap();
    s.close().await;
    let (ok, text) = ozg_monitor(&url, &["audit", "verify"]);
    assert!(!ok, "{text}");
    assert!(text.contains("has no position in the chain"), "{text}");
    assert!(
        text.contains(&format!(
            "record {}: note is \"still geändert\", its events add up to \"zweite\"",
            keys[1].id
        )),
        "{text}"
    );
    // the forged event also does not add up: its record says "nicht begonnen", version 1
    assert!(
        text.contains(&format!(
            "record {}: status is \"nicht_begonnen\"",
            keys[2].id
        )),
        "{text}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
