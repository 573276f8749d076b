//! Behaviour of the store, on every backend (see `support`), and of the SQLite store's own
//! file, pragmas and writer.

mod support;

use std::collections::HashSet;
use std::time::Duration;

use openirp_store::{
    ApiClient, ApiUser, CancelOutcome, EInvoice, InsertOutcome, Session, SqliteOptions,
    SqliteStore, Store, StoreError, TaxpayerBundle,
};
use support::backends;
use support::records::{NOW, einvoice, gstin};

fn client(id: &str) -> ApiClient {
    ApiClient {
        client_id: id.to_string(),
        secret_hash: format!("$argon2id$v=19$m=19456,t=2,p=1$salt${id}"),
        name: format!("Client {id}"),
        pan: Some("AAACB1234C".to_string()),
        created_at: NOW,
        allowed_ips: vec!["10.0.0.1".to_string(), "2001:db8::1".to_string()],
    }
}

fn user(name: &str, gstin: &str) -> ApiUser {
    ApiUser {
        username: name.to_string(),
        gstin: gstin.to_string(),
        password_hash: format!("$argon2id$v=19$m=19456,t=2,p=1$salt${name}"),
        active: true,
        created_at: NOW,
        owner_client: None,
    }
}

fn bundle(gstin_id: &str, client_id: &str, username: &str) -> TaxpayerBundle {
    TaxpayerBundle {
        gstin: gstin(gstin_id),
        client: client(client_id),
        user: user(username, gstin_id),
    }
}

fn session(token: &str, sek_byte: u8, issued_at: i64, expires_at: i64) -> Session {
    Session {
        token: token.to_string(),
        client_id: "CL1".to_string(),
        username: "user1".to_string(),
        gstin: "29AAACB1234C1Z5".to_string(),
        sek: [sek_byte; 32],
        issued_at,
        expires_at,
    }
}

/// Registers the taxpayer behind `session(..)`.
async fn with_taxpayer(store: &dyn Store) {
    store
        .create_taxpayer(&bundle("29AAACB1234C1Z5", "CL1", "user1"))
        .await
        .expect("taxpayer");
}

#[tokio::test]
async fn gstin_round_trip_and_upsert() {
    for b in backends().await {
        let mut rec = gstin("29AAACB1234C1Z5");
        b.store.put_gstin(&rec).await.unwrap();
        assert_eq!(
            b.store.get_gstin(&rec.gstin).await.unwrap(),
            Some(rec.clone())
        );

        rec.status = "CNL".to_string();
        rec.trade_name = None;
        rec.pincode = None;
        rec.dt_dreg = Some("2025-01-31".to_string());
        rec.checksum_exempt = false;
        b.store.put_gstin(&rec).await.unwrap();
        assert_eq!(b.store.get_gstin(&rec.gstin).await.unwrap(), Some(rec));
        assert_eq!(b.store.get_gstin("27AAACB1234C1Z7").await.unwrap(), None);
    }
}

#[tokio::test]
async fn client_round_trip_and_conflict() {
    for b in backends().await {
        let c = client("CL1");
        b.store.create_client(&c).await.unwrap();
        assert_eq!(b.store.get_client("CL1").await.unwrap(), Some(c.clone()));
        assert_eq!(b.store.get_client("nope").await.unwrap(), None);
        assert!(matches!(
            b.store.create_client(&c).await,
            Err(StoreError::Conflict(_))
        ));
    }
}

#[tokio::test]
async fn user_round_trip_with_client_mappings() {
    for b in backends().await {
        b.store.create_client(&client("CL1")).await.unwrap();
        b.store.create_client(&client("CL2")).await.unwrap();
        b.store.create_client(&client("CL3")).await.unwrap();
        let mut u = user("user1", "29AAACB1234C1Z5");
        u.active = false;
        let ids = ["CL1".to_string(), "CL2".to_string(), "CL1".to_string()];
        b.store.create_user(&u, &ids).await.unwrap();

        assert_eq!(b.store.get_user("user1").await.unwrap(), Some(u.clone()));
        assert_eq!(b.store.get_user("nobody").await.unwrap(), None);
        assert!(b.store.user_has_client("user1", "CL1").await.unwrap());
        assert!(b.store.user_has_client("user1", "CL2").await.unwrap());
        assert!(!b.store.user_has_client("user1", "CL3").await.unwrap());
        assert!(!b.store.user_has_client("nobody", "CL1").await.unwrap());

        let again = b.store.create_user(&u, &["CL3".to_string()]).await;
        assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
        // The failed call must not have added its mapping.
        assert!(!b.store.user_has_client("user1", "CL3").await.unwrap());
    }
}

