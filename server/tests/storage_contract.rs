//! The storage contract: every test runs on SQLite and on PostgreSQL with the same assertions.

mod support;

use app::domain::{CoverageCategory, OzgId, ServiceFilter, ServiceQuery, ThemenfeldId};
use chrono::{TimeZone, Utc};
use server::scheduled::{run_slot, Job, HISTORY_BROKEN, HISTORY_CHECKED};
use server::storage::{ChangeOutcome, PageStart, RecordChange, RecordPatch, Storage, StorageError};
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
    a_units_worklist_holds_overdue_and_waiting_records,
    sign_in_claims_are_counted_exactly_in_parallel,
    seeding_loads_the_catalogue_and_is_idempotent,
    changed_catalogue_updates_rows_without_duplicates,
    records_follow_the_responsibility_rule,
    a_change_writes_record_event_and_rollup_together,
    stale_versions_and_invalid_values_are_refused,
    service_queries_filter_search_and_paginate,
    org_unit_portfolios,
    demo_data_goes_through_the_change_path,
    events_cannot_be_changed_or_deleted,
    tampering_with_the_history_is_detected,
    change_lists_count_what_they_list,
    accounts_sessions_and_tokens,
    scheduled_work_runs_once_per_slot,
    any_batch_of_changes_writes_exactly_what_it_reports,
    the_dashboard_shows_any_past_date_from_the_history,
    values_the_database_refuses_are_the_requests_fault,
    all_or_nothing_writes_nothing_when_one_change_fails,
    imports_find_records_by_service_and_unit,
    an_imported_catalogue_counts_new_services_from_today_and_outlives_the_seed,
    a_territorial_change_keeps_the_past_and_the_dissolved_units_records,
    a_renamed_unit_keeps_its_counts_and_a_new_population_counts_from_the_import,
    every_committed_write_raises_the_data_generation,
    paging_after_a_record_lists_what_page_numbers_list,
    generating_other_laender_adds_their_units_with_demo_history,
    record_lists_count_each_status_and_themenfeld_of_the_whole_list,
    moving_a_service_between_levels_and_back_keeps_every_record_and_event,
    the_settings_change_one_thing_at_a_time_each_audited,
    not_relevant_records_without_approval_are_listed_until_an_admin_confirms,
    a_verband_holds_the_transferred_tasks_of_its_members,
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

/// Runs SQL the application never runs (tampering "behind its back").
async fn execute(s: &Storage, sql: &str) {
    let sql = sqlx::AssertSqlSafe(sql.to_owned());
    match s {
        Storage::Sqlite(p) => sqlx::raw_sql(sql).execute(p).await.map(|_| ()),
        Storage::Postgres(p) => sqlx::raw_sql(sql).execute(p).await.map(|_| ()),
    }
    .unwrap_or_else(|e| panic!("{e}"));
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
        .service(OzgId::parse("10000").unwrap(), 1, 50, None)
        .await
        .unwrap();
    assert_eq!(detail.summary.name, "Elterngeld (neu benannt)");
    let gone = s
        .service(OzgId::parse("10001").unwrap(), 1, 50, None)
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
        .service(OzgId::parse("10000").unwrap(), 1, 500, None)
        .await
        .unwrap();
    assert_eq!(d.records.total, gemeinden.len() as i64);
    assert_eq!(d.summary.records_applicable, gemeinden.len() as i64);
    assert!(d.summary.population_applicable > 200_000);
    // one's own records among them: a Kreis by its key (its Gemeinden), a unit by its name
    let elterngeld = OzgId::parse("10000").unwrap();
    let in_kreis = s.service(elterngeld, 1, 500, Some("16068")).await.unwrap();
    let soemmerda = gemeinden
        .iter()
        .filter(|g| g.code.starts_with("16068"))
        .count() as i64;
    assert_eq!(in_kreis.records.total, soemmerda);
    assert!(in_kreis
        .records
        .items
        .iter()
        .all(|r| r.org_unit_code.starts_with("16068")));
    let erfurt = s.service(elterngeld, 1, 500, Some("erfurt")).await.unwrap();
    assert_eq!(erfurt.records.total, 1, "by name, any case");
    assert_eq!(erfurt.records.items[0].org_unit_code, "16051000");
    let nothing = s.service(elterngeld, 1, 500, Some("100%_")).await.unwrap();
    assert_eq!(nothing.records.total, 0, "% and _ are text");
    // a type-1 service: one record for the Land
    let data = test_reference_data();
    let federal = data
        .services
        .iter()
        .find(|x| x.leika_types.to_string() == "1")
        .unwrap();
    let d = s.service(federal.ozg_id, 1, 50, None).await.unwrap();
    assert_eq!(d.records.total, 1);
    assert_eq!(d.records.items[0].org_unit_code, "16");
    // a type-4 service: one record for the lead ministry of its Themenfeld
    let state = data
        .services
        .iter()
        .find(|x| x.leika_types.to_string() == "4")
        .unwrap();
    let d = s.service(state.ozg_id, 1, 50, None).await.unwrap();
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

/// The maintained history rollups equal those rebuilt from records and events.
async fn assert_history_exact(s: &Storage) {
    let maintained = s.history_snapshot().await.unwrap();
    s.rebuild_history().await.unwrap();
    let rebuilt = s.history_snapshot().await.unwrap();
    assert_eq!(maintained.0.len(), rebuilt.0.len(), "history rows");
    assert_eq!(maintained, rebuilt, "history rollups exact");
}

fn change(record_id: i64, version: i64, patch: RecordPatch) -> RecordChange {
    RecordChange {
        record_id,
        expected_version: version,
        patch,
        actor: "test@example.org".into(),
        user_id: None,
        comment: Some("Test".into()),
        occurred_at: Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap(),
        is_demo: false,
    }
}

async fn a_change_writes_record_event_and_rollup_together(s: Storage) {
    let s = seeded(s).await;
    let keys = s.record_versions(Some(10000)).await.unwrap();
    let mut k = keys[0].clone();
    // "nicht begonnen" → "online" is no allowed transition: through "in Umsetzung"
    let step = s
        .apply_changes(&[change(
            k.id,
            k.version,
            RecordPatch {
                status_code: Some("in_umsetzung".into()),
                ..Default::default()
            },
        )])
        .await
        .unwrap();
    assert_eq!(
        step,
        vec![ChangeOutcome::Applied {
            new_version: k.version + 1
        }]
    );
    k.version += 1;
    let k = &k;
    let before = s
        .service(OzgId::parse("10000").unwrap(), 1, 500, None)
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
        .service(OzgId::parse("10000").unwrap(), 1, 500, None)
        .await
        .unwrap()
        .summary;
    assert_eq!(after.records_online, before.records_online + 1);
    assert_eq!(after.maturity_count, before.maturity_count + 1);
    assert!(after.population_online > before.population_online);

    let events = s.record_events(k.id).await.unwrap();
    assert_eq!(events.len(), 2);
    assert_eq!(events[1].old_status.as_deref(), Some("in_umsetzung"));
    assert_eq!(events[1].new_status.as_deref(), Some("online"));
    assert_eq!(events[1].new_maturity, Some(3));
    let diff: serde_json::Value = serde_json::from_str(&events[1].changes).unwrap();
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
    assert_eq!(s.record_events(k.id).await.unwrap().len(), 2);
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

    // each change is decided on its own: the valid one is written, the invalid ones refused
    let events_before = count(&s, "record_event").await;
    let out = s
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
            change(
                keys[3].id,
                keys[3].version,
                RecordPatch {
                    status_code: Some("erfunden".into()),
                    ..Default::default()
                },
            ),
            // "nicht begonnen" → "online" skips the pipeline
            change(
                keys[4].id,
                keys[4].version,
                RecordPatch {
                    status_code: Some("online".into()),
                    ..Default::default()
                },
            ),
        ])
        .await
        .unwrap();
    assert!(matches!(out[0], ChangeOutcome::Applied { .. }));
    assert!(matches!(&out[1], ChangeOutcome::Refused { reason } if reason.contains("Reifegrad 9")));
    assert!(
        matches!(&out[2], ChangeOutcome::Refused { reason } if reason.contains("Unbekannter Status"))
    );
    assert!(
        matches!(&out[3], ChangeOutcome::Refused { reason } if reason.contains("nicht vorgesehen")),
        "{:?}",
        out[3]
    );
    assert_eq!(count(&s, "record_event").await, events_before + 1);
    let versions = s.record_versions(Some(10000)).await.unwrap();
    assert_eq!(versions[2].version, keys[2].version);
    assert_eq!(versions[4].version, keys[4].version);
}

async fn all_or_nothing_writes_nothing_when_one_change_fails(s: Storage) {
    let s = seeded(s).await;
    let keys = s.record_versions(Some(10000)).await.unwrap();
    let options = s.edit_options().await.unwrap();
    let planning = || RecordPatch {
        status_code: Some("in_planung".into()),
        ..Default::default()
    };
    let events_before = count(&s, "record_event").await;
    let rollup_before = s.services(&ServiceQuery::default()).await.unwrap();
    let batch = [
        change(keys[0].id, keys[0].version, planning()),
        change(keys[1].id, keys[1].version + 1, planning()),
    ];
    let out = s
        .apply_changes_all_or_nothing(&options, &batch)
        .await
        .unwrap();
    assert!(matches!(out[0], ChangeOutcome::Applied { .. }), "{out:?}");
    assert!(matches!(out[1], ChangeOutcome::Stale { .. }), "{out:?}");
    // the applicable one was not written either: no event, no version, no rollup change
    assert_eq!(count(&s, "record_event").await, events_before);
    assert_eq!(s.record_versions(Some(10000)).await.unwrap(), keys);
    assert_eq!(
        s.services(&ServiceQuery::default()).await.unwrap().items,
        rollup_before.items
    );
    // a batch without failures is written as a whole
    let out = s
        .apply_changes_all_or_nothing(&options, &batch[..1])
        .await
        .unwrap();
    assert!(matches!(out[0], ChangeOutcome::Applied { .. }));
    assert_eq!(count(&s, "record_event").await, events_before + 1);
}

async fn imports_find_records_by_service_and_unit(s: Storage) {
    let s = seeded(s).await;
    let keys = s.import_keys().await.unwrap();
    assert_eq!(keys.services.len(), 557);
    let records = s.record_versions(Some(10000)).await.unwrap();
    let known = &records[0];
    let unit = keys.units[&known.org_unit_code];
    let found = s
        .record_ids_by_key(&[(10000, unit), (999_999, unit), (10000, -1)])
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[&(10000, unit)], known.id);
    // more pairs than one statement takes
    let many: Vec<(i64, i64)> = (0..2500).map(|i| (10000 + i, unit)).collect();
    let found = s.record_ids_by_key(&many).await.unwrap();
    assert!(found.values().any(|id| *id == known.id));
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
            services: ServiceFilter {
                themenfeld: Some(ThemenfeldId(familie.id)),
                ..ServiceFilter::default()
            },
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
        .service(OzgId::parse("99999").unwrap(), 1, 50, None)
        .await
        .unwrap_err();
    assert!(matches!(missing, StorageError::NotFound(_)));
}

