//! What only PostgreSQL has: its migrator, and connections the server ends under a running store.
//! Everything the two backends share runs on both in `store.rs`, `ewaybills.rs` and `portal.rs`.
//! Needs `OPENIRP_TEST_DATABASE_URL` (see `openirp_testdb`); without it each test is skipped with a
//! note, and fails under `OPENIRP_REQUIRE_TOOLS`.

use std::sync::Arc;

use openirp_store::{EInvoice, GstinRecord, InsertOutcome, PgOptions, PgStore, Store};
use openirp_testdb::PgSchema;

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

#[tokio::test]
async fn migrations_apply_twice_without_error() {
    let Some(schema) = PgSchema::fresh().await else {
        return;
    };
    let url = schema.url();
    assert_eq!(PgStore::migrate(url).await.unwrap(), vec![1, 2, 3, 4, 5, 6]);
    assert_eq!(PgStore::migrate(url).await.unwrap(), Vec::<i64>::new());
    let first = PgStore::connect(url).await.unwrap();
    first.ping().await.unwrap();
    first.close().await;
    let second = PgStore::connect_with(
        url,
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

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn operations_survive_terminated_connections() {
    let Some(schema) = PgSchema::fresh().await else {
        return;
    };
    let store = Arc::new(PgStore::connect(schema.url()).await.unwrap());
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
        let killed = schema.terminate_connections().await;
        assert!(killed > 0, "round {round}: nothing to terminate");
        // Reads, idempotent writes and the IRN insert all recover through the retries.
        assert!(store.get_gstin("29AAACB1234C1Z5").await.unwrap().is_some());
        store.put_gstin(&gstin("29AAACB1234C1Z5")).await.unwrap();
        let the_irn = format!("g{round:0>63}");
        assert_eq!(
            store
                .insert_einvoice(invoice(&the_irn, 9_000 + round as i64))
                .await,
            Ok(InsertOutcome::Inserted)
        );
    }
    store.close().await;
}