#[tokio::test]
async fn create_user_with_unknown_client_writes_nothing() {
    for b in backends().await {
        let result = b
            .store
            .create_user(&user("user1", "29AAACB1234C1Z5"), &["missing".to_string()])
            .await;
        assert!(matches!(result, Err(StoreError::Backend(_))), "{result:?}");
        assert_eq!(b.store.get_user("user1").await.unwrap(), None);
    }
}

#[tokio::test]
async fn create_taxpayer_round_trip() {
    for b in backends().await {
        let tp = bundle("29AAACB1234C1Z5", "CL1", "user1");
        b.store.create_taxpayer(&tp).await.unwrap();
        assert_eq!(
            b.store.get_gstin(&tp.gstin.gstin).await.unwrap(),
            Some(tp.gstin.clone())
        );
        assert_eq!(
            b.store.get_client("CL1").await.unwrap(),
            Some(tp.client.clone())
        );
        assert_eq!(
            b.store.get_user("user1").await.unwrap(),
            Some(tp.user.clone())
        );
        assert!(b.store.user_has_client("user1", "CL1").await.unwrap());
    }
}

#[tokio::test]
async fn create_taxpayer_is_all_or_nothing() {
    for b in backends().await {
        with_taxpayer(b.store.as_ref()).await;
        // New GSTIN and client, but the username is taken: nothing may remain.
        let clash = bundle("27AAACB1234C1Z7", "CL2", "user1");
        let result = b.store.create_taxpayer(&clash).await;
        assert!(matches!(result, Err(StoreError::Conflict(_))), "{result:?}");
        assert_eq!(b.store.get_gstin("27AAACB1234C1Z7").await.unwrap(), None);
        assert_eq!(b.store.get_client("CL2").await.unwrap(), None);

        // Existing GSTIN and existing client are conflicts too.
        let same_gstin = bundle("29AAACB1234C1Z5", "CL3", "user3");
        assert!(matches!(
            b.store.create_taxpayer(&same_gstin).await,
            Err(StoreError::Conflict(_))
        ));
        let same_client = bundle("07AAACB1234C1Z1", "CL1", "user4");
        assert!(matches!(
            b.store.create_taxpayer(&same_client).await,
            Err(StoreError::Conflict(_))
        ));
        assert_eq!(b.store.get_client("CL3").await.unwrap(), None);
        assert_eq!(b.store.get_user("user3").await.unwrap(), None);
        assert_eq!(b.store.get_gstin("07AAACB1234C1Z1").await.unwrap(), None);
        assert_eq!(b.store.get_user("user4").await.unwrap(), None);
    }
}

#[tokio::test]
async fn issue_session_reuses_a_valid_session() {
    for b in backends().await {
        with_taxpayer(b.store.as_ref()).await;
        let first = session("tok-1", 1, NOW, NOW + 3600);
        assert_eq!(
            b.store
                .issue_session(&first, NOW, false, 600)
                .await
                .unwrap(),
            first
        );

        let second = session("tok-2", 2, NOW + 100, NOW + 3700);
        let got = b
            .store
            .issue_session(&second, NOW + 100, false, 600)
            .await
            .unwrap();
        assert_eq!(got, first, "same token and same SEK while valid");
        assert!(b.store.session_by_token("tok-2").await.unwrap().is_none());
    }
}

#[tokio::test]
async fn force_refresh_before_the_window_keeps_the_session() {
    for b in backends().await {
        with_taxpayer(b.store.as_ref()).await;
        let first = session("tok-1", 1, NOW, NOW + 3600);
        b.store
            .issue_session(&first, NOW, false, 600)
            .await
            .unwrap();

        // 3600 - 600 = 3000: one second before the window opens.
        let now = NOW + 2999;
        let candidate = session("tok-2", 2, now, now + 3600);
        assert_eq!(
            b.store
                .issue_session(&candidate, now, true, 600)
                .await
                .unwrap(),
            first
        );
    }
}

