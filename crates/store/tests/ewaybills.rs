//! E-way bills and period listings, on every store backend (see `support`).

mod support;

use openirp_store::{
    CancelOutcome, EInvoice, EwayBill, EwbCancelOutcome, EwbInsertOutcome, InsertOutcome, Store,
    StoreError,
};
use support::backends;
use support::records::{self, NOW};

/// E-invoice `n` of one seller, dated `doc_date` (dd/mm/yyyy).
fn einvoice(n: u32, doc_date: &str) -> EInvoice {
    EInvoice {
        doc_date: doc_date.to_string(),
        fin_year: "2026-27".to_string(),
        ..records::einvoice(n, 100 + i64::from(n))
    }
}

fn bill(ewb_no: i64, irn: &str) -> EwayBill {
    EwayBill {
        ewb_no,
        irn: irn.to_string(),
        gen_gstin: "29AAACB1234C1Z5".to_string(),
        ewb_dt: NOW + 60,
        valid_till: Some(NOW + 86_400),
        status: "ACT".to_string(),
        distance_km: 120,
        trans_mode: Some("1".to_string()),
        trans_id: None,
        trans_name: None,
        trans_doc_no: None,
        trans_doc_dt: None,
        vehicle_no: Some("KA01AB1234".to_string()),
        vehicle_type: Some("R".to_string()),
        from_pin: Some(560001),
        to_pin: Some(400001),
        cancel_reason: None,
        cancel_remark: None,
        cancelled_at: None,
        created_by_user: "user1".to_string(),
        created_by_client: "CL1".to_string(),
    }
}

async fn registered(store: &dyn Store, n: u32) -> EInvoice {
    let inv = einvoice(n, "15/11/2026");
    assert_eq!(
        store.insert_einvoice(inv.clone()).await.unwrap(),
        InsertOutcome::Inserted
    );
    inv
}

#[tokio::test]
async fn an_ewaybill_round_trips_and_is_the_irns_only_active_one() {
    for b in backends().await {
        let store = &b.store;
        let inv = registered(store.as_ref(), 1).await;
        let first = bill(100_000_000_001, &inv.irn);
        assert_eq!(
            store.insert_ewaybill(&first).await.unwrap(),
            EwbInsertOutcome::Inserted
        );
        assert_eq!(
            store.get_ewaybill(first.ewb_no).await.unwrap(),
            Some(first.clone())
        );
        let second = bill(100_000_000_002, &inv.irn);
        assert_eq!(
            store.insert_ewaybill(&second).await.unwrap(),
            EwbInsertOutcome::AlreadyActive(first.clone())
        );
        assert_eq!(store.get_ewaybill(second.ewb_no).await.unwrap(), None);

        // Once the first is cancelled, a new one may be made; the list is newest first.
        let EwbCancelOutcome::Cancelled(cancelled) = store
            .cancel_ewaybill(first.ewb_no, "2", "order cancelled", NOW + 120)
            .await
            .unwrap()
        else {
            panic!("not cancelled");
        };
        assert_eq!(cancelled.status, "CNL");
        assert_eq!(cancelled.cancelled_at, Some(NOW + 120));
        let mut third = bill(100_000_000_003, &inv.irn);
        third.ewb_dt = NOW + 200;
        assert_eq!(
            store.insert_ewaybill(&third).await.unwrap(),
            EwbInsertOutcome::Inserted
        );
        let all = store.ewaybills_for_irn(&inv.irn).await.unwrap();
        assert_eq!(
            all.iter().map(|b| b.ewb_no).collect::<Vec<_>>(),
            vec![third.ewb_no, first.ewb_no]
        );
    }
}

