//! What only PostgreSQL has: its migrator, and connections the server ends under a running store.
//! Everything the two backends share runs on both in `store.rs`, `ewaybills.rs` and `portal.rs`.
//! Needs `OPENIRP_TEST_DATABASE_URL` (see `openirp_testdb`); without it each test is skipped with a
//! note, and fails under `OPENIRP_REQUIRE_TOOLS`.

mod support;

use std::sync::Arc;

use openirp_store::{InsertOutcome, PgOptions, PgStore, Store};
use openirp_testdb::PgSchema;
use support::records::{einvoice, gstin};

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
        assert_eq!(
            store
                .insert_einvoice(einvoice(round, 9_000 + i64::from(round)))
                .await,
            Ok(InsertOutcome::Inserted)
        );
    }
    store.close().await;
}