#[tokio::test]
async fn force_refresh_inside_the_window_replaces_the_session() {
    for b in backends().await {
        with_taxpayer(b.store.as_ref()).await;
        let first = session("tok-1", 1, NOW, NOW + 3600);
        b.store
            .issue_session(&first, NOW, false, 600)
            .await
            .unwrap();

        let now = NOW + 3000;
        let candidate = session("tok-2", 2, now, now + 3600);
        assert_eq!(
            b.store
                .issue_session(&candidate, now, true, 600)
                .await
                .unwrap(),
            candidate
        );
        assert!(b.store.session_by_token("tok-1").await.unwrap().is_none());
        let auth = b.store.session_by_token("tok-2").await.unwrap().unwrap();
        assert_eq!(auth.session, candidate);
    }
}

#[tokio::test]
async fn an_expired_session_is_replaced() {
    for b in backends().await {
        with_taxpayer(b.store.as_ref()).await;
        let first = session("tok-1", 1, NOW, NOW + 3600);
        b.store
            .issue_session(&first, NOW, false, 600)
            .await
            .unwrap();

        let now = NOW + 3600;
        let candidate = session("tok-2", 2, now, now + 3600);
        assert_eq!(
            b.store
                .issue_session(&candidate, now, false, 600)
                .await
                .unwrap(),
            candidate
        );
        assert!(b.store.session_by_token("tok-1").await.unwrap().is_none());
        assert!(b.store.session_by_token("tok-2").await.unwrap().is_some());
    }
}

