//! Zuständigkeiten: moving services between levels, approvals of "nicht relevant", Verbände.

use super::*;

/// Zuständigkeiten: a service moves from the Gemeinden to the Kreise (dry run first) and back.
/// Nothing is deleted, every event stays, the past keeps its figures, and the history the
/// write path keeps equals the one rebuilt from records, events and record periods.
pub(super) async fn moving_a_service_between_levels_and_back_keeps_every_record_and_event(
    s: Storage,
) {
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
    let figures = |o: app::domain::Dashboard| {
        (
            o.municipal.records_applicable,
            o.municipal.records_online,
            o.municipal.population_applicable,
            o.services.online_any,
        )
    };
    let past = |f: DashboardFilter| {
        let s = s.clone();
        async move { figures(s.dashboard_at(&f, yesterday).await.unwrap().unwrap()) }
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
        .dashboard_at(&DashboardFilter::default(), today)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        now.municipal.confirmed, 1,
        "Elterngeld's confirmed responsibility"
    );
    assert!(now.municipal.services > now.municipal.confirmed);

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
        .dashboard_at(&DashboardFilter::default(), today)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(now.municipal.confirmed, 0);
}

/// "nicht relevant" set before the approval rule (no admin's reasoned change since) is listed
/// for review; an admin who records the reason confirms it, and it leaves the list.
pub(super) async fn not_relevant_records_without_approval_are_listed_until_an_admin_confirms(
    s: Storage,
) {
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
pub(super) async fn a_verband_holds_the_transferred_tasks_of_its_members(s: Storage) {
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
    let region = |o: &app::domain::Dashboard, code: &str| {
        o.map
            .regions
            .iter()
            .find(|r| r.code == code)
            .unwrap_or_else(|| panic!("{code}"))
            .figures
            .applicable
    };
    let before = s.dashboard_at(&sommerda, today).await.unwrap().unwrap();
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

    let after = s.dashboard_at(&sommerda, today).await.unwrap().unwrap();
    // Andisleben (VG Gera-Aue) is served by its VG's record now, Sömmerda (in none) by its own
    for member in ["16068002", "16068051"] {
        assert_eq!(region(&after, member), region(&before, member), "{member}");
    }
    assert_eq!(
        after.municipal.records_applicable,
        before.municipal.records_applicable - 35 + 6,
        "the Kreis counts the Verbände's records instead of their members'"
    );
    assert_history_exact(&s).await;
}
