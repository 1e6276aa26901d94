//! The OZG catalogue in storage: seeding, a changed or imported catalogue, the responsibility
//! rule's records, and the service queries and portfolios read from it.

use super::*;

pub(super) async fn seeding_loads_the_catalogue_and_is_idempotent(s: Storage) {
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

pub(super) async fn changed_catalogue_updates_rows_without_duplicates(s: Storage) {
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
        .retain(|l| l.ozg_id.map(app::domain::OzgId::get) != Some(10001));
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

pub(super) async fn records_follow_the_responsibility_rule(s: Storage) {
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

pub(super) async fn service_queries_filter_search_and_paginate(s: Storage) {
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

pub(super) async fn org_unit_portfolios(s: Storage) {
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

pub(super) async fn an_imported_catalogue_counts_new_services_from_today_and_outlives_the_seed(
    s: Storage,
) {
    use app::domain::{DashboardFilter, LeikaTypes, Responsibility};
    use server::reference_data::Service;
    use server::storage::{CatalogueWrite, NewRecordHistory};
    let s = seeded(s).await;
    let today = Utc::now().date_naive();
    let yesterday = today.pred_opt().unwrap();
    let all = DashboardFilter::default();
    let figures = |o: app::domain::Dashboard| {
        (
            o.services.total,
            o.municipal.records_applicable,
            o.municipal.population_applicable,
            o.services.online_any,
            o.bars
                .iter()
                .map(app::domain::CategoryBar::total)
                .sum::<i64>(),
        )
    };
    let dashboard = |day| {
        let s = s.clone();
        let all = all.clone();
        async move { figures(s.dashboard_at(&all, day).await.unwrap().unwrap()) }
    };
    let past = dashboard(yesterday).await;
    let now = dashboard(today).await;

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
    assert_eq!(dashboard(yesterday).await, past, "the past is unchanged");
    let after = dashboard(today).await;
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
    assert_eq!(dashboard(today).await, after);

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
    assert_eq!(dashboard(today).await.0, after.0 - 1);
}