async fn org_unit_portfolios(s: Storage) {
    let s = seeded(s).await;
    let kreis = s.org_unit("16068").await.unwrap();
    assert_eq!(kreis.unit.kind, app::domain::OrgUnitKind::Kreis);
    use app::domain::OrgUnitKind;
    let of_kind = |k| kreis.children.iter().filter(move |c| c.kind == k);
    assert_eq!(
        of_kind(OrgUnitKind::Gemeinde).count(),
        38,
        "Sömmerda has its Gemeinden"
    );
    assert_eq!(of_kind(OrgUnitKind::Verband).count(), 6, "and its Verbände");
    assert!(
        kreis.records.is_empty(),
        "a Kreis holds no records of its own here"
    );
    let elterngeld = kreis
        .gemeinden_coverage
        .iter()
        .find(|p| p.ozg_id.get() == 10000)
        .unwrap();
    assert_eq!(elterngeld.records_applicable, 38);
    assert_eq!(elterngeld.records_online, 0);

    let first = of_kind(OrgUnitKind::Gemeinde).next().unwrap();
    let gemeinde = s.org_unit(&first.code).await.unwrap();
    assert_eq!(gemeinde.unit.parent.unwrap().code, "16068");
    assert!(gemeinde.gemeinden_coverage.is_empty());
    assert!(gemeinde.records.len() > 300);
    assert!(gemeinde
        .records
        .iter()
        .all(|r| r.org_unit_code == gemeinde.unit.code));

    // a Verband's page lists its members
    let gera_aue = of_kind(OrgUnitKind::Verband)
        .find(|v| v.name == "Verwaltungsgemeinschaft Gera-Aue")
        .unwrap();
    let members = s.org_unit(&gera_aue.code).await.unwrap().children;
    assert!(members.iter().all(|m| m.kind == OrgUnitKind::Gemeinde));
    assert!(
        members.iter().any(|m| m.name == "Andisleben"),
        "{members:?}"
    );

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

    let overview = s
        .overview_at(&Default::default(), now.date_naive())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(overview.services_total, 557);
    // today's state from the history rollups equals the current rollups
    let current: i64 = maintained.iter().map(|(_, figures)| figures[1]).sum();
    let municipal_and_other = overview.bars.iter().map(|b| b.total()).sum::<i64>();
    assert_eq!(municipal_and_other, 557);
    let trend_end = overview.trend.last().expect("years of demo history");
    assert_eq!(trend_end.date, now.date_naive());
    assert_eq!(
        trend_end.count(app::domain::CoverageCategory::Full),
        overview.services_online_full
    );
    assert!(overview.trend.len() > 60, "monthly points since 2019");
    assert!(current >= overview.municipal_records_online);
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

/// `ozg-monitor generate --scale germany` on a few lines of the Destatis list: the other
/// Länder's units come with their records through the territory write, and every planned demo
/// change is written (none falls before a new unit's lifetime), with exact rollups and history.
async fn generating_other_laender_adds_their_units_with_demo_history(s: Storage) {
    use server::demo::Progress;
    use server::generate::{generate_with_units, other_laender_units, GenerateError};
    let s = seeded(s).await;
    let register = "ags_8,ars_12,gemeinde,kreis_schluessel_5,kreis,einwohner_31_12_2019\n\
         01001000,010010000000,\"Flensburg, Stadt\",01001,\"Flensburg, Stadt\",90164\n\
         01051011,010515163011,\"Brunsbüttel, Stadt\",01051,Dithmarschen,12603\n\
         01051012,010515163012,Büsum,01051,Dithmarschen,4937\n\
         16051000,160510000000,\"Erfurt, Stadt\",16051,\"Erfurt, Stadt\",213981\n";
    let units = other_laender_units(register, "16").unwrap();
    assert_eq!(
        units.len(),
        5,
        "2 Kreise and 3 Gemeinden; Thüringen's line skipped"
    );
    let slice_inhabitants: i64 = test_reference_data()
        .org_units
        .iter()
        .filter(|o| o.kind == "gemeinde")
        .filter_map(|o| o.population)
        .sum();
    let records_before = count(&s, "implementation_record").await;

    let now = Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap();
    let mut steps = Vec::new();
    let report = generate_with_units(&s, &units, now, &mut |p| steps.push(p))
        .await
        .unwrap();
    assert_eq!(report.units_added, 5);
    assert_eq!(
        count(&s, "implementation_record").await,
        records_before + report.records_created as i64
    );
    let buesum = s.org_unit("01051012").await.unwrap();
    assert_eq!(buesum.unit.parent.unwrap().code, "01051");
    assert!(buesum.records.len() > 300, "every Gemeinde service");
    assert_eq!(
        s.org_unit("16").await.unwrap().unit.population.unwrap(),
        slice_inhabitants + 90_164 + 12_603 + 4_937,
        "the Land's inhabitants are its Gemeinden's, the new ones' included"
    );

    let Some(Progress::Changes { done, total }) = steps
        .iter()
        .rev()
        .find(|p| matches!(p, Progress::Changes { .. }))
        .copied()
    else {
        panic!("the demo changes were reported: {steps:?}");
    };
    assert_eq!(done, total);
    assert_eq!(
        report.demo.events as u64, total,
        "no planned change refused"
    );
    assert_eq!(count(&s, "record_event").await, report.demo.events as i64);
    assert!(s.has_demo_data().await.unwrap());
    let flensburg_events = count(
        &s,
        "record_event e JOIN implementation_record r ON r.id = e.record_id \
         JOIN org_unit o ON o.id = r.org_unit_id WHERE o.code = '01001000' AND e.is_demo",
    )
    .await;
    assert!(
        flensburg_events > 100,
        "the new units have demo history too"
    );

    let maintained = s.rollup_snapshot().await.unwrap();
    s.rebuild_rollups().await.unwrap();
    assert_eq!(maintained, s.rollup_snapshot().await.unwrap());
    assert_history_exact(&s).await;
    assert!(s.verify_chain().await.unwrap().is_intact());
    assert!(matches!(
        generate_with_units(&s, &[], now, &mut |_| {}).await,
        Err(GenerateError::NotEmpty)
    ));
}

/// Many writers on few records at once: every acknowledged write is in the history exactly
/// once, no two acknowledged writes share a version (nothing silently overwritten), and the
/// final state is the last acknowledged write of each record.
async fn parallel_writers_lose_nothing(s: Storage) {
    let s = seeded(s).await;
    let keys: Vec<i64> = s
        .record_versions(Some(10000))
        .await
        .unwrap()
        .iter()
        .take(4)
        .map(|k| k.id)
        .collect();
    let mut tasks = Vec::new();
    for writer in 0..8 {
        let s = s.clone();
        let keys = keys.clone();
        tasks.push(tokio::spawn(async move {
            let mut acknowledged = Vec::new();
            for i in 0..12 {
                let id = keys[(writer + i) % keys.len()];
                let version = s.record_detail(id).await.unwrap().unwrap().version;
                let note = format!("w{writer}-{i}");
                let out = s
                    .apply_changes(&[RecordChange {
                        patch: RecordPatch {
                            note: Some(Some(note.clone())),
                            maturity: Some(Some(((writer + i) % 5) as i64)),
                            ..Default::default()
                        },
                        ..change(id, version, RecordPatch::default())
                    }])
                    .await
                    .unwrap();
                match &out[0] {
                    ChangeOutcome::Applied { new_version } => {
                        acknowledged.push((id, *new_version, note))
                    }
                    ChangeOutcome::Stale { .. } => {}
                    other => panic!("unexpected {other:?}"),
                }
            }
            acknowledged
        }));
    }
    // the chain is checked while the writers write (as the scheduled check does): each
    // check sees one consistent state, never the newest events as a broken head
    let checker = {
        let s = s.clone();
        tokio::spawn(async move {
            let mut checks = 0;
            loop {
                let report = s.verify_chain().await.unwrap();
                assert!(report.is_intact(), "checked during writes: {report:?}");
                checks += 1;
                if report.checked >= 40 || checks >= 500 {
                    return checks;
                }
            }
        })
    };
    let mut acknowledged = Vec::new();
    for t in tasks {
        acknowledged.extend(t.await.unwrap());
    }
    assert!(checker.await.unwrap() > 0);
    assert!(acknowledged.len() >= keys.len(), "some writes got through");
    for id in &keys {
        let mut mine: Vec<&(i64, i64, String)> =
            acknowledged.iter().filter(|a| a.0 == *id).collect();
        mine.sort_by_key(|a| a.1);
        let versions: Vec<i64> = mine.iter().map(|a| a.1).collect();
        let mut unique = versions.clone();
        unique.dedup();
        assert_eq!(
            versions, unique,
            "no two acknowledged writes got the same version"
        );
        let record = s.record_detail(*id).await.unwrap().unwrap();
        let events = s.record_events(*id).await.unwrap();
        assert_eq!(
            events.len() as i64,
            record.version - 1,
            "one event per version step"
        );
        if let Some(last) = mine.last() {
            assert_eq!(record.version, last.1);
            assert_eq!(
                record.note.as_deref(),
                Some(last.2.as_str()),
                "final state = last acknowledged write"
            );
        }
        for (_, _, note) in &mine {
            let n = events
                .iter()
                .filter(|e| {
                    serde_json::from_str::<serde_json::Value>(&e.changes).unwrap()["note"][1]
                        == note.as_str()
                })
                .count();
            assert_eq!(n, 1, "acknowledged write {note} is in the history once");
        }
    }
    let maintained = s.rollup_snapshot().await.unwrap();
    s.rebuild_rollups().await.unwrap();
    assert_eq!(
        maintained,
        s.rollup_snapshot().await.unwrap(),
        "rollups stayed exact"
    );
    assert_history_exact(&s).await;
    let chain = s.verify_chain().await.unwrap();
    assert!(
        chain.is_intact(),
        "concurrent writers keep one chain: {chain:?}"
    );
    assert_eq!(chain.checked, acknowledged.len() as u64);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_writers_lose_nothing_sqlite() {
    parallel_writers_lose_nothing(sqlite_file_storage().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_writers_lose_nothing_postgres() {
    if let Some(s) = postgres_storage().await {
        parallel_writers_lose_nothing(s).await;
    }
}

/// The history is append-only in the database itself, not only by convention.
async fn events_cannot_be_changed_or_deleted(s: Storage) {
    let s = seeded(s).await;
    let k = s.record_versions(Some(10000)).await.unwrap()[0].clone();
    s.apply_changes(&[change(
        k.id,
        k.version,
        RecordPatch {
            note: Some(Some("x".into())),
            ..Default::default()
        },
    )])
    .await
    .unwrap();
    let (update, delete) = match &s {
        Storage::Sqlite(p) => (
            sqlx::query("UPDATE record_event SET actor = 'Mallory'")
                .execute(p)
                .await
                .is_err(),
            sqlx::query("DELETE FROM record_event")
                .execute(p)
                .await
                .is_err(),
        ),
        Storage::Postgres(p) => (
            sqlx::query("UPDATE record_event SET actor = 'Mallory'")
                .execute(p)
                .await
                .is_err(),
            sqlx::query("DELETE FROM record_event")
                .execute(p)
                .await
                .is_err(),
        ),
    };
    assert!(update && delete, "the database refuses to rewrite history");
    assert_eq!(
        s.record_events(k.id).await.unwrap()[0].actor,
        "test@example.org"
    );
}

/// The hash chain finds an altered event, a removed one and removed newest ones — changes
/// made directly in the database by someone who first switched the append-only guard off.
async fn tampering_with_the_history_is_detected(s: Storage) {
    use server::storage::chain::ChainProblem;
    let s = seeded(s).await;
    let keys = s.record_versions(Some(10000)).await.unwrap();
    for k in keys.iter().take(5) {
        let note = RecordPatch {
            note: Some(Some(format!("Notiz {}", k.id))),
            ..Default::default()
        };
        s.apply_changes(&[change(k.id, k.version, note)])
            .await
            .unwrap();
    }
    // one transaction with three events
    let bulk: Vec<RecordChange> = keys[5..8]
        .iter()
        .map(|k| {
            change(
                k.id,
                k.version,
                RecordPatch {
                    maturity: Some(Some(2)),
                    ..Default::default()
                },
            )
        })
        .collect();
    s.apply_changes(&bulk).await.unwrap();
    let report = s.verify_chain().await.unwrap();
    assert!(report.is_intact(), "{report:?}");
    assert_eq!(
        (report.checked, report.head_seq, report.unchained),
        (8, 8, 0)
    );

    execute(
        &s,
        match s {
            Storage::Sqlite(_) => {
                "DROP TRIGGER record_event_no_update; DROP TRIGGER record_event_no_delete"
            }
            Storage::Postgres(_) => {
                "ALTER TABLE record_event DISABLE TRIGGER record_event_no_change"
            }
        },
    )
    .await;
    execute(
        &s,
        "UPDATE record_event SET comment = 'geschönt' WHERE chain_seq = 3",
    )
    .await;
    let problems = s.verify_chain().await.unwrap().problems;
    assert!(
        matches!(problems.as_slice(), [ChainProblem::Altered { seq: 3, .. }]),
        "{problems:?}"
    );
    execute(&s, "DELETE FROM record_event WHERE chain_seq = 5").await;
    let problems = s.verify_chain().await.unwrap().problems;
    assert!(
        problems.contains(&ChainProblem::Missing { from: 5, to: 5 }),
        "{problems:?}"
    );
    assert_eq!(problems.len(), 2, "{problems:?}");
    execute(&s, "DELETE FROM record_event WHERE chain_seq = 8").await;
    let problems = s.verify_chain().await.unwrap().problems;
    assert!(
        problems.contains(&ChainProblem::HeadMismatch {
            head_seq: 8,
            last_seq: 7
        }),
        "{problems:?}"
    );
    // the scheduled check puts a broken chain into the audit log
    assert!(run_slot(&s, Job::HistoryCheck, 0, "test").await.unwrap());
    let logged = s.audit_page(Some(HISTORY_BROKEN), 1, 10).await.unwrap();
    assert_eq!(logged.total, 1);
    assert!(
        logged.items[0]
            .detail
            .as_deref()
            .unwrap()
            .contains("3 Verletzungen"),
        "{:?}",
        logged.items[0]
    );
}

/// Scheduled work: a slot runs on the instance that claims it first, never twice; the jobs do
/// their work (expired sessions go, the chain check is logged).
async fn scheduled_work_runs_once_per_slot(s: Storage) {
    let s = seeded(s).await;
    let id = s
        .create_user(&server::storage::NewUser {
            email: "zeit@example.org".into(),
            display_name: "Zeit".into(),
            role: app::domain::Role::Lesen,
            password_hash: "x".into(),
            scope_codes: vec![],
        })
        .await
        .unwrap();
    let now = Utc::now();
    s.create_session("live", id, now + chrono::Duration::hours(1))
        .await
        .unwrap();
    for old in ["old-1", "old-2"] {
        s.create_session(old, id, now - chrono::Duration::minutes(1))
            .await
            .unwrap();
    }
    let keys = s.record_versions(Some(10000)).await.unwrap();
    let note = RecordPatch {
        note: Some(Some("geprüft".into())),
        ..Default::default()
    };
    s.apply_changes(&[change(keys[0].id, keys[0].version, note)])
        .await
        .unwrap();

    // a run record older than 90 days, pruned by the session clean-up
    let long_ago = now - chrono::Duration::days(100);
    assert!(s
        .claim_scheduled_slot(Job::SessionCleanup.name(), 0, "alt", long_ago)
        .await
        .unwrap());

    for job in [Job::SessionCleanup, Job::HistoryCheck] {
        assert!(run_slot(&s, job, 3600, "instanz-a").await.unwrap());
        assert!(
            !run_slot(&s, job, 3600, "instanz-b").await.unwrap(),
            "a claimed slot is not run again"
        );
        assert!(run_slot(&s, job, 7200, "instanz-b").await.unwrap());
        let runs = s.scheduled_runs(job.name()).await.unwrap();
        let who: Vec<(i64, &str)> = runs.iter().map(|r| (r.slot, r.instance.as_str())).collect();
        assert_eq!(who, [(3600, "instanz-a"), (7200, "instanz-b")]);
        assert!(runs.iter().all(
            |r| r.finished_at.is_some() && !r.outcome.as_deref().unwrap().starts_with("failed")
        ));
    }
    assert_eq!(
        count(&s, "user_session").await,
        1,
        "expired sessions deleted"
    );
    assert!(s.session_user("live").await.unwrap().is_some());
    let checks = s.audit_page(Some(HISTORY_CHECKED), 1, 10).await.unwrap();
    assert_eq!(checks.total, 2, "one audit entry per run, not per attempt");
    assert!(
        checks.items[0]
            .detail
            .as_deref()
            .unwrap()
            .starts_with("1 Ereignis geprüft, Kette intakt"),
        "{:?}",
        checks.items[0]
    );
}

/// The "Änderungen" list: its total matches its rows, with and without a unit filter (the
/// unfiltered count runs without joins).
async fn change_lists_count_what_they_list(s: Storage) {
    use server::storage::ChangeFilter;
    let s = seeded(s).await;
    let keys = s.record_versions(Some(10000)).await.unwrap();
    for k in keys.iter().take(3) {
        let note = RecordPatch {
            note: Some(Some("gezählt".into())),
            ..Default::default()
        };
        s.apply_changes(&[change(k.id, k.version, note)])
            .await
            .unwrap();
    }
    let since = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    let all = ChangeFilter {
        since,
        until: None,
        org_unit: None,
        services: ServiceFilter::default(),
    };
    let page = s.changes(&all, 1, 2).await.unwrap();
    assert_eq!((page.total, page.items.len()), (3, 2));
    let later = ChangeFilter {
        since: Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).unwrap(),
        ..all.clone()
    };
    assert_eq!(s.changes(&later, 1, 50).await.unwrap().total, 0);
    let unit = s
        .record_detail(keys[0].id)
        .await
        .unwrap()
        .unwrap()
        .org_unit_code;
    let in_unit = ChangeFilter {
        org_unit: Some(unit),
        ..all
    };
    let page = s.changes(&in_unit, 1, 50).await.unwrap();
    assert_eq!(page.total, page.items.len() as i64);
    assert!(page.total >= 1 && page.total < 3, "{}", page.total);
}

/// Users, scopes, sessions and tokens: stored hashed, found again, ended.
async fn accounts_sessions_and_tokens(s: Storage) {
    let s = seeded(s).await;
    let id = s
        .create_user(&server::storage::NewUser {
            email: "Kai@Example.org".into(),
            display_name: "Kai".into(),
            role: app::domain::Role::Koordination,
            password_hash: "$argon2id$dummy".into(),
            scope_codes: vec!["16068".into(), "TMDI".into()],
        })
        .await
        .unwrap();
    let dup = s
        .create_user(&server::storage::NewUser {
            email: "kai@example.org".into(),
            display_name: "Kai 2".into(),
            role: app::domain::Role::Lesen,
            password_hash: "x".into(),
            scope_codes: vec![],
        })
        .await;
    assert!(
        matches!(dup, Err(StorageError::Invalid(_))),
        "e-mail addresses are unique, case-insensitively"
    );
    let unknown_scope = s
        .create_user(&server::storage::NewUser {
            email: "x@example.org".into(),
            display_name: "X".into(),
            role: app::domain::Role::Lesen,
            password_hash: "x".into(),
            scope_codes: vec!["NIRGENDWO".into()],
        })
        .await;
    assert!(matches!(unknown_scope, Err(StorageError::Invalid(ref m)) if m.contains("NIRGENDWO")));
    let u = s.user_by_email("KAI@example.org").await.unwrap().unwrap();
    assert_eq!(u.user.id, id);
    assert_eq!(u.user.scopes.len(), 2);

    let expires = Utc::now() + chrono::Duration::hours(1);
    s.create_session("hash-a", id, expires).await.unwrap();
    s.create_session("hash-b", id, expires).await.unwrap();
    s.create_session("hash-old", id, Utc::now() - chrono::Duration::hours(1))
        .await
        .unwrap();
    assert!(s.session_user("hash-a").await.unwrap().is_some());
    assert!(
        s.session_user("hash-old").await.unwrap().is_none(),
        "expired sessions are dead"
    );
    s.set_password(id, "$argon2id$new", Some("hash-a"))
        .await
        .unwrap();
    assert!(
        s.session_user("hash-a").await.unwrap().is_some(),
        "the changing session stays"
    );
    assert!(
        s.session_user("hash-b").await.unwrap().is_none(),
        "other sessions end"
    );
    s.delete_session("hash-a").await.unwrap();
    assert!(s.session_user("hash-a").await.unwrap().is_none());

    let token = s
        .create_api_token(id, "Abgleich", "token-hash")
        .await
        .unwrap();
    assert_eq!(
        s.token_user("token-hash").await.unwrap().unwrap().user.id,
        id
    );
    assert!(s.api_tokens(id).await.unwrap()[0].last_used_at.is_some());
    assert!(s.revoke_api_token(id, token.id).await.unwrap());
    assert!(
        !s.revoke_api_token(id, token.id).await.unwrap(),
        "revoking twice does nothing"
    );
    assert!(s.token_user("token-hash").await.unwrap().is_none());

    s.update_user(
        id,
        &server::storage::UserUpdate {
            display_name: "Kai".into(),
            role: app::domain::Role::Lesen,
            active: false,
            scope_codes: vec![],
        },
    )
    .await
    .unwrap();
    s.create_session("hash-c", id, expires).await.unwrap();
    assert!(
        s.session_user("hash-c").await.unwrap().is_none(),
        "inactive accounts have no sessions"
    );

    for (action, subject) in [
        ("anmeldung", "a"),
        ("anmeldung_fehlgeschlagen", "b"),
        ("anmeldung", "c"),
    ] {
        s.audit(&server::storage::AuditEntry {
            action,
            actor: None,
            subject: Some(subject),
            client_addr: Some("127.0.0.1"),
            detail: None,
        })
        .await
        .unwrap();
    }
    let all = s.audit_page(None, 1, 2).await.unwrap();
    assert_eq!((all.total, all.items.len()), (3, 2));
    assert_eq!(all.items[0].subject.as_deref(), Some("c"), "newest first");
    let logins = s.audit_page(Some("anmeldung"), 1, 10).await.unwrap();
    assert_eq!(logins.total, 2);
    let since = Utc::now() - chrono::Duration::minutes(1);
    assert!(s.signed_in_from("a", "127.0.0.1", since).await.unwrap());
    assert!(
        !s.signed_in_from("b", "127.0.0.1", since).await.unwrap(),
        "a failed sign-in is none"
    );
    assert!(!s.signed_in_from("a", "10.0.0.1", since).await.unwrap());
}

/// Sign-in claims are counted exactly, also when many arrive at once on several connections:
/// a counter with five free attempts grants five of twenty parallel claims; a claim on several
/// counters is granted only when every one allows it, and then counts on each; a successful
/// sign-in resets its own counter and gives back what it counted on the shared ones.
async fn sign_in_claims_are_counted_exactly_in_parallel(s: Storage) {
    use server::storage::{Backoff, Claim, ThrottleKey};
    let backoff = |free| Backoff {
        free,
        first_wait: chrono::Duration::seconds(30),
        max_wait: chrono::Duration::minutes(15),
        forget_after: chrono::Duration::minutes(60),
    };
    let key = |account: &str, client: &str, free| ThrottleKey {
        account: account.into(),
        client_addr: client.into(),
        backoff: backoff(free),
    };
    let now = Utc::now();
    let own = key("ziel@example.org", "10.0.0.1", 5);
    let claims = (0..20).map(|_| {
        let (s, keys) = (s.clone(), vec![own.clone()]);
        tokio::spawn(async move { s.claim_sign_in(&keys, now).await.unwrap() })
    });
    let mut granted = 0;
    for claim in claims {
        if claim.await.unwrap() == Claim::Granted {
            granted += 1;
        }
    }
    assert_eq!(granted, 5);

    // both counters must allow it: the shared one has room, the own one does not
    let shared = key("*", "10.0.0.1", 50);
    let both = [own.clone(), shared.clone()];
    assert!(matches!(
        s.claim_sign_in(&both, now).await.unwrap(),
        Claim::Wait(_)
    ));
    let other = key("kollegin@example.org", "10.0.0.1", 5);
    let theirs = [other.clone(), shared.clone()];
    assert_eq!(s.claim_sign_in(&theirs, now).await.unwrap(), Claim::Granted);
    // their sign-in succeeds: their counter starts again, the shared one gives the claim back
    s.give_back_sign_in(
        std::slice::from_ref(&other),
        std::slice::from_ref(&shared),
        now,
    )
    .await
    .unwrap();
    for _ in 0..4 {
        assert_eq!(s.claim_sign_in(&theirs, now).await.unwrap(), Claim::Granted);
    }
    // after the wait, the own counter allows one more attempt
    let later = now + chrono::Duration::seconds(31);
    assert_eq!(s.claim_sign_in(&both, later).await.unwrap(), Claim::Granted);
    assert!(matches!(
        s.claim_sign_in(&both, later).await.unwrap(),
        Claim::Wait(_)
    ));
    // counters of long ago are cleaned up
    assert!(
        s.delete_old_sign_in_counters(now + chrono::Duration::days(2))
            .await
            .unwrap()
            >= 3
    );
}

/// Fuzzing the write path: random batches mixing valid, stale, unknown, refused and repeated
/// changes. Whatever the mix, the database holds exactly what the outcomes report — one
/// version step and one event per `Applied`, nothing for the rest — and the rollups and the
/// chain stay exact. (Generated with proptest's deterministic runner; no shrinking, since the
/// cases run against a live database inside the async test.)
async fn the_dashboard_shows_any_past_date_from_the_history(s: Storage) {
    use app::domain::{CoverageCategory, DashboardFilter};
    let s = seeded(s).await;
    let gemeinden: Vec<_> = s
        .record_versions(Some(10002))
        .await
        .unwrap()
        .into_iter()
        .filter(|k| k.parent_id.is_some())
        .take(3)
        .collect();
    let online = || RecordPatch {
        status_code: Some("online".into()),
        maturity: Some(Some(3)),
        efa_solution: Some(Some("Elterngeld Digital".into())),
        ..Default::default()
    };
    let at = |y, m, d| Utc.with_ymd_and_hms(y, m, d, 10, 0, 0).unwrap();
    // (both started on 01.06.2023) written in reverse order: the later change first, then
    // one backdated before it
    for k in &gemeinden {
        let mut started = change(
            k.id,
            k.version,
            RecordPatch {
                status_code: Some("in_umsetzung".into()),
                planned_go_live: Some(chrono::NaiveDate::from_ymd_opt(2024, 2, 1)),
                ..Default::default()
            },
        );
        started.occurred_at = at(2023, 6, 1);
        s.apply_changes(&[started]).await.unwrap();
    }
    let mut second = change(gemeinden[1].id, gemeinden[1].version + 1, online());
    second.occurred_at = at(2024, 3, 5);
    let mut first = change(gemeinden[0].id, gemeinden[0].version + 1, online());
    first.occurred_at = at(2024, 1, 10);
    for c in [second, first] {
        let outcome = s.apply_changes(&[c]).await.unwrap();
        assert!(
            matches!(outcome[0], ChangeOutcome::Applied { .. }),
            "{outcome:?}"
        );
    }
    let all = DashboardFilter::default();
    let day = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
    let figures = |o: &app::domain::Overview| {
        (
            o.services_online_any,
            o.municipal_records_online,
            o.maturity_count,
        )
    };
    let before = s
        .overview_at(&all, day(2023, 12, 31))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(figures(&before), (0, 0, 0));
    assert!(
        s.overview_at(&all, day(2023, 5, 31))
            .await
            .unwrap()
            .unwrap()
            .trend
            .is_empty(),
        "no change before that date"
    );
    let january = s
        .overview_at(&all, day(2024, 1, 10))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        figures(&january),
        (1, 1, 1),
        "the backdated change counts from its day"
    );
    let march = s
        .overview_at(&all, day(2024, 3, 31))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(figures(&march), (1, 2, 2));
    assert_eq!(
        march.services_total, before.services_total,
        "same denominator"
    );
    assert_eq!(
        march
            .maturity
            .iter()
            .find(|b| b.level == 3)
            .unwrap()
            .records,
        2
    );
    let partial: Vec<_> = march
        .trend
        .iter()
        .map(|p| (p.date, p.count(CoverageCategory::Partial)))
        .collect();
    assert_eq!(partial.len(), 10, "June 2023 to March 2024");
    assert_eq!(
        partial[6..],
        [
            (day(2023, 12, 31), 0),
            (day(2024, 1, 31), 1),
            (day(2024, 2, 29), 1),
            (day(2024, 3, 31), 1)
        ]
    );
    // the category filter and a Kreis scope
    let teilweise = DashboardFilter {
        stand: Some(CoverageCategory::Partial),
        ..Default::default()
    };
    let partly = s
        .overview_at(&teilweise, day(2024, 3, 31))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(partly.services_total, 1);
    // the map counts the services the category filter kept, not all of the Kreis's
    assert!(partly.map.regions.iter().all(|r| r.services <= 1));
    assert!(partly.map.regions.iter().any(|r| r.services == 1));
    let none = s
        .overview_at(&teilweise, day(2023, 3, 31))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(none.services_total, 0);
    assert!(none.map.regions.iter().all(|r| r.services == 0));
    // a report's rows come from the same figures: one per service counted, the filter's
    let mut rows = Vec::new();
    let reported = s
        .overview_and_services_at(&teilweise, day(2024, 3, 31), Some(&mut rows))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(reported, partly, "the same figures with or without rows");
    assert_eq!(rows.len() as i64, partly.services_total);
    assert!(rows
        .iter()
        .all(|r| r.category == CoverageCategory::Partial && r.figures.online > 0));
    let kreis_code = gemeinden[0].org_unit_code[..5].to_owned();
    let kreis = DashboardFilter {
        kreis: app::domain::UnitCode::parse(&kreis_code),
        ..Default::default()
    };
    let in_kreis = s
        .overview_at(&kreis, day(2024, 1, 31))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        in_kreis.kreis.as_ref().map(|k| k.code.as_str()),
        Some(kreis_code.as_str())
    );
    assert_eq!(in_kreis.municipal_records_online, 1);
    assert!(in_kreis.gemeinden_total < before.gemeinden_total);
    // and in a Kreis, the Kreis's figures per service
    let mut kreis_rows = Vec::new();
    s.overview_and_services_at(&kreis, day(2024, 1, 31), Some(&mut kreis_rows))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(kreis_rows.len() as i64, in_kreis.services_total);
    assert_eq!(
        kreis_rows.iter().filter(|r| r.figures.online > 0).count() as i64,
        in_kreis.services_online_any
    );
    assert_eq!(
        kreis_rows
            .iter()
            .filter(|r| r.category == CoverageCategory::Full)
            .count() as i64,
        in_kreis.services_online_full
    );
    assert!(
        in_kreis.services_online_any > 0,
        "the check has something to count"
    );
    // the map (Kreise) and the federal categories at that date
    let kreis_region = march
        .map
        .regions
        .iter()
        .find(|r| r.code == kreis_code)
        .expect("the Kreis is on the map");
    let online_in_kreis = gemeinden[..2]
        .iter()
        .filter(|k| k.org_unit_code.starts_with(&kreis_code))
        .count() as i64;
    assert_eq!(kreis_region.figures.online, online_in_kreis);
    assert_eq!(
        march
            .map
            .regions
            .iter()
            .map(|r| r.figures.online)
            .sum::<i64>(),
        2,
        "both online Gemeinden counted in their Kreise"
    );
    assert!(!march.map.gemeinden);
    // the service is online in two Gemeinden: "in mind. einer Kommune", or "kreisweit" if
    // one of them is a kreisfreie Stadt (a Kreis of one Gemeinde)
    let services_in = |c| {
        march
            .federal
            .iter()
            .find(|r| r.category == c)
            .map_or(0, |r| r.services)
    };
    use app::domain::FederalCategory;
    assert_eq!(
        services_in(FederalCategory::Kommune) + services_in(FederalCategory::Kreis),
        1
    );
    assert_eq!(services_in(FederalCategory::Land), 0);
    assert_eq!(
        march.federal.iter().map(|r| r.services).sum::<i64>(),
        march.services_total
            - march
                .bars
                .iter()
                .map(|b| b.count(CoverageCategory::NotApplicable))
                .sum::<i64>()
    );
    assert!(!march.late.available, "lateness only for today");
    // zoomed into the Kreis: its Gemeinden, at January (one of the two online then)
    let gemeinde = in_kreis
        .map
        .regions
        .iter()
        .find(|r| r.code == gemeinden[0].org_unit_code)
        .unwrap();
    assert!(in_kreis.map.gemeinden);
    assert_eq!(
        (gemeinde.figures.online, gemeinde.figures.applicable > 1),
        (1, true)
    );
    // today: the third record, planned for 01.02.2024 and still in progress, is late
    let today = s
        .overview_at(&all, Utc::now().date_naive())
        .await
        .unwrap()
        .unwrap();
    // today's fast path (newest rows) and the seek for a date after the last change agree
    let later = s
        .overview_at(&all, day(2025, 6, 30))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(figures(&today), figures(&later));
    assert_eq!(today.bars, later.bars);
    assert_eq!(today.map.regions, later.map.regions);
    assert_eq!(today.federal, later.federal);
    assert!(today.late.available);
    assert_eq!(today.late.records, 1);
    assert_eq!(today.late.by_kreis.len(), 1);
    // the Kreis is named by its code; the page builds the link
    let kreis_code = today.late.by_kreis[0].unit_code.clone().unwrap();
    assert!(
        kreis_code.len() == 5 && kreis_code.chars().all(|c| c.is_ascii_digit()),
        "{kreis_code}"
    );
    assert_eq!(today.late.by_ressort[0].oldest, Some(day(2024, 2, 1)));
    // the EfA filter: the service whose records name an EfA solution, and the others
    let efa = DashboardFilter {
        services: ServiceFilter {
            efa: Some(true),
            ..ServiceFilter::default()
        },
        ..Default::default()
    };
    let with_efa = s
        .overview_at(&efa, day(2024, 3, 31))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(with_efa.services_total, 1);
    let without = DashboardFilter {
        services: ServiceFilter {
            efa: Some(false),
            ..ServiceFilter::default()
        },
        ..Default::default()
    };
    assert_eq!(
        s.overview_at(&without, day(2024, 3, 31))
            .await
            .unwrap()
            .unwrap()
            .services_total,
        before.services_total - 1
    );
    let unknown = DashboardFilter {
        kreis: app::domain::UnitCode::parse("99999"),
        ..Default::default()
    };
    assert!(s
        .overview_at(&unknown, day(2024, 1, 31))
        .await
        .unwrap()
        .is_err());
    assert_history_exact(&s).await;
}

async fn any_batch_of_changes_writes_exactly_what_it_reports(s: Storage) {
    use proptest::prelude::*;
    use proptest::strategy::ValueTree;
    let s = seeded(s).await;
    let mut ids: Vec<i64> = s
        .record_versions(Some(10000))
        .await
        .unwrap()
        .iter()
        .take(5)
        .map(|k| k.id)
        .collect();
    // and Gemeinde records, so Kreis scopes get history too
    ids.extend(
        s.record_versions(Some(10002))
            .await
            .unwrap()
            .iter()
            .filter(|k| k.parent_id.is_some())
            .take(4)
            .map(|k| k.id),
    );
    ids.push(987_654_321); // no such record
    let patch = (
        proptest::option::of(proptest::sample::select(vec![
            "in_planung",
            "in_umsetzung",
            "online",
            "pilot",
            "gibt_es_nicht",
            "",
        ])),
        proptest::option::of(proptest::option::of(-2i64..8)),
        proptest::option::of(proptest::option::of("\\PC{0,40}")),
        proptest::option::of(proptest::option::of(
            (1990i32..2110, 1u32..13, 1u32..29)
                .prop_map(|(y, m, d)| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap()),
        )),
    )
        .prop_map(|(status, maturity, note, planned)| RecordPatch {
            status_code: status.map(str::to_owned),
            maturity,
            // the EfA solution follows the note, so the EfA count changes too
            efa_solution: note
                .clone()
                .map(|n| n.filter(|n| n.len() % 2 == 0).map(|_| "Ein EfA".to_owned())),
            note,
            planned_go_live: planned,
            ..Default::default()
        });
    let batch = proptest::collection::vec((0..ids.len(), -1i64..=1, patch), 1..10);
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let mut applied_total = 0;
    for case in 0..40i64 {
        let specs = batch.new_tree(&mut runner).unwrap().current();
        let mut before = std::collections::HashMap::new();
        for id in &ids {
            let version = s.record_detail(*id).await.unwrap().map(|r| r.version);
            before.insert(*id, version);
        }
        let events_before = count(&s, "record_event").await;
        let changes: Vec<RecordChange> = specs
            .iter()
            .map(|(i, offset, patch)| {
                let id = ids[*i];
                let version = before[&id].unwrap_or(1) + offset;
                // any day of a year, in any order: backdated changes rewrite the later history
                let mut c = change(id, version, patch.clone());
                c.occurred_at -= chrono::Duration::days((*i as i64 * 37 + case * 11) % 365);
                c
            })
            .collect();
        let outcomes = s.apply_changes(&changes).await.unwrap();
        assert_eq!(
            outcomes.len(),
            changes.len(),
            "case {case}: one outcome per change"
        );
        let applied: Vec<i64> = changes
            .iter()
            .zip(&outcomes)
            .filter(|(_, o)| matches!(o, ChangeOutcome::Applied { .. }))
            .map(|(c, _)| c.record_id)
            .collect();
        for (c, o) in changes.iter().zip(&outcomes) {
            if before[&c.record_id].is_none() {
                assert_eq!(o, &ChangeOutcome::NotFound, "case {case}");
            }
        }
        for id in &ids {
            let after = s.record_detail(*id).await.unwrap().map(|r| r.version);
            let steps = applied.iter().filter(|a| *a == id).count() as i64;
            assert_eq!(
                after,
                before[id].map(|v| v + steps),
                "case {case}: record {id} moved by its applied changes only: {specs:?} → {outcomes:?}"
            );
        }
        assert_eq!(
            count(&s, "record_event").await,
            events_before + applied.len() as i64,
            "case {case}: one event per applied change"
        );
        applied_total += applied.len();
    }
    assert!(applied_total > 0, "the mix contained valid changes");
    let maintained = s.rollup_snapshot().await.unwrap();
    s.rebuild_rollups().await.unwrap();
    assert_eq!(
        maintained,
        s.rollup_snapshot().await.unwrap(),
        "rollups exact"
    );
    assert_history_exact(&s).await;
    assert!(s.verify_chain().await.unwrap().is_intact());
}

/// Found by schemathesis: PostgreSQL cannot store or compare text with a NUL character, and
/// that error became a 500. Whatever a backend does with such a value, it is never an
/// internal error: SQLite stores and finds it, PostgreSQL refuses it as a bad request.
async fn values_the_database_refuses_are_the_requests_fault(s: Storage) {
    use app::error::AppError;
    let s = seeded(s).await;
    let filter = server::storage::RecordFilter {
        org_unit: Some("a\0b".into()),
        ..Default::default()
    };
    match s.records(&filter, PageStart::Number(1), 10).await {
        Ok(list) => assert_eq!(list.page.total, 0),
        Err(e) => assert!(matches!(AppError::from(e), AppError::BadRequest(_))),
    }
    let k = &s.record_versions(Some(10000)).await.unwrap()[0];
    let note = RecordPatch {
        note: Some(Some("Null\0zeichen".into())),
        ..Default::default()
    };
    match s.apply_changes(&[change(k.id, k.version, note)]).await {
        Ok(outcomes) => assert!(matches!(outcomes[0], ChangeOutcome::Applied { .. })),
        Err(e) => {
            assert!(matches!(AppError::from(e), AppError::BadRequest(_)));
            assert_eq!(
                s.record_detail(k.id).await.unwrap().unwrap().version,
                k.version,
                "nothing written"
            );
        }
    }
}

async fn an_imported_catalogue_counts_new_services_from_today_and_outlives_the_seed(s: Storage) {
    use app::domain::{DashboardFilter, LeikaTypes, Responsibility};
    use server::reference_data::Service;
    use server::storage::{CatalogueWrite, NewRecordHistory};
    let s = seeded(s).await;
    let today = Utc::now().date_naive();
    let yesterday = today.pred_opt().unwrap();
    let all = DashboardFilter::default();
    let figures = |o: app::domain::Overview| {
        (
            o.services_total,
            o.municipal_records_applicable,
            o.municipal_population_applicable,
            o.services_online_any,
            o.bars.iter().map(|b| b.total()).sum::<i64>(),
        )
    };
    let overview = |day| {
        let s = s.clone();
        let all = all.clone();
        async move { figures(s.overview_at(&all, day).await.unwrap().unwrap()) }
    };
    let past = overview(yesterday).await;
    let now = overview(today).await;

    // a newer catalogue: one new Gemeinde service, Elterngeld renamed
    let data = test_reference_data();
    let mut services = data.services.clone();
    let template = services[0].clone();
    services.push(Service {
        ozg_id: OzgId::parse("10700").unwrap(),
        name: "Entschädigung nach § 56 Abs. 1 IfSG".into(),
        leika_types: LeikaTypes::parse("2/3").unwrap(),
        responsibility: Responsibility::Gemeinde,
        ..template
    });
    services
        .iter_mut()
        .find(|x| x.ozg_id.get() == 10000)
        .unwrap()
        .name = "Elterngeld (Katalog 2024)".into();
    let write = CatalogueWrite {
        services: &services,
        ..Default::default()
    };
    let imported = app::domain::CatalogueImported {
        at: Utc.with_ymd_and_hms(2026, 11, 29, 9, 30, 0).unwrap(),
        by: "Ada <ada@example.org>".into(),
        services: services.len() as i64,
        leika: None,
    };
    let written = s
        .write_catalogue(
            &write,
            NewRecordHistory::From(Utc::now()),
            Some(&serde_json::to_string(&imported).unwrap()),
        )
        .await
        .unwrap();
    let gemeinden = data
        .org_units
        .iter()
        .filter(|o| o.kind == "gemeinde")
        .count() as u64;
    assert_eq!(
        written.records_created, gemeinden,
        "one record per Gemeinde"
    );
    assert_eq!(written.services_deactivated, 0);
    assert_eq!(s.catalogue_imported().await.unwrap(), Some(imported));

    // maintained rollups equal a full recount
    let maintained = s.rollup_snapshot().await.unwrap();
    s.rebuild_rollups().await.unwrap();
    assert_eq!(maintained, s.rollup_snapshot().await.unwrap());
    // the past stays as it was; today counts the new service and its records
    assert_eq!(overview(yesterday).await, past, "the past is unchanged");
    let after = overview(today).await;
    assert_eq!(after.0, now.0 + 1, "one more service");
    assert_eq!(
        after.1,
        now.1 + gemeinden as i64,
        "its records are applicable"
    );
    assert!(after.2 > now.2, "and so are the inhabitants they serve");
    assert_eq!(after.3, now.3, "nothing new is online");
    let (history, _) = s.history_snapshot().await.unwrap();
    let days: Vec<_> = history
        .iter()
        .filter(|h| h.0 == 10700)
        .map(|h| h.2)
        .collect();
    assert!(
        !days.is_empty() && days.iter().all(|d| *d == today),
        "{days:?}"
    );

    // a later start with changed embedded data keeps the imported catalogue
    let mut newer_binary = test_reference_data();
    newer_binary.fingerprint.push_str("-next-release");
    let report = s.seed(&newer_binary, false).await.unwrap();
    assert!(report.catalogue_kept);
    assert_eq!(
        report.services_deactivated, 0,
        "the new service stays active"
    );
    let renamed = s
        .service(OzgId::parse("10000").unwrap(), 1, 5, None)
        .await
        .unwrap();
    assert_eq!(renamed.summary.name, "Elterngeld (Katalog 2024)");
    let added = s
        .service(OzgId::parse("10700").unwrap(), 1, 5, None)
        .await
        .unwrap();
    assert!(added.summary.active);
    assert_eq!(overview(today).await, after);

    // a catalogue without a service deactivates it, records and history kept
    services.retain(|x| x.ozg_id.get() != 10001);
    let records = count(&s, "implementation_record").await;
    let written = s
        .write_catalogue(
            &CatalogueWrite {
                services: &services,
                deactivate_missing: true,
                ..Default::default()
            },
            NewRecordHistory::From(Utc::now()),
            None,
        )
        .await
        .unwrap();
    assert_eq!(
        written,
        server::storage::CatalogueWritten {
            services_deactivated: 1,
            records_created: 0
        }
    );
    assert_eq!(count(&s, "implementation_record").await, records);
    let gone = s
        .service(OzgId::parse("10001").unwrap(), 1, 5, None)
        .await
        .unwrap();
    assert!(!gone.summary.active);
    assert_eq!(overview(today).await.0, after.0 - 1);
}

/// A rename alone leaves rollups and history as they are (no rebuild); a changed population
/// is counted from the import's day on, as a full recount would count it.
async fn a_renamed_unit_keeps_its_counts_and_a_new_population_counts_from_the_import(s: Storage) {
    use app::domain::DashboardFilter;
    use server::storage::{TerritoryWrite, UnitWrite};
    let s = seeded(s).await;
    let today = Utc::now().date_naive();
    let erfurt = s.org_unit("16051000").await.unwrap().unit;
    let population = erfurt.population.unwrap();
    let land_population = |s: Storage| async move {
        s.overview_at(&DashboardFilter::default(), today)
            .await
            .unwrap()
            .unwrap()
            .municipal_population_applicable
    };
    let before = land_population(s.clone()).await;
    let write = |name: &str, population: i64| {
        let s = s.clone();
        let units = [UnitWrite {
            code: "16051000".into(),
            kind: "gemeinde",
            name: name.into(),
            ars: erfurt.ars.clone(),
            parent_code: "16051".into(),
            population,
        }];
        async move {
            s.write_territory(
                &TerritoryWrite {
                    units: &units,
                    ..Default::default()
                },
                Utc::now(),
                "Ada <ada@example.org>",
            )
            .await
            .unwrap()
        }
    };
    let full_recount = |s: Storage| async move {
        let counted = (
            s.rollup_snapshot().await.unwrap(),
            s.history_snapshot().await.unwrap(),
        );
        s.rebuild_rollups().await.unwrap();
        s.rebuild_history().await.unwrap();
        let recounted = (
            s.rollup_snapshot().await.unwrap(),
            s.history_snapshot().await.unwrap(),
        );
        assert!(
            counted.0 == recounted.0,
            "rollups: the maintained figures are a full recount's"
        );
        assert!(
            counted.1 == recounted.1,
            "history: the maintained figures are a full recount's"
        );
    };

    write(&erfurt.name, population + 1_000).await;
    let per_service = land_population(s.clone()).await - before;
    assert!(
        per_service > 0 && per_service % 1_000 == 0,
        "1.000 more inhabitants for each service Erfurt offers: {per_service}"
    );
    full_recount(s.clone()).await;

    // (the Land's population is the sum of its Gemeinden's since the first write)
    assert_eq!(
        write("Erfurt, Landeshauptstadt", population + 1_000).await,
        Default::default()
    );
    assert_eq!(
        s.org_unit("16051000").await.unwrap().unit.name,
        "Erfurt, Landeshauptstadt"
    );
    assert_eq!(land_population(s.clone()).await, before + per_service);
    full_recount(s).await;
}

/// Erfurt leaves the kreisfreie Städte for the Landkreis Sömmerda under a new AGS (as Eisenach
/// joined the Wartburgkreis in 2021), and one Sömmerda Gemeinde takes in another.
async fn a_territorial_change_keeps_the_past_and_the_dissolved_units_records(s: Storage) {
    use app::domain::{DashboardFilter, OrgUnitKind, OrgUnitQuery};
    use server::storage::{Dissolution, TerritoryWrite, UnitWrite};
    let s = seeded(s).await;
    let today = Utc::now().date_naive();
    let yesterday = today.pred_opt().unwrap();

    // Erfurt's Elterngeld went online in March
    let keys = s.record_versions(Some(10000)).await.unwrap();
    let erfurt = keys.iter().find(|k| k.org_unit_code == "16051000").unwrap();
    for (version, status) in [(1, "in_umsetzung"), (2, "online")] {
        let out = s
            .apply_changes(&[change(
                erfurt.id,
                version,
                RecordPatch {
                    status_code: Some(status.into()),
                    ..Default::default()
                },
            )])
            .await
            .unwrap();
        assert!(matches!(out[0], ChangeOutcome::Applied { .. }), "{out:?}");
    }

    let soemmerda = DashboardFilter {
        kreis: app::domain::UnitCode::parse("16068"),
        ..Default::default()
    };
    let figures = |o: app::domain::Overview| {
        (
            o.municipal_records_applicable,
            o.municipal_records_online,
            o.municipal_population_applicable,
            o.gemeinden_total,
            o.services_online_any,
        )
    };
    let overview = |f: DashboardFilter, day| {
        let s = s.clone();
        async move { figures(s.overview_at(&f, day).await.unwrap().unwrap()) }
    };
    let land_before = overview(DashboardFilter::default(), yesterday).await;
    let soemmerda_before = overview(soemmerda.clone(), yesterday).await;
    let land_today = overview(DashboardFilter::default(), today).await;

    let gemeinden = s
        .org_units(&OrgUnitQuery {
            kind: Some(OrgUnitKind::Gemeinde),
            parent: Some("16068".into()),
        })
        .await
        .unwrap();
    let (taker, taken) = (&gemeinden[0], &gemeinden[1]);
    let all_records = s.record_versions(None).await.unwrap();
    let count_records = |code: &str| {
        all_records
            .iter()
            .filter(|k| k.org_unit_code == code)
            .count() as u64
    };
    let erfurt_population = s
        .org_unit("16051000")
        .await
        .unwrap()
        .unit
        .population
        .unwrap();
    let kreis = s.org_unit("16068").await.unwrap().unit;

    let units = [
        UnitWrite {
            code: "16068".into(),
            kind: "kreis",
            name: kreis.name.clone(),
            ars: kreis.ars.clone(),
            parent_code: "16".into(),
            population: kreis.population.unwrap() + erfurt_population,
        },
        UnitWrite {
            code: "16068999".into(),
            kind: "gemeinde",
            name: "Erfurt, Stadt".into(),
            ars: None,
            parent_code: "16068".into(),
            population: erfurt_population,
        },
    ];
    let dissolved = [
        Dissolution {
            code: "16051000".into(),
            successor: Some("16068999".into()),
        },
        Dissolution {
            code: "16051".into(),
            successor: Some("16068".into()),
        },
        Dissolution {
            code: taken.code.clone(),
            successor: Some(taker.code.clone()),
        },
    ];
    let takeovers = [("16068999".to_owned(), "16051000".to_owned())];
    let at = Utc::now();
    let written = s
        .write_territory(
            &TerritoryWrite {
                units: &units,
                dissolved: &dissolved,
                takeovers: &takeovers,
            },
            at,
            "Ada <ada@example.org>",
        )
        .await
        .unwrap();
    let gemeinde_records = count_records("16051000");
    assert_eq!(
        written.records_created, gemeinde_records,
        "the new Gemeinde gets every Gemeinde service"
    );
    assert_eq!(
        written.records_taken_over, gemeinde_records,
        "each with Erfurt's state"
    );
    assert_eq!(
        written.records_retired,
        gemeinde_records + count_records("16051") + count_records(&taken.code)
    );
    let gemeinden_now = s
        .org_units(&OrgUnitQuery {
            kind: Some(OrgUnitKind::Gemeinde),
            parent: None,
        })
        .await
        .unwrap()
        .len() as i64;
    assert_eq!(
        s.territory_imported().await.unwrap(),
        Some(app::domain::TerritoryImported {
            at,
            by: "Ada <ada@example.org>".into(),
            gemeinden: gemeinden_now,
            kreise: 1,
        }),
        "when, by whom, and the units that exist now"
    );

    // every earlier day is as it was
    assert_eq!(
        overview(DashboardFilter::default(), yesterday).await,
        land_before
    );
    assert_eq!(
        overview(soemmerda.clone(), yesterday).await,
        soemmerda_before
    );
    // today: Erfurt counts in Sömmerda with its state, the taken-in Gemeinde no longer
    let land_after = overview(DashboardFilter::default(), today).await;
    let retired = (count_records(&taken.code) + count_records("16051")) as i64;
    assert_eq!(
        land_after.0,
        land_today.0 - retired,
        "the taken-in Gemeinde's and Kreis Erfurt's records"
    );
    assert_eq!(
        land_after.1, land_today.1,
        "Erfurt's online record carried over"
    );
    assert_eq!(land_after.3, land_today.3 - 1, "one Gemeinde fewer");
    assert_eq!(land_after.4, land_today.4);
    let soemmerda_after = overview(soemmerda, today).await;
    assert_eq!(
        soemmerda_after.3, soemmerda_before.3,
        "Erfurt in, one Gemeinde out"
    );
    assert_eq!(soemmerda_after.1, soemmerda_before.1 + 1);

    // the new Gemeinde's Elterngeld is online; the old one's record is kept, read-only
    let new_unit = s.org_unit("16068999").await.unwrap();
    assert_eq!(new_unit.unit.valid_from, Some(today));
    let elterngeld = new_unit
        .records
        .iter()
        .find(|r| r.ozg_id.get() == 10000)
        .unwrap();
    assert_eq!(elterngeld.status_code, "online");
    assert_eq!(
        new_unit
            .predecessors
            .iter()
            .map(|p| p.code.as_str())
            .collect::<Vec<_>>(),
        ["16051000"]
    );
    let old_unit = s.org_unit("16051000").await.unwrap();
    assert_eq!(old_unit.unit.valid_to, Some(today));
    assert_eq!(old_unit.successor.map(|u| u.code), Some("16068999".into()));
    assert_eq!(
        old_unit.records.len() as u64,
        gemeinde_records,
        "its records stay readable"
    );
    let taker_unit = s.org_unit(&taker.code).await.unwrap();
    assert_eq!(
        taker_unit
            .predecessors
            .iter()
            .map(|p| p.code.as_str())
            .collect::<Vec<_>>(),
        [taken.code.as_str()]
    );
    let refused = s
        .apply_changes(&[change(
            erfurt.id,
            3,
            RecordPatch {
                note: Some(Some("x".into())),
                ..Default::default()
            },
        )])
        .await
        .unwrap();
    assert!(
        matches!(&refused[0], ChangeOutcome::Refused { reason } if reason.contains("besteht seit dem")),
        "{refused:?}"
    );
    // the taken-over records start from Erfurt's state: an edit of one adds up, for
    // `audit verify`, to what is stored
    let taken_over = s.org_unit("16068999").await.unwrap().records[0].clone();
    let edited = s
        .apply_changes(&[RecordChange {
            occurred_at: Utc::now(),
            ..change(
                taken_over.id,
                taken_over.version,
                RecordPatch {
                    note: Some(Some("nach der Übernahme".into())),
                    ..Default::default()
                },
            )
        }])
        .await
        .unwrap();
    assert!(
        matches!(edited[0], ChangeOutcome::Applied { .. }),
        "{edited:?}"
    );
    let replayed = s.verify_records().await.unwrap();
    assert_eq!(replayed.problems, [], "every record adds up");
    let kreise = s
        .org_units(&OrgUnitQuery {
            kind: Some(OrgUnitKind::Kreis),
            parent: None,
        })
        .await
        .unwrap();
    assert_eq!(
        kreise.iter().map(|k| k.code.as_str()).collect::<Vec<_>>(),
        ["16068"]
    );

    // the maintained figures are a full recount's
    let (rollups, history) = (
        s.rollup_snapshot().await.unwrap(),
        s.history_snapshot().await.unwrap(),
    );
    s.rebuild_rollups().await.unwrap();
    s.rebuild_history().await.unwrap();
    assert_eq!(rollups, s.rollup_snapshot().await.unwrap());
    assert_eq!(history, s.history_snapshot().await.unwrap());

    // a later start with changed embedded data keeps the imported territory
    let units_before = count(&s, "org_unit").await;
    let records_before = count(&s, "implementation_record").await;
    let mut newer_binary = test_reference_data();
    newer_binary.fingerprint.push_str("-next-release");
    s.seed(&newer_binary, false).await.unwrap();
    assert_eq!(count(&s, "org_unit").await, units_before);
    assert_eq!(count(&s, "implementation_record").await, records_before);
    assert_eq!(
        s.org_unit("16051000").await.unwrap().unit.valid_to,
        Some(today)
    );
    assert_eq!(
        s.org_unit("16068").await.unwrap().unit.population,
        Some(units[0].population)
    );
}

/// The dashboard serves a drawn view while the generation is unchanged: every committed write
/// must raise it, and a rolled-back one must not (it changed nothing).
async fn every_committed_write_raises_the_data_generation(s: Storage) {
    let s = seeded(s).await;
    let start = s.data_generation().await.unwrap();
    let keys = s.record_versions(Some(10000)).await.unwrap();
    let k = &keys[0];
    let step = |version| {
        change(
            k.id,
            version,
            RecordPatch {
                status_code: Some("in_umsetzung".into()),
                ..Default::default()
            },
        )
    };
    s.apply_changes(&[step(k.version)]).await.unwrap();
    let after_edit = s.data_generation().await.unwrap();
    assert!(after_edit > start, "an edit raises it");

    // a batch refused as a whole (stale version) commits nothing
    let options = s.edit_options().await.unwrap();
    let refused = s
        .apply_changes_all_or_nothing(&options, &[step(k.version)])
        .await
        .unwrap();
    assert!(
        matches!(refused[0], ChangeOutcome::Stale { .. }),
        "{refused:?}"
    );
    assert_eq!(
        s.data_generation().await.unwrap(),
        after_edit,
        "a rolled-back batch does not"
    );

    s.set_meta("test_key", "x").await.unwrap();
    let after_meta = s.data_generation().await.unwrap();
    assert!(after_meta > after_edit, "a meta entry raises it");
    s.rebuild_history().await.unwrap();
    assert!(
        s.data_generation().await.unwrap() > after_meta,
        "a history rebuild raises it"
    );
}

/// Keyset paging (`nach` in the API) walks the same records in the same order as numbered
/// pages, across services and units, and says where the last page is.
async fn paging_after_a_record_lists_what_page_numbers_list(s: Storage) {
    use server::storage::RecordFilter;
    let s = seeded(s).await;
    let filters = [
        // a Kreis and its Gemeinden: many services, page ends inside and between them
        (
            RecordFilter {
                org_unit: Some("16068".into()),
                ..Default::default()
            },
            500,
        ),
        // one service in every Gemeinde: the order by unit name and code
        (
            RecordFilter {
                ozg_id: Some(10000),
                ..Default::default()
            },
            37,
        ),
    ];
    for (filter, per_page) in filters {
        let mut by_number = Vec::new();
        let mut number = 1;
        loop {
            let page = s
                .records(&filter, PageStart::Number(number), per_page)
                .await
                .unwrap()
                .page;
            if page.items.is_empty() {
                break;
            }
            by_number.extend(page.items.iter().map(|r| r.id));
            number += 1;
        }
        let mut by_key = Vec::new();
        let mut start = PageStart::Number(1);
        let mut pages = 0;
        loop {
            let page = s.records(&filter, start, per_page).await.unwrap().page;
            assert_eq!(page.total, by_number.len() as i64);
            assert!(page.items.len() <= per_page as usize);
            by_key.extend(page.items.iter().map(|r| r.id));
            pages += 1;
            match page.next_after {
                Some(after) => {
                    assert_eq!(Some(after), page.items.last().map(|r| r.id));
                    start = PageStart::After(after);
                }
                None => break,
            }
        }
        assert!(
            by_number.len() > per_page as usize,
            "the filter spans several pages"
        );
        assert_eq!(by_key, by_number, "same records, same order");
        assert_eq!(pages, by_number.len().div_ceil(per_page as usize));
    }
    let unknown = s
        .records(&RecordFilter::default(), PageStart::After(i64::MAX), 10)
        .await;
    assert!(
        matches!(unknown, Err(StorageError::Invalid(_))),
        "{unknown:?}"
    );
}

/// Every record of a filtered list, walked page by page after a record.
async fn all_listed(
    s: &Storage,
    filter: &server::storage::RecordFilter,
) -> (Vec<app::domain::RecordDetail>, app::domain::RecordFacets) {
    let mut records = Vec::new();
    let mut start = PageStart::Number(1);
    loop {
        let list = s.records(filter, start, 500).await.unwrap();
        records.extend(list.page.items);
        match list.page.next_after {
            Some(after) => start = PageStart::After(after),
            None => return (records, list.facets),
        }
    }
}

/// The counts per status and Themenfeld describe the whole filtered list (not a page), they
/// add up to its total, and the area filter (a Regionalschlüssel prefix) takes a Kreis with
/// its Gemeinden, and the Land with its ministries, which have no ARS.
async fn record_lists_count_each_status_and_themenfeld_of_the_whole_list(s: Storage) {
    use server::storage::RecordFilter;
    use std::collections::BTreeMap;
    let s = seeded(s).await;
    // a few records move on, so that more than one status is counted
    let moved: Vec<_> = s.record_versions(Some(10000)).await.unwrap()[..7].to_vec();
    let to_planning = RecordPatch {
        status_code: Some("in_planung".into()),
        ..Default::default()
    };
    let changes: Vec<_> = moved
        .iter()
        .map(|k| change(k.id, k.version, to_planning.clone()))
        .collect();
    s.apply_changes(&changes).await.unwrap();
    let sql = "SELECT ozg_id, themenfeld_id FROM service";
    let themenfeld_of: BTreeMap<i64, i64> = match &s {
        Storage::Sqlite(p) => sqlx::query_as(sql).fetch_all(p).await.unwrap(),
        Storage::Postgres(p) => sqlx::query_as(sql).fetch_all(p).await.unwrap(),
    }
    .into_iter()
    .collect();
    let area = |prefix: &str| RecordFilter {
        area: Some(prefix.into()),
        ..Default::default()
    };
    let everything = all_listed(&s, &RecordFilter::default()).await;
    let filters = [
        RecordFilter::default(),
        area("16"),
        area("16068"),
        RecordFilter {
            area: Some("16051".into()),
            services: ServiceFilter {
                themenfeld: Some(ThemenfeldId(themenfeld_of[&10000])),
                ..ServiceFilter::default()
            },
            ..Default::default()
        },
        RecordFilter {
            status: Some("in_planung".into()),
            ..Default::default()
        },
    ];
    for filter in &filters {
        let (records, facets) = all_listed(&s, filter).await;
        assert!(!records.is_empty(), "{filter:?}");
        let mut by_status = BTreeMap::<String, i64>::new();
        let mut by_themenfeld = BTreeMap::<String, i64>::new();
        for r in &records {
            *by_status.entry(r.status_code.clone()).or_default() += 1;
            let t = themenfeld_of[&i64::from(r.ozg_id.get())];
            *by_themenfeld.entry(t.to_string()).or_default() += 1;
        }
        let counted = |f: &[app::domain::FacetCount]| -> BTreeMap<String, i64> {
            f.iter().map(|c| (c.value.clone(), c.count)).collect()
        };
        assert_eq!(counted(&facets.status), by_status, "{filter:?}");
        assert_eq!(counted(&facets.themenfeld), by_themenfeld, "{filter:?}");
        assert!(facets
            .status
            .iter()
            .all(|c| !c.label.is_empty() && c.count > 0));
        if let Some(t) = filter.services.themenfeld {
            assert_eq!(facets.themenfeld.len(), 1);
            assert_eq!(facets.themenfeld[0].value, t.to_string());
        }
    }
    // the test data is all Thüringen: the Land's prefix lists every record, ministries too
    let (thueringen, _) = all_listed(&s, &area("16")).await;
    assert_eq!(thueringen.len(), everything.0.len());
    assert!(thueringen
        .iter()
        .any(|r| r.org_unit_kind == app::domain::OrgUnitKind::Ressort));
    // a Kreis's prefix: the same records as the Kreis with its Gemeinden
    let (kreis, _) = all_listed(&s, &area("16068")).await;
    let (by_code, _) = all_listed(
        &s,
        &RecordFilter {
            org_unit: Some("16068".into()),
            ..Default::default()
        },
    )
    .await;
    let ids = |r: &[app::domain::RecordDetail]| r.iter().map(|r| r.id).collect::<Vec<_>>();
    assert_eq!(ids(&kreis), ids(&by_code));
    // the status count is that of the moved records
    let (planned, facets) = all_listed(
        &s,
        &RecordFilter {
            status: Some("in_planung".into()),
            ..Default::default()
        },
    )
    .await;
    assert!(planned.len() >= moved.len());
    assert_eq!(facets.status.len(), 1);
    // an area without units: an empty list with no counts
    let (none, facets) = all_listed(&s, &area("99")).await;
    assert!(none.is_empty());
    assert_eq!(facets, app::domain::RecordFacets::default());
}

/// A unit's worklist ("Meine Aufgaben"): overdue are its and its Gemeinden's open records
/// whose planned go-live has passed, the longest overdue first; waiting are the open ones not
/// updated since a time; online records are in neither.
async fn a_units_worklist_holds_overdue_and_waiting_records(s: Storage) {
    let s = seeded(s).await;
    let keys: Vec<_> = s
        .record_versions(Some(10000))
        .await
        .unwrap()
        .into_iter()
        .filter(|k| k.org_unit_code.starts_with("16068") && k.org_unit_code.len() > 5)
        .take(3)
        .collect();
    let planned = |key: &server::storage::RecordKey, day: u32, status: &str| {
        change(
            key.id,
            key.version,
            RecordPatch {
                status_code: Some(status.into()),
                planned_go_live: Some(chrono::NaiveDate::from_ymd_opt(2026, 1, day)),
                ..Default::default()
            },
        )
    };
    let out = s
        .apply_changes(&[
            planned(&keys[0], 20, "in_planung"),
            planned(&keys[1], 10, "in_planung"),
            planned(&keys[2], 5, "in_umsetzung"),
        ])
        .await
        .unwrap();
    assert!(
        out.iter()
            .all(|o| matches!(o, ChangeOutcome::Applied { .. })),
        "{out:?}"
    );
    let today = chrono::NaiveDate::from_ymd_opt(2026, 1, 15).unwrap();
    let work = s
        .work_list("16068", today, Utc::now() + chrono::Duration::days(1), 10)
        .await
        .unwrap();
    let overdue: Vec<i64> = work.overdue.items.iter().map(|r| r.id).collect();
    assert_eq!(
        overdue,
        [keys[2].id, keys[1].id],
        "the longest overdue first; 20.01. is not yet"
    );
    assert_eq!(work.overdue.total, 2);
    // waiting: every open record of the Kreis and its Gemeinden was updated before tomorrow
    assert!(work.stale.total > 3, "{}", work.stale.total);
    assert!(work.stale.items.len() <= 10);
    assert!(work
        .stale
        .items
        .iter()
        .all(|r| r.org_unit_code.starts_with("16068")));
    // nothing waits that was updated after the time asked for
    let fresh = s
        .work_list(
            "16068",
            today,
            Utc::now() - chrono::Duration::days(3650),
            10,
        )
        .await
        .unwrap();
    assert_eq!(fresh.stale.total, 0);
    // another Kreis's worklist does not hold these
    let erfurt = s.work_list("16051", today, Utc::now(), 10).await.unwrap();
    assert_eq!(erfurt.overdue.total, 0);
}

/// Zuständigkeiten: a service moves from the Gemeinden to the Kreise (dry run first) and back.
/// Nothing is deleted, every event stays, the past keeps its figures, and the history the
/// write path keeps equals the one rebuilt from records, events and record periods.
async fn moving_a_service_between_levels_and_back_keeps_every_record_and_event(s: Storage) {
    use app::domain::{
        DashboardFilter, OrgUnitKind, OrgUnitQuery, Responsibility, ResponsibilityChange,
    };
    use server::storage::RESPONSIBILITY_CHANGED;
    let s = seeded(s).await;
    let elterngeld = OzgId::parse("10000").unwrap();
    let today = Utc::now().date_naive();
    let yesterday = today.pred_opt().unwrap();
    let gemeinden = s
        .org_units(&OrgUnitQuery {
            kind: Some(OrgUnitKind::Gemeinde),
            parent: None,
        })
        .await
        .unwrap()
        .len() as i64;
    let kreise = TEST_KREISE.len() as i64;

    // Erfurt's Gemeinde record went online in March
    let keys = s.record_versions(Some(10000)).await.unwrap();
    let erfurt = keys
        .iter()
        .find(|k| k.org_unit_code == "16051000")
        .unwrap()
        .clone();
    for (version, status) in [(1, "in_umsetzung"), (2, "online")] {
        let out = s
            .apply_changes(&[change(
                erfurt.id,
                version,
                RecordPatch {
                    status_code: Some(status.into()),
                    ..Default::default()
                },
            )])
            .await
            .unwrap();
        assert!(matches!(out[0], ChangeOutcome::Applied { .. }), "{out:?}");
    }
    let figures = |o: app::domain::Overview| {
        (
            o.municipal_records_applicable,
            o.municipal_records_online,
            o.municipal_population_applicable,
            o.services_online_any,
        )
    };
    let past = |f: DashboardFilter| {
        let s = s.clone();
        async move { figures(s.overview_at(&f, yesterday).await.unwrap().unwrap()) }
    };
    let soemmerda = DashboardFilter {
        kreis: app::domain::UnitCode::parse("16068"),
        ..Default::default()
    };
    let land_before = past(DashboardFilter::default()).await;
    let kreis_before = past(soemmerda.clone()).await;
    let records_before = count(&s, "implementation_record").await;
    let events_before = count(&s, "record_event").await;

    let to_kreis = ResponsibilityChange {
        level: Some(Responsibility::Kreis),
        confirmed: Some(true),
        ..Default::default()
    };
    let at = Utc::now();
    // the dry run says what would happen and leaves no trace
    let dry = s
        .change_responsibility(elterngeld, &to_kreis, at, "admin@example.org", true)
        .await
        .unwrap();
    assert!(dry.dry_run);
    assert_eq!(
        (
            dry.records_created,
            dry.records_closed,
            dry.records_reopened
        ),
        (kreise, gemeinden, 0)
    );
    assert_eq!(dry.before.level, Responsibility::Gemeinde);
    assert_eq!(dry.after.level, Responsibility::Kreis);
    assert_eq!(
        dry.figures_after.confirmed,
        dry.figures_before.confirmed + 1
    );
    assert_eq!(
        dry.figures_after.municipal_records,
        dry.figures_before.municipal_records - gemeinden + kreise
    );
    assert_eq!(
        dry.figures_after.municipal_online,
        dry.figures_before.municipal_online - 1,
        "Erfurt's online record closed"
    );
    assert_eq!(
        s.service_responsibility(elterngeld).await.unwrap().level,
        Responsibility::Gemeinde
    );
    assert_eq!(count(&s, "implementation_record").await, records_before);
    assert_eq!(count(&s, "record_period").await, 0);
    assert_eq!(
        s.audit_page(Some(RESPONSIBILITY_CHANGED), 1, 10)
            .await
            .unwrap()
            .total,
        0
    );

    // the change does what the dry run said
    let done = s
        .change_responsibility(elterngeld, &to_kreis, at, "admin@example.org", false)
        .await
        .unwrap();
    assert_eq!(
        (
            done.records_created,
            done.records_closed,
            done.records_reopened
        ),
        (kreise, gemeinden, 0)
    );
    assert_eq!(done.figures_after, dry.figures_after);
    let detail = s.service(elterngeld, 1, 500, None).await.unwrap();
    let mut holders: Vec<_> = detail
        .records
        .items
        .iter()
        .map(|r| r.org_unit_code.clone())
        .collect();
    holders.sort();
    assert_eq!(
        holders,
        TEST_KREISE.map(String::from).to_vec(),
        "exactly the Kreise"
    );
    assert_eq!(detail.summary.records_applicable, kreise);
    assert_eq!(
        count(&s, "implementation_record").await,
        records_before + kreise,
        "nothing deleted"
    );
    assert_eq!(
        count(&s, "record_event").await,
        events_before,
        "no event lost"
    );
    let closed = s.record_detail(erfurt.id).await.unwrap().unwrap();
    assert_eq!(closed.closed_on, Some(today));
    assert_eq!(closed.status_code, "online", "kept as it was");
    let refused = s
        .apply_changes(&[change(
            erfurt.id,
            3,
            RecordPatch {
                note: Some(Some("noch da?".into())),
                ..Default::default()
            },
        )])
        .await
        .unwrap();
    assert!(
        matches!(&refused[0], ChangeOutcome::Refused { reason } if reason.contains("nicht mehr zuständig")),
        "{refused:?}"
    );
    assert_eq!(
        past(DashboardFilter::default()).await,
        land_before,
        "the past keeps its figures"
    );
    assert_eq!(past(soemmerda.clone()).await, kreis_before);
    assert_history_exact(&s).await;

    // and back: the Gemeinden's records reopen with their state and history
    let to_gemeinde = ResponsibilityChange {
        level: Some(Responsibility::Gemeinde),
        ..Default::default()
    };
    let back = s
        .change_responsibility(
            elterngeld,
            &to_gemeinde,
            Utc::now(),
            "admin@example.org",
            false,
        )
        .await
        .unwrap();
    assert_eq!(
        (
            back.records_created,
            back.records_closed,
            back.records_reopened
        ),
        (0, kreise, gemeinden)
    );
    assert!(
        back.after.confirmed,
        "the confirmation stays unless changed"
    );
    let detail = s.service(elterngeld, 1, 500, None).await.unwrap();
    assert_eq!(detail.records.total, gemeinden);
    assert_eq!(detail.summary.records_online, 1, "Erfurt online again");
    assert_eq!(
        s.record_detail(erfurt.id).await.unwrap().unwrap().closed_on,
        None
    );
    assert_eq!(
        count(&s, "implementation_record").await,
        records_before + kreise
    );
    assert_eq!(count(&s, "record_event").await, events_before);
    assert_eq!(past(DashboardFilter::default()).await, land_before);
    assert_eq!(past(soemmerda).await, kreis_before);
    assert_history_exact(&s).await;
    assert_eq!(
        s.audit_page(Some(RESPONSIBILITY_CHANGED), 1, 10)
            .await
            .unwrap()
            .total,
        2
    );

    let now = s
        .overview_at(&DashboardFilter::default(), today)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        now.municipal_confirmed, 1,
        "Elterngeld's confirmed responsibility"
    );
    assert!(now.municipal_services > now.municipal_confirmed);

    // a lead unit that does not fit the level, and a service that does not exist
    let wrong_lead = ResponsibilityChange {
        level: Some(Responsibility::Ressort),
        lead_unit: Some("16051".into()),
        ..Default::default()
    };
    assert!(matches!(
        s.change_responsibility(elterngeld, &wrong_lead, Utc::now(), "a", false)
            .await,
        Err(StorageError::Invalid(_))
    ));
    assert!(matches!(
        s.change_responsibility(
            OzgId::parse("99999").unwrap(),
            &to_kreis,
            Utc::now(),
            "a",
            true
        )
        .await,
        Err(StorageError::NotFound(_))
    ));
    // a Landesbehörde service names its authority; its one record goes there
    let tlvwa = ResponsibilityChange {
        level: Some(Responsibility::Landesbehoerde),
        lead_unit: Some("TLVwA".into()),
        ..Default::default()
    };
    let moved = s
        .change_responsibility(elterngeld, &tlvwa, Utc::now(), "a", false)
        .await
        .unwrap();
    assert_eq!(
        (moved.records_created, moved.records_closed),
        (1, gemeinden)
    );
    let detail = s.service(elterngeld, 1, 500, None).await.unwrap();
    assert_eq!(
        detail
            .records
            .items
            .iter()
            .map(|r| r.org_unit_code.as_str())
            .collect::<Vec<_>>(),
        ["TLVwA"]
    );
    assert_history_exact(&s).await;
    // no longer a municipal service today, but on a past date it was one and counts as one
    assert_eq!(past(DashboardFilter::default()).await, land_before);
    let now = s
        .overview_at(&DashboardFilter::default(), today)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(now.municipal_confirmed, 0);
}