#[tokio::test]
async fn no_ewaybill_for_an_unknown_or_cancelled_irn() {
    for b in backends().await {
        let store = &b.store;
        assert_eq!(
            store
                .insert_ewaybill(&bill(100_000_000_001, &"f".repeat(64)))
                .await
                .unwrap(),
            EwbInsertOutcome::IrnNotFound
        );
        let inv = registered(store.as_ref(), 2).await;
        assert!(matches!(
            store
                .cancel_einvoice(&inv.irn, "1", "dup", NOW)
                .await
                .unwrap(),
            CancelOutcome::Cancelled(_)
        ));
        assert_eq!(
            store
                .insert_ewaybill(&bill(100_000_000_002, &inv.irn))
                .await
                .unwrap(),
            EwbInsertOutcome::IrnNotActive
        );
        assert!(store.ewaybills_for_irn(&inv.irn).await.unwrap().is_empty());
    }
}

#[tokio::test]
async fn an_active_ewaybill_blocks_the_irn_cancel_until_it_is_cancelled() {
    for b in backends().await {
        let store = &b.store;
        let inv = registered(store.as_ref(), 3).await;
        let ewb = bill(100_000_000_001, &inv.irn);
        store.insert_ewaybill(&ewb).await.unwrap();
        let CancelOutcome::EwbActive(row) = store
            .cancel_einvoice(&inv.irn, "1", "dup", NOW)
            .await
            .unwrap()
        else {
            panic!("cancel was not blocked");
        };
        assert_eq!(row.status, "ACT");
        assert_eq!(
            store.get_einvoice(&inv.irn).await.unwrap().unwrap().status,
            "ACT"
        );
        store
            .cancel_ewaybill(ewb.ewb_no, "1", "", NOW + 1)
            .await
            .unwrap();
        assert!(matches!(
            store
                .cancel_einvoice(&inv.irn, "1", "dup", NOW + 2)
                .await
                .unwrap(),
            CancelOutcome::Cancelled(_)
        ));
    }
}

#[tokio::test]
async fn of_concurrent_ewaybills_for_one_irn_one_is_made_and_of_cancels_one_wins() {
    for b in backends().await {
        let store = &b.store;
        let inv = registered(store.as_ref(), 4).await;
        let mut tasks = Vec::new();
        for i in 0..8 {
            let store = store.clone();
            let ewb = bill(100_000_000_010 + i, &inv.irn);
            tasks.push(tokio::spawn(async move {
                store.insert_ewaybill(&ewb).await.unwrap()
            }));
        }
        let mut made = 0;
        for t in tasks {
            if t.await.unwrap() == EwbInsertOutcome::Inserted {
                made += 1;
            }
        }
        assert_eq!(made, 1);
        let active = store.ewaybills_for_irn(&inv.irn).await.unwrap();
        assert_eq!(active.len(), 1);
        let ewb_no = active[0].ewb_no;
        let mut cancels = Vec::new();
        for i in 0..8 {
            let store = store.clone();
            cancels.push(tokio::spawn(async move {
                store
                    .cancel_ewaybill(ewb_no, "2", "x", NOW + i)
                    .await
                    .unwrap()
            }));
        }
        let mut won = 0;
        for c in cancels {
            match c.await.unwrap() {
                EwbCancelOutcome::Cancelled(_) => won += 1,
                EwbCancelOutcome::NotActive(b) => assert_eq!(b.status, "CNL"),
                EwbCancelOutcome::NotFound => panic!("bill exists"),
            }
        }
        assert_eq!(won, 1);
        assert_eq!(
            store.cancel_ewaybill(1, "2", "x", NOW).await.unwrap(),
            EwbCancelOutcome::NotFound
        );
    }
}

