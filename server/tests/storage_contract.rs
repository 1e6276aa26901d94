//! The storage contract: every test runs on SQLite and on PostgreSQL with the same assertions.

mod support;

use app::domain::{CoverageCategory, OzgId, ServiceQuery};
use chrono::{TimeZone, Utc};
use server::storage::{ChangeOutcome, RecordChange, RecordPatch, Storage, StorageError};
use support::*;

macro_rules! contract {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test] async fn $name() { super::$name(super::sqlite_storage().await).await; })*
        }
        mod postgres {
            $(#[tokio::test] async fn $name() {
                if let Some(s) = super::postgres_storage().await { super::$name(s).await; }
            })*
        }
    };
}

contract!(
    seeding_loads_the_catalogue_and_is_idempotent,
    changed_catalogue_updates_rows_without_duplicates,
    records_follow_the_responsibility_rule,
    a_change_writes_record_event_and_rollup_together,
    stale_versions_and_invalid_values_are_refused,
    service_queries_filter_search_and_paginate,
    org_unit_portfolios,
    demo_data_goes_through_the_change_path,
);

async fn count(s: &Storage, table: &str) -> i64 {
    let sql = format!("SELECT COUNT(*) FROM {table}");
    match s {
        Storage::Sqlite(p) => sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .fetch_one(p)
            .await
            .unwrap(),
        Storage::Postgres(p) => sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .fetch_one(p)
            .await
            .unwrap(),
    }
}

async fn seeding_loads_the_catalogue_and_is_idempotent(s: Storage) {
    let s = seeded(s).await;
    assert_eq!(count(&s, "themenfeld").await, 14);
    assert_eq!(count(&s, "lage").await, 55);
    assert_eq!(count(&s, "service").await, 557);
    assert_eq!(count(&s, "leika_service").await, 5248);
    let records = count(&s, "implementation_record").await;
    let units = count(&s, "org_unit").await;

    // unchanged data: skipped; forced: writes nothing new
    let again = s.seed(&test_reference_data(), false).await.unwrap();
    assert!(again.skipped_unchanged);
    let forced = s.seed(&test_reference_data(), true).await.unwrap();
    assert_eq!(forced.records_created, 0);
    assert_eq!(count(&s, "service").await, 557);
    assert_eq!(count(&s, "leika_service").await, 5248);
    assert_eq!(count(&s, "org_unit").await, units);
    assert_eq!(count(&s, "implementation_record").await, records);
    assert_eq!(
        count(&s, "record_event").await,
        0,
        "seeding is not a change"
    );
}

async fn changed_catalogue_updates_rows_without_duplicates(s: Storage) {
    let s = seeded(s).await;
    let mut data = test_reference_data();
    let elterngeld = data
        .services
        .iter_mut()
        .find(|x| x.ozg_id.get() == 10000)
        .unwrap();
    elterngeld.name = "Elterngeld (neu benannt)".into();
    let removed = data
        .services
        .iter()
        .position(|x| x.ozg_id.get() == 10001)
        .unwrap();
    data.services.remove(removed);
    data.leika
        .retain(|l| l.ozg_id.map(|i| i.get()) != Some(10001));
    let erfurt = data
        .org_units
        .iter_mut()
        .find(|o| o.code == "16051000")
        .unwrap();
    erfurt.population = Some(214_000);
    data.fingerprint.push_str("-changed");

    let report = s.seed(&data, false).await.unwrap();
    assert_eq!(report.services_deactivated, 1);
    assert_eq!(
        count(&s, "service").await,
        557,
        "removed services are kept, not deleted"
    );
    let detail = s
        .service(OzgId::parse("10000").unwrap(), 1, 50)
        .await
        .unwrap();
    assert_eq!(detail.summary.name, "Elterngeld (neu benannt)");
    let gone = s
        .service(OzgId::parse("10001").unwrap(), 1, 50)
        .await
        .unwrap();
    assert!(!gone.summary.active);
    let unit = s.org_unit("16051000").await.unwrap();
    assert_eq!(unit.unit.population, Some(214_000));
    // search text follows the rename
    let q = ServiceQuery {
        q: Some("NEU BENANNT".into()),
        ..Default::default()
    };
    assert_eq!(s.services(&q).await.unwrap().total, 1);
}