/// The settings page's changes: each applies one thing, refuses what would falsify the
/// figures or the history (a status in use, a scale below recorded Reifegrade), writes one
/// audit entry — and a later seed does not bring back what the administration removed.
async fn the_settings_change_one_thing_at_a_time_each_audited(s: Storage) {
    use app::domain::{Phase, SettingChange as C, SettingRefusal as R};
    let s = seeded(s).await;
    let at = Utc.with_ymd_and_hms(2026, 12, 7, 10, 0, 0).unwrap();
    let apply = |c: C| {
        let s = s.clone();
        async move {
            s.change_setting(&c.checked().unwrap(), "admin@example.org", at)
                .await
                .unwrap()
        }
    };
    let before = s.settings().await.unwrap();
    assert_eq!(before.statuses.len(), 8);
    assert_eq!(before.transitions.len(), 20);
    assert_eq!(before.maturity_model, "1.1");
    assert_eq!(before.maturity_models.len(), 2);
    assert_eq!(before.deadlines.len(), 1, "the former --deadlines default");
    assert!(before.authorities.iter().any(|u| u.code == "TLVwA"));
    let nicht_begonnen = before
        .statuses
        .iter()
        .find(|st| st.code == "nicht_begonnen")
        .unwrap();
    assert!(nicht_begonnen.records > 0 && !nicht_begonnen.removable());

    // a new status, a step into it, a new label; then it goes again, unused
    let add = C::AddStatus {
        code: "in_abstimmung".into(),
        label: "in Abstimmung".into(),
        phase: Phase::Planning,
        sort_order: 25,
    };
    assert_eq!(apply(add.clone()).await, Ok(()));
    assert_eq!(
        apply(add).await,
        Err(R::StatusCodeTaken("in_abstimmung".into()))
    );
    let step = |allowed| C::Transition {
        from: "in_planung".into(),
        to: "in_abstimmung".into(),
        allowed,
    };
    assert_eq!(apply(step(true)).await, Ok(()));
    assert!(s
        .edit_options()
        .await
        .unwrap()
        .allows("in_planung", "in_abstimmung"));
    assert_eq!(
        apply(C::EditStatus {
            code: "online".into(),
            label: "online (OZG-konform)".into(),
            sort_order: 50
        })
        .await,
        Ok(())
    );
    assert_eq!(
        s.edit_options().await.unwrap().status_label("online"),
        "online (OZG-konform)"
    );
    assert_eq!(
        apply(C::RemoveStatus {
            code: "in_abstimmung".into()
        })
        .await,
        Ok(())
    );
    assert!(!s
        .edit_options()
        .await
        .unwrap()
        .allows("in_planung", "in_abstimmung"));
    match apply(C::RemoveStatus {
        code: "nicht_begonnen".into(),
    })
    .await
    {
        Err(R::StatusInUse { records, .. }) => assert_eq!(records, nicht_begonnen.records),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        apply(C::Transition {
            from: "online".into(),
            to: "unbekannt".into(),
            allowed: true
        })
        .await,
        Err(R::UnknownStatus("unbekannt".into()))
    );

    // a removed default step stays removed when the reference data is seeded again
    let forbid = C::Transition {
        from: "online".into(),
        to: "in_umsetzung".into(),
        allowed: false,
    };
    assert_eq!(apply(forbid).await, Ok(()));
    s.seed(&test_reference_data(), true).await.unwrap();
    let options = s.edit_options().await.unwrap();
    assert!(!options.allows("online", "in_umsetzung"));
    assert_eq!(options.status_label("online"), "online (OZG-konform)");

    // Reifegrad: 2.0 takes over, a record gets level 6; 1.1 (up to 4) is refused then
    assert_eq!(
        apply(C::MaturityModel {
            model: "2.0".into()
        })
        .await,
        Ok(())
    );
    let key = s.record_versions(Some(10000)).await.unwrap().remove(0);
    let out = s
        .apply_changes(&[change(
            key.id,
            key.version,
            RecordPatch {
                maturity: Some(Some(6)),
                ..Default::default()
            },
        )])
        .await
        .unwrap();
    assert!(matches!(out[0], ChangeOutcome::Applied { .. }), "{out:?}");
    assert_eq!(
        apply(C::MaturityModel {
            model: "1.1".into()
        })
        .await,
        Err(R::LevelsAboveScale {
            records: 1,
            highest: 4
        })
    );
    assert_eq!(
        apply(C::MaturityModel {
            model: "3.0".into()
        })
        .await,
        Err(R::UnknownModel("3.0".into()))
    );
    assert_eq!(s.maturity_model().await.unwrap(), "2.0");
    let rename = |level| C::MaturityLabel {
        model: "2.0".into(),
        level,
        label: "Ende-zu-Ende digital".into(),
    };
    assert_eq!(apply(rename(7)).await, Ok(()));
    assert_eq!(apply(rename(9)).await, Err(R::UnknownLevel(9)));
    let levels = s.edit_options().await.unwrap().maturity_levels;
    assert_eq!(levels.len(), 8);
    assert_eq!(levels[7].label, "Ende-zu-Ende digital");

    // target dates of the trend
    let day = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
    let landesziel = C::AddDeadline {
        date: day(2026, 12, 31),
        label: "Landesziel Thüringen".into(),
    };
    assert_eq!(apply(landesziel.clone()).await, Ok(()));
    assert_eq!(
        apply(landesziel).await,
        Err(R::DeadlineTaken(day(2026, 12, 31)))
    );
    assert_eq!(
        apply(C::RemoveDeadline {
            date: day(2022, 12, 31)
        })
        .await,
        Ok(())
    );
    assert_eq!(
        apply(C::RemoveDeadline {
            date: day(2022, 12, 31)
        })
        .await,
        Err(R::UnknownDeadline(day(2022, 12, 31)))
    );
    let deadlines = s.deadlines().await.unwrap();
    assert_eq!(deadlines.len(), 1);
    assert_eq!(
        (deadlines[0].date, deadlines[0].label.as_str()),
        (day(2026, 12, 31), "Landesziel Thüringen")
    );

    // a new Landesbehörde can lead services
    let tllr = C::AddAuthority {
        code: "TLLLR".into(),
        name: "Thüringer Landesamt für Landwirtschaft und Ländlichen Raum".into(),
    };
    assert_eq!(apply(tllr).await, Ok(()));
    assert!(s
        .lead_units()
        .await
        .unwrap()
        .iter()
        .any(|u| u.code == "TLLLR"));
    assert_eq!(
        apply(C::AddAuthority {
            code: "tlvwa".into(),
            name: "Doppelt".into()
        })
        .await,
        Err(R::UnitCodeTaken("tlvwa".into()))
    );

    // one audit entry per change that was made, none for a refusal
    let audited = s
        .audit_page(Some(server::storage::SETTING_CHANGED), 1, 100)
        .await
        .unwrap();
    assert_eq!(audited.total, 10, "{:?}", audited.items);
    assert!(audited
        .items
        .iter()
        .any(|a| a.detail.as_deref() == Some("Schritt online → in_umsetzung gesperrt")));
    assert!(audited
        .items
        .iter()
        .all(|a| a.actor.as_deref() == Some("admin@example.org")));
}

