//! Users, sessions, tokens, sign-in throttling and the scheduled work.

use super::*;

/// Users, scopes, sessions and tokens: stored hashed, found again, ended.
pub(super) async fn accounts_sessions_and_tokens(s: Storage) {
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
pub(super) async fn sign_in_claims_are_counted_exactly_in_parallel(s: Storage) {
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

/// Scheduled work: a slot runs on the instance that claims it first, never twice; the jobs do
/// their work (expired sessions go, the chain check is logged).
pub(super) async fn scheduled_work_runs_once_per_slot(s: Storage) {
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
