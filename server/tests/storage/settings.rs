//! The settings page's changes to the pipeline, the Reifegrad model and the target dates.

use super::*;

/// The settings page's changes: each applies one thing, refuses what would falsify the
/// figures or the history (a status in use, a scale below recorded Reifegrade), writes one
/// audit entry — and a later seed does not bring back what the administration removed.
pub(super) async fn the_settings_change_one_thing_at_a_time_each_audited(s: Storage) {
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