async fn records_follow_the_responsibility_rule(s: Storage) {
    let s = seeded(s).await;
    let gemeinden = s
        .org_units(&app::domain::OrgUnitQuery {
            kind: Some(app::domain::OrgUnitKind::Gemeinde),
            parent: None,
        })
        .await
        .unwrap();
    assert!(gemeinden.len() > 10);
    // Elterngeld (2/3): one record per Gemeinde
    let d = s
        .service(OzgId::parse("10000").unwrap(), 1, 500)
        .await
        .unwrap();
    assert_eq!(d.records.total, gemeinden.len() as i64);
    assert_eq!(d.summary.records_applicable, gemeinden.len() as i64);
    assert!(d.summary.population_applicable > 200_000);
    // a type-1 service: one record for the Land
    let data = test_reference_data();
    let federal = data
        .services
        .iter()
        .find(|x| x.leika_types.to_string() == "1")
        .unwrap();
    let d = s.service(federal.ozg_id, 1, 50).await.unwrap();
    assert_eq!(d.records.total, 1);
    assert_eq!(d.records.items[0].org_unit_code, "16");
    // a type-4 service: one record for the lead ministry of its Themenfeld
    let state = data
        .services
        .iter()
        .find(|x| x.leika_types.to_string() == "4")
        .unwrap();
    let d = s.service(state.ozg_id, 1, 50).await.unwrap();
    assert_eq!(d.records.total, 1);
    let lead = d.lead_unit.expect("lead ministry");
    assert_eq!(d.records.items[0].org_unit_code, lead.code);
    let tf = &data
        .themenfelder
        .iter()
        .find(|t| t.id == state.themenfeld_id)
        .unwrap();
    assert_eq!(Some(lead.code), tf.lead_unit_code.clone());
}

fn change(record_id: i64, version: i64, patch: RecordPatch) -> RecordChange {
    RecordChange {
        record_id,
        expected_version: version,
        patch,
        actor: "test@example.org".into(),
        comment: Some("Test".into()),
        occurred_at: Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap(),
        is_demo: false,
    }
}

async fn a_change_writes_record_event_and_rollup_together(s: Storage) {
    let s = seeded(s).await;
    let keys = s.record_versions(Some(10000)).await.unwrap();
    let k = &keys[0];
    let before = s
        .service(OzgId::parse("10000").unwrap(), 1, 500)
        .await
        .unwrap()
        .summary;
    let out = s
        .apply_changes(&[change(
            k.id,
            k.version,
            RecordPatch {
                status_code: Some("online".into()),
                maturity: Some(Some(3)),
                actual_go_live: Some(Some(chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap())),
                ..Default::default()
            },
        )])
        .await
        .unwrap();
    assert_eq!(
        out,
        vec![ChangeOutcome::Applied {
            new_version: k.version + 1
        }]
    );
    let after = s
        .service(OzgId::parse("10000").unwrap(), 1, 500)
        .await
        .unwrap()
        .summary;
    assert_eq!(after.records_online, before.records_online + 1);
    assert_eq!(after.maturity_count, before.maturity_count + 1);
    assert!(after.population_online > before.population_online);

    let events = s.record_events(k.id).await.unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].old_status.as_deref(), Some("nicht_begonnen"));
    assert_eq!(events[0].new_status.as_deref(), Some("online"));
    assert_eq!(events[0].new_maturity, Some(3));
    let diff: serde_json::Value = serde_json::from_str(&events[0].changes).unwrap();
    assert_eq!(diff["actual_go_live"][1], "2026-03-01");
    assert_eq!(
        s.data_as_of().await.unwrap(),
        Some(Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap())
    );

    // the maintained rollup equals a full recomputation
    let maintained = s.rollup_snapshot().await.unwrap();
    s.rebuild_rollups().await.unwrap();
    assert_eq!(maintained, s.rollup_snapshot().await.unwrap());

    // a no-op change writes nothing
    let out = s
        .apply_changes(&[change(
            k.id,
            k.version + 1,
            RecordPatch {
                maturity: Some(Some(3)),
                ..Default::default()
            },
        )])
        .await
        .unwrap();
    assert_eq!(
        out,
        vec![ChangeOutcome::Unchanged {
            version: k.version + 1
        }]
    );
    assert_eq!(s.record_events(k.id).await.unwrap().len(), 1);
}