#[tokio::test]
async fn period_listing_takes_the_sellers_documents_of_that_month_by_ack_no() {
    for b in backends().await {
        let store = &b.store;
        let dates = [
            "01/11/2026",
            "30/11/2026",
            "31/10/2026",
            "01/12/2026",
            "15/11/2025",
        ];
        for (i, d) in dates.iter().enumerate() {
            let n = u32::try_from(i).unwrap() + 10;
            store.insert_einvoice(einvoice(n, d)).await.unwrap();
        }
        let mut other = einvoice(20, "10/11/2026");
        other.seller_gstin = "07AAACB1234C1Z1".to_string();
        store.insert_einvoice(other).await.unwrap();
        store
            .cancel_einvoice(&format!("{:064x}", 11), "1", "dup", NOW)
            .await
            .unwrap();
        let listed = store
            .list_einvoices_for_period("29AAACB1234C1Z5", 11, 2026)
            .await
            .unwrap();
        assert_eq!(
            listed
                .iter()
                .map(|e| e.doc_date.as_str())
                .collect::<Vec<_>>(),
            vec!["01/11/2026", "30/11/2026"]
        );
        assert_eq!(listed[1].status, "CNL");
    }
}

#[tokio::test]
async fn an_ewaybill_stored_with_its_irn_only_when_the_irn_is_new() {
    for b in backends().await {
        let store = &b.store;
        let inv = einvoice(30, "20/11/2026");
        let both = store
            .insert_einvoice_with_ewaybill(inv.clone(), bill(100_000_000_030, &inv.irn))
            .await
            .unwrap();
        assert_eq!(both.invoice, InsertOutcome::Inserted);
        assert_eq!(both.ewb, Some(Ok(EwbInsertOutcome::Inserted)));
        assert_eq!(
            store
                .get_ewaybill(100_000_000_030)
                .await
                .unwrap()
                .unwrap()
                .irn,
            inv.irn
        );
        // The same document again: a duplicate, and its bill is not tried.
        let again = store
            .insert_einvoice_with_ewaybill(inv.clone(), bill(100_000_000_031, &inv.irn))
            .await
            .unwrap();
        assert_eq!(again.invoice, InsertOutcome::Duplicate(inv.clone()));
        assert_eq!(again.ewb, None);
        assert_eq!(store.get_ewaybill(100_000_000_031).await.unwrap(), None);
        assert_eq!(store.ewaybills_for_irn(&inv.irn).await.unwrap().len(), 1);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_ewaybill_and_the_irn_cancel_racing_never_both_succeed() {
    for b in backends().await {
        let store = &b.store;
        for n in 0..20 {
            let inv = registered(store.as_ref(), 100 + n).await;
            let (maker, canceller) = (store.clone(), store.clone());
            let ewb = bill(100_000_000_100 + i64::from(n), &inv.irn);
            let irn = inv.irn.clone();
            let make = tokio::spawn(async move { maker.insert_ewaybill(&ewb).await.unwrap() });
            let cancel = tokio::spawn(async move {
                canceller
                    .cancel_einvoice(&irn, "1", "dup", NOW + 200)
                    .await
                    .unwrap()
            });
            match (make.await.unwrap(), cancel.await.unwrap()) {
                (EwbInsertOutcome::Inserted, CancelOutcome::EwbActive(_))
                | (EwbInsertOutcome::IrnNotActive, CancelOutcome::Cancelled(_)) => {}
                other => panic!("round {n}: {other:?}"),
            }
        }
    }
}

#[tokio::test]
async fn a_failed_ewaybill_does_not_undo_its_new_irn() {
    for b in backends().await {
        let store = &b.store;
        let first = einvoice(40, "20/11/2026");
        store
            .insert_einvoice_with_ewaybill(first.clone(), bill(100_000_000_040, &first.irn))
            .await
            .unwrap();
        // The next document's bill asks for a number already taken.
        let second = einvoice(41, "20/11/2026");
        let out = store
            .insert_einvoice_with_ewaybill(second.clone(), bill(100_000_000_040, &second.irn))
            .await
            .unwrap();
        assert_eq!(out.invoice, InsertOutcome::Inserted);
        assert!(
            matches!(out.ewb, Some(Err(StoreError::Conflict(_)))),
            "{:?}",
            out.ewb
        );
        assert_eq!(
            store.get_einvoice(&second.irn).await.unwrap(),
            Some(second.clone())
        );
        assert!(
            store
                .ewaybills_for_irn(&second.irn)
                .await
                .unwrap()
                .is_empty()
        );
    }
}
