use crate::harness::{
    TestServer, as_refs, codes, first_code, intra_state_invoice, raw_get, session_headers, today,
};
use openirp_client::ClientError;

const BUYER: &str = "29AWGPV7107B1Z1";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_by_irn_and_by_document_details_in_query_and_header_form() {
    let server = TestServer::start().await;
    let tp = server.new_taxpayer("29").await;
    let other = server.new_taxpayer("29").await;
    let client = server.logged_in(&tp).await;
    let out = client
        .generate_irn(intra_state_invoice(&tp.gstin, BUYER, "29", "GET/1").as_bytes())
        .await
        .unwrap();
    let irn = out["Irn"].as_str().unwrap();

    let by_irn = client.get_irn(irn).await.unwrap();
    assert_eq!(by_irn["AckNo"], out["AckNo"]);
    assert_eq!(by_irn["Status"], "ACT");
    // IRN in upper case and the path in other spellings.
    let mut h = session_headers(&tp, &client);
    let upper = raw_get(
        &server,
        &format!("/eicore/v1.03/INVOICE/irn/{}/", irn.to_uppercase()),
        &as_refs(&h),
    )
    .await;
    assert_eq!(upper["Status"], 1, "{upper}");

    // Query form (the number holds '/', URL-encoded by the client; lower case finds it too).
    let by_doc = client
        .get_irn_by_doc("INV", "get/1", &today())
        .await
        .unwrap();
    assert_eq!(by_doc["Irn"], irn);
    // Header form: doctype in the query, docnum and docdate as headers.
    h.push(("docnum".into(), "GET/1".into()));
    h.push(("docdate".into(), today()));
    let header_form = raw_get(
        &server,
        "/eicore/v1.03/Invoice/irnbydocdetails?doctype=INV",
        &as_refs(&h),
    )
    .await;
    assert_eq!(header_form["Status"], 1, "{header_form}");

    // Wrong date, wrong type, bad date format, missing parameters, bad IRN, unknown IRN.
    assert_eq!(
        codes(
            &client
                .get_irn_by_doc("INV", "GET/1", "01/04/2025")
                .await
                .unwrap_err()
        ),
        ["2148"]
    );
    assert_eq!(
        codes(
            &client
                .get_irn_by_doc("XYZ", "GET/1", &today())
                .await
                .unwrap_err()
        ),
        ["2161"]
    );
    assert_eq!(
        codes(
            &client
                .get_irn_by_doc("INV", "GET/1", "2025-01-01")
                .await
                .unwrap_err()
        ),
        ["2144"]
    );
    let h = session_headers(&tp, &client);
    assert_eq!(
        first_code(
            &raw_get(
                &server,
                "/eicore/v1.03/Invoice/irnbydocdetails?doctype=INV",
                &as_refs(&h)
            )
            .await
        ),
        "2142"
    );
    assert_eq!(codes(&client.get_irn("xyz").await.unwrap_err()), ["2145"]);
    assert_eq!(
        codes(&client.get_irn(&"a".repeat(64)).await.unwrap_err()),
        ["2148"]
    );

    // Another taxpayer may not read it.
    let stranger = server.logged_in(&other).await;
    assert_eq!(codes(&stranger.get_irn(irn).await.unwrap_err()), ["2226"]);
    // No 2-day cliff by default (a token lives 6 hours, so log in again first).
    server.advance_clock(10 * 24 * 3600).await;
    let mut client = client;
    client.authenticate(false).await.unwrap();
    assert_eq!(client.get_irn(irn).await.unwrap()["Irn"], irn);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_two_day_limit_can_be_emulated() {
    let server = TestServer::start_with(|c| c.emulate_two_day_limit = true).await;
    let tp = server.new_taxpayer("29").await;
    let client = server.logged_in(&tp).await;
    let out = client
        .generate_irn(intra_state_invoice(&tp.gstin, BUYER, "29", "OLD/1").as_bytes())
        .await
        .unwrap();
    let irn = out["Irn"].as_str().unwrap();
    client.get_irn(irn).await.unwrap();
    server.advance_clock(2 * 24 * 3600 + 60).await;
    let mut client = client;
    client.authenticate(false).await.unwrap();
    assert_eq!(codes(&client.get_irn(irn).await.unwrap_err()), ["2283"]);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_within_24_hours_once_and_the_number_stays_used() {
    let server = TestServer::start().await;
    let tp = server.new_taxpayer("29").await;
    let other = server.new_taxpayer("29").await;
    let client = server.logged_in(&tp).await;
    let doc = intra_state_invoice(&tp.gstin, BUYER, "29", "CNL/1");
    let out = client.generate_irn(doc.as_bytes()).await.unwrap();
    let irn = out["Irn"].as_str().unwrap();

    // Only the supplier may cancel; reasons are 1–4; the remark is 1–100 characters.
    let stranger = server.logged_in(&other).await;
    assert_eq!(
        codes(
            &stranger
                .cancel_irn(irn, "1", "Wrong entry")
                .await
                .unwrap_err()
        ),
        ["2143"]
    );
    assert_eq!(
        codes(
            &client
                .cancel_irn(irn, "7", "Wrong entry")
                .await
                .unwrap_err()
        ),
        ["2140"]
    );
    assert_eq!(
        codes(
            &client
                .cancel_irn(irn, "1", &"x".repeat(101))
                .await
                .unwrap_err()
        ),
        ["2140"]
    );
    assert_eq!(
        codes(
            &client
                .cancel_irn(&"b".repeat(64), "1", "Wrong entry")
                .await
                .unwrap_err()
        ),
        ["2154"]
    );

    let cancelled = client
        .cancel_irn(irn, "2", "Data entry mistake")
        .await
        .unwrap();
    assert_eq!(cancelled["Irn"], irn);
    assert_eq!(cancelled["CancelDate"].as_str().unwrap().len(), 19);
    assert_eq!(client.get_irn(irn).await.unwrap()["Status"], "CNL");
    assert_eq!(
        codes(&client.cancel_irn(irn, "2", "Again").await.unwrap_err()),
        ["9999"]
    );
    // The document number cannot be used again.
    assert_eq!(
        codes(&client.generate_irn(doc.as_bytes()).await.unwrap_err()),
        ["2278"]
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_late_cancel_is_refused_by_the_moved_clock() {
    let server = TestServer::start().await;
    let tp = server.new_taxpayer("29").await;
    let mut client = server.logged_in(&tp).await;
    let early = client
        .generate_irn(intra_state_invoice(&tp.gstin, BUYER, "29", "LATE/1").as_bytes())
        .await
        .unwrap();
    let late = client
        .generate_irn(intra_state_invoice(&tp.gstin, BUYER, "29", "LATE/2").as_bytes())
        .await
        .unwrap();
    server.advance_clock(23 * 3600).await;
    client.authenticate(false).await.unwrap();
    client
        .cancel_irn(early["Irn"].as_str().unwrap(), "3", "Order cancelled")
        .await
        .expect("inside 24 h");
    server.advance_clock(2 * 3600).await;
    client.authenticate(false).await.unwrap();
    let err = client
        .cancel_irn(late["Irn"].as_str().unwrap(), "3", "Order cancelled")
        .await
        .unwrap_err();
    assert_eq!(codes(&err), ["2270"]);
    assert_eq!(
        client.get_irn(late["Irn"].as_str().unwrap()).await.unwrap()["Status"],
        "ACT"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_cancels_cancel_once() {
    let server = TestServer::start().await;
    let tp = server.new_taxpayer("29").await;
    let client = std::sync::Arc::new(server.logged_in(&tp).await);
    let out = client
        .generate_irn(intra_state_invoice(&tp.gstin, BUYER, "29", "CC/1").as_bytes())
        .await
        .unwrap();
    let irn = out["Irn"].as_str().unwrap().to_string();
    let tasks: Vec<_> = (0..10)
        .map(|_| {
            let (c, irn) = (client.clone(), irn.clone());
            tokio::spawn(async move { c.cancel_irn(&irn, "1", "Duplicate").await })
        })
        .collect();
    let mut wins = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => wins += 1,
            Err(e @ ClientError::Nic { .. }) => assert_eq!(codes(&e), ["9999"]),
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(wins, 1);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_irns_survive_a_restart() {
    let server = TestServer::start().await;
    let tp = server.new_taxpayer("29").await;
    let client = server.logged_in(&tp).await;
    let mut acked = Vec::new();
    for i in 0..20 {
        let doc = intra_state_invoice(&tp.gstin, BUYER, "29", &format!("KEEP/{i}"));
        acked.push(client.generate_irn(doc.as_bytes()).await.unwrap());
    }
    let keep = server.stop().await;

    let again = keep.restart(|_| {}).await;
    let client = again.logged_in(&tp).await;
    for out in &acked {
        let got = client.get_irn(out["Irn"].as_str().unwrap()).await.unwrap();
        assert_eq!(got["SignedInvoice"], out["SignedInvoice"]);
        assert_eq!(got["SignedQRCode"], out["SignedQRCode"]);
    }
    // AckNos keep rising after a restart: no number is handed out twice.
    let next = client
        .generate_irn(intra_state_invoice(&tp.gstin, BUYER, "29", "KEEP/x").as_bytes())
        .await
        .unwrap();
    let max_before = acked
        .iter()
        .map(|o| o["AckNo"].as_u64().unwrap())
        .max()
        .unwrap();
    assert!(next["AckNo"].as_u64().unwrap() > max_before);
    again.stop().await;
    drop(keep);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gstin_details_and_rejected_irns() {
    let server = TestServer::start().await;
    let tp = server.new_taxpayer("32").await;
    let client = server.logged_in(&tp).await;
    let me = client.gstin_details(&tp.gstin).await.unwrap();
    assert_eq!(me["Gstin"], tp.gstin.as_str());
    assert_eq!(me["StateCode"], 32);
    assert_eq!(me["Status"], "ACT");
    assert_eq!(me["TxpType"], "REG");
    assert!(me["AddrPncd"].is_u64());
    assert!(me["DtDReg"].is_null());
    let nic = client.sync_gstin(BUYER).await.unwrap();
    assert_eq!(nic["LegalName"], "VIKAS EXPORTS");
    assert_eq!(
        codes(&client.gstin_details("27AAPFU0939F1ZV").await.unwrap_err()),
        ["3001"]
    );
    assert_eq!(
        codes(&client.gstin_details("NOTAGSTIN").await.unwrap_err()),
        ["3030"]
    );
    assert_eq!(
        client.rejected_irns(&today()).await.unwrap(),
        serde_json::json!([])
    );
    assert_eq!(
        codes(&client.rejected_irns("2025/01/01").await.unwrap_err()),
        ["2218"]
    );
    server.stop().await;
}
