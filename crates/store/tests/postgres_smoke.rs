//! Smoke tests of `PgStore` against a real PostgreSQL: set `OPENIRP_TEST_DATABASE_URL`
//! (e.g. `postgres://postgres@127.0.0.1:55432/openirp_test`). Without it every test prints
//! SKIPPED and passes, unless `OPENIRP_REQUIRE_TOOLS` is set, when it fails.
//!
//! Each test works in a fresh schema (`t_<random>`), reached through the URL's
//! `options=-c search_path=..`, so tests run in parallel against one database.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use openirp_store::{
    ApiClient, ApiUser, CancelOutcome, EInvoice, EwayBill, EwbCancelOutcome, EwbInsertOutcome,
    GstinRecord, InsertOutcome, PgOptions, PgStore, Session, Store, StoreError, TaxpayerBundle,
};
use sqlx::{AssertSqlSafe, Connection, PgConnection, Row};

/// A fresh schema and the URL that selects it; `None` (after printing SKIPPED) without a database.
async fn fresh_schema() -> Option<String> {
    let Ok(base) = std::env::var("OPENIRP_TEST_DATABASE_URL") else {
        if std::env::var_os("OPENIRP_REQUIRE_TOOLS").is_some() {
            panic!("OPENIRP_REQUIRE_TOOLS is set but OPENIRP_TEST_DATABASE_URL is not");
        }
        println!("SKIPPED (no OPENIRP_TEST_DATABASE_URL)");
        return None;
    };
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let schema = format!(
        "t_{:x}_{}_{}",
        nanos,
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    );
    let mut conn = PgConnection::connect(&base).await.expect("connect");
    // The name is made of [0-9a-z_] above, so formatting it into the statement is safe.
    sqlx::query(AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .execute(&mut conn)
        .await
        .expect("create schema");
    conn.close().await.ok();
    let sep = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{sep}options=-c%20search_path%3D{schema}");
    // sqlx must honour `options`: the new connection's current schema is ours.
    let mut conn = PgConnection::connect(&url)
        .await
        .expect("connect to schema");
    let current: String = sqlx::query("SELECT current_schema()")
        .fetch_one(&mut conn)
        .await
        .unwrap()
        .get(0);
    assert_eq!(current, schema, "sqlx ignored the options parameter");
    conn.close().await.ok();
    Some(url)
}

async fn store() -> Option<Arc<PgStore>> {
    let url = fresh_schema().await?;
    Some(Arc::new(
        PgStore::connect(&url).await.expect("PgStore::connect"),
    ))
}

fn gstin(g: &str) -> GstinRecord {
    GstinRecord {
        gstin: g.to_string(),
        legal_name: "Acme Pvt Ltd".to_string(),
        trade_name: Some("Acme".to_string()),
        addr_bnm: None,
        addr_bno: Some("12".to_string()),
        addr_flno: None,
        addr_st: Some("MG Road".to_string()),
        addr_loc: Some("Bengaluru".to_string()),
        state_code: 29,
        pincode: Some(560_001),
        txp_type: "REG".to_string(),
        status: "ACT".to_string(),
        blk_status: None,
        dt_reg: Some("01/07/2017".to_string()),
        dt_dreg: None,
        checksum_exempt: true,
        aato_crore: Some("12.5".to_string()),
    }
}

fn client(id: &str) -> ApiClient {
    ApiClient {
        client_id: id.to_string(),
        secret_hash: format!("hash-{id}"),
        name: "ERP".to_string(),
        pan: Some("AAACB1234C".to_string()),
        created_at: 1_700_000_000,
        allowed_ips: vec!["10.0.0.1".to_string(), "10.0.0.2".to_string()],
    }
}

fn user(name: &str, gstin: &str) -> ApiUser {
    ApiUser {
        username: name.to_string(),
        gstin: gstin.to_string(),
        password_hash: "pw".to_string(),
        active: true,
        created_at: 1_700_000_000,
        owner_client: None,
    }
}

fn invoice(irn: &str, ack_no: i64) -> EInvoice {
    EInvoice {
        irn: irn.to_string(),
        seller_gstin: "29AAACB1234C1Z5".to_string(),
        buyer_gstin: "27AAACB1234C1Z7".to_string(),
        doc_type: "INV".to_string(),
        doc_no: format!("D-{ack_no}"),
        doc_date: "01/04/2025".to_string(),
        fin_year: "2025-26".to_string(),
        ack_no,
        ack_dt: 1_750_000_000,
        signed_invoice: "si".to_string(),
        signed_qr: "sq".to_string(),
        status: "ACT".to_string(),
        cancel_reason: None,
        cancel_remark: None,
        cancelled_at: None,
        total_inv_value: "1.00".to_string(),
        created_by_user: "u".to_string(),
        created_by_client: "c".to_string(),
    }
}

fn bill(ewb_no: i64, irn: &str) -> EwayBill {
    EwayBill {
        ewb_no,
        irn: irn.to_string(),
        gen_gstin: "29AAACB1234C1Z5".to_string(),
        ewb_dt: 1_750_000_100,
        valid_till: Some(1_750_086_500),
        status: "ACT".to_string(),
        distance_km: 10,
        trans_mode: Some("1".to_string()),
        trans_id: None,
        trans_name: None,
        trans_doc_no: None,
        trans_doc_dt: None,
        vehicle_no: Some("KA01AB1234".to_string()),
        vehicle_type: Some("R".to_string()),
        from_pin: Some(560_001),
        to_pin: Some(400_001),
        cancel_reason: None,
        cancel_remark: None,
        cancelled_at: None,
        created_by_user: "u".to_string(),
        created_by_client: "c".to_string(),
    }
}

fn irn(tag: &str, n: usize) -> String {
    format!("{tag}{n:0>60}")
}

#[tokio::test]
async fn migrations_apply_twice_without_error() {
    let Some(url) = fresh_schema().await else {
        return;
    };
    assert_eq!(PgStore::migrate(&url).await.unwrap(), vec![1, 2, 3, 4]);
    assert_eq!(PgStore::migrate(&url).await.unwrap(), Vec::<i64>::new());
    let first = PgStore::connect(&url).await.unwrap();
    first.ping().await.unwrap();
    first.close().await;
    let second = PgStore::connect_with(
        &url,
        PgOptions {
            max_connections: 2,
            retries: 0,
        },
    )
    .await
    .unwrap();
    second.ping().await.unwrap();
    second.close().await;
    assert!(second.ping().await.is_err(), "a closed store must fail");
}

#[tokio::test]
async fn records_and_sessions_round_trip() {
    let Some(store) = store().await else { return };
    let g = gstin("29AAACB1234C1Z5");
    store.put_gstin(&g).await.unwrap();
    assert_eq!(store.get_gstin(&g.gstin).await.unwrap(), Some(g.clone()));
    let mut changed = g.clone();
    changed.pincode = None;
    changed.checksum_exempt = false;
    store.put_gstin(&changed).await.unwrap();
    assert_eq!(store.get_gstin(&g.gstin).await.unwrap(), Some(changed));

    let c = client("client-1");
    store.create_client(&c).await.unwrap();
    assert_eq!(store.get_client("client-1").await.unwrap(), Some(c.clone()));
    assert!(matches!(
        store.create_client(&c).await,
        Err(StoreError::Conflict(_))
    ));
    let u = user("alice", &g.gstin);
    store
        .create_user(&u, &["client-1".to_string()])
        .await
        .unwrap();
    assert_eq!(store.get_user("alice").await.unwrap(), Some(u.clone()));
    assert!(store.user_has_client("alice", "client-1").await.unwrap());
    assert!(!store.user_has_client("alice", "nope").await.unwrap());

    let bundle = TaxpayerBundle {
        gstin: gstin("27AAACB1234C1Z7"),
        client: client("client-2"),
        user: user("bob", "27AAACB1234C1Z7"),
    };
    store.create_taxpayer(&bundle).await.unwrap();
    assert!(store.user_has_client("bob", "client-2").await.unwrap());
    // All or nothing: a second bundle whose GSTIN exists leaves no client behind.
    let clash = TaxpayerBundle {
        gstin: gstin("27AAACB1234C1Z7"),
        client: client("client-3"),
        user: user("carol", "27AAACB1234C1Z7"),
    };
    assert!(matches!(
        store.create_taxpayer(&clash).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(store.get_client("client-3").await.unwrap(), None);

    let session = |token: &str, issued_at: i64| Session {
        token: token.to_string(),
        client_id: "client-1".to_string(),
        username: "alice".to_string(),
        gstin: g.gstin.clone(),
        sek: [7; 32],
        issued_at,
        expires_at: issued_at + 3600,
    };
    let first = session("tok-1", 1_000);
    assert_eq!(
        store
            .issue_session(&first, 1_000, false, 600)
            .await
            .unwrap(),
        first
    );
    // Still valid: reused.
    let second = session("tok-2", 1_100);
    assert_eq!(
        store
            .issue_session(&second, 1_100, false, 600)
            .await
            .unwrap(),
        first
    );
    let auth = store.session_by_token("tok-1").await.unwrap().unwrap();
    assert_eq!(auth.session, first);
    assert_eq!(auth.client_secret_hash, "hash-client-1");
    assert_eq!(auth.client_allowed_ips, c.allowed_ips);
    // Forced inside the last 600 s: replaced, and the old token stops working.
    let third = session("tok-3", 4_000);
    assert_eq!(
        store.issue_session(&third, 4_000, true, 600).await.unwrap(),
        third
    );
    assert!(store.session_by_token("tok-1").await.unwrap().is_none());

    // Concurrent issues for one key end with one token.
    let mut tasks = Vec::new();
    for n in 0..16 {
        let store = store.clone();
        let candidate = session(&format!("race-{n}"), 10_000);
        tasks.push(tokio::spawn(async move {
            store.issue_session(&candidate, 10_000, false, 600).await
        }));
    }
    let mut tokens = HashSet::new();
    for t in tasks {
        tokens.insert(t.await.unwrap().unwrap().token);
    }
    assert_eq!(tokens.len(), 1, "{tokens:?}");
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_inserts_of_one_irn_have_one_winner() {
    let Some(store) = store().await else { return };
    let the_irn = irn("a", 0);
    let mut tasks = Vec::new();
    for n in 0..32 {
        let store = store.clone();
        let row = invoice(&the_irn, 1_000 + n);
        tasks.push(tokio::spawn(async move {
            (n, store.insert_einvoice(row).await)
        }));
    }
    let mut winners = Vec::new();
    let mut duplicates = Vec::new();
    for t in tasks {
        match t.await.unwrap() {
            (n, Ok(InsertOutcome::Inserted)) => winners.push(n),
            (_, Ok(InsertOutcome::Duplicate(row))) => duplicates.push(row),
            (_, other) => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(winners.len(), 1);
    assert_eq!(duplicates.len(), 31);
    let stored = store.get_einvoice(&the_irn).await.unwrap().unwrap();
    assert_eq!(stored, invoice(&the_irn, 1_000 + winners[0]));
    assert!(duplicates.iter().all(|d| *d == stored));
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_distinct_inserts_all_land_with_distinct_ack_nos() {
    let Some(store) = store().await else { return };
    let mut tasks = Vec::new();
    for n in 0..64 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let ack_no = store.reserve_sequence("ack", 1).await?;
            store.insert_einvoice(invoice(&irn("b", n), ack_no)).await
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), Ok(InsertOutcome::Inserted));
    }
    let mut acks = HashSet::new();
    for n in 0..64 {
        let row = store.get_einvoice(&irn("b", n)).await.unwrap().unwrap();
        acks.insert(row.ack_no);
    }
    assert_eq!(acks.len(), 64);
    // An AckNo collision on another IRN is a Conflict, not a Duplicate.
    let taken = *acks.iter().next().unwrap();
    assert!(matches!(
        store.insert_einvoice(invoice(&irn("c", 0), taken)).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(store.get_einvoice(&irn("c", 0)).await.unwrap(), None);
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_sequence_reservations_are_disjoint() {
    let Some(store) = store().await else { return };
    let mut tasks = Vec::new();
    for _ in 0..32 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            store.reserve_sequence("blocks", 10).await
        }));
    }
    let mut starts = Vec::new();
    for t in tasks {
        starts.push(t.await.unwrap().unwrap());
    }
    starts.sort_unstable();
    let expected: Vec<i64> = (0..32).map(|k| 1 + 10 * k).collect();
    assert_eq!(starts, expected);
    assert!(store.reserve_sequence("blocks", 0).await.is_err());
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn ewaybill_and_einvoice_cancel_never_both_succeed() {
    let Some(store) = store().await else { return };
    for n in 0..20 {
        let the_irn = irn("d", n);
        store
            .insert_einvoice(invoice(&the_irn, 5_000 + n as i64))
            .await
            .unwrap();
        let (a, b) = (store.clone(), store.clone());
        let (i1, i2) = (the_irn.clone(), the_irn.clone());
        let make = tokio::spawn(async move {
            a.insert_ewaybill(&bill(100_000_000_000 + n as i64, &i1))
                .await
        });
        let cancel =
            tokio::spawn(async move { b.cancel_einvoice(&i2, "1", "dup", 1_750_000_200).await });
        let made = make.await.unwrap().unwrap();
        let cancelled = cancel.await.unwrap().unwrap();
        match (&made, &cancelled) {
            (EwbInsertOutcome::Inserted, CancelOutcome::EwbActive(_)) => {}
            (EwbInsertOutcome::IrnNotActive, CancelOutcome::Cancelled(_)) => {}
            other => panic!("round {n}: {other:?}"),
        }
    }
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_ewaybill_cancels_have_one_winner() {
    let Some(store) = store().await else { return };
    let the_irn = irn("e", 0);
    store.insert_einvoice(invoice(&the_irn, 1)).await.unwrap();
    let b = bill(200_000_000_000, &the_irn);
    assert_eq!(
        store.insert_ewaybill(&b).await.unwrap(),
        EwbInsertOutcome::Inserted
    );
    assert_eq!(
        store
            .insert_ewaybill(&bill(200_000_000_001, &the_irn))
            .await,
        Ok(EwbInsertOutcome::AlreadyActive(b.clone()))
    );
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            store
                .cancel_ewaybill(200_000_000_000, "2", "oops", 1_750_000_300)
                .await
        }));
    }
    let (mut won, mut lost) = (0, 0);
    for t in tasks {
        match t.await.unwrap().unwrap() {
            EwbCancelOutcome::Cancelled(_) => won += 1,
            EwbCancelOutcome::NotActive(row) => {
                assert_eq!(row.status, "CNL");
                lost += 1;
            }
            EwbCancelOutcome::NotFound => panic!("bill vanished"),
        }
    }
    assert_eq!((won, lost), (1, 15));
    assert_eq!(
        store.cancel_ewaybill(1, "2", "x", 0).await,
        Ok(EwbCancelOutcome::NotFound)
    );
    // After the cancel a new bill may be made on the IRN.
    assert_eq!(
        store
            .insert_ewaybill(&bill(200_000_000_002, &the_irn))
            .await,
        Ok(EwbInsertOutcome::Inserted)
    );
    store.close().await;
}

#[tokio::test]
async fn einvoice_with_ewaybill_new_then_duplicate() {
    let Some(store) = store().await else { return };
    let the_irn = irn("f", 0);
    let row = invoice(&the_irn, 42);
    let b = bill(300_000_000_000, &the_irn);
    let first = store
        .insert_einvoice_with_ewaybill(row.clone(), b.clone())
        .await
        .unwrap();
    assert_eq!(first.invoice, InsertOutcome::Inserted);
    assert_eq!(first.ewb, Some(Ok(EwbInsertOutcome::Inserted)));
    let again = store
        .insert_einvoice_with_ewaybill(invoice(&the_irn, 43), bill(300_000_000_001, &the_irn))
        .await
        .unwrap();
    assert_eq!(again.invoice, InsertOutcome::Duplicate(row));
    assert_eq!(again.ewb, None);
    assert_eq!(store.ewaybills_for_irn(&the_irn).await.unwrap(), vec![b]);

    // A failed e-way bill (its number is taken) does not undo the new e-invoice.
    let other = irn("f", 1);
    let third = store
        .insert_einvoice_with_ewaybill(invoice(&other, 44), bill(300_000_000_000, &other))
        .await
        .unwrap();
    assert_eq!(third.invoice, InsertOutcome::Inserted);
    assert!(matches!(third.ewb, Some(Err(StoreError::Conflict(_)))));
    assert!(store.get_einvoice(&other).await.unwrap().is_some());
    assert!(store.ewaybills_for_irn(&other).await.unwrap().is_empty());
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn operations_survive_terminated_connections() {
    let Some(url) = fresh_schema().await else {
        return;
    };
    // A name of our own, so that only this store's connections are terminated.
    let app = format!("smoke_{}", std::process::id());
    let url = format!("{url}&application_name={app}");
    let store = Arc::new(PgStore::connect(&url).await.unwrap());
    store.put_gstin(&gstin("29AAACB1234C1Z5")).await.unwrap();
    for round in 0..3 {
        // Open several pooled connections, then have the server end every one of them.
        let mut tasks = Vec::new();
        for _ in 0..8 {
            let store = store.clone();
            tasks.push(tokio::spawn(async move {
                store.get_gstin("29AAACB1234C1Z5").await
            }));
        }
        for t in tasks {
            t.await.unwrap().unwrap();
        }
        let mut admin = PgConnection::connect(&url).await.unwrap();
        let killed: i64 = sqlx::query(
            "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE application_name = $1 AND pid <> pg_backend_pid()) k",
        )
        .bind(app.clone())
        .fetch_one(&mut admin)
        .await
        .unwrap()
        .get(0);
        assert!(killed > 0, "round {round}: nothing to terminate");
        admin.close().await.ok();
        // Reads, idempotent writes and the IRN insert all recover through the retries.
        assert!(store.get_gstin("29AAACB1234C1Z5").await.unwrap().is_some());
        store.put_gstin(&gstin("29AAACB1234C1Z5")).await.unwrap();
        let the_irn = irn("g", round);
        assert_eq!(
            store
                .insert_einvoice(invoice(&the_irn, 9_000 + round as i64))
                .await,
            Ok(InsertOutcome::Inserted)
        );
    }
    store.close().await;
}
