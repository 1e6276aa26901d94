//! The history: demo data through the change path, the append-only hash-chained events, and
//! the dashboard at any past date.

use super::*;

pub(super) async fn demo_data_goes_through_the_change_path(s: Storage) {
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

    let dashboard = s
        .dashboard_at(&Default::default(), now.date_naive())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(dashboard.services.total, 557);
    // today's state from the history rollups equals the current rollups
    let current: i64 = maintained.iter().map(|(_, figures)| figures[1]).sum();
    let municipal_and_other = dashboard
        .bars
        .iter()
        .map(app::domain::CategoryBar::total)
        .sum::<i64>();
    assert_eq!(municipal_and_other, 557);
    let trend_end = dashboard.trend.last().expect("years of demo history");
    assert_eq!(trend_end.date, now.date_naive());
    assert_eq!(
        trend_end.count(app::domain::CoverageCategory::Full),
        dashboard.services.online_full
    );
    assert!(dashboard.trend.len() > 60, "monthly points since 2019");
    assert!(current >= dashboard.municipal.records_online);
    assert!(dashboard.services.online_any > 100 && dashboard.services.online_any < 557);
    assert!(dashboard.services.online_full <= dashboard.services.online_any);
    assert!(dashboard.municipal.records_online > 0);
    assert_eq!(dashboard.bars.len(), 14);
    assert_eq!(
        dashboard
            .bars
            .iter()
            .map(app::domain::CategoryBar::total)
            .sum::<i64>(),
        557
    );

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
pub(super) async fn generating_other_laender_adds_their_units_with_demo_history(s: Storage) {
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

/// The history is append-only in the database itself, not only by convention.
pub(super) async fn events_cannot_be_changed_or_deleted(s: Storage) {
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
pub(super) async fn tampering_with_the_history_is_detected(s: Storage) {
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

/// Any past date on the dashboard, from the history: the figures, the filters and the Kreis
/// zoom at the end of a day equal what was true then.
pub(super) async fn the_dashboard_shows_any_past_date_from_the_history(s: Storage) {
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
    let figures = |o: &app::domain::Dashboard| {
        (
            o.services.online_any,
            o.municipal.records_online,
            o.maturity.count,
        )
    };
    let before = s
        .dashboard_at(&all, day(2023, 12, 31))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(figures(&before), (0, 0, 0));
    assert!(
        s.dashboard_at(&all, day(2023, 5, 31))
            .await
            .unwrap()
            .unwrap()
            .trend
            .is_empty(),
        "no change before that date"
    );
    let january = s
        .dashboard_at(&all, day(2024, 1, 10))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        figures(&january),
        (1, 1, 1),
        "the backdated change counts from its day"
    );
    let march = s
        .dashboard_at(&all, day(2024, 3, 31))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(figures(&march), (1, 2, 2));
    assert_eq!(
        march.services.total, before.services.total,
        "same denominator"
    );
    assert_eq!(
        march
            .maturity
            .bins
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
        .dashboard_at(&teilweise, day(2024, 3, 31))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(partly.services.total, 1);
    // the map counts the services the category filter kept, not all of the Kreis's
    assert!(partly.map.regions.iter().all(|r| r.services <= 1));
    assert!(partly.map.regions.iter().any(|r| r.services == 1));
    let none = s
        .dashboard_at(&teilweise, day(2023, 3, 31))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(none.services.total, 0);
    assert!(none.map.regions.iter().all(|r| r.services == 0));
    // a report's rows come from the same figures: one per service counted, the filter's
    let mut rows = Vec::new();
    let reported = s
        .dashboard_and_services_at(&teilweise, day(2024, 3, 31), Some(&mut rows))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(reported, partly, "the same figures with or without rows");
    assert_eq!(rows.len() as i64, partly.services.total);
    assert!(rows
        .iter()
        .all(|r| r.category == CoverageCategory::Partial && r.figures.online > 0));
    let kreis_code = gemeinden[0].org_unit_code[..5].to_owned();
    let kreis = DashboardFilter {
        kreis: app::domain::UnitCode::parse(&kreis_code),
        ..Default::default()
    };
    let in_kreis = s
        .dashboard_at(&kreis, day(2024, 1, 31))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        in_kreis.kreis.as_ref().map(|k| k.code.as_str()),
        Some(kreis_code.as_str())
    );
    assert_eq!(in_kreis.municipal.records_online, 1);
    assert!(in_kreis.municipal.gemeinden < before.municipal.gemeinden);
    // and in a Kreis, the Kreis's figures per service
    let mut kreis_rows = Vec::new();
    s.dashboard_and_services_at(&kreis, day(2024, 1, 31), Some(&mut kreis_rows))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(kreis_rows.len() as i64, in_kreis.services.total);
    assert_eq!(
        kreis_rows.iter().filter(|r| r.figures.online > 0).count() as i64,
        in_kreis.services.online_any
    );
    assert_eq!(
        kreis_rows
            .iter()
            .filter(|r| r.category == CoverageCategory::Full)
            .count() as i64,
        in_kreis.services.online_full
    );
    assert!(
        in_kreis.services.online_any > 0,
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
        march.services.total
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
        .dashboard_at(&all, Utc::now().date_naive())
        .await
        .unwrap()
        .unwrap();
    // today's fast path (newest rows) and the seek for a date after the last change agree
    let later = s
        .dashboard_at(&all, day(2025, 6, 30))
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
        .dashboard_at(&efa, day(2024, 3, 31))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(with_efa.services.total, 1);
    let without = DashboardFilter {
        services: ServiceFilter {
            efa: Some(false),
            ..ServiceFilter::default()
        },
        ..Default::default()
    };
    assert_eq!(
        s.dashboard_at(&without, day(2024, 3, 31))
            .await
            .unwrap()
            .unwrap()
            .services
            .total,
        before.services.total - 1
    );
    let unknown = DashboardFilter {
        kreis: app::domain::UnitCode::parse("99999"),
        ..Default::default()
    };
    assert!(s
        .dashboard_at(&unknown, day(2024, 1, 31))
        .await
        .unwrap()
        .is_err());
    assert_history_exact(&s).await;
}