/// "nicht relevant" set before the approval rule (no admin's reasoned change since) is listed
/// for review; an admin who records the reason confirms it, and it leaves the list.
async fn not_relevant_records_without_approval_are_listed_until_an_admin_confirms(s: Storage) {
    let s = seeded(s).await;
    assert_eq!(s.unapproved_not_relevant(10).await.unwrap().total, 0);
    let keys = s.record_versions(Some(10000)).await.unwrap();
    let (legacy, approved) = (&keys[0], &keys[1]);
    let admin = s
        .create_user(&server::storage::NewUser {
            email: "kompetenzzentrum@example.org".into(),
            display_name: "Kompetenzzentrum".into(),
            role: app::domain::Role::Admin,
            password_hash: "x".into(),
            scope_codes: vec![],
        })
        .await
        .unwrap();
    let to = |status: &str| RecordPatch {
        status_code: Some(status.into()),
        ..Default::default()
    };
    // the old way, from the release before the approval rule: straight into "nicht relevant",
    // by nobody of the administration
    execute(&s, "INSERT INTO status_transition (from_code, to_code) VALUES ('nicht_begonnen', 'nicht_relevant')").await;
    let mut old = change(legacy.id, legacy.version, to("nicht_relevant"));
    old.comment = None;
    // the approved way: requested, then approved by an admin with a reason
    let request = change(
        approved.id,
        approved.version,
        to("nicht_relevant_beantragt"),
    );
    let out = s.apply_changes(&[old, request]).await.unwrap();
    assert!(
        out.iter()
            .all(|o| matches!(o, ChangeOutcome::Applied { .. })),
        "{out:?}"
    );
    execute(&s, "DELETE FROM status_transition WHERE from_code = 'nicht_begonnen' AND to_code = 'nicht_relevant'").await;
    let mut approval = change(approved.id, approved.version + 1, to("nicht_relevant"));
    approval.user_id = Some(admin);
    approval.comment = Some("Kein Vollzug in Thüringen".into());
    let out = s.apply_changes(&[approval]).await.unwrap();
    assert!(matches!(out[0], ChangeOutcome::Applied { .. }), "{out:?}");
    let listed = s.unapproved_not_relevant(10).await.unwrap();
    assert_eq!(listed.total, 1);
    assert_eq!(listed.items[0].id, legacy.id);

    // the administration confirms by recording the reason as the note
    let mut confirm = change(
        legacy.id,
        legacy.version + 1,
        RecordPatch {
            note: Some(Some("Landesrecht sieht kein Verfahren vor".into())),
            ..Default::default()
        },
    );
    confirm.user_id = Some(admin);
    confirm.comment = None;
    let out = s.apply_changes(&[confirm]).await.unwrap();
    assert!(matches!(out[0], ChangeOutcome::Applied { .. }), "{out:?}");
    assert_eq!(s.unapproved_not_relevant(10).await.unwrap().total, 0);
}