#[tokio::test]
async fn sessions_are_per_gstin_key() {
    for b in backends().await {
        with_taxpayer(b.store.as_ref()).await;
        let first = session("tok-1", 1, NOW, NOW + 3600);
        let mut other = session("tok-2", 2, NOW, NOW + 3600);
        other.gstin = "27AAACB1234C1Z7".to_string();
        b.store
            .issue_session(&first, NOW, false, 600)
            .await
            .unwrap();
        assert_eq!(
            b.store
                .issue_session(&other, NOW, false, 600)
                .await
                .unwrap(),
            other
        );
        assert!(b.store.session_by_token("tok-1").await.unwrap().is_some());
        assert!(b.store.session_by_token("tok-2").await.unwrap().is_some());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_issue_session_yields_one_token() {
    for b in backends().await {
        with_taxpayer(b.store.as_ref()).await;
        let mut tasks = Vec::new();
        for i in 0..20u8 {
            let store = b.store.clone();
            tasks.push(tokio::spawn(async move {
                let candidate = session(&format!("tok-{i}"), i, NOW, NOW + 3600);
                store
                    .issue_session(&candidate, NOW, false, 600)
                    .await
                    .unwrap()
            }));
        }
        let mut tokens = HashSet::new();
        let mut seks = HashSet::new();
        for t in tasks {
            let s = t.await.unwrap();
            tokens.insert(s.token);
            seks.insert(s.sek);
        }
        assert_eq!(tokens.len(), 1, "{tokens:?}");
        assert_eq!(seks.len(), 1);
        let token = tokens.into_iter().next().unwrap();
        assert!(b.store.session_by_token(&token).await.unwrap().is_some());
    }
}

#[tokio::test]
async fn session_by_token_joins_the_client_secret() {
    for b in backends().await {
        with_taxpayer(b.store.as_ref()).await;
        let s = session("tok-1", 7, NOW, NOW + 3600);
        b.store.issue_session(&s, NOW, false, 600).await.unwrap();
        let auth = b.store.session_by_token("tok-1").await.unwrap().unwrap();
        assert_eq!(auth.session, s);
        assert_eq!(auth.client_secret_hash, client("CL1").secret_hash);
        assert_eq!(auth.client_allowed_ips, client("CL1").allowed_ips);
        assert_eq!(b.store.session_by_token("unknown").await.unwrap(), None);
    }
}

#[tokio::test]
async fn issue_session_for_unknown_client_fails_cleanly() {
    for b in backends().await {
        let result = b
            .store
            .issue_session(&session("tok-1", 1, NOW, NOW + 3600), NOW, false, 600)
            .await;
        assert!(matches!(result, Err(StoreError::Backend(_))), "{result:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn reserve_sequence_gives_disjoint_ranges() {
    for b in backends().await {
        let mut tasks = Vec::new();
        for _ in 0..50 {
            let store = b.store.clone();
            tasks.push(tokio::spawn(async move {
                store.reserve_sequence("ackno", 7).await.unwrap()
            }));
        }
        let mut firsts = Vec::new();
        for t in tasks {
            firsts.push(t.await.unwrap());
        }
        firsts.sort_unstable();
        // 50 blocks of 7 starting at 1 tile 1..=350 exactly: disjoint and gap-free.
        let expected: Vec<i64> = (0..50).map(|i| 1 + 7 * i).collect();
        assert_eq!(firsts, expected);
        assert_eq!(b.store.reserve_sequence("ackno", 1).await.unwrap(), 351);
        assert_eq!(b.store.reserve_sequence("other", 1000).await.unwrap(), 1);
        assert_eq!(b.store.reserve_sequence("other", 1000).await.unwrap(), 1001);
        assert!(b.store.reserve_sequence("other", 0).await.is_err());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_inserts_of_one_irn_have_one_winner() {
    for b in backends().await {
        let mut tasks = Vec::new();
        for i in 0..64i64 {
            let store = b.store.clone();
            tasks.push(tokio::spawn(async move {
                let inv = einvoice(1, 100_000_000_000_000 + i);
                let outcome = store.insert_einvoice(inv.clone()).await.unwrap();
                (inv, outcome)
            }));
        }
        let mut winners = Vec::new();
        let mut duplicates = Vec::new();
        for t in tasks {
            match t.await.unwrap() {
                (inv, InsertOutcome::Inserted) => winners.push(inv),
                (_, InsertOutcome::Duplicate(existing)) => duplicates.push(existing),
            }
        }
        assert_eq!(winners.len(), 1);
        assert_eq!(duplicates.len(), 63);
        let winner = &winners[0];
        assert!(duplicates.iter().all(|d| d == winner));
        assert_eq!(
            b.store.get_einvoice(&winner.irn).await.unwrap().as_ref(),
            Some(winner)
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_distinct_inserts_all_land() {
    for b in backends().await {
        let invoices: Vec<EInvoice> = (0..500u32)
            .map(|n| einvoice(n, 100_000_000_000_000 + i64::from(n)))
            .collect();
        let mut tasks = Vec::new();
        for inv in invoices.clone() {
            let store = b.store.clone();
            tasks.push(tokio::spawn(
                async move { store.insert_einvoice(inv).await },
            ));
        }
        for t in tasks {
            assert_eq!(t.await.unwrap().unwrap(), InsertOutcome::Inserted);
        }
        for inv in &invoices {
            assert_eq!(
                b.store.get_einvoice(&inv.irn).await.unwrap().as_ref(),
                Some(inv)
            );
        }
    }
}

#[tokio::test]
async fn ack_no_collision_is_a_conflict_not_a_duplicate() {
    for b in backends().await {
        let first = einvoice(1, 100_000_000_000_001);
        let clash = einvoice(2, 100_000_000_000_001);
        assert_eq!(
            b.store.insert_einvoice(first).await.unwrap(),
            InsertOutcome::Inserted
        );
        let result = b.store.insert_einvoice(clash.clone()).await;
        assert!(matches!(result, Err(StoreError::Conflict(_))), "{result:?}");
        assert_eq!(b.store.get_einvoice(&clash.irn).await.unwrap(), None);
        // The writer is still healthy afterwards.
        let next = einvoice(3, 100_000_000_000_003);
        assert_eq!(
            b.store.insert_einvoice(next).await.unwrap(),
            InsertOutcome::Inserted
        );
    }
}

#[tokio::test]
async fn inserted_rows_survive_close_and_reopen() {
    for b in backends().await {
        let mut inv = einvoice(42, 100_000_000_000_042);
        inv.cancel_reason = Some("1".to_string());
        inv.cancel_remark = Some("Wrong entry".to_string());
        inv.cancelled_at = Some(NOW + 60);
        inv.status = "CNL".to_string();
        b.store.insert_einvoice(inv.clone()).await.unwrap();
        b.store.close().await;
        assert!(b.store.insert_einvoice(einvoice(43, 1)).await.is_err());

        let reopened = b.second_handle().await;
        assert_eq!(reopened.get_einvoice(&inv.irn).await.unwrap(), Some(inv));
        reopened.close().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_of_ten_concurrent_cancels_wins() {
    for b in backends().await {
        let inv = einvoice(7, 100_000_000_000_007);
        b.store.insert_einvoice(inv.clone()).await.unwrap();
        let mut tasks = Vec::new();
        for i in 0..10i64 {
            let store = b.store.clone();
            let irn = inv.irn.clone();
            tasks.push(tokio::spawn(async move {
                store
                    .cancel_einvoice(&irn, "2", &format!("remark {i}"), NOW + i)
                    .await
                    .unwrap()
            }));
        }
        let mut cancelled = Vec::new();
        let mut not_active = 0;
        for t in tasks {
            match t.await.unwrap() {
                CancelOutcome::Cancelled(row) => cancelled.push(row),
                CancelOutcome::NotActive(row) => {
                    assert_eq!(row.status, "CNL");
                    not_active += 1;
                }
                CancelOutcome::NotFound => panic!("row exists"),
                CancelOutcome::EwbActive(_) => panic!("no e-way bill was made"),
            }
        }
        assert_eq!(cancelled.len(), 1);
        assert_eq!(not_active, 9);
        let winner = &cancelled[0];
        assert_eq!(winner.status, "CNL");
        assert_eq!(winner.cancel_reason.as_deref(), Some("2"));
        assert_eq!(
            b.store.get_einvoice(&inv.irn).await.unwrap().as_ref(),
            Some(winner)
        );
        let expected = EInvoice {
            status: "CNL".to_string(),
            cancel_reason: winner.cancel_reason.clone(),
            cancel_remark: winner.cancel_remark.clone(),
            cancelled_at: winner.cancelled_at,
            ..inv
        };
        assert_eq!(winner, &expected, "cancel touches only the cancel fields");
    }
}

#[tokio::test]
async fn cancel_of_unknown_irn_is_not_found() {
    for b in backends().await {
        let outcome = b
            .store
            .cancel_einvoice(&"f".repeat(64), "1", "x", NOW)
            .await;
        assert_eq!(outcome.unwrap(), CancelOutcome::NotFound);
    }
}

#[tokio::test]
async fn list_by_seller_is_newest_first_and_limited() {
    for b in backends().await {
        for n in 0..5u32 {
            b.store
                .insert_einvoice(einvoice(n, 100_000_000_000_000 + i64::from(n)))
                .await
                .unwrap();
        }
        let mut other = einvoice(9, 100_000_000_000_009);
        other.seller_gstin = "27AAACB1234C1Z7".to_string();
        b.store.insert_einvoice(other).await.unwrap();

        let listed = b
            .store
            .list_einvoices_by_seller("29AAACB1234C1Z5", 3)
            .await
            .unwrap();
        let docs: Vec<&str> = listed.iter().map(|e| e.doc_no.as_str()).collect();
        assert_eq!(docs, ["Doc/4", "Doc/3", "Doc/2"]);
        assert!(
            b.store
                .list_einvoices_by_seller("nobody", 10)
                .await
                .unwrap()
                .is_empty()
        );
    }
}

#[tokio::test]
async fn reopening_does_not_rerun_migrations() {
    for b in backends().await {
        with_taxpayer(b.store.as_ref()).await;
        b.store.close().await;
        let again = b.second_handle().await;
        assert!(again.get_client("CL1").await.unwrap().is_some());
    }
}

// The caching decorator: a node's own writes are visible at once, other writers' within the TTL.

#[tokio::test]
async fn cached_gstin_sees_its_own_writes_at_once_and_others_after_the_ttl() {
    for b in backends().await {
        with_taxpayer(b.store.as_ref()).await;
        let cached = b.cached_second_handle(Duration::from_millis(300)).await;
        let mut rec = gstin("29AAGCB7383J1Z4");
        cached.put_gstin(&rec).await.unwrap();
        assert_eq!(
            cached.get_gstin(&rec.gstin).await.unwrap().unwrap().status,
            "ACT"
        );

        // Through this node: visible at once.
        rec.status = "INA".into();
        cached.put_gstin(&rec).await.unwrap();
        assert_eq!(
            cached.get_gstin(&rec.gstin).await.unwrap().unwrap().status,
            "INA"
        );

        // Through another writer: the cached copy holds until the TTL passes.
        rec.status = "CNL".into();
        b.store.put_gstin(&rec).await.unwrap();
        assert_eq!(
            cached.get_gstin(&rec.gstin).await.unwrap().unwrap().status,
            "INA"
        );
        tokio::time::sleep(Duration::from_millis(350)).await;
        assert_eq!(
            cached.get_gstin(&rec.gstin).await.unwrap().unwrap().status,
            "CNL"
        );
    }
}

#[tokio::test]
async fn cached_sessions_are_evicted_when_this_node_replaces_them() {
    for b in backends().await {
        with_taxpayer(b.store.as_ref()).await;
        let cached = b.cached_second_handle(Duration::from_secs(60)).await;
        let first = session("tok-a", 1, NOW, NOW + 3600);
        let issued = cached.issue_session(&first, NOW, false, 600).await.unwrap();
        assert_eq!(issued.token, "tok-a");
        assert!(cached.session_by_token("tok-a").await.unwrap().is_some());
        // A forced refresh inside the window replaces the token; the old one must stop working here at once.
        let second = session("tok-b", 2, NOW + 3100, NOW + 7200);
        let issued = cached
            .issue_session(&second, NOW + 3100, true, 600)
            .await
            .unwrap();
        assert_eq!(issued.token, "tok-b");
        assert!(cached.session_by_token("tok-a").await.unwrap().is_none());
        assert_eq!(
            cached
                .session_by_token("tok-b")
                .await
                .unwrap()
                .unwrap()
                .session
                .sek,
            [2u8; 32]
        );
    }
}

// SQLite only: the database file, its pragmas and the single writer. These are about SqliteStore
// itself, not the Store trait, so they do not run on PostgreSQL.

#[tokio::test]
async fn dropping_the_store_releases_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(SqliteStore::FILE_NAME);
    let store = SqliteStore::open(&path).await.unwrap();
    store.insert_einvoice(einvoice(1, 1)).await.unwrap();
    drop(store);
    let reopened = SqliteStore::open(&path).await.unwrap();
    assert!(
        reopened
            .get_einvoice(&einvoice(1, 1).irn)
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(reopened.reserve_sequence("s", 1).await.unwrap(), 1);
}

#[tokio::test]
async fn database_is_wal_with_full_sync() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join(SqliteStore::FILE_NAME))
        .await
        .unwrap();
    assert_eq!(store.pragma("journal_mode").await.unwrap(), "wal");
    assert_eq!(store.pragma("synchronous").await.unwrap(), "2", "2 = FULL");
    assert_eq!(store.pragma("foreign_keys").await.unwrap(), "1");
    let busy: i64 = store.pragma("busy_timeout").await.unwrap().parse().unwrap();
    assert!(busy >= 1000, "busy_timeout {busy} ms");
    assert!(
        store
            .pragma("journal_mode; DROP TABLE einvoices")
            .await
            .is_err()
    );
}

#[tokio::test]
async fn non_durable_mode_uses_normal_sync() {
    let dir = tempfile::tempdir().unwrap();
    let options = SqliteOptions {
        durable: false,
        ..SqliteOptions::default()
    };
    let store = SqliteStore::open_with(&dir.path().join("t.db"), options)
        .await
        .unwrap();
    assert_eq!(
        store.pragma("synchronous").await.unwrap(),
        "1",
        "1 = NORMAL"
    );
    assert_eq!(store.pragma("journal_mode").await.unwrap(), "wal");
}
