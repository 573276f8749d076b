use crate::harness::{
    TestServer, as_refs, first_code, intra_state_invoice, raw_post, session_headers,
};
use openirp_client::encrypted_request_body;

const GENERATE: &str = "/eicore/v1.03/Invoice";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_envelopes_get_nic_errors_never_a_500() {
    let server = TestServer::start_with(|c| c.max_body_bytes = 64 * 1024).await;
    let tp = server.new_taxpayer("29").await;
    let client = server.logged_in(&tp).await;
    let h = session_headers(&tp, &client);
    let h = as_refs(&h);
    let sek = client.session().unwrap().sek;
    let doc = intra_state_invoice(&tp.gstin, "29AWGPV7107B1Z1", "29", "ERR/1");

    let cases: Vec<(&str, String)> = vec![
        ("5001", "this is not json".into()),
        ("5001", "[1,2,3]".into()),
        ("5003", "{}".into()),
        ("5003", r#"{"Data":""}"#.into()),
        ("5003", r#"{"Data":null}"#.into()),
        ("1020", r#"{"Data":"not base64 at all!"}"#.into()),
        // Encrypted under some other key than this session's.
        (
            "1020",
            encrypted_request_body(&openirp_crypto::random_key(), doc.as_bytes()),
        ),
        // Decrypts, but what it holds is not JSON.
        ("5001", encrypted_request_body(&sek, b"{\"Version\":")),
        // A JSON array where an invoice object belongs.
        ("2140", encrypted_request_body(&sek, b"[]")),
        (
            "5002",
            format!(r#"{{"Data":"{}"}}"#, "A".repeat(100 * 1024)),
        ),
    ];
    for (code, body) in cases {
        let out = raw_post(&server, GENERATE, &h, body.clone()).await;
        assert_eq!(
            first_code(&out),
            code,
            "body {}",
            &body[..body.len().min(60)]
        );
        assert!(out["Data"].is_null());
    }
    // The lower-case envelope key works like NIC's .NET binder lets it.
    let lower = encrypted_request_body(&sek, doc.as_bytes()).replace("\"Data\"", "\"data\"");
    let out = raw_post(&server, GENERATE, &h, lower).await;
    assert_eq!(out["Status"], 1, "{out}");
    // Nothing from the failures was stored: the one good call holds AckNo … and its doc is the only one.
    let again = raw_post(
        &server,
        GENERATE,
        &h,
        encrypted_request_body(&sek, doc.as_bytes()),
    )
    .await;
    assert_eq!(first_code(&again), "2150");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_paths_are_404_and_wrong_methods_4xx() {
    let server = TestServer::start().await;
    let res = server
        .http
        .get(server.url("/eicore/v1.03/nothing"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    let res = server
        .http
        .get(server.url("/eicore/v1.03/Invoice"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 405);
    let ping = server.get_json("/eivital/v1.04/heartbeat/ping").await;
    assert_eq!(ping["Status"], 1);
    server.stop().await;
}
