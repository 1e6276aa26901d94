//! Lists of records and changes: counts, facets, keyset paging and a unit's worklist.

use super::*;

/// The "Änderungen" list: its total matches its rows, with and without a unit filter (the
/// unfiltered count runs without joins).
pub(super) async fn change_lists_count_what_they_list(s: Storage) {
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
        ..all.clone()
    };
    let page = s.changes(&in_unit, 1, 50).await.unwrap();
    assert_eq!(page.total, page.items.len() as i64);
    assert!(page.total >= 1 && page.total < 3, "{}", page.total);
    // the service filter narrows the changes too (counted with the joins): no record of the
    // seeded data names an EfA solution
    let by_efa = |uses: bool| ChangeFilter {
        services: ServiceFilter {
            efa: Some(uses),
            ..ServiceFilter::default()
        },
        ..all.clone()
    };
    let without = s.changes(&by_efa(false), 1, 50).await.unwrap();
    assert_eq!((without.total, without.items.len()), (3, 3));
    assert_eq!(s.changes(&by_efa(true), 1, 50).await.unwrap().total, 0);
}

/// Keyset paging (`nach` in the API) walks the same records in the same order as numbered
/// pages, across services and units, and says where the last page is.
pub(super) async fn paging_after_a_record_lists_what_page_numbers_list(s: Storage) {
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
pub(super) async fn all_listed(
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
pub(super) async fn record_lists_count_each_status_and_themenfeld_of_the_whole_list(s: Storage) {
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
pub(super) async fn a_units_worklist_holds_overdue_and_waiting_records(s: Storage) {
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
