use crate::harness::{TestServer, codes, intra_state_invoice};
use openirp_client::ClientError;
use openirp_model::gstin::{has_valid_checksum, make_gstin};
use openirp_server::Mode;
use serde_json::{Value, json};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sandbox_taxpayer_is_complete_and_its_secrets_are_not_stored() {
    let server = TestServer::start().await;
    let res = server
        .http
        .post(server.url("/sandbox/v1/taxpayers"))
        .json(&json!({"state_code": "07", "pan": "ABCPE1234F"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let tp: Value = res.json().await.unwrap();
    let gstin = tp["gstin"].as_str().unwrap();
    assert_eq!(gstin, make_gstin(7, "ABCPE1234F", 1).unwrap());
    assert!(has_valid_checksum(gstin));
    for key in ["client_id", "client_secret", "username", "password"] {
        assert!(tp[key].as_str().is_some_and(|s| !s.is_empty()), "{key}");
    }
    // A second one on the same PAN and state gets the next entity number.
    let res = server
        .http
        .post(server.url("/sandbox/v1/taxpayers"))
        .json(&json!({"state_code": 7, "pan": "ABCPE1234F"}))
        .send()
        .await
        .unwrap();
    let second: Value = res.json().await.unwrap();
    assert_eq!(second["gstin"], make_gstin(7, "ABCPE1234F", 2).unwrap());

    // The database holds hashes, never the secret or the password.
    let keep = server.stop().await;
    let haystack = keep.everything_stored().await;
    for secret in [&tp["client_secret"], &tp["password"]] {
        assert!(
            !haystack.contains(secret.as_str().unwrap()),
            "a secret reached the database"
        );
    }
    assert!(haystack.contains("$argon2id$"));
    drop(keep);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sandbox_inputs_are_checked() {
    let server = TestServer::start().await;
    let post = |path: &'static str, body: String| {
        let server = &server;
        async move {
            server
                .http
                .post(server.url(path))
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .unwrap()
        }
    };
    for body in [
        r#"{"state_code":"99"}"#,
        r#"{"state_code":"96"}"#,
        r#"{}"#,
        r#"{"state_code":"29","colour":1}"#,
        "nope",
        r#"{"state_code":"29","pan":"12345"}"#,
        r#"{"state_code":"29","aato_crore":-1}"#,
    ] {
        let res = post("/sandbox/v1/taxpayers", body.to_string()).await;
        assert_eq!(res.status(), 400, "{body}");
        let v: Value = res.json().await.unwrap();
        assert!(v["error"].as_str().is_some_and(|e| !e.is_empty()));
    }
    for body in [
        r#"{"gstin":"29AAGCB7383J1Z5"}"#,
        r#"{"gstin":"29AAGCB7383J1Z4","status":"XYZ"}"#,
        r#"{"gstin":"bad"}"#,
        r#"{"gstin":"29AAGCB7383J1Z4","dt_reg":"01/01/2020"}"#,
        r#"{"gstin":"29AAGCB7383J1Z4","aato_crore":-5}"#,
        r#"{"gstin":"29AAGCB7383J1Z4","aato_crore":"ten"}"#,
    ] {
        assert_eq!(
            post("/sandbox/v1/gstins", body.to_string()).await.status(),
            400,
            "{body}"
        );
    }
    assert_eq!(
        post(
            "/sandbox/v1/clock",
            r#"{"advance_seconds":1,"reset":true}"#.into()
        )
        .await
        .status(),
        400
    );
    // A checksum-failing GSTIN can be stored on purpose.
    assert_eq!(
        post(
            "/sandbox/v1/gstins",
            r#"{"gstin":"29AAGCB7383J1Z5","checksum_exempt":true}"#.into()
        )
        .await
        .status(),
        201
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn buyer_registration_status_drives_nic_errors() {
    let server = TestServer::start().await;
    let tp = server.new_taxpayer("29").await;
    let client = server.logged_in(&tp).await;
    let cancelled = make_gstin(29, "AAACZ1234K", 1).unwrap();
    let inactive = make_gstin(29, "AAACZ1234K", 2).unwrap();
    let r = server.put_gstin(json!({"gstin": cancelled, "status": "CNL", "dt_reg": "2018-01-01", "dt_dreg": "2021-01-01"})).await;
    assert_eq!(r.status(), 201);
    let r = server
        .put_gstin(json!({"gstin": inactive, "status": "INA"}))
        .await;
    assert_eq!(r.status(), 201);
    let err = client
        .generate_irn(intra_state_invoice(&tp.gstin, &cancelled, "29", "ST/1").as_bytes())
        .await
        .unwrap_err();
    assert_eq!(codes(&err), ["3074"]);
    let err = client
        .generate_irn(intra_state_invoice(&tp.gstin, &inactive, "29", "ST/2").as_bytes())
        .await
        .unwrap_err();
    assert_eq!(codes(&err), ["3076"]);
    // Re-activated, the same buyer is fine.
    server
        .put_gstin(json!({"gstin": inactive, "status": "ACT"}))
        .await;
    client
        .generate_irn(intra_state_invoice(&tp.gstin, &inactive, "29", "ST/2").as_bytes())
        .await
        .unwrap();
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn production_mode_has_no_test_data_api_and_no_nic_dummies() {
    let server = TestServer::start_with(|c| c.mode = Mode::Production).await;
    for path in [
        "/sandbox/v1/taxpayers",
        "/sandbox/v1/gstins",
        "/sandbox/v1/clock",
    ] {
        let res = server
            .http
            .post(server.url(path))
            .json(&json!({"state_code": "29"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 404, "{path}");
    }
    let index = server.get_json("/").await;
    assert_eq!(index["mode"], "production");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_drop_fault_commits_one_generate_then_cuts_the_connection_once() {
    let server = TestServer::start().await;
    let tp = server.new_taxpayer("29").await;
    let client = server.logged_in(&tp).await;
    let buyer = make_gstin(29, "AAACZ1234K", 1).unwrap();
    assert_eq!(
        server.put_gstin(json!({"gstin": buyer})).await.status(),
        201
    );
    let arm = |body: &'static str| {
        server
            .http
            .post(server.url("/sandbox/v1/faults"))
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    assert_eq!(
        arm(r#"{"drop_next_generate_response":true,"x":1}"#)
            .await
            .unwrap()
            .status(),
        400
    );
    assert_eq!(
        arm(r#"{"drop_next_generate_response":true}"#)
            .await
            .unwrap()
            .status(),
        200
    );
    let invoice = intra_state_invoice(&tp.gstin, &buyer, "29", "FAULT/1");
    let err = client.generate_irn(invoice.as_bytes()).await.unwrap_err();
    // No status line reaches the client: the request itself fails, as on a network cut.
    assert!(
        matches!(&err, ClientError::Http(e) if e.is_request() && e.status().is_none()),
        "{err}"
    );
    // The IRN was committed before the cut: a resend is a duplicate, and the switch is spent.
    let err = client.generate_irn(invoice.as_bytes()).await.unwrap_err();
    assert_eq!(codes(&err), ["2150"]);
    let other = intra_state_invoice(&tp.gstin, &buyer, "29", "FAULT/2");
    client.generate_irn(other.as_bytes()).await.unwrap();

    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_slow_fault_holds_one_gstins_generate_only() {
    let server = TestServer::start().await;
    let slow = server.new_taxpayer("29").await;
    let other = server.new_taxpayer("29").await;
    let buyer = make_gstin(29, "AAACZ1234K", 1).unwrap();
    assert_eq!(
        server.put_gstin(json!({"gstin": buyer})).await.status(),
        201
    );
    let arm = |body: Value| {
        server
            .http
            .post(server.url("/sandbox/v1/faults"))
            .json(&body)
            .send()
    };
    for bad in [
        json!({}),
        json!({"generate_delay_ms": 400}),
        json!({"gstin": slow.gstin}),
        json!({"gstin": "not-a-gstin", "generate_delay_ms": 400}),
        json!({"gstin": slow.gstin, "generate_delay_ms": -1}),
        json!({"gstin": slow.gstin, "generate_delay_ms": 120_001}),
    ] {
        assert_eq!(arm(bad.clone()).await.unwrap().status(), 400, "{bad}");
    }
    let armed: Value = arm(json!({"gstin": slow.gstin, "generate_delay_ms": 3000}))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        armed,
        json!({"gstin": slow.gstin, "generate_delay_ms": 3000, "drop_next_generate_response": false})
    );

    // The held GSTIN's request waits; another tenant's goes through meanwhile.
    let held_client = std::sync::Arc::new(server.logged_in(&slow).await);
    let started = std::time::Instant::now();
    let held = tokio::spawn({
        let client = held_client.clone();
        let doc = intra_state_invoice(&slow.gstin, &buyer, "29", "SLOW/1");
        async move { client.generate_irn(doc.as_bytes()).await }
    });
    let free = server.logged_in(&other).await;
    let doc = intra_state_invoice(&other.gstin, &buyer, "29", "FREE/1");
    free.generate_irn(doc.as_bytes()).await.unwrap();
    assert!(!held.is_finished(), "the held request was not held");
    held.await.unwrap().unwrap();
    assert!(started.elapsed() >= std::time::Duration::from_millis(3000));

    // 0 ends the hold.
    let ended = arm(json!({"gstin": slow.gstin, "generate_delay_ms": 0}))
        .await
        .unwrap();
    assert_eq!(ended.status(), 200);
    let started = std::time::Instant::now();
    let doc = intra_state_invoice(&slow.gstin, &buyer, "29", "SLOW/2");
    held_client.generate_irn(doc.as_bytes()).await.unwrap();
    assert!(started.elapsed() < std::time::Duration::from_millis(3000));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_production_server_has_no_fault_switch() {
    let server = TestServer::start_with(|c| c.mode = Mode::Production).await;
    let res = server
        .http
        .post(server.url("/sandbox/v1/faults"))
        .json(&json!({"drop_next_generate_response": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    server.stop().await;
}
