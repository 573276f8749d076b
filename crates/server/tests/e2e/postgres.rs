//! The server on PostgreSQL, two nodes on one database: a token from node A works on node B, AckNos
//! never collide, one document gets one IRN however the concurrent requests are spread, and the
//! e-invoice life cycle (generate, duplicate, get, e-way bill, cancels, GSTR-1) works as on SQLite.
//! Needs `OPENIRP_TEST_DATABASE_URL`; without it the test says SKIPPED (and fails under
//! `OPENIRP_REQUIRE_TOOLS`, as in CI).

use crate::harness::{
    TestServer, as_refs, codes, intra_state_invoice, raw_get, session_headers, today,
};
use openirp_client::{ClientError, NicClient};
use openirp_testdb::PgSchema;
use std::collections::HashSet;

const BUYER: &str = "29AWGPV7107B1Z1";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_on_one_postgres_share_sessions_numbers_and_documents() {
    let Some(schema) = PgSchema::fresh().await else {
        return;
    };
    let url = schema.url().to_string();
    let a = TestServer::start_with(|c| c.database_url = Some(url.clone())).await;
    let b = TestServer::start_beside(&a, |c| {
        c.database_url = Some(url.clone());
        c.ack_prefix = 12;
    })
    .await;
    let tp = a.new_taxpayer("29").await;

    // Log in on A; the token and session key work on B.
    let on_a = std::sync::Arc::new(a.logged_in(&tp).await);
    let session = on_a.session().expect("session");
    let on_b = NicClient::new(&b.base, &b.auth_public_key().await, tp.credentials())
        .unwrap()
        .with_session_renewal(false);
    on_b.set_session((*session).clone());
    let on_b = std::sync::Arc::new(on_b);
    let first = on_b
        .generate_irn(intra_state_invoice(&tp.gstin, BUYER, "29", "PG/1").as_bytes())
        .await
        .expect("a token from node A works on node B");
    let irn = first["Irn"].as_str().unwrap().to_string();
    assert_eq!(on_a.get_irn(&irn).await.unwrap()["AckNo"], first["AckNo"]);

    // The same document again, on either node: 2150 with the original acknowledgement.
    let again = on_a
        .generate_irn(intra_state_invoice(&tp.gstin, BUYER, "29", "PG/1").as_bytes())
        .await
        .unwrap_err();
    assert_eq!(codes(&again), ["2150"]);

    // 64 concurrent requests for one new document, spread over both nodes: one IRN.
    let mut tasks = Vec::new();
    for i in 0..64 {
        let client = if i % 2 == 0 {
            on_a.clone()
        } else {
            on_b.clone()
        };
        let doc = intra_state_invoice(&tp.gstin, BUYER, "29", "PG/RACE");
        tasks.push(tokio::spawn(async move {
            client.generate_irn(doc.as_bytes()).await
        }));
    }
    let (mut won, mut duplicates) = (Vec::new(), Vec::new());
    for t in tasks {
        match t.await.unwrap() {
            Ok(v) => won.push(v),
            Err(ClientError::Nic { errors, info }) => {
                assert_eq!(errors[0].code, "2150");
                duplicates.push(info.expect("DUPIRN")[0]["Desc"].clone());
            }
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!((won.len(), duplicates.len()), (1, 63));
    // Whichever node answered, every 2150 carries the one IRN and its acknowledgement.
    for desc in &duplicates {
        assert_eq!(desc["Irn"], won[0]["Irn"]);
        assert_eq!(desc["AckNo"], won[0]["AckNo"]);
    }

    // 40 distinct documents over both nodes: 40 distinct AckNos.
    let mut tasks = Vec::new();
    for i in 0..40 {
        let client = if i % 2 == 0 {
            on_a.clone()
        } else {
            on_b.clone()
        };
        let doc = intra_state_invoice(&tp.gstin, BUYER, "29", &format!("PG/N/{i}"));
        tasks.push(tokio::spawn(async move {
            client.generate_irn(doc.as_bytes()).await
        }));
    }
    let mut acks = HashSet::new();
    for t in tasks {
        let v = t.await.unwrap().expect("distinct documents register");
        assert!(acks.insert(v["AckNo"].to_string()), "AckNo repeated: {v}");
    }
    assert_eq!(acks.len(), 40);

    // Cancel on B what A registered; the GSTR-1 read on A sees it cancelled.
    on_b.cancel_irn(&irn, "2", "Data entry mistake")
        .await
        .expect("cancel on the other node");
    let h = session_headers(&tp, &on_a);
    let period = format!("{}{}", &today()[3..5], &today()[6..10]);
    let gstr1: serde_json::Value = a
        .http
        .get(a.url(&format!("/api/v1/gstr1?gstin={}&period={period}", tp.gstin)))
        .headers(
            as_refs(&h)
                .iter()
                .map(|(k, v)| {
                    (
                        reqwest::header::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                        reqwest::header::HeaderValue::from_str(v).unwrap(),
                    )
                })
                .collect(),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let docs = &gstr1["doc_issue"]["doc_det"][0]["docs"];
    let cancelled: u64 = docs
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["cancel"].as_u64().unwrap())
        .sum();
    assert_eq!(cancelled, 1, "{gstr1}");
    let listed = raw_get(
        &b,
        &format!("/eicore/v1.03/Invoice/irn/{irn}"),
        &as_refs(&h),
    )
    .await;
    assert_eq!(listed["Status"], 1);
    a.stop().await;
    b.stop().await;
}