async fn stale_versions_and_invalid_values_are_refused(s: Storage) {
    let s = seeded(s).await;
    let keys = s.record_versions(Some(10000)).await.unwrap();
    let (a, b) = (&keys[0], &keys[1]);
    let planning = || RecordPatch {
        status_code: Some("in_planung".into()),
        ..Default::default()
    };
    // two editors saw version 1; the second save is refused, the first kept
    let first = s
        .apply_changes(&[change(a.id, a.version, planning())])
        .await
        .unwrap();
    assert!(matches!(first[0], ChangeOutcome::Applied { .. }));
    let second = s
        .apply_changes(&[change(
            a.id,
            a.version,
            RecordPatch {
                status_code: Some("online".into()),
                ..Default::default()
            },
        )])
        .await
        .unwrap();
    assert_eq!(
        second,
        vec![ChangeOutcome::Stale {
            current_version: a.version + 1
        }]
    );
    assert_eq!(s.record_events(a.id).await.unwrap().len(), 1);

    let missing = s
        .apply_changes(&[change(i64::MAX, 1, planning())])
        .await
        .unwrap();
    assert_eq!(missing, vec![ChangeOutcome::NotFound]);

    // an invalid value refuses the whole batch: nothing half-written
    let events_before = count(&s, "record_event").await;
    let err = s
        .apply_changes(&[
            change(b.id, b.version, planning()),
            change(
                keys[2].id,
                keys[2].version,
                RecordPatch {
                    maturity: Some(Some(9)),
                    ..Default::default()
                },
            ),
        ])
        .await
        .unwrap_err();
    assert!(matches!(err, StorageError::Invalid(_)), "{err:?}");
    let err = s
        .apply_changes(&[change(
            b.id,
            b.version,
            RecordPatch {
                status_code: Some("erfunden".into()),
                ..Default::default()
            },
        )])
        .await
        .unwrap_err();
    assert!(matches!(err, StorageError::Invalid(ref m) if m.contains("Unbekannter Status")));
    assert_eq!(count(&s, "record_event").await, events_before);
    assert_eq!(
        s.record_versions(Some(10000)).await.unwrap()[1].version,
        b.version
    );
}