/// Verwaltungsgemeinschaften and erfüllende Gemeinden: a service of the level "verband" is held
/// by each Verband for its members and by every Gemeinde in none; on the Kreis's Gemeinde map a
/// Verband's record counts for each of its members, so a member loses nothing it is served by.
async fn a_verband_holds_the_transferred_tasks_of_its_members(s: Storage) {
    use app::domain::{DashboardFilter, Responsibility, ResponsibilityChange};
    let s = seeded(s).await;
    // the slice: Erfurt (in none) and Sömmerda with 5 Verwaltungsgemeinschaften, 1 erfüllende
    // Gemeinde and 3 Gemeinden in none
    let open_records = |kind: &'static str| {
        let s = s.clone();
        async move {
            count(
                &s,
                &format!(
                    "implementation_record rec JOIN org_unit o ON o.id = rec.org_unit_id \
                 WHERE rec.ozg_id = 10124 AND rec.closed_on IS NULL AND o.kind = '{kind}'"
                ),
            )
            .await
        }
    };
    assert_eq!(count(&s, "org_unit WHERE kind = 'verband'").await, 6);
    assert_eq!(
        count(
            &s,
            "org_unit WHERE kind = 'gemeinde' AND verband_id IS NOT NULL"
        )
        .await,
        35
    );
    assert_eq!(open_records("gemeinde").await, 39);
    let sommerda = DashboardFilter {
        kreis: app::domain::UnitCode::parse("16068"),
        ..Default::default()
    };
    let today = Utc::now().date_naive();
    let region = |o: &app::domain::Overview, code: &str| {
        o.map
            .regions
            .iter()
            .find(|r| r.code == code)
            .unwrap_or_else(|| panic!("{code}"))
            .figures
            .applicable
    };
    let before = s.overview_at(&sommerda, today).await.unwrap().unwrap();
    assert!(before.map.gemeinden);

    let to_verband = ResponsibilityChange {
        level: Some(Responsibility::Verband),
        ..Default::default()
    };
    let melde = OzgId::parse("10124").unwrap();
    let out = s
        .change_responsibility(melde, &to_verband, Utc::now(), "admin@example.org", false)
        .await
        .unwrap();
    assert_eq!(
        (out.records_created, out.records_closed),
        (6, 35),
        "6 Verbände in, their 35 members out"
    );
    assert_eq!(
        (
            open_records("verband").await,
            open_records("gemeinde").await
        ),
        (6, 4)
    );

    let after = s.overview_at(&sommerda, today).await.unwrap().unwrap();
    // Andisleben (VG Gera-Aue) is served by its VG's record now, Sömmerda (in none) by its own
    for member in ["16068002", "16068051"] {
        assert_eq!(region(&after, member), region(&before, member), "{member}");
    }
    assert_eq!(
        after.municipal_records_applicable,
        before.municipal_records_applicable - 35 + 6,
        "the Kreis counts the Verbände's records instead of their members'"
    );
    assert_history_exact(&s).await;
}
