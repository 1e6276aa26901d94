//! Territorial changes: renames, new populations, mergers and dissolved units.

use super::*;

/// A rename alone leaves rollups and history as they are (no rebuild); a changed population
/// is counted from the import's day on, as a full recount would count it.
pub(super) async fn a_renamed_unit_keeps_its_counts_and_a_new_population_counts_from_the_import(
    s: Storage,
) {
    use app::domain::DashboardFilter;
    use server::storage::{TerritoryWrite, UnitWrite};
    let s = seeded(s).await;
    let today = Utc::now().date_naive();
    let erfurt = s.org_unit("16051000").await.unwrap().unit;
    let population = erfurt.population.unwrap();
    let land_population = |s: Storage| async move {
        s.dashboard_at(&DashboardFilter::default(), today)
            .await
            .unwrap()
            .unwrap()
            .municipal
            .population_applicable
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
pub(super) async fn a_territorial_change_keeps_the_past_and_the_dissolved_units_records(
    s: Storage,
) {
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
    let figures = |o: app::domain::Dashboard| {
        (
            o.municipal.records_applicable,
            o.municipal.records_online,
            o.municipal.population_applicable,
            o.municipal.gemeinden,
            o.services.online_any,
        )
    };
    let dashboard = |f: DashboardFilter, day| {
        let s = s.clone();
        async move { figures(s.dashboard_at(&f, day).await.unwrap().unwrap()) }
    };
    let land_before = dashboard(DashboardFilter::default(), yesterday).await;
    let soemmerda_before = dashboard(soemmerda.clone(), yesterday).await;
    let land_today = dashboard(DashboardFilter::default(), today).await;

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
        dashboard(DashboardFilter::default(), yesterday).await,
        land_before
    );
    assert_eq!(
        dashboard(soemmerda.clone(), yesterday).await,
        soemmerda_before
    );
    // today: Erfurt counts in Sömmerda with its state, the taken-in Gemeinde no longer
    let land_after = dashboard(DashboardFilter::default(), today).await;
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
    let soemmerda_after = dashboard(soemmerda, today).await;
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