async fn service_queries_filter_search_and_paginate(s: Storage) {
    let s = seeded(s).await;
    let all = s.services(&ServiceQuery::default()).await.unwrap();
    assert_eq!(all.total, 557);
    assert_eq!(all.items.len(), 25);
    assert!(all.items.windows(2).all(|w| w[0].ozg_id < w[1].ozg_id));
    let page2 = s
        .services(&ServiceQuery {
            page: 2,
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(page2.items[0].ozg_id > all.items[24].ozg_id);

    let options = s.filter_options().await.unwrap();
    let familie = options
        .themenfelder
        .iter()
        .find(|t| t.name == "Familie & Kind")
        .unwrap();
    let fam = s
        .services(&ServiceQuery {
            themenfeld: Some(familie.id),
            per_page: 200,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(fam.total, 37);
    assert!(fam.items.iter().all(|x| x.themenfeld == "Familie & Kind"));

    // case-insensitive, umlauts included; OZG-ID matches too; LIKE wildcards are literal
    for (q, expect) in [
        ("ELTERNGELD", "Elterngeld"),
        ("FÜHRERSCHEIN", "Führerschein"),
        ("10000", "Elterngeld"),
    ] {
        let r = s
            .services(&ServiceQuery {
                q: Some(q.into()),
                ..Default::default()
            })
            .await
            .unwrap();
        assert!(
            r.items.iter().any(|x| x.name.contains(expect)),
            "{q} → {:?}",
            r.items.iter().map(|x| &x.name).collect::<Vec<_>>()
        );
    }
    assert_eq!(
        s.services(&ServiceQuery {
            q: Some("%".into()),
            ..Default::default()
        })
        .await
        .unwrap()
        .total,
        0
    );

    // nothing is online yet: all applicable services are "nicht begonnen"
    let not_started = s
        .services(&ServiceQuery {
            stand: Some(CoverageCategory::NotStarted),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(not_started.total, 557);
    assert_eq!(
        s.services(&ServiceQuery {
            stand: Some(CoverageCategory::Full),
            ..Default::default()
        })
        .await
        .unwrap()
        .total,
        0
    );

    let missing = s
        .service(OzgId::parse("99999").unwrap(), 1, 50)
        .await
        .unwrap_err();
    assert!(matches!(missing, StorageError::NotFound(_)));
}

async fn org_unit_portfolios(s: Storage) {
    let s = seeded(s).await;
    let kreis = s.org_unit("16068").await.unwrap();
    assert_eq!(kreis.unit.kind, app::domain::OrgUnitKind::Kreis);
    assert!(kreis.children.len() > 10, "Sömmerda has its Gemeinden");
    assert!(
        kreis.records.is_empty(),
        "a Kreis holds no records of its own here"
    );
    let elterngeld = kreis
        .gemeinden_coverage
        .iter()
        .find(|p| p.ozg_id.get() == 10000)
        .unwrap();
    assert_eq!(elterngeld.records_applicable, kreis.children.len() as i64);
    assert_eq!(elterngeld.records_online, 0);

    let gemeinde = s.org_unit(&kreis.children[0].code).await.unwrap();
    assert_eq!(gemeinde.unit.parent.unwrap().code, "16068");
    assert!(gemeinde.gemeinden_coverage.is_empty());
    assert!(gemeinde.records.len() > 300);
    assert!(gemeinde
        .records
        .iter()
        .all(|r| r.org_unit_code == gemeinde.unit.code));

    let ministry = s.org_unit("TMDI").await.unwrap();
    assert_eq!(
        ministry.unit.valid_from,
        chrono::NaiveDate::from_ymd_opt(2024, 12, 13)
    );
    assert!(
        !ministry.records.is_empty(),
        "TMDI leads Bauen & Wohnen and Mobilität & Reisen"
    );
    assert!(matches!(
        s.org_unit("XYZ").await.unwrap_err(),
        StorageError::NotFound(_)
    ));
}

async fn demo_data_goes_through_the_change_path(s: Storage) {
    let s = seeded(s).await;
    let now = Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap();
    let report = server::demo::generate(&s, now)
        .await
        .unwrap()
        .expect("generated");
    assert!(
        report.events > report.records,
        "several steps per record on average"
    );
    assert!(s.has_demo_data().await.unwrap());
    assert_eq!(count(&s, "record_event").await, report.events as i64);
    let data_date = s.data_as_of().await.unwrap().unwrap();
    assert!(data_date <= now && data_date > Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap());

    let maintained = s.rollup_snapshot().await.unwrap();
    s.rebuild_rollups().await.unwrap();
    assert_eq!(
        maintained,
        s.rollup_snapshot().await.unwrap(),
        "rollups kept current by every write"
    );

    let overview = s.overview().await.unwrap();
    assert_eq!(overview.services_total, 557);
    assert!(overview.services_online_any > 100 && overview.services_online_any < 557);
    assert!(overview.services_online_full <= overview.services_online_any);
    assert!(overview.municipal_records_online > 0);
    assert_eq!(overview.bars.len(), 14);
    assert_eq!(overview.bars.iter().map(|b| b.total()).sum::<i64>(), 557);

    // every demo event is marked and attributed; a second run changes nothing
    let first = s.record_versions(Some(10000)).await.unwrap()[0].id;
    assert!(s
        .record_events(first)
        .await
        .unwrap()
        .iter()
        .all(|e| e.is_demo && e.actor == server::demo::DEMO_ACTOR));
    assert_eq!(server::demo::generate(&s, now).await.unwrap(), None);
}
