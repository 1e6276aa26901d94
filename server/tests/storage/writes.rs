//! The one write path: a change writes record, event and rollup together; stale, invalid,
//! refused and parallel changes lose nothing and write exactly what they report.

use super::*;

/// The maintained history rollups equal those rebuilt from records and events.
pub(super) async fn assert_history_exact(s: &Storage) {
    let maintained = s.history_snapshot().await.unwrap();
    s.rebuild_history().await.unwrap();
    let rebuilt = s.history_snapshot().await.unwrap();
    assert_eq!(maintained.0.len(), rebuilt.0.len(), "history rows");
    assert_eq!(maintained, rebuilt, "history rollups exact");
}

pub(super) fn change(record_id: i64, version: i64, patch: RecordPatch) -> RecordChange {
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

pub(super) async fn a_change_writes_record_event_and_rollup_together(s: Storage) {
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

pub(super) async fn stale_versions_and_invalid_values_are_refused(s: Storage) {
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

pub(super) async fn all_or_nothing_writes_nothing_when_one_change_fails(s: Storage) {
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

pub(super) async fn imports_find_records_by_service_and_unit(s: Storage) {
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

/// Many writers on few records at once: every acknowledged write is in the history exactly
/// once, no two acknowledged writes share a version (nothing silently overwritten), and the
/// final state is the last acknowledged write of each record.
pub(super) async fn parallel_writers_lose_nothing(s: Storage) {
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
                        acknowledged.push((id, *new_version, note));
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

/// Fuzzing the write path: random batches mixing valid, stale, unknown, refused and repeated
/// changes. Whatever the mix, the database holds exactly what the outcomes report — one
/// version step and one event per `Applied`, nothing for the rest — and the rollups and the
/// chain stay exact. (Generated with proptest's deterministic runner; no shrinking, since the
/// cases run against a live database inside the async test.)
pub(super) async fn any_batch_of_changes_writes_exactly_what_it_reports(s: Storage) {
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
pub(super) async fn values_the_database_refuses_are_the_requests_fault(s: Storage) {
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

/// The dashboard serves a drawn view while the generation is unchanged: every committed write
/// must raise it, and a rolled-back one must not (it changed nothing).
pub(super) async fn every_committed_write_raises_the_data_generation(s: Storage) {
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
